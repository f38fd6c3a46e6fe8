/* dw-sqlite-agents.c: the agents' operations (store/dw-store-agents.h) on SQLite, with the SQL
 * the figures were tuned with (bench "agents"): each read steps one statement and hands each
 * row on as it comes. */
#define G_LOG_DOMAIN "dw-store"

#include "store/sqlite/dw-sqlite-store.h"

#include "dw-store.h"
#include "store/dw-store-agents.h"

#define WATERMARK_KEY "agent_facts_audit_id"

static gboolean
facts_watermark (DwStore  *store,
                 gint64   *audit_id,
                 GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "SELECT CAST (value AS INTEGER) FROM settings WHERE key = '" WATERMARK_KEY "'", error);

  if (stmt == NULL)
    return FALSE;
  *audit_id = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

static gboolean
facts_set_watermark (DwStore  *store,
                     gint64    audit_id,
                     GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "INSERT INTO settings (key, value) VALUES ('" WATERMARK_KEY "', ?1) "
    "ON CONFLICT (key) DO UPDATE SET value = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, audit_id);
  return dw_store_step_done (stmt, error);
}

static gboolean
facts_clear (DwStore  *store,
             GError  **error)
{
  return dw_store_exec (dw_sqlite_store_db (store),
                        "DELETE FROM agent_facts; DELETE FROM agent_fact_tickets; "
                        "DELETE FROM agent_capacity; "
                        "DELETE FROM settings WHERE key = '" WATERMARK_KEY "'", error);
}

static gboolean
audit_read (DwStore              *store,
            gint64                after_id,
            DwStoreAuditRowFunc   func,
            gpointer              data,
            GError              **error)
{
  /* "+entity": the rows after the watermark, by the primary key.  Given the choice, SQLite took
   * the audit_entity index, which holds every ticket row, and sorted them all by id on every
   * call: 30 ms a call on the demo's trail however few rows were new, and the whole of a slice
   * when the trail is read in slices. */
  g_autoptr(sqlite3_stmt) rows = dw_store_prepare (dw_sqlite_store_db (store),
    "SELECT id, at, coalesce (actor_id, 0), entity_id, action, coalesce (field, ''), before, "
    "after, +entity = 'user' FROM audit WHERE id > ? AND (+entity = 'ticket' OR "
    "(+entity = 'user' AND field = 'capacity')) ORDER BY id", error);
  int rc;

  if (rows == NULL)
    return FALSE;
  sqlite3_bind_int64 (rows, 1, after_id);
  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      DwStoreAuditRow row = {
        .id = sqlite3_column_int64 (rows, 0),
        .at = sqlite3_column_int64 (rows, 1),
        .actor_id = sqlite3_column_int64 (rows, 2),
        .entity_id = sqlite3_column_int64 (rows, 3),
        .action = (const char *) sqlite3_column_text (rows, 4),
        .field = (const char *) sqlite3_column_text (rows, 5),
        .before = (const char *) sqlite3_column_text (rows, 6),
        .after = (const char *) sqlite3_column_text (rows, 7),
        .is_capacity = sqlite3_column_int (rows, 8),
      };

      if (!func (&row, data, error))
        return error == NULL || *error == NULL;
    }
  return dw_store_step_rows_done (rows, rc, error);
}

/* One writer: the ids are in commit order, and the watermark is the last id read. */
typedef struct
{
  DwStoreAuditRowFunc  func;
  gpointer             data;
  gint64               last;
} Unread;

static gboolean
unread_row (const DwStoreAuditRow  *row,
            gpointer                data,
            GError                **error)
{
  Unread *unread = data;

  unread->last = row->id;
  return unread->func (row, unread->data, error);
}

static gboolean
audit_read_unread (DwStore              *store,
                   DwStoreAuditRowFunc   func,
                   gpointer              data,
                   GError              **error)
{
  Unread unread = { func, data, 0 };
  gint64 after;

  if (!facts_watermark (store, &after, error))
    return FALSE;
  unread.last = after;
  if (!audit_read (store, after, unread_row, &unread, error))
    return FALSE;
  return unread.last == after || facts_set_watermark (store, unread.last, error);
}

static gboolean
fact_ticket_get (DwStore            *store,
                 gint64              ticket_id,
                 DwStoreFactTicket  *ticket,
                 GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "SELECT created_at, coalesce (team_id, 0), "
    "coalesce (assignee_id, 0), coalesce (solver_id, 0), active "
    "FROM agent_fact_tickets WHERE ticket_id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  ticket->created_at = sqlite3_column_int64 (stmt, 0);
  ticket->team_id = sqlite3_column_int64 (stmt, 1);
  ticket->assignee_id = sqlite3_column_int64 (stmt, 2);
  ticket->solver_id = sqlite3_column_int64 (stmt, 3);
  ticket->active = sqlite3_column_int (stmt, 4);
  return TRUE;
}

static gboolean
fact_tickets_put (DwStore                  *store,
                  const gint64             *ticket_ids,
                  const DwStoreFactTicket  *tickets,
                  guint                     n_tickets,
                  GError                  **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "INSERT INTO agent_fact_tickets (ticket_id, created_at, team_id, assignee_id, solver_id, "
    "active) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (ticket_id) DO UPDATE SET "
    "created_at = ?2, team_id = ?3, assignee_id = ?4, solver_id = ?5, active = ?6", error);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < n_tickets; i++)
    {
      const DwStoreFactTicket *ticket = &tickets[i];

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, ticket_ids[i]);
      sqlite3_bind_int64 (stmt, 2, ticket->created_at);
      dw_store_bind_id_or_null (stmt, 3, ticket->team_id);
      dw_store_bind_id_or_null (stmt, 4, ticket->assignee_id);
      dw_store_bind_id_or_null (stmt, 5, ticket->solver_id);
      sqlite3_bind_int (stmt, 6, ticket->active);
      if (!dw_store_step_done (stmt, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
facts_insert (DwStore                 *store,
              const DwStoreAgentFact  *facts,
              guint                    n_facts,
              GError                 **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) insert = dw_store_prepare (db,
    "INSERT INTO agent_facts (audit_id, at, user_id, team_id, ticket_id, kind, target, "
    "calendar_seconds, business_seconds, replies) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  g_autoptr(sqlite3_stmt) load = NULL;

  if (insert == NULL)
    return FALSE;
  for (guint i = 0; i < n_facts; i++)
    {
      const DwStoreAgentFact *fact = &facts[i];

      if (g_str_equal (fact->kind, "load"))
        {
          if (load == NULL)
            load = dw_store_prepare (db,
              "INSERT INTO agent_facts (audit_id, at, user_id, team_id, ticket_id, kind, delta) "
              "VALUES (?, ?, ?, ?, ?, 'load', ?)", error);
          if (load == NULL)
            return FALSE;
          sqlite3_reset (load);
          sqlite3_bind_int64 (load, 1, fact->audit_id);
          sqlite3_bind_int64 (load, 2, fact->at);
          sqlite3_bind_int64 (load, 3, fact->user_id);
          dw_store_bind_id_or_null (load, 4, fact->team_id);
          sqlite3_bind_int64 (load, 5, fact->ticket_id);
          sqlite3_bind_int (load, 6, fact->delta);
          if (!dw_store_step_done (load, error))
            return FALSE;
          continue;
        }

      sqlite3_reset (insert);
      sqlite3_clear_bindings (insert);
      sqlite3_bind_int64 (insert, 1, fact->audit_id);
      sqlite3_bind_int64 (insert, 2, fact->at);
      sqlite3_bind_int64 (insert, 3, fact->user_id);
      dw_store_bind_id_or_null (insert, 4, fact->team_id);
      sqlite3_bind_int64 (insert, 5, fact->ticket_id);
      sqlite3_bind_text (insert, 6, fact->kind, -1, SQLITE_STATIC);
      dw_store_bind_text_or_null (insert, 7, fact->target);
      if (fact->timed)
        {
          sqlite3_bind_int64 (insert, 8, fact->calendar_seconds);
          sqlite3_bind_int64 (insert, 9, fact->business_seconds);
        }
      if (fact->replies >= 0)
        sqlite3_bind_int64 (insert, 10, fact->replies);
      if (!dw_store_step_done (insert, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
capacity_put (DwStore  *store,
              gint64    audit_id,
              gint64    user_id,
              gint64    at,
              gint64    before,
              gint64    after,
              GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "INSERT OR REPLACE INTO agent_capacity (audit_id, user_id, at, before, after) "
    "VALUES (?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, audit_id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  sqlite3_bind_int64 (stmt, 3, at);
  sqlite3_bind_int64 (stmt, 4, before);
  sqlite3_bind_int64 (stmt, 5, after);
  return dw_store_step_done (stmt, error);
}

static gint64
replies_count (DwStore *store,
               gint64   ticket_id,
               gint64   user_id,
               gint64   until)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "SELECT count (*) FROM comments WHERE ticket_id = ? AND author_kind = 'agent' "
    "AND author_id = ? AND public = 1 AND created_at <= ?", NULL);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  sqlite3_bind_int64 (stmt, 3, until);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

static gboolean
team_calendar (DwStore  *store,
               gint64    team_id,
               gint64   *calendar_id,
               GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db, "SELECT calendar_id FROM teams WHERE id = ?",
                                                   error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  if (!dw_store_step_row (stmt, "team", team_id, error))
    return FALSE;
  *calendar_id = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
members (DwStore                 *store,
         gint64                   team_id,
         gint64                   only_user_id,
         DwStoreAgentMemberFunc   func,
         gpointer                 data,
         GError                 **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "SELECT u.id, u.display_name FROM team_members m JOIN users u ON u.id = m.user_id "
    "WHERE m.team_id = ?1 AND u.role = 'agent' AND (?2 = 0 OR u.id = ?2) "
    "ORDER BY u.display_name, u.id", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, only_user_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func (sqlite3_column_int64 (stmt, 0), (const char *) sqlite3_column_text (stmt, 1), data);
  return dw_store_step_rows_done (stmt, rc, error);
}

static gboolean
facts_in_window (DwStore               *store,
                 gint64                 team_id,
                 gint64                 from,
                 gint64                 to,
                 DwStoreAgentFactFunc   func,
                 gpointer               data,
                 GError               **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "SELECT user_id, kind, coalesce (target, ''), calendar_seconds, business_seconds, "
    "coalesce (replies, 0), at FROM agent_facts WHERE team_id = ? AND at >= ? AND at < ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreAgentFactRow row = {
        .user_id = sqlite3_column_int64 (stmt, 0),
        .kind = (const char *) sqlite3_column_text (stmt, 1),
        .target = (const char *) sqlite3_column_text (stmt, 2),
        .calendar_seconds = sqlite3_column_int64 (stmt, 3),
        .business_seconds = sqlite3_column_int64 (stmt, 4),
        .replies = sqlite3_column_int64 (stmt, 5),
        .at = sqlite3_column_int64 (stmt, 6),
      };

      func (&row, data);
    }
  return dw_store_step_rows_done (stmt, rc, error);
}

static gboolean
survey_rows (DwStore                 *store,
             const char              *sql,
             gint64                   team_id,
             gint64                   from,
             gint64                   to,
             DwStoreAgentSurveyFunc   func,
             gpointer                 data,
             GError                 **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store), sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func (sqlite3_column_int64 (stmt, 0), sqlite3_column_int (stmt, 1),
          sqlite3_column_int64 (stmt, 2), data);
  return dw_store_step_rows_done (stmt, rc, error);
}

static gboolean
survey_answers (DwStore                 *store,
                gint64                   team_id,
                gint64                   from,
                gint64                   to,
                DwStoreAgentSurveyFunc   func,
                gpointer                 data,
                GError                 **error)
{
  return survey_rows (store,
    "SELECT t.solver_id, s.rating, s.answered_at FROM surveys s JOIN agent_fact_tickets t "
    "ON t.ticket_id = s.ticket_id WHERE t.team_id = ? AND s.answered_at >= ? "
    "AND s.answered_at < ? AND s.voided_at IS NULL AND s.rating IS NOT NULL",
    team_id, from, to, func, data, error);
}

static gboolean
surveys_issued (DwStore                 *store,
                gint64                   team_id,
                gint64                   from,
                gint64                   to,
                DwStoreAgentSurveyFunc   func,
                gpointer                 data,
                GError                 **error)
{
  return survey_rows (store,
    "SELECT t.solver_id, s.answered_at IS NOT NULL, s.issued_at FROM surveys s JOIN agent_fact_tickets t "
    "ON t.ticket_id = s.ticket_id WHERE t.team_id = ? AND s.issued_at >= ? AND s.issued_at < ?",
    team_id, from, to, func, data, error);
}

static gboolean
time_marks (DwStore                *store,
            gint64                  user_id,
            gint64                  from,
            gint64                  until,
            DwStoreAgentTimeStart  *start,
            DwStoreAgentMarkFunc    func,
            gpointer                data,
            GError                **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) before = dw_store_prepare (db,
    "SELECT presence FROM presence_log WHERE user_id = ? AND at < ? ORDER BY at DESC, id DESC "
    "LIMIT 1", error);
  g_autoptr(sqlite3_stmt) presence = dw_store_prepare (db,
    "SELECT at, presence = 'online' FROM presence_log WHERE user_id = ? AND at >= ? AND at < ? "
    "ORDER BY at, id", error);
  g_autoptr(sqlite3_stmt) load_before = dw_store_prepare (db,
    "SELECT coalesce (sum (delta), 0) FROM agent_facts WHERE user_id = ? AND kind = 'load' "
    "AND at < ?", error);
  g_autoptr(sqlite3_stmt) loads = dw_store_prepare (db,
    "SELECT at, delta FROM agent_facts WHERE user_id = ? AND kind = 'load' AND at >= ? "
    "AND at < ? ORDER BY at, id", error);
  /* the capacity at @from: the last change before it says, else the first change after it
   * says what it was before, else it never changed */
  g_autoptr(sqlite3_stmt) capacity = dw_store_prepare (db,
    "SELECT coalesce ((SELECT after FROM agent_capacity WHERE user_id = ?1 AND at < ?2 "
    "                  ORDER BY at DESC, audit_id DESC LIMIT 1), "
    "                 (SELECT before FROM agent_capacity WHERE user_id = ?1 AND at >= ?2 "
    "                  ORDER BY at, audit_id LIMIT 1), "
    "                 (SELECT capacity FROM users WHERE id = ?1), 0)", error);
  g_autoptr(sqlite3_stmt) capacities = dw_store_prepare (db,
    "SELECT at, after FROM agent_capacity WHERE user_id = ? AND at >= ? AND at < ? "
    "ORDER BY at, audit_id", error);
  sqlite3_stmt *marks[3];

  if (before == NULL || presence == NULL || load_before == NULL || loads == NULL
      || capacity == NULL || capacities == NULL)
    return FALSE;

  *start = (DwStoreAgentTimeStart) { FALSE, 0, 0 };
  sqlite3_bind_int64 (before, 1, user_id);
  sqlite3_bind_int64 (before, 2, from);
  if (sqlite3_step (before) == SQLITE_ROW)
    start->online = g_str_equal ((const char *) sqlite3_column_text (before, 0), "online");
  sqlite3_bind_int64 (load_before, 1, user_id);
  sqlite3_bind_int64 (load_before, 2, from);
  if (sqlite3_step (load_before) == SQLITE_ROW)
    start->load = sqlite3_column_int64 (load_before, 0);
  sqlite3_bind_int64 (capacity, 1, user_id);
  sqlite3_bind_int64 (capacity, 2, from);
  if (sqlite3_step (capacity) == SQLITE_ROW)
    start->capacity = sqlite3_column_int64 (capacity, 0);

  marks[DW_STORE_AGENT_MARK_PRESENCE] = presence;
  marks[DW_STORE_AGENT_MARK_LOAD] = loads;
  marks[DW_STORE_AGENT_MARK_CAPACITY] = capacities;
  for (int kind = 0; kind < 3; kind++)
    {
      sqlite3_bind_int64 (marks[kind], 1, user_id);
      sqlite3_bind_int64 (marks[kind], 2, from);
      sqlite3_bind_int64 (marks[kind], 3, until);
      while (sqlite3_step (marks[kind]) == SQLITE_ROW)
        func (sqlite3_column_int64 (marks[kind], 0), kind, sqlite3_column_int (marks[kind], 1),
              data);
    }
  return TRUE;
}

static gboolean
status (DwStore                 *store,
        gint64                   team_id,
        gint64                   only_user_id,
        DwStoreAgentStatusFunc   func,
        gpointer                 data,
        GError                 **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "SELECT u.id, u.display_name, u.presence, u.presence_since, u.capacity, "
    "  (SELECT count (*) FROM tickets t WHERE t.assignee_id = u.id "
    "     AND t.status IN ('new', 'open', 'pending', 'on-hold')), "
    "  (SELECT min (t.updated_at) FROM tickets t WHERE t.assignee_id = u.id "
    "     AND t.status IN ('new', 'open')), "
    "  (SELECT t.id FROM tickets t WHERE t.assignee_id = u.id AND t.status IN ('new', 'open') "
    "     ORDER BY t.updated_at, t.id LIMIT 1), "
    "  (SELECT count (*) FROM tickets t WHERE t.assignee_id = u.id "
    "     AND t.status IN ('new', 'open', 'pending', 'on-hold') AND t.sla_state = 'at-risk'), "
    "  (SELECT count (*) FROM tickets t WHERE t.assignee_id = u.id AND "
    DW_STORE_TICKET_BREACH " = 'running') "
    "FROM team_members m JOIN users u ON u.id = m.user_id "
    "WHERE m.team_id = ?1 AND u.role = 'agent' AND u.disabled = 0 AND (?2 = 0 OR u.id = ?2) "
    "ORDER BY u.display_name, u.id", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, only_user_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gboolean waiting = sqlite3_column_type (stmt, 6) != SQLITE_NULL;
      DwStoreAgentStatus row = {
        .user_id = sqlite3_column_int64 (stmt, 0),
        .display_name = (const char *) sqlite3_column_text (stmt, 1),
        .presence = (const char *) sqlite3_column_text (stmt, 2),
        .presence_since = sqlite3_column_int64 (stmt, 3),
        .capacity = sqlite3_column_int64 (stmt, 4),
        .load = sqlite3_column_int64 (stmt, 5),
        .oldest_waiting_since = waiting ? sqlite3_column_int64 (stmt, 6) : 0,
        .oldest_waiting_ticket_id = waiting ? sqlite3_column_int64 (stmt, 7) : 0,
        .at_risk = sqlite3_column_int64 (stmt, 8),
        .breached = sqlite3_column_int64 (stmt, 9),
      };

      func (&row, data);
    }
  return dw_store_step_rows_done (stmt, rc, error);
}

static GArray *
tickets (DwStore              *store,
         gint64                user_id,
         DwStoreAgentTickets   which,
         gint64                team_id,
         GError              **error)
{
  static const char * const sql[] = {
    [DW_STORE_AGENT_TICKETS_WAITING] =
      "SELECT t.id, t.version FROM tickets t WHERE t.assignee_id = ?1 "
      "AND t.status IN ('new', 'open') ORDER BY t.id",
    [DW_STORE_AGENT_TICKETS_AT_RISK] =
      "SELECT t.id, t.version FROM tickets t WHERE t.assignee_id = ?1 "
      "AND t.status IN ('new', 'open', 'pending', 'on-hold') AND (t.sla_state = "
      "'at-risk' OR " DW_STORE_TICKET_BREACH " = 'running') ORDER BY t.id",
    [DW_STORE_AGENT_TICKETS_TEAM_WAITING] =
      "SELECT t.id, t.version FROM tickets t WHERE t.assignee_id = ?1 "
      "AND t.team_id = ?2 AND t.status IN ('new', 'open') ORDER BY t.id",
  };
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (gint64) * 2);
  int rc;

  g_return_val_if_fail (which < G_N_ELEMENTS (sql), NULL);

  stmt = dw_store_prepare (dw_sqlite_store_db (store), sql[which], error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, user_id);
  if (which == DW_STORE_AGENT_TICKETS_TEAM_WAITING)
    sqlite3_bind_int64 (stmt, 2, team_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 pair[2] = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };

      g_array_append_vals (pairs, pair, 1);
    }
  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;
  return g_steal_pointer (&pairs);
}

static gboolean
move (DwStore  *store,
      gint64    user_id,
      gint64    from_team_id,
      gint64    to_team_id,
      GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) leave = dw_store_prepare (db,
    "DELETE FROM team_members WHERE user_id = ? AND team_id = ?", error);
  g_autoptr(sqlite3_stmt) join = NULL;

  if (leave == NULL)
    return FALSE;
  join = dw_store_prepare (db, "INSERT INTO team_members (team_id, user_id, is_lead) "
                               "VALUES (?, ?, 0)", error);
  if (join == NULL)
    return FALSE;
  sqlite3_bind_int64 (leave, 1, user_id);
  sqlite3_bind_int64 (leave, 2, from_team_id);
  sqlite3_bind_int64 (join, 1, to_team_id);
  sqlite3_bind_int64 (join, 2, user_id);
  return dw_store_step_done (leave, error) && dw_store_step_done (join, error);
}

static gboolean
drill (DwStore                  *store,
       const DwStoreAgentDrill  *drill,
       DwStoreAgentTicketFunc    func,
       gpointer                  data,
       GError                  **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT " DW_STORE_TICKET_COLUMNS " FROM tickets t WHERE t.id IN "
                      "(SELECT f.ticket_id FROM agent_facts f WHERE f.user_id = ?1 AND "
                      "f.team_id = ?2 AND f.kind = ?3 AND (?4 IS NULL OR f.target = ?4) "
                      "AND f.at >= ?5 AND f.at < ?6) AND (?7 = 0 OR t.id < ?7)");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  /* the tickets list's visibility (dw_api_ticket_visibility), the same text */
  if (!drill->viewer_all)
    {
      g_string_append_printf (sql, " AND (t.assignee_id = %" G_GINT64_FORMAT, drill->viewer_id);
      if (drill->viewer_team_ids != NULL && drill->viewer_team_ids->len > 0)
        {
          g_string_append (sql, " OR t.team_id IN (");
          for (guint i = 0; i < drill->viewer_team_ids->len; i++)
            g_string_append_printf (sql, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                                    g_array_index (drill->viewer_team_ids, gint64, i));
          g_string_append (sql, ")");
        }
      g_string_append (sql, ")");
    }
  g_string_append (sql, " ORDER BY t.id DESC LIMIT ?8");
  stmt = dw_store_prepare (dw_sqlite_store_db (store), sql->str, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, drill->user_id);
  sqlite3_bind_int64 (stmt, 2, drill->team_id);
  sqlite3_bind_text (stmt, 3, drill->kind, -1, SQLITE_TRANSIENT);
  dw_store_bind_text_or_null (stmt, 4, drill->target);
  sqlite3_bind_int64 (stmt, 5, drill->from);
  sqlite3_bind_int64 (stmt, 6, drill->to);
  sqlite3_bind_int64 (stmt, 7, drill->before_id);
  sqlite3_bind_int64 (stmt, 8, drill->limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func (dw_store_ticket_json_from_row (stmt), data);
  return dw_store_step_rows_done (stmt, rc, error);
}

const DwStoreAgentOps dw_sqlite_agent_ops = {
  .facts_watermark = facts_watermark,
  .facts_set_watermark = facts_set_watermark,
  .facts_clear = facts_clear,
  .audit_read = audit_read,
  .audit_read_unread = audit_read_unread,
  .fact_ticket_get = fact_ticket_get,
  .fact_tickets_put = fact_tickets_put,
  .facts_insert = facts_insert,
  .capacity_put = capacity_put,
  .replies_count = replies_count,
  .team_calendar = team_calendar,
  .members = members,
  .facts_in_window = facts_in_window,
  .survey_answers = survey_answers,
  .surveys_issued = surveys_issued,
  .time_marks = time_marks,
  .status = status,
  .tickets = tickets,
  .move = move,
  .drill = drill,
};
