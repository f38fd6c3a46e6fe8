/* dw-trend-chart.h: one figure's daily series for an agent's detail, drawn with GtkSnapshot:
 * counts as columns from zero, times, shares and ratings as a line with a dot per day; the
 * value axis labelled at its ends in the figure's unit, the day axis with its first, middle
 * and last dates.  Its accessible label names the figure and lists every day's value. */
#pragma once

#include <gtk/gtk.h>

#include "dw-agent-figures.h"

G_BEGIN_DECLS

#define DW_TYPE_TREND_CHART (dw_trend_chart_get_type ())
G_DECLARE_FINAL_TYPE (DwTrendChart, dw_trend_chart, DW, TREND_CHART, GtkWidget)

GtkWidget *dw_trend_chart_new        (void);
/* The series of @figure of @agent (NULL clears). */
void       dw_trend_chart_set_series (DwTrendChart   *self,
                                      DwAgentMetrics *agent,
                                      DwAgentFigure   figure);
/* What a screen reader is told, for tests. */
const char *dw_trend_chart_get_description (DwTrendChart *self);

G_END_DECLS
