/* Unit tests of dw-roster-rules: each rule alone, across midnight, an Asia/Shanghai week and a
 * week with 调休 working days and a holiday. */
#include "config.h"

#include "dw-roster-rules.h"

#define HOUR 3600

static GTimeZone *shanghai;

/* Local wall-clock time in Asia/Shanghai (UTC+8 all year). */
static gint64
cst (int month,
     int day,
     int hour,
     int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new (shanghai, 2026, month, day, hour, minute, 0);

  return g_date_time_to_unix (dt);
}

static DwRosterLimits
limits (void)
{
  DwRosterLimits l = { shanghai, 11 * HOUR, 10 * HOUR, 44 * HOUR };

  return l;
}

static DwShiftSpan
shift (gint64 id,
       gint64 user,
       gint64 starts,
       gint64 hours)
{
  DwShiftSpan s = { id, user, starts, starts + hours * HOUR, HOUR };

  return s;
}

static guint
count (GArray       *violations,
       DwRosterRule  rule)
{
  guint n = 0;

  for (guint i = 0; i < violations->len; i++)
    n += g_array_index (violations, DwRosterViolation, i).rule == rule;
  return n;
}

static const DwRosterViolation *
first (GArray       *violations,
       DwRosterRule  rule)
{
  for (guint i = 0; i < violations->len; i++)
    if (g_array_index (violations, DwRosterViolation, i).rule == rule)
      return &g_array_index (violations, DwRosterViolation, i);
  g_assert_not_reached ();
}

static void
test_clean (void)
{
  DwRosterLimits l = limits ();
  /* 早班 Monday and Tuesday: 16 h of rest between, 7 h worked each */
  DwShiftSpan others[] = { shift (1, 7, cst (11, 30, 8, 0), 8) };
  DwShiftSpan s = shift (0, 7, cst (12, 1, 8, 0), 8);
  g_autoptr(GArray) v = dw_roster_check_shift (&s, others, 1, NULL, 0, &l);

  g_assert_cmpuint (v->len, ==, 0);
}

static void
test_overlap (void)
{
  DwRosterLimits l = limits ();
  DwShiftSpan others[] = {
    shift (1, 7, cst (12, 1, 8, 0), 8),    /* 08–16 */
    shift (2, 8, cst (12, 1, 12, 0), 8),   /* another agent: no matter */
  };
  DwShiftSpan s = shift (0, 7, cst (12, 1, 12, 0), 8);  /* 12–20 */
  g_autoptr(GArray) v = dw_roster_check_shift (&s, others, 2, NULL, 0, &l);
  const DwRosterViolation *overlap;

  g_assert_cmpuint (count (v, DW_ROSTER_RULE_OVERLAP), ==, 1);
  overlap = &g_array_index (v, DwRosterViolation, 0);  /* hard rules come first */
  g_assert_cmpint (overlap->rule, ==, DW_ROSTER_RULE_OVERLAP);
  g_assert_true (overlap->hard);
  g_assert_cmpint (overlap->other_id, ==, 1);
  g_assert_cmpint (overlap->from, ==, cst (12, 1, 12, 0));
  g_assert_cmpint (overlap->to, ==, cst (12, 1, 16, 0));
  g_assert_cmpstr (dw_roster_rule_to_string (overlap->rule), ==, "overlap");

  /* touching end to start is no overlap (but is short rest) */
  s = shift (0, 7, cst (12, 1, 16, 0), 4);
  g_clear_pointer (&v, g_array_unref);
  v = dw_roster_check_shift (&s, others, 2, NULL, 0, &l);
  g_assert_cmpuint (count (v, DW_ROSTER_RULE_OVERLAP), ==, 0);
  g_assert_cmpuint (count (v, DW_ROSTER_RULE_REST), ==, 1);

  /* a stored shift checked again is not its own overlap */
  s = others[0];
  g_clear_pointer (&v, g_array_unref);
  v = dw_roster_check_shift (&s, others, 2, NULL, 0, &l);
  g_assert_cmpuint (v->len, ==, 0);
}

static void
test_absence (void)
{
  DwRosterLimits l = limits ();
  /* 请假 all of Wednesday, local time */
  DwAbsenceSpan absences[] = {
    { 5, 7, cst (12, 2, 0, 0), cst (12, 3, 0, 0) },
    { 6, 9, cst (12, 1, 0, 0), cst (12, 5, 0, 0) },   /* someone else's */
  };
  DwShiftSpan s = shift (0, 7, cst (12, 2, 14, 0), 8);
  DwShiftSpan thursday = shift (0, 7, cst (12, 3, 8, 0), 8);
  /* 晚班 Tuesday 18:00 to Wednesday 02:00 reaches into the absence */
  DwShiftSpan night = shift (0, 7, cst (12, 1, 18, 0), 8);
  g_autoptr(GArray) v = dw_roster_check_shift (&s, NULL, 0, absences, 2, &l);
  g_autoptr(GArray) v2 = dw_roster_check_shift (&thursday, NULL, 0, absences, 2, &l);
  g_autoptr(GArray) v3 = dw_roster_check_shift (&night, NULL, 0, absences, 2, &l);

  g_assert_cmpuint (v->len, ==, 1);
  g_assert_cmpint (first (v, DW_ROSTER_RULE_ABSENCE)->other_id, ==, 5);
  g_assert_true (first (v, DW_ROSTER_RULE_ABSENCE)->hard);
  g_assert_cmpuint (v2->len, ==, 0);
  g_assert_cmpuint (count (v3, DW_ROSTER_RULE_ABSENCE), ==, 1);
  g_assert_cmpint (first (v3, DW_ROSTER_RULE_ABSENCE)->from, ==, cst (12, 2, 0, 0));
}

/* 晚班 ends 22:00, 早班 next morning at 08:00: 10 h of rest, under the 11 h minimum; measured
 * to the nearest shift on each side. */
static void
test_rest_across_midnight (void)
{
  DwRosterLimits l = limits ();
  DwShiftSpan others[] = {
    shift (1, 7, cst (11, 30, 14, 0), 8),   /* Monday 14–22 */
    shift (2, 7, cst (11, 29, 14, 0), 8),   /* Sunday: further off */
    shift (3, 7, cst (12, 1, 23, 0), 8),    /* Tuesday 23:00 → Wednesday 07:00 */
  };
  DwShiftSpan s = shift (0, 7, cst (12, 1, 8, 0), 8);   /* Tuesday 08–16 */
  g_autoptr(GArray) v = dw_roster_check_shift (&s, others, 3, NULL, 0, &l);
  const DwRosterViolation *rest;

  g_assert_cmpuint (count (v, DW_ROSTER_RULE_REST), ==, 2);
  rest = first (v, DW_ROSTER_RULE_REST);
  g_assert_false (rest->hard);
  g_assert_cmpint (rest->other_id, ==, 1);
  g_assert_cmpint (rest->value, ==, 10 * HOUR);
  g_assert_cmpint (rest->limit, ==, 11 * HOUR);
  g_assert_cmpint (g_array_index (v, DwRosterViolation, 1).other_id, ==, 3);
  g_assert_cmpint (g_array_index (v, DwRosterViolation, 1).value, ==, 7 * HOUR);

  l.min_rest = 10 * HOUR;
  g_clear_pointer (&v, g_array_unref);
  v = dw_roster_check_shift (&s, others, 3, NULL, 0, &l);
  g_assert_cmpuint (count (v, DW_ROSTER_RULE_REST), ==, 1);
}

/* Two shifts starting the same local day: 7 + 4 = 11 worked hours over a 10 h day.  A shift
 * starting at 23:00 counts for the day it starts, not the next. */
static void
test_day_hours (void)
{
  DwRosterLimits l = limits ();
  DwShiftSpan others[] = {
    shift (1, 7, cst (12, 1, 8, 0), 8),     /* 7 h */
    shift (2, 7, cst (12, 1, 23, 0), 5),    /* 4 h, the same day by its start */
  };
  DwShiftSpan s = shift (0, 7, cst (12, 2, 6, 0), 3);  /* Wednesday: 2 h */
  g_autoptr(GArray) v = NULL;
  const DwRosterViolation *day;

  l.min_rest = 0;
  v = dw_roster_check_shift (&others[1], others, 2, NULL, 0, &l);
  g_assert_cmpuint (count (v, DW_ROSTER_RULE_DAY_HOURS), ==, 1);
  day = first (v, DW_ROSTER_RULE_DAY_HOURS);
  g_assert_cmpint (day->value, ==, 11 * HOUR);
  g_assert_cmpint (day->limit, ==, 10 * HOUR);
  g_assert_cmpint (day->from, ==, cst (12, 1, 0, 0));
  g_assert_cmpint (day->to, ==, cst (12, 2, 0, 0));

  g_clear_pointer (&v, g_array_unref);
  v = dw_roster_check_shift (&s, others, 2, NULL, 0, &l);
  g_assert_cmpuint (count (v, DW_ROSTER_RULE_DAY_HOURS), ==, 0);
}

/* Monday 2026-11-30 to Sunday 2026-12-06 in Asia/Shanghai: six 早班 of 7 h = 42 h; a seventh
 * on Sunday makes 49 h, over 44.  The next Monday starts a new week. */
static void
test_week_hours (void)
{
  DwRosterLimits l = limits ();
  DwShiftSpan others[6];
  DwShiftSpan sunday = shift (0, 7, cst (12, 6, 8, 0), 8);
  DwShiftSpan monday = shift (0, 7, cst (12, 7, 8, 0), 8);
  g_autoptr(GArray) v = NULL;
  g_autoptr(GArray) v2 = NULL;
  const DwRosterViolation *week;

  for (int d = 0; d < 6; d++)
    others[d] = shift (d + 1, 7, cst (11, 30, 8, 0) + d * 86400, 8);

  v = dw_roster_check_shift (&sunday, others, 6, NULL, 0, &l);
  g_assert_cmpuint (v->len, ==, 1);
  week = first (v, DW_ROSTER_RULE_WEEK_HOURS);
  g_assert_cmpint (week->value, ==, 49 * HOUR);
  g_assert_cmpint (week->limit, ==, 44 * HOUR);
  g_assert_cmpint (week->from, ==, cst (11, 30, 0, 0));
  g_assert_cmpint (week->to, ==, cst (12, 7, 0, 0));
  g_assert_cmpint (dw_roster_week_start (shanghai, cst (12, 6, 23, 59)), ==, cst (11, 30, 0, 0));
  /* 23:30 on Sunday in UTC is already Monday in Shanghai */
  g_assert_cmpint (dw_roster_week_start (shanghai, cst (12, 7, 7, 30)), ==, cst (12, 7, 0, 0));

  v2 = dw_roster_check_shift (&monday, others, 6, NULL, 0, &l);
  g_assert_cmpuint (count (v2, DW_ROSTER_RULE_WEEK_HOURS), ==, 0);
}

/* The week of the National Day holiday on the China workday calendar: Thursday 1 October is a
 * holiday (no coverage needed), Saturday 10 October a 调休 working day (coverage needed, with
 * Monday's hours 09–12 and 13:30–18), Sunday 11 October closed. */
static void
test_coverage_with_tiaoxiu (void)
{
  g_autoptr(DwCalendar) calendar = dw_calendar_new_china_mainland (FALSE);
  const char * const returns_skills[] = { "returns", NULL };
  const char * const none[] = { NULL };
  DwRosterNeed needs[] = { { "returns", "returns" }, { "presale", NULL } };
  DwRosterCover covers[] = {
    { cst (10, 10, 9, 0), cst (10, 10, 12, 0), returns_skills },
    { cst (10, 10, 9, 0), cst (10, 10, 18, 0), none },
  };
  g_autoptr(GArray) saturday = NULL;
  g_autoptr(GArray) holiday = NULL;
  g_autoptr(GArray) sunday = NULL;
  const DwRosterViolation *gap;

  saturday = dw_roster_coverage_gaps (needs, 2, covers, 2, calendar, cst (10, 10, 0, 0),
                                      cst (10, 11, 0, 0), 1800);
  g_assert_cmpuint (saturday->len, ==, 1);
  gap = first (saturday, DW_ROSTER_RULE_COVERAGE);
  g_assert_false (gap->hard);
  g_assert_cmpstr (gap->business_type, ==, "returns");
  g_assert_cmpint (gap->from, ==, cst (10, 10, 13, 30));
  g_assert_cmpint (gap->to, ==, cst (10, 10, 18, 0));

  holiday = dw_roster_coverage_gaps (needs, 2, NULL, 0, calendar, cst (10, 1, 0, 0),
                                     cst (10, 2, 0, 0), 1800);
  g_assert_cmpuint (holiday->len, ==, 0);
  sunday = dw_roster_coverage_gaps (needs, 2, NULL, 0, calendar, cst (10, 11, 0, 0),
                                    cst (10, 12, 0, 0), 1800);
  g_assert_cmpuint (sunday->len, ==, 0);
}

/* Nobody at all on an ordinary Monday: each need has two gaps, morning and afternoon, split by
 * the closed lunch hour. */
static void
test_coverage_empty_day (void)
{
  g_autoptr(DwCalendar) calendar = dw_calendar_new_china_mainland (FALSE);
  DwRosterNeed needs[] = { { "logistics", "logistics" } };
  g_autoptr(GArray) v = dw_roster_coverage_gaps (needs, 1, NULL, 0, calendar,
                                                 cst (11, 30, 0, 0), cst (12, 1, 0, 0), 1800);

  g_assert_cmpuint (v->len, ==, 2);
  g_assert_cmpint (g_array_index (v, DwRosterViolation, 0).from, ==, cst (11, 30, 9, 0));
  g_assert_cmpint (g_array_index (v, DwRosterViolation, 0).to, ==, cst (11, 30, 12, 0));
  g_assert_cmpint (g_array_index (v, DwRosterViolation, 1).from, ==, cst (11, 30, 13, 30));
  g_assert_cmpint (g_array_index (v, DwRosterViolation, 1).to, ==, cst (11, 30, 18, 0));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  shanghai = g_time_zone_new_identifier ("Asia/Shanghai");
  g_assert_nonnull (shanghai);

  g_test_add_func ("/roster-rules/clean", test_clean);
  g_test_add_func ("/roster-rules/overlap", test_overlap);
  g_test_add_func ("/roster-rules/absence", test_absence);
  g_test_add_func ("/roster-rules/rest-across-midnight", test_rest_across_midnight);
  g_test_add_func ("/roster-rules/day-hours", test_day_hours);
  g_test_add_func ("/roster-rules/week-hours", test_week_hours);
  g_test_add_func ("/roster-rules/coverage-with-tiaoxiu", test_coverage_with_tiaoxiu);
  g_test_add_func ("/roster-rules/coverage-empty-day", test_coverage_empty_day);

  ret = g_test_run ();
  g_time_zone_unref (shanghai);
  return ret;
}
