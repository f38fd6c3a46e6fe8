/* dw-sqlite-dispatch.c: the operations of store/dw-store-dispatch.h on SQLite, with the SQL
 * dw-desk.c ran before it had none. */
#define G_LOG_DOMAIN "dw-store"

#include "store/sqlite/dw-sqlite-store.h"

#include "dw-enums.h"
#include "dw-store.h"
#include "store/dw-store-dispatch.h"

static void
agent_row_clear (gpointer data)
{
  DwStoreAgentRow *agent = data;

  g_clear_pointer (&agent->skills, g_hash_table_unref);
}

static GArray *
agents_list (DwStore  *store,
             gint64    team_id,
             GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(GArray) agents = g_array_new (FALSE, TRUE, sizeof (DwStoreAgentRow));
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) skills = NULL;
  int rc;

  g_array_set_clear_func (agents, agent_row_clear);

  stmt = dw_store_prepare (db,
    "SELECT u.id, u.presence, u.capacity, coalesce (u.last_assigned_at, 0), "
    "  (SELECT count(*) FROM tickets t WHERE t.assignee_id = u.id "
    "   AND t.status IN ('new', 'open', 'pending', 'on-hold')) "
    "FROM users u JOIN team_members m ON m.user_id = u.id "
    "WHERE m.team_id = ? AND u.disabled = 0 ORDER BY u.id", error);
  skills = dw_store_prepare (db, "SELECT skill, level FROM user_skills WHERE user_id = ?", error);
  if (stmt == NULL || skills == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, team_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreAgentRow agent = { 0 };
      int presence = DW_PRESENCE_OFFLINE;

      dw_enum_from_string (DW_TYPE_PRESENCE, (const char *) sqlite3_column_text (stmt, 1),
                           &presence);
      agent.user_id = sqlite3_column_int64 (stmt, 0);
      agent.presence = presence;
      agent.capacity = sqlite3_column_int (stmt, 2);
      agent.last_assigned_at = sqlite3_column_int64 (stmt, 3);
      agent.open_tickets = sqlite3_column_int (stmt, 4);
      agent.skills = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      sqlite3_reset (skills);
      sqlite3_bind_int64 (skills, 1, agent.user_id);
      while (sqlite3_step (skills) == SQLITE_ROW)
        g_hash_table_insert (agent.skills,
                             g_strdup ((const char *) sqlite3_column_text (skills, 0)),
                             GINT_TO_POINTER (sqlite3_column_int (skills, 1)));

      g_array_append_val (agents, agent);
    }

  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;

  return g_steal_pointer (&agents);
}

static gboolean
business_type_skill (DwStore     *store,
                     const char  *key,
                     char       **skill,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *skill = NULL;
  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "SELECT skill FROM business_types WHERE key = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    *skill = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  return TRUE;
}

static void
queued_row_clear (gpointer data)
{
  DwStoreQueuedRow *row = data;

  g_clear_pointer (&row->business_type, g_free);
  g_clear_pointer (&row->customer_tags, g_free);
}

static GArray *
queue_list (DwStore  *store,
            gint64    team_id,
            GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(GArray) queue = g_array_new (FALSE, TRUE, sizeof (DwStoreQueuedRow));
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_array_set_clear_func (queue, queued_row_clear);

  stmt = dw_store_prepare (db,
    "SELECT t.id, t.priority, t.created_at, t.business_type, coalesce (c.tags, '[]') "
    "FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id "
    "WHERE t.team_id = ? AND t.assignee_id IS NULL AND t.status IN ('new', 'open')", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, team_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreQueuedRow row = { 0 };
      int priority = DW_PRIORITY_NORMAL;

      dw_enum_from_string (DW_TYPE_PRIORITY, (const char *) sqlite3_column_text (stmt, 1),
                           &priority);
      row.ticket_id = sqlite3_column_int64 (stmt, 0);
      row.priority = priority;
      row.created_at = sqlite3_column_int64 (stmt, 2);
      row.business_type = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      row.customer_tags = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_array_append_val (queue, row);
    }

  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;

  return g_steal_pointer (&queue);
}

static gboolean
ticket_business_type (DwStore  *store,
                      gint64    ticket_id,
                      char    **business_type,
                      GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *business_type = NULL;
  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "SELECT business_type FROM tickets WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, ticket_id);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    *business_type = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  return TRUE;
}

static gboolean
ticket_assign (DwStore   *store,
               gint64     ticket_id,
               gint64     user_id,
               gint64     at,
               gboolean   bump_version,
               GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "UPDATE tickets SET assignee_id = ?, updated_at = ?, "
                           "version = version + ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, at);
  sqlite3_bind_int (stmt, 3, bump_version ? 1 : 0);
  sqlite3_bind_int64 (stmt, 4, ticket_id);
  return dw_store_step_done (stmt, error);
}

static gboolean
user_load (DwStore  *store,
           gint64    user_id,
           gint64    except_ticket_id,
           gint64   *load,
           gint64   *capacity,
           GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *load = 0;
  *capacity = G_MAXINT64;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "SELECT u.capacity, (SELECT count(*) FROM tickets t WHERE t.assignee_id = u.id AND t.id != ? "
    "  AND t.status IN ('new', 'open', 'pending', 'on-hold')) "
    "FROM users u WHERE u.id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, except_ticket_id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *capacity = sqlite3_column_int64 (stmt, 0);
      *load = sqlite3_column_int64 (stmt, 1);
    }
  return TRUE;
}

static GArray *
ids_of (DwStore     *store,
        const char  *sql,
        gint64       id,
        GError     **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;

  if (id > 0)
    sqlite3_bind_int64 (stmt, 1, id);
  if (!dw_store_step_ints (stmt, 1, ids, error))
    return NULL;

  return g_steal_pointer (&ids);
}

static GArray *
user_team_ids (DwStore  *store,
               gint64    user_id,
               GError  **error)
{
  return ids_of (store, "SELECT team_id FROM team_members WHERE user_id = ?", user_id, error);
}

static GArray *
team_ids (DwStore  *store,
          GError  **error)
{
  return ids_of (store, "SELECT id FROM teams", 0, error);
}

static gboolean
user_in_team (DwStore *store,
              gint64   user_id,
              gint64   team_id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "SELECT 1 FROM team_members WHERE user_id = ? AND team_id = ?", NULL);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, team_id);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

const DwStoreDispatchOps dw_sqlite_dispatch_ops = {
  .agents_list = agents_list,
  .business_type_skill = business_type_skill,
  .queue_list = queue_list,
  .ticket_business_type = ticket_business_type,
  .ticket_assign = ticket_assign,
  .user_load = user_load,
  .user_team_ids = user_team_ids,
  .team_ids = team_ids,
  .user_in_team = user_in_team,
};
