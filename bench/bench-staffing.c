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
#include "dw-store.h"

#define DAY 86400

static void
exec (sqlite3    *db,
      const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_store_exec (db, sql, &error));
}

static void
populate (const char *path,
          guint       agents,
          guint       days,
          guint       per_day,
          gint64      today)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(sqlite3_stmt) ticket = NULL;
  g_autoptr(sqlite3_stmt) comment = NULL;
  g_autoptr(sqlite3_stmt) shift = NULL;
  g_autoptr(sqlite3_stmt) presence = NULL;
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  sqlite3 *db = dw_store_open (path, &error);
  gint64 started = g_get_monotonic_time ();
  gint64 first_week = dw_roster_week_start (tz, today - (gint64) days * DAY);
  gint64 tickets = 0;

  g_assert_no_error (error);
  g_assert_true (dw_store_begin (db, &error));
  exec (db, "UPDATE calendars SET week = '[[[540,1320]],[[540,1320]],[[540,1320]],[[540,1320]],"
            "[[540,1320]],[[540,1320]],[[540,1320]]]'");
  exec (db, "INSERT INTO teams (id, name, calendar_id, created_at) "
            "VALUES (1, '物流', (SELECT min (id) FROM calendars), 0)");
  exec (db, "INSERT INTO business_types (key, name, team_id, skill) VALUES ('logistics', '物流', 1, NULL)");
  for (guint u = 1; u <= agents; u++)
    {
      g_autofree char *sql = g_strdup_printf (
        "INSERT INTO users (id, username, display_name, role, capacity, presence, presence_since, "
        "created_at) VALUES (%u, 'agent%u', '坐席%u', 'agent', 6, 'online', 0, 0);"
        "INSERT INTO team_members (team_id, user_id) VALUES (1, %u)", u + 100, u, u, u + 100);

      exec (db, sql);
    }

  ticket = dw_store_prepare (db, "INSERT INTO tickets (subject, channel, business_type, status, "
                                 "team_id, created_at, updated_at, solved_at) "
                                 "VALUES ('到哪了', ?, 'logistics', ?, 1, ?, ?, ?)", &error);
  comment = dw_store_prepare (db, "INSERT INTO comments (ticket_id, author_kind, public, body, "
                                  "created_at) VALUES (?, ?, 1, '…', ?)", &error);
  g_assert_no_error (error);
  for (guint d = days; d > 0; d--)
    {
      gint64 midnight = today - (gint64) d * DAY;

      for (guint i = 0; i < per_day; i++)
        {
          /* arrivals peak at 10:00 and 20:00 */
          double hour = g_rand_boolean (rand) ? 10 + 2.5 * g_rand_double (rand) - 1.25
                                              : 20 + 2.5 * g_rand_double (rand) - 1.25;
          gint64 created = midnight + (gint64) (CLAMP (hour + g_rand_double_range (rand, -4, 4), 0, 23.9) * 3600);
          gint64 id;

          sqlite3_reset (ticket);
          sqlite3_bind_text (ticket, 1, g_rand_int_range (rand, 0, 3) == 0 ? "web" : "wechat", -1,
                             SQLITE_STATIC);
          sqlite3_bind_text (ticket, 2, "closed", -1, SQLITE_STATIC);
          sqlite3_bind_int64 (ticket, 3, created);
          sqlite3_bind_int64 (ticket, 4, created + 1800);
          sqlite3_bind_int64 (ticket, 5, created + 1800);
          g_assert_true (dw_store_step_done (ticket, &error));
          id = sqlite3_last_insert_rowid (db);
          tickets++;

          for (int c = 0; c < 2; c++)
            {
              sqlite3_reset (comment);
              sqlite3_bind_int64 (comment, 1, id);
              sqlite3_bind_text (comment, 2, c == 0 ? "customer" : "agent", -1, SQLITE_STATIC);
              sqlite3_bind_int64 (comment, 3, created + 60 + c * g_rand_int_range (rand, 120, 900));
              g_assert_true (dw_store_step_done (comment, &error));
            }
        }
    }

  shift = dw_store_prepare (db, "INSERT INTO shifts (user_id, team_id, starts_at, ends_at, breaks, "
                                "break_seconds) VALUES (?, 1, ?, ?, ?, 1800)", &error);
  presence = dw_store_prepare (db, "INSERT INTO presence_log (user_id, presence, at) VALUES (?, ?, ?)",
                               &error);
  g_assert_no_error (error);
  for (gint64 week = first_week; week <= today + 7 * DAY; week += 7 * DAY)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO roster_weeks (team_id, week_start, state, "
                                              "published_at) VALUES (1, %" G_GINT64_FORMAT
                                              ", 'published', %" G_GINT64_FORMAT ")", week, week);

      exec (db, sql);
      for (guint u = 1; u <= agents; u++)
        for (int wd = 0; wd < 7; wd++)
          {
            static const int starts[] = { 8, 12, 14 };
            gint64 start = week + wd * DAY + starts[(u + wd) % 3] * 3600;
            g_autofree char *breaks = g_strdup_printf ("[[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]]",
                                                       start + 4 * 3600, start + 4 * 3600 + 1800);

            if ((u + week / (7 * DAY)) % 7 == (guint) wd || (u + 1 + week / (7 * DAY)) % 7 == (guint) wd)
              continue;   /* two rest days */
            sqlite3_reset (shift);
            sqlite3_bind_int64 (shift, 1, u + 100);
            sqlite3_bind_int64 (shift, 2, start);
            sqlite3_bind_int64 (shift, 3, start + 8 * 3600);
            sqlite3_bind_text (shift, 4, breaks, -1, SQLITE_TRANSIENT);
            g_assert_true (dw_store_step_done (shift, &error));

            if (start + 8 * 3600 > today + DAY)
              continue;
            for (int p = 0; p < 4; p++)
              {
                static const char *marks[] = { "online", "away", "online", "offline" };
                static const int at[] = { 0, 4 * 3600, 4 * 3600 + 1800, 8 * 3600 };

                sqlite3_reset (presence);
                sqlite3_bind_int64 (presence, 1, u + 100);
                sqlite3_bind_text (presence, 2, marks[p], -1, SQLITE_STATIC);
                sqlite3_bind_int64 (presence, 3, start + at[p] + g_rand_int_range (rand, -600, 600));
                g_assert_true (dw_store_step_done (presence, &error));
              }
          }
    }

  g_assert_true (dw_store_commit (db, &error));
  g_clear_pointer (&ticket, sqlite3_finalize);
  g_clear_pointer (&comment, sqlite3_finalize);
  g_clear_pointer (&shift, sqlite3_finalize);
  g_clear_pointer (&presence, sqlite3_finalize);
  dw_store_close (db);
  g_print ("# populated: %u agents, %" G_GINT64_FORMAT " tickets over %u days, in %.1f s\n", agents,
           tickets, days, (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
}

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

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  dir = g_dir_make_tmp ("deskwatch-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "deskwatch.db", NULL);

  g_print ("# Staffing of one team of %u agents, %u days of history, %u tickets a day; "
           "%u requests each, one at a time\n", agents, days, per_day, requests);
  populate (path, agents, days, per_day, today);
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
