/* test-pg-reconnect.c: the PostgreSQL store when PostgreSQL restarts or drops its connection
 * (store/pg/dw-pg-store.h, docs/design.md "When PostgreSQL restarts"), against a real
 * PostgreSQL 15 that the test stops (pg_ctl stop -m immediate), kills (kill -9 of the
 * postmaster) and starts again: operations fail DW_STORE_ERROR_UNAVAILABLE while it is away and
 * succeed once it is back, on the same store, without the caller opening anything again; a
 * transaction the connection was lost in is never committed; what was committed is there after. */
#include "config.h"

#include <libpq-fe.h>
#include <signal.h>
#include <string.h>

#include "dw-store.h"
#include "dw-test-pg.h"
#include "dw-test-store.h"
#include "store/dw-store-demo.h"
#include "store/dw-store-snapshot.h"
#include "store/dw-store-tx.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-store.h"

typedef struct
{
  DwTestStore *desk;
  DwStore     *store;
  guint        n_hooks;      /* reconnected hook calls */
  guint        n_hook_fail;  /* how many of the next ones fail */
} Fixture;

static gboolean
reconnected_cb (DwStore  *store,
                gpointer  data,
                GError  **error)
{
  Fixture *fixture = data;
  g_autoptr(GError) local = NULL;

  g_assert_true (store == fixture->store);
  fixture->n_hooks++;
  if (fixture->n_hook_fail > 0)
    {
      fixture->n_hook_fail--;
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the test's hook failed");
      return FALSE;
    }

  /* What a session holds is the hook's to restore (the event log's LISTEN, in the service). */
  return dw_pg_exec (store->conn, "SET application_name = 'dw-reconnected'", error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->desk = dw_test_store_open ("postgresql");
  fixture->store = fixture->desk->store;
  dw_pg_store_set_reconnect_interval (fixture->store, 0);
  dw_pg_store_add_reconnected_hook (fixture->store, reconnected_cb, fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->desk, dw_test_store_close);
}

static gboolean
put (Fixture     *fixture,
     const char  *key,
     GError     **error)
{
  return dw_store_demo_put_setting (fixture->store, key, "written", error);
}

static void
put_committed (Fixture    *fixture,
               const char *key)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_true (put (fixture, key, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_tx_commit (fixture->store, &error));
  g_assert_no_error (error);
}

/* Whether @key is in the settings (asserts the read succeeds). */
static gboolean
stored (Fixture    *fixture,
        const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  g_assert_true (dw_store_get_setting (fixture->store, key, &value, &error));
  g_assert_no_error (error);
  return value != NULL;
}

/* @error by address: read after the call that sets it, whatever the order of the arguments. */
static void
assert_unavailable (gboolean   ok,
                    GError   **error)
{
  g_assert_false (ok);
  g_assert_error (*error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE);
}

static char *
application_name (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = dw_pg_query (fixture->desk->conn, "SHOW application_name", 0,
                                            NULL, &error);

  g_assert_no_error (error);
  return g_strdup (PQgetvalue (result, 0, 0));
}

/* PostgreSQL stops in the middle of a transaction and stays away a while, then starts again. */
static void
test_down_and_back (Fixture       *fixture,
                    gconstpointer  data)
{
  DwTestPg *cluster = dw_test_pg_get_shared ();
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  g_autofree char *name = NULL;

  put_committed (fixture, "before");

  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_true (put (fixture, "interrupted", &error));
  g_assert_no_error (error);

  dw_test_pg_server_stop_immediate (cluster);

  assert_unavailable (put (fixture, "interrupted-more", &error), &error);
  g_clear_error (&error);
  /* A second statement of the lost transaction fails too, not run on a new connection. */
  assert_unavailable (put (fixture, "interrupted-more", &error), &error);
  g_clear_error (&error);
  assert_unavailable (dw_store_tx_commit (fixture->store, &error), &error);
  g_clear_error (&error);
  dw_store_tx_rollback (fixture->store);

  /* While it is away: every use fails at once, with the same error. */
  assert_unavailable (dw_store_tx_begin (fixture->store, &error), &error);
  g_clear_error (&error);
  assert_unavailable (dw_store_get_setting (fixture->store, "before", &value, &error), &error);
  g_clear_error (&error);
  g_assert_false (dw_store_ping (fixture->store));
  g_assert_cmpuint (dw_pg_store_get_n_reconnects (fixture->store), ==, 0);
  g_assert_cmpuint (fixture->n_hooks, ==, 0);

  dw_test_pg_server_start (cluster);

  /* The same store, nothing opened again by the caller. */
  g_assert_true (dw_store_ping (fixture->store));
  g_assert_cmpuint (dw_pg_store_get_n_reconnects (fixture->store), ==, 1);
  g_assert_cmpuint (fixture->n_hooks, ==, 1);
  name = application_name (fixture);
  g_assert_cmpstr (name, ==, "dw-reconnected");

  g_assert_true (stored (fixture, "before"));
  g_assert_false (stored (fixture, "interrupted"));
  g_assert_false (stored (fixture, "interrupted-more"));
  put_committed (fixture, "after");
  g_assert_true (stored (fixture, "after"));
}

/* PostgreSQL restarts while a transaction is open and is back before its next statement: the
 * statement must not run on the new connection (it would be committed by itself), and the
 * commit must fail, not succeed with PostgreSQL's "there is no transaction in progress". */
static void
test_restart_inside_transaction (Fixture       *fixture,
                                 gconstpointer  data)
{
  DwTestPg *cluster = dw_test_pg_get_shared ();
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_true (put (fixture, "first", &error));
  g_assert_no_error (error);

  dw_test_pg_server_stop_immediate (cluster);
  dw_test_pg_server_start (cluster);

  assert_unavailable (put (fixture, "second", &error), &error);
  g_clear_error (&error);
  assert_unavailable (put (fixture, "third", &error), &error);
  g_clear_error (&error);
  assert_unavailable (dw_store_tx_commit (fixture->store, &error), &error);
  g_clear_error (&error);
  dw_store_tx_rollback (fixture->store);

  g_assert_false (stored (fixture, "first"));
  g_assert_false (stored (fixture, "second"));
  g_assert_false (stored (fixture, "third"));
  g_assert_cmpuint (dw_pg_store_get_n_reconnects (fixture->store), ==, 1);
}

/* The server ends the connection (pg_terminate_backend: 57P01) just before COMMIT; the hook
 * fails once, so the store stays unavailable until it succeeds. */
static void
test_terminated_before_commit (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(DwTestStore) other = dw_test_store_open_second (fixture->desk);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autofree char *sql = NULL;

  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_true (put (fixture, "terminated", &error));
  g_assert_no_error (error);

  sql = g_strdup_printf ("SELECT pg_terminate_backend (%d, 5000)",
                         PQbackendPID (fixture->desk->conn));
  result = dw_pg_query (other->conn, sql, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (PQgetvalue (result, 0, 0), ==, "t");

  assert_unavailable (dw_store_tx_commit (fixture->store, &error), &error);
  g_clear_error (&error);
  dw_store_tx_rollback (fixture->store);

  fixture->n_hook_fail = 1;
  assert_unavailable (dw_store_tx_begin (fixture->store, &error), &error);
  g_assert_nonnull (strstr (error->message, "the test's hook failed"));
  g_clear_error (&error);
  g_assert_cmpuint (fixture->n_hooks, ==, 1);

  /* The hooks again first, then the transaction. */
  g_assert_true (dw_store_tx_begin (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->n_hooks, ==, 2);
  g_assert_false (stored (fixture, "terminated"));
  dw_store_tx_rollback (fixture->store);
  g_clear_pointer (&other, dw_test_store_close);
}

/* Not more often than the reconnect interval: while it has not passed, the store answers
 * unavailable at once, even though the server is back. */
static void
test_reconnect_interval (Fixture       *fixture,
                         gconstpointer  data)
{
  DwTestPg *cluster = dw_test_pg_get_shared ();
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  dw_pg_store_set_reconnect_interval (fixture->store, 3600 * 1000);
  dw_test_pg_server_stop_immediate (cluster);

  /* The connection found lost, then one attempt to reconnect, which fails. */
  assert_unavailable (dw_store_get_setting (fixture->store, "k", &value, &error), &error);
  g_clear_error (&error);
  assert_unavailable (dw_store_get_setting (fixture->store, "k", &value, &error), &error);
  g_clear_error (&error);

  dw_test_pg_server_start (cluster);
  assert_unavailable (dw_store_tx_begin (fixture->store, &error), &error);
  g_assert_nonnull (strstr (error->message, "next attempt to reconnect in"));
  g_clear_error (&error);
  g_assert_cmpuint (dw_pg_store_get_n_reconnects (fixture->store), ==, 0);

  dw_pg_store_set_reconnect_interval (fixture->store, 0);
  g_assert_true (dw_store_get_setting (fixture->store, "k", &value, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dw_pg_store_get_n_reconnects (fixture->store), ==, 1);
}

typedef struct
{
  GPid     pid;
  gint     armed;    /* set by the writer once it has written a little */
} Killer;

static gpointer
killer_thread (gpointer data)
{
  Killer *killer = data;

  while (!g_atomic_int_get (&killer->armed))
    g_usleep (1000);
  /* Writes go on meanwhile: the kill lands in one of them (a statement or a COMMIT). */
  g_usleep (50 * 1000);
  g_assert_no_errno (kill (killer->pid, SIGKILL));
  return NULL;
}

/* kill -9 of the postmaster during a stream of writes: every write whose COMMIT succeeded is
 * there after the restart; the store reconnects by itself. */
static void
test_postmaster_killed (Fixture       *fixture,
                        gconstpointer  data)
{
  DwTestPg *cluster = dw_test_pg_get_shared ();
  Killer killer = { .pid = dw_test_pg_server_pid (cluster) };
  g_autoptr(GThread) thread = g_thread_new ("killer", killer_thread, &killer);
  g_autoptr(GArray) acknowledged = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n_failed = 0;
  guint i;

  for (i = 1; n_failed < 5; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *key = g_strdup_printf ("w%u", i);

      if (dw_store_tx_begin (fixture->store, &error)
          && put (fixture, key, &error)
          && dw_store_tx_commit (fixture->store, &error))
        {
          g_array_append_val (acknowledged, i);
        }
      else
        {
          g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE);
          dw_store_tx_rollback (fixture->store);
          n_failed++;
        }
      if (i == 20)
        g_atomic_int_set (&killer.armed, 1);
    }
  g_thread_join (g_steal_pointer (&thread));
  g_test_message ("%u writes acknowledged before the kill", acknowledged->len);
  g_assert_cmpuint (acknowledged->len, >=, 20);

  dw_test_pg_server_restart_after_crash (cluster);

  for (guint j = 0; j < acknowledged->len; j++)
    {
      g_autofree char *key = g_strdup_printf ("w%u", g_array_index (acknowledged, guint, j));

      g_assert_true (stored (fixture, key));
    }
  put_committed (fixture, "after");
  g_assert_true (stored (fixture, "after"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/pg-reconnect/down-and-back", Fixture, NULL, fixture_set_up, test_down_and_back,
              fixture_tear_down);
  g_test_add ("/pg-reconnect/restart-inside-transaction", Fixture, NULL, fixture_set_up,
              test_restart_inside_transaction, fixture_tear_down);
  g_test_add ("/pg-reconnect/terminated-before-commit", Fixture, NULL, fixture_set_up,
              test_terminated_before_commit, fixture_tear_down);
  g_test_add ("/pg-reconnect/reconnect-interval", Fixture, NULL, fixture_set_up,
              test_reconnect_interval, fixture_tear_down);
  g_test_add ("/pg-reconnect/postmaster-killed", Fixture, NULL, fixture_set_up,
              test_postmaster_killed, fixture_tear_down);

  return g_test_run ();
}
