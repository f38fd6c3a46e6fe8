/* bench-list.c: list-query latency at 100k tickets.
 *
 * Fills a database with 100 000 tickets by direct SQLite (the service's own schema, made by
 * dw_store_open), starts the real deskwatchd on it and times GET /api/v1/tickets with the
 * filters the console uses, one request at a time.
 *
 * BENCH_LIST_TICKETS sets the number of tickets (default 100000), BENCH_LIST_REQUESTS the
 * requests per query (default 200).
 */
#include "config.h"

#include <locale.h>

#include "bench-util.h"
#include "dw-clock.h"
#include "dw-enums.h"
#include "dw-store.h"

#define N_TEAMS 4
#define N_AGENTS 40
#define N_CUSTOMERS 2000

static const char * const subjects[] = {
  "快递三天没更新", "收到的杯子破损了要求换货", "申请退款七天无理由", "这款有L码吗",
  "客服态度差要投诉", "什么时候发货", "退款什么时候到账", "能开增值税发票吗",
};
static const char * const types[] = { "logistics", "quality", "returns", "presales", "complaints",
                                      "logistics", "returns", "presales" };
static const char * const statuses[] = { "new", "open", "pending", "solved", "closed" };
static const double status_weights[] = { 0.02, 0.05, 0.03, 0.10, 0.80 };
static const char * const priorities[] = { "low", "normal", "high", "urgent" };
static const double priority_weights[] = { 0.10, 0.70, 0.17, 0.03 };

static guint
pick (GRand        *rand,
      const double *weights,
      guint         n)
{
  double x = g_rand_double (rand);

  for (guint i = 0; i < n; i++)
    {
      if (x < weights[i])
        return i;
      x -= weights[i];
    }
  return n - 1;
}

static void
populate (const char *path,
          guint       n,
          gint64      now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  sqlite3 *db = dw_store_open (path, &error);
  gint64 started = g_get_monotonic_time ();

  g_assert_no_error (error);
  g_assert_true (dw_store_begin (db, &error));

  for (int t = 1; t <= N_TEAMS; t++)
    {
      g_autofree char *sql = g_strdup_printf (
        "INSERT INTO teams (id, name, calendar_id, created_at) "
        "VALUES (%d, 'team %d', (SELECT min (id) FROM calendars), 0)", t, t);

      g_assert_true (dw_store_exec (db, sql, &error));
    }

  for (int u = 1; u <= N_AGENTS; u++)
    {
      g_autofree char *sql = g_strdup_printf (
        "INSERT INTO users (id, username, display_name, role, capacity, presence, presence_since, "
        "created_at) VALUES (%d, 'agent%d', '坐席%d', 'agent', 6, 'online', 0, 0);"
        "INSERT INTO team_members (team_id, user_id) VALUES (%d, %d)",
        u + 100, u, u, 1 + (u - 1) % N_TEAMS, u + 100);

      g_assert_true (dw_store_exec (db, sql, &error));
    }

  stmt = dw_store_prepare (db, "INSERT INTO customers (name, phone, tags, created_at) "
                               "VALUES ('王先生', '13800000000', ?, 0)", &error);
  for (int c = 0; c < N_CUSTOMERS; c++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, c % 20 == 0 ? "[\"vip\"]" : "[]", -1, SQLITE_STATIC);
      g_assert_true (dw_store_step_done (stmt, &error));
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = dw_store_prepare (db,
    "INSERT INTO tickets (subject, body, channel, business_type, priority, status, team_id, "
    "assignee_id, customer_id, order_number, tags, created_at, updated_at, first_response_at, "
    "solved_at, version, sla_policy_id, sla_state, sla, next_sla_at) "
    "VALUES (?, ?, 'wechat', ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, 3, NULL, ?, ?, ?)", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < n; i++)
    {
      guint s = (guint) g_rand_int_range (rand, 0, G_N_ELEMENTS (subjects));
      const char *status = statuses[pick (rand, status_weights, G_N_ELEMENTS (statuses))];
      gboolean active = g_str_equal (status, "new") || g_str_equal (status, "open")
                        || g_str_equal (status, "pending");
      /* Older tickets have lower ids, as on a real desk. */
      gint64 created = now - (gint64) (n - i) * (90 * 86400) / n;
      gint64 updated = created + g_rand_int_range (rand, 60, 7200);
      int team = 1 + g_rand_int_range (rand, 0, N_TEAMS);
      int agent = 100 + team + N_TEAMS * g_rand_int_range (rand, 0, N_AGENTS / N_TEAMS);
      const char *sla_state = active ? (g_rand_double (rand) < 0.1 ? "breached"
                                        : g_rand_double (rand) < 0.1 ? "at-risk" : "ok")
                                     : (g_rand_double (rand) < 0.05 ? "breached" : "met");
      g_autofree char *body = g_strdup_printf ("订单PDD20261121-%06u，%s，麻烦尽快帮我处理一下，谢谢。",
                                               i, subjects[s]);
      g_autofree char *order = g_strdup_printf ("PDD20261121-%06u", i);
      g_autofree char *sla = g_strdup_printf (
        "[{\"target\":\"first-response\",\"state\":\"met\",\"target_minutes\":60,"
        "\"elapsed_seconds\":%d,\"at_risk_at\":null,\"due_at\":null,\"met_at\":\"2026-11-01T08:00:00Z\","
        "\"paused_reason\":null},{\"target\":\"next-response\",\"state\":\"none\","
        "\"target_minutes\":120,\"elapsed_seconds\":0,\"at_risk_at\":null,\"due_at\":null,"
        "\"met_at\":null,\"paused_reason\":null},{\"target\":\"resolution\",\"state\":\"%s\","
        "\"target_minutes\":1440,\"elapsed_seconds\":%d,\"at_risk_at\":null,\"due_at\":null,"
        "\"met_at\":null,\"paused_reason\":null}]",
        g_rand_int_range (rand, 30, 3600), sla_state, g_rand_int_range (rand, 60, 80000));

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, subjects[s], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, body, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, types[s], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, priorities[pick (rand, priority_weights, 4)], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, status, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 6, team);
      if (g_str_equal (status, "new") && g_rand_double (rand) < 0.5)
        sqlite3_bind_null (stmt, 7);
      else
        sqlite3_bind_int (stmt, 7, agent);
      sqlite3_bind_int (stmt, 8, 1 + g_rand_int_range (rand, 0, N_CUSTOMERS));
      sqlite3_bind_text (stmt, 9, order, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 10, created);
      sqlite3_bind_int64 (stmt, 11, updated);
      sqlite3_bind_int64 (stmt, 12, created + 300);
      if (active)
        sqlite3_bind_null (stmt, 13);
      else
        sqlite3_bind_int64 (stmt, 13, updated);
      sqlite3_bind_text (stmt, 14, sla_state, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 15, sla, -1, SQLITE_TRANSIENT);
      if (active)
        sqlite3_bind_int64 (stmt, 16, now + 86400);
      else
        sqlite3_bind_null (stmt, 16);
      g_assert_true (dw_store_step_done (stmt, &error));
    }

  g_clear_pointer (&stmt, sqlite3_finalize);
  g_assert_true (dw_store_commit (db, &error));
  g_assert_true (dw_store_exec (db, "ANALYZE", &error));
  dw_store_close (db);

  g_print ("%-44s %8.2f s\n", "populate (direct SQLite, one transaction)",
           (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTestServer) server = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *since = NULL;
  g_autofree char *since_query = NULL;
  g_autofree char *search = g_uri_escape_string ("快递", NULL, FALSE);
  g_autofree char *search_query = NULL;
  guint n = bench_env_uint ("BENCH_LIST_TICKETS", 100000);
  guint requests = bench_env_uint ("BENCH_LIST_REQUESTS", 200);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  struct { const char *label; const char *path; } queries[] = {
    { "first page (newest)", "/api/v1/tickets" },
    { "team + active statuses", "/api/v1/tickets?team_id=2&status=new,open,pending" },
    { "status open + priority high,urgent", "/api/v1/tickets?status=open&priority=high,urgent" },
    { "active + SLA at-risk,breached",
      "/api/v1/tickets?status=new,open,pending&sla_state=at-risk,breached" },
    { "one agent's open work", "/api/v1/tickets?assignee_id=106&status=open,pending" },
    { "unassigned queue", "/api/v1/tickets?unassigned=true&status=new,open" },
    { "business type, 500 per page", "/api/v1/tickets?business_type=logistics&limit=500" },
    { "updated in the last hour", NULL },
    { "text search 快递", NULL },
  };

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  dir = g_dir_make_tmp ("deskwatch-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "deskwatch.db", NULL);

  g_print ("# List queries at %u tickets, %u requests each, one at a time\n", n, requests);
  populate (path, n, now);

  since = dw_time_to_iso8601 (now - 3600);
  since_query = g_strdup_printf ("/api/v1/tickets?updated_since=%s", since);
  search_query = g_strdup_printf ("/api/v1/tickets?q=%s", search);
  queries[7].path = since_query;
  queries[8].path = search_query;

  server = bench_server_new (path);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(BenchSamples) samples = bench_samples_new ();
      g_autofree char *label = NULL;
      guint items = 0;

      for (guint r = 0; r < requests; r++)
        {
          g_autoptr(DwTestResponse) response = NULL;
          gint64 started = g_get_monotonic_time ();

          response = dw_test_server_request (server, "GET", queries[q].path, server->admin_token,
                                             NULL, NULL, 0);
          bench_samples_add (samples, g_get_monotonic_time () - started);
          dw_test_assert_status (response, 200);
          items = json_array_get_length (dw_test_response_items (response));
        }

      label = g_strdup_printf ("%s (%u items)", queries[q].label, items);
      bench_samples_print (samples, label);
    }

  return 0;
}
