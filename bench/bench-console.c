/* bench-console.c: the console's figures, on real windows under Xvfb (tests/run-ui-test.sh).
 *
 * 1. Start-up, each in a process of its own (this program run again), so that nothing is warm:
 *    `deskwatch --demo` (DwApplication, which starts the real deskwatchd --demo) from main() to
 *    the first frame painted with the demo's tickets in the Queues list (goal ≤ 0.8 s); and a
 *    saved desk (account in GSettings, token in the keyring) against a service already running
 *    with BENCH_CONSOLE_SAVED_TICKETS (1000) active tickets, main() → first frame with its
 *    tickets (goal ≤ 0.5 s).
 * 2. Syncing a desk of 10k and of 100k active tickets (all of them in the snapshot), filled by
 *    direct SQLite and served by the real deskwatchd: the window with the Queues section is up
 *    and painted (empty) first; then, from starting DwSync to the first frame of that section
 *    showing all the tickets (goal ≤ 1.5 s).  Memory: the baseline is the RSS after
 *    malloc_trim() just before the sync; the peak is VmHWM, reset (/proc/self/clear_refs "5")
 *    at the baseline and read at the first frame (goal ≤ +250 MiB); settled is the RSS one
 *    second after that frame, without trimming (goal ≤ +60 MiB).
 * 3. With the largest desk in the list: scrolling, re-sorting, and event-to-screen latency while
 *    another thread creates tickets through the API at a steady 200/s (POST sent → first frame
 *    painted after the ticket reached the console's list; the service's own work included).
 *
 * It prints figures and fails only when something does not arrive at all.
 * BENCH_CONSOLE_TICKETS ("10000,100000"), BENCH_CONSOLE_EVENTS (2000), BENCH_CONSOLE_RATE (200/s),
 * BENCH_CONSOLE_SAVED_TICKETS (1000).
 */
#include "config.h"

#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include <adwaita.h>

#include "bench-util.h"
#include "dw-account-manager.h"
#include "dw-application.h"
#include "queues/dw-queues-page.h"
#include "dw-session.h"
#include "dw-sync.h"
#include "dw-test-wait.h"
#include "queues/dw-ticket-list.h"
#include "dw-widget-util.h"
#include "dw-window.h"

#define SUBJECT_PREFIX "bench-"

static gint64 process_started;

/* Iterates the main context until @done, or fails after @seconds (a guard against hangs; a
 * function rather than WAIT_UNTIL because the wait for the events grows with their number). */
static void
wait_until (gboolean    (*done) (gpointer),
            gpointer      data,
            guint         seconds,
            const char   *what)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, dw_test_wake_cb, NULL);

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Gave up waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
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

/* Resident memory of this process, in MiB. */
static double
rss_mib (void)
{
  return status_mib ("VmRSS:");
}

/* Peak resident memory since the last reset_peak_rss(), in MiB. */
static double
peak_rss_mib (void)
{
  return status_mib ("VmHWM:");
}

/* Resets VmHWM to the current RSS (Linux ≥ 4.0); FALSE when the kernel does not let us. */
static gboolean
reset_peak_rss (void)
{
  /* Written in place (g_file_set_contents would replace the file). */
  FILE *file = fopen ("/proc/self/clear_refs", "w");
  gboolean done;

  if (file == NULL)
    return FALSE;
  done = fputs ("5", file) >= 0;
  done = fclose (file) == 0 && done;
  /* An old kernel takes the write and ignores it: then the peak is not the sync's. */
  return done && peak_rss_mib () < rss_mib () + 1;
}

/* A figure printed against its goal and recorded. */
static void
print_figure (const char *key,
              const char *label,
              double      value,
              const char *unit,
              double      goal)
{
  g_print ("%-52s %8.0f %s   (goal ≤ %.0f %s)\n", label, value, unit, goal, unit);
  bench_figure (key, value, unit, "<=", goal);
}

/* 1. Start to first frame with demo data */

typedef struct
{
  GtkApplication *app;
  DwWindow       *window;
  gint64          first_frame;
  gint64          signed_in;
} DemoRun;

static guint
window_tickets_shown (DwWindow *window)
{
  GtkWidget *page = dw_window_get_queues_page (window);

  if (dw_window_get_session (window) == NULL
      || g_strcmp0 (dw_window_get_mode (window), "desk") != 0)
    return 0;
  return dw_ticket_list_get_n_shown (DW_TICKET_LIST (
    dw_queues_page_get_ticket_list (DW_QUEUES_PAGE (page))));
}

static void
demo_after_paint_cb (GdkFrameClock *clock,
                     DemoRun       *run)
{
  if (run->signed_in == 0 && dw_window_get_session (run->window) != NULL)
    run->signed_in = g_get_monotonic_time ();
  if (run->first_frame == 0 && window_tickets_shown (run->window) > 0)
    {
      run->first_frame = g_get_monotonic_time ();
      g_action_group_activate_action (G_ACTION_GROUP (run->app), "quit", NULL);
    }
}

static gboolean
give_up_demo_cb (gpointer data)
{
  g_error ("No tickets were shown within two minutes");
  return G_SOURCE_REMOVE;
}

static void
demo_activated_cb (GApplication *application,
                   DemoRun      *run)
{
  if (run->window != NULL)
    return;
  run->window = DW_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (application)));
  g_assert_nonnull (run->window);
  gtk_widget_realize (GTK_WIDGET (run->window));
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (run->window)), "after-paint",
                    G_CALLBACK (demo_after_paint_cb), run);
}

/* In a process of its own: main() → first frame with tickets of DwApplication run with @argv
 * (the demo, or nothing: the saved active account). */
static void
bench_start (const char *key,
             const char *label,
             char      **argv,
             int         argc,
             double      goal_ms)
{
  DemoRun run = { 0 };
  guint give_up;

  run.app = GTK_APPLICATION (dw_application_new ());
  g_application_set_flags (G_APPLICATION (run.app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (run.app, "activate", G_CALLBACK (demo_activated_cb), &run);
  give_up = g_timeout_add_seconds (120, give_up_demo_cb, NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (run.app), argc, argv), ==, 0);
  g_source_remove (give_up);
  g_clear_object (&run.app);

  print_figure (key, label, (run.first_frame - process_started) / 1000.0, "ms", goal_ms);
  g_print ("%-52s %8.0f ms\n", "  main() → signed in (frame)",
           (run.signed_in - process_started) / 1000.0);
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

/* --remember URL USERNAME TOKEN: saves the account and its token as a sign-in would. */
static void
remember (const char *url,
          const char *username,
          const char *token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(DwAccountManager) manager = dw_account_manager_new (settings);
  g_autoptr(GAsyncResult) result = NULL;

  dw_account_manager_remember_async (manager, url, username, token, NULL, result_cb,
                                     &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (dw_account_manager_remember_finish (manager, result, &error));
  g_assert_no_error (error);
  g_settings_sync ();
}

/* This program again, with @mode and its arguments; its output goes to ours. */
static void
run_child (GSubprocessLauncher *launcher,
           const char * const  *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *self = g_file_read_link ("/proc/self/exe", &error);
  g_autoptr(GSubprocess) child = NULL;

  g_assert_no_error (error);
  g_ptr_array_add (argv, self);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  child = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (child, NULL, &error));
  g_assert_no_error (error);
}

static void
bench_saved_desk (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTestServer) server = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *dir = g_dir_make_tmp ("deskwatch-bench-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "deskwatch.db", NULL);
  guint n = bench_env_uint ("BENCH_CONSOLE_SAVED_TICKETS", 1000);

  g_assert_no_error (error);
  g_print ("# Start with a saved desk against a running service (%u active tickets)\n", n);
  bench_populate_desk (path, n, g_get_real_time () / G_USEC_PER_SEC, TRUE);
  server = bench_server_new (path);

  /* The saved account must outlive the process that saves it: a settings file, not memory. */
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
  run_child (launcher, (const char * const []) { "--remember", server->url, "bench-admin",
                                                 server->admin_token, NULL });
  run_child (launcher, (const char * const []) { "--saved-start", NULL });
}

/* 2. Syncing 100k tickets, and 3. event-to-screen latency */

typedef struct
{
  /* The sender thread's own. */
  GMainContext *context;
  SoupSession  *session;
  char         *url;
  char         *auth;
  guint         n_events;
  guint         rate;
  gint64        started;
  guint         sent;
  guint         answered;  /* atomic: read by the console's thread */

  /* Shared: written by the sender before each request, read by the console. */
  GMutex        lock;
  gint64       *sent_at;
} Sender;

typedef struct
{
  Sender       *sender;
  DwSync       *sync;
  GtkWidget    *window;
  DwTicketList *list;
  gint64        first_frame;
  guint         expected_shown;

  /* Event latency: tickets in the list but not yet on a painted frame. */
  GArray       *arrived;    /* of guint: ticket numbers k */
  gint64       *model_at;   /* by k */
  guint         n_seen;
  BenchSamples *to_model;
  BenchSamples *to_screen;
} Desk;

static void
posted_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Sender *sender = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  g_assert_no_error (error);
  if (soup_message_get_status (msg) != 201)
    g_error ("POST /api/v1/tickets answered %u", soup_message_get_status (msg));
  g_atomic_int_inc (&sender->answered);
}

static void
send_one (Sender *sender,
          guint   k)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", sender->url);
  g_autofree char *text = g_strdup_printf ("{\"subject\":\"" SUBJECT_PREFIX "%u 快递三天没更新\","
                                           "\"channel\":\"app\",\"business_type\":\"logistics\"}",
                                           k);
  g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                sender->auth);
  g_mutex_lock (&sender->lock);
  sender->sent_at[k] = g_get_monotonic_time ();
  g_mutex_unlock (&sender->lock);
  soup_session_send_and_read_async (sender->session, msg, G_PRIORITY_DEFAULT, NULL, posted_cb,
                                    sender);
}

/* Keeps to the rate by the clock, not by the timer (which drifts): sends what is due. */
static gboolean
send_cb (gpointer data)
{
  Sender *sender = data;
  gint64 due = (g_get_monotonic_time () - sender->started) * sender->rate / G_USEC_PER_SEC + 1;

  while (sender->sent < sender->n_events && sender->sent < due)
    send_one (sender, sender->sent++);
  return sender->sent < sender->n_events ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gpointer
sender_thread (gpointer data)
{
  Sender *sender = data;
  g_autoptr(GSource) timer = NULL;

  g_main_context_push_thread_default (sender->context);
  sender->session = soup_session_new_with_options ("max-conns-per-host", 8, "timeout", 60, NULL);
  sender->started = g_get_monotonic_time ();
  timer = g_timeout_source_new (2);
  g_source_set_callback (timer, send_cb, sender, NULL);
  g_source_attach (timer, sender->context);
  while ((guint) g_atomic_int_get (&sender->answered) < sender->n_events)
    g_main_context_iteration (sender->context, TRUE);
  g_source_destroy (timer);
  g_clear_object (&sender->session);
  g_main_context_pop_thread_default (sender->context);
  return NULL;
}

/* Smoothness with the whole desk in the list: a page of scrolling per frame, then a re-sort. */

typedef struct
{
  GtkAdjustment *adjustment;
  guint          frames;
  guint          wanted;
  gint64         last;
  BenchSamples  *intervals;
  GtkSortListModel *sort_model;
  GtkWidget     *view;
  gint64         sort_started;
  gint64         sorted_frame;
  BenchSamples  *sort_intervals;
} Scroll;

static void
scroll_after_paint_cb (GdkFrameClock *clock,
                       Scroll        *scroll)
{
  gint64 now = g_get_monotonic_time ();
  double value = gtk_adjustment_get_value (scroll->adjustment);
  double page = gtk_adjustment_get_page_size (scroll->adjustment);
  double upper = gtk_adjustment_get_upper (scroll->adjustment);

  if (scroll->sort_started != 0)
    {
      if (scroll->sorted_frame != 0)
        return;
      bench_samples_add (scroll->sort_intervals, now - scroll->last);
      scroll->last = now;
      if (gtk_sort_list_model_get_pending (scroll->sort_model) == 0)
        scroll->sorted_frame = now;
      else
        gtk_widget_queue_draw (scroll->view);  /* a frame as often as the sorting lets us */
      return;
    }
  if (scroll->frames >= scroll->wanted)
    return;
  if (scroll->last != 0)
    bench_samples_add (scroll->intervals, now - scroll->last);
  scroll->last = now;
  scroll->frames++;
  /* A page down every frame, back to the top at the end: each frame binds new rows. */
  gtk_adjustment_set_value (scroll->adjustment, value + page < upper - page ? value + page : 0);
}

static gboolean
scrolled_enough (gpointer data)
{
  Scroll *scroll = data;

  return scroll->frames >= scroll->wanted;
}

static gboolean
sorted_and_painted (gpointer data)
{
  return ((Scroll *) data)->sorted_frame != 0;
}

static gboolean
sort_done (gpointer data)
{
  return gtk_sort_list_model_get_pending (data) == 0;
}

static void
bench_scroll_and_sort (GtkWidget    *window,
                       DwTicketList *list,
                       guint         n)
{
  GtkWidget *view = dw_widget_find_descendant (GTK_WIDGET (list), GTK_TYPE_COLUMN_VIEW);
  GtkScrolledWindow *scroller;
  Scroll scroll = { 0 };
  gulong handler;

  g_assert_nonnull (view);
  scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (view, GTK_TYPE_SCROLLED_WINDOW));
  g_assert_nonnull (scroller);
  scroll.adjustment = gtk_scrolled_window_get_vadjustment (scroller);
  scroll.wanted = 600;
  scroll.intervals = bench_samples_new ();
  handler = g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                              G_CALLBACK (scroll_after_paint_cb), &scroll);
  gtk_widget_queue_draw (window);
  wait_until (scrolled_enough, &scroll, 300, "600 frames of scrolling");
  g_print ("# Scrolling the list of %u tickets a page per frame, %u frames\n", n, scroll.wanted);
  bench_samples_print (scroll.intervals, "frame to frame");

  /* Sorting all of them by subject, to the frame that shows the new order, and how long the
   * window went without a frame meanwhile. */
  scroll.sort_model = GTK_SORT_LIST_MODEL (dw_ticket_list_get_model (list));
  scroll.view = view;
  scroll.sort_intervals = bench_samples_new ();
  scroll.sort_started = scroll.last = g_get_monotonic_time ();
  dw_ticket_list_sort_by (list, "subject", GTK_SORT_ASCENDING);
  gtk_widget_queue_draw (window);
  wait_until (sorted_and_painted, &scroll, 300, "the sorted frame");
  g_print ("%-52s %8.0f ms\n", "re-sort by subject → sorted frame painted",
           (scroll.sorted_frame - scroll.sort_started) / 1000.0);
  bench_samples_print (scroll.sort_intervals, "frame to frame while sorting");
  /* Back to the usual order, finished before anything else is measured. */
  dw_ticket_list_sort_by (list, "number", GTK_SORT_DESCENDING);
  wait_until (sort_done, scroll.sort_model, 300, "the list sorted back by number");
  bench_samples_free (scroll.sort_intervals);

  g_signal_handler_disconnect (gtk_widget_get_frame_clock (window), handler);
  bench_samples_free (scroll.intervals);
}

static gboolean
sync_connected (gpointer data)
{
  DwSync *sync = data;

  if (dw_sync_get_state (sync) == DW_SYNC_STATE_OFFLINE && dw_sync_get_error (sync) != NULL)
    g_error ("Sync failed: %s", dw_sync_get_error (sync)->message);
  return dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED;
}

static gboolean
all_events_seen (gpointer data)
{
  Desk *desk = data;

  return desk->n_seen == desk->sender->n_events && desk->arrived->len == 0;
}

/* A ticket of the sender reached the console's list models (the store, and through it the
 * filter and sort of the list, which are connected before us). */
static void
tickets_changed_cb (GListModel *store,
                    guint       position,
                    guint       removed,
                    guint       added,
                    Desk       *desk)
{
  gint64 now = g_get_monotonic_time ();

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(DwTicket) ticket = g_list_model_get_item (store, i);
      const char *subject = dw_ticket_get_subject (ticket);
      guint k;

      if (!g_str_has_prefix (subject, SUBJECT_PREFIX))
        continue;
      k = (guint) g_ascii_strtoull (subject + strlen (SUBJECT_PREFIX), NULL, 10);
      g_assert_cmpuint (k, <, desk->sender->n_events);
      if (desk->model_at[k] != 0)
        continue;
      desk->model_at[k] = now;
      g_array_append_val (desk->arrived, k);
      desk->n_seen++;
    }
}

static void
desk_after_paint_cb (GdkFrameClock *clock,
                     Desk          *desk)
{
  gint64 now = g_get_monotonic_time ();

  if (desk->first_frame == 0 && dw_ticket_list_get_n_shown (desk->list) >= desk->expected_shown)
    desk->first_frame = now;
  if (desk->arrived->len == 0)
    return;

  g_mutex_lock (&desk->sender->lock);
  for (guint i = 0; i < desk->arrived->len; i++)
    {
      guint k = g_array_index (desk->arrived, guint, i);

      bench_samples_add (desk->to_model, desk->model_at[k] - desk->sender->sent_at[k]);
      bench_samples_add (desk->to_screen, now - desk->sender->sent_at[k]);
    }
  g_mutex_unlock (&desk->sender->lock);
  g_array_set_size (desk->arrived, 0);
}

static gboolean
settled (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

static void
bench_desk (guint    n,
            gboolean last)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTestServer) server = NULL;
  g_autoptr(DwClient) client = NULL;
  g_autoptr(GThread) thread = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *key = NULL;
  g_autofree char *label = NULL;
  Sender sender = { 0 };
  Desk desk = { 0 };
  GtkWidget *page;
  gint64 started, synced = 0, settle_until;
  double rss_before, rss_peak, rss_settled;
  gboolean have_peak;

  dir = g_dir_make_tmp ("deskwatch-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "deskwatch.db", NULL);
  g_print ("# Syncing %u active tickets (all in the snapshot)\n", n);
  bench_populate_desk (path, n, g_get_real_time () / G_USEC_PER_SEC, TRUE);
  server = bench_server_new (path);

  client = dw_client_new (server->url);
  dw_client_set_token (client, server->admin_token);
  desk.sync = dw_sync_new (client, NULL);
  desk.expected_shown = n;

  /* The Queues section as the window shows it, in a window of the default size, up and painted
   * before the sync starts: the time counts to the first frame that shows the tickets. */
  page = dw_queues_page_new ();
  dw_queues_page_set_sync (DW_QUEUES_PAGE (page), desk.sync);
  desk.list = DW_TICKET_LIST (dw_queues_page_get_ticket_list (DW_QUEUES_PAGE (page)));
  desk.window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (desk.window), 1200, 760);
  gtk_window_set_child (GTK_WINDOW (desk.window), page);
  desk.arrived = g_array_new (FALSE, FALSE, sizeof (guint));
  gtk_widget_realize (desk.window);
  gtk_window_present (GTK_WINDOW (desk.window));
  gtk_test_widget_wait_for_draw (desk.window);
  g_signal_connect (gtk_widget_get_frame_clock (desk.window), "after-paint",
                    G_CALLBACK (desk_after_paint_cb), &desk);

  /* Baseline: what is left of earlier runs given back first. */
  malloc_trim (0);
  rss_before = rss_mib ();
  have_peak = reset_peak_rss ();
  started = g_get_monotonic_time ();
  dw_sync_start (desk.sync);
  while (desk.first_frame == 0)
    {
      if (synced == 0 && sync_connected (desk.sync))
        synced = g_get_monotonic_time ();
      if (g_get_monotonic_time () - started > 300 * G_USEC_PER_SEC)
        g_error ("Gave up waiting for the first frame with the tickets");
      g_main_context_iteration (NULL, TRUE);
    }
  rss_peak = have_peak ? peak_rss_mib () : rss_mib ();
  if (synced == 0)
    synced = desk.first_frame;
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (dw_sync_get_tickets (desk.sync))), ==, n);
  settle_until = g_get_monotonic_time () + G_USEC_PER_SEC;
  wait_until (settled, &settle_until, 10, "a second");
  rss_settled = rss_mib ();

  g_print ("%-52s %8.0f ms\n", "  sync started → DwSync connected (snapshot applied)",
           (synced - started) / 1000.0);
  key = g_strdup_printf ("console.sync_%uk.first_frame", n / 1000);
  label = g_strdup_printf ("%uk: sync started → first frame with the tickets", n / 1000);
  print_figure (key, label, (desk.first_frame - started) / 1000.0, "ms", 1500);
  g_free (key);
  g_free (label);
  key = g_strdup_printf ("console.sync_%uk.rss_peak", n / 1000);
  label = g_strdup_printf ("%uk: RSS peak over the baseline (%.0f MiB)%s", n / 1000, rss_before,
                           have_peak ? "" : " [no VmHWM reset]");
  print_figure (key, label, rss_peak - rss_before, "MiB", 250);
  g_free (key);
  g_free (label);
  key = g_strdup_printf ("console.sync_%uk.rss_settled", n / 1000);
  label = g_strdup_printf ("%uk: RSS settled (1 s after) over the baseline", n / 1000);
  print_figure (key, label, rss_settled - rss_before, "MiB", 60);

  if (!last)
    {
      gtk_window_destroy (GTK_WINDOW (desk.window));
      dw_sync_stop (desk.sync);
      g_clear_object (&desk.sync);
      g_array_unref (desk.arrived);
      return;
    }

  bench_scroll_and_sort (desk.window, desk.list, n);

  /* 3. Events at a steady rate from another thread, while the list holds the whole desk. */
  sender.n_events = bench_env_uint ("BENCH_CONSOLE_EVENTS", 2000);
  sender.rate = bench_env_uint ("BENCH_CONSOLE_RATE", 200);
  sender.url = g_strdup_printf ("%sapi/v1/tickets", server->url);
  sender.auth = g_strdup_printf ("Bearer %s", server->admin_token);
  sender.sent_at = g_new0 (gint64, sender.n_events);
  sender.context = g_main_context_new ();
  g_mutex_init (&sender.lock);
  desk.sender = &sender;
  desk.model_at = g_new0 (gint64, sender.n_events);
  desk.to_model = bench_samples_new ();
  desk.to_screen = bench_samples_new ();
  g_signal_connect (dw_sync_get_tickets (desk.sync), "items-changed",
                    G_CALLBACK (tickets_changed_cb), &desk);

  g_print ("# Event to screen: %u tickets created through the API at %u/s, with %u in the list\n",
           sender.n_events, sender.rate, n);
  started = g_get_monotonic_time ();
  thread = g_thread_new ("sender", sender_thread, &sender);
  wait_until (all_events_seen, &desk, sender.n_events / sender.rate + 120, "every event");
  g_thread_join (g_steal_pointer (&thread));
  g_print ("%-52s %8.1f /s\n", "achieved rate of creation",
           sender.n_events / ((g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC));
  bench_samples_print (desk.to_model, "POST sent → ticket in the console's list model");
  bench_samples_print (desk.to_screen, "POST sent → first frame painted after it");
  g_print ("%-52s %8.0f MiB\n", "RSS at the end", rss_mib ());

  /* Where the sync's time goes: the service answering and the transfer, then parsing. */
  {
    g_autofree char *url = g_strdup_printf ("%sapi/v1/snapshot", server->url);
    g_autofree char *auth = g_strdup_printf ("Bearer %s", server->admin_token);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(JsonParser) parser = json_parser_new ();
    gint64 t0, t1;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    t0 = g_get_monotonic_time ();
    bytes = soup_session_send_and_read (server->session, msg, NULL, &error);
    g_assert_no_error (error);
    t1 = g_get_monotonic_time ();
    g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                               g_bytes_get_size (bytes), &error));
    g_print ("%-52s %8.0f ms   %.1f MB\n", "GET /api/v1/snapshot alone (service + transfer)",
             (t1 - t0) / 1000.0, g_bytes_get_size (bytes) / 1e6);
    g_print ("%-52s %8.0f ms\n", "parsing it (json-glib)", (g_get_monotonic_time () - t1) / 1000.0);
  }

  gtk_window_destroy (GTK_WINDOW (desk.window));
  dw_sync_stop (desk.sync);
  g_clear_object (&desk.sync);
  g_array_unref (desk.arrived);
  g_free (desk.model_at);
  bench_samples_free (desk.to_model);
  bench_samples_free (desk.to_screen);
  g_free (sender.sent_at);
  g_free (sender.url);
  g_free (sender.auth);
  g_mutex_clear (&sender.lock);
  g_main_context_unref (sender.context);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_auto(GStrv) levels = NULL;
  guint n_levels;

  process_started = g_get_monotonic_time ();
  bench_init (FALSE);

  if (argc == 2 && g_str_equal (argv[1], "--demo-start"))
    {
      char *demo_argv[] = { (char *) "deskwatch", (char *) "--demo", NULL };

      g_print ("# Start to first frame, each in a new process\n");
      bench_start ("console.demo_start", "deskwatch --demo: main() → first frame with tickets",
                   demo_argv, 2, 800);
      return 0;
    }
  if (argc == 2 && g_str_equal (argv[1], "--saved-start"))
    {
      char *saved_argv[] = { (char *) "deskwatch", NULL };

      bench_start ("console.saved_desk_start",
                   "saved desk: main() → first frame with tickets", saved_argv, 1, 500);
      return 0;
    }
  if (argc == 5 && g_str_equal (argv[1], "--remember"))
    {
      remember (argv[2], argv[3], argv[4]);
      return 0;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  run_child (launcher, (const char * const []) { "--demo-start", NULL });
  bench_saved_desk ();

  gtk_init ();
  adw_init ();
  levels = g_strsplit (g_getenv ("BENCH_CONSOLE_TICKETS") != NULL
                       ? g_getenv ("BENCH_CONSOLE_TICKETS") : "10000,100000", ",", -1);
  n_levels = g_strv_length (levels);
  for (guint l = 0; l < n_levels; l++)
    {
      guint n = (guint) g_ascii_strtoull (levels[l], NULL, 10);

      if (n > 0)
        bench_desk (n, l == n_levels - 1);
    }
  return 0;
}
