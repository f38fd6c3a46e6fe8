/* UI test of the SLA section: a real window holding DwSlaBoard, live on a real deskwatchd whose
 * clock runs 60 times faster (a real second is a business minute), under Xvfb.
 *
 * The desk: every calendar is open around the clock in UTC, except the Returns team's, which
 * closes for half an hour a few minutes after the tickets are made.  Policies: "VIP" for urgent
 * tickets (first response 5 min, resolution 20 min) and "Fast" for the rest (10 and 60 min),
 * both at risk at half time.  Tickets then cross at risk and breach for real while the board is
 * open.
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <sqlite3.h>

#include "dw-session.h"
#include "sla/dw-sla-board.h"
#include "sla/dw-sla-compliance.h"
#include "sla/dw-sla-row.h"
#include "dw-sla-timeline.h"
#include "dw-test-server.h"
#include "dw-widget-util.h"
#define DW_TEST_WAIT_SECONDS 120
#include "dw-test-wait.h"

#define SPEED "60"

static DwTestServer *server;
static DwSession *session;
static GtkWindow *window;
static DwSlaBoard *board;
static gint64 vip_policy_id, fast_policy_id;
static gint64 ticket_vip, ticket_fast, ticket_gap, ticket_pending;
static gint64 gap_start;  /* when the Returns calendar closes */

static void
exec_sql (const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (server->db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  if (g_str_has_prefix (sql, "INSERT INTO sla_policies"))
    {
      if (strstr (sql, "'VIP'") != NULL)
        vip_policy_id = sqlite3_last_insert_rowid (db);
      else
        fast_policy_id = sqlite3_last_insert_rowid (db);
    }
  sqlite3_close (db);
}

/* The desk of these tests gives one agent more tickets than its capacity: the admin says so. */
static gint64
create_ticket (gint64      team_id,
               gint64      assignee_id,
               const char *priority,
               const char *subject)
{
  g_autoptr(DwTestResponse) r = NULL;

  r = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/tickets",
                            "{\"subject\": \"%s\", \"channel\": \"web\", \"priority\": \"%s\", "
                            "\"team_id\": %" G_GINT64_FORMAT ", \"assignee_id\": %" G_GINT64_FORMAT
                            ", \"tags\": [\"vip\"], \"override_capacity\": true}",
                            subject, priority, team_id, assignee_id);
  dw_test_assert_status (r, 201);
  return json_object_get_int_member (dw_test_response_object (r), "id");
}

static JsonObject *
get_ticket (gint64 id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->admin_token, NULL);

  dw_test_assert_status (r, 200);
  return json_object_ref (dw_test_response_object (r));
}

static void
set_status (gint64      id,
            const char *status)
{
  g_autoptr(JsonObject) ticket = get_ticket (id);
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autoptr(DwTestResponse) r = NULL;

  r = dw_test_server_jsonf (server, "PATCH", server->admin_token, path,
                            "{\"version\": %" G_GINT64_FORMAT ", \"status\": \"%s\"}",
                            json_object_get_int_member (ticket, "version"), status);
  dw_test_assert_status (r, 200);
}

static gboolean
priority_is (gint64      id,
             const char *priority)
{
  g_autoptr(JsonObject) ticket = get_ticket (id);

  return g_strcmp0 (json_object_get_string_member (ticket, "priority"), priority) == 0;
}

/* The watch's row of (@ticket_id, @target), or NULL. */
static DwSlaWatchItem *
find_item (gint64      ticket_id,
           DwSlaTarget target)
{
  GListModel *watch = G_LIST_MODEL (dw_sla_board_get_watch (board));

  for (guint i = 0; i < g_list_model_get_n_items (watch); i++)
    {
      g_autoptr(DwSlaWatchItem) item = g_list_model_get_item (watch, i);

      if (dw_ticket_get_id (dw_sla_watch_item_get_ticket (item)) == ticket_id
          && dw_sla_watch_item_get_target (item) == target)
        return item;
    }
  return NULL;
}

static gboolean
shows (gint64      ticket_id,
       DwSlaTarget target,
       DwSlaState  state)
{
  DwSlaWatchItem *item = find_item (ticket_id, target);

  return item != NULL && dw_sla_watch_item_get_state (item) == state;
}

/* The row widget on screen bound to @item (rows off screen are not bound). */
static DwSlaRow *
find_row (GtkWidget      *widget,
          DwSlaWatchItem *item)
{
  if (DW_IS_SLA_ROW (widget) && dw_sla_row_get_item (DW_SLA_ROW (widget)) == item)
    return DW_SLA_ROW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      DwSlaRow *row = find_row (child, item);

      if (row != NULL)
        return row;
    }
  return NULL;
}

static GtkPopover *find_open_popover (GtkWidget *widget);

static void
set_up_desk (void)
{
  const char * const speed[] = { "--speed", SPEED, NULL };
  g_autofree char *week = NULL;
  g_autofree char *sql = NULL;

  server = dw_test_server_new_with_desk ();
  dw_test_server_stop (server);
  exec_sql ("UPDATE calendars SET timezone = 'UTC', week = '[[[0,1440]],[[0,1440]],"
            "[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]]]'");
  exec_sql ("INSERT INTO sla_policies (name, position, match_priorities, "
            "first_response_minutes, next_response_minutes, resolution_minutes, "
            "at_risk_ratio) VALUES ('VIP', 0, '[\"urgent\"]', 5, 5, 20, 0.5)");
  exec_sql ("INSERT INTO sla_policies (name, position, first_response_minutes, "
            "next_response_minutes, resolution_minutes, at_risk_ratio) "
            "VALUES ('Fast', 1, 10, 10, 60, 0.5)");
  dw_test_server_start (server, speed);

  /* The Returns calendar closes 7 business minutes from now, for 30 minutes: after its
   * "Fast" ticket has turned at risk (5 minutes), before it breaches (10). */
  week = dw_test_week_with_daily_gap (dw_test_server_now (server), 7, 30, &gap_start);
  sql = g_strdup_printf ("INSERT INTO calendars (name, timezone, week) VALUES ('Gap', 'UTC', "
                         "'%s'); "
                         "UPDATE teams SET calendar_id = last_insert_rowid () "
                         "WHERE id = %" G_GINT64_FORMAT, week, server->other_team_id);
  exec_sql (sql);
}

static void
open_board (void)
{
  g_autoptr(DwClient) client = dw_client_new (server->url);

  dw_client_set_token (client, server->admin_token);
  session = dw_session_new (client, NULL, FALSE);
  dw_session_start (session);
  WAIT_UNTIL (dw_sync_get_state (dw_session_get_sync (session)) == DW_SYNC_STATE_CONNECTED);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1000, 700);
  board = DW_SLA_BOARD (dw_sla_board_new ());
  gtk_window_set_child (window, GTK_WIDGET (board));
  dw_sla_board_set_clock (board, dw_session_get_clock (session));
  dw_sla_board_set_sync (board, dw_session_get_sync (session));
  gtk_window_present (window);
  WAIT_UNTIL (dw_sla_board_get_calendars_loaded (board));
  /* The console follows the service's sped-up clock. */
  g_assert_cmpfloat (dw_clock_get_speed (dw_session_get_clock (session)), ==, 60.0);
}

static void
test_tickets_cross_at_risk_and_breach (void)
{
  GListModel *watch = G_LIST_MODEL (dw_sla_board_get_watch (board));
  gint64 now, previous;

  ticket_fast = create_ticket (server->team_id, server->agent_id, "normal", "Fast one");
  ticket_vip = create_ticket (server->team_id, server->agent_id, "urgent", "VIP one");
  ticket_gap = create_ticket (server->other_team_id, server->agent2_id, "normal", "Returns one");
  ticket_pending = create_ticket (server->team_id, server->agent_id, "urgent", "Waits on customer");

  /* Nothing is at risk at first. */
  g_assert_null (find_item (ticket_vip, DW_SLA_TARGET_FIRST_RESPONSE));

  /* The VIP first response: at risk at 2.5 business minutes, breached at 5, while open. */
  WAIT_UNTIL (shows (ticket_vip, DW_SLA_TARGET_FIRST_RESPONSE, DW_SLA_STATE_AT_RISK));
  WAIT_UNTIL (shows (ticket_vip, DW_SLA_TARGET_FIRST_RESPONSE, DW_SLA_STATE_BREACHED));
  WAIT_UNTIL (shows (ticket_fast, DW_SLA_TARGET_FIRST_RESPONSE, DW_SLA_STATE_AT_RISK));

  /* An Urgent ticket's row does not offer to raise its priority; a Normal one's does. */
  {
    DwSlaWatchItem *vip_item = NULL;
    DwSlaWatchItem *fast_item = NULL;
    DwSlaRow *vip_row = NULL;
    DwSlaRow *fast_row = NULL;

    WAIT_UNTIL ((vip_item = find_item (ticket_vip, DW_SLA_TARGET_FIRST_RESPONSE)) != NULL
                && (fast_item = find_item (ticket_fast, DW_SLA_TARGET_FIRST_RESPONSE)) != NULL
                && (vip_row = find_row (GTK_WIDGET (board), vip_item)) != NULL
                && (fast_row = find_row (GTK_WIDGET (board), fast_item)) != NULL);
    g_assert_false (dw_sla_row_get_offers_raise_priority (vip_row));
    g_assert_true (dw_sla_row_get_offers_raise_priority (fast_row));
  }

  /* Sorted by business time left, most overdue first. */
  dw_sla_board_tick (board);
  previous = G_MININT64;
  for (guint i = 0; i < g_list_model_get_n_items (watch); i++)
    {
      g_autoptr(DwSlaWatchItem) item = g_list_model_get_item (watch, i);

      g_assert_cmpint (dw_sla_watch_item_get_remaining (item), >=, previous);
      previous = dw_sla_watch_item_get_remaining (item);
    }

  /* The right remaining time: on a calendar open around the clock, business time is wall
   * time, so it is the service's due_at minus the board's now. */
  now = dw_sla_watch_get_now (dw_sla_board_get_watch (board));
  for (guint i = 0; i < g_list_model_get_n_items (watch); i++)
    {
      g_autoptr(DwSlaWatchItem) item = g_list_model_get_item (watch, i);
      DwTicket *ticket = dw_sla_watch_item_get_ticket (item);
      g_autoptr(JsonObject) served = NULL;
      JsonArray *sla;

      if (dw_ticket_get_team_id (ticket) != server->team_id
          || dw_sla_watch_item_get_mode (item) != DW_SLA_COUNTDOWN_RUNNING)
        continue;
      served = get_ticket (dw_ticket_get_id (ticket));
      sla = json_object_get_array_member (served, "sla");
      for (guint j = 0; j < json_array_get_length (sla); j++)
        {
          JsonObject *entry = json_array_get_object_element (sla, j);
          int target;
          gint64 due_at;

          g_assert_true (dw_enum_from_string (DW_TYPE_SLA_TARGET,
                                              json_object_get_string_member (entry, "target"),
                                              &target));
          if ((DwSlaTarget) target != dw_sla_watch_item_get_target (item)
              || json_object_get_null_member (entry, "due_at"))
            continue;
          g_assert_true (dw_time_from_iso8601 (json_object_get_string_member (entry, "due_at"),
                                               &due_at));
          g_assert_cmpint (dw_sla_watch_item_get_remaining (item), ==, due_at - now);
        }
    }
}

static void
test_countdown_stops_outside_hours (void)
{
  DwSlaWatchItem *item;
  DwSlaRow *row;
  g_autoptr(JsonObject) served = get_ticket (ticket_gap);
  gint64 frozen, created_at;

  g_assert_true (dw_time_from_iso8601 (json_object_get_string_member (served, "created_at"),
                                       &created_at));

  /* At risk at 5 business minutes; the calendar closes at 7. */
  WAIT_UNTIL (shows (ticket_gap, DW_SLA_TARGET_FIRST_RESPONSE, DW_SLA_STATE_AT_RISK));
  WAIT_UNTIL ((item = find_item (ticket_gap, DW_SLA_TARGET_FIRST_RESPONSE)) != NULL
              && dw_sla_watch_item_get_mode (item) == DW_SLA_COUNTDOWN_STOPPED_OUTSIDE_HOURS);

  /* What is left is the 10 minutes less the business time that ran before the break; it
   * stays still while the clock runs on (three business minutes here), still at risk. */
  frozen = dw_sla_watch_item_get_remaining (item);
  g_assert_cmpint (frozen, >=, 10 * 60 - (gap_start - created_at) - 1);
  g_assert_cmpint (frozen, <=, 10 * 60 - (gap_start - created_at) + 1);
  dw_test_spin (3000);
  item = find_item (ticket_gap, DW_SLA_TARGET_FIRST_RESPONSE);
  g_assert_nonnull (item);
  g_assert_cmpint (dw_sla_watch_item_get_mode (item), ==, DW_SLA_COUNTDOWN_STOPPED_OUTSIDE_HOURS);
  g_assert_cmpint (dw_sla_watch_item_get_remaining (item), ==, frozen);
  g_assert_cmpint (dw_sla_watch_item_get_state (item), ==, DW_SLA_STATE_AT_RISK);

  /* And says so, with when it resumes. */
  WAIT_UNTIL ((row = find_row (GTK_WIDGET (board), item)) != NULL);
  g_assert_nonnull (strstr (dw_sla_row_get_mode_text (row), "outside business hours"));
  g_assert_nonnull (strstr (dw_sla_row_get_mode_text (row), "resumes"));
}

static void
test_countdown_stops_while_pending (void)
{
  DwSlaWatchItem *item;
  DwSlaRow *row;
  gint64 frozen;

  WAIT_UNTIL (shows (ticket_pending, DW_SLA_TARGET_FIRST_RESPONSE, DW_SLA_STATE_BREACHED));
  set_status (ticket_pending, "pending");
  WAIT_UNTIL ((item = find_item (ticket_pending, DW_SLA_TARGET_FIRST_RESPONSE)) != NULL
              && dw_sla_watch_item_get_mode (item) == DW_SLA_COUNTDOWN_STOPPED_PENDING);
  frozen = dw_sla_watch_item_get_remaining (item);
  dw_test_spin (3000);
  item = find_item (ticket_pending, DW_SLA_TARGET_FIRST_RESPONSE);
  g_assert_nonnull (item);
  g_assert_cmpint (dw_sla_watch_item_get_mode (item), ==, DW_SLA_COUNTDOWN_STOPPED_PENDING);
  g_assert_cmpint (dw_sla_watch_item_get_remaining (item), ==, frozen);

  WAIT_UNTIL ((row = find_row (GTK_WIDGET (board), item)) != NULL);
  g_assert_nonnull (strstr (dw_sla_row_get_mode_text (row), "waiting for the customer"));

  /* The row's menu acts on the ticket the row shows, through the service. */
  {
    g_autoptr(JsonObject) before = get_ticket (ticket_pending);

    g_assert_cmpstr (json_object_get_string_member (before, "priority"), ==, "urgent");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "row.lower-priority", NULL));
    WAIT_UNTIL (priority_is (ticket_pending, "high"));
  }

  /* Back to open: it counts again. */
  set_status (ticket_pending, "open");
  WAIT_UNTIL ((item = find_item (ticket_pending, DW_SLA_TARGET_FIRST_RESPONSE)) != NULL
              && dw_sla_watch_item_get_mode (item) == DW_SLA_COUNTDOWN_RUNNING
              && dw_sla_watch_item_get_remaining (item) < frozen);
}

/* A row's menu is for the ticket the row showed when it opened: when the list rebinds the row to
 * another target, the menu closes rather than act on that one. */
static void
test_row_menu_closes_on_rebind (void)
{
  GListModel *watch = G_LIST_MODEL (dw_sla_board_get_watch (board));
  g_autoptr(DwSlaWatchItem) first = NULL;
  g_autoptr(DwSlaWatchItem) second = NULL;
  GtkWidget *menu_button;
  DwSlaRow *row;

  WAIT_UNTIL (g_list_model_get_n_items (watch) >= 2);
  first = g_list_model_get_item (watch, 0);
  second = g_list_model_get_item (watch, 1);
  WAIT_UNTIL ((row = find_row (GTK_WIDGET (board), first)) != NULL);
  menu_button = dw_widget_find_descendant (GTK_WIDGET (row), GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (menu_button);
  gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
  WAIT_UNTIL (find_open_popover (GTK_WIDGET (row)) != NULL);

  dw_sla_row_set_item (row, second);
  g_assert_null (find_open_popover (GTK_WIDGET (row)));
  dw_sla_row_set_item (row, first);
  dw_test_spin (100);
}

static gboolean
lines_contain (char      **lines,
               const char *needle)
{
  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
timeline_has (DwSlaTimeline *timeline,
              const char    *needle)
{
  g_auto(GStrv) lines = dw_sla_timeline_dup_lines (timeline);

  return lines_contain (lines, needle);
}

static void
test_timeline (void)
{
  DwSlaTimeline *timeline = DW_SLA_TIMELINE (dw_sla_timeline_new ());
  DwClient *client = dw_session_get_client (session);
  g_auto(GStrv) lines = NULL;

  g_object_ref_sink (timeline);

  /* The Returns ticket: running, at risk, then paused over the closed hours. */
  dw_sla_timeline_load (timeline, client, ticket_gap);
  WAIT_UNTIL (timeline_has (timeline, "First response: "));
  lines = dw_sla_timeline_dup_lines (timeline);
  for (guint i = 0; lines[i] != NULL; i++)
    g_test_message ("%s", lines[i]);
  g_assert_true (lines_contain (lines, "First response: Running"));
  g_assert_true (lines_contain (lines, "First response: At risk"));
  g_assert_true (lines_contain (lines, "First response: Paused (outside business hours)"));

  /* The one that waited on the customer after breaching. */
  dw_sla_timeline_load (timeline, client, ticket_pending);
  WAIT_UNTIL (timeline_has (timeline, "First response: Breached"));
  g_assert_true (timeline_has (timeline, "First response: At risk"));
  g_object_unref (timeline);
}

/* Met and breached outcomes of @team's tickets for @target, from their audit trails. */
static void
count_outcomes (gint64      team,
                const char *target,
                guint      *met,
                guint      *breached)
{
  g_autoptr(DwTestResponse) list = NULL;
  JsonArray *tickets;

  *met = *breached = 0;
  list = dw_test_server_json (server, "GET", "/api/v1/tickets?limit=500", server->admin_token, NULL);
  dw_test_assert_status (list, 200);
  tickets = dw_test_response_items (list);
  for (guint i = 0; i < json_array_get_length (tickets); i++)
    {
      JsonObject *ticket = json_array_get_object_element (tickets, i);
      g_autofree char *path = NULL;
      g_autoptr(DwTestResponse) audit = NULL;
      JsonArray *rows;

      if (json_object_get_int_member (ticket, "team_id") != team)
        continue;
      path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/audit",
                              json_object_get_int_member (ticket, "id"));
      audit = dw_test_server_json (server, "GET", path, server->admin_token, NULL);
      dw_test_assert_status (audit, 200);
      rows = dw_test_response_items (audit);
      for (guint j = 0; j < json_array_get_length (rows); j++)
        {
          JsonObject *row = json_array_get_object_element (rows, j);

          if (!g_str_equal (json_object_get_string_member (row, "action"), "sla")
              || !g_str_equal (json_object_get_string_member (row, "field"), target))
            continue;
          if (g_str_equal (json_object_get_string_member (row, "after"), "met"))
            (*met)++;
          else if (g_str_equal (json_object_get_string_member (row, "after"), "breached"))
            (*breached)++;
        }
    }
}

static void
test_compliance_matches_audit (void)
{
  DwSlaCompliance *compliance = DW_SLA_COMPLIANCE (dw_sla_board_get_compliance (board));
  g_autofree char *expected = NULL;
  const char *text;
  guint met, breached, loads;

  /* Settle everything, so that the figures cannot race the SLA engine. */
  set_status (ticket_vip, "solved");
  set_status (ticket_fast, "solved");
  set_status (ticket_pending, "solved");
  set_status (ticket_gap, "solved");
  dw_test_spin (500);

  dw_sla_board_show_compliance (board, TRUE);
  loads = dw_sla_compliance_get_n_loads (compliance);
  dw_sla_compliance_refresh (compliance);
  WAIT_UNTIL (dw_sla_compliance_get_n_loads (compliance) > loads);

  count_outcomes (server->team_id, "first-response", &met, &breached);
  /* The VIP and the waiting one breached; the Fast one was solved in time or breached, but
   * at least two breaches happened in front of us. */
  g_assert_cmpuint (breached, >=, 2);
  text = dw_sla_compliance_get_cell_text (compliance, server->team_id, "first-response", "30d");
  g_assert_nonnull (text);
  expected = g_strdup_printf ("%u of %u breached", breached, met + breached);
  g_test_message ("cell: %s; from the audit trail: %s", text, expected);
  g_assert_nonnull (strstr (text, expected));
}

/* The first mapped popover under @widget (popovers are children of the widget they belong to). */
static GtkPopover *
find_open_popover (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkPopover *found;

      if (GTK_IS_POPOVER (child) && gtk_widget_get_mapped (child))
        return GTK_POPOVER (child);
      if ((found = find_open_popover (child)) != NULL)
        return found;
    }
  return NULL;
}

/* A figure's button that leads to tickets: the first sensitive one asking for breaches. */
static GtkWidget *
find_figure_button (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *query = g_object_get_data (G_OBJECT (child), "dw-query");
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && gtk_widget_is_sensitive (child) && query != NULL
          && strstr (query, "outcome=breached") != NULL)
        return child;
      if ((found = find_figure_button (child)) != NULL)
        return found;
    }
  return NULL;
}

/* The labels of ticket rows ("#12 …") under @widget. */
static void
collect_ticket_labels (GtkWidget *widget,
                       GPtrArray *labels)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (child)), "#"))
        g_ptr_array_add (labels, child);
      collect_ticket_labels (child, labels);
    }
}

static guint
count_ticket_rows (GtkWidget *widget)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect_ticket_labels (widget, labels);
  return labels->len;
}

/* Issue 9: a figure's drill-down left open over a refresh was finalized with the button it
 * hung from ("Finalizing GtkButton … still has children"), and the console crashed. */
static void
test_compliance_drill_down (void)
{
  GtkWidget *compliance = dw_sla_board_get_compliance (board);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GtkWidget *button;
  GtkPopover *popover;
  GtkWidget *row;
  guint loads;

  dw_sla_board_show_compliance (board, TRUE);
  WAIT_UNTIL (dw_sla_compliance_get_n_loads (DW_SLA_COMPLIANCE (compliance)) > 0);
  gtk_test_widget_wait_for_draw (compliance);
  button = find_figure_button (compliance);
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  WAIT_UNTIL ((popover = find_open_popover (compliance)) != NULL);
  WAIT_UNTIL (count_ticket_rows (GTK_WIDGET (popover)) > 0);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (popover));

  /* Readable: every ticket's line shows in full, not cut down to "…". */
  collect_ticket_labels (GTK_WIDGET (popover), labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = labels->pdata[i];

      g_test_message ("drill-down row: %s (%d px)", gtk_label_get_label (label),
                      gtk_widget_get_width (GTK_WIDGET (label)));
      g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (label)));
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (label)), >=, 100);
    }

  /* The figures reload under the open popover, twice: it stays, and so does the console. */
  for (int i = 0; i < 2; i++)
    {
      loads = dw_sla_compliance_get_n_loads (DW_SLA_COMPLIANCE (compliance));
      dw_sla_compliance_refresh (DW_SLA_COMPLIANCE (compliance));
      WAIT_UNTIL (dw_sla_compliance_get_n_loads (DW_SLA_COMPLIANCE (compliance)) > loads);
      dw_test_spin (200);
    }
  g_assert_true (find_open_popover (compliance) == popover);
  g_assert_cmpuint (count_ticket_rows (GTK_WIDGET (popover)), ==, labels->len);

  /* A ticket picked in it closes it (the window would show the ticket). */
  row = gtk_widget_get_ancestor (labels->pdata[0], GTK_TYPE_LIST_BOX_ROW);
  g_assert_nonnull (row);
  g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
  WAIT_UNTIL (find_open_popover (compliance) == NULL);
  dw_test_spin (200);

  /* And opens again on the rebuilt figures. */
  button = find_figure_button (compliance);
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  WAIT_UNTIL ((popover = find_open_popover (compliance)) != NULL);
  WAIT_UNTIL (count_ticket_rows (GTK_WIDGET (popover)) > 0);
  gtk_popover_popdown (popover);
  dw_test_spin (200);
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
  open_board ();

  g_test_add_func ("/console/sla/cross-at-risk-and-breach", test_tickets_cross_at_risk_and_breach);
  g_test_add_func ("/console/sla/stops-outside-hours", test_countdown_stops_outside_hours);
  g_test_add_func ("/console/sla/stops-while-pending", test_countdown_stops_while_pending);
  g_test_add_func ("/console/sla/row-menu-closes-on-rebind", test_row_menu_closes_on_rebind);
  g_test_add_func ("/console/sla/timeline", test_timeline);
  g_test_add_func ("/console/sla/compliance", test_compliance_matches_audit);
  g_test_add_func ("/console/sla/compliance-drill-down", test_compliance_drill_down);

  status = g_test_run ();

  gtk_window_destroy (window);
  dw_session_stop (session);
  g_clear_object (&session);
  dw_test_server_free (server);
  return status;
}
