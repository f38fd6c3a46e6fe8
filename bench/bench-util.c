/* bench-util.c: what the benchmarks share. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <locale.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <json-glib/json-glib.h>

#include "bench-util.h"

#include "dw-clock.h"
#include "dw-roster-rules.h"
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

void
bench_init (gboolean fatal_warnings)
{
  setlocale (LC_ALL, "");
  if (fatal_warnings)
    g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  /* What g_test_init() (and gtk_test_init()) change: its handler prints every debug message
   * logged through g_log() (GIO's, libsoup's), whatever G_MESSAGES_DEBUG says. */
  g_log_set_default_handler (g_log_default_handler, NULL);
  g_log_set_debug_enabled (FALSE);
  /* Also for what this process starts (deskwatchd drops it too, tests/dw-test-server.c). */
  g_unsetenv ("G_MESSAGES_DEBUG");
}

void
bench_figure (const char *name,
              double      value,
              const char *unit,
              const char *goal_op,
              double      goal)
{
  const char *path = g_getenv ("BENCH_RESULTS");
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;
  FILE *file;

  if (path == NULL || *path == '\0')
    return;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "value");
  json_builder_add_double_value (builder, value);
  json_builder_set_member_name (builder, "unit");
  json_builder_add_string_value (builder, unit);
  if (goal_op != NULL)
    {
      json_builder_set_member_name (builder, "goal_op");
      json_builder_add_string_value (builder, goal_op);
      json_builder_set_member_name (builder, "goal");
      json_builder_add_double_value (builder, goal);
      json_builder_set_member_name (builder, "met");
      json_builder_add_boolean_value (builder, g_str_equal (goal_op, "<=") ? value <= goal
                                                                           : value >= goal);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  line = json_generator_to_data (generator, NULL);

  /* Appended whole in one write: the benchmarks run one after another, but a helper process
   * may write too. */
  file = fopen (path, "a");
  if (file == NULL)
    g_error ("Cannot write figures to %s: %s", path, g_strerror (errno));
  fprintf (file, "%s\n", line);
  fclose (file);
}

double
bench_self_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double
bench_process_cpu_seconds (GSubprocess *process)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", g_subprocess_get_identifier (process));
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &stat, NULL, NULL)
      || (after_name = strrchr (stat, ')')) == NULL)
    return 0;
  /* After "pid (comm)": state is field 3, utime 14 and stime 15 (in clock ticks). */
  fields = g_strsplit (after_name + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL))
         / sysconf (_SC_CLK_TCK);
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
  /* libsoup opens a new connection for every request not marked idempotent: the client would
   * then cost more than the service.  A POST is not idempotent, but nothing is resent here that
   * the service did not refuse, so keep-alive connections are what a real client would use. */
  soup_message_set_flags (one->msg, SOUP_MESSAGE_IDEMPOTENT);
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

void
bench_send_all (int         fd,
                const void *data,
                gsize       size)
{
  const char *p = data;

  while (size > 0)
    {
      ssize_t n = send (fd, p, size, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        {
          g_usleep (1000);
          continue;
        }
      if (n < 0)
        g_error ("send: %s", g_strerror (errno));
      p += n;
      size -= (gsize) n;
    }
}

int
bench_connect_local (guint16 port)
{
  struct sockaddr_in address = { 0 };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;

  g_assert_cmpint (fd, >=, 0);
  address.sin_family = AF_INET;
  address.sin_port = htons (port);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
    g_error ("connect: %s", g_strerror (errno));
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

typedef struct
{
  int         fd;
  GByteArray *in;
  gint64      started;
} KeepAlive;

static void
keepalive_send (KeepAlive     *conn,
                const char    *head,
                guint          i,
                BenchBodyFunc  body_func)
{
  g_autofree char *body = body_func (i);
  g_autofree char *request = g_strdup_printf ("%sContent-Length: %zu\r\n\r\n%s", head,
                                              strlen (body), body);

  conn->started = g_get_monotonic_time ();
  bench_send_all (conn->fd, request, strlen (request));
}

/* The length of the whole answer at the start of @in, or 0 while it is not all there. */
static gsize
keepalive_answer_length (GByteArray *in,
                         guint      *status)
{
  const char *text = (const char *) in->data;
  const char *end = g_strstr_len (text, in->len, "\r\n\r\n");
  g_autofree char *head = NULL;
  const char *length;
  gsize header, body;

  if (end == NULL)
    return 0;
  header = (gsize) (end + 4 - text);
  head = g_ascii_strdown (text, (gssize) header);
  if (strstr (head, "transfer-encoding: chunked") != NULL)
    g_error ("The service answered in chunks; this client reads Content-Length only");
  length = strstr (head, "content-length:");
  body = length != NULL ? g_ascii_strtoull (length + strlen ("content-length:"), NULL, 10) : 0;
  if (in->len < header + body)
    return 0;
  *status = (guint) g_ascii_strtoull (text + strlen ("HTTP/1.1 "), NULL, 10);
  return header + body;
}

double
bench_post_keepalive (const char    *base_url,
                      const char    *path,
                      const char    *token,
                      guint          n,
                      guint          concurrency,
                      BenchBodyFunc  body_func,
                      guint          expected_status,
                      BenchSamples  *samples)
{
  g_autoptr(GUri) uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  guint16 port;
  g_autofree char *head = NULL;
  g_autofree KeepAlive *conns = NULL;
  static guint8 buffer[64 * 1024];
  int epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  guint sent = 0, done = 0;
  gint64 started;

  g_assert_nonnull (uri);
  port = (guint16) g_uri_get_port (uri);
  head = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nAuthorization: Bearer %s\r\n"
                          "Content-Type: application/json\r\n", path, port, token);
  concurrency = MIN (MAX (concurrency, 1), MAX (n, 1));
  conns = g_new0 (KeepAlive, concurrency);
  for (guint c = 0; c < concurrency; c++)
    {
      struct epoll_event event = { .events = EPOLLIN, .data.u32 = c };

      conns[c].fd = bench_connect_local (port);
      conns[c].in = g_byte_array_new ();
      g_assert_cmpint (epoll_ctl (epoll_fd, EPOLL_CTL_ADD, conns[c].fd, &event), ==, 0);
    }

  started = g_get_monotonic_time ();
  for (guint c = 0; c < concurrency && sent < n; c++)
    keepalive_send (&conns[c], head, sent++, body_func);

  while (done < n)
    {
      struct epoll_event events[64];
      int ready = epoll_wait (epoll_fd, events, G_N_ELEMENTS (events), 60 * 1000);

      if (ready < 0 && errno == EINTR)
        continue;
      if (ready <= 0)
        g_error ("No answer from the service in a minute (%u of %u answered)", done, n);
      for (int e = 0; e < ready; e++)
        {
          KeepAlive *conn = &conns[events[e].data.u32];
          ssize_t got = recv (conn->fd, buffer, sizeof buffer, 0);
          gsize length;
          guint status = 0;

          if (got < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
          if (got <= 0)
            g_error ("The service closed a keep-alive connection with a request in flight");
          g_byte_array_append (conn->in, buffer, (guint) got);
          while ((length = keepalive_answer_length (conn->in, &status)) > 0)
            {
              if (status != expected_status)
                g_error ("POST %s answered %u: %.*s", path, status, (int) conn->in->len,
                         (const char *) conn->in->data);
              if (samples != NULL)
                bench_samples_add (samples, g_get_monotonic_time () - conn->started);
              g_byte_array_remove_range (conn->in, 0, (guint) length);
              done++;
              if (sent < n)
                keepalive_send (conn, head, sent++, body_func);
            }
        }
    }

  for (guint c = 0; c < concurrency; c++)
    {
      close (conns[c].fd);
      g_byte_array_unref (conns[c].in);
    }
  close (epoll_fd);
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

#define STAFFING_DAY 86400

static void
exec_sql (sqlite3    *db,
      const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_store_exec (db, sql, &error));
}

void
bench_populate_staffing (const char *path,
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
  gint64 first_week = dw_roster_week_start (tz, today - (gint64) days * STAFFING_DAY);
  gint64 tickets = 0;

  g_assert_no_error (error);
  g_assert_true (dw_store_begin (db, &error));
  exec_sql (db, "UPDATE calendars SET week = '[[[540,1320]],[[540,1320]],[[540,1320]],[[540,1320]],"
            "[[540,1320]],[[540,1320]],[[540,1320]]]'");
  exec_sql (db, "INSERT INTO teams (id, name, calendar_id, created_at) "
            "VALUES (1, '物流', (SELECT min (id) FROM calendars), 0)");
  exec_sql (db, "INSERT INTO business_types (key, name, team_id, skill) VALUES ('logistics', '物流', 1, NULL)");
  for (guint u = 1; u <= agents; u++)
    {
      g_autofree char *sql = g_strdup_printf (
        "INSERT INTO users (id, username, display_name, role, capacity, presence, presence_since, "
        "created_at) VALUES (%u, 'agent%u', '坐席%u', 'agent', 6, 'online', 0, 0);"
        "INSERT INTO team_members (team_id, user_id) VALUES (1, %u)", u + 100, u, u, u + 100);

      exec_sql (db, sql);
    }

  ticket = dw_store_prepare (db, "INSERT INTO tickets (subject, channel, business_type, status, "
                                 "team_id, created_at, updated_at, solved_at) "
                                 "VALUES ('到哪了', ?, 'logistics', ?, 1, ?, ?, ?)", &error);
  comment = dw_store_prepare (db, "INSERT INTO comments (ticket_id, author_kind, public, body, "
                                  "created_at) VALUES (?, ?, 1, '…', ?)", &error);
  g_assert_no_error (error);
  for (guint d = days; d > 0; d--)
    {
      gint64 midnight = today - (gint64) d * STAFFING_DAY;

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
  for (gint64 week = first_week; week <= today + 7 * STAFFING_DAY; week += 7 * STAFFING_DAY)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO roster_weeks (team_id, week_start, state, "
                                              "published_at) VALUES (1, %" G_GINT64_FORMAT
                                              ", 'published', %" G_GINT64_FORMAT ")", week, week);

      exec_sql (db, sql);
      for (guint u = 1; u <= agents; u++)
        for (int wd = 0; wd < 7; wd++)
          {
            static const int starts[] = { 8, 12, 14 };
            gint64 start = week + wd * STAFFING_DAY + starts[(u + wd) % 3] * 3600;
            g_autofree char *breaks = g_strdup_printf ("[[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]]",
                                                       start + 4 * 3600, start + 4 * 3600 + 1800);

            if ((u + week / (7 * STAFFING_DAY)) % 7 == (guint) wd || (u + 1 + week / (7 * STAFFING_DAY)) % 7 == (guint) wd)
              continue;   /* two rest days */
            sqlite3_reset (shift);
            sqlite3_bind_int64 (shift, 1, u + 100);
            sqlite3_bind_int64 (shift, 2, start);
            sqlite3_bind_int64 (shift, 3, start + 8 * 3600);
            sqlite3_bind_text (shift, 4, breaks, -1, SQLITE_TRANSIENT);
            g_assert_true (dw_store_step_done (shift, &error));

            if (start + 8 * 3600 > today + STAFFING_DAY)
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

/* The agents desk (bench-agents, bench-agents-console) */

#define AGENTS_DAY 86400

static void
agent_audit (sqlite3_stmt *stmt,
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
populate_agent_tickets (sqlite3 *db,
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
      gint64 created = now - 30 * AGENTS_DAY + (gint64) i * (30 * AGENTS_DAY) / (first + n + 1);
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

      agent_audit (row, created, 0, id, "created", NULL, NULL, NULL);
      agent_audit (row, created, 0, id, "routed", "team_id", NULL, "1");
      agent_audit (row, created, 0, id, "assigned", "assignee_id", "null", agent_text);
      agent_audit (row, reply, agent, id, "updated", "first_response_at", "null", reply_json);
      agent_audit (row, reply, agent, id, "updated", "status", "\"new\"", "\"open\"");
      agent_audit (row, reply, 0, id, "sla", "first-response", "\"ok\"",
             g_rand_int_range (rand, 0, 10) == 0 ? "\"breached\"" : "\"met\"");
      agent_audit (row, solved, agent, id, "updated", "status", "\"open\"", "\"solved\"");
      agent_audit (row, solved, 0, id, "sla", "resolution", "\"ok\"", "\"met\"");
      rows += 8;
    }
  return rows;
}

guint
bench_populate_agents (const char *path,
                       guint       agents,
                       guint       first,
                       guint       n,
                       gint64      now)
{
  g_autoptr(GError) error = NULL;
  guint rows;
  sqlite3 *db;

  db = dw_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (dw_store_begin (db, &error));
  if (first == 0)
    {
      g_assert_true (dw_store_exec (db, "INSERT INTO teams (id, name, calendar_id, created_at) "
                                        "VALUES (1, '物流', (SELECT min (id) FROM calendars), 0)",
                                    &error));
      for (guint u = 1; u <= agents; u++)
        {
          g_autofree char *sql = g_strdup_printf (
            "INSERT INTO users (id, username, display_name, role, capacity, presence, "
            "presence_since, created_at) VALUES (%u, 'agent%u', '坐席%u', 'agent', 6, 'online', "
            "0, 0);"
            "INSERT INTO team_members (team_id, user_id) VALUES (1, %u)", u + 100, u, u, u + 100);

          g_assert_true (dw_store_exec (db, sql, &error));
        }
    }
  rows = populate_agent_tickets (db, agents, first, n, now);
  g_assert_true (dw_store_commit (db, &error));
  dw_store_close (db);
  return rows;
}
