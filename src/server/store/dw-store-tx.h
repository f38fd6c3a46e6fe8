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

G_END_DECLS
