/* SLA policy matching and the SLA clocks.
 *
 * Expected values are worked out by hand in the comments.  Unless said otherwise the calendar is
 * Shanghai, Monday–Friday 09:00–18:00, and the rule is first response 60 min, next response
 * 30 min, resolution 480 min, at-risk ratio 0.75 — so the at-risk thresholds are 2700 s,
 * 1350 s and 21600 s.  2026-11-23 is a Monday.
 */
#include "config.h"

#include <string.h>

#include "dw-sla.h"

#define MINUTE 60
#define HOUR 3600

static gint64
T (const char *iso)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

/* "HH:MM" on Monday 2026-11-23, Shanghai; "d HH:MM" adds d days. */
static gint64
M (const char *hhmm)
{
  g_autofree char *iso = g_strdup_printf ("2026-11-23T%s:00+08:00", hhmm);

  return T (iso);
}

static gint64
D (int         days,
   const char *hhmm)
{
  return M (hhmm) + (gint64) days * 24 * HOUR;
}

static DwCalendar *
office_calendar (void)
{
  DwCalendar *cal = dw_calendar_new ("Asia/Shanghai");

  dw_calendar_set_days (cal, 1, 5, 9 * 60, 18 * 60);
  return cal;
}

static DwSlaRule *
standard_rule (void)
{
  DwSlaRule *rule = dw_sla_rule_new ();

  rule->first_response_minutes = 60;
  rule->next_response_minutes = 30;
  rule->resolution_minutes = 480;
  rule->at_risk_ratio = 0.75;
  return rule;
}

#define CREATED(t) { (t), DW_SLA_MARK_CREATED, DW_STATUS_NEW }
#define REPLY(t) { (t), DW_SLA_MARK_AGENT_REPLY, DW_STATUS_NEW }
#define CUSTOMER(t) { (t), DW_SLA_MARK_CUSTOMER_MESSAGE, DW_STATUS_NEW }
#define STATUS(t, s) { (t), DW_SLA_MARK_STATUS, (s) }

static void
compute (DwCalendar      *cal,
         const DwSlaRule *rule,
         const DwSlaMark *marks,
         gsize            n_marks,
         gint64           now,
         DwSlaResult     *result)
{
  memset (result, 0xAB, sizeof *result);  /* everything must be written */
  dw_sla_compute (cal, rule, marks, n_marks, now, result);
}

static void
test_first_response_met (void)
{
  g_autoptr(DwCalendar) cal = office_calendar ();
  g_autoptr(DwSlaRule) rule = standard_rule ();
  DwSlaMark marks[] = { CREATED (M ("10:00")), REPLY (M ("10:20")) };
  DwSlaResult r;
  const DwSlaTargetStatus *fr = &r.targets[DW_SLA_TARGET_FIRST_RESPONSE];
  const DwSlaTargetStatus *nr = &r.targets[DW_SLA_TARGET_NEXT_RESPONSE];
  const DwSlaTargetStatus *res = &r.targets[DW_SLA_TARGET_RESOLUTION];

  compute (cal, rule, marks, G_N_ELEMENTS (marks), M ("11:00"), &r);

  /* Answered after 20 min. */
  g_assert_true (fr->defined);
  g_assert_cmpint (fr->target, ==, DW_SLA_TARGET_FIRST_RESPONSE);
  g_assert_cmpint (fr->state, ==, DW_SLA_STATE_MET);
  g_assert_cmpint (fr->target_seconds, ==, 60 * MINUTE);
  g_assert_cmpint (fr->elapsed_seconds, ==, 20 * MINUTE);
  g_assert_cmpint (fr->met_at, ==, M ("10:20"));
  g_assert_cmpint (fr->due_at, ==, 0);
  g_assert_cmpint (fr->at_risk_at, ==, 0);
  g_assert_cmpint (fr->breached_at, ==, 0);
  g_assert_cmpint (fr->paused_reason, ==, DW_SLA_PAUSE_NONE);

  /* No customer message since the reply: nothing awaited. */
  g_assert_true (nr->defined);
  g_assert_cmpint (nr->state, ==, DW_SLA_STATE_NONE);
  g_assert_cmpint (nr->elapsed_seconds, ==, 0);
  g_assert_cmpint (nr->due_at, ==, 0);

  /* Resolution: 1 h used of 8; at risk at 6 h → 5 h more → 16:00; due after 7 h more, which
   * ends exactly at closing: 18:00. */
  g_assert_cmpint (res->state, ==, DW_SLA_STATE_OK);
  g_assert_cmpint (res->elapsed_seconds, ==, HOUR);
  g_assert_cmpint (res->at_risk_at, ==, M ("16:00"));
  g_assert_cmpint (res->due_at, ==, M ("18:00"));
  g_assert_cmpint (res->met_at, ==, 0);

  g_assert_cmpint (r.worst, ==, DW_SLA_STATE_OK);
  g_assert_cmpint (r.next_transition, ==, M ("16:00"));
}

static void
test_first_response_across_night (void)
{
  g_autoptr(DwCalendar) cal = office_calendar ();
  g_autoptr(DwSlaRule) rule = standard_rule ();
  DwSlaMark marks[] = { CREATED (M ("17:30")), REPLY (D (1, "11:00")) };
  DwSlaResult r;
  const DwSlaTargetStatus *fr = &r.targets[DW_SLA_TARGET_FIRST_RESPONSE];

  /* Tue 09:15: 30 min Monday + 15 min Tuesday = 2700 s = exactly the threshold: at risk since
   * 09:15; due 15 min later at 09:30. */
  compute (cal, rule, marks, 1, D (1, "09:15"), &r);
  g_assert_cmpint (fr->state, ==, DW_SLA_STATE_AT_RISK);
  g_assert_cmpint (fr->elapsed_seconds, ==, 2700);
  g_assert_cmpint (fr->at_risk_at, ==, D (1, "09:15"));
  g_assert_cmpint (fr->due_at, ==, D (1, "09:30"));
  g_assert_cmpint (fr->paused_reason, ==, DW_SLA_PAUSE_NONE);
  g_assert_cmpint (r.worst, ==, DW_SLA_STATE_AT_RISK);
  g_assert_cmpint (r.next_transition, ==, D (1, "09:30"));

  /* Tue 09:14: 2640 s, still ok. */
  compute (cal, rule, marks, 1, D (1, "09:14"), &r);
  g_assert_cmpint (fr->state, ==, DW_SLA_STATE_OK);
  g_assert_cmpint (fr->at_risk_at, ==, D (1, "09:15"));
  g_assert_cmpint (r.next_transition, ==, D (1, "09:15"));

  /* Tue 10:30: 30 + 90 min = 7200 s, breached at 09:30; the resolution clock (7200 of 28800;
   * at risk after 14400 s more = 4 h → 14:30) is the next change. */
  compute (cal, rule, marks, 1, D (1, "10:30"), &r);
  g_assert_cmpint (fr->state, ==, DW_SLA_STATE_BREACHED);
  g_assert_cmpint (fr->elapsed_seconds, ==, 7200);
  g_assert_cmpint (fr->due_at, ==, D (1, "09:30"));
  g_assert_cmpint (fr->breached_at, ==, D (1, "09:30"));
  g_assert_cmpint (fr->at_risk_at, ==, D (1, "09:15"));
  g_assert_cmpint (r.worst, ==, DW_SLA_STATE_BREACHED);
  g_assert_cmpint (r.next_transition, ==, D (1, "14:30"));

  /* Answered late at Tue 11:00 (30 + 120 min = 9000 s): met, but breached it stays. */
  compute (cal, rule, marks, 2, D (1, "12:00"), &r);
  g_assert_cmpint (fr->state, ==, DW_SLA_STATE_BREACHED);
  g_assert_cmpint (fr->elapsed_seconds, ==, 9000);
  g_assert_cmpint (fr->met_at, ==, D (1, "11:00"));
  g_assert_cmpint (fr->breached_at, ==, D (1, "09:30"));
  g_assert_cmpint (fr->due_at, ==, 0);
  g_assert_cmpint (r.worst, ==, DW_SLA_STATE_BREACHED);
}

static void
test_outside_hours (void)
{
  g_autoptr(DwCalendar) cal = office_calendar ();
  g_autoptr(DwSlaRule) rule = standard_rule ();
  /* Friday 2026-11-27 17:50; looked at on Saturday noon. */
  DwSlaMark marks[] = { CREATED (T ("2026-11-27T17:50:00+08:00")) };
  DwSlaResult r;
  const DwSlaTargetStatus *fr = &r.targets[DW_SLA_TARGET_FIRST_RESPONSE];

  compute (cal, rule, marks, 1, T ("2026-11-28T12:00:00+08:00"), &r);

  /* 10 min used; the state does not advance over the weekend: 2100 s to at-risk → Mon 09:35,
   * 3000 s to due → Mon 09:50. */
  g_assert_cmpint (fr->state, ==, DW_SLA_STATE_OK);
  g_assert_cmpint (fr->elapsed_seconds, ==, 600);
  g_assert_cmpint (fr->paused_reason, ==, DW_SLA_PAUSE_OUTSIDE_HOURS);
  g_assert_cmpint (fr->at_risk_at, ==, T ("2026-11-30T09:35:00+08:00"));
  g_assert_cmpint (fr->due_at, ==, T ("2026-11-30T09:50:00+08:00"));
  g_assert_cmpint (r.next_transition, ==, T ("2026-11-30T09:35:00+08:00"));

  /* Same marks a whole weekend later (Sunday 23:00): nothing moved. */
  compute (cal, rule, marks, 1, T ("2026-11-29T23:00:00+08:00"), &r);
  g_assert_cmpint (fr->elapsed_seconds, ==, 600);
  g_assert_cmpint (fr->due_at, ==, T ("2026-11-30T09:50:00+08:00"));
}

static void
test_pending_pauses (void)
{
  g_autoptr(DwCalendar) cal = office_calendar ();
  g_autoptr(DwSlaRule) rule = standard_rule ();
  DwSlaMark marks[] = {
    CREATED (M ("10:00")),
    REPLY (M ("10:10")),
    STATUS (M ("10:10"), DW_STATUS_PENDING),
    CUSTOMER (M ("14:00")),
    STATUS (M ("14:00"), DW_STATUS_OPEN),
  };
  DwSlaResult r;
  const DwSlaTargetStatus *fr = &r.targets[DW_SLA_TARGET_FIRST_RESPONSE];
  const DwSlaTargetStatus *nr = &r.targets[DW_SLA_TARGET_NEXT_RESPONSE];
  const DwSlaTargetStatus *res = &r.targets[DW_SLA_TARGET_RESOLUTION];

  /* 13:00, waiting on the customer: resolution stands at 10 min, paused, no due time. */
  compute (cal, rule, marks, G_N_ELEMENTS (marks), M ("13:00"), &r);
  g_assert_cmpint (fr->state, ==, DW_SLA_STATE_MET);
  g_assert_cmpint (fr->elapsed_seconds, ==, 600);
  g_assert_cmpint (nr->state, ==, DW_SLA_STATE_NONE);
  g_assert_cmpint (res->state, ==, DW_SLA_STATE_PAUSED);
  g_assert_cmpint (res->paused_reason, ==, DW_SLA_PAUSE_PENDING);
  g_assert_cmpint (res->elapsed_seconds, ==, 600);
  g_assert_cmpint (res->due_at, ==, 0);
  g_assert_cmpint (res->at_risk_at, ==, 0);
  g_assert_cmpint (r.worst, ==, DW_SLA_STATE_PAUSED);
  g_assert_cmpint (r.next_transition, ==, 0);

  /* 14:20: the customer wrote at 14:00.  Next response runs 20 min (ok; at risk after 150 s
   * more → 14:22:30, due after 600 s → 14:30).  Resolution: 10 + 20 min; the 3 h 50 pending do
   * not count. */
  compute (cal, rule, marks, G_N_ELEMENTS (marks), M ("14:20"), &r);
  g_assert_cmpint (nr->state, ==, DW_SLA_STATE_OK);
  g_assert_cmpint (nr->elapsed_seconds, ==, 1200);
  g_assert_cmpint (nr->at_risk_at, ==, M ("14:22") + 30);
  g_assert_cmpint (nr->due_at, ==, M ("14:30"));
  g_assert_cmpint (res->state, ==, DW_SLA_STATE_OK);
  g_assert_cmpint (res->paused_reason, ==, DW_SLA_PAUSE_NONE);
  g_assert_cmpint (res->elapsed_seconds, ==, 1800);
  g_assert_cmpint (r.next_transition, ==, M ("14:22") + 30);
}

static void
test_breached_while_pending (void)
{
  g_autoptr(DwCalendar) cal = office_calendar ();
  g_autoptr(DwSlaRule) rule = standard_rule ();
  /* No reply for 90 min, then set pending (e.g. asked for a photo by phone). */
  DwSlaMark marks[] = { CREATED (M ("09:00")), STATUS (M ("10:30"), DW_STATUS_PENDING) };
  DwSlaResult r;
  const DwSlaTargetStatus *fr = &r.targets[DW_SLA_TARGET_FIRST_RESPONSE];
  const DwSlaTargetStatus *res = &r.targets[DW_SLA_TARGET_RESOLUTION];

  compute (cal, rule, marks, G_N_ELEMENTS (marks), M ("15:00"), &r);
  /* A breach is a fact: it stays breached while paused. */
  g_assert_cmpint (fr->state, ==, DW_SLA_STATE_BREACHED);
  g_assert_cmpint (fr->elapsed_seconds, ==, 5400);
  g_assert_cmpint (fr->breached_at, ==, M ("10:00"));
  g_assert_cmpint (fr->paused_reason, ==, DW_SLA_PAUSE_PENDING);
  g_assert_cmpint (res->state, ==, DW_SLA_STATE_PAUSED);
  g_assert_cmpint (res->elapsed_seconds, ==, 5400);
  g_assert_cmpint (r.worst, ==, DW_SLA_STATE_BREACHED);
}

static void
test_next_response_cycles (void)
{
  g_autoptr(DwCalendar) cal = office_calendar ();
  g_autoptr(DwSlaRule) rule = standard_rule ();
  DwSlaMark marks[] = {
    CREATED (M ("10:00")),
    CUSTOMER (M ("10:02")),   /* before any reply: first response covers it */
    REPLY (M ("10:05")),
    CUSTOMER (M ("10:30")),   /* the customer waits from here */
    CUSTOMER (M ("10:40")),
    REPLY (M ("11:30")),      /* 60 min > 30: answered late */
    CUSTOMER (M ("13:00")),
  };
  DwSlaResult r;
  const DwSlaTargetStatus *nr = &r.targets[DW_SLA_TARGET_NEXT_RESPONSE];

  /* 10:20: nothing awaited yet. */
  compute (cal, rule, marks, G_N_ELEMENTS (marks), M ("10:20"), &r);
  g_assert_cmpint (nr->state, ==, DW_SLA_STATE_NONE);

  /* 10:55: running since 10:30, 25 min ≥ 22.5 → at risk (since 10:52:30), due 11:00. */
  compute (cal, rule, marks, G_N_ELEMENTS (marks), M ("10:55"), &r);
  g_assert_cmpint (nr->state, ==, DW_SLA_STATE_AT_RISK);
  g_assert_cmpint (nr->elapsed_seconds, ==, 25 * MINUTE);
  g_assert_cmpint (nr->at_risk_at, ==, M ("10:52") + 30);
  g_assert_cmpint (nr->due_at, ==, M ("11:00"));

  /* 12:00: answered at 11:30 after 60 min: breached, met_at 11:30. */
  compute (cal, rule, marks, G_N_ELEMENTS (marks), M ("12:00"), &r);
  g_assert_cmpint (nr->state, ==, DW_SLA_STATE_BREACHED);
  g_assert_cmpint (nr->elapsed_seconds, ==, HOUR);
  g_assert_cmpint (nr->met_at, ==, M ("11:30"));
  g_assert_cmpint (nr->breached_at, ==, M ("11:00"));
  g_assert_cmpint (nr->due_at, ==, 0);
  g_assert_cmpint (r.worst, ==, DW_SLA_STATE_BREACHED);

  /* 13:10: a new cycle since 13:00 replaces the old one: 10 min, ok, due 13:30. */
  compute (cal, rule, marks, G_N_ELEMENTS (marks), M ("13:10"), &r);
  g_assert_cmpint (nr->state, ==, DW_SLA_STATE_OK);
  g_assert_cmpint (nr->elapsed_seconds, ==, 10 * MINUTE);
  g_assert_cmpint (nr->met_at, ==, 0);
  g_assert_cmpint (nr->breached_at, ==, 0);
  g_assert_cmpint (nr->due_at, ==, M ("13:30"));
  g_assert_cmpint (r.worst, ==, DW_SLA_STATE_OK);
}

static void
test_next_response_met (void)
{
  g_autoptr(DwCalendar) cal = office_calendar ();
  g_autoptr(DwSlaRule) rule = standard_rule ();
  DwSlaMark marks[] = {
    CREATED (M ("10:00")),
    REPLY (M ("10:05")),
    CUSTOMER (M ("17:50")),
    REPLY (D (1, "09:10")),   /* 10 min Monday + 10 min Tuesday = 20 min: in time */
  };
  DwSlaResult r;
  const DwSlaTargetStatus *nr = &r.targets[DW_SLA_TARGET_NEXT_RESPONSE];

  compute (cal, rule, marks, G_N_ELEMENTS (marks), D (1, "10:00"), &r);
  g_assert_cmpint (nr->state, ==, DW_SLA_STATE_MET);
  g_assert_cmpint (nr->elapsed_seconds, ==, 20 * MINUTE);
  g_assert_cmpint (nr->met_at, ==, D (1, "09:10"));
}

static void
test_reopen (void)
{
  g_autoptr(DwCalendar) cal = office_calendar ();
  g_autoptr(DwSlaRule) rule = standard_rule ();
  DwSlaMark marks[] = {
    CREATED (M ("10:00")),
    REPLY (M ("10:05")),
    STATUS (M ("11:00"), DW_STATUS_SOLVED),
    STATUS (D (1, "09:00"), DW_STATUS_OPEN),
    STATUS (D (1, "11:00"), DW_STATUS_CLOSED),
  };
  DwSlaResult r;
  const DwSlaTargetStatus *res = &r.targets[DW_SLA_TARGET_RESOLUTION];

  /* Mon 15:00: solved at 11:00 after 1 h. */
  compute (cal, rule, marks, G_N_ELEMENTS (marks), M ("15:00"), &r);
  g_assert_cmpint (res->state, ==, DW_SLA_STATE_MET);
  g_assert_cmpint (res->elapsed_seconds, ==, HOUR);
  g_assert_cmpint (res->met_at, ==, M ("11:00"));
  g_assert_cmpint (res->due_at, ==, 0);
  g_assert_cmpint (r.worst, ==, DW_SLA_STATE_MET);
  g_assert_cmpint (r.next_transition, ==, 0);

  /* Tue 10:00, reopened at 09:00: 1 h + 1 h = 2 h; at risk after 4 h more → 14:00,
   * due after 6 h more → 16:00. */
  compute (cal, rule, marks, G_N_ELEMENTS (marks), D (1, "10:00"), &r);
  g_assert_cmpint (res->state, ==, DW_SLA_STATE_OK);
  g_assert_cmpint (res->elapsed_seconds, ==, 2 * HOUR);
  g_assert_cmpint (res->met_at, ==, 0);
  g_assert_cmpint (res->at_risk_at, ==, D (1, "14:00"));
  g_assert_cmpint (res->due_at, ==, D (1, "16:00"));

  /* Tue 12:00, closed at 11:00 after 3 h in all. */
  compute (cal, rule, marks, G_N_ELEMENTS (marks), D (1, "12:00"), &r);
  g_assert_cmpint (res->state, ==, DW_SLA_STATE_MET);
  g_assert_cmpint (res->elapsed_seconds, ==, 3 * HOUR);
  g_assert_cmpint (res->met_at, ==, D (1, "11:00"));
}

static void
test_solved_without_reply (void)
{
  g_autoptr(DwCalendar) cal = office_calendar ();
  g_autoptr(DwSlaRule) rule = standard_rule ();
  DwSlaMark marks[] = {
    CREATED (M ("10:00")),
    STATUS (M ("10:30"), DW_STATUS_SOLVED),   /* a duplicate, closed without a reply */
    STATUS (M ("11:00"), DW_STATUS_OPEN),     /* … it was not */
  };
  DwSlaResult r;
  const DwSlaTargetStatus *fr = &r.targets[DW_SLA_TARGET_FIRST_RESPONSE];

  /* 10:45: nothing left to answer: met at 10:30 after 30 min. */
  compute (cal, rule, marks, G_N_ELEMENTS (marks), M ("10:45"), &r);
  g_assert_cmpint (fr->state, ==, DW_SLA_STATE_MET);
  g_assert_cmpint (fr->met_at, ==, M ("10:30"));
  g_assert_cmpint (fr->elapsed_seconds, ==, 30 * MINUTE);

  /* 11:40, reopened at 11:00: 30 + 40 = 70 min; the remaining 30 min ran out at 11:30. */
  compute (cal, rule, marks, G_N_ELEMENTS (marks), M ("11:40"), &r);
  g_assert_cmpint (fr->state, ==, DW_SLA_STATE_BREACHED);
  g_assert_cmpint (fr->elapsed_seconds, ==, 70 * MINUTE);
  g_assert_cmpint (fr->due_at, ==, M ("11:30"));
  g_assert_cmpint (fr->met_at, ==, 0);
}

static void
test_golden_week (void)
{
  g_autoptr(DwCalendar) cal = dw_calendar_new_china_mainland (FALSE);
  g_autoptr(DwSlaRule) rule = standard_rule ();
  DwSlaMark before[] = { CREATED (T ("2026-09-30T17:30:00+08:00")) };
  DwSlaMark saturday[] = { CREATED (T ("2026-10-09T17:30:00+08:00")) };
  DwSlaResult r;
  const DwSlaTargetStatus *fr = &r.targets[DW_SLA_TARGET_FIRST_RESPONSE];

  /* Created Wed 09-30 17:30, seen on holiday Monday 10-05: 30 min used, waits for Thu 10-08:
   * at risk after 15 min more (09:15), due after 30 (09:30). */
  compute (cal, rule, before, 1, T ("2026-10-05T10:00:00+08:00"), &r);
  g_assert_cmpint (fr->state, ==, DW_SLA_STATE_OK);
  g_assert_cmpint (fr->elapsed_seconds, ==, 30 * MINUTE);
  g_assert_cmpint (fr->paused_reason, ==, DW_SLA_PAUSE_OUTSIDE_HOURS);
  g_assert_cmpint (fr->at_risk_at, ==, T ("2026-10-08T09:15:00+08:00"));
  g_assert_cmpint (fr->due_at, ==, T ("2026-10-08T09:30:00+08:00"));
  g_assert_cmpint (r.next_transition, ==, T ("2026-10-08T09:15:00+08:00"));

  /* Created Fri 10-09 17:30, the adjusted Saturday 10-10 is a working day: by 09:20 it has
   * 30 + 20 = 50 min, at risk since 09:15, due 09:30. */
  compute (cal, rule, saturday, 1, T ("2026-10-10T09:20:00+08:00"), &r);
  g_assert_cmpint (fr->state, ==, DW_SLA_STATE_AT_RISK);
  g_assert_cmpint (fr->elapsed_seconds, ==, 50 * MINUTE);
  g_assert_cmpint (fr->paused_reason, ==, DW_SLA_PAUSE_NONE);
  g_assert_cmpint (fr->at_risk_at, ==, T ("2026-10-10T09:15:00+08:00"));
  g_assert_cmpint (fr->due_at, ==, T ("2026-10-10T09:30:00+08:00"));
}

static void
test_ratio_rounding (void)
{
  g_autoptr(DwCalendar) cal = office_calendar ();
  g_autoptr(DwSlaRule) rule = dw_sla_rule_new ();
  DwSlaMark marks[] = { CREATED (M ("10:00")) };
  DwSlaResult r;
  const DwSlaTargetStatus *fr = &r.targets[DW_SLA_TARGET_FIRST_RESPONSE];

  /* 0.8 × 1800 s is 1440 s in exact arithmetic (not 1441 from a floating-point ceiling). */
  rule->first_response_minutes = 30;
  rule->at_risk_ratio = 0.8;

  compute (cal, rule, marks, 1, M ("10:23") + 59, &r);
  g_assert_cmpint (fr->state, ==, DW_SLA_STATE_OK);
  compute (cal, rule, marks, 1, M ("10:24"), &r);
  g_assert_cmpint (fr->state, ==, DW_SLA_STATE_AT_RISK);
  g_assert_cmpint (fr->at_risk_at, ==, M ("10:24"));

  /* Targets the rule lacks are not defined, and not reported. */
  g_assert_false (r.targets[DW_SLA_TARGET_NEXT_RESPONSE].defined);
  g_assert_cmpint (r.targets[DW_SLA_TARGET_RESOLUTION].state, ==, DW_SLA_STATE_NONE);
  {
    g_autoptr(JsonArray) array = dw_sla_result_to_json (&r);

    g_assert_cmpuint (json_array_get_length (array), ==, 1);
  }
}

static void
test_odd_histories (void)
{
  g_autoptr(DwCalendar) cal = office_calendar ();
  g_autoptr(DwSlaRule) rule = standard_rule ();
  DwSlaMark marks[] = {
    REPLY (M ("09:00")),         /* before creation: ignored */
    CREATED (M ("10:00")),
    REPLY (M ("12:00")),         /* after now: ignored */
  };
  DwSlaResult r;

  /* No rule: nothing applies. */
  compute (cal, NULL, marks, G_N_ELEMENTS (marks), M ("11:00"), &r);
  g_assert_cmpint (r.worst, ==, DW_SLA_STATE_NONE);
  g_assert_cmpint (r.next_transition, ==, 0);
  for (guint t = 0; t < DW_SLA_N_TARGETS; t++)
    g_assert_false (r.targets[t].defined);

  /* 11:00: the first response still runs for 1 h — the 09:00 and 12:00 replies do not count. */
  compute (cal, rule, marks, G_N_ELEMENTS (marks), M ("11:00"), &r);
  g_assert_cmpint (r.targets[DW_SLA_TARGET_FIRST_RESPONSE].state, ==, DW_SLA_STATE_BREACHED);
  g_assert_cmpint (r.targets[DW_SLA_TARGET_FIRST_RESPONSE].elapsed_seconds, ==, HOUR);

  /* No creation at all: nothing runs. */
  compute (cal, rule, marks, 1, M ("11:00"), &r);
  g_assert_cmpint (r.worst, ==, DW_SLA_STATE_NONE);
  compute (cal, rule, NULL, 0, M ("11:00"), &r);
  g_assert_cmpint (r.worst, ==, DW_SLA_STATE_NONE);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_target_json (void)
{
  DwSlaTargetStatus s = { 0 };
  DwSlaTargetStatus back;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) expected = NULL;

  s.target = DW_SLA_TARGET_FIRST_RESPONSE;
  s.defined = TRUE;
  s.state = DW_SLA_STATE_AT_RISK;
  s.target_seconds = 30 * MINUTE;
  s.elapsed_seconds = 1412;
  s.at_risk_at = T ("2026-11-22T10:43:12Z");
  s.due_at = T ("2026-11-22T10:50:00Z");
  s.paused_reason = DW_SLA_PAUSE_NONE;

  object = dw_sla_target_status_to_json (&s);
  node = json_node_init_object (json_node_alloc (), object);
  expected = parse ("{\"target\": \"first-response\", \"state\": \"at-risk\", \"target_minutes\": 30,"
                    " \"elapsed_seconds\": 1412, \"at_risk_at\": \"2026-11-22T10:43:12Z\","
                    " \"due_at\": \"2026-11-22T10:50:00Z\", \"met_at\": null,"
                    " \"paused_reason\": null}");
  g_assert_true (json_node_equal (node, expected));
  g_assert_cmpuint (json_object_get_size (object), ==, 8);

  g_assert_true (dw_sla_target_status_from_json (object, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpint (back.target, ==, s.target);
  g_assert_cmpint (back.state, ==, s.state);
  g_assert_cmpint (back.target_seconds, ==, s.target_seconds);
  g_assert_cmpint (back.elapsed_seconds, ==, 1412);
  g_assert_cmpint (back.at_risk_at, ==, s.at_risk_at);
  g_assert_cmpint (back.due_at, ==, s.due_at);
  g_assert_cmpint (back.met_at, ==, 0);
  g_assert_cmpint (back.paused_reason, ==, DW_SLA_PAUSE_NONE);

  /* Paused while pending. */
  s.state = DW_SLA_STATE_PAUSED;
  s.target = DW_SLA_TARGET_RESOLUTION;
  s.at_risk_at = s.due_at = 0;
  s.paused_reason = DW_SLA_PAUSE_PENDING;
  g_clear_pointer (&object, json_object_unref);
  object = dw_sla_target_status_to_json (&s);
  g_assert_cmpstr (json_object_get_string_member (object, "target"), ==, "resolution");
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "paused");
  g_assert_cmpstr (json_object_get_string_member (object, "paused_reason"), ==, "pending");
  g_assert_true (json_object_get_null_member (object, "due_at"));

  json_object_set_string_member (object, "paused_reason", "lunch");
  g_assert_false (dw_sla_target_status_from_json (object, &back, &error));
  g_assert_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID);
}

static const char *doc_policy =
  "{\"id\": 2, \"name\": \"VIP\", \"position\": 1, \"match_priorities\": [], \"match_tags\": [\"vip\"],"
  " \"match_channels\": [], \"match_business_types\": [], \"first_response_minutes\": 15,"
  " \"next_response_minutes\": 30, \"resolution_minutes\": 480, \"at_risk_ratio\": 0.75,"
  " \"escalation\": {\"raise_priority\": true, \"notify_lead\": true, \"reassign\": false}}";

static void
test_rule_json (void)
{
  g_autoptr(JsonNode) in = parse (doc_policy);
  g_autoptr(GError) error = NULL;
  g_autoptr(DwSlaRule) rule = dw_sla_rule_new_from_json (json_node_get_object (in), &error);
  g_autoptr(DwSlaRule) copy = NULL;
  g_autoptr(JsonObject) out = NULL;
  g_autoptr(JsonNode) out_node = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (rule->id, ==, 2);
  g_assert_cmpstr (rule->name, ==, "VIP");
  g_assert_cmpint (rule->position, ==, 1);
  g_assert_cmpstr (rule->match_tags[0], ==, "vip");
  g_assert_null (rule->match_tags[1]);
  g_assert_cmpuint (rule->match_priorities->len, ==, 0);
  g_assert_cmpint (rule->first_response_minutes, ==, 15);
  g_assert_cmpint (dw_sla_rule_get_target_minutes (rule, DW_SLA_TARGET_NEXT_RESPONSE), ==, 30);
  g_assert_cmpint (rule->resolution_minutes, ==, 480);
  g_assert_cmpfloat (rule->at_risk_ratio, ==, 0.75);
  g_assert_true (rule->escalate_raise_priority);
  g_assert_true (rule->escalate_notify_lead);
  g_assert_false (rule->escalate_reassign);

  copy = dw_sla_rule_copy (rule);
  out = dw_sla_rule_to_json (copy);
  out_node = json_node_init_object (json_node_alloc (), out);
  g_assert_true (json_node_equal (in, out_node));
}

static void
test_rule_json_partial (void)
{
  g_autoptr(JsonNode) in = parse ("{\"name\": \"Phone complaints\", \"position\": 4,"
                                  " \"match_priorities\": [\"urgent\", \"high\"],"
                                  " \"match_channels\": [\"phone\"],"
                                  " \"first_response_minutes\": null, \"resolution_minutes\": 60,"
                                  " \"escalation\": {\"reassign\": true}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(DwSlaRule) rule = dw_sla_rule_new_from_json (json_node_get_object (in), &error);

  g_assert_no_error (error);
  g_assert_cmpint (rule->first_response_minutes, ==, -1);
  g_assert_cmpint (rule->next_response_minutes, ==, -1);
  g_assert_cmpint (rule->resolution_minutes, ==, 60);
  g_assert_cmpuint (rule->match_priorities->len, ==, 2);
  g_assert_cmpint (g_array_index (rule->match_priorities, int, 0), ==, DW_PRIORITY_URGENT);
  g_assert_cmpint (g_array_index (rule->match_channels, int, 0), ==, DW_CHANNEL_PHONE);
  g_assert_cmpfloat (rule->at_risk_ratio, ==, 0.75);
  /* Escalation members not given keep their defaults. */
  g_assert_true (rule->escalate_raise_priority);
  g_assert_true (rule->escalate_notify_lead);
  g_assert_true (rule->escalate_reassign);
}

static void
test_rule_json_errors (void)
{
  static const struct
  {
    const char *json;
    const char *message;   /* exact, or a prefix when ending with ':' */
  } cases[] = {
    { "{\"match_priorities\": [\"asap\"]}",
      "match_priorities: \"asap\" is not one of low, normal, high, urgent" },
    { "{\"match_channels\": [\"fax\"]}",
      "match_channels: \"fax\" is not one of web, app, wechat, weibo, phone, email" },
    { "{\"match_tags\": \"vip\"}", "match_tags:" },
    { "{\"match_tags\": [\"\"]}", "match_tags:" },
    { "{\"first_response_minutes\": 0}", "first_response_minutes:" },
    { "{\"resolution_minutes\": 1.5}", "resolution_minutes:" },
    { "{\"at_risk_ratio\": 1.5}", "at_risk_ratio:" },
    { "{\"at_risk_ratio\": 0}", "at_risk_ratio:" },
    { "{\"escalation\": {\"page_ceo\": true}}", "escalation.page_ceo:" },
    { "{\"escalation\": {\"reassign\": 1}}", "escalation.reassign:" },
    { "{\"position\": \"first\"}", "position:" },
    { "{\"priority\": \"high\"}", "priority: unknown field" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) in = parse (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(DwSlaRule) rule = dw_sla_rule_new_from_json (json_node_get_object (in), &error);
      const char *msg = cases[i].message;

      g_test_message ("case %u: %s", i, cases[i].json);
      g_assert_null (rule);
      g_assert_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID);
      if (g_str_has_suffix (msg, ":"))
        g_assert_true (g_str_has_prefix (error->message, msg));
      else
        g_assert_cmpstr (error->message, ==, msg);
    }
}

static DwSlaRule *
make_rule (gint64      id,
           int         position,
           const char *json_matches)
{
  g_autofree char *text = g_strdup_printf ("{\"id\": %" G_GINT64_FORMAT ", \"position\": %d%s%s}",
                                           id, position, *json_matches ? ", " : "", json_matches);
  g_autoptr(JsonNode) node = parse (text);
  g_autoptr(GError) error = NULL;
  DwSlaRule *rule = dw_sla_rule_new_from_json (json_node_get_object (node), &error);

  g_assert_no_error (error);
  return rule;
}

static void
test_matching (void)
{
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) dw_sla_rule_free);
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  const char *vip[] = { "new", "vip", NULL };
  const char *plain[] = { "new", NULL };
  const DwSlaRule *m;

  /* Deliberately not in position order. */
  g_ptr_array_add (rules, make_rule (1, 3, ""));                                     /* default */
  g_ptr_array_add (rules, make_rule (3, 2, "\"match_priorities\": [\"urgent\", \"high\"],"
                                           " \"match_channels\": [\"wechat\"]"));
  g_ptr_array_add (rules, make_rule (2, 1, "\"match_tags\": [\"vip\", \"svip\"]"));
  g_ptr_array_add (rules, make_rule (4, 0, "\"match_business_types\": [\"complaints\"],"
                                           " \"match_channels\": [\"phone\"]"));

  /* Nothing special: the catch-all. */
  m = dw_sla_rules_match (rules, DW_PRIORITY_NORMAL, plain, DW_CHANNEL_WEB, "presales");
  g_assert_cmpint (m->id, ==, 1);
  /* A VIP customer (any of the tags). */
  m = dw_sla_rules_match (rules, DW_PRIORITY_NORMAL, vip, DW_CHANNEL_WEB, "presales");
  g_assert_cmpint (m->id, ==, 2);
  /* VIP and urgent on WeChat: both 2 and 3 match, position 1 beats 2. */
  m = dw_sla_rules_match (rules, DW_PRIORITY_URGENT, vip, DW_CHANNEL_WECHAT, NULL);
  g_assert_cmpint (m->id, ==, 2);
  /* Urgent on WeChat without tags. */
  m = dw_sla_rules_match (rules, DW_PRIORITY_URGENT, NULL, DW_CHANNEL_WECHAT, NULL);
  g_assert_cmpint (m->id, ==, 3);
  /* High on the app: the channel list of rule 3 does not match. */
  m = dw_sla_rules_match (rules, DW_PRIORITY_HIGH, NULL, DW_CHANNEL_APP, NULL);
  g_assert_cmpint (m->id, ==, 1);
  /* Low on WeChat: the priority list of rule 3 does not match. */
  m = dw_sla_rules_match (rules, DW_PRIORITY_LOW, plain, DW_CHANNEL_WECHAT, NULL);
  g_assert_cmpint (m->id, ==, 1);
  /* A phone complaint from a VIP: position 0 first. */
  m = dw_sla_rules_match (rules, DW_PRIORITY_URGENT, vip, DW_CHANNEL_PHONE, "complaints");
  g_assert_cmpint (m->id, ==, 4);
  /* A phone call not yet classified does not match a business-type list. */
  m = dw_sla_rules_match (rules, DW_PRIORITY_URGENT, plain, DW_CHANNEL_PHONE, NULL);
  g_assert_cmpint (m->id, ==, 1);

  /* Nothing matches: NULL. */
  g_assert_null (dw_sla_rules_match (none, DW_PRIORITY_NORMAL, NULL, DW_CHANNEL_WEB, NULL));
  g_ptr_array_remove_index (rules, 0);
  g_assert_null (dw_sla_rules_match (rules, DW_PRIORITY_NORMAL, plain, DW_CHANNEL_WEB, NULL));

  /* Same position: the lower id wins, whatever the array order. */
  g_ptr_array_add (rules, make_rule (9, 5, ""));
  g_ptr_array_add (rules, make_rule (7, 5, ""));
  m = dw_sla_rules_match (rules, DW_PRIORITY_NORMAL, plain, DW_CHANNEL_WEB, NULL);
  g_assert_cmpint (m->id, ==, 7);
}

/* A share never reads 100 % while a target breached, nor 0 % while one was met. */
static void
test_share_shown (void)
{
  int decimals;

  g_assert_cmpfloat (dw_sla_share_percent_shown (1032, 1033, &decimals), ==, 99.9);
  g_assert_cmpint (decimals, ==, 1);
  g_assert_cmpfloat (dw_sla_share_percent_shown (99999, 100000, &decimals), ==, 99.9);
  g_assert_cmpint (decimals, ==, 1);
  g_assert_cmpfloat (dw_sla_share_percent_shown (1033, 1033, &decimals), ==, 100);
  g_assert_cmpint (decimals, ==, 0);
  g_assert_cmpfloat (dw_sla_share_percent_shown (11, 12, &decimals), ==, 92);
  g_assert_cmpint (decimals, ==, 0);
  g_assert_cmpfloat (dw_sla_share_percent_shown (199, 200, &decimals), ==, 99.5);
  g_assert_cmpint (decimals, ==, 1);
  g_assert_cmpfloat (dw_sla_share_percent_shown (1, 1033, &decimals), ==, 0.1);
  g_assert_cmpint (decimals, ==, 1);
  g_assert_cmpfloat (dw_sla_share_percent_shown (0, 5, &decimals), ==, 0);
  g_assert_cmpint (decimals, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sla/first-response/met", test_first_response_met);
  g_test_add_func ("/sla/first-response/across-night", test_first_response_across_night);
  g_test_add_func ("/sla/outside-hours", test_outside_hours);
  g_test_add_func ("/sla/pending/pauses", test_pending_pauses);
  g_test_add_func ("/sla/pending/breached", test_breached_while_pending);
  g_test_add_func ("/sla/next-response/cycles", test_next_response_cycles);
  g_test_add_func ("/sla/next-response/met", test_next_response_met);
  g_test_add_func ("/sla/resolution/reopen", test_reopen);
  g_test_add_func ("/sla/solved-without-reply", test_solved_without_reply);
  g_test_add_func ("/sla/golden-week", test_golden_week);
  g_test_add_func ("/sla/ratio-rounding", test_ratio_rounding);
  g_test_add_func ("/sla/odd-histories", test_odd_histories);
  g_test_add_func ("/sla/json/target", test_target_json);
  g_test_add_func ("/sla/json/rule", test_rule_json);
  g_test_add_func ("/sla/json/rule-partial", test_rule_json_partial);
  g_test_add_func ("/sla/json/rule-errors", test_rule_json_errors);
  g_test_add_func ("/sla/matching", test_matching);
  g_test_add_func ("/sla/share-shown", test_share_shown);

  return g_test_run ();
}
