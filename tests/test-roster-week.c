/* Unit tests of the roster week's arithmetic (src/core/dw-roster-week.c): naming weeks by
 * their Monday in the team's zone, placing times in day columns, and the clock strings. */
#include "config.h"

#include "dw-clock.h"
#include "dw-roster-week.h"

static gint64
at (const char *iso)
{
  gint64 t = 0;

  g_assert_true (dw_time_from_iso8601 (iso, &t));
  return t;
}

static void
test_week_of (void)
{
  g_autoptr(GTimeZone) shanghai = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;

  /* Sunday 20 Dec 2026 17:00 UTC is already Monday 21 Dec 01:00 in Shanghai. */
  a = dw_roster_week_of (shanghai, at ("2026-12-20T17:00:00Z"), 0);
  g_assert_cmpstr (a, ==, "2026-12-21");
  b = dw_roster_week_of (utc, at ("2026-12-20T17:00:00Z"), 0);
  g_assert_cmpstr (b, ==, "2026-12-14");
  c = dw_roster_week_of (utc, at ("2026-12-14T00:00:00Z"), -1);
  g_assert_cmpstr (c, ==, "2026-12-07");
  /* across a year */
  d = dw_roster_week_add ("2026-12-28", 1);
  g_assert_cmpstr (d, ==, "2027-01-04");
  e = dw_roster_week_date ("2026-12-28", 6);
  g_assert_cmpstr (e, ==, "2027-01-03");
  g_assert_null (dw_roster_week_add ("2026-13-01", 1));
  g_assert_null (dw_roster_week_add ("yesterday", 1));
}

static void
test_day_of (void)
{
  g_autoptr(GTimeZone) shanghai = g_time_zone_new_identifier ("Asia/Shanghai");

  /* Monday 08:00 in Shanghai is Monday 00:00 UTC. */
  g_assert_cmpint (dw_roster_week_time (shanghai, "2026-12-14", 0, 8 * 60), ==,
                   at ("2026-12-14T00:00:00Z"));
  /* A night shift's end: Sunday 22:00 + 8 h is the next Monday 06:00. */
  g_assert_cmpint (dw_roster_week_time (shanghai, "2026-12-14", 6, 30 * 60), ==,
                   at ("2026-12-20T22:00:00Z"));
  g_assert_cmpint (dw_roster_week_day_of (shanghai, "2026-12-14", at ("2026-12-13T16:00:00Z")),
                   ==, 0);
  g_assert_cmpint (dw_roster_week_day_of (shanghai, "2026-12-14", at ("2026-12-13T15:59:59Z")),
                   ==, -1);
  g_assert_cmpint (dw_roster_week_day_of (shanghai, "2026-12-14", at ("2026-12-20T15:59:59Z")),
                   ==, 6);
  g_assert_cmpint (dw_roster_week_day_of (shanghai, "2026-12-14", at ("2026-12-20T16:00:00Z")),
                   ==, -1);
  g_assert_cmpint (dw_roster_minute_of_day (shanghai, at ("2026-12-14T01:30:00Z")), ==, 570);
}

static void
test_dst (void)
{
  g_autoptr(GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");

  /* Sunday 29 March 2026 loses an hour at 02:00: 08:00 local is 06:00 UTC, not 07:00. */
  g_assert_cmpint (dw_roster_week_time (berlin, "2026-03-23", 6, 8 * 60), ==,
                   at ("2026-03-29T06:00:00Z"));
  g_assert_cmpint (dw_roster_week_time (berlin, "2026-03-23", 5, 8 * 60), ==,
                   at ("2026-03-28T07:00:00Z"));
}

static void
test_format (void)
{
  g_autoptr(GTimeZone) shanghai = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autofree char *day = NULL, *night = NULL, *midnight = NULL;
  int minutes = -1;

  day = dw_roster_format_span (shanghai, at ("2026-12-14T00:00:00Z"), at ("2026-12-14T08:00:00Z"));
  g_assert_cmpstr (day, ==, "08:00–16:00");
  night = dw_roster_format_span (shanghai, at ("2026-12-14T14:00:00Z"),
                                 at ("2026-12-14T22:00:00Z"));
  g_assert_cmpstr (night, ==, "22:00–06:00 +1");
  midnight = dw_roster_format_span (shanghai, at ("2026-12-14T08:00:00Z"),
                                    at ("2026-12-14T16:00:00Z"));
  g_assert_cmpstr (midnight, ==, "16:00–24:00");

  g_assert_true (dw_roster_parse_clock ("08:30", &minutes));
  g_assert_cmpint (minutes, ==, 510);
  g_assert_true (dw_roster_parse_clock (" 9:05 ", &minutes));
  g_assert_cmpint (minutes, ==, 545);
  g_assert_false (dw_roster_parse_clock ("24:00", &minutes));
  g_assert_false (dw_roster_parse_clock ("8", &minutes));
  g_assert_false (dw_roster_parse_clock ("08:00x", &minutes));
  g_assert_false (dw_roster_parse_clock ("", &minutes));
  g_assert_false (dw_roster_parse_clock (NULL, &minutes));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/roster-week/week-of", test_week_of);
  g_test_add_func ("/roster-week/day-of", test_day_of);
  g_test_add_func ("/roster-week/dst", test_dst);
  g_test_add_func ("/roster-week/format", test_format);

  return g_test_run ();
}
