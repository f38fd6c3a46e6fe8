/* dw-roster-week.c: week names, day columns and clock strings of the roster. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dw-roster-week.h"

static GDate *
parse_date (const char *text)
{
  int y, m, d;
  char end;

  if (text == NULL || sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3
      || strlen (text) != 10 || !g_date_valid_dmy (d, m, y))
    return NULL;
  return g_date_new_dmy (d, m, y);
}

static char *
format_date (const GDate *date)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

char *
dw_roster_week_of (GTimeZone *time_zone,
                   gint64     at,
                   int        weeks)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDate) date = NULL;

  g_return_val_if_fail (time_zone != NULL, NULL);

  {
    g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (at);

    local = g_date_time_to_timezone (utc, time_zone);
  }
  date = g_date_new_dmy (g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                         g_date_time_get_year (local));
  g_date_subtract_days (date, g_date_time_get_day_of_week (local) - 1);
  if (weeks > 0)
    g_date_add_days (date, 7 * weeks);
  else if (weeks < 0)
    g_date_subtract_days (date, 7 * -weeks);
  return format_date (date);
}

char *
dw_roster_week_add (const char *monday,
                    int         weeks)
{
  g_autoptr(GDate) date = parse_date (monday);

  if (date == NULL)
    return NULL;
  if (weeks > 0)
    g_date_add_days (date, 7 * weeks);
  else if (weeks < 0)
    g_date_subtract_days (date, 7 * -weeks);
  return format_date (date);
}

char *
dw_roster_week_date (const char *monday,
                     int         day)
{
  g_autoptr(GDate) date = parse_date (monday);

  g_return_val_if_fail (day >= 0 && day < 7, NULL);

  if (date == NULL)
    return NULL;
  g_date_add_days (date, day);
  return format_date (date);
}

gint64
dw_roster_week_time (GTimeZone  *time_zone,
                     const char *monday,
                     int         day,
                     int         minutes)
{
  g_autoptr(GDate) date = parse_date (monday);
  g_autoptr(GDateTime) at = NULL;

  g_return_val_if_fail (time_zone != NULL, -1);
  g_return_val_if_fail (minutes >= 0, -1);

  if (date == NULL)
    return -1;
  g_date_add_days (date, day + minutes / 1440);
  /* Local wall-clock time: across a DST change a day is not 1440 minutes, and the minute
   * count means the clock on the wall, as a template's "08:00" does.  A time the change
   * skips is moved on by GLib. */
  at = g_date_time_new (time_zone, g_date_get_year (date), g_date_get_month (date),
                        g_date_get_day (date), (minutes % 1440) / 60, minutes % 60, 0);
  return at != NULL ? g_date_time_to_unix (at) : -1;
}

int
dw_roster_week_day_of (GTimeZone  *time_zone,
                       const char *monday,
                       gint64      at)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (at);
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDate) start = parse_date (monday);
  g_autoptr(GDate) date = NULL;
  int days;

  g_return_val_if_fail (time_zone != NULL, -1);

  if (start == NULL)
    return -1;
  local = g_date_time_to_timezone (utc, time_zone);
  date = g_date_new_dmy (g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                         g_date_time_get_year (local));
  days = g_date_days_between (start, date);
  return days >= 0 && days < 7 ? days : -1;
}

int
dw_roster_minute_of_day (GTimeZone *time_zone,
                         gint64     at)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (at);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, time_zone);

  return g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);
}

char *
dw_roster_format_span (GTimeZone *time_zone,
                       gint64     starts_at,
                       gint64     ends_at)
{
  g_autoptr(GDateTime) utc_start = g_date_time_new_from_unix_utc (starts_at);
  g_autoptr(GDateTime) utc_end = g_date_time_new_from_unix_utc (ends_at);
  g_autoptr(GDateTime) start = g_date_time_to_timezone (utc_start, time_zone);
  g_autoptr(GDateTime) end = g_date_time_to_timezone (utc_end, time_zone);
  g_autoptr(GDate) start_date = NULL;
  g_autoptr(GDate) end_date = NULL;
  int days;

  start_date = g_date_new_dmy (g_date_time_get_day_of_month (start), g_date_time_get_month (start),
                               g_date_time_get_year (start));
  end_date = g_date_new_dmy (g_date_time_get_day_of_month (end), g_date_time_get_month (end),
                             g_date_time_get_year (end));
  days = g_date_days_between (start_date, end_date);
  /* A shift ending at midnight ends "24:00" of its day rather than "00:00 +1". */
  if (days == 1 && g_date_time_get_hour (end) == 0 && g_date_time_get_minute (end) == 0)
    return g_strdup_printf ("%02d:%02d–24:00", g_date_time_get_hour (start),
                            g_date_time_get_minute (start));
  if (days > 0)
    return g_strdup_printf ("%02d:%02d–%02d:%02d +%d", g_date_time_get_hour (start),
                            g_date_time_get_minute (start), g_date_time_get_hour (end),
                            g_date_time_get_minute (end), days);
  return g_strdup_printf ("%02d:%02d–%02d:%02d", g_date_time_get_hour (start),
                          g_date_time_get_minute (start), g_date_time_get_hour (end),
                          g_date_time_get_minute (end));
}

gboolean
dw_roster_parse_clock (const char *text,
                       int        *minutes)
{
  int h, m, n = 0;

  if (text == NULL)
    return FALSE;
  while (g_ascii_isspace (*text))
    text++;
  if (sscanf (text, "%2d:%2d%n", &h, &m, &n) != 2)
    return FALSE;
  while (g_ascii_isspace (text[n]))
    n++;
  if (text[n] != '\0' || h < 0 || h > 23 || m < 0 || m > 59)
    return FALSE;
  if (minutes != NULL)
    *minutes = h * 60 + m;
  return TRUE;
}
