/* dw-sqlite-sla-compliance.c: the compliance operations of store/dw-store-sla.h on SQLite.
 *
 * The outcome queries are built from the filter as dw-api-sla.c built them (the same text for
 * the same filter): the team list and windows go in as numbers, so that the partial index
 * audit_sla_at narrows the scan whatever the bounds.
 */
#define G_LOG_DOMAIN "dw-store"

#include "store/sqlite/dw-sqlite-store.h"

#include <string.h>

#include "dw-store.h"
#include "store/dw-store-sla.h"

/* The outcome rows: an SLA state change into met or breached.  "+a.entity" keeps the planner
 * off audit_entity, whose leading column every SLA row shares. */
#define OUTCOME_FROM \
  " FROM audit a JOIN tickets t ON t.id = a.entity_id" \
  " WHERE a.action = 'sla' AND +a.entity = 'ticket'" \
  " AND json_extract (a.after, '$') IN ('met', 'breached')"

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Only nicks go into the SQL text: anything else matches nothing. */
static const char *
nick_or_none (const char *text)
{
  if (text == NULL || *text == '\0'
      || strspn (text, "abcdefghijklmnopqrstuvwxyz-") != strlen (text))
    return "-";
  return text;
}

static void
append_where (const DwStoreSlaOutcomeFilter *filter,
              GString                       *where)
{
  g_string_append (where, " AND t.team_id IN (0");
  for (guint i = 0; i < filter->n_teams; i++)
    g_string_append_printf (where, ", %" G_GINT64_FORMAT, filter->teams[i].team_id);
  g_string_append (where, ")");

  g_string_append_printf (where, " AND a.at >= %" G_GINT64_FORMAT " AND a.at < %" G_GINT64_FORMAT,
                          filter->from, filter->to);

  if (filter->per_team)
    {
      g_string_append (where, " AND (0");
      for (guint i = 0; i < filter->n_teams; i++)
        g_string_append_printf (where, " OR (t.team_id = %" G_GINT64_FORMAT " AND a.at >= %"
                                G_GINT64_FORMAT " AND a.at < %" G_GINT64_FORMAT ")",
                                filter->teams[i].team_id, filter->teams[i].from,
                                filter->teams[i].to);
      g_string_append (where, ")");
    }

  if (filter->policy_id > 0)
    g_string_append_printf (where, " AND t.sla_policy_id = %" G_GINT64_FORMAT,
                            filter->policy_id);

  if (filter->assignee_id > 0)
    g_string_append_printf (where, " AND t.assignee_id = %" G_GINT64_FORMAT,
                            filter->assignee_id);
}

static GArray *
teams (DwStore  *store,
       gint64    team_id,
       GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) rows = NULL;
  int rc;

  stmt = dw_store_prepare (db,
                           "SELECT m.id, m.name, k.timezone FROM teams m "
                           "LEFT JOIN calendars k ON k.id = m.calendar_id "
                           "WHERE ?1 = 0 OR m.id = ?1 ORDER BY m.id", error);
  if (stmt == NULL)
    return NULL;

  rows = g_array_new (FALSE, TRUE, sizeof (DwStoreSlaTeam));
  g_array_set_clear_func (rows, dw_store_sla_team_clear);
  sqlite3_bind_int64 (stmt, 1, team_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreSlaTeam row = { sqlite3_column_int64 (stmt, 0), column_dup (stmt, 1),
                             column_dup (stmt, 2) };

      g_array_append_val (rows, row);
    }

  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;

  return g_steal_pointer (&rows);
}

static GArray *
policies (DwStore  *store,
          gint64    policy_id,
          GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) rows = NULL;
  int rc;

  stmt = dw_store_prepare (db,
                           "SELECT p.id, p.name FROM sla_policies p "
                           "WHERE ?1 = 0 OR p.id = ?1 ORDER BY p.position, p.id", error);
  if (stmt == NULL)
    return NULL;

  rows = g_array_new (FALSE, TRUE, sizeof (DwStoreSlaPolicyName));
  g_array_set_clear_func (rows, dw_store_sla_policy_name_clear);
  sqlite3_bind_int64 (stmt, 1, policy_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreSlaPolicyName row = { sqlite3_column_int64 (stmt, 0), column_dup (stmt, 1) };

      g_array_append_val (rows, row);
    }

  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;

  return g_steal_pointer (&rows);
}

static gboolean
outcomes_scan (DwStore                        *store,
               const DwStoreSlaOutcomeFilter  *filter,
               DwStoreSlaOutcomeFunc           func,
               gpointer                        user_data,
               GError                        **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(GString) sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  sql = g_string_new ("SELECT t.team_id, IFNULL (t.sla_policy_id, 0), a.field, "
                      "json_extract (a.after, '$'), a.at" OUTCOME_FROM);
  append_where (filter, sql);

  stmt = dw_store_prepare (db, sql->str, error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreSlaOutcome row = { 0 };

      row.team_id = sqlite3_column_int64 (stmt, 0);
      row.policy_id = sqlite3_column_int64 (stmt, 1);
      row.target = (char *) sqlite3_column_text (stmt, 2);
      row.outcome = (char *) sqlite3_column_text (stmt, 3);
      row.at = sqlite3_column_int64 (stmt, 4);
      func (&row, user_data);
    }

  if (!dw_store_step_rows_done (stmt, rc, error))
    return FALSE;

  return TRUE;
}

static GArray *
outcomes_page (DwStore                        *store,
               const DwStoreSlaOutcomeFilter  *filter,
               gboolean                       *more,
               GError                        **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(GString) sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) ticket_stmt = NULL;
  g_autoptr(GArray) rows = NULL;
  int rc;

  *more = FALSE;
  sql = g_string_new ("SELECT a.id, a.at, a.field, json_extract (a.after, '$'), a.entity_id"
                      OUTCOME_FROM);
  append_where (filter, sql);
  if (filter->target != NULL)
    g_string_append_printf (sql, " AND a.field = '%s'", nick_or_none (filter->target));
  if (filter->outcome != NULL)
    g_string_append_printf (sql, " AND json_extract (a.after, '$') = '%s'",
                            nick_or_none (filter->outcome));
  if (filter->before_id > 0)
    g_string_append_printf (sql, " AND a.id < %" G_GINT64_FORMAT, filter->before_id);
  g_string_append_printf (sql, " ORDER BY a.id DESC LIMIT %u", filter->limit + 1);

  stmt = dw_store_prepare (db, sql->str, error);
  ticket_stmt = stmt != NULL
                ? dw_store_prepare (db, "SELECT " DW_STORE_TICKET_COLUMNS
                                    " FROM tickets t WHERE t.id = ?", error)
                : NULL;
  if (ticket_stmt == NULL)
    return NULL;

  rows = g_array_new (FALSE, TRUE, sizeof (DwStoreSlaOutcome));
  g_array_set_clear_func (rows, dw_store_sla_outcome_clear);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && rows->len < filter->limit)
    {
      DwStoreSlaOutcome row = { 0 };

      row.audit_id = sqlite3_column_int64 (stmt, 0);
      row.at = sqlite3_column_int64 (stmt, 1);
      row.target = column_dup (stmt, 2);
      row.outcome = column_dup (stmt, 3);
      row.ticket_id = sqlite3_column_int64 (stmt, 4);

      sqlite3_reset (ticket_stmt);
      sqlite3_bind_int64 (ticket_stmt, 1, row.ticket_id);
      row.ticket = sqlite3_step (ticket_stmt) == SQLITE_ROW
                   ? dw_store_ticket_json_from_row (ticket_stmt) : json_object_new ();
      g_array_append_val (rows, row);
    }

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      dw_store_set_error (error, db, rc);
      return NULL;
    }

  *more = rc == SQLITE_ROW;
  return g_steal_pointer (&rows);
}

static GArray *
timeline_marks (DwStore  *store,
                gint64    ticket_id,
                GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) rows = NULL;
  int rc;

  stmt = dw_store_prepare (db,
                           "SELECT a.at, 0, a.field, json_extract (a.after, '$') FROM audit a "
                           "WHERE a.entity = 'ticket' AND a.entity_id = ?1 AND a.action = 'sla' "
                           "UNION ALL "
                           "SELECT a.at, 1, a.field, json_extract (a.after, '$') FROM audit a "
                           "WHERE a.entity = 'ticket' AND a.entity_id = ?1 AND a.field = 'status' "
                           "  AND a.action <> 'sla' "
                           "UNION ALL "
                           "SELECT c.created_at, 2, NULL, NULL FROM comments c "
                           "WHERE c.ticket_id = ?1 AND c.author_kind = 'agent' AND c.public "
                           "ORDER BY 1", error);
  if (stmt == NULL)
    return NULL;

  rows = g_array_new (FALSE, TRUE, sizeof (DwStoreSlaTimelineMark));
  g_array_set_clear_func (rows, dw_store_sla_timeline_mark_clear);
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreSlaTimelineMark row = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int (stmt, 1),
                                     column_dup (stmt, 2), column_dup (stmt, 3) };

      g_array_append_val (rows, row);
    }

  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;

  return g_steal_pointer (&rows);
}

const DwStoreSlaComplianceOps dw_sqlite_sla_compliance_ops = {
  .teams = teams,
  .policies = policies,
  .outcomes_scan = outcomes_scan,
  .outcomes_page = outcomes_page,
  .timeline_marks = timeline_marks,
};
