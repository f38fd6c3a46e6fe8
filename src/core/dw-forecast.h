/* dw-forecast.h: expected arrivals per interval of a day, from the desk's history.
 *
 * A day is forecast from days like it: an ordinary day from the same weekday of each of the last
 * weeks (statutory holidays skipped), a holiday from the holidays before it.  Recent days weigh
 * more — each one back counts 0.7 of the one after it — so a desk that grows or shrinks is
 * followed within a few weeks without one odd day swinging the forecast.  What is forecast is
 * the weighted mean of those days, interval by interval.
 */
#pragma once

#include <glib.h>

#include "dw-calendar.h"

G_BEGIN_DECLS

#define DW_FORECAST_DECAY 0.7

typedef struct
{
  gint64 midnight;   /* the past day's local midnight */
  double weight;     /* weights of the picked days add up to 1 */
} DwForecastDay;

/* Up to @max_days past days to forecast the day starting at @target_midnight (local) from, most
 * recent first: same weekday over the last @max_days weeks when that day is not a holiday, else
 * holidays within the last 400 days.  Days before the one holding @not_before (the desk's first
 * history) are not picked.  An array of DwForecastDay, maybe empty. */
GArray  *dw_forecast_pick_days  (DwCalendar *calendar,
                                 gint64      target_midnight,
                                 guint       max_days,
                                 gint64      not_before);

/* out[i] = Σ weight_d · arrivals[d][i] over the @n_days days; @arrivals holds n_days rows of
 * n_intervals counts each. */
void     dw_forecast_combine    (const DwForecastDay *days,
                                 guint                n_days,
                                 const double        *arrivals,
                                 guint                n_intervals,
                                 double              *out);

G_END_DECLS
