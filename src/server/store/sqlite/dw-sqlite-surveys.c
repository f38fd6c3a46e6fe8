#define G_LOG_DOMAIN "dw-store"

#include "store/sqlite/dw-sqlite-store.h"

#include "dw-store.h"
#include "store/dw-store-surveys.h"

#define SURVEY_COLUMNS "id, ticket_id, issued_at, expires_at, coalesce (answered_at, 0), " \
                       "coalesce (rating, 0), comment, coalesce (voided_at, 0), void_reason"

static gboolean
secret_get (DwStore  *store,
            char    **hex,
            GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  *hex = NULL;
  stmt = dw_store_prepare (db, "SELECT value FROM settings WHERE key = 'survey_secret'", error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *hex = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    {
      dw_store_set_error (error, db, rc);
      return FALSE;
    }

  return TRUE;
}

static gboolean
secret_insert (DwStore     *store,
               const char  *hex,
               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "INSERT INTO settings (key, value) VALUES ('survey_secret', ?)", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, hex, -1, SQLITE_TRANSIENT);
  return dw_store_step_done (stmt, error);
}

static gint64
issue (DwStore  *store,
       gint64    ticket_id,
       gint64    now,
       gint64    expires_at,
       GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) expire = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;

  expire = dw_store_prepare (db,
                             "UPDATE surveys SET expires_at = min (expires_at, ?1) "
                             "WHERE ticket_id = ?2 AND answered_at IS NULL", error);
  if (expire == NULL)
    return 0;
  insert = dw_store_prepare (db,
                             "INSERT INTO surveys (ticket_id, issued_at, expires_at) "
                             "VALUES (?, ?, ?)", error);
  if (insert == NULL)
    return 0;

  sqlite3_bind_int64 (expire, 1, now);
  sqlite3_bind_int64 (expire, 2, ticket_id);
  sqlite3_bind_int64 (insert, 1, ticket_id);
  sqlite3_bind_int64 (insert, 2, now);
  sqlite3_bind_int64 (insert, 3, expires_at);
  if (!dw_store_step_done (expire, error) || !dw_store_step_done (insert, error))
    return 0;

  return sqlite3_last_insert_rowid (db);
}

static gboolean
survey_from (sqlite3_stmt   *stmt,
             DwStoreSurvey  *survey,
             gboolean       *found,
             GError        **error)
{
  int rc = sqlite3_step (stmt);

  *found = FALSE;
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    {
      dw_store_set_error (error, sqlite3_db_handle (stmt), rc);
      return FALSE;
    }

  *found = TRUE;
  survey->id = sqlite3_column_int64 (stmt, 0);
  survey->ticket_id = sqlite3_column_int64 (stmt, 1);
  survey->issued_at = sqlite3_column_int64 (stmt, 2);
  survey->expires_at = sqlite3_column_int64 (stmt, 3);
  survey->answered_at = sqlite3_column_int64 (stmt, 4);
  survey->rating = sqlite3_column_int (stmt, 5);
  survey->comment = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  survey->voided_at = sqlite3_column_int64 (stmt, 7);
  survey->void_reason = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  return TRUE;
}

static gboolean
latest (DwStore        *store,
        gint64          ticket_id,
        DwStoreSurvey  *survey,
        gboolean       *found,
        GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *found = FALSE;
  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "SELECT " SURVEY_COLUMNS " FROM surveys WHERE ticket_id = ? "
                           "ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, ticket_id);
  return survey_from (stmt, survey, found, error);
}

static gboolean
load (DwStore        *store,
      gint64          survey_id,
      DwStoreSurvey  *survey,
      gboolean       *found,
      GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *found = FALSE;
  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "SELECT " SURVEY_COLUMNS " FROM surveys WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, survey_id);
  return survey_from (stmt, survey, found, error);
}

static gboolean
answer (DwStore     *store,
        gint64       survey_id,
        gint64       now,
        int          rating,
        const char  *comment,
        gboolean    *done,
        GError     **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *done = FALSE;
  stmt = dw_store_prepare (db, "UPDATE surveys SET answered_at = ?, rating = ?, "
                               "comment = ? WHERE id = ? AND answered_at IS NULL", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, rating);
  dw_store_bind_text_or_null (stmt, 3, comment);
  sqlite3_bind_int64 (stmt, 4, survey_id);
  if (!dw_store_step_done (stmt, error))
    return FALSE;

  *done = sqlite3_changes (db) > 0;
  return TRUE;
}

static gboolean
void_answer (DwStore     *store,
             gint64       survey_id,
             gint64       now,
             gint64       voided_by,
             const char  *reason,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "UPDATE surveys SET voided_at = ?, voided_by = ?, "
                           "void_reason = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, now);
  dw_store_bind_id_or_null (stmt, 2, voided_by);
  sqlite3_bind_text (stmt, 3, reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, survey_id);
  return dw_store_step_done (stmt, error);
}

static gboolean
rate_ticket (DwStore     *store,
             gint64       ticket_id,
             int          rating,
             const char  *comment,
             gint64       now,
             gint64      *team_id,
             gint64      *assignee_id,
             char       **status,
             GError     **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) ticket = NULL;
  int rc;

  stmt = dw_store_prepare (db,
                           "UPDATE tickets SET csat = ?, csat_comment = ?, version = version + 1, "
                           "updated_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  ticket = dw_store_prepare (db,
                             "SELECT coalesce (team_id, 0), coalesce (assignee_id, 0), status "
                             "FROM tickets WHERE id = ?", error);
  if (ticket == NULL)
    return FALSE;

  sqlite3_bind_int64 (ticket, 1, ticket_id);
  rc = sqlite3_step (ticket);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND,
                   "no ticket %" G_GINT64_FORMAT, ticket_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      dw_store_set_error (error, db, rc);
      return FALSE;
    }
  *team_id = sqlite3_column_int64 (ticket, 0);
  *assignee_id = sqlite3_column_int64 (ticket, 1);
  *status = g_strdup ((const char *) sqlite3_column_text (ticket, 2));

  if (rating > 0)
    sqlite3_bind_int (stmt, 1, rating);
  else
    sqlite3_bind_null (stmt, 1);
  dw_store_bind_text_or_null (stmt, 2, comment);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, ticket_id);
  return dw_store_step_done (stmt, error);
}

const DwStoreSurveyOps dw_sqlite_survey_ops = {
  .secret_get = secret_get,
  .secret_insert = secret_insert,
  .issue = issue,
  .latest = latest,
  .load = load,
  .answer = answer,
  .void_answer = void_answer,
  .rate_ticket = rate_ticket,
};
