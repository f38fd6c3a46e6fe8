/* dw-sqlite-roster.c: the roster's named operations (store/dw-store-roster.h) on SQLite. */
#define G_LOG_DOMAIN "dw-store"

#include "store/sqlite/dw-sqlite-store.h"

#include "dw-store.h"
#include "store/dw-store-roster.h"

/* Staffing settings */

static gboolean
staffing_settings_load (DwStore                  *store,
                        gint64                    team_id,
                        DwStoreStaffingSettings  *settings,
                        GError                  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
    "SELECT min_rest_minutes, max_day_minutes, max_week_minutes, target_service_level, "
    "target_answer_seconds, max_occupancy, ticket_occupancy, shrinkage FROM teams WHERE id = ?",
    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  if (!dw_store_step_row (stmt, "team", team_id, error))
    return FALSE;

  settings->min_rest_minutes = sqlite3_column_int64 (stmt, 0);
  settings->max_day_minutes = sqlite3_column_int64 (stmt, 1);
  settings->max_week_minutes = sqlite3_column_int64 (stmt, 2);
  settings->target_service_level = sqlite3_column_double (stmt, 3);
  settings->target_answer_seconds = sqlite3_column_int64 (stmt, 4);
  settings->max_occupancy = sqlite3_column_double (stmt, 5);
  settings->ticket_occupancy = sqlite3_column_double (stmt, 6);
  settings->shrinkage = sqlite3_column_double (stmt, 7);
  return TRUE;
}

static gboolean
staffing_settings_update (DwStore                        *store,
                          gint64                          team_id,
                          const DwStoreStaffingSettings  *settings,
                          GError                        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  /* One statement for all eight (the desk wrote one per changed column before). */
  stmt = dw_store_prepare (dw_sqlite_store_db (store),
    "UPDATE teams SET min_rest_minutes = ?, max_day_minutes = ?, max_week_minutes = ?, "
    "target_service_level = ?, target_answer_seconds = ?, max_occupancy = ?, "
    "ticket_occupancy = ?, shrinkage = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, settings->min_rest_minutes);
  sqlite3_bind_int64 (stmt, 2, settings->max_day_minutes);
  sqlite3_bind_int64 (stmt, 3, settings->max_week_minutes);
  sqlite3_bind_double (stmt, 4, settings->target_service_level);
  sqlite3_bind_int64 (stmt, 5, settings->target_answer_seconds);
  sqlite3_bind_double (stmt, 6, settings->max_occupancy);
  sqlite3_bind_double (stmt, 7, settings->ticket_occupancy);
  sqlite3_bind_double (stmt, 8, settings->shrinkage);
  sqlite3_bind_int64 (stmt, 9, team_id);
  return dw_store_step_done (stmt, error);
}

/* Shift templates */

#define TEMPLATE_COLUMNS "id, team_id, name, start_minute, end_minute, breaks"

static void
template_from_stmt (sqlite3_stmt         *stmt,
                    DwStoreShiftTemplate *row)
{
  row->id = sqlite3_column_int64 (stmt, 0);
  row->team_id = sqlite3_column_int64 (stmt, 1);
  row->name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  row->start_minute = sqlite3_column_int64 (stmt, 3);
  row->end_minute = sqlite3_column_int64 (stmt, 4);
  row->breaks = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
}

static GArray *
shift_template_list (DwStore  *store,
                     gint64    team_id,
                     GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) rows = NULL;
  int rc;

  stmt = dw_store_prepare (db,
                           "SELECT " TEMPLATE_COLUMNS " FROM shift_templates WHERE team_id = ? "
                           "ORDER BY start_minute, id", error);
  if (stmt == NULL)
    return NULL;

  rows = g_array_new (FALSE, TRUE, sizeof (DwStoreShiftTemplate));
  g_array_set_clear_func (rows, (GDestroyNotify) dw_store_shift_template_clear);
  sqlite3_bind_int64 (stmt, 1, team_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_array_set_size (rows, rows->len + 1);
      template_from_stmt (stmt, &g_array_index (rows, DwStoreShiftTemplate, rows->len - 1));
    }
  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;
  return g_steal_pointer (&rows);
}

static gboolean
shift_template_load (DwStore               *store,
                     gint64                 template_id,
                     DwStoreShiftTemplate  *row,
                     GError               **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db, "SELECT " TEMPLATE_COLUMNS " FROM shift_templates WHERE id = ?",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, template_id);
  if (!dw_store_step_row (stmt, "shift template", template_id, error))
    return FALSE;
  template_from_stmt (stmt, row);
  return TRUE;
}

static gint64
shift_template_insert (DwStore                     *store,
                       const DwStoreShiftTemplate  *row,
                       GError                     **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
                           "INSERT INTO shift_templates (team_id, name, start_minute, "
                           "end_minute, breaks) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return 0;
  /* The row outlives the step: its strings need no copies. */
  sqlite3_bind_int64 (stmt, 1, row->team_id);
  sqlite3_bind_text (stmt, 2, row->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, row->start_minute);
  sqlite3_bind_int64 (stmt, 4, row->end_minute);
  sqlite3_bind_text (stmt, 5, row->breaks != NULL ? row->breaks : "[]", -1, SQLITE_STATIC);
  if (!dw_store_step_done (stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (db);
}

static gboolean
shift_template_delete (DwStore  *store,
                       gint64    template_id,
                       GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) unlink = NULL;
  g_autoptr(sqlite3_stmt) drop = NULL;

  unlink = dw_store_prepare (db, "UPDATE shifts SET template_id = NULL WHERE template_id = ?",
                             error);
  if (unlink == NULL)
    return FALSE;
  drop = dw_store_prepare (db, "DELETE FROM shift_templates WHERE id = ?", error);
  if (drop == NULL)
    return FALSE;
  sqlite3_bind_int64 (unlink, 1, template_id);
  sqlite3_bind_int64 (drop, 1, template_id);
  return dw_store_step_done (unlink, error) && dw_store_step_done (drop, error);
}

/* Absences */

#define ABSENCE_COLUMNS "id, user_id, kind, starts_at, ends_at, note"

static void
absence_from_stmt (sqlite3_stmt   *stmt,
                   DwStoreAbsence *row)
{
  row->id = sqlite3_column_int64 (stmt, 0);
  row->user_id = sqlite3_column_int64 (stmt, 1);
  row->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  row->starts_at = sqlite3_column_int64 (stmt, 3);
  row->ends_at = sqlite3_column_int64 (stmt, 4);
  row->note = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
}

static gint64
absence_insert (DwStore               *store,
                const DwStoreAbsence  *row,
                GError               **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
                           "INSERT INTO absences (user_id, kind, starts_at, ends_at, note, "
                           "created_at) VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, row->user_id);
  sqlite3_bind_text (stmt, 2, row->kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, row->starts_at);
  sqlite3_bind_int64 (stmt, 4, row->ends_at);
  sqlite3_bind_text (stmt, 5, row->note != NULL ? row->note : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, row->created_at);
  if (!dw_store_step_done (stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (db);
}

static gboolean
absence_load (DwStore         *store,
              gint64           absence_id,
              DwStoreAbsence  *row,
              GError         **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db, "SELECT " ABSENCE_COLUMNS " FROM absences WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, absence_id);
  if (!dw_store_step_row (stmt, "absence", absence_id, error))
    return FALSE;
  absence_from_stmt (stmt, row);
  return TRUE;
}

static gboolean
absence_delete (DwStore  *store,
                gint64    absence_id,
                GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store), "DELETE FROM absences WHERE id = ?",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, absence_id);
  return dw_store_step_done (stmt, error);
}

static GArray *
absence_list (DwStore  *store,
              gint64    from,
              gint64    to,
              gint64    user_id,
              gint64    team_id,
              GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) rows = NULL;
  int rc;

  stmt = dw_store_prepare (db,
                           "SELECT " ABSENCE_COLUMNS " FROM absences a "
                           "WHERE ends_at > ?1 AND starts_at < ?2 AND (?3 = 0 OR user_id = ?3) "
                           "AND (?4 = 0 OR EXISTS (SELECT 1 FROM team_members m "
                           "WHERE m.user_id = a.user_id AND m.team_id = ?4)) "
                           "ORDER BY starts_at, id", error);
  if (stmt == NULL)
    return NULL;

  rows = g_array_new (FALSE, TRUE, sizeof (DwStoreAbsence));
  g_array_set_clear_func (rows, (GDestroyNotify) dw_store_absence_clear);
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  sqlite3_bind_int64 (stmt, 3, user_id);
  sqlite3_bind_int64 (stmt, 4, team_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_array_set_size (rows, rows->len + 1);
      absence_from_stmt (stmt, &g_array_index (rows, DwStoreAbsence, rows->len - 1));
    }
  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;
  return g_steal_pointer (&rows);
}

static GArray *
shift_ids_overlapping (DwStore  *store,
                       gint64    user_id,
                       gint64    from,
                       gint64    to,
                       GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) ids = NULL;

  /* id breaks ties in the order the index shifts_user (user_id, starts_at) already gives. */
  stmt = dw_store_prepare (db,
                           "SELECT id FROM shifts WHERE user_id = ? AND ends_at > ? "
                           "AND starts_at < ? ORDER BY starts_at, id", error);
  if (stmt == NULL)
    return NULL;

  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  if (!dw_store_step_ints (stmt, 1, ids, error))
    return NULL;
  return g_steal_pointer (&ids);
}

static gint64
user_first_team (DwStore  *store,
                 gint64    user_id,
                 GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = dw_store_prepare (db,
    "SELECT team_id FROM team_members WHERE user_id = ? ORDER BY team_id LIMIT 1", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, user_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc != SQLITE_DONE)
    dw_store_set_error (error, db, rc);
  return 0;
}

/* Shifts */

static gint64
shift_insert (DwStore                  *store,
              const DwStoreShiftWrite  *shift,
              GError                  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
                           "INSERT INTO shifts (user_id, team_id, starts_at, ends_at, "
                           "template_id, breaks, break_seconds) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, shift->user_id);
  sqlite3_bind_int64 (stmt, 2, shift->team_id);
  sqlite3_bind_int64 (stmt, 3, shift->starts_at);
  sqlite3_bind_int64 (stmt, 4, shift->ends_at);
  dw_store_bind_id_or_null (stmt, 5, shift->template_id);
  sqlite3_bind_text (stmt, 6, shift->breaks != NULL ? shift->breaks : "[]", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, shift->break_seconds);
  if (!dw_store_step_done (stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (db);
}

static gboolean
shift_update (DwStore                  *store,
              gint64                    shift_id,
              const DwStoreShiftWrite  *shift,
              GError                  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "UPDATE shifts SET user_id = ?1, starts_at = ?3, ends_at = ?4, "
                           "breaks = ?6, break_seconds = ?7, "
                           "template_id = CASE WHEN ?3 = starts_at AND ?4 = ends_at "
                           "THEN template_id END WHERE id = ?8", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, shift->user_id);
  sqlite3_bind_int64 (stmt, 3, shift->starts_at);
  sqlite3_bind_int64 (stmt, 4, shift->ends_at);
  sqlite3_bind_text (stmt, 6, shift->breaks != NULL ? shift->breaks : "[]", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, shift->break_seconds);
  sqlite3_bind_int64 (stmt, 8, shift_id);
  return dw_store_step_done (stmt, error);
}

static gboolean
shift_delete (DwStore  *store,
              gint64    shift_id,
              GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store), "DELETE FROM shifts WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, shift_id);
  return dw_store_step_done (stmt, error);
}

/* Roster weeks */

static GArray *
team_needs (DwStore  *store,
            gint64    team_id,
            GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) rows = NULL;
  int rc;

  stmt = dw_store_prepare (db,
    "SELECT key, coalesce (skill, '') FROM business_types WHERE team_id = ? ORDER BY key", error);
  if (stmt == NULL)
    return NULL;

  rows = g_array_new (FALSE, TRUE, sizeof (DwStoreTeamNeed));
  g_array_set_clear_func (rows, (GDestroyNotify) dw_store_team_need_clear);
  sqlite3_bind_int64 (stmt, 1, team_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreTeamNeed need = { g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                               g_strdup ((const char *) sqlite3_column_text (stmt, 1)) };

      g_array_append_val (rows, need);
    }
  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;
  return g_steal_pointer (&rows);
}

static GStrv
user_skills (DwStore  *store,
             gint64    user_id,
             GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  int rc;

  stmt = dw_store_prepare (db, "SELECT skill FROM user_skills WHERE user_id = ? ORDER BY skill",
                           error);
  if (stmt == NULL)
    return NULL;

  builder = g_strv_builder_new ();
  sqlite3_bind_int64 (stmt, 1, user_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;
  return g_strv_builder_end (builder);
}

static GArray *
team_agents (DwStore  *store,
             gint64    team_id,
             GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) rows = NULL;
  int rc;

  stmt = dw_store_prepare (db,
                           "SELECT u.id, u.display_name FROM team_members m "
                           "JOIN users u ON u.id = m.user_id WHERE m.team_id = ? "
                           "AND u.disabled = 0 AND u.role = 'agent' "
                           "ORDER BY u.display_name, u.id", error);
  if (stmt == NULL)
    return NULL;

  rows = g_array_new (FALSE, TRUE, sizeof (DwStoreTeamAgent));
  g_array_set_clear_func (rows, (GDestroyNotify) dw_store_team_agent_clear);
  sqlite3_bind_int64 (stmt, 1, team_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwStoreTeamAgent agent = { sqlite3_column_int64 (stmt, 0),
                                 g_strdup ((const char *) sqlite3_column_text (stmt, 1)) };

      g_array_append_val (rows, agent);
    }
  if (!dw_store_step_rows_done (stmt, rc, error))
    return NULL;
  return g_steal_pointer (&rows);
}

static gboolean
roster_week_publish (DwStore  *store,
                     gint64    team_id,
                     gint64    week_start,
                     gint64    published_at,
                     gint64    published_by,
                     GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "INSERT INTO roster_weeks (team_id, week_start, state, published_at, "
                           "published_by) VALUES (?1, ?2, 'published', ?3, ?4) "
                           "ON CONFLICT (team_id, week_start) DO UPDATE SET state = 'published', "
                           "published_at = ?3, published_by = ?4", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, week_start);
  sqlite3_bind_int64 (stmt, 3, published_at);
  dw_store_bind_id_or_null (stmt, 4, published_by);
  return dw_store_step_done (stmt, error);
}

/* Teams, weeks and stored shifts */

static gboolean
roster_team_load (DwStore            *store,
                  gint64              team_id,
                  DwStoreRosterTeam  *team,
                  GError            **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db,
                           "SELECT calendar_id, min_rest_minutes, max_day_minutes, "
                           "max_week_minutes FROM teams WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  if (!dw_store_step_row (stmt, "team", team_id, error))
    return FALSE;
  team->calendar_id = sqlite3_column_int64 (stmt, 0);
  team->min_rest_minutes = sqlite3_column_int64 (stmt, 1);
  team->max_day_minutes = sqlite3_column_int64 (stmt, 2);
  team->max_week_minutes = sqlite3_column_int64 (stmt, 3);
  return TRUE;
}

static gboolean
roster_week_load (DwStore           *store,
                  gint64             team_id,
                  gint64             week_start,
                  DwStoreWeekState  *state,
                  gint64            *published_at,
                  GError           **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  *state = DW_STORE_WEEK_NONE;
  *published_at = 0;
  stmt = dw_store_prepare (db,
                           "SELECT state, coalesce (published_at, 0) FROM roster_weeks "
                           "WHERE team_id = ? AND week_start = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, week_start);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *state = g_str_equal ((const char *) sqlite3_column_text (stmt, 0), "published")
               ? DW_STORE_WEEK_PUBLISHED : DW_STORE_WEEK_DRAFT;
      *published_at = sqlite3_column_int64 (stmt, 1);
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    {
      dw_store_set_error (error, db, rc);
      return FALSE;
    }
  return TRUE;
}

static gboolean
roster_week_touch (DwStore           *store,
                   gint64             team_id,
                   gint64             week_start,
                   DwStoreWeekState   state,
                   GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (dw_sqlite_store_db (store),
                           "INSERT INTO roster_weeks (team_id, week_start, state) VALUES (?, ?, ?) "
                           "ON CONFLICT (team_id, week_start) DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, week_start);
  sqlite3_bind_text (stmt, 3, state == DW_STORE_WEEK_PUBLISHED ? "published" : "draft", -1,
                     SQLITE_STATIC);
  return dw_store_step_done (stmt, error);
}

static gboolean
team_has_shifts (DwStore   *store,
                 gint64     team_id,
                 gint64     from,
                 gint64     to,
                 gboolean  *any,
                 GError   **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = dw_store_prepare (db,
                           "SELECT 1 FROM shifts WHERE team_id = ? AND starts_at >= ? "
                           "AND starts_at < ? LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      dw_store_set_error (error, db, rc);
      return FALSE;
    }
  *any = rc == SQLITE_ROW;
  return TRUE;
}

#define SHIFT_COLUMNS "id, team_id, user_id, starts_at, ends_at, coalesce (template_id, 0), " \
                      "break_seconds, breaks"

static void
shift_from_stmt (sqlite3_stmt *stmt,
                 DwStoreShift *row)
{
  row->id = sqlite3_column_int64 (stmt, 0);
  row->team_id = sqlite3_column_int64 (stmt, 1);
  row->user_id = sqlite3_column_int64 (stmt, 2);
  row->starts_at = sqlite3_column_int64 (stmt, 3);
  row->ends_at = sqlite3_column_int64 (stmt, 4);
  row->template_id = sqlite3_column_int64 (stmt, 5);
  row->break_seconds = sqlite3_column_int64 (stmt, 6);
  row->breaks = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
}

static gboolean
shift_load (DwStore       *store,
            gint64         shift_id,
            DwStoreShift  *row,
            GError       **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = dw_store_prepare (db, "SELECT " SHIFT_COLUMNS " FROM shifts WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, shift_id);
  if (!dw_store_step_row (stmt, "shift", shift_id, error))
    return FALSE;
  shift_from_stmt (stmt, row);
  return TRUE;
}

static gboolean
shift_select (DwStore   *store,
              gint64     from,
              gint64     to,
              gint64     team_id,
              gint64     user_id,
              gboolean (*func) (DwStoreShift *row,
                                gpointer      data),
              gpointer   data,
              GError   **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = dw_store_prepare (db,
    "SELECT " SHIFT_COLUMNS " FROM shifts WHERE ends_at > ?1 AND starts_at < ?2 "
    /* a bound the indexes on starts_at can use: no shift is longer */
    "AND starts_at > ?1 - " G_STRINGIFY (DW_STORE_MAX_SHIFT_SECONDS) " "
    "AND (?3 = 0 OR team_id = ?3) AND (?4 = 0 OR user_id = ?4) "
    "ORDER BY user_id, starts_at, id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  sqlite3_bind_int64 (stmt, 3, team_id);
  sqlite3_bind_int64 (stmt, 4, user_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_auto(DwStoreShift) row = { 0 };

      shift_from_stmt (stmt, &row);
      if (!func (&row, data))
        return TRUE;
    }
  return dw_store_step_rows_done (stmt, rc, error);
}

static gboolean
user_spans (DwStore  *store,
            gint64    user_id,
            gint64    from,
            gint64    to,
            GArray   *shifts,
            GArray   *absences,
            GError  **error)
{
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) shift_stmt = NULL;
  g_autoptr(sqlite3_stmt) absence_stmt = NULL;
  int rc;

  /* By start then id: the order of the indexes shifts_user and absences_user, no sort. */
  shift_stmt = dw_store_prepare (db,
    "SELECT id, user_id, starts_at, ends_at, break_seconds FROM shifts "
    "WHERE user_id = ?1 AND ends_at > ?2 AND starts_at < ?3 AND starts_at > ?2 - "
    G_STRINGIFY (DW_STORE_MAX_SHIFT_SECONDS) " ORDER BY starts_at, id", error);
  if (shift_stmt == NULL)
    return FALSE;
  absence_stmt = dw_store_prepare (db,
    "SELECT id, user_id, starts_at, ends_at FROM absences "
    "WHERE user_id = ? AND ends_at > ? AND starts_at < ? ORDER BY starts_at, id", error);
  if (absence_stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (shift_stmt, 1, user_id);
  sqlite3_bind_int64 (shift_stmt, 2, from);
  sqlite3_bind_int64 (shift_stmt, 3, to);
  while ((rc = sqlite3_step (shift_stmt)) == SQLITE_ROW)
    {
      DwShiftSpan span = { sqlite3_column_int64 (shift_stmt, 0),
                           sqlite3_column_int64 (shift_stmt, 1),
                           sqlite3_column_int64 (shift_stmt, 2),
                           sqlite3_column_int64 (shift_stmt, 3),
                           sqlite3_column_int64 (shift_stmt, 4) };

      g_array_append_val (shifts, span);
    }
  if (!dw_store_step_rows_done (shift_stmt, rc, error))
    return FALSE;

  sqlite3_bind_int64 (absence_stmt, 1, user_id);
  sqlite3_bind_int64 (absence_stmt, 2, from);
  sqlite3_bind_int64 (absence_stmt, 3, to);
  while ((rc = sqlite3_step (absence_stmt)) == SQLITE_ROW)
    {
      DwAbsenceSpan span = { sqlite3_column_int64 (absence_stmt, 0),
                             sqlite3_column_int64 (absence_stmt, 1),
                             sqlite3_column_int64 (absence_stmt, 2),
                             sqlite3_column_int64 (absence_stmt, 3) };

      g_array_append_val (absences, span);
    }
  return dw_store_step_rows_done (absence_stmt, rc, error);
}

/* Exports */

static char *
name_of (DwStore        *store,
         DwStoreNameOf   what,
         gint64          id,
         GError        **error)
{
  static const char * const sql[] = {
    [DW_STORE_NAME_USER] = "SELECT display_name FROM users WHERE id = ?",
    [DW_STORE_NAME_TEAM] = "SELECT name FROM teams WHERE id = ?",
    [DW_STORE_NAME_SHIFT_TEMPLATE] = "SELECT name FROM shift_templates WHERE id = ?",
  };
  sqlite3 *db = dw_sqlite_store_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail ((guint) what < G_N_ELEMENTS (sql), NULL);

  stmt = dw_store_prepare (db, sql[what], error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    dw_store_set_error (error, db, rc);
  return NULL;
}

const DwStoreRosterOps dw_sqlite_roster_ops = {
  .staffing_settings_load = staffing_settings_load,
  .staffing_settings_update = staffing_settings_update,
  .shift_template_list = shift_template_list,
  .shift_template_load = shift_template_load,
  .shift_template_insert = shift_template_insert,
  .shift_template_delete = shift_template_delete,
  .absence_insert = absence_insert,
  .absence_load = absence_load,
  .absence_delete = absence_delete,
  .absence_list = absence_list,
  .shift_ids_overlapping = shift_ids_overlapping,
  .user_first_team = user_first_team,
  .name_of = name_of,
  .shift_insert = shift_insert,
  .shift_update = shift_update,
  .shift_delete = shift_delete,
  .team_needs = team_needs,
  .user_skills = user_skills,
  .team_agents = team_agents,
  .roster_week_publish = roster_week_publish,
  .roster_team_load = roster_team_load,
  .roster_week_load = roster_week_load,
  .roster_week_touch = roster_week_touch,
  .team_has_shifts = team_has_shifts,
  .shift_load = shift_load,
  .shift_select = shift_select,
  .user_spans = user_spans,
};
