/* test-store-tx.c: the store's transactions (store/dw-store-tx.h) on both backends: what a
 * commit, a rollback and a savepoint leave, what a read snapshot sees while another connection
 * commits, and a nested begin refused. */
#include "config.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include "dw-store.h"
#include "dw-test-store.h"
#include "store/dw-store-tx.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-store.h"
#include "store/sqlite/dw-sqlite-store.h"

typedef DwTestStoreFixture Fixture;

/* A table of the test's own: what it checks is the transactions, not a domain's rows. */
static const char probe_sql[] = "CREATE TABLE tx_probe (id BIGINT PRIMARY KEY, note TEXT)";

/* Runs @sql on @desk's connection; FALSE with @error when it fails (no assertion). */
static gboolean
try_exec (DwTestStore  *desk,
          const char   *sql,
          GError      **error)
{
  if (g_str_equal (desk->backend, "postgresql"))
    return dw_pg_exec (desk->conn, sql, error);
  return dw_store_exec (desk->conn, sql, error);
}

static gint64
count (DwTestStore *desk)
{
  return dw_test_store_int (desk, "SELECT count (*) FROM tx_probe");
}

static void
test_commit (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTestStore) other = dw_test_store_open_second (fixture->desk);

  g_assert_false (dw_store_in_transaction (fixture->store));
  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_in_transaction (fixture->store));
  dw_test_store_exec (fixture->desk, "INSERT INTO tx_probe (id, note) VALUES (1, 'one')");
  /* Not committed: the other connection does not see it yet. */
  g_assert_cmpint (count (other), ==, 0);
  g_assert_true (dw_store_tx_commit (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_false (dw_store_in_transaction (fixture->store));
  g_assert_cmpint (count (fixture->desk), ==, 1);
  g_assert_cmpint (count (other), ==, 1);
}

static void
test_rollback (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_no_error (error);
  dw_test_store_exec (fixture->desk, "INSERT INTO tx_probe (id, note) VALUES (1, 'one')");
  g_assert_cmpint (count (fixture->desk), ==, 1);
  dw_store_tx_rollback (fixture->store);
  g_assert_false (dw_store_in_transaction (fixture->store));
  g_assert_cmpint (count (fixture->desk), ==, 0);

  /* With nothing open it does nothing. */
  dw_store_tx_rollback (fixture->store);
  dw_store_tx_rollback_savepoint (fixture->store);
  g_assert_false (dw_store_in_transaction (fixture->store));
}

/* The group commit's way: each write in a savepoint, a failed one undone alone. */
static void
test_savepoint (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTestStore) other = dw_test_store_open_second (fixture->desk);

  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_no_error (error);

  g_assert_true (dw_store_tx_savepoint (fixture->store, &error));
  g_assert_no_error (error);
  dw_test_store_exec (fixture->desk, "INSERT INTO tx_probe (id, note) VALUES (1, 'kept')");
  g_assert_true (dw_store_tx_release_savepoint (fixture->store, &error));
  g_assert_no_error (error);

  /* A write that wrote a row, then was given up. */
  g_assert_true (dw_store_tx_savepoint (fixture->store, &error));
  g_assert_no_error (error);
  dw_test_store_exec (fixture->desk, "INSERT INTO tx_probe (id, note) VALUES (2, 'undone')");
  dw_store_tx_rollback_savepoint (fixture->store);
  g_assert_true (dw_store_in_transaction (fixture->store));

  /* A write whose statement failed (on PostgreSQL that aborts the transaction up to the
   * savepoint). */
  g_assert_true (dw_store_tx_savepoint (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_false (try_exec (fixture->desk, "INSERT INTO tx_probe (id, note) VALUES (1, 'dup')",
                            &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  dw_store_tx_rollback_savepoint (fixture->store);
  g_assert_true (dw_store_in_transaction (fixture->store));

  g_assert_true (dw_store_tx_savepoint (fixture->store, &error));
  g_assert_no_error (error);
  dw_test_store_exec (fixture->desk, "INSERT INTO tx_probe (id, note) VALUES (3, 'kept too')");
  g_assert_true (dw_store_tx_release_savepoint (fixture->store, &error));
  g_assert_no_error (error);

  g_assert_true (dw_store_tx_commit (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (other), ==, 2);
  g_assert_cmpint (dw_test_store_int (other, "SELECT sum (id) FROM tx_probe"), ==, 4);
  g_assert_cmpint (dw_test_store_int (other,
                                      "SELECT count (*) FROM tx_probe WHERE note = 'undone'"),
                   ==, 0);
}

/* A commit after a failed statement that no savepoint undid must not pass for a commit. */
static void
test_commit_after_failure (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  dw_test_store_exec (fixture->desk, "INSERT INTO tx_probe (id, note) VALUES (1, 'one')");
  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_no_error (error);
  dw_test_store_exec (fixture->desk, "INSERT INTO tx_probe (id, note) VALUES (2, 'two')");
  g_assert_false (try_exec (fixture->desk, "INSERT INTO tx_probe (id, note) VALUES (1, 'dup')",
                            &error));
  g_clear_error (&error);

  if (g_str_equal (data, "postgresql"))
    {
      /* The transaction is aborted: the commit says so, and row 2 is gone. */
      g_assert_false (dw_store_tx_commit (fixture->store, &error));
      g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED);
      g_assert_cmpint (count (fixture->desk), ==, 1);
    }
  else
    {
      /* SQLite undoes the failed statement alone and the transaction goes on. */
      g_assert_true (dw_store_tx_commit (fixture->store, &error));
      g_assert_no_error (error);
      g_assert_cmpint (count (fixture->desk), ==, 2);
    }
  g_assert_false (dw_store_in_transaction (fixture->store));
}

static void
test_read_snapshot (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTestStore) other = dw_test_store_open_second (fixture->desk);

  dw_test_store_exec (fixture->desk, "INSERT INTO tx_probe (id, note) VALUES (1, 'before')");

  g_assert_true (dw_store_tx_begin_read (fixture->store, &error));
  g_assert_no_error (error);
  /* The snapshot starts with the first read. */
  g_assert_cmpint (count (fixture->desk), ==, 1);

  /* Another connection writes and commits meanwhile. */
  g_assert_true (dw_store_tx_begin (other->store, &error));
  g_assert_no_error (error);
  dw_test_store_exec (other, "INSERT INTO tx_probe (id, note) VALUES (2, 'during')");
  dw_test_store_exec (other, "UPDATE tx_probe SET note = 'changed' WHERE id = 1");
  g_assert_true (dw_store_tx_commit (other->store, &error));
  g_assert_no_error (error);

  /* The snapshot does not see it, in any of its reads. */
  g_assert_cmpint (count (fixture->desk), ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM tx_probe WHERE note = 'before'"),
                   ==, 1);
  g_assert_true (dw_store_tx_commit (fixture->store, &error));
  g_assert_no_error (error);

  /* Once it is over, the commit is there. */
  g_assert_cmpint (count (fixture->desk), ==, 2);
  g_assert_cmpint (dw_test_store_int (fixture->desk,
                                      "SELECT count (*) FROM tx_probe WHERE note = 'changed'"),
                   ==, 1);
}

static void
test_nested (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_no_error (error);
  dw_test_store_exec (fixture->desk, "INSERT INTO tx_probe (id, note) VALUES (1, 'outer')");

  g_assert_false (dw_store_tx_begin (fixture->store, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "A transaction is already open on this connection");
  g_clear_error (&error);
  g_assert_false (dw_store_tx_begin_read (fixture->store, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED);
  g_clear_error (&error);

  /* The outer transaction is untouched: still open, still undoable. */
  g_assert_true (dw_store_in_transaction (fixture->store));
  g_assert_cmpint (count (fixture->desk), ==, 1);
  dw_store_tx_rollback (fixture->store);
  g_assert_cmpint (count (fixture->desk), ==, 0);
}

typedef struct
{
  DwStore *store;
  guint    calls;
} HookData;

/* What the desk's group commit does in its hook: commit the transaction it left open. */
static void
commit_open_group (DwStore  *store,
                   gpointer  data)
{
  HookData *hook = data;

  g_assert_true (store == hook->store);
  hook->calls++;
  if (dw_store_in_transaction (store))
    g_assert_true (dw_store_tx_commit (store, NULL));
}

/* The group commit's begin hook is the store's, on both backends: a begin or a read snapshot
 * first lets the hook commit the group left open on the connection, whichever store on that
 * connection begins; removed, it is called no more. */
static void
test_begin_hook (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTestStore) other = dw_test_store_open_second (fixture->desk);
  g_autoptr(DwStore) wrapper = NULL;
  HookData hook = { fixture->store, 0 };

  wrapper = g_str_equal (data, "postgresql") ? dw_pg_store_new (fixture->store->conn)
                                             : dw_sqlite_store_new (fixture->store->conn);
  dw_store_set_begin_hook (fixture->store, commit_open_group, &hook);

  /* A group left open: the next begin commits it first, then begins. */
  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_no_error (error);
  dw_test_store_exec (fixture->desk, "INSERT INTO tx_probe (id, note) VALUES (1, 'group')");
  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hook.calls, ==, 2);
  g_assert_cmpint (count (other), ==, 1);
  dw_test_store_exec (fixture->desk, "INSERT INTO tx_probe (id, note) VALUES (2, 'group')");

  /* A read snapshot through another store on the same connection does the same. */
  g_assert_true (dw_store_tx_begin_read (wrapper, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hook.calls, ==, 3);
  g_assert_cmpint (count (other), ==, 2);
  dw_store_tx_rollback (wrapper);

  dw_store_set_begin_hook (fixture->store, NULL, NULL);
  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_cmpuint (hook.calls, ==, 3);
  dw_store_tx_rollback (fixture->store);
}

int
main (int   argc,
      char *argv[])
{
  static const DwTestStoreCase tests[] = {
    { "commit", test_commit },
    { "rollback", test_rollback },
    { "savepoint", test_savepoint },
    { "commit-after-failure", test_commit_after_failure },
    { "read-snapshot", test_read_snapshot },
    { "nested", test_nested },
    { "begin-hook", test_begin_hook },
  };

  g_test_init (&argc, &argv, NULL);

  dw_test_store_add_cases ("/store-tx", NULL, probe_sql, tests, G_N_ELEMENTS (tests));

  return g_test_run ();
}
