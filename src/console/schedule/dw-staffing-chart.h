/* dw-staffing-chart.h: one day of a team's staffing by interval, drawn: required agents as
 * columns, scheduled and online agents as lines, short intervals marked, a "now" line, and
 * below them forecast against actual arrivals. */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DW_TYPE_STAFFING_CHART (dw_staffing_chart_get_type ())
G_DECLARE_FINAL_TYPE (DwStaffingChart, dw_staffing_chart, DW, STAFFING_CHART, GtkWidget)

GtkWidget *dw_staffing_chart_new             (void);
/* @day: GET /staffing/day's answer (not taken; NULL clears). */
void       dw_staffing_chart_set_day         (DwStaffingChart *self,
                                              JsonObject      *day);
/* Where the "now" line is (Unix seconds). */
void       dw_staffing_chart_set_now         (DwStaffingChart *self,
                                              gint64           now);
guint      dw_staffing_chart_get_n_intervals (DwStaffingChart *self);
/* The numbers drawn for interval @i; @online is -1 for an interval not begun. */
gboolean   dw_staffing_chart_get_interval    (DwStaffingChart *self,
                                              guint            i,
                                              gint64          *starts_at,
                                              int             *required,
                                              int             *scheduled,
                                              int             *online);

G_END_DECLS
