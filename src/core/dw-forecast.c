/* dw-forecast.c: the days a forecast is made from, and their weighted mean. */
#include "config.h"

#include <math.h>

#include "dw-forecast.h"

#define HOLIDAY_LOOKBACK_DAYS 400

static gboolean
is_holiday (DwCalendar *calendar,
            GDateTime  *local)
{
  return dw_calendar_is_holiday (calendar, g_date_time_get_year (local),
                                 g_date_time_get_month (local),
                                 g_date_time_get_day_of_month (local));
}

static gint64
local_midnight (GTimeZone *tz,
                GDateTime *local)
{
  g_autoptr(GDateTime) midnight = g_date_time_new (tz, g_date_time_get_year (local),
                                                   g_date_time_get_month (local),
                                                   g_date_time_get_day_of_month (local),
                                                   0, 0, 0);

  return g_date_time_to_unix (midnight);
}

GArray *
dw_forecast_pick_days (DwCalendar *calendar,
                       gint64      target_midnight,
                       guint       max_days,
                       gint64      not_before)
{
  GArray *days = g_array_new (FALSE, FALSE, sizeof (DwForecastDay));
  GTimeZone *tz;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) target = NULL;
  gboolean holiday;
  double weight = 1, total = 0;
  guint step, limit;

  g_return_val_if_fail (DW_IS_CALENDAR (calendar), days);

  tz = dw_calendar_get_time_zone (calendar);
  utc = g_date_time_new_from_unix_utc (target_midnight + 12 * 3600);
  target = g_date_time_to_timezone (utc, tz);
  holiday = is_holiday (calendar, target);
  if (not_before > 0)
    {
      g_autoptr(GDateTime) first_utc = g_date_time_new_from_unix_utc (not_before);
      g_autoptr(GDateTime) first = g_date_time_to_timezone (first_utc, tz);

      /* the day the history starts counts, from its midnight */
      not_before = local_midnight (tz, first);
    }
  step = holiday ? 1 : 7;
  limit = holiday ? HOLIDAY_LOOKBACK_DAYS : 7 * max_days * 2;

  for (guint back = step; back <= limit && days->len < max_days; back += step)
    {
      g_autoptr(GDateTime) day = g_date_time_add_days (target, -(int) back);
      DwForecastDay picked;

      /* noon of the day: a day's midnight is then found in its own zone offset */
      picked.midnight = local_midnight (tz, day);
      if (picked.midnight < not_before)
        break;
      if (is_holiday (calendar, day) != holiday)
        continue;

      picked.weight = weight;
      total += weight;
      weight *= DW_FORECAST_DECAY;
      g_array_append_val (days, picked);
    }

  for (guint i = 0; i < days->len; i++)
    g_array_index (days, DwForecastDay, i).weight /= total;
  return days;
}

void
dw_forecast_combine (const DwForecastDay *days,
                     guint                n_days,
                     const double        *arrivals,
                     guint                n_intervals,
                     double              *out)
{
  for (guint i = 0; i < n_intervals; i++)
    {
      out[i] = 0;
      for (guint d = 0; d < n_days; d++)
        out[i] += days[d].weight * arrivals[d * n_intervals + i];
    }
}
