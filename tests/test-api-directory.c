/* API tests: teams, users and presence, customers, SLA policies, calendars — with their role
 * rules. */
#include "config.h"

#include "dw-test-server.h"

static DwTestServer *server;

static guint
n_items (const char *token,
         const char *path)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, token, NULL);

  dw_test_assert_status (r, 200);
  return json_array_get_length (dw_test_response_items (r));
}

static void
test_teams (void)
{
  g_autoptr(DwTestResponse) created = NULL;
  g_autoptr(DwTestResponse) got = NULL;
  g_autoptr(DwTestResponse) patched = NULL;
  g_autoptr(DwTestResponse) taken = NULL;
  g_autoptr(DwTestResponse) missing = NULL;
  g_autofree char *path = NULL;
  JsonObject *team;
  JsonArray *types;
  gint64 id;

  g_assert_cmpuint (n_items (server->agent_token, "/api/v1/teams"), ==, 2);

  created = dw_test_server_json (server, "POST", "/api/v1/teams", server->admin_token,
                                 "{\"name\": \"投诉\", \"description\": \"Complaints\", "
                                 "\"business_types\": [\"complaints\", {\"key\": \"quality\", "
                                 "\"name\": \"质量\", \"skill\": \"quality\"}]}");
  dw_test_assert_status (created, 201);
  team = dw_test_response_object (created);
  id = json_object_get_int_member (team, "id");
  g_assert_cmpstr (json_object_get_string_member (team, "name"), ==, "投诉");
  g_assert_cmpint (json_object_get_int_member (team, "calendar_id"), ==, 1);
  types = json_object_get_array_member (team, "business_types");
  g_assert_cmpuint (json_array_get_length (types), ==, 2);

  path = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT, id);
  patched = dw_test_server_json (server, "PATCH", path, server->admin_token,
                                 "{\"description\": \"Complaints and 12315\"}");
  dw_test_assert_status (patched, 200);
  g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (patched), "name"), ==,
                   "投诉");

  got = dw_test_server_json (server, "GET", path, server->lead_token, NULL);
  dw_test_assert_status (got, 200);
  g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (got), "description"),
                   ==, "Complaints and 12315");

  taken = dw_test_server_json (server, "PATCH", path, server->admin_token,
                               "{\"name\": \"Logistics\"}");
  dw_test_assert_problem (taken, 409, "conflict");

  missing = dw_test_server_json (server, "GET", "/api/v1/teams/999", server->admin_token, NULL);
  dw_test_assert_problem (missing, 404, "not-found");
}

static void
test_user_visibility (void)
{
  g_autofree char *agent2 = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, server->agent2_id);
  g_autofree char *agent = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, server->agent_id);
  g_autofree char *team = g_strdup_printf ("/api/v1/users?team_id=%" G_GINT64_FORMAT,
                                           server->team_id);
  g_autoptr(DwTestResponse) hidden = NULL;
  g_autoptr(DwTestResponse) hidden2 = NULL;
  g_autoptr(DwTestResponse) visible = NULL;

  /* admin, lead, agent, agent2 and whoever the other tests added: at least 4. */
  g_assert_cmpuint (n_items (server->admin_token, "/api/v1/users"), >=, 4);
  g_assert_cmpuint (n_items (server->lead_token, "/api/v1/users"), ==, 2);  /* lead, agent */
  g_assert_cmpuint (n_items (server->agent_token, "/api/v1/users"), ==, 1);
  g_assert_cmpuint (n_items (server->admin_token, team), ==, 2);
  g_assert_cmpuint (n_items (server->admin_token, "/api/v1/users?presence=away"), ==, 0);

  hidden = dw_test_server_json (server, "GET", agent2, server->lead_token, NULL);
  dw_test_assert_problem (hidden, 404, "not-found");
  hidden2 = dw_test_server_json (server, "GET", agent2, server->agent_token, NULL);
  dw_test_assert_problem (hidden2, 404, "not-found");
  visible = dw_test_server_json (server, "GET", agent, server->lead_token, NULL);
  dw_test_assert_status (visible, 200);
  g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (visible),
                                                  "display_name"), ==, "李娜");
}

static void
test_user_admin (void)
{
  g_autoptr(DwTestResponse) created = NULL;
  g_autoptr(DwTestResponse) patched = NULL;
  g_autoptr(DwTestResponse) self_demote = NULL;
  g_autofree char *json = NULL;
  g_autofree char *path = NULL;
  g_autofree char *token = NULL;
  g_autofree char *admin_path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT,
                                                 server->admin_id);
  JsonObject *user;
  JsonArray *teams, *skills;

  json = g_strdup_printf ("{\"username\": \"wang.wu\", \"display_name\": \"王五\", "
                          "\"role\": \"agent\", \"capacity\": 4, \"password\": \"wang-password\", "
                          "\"teams\": [{\"id\": %" G_GINT64_FORMAT ", \"is_lead\": false}], "
                          "\"skills\": [{\"skill\": \"returns\", \"level\": 3}]}",
                          server->other_team_id);
  created = dw_test_server_json (server, "POST", "/api/v1/users", server->admin_token, json);
  dw_test_assert_status (created, 201);
  user = dw_test_response_object (created);
  g_assert_cmpint (json_object_get_int_member (user, "capacity"), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (user, "presence"), ==, "offline");
  g_assert_cmpint (json_object_get_int_member (user, "open_tickets"), ==, 0);
  g_assert_false (json_object_has_member (user, "password"));
  teams = json_object_get_array_member (user, "teams");
  g_assert_cmpuint (json_array_get_length (teams), ==, 1);
  skills = json_object_get_array_member (user, "skills");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (skills, 0), "level"),
                   ==, 3);

  path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, json_object_get_int_member (user, "id"));
  g_free (json);
  json = g_strdup_printf ("{\"role\": \"lead\", \"password\": \"new-password\", "
                          "\"teams\": [{\"id\": %" G_GINT64_FORMAT ", \"is_lead\": true}], "
                          "\"skills\": []}", server->other_team_id);
  patched = dw_test_server_json (server, "PATCH", path, server->admin_token, json);
  dw_test_assert_status (patched, 200);
  user = dw_test_response_object (patched);
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "lead");
  g_assert_true (json_object_get_boolean_member (
    json_array_get_object_element (json_object_get_array_member (user, "teams"), 0), "is_lead"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (user, "skills")), ==, 0);

  token = dw_test_server_sign_in (server, "wang.wu", "new-password");
  g_assert_nonnull (token);

  self_demote = dw_test_server_json (server, "PATCH", admin_path, server->admin_token,
                                     "{\"role\": \"agent\"}");
  dw_test_assert_problem (self_demote, 400, "validation");
}

static void
test_presence (void)
{
  g_autofree char *agent = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence",
                                            server->agent_id);
  g_autofree char *lead = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence",
                                           server->lead_id);
  g_autoptr(DwTestResponse) own = NULL;
  g_autoptr(DwTestResponse) by_lead = NULL;
  g_autoptr(DwTestResponse) by_admin = NULL;
  g_autoptr(DwTestResponse) not_yours = NULL;
  g_autoptr(DwTestResponse) unknown = NULL;
  JsonObject *user;

  own = dw_test_server_json (server, "PUT", agent, server->agent_token,
                             "{\"presence\": \"online\"}");
  dw_test_assert_status (own, 200);
  user = dw_test_response_object (own);
  g_assert_cmpstr (json_object_get_string_member (user, "presence"), ==, "online");

  /* A lead sets its members' presence (someone left without signing out). */
  by_lead = dw_test_server_json (server, "PUT", agent, server->lead_token,
                                 "{\"presence\": \"away\"}");
  dw_test_assert_status (by_lead, 200);
  g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (by_lead), "presence"),
                   ==, "away");

  by_admin = dw_test_server_json (server, "PUT", agent, server->admin_token,
                                  "{\"presence\": \"offline\"}");
  dw_test_assert_status (by_admin, 200);

  not_yours = dw_test_server_json (server, "PUT", lead, server->agent_token,
                                   "{\"presence\": \"offline\"}");
  dw_test_assert_problem (not_yours, 403, "forbidden");

  unknown = dw_test_server_json (server, "PUT", "/api/v1/users/999/presence", server->admin_token,
                                 "{\"presence\": \"online\"}");
  dw_test_assert_problem (unknown, 404, "not-found");
}

static void
test_customers (void)
{
  g_autoptr(DwTestResponse) created = NULL;
  g_autoptr(DwTestResponse) patched = NULL;
  g_autoptr(DwTestResponse) got = NULL;
  g_autoptr(DwTestResponse) page = NULL;
  g_autoptr(DwTestResponse) rest = NULL;
  g_autofree char *path = NULL;
  g_autofree char *next_path = NULL;
  JsonObject *c;

  /* Recorded by a lead (agents may not: tests/test-api-scope.c), who then sees the customer
   * it recorded. */
  created = dw_test_server_json (server, "POST", "/api/v1/customers", server->lead_token,
                                 "{\"name\": \"王先生\", \"phone\": \"13800000000\", "
                                 "\"tags\": [\"vip\"]}");
  dw_test_assert_status (created, 201);
  c = dw_test_response_object (created);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (c, "email")));
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (c, "tags"), 0),
                   ==, "vip");

  path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT,
                          json_object_get_int_member (c, "id"));
  patched = dw_test_server_json (server, "PATCH", path, server->lead_token,
                                 "{\"email\": \"wang@example.com\", \"tags\": []}");
  dw_test_assert_status (patched, 200);
  c = dw_test_response_object (patched);
  g_assert_cmpstr (json_object_get_string_member (c, "email"), ==, "wang@example.com");
  g_assert_cmpstr (json_object_get_string_member (c, "phone"), ==, "13800000000");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (c, "tags")), ==, 0);

  got = dw_test_server_json (server, "GET", path, server->lead_token, NULL);
  dw_test_assert_status (got, 200);

  for (int i = 0; i < 3; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"name\": \"Customer %d\"}", i);
      g_autoptr(DwTestResponse) r = dw_test_server_json (server, "POST", "/api/v1/customers",
                                                         server->admin_token, json);

      dw_test_assert_status (r, 201);
    }

  /* Searching and paging as the admin, who sees every customer. */
  g_assert_cmpuint (n_items (server->admin_token, "/api/v1/customers?q=1380"), ==, 1);
  g_assert_cmpuint (n_items (server->admin_token, "/api/v1/customers?q=Customer"), ==, 3);

  page = dw_test_server_json (server, "GET", "/api/v1/customers?limit=3", server->admin_token, NULL);
  dw_test_assert_status (page, 200);
  g_assert_cmpuint (json_array_get_length (dw_test_response_items (page)), ==, 3);
  next_path = g_strdup_printf ("/api/v1/customers?limit=3&cursor=%s",
                               json_object_get_string_member (dw_test_response_object (page),
                                                              "next_cursor"));
  rest = dw_test_server_json (server, "GET", next_path, server->admin_token, NULL);
  dw_test_assert_status (rest, 200);
  g_assert_cmpuint (json_array_get_length (dw_test_response_items (rest)), ==, 1);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (dw_test_response_object (rest),
                                                               "next_cursor")));
}

static void
test_calendars_and_policies (void)
{
  g_autoptr(DwTestResponse) calendars = dw_test_server_json (server, "GET", "/api/v1/calendars",
                                                             server->agent_token, NULL);
  g_autoptr(DwTestResponse) calendar = dw_test_server_json (server, "GET", "/api/v1/calendars/1",
                                                            server->agent_token, NULL);
  g_autoptr(DwTestResponse) missing = dw_test_server_json (server, "GET", "/api/v1/calendars/99",
                                                           server->agent_token, NULL);
  g_autoptr(DwTestResponse) policies = dw_test_server_json (server, "GET", "/api/v1/sla/policies",
                                                            server->agent_token, NULL);
  JsonObject *c;
  JsonArray *week;

  dw_test_assert_status (calendars, 200);
  g_assert_cmpuint (json_array_get_length (dw_test_response_items (calendars)), ==, 1);
  dw_test_assert_status (calendar, 200);
  c = dw_test_response_object (calendar);
  g_assert_cmpstr (json_object_get_string_member (c, "timezone"), ==, "Asia/Shanghai");
  week = json_object_get_array_member (c, "week");
  g_assert_cmpuint (json_array_get_length (week), ==, 7);
  g_assert_cmpuint (json_array_get_length (json_array_get_array_element (week, 6)), ==, 0);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (c, "holidays")));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (c, "workdays")));
  dw_test_assert_problem (missing, 404, "not-found");

  dw_test_assert_status (policies, 200);
  g_assert_nonnull (dw_test_response_items (policies));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = dw_test_server_new_with_desk ();

  g_test_add_func ("/api/directory/teams", test_teams);
  g_test_add_func ("/api/directory/user-visibility", test_user_visibility);
  g_test_add_func ("/api/directory/user-admin", test_user_admin);
  g_test_add_func ("/api/directory/presence", test_presence);
  g_test_add_func ("/api/directory/customers", test_customers);
  g_test_add_func ("/api/directory/calendars-and-policies", test_calendars_and_policies);

  ret = g_test_run ();
  dw_test_server_free (server);
  return ret;
}
