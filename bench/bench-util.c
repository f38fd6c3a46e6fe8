/* bench-util.c: what the benchmarks share. */
#include "config.h"

#include <string.h>

#include "bench-util.h"
#include "dw-enums.h"
#include "dw-store.h"

BenchSamples *
bench_samples_new (void)
{
  BenchSamples *samples = g_new0 (BenchSamples, 1);

  samples->usec = g_array_new (FALSE, FALSE, sizeof (gint64));
  return samples;
}

void
bench_samples_free (BenchSamples *samples)
{
  g_array_unref (samples->usec);
  g_free (samples);
}

void
bench_samples_add (BenchSamples *samples,
                   gint64        usec)
{
  g_array_append_val (samples->usec, usec);
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

double
bench_samples_percentile_ms (BenchSamples *samples,
                             double        p)
{
  guint n = samples->usec->len;
  guint index;

  if (n == 0)
    return 0;

  g_array_sort (samples->usec, compare_int64);
  index = (guint) MIN ((double) n - 1, p / 100.0 * n);
  return g_array_index (samples->usec, gint64, index) / 1000.0;
}

void
bench_samples_print (BenchSamples *samples,
                     const char   *label)
{
  g_print ("%-48s p50 %8.2f ms   p99 %8.2f ms   max %8.2f ms   (n %u)\n", label,
           bench_samples_percentile_ms (samples, 50), bench_samples_percentile_ms (samples, 99),
           bench_samples_percentile_ms (samples, 100), samples->usec->len);
}

guint
bench_env_uint (const char *name,
                guint       fallback)
{
  const char *value = g_getenv (name);
  guint64 n;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &n, NULL))
    return (guint) n;
  return fallback;
}

DwTestServer *
bench_server_new (const char *db_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  DwTestServer *server;
  int status = -1;

  if (db_path == NULL)
    return dw_test_server_new ();

  server = g_new0 (DwTestServer, 1);
  server->dir = g_path_get_dirname (db_path);
  server->db_path = g_strdup (db_path);
  server->session = soup_session_new_with_options ("timeout", 300, NULL);

  out = dw_test_server_cli (server, DW_TEST_ADMIN_PASSWORD "\n", &status, "user", "add",
                            "bench-admin", "--role", "admin", "--name", "Benchmark",
                            "--password-stdin", NULL);
  g_assert_cmpint (status, ==, 0);
  server->admin_id = g_ascii_strtoll (out, NULL, 10);

  dw_test_server_start (server, NULL);
  server->admin_token = dw_test_server_sign_in (server, "bench-admin", DW_TEST_ADMIN_PASSWORD);
  return server;
}

SoupSession *
bench_session_new (guint max_conns)
{
  return soup_session_new_with_options ("max-conns", max_conns + 8,
                                        "max-conns-per-host", max_conns + 8,
                                        "timeout", 300,
                                        NULL);
}

typedef struct
{
  SoupSession   *session;
  const char    *base_url;
  const char    *path;
  const char    *token;
  guint          n;
  guint          sent;
  guint          done;
  BenchBodyFunc  body_func;
  guint          expected_status;
  BenchSamples  *samples;
  GMainLoop     *loop;
  guint          retries;
} PostRun;

typedef struct
{
  PostRun     *run;
  SoupMessage *msg;
  GBytes      *body;
  gint64       started;
  guint        attempts;
} PostOne;

static void post_next (PostRun *run);
static void post_send (PostOne *one);

static void
post_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  PostOne *one = data;
  PostRun *run = one->run;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  guint status;

  /* A connection refused or reset under load is a figure too (the service's accept backlog),
   * not a reason to stop: count it and send again. */
  if (error != NULL && error->domain == G_IO_ERROR && one->attempts < 5)
    {
      run->retries++;
      post_send (one);
      return;
    }
  g_assert_no_error (error);
  status = soup_message_get_status (one->msg);
  if (status != run->expected_status)
    g_error ("POST %s answered %u: %.*s", run->path, status, (int) g_bytes_get_size (body),
             (const char *) g_bytes_get_data (body, NULL));

  bench_samples_add (run->samples, g_get_monotonic_time () - one->started);
  g_object_unref (one->msg);
  g_bytes_unref (one->body);
  g_free (one);

  run->done++;
  if (run->done == run->n)
    g_main_loop_quit (run->loop);
  else
    post_next (run);
}

static void
post_send (PostOne *one)
{
  PostRun *run = one->run;
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;

  url = g_strdup_printf ("%s%s", run->base_url,
                         run->path + (g_str_has_suffix (run->base_url, "/") && run->path[0] == '/'));
  g_clear_object (&one->msg);
  one->msg = soup_message_new ("POST", url);
  soup_message_set_request_body_from_bytes (one->msg, "application/json", one->body);
  auth = g_strdup_printf ("Bearer %s", run->token);
  soup_message_headers_replace (soup_message_get_request_headers (one->msg), "Authorization", auth);
  if (one->attempts++ == 0)
    one->started = g_get_monotonic_time ();
  soup_session_send_and_read_async (run->session, one->msg, G_PRIORITY_DEFAULT, NULL, post_done_cb,
                                    one);
}

static void
post_next (PostRun *run)
{
  PostOne *one;
  char *json;

  if (run->sent >= run->n)
    return;

  json = run->body_func (run->sent++);
  one = g_new0 (PostOne, 1);
  one->run = run;
  one->body = g_bytes_new_take (json, strlen (json));
  post_send (one);
}

double
bench_post_concurrently (SoupSession   *session,
                         const char    *base_url,
                         const char    *path,
                         const char    *token,
                         guint          n,
                         guint          concurrency,
                         BenchBodyFunc  body_func,
                         guint          expected_status,
                         BenchSamples  *samples)
{
  PostRun run = { session, base_url, path, token, n, 0, 0, body_func, expected_status, samples,
                  NULL, 0 };
  gint64 started = g_get_monotonic_time ();

  run.loop = g_main_loop_new (NULL, FALSE);
  for (guint i = 0; i < concurrency && i < n; i++)
    post_next (&run);
  if (n > 0)
    g_main_loop_run (run.loop);
  g_main_loop_unref (run.loop);

  if (run.retries > 0)
    g_print ("  (%u request%s sent again after a connection error)\n", run.retries,
             run.retries > 1 ? "s" : "");
  return (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
}

/* A desk to measure */

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

void
bench_populate_desk (const char *path,
                     guint       n,
                     gint64      now,
                     gboolean    all_active)
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
      const char *status = all_active
        ? statuses[g_rand_int_range (rand, 0, 3)]
        : statuses[pick (rand, status_weights, G_N_ELEMENTS (statuses))];
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
