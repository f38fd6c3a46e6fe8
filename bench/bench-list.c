/* bench-list.c: list-query latency at 100k tickets.
 *
 * Fills a database with 100 000 tickets (bench_populate_desk), starts the real deskwatchd on
 * it and times GET /api/v1/tickets with the filters the console uses, one request at a time.
 *
 * BENCH_LIST_TICKETS sets the number of tickets (default 100000), BENCH_LIST_REQUESTS the
 * requests per query (default 200).
 */
#include "config.h"

#include <locale.h>

#include "bench-util.h"
#include "dw-clock.h"

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

  bench_init (TRUE);

  dir = g_dir_make_tmp ("deskwatch-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "deskwatch.db", NULL);

  g_print ("# List queries at %u tickets, %u requests each, one at a time\n", n, requests);
  bench_populate_desk (path, n, now, FALSE);

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
