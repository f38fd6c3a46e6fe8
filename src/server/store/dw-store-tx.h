/* dw-store-tx.h: transactions of a store (docs/design.md "The store layer", "Transactions").
 *
 * The callers (the desk and its group commit, the SLA engine, the agent metrics, the snapshot)
 * own the transaction; the domains' operations run inside it and never begin or commit.
 *
 * begin: a write transaction.  SQLite: BEGIN IMMEDIATE (the write lock now, so no writer fails
 * half way with SQLITE_BUSY).  PostgreSQL: READ COMMITTED, with the desk's conditional updates
 * (expected `version`, SLA text, escalation level); dispatch is not yet safe across instances
 * (docs/design.md "PostgreSQL backend", "Transactions").
 * begin_read: one consistent snapshot for several reads.  SQLite: deferred BEGIN.  PostgreSQL:
 * REPEATABLE READ READ ONLY.
 * Both refuse, with DW_STORE_ERROR_FAILED, to begin while a transaction is open on the
 * connection (on SQLite after the begin hook has closed a group transaction, dw-store.h).
 * commit: FALSE with @error when it did not commit; the transaction is then closed.
 * rollback: safe at any time (nothing open: nothing done).
 * savepoint / release_savepoint / rollback_savepoint: one write inside a group transaction
 * (DwDesk), undone alone when it failed; rollback_savepoint also releases it.
 */
#pragma once

#include "dw-store.h"
#include "store/dw-store-backend.h"

G_BEGIN_DECLS

struct _DwStoreTxOps
{
  gboolean (*begin)              (DwStore *store, GError **error);
  gboolean (*begin_read)         (DwStore *store, GError **error);
  gboolean (*commit)             (DwStore *store, GError **error);
  void     (*rollback)           (DwStore *store);
  gboolean (*savepoint)          (DwStore *store, GError **error);
  gboolean (*release_savepoint)  (DwStore *store, GError **error);
  void     (*rollback_savepoint) (DwStore *store);
  gboolean (*read_scope_begin)   (DwStore *store);
  void     (*read_scope_end)     (DwStore *store, gboolean began);
};

static inline gboolean
dw_store_tx_begin (DwStore  *store,
                   GError  **error)
{
  return store->backend->tx->begin (store, error);
}

static inline gboolean
dw_store_tx_begin_read (DwStore  *store,
                        GError  **error)
{
  return store->backend->tx->begin_read (store, error);
}

static inline gboolean
dw_store_tx_commit (DwStore  *store,
                    GError  **error)
{
  return store->backend->tx->commit (store, error);
}

static inline void
dw_store_tx_rollback (DwStore *store)
{
  store->backend->tx->rollback (store);
}

static inline gboolean
dw_store_tx_savepoint (DwStore  *store,
                       GError  **error)
{
  return store->backend->tx->savepoint (store, error);
}

static inline gboolean
dw_store_tx_release_savepoint (DwStore  *store,
                               GError  **error)
{
  return store->backend->tx->release_savepoint (store, error);
}

static inline void
dw_store_tx_rollback_savepoint (DwStore *store)
{
  store->backend->tx->rollback_savepoint (store);
}

/* A write that failed with @error because it lost a race to another transaction: a deadlock
 * or a serialization failure (DW_STORE_ERROR_CONFLICT: PostgreSQL's 40P01, 40001; never on
 * SQLite, whose one writer cannot be overtaken).  It wrote nothing once rolled back, and running
 * it again decides on what the winner committed: TRUE, with *@error cleared and the loss
 * logged, while @attempt (1, 2, …) is below DW_STORE_TX_ATTEMPTS.  Every writer's loop asks
 * this (dw_desk_write, the SLA engine's alarm, the agent facts' catch-up, the demo's writes),
 * so the bound is one.  Never DW_STORE_ERROR_LOCK_TIMEOUT: that one waited the whole
 * lock_timeout on the main loop, and would again. */
/* Reads that follow each other outside any write (a request's authentication) in one read
 * transaction where that is cheaper than a lock per statement (SQLite's WAL read lock); never
 * held across the main loop, which would keep the WAL from being checkpointed.  Returns what
 * to hand to dw_store_tx_read_scope_end(); FALSE (nothing to end) inside a transaction already
 * and on PostgreSQL, where a read transaction would be two round trips more. */
static inline gboolean
dw_store_tx_read_scope_begin (DwStore *store)
{
  return store->backend->tx->read_scope_begin (store);
}

static inline void
dw_store_tx_read_scope_end (DwStore  *store,
                            gboolean  began)
{
  store->backend->tx->read_scope_end (store, began);
}

#define DW_STORE_TX_ATTEMPTS 4

/* A background round (the SLA alarm, the agent facts, the hand-back, the demo simulator) that
 * failed with DW_STORE_ERROR_LOCK_TIMEOUT — a lock another session holds, longer than the
 * session's lock_timeout — is not run again at once, nor every second: each try stops the main
 * loop for the whole lock_timeout again.  It tries again after this many seconds, saying so
 * once until a round succeeds. */
#define DW_STORE_TX_LOCKED_RETRY_S 10

static inline gboolean
dw_store_tx_locked (const GError *error)
{
  return g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_LOCK_TIMEOUT);
}

static inline gboolean
dw_store_tx_retry (guint    attempt,
                   GError **error)
{
  if (error == NULL || *error == NULL
      || !g_error_matches (*error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT)
      || attempt >= DW_STORE_TX_ATTEMPTS)
    return FALSE;

  g_message ("A write lost to another transaction (attempt %u of %u), running it again: %s",
             attempt, DW_STORE_TX_ATTEMPTS, (*error)->message);
  g_clear_error (error);
  return TRUE;
}

G_END_DECLS
