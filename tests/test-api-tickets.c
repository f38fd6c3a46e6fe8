/* API tests: tickets — intake and routing, updates with versions, comments, audit, lists, and
 * the role rules on each. */
#include "config.h"


#include "dw-test-server.h"

static JsonObject *
take_object (DwTestResponse *r,
             guint           status)
{
  dw_test_assert_status (r, status);
  return json_object_ref (dw_test_response_object (r));
}

static JsonObject *
create_ticket (DwTestServer *s,
               const char   *token,
               const char   *json)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (s, "POST", "/api/v1/tickets", token, json);

  return take_object (r, 201);
}

static JsonObject *
get_ticket (DwTestServer *s,
            const char   *token,
            gint64        id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autoptr(DwTestResponse) r = dw_test_server_json (s, "GET", path, token, NULL);

  return take_object (r, 200);
}

static DwTestResponse *
patch_ticket (DwTestServer *s,
              const char   *token,
              gint64        id,
              const char   *json)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);

  return dw_test_server_json (s, "PATCH", path, token, json);
}

static void
set_presence (DwTestServer *s,
              const char   *token,
              gint64        user_id,
              const char   *presence)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence", user_id);
  g_autofree char *body = g_strdup_printf ("{\"presence\": \"%s\"}", presence);
  g_autoptr(DwTestResponse) r = dw_test_server_json (s, "PUT", path, token, body);

  dw_test_assert_status (r, 200);
}

static gint64
id_of (JsonObject *o)
{
  return json_object_get_int_member (o, "id");
}

static gint64
int_or_zero (JsonObject *o,
             const char *member)
{
  JsonNode *node = json_object_get_member (o, member);

  return node == NULL || JSON_NODE_HOLDS_NULL (node) ? 0 : json_node_get_int (node);
}

static JsonArray *
get_items (DwTestServer    *s,
           const char      *token,
           const char      *path,
           DwTestResponse **keep)
{
  *keep = dw_test_server_json (s, "GET", path, token, NULL);
  dw_test_assert_status (*keep, 200);
  return dw_test_response_items (*keep);
}

static gboolean
audit_has (DwTestServer *s,
           gint64        ticket_id,
           const char   *action,
           const char   *reason_part)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/audit", ticket_id);
  g_autoptr(DwTestResponse) r = NULL;
  JsonArray *items = get_items (s, s->admin_token, path, &r);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *a = json_array_get_object_element (items, i);
      const char *reason = json_object_get_string_member_with_default (a, "reason", NULL);

      if (g_strcmp0 (json_object_get_string_member (a, "action"), action) == 0
          && (reason_part == NULL || (reason != NULL && strstr (reason, reason_part) != NULL)))
        return TRUE;
    }

  return FALSE;
}

/* Intake and routing */

static void
test_routing (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(JsonObject) waiting = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) normal = NULL;
  g_autoptr(JsonObject) urgent = NULL;
  g_autoptr(JsonObject) t = NULL;
  g_autoptr(JsonObject) solved = NULL;
  g_autoptr(DwTestResponse) solve = NULL;
  g_autofree char *json = NULL;

  /* Nobody online: classified, routed to its team, and waiting. */
  waiting = create_ticket (s, s->admin_token,
                           "{\"subject\": \"快递三天没动\", \"body\": \"订单还没到\", "
                           "\"channel\": \"wechat\", \"order_number\": \"PDD-1\"}");
  g_assert_cmpstr (json_object_get_string_member (waiting, "business_type"), ==, "logistics");
  g_assert_cmpint (int_or_zero (waiting, "team_id"), ==, s->team_id);
  g_assert_cmpint (int_or_zero (waiting, "assignee_id"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (waiting, "status"), ==, "new");
  g_assert_cmpint (json_object_get_int_member (waiting, "version"), ==, 1);
  g_assert_true (audit_has (s, id_of (waiting), "classified", "快递"));
  g_assert_true (audit_has (s, id_of (waiting), "routed", "logistics"));
  g_assert_true (audit_has (s, id_of (waiting), "queued", "queue"));

  /* English keywords too, and the other team. */
  t = create_ticket (s, s->admin_token,
                     "{\"subject\": \"I want a REFUND\", \"channel\": \"email\"}");
  g_assert_cmpstr (json_object_get_string_member (t, "business_type"), ==, "returns");
  g_assert_cmpint (int_or_zero (t, "team_id"), ==, s->other_team_id);

  /* The agent comes online: the waiting ticket is handed to it at once. */
  set_presence (s, s->agent_token, s->agent_id, "online");
  g_clear_pointer (&t, json_object_unref);
  t = get_ticket (s, s->admin_token, id_of (waiting));
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, s->agent_id);
  g_assert_true (audit_has (s, id_of (waiting), "assigned", "routing"));

  /* Capacity 2: one more fits, then tickets wait. */
  first = create_ticket (s, s->admin_token,
                         "{\"subject\": \"物流查询\", \"channel\": \"web\"}");
  g_assert_cmpint (int_or_zero (first, "assignee_id"), ==, s->agent_id);
  g_assert_cmpint (json_object_get_int_member (first, "version"), ==, 1);

  normal = create_ticket (s, s->admin_token,
                          "{\"subject\": \"发货了吗\", \"channel\": \"app\"}");
  urgent = create_ticket (s, s->admin_token,
                          "{\"subject\": \"发货太慢\", \"channel\": \"phone\", "
                          "\"priority\": \"urgent\"}");
  g_assert_cmpint (int_or_zero (normal, "assignee_id"), ==, 0);
  g_assert_cmpint (int_or_zero (urgent, "assignee_id"), ==, 0);

  /* Solving one frees a place: the urgent one goes first although it is newer. */
  json = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"status\": \"solved\"}",
                          json_object_get_int_member (first, "version"));
  solve = patch_ticket (s, s->agent_token, id_of (first), json);
  solved = take_object (solve, 200);
  g_assert_cmpstr (json_object_get_string_member (solved, "status"), ==, "solved");
  g_assert_false (JSON_NODE_HOLDS_NULL (json_object_get_member (solved, "solved_at")));

  g_clear_pointer (&t, json_object_unref);
  t = get_ticket (s, s->admin_token, id_of (urgent));
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, s->agent_id);
  g_assert_cmpint (json_object_get_int_member (t, "version"), ==, 2);
  g_clear_pointer (&t, json_object_unref);
  t = get_ticket (s, s->admin_token, id_of (normal));
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, 0);

  /* Raising capacity (admin) hands out the next one. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, s->agent_id);
    g_autoptr(DwTestResponse) r = dw_test_server_json (s, "PATCH", path, s->admin_token,
                                                       "{\"capacity\": 3}");
    JsonObject *user;

    dw_test_assert_status (r, 200);
    user = dw_test_response_object (r);
    g_assert_cmpint (json_object_get_int_member (user, "capacity"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (user, "open_tickets"), ==, 3);
  }
  g_clear_pointer (&t, json_object_unref);
  t = get_ticket (s, s->admin_token, id_of (normal));
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, s->agent_id);
}

static void
test_skill_routing (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(DwTestResponse) team = NULL;
  g_autoptr(DwTestResponse) skilled = NULL;
  g_autoptr(JsonObject) t = NULL;
  g_autofree char *json = NULL;
  g_autofree char *token = NULL;
  gint64 skilled_id;

  /* logistics now needs the skill "logistics": the plain agent may not take it. */
  team = dw_test_server_jsonf (s, "PATCH", s->admin_token, "/api/v1/teams/1",
                               "{\"business_types\": [{\"key\": \"logistics\", "
                               "\"name\": \"物流\", \"skill\": \"logistics\"}]}");
  dw_test_assert_status (team, 200);

  json = g_strdup_printf ("{\"username\": \"skilled\", \"display_name\": \"Skilled\", "
                          "\"role\": \"agent\", \"password\": \"" DW_TEST_PASSWORD "\", "
                          "\"capacity\": 1, \"teams\": [{\"id\": %" G_GINT64_FORMAT "}], "
                          "\"skills\": [{\"skill\": \"logistics\", \"level\": 4}]}", s->team_id);
  skilled = dw_test_server_json (s, "POST", "/api/v1/users", s->admin_token, json);
  dw_test_assert_status (skilled, 201);
  skilled_id = id_of (dw_test_response_object (skilled));
  token = dw_test_server_sign_in (s, "skilled", DW_TEST_PASSWORD);

  set_presence (s, s->agent_token, s->agent_id, "online");
  set_presence (s, token, skilled_id, "online");

  t = create_ticket (s, s->admin_token, "{\"subject\": \"快递丢了\", \"channel\": \"web\"}");
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, skilled_id);
  g_assert_true (audit_has (s, id_of (t), "assigned", "logistics"));

  /* The skilled agent is full; the unskilled one is free but may not take it. */
  g_clear_pointer (&t, json_object_unref);
  t = create_ticket (s, s->admin_token, "{\"subject\": \"快递丢了两次\", \"channel\": \"web\"}");
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, 0);
}

static void
test_explicit_fields (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(DwTestResponse) customer = NULL;
  g_autoptr(JsonObject) t = NULL;
  g_autofree char *json = NULL;
  JsonArray *tags;
  gint64 customer_id;

  customer = dw_test_server_json (s, "POST", "/api/v1/customers", s->lead_token,
                                  "{\"name\": \"王先生\", \"phone\": \"13800000000\", "
                                  "\"tags\": [\"vip\"]}");
  dw_test_assert_status (customer, 201);
  customer_id = id_of (dw_test_response_object (customer));

  json = g_strdup_printf ("{\"subject\": \"hello\", \"body\": \"no keyword here\", "
                          "\"channel\": \"weibo\", \"business_type\": \"returns\", "
                          "\"priority\": \"high\", \"team_id\": %" G_GINT64_FORMAT ", "
                          "\"assignee_id\": %" G_GINT64_FORMAT ", \"customer_id\": %"
                          G_GINT64_FORMAT ", \"tags\": [\"gift\", \"vip\"]}",
                          s->team_id, s->agent_id, customer_id);
  t = create_ticket (s, s->lead_token, json);
  g_assert_cmpstr (json_object_get_string_member (t, "business_type"), ==, "returns");
  g_assert_cmpstr (json_object_get_string_member (t, "priority"), ==, "high");
  g_assert_cmpstr (json_object_get_string_member (t, "channel"), ==, "weibo");
  g_assert_cmpint (int_or_zero (t, "team_id"), ==, s->team_id);
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, s->agent_id);
  g_assert_cmpint (int_or_zero (t, "customer_id"), ==, customer_id);
  tags = json_object_get_array_member (t, "tags");
  g_assert_cmpuint (json_array_get_length (tags), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (tags, 0), ==, "gift");
  g_assert_true (json_object_has_member (t, "sla"));
  g_assert_true (json_object_has_member (t, "sla_state"));
  g_assert_true (json_object_has_member (t, "escalation_level"));
  g_assert_true (json_object_has_member (t, "csat"));
  g_assert_true (audit_has (s, id_of (t), "assigned", "lead"));

  /* No keyword: no business type, the ticket waits for triage. */
  g_clear_pointer (&t, json_object_unref);
  t = create_ticket (s, s->agent_token, "{\"subject\": \"你好\", \"channel\": \"web\"}");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (t, "business_type")));
  g_assert_cmpint (int_or_zero (t, "team_id"), ==, 0);
}

/* Updates */

static void
test_update_and_conflict (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(JsonObject) t = NULL;
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(DwTestResponse) stale = NULL;
  g_autoptr(DwTestResponse) missing = NULL;
  g_autoptr(DwTestResponse) same = NULL;
  g_autoptr(DwTestResponse) ok = NULL;
  g_autofree char *json = NULL;

  t = create_ticket (s, s->admin_token, "{\"subject\": \"物流\", \"channel\": \"web\"}");

  json = g_strdup_printf ("{\"version\": 1, \"priority\": \"urgent\", \"tags\": [\"vip\"], "
                          "\"assignee_id\": %" G_GINT64_FORMAT ", \"reason\": \"VIP call\"}",
                          s->agent_id);
  ok = patch_ticket (s, s->lead_token, id_of (t), json);
  updated = take_object (ok, 200);
  g_assert_cmpint (json_object_get_int_member (updated, "version"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (updated, "priority"), ==, "urgent");
  g_assert_cmpint (int_or_zero (updated, "assignee_id"), ==, s->agent_id);
  g_assert_true (audit_has (s, id_of (t), "updated", "VIP call"));
  g_assert_true (audit_has (s, id_of (t), "assigned", "VIP call"));

  /* Stale version: 409 and nothing written. */
  stale = patch_ticket (s, s->lead_token, id_of (t), "{\"version\": 1, \"priority\": \"low\"}");
  dw_test_assert_problem (stale, 409, "conflict");
  after = get_ticket (s, s->admin_token, id_of (t));
  g_assert_cmpint (json_object_get_int_member (after, "version"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (after, "priority"), ==, "urgent");

  missing = patch_ticket (s, s->lead_token, id_of (t), "{\"priority\": \"low\"}");
  dw_test_assert_problem (missing, 400, "validation");

  /* A change that changes nothing keeps the version. */
  same = patch_ticket (s, s->lead_token, id_of (t), "{\"version\": 2, \"priority\": \"urgent\"}");
  dw_test_assert_status (same, 200);
  g_assert_cmpint (json_object_get_int_member (dw_test_response_object (same), "version"), ==, 2);
}

static void
test_escalate (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(JsonObject) t = NULL;
  g_autoptr(JsonObject) escalated = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(DwTestResponse) by_agent = NULL;
  g_autoptr(DwTestResponse) jump = NULL;
  g_autoptr(DwTestResponse) ok = NULL;
  g_autoptr(DwTestResponse) stale = NULL;
  g_autoptr(DwTestResponse) down = NULL;
  g_autoptr(DwTestResponse) assign = NULL;
  g_autofree char *json = NULL;

  t = create_ticket (s, s->admin_token, "{\"subject\": \"物流\", \"channel\": \"web\"}");
  g_assert_cmpint (json_object_get_int_member (t, "team_id"), ==, s->team_id);
  g_assert_cmpint (json_object_get_int_member (t, "escalation_level"), ==, 0);

  /* Its agent may see it but not escalate it. */
  json = g_strdup_printf ("{\"version\": 1, \"assignee_id\": %" G_GINT64_FORMAT "}", s->agent_id);
  assign = patch_ticket (s, s->lead_token, id_of (t), json);
  dw_test_assert_status (assign, 200);
  by_agent = patch_ticket (s, s->agent_token, id_of (t), "{\"version\": 2, \"escalation_level\": 1}");
  dw_test_assert_problem (by_agent, 403, "forbidden");

  /* One step at a time. */
  jump = patch_ticket (s, s->lead_token, id_of (t), "{\"version\": 2, \"escalation_level\": 2}");
  dw_test_assert_problem (jump, 400, "validation");

  ok = patch_ticket (s, s->lead_token, id_of (t),
                     "{\"version\": 2, \"escalation_level\": 1, \"reason\": \"Customer called twice\"}");
  escalated = take_object (ok, 200);
  g_assert_cmpint (json_object_get_int_member (escalated, "escalation_level"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (escalated, "version"), ==, 3);
  g_assert_true (audit_has (s, id_of (t), "updated", "Customer called twice"));

  /* Optimistic concurrency as for any field, and never down. */
  stale = patch_ticket (s, s->lead_token, id_of (t), "{\"version\": 2, \"escalation_level\": 2}");
  dw_test_assert_problem (stale, 409, "conflict");
  down = patch_ticket (s, s->lead_token, id_of (t), "{\"version\": 3, \"escalation_level\": 0}");
  dw_test_assert_problem (down, 400, "validation");
  after = get_ticket (s, s->admin_token, id_of (t));
  g_assert_cmpint (json_object_get_int_member (after, "escalation_level"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (after, "version"), ==, 3);
}

static void
test_move_team (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(JsonObject) t = NULL;
  g_autoptr(JsonObject) moved = NULL;
  g_autoptr(DwTestResponse) r = NULL;
  g_autoptr(DwTestResponse) gone = NULL;
  g_autofree char *json = NULL;
  g_autofree char *path = NULL;

  set_presence (s, s->agent_token, s->agent_id, "online");
  t = create_ticket (s, s->admin_token, "{\"subject\": \"快递\", \"channel\": \"web\"}");
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, s->agent_id);

  /* Moved to a team its assignee is not in: it goes back to that team's queue. */
  json = g_strdup_printf ("{\"version\": 1, \"team_id\": %" G_GINT64_FORMAT "}",
                          s->other_team_id);
  r = patch_ticket (s, s->lead_token, id_of (t), json);
  moved = take_object (r, 200);
  g_assert_cmpint (int_or_zero (moved, "team_id"), ==, s->other_team_id);
  g_assert_cmpint (int_or_zero (moved, "assignee_id"), ==, 0);
  g_assert_true (audit_has (s, id_of (t), "moved", NULL));

  /* And the lead of the first team no longer sees it. */
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id_of (t));
  gone = dw_test_server_json (s, "GET", path, s->lead_token, NULL);
  dw_test_assert_problem (gone, 404, "not-found");
}

/* Comments */

static void
test_comments (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(DwTestResponse) customer = NULL;
  g_autoptr(DwTestResponse) reply = NULL;
  g_autoptr(DwTestResponse) note = NULL;
  g_autoptr(DwTestResponse) incoming = NULL;
  g_autoptr(DwTestResponse) list = NULL;
  g_autoptr(DwTestResponse) pending = NULL;
  g_autoptr(DwTestResponse) forged = NULL;
  g_autoptr(JsonObject) t = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autofree char *json = NULL;
  g_autofree char *path = NULL;
  JsonObject *c;
  JsonArray *items;
  gint64 customer_id;

  customer = dw_test_server_json (s, "POST", "/api/v1/customers", s->admin_token,
                                  "{\"name\": \"Ms Zhang\", \"email\": \"zhang@example.com\"}");
  dw_test_assert_status (customer, 201);
  customer_id = id_of (dw_test_response_object (customer));

  set_presence (s, s->agent_token, s->agent_id, "online");
  json = g_strdup_printf ("{\"subject\": \"快递\", \"channel\": \"email\", \"customer_id\": %"
                          G_GINT64_FORMAT "}", customer_id);
  t = create_ticket (s, s->admin_token, json);
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/comments", id_of (t));

  /* The agent's first public reply is the first response. */
  reply = dw_test_server_json (s, "POST", path, s->agent_token,
                               "{\"body\": \"已为您催促快递\", \"public\": true}");
  dw_test_assert_status (reply, 201);
  c = dw_test_response_object (reply);
  g_assert_cmpstr (json_object_get_string_member (c, "author_kind"), ==, "agent");
  g_assert_cmpint (json_object_get_int_member (c, "author_id"), ==, s->agent_id);
  g_assert_true (json_object_get_boolean_member (c, "public"));
  g_assert_cmpstr (json_object_get_string_member (c, "body"), ==, "已为您催促快递");

  after = get_ticket (s, s->agent_token, id_of (t));
  g_assert_false (JSON_NODE_HOLDS_NULL (json_object_get_member (after, "first_response_at")));
  g_assert_cmpstr (json_object_get_string_member (after, "status"), ==, "open");

  note = dw_test_server_json (s, "POST", path, s->agent_token,
                              "{\"body\": \"internal: courier called\", \"public\": false}");
  dw_test_assert_status (note, 201);

  /* Waiting on the customer, who writes back: open again.  (Every comment is a change of the
   * ticket, so the version moved.) */
  g_clear_pointer (&after, json_object_unref);
  after = get_ticket (s, s->agent_token, id_of (t));
  g_assert_cmpint (json_object_get_int_member (after, "version"), ==, 3);
  g_free (json);
  json = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"status\": \"pending\"}",
                          json_object_get_int_member (after, "version"));
  pending = patch_ticket (s, s->agent_token, id_of (t), json);
  dw_test_assert_status (pending, 200);

  incoming = dw_test_server_json (s, "POST", path, s->admin_token,
                                  "{\"body\": \"还没收到\", \"author_kind\": \"customer\"}");
  dw_test_assert_status (incoming, 201);
  g_assert_cmpint (json_object_get_int_member (dw_test_response_object (incoming), "author_id"),
                   ==, customer_id);
  g_clear_pointer (&after, json_object_unref);
  after = get_ticket (s, s->agent_token, id_of (t));
  g_assert_cmpstr (json_object_get_string_member (after, "status"), ==, "open");

  /* Nobody writes as someone else. */
  g_free (json);
  json = g_strdup_printf ("{\"body\": \"x\", \"author_id\": %" G_GINT64_FORMAT "}", s->lead_id);
  forged = dw_test_server_json (s, "POST", path, s->agent_token, json);
  dw_test_assert_problem (forged, 403, "forbidden");

  list = dw_test_server_json (s, "GET", path, s->agent_token, NULL);
  dw_test_assert_status (list, 200);
  items = dw_test_response_items (list);
  g_assert_cmpuint (json_array_get_length (items), ==, 3);
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (items, 1),
                                                  "public"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 2),
                                                  "author_kind"), ==, "customer");
  g_assert_true (audit_has (s, id_of (t), "commented", "internal note"));
}

/* Roles */

static void
test_roles (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(JsonObject) mine = NULL;
  g_autoptr(JsonObject) theirs = NULL;
  g_autoptr(JsonObject) queued = NULL;
  g_autoptr(DwTestResponse) list = NULL;
  g_autoptr(DwTestResponse) lead_list = NULL;
  g_autoptr(DwTestResponse) admin_list = NULL;
  g_autoptr(DwTestResponse) reassign = NULL;
  g_autoptr(DwTestResponse) foreign = NULL;
  g_autoptr(DwTestResponse) lead_foreign = NULL;
  g_autofree char *json = NULL;
  JsonArray *items;
  const char *suffixes[] = { "", "/comments", "/audit" };

  set_presence (s, s->agent_token, s->agent_id, "online");
  set_presence (s, s->agent2_token, s->agent2_id, "online");
  mine = create_ticket (s, s->admin_token, "{\"subject\": \"快递\", \"channel\": \"web\"}");
  theirs = create_ticket (s, s->admin_token, "{\"subject\": \"退款\", \"channel\": \"web\"}");
  g_assert_cmpint (int_or_zero (mine, "assignee_id"), ==, s->agent_id);
  g_assert_cmpint (int_or_zero (theirs, "assignee_id"), ==, s->agent2_id);
  set_presence (s, s->agent_token, s->agent_id, "away");
  queued = create_ticket (s, s->admin_token, "{\"subject\": \"物流\", \"channel\": \"web\"}");
  g_assert_cmpint (int_or_zero (queued, "assignee_id"), ==, 0);

  /* The agent sees only its own. */
  list = dw_test_server_json (s, "GET", "/api/v1/tickets", s->agent_token, NULL);
  dw_test_assert_status (list, 200);
  items = dw_test_response_items (list);
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  g_assert_cmpint (id_of (json_array_get_object_element (items, 0)), ==, id_of (mine));

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p1 = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "%s",
                                             id_of (theirs), suffixes[i]);
      g_autofree char *p2 = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "%s",
                                             id_of (queued), suffixes[i]);
      g_autoptr(DwTestResponse) r1 = dw_test_server_json (s, "GET", p1, s->agent_token, NULL);
      g_autoptr(DwTestResponse) r2 = dw_test_server_json (s, "GET", p2, s->agent_token, NULL);
      g_autoptr(DwTestResponse) r3 = dw_test_server_json (s, "GET", p1, s->lead_token, NULL);

      dw_test_assert_problem (r1, 404, "not-found");
      dw_test_assert_problem (r2, 404, "not-found");
      dw_test_assert_problem (r3, 404, "not-found");
    }

  foreign = patch_ticket (s, s->agent_token, id_of (theirs), "{\"version\": 1, \"status\": \"open\"}");
  dw_test_assert_problem (foreign, 404, "not-found");

  /* An agent does not reassign. */
  json = g_strdup_printf ("{\"version\": 1, \"assignee_id\": %" G_GINT64_FORMAT "}", s->lead_id);
  reassign = patch_ticket (s, s->agent_token, id_of (mine), json);
  dw_test_assert_problem (reassign, 403, "forbidden");

  /* A lead assigns only within the ticket's team. */
  g_free (json);
  json = g_strdup_printf ("{\"version\": 1, \"assignee_id\": %" G_GINT64_FORMAT "}", s->agent2_id);
  lead_foreign = patch_ticket (s, s->lead_token, id_of (queued), json);
  dw_test_assert_problem (lead_foreign, 403, "forbidden");

  /* The lead sees its team's tickets (assigned and queued), the admin everything. */
  lead_list = dw_test_server_json (s, "GET", "/api/v1/tickets", s->lead_token, NULL);
  dw_test_assert_status (lead_list, 200);
  g_assert_cmpuint (json_array_get_length (dw_test_response_items (lead_list)), ==, 2);
  admin_list = dw_test_server_json (s, "GET", "/api/v1/tickets", s->admin_token, NULL);
  dw_test_assert_status (admin_list, 200);
  g_assert_cmpuint (json_array_get_length (dw_test_response_items (admin_list)), ==, 3);
}

/* Lists */

static guint
count (DwTestServer *s,
       const char   *token,
       const char   *path)
{
  g_autoptr(DwTestResponse) r = NULL;

  return json_array_get_length (get_items (s, token, path, &r));
}

static void
test_list_filters (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(DwTestResponse) bad_status = NULL;
  g_autoptr(DwTestResponse) bad_limit = NULL;
  g_autoptr(DwTestResponse) bad_cursor = NULL;
  g_autoptr(DwTestResponse) bad_since = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *path = NULL;
  guint pages = 0;

  set_presence (s, s->agent_token, s->agent_id, "online");
  for (int i = 0; i < 7; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"subject\": \"物流 %d\", \"channel\": \"%s\", "
                                               "\"priority\": \"%s\", \"order_number\": "
                                               "\"ORD-%03d\"}", i, i % 2 ? "web" : "app",
                                               i == 6 ? "urgent" : "normal", i);
      g_autoptr(JsonObject) t = create_ticket (s, s->admin_token, json);
    }
  {
    g_autoptr(JsonObject) t = create_ticket (s, s->admin_token,
                                             "{\"subject\": \"退货 100%_off\", \"channel\": \"web\"}");
  }

  g_assert_cmpuint (count (s, s->admin_token, "/api/v1/tickets"), ==, 8);
  g_assert_cmpuint (count (s, s->admin_token, "/api/v1/tickets?assignee=me"), ==, 0);
  g_assert_cmpuint (count (s, s->agent_token, "/api/v1/tickets?assignee=me"), ==, 2);
  g_assert_cmpuint (count (s, s->admin_token, "/api/v1/tickets?assignee=none"), ==, 6);
  g_assert_cmpuint (count (s, s->admin_token, "/api/v1/tickets?unassigned=true"), ==, 6);
  path = g_strdup_printf ("/api/v1/tickets?assignee=%" G_GINT64_FORMAT, s->agent_id);
  g_assert_cmpuint (count (s, s->admin_token, path), ==, 2);
  g_free (path);
  path = g_strdup_printf ("/api/v1/tickets?team=%" G_GINT64_FORMAT, s->other_team_id);
  g_assert_cmpuint (count (s, s->admin_token, path), ==, 1);
  g_assert_cmpuint (count (s, s->admin_token, "/api/v1/tickets?priority=urgent"), ==, 1);
  g_assert_cmpuint (count (s, s->admin_token, "/api/v1/tickets?priority=urgent,normal"), ==, 8);
  g_assert_cmpuint (count (s, s->admin_token, "/api/v1/tickets?status=new,open"), ==, 8);
  g_assert_cmpuint (count (s, s->admin_token, "/api/v1/tickets?status=solved"), ==, 0);
  g_assert_cmpuint (count (s, s->admin_token, "/api/v1/tickets?channel=app"), ==, 4);
  g_assert_cmpuint (count (s, s->admin_token, "/api/v1/tickets?business_type=returns"), ==, 1);
  g_assert_cmpuint (count (s, s->admin_token, "/api/v1/tickets?q=ORD-00"), ==, 7);
  g_assert_cmpuint (count (s, s->admin_token, "/api/v1/tickets?q=ORD-003"), ==, 1);
  /* LIKE wildcards in q are literal. */
  g_assert_cmpuint (count (s, s->admin_token, "/api/v1/tickets?q=100%25_"), ==, 1);
  g_assert_cmpuint (count (s, s->admin_token, "/api/v1/tickets?q=%25"), ==, 1);
  g_assert_cmpuint (count (s, s->admin_token,
                           "/api/v1/tickets?q=%E7%89%A9%E6%B5%81"), ==, 7);  /* 物流 */
  g_assert_cmpuint (count (s, s->admin_token, "/api/v1/tickets?updated_since=2000-01-01T00:00:00Z"),
                    ==, 8);
  g_assert_cmpuint (count (s, s->admin_token, "/api/v1/tickets?updated_since=2999-01-01T00:00:00Z"),
                    ==, 0);
  g_assert_cmpuint (count (s, s->admin_token, "/api/v1/tickets?sla_state=breached"), ==, 0);

  /* Pages of 3: every ticket exactly once, newest first. */
  do
    {
      g_autofree char *page = cursor != NULL
                              ? g_strdup_printf ("/api/v1/tickets?limit=3&cursor=%s", cursor)
                              : g_strdup ("/api/v1/tickets?limit=3");
      g_autoptr(DwTestResponse) r = dw_test_server_json (s, "GET", page, s->admin_token, NULL);
      JsonObject *o;
      JsonArray *items;
      JsonNode *next;

      dw_test_assert_status (r, 200);
      o = dw_test_response_object (r);
      items = json_object_get_array_member (o, "items");
      g_assert_cmpuint (json_array_get_length (items), <=, 3);
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          gint64 *id = g_new (gint64, 1);

          *id = id_of (json_array_get_object_element (items, i));
          g_assert_false (g_hash_table_contains (seen, id));
          g_hash_table_add (seen, id);
        }

      next = json_object_get_member (o, "next_cursor");
      g_assert_nonnull (next);
      g_clear_pointer (&cursor, g_free);
      if (!JSON_NODE_HOLDS_NULL (next))
        cursor = g_strdup (json_node_get_string (next));
      pages++;
    }
  while (cursor != NULL);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 8);
  g_assert_cmpuint (pages, ==, 3);

  bad_status = dw_test_server_json (s, "GET", "/api/v1/tickets?status=open,done", s->admin_token,
                                    NULL);
  dw_test_assert_problem (bad_status, 400, "validation");
  bad_limit = dw_test_server_json (s, "GET", "/api/v1/tickets?limit=501", s->admin_token, NULL);
  dw_test_assert_problem (bad_limit, 400, "validation");
  bad_cursor = dw_test_server_json (s, "GET", "/api/v1/tickets?cursor=nonsense", s->admin_token,
                                    NULL);
  dw_test_assert_problem (bad_cursor, 400, "validation");
  bad_since = dw_test_server_json (s, "GET", "/api/v1/tickets?updated_since=yesterday",
                                   s->admin_token, NULL);
  dw_test_assert_problem (bad_since, 400, "validation");
}

static void
test_not_found_and_method (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new ();
  g_autoptr(DwTestResponse) missing = dw_test_server_json (s, "GET", "/api/v1/tickets/999",
                                                           s->admin_token, NULL);
  g_autoptr(DwTestResponse) patch = dw_test_server_json (s, "PATCH", "/api/v1/tickets/999",
                                                         s->admin_token, "{\"version\": 1}");
  g_autoptr(DwTestResponse) comment = dw_test_server_json (s, "POST", "/api/v1/tickets/999/comments",
                                                           s->admin_token, "{\"body\": \"x\"}");
  g_autoptr(DwTestResponse) delete = dw_test_server_json (s, "DELETE", "/api/v1/tickets/1",
                                                          s->admin_token, NULL);
  g_autoptr(DwTestResponse) nowhere = dw_test_server_json (s, "GET", "/api/v1/nowhere",
                                                           s->admin_token, NULL);
  g_autoptr(DwTestResponse) bad_id = dw_test_server_json (s, "GET", "/api/v1/tickets/abc",
                                                          s->admin_token, NULL);

  dw_test_assert_problem (missing, 404, "not-found");
  dw_test_assert_problem (patch, 404, "not-found");
  dw_test_assert_problem (comment, 404, "not-found");
  dw_test_assert_problem (delete, 405, "method-not-allowed");
  dw_test_assert_problem (nowhere, 404, "not-found");
  dw_test_assert_problem (bad_id, 404, "not-found");
}

static void
test_snapshot (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(DwTestResponse) before = NULL;
  g_autoptr(DwTestResponse) after = NULL;
  g_autoptr(DwTestResponse) agent = NULL;
  g_autoptr(JsonObject) solved = NULL;
  g_autoptr(JsonObject) t1 = NULL;
  g_autoptr(JsonObject) t2 = NULL;
  g_autoptr(DwTestResponse) r = NULL;
  JsonObject *snap;
  gint64 seq;

  before = dw_test_server_json (s, "GET", "/api/v1/snapshot", s->admin_token, NULL);
  dw_test_assert_status (before, 200);
  snap = dw_test_response_object (before);
  seq = json_object_get_int_member (snap, "seq");
  g_assert_cmpint (seq, >, 0);  /* teams and users were created */
  g_assert_cmpint (json_object_get_int_member (snap, "heartbeat_interval"), >, 0);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (snap, "me"), "id"),
                   ==, s->admin_id);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (snap, "teams")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (snap, "users")), ==, 4);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (snap, "tickets")), ==, 0);
  g_assert_true (json_object_has_member (snap, "sla_policies"));

  set_presence (s, s->agent_token, s->agent_id, "online");
  t1 = create_ticket (s, s->admin_token, "{\"subject\": \"快递\", \"channel\": \"web\"}");
  t2 = create_ticket (s, s->admin_token,
                      "{\"subject\": \"退款 \\\"急\\\" \\n\", \"channel\": \"web\", "
                      "\"body\": \"订单号 JD2902438 \\\\ 已签收\\t但没收到\", "
                      "\"order_number\": \"JD2902438\", \"tags\": [\"vip\", \"大促\"], "
                      "\"priority\": \"high\"}");
  solved = create_ticket (s, s->admin_token, "{\"subject\": \"物流\", \"channel\": \"web\"}");
  r = patch_ticket (s, s->admin_token, id_of (solved), "{\"version\": 1, \"status\": \"closed\"}");
  dw_test_assert_status (r, 200);

  /* Every write moved the stream on; only open tickets are in it. */
  after = dw_test_server_json (s, "GET", "/api/v1/snapshot", s->admin_token, NULL);
  dw_test_assert_status (after, 200);
  snap = dw_test_response_object (after);
  g_assert_cmpint (json_object_get_int_member (snap, "seq"), >=, seq + 5);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (snap, "tickets")), ==, 2);

  /* The snapshot writes its tickets with SQLite's JSON functions (it is much faster at 100k);
   * they must be the very objects the rest of the API returns. */
  {
    JsonArray *tickets = json_object_get_array_member (snap, "tickets");

    for (guint i = 0; i < json_array_get_length (tickets); i++)
      {
        JsonObject *from_snapshot = json_array_get_object_element (tickets, i);
        g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT,
                                                 id_of (from_snapshot));
        g_autoptr(DwTestResponse) single = dw_test_server_json (s, "GET", path, s->admin_token,
                                                                NULL);
        JsonObject *from_get;
        g_autoptr(GList) members = NULL;

        dw_test_assert_status (single, 200);
        from_get = dw_test_response_object (single);
        g_assert_cmpuint (json_object_get_size (from_snapshot), ==, json_object_get_size (from_get));
        members = json_object_get_members (from_get);
        for (GList *m = members; m != NULL; m = m->next)
          {
            JsonNode *a = json_object_get_member (from_snapshot, m->data);
            JsonNode *b = json_object_get_member (from_get, m->data);

            if (a == NULL || !json_node_equal (a, b))
              g_error ("Ticket %" G_GINT64_FORMAT " differs in %s: snapshot %s, GET %s",
                       id_of (from_snapshot), (const char *) m->data,
                       a != NULL ? json_to_string (a, FALSE) : "(missing)",
                       json_to_string (b, FALSE));
          }
      }
  }

  /* The agent's snapshot: itself and its ticket only. */
  agent = dw_test_server_json (s, "GET", "/api/v1/snapshot", s->agent_token, NULL);
  dw_test_assert_status (agent, 200);
  snap = dw_test_response_object (agent);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (snap, "users")), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (snap, "tickets")), ==, 1);
  g_assert_cmpint (id_of (json_array_get_object_element (json_object_get_array_member (snap,
                                                                                       "tickets"),
                                                         0)), ==, id_of (t1));
}

/* The last user.updated event of @user_id in the stream's table: its open_tickets, or -1. */
static gint64
last_load_event (DwTestServer *s,
                 gint64        user_id)
{
  /* On either backend (dw_test_server_query_int), each with its JSON function. */
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce ((SELECT %s FROM events "
                                          "WHERE type = 'user.updated' AND user_id = %"
                                          G_GINT64_FORMAT " ORDER BY seq DESC LIMIT 1), -1)",
                                          s->db != NULL
                                          ? "(data::jsonb ->> 'open_tickets')::bigint"
                                          : "json_extract (data, '$.open_tickets')",
                                          user_id);

  return dw_test_server_query_int (s, sql);
}

static void
test_load_events (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(JsonObject) t1 = NULL;
  g_autoptr(JsonObject) t2 = NULL;
  g_autoptr(DwTestResponse) solve = NULL;

  set_presence (s, s->agent_token, s->agent_id, "online");
  g_assert_cmpint (last_load_event (s, s->agent_id), ==, 0);

  t1 = create_ticket (s, s->admin_token, "{\"subject\": \"快递\", \"channel\": \"web\"}");
  g_assert_cmpint (last_load_event (s, s->agent_id), ==, 1);
  t2 = create_ticket (s, s->admin_token, "{\"subject\": \"快递\", \"channel\": \"web\"}");
  g_assert_cmpint (last_load_event (s, s->agent_id), ==, 2);

  solve = patch_ticket (s, s->agent_token, id_of (t1), "{\"version\": 1, \"status\": \"solved\"}");
  dw_test_assert_status (solve, 200);
  g_assert_cmpint (last_load_event (s, s->agent_id), ==, 1);
}

/* Per-request costs: what GET /health counts */

static gint64
health_stat (DwTestServer *s,
             const char   *name)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (s, "GET", "/api/v1/health", NULL, NULL);
  JsonObject *stats;

  dw_test_assert_status (r, 200);
  stats = json_object_get_object_member (dw_test_response_object (r), "stats");
  g_assert_nonnull (stats);
  return json_object_get_int_member (stats, name);
}

static const char *
business_type_of (JsonObject *ticket)
{
  return json_object_get_string_member_with_default (ticket, "business_type", NULL);
}

/* Whether /health's stat @name is null: a count the backend does not keep. */
static gboolean
health_stat_is_null (DwTestServer *s,
                     const char   *name)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (s, "GET", "/api/v1/health", NULL, NULL);
  JsonObject *stats;

  dw_test_assert_status (r, 200);
  stats = json_object_get_object_member (dw_test_response_object (r), "stats");
  g_assert_nonnull (stats);
  g_assert_true (json_object_has_member (stats, name));
  return json_object_get_null_member (stats, name);
}

/* After the first requests every statement comes from the cache, not from the parser again
 * (the token lookup used to be finalised after each request); the routing classifier is built
 * once and again only when the rules change, by anyone. */
static void
test_request_costs (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  gint64 prepared = 0, builds;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) t = create_ticket (s, s->admin_token,
                                               "{\"subject\": \"快递\", \"channel\": \"web\"}");
      g_autoptr(JsonObject) u = get_ticket (s, s->lead_token, id_of (t));
    }

  /* SQLite's statement cache is the service's own, and /health counts its misses; PostgreSQL
   * parses (or prepares, per connection) on the server, and /health says null for that count
   * (docs/api.md "Health"): there the statements' half of this test is that null. */
  if (!dw_test_backend_is_postgresql ())
    prepared = health_stat (s, "statements_prepared");
  builds = health_stat (s, "classifier_builds");
  g_assert_cmpint (builds, >=, 1);

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(JsonObject) t = create_ticket (s, s->admin_token,
                                               "{\"subject\": \"快递\", \"channel\": \"web\"}");
      g_autoptr(JsonObject) u = get_ticket (s, s->lead_token, id_of (t));

      g_assert_cmpstr (business_type_of (t), ==, "logistics");
    }

  /* Not one statement per request (a timer of the service may prepare one of its own). */
  if (dw_test_backend_is_postgresql ())
    {
      g_test_message ("PostgreSQL: no statement cache of the service's to count; "
                      "statements_prepared is null");
      g_assert_true (health_stat_is_null (s, "statements_prepared"));
    }
  else
    g_assert_cmpint (health_stat (s, "statements_prepared") - prepared, <, 10);
  g_assert_cmpint (health_stat (s, "classifier_builds"), ==, builds);

  /* Rules written by another process on the same database are used by the next ticket. */
  dw_test_server_exec (s, "INSERT INTO routing_rules (position, keyword, business_type) "
                "VALUES (0, 'zebra', 'returns')");
  {
    g_autoptr(JsonObject) zebra = create_ticket (s, s->admin_token,
                                                 "{\"subject\": \"A zebra\", \"channel\": \"web\"}");
    g_autoptr(JsonObject) parcel = create_ticket (s, s->admin_token,
                                                  "{\"subject\": \"快递\", \"channel\": \"web\"}");

    g_assert_cmpstr (business_type_of (zebra), ==, "returns");
    g_assert_cmpint (int_or_zero (zebra, "team_id"), ==, s->other_team_id);
    /* Configured rules replace the built-in ones. */
    g_assert_null (business_type_of (parcel));
  }
  g_assert_cmpint (health_stat (s, "classifier_builds"), ==, builds + 1);

  /* An edit that keeps the number of rules. */
  dw_test_server_exec (s, "UPDATE routing_rules SET keyword = 'giraffe'");
  {
    g_autoptr(JsonObject) zebra = create_ticket (s, s->admin_token,
                                                 "{\"subject\": \"A zebra\", \"channel\": \"web\"}");
    g_autoptr(JsonObject) giraffe = create_ticket (s, s->admin_token,
                                                   "{\"subject\": \"A giraffe\", \"channel\": \"web\"}");

    g_assert_null (business_type_of (zebra));
    g_assert_cmpstr (business_type_of (giraffe), ==, "returns");
  }

  /* The same rule under another type (the key covers the type too). */
  dw_test_server_exec (s, "UPDATE routing_rules SET business_type = 'logistics'");
  {
    g_autoptr(JsonObject) giraffe = create_ticket (s, s->admin_token,
                                                   "{\"subject\": \"A giraffe\", \"channel\": \"web\"}");

    g_assert_cmpstr (business_type_of (giraffe), ==, "logistics");
  }

  /* No rules left: the built-in ones again. */
  dw_test_server_exec (s, "DELETE FROM routing_rules");
  {
    g_autoptr(JsonObject) giraffe = create_ticket (s, s->admin_token,
                                                   "{\"subject\": \"A giraffe\", \"channel\": \"web\"}");
    g_autoptr(JsonObject) parcel = create_ticket (s, s->admin_token,
                                                  "{\"subject\": \"快递\", \"channel\": \"web\"}");

    g_assert_null (business_type_of (giraffe));
    g_assert_cmpstr (business_type_of (parcel), ==, "logistics");
    /* An explicit business type known only from a rule is refused once the rule is gone. */
  }
  g_assert_cmpint (health_stat (s, "classifier_builds"), ==, builds + 4);
}

/* The reply of a create is the ticket as GET shows it and as its event carried it. */
static void
test_create_reply_is_the_ticket (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) fetched = NULL;
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;

  set_presence (s, s->agent_token, s->agent_id, "online");
  created = create_ticket (s, s->admin_token,
                           "{\"subject\": \"快递\", \"channel\": \"web\", \"tags\": [\"x\"]}");
  fetched = get_ticket (s, s->admin_token, id_of (created));
  g_assert_cmpint (int_or_zero (created, "assignee_id"), ==, s->agent_id);
  a = json_node_init_object (json_node_alloc (), created);
  b = json_node_init_object (json_node_alloc (), fetched);
  g_assert_true (json_node_equal (a, b));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api/tickets/routing", test_routing);
  g_test_add_func ("/api/tickets/escalate", test_escalate);
  g_test_add_func ("/api/tickets/skill-routing", test_skill_routing);
  g_test_add_func ("/api/tickets/explicit-fields", test_explicit_fields);
  g_test_add_func ("/api/tickets/update-and-conflict", test_update_and_conflict);
  g_test_add_func ("/api/tickets/move-team", test_move_team);
  g_test_add_func ("/api/tickets/comments", test_comments);
  g_test_add_func ("/api/tickets/roles", test_roles);
  g_test_add_func ("/api/tickets/list-filters", test_list_filters);
  g_test_add_func ("/api/tickets/not-found-and-method", test_not_found_and_method);
  g_test_add_func ("/api/tickets/snapshot", test_snapshot);
  g_test_add_func ("/api/tickets/load-events", test_load_events);
  g_test_add_func ("/api/tickets/request-costs", test_request_costs);
  g_test_add_func ("/api/tickets/create-reply-is-the-ticket", test_create_reply_is_the_ticket);

  return g_test_run ();
}
