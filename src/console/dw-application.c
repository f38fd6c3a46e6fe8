/* dw-application.c
 *
 * One session at a time: switching desks stops the old sync first, so two desks never
 * write into the same window.  The demo service belongs to the application and stops with it.
 */
#include "config.h"

#include <string.h>

#include <signal.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "dw-alerts.h"
#include "dw-application.h"
#include "dw-desk-prefetch.h"
#include "dw-preferences-window.h"
#include "dw-start-trace.h"
#include "dw-window.h"

struct _DwApplication
{
  AdwApplication    parent_instance;

  GSettings        *settings;
  DwAccountManager *account_manager;
  DwDemoLauncher   *demo_launcher;
  DwAlerts         *alerts;
  DwSession        *session;
  GCancellable     *cancellable;   /* of the silent sign-in and sign-out in flight */
  DwDeskPrefetch   *prefetch;      /* the saved desk's sign-in, begun at startup, until used */

  gboolean          start_demo;    /* --demo */
  gboolean          demo_printed;  /* --demo told where its service is */
  gboolean          held;          /* running on with no window (run-in-background) */
  gboolean          first_activate_done;
  gboolean          quitting;
  guint             signal_sources[3];
};

G_DEFINE_FINAL_TYPE (DwApplication, dw_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "demo", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Start the bundled demo service and sign in to it"), NULL },
  { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

static GList *
list_windows (DwApplication *self)
{
  return gtk_application_get_windows (GTK_APPLICATION (self));
}

static DwWindow *
get_window (DwApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (dw_window_new (self));
      if (self->session != NULL)
        dw_window_set_session (DW_WINDOW (window), self->session);
    }
  return DW_WINDOW (window);
}

static void
release_background_hold (DwApplication *self)
{
  if (self->held)
    {
      self->held = FALSE;
      g_application_release (G_APPLICATION (self));
    }
}

static void
update_actions (DwApplication *self)
{
  GAction *sign_out = g_action_map_lookup_action (G_ACTION_MAP (self), "sign-out");
  GAction *switch_account = g_action_map_lookup_action (G_ACTION_MAP (self), "switch-account");
  const char *active = "";

  g_simple_action_set_enabled (G_SIMPLE_ACTION (sign_out), self->session != NULL);

  /* The state marks the desk signed in to in the Desks menu. */
  if (self->session != NULL && dw_session_get_is_demo (self->session))
    active = DW_DEMO_ACCOUNT_ID;
  else if (self->session != NULL && dw_session_get_account (self->session) != NULL)
    active = dw_account_get_id (dw_session_get_account (self->session));
  g_simple_action_set_state (G_SIMPLE_ACTION (switch_account), g_variant_new_string (active));
}

static void
set_session (DwApplication *self,
             DwSession     *session)
{
  /* Whatever desk comes now, a sign-in still on its way from start-up is not wanted. */
  g_clear_object (&self->prefetch);
  if (self->session != NULL)
    dw_session_stop (self->session);
  g_set_object (&self->session, session);

  for (GList *l = list_windows (self); l != NULL; l = l->next)
    if (DW_IS_WINDOW (l->data))
      dw_window_set_session (DW_WINDOW (l->data), session);

  if (self->alerts != NULL)
    dw_alerts_set_sync (self->alerts, session != NULL ? dw_session_get_sync (session) : NULL);
  if (session != NULL)
    dw_session_start (session);
  else
    release_background_hold (self);
  update_actions (self);
}

static gboolean
is_demo_client (DwApplication *self,
                DwClient      *client)
{
  const char *demo_url = dw_demo_launcher_get_url (self->demo_launcher);
  const char *url = dw_client_get_base_url (client);
  gsize demo_len, len;

  if (demo_url == NULL)
    return FALSE;

  /* The same service, with or without a trailing slash. */
  demo_len = strlen (demo_url);
  len = strlen (url);
  while (demo_len > 0 && demo_url[demo_len - 1] == '/')
    demo_len--;
  while (len > 0 && url[len - 1] == '/')
    len--;
  return demo_len == len && strncmp (demo_url, url, len) == 0;
}

static void
start_session (DwApplication *self,
               DwSession     *session)
{
  DwClient *client = dw_session_get_client (session);

  set_session (self, session);

  /* As `deskwatchd --demo` does: someone who started the demo from a terminal can point a
   * browser, curl or a second console at the same service. */
  if (dw_session_get_is_demo (session) && self->start_demo && !self->demo_printed)
    {
      self->demo_printed = TRUE;
      g_print ("Listening on %s\n", dw_client_get_base_url (client));
      g_print ("Demo lead: %s / %s\n", DW_DEMO_USERNAME, DW_DEMO_PASSWORD);
    }

  /* Leaving the demo for a real desk: the demo service has no one left to serve. */
  if (!dw_session_get_is_demo (session))
    dw_demo_launcher_stop (self->demo_launcher);
}

void
dw_application_start_session (DwApplication *self,
                              DwClient      *client,
                              DwAccount     *account)
{
  g_autoptr(DwSession) session = NULL;

  g_return_if_fail (DW_IS_APPLICATION (self));
  g_return_if_fail (DW_IS_CLIENT (client));

  session = dw_session_new (client, account, is_demo_client (self, client));
  start_session (self, session);
}

/* The saved desk's sign-in from start-up is done (or failed, or was cancelled): the desk with
 * its snapshot already fetched, or the sign-in page saying why, as a restore would. */
static void
finish_prefetch (DwApplication *self)
{
  g_autoptr(DwDeskPrefetch) prefetch = g_steal_pointer (&self->prefetch);
  DwAccount *account = dw_desk_prefetch_get_account (prefetch);
  g_autoptr(DwClient) client = NULL;
  g_autoptr(DwSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  dw_start_trace ("prefetch picked up");
  client = dw_desk_prefetch_make_client (prefetch, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (client == NULL)
    {
      g_debug ("Silent sign-in to %s failed: %s", dw_account_get_id (account), error->message);
      message = dw_welcome_page_describe_error (error, dw_account_get_server_url (account),
                                                TRUE, 0);
      dw_window_ask_sign_in_again (get_window (self), account, message);
      return;
    }

  session = dw_session_new (client, account, is_demo_client (self, client));
  dw_session_set_prefetched (session, dw_desk_prefetch_get_health (prefetch),
                             dw_desk_prefetch_steal_snapshot (prefetch));
  start_session (self, session);
}

static void
prefetch_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GWeakRef *app_ref = user_data;
  g_autoptr(DwApplication) self = g_weak_ref_get (app_ref);

  g_weak_ref_clear (app_ref);
  g_free (app_ref);

  /* Already picked up in activate, or given up for another desk. */
  if (self == NULL || self->prefetch != DW_DESK_PREFETCH (source))
    return;
  finish_prefetch (self);
}

/* The application may be gone when the thread ends (the window closed at once): only a weak
 * reference waits for it. */
static void
start_prefetch (DwApplication *self)
{
  DwAccount *active = dw_account_manager_get_active (self->account_manager);
  GWeakRef *app_ref;

  if (active == NULL)
    return;

  app_ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (app_ref, self);
  self->prefetch = dw_desk_prefetch_new (active);
  dw_desk_prefetch_run_async (self->prefetch, self->cancellable, prefetch_done_cb, app_ref);
}

typedef struct
{
  DwApplication *app;
  DwAccount     *account;
} RestoreData;

static void
restore_data_free (RestoreData *data)
{
  g_object_unref (data->app);
  g_object_unref (data->account);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RestoreData, restore_data_free)

static void
restore_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(RestoreData) data = user_data;
  DwApplication *self = data->app;
  g_autoptr(DwClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  client = dw_account_manager_restore_finish (DW_ACCOUNT_MANAGER (source), result, &error);
  dw_start_trace ("silent sign-in done");
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (client != NULL)
    {
      dw_application_start_session (self, client, data->account);
      return;
    }

  g_debug ("Silent sign-in to %s failed: %s", dw_account_get_id (data->account), error->message);
  message = dw_welcome_page_describe_error (error, dw_account_get_server_url (data->account),
                                            TRUE, 0);
  dw_window_ask_sign_in_again (get_window (self), data->account, message);
}

void
dw_application_restore (DwApplication *self,
                        DwAccount     *account)
{
  RestoreData *data;

  g_return_if_fail (DW_IS_APPLICATION (self));
  g_return_if_fail (DW_IS_ACCOUNT (account));

  set_session (self, NULL);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  dw_account_manager_set_active (self->account_manager, account);
  for (GList *l = list_windows (self); l != NULL; l = l->next)
    if (DW_IS_WINDOW (l->data))
      dw_window_show_signing_in (DW_WINDOW (l->data), dw_account_get_label (account));

  data = g_new0 (RestoreData, 1);
  data->app = g_object_ref (self);
  data->account = g_object_ref (account);
  dw_account_manager_restore_async (self->account_manager, account, self->cancellable,
                                    restore_cb, data);
}

static void
switch_account_action (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  DwApplication *self = user_data;
  DwAccount *account;

  if (g_strcmp0 (g_variant_get_string (param, NULL), DW_DEMO_ACCOUNT_ID) == 0)
    {
      DwWindow *window = get_window (self);

      gtk_window_present (GTK_WINDOW (window));
      if (self->session != NULL && dw_session_get_is_demo (self->session))
        return;
      /* The current desk keeps running until the demo has signed in. */
      dw_window_show_welcome (window);
      dw_welcome_page_explore_demo (dw_window_get_welcome_page (window));
      return;
    }

  account = dw_account_manager_lookup (self->account_manager,
                                       g_variant_get_string (param, NULL));
  if (account == NULL)
    return;
  if (self->session != NULL && dw_session_get_account (self->session) == account)
    {
      gtk_window_present (GTK_WINDOW (get_window (self)));
      return;
    }
  dw_application_restore (self, account);
}

static void
add_account_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  DwApplication *self = user_data;

  /* The current desk keeps running behind the page (its Back button returns to it) until
   * the new one has signed in. */
  for (GList *l = list_windows (self); l != NULL; l = l->next)
    if (DW_IS_WINDOW (l->data))
      dw_window_show_welcome (DW_WINDOW (l->data));
}

static void
cancel_sign_in_action (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  DwApplication *self = user_data;
  DwAccount *active = dw_account_manager_get_active (self->account_manager);

  /* A service that accepts and never answers must not hold the window: back to the sign-in
   * page, the desk filled in, the other desks in the menu. */
  g_clear_object (&self->prefetch);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  for (GList *l = list_windows (self); l != NULL; l = l->next)
    if (DW_IS_WINDOW (l->data) && g_strcmp0 (dw_window_get_mode (l->data), "signing-in") == 0)
      dw_window_ask_sign_in_again (DW_WINDOW (l->data), active, NULL);
}

static void
sign_out_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DwApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!dw_account_manager_sign_out_finish (DW_ACCOUNT_MANAGER (source), result, &error))
    {
      g_autofree char *message = NULL;

      g_debug ("Could not delete the sign-in from the keyring: %s", error->message);
      message = g_strdup (_("Signed out, but the keyring could not forget the sign-in"));
      dw_window_add_toast (get_window (self), message);
    }
}

static void
sign_out_action (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  DwApplication *self = user_data;
  g_autoptr(DwSession) session = NULL;

  if (self->session == NULL)
    return;

  session = g_object_ref (self->session);
  set_session (self, NULL);

  if (dw_session_get_is_demo (session))
    dw_demo_launcher_stop (self->demo_launcher);
  else
    dw_account_manager_sign_out_async (self->account_manager, dw_session_get_account (session),
                                       dw_session_get_client (session), NULL, sign_out_cb,
                                       g_object_ref (self));
}

static void
show_ticket_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  DwApplication *self = user_data;
  DwWindow *window = get_window (self);

  gtk_window_present (GTK_WINDOW (window));
  dw_window_show_ticket (window, g_variant_get_int64 (param));
}

static void
show_sla_action (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  DwApplication *self = user_data;
  DwWindow *window = get_window (self);

  gtk_window_present (GTK_WINDOW (window));
  dw_window_show_section (window, "sla");
}

static void
show_section_action (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  DwApplication *self = user_data;
  DwWindow *window = get_window (self);

  gtk_window_present (GTK_WINDOW (window));
  dw_window_show_section (window, g_variant_get_string (param, NULL));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  DwApplication *self = user_data;
  static const char *developers[] = { "The Deskwatch developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "modal", TRUE,
                        "application-icon", APP_ID,
                        "application-name", _("Deskwatch"),
                        "developer-name", _("The Deskwatch developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Watch your help desk’s queues and service levels, live."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: put your names here, one per line. */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  DwApplication *self = user_data;
  GtkWidget *preferences;

  preferences = dw_preferences_window_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                           self->settings,
                                           self->session != NULL ? dw_session_get_sync (self->session) : NULL);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  DwApplication *self = user_data;

  self->quitting = TRUE;
  release_background_hold (self);
  /* As a closed window does (dw_window_close_request), before its windows are destroyed. */
  for (GList *l = list_windows (self); l != NULL; l = l->next)
    if (DW_IS_WINDOW (l->data))
      dw_window_let_popovers_go (l->data);
  for (GList *l = list_windows (self); l != NULL; l = list_windows (self))
    gtk_window_destroy (GTK_WINDOW (l->data));
  g_application_quit (G_APPLICATION (self));
}

/* SIGTERM from a session ending or `kill`: quit as from the menu, so that the demo service
 * stops and the sync closes cleanly. */
static gboolean
quit_on_signal_cb (gpointer user_data)
{
  g_action_group_activate_action (G_ACTION_GROUP (user_data), "quit", NULL);
  return G_SOURCE_CONTINUE;
}

static const GActionEntry app_actions[] = {
  { "switch-account", switch_account_action, "s", "''" },
  { "add-account", add_account_action },
  { "cancel-sign-in", cancel_sign_in_action },
  { "sign-out", sign_out_action },
  { "show-ticket", show_ticket_action, "x" },
  { "show-sla", show_sla_action },
  { "show-section", show_section_action, "s" },
  { "about", about_action },
  { "preferences", preferences_action },
  { "quit", quit_action },
};

static void
color_scheme_changed_cb (DwApplication *self)
{
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT, ADW_COLOR_SCHEME_FORCE_LIGHT, ADW_COLOR_SCHEME_FORCE_DARK,
  };
  guint scheme = (guint) g_settings_get_enum (self->settings, "color-scheme");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      schemes[MIN (scheme, G_N_ELEMENTS (schemes) - 1)]);
}

static void
window_removed_cb (GtkApplication *app,
                   GtkWindow      *window)
{
  DwApplication *self = DW_APPLICATION (app);

  /* Keep following the desk, and say so, instead of going quiet with the last window. */
  if (self->session != NULL && !self->held && !self->quitting
      && gtk_application_get_windows (app) == NULL
      && g_settings_get_boolean (self->settings, "run-in-background"))
    {
      g_autoptr(GNotification) note = NULL;

      self->held = TRUE;
      g_application_hold (G_APPLICATION (self));

      note = g_notification_new (_("Deskwatch is watching in the background"));
      g_notification_set_body (note, _("SLA alerts keep coming while the window is closed. Open Deskwatch to see the desk, or choose Quit in its main menu (Ctrl+Q)."));
      g_application_send_notification (G_APPLICATION (self), "background", note);
    }
}

static void
dw_application_startup (GApplication *app)
{
  DwApplication *self = DW_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  /* `deskwatch --demo`: the service seeds the demo's desk (most of a second) while GTK starts
   * and the window is built, rather than after; activate's start waits for this one. */
  self->demo_launcher = dw_demo_launcher_new ();
  if (self->start_demo)
    dw_demo_launcher_start_early (self->demo_launcher);

  /* A saved desk, likewise: the keyring, the token's check, the clock and the snapshot are
   * fetched in a thread of their own while GTK starts and the window is built (together about
   * as long), instead of one after the other once the window is up (docs/design.md). */
  self->settings = g_settings_new (APP_ID);
  self->account_manager = dw_account_manager_new (self->settings);
  if (!self->start_demo)
    start_prefetch (self);

  dw_start_trace ("startup");
  G_APPLICATION_CLASS (dw_application_parent_class)->startup (app);
  dw_start_trace ("GTK initialised");

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);

  self->alerts = dw_alerts_new (G_APPLICATION (self), self->settings);

  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (color_scheme_changed_cb), self, G_CONNECT_SWAPPED);
  color_scheme_changed_cb (self);
  self->signal_sources[0] = g_unix_signal_add (SIGTERM, quit_on_signal_cb, self);
  self->signal_sources[1] = g_unix_signal_add (SIGINT, quit_on_signal_cb, self);
  self->signal_sources[2] = g_unix_signal_add (SIGHUP, quit_on_signal_cb, self);
  g_signal_connect (self, "window-removed", G_CALLBACK (window_removed_cb), NULL);
  update_actions (self);
  dw_start_trace ("startup done");
}

static void
dw_application_activate (GApplication *app)
{
  DwApplication *self = DW_APPLICATION (app);
  gboolean first = !self->first_activate_done;
  DwWindow *window;

  self->first_activate_done = TRUE;
  release_background_hold (self);
  dw_start_trace ("activate");

  /* Signed in already: the window is built with the desk and its first frame shows it, without
   * a "signing in" frame before. */
  if (first && self->prefetch != NULL && dw_desk_prefetch_is_done (self->prefetch))
    finish_prefetch (self);

  window = get_window (self);
  dw_start_trace ("window built");
  gtk_window_present (GTK_WINDOW (window));
  dw_start_trace ("window presented");

  if (!first || self->session != NULL)
    return;

  if (self->start_demo)
    {
      dw_welcome_page_explore_demo (dw_window_get_welcome_page (window));
    }
  else if (self->prefetch != NULL)
    {
      /* The saved desk's sign-in begun at startup is still on its way. */
      dw_window_show_signing_in (window, dw_account_get_label (
        dw_desk_prefetch_get_account (self->prefetch)));
    }
}

static int
dw_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  DwApplication *self = DW_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("deskwatch %s\n", PACKAGE_VERSION);
      return 0;
    }
  self->start_demo = g_variant_dict_contains (options, "demo");
  return -1;
}

static void
dw_application_shutdown (GApplication *app)
{
  DwApplication *self = DW_APPLICATION (app);

  for (guint i = 0; i < G_N_ELEMENTS (self->signal_sources); i++)
    g_clear_handle_id (&self->signal_sources[i], g_source_remove);
  g_clear_object (&self->prefetch);
  g_cancellable_cancel (self->cancellable);
  if (self->alerts != NULL)
    dw_alerts_set_sync (self->alerts, NULL);
  if (self->session != NULL)
    dw_session_stop (self->session);
  g_clear_object (&self->session);
  if (self->demo_launcher != NULL)
    dw_demo_launcher_stop (self->demo_launcher);

  G_APPLICATION_CLASS (dw_application_parent_class)->shutdown (app);
}

static void
dw_application_dispose (GObject *object)
{
  DwApplication *self = DW_APPLICATION (object);

  g_clear_object (&self->prefetch);
  g_clear_object (&self->session);
  g_clear_object (&self->alerts);
  g_clear_object (&self->demo_launcher);
  g_clear_object (&self->account_manager);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (dw_application_parent_class)->dispose (object);
}

static void
dw_application_class_init (DwApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = dw_application_dispose;
  app_class->startup = dw_application_startup;
  app_class->activate = dw_application_activate;
  app_class->shutdown = dw_application_shutdown;
  app_class->handle_local_options = dw_application_handle_local_options;
}

static void
dw_application_init (DwApplication *self)
{
  self->cancellable = g_cancellable_new ();
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
}

DwApplication *
dw_application_new (void)
{
  dw_start_trace ("application created");
  return g_object_new (DW_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/org/deskwatch/Deskwatch",
                       NULL);
}

GSettings *
dw_application_get_settings (DwApplication *self)
{
  g_return_val_if_fail (DW_IS_APPLICATION (self), NULL);
  return self->settings;
}

DwAccountManager *
dw_application_get_account_manager (DwApplication *self)
{
  g_return_val_if_fail (DW_IS_APPLICATION (self), NULL);
  return self->account_manager;
}

DwDemoLauncher *
dw_application_get_demo_launcher (DwApplication *self)
{
  g_return_val_if_fail (DW_IS_APPLICATION (self), NULL);
  return self->demo_launcher;
}

DwSession *
dw_application_get_session (DwApplication *self)
{
  g_return_val_if_fail (DW_IS_APPLICATION (self), NULL);
  return self->session;
}

gboolean
dw_application_get_in_background (DwApplication *self)
{
  g_return_val_if_fail (DW_IS_APPLICATION (self), FALSE);
  return self->held;
}
