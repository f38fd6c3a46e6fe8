/* dw-sqlite-snapshot.c: the console's reads (store/dw-store-snapshot.h) on SQLite.
 *
 * The SQL is what dw-api-snapshot.c and dw-api-tickets.c ran before the store layer, word for
 * word, so that the statement cache keeps finding it: the JSON snapshot's tickets are made as
 * text by SQLite itself (DW_STORE_TICKET_JSON), the compact form reads the columns in place.
 */
#define G_LOG_DOMAIN "dw-store"

#include "store/sqlite/dw-sqlite-store.h"

#include "dw-store.h"
#include "store/dw-store-snapshot.h"

#define ACTIVE "t.status IN ('new', 'open', 'pending', 'on-hold')"

static void
append_ids (GString      *s,
            const GArray *ids)
{
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                            g_array_index (ids, gint64, i));
}

/* " AND (…)" of @visibility on tickets t.  The ids are inlined (numbers, not the request's
 * text): one statement per principal, as before. */
static void
append_visibility (GString                 *where,
                   const DwStoreVisibility *visibility)
{
  if (visibility == NULL || visibility->all)
    return;

  g_string_append_printf (where, " AND (t.assignee_id = %" G_GINT64_FORMAT,
                          visibility->user_id);
  if (visibility->team_ids != NULL && visibility->team_ids->len > 0)
    {
      g_string_append (where, " OR t.team_id IN (");
      append_ids (where, visibility->team_ids);
      g_string_append (where, ")");
    }
  g_string_append (where, ")");
}

static gboolean
snapshot_ping (DwStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store), "SELECT 1", NULL);

  return stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW;
}

static gboolean
snapshot_get_setting (DwStore     *store,
                      const char  *key,
                      char       **value,
                      GError     **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db, "SELECT value FROM settings WHERE key = ?",
                                                   error);
  int rc;

  *value = NULL;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    {
      dw_store_set_error (error, db, rc);
      return FALSE;
    }
  return TRUE;
}

typedef JsonObject *(*RowFunc) (sqlite3 *db, sqlite3_stmt *stmt);

static JsonArray *
rows_json (sqlite3     *db,
           const char  *sql,
           gint64       id,
           RowFunc      func,
           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db, sql, error);
  g_autoptr(JsonArray) items = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  if (id != 0)
    sqlite3_bind_int64 (stmt, 1, id);

  items = json_array_new ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_array_add_object_element (items, func (db, stmt));

  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;
  return g_steal_pointer (&items);
}

static JsonObject *
sla_policy_row (sqlite3      *db,
                sqlite3_stmt *stmt)
{
  return dw_store_sla_policy_json_from_row (stmt);
}

static JsonObject *
comment_row (sqlite3      *db,
             sqlite3_stmt *stmt)
{
  return dw_store_comment_json_from_row (stmt);
}

static JsonObject *
audit_row (sqlite3      *db,
           sqlite3_stmt *stmt)
{
  return dw_store_audit_json_from_row (stmt);
}

static JsonArray *
snapshot_teams_json (DwStore  *store,
                     GError  **error)
{
  return rows_json (dw_sqlite_store_db (store),
                    "SELECT " DW_STORE_TEAM_COLUMNS " FROM teams m ORDER BY m.id", 0,
                    dw_store_team_json_from_row, error);
}

static JsonArray *
snapshot_users_json (DwStore                  *store,
                     const DwStoreVisibility  *visibility,
                     GError                  **error)
{
  g_autoptr(GString) users = g_string_new ("SELECT " DW_STORE_USER_COLUMNS " FROM users u "
                                           "WHERE u.disabled = 0");

  if (!visibility->all)
    {
      g_string_append_printf (users, " AND (u.id = %" G_GINT64_FORMAT, visibility->user_id);
      if (visibility->team_ids != NULL && visibility->team_ids->len > 0)
        {
          g_string_append (users, " OR u.id IN (SELECT user_id FROM team_members "
                                  "WHERE team_id IN (");
          append_ids (users, visibility->team_ids);
          g_string_append (users, "))");
        }
      g_string_append (users, ")");
    }
  g_string_append (users, " ORDER BY u.id");

  return rows_json (dw_sqlite_store_db (store), users->str, 0, dw_store_user_json_from_row,
                    error);
}

static JsonArray *
snapshot_sla_policies_json (DwStore  *store,
                            GError  **error)
{
  return rows_json (dw_sqlite_store_db (store),
                    "SELECT " DW_STORE_SLA_POLICY_COLUMNS " FROM sla_policies p "
                    "ORDER BY p.position, p.id", 0, sla_policy_row, error);
}

static char *
active_where (const DwStoreVisibility *visibility)
{
  GString *where = g_string_new (ACTIVE);

  append_visibility (where, visibility);
  return g_string_free (where, FALSE);
}

static gboolean
snapshot_active_tickets_json (DwStore                  *store,
                              const DwStoreVisibility  *visibility,
                              GString                  *out,
                              GError                  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autofree char *where = active_where (visibility);
  g_autofree char *sql = g_strconcat ("SELECT " DW_STORE_TICKET_JSON " FROM tickets t WHERE ",
                                      where, " ORDER BY t.id", NULL);
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db, sql, error);
  gboolean first = TRUE;
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      g_string_append_len (out, (const char *) sqlite3_column_text (stmt, 0),
                           sqlite3_column_bytes (stmt, 0));
    }

  return dw_store_step_rows_done (stmt, rc, error);
}

#define COMPACT_TICKET_COLUMNS \
  "t.id, t.subject, t.body, t.channel, t.business_type, t.priority, t.status, t.team_id, " \
  "t.assignee_id, t.customer_id, t.order_number, t.created_at, t.updated_at, " \
  "t.first_response_at, t.solved_at, t.version, t.escalation_level, t.sla_policy_id, " \
  "t.sla_state, t.next_sla_at, t.csat, t.csat_comment, " DW_STORE_TICKET_BREACH ", t.tags, t.sla"

/* Each tag is one row; a ticket's rows come together (ORDER BY t.id, which the scan of t gives
 * without sorting) and are merged with the tickets as they are read. */
#define COMPACT_TAG_SQL \
  "SELECT t.id, j.key, j.value " \
  "FROM tickets t, json_each (replace (t.tags, char (31), '\\u001f')) j WHERE "

static inline DwStoreText
column_text (sqlite3_stmt *stmt,
             int           column)
{
  /* sqlite3_column_text () before sqlite3_column_bytes (), as SQLite asks. */
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return (DwStoreText) { text, sqlite3_column_bytes (stmt, column) };
}

static gboolean
step (sqlite3      *db,
      sqlite3_stmt *stmt,
      gboolean     *row,
      GError      **error)
{
  int rc = sqlite3_step (stmt);

  *row = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  dw_store_set_error (error, db, rc);
  return FALSE;
}

static gboolean
snapshot_active_tickets_compact (DwStore                   *store,
                                 const DwStoreVisibility   *visibility,
                                 DwStoreCompactTicketFunc   ticket_func,
                                 DwStoreCompactTagFunc      tag_func,
                                 gpointer                   user_data,
                                 GError                   **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autofree char *where = active_where (visibility);
  g_autofree char *ticket_sql = g_strconcat ("SELECT " COMPACT_TICKET_COLUMNS " FROM tickets t "
                                             "WHERE ", where, " ORDER BY t.id", NULL);
  g_autofree char *tag_sql = g_strconcat (COMPACT_TAG_SQL, where, " ORDER BY t.id", NULL);
  g_autoptr(sqlite3_stmt) tickets = NULL;
  g_autoptr(sqlite3_stmt) tags = NULL;
  gboolean ticket_row, tag_row;
  GError *local_error = NULL;

  if ((tickets = dw_store_prepare (db, ticket_sql, error)) == NULL ||
      (tags = dw_store_prepare (db, tag_sql, error)) == NULL)
    return FALSE;

  if (!step (db, tags, &tag_row, error))
    return FALSE;

  while (step (db, tickets, &ticket_row, &local_error) && ticket_row)
    {
      DwStoreCompactTicket r;

      r.id = sqlite3_column_int64 (tickets, 0);

      /* The same WHERE and order: this ticket's rows come next, or none. */
      while (tag_row && sqlite3_column_int64 (tags, 0) == r.id)
        {
          tag_func (r.id, sqlite3_column_int64 (tags, 1), column_text (tags, 2), user_data);
          if (!step (db, tags, &tag_row, error))
            return FALSE;
        }

      r.subject = column_text (tickets, 1);
      r.body = column_text (tickets, 2);
      r.channel = column_text (tickets, 3);
      r.business_type = column_text (tickets, 4);
      r.priority = column_text (tickets, 5);
      r.status = column_text (tickets, 6);
      r.team_id = sqlite3_column_int64 (tickets, 7);
      r.assignee_id = sqlite3_column_int64 (tickets, 8);
      r.customer_id = sqlite3_column_int64 (tickets, 9);
      r.order_number = column_text (tickets, 10);
      r.created_at = sqlite3_column_int64 (tickets, 11);
      r.updated_at = sqlite3_column_int64 (tickets, 12);
      r.first_response_at = sqlite3_column_int64 (tickets, 13);
      r.solved_at = sqlite3_column_int64 (tickets, 14);
      r.version = sqlite3_column_int64 (tickets, 15);
      r.escalation_level = sqlite3_column_int (tickets, 16);
      r.sla_policy_id = sqlite3_column_int64 (tickets, 17);
      r.sla_state = column_text (tickets, 18);
      r.next_sla_at = sqlite3_column_int64 (tickets, 19);
      r.csat = sqlite3_column_int (tickets, 20);
      r.csat_comment = column_text (tickets, 21);
      r.breach = column_text (tickets, 22);
      r.tags = column_text (tickets, 23);
      r.sla = column_text (tickets, 24);
      ticket_func (&r, user_data);
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* Enum values are nicks from the enum tables, checked by the caller: safe to inline, as
 * before (one statement per combination, not per value). */
static void
append_list (GString            *where,
             const char         *column,
             const char * const *values)
{
  if (values == NULL)
    return;

  g_string_append_printf (where, " AND %s IN (", column);
  for (guint i = 0; values[i] != NULL; i++)
    g_string_append_printf (where, "%s'%s'", i > 0 ? ", " : "", values[i]);
  g_string_append (where, ")");
}

typedef struct
{
  gboolean    is_text;
  gint64      number;
  const char *text;
} Param;

/* Adds a bound parameter and returns its "?N". */
static char *
add_param (GArray     *params,
           const char *text,
           gint64      number)
{
  Param p = { text != NULL, number, text };

  g_array_append_val (params, p);
  return g_strdup_printf ("?%u", params->len);
}

static gboolean
snapshot_ticket_list (DwStore                    *store,
                      const DwStoreTicketFilter  *f,
                      JsonArray                  *items,
                      gboolean                   *more,
                      GError                    **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(GString) sql = g_string_new ("SELECT " DW_STORE_TICKET_COLUMNS " FROM tickets t");
  g_autoptr(GString) where = g_string_new (" WHERE 1");
  g_autoptr(GArray) params = g_array_new (FALSE, TRUE, sizeof (Param));
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *pattern = NULL;
  guint n = 0;
  int rc;

  *more = FALSE;
  append_visibility (where, &f->visibility);

  if (f->before_id > 0)
    {
      g_autofree char *p = add_param (params, NULL, f->before_id);

      g_string_append_printf (where, " AND t.id < %s", p);
    }

  if (f->team_id > 0)
    {
      g_autofree char *p = add_param (params, NULL, f->team_id);

      g_string_append_printf (where, " AND t.team_id = %s", p);
    }

  if (f->assignee_id > 0)
    {
      g_autofree char *p = add_param (params, NULL, f->assignee_id);

      g_string_append_printf (where, " AND t.assignee_id = %s", p);
    }

  if (f->unassigned)
    g_string_append (where, " AND t.assignee_id IS NULL");

  append_list (where, "t.status", f->statuses);
  append_list (where, "t.priority", f->priorities);
  append_list (where, "t.channel", f->channels);
  append_list (where, "t.sla_state", f->sla_states);
  append_list (where, DW_STORE_TICKET_BREACH, f->breaches);

  if (f->business_types != NULL)
    {
      g_string_append (where, " AND t.business_type IN (");
      for (guint i = 0; f->business_types[i] != NULL; i++)
        {
          g_autofree char *p = add_param (params, f->business_types[i], 0);

          g_string_append_printf (where, "%s%s", i > 0 ? ", " : "", p);
        }
      g_string_append (where, ")");
    }

  if (f->q != NULL && *f->q != '\0')
    {
      GString *s = g_string_new ("%");
      g_autofree char *p = NULL;

      for (const char *c = f->q; *c != '\0'; c++)
        {
          if (*c == '%' || *c == '_' || *c == '\\')
            g_string_append_c (s, '\\');
          g_string_append_c (s, *c);
        }
      g_string_append_c (s, '%');
      pattern = g_string_free (s, FALSE);
      p = add_param (params, pattern, 0);

      g_string_append_printf (where, " AND (t.subject LIKE %s ESCAPE '\\' OR t.body LIKE %s "
                              "ESCAPE '\\' OR t.order_number LIKE %s ESCAPE '\\')", p, p, p);
    }

  if (f->has_updated_since)
    {
      g_autofree char *p = add_param (params, NULL, f->updated_since);

      g_string_append_printf (where, " AND t.updated_at >= %s", p);
    }

  {
    g_autofree char *p = add_param (params, NULL, (gint64) f->limit + 1);

    g_string_append_printf (sql, "%s ORDER BY t.id DESC LIMIT %s", where->str, p);
  }

  stmt = dw_store_prepare (db, sql->str, error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < params->len; i++)
    {
      Param *p = &g_array_index (params, Param, i);

      if (p->is_text)
        sqlite3_bind_text (stmt, i + 1, p->text, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_int64 (stmt, i + 1, p->number);
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && n < f->limit)
    {
      json_array_add_object_element (items, dw_store_ticket_json_from_row (stmt));
      n++;
    }

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      dw_store_set_error (error, db, rc);
      return FALSE;
    }

  *more = rc == SQLITE_ROW;
  return TRUE;
}

static JsonArray *
snapshot_comments_json (DwStore  *store,
                        gint64    ticket_id,
                        GError  **error)
{
  return rows_json (dw_sqlite_store_db (store),
                    "SELECT " DW_STORE_COMMENT_COLUMNS " FROM comments c "
                    "WHERE c.ticket_id = ? ORDER BY c.id", ticket_id, comment_row, error);
}

static JsonArray *
snapshot_audit_json (DwStore  *store,
                     gint64    ticket_id,
                     GError  **error)
{
  return rows_json (dw_sqlite_store_db (store),
                    "SELECT " DW_STORE_AUDIT_COLUMNS " FROM audit a "
                    "WHERE a.entity = 'ticket' AND a.entity_id = ? "
                    "ORDER BY a.id", ticket_id, audit_row, error);
}

const DwStoreSnapshotOps dw_sqlite_snapshot_ops = {
  .ping = snapshot_ping,
  .get_setting = snapshot_get_setting,
  .teams_json = snapshot_teams_json,
  .users_json = snapshot_users_json,
  .sla_policies_json = snapshot_sla_policies_json,
  .active_tickets_json = snapshot_active_tickets_json,
  .active_tickets_compact = snapshot_active_tickets_compact,
  .ticket_list = snapshot_ticket_list,
  .comments_json = snapshot_comments_json,
  .audit_json = snapshot_audit_json,
};
