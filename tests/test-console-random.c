/* Long-running UI test: the real console (DwApplication and its DwWindow) on the demo desk of
 * a real `deskwatchd --demo --speed 60`, driven through random sequences of what a lead does:
 * switch sections, open and close popovers, menus and dialogs, filter, sort, select, act on
 * tickets, reload the figures, and the service restarting underneath.  Any CRITICAL or warning
 * fails it (g_test_init makes them fatal, G_DEBUG=fatal-criticals too); under
 * `build-aux/test --sanitize` so does any memory error.
 *
 * The sequence is drawn from a GRand seeded with $DESKWATCH_RANDOM_SEED, or a fixed seed, and
 * printed; it runs for $DESKWATCH_RANDOM_SECONDS (default 75).  The same seed draws the same
 * actions, and seeds the demo desk ($DESKWATCH_DEMO_SEED); what they meet still depends on the
 * demo's clock, so a failure is reproduced by its seed most of the time, not always: every step
 * is logged.
 *
 * A focused case runs first: a compliance figure's drill-down, paged to its end, left open over
 * refreshes (issue 9: that crashed the console), then a ticket picked in it.  A second one
 * closes the window by its close button with the pointer on the open main menu, then opens
 * About (seed 17, a Gdk-CRITICAL from the tooltip of the closed window's menu).
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <gdk/x11/gdkx.h>

#include "dw-application.h"
#include "dw-connection-banner.h"
#include "queues/dw-queues-page.h"
#include "sla/dw-sla-board.h"
#include "sla/dw-sla-compliance.h"
#include "sla/dw-sla-drill-down.h"
#include "dw-test-notifications.h"
#include "dw-test-server.h"
#define DW_TEST_WAIT_SECONDS 90
#include "dw-test-wait.h"
#include "dw-ticket-detail.h"
#include "queues/dw-ticket-list.h"
#include "dw-widget-util.h"
#include "dw-window.h"

#define DEFAULT_SEED 20261206
#define DEFAULT_SECONDS 75

static DwTestServer *server;
static char *lead_password;
static guint16 port;
static DwApplication *app;
static GRand *rand_;
static guint32 seed;
static double seconds;

/* The demo service */

static const char *
deskwatchd_path (void)
{
  const char *path = g_getenv ("DESKWATCHD");

  g_assert_nonnull (path);
  return path;
}

/* Starts deskwatchd --demo --speed 60 on the test's database (seeded on the first start, kept
 * after) and reads its URL and the lead's sign-in from its first lines. */
static void
start_demo (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *demo_seed = g_strdup_printf ("%u", seed);
  const char *argv[] = {
    deskwatchd_path (), "--db", server->db_path, "--listen", listen, "--demo", "--speed", "60",
    NULL
  };
  gboolean listening = FALSE;

  g_assert_null (server->process);
  launcher = dw_test_server_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "DESKWATCH_DEMO_SEED", demo_seed, TRUE);
  server->process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  for (int i = 0; i < 10 && (!listening || lead_password == NULL); i++)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        break;
      g_test_message ("deskwatchd: %s", line);
      if (g_str_has_prefix (line, "Listening on "))
        {
          g_free (server->url);
          server->url = g_strdup (line + strlen ("Listening on "));
          listening = TRUE;
        }
      else if (g_str_has_prefix (line, "Demo lead: "))
        {
          g_auto(GStrv) parts = g_strsplit (line + strlen ("Demo lead: "), " / ", 2);

          g_assert_cmpuint (g_strv_length (parts), ==, 2);
          g_assert_cmpstr (g_strstrip (parts[0]), ==, "lead");
          g_free (lead_password);
          lead_password = g_strdup (g_strstrip (parts[1]));
        }
    }
  if (!listening || lead_password == NULL)
    g_error ("deskwatchd --demo printed no URL or no lead");

  if (port == 0)
    {
      g_autoptr(GUri) uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, NULL);

      g_assert_nonnull (uri);
      port = (guint16) g_uri_get_port (uri);
    }

  /* The compliance figures count the demo's past days, written after it starts listening. */
  dw_test_server_wait_demo_history (server);
}

/* The console */

static void
activated_cb (GApplication *application,
              gpointer      body)
{
  static gboolean running;

  /* Only the first activation runs the body (a notification may activate it again). */
  if (running)
    return;
  running = TRUE;
  ((void (*) (void)) body) ();
  running = FALSE;
}

/* One run of the console as `deskwatch` runs it, with @body run once the window is up. */
static void
launch (void (*body) (void))
{
  g_assert_null (app);
  app = dw_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activated_cb), body);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);
  g_clear_object (&app);
}

static DwWindow *
main_window (void)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  for (GList *l = windows; l != NULL; l = l->next)
    if (DW_IS_WINDOW (l->data))
      return l->data;
  g_assert_not_reached ();
}

static DwQueuesPage *
queues_page (void)
{
  return DW_QUEUES_PAGE (dw_window_get_queues_page (main_window ()));
}

static DwTicketList *
ticket_list (void)
{
  return DW_TICKET_LIST (dw_queues_page_get_ticket_list (queues_page ()));
}

static DwSlaCompliance *
compliance (void)
{
  DwSlaBoard *board = DW_SLA_BOARD (dw_window_get_sla_board (main_window ()));

  return DW_SLA_COMPLIANCE (dw_sla_board_get_compliance (board));
}

static gboolean
live (void)
{
  DwSession *session = dw_application_get_session (app);

  return session != NULL
         && g_strcmp0 (dw_window_get_mode (main_window ()), "desk") == 0
         && dw_sync_get_state (dw_session_get_sync (session)) == DW_SYNC_STATE_CONNECTED;
}

/* Signs in as the demo's lead the first time; later launches sign in silently. */
static void
sign_in (void)
{
  DwWindow *window = main_window ();

  if (g_strcmp0 (dw_window_get_mode (window), "welcome") == 0)
    {
      DwWelcomePage *page = dw_window_get_welcome_page (window);

      dw_welcome_page_set_fields (page, server->url, "lead", lead_password);
      dw_welcome_page_sign_in (page);
    }
  WAIT_UNTIL (live ());
}

static void
quit (void)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

/* Widgets */

static void
collect (GtkWidget *widget,
         GType      type,
         gboolean   mapped_only,
         GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (mapped_only && !gtk_widget_get_mapped (child))
        continue;
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        g_ptr_array_add (found, child);
      collect (child, type, mapped_only, found);
    }
}

/* Every mapped @type in every window of the console (popovers are in their parent's tree). */
static GPtrArray *
collect_everywhere (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (gtk_widget_get_mapped (toplevel))
        collect (toplevel, type, TRUE, found);
    }
  return found;
}

static gpointer
pick (GPtrArray *array)
{
  if (array->len == 0)
    return NULL;
  return array->pdata[g_rand_int_range (rand_, 0, (gint32) array->len)];
}

static char *
describe (GtkWidget *widget)
{
  const char *text = NULL;

  if (GTK_IS_BUTTON (widget))
    text = gtk_button_get_label (GTK_BUTTON (widget));
  if (text == NULL)
    text = gtk_widget_get_tooltip_text (widget);
  if (text == NULL && GTK_IS_BUTTON (widget))
    text = gtk_button_get_icon_name (GTK_BUTTON (widget));
  return g_strdup_printf ("%s \"%s\" in %s", G_OBJECT_TYPE_NAME (widget), text != NULL ? text : "",
                          G_OBJECT_TYPE_NAME (gtk_widget_get_root (widget)));
}

/* Not the window's own close button: closing the main window ends the run.  Dialogs are
 * closed by an action of their own. */
/* Whether some of @widget is in view in every scrolled window it is in: what a lead can see
 * and click.  (A popover pointing at a widget scrolled out of the screen finds no monitor, and
 * GTK logs a CRITICAL: no lead can get there.) */
static gboolean
in_view (GtkWidget *widget)
{
  for (GtkWidget *ancestor = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
       ancestor != NULL;
       ancestor = gtk_widget_get_ancestor (gtk_widget_get_parent (ancestor),
                                           GTK_TYPE_SCROLLED_WINDOW))
    {
      graphene_rect_t bounds, view;

      graphene_rect_init (&view, 0, 0, gtk_widget_get_width (ancestor),
                          gtk_widget_get_height (ancestor));
      if (!gtk_widget_compute_bounds (widget, ancestor, &bounds)
          || !graphene_rect_intersection (&bounds, &view, NULL))
        return FALSE;
      if (gtk_widget_get_parent (ancestor) == NULL)
        break;
    }
  return TRUE;
}

static gboolean
clickable (GtkWidget *widget)
{
  return gtk_widget_is_sensitive (widget)
         && in_view (widget)
         && gtk_widget_get_ancestor (widget, GTK_TYPE_WINDOW_CONTROLS) == NULL
         /* Its links open a browser, which a test session has not got. */
         && !ADW_IS_ABOUT_WINDOW (gtk_widget_get_root (widget));
}

static DwSlaDrillDown *
open_drill_down (void)
{
  DwSlaDrillDown *drill_down = DW_SLA_DRILL_DOWN (dw_sla_compliance_get_drill_down (compliance ()));

  return gtk_widget_get_mapped (GTK_WIDGET (drill_down)) ? drill_down : NULL;
}

/* A figure's button in the compliance view whose query is @query. */
static GtkWidget *
find_figure (const char *query)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect (GTK_WIDGET (compliance ()), GTK_TYPE_BUTTON, TRUE, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (g_object_get_data (buttons->pdata[i], "dw-query"), query) == 0)
      return buttons->pdata[i];
  return NULL;
}

static gboolean in_view (GtkWidget *widget);
static void close_dialogs (void);

/* The ticket the queues' detail shows, 0 for none. */
static gint64
shown_ticket (void)
{
  GtkWidget *detail = dw_queues_page_get_ticket_detail (queues_page ());
  DwTicket *ticket = dw_ticket_detail_get_ticket (DW_TICKET_DETAIL (detail));

  return ticket != NULL ? dw_ticket_get_id (ticket) : 0;
}

/* The focused case */

static void
drill_down_body (void)
{
  JsonObject *figures, *figure;
  GtkWidget *button;
  DwSlaDrillDown *drill_down;
  DwTicketPages *tickets;
  GtkAdjustment *adjustment;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  gint64 breached, due, expected, picked;
  guint n, loads;
  const char *query;
  DwConnectionBanner *banner;

  sign_in ();
  dw_window_show_section (main_window (), "compliance");
  WAIT_UNTIL (dw_sla_compliance_get_n_loads (compliance ()) > 0);

  /* All the lead's teams over 30 days: hundreds of first responses behind one figure. */
  figures = dw_sla_compliance_get_figures (compliance ());
  figure = json_object_get_object_member (figures, "total");
  figure = json_object_get_object_member (json_object_get_object_member (figure, "30d"),
                                          "first-response");
  breached = json_object_get_int_member (figure, "breached");
  due = json_object_get_int_member (figure, "due");
  expected = breached > 0 ? breached : due;
  query = breached > 0 ? "period=30d&target=first-response&outcome=breached"
                       : "period=30d&target=first-response";
  g_test_message ("drill-down: %s, %" G_GINT64_FORMAT " tickets", query, expected);
  g_assert_cmpint (expected, >, 50);

  button = find_figure (query);
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  WAIT_UNTIL ((drill_down = open_drill_down ()) != NULL);
  tickets = dw_sla_drill_down_get_tickets (drill_down);
  WAIT_UNTIL (dw_ticket_pages_get_n_tickets (tickets) > 0
              && !dw_ticket_pages_get_loading (tickets));
  /* Not all at once: a page, and more to come. */
  g_assert_cmpuint (dw_ticket_pages_get_n_tickets (tickets), <, expected);
  g_assert_true (dw_ticket_pages_get_has_more (tickets));

  /* The next page comes on scrolling to the end... */
  n = dw_ticket_pages_get_n_tickets (tickets);
  adjustment = gtk_scrolled_window_get_vadjustment (
    GTK_SCROLLED_WINDOW (dw_widget_find_descendant (GTK_WIDGET (drill_down),
                                                    GTK_TYPE_SCROLLED_WINDOW)));
  WAIT_UNTIL (gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  WAIT_UNTIL (dw_ticket_pages_get_n_tickets (tickets) > n
              && !dw_ticket_pages_get_loading (tickets));

  /* ...the rest from "Show More", while the figures reload twice under the open popover and
   * are grouped by policy and back: it stays open, on the same tickets. */
  for (int i = 0; dw_ticket_pages_get_has_more (tickets); i++)
    {
      g_autoptr(GPtrArray) list_rows = g_ptr_array_new ();
      GtkWidget *more;

      if (i < 2)
        {
          loads = dw_sla_compliance_get_n_loads (compliance ());
          dw_sla_compliance_refresh (compliance ());
          WAIT_UNTIL (dw_sla_compliance_get_n_loads (compliance ()) > loads);
        }
      else if (i < 4)
        {
          dw_sla_compliance_set_by_policy (compliance (), i == 2);
        }
      dw_test_spin (50);
      g_assert_true (open_drill_down () == drill_down);

      collect (GTK_WIDGET (drill_down), GTK_TYPE_LIST_BOX_ROW, TRUE, list_rows);
      more = g_ptr_array_index (list_rows, list_rows->len - 1);
      g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (more)));
      n = dw_ticket_pages_get_n_tickets (tickets);
      gtk_widget_activate (more);
      WAIT_UNTIL (dw_ticket_pages_get_n_tickets (tickets) > n
                  && !dw_ticket_pages_get_loading (tickets));
    }

  /* Every ticket behind the figure, once: the figure may have grown since it was drawn
   * (the demo runs on), never shrunk. */
  n = dw_ticket_pages_get_n_tickets (tickets);
  g_test_message ("drill-down: %u tickets in pages", n);
  g_assert_cmpuint (n, >=, expected);
  for (guint i = 0; i < n; i++)
    {
      gint64 *id = g_new (gint64, 1);

      *id = dw_ticket_pages_get_ticket_id (tickets, i);
      g_assert_cmpint (*id, >, 0);
      g_assert_false (g_hash_table_contains (seen, id));
      g_hash_table_add (seen, id);
    }

  /* A ticket picked in it: the popover closes, the ticket shows in the queues. */
  collect (GTK_WIDGET (drill_down), GTK_TYPE_LIST_BOX_ROW, TRUE, rows);
  picked = dw_ticket_pages_get_ticket_id (tickets, 3);
  gtk_widget_activate (g_ptr_array_index (rows, 3));
  WAIT_UNTIL (open_drill_down () == NULL);
  WAIT_UNTIL (shown_ticket () == picked);

  /* A figure just below the view, open (pointing at the bottom of the view), when the service
   * goes away: the connection banner pushes the page down under the popover, which would then
   * point below the window, off the screen.  It stays open, pointing at what is in view (GTK
   * logs a CRITICAL for a popover off every monitor). */
  dw_window_show_section (main_window (), "compliance");
  {
    GtkWidget *lowest = NULL;
    int width = 0, height = 0;

    gtk_window_get_default_size (GTK_WINDOW (main_window ()), &width, &height);
    /* Some figure must be below the view: when the desk's figures all fit, a shorter window. */
    for (int shorter = 0; lowest == NULL && shorter < 8; shorter++)
      {
        g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
        double lowest_y = G_MAXDOUBLE;

        if (shorter > 0)
          gtk_window_set_default_size (GTK_WINDOW (main_window ()), width,
                                       MAX (height - 60 * shorter, 300));
        dw_test_spin (300);
        collect (GTK_WIDGET (compliance ()), GTK_TYPE_BUTTON, TRUE, buttons);
        for (guint i = 0; i < buttons->len; i++)
          {
            graphene_rect_t bounds;

            if (g_object_get_data (buttons->pdata[i], "dw-query") == NULL
                || !gtk_widget_is_sensitive (buttons->pdata[i]) || in_view (buttons->pdata[i])
                || !gtk_widget_compute_bounds (buttons->pdata[i], GTK_WIDGET (main_window ()),
                                               &bounds))
              continue;
            if (bounds.origin.y < lowest_y)
              {
                lowest_y = bounds.origin.y;
                lowest = buttons->pdata[i];
              }
          }
      }
    g_assert_nonnull (lowest);
    g_signal_emit_by_name (lowest, "clicked");
    WAIT_UNTIL ((drill_down = open_drill_down ()) != NULL);
  }
  dw_sync_set_backoff (dw_session_get_sync (dw_application_get_session (app)), 100, 500);
  dw_test_server_kill (server);
  banner = DW_CONNECTION_BANNER (dw_window_get_banner (main_window ()));
  WAIT_UNTIL (dw_connection_banner_get_revealed (banner));
  dw_test_spin (500);
  start_demo ();
  WAIT_UNTIL (live ());
  dw_test_spin (300);
  gtk_popover_popdown (GTK_POPOVER (drill_down));
  quit ();
}

static void
test_drill_down (void)
{
  launch (drill_down_body);
}

/* Closed from its menu */

/* Puts the X pointer on the middle of @widget, as a lead's mouse would be, and waits until the
 * X server has it there; FALSE if @widget went from the screen meanwhile. */
static gboolean
point_at (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = gtk_native_get_surface (native);
  GdkDisplay *display = gtk_widget_get_display (widget);
  GdkDevice *pointer = gdk_seat_get_pointer (gdk_display_get_default_seat (display));
  graphene_rect_t bounds;
  double x, y;

  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (native), &bounds));
  gtk_native_get_surface_transform (native, &x, &y);
  XWarpPointer (gdk_x11_display_get_xdisplay (display), None, gdk_x11_surface_get_xid (surface),
                0, 0, 0, 0, (int) (x + bounds.origin.x + bounds.size.width / 2),
                (int) (y + bounds.origin.y + bounds.size.height / 2));
  XFlush (gdk_x11_display_get_xdisplay (display));
  WAIT_UNTIL (gdk_device_get_surface_at_position (pointer, NULL, NULL) == surface
              || !gtk_widget_get_mapped (widget));
  return gtk_widget_get_mapped (widget);
}

/* The window's close button while the pointer rests on its main menu, then About (seed 17 of
 * the random run, on a loaded machine).  The pointer on the menu gives GTK's tooltip that menu
 * and starts its hover delay (500 ms); GTK 4.8 drops the tooltip's surface when the window it
 * is on goes (gtk_window_destroy), not when a popover of that window goes with it.  When the
 * delay ran out after the close, GTK asked the pointer's position on the popover that no longer
 * had a surface (gdk_surface_get_device_position: 'GDK_IS_SURFACE (surface)'): a fatal critical.
 * Only a GtkPopoverMenu that has grabbed (autohide) outlives its window, so the menu's is kept. */
static void
close_from_menu_body (void)
{
  DwWindow *window;
  GtkWidget *menu_button = NULL, *close = NULL;
  GtkPopover *menu;
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GListModel *toplevels = gtk_window_get_toplevels ();
  gboolean about_shown = FALSE;

  sign_in ();
  window = main_window ();
  collect (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, TRUE, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (gtk_menu_button_get_menu_model (buttons->pdata[i]) == dw_window_get_primary_menu (window))
      menu_button = buttons->pdata[i];
  g_assert_nonnull (menu_button);
  menu = gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu_button));
  g_ptr_array_set_size (buttons, 0);
  collect (GTK_WIDGET (window), GTK_TYPE_BUTTON, TRUE, buttons);
  for (guint i = 0; i < buttons->len && close == NULL; i++)
    if (gtk_widget_get_ancestor (buttons->pdata[i], GTK_TYPE_WINDOW_CONTROLS) != NULL
        && g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), "window.close") == 0)
      close = buttons->pdata[i];
  g_assert_nonnull (close);

  /* The menu open, the pointer on it: GTK takes the tooltip's surface from there.  With no
   * window manager to give the window the focus, the menu (autohiding) may go down by itself
   * before the test gets to it (on a slow machine): then again. */
  for (guint attempt = 0; ; attempt++)
    {
      g_assert_cmpuint (attempt, <, 20);
      gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
      WAIT_UNTIL (!gtk_widget_get_visible (GTK_WIDGET (menu))
                  || (gtk_widget_get_mapped (GTK_WIDGET (menu))
                      && gtk_widget_get_width (GTK_WIDGET (menu)) > 0));
      if (gtk_widget_get_visible (GTK_WIDGET (menu)) && point_at (GTK_WIDGET (menu)))
        {
          gtk_widget_trigger_tooltip_query (GTK_WIDGET (menu));
          break;
        }
    }

  /* ...the window closed by its button, and About opened with no window left. */
  g_signal_emit_by_name (close, "clicked");
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      about_shown |= ADW_IS_ABOUT_WINDOW (toplevel) && gtk_widget_get_visible (toplevel);
    }
  g_assert_true (about_shown);

  /* Past the tooltip's hover delay: nothing is logged (criticals are fatal here). */
  dw_test_spin (1200);
  close_dialogs ();
  quit ();

  /* The pointer back where the X server put it, for the random run after. */
  {
    Display *xdisplay = gdk_x11_display_get_xdisplay (gdk_display_get_default ());
    Screen *screen = DefaultScreenOfDisplay (xdisplay);

    XWarpPointer (xdisplay, None, RootWindowOfScreen (screen), 0, 0, 0, 0,
                  WidthOfScreen (screen) / 2, HeightOfScreen (screen) / 2);
    XFlush (xdisplay);
  }
}

static void
test_close_from_menu (void)
{
  launch (close_from_menu_body);
}

/* The random run */

typedef enum
{
  ACT_SECTION,
  ACT_CLICK,
  ACT_ROW,
  ACT_POPDOWN,
  ACT_CLOSE_DIALOGS,
  ACT_FIGURE,
  ACT_REFRESH,
  ACT_GROUPING,
  ACT_FILTER,
  ACT_SEARCH,
  ACT_SORT,
  ACT_SELECT,
  ACT_TICKET_ACTION,
  ACT_PREFERENCES,
  ACT_ABOUT,
  ACT_WAIT,
  ACT_RESTART,
  N_ACTS
} Act;

static const char * const act_names[N_ACTS] = {
  "section", "click", "row", "popdown", "close-dialogs", "figure", "refresh", "grouping",
  "filter", "search", "sort", "select", "ticket-action", "preferences", "about", "wait",
  "restart",
};

/* How often each is drawn, out of the sum. */
static const guint act_weights[N_ACTS] = {
  6, 14, 6, 5, 4, 8, 5, 3,
  5, 3, 3, 6, 5, 2, 1, 8,
  0, /* restart: drawn on a timer of its own, below */
};

static guint act_counts[N_ACTS];

static void
close_dialogs (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autoptr(GPtrArray) dialogs = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (!DW_IS_WINDOW (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        g_ptr_array_add (dialogs, g_object_ref (toplevel));
    }
  for (guint i = 0; i < dialogs->len; i++)
    gtk_window_close (dialogs->pdata[i]);
}

static void
popdown_all (void)
{
  g_autoptr(GPtrArray) popovers = collect_everywhere (GTK_TYPE_POPOVER);

  for (guint i = 0; i < popovers->len; i++)
    gtk_popover_popdown (popovers->pdata[i]);
}

static void
restart_service (void)
{
  dw_test_server_kill (server);
  /* Gone for a moment: the console reconnects by itself. */
  dw_test_spin (g_rand_int_range (rand_, 0, 1500));
  start_demo ();
}

static void
say (const char *what)
{
  g_test_message ("  %s", what);
}

static void
run_action (Act act,
            guint step)
{
  g_autofree char *what = NULL;

  /* Said before it is done: a crash comes in the middle of a step. */
  g_test_message ("step %u: %s", step, act_names[act]);
  switch (act)
    {
    case ACT_SECTION:
      {
        static const char * const sections[] = { "queues", "sla", "compliance" };
        const char *section = sections[g_rand_int_range (rand_, 0, G_N_ELEMENTS (sections))];

        what = g_strdup (section);
        say (what);
        if (g_rand_boolean (rand_))
          g_action_group_activate_action (G_ACTION_GROUP (app), "show-section",
                                          g_variant_new_string (section));
        else
          dw_window_show_section (main_window (), section);
      }
      break;

    case ACT_CLICK:
      {
        g_autoptr(GPtrArray) buttons = collect_everywhere (GTK_TYPE_BUTTON);
        g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
        GtkWidget *button;

        for (guint i = 0; i < buttons->len; i++)
          if (clickable (buttons->pdata[i]))
            g_ptr_array_add (candidates, buttons->pdata[i]);
        button = pick (candidates);
        if (button != NULL)
          {
            what = describe (button);
            say (what);
            g_signal_emit_by_name (button, "clicked");
          }
      }
      break;

    case ACT_ROW:
      {
        g_autoptr(GPtrArray) rows = collect_everywhere (GTK_TYPE_LIST_BOX_ROW);
        g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
        GtkWidget *row;

        for (guint i = 0; i < rows->len; i++)
          if (gtk_list_box_row_get_activatable (rows->pdata[i]) && clickable (rows->pdata[i]))
            g_ptr_array_add (candidates, rows->pdata[i]);
        row = pick (candidates);
        if (row != NULL)
          {
            what = g_strdup_printf ("row %d in %s",
                                    gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)),
                                    G_OBJECT_TYPE_NAME (gtk_widget_get_root (row)));
            say (what);
            gtk_widget_activate (row);
          }
      }
      break;

    case ACT_POPDOWN:
      popdown_all ();
      break;

    case ACT_CLOSE_DIALOGS:
      close_dialogs ();
      break;

    case ACT_FIGURE:
      {
        g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
        g_autoptr(GPtrArray) figures = g_ptr_array_new ();
        GtkWidget *figure;

        dw_window_show_section (main_window (), "compliance");
        collect (GTK_WIDGET (compliance ()), GTK_TYPE_BUTTON, TRUE, buttons);
        for (guint i = 0; i < buttons->len; i++)
          if (g_object_get_data (buttons->pdata[i], "dw-query") != NULL
              && gtk_widget_is_sensitive (buttons->pdata[i]))
            g_ptr_array_add (figures, buttons->pdata[i]);
        figure = pick (figures);
        if (figure != NULL)
          {
            what = g_strdup (g_object_get_data (G_OBJECT (figure), "dw-query"));
            say (what);
            g_signal_emit_by_name (figure, "clicked");
          }
      }
      break;

    case ACT_REFRESH:
      if (g_rand_boolean (rand_))
        dw_sla_compliance_refresh (compliance ());
      else
        dw_sla_compliance_queue_refresh (compliance ());
      break;

    case ACT_GROUPING:
      dw_sla_compliance_set_by_policy (compliance (), g_rand_boolean (rand_));
      break;

    case ACT_FILTER:
      {
        g_autoptr(GPtrArray) dropdowns = g_ptr_array_new ();
        GtkDropDown *dropdown;

        collect (GTK_WIDGET (ticket_list ()), GTK_TYPE_DROP_DOWN, FALSE, dropdowns);
        dropdown = pick (dropdowns);
        if (dropdown != NULL && gtk_drop_down_get_model (dropdown) != NULL)
          {
            guint n = g_list_model_get_n_items (gtk_drop_down_get_model (dropdown));
            /* Mostly the first entries ("All …"), so that the list is not always empty. */
            guint position = n > 0 ? (guint) g_rand_int_range (rand_, 0, (gint32) MIN (n, 4)) : 0;

            what = g_strdup_printf ("drop-down %u of %u", position, n);
            say (what);
            if (n > 0)
              gtk_drop_down_set_selected (dropdown, position);
          }
      }
      break;

    case ACT_SEARCH:
      {
        static const char * const texts[] = { "", "", "快递", "#1", "退", "lead", "x" };
        GtkWidget *entry = dw_widget_find_descendant (GTK_WIDGET (ticket_list ()),
                                                      GTK_TYPE_SEARCH_ENTRY);
        const char *text = texts[g_rand_int_range (rand_, 0, G_N_ELEMENTS (texts))];

        what = g_strdup_printf ("\"%s\"", text);
        say (what);
        if (entry != NULL)
          gtk_editable_set_text (GTK_EDITABLE (entry), text);
      }
      break;

    case ACT_SORT:
      {
        static const char * const columns[] = {
          "number", "subject", "business-type", "channel", "priority", "status", "assignee",
          "waiting", "deadline",
        };
        const char *column = columns[g_rand_int_range (rand_, 0, G_N_ELEMENTS (columns))];
        GtkSortType order = g_rand_boolean (rand_) ? GTK_SORT_ASCENDING : GTK_SORT_DESCENDING;

        what = g_strdup_printf ("%s %s", column, order == GTK_SORT_ASCENDING ? "up" : "down");
        say (what);
        dw_ticket_list_sort_by (ticket_list (), column, order);
      }
      break;

    case ACT_SELECT:
      {
        GListModel *model = dw_ticket_list_get_model (ticket_list ());
        guint n = g_list_model_get_n_items (model);

        if (n > 0)
          {
            guint position = (guint) g_rand_int_range (rand_, 0, (gint32) MIN (n, 200));
            g_autoptr(DwTicket) ticket = g_list_model_get_item (model, position);

            what = g_strdup_printf ("#%" G_GINT64_FORMAT, dw_ticket_get_id (ticket));
            say (what);
            if (g_rand_boolean (rand_))
              dw_ticket_list_select_ticket (ticket_list (), dw_ticket_get_id (ticket));
            else
              gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.show-ticket", "x",
                                          dw_ticket_get_id (ticket));
          }
      }
      break;

    case ACT_TICKET_ACTION:
      {
        static const char * const actions[] = {
          "ticket.priority", "ticket.priority", "ticket.escalate", "ticket.reassign",
          "ticket.move-team", "ticket.note", "queues.back", "queues.search",
        };
        const char *action = actions[g_rand_int_range (rand_, 0, G_N_ELEMENTS (actions))];

        what = g_strdup (action);
        say (what);
        if (g_str_equal (action, "ticket.priority"))
          gtk_widget_activate_action (GTK_WIDGET (queues_page ()), action, "s",
                                      g_rand_boolean (rand_) ? "up" : "down");
        else
          gtk_widget_activate_action (GTK_WIDGET (queues_page ()), action, NULL);
      }
      break;

    case ACT_PREFERENCES:
      g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
      break;

    case ACT_ABOUT:
      g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
      break;

    case ACT_WAIT:
      break;

    case ACT_RESTART:
      restart_service ();
      break;

    case N_ACTS:
    default:
      g_assert_not_reached ();
    }

  act_counts[act]++;
}

static Act
draw_action (void)
{
  guint total = 0, r;

  for (guint i = 0; i < N_ACTS; i++)
    total += act_weights[i];
  r = (guint) g_rand_int_range (rand_, 0, (gint32) total);
  for (guint i = 0; i < N_ACTS; i++)
    {
      if (r < act_weights[i])
        return (Act) i;
      r -= act_weights[i];
    }
  g_assert_not_reached ();
}

static void
random_body (void)
{
  gint64 start, end, next_restart;
  guint step = 0;
  g_autoptr(GString) counts = g_string_new (NULL);

  sign_in ();
  /* Reconnect at once after a restart; the default back-off is for real networks. */
  dw_sync_set_backoff (dw_session_get_sync (dw_application_get_session (app)), 100, 500);

  start = g_get_monotonic_time ();
  end = start + (gint64) (seconds * G_USEC_PER_SEC);
  /* A restart every 15 to 30 s: often enough to meet every state, not so often that the
   * console is mostly reconnecting. */
  next_restart = start + g_rand_int_range (rand_, 15, 30) * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      if (g_get_monotonic_time () >= next_restart)
        {
          run_action (ACT_RESTART, step++);
          next_restart = g_get_monotonic_time ()
                         + g_rand_int_range (rand_, 15, 30) * G_USEC_PER_SEC;
        }
      else
        {
          run_action (draw_action (), step++);
        }
      /* Let what was started happen, for a frame or for a while. */
      dw_test_spin (g_rand_int_range (rand_, 0, 8) == 0 ? g_rand_int_range (rand_, 200, 1500)
                                                        : g_rand_int_range (rand_, 0, 120));
    }

  for (guint i = 0; i < N_ACTS; i++)
    g_string_append_printf (counts, "%s%s %u", i > 0 ? ", " : "", act_names[i], act_counts[i]);
  g_test_message ("%u steps in %.0f s (seed %u): %s", step, seconds, seed, counts->str);

  /* Whatever happened, the console is still on the desk, live. */
  popdown_all ();
  close_dialogs ();
  dw_test_spin (300);
  WAIT_UNTIL (live ());
  g_assert_cmpuint (act_counts[ACT_RESTART], >=, seconds >= 30 ? 1 : 0);
  quit ();
}

static void
test_random (void)
{
  launch (random_body);
}

int
main (int   argc,
      char *argv[])
{
  const char *seed_env = g_getenv ("DESKWATCH_RANDOM_SEED");
  const char *seconds_env = g_getenv ("DESKWATCH_RANDOM_SECONDS");
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  adw_init ();
  /* With no window manager the window never has the X focus; a blinking cursor then makes
   * GTK warn that its text "did not receive a focus-out event". */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  seed = seed_env != NULL && seed_env[0] != '\0'
    ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : DEFAULT_SEED;
  seconds = seconds_env != NULL && seconds_env[0] != '\0'
    ? g_ascii_strtod (seconds_env, NULL) : DEFAULT_SECONDS;
  /* Printed first thing, so that a failure can be replayed: DESKWATCH_RANDOM_SEED=N. */
  g_test_message ("seed %u (DESKWATCH_RANDOM_SEED), %.0f s (DESKWATCH_RANDOM_SECONDS)", seed,
                  seconds);
  rand_ = g_rand_new_with_seed (seed);

  /* The console's alerts go to the desktop's notification server: here, the test. */
  dw_test_notifications_own ();

  server = g_new0 (DwTestServer, 1);
  server->dir = g_dir_make_tmp ("deskwatch-random-XXXXXX", &error);
  g_assert_no_error (error);
  server->db_path = g_build_filename (server->dir, "deskwatch.db", NULL);
  server->session = soup_session_new_with_options ("timeout", 60, NULL);
  start_demo ();

  g_test_add_func ("/console/random/drill-down", test_drill_down);
  g_test_add_func ("/console/random/close-from-menu", test_close_from_menu);
  g_test_add_func ("/console/random/actions", test_random);

  status = g_test_run ();

  dw_test_server_free (server);
  g_rand_free (rand_);
  g_free (lead_password);
  return status;
}
