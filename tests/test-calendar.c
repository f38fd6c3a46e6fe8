/* Business calendars: hours, holidays, 调休 workdays, DST, JSON and iCalendar import.
 *
 * Every expected value is worked out by hand in the comments.  Instants are written as ISO 8601
 * with the local offset and parsed with GDateTime, independently of the code under test.
 * Weekdays used: 2026-11-23 Mon, 2026-11-27 Fri, 2026-09-30 Wed, 2026-10-01 Thu, 2026-10-08 Thu,
 * 2026-10-10 Sat, 2026-03-27 Fri, 2026-03-29 Sun (Berlin: CET→CEST), 2026-10-25 Sun (CEST→CET).
 */
#include "config.h"

#include "dw-calendar.h"

#define HOUR 3600
#define OFFICE_DAY (3 * HOUR + 4 * HOUR + 30 * 60)  /* 09–12 + 13:30–18 = 7.5 h = 27000 s */

static gint64
T (const char *iso)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

/* Shanghai, Monday–Friday 09:00–18:00, no holidays. */
static DwCalendar *
office_calendar (void)
{
  DwCalendar *cal = dw_calendar_new ("Asia/Shanghai");

  g_assert_nonnull (cal);
  dw_calendar_set_days (cal, 1, 5, 9 * 60, 18 * 60);
  return cal;
}

static void
test_unknown_zone (void)
{
  g_assert_null (dw_calendar_new ("Mars/Olympus_Mons"));
}

static void
test_between_basic (void)
{
  g_autoptr(DwCalendar) cal = office_calendar ();

  /* Mon 10:00 → 12:30, all open: 2.5 h. */
  g_assert_cmpint (dw_calendar_business_seconds_between (cal, T ("2026-11-23T10:00:00+08:00"),
                                                         T ("2026-11-23T12:30:00+08:00")),
                   ==, 9000);
  /* Mon 17:00 → Tue 10:00: 17–18 Monday + 9–10 Tuesday = 2 h; the night does not count. */
  g_assert_cmpint (dw_calendar_business_seconds_between (cal, T ("2026-11-23T17:00:00+08:00"),
                                                         T ("2026-11-24T10:00:00+08:00")),
                   ==, 2 * HOUR);
  /* Fri 17:30 → Mon 09:30 over the weekend: 30 min + 30 min. */
  g_assert_cmpint (dw_calendar_business_seconds_between (cal, T ("2026-11-27T17:30:00+08:00"),
                                                         T ("2026-11-30T09:30:00+08:00")),
                   ==, HOUR);
  /* Saturday to Sunday: nothing. */
  g_assert_cmpint (dw_calendar_business_seconds_between (cal, T ("2026-11-28T08:00:00+08:00"),
                                                         T ("2026-11-29T20:00:00+08:00")),
                   ==, 0);
  /* A whole week Mon 00:00 → next Mon 00:00: 5 × 9 h. */
  g_assert_cmpint (dw_calendar_business_seconds_between (cal, T ("2026-11-23T00:00:00+08:00"),
                                                         T ("2026-11-30T00:00:00+08:00")),
                   ==, 45 * HOUR);
  /* Reversed or empty ranges count 0. */
  g_assert_cmpint (dw_calendar_business_seconds_between (cal, T ("2026-11-23T12:00:00+08:00"),
                                                         T ("2026-11-23T10:00:00+08:00")),
                   ==, 0);
  g_assert_cmpint (dw_calendar_business_seconds_between (cal, T ("2026-11-23T12:00:00+08:00"),
                                                         T ("2026-11-23T12:00:00+08:00")),
                   ==, 0);
}

static void
test_add_basic (void)
{
  g_autoptr(DwCalendar) cal = office_calendar ();

  /* Fri 17:30 + 1 h: 30 min on Friday, 30 min on Monday → Mon 09:30. */
  g_assert_cmpint (dw_calendar_add_business_seconds (cal, T ("2026-11-27T17:30:00+08:00"), HOUR),
                   ==, T ("2026-11-30T09:30:00+08:00"));
  /* Fri 17:00 + 1 h ends exactly at closing: Fri 18:00, not Monday 09:00. */
  g_assert_cmpint (dw_calendar_add_business_seconds (cal, T ("2026-11-27T17:00:00+08:00"), HOUR),
                   ==, T ("2026-11-27T18:00:00+08:00"));
  /* Zero from a closed moment stays put. */
  g_assert_cmpint (dw_calendar_add_business_seconds (cal, T ("2026-11-28T12:00:00+08:00"), 0),
                   ==, T ("2026-11-28T12:00:00+08:00"));
  /* One second from Saturday noon: Mon 09:00:01. */
  g_assert_cmpint (dw_calendar_add_business_seconds (cal, T ("2026-11-28T12:00:00+08:00"), 1),
                   ==, T ("2026-11-30T09:00:01+08:00"));
  /* Tue 10:00 + 20 h: Tue 8 h (to 18:00), Wed 9, Thu 3 → Thu 12:00. */
  g_assert_cmpint (dw_calendar_add_business_seconds (cal, T ("2026-11-24T10:00:00+08:00"),
                                                     20 * HOUR),
                   ==, T ("2026-11-26T12:00:00+08:00"));
}

static void
test_is_open_and_transitions (void)
{
  g_autoptr(DwCalendar) cal = office_calendar ();

  g_assert_true (dw_calendar_is_open (cal, T ("2026-11-23T09:00:00+08:00")));
  g_assert_false (dw_calendar_is_open (cal, T ("2026-11-23T08:59:59+08:00")));
  g_assert_true (dw_calendar_is_open (cal, T ("2026-11-23T17:59:59+08:00")));
  g_assert_false (dw_calendar_is_open (cal, T ("2026-11-23T18:00:00+08:00")));
  g_assert_false (dw_calendar_is_open (cal, T ("2026-11-28T12:00:00+08:00")));

  /* Open Monday 10:00 → closes 18:00. */
  g_assert_cmpint (dw_calendar_next_transition (cal, T ("2026-11-23T10:00:00+08:00")),
                   ==, T ("2026-11-23T18:00:00+08:00"));
  /* Closed Monday 08:00 → opens 09:00. */
  g_assert_cmpint (dw_calendar_next_transition (cal, T ("2026-11-23T08:00:00+08:00")),
                   ==, T ("2026-11-23T09:00:00+08:00"));
  /* Friday at closing → Monday opening. */
  g_assert_cmpint (dw_calendar_next_transition (cal, T ("2026-11-27T18:00:00+08:00")),
                   ==, T ("2026-11-30T09:00:00+08:00"));
  /* Saturday → Monday opening. */
  g_assert_cmpint (dw_calendar_next_transition (cal, T ("2026-11-28T03:00:00+08:00")),
                   ==, T ("2026-11-30T09:00:00+08:00"));
}

static void
test_across_midnight (void)
{
  g_autoptr(DwCalendar) cal = dw_calendar_new ("Asia/Shanghai");

  /* A night shift: Monday 20:00–24:00 joined to Tuesday 00:00–02:00. */
  g_assert_true (dw_calendar_add_interval (cal, 1, 20 * 60, 1440));
  g_assert_true (dw_calendar_add_interval (cal, 2, 0, 2 * 60));
  g_assert_false (dw_calendar_add_interval (cal, 2, 120, 60));
  g_assert_false (dw_calendar_add_interval (cal, 2, 0, 1441));

  /* Open at Monday 21:00; the stretch runs through midnight to Tuesday 02:00. */
  g_assert_cmpint (dw_calendar_next_transition (cal, T ("2026-11-23T21:00:00+08:00")),
                   ==, T ("2026-11-24T02:00:00+08:00"));
  /* Mon 23:00 → Tue 01:00: 2 h. */
  g_assert_cmpint (dw_calendar_business_seconds_between (cal, T ("2026-11-23T23:00:00+08:00"),
                                                         T ("2026-11-24T01:00:00+08:00")),
                   ==, 2 * HOUR);
  /* Mon 23:30 + 2 h → Tue 01:30. */
  g_assert_cmpint (dw_calendar_add_business_seconds (cal, T ("2026-11-23T23:30:00+08:00"), 2 * HOUR),
                   ==, T ("2026-11-24T01:30:00+08:00"));
  /* Tue 03:00 → next Monday 20:00. */
  g_assert_cmpint (dw_calendar_next_transition (cal, T ("2026-11-24T03:00:00+08:00")),
                   ==, T ("2026-11-30T20:00:00+08:00"));
}

static void
test_merging (void)
{
  g_autoptr(DwCalendar) cal = dw_calendar_new ("UTC");
  const int *pairs;
  guint n;

  /* 09–12 and 11–14 overlap, 14–15 touches: one interval 09–15; 16–17 stays apart. */
  dw_calendar_add_interval (cal, 3, 16 * 60, 17 * 60);
  dw_calendar_add_interval (cal, 3, 9 * 60, 12 * 60);
  dw_calendar_add_interval (cal, 3, 11 * 60, 14 * 60);
  dw_calendar_add_interval (cal, 3, 14 * 60, 15 * 60);
  pairs = dw_calendar_get_day_intervals (cal, 3, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (pairs[0], ==, 540);
  g_assert_cmpint (pairs[1], ==, 900);
  g_assert_cmpint (pairs[2], ==, 960);
  g_assert_cmpint (pairs[3], ==, 1020);
}

static void
test_never_open (void)
{
  g_autoptr(DwCalendar) empty = dw_calendar_new ("Asia/Shanghai");
  g_autoptr(DwCalendar) always = dw_calendar_new ("Asia/Shanghai");
  g_autoptr(DwCalendar) closed_years = office_calendar ();
  gint64 now = T ("2026-11-23T10:00:00+08:00");

  g_assert_cmpint (dw_calendar_add_business_seconds (empty, now, 1), ==, DW_CALENDAR_FOREVER);
  g_assert_cmpint (dw_calendar_next_transition (empty, now), ==, DW_CALENDAR_FOREVER);
  g_assert_cmpint (dw_calendar_business_seconds_between (empty, now, now + 1000 * HOUR), ==, 0);

  /* Open around the clock: never closes; 10 days are 240 h. */
  dw_calendar_set_days (always, 1, 7, 0, 1440);
  g_assert_cmpint (dw_calendar_next_transition (always, now), ==, DW_CALENDAR_FOREVER);
  g_assert_cmpint (dw_calendar_business_seconds_between (always, now, now + 240 * HOUR),
                   ==, 240 * HOUR);
  g_assert_cmpint (dw_calendar_add_business_seconds (always, now, 240 * HOUR), ==, now + 240 * HOUR);

  /* Four years of holidays (2027–2030, 1461 days) exceed the ~3 year search bound. */
  for (int y = 2027; y <= 2030; y++)
    for (int m = 1; m <= 12; m++)
      for (int d = 1; d <= g_date_get_days_in_month (m, y); d++)
        dw_calendar_add_holiday (closed_years, y, m, d);
  g_assert_cmpint (dw_calendar_add_business_seconds (closed_years, T ("2027-01-01T00:00:00+08:00"), 1),
                   ==, DW_CALENDAR_FOREVER);
  /* But what is inside the range is still counted: Thu 2026-12-31 17:00 → 2031: just 1 h. */
  g_assert_cmpint (dw_calendar_business_seconds_between (closed_years,
                                                         T ("2026-12-31T17:00:00+08:00"),
                                                         T ("2031-01-01T00:00:00+08:00")),
                   ==, HOUR);
}

static void
test_holidays_and_workdays (void)
{
  g_autoptr(DwCalendar) cal = office_calendar ();

  /* A Golden Week: 2026-10-01 (Thu) … 10-07 (Wed) off; Sat 10-10 works as a Friday. */
  for (int d = 1; d <= 7; d++)
    dw_calendar_add_holiday (cal, 2026, 10, d);
  dw_calendar_add_workday (cal, 2026, 10, 10, 5);

  g_assert_true (dw_calendar_is_holiday (cal, 2026, 10, 3));
  g_assert_false (dw_calendar_is_holiday (cal, 2026, 10, 8));
  g_assert_cmpuint (dw_calendar_get_workday_as (cal, 2026, 10, 10), ==, 5);
  g_assert_cmpuint (dw_calendar_get_workday_as (cal, 2026, 10, 11), ==, 0);

  g_assert_false (dw_calendar_is_open (cal, T ("2026-10-01T10:00:00+08:00")));
  g_assert_false (dw_calendar_is_open (cal, T ("2026-10-05T10:00:00+08:00")));  /* a Monday */
  g_assert_true (dw_calendar_is_open (cal, T ("2026-10-08T10:00:00+08:00")));
  g_assert_true (dw_calendar_is_open (cal, T ("2026-10-10T10:00:00+08:00")));   /* Saturday */
  g_assert_false (dw_calendar_is_open (cal, T ("2026-10-11T10:00:00+08:00")));  /* Sunday */

  /* Wed 09-30 17:00 + 2 h: 1 h on Wednesday, the week off, 1 h on Thu 10-08 → 10:00. */
  g_assert_cmpint (dw_calendar_add_business_seconds (cal, T ("2026-09-30T17:00:00+08:00"), 2 * HOUR),
                   ==, T ("2026-10-08T10:00:00+08:00"));
  /* During the holiday the next change is the opening on 10-08. */
  g_assert_cmpint (dw_calendar_next_transition (cal, T ("2026-10-02T12:00:00+08:00")),
                   ==, T ("2026-10-08T09:00:00+08:00"));
  /* Fri 10-09 17:00 → Mon 10-12 10:00: Fri 1 h + Sat 9 h + Mon 1 h = 11 h. */
  g_assert_cmpint (dw_calendar_business_seconds_between (cal, T ("2026-10-09T17:00:00+08:00"),
                                                         T ("2026-10-12T10:00:00+08:00")),
                   ==, 11 * HOUR);

  /* A holiday replaces a workday on the same date and the other way round. */
  dw_calendar_add_holiday (cal, 2026, 10, 10);
  g_assert_cmpuint (dw_calendar_get_workday_as (cal, 2026, 10, 10), ==, 0);
  g_assert_false (dw_calendar_is_open (cal, T ("2026-10-10T10:00:00+08:00")));
  dw_calendar_add_workday (cal, 2026, 10, 10, 1);
  g_assert_false (dw_calendar_is_holiday (cal, 2026, 10, 10));
  dw_calendar_remove_date (cal, 2026, 10, 10);
  g_assert_false (dw_calendar_is_open (cal, T ("2026-10-10T10:00:00+08:00")));
}

/* The workday follows the hours of weekday "as", not those of its own weekday. */
static void
test_workday_as (void)
{
  g_autoptr(DwCalendar) cal = dw_calendar_new ("Asia/Shanghai");

  dw_calendar_add_interval (cal, 1, 9 * 60, 12 * 60);   /* Monday 09–12 */
  dw_calendar_add_interval (cal, 5, 14 * 60, 16 * 60);  /* Friday 14–16 */
  dw_calendar_add_workday (cal, 2026, 11, 28, 5);       /* Saturday as Friday */

  /* Sat 2026-11-28 00:00 → Sun 00:00: Friday's 2 h. */
  g_assert_cmpint (dw_calendar_business_seconds_between (cal, T ("2026-11-28T00:00:00+08:00"),
                                                         T ("2026-11-29T00:00:00+08:00")),
                   ==, 2 * HOUR);
  g_assert_false (dw_calendar_is_open (cal, T ("2026-11-28T10:00:00+08:00")));
  g_assert_true (dw_calendar_is_open (cal, T ("2026-11-28T15:00:00+08:00")));
}

static void
test_dst_berlin (void)
{
  g_autoptr(DwCalendar) cal = dw_calendar_new ("Europe/Berlin");
  g_autoptr(DwCalendar) sundays = dw_calendar_new ("Europe/Berlin");
  g_autoptr(DwCalendar) always = dw_calendar_new ("Europe/Berlin");

  dw_calendar_set_days (cal, 1, 5, 9 * 60, 17 * 60);

  /* Fri 2026-03-27 16:00 CET + 2 h: 1 h Friday, then Mon 03-30 09:00 CEST + 1 h = 10:00 CEST,
   * which is 08:00Z (a fixed 7 × 86400 s step would land at 09:00Z). */
  g_assert_cmpint (dw_calendar_add_business_seconds (cal, T ("2026-03-27T16:00:00+01:00"), 2 * HOUR),
                   ==, T ("2026-03-30T08:00:00Z"));
  g_assert_true (dw_calendar_is_open (cal, T ("2026-03-30T07:30:00Z")));    /* 09:30 CEST */
  g_assert_false (dw_calendar_is_open (cal, T ("2026-03-30T06:30:00Z")));   /* 08:30 CEST */
  /* And back in winter: Mon 2026-10-26 09:00 CET is 08:00Z. */
  g_assert_cmpint (dw_calendar_next_transition (cal, T ("2026-10-24T12:00:00Z")),
                   ==, T ("2026-10-26T08:00:00Z"));

  /* Sunday 00:00–06:00 lasts 5 real hours on 03-29 (02:00–03:00 does not exist)
   * and 7 on 10-25 (02:00–03:00 happens twice). */
  dw_calendar_add_interval (sundays, 7, 0, 6 * 60);
  g_assert_cmpint (dw_calendar_business_seconds_between (sundays, T ("2026-03-28T12:00:00Z"),
                                                         T ("2026-03-30T12:00:00Z")),
                   ==, 5 * HOUR);
  g_assert_cmpint (dw_calendar_business_seconds_between (sundays, T ("2026-10-24T12:00:00Z"),
                                                         T ("2026-10-26T12:00:00Z")),
                   ==, 7 * HOUR);
  /* 03-29 00:00 CET is 03-28T23:00Z; + 4 h → 05:00 CEST local = 03:00Z. */
  g_assert_cmpint (dw_calendar_add_business_seconds (sundays, T ("2026-03-28T23:00:00Z"), 4 * HOUR),
                   ==, T ("2026-03-29T03:00:00Z"));

  /* Hours starting inside the gap begin when it ends: 02:30–04:00 on 03-29 is 03:00–04:00 CEST,
   * 01:00Z–02:00Z, one hour. */
  dw_calendar_clear_day (sundays, 7);
  dw_calendar_add_interval (sundays, 7, 150, 240);
  g_assert_cmpint (dw_calendar_business_seconds_between (sundays, T ("2026-03-28T12:00:00Z"),
                                                         T ("2026-03-30T12:00:00Z")),
                   ==, HOUR);
  g_assert_cmpint (dw_calendar_next_transition (sundays, T ("2026-03-28T12:00:00Z")),
                   ==, T ("2026-03-29T01:00:00Z"));

  /* Open all the time: Sat 12:00 CET → Mon 12:00 CEST is 47 real hours; in autumn 49. */
  dw_calendar_set_days (always, 1, 7, 0, 1440);
  g_assert_cmpint (dw_calendar_business_seconds_between (always, T ("2026-03-28T12:00:00+01:00"),
                                                         T ("2026-03-30T12:00:00+02:00")),
                   ==, 47 * HOUR);
  g_assert_cmpint (dw_calendar_business_seconds_between (always, T ("2026-10-24T12:00:00+02:00"),
                                                         T ("2026-10-26T12:00:00+01:00")),
                   ==, 49 * HOUR);
}

/* between (from, add (from, s)) == s, and nothing earlier reaches s. */
static void
check_inverse (DwCalendar *cal,
               gint64      first,
               gint64      last)
{
  static const gint64 amounts[] = { 0, 1, 59, 3600, 27000, 100000, 5 * 27000 + 17, 40 * 3600 };

  for (gint64 from = first; from <= last; from += 7 * HOUR + 13 * 60 + 7)
    for (guint i = 0; i < G_N_ELEMENTS (amounts); i++)
      {
        gint64 s = amounts[i];
        gint64 t = dw_calendar_add_business_seconds (cal, from, s);

        g_assert_cmpint (t, >=, from);
        g_assert_cmpint (dw_calendar_business_seconds_between (cal, from, t), ==, s);
        if (s > 0)
          g_assert_cmpint (dw_calendar_business_seconds_between (cal, from, t - 1), ==, s - 1);
      }
}

static void
test_inverse (void)
{
  g_autoptr(DwCalendar) china = dw_calendar_new_china_mainland (FALSE);
  g_autoptr(DwCalendar) berlin = dw_calendar_new ("Europe/Berlin");
  g_autoptr(DwCalendar) night = dw_calendar_new ("America/New_York");

  /* Over Golden Week and the adjusted Saturday after it. */
  check_inverse (china, T ("2026-09-18T00:00:00+08:00"), T ("2026-10-14T00:00:00+08:00"));

  /* Over both DST changes, with lunch breaks. */
  dw_calendar_add_interval (berlin, 1, 8 * 60, 12 * 60);
  dw_calendar_add_interval (berlin, 1, 13 * 60, 17 * 60);
  dw_calendar_add_interval (berlin, 3, 0, 1440);
  dw_calendar_add_interval (berlin, 7, 60, 4 * 60);
  check_inverse (berlin, T ("2026-03-20T00:00:00Z"), T ("2026-04-05T00:00:00Z"));
  check_inverse (berlin, T ("2026-10-18T00:00:00Z"), T ("2026-11-02T00:00:00Z"));

  /* Hours running through midnight, with New York's DST change of 2026-11-01. */
  dw_calendar_set_days (night, 1, 7, 22 * 60, 1440);
  for (guint wd = 1; wd <= 7; wd++)
    dw_calendar_add_interval (night, wd, 0, 3 * 60);
  check_inverse (night, T ("2026-10-25T00:00:00Z"), T ("2026-11-08T00:00:00Z"));
}

static const char *doc_calendar =
  "{\"id\": 1, \"name\": \"中国大陆工作日\", \"timezone\": \"Asia/Shanghai\","
  " \"week\": [[[540, 1080]], [[540, 1080]], [[540, 1080]], [[540, 1080]], [[540, 1080]], [], []],"
  " \"holidays\": [\"2026-10-01\"], \"workdays\": [{\"date\": \"2026-10-10\", \"as\": 1}]}";

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_json_round_trip (void)
{
  g_autoptr(JsonObject) object = parse_object (doc_calendar);
  g_autoptr(GError) error = NULL;
  g_autoptr(DwCalendar) cal = NULL;
  g_autoptr(JsonObject) out = NULL;
  g_autoptr(JsonNode) out_node = NULL;
  g_autoptr(JsonNode) in_node = NULL;

  cal = dw_calendar_new_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dw_calendar_get_id (cal), ==, 1);
  g_assert_cmpstr (dw_calendar_get_name (cal), ==, "中国大陆工作日");
  g_assert_cmpstr (dw_calendar_get_timezone (cal), ==, "Asia/Shanghai");
  g_assert_false (dw_calendar_is_open (cal, T ("2026-10-01T10:00:00+08:00")));
  g_assert_true (dw_calendar_is_open (cal, T ("2026-10-10T10:00:00+08:00")));
  g_assert_true (dw_calendar_is_open (cal, T ("2026-10-02T10:00:00+08:00")));

  /* Writing it back gives the same object. */
  out = dw_calendar_to_json (cal);
  out_node = json_node_init_object (json_node_alloc (), out);
  in_node = json_node_init_object (json_node_alloc (), object);
  g_assert_true (json_node_equal (in_node, out_node));
}

static void
test_json_errors (void)
{
  static const struct
  {
    const char *json;
    const char *prefix;
  } cases[] = {
    { "{\"timezone\": \"Mars/Base\", \"week\": [[],[],[],[],[],[],[]]}", "timezone:" },
    { "{\"week\": [[],[],[],[],[],[],[]]}", "timezone:" },
    { "{\"timezone\": \"UTC\"}", "week:" },
    { "{\"timezone\": \"UTC\", \"week\": [[],[],[],[],[],[]]}", "week:" },
    { "{\"timezone\": \"UTC\", \"week\": [[[600, 500]],[],[],[],[],[],[]]}", "week:" },
    { "{\"timezone\": \"UTC\", \"week\": [[[0, 1441]],[],[],[],[],[],[]]}", "week:" },
    { "{\"timezone\": \"UTC\", \"week\": [[[0, 60, 90]],[],[],[],[],[],[]]}", "week:" },
    { "{\"timezone\": \"UTC\", \"week\": [[[\"9\", 60]],[],[],[],[],[],[]]}", "week:" },
    { "{\"timezone\": \"UTC\", \"week\": [[],[],[],[],[],[],[]], \"holidays\": [\"2026-02-30\"]}",
      "holidays:" },
    { "{\"timezone\": \"UTC\", \"week\": [[],[],[],[],[],[],[]], \"holidays\": [\"2026-1-5\"]}",
      "holidays:" },
    { "{\"timezone\": \"UTC\", \"week\": [[],[],[],[],[],[],[]],"
      " \"workdays\": [{\"date\": \"2026-10-10\", \"as\": 8}]}", "workdays:" },
    { "{\"timezone\": \"UTC\", \"week\": [[],[],[],[],[],[],[]],"
      " \"workdays\": [{\"date\": \"2026-10-10\"}]}", "workdays:" },
    { "{\"timezone\": \"UTC\", \"week\": [[],[],[],[],[],[],[]], \"colour\": \"red\"}", "colour:" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) object = parse_object (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(DwCalendar) cal = dw_calendar_new_from_json (object, &error);

      g_test_message ("case %u: %s", i, cases[i].json);
      g_assert_null (cal);
      g_assert_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, cases[i].prefix));
    }
}

static void
test_ics_text (void)
{
  g_autoptr(DwCalendar) cal = office_calendar ();
  g_autoptr(GError) error = NULL;
  const char *ics =
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//test//EN\r\n"
    /* by category, three days */
    "BEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART;VALUE=DATE:20261223\r\nDTEND;VALUE=DATE:20261226\r\n"
    "SUMMARY:Company retreat\r\nCATEGORIES:PUBLIC,HOLIDAY\r\nEND:VEVENT\r\n"
    /* by summary, working Saturday as Friday */
    "BEGIN:VEVENT\r\nUID:b\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART;VALUE=DATE:20261219\r\nSUMMARY:年会调休上班\r\nX-DESKWATCH-AS:5\r\nEND:VEVENT\r\n"
    /* by summary, no DTEND: one day */
    "BEGIN:VEVENT\r\nUID:c\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART;VALUE=DATE:20261231\r\nSUMMARY:Bank holiday\r\nEND:VEVENT\r\n"
    /* neither: ignored */
    "BEGIN:VEVENT\r\nUID:d\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART;VALUE=DATE:20261221\r\nSUMMARY:公司年会\r\nEND:VEVENT\r\n"
    /* timed: ignored although it says holiday */
    "BEGIN:VEVENT\r\nUID:e\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART:20261222T090000Z\r\nDTEND:20261222T100000Z\r\nSUMMARY:Holiday party\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n";

  g_assert_true (dw_calendar_load_ics (cal, ics, &error));
  g_assert_no_error (error);

  /* 12-23 (Wed), 12-24, 12-25 closed; 12-26 is a Saturday anyway. */
  g_assert_true (dw_calendar_is_holiday (cal, 2026, 12, 23));
  g_assert_true (dw_calendar_is_holiday (cal, 2026, 12, 25));
  g_assert_false (dw_calendar_is_holiday (cal, 2026, 12, 26));
  g_assert_false (dw_calendar_is_holiday (cal, 2026, 12, 22));
  g_assert_true (dw_calendar_is_holiday (cal, 2026, 12, 31));
  g_assert_false (dw_calendar_is_holiday (cal, 2027, 1, 1));
  g_assert_false (dw_calendar_is_holiday (cal, 2026, 12, 21));
  g_assert_cmpuint (dw_calendar_get_workday_as (cal, 2026, 12, 19), ==, 5);
  g_assert_true (dw_calendar_is_open (cal, T ("2026-12-19T10:00:00+08:00")));
  g_assert_true (dw_calendar_is_open (cal, T ("2026-12-22T10:00:00+08:00")));
}

static void
test_ics_errors (void)
{
  g_autoptr(DwCalendar) cal = office_calendar ();
  g_autoptr(GError) error = NULL;
  const char *timed_only =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:e\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART:20261222T090000Z\r\nSUMMARY:Holiday party\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n";

  g_assert_false (dw_calendar_load_ics (cal, "this is not a calendar", &error));
  g_assert_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_ICS);
  g_clear_error (&error);

  g_assert_false (dw_calendar_load_ics (cal, timed_only, &error));
  g_assert_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_ICS);
}

/* The shipped file, read from the source tree (the GResource copy is tested below). */
static void
test_ics_shipped_file (void)
{
  g_autoptr(DwCalendar) cal = dw_calendar_new ("Asia/Shanghai");
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "holidays",
                                                 "cn-2026.ics", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (dw_calendar_load_ics (cal, text, &error));
  g_assert_no_error (error);

  /* 元旦 3 + 春节 9 + 清明 3 + 劳动节 5 + 端午 3 + 中秋 3 + 国庆 7 + 2027 元旦 1 = 34 days;
   * 调休 workdays: 01-04, 02-14, 02-28, 05-09, 09-20, 10-10 = 6. */
  object = dw_calendar_to_json (cal);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "holidays")),
                    ==, 34);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "workdays")),
                    ==, 6);

  g_assert_true (dw_calendar_is_holiday (cal, 2026, 10, 1));
  g_assert_true (dw_calendar_is_holiday (cal, 2026, 10, 7));
  g_assert_false (dw_calendar_is_holiday (cal, 2026, 10, 8));
  g_assert_cmpuint (dw_calendar_get_workday_as (cal, 2026, 10, 10), ==, 1);
  g_assert_cmpuint (dw_calendar_get_workday_as (cal, 2026, 9, 20), ==, 1);
  g_assert_true (dw_calendar_is_holiday (cal, 2026, 2, 15));
  g_assert_true (dw_calendar_is_holiday (cal, 2026, 2, 23));
  g_assert_false (dw_calendar_is_holiday (cal, 2026, 2, 24));
  g_assert_cmpuint (dw_calendar_get_workday_as (cal, 2026, 2, 14), ==, 1);
  g_assert_cmpuint (dw_calendar_get_workday_as (cal, 2026, 2, 28), ==, 1);
  g_assert_true (dw_calendar_is_holiday (cal, 2026, 5, 5));
  g_assert_cmpuint (dw_calendar_get_workday_as (cal, 2026, 5, 9), ==, 1);
  g_assert_true (dw_calendar_is_holiday (cal, 2027, 1, 1));
}

static void
test_china_mainland (void)
{
  g_autoptr(DwCalendar) office = dw_calendar_new_china_mainland (FALSE);
  g_autoptr(DwCalendar) shop = dw_calendar_new_china_mainland (TRUE);

  g_assert_cmpstr (dw_calendar_get_timezone (office), ==, "Asia/Shanghai");

  /* Office: lunch 12:00–13:30 closed. */
  g_assert_true (dw_calendar_is_open (office, T ("2026-11-23T11:59:59+08:00")));
  g_assert_false (dw_calendar_is_open (office, T ("2026-11-23T12:30:00+08:00")));
  g_assert_true (dw_calendar_is_open (office, T ("2026-11-23T13:30:00+08:00")));
  /* Mon 11:30 + 1 h: 30 min before lunch, 30 min after → 14:00. */
  g_assert_cmpint (dw_calendar_add_business_seconds (office, T ("2026-11-23T11:30:00+08:00"), HOUR),
                   ==, T ("2026-11-23T14:00:00+08:00"));

  /* National Day closed, adjusted Saturday 10-10 open (as a Monday), Sunday 10-11 closed. */
  g_assert_false (dw_calendar_is_open (office, T ("2026-10-01T10:00:00+08:00")));
  g_assert_true (dw_calendar_is_open (office, T ("2026-10-10T10:00:00+08:00")));
  g_assert_false (dw_calendar_is_open (office, T ("2026-10-11T10:00:00+08:00")));
  /* Sunday 09-20 works too. */
  g_assert_true (dw_calendar_is_open (office, T ("2026-09-20T15:00:00+08:00")));
  /* Wed 09-30 17:00 + 2 h: 1 h on 09-30, 国庆 10-01…07, Thu 10-08 09:00 + 1 h → 10:00. */
  g_assert_cmpint (dw_calendar_add_business_seconds (office, T ("2026-09-30T17:00:00+08:00"),
                                                     2 * HOUR),
                   ==, T ("2026-10-08T10:00:00+08:00"));
  /* Fri 10-09 17:00 → Mon 10-12 10:00: 1 h + a whole 7.5 h Saturday + 1 h. */
  g_assert_cmpint (dw_calendar_business_seconds_between (office, T ("2026-10-09T17:00:00+08:00"),
                                                         T ("2026-10-12T10:00:00+08:00")),
                   ==, 2 * HOUR + OFFICE_DAY);
  /* The week 09-28 (Mon) … 10-04: Mon, Tue, Wed open, the rest holiday or weekend: 3 days. */
  g_assert_cmpint (dw_calendar_business_seconds_between (office, T ("2026-09-28T00:00:00+08:00"),
                                                         T ("2026-10-05T00:00:00+08:00")),
                   ==, 3 * OFFICE_DAY);
  /* Spring Festival 02-15 … 02-23; 02-14 (Sat) works. */
  g_assert_false (dw_calendar_is_open (office, T ("2026-02-17T10:00:00+08:00")));
  g_assert_true (dw_calendar_is_open (office, T ("2026-02-14T10:00:00+08:00")));
  g_assert_cmpint (dw_calendar_next_transition (office, T ("2026-02-16T10:00:00+08:00")),
                   ==, T ("2026-02-24T09:00:00+08:00"));
  /* Qingming Monday, Dragon Boat Friday, Mid-Autumn Friday, 2027 New Year's Day. */
  g_assert_false (dw_calendar_is_open (office, T ("2026-04-06T10:00:00+08:00")));
  g_assert_false (dw_calendar_is_open (office, T ("2026-06-19T10:00:00+08:00")));
  g_assert_false (dw_calendar_is_open (office, T ("2026-09-25T10:00:00+08:00")));
  g_assert_false (dw_calendar_is_open (office, T ("2027-01-01T10:00:00+08:00")));

  /* E-commerce pattern: 09:00–22:00 every day, holidays closed. */
  g_assert_true (dw_calendar_is_open (shop, T ("2026-11-28T21:59:59+08:00")));   /* Saturday */
  g_assert_false (dw_calendar_is_open (shop, T ("2026-11-28T22:00:00+08:00")));
  g_assert_true (dw_calendar_is_open (shop, T ("2026-11-29T09:00:00+08:00")));   /* Sunday */
  g_assert_false (dw_calendar_is_open (shop, T ("2026-10-03T12:00:00+08:00")));
  /* Sat 21:00 → Sun 10:00: 1 h + 1 h. */
  g_assert_cmpint (dw_calendar_business_seconds_between (shop, T ("2026-11-28T21:00:00+08:00"),
                                                         T ("2026-11-29T10:00:00+08:00")),
                   ==, 2 * HOUR);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/calendar/unknown-zone", test_unknown_zone);
  g_test_add_func ("/calendar/between", test_between_basic);
  g_test_add_func ("/calendar/add", test_add_basic);
  g_test_add_func ("/calendar/open-and-transitions", test_is_open_and_transitions);
  g_test_add_func ("/calendar/across-midnight", test_across_midnight);
  g_test_add_func ("/calendar/merging", test_merging);
  g_test_add_func ("/calendar/never-open", test_never_open);
  g_test_add_func ("/calendar/holidays-and-workdays", test_holidays_and_workdays);
  g_test_add_func ("/calendar/workday-as", test_workday_as);
  g_test_add_func ("/calendar/dst-berlin", test_dst_berlin);
  g_test_add_func ("/calendar/inverse", test_inverse);
  g_test_add_func ("/calendar/json/round-trip", test_json_round_trip);
  g_test_add_func ("/calendar/json/errors", test_json_errors);
  g_test_add_func ("/calendar/ics/text", test_ics_text);
  g_test_add_func ("/calendar/ics/errors", test_ics_errors);
  g_test_add_func ("/calendar/ics/shipped-file", test_ics_shipped_file);
  g_test_add_func ("/calendar/china-mainland", test_china_mainland);

  return g_test_run ();
}
