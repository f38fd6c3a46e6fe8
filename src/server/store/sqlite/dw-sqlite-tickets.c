#define G_LOG_DOMAIN "dw-store"

#include "store/sqlite/dw-sqlite-store.h"

#include "dw-enums.h"
#include "dw-store.h"
#include "store/dw-store-tickets.h"

static char *
column_strdup (sqlite3_stmt *stmt,
               int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static void
bind_id_or_null (sqlite3_stmt *stmt,
                 int           index,
                 gint64        value)
{
  if (value > 0)
    sqlite3_bind_int64 (stmt, index, value);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
ticket_load (DwStore           *store,
             gint64             ticket_id,
             DwStoreTicketRow  *row,
             GError           **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
    "SELECT subject, business_type, priority, status, coalesce (team_id, 0), "
    "coalesce (assignee_id, 0), coalesce (customer_id, 0), order_number, tags, "
    "coalesce (first_response_at, 0), coalesce (solved_at, 0), coalesce (csat, 0), "
    "csat_comment, version FROM tickets WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, ticket_id);
  if (!dw_store_step_row (stmt, "ticket", ticket_id, error))
    return FALSE;

  row->subject = column_strdup (stmt, 0);
  row->business_type = column_strdup (stmt, 1);
  row->priority = DW_PRIORITY_NORMAL;
  dw_enum_from_string (DW_TYPE_PRIORITY, (const char *) sqlite3_column_text (stmt, 2),
                       &row->priority);
  row->status = DW_STATUS_NEW;
  dw_enum_from_string (DW_TYPE_STATUS, (const char *) sqlite3_column_text (stmt, 3), &row->status);
  row->team_id = sqlite3_column_int64 (stmt, 4);
  row->assignee_id = sqlite3_column_int64 (stmt, 5);
  row->customer_id = sqlite3_column_int64 (stmt, 6);
  row->order_number = column_strdup (stmt, 7);
  row->tags = column_strdup (stmt, 8);
  row->first_response_at = sqlite3_column_int64 (stmt, 9);
  row->solved_at = sqlite3_column_int64 (stmt, 10);
  row->csat = sqlite3_column_int (stmt, 11);
  row->csat_comment = column_strdup (stmt, 12);
  row->version = sqlite3_column_int64 (stmt, 13);
  return TRUE;
}

static JsonObject *
ticket_load_json (DwStore  *store,
                  gint64    ticket_id,
                  GError  **error)
{
  return dw_store_ticket_json (dw_sqlite_store_db (store), ticket_id, error);
}

static char *
ticket_load_json_text (DwStore            *store,
                       gint64              ticket_id,
                       DwStoreTicketKeys  *keys,
                       GError            **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  /* The statement of load_json (dw_store_ticket_json): the same row, from the same cache. */
  stmt = dw_store_prepare (db, "SELECT " DW_STORE_TICKET_COLUMNS " FROM tickets t WHERE t.id = ?",
                           error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, ticket_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND,
                     "no ticket with id %" G_GINT64_FORMAT, ticket_id);
      else
        dw_store_set_error (error, db, rc);
      return NULL;
    }

  keys->status = DW_STATUS_NEW;
  dw_enum_from_string (DW_TYPE_STATUS, (const char *) sqlite3_column_text (stmt, 6), &keys->status);
  keys->team_id = sqlite3_column_int64 (stmt, 7);
  keys->assignee_id = sqlite3_column_int64 (stmt, 8);
  return dw_store_ticket_json_text_from_row (stmt);
}

static gint64
ticket_insert (DwStore                 *store,
               const DwStoreTicketNew  *ticket,
               GError                 **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
    "INSERT INTO tickets (subject, body, channel, business_type, priority, status, team_id, "
    "customer_id, order_number, tags, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_text (stmt, 1, ticket->subject, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ticket->body != NULL ? ticket->body : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, dw_channel_to_string (ticket->channel), -1, SQLITE_STATIC);
  dw_store_bind_text_or_null (stmt, 4, ticket->business_type);
  sqlite3_bind_text (stmt, 5, dw_priority_to_string (ticket->priority), -1, SQLITE_STATIC);
  bind_id_or_null (stmt, 6, ticket->team_id);
  bind_id_or_null (stmt, 7, ticket->customer_id);
  dw_store_bind_text_or_null (stmt, 8, ticket->order_number);
  sqlite3_bind_text (stmt, 9, ticket->tags != NULL ? ticket->tags : "[]", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, ticket->created_at);
  sqlite3_bind_int64 (stmt, 11, ticket->created_at);
  if (!dw_store_step_done (stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (db);
}

static gboolean
ticket_update (DwStore                 *store,
               gint64                   ticket_id,
               const DwStoreTicketRow  *row,
               gint64                   updated_at,
               GError                 **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
    "UPDATE tickets SET subject = ?, business_type = ?, priority = ?, status = ?, team_id = ?, "
    "assignee_id = ?, customer_id = ?, order_number = ?, tags = ?, first_response_at = ?, "
    "solved_at = ?, csat = ?, csat_comment = ?, updated_at = ?, version = version + 1 "
    "WHERE id = ? AND version = ?", error);
  if (stmt == NULL)
    return FALSE;

  /* The row outlives the step: its strings need no copies. */
  sqlite3_bind_text (stmt, 1, row->subject, -1, SQLITE_STATIC);
  dw_store_bind_text_or_null (stmt, 2, row->business_type);
  sqlite3_bind_text (stmt, 3, dw_priority_to_string (row->priority), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, dw_status_to_string (row->status), -1, SQLITE_STATIC);
  bind_id_or_null (stmt, 5, row->team_id);
  bind_id_or_null (stmt, 6, row->assignee_id);
  bind_id_or_null (stmt, 7, row->customer_id);
  dw_store_bind_text_or_null (stmt, 8, row->order_number);
  sqlite3_bind_text (stmt, 9, row->tags != NULL ? row->tags : "[]", -1, SQLITE_STATIC);
  bind_id_or_null (stmt, 10, row->first_response_at);
  bind_id_or_null (stmt, 11, row->solved_at);
  bind_id_or_null (stmt, 12, row->csat);
  dw_store_bind_text_or_null (stmt, 13, row->csat_comment);
  sqlite3_bind_int64 (stmt, 14, updated_at);
  sqlite3_bind_int64 (stmt, 15, ticket_id);
  sqlite3_bind_int64 (stmt, 16, row->version);

  if (!dw_store_step_done (stmt, error))
    return FALSE;

  if (sqlite3_changes (db) != 1)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT,
                   "ticket %" G_GINT64_FORMAT " is no longer at version %" G_GINT64_FORMAT,
                   ticket_id, row->version);
      return FALSE;
    }

  return TRUE;
}

static gboolean
ticket_set_escalation_level (DwStore  *store,
                             gint64    ticket_id,
                             gint64    level,
                             GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "UPDATE tickets SET escalation_level = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, level);
  sqlite3_bind_int64 (stmt, 2, ticket_id);
  return dw_store_step_done (stmt, error);
}

static gboolean
ticket_get_assignee (DwStore  *store,
                     gint64    ticket_id,
                     gint64   *assignee_id,
                     GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db, "SELECT assignee_id FROM tickets WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, ticket_id);
  if (!dw_store_step_row (stmt, "ticket", ticket_id, error))
    return FALSE;

  *assignee_id = sqlite3_column_int64 (stmt, 0);  /* NULL reads as 0 */
  return TRUE;
}

static gint64
comment_insert (DwStore                  *store,
                const DwStoreCommentNew  *comment,
                GError                  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
                           "INSERT INTO comments (ticket_id, author_kind, author_id, public, body, "
                           "created_at) VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_int64 (stmt, 1, comment->ticket_id);
  sqlite3_bind_text (stmt, 2, dw_author_kind_to_string (comment->author_kind), -1,
                     SQLITE_STATIC);
  bind_id_or_null (stmt, 3, comment->author_id);
  sqlite3_bind_int (stmt, 4, comment->is_public ? 1 : 0);
  sqlite3_bind_text (stmt, 5, comment->body, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, comment->created_at);
  if (!dw_store_step_done (stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (db);
}

static JsonObject *
comment_load_json (DwStore  *store,
                   gint64    comment_id,
                   GError  **error)
{
  return dw_store_comment_json (dw_sqlite_store_db (store), comment_id, error);
}

const DwStoreTicketOps dw_sqlite_ticket_ops = {
  .load = ticket_load,
  .load_json = ticket_load_json,
  .insert = ticket_insert,
  .update = ticket_update,
  .set_escalation_level = ticket_set_escalation_level,
  .get_assignee = ticket_get_assignee,
  .comment_insert = comment_insert,
  .comment_load_json = comment_load_json,
  .load_json_text = ticket_load_json_text,
};
