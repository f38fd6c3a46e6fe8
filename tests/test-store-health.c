/* test-store-health.c: what GET /api/v1/health reads of the database through the store layer
 * (store/dw-store-health.h): the schema version and the commit counter, on both backends.
 *
 * Every test runs once per backend (tests/dw-test-store.h), under /store/<backend>/health/.
 */
#include "config.h"

#include "dw-pg-migrations.h"
#include "dw-store.h"
#include "store/dw-store-health.h"
#include "store/dw-store-tx.h"
#include "dw-test-store.h"

typedef DwTestStoreFixture Fixture;

/* One schema history: a fresh desk is at the newest migration on either backend (the same
 * numbers), and the version is read from the database each time, not remembered. */
static void
test_schema_version (Fixture       *fixture,
                     gconstpointer  data)
{
  int latest = dw_pg_migrations_get_latest ();

  g_assert_cmpint (latest, >=, 8);
  g_assert_cmpint (dw_store_schema_version (fixture->store), ==, latest);

  if (g_str_equal (data, "sqlite"))
    dw_test_store_exec (fixture->desk, "PRAGMA user_version = 99");
  else
    dw_test_store_exec (fixture->desk, "INSERT INTO schema_version (version, name, applied_at) "
                                       "VALUES (99, '099-test.sql', 0)");
  g_assert_cmpint (dw_store_schema_version (fixture->store), ==, 99);
}

/* Inside a read transaction too (the console's snapshot may hold one): the same answer, and
 * the transaction still usable (PostgreSQL aborts a transaction on an error). */
static void
test_schema_version_in_transaction (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_store_tx_begin_read (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dw_store_schema_version (fixture->store), ==, dw_pg_migrations_get_latest ());
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM calendars"), >=, 1);
  g_assert_true (dw_store_tx_commit (fixture->store, &error));
  g_assert_no_error (error);
}

/* Commits made through the store's transactions are counted, rollbacks are not; statements
 * are counted where a statement cache can miss (SQLite), and said not to be on PostgreSQL. */
static void
test_stats (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwStoreHealthStats before, after;

  dw_store_health_stats (fixture->store, &before);

  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  dw_test_store_exec (fixture->desk, "INSERT INTO settings (key, value) VALUES ('a', '1')");
  g_assert_true (dw_store_tx_commit (fixture->store, &error));
  g_assert_no_error (error);

  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  dw_test_store_exec (fixture->desk, "INSERT INTO settings (key, value) VALUES ('b', '2')");
  dw_store_tx_rollback (fixture->store);

  dw_store_health_stats (fixture->store, &after);
  g_assert_cmpint (after.commits - before.commits, ==, 1);
  if (g_str_equal (data, "sqlite"))
    {
      g_assert_cmpint (before.statements_prepared, >=, 0);
      g_assert_cmpint (after.statements_prepared, >=, before.statements_prepared);
    }
  else
    {
      g_assert_cmpint (before.statements_prepared, ==, -1);
      g_assert_cmpint (after.statements_prepared, ==, -1);
    }
}

int
main (int   argc,
      char *argv[])
{
  static const DwTestStoreCase tests[] = {
    { "schema-version", test_schema_version },
    { "schema-version-in-transaction", test_schema_version_in_transaction },
    { "stats", test_stats },
  };

  g_test_init (&argc, &argv, NULL);

  dw_test_store_add_cases ("/store", "health", NULL, tests, G_N_ELEMENTS (tests));

  return g_test_run ();
}
