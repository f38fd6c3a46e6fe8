/* UI tests of the whole console: the real DwApplication and its window under Xvfb, a real
 * deskwatchd, and a real gnome-keyring on a private session bus (tests/run-ui-test.sh).
 *
 * The cases run in order and share one service and one keyring, as a team lead's days do:
 * first sign-in, a restart, the service restarting under the console, a revoked token, signing
 * out, the errors a sign-in can meet, and at last a keyring that is locked, then gone away.
 */
#define _GNU_SOURCE
#include "config.h"

#include <signal.h>
#include <string.h>

#include <adwaita.h>
#include <libsecret/secret.h>
#include <sqlite3.h>

#include "dw-application.h"
#include "dw-connection-banner.h"
#include "dw-preferences-window.h"
#include "queues/dw-queues-page.h"
#include "dw-secret-store.h"
#include "sla/dw-sla-board.h"
#include "dw-test-cert.h"
#include "dw-test-notifications.h"
#include "dw-test-server.h"
#define DW_TEST_WAIT_SECONDS 60
#include "dw-test-wait.h"
#include "queues/dw-ticket-list.h"
#include "dw-widget-util.h"
#include "dw-window.h"
#include "agents/dw-agents-now.h"
#include "agents/dw-agents-page.h"
#include "schedule/dw-schedule-page.h"

static DwTestServer *server;
static DwApplication *app;

/* One run of the console, as `deskwatch` runs it (g_application_run), with @body run once the
 * window is up; @body ends by closing the window and quitting. */
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

static void
launch (void (*body) (void))
{
  g_assert_null (app);
  app = dw_application_new ();
  /* Several consoles in turn in one process: each must be primary. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activated_cb), body);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);
  g_clear_object (&app);
}

static void
quit (void)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

static DwWindow *
window (void)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  g_assert_nonnull (windows);
  return DW_WINDOW (windows->data);
}

static gboolean
in_mode (const char *mode)
{
  return g_strcmp0 (dw_window_get_mode (window ()), mode) == 0;
}

static DwSync *
sync_ (void)
{
  DwSession *session = dw_application_get_session (app);

  return session != NULL ? dw_session_get_sync (session) : NULL;
}

static gboolean
live (void)
{
  DwSync *sync = sync_ ();

  return sync != NULL && in_mode ("desk") && dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED;
}

static void
wait_live (void)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, dw_test_wake_cb, NULL);

  while (!live ())
    {
      if (g_get_monotonic_time () > deadline)
        {
          DwSync *sync = sync_ ();

          g_error ("Not live: window shows %s (message: %s), sync %d (%s)",
                   dw_window_get_mode (window ()),
                   dw_welcome_page_get_message (dw_window_get_welcome_page (window ())),
                   sync != NULL ? (int) dw_sync_get_state (sync) : -1,
                   sync != NULL && dw_sync_get_error (sync) != NULL
                     ? dw_sync_get_error (sync)->message : "no error");
        }
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
}

static gboolean
welcome_settled (void)
{
  DwWelcomePage *page = dw_window_get_welcome_page (window ());

  return in_mode ("welcome") && !dw_welcome_page_get_busy (page)
         && dw_welcome_page_get_message (page) != NULL;
}

static gboolean
list_shows (gint64 ticket_id)
{
  DwQueuesPage *page = DW_QUEUES_PAGE (dw_window_get_queues_page (window ()));
  GListModel *model = dw_ticket_list_get_model (DW_TICKET_LIST (dw_queues_page_get_ticket_list (page)));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DwTicket) ticket = g_list_model_get_item (model, i);

      if (dw_ticket_get_id (ticket) == ticket_id)
        return TRUE;
    }
  return FALSE;
}

static gint64
create_ticket (const char *subject)
{
  g_autoptr(DwTestResponse) response = NULL;

  response = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/tickets",
                                   "{\"subject\": \"%s\", \"channel\": \"web\", "
                                   "\"business_type\": \"logistics\", \"team_id\": %" G_GINT64_FORMAT "}",
                                   subject, server->team_id);
  dw_test_assert_status (response, 201);
  return json_object_get_int_member (dw_test_response_object (response), "id");
}

static gint64
ticket_assignee (gint64 id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autoptr(DwTestResponse) response = dw_test_server_json (server, "GET", path,
                                                            server->admin_token, NULL);
  JsonObject *ticket;

  dw_test_assert_status (response, 200);
  ticket = dw_test_response_object (response);
  if (json_object_get_null_member (ticket, "assignee_id"))
    return 0;
  return json_object_get_int_member (ticket, "assignee_id");
}

static guint
count_service_tickets (void)
{
  g_autoptr(DwTestResponse) response = NULL;

  response = dw_test_server_json (server, "GET", "/api/v1/tickets?limit=500",
                                  server->admin_token, NULL);
  dw_test_assert_status (response, 200);
  return json_array_get_length (dw_test_response_items (response));
}

static char *
keyring_token (const char *url,
               const char *username)
{
  g_autoptr(GError) error = NULL;
  /* The console keys the secret by the service's base URL as DwClient spells it. */
  g_autoptr(DwClient) client = dw_client_new (url);
  char *token;

  url = dw_client_get_base_url (client);

  token = secret_password_lookup_sync (dw_secret_store_get_schema (), NULL, &error,
                                       "server", url, "username", username, NULL);
  g_assert_no_error (error);
  return token;
}

static guint
me_status (const char *token)
{
  g_autoptr(DwTestResponse) response = dw_test_server_json (server, "GET", "/api/v1/me", token,
                                                            NULL);
  return response->status;
}

/* Whether @needle is in any file under @dir. */
static gboolean
found_in_files (const char *dir,
                const char *needle)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return FALSE;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (found_in_files (path, needle))
            return TRUE;
          continue;
        }
      if (g_file_get_contents (path, &contents, &length, NULL)
          && memmem (contents, length, needle, strlen (needle)) != NULL)
        {
          g_test_message ("found in %s", path);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
found_in_settings (GSettings  *settings,
                   const char *needle)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      if (strstr (text, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
sign_in_with_password (const char *url,
                       const char *username,
                       const char *password)
{
  DwWelcomePage *page = dw_window_get_welcome_page (window ());

  g_assert_true (in_mode ("welcome"));
  dw_welcome_page_set_fields (page, url, username, password);
  dw_welcome_page_sign_in (page);
}

static void
test_first_run (void)
{
  /* No saved desk: the welcome page, and nothing is tried behind the lead's back. */
  g_assert_true (in_mode ("welcome"));
  dw_test_spin (200);
  g_assert_true (in_mode ("welcome"));
  g_assert_null (dw_application_get_session (app));
}

static void
test_sign_in (void)
{
  gint64 before = create_ticket ("Parcel stuck in Hangzhou");
  g_autofree char *token = NULL;
  GSettings *settings = dw_application_get_settings (app);
  g_autoptr(GVariant) accounts = NULL;
  gint64 during;

  sign_in_with_password (server->url, "lead", DW_TEST_PASSWORD);
  wait_live ();
  WAIT_UNTIL (list_shows (before));

  /* The token is in the keyring, and works. */
  token = keyring_token (server->url, "lead");
  g_assert_nonnull (token);
  g_assert_true (g_str_has_prefix (token, "dwt_"));
  g_assert_cmpuint (me_status (token), ==, 200);

  /* The desk is saved and active, without the token. */
  accounts = g_settings_get_value (settings, "accounts");
  g_assert_cmpuint (g_variant_n_children (accounts), ==, 1);
  g_assert_nonnull (dw_session_get_account (dw_application_get_session (app)));
  g_assert_false (found_in_settings (settings, token));
  g_assert_true (found_in_settings (settings, "127.0.0.1"));

  /* Nor anywhere in the files of the user (the keyring's own file is encrypted). */
  g_assert_false (found_in_files (g_get_home_dir (), token));
  g_assert_false (found_in_files (g_get_user_data_dir (), token));
  g_assert_false (found_in_files (g_get_user_config_dir (), token));
  g_assert_false (found_in_files (g_get_user_cache_dir (), token));

  /* An event made on the service shows up in the list. */
  during = create_ticket ("退货地址填错了");
  WAIT_UNTIL (list_shows (during));
}

static void
test_reassign_reaches_service (void)
{
  DwQueuesPage *page = DW_QUEUES_PAGE (dw_window_get_queues_page (window ()));
  gint64 id = create_ticket ("Reassign me");

  WAIT_UNTIL (list_shows (id));
  g_assert_cmpint (ticket_assignee (id), !=, server->agent_id);
  dw_queues_page_show_ticket (page, id);
  dw_queues_page_reassign (page, server->agent_id);
  WAIT_UNTIL (ticket_assignee (id) == server->agent_id);
}

static void
test_restart_signs_in_silently (void)
{
  g_autofree char *token = keyring_token (server->url, "lead");

  /* Straight to the desk: no password asked. */
  g_assert_false (in_mode ("welcome"));
  wait_live ();
  g_assert_cmpstr (dw_client_get_token (dw_session_get_client (dw_application_get_session (app))),
                   ==, token);
}

static guint16
url_port (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  g_assert_nonnull (uri);
  return (guint16) g_uri_get_port (uri);
}

static void
test_service_restart (void)
{
  DwConnectionBanner *banner = DW_CONNECTION_BANNER (dw_window_get_banner (window ()));
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", url_port (server->url));
  const char *args[] = { "--listen", listen, NULL };
  DwSync *sync = sync_ ();
  gint64 after;

  dw_sync_set_backoff (sync, 100, 500);
  g_assert_false (dw_connection_banner_get_revealed (banner));

  dw_test_server_kill (server);
  /* Not shown as live while the service is gone. */
  WAIT_UNTIL (dw_sync_get_state (sync) != DW_SYNC_STATE_CONNECTED);
  WAIT_UNTIL (dw_connection_banner_get_revealed (banner));
  g_assert_nonnull (dw_connection_banner_get_message (banner));
  g_assert_nonnull (strstr (dw_connection_banner_get_message (banner), "Reconnecting"));
  /* The figures of both sections say they are not live. */
  g_assert_true (dw_queues_page_get_figures_stale (DW_QUEUES_PAGE (dw_window_get_queues_page (window ()))));
  g_assert_true (dw_sla_board_get_stale (DW_SLA_BOARD (dw_window_get_sla_board (window ()))));

  dw_test_server_start (server, args);
  wait_live ();
  WAIT_UNTIL (!dw_connection_banner_get_revealed (banner));
  g_assert_false (dw_queues_page_get_figures_stale (DW_QUEUES_PAGE (dw_window_get_queues_page (window ()))));
  g_assert_false (dw_sla_board_get_stale (DW_SLA_BOARD (dw_window_get_sla_board (window ()))));

  after = create_ticket ("Made after the restart");
  WAIT_UNTIL (list_shows (after));
  /* Every ticket once: none missed, none applied twice. */
  WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (dw_sync_get_tickets (sync)))
              == count_service_tickets ());
}

static void
test_revoked_token (void)
{
  g_autofree char *old_token = keyring_token (server->url, "lead");
  g_autofree char *new_token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  WAIT_UNTIL (welcome_settled ());
  error = g_error_new_literal (DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNAUTHORIZED, "");
  expected = dw_welcome_page_describe_error (error, server->url, TRUE, 0);
  g_assert_cmpstr (dw_welcome_page_get_message (dw_window_get_welcome_page (window ())), ==,
                   expected);

  /* Signing in again replaces the secret. */
  sign_in_with_password (server->url, "lead", DW_TEST_PASSWORD);
  wait_live ();
  new_token = keyring_token (server->url, "lead");
  g_assert_nonnull (new_token);
  g_assert_cmpstr (new_token, !=, old_token);
  g_assert_cmpuint (me_status (new_token), ==, 200);
  g_assert_cmpuint (me_status (old_token), ==, 401);
}

static gsize count_saved_desks (void);

static const char *
signed_in_as (void)
{
  DwSession *session = dw_application_get_session (app);

  if (session == NULL || dw_session_get_account (session) == NULL)
    return NULL;
  return dw_account_get_username (dw_session_get_account (session));
}

/* Whether @menu (or a section or submenu of it) has an item for @action, with @target when
 * not NULL. */
static gboolean
menu_has_item (GMenuModel *menu,
               const char *action,
               const char *target)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *item_action = NULL;
      g_autoptr(GVariant) item_target = NULL;
      g_autoptr(GMenuLinkIter) links = g_menu_model_iterate_item_links (menu, i);
      GMenuModel *link;

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &item_action)
          && g_str_equal (item_action, action))
        {
          item_target = g_menu_model_get_item_attribute_value (menu, i, G_MENU_ATTRIBUTE_TARGET,
                                                               G_VARIANT_TYPE_STRING);
          if (target == NULL
              || (item_target != NULL && g_str_equal (g_variant_get_string (item_target, NULL), target)))
            return TRUE;
        }
      while (g_menu_link_iter_get_next (links, NULL, &link))
        {
          gboolean found = menu_has_item (link, action, target);

          g_object_unref (link);
          if (found)
            return TRUE;
        }
    }
  return FALSE;
}

static char *
active_desk (void)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (app),
                                                               "switch-account");

  return g_variant_dup_string (state, NULL);
}

static void
test_switch_desks (void)
{
  g_autofree char *lead_id = NULL;
  g_autofree char *admin_id = NULL;
  g_autofree char *marked = NULL;
  DwSession *lead_session;

  g_assert_cmpstr (signed_in_as (), ==, "lead");
  lead_session = dw_application_get_session (app);
  lead_id = g_strdup (dw_account_get_id (dw_session_get_account (lead_session)));

  /* The Desks menu lists the saved desk and the demo, and marks the one signed in to; the
   * header bar names the desk and the user; the main menu can quit. */
  g_assert_true (menu_has_item (dw_window_get_desks_menu (window ()), "app.switch-account", lead_id));
  g_assert_true (menu_has_item (dw_window_get_desks_menu (window ()), "app.switch-account",
                                DW_DEMO_ACCOUNT_ID));
  marked = active_desk ();
  g_assert_cmpstr (marked, ==, lead_id);
  g_assert_nonnull (strstr (dw_window_get_desk_text (window ()), "lead on 127.0.0.1"));
  g_assert_nonnull (strstr (dw_window_get_desk_text (window ()),
                            dw_user_get_display_name (dw_sync_get_me (sync_ ()))));
  g_assert_true (menu_has_item (dw_window_get_primary_menu (window ()), "app.quit", NULL));

  /* Add Desk… leaves the desk running behind the page, and Back returns to it. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "add-account", NULL);
  WAIT_UNTIL (in_mode ("welcome"));
  g_assert_true (dw_application_get_session (app) == lead_session);
  g_assert_true (dw_welcome_page_get_can_go_back (dw_window_get_welcome_page (window ())));
  g_signal_emit_by_name (dw_window_get_welcome_page (window ()), "back");
  g_assert_true (in_mode ("desk"));
  wait_live ();

  /* A second desk: the first stays saved. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "add-account", NULL);
  WAIT_UNTIL (in_mode ("welcome"));
  sign_in_with_password (server->url, "admin", DW_TEST_ADMIN_PASSWORD);
  wait_live ();
  g_assert_cmpstr (signed_in_as (), ==, "admin");
  g_assert_cmpuint (count_saved_desks (), ==, 2);
  admin_id = active_desk ();
  g_assert_cmpstr (admin_id, ==, dw_account_get_id (dw_session_get_account (dw_application_get_session (app))));
  g_assert_true (menu_has_item (dw_window_get_desks_menu (window ()), "app.switch-account", admin_id));

  /* Back to the first, silently, from its saved token. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "switch-account",
                                  g_variant_new_string (lead_id));
  WAIT_UNTIL (g_strcmp0 (signed_in_as (), "lead") == 0);
  wait_live ();
  g_assert_cmpuint (count_saved_desks (), ==, 2);
}

/* The token is revoked while the console follows the desk (signed out elsewhere with it): the
 * service closes the stream (4001), and the console asks for a sign-in instead of reconnecting
 * for ever. */
static void
test_revoked_while_running (void)
{
  DwConnectionBanner *banner = DW_CONNECTION_BANNER (dw_window_get_banner (window ()));
  g_autofree char *token = keyring_token (server->url, "lead");
  g_autoptr(DwTestResponse) response = NULL;
  DwSync *sync = sync_ ();

  g_assert_cmpstr (signed_in_as (), ==, "lead");
  wait_live ();
  response = dw_test_server_json (server, "DELETE", "/api/v1/auth/token", token, NULL);
  dw_test_assert_status (response, 204);

  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_OFFLINE);
  g_assert_error ((GError *) dw_sync_get_error (sync), DW_CLIENT_ERROR,
                  DW_CLIENT_ERROR_UNAUTHORIZED);
  WAIT_UNTIL (dw_connection_banner_get_revealed (banner));
  g_assert_cmpstr (dw_connection_banner_get_message (banner), ==,
                   "Signed out by the server: sign in again");
  g_assert_cmpstr (dw_connection_banner_get_button_label (banner), ==, "Sign In");
  g_assert_cmpint (dw_sync_get_next_retry (sync), ==, 0);
  dw_test_spin (300);
  g_assert_cmpint (dw_sync_get_state (sync), ==, DW_SYNC_STATE_OFFLINE);

  /* Its button leads to signing in again, and the desk is live once more. */
  g_signal_emit_by_name (banner, "sign-in-requested");
  WAIT_UNTIL (in_mode ("welcome"));
  sign_in_with_password (server->url, "lead", DW_TEST_PASSWORD);
  wait_live ();
  g_assert_cmpstr (signed_in_as (), ==, "lead");
}

static gsize
count_saved_desks (void)
{
  g_autoptr(GVariant) accounts = g_settings_get_value (dw_application_get_settings (app),
                                                       "accounts");
  return g_variant_n_children (accounts);
}

static void
test_sign_out (void)
{
  g_autofree char *token = keyring_token (server->url, "lead");

  g_assert_nonnull (token);
  g_action_group_activate_action (G_ACTION_GROUP (app), "sign-out", NULL);
  WAIT_UNTIL (in_mode ("welcome"));
  g_assert_null (dw_application_get_session (app));
  /* The secret is deleted, the desk forgotten and the token revoked. */
  WAIT_UNTIL (me_status (token) == 401);
  WAIT_UNTIL (keyring_token (server->url, "lead") == NULL);
  /* Only the desk signed out of is forgotten. */
  WAIT_UNTIL (count_saved_desks () == 1);
  g_assert_nonnull (keyring_token (server->url, "admin"));
}

static void
assert_sign_in_fails (const char *url,
                      const char *password,
                      GQuark      domain,
                      int         code,
                      GTlsCertificateFlags tls)
{
  g_autoptr(GError) error = g_error_new_literal (domain, code, "");
  g_autoptr(DwClient) client = dw_client_new (url);
  g_autofree char *expected = dw_welcome_page_describe_error (error, dw_client_get_base_url (client),
                                                              FALSE, tls);
  DwWelcomePage *page = dw_window_get_welcome_page (window ());

  sign_in_with_password (url, "lead", password);
  WAIT_UNTIL (welcome_settled ());
  g_assert_cmpstr (dw_welcome_page_get_message (page), ==, expected);
  g_assert_null (dw_application_get_session (app));
}

static void
test_wrong_password (void)
{
  assert_sign_in_fails (server->url, "not-the-password", DW_CLIENT_ERROR,
                        DW_CLIENT_ERROR_UNAUTHORIZED, 0);
}

static void
test_unreachable (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *url = NULL;

  /* A port that was free a moment ago and that nobody listens on. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  address = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new_from_string ("127.0.0.1", 0));
  g_assert_true (g_socket_bind (socket, G_SOCKET_ADDRESS (address), FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  assert_sign_in_fails (url, DW_TEST_PASSWORD, DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNREACHABLE, 0);
}

/* A service that accepts the connection and never answers: the sign-in can be cancelled at
 * once, and without Cancel it fails within the client's deadline, in words. */
static void
test_hanging_service (void)
{
  DwWelcomePage *page = dw_window_get_welcome_page (window ());
  GtkWidget *button = dw_welcome_page_get_sign_in_button (page);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  /* Listening, so the kernel completes every connection, but nobody ever reads. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  address = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new_from_string ("127.0.0.1", 0));
  g_assert_true (g_socket_bind (socket, G_SOCKET_ADDRESS (address), FALSE, NULL));
  g_assert_true (g_socket_listen (socket, &error));
  bound = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  sign_in_with_password (url, "lead", DW_TEST_PASSWORD);
  g_assert_true (dw_welcome_page_get_busy (page));
  dw_test_spin (300);
  g_assert_true (dw_welcome_page_get_busy (page));
  /* The button says Cancel and works. */
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  g_assert_false (dw_welcome_page_get_busy (page));
  g_assert_null (dw_welcome_page_get_message (page));
  g_assert_null (dw_application_get_session (app));
  g_assert_true (in_mode ("welcome"));

  /* The silent sign-in to a saved desk there can be cancelled too. */
  {
    DwAccountManager *manager = dw_application_get_account_manager (app);
    DwAccount *account;

    account = g_object_ref (dw_account_manager_add (manager, url, "lead", NULL));
    /* Keyed as the account manager looks it up. */
    secret_password_store_sync (dw_secret_store_get_schema (), SECRET_COLLECTION_DEFAULT,
                                "Deskwatch test", "dwt_never_checked", NULL, &error,
                                "server", dw_account_get_server_url (account), "username", "lead",
                                NULL);
    g_assert_no_error (error);
    dw_application_restore (app, account);
    g_assert_true (in_mode ("signing-in"));
    dw_test_spin (300);
    g_assert_true (in_mode ("signing-in"));
    g_action_group_activate_action (G_ACTION_GROUP (app), "cancel-sign-in", NULL);
    g_assert_true (in_mode ("welcome"));
    g_assert_false (dw_welcome_page_get_busy (page));
    g_assert_null (dw_application_get_session (app));
    secret_password_clear_sync (dw_secret_store_get_schema (), NULL, &error,
                                "server", dw_account_get_server_url (account), "username", "lead",
                                NULL);
    g_assert_no_error (error);
    dw_account_manager_remove (manager, account);
    g_object_unref (account);
  }

  /* Left alone, it gives up with the words for an unreachable server. */
  assert_sign_in_fails (url, DW_TEST_PASSWORD, DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNREACHABLE, 0);
  g_socket_close (socket, NULL);
}

static void
test_untrusted_certificate (void)
{
  g_autofree char *pem = g_build_filename (server->dir, "tls.pem", NULL);
  g_autoptr(GError) error = NULL;
  DwTestServer *tls_server = dw_test_server_new ();
  const char *args[] = { "--tls-cert", pem, "--tls-key", pem, NULL };
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GSocketConnectable) identity = g_network_address_new ("127.0.0.1", 0);
  GTlsCertificateFlags flags;

  g_file_set_contents (pem, dw_test_cert_pem, -1, &error);
  g_assert_no_error (error);
  dw_test_server_stop (tls_server);
  dw_test_server_start (tls_server, args);
  g_assert_true (g_str_has_prefix (tls_server->url, "https://"));

  /* What the system's trust store makes of it, to know which words to expect. */
  certificate = g_tls_certificate_new_from_pem (dw_test_cert_pem, -1, &error);
  g_assert_no_error (error);
  database = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  flags = g_tls_database_verify_chain (database, certificate,
                                       G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                       identity, NULL,
                                       G_TLS_DATABASE_VERIFY_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, !=, 0);

  assert_sign_in_fails (tls_server->url, DW_TEST_PASSWORD, DW_CLIENT_ERROR, DW_CLIENT_ERROR_TLS,
                        flags);
  dw_test_server_free (tls_server);
}

/* Stops the keyring the way a crashed or missing one looks to the console: the name is gone
 * from the bus (the test bus starts nothing on demand, so it stays gone). */
static void
stop_keyring (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint32 pid;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                       &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &pid);
  g_assert_cmpuint (pid, >, 1);
  g_assert_cmpint (kill ((pid_t) pid, SIGTERM), ==, 0);

  for (;;)
    {
      g_autoptr(GVariant) has_owner = NULL;
      gboolean owned;

      has_owner = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus",
                                               "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                               "NameHasOwner",
                                               g_variant_new ("(s)", "org.freedesktop.secrets"),
                                               G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                               -1, NULL, &error);
      g_assert_no_error (error);
      g_variant_get (has_owner, "(b)", &owned);
      if (!owned)
        break;
      dw_test_spin (50);
    }
}

/* Locks the keyring's login collection, as a screen lock or `Lock` in Passwords and Keys
 * does.  Unlocking it needs a prompt, and the test bus has no prompter to show one. */
static void
lock_keyring (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *login[] = { "/org/freedesktop/secrets/collection/login", NULL };

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "Lock",
                                       g_variant_new ("(^ao)", login), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

static void
test_locked_keyring (void)
{
  DwWelcomePage *page = dw_window_get_welcome_page (window ());
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  lock_keyring ();

  sign_in_with_password (server->url, "lead", DW_TEST_PASSWORD);
  WAIT_UNTIL (welcome_settled ());
  error = g_error_new_literal (DW_SECRET_ERROR, DW_SECRET_ERROR_LOCKED, "");
  expected = dw_welcome_page_describe_error (error, server->url, FALSE, 0);
  g_assert_cmpstr (dw_welcome_page_get_message (page), ==, expected);
  g_assert_true (dw_welcome_page_get_can_continue (page));
  g_assert_null (dw_application_get_session (app));
}

static void
test_no_keyring (void)
{
  DwWelcomePage *page = dw_window_get_welcome_page (window ());
  g_autoptr(GVariant) accounts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  stop_keyring ();

  sign_in_with_password (server->url, "lead", DW_TEST_PASSWORD);
  WAIT_UNTIL (welcome_settled ());
  error = g_error_new_literal (DW_SECRET_ERROR, DW_SECRET_ERROR_NO_SERVICE, "");
  expected = dw_welcome_page_describe_error (error, server->url, FALSE, 0);
  g_assert_cmpstr (dw_welcome_page_get_message (page), ==, expected);
  g_assert_true (dw_welcome_page_get_can_continue (page));
  g_assert_null (dw_application_get_session (app));

  /* The message and "Continue Without Saving" leave "Explore the Demo" on screen. */
  {
    GtkWidget *demo = dw_welcome_page_get_demo_button (page);
    graphene_rect_t bounds;

    WAIT_UNTIL (gtk_widget_get_mapped (demo) && gtk_widget_get_height (demo) > 0);
    dw_test_spin (200);
    g_assert_true (gtk_widget_compute_bounds (demo, GTK_WIDGET (window ()), &bounds));
    g_test_message ("demo button at y %g..%g of a window %d high", bounds.origin.y,
                    bounds.origin.y + bounds.size.height, gtk_widget_get_height (GTK_WIDGET (window ())));
    g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=,
                       gtk_widget_get_height (GTK_WIDGET (window ())));
  }

  /* Going on without saving works, and saves no desk. */
  dw_welcome_page_continue_without_saving (page);
  wait_live ();
  g_assert_null (dw_session_get_account (dw_application_get_session (app)));
  accounts = g_settings_get_value (dw_application_get_settings (app), "accounts");
  g_assert_cmpuint (g_variant_n_children (accounts), ==, 1);
}

/* A label under @widget whose text contains @text. */
static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
}

/* An event the console cannot read (a string with \u0000, as a database written by another
 * program may hold), stored while the service was down and replayed when it is back: the
 * console leaves it out, says so, and stays live. */
static void
test_unreadable_event (void)
{
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", url_port (server->url));
  const char *args[] = { "--listen", listen, NULL };
  g_autofree char *path = NULL;
  g_autofree char *insert = NULL;
  g_autoptr(DwTestResponse) r = NULL;
  g_autoptr(GString) data = NULL;
  DwSync *sync = sync_ ();
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint skipped = dw_sync_get_skipped_items (sync);
  gint64 id = create_ticket ("Its event will not be readable");
  gint64 after;

  WAIT_UNTIL (list_shows (id));
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  r = dw_test_server_json (server, "GET", path, server->admin_token, NULL);
  json_object_set_string_member (dw_test_response_object (r), "subject", "@@");
  data = g_string_new (json_to_string (r->json, FALSE));
  g_string_replace (data, "\"@@\"", "\"cut\\u0000here\"", 1);

  dw_test_server_stop (server);
  insert = g_strdup_printf ("INSERT INTO events (at, type, team_id, data) VALUES "
                            "(strftime ('%%s'), 'ticket.updated', %" G_GINT64_FORMAT ", ?1)",
                            server->team_id);
  g_assert_cmpint (sqlite3_open (server->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, insert, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, data->str, (int) data->len, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  dw_test_server_start (server, args);

  WAIT_UNTIL (dw_sync_get_skipped_items (sync) == skipped + 1);
  WAIT_UNTIL (shows_text (GTK_WIDGET (window ()), "cannot be read here"));

  wait_live ();
  after = create_ticket ("Made after the unreadable event");
  WAIT_UNTIL (list_shows (after));
  g_assert_true (list_shows (id));
}

static void
first_launch (void)
{
  test_first_run ();
  test_sign_in ();
  test_reassign_reaches_service ();
  test_service_restart ();
  test_unreadable_event ();
  quit ();
}

static void
test_first_launch (void)
{
  launch (first_launch);
}

static char *first_token;

static void
test_background (void)
{
  GSettings *settings = dw_application_get_settings (app);
  DwSession *session = dw_application_get_session (app);

  g_settings_set_boolean (settings, "run-in-background", TRUE);
  gtk_window_close (GTK_WINDOW (window ()));
  WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL);

  /* Still following the desk with no window, and it says so. */
  WAIT_UNTIL (dw_test_notifications_get ()->len > 0);
  g_assert_nonnull (strstr (((DwTestNote *) g_ptr_array_index (dw_test_notifications_get (), 0))->summary,
                            "in the background"));
  g_assert_true (dw_application_get_in_background (app));
  g_assert_true (dw_application_get_session (app) == session);
  dw_test_spin (300);
  g_assert_cmpint (dw_sync_get_state (dw_session_get_sync (session)), ==, DW_SYNC_STATE_CONNECTED);

  /* Opening it again shows the same desk at once, live. */
  g_application_activate (G_APPLICATION (app));
  g_assert_nonnull (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_assert_false (dw_application_get_in_background (app));
  g_assert_true (in_mode ("desk"));
  wait_live ();
  g_settings_reset (settings, "run-in-background");
}

/* Every descendant of @widget that is a @type, depth first. */
static void
collect_descendants (GtkWidget *widget,
                     GType      type,
                     GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        g_ptr_array_add (found, child);
      collect_descendants (child, type, found);
    }
}

static GtkWindow *
find_preferences (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (DW_IS_PREFERENCES_WINDOW (toplevel))
        return toplevel;
    }
  return NULL;
}

static void
test_preferences (void)
{
  GSettings *settings = dw_application_get_settings (app);
  g_autoptr(GPtrArray) spins = g_ptr_array_new ();
  GtkWindow *preferences;
  GtkWidget *quiet;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  preferences = find_preferences ();
  g_assert_nonnull (preferences);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (preferences)));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (preferences));

  /* Quiet hours switched on: the default hours are saved and shown as hours. */
  g_assert_cmpint (g_settings_get_int (settings, "quiet-hours-start"), ==, -1);
  quiet = dw_widget_find_descendant (GTK_WIDGET (preferences), ADW_TYPE_EXPANDER_ROW);
  g_assert_nonnull (quiet);
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (quiet), TRUE);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (quiet), TRUE);
  g_assert_cmpint (g_settings_get_int (settings, "quiet-hours-start"), ==, 22 * 60);
  g_assert_cmpint (g_settings_get_int (settings, "quiet-hours-end"), ==, 8 * 60);
  collect_descendants (quiet, GTK_TYPE_SPIN_BUTTON, spins);
  g_assert_cmpuint (spins->len, ==, 2);
  dw_test_spin (100);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (spins->pdata[0])), ==, "22:00");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (spins->pdata[1])), ==, "08:00");
  /* And in full: GTK sizes a spin button for the digits of its range, "23". */
  for (guint i = 0; i < spins->len; i++)
    {
      GtkWidget *text = dw_widget_find_descendant (spins->pdata[i], GTK_TYPE_TEXT);
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (text, "22:00");
      int width;

      pango_layout_get_pixel_size (layout, &width, NULL);
      /* The expander reveals its rows with an animation: wait for the first allocation, which
       * a busy machine makes take longer than the 100 ms above. */
      WAIT_UNTIL (gtk_widget_get_mapped (text) && gtk_widget_get_width (text) > 0);
      g_assert_cmpint (gtk_widget_get_width (text), >=, width);
    }

  /* An hour typed in is taken, with or without its minutes. */
  gtk_editable_set_text (GTK_EDITABLE (spins->pdata[0]), "21:00");
  gtk_spin_button_update (GTK_SPIN_BUTTON (spins->pdata[0]));
  g_assert_cmpint (g_settings_get_int (settings, "quiet-hours-start"), ==, 21 * 60);
  gtk_editable_set_text (GTK_EDITABLE (spins->pdata[1]), "7");
  gtk_spin_button_update (GTK_SPIN_BUTTON (spins->pdata[1]));
  g_assert_cmpint (g_settings_get_int (settings, "quiet-hours-end"), ==, 7 * 60);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (spins->pdata[1])), ==, "07:00");

  /* Closed as a lead closes it, in the middle of typing an hour: that hour is kept, and
   * nothing is logged (criticals are fatal here). */
  gtk_widget_grab_focus (GTK_WIDGET (spins->pdata[1]));
  gtk_editable_set_text (GTK_EDITABLE (spins->pdata[1]), "6");
  dw_test_spin (100);
  gtk_window_close (preferences);
  WAIT_UNTIL (find_preferences () == NULL);
  dw_test_spin (100);
  g_assert_cmpint (g_settings_get_int (settings, "quiet-hours-start"), ==, 21 * 60);
  g_assert_cmpint (g_settings_get_int (settings, "quiet-hours-end"), ==, 6 * 60);
  g_settings_reset (settings, "quiet-hours-start");
  g_settings_reset (settings, "quiet-hours-end");
}

/* A saved desk opens on the Queues section: the Schedule and Agents sections, not shown, ask the
 * service nothing and build nothing until they are first shown, and the SLA board's list makes
 * no rows (at start-up their requests, rows and views came before the Queues list's first
 * frame). */
static void
test_hidden_sections_wait (void)
{
  GtkWidget *win = GTK_WIDGET (window ());
  DwSchedulePage *schedule = DW_SCHEDULE_PAGE (dw_widget_find_descendant (win,
                                                                          DW_TYPE_SCHEDULE_PAGE));
  DwAgentsPage *agents = DW_AGENTS_PAGE (dw_widget_find_descendant (win, DW_TYPE_AGENTS_PAGE));
  DwAgentsNow *now = DW_AGENTS_NOW (dw_agents_page_get_now (agents));
  GtkWidget *board = dw_window_get_sla_board (window ());
  GtkListView *sla_list = GTK_LIST_VIEW (dw_widget_find_descendant (board, GTK_TYPE_LIST_VIEW));

  g_assert_nonnull (sla_list);
  wait_live ();
  dw_test_spin (300);
  g_assert_null (gtk_list_view_get_model (sla_list));
  g_assert_cmpuint (dw_schedule_page_get_n_teams (schedule), ==, 0);
  g_assert_cmpint (dw_agents_page_get_team (agents), ==, 0);
  g_assert_cmpuint (dw_agents_now_get_n_loads (now), ==, 0);

  g_assert_true (gtk_widget_activate_action (win, "win.show-section", "s", "schedule"));
  WAIT_UNTIL (dw_schedule_page_get_team (schedule) == server->team_id);
  g_assert_true (gtk_widget_activate_action (win, "win.show-section", "s", "agents-now"));
  WAIT_UNTIL (dw_agents_now_get_n_loads (now) > 0);
  g_assert_cmpint (dw_agents_page_get_team (agents), ==, server->team_id);
  g_assert_true (gtk_widget_activate_action (win, "win.show-section", "s", "sla"));
  WAIT_UNTIL (gtk_list_view_get_model (sla_list) != NULL);
  g_assert_true (gtk_widget_activate_action (win, "win.show-section", "s", "queues"));
}

/* The Agents section (Alt+4) and its two views are reached by name, as the other sections. */
static void
test_agents_section (void)
{
  GtkWidget *win = GTK_WIDGET (window ());
  AdwViewStack *stack = ADW_VIEW_STACK (dw_widget_find_descendant (win, ADW_TYPE_VIEW_STACK));
  DwAgentsPage *page;

  g_assert_nonnull (stack);
  g_assert_true (gtk_widget_activate_action (win, "win.show-section", "s", "agents-performance"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "agents");
  page = DW_AGENTS_PAGE (adw_view_stack_get_visible_child (stack));
  g_assert_cmpstr (dw_agents_page_get_view (page), ==, "performance");
  g_assert_true (gtk_widget_activate_action (win, "win.show-section", "s", "agents-now"));
  g_assert_cmpstr (dw_agents_page_get_view (page), ==, "now");
  g_assert_true (gtk_widget_activate_action (win, "win.show-section", "s", "queues"));
  g_assert_true (gtk_widget_activate_action (win, "win.show-section", "s", "agents"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "agents");
  g_assert_true (gtk_widget_activate_action (win, "win.show-section", "s", "queues"));

  /* The window folds to 400 px, whichever section is shown: the view stack is as wide as its
   * widest page needs (the Schedule's switcher once kept it at 424 px). */
  {
    int minimum;

    gtk_widget_measure (win, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
    g_test_message ("window minimum width %d px", minimum);
    g_assert_cmpint (minimum, <=, 400);
  }
}

static void
second_launch (void)
{
  test_restart_signs_in_silently ();
  test_hidden_sections_wait ();
  test_background ();
  test_preferences ();
  test_agents_section ();
  quit ();
}

static void
test_second_launch (void)
{
  first_token = keyring_token (server->url, "lead");
  launch (second_launch);
}

/* What the window showed in each frame it painted, from its first. */
typedef struct
{
  gulong   handler;
  gboolean welcome_painted;
  gboolean desk_painted;
  guint    first_desk_tickets;
} Frames;

static Frames frames;

static guint
tickets_shown (void)
{
  DwQueuesPage *page = DW_QUEUES_PAGE (dw_window_get_queues_page (window ()));

  return dw_ticket_list_get_n_shown (DW_TICKET_LIST (dw_queues_page_get_ticket_list (page)));
}

static void
frame_painted_cb (GdkFrameClock *clock,
                  gpointer       data)
{
  if (in_mode ("welcome"))
    frames.welcome_painted = TRUE;
  if (in_mode ("desk") && !frames.desk_painted)
    {
      frames.desk_painted = TRUE;
      frames.first_desk_tickets = tickets_shown ();
    }
}

/* Called from the body of a launch, which runs inside activate: before the first frame. */
static void
watch_frames (void)
{
  GtkWidget *win = GTK_WIDGET (window ());

  memset (&frames, 0, sizeof frames);
  gtk_widget_realize (win);
  frames.handler = g_signal_connect (gtk_widget_get_frame_clock (win), "after-paint",
                                     G_CALLBACK (frame_painted_cb), NULL);
}

static void
unwatch_frames (void)
{
  g_clear_signal_handler (&frames.handler, gtk_widget_get_frame_clock (GTK_WIDGET (window ())));
}

/* A saved desk opens with its tickets: never the sign-in page, not even for a frame, and no
 * empty list before the tickets (the sign-in and the snapshot were fetched while GTK started,
 * and the snapshot is in the lists before the desk is shown). */
static void
saved_desk_start (void)
{
  watch_frames ();
  WAIT_UNTIL (frames.desk_painted);
  g_assert_false (frames.welcome_painted);
  g_assert_cmpuint (frames.first_desk_tickets, >, 0);
  wait_live ();
  g_assert_false (frames.welcome_painted);
  g_assert_cmpuint (tickets_shown (), ==, count_service_tickets ());
  unwatch_frames ();
  quit ();
}

static void
test_saved_desk_start (void)
{
  launch (saved_desk_start);
}

static char *restart_args[3];

/* The service is down when the console starts: the saved desk opens and says it is
 * reconnecting (the sign-in page is for a refused token, not for a service that is away). */
static void
service_down_at_start (void)
{
  DwConnectionBanner *banner = DW_CONNECTION_BANNER (dw_window_get_banner (window ()));

  watch_frames ();
  WAIT_UNTIL (in_mode ("desk") && sync_ () != NULL
              && dw_sync_get_state (sync_ ()) == DW_SYNC_STATE_RECONNECTING);
  g_assert_true (dw_connection_banner_get_revealed (banner));
  g_assert_nonnull (strstr (dw_connection_banner_get_message (banner), "Reconnecting"));
  g_assert_nonnull (strstr (dw_connection_banner_get_message (banner), "no data yet"));
  dw_sync_set_backoff (sync_ (), 100, 500);

  dw_test_server_start (server, (const char **) restart_args);
  wait_live ();
  WAIT_UNTIL (!dw_connection_banner_get_revealed (banner));
  WAIT_UNTIL (tickets_shown () == count_service_tickets ());
  g_assert_false (frames.welcome_painted);
  unwatch_frames ();
  quit ();
}

static void
test_saved_desk_service_down (void)
{
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", url_port (server->url));

  restart_args[0] = (char *) "--listen";
  restart_args[1] = listen;
  restart_args[2] = NULL;
  dw_test_server_kill (server);
  launch (service_down_at_start);
}

static void
no_token_at_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  watch_frames ();
  WAIT_UNTIL (welcome_settled ());
  error = g_error_new_literal (DW_SECRET_ERROR, DW_SECRET_ERROR_NOT_FOUND, "");
  expected = dw_welcome_page_describe_error (error, server->url, TRUE, 0);
  g_assert_cmpstr (dw_welcome_page_get_message (dw_window_get_welcome_page (window ())), ==,
                   expected);
  g_assert_null (dw_application_get_session (app));
  g_assert_false (frames.desk_painted);
  unwatch_frames ();
  quit ();
}

/* A saved desk whose sign-in is not in the keyring (forgotten, or saved on another machine):
 * the sign-in page at start, asking for the password, and no desk before it. */
static void
test_saved_desk_no_token (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(DwAccountManager) manager = dw_account_manager_new (settings);
  g_autoptr(DwAccount) previous = g_object_ref (dw_account_manager_get_active (manager));
  g_autoptr(DwAccount) account = NULL;

  account = g_object_ref (dw_account_manager_add (manager, server->url, "agent", NULL));
  dw_account_manager_set_active (manager, account);

  launch (no_token_at_start);

  dw_account_manager_remove (manager, account);
  dw_account_manager_set_active (manager, dw_account_manager_lookup (manager,
                                                                     dw_account_get_id (previous)));
}

static void
closed_at_once (void)
{
  /* The sign-in begun at start-up cannot end: the service never answers. */
  g_assert_true (in_mode ("signing-in"));
  gtk_window_close (GTK_WINDOW (window ()));
}

/* The window is closed while the saved desk's sign-in from start-up is on its way: the console
 * quits, its requests are cancelled (the service sees the connection closed) and what is left
 * of them ends without a critical (UI tests run with G_DEBUG=fatal-criticals). */
static void
test_saved_desk_closed_at_once (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(DwAccountManager) manager = dw_account_manager_new (settings);
  g_autoptr(DwAccount) previous = NULL;
  g_autoptr(DwAccount) account = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocket) connection = NULL;
  g_autoptr(GInetSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  char buffer[4096];
  gssize n;

  /* Listening, so the kernel completes every connection, but nobody answers. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  address = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new_from_string ("127.0.0.1", 0));
  g_assert_true (g_socket_bind (socket, G_SOCKET_ADDRESS (address), FALSE, NULL));
  g_assert_true (g_socket_listen (socket, &error));
  bound = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  previous = g_object_ref (dw_account_manager_get_active (manager));
  account = g_object_ref (dw_account_manager_add (manager, url, "lead", NULL));
  dw_account_manager_set_active (manager, account);
  secret_password_store_sync (dw_secret_store_get_schema (), SECRET_COLLECTION_DEFAULT,
                              "Deskwatch test", "dwt_never_checked", NULL, &error,
                              "server", dw_account_get_server_url (account), "username", "lead",
                              NULL);
  g_assert_no_error (error);

  launch (closed_at_once);

  /* A request reached the service and was given up: its connection ends (read to its end,
   * within the socket's timeout rather than the client's own ten seconds). */
  g_socket_set_timeout (socket, 5);
  connection = g_socket_accept (socket, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (connection, 5);
  do
    n = g_socket_receive (connection, buffer, sizeof buffer, NULL, &error);
  while (n > 0);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);
  /* The prefetch's end reaches the main context with nobody waiting for it. */
  dw_test_spin (300);

  secret_password_clear_sync (dw_secret_store_get_schema (), NULL, &error,
                              "server", dw_account_get_server_url (account), "username", "lead",
                              NULL);
  g_assert_no_error (error);
  dw_account_manager_remove (manager, account);
  dw_account_manager_set_active (manager, dw_account_manager_lookup (manager,
                                                                     dw_account_get_id (previous)));
  g_socket_close (socket, NULL);
}

static void
third_launch (void)
{
  test_revoked_token ();
  test_switch_desks ();
  test_revoked_while_running ();
  test_sign_out ();
  test_wrong_password ();
  test_unreachable ();
  test_hanging_service ();
  test_untrusted_certificate ();
  test_locked_keyring ();
  test_no_keyring ();
  quit ();
}

static GString *printed;

static void
print_cb (const char *text)
{
  g_string_append (printed, text);
}

/* `deskwatch --demo` tells where its service is and how to sign in, as `deskwatchd --demo`
 * does; the Desks menu marks the demo desk. */
static void
demo_launch (void)
{
  g_autofree char *active = NULL;
  DwSession *session;
  g_autofree char *expected = NULL;

  wait_live ();
  session = dw_application_get_session (app);
  g_assert_true (dw_session_get_is_demo (session));
  /* It opened the demo with the token the service printed, checking no password. */
  g_assert_nonnull (dw_demo_launcher_get_token (dw_application_get_demo_launcher (app)));
  g_assert_cmpstr (dw_client_get_token (dw_session_get_client (session)), ==,
                   dw_demo_launcher_get_token (dw_application_get_demo_launcher (app)));
  expected = g_strdup_printf ("Listening on %s\nDemo lead: %s / %s\n",
                              dw_client_get_base_url (dw_session_get_client (session)),
                              DW_DEMO_USERNAME, DW_DEMO_PASSWORD);
  /* (Debug messages of the test harness go through the same print handler.) */
  g_assert_nonnull (strstr (printed->str, expected));
  active = active_desk ();
  g_assert_cmpstr (active, ==, DW_DEMO_ACCOUNT_ID);
  quit ();
}

/* Before the application's own activate builds the window. */
static void
demo_activating_cb (GApplication *application,
                    gboolean     *service_running)
{
  *service_running = dw_demo_launcher_is_running (
    dw_application_get_demo_launcher (DW_APPLICATION (application)));
}

static void
test_demo_launch (void)
{
  char *argv[] = { (char *) "deskwatch", (char *) "--demo", NULL };
  gboolean service_running = FALSE;
  GPrintFunc old;

  printed = g_string_new (NULL);
  old = g_set_print_handler (print_cb);
  g_assert_null (app);
  app = dw_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (demo_activating_cb), &service_running);
  g_signal_connect_after (app, "activate", G_CALLBACK (activated_cb), demo_launch);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 2, argv), ==, 0);
  g_clear_object (&app);
  g_set_print_handler (old);
  g_string_free (printed, TRUE);
  /* The demo's service was seeding its desk while GTK started and the window was built. */
  g_assert_true (service_running);
}

static void
demo_fails_early (void)
{
  DwWelcomePage *page = dw_window_get_welcome_page (window ());

  WAIT_UNTIL (dw_welcome_page_get_message (page) != NULL);
  g_assert_nonnull (strstr (dw_welcome_page_get_message (page), "stopped before it was ready"));
  g_assert_false (dw_welcome_page_get_busy (page));
  g_assert_null (dw_application_get_session (app));
  quit ();
}

/* A demo service started early that ends before it listens: the welcome page says so, once the
 * window is there to say it. */
static void
test_demo_fails_early (void)
{
  char *argv[] = { (char *) "deskwatch", (char *) "--demo", NULL };
  g_autofree char *service = g_strdup (g_getenv ("DESKWATCHD"));

  g_setenv ("DESKWATCHD", "/bin/true", TRUE);
  g_assert_null (app);
  app = dw_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activated_cb), demo_fails_early);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 2, argv), ==, 0);
  g_clear_object (&app);
  g_setenv ("DESKWATCHD", service, TRUE);
}

static void
test_third_launch (void)
{
  g_autoptr(DwTestResponse) response = NULL;

  /* Revoked while the console was not running. */
  response = dw_test_server_json (server, "DELETE", "/api/v1/auth/token", first_token, NULL);
  dw_test_assert_status (response, 204);
  launch (third_launch);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  adw_init ();
  /* With no window manager the window never has the X focus; a blinking cursor then makes
   * GTK warn that its text "did not receive a focus-out event". */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  /* The desktop's notification server: the console says when it goes on in the background. */
  dw_test_notifications_own ();
  server = dw_test_server_new_with_desk ();

  g_test_add_func ("/console/app/first-launch", test_first_launch);
  g_test_add_func ("/console/app/second-launch", test_second_launch);
  g_test_add_func ("/console/app/saved-desk-start", test_saved_desk_start);
  g_test_add_func ("/console/app/saved-desk-service-down", test_saved_desk_service_down);
  g_test_add_func ("/console/app/saved-desk-closed-at-once", test_saved_desk_closed_at_once);
  g_test_add_func ("/console/app/saved-desk-no-token", test_saved_desk_no_token);
  g_test_add_func ("/console/app/third-launch", test_third_launch);
  g_test_add_func ("/console/app/demo-launch", test_demo_launch);
  g_test_add_func ("/console/app/demo-fails-early", test_demo_fails_early);

  status = g_test_run ();

  dw_test_server_free (server);
  return status;
}
