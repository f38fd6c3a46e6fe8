/* bench-intake.c: acknowledged creates per second through the API, against raw SQLite inserts at
 * the same durability on the same machine, measured side by side.
 *
 * API: POST /api/v1/tickets against the real deskwatchd (each a transaction with routing, audit
 * rows, SLA and stream events, acknowledged after COMMIT), with 1 and 32 clients in parallel,
 * on keep-alive connections of a plain HTTP/1.1 client (bench_post_keepalive: libsoup spent half
 * as much CPU per request as the service spends per create, on the same two CPUs).
 * Raw: the same ticket row inserted into the same schema (dw_store_open: WAL,
 * synchronous=FULL), one transaction (and so one fsync) per insert, from one connection.
 *
 * fsync here swings up to 10x from one minute to the next, so a raw rate taken once and
 * compared with API runs taken later says little: raw and API runs alternate, in pairs (the
 * order swapped every other pair), and each pair gives a ratio; the figure is the median ratio.
 * The client's own CPU time (this process) and the service's are printed per create: the
 * client runs on the same CPUs as the service.
 *
 * The floor (bench-floor-service, $BENCH_FLOOR_SERVICE): the same client against a bare
 * SoupServer that parses the body with json-glib, inserts the same row as the raw runs and
 * answers it as JSON, with none of the desk's work.  Its runs are taken in the same rounds as
 * raw and API (the three in turn, the order rotated each round), at one client only: there
 * each create is its own commit in both, so the floor's ratio to raw is the most any create
 * through libsoup and json-glib could reach here.  (With more clients the desk shares a commit
 * among them and the floor does not, so the floor would say nothing there.)
 *
 * BENCH_TICKETS: tickets per run (default 500); BENCH_PAIRS: raw/API pairs per level (5);
 * BENCH_CLIENTS: the numbers of parallel clients (default "1,32"; "0": none).
 * BENCH_ME_REQUESTS: first, that many authenticated GET /api/v1/me on one keep-alive connection
 * (default 0), with the service's CPU per request: what authentication costs beside a create.
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "bench-util.h"
#include "dw-store.h"

static gint64 team_id;

static char *
ticket_body (guint j)
{
  /* Numbered on across runs, as the raw rows are. */
  static guint serial;
  guint i = serial++;

  (void) j;
  return g_strdup_printf ("{\"subject\":\"快递三天没更新 #%u\",\"body\":\"订单PDD20261121-%06u，"
                          "物流信息三天没更新了，麻烦帮查一下。\",\"channel\":\"wechat\","
                          "\"priority\":\"normal\",\"order_number\":\"PDD20261121-%06u\","
                          "\"team_id\":%" G_GINT64_FORMAT "}", i, i, i, team_id);
}

/* Reads one response off @in (head, then Content-Length bytes of body); its status. */
static guint
read_response (GDataInputStream *in)
{
  g_autoptr(GError) error = NULL;
  guint status = 0;
  gsize length = 0;
  gboolean first = TRUE;

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_strchomp (line);
      if (*line == '\0')
        break;
      if (first)
        status = (guint) g_ascii_strtoull (line + strlen ("HTTP/1.1 "), NULL, 10);
      else if (g_ascii_strncasecmp (line, "Content-Length:", 15) == 0)
        length = (gsize) g_ascii_strtoull (line + 15, NULL, 10);
      first = FALSE;
    }

  if (length > 0)
    {
      g_autofree char *body = g_malloc (length);
      gsize got = 0;

      g_input_stream_read_all (G_INPUT_STREAM (in), body, length, &got, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (got, ==, length);
    }

  return status;
}

/* @n GET /api/v1/me one after another on one keep-alive connection. */
static void
me_requests (DwTestServer *server,
             guint         n)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  GOutputStream *out;
  double scpu0 = bench_process_cpu_seconds (server->process);
  gint64 started = g_get_monotonic_time ();
  double seconds, scpu;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                dw_test_server_get_port (server), NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  request = g_strdup_printf ("GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Authorization: Bearer %s\r\n\r\n", server->admin_token);

  for (guint i = 0; i < n; i++)
    {
      g_output_stream_write_all (out, request, strlen (request), NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (read_response (in), ==, 200);
    }

  seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  scpu = bench_process_cpu_seconds (server->process) - scpu0;
  g_print ("%-52s %.3f ms wall, service CPU %.3f ms\n", "GET /api/v1/me, 1 client, per request",
           1000 * seconds / n, 1000 * scpu / n);
  bench_figure ("intake.me_service_cpu", 1000 * scpu / n, "ms", NULL, 0);
}

/* @n inserts of the ticket row the API writes, one transaction each, into @db. */
static double
raw_insert_rate (sqlite3 *db,
                 guint    n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  static guint serial;
  gint64 started;

  stmt = dw_store_prepare (db,
    "INSERT INTO tickets (subject, body, channel, business_type, priority, status, team_id, "
    "customer_id, order_number, tags, created_at, updated_at) "
    "VALUES (?, ?, 'wechat', NULL, 'normal', 'new', NULL, NULL, ?, '[]', ?, ?)", &error);
  g_assert_no_error (error);

  started = g_get_monotonic_time ();
  for (guint j = 0; j < n; j++)
    {
      guint i = serial++;
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
  return n / ((g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
}

/* bench-floor-service on a database of its own in @dir; its base URL into @url. */
static GSubprocess *
floor_service_new (const char  *dir,
                   const char  *token,
                   char       **url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *db_path = g_build_filename (dir, "floor.db", NULL);
  const char *program = g_getenv ("BENCH_FLOOR_SERVICE");
  GSubprocess *process;

  if (program == NULL)
    return NULL;
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, program, db_path, token,
                              NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  *url = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*url);
  g_strchomp (*url);
  return process;
}

/* The figure intake.@name.<clients>c. */
static void
level_figure (const char *name,
              guint       clients,
              double      value,
              const char *unit,
              const char *comparison,
              double      goal)
{
  g_autofree char *key = g_strdup_printf ("intake.%s.%uc", name, clients);

  bench_figure (key, value, unit, comparison, goal);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Sorts @values; the median of them. */
static double
median (GArray *values)
{
  g_array_sort (values, compare_double);
  return g_array_index (values, double, values->len / 2);
}

static double
min_of (GArray *sorted)
{
  return g_array_index (sorted, double, 0);
}

static double
max_of (GArray *sorted)
{
  return g_array_index (sorted, double, sorted->len - 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTestServer) server = NULL;
  g_autoptr(DwTestResponse) team = NULL;
  g_autoptr(GArray) raw_rates = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GSubprocess) floor_service = NULL;
  g_autofree char *floor_url = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *raw_path = NULL;
  guint n = bench_env_uint ("BENCH_TICKETS", 500);
  guint pairs = bench_env_uint ("BENCH_PAIRS", 5);
  g_auto(GStrv) levels = g_strsplit (g_getenv ("BENCH_CLIENTS") != NULL ? g_getenv ("BENCH_CLIENTS")
                                                                      : "1,32", ",", -1);
  sqlite3 *raw_db;

  bench_init (TRUE);

  g_print ("# Intake: acknowledged creates per second vs raw SQLite inserts (WAL, synchronous=FULL,\n"
           "# one transaction and fsync each), %u tickets per run, %u raw/API pairs per level\n",
           n, pairs);

  dir = g_dir_make_tmp ("deskwatch-bench-XXXXXX", &error);
  g_assert_no_error (error);
  raw_path = g_build_filename (dir, "raw.db", NULL);
  raw_db = dw_store_open (raw_path, &error);
  g_assert_no_error (error);

  server = bench_server_new (NULL);
  team = dw_test_server_json (server, "POST", "/api/v1/teams", server->admin_token,
                              "{\"name\":\"物流\",\"description\":\"Logistics\"}");
  dw_test_assert_status (team, 201);
  team_id = json_object_get_int_member (dw_test_response_object (team), "id");
  floor_service = floor_service_new (dir, server->admin_token, &floor_url);
  if (floor_service == NULL)
    g_print ("# no floor: BENCH_FLOOR_SERVICE is not set\n");

  if (bench_env_uint ("BENCH_ME_REQUESTS", 0) > 0)
    me_requests (server, bench_env_uint ("BENCH_ME_REQUESTS", 0));

  for (guint l = 0; levels[l] != NULL; l++)
    {
      g_autoptr(BenchSamples) samples = bench_samples_new ();
      g_autoptr(GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) api_rates = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) level_raw = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) floor_rates = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) floor_ratios = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) api_over_floor = g_array_new (FALSE, FALSE, sizeof (double));
      g_autofree char *label = NULL;
      g_autofree char *key = NULL;
      guint clients = (guint) g_ascii_strtoull (levels[l], NULL, 10);
      double client_cpu = 0, service_cpu = 0, floor_cpu = 0;

      if (clients == 0)
        continue;

      g_print ("# %u client%s\n", clients, clients > 1 ? "s" : "");
      for (guint p = 0; p < pairs; p++)
        {
          double raw = 0, api = 0, floor_rate = 0, cpu = 0, scpu = 0, fcpu = 0;

          /* Raw, API and floor in turn, the order rotated each round, so that a drift of the
           * disk within a round does not always favour the same one. */
          for (guint k = 0; k < 3; k++)
            switch ((p + k) % 3)
              {
              case 0:
                raw = raw_insert_rate (raw_db, n);
                break;

              case 1:
                {
                  double cpu0 = bench_self_cpu_seconds ();
                  double scpu0 = bench_process_cpu_seconds (server->process);
                  double seconds = bench_post_keepalive (server->url, "/api/v1/tickets",
                                                         server->admin_token, n, clients,
                                                         ticket_body, 201, samples);

                  cpu = bench_self_cpu_seconds () - cpu0;
                  scpu = bench_process_cpu_seconds (server->process) - scpu0;
                  api = n / seconds;
                }
                break;

              default:
                if (floor_service != NULL && clients == 1)
                  {
                    double fcpu0 = bench_process_cpu_seconds (floor_service);
                    double seconds = bench_post_keepalive (floor_url, "/api/v1/tickets",
                                                           server->admin_token, n, clients,
                                                           ticket_body, 201, NULL);

                    fcpu = bench_process_cpu_seconds (floor_service) - fcpu0;
                    floor_rate = n / seconds;
                  }
                break;
              }

          client_cpu += cpu;
          service_cpu += scpu;
          g_array_append_val (api_rates, api);
          g_array_append_val (level_raw, raw);
          g_array_append_val (raw_rates, raw);
          g_array_append_val (ratios, (double) { api / raw });
          g_print ("  round %u: raw %6.0f/s   API %6.0f/s   ratio %5.2f   CPU per create: client "
                   "%.2f ms, service %.2f ms\n", p + 1, raw, api, api / raw, 1000 * cpu / n,
                   1000 * scpu / n);
          if (floor_service != NULL && clients == 1)
            {
              floor_cpu += fcpu;
              g_array_append_val (floor_rates, floor_rate);
              g_array_append_val (floor_ratios, (double) { floor_rate / raw });
              g_array_append_val (api_over_floor, (double) { api / floor_rate });
              g_print ("           floor %6.0f/s   ratio %5.2f   API/floor %5.2f   service CPU "
                       "per create %.2f ms\n", floor_rate, floor_rate / raw, api / floor_rate,
                       1000 * fcpu / n);
            }
        }

      median (ratios);
      median (api_rates);
      median (level_raw);
      label = g_strdup_printf ("ratio API/raw, %u client%s (median of %u pairs)", clients,
                               clients > 1 ? "s" : "", pairs);
      g_print ("%-52s %5.2f   (min %.2f, max %.2f; goal ≥ %.1f)\n", label, median (ratios),
               min_of (ratios), max_of (ratios), clients == 1 ? 0.5 : 1.0);
      g_print ("%-52s %5.0f/s (raw %.0f/s, medians)\n", "  API creates", median (api_rates),
               median (level_raw));
      g_print ("%-52s client %.2f ms   service %.2f ms\n", "  CPU per create", 1000 * client_cpu / (n * pairs),
               1000 * service_cpu / (n * pairs));
      bench_samples_print (samples, "  POST → 201");
      if (floor_service != NULL && clients == 1)
        {
          g_autofree char *floor_label = g_strdup_printf ("ratio floor/raw, %u client%s", clients,
                                                          clients > 1 ? "s" : "");

          median (floor_ratios);
          median (floor_rates);
          median (api_over_floor);
          g_print ("%-52s %5.2f   (min %.2f, max %.2f; the most a create through libsoup "
                   "could reach)\n", floor_label, median (floor_ratios), min_of (floor_ratios),
                   max_of (floor_ratios));
          g_print ("%-52s %5.0f/s, service CPU per create %.2f ms; API/floor %.2f (min %.2f, "
                   "max %.2f)\n", "  floor creates", median (floor_rates),
                   1000 * floor_cpu / (n * pairs), median (api_over_floor),
                   min_of (api_over_floor), max_of (api_over_floor));
          level_figure ("floor_ratio", clients, median (floor_ratios), "ratio", NULL, 0);
          level_figure ("floor_rate", clients, median (floor_rates), "1/s", NULL, 0);
          level_figure ("floor_service_cpu_per_create", clients, 1000 * floor_cpu / (n * pairs),
                        "ms", NULL, 0);
          level_figure ("api_over_floor", clients, median (api_over_floor), "ratio", NULL, 0);
        }

      /* The goals are for 1 and 32 clients; other levels are figures only. */
      level_figure ("ratio", clients, median (ratios), "ratio",
                    clients == 1 || clients == 32 ? ">=" : NULL, clients == 1 ? 0.5 : 1.0);
      key = g_strdup_printf ("intake.ratio.%uc.min", clients);
      bench_figure (key, min_of (ratios), "ratio", NULL, 0);
      g_free (key);
      key = g_strdup_printf ("intake.ratio.%uc.max", clients);
      bench_figure (key, max_of (ratios), "ratio", NULL, 0);
      level_figure ("api_rate", clients, median (api_rates), "1/s", NULL, 0);
      level_figure ("client_cpu_per_create", clients, 1000 * client_cpu / (n * pairs), "ms",
                    NULL, 0);
      level_figure ("service_cpu_per_create", clients, 1000 * service_cpu / (n * pairs), "ms",
                    NULL, 0);
      level_figure ("latency_p99", clients, bench_samples_percentile_ms (samples, 99), "ms",
                    NULL, 0);
    }

  if (raw_rates->len > 0)
    {
      median (raw_rates);
      g_print ("%-52s %5.0f/s (min %.0f, max %.0f over %u runs)\n", "raw SQLite inserts",
               median (raw_rates), min_of (raw_rates), max_of (raw_rates), raw_rates->len);
      bench_figure ("intake.raw_rate", median (raw_rates), "1/s", NULL, 0);
    }

  if (floor_service != NULL)
    {
      g_autofree char *db = g_build_filename (dir, "floor.db", NULL);
      g_autofree char *wal = g_strconcat (db, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db, "-shm", NULL);

      g_subprocess_send_signal (floor_service, SIGTERM);
      g_subprocess_wait (floor_service, NULL, NULL);
      g_unlink (wal);
      g_unlink (shm);
      g_unlink (db);
    }
  dw_store_close (raw_db);
  {
    g_autofree char *wal = g_strconcat (raw_path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (raw_path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
    g_unlink (raw_path);
    g_rmdir (dir);
  }
  return 0;
}
