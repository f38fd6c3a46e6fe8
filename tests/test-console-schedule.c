/* UI test of the Schedule section: a real window holding DwSchedulePage, signed in as the
 * lead of the Logistics team, live on a real deskwatchd, under Xvfb.
 *
 * The desk's calendar is the default one (Asia/Shanghai, Monday to Friday 09–18).  Shifts are
 * made through the API as a second console would, and through the view's own actions; every
 * check compares what the window shows with what the service answers.
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "dw-roster-week.h"
#include "dw-session.h"
#include "dw-team-picker.h"
#include "dw-test-server.h"
#include "dw-widget-util.h"
#include "schedule/dw-adherence-view.h"
#include "schedule/dw-roster-view.h"
#include "schedule/dw-schedule-format.h"
#include "schedule/dw-schedule-page.h"
#include "schedule/dw-staffing-chart.h"
#include "schedule/dw-staffing-day.h"
#define DW_TEST_WAIT_SECONDS 120
#include "dw-test-wait.h"

static DwTestServer *server;
static DwSession *session;
static GtkWindow *window;
static DwSchedulePage *page;
static DwRosterView *roster;
static GTimeZone *shanghai;
static char *week;           /* this week's Monday in Shanghai */
static gint64 template_id;
static gint64 today_agent_id;   /* a second agent of the team, on shift now */

static char *
local_iso (int day,
           int minutes)
{
  return dw_time_to_iso8601 (dw_roster_week_time (shanghai, week, day, minutes));
}

/* POST /shifts as the admin (another console); returns the shift. */
static JsonObject *
post_shift (int day,
            int start,
            int end)
{
  g_autofree char *from = local_iso (day, start);
  g_autofree char *to = local_iso (day, end);
  g_autoptr(DwTestResponse) r = NULL;

  r = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/shifts",
                            "{\"team_id\": %" G_GINT64_FORMAT ", \"user_id\": %" G_GINT64_FORMAT
                            ", \"starts_at\": \"%s\", \"ends_at\": \"%s\"}",
                            server->team_id, server->agent_id, from, to);
  dw_test_assert_status (r, 201);
  return json_object_ref (dw_test_response_object (r));
}

static JsonObject *
get_roster (void)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/roster?week=%s",
                                           server->team_id, week);
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->admin_token,
                                                     NULL);

  dw_test_assert_status (r, 200);
  return json_object_ref (dw_test_response_object (r));
}

static guint
n_shifts (void)
{
  g_autoptr(JsonObject) week_json = get_roster ();

  return json_array_get_length (json_object_get_array_member (week_json, "shifts"));
}

static gboolean
has_shift_widget (gint64 id)
{
  return dw_roster_view_get_shift_widget (roster, id) != NULL;
}

static char *
widget_text (GtkWidget *widget)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (GTK_IS_LABEL (widget))
    g_string_append (text, gtk_label_get_label (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      g_autofree char *inner = widget_text (child);

      g_string_append (text, inner);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
service_state_is (const char *state)
{
  g_autoptr(JsonObject) week_json = get_roster ();

  return g_strcmp0 (json_object_get_string_member (week_json, "state"), state) == 0;
}

static void
set_up_desk (void)
{
  g_autofree char *path = NULL;
  g_autoptr(DwTestResponse) t = NULL;

  server = dw_test_server_new_with_desk ();
  /* National Day 2026 as the State Council set it: 1–7 October off, Sunday 20 September and
   * Saturday 10 October worked (调休) with Monday's hours. */
  dw_test_server_stop (server);
  dw_test_server_exec (server, "UPDATE calendars SET holidays = '[\"2026-10-01\",\"2026-10-02\",\"2026-10-03\","
            "\"2026-10-04\",\"2026-10-05\",\"2026-10-06\",\"2026-10-07\"]', "
            "workdays = '[{\"date\":\"2026-09-20\",\"as\":1},{\"date\":\"2026-10-10\",\"as\":1}]'");
  dw_test_server_start (server, NULL);
  shanghai = g_time_zone_new_identifier ("Asia/Shanghai");
  week = dw_roster_week_of (shanghai, dw_test_server_now (server), 0);

  path = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/shift-templates", server->team_id);
  t = dw_test_server_json (server, "POST", path, server->lead_token,
                           "{\"name\": \"早班\", \"start\": \"08:00\", \"end\": \"16:00\", "
                           "\"breaks\": [{\"start\": \"12:00\", \"minutes\": 60}]}");
  dw_test_assert_status (t, 201);
  template_id = json_object_get_int_member (dw_test_response_object (t), "id");

  /* A second agent on shift from (at most four hours before) now for eight hours: the
   * today chart's "scheduled" and "online" then have something to count. */
  {
    g_autoptr(DwTestResponse) u = NULL;
    g_autoptr(DwTestResponse) shift = NULL;
    gint64 now = dw_test_server_now (server);
    int today = dw_roster_week_day_of (shanghai, week, now);
    gint64 midnight = dw_roster_week_time (shanghai, week, today, 0);
    gint64 start = MAX (midnight, (now - 4 * 3600) / 1800 * 1800);
    g_autofree char *from = dw_time_to_iso8601 (start);
    g_autofree char *to = dw_time_to_iso8601 (start + 8 * 3600);

    u = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/users",
                              "{\"username\": \"today\", \"display_name\": \"Today Agent\", "
                              "\"role\": \"agent\", \"teams\": [{\"id\": %" G_GINT64_FORMAT "}]}",
                              server->team_id);
    dw_test_assert_status (u, 201);
    today_agent_id = json_object_get_int_member (dw_test_response_object (u), "id");
    shift = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/shifts",
                                  "{\"team_id\": %" G_GINT64_FORMAT ", \"user_id\": %"
                                  G_GINT64_FORMAT ", \"starts_at\": \"%s\", \"ends_at\": \"%s\"}",
                                  server->team_id, today_agent_id, from, to);
    dw_test_assert_status (shift, 201);
  }

  /* Monday and Wednesday, before the window opens. */
  json_object_unref (post_shift (0, 9 * 60, 17 * 60));
  json_object_unref (post_shift (2, 9 * 60, 17 * 60));
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
  gtk_window_set_default_size (window, 1200, 760);
  page = DW_SCHEDULE_PAGE (dw_schedule_page_new ());
  gtk_window_set_child (window, GTK_WIDGET (page));
  dw_schedule_page_set_context (page, dw_session_get_sync (session),
                                dw_session_get_clock (session));
  gtk_window_present (window);
  roster = DW_ROSTER_VIEW (dw_schedule_page_get_roster (page));
  WAIT_UNTIL (dw_roster_view_get_n_loads (roster) > 0);
}

static void
test_week_shows_shifts (void)
{
  g_autoptr(JsonObject) week_json = get_roster ();
  JsonArray *shifts = json_object_get_array_member (week_json, "shifts");

  g_assert_cmpint (dw_schedule_page_get_team (page), ==, server->team_id);
  g_assert_cmpstr (dw_roster_view_get_week (roster), ==, week);
  g_assert_cmpuint (json_array_get_length (shifts), ==, 3);
  for (guint i = 0; i < json_array_get_length (shifts); i++)
    {
      JsonObject *shift = json_array_get_object_element (shifts, i);
      GtkWidget *block = dw_roster_view_get_shift_widget (roster,
                                                          json_object_get_int_member (shift, "id"));
      g_autofree char *text = NULL;
      gint64 starts_at = 0, ends_at = 0;
      g_autofree char *span = NULL;

      g_assert_nonnull (block);
      text = widget_text (block);
      g_assert_true (dw_time_from_iso8601 (json_object_get_string_member (shift, "starts_at"),
                                           &starts_at));
      g_assert_true (dw_time_from_iso8601 (json_object_get_string_member (shift, "ends_at"),
                                           &ends_at));
      span = dw_roster_format_span (shanghai, starts_at, ends_at);
      g_assert_cmpstr (text, ==, span);
      if (json_object_get_int_member (shift, "user_id") == server->agent_id)
        g_assert_cmpstr (text, ==, "09:00–17:00");
      g_assert_true (gtk_widget_has_css_class (block, "draft"));
    }
  g_assert_cmpstr (dw_roster_view_get_state (roster), ==, "draft");
}

static void
test_shift_from_another_console (void)
{
  g_autoptr(JsonObject) shift = post_shift (4, 10 * 60, 18 * 60);
  gint64 id = json_object_get_int_member (shift, "id");
  g_autofree char *text = NULL;

  WAIT_UNTIL (has_shift_widget (id));
  text = widget_text (dw_roster_view_get_shift_widget (roster, id));
  g_assert_cmpstr (text, ==, "10:00–18:00");
}

static void
test_rule_break_warns (void)
{
  /* Thursday 14:00–22:00 then Friday 10:00: twelve hours apart is fine; this ends at 02:00
   * Friday, eight hours before the Friday shift — less than the 11-hour rest. */
  g_autoptr(JsonObject) shift = post_shift (3, 18 * 60, 26 * 60);
  gint64 id = json_object_get_int_member (shift, "id");
  GtkWidget *block;
  const char *tooltip;
  GListModel *warnings;
  gboolean listed = FALSE;

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (shift, "warnings")), >, 0);
  WAIT_UNTIL (has_shift_widget (id) &&
              gtk_widget_has_css_class (dw_roster_view_get_shift_widget (roster, id), "warning"));
  block = dw_roster_view_get_shift_widget (roster, id);
  tooltip = gtk_widget_get_tooltip_text (block);
  g_test_message ("tooltip: %s", tooltip);
  g_assert_nonnull (strstr (tooltip, "of rest next to another shift (at least 11 h)"));

  warnings = dw_roster_view_get_warnings (roster);
  for (guint i = 0; i < g_list_model_get_n_items (warnings); i++)
    {
      g_autoptr(GtkStringObject) line = g_list_model_get_item (warnings, i);

      if (strstr (gtk_string_object_get_string (line), "of rest next to another shift") != NULL)
        listed = TRUE;
    }
  g_assert_true (listed);
}

static void
test_add_and_undo (void)
{
  guint before = n_shifts ();

  /* Saturday from the template, through the view. */
  dw_roster_view_add_shift (roster, server->agent_id, 5, template_id, 0, 0);
  WAIT_UNTIL (n_shifts () == before + 1);
  WAIT_UNTIL (dw_roster_view_get_n_pending (roster) == 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (roster), "roster.undo", NULL));
  WAIT_UNTIL (n_shifts () == before);
}

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        g_ptr_array_add (found, child);
      else
        collect (child, type, found);
    }
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

static JsonObject *
get_shift (gint64 id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/shifts/%" G_GINT64_FORMAT, id);
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->admin_token, NULL);

  if (r->status == 404)
    return NULL;
  dw_test_assert_status (r, 200);
  return json_object_ref (dw_test_response_object (r));
}

static gboolean
shift_is (gint64 id,
          int    day,
          int    start)
{
  g_autoptr(JsonObject) shift = get_shift (id);
  g_autofree char *expected = local_iso (day, start);

  return shift != NULL
         && g_strcmp0 (json_object_get_string_member (shift, "starts_at"), expected) == 0;
}

static gboolean
shift_gone (gint64 id)
{
  g_autoptr(JsonObject) shift = get_shift (id);

  return shift == NULL;
}

/* Monday's shift moved to Tuesday 10:00–18:00 through the edit dialog, undone with Ctrl+Z's
 * action; then deleted with the Delete key's action and brought back by undo. */
static void
test_edit_move_delete (void)
{
  g_autoptr(JsonObject) week_json = get_roster ();
  JsonArray *shifts = json_object_get_array_member (week_json, "shifts");
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  g_autoptr(GPtrArray) drop_downs = g_ptr_array_new ();
  AdwMessageDialog *dialog;
  gint64 monday = 0;
  guint before;

  for (guint i = 0; i < json_array_get_length (shifts); i++)
    {
      JsonObject *shift = json_array_get_object_element (shifts, i);
      gint64 t = 0;

      dw_time_from_iso8601 (json_object_get_string_member (shift, "starts_at"), &t);
      if (json_object_get_int_member (shift, "user_id") == server->agent_id
          && dw_roster_week_day_of (shanghai, week, t) == 0)
        monday = json_object_get_int_member (shift, "id");
    }
  g_assert_cmpint (monday, !=, 0);

  /* Clicking the block selects it and opens the edit dialog. */
  g_signal_emit_by_name (dw_roster_view_get_shift_widget (roster, monday), "clicked");
  WAIT_UNTIL (find_dialog () != NULL);
  dialog = find_dialog ();
  collect (adw_message_dialog_get_extra_child (dialog), GTK_TYPE_ENTRY, entries);
  collect (adw_message_dialog_get_extra_child (dialog), GTK_TYPE_DROP_DOWN, drop_downs);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpuint (drop_downs->len, ==, 2);
  g_assert_cmpstr (gtk_editable_get_text (entries->pdata[0]), ==, "09:00");
  g_assert_cmpuint (gtk_drop_down_get_selected (drop_downs->pdata[1]), ==, 0);
  gtk_drop_down_set_selected (drop_downs->pdata[1], 1);
  gtk_editable_set_text (entries->pdata[0], "10:00");
  gtk_editable_set_text (entries->pdata[1], "18:00");
  /* What the Save button does: respond, then close. */
  adw_message_dialog_response (dialog, "save");
  gtk_window_close (GTK_WINDOW (dialog));
  WAIT_UNTIL (shift_is (monday, 1, 10 * 60));
  WAIT_UNTIL (dw_roster_view_get_n_pending (roster) == 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (roster), "roster.undo", NULL));
  WAIT_UNTIL (shift_is (monday, 0, 9 * 60));
  WAIT_UNTIL (dw_roster_view_get_n_pending (roster) == 0);

  /* Delete the selected shift, then undo: the same hours come back. */
  before = n_shifts ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (roster), "roster.delete-shift", NULL));
  WAIT_UNTIL (shift_gone (monday));
  WAIT_UNTIL (dw_roster_view_get_n_pending (roster) == 0);
  g_assert_cmpuint (n_shifts (), ==, before - 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (roster), "roster.undo", NULL));
  WAIT_UNTIL (n_shifts () == before);
}

static void
test_publish (void)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (roster), "roster.publish", NULL));
  WAIT_UNTIL (service_state_is ("published"));
  WAIT_UNTIL (g_strcmp0 (dw_roster_view_get_state (roster), "published") == 0);
}

/* The service serves @path (a missing endpoint fails the test rather than skipping it). */
static void
assert_endpoint (const char *path)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->lead_token, NULL);

  dw_test_assert_status (r, 200);
}

static void
test_export (void)
{
  g_autofree char *csv_path = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT
                                               "/roster.csv?week=%s", server->team_id, week);
  g_autofree char *dir = g_dir_make_tmp ("schedule-export-XXXXXX", NULL);
  g_autoptr(GFile) csv = g_file_new_build_filename (dir, "week.csv", NULL);
  g_autoptr(GFile) ics = g_file_new_build_filename (dir, "week.ics", NULL);
  g_autofree char *csv_text = NULL;
  g_autofree char *ics_text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_rows = 0, n_events = 0;
  guint exports = dw_roster_view_get_n_exports (roster);

  assert_endpoint (csv_path);

  dw_roster_view_export (roster, "csv", csv);
  WAIT_UNTIL (dw_roster_view_get_n_exports (roster) == exports + 1);
  dw_roster_view_export (roster, "ics", ics);
  WAIT_UNTIL (dw_roster_view_get_n_exports (roster) == exports + 2);

  g_assert_true (g_file_load_contents (csv, NULL, &csv_text, NULL, NULL, NULL));
  lines = g_strsplit (csv_text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    if (*g_strstrip (lines[i]) != '\0')
      n_rows++;
  g_assert_cmpuint (n_rows, ==, n_shifts ());

  g_assert_true (g_file_load_contents (ics, NULL, &ics_text, NULL, NULL, NULL));
  g_assert_true (g_str_has_prefix (ics_text, "BEGIN:VCALENDAR"));
  for (const char *p = ics_text; (p = strstr (p, "BEGIN:VEVENT")) != NULL; p++)
    n_events++;
  g_assert_cmpuint (n_events, ==, n_shifts ());

  g_file_delete (csv, NULL, NULL);
  g_file_delete (ics, NULL, NULL);
  g_rmdir (dir);
}

static JsonArray *
get_intervals (const char *path)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->lead_token, NULL);

  dw_test_assert_status (r, 200);
  return json_array_ref (json_object_get_array_member (dw_test_response_object (r), "intervals"));
}

/* The chart shows exactly the service's numbers. */
static gboolean
chart_matches (DwStaffingChart *chart,
               JsonArray       *intervals)
{
  if (dw_staffing_chart_get_n_intervals (chart) != json_array_get_length (intervals))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (intervals); i++)
    {
      JsonObject *v = json_array_get_object_element (intervals, i);
      JsonNode *online = json_object_get_member (v, "online");
      int required, scheduled, shown_online;

      g_assert_true (dw_staffing_chart_get_interval (chart, i, NULL, &required, &scheduled,
                                                     &shown_online));
      if (required != json_object_get_int_member (v, "required")
          || scheduled != json_object_get_int_member (v, "scheduled")
          || shown_online != (JSON_NODE_HOLDS_NULL (online) ? -1 : json_node_get_int (online)))
        return FALSE;
    }
  return TRUE;
}

static int
max_of (JsonArray  *intervals,
        const char *member)
{
  int max = 0;

  for (guint i = 0; i < json_array_get_length (intervals); i++)
    {
      JsonNode *node = json_object_get_member (json_array_get_object_element (intervals, i),
                                               member);

      if (!JSON_NODE_HOLDS_NULL (node))
        max = MAX (max, json_node_get_int (node));
    }
  return max;
}

/* The service's staffing day of today in Shanghai, by the service's clock, with @extra (a query's
 * tail, or "") appended.  The console moves its chart to the new day at midnight (its tick), so
 * a wait that may cross midnight asks this again each time rather than keeping a date. */
static char *
today_path (const char *extra)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (dw_test_server_now (server));
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, shanghai);
  g_autofree char *date = g_date_time_format (local, "%Y-%m-%d");

  return g_strdup_printf ("/api/v1/staffing/day?team_id=%" G_GINT64_FORMAT "&date=%s%s",
                          server->team_id, date, extra);
}

/* The chart shows exactly the service's numbers for today (today_path). */
static gboolean
chart_matches_today (DwStaffingChart *chart,
                     const char      *extra)
{
  g_autofree char *path = today_path (extra);
  g_autoptr(JsonArray) intervals = get_intervals (path);

  return chart_matches (chart, intervals);
}

static void
test_today_chart (void)
{
  DwStaffingDay *today = DW_STAFFING_DAY (dw_schedule_page_get_today (page));
  DwStaffingChart *chart = dw_staffing_day_get_chart (today);
  const char *what_if = "&forecast_factor=1.20&aht=300&target_sl=0.90";

  dw_schedule_page_show_view (page, "today");
  {
    g_autofree char *path = today_path ("");

    assert_endpoint (path);
  }
  WAIT_UNTIL (dw_staffing_day_get_n_loads (today) > 0);
  /* The first load may have come before the week was published: the event brings the next. */
  WAIT_UNTIL (chart_matches_today (chart, ""));
  {
    g_autofree char *path = today_path ("");
    g_autoptr(JsonArray) intervals = get_intervals (path);

    /* The published shift of the second agent counts; nobody is online yet.  (The shift runs
     * from at most four hours before set-up's now for eight: it has a part in the next day too
     * when set up before midnight.) */
    g_assert_cmpint (max_of (intervals, "scheduled"), >=, 1);
    g_assert_cmpint (max_of (intervals, "online"), ==, 0);
  }

  /* The agent comes online (its own console, say): the chart follows from the stream. */
  {
    g_autofree char *presence = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence",
                                                 today_agent_id);
    g_autoptr(DwTestResponse) p = dw_test_server_json (server, "PUT", presence, server->lead_token,
                                                       "{\"presence\": \"online\"}");
    g_autofree char *path = NULL;
    g_autoptr(JsonArray) intervals = NULL;

    dw_test_assert_status (p, 200);
    path = today_path ("");
    intervals = get_intervals (path);
    g_assert_cmpint (max_of (intervals, "online"), ==, 1);
    WAIT_UNTIL (chart_matches_today (chart, ""));
  }

  /* What-if: a higher forecast asks the service with the override. */
  dw_staffing_day_set_what_if (today, 0.9, 300, 20);
  g_assert_nonnull (strstr (dw_staffing_day_get_query (today), "forecast_factor=1.20"));
  g_assert_nonnull (strstr (dw_staffing_day_get_query (today), "aht=300"));
  g_assert_nonnull (strstr (dw_staffing_day_get_query (today), "target_sl=0.90"));
  {
    guint loads = dw_staffing_day_get_n_loads (today);

    WAIT_UNTIL (dw_staffing_day_get_n_loads (today) > loads);
    g_assert_true (chart_matches_today (chart, what_if));
  }
}

static void
test_adherence (void)
{
  DwAdherenceView *adherence = DW_ADHERENCE_VIEW (dw_schedule_page_get_adherence (page));
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (dw_test_server_now (server));
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, shanghai);
  g_autofree char *date = g_date_time_format (local, "%Y-%m-%d");
  g_autofree char *path = g_strdup_printf ("/api/v1/staffing/adherence?team_id=%" G_GINT64_FORMAT
                                           "&date=%s", server->team_id, date);
  g_autofree char *presence = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence",
                                               today_agent_id);
  g_autoptr(DwTestResponse) away = NULL;
  g_autoptr(DwTestResponse) r = NULL;
  JsonArray *agents;
  guint off = 0;

  dw_schedule_page_show_view (page, "adherence");
  /* On shift and away: off schedule, now. */
  away = dw_test_server_json (server, "PUT", presence, server->lead_token,
                              "{\"presence\": \"away\"}");
  dw_test_assert_status (away, 200);
  r = dw_test_server_json (server, "GET", path, server->lead_token, NULL);
  dw_test_assert_status (r, 200);
  agents = json_object_get_array_member (dw_test_response_object (r), "agents");
  for (guint i = 0; i < json_array_get_length (agents); i++)
    if (json_object_get_boolean_member (json_array_get_object_element (agents, i), "off_schedule"))
      off++;
  g_assert_cmpuint (off, >=, 1);
  WAIT_UNTIL (dw_adherence_view_get_n_loads (adherence) > 0
              && dw_adherence_view_get_n_off (adherence) == off);
}

static guint
count_class (GtkWidget  *widget,
             const char *css_class)
{
  guint n = gtk_widget_has_css_class (widget, css_class) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_class (child, css_class);
  return n;
}

static guint
n_shifts_of_week (const char *monday)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/roster?week=%s",
                                           server->team_id, monday);
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->admin_token,
                                                     NULL);

  dw_test_assert_status (r, 200);
  return json_array_get_length (json_object_get_array_member (dw_test_response_object (r),
                                                              "shifts"));
}

/* Next week, empty; copying this week onto it makes the same shifts (as a draft), and one undo
 * takes them all away again. */
static void
test_copy_last_week (void)
{
  g_autofree char *next = dw_roster_week_add (week, 1);
  guint loads;

  dw_schedule_page_show_view (page, "week");
  loads = dw_roster_view_get_n_loads (roster);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (roster), "roster.next-week", NULL));
  WAIT_UNTIL (dw_roster_view_get_n_loads (roster) > loads);
  g_assert_cmpstr (dw_roster_view_get_week (roster), ==, next);
  g_assert_cmpuint (n_shifts_of_week (next), ==, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (roster), "roster.copy-last-week", NULL));
  WAIT_UNTIL (n_shifts_of_week (next) == n_shifts_of_week (week));
  WAIT_UNTIL (dw_roster_view_get_n_pending (roster) == 0);
  WAIT_UNTIL (count_class (GTK_WIDGET (roster), "dw-shift") == n_shifts_of_week (next));
  g_assert_cmpstr (dw_roster_view_get_state (roster), ==, "draft");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (roster), "roster.undo", NULL));
  WAIT_UNTIL (n_shifts_of_week (next) == 0);

  loads = dw_roster_view_get_n_loads (roster);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (roster), "roster.this-week", NULL));
  WAIT_UNTIL (dw_roster_view_get_n_loads (roster) > loads);
  {
    /* This week is now's, by the service's clock: past Sunday midnight in Shanghai it is the
     * week after the one set up (so it went under faketime at 16:00 UTC on a Sunday). */
    g_autofree char *this_week = dw_roster_week_of (shanghai, dw_test_server_now (server), 0);

    g_assert_cmpstr (dw_roster_view_get_week (roster), ==, this_week);
  }
}

static gboolean
has_absence (const char *path,
             const char *from,
             const char *to)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->admin_token, NULL);
  JsonArray *items;

  dw_test_assert_status (r, 200);
  items = dw_test_response_items (r);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *a = json_array_get_object_element (items, i);

      if (json_object_get_int_member (a, "user_id") == server->agent_id
          && g_str_equal (json_object_get_string_member (a, "kind"), "training")
          && g_str_equal (json_object_get_string_member (a, "note"), "产品培训")
          && g_str_equal (json_object_get_string_member (a, "starts_at"), from)
          && g_str_equal (json_object_get_string_member (a, "ends_at"), to))
        return TRUE;
    }
  return FALSE;
}

/* A draft shift next week, made in the roster while the Today view is up, leaves today's
 * numbers as they were: the today view asks again (same team) and gets the same answer. */
static void
test_draft_leaves_today (void)
{
  DwStaffingDay *today = DW_STAFFING_DAY (dw_schedule_page_get_today (page));
  DwStaffingChart *chart = dw_staffing_day_get_chart (today);
  /* Next week and today's weekday by the service's clock now: past Sunday midnight in Shanghai
   * the week set up is last week (so it went under faketime at 16:00 UTC on a Sunday). */
  gint64 now = dw_test_server_now (server);
  g_autofree char *this_week = dw_roster_week_of (shanghai, now, 0);
  g_autofree char *next = dw_roster_week_add (this_week, 1);
  g_autoptr(GArray) before = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree char *before_query = NULL;
  int day = dw_roster_week_day_of (shanghai, this_week, now);
  guint loads, n = dw_staffing_chart_get_n_intervals (chart);

  g_assert_cmpuint (n, >, 0);
  dw_staffing_day_set_what_if (today, 0, 0, 0);
  WAIT_UNTIL (dw_staffing_day_get_n_loads (today) > 0 && dw_staffing_day_get_query (today) != NULL
              && strstr (dw_staffing_day_get_query (today), "forecast_factor") == NULL);
  loads = dw_staffing_day_get_n_loads (today);
  WAIT_UNTIL (dw_staffing_day_get_n_loads (today) > loads);
  for (guint i = 0; i < n; i++)
    {
      int required, scheduled, online;

      g_assert_true (dw_staffing_chart_get_interval (chart, i, NULL, &required, &scheduled,
                                                     &online));
      g_array_append_val (before, scheduled);
    }
  before_query = g_strdup (dw_staffing_day_get_query (today));

  dw_roster_view_set_week (roster, next);
  WAIT_UNTIL (g_strcmp0 (dw_roster_view_get_week (roster), next) == 0
              && dw_roster_view_get_state (roster) != NULL);
  loads = dw_staffing_day_get_n_loads (today);
  /* The same weekday next week, all day long. */
  dw_roster_view_add_shift (roster, today_agent_id, day, 0, 0, 15 * 60);
  WAIT_UNTIL (n_shifts_of_week (next) == 1);
  WAIT_UNTIL (dw_staffing_day_get_n_loads (today) > loads);
  {
    /* The chart shows the service's answer for the day it asked: the day of `before`, or past
     * midnight the next one (its tick moves it on).  The day of `before`, as the service
     * answers it now, is as it was: the draft changed nothing there. */
    g_autoptr(JsonArray) shown = get_intervals (dw_staffing_day_get_query (today));
    g_autoptr(JsonArray) that_day = get_intervals (before_query);

    g_assert_cmpuint (json_array_get_length (shown), ==, n);
    g_assert_cmpuint (json_array_get_length (that_day), ==, n);
    for (guint i = 0; i < n; i++)
      {
        int scheduled;

        g_assert_true (dw_staffing_chart_get_interval (chart, i, NULL, NULL, &scheduled, NULL));
        g_assert_cmpint (scheduled, ==, json_object_get_int_member (
                           json_array_get_object_element (shown, i), "scheduled"));
        g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (that_day, i),
                                                     "scheduled"),
                         ==, g_array_index (before, int, i));
      }
  }

  WAIT_UNTIL (dw_roster_view_get_n_pending (roster) == 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (roster), "roster.undo", NULL));
  WAIT_UNTIL (n_shifts_of_week (next) == 0);
  dw_roster_view_set_week (roster, week);
}

/* An absence marked through its dialog (Wednesday to Thursday for the agent) reaches the
 * service and shows on those two days; undo removes it. */
static void
test_mark_absence (void)
{
  g_autoptr(GPtrArray) drop_downs = g_ptr_array_new ();
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  g_autofree char *from = local_iso (2, 0);
  g_autofree char *to = local_iso (4, 0);
  g_autofree char *path = g_strdup_printf ("/api/v1/absences?from=%s&to=%s&team_id=%"
                                           G_GINT64_FORMAT, from, to, server->team_id);
  AdwMessageDialog *dialog;
  guint before = count_class (GTK_WIDGET (roster), "dw-absence");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (roster), "roster.mark-absence", NULL));
  WAIT_UNTIL (find_dialog () != NULL);
  dialog = find_dialog ();
  collect (adw_message_dialog_get_extra_child (dialog), GTK_TYPE_DROP_DOWN, drop_downs);
  collect (adw_message_dialog_get_extra_child (dialog), GTK_TYPE_ENTRY, entries);
  g_assert_cmpuint (drop_downs->len, ==, 4);   /* agent, kind, from, to */
  for (guint i = 0; i < g_list_model_get_n_items (gtk_drop_down_get_model (drop_downs->pdata[0])); i++)
    {
      g_autoptr(GtkStringObject) name = g_list_model_get_item (gtk_drop_down_get_model (drop_downs->pdata[0]), i);

      if (g_strcmp0 (gtk_string_object_get_string (name), "李娜") == 0)
        gtk_drop_down_set_selected (drop_downs->pdata[0], i);
    }
  gtk_drop_down_set_selected (drop_downs->pdata[1], 2);  /* training */
  gtk_drop_down_set_selected (drop_downs->pdata[2], 2);
  gtk_drop_down_set_selected (drop_downs->pdata[3], 3);
  gtk_editable_set_text (entries->pdata[0], "产品培训");
  /* What the Save button does: respond, then close. */
  adw_message_dialog_response (dialog, "save");
  gtk_window_close (GTK_WINDOW (dialog));

  WAIT_UNTIL (has_absence (path, from, to));
  WAIT_UNTIL (count_class (GTK_WIDGET (roster), "dw-absence") == before + 2);
  WAIT_UNTIL (dw_roster_view_get_n_pending (roster) == 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (roster), "roster.undo", NULL));
  WAIT_UNTIL (count_class (GTK_WIDGET (roster), "dw-absence") == before);
}

/* National Day 2026 in the team's calendar: the weeks around it have holidays, 调休 days and
 * weekends, and the headers mark each as the service names it. */
static void
test_day_kinds (void)
{
  const char *weeks[] = { "2026-09-14", "2026-09-28", "2026-10-05" };
  const guint expected[][3] = { { 0, 1, 1 }, { 4, 0, 0 }, { 3, 1, 1 } };

  for (guint w = 0; w < G_N_ELEMENTS (weeks); w++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/roster?week=%s",
                                               server->team_id, weeks[w]);
      g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->lead_token,
                                                         NULL);
      JsonArray *days;
      guint holidays = 0, adjusted = 0, weekends = 0;
      guint loads = dw_roster_view_get_n_loads (roster);

      dw_test_assert_status (r, 200);
      days = json_object_get_array_member (dw_test_response_object (r), "days");
      for (guint i = 0; i < json_array_get_length (days); i++)
        {
          const char *kind = json_object_get_string_member (json_array_get_object_element (days, i),
                                                            "kind");

          holidays += g_str_equal (kind, "holiday");
          adjusted += g_str_equal (kind, "adjusted-workday");
          weekends += g_str_equal (kind, "weekend");
        }
      g_test_message ("%s: %u holidays, %u adjusted workdays, %u weekend days", weeks[w], holidays,
                      adjusted, weekends);
      dw_roster_view_set_week (roster, weeks[w]);
      WAIT_UNTIL (dw_roster_view_get_n_loads (roster) > loads);
      g_assert_cmpuint (count_class (GTK_WIDGET (roster), "holiday"), ==, holidays);
      g_assert_cmpuint (count_class (GTK_WIDGET (roster), "adjusted-workday"), ==, adjusted);
      g_assert_cmpuint (count_class (GTK_WIDGET (roster), "weekend"), ==, weekends);
      g_assert_cmpuint (holidays, ==, expected[w][0]);
      g_assert_cmpuint (adjusted, ==, expected[w][1]);
      g_assert_cmpuint (weekends, ==, expected[w][2]);
    }
  dw_roster_view_set_week (roster, week);
}

/* The lead now leads both teams (the stream resyncs on a change of teams): the picker offers
 * both, and picking Returns shows its roster with its agent. */
static void
test_team_picker (void)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, server->lead_id);
  g_autoptr(DwTestResponse) r = NULL;
  GtkWidget *picker = dw_widget_find_descendant (GTK_WIDGET (page), DW_TYPE_TEAM_PICKER);
  GtkDropDown *drop_down;
  guint loads;

  /* One team is no choice: no picker. */
  g_assert_cmpuint (dw_schedule_page_get_n_teams (page), ==, 1);
  g_assert_false (gtk_widget_get_visible (picker));
  r = dw_test_server_jsonf (server, "PATCH", server->admin_token, path,
                            "{\"teams\": [{\"id\": %" G_GINT64_FORMAT ", \"is_lead\": true}, "
                            "{\"id\": %" G_GINT64_FORMAT ", \"is_lead\": true}]}",
                            server->team_id, server->other_team_id);
  dw_test_assert_status (r, 200);
  WAIT_UNTIL (dw_schedule_page_get_n_teams (page) == 2);
  g_assert_cmpint (dw_schedule_page_get_team (page), ==, server->team_id);
  g_assert_true (gtk_widget_get_visible (picker));
  drop_down = GTK_DROP_DOWN (dw_widget_find_descendant (picker, GTK_TYPE_DROP_DOWN));
  g_assert_cmpuint (gtk_drop_down_get_selected (drop_down), ==, 0);

  loads = dw_roster_view_get_n_loads (roster);
  dw_schedule_page_set_team (page, server->other_team_id);
  g_assert_cmpint (dw_roster_view_get_team (roster), ==, server->other_team_id);
  g_assert_cmpuint (gtk_drop_down_get_selected (drop_down), ==, 1);
  WAIT_UNTIL (dw_roster_view_get_n_loads (roster) > loads);
  g_assert_cmpuint (count_class (GTK_WIDGET (roster), "dw-shift"), ==, 0);
  {
    g_autoptr(GPtrArray) labels = g_ptr_array_new ();
    gboolean found = FALSE;

    collect (GTK_WIDGET (roster), GTK_TYPE_LABEL, labels);
    for (guint i = 0; i < labels->len; i++)
      if (g_strcmp0 (gtk_label_get_label (labels->pdata[i]), "Agent Two") == 0)
        found = TRUE;
    g_assert_true (found);
  }
}

/* The rules in words. */
static void
test_warning_words (void)
{
  struct { const char *json; const char *words; } cases[] = {
    { "{\"rule\": \"rest\", \"rest_minutes\": 480, \"limit_minutes\": 660}",
      "Only 8 h of rest next to another shift (at least 11 h)" },
    { "{\"rule\": \"day-hours\", \"worked_minutes\": 630, \"limit_minutes\": 600}",
      "10 h 30 min of work that day (at most 10 h)" },
    { "{\"rule\": \"week-hours\", \"worked_minutes\": 2700, \"limit_minutes\": 2640}",
      "45 h of work that week (at most 44 h)" },
    { "{\"rule\": \"coverage\", \"from\": \"2026-12-14T01:00:00Z\", "
      "\"to\": \"2026-12-14T01:30:00Z\", \"business_type\": \"returns\"}",
      "09:00–09:30: no one on shift for returns" },
    { "{\"rule\": \"overlap\"}", "Overlaps another shift of the same agent" },
    { "{\"rule\": \"absence\"}", "The agent is absent then: move or delete this shift" },
    { "{\"rule\": \"tomorrow\"}", "tomorrow" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (cases[i].json, NULL);
      g_autofree char *words = dw_schedule_describe_warning (json_node_get_object (node), shanghai);

      g_assert_cmpstr (words, ==, cases[i].words);
    }
  g_assert_cmpstr (dw_schedule_day_kind_name ("adjusted-workday"), ==, "Adjusted workday (调休)");
  g_assert_null (dw_schedule_day_kind_name ("workday"));
}

static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  g_autofree char *shown = widget_text (widget);

  return strstr (shown, text) != NULL;
}

/* An agent with no scheduled time up to now (here: a shift on another day; as well, a shift
 * later today) is not told "Not scheduled today": adherence is judged up to now, and a lead
 * read that line beside the Week view's afternoon shift of the same agent. */
static void
test_adherence_not_yet (void)
{
  DwAdherenceView *adherence = DW_ADHERENCE_VIEW (dw_schedule_page_get_adherence (page));
  gint64 now = dw_test_server_now (server);
  int other_day = (dw_roster_week_day_of (shanghai, week, now) + 1) % 7;
  g_autofree char *from = local_iso (other_day, 9 * 60);
  g_autofree char *to = local_iso (other_day, 17 * 60);
  g_autoptr(DwTestResponse) u = NULL;
  g_autoptr(DwTestResponse) shift = NULL;
  g_autofree char *text = NULL;
  guint loads;

  dw_schedule_page_show_view (page, "adherence");
  /* Back on the lead's first team, which an earlier case may have left. */
  if (dw_schedule_page_get_team (page) != server->team_id)
    {
      loads = dw_adherence_view_get_n_loads (adherence);
      dw_schedule_page_set_team (page, server->team_id);
      WAIT_UNTIL (dw_adherence_view_get_n_loads (adherence) > loads);
    }
  WAIT_UNTIL (dw_adherence_view_get_n_loads (adherence) > 0);
  loads = dw_adherence_view_get_n_loads (adherence);
  u = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/users",
                            "{\"username\": \"notyet\", \"display_name\": \"Not Yet Agent\", "
                            "\"role\": \"agent\", \"teams\": [{\"id\": %" G_GINT64_FORMAT "}]}",
                            server->team_id);
  dw_test_assert_status (u, 201);
  shift = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/shifts",
                                "{\"team_id\": %" G_GINT64_FORMAT ", \"user_id\": %" G_GINT64_FORMAT
                                ", \"starts_at\": \"%s\", \"ends_at\": \"%s\"}",
                                server->team_id,
                                json_object_get_int_member (dw_test_response_object (u), "id"),
                                from, to);
  dw_test_assert_status (shift, 201);

  WAIT_UNTIL (dw_adherence_view_get_n_loads (adherence) > loads
              && shows_text (GTK_WIDGET (adherence), "Not Yet Agent"));
  text = widget_text (GTK_WIDGET (adherence));
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "Not Yet AgentNo shift time so far today"));
  g_assert_null (strstr (text, "Not scheduled today"));
}

/* An interval that begins while the chart is up is asked again, with no event: the service
 * leaves its "online" null until then, and a quiet desk sends nothing when it begins.  At a
 * fixed time: the chart's own clock is put on a Monday to come, 2030-01-07 00:00:10 in
 * Shanghai (every interval of which the service has not begun), then moved to 09:00 that day,
 * past the starts of the intervals it loaded as not begun.  It went at :00 and :30 of every
 * hour (an interval began between the chart's load and the test's look) and at midnight under
 * faketime. */
static void
test_interval_begins (void)
{
  g_autoptr(GDateTime) monday = g_date_time_new (shanghai, 2030, 1, 7, 0, 0, 10);
  g_autoptr(DwClock) clock = dw_clock_new_at (g_date_time_to_unix (monday), 1.0);
  GtkWindow *own = GTK_WINDOW (gtk_window_new ());
  DwStaffingDay *day = DW_STAFFING_DAY (dw_staffing_day_new ());
  DwTeam *team = dw_sync_lookup_team (dw_session_get_sync (session), server->team_id);
  int online = 0;
  guint loads;

  g_assert_nonnull (team);
  gtk_window_set_default_size (own, 900, 700);
  gtk_window_set_child (own, GTK_WIDGET (day));
  dw_staffing_day_set_context (day, dw_session_get_sync (session), clock);
  dw_staffing_day_set_team (day, server->team_id, dw_team_get_calendar_id (team));
  gtk_window_present (own);
  WAIT_UNTIL (dw_staffing_day_get_n_loads (day) > 0);
  g_assert_nonnull (strstr (dw_staffing_day_get_query (day), "date=2030-01-07"));
  g_assert_true (dw_staffing_chart_get_interval (dw_staffing_day_get_chart (day), 0, NULL, NULL,
                                                 NULL, &online));
  g_assert_cmpint (online, ==, -1);

  /* Let any load still coming from the start go by, then move the clock on: the tick (at once
   * when mapped again) asks again, the same day. */
  dw_test_spin (500);
  loads = dw_staffing_day_get_n_loads (day);
  dw_clock_set_now (clock, (g_date_time_to_unix (monday) + 9 * 3600) * G_USEC_PER_SEC, 1.0);
  gtk_widget_set_visible (GTK_WIDGET (day), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (day), TRUE);
  WAIT_UNTIL (dw_staffing_day_get_n_loads (day) > loads);
  g_assert_nonnull (strstr (dw_staffing_day_get_query (day), "date=2030-01-07"));

  gtk_window_destroy (own);
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

  g_test_add_func ("/console/schedule/week-shows-shifts", test_week_shows_shifts);
  g_test_add_func ("/console/schedule/shift-from-another-console", test_shift_from_another_console);
  g_test_add_func ("/console/schedule/rule-break-warns", test_rule_break_warns);
  g_test_add_func ("/console/schedule/add-and-undo", test_add_and_undo);
  g_test_add_func ("/console/schedule/edit-move-delete", test_edit_move_delete);
  g_test_add_func ("/console/schedule/publish", test_publish);
  g_test_add_func ("/console/schedule/export", test_export);
  g_test_add_func ("/console/schedule/today-chart", test_today_chart);
  g_test_add_func ("/console/schedule/adherence", test_adherence);
  g_test_add_func ("/console/schedule/copy-last-week", test_copy_last_week);
  g_test_add_func ("/console/schedule/draft-leaves-today", test_draft_leaves_today);
  g_test_add_func ("/console/schedule/mark-absence", test_mark_absence);
  g_test_add_func ("/console/schedule/day-kinds", test_day_kinds);
  g_test_add_func ("/console/schedule/warning-words", test_warning_words);
  g_test_add_func ("/console/schedule/team-picker", test_team_picker);
  g_test_add_func ("/console/schedule/adherence-not-yet", test_adherence_not_yet);
  g_test_add_func ("/console/schedule/interval-begins", test_interval_begins);

  status = g_test_run ();

  gtk_window_destroy (window);
  dw_session_stop (session);
  g_clear_object (&session);
  g_clear_pointer (&shanghai, g_time_zone_unref);
  g_clear_pointer (&week, g_free);
  dw_test_server_free (server);
  return status;
}
