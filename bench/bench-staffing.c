/* bench-staffing.c: the staffing figures of a 500-agent team with 8 weeks of history.
 *
 * Fills a database by direct SQLite: one team of 500 agents (Asia/Shanghai, open 09:00–22:00
 * every day), 3,000 tickets a day over 56 days with a morning and an evening peak, two public
 * messages on each (for the handle time), a published roster (早班/中班/晚班 with a half-hour
 * break, five days a week) for those weeks and the next, and the presence timeline of every
 * shift.  Then times the API one request at a time: the staffing day, adherence, the roster
 * week and the .ics export.
 *
 * BENCH_STAFFING_AGENTS (500), BENCH_STAFFING_DAYS (56), BENCH_STAFFING_PER_DAY (3000),
 * BENCH_STAFFING_REQUESTS (20).
 */
#include "config.h"

#include <locale.h>

#include "bench-util.h"
#include "dw-clock.h"
#include "dw-roster-rules.h"

#define DAY 86400

static void
time_get (DwTestServer *server,
          const char   *label,
          const char   *path,
          guint         requests)
{
  g_autoptr(BenchSamples) samples = bench_samples_new ();
  gsize bytes = 0;

  for (guint r = 0; r < requests; r++)
    {
      g_autoptr(DwTestResponse) response = NULL;
      gint64 started = g_get_monotonic_time ();

      response = dw_test_server_request (server, "GET", path, server->admin_token, NULL, NULL, 0);
      bench_samples_add (samples, g_get_monotonic_time () - started);
      dw_test_assert_status (response, 200);
      bytes = g_bytes_get_size (response->body);
    }

  {
    g_autofree char *full = g_strdup_printf ("%s (%zu bytes)", label, bytes);

    bench_samples_print (samples, full);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTestServer) server = NULL;
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *date = NULL;
  g_autofree char *week = NULL;
  g_autofree char *day_path = NULL;
  g_autofree char *adherence_path = NULL;
  g_autofree char *roster_path = NULL;
  g_autofree char *ics_path = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  guint agents = bench_env_uint ("BENCH_STAFFING_AGENTS", 500);
  guint days = bench_env_uint ("BENCH_STAFFING_DAYS", 56);
  guint per_day = bench_env_uint ("BENCH_STAFFING_PER_DAY", 3000);
  guint requests = bench_env_uint ("BENCH_STAFFING_REQUESTS", 20);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 today = dw_roster_day_start (tz, now);

  bench_init (TRUE);

  dir = g_dir_make_tmp ("deskwatch-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "deskwatch.db", NULL);

  g_print ("# Staffing of one team of %u agents, %u days of history, %u tickets a day; "
           "%u requests each, one at a time\n", agents, days, per_day, requests);
  bench_populate_staffing (path, agents, days, per_day, today);
  server = bench_server_new (path);

  date = dw_roster_format_date (tz, today);
  week = dw_roster_format_date (tz, dw_roster_week_start (tz, today));
  from = dw_time_to_iso8601 (dw_roster_week_start (tz, today));
  to = dw_time_to_iso8601 (dw_roster_week_start (tz, today) + 7 * DAY);
  day_path = g_strdup_printf ("/api/v1/staffing/day?team_id=1&date=%s", date);
  adherence_path = g_strdup_printf ("/api/v1/staffing/adherence?team_id=1&date=%s", date);
  roster_path = g_strdup_printf ("/api/v1/teams/1/roster?week=%s", week);
  ics_path = g_strdup_printf ("/api/v1/shifts.ics?team_id=1&from=%s&to=%s", from, to);

  time_get (server, "staffing day (48 intervals)", day_path, requests);
  time_get (server, "adherence (every agent)", adherence_path, requests);
  time_get (server, "roster week (every shift with its rules)", roster_path, MAX (requests / 4, 1));
  time_get (server, "week as .ics", ics_path, MAX (requests / 4, 1));
  return 0;
}
