/* test-pg-facts.c: the agent facts' catch-up (dw-agent-metrics.c) reads every audit row of a
 * PostgreSQL desk exactly once, whatever order the writers' transactions commit in (issue 14,
 * docs/design.md "PostgreSQL backend", "The agent facts in commit order").
 *
 * Audit ids come from an identity, taken at INSERT: a transaction that took id N may commit after
 * another's N + 1.  The writers here are plain connections to the desk's database (as other
 * instances would be), the catch-up runs on a store of its own; everything is checked on the
 * facts it leaves, never on timing.
 */
#include "config.h"

#include <libpq-fe.h>

#include "dw-agent-metrics.h"
#include "dw-store.h"
#include "dw-test-store.h"
#include "store/pg/dw-pg-connection.h"

typedef struct
{
  DwTestStore *desk;   /* the catch-up's */
  DwTestStore *a;      /* writers */
  DwTestStore *b;
} Fixture;

/* Team 7 with agents Li (11) and Bai (13); tickets 31 to 40, team 7, nobody's. */
static const char seed_sql[] =
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (7, 'Returns', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO users (id, username, display_name, role, capacity, presence, presence_since, "
  "created_at) VALUES (11, 'li', 'Li', 'agent', 3, 'online', 100, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (13, 'bai', 'Bai', 'agent', 0, 0);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 11, 0);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 13, 0);"
  "INSERT INTO tickets (id, subject, channel, status, team_id, created_at, updated_at) "
  "SELECT n, 't' || n, 'email', 'open', 7, 10, 10 FROM generate_series (31, 40) AS n;";

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->desk = dw_test_store_open ("postgresql");
  dw_test_store_exec (fixture->desk, seed_sql);
  dw_test_store_seeded (fixture->desk);
  fixture->a = dw_test_store_open_second (fixture->desk);
  fixture->b = dw_test_store_open_second (fixture->desk);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->a, dw_test_store_close);
  g_clear_pointer (&fixture->b, dw_test_store_close);
  g_clear_pointer (&fixture->desk, dw_test_store_close);
}

/* An assignment of @ticket_id to @user_id (a fact "assigned" of that agent), on @writer. */
static void
assign (DwTestStore *writer,
        gint64       ticket_id,
        gint64       user_id)
{
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO audit (at, actor_id, entity, entity_id, action, field, before, after) "
    "VALUES (20, NULL, 'ticket', %" G_GINT64_FORMAT ", 'assigned', 'assignee_id', 'null', "
    "'%" G_GINT64_FORMAT "')", ticket_id, user_id);

  dw_test_store_exec (writer, sql);
}

static void
begin (DwTestStore *writer)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_test_store_begin (writer, &error));
  g_assert_no_error (error);
}

static void
commit (DwTestStore *writer)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_test_store_commit (writer, &error));
  g_assert_no_error (error);
}

static void
catch_up (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_agent_facts_catch_up (fixture->desk->store, &error));
  g_assert_no_error (error);
}

/* Until done, in slices of 1 ms: many stop in the middle of what they read (how many is said,
 * not asserted: it depends on the machine). */
static void
catch_up_in_slices (Fixture *fixture)
{
  gboolean done = FALSE;
  guint slices = 0;

  while (!done)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (dw_agent_facts_catch_up_for (fixture->desk->store, 1, &done, &error));
      g_assert_no_error (error);
      slices++;
    }
  g_test_message ("read in %u slices", slices);
}

static gint64
assigned (Fixture *fixture)
{
  return dw_test_store_int (fixture->desk,
                            "SELECT count (*) FROM agent_facts WHERE kind = 'assigned'");
}

/* Each assignment read once: as many facts as audit rows, none of a row twice. */
static void
assert_each_assignment_once (Fixture *fixture)
{
  gint64 rows = dw_test_store_int (fixture->desk,
                                   "SELECT count (*) FROM audit WHERE action = 'assigned'");

  g_assert_cmpint (assigned (fixture), ==, rows);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (DISTINCT audit_id) "
                                      "FROM agent_facts WHERE kind = 'assigned'"), ==, rows);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM audit a WHERE "
                                      "action = 'assigned' AND NOT EXISTS (SELECT 1 FROM "
                                      "agent_facts f WHERE f.audit_id = a.id AND f.kind = "
                                      "'assigned')"), ==, 0);
}

/* The facts as text, to compare a catch-up with a rebuild. */
static char *
facts_text (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = dw_pg_query (fixture->desk->conn,
    "SELECT string_agg (concat_ws (':', audit_id, user_id, ticket_id, kind, delta), ' ' "
    "ORDER BY audit_id, kind, user_id, delta) FROM agent_facts", 0, NULL, &error);

  g_assert_no_error (error);
  return g_strdup (PQgetvalue (result, 0, 0));
}

static void
assert_same_as_rebuild (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *incremental = facts_text (fixture);
  g_autofree char *rebuilt = NULL;

  g_assert_true (dw_agent_facts_rebuild (fixture->desk->store, &error));
  g_assert_no_error (error);
  rebuilt = facts_text (fixture);
  g_assert_cmpstr (incremental, ==, rebuilt);
}

/* A takes audit id N and stays open, B takes N + 1 and commits, the catch-up reads; then A
 * commits and the catch-up reads again: both facts, once each.  With the audit id as the
 * watermark the first catch-up went past N, and A's fact was never counted. */
static void
test_late_commit (Fixture       *fixture,
                  gconstpointer  data)
{
  begin (fixture->a);
  assign (fixture->a, 31, 11);
  begin (fixture->b);
  assign (fixture->b, 32, 13);
  commit (fixture->b);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT max (id) FROM audit"), >, 0);

  catch_up (fixture);
  g_assert_cmpint (assigned (fixture), ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM agent_facts WHERE "
                                      "kind = 'assigned' AND ticket_id = 32"), ==, 1);

  commit (fixture->a);
  catch_up (fixture);
  assert_each_assignment_once (fixture);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM agent_facts WHERE "
                                      "kind = 'assigned' AND ticket_id = 31 AND user_id = 11"),
                   ==, 1);

  /* nothing more to read: nothing read twice */
  catch_up (fixture);
  assert_each_assignment_once (fixture);
  assert_same_as_rebuild (fixture);
}

/* A rolled back leaves nothing to wait for: later rows are read, its row never is. */
static void
test_rollback (Fixture       *fixture,
               gconstpointer  data)
{
  begin (fixture->a);
  assign (fixture->a, 31, 11);
  assign (fixture->b, 32, 13);
  catch_up (fixture);
  dw_test_store_rollback (fixture->a);
  assign (fixture->b, 33, 11);
  catch_up (fixture);
  assert_each_assignment_once (fixture);
  g_assert_cmpint (assigned (fixture), ==, 2);
}

/* A long trail read in slices that stop in the middle of a read, while a transaction that took
 * an early id is still open and others commit between the slices: every row once, the same
 * facts as one rebuild reading it all at the end. */
static void
test_slices (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GString) sql = g_string_new (NULL);

  begin (fixture->a);
  assign (fixture->a, 31, 11);
  for (int round = 0; round < 3; round++)
    {
      g_string_truncate (sql, 0);
      /* 1500 assignments in one statement, the tickets handed between the two agents */
      g_string_append (sql, "INSERT INTO audit (at, entity, entity_id, action, field, before, "
                            "after) SELECT 30 + n, 'ticket', 32 + n % 9, 'assigned', "
                            "'assignee_id', 'null', CASE WHEN n % 2 = 0 THEN '11' ELSE '13' END "
                            "FROM generate_series (1, 1500) AS n");
      begin (fixture->b);
      dw_test_store_exec (fixture->b, sql->str);
      if (round == 1)
        {
          /* A writes again, after ids B committed */
          assign (fixture->a, 31, 13);
        }
      commit (fixture->b);
      catch_up_in_slices (fixture);
    }
  g_assert_cmpint (assigned (fixture), ==, 4500);
  commit (fixture->a);
  catch_up_in_slices (fixture);
  assert_each_assignment_once (fixture);
  g_assert_cmpint (assigned (fixture), ==, 4502);
  assert_same_as_rebuild (fixture);
}

/* Rows written before migration 009 (no transaction id) or moved from SQLite, read up to an
 * audit id (the watermark as it was): the rest of them and the new rows are read once. */
static void
test_from_audit_id (Fixture       *fixture,
                    gconstpointer  data)
{
  dw_test_store_exec (fixture->desk,
    "INSERT INTO audit (id, at, entity, entity_id, action, field, before, after, txid) VALUES "
    "(1, 20, 'ticket', 31, 'assigned', 'assignee_id', 'null', '11', NULL), "
    "(2, 20, 'ticket', 32, 'assigned', 'assignee_id', 'null', '13', NULL), "
    "(3, 20, 'ticket', 33, 'assigned', 'assignee_id', 'null', '11', NULL)");
  dw_test_store_seeded (fixture->desk);
  /* the facts of row 1 were read by the old reader */
  dw_test_store_exec (fixture->desk,
    "INSERT INTO agent_facts (audit_id, at, user_id, team_id, ticket_id, kind) "
    "VALUES (1, 20, 11, 7, 31, 'assigned');"
    "INSERT INTO settings (key, value) VALUES ('agent_facts_audit_id', '1')");

  begin (fixture->a);
  assign (fixture->a, 34, 13);
  assign (fixture->b, 35, 11);
  catch_up (fixture);
  g_assert_cmpint (assigned (fixture), ==, 4);
  commit (fixture->a);
  catch_up (fixture);
  assert_each_assignment_once (fixture);
}

/* The facts' settings forgotten (as a test or an operator does to read the whole trail
 * again): without the audit id the snapshots left behind mean nothing. */
static void
test_forgotten (Fixture       *fixture,
                gconstpointer  data)
{
  assign (fixture->b, 31, 11);
  catch_up (fixture);
  assign (fixture->b, 32, 13);
  catch_up (fixture);
  dw_test_store_exec (fixture->desk, "DELETE FROM agent_facts; DELETE FROM agent_fact_tickets; "
                                     "DELETE FROM settings WHERE key = 'agent_facts_audit_id'");
  catch_up (fixture);
  assert_each_assignment_once (fixture);
  g_assert_cmpint (assigned (fixture), ==, 2);
}

/* A desk restored into another cluster (pg_dump) whose transaction ids start lower than the
 * stored snapshot's: new rows would look read already, so the facts are read again. */
static void
test_ids_went_back (Fixture       *fixture,
                    gconstpointer  data)
{
  assign (fixture->b, 31, 11);
  catch_up (fixture);
  dw_test_store_exec (fixture->desk, "UPDATE settings SET value = '4000000000:4000000000:' "
                                     "WHERE key = 'agent_facts_snapshot'");
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM settings "
                                      "WHERE key = 'agent_facts_snapshot'"), ==, 1);
  assign (fixture->b, 32, 13);
  catch_up (fixture);
  assert_each_assignment_once (fixture);
  g_assert_cmpint (assigned (fixture), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/pg/facts/late-commit", Fixture, NULL, fixture_set_up, test_late_commit,
              fixture_tear_down);
  g_test_add ("/pg/facts/rollback", Fixture, NULL, fixture_set_up, test_rollback,
              fixture_tear_down);
  g_test_add ("/pg/facts/slices", Fixture, NULL, fixture_set_up, test_slices,
              fixture_tear_down);
  g_test_add ("/pg/facts/from-audit-id", Fixture, NULL, fixture_set_up, test_from_audit_id,
              fixture_tear_down);
  g_test_add ("/pg/facts/forgotten", Fixture, NULL, fixture_set_up, test_forgotten,
              fixture_tear_down);
  g_test_add ("/pg/facts/ids-went-back", Fixture, NULL, fixture_set_up, test_ids_went_back,
              fixture_tear_down);
  return g_test_run ();
}
