/* API tests: per-agent figures over real HTTP — each equal to a count made here from the
 * tickets' audit trails on a desk this test drives, the facts read incrementally equal to the
 * whole trail read again, role and team scope, bad input. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dw-clock.h"
#include "dw-test-server.h"
#include "dw-test-stream.h"

static DwTestServer *server;

/* @value as an SQL literal for dw_test_server_exec (both dialects): NULL, or quoted. */
static char *
sql_text (const char *value)
{
  g_autoptr(GString) quoted = NULL;

  if (value == NULL)
    return g_strdup ("NULL");
  quoted = g_string_new (value);
  g_string_replace (quoted, "'", "''", 0);
  return g_strdup_printf ("'%s'", quoted->str);
}

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

  /* the facts read as the trail grew equal the whole trail read again: every figure, online
   * time, occupancy and utilization included, over a window that ended already (from today's
   * start to a moment past) so that time going on between the two reads changes nothing */
  {
    g_autoptr(DwTestResponse) lead = NULL;
    g_autofree char *to_text = NULL;
    g_autofree char *fixed = NULL;

    g_usleep (1100 * 1000);
    to_text = dw_time_to_iso8601 (dw_test_server_now (server));
    fixed = g_strdup_printf ("%s&from=%s&to=%s&series=daily", path,
                             json_object_get_string_member (dw_test_response_object (got), "from"),
                             to_text);
    request ("GET", fixed, server->lead_token, NULL, 200, &lead);
    g_assert_true (json_object_has_member (dw_test_response_object (lead), "team_median"));
    incremental = json_to_string (lead->json, FALSE);
    dw_test_server_stop (server);
    dw_test_server_exec (server, "DELETE FROM agent_facts; DELETE FROM agent_fact_tickets; "
                                 "DELETE FROM agent_capacity; "
                                 "DELETE FROM settings WHERE key = 'agent_facts_audit_id'");
    dw_test_server_start (server, NULL);
    request ("GET", fixed, server->lead_token, NULL, 200, &again);
    {
      g_autofree char *rebuilt = json_to_string (again->json, FALSE);

      g_assert_cmpstr (rebuilt, ==, incremental);
    }
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
  sql = g_strdup_printf ("UPDATE tickets SET sla_state = 'at-risk' WHERE id = %" G_GINT64_FORMAT, a);
  dw_test_server_exec (server, sql);
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


/* The last audit row of @field on user @user_id in the stopped service's database: its actor. */
static gint64
user_audit_actor (DwTestServer *desk,
                  gint64        user_id,
                  const char   *field)
{
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce (actor_id, 0) FROM audit WHERE entity = "
                                          "'user' AND entity_id = %" G_GINT64_FORMAT " AND field = "
                                          "'%s' ORDER BY id DESC LIMIT 1", user_id, field);

  return dw_test_server_query_int (desk, sql);
}

static gint64
desk_ticket (DwTestServer *desk,
             const char   *subject)
{
  g_autoptr(DwTestResponse) r = dw_test_server_jsonf (desk, "POST", desk->admin_token,
                                                      "/api/v1/tickets",
                                                      "{\"subject\": \"%s\", \"channel\": \"web\", "
                                                      "\"business_type\": \"logistics\"}", subject);

  dw_test_assert_status (r, 201);
  return json_object_get_int_member (dw_test_response_object (r), "id");
}

static gint64
desk_assignee (DwTestServer *desk,
               gint64        ticket_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, ticket_id);
  g_autoptr(DwTestResponse) r = dw_test_server_json (desk, "GET", path, desk->admin_token, NULL);

  dw_test_assert_status (r, 200);
  return json_object_get_int_member_with_default (dw_test_response_object (r), "assignee_id", 0);
}

/* A lead sets an agent away and online: the desk's own presence change, audited as the lead's,
 * on the stream, and routing minds it. */
static void
test_lead_sets_presence (void)
{
  g_autoptr(DwTestServer) desk = dw_test_server_new_with_desk ();
  g_autofree char *path = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/presence",
                                           desk->agent_id);
  g_autofree char *own = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence",
                                          desk->agent_id);
  g_autofree char *other = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/presence",
                                            desk->agent2_id);
  g_autofree char *user_path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, desk->agent_id);
  g_autoptr(DwTestStream) stream = NULL;
  g_autoptr(DwTestResponse) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL, r6 = NULL,
                            r7 = NULL, r8 = NULL, r9 = NULL, r10 = NULL, r11 = NULL;
  g_autofree char *user_text = NULL, *answer_text = NULL;
  JsonObject *user;
  guint at;
  gint64 waiting;

  r1 = dw_test_server_json (desk, "PUT", own, desk->agent_token, "{\"presence\": \"online\"}");
  dw_test_assert_status (r1, 200);
  stream = dw_test_stream_open (desk, desk->lead_token, -1);

  /* not the agent itself, nor another team's agent, nor another team's lead */
  r2 = dw_test_server_json (desk, "PUT", path, desk->agent_token, "{\"presence\": \"away\"}");
  dw_test_assert_problem (r2, 403, "forbidden");
  r3 = dw_test_server_json (desk, "PUT", path, desk->agent2_token, "{\"presence\": \"away\"}");
  dw_test_assert_problem (r3, 403, "forbidden");
  r4 = dw_test_server_json (desk, "PUT", other, desk->lead_token, "{\"presence\": \"away\"}");
  dw_test_assert_problem (r4, 403, "forbidden");
  r5 = dw_test_server_json (desk, "PUT", path, desk->lead_token, "{\"presence\": \"busy\"}");
  dw_test_assert_problem (r5, 400, "validation");
  r6 = dw_test_server_json (desk, "PUT", path, desk->lead_token,
                            "{\"presence\": \"away\", \"x\": 1}");
  dw_test_assert_problem (r6, 400, "validation");
  r7 = dw_test_server_json (desk, "PUT", "/api/v1/agents/9999/presence", desk->admin_token,
                            "{\"presence\": \"away\"}");
  dw_test_assert_problem (r7, 404, "not-found");

  r8 = dw_test_server_json (desk, "PUT", path, desk->lead_token, "{\"presence\": \"away\"}");
  dw_test_assert_status (r8, 200);
  user = dw_test_response_object (r8);
  g_assert_cmpstr (json_object_get_string_member (user, "presence"), ==, "away");
  /* the same shape as GET /users/{id} */
  r9 = dw_test_server_json (desk, "GET", user_path, desk->admin_token, NULL);
  dw_test_assert_status (r9, 200);
  user_text = json_to_string (r9->json, FALSE);
  answer_text = json_to_string (r8->json, FALSE);
  g_assert_cmpstr (answer_text, ==, user_text);
  at = dw_test_stream_wait (stream, 0, "event", "user.updated", desk->agent_id);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     g_ptr_array_index (stream->messages, at), "data"), "presence"), ==, "away");

  /* away: routing passes it by; online again: the waiting ticket is its */
  waiting = desk_ticket (desk, "还没发货");
  g_assert_cmpint (desk_assignee (desk, waiting), ==, 0);
  r10 = dw_test_server_json (desk, "PUT", path, desk->lead_token, "{\"presence\": \"online\"}");
  dw_test_assert_status (r10, 200);
  g_assert_cmpint (desk_assignee (desk, waiting), ==, desk->agent_id);
  at = dw_test_stream_wait (stream, at + 1, "event", "user.updated", desk->agent_id);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     g_ptr_array_index (stream->messages, at), "data"), "presence"), ==, "online");
  dw_test_stream_wait (stream, 0, "event", "ticket.updated", waiting);

  /* offline too, and an admin may */
  r11 = dw_test_server_json (desk, "PUT", path, desk->admin_token, "{\"presence\": \"offline\"}");
  dw_test_assert_status (r11, 200);
  g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (r11), "presence"), ==,
                   "offline");

  dw_test_server_stop (desk);
  g_assert_cmpint (user_audit_actor (desk, desk->agent_id, "presence"), ==, desk->admin_id);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM audit WHERE entity = 'user' AND "
                                            "entity_id = %" G_GINT64_FORMAT " AND field = 'presence' "
                                            "AND actor_id = %" G_GINT64_FORMAT, desk->agent_id,
                                            desk->lead_id);

    g_assert_cmpint (dw_test_server_query_int (desk, sql), ==, 2);   /* away, online */
  }
}

static JsonArray *
team_ids (JsonObject *user)
{
  return json_object_get_array_member (user, "teams");
}

/* A lead of both teams moves an agent: its new and open tickets of the team it left go back to
 * that team's queue (and on to its agents), pending ones stay; its own stream resyncs. */
static void
test_move_agent (void)
{
  g_autoptr(DwTestServer) desk = dw_test_server_new_with_desk ();
  g_autofree char *move = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/move",
                                           desk->agent_id);
  g_autofree char *own = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence",
                                          desk->agent_id);
  g_autofree char *body = g_strdup_printf ("{\"from_team_id\": %" G_GINT64_FORMAT ", \"to_team_id\": %"
                                           G_GINT64_FORMAT "}", desk->team_id, desk->other_team_id);
  g_autofree char *lead_both = g_strdup_printf ("{\"teams\": [{\"id\": %" G_GINT64_FORMAT ", "
                                                "\"is_lead\": true}, {\"id\": %" G_GINT64_FORMAT
                                                ", \"is_lead\": true}]}", desk->team_id,
                                                desk->other_team_id);
  g_autofree char *lead_path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, desk->lead_id);
  g_autofree char *ticket_path = NULL;
  g_autofree char *pend = NULL;
  g_autoptr(DwTestStream) lead_stream = NULL;
  g_autoptr(DwTestStream) agent_stream = NULL;
  g_autoptr(DwTestResponse) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL, r6 = NULL,
                            r7 = NULL, r8 = NULL, r9 = NULL, r10 = NULL, r11 = NULL, r12 = NULL,
                            r13 = NULL, r14 = NULL, r15 = NULL, r16 = NULL;
  g_autofree char *third_token = NULL, *third_path = NULL, *third_presence = NULL;
  g_autofree char *third_move = NULL, *lead_move = NULL;
  JsonObject *result, *user;
  JsonArray *released;
  gint64 open_id, pending_id, third;

  /* the agent online with two tickets, one of them waiting on its customer */
  r1 = dw_test_server_json (desk, "PUT", own, desk->agent_token, "{\"presence\": \"online\"}");
  dw_test_assert_status (r1, 200);
  open_id = desk_ticket (desk, "快递丢了");
  pending_id = desk_ticket (desk, "发票抬头");
  g_assert_cmpint (desk_assignee (desk, open_id), ==, desk->agent_id);
  g_assert_cmpint (desk_assignee (desk, pending_id), ==, desk->agent_id);
  ticket_path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, pending_id);
  r2 = dw_test_server_json (desk, "GET", ticket_path, desk->agent_token, NULL);
  dw_test_assert_status (r2, 200);
  pend = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"status\": \"pending\"}",
                          json_object_get_int_member (dw_test_response_object (r2), "version"));
  r3 = dw_test_server_json (desk, "PATCH", ticket_path, desk->agent_token, pend);
  dw_test_assert_status (r3, 200);

  /* another agent of the team, online, to take what the moved one leaves */
  r4 = dw_test_server_jsonf (desk, "POST", desk->admin_token, "/api/v1/users",
                             "{\"username\": \"agent3\", \"display_name\": \"王芳\", \"role\": "
                             "\"agent\", \"password\": \"" DW_TEST_PASSWORD "\", \"teams\": "
                             "[{\"id\": %" G_GINT64_FORMAT "}]}", desk->team_id);
  dw_test_assert_status (r4, 201);
  third = json_object_get_int_member (dw_test_response_object (r4), "id");
  third_token = dw_test_server_sign_in (desk, "agent3", DW_TEST_PASSWORD);
  third_path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, third);
  third_presence = g_strdup_printf ("%s/presence", third_path);
  r5 = dw_test_server_json (desk, "PUT", third_presence, third_token, "{\"presence\": \"online\"}");
  dw_test_assert_status (r5, 200);

  /* a lead of one of the two teams may not; nor an agent */
  r6 = dw_test_server_json (desk, "POST", move, desk->lead_token, body);
  dw_test_assert_problem (r6, 403, "forbidden");
  r7 = dw_test_server_json (desk, "POST", move, desk->agent_token, body);
  dw_test_assert_problem (r7, 403, "forbidden");
  g_assert_cmpint (desk_assignee (desk, open_id), ==, desk->agent_id);

  r8 = dw_test_server_json (desk, "PATCH", lead_path, desk->admin_token, lead_both);
  dw_test_assert_status (r8, 200);

  /* bad input */
  {
    const char *bad[] = {
      "{}", "{\"from_team_id\": 1}", "{\"from_team_id\": \"1\", \"to_team_id\": 2}",
      "{\"from_team_id\": 1, \"to_team_id\": 1}", "{\"from_team_id\": 1, \"to_team_id\": 2, "
      "\"x\": 1}", "{\"from_team_id\": 1, \"to_team_id\": 999}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(DwTestResponse) r = dw_test_server_json (desk, "POST", move, desk->lead_token,
                                                           bad[i]);

        g_test_message ("%s", bad[i]);
        dw_test_assert_problem (r, 400, "validation");
      }
  }
  r16 = dw_test_server_json (desk, "POST", move, desk->lead_token, "[1, 2]");
  dw_test_assert_problem (r16, 400, "malformed");
  r9 = dw_test_server_json (desk, "POST", "/api/v1/agents/9999/move", desk->admin_token, body);
  dw_test_assert_problem (r9, 404, "not-found");

  lead_stream = dw_test_stream_open (desk, desk->lead_token, -1);
  agent_stream = dw_test_stream_open (desk, desk->agent_token, -1);

  r10 = dw_test_server_json (desk, "POST", move, desk->lead_token, body);
  dw_test_assert_status (r10, 200);
  result = dw_test_response_object (r10);
  user = json_object_get_object_member (result, "user");
  g_assert_cmpint (json_object_get_int_member (user, "id"), ==, desk->agent_id);
  g_assert_cmpuint (json_array_get_length (team_ids (user)), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (team_ids (user), 0),
                                               "id"), ==, desk->other_team_id);
  released = json_object_get_array_member (result, "released");
  g_assert_cmpuint (json_array_get_length (released), ==, 1);
  g_assert_cmpint (json_array_get_int_element (released, 0), ==, open_id);

  /* routing gave the open ticket to the team's other agent; the pending one stayed */
  g_assert_cmpint (desk_assignee (desk, open_id), ==, third);
  g_assert_cmpint (desk_assignee (desk, pending_id), ==, desk->agent_id);

  /* the lead hears of it; the moved agent's stream reloads under its new scope */
  dw_test_stream_wait (lead_stream, 0, "event", "user.updated", desk->agent_id);
  dw_test_stream_wait (lead_stream, 0, "event", "ticket.updated", open_id);
  dw_test_spin_until (dw_test_stream_closed, agent_stream, "the moved agent's stream closes");
  g_assert_cmpint (agent_stream->close_code, ==, 4000);

  /* once only: no longer in the team it left */
  r11 = dw_test_server_json (desk, "POST", move, desk->lead_token, body);
  dw_test_assert_problem (r11, 409, "conflict");
  /* already in the team it would join */
  r12 = dw_test_server_jsonf (desk, "PATCH", desk->admin_token, third_path,
                              "{\"teams\": [{\"id\": %" G_GINT64_FORMAT "}, {\"id\": %"
                              G_GINT64_FORMAT "}]}", desk->team_id, desk->other_team_id);
  dw_test_assert_status (r12, 200);
  third_move = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/move", third);
  r13 = dw_test_server_json (desk, "POST", third_move, desk->lead_token, body);
  dw_test_assert_problem (r13, 409, "conflict");
  /* a lead is an admin's to move */
  lead_move = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/move", desk->lead_id);
  r14 = dw_test_server_json (desk, "POST", lead_move, desk->admin_token, body);
  dw_test_assert_problem (r14, 403, "forbidden");
  /* an admin moves it back */
  r15 = dw_test_server_jsonf (desk, "POST", desk->admin_token, move,
                              "{\"from_team_id\": %" G_GINT64_FORMAT ", \"to_team_id\": %"
                              G_GINT64_FORMAT "}", desk->other_team_id, desk->team_id);
  dw_test_assert_status (r15, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      dw_test_response_object (r15), "released")), ==, 0);

  /* role scope with two agents in the team: each agent its own line, the lead and an admin
   * every agent with the team's medians */
  {
    g_autofree char *metrics = g_strdup_printf ("/api/v1/agents/metrics?team_id=%" G_GINT64_FORMAT,
                                                desk->team_id);
    g_autoptr(DwTestResponse) own_line = dw_test_server_json (desk, "GET", metrics,
                                                              desk->agent_token, NULL);
    g_autoptr(DwTestResponse) third_line = dw_test_server_json (desk, "GET", metrics, third_token,
                                                                NULL);
    g_autoptr(DwTestResponse) by_lead = dw_test_server_json (desk, "GET", metrics,
                                                             desk->lead_token, NULL);
    g_autoptr(DwTestResponse) by_admin = dw_test_server_json (desk, "GET", metrics,
                                                              desk->admin_token, NULL);

    dw_test_assert_status (own_line, 200);
    dw_test_assert_status (third_line, 200);
    dw_test_assert_status (by_lead, 200);
    dw_test_assert_status (by_admin, 200);
    g_assert_cmpint (json_object_get_int_member (only_agent (dw_test_response_object (own_line)),
                                                 "user_id"), ==, desk->agent_id);
    g_assert_cmpint (json_object_get_int_member (only_agent (dw_test_response_object (third_line)),
                                                 "user_id"), ==, third);
    g_assert_false (json_object_has_member (dw_test_response_object (own_line), "team_median"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        dw_test_response_object (by_lead), "agents")), ==, 2);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        dw_test_response_object (by_admin), "agents")), ==, 2);
    g_assert_true (json_object_has_member (dw_test_response_object (by_admin), "team_median"));

    /* the medians are over the agents that worked in the period: two more agents, never online
     * and given nothing, are left out (with them, the nearest rank of 0, 0, m, n would be 0) */
    {
      g_autoptr(DwTestResponse) fourth = NULL, with_fourth = NULL;
      JsonArray *lines;
      JsonObject *medians;
      JsonObject *worker = NULL;
      guint idle = 0;

      for (guint i = 4; i <= 5; i++)
        {
          g_clear_pointer (&fourth, dw_test_response_free);
          fourth = dw_test_server_jsonf (desk, "POST", desk->admin_token, "/api/v1/users",
                                         "{\"username\": \"agent%u\", \"display_name\": "
                                         "\"赵敏%u\", \"role\": \"agent\", \"password\": \""
                                         DW_TEST_PASSWORD "\", \"teams\": [{\"id\": %"
                                         G_GINT64_FORMAT "}]}", i, i, desk->team_id);
          dw_test_assert_status (fourth, 201);
        }
      with_fourth = dw_test_server_json (desk, "GET", metrics, desk->admin_token, NULL);
      dw_test_assert_status (with_fourth, 200);
      lines = json_object_get_array_member (dw_test_response_object (with_fourth), "agents");
      medians = json_object_get_object_member (dw_test_response_object (with_fourth),
                                               "team_median");
      g_assert_cmpuint (json_array_get_length (lines), ==, 4);

      for (guint i = 0; i < json_array_get_length (lines); i++)
        {
          JsonObject *line = json_array_get_object_element (lines, i);

          if (json_object_get_int_member (line, "online_seconds") == 0
              && json_object_get_int_member (line, "assigned") == 0
              && json_object_get_int_member (line, "solved") == 0)
            idle++;
          else
            worker = line;
        }
      g_assert_cmpuint (idle, ==, 2);
      g_assert_nonnull (worker);
      /* two that worked: nearest rank of two values is the lower one */
      {
        gint64 lowest_assigned = G_MAXINT64;

        for (guint i = 0; i < json_array_get_length (lines); i++)
          {
            JsonObject *line = json_array_get_object_element (lines, i);

            if (json_object_get_int_member (line, "online_seconds") == 0
                && json_object_get_int_member (line, "assigned") == 0
                && json_object_get_int_member (line, "solved") == 0)
              continue;
            lowest_assigned = MIN (lowest_assigned, json_object_get_int_member (line, "assigned"));
          }
        g_assert_cmpint (lowest_assigned, >, 0);
        g_assert_cmpint (json_object_get_int_member (medians, "assigned"), ==, lowest_assigned);
      }
    }
  }

  dw_test_server_stop (desk);
  g_assert_cmpint (user_audit_actor (desk, desk->agent_id, "teams"), ==, desk->admin_id);
  {
    g_autofree char *teams = g_strdup_printf ("SELECT count (*) FROM audit WHERE entity = 'user' "
                                              "AND entity_id = %" G_GINT64_FORMAT " AND field = "
                                              "'teams' AND actor_id = %" G_GINT64_FORMAT,
                                              desk->agent_id, desk->lead_id);
    g_autofree char *unassigned = g_strdup_printf ("SELECT actor_id FROM audit WHERE entity = "
                                                   "'ticket' AND entity_id = %" G_GINT64_FORMAT
                                                   " AND field = 'assignee_id' AND coalesce "
                                                   "(after, 'null') = 'null'", open_id);

    g_assert_cmpint (dw_test_server_query_int (desk, teams), ==, 1);
    g_assert_cmpint (dw_test_server_query_int (desk, unassigned), ==, desk->lead_id);
  }
}


static gint64
presence_since (DwTestResponse *r)
{
  gint64 t = 0;

  dw_test_assert_status (r, 200);
  g_assert_true (dw_time_from_iso8601 (json_object_get_string_member (dw_test_response_object (r),
                                                                      "presence_since"), &t));
  return t;
}

/* The length of [@a0, @a1) within [@b0, @b1). */
static gint64
overlap (gint64 a0,
         gint64 a1,
         gint64 b0,
         gint64 b1)
{
  return MAX (0, MIN (a1, b1) - MAX (a0, b0));
}

/* The bounds of the day @date ("YYYY-MM-DD") in Asia/Shanghai, the desk's calendar. */
static void
local_day (const char *date,
           gint64     *from,
           gint64     *to)
{
  g_autoptr(GTimeZone) shanghai = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr(GDateTime) midnight = NULL;
  g_autoptr(GDateTime) next = NULL;
  int y, m, d;

  g_assert_nonnull (date);
  g_assert_cmpint (sscanf (date, "%4d-%2d-%2d", &y, &m, &d), ==, 3);
  midnight = g_date_time_new (shanghai, y, m, d, 0, 0, 0);
  g_assert_nonnull (midnight);
  next = g_date_time_add_days (midnight, 1);
  *from = g_date_time_to_unix (midnight);
  *to = g_date_time_to_unix (next);
}

/* Adherence: the share of the agent's published, scheduled time (less breaks) spent online,
 * against a sum made here from the shift the test rosters and the presence it sets. */
static void
test_adherence (void)
{
  g_autoptr(DwTestServer) desk = dw_test_server_new_with_desk ();
  g_autofree char *own = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence",
                                          desk->agent_id);
  g_autofree char *publish = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT "/roster/publish",
                                              desk->team_id);
  g_autoptr(DwTestResponse) created = NULL, published = NULL, draft = NULL, r1 = NULL, r2 = NULL,
                            r3 = NULL, got = NULL, other = NULL;
  g_autofree char *start = NULL, *end = NULL, *break_start = NULL, *break_end = NULL;
  g_autofree char *shift = NULL, *week = NULL, *from_text = NULL, *to_text = NULL, *path = NULL;
  g_autofree char *other_path = NULL;
  gint64 t0 = dw_test_server_now (desk), t1, t2, t3, tq, scheduled, adherent;
  gint64 sum_scheduled = 0;
  double expected;
  JsonObject *result, *me;
  JsonArray *daily;

  /* a shift from a minute ago for an hour, with a break of 20 s before the agent comes online */
  start = dw_time_to_iso8601 (t0 - 60);
  end = dw_time_to_iso8601 (t0 + 3600);
  break_start = dw_time_to_iso8601 (t0 - 40);
  break_end = dw_time_to_iso8601 (t0 - 20);
  shift = g_strdup_printf ("{\"team_id\": %" G_GINT64_FORMAT ", \"user_id\": %" G_GINT64_FORMAT
                           ", \"starts_at\": \"%s\", \"ends_at\": \"%s\", \"breaks\": [{\"starts_at\": "
                           "\"%s\", \"ends_at\": \"%s\"}]}", desk->team_id, desk->agent_id, start,
                           end, break_start, break_end);
  created = dw_test_server_json (desk, "POST", "/api/v1/shifts", desk->lead_token, shift);
  dw_test_assert_status (created, 201);

  /* online, away a moment, online again */
  r1 = dw_test_server_json (desk, "PUT", own, desk->agent_token, "{\"presence\": \"online\"}");
  t1 = presence_since (r1);
  g_usleep (1100 * 1000);
  r2 = dw_test_server_json (desk, "PUT", own, desk->agent_token, "{\"presence\": \"away\"}");
  t2 = presence_since (r2);
  g_usleep (1100 * 1000);
  r3 = dw_test_server_json (desk, "PUT", own, desk->agent_token, "{\"presence\": \"online\"}");
  t3 = presence_since (r3);
  g_usleep (1100 * 1000);
  tq = dw_test_server_now (desk);
  g_assert_cmpint (t2, >, t1);
  g_assert_cmpint (t3, >, t2);
  g_assert_cmpint (tq, >, t3);

  /* a window ending now (tq), so the figures hold still while the test reads them */
  from_text = dw_time_to_iso8601 (t0 - 120);
  to_text = dw_time_to_iso8601 (tq);
  path = g_strdup_printf ("/api/v1/agents/metrics?team_id=%" G_GINT64_FORMAT "&from=%s&to=%s"
                          "&series=daily", desk->team_id, from_text, to_text);

  /* a draft roster schedules no one */
  draft = dw_test_server_json (desk, "GET", path, desk->lead_token, NULL);
  dw_test_assert_status (draft, 200);
  g_assert_true (json_object_get_null_member (only_agent (dw_test_response_object (draft)),
                                              "adherence"));

  week = g_strdup_printf ("{\"week\": \"%s\"}",
                          json_object_get_string_member (dw_test_response_object (created), "week"));
  published = dw_test_server_json (desk, "POST", publish, desk->lead_token, week);
  dw_test_assert_status (published, 200);

  scheduled = (tq - (t0 - 60)) - 20;
  adherent = (t2 - t1) + (tq - t3);
  expected = round (1000.0 * adherent / scheduled) / 1000;
  g_assert_cmpfloat (expected, >, 0);

  got = dw_test_server_json (desk, "GET", path, desk->lead_token, NULL);
  dw_test_assert_status (got, 200);
  result = dw_test_response_object (got);
  me = only_agent (result);
  g_assert_cmpfloat (json_object_get_double_member (me, "adherence"), ==, expected);
  /* the team's only agent: the median is its own */
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (result,
                                                                                   "team_median"),
                                                    "adherence"), ==, expected);
  /* Day by day (the team's calendar is Asia/Shanghai): one day, or two when the window crossed
   * a local midnight (16:00 UTC), each day's share summed here over the part of the window in it,
   * so the check is as strong at any time of day. */
  daily = json_object_get_array_member (me, "daily");
  g_test_message ("adherence day by day: %u local days", json_array_get_length (daily));
  g_assert_cmpuint (json_array_get_length (daily), >=, 1);
  g_assert_cmpuint (json_array_get_length (daily), <=, 2);
  /* the days' scheduled time, worked out here, adds up to the window's (it was compared only
   * when the window lay in one day, not when it crossed 16:00 UTC) */
  for (guint i = 0; i < json_array_get_length (daily); i++)
    {
      JsonObject *point = json_array_get_object_element (daily, i);
      gint64 day_from, day_to, day_scheduled, day_adherent;

      local_day (json_object_get_string_member (point, "date"), &day_from, &day_to);
      day_from = MAX (day_from, t0 - 120);
      day_to = MIN (day_to, tq);
      day_scheduled = overlap (t0 - 60, tq, day_from, day_to)
                      - overlap (t0 - 40, t0 - 20, day_from, day_to);
      day_adherent = overlap (t1, t2, day_from, day_to) + overlap (t3, tq, day_from, day_to);
      sum_scheduled += day_scheduled;
      if (day_scheduled == 0)
        g_assert_true (json_object_get_null_member (point, "adherence"));
      else
        g_assert_cmpfloat (json_object_get_double_member (point, "adherence"), ==,
                           round (1000.0 * day_adherent / day_scheduled) / 1000);
    }
  g_assert_cmpint (sum_scheduled, ==, scheduled);

  /* no roster, no adherence */
  other_path = g_strdup_printf ("/api/v1/agents/metrics?team_id=%" G_GINT64_FORMAT,
                                desk->other_team_id);
  other = dw_test_server_json (desk, "GET", other_path, desk->admin_token, NULL);
  dw_test_assert_status (other, 200);
  g_assert_true (json_object_get_null_member (only_agent (dw_test_response_object (other)),
                                              "adherence"));
}


/* Online time, occupancy and utilization of @user_id over [@from, @to), counted here from the
 * audit trail alone (the stopped service's database): its presence and capacity rows, and the
 * assignee and status rows of every ticket.  The capacity before its first change is that
 * change's before, or (never changed) @capacity_now. */
typedef struct
{
  gint64 online, occupied, load, capacity;
} TimeCount;

static void
count_time_from_trail (DwTestServer *desk,
                       gint64        user_id,
                       gint64        from,
                       gint64        to,
                       gint64        capacity_now,
                       TimeCount    *out)
{
  g_autoptr(GHashTable) assignee = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GHashTable) active = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) trail = NULL;
  g_autofree char *sql = NULL;
  gboolean online = FALSE;
  gint64 capacity = capacity_now, since = from, load = 0;

  memset (out, 0, sizeof *out);
  /* the capacity it started with */
  sql = g_strdup_printf ("SELECT before FROM audit WHERE entity = 'user' AND entity_id = %"
                         G_GINT64_FORMAT " AND field = 'capacity' ORDER BY id LIMIT 1", user_id);
  first = dw_test_server_query_rows (desk, sql);
  if (first->len > 0)
    {
      const char *before = ((char **) first->pdata[0])[0];

      /* as CAST (before AS INTEGER) read it: NULL is 0 */
      capacity = before != NULL ? g_ascii_strtoll (before, NULL, 10) : 0;
    }

  g_free (sql);
  sql = g_strdup_printf ("SELECT at, entity, entity_id, action, coalesce (field, ''), after FROM "
                         "audit WHERE (entity = 'user' AND entity_id = %" G_GINT64_FORMAT " AND "
                         "field IN ('presence', 'capacity')) OR (entity = 'ticket' AND (action = "
                         "'created' OR field IN ('assignee_id', 'status'))) ORDER BY id", user_id);
  trail = dw_test_server_query_rows (desk, sql);
  for (guint i = 0; ; i++)
    {
      gboolean row = i < trail->len;
      char **columns = row ? trail->pdata[i] : NULL;
      gint64 at = row ? MIN (g_ascii_strtoll (columns[0], NULL, 10), to) : to;
      const char *entity, *action, *field, *after;
      gint64 id;

      if (online && at > since)
        {
          out->online += at - since;
          out->occupied += load > 0 ? at - since : 0;
          out->load += load * (at - since);
          out->capacity += capacity * (at - since);
        }
      since = MAX (since, at);
      if (!row)
        break;

      entity = columns[1];
      id = g_ascii_strtoll (columns[2], NULL, 10);
      action = columns[3];
      field = columns[4];
      after = columns[5];
      if (g_str_equal (entity, "user") && g_str_equal (field, "presence"))
        online = g_strcmp0 (after, "\"online\"") == 0;
      else if (g_str_equal (entity, "user"))
        capacity = g_ascii_strtoll (after, NULL, 10);
      else
        {
          gint64 *who = g_hash_table_lookup (assignee, &id);
          gboolean was = who != NULL && *who == user_id
                         && GPOINTER_TO_INT (g_hash_table_lookup (active, &id));
          gboolean is;

          if (g_str_equal (action, "created"))
            g_hash_table_insert (active, g_memdup2 (&id, sizeof id), GINT_TO_POINTER (TRUE));
          else if (g_str_equal (field, "assignee_id"))
            {
              gint64 value = after != NULL && g_ascii_isdigit (*after) ? g_ascii_strtoll (after, NULL, 10) : 0;

              g_hash_table_insert (assignee, g_memdup2 (&id, sizeof id),
                                   g_memdup2 (&value, sizeof value));
            }
          else
            g_hash_table_insert (active, g_memdup2 (&id, sizeof id),
                                 GINT_TO_POINTER (g_strcmp0 (after, "\"new\"") == 0
                                                  || g_strcmp0 (after, "\"open\"") == 0
                                                  || g_strcmp0 (after, "\"pending\"") == 0
                                                  || g_strcmp0 (after, "\"on-hold\"") == 0));
          who = g_hash_table_lookup (assignee, &id);
          is = who != NULL && *who == user_id && GPOINTER_TO_INT (g_hash_table_lookup (active, &id));
          load += (is ? 1 : 0) - (was ? 1 : 0);
        }
    }
}

/* Utilization weighs the load at each moment against the capacity the agent had then: a lead
 * raises and then lowers the capacity while the agent works two tickets. */
static void
test_utilization_over_capacity_changes (void)
{
  g_autoptr(DwTestServer) desk = dw_test_server_new_with_desk ();
  g_autofree char *own = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence",
                                          desk->agent_id);
  g_autofree char *capacity = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/capacity",
                                               desk->agent_id);
  g_autoptr(DwTestResponse) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL, got = NULL,
                            again = NULL;
  g_autofree char *from_text = NULL, *to_text = NULL, *path = NULL, *solve_path = NULL;
  g_autofree char *incremental = NULL, *rebuilt = NULL;
  gint64 t0 = dw_test_server_now (desk), tq, a, b;
  TimeCount c;
  JsonObject *me;

  r1 = dw_test_server_json (desk, "PUT", own, desk->agent_token, "{\"presence\": \"online\"}");
  dw_test_assert_status (r1, 200);
  a = desk_ticket (desk, "改地址");
  g_assert_cmpint (desk_assignee (desk, a), ==, desk->agent_id);
  g_usleep (1100 * 1000);
  r2 = dw_test_server_json (desk, "PUT", capacity, desk->lead_token, "{\"capacity\": 4}");
  dw_test_assert_status (r2, 200);
  b = desk_ticket (desk, "换货");
  g_assert_cmpint (desk_assignee (desk, b), ==, desk->agent_id);
  g_usleep (1100 * 1000);
  solve_path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, a);
  r3 = dw_test_server_json (desk, "GET", solve_path, desk->agent_token, NULL);
  dw_test_assert_status (r3, 200);
  r4 = dw_test_server_jsonf (desk, "PATCH", desk->agent_token, solve_path,
                             "{\"version\": %" G_GINT64_FORMAT ", \"status\": \"solved\"}",
                             json_object_get_int_member (dw_test_response_object (r3), "version"));
  dw_test_assert_status (r4, 200);
  g_usleep (1100 * 1000);
  r5 = dw_test_server_json (desk, "PUT", capacity, desk->lead_token, "{\"capacity\": 1}");
  dw_test_assert_status (r5, 200);
  g_usleep (1100 * 1000);
  tq = dw_test_server_now (desk);

  /* a window that ended already: the figures hold still */
  from_text = dw_time_to_iso8601 (t0 - 60);
  to_text = dw_time_to_iso8601 (tq);
  path = g_strdup_printf ("/api/v1/agents/metrics?team_id=%" G_GINT64_FORMAT "&from=%s&to=%s"
                          "&series=daily", desk->team_id, from_text, to_text);
  got = dw_test_server_json (desk, "GET", path, desk->lead_token, NULL);
  dw_test_assert_status (got, 200);
  incremental = json_to_string (got->json, FALSE);
  me = only_agent (dw_test_response_object (got));

  dw_test_server_stop (desk);
  count_time_from_trail (desk, desk->agent_id, t0 - 60, tq, 1, &c);
  g_assert_cmpint (c.online, >=, 4);
  g_assert_cmpint (json_object_get_int_member (me, "online_seconds"), ==, c.online);
  g_assert_cmpfloat (json_object_get_double_member (me, "occupancy"), ==,
                     round (1000.0 * c.occupied / c.online) / 1000);
  g_assert_cmpfloat (json_object_get_double_member (me, "utilization"), ==,
                     round (1000.0 * c.load / c.capacity) / 1000);
  /* and not what the capacity it has now (1) would make of it */
  g_assert_cmpfloat (round (1000.0 * c.load / c.capacity) / 1000, !=,
                     round (1000.0 * c.load / c.online) / 1000);

  /* the whole trail read again gives the same figures, capacity changes and all */
  dw_test_server_exec (desk, "DELETE FROM agent_facts; DELETE FROM agent_fact_tickets; "
                             "DELETE FROM agent_capacity; DELETE FROM settings WHERE key "
                             "= 'agent_facts_audit_id'");
  dw_test_server_start (desk, NULL);
  again = dw_test_server_json (desk, "GET", path, desk->lead_token, NULL);
  dw_test_assert_status (again, 200);
  rebuilt = json_to_string (again->json, FALSE);
  g_assert_cmpstr (rebuilt, ==, incremental);

  /* a desk of schema 7, whose reader went past these capacity changes before there was a table
   * for them: migration 008 takes them from the trail (each backend keeps its schema version
   * its own way: SQLite's user_version, PostgreSQL's schema_version table) */
  dw_test_server_stop (desk);
  dw_test_server_exec (desk, dw_test_backend_is_postgresql ()
                             ? "DROP TABLE agent_capacity; DELETE FROM schema_version WHERE version >= 8"
                             : "DROP TABLE agent_capacity; PRAGMA user_version = 7");
  dw_test_server_start (desk, NULL);
  {
    g_autoptr(DwTestResponse) migrated = dw_test_server_json (desk, "GET", path, desk->lead_token,
                                                              NULL);
    g_autofree char *text = NULL;

    dw_test_assert_status (migrated, 200);
    text = json_to_string (migrated->json, FALSE);
    g_assert_cmpstr (text, ==, incremental);
  }
}


/* SLA per target and business time, on a desk whose clock runs 600 times fast (a real second is
 * ten minutes) and whose calendar closes for half an hour shortly after the tickets are made:
 * targets are met and breached for real, and a ticket's first response and resolution span the
 * closed half hour.  Each figure against a count made here from GET /tickets/{id}/audit, with
 * business time worked out here as calendar time less the closed half hour. */

static void
wait_until_state (DwTestServer *desk,
                  gint64        id,
                  const char   *target,
                  const char   *state)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  gint64 deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(DwTestResponse) r = dw_test_server_json (desk, "GET", path, desk->admin_token, NULL);
      JsonArray *sla;

      dw_test_assert_status (r, 200);
      sla = json_object_get_array_member (dw_test_response_object (r), "sla");
      for (guint i = 0; i < json_array_get_length (sla); i++)
        {
          JsonObject *entry = json_array_get_object_element (sla, i);

          if (g_str_equal (json_object_get_string_member (entry, "target"), target)
              && g_str_equal (json_object_get_string_member (entry, "state"), state))
            return;
        }
      if (g_get_monotonic_time () > deadline)
        g_error ("ticket %" G_GINT64_FORMAT ": %s never became %s", id, target, state);
      g_usleep (50 * 1000);
    }
}

static void
desk_comment (DwTestServer *desk,
              gint64        id,
              const char   *token,
              gboolean      customer)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/comments", id);
  g_autoptr(DwTestResponse) r = dw_test_server_json (desk, "POST", path, token,
                                                     customer ? "{\"body\": \"还没到\", \"public\": "
                                                                "true, \"author_kind\": \"customer\"}"
                                                              : "{\"body\": \"在查\", \"public\": true}");

  dw_test_assert_status (r, 201);
}

static void
desk_status (DwTestServer *desk,
             gint64        id,
             const char   *status)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autoptr(DwTestResponse) got = dw_test_server_json (desk, "GET", path, desk->admin_token, NULL);
  g_autoptr(DwTestResponse) r = NULL;

  dw_test_assert_status (got, 200);
  r = dw_test_server_jsonf (desk, "PATCH", desk->agent_token, path,
                            "{\"version\": %" G_GINT64_FORMAT ", \"status\": \"%s\"}",
                            json_object_get_int_member (dw_test_response_object (got), "version"),
                            status);
  dw_test_assert_status (r, 200);
}

static gint64
fast_ticket (DwTestServer *desk)
{
  g_autoptr(DwTestResponse) r = dw_test_server_jsonf (desk, "POST", desk->admin_token,
                                                      "/api/v1/tickets",
                                                      "{\"subject\": \"SLA\", \"channel\": \"web\", "
                                                      "\"team_id\": %" G_GINT64_FORMAT ", "
                                                      "\"assignee_id\": %" G_GINT64_FORMAT "}",
                                                      desk->team_id, desk->agent_id);

  dw_test_assert_status (r, 201);
  g_assert_cmpint (json_object_get_int_member (dw_test_response_object (r), "sla_policy_id"), >, 0);
  return json_object_get_int_member (dw_test_response_object (r), "id");
}

static gint64
closed_between (gint64 a,
                gint64 b,
                gint64 gap_start,
                gint64 gap_end)
{
  return MAX (0, MIN (b, gap_end) - MAX (a, gap_start));
}

static const char * const sla_targets[] = { "first-response", "next-response", "resolution" };

typedef struct
{
  GArray *frt, *frt_business, *res, *res_business;
  guint   met[3], breached[3];
  GPtrArray *met_ids[3], *breached_ids[3];
} SlaCount;

static void
count_sla_trail (DwTestServer *desk,
                 gint64        id,
                 gint64        gap_start,
                 gint64        gap_end,
                 SlaCount     *c)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/audit?limit=500", id);
  g_autoptr(DwTestResponse) r = dw_test_server_json (desk, "GET", path, desk->admin_token, NULL);
  JsonArray *rows;
  gint64 created = 0;

  dw_test_assert_status (r, 200);
  rows = dw_test_response_items (r);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *action = json_object_get_string_member (row, "action");
      const char *field = json_object_get_string_member_with_default (row, "field", "");
      JsonNode *after = json_object_get_member (row, "after");
      const char *value = after != NULL && JSON_NODE_HOLDS_VALUE (after)
                          && json_node_get_value_type (after) == G_TYPE_STRING
                          ? json_node_get_string (after) : "";
      gint64 at = at_of (row);

      if (g_str_equal (action, "created"))
        created = at;
      else if (g_strcmp0 (field, "first_response_at") == 0 && !JSON_NODE_HOLDS_NULL (after))
        {
          gint64 cal = at - created, biz = cal - closed_between (created, at, gap_start, gap_end);

          g_array_append_val (c->frt, cal);
          g_array_append_val (c->frt_business, biz);
        }
      else if (g_strcmp0 (field, "status") == 0 && g_str_equal (value, "solved"))
        {
          gint64 cal = at - created, biz = cal - closed_between (created, at, gap_start, gap_end);

          g_array_append_val (c->res, cal);
          g_array_append_val (c->res_business, biz);
        }
      else if (g_str_equal (action, "sla"))
        for (guint t = 0; t < G_N_ELEMENTS (sla_targets); t++)
          if (g_strcmp0 (field, sla_targets[t]) == 0)
            {
              gint64 *copy = g_memdup2 (&id, sizeof id);

              if (g_str_equal (value, "met"))
                {
                  c->met[t]++;
                  g_ptr_array_add (c->met_ids[t], copy);
                }
              else if (g_str_equal (value, "breached"))
                {
                  c->breached[t]++;
                  g_ptr_array_add (c->breached_ids[t], copy);
                }
              else
                g_free (copy);
            }
    }
}

/* The ids of the drill-down @figure (and @target) of the agent, sorted, as a string. */
static char *
drill_ids (DwTestServer *desk,
           const char   *token,
           const char   *window,
           const char   *figure,
           const char   *target)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/tickets?team_id=%"
                                           G_GINT64_FORMAT "&%s&figure=%s%s%s", desk->agent_id,
                                           desk->team_id, window, figure,
                                           target != NULL ? "&target=" : "",
                                           target != NULL ? target : "");
  g_autoptr(DwTestResponse) r = dw_test_server_json (desk, "GET", path, token, NULL);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GString) text = g_string_new (NULL);
  JsonArray *items;

  dw_test_assert_status (r, 200);
  items = dw_test_response_items (r);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      gint64 id = json_object_get_int_member (json_array_get_object_element (items, i), "id");

      g_array_append_val (ids, id);
    }
  g_array_sort (ids, compare);
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (text, "%" G_GINT64_FORMAT " ", g_array_index (ids, gint64, i));
  return g_strdup (text->str);
}

static char *
ids_text (GPtrArray *list)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < list->len; i++)
    {
      gint64 id = *(gint64 *) g_ptr_array_index (list, i);
      gboolean seen = FALSE;

      for (guint k = 0; k < ids->len; k++)
        seen = seen || g_array_index (ids, gint64, k) == id;
      if (!seen)
        g_array_append_val (ids, id);
    }
  g_array_sort (ids, compare);
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (text, "%" G_GINT64_FORMAT " ", g_array_index (ids, gint64, i));
  return g_strdup (text->str);
}

static void
test_sla_and_business_time (void)
{
  g_autoptr(DwTestServer) desk = dw_test_server_new_with_desk ();
  const char * const speed[] = { "--speed", "600", NULL };
  g_autofree char *week = NULL, *sql = NULL, *window = NULL, *path = NULL, *from_text = NULL;
  g_autofree char *to_text = NULL, *lead2_token = NULL;
  g_autoptr(DwTestResponse) got = NULL, lead2 = NULL;
  gint64 t0, gap_start, gap_end, t1, t2, t3, ids[3];
  SlaCount c = { 0 };
  JsonObject *me, *sla, *frt, *res;
  gint64 calendar_id;

  dw_test_server_stop (desk);
  dw_test_server_exec (desk, "INSERT INTO sla_policies (name, position, first_response_minutes, "
                             "next_response_minutes, resolution_minutes, at_risk_ratio) VALUES "
                             "('Fast', 0, 10, 10, 60, 0.5)");
  dw_test_server_start (desk, speed);

  /* the team's calendar closes 20 minutes from now for half an hour, every day (UTC) */
  t0 = dw_test_server_now (desk);
  week = dw_test_week_with_daily_gap (t0, 20, 30, &gap_start);
  gap_end = gap_start + 30 * 60;
  sql = g_strdup_printf ("INSERT INTO calendars (name, timezone, week) VALUES ('Gap', 'UTC', '%s') "
                         "RETURNING id", week);
  calendar_id = dw_test_server_query_int (desk, sql);
  g_free (sql);
  sql = g_strdup_printf ("UPDATE teams SET calendar_id = %" G_GINT64_FORMAT " WHERE id = %"
                         G_GINT64_FORMAT, calendar_id, desk->team_id);
  dw_test_server_exec (desk, sql);

  /* t1: answered and solved at once (met, met) */
  t1 = fast_ticket (desk);
  desk_comment (desk, t1, desk->agent_token, FALSE);
  desk_status (desk, t1, "solved");
  /* t2: first response breached; the customer writes again and is answered in time */
  t2 = fast_ticket (desk);
  /* t3: waits over the closed half hour for its answer */
  t3 = fast_ticket (desk);
  wait_until_state (desk, t2, "first-response", "breached");
  desk_comment (desk, t2, desk->agent_token, FALSE);
  desk_comment (desk, t2, desk->admin_token, TRUE);
  desk_comment (desk, t2, desk->agent_token, FALSE);
  while (dw_test_server_now (desk) < gap_end + 60)
    g_usleep (100 * 1000);
  desk_comment (desk, t3, desk->agent_token, FALSE);
  desk_status (desk, t3, "solved");
  desk_status (desk, t2, "solved");
  /* solved: nothing changes any more, the figures cannot race the SLA engine */

  ids[0] = t1, ids[1] = t2, ids[2] = t3;
  c.frt = g_array_new (FALSE, FALSE, sizeof (gint64));
  c.frt_business = g_array_new (FALSE, FALSE, sizeof (gint64));
  c.res = g_array_new (FALSE, FALSE, sizeof (gint64));
  c.res_business = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint t = 0; t < 3; t++)
    {
      c.met_ids[t] = g_ptr_array_new_with_free_func (g_free);
      c.breached_ids[t] = g_ptr_array_new_with_free_func (g_free);
    }
  for (guint i = 0; i < 3; i++)
    count_sla_trail (desk, ids[i], gap_start, gap_end, &c);
  /* not a test that passes on zeros */
  g_assert_cmpuint (c.met[0], >=, 1);
  g_assert_cmpuint (c.breached[0], >=, 1);
  g_assert_cmpuint (c.met[1] + c.breached[1], >=, 1);
  g_assert_cmpuint (c.met[2] + c.breached[2], >=, 2);
  g_assert_cmpint (nearest_rank (c.frt, 0.9) - nearest_rank (c.frt_business, 0.9), ==, 30 * 60);

  from_text = dw_time_to_iso8601 (t0 - 3600);
  to_text = dw_time_to_iso8601 (dw_test_server_now (desk) + 3600);
  window = g_strdup_printf ("from=%s&to=%s", from_text, to_text);
  path = g_strdup_printf ("/api/v1/agents/metrics?team_id=%" G_GINT64_FORMAT "&%s", desk->team_id,
                          window);
  got = dw_test_server_json (desk, "GET", path, desk->lead_token, NULL);
  dw_test_assert_status (got, 200);
  me = only_agent (dw_test_response_object (got));

  sla = json_object_get_object_member (me, "sla");
  for (guint t = 0; t < G_N_ELEMENTS (sla_targets); t++)
    {
      JsonObject *target = json_object_get_object_member (sla, sla_targets[t]);
      g_autofree char *met_ids = ids_text (c.met_ids[t]);
      g_autofree char *breached_ids = ids_text (c.breached_ids[t]);
      g_autofree char *drill_met = drill_ids (desk, desk->lead_token, window, "sla-met", sla_targets[t]);
      g_autofree char *drill_breached = drill_ids (desk, desk->agent_token, window, "sla-breached",
                                                   sla_targets[t]);

      g_test_message ("%s: met %u, breached %u", sla_targets[t], c.met[t], c.breached[t]);
      g_assert_cmpint (json_object_get_int_member (target, "met"), ==, c.met[t]);
      g_assert_cmpint (json_object_get_int_member (target, "breached"), ==, c.breached[t]);
      if (c.met[t] + c.breached[t] > 0)
        g_assert_cmpfloat (json_object_get_double_member (target, "share"), ==,
                           round (1000.0 * c.met[t] / (c.met[t] + c.breached[t])) / 1000);
      else
        g_assert_true (json_object_get_null_member (target, "share"));
      /* behind each count, exactly the tickets whose trail has it */
      g_assert_cmpstr (drill_met, ==, met_ids);
      g_assert_cmpstr (drill_breached, ==, breached_ids);
    }

  frt = json_object_get_object_member (me, "first_response");
  g_assert_cmpint (json_object_get_int_member (frt, "count"), ==, c.frt->len);
  g_assert_cmpint (json_object_get_int_member (frt, "median_seconds"), ==, nearest_rank (c.frt, 0.5));
  g_assert_cmpint (json_object_get_int_member (frt, "p90_seconds"), ==, nearest_rank (c.frt, 0.9));
  g_assert_cmpint (json_object_get_int_member (frt, "median_business_seconds"), ==,
                   nearest_rank (c.frt_business, 0.5));
  g_assert_cmpint (json_object_get_int_member (frt, "p90_business_seconds"), ==,
                   nearest_rank (c.frt_business, 0.9));
  res = json_object_get_object_member (me, "resolution");
  g_assert_cmpint (json_object_get_int_member (res, "count"), ==, c.res->len);
  g_assert_cmpint (json_object_get_int_member (res, "median_seconds"), ==, nearest_rank (c.res, 0.5));
  g_assert_cmpint (json_object_get_int_member (res, "p90_seconds"), ==, nearest_rank (c.res, 0.9));
  g_assert_cmpint (json_object_get_int_member (res, "median_business_seconds"), ==,
                   nearest_rank (c.res_business, 0.5));
  g_assert_cmpint (json_object_get_int_member (res, "p90_business_seconds"), ==,
                   nearest_rank (c.res_business, 0.9));
  g_assert_cmpfloat (json_object_get_double_member (me, "one_touch_share"), ==,
                     round (1000.0 * json_object_get_int_member (me, "one_touch")
                            / json_object_get_int_member (me, "solved")) / 1000);

  /* drill-down scope: the agent itself and its lead, not another team's agent nor its lead */
  {
    g_autofree char *first = drill_ids (desk, desk->agent_token, window, "first-response", NULL);
    g_autofree char *assigned = drill_ids (desk, desk->admin_token, window, "assigned", NULL);
    g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %"
                                                 G_GINT64_FORMAT " ", t1, t2, t3);
    g_autofree char *drill = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/tickets?team_id=%"
                                              G_GINT64_FORMAT "&%s&figure=solved", desk->agent_id,
                                              desk->team_id, window);
    g_autoptr(DwTestResponse) by_agent2 = dw_test_server_json (desk, "GET", drill,
                                                               desk->agent2_token, NULL);
    g_autoptr(DwTestResponse) by_lead2 = NULL;
    g_autoptr(DwTestResponse) lead2_metrics = NULL;

    g_assert_cmpstr (first, ==, expected);
    g_assert_cmpstr (assigned, ==, expected);
    dw_test_assert_problem (by_agent2, 403, "forbidden");

    lead2 = dw_test_server_jsonf (desk, "POST", desk->admin_token, "/api/v1/users",
                                  "{\"username\": \"lead2\", \"display_name\": \"赵强\", \"role\": "
                                  "\"lead\", \"password\": \"" DW_TEST_PASSWORD "\", \"teams\": "
                                  "[{\"id\": %" G_GINT64_FORMAT ", \"is_lead\": true}]}",
                                  desk->other_team_id);
    dw_test_assert_status (lead2, 201);
    lead2_token = dw_test_server_sign_in (desk, "lead2", DW_TEST_PASSWORD);
    by_lead2 = dw_test_server_json (desk, "GET", drill, lead2_token, NULL);
    dw_test_assert_problem (by_lead2, 403, "forbidden");
    lead2_metrics = dw_test_server_json (desk, "GET", path, lead2_token, NULL);
    dw_test_assert_problem (lead2_metrics, 403, "forbidden");
  }

  g_array_unref (c.frt);
  g_array_unref (c.frt_business);
  g_array_unref (c.res);
  g_array_unref (c.res_business);
  for (guint t = 0; t < 3; t++)
    {
      g_ptr_array_unref (c.met_ids[t]);
      g_ptr_array_unref (c.breached_ids[t]);
    }
}


/* Live status: presence, capacity and load changes of an agent in two teams reach the streams of
 * the leads of both teams as user.updated. */
typedef struct
{
  DwTestStream *stream;
  guint         from;
  gint64        user_id;
  const char   *member;
  const char   *text;   /* the member's value as JSON text */
  guint         found;
} UserEvent;

static gboolean
user_event_arrived (gpointer data)
{
  UserEvent *w = data;

  for (guint i = w->from; i < w->stream->messages->len; i++)
    {
      JsonObject *m = g_ptr_array_index (w->stream->messages, i);
      JsonObject *user;
      g_autoptr(JsonGenerator) gen = NULL;
      g_autofree char *text = NULL;

      if (g_strcmp0 (dw_test_message_type (m), "event") != 0
          || g_strcmp0 (json_object_get_string_member (m, "event"), "user.updated") != 0)
        continue;
      user = json_object_get_object_member (m, "data");
      if (json_object_get_int_member (user, "id") != w->user_id
          || !json_object_has_member (user, w->member))
        continue;
      gen = json_generator_new ();
      json_generator_set_root (gen, json_object_get_member (user, w->member));
      text = json_generator_to_data (gen, NULL);
      if (g_str_equal (text, w->text))
        {
          w->found = i;
          return TRUE;
        }
    }
  g_assert_false (w->stream->closed);
  return FALSE;
}

static guint
wait_user_event (DwTestStream *stream,
                 guint         from,
                 gint64        user_id,
                 const char   *member,
                 const char   *text)
{
  UserEvent w = { stream, from, user_id, member, text, 0 };
  g_autofree char *what = g_strdup_printf ("user.updated with %s %s", member, text);

  dw_test_spin_until (user_event_arrived, &w, what);
  return w.found;
}

static void
test_live_status_events (void)
{
  g_autoptr(DwTestServer) desk = dw_test_server_new_with_desk ();
  g_autofree char *user_path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, desk->agent_id);
  g_autofree char *own = g_strdup_printf ("%s/presence", user_path);
  g_autofree char *capacity = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/capacity",
                                               desk->agent_id);
  g_autofree char *lead2_token = NULL, *ticket_path = NULL;
  g_autoptr(DwTestStream) lead = NULL;
  g_autoptr(DwTestStream) lead2 = NULL;
  g_autoptr(DwTestResponse) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL, r6 = NULL;
  DwTestStream *streams[2];
  guint at[2] = { 0, 0 };
  gint64 ticket;

  /* the agent in both teams; a lead of the second */
  r1 = dw_test_server_jsonf (desk, "PATCH", desk->admin_token, user_path,
                             "{\"teams\": [{\"id\": %" G_GINT64_FORMAT "}, {\"id\": %" G_GINT64_FORMAT
                             "}]}", desk->team_id, desk->other_team_id);
  dw_test_assert_status (r1, 200);
  r2 = dw_test_server_jsonf (desk, "POST", desk->admin_token, "/api/v1/users",
                             "{\"username\": \"lead2\", \"display_name\": \"赵强\", \"role\": "
                             "\"lead\", \"password\": \"" DW_TEST_PASSWORD "\", \"teams\": "
                             "[{\"id\": %" G_GINT64_FORMAT ", \"is_lead\": true}]}",
                             desk->other_team_id);
  dw_test_assert_status (r2, 201);
  lead2_token = dw_test_server_sign_in (desk, "lead2", DW_TEST_PASSWORD);
  lead = dw_test_stream_open (desk, desk->lead_token, -1);
  lead2 = dw_test_stream_open (desk, lead2_token, -1);
  streams[0] = lead;
  streams[1] = lead2;

  /* presence */
  r3 = dw_test_server_json (desk, "PUT", own, desk->agent_token, "{\"presence\": \"online\"}");
  dw_test_assert_status (r3, 200);
  for (guint i = 0; i < 2; i++)
    at[i] = wait_user_event (streams[i], at[i], desk->agent_id, "presence", "\"online\"");

  /* capacity */
  r4 = dw_test_server_json (desk, "PUT", capacity, desk->lead_token, "{\"capacity\": 3}");
  dw_test_assert_status (r4, 200);
  for (guint i = 0; i < 2; i++)
    at[i] = wait_user_event (streams[i], at[i], desk->agent_id, "capacity", "3");

  /* load: a ticket routed to it, then solved */
  ticket = desk_ticket (desk, "到了吗");
  g_assert_cmpint (desk_assignee (desk, ticket), ==, desk->agent_id);
  for (guint i = 0; i < 2; i++)
    at[i] = wait_user_event (streams[i], at[i], desk->agent_id, "open_tickets", "1");
  ticket_path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, ticket);
  r5 = dw_test_server_json (desk, "GET", ticket_path, desk->agent_token, NULL);
  dw_test_assert_status (r5, 200);
  r6 = dw_test_server_jsonf (desk, "PATCH", desk->agent_token, ticket_path,
                             "{\"version\": %" G_GINT64_FORMAT ", \"status\": \"solved\"}",
                             json_object_get_int_member (dw_test_response_object (r5), "version"));
  dw_test_assert_status (r6, 200);
  for (guint i = 0; i < 2; i++)
    wait_user_event (streams[i], at[i], desk->agent_id, "open_tickets", "0");
}

/* A fixed history written into the stopped service's database, the figures worked out by hand:
 * a ticket from Friday 17:00 answered on Tuesday 09:30 after a weekend and a holiday Monday
 * (one hour and a half of business time), one-touch; another answered at once, solved, reopened
 * by its customer and solved again.  The desk's calendar: Monday to Friday 09:00–18:00,
 * Asia/Shanghai, with Monday 23 November 2026 a holiday. */
static void
test_fixed_history (void)
{
  g_autoptr(DwTestServer) desk = dw_test_server_new_with_desk ();
  g_autofree char *path = g_strdup_printf ("/api/v1/agents/metrics?team_id=%" G_GINT64_FORMAT
                                           "&from=2026-11-20T00:00:00Z&to=2026-11-25T00:00:00Z",
                                           desk->team_id);
  g_autofree char *agent = g_strdup_printf ("%" G_GINT64_FORMAT, desk->agent_id);
  g_autoptr(DwTestResponse) r = NULL;
  /* times in UTC: 17:00 China time is 09:00Z */
  const gint64 fri17 = 1795165200, tue0930 = 1795483800, tue10 = 1795485600;
  const gint64 tue11 = 1795489200, tue1110 = 1795489800, tue1120 = 1795490400,
               tue12 = 1795492800, tue13 = 1795496400, tue14 = 1795500000;
  const struct { gint64 at; gint64 actor; int ticket; const char *action, *field, *before, *after; } rows[] = {
    { fri17, 0, 1, "created", NULL, NULL, NULL },
    { fri17, 0, 1, "routed", "team_id", NULL, "@TEAM" },
    { fri17, 0, 1, "assigned", "assignee_id", "null", "@AGENT" },
    { tue0930, 1, 1, "updated", "first_response_at", "null", "\"2026-11-24T01:30:00Z\"" },
    { tue10, 1, 1, "updated", "status", "\"open\"", "\"solved\"" },
    { tue11, 0, 2, "created", NULL, NULL, NULL },
    { tue11, 0, 2, "routed", "team_id", NULL, "@TEAM" },
    { tue11, 0, 2, "assigned", "assignee_id", "null", "@AGENT" },
    { tue1110, 1, 2, "updated", "first_response_at", "null", "\"2026-11-24T03:10:00Z\"" },
    { tue12, 1, 2, "updated", "status", "\"open\"", "\"solved\"" },
    { tue13, 0, 2, "updated", "status", "\"solved\"", "\"open\"" },
    { tue14, 1, 2, "updated", "status", "\"open\"", "\"solved\"" },
  };
  const struct { int ticket; gint64 at; } replies[] = {
    { 1, tue0930 }, { 2, tue1110 }, { 2, tue1120 },
  };
  gint64 ids[3] = { 0 };
  JsonObject *me, *frt, *res;

  /* written while the service is stopped: it reads them as a history it finds at start */
  dw_test_server_stop (desk);
  dw_test_server_exec (desk, "UPDATE calendars SET holidays = '[\"2026-11-23\"]'");
  for (int t = 1; t <= 2; t++)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO tickets (subject, channel, status, team_id, "
                                              "assignee_id, created_at, updated_at) VALUES "
                                              "('t', 'web', 'solved', %" G_GINT64_FORMAT ", %"
                                              G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %"
                                              G_GINT64_FORMAT ") RETURNING id", desk->team_id, desk->agent_id,
                                              t == 1 ? fri17 : tue11, tue14);

      ids[t] = dw_test_server_query_int (desk, sql);
    }
  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO comments (ticket_id, author_kind, author_id, "
                                              "public, body, created_at) VALUES (%" G_GINT64_FORMAT
                                              ", 'agent', %" G_GINT64_FORMAT ", 1, '好的', %"
                                              G_GINT64_FORMAT ")", ids[replies[i].ticket],
                                              desk->agent_id, replies[i].at);

      dw_test_server_exec (desk, sql);
    }
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *team = g_strdup_printf ("%" G_GINT64_FORMAT, desk->team_id);
      const char *after = rows[i].after == NULL ? NULL
                          : g_str_equal (rows[i].after, "@TEAM") ? team
                          : g_str_equal (rows[i].after, "@AGENT") ? agent : rows[i].after;
      g_autofree char *actor = rows[i].actor ? g_strdup_printf ("%" G_GINT64_FORMAT, desk->agent_id)
                                             : g_strdup ("NULL");
      g_autofree char *action = sql_text (rows[i].action), *field = sql_text (rows[i].field);
      g_autofree char *before = sql_text (rows[i].before), *after_text = sql_text (after);
      g_autofree char *sql = g_strdup_printf ("INSERT INTO audit (at, actor_id, entity, entity_id, "
                                              "action, field, before, after) VALUES (%"
                                              G_GINT64_FORMAT ", %s, 'ticket', %" G_GINT64_FORMAT
                                              ", %s, %s, %s, %s)", rows[i].at, actor,
                                              ids[rows[i].ticket], action, field, before,
                                              after_text);

      dw_test_server_exec (desk, sql);
    }
  /* online Tuesday 09:00–15:00 China time */
  {
    g_autofree char *sql = g_strdup_printf ("INSERT INTO presence_log (user_id, presence, at) VALUES "
                                            "(%1$" G_GINT64_FORMAT ", 'online', %2$" G_GINT64_FORMAT
                                            "), (%1$" G_GINT64_FORMAT ", 'offline', %3$"
                                            G_GINT64_FORMAT ")", desk->agent_id, tue0930 - 1800,
                                            tue0930 - 1800 + 6 * 3600);

    dw_test_server_exec (desk, sql);
  }
  dw_test_server_start (desk, NULL);

  r = dw_test_server_json (desk, "GET", path, desk->lead_token, NULL);
  dw_test_assert_status (r, 200);
  me = json_array_get_object_element (json_object_get_array_member (dw_test_response_object (r),
                                                                    "agents"), 0);
  g_assert_cmpint (json_object_get_int_member (me, "assigned"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (me, "solved"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (me, "reopened"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (me, "one_touch"), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (me, "replies_per_solved"), ==, 1.67);

  /* first responses: 600 s, and Friday 17:00 → Tuesday 09:30, which is an hour of Friday and
   * half an hour of Tuesday in business time (the weekend and the holiday Monday closed) */
  frt = json_object_get_object_member (me, "first_response");
  g_assert_cmpint (json_object_get_int_member (frt, "median_seconds"), ==, 600);
  g_assert_cmpint (json_object_get_int_member (frt, "p90_seconds"), ==, tue0930 - fri17);
  g_assert_cmpint (json_object_get_int_member (frt, "median_business_seconds"), ==, 600);
  g_assert_cmpint (json_object_get_int_member (frt, "p90_business_seconds"), ==, 5400);

  /* resolutions: 7200 business seconds (ticket 1), 3600 and 10800 (ticket 2, twice) */
  res = json_object_get_object_member (me, "resolution");
  g_assert_cmpint (json_object_get_int_member (res, "count"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (res, "median_business_seconds"), ==, 7200);
  g_assert_cmpint (json_object_get_int_member (res, "p90_business_seconds"), ==, 10800);
  g_assert_cmpint (json_object_get_int_member (res, "p90_seconds"), ==, tue10 - fri17);

  /* six hours online; a ticket active and its for three of them (09–10, 11–12, 13–14), at a
   * capacity of two */
  g_assert_cmpint (json_object_get_int_member (me, "online_seconds"), ==, 6 * 3600);
  g_assert_cmpfloat (json_object_get_double_member (me, "occupancy"), ==, 0.5);
  g_assert_cmpfloat (json_object_get_double_member (me, "utilization"), ==, 0.25);

  /* day by day in China time: everything happened on Tuesday the 24th */
  {
    g_autofree char *daily_path = g_strdup_printf ("%s&series=daily", path);
    g_autoptr(DwTestResponse) d = dw_test_server_json (desk, "GET", daily_path, desk->lead_token, NULL);
    g_autoptr(DwTestResponse) bad = NULL;
    JsonArray *daily;
    gint64 solved = 0;
    JsonObject *tuesday = NULL;

    dw_test_assert_status (d, 200);
    daily = json_object_get_array_member (json_array_get_object_element (
                json_object_get_array_member (dw_test_response_object (d), "agents"), 0), "daily");
    for (guint i = 0; i < json_array_get_length (daily); i++)
      {
        JsonObject *point = json_array_get_object_element (daily, i);

        solved += json_object_get_int_member (point, "solved");
        if (g_str_equal (json_object_get_string_member (point, "date"), "2026-11-24"))
          tuesday = point;
      }
    g_assert_cmpint (solved, ==, 3);

    /* the days of the window add up to the window's figures: each fact in exactly one
     * day, the assignments on two of them (Friday and Tuesday) */
    {
      JsonObject *figures = json_array_get_object_element (
        json_object_get_array_member (dw_test_response_object (d), "agents"), 0);
      static const char * const counts[] = { "assigned", "solved", "reopened" };
      guint days_assigned = 0;

      /* 2026-11-20T00:00Z to 11-25T00:00Z is 08:00 on the 20th to 08:00 on the 25th there */
      g_assert_cmpuint (json_array_get_length (daily), ==, 6);
      for (guint k = 0; k < G_N_ELEMENTS (counts); k++)
        {
          gint64 sum = 0;

          for (guint i = 0; i < json_array_get_length (daily); i++)
            sum += json_object_get_int_member (json_array_get_object_element (daily, i),
                                               counts[k]);
          g_assert_cmpint (sum, ==, json_object_get_int_member (figures, counts[k]));
        }
      for (guint i = 0; i < json_array_get_length (daily); i++)
        days_assigned += json_object_get_int_member (json_array_get_object_element (daily, i),
                                                     "assigned") > 0;
      g_assert_cmpint (json_object_get_int_member (figures, "assigned"), ==, 2);
      g_assert_cmpuint (days_assigned, ==, 2);
    }
    g_assert_nonnull (tuesday);
    g_assert_cmpint (json_object_get_int_member (tuesday, "solved"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (tuesday, "reopened"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (tuesday, "first_response_median_seconds"), ==, 600);

    bad = dw_test_server_json (desk, "GET", "/api/v1/agents/metrics?team_id=1&series=hourly",
                               desk->lead_token, NULL);
    dw_test_assert_problem (bad, 400, "validation");
  }

  /* A window from an afternoon: Monday 14:00 to Wednesday 00:00 China time is two days, Monday's
   * afternoon and the whole Tuesday (the next bound was taken 36 hours after the window's start,
   * not after its day's midnight: past noon that skipped a day, and Tuesday's figures were
   * Monday's). */
  {
    g_autofree char *afternoon = g_strdup_printf ("/api/v1/agents/metrics?team_id=%" G_GINT64_FORMAT
                                                  "&from=2026-11-23T06:00:00Z"
                                                  "&to=2026-11-24T16:00:00Z&series=daily",
                                                  desk->team_id);
    g_autoptr(DwTestResponse) d = dw_test_server_json (desk, "GET", afternoon, desk->lead_token,
                                                       NULL);
    JsonArray *daily;
    JsonObject *monday, *tuesday;

    dw_test_assert_status (d, 200);
    daily = json_object_get_array_member (json_array_get_object_element (
                json_object_get_array_member (dw_test_response_object (d), "agents"), 0), "daily");
    g_assert_cmpuint (json_array_get_length (daily), ==, 2);
    monday = json_array_get_object_element (daily, 0);
    tuesday = json_array_get_object_element (daily, 1);
    g_assert_cmpstr (json_object_get_string_member (monday, "date"), ==, "2026-11-23");
    g_assert_cmpstr (json_object_get_string_member (tuesday, "date"), ==, "2026-11-24");
    g_assert_cmpint (json_object_get_int_member (monday, "solved"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (tuesday, "solved"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (tuesday, "reopened"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (tuesday, "first_response_median_seconds"), ==,
                     600);
  }
}


/* Overlapping tickets, worked out by hand on a fixed history: online Tuesday 09:00–15:00 China
 * time; ticket 1 the agent's and active 10:00–12:00, ticket 2 11:00–13:00; the lead raises its
 * capacity from 2 to 4 at 12:00.  Occupancy counts the hour both were open once: 10:00–13:00 of
 * six hours, 0.5.  Utilization: load 1, 2, 1 over those hours (4 ticket-hours) against a capacity
 * of 2 for three hours and 4 for three (18 capacity-hours): 0.222 (not 0.167, as the capacity it
 * has now would make it, nor 0.333, as the one it had first). */
static void
test_fixed_overlap (void)
{
  g_autoptr(DwTestServer) desk = dw_test_server_new_with_desk ();
  g_autofree char *path = g_strdup_printf ("/api/v1/agents/metrics?team_id=%" G_GINT64_FORMAT
                                           "&from=2026-11-23T16:00:00Z&to=2026-11-24T16:00:00Z",
                                           desk->team_id);
  g_autofree char *agent = g_strdup_printf ("%" G_GINT64_FORMAT, desk->agent_id);
  g_autofree char *team = g_strdup_printf ("%" G_GINT64_FORMAT, desk->team_id);
  g_autoptr(DwTestResponse) r = NULL;
  const gint64 h = 3600, tue09 = 1795482000;
  const struct { gint64 at; int ticket; const char *action, *field, *before, *after; } rows[] = {
    { tue09 + 1 * h, 1, "created", NULL, NULL, NULL },
    { tue09 + 1 * h, 1, "routed", "team_id", NULL, "@TEAM" },
    { tue09 + 1 * h, 1, "assigned", "assignee_id", "null", "@AGENT" },
    { tue09 + 2 * h, 2, "created", NULL, NULL, NULL },
    { tue09 + 2 * h, 2, "routed", "team_id", NULL, "@TEAM" },
    { tue09 + 2 * h, 2, "assigned", "assignee_id", "null", "@AGENT" },
    { tue09 + 3 * h, 1, "updated", "status", "\"open\"", "\"solved\"" },
    { tue09 + 3 * h, 0, "updated", "capacity", "2", "4" },
    { tue09 + 4 * h, 2, "updated", "status", "\"open\"", "\"solved\"" },
  };
  gint64 ids[3] = { 0 };
  JsonObject *me;

  /* written while the service is stopped: it reads them as a history it finds at start */
  dw_test_server_stop (desk);
  for (int t = 1; t <= 2; t++)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO tickets (subject, channel, status, team_id, "
                                              "assignee_id, created_at, updated_at) VALUES "
                                              "('t', 'web', 'solved', %" G_GINT64_FORMAT ", %"
                                              G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %"
                                              G_GINT64_FORMAT ") RETURNING id", desk->team_id, desk->agent_id,
                                              tue09 + t * h, tue09 + (t + 2) * h);

      ids[t] = dw_test_server_query_int (desk, sql);
    }
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      const char *after = g_strcmp0 (rows[i].after, "@AGENT") == 0 ? agent
                          : g_strcmp0 (rows[i].after, "@TEAM") == 0 ? team : rows[i].after;
      g_autofree char *action = sql_text (rows[i].action), *field = sql_text (rows[i].field);
      g_autofree char *before = sql_text (rows[i].before), *after_text = sql_text (after);
      g_autofree char *sql = g_strdup_printf ("INSERT INTO audit (at, entity, entity_id, action, "
                                              "field, before, after) VALUES (%" G_GINT64_FORMAT
                                              ", '%s', %" G_GINT64_FORMAT ", %s, %s, %s, %s)",
                                              rows[i].at, rows[i].ticket > 0 ? "ticket" : "user",
                                              rows[i].ticket > 0 ? ids[rows[i].ticket]
                                                                 : desk->agent_id,
                                              action, field, before, after_text);

      dw_test_server_exec (desk, sql);
    }
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE users SET capacity = 4 WHERE id = %1$" G_GINT64_FORMAT
                                            "; INSERT INTO presence_log (user_id, presence, at) VALUES "
                                            "(%1$" G_GINT64_FORMAT ", 'online', %2$" G_GINT64_FORMAT
                                            "), (%1$" G_GINT64_FORMAT ", 'offline', %3$"
                                            G_GINT64_FORMAT ")", desk->agent_id, tue09, tue09 + 6 * h);

    dw_test_server_exec (desk, sql);
  }
  dw_test_server_start (desk, NULL);

  r = dw_test_server_json (desk, "GET", path, desk->lead_token, NULL);
  dw_test_assert_status (r, 200);
  me = only_agent (dw_test_response_object (r));
  g_assert_cmpint (json_object_get_int_member (me, "online_seconds"), ==, 6 * h);
  g_assert_cmpfloat (json_object_get_double_member (me, "occupancy"), ==, 0.5);
  g_assert_cmpfloat (json_object_get_double_member (me, "utilization"), ==, 0.222);
  g_assert_cmpint (json_object_get_int_member (me, "solved"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (me, "assigned"), ==, 2);
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
  g_test_add_func ("/api/agents/fixed-history", test_fixed_history);
  g_test_add_func ("/api/agents/fixed-overlap", test_fixed_overlap);
  g_test_add_func ("/api/agents/lead-sets-presence", test_lead_sets_presence);
  g_test_add_func ("/api/agents/move", test_move_agent);
  g_test_add_func ("/api/agents/adherence", test_adherence);
  g_test_add_func ("/api/agents/utilization", test_utilization_over_capacity_changes);
  g_test_add_func ("/api/agents/sla-and-business-time", test_sla_and_business_time);
  g_test_add_func ("/api/agents/live-status-events", test_live_status_events);

  ret = g_test_run ();
  dw_test_server_free (server);
  return ret;
}
