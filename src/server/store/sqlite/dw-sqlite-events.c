#define G_LOG_DOMAIN "dw-store"

#include "store/sqlite/dw-sqlite-store.h"

#include "dw-store.h"
#include "store/dw-store-events.h"

static gint64
event_insert (DwStore     *store,
              gint64       at,
              const char  *type,
              gint64       team_id,
              gint64       user_id,
              const char  *data,
              GError     **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
                           "INSERT INTO events (at, type, team_id, user_id, data) "
                           "VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_int64 (stmt, 1, at);
  sqlite3_bind_text (stmt, 2, type, -1, SQLITE_STATIC);
  dw_store_bind_id_or_null (stmt, 3, team_id);
  dw_store_bind_id_or_null (stmt, 4, user_id);
  sqlite3_bind_text (stmt, 5, data, -1, SQLITE_STATIC);
  if (!dw_store_step_done (stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (db);
}

static gboolean
events_read (DwStore           *store,
             gint64             after,
             gint64             up_to,
             guint              limit,
             DwStoreEventFunc   func,
             gpointer           user_data,
             GError           **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = dw_store_prepare (db,
                           "SELECT seq, at, type, team_id, user_id, data FROM events "
                           "WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, after);
  sqlite3_bind_int64 (stmt, 2, up_to);
  sqlite3_bind_int64 (stmt, 3, limit);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreEventRow row = {
        sqlite3_column_int64 (stmt, 0),
        sqlite3_column_int64 (stmt, 1),
        (const char *) sqlite3_column_text (stmt, 2),
        sqlite3_column_int64 (stmt, 3),
        sqlite3_column_int64 (stmt, 4),
        (const char *) sqlite3_column_text (stmt, 5),
      };

      func (&row, user_data);
    }

  if (!dw_store_step_rows_done (stmt, rc, error))
    return FALSE;

  return TRUE;
}

static gboolean
events_bounds (DwStore  *store,
               gint64   *last_seq,
               gint64   *first_seq,
               gint64   *first_at,
               GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  /* sqlite_sequence remembers the last seq even when every row has been pruned. */
  stmt = dw_store_prepare (db,
                           "SELECT (SELECT seq FROM sqlite_sequence WHERE name = 'events'), "
                           "       (SELECT MIN (seq) FROM events)", error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      dw_store_set_error (error, db, rc);
      return FALSE;
    }

  *last_seq = sqlite3_column_int64 (stmt, 0);
  *first_seq = 0;
  *first_at = 0;
  if (sqlite3_column_type (stmt, 1) == SQLITE_NULL)
    return TRUE;

  *first_seq = sqlite3_column_int64 (stmt, 1);
  g_clear_pointer (&stmt, dw_store_release);

  stmt = dw_store_prepare (db, "SELECT at FROM events WHERE seq = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, *first_seq);
  *first_at = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

static gboolean
events_prune (DwStore  *store,
              gint64    up_to,
              gint64    keep,
              gint64    older_than,
              GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
                           "DELETE FROM events WHERE seq <= ?1 AND (seq <= ?1 - ?2 OR at < ?3)",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, up_to);
  sqlite3_bind_int64 (stmt, 2, keep);
  sqlite3_bind_int64 (stmt, 3, older_than);
  if (!dw_store_step_done (stmt, error))
    return FALSE;

  g_debug ("Pruned %d events", sqlite3_changes (db));
  return TRUE;
}

static gboolean
data_version (DwStore *store,
              gint64  *version)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store), "PRAGMA data_version", NULL);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;

  *version = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
audit_insert (DwStore                *store,
              const DwStoreAuditNew  *audit,
              GError                **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "INSERT INTO audit (at, actor_id, entity, entity_id, action, field, "
                           "before, after, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, audit->at);
  dw_store_bind_id_or_null (stmt, 2, audit->actor_id);
  sqlite3_bind_text (stmt, 3, audit->entity, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, audit->entity_id);
  sqlite3_bind_text (stmt, 5, audit->action, -1, SQLITE_STATIC);
  dw_store_bind_text_or_null (stmt, 6, audit->field);
  dw_store_bind_text_or_null (stmt, 7, audit->before);
  dw_store_bind_text_or_null (stmt, 8, audit->after);
  dw_store_bind_text_or_null (stmt, 9, audit->reason);
  return dw_store_step_done (stmt, error);
}

const DwStoreEventOps dw_sqlite_event_ops = {
  .insert = event_insert,
  .read = events_read,
  .bounds = events_bounds,
  .prune = events_prune,
  .data_version = data_version,
  .audit_insert = audit_insert,
};
