/* test-demo-start.c: what a new demo desk costs the service's first seconds.
 *
 * Runs the service in this process (the service's library, not the executable) on the demo's
 * desk: the agent facts of its two weeks of audit trail are read from idle in slices, so the
 * requests of the console that just started the demo (sign-in, snapshot) are answered between
 * two slices rather than after the whole trail; read in slices, the facts are exactly those one
 * reading makes.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "dw-agent-metrics.h"
#include "dw-demo.h"
#include "dw-service.h"
#include "dw-store.h"

#define DW_TEST_WAIT_SECONDS 120
#include "dw-test-wait.h"

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static gint64
watermark (sqlite3 *db)
{
  return query_int (db, "SELECT coalesce ((SELECT CAST (value AS INTEGER) FROM settings "
                        "WHERE key = 'agent_facts_audit_id'), 0)");
}

static gint64
last_ticket_audit (sqlite3 *db)
{
  return query_int (db, "SELECT coalesce (max (id), 0) FROM audit WHERE entity = 'ticket'");
}

/* Every fact and every ticket state, in a stable order, as text. */
static char *
dump_facts (sqlite3 *db)
{
  static const char * const queries[] = {
    "SELECT audit_id, at, user_id, team_id, ticket_id, kind, target, calendar_seconds, "
    "business_seconds, replies, delta FROM agent_facts "
    "ORDER BY audit_id, kind, user_id, delta",
    "SELECT ticket_id, created_at, team_id, assignee_id, solver_id, active "
    "FROM agent_fact_tickets ORDER BY ticket_id",
  };
  GString *out = g_string_new (NULL);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db, queries[q], &error);

      g_assert_no_error (error);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int i = 0; i < sqlite3_column_count (stmt); i++)
            {
              const char *text = (const char *) sqlite3_column_text (stmt, i);

              g_string_append (out, text != NULL ? text : "NULL");
              g_string_append_c (out, '|');
            }
          g_string_append_c (out, '\n');
        }
    }
  return g_string_free (out, FALSE);
}

static void
remove_dir (const char *dir)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (dir, "/demo.db", suffixes[i], NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_facts_in_slices (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("deskwatch-demo-start-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *sliced = NULL;
  g_autofree char *whole = NULL;
  DwService *service;
  sqlite3 *db;
  gint64 first_slice, trail;

  g_assert_no_error (error);
  path = g_build_filename (dir, "demo.db", NULL);
  dw_demo_set_seed (13);
  service = dw_service_new (path, NULL, &error);
  g_assert_no_error (error);
  db = dw_service_get_db (service);
  g_assert_true (dw_demo_populate (service, &error));
  g_assert_no_error (error);
  g_assert_cmpint (watermark (db), ==, 0);
  trail = last_ticket_audit (db);
  g_test_message ("the demo's audit trail: %" G_GINT64_FORMAT " rows", trail);
  g_assert_cmpint (trail, >, 10000);

  g_assert_true (dw_service_listen (service, "127.0.0.1:0", NULL, NULL, &error));
  g_assert_no_error (error);

  /* The first slice (a few seconds after the service listens) leaves most of the trail to later
   * turns of the main loop, where requests that arrived meanwhile are served first. */
  WAIT_UNTIL (watermark (db) > 0);
  first_slice = watermark (db);
  g_test_message ("first slice: up to audit row %" G_GINT64_FORMAT, first_slice);
  g_assert_cmpint (first_slice, <, trail);

  /* The slices go on by themselves until the facts are up to date (the SLA engine may add
   * rows of its own meanwhile: they are read too). */
  WAIT_UNTIL (watermark (db) >= last_ticket_audit (db));
  g_assert_true (dw_agent_facts_catch_up (db, &error));
  g_assert_no_error (error);

  /* Read in slices, the facts are exactly what reading the whole trail at once makes. */
  sliced = dump_facts (db);
  g_assert_true (dw_agent_facts_rebuild (db, &error));
  g_assert_no_error (error);
  whole = dump_facts (db);
  g_assert_cmpuint (strlen (sliced), >, 1000);
  g_assert_cmpstr (sliced, ==, whole);

  dw_service_stop (service);
  g_object_unref (service);
  remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo-start/facts-in-slices", test_facts_in_slices);

  return g_test_run ();
}
