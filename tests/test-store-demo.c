/* test-store-demo.c: the demo seed's operations (store/dw-store-demo.h), without HTTP.
 *
 * Every test runs once per backend (tests/dw-test-store.h), under /store/<backend>/demo/, and
 * checks the same answers: the rows written as given, the ids made in order, a customer batch
 * larger than one PostgreSQL INSERT, the tickets held beyond capacity and their hand-back.
 * /store/demo/populate-alike seeds the whole demo desk (dw_demo_seed, the history, its end) on
 * every backend with the same seed and compares them.
 */
#include "config.h"

#include "dw-demo.h"
#include "dw-demo-private.h"
#include "dw-store.h"
#include "store/dw-store-demo.h"
#include "store/dw-store-tx.h"
#include "dw-test-store.h"

typedef DwTestStoreFixture Fixture;

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

/* 0 while commits do not wait for the disk, 1 when they do: SQLite's synchronous (OFF or FULL),
 * PostgreSQL's synchronous_commit (off, or the session's setting, "on" here). */
static gint64
synchronous (DwTestStore *desk)
{
  if (g_str_equal (desk->backend, "postgresql"))
    return dw_test_store_int (desk, "SELECT CASE current_setting ('synchronous_commit') "
                                    "WHEN 'off' THEN 0 WHEN 'on' THEN 1 ELSE 2 END");
  return dw_test_store_int (desk, "PRAGMA synchronous") == 2 ? 1 : 0;
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
  g_assert_cmpint (synchronous (fixture->desk), ==, 0);
  g_assert_true (dw_store_demo_fast_writes (fixture->store, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (synchronous (fixture->desk), ==, 1);
  g_assert_true (dw_store_demo_seed_cache (fixture->store, FALSE, &error));
  g_assert_no_error (error);
}

static void
test_is_empty (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwDemoBacklog *backlog = NULL;
  gboolean empty = FALSE;

  /* A migrated desk has its calendar and settings, and nobody. */
  g_assert_true (dw_store_demo_is_empty (fixture->store, &empty, &error));
  g_assert_no_error (error);
  g_assert_true (empty);

  dw_test_store_exec (fixture->desk,
                      "INSERT INTO users (id, username, display_name, role, presence_since, "
                      "created_at) VALUES (5, 'a', 'A', 'agent', 0, 0)");
  g_assert_true (dw_store_demo_is_empty (fixture->store, &empty, &error));
  g_assert_no_error (error);
  g_assert_false (empty);

  /* The demo refuses a desk with anybody in it, and writes nothing. */
  g_assert_false (dw_demo_seed (fixture->store, 1773111600, &backlog, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED);
  g_assert_null (backlog);
  g_assert_false (dw_store_in_transaction (fixture->store));
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM users"), ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM teams"), ==, 0);
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

  dw_test_store_seed (fixture->desk, held_sql);

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

/* Local time is UTC+8: day 1's 08:00 is 86400, its 12:00 100800; day 2's 10:00 is 180000. */
static const char roster_sql[] =
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (7, 'Logistics', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (31, 'a', 'A', 'agent', 0, 0), (32, 'b', 'B', 'agent', 0, 0);"
  "INSERT INTO shift_templates (id, team_id, name, start_minute, end_minute) "
  "VALUES (50, 7, 'early', 480, 960), (51, 7, 'middle', 720, 1200);"
  "INSERT INTO shifts (id, user_id, team_id, starts_at, ends_at) "
  "VALUES (60, 31, 7, 86400, 115200), (61, 32, 7, 100800, 129600), "
  "       (62, 32, 7, 180000, 183600);"
  "INSERT INTO presence_log (user_id, presence, at) "
  "VALUES (31, 'online', 86000), (31, 'online', 86900), (31, 'away', 86500), "
  "       (31, 'online', 90000), (32, 'online', 99000), (32, 'online', 100000), "
  "       (32, 'away', 100500);";

static void
test_roster (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 user = -1;
  gboolean found = TRUE;

  dw_test_store_seed (fixture->desk, roster_sql);

  g_assert_true (dw_store_demo_shifts_tie_templates (fixture->store, 8 * 3600, 4 * 3600, 1800,
                                                     &error));
  g_assert_no_error (error);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM shifts WHERE id = 60 AND "
                                      "template_id = 50 AND breaks = '[[100800,102600]]' AND "
                                      "break_seconds = 1800"), ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM shifts WHERE id = 61 AND "
                                      "template_id = 51 AND breaks = '[[115200,117000]]'"), ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM shifts WHERE id = 62 AND "
                                      "template_id IS NULL AND breaks = '[[194400,196200]]'"),
                   ==, 1);

  /* The latest first; none when the window is empty. */
  g_assert_true (dw_store_demo_latest_shifts (fixture->store, 7, 0, 90000, 1000000, 3, ids,
                                              &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 62);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, 61);
  g_array_set_size (ids, 0);
  g_assert_true (dw_store_demo_latest_shifts (fixture->store, 7, 0, 0, 1000000, 1, ids, &error));
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 62);
  g_array_set_size (ids, 0);
  g_assert_true (dw_store_demo_latest_shifts (fixture->store, 7, 200000, 0, 1000000, 3, ids,
                                              &error));
  g_assert_cmpuint (ids->len, ==, 0);

  /* Started 45 minutes before @before, or not. */
  g_assert_true (dw_store_demo_first_shift_at (fixture->store, 7, 86400, 86400 + 2700, &user,
                                               &found, &error));
  g_assert_no_error (error);
  g_assert_false (found);
  g_assert_cmpint (user, ==, 0);
  g_assert_true (dw_store_demo_first_shift_at (fixture->store, 7, 86400, 86400 + 2701, &user,
                                               &found, &error));
  g_assert_true (found);
  g_assert_cmpint (user, ==, 31);

  g_assert_true (dw_test_store_begin (fixture->desk, &error));
  g_assert_true (dw_store_demo_move_online (fixture->store, 31, 85800, 87000, 89100, &error));
  g_assert_true (dw_store_demo_take_offline (fixture->store, 32, 100000, &error));
  g_assert_true (dw_store_demo_delete_user_shifts (fixture->store, 31, 86500, 86600, &error));
  g_assert_true (dw_store_demo_delete_user_shifts (fixture->store, 32, 0, 100800, &error));
  g_assert_true (dw_store_demo_insert_draft_week (fixture->store, 7, 604800, &error));
  g_assert_no_error (error);
  g_assert_true (dw_test_store_commit (fixture->desk, &error));
  g_assert_no_error (error);

  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM presence_log WHERE user_id = 31 "
                                      "AND at = 89100 AND presence = 'online'"), ==, 2);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM presence_log WHERE user_id = 31"),
                   ==, 4);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM presence_log WHERE user_id = 32"),
                   ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT presence_since FROM users WHERE id = 32 AND "
                                      "presence = 'offline'"), ==, 100000);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM shifts WHERE user_id = 31"), ==, 0);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM shifts WHERE user_id = 32"), ==, 2);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM roster_weeks WHERE team_id = 7 AND "
                                      "state = 'draft' AND published_at IS NULL"), ==, 1);

  /* A week is drafted once. */
  g_assert_false (dw_store_demo_insert_draft_week (fixture->store, 7, 604800, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
}

/* Sunday 6 December 2026, 14:00 in Beijing: "next week" is the one that starts tomorrow, Monday
 * 7 December, and not the week after (the demo started on a Sunday put its leave and training
 * a week late: the Monday after today + 8 days). */
#define SUNDAY_NOW G_GINT64_CONSTANT (1796536800)
#define NEXT_MONDAY G_GINT64_CONSTANT (1796572800)   /* 2026-12-07 00:00 Beijing */

static void
test_next_week_on_sunday (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwDemoBacklog *backlog = NULL;
  g_autofree char *leave = NULL, *training = NULL;

  dw_demo_set_seed (13);
  g_assert_true (dw_demo_seed (fixture->store, SUNDAY_NOW, &backlog, &error));
  g_assert_no_error (error);
  dw_demo_backlog_free (backlog);

  /* annual leave Wednesday to Friday, training Tuesday 13:00–18:00, of the week from Monday */
  leave = g_strdup_printf ("SELECT count (*) FROM absences WHERE kind = 'leave' AND starts_at = %"
                           G_GINT64_FORMAT " AND ends_at = %" G_GINT64_FORMAT,
                           NEXT_MONDAY + 2 * 86400, NEXT_MONDAY + 5 * 86400);
  training = g_strdup_printf ("SELECT count (*) FROM absences WHERE kind = 'training' AND "
                              "starts_at = %" G_GINT64_FORMAT " AND ends_at = %" G_GINT64_FORMAT,
                              NEXT_MONDAY + 86400 + 13 * 3600, NEXT_MONDAY + 86400 + 18 * 3600);
  g_assert_cmpint (dw_test_store_int (fixture->desk, leave), ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk, training), ==, 1);
}

static const char simulator_sql[] =
  "INSERT INTO customers (id, name, phone, tags, created_at) "
  "VALUES (5, 'x', '1', '[\"vip\"]', 0), (9, 'y', '2', '[]', 0);"
  "INSERT INTO users (id, username, display_name, role, presence, disabled, presence_since, "
  "                   created_at) "
  "VALUES (41, 'a', 'A', 'agent', 'online', 0, 0, 0), (42, 'b', 'B', 'agent', 'offline', 0, 0, 0), "
  "       (43, 'c', 'C', 'agent', 'online', 1, 0, 0), (44, 'd', 'D', 'lead', 'online', 0, 0, 0);"
  "INSERT INTO tickets (id, subject, channel, status, assignee_id, business_type, solved_at, "
  "                     created_at, updated_at) "
  "VALUES (200, 's', 'web', 'open', 41, 'returns', NULL, 1, 1), "
  "       (201, 's', 'web', 'pending', 42, NULL, NULL, 1, 1), "
  "       (202, 's', 'web', 'new', NULL, NULL, NULL, 1, 1), "
  "       (203, 's', 'web', 'solved', 41, NULL, 100, 1, 1), "
  "       (204, 's', 'web', 'solved', 41, NULL, 50, 1, 1), "
  "       (205, 's', 'web', 'solved', 41, NULL, 500, 1, 1);"
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (7, 'T', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO shifts (id, user_id, team_id, starts_at, ends_at) "
  "VALUES (70, 41, 7, 300, 400), (71, 41, 7, 100, 200);";

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static void
collect_active (const DwStoreDemoActive *row,
                gpointer                 data)
{
  g_ptr_array_add (data, g_strdup_printf ("%" G_GINT64_FORMAT " %s %" G_GINT64_FORMAT " %s %d",
                                          row->id, row->status, row->assignee_id,
                                          row->business_type != NULL ? row->business_type : "-",
                                          row->assignee_online));
}

static void
test_simulator (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) active = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *tags = NULL;
  g_autofree char *none = NULL;
  g_autofree char *presence = NULL;
  g_autofree char *nobody = NULL;
  gboolean found = TRUE;
  gint64 max_id = -1;

  /* The empty desk. */
  g_assert_true (dw_store_demo_customer_max_id (fixture->store, &max_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (max_id, ==, 0);
  g_assert_true (dw_store_demo_active_assigned (fixture->store, collect_active, active, &error));
  g_assert_cmpuint (active->len, ==, 0);

  dw_test_store_seed (fixture->desk, simulator_sql);

  g_assert_true (dw_store_demo_customer_max_id (fixture->store, &max_id, &error));
  g_assert_cmpint (max_id, ==, 9);
  g_assert_true (dw_store_demo_customer_tags (fixture->store, 5, &tags, &found, &error));
  g_assert_true (found);
  g_assert_cmpstr (tags, ==, "[\"vip\"]");
  g_assert_true (dw_store_demo_customer_tags (fixture->store, 6, &none, &found, &error));
  g_assert_false (found);
  g_assert_null (none);

  g_assert_true (dw_store_demo_user_presence (fixture->store, 42, &presence, &error));
  g_assert_cmpstr (presence, ==, "offline");
  g_assert_true (dw_store_demo_user_presence (fixture->store, 99, &nobody, &error));
  g_assert_null (nobody);
  g_assert_no_error (error);

  g_assert_true (dw_store_demo_active_assigned (fixture->store, collect_active, active, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (active->len, ==, 2);
  g_ptr_array_sort (active, compare_strings);
  g_assert_cmpstr (active->pdata[0], ==, "200 open 41 returns 1");
  g_assert_cmpstr (active->pdata[1], ==, "201 pending 42 - 0");

  g_assert_true (dw_store_demo_solved_before (fixture->store, 500, 10, ids, &error));
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 204);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, 203);
  g_array_set_size (ids, 0);
  g_assert_true (dw_store_demo_solved_before (fixture->store, 1000, 1, ids, &error));
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 204);

  /* Agents not disabled, leads not, by id. */
  g_array_set_size (ids, 0);
  g_assert_true (dw_store_demo_agent_ids (fixture->store, ids, &error));
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 41);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, 42);

  g_array_set_size (ids, 0);
  g_assert_true (dw_store_demo_user_shifts (fixture->store, 41, ids, &error));
  g_assert_cmpuint (ids->len, ==, 4);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 100);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, 200);
  g_assert_cmpint (g_array_index (ids, gint64, 2), ==, 300);
  g_assert_cmpint (g_array_index (ids, gint64, 3), ==, 400);
  g_array_set_size (ids, 0);
  g_assert_true (dw_store_demo_user_shifts (fixture->store, 42, ids, &error));
  g_assert_cmpuint (ids->len, ==, 0);
  g_assert_no_error (error);
}

static const char history_sql[] =
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (7, 'T', (SELECT min (id) FROM calendars), 0), (8, 'U', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO users (id, username, display_name, role, capacity, presence, presence_since, "
  "                   created_at) "
  "VALUES (52, 'b', 'B', 'agent', 4, 'away', 0, 0), (51, 'a', 'A', 'agent', 3, 'offline', 0, 0), "
  "       (53, 'c', 'C', 'lead', 0, 'online', 0, 0);"
  "INSERT INTO user_skills (user_id, skill, level) VALUES (51, 'returns', 4), (51, 'quality', 2);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (8, 51, 0), (7, 51, 0);"
  "INSERT INTO presence_log (id, user_id, presence, at) "
  "VALUES (1, 51, 'online', 20), (2, 51, 'away', 10), (3, 51, 'offline', 20);"
  "INSERT INTO customers (id, name, phone, tags, created_at) "
  "VALUES (5, 'x', '1', '[\"vip\"]', 0), (9, 'y', '2', '[]', 0);"
  "INSERT INTO business_types (key, name, team_id, skill) VALUES ('returns', 'R', 8, 'returns');";

static void
collect_key (gint64      id,
             const char *text,
             gpointer    data)
{
  g_ptr_array_add (data, g_strdup_printf ("%" G_GINT64_FORMAT " %s", id, text));
}

static void
test_history_reads (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) agents = g_array_new (FALSE, FALSE, sizeof (DwStoreDemoAgent));
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (DwStoreDemoPresence));
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  gint64 policies;

  dw_test_store_seed (fixture->desk, history_sql);

  g_assert_true (dw_store_demo_history_agents (fixture->store, agents, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (agents->len, ==, 2);
  g_assert_cmpint (g_array_index (agents, DwStoreDemoAgent, 0).id, ==, 51);
  g_assert_cmpint (g_array_index (agents, DwStoreDemoAgent, 0).capacity, ==, 3);
  g_assert_true (g_array_index (agents, DwStoreDemoAgent, 0).offline);
  g_assert_cmpint (g_array_index (agents, DwStoreDemoAgent, 1).id, ==, 52);
  g_assert_false (g_array_index (agents, DwStoreDemoAgent, 1).offline);

  g_assert_true (dw_store_demo_agent_skills (fixture->store, 51, collect_key, keys, &error));
  g_assert_cmpuint (keys->len, ==, 2);
  g_ptr_array_sort (keys, compare_strings);
  g_assert_cmpstr (keys->pdata[0], ==, "2 quality");
  g_assert_cmpstr (keys->pdata[1], ==, "4 returns");
  g_ptr_array_set_size (keys, 0);
  g_assert_true (dw_store_demo_agent_skills (fixture->store, 52, collect_key, keys, &error));
  g_assert_cmpuint (keys->len, ==, 0);

  /* By time, then id. */
  g_assert_true (dw_store_demo_agent_presence_log (fixture->store, 51, log, &error));
  g_assert_cmpuint (log->len, ==, 3);
  g_assert_cmpint (g_array_index (log, DwStoreDemoPresence, 0).at, ==, 10);
  g_assert_false (g_array_index (log, DwStoreDemoPresence, 0).online);
  g_assert_true (g_array_index (log, DwStoreDemoPresence, 1).online);
  g_assert_false (g_array_index (log, DwStoreDemoPresence, 2).online);

  g_assert_true (dw_store_demo_agent_teams (fixture->store, 51, ids, &error));
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpint (g_array_index (ids, gint64, 0) + g_array_index (ids, gint64, 1), ==, 15);

  g_ptr_array_set_size (keys, 0);
  g_assert_true (dw_store_demo_customers_tags (fixture->store, collect_key, keys, &error));
  g_ptr_array_sort (keys, compare_strings);
  g_assert_cmpuint (keys->len, ==, 2);
  g_assert_cmpstr (keys->pdata[0], ==, "5 [\"vip\"]");
  g_assert_cmpstr (keys->pdata[1], ==, "9 []");

  g_ptr_array_set_size (keys, 0);
  g_assert_true (dw_store_demo_business_type_teams (fixture->store, collect_key, keys, &error));
  g_assert_cmpuint (keys->len, ==, 1);
  g_assert_cmpstr (keys->pdata[0], ==, "8 returns");

  policies = dw_test_store_int (fixture->desk, "SELECT count (*) FROM sla_policies");
  g_array_set_size (ids, 0);
  g_assert_true (dw_store_demo_policy_ids (fixture->store, ids, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ids->len, ==, policies);
}

static void
test_history_writes (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) audits = g_array_new (FALSE, FALSE, sizeof (DwStoreDemoAudit));
  gint64 ticket_id = -1, comment_id = -1, audit_id = -1;
  DwStoreDemoTicket tickets[] = {
    { .id = 300, .subject = "坏了", .body = "b", .channel = "web", .business_type = "returns",
      .priority = "normal", .status = "solved", .team_id = 8, .assignee_id = 51,
      .customer_id = 5, .order_number = "E1", .tags = "[]", .created_at = 10, .updated_at = 90,
      .first_response_at = 20, .solved_at = 80, .version = 4, .escalation_level = 1,
      .sla_policy_id = 0, .sla_state = "ok", .sla = "{}", .next_sla_at = 0, .csat = 5,
      .csat_comment = "好" },
    { .id = 301, .subject = "s", .body = "b", .channel = "email", .business_type = "returns",
      .priority = "high", .status = "open", .team_id = 7, .customer_id = 9, .tags = "[\"vip\"]",
      .created_at = 30, .updated_at = 30, .version = 1, .sla_state = "at-risk", .sla = "{}",
      .next_sla_at = 99 },
  };
  DwStoreDemoComment comments[] = {
    { .id = 400, .ticket_id = 300, .author_kind = "customer", .is_public = TRUE, .body = "c1",
      .created_at = 10 },
    { .id = 401, .ticket_id = 300, .author_kind = "agent", .author_id = 51, .is_public = FALSE,
      .body = "c2", .created_at = 20 },
  };

  dw_test_store_seed (fixture->desk, history_sql);

  g_assert_true (dw_store_demo_max_ids (fixture->store, &ticket_id, &comment_id, &audit_id,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpint (ticket_id, ==, 0);
  g_assert_cmpint (comment_id, ==, 0);
  g_assert_cmpint (audit_id, ==, 0);

  /* Two whole batches of 32 and six more; the csat row of ticket 300 is at 85. */
  for (guint i = 0; i < 70; i++)
    {
      DwStoreDemoAudit a = {
        .id = 1000 + i, .at = 50 + i % 10, .actor_id = i % 2 ? 51 : 0,
        .ticket_id = i < 35 ? 300 : 301, .action = "updated", .field = i % 3 ? "status" : NULL,
        .before = i % 5 ? "\"open\"" : NULL, .after = "\"solved\"", .reason = NULL,
      };

      if (i == 7)
        {
          a.field = "csat";
          a.at = 85;
        }
      g_array_append_val (audits, a);
    }

  g_assert_true (dw_test_store_begin (fixture->desk, &error));
  g_assert_true (dw_store_demo_insert_tickets (fixture->store, tickets, 0, &error));
  g_assert_true (dw_store_demo_insert_tickets (fixture->store, tickets, 2, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_demo_insert_comments (fixture->store, comments, 2, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_demo_insert_audit (fixture->store, (DwStoreDemoAudit *) audits->data,
                                             audits->len, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_demo_seed_surveys (fixture->store, 300, G_MAXINT64, &error));
  g_assert_no_error (error);
  g_assert_true (dw_test_store_commit (fixture->desk, &error));
  g_assert_no_error (error);

  g_assert_true (dw_store_demo_max_ids (fixture->store, &ticket_id, &comment_id, &audit_id,
                                        &error));
  g_assert_cmpint (ticket_id, ==, 301);
  g_assert_cmpint (comment_id, ==, 401);
  g_assert_cmpint (audit_id, ==, 1069);

  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM tickets WHERE id = 300 AND "
                                      "subject = '坏了' AND assignee_id = 51 AND "
                                      "order_number = 'E1' AND first_response_at = 20 AND "
                                      "solved_at = 80 AND version = 4 AND escalation_level = 1 "
                                      "AND sla_policy_id IS NULL AND next_sla_at IS NULL AND "
                                      "csat = 5 AND csat_comment = '好' AND sla_state = 'ok'"),
                   ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM tickets WHERE id = 301 AND "
                                      "assignee_id IS NULL AND order_number IS NULL AND "
                                      "first_response_at IS NULL AND solved_at IS NULL AND "
                                      "csat IS NULL AND csat_comment IS NULL AND "
                                      "next_sla_at = 99 AND priority = 'high' AND "
                                      "tags = '[\"vip\"]'"), ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM comments WHERE id = 400 AND "
                                      "author_id IS NULL AND public = 1"), ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM comments WHERE id = 401 AND "
                                      "author_id = 51 AND public = 0 AND body = 'c2'"), ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM audit WHERE entity = 'ticket'"), ==,
                   70);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM audit WHERE actor_id IS NULL"), ==,
                   35);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM audit WHERE field IS NULL"), ==,
                   24);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM audit WHERE before IS NULL AND "
                                      "reason IS NULL"), ==, 14);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT entity_id FROM audit WHERE id = 1069"), ==, 301);
  /* The solved ticket's survey, answered at its csat row; none for the open one. */
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM surveys"), ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM surveys WHERE ticket_id = 300 AND "
                                      "issued_at = 80 AND expires_at = 80 + 604800 AND "
                                      "answered_at = 85 AND rating = 5 AND comment = '好'"),
                   ==, 1);

  /* Ids as given: a second time is refused. */
  g_assert_false (dw_store_demo_insert_tickets (fixture->store, tickets, 1, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
}

/* Figures of the whole desk, in both dialects: each table's rows, and sums over their columns
 * (texts by their length in characters), so that a row that differs in any counted column
 * changes one. */
static const char * const desk_figures[] = {
  "SELECT count (*) FROM calendars",
  "SELECT count (*) FROM teams",
  "SELECT count (*) FROM business_types",
  "SELECT count (*) FROM routing_rules",
  "SELECT count (*) FROM sla_policies",
  "SELECT count (*) FROM settings",
  "SELECT count (*) FROM users",
  "SELECT sum (id + capacity + presence_since + created_at + length (username) "
  "+ length (display_name) + length (role) + length (presence)) FROM users",
  "SELECT count (*) FROM team_members",
  "SELECT sum (team_id * 100 + user_id + is_lead) FROM team_members",
  "SELECT count (*) FROM user_skills",
  "SELECT sum (user_id * 10 + level + length (skill)) FROM user_skills",
  "SELECT count (*) FROM presence_log",
  "SELECT sum (id + user_id + at + length (presence)) FROM presence_log",
  "SELECT count (*) FROM shifts",
  "SELECT sum (id + user_id + team_id + starts_at + ends_at + coalesce (template_id, 0) "
  "+ length (breaks) + break_seconds) FROM shifts",
  "SELECT count (*) FROM shift_templates",
  "SELECT count (*) FROM absences",
  "SELECT sum (id + user_id + starts_at + ends_at + length (kind)) FROM absences",
  "SELECT count (*) FROM roster_weeks",
  "SELECT sum (team_id + week_start + length (state)) FROM roster_weeks",
  "SELECT count (*) FROM customers",
  "SELECT sum (id + created_at + length (name) + coalesce (length (email), 0) "
  "+ length (phone) + length (tags)) FROM customers",
  "SELECT count (*) FROM tickets",
  "SELECT count (*) FROM tickets WHERE status IN ('solved', 'closed')",
  "SELECT count (*) FROM tickets WHERE assignee_id IS NULL",
  "SELECT sum (id + version + escalation_level + coalesce (team_id, 0) "
  "+ coalesce (assignee_id, 0) + coalesce (customer_id, 0) + coalesce (sla_policy_id, 0) "
  "+ coalesce (csat, 0)) FROM tickets",
  "SELECT sum (created_at - updated_at + coalesce (first_response_at, 0) "
  "+ coalesce (solved_at, 0) + coalesce (next_sla_at, 0)) FROM tickets",
  "SELECT sum (length (subject) + length (body) + length (channel) + length (priority) "
  "+ length (status) + length (tags) + length (sla) + length (sla_state) "
  "+ coalesce (length (business_type), 0) + coalesce (length (order_number), 0) "
  "+ coalesce (length (csat_comment), 0)) FROM tickets",
  "SELECT count (*) FROM comments",
  "SELECT sum (id + ticket_id + coalesce (author_id, 0) + public + created_at "
  "+ length (author_kind) + length (body)) FROM comments",
  "SELECT count (*) FROM audit",
  "SELECT sum (id + at + coalesce (actor_id, 0) + entity_id) FROM audit",
  "SELECT sum (length (entity) + length (action) + coalesce (length (field), 0) "
  "+ coalesce (length (before), 0) + coalesce (length (after), 0) "
  "+ coalesce (length (reason), 0)) FROM audit",
  "SELECT count (*) FROM surveys",
  "SELECT sum (id + ticket_id + issued_at + expires_at + coalesce (answered_at, 0) "
  "+ coalesce (rating, 0) + coalesce (length (comment), 0)) FROM surveys",
  "SELECT count (*) FROM events",
  "SELECT count (*) FROM settings WHERE key = 'demo_history' AND value = 'ready'",
};

/* 2026-03-10 11:00 Beijing time, a Tuesday: the desk open, shifts running. */
#define POPULATE_NOW G_GINT64_CONSTANT (1773111600)

/* The whole demo desk on @backend, as deskwatchd --demo makes it but without the service: the
 * live desk in one transaction, then the past in slices of 5 ms, each its own transaction, then
 * the end of the history.  Returns the figures of desk_figures. */
static GArray *
populate (const char *backend,
          guint      *n_slices)
{
  g_autoptr(DwTestStore) desk = dw_test_store_open (backend);
  g_autoptr(GError) error = NULL;
  DwDemoBacklog *backlog = NULL;
  gboolean done = FALSE;
  GArray *figures = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 started = g_get_monotonic_time (), seeded;

  dw_demo_set_seed (13);
  g_assert_true (dw_demo_seed (desk->store, POPULATE_NOW, &backlog, &error));
  g_assert_no_error (error);
  g_assert_nonnull (backlog);
  g_assert_false (dw_store_in_transaction (desk->store));
  /* Commits wait for the disk again once the live desk is there. */
  g_assert_cmpint (synchronous (desk), ==, 1);
  g_assert_cmpint (dw_test_store_int (desk, "SELECT count (*) FROM settings WHERE key = "
                                            "'demo_history' AND value = 'seeding'"), ==, 1);
  seeded = g_get_monotonic_time ();

  for (*n_slices = 0; !done; (*n_slices)++)
    {
      g_assert_true (dw_store_demo_fast_writes (desk->store, TRUE, &error));
      g_assert_true (dw_store_tx_begin (desk->store, &error));
      g_assert_no_error (error);
      g_assert_true (dw_demo_backlog_write (backlog, desk->store,
                                            g_get_monotonic_time () + 5000, &done, &error));
      g_assert_no_error (error);
      g_assert_true (dw_store_tx_commit (desk->store, &error));
      g_assert_no_error (error);
      g_assert_true (dw_store_demo_fast_writes (desk->store, FALSE, &error));
      g_assert_no_error (error);
    }
  dw_demo_backlog_free (backlog);
  g_assert_true (dw_demo_finish_history (desk->store, &error));
  g_assert_no_error (error);
  /* For the reader of the log, never asserted. */
  g_test_message ("%s: live desk seeded in %.2f s, history in %u slices in %.2f s", backend,
                  (seeded - started) / (double) G_USEC_PER_SEC, *n_slices,
                  (g_get_monotonic_time () - seeded) / (double) G_USEC_PER_SEC);

  for (guint i = 0; i < G_N_ELEMENTS (desk_figures); i++)
    {
      gint64 value = dw_test_store_int (desk, desk_figures[i]);

      g_array_append_val (figures, value);
    }
  return figures;
}

static gint64
figure (GArray     *figures,
        const char *sql)
{
  for (guint i = 0; i < G_N_ELEMENTS (desk_figures); i++)
    if (g_str_equal (desk_figures[i], sql))
      return g_array_index (figures, gint64, i);
  g_assert_not_reached ();
}

static void
test_populate_alike (void)
{
  const char * const *backends = dw_test_store_backends ();
  g_autoptr(GArray) first = NULL;
  guint n_slices;

  first = populate (backends[0], &n_slices);
  /* The demo desk (docs/design.md "Starting"): thousands of tickets, most of them past. */
  g_assert_cmpint (figure (first, "SELECT count (*) FROM users"), >=, 40);
  g_assert_cmpint (figure (first, "SELECT count (*) FROM customers"), ==, 2000);
  g_assert_cmpint (figure (first, "SELECT count (*) FROM tickets"), >=, 3000);
  g_assert_cmpint (figure (first, "SELECT count (*) FROM tickets WHERE status IN ('solved', "
                                  "'closed')"), >,
                   figure (first, "SELECT count (*) FROM tickets") / 2);
  g_assert_cmpint (figure (first, "SELECT count (*) FROM comments"), >=, 10000);
  g_assert_cmpint (figure (first, "SELECT count (*) FROM audit"), >=, 50000);
  g_assert_cmpint (figure (first, "SELECT count (*) FROM surveys"), >, 0);
  g_assert_cmpint (figure (first, "SELECT count (*) FROM shifts"), >, 0);
  g_assert_cmpint (figure (first, "SELECT count (*) FROM absences"), >, 0);
  g_assert_cmpint (figure (first, "SELECT count (*) FROM settings WHERE key = 'demo_history' "
                                  "AND value = 'ready'"), ==, 1);

  for (guint b = 1; backends[b] != NULL; b++)
    {
      g_autoptr(GArray) other = populate (backends[b], &n_slices);

      for (guint i = 0; i < G_N_ELEMENTS (desk_figures); i++)
        {
          if (g_array_index (first, gint64, i) != g_array_index (other, gint64, i))
            g_test_message ("%s: %" G_GINT64_FORMAT " on %s, %" G_GINT64_FORMAT " on %s",
                            desk_figures[i], g_array_index (first, gint64, i), backends[0],
                            g_array_index (other, gint64, i), backends[b]);
          g_assert_cmpint (g_array_index (first, gint64, i), ==,
                           g_array_index (other, gint64, i));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  static const DwTestStoreCase tests[] = {
    { "demo/fast-writes", test_fast_writes },
    { "demo/is-empty", test_is_empty },
    { "demo/seed", test_seed },
    { "demo/constraints", test_constraints },
    { "demo/customers", test_customers },
    { "demo/held-requeue", test_held_requeue },
    { "demo/roster", test_roster },
    { "demo/next-week-on-sunday", test_next_week_on_sunday },
    { "demo/simulator", test_simulator },
    { "demo/history-reads", test_history_reads },
    { "demo/history-writes", test_history_writes },
  };

  g_test_init (&argc, &argv, NULL);

  dw_test_store_add_cases ("/store", NULL, NULL, tests, G_N_ELEMENTS (tests));

  g_test_add_func ("/store/demo/populate-alike", test_populate_alike);

  return g_test_run ();
}
