/* dw-desk-roster.c: what the roster files share — a team's calendar and limits, who may do
 * what, dates and weeks (their state), and stored shifts read with the rules they break
 * (src/core/dw-roster-rules.c). */
#define G_LOG_DOMAIN "dw-desk"

#include "config.h"

#include "dw-desk-roster-private.h"

#include <string.h>

#include "dw-calendar.h"

void
dw_roster_team_clear (DwRosterTeam *team)
{
  g_clear_object (&team->calendar);
}

void
dw_shift_row_clear (gpointer data)
{
  g_clear_pointer (&((DwShiftRow *) data)->breaks, g_free);
}

/* Who */

gboolean
dw_desk_roster_can_edit (DwPrincipal  *actor,
                         gint64        team_id,
                         GError      **error)
{
  if (actor == NULL || actor->role == DW_ROLE_ADMIN
      || (actor->role == DW_ROLE_LEAD && dw_principal_leads_team (actor, team_id)))
    return TRUE;

  g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
               "only a lead of team %" G_GINT64_FORMAT " or an admin may change its roster",
               team_id);
  return FALSE;
}

/* A lead reads the rosters of its teams, an agent its own shifts only. */
gboolean
dw_desk_roster_can_read (DwPrincipal *actor,
                         gint64       team_id,
                         gint64       user_id)
{
  if (actor == NULL || actor->role == DW_ROLE_ADMIN)
    return TRUE;
  if (actor->role == DW_ROLE_LEAD && team_id > 0 && dw_principal_leads_team (actor, team_id))
    return TRUE;
  return user_id > 0 && user_id == actor->user_id;
}

/* Teams */

gboolean
dw_desk_roster_load_team (DwDesk        *self,
                          gint64         team_id,
                          DwRosterTeam  *team,
                          GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonObject) calendar = NULL;
  gint64 calendar_id;

  stmt = dw_store_prepare (self->db,
                           "SELECT calendar_id, min_rest_minutes, max_day_minutes, "
                           "max_week_minutes FROM teams WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, team_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no team %" G_GINT64_FORMAT, team_id);
      return FALSE;
    }

  calendar_id = sqlite3_column_int64 (stmt, 0);
  team->team_id = team_id;
  team->limits.min_rest = sqlite3_column_int64 (stmt, 1) * 60;
  team->limits.max_day = sqlite3_column_int64 (stmt, 2) * 60;
  team->limits.max_week = sqlite3_column_int64 (stmt, 3) * 60;

  calendar = dw_store_calendar_json (self->db, calendar_id, error);
  if (calendar == NULL)
    return FALSE;
  team->calendar = dw_calendar_new_from_json (calendar, error);
  if (team->calendar == NULL)
    return FALSE;
  team->limits.time_zone = dw_calendar_get_time_zone (team->calendar);
  return TRUE;
}

/* "YYYY-MM-DD" in the team's zone: its local midnight. */
gboolean
dw_desk_roster_parse_date (DwRosterTeam  *team,
                           const char    *member,
                           const char    *text,
                           gint64        *out,
                           GError       **error)
{
  if (!dw_roster_parse_date (team->limits.time_zone, text, out))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "%s: expected a date YYYY-MM-DD, got \"%s\"", member, text ? text : "");
      return FALSE;
    }
  return TRUE;
}

char *
dw_desk_roster_format_date (DwRosterTeam *team,
                            gint64        at)
{
  return dw_roster_format_date (team->limits.time_zone, at);
}

gboolean
dw_desk_roster_parse_week (DwRosterTeam  *team,
                           const char    *text,
                           gint64        *out,
                           GError       **error)
{
  if (!dw_desk_roster_parse_date (team, "week", text, out, error))
    return FALSE;
  if (dw_roster_week_start (team->limits.time_zone, *out) != *out)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "week: %s is not a Monday", text);
      return FALSE;
    }
  return TRUE;
}

/* "workday", "weekend", "holiday" (statutory) or "adjusted-workday" (调休: a weekend day
 * worked). */
const char *
dw_desk_roster_day_kind (DwRosterTeam *team,
                         gint64        midnight)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (midnight);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, team->limits.time_zone);
  int y = g_date_time_get_year (local);
  int m = g_date_time_get_month (local);
  int d = g_date_time_get_day_of_month (local);

  if (dw_calendar_is_holiday (team->calendar, y, m, d))
    return "holiday";
  if (dw_calendar_get_workday_as (team->calendar, y, m, d) != 0)
    return "adjusted-workday";
  return g_date_time_get_day_of_week (local) >= 6 ? "weekend" : "workday";
}

/* Weeks */

const char *
dw_roster_week_state (sqlite3 *db,
                      gint64   team_id,
                      gint64   week_start,
                      gint64  *published_at)
{
  g_autoptr(sqlite3_stmt) row = dw_store_prepare (db,
    "SELECT state, coalesce (published_at, 0) FROM roster_weeks "
    "WHERE team_id = ? AND week_start = ?", NULL);
  g_autoptr(sqlite3_stmt) any = NULL;

  if (row == NULL)
    return "draft";

  *published_at = 0;
  sqlite3_bind_int64 (row, 1, team_id);
  sqlite3_bind_int64 (row, 2, week_start);
  if (sqlite3_step (row) == SQLITE_ROW)
    {
      *published_at = sqlite3_column_int64 (row, 1);
      return g_str_equal ((const char *) sqlite3_column_text (row, 0), "published")
             ? "published" : "draft";
    }

  any = dw_store_prepare (db,
                          "SELECT 1 FROM shifts WHERE team_id = ? AND starts_at >= ? "
                          "AND starts_at < ? LIMIT 1", NULL);
  if (any == NULL)
    return "draft";
  sqlite3_bind_int64 (any, 1, team_id);
  sqlite3_bind_int64 (any, 2, week_start);
  sqlite3_bind_int64 (any, 3, week_start + 7 * DW_DAY + 2 * 3600);
  return sqlite3_step (any) == SQLITE_ROW ? "published" : "draft";
}

/* The first write to a week records the state it had (a roster from before weeks had states
 * stays published). */
gboolean
dw_desk_roster_touch_week (DwDesk  *self,
                           gint64   team_id,
                           gint64   week_start,
                           GError **error)
{
  gint64 published_at = 0;
  const char *state = dw_roster_week_state (self->db, team_id, week_start, &published_at);
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (self->db,
    "INSERT INTO roster_weeks (team_id, week_start, state) VALUES (?, ?, ?) "
    "ON CONFLICT (team_id, week_start) DO NOTHING", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, week_start);
  sqlite3_bind_text (stmt, 3, state, -1, SQLITE_STATIC);
  return dw_store_step_done (stmt, error);
}

/* Shifts: reading */

static void
shift_from_row (sqlite3_stmt *stmt,
                DwShiftRow   *row)
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

gboolean
dw_desk_roster_load_shift (DwDesk      *self,
                           gint64       shift_id,
                           DwShiftRow  *row,
                           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (self->db,
    "SELECT " DW_SHIFT_COLUMNS " FROM shifts WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, shift_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no shift %" G_GINT64_FORMAT, shift_id);
      return FALSE;
    }
  shift_from_row (stmt, row);
  return TRUE;
}

/* The agent's shifts and absences around @shift: enough for rest (two days), its day and its
 * week. */
static gboolean
load_neighbours (DwDesk        *self,
                 DwRosterTeam  *team,
                 gint64         user_id,
                 gint64         at,
                 GArray       **shifts_out,
                 GArray       **absences_out,
                 GError       **error)
{
  gint64 from = dw_roster_week_start (team->limits.time_zone, at) - 2 * DW_DAY;
  gint64 to = from + 11 * DW_DAY;
  g_autoptr(sqlite3_stmt) shifts = dw_store_prepare (self->db,
    "SELECT id, user_id, starts_at, ends_at, break_seconds FROM shifts "
    "WHERE user_id = ?1 AND ends_at > ?2 AND starts_at < ?3 AND starts_at > ?2 - "
    G_STRINGIFY (DW_MAX_SHIFT_SECONDS), error);
  g_autoptr(sqlite3_stmt) absences = dw_store_prepare (self->db,
    "SELECT id, user_id, starts_at, ends_at FROM absences "
    "WHERE user_id = ? AND ends_at > ? AND starts_at < ?", error);
  g_autoptr(GArray) s = g_array_new (FALSE, FALSE, sizeof (DwShiftSpan));
  g_autoptr(GArray) a = g_array_new (FALSE, FALSE, sizeof (DwAbsenceSpan));

  if (shifts == NULL || absences == NULL)
    return FALSE;

  sqlite3_bind_int64 (shifts, 1, user_id);
  sqlite3_bind_int64 (shifts, 2, from);
  sqlite3_bind_int64 (shifts, 3, to);
  while (sqlite3_step (shifts) == SQLITE_ROW)
    {
      DwShiftSpan span = { sqlite3_column_int64 (shifts, 0), sqlite3_column_int64 (shifts, 1),
                           sqlite3_column_int64 (shifts, 2), sqlite3_column_int64 (shifts, 3),
                           sqlite3_column_int64 (shifts, 4) };

      g_array_append_val (s, span);
    }

  sqlite3_bind_int64 (absences, 1, user_id);
  sqlite3_bind_int64 (absences, 2, from);
  sqlite3_bind_int64 (absences, 3, to);
  while (sqlite3_step (absences) == SQLITE_ROW)
    {
      DwAbsenceSpan span = { sqlite3_column_int64 (absences, 0),
                             sqlite3_column_int64 (absences, 1),
                             sqlite3_column_int64 (absences, 2),
                             sqlite3_column_int64 (absences, 3) };

      g_array_append_val (a, span);
    }

  *shifts_out = g_steal_pointer (&s);
  *absences_out = g_steal_pointer (&a);
  return TRUE;
}

JsonObject *
dw_desk_roster_violation_json (const DwRosterViolation *v,
                               gint64                   shift_id)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "rule", dw_roster_rule_to_string (v->rule));
  json_object_set_boolean_member (object, "hard", v->hard);
  if (shift_id > 0)
    json_object_set_int_member (object, "shift_id", shift_id);
  switch (v->rule)
    {
    case DW_ROSTER_RULE_OVERLAP:
      json_object_set_int_member (object, "other_shift_id", v->other_id);
      break;
    case DW_ROSTER_RULE_ABSENCE:
      json_object_set_int_member (object, "absence_id", v->other_id);
      break;
    case DW_ROSTER_RULE_REST:
      json_object_set_int_member (object, "other_shift_id", v->other_id);
      json_object_set_int_member (object, "rest_minutes", v->value / 60);
      json_object_set_int_member (object, "limit_minutes", v->limit / 60);
      break;
    case DW_ROSTER_RULE_DAY_HOURS:
    case DW_ROSTER_RULE_WEEK_HOURS:
      json_object_set_int_member (object, "worked_minutes", v->value / 60);
      json_object_set_int_member (object, "limit_minutes", v->limit / 60);
      break;
    case DW_ROSTER_RULE_COVERAGE:
      json_object_set_string_member (object, "business_type", v->business_type);
      break;
    default:
      g_assert_not_reached ();
    }
  dw_json_set_time_or_null (object, "from", v->from);
  dw_json_set_time_or_null (object, "to", v->to);
  return object;
}

GArray *
dw_desk_roster_check_row (DwDesk            *self,
                          DwRosterTeam      *team,
                          const DwShiftRow  *row,
                          GError           **error)
{
  g_autoptr(GArray) shifts = NULL;
  g_autoptr(GArray) absences = NULL;
  DwShiftSpan span = { row->id, row->user_id, row->starts_at, row->ends_at, row->break_seconds };

  if (!load_neighbours (self, team, row->user_id, row->starts_at, &shifts, &absences, error))
    return NULL;

  return dw_roster_check_shift (&span, (DwShiftSpan *) shifts->data, shifts->len,
                                (DwAbsenceSpan *) absences->data, absences->len, &team->limits);
}

JsonObject *
dw_desk_roster_shift_json (DwDesk            *self,
                           DwRosterTeam      *team,
                           const DwShiftRow  *row,
                           GError           **error)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) breaks = json_array_new ();
  g_autoptr(JsonArray) warnings = json_array_new ();
  g_autoptr(JsonNode) stored = NULL;
  g_autoptr(GArray) violations = NULL;
  g_autofree char *week = NULL;
  gint64 week_start = dw_roster_week_start (team->limits.time_zone, row->starts_at);
  gint64 published_at = 0;
  gint64 day = dw_roster_day_start (team->limits.time_zone, row->starts_at);

  stored = json_from_string (row->breaks, NULL);
  if (stored != NULL && JSON_NODE_HOLDS_ARRAY (stored))
    {
      JsonArray *pairs = json_node_get_array (stored);

      for (guint i = 0; i < json_array_get_length (pairs); i++)
        {
          JsonArray *pair = json_array_get_array_element (pairs, i);
          JsonObject *b = json_object_new ();

          dw_json_set_time_or_null (b, "starts_at", json_array_get_int_element (pair, 0));
          dw_json_set_time_or_null (b, "ends_at", json_array_get_int_element (pair, 1));
          json_array_add_object_element (breaks, b);
        }
    }

  violations = dw_desk_roster_check_row (self, team, row, error);
  if (violations == NULL)
    return NULL;
  for (guint i = 0; i < violations->len; i++)
    json_array_add_object_element (warnings,
      dw_desk_roster_violation_json (&g_array_index (violations, DwRosterViolation, i), 0));

  week = dw_desk_roster_format_date (team, week_start);
  json_object_set_int_member (object, "id", row->id);
  json_object_set_int_member (object, "team_id", row->team_id);
  json_object_set_int_member (object, "user_id", row->user_id);
  dw_json_set_time_or_null (object, "starts_at", row->starts_at);
  dw_json_set_time_or_null (object, "ends_at", row->ends_at);
  json_object_set_array_member (object, "breaks", g_steal_pointer (&breaks));
  json_object_set_int_member (object, "worked_minutes",
                              (row->ends_at - row->starts_at - row->break_seconds) / 60);
  if (row->template_id > 0)
    json_object_set_int_member (object, "template_id", row->template_id);
  else
    json_object_set_null_member (object, "template_id");
  json_object_set_string_member (object, "week", week);
  json_object_set_string_member (object, "state",
                                 dw_roster_week_state (self->db, row->team_id, week_start, &published_at));
  json_object_set_boolean_member (object, "holiday", g_str_equal (dw_desk_roster_day_kind (team, day), "holiday"));
  json_object_set_array_member (object, "warnings", g_steal_pointer (&warnings));
  return g_steal_pointer (&object);
}


gboolean
dw_desk_roster_check_window (gint64   from,
                             gint64   to,
                             GError **error)
{
  if (to <= from || to - from > DW_MAX_LIST_SECONDS)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "to: must be later than from, and at most 62 days after it");
      return FALSE;
    }
  return TRUE;
}

/* Rows of shifts overlapping [from, to) that @actor may read, by team and/or user. */
GArray *
dw_desk_roster_select_shifts (DwDesk       *self,
                              DwPrincipal  *actor,
                              gint64        team_id,
                              gint64        user_id,
                              gint64        from,
                              gint64        to,
                              GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (self->db,
    "SELECT " DW_SHIFT_COLUMNS " FROM shifts WHERE ends_at > ?1 AND starts_at < ?2 "
    /* a bound the indexes on starts_at can use: no shift is longer */
    "AND starts_at > ?1 - " G_STRINGIFY (DW_MAX_SHIFT_SECONDS) " "
    "AND (?3 = 0 OR team_id = ?3) AND (?4 = 0 OR user_id = ?4) "
    "ORDER BY user_id, starts_at", error);
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (DwShiftRow));

  g_array_set_clear_func (rows, dw_shift_row_clear);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  sqlite3_bind_int64 (stmt, 3, team_id);
  sqlite3_bind_int64 (stmt, 4, user_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      DwShiftRow row = { 0 };

      shift_from_row (stmt, &row);
      if (dw_desk_roster_can_read (actor, row.team_id, row.user_id))
        g_array_append_val (rows, row);
      else
        dw_shift_row_clear (&row);
    }
  return g_steal_pointer (&rows);
}
