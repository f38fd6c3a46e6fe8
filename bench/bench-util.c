/* bench-util.c: what the benchmarks share. */
#include "config.h"

#include <string.h>

#include "bench-util.h"

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
