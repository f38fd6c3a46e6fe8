/* dw-sla-countdown.h: the time left on one SLA target, in business time, at any moment.
 *
 * A ticket's "sla" entry (DwSlaTargetInfo) is what the service computed at its last refresh.
 * Between refreshes the console ticks every second; this works out, from that entry, the
 * ticket's status and the team's calendar, what the countdown shows *now*:
 *
 *   - running: the calendar is open and the ticket is not pending; remaining counts down;
 *   - stopped, pending: the ticket waits on the customer, the clock stands still;
 *   - stopped, outside hours: the calendar is closed; it resumes at resumes_at (the next
 *     opening), which the console shows as "resumes at HH:MM" in the calendar's zone
 *     (dw_sla_countdown_resume_time gives the local wall-clock parts);
 *   - done: the target is met (or has no clock: none).
 *
 * remaining is in business seconds up to due_at, negative once the target is overdue (by how
 * much business time).  The state is the stored one advanced by the clock: a running target
 * whose at_risk_at / due_at has passed reads at-risk / breached before the service says so.
 *
 * Nothing here is translated: the console formats the structured result in its own words.
 */
#pragma once

#include <glib.h>

#include "dw-calendar.h"
#include "dw-enums.h"
#include "dw-ticket.h"

G_BEGIN_DECLS

typedef enum
{
  DW_SLA_COUNTDOWN_RUNNING,
  DW_SLA_COUNTDOWN_STOPPED_PENDING,
  DW_SLA_COUNTDOWN_STOPPED_OUTSIDE_HOURS,
  DW_SLA_COUNTDOWN_DONE,
} DwSlaCountdownMode;

typedef struct
{
  DwSlaCountdownMode mode;
  DwSlaState         state;          /* at now: ok, at-risk, breached, paused, met or none */
  gint64             remaining;      /* business seconds to due_at; < 0: overdue by that much */
  gint64             until_at_risk;  /* business seconds to at_risk_at; 0 once passed or unknown */
  gint64             resumes_at;     /* STOPPED_OUTSIDE_HOURS: the next opening; else 0 */
} DwSlaCountdown;

/* @calendar may be NULL (no calendar known yet): then wall-clock seconds are counted and the
 * countdown never stops for hours. */
void     dw_sla_countdown_compute      (const DwSlaTargetInfo *info,
                                        DwStatus               status,
                                        DwCalendar            *calendar,
                                        gint64                 now,
                                        DwSlaCountdown        *out);

/* Wall-clock parts for display, e.g. 1 d 02:03:04 overdue. */
typedef struct
{
  gboolean overdue;  /* the seconds were negative */
  gint64   days;
  int      hours;    /* 0..23 */
  int      minutes;  /* 0..59 */
  int      seconds;  /* 0..59 */
} DwSlaDuration;

void     dw_sla_duration_split         (gint64                 seconds,
                                        DwSlaDuration         *out);

/* "H:MM:SS", "-H:MM:SS" when overdue (hours not capped at 24): digits only, no words, so it
 * needs no translation.  Free with g_free. */
char    *dw_sla_countdown_format_clock (gint64                 seconds);

/* The local wall-clock time of @resumes_at in @calendar's zone, and how many local days after
 * @now's local date it is (0 today, 1 tomorrow, …) so the console can say "resumes at 09:00"
 * or "resumes Monday 09:00".  FALSE when @resumes_at is 0 or DW_CALENDAR_FOREVER. */
gboolean dw_sla_countdown_resume_time  (DwCalendar            *calendar,
                                        gint64                 now,
                                        gint64                 resumes_at,
                                        int                   *hour,
                                        int                   *minute,
                                        int                   *days_ahead,
                                        int                   *weekday);

G_END_DECLS
