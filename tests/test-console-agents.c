/* UI test of the Agents section's Now view: a real DwAgentsPage signed in as the lead of the
 * Logistics team, live on a real deskwatchd, under Xvfb.  Every check compares what the view
 * holds with what the service answers; changes are made through the API as another console
 * would, and through the view's own actions. */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "dw-session.h"
#include "dw-test-server.h"
#include "dw-widget-util.h"
#include "agents/dw-agents-now.h"
#include "agents/dw-agents-page.h"
#define DW_TEST_WAIT_SECONDS 120
#include "dw-test-wait.h"

/* "A presence change shows within a second": the bound of that wait, not a timing assertion
 * beyond it. */
#define LIVE_BOUND_MS 1000

static DwTestServer *server;
static DwSession *session;
static GtkWindow *window;
static DwAgentsPage *page;
static DwAgentsNow *now_view;
static gint64 agent3_id;
static char *agent3_token;

static JsonObject *
api (const char *method,
     const char *path,
     const char *token,
     const char *body,
     guint       status,
     DwTestResponse **keep)
{
  *keep = dw_test_server_json (server, method, path, token, body);
  dw_test_assert_status (*keep, status);
  return (*keep)->json != NULL && JSON_NODE_HOLDS_OBJECT ((*keep)->json)
         ? dw_test_response_object (*keep) : NULL;
}

static JsonArray *
get_status (void)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/agents/status?team_id=%" G_GINT64_FORMAT,
                                           server->team_id);
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->lead_token, NULL);

  dw_test_assert_status (r, 200);
  return json_array_ref (dw_test_response_items (r));
}

static JsonObject *
get_user (gint64 id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, id);
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->admin_token, NULL);

  dw_test_assert_status (r, 200);
  return json_object_ref (dw_test_response_object (r));
}

static void
set_presence (gint64      id,
              const char *token,
              const char *presence)
{
  g_autoptr(DwTestResponse) r = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence", id);
  g_autofree char *body = g_strdup_printf ("{\"presence\": \"%s\"}", presence);

  api ("PUT", path, token, body, 200, &r);
}

static gint64
new_ticket (const char *subject)
{
  g_autoptr(DwTestResponse) r = NULL;
  g_autofree char *body = g_strdup_printf ("{\"subject\": \"%s\", \"channel\": \"wechat\", "
                                           "\"business_type\": \"logistics\"}", subject);

  return json_object_get_int_member (api ("POST", "/api/v1/tickets", server->admin_token, body,
                                          201, &r), "id");
}

static DwAgentStatus *
shown_agent (gint64 id)
{
  GListModel *agents = dw_agents_now_get_agents (now_view);

  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr(DwAgentStatus) agent = g_list_model_get_item (agents, i);

      if (dw_agent_status_get_user_id (agent) == id)
        return agent;
    }
  return NULL;
}

static gboolean
shown_presence_is (gint64     id,
                   DwPresence presence)
{
  DwAgentStatus *agent = shown_agent (id);

  return agent != NULL && dw_agent_status_get_presence (agent) == presence;
}

static int
shown_load (gint64 id)
{
  DwAgentStatus *agent = shown_agent (id);

  return agent != NULL ? dw_agent_status_get_load (agent) : -1;
}

static int
service_int (gint64      id,
             const char *member)
{
  g_autoptr(JsonObject) user = get_user (id);

  return json_object_get_int_member (user, member);
}

static gboolean
service_presence_is (gint64      id,
                     const char *presence)
{
  g_autoptr(JsonObject) user = get_user (id);

  return g_strcmp0 (json_object_get_string_member (user, "presence"), presence) == 0;
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (w))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

/* As a click on the response's button: the response, then the dialog closes. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  WAIT_UNTIL (find_dialog () == NULL);
}

static gboolean
toast_has (const char *text)
{
  const char *last = dw_agents_now_get_last_toast (now_view);

  return last != NULL && strstr (last, text) != NULL;
}

/* With DW_TEST_SHOT_DIR set, the screen as it is now goes to DIR/NAME.png, to be looked at. */
static void
shot (const char *name)
{
  const char *dir = g_getenv ("DW_TEST_SHOT_DIR");
  g_autofree char *file = NULL;
  g_autofree char *command = NULL;
  g_autoptr(GError) error = NULL;

  if (dir == NULL)
    return;
  dw_test_spin (800);
  file = g_strdup_printf ("%s/%s.png", dir, name);
  command = g_strdup_printf ("import -window root -crop %dx%d+0+0 +repage %s",
                             gtk_widget_get_width (GTK_WIDGET (window)),
                             gtk_widget_get_height (GTK_WIDGET (window)), file);
  if (!g_spawn_command_line_sync (command, NULL, NULL, NULL, &error))
    g_test_message ("no screenshot: %s", error->message);
}

static void
activate (const char *action,
          gint64      id)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (now_view), action, "x", id));
}

static void
set_up_desk (void)
{
  g_autoptr(DwTestResponse) u = NULL;
  g_autofree char *body = NULL;

  server = dw_test_server_new_with_desk ();
  body = g_strdup_printf ("{\"username\": \"agent3\", \"display_name\": \"王芳\", \"role\": \"agent\", "
                          "\"password\": \"" DW_TEST_PASSWORD "\", \"capacity\": 3, "
                          "\"teams\": [{\"id\": %" G_GINT64_FORMAT "}]}", server->team_id);
  agent3_id = json_object_get_int_member (api ("POST", "/api/v1/users", server->admin_token, body,
                                               201, &u), "id");
  agent3_token = dw_test_server_sign_in (server, "agent3", DW_TEST_PASSWORD);

  /* The lead leads Returns too, so that it has a team to move an agent to. */
  {
    g_autoptr(DwTestResponse) l = NULL;
    g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, server->lead_id);
    g_autofree char *teams = g_strdup_printf ("{\"teams\": [{\"id\": %" G_GINT64_FORMAT ", \"is_lead\": true}, "
                                              "{\"id\": %" G_GINT64_FORMAT ", \"is_lead\": true}]}",
                                              server->team_id, server->other_team_id);

    api ("PATCH", path, server->admin_token, teams, 200, &l);
  }

  /* The team's first agent online with two tickets routed to it. */
  set_presence (server->agent_id, server->agent_token, "online");
  new_ticket ("包裹破损");
  new_ticket ("少发了一件");
}

static void
open_page (void)
{
  g_autoptr(DwClient) client = dw_client_new (server->url);

  dw_client_set_token (client, server->lead_token);
  session = dw_session_new (client, NULL, FALSE);
  dw_session_start (session);
  WAIT_UNTIL (dw_sync_get_state (dw_session_get_sync (session)) == DW_SYNC_STATE_CONNECTED);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1200, 700);
  page = DW_AGENTS_PAGE (dw_agents_page_new ());
  gtk_window_set_child (window, GTK_WIDGET (page));
  dw_agents_page_set_context (page, dw_session_get_sync (session), dw_session_get_clock (session));
  gtk_window_present (window);
  now_view = DW_AGENTS_NOW (dw_agents_page_get_now (page));
  WAIT_UNTIL (dw_agents_now_get_n_loads (now_view) > 0);
}

static void
test_list_equals_service (void)
{
  g_autoptr(JsonArray) items = get_status ();
  GListModel *shown = dw_agents_now_get_model (now_view);

  g_assert_cmpint (dw_agents_page_get_team (page), ==, server->team_id);
  g_assert_cmpuint (json_array_get_length (items), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, json_array_get_length (items));
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      DwAgentStatus *agent = shown_agent (json_object_get_int_member (item, "user_id"));
      JsonNode *waiting = json_object_get_member (item, "oldest_waiting_ticket_id");

      g_assert_nonnull (agent);
      g_assert_cmpstr (dw_agent_status_get_display_name (agent), ==,
                       json_object_get_string_member (item, "display_name"));
      g_assert_cmpstr (dw_presence_to_string (dw_agent_status_get_presence (agent)), ==,
                       json_object_get_string_member (item, "presence"));
      g_assert_cmpint (dw_agent_status_get_load (agent), ==, json_object_get_int_member (item, "load"));
      g_assert_cmpint (dw_agent_status_get_capacity (agent), ==,
                       json_object_get_int_member (item, "capacity"));
      g_assert_cmpint (dw_agent_status_get_oldest_waiting_ticket_id (agent), ==,
                       JSON_NODE_HOLDS_NULL (waiting) ? 0 : json_node_get_int (waiting));
      g_assert_cmpint (dw_agent_status_get_at_risk (agent), ==,
                       json_object_get_int_member (item, "at_risk"));
      g_assert_cmpint (dw_agent_status_get_breached (agent), ==,
                       json_object_get_int_member (item, "breached"));
    }
  g_assert_cmpint (shown_load (server->agent_id), ==, 2);
  g_assert_false (dw_agents_now_get_narrow (now_view));
  g_assert_false (dw_agents_now_get_stale (now_view));
}

/* Another console sets an agent online: the row follows within a second. */
static void
test_presence_live (void)
{
  gint64 deadline;

  g_assert_true (shown_presence_is (agent3_id, DW_PRESENCE_OFFLINE));
  set_presence (agent3_id, agent3_token, "online");
  deadline = g_get_monotonic_time () + LIVE_BOUND_MS * 1000;
  while (!shown_presence_is (agent3_id, DW_PRESENCE_ONLINE))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the presence change did not show within %d ms", LIVE_BOUND_MS);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static void
collect_menu_buttons (GtkWidget *widget,
                      GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_MENU_BUTTON (child))
        g_ptr_array_add (found, child);
      else
        collect_menu_buttons (child, found);
    }
}

/* Activates @action as the item of that name in the menu of @user_id's row would: the row's
 * menu button is found by its label, the item by its action, with the item's own target. */
static void
activate_from_row (gint64      user_id,
                   const char *action)
{
  g_autoptr(JsonObject) user = get_user (user_id);
  g_autofree char *label = g_strdup_printf ("Actions for %s",
                                            json_object_get_string_member (user, "display_name"));
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GtkWidget *button = NULL;
  GMenuModel *menu;

  collect_menu_buttons (GTK_WIDGET (now_view), buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (gtk_widget_is_drawable (buttons->pdata[i])
        && g_strcmp0 (gtk_widget_get_tooltip_text (buttons->pdata[i]), label) == 0)
      button = buttons->pdata[i];
  g_assert_nonnull (button);
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  for (int s = 0; s < g_menu_model_get_n_items (menu); s++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, s, G_MENU_LINK_SECTION);

      for (int i = 0; section != NULL && i < g_menu_model_get_n_items (section); i++)
        {
          g_autoptr(GVariant) name = g_menu_model_get_item_attribute_value (section, i, "action",
                                                                            G_VARIANT_TYPE_STRING);
          g_autoptr(GVariant) target = g_menu_model_get_item_attribute_value (section, i, "target",
                                                                              NULL);

          if (g_strcmp0 (g_variant_get_string (name, NULL), action) != 0)
            continue;
          g_assert_cmpint (g_variant_get_int64 (target), ==, user_id);
          g_assert_true (gtk_widget_activate_action_variant (button, action, target));
          return;
        }
    }
  g_error ("%s is not in the menu of %s's row", action, label);
}

/* The lead sets an agent away, then online again, from the agent's row. */
static void
test_presence_from_row (void)
{
  g_assert_true (service_presence_is (server->agent_id, "online"));
  activate_from_row (server->agent_id, "agents.set-away");
  WAIT_UNTIL (service_presence_is (server->agent_id, "away"));
  WAIT_UNTIL (shown_presence_is (server->agent_id, DW_PRESENCE_AWAY));
  WAIT_UNTIL (toast_has ("is away now"));

  /* Now away, the row offers the way back. */
  activate_from_row (server->agent_id, "agents.set-online");
  WAIT_UNTIL (service_presence_is (server->agent_id, "online"));
  WAIT_UNTIL (shown_presence_is (server->agent_id, DW_PRESENCE_ONLINE));
}

static void
test_filter_and_sort (void)
{
  GListModel *shown = dw_agents_now_get_model (now_view);
  g_autoptr(DwAgentStatus) first = NULL;

  dw_agents_now_set_search (now_view, "王");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 1);
  dw_agents_now_set_search (now_view, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 2);

  dw_agents_now_set_presence_filter (now_view, DW_PRESENCE_AWAY);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);
  dw_agents_now_set_presence_filter (now_view, -1);

  /* Busiest first: the agent with two tickets. */
  dw_agents_now_sort_by (now_view, DW_AGENT_SORT_LOAD, GTK_SORT_DESCENDING);
  first = g_list_model_get_item (shown, 0);
  g_assert_cmpint (dw_agent_status_get_user_id (first), ==, server->agent_id);
  dw_agents_now_sort_by (now_view, DW_AGENT_SORT_NAME, GTK_SORT_ASCENDING);
}

static void
test_change_capacity (void)
{
  AdwMessageDialog *dialog;
  GtkWidget *spin;

  activate ("agents.change-capacity", agent3_id);
  WAIT_UNTIL (find_dialog () != NULL);
  dialog = find_dialog ();
  spin = dw_widget_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_SPIN_BUTTON);
  g_assert_nonnull (spin);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 3);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 7);
  shot ("agents-capacity-dialog");
  respond (dialog, "change");
  WAIT_UNTIL (service_int (agent3_id, "capacity") == 7);
  WAIT_UNTIL (toast_has ("7"));
  WAIT_UNTIL (shown_agent (agent3_id) != NULL
              && dw_agent_status_get_capacity (shown_agent (agent3_id)) == 7);
}

static void
test_release_to_queue (void)
{
  AdwMessageDialog *dialog;

  /* agent3 is online with room: take it away again, so that the released tickets wait in
   * the queue rather than being routed on at once. */
  set_presence (agent3_id, agent3_token, "offline");
  WAIT_UNTIL (shown_presence_is (agent3_id, DW_PRESENCE_OFFLINE));
  g_assert_cmpint (service_int (server->agent_id, "open_tickets"), ==, 2);

  activate ("agents.release", server->agent_id);
  WAIT_UNTIL (find_dialog () != NULL);
  dialog = find_dialog ();
  shot ("agents-release-dialog");
  respond (dialog, "queue");
  WAIT_UNTIL (toast_has ("moved"));
  g_test_message ("toast: %s", dw_agents_now_get_last_toast (now_view));
  g_assert_true (toast_has ("2 tickets moved"));
  WAIT_UNTIL (service_int (server->agent_id, "open_tickets") == 0);
  WAIT_UNTIL (shown_load (server->agent_id) == 0);
  /* Released to the queue, the agent was set away first (docs/api.md). */
  g_assert_true (service_presence_is (server->agent_id, "away"));
}

static void
test_message_without_trouble (void)
{
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  activate ("agents.message", server->agent_id);
  WAIT_UNTIL (find_dialog () != NULL);
  dialog = find_dialog ();
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "send"));
  entry = dw_widget_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (entry), "先处理这单");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "send"));
  shot ("agents-message-dialog");
  respond (dialog, "send");
  WAIT_UNTIL (toast_has ("nothing was noted"));
}

static void
test_narrow (void)
{
  GtkWidget *menu_button;
  GtkPopover *popover;
  int min_width;

  gtk_window_set_default_size (window, 400, 700);
  WAIT_UNTIL (dw_agents_now_get_narrow (now_view));
  /* The section itself asks for no more than that (the team picker shows two teams). */
  gtk_widget_measure (GTK_WIDGET (page), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_test_message ("the Agents section needs %d px", min_width);
  g_assert_cmpint (min_width, <=, 400);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (page)), <=, 400);
  g_assert_cmpuint (g_list_model_get_n_items (dw_agents_now_get_model (now_view)), ==, 2);
  shot ("agents-narrow");
  /* Each row keeps its menu of a lead's actions, labelled for a screen reader. */
  menu_button = dw_widget_find_descendant (GTK_WIDGET (now_view), GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (menu_button);
  g_assert_true (gtk_widget_get_visible (menu_button));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (menu_button), "Actions for "));
  gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu_button));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (popover)));
  shot ("agents-narrow-menu");
  /* The clock's tick (every 5 s) brings the times up to date, and leaves an open menu open. */
  dw_test_spin (5500);
  g_assert_true (gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu_button)) == popover);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (menu_button));
  gtk_window_set_default_size (window, 1200, 700);
  WAIT_UNTIL (!dw_agents_now_get_narrow (now_view));
}

/* Shift+F10 or the Menu key on a row opens the same menu as its button, for that agent. */
static void
test_context_menu (void)
{
  g_autoptr(JsonObject) user = get_user (server->agent_id);
  g_autofree char *label = g_strdup_printf ("Actions for %s",
                                            json_object_get_string_member (user, "display_name"));
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GtkWidget *button = NULL;
  GtkWidget *popover = NULL;
  GMenuModel *menu;
  g_autoptr(GMenuModel) section = NULL;
  g_autoptr(GVariant) target = NULL;

  collect_menu_buttons (GTK_WIDGET (now_view), buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (gtk_widget_is_drawable (buttons->pdata[i])
        && g_strcmp0 (gtk_widget_get_tooltip_text (buttons->pdata[i]), label) == 0)
      button = buttons->pdata[i];
  g_assert_nonnull (button);
  gtk_widget_grab_focus (button);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (now_view), "agents.context-menu", NULL));
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (now_view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER_MENU (child))
      popover = child;
  g_assert_nonnull (popover);
  WAIT_UNTIL (gtk_widget_get_mapped (popover));
  shot ("agents-context-menu");
  menu = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (popover));
  section = g_menu_model_get_item_link (menu, 1, G_MENU_LINK_SECTION);
  target = g_menu_model_get_item_attribute_value (section, 0, "target", NULL);
  g_assert_cmpint (g_variant_get_int64 (target), ==, server->agent_id);
  gtk_popover_popdown (GTK_POPOVER (popover));
}

/* A refusal of the service is said in a toast with the problem's own detail. */
static void
test_refusal_toast (void)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/presence",
                                           server->admin_id);
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "PUT", path, server->lead_token,
                                                     "{\"presence\": \"away\"}");
  const char *detail;

  g_assert_cmpuint (r->status, >=, 400);
  g_assert_cmpuint (r->status, <, 500);
  detail = json_object_get_string_member (dw_test_response_object (r), "detail");
  g_assert_nonnull (detail);
  activate ("agents.set-away", server->admin_id);
  WAIT_UNTIL (toast_has ("Could not set"));
  g_test_message ("toast: %s", dw_agents_now_get_last_toast (now_view));
  g_assert_true (toast_has (detail));
  g_assert_false (service_presence_is (server->admin_id, "away"));
}

/* The lead leads both teams: agent3 goes from Logistics to Returns and leaves the list. */
static void
test_move_to_team (void)
{
  AdwMessageDialog *dialog;
  GtkDropDown *drop_down;
  g_autoptr(JsonObject) user = NULL;
  JsonArray *teams;

  g_assert_nonnull (shown_agent (agent3_id));
  activate_from_row (agent3_id, "agents.move");
  WAIT_UNTIL (find_dialog () != NULL);
  dialog = find_dialog ();
  drop_down = GTK_DROP_DOWN (dw_widget_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_DROP_DOWN));
  g_assert_nonnull (drop_down);
  /* The lead's other team only. */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (drop_down)), ==, 1);
  shot ("agents-move-dialog");
  respond (dialog, "move");
  WAIT_UNTIL (shown_agent (agent3_id) == NULL);
  WAIT_UNTIL (toast_has ("moved to Returns"));
  user = get_user (agent3_id);
  teams = json_object_get_array_member (user, "teams");
  g_assert_cmpuint (json_array_get_length (teams), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (teams, 0), "id"),
                   ==, server->other_team_id);
}

/* Signed in as an agent, the view holds that agent alone and offers no lead's action. */
static void
test_agent_sees_itself (void)
{
  g_autoptr(DwClient) client = dw_client_new (server->url);
  g_autoptr(DwSession) agent_session = NULL;
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GtkWindow *agent_window;
  DwAgentsPage *agent_page;
  DwAgentsNow *agent_now;
  g_autoptr(DwAgentStatus) only = NULL;

  dw_client_set_token (client, server->agent_token);
  agent_session = dw_session_new (client, NULL, FALSE);
  dw_session_start (agent_session);
  WAIT_UNTIL (dw_sync_get_state (dw_session_get_sync (agent_session)) == DW_SYNC_STATE_CONNECTED);

  agent_window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (agent_window, 1000, 500);
  agent_page = DW_AGENTS_PAGE (dw_agents_page_new ());
  gtk_window_set_child (agent_window, GTK_WIDGET (agent_page));
  dw_agents_page_set_context (agent_page, dw_session_get_sync (agent_session),
                              dw_session_get_clock (agent_session));
  gtk_window_present (agent_window);
  agent_now = DW_AGENTS_NOW (dw_agents_page_get_now (agent_page));
  WAIT_UNTIL (dw_agents_now_get_n_loads (agent_now) > 0);

  g_assert_cmpint (dw_agents_page_get_team (agent_page), ==, server->team_id);
  g_assert_cmpuint (g_list_model_get_n_items (dw_agents_now_get_model (agent_now)), ==, 1);
  only = g_list_model_get_item (dw_agents_now_get_model (agent_now), 0);
  g_assert_cmpint (dw_agent_status_get_user_id (only), ==, server->agent_id);
  dw_test_spin (200);
  collect_menu_buttons (GTK_WIDGET (agent_now), buttons);
  for (guint i = 0; i < buttons->len; i++)
    g_assert_false (gtk_widget_get_visible (buttons->pdata[i]));

  gtk_window_destroy (agent_window);
  dw_session_stop (agent_session);
}

/* While the service is gone the figures stay, marked as not live; back, they are live again
 * and a change made meanwhile shows. */
static void
test_service_restart (void)
{
  DwSync *sync = dw_session_get_sync (session);
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", dw_test_server_get_port (server));
  const char *args[] = { "--listen", listen, NULL };
  guint n_shown = g_list_model_get_n_items (dw_agents_now_get_model (now_view));

  dw_sync_set_backoff (sync, 100, 500);
  g_assert_false (dw_agents_now_get_stale (now_view));
  dw_test_server_kill (server);
  WAIT_UNTIL (dw_sync_get_state (sync) != DW_SYNC_STATE_CONNECTED);
  WAIT_UNTIL (dw_agents_now_get_stale (now_view));
  g_assert_cmpuint (g_list_model_get_n_items (dw_agents_now_get_model (now_view)), ==, n_shown);
  shot ("agents-stale");

  dw_test_server_start (server, args);
  set_presence (server->agent_id, server->agent_token, "offline");
  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);
  WAIT_UNTIL (!dw_agents_now_get_stale (now_view));
  WAIT_UNTIL (shown_presence_is (server->agent_id, DW_PRESENCE_OFFLINE));
}

/* A search or a presence that leaves no agent says so and how to get them back, instead of
 * bare column headings; clearing the search brings the table back. */
static void
test_no_match_says_why (void)
{
  GListModel *shown = dw_agents_now_get_model (now_view);
  AdwStatusPage *status = ADW_STATUS_PAGE (dw_widget_find_descendant (GTK_WIDGET (now_view),
                                                                      ADW_TYPE_STATUS_PAGE));

  g_assert_cmpuint (g_list_model_get_n_items (shown), >, 0);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (status)));
  dw_agents_now_set_search (now_view, "no such agent anywhere");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (status)));
  g_assert_cmpstr (adw_status_page_get_title (status), ==, "No Matching Agents");
  g_assert_nonnull (strstr (adw_status_page_get_description (status), "Clear the search"));
  shot ("agents-no-match");

  dw_agents_now_set_search (now_view, NULL);
  WAIT_UNTIL (!gtk_widget_get_mapped (GTK_WIDGET (status)));
  g_assert_cmpuint (g_list_model_get_n_items (shown), >, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  set_up_desk ();
  open_page ();

  g_test_add_func ("/console/agents/list-equals-service", test_list_equals_service);
  g_test_add_func ("/console/agents/presence-live", test_presence_live);
  g_test_add_func ("/console/agents/presence-from-row", test_presence_from_row);
  g_test_add_func ("/console/agents/filter-and-sort", test_filter_and_sort);
  g_test_add_func ("/console/agents/context-menu", test_context_menu);
  g_test_add_func ("/console/agents/change-capacity", test_change_capacity);
  g_test_add_func ("/console/agents/release-to-queue", test_release_to_queue);
  g_test_add_func ("/console/agents/message-without-trouble", test_message_without_trouble);
  g_test_add_func ("/console/agents/refusal-toast", test_refusal_toast);
  g_test_add_func ("/console/agents/narrow", test_narrow);
  g_test_add_func ("/console/agents/move-to-team", test_move_to_team);
  g_test_add_func ("/console/agents/agent-sees-itself", test_agent_sees_itself);
  g_test_add_func ("/console/agents/service-restart", test_service_restart);
  g_test_add_func ("/console/agents/no-match-says-why", test_no_match_says_why);

  status = g_test_run ();

  gtk_window_destroy (window);
  dw_session_stop (session);
  g_clear_object (&session);
  g_clear_pointer (&agent3_token, g_free);
  dw_test_server_free (server);
  return status;
}
