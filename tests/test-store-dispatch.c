/* test-store-dispatch.c: the named operations of store/dw-store-dispatch.h (the desk's routing,
 * assignment, load and membership queries, dw-desk.c's), on every backend.
 *
 * Like test-store-tickets: a fresh desk per test on each backend (tests/dw-test-store.h),
 * seeded with plain INSERTs both read, every test under /store/<backend>/dispatch/.
 */
#include "config.h"

#include "dw-enums.h"
#include "dw-store.h"
#include "store/dw-store-directory.h"
#include "store/dw-store-dispatch.h"
#include "store/dw-store-people.h"
#include "store/dw-store-tickets.h"
#include "dw-test-store.h"

typedef DwTestStoreFixture Fixture;

/* Team 7: Li (lead, online, capacity 2, skills), Wang (disabled), Zhou (also in team 8);
 * team 9 has nobody.  Tickets 31–35 of team 7: two queued, one queued but pending, one
 * assigned to Li, one solved of Li's; customer 21 is a VIP. */
static const char seed_sql[] =
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (7, 'Returns', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (8, 'Logistics', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (9, 'Empty', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO users (id, username, display_name, role, capacity, presence, presence_since, "
  "last_assigned_at, created_at) VALUES (11, 'li', 'Li', 'lead', 2, 'online', 1700000000, "
  "1600000000, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, disabled, "
  "created_at) VALUES (12, 'wang', 'Wang', 'agent', 0, 1, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (13, 'zhou', '周', 'agent', 0, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (14, 'loner', 'Loner', 'agent', 0, 0);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (8, 13, 0);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 13, 0);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 11, 1);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 12, 0);"
  "INSERT INTO user_skills (user_id, skill, level) VALUES (11, 'returns', 3);"
  "INSERT INTO user_skills (user_id, skill, level) VALUES (11, 'Zoll', 1);"
  "INSERT INTO user_skills (user_id, skill, level) VALUES (11, 'b2b', 2);"
  "INSERT INTO user_skills (user_id, skill, level) VALUES (13, 'returns', 5);"
  "INSERT INTO user_skills (user_id, skill, level) VALUES (12, 'returns', 4);"
  "INSERT INTO customers (id, name, tags, created_at) VALUES (21, 'Zhao', '[\"vip\"]', 0);"
  "INSERT INTO business_types (key, name, team_id, skill) "
  "VALUES ('returns', 'Returns', 7, 'returns');"
  "INSERT INTO business_types (key, name, team_id) VALUES ('orphan', 'Orphan', 7);"
  "INSERT INTO tickets (id, subject, channel, business_type, priority, status, team_id, "
  "customer_id, created_at, updated_at) VALUES (31, 'a', 'web', 'returns', 'high', 'new', 7, "
  "21, 100, 100);"
  "INSERT INTO tickets (id, subject, channel, priority, status, team_id, created_at, "
  "updated_at) VALUES (32, 'b', 'web', 'low', 'open', 7, 90, 90);"
  "INSERT INTO tickets (id, subject, channel, priority, status, team_id, created_at, "
  "updated_at) VALUES (33, 'c', 'web', 'normal', 'pending', 7, 80, 80);"
  "INSERT INTO tickets (id, subject, channel, priority, status, team_id, assignee_id, "
  "created_at, updated_at) VALUES (34, 'd', 'web', 'normal', 'open', 7, 11, 70, 70);"
  "INSERT INTO tickets (id, subject, channel, priority, status, team_id, assignee_id, "
  "created_at, updated_at) VALUES (35, 'e', 'web', 'normal', 'solved', 7, 11, 60, 60);";

static int
skill_level (const DwStoreAgentRow *agent,
             const char            *skill)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (agent->skills, skill));
}

static void
test_agents (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) agents = NULL;
  DwStoreAgentRow *li, *zhou;

  /* Enabled members only, by id, with their active tickets and skills. */
  agents = dw_store_dispatch_agents (fixture->store, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agents->len, ==, 2);
  li = &g_array_index (agents, DwStoreAgentRow, 0);
  zhou = &g_array_index (agents, DwStoreAgentRow, 1);
  g_assert_cmpint (li->user_id, ==, 11);
  g_assert_cmpint (li->presence, ==, DW_PRESENCE_ONLINE);
  g_assert_cmpint (li->capacity, ==, 2);
  g_assert_cmpint (li->last_assigned_at, ==, 1600000000);
  g_assert_cmpint (li->open_tickets, ==, 1);
  g_assert_cmpuint (g_hash_table_size (li->skills), ==, 3);
  g_assert_cmpint (skill_level (li, "returns"), ==, 3);
  g_assert_cmpint (skill_level (li, "Zoll"), ==, 1);
  g_assert_cmpint (skill_level (li, "b2b"), ==, 2);
  g_assert_cmpint (zhou->user_id, ==, 13);
  g_assert_cmpint (zhou->presence, ==, DW_PRESENCE_OFFLINE);
  g_assert_cmpint (zhou->last_assigned_at, ==, 0);
  g_assert_cmpint (zhou->open_tickets, ==, 0);
  g_assert_cmpuint (g_hash_table_size (zhou->skills), ==, 1);
  g_assert_cmpint (skill_level (zhou, "returns"), ==, 5);
  g_clear_pointer (&agents, g_array_unref);

  /* Nobody. */
  agents = dw_store_dispatch_agents (fixture->store, 9, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agents->len, ==, 0);
  g_clear_pointer (&agents, g_array_unref);
  agents = dw_store_dispatch_agents (fixture->store, 999, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agents->len, ==, 0);
}

static void
test_business_type_skill (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *skill = NULL;

  g_assert_true (dw_store_business_type_skill (fixture->store, "returns", &skill, &error));
  g_assert_cmpstr (skill, ==, "returns");
  g_clear_pointer (&skill, g_free);
  g_assert_true (dw_store_business_type_skill (fixture->store, "orphan", &skill, &error));
  g_assert_null (skill);
  g_assert_true (dw_store_business_type_skill (fixture->store, "presales", &skill, &error));
  g_assert_null (skill);
  g_assert_no_error (error);
}

static int
queued_by_id (gconstpointer a,
              gconstpointer b)
{
  const DwStoreQueuedRow *x = a, *y = b;

  return (x->ticket_id > y->ticket_id) - (x->ticket_id < y->ticket_id);
}

static void
test_queue (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) queue = NULL;
  DwStoreQueuedRow *a, *b;

  /* Unassigned, new or open: the order is routing's to decide (sorted here). */
  queue = dw_store_dispatch_queue (fixture->store, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue->len, ==, 2);
  g_array_sort (queue, queued_by_id);
  a = &g_array_index (queue, DwStoreQueuedRow, 0);
  b = &g_array_index (queue, DwStoreQueuedRow, 1);
  g_assert_cmpint (a->ticket_id, ==, 31);
  g_assert_cmpint (a->priority, ==, DW_PRIORITY_HIGH);
  g_assert_cmpint (a->created_at, ==, 100);
  g_assert_cmpstr (a->business_type, ==, "returns");
  g_assert_cmpstr (a->customer_tags, ==, "[\"vip\"]");
  g_assert_cmpint (b->ticket_id, ==, 32);
  g_assert_cmpint (b->priority, ==, DW_PRIORITY_LOW);
  g_assert_null (b->business_type);
  g_assert_cmpstr (b->customer_tags, ==, "[]");
  g_clear_pointer (&queue, g_array_unref);

  queue = dw_store_dispatch_queue (fixture->store, 8, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue->len, ==, 0);
}

static void
test_ticket_business_type (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *type = NULL;

  g_assert_true (dw_store_ticket_get_business_type (fixture->store, 31, &type, &error));
  g_assert_cmpstr (type, ==, "returns");
  g_clear_pointer (&type, g_free);
  g_assert_true (dw_store_ticket_get_business_type (fixture->store, 32, &type, &error));
  g_assert_null (type);
  g_assert_true (dw_store_ticket_get_business_type (fixture->store, 4242, &type, &error));
  g_assert_null (type);
  g_assert_no_error (error);
}

static void
test_assign (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStoreTicketRow) row = { 0 };
  g_autoptr(JsonObject) json = NULL;

  /* A fresh ticket keeps its version; a queued one moves one up. */
  g_assert_true (dw_store_ticket_assign (fixture->store, 31, 13, 1700000500, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_ticket_load (fixture->store, 31, &row, &error));
  g_assert_cmpint (row.assignee_id, ==, 13);
  g_assert_cmpint (row.version, ==, 1);
  dw_store_ticket_row_clear (&row);

  g_assert_true (dw_store_ticket_assign (fixture->store, 32, 11, 1700000600, TRUE, &error));
  g_assert_true (dw_store_ticket_load (fixture->store, 32, &row, &error));
  g_assert_cmpint (row.assignee_id, ==, 11);
  g_assert_cmpint (row.version, ==, 2);
  json = dw_store_ticket_load_json (fixture->store, 32, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json, "updated_at"), ==,
                   "2023-11-14T22:23:20Z");

  /* An assignee must be a user (ticket 33 has none yet: on PostgreSQL only an unassigned
   * ticket is assigned, below). */
  g_assert_false (dw_store_ticket_assign (fixture->store, 33, 999, 1, TRUE, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* Several instances dispatch at once on PostgreSQL: a ticket another one assigned since it
   * was read keeps its assignee (docs/design.md "Several instances deciding at once").  SQLite's
   * one writer cannot be overtaken, and its assignment stays as it was. */
  if (g_str_equal (fixture->desk->backend, "postgresql"))
    {
      g_assert_false (dw_store_ticket_assign (fixture->store, 32, 13, 1700000700, TRUE, &error));
      g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT);
      dw_store_ticket_row_clear (&row);
      g_assert_true (dw_store_ticket_load (fixture->store, 32, &row, NULL));
      g_assert_cmpint (row.assignee_id, ==, 11);
      g_assert_cmpint (row.version, ==, 2);
    }
}

static void
test_user_load (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 load = -1, capacity = -1;

  /* Active tickets only (34, not the solved 35), without the one being saved. */
  g_assert_true (dw_store_user_load (fixture->store, 11, 0, &load, &capacity, &error));
  g_assert_no_error (error);
  g_assert_cmpint (load, ==, 1);
  g_assert_cmpint (capacity, ==, 2);
  g_assert_true (dw_store_user_load (fixture->store, 11, 34, &load, &capacity, &error));
  g_assert_cmpint (load, ==, 0);

  /* Nobody: no load, no limit. */
  g_assert_true (dw_store_user_load (fixture->store, 999, 0, &load, &capacity, &error));
  g_assert_no_error (error);
  g_assert_cmpint (load, ==, 0);
  g_assert_cmpint (capacity, ==, G_MAXINT64);
}

static void
test_membership (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) teams = NULL;
  g_autoptr(GArray) mine = NULL;
  g_autoptr(GArray) none = NULL;

  teams = dw_store_team_ids (fixture->store, &error);
  g_assert_no_error (error);
  /* By name: Empty, Logistics, Returns. */
  dw_test_store_assert_ids (teams, (gint64[]) { 9, 8, 7 }, 3);

  mine = dw_store_user_team_ids (fixture->store, 13, &error);
  g_assert_no_error (error);
  g_array_sort (mine, dw_test_store_compare_ids);
  dw_test_store_assert_ids (mine, (gint64[]) { 7, 8 }, 2);
  none = dw_store_user_team_ids (fixture->store, 14, &error);
  g_assert_no_error (error);
  dw_test_store_assert_ids (none, NULL, 0);

  g_assert_true (dw_store_user_in_team (fixture->store, 13, 8));
  g_assert_true (dw_store_user_in_team (fixture->store, 12, 7));
  g_assert_false (dw_store_user_in_team (fixture->store, 11, 8));
  g_assert_false (dw_store_user_in_team (fixture->store, 14, 7));

  g_assert_true (dw_store_entity_exists (fixture->store, DW_STORE_ENTITY_CALENDAR,
                                         dw_test_store_int (fixture->desk,
                                                            "SELECT min (id) FROM calendars")));
  g_assert_false (dw_store_entity_exists (fixture->store, DW_STORE_ENTITY_CALENDAR, 999));
}

static void
test_user_json (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) li = NULL;
  JsonArray *skills, *teams;

  li = dw_store_user_load_json (fixture->store, 11, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (li, "username"), ==, "li");
  g_assert_cmpstr (json_object_get_string_member (li, "presence_since"), ==,
                   "2023-11-14T22:13:20Z");
  g_assert_cmpint (json_object_get_int_member (li, "open_tickets"), ==, 1);
  g_assert_false (json_object_get_boolean_member (li, "disabled"));
  teams = json_object_get_array_member (li, "teams");
  g_assert_cmpuint (json_array_get_length (teams), ==, 1);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (teams, 0),
                                                 "is_lead"));
  /* By the skill's bytes: upper case first. */
  skills = json_object_get_array_member (li, "skills");
  g_assert_cmpuint (json_array_get_length (skills), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (skills, 0),
                                                  "skill"), ==, "Zoll");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (skills, 1),
                                                  "skill"), ==, "b2b");

  g_assert_null (dw_store_user_load_json (fixture->store, 4242, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
}

/* The user object of both backends, member by member, types included. */
static void
test_user_json_alike (void)
{
  g_autoptr(DwTestStore) sqlite = dw_test_store_open_seeded ("sqlite", seed_sql);
  g_autoptr(DwTestStore) pg = dw_test_store_open_seeded ("postgresql", seed_sql);

  for (gint64 id = 11; id <= 14; id++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) a = dw_store_user_load_json (sqlite->store, id, &error);
      g_autoptr(JsonObject) b = NULL;
      g_autoptr(JsonNode) a_node = json_node_init_object (json_node_alloc (), a);
      g_autoptr(JsonNode) b_node = NULL;
      g_autofree char *a_text = NULL;
      g_autofree char *b_text = NULL;

      g_assert_no_error (error);
      b = dw_store_user_load_json (pg->store, id, &error);
      g_assert_no_error (error);
      b_node = json_node_init_object (json_node_alloc (), b);
      a_text = json_to_string (a_node, FALSE);
      b_text = json_to_string (b_node, FALSE);
      g_test_message ("%s / %s", a_text, b_text);

      dw_test_store_assert_json_alike (a, b);
      g_assert_cmpstr (b_text, ==, a_text);
    }
}

int
main (int   argc,
      char *argv[])
{
  static const DwTestStoreCase tests[] = {
    { "agents", test_agents },
    { "business-type-skill", test_business_type_skill },
    { "queue", test_queue },
    { "ticket-business-type", test_ticket_business_type },
    { "assign", test_assign },
    { "user-load", test_user_load },
    { "membership", test_membership },
    { "user-json", test_user_json },
  };

  g_test_init (&argc, &argv, NULL);

  dw_test_store_add_cases ("/store", "dispatch", seed_sql, tests, G_N_ELEMENTS (tests));
  g_test_add_func ("/store/dispatch/user-json-alike", test_user_json_alike);

  return g_test_run ();
}
