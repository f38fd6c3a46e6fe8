/* test-store-people.c: the named operations of the store layer on people and credentials
 * (store/dw-store-auth.h), without HTTP.
 *
 * Written against the op tables, not against SQLite: every test runs once per backend
 * (tests/dw-test-store.h), under /store/<backend>/, and checks the same answers.
 */
#include "config.h"

#include "dw-calendar.h"
#include "dw-enums.h"
#include "dw-json.h"
#include "dw-store.h"
#include "store/dw-store-auth.h"
#include "store/dw-store-people.h"
#include "dw-test-store.h"

typedef DwTestStoreFixture Fixture;

/* Plain INSERTs with their ids, read alike by both backends.  Li is in two teams and leads
 * one; Wang is disabled; Chen has no password (cannot sign in) and no team. */
static const char seed_sql[] =
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (7, 'Returns', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (8, 'Billing', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO users (id, username, display_name, role, password_hash, presence, "
  "presence_since, created_at) VALUES (11, 'li', 'Li', 'lead', '$argon2id$fake', 'online', 0, 0);"
  "INSERT INTO users (id, username, display_name, role, password_hash, presence_since, disabled, "
  "created_at) VALUES (12, 'wang', 'Wang', 'agent', '$argon2id$other', 0, 1, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (13, 'chen', '陈', 'admin', 0, 0);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (8, 11, 0);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 11, 1);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 12, 0);";

/* Tests */

static void
test_users (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  gint64 user_id = 0;
  gboolean disabled = TRUE;

  g_assert_true (dw_store_user_find (fixture->store, "wang", &user_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (user_id, ==, 12);

  g_assert_true (dw_store_user_credentials (fixture->store, "li", &user_id, &hash, &disabled,
                                            &error));
  g_assert_no_error (error);
  g_assert_cmpint (user_id, ==, 11);
  g_assert_cmpstr (hash, ==, "$argon2id$fake");
  g_assert_false (disabled);
  g_clear_pointer (&hash, g_free);

  g_assert_true (dw_store_user_credentials (fixture->store, "wang", &user_id, &hash, &disabled,
                                            &error));
  g_assert_cmpint (user_id, ==, 12);
  g_assert_true (disabled);
  g_clear_pointer (&hash, g_free);

  /* No password: NULL, not "". */
  g_assert_true (dw_store_user_credentials (fixture->store, "chen", &user_id, &hash, &disabled,
                                            &error));
  g_assert_cmpint (user_id, ==, 13);
  g_assert_null (hash);

  /* Usernames match exactly. */
  g_assert_false (dw_store_user_find (fixture->store, "LI", &user_id, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (dw_store_user_credentials (fixture->store, "nobody", &user_id, &hash,
                                             &disabled, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
}

static void
test_principal (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStorePrincipalRow) li = { 0 };
  g_auto(DwStorePrincipalRow) wang = { 0 };
  g_auto(DwStorePrincipalRow) chen = { 0 };
  g_auto(DwStorePrincipalRow) nobody = { 0 };

  g_assert_true (dw_store_principal_load (fixture->store, 11, &li, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (li.username, ==, "li");
  g_assert_cmpint (li.role, ==, DW_ROLE_LEAD);
  g_assert_false (li.disabled);
  /* A set: its order is the backend's. */
  g_array_sort (li.team_ids, dw_test_store_compare_ids);
  g_assert_cmpint (li.team_ids->len, ==, 2);
  g_assert_cmpint (g_array_index (li.team_ids, gint64, 0), ==, 7);
  g_assert_cmpint (g_array_index (li.team_ids, gint64, 1), ==, 8);
  g_assert_cmpint (li.lead_team_ids->len, ==, 1);
  g_assert_cmpint (g_array_index (li.lead_team_ids, gint64, 0), ==, 7);

  g_assert_true (dw_store_principal_load (fixture->store, 12, &wang, &error));
  g_assert_true (wang.disabled);

  /* The empty case. */
  g_assert_true (dw_store_principal_load (fixture->store, 13, &chen, &error));
  g_assert_cmpstr (chen.username, ==, "chen");
  g_assert_cmpint (chen.role, ==, DW_ROLE_ADMIN);
  g_assert_cmpint (chen.team_ids->len, ==, 0);
  g_assert_cmpint (chen.lead_team_ids->len, ==, 0);

  g_assert_false (dw_store_principal_load (fixture->store, 4242, &nobody, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_assert_null (nobody.username);
}

static void
test_tokens (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwStoreTokenRow row = { 0 };
  gint64 first, second;

  first = dw_store_token_insert (fixture->store, 11, "aaaa", "laptop", 1000, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (first, >, 0);
  second = dw_store_token_insert (fixture->store, 13, "bbbb", NULL, 1001, 5000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (second, >, first);

  g_assert_true (dw_store_token_find (fixture->store, "aaaa", &row, &error));
  g_assert_no_error (error);
  g_assert_cmpint (row.id, ==, first);
  g_assert_cmpint (row.user_id, ==, 11);
  g_assert_cmpint (row.expires_at, ==, 0);
  g_assert_cmpint (row.revoked_at, ==, 0);
  g_assert_cmpint (row.last_used_at, ==, 0);

  g_assert_true (dw_store_token_touch (fixture->store, first, 1500, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_token_get (fixture->store, first, &row, &error));
  g_assert_no_error (error);
  g_assert_cmpint (row.id, ==, first);
  g_assert_cmpint (row.last_used_at, ==, 1500);

  g_assert_true (dw_store_token_get (fixture->store, second, &row, &error));
  g_assert_cmpint (row.user_id, ==, 13);
  g_assert_cmpint (row.expires_at, ==, 5000);

  /* Revoked once: a second revoke keeps the first time; an unknown id is no error. */
  g_assert_true (dw_store_token_revoke (fixture->store, second, 2000, &error));
  g_assert_true (dw_store_token_revoke (fixture->store, second, 3000, &error));
  g_assert_true (dw_store_token_revoke (fixture->store, 4242, 3000, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_token_find (fixture->store, "bbbb", &row, &error));
  g_assert_cmpint (row.revoked_at, ==, 2000);

  g_assert_false (dw_store_token_find (fixture->store, "cccc", &row, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (dw_store_token_get (fixture->store, 4242, &row, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static void
test_token_constraint (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (dw_store_token_insert (fixture->store, 11, "aaaa", "", 1, 0, &error), >, 0);
  g_assert_no_error (error);

  /* One row per hash: the lookup of every request depends on it. */
  g_assert_cmpint (dw_store_token_insert (fixture->store, 13, "aaaa", "", 1, 0, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  g_assert_cmpint (dw_store_token_insert (fixture->store, 4242, "dddd", "", 1, 0, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
}

static void
collect_user (const DwStoreUserListRow *row,
              gpointer                  user_data)
{
  g_string_append_printf (user_data, "%" G_GINT64_FORMAT " %s %s %s %s%s\n", row->id,
                          row->username, row->role, row->presence, row->display_name,
                          row->disabled ? " (disabled)" : "");
}

static void
collect_token (const DwStoreTokenListRow *row,
               gpointer                   user_data)
{
  g_string_append_printf (user_data, "%s [%s] %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                          " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", row->username,
                          row->label, row->created_at, row->expires_at, row->last_used_at,
                          row->revoked_at);
}

static void
test_lists (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) users = g_string_new (NULL);
  g_autoptr(GString) tokens = g_string_new (NULL);
  gint64 id;

  /* The empty case first. */
  g_assert_true (dw_store_token_list (fixture->store, NULL, collect_token, tokens, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tokens->str, ==, "");

  g_assert_true (dw_store_user_list (fixture->store, collect_user, users, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (users->str, ==,
                   "11 li lead online Li\n"
                   "12 wang agent offline Wang (disabled)\n"
                   "13 chen admin offline 陈\n");

  /* Ordered by id, whatever the user. */
  dw_store_token_insert (fixture->store, 13, "t1", "cli", 10, 0, &error);
  id = dw_store_token_insert (fixture->store, 11, "t2", "", 20, 90, &error);
  dw_store_token_insert (fixture->store, 13, "t3", "手机", 30, 0, &error);
  g_assert_no_error (error);
  dw_store_token_touch (fixture->store, id, 25, &error);
  dw_store_token_revoke (fixture->store, id, 26, &error);
  g_assert_no_error (error);

  g_assert_true (dw_store_token_list (fixture->store, NULL, collect_token, tokens, &error));
  g_assert_cmpstr (tokens->str, ==,
                   "chen [cli] 10 0 0 0\n"
                   "li [] 20 90 25 26\n"
                   "chen [手机] 30 0 0 0\n");

  g_string_truncate (tokens, 0);
  g_assert_true (dw_store_token_list (fixture->store, "chen", collect_token, tokens, &error));
  g_assert_cmpstr (tokens->str, ==, "chen [cli] 10 0 0 0\nchen [手机] 30 0 0 0\n");

  g_string_truncate (tokens, 0);
  g_assert_true (dw_store_token_list (fixture->store, "nobody", collect_token, tokens, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tokens->str, ==, "");
}

/* Users, memberships, skills */

static void
test_user_json (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) li = NULL;
  g_autoptr(JsonObject) chen = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  JsonObject *nobody;

  dw_test_store_exec (fixture->desk,
                      "INSERT INTO user_skills (user_id, skill, level) VALUES (11, 'zh', 5);"
                      "INSERT INTO user_skills (user_id, skill, level) VALUES (11, 'Returns', 3);"
                      "INSERT INTO tickets (id, subject, channel, status, team_id, assignee_id, "
                      "created_at, updated_at) VALUES (31, 'a', 'web', 'open', 7, 11, 0, 0);"
                      "INSERT INTO tickets (id, subject, channel, status, team_id, assignee_id, "
                      "created_at, updated_at) VALUES (32, 'b', 'web', 'solved', 7, 11, 0, 0);");

  li = dw_store_user_load_json (fixture->store, 11, &error);
  g_assert_no_error (error);
  node = json_node_init_object (json_node_alloc (), li);
  text = dw_json_to_string (node, FALSE);
  /* Members, their order, NULLs and sorting as the API has always given them. */
  g_assert_cmpstr (text, ==,
                   "{\"id\":11,\"username\":\"li\",\"display_name\":\"Li\",\"role\":\"lead\","
                   "\"capacity\":5,\"presence\":\"online\",\"presence_since\":\"1970-01-01T00:00:00Z\","
                   "\"teams\":[{\"id\":7,\"is_lead\":true},{\"id\":8,\"is_lead\":false}],"
                   "\"skills\":[{\"skill\":\"Returns\",\"level\":3},{\"skill\":\"zh\",\"level\":5}],"
                   "\"open_tickets\":1,\"disabled\":false}");

  chen = dw_store_user_load_json (fixture->store, 13, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (chen, "teams")), ==, 0);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (chen, "skills")), ==, 0);
  g_assert_cmpint (json_object_get_int_member (chen, "open_tickets"), ==, 0);

  nobody = dw_store_user_load_json (fixture->store, 4242, &error);
  g_assert_null (nobody);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
}

static void
test_user_write (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) json = NULL;
  g_autofree char *hash = NULL;
  DwStoreUserNew zhao = { "zhao", "赵", DW_ROLE_AGENT, NULL, 3, 1700000000 };
  DwStoreUserChange change = { .role = DW_ROLE_LEAD, .capacity = 9, .disabled = TRUE,
                               .set_password = TRUE, .password_hash = "$argon2id$new" };
  gboolean disabled;
  gint64 id, same;

  id = dw_store_user_insert (fixture->store, &zhao, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 13);

  json = dw_store_user_load_json (fixture->store, id, &error);
  g_assert_cmpstr (json_object_get_string_member (json, "display_name"), ==, "赵");
  g_assert_cmpstr (json_object_get_string_member (json, "presence"), ==, "offline");
  g_assert_cmpstr (json_object_get_string_member (json, "presence_since"), ==,
                   "2023-11-14T22:13:20Z");
  g_assert_cmpint (json_object_get_int_member (json, "capacity"), ==, 3);
  g_clear_pointer (&json, json_object_unref);
  g_assert_true (dw_store_user_credentials (fixture->store, "zhao", &same, &hash, &disabled,
                                            &error));
  g_assert_null (hash);

  /* Taken: a conflict, not any constraint. */
  g_assert_cmpint (dw_store_user_insert (fixture->store, &zhao, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  zhao.username = "zhao2";
  zhao.capacity = -1;
  g_assert_cmpint (dw_store_user_insert (fixture->store, &zhao, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* NULL display_name: kept. */
  g_assert_true (dw_store_user_update (fixture->store, id, &change, &error));
  g_assert_no_error (error);
  json = dw_store_user_load_json (fixture->store, id, &error);
  g_assert_cmpstr (json_object_get_string_member (json, "display_name"), ==, "赵");
  g_assert_cmpstr (json_object_get_string_member (json, "role"), ==, "lead");
  g_assert_cmpint (json_object_get_int_member (json, "capacity"), ==, 9);
  g_assert_true (json_object_get_boolean_member (json, "disabled"));
  g_clear_pointer (&json, json_object_unref);
  g_assert_true (dw_store_user_credentials (fixture->store, "zhao", &same, &hash, &disabled,
                                            &error));
  g_assert_cmpstr (hash, ==, "$argon2id$new");
  g_clear_pointer (&hash, g_free);

  /* Without set_password the hash stays; with it and NULL it goes. */
  change.display_name = "Zhao";
  change.password_hash = NULL;
  change.set_password = FALSE;
  g_assert_true (dw_store_user_update (fixture->store, id, &change, &error));
  g_assert_true (dw_store_user_credentials (fixture->store, "zhao", &same, &hash, &disabled,
                                            &error));
  g_assert_cmpstr (hash, ==, "$argon2id$new");
  g_clear_pointer (&hash, g_free);
  change.set_password = TRUE;
  g_assert_true (dw_store_user_update (fixture->store, id, &change, &error));
  g_assert_true (dw_store_user_credentials (fixture->store, "zhao", &same, &hash, &disabled,
                                            &error));
  g_assert_null (hash);
  g_assert_no_error (error);
}

static void
test_memberships_skills (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) json = NULL;
  g_autofree char *teams = NULL;
  g_autofree char *skills = NULL;

  g_assert_true (dw_store_memberships_clear (fixture->store, 11, &error));
  g_assert_true (dw_store_membership_insert (fixture->store, 8, 11, TRUE, &error));
  g_assert_no_error (error);
  g_assert_false (dw_store_membership_insert (fixture->store, 8, 11, FALSE, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_false (dw_store_membership_insert (fixture->store, 99, 11, FALSE, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  g_assert_true (dw_store_skills_clear (fixture->store, 11, &error));
  g_assert_true (dw_store_skill_insert (fixture->store, 11, "退货", 4, &error));
  g_assert_no_error (error);
  g_assert_false (dw_store_skill_insert (fixture->store, 11, "退货", 2, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_false (dw_store_skill_insert (fixture->store, 11, "zh", 6, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  json = dw_store_user_load_json (fixture->store, 11, &error);
  g_assert_no_error (error);
  teams = dw_json_to_string (json_object_get_member (json, "teams"), FALSE);
  skills = dw_json_to_string (json_object_get_member (json, "skills"), FALSE);
  g_assert_cmpstr (teams, ==, "[{\"id\":8,\"is_lead\":true}]");
  g_assert_cmpstr (skills, ==, "[{\"skill\":\"退货\",\"level\":4}]");

  /* Cleared: the empty case. */
  g_assert_true (dw_store_memberships_clear (fixture->store, 11, &error));
  g_assert_true (dw_store_skills_clear (fixture->store, 11, &error));
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM team_members WHERE user_id = 11"),
                   ==, 0);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM user_skills WHERE user_id = 11"),
                   ==, 0);
}

/* Presence and the tickets offline agents leave */

static void
test_presence_stranded (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) due = NULL;
  g_autoptr(JsonObject) json = NULL;
  const DwStoreStrandedRow *row;

  /* Nothing stranded yet: Li is online. */
  dw_test_store_exec (fixture->desk,
                      "UPDATE teams SET offline_grace_minutes = 10 WHERE id = 7;"
                      "UPDATE teams SET offline_grace_minutes = 0 WHERE id = 8;"
                      "INSERT INTO tickets (id, subject, channel, status, team_id, assignee_id, "
                      "created_at, updated_at) VALUES (41, 'a', 'web', 'open', 7, 11, 0, 0);"
                      "INSERT INTO tickets (id, subject, channel, status, team_id, assignee_id, "
                      "created_at, updated_at) VALUES (42, 'b', 'web', 'pending', 7, 11, 0, 0);"
                      "INSERT INTO tickets (id, subject, channel, status, team_id, assignee_id, "
                      "created_at, updated_at) VALUES (40, 'c', 'web', 'new', 8, 11, 0, 0);");
  g_assert_cmpint (dw_store_stranded_next_at (fixture->store, &error), ==, 0);
  g_assert_no_error (error);
  due = dw_store_stranded_due (fixture->store, 5000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (due->len, ==, 0);
  g_clear_pointer (&due, g_array_unref);

  g_assert_true (dw_store_presence_set (fixture->store, 11, DW_PRESENCE_OFFLINE, 1000, &error));
  g_assert_no_error (error);
  json = dw_store_user_load_json (fixture->store, 11, &error);
  g_assert_cmpstr (json_object_get_string_member (json, "presence"), ==, "offline");
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM presence_log "
                                      "WHERE user_id = 11 AND presence = 'offline' AND at = 1000"),
                   ==, 1);

  /* Team 8 has no grace: due at once; team 7's ten minutes later. */
  g_assert_cmpint (dw_store_stranded_next_at (fixture->store, &error), ==, 1000);
  due = dw_store_stranded_due (fixture->store, 1599, &error);
  g_assert_cmpint (due->len, ==, 1);
  row = &g_array_index (due, DwStoreStrandedRow, 0);
  g_assert_cmpint (row->ticket_id, ==, 40);
  g_assert_cmpint (row->team_id, ==, 8);
  g_assert_cmpint (row->assignee_id, ==, 11);
  g_assert_cmpint (row->presence_since, ==, 1000);
  g_assert_cmpint (row->grace_minutes, ==, 0);
  g_clear_pointer (&due, g_array_unref);

  /* Ordered by ticket; pending tickets stay with their agent. */
  due = dw_store_stranded_due (fixture->store, 1600, &error);
  g_assert_cmpint (due->len, ==, 2);
  g_assert_cmpint (g_array_index (due, DwStoreStrandedRow, 0).ticket_id, ==, 40);
  g_assert_cmpint (g_array_index (due, DwStoreStrandedRow, 1).ticket_id, ==, 41);
  g_assert_cmpint (g_array_index (due, DwStoreStrandedRow, 1).grace_minutes, ==, 10);

  g_assert_true (dw_store_ticket_hand_back (fixture->store, 40, 1600, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM tickets WHERE id = 40 "
                                      "AND assignee_id IS NULL AND version = 2 "
                                      "AND updated_at = 1600"), ==, 1);
  g_assert_cmpint (dw_store_stranded_next_at (fixture->store, &error), ==, 1600);
}

/* Teams and business types */

static void
test_teams (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  gint64 calendar = dw_store_calendar_first (fixture->store, &error);
  DwStoreTeamWrite team = { "Presales", NULL, calendar, 1700000000 };
  DwStoreTeamWrite rename = { "Pre-sales", "Before the order", 0, 0 };
  DwStoreTeamWrite taken = { "Returns", NULL, 0, 0 };
  DwStoreTeamWrite no_calendar = { "Nowhere", NULL, 0, 1 };
  JsonObject *nobody;
  gint64 id;

  g_assert_no_error (error);
  g_assert_cmpint (calendar, ==, dw_test_store_int (fixture->desk,
                                                    "SELECT min (id) FROM calendars"));

  id = dw_store_team_insert (fixture->store, &team, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 8);

  /* Keys by byte order; a new key is named after itself unless named. */
  g_assert_true (dw_store_business_type_put (fixture->store, "presales", NULL, id, FALSE, NULL,
                                             &error));
  g_assert_true (dw_store_business_type_put (fixture->store, "Demo", "演示", id, TRUE, "zh",
                                             &error));
  g_assert_no_error (error);
  json = dw_store_team_load_json (fixture->store, id, &error);
  g_assert_no_error (error);
  node = json_node_init_object (json_node_alloc (), json);
  text = dw_json_to_string (node, FALSE);
  expected = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"name\":\"Presales\","
                              "\"description\":\"\",\"calendar_id\":%" G_GINT64_FORMAT ","
                              "\"offline_grace_minutes\":10,"
                              "\"business_types\":[\"Demo\",\"presales\"]}", id, calendar);
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM business_types "
                                      "WHERE key = 'presales' AND name = 'presales' "
                                      "AND skill IS NULL"), ==, 1);

  /* Moved to team 7; the name and skill stay unless given. */
  g_assert_true (dw_store_business_type_put (fixture->store, "Demo", NULL, 7, FALSE, NULL,
                                             &error));
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM business_types "
                                      "WHERE key = 'Demo' AND name = '演示' AND skill = 'zh' "
                                      "AND team_id = 7"), ==, 1);
  g_assert_true (dw_store_business_type_put (fixture->store, "Demo", NULL, 7, TRUE, NULL,
                                             &error));
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM business_types "
                                      "WHERE key = 'Demo' AND skill IS NULL"), ==, 1);

  /* NULLs leave the columns as they are. */
  g_assert_true (dw_store_team_update (fixture->store, id, &rename, &error));
  g_assert_true (dw_store_team_set_grace (fixture->store, id, 0, &error));
  g_assert_no_error (error);
  g_clear_pointer (&json, json_object_unref);
  json = dw_store_team_load_json (fixture->store, id, &error);
  g_assert_cmpstr (json_object_get_string_member (json, "name"), ==, "Pre-sales");
  g_assert_cmpstr (json_object_get_string_member (json, "description"), ==, "Before the order");
  g_assert_cmpint (json_object_get_int_member (json, "calendar_id"), ==, calendar);
  g_assert_cmpint (json_object_get_int_member (json, "offline_grace_minutes"), ==, 0);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (json, "business_types")),
                   ==, 1);

  g_assert_false (dw_store_team_update (fixture->store, id, &taken, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  taken.calendar_id = calendar;
  g_assert_cmpint (dw_store_team_insert (fixture->store, &taken, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpint (dw_store_team_insert (fixture->store, &no_calendar, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  nobody = dw_store_team_load_json (fixture->store, 4242, &error);
  g_assert_null (nobody);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
}

/* Customers */

static gint64
add_customer (Fixture    *fixture,
              const char *name,
              const char *email)
{
  g_autoptr(GError) error = NULL;
  DwStoreCustomerWrite row = { .name = name, .email = email, .tags = "[\"vip\"]",
                               .created_at = 1700000000 };
  gint64 id = dw_store_customer_insert (fixture->store, &row, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static char *
list_names (Fixture                    *fixture,
            const DwStoreCustomerScope *scope,
            gint64                      after_id,
            const char                 *pattern,
            guint                       limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = dw_store_customer_list (fixture->store, scope, after_id, pattern,
                                                      limit, &error);
  GString *names = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? "," : "",
                            json_object_get_string_member (g_ptr_array_index (rows, i), "name"));
  return g_string_free (names, FALSE);
}

static void
test_customers (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GArray) lead_teams = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  DwStoreCustomerScope all = { .all = TRUE };
  DwStoreCustomerScope agent = { .user_id = 13 };
  DwStoreCustomerScope lead = { .user_id = 11, .team_ids = lead_teams };
  DwStoreCustomerWrite change = { .phone = "+86 10 1234", .set_phone = TRUE, .set_email = FALSE,
                                  .tags = "[]", .set_tags = TRUE };
  gint64 zhao, qian, sun, li;
  JsonObject *nobody;
  char *names;

  /* The empty case. */
  names = list_names (fixture, &all, 0, NULL, 10);
  g_assert_cmpstr (names, ==, "");
  g_free (names);

  zhao = add_customer (fixture, "Zhao", "zhao@example.com");
  qian = add_customer (fixture, "钱", NULL);
  sun = add_customer (fixture, "Sun_1", "SUN@example.com");
  li = add_customer (fixture, "Li", "li%x@example.com");

  json = dw_store_customer_load_json (fixture->store, qian, &error);
  g_assert_no_error (error);
  node = json_node_init_object (json_node_alloc (), json);
  text = dw_json_to_string (node, FALSE);
  expected = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"name\":\"钱\",\"email\":null,"
                              "\"phone\":null,\"tags\":[\"vip\"],"
                              "\"created_at\":\"2023-11-14T22:13:20Z\"}", qian);
  g_assert_cmpstr (text, ==, expected);
  g_clear_pointer (&json, json_object_unref);

  /* Only what is set changes; NULL name keeps it. */
  g_assert_true (dw_store_customer_update (fixture->store, zhao, &change, &error));
  g_assert_no_error (error);
  json = dw_store_customer_load_json (fixture->store, zhao, &error);
  g_assert_cmpstr (json_object_get_string_member (json, "name"), ==, "Zhao");
  g_assert_cmpstr (json_object_get_string_member (json, "email"), ==, "zhao@example.com");
  g_assert_cmpstr (json_object_get_string_member (json, "phone"), ==, "+86 10 1234");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (json, "tags")), ==, 0);
  change = (DwStoreCustomerWrite) { .name = "Zhao Yun", .set_email = TRUE };
  g_assert_true (dw_store_customer_update (fixture->store, zhao, &change, &error));
  g_clear_pointer (&json, json_object_unref);
  json = dw_store_customer_load_json (fixture->store, zhao, &error);
  g_assert_cmpstr (json_object_get_string_member (json, "name"), ==, "Zhao Yun");
  g_assert_true (json_object_get_null_member (json, "email"));
  g_assert_cmpstr (json_object_get_string_member (json, "phone"), ==, "+86 10 1234");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (json, "tags")), ==, 0);

  nobody = dw_store_customer_load_json (fixture->store, 4242, &error);
  g_assert_null (nobody);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Ordered by id, paged. */
  names = list_names (fixture, &all, 0, NULL, 10);
  g_assert_cmpstr (names, ==, "Zhao Yun,钱,Sun_1,Li");
  g_free (names);
  names = list_names (fixture, &all, qian, NULL, 1);
  g_assert_cmpstr (names, ==, "Sun_1");
  g_free (names);

  /* ASCII letters in either case; \ escapes % and _. */
  names = list_names (fixture, &all, 0, "%sun%", 10);
  g_assert_cmpstr (names, ==, "Sun_1");
  g_free (names);
  names = list_names (fixture, &all, 0, "%\\_%", 10);
  g_assert_cmpstr (names, ==, "Sun_1");
  g_free (names);
  names = list_names (fixture, &all, 0, "%\\%%", 10);
  g_assert_cmpstr (names, ==, "Li");
  g_free (names);
  names = list_names (fixture, &all, 0, "%钱%", 10);
  g_assert_cmpstr (names, ==, "钱");
  g_free (names);

  /* Scopes: the customers of one's tickets, of one's teams' (a lead), and those one recorded. */
  g_assert_false (dw_store_customer_visible (fixture->store, &agent, qian));
  g_assert_true (dw_store_customer_visible (fixture->store, &all, qian));
  g_assert_false (dw_store_customer_visible (fixture->store, &all, 4242));
  dw_test_store_exec (fixture->desk,
                      "INSERT INTO tickets (id, subject, channel, team_id, assignee_id, "
                      "customer_id, created_at, updated_at) VALUES (51, 'a', 'web', 7, 13, "
                      "(SELECT max (id) FROM customers WHERE name = '钱'), 0, 0);"
                      "INSERT INTO tickets (id, subject, channel, team_id, customer_id, "
                      "created_at, updated_at) VALUES (52, 'b', 'web', 8, "
                      "(SELECT max (id) FROM customers WHERE name = 'Sun_1'), 0, 0);"
                      "INSERT INTO audit (at, actor_id, entity, entity_id, action) "
                      "VALUES (0, 13, 'customer', (SELECT max (id) FROM customers "
                      "WHERE name = 'Li'), 'created');");
  g_assert_true (dw_store_customer_visible (fixture->store, &agent, qian));
  g_assert_true (dw_store_customer_visible (fixture->store, &agent, li));
  g_assert_false (dw_store_customer_visible (fixture->store, &agent, sun));
  names = list_names (fixture, &agent, 0, NULL, 10);
  g_assert_cmpstr (names, ==, "钱,Li");
  g_free (names);

  names = list_names (fixture, &lead, 0, NULL, 10);
  g_assert_cmpstr (names, ==, "");
  g_free (names);
  g_array_append_val (lead_teams, (gint64) { 8 });
  names = list_names (fixture, &lead, 0, NULL, 10);
  g_assert_cmpstr (names, ==, "Sun_1");
  g_free (names);
  g_assert_true (dw_store_customer_visible (fixture->store, &lead, sun));
}

/* The directory's lists */

static char *
ids_of (JsonArray *items)
{
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (items); i++)
    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                            json_object_get_int_member (json_array_get_object_element (items, i),
                                                        "id"));
  return g_string_free (ids, FALSE);
}

static void
test_directory_lists (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) lead_teams = g_array_new (FALSE, FALSE, sizeof (gint64));
  DwStoreUserScope all = { .all = TRUE };
  DwStoreUserScope self_only = { .user_id = 13 };
  DwStoreUserScope lead = { .user_id = 11, .team_ids = lead_teams };
  static const struct
  {
    gint64            team_id;
    int               presence;
    const char       *ids;
  } cases[] = {
    { 0, -1, "11,12,13" },
    { 7, -1, "11,12" },
    { 8, -1, "11" },
    { 0, DW_PRESENCE_OFFLINE, "12,13" },
    { 7, DW_PRESENCE_ONLINE, "11" },
    { 99, -1, "" },
  };
  JsonArray *items;
  char *ids;

  items = dw_store_team_list_json (fixture->store, &error);
  g_assert_no_error (error);
  ids = ids_of (items);
  g_assert_cmpstr (ids, ==, "7,8");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0),
                                                  "name"), ==, "Returns");
  g_free (ids);
  json_array_unref (items);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      items = dw_store_user_list_json (fixture->store, &all, cases[i].team_id, cases[i].presence,
                                       &error);
      g_assert_no_error (error);
      ids = ids_of (items);
      g_assert_cmpstr (ids, ==, cases[i].ids);
      g_free (ids);
      json_array_unref (items);
    }

  /* The objects are the single user's. */
  {
    g_autoptr(JsonObject) li = dw_store_user_load_json (fixture->store, 11, &error);

    items = dw_store_user_list_json (fixture->store, &all, 8, -1, &error);
    g_assert_true (json_object_equal (li, json_array_get_object_element (items, 0)));
    json_array_unref (items);
  }

  /* Itself only; a lead, its teams' members too. */
  items = dw_store_user_list_json (fixture->store, &self_only, 0, -1, &error);
  ids = ids_of (items);
  g_assert_cmpstr (ids, ==, "13");
  g_free (ids);
  json_array_unref (items);
  g_assert_true (dw_store_user_visible (fixture->store, &self_only, 13));
  g_assert_false (dw_store_user_visible (fixture->store, &self_only, 11));
  g_assert_true (dw_store_user_visible (fixture->store, &all, 11));
  g_assert_false (dw_store_user_visible (fixture->store, &all, 4242));

  g_assert_false (dw_store_user_visible (fixture->store, &lead, 12));
  g_array_append_val (lead_teams, (gint64) { 7 });
  g_assert_true (dw_store_user_visible (fixture->store, &lead, 12));
  items = dw_store_user_list_json (fixture->store, &lead, 0, DW_PRESENCE_OFFLINE, &error);
  g_assert_no_error (error);
  ids = ids_of (items);
  g_assert_cmpstr (ids, ==, "12");
  g_free (ids);
  json_array_unref (items);
}

/* SLA policies and calendars as the directory reads them */

static void
test_policies_calendars (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) policies = NULL;
  g_autoptr(JsonArray) calendars = NULL;
  g_autoptr(JsonObject) policy = NULL;
  g_autoptr(JsonObject) calendar = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  gint64 first;
  JsonObject *nobody;

  dw_test_store_exec (fixture->desk,
                      "DELETE FROM sla_policies;"
                      "INSERT INTO sla_policies (id, name, position, match_tags, "
                      "first_response_minutes, at_risk_ratio) VALUES (61, 'VIP', 2, '[\"vip\"]', "
                      "30, 0.5);"
                      "INSERT INTO sla_policies (id, name, position, resolution_minutes) "
                      "VALUES (62, 'Default', 1, 480);"
                      "INSERT INTO sla_policies (id, name, position) VALUES (60, 'Tie', 2);");

  policies = dw_store_policy_list_json (fixture->store, &error);
  g_assert_no_error (error);
  text = ids_of (policies);
  g_assert_cmpstr (text, ==, "62,60,61");
  g_clear_pointer (&text, g_free);

  policy = dw_store_policy_load_json (fixture->store, 61, &error);
  g_assert_no_error (error);
  node = json_node_init_object (json_node_alloc (), policy);
  text = dw_json_to_string (node, FALSE);
  g_assert_cmpstr (text, ==, "{\"id\":61,\"name\":\"VIP\",\"position\":2,"
                   "\"match_priorities\":[],\"match_tags\":[\"vip\"],\"match_channels\":[],"
                   "\"match_business_types\":[],\"first_response_minutes\":30,"
                   "\"next_response_minutes\":null,\"resolution_minutes\":null,"
                   "\"at_risk_ratio\":0.5,\"escalation\":{\"raise_priority\":true,"
                   "\"notify_lead\":true,\"reassign\":false}}");
  g_assert_true (json_object_equal (policy, json_array_get_object_element (policies, 2)));

  calendars = dw_store_calendar_list_json (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_array_get_length (calendars), >=, 1);
  first = json_object_get_int_member (json_array_get_object_element (calendars, 0), "id");
  g_assert_cmpint (first, ==, dw_test_store_int (fixture->desk, "SELECT min (id) FROM calendars"));
  calendar = dw_store_calendar_load_json (fixture->store, first, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_equal (calendar, json_array_get_object_element (calendars, 0)));
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (calendar, "week")), ==, 7);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&text, g_free);
  node = json_node_init_object (json_node_alloc (), calendar);
  text = dw_json_to_string (node, FALSE);
  expected = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"name\":", first);
  g_assert_true (g_str_has_prefix (text, expected));

  nobody = dw_store_policy_load_json (fixture->store, 4242, &error);
  g_assert_null (nobody);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  nobody = dw_store_calendar_load_json (fixture->store, 4242, &error);
  g_assert_null (nobody);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The empty case. */
  dw_test_store_exec (fixture->desk, "DELETE FROM sla_policies;");
  g_clear_pointer (&policies, json_array_unref);
  policies = dw_store_policy_list_json (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_array_get_length (policies), ==, 0);
}

/* Inside the caller's transaction: a rollback takes the token back. */
static void
test_in_callers_transaction (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwStoreTokenRow row = { 0 };

  g_assert_true (dw_test_store_begin (fixture->desk, &error));
  g_assert_cmpint (dw_store_token_insert (fixture->store, 11, "eeee", "", 1, 0, &error), >, 0);
  g_assert_true (dw_store_in_transaction (fixture->store));
  dw_test_store_rollback (fixture->desk);

  g_assert_false (dw_store_token_find (fixture->store, "eeee", &row, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
}

/* The calendar object, as the roster, the staffing day and the agents' figures read a team's
 * calendar (dw_calendar_new_from_json), of both backends member by member, JSON types
 * included: the default calendar and one with holidays and adjusted workdays. */
static void
test_calendar_json_alike (void)
{
  static const char calendar_sql[] =
    "INSERT INTO calendars (id, name, timezone, week, holidays, workdays) VALUES (40, 'Spring', "
    "'Asia/Shanghai', '[[[540,720],[780,1080]],[[540,1080]],[[540,1080]],[[540,1080]],"
    "[[540,1020]],[],[]]', '[\"2027-02-10\",\"2027-02-11\"]', "
    "'[{\"date\":\"2027-02-07\",\"as\":1}]');";
  g_autoptr(DwTestStore) sqlite = dw_test_store_open_seeded ("sqlite", calendar_sql);
  g_autoptr(DwTestStore) pg = dw_test_store_open_seeded ("postgresql", calendar_sql);
  gint64 first;

  first = dw_test_store_int (sqlite, "SELECT min (id) FROM calendars");
  g_assert_cmpint (dw_test_store_int (pg, "SELECT min (id) FROM calendars"), ==, first);

  for (const gint64 *id = (gint64[]) { first, 40, 0 }; *id != 0; id++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) a = dw_store_calendar_load_json (sqlite->store, *id, &error);
      g_autoptr(JsonObject) b = NULL;
      g_autoptr(JsonNode) a_node = NULL;
      g_autoptr(JsonNode) b_node = NULL;
      g_autofree char *a_text = NULL;
      g_autofree char *b_text = NULL;
      g_autoptr(DwCalendar) a_calendar = NULL;
      g_autoptr(DwCalendar) b_calendar = NULL;

      g_assert_no_error (error);
      b = dw_store_calendar_load_json (pg->store, *id, &error);
      g_assert_no_error (error);
      a_node = json_node_init_object (json_node_alloc (), a);
      b_node = json_node_init_object (json_node_alloc (), b);
      a_text = json_to_string (a_node, FALSE);
      b_text = json_to_string (b_node, FALSE);
      g_test_message ("%s / %s", a_text, b_text);

      g_assert_cmpuint (json_object_get_size (a), ==, 6);
      dw_test_store_assert_json_alike (a, b);
      g_assert_cmpstr (b_text, ==, a_text);

      a_calendar = dw_calendar_new_from_json (a, &error);
      g_assert_no_error (error);
      b_calendar = dw_calendar_new_from_json (b, &error);
      g_assert_no_error (error);
      {
        g_autoptr(JsonObject) a_again = dw_calendar_to_json (a_calendar);
        g_autoptr(JsonObject) b_again = dw_calendar_to_json (b_calendar);

        g_assert_true (json_object_equal (b_again, a_again));
      }
    }

  /* what the readers turn into a 404 */
  for (DwTestStore **desk = (DwTestStore *[]) { sqlite, pg, NULL }; *desk != NULL; desk++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (dw_store_calendar_load_json ((*desk)->store, 4242, &error));
      g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
    }
}

int
main (int   argc,
      char *argv[])
{
  static const DwTestStoreCase tests[] = {
    { "people/users", test_users },
    { "people/principal", test_principal },
    { "people/tokens", test_tokens },
    { "people/token-constraint", test_token_constraint },
    { "people/lists", test_lists },
    { "people/in-callers-transaction", test_in_callers_transaction },
    { "people/user-json", test_user_json },
    { "people/user-write", test_user_write },
    { "people/memberships-skills", test_memberships_skills },
    { "people/presence-stranded", test_presence_stranded },
    { "people/teams", test_teams },
    { "people/customers", test_customers },
    { "people/directory-lists", test_directory_lists },
    { "people/policies-calendars", test_policies_calendars },
  };

  g_test_init (&argc, &argv, NULL);

  dw_test_store_add_cases ("/store", NULL, seed_sql, tests, G_N_ELEMENTS (tests));

  g_test_add_func ("/store/people/calendar-json-alike", test_calendar_json_alike);

  return g_test_run ();
}
