/* test-store-sla.c: the SLA engine's named operations (store/dw-store-sla.h), without HTTP.
 *
 * Every test runs once per backend (tests/dw-test-store.h: a fresh desk seeded with plain
 * INSERTs both read), under /store/<backend>/sla/, and checks the same answers.  The two
 * writes the engine must make once however many instances run it (issue 14) are called twice:
 * the second reports that it did nothing and changes nothing.
 */
#include "config.h"

#include "dw-store.h"
#include "store/dw-store-sla.h"
#include "dw-test-store.h"

typedef DwTestStoreFixture Fixture;

/* Team 7 has a calendar of its own (50); the migrations' calendar is the first one. */
static const char seed_sql[] =
  "INSERT INTO calendars (id, name, timezone, week, holidays, workdays) "
  "VALUES (50, 'Returns hours', 'Europe/Berlin', '[[],[],[],[],[],[],[]]', '[\"2026-12-25\"]', "
  "        '[]');"
  "INSERT INTO teams (id, name, calendar_id, created_at) VALUES (7, 'Returns', 50, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (13, 'chen', 'Chen', 'lead', 0, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (11, 'li', 'Li', 'lead', 0, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, disabled, created_at) "
  "VALUES (12, 'wang', 'Wang', 'lead', 0, 1, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (14, 'zhou', 'Zhou', 'agent', 0, 0);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 13, 1);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 12, 1);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 11, 1);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 14, 0);"
  "INSERT INTO customers (id, name, tags, created_at) "
  "VALUES (21, 'Zhao', '[\"vip\", 3, \"gold\"]', 0);"
  "INSERT INTO customers (id, name, created_at) VALUES (22, 'Qian', 0);"
  "INSERT INTO sla_policies (id, name, position, match_priorities, first_response_minutes, "
  "                          next_response_minutes, resolution_minutes, at_risk_ratio) "
  "VALUES (31, 'Standard', 2, '[]', 240, NULL, 2880, 0.5);"
  "INSERT INTO sla_policies (id, name, position, match_priorities, first_response_minutes, "
  "                          resolution_minutes) "
  "VALUES (33, 'Urgent', 1, '[\"urgent\"]', 30, 480);"
  "INSERT INTO sla_policies (id, name, position, first_response_minutes) "
  "VALUES (32, 'VIP', 1, 60);"
  "INSERT INTO tickets (id, subject, channel, business_type, priority, status, team_id, "
  "                     assignee_id, customer_id, created_at, updated_at, sla_policy_id, "
  "                     sla_state, sla, next_sla_at, escalation_level) "
  "VALUES (100, 'Karton nass', 'email', 'returns', 'high', 'open', 7, 11, 21, 100, 100, 31, "
  "        'at_risk', '[{\"target\":\"first_response\",\"state\":\"at_risk\"}]', 500, 2);"
  "INSERT INTO tickets (id, subject, channel, created_at, updated_at) "
  "VALUES (101, 'Nothing yet', 'web', 101, 101);"
  "INSERT INTO tickets (id, subject, channel, created_at, updated_at, next_sla_at) "
  "VALUES (103, 'Due too', 'web', 103, 103, 400);"
  "INSERT INTO tickets (id, subject, channel, created_at, updated_at, next_sla_at) "
  "VALUES (102, 'Due', 'web', 102, 102, 400);"
  "INSERT INTO comments (id, ticket_id, author_kind, author_id, public, body, created_at) "
  "VALUES (201, 100, 'customer', 21, 1, 'Hallo', 200);"
  "INSERT INTO comments (id, ticket_id, author_kind, author_id, public, body, created_at) "
  "VALUES (202, 100, 'agent', 11, 0, 'internal', 250);"
  "INSERT INTO comments (id, ticket_id, author_kind, public, body, created_at) "
  "VALUES (203, 100, 'system', 1, 'routed', 260);"
  "INSERT INTO comments (id, ticket_id, author_kind, author_id, public, body, created_at) "
  "VALUES (204, 100, 'agent', 11, 1, 'Reply', 300);"
  "INSERT INTO audit (id, at, entity, entity_id, action, field, before, after) "
  "VALUES (301, 300, 'ticket', 100, 'updated', 'status', '\"pending\"', '\"open\"');"
  "INSERT INTO audit (id, at, entity, entity_id, action, field, before, after) "
  "VALUES (302, 150, 'ticket', 100, 'updated', 'status', '\"new\"', '\"pending\"');"
  "INSERT INTO audit (id, at, entity, entity_id, action, field, before, after) "
  "VALUES (303, 160, 'ticket', 100, 'updated', 'priority', '\"normal\"', '\"high\"');"
  "INSERT INTO audit (id, at, entity, entity_id, action, field, before, after) "
  "VALUES (304, 170, 'ticket', 101, 'updated', 'status', '\"new\"', '\"open\"');"
  "INSERT INTO audit (id, at, entity, entity_id, action, field, before, after) "
  "VALUES (305, 300, 'ticket', 100, 'updated', 'status', '\"open\"', 'null');";

/* Fixture */

/* Tests */

static void
test_ticket_load (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStoreSlaTicket) row = { 0 };
  g_auto(DwStoreSlaTicket) bare = { 0 };
  g_auto(DwStoreSlaTicket) missing = { 0 };

  g_assert_true (dw_store_sla_ticket_load (fixture->store, 100, &row, &error));
  g_assert_no_error (error);
  g_assert_cmpint (row.id, ==, 100);
  g_assert_cmpstr (row.priority, ==, "high");
  g_assert_cmpstr (row.status, ==, "open");
  g_assert_cmpstr (row.channel, ==, "email");
  g_assert_cmpstr (row.business_type, ==, "returns");
  g_assert_cmpint (row.team_id, ==, 7);
  g_assert_cmpint (row.assignee_id, ==, 11);
  g_assert_cmpint (row.customer_id, ==, 21);
  g_assert_cmpint (row.created_at, ==, 100);
  g_assert_cmpint (row.policy_id, ==, 31);
  g_assert_cmpstr (row.sla, ==, "[{\"target\":\"first_response\",\"state\":\"at_risk\"}]");
  g_assert_cmpint (row.next_sla_at, ==, 500);
  g_assert_cmpint (row.escalation_level, ==, 2);

  /* NULLs read as 0 / NULL; the schema's defaults. */
  g_assert_true (dw_store_sla_ticket_load (fixture->store, 101, &bare, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (bare.priority, ==, "normal");
  g_assert_cmpstr (bare.status, ==, "new");
  g_assert_null (bare.business_type);
  g_assert_cmpint (bare.team_id, ==, 0);
  g_assert_cmpint (bare.assignee_id, ==, 0);
  g_assert_cmpint (bare.customer_id, ==, 0);
  g_assert_cmpint (bare.policy_id, ==, 0);
  g_assert_cmpstr (bare.sla, ==, "[]");
  g_assert_cmpint (bare.next_sla_at, ==, 0);
  g_assert_cmpint (bare.escalation_level, ==, 0);

  g_assert_false (dw_store_sla_ticket_load (fixture->store, 999, &missing, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
}

static void
test_calendar (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 first = dw_test_store_int (fixture->desk, "SELECT min (id) FROM calendars");
  gboolean found = FALSE;

  g_assert_cmpint (first, <, 50);

  {
    g_auto(DwStoreSlaCalendar) row = { 0 };

    g_assert_true (dw_store_sla_calendar_for_team (fixture->store, 7, &row, &found, &error));
    g_assert_no_error (error);
    g_assert_true (found);
    g_assert_cmpint (row.id, ==, 50);
    g_assert_cmpstr (row.name, ==, "Returns hours");
    g_assert_cmpstr (row.timezone, ==, "Europe/Berlin");
    g_assert_cmpstr (row.week, ==, "[[],[],[],[],[],[],[]]");
    g_assert_cmpstr (row.holidays, ==, "[\"2026-12-25\"]");
    g_assert_cmpstr (row.workdays, ==, "[]");
  }

  /* No team, or an unknown one: the first calendar. */
  for (gint64 team = 0; team <= 99; team += 99)
    {
      g_auto(DwStoreSlaCalendar) row = { 0 };

      g_assert_true (dw_store_sla_calendar_for_team (fixture->store, team, &row, &found, &error));
      g_assert_no_error (error);
      g_assert_true (found);
      g_assert_cmpint (row.id, ==, first);
    }

  /* A desk without calendars. */
  g_assert_true (dw_test_store_begin (fixture->desk, &error));
  g_assert_no_error (error);
  dw_test_store_exec (fixture->desk,
                      "DELETE FROM comments; DELETE FROM team_members; DELETE FROM tickets;"
                      "DELETE FROM teams; DELETE FROM calendars;");
  {
    g_auto(DwStoreSlaCalendar) row = { 0 };

    g_assert_true (dw_store_sla_calendar_for_team (fixture->store, 7, &row, &found, &error));
    g_assert_no_error (error);
    g_assert_false (found);
    g_assert_null (row.name);
  }
  dw_test_store_rollback (fixture->desk);
}

static void
test_policies (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) policies = NULL;
  g_autoptr(GArray) none = NULL;
  g_autofree char *key = NULL;
  g_autofree char *same = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *empty = NULL;
  const DwStoreSlaPolicy *policy;

  key = dw_store_sla_policies_key (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  same = dw_store_sla_policies_key (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, same);

  /* By position, then id. */
  policies = dw_store_sla_policies_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (policies);
  g_assert_cmpuint (policies->len, ==, 3);
  g_assert_cmpint (g_array_index (policies, DwStoreSlaPolicy, 0).id, ==, 32);
  g_assert_cmpint (g_array_index (policies, DwStoreSlaPolicy, 1).id, ==, 33);
  g_assert_cmpint (g_array_index (policies, DwStoreSlaPolicy, 2).id, ==, 31);

  policy = &g_array_index (policies, DwStoreSlaPolicy, 2);
  g_assert_cmpstr (policy->name, ==, "Standard");
  g_assert_cmpint (policy->position, ==, 2);
  g_assert_cmpstr (policy->match_priorities, ==, "[]");
  g_assert_cmpstr (policy->match_tags, ==, "[]");
  g_assert_cmpstr (policy->match_channels, ==, "[]");
  g_assert_cmpstr (policy->match_business_types, ==, "[]");
  g_assert_cmpint (policy->first_response_minutes, ==, 240);
  g_assert_cmpint (policy->next_response_minutes, ==, -1);
  g_assert_cmpint (policy->resolution_minutes, ==, 2880);
  g_assert_cmpfloat (policy->at_risk_ratio, ==, 0.5);
  g_assert_cmpstr (policy->escalation, ==,
                   "{\"raise_priority\":true,\"notify_lead\":true,\"reassign\":false}");

  policy = &g_array_index (policies, DwStoreSlaPolicy, 1);
  g_assert_cmpstr (policy->match_priorities, ==, "[\"urgent\"]");
  g_assert_cmpfloat (policy->at_risk_ratio, ==, 0.75);

  /* Any change to a row changes the key. */
  dw_test_store_exec (fixture->desk,
                      "UPDATE sla_policies SET escalation = '{\"raise_priority\":false}' "
                      "WHERE id = 31");
  changed = dw_store_sla_policies_key (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (changed, !=, key);

  /* The empty case. */
  dw_test_store_exec (fixture->desk, "UPDATE tickets SET sla_policy_id = NULL;"
                                     "DELETE FROM sla_policies;");
  empty = dw_store_sla_policies_key (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (empty);
  g_assert_cmpstr (empty, !=, key);
  none = dw_store_sla_policies_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (none);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_customer_tags (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) tags = NULL;
  g_auto(GStrv) untagged = NULL;
  g_auto(GStrv) nobody = NULL;
  g_auto(GStrv) unknown = NULL;
  const char * const expected[] = { "vip", "gold", NULL };

  /* The strings of the array, in order. */
  tags = dw_store_sla_customer_tags (fixture->store, 21, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char * const *) tags, expected));

  untagged = dw_store_sla_customer_tags (fixture->store, 22, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (untagged), ==, 0);
  nobody = dw_store_sla_customer_tags (fixture->store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (nobody), ==, 0);
  unknown = dw_store_sla_customer_tags (fixture->store, 999, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (unknown), ==, 0);
}

static void
test_marks (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) marks = NULL;
  g_autoptr(GArray) none = NULL;
  static const struct
  {
    gint64      at;
    const char *author_kind;
    const char *status;
  } expected[] = {
    { 150, NULL, "pending" },
    { 200, "customer", NULL },
    { 300, "agent", NULL },
    { 300, NULL, "open" },
    { 300, NULL, NULL },  /* a JSON null: the engine skips it */
  };

  /* Customer comments and public agent ones, and status changes; of the same second,
   * comments first, then by id. */
  marks = dw_store_sla_marks_list (fixture->store, 100, &error);
  g_assert_no_error (error);
  g_assert_nonnull (marks);
  g_assert_cmpuint (marks->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const DwStoreSlaMark *mark = &g_array_index (marks, DwStoreSlaMark, i);

      g_assert_cmpint (mark->at, ==, expected[i].at);
      g_assert_cmpstr (mark->author_kind, ==, expected[i].author_kind);
      g_assert_cmpstr (mark->status, ==, expected[i].status);
    }

  none = dw_store_sla_marks_list (fixture->store, 102, &error);
  g_assert_no_error (error);
  g_assert_nonnull (none);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_lead_ids (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) leads = NULL;
  g_autoptr(GArray) none = NULL;
  const gint64 expected[] = { 11, 13 };

  /* Enabled leads only, by user id. */
  leads = dw_store_sla_lead_ids (fixture->store, 7, &error);
  g_assert_no_error (error);
  dw_test_store_assert_ids (leads, expected, G_N_ELEMENTS (expected));

  none = dw_store_sla_lead_ids (fixture->store, 99, &error);
  g_assert_no_error (error);
  dw_test_store_assert_ids (none, NULL, 0);
}

static void
test_update_once (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStoreSlaTicket) row = { 0 };
  const char *old_sla = "[{\"target\":\"first_response\",\"state\":\"at_risk\"}]";
  const char *breached = "[{\"target\":\"first_response\",\"state\":\"breached\"}]";
  DwStoreSlaUpdate update = {
    .ticket_id = 100,
    .old_sla = old_sla,
    .sla = breached,
    .sla_state = "breached",
    .policy_id = 32,
    .next_sla_at = 0,
  };
  DwStoreSlaUpdate other = update;
  gboolean done = FALSE;

  g_assert_true (dw_test_store_begin (fixture->desk, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_sla_update (fixture->store, &update, &done, &error));
  g_assert_no_error (error);
  g_assert_true (done);

  /* The same breach again, as a second instance that read the old "sla" would: nothing. */
  other.sla = "[]";
  other.sla_state = "none";
  other.policy_id = 0;
  other.next_sla_at = 900;
  g_assert_true (dw_store_sla_update (fixture->store, &other, &done, &error));
  g_assert_no_error (error);
  g_assert_false (done);
  g_assert_true (dw_test_store_commit (fixture->desk, &error));
  g_assert_no_error (error);

  g_assert_true (dw_store_sla_ticket_load (fixture->store, 100, &row, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (row.sla, ==, breached);
  g_assert_cmpint (row.policy_id, ==, 32);
  g_assert_cmpint (row.next_sla_at, ==, 0);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM tickets "
                                      "WHERE id = 100 AND sla_state = 'breached'"), ==, 1);

  /* From the new "sla" it writes again; NULLs where asked. */
  other.old_sla = breached;
  g_assert_true (dw_store_sla_update (fixture->store, &other, &done, &error));
  g_assert_no_error (error);
  g_assert_true (done);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM tickets WHERE id = 100 "
                                      "AND sla_policy_id IS NULL AND next_sla_at = 900"), ==, 1);

  /* An unknown ticket: nothing done, no error. */
  other.ticket_id = 999;
  g_assert_true (dw_store_sla_update (fixture->store, &other, &done, &error));
  g_assert_no_error (error);
  g_assert_false (done);

  /* An unknown policy. */
  update.ticket_id = 101;
  update.old_sla = "[]";
  update.policy_id = 999;
  g_assert_false (dw_store_sla_update (fixture->store, &update, &done, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
}

static void
test_escalate_once (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStoreSlaTicket) row = { 0 };
  gboolean done = FALSE;

  g_assert_true (dw_test_store_begin (fixture->desk, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_sla_escalate (fixture->store, 100, 2, "urgent", 1000, &done, &error));
  g_assert_no_error (error);
  g_assert_true (done);

  /* A second run that read level 2 too does nothing. */
  g_assert_true (dw_store_sla_escalate (fixture->store, 100, 2, "low", 2000, &done, &error));
  g_assert_no_error (error);
  g_assert_false (done);
  g_assert_true (dw_test_store_commit (fixture->desk, &error));
  g_assert_no_error (error);

  g_assert_true (dw_store_sla_ticket_load (fixture->store, 100, &row, &error));
  g_assert_no_error (error);
  g_assert_cmpint (row.escalation_level, ==, 3);
  g_assert_cmpstr (row.priority, ==, "urgent");
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM tickets WHERE id = 100 "
                                      "AND version = 2 AND updated_at = 1000"), ==, 1);

  /* The next breach escalates from the new level. */
  g_assert_true (dw_store_sla_escalate (fixture->store, 100, 3, "urgent", 3000, &done, &error));
  g_assert_no_error (error);
  g_assert_true (done);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT escalation_level FROM tickets WHERE id = 100"),
                   ==, 4);

  g_assert_true (dw_store_sla_escalate (fixture->store, 999, 0, "urgent", 3000, &done, &error));
  g_assert_no_error (error);
  g_assert_false (done);
}

static void
test_due (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) due = NULL;
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) first = NULL;
  g_autoptr(GArray) none = NULL;
  const gint64 by_450[] = { 102, 103 };
  const gint64 by_1000[] = { 102, 103, 100 };
  gint64 at = -1;

  g_assert_true (dw_store_sla_earliest_due (fixture->store, &at, &error));
  g_assert_no_error (error);
  g_assert_cmpint (at, ==, 400);

  /* By next_sla_at, then id; at most @limit. */
  due = dw_store_sla_due_list (fixture->store, 450, 10, &error);
  g_assert_no_error (error);
  dw_test_store_assert_ids (due, by_450, G_N_ELEMENTS (by_450));
  all = dw_store_sla_due_list (fixture->store, 1000, 10, &error);
  g_assert_no_error (error);
  dw_test_store_assert_ids (all, by_1000, G_N_ELEMENTS (by_1000));
  first = dw_store_sla_due_list (fixture->store, 1000, 1, &error);
  g_assert_no_error (error);
  dw_test_store_assert_ids (first, by_1000, 1);
  none = dw_store_sla_due_list (fixture->store, 399, 10, &error);
  g_assert_no_error (error);
  dw_test_store_assert_ids (none, NULL, 0);

  /* Nothing scheduled. */
  dw_test_store_exec (fixture->desk, "UPDATE tickets SET next_sla_at = NULL");
  g_assert_true (dw_store_sla_earliest_due (fixture->store, &at, &error));
  g_assert_no_error (error);
  g_assert_cmpint (at, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  static const DwTestStoreCase tests[] = {
    { "sla/ticket-load", test_ticket_load },
    { "sla/calendar", test_calendar },
    { "sla/policies", test_policies },
    { "sla/customer-tags", test_customer_tags },
    { "sla/marks", test_marks },
    { "sla/lead-ids", test_lead_ids },
    { "sla/update-once", test_update_once },
    { "sla/escalate-once", test_escalate_once },
    { "sla/due", test_due },
  };

  g_test_init (&argc, &argv, NULL);

  dw_test_store_add_cases ("/store", NULL, seed_sql, tests, G_N_ELEMENTS (tests));

  return g_test_run ();
}
