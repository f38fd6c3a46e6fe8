/* bench-agents.c: per-agent figures of a 200-agent team over 30 days with 1M audit rows.
 *
 * Fills a database by direct SQLite with what the service itself writes for a ticket's life:
 * created, routed, assigned (audit), the agent's public replies (comments) and first response,
 * open, the SLA outcomes and solved (audit) — about eight audit rows a ticket, 125,000 tickets
 * over 30 days.  Then times GET /api/v1/agents/metrics: the first request, which reads the whole
 * trail into agent facts once, and the requests after it, which read only what is new (nothing
 * here, and then 1,000 more tickets' rows).
 *
 * BENCH_AGENTS (200), BENCH_AGENTS_TICKETS (125000), BENCH_AGENTS_REQUESTS (20).
 */
#include "config.h"

#include <locale.h>

#include "bench-util.h"
#include "dw-clock.h"
#include "dw-store.h"

#define DAY 86400

static void
audit (sqlite3_stmt *stmt,
       gint64        at,
       gint64        actor,
       gint64        ticket,
       const char   *action,
       const char   *field,
       const char   *before,
       const char   *after)
{
  g_autoptr(GError) error = NULL;

  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, at);
  if (actor > 0)
    sqlite3_bind_int64 (stmt, 2, actor);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_int64 (stmt, 3, ticket);
  sqlite3_bind_text (stmt, 4, action, -1, SQLITE_STATIC);
  dw_store_bind_text_or_null (stmt, 5, field);
  dw_store_bind_text_or_null (stmt, 6, before);
  dw_store_bind_text_or_null (stmt, 7, after);
  g_assert_true (dw_store_step_done (stmt, &error));
}

static guint
populate (sqlite3 *db,
          guint    agents,
          guint    first,
          guint    n,
          gint64   now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (5 + first);
  g_autoptr(sqlite3_stmt) ticket = dw_store_prepare (db,
    "INSERT INTO tickets (subject, channel, business_type, status, team_id, assignee_id, "
    "created_at, updated_at, first_response_at, solved_at) "
    "VALUES ('到哪了', 'wechat', 'logistics', 'solved', 1, ?, ?, ?, ?, ?)", &error);
  g_autoptr(sqlite3_stmt) comment = dw_store_prepare (db,
    "INSERT INTO comments (ticket_id, author_kind, author_id, public, body, created_at) "
    "VALUES (?, 'agent', ?, 1, '…', ?)", &error);
  g_autoptr(sqlite3_stmt) row = dw_store_prepare (db,
    "INSERT INTO audit (at, actor_id, entity, entity_id, action, field, before, after) "
    "VALUES (?, ?, 'ticket', ?, ?, ?, ?, ?)", &error);
  guint rows = 0;

  g_assert_no_error (error);
  for (guint i = first; i < first + n; i++)
    {
      gint64 created = now - 30 * DAY + (gint64) i * (30 * DAY) / (first + n + 1);
      gint64 agent = 101 + g_rand_int_range (rand, 0, agents);
      gint64 reply = created + g_rand_int_range (rand, 30, 3600);
      gint64 solved = reply + g_rand_int_range (rand, 60, 7200);
      g_autofree char *agent_text = g_strdup_printf ("%" G_GINT64_FORMAT, agent);
      g_autofree char *reply_text = dw_time_to_iso8601 (reply);
      g_autofree char *reply_json = g_strdup_printf ("\"%s\"", reply_text);
      gint64 id;

      sqlite3_reset (ticket);
      sqlite3_bind_int64 (ticket, 1, agent);
      sqlite3_bind_int64 (ticket, 2, created);
      sqlite3_bind_int64 (ticket, 3, solved);
      sqlite3_bind_int64 (ticket, 4, reply);
      sqlite3_bind_int64 (ticket, 5, solved);
      g_assert_true (dw_store_step_done (ticket, &error));
      id = sqlite3_last_insert_rowid (db);

      for (int c = 0; c < 2; c++)
        {
          sqlite3_reset (comment);
          sqlite3_bind_int64 (comment, 1, id);
          sqlite3_bind_int64 (comment, 2, agent);
          sqlite3_bind_int64 (comment, 3, c == 0 ? reply : solved - 30);
          g_assert_true (dw_store_step_done (comment, &error));
        }

      audit (row, created, 0, id, "created", NULL, NULL, NULL);
      audit (row, created, 0, id, "routed", "team_id", NULL, "1");
      audit (row, created, 0, id, "assigned", "assignee_id", "null", agent_text);
      audit (row, reply, agent, id, "updated", "first_response_at", "null", reply_json);
      audit (row, reply, agent, id, "updated", "status", "\"new\"", "\"open\"");
      audit (row, reply, 0, id, "sla", "first-response", "\"ok\"",
             g_rand_int_range (rand, 0, 10) == 0 ? "\"breached\"" : "\"met\"");
      audit (row, solved, agent, id, "updated", "status", "\"open\"", "\"solved\"");
      audit (row, solved, 0, id, "sla", "resolution", "\"ok\"", "\"met\"");
      rows += 8;
    }
  return rows;
}

static void
time_get (DwTestServer *server,
          const char   *label,
          const char   *path,
          guint         requests)
{
  g_autoptr(BenchSamples) samples = bench_samples_new ();

  for (guint r = 0; r < requests; r++)
    {
      g_autoptr(DwTestResponse) response = NULL;
      gint64 started = g_get_monotonic_time ();

      response = dw_test_server_request (server, "GET", path, server->admin_token, NULL, NULL, 0);
      bench_samples_add (samples, g_get_monotonic_time () - started);
      dw_test_assert_status (response, 200);
    }
  bench_samples_print (samples, label);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTestServer) server = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  guint agents = bench_env_uint ("BENCH_AGENTS", 200);
  guint tickets = bench_env_uint ("BENCH_AGENTS_TICKETS", 125000);
  guint requests = bench_env_uint ("BENCH_AGENTS_REQUESTS", 20);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 started;
  guint rows;
  sqlite3 *db;

  bench_init (TRUE);

  dir = g_dir_make_tmp ("deskwatch-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "deskwatch.db", NULL);

  started = g_get_monotonic_time ();
  db = dw_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (dw_store_begin (db, &error));
  g_assert_true (dw_store_exec (db, "INSERT INTO teams (id, name, calendar_id, created_at) "
                                    "VALUES (1, '物流', (SELECT min (id) FROM calendars), 0)", &error));
  for (guint u = 1; u <= agents; u++)
    {
      g_autofree char *sql = g_strdup_printf (
        "INSERT INTO users (id, username, display_name, role, capacity, presence, presence_since, "
        "created_at) VALUES (%u, 'agent%u', '坐席%u', 'agent', 6, 'online', 0, 0);"
        "INSERT INTO team_members (team_id, user_id) VALUES (1, %u)", u + 100, u, u, u + 100);

      g_assert_true (dw_store_exec (db, sql, &error));
    }
  rows = populate (db, agents, 0, tickets, now);
  g_assert_true (dw_store_commit (db, &error));
  dw_store_close (db);
  g_print ("# %u agents, %u tickets over 30 days, %u audit rows, filled in %.1f s\n", agents,
           tickets, rows, (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);

  server = bench_server_new (path);
  time_get (server, "agents/metrics 30d, first request (reads the whole trail once)",
            "/api/v1/agents/metrics?team_id=1&period=30d", 1);
  time_get (server, "agents/metrics 30d, nothing new", "/api/v1/agents/metrics?team_id=1&period=30d",
            requests);
  time_get (server, "agents/metrics today", "/api/v1/agents/metrics?team_id=1", requests);

  /* 1,000 more tickets' rows, written while the service runs (as another writer would) */
  db = dw_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (dw_store_begin (db, &error));
  rows = populate (db, agents, tickets, 1000, now);
  g_assert_true (dw_store_commit (db, &error));
  dw_store_close (db);
  time_get (server, "agents/metrics 30d, after 8,000 new audit rows",
            "/api/v1/agents/metrics?team_id=1&period=30d", 1);
  time_get (server, "agents/status (200 agents)", "/api/v1/agents/status?team_id=1", requests);
  return 0;
}
