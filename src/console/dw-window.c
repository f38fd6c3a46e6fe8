/* dw-window.c
 *
 * The window only shows: signing in, sessions and accounts belong to DwApplication.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dw-application.h"
#include "dw-connection-banner.h"
#include "dw-start-trace.h"
#include "queues/dw-queues-page.h"
#include "queues/dw-ticket-list.h"
#include "sla/dw-sla-board.h"
#include "dw-widget-util.h"
#include "dw-window.h"
#include "schedule/dw-schedule-page.h"
#include "agents/dw-agents-page.h"

struct _DwWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  DwWelcomePage        *welcome_page;
  AdwStatusPage        *signing_in_page;
  AdwViewSwitcherTitle *switcher_title;
  GtkLabel             *desk_label;
  DwConnectionBanner   *banner;
  GtkMenuButton        *menu_button;
  AdwViewStack         *view_stack;
  DwQueuesPage         *queues_page;
  DwSlaBoard           *sla_board;
  DwSchedulePage       *schedule_page;
  DwAgentsPage         *agents_page;
  GMenu                *accounts_section;
  GMenu                *welcome_accounts_section;

  DwSession            *session;
  AdwToast             *skipped_toast;  /* weak: while it is shown */

  /* The desk is given to these sections when they are next shown (see sections_set_session). */
  gboolean              schedule_stale;
  gboolean              agents_stale;

  gboolean              traced_first_frame;  /* DW_TRACE_START */
};

G_DEFINE_FINAL_TYPE (DwWindow, dw_window, ADW_TYPE_APPLICATION_WINDOW)

static DwApplication *
get_application (DwWindow *self)
{
  return DW_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

/* app.switch-account has the active desk's id as its state, so each desk is a radio item and
 * the one signed in to is marked; the demo desk is there too, saved or not. */
static void
fill_accounts_section (GMenu      *section,
                       GListModel *accounts)
{
  guint n = g_list_model_get_n_items (accounts);
  g_autoptr(GMenuItem) demo = NULL;

  g_menu_remove_all (section);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DwAccount) account = g_list_model_get_item (accounts, i);
      g_autoptr(GMenuItem) item = NULL;

      item = g_menu_item_new (dw_account_get_label (account), NULL);
      g_menu_item_set_action_and_target (item, "app.switch-account", "s",
                                         dw_account_get_id (account));
      g_menu_append_item (section, item);
    }
  demo = g_menu_item_new (_("Demo desk"), NULL);
  g_menu_item_set_action_and_target (demo, "app.switch-account", "s", DW_DEMO_ACCOUNT_ID);
  g_menu_append_item (section, demo);
}

static void
accounts_changed_cb (DwWindow   *self,
                     guint       position,
                     guint       removed,
                     guint       added,
                     GListModel *accounts)
{
  fill_accounts_section (self->accounts_section, accounts);
  fill_accounts_section (self->welcome_accounts_section, accounts);
}

static void
welcome_signed_in_cb (DwWindow      *self,
                      DwClient      *client,
                      DwAccount     *account,
                      DwWelcomePage *page)
{
  dw_application_start_session (get_application (self), client, account);
}

static void
banner_sign_in_cb (DwWindow           *self,
                   DwConnectionBanner *banner)
{
  DwAccount *account = self->session != NULL ? dw_session_get_account (self->session) : NULL;

  dw_window_ask_sign_in_again (self, account,
                               _("The server signed you out. Enter your password to sign in again."));
}

static void
update_title (DwWindow *self)
{
  g_autofree char *label = NULL;
  g_autofree char *who = NULL;
  DwUser *me = NULL;

  if (self->session != NULL)
    {
      label = dw_session_dup_label (self->session);
      me = dw_sync_get_me (dw_session_get_sync (self->session));
    }
  /* The view switcher takes the title's place on a wide window, so the desk and the user
   * signed in to it are said at the start of the header bar too. */
  if (label != NULL && me != NULL)
    /* Translators: in the header bar: the desk, then the name of the user signed in to it */
    who = g_strdup_printf (_("%s · %s"), label, dw_user_get_display_name (me));
  else
    who = g_strdup (label != NULL ? label : "");
  adw_view_switcher_title_set_subtitle (self->switcher_title, who);
  gtk_label_set_label (self->desk_label, who);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->desk_label), who);
}

/* Leaves the welcome page without a focused entry on it: GTK 4.8 warns when a focused text
 * is hidden by a stack switch. */
static void
show_page (DwWindow   *self,
           const char *name)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), name) == 0)
    return;
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_stack_set_visible_child_name (self->main_stack, name);
}

static void
welcome_back_cb (DwWindow      *self,
                 DwWelcomePage *page)
{
  if (self->session != NULL)
    show_page (self, "desk");
}

static void
show_ticket_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  dw_window_show_ticket (DW_WINDOW (widget), g_variant_get_int64 (param));
}

static void
show_section_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  dw_window_show_section (DW_WINDOW (widget), g_variant_get_string (param, NULL));
}

/* F6 / Shift+F6: the header bar, then the section's panes ("dw-pane", docs/hacking.md). */
static void
focus_pane_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  DwWindow *self = DW_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "desk") == 0)
    dw_widget_focus_pane (gtk_stack_get_visible_child (self->main_stack),
                          g_variant_get_int32 (param) < 0 ? -1 : 1);
}

/* The popovers open anywhere in the window (a menu, a figure's drill-down, a picker). */
static void
collect_open_popovers (GtkWidget *widget,
                       GPtrArray *popovers)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_POPOVER (child) && gtk_widget_get_visible (child))
        g_ptr_array_add (popovers, g_object_ref (child));
      collect_open_popovers (child, popovers);
    }
}

static gboolean
dw_window_close_request (GtkWindow *window)
{
  DwWindow *self = DW_WINDOW (window);
  GSettings *settings = dw_application_get_settings (get_application (self));

  dw_window_let_popovers_go (self);

  if (!gtk_window_is_maximized (window))
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (settings, "window-width", width);
      g_settings_set_int (settings, "window-height", height);
    }
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (dw_window_parent_class)->close_request (window);
}

/* After construction: "application" is not a construct property. */
static void
setup_for_application (DwWindow *self)
{
  DwApplication *app = get_application (self);
  GSettings *settings;
  GListModel *accounts;

  settings = dw_application_get_settings (app);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  dw_queues_page_set_settings (self->queues_page, settings);
  dw_welcome_page_set_account_manager (self->welcome_page,
                                       dw_application_get_account_manager (app));
  dw_welcome_page_set_demo_launcher (self->welcome_page, dw_application_get_demo_launcher (app));

  accounts = dw_account_manager_get_accounts (dw_application_get_account_manager (app));
  g_signal_connect_object (accounts, "items-changed", G_CALLBACK (accounts_changed_cb), self,
                           G_CONNECT_SWAPPED);
  accounts_changed_cb (self, 0, 0, 0, accounts);
}

/* The Schedule and Agents sections ask the service for their figures as soon as they have a
 * desk (roster, staffing day, adherence, every agent's status) and build their views from the
 * answers.  Given the desk at sign-in, those requests and views came between the snapshot and
 * the Queues list's first frame even when neither section was shown: they get the desk when
 * they are first shown.  Without a desk they are emptied at once, so nothing of the desk before
 * stays in them. */
static void
sections_set_session (DwWindow *self)
{
  DwSync *sync = self->session != NULL ? dw_session_get_sync (self->session) : NULL;
  DwClock *clock = self->session != NULL ? dw_session_get_clock (self->session) : NULL;

  self->schedule_stale = sync != NULL && !gtk_widget_get_mapped (GTK_WIDGET (self->schedule_page));
  if (!self->schedule_stale)
    dw_schedule_page_set_context (self->schedule_page, sync, clock);
  else
    dw_schedule_page_set_context (self->schedule_page, NULL, NULL);

  self->agents_stale = sync != NULL && !gtk_widget_get_mapped (GTK_WIDGET (self->agents_page));
  if (!self->agents_stale)
    dw_agents_page_set_context (self->agents_page, sync, clock);
  else
    dw_agents_page_set_context (self->agents_page, NULL, NULL);
}

static void
schedule_page_map_cb (DwWindow *self)
{
  if (!self->schedule_stale)
    return;
  self->schedule_stale = FALSE;
  dw_schedule_page_set_context (self->schedule_page, dw_session_get_sync (self->session),
                                dw_session_get_clock (self->session));
}

static void
agents_page_map_cb (DwWindow *self)
{
  if (!self->agents_stale)
    return;
  self->agents_stale = FALSE;
  dw_agents_page_set_context (self->agents_page, dw_session_get_sync (self->session),
                              dw_session_get_clock (self->session));
}

/* DW_TRACE_START: the first frame, and the first with tickets in the Queues list. */
static void
trace_after_paint_cb (GdkFrameClock *clock,
                      DwWindow      *self)
{
  GtkWidget *list = dw_queues_page_get_ticket_list (self->queues_page);

  if (!self->traced_first_frame)
    {
      g_autofree char *phase = g_strdup_printf ("first frame painted (%s)",
                                                gtk_stack_get_visible_child_name (self->main_stack));

      self->traced_first_frame = TRUE;
      dw_start_trace (phase);
    }
  if (self->session != NULL
      && g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "desk") == 0
      && dw_ticket_list_get_n_shown (DW_TICKET_LIST (list)) > 0)
    {
      dw_start_trace ("first frame painted with tickets");
      g_signal_handlers_disconnect_by_func (clock, trace_after_paint_cb, self);
    }
}

static void
trace_realized_cb (DwWindow *self)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                           G_CALLBACK (trace_after_paint_cb), self, 0);
}

static void
dw_window_dispose (GObject *object)
{
  DwWindow *self = DW_WINDOW (object);

  g_clear_object (&self->session);
  if (self->skipped_toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->skipped_toast),
                                  (gpointer *) &self->skipped_toast);
  self->skipped_toast = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_WINDOW);

  G_OBJECT_CLASS (dw_window_parent_class)->dispose (object);
}

static void
dw_window_class_init (DwWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = dw_window_dispose;
  window_class->close_request = dw_window_close_request;

  g_type_ensure (DW_TYPE_CONNECTION_BANNER);
  g_type_ensure (DW_TYPE_QUEUES_PAGE);
  g_type_ensure (DW_TYPE_SLA_BOARD);
  g_type_ensure (DW_TYPE_SCHEDULE_PAGE);
  g_type_ensure (DW_TYPE_AGENTS_PAGE);
  g_type_ensure (DW_TYPE_WELCOME_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/dw-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DwWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DwWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, DwWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, DwWindow, signing_in_page);
  gtk_widget_class_bind_template_child (widget_class, DwWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, DwWindow, desk_label);
  gtk_widget_class_bind_template_child (widget_class, DwWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, DwWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, DwWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, DwWindow, queues_page);
  gtk_widget_class_bind_template_child (widget_class, DwWindow, sla_board);
  gtk_widget_class_bind_template_child (widget_class, DwWindow, schedule_page);
  gtk_widget_class_bind_template_child (widget_class, DwWindow, agents_page);
  gtk_widget_class_bind_template_child (widget_class, DwWindow, accounts_section);
  gtk_widget_class_bind_template_child (widget_class, DwWindow, welcome_accounts_section);
  gtk_widget_class_bind_template_callback (widget_class, welcome_signed_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, banner_sign_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, welcome_back_cb);

  gtk_widget_class_install_action (widget_class, "win.show-ticket", "x", show_ticket_action);
  gtk_widget_class_install_action (widget_class, "win.show-section", "s", show_section_action);
  gtk_widget_class_install_action (widget_class, "win.focus-pane", "i", focus_pane_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK,
                                       "win.show-section", "s", "queues");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK,
                                       "win.show-section", "s", "sla");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK,
                                       "win.show-section", "s", "schedule");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_4, GDK_ALT_MASK,
                                       "win.show-section", "s", "agents");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F6, 0, "win.focus-pane", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F6, GDK_SHIFT_MASK,
                                       "win.focus-pane", "i", -1);
}

static void
dw_window_init (DwWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  dw_menu_button_quiet_tooltip (self->menu_button);
  g_signal_connect_object (self->schedule_page, "map", G_CALLBACK (schedule_page_map_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->agents_page, "map", G_CALLBACK (agents_page_map_cb), self,
                           G_CONNECT_SWAPPED);
  if (dw_start_trace_enabled ())
    g_signal_connect (self, "realize", G_CALLBACK (trace_realized_cb), NULL);
}

DwWindow *
dw_window_new (DwApplication *application)
{
  DwWindow *self = g_object_new (DW_TYPE_WINDOW, "application", application, NULL);

  setup_for_application (self);
  return self;
}

DwWelcomePage *
dw_window_get_welcome_page (DwWindow *self)
{
  g_return_val_if_fail (DW_IS_WINDOW (self), NULL);
  return self->welcome_page;
}

GtkWidget *
dw_window_get_queues_page (DwWindow *self)
{
  g_return_val_if_fail (DW_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->queues_page);
}

GtkWidget *
dw_window_get_sla_board (DwWindow *self)
{
  g_return_val_if_fail (DW_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->sla_board);
}

GtkWidget *
dw_window_get_banner (DwWindow *self)
{
  g_return_val_if_fail (DW_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->banner);
}

DwSession *
dw_window_get_session (DwWindow *self)
{
  g_return_val_if_fail (DW_IS_WINDOW (self), NULL);
  return self->session;
}

/* What the service sent but this console cannot read is left out by the sync (each logged):
 * say so, so that a lead does not take a shorter list for the whole desk.  One toast, its
 * count kept up to date, rather than one per item. */
static void
skipped_items_changed_cb (DwWindow   *self,
                          GParamSpec *pspec,
                          DwSync     *sync)
{
  guint n = dw_sync_get_skipped_items (sync);
  g_autofree char *title = NULL;

  if (n == 0)
    return;

  title = g_strdup_printf (ngettext ("The service sent %u item that cannot be read here; it is not shown",
                                     "The service sent %u items that cannot be read here; they are not shown",
                                     n), n);
  if (self->skipped_toast != NULL)
    {
      adw_toast_set_title (self->skipped_toast, title);
      return;
    }

  self->skipped_toast = adw_toast_new (title);
  adw_toast_set_timeout (self->skipped_toast, 0);
  g_object_add_weak_pointer (G_OBJECT (self->skipped_toast), (gpointer *) &self->skipped_toast);
  adw_toast_overlay_add_toast (self->toast_overlay, self->skipped_toast);
}

void
dw_window_set_session (DwWindow  *self,
                       DwSession *session)
{
  DwSync *sync = NULL;

  g_return_if_fail (DW_IS_WINDOW (self));
  g_return_if_fail (session == NULL || DW_IS_SESSION (session));

  if (session == self->session && session != NULL)
    {
      show_page (self, "desk");
      return;
    }

  g_set_object (&self->session, session);

  if (session != NULL)
    {
      sync = dw_session_get_sync (session);
      dw_queues_page_set_clock (self->queues_page, dw_session_get_clock (session));
      dw_sla_board_set_clock (self->sla_board, dw_session_get_clock (session));
    }
  dw_queues_page_set_sync (self->queues_page, sync);
  dw_sla_board_set_sync (self->sla_board, sync);
  sections_set_session (self);
  dw_connection_banner_set_sync (self->banner, sync);
  update_title (self);

  if (session != NULL)
    {
      /* The label may need the user's name, which the first snapshot brings. */
      g_signal_connect_object (sync, "resynced", G_CALLBACK (update_title), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (sync, "notify::skipped-items",
                               G_CALLBACK (skipped_items_changed_cb), self, G_CONNECT_SWAPPED);
      skipped_items_changed_cb (self, NULL, sync);
      show_page (self, "desk");
    }
  else
    {
      dw_window_show_welcome (self);
    }
}

void
dw_window_show_signing_in (DwWindow   *self,
                           const char *label)
{
  g_return_if_fail (DW_IS_WINDOW (self));

  adw_status_page_set_description (self->signing_in_page, label);
  show_page (self, "signing-in");
}

void
dw_window_show_welcome (DwWindow *self)
{
  g_return_if_fail (DW_IS_WINDOW (self));

  dw_welcome_page_reset (self->welcome_page);
  dw_welcome_page_set_can_go_back (self->welcome_page, self->session != NULL);
  show_page (self, "welcome");
}

GMenuModel *
dw_window_get_desks_menu (DwWindow *self)
{
  g_return_val_if_fail (DW_IS_WINDOW (self), NULL);
  return G_MENU_MODEL (self->accounts_section);
}

GMenuModel *
dw_window_get_primary_menu (DwWindow *self)
{
  g_return_val_if_fail (DW_IS_WINDOW (self), NULL);
  return gtk_menu_button_get_menu_model (self->menu_button);
}

const char *
dw_window_get_desk_text (DwWindow *self)
{
  g_return_val_if_fail (DW_IS_WINDOW (self), NULL);
  return gtk_label_get_label (self->desk_label);
}

void
dw_window_ask_sign_in_again (DwWindow   *self,
                             DwAccount  *account,
                             const char *message)
{
  g_return_if_fail (DW_IS_WINDOW (self));

  dw_welcome_page_ask_sign_in_again (self->welcome_page, account, message);
  dw_welcome_page_set_can_go_back (self->welcome_page, self->session != NULL);
  show_page (self, "welcome");
}

const char *
dw_window_get_mode (DwWindow *self)
{
  g_return_val_if_fail (DW_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->main_stack);
}

void
dw_window_show_section (DwWindow   *self,
                        const char *name)
{
  g_return_if_fail (DW_IS_WINDOW (self));

  /* The compliance figures are a page of the SLA section, but worth a way in of their own. */
  if (g_strcmp0 (name, "compliance") == 0)
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "sla");
      dw_sla_board_show_compliance (self->sla_board, TRUE);
    }
  /* The Schedule section's own views ("schedule-today"), for screenshots and links. */
  else if (g_str_has_prefix (name, "schedule-"))
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "schedule");
      dw_schedule_page_show_view (self->schedule_page, name + strlen ("schedule-"));
    }
  /* The Agents section's views ("agents-now", "agents-performance"). */
  else if (g_str_has_prefix (name, "agents-"))
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "agents");
      dw_agents_page_show_view (self->agents_page, name + strlen ("agents-"));
    }
  else if (adw_view_stack_get_child_by_name (self->view_stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, name);
}

void
dw_window_show_ticket (DwWindow *self,
                       gint64    ticket_id)
{
  g_return_if_fail (DW_IS_WINDOW (self));

  if (self->session == NULL)
    return;
  adw_view_stack_set_visible_child_name (self->view_stack, "queues");
  dw_queues_page_show_ticket (self->queues_page, ticket_id);
}

void
dw_window_add_toast (DwWindow   *self,
                     const char *title)
{
  g_return_if_fail (DW_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

/* The popovers go before the window, and GTK's tooltip with them.  The pointer on a popover
 * (an open menu) gives the tooltip that popover's surface and starts its hover delay; GTK 4.8
 * forgets the tooltip's surface when the window it is on is destroyed, not when a popover of
 * the window goes with it, and a popover may outlive its window (GtkPopoverMenu does, after an
 * autohide grab).  When the delay ran out after the close, GTK asked the pointer's position on
 * a popover without a surface (Gdk-CRITICAL in gdk_surface_get_device_position; a tooltip laid
 * out against a popover off every monitor is gdk_monitor_get_geometry's).  Asked again once
 * the popovers are down, GTK puts the tooltip on the window under the pointer, which
 * gtk_window_destroy then clears. */
void
dw_window_let_popovers_go (DwWindow *self)
{
  g_autoptr(GPtrArray) popovers = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (DW_IS_WINDOW (self));

  collect_open_popovers (GTK_WIDGET (self), popovers);
  for (guint i = 0; i < popovers->len; i++)
    gtk_popover_popdown (popovers->pdata[i]);
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
}
