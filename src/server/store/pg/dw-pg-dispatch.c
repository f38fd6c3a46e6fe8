/* dw-pg-dispatch.c: the operations of store/dw-store-dispatch.h on PostgreSQL.
 *
 * SQLite's implicit orders made explicit: teams by name as SQLite reads them (from the UNIQUE
 * index on it, in its bytes' order: COLLATE "C"), which decides whose queue goes first when an
 * agent is in several; a user's teams by team id (SQLite's is the order they were joined).
 * Skills sorted by their bytes as SQLite's BINARY does.
 */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include "dw-clock.h"
#include "dw-enums.h"
#include "store/dw-store-dispatch.h"
#include "store/pg/dw-pg-ops.h"

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
  DwPgInt team;
  const char *params[] = { dw_pg_int (&team, team_id) };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(PGresult) skills = NULL;
  g_autoptr(GArray) agents = g_array_new (FALSE, TRUE, sizeof (DwStoreAgentRow));

  g_array_set_clear_func (agents, agent_row_clear);

  /* Several instances dispatch at once, each under READ COMMITTED: whoever weighs these agents'
   * loads must hold their rows until it commits what it assigned, or two instances both see
   * the last free slot and both fill it.  So the members are locked first, in id order (one
   * order for every dispatcher, so two never wait on each other), and their loads are counted
   * by the next statement: under READ COMMITTED it takes a snapshot after the locks were
   * granted, so it sees the assignments of whoever held them (counted in the same statement as
   * the lock, the count would come from the snapshot taken before the wait).  NO KEY UPDATE:
   * a ticket insert's foreign key check (KEY SHARE) on the user is not held up. */
  result = dw_pg_store_query (store,
    "SELECT u.id FROM users u JOIN team_members m ON m.user_id = u.id "
    "WHERE m.team_id = $1 AND u.disabled = 0 ORDER BY u.id FOR NO KEY UPDATE OF u", 1, params,
    error);
  if (result == NULL)
    return NULL;
  g_clear_pointer (&result, PQclear);

  result = dw_pg_store_query (store,
    "SELECT u.id, u.presence, u.capacity, coalesce (u.last_assigned_at, 0), "
    "  (SELECT count(*) FROM tickets t WHERE t.assignee_id = u.id "
    "   AND t.status IN ('new', 'open', 'pending', 'on-hold')) "
    "FROM users u JOIN team_members m ON m.user_id = u.id "
    "WHERE m.team_id = $1 AND u.disabled = 0 ORDER BY u.id", 1, params, error);
  if (result == NULL)
    return NULL;

  /* Every member's skills in one query rather than one per member: a round trip costs more
   * here than a statement does on SQLite. */
  skills = dw_pg_store_query (store,
    "SELECT s.user_id, s.skill, s.level FROM user_skills s "
    "JOIN team_members m ON m.user_id = s.user_id JOIN users u ON u.id = s.user_id "
    "WHERE m.team_id = $1 AND u.disabled = 0 ORDER BY s.user_id", 1, params, error);
  if (skills == NULL)
    return NULL;

  for (int i = 0, s = 0; i < PQntuples (result); i++)
    {
      DwStoreAgentRow agent = { 0 };
      int presence = DW_PRESENCE_OFFLINE;

      dw_enum_from_string (DW_TYPE_PRESENCE, PQgetvalue (result, i, 1), &presence);
      agent.user_id = dw_pg_get_int (result, i, 0);
      agent.presence = presence;
      agent.capacity = dw_pg_get_int (result, i, 2);
      agent.last_assigned_at = dw_pg_get_int (result, i, 3);
      agent.open_tickets = dw_pg_get_int (result, i, 4);
      agent.skills = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      /* Both are by user id. */
      for (; s < PQntuples (skills) && dw_pg_get_int (skills, s, 0) <= agent.user_id; s++)
        if (dw_pg_get_int (skills, s, 0) == agent.user_id)
          g_hash_table_insert (agent.skills, dw_pg_get_strdup (skills, s, 1),
                               GINT_TO_POINTER ((int) dw_pg_get_int (skills, s, 2)));

      g_array_append_val (agents, agent);
    }

  return g_steal_pointer (&agents);
}

static gboolean
business_type_skill (DwStore     *store,
                     const char  *key,
                     char       **skill,
                     GError     **error)
{
  const char *params[] = { key };

  return dw_pg_store_query_text (store, "SELECT skill FROM business_types WHERE key = $1", 1,
                                 params, skill, NULL, error);
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
  DwPgInt team;
  const char *params[] = { dw_pg_int (&team, team_id) };
  g_autoptr(PGresult) result = NULL;
  GArray *queue;

  result = dw_pg_store_query (store,
    "SELECT t.id, t.priority, t.created_at, t.business_type, coalesce (c.tags, '[]') "
    "FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id "
    "WHERE t.team_id = $1 AND t.assignee_id IS NULL AND t.status IN ('new', 'open') "
    "ORDER BY t.id", 1, params, error);
  if (result == NULL)
    return NULL;

  queue = g_array_sized_new (FALSE, TRUE, sizeof (DwStoreQueuedRow), PQntuples (result));
  g_array_set_clear_func (queue, queued_row_clear);
  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreQueuedRow row = { 0 };
      int priority = DW_PRIORITY_NORMAL;

      dw_enum_from_string (DW_TYPE_PRIORITY, PQgetvalue (result, i, 1), &priority);
      row.ticket_id = dw_pg_get_int (result, i, 0);
      row.priority = priority;
      row.created_at = dw_pg_get_int (result, i, 2);
      row.business_type = dw_pg_get_strdup (result, i, 3);
      row.customer_tags = dw_pg_get_strdup (result, i, 4);
      g_array_append_val (queue, row);
    }

  return queue;
}

static gboolean
ticket_business_type (DwStore  *store,
                      gint64    ticket_id,
                      char    **business_type,
                      GError  **error)
{
  return dw_pg_store_query_text_by_id (store, "SELECT business_type FROM tickets WHERE id = $1",
                                       ticket_id, business_type, NULL, error);
}

static gboolean
ticket_assign (DwStore   *store,
               gint64     ticket_id,
               gint64     user_id,
               gint64     at,
               gboolean   bump_version,
               GError   **error)
{
  DwPgInt user, at_text, id;
  const char *params[] = {
    dw_pg_int (&user, user_id),
    dw_pg_int (&at_text, at),
    bump_version ? "1" : "0",
    dw_pg_int (&id, ticket_id),
  };
  g_autoptr(PGresult) result = NULL;

  /* Only an unassigned ticket is assigned (a fresh one, or one of the queue): if another
   * instance assigned it since it was read, READ COMMITTED re-checks the WHERE on the row's
   * newest version after waiting for that writer, and nothing changes here. */
  result = dw_pg_store_query (store, "UPDATE tickets SET assignee_id = $1, updated_at = $2, "
                              "version = version + $3::bigint WHERE id = $4 "
                              "AND assignee_id IS NULL",
                              G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return FALSE;

  if (!dw_pg_changed (result, 1))
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT,
                   "ticket %" G_GINT64_FORMAT " was assigned meanwhile", ticket_id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
user_load (DwStore  *store,
           gint64    user_id,
           gint64    except_ticket_id,
           gint64   *load,
           gint64   *capacity,
           GError  **error)
{
  DwPgInt except, id;
  const char *params[] = { dw_pg_int (&except, except_ticket_id), dw_pg_int (&id, user_id) };
  g_autoptr(PGresult) result = NULL;

  *load = 0;
  *capacity = G_MAXINT64;

  /* The agent's row is locked until the transaction ends before its load is counted (by the
   * next statement, whose snapshot follows the lock): an assignment by hand on another
   * instance waits, then counts this one's (see agents_list). */
  result = dw_pg_store_query (store, "SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE", 1,
                              &params[1], error);
  if (result == NULL)
    return FALSE;
  g_clear_pointer (&result, PQclear);

  result = dw_pg_store_query (store,
    "SELECT u.capacity, (SELECT count(*) FROM tickets t WHERE t.assignee_id = u.id "
    "  AND t.id != $1 AND t.status IN ('new', 'open', 'pending', 'on-hold')) "
    "FROM users u WHERE u.id = $2", G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return FALSE;

  if (PQntuples (result) > 0)
    {
      *capacity = dw_pg_get_int (result, 0, 0);
      *load = dw_pg_get_int (result, 0, 1);
    }
  return TRUE;
}

static GArray *
ids_of (PGresult *result)
{
  GArray *ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), PQntuples (result));

  for (int i = 0; i < PQntuples (result); i++)
    {
      gint64 value = dw_pg_get_int (result, i, 0);

      g_array_append_val (ids, value);
    }
  return ids;
}

static GArray *
user_team_ids (DwStore  *store,
               gint64    user_id,
               GError  **error)
{
  DwPgInt id;
  const char *params[] = { dw_pg_int (&id, user_id) };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store, "SELECT team_id FROM team_members WHERE user_id = $1 "
                              "ORDER BY team_id", 1, params, error);
  return result != NULL ? ids_of (result) : NULL;
}

static GArray *
team_ids (DwStore  *store,
          GError  **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "SELECT id FROM teams ORDER BY name COLLATE \"C\"", 0, NULL, error);
  return result != NULL ? ids_of (result) : NULL;
}

static gboolean
user_in_team (DwStore *store,
              gint64   user_id,
              gint64   team_id)
{
  DwPgInt user, team;
  const char *params[] = { dw_pg_int (&user, user_id), dw_pg_int (&team, team_id) };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store, "SELECT 1 FROM team_members WHERE user_id = $1 "
                              "AND team_id = $2", G_N_ELEMENTS (params), params, NULL);
  return result != NULL && PQntuples (result) > 0;
}

const DwStoreDispatchOps dw_pg_dispatch_ops = {
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
