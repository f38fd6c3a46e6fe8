/* dw-sla-countdown.c: the time left on one SLA target at any moment, in business time. */
#include "config.h"

#include <string.h>

#include "dw-sla-countdown.h"
#include "dw-sla.h"

/* Business seconds from @from to @to, negative when @to is earlier. */
static gint64
business_diff (DwCalendar *calendar,
               gint64      from,
               gint64      to)
{
  if (calendar == NULL)
    return to - from;

  if (to >= from)
    return dw_calendar_business_seconds_between (calendar, from, to);

  return -dw_calendar_business_seconds_between (calendar, to, from);
}

void
dw_sla_countdown_compute (const DwSlaTargetInfo *info,
                          DwStatus               status,
                          DwCalendar            *calendar,
                          gint64                 now,
                          DwSlaCountdown        *out)
{
  gboolean pending;

  g_return_if_fail (info != NULL);
  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);
  out->state = info->state;

  /* What the clock had left at the last refresh: exact while it stands still. */
  out->remaining = (gint64) info->target_minutes * 60 - info->elapsed_seconds;

  if (info->state == DW_SLA_STATE_NONE)
    {
      out->mode = DW_SLA_COUNTDOWN_DONE;
      out->remaining = 0;
      return;
    }

  if (info->state == DW_SLA_STATE_MET || info->met_at != 0)
    {
      out->mode = DW_SLA_COUNTDOWN_DONE;
      return;
    }

  pending = status == DW_STATUS_PENDING || info->state == DW_SLA_STATE_PAUSED
            || info->paused_reason == DW_SLA_PAUSE_PENDING;

  if (info->due_at != 0)
    {
      out->remaining = business_diff (calendar, now, info->due_at);

      /* The clock runs: its state moves on without waiting for the service. */
      if (!pending)
        {
          if (out->remaining <= 0)
            out->state = DW_SLA_STATE_BREACHED;
          else if (info->at_risk_at != 0 && now >= info->at_risk_at
                   && out->state == DW_SLA_STATE_OK)
            out->state = DW_SLA_STATE_AT_RISK;
        }
    }

  if (info->at_risk_at != 0 && now < info->at_risk_at && !pending)
    out->until_at_risk = business_diff (calendar, now, info->at_risk_at);

  if (pending)
    {
      out->mode = DW_SLA_COUNTDOWN_STOPPED_PENDING;
      out->until_at_risk = 0;
      return;
    }

  if (calendar != NULL && !dw_calendar_is_open (calendar, now))
    {
      out->mode = DW_SLA_COUNTDOWN_STOPPED_OUTSIDE_HOURS;
      out->resumes_at = dw_calendar_next_transition (calendar, now);
      return;
    }

  out->mode = DW_SLA_COUNTDOWN_RUNNING;
}

void
dw_sla_duration_split (gint64         seconds,
                       DwSlaDuration *out)
{
  guint64 abs_seconds;

  g_return_if_fail (out != NULL);

  out->overdue = seconds < 0;
  abs_seconds = seconds < 0 ? (guint64) -(seconds + 1) + 1 : (guint64) seconds;
  out->days = (gint64) (abs_seconds / 86400);
  out->hours = (int) (abs_seconds % 86400 / 3600);
  out->minutes = (int) (abs_seconds % 3600 / 60);
  out->seconds = (int) (abs_seconds % 60);
}

char *
dw_sla_countdown_format_clock (gint64 seconds)
{
  DwSlaDuration d;

  dw_sla_duration_split (seconds, &d);
  return g_strdup_printf ("%s%" G_GINT64_FORMAT ":%02d:%02d", d.overdue ? "-" : "",
                          d.days * 24 + d.hours, d.minutes, d.seconds);
}

gboolean
dw_sla_countdown_resume_time (DwCalendar *calendar,
                              gint64      now,
                              gint64      resumes_at,
                              int        *hour,
                              int        *minute,
                              int        *days_ahead,
                              int        *weekday)
{
  g_autoptr(GDateTime) now_utc = NULL;
  g_autoptr(GDateTime) at_utc = NULL;
  g_autoptr(GDateTime) now_local = NULL;
  g_autoptr(GDateTime) at_local = NULL;
  GTimeZone *tz;
  GDate now_date, at_date;
  int y, m, d;

  g_return_val_if_fail (DW_IS_CALENDAR (calendar), FALSE);

  if (resumes_at <= 0 || resumes_at >= DW_CALENDAR_FOREVER)
    return FALSE;

  tz = dw_calendar_get_time_zone (calendar);
  now_utc = g_date_time_new_from_unix_utc (now);
  at_utc = g_date_time_new_from_unix_utc (resumes_at);
  now_local = g_date_time_to_timezone (now_utc, tz);
  at_local = g_date_time_to_timezone (at_utc, tz);

  g_date_time_get_ymd (now_local, &y, &m, &d);
  g_date_clear (&now_date, 1);
  g_date_set_dmy (&now_date, d, m, y);
  g_date_time_get_ymd (at_local, &y, &m, &d);
  g_date_clear (&at_date, 1);
  g_date_set_dmy (&at_date, d, m, y);

  if (hour != NULL)
    *hour = g_date_time_get_hour (at_local);
  if (minute != NULL)
    *minute = g_date_time_get_minute (at_local);
  if (days_ahead != NULL)
    *days_ahead = g_date_days_between (&now_date, &at_date);
  if (weekday != NULL)
    *weekday = g_date_time_get_day_of_week (at_local);

  return TRUE;
}
