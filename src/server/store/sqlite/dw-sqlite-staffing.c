/* dw-sqlite-staffing.c: the staffing reads (store/dw-store-staffing.h) on SQLite.  The SQL is
 * dw-staffing.c's, tuned for the bench `staffing`: keep it as it is. */
#define G_LOG_DOMAIN "dw-store"

#include "store/sqlite/dw-sqlite-store.h"

#include "dw-store.h"
#include "store/dw-store-roster.h"
#include "store/dw-store-staffing.h"

static gboolean
team_load (DwStore              *store,
           gint64                team_id,
           DwStoreStaffingTeam  *team,
           GError              **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db,
    "SELECT calendar_id, target_service_level, target_answer_seconds, max_occupancy, "
    "ticket_occupancy, shrinkage FROM teams WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  if (!dw_store_step_row (stmt, "team", team_id, error))
    return FALSE;
  team->calendar_id = sqlite3_column_int64 (stmt, 0);
  team->target_service_level = sqlite3_column_double (stmt, 1);
  team->target_answer_seconds = sqlite3_column_int64 (stmt, 2);
  team->max_occupancy = sqlite3_column_double (stmt, 3);
  team->ticket_occupancy = sqlite3_column_double (stmt, 4);
  team->shrinkage = sqlite3_column_double (stmt, 5);
  return TRUE;
}

static gboolean
handle_time_rows (DwStore                *store,
                  gint64                  team_id,
                  gint64                  from,
                  gint64                  to,
                  DwStoreHandleTimeFunc   func,
                  gpointer                data,
                  GError                **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db,
    "SELECT t.id, t.created_at, c.author_kind, c.public, c.created_at FROM tickets t "
    "JOIN comments c ON c.ticket_id = t.id "
    "WHERE t.team_id = ? AND t.solved_at >= ? AND t.solved_at < ? "
    "ORDER BY t.id, c.created_at, c.id", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreHandleTimeRow row = {
        .ticket_id = sqlite3_column_int64 (stmt, 0),
        .ticket_created_at = sqlite3_column_int64 (stmt, 1),
        .author_kind = (const char *) sqlite3_column_text (stmt, 2),
        .public = sqlite3_column_int (stmt, 3) != 0,
        .created_at = sqlite3_column_int64 (stmt, 4),
      };

      func (&row, data);
    }
  return dw_store_step_rows_done (stmt, rc, error);
}

/* Each ticket counted on its own: the statement is the one the staffing day always ran. */
static gboolean
arrivals (DwStore             *store,
          gint64               team_id,
          gint64               from,
          gint64               interval,
          guint                n_intervals,
          DwStoreArrivalFunc   func,
          gpointer             data,
          GError             **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db,
    "SELECT created_at, channel FROM tickets WHERE team_id = ? AND created_at >= ? "
    "AND created_at < ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, from + n_intervals * interval);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func ((sqlite3_column_int64 (stmt, 0) - from) / interval,
          (const char *) sqlite3_column_text (stmt, 1), 1, data);
  return dw_store_step_rows_done (stmt, rc, error);
}

static gint64
first_ticket_at (DwStore *store,
                 gint64   team_id)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "SELECT coalesce (min (created_at), 0) FROM tickets WHERE team_id = ?", NULL);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, team_id);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

static gboolean
shifts (DwStore                   *store,
        gint64                     team_id,
        gint64                     user_id,
        gint64                     from,
        gint64                     to,
        DwStoreStaffingShiftFunc   func,
        gpointer                   data,
        GError                   **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db,
    "SELECT s.user_id, s.starts_at, s.ends_at, s.breaks FROM shifts s "
    "WHERE s.team_id = ?1 AND s.ends_at > ?2 AND s.starts_at < ?3 AND (?4 = 0 OR s.user_id = ?4) "
    "AND s.starts_at > ?2 - 57600 "   /* no shift is longer than 16 hours: a bound for the index */
    "AND NOT EXISTS (SELECT 1 FROM absences a WHERE a.user_id = s.user_id "
    "AND a.starts_at < s.ends_at AND a.ends_at > s.starts_at) "
    "ORDER BY s.user_id, s.starts_at", error);
  int rc;

  G_STATIC_ASSERT (DW_STORE_MAX_SHIFT_SECONDS == 57600);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  sqlite3_bind_int64 (stmt, 4, user_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreStaffingShift row = {
        .user_id = sqlite3_column_int64 (stmt, 0),
        .starts_at = sqlite3_column_int64 (stmt, 1),
        .ends_at = sqlite3_column_int64 (stmt, 2),
        .breaks = (const char *) sqlite3_column_text (stmt, 3),
      };

      func (&row, data);
    }
  return dw_store_step_rows_done (stmt, rc, error);
}

static gboolean
agents (DwStore                   *store,
        gint64                     team_id,
        gint64                     user_id,
        DwStoreStaffingAgentFunc   func,
        gpointer                   data,
        GError                   **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db,
    "SELECT u.id, u.display_name, u.presence FROM team_members m JOIN users u ON u.id = m.user_id "
    "WHERE m.team_id = ?1 AND u.role = 'agent' AND u.disabled = 0 AND (?2 = 0 OR u.id = ?2) "
    "ORDER BY u.display_name, u.id", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreStaffingAgent row = {
        .user_id = sqlite3_column_int64 (stmt, 0),
        .display_name = (const char *) sqlite3_column_text (stmt, 1),
        .presence = (const char *) sqlite3_column_text (stmt, 2),
      };

      func (&row, data);
    }
  return dw_store_step_rows_done (stmt, rc, error);
}

/* Both statements prepared once for all the users, as the staffing day always did. */
static gboolean
presence (DwStore                  *store,
          const gint64             *user_ids,
          guint                     n_users,
          gint64                    from,
          gint64                    to,
          DwStorePresenceMarkFunc   func,
          gpointer                  data,
          GError                  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) before = dw_store_prepare (db,
    "SELECT presence FROM presence_log WHERE user_id = ? AND at < ? ORDER BY at DESC, id DESC "
    "LIMIT 1", error);
  g_autoptr(sqlite3_stmt) marks = dw_store_prepare (db,
    "SELECT at, presence FROM presence_log WHERE user_id = ? AND at >= ? AND at < ? "
    "ORDER BY at, id", error);
  int rc;

  if (before == NULL || marks == NULL)
    return FALSE;
  for (guint u = 0; u < n_users; u++)
    {
      sqlite3_reset (before);
      sqlite3_bind_int64 (before, 1, user_ids[u]);
      sqlite3_bind_int64 (before, 2, from);
      rc = sqlite3_step (before);
      if (rc == SQLITE_ROW)
        func (u, TRUE, 0, (const char *) sqlite3_column_text (before, 0), data);
      else if (!dw_store_step_rows_done (before, rc, error))
        return FALSE;

      sqlite3_reset (marks);
      sqlite3_bind_int64 (marks, 1, user_ids[u]);
      sqlite3_bind_int64 (marks, 2, from);
      sqlite3_bind_int64 (marks, 3, to);
      while ((rc = sqlite3_step (marks)) == SQLITE_ROW)
        func (u, FALSE, sqlite3_column_int64 (marks, 0),
              (const char *) sqlite3_column_text (marks, 1), data);
      if (!dw_store_step_rows_done (marks, rc, error))
        return FALSE;
    }
  return TRUE;
}

const DwStoreStaffingOps dw_sqlite_staffing_ops = {
  .team_load = team_load,
  .handle_time_rows = handle_time_rows,
  .arrivals = arrivals,
  .first_ticket_at = first_ticket_at,
  .shifts = shifts,
  .agents = agents,
  .presence = presence,
};
