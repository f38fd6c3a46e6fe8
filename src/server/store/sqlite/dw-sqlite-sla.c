#define G_LOG_DOMAIN "dw-store"

#include "store/sqlite/dw-sqlite-store.h"

#include "dw-store.h"
#include "store/dw-store-sla.h"

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static gint64
column_minutes (sqlite3_stmt *stmt,
                int           column)
{
  return sqlite3_column_type (stmt, column) == SQLITE_NULL ? -1
                                                           : sqlite3_column_int64 (stmt, column);
}

static void
policy_clear (gpointer data)
{
  DwStoreSlaPolicy *policy = data;

  g_clear_pointer (&policy->name, g_free);
  g_clear_pointer (&policy->match_priorities, g_free);
  g_clear_pointer (&policy->match_tags, g_free);
  g_clear_pointer (&policy->match_channels, g_free);
  g_clear_pointer (&policy->match_business_types, g_free);
  g_clear_pointer (&policy->escalation, g_free);
}

static void
mark_clear (gpointer data)
{
  DwStoreSlaMark *mark = data;

  g_clear_pointer (&mark->author_kind, g_free);
  g_clear_pointer (&mark->status, g_free);
}

/* The ids of the first column of @stmt's rows (bound by the caller). */
static GArray *
ids_from (sqlite3_stmt  *stmt,
          GError       **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }

  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;

  return g_steal_pointer (&ids);
}

static gboolean
ticket_load (DwStore           *store,
             gint64             ticket_id,
             DwStoreSlaTicket  *row,
             GError           **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = dw_store_prepare (db,
                           "SELECT id, priority, status, channel, business_type, team_id, "
                           "       assignee_id, customer_id, created_at, sla_policy_id, sla, "
                           "       next_sla_at, escalation_level "
                           "FROM tickets WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, ticket_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND,
                   "No ticket %" G_GINT64_FORMAT, ticket_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      dw_store_set_error (error, db, rc);
      return FALSE;
    }

  row->id = sqlite3_column_int64 (stmt, 0);
  row->priority = column_dup (stmt, 1);
  row->status = column_dup (stmt, 2);
  row->channel = column_dup (stmt, 3);
  row->business_type = column_dup (stmt, 4);
  row->team_id = sqlite3_column_int64 (stmt, 5);
  row->assignee_id = sqlite3_column_int64 (stmt, 6);
  row->customer_id = sqlite3_column_int64 (stmt, 7);
  row->created_at = sqlite3_column_int64 (stmt, 8);
  row->policy_id = sqlite3_column_int64 (stmt, 9);
  row->sla = column_dup (stmt, 10);
  row->next_sla_at = sqlite3_column_int64 (stmt, 11);
  row->escalation_level = sqlite3_column_int64 (stmt, 12);
  return TRUE;
}

static gboolean
calendar_for_team (DwStore             *store,
                   gint64               team_id,
                   DwStoreSlaCalendar  *row,
                   gboolean            *found,
                   GError             **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  *found = FALSE;
  /* The team's calendar, else the first one: found by key, where the ORDER BY over a join
   * sorted every calendar's row, long holiday lists and all, on each SLA refresh (4 % of a
   * create's instructions, issue 13).  The same row as that form (PostgreSQL's keeps it). */
  stmt = dw_store_prepare (db,
                           "SELECT k.id, k.name, k.timezone, k.week, k.holidays, k.workdays "
                           "FROM calendars k WHERE k.id = coalesce ("
                           "(SELECT c.id FROM teams m JOIN calendars c ON c.id = m.calendar_id "
                           "WHERE m.id = ?), (SELECT min (id) FROM calendars))", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, team_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    {
      dw_store_set_error (error, db, rc);
      return FALSE;
    }

  *found = TRUE;
  row->id = sqlite3_column_int64 (stmt, 0);
  row->name = column_dup (stmt, 1);
  row->timezone = column_dup (stmt, 2);
  row->week = column_dup (stmt, 3);
  row->holidays = column_dup (stmt, 4);
  row->workdays = column_dup (stmt, 5);
  return TRUE;
}

static char *
policies_key (DwStore  *store,
              GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = dw_store_prepare (db,
                           "SELECT json_group_array (json_array (" DW_STORE_SLA_POLICY_COLUMNS "))"
                           " FROM (SELECT * FROM sla_policies ORDER BY position, id) p", error);
  if (stmt == NULL)
    return NULL;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      dw_store_set_error (error, db, rc);
      return NULL;
    }

  return column_dup (stmt, 0);
}

/* dw-store.c's settings version: this connection's writes of them, others' commits. */
static gboolean
config_version (DwStore *store,
                guint64 *version)
{
  return dw_store_settings_version (dw_sqlite_store_db (store), version);
}

static GArray *
policies_list (DwStore  *store,
               GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) policies = NULL;
  int rc;

  stmt = dw_store_prepare (db,
                           "SELECT " DW_STORE_SLA_POLICY_COLUMNS
                           " FROM sla_policies p ORDER BY p.position, p.id", error);
  if (stmt == NULL)
    return NULL;

  policies = g_array_new (FALSE, TRUE, sizeof (DwStoreSlaPolicy));
  g_array_set_clear_func (policies, policy_clear);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreSlaPolicy policy = {
        .id = sqlite3_column_int64 (stmt, 0),
        .name = column_dup (stmt, 1),
        .position = sqlite3_column_int64 (stmt, 2),
        .match_priorities = column_dup (stmt, 3),
        .match_tags = column_dup (stmt, 4),
        .match_channels = column_dup (stmt, 5),
        .match_business_types = column_dup (stmt, 6),
        .first_response_minutes = column_minutes (stmt, 7),
        .next_response_minutes = column_minutes (stmt, 8),
        .resolution_minutes = column_minutes (stmt, 9),
        .at_risk_ratio = sqlite3_column_double (stmt, 10),
        .escalation = column_dup (stmt, 11),
      };

      g_array_append_val (policies, policy);
    }

  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;

  return g_steal_pointer (&policies);
}

static GStrv
customer_tags (DwStore  *store,
               gint64    customer_id,
               GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  int rc;

  stmt = dw_store_prepare (db,
                           "SELECT j.value FROM customers c, json_each (c.tags) j "
                           "WHERE c.id = ? AND j.type = 'text'", error);
  if (stmt == NULL)
    return NULL;

  if (customer_id > 0)
    {
      sqlite3_bind_int64 (stmt, 1, customer_id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
      if (!dw_store_step_rows_done (stmt, rc, error))
        return NULL;
    }

  return g_strv_builder_end (builder);
}

static GArray *
marks_list (DwStore  *store,
            gint64    ticket_id,
            GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) marks = NULL;
  int rc;

  stmt = dw_store_prepare (db,
                           "SELECT created_at, author_kind, NULL, 0 FROM comments "
                           "WHERE ticket_id = ?1 AND (author_kind = 'customer' "
                           "                          OR (author_kind = 'agent' AND public)) "
                           "UNION ALL "
                           "SELECT at, NULL, json_extract (after, '$'), 1 FROM audit "
                           "WHERE entity = 'ticket' AND entity_id = ?1 AND field = 'status' "
                           "ORDER BY 1, 4", error);
  if (stmt == NULL)
    return NULL;

  marks = g_array_new (FALSE, TRUE, sizeof (DwStoreSlaMark));
  g_array_set_clear_func (marks, mark_clear);
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreSlaMark mark = {
        sqlite3_column_int64 (stmt, 0),
        column_dup (stmt, 1),
        column_dup (stmt, 2),
      };

      g_array_append_val (marks, mark);
    }

  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;

  return g_steal_pointer (&marks);
}

static GArray *
lead_ids (DwStore  *store,
          gint64    team_id,
          GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "SELECT m.user_id FROM team_members m JOIN users u ON u.id = m.user_id "
                           "WHERE m.team_id = ? AND m.is_lead AND NOT u.disabled "
                           "ORDER BY m.user_id", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, team_id);
  return ids_from (stmt, error);
}

static gboolean
update (DwStore                 *store,
        const DwStoreSlaUpdate  *update,
        gboolean                *done,
        GError                 **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *done = FALSE;
  stmt = dw_store_prepare (db,
                           "UPDATE tickets SET sla = ?, sla_state = ?, sla_policy_id = ?, "
                           "       next_sla_at = ? WHERE id = ? AND sla IS ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, update->sla, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, update->sla_state, -1, SQLITE_STATIC);
  dw_store_bind_id_or_null (stmt, 3, update->policy_id);
  dw_store_bind_id_or_null (stmt, 4, update->next_sla_at);
  sqlite3_bind_int64 (stmt, 5, update->ticket_id);
  dw_store_bind_text_or_null (stmt, 6, update->old_sla);
  if (!dw_store_step_done (stmt, error))
    return FALSE;

  *done = sqlite3_changes (db) > 0;
  return TRUE;
}

static gboolean
escalate (DwStore     *store,
          gint64       ticket_id,
          gint64       from_level,
          const char  *priority,
          gint64       now,
          gboolean    *done,
          GError     **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *done = FALSE;
  stmt = dw_store_prepare (db,
                           "UPDATE tickets SET priority = ?, escalation_level = escalation_level + 1, "
                           "       version = version + 1, updated_at = ? "
                           "WHERE id = ? AND escalation_level = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, priority, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, ticket_id);
  sqlite3_bind_int64 (stmt, 4, from_level);
  if (!dw_store_step_done (stmt, error))
    return FALSE;

  *done = sqlite3_changes (db) > 0;
  return TRUE;
}

static gboolean
earliest_due (DwStore  *store,
              gint64   *at,
              GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  *at = 0;
  /* Served by the partial index tickets_next_sla: no scan. */
  stmt = dw_store_prepare (db, "SELECT MIN (next_sla_at) FROM tickets "
                               "WHERE next_sla_at IS NOT NULL", error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *at = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      dw_store_set_error (error, db, rc);
      return FALSE;
    }

  return TRUE;
}

static GArray *
due_list (DwStore  *store,
          gint64    now,
          guint     limit,
          GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "SELECT id FROM tickets WHERE next_sla_at IS NOT NULL "
                           "AND next_sla_at <= ? ORDER BY next_sla_at, id LIMIT ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int (stmt, 2, limit);
  return ids_from (stmt, error);
}

const DwStoreSlaOps dw_sqlite_sla_ops = {
  .ticket_load = ticket_load,
  .calendar_for_team = calendar_for_team,
  .policies_key = policies_key,
  .config_version = config_version,
  .policies_list = policies_list,
  .customer_tags = customer_tags,
  .marks_list = marks_list,
  .lead_ids = lead_ids,
  .update = update,
  .escalate = escalate,
  .earliest_due = earliest_due,
  .due_list = due_list,
};
