/* bench-agents.c: per-agent figures of a 200-agent team over 30 days with 1M audit rows.
 *
 * Fills a database by direct SQLite with what the service itself writes for a ticket's life:
 * created, routed, assigned (audit), the agent's public replies (comments) and first response,
 * open, the SLA outcomes and solved (audit) — about eight audit rows a ticket, 125,000 tickets
 * over 30 days.  Then times GET /api/v1/agents/metrics: the first request, which reads the whole
 * trail into agent facts once, and the requests after it, which read only what is new (nothing
 * here, and then 1,000 more tickets' rows), with and without the daily series.
 *
 * BENCH_AGENTS (200), BENCH_AGENTS_TICKETS (125000), BENCH_AGENTS_REQUESTS (20).
 */
#include "config.h"

#include <locale.h>

#include "bench-util.h"
#include "dw-clock.h"
#include "dw-store.h"

/* Prints the latencies and records their median as @name (bench_figure). */
static void
time_get (DwTestServer *server,
          const char   *name,
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
  bench_figure (name, bench_samples_percentile_ms (samples, 50), "ms", NULL, 0);
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

  bench_init (TRUE);

  dir = g_dir_make_tmp ("deskwatch-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "deskwatch.db", NULL);

  started = g_get_monotonic_time ();
  rows = bench_populate_agents (path, agents, 0, tickets, now);
  g_print ("# %u agents, %u tickets over 30 days, %u audit rows, filled in %.1f s\n", agents,
           tickets, rows, (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);

  server = bench_server_new (path);
  time_get (server, "agents.metrics_30d_first",
            "agents/metrics 30d, first request (reads the whole trail once)",
            "/api/v1/agents/metrics?team_id=1&period=30d", 1);
  time_get (server, "agents.metrics_30d", "agents/metrics 30d, nothing new",
            "/api/v1/agents/metrics?team_id=1&period=30d", requests);
  /* what the console's Performance view asks (issue 12: "answer in under a second") */
  time_get (server, "agents.metrics_30d_daily", "agents/metrics 30d with series=daily",
            "/api/v1/agents/metrics?team_id=1&period=30d&series=daily", requests);
  time_get (server, "agents.metrics_today", "agents/metrics today",
            "/api/v1/agents/metrics?team_id=1", requests);

  /* 1,000 more tickets' rows, written while the service runs (as another writer would) */
  bench_populate_agents (path, agents, tickets, 1000, now);
  time_get (server, "agents.metrics_30d_after_new_rows",
            "agents/metrics 30d, after 8,000 new audit rows",
            "/api/v1/agents/metrics?team_id=1&period=30d", 1);
  time_get (server, "agents.status", "agents/status (200 agents)",
            "/api/v1/agents/status?team_id=1", requests);
  return 0;
}
