/* dw-pg-tx.c: transactions of the PostgreSQL backend (store/dw-store-tx.h).
 *
 * Writes run at READ COMMITTED: the ticket's and the SLA's read-then-writes are conditional
 * UPDATEs (the expected `version`, SLA text or escalation level in the WHERE, checked by the
 * affected row count), which PostgreSQL re-evaluates on the row's newest version after waiting
 * for a concurrent writer.  Dispatch is not yet guarded that way: safe while one connection
 * serves, not across instances (docs/design.md "PostgreSQL backend", "Transactions").  Snapshots for several reads run at
 * REPEATABLE READ READ ONLY: one snapshot for all their statements.
 */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include <string.h>

#include "dw-store.h"
#include "store/dw-store-tx.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-ops.h"
#include "store/pg/dw-pg-store.h"

/* Process-wide, as dw-store.c counts SQLite's (GET /api/v1/health). */
static gint n_commits;

gint64
dw_pg_tx_get_commits (void)
{
  return g_atomic_int_get (&n_commits);
}

static gboolean
open_or_failed (PGconn *conn)
{
  PGTransactionStatusType status = PQtransactionStatus (conn);

  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

/* Open on the server, or unknown because the connection is lost (libpq: PQTRANS_UNKNOWN) while
 * the tx ops had begun one: a new BEGIN must not pretend the old one is over. */
static gboolean
in_transaction_or_lost (DwStore *store)
{
  return PQtransactionStatus (dw_pg_store_conn (store)) != PQTRANS_IDLE
         && !(dw_pg_store_connection_lost (store) && !dw_pg_store_tx_is_open (store));
}

static gboolean
run (DwStore     *store,
     const char  *sql,
     GError     **error)
{
  g_autoptr(GError) local = NULL;

  if (dw_pg_exec (dw_pg_store_conn (store), sql, &local))
    return TRUE;
  dw_pg_store_note_error (store, local);
  dw_pg_store_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

/* Unlike SQLite, PostgreSQL only warns about a BEGIN inside a transaction and goes on in the
 * outer one: refuse it here, in the words of dw-store.c. */
static gboolean
begin_with (DwStore     *store,
            const char  *sql,
            GError     **error)
{
  g_autoptr(GError) local = NULL;

  /* The desk's group commit, as on SQLite (dw_store_set_begin_hook). */
  dw_store_run_begin_hook (store->conn);
  if (in_transaction_or_lost (store))
    {
      g_set_error_literal (error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED,
                           "A transaction is already open on this connection");
      return FALSE;
    }

  if (!dw_pg_store_check_connection (store, error))
    return FALSE;

  /* A connection that looked fine may have died while idle (PostgreSQL restarted since the last
   * transaction): BEGIN did nothing then, so reconnecting and beginning again is safe. */
  if (!run (store, sql, &local))
    {
      if (!g_error_matches (local, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE)
          || !dw_pg_store_connection_lost (store)
          || !dw_pg_store_check_connection (store, NULL)
          || !run (store, sql, NULL))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }

  dw_pg_store_tx_opened (store);
  dw_pg_events_clear_pending (store);
  return TRUE;
}

static gboolean
tx_begin (DwStore  *store,
          GError  **error)
{
  return begin_with (store, "BEGIN ISOLATION LEVEL READ COMMITTED", error);
}

static gboolean
tx_begin_read (DwStore  *store,
               GError  **error)
{
  return begin_with (store, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error);
}

static void
tx_rollback (DwStore *store)
{
  dw_pg_events_clear_pending (store);
  dw_pg_store_tx_closed (store);
  if (open_or_failed (dw_pg_store_conn (store)))
    dw_pg_exec (dw_pg_store_conn (store), "ROLLBACK", NULL);
}

static gboolean
tx_commit (DwStore  *store,
           GError  **error)
{
  PGconn *conn = dw_pg_store_conn (store);
  g_autoptr(GError) local = NULL;
  g_autoptr(PGresult) result = NULL;

  /* The server holds no transaction for us (the connection was lost, or reconnected since the
   * begin): a COMMIT now would only warn and succeed, and the writes are gone. */
  if (!dw_pg_store_tx_closed (store) || dw_pg_store_connection_lost (store)
      || !open_or_failed (conn))
    {
      dw_pg_events_clear_pending (store);
      g_set_error_literal (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE,
                           "the connection to PostgreSQL was lost: the transaction was rolled "
                           "back");
      return FALSE;
    }

  /* The transaction's events, with their seqs, as its last statement: the event counter's row
   * is locked from here to the COMMIT only (dw-pg-events.c event_insert).  Failed: nothing was
   * committed (lost connection: the server rolls back). */
  if (!dw_pg_events_flush_pending (store, &local))
    {
      if (open_or_failed (conn) && !dw_pg_store_connection_lost (store))
        dw_pg_exec (conn, "ROLLBACK", NULL);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }

  result = dw_pg_query (conn, "COMMIT", 0, NULL, &local);
  if (result == NULL)
    {
      dw_pg_store_note_error (store, local);
      /* Lost during COMMIT: the server may or may not have committed; either way the caller
       * must not answer success (it says 503, and the client retries or looks). */
      if (g_error_matches (local, DW_PG_ERROR, DW_PG_ERROR_UNAVAILABLE))
        {
          g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE,
                       "the connection to PostgreSQL was lost during COMMIT: the outcome is "
                       "unknown (%s)", local->message);
          return FALSE;
        }
      dw_pg_store_propagate_error (error, g_steal_pointer (&local));
      if (open_or_failed (conn))
        dw_pg_exec (conn, "ROLLBACK", NULL);
      return FALSE;
    }
  /* COMMIT of a transaction in which a statement failed succeeds as a ROLLBACK. */
  if (strcmp (PQcmdStatus (result), "ROLLBACK") == 0)
    {
      g_set_error_literal (error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED,
                           "The transaction was rolled back: a statement in it failed");
      return FALSE;
    }
  g_atomic_int_inc (&n_commits);
  return TRUE;
}

static gboolean
tx_savepoint (DwStore  *store,
              GError  **error)
{
  dw_pg_events_mark_pending (store);
  return run (store, "SAVEPOINT dw_write", error);
}

static gboolean
tx_release_savepoint (DwStore  *store,
                      GError  **error)
{
  return run (store, "RELEASE SAVEPOINT dw_write", error);
}

static void
tx_rollback_savepoint (DwStore *store)
{
  dw_pg_events_rollback_to_mark (store);
  /* A lost connection leaves no savepoint to go back to. */
  if (open_or_failed (dw_pg_store_conn (store)))
    dw_pg_exec (dw_pg_store_conn (store),
                "ROLLBACK TO SAVEPOINT dw_write; RELEASE SAVEPOINT dw_write", NULL);
}

/* Each statement is its own snapshot there with no lock to take: a read transaction would only
 * add BEGIN's and COMMIT's round trips. */
static gboolean
tx_read_scope_begin (DwStore *store)
{
  return FALSE;
}

static void
tx_read_scope_end (DwStore  *store,
                   gboolean  began)
{
}

const DwStoreTxOps dw_pg_tx_ops = {
  .begin = tx_begin,
  .begin_read = tx_begin_read,
  .commit = tx_commit,
  .rollback = tx_rollback,
  .savepoint = tx_savepoint,
  .release_savepoint = tx_release_savepoint,
  .rollback_savepoint = tx_rollback_savepoint,
  .read_scope_begin = tx_read_scope_begin,
  .read_scope_end = tx_read_scope_end,
};
