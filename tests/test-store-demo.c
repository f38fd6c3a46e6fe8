/* test-store-demo.c: the demo seed's operations (store/dw-store-demo.h), without HTTP.
 *
 * Every test runs once per backend (tests/dw-test-store.h), under /store/<backend>/demo/, and
 * checks the same answers: the rows written as given, the ids made in order, a customer batch
 * larger than one PostgreSQL INSERT, the tickets held beyond capacity and their hand-back.
 */
#include "config.h"

#include "dw-store.h"
#include "store/dw-store-demo.h"
#include "dw-test-store.h"

typedef struct
{
  DwTestStore *desk;
  DwStore     *store;
} Fixture;

/* Two agents of capacity 1 and 2 and a lead; tickets of agent 21: two open, one pending, one
 * solved; of agent 22: two open; of the lead: three open (leads are never handed back). */
static const char held_sql[] =
  "INSERT INTO users (id, username, display_name, role, capacity, presence_since, created_at) "
  "VALUES (21, 'a', 'A', 'agent', 1, 0, 0), (22, 'b', 'B', 'agent', 2, 0, 0), "
  "       (23, 'c', 'C', 'lead', 0, 0, 0);"
  "INSERT INTO tickets (id, subject, channel, status, assignee_id, created_at, updated_at) "
  "VALUES (100, 'p', 'web', 'pending', 21, 10, 10), (101, 'o1', 'web', 'open', 21, 30, 30), "
  "       (102, 'o2', 'web', 'new', 21, 20, 20), (103, 's', 'web', 'solved', 21, 5, 5), "
  "       (104, 'b1', 'web', 'open', 22, 1, 1), (105, 'b2', 'web', 'open', 22, 2, 2), "
  "       (106, 'l1', 'web', 'open', 23, 1, 1), (107, 'l2', 'web', 'open', 23, 2, 2);";

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->desk = dw_test_store_open (data);
  fixture->store = fixture->desk->store;
  g_assert_cmpstr (fixture->store->backend->name, ==, data);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->desk, dw_test_store_close);
}

static void
test_fast_writes (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* Between transactions, as the seed and the history's slices call them. */
  g_assert_true (dw_store_demo_seed_cache (fixture->store, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_demo_fast_writes (fixture->store, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_demo_fast_writes (fixture->store, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_demo_seed_cache (fixture->store, FALSE, &error));
  g_assert_no_error (error);
}

static void
test_seed (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwStoreDemoPolicy policy = {
    .name = "VIP", .priorities = "[]", .tags = "[\"vip\"]", .business_types = "[]",
    .first_response_minutes = 15, .next_response_minutes = 30, .resolution_minutes = 480,
    .escalation = "{\"notify_lead\":true}", .position = 10,
  };
  DwStoreDemoUser user = {
    .username = "li", .display_name = "李", .role = "agent", .password_hash = "$x",
    .capacity = 6, .presence = "online", .presence_since = 50, .created_at = 40,
  };
  gint64 calendar, team, second_team, user_id, second_user;

  g_assert_true (dw_test_store_begin (fixture->desk, &error));
  calendar = dw_store_demo_insert_calendar (fixture->store, "电商客服", "Asia/Shanghai",
                                            "[]", "[]", "[]", &error);
  g_assert_no_error (error);
  g_assert_cmpint (calendar, >, 0);
  team = dw_store_demo_insert_team (fixture->store, "售前", "desc", calendar, 7, &error);
  g_assert_no_error (error);
  second_team = dw_store_demo_insert_team (fixture->store, "售后", "", calendar, 8, &error);
  g_assert_no_error (error);
  g_assert_cmpint (second_team, ==, team + 1);
  g_assert_true (dw_store_demo_insert_business_type (fixture->store, "presales", "售前咨询",
                                                     team, "presales", &error));
  g_assert_true (dw_store_demo_insert_routing_rule (fixture->store, 10, "发货", "presales",
                                                    &error));
  g_assert_true (dw_store_demo_put_setting (fixture->store, "k", "1", &error));
  g_assert_true (dw_store_demo_put_setting (fixture->store, "k", "2", &error));
  g_assert_true (dw_store_demo_insert_policy (fixture->store, &policy, &error));
  g_assert_no_error (error);

  user_id = dw_store_demo_insert_user (fixture->store, &user, &error);
  g_assert_no_error (error);
  g_assert_cmpint (user_id, >, 0);
  user.username = "wang";
  second_user = dw_store_demo_insert_user (fixture->store, &user, &error);
  g_assert_cmpint (second_user, ==, user_id + 1);
  g_assert_true (dw_store_demo_insert_member (fixture->store, team, user_id, TRUE, &error));
  g_assert_true (dw_store_demo_insert_member (fixture->store, second_team, user_id, FALSE,
                                              &error));
  g_assert_true (dw_store_demo_insert_skill (fixture->store, user_id, "presales", 3, &error));
  g_assert_true (dw_store_demo_insert_presence (fixture->store, user_id, "online", 60, &error));
  g_assert_true (dw_store_demo_insert_shift (fixture->store, user_id, team, 100, 200, &error));
  g_assert_no_error (error);
  g_assert_true (dw_test_store_commit (fixture->desk, &error));
  g_assert_no_error (error);

  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM teams WHERE name = '售后' "
                                      "AND description = '' AND created_at = 8"), ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM business_types WHERE key = "
                                      "'presales' AND skill = 'presales'"), ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT position FROM routing_rules WHERE keyword = "
                                      "'发货'"), ==, 10);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT value FROM settings WHERE key = 'k'"), ==, 2);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT resolution_minutes FROM sla_policies WHERE "
                                      "name = 'VIP' AND match_channels = '[]' AND "
                                      "match_tags = '[\"vip\"]' AND at_risk_ratio = 0.75"),
                   ==, 480);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT capacity FROM users WHERE username = 'li' AND "
                                      "display_name = '李' AND presence = 'online' AND "
                                      "presence_since = 50 AND created_at = 40"), ==, 6);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT sum (is_lead) FROM team_members"), ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT level FROM user_skills WHERE skill = "
                                      "'presales'"), ==, 3);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT at FROM presence_log WHERE presence = "
                                      "'online'"), ==, 60);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT ends_at - starts_at FROM shifts"), ==, 100);
}

static void
test_constraints (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwStoreDemoUser user = {
    .username = "li", .display_name = "Li", .role = "agent", .password_hash = "$x",
    .capacity = 6, .presence = "offline",
  };

  g_assert_cmpint (dw_store_demo_insert_user (fixture->store, &user, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (dw_store_demo_insert_user (fixture->store, &user, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
}

static void
test_customers (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree DwStoreDemoCustomer *rows = g_new0 (DwStoreDemoCustomer, 1203);
  gint64 first;

  /* None: nothing written. */
  g_assert_true (dw_store_demo_insert_customers (fixture->store, rows, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM customers"), ==, 0);

  for (guint i = 0; i < 1203; i++)
    {
      char *name = g_strdup_printf ("c%u", i);

      g_ptr_array_add (texts, name);
      rows[i] = (DwStoreDemoCustomer) {
        .name = name, .email = i % 4 == 0 ? "x@qq.com" : NULL, .phone = "138",
        .tags = i % 2 ? "[\"vip\"]" : "[]", .created_at = i,
      };
    }
  g_assert_true (dw_test_store_begin (fixture->desk, &error));
  g_assert_true (dw_store_demo_insert_customers (fixture->store, rows, 1203, &error));
  g_assert_no_error (error);
  g_assert_true (dw_test_store_commit (fixture->desk, &error));

  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM customers"), ==,
                   1203);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM customers WHERE email IS NULL"), ==,
                   1203 - 301);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM customers WHERE tags = "
                                      "'[\"vip\"]'"), ==, 601);
  /* The ids follow the rows. */
  first = dw_test_store_int (fixture->desk, "SELECT min (id) FROM customers");
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT max (id) FROM customers"), ==,
                   first + 1202);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM customers c WHERE c.id - "
                                      "(SELECT min (id) FROM customers) <> c.created_at OR "
                                      "c.name <> 'c' || c.created_at"), ==, 0);
}

static void
test_held_requeue (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) held = g_array_new (FALSE, FALSE, sizeof (DwStoreDemoHeld));
  static const DwStoreDemoHeld expected[] = { { 101, 21 }, { 100, 21 } };

  /* The empty desk: nobody holds anything. */
  g_assert_true (dw_store_demo_held_over_capacity (fixture->store, held, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (held->len, ==, 0);

  dw_test_store_exec (fixture->desk, held_sql);
  dw_test_store_seeded (fixture->desk);

  /* Agent 21 keeps its oldest waiting ticket (102); the newer open one, then the pending one,
   * go back.  Agent 22 is within capacity; the lead is not an agent. */
  g_assert_true (dw_store_demo_held_over_capacity (fixture->store, held, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (held->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < held->len; i++)
    {
      g_assert_cmpint (g_array_index (held, DwStoreDemoHeld, i).ticket_id, ==,
                       expected[i].ticket_id);
      g_assert_cmpint (g_array_index (held, DwStoreDemoHeld, i).agent_id, ==,
                       expected[i].agent_id);
    }

  g_assert_true (dw_test_store_begin (fixture->desk, &error));
  g_assert_true (dw_store_demo_requeue (fixture->store, 101, 21, 1000, &error));
  g_assert_no_error (error);
  g_assert_true (dw_test_store_commit (fixture->desk, &error));

  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM tickets WHERE id = 101 AND "
                                      "assignee_id IS NULL AND version = 2"), ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM audit WHERE at = 1000 AND entity = "
                                      "'ticket' AND entity_id = 101 AND action = 'queued' AND "
                                      "field = 'assignee_id' AND before = '21' AND after = "
                                      "'null'"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  static const struct
  {
    const char *name;
    void      (*func) (Fixture *, gconstpointer);
  } tests[] = {
    { "demo/fast-writes", test_fast_writes },
    { "demo/seed", test_seed },
    { "demo/constraints", test_constraints },
    { "demo/customers", test_customers },
    { "demo/held-requeue", test_held_requeue },
  };

  g_test_init (&argc, &argv, NULL);

  for (const char * const *backend = dw_test_store_backends (); *backend != NULL; backend++)
    for (guint t = 0; t < G_N_ELEMENTS (tests); t++)
      {
        g_autofree char *path = g_strdup_printf ("/store/%s/%s", *backend, tests[t].name);

        g_test_add_vtable (path, sizeof (Fixture), *backend, (GTestFixtureFunc) fixture_set_up,
                           (GTestFixtureFunc) tests[t].func, (GTestFixtureFunc) fixture_tear_down);
      }

  return g_test_run ();
}
