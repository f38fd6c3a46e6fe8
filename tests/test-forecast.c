/* Unit tests of dw-forecast (days picked, weights, holidays) and dw-adherence (a fixed presence
 * timeline against a shift with a break). */
#include "config.h"

#include "dw-adherence.h"
#include "dw-forecast.h"

#define MINUTE 60
#define HOUR 3600

static GTimeZone *shanghai;

static gint64
cst (int month,
     int day,
     int hour,
     int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new (shanghai, 2026, month, day, hour, minute, 0);

  return g_date_time_to_unix (dt);
}

/* Monday 30 November: the Mondays before it, most recent first, each weighing 0.7 of the next. */
static void
test_same_weekday (void)
{
  g_autoptr(DwCalendar) calendar = dw_calendar_new_china_mainland (TRUE);
  g_autoptr(GArray) days = dw_forecast_pick_days (calendar, cst (11, 30, 0, 0), 4, 0);
  double total = 1 + 0.7 + 0.49 + 0.343;

  g_assert_cmpuint (days->len, ==, 4);
  g_assert_cmpint (g_array_index (days, DwForecastDay, 0).midnight, ==, cst (11, 23, 0, 0));
  g_assert_cmpint (g_array_index (days, DwForecastDay, 3).midnight, ==, cst (11, 2, 0, 0));
  g_assert_cmpfloat_with_epsilon (g_array_index (days, DwForecastDay, 0).weight, 1 / total, 1e-12);
  g_assert_cmpfloat_with_epsilon (g_array_index (days, DwForecastDay, 1).weight, 0.7 / total, 1e-12);

  /* not before the desk's first day */
  g_clear_pointer (&days, g_array_unref);
  days = dw_forecast_pick_days (calendar, cst (11, 30, 0, 0), 4, cst (11, 10, 0, 0));
  g_assert_cmpuint (days->len, ==, 2);
  g_assert_cmpfloat_with_epsilon (g_array_index (days, DwForecastDay, 0).weight, 1 / 1.7, 1e-12);
}

/* Thursday 8 October 2026 follows the National Day holiday: the Thursday before it (1 October)
 * was a holiday and is skipped.  A holiday (Monday 5 October) is forecast from holidays. */
static void
test_holidays (void)
{
  g_autoptr(DwCalendar) calendar = dw_calendar_new_china_mainland (TRUE);
  g_autoptr(GArray) thursday = dw_forecast_pick_days (calendar, cst (10, 8, 0, 0), 3, 0);
  g_autoptr(GArray) holiday = dw_forecast_pick_days (calendar, cst (10, 5, 0, 0), 3, 0);

  g_assert_cmpuint (thursday->len, ==, 3);
  g_assert_cmpint (g_array_index (thursday, DwForecastDay, 0).midnight, ==, cst (9, 24, 0, 0));
  g_assert_cmpint (g_array_index (thursday, DwForecastDay, 1).midnight, ==, cst (9, 17, 0, 0));

  g_assert_cmpuint (holiday->len, ==, 3);
  g_assert_cmpint (g_array_index (holiday, DwForecastDay, 0).midnight, ==, cst (10, 4, 0, 0));
  g_assert_cmpint (g_array_index (holiday, DwForecastDay, 1).midnight, ==, cst (10, 3, 0, 0));
}

static void
test_combine (void)
{
  DwForecastDay days[] = { { 0, 0.5 }, { 0, 0.3 }, { 0, 0.2 } };
  double arrivals[] = {
    10, 20,   /* most recent */
    20, 0,
    0, 50,
  };
  double out[2];

  dw_forecast_combine (days, 3, arrivals, 2, out);
  g_assert_cmpfloat_with_epsilon (out[0], 11, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[1], 20, 1e-12);
}

/* 早班 08–16 with a break 12–13; the agent comes online 08:20, goes away 10:00–10:30, back,
 * offline 15:30, and online again 18:00–19:00 after its shift. */
static void
test_adherence (void)
{
  gint64 breaks[] = { cst (12, 1, 12, 0), cst (12, 1, 13, 0) };
  DwAdherenceShift shift = { cst (12, 1, 8, 0), cst (12, 1, 16, 0), breaks, 1 };
  DwPresenceMark marks[] = {
    { cst (12, 1, 8, 20), DW_PRESENCE_ONLINE },
    { cst (12, 1, 10, 0), DW_PRESENCE_AWAY },
    { cst (12, 1, 10, 30), DW_PRESENCE_ONLINE },
    { cst (12, 1, 12, 0), DW_PRESENCE_AWAY },     /* its break: not an exception */
    { cst (12, 1, 13, 0), DW_PRESENCE_ONLINE },
    { cst (12, 1, 15, 30), DW_PRESENCE_OFFLINE },
    { cst (12, 1, 18, 0), DW_PRESENCE_ONLINE },
    { cst (12, 1, 19, 0), DW_PRESENCE_OFFLINE },
  };
  DwAdherence a;
  const DwAdherenceException *e;

  dw_adherence_compute (&shift, 1, DW_PRESENCE_OFFLINE, marks, G_N_ELEMENTS (marks),
                        cst (12, 1, 0, 0), cst (12, 2, 0, 0), 5 * MINUTE, 15 * MINUTE, &a);
  g_assert_cmpint (a.scheduled, ==, 7 * HOUR);
  /* 7 h less 20 min late, 30 min away, 30 min early */
  g_assert_cmpint (a.adherent, ==, 7 * HOUR - 80 * MINUTE);
  g_assert_cmpuint (a.exceptions->len, ==, 4);
  e = &g_array_index (a.exceptions, DwAdherenceException, 0);
  g_assert_cmpint (e->kind, ==, DW_ADHERENCE_LATE_START);
  g_assert_cmpint (e->from, ==, cst (12, 1, 8, 0));
  g_assert_cmpint (e->to, ==, cst (12, 1, 8, 20));
  e = &g_array_index (a.exceptions, DwAdherenceException, 1);
  g_assert_cmpint (e->kind, ==, DW_ADHERENCE_AWAY);
  g_assert_cmpint (e->to - e->from, ==, 30 * MINUTE);
  e = &g_array_index (a.exceptions, DwAdherenceException, 2);
  g_assert_cmpint (e->kind, ==, DW_ADHERENCE_EARLY_LEAVE);
  g_assert_cmpint (e->from, ==, cst (12, 1, 15, 30));
  g_assert_cmpint (e->to, ==, cst (12, 1, 16, 0));
  e = &g_array_index (a.exceptions, DwAdherenceException, 3);
  g_assert_cmpint (e->kind, ==, DW_ADHERENCE_OFF_SHIFT);
  g_assert_cmpstr (dw_adherence_kind_to_string (e->kind), ==, "off-shift");
  g_assert_cmpint (e->from, ==, cst (12, 1, 18, 0));
  g_assert_cmpint (e->to, ==, cst (12, 1, 19, 0));
  dw_adherence_clear (&a);

  /* judged at 11:00: only what has happened, and no early leave yet */
  dw_adherence_compute (&shift, 1, DW_PRESENCE_OFFLINE, marks, G_N_ELEMENTS (marks),
                        cst (12, 1, 0, 0), cst (12, 1, 11, 0), 5 * MINUTE, 15 * MINUTE, &a);
  g_assert_cmpint (a.scheduled, ==, 3 * HOUR);
  g_assert_cmpint (a.adherent, ==, 3 * HOUR - 50 * MINUTE);
  g_assert_cmpuint (a.exceptions->len, ==, 2);
  dw_adherence_clear (&a);

  /* a 3-minute lapse is under the grace */
  {
    DwPresenceMark blip[] = {
      { cst (12, 1, 7, 58), DW_PRESENCE_ONLINE },
      { cst (12, 1, 9, 0), DW_PRESENCE_AWAY },
      { cst (12, 1, 9, 3), DW_PRESENCE_ONLINE },
    };

    dw_adherence_compute (&shift, 1, DW_PRESENCE_OFFLINE, blip, 3, cst (12, 1, 0, 0),
                          cst (12, 1, 16, 0), 5 * MINUTE, 15 * MINUTE, &a);
    g_assert_cmpuint (a.exceptions->len, ==, 0);
    g_assert_cmpint (a.adherent, ==, 7 * HOUR - 3 * MINUTE);
    dw_adherence_clear (&a);
  }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  shanghai = g_time_zone_new_identifier ("Asia/Shanghai");

  g_test_add_func ("/forecast/same-weekday", test_same_weekday);
  g_test_add_func ("/forecast/holidays", test_holidays);
  g_test_add_func ("/forecast/combine", test_combine);
  g_test_add_func ("/adherence/timeline", test_adherence);

  ret = g_test_run ();
  g_time_zone_unref (shanghai);
  return ret;
}
