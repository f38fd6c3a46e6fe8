/* UI test of the Agents section's Performance view: a real window holding DwAgentPerformance,
 * signed in as the lead of the Logistics team, live on a real deskwatchd, under Xvfb.
 *
 * Two agents of the team take, answer and solve tickets through the API, customers rate them
 * through surveys; every check compares what the window shows (or writes) with what the
 * service answers for the same period.
 *
 * With DW_TEST_SHOTS=DIR the test also saves the window as PNGs there (table, detail, narrow),
 * in dark mode with DW_TEST_DARK=1, and in the language of $LANGUAGE with DW_TEST_LOCALEDIR
 * pointing at compiled catalogues.
 */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "agents/dw-agent-detail.h"
#include "agents/dw-agent-format.h"
#include "agents/dw-agent-performance.h"
#include "agents/dw-trend-chart.h"
#include "dw-session.h"
#include "dw-widget-util.h"
#include "dw-test-server.h"
#define DW_TEST_WAIT_SECONDS 120
#include "dw-test-wait.h"

static DwTestServer *server;
static DwSession *session;
static GtkWindow *window;
static DwAgentPerformance *view;
static gint64 second_id;      /* 王芳, the team's second agent */
static char *second_token;
static GTimeZone *team_zone;  /* the team's calendar's, where it is about noon (set_up_desk) */

/* Desk */

static JsonObject *
request (const char      *method,
         const char      *path,
         const char      *token,
         const char      *body,
         guint            status,
         DwTestResponse **keep)
{
  *keep = dw_test_server_json (server, method, path, token, body);
  dw_test_assert_status (*keep, status);
  return (*keep)->json != NULL && JSON_NODE_HOLDS_OBJECT ((*keep)->json)
         ? dw_test_response_object (*keep) : NULL;
}

static gint64
new_ticket (const char *subject,
            gint64      assignee_id)
{
  g_autoptr(DwTestResponse) r = NULL;
  g_autofree char *body = g_strdup_printf ("{\"subject\": \"%s\", \"channel\": \"wechat\", "
                                           "\"business_type\": \"logistics\", \"team_id\": %"
                                           G_GINT64_FORMAT ", \"assignee_id\": %" G_GINT64_FORMAT
                                           "}", subject, server->team_id, assignee_id);

  return json_object_get_int_member (request ("POST", "/api/v1/tickets", server->admin_token,
                                              body, 201, &r), "id");
}

static void
reply (gint64      id,
       const char *token,
       const char *author_kind)
{
  g_autoptr(DwTestResponse) r = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/comments", id);
  g_autofree char *body = g_strdup_printf ("{\"body\": \"好的\", \"public\": true%s%s%s}",
                                           author_kind ? ", \"author_kind\": \"" : "",
                                           author_kind ? author_kind : "",
                                           author_kind ? "\"" : "");

  request ("POST", path, token, body, 201, &r);
}

static void
solve (gint64      id,
       const char *token)
{
  g_autoptr(DwTestResponse) got = NULL;
  g_autoptr(DwTestResponse) r = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autofree char *body = NULL;

  body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"status\": \"solved\"}",
                          json_object_get_int_member (request ("GET", path, token, NULL, 200, &got),
                                                      "version"));
  request ("PATCH", path, token, body, 200, &r);
}

static void
rate (gint64 id,
      int    rating)
{
  g_autoptr(DwTestResponse) survey = NULL;
  g_autoptr(DwTestResponse) r = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/survey", id);
  g_autofree char *answer = NULL;
  g_autofree char *body = g_strdup_printf ("{\"rating\": %d}", rating);

  answer = g_strdup_printf ("/api/v1/surveys/%s",
                            json_object_get_string_member (request ("GET", path, server->admin_token,
                                                                    NULL, 200, &survey), "token"));
  request ("POST", answer, NULL, body, 200, &r);
}

static void
set_presence (gint64      user_id,
              const char *token,
              const char *presence)
{
  g_autoptr(DwTestResponse) r = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence", user_id);
  g_autofree char *body = g_strdup_printf ("{\"presence\": \"%s\"}", presence);

  request ("PUT", path, token, body, 200, &r);
}

/* The desk is made and read on one day of the team's calendar: the view's period is "today",
 * and the calendar's midnight in between moved the first tickets to yesterday (so it went at
 * 16:00 UTC, Shanghai's midnight, under faketime).  The calendar keeps its hours but takes the
 * whole-hour offset where it is 12:00–12:59 now, twelve hours from either edge of the day. */
static void
set_noon_zone (void)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (dw_test_server_now (server));
  int offset = 12 - g_date_time_get_hour (utc);  /* -11 … +12 */
  /* POSIX signs in Etc/: Etc/GMT-8 is eight hours east of UTC. */
  g_autofree char *name = offset == 0 ? g_strdup ("Etc/GMT")
                          : g_strdup_printf ("Etc/GMT%+d", -offset);
  g_autofree char *sql = g_strdup_printf ("UPDATE calendars SET timezone = '%s'", name);
  g_autoptr(GDateTime) local = NULL;

  team_zone = g_time_zone_new_identifier (name);
  g_assert_nonnull (team_zone);
  local = g_date_time_to_timezone (utc, team_zone);
  g_assert_cmpint (g_date_time_get_hour (local), ==, 12);
  g_test_message ("the team's calendar: %s", name);
  dw_test_server_stop (server);
  dw_test_server_exec (server, sql);
  dw_test_server_start (server, NULL);
}

static void
set_up_desk (void)
{
  g_autoptr(DwTestResponse) u = NULL;
  g_autofree char *body = NULL;
  gint64 t;

  server = dw_test_server_new_with_desk ();
  set_noon_zone ();
  body = g_strdup_printf ("{\"username\": \"agent3\", \"display_name\": \"王芳\", \"role\": "
                          "\"agent\", \"password\": \"" DW_TEST_PASSWORD "\", \"capacity\": 5, "
                          "\"teams\": [{\"id\": %" G_GINT64_FORMAT "}]}", server->team_id);
  second_id = json_object_get_int_member (request ("POST", "/api/v1/users", server->admin_token,
                                                   body, 201, &u), "id");
  second_token = dw_test_server_sign_in (server, "agent3", DW_TEST_PASSWORD);
  set_presence (server->agent_id, server->agent_token, "online");
  set_presence (second_id, second_token, "online");

  /* 李娜: one touch and rated 4; two replies, reopened by the customer, solved again */
  t = new_ticket ("快递到哪了", server->agent_id);
  g_usleep (1100 * 1000);
  reply (t, server->agent_token, NULL);
  solve (t, server->agent_token);
  rate (t, 4);
  t = new_ticket ("退款什么时候到", server->agent_id);
  reply (t, server->agent_token, NULL);
  reply (t, server->agent_token, NULL);
  solve (t, server->agent_token);
  reply (t, server->admin_token, "customer");
  solve (t, server->agent_token);

  /* 王芳: answered late, solved and rated 2; one answered, still open */
  t = new_ticket ("包裹破损", second_id);
  g_usleep (2100 * 1000);
  reply (t, second_token, NULL);
  solve (t, second_token);
  rate (t, 2);
  t = new_ticket ("少发了一件", second_id);
  reply (t, second_token, NULL);

  /* Offline from now on: online time, occupancy and utilization stop growing with the clock,
   * so the table loaded a moment ago still equals what the service says now. */
  set_presence (server->agent_id, server->agent_token, "offline");
  set_presence (second_id, second_token, "offline");
}

static void
open_view (void)
{
  g_autoptr(DwClient) client = dw_client_new (server->url);

  dw_client_set_token (client, server->lead_token);
  session = dw_session_new (client, NULL, FALSE);
  dw_session_start (session);
  WAIT_UNTIL (dw_sync_get_state (dw_session_get_sync (session)) == DW_SYNC_STATE_CONNECTED);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (window, "Performance");
  gtk_window_set_default_size (window, 1280, 720);
  view = DW_AGENT_PERFORMANCE (dw_agent_performance_new ());
  gtk_window_set_child (window, GTK_WIDGET (view));
  dw_agent_performance_set_context (view, dw_session_get_sync (session),
                                    dw_session_get_clock (session));
  dw_agent_performance_set_team (view, server->team_id);
  gtk_window_present (window);
  WAIT_UNTIL (dw_agent_performance_get_n_loads (view) > 0);
}

/* Screenshots (DW_TEST_SHOTS) */

static void
shot (const char *name)
{
  const char *dir = g_getenv ("DW_TEST_SHOTS");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width, height;

  if (dir == NULL)
    return;
  /* Two frames: the last change laid out and drawn. */
  dw_test_spin (400);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_strdup_printf ("%s/%s.png", dir, name);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

/* The checks of English words hold when no catalogue is bound (screenshots in Chinese). */
static gboolean
english (void)
{
  return g_getenv ("DW_TEST_LOCALEDIR") == NULL;
}

/* What the service says */

static JsonObject *
metrics (const char *window_query)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/agents/metrics?team_id=%" G_GINT64_FORMAT
                                           "&series=daily&%s", server->team_id, window_query);
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->lead_token, NULL);

  dw_test_assert_status (r, 200);
  return json_object_ref (dw_test_response_object (r));
}

/* The number at a dotted path of @object, NAN for null; read here with json-glib alone. */
static double
number_at (JsonObject *object,
           const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonNode *node;

  for (guint i = 0; parts[i + 1] != NULL; i++)
    object = json_object_get_object_member (object, parts[i]);
  node = json_object_get_member (object, parts[g_strv_length (parts) - 1]);
  g_assert_nonnull (node);
  if (JSON_NODE_HOLDS_NULL (node))
    return NAN;
  return json_node_get_value_type (node) == G_TYPE_INT64 ? (double) json_node_get_int (node)
                                                         : json_node_get_double (node);
}

/* The SLA share over every target kind, counted here from the per-kind counts. */
static double
sla_share (JsonObject *agent)
{
  static const char * const kinds[] = { "first-response", "next-response", "resolution" };
  JsonObject *sla = json_object_get_object_member (agent, "sla");
  gint64 met = 0, breached = 0;

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      JsonObject *kind = json_object_get_object_member (sla, kinds[k]);

      met += json_object_get_int_member (kind, "met");
      breached += json_object_get_int_member (kind, "breached");
    }
  return met + breached > 0 ? round (1000.0 * met / (met + breached)) / 1000 : NAN;
}

static const struct
{
  DwAgentFigure figure;
  const char   *path;   /* NULL: the SLA share */
} checked[] = {
  { DW_AGENT_FIGURE_ASSIGNED, "assigned" },
  { DW_AGENT_FIGURE_SOLVED, "solved" },
  { DW_AGENT_FIGURE_REOPEN_RATE, "reopen_rate" },
  { DW_AGENT_FIGURE_FIRST_RESPONSE, "first_response.median_business_seconds" },
  { DW_AGENT_FIGURE_RESOLUTION, "resolution.median_business_seconds" },
  { DW_AGENT_FIGURE_REPLIES_PER_SOLVED, "replies_per_solved" },
  { DW_AGENT_FIGURE_ONE_TOUCH_SHARE, "one_touch_share" },
  { DW_AGENT_FIGURE_SLA_SHARE, NULL },
  { DW_AGENT_FIGURE_CSAT, "csat.average" },
  { DW_AGENT_FIGURE_ONLINE, "online_seconds" },
  { DW_AGENT_FIGURE_OCCUPANCY, "occupancy" },
  { DW_AGENT_FIGURE_UTILIZATION, "utilization" },
};

static double
expected_value (JsonObject *agent,
                guint       i)
{
  return checked[i].path != NULL ? number_at (agent, checked[i].path) : sla_share (agent);
}

static char *
expected_text (JsonObject *agent,
               guint       i)
{
  double value = expected_value (agent, i);
  g_autofree char *shown = dw_agent_format_value (checked[i].figure, value);

  if (checked[i].figure == DW_AGENT_FIGURE_CSAT && !isnan (value))
    {
      g_autofree char *responses = g_strdup_printf ("%" G_GINT64_FORMAT,
        json_object_get_int_member (json_object_get_object_member (agent, "csat"), "responses"));

      return g_strdup_printf (_("%s (%s)"), shown, responses);
    }
  return g_steal_pointer (&shown);
}

static char *
widget_text (GtkWidget *widget)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    g_string_append_printf (text, "%s\n", gtk_label_get_label (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      g_autofree char *inner = widget_text (child);

      g_string_append (text, inner);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Whether the table shows what the service answers for @window_query, cell by cell. */
static gboolean
table_equals_api (const char *window_query,
                  gboolean    verbose)
{
  g_autoptr(JsonObject) answer = metrics (window_query);
  DwAgentFigures *figures = dw_agent_performance_get_figures (view);
  JsonArray *agents = json_object_get_array_member (answer, "agents");
  gint64 from = 0;

  if (figures == NULL)
    return FALSE;
  dw_time_from_iso8601 (json_object_get_string_member (answer, "from"), &from);
  if (dw_agent_figures_get_from (figures) != from
      || g_list_model_get_n_items (dw_agent_figures_get_agents (figures))
         != json_array_get_length (agents))
    return FALSE;

  for (guint a = 0; a < json_array_get_length (agents); a++)
    {
      JsonObject *agent = json_array_get_object_element (agents, a);
      gint64 id = json_object_get_int_member (agent, "user_id");

      for (guint i = 0; i < G_N_ELEMENTS (checked); i++)
        {
          g_autofree char *expected = expected_text (agent, i);
          const char *shown = dw_agent_performance_get_cell_text (view, id, checked[i].figure);

          if (verbose)
            g_test_message ("%s %s: %s", json_object_get_string_member (agent, "display_name"),
                            dw_agent_figure_info (checked[i].figure)->id, expected);
          if (g_strcmp0 (shown, expected) != 0)
            {
              if (verbose)
                g_test_message ("  shown: %s", shown);
              return FALSE;
            }
        }
    }
  return TRUE;
}

static void
test_table_equals_api (void)
{
  g_autoptr(JsonObject) answer = metrics ("period=today");
  JsonObject *medians = json_object_get_object_member (answer, "team_median");
  g_autofree char *table = NULL;
  g_autofree char *words = NULL;
  g_autofree char *expected_words = NULL;
  double solved_median = json_object_get_int_member (medians, "solved");
  JsonArray *agents = json_object_get_array_member (answer, "agents");

  g_assert_true (table_equals_api ("period=today", TRUE));
  g_assert_cmpuint (json_array_get_length (agents), ==, 2);

  /* the table on the screen holds each agent's name and counts */
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  table = widget_text (GTK_WIDGET (view));
  g_assert_nonnull (strstr (table, "李娜"));
  g_assert_nonnull (strstr (table, "王芳"));

  /* against the team median, in words: 李娜 solved 3, 王芳 1, the median 1 (nearest rank) */
  g_assert_cmpfloat (solved_median, ==, 1);
  words = g_strdup (dw_agent_performance_get_cell_comparison (view, server->agent_id,
                                                              DW_AGENT_FIGURE_SOLVED));
  expected_words = dw_agent_format_comparison (DW_AGENT_FIGURE_SOLVED, DW_FIGURE_COMPARISON_BETTER,
                                               solved_median);
  g_assert_cmpstr (words, ==, expected_words);
  /* CSAT: 李娜 4, 王芳 2, the median 2 (nearest rank): better, and the same */
  /* team_median's keys are whole paths ("csat.average"), not nested objects */
  g_assert_cmpfloat (json_object_get_double_member (medians, "csat.average"), ==, 2);
  if (english ())
    {
      g_assert_cmpstr (words, ==, "Better than the team median 1");
      g_assert_nonnull (strstr (table, "better"));
      g_assert_cmpstr (dw_agent_performance_get_cell_comparison (view, server->agent_id,
                                                                 DW_AGENT_FIGURE_CSAT),
                       ==, "Better than the team median 2.00");
      g_assert_cmpstr (dw_agent_performance_get_cell_comparison (view, second_id,
                                                                 DW_AGENT_FIGURE_CSAT),
                       ==, "About the team median 2.00");
    }
  shot ("table");
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

/* Sorting by a column orders the rows by its value, agents without one last. */
static void
test_sort (void)
{
  dw_agent_performance_sort_by (view, DW_AGENT_FIGURE_SOLVED, GTK_SORT_DESCENDING);
  g_assert_cmpint (dw_agent_performance_get_user_at (view, 0), ==, server->agent_id);
  g_assert_cmpint (dw_agent_performance_get_user_at (view, 1), ==, second_id);
  dw_agent_performance_sort_by (view, DW_AGENT_FIGURE_SOLVED, GTK_SORT_ASCENDING);
  g_assert_cmpint (dw_agent_performance_get_user_at (view, 0), ==, second_id);
  /* reopen rate: 王芳 0 %, 李娜 33.3 % */
  dw_agent_performance_sort_by (view, DW_AGENT_FIGURE_REOPEN_RATE, GTK_SORT_ASCENDING);
  g_assert_cmpint (dw_agent_performance_get_user_at (view, 0), ==, second_id);
  dw_agent_performance_sort_by (view, DW_AGENT_FIGURE_CSAT, GTK_SORT_DESCENDING);
  g_assert_cmpint (dw_agent_performance_get_user_at (view, 0), ==, server->agent_id);
  g_assert_cmpint (dw_agent_performance_get_user_at (view, 2), ==, 0);
}

static void
test_period_change (void)
{
  guint loads = dw_agent_performance_get_n_loads (view);

  dw_agent_performance_set_period (view, "7d");
  WAIT_UNTIL (dw_agent_performance_get_n_loads (view) > loads);
  g_assert_true (table_equals_api ("period=7d", TRUE));
  shot ("table-7d");

  /* a custom range: yesterday and today, whole days of the team's calendar */
  {
    DwAgentFigures *figures = dw_agent_performance_get_figures (view);
    gint64 to = dw_agent_figures_get_to (figures);
    gint64 from = to - 2 * 86400;
    g_autofree char *from_text = dw_time_to_iso8601 (from);
    g_autofree char *to_text = dw_time_to_iso8601 (to);
    g_autofree char *query = g_strdup_printf ("from=%s&to=%s", from_text, to_text);

    loads = dw_agent_performance_get_n_loads (view);
    dw_agent_performance_set_range (view, from, to);
    WAIT_UNTIL (dw_agent_performance_get_n_loads (view) > loads);
    g_assert_true (table_equals_api (query, TRUE));
  }
  /* the same through the picker: Custom Range, two days typed, Enter */
  {
    g_autoptr(GPtrArray) entries = g_ptr_array_new ();
    g_autoptr(GDateTime) now = g_date_time_new_now (team_zone);
    g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
    g_autoptr(GDateTime) first = g_date_time_new (team_zone, g_date_time_get_year (yesterday),
                                                  g_date_time_get_month (yesterday),
                                                  g_date_time_get_day_of_month (yesterday), 0, 0, 0);
    g_autoptr(GDateTime) end = g_date_time_add_days (first, 2);
    g_autofree char *from_day = g_date_time_format (yesterday, "%Y-%m-%d");
    g_autofree char *to_day = g_date_time_format (now, "%Y-%m-%d");
    g_autofree char *from_text = dw_time_to_iso8601 (g_date_time_to_unix (first));
    g_autofree char *to_text = dw_time_to_iso8601 (g_date_time_to_unix (end));
    g_autofree char *query = g_strdup_printf ("from=%s&to=%s", from_text, to_text);
    GtkDropDown *picker = GTK_DROP_DOWN (dw_widget_find_descendant (GTK_WIDGET (view),
                                                                    GTK_TYPE_DROP_DOWN));

    dw_agent_performance_set_period (view, "today");
    WAIT_UNTIL (table_equals_api ("period=today", FALSE));
    gtk_drop_down_set_selected (picker, 3);
    collect (GTK_WIDGET (view), GTK_TYPE_ENTRY, entries);
    g_assert_cmpuint (entries->len, ==, 2);
    g_assert_true (gtk_widget_get_mapped (entries->pdata[0]));
    /* a day that is no day says so and loads nothing */
    loads = dw_agent_performance_get_n_loads (view);
    gtk_editable_set_text (entries->pdata[0], "2026-13-01");
    gtk_editable_set_text (entries->pdata[1], to_day);
    g_signal_emit_by_name (entries->pdata[1], "activate");
    dw_test_spin (200);
    g_assert_cmpuint (dw_agent_performance_get_n_loads (view), ==, loads);
    if (english ())
      {
        g_autofree char *text = widget_text (GTK_WIDGET (view));

        g_assert_nonnull (strstr (text, "Give the first and last day as YYYY-MM-DD."));
      }
    gtk_editable_set_text (entries->pdata[0], from_day);
    g_signal_emit_by_name (entries->pdata[1], "activate");
    WAIT_UNTIL (dw_agent_performance_get_n_loads (view) > loads);
    g_assert_cmpint (dw_agent_figures_get_from (dw_agent_performance_get_figures (view)), ==,
                     g_date_time_to_unix (first));
    g_assert_true (table_equals_api (query, TRUE));
  }

  dw_agent_performance_set_period (view, "today");
  WAIT_UNTIL (table_equals_api ("period=today", FALSE));
}

/* A ticket solved elsewhere shows in the table after the stream's event, with no reload asked. */
static void
test_live (void)
{
  gint64 t = new_ticket ("地址写错了", second_id);

  reply (t, second_token, NULL);
  solve (t, second_token);
  WAIT_UNTIL (g_strcmp0 (dw_agent_performance_get_cell_text (view, second_id,
                                                             DW_AGENT_FIGURE_SOLVED), "2") == 0);
  g_assert_true (table_equals_api ("period=today", TRUE));
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_agent_performance_export_finish (DW_AGENT_PERFORMANCE (source), result,
                                                     &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static GtkWidget *
find_file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (w) && gtk_widget_get_visible (w))
        return w;
    }
  return NULL;
}

/* The button's action opens a save dialog named for the team and period; cancelling it writes
 * nothing. */
static void
test_export_chooser (void)
{
  GtkWidget *chooser;
  g_autofree char *name = NULL;
  g_autofree char *expected = g_strdup_printf ("agents-team%" G_GINT64_FORMAT "-today.csv",
                                               server->team_id);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "agents.export-csv", NULL));
  WAIT_UNTIL (find_file_chooser () != NULL);
  chooser = find_file_chooser ();
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==,
                   GTK_FILE_CHOOSER_ACTION_SAVE);
  name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
  g_assert_cmpstr (name, ==, expected);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  WAIT_UNTIL (find_file_chooser () == NULL);
}

/* One CSV record of RFC 4180 (no line breaks inside its fields), read field by field: a quoted
 * field ends at a quote not doubled. */
static GStrv
fields_of (const char *line)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = line;

  for (;;)
    {
      g_string_truncate (field, 0);
      if (*p == '"')
        {
          for (p++; *p != '\0'; p++)
            {
              if (*p == '"' && p[1] == '"')
                g_string_append_c (field, *p++);
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                g_string_append_c (field, *p);
            }
        }
      else
        for (; *p != '\0' && *p != ','; p++)
          g_string_append_c (field, *p);
      g_strv_builder_add (builder, field->str);
      if (*p != ',')
        break;
      p++;
    }
  g_assert_cmpint (*p, ==, '\0');
  return g_strv_builder_end (builder);
}

static void
test_export_csv (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("agents-csv-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "agents.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  g_autoptr(JsonObject) answer = metrics ("period=today");
  JsonArray *agents = json_object_get_array_member (answer, "agents");
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  gboolean done = FALSE;
  gsize length;

  g_assert_no_error (error);
  WAIT_UNTIL (table_equals_api ("period=today", FALSE));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "agents.refresh", NULL));
  dw_agent_performance_export_async (view, file, NULL, export_done_cb, &done);
  WAIT_UNTIL (done);

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (contents, length, NULL));
  g_assert_true (g_str_has_suffix (contents, "\r\n"));
  lines = g_strsplit (contents, "\r\n", -1);
  /* header, one line per agent, the medians, and the empty rest after the last CRLF */
  g_assert_cmpuint (g_strv_length (lines), ==, json_array_get_length (agents) + 3);
  header = fields_of (lines[0]);
  if (english ())
    g_assert_cmpstr (header[0], ==, "Agent");

  for (guint a = 0; a < json_array_get_length (agents); a++)
    {
      JsonObject *agent = json_array_get_object_element (agents, a);
      g_auto(GStrv) fields = fields_of (lines[a + 1]);

      g_assert_cmpstr (fields[0], ==, json_object_get_string_member (agent, "display_name"));
      for (guint i = 0; i < G_N_ELEMENTS (checked); i++)
        {
          /* the column of the figure, by its header */
          const char *title = dw_agent_csv_header (dw_agent_figure_info (checked[i].figure)->id);
          double value = expected_value (agent, i);
          g_autofree char *expected = dw_agent_figure_format_plain (checked[i].figure, value);
          guint column = 0;

          while (header[column] != NULL && g_strcmp0 (header[column], title) != 0)
            column++;
          g_assert_nonnull (header[column]);
          g_test_message ("%s %s: %s", fields[0], title, fields[column]);
          g_assert_cmpstr (fields[column], ==, expected);
        }
    }
  if (english ())
    g_assert_true (g_str_has_prefix (lines[json_array_get_length (agents) + 1], "Team median,"));

  g_unlink (path);
  g_rmdir (dir);
}

static gboolean
drill_matches (gint64      user_id,
               const char *figure)
{
  DwAgentDetail *detail = DW_AGENT_DETAIL (dw_agent_performance_get_detail (view));
  DwTicketPages *tickets = dw_agent_detail_get_tickets (detail);
  g_autofree char *path = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/tickets?team_id=%"
                                           G_GINT64_FORMAT "&figure=%s&period=today", user_id,
                                           server->team_id, figure);
  g_autoptr(DwTestResponse) r = NULL;
  JsonArray *items;

  dw_agent_detail_open_figure (detail, figure);
  WAIT_UNTIL (!dw_ticket_pages_get_loading (tickets));
  r = dw_test_server_json (server, "GET", path, server->lead_token, NULL);
  dw_test_assert_status (r, 200);
  items = dw_test_response_items (r);
  g_test_message ("%s: %u tickets", figure, json_array_get_length (items));
  if (dw_ticket_pages_get_n_tickets (tickets) != json_array_get_length (items))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (items); i++)
    if (dw_ticket_pages_get_ticket_id (tickets, i)
        != json_object_get_int_member (json_array_get_object_element (items, i), "id"))
      return FALSE;
  return TRUE;
}

static void
show_ticket_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  *(gint64 *) user_data = g_variant_get_int64 (parameter);
}

static void
test_drill_down (void)
{
  DwAgentDetail *detail = DW_AGENT_DETAIL (dw_agent_performance_get_detail (view));
  DwTicketPages *tickets = dw_agent_detail_get_tickets (detail);
  const char *description;

  g_assert_true (dw_agent_performance_show_agent (view, server->agent_id));
  g_assert_true (dw_agent_performance_get_detail_shown (view));
  g_assert_cmpint (dw_agent_detail_get_user_id (detail), ==, server->agent_id);
  /* the keyboard is in the detail, where Escape goes back */
  WAIT_UNTIL (gtk_root_get_focus (GTK_ROOT (window)) != NULL
              && gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                         GTK_WIDGET (detail)));

  g_assert_true (drill_matches (server->agent_id, "solved"));
  g_assert_cmpuint (dw_ticket_pages_get_n_tickets (tickets), ==, 2);
  g_assert_true (drill_matches (server->agent_id, "reopened"));
  g_assert_cmpuint (dw_ticket_pages_get_n_tickets (tickets), ==, 1);
  g_assert_true (drill_matches (server->agent_id, "assigned"));
  g_assert_true (drill_matches (server->agent_id, "first-response"));
  g_assert_false (dw_ticket_pages_get_has_more (tickets));

  /* the trend charts say their numbers in words */
  description = dw_trend_chart_get_description (
    DW_TREND_CHART (dw_agent_detail_get_chart (detail, DW_AGENT_FIGURE_SOLVED)));
  g_test_message ("%s", description);
  if (english ())
    g_assert_true (g_str_has_prefix (description, "Solved, per day: "));
  g_assert_true (g_str_has_suffix (description, " 3"));
  dw_agent_detail_open_figure (detail, "solved");
  WAIT_UNTIL (!dw_ticket_pages_get_loading (tickets));
  shot ("detail");

  /* activating a ticket shows it the way the SLA drill-down does: win.show-ticket */
  {
    g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
    g_autoptr(GSimpleAction) show = g_simple_action_new ("show-ticket", G_VARIANT_TYPE_INT64);
    GtkListBox *list = GTK_LIST_BOX (dw_widget_find_descendant (GTK_WIDGET (detail),
                                                                GTK_TYPE_LIST_BOX));
    gint64 shown = 0;

    g_signal_connect (show, "activate", G_CALLBACK (show_ticket_cb), &shown);
    g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (show));
    gtk_widget_insert_action_group (GTK_WIDGET (window), "win", G_ACTION_GROUP (group));
    g_assert_true (gtk_widget_activate (GTK_WIDGET (gtk_list_box_get_row_at_index (list, 1))));
    g_assert_cmpint (shown, ==, dw_ticket_pages_get_ticket_id (tickets, 1));
    g_assert_cmpint (shown, !=, 0);
    gtk_widget_insert_action_group (GTK_WIDGET (window), "win", NULL);
  }

  /* Escape's action goes back to the table */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (detail), "detail.back", NULL));
  g_assert_false (dw_agent_performance_get_detail_shown (view));
}

static void
test_narrow (void)
{
  g_autofree char *text = NULL;

  g_assert_false (dw_agent_performance_get_narrow (view));
  gtk_window_set_default_size (window, 400, 720);
  WAIT_UNTIL (dw_agent_performance_get_narrow (view));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (view)), <=, 400);
  text = widget_text (GTK_WIDGET (view));
  g_assert_nonnull (strstr (text, "王芳"));
  g_assert_nonnull (strstr (text, dw_agent_performance_get_cell_text (view, second_id,
                                                                      DW_AGENT_FIGURE_SOLVED)));
  shot ("narrow");
  g_assert_true (dw_agent_performance_show_agent (view, second_id));
  shot ("narrow-detail");
  dw_agent_performance_show_table (view);

  gtk_window_set_default_size (window, 1280, 720);
  WAIT_UNTIL (!dw_agent_performance_get_narrow (view));
}

/* The local midnight that began the day holding @t in the team's calendar. */
static gint64
team_midnight (gint64 t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, team_zone);
  g_autoptr(GDateTime) start = g_date_time_new (team_zone, g_date_time_get_year (local),
                                                g_date_time_get_month (local),
                                                g_date_time_get_day_of_month (local), 0, 0, 0);

  return g_date_time_to_unix (start);
}

/* Past the team calendar's midnight the period rolls over and the view loads it again by itself,
 * with no event from the stream, and once (a team lead keeps the console open all night; "Today"
 * showed yesterday until something happened).  The view runs on its own clock two minutes before
 * the midnight that began the service's today, then that clock is moved past it: the service keeps
 * its real now, so the day the view now stands in is the one the service answers for.  Then "7d"
 * a day later still, our clock a day ahead of the service's: the window the service sends ends
 * behind our now, and the view must not take that for another rollover. */
static void
test_midnight_rollover (void)
{
  gint64 midnight = team_midnight (dw_test_server_now (server));
  g_autoptr(DwClock) clock = dw_clock_new_at (midnight - 120, 1.0);
  guint loads;

  dw_agent_performance_show_table (view);
  dw_agent_performance_set_period (view, "today");
  dw_agent_performance_set_context (view, dw_session_get_sync (session), clock);
  loads = dw_agent_performance_get_n_loads (view);
  dw_agent_performance_refresh (view);
  WAIT_UNTIL (dw_agent_performance_get_n_loads (view) > loads);
  loads = dw_agent_performance_get_n_loads (view);
  g_assert_cmpint (dw_agent_performance_get_loaded_at (view), <, midnight);

  /* past midnight: "today" loads again, of the day that began then */
  dw_clock_set_now (clock, (midnight + 1) * G_USEC_PER_SEC, 1.0);
  WAIT_UNTIL (dw_agent_performance_get_n_loads (view) > loads);
  g_assert_cmpuint (dw_agent_performance_get_n_loads (view), ==, loads + 1);
  g_assert_cmpint (dw_agent_performance_get_loaded_at (view), >=, midnight);
  g_assert_cmpint (dw_agent_figures_get_from (dw_agent_performance_get_figures (view)), ==,
                   midnight);
  g_assert_true (table_equals_api ("period=today", TRUE));
  shot ("table-past-midnight");
  /* once: the next rollover is the next midnight, ahead of the clock (the tick loads only when
   * the clock has passed it) */
  g_assert_cmpint (dw_agent_performance_get_rollover (view), ==,
                   team_midnight (midnight + 36 * 3600));
  g_assert_cmpint (dw_agent_performance_get_rollover (view), >, dw_clock_now (clock));
  g_assert_cmpuint (dw_agent_performance_get_n_loads (view), ==, loads + 1);

  /* "7d" rolls over at the same midnight, the next one, and once too */
  dw_agent_performance_set_period (view, "7d");
  WAIT_UNTIL (dw_agent_performance_get_n_loads (view) > loads + 1);
  loads = dw_agent_performance_get_n_loads (view);
  dw_clock_set_now (clock, (midnight + 86400 + 1) * G_USEC_PER_SEC, 1.0);
  WAIT_UNTIL (dw_agent_performance_get_n_loads (view) > loads);
  g_assert_cmpint (dw_agent_performance_get_loaded_at (view), >=, midnight + 86400);
  g_assert_true (table_equals_api ("period=7d", TRUE));
  /* the service's window ends behind our clock now: the next rollover is still ours, ahead */
  g_assert_cmpint (dw_agent_performance_get_rollover (view), ==,
                   team_midnight (midnight + 86400 + 36 * 3600));
  g_assert_cmpint (dw_agent_performance_get_rollover (view), >, dw_clock_now (clock));
  g_assert_cmpuint (dw_agent_performance_get_n_loads (view), ==, loads + 1);

  /* back on the session's clock and "today" */
  dw_agent_performance_set_context (view, dw_session_get_sync (session),
                                    dw_session_get_clock (session));
  dw_agent_performance_set_period (view, "today");
  WAIT_UNTIL (table_equals_api ("period=today", FALSE));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("DW_TEST_LOCALEDIR") != NULL)
    {
      setlocale (LC_ALL, "");
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("DW_TEST_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  if (g_getenv ("DW_TEST_DARK") != NULL)
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                        ADW_COLOR_SCHEME_FORCE_DARK);

  set_up_desk ();
  open_view ();

  g_test_add_func ("/console/agent-performance/table-equals-api", test_table_equals_api);
  g_test_add_func ("/console/agent-performance/sort", test_sort);
  g_test_add_func ("/console/agent-performance/period-change", test_period_change);
  g_test_add_func ("/console/agent-performance/live", test_live);
  g_test_add_func ("/console/agent-performance/export-csv", test_export_csv);
  g_test_add_func ("/console/agent-performance/export-chooser", test_export_chooser);
  g_test_add_func ("/console/agent-performance/drill-down", test_drill_down);
  g_test_add_func ("/console/agent-performance/narrow", test_narrow);
  g_test_add_func ("/console/agent-performance/midnight-rollover", test_midnight_rollover);

  status = g_test_run ();

  gtk_window_destroy (window);
  dw_session_stop (session);
  g_clear_object (&session);
  g_clear_pointer (&second_token, g_free);
  g_clear_pointer (&team_zone, g_time_zone_unref);
  dw_test_server_free (server);
  return status;
}
