/* bench-agents-console.c: the console's Agents section on the 200-agent / 1M-audit-row desk of
 * bench-agents, on real windows under Xvfb (tests/run-ui-test.sh).
 *
 * The desk is filled once (bench_populate_agents) and served by the real deskwatchd; each view
 * is then shown several times on it, the team taken away (set_team 0, the view empties) and
 * given back between runs.  Timed, from dw_*_set_team() to the first frame painted after:
 *   - Performance, 30 days (DwAgentPerformance): its GtkColumnView holds every agent of the
 *     team; with the peak (VmHWM, reset at a trimmed baseline just before) and the settled
 *     (a second later) resident memory of this process, which is the console's;
 *   - Now (DwAgentsNow): its list holds every agent of the team.
 * Prints min / median / max of the runs against our goals (1.5 s and 0.5 s) and records them
 * through bench_figure().  It fails only when something does not arrive at all.
 * BENCH_AGENTS (200), BENCH_AGENTS_TICKETS (125000), BENCH_AGENTS_CONSOLE_RUNS (3).
 */
#include "config.h"

#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include <adwaita.h>

#include "agents/dw-agent-performance.h"
#include "agents/dw-agents-now.h"
#include "bench-util.h"
#include "dw-session.h"
#define DW_TEST_WAIT_SECONDS 120
#include "dw-test-wait.h"

/* What DwAgentPerformance asks for 30 days, and DwAgentsNow. */
#define METRICS_PATH "/api/v1/agents/metrics?team_id=1&series=daily&period=30d"

static guint paints;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       data)
{
  paints++;
}

/* A line of /proc/self/status ("VmRSS:", "VmHWM:"), in MiB. */
static double
status_mib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (line = strstr (status, field)) == NULL)
    return 0;
  return g_ascii_strtod (line + strlen (field), NULL) / 1024.0;
}

/* Resets VmHWM to the current RSS (Linux ≥ 4.0); FALSE when the kernel does not let us. */
static gboolean
reset_peak_rss (void)
{
  FILE *file = fopen ("/proc/self/clear_refs", "w");
  gboolean done;

  if (file == NULL)
    return FALSE;
  done = fputs ("5", file) >= 0;
  done = fclose (file) == 0 && done;
  return done && status_mib ("VmHWM:") < status_mib ("VmRSS:") + 1;
}

/* The first GtkColumnView inside @widget (the views keep theirs private). */
static GtkColumnView *
find_column_view (GtkWidget *widget)
{
  if (GTK_IS_COLUMN_VIEW (widget))
    return GTK_COLUMN_VIEW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkColumnView *found = find_column_view (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static guint
rows_held (GtkColumnView *view)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (view));

  return model != NULL ? g_list_model_get_n_items (model) : 0;
}

/* Spins until one more frame is painted; @force asks for one (between runs, where nothing
 * may have changed), never in what is timed. */
static void
until_painted (GtkWindow *force)
{
  guint painted = paints;

  if (force != NULL)
    gtk_widget_queue_draw (GTK_WIDGET (force));
  WAIT_UNTIL (paints > painted);
}

static GtkWindow *
new_window (GtkWidget *child)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 1240, 760);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint_cb), NULL);
  until_painted (window);
  return window;
}

/* "label  min / median / max ms  (goal ≤ N ms, n runs)", recorded as NAME (the median, with
 * the goal) and NAME.min, NAME.max. */
static void
print_times (BenchSamples *samples,
             const char   *name,
             const char   *label,
             double        goal_ms)
{
  g_autofree char *min_name = g_strconcat (name, ".min", NULL);
  g_autofree char *max_name = g_strconcat (name, ".max", NULL);
  double min = bench_samples_percentile_ms (samples, 0);
  double median = bench_samples_percentile_ms (samples, 50);
  double max = bench_samples_percentile_ms (samples, 100);

  g_print ("%-50s %7.0f / %7.0f / %7.0f ms   (goal ≤ %.0f ms; min / median / max of %u)\n",
           label, min, median, max, goal_ms, samples->usec->len);
  bench_figure (name, median, "ms", "<=", goal_ms);
  bench_figure (min_name, min, "ms", NULL, 0);
  bench_figure (max_name, max, "ms", NULL, 0);
}

static void
print_mib (BenchSamples *samples,
           const char   *name,
           const char   *label)
{
  double min = bench_samples_percentile_ms (samples, 0) / 1000.0;
  double median = bench_samples_percentile_ms (samples, 50) / 1000.0;
  double max = bench_samples_percentile_ms (samples, 100) / 1000.0;

  g_print ("%-50s %+7.1f / %+7.1f / %+7.1f MiB\n", label, min, median, max);
  bench_figure (name, median, "MiB", NULL, 0);
}

/* The request the view makes, timed from here: the service's share of the time to show. */
static void
time_api (DwTestServer *server,
          const char   *name,
          const char   *label,
          const char   *path)
{
  g_autoptr(DwTestResponse) response = NULL;
  gint64 started = g_get_monotonic_time ();
  double ms;

  response = dw_test_server_request (server, "GET", path, server->admin_token, NULL, NULL, 0);
  ms = (g_get_monotonic_time () - started) / 1000.0;
  dw_test_assert_status (response, 200);
  g_print ("%-50s %7.0f ms\n", label, ms);
  bench_figure (name, ms, "ms", NULL, 0);
}

static void
bench_performance (DwSession *session,
                   guint      agents,
                   guint      runs)
{
  g_autoptr(BenchSamples) times = bench_samples_new ();
  /* MiB × 1e6, to reuse the samples' sorting (percentile_ms divides by 1000). */
  g_autoptr(BenchSamples) peaks = bench_samples_new ();
  g_autoptr(BenchSamples) settles = bench_samples_new ();
  DwAgentPerformance *view = DW_AGENT_PERFORMANCE (dw_agent_performance_new ());
  GtkWindow *window = new_window (GTK_WIDGET (view));
  GtkColumnView *column_view = find_column_view (GTK_WIDGET (view));
  double base = 0, peak, settled;

  g_assert_nonnull (column_view);
  dw_agent_performance_set_period (view, "30d");
  dw_agent_performance_set_context (view, dw_session_get_sync (session),
                                    dw_session_get_clock (session));
  g_assert_false (dw_agent_performance_get_narrow (view));

  for (guint r = 0; r < runs; r++)
    {
      guint loads = dw_agent_performance_get_n_loads (view);
      gboolean have_peak;
      gint64 started;

      dw_agent_performance_set_team (view, 0);
      WAIT_UNTIL (rows_held (column_view) == 0);
      until_painted (window);

      /* Baseline: what earlier runs left given back first. */
      malloc_trim (0);
      base = status_mib ("VmRSS:");
      have_peak = reset_peak_rss ();
      started = g_get_monotonic_time ();
      dw_agent_performance_set_team (view, 1);
      WAIT_UNTIL (dw_agent_performance_get_n_loads (view) > loads
                  && rows_held (column_view) == agents);
      until_painted (NULL);
      bench_samples_add (times, g_get_monotonic_time () - started);
      peak = have_peak ? status_mib ("VmHWM:") : status_mib ("VmRSS:");

      dw_test_spin (1000);
      settled = status_mib ("VmRSS:");
      bench_samples_add (peaks, (gint64) ((peak - base) * 1e6));
      bench_samples_add (settles, (gint64) ((settled - base) * 1e6));
      g_print ("#   run %u: %.0f ms; RSS %.0f MiB before, peak %.0f MiB%s, settled %.0f MiB\n",
               r + 1, (g_get_monotonic_time () - started - G_USEC_PER_SEC) / 1000.0, base, peak,
               have_peak ? "" : " [no VmHWM reset]", settled);
    }
  print_times (times, "agents_console.performance_30d",
               "Performance 30d: set_team → 200 rows painted", 1500);
  print_mib (peaks, "agents_console.performance_30d.rss_peak", "  RSS peak over the baseline");
  print_mib (settles, "agents_console.performance_30d.rss_settled",
             "  RSS settled (1 s after) over the baseline");
  g_print ("%-50s %7.0f MiB\n", "  RSS of the console process at the end", status_mib ("VmRSS:"));
  gtk_window_destroy (window);
}

static void
bench_now (DwSession *session,
           guint      agents,
           guint      runs)
{
  g_autoptr(BenchSamples) times = bench_samples_new ();
  DwAgentsNow *view = DW_AGENTS_NOW (dw_agents_now_new ());
  GtkWindow *window = new_window (GTK_WIDGET (view));
  GtkColumnView *column_view = find_column_view (GTK_WIDGET (view));

  g_assert_nonnull (column_view);
  dw_agents_now_set_context (view, dw_session_get_sync (session), dw_session_get_clock (session));
  g_assert_false (dw_agents_now_get_narrow (view));

  for (guint r = 0; r < runs; r++)
    {
      guint loads = dw_agents_now_get_n_loads (view);
      gint64 started;

      dw_agents_now_set_team (view, 0);
      WAIT_UNTIL (g_list_model_get_n_items (dw_agents_now_get_model (view)) == 0);
      until_painted (window);

      started = g_get_monotonic_time ();
      dw_agents_now_set_team (view, 1);
      WAIT_UNTIL (dw_agents_now_get_n_loads (view) > loads
                  && g_list_model_get_n_items (dw_agents_now_get_model (view)) == agents
                  && rows_held (column_view) == agents
                  && gtk_widget_is_drawable (GTK_WIDGET (column_view)));
      until_painted (NULL);
      bench_samples_add (times, g_get_monotonic_time () - started);
    }
  print_times (times, "agents_console.now", "Now: set_team → 200 rows painted", 500);
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTestServer) server = NULL;
  g_autoptr(DwClient) client = NULL;
  g_autoptr(DwSession) session = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  guint agents = bench_env_uint ("BENCH_AGENTS", 200);
  guint tickets = bench_env_uint ("BENCH_AGENTS_TICKETS", 125000);
  guint runs = bench_env_uint ("BENCH_AGENTS_CONSOLE_RUNS", 3);
  gint64 started;
  guint rows;

  /* Not gtk_test_init(): its g_test_init() prints GIO's debug messages logged while GTK
   * starts (before bench_init() could turn them off again). */
  bench_init (FALSE);
  gtk_init ();
  adw_init ();

  dir = g_dir_make_tmp ("deskwatch-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "deskwatch.db", NULL);
  started = g_get_monotonic_time ();
  rows = bench_populate_agents (path, agents, 0, tickets, g_get_real_time () / G_USEC_PER_SEC);
  g_print ("# Agents section: %u agents, %u tickets over 30 days, %u audit rows, "
           "filled in %.1f s\n", agents, tickets, rows,
           (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
  server = bench_server_new (path);

  /* Before the console asks (its requests give up after 10 s): the first request of the
   * service may still wait for the trail it reads at start-up. */
  time_api (server, "agents_console.api.metrics_daily_first",
            "GET agents/metrics 30d daily series, first", METRICS_PATH);
  time_api (server, "agents_console.api.metrics_daily", "GET agents/metrics 30d daily series",
            METRICS_PATH);
  time_api (server, "agents_console.api.status", "GET agents/status",
            "/api/v1/agents/status?team_id=1");

  client = dw_client_new (server->url);
  dw_client_set_token (client, server->admin_token);
  session = dw_session_new (client, NULL, FALSE);
  dw_session_start (session);
  WAIT_UNTIL (dw_sync_get_state (dw_session_get_sync (session)) == DW_SYNC_STATE_CONNECTED);

  bench_performance (session, agents, runs);
  bench_now (session, agents, runs);

  dw_session_stop (session);
  return 0;
}
