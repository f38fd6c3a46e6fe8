/* bench-schedule.c: the Schedule section at desk scale, on real windows under Xvfb
 * (tests/run-ui-test.sh).
 *
 * A team of 500 agents with 8 weeks of history (bench_populate_staffing) served by the real
 * deskwatchd; its lead's console shows the Schedule section.  Timed, each from the request for
 * a view to the first frame painted after it arrived and was laid out:
 *   - the week roster of 500 agents (going back and forth between this week and the next);
 *   - today's staffing chart, reloaded with what-if overrides.
 * It prints figures and fails only when something does not arrive at all.
 * BENCH_STAFFING_AGENTS (500), BENCH_STAFFING_DAYS (56), BENCH_STAFFING_PER_DAY (3000),
 * BENCH_SCHEDULE_REPEATS (6).
 */
#include "config.h"

#include <locale.h>

#include <adwaita.h>

#include "bench-util.h"
#include "dw-clock.h"
#include "dw-roster-rules.h"
#include "dw-session.h"
#include "dw-test-wait.h"
#include "schedule/dw-roster-view.h"
#include "schedule/dw-schedule-page.h"
#include "schedule/dw-staffing-day.h"

static guint paints;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       data)
{
  paints++;
}

/* Spins until @loads moves past @before, then until one more frame is painted. */
static gint64
until_shown (guint      (*loads) (gpointer),
             gpointer     view,
             guint        before,
             gint64       started)
{
  guint painted;

  WAIT_UNTIL (loads (view) > before);
  painted = paints;
  WAIT_UNTIL (paints > painted);
  return g_get_monotonic_time () - started;
}

static guint
roster_loads (gpointer view)
{
  return dw_roster_view_get_n_loads (view);
}

static guint
day_loads (gpointer view)
{
  return dw_staffing_day_get_n_loads (view);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTestServer) server = NULL;
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr(DwClient) client = NULL;
  g_autoptr(DwSession) session = NULL;
  g_autoptr(DwTestResponse) lead = NULL;
  g_autoptr(BenchSamples) roster_samples = bench_samples_new ();
  g_autoptr(BenchSamples) day_samples = bench_samples_new ();
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *token = NULL;
  g_autofree char *this_week = NULL;
  g_autofree char *next_week = NULL;
  guint agents = bench_env_uint ("BENCH_STAFFING_AGENTS", 500);
  guint days = bench_env_uint ("BENCH_STAFFING_DAYS", 56);
  guint per_day = bench_env_uint ("BENCH_STAFFING_PER_DAY", 3000);
  guint repeats = bench_env_uint ("BENCH_SCHEDULE_REPEATS", 6);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 today = dw_roster_day_start (tz, now);
  gint64 started, first;
  GtkWindow *window;
  DwSchedulePage *page;
  DwRosterView *roster;
  DwStaffingDay *day;

  gtk_test_init (&argc, &argv, NULL);
  /* after gtk_test_init, which turns debug output on */
  bench_init (FALSE);
  adw_init ();

  dir = g_dir_make_tmp ("deskwatch-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "deskwatch.db", NULL);
  g_print ("# Schedule section: one team of %u agents, %u days of history\n", agents, days);
  bench_populate_staffing (path, agents, days, per_day, today);
  server = bench_server_new (path);

  lead = dw_test_server_json (server, "POST", "/api/v1/users", server->admin_token,
                              "{\"username\": \"lead\", \"display_name\": \"Lead\", \"role\": "
                              "\"lead\", \"password\": \"" DW_TEST_PASSWORD "\", \"teams\": "
                              "[{\"id\": 1, \"is_lead\": true}]}");
  dw_test_assert_status (lead, 201);
  token = dw_test_server_sign_in (server, "lead", DW_TEST_PASSWORD);

  client = dw_client_new (server->url);
  dw_client_set_token (client, token);
  session = dw_session_new (client, NULL, FALSE);
  dw_session_start (session);
  WAIT_UNTIL (dw_sync_get_state (dw_session_get_sync (session)) == DW_SYNC_STATE_CONNECTED);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1240, 760);
  page = DW_SCHEDULE_PAGE (dw_schedule_page_new ());
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint_cb), NULL);

  roster = DW_ROSTER_VIEW (dw_schedule_page_get_roster (page));
  started = g_get_monotonic_time ();
  dw_schedule_page_set_context (page, dw_session_get_sync (session),
                                dw_session_get_clock (session));
  first = until_shown (roster_loads, roster, 0, started);
  g_print ("%-54s %8.1f ms\n", "week roster of 500 agents, first shown", first / 1000.0);

  this_week = g_strdup (dw_roster_view_get_week (roster));
  next_week = dw_roster_format_date (tz, dw_roster_week_start (tz, today) + 7 * 86400 + 43200);
  for (guint r = 0; r < repeats; r++)
    {
      guint before = dw_roster_view_get_n_loads (roster);

      started = g_get_monotonic_time ();
      dw_roster_view_set_week (roster, r % 2 == 0 ? next_week : this_week);
      bench_samples_add (roster_samples, until_shown (roster_loads, roster, before, started));
    }
  bench_samples_print (roster_samples, "week roster of 500 agents, another week shown");

  dw_schedule_page_show_view (page, "today");
  day = DW_STAFFING_DAY (dw_schedule_page_get_today (page));
  WAIT_UNTIL (dw_staffing_day_get_n_loads (day) > 0);
  for (guint r = 0; r < repeats; r++)
    {
      guint before = dw_staffing_day_get_n_loads (day);

      started = g_get_monotonic_time ();
      dw_staffing_day_set_what_if (day, 0, 0, r % 2 == 0 ? 10 : 0);
      bench_samples_add (day_samples, until_shown (day_loads, day, before, started));
    }
  bench_samples_print (day_samples, "today's chart, what-if reloaded and drawn");

  gtk_window_destroy (window);
  dw_session_stop (session);
  return 0;
}
