/* dw-sqlite-auth.c: the credentials' operations (store/dw-store-auth.h) on SQLite.
 *
 * Every statement goes through dw_store_prepare's cache: token_find and principal_load run on
 * every request (issue 13 found them re-prepared each time once).
 */
#define G_LOG_DOMAIN "dw-store"

#include "store/sqlite/dw-sqlite-store.h"

#include "dw-enums.h"
#include "dw-store.h"
#include "store/dw-store-auth.h"

static gint64
column_time (sqlite3_stmt *stmt,
             int           column)
{
  return sqlite3_column_type (stmt, column) != SQLITE_NULL ? sqlite3_column_int64 (stmt, column)
                                                           : 0;
}

/* Steps @stmt to its one row: FALSE with DW_STORE_ERROR_NOT_FOUND (@what) if there is none. */
static gboolean
step_row (sqlite3      *db,
          sqlite3_stmt *stmt,
          const char   *what,
          GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND, "no %s", what);
  else
    dw_store_set_error (error, db, rc);
  return FALSE;
}

static gboolean
user_find (DwStore     *store,
           const char  *username,
           gint64      *user_id,
           GError     **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db, "SELECT id FROM users WHERE username = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  if (!step_row (db, stmt, "such user", error))
    return FALSE;

  *user_id = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
user_credentials (DwStore     *store,
                  const char  *username,
                  gint64      *user_id,
                  char       **password_hash,
                  gboolean    *disabled,
                  GError     **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
                           "SELECT id, password_hash, disabled FROM users WHERE username = ?",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  if (!step_row (db, stmt, "such user", error))
    return FALSE;

  *user_id = sqlite3_column_int64 (stmt, 0);
  *password_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  *disabled = sqlite3_column_int (stmt, 2) != 0;
  return TRUE;
}

static gboolean
principal_load (DwStore              *store,
                gint64                user_id,
                DwStorePrincipalRow  *row,
                GError              **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) teams = NULL;
  int rc;

  stmt = dw_store_prepare (db, "SELECT username, role, disabled FROM users WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, user_id);
  if (!step_row (db, stmt, "such user", error))
    return FALSE;

  row->username = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  row->role = DW_ROLE_AGENT;
  dw_enum_from_string (DW_TYPE_ROLE, (const char *) sqlite3_column_text (stmt, 1), &row->role);
  row->disabled = sqlite3_column_int (stmt, 2) != 0;
  row->team_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  row->lead_team_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  /* A disabled user's teams are of no use to anyone: not read. */
  if (row->disabled)
    return TRUE;
  g_clear_pointer (&stmt, dw_store_release);

  teams = dw_store_prepare (db, "SELECT team_id, is_lead FROM team_members WHERE user_id = ?",
                            error);
  if (teams == NULL)
    return FALSE;

  sqlite3_bind_int64 (teams, 1, user_id);
  while ((rc = sqlite3_step (teams)) == SQLITE_ROW)
    {
      gint64 team_id = sqlite3_column_int64 (teams, 0);

      g_array_append_val (row->team_ids, team_id);
      if (sqlite3_column_int (teams, 1) != 0)
        g_array_append_val (row->lead_team_ids, team_id);
    }

  if (!dw_store_step_rows_done (teams, rc, error))
    return FALSE;

  return TRUE;
}

static gint64
token_insert (DwStore     *store,
              gint64       user_id,
              const char  *token_hash,
              const char  *label,
              gint64       created_at,
              gint64       expires_at,
              GError     **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
                           "INSERT INTO tokens (user_id, token_hash, label, created_at, "
                           "expires_at) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, token_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, label != NULL ? label : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, created_at);
  if (expires_at > 0)
    sqlite3_bind_int64 (stmt, 5, expires_at);
  else
    sqlite3_bind_null (stmt, 5);

  if (!dw_store_step_done (stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (db);
}

static gboolean
token_find (DwStore          *store,
            const char       *token_hash,
            DwStoreTokenRow  *row,
            GError          **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
                           "SELECT id, user_id, expires_at, revoked_at, last_used_at FROM tokens "
                           "WHERE token_hash = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_TRANSIENT);
  if (!step_row (db, stmt, "such token", error))
    return FALSE;

  row->id = sqlite3_column_int64 (stmt, 0);
  row->user_id = sqlite3_column_int64 (stmt, 1);
  row->expires_at = column_time (stmt, 2);
  row->revoked_at = column_time (stmt, 3);
  row->last_used_at = column_time (stmt, 4);
  return TRUE;
}

static gboolean
token_get (DwStore          *store,
           gint64            token_id,
           DwStoreTokenRow  *row,
           GError          **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
                           "SELECT user_id, expires_at, revoked_at, last_used_at FROM tokens "
                           "WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, token_id);
  if (!step_row (db, stmt, "such token", error))
    return FALSE;

  row->id = token_id;
  row->user_id = sqlite3_column_int64 (stmt, 0);
  row->expires_at = column_time (stmt, 1);
  row->revoked_at = column_time (stmt, 2);
  row->last_used_at = column_time (stmt, 3);
  return TRUE;
}

static gboolean
token_touch (DwStore  *store,
             gint64    token_id,
             gint64    at,
             GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "UPDATE tokens SET last_used_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, at);
  sqlite3_bind_int64 (stmt, 2, token_id);
  return dw_store_step_done (stmt, error);
}

static gboolean
token_revoke (DwStore  *store,
              gint64    token_id,
              gint64    at,
              GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, at);
  sqlite3_bind_int64 (stmt, 2, token_id);
  return dw_store_step_done (stmt, error);
}

static gboolean
user_list (DwStore              *store,
           DwStoreUserListFunc   func,
           gpointer              user_data,
           GError              **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = dw_store_prepare (db,
                           "SELECT id, username, role, presence, disabled, display_name "
                           "FROM users ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreUserListRow row = {
        .id = sqlite3_column_int64 (stmt, 0),
        .username = (const char *) sqlite3_column_text (stmt, 1),
        .role = (const char *) sqlite3_column_text (stmt, 2),
        .presence = (const char *) sqlite3_column_text (stmt, 3),
        .disabled = sqlite3_column_int (stmt, 4) != 0,
        .display_name = (const char *) sqlite3_column_text (stmt, 5),
      };

      func (&row, user_data);
    }

  return dw_store_step_rows_done (stmt, rc, error);
}

static gboolean
token_list (DwStore               *store,
            const char            *username,
            DwStoreTokenListFunc   func,
            gpointer               user_data,
            GError               **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = dw_store_prepare (db,
                           "SELECT k.id, u.username, k.label, k.created_at, k.expires_at, "
                           "k.revoked_at, k.last_used_at FROM tokens k "
                           "JOIN users u ON u.id = k.user_id "
                           "WHERE ?1 IS NULL OR u.username = ?1 ORDER BY k.id", error);
  if (stmt == NULL)
    return FALSE;

  if (username != NULL)
    sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreTokenListRow row = {
        .id = sqlite3_column_int64 (stmt, 0),
        .username = (const char *) sqlite3_column_text (stmt, 1),
        .label = (const char *) sqlite3_column_text (stmt, 2),
        .created_at = sqlite3_column_int64 (stmt, 3),
        .expires_at = column_time (stmt, 4),
        .revoked_at = column_time (stmt, 5),
        .last_used_at = column_time (stmt, 6),
      };

      func (&row, user_data);
    }

  return dw_store_step_rows_done (stmt, rc, error);
}

/* dw-store.c's count of this connection's writes of tokens, users and team_members (temporary
 * triggers) and PRAGMA data_version. */
static gboolean
auth_version (DwStore *store,
              guint64 *version)
{
  return dw_store_credentials_version (dw_sqlite_store_db (store), version);
}

const DwStoreAuthOps dw_sqlite_auth_ops = {
  .user_find = user_find,
  .user_credentials = user_credentials,
  .principal_load = principal_load,
  .token_insert = token_insert,
  .token_find = token_find,
  .token_get = token_get,
  .token_touch = token_touch,
  .token_revoke = token_revoke,
  .user_list = user_list,
  .token_list = token_list,
  .auth_version = auth_version,
};
