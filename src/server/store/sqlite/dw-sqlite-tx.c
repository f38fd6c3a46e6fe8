/* dw-sqlite-tx.c: transactions of the SQLite backend, dw-store.c's on the handle (the same
 * statements, the desk's begin hook, the commit counter of /health). */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include "dw-store.h"
#include "store/dw-store-tx.h"
#include "store/sqlite/dw-sqlite-store.h"

static gboolean
tx_begin (DwStore  *store,
          GError  **error)
{
  return dw_store_begin (dw_sqlite_store_db (store), error);
}

static gboolean
tx_begin_read (DwStore  *store,
               GError  **error)
{
  return dw_store_begin_read (dw_sqlite_store_db (store), error);
}

static gboolean
tx_commit (DwStore  *store,
           GError  **error)
{
  return dw_store_commit (dw_sqlite_store_db (store), error);
}

static void
tx_rollback (DwStore *store)
{
  dw_store_rollback (dw_sqlite_store_db (store));
}

static gboolean
tx_savepoint (DwStore  *store,
              GError  **error)
{
  return dw_store_savepoint (dw_sqlite_store_db (store), error);
}

static gboolean
tx_release_savepoint (DwStore  *store,
                      GError  **error)
{
  return dw_store_release_savepoint (dw_sqlite_store_db (store), error);
}

static void
tx_rollback_savepoint (DwStore *store)
{
  dw_store_rollback_savepoint (dw_sqlite_store_db (store));
}

static gboolean
tx_read_scope_begin (DwStore *store)
{
  return dw_store_read_scope_begin (dw_sqlite_store_db (store));
}

static void
tx_read_scope_end (DwStore  *store,
                   gboolean  began)
{
  dw_store_read_scope_end (dw_sqlite_store_db (store), began);
}

const DwStoreTxOps dw_sqlite_tx_ops = {
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
