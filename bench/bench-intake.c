/* bench-intake.c: tickets created per second through the API, against the raw SQLite insert
 * rate at the same durability on the same machine.
 *
 * API: POST /api/v1/tickets against the real deskwatchd (each a transaction with routing, audit
 * rows, SLA and stream events, acknowledged after COMMIT), with 1, 8 and 32 clients in parallel.
 * Raw: the same ticket row inserted into the same schema (dw_store_open: WAL,
 * synchronous=FULL), one transaction per insert, from one connection.
 *
 * BENCH_TICKETS sets the number of tickets per run (default 2000), BENCH_CLIENTS the numbers of
 * parallel clients (default "1,8,32").
 */
#include "config.h"

#include <locale.h>

#include <glib/gstdio.h>

#include "bench-util.h"
#include "dw-store.h"

static gint64 team_id;

static char *
ticket_body (guint i)
{
  return g_strdup_printf ("{\"subject\":\"快递三天没更新 #%u\",\"body\":\"订单PDD20261121-%06u，"
                          "物流信息三天没更新了，麻烦帮查一下。\",\"channel\":\"wechat\","
                          "\"priority\":\"normal\",\"order_number\":\"PDD20261121-%06u\","
                          "\"team_id\":%" G_GINT64_FORMAT "}", i, i, i, team_id);
}

static double
raw_insert_rate (guint n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("deskwatch-bench-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "raw.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  sqlite3 *db;
  gint64 started;
  double seconds;

  g_assert_no_error (error);
  db = dw_store_open (path, &error);
  g_assert_no_error (error);

  stmt = dw_store_prepare (db,
    "INSERT INTO tickets (subject, body, channel, business_type, priority, status, team_id, "
    "order_number, tags, created_at, updated_at) "
    "VALUES (?, ?, 'wechat', 'logistics', 'normal', 'new', NULL, ?, '[]', ?, ?)", &error);
  g_assert_no_error (error);

  started = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *subject = g_strdup_printf ("快递三天没更新 #%u", i);
      g_autofree char *body = g_strdup_printf ("订单PDD20261121-%06u，物流信息三天没更新了，麻烦帮查一下。", i);
      g_autofree char *order = g_strdup_printf ("PDD20261121-%06u", i);

      g_assert_true (dw_store_begin (db, &error));
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, subject, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, body, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, order, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
      sqlite3_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
      g_assert_true (dw_store_step_done (stmt, &error));
      g_assert_true (dw_store_commit (db, &error));
    }
  seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;

  g_clear_pointer (&stmt, sqlite3_finalize);
  dw_store_close (db);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
  g_rmdir (dir);
  return n / seconds;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DwTestServer) server = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(DwTestResponse) team = NULL;
  guint n = bench_env_uint ("BENCH_TICKETS", 2000);
  g_auto(GStrv) levels = g_strsplit (g_getenv ("BENCH_CLIENTS") != NULL ? g_getenv ("BENCH_CLIENTS")
                                                                      : "1,8,32", ",", -1);
  double raw, best = 0;

  bench_init (TRUE);

  g_print ("# Intake: tickets per second, %u tickets per run\n", n);

  raw = raw_insert_rate (n);
  g_print ("%-44s %10.0f tickets/s\n", "raw SQLite (WAL, synchronous=FULL, 1 tx/insert)", raw);

  server = bench_server_new (NULL);
  team = dw_test_server_json (server, "POST", "/api/v1/teams", server->admin_token,
                              "{\"name\":\"物流\",\"description\":\"Logistics\"}");
  dw_test_assert_status (team, 201);
  team_id = json_object_get_int_member (dw_test_response_object (team), "id");
  session = bench_session_new (64);

  for (guint l = 0; levels[l] != NULL; l++)
    {
      g_autoptr(BenchSamples) samples = bench_samples_new ();
      g_autofree char *label = NULL;
      guint clients = (guint) g_ascii_strtoull (levels[l], NULL, 10);
      double seconds, rate;

      if (clients == 0)
        continue;

      seconds = bench_post_concurrently (session, server->url, "/api/v1/tickets",
                                         server->admin_token, n, clients, ticket_body, 201,
                                         samples);
      rate = n / seconds;
      best = MAX (best, rate);
      label = g_strdup_printf ("API POST /tickets, %u client%s", clients, clients > 1 ? "s" : "");
      g_print ("%-44s %10.0f tickets/s   (%.1f%% of raw)\n", label, rate, 100.0 * rate / raw);
      g_free (label);
      label = g_strdup_printf ("  latency, %u client%s", clients, clients > 1 ? "s" : "");
      bench_samples_print (samples, label);
    }

  g_print ("%-44s %10.2f (best API rate / raw rate)\n", "ratio", best / raw);
  return 0;
}
