/* Unit tests of dw-sla-countdown: business time left, stops, and the display helpers. */
#include "config.h"

#include "dw-sla.h"
#include "dw-sla-countdown.h"

/* Monday 2026-11-23 in UTC. */
static gint64
at (int day,
    int hour,
    int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (2026, 11, day, hour, minute, 0);

  return g_date_time_to_unix (dt);
}

/* Monday to Friday 09:00–18:00 UTC. */
static DwCalendar *
office (void)
{
  DwCalendar *calendar = dw_calendar_new ("UTC");

  dw_calendar_set_days (calendar, 1, 5, 9 * 60, 18 * 60);
  return calendar;
}

static DwSlaTargetInfo
running (DwSlaState state,
         int        target_minutes,
         gint64     at_risk_at,
         gint64     due_at)
{
  DwSlaTargetInfo info = { .target = DW_SLA_TARGET_FIRST_RESPONSE, .state = state,
                           .target_minutes = target_minutes, .at_risk_at = at_risk_at,
                           .due_at = due_at };

  return info;
}

static void
test_running (void)
{
  g_autoptr(DwCalendar) calendar = office ();
  DwSlaTargetInfo info = running (DW_SLA_STATE_OK, 30, at (23, 10, 22) + 30, at (23, 10, 30));
  DwSlaCountdown c;

  dw_sla_countdown_compute (&info, DW_STATUS_OPEN, calendar, at (23, 10, 10), &c);
  g_assert_cmpint (c.mode, ==, DW_SLA_COUNTDOWN_RUNNING);
  g_assert_cmpint (c.state, ==, DW_SLA_STATE_OK);
  g_assert_cmpint (c.remaining, ==, 20 * 60);
  g_assert_cmpint (c.until_at_risk, ==, 12 * 60 + 30);
  g_assert_cmpint (c.resumes_at, ==, 0);

  /* Past at_risk_at the state moves on before the service says so. */
  dw_sla_countdown_compute (&info, DW_STATUS_OPEN, calendar, at (23, 10, 25), &c);
  g_assert_cmpint (c.state, ==, DW_SLA_STATE_AT_RISK);
  g_assert_cmpint (c.remaining, ==, 5 * 60);
  g_assert_cmpint (c.until_at_risk, ==, 0);

  /* And past due_at it is breached, overdue counted in business seconds. */
  dw_sla_countdown_compute (&info, DW_STATUS_OPEN, calendar, at (23, 10, 40), &c);
  g_assert_cmpint (c.state, ==, DW_SLA_STATE_BREACHED);
  g_assert_cmpint (c.remaining, ==, -10 * 60);
  g_assert_cmpint (c.mode, ==, DW_SLA_COUNTDOWN_RUNNING);

  /* Overdue across a night counts only the open hours: Monday 10:30–18:00 and Tuesday
   * 09:00–09:30. */
  dw_sla_countdown_compute (&info, DW_STATUS_OPEN, calendar, at (24, 9, 30), &c);
  g_assert_cmpint (c.remaining, ==, -(7 * 3600 + 30 * 60 + 30 * 60));
}

static void
test_outside_hours (void)
{
  g_autoptr(DwCalendar) calendar = office ();
  /* Monday 17:30 with 30 of 60 minutes used: due Tuesday 09:30. */
  DwSlaTargetInfo info = running (DW_SLA_STATE_AT_RISK, 60, at (23, 17, 45), at (24, 9, 30));
  DwSlaTargetInfo friday = running (DW_SLA_STATE_OK, 120, at (30, 9, 30), at (30, 10, 0));
  DwSlaCountdown c;
  int hour = -1, minute = -1, days = -1, weekday = -1;

  dw_sla_countdown_compute (&info, DW_STATUS_OPEN, calendar, at (23, 20, 0), &c);
  g_assert_cmpint (c.mode, ==, DW_SLA_COUNTDOWN_STOPPED_OUTSIDE_HOURS);
  g_assert_cmpint (c.state, ==, DW_SLA_STATE_AT_RISK);
  g_assert_cmpint (c.remaining, ==, 30 * 60);
  g_assert_cmpint (c.resumes_at, ==, at (24, 9, 0));
  g_assert_true (dw_sla_countdown_resume_time (calendar, at (23, 20, 0), c.resumes_at, &hour,
                                               &minute, &days, &weekday));
  g_assert_cmpint (hour, ==, 9);
  g_assert_cmpint (minute, ==, 0);
  g_assert_cmpint (days, ==, 1);
  g_assert_cmpint (weekday, ==, 2);

  /* The clock does not move over the night: the same remaining at 08:59 next morning. */
  dw_sla_countdown_compute (&info, DW_STATUS_OPEN, calendar, at (24, 8, 59), &c);
  g_assert_cmpint (c.remaining, ==, 30 * 60);
  g_assert_cmpint (c.mode, ==, DW_SLA_COUNTDOWN_STOPPED_OUTSIDE_HOURS);

  /* Friday evening: resumes Monday, three days ahead. */
  dw_sla_countdown_compute (&friday, DW_STATUS_NEW, calendar, at (27, 19, 0), &c);
  g_assert_cmpint (c.mode, ==, DW_SLA_COUNTDOWN_STOPPED_OUTSIDE_HOURS);
  g_assert_cmpint (c.resumes_at, ==, at (30, 9, 0));
  g_assert_true (dw_sla_countdown_resume_time (calendar, at (27, 19, 0), c.resumes_at, &hour,
                                               &minute, &days, &weekday));
  g_assert_cmpint (days, ==, 3);
  g_assert_cmpint (weekday, ==, 1);
  g_assert_cmpint (c.remaining, ==, 3600);

  g_assert_false (dw_sla_countdown_resume_time (calendar, at (27, 19, 0), 0, &hour, &minute,
                                                &days, &weekday));
}

static void
test_pending (void)
{
  g_autoptr(DwCalendar) calendar = office ();
  DwSlaTargetInfo paused = { .target = DW_SLA_TARGET_RESOLUTION, .state = DW_SLA_STATE_PAUSED,
                             .target_minutes = 30, .elapsed_seconds = 600,
                             .paused_reason = DW_SLA_PAUSE_PENDING };
  DwSlaTargetInfo breached = { .target = DW_SLA_TARGET_RESOLUTION,
                               .state = DW_SLA_STATE_BREACHED, .target_minutes = 30,
                               .elapsed_seconds = 2400, .paused_reason = DW_SLA_PAUSE_PENDING };
  DwSlaCountdown c;

  dw_sla_countdown_compute (&paused, DW_STATUS_PENDING, calendar, at (23, 11, 0), &c);
  g_assert_cmpint (c.mode, ==, DW_SLA_COUNTDOWN_STOPPED_PENDING);
  g_assert_cmpint (c.state, ==, DW_SLA_STATE_PAUSED);
  g_assert_cmpint (c.remaining, ==, 1200);

  /* Pending says so even outside hours: the customer is what it waits for. */
  dw_sla_countdown_compute (&paused, DW_STATUS_PENDING, calendar, at (23, 23, 0), &c);
  g_assert_cmpint (c.mode, ==, DW_SLA_COUNTDOWN_STOPPED_PENDING);
  g_assert_cmpint (c.remaining, ==, 1200);

  dw_sla_countdown_compute (&breached, DW_STATUS_PENDING, calendar, at (23, 11, 0), &c);
  g_assert_cmpint (c.mode, ==, DW_SLA_COUNTDOWN_STOPPED_PENDING);
  g_assert_cmpint (c.state, ==, DW_SLA_STATE_BREACHED);
  g_assert_cmpint (c.remaining, ==, -600);
}

static void
test_done (void)
{
  g_autoptr(DwCalendar) calendar = office ();
  DwSlaTargetInfo met = { .target = DW_SLA_TARGET_FIRST_RESPONSE, .state = DW_SLA_STATE_MET,
                          .target_minutes = 30, .elapsed_seconds = 900,
                          .met_at = at (23, 10, 0) };
  DwSlaTargetInfo late = { .target = DW_SLA_TARGET_FIRST_RESPONSE,
                           .state = DW_SLA_STATE_BREACHED, .target_minutes = 30,
                           .elapsed_seconds = 2100, .met_at = at (23, 10, 0) };
  DwSlaTargetInfo none = { .target = DW_SLA_TARGET_NEXT_RESPONSE, .state = DW_SLA_STATE_NONE,
                           .target_minutes = 30 };
  DwSlaCountdown c;

  dw_sla_countdown_compute (&met, DW_STATUS_OPEN, calendar, at (23, 12, 0), &c);
  g_assert_cmpint (c.mode, ==, DW_SLA_COUNTDOWN_DONE);
  g_assert_cmpint (c.state, ==, DW_SLA_STATE_MET);
  g_assert_cmpint (c.remaining, ==, 900);

  /* Settled late: done, still breached, by how much. */
  dw_sla_countdown_compute (&late, DW_STATUS_OPEN, calendar, at (23, 12, 0), &c);
  g_assert_cmpint (c.mode, ==, DW_SLA_COUNTDOWN_DONE);
  g_assert_cmpint (c.state, ==, DW_SLA_STATE_BREACHED);
  g_assert_cmpint (c.remaining, ==, -300);

  dw_sla_countdown_compute (&none, DW_STATUS_OPEN, calendar, at (23, 12, 0), &c);
  g_assert_cmpint (c.mode, ==, DW_SLA_COUNTDOWN_DONE);
  g_assert_cmpint (c.state, ==, DW_SLA_STATE_NONE);
}

static void
test_no_calendar (void)
{
  DwSlaTargetInfo info = running (DW_SLA_STATE_OK, 30, at (23, 22, 0), at (23, 22, 30));
  DwSlaCountdown c;

  dw_sla_countdown_compute (&info, DW_STATUS_OPEN, NULL, at (23, 22, 10), &c);
  g_assert_cmpint (c.mode, ==, DW_SLA_COUNTDOWN_RUNNING);
  g_assert_cmpint (c.state, ==, DW_SLA_STATE_AT_RISK);
  g_assert_cmpint (c.remaining, ==, 20 * 60);
}

static void
test_format (void)
{
  struct { gint64 seconds; const char *text; } cases[] = {
    { 0, "0:00:00" },
    { 59, "0:00:59" },
    { 3661, "1:01:01" },
    { -59, "-0:00:59" },
    { 90061, "25:01:01" },
    { -90061, "-25:01:01" },
  };
  DwSlaDuration d;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = dw_sla_countdown_format_clock (cases[i].seconds);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  dw_sla_duration_split (-90061, &d);
  g_assert_true (d.overdue);
  g_assert_cmpint (d.days, ==, 1);
  g_assert_cmpint (d.hours, ==, 1);
  g_assert_cmpint (d.minutes, ==, 1);
  g_assert_cmpint (d.seconds, ==, 1);

  dw_sla_duration_split (G_MININT64, &d);
  g_assert_true (d.overdue);
  g_assert_cmpint (d.days, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sla-countdown/running", test_running);
  g_test_add_func ("/sla-countdown/outside-hours", test_outside_hours);
  g_test_add_func ("/sla-countdown/pending", test_pending);
  g_test_add_func ("/sla-countdown/done", test_done);
  g_test_add_func ("/sla-countdown/no-calendar", test_no_calendar);
  g_test_add_func ("/sla-countdown/format", test_format);

  return g_test_run ();
}
