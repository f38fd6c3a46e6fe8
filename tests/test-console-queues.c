/* UI tests of the Queues section: a real window holding DwQueuesPage, signed in to a real
 * deskwatchd as its lead through DwClient and kept live by DwSync.
 *
 * Runs under Xvfb and a session bus (tests/run-ui-test.sh, or by hand:
 * xvfb-run -a dbus-run-session -- build/tests/test-console-queues).
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "dw-agent-picker.h"
#include "dw-preferences-window.h"
#include "dw-queues-page.h"
#include "dw-test-server.h"
#include "dw-test-wait.h"
#include "dw-ticket-detail.h"
#include "dw-ticket-list.h"

typedef struct
{
  DwTestServer *server;
  DwClient     *client;
  DwSync       *sync;
  GtkWindow    *window;
  DwQueuesPage *page;
  gint64        failed_ticket;
  char         *failed_message;
} Fixture;

static void
action_failed_cb (DwQueuesPage *page,
                  gint64        ticket_id,
                  const char   *message,
                  Fixture      *f)
{
  f->failed_ticket = ticket_id;
  g_free (f->failed_message);
  f->failed_message = g_strdup (message);
}

/* Connected; fails the test at once with the reason when the sync gives up. */
static gboolean
sync_connected (DwSync *sync)
{
  if (dw_sync_get_state (sync) == DW_SYNC_STATE_OFFLINE && dw_sync_get_error (sync) != NULL)
    g_error ("Sync failed: %s", dw_sync_get_error (sync)->message);
  return dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED;
}

static void
sign_in_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gint64
create_ticket (Fixture    *f,
               const char *subject)
{
  g_autoptr(DwTestResponse) response = NULL;

  response = dw_test_server_jsonf (f->server, "POST", f->server->admin_token, "/api/v1/tickets",
                                   "{\"subject\": \"%s\", \"channel\": \"wechat\", "
                                   "\"business_type\": \"logistics\", \"team_id\": %" G_GINT64_FORMAT "}",
                                   subject, f->server->team_id);
  dw_test_assert_status (response, 201);
  return json_object_get_int_member (dw_test_response_object (response), "id");
}

static JsonObject *
get_ticket (Fixture *f,
            gint64   id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autoptr(DwTestResponse) response = dw_test_server_json (f->server, "GET", path,
                                                            f->server->admin_token, NULL);

  dw_test_assert_status (response, 200);
  return json_object_ref (dw_test_response_object (response));
}

static gboolean
list_shows (DwQueuesPage *page,
            gint64        ticket_id)
{
  GListModel *model = dw_ticket_list_get_model (DW_TICKET_LIST (dw_queues_page_get_ticket_list (page)));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DwTicket) ticket = g_list_model_get_item (model, i);

      if (dw_ticket_get_id (ticket) == ticket_id)
        return TRUE;
    }
  return FALSE;
}

static DwAgentPicker *
find_picker (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (DW_IS_AGENT_PICKER (window))
        return DW_AGENT_PICKER (window);
    }
  return NULL;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) me = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  f->server = dw_test_server_new_with_desk ();
  create_ticket (f, "快递三天没动");
  create_ticket (f, "Where is my parcel?");

  f->client = dw_client_new (f->server->url);
  dw_client_sign_in_async (f->client, "lead", DW_TEST_PASSWORD, NULL, sign_in_cb, &result);
  WAIT_UNTIL (result != NULL);
  me = dw_client_sign_in_finish (f->client, result, &token, &error);
  g_assert_no_error (error);
  g_assert_nonnull (me);

  f->sync = dw_sync_new (f->client, NULL);
  dw_sync_start (f->sync);
  WAIT_UNTIL (sync_connected (f->sync));

  f->page = DW_QUEUES_PAGE (dw_queues_page_new ());
  dw_queues_page_set_sync (f->page, f->sync);
  g_signal_connect (f->page, "action-failed", G_CALLBACK (action_failed_cb), f);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (f->window, "Deskwatch queues test");
  gtk_window_set_default_size (f->window, 1280, 800);
  gtk_window_set_child (f->window, GTK_WIDGET (f->page));
  gtk_window_present (f->window);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  DwAgentPicker *picker;

  while ((picker = find_picker ()) != NULL)
    gtk_window_destroy (GTK_WINDOW (picker));
  gtk_window_destroy (f->window);
  dw_sync_stop (f->sync);
  g_clear_object (&f->sync);
  g_clear_object (&f->client);
  g_clear_pointer (&f->failed_message, g_free);
  g_clear_pointer (&f->server, dw_test_server_free);
}

/* The service's tickets appear, and one created on the service afterwards shows up. */
static void
test_tickets_live (Fixture       *f,
                   gconstpointer  data)
{
  DwTicketList *list = DW_TICKET_LIST (dw_queues_page_get_ticket_list (f->page));
  gint64 id;

  WAIT_UNTIL (dw_ticket_list_get_n_shown (list) == 2);

  id = create_ticket (f, "Parcel arrived damaged");
  WAIT_UNTIL (list_shows (f->page, id));
  g_assert_cmpuint (dw_ticket_list_get_n_shown (list), ==, 3);

  /* Filtering by text keeps just the matching one; clearing brings all back. */
  dw_ticket_criteria_set_text (dw_ticket_list_get_criteria (list), "damaged");
  WAIT_UNTIL (dw_ticket_list_get_n_shown (list) == 1);
  g_assert_true (list_shows (f->page, id));
  dw_ticket_criteria_set_text (dw_ticket_list_get_criteria (list), NULL);
  WAIT_UNTIL (dw_ticket_list_get_n_shown (list) == 3);
}

/* The detail names the customer (customers are not in the snapshot: it asks the service). */
static void
test_customer (Fixture       *f,
               gconstpointer  data)
{
  DwTicketDetail *detail = DW_TICKET_DETAIL (dw_queues_page_get_ticket_detail (f->page));
  g_autoptr(DwTestResponse) customer = NULL;
  g_autoptr(DwTestResponse) ticket = NULL;
  gint64 id;

  customer = dw_test_server_json (f->server, "POST", "/api/v1/customers", f->server->admin_token,
                                  "{\"name\": \"王先生\", \"tags\": [\"vip\", \"大促\"]}");
  dw_test_assert_status (customer, 201);
  ticket = dw_test_server_jsonf (f->server, "POST", f->server->admin_token, "/api/v1/tickets",
                                 "{\"subject\": \"快递三天没动\", \"channel\": \"wechat\", "
                                 "\"customer_id\": %" G_GINT64_FORMAT "}",
                                 json_object_get_int_member (dw_test_response_object (customer),
                                                             "id"));
  dw_test_assert_status (ticket, 201);
  id = json_object_get_int_member (dw_test_response_object (ticket), "id");

  WAIT_UNTIL (list_shows (f->page, id));
  dw_queues_page_show_ticket (f->page, id);
  WAIT_UNTIL (g_strcmp0 (dw_ticket_detail_get_customer_text (detail), "王先生 · vip, 大促") == 0);
}

/* Ctrl+R's action opens the agent picker; picking reaches the service. */
static void
test_reassign (Fixture       *f,
               gconstpointer  data)
{
  DwTicketList *list = DW_TICKET_LIST (dw_queues_page_get_ticket_list (f->page));
  DwTicketDetail *detail = DW_TICKET_DETAIL (dw_queues_page_get_ticket_detail (f->page));
  gint64 id = create_ticket (f, "Reassign me");
  DwAgentPicker *picker;
  DwTicket *ticket;

  WAIT_UNTIL (list_shows (f->page, id));
  dw_queues_page_show_ticket (f->page, id);
  ticket = dw_ticket_detail_get_ticket (detail);
  g_assert_nonnull (ticket);
  g_assert_cmpint (dw_ticket_get_id (ticket), ==, id);
  g_assert_true (dw_ticket_list_get_selected_ticket (list) == ticket);
  /* The detail fetched the audit timeline (at least "created"). */
  WAIT_UNTIL (dw_ticket_detail_get_n_events (detail) > 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "ticket.reassign", NULL));
  picker = find_picker ();
  g_assert_nonnull (picker);
  dw_agent_picker_set_search (picker, "李");
  WAIT_UNTIL (g_list_model_get_n_items (dw_agent_picker_get_model (picker)) == 1);
  dw_agent_picker_pick_position (picker, 0);

  /* Shown at once… */
  g_assert_cmpint (dw_ticket_get_assignee_id (ticket), ==, f->server->agent_id);
  /* …and confirmed by the service. */
  WAIT_UNTIL (dw_ticket_get_version (ticket) > 1 || f->failed_message != NULL);
  g_assert_null (f->failed_message);
  {
    g_autoptr(JsonObject) remote = get_ticket (f, id);

    g_assert_cmpint (json_object_get_int_member (remote, "assignee_id"), ==, f->server->agent_id);
  }
  g_assert_cmpint (dw_ticket_get_assignee_id (ticket), ==, f->server->agent_id);
}

/* A change made on a stale version is rolled back with a message naming the ticket. */
static void
test_conflict_rolls_back (Fixture       *f,
                          gconstpointer  data)
{
  DwTicketDetail *detail = DW_TICKET_DETAIL (dw_queues_page_get_ticket_detail (f->page));
  gint64 id = create_ticket (f, "Contested");
  g_autoptr(DwTestResponse) response = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *path = NULL;
  DwTicket *ticket;
  DwPriority before;

  WAIT_UNTIL (list_shows (f->page, id));
  dw_queues_page_show_ticket (f->page, id);
  ticket = dw_ticket_detail_get_ticket (detail);
  before = dw_ticket_get_priority (ticket);
  g_assert_cmpint (before, !=, DW_PRIORITY_URGENT);

  /* Someone else changes it while this console does not hear of it. */
  dw_sync_stop (f->sync);
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  response = dw_test_server_jsonf (f->server, "PATCH", f->server->admin_token, path,
                                   "{\"version\": %" G_GINT64_FORMAT ", \"subject\": \"Changed elsewhere\"}",
                                   dw_ticket_get_version (ticket));
  dw_test_assert_status (response, 200);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "ticket.priority", "s", "urgent"));
  g_assert_cmpint (dw_ticket_get_priority (ticket), ==, DW_PRIORITY_URGENT);  /* shown at once */

  WAIT_UNTIL (f->failed_message != NULL);
  expected = g_strdup_printf ("Someone else changed ticket #%" G_GINT64_FORMAT "; your change was undone", id);
  g_assert_cmpint (f->failed_ticket, ==, id);
  g_assert_cmpstr (f->failed_message, ==, expected);
  g_assert_cmpint (dw_ticket_get_priority (ticket), ==, before);
  {
    g_autoptr(JsonObject) remote = get_ticket (f, id);

    g_assert_cmpstr (json_object_get_string_member (remote, "priority"), ==,
                     dw_priority_to_string (before));
  }
}

/* Escalation raises the priority one step and the escalation level by one. */
static void
test_escalate (Fixture       *f,
               gconstpointer  data)
{
  DwTicketDetail *detail = DW_TICKET_DETAIL (dw_queues_page_get_ticket_detail (f->page));
  gint64 id = create_ticket (f, "Escalate me");
  DwTicket *ticket;
  DwPriority before;
  int level;

  WAIT_UNTIL (list_shows (f->page, id));
  dw_queues_page_show_ticket (f->page, id);
  ticket = dw_ticket_detail_get_ticket (detail);
  before = dw_ticket_get_priority (ticket);
  level = dw_ticket_get_escalation_level (ticket);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "ticket.escalate", NULL));
  g_assert_cmpint (dw_ticket_get_priority (ticket), ==, before + 1);
  g_assert_cmpint (dw_ticket_get_escalation_level (ticket), ==, level + 1);

  WAIT_UNTIL (dw_ticket_get_version (ticket) > 1 || f->failed_message != NULL);
  g_assert_null (f->failed_message);
  {
    g_autoptr(JsonObject) remote = get_ticket (f, id);

    g_assert_cmpint (json_object_get_int_member (remote, "escalation_level"), ==, level + 1);
    g_assert_cmpint (json_object_get_int_member (remote, "version"), ==,
                     dw_ticket_get_version (ticket));
  }
}

static void
set_presence (Fixture    *f,
              gint64      user_id,
              const char *presence)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence", user_id);
  g_autoptr(DwTestResponse) response = NULL;

  response = dw_test_server_jsonf (f->server, "PUT", f->server->admin_token, path,
                                   "{\"presence\": \"%s\"}", presence);
  dw_test_assert_status (response, 200);
}

/* How many cells of the ticket table say @text (the table shows every row of a small desk). */
static guint
count_cells (GtkWidget  *widget,
             const char *text)
{
  guint n = 0;

  if (GTK_IS_INSCRIPTION (widget) && gtk_widget_get_mapped (widget)
      && g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), text) == 0)
    n++;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_cells (child, text);
  return n;
}

static gboolean
card_says (Fixture    *f,
           gint64      team_id,
           const char *part)
{
  g_autofree char *text = dw_queues_page_dup_figures (f->page, team_id);

  return text != NULL && strstr (text, part) != NULL;
}

/* The team card labels what it counts, shows only the lead's teams, and counts the tickets
 * waiting on an agent who went offline, which the rows mark. */
static void
test_offline_assignee (Fixture       *f,
                       gconstpointer  data)
{
  DwTicketList *list = DW_TICKET_LIST (dw_queues_page_get_ticket_list (f->page));
  g_autofree char *figures = NULL;

  WAIT_UNTIL (dw_ticket_list_get_n_shown (list) == 2);

  figures = dw_queues_page_dup_figures (f->page, f->server->team_id);
  g_assert_nonnull (figures);
  g_assert_nonnull (strstr (figures, "Active: 2"));
  g_assert_nonnull (strstr (figures, "Oldest unassigned: "));
  g_assert_nonnull (strstr (figures, "Agent offline: 0"));

  /* The agent comes online and is handed both tickets. */
  set_presence (f, f->server->agent_id, "online");
  WAIT_UNTIL (card_says (f, f->server->team_id, "Unassigned: 0"));
  WAIT_UNTIL (count_cells (GTK_WIDGET (list), "李娜") == 2);
  g_assert_true (card_says (f, f->server->team_id, "Oldest unassigned: —"));
  g_assert_true (card_says (f, f->server->team_id, "Load 2 of 2"));

  /* Offline (within the team's grace, so they stay): counted on the card, marked on the rows. */
  set_presence (f, f->server->agent_id, "offline");
  WAIT_UNTIL (card_says (f, f->server->team_id, "Agent offline: 2"));
  WAIT_UNTIL (count_cells (GTK_WIDGET (list), "⚠ 李娜 (offline)") == 2);
  g_assert_cmpuint (count_cells (GTK_WIDGET (list), "李娜"), ==, 0);

  /* Back online: no mark, nothing counted. */
  set_presence (f, f->server->agent_id, "online");
  WAIT_UNTIL (card_says (f, f->server->team_id, "Agent offline: 0"));
  WAIT_UNTIL (count_cells (GTK_WIDGET (list), "李娜") == 2);
}

/* Reassigning to an agent at capacity is refused with words for the lead, who can then
 * assign it anyway: the service takes the explicit override and audits it. */
static void
test_over_capacity (Fixture       *f,
                    gconstpointer  data)
{
  DwTicketDetail *detail = DW_TICKET_DETAIL (dw_queues_page_get_ticket_detail (f->page));
  g_autofree char *expected = NULL;
  g_autofree char *audit_path = NULL;
  g_autoptr(DwTestResponse) audit = NULL;
  DwTicket *ticket;
  JsonArray *items;
  gboolean overridden = FALSE;
  gint64 id;

  /* The agent (capacity 2) takes the two waiting tickets; a third waits. */
  set_presence (f, f->server->agent_id, "online");
  WAIT_UNTIL (card_says (f, f->server->team_id, "Load 2 of 2"));
  id = create_ticket (f, "One too many");
  WAIT_UNTIL (list_shows (f->page, id));
  dw_queues_page_show_ticket (f->page, id);
  ticket = dw_ticket_detail_get_ticket (detail);

  dw_queues_page_reassign (f->page, f->server->agent_id);
  WAIT_UNTIL (f->failed_message != NULL);
  expected = g_strdup_printf ("Ticket #%" G_GINT64_FORMAT " was not reassigned: the agent is at "
                              "capacity", id);
  g_assert_cmpstr (f->failed_message, ==, expected);
  g_assert_cmpint (dw_ticket_get_assignee_id (ticket), ==, 0);  /* rolled back */
  g_clear_pointer (&f->failed_message, g_free);

  /* "Assign Anyway" on the toast. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "queues.assign-over-capacity",
                                             "(xx)", id, f->server->agent_id));
  WAIT_UNTIL (dw_ticket_get_version (ticket) > 1 || f->failed_message != NULL);
  g_assert_null (f->failed_message);
  g_assert_cmpint (dw_ticket_get_assignee_id (ticket), ==, f->server->agent_id);
  WAIT_UNTIL (card_says (f, f->server->team_id, "Load 3 of 2"));

  audit_path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/audit", id);
  audit = dw_test_server_json (f->server, "GET", audit_path, f->server->admin_token, NULL);
  dw_test_assert_status (audit, 200);
  items = dw_test_response_items (audit);
  for (guint i = 0; i < json_array_get_length (items); i++)
    overridden |= g_strcmp0 (json_object_get_string_member (json_array_get_object_element (items, i),
                                                            "action"), "capacity-override") == 0;
  g_assert_true (overridden);
}

static gboolean
has_row_titled (GtkWidget  *widget,
                const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (widget)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_row_titled (child, title))
      return TRUE;
  return FALSE;
}

/* The lead leads Logistics only: Returns is left out of the cards and of the preferences' team
 * list, rather than shown with zeros; with one team there is no "All teams" card. */
static void
test_own_teams (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.deskwatch.Deskwatch");
  g_autofree char *figures = NULL;
  DwTicketList *list = DW_TICKET_LIST (dw_queues_page_get_ticket_list (f->page));
  GtkWidget *preferences;

  WAIT_UNTIL (dw_ticket_list_get_n_shown (list) == 2);
  figures = dw_queues_page_dup_figures (f->page, f->server->team_id);
  g_assert_nonnull (figures);
  g_assert_null (dw_queues_page_dup_figures (f->page, f->server->other_team_id));
  g_assert_null (dw_queues_page_dup_figures (f->page, 0));

  preferences = dw_preferences_window_new (f->window, settings, f->sync);
  gtk_window_present (GTK_WINDOW (preferences));
  g_assert_true (has_row_titled (preferences, "Logistics"));
  g_assert_false (has_row_titled (preferences, "Returns"));
  gtk_window_destroy (GTK_WINDOW (preferences));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/console/queues/tickets-live", Fixture, NULL,
              fixture_set_up, test_tickets_live, fixture_tear_down);
  g_test_add ("/console/queues/customer", Fixture, NULL,
              fixture_set_up, test_customer, fixture_tear_down);
  g_test_add ("/console/queues/reassign", Fixture, NULL,
              fixture_set_up, test_reassign, fixture_tear_down);
  g_test_add ("/console/queues/conflict", Fixture, NULL,
              fixture_set_up, test_conflict_rolls_back, fixture_tear_down);
  g_test_add ("/console/queues/escalate", Fixture, NULL,
              fixture_set_up, test_escalate, fixture_tear_down);
  g_test_add ("/console/queues/over-capacity", Fixture, NULL,
              fixture_set_up, test_over_capacity, fixture_tear_down);
  g_test_add ("/console/queues/own-teams", Fixture, NULL,
              fixture_set_up, test_own_teams, fixture_tear_down);
  g_test_add ("/console/queues/offline-assignee", Fixture, NULL,
              fixture_set_up, test_offline_assignee, fixture_tear_down);

  return g_test_run ();
}
