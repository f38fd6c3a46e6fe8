/* API tests: per-agent figures over real HTTP — each equal to a count made here from the
 * tickets' audit trails on a desk this test drives, the facts read incrementally equal to the
 * whole trail read again, role and team scope, bad input. */
#include "config.h"

#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "dw-clock.h"
#include "dw-test-server.h"

static DwTestServer *server;

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
new_ticket (const char *subject)
{
  g_autoptr(DwTestResponse) r = NULL;
  g_autofree char *body = g_strdup_printf ("{\"subject\": \"%s\", \"channel\": \"wechat\", "
                                           "\"business_type\": \"logistics\"}", subject);

  return json_object_get_int_member (request ("POST", "/api/v1/tickets", server->admin_token,
                                              body, 201, &r), "id");
}

static void
comment (gint64      id,
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
solve (gint64 id)
{
  g_autoptr(DwTestResponse) got = NULL;
  g_autoptr(DwTestResponse) r = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autofree char *body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"status\": \"solved\"}",
                                           json_object_get_int_member (request ("GET", path,
                                                                                server->agent_token,
                                                                                NULL, 200, &got),
                                                                       "version"));

  request ("PATCH", path, server->agent_token, body, 200, &r);
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

/* What the trail of one ticket says, counted here without the service's facts. */
typedef struct
{
  guint  assigned, solved, reopened, one_touch, replies;
  GArray *frt, *resolution;
} Counted;

static gint
compare (gconstpointer a,
         gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static gint64
nearest_rank (GArray *values,
              double  p)
{
  g_array_sort (values, compare);
  return g_array_index (values, gint64, (gsize) MAX (ceil (p * values->len), 1) - 1);
}

static gint64
at_of (JsonObject *row)
{
  gint64 t = 0;

  g_assert_true (dw_time_from_iso8601 (json_object_get_string_member (row, "at"), &t));
  return t;
}

static void
count_trail (gint64   id,
             gint64   agent,
             Counted *c)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/audit?limit=500", id);
  g_autofree char *comments_path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/comments",
                                                    id);
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->admin_token, NULL);
  g_autoptr(DwTestResponse) cr = dw_test_server_json (server, "GET", comments_path,
                                                      server->admin_token, NULL);
  JsonArray *rows, *comments;
  gint64 created = 0;

  dw_test_assert_status (r, 200);
  dw_test_assert_status (cr, 200);
  rows = dw_test_response_items (r);
  comments = dw_test_response_items (cr);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *action = json_object_get_string_member (row, "action");
      const char *field = json_object_get_string_member_with_default (row, "field", "");
      JsonNode *before = json_object_get_member (row, "before");
      JsonNode *after = json_object_get_member (row, "after");

      if (g_str_equal (action, "created"))
        created = at_of (row);
      else if (g_strcmp0 (field, "assignee_id") == 0 && JSON_NODE_HOLDS_VALUE (after)
               && json_node_get_int (after) == agent)
        c->assigned++;
      else if (g_strcmp0 (field, "first_response_at") == 0)
        {
          gint64 s = at_of (row) - created;

          g_array_append_val (c->frt, s);
        }
      else if (g_strcmp0 (field, "status") == 0
               && g_strcmp0 (json_node_get_string (after), "solved") == 0)
        {
          gint64 s = at_of (row) - created;
          guint replies = 0;

          for (guint k = 0; k < json_array_get_length (comments); k++)
            {
              JsonObject *cm = json_array_get_object_element (comments, k);
              gint64 cat = 0;

              dw_time_from_iso8601 (json_object_get_string_member (cm, "created_at"), &cat);
              replies += g_str_equal (json_object_get_string_member (cm, "author_kind"), "agent")
                         && json_object_get_boolean_member (cm, "public") && cat <= at_of (row);
            }
          c->solved++;
          c->replies += replies;
          c->one_touch += replies == 1;
          g_array_append_val (c->resolution, s);
        }
      else if (g_strcmp0 (field, "status") == 0 && JSON_NODE_HOLDS_VALUE (before)
               && g_strcmp0 (json_node_get_string (before), "solved") == 0
               && g_strcmp0 (json_node_get_string (after), "closed") != 0)
        c->reopened++;
    }
}

static JsonObject *
only_agent (JsonObject *metrics)
{
  JsonArray *agents = json_object_get_array_member (metrics, "agents");

  g_assert_cmpuint (json_array_get_length (agents), ==, 1);
  return json_array_get_object_element (agents, 0);
}

static char *
figures_without_online (JsonObject *metrics)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), metrics);
  g_autofree char *text = json_to_string (node, FALSE);
  /* a deep copy: json_node_copy shares the object */
  g_autoptr(JsonNode) dup = json_from_string (text, NULL);
  JsonArray *agents = json_object_get_array_member (json_node_get_object (dup), "agents");

  for (guint i = 0; i < json_array_get_length (agents); i++)
    json_object_remove_member (json_array_get_object_element (agents, i), "online_seconds");
  json_object_remove_member (json_node_get_object (dup), "team_median");
  return json_to_string (dup, FALSE);
}

static void
test_figures (void)
{
  g_autofree char *presence = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence",
                                               server->agent_id);
  g_autofree char *path = g_strdup_printf ("/api/v1/agents/metrics?team_id=%" G_GINT64_FORMAT,
                                           server->team_id);
  g_autoptr(DwTestResponse) online = NULL;
  g_autoptr(DwTestResponse) got = NULL;
  g_autoptr(DwTestResponse) again = NULL;
  Counted c = { 0 };
  JsonObject *me, *frt, *res, *csat;
  g_autofree char *incremental = NULL;
  gint64 t1, t2;

  c.frt = g_array_new (FALSE, FALSE, sizeof (gint64));
  c.resolution = g_array_new (FALSE, FALSE, sizeof (gint64));

  request ("PUT", presence, server->agent_token, "{\"presence\": \"online\"}", 200, &online);

  /* one touch: one reply, solved, rated 4 */
  t1 = new_ticket ("快递到哪了");
  g_usleep (1100 * 1000);
  comment (t1, server->agent_token, NULL);
  solve (t1);
  rate (t1, 4);

  /* two replies, solved, reopened by the customer, solved again */
  t2 = new_ticket ("退款什么时候到");
  comment (t2, server->agent_token, NULL);
  comment (t2, server->agent_token, NULL);
  g_usleep (1100 * 1000);
  solve (t2);
  comment (t2, server->admin_token, "customer");
  solve (t2);

  count_trail (t1, server->agent_id, &c);
  count_trail (t2, server->agent_id, &c);
  g_assert_cmpuint (c.solved, ==, 3);   /* the desk did what the test meant */

  me = only_agent (request ("GET", path, server->agent_token, NULL, 200, &got));
  g_assert_cmpint (json_object_get_int_member (me, "user_id"), ==, server->agent_id);
  g_assert_cmpint (json_object_get_int_member (me, "assigned"), ==, c.assigned);
  g_assert_cmpint (json_object_get_int_member (me, "solved"), ==, c.solved);
  g_assert_cmpint (json_object_get_int_member (me, "reopened"), ==, c.reopened);
  g_assert_cmpint (c.reopened, ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (me, "reopen_rate"), ==,
                     round (1000.0 * c.reopened / c.solved) / 1000);
  g_assert_cmpint (json_object_get_int_member (me, "one_touch"), ==, c.one_touch);
  g_assert_cmpfloat (json_object_get_double_member (me, "replies_per_solved"), ==,
                     round (100.0 * c.replies / c.solved) / 100);

  frt = json_object_get_object_member (me, "first_response");
  g_assert_cmpint (json_object_get_int_member (frt, "count"), ==, c.frt->len);
  g_assert_cmpint (json_object_get_int_member (frt, "median_seconds"), ==, nearest_rank (c.frt, 0.5));
  g_assert_cmpint (json_object_get_int_member (frt, "p90_seconds"), ==, nearest_rank (c.frt, 0.9));
  res = json_object_get_object_member (me, "resolution");
  g_assert_cmpint (json_object_get_int_member (res, "count"), ==, c.resolution->len);
  g_assert_cmpint (json_object_get_int_member (res, "median_seconds"), ==,
                   nearest_rank (c.resolution, 0.5));
  g_assert_cmpint (json_object_get_int_member (res, "p90_seconds"), ==,
                   nearest_rank (c.resolution, 0.9));
  g_assert_cmpint (nearest_rank (c.resolution, 0.9), >=, 1);

  csat = json_object_get_object_member (me, "csat");
  g_assert_cmpint (json_object_get_int_member (csat, "responses"), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (csat, "average"), ==, 4);
  g_assert_cmpfloat (json_object_get_double_member (csat, "share_4_5"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (csat, "issued"), ==, 3);  /* every solve */
  g_assert_cmpfloat (json_object_get_double_member (csat, "response_rate"), ==, 0.333);
  g_assert_cmpint (json_object_get_int_member (me, "online_seconds"), >=, 2);
  /* an agent reads its own figures, not the team's median */
  g_assert_false (json_object_has_member (dw_test_response_object (got), "team_median"));

  /* the facts read as the trail grew equal the whole trail read again */
  {
    g_autoptr(DwTestResponse) lead = NULL;
    sqlite3 *db = NULL;

    incremental = figures_without_online (request ("GET", path, server->lead_token, NULL, 200,
                                                   &lead));
    g_assert_true (json_object_has_member (dw_test_response_object (lead), "team_median"));
    dw_test_server_stop (server);
    g_assert_cmpint (sqlite3_open (server->db_path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "DELETE FROM agent_facts; DELETE FROM agent_fact_tickets; "
                                       "DELETE FROM settings WHERE key = 'agent_facts_audit_id'",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
    dw_test_server_start (server, NULL);
    g_assert_cmpstr (figures_without_online (request ("GET", path, server->lead_token, NULL, 200,
                                                      &again)), ==, incremental);
  }

  /* every count opens the tickets behind it, paged, and never one the caller may not see */
  {
    g_autofree char *solved = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/tickets?team_id=%"
                                               G_GINT64_FORMAT "&figure=solved", server->agent_id,
                                               server->team_id);
    g_autofree char *reopened = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT
                                                 "/tickets?team_id=%" G_GINT64_FORMAT
                                                 "&figure=reopened", server->agent_id,
                                                 server->team_id);
    g_autofree char *page = g_strdup_printf ("%s&limit=1", solved);
    g_autofree char *next = NULL;
    g_autofree char *move = NULL;
    g_autofree char *ticket_path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, t1);
    g_autoptr(DwTestResponse) d1 = NULL, d2 = NULL, d3 = NULL, d4 = NULL, d5 = NULL, d6 = NULL,
                              d7 = NULL, d8 = NULL;
    JsonObject *t;

    request ("GET", solved, server->lead_token, NULL, 200, &d1);
    g_assert_cmpuint (json_array_get_length (dw_test_response_items (d1)), ==, 2);
    request ("GET", reopened, server->agent_token, NULL, 200, &d2);
    g_assert_cmpuint (json_array_get_length (dw_test_response_items (d2)), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                       dw_test_response_items (d2), 0), "id"), ==, t2);
    d3 = dw_test_server_json (server, "GET", solved, server->agent2_token, NULL);
    dw_test_assert_problem (d3, 403, "forbidden");

    request ("GET", page, server->lead_token, NULL, 200, &d4);
    g_assert_cmpuint (json_array_get_length (dw_test_response_items (d4)), ==, 1);
    next = g_strdup_printf ("%s&cursor=%s", page,
                            json_object_get_string_member (dw_test_response_object (d4),
                                                           "next_cursor"));
    request ("GET", next, server->lead_token, NULL, 200, &d5);
    g_assert_cmpuint (json_array_get_length (dw_test_response_items (d5)), ==, 1);

    /* handed over to the other team: its facts stay the agent's, the ticket is not the lead's */
    t = request ("GET", ticket_path, server->lead_token, NULL, 200, &d6);
    move = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"team_id\": %" G_GINT64_FORMAT
                            ", \"assignee_id\": null}", json_object_get_int_member (t, "version"),
                            server->other_team_id);
    request ("PATCH", ticket_path, server->lead_token, move, 200, &d7);
    request ("GET", solved, server->lead_token, NULL, 200, &d8);
    g_assert_cmpuint (json_array_get_length (dw_test_response_items (d8)), ==, 1);
  }

  g_array_unref (c.frt);
  g_array_unref (c.resolution);
}

static void
test_scope_and_input (void)
{
  g_autofree char *team = g_strdup_printf ("/api/v1/agents/metrics?team_id=%" G_GINT64_FORMAT,
                                           server->team_id);
  g_autofree char *other = g_strdup_printf ("/api/v1/agents/metrics?team_id=%" G_GINT64_FORMAT,
                                            server->other_team_id);
  const char *bad[] = {
    "/api/v1/agents/metrics",
    "/api/v1/agents/metrics?team_id=x",
    "/api/v1/agents/metrics?team_id=1&period=1y",
    "/api/v1/agents/metrics?team_id=1&period=7d&from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z",
    "/api/v1/agents/metrics?team_id=1&from=2026-12-01T00:00:00Z",
    "/api/v1/agents/metrics?team_id=1&from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z",
  };
  g_autoptr(DwTestResponse) agent2 = dw_test_server_json (server, "GET", team,
                                                          server->agent2_token, NULL);
  g_autoptr(DwTestResponse) lead_other = dw_test_server_json (server, "GET", other,
                                                              server->lead_token, NULL);

  dw_test_assert_problem (agent2, 403, "forbidden");
  dw_test_assert_problem (lead_other, 403, "forbidden");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", bad[i],
                                                         server->admin_token, NULL);

      g_test_message ("%s", bad[i]);
      dw_test_assert_problem (r, 400, "validation");
    }
}

/* Each agent now, and the lead's actions on its work. */
static void
test_status_and_actions (void)
{
  g_autofree char *status = g_strdup_printf ("/api/v1/agents/status?team_id=%" G_GINT64_FORMAT,
                                             server->team_id);
  g_autofree char *capacity = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/capacity",
                                               server->agent_id);
  g_autofree char *release = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/release",
                                              server->agent_id);
  g_autofree char *note = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/note",
                                           server->agent_id);
  g_autofree char *other_release = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/release",
                                                    server->agent2_id);
  g_autofree char *third_body = g_strdup_printf ("{\"username\": \"agent3\", \"display_name\": "
                                                 "\"王芳\", \"role\": \"agent\", \"password\": \""
                                                 DW_TEST_PASSWORD "\", \"capacity\": 5, "
                                                 "\"teams\": [{\"id\": %" G_GINT64_FORMAT "}]}",
                                                 server->team_id);
  g_autofree char *to_third = NULL;
  g_autofree char *comments = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(DwTestResponse) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL, r6 = NULL,
                            r7 = NULL, r8 = NULL, r9 = NULL, r10 = NULL, r11 = NULL, r12 = NULL;
  JsonArray *items;
  JsonObject *me = NULL, *result;
  gint64 a, b, third;

  a = new_ticket ("包裹破损");
  b = new_ticket ("少发了一件");

  request ("GET", status, server->lead_token, NULL, 200, &r1);
  items = dw_test_response_items (r1);
  for (guint i = 0; i < json_array_get_length (items); i++)
    if (json_object_get_int_member (json_array_get_object_element (items, i), "user_id")
        == server->agent_id)
      me = json_array_get_object_element (items, i);
  g_assert_nonnull (me);
  g_assert_cmpstr (json_object_get_string_member (me, "presence"), ==, "online");
  g_assert_cmpint (json_object_get_int_member (me, "load"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (me, "capacity"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (me, "oldest_waiting_ticket_id"), ==, a);
  g_assert_cmpint (json_object_get_int_member (me, "at_risk"), ==, 0);

  /* capacity: the lead's, audited as the lead's */
  r2 = dw_test_server_json (server, "PUT", capacity, server->agent_token, "{\"capacity\": 9}");
  dw_test_assert_problem (r2, 403, "forbidden");
  result = request ("PUT", capacity, server->lead_token, "{\"capacity\": 4}", 200, &r3);
  g_assert_cmpint (json_object_get_int_member (result, "capacity"), ==, 4);

  /* a note on each ticket at risk (ticket a, at risk as the stopped service's database says) */
  dw_test_server_stop (server);
  {
    sqlite3 *db = NULL;

    sql = g_strdup_printf ("UPDATE tickets SET sla_state = 'at-risk' WHERE id = %" G_GINT64_FORMAT, a);
    g_assert_cmpint (sqlite3_open (server->db_path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  dw_test_server_start (server, NULL);
  result = request ("POST", note, server->lead_token, "{\"body\": \"先处理这单，客户在催\"}",
                    200, &r4);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "noted")), ==, 1);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (result, "noted"), 0),
                   ==, a);
  comments = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/comments", a);
  request ("GET", comments, server->agent_token, NULL, 200, &r5);
  items = dw_test_response_items (r5);
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (items,
                                                    json_array_get_length (items) - 1), "public"));

  /* release to another agent of the team, in turn */
  third = json_object_get_int_member (request ("POST", "/api/v1/users", server->admin_token,
                                               third_body, 201, &r6), "id");
  to_third = g_strdup_printf ("{\"to\": [%" G_GINT64_FORMAT "]}", third);
  result = request ("POST", release, server->lead_token, to_third, 200, &r7);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "moved")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "failed")), ==, 0);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                     json_object_get_array_member (result, "moved"), 0), "assignee_id"), ==, third);
  (void) b;

  /* bad input and scope */
  r8 = dw_test_server_json (server, "POST", release, server->lead_token, "{\"to\": \"nowhere\"}");
  dw_test_assert_problem (r8, 400, "validation");
  {
    g_autofree char *to_self = g_strdup_printf ("{\"to\": [%" G_GINT64_FORMAT "]}", server->agent_id);

    r9 = dw_test_server_json (server, "POST", release, server->lead_token, to_self);
    dw_test_assert_problem (r9, 400, "validation");
  }
  r10 = dw_test_server_json (server, "POST", release, server->agent2_token, "{\"to\": \"queue\"}");
  dw_test_assert_problem (r10, 403, "forbidden");
  r11 = dw_test_server_json (server, "POST", other_release, server->lead_token,
                             "{\"to\": \"queue\"}");
  dw_test_assert_problem (r11, 403, "forbidden");
  r12 = dw_test_server_json (server, "POST", note, server->lead_token, "{}");
  dw_test_assert_problem (r12, 400, "validation");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = dw_test_server_new_with_desk ();

  g_test_add_func ("/api/agents/figures", test_figures);
  g_test_add_func ("/api/agents/scope-and-input", test_scope_and_input);
  g_test_add_func ("/api/agents/status-and-actions", test_status_and_actions);

  ret = g_test_run ();
  dw_test_server_free (server);
  return ret;
}
