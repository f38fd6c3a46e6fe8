#define G_LOG_DOMAIN "dw-store"

#include "store/sqlite/dw-sqlite-store.h"

#include "dw-store.h"
#include "store/dw-store-directory.h"

static gboolean
exists (DwStore       *store,
        DwStoreEntity  entity,
        gint64         id)
{
  /* The texts dw_desk_row_exists() prepares too: one parked statement each. */
  static const char * const sql[] = {
    [DW_STORE_ENTITY_TEAM] = "SELECT 1 FROM teams WHERE id = ?",
    [DW_STORE_ENTITY_USER] = "SELECT 1 FROM users WHERE id = ?",
    [DW_STORE_ENTITY_CUSTOMER] = "SELECT 1 FROM customers WHERE id = ?",
    [DW_STORE_ENTITY_CALENDAR] = "SELECT 1 FROM calendars WHERE id = ?",
  };
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (entity < G_N_ELEMENTS (sql), FALSE);

  if (id <= 0)
    return FALSE;

  stmt = dw_store_prepare (dw_sqlite_store_db (store), sql[entity], NULL);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

static gboolean
user_get_disabled (DwStore   *store,
                   gint64     user_id,
                   gboolean  *disabled,
                   GError   **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db, "SELECT disabled FROM users WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, user_id);
  if (!dw_store_step_row (stmt, "user", user_id, error))
    return FALSE;

  *disabled = sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}

static gboolean
user_set_last_assigned (DwStore  *store,
                        gint64    user_id,
                        gint64    at,
                        GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "UPDATE users SET last_assigned_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, at);
  sqlite3_bind_int64 (stmt, 2, user_id);
  return dw_store_step_done (stmt, error);
}

const DwStoreDirectoryOps dw_sqlite_directory_ops = {
  .exists = exists,
  .user_get_disabled = user_get_disabled,
  .user_set_last_assigned = user_set_last_assigned,
};
