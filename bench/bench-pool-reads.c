/* bench-pool-reads.c: the heavy GET routes at 100k tickets, and a create's latency while one of
 * them is read over and over (issue 14, the routes on the read pool: src/server/dw-api-pooled.c).
 *
 * Fills a database with 100 000 tickets (bench_populate_desk), starts $DESKWATCHD on it (so the
 * same database can be timed with an older binary), times each route alone, then creates
 * tickets one after another (20 ms apart) while nothing else runs and while two clients read
 * each of the heaviest routes in a loop.  Prints figures, asserts none.
 *
 * BENCH_POOL_TICKETS sets the number of tickets (default 100000), BENCH_POOL_CREATES the creates
 * per phase (default 40).
 */
#include "config.h"

#include <locale.h>

#include "bench-util.h"
#include "dw-test-thread.h"

typedef struct
{
  const char *url;
  const char *path;
  const char *token;
  gint       *stop;
  gint        n;
  GThread    *thread;
} Loop;

static void
loop_run (SoupSession *session,
          gpointer     data)
{
  Loop *loop = data;
  g_autofree char *uri = g_strconcat (loop->url, loop->path + 1, NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", loop->token);

  while (!g_atomic_int_get (loop->stop))
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
      g_autoptr(GBytes) body = NULL;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    auth);
      body = soup_session_send_and_read (session, msg, NULL, NULL);
      if (soup_message_get_status (msg) != 200)
        g_error ("%s: %u", loop->path, soup_message_get_status (msg));
      g_atomic_int_inc (&loop->n);
    }
}

static void
creates (DwTestServer *server,
         guint         n,
         const char   *label)
{
  g_autoptr(BenchSamples) samples = bench_samples_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DwTestResponse) r = NULL;
      gint64 started = g_get_monotonic_time ();

      r = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/tickets",
                                "{\"subject\": \"bench %u\", \"channel\": \"web\", "
                                "\"body\": \"x\", \"business_type\": \"logistics\"}", i);
      bench_samples_add (samples, g_get_monotonic_time () - started);
      dw_test_assert_status (r, 201);
      g_usleep (20 * 1000);
    }
  g_print ("  create %-40s p50 %7.1f ms  p90 %7.1f ms  max %7.1f ms\n", label,
           bench_samples_percentile_ms (samples, 50), bench_samples_percentile_ms (samples, 90),
           bench_samples_percentile_ms (samples, 100));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTestServer) server = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *search = g_uri_escape_string ("快递", NULL, FALSE);
  g_autofree char *search_path = NULL;
  g_autofree char *audit_path = NULL;
  g_autofree char *day_path = NULL;
  g_autofree char *adherence_path = NULL;
  g_autofree char *ics_path = NULL;
  g_autoptr(GDateTime) today = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (today, "%Y-%m-%d");
  guint n = bench_env_uint ("BENCH_POOL_TICKETS", 100000);
  guint n_creates = bench_env_uint ("BENCH_POOL_CREATES", 40);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *routes[] = {
    "/api/v1/tickets",
    "/api/v1/tickets?business_type=logistics&limit=500",
    NULL,  /* search */
    "/api/v1/tickets?status=new,open,pending&sla_state=at-risk,breached&limit=500",
    "/api/v1/sla/compliance",
    "/api/v1/sla/compliance/tickets?limit=500",
    "/api/v1/agents/metrics?team_id=2",
    "/api/v1/agents/status?team_id=2",
    NULL,  /* staffing day */
    NULL,  /* adherence */
    NULL,  /* audit */
    NULL,  /* shifts.ics */
  };
  const char *loops[] = { NULL, "/api/v1/sla/compliance",
                          "/api/v1/tickets?business_type=logistics&limit=500",
                          "/api/v1/agents/status?team_id=2" };

  bench_init (TRUE);

  dir = g_dir_make_tmp ("deskwatch-bench-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "deskwatch.db", NULL);
  bench_populate_desk (db, n, now, FALSE);
  server = bench_server_new (db);

  search_path = g_strdup_printf ("/api/v1/tickets?q=%s&limit=500", search);
  audit_path = g_strdup_printf ("/api/v1/tickets/%u/audit", n / 2);
  day_path = g_strdup_printf ("/api/v1/staffing/day?team_id=2&date=%s", date);
  adherence_path = g_strdup_printf ("/api/v1/staffing/adherence?team_id=2&date=%s", date);
  ics_path = g_strdup_printf ("/api/v1/shifts.ics?from=%sT00:00:00Z&to=%sT23:59:59Z", date, date);
  routes[2] = search_path;
  routes[8] = day_path;
  routes[9] = adherence_path;
  routes[10] = audit_path;
  routes[11] = ics_path;
  loops[0] = search_path;

  g_print ("# %s at %u tickets: each route alone (5 requests)\n", g_getenv ("DESKWATCHD"), n);
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_autoptr(BenchSamples) samples = bench_samples_new ();
      guint status = 0;
      gsize size = 0;

      for (guint r = 0; r < 5; r++)
        {
          g_autoptr(DwTestResponse) response = NULL;
          gint64 started = g_get_monotonic_time ();

          response = dw_test_server_request (server, "GET", routes[i], server->admin_token,
                                             NULL, NULL, 0);
          bench_samples_add (samples, g_get_monotonic_time () - started);
          status = response->status;
          size = g_bytes_get_size (response->body);
        }
      g_print ("  %-70s %3u %8zu B  p50 %7.1f ms  max %7.1f ms\n", routes[i], status, size,
               bench_samples_percentile_ms (samples, 50),
               bench_samples_percentile_ms (samples, 100));
    }

  g_print ("# a create's latency (%u creates, 20 ms apart)\n", n_creates);
  creates (server, n_creates, "quiet");
  for (guint l = 0; l < G_N_ELEMENTS (loops); l++)
    {
      Loop readers[2];
      gint stop = 0;
      g_autofree char *label = g_strdup_printf ("while 2 read %.28s", loops[l] + 8);

      for (guint r = 0; r < G_N_ELEMENTS (readers); r++)
        {
          readers[r] = (Loop) { server->url, loops[l], server->admin_token, &stop, 0, NULL };
          readers[r].thread = dw_test_thread_new ("loop", loop_run, &readers[r]);
        }
      /* The reads' pace alone first, then with the creates. */
      g_usleep (G_USEC_PER_SEC);
      {
        guint before = g_atomic_int_get (&readers[0].n) + g_atomic_int_get (&readers[1].n);
        gint64 started = g_get_monotonic_time ();
        guint after;

        g_usleep (2 * G_USEC_PER_SEC);
        after = g_atomic_int_get (&readers[0].n) + g_atomic_int_get (&readers[1].n);
        g_print ("    reads alone: %.1f/s\n",
                 (after - before) * (double) G_USEC_PER_SEC
                 / (double) (g_get_monotonic_time () - started));
        started = g_get_monotonic_time ();
        before = after;
        creates (server, n_creates, label);
        after = g_atomic_int_get (&readers[0].n) + g_atomic_int_get (&readers[1].n);
        g_print ("    reads during the creates: %.1f/s\n",
                 (after - before) * (double) G_USEC_PER_SEC
                 / (double) (g_get_monotonic_time () - started));
      }
      g_atomic_int_set (&stop, 1);
      for (guint r = 0; r < G_N_ELEMENTS (readers); r++)
        g_thread_join (readers[r].thread);
    }

  return 0;
}
