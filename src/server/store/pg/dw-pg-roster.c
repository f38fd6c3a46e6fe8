/* dw-pg-roster.c: the roster's named operations (store/dw-store-roster.h) on PostgreSQL. */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include "dw-store.h"
#include "store/dw-store-roster.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-ops.h"
#include "store/pg/dw-pg-store.h"

/* Staffing settings */

static gboolean
staffing_settings_load (DwStore                  *store,
                        gint64                    team_id,
                        DwStoreStaffingSettings  *settings,
                        GError                  **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query_row (store,
    "SELECT min_rest_minutes, max_day_minutes, max_week_minutes, target_service_level, "
    "target_answer_seconds, max_occupancy, ticket_occupancy, shrinkage FROM teams WHERE id = $1",
    team_id, "team", error);
  if (result == NULL)
    return FALSE;

  settings->min_rest_minutes = dw_pg_get_int (result, 0, 0);
  settings->max_day_minutes = dw_pg_get_int (result, 0, 1);
  settings->max_week_minutes = dw_pg_get_int (result, 0, 2);
  settings->target_service_level = dw_pg_get_double (result, 0, 3);
  settings->target_answer_seconds = dw_pg_get_int (result, 0, 4);
  settings->max_occupancy = dw_pg_get_double (result, 0, 5);
  settings->ticket_occupancy = dw_pg_get_double (result, 0, 6);
  settings->shrinkage = dw_pg_get_double (result, 0, 7);
  return TRUE;
}

static gboolean
staffing_settings_update (DwStore                        *store,
                          gint64                          team_id,
                          const DwStoreStaffingSettings  *settings,
                          GError                        **error)
{
  g_autofree char *rest = dw_pg_int_new (settings->min_rest_minutes);
  g_autofree char *day = dw_pg_int_new (settings->max_day_minutes);
  g_autofree char *week = dw_pg_int_new (settings->max_week_minutes);
  g_autofree char *level = dw_pg_double_new (settings->target_service_level);
  g_autofree char *answer = dw_pg_int_new (settings->target_answer_seconds);
  g_autofree char *occupancy = dw_pg_double_new (settings->max_occupancy);
  g_autofree char *ticket_occupancy = dw_pg_double_new (settings->ticket_occupancy);
  g_autofree char *shrinkage = dw_pg_double_new (settings->shrinkage);
  g_autofree char *id = dw_pg_int_new (team_id);
  const char *params[] = { rest, day, week, level, answer, occupancy, ticket_occupancy,
                           shrinkage, id };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "UPDATE teams SET min_rest_minutes = $1, max_day_minutes = $2, max_week_minutes = $3, "
    "target_service_level = $4, target_answer_seconds = $5, max_occupancy = $6, "
    "ticket_occupancy = $7, shrinkage = $8 WHERE id = $9",
    G_N_ELEMENTS (params), params, error);
  return result != NULL;
}

/* Shift templates */

#define TEMPLATE_COLUMNS "id, team_id, name, start_minute, end_minute, breaks"

static void
template_from_result (PGresult             *result,
                      int                   i,
                      DwStoreShiftTemplate *row)
{
  row->id = dw_pg_get_int (result, i, 0);
  row->team_id = dw_pg_get_int (result, i, 1);
  row->name = g_strdup (PQgetvalue (result, i, 2));
  row->start_minute = dw_pg_get_int (result, i, 3);
  row->end_minute = dw_pg_get_int (result, i, 4);
  row->breaks = g_strdup (PQgetvalue (result, i, 5));
}

static GArray *
shift_template_list (DwStore  *store,
                     gint64    team_id,
                     GError  **error)
{
  g_autofree char *id = dw_pg_int_new (team_id);
  const char *params[] = { id };
  g_autoptr(PGresult) result = NULL;
  GArray *rows;
  int n;

  result = dw_pg_store_query (store,
                              "SELECT " TEMPLATE_COLUMNS " FROM shift_templates WHERE team_id = $1 "
                              "ORDER BY start_minute, id", G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return NULL;

  n = PQntuples (result);
  rows = g_array_sized_new (FALSE, TRUE, sizeof (DwStoreShiftTemplate), n);
  g_array_set_clear_func (rows, (GDestroyNotify) dw_store_shift_template_clear);
  g_array_set_size (rows, n);
  for (int i = 0; i < n; i++)
    template_from_result (result, i, &g_array_index (rows, DwStoreShiftTemplate, i));
  return rows;
}

static gboolean
shift_template_load (DwStore               *store,
                     gint64                 template_id,
                     DwStoreShiftTemplate  *row,
                     GError               **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query_row (store,
    "SELECT " TEMPLATE_COLUMNS " FROM shift_templates WHERE id = $1",
    template_id, "shift template", error);
  if (result == NULL)
    return FALSE;
  template_from_result (result, 0, row);
  return TRUE;
}

static gint64
shift_template_insert (DwStore                     *store,
                       const DwStoreShiftTemplate  *row,
                       GError                     **error)
{
  g_autofree char *team = dw_pg_int_new (row->team_id);
  g_autofree char *start = dw_pg_int_new (row->start_minute);
  g_autofree char *end = dw_pg_int_new (row->end_minute);
  const char *params[] = { team, row->name, start, end,
                           row->breaks != NULL ? row->breaks : "[]" };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "INSERT INTO shift_templates (team_id, name, start_minute, end_minute, breaks) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id", G_N_ELEMENTS (params), params,
    error);
  if (result == NULL)
    return 0;
  return dw_pg_get_int (result, 0, 0);
}

static gboolean
shift_template_delete (DwStore  *store,
                       gint64    template_id,
                       GError  **error)
{
  g_autofree char *id = dw_pg_int_new (template_id);
  const char *params[] = { id };
  g_autoptr(PGresult) unlinked = NULL;
  g_autoptr(PGresult) dropped = NULL;

  unlinked = dw_pg_store_query (store,
    "UPDATE shifts SET template_id = NULL WHERE template_id = $1",
    G_N_ELEMENTS (params), params, error);
  if (unlinked == NULL)
    return FALSE;
  dropped = dw_pg_store_query (store, "DELETE FROM shift_templates WHERE id = $1",
                               G_N_ELEMENTS (params), params, error);
  return dropped != NULL;
}

/* Absences */

#define ABSENCE_COLUMNS "id, user_id, kind, starts_at, ends_at, note"

static void
absence_from_result (PGresult       *result,
                     int             i,
                     DwStoreAbsence *row)
{
  row->id = dw_pg_get_int (result, i, 0);
  row->user_id = dw_pg_get_int (result, i, 1);
  row->kind = g_strdup (PQgetvalue (result, i, 2));
  row->starts_at = dw_pg_get_int (result, i, 3);
  row->ends_at = dw_pg_get_int (result, i, 4);
  row->note = g_strdup (PQgetvalue (result, i, 5));
}

static gint64
absence_insert (DwStore               *store,
                const DwStoreAbsence  *row,
                GError               **error)
{
  g_autofree char *user = dw_pg_int_new (row->user_id);
  g_autofree char *starts = dw_pg_int_new (row->starts_at);
  g_autofree char *ends = dw_pg_int_new (row->ends_at);
  g_autofree char *created = dw_pg_int_new (row->created_at);
  const char *params[] = { user, row->kind, starts, ends, row->note != NULL ? row->note : "",
                           created };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "INSERT INTO absences (user_id, kind, starts_at, ends_at, note, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", G_N_ELEMENTS (params), params,
    error);
  if (result == NULL)
    return 0;
  return dw_pg_get_int (result, 0, 0);
}

static gboolean
absence_load (DwStore         *store,
              gint64           absence_id,
              DwStoreAbsence  *row,
              GError         **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query_row (store,
    "SELECT " ABSENCE_COLUMNS " FROM absences WHERE id = $1",
    absence_id, "absence", error);
  if (result == NULL)
    return FALSE;
  absence_from_result (result, 0, row);
  return TRUE;
}

static gboolean
absence_delete (DwStore  *store,
                gint64    absence_id,
                GError  **error)
{
  g_autofree char *id = dw_pg_int_new (absence_id);
  const char *params[] = { id };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "DELETE FROM absences WHERE id = $1", G_N_ELEMENTS (params), params,
    error);
  return result != NULL;
}

static GArray *
absence_list (DwStore  *store,
              gint64    from,
              gint64    to,
              gint64    user_id,
              gint64    team_id,
              GError  **error)
{
  g_autofree char *from_text = dw_pg_int_new (from);
  g_autofree char *to_text = dw_pg_int_new (to);
  g_autofree char *user = dw_pg_int_new (user_id);
  g_autofree char *team = dw_pg_int_new (team_id);
  const char *params[] = { from_text, to_text, user, team };
  g_autoptr(PGresult) result = NULL;
  GArray *rows;
  int n;

  /* The casts: "$3 = 0" alone would make $3 an integer, too small for an id. */
  result = dw_pg_store_query (store,
                              "SELECT " ABSENCE_COLUMNS " FROM absences a "
                              "WHERE ends_at > $1::bigint AND starts_at < $2::bigint "
                              "AND ($3::bigint = 0 OR user_id = $3::bigint) "
                              "AND ($4::bigint = 0 OR EXISTS (SELECT 1 FROM team_members m "
                              "WHERE m.user_id = a.user_id AND m.team_id = $4::bigint)) "
                              "ORDER BY starts_at, id", G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return NULL;

  n = PQntuples (result);
  rows = g_array_sized_new (FALSE, TRUE, sizeof (DwStoreAbsence), n);
  g_array_set_clear_func (rows, (GDestroyNotify) dw_store_absence_clear);
  g_array_set_size (rows, n);
  for (int i = 0; i < n; i++)
    absence_from_result (result, i, &g_array_index (rows, DwStoreAbsence, i));
  return rows;
}

static GArray *
shift_ids_overlapping (DwStore  *store,
                       gint64    user_id,
                       gint64    from,
                       gint64    to,
                       GError  **error)
{
  g_autofree char *user = dw_pg_int_new (user_id);
  g_autofree char *from_text = dw_pg_int_new (from);
  g_autofree char *to_text = dw_pg_int_new (to);
  const char *params[] = { user, from_text, to_text };
  g_autoptr(PGresult) result = NULL;
  GArray *ids;
  int n;

  result = dw_pg_store_query (store,
    "SELECT id FROM shifts WHERE user_id = $1 AND ends_at > $2 "
    "AND starts_at < $3 ORDER BY starts_at, id", G_N_ELEMENTS (params), params,
    error);
  if (result == NULL)
    return NULL;

  n = PQntuples (result);
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
  for (int i = 0; i < n; i++)
    {
      gint64 id = dw_pg_get_int (result, i, 0);

      g_array_append_val (ids, id);
    }
  return ids;
}

static gint64
user_first_team (DwStore  *store,
                 gint64    user_id,
                 GError  **error)
{
  g_autofree char *user = dw_pg_int_new (user_id);
  const char *params[] = { user };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "SELECT team_id FROM team_members WHERE user_id = $1 ORDER BY team_id LIMIT 1",
    G_N_ELEMENTS (params), params, error);
  if (result == NULL || PQntuples (result) == 0)
    return 0;
  return dw_pg_get_int (result, 0, 0);
}

/* Shifts */

static gint64
shift_insert (DwStore                  *store,
              const DwStoreShiftWrite  *shift,
              GError                  **error)
{
  g_autofree char *user = dw_pg_int_new (shift->user_id);
  g_autofree char *team = dw_pg_int_new (shift->team_id);
  g_autofree char *starts = dw_pg_int_new (shift->starts_at);
  g_autofree char *ends = dw_pg_int_new (shift->ends_at);
  g_autofree char *template = shift->template_id > 0 ? dw_pg_int_new (shift->template_id) : NULL;
  g_autofree char *break_seconds = dw_pg_int_new (shift->break_seconds);
  const char *params[] = { user, team, starts, ends, template,
                           shift->breaks != NULL ? shift->breaks : "[]", break_seconds };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "INSERT INTO shifts (user_id, team_id, starts_at, ends_at, template_id, breaks, "
    "break_seconds) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return 0;
  return dw_pg_get_int (result, 0, 0);
}

static gboolean
shift_update (DwStore                  *store,
              gint64                    shift_id,
              const DwStoreShiftWrite  *shift,
              GError                  **error)
{
  g_autofree char *user = dw_pg_int_new (shift->user_id);
  g_autofree char *starts = dw_pg_int_new (shift->starts_at);
  g_autofree char *ends = dw_pg_int_new (shift->ends_at);
  g_autofree char *break_seconds = dw_pg_int_new (shift->break_seconds);
  g_autofree char *id = dw_pg_int_new (shift_id);
  const char *params[] = { user, starts, ends, shift->breaks != NULL ? shift->breaks : "[]",
                           break_seconds, id };
  g_autoptr(PGresult) result = NULL;

  /* The right-hand sides read the row as it was: the CASE compares the old times. */
  result = dw_pg_store_query (store,
    "UPDATE shifts SET user_id = $1, starts_at = $2, ends_at = $3, breaks = $4, "
    "break_seconds = $5, template_id = CASE WHEN $2 = starts_at "
    "AND $3 = ends_at THEN template_id END WHERE id = $6",
    G_N_ELEMENTS (params), params, error);
  return result != NULL;
}

static gboolean
shift_delete (DwStore  *store,
              gint64    shift_id,
              GError  **error)
{
  g_autofree char *id = dw_pg_int_new (shift_id);
  const char *params[] = { id };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "DELETE FROM shifts WHERE id = $1", G_N_ELEMENTS (params), params,
    error);
  return result != NULL;
}

/* Roster weeks.  Text is ordered by its bytes (COLLATE "C"), as SQLite's BINARY does,
 * whatever the database's locale. */

static GArray *
team_needs (DwStore  *store,
            gint64    team_id,
            GError  **error)
{
  g_autofree char *id = dw_pg_int_new (team_id);
  const char *params[] = { id };
  g_autoptr(PGresult) result = NULL;
  GArray *rows;
  int n;

  result = dw_pg_store_query (store,
    "SELECT key, coalesce (skill, '') FROM business_types WHERE team_id = $1 "
    "ORDER BY key COLLATE \"C\"", G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return NULL;

  n = PQntuples (result);
  rows = g_array_sized_new (FALSE, TRUE, sizeof (DwStoreTeamNeed), n);
  g_array_set_clear_func (rows, (GDestroyNotify) dw_store_team_need_clear);
  for (int i = 0; i < n; i++)
    {
      DwStoreTeamNeed need = { g_strdup (PQgetvalue (result, i, 0)),
                               g_strdup (PQgetvalue (result, i, 1)) };

      g_array_append_val (rows, need);
    }
  return rows;
}

static GStrv
user_skills (DwStore  *store,
             gint64    user_id,
             GError  **error)
{
  g_autofree char *id = dw_pg_int_new (user_id);
  const char *params[] = { id };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;

  result = dw_pg_store_query (store,
    "SELECT skill FROM user_skills WHERE user_id = $1 ORDER BY skill COLLATE \"C\"",
    G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return NULL;

  builder = g_strv_builder_new ();
  for (int i = 0; i < PQntuples (result); i++)
    g_strv_builder_add (builder, PQgetvalue (result, i, 0));
  return g_strv_builder_end (builder);
}

static GArray *
team_agents (DwStore  *store,
             gint64    team_id,
             GError  **error)
{
  g_autofree char *id = dw_pg_int_new (team_id);
  const char *params[] = { id };
  g_autoptr(PGresult) result = NULL;
  GArray *rows;
  int n;

  result = dw_pg_store_query (store,
    "SELECT u.id, u.display_name FROM team_members m "
    "JOIN users u ON u.id = m.user_id WHERE m.team_id = $1 "
    "AND u.disabled = 0 AND u.role = 'agent' "
    "ORDER BY u.display_name COLLATE \"C\", u.id", G_N_ELEMENTS (params), params,
    error);
  if (result == NULL)
    return NULL;

  n = PQntuples (result);
  rows = g_array_sized_new (FALSE, TRUE, sizeof (DwStoreTeamAgent), n);
  g_array_set_clear_func (rows, (GDestroyNotify) dw_store_team_agent_clear);
  for (int i = 0; i < n; i++)
    {
      DwStoreTeamAgent agent = { dw_pg_get_int (result, i, 0),
                                 g_strdup (PQgetvalue (result, i, 1)) };

      g_array_append_val (rows, agent);
    }
  return rows;
}

static gboolean
roster_week_publish (DwStore  *store,
                     gint64    team_id,
                     gint64    week_start,
                     gint64    published_at,
                     gint64    published_by,
                     GError  **error)
{
  g_autofree char *team = dw_pg_int_new (team_id);
  g_autofree char *week = dw_pg_int_new (week_start);
  g_autofree char *at = dw_pg_int_new (published_at);
  g_autofree char *by = published_by > 0 ? dw_pg_int_new (published_by) : NULL;
  const char *params[] = { team, week, at, by };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "INSERT INTO roster_weeks (team_id, week_start, state, published_at, "
    "published_by) VALUES ($1, $2, 'published', $3, $4) "
    "ON CONFLICT (team_id, week_start) DO UPDATE SET state = 'published', "
    "published_at = $3, published_by = $4", G_N_ELEMENTS (params), params, error);
  return result != NULL;
}

/* Teams, weeks and stored shifts */

static gboolean
roster_team_load (DwStore            *store,
                  gint64              team_id,
                  DwStoreRosterTeam  *team,
                  GError            **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query_row (store,
    "SELECT calendar_id, min_rest_minutes, max_day_minutes, max_week_minutes "
    "FROM teams WHERE id = $1",
    team_id, "team", error);
  if (result == NULL)
    return FALSE;
  team->calendar_id = dw_pg_get_int (result, 0, 0);
  team->min_rest_minutes = dw_pg_get_int (result, 0, 1);
  team->max_day_minutes = dw_pg_get_int (result, 0, 2);
  team->max_week_minutes = dw_pg_get_int (result, 0, 3);
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
  g_autofree char *team = dw_pg_int_new (team_id);
  g_autofree char *week = dw_pg_int_new (week_start);
  const char *params[] = { team, week };
  g_autoptr(PGresult) result = NULL;

  *state = DW_STORE_WEEK_NONE;
  *published_at = 0;
  result = dw_pg_store_query (store,
    "SELECT state, coalesce (published_at, 0) FROM roster_weeks "
    "WHERE team_id = $1 AND week_start = $2", G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) > 0)
    {
      *state = g_str_equal (PQgetvalue (result, 0, 0), "published")
               ? DW_STORE_WEEK_PUBLISHED : DW_STORE_WEEK_DRAFT;
      *published_at = dw_pg_get_int (result, 0, 1);
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
  g_autofree char *team = dw_pg_int_new (team_id);
  g_autofree char *week = dw_pg_int_new (week_start);
  const char *params[] = { team, week,
                           state == DW_STORE_WEEK_PUBLISHED ? "published" : "draft" };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "INSERT INTO roster_weeks (team_id, week_start, state) VALUES ($1, $2, $3) "
    "ON CONFLICT (team_id, week_start) DO NOTHING", G_N_ELEMENTS (params), params,
    error);
  return result != NULL;
}

static gboolean
team_has_shifts (DwStore   *store,
                 gint64     team_id,
                 gint64     from,
                 gint64     to,
                 gboolean  *any,
                 GError   **error)
{
  g_autofree char *team = dw_pg_int_new (team_id);
  g_autofree char *from_text = dw_pg_int_new (from);
  g_autofree char *to_text = dw_pg_int_new (to);
  const char *params[] = { team, from_text, to_text };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
                              "SELECT 1 FROM shifts WHERE team_id = $1 AND starts_at >= $2 "
                              "AND starts_at < $3 LIMIT 1", G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return FALSE;
  *any = PQntuples (result) > 0;
  return TRUE;
}

#define SHIFT_COLUMNS "id, team_id, user_id, starts_at, ends_at, coalesce (template_id, 0), " \
                      "break_seconds, breaks"

static void
shift_from_result (PGresult     *result,
                   int           i,
                   DwStoreShift *row)
{
  row->id = dw_pg_get_int (result, i, 0);
  row->team_id = dw_pg_get_int (result, i, 1);
  row->user_id = dw_pg_get_int (result, i, 2);
  row->starts_at = dw_pg_get_int (result, i, 3);
  row->ends_at = dw_pg_get_int (result, i, 4);
  row->template_id = dw_pg_get_int (result, i, 5);
  row->break_seconds = dw_pg_get_int (result, i, 6);
  row->breaks = g_strdup (PQgetvalue (result, i, 7));
}

static gboolean
shift_load (DwStore       *store,
            gint64         shift_id,
            DwStoreShift  *row,
            GError       **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query_row (store,
    "SELECT " SHIFT_COLUMNS " FROM shifts WHERE id = $1",
    shift_id, "shift", error);
  if (result == NULL)
    return FALSE;
  shift_from_result (result, 0, row);
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
  g_autofree char *from_text = dw_pg_int_new (from);
  g_autofree char *to_text = dw_pg_int_new (to);
  g_autofree char *team = dw_pg_int_new (team_id);
  g_autofree char *user = dw_pg_int_new (user_id);
  const char *params[] = { from_text, to_text, team, user };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "SELECT " SHIFT_COLUMNS " FROM shifts WHERE ends_at > $1::bigint AND starts_at < $2::bigint "
    "AND starts_at > $1::bigint - " G_STRINGIFY (DW_STORE_MAX_SHIFT_SECONDS) " "
    "AND ($3::bigint = 0 OR team_id = $3::bigint) AND ($4::bigint = 0 OR user_id = $4::bigint) "
    "ORDER BY user_id, starts_at, id", G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    {
      g_auto(DwStoreShift) row = { 0 };

      shift_from_result (result, i, &row);
      if (!func (&row, data))
        break;
    }
  return TRUE;
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
  g_autofree char *user = dw_pg_int_new (user_id);
  g_autofree char *from_text = dw_pg_int_new (from);
  g_autofree char *to_text = dw_pg_int_new (to);
  const char *params[] = { user, from_text, to_text };
  g_autoptr(PGresult) shift_rows = NULL;
  g_autoptr(PGresult) absence_rows = NULL;

  shift_rows = dw_pg_store_query (store,
    "SELECT id, user_id, starts_at, ends_at, break_seconds FROM shifts "
    "WHERE user_id = $1 AND ends_at > $2::bigint AND starts_at < $3 AND starts_at > $2::bigint - "
    G_STRINGIFY (DW_STORE_MAX_SHIFT_SECONDS) " ORDER BY starts_at, id",
    G_N_ELEMENTS (params), params, error);
  if (shift_rows == NULL)
    return FALSE;
  absence_rows = dw_pg_store_query (store,
    "SELECT id, user_id, starts_at, ends_at FROM absences "
    "WHERE user_id = $1 AND ends_at > $2 AND starts_at < $3 ORDER BY starts_at, id",
    G_N_ELEMENTS (params), params, error);
  if (absence_rows == NULL)
    return FALSE;

  for (int i = 0; i < PQntuples (shift_rows); i++)
    {
      DwShiftSpan span = { dw_pg_get_int (shift_rows, i, 0), dw_pg_get_int (shift_rows, i, 1),
                           dw_pg_get_int (shift_rows, i, 2), dw_pg_get_int (shift_rows, i, 3),
                           dw_pg_get_int (shift_rows, i, 4) };

      g_array_append_val (shifts, span);
    }
  for (int i = 0; i < PQntuples (absence_rows); i++)
    {
      DwAbsenceSpan span = { dw_pg_get_int (absence_rows, i, 0),
                             dw_pg_get_int (absence_rows, i, 1),
                             dw_pg_get_int (absence_rows, i, 2),
                             dw_pg_get_int (absence_rows, i, 3) };

      g_array_append_val (absences, span);
    }
  return TRUE;
}

/* Exports */

static char *
name_of (DwStore        *store,
         DwStoreNameOf   what,
         gint64          id,
         GError        **error)
{
  static const char * const sql[] = {
    [DW_STORE_NAME_USER] = "SELECT display_name FROM users WHERE id = $1",
    [DW_STORE_NAME_TEAM] = "SELECT name FROM teams WHERE id = $1",
    [DW_STORE_NAME_SHIFT_TEMPLATE] = "SELECT name FROM shift_templates WHERE id = $1",
  };
  g_autofree char *id_text = NULL;
  g_autoptr(PGresult) result = NULL;

  g_return_val_if_fail ((guint) what < G_N_ELEMENTS (sql), NULL);

  id_text = dw_pg_int_new (id);
  result = dw_pg_store_query (store, sql[what], 1, (const char * const[]) { id_text }, error);
  if (result == NULL || PQntuples (result) == 0)
    return NULL;
  return g_strdup (PQgetvalue (result, 0, 0));
}

const DwStoreRosterOps dw_pg_roster_ops = {
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
