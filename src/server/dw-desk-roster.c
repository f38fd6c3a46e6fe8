/* dw-desk-roster.c: shift templates, shifts, absences and roster weeks — their SQL, their
 * rules (src/core/dw-roster-rules.c) and who may do what. */
#define G_LOG_DOMAIN "dw-desk"

#include "config.h"

#include "dw-desk-roster.h"
#include "dw-desk-private.h"

#include <stdio.h>
#include <string.h>

#include "dw-calendar.h"
#include "dw-roster-rules.h"

#include <libical/ical.h>

#define DAY 86400
#define MAX_SHIFT_SECONDS (16 * 3600)
#define MAX_ABSENCE_SECONDS (366 * DAY)
#define MAX_LIST_SECONDS (62 * DAY)
#define COVERAGE_STEP 1800

typedef struct
{
  gint64      team_id;
  DwCalendar *calendar;
  DwRosterLimits limits;
} Team;

typedef struct
{
  gint64  id;
  gint64  team_id;
  gint64  user_id;
  gint64  starts_at;
  gint64  ends_at;
  gint64  template_id;
  gint64  break_seconds;
  char   *breaks;   /* JSON [[s, e], ...] */
} ShiftRow;

static void
team_clear (Team *team)
{
  g_clear_object (&team->calendar);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Team, team_clear)

static void
shift_row_clear (gpointer data)
{
  g_clear_pointer (&((ShiftRow *) data)->breaks, g_free);
}

static void
set_time (JsonObject *object,
          const char *member,
          gint64      t)
{
  g_autofree char *text = dw_time_to_iso8601 (t);

  json_object_set_string_member (object, member, text);
}

/* Who */

static gboolean
can_edit_team (DwPrincipal *actor,
               gint64       team_id,
               GError     **error)
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
static gboolean
can_read (DwPrincipal *actor,
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

static gboolean
load_team (DwDesk  *self,
           gint64   team_id,
           Team    *team,
           GError **error)
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
static gboolean
parse_date (Team        *team,
            const char  *member,
            const char  *text,
            gint64      *out,
            GError     **error)
{
  if (!dw_roster_parse_date (team->limits.time_zone, text, out))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "%s: expected a date YYYY-MM-DD, got \"%s\"", member, text ? text : "");
      return FALSE;
    }
  return TRUE;
}

static char *
format_date (Team   *team,
             gint64  at)
{
  return dw_roster_format_date (team->limits.time_zone, at);
}

static gboolean
parse_week (Team        *team,
            const char  *text,
            gint64      *out,
            GError     **error)
{
  if (!parse_date (team, "week", text, out, error))
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
static const char *
day_kind (Team   *team,
          gint64  midnight)
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
  sqlite3_bind_int64 (any, 3, week_start + 7 * DAY + 2 * 3600);
  return sqlite3_step (any) == SQLITE_ROW ? "published" : "draft";
}

/* The first write to a week records the state it had (a roster from before weeks had states
 * stays published). */
static gboolean
touch_week (DwDesk  *self,
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

#define SHIFT_COLUMNS "id, team_id, user_id, starts_at, ends_at, coalesce (template_id, 0), " \
                      "break_seconds, breaks"

static void
shift_from_row (sqlite3_stmt *stmt,
                ShiftRow     *row)
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
load_shift (DwDesk   *self,
            gint64    shift_id,
            ShiftRow *row,
            GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (self->db,
    "SELECT " SHIFT_COLUMNS " FROM shifts WHERE id = ?", error);

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
load_neighbours (DwDesk     *self,
                 Team       *team,
                 gint64      user_id,
                 gint64      at,
                 GArray    **shifts_out,
                 GArray    **absences_out,
                 GError    **error)
{
  gint64 from = dw_roster_week_start (team->limits.time_zone, at) - 2 * DAY;
  gint64 to = from + 11 * DAY;
  g_autoptr(sqlite3_stmt) shifts = dw_store_prepare (self->db,
    "SELECT id, user_id, starts_at, ends_at, break_seconds FROM shifts "
    "WHERE user_id = ? AND ends_at > ? AND starts_at < ?", error);
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

static JsonObject *
violation_json (const DwRosterViolation *v,
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
  set_time (object, "from", v->from);
  set_time (object, "to", v->to);
  return object;
}

static GArray *
check_row (DwDesk         *self,
           Team           *team,
           const ShiftRow *row,
           GError        **error)
{
  g_autoptr(GArray) shifts = NULL;
  g_autoptr(GArray) absences = NULL;
  DwShiftSpan span = { row->id, row->user_id, row->starts_at, row->ends_at, row->break_seconds };

  if (!load_neighbours (self, team, row->user_id, row->starts_at, &shifts, &absences, error))
    return NULL;

  return dw_roster_check_shift (&span, (DwShiftSpan *) shifts->data, shifts->len,
                                (DwAbsenceSpan *) absences->data, absences->len, &team->limits);
}

static JsonObject *
shift_json (DwDesk         *self,
            Team           *team,
            const ShiftRow *row,
            GError        **error)
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

          set_time (b, "starts_at", json_array_get_int_element (pair, 0));
          set_time (b, "ends_at", json_array_get_int_element (pair, 1));
          json_array_add_object_element (breaks, b);
        }
    }

  violations = check_row (self, team, row, error);
  if (violations == NULL)
    return NULL;
  for (guint i = 0; i < violations->len; i++)
    json_array_add_object_element (warnings,
      violation_json (&g_array_index (violations, DwRosterViolation, i), 0));

  week = format_date (team, week_start);
  json_object_set_int_member (object, "id", row->id);
  json_object_set_int_member (object, "team_id", row->team_id);
  json_object_set_int_member (object, "user_id", row->user_id);
  set_time (object, "starts_at", row->starts_at);
  set_time (object, "ends_at", row->ends_at);
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
  json_object_set_boolean_member (object, "holiday", g_str_equal (day_kind (team, day), "holiday"));
  json_object_set_array_member (object, "warnings", g_steal_pointer (&warnings));
  return g_steal_pointer (&object);
}

/* Shifts: writing */

static gboolean
roster_rule_error (GArray  *violations,
                   GError **error)
{
  for (guint i = 0; i < violations->len; i++)
    {
      const DwRosterViolation *v = &g_array_index (violations, DwRosterViolation, i);
      g_autofree char *from = dw_time_to_iso8601 (v->from);
      g_autofree char *to = dw_time_to_iso8601 (v->to);

      if (!v->hard)
        continue;

      if (v->rule == DW_ROSTER_RULE_OVERLAP)
        g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_ROSTER_RULE,
                     "overlap: the agent already works shift %" G_GINT64_FORMAT
                     " from %s to %s", v->other_id, from, to);
      else
        g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_ROSTER_RULE,
                     "absence: the agent is absent (absence %" G_GINT64_FORMAT
                     ") from %s to %s", v->other_id, from, to);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_member_of (DwDesk  *self,
                 gint64   user_id,
                 gint64   team_id,
                 GError **error)
{
  if (!dw_desk_row_exists (self, "users", user_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "user_id: there is no user %" G_GINT64_FORMAT, user_id);
      return FALSE;
    }
  if (!dw_desk_user_in_team (self, user_id, team_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "user_id: user %" G_GINT64_FORMAT " is not in team %" G_GINT64_FORMAT,
                   user_id, team_id);
      return FALSE;
    }
  return TRUE;
}

/* Shift times: ordered, at most 16 hours, within the years a desk can mean. */
static gboolean
check_span (const char *what,
            gint64      starts_at,
            gint64      ends_at,
            gint64      max_seconds,
            GError    **error)
{
  /* 2000-01-01 to 2100-01-01 */
  if (starts_at < 946684800 || ends_at > 4102444800)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "starts_at: %s times must lie between 2000 and 2100", what);
      return FALSE;
    }
  if (ends_at <= starts_at)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "ends_at: a %s must end after it starts", what);
      return FALSE;
    }
  if (ends_at - starts_at > max_seconds)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "ends_at: a %s lasts at most %" G_GINT64_FORMAT " hours", what,
                   max_seconds / 3600);
      return FALSE;
    }
  return TRUE;
}

/* breaks: [{starts_at, ends_at}] inside the shift, in order, not overlapping; stored as
 * [[s, e], …] in *stored, their length added up in *seconds. */
static gboolean
read_breaks (JsonArray  *breaks,
             gint64      starts_at,
             gint64      ends_at,
             char      **stored,
             gint64     *seconds,
             GError    **error)
{
  static const char * const members[] = { "starts_at", "ends_at", NULL };
  g_autoptr(JsonArray) pairs = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  gint64 last_end = starts_at;

  *seconds = 0;
  if (json_array_get_length (breaks) > 6)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "breaks: at most 6 breaks in a shift");
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (breaks); i++)
    {
      JsonNode *element = json_array_get_element (breaks, i);
      JsonObject *b;
      JsonArray *pair;
      gint64 s = 0, e = 0;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                       "breaks[%u]: expected an object, got %s", i,
                       dw_json_node_describe (element));
          return FALSE;
        }
      b = json_node_get_object (element);
      if (!dw_json_check_members (b, members, error)
          || !dw_json_get_time (b, "starts_at", DW_JSON_REQUIRED, &s, error)
          || !dw_json_get_time (b, "ends_at", DW_JSON_REQUIRED, &e, error))
        {
          dw_json_prefix_error (error, "breaks[%u].", i);
          return FALSE;
        }
      if (s < last_end || e <= s || e > ends_at)
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                       "breaks[%u]: breaks lie inside the shift, in order, without overlap", i);
          return FALSE;
        }
      last_end = e;
      *seconds += e - s;
      pair = json_array_new ();
      json_array_add_int_element (pair, s);
      json_array_add_int_element (pair, e);
      json_array_add_array_element (pairs, pair);
    }

  json_node_set_array (node, pairs);
  *stored = dw_store_json_to_string (node);
  return TRUE;
}

typedef struct
{
  gint64  start_minute;
  gint64  end_minute;
  char   *breaks;       /* JSON [{"start_minute", "minutes"}] */
  gint64  team_id;
} Template;

static gboolean
load_template (DwDesk   *self,
               gint64    template_id,
               Template *out,
               GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (self->db,
    "SELECT team_id, start_minute, end_minute, breaks FROM shift_templates WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, template_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "template_id: there is no shift template %" G_GINT64_FORMAT, template_id);
      return FALSE;
    }
  out->team_id = sqlite3_column_int64 (stmt, 0);
  out->start_minute = sqlite3_column_int64 (stmt, 1);
  out->end_minute = sqlite3_column_int64 (stmt, 2);
  out->breaks = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  return TRUE;
}

/* Local wall-clock minutes after a day's midnight, as an instant (right across a DST change,
 * which Asia/Shanghai does not have but other desks' zones may). */
static gint64
at_minute (Team   *team,
           gint64  midnight,
           gint64  minute)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (midnight);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, team->limits.time_zone);
  g_autoptr(GDateTime) day = g_date_time_add_days (local, (int) (minute / 1440));
  g_autoptr(GDateTime) then = g_date_time_new (team->limits.time_zone,
                                               g_date_time_get_year (day),
                                               g_date_time_get_month (day),
                                               g_date_time_get_day_of_month (day),
                                               (int) (minute % 1440) / 60, (int) (minute % 60), 0);

  return g_date_time_to_unix (then);
}

/* The template's times on a date, and its breaks as a shift's breaks array. */
static JsonArray *
template_on (Team           *team,
             const Template *template,
             gint64          midnight,
             gint64         *starts_at,
             gint64         *ends_at)
{
  JsonArray *breaks = json_array_new ();
  g_autoptr(JsonNode) stored = json_from_string (template->breaks, NULL);

  *starts_at = at_minute (team, midnight, template->start_minute);
  *ends_at = at_minute (team, midnight, template->end_minute);

  if (stored != NULL && JSON_NODE_HOLDS_ARRAY (stored))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (stored)); i++)
      {
        JsonObject *b = json_array_get_object_element (json_node_get_array (stored), i);
        gint64 m = json_object_get_int_member (b, "start_minute");
        JsonObject *out = json_object_new ();

        /* a break before the start hour belongs to the next day (a night shift's) */
        if (m < template->start_minute)
          m += 1440;
        set_time (out, "starts_at", at_minute (team, midnight, m));
        set_time (out, "ends_at",
                  at_minute (team, midnight, m + json_object_get_int_member (b, "minutes")));
        json_array_add_object_element (breaks, out);
      }
  return breaks;
}

/* The audited view of a shift: what a lead changes. */
static JsonObject *
shift_audit_view (const ShiftRow *row)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "user_id", row->user_id);
  set_time (object, "starts_at", row->starts_at);
  set_time (object, "ends_at", row->ends_at);
  json_object_set_string_member (object, "breaks", row->breaks);
  return object;
}

static JsonObject *
write_shift_locked (DwDesk       *self,
                    DwPrincipal  *actor,
                    gint64        shift_id,   /* 0: create */
                    JsonObject   *fields,
                    GError      **error)
{
  static const char * const create_members[] = {
    "team_id", "user_id", "starts_at", "ends_at", "template_id", "date", "breaks", NULL
  };
  static const char * const update_members[] = {
    "user_id", "starts_at", "ends_at", "breaks", NULL
  };
  static const char * const audited[] = { "user_id", "starts_at", "ends_at", "breaks", NULL };
  g_auto(Team) team = { 0 };
  g_autoptr(GArray) violations = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonArray) template_breaks = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *date = NULL;
  ShiftRow before = { 0 };
  ShiftRow row = { 0 };
  JsonArray *breaks = NULL;
  gboolean creating = shift_id == 0;
  gboolean ok = FALSE;

  if (!dw_json_check_members (fields, creating ? create_members : update_members, error))
    return NULL;

  if (creating)
    {
      if (!dw_json_get_int64 (fields, "team_id", DW_JSON_REQUIRED | DW_JSON_POSITIVE,
                              &row.team_id, error)
          || !dw_json_get_int64 (fields, "user_id", DW_JSON_REQUIRED | DW_JSON_POSITIVE,
                                 &row.user_id, error))
        return NULL;
    }
  else
    {
      if (!load_shift (self, shift_id, &before, error))
        return NULL;
      row = before;
      row.breaks = g_strdup (before.breaks);
      if (!dw_json_get_int64 (fields, "user_id", DW_JSON_POSITIVE, &row.user_id, error))
        goto out;
    }

  if (!can_edit_team (actor, row.team_id, error) || !load_team (self, row.team_id, &team, error))
    goto out;

  if (creating && json_object_has_member (fields, "template_id"))
    {
      Template template = { 0 };
      gint64 midnight;

      if (json_object_has_member (fields, "starts_at") || json_object_has_member (fields, "ends_at"))
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                       "template_id: give either template_id and date, or starts_at and ends_at");
          goto out;
        }
      if (!dw_json_get_int64 (fields, "template_id", DW_JSON_REQUIRED | DW_JSON_POSITIVE,
                              &row.template_id, error)
          || !dw_json_get_string (fields, "date", DW_JSON_REQUIRED, &date, error)
          || !parse_date (&team, "date", date, &midnight, error)
          || !load_template (self, row.template_id, &template, error))
        goto out;
      if (template.team_id != row.team_id)
        {
          g_free (template.breaks);
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                       "template_id: template %" G_GINT64_FORMAT " is another team's",
                       row.template_id);
          goto out;
        }
      template_breaks = template_on (&team, &template, midnight, &row.starts_at, &row.ends_at);
      g_free (template.breaks);
      breaks = template_breaks;
    }
  else
    {
      if (creating && json_object_has_member (fields, "date"))
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                       "date: only with template_id");
          goto out;
        }
      if (!dw_json_get_time (fields, "starts_at", creating ? DW_JSON_REQUIRED : 0,
                             &row.starts_at, error)
          || !dw_json_get_time (fields, "ends_at", creating ? DW_JSON_REQUIRED : 0,
                                &row.ends_at, error))
        goto out;
    }

  if (!dw_json_get_array (fields, "breaks", DW_JSON_NULLABLE, &breaks, error)
      || !check_span ("shift", row.starts_at, row.ends_at, MAX_SHIFT_SECONDS, error)
      || !check_member_of (self, row.user_id, row.team_id, error))
    goto out;

  if (breaks != NULL || creating)
    {
      g_autoptr(JsonArray) none = json_array_new ();

      g_clear_pointer (&row.breaks, g_free);
      if (!read_breaks (breaks != NULL ? breaks : none, row.starts_at, row.ends_at, &row.breaks,
                        &row.break_seconds, error))
        goto out;
    }
  else if (row.starts_at > before.starts_at || row.ends_at < before.ends_at)
    {
      /* moved or shortened without new breaks: the old ones must still fit */
      g_autoptr(JsonNode) old = json_from_string (before.breaks, NULL);

      for (guint i = 0; old != NULL && i < json_array_get_length (json_node_get_array (old)); i++)
        {
          JsonArray *pair = json_array_get_array_element (json_node_get_array (old), i);

          if (json_array_get_int_element (pair, 0) < row.starts_at
              || json_array_get_int_element (pair, 1) > row.ends_at)
            {
              g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                           "breaks: the shift's breaks no longer fit inside it; give new ones");
              goto out;
            }
        }
    }

  violations = check_row (self, &team, &row, error);
  if (violations == NULL || !roster_rule_error (violations, error))
    goto out;

  /* before the write: a week's first write keeps the state the week had */
  if (!touch_week (self, row.team_id, dw_roster_week_start (team.limits.time_zone, row.starts_at),
                   error)
      || (!creating
          && !touch_week (self, row.team_id,
                          dw_roster_week_start (team.limits.time_zone, before.starts_at), error)))
    goto out;

  if (creating)
    stmt = dw_store_prepare (self->db,
                             "INSERT INTO shifts (user_id, team_id, starts_at, ends_at, "
                             "template_id, breaks, break_seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                             error);
  else
    stmt = dw_store_prepare (self->db,
                             "UPDATE shifts SET user_id = ?1, starts_at = ?3, ends_at = ?4, "
                             "breaks = ?6, break_seconds = ?7, "
                             "template_id = CASE WHEN ?3 = starts_at AND ?4 = ends_at "
                             "THEN template_id END WHERE id = ?8", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, row.user_id);
  sqlite3_bind_int64 (stmt, 2, row.team_id);
  sqlite3_bind_int64 (stmt, 3, row.starts_at);
  sqlite3_bind_int64 (stmt, 4, row.ends_at);
  dw_store_bind_id_or_null (stmt, 5, row.template_id);
  sqlite3_bind_text (stmt, 6, row.breaks, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, row.break_seconds);
  sqlite3_bind_int64 (stmt, 8, shift_id);
  if (!dw_store_step_done (stmt, error))
    goto out;

  if (creating)
    row.id = sqlite3_last_insert_rowid (self->db);
  g_clear_pointer (&row.breaks, g_free);
  if (!load_shift (self, creating ? row.id : shift_id, &row, error))
    goto out;

  if (creating)
    {
      if (!dw_desk_audit (self, actor, "shift", row.id, "created", NULL, NULL, NULL, NULL, error))
        goto out;
    }
  else
    {
      g_autoptr(JsonObject) a = shift_audit_view (&before);
      g_autoptr(JsonObject) b = shift_audit_view (&row);

      if (!dw_desk_audit_diff (self, actor, "shift", row.id, a, b, audited, NULL, error))
        goto out;
    }

  result = shift_json (self, &team, &row, error);
  if (result == NULL
      || !dw_desk_emit (self, creating ? "shift.created" : "shift.updated", row.team_id,
                        row.user_id, result, error))
    goto out;

  /* the agent the shift was taken from hears that it is gone */
  if (!creating && before.user_id != row.user_id)
    {
      g_autoptr(JsonObject) gone = json_object_new ();

      json_object_set_int_member (gone, "id", row.id);
      json_object_set_int_member (gone, "team_id", row.team_id);
      json_object_set_int_member (gone, "user_id", before.user_id);
      if (!dw_desk_emit (self, "shift.deleted", 0, before.user_id, gone, error))
        goto out;
    }

  ok = TRUE;

out:
  shift_row_clear (&before);
  shift_row_clear (&row);
  return ok ? g_steal_pointer (&result) : NULL;
}

JsonObject *
dw_desk_create_shift (DwDesk       *self,
                      DwPrincipal  *actor,
                      JsonObject   *fields,
                      GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_desk_begin (self, error))
    return NULL;
  return dw_desk_finish (self, write_shift_locked (self, actor, 0, fields, error), error);
}

JsonObject *
dw_desk_update_shift (DwDesk       *self,
                      DwPrincipal  *actor,
                      gint64        shift_id,
                      JsonObject   *changes,
                      GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (shift_id <= 0)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no shift %" G_GINT64_FORMAT, shift_id);
      return NULL;
    }
  if (!dw_desk_begin (self, error))
    return NULL;
  return dw_desk_finish (self, write_shift_locked (self, actor, shift_id, changes, error), error);
}

static JsonObject *
delete_shift_locked (DwDesk       *self,
                     DwPrincipal  *actor,
                     gint64        shift_id,
                     GError      **error)
{
  g_auto(Team) team = { 0 };
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  ShiftRow row = { 0 };
  gboolean ok = FALSE;

  if (!load_shift (self, shift_id, &row, error))
    return NULL;

  if (!can_read (actor, row.team_id, row.user_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no shift %" G_GINT64_FORMAT, shift_id);
      goto out;
    }

  if (!can_edit_team (actor, row.team_id, error)
      || !load_team (self, row.team_id, &team, error)
      || !touch_week (self, row.team_id,
                      dw_roster_week_start (team.limits.time_zone, row.starts_at), error))
    goto out;

  stmt = dw_store_prepare (self->db, "DELETE FROM shifts WHERE id = ?", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, shift_id);
  if (!dw_store_step_done (stmt, error))
    goto out;

  result = json_object_new ();
  json_object_set_int_member (result, "id", row.id);
  json_object_set_int_member (result, "team_id", row.team_id);
  json_object_set_int_member (result, "user_id", row.user_id);
  set_time (result, "starts_at", row.starts_at);
  set_time (result, "ends_at", row.ends_at);

  {
    g_autoptr(JsonObject) view = shift_audit_view (&row);
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), view);

    if (!dw_desk_audit (self, actor, "shift", row.id, "deleted", NULL, node, NULL, NULL, error)
        || !dw_desk_emit (self, "shift.deleted", row.team_id, row.user_id, result, error))
      goto out;
  }
  ok = TRUE;

out:
  shift_row_clear (&row);
  return ok ? g_steal_pointer (&result) : NULL;
}

JsonObject *
dw_desk_delete_shift (DwDesk       *self,
                      DwPrincipal  *actor,
                      gint64        shift_id,
                      GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_desk_begin (self, error))
    return NULL;
  return dw_desk_finish (self, delete_shift_locked (self, actor, shift_id, error), error);
}

JsonObject *
dw_desk_get_shift (DwDesk       *self,
                   DwPrincipal  *actor,
                   gint64        shift_id,
                   GError      **error)
{
  g_auto(Team) team = { 0 };
  ShiftRow row = { 0 };
  JsonObject *result = NULL;

  if (!load_shift (self, shift_id, &row, error))
    return NULL;

  if (!can_read (actor, row.team_id, row.user_id))
    g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                 "no shift %" G_GINT64_FORMAT, shift_id);
  else if (load_team (self, row.team_id, &team, error))
    result = shift_json (self, &team, &row, error);

  shift_row_clear (&row);
  return result;
}

static gboolean
check_window (gint64   from,
              gint64   to,
              GError **error)
{
  if (to <= from || to - from > MAX_LIST_SECONDS)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "to: must be later than from, and at most 62 days after it");
      return FALSE;
    }
  return TRUE;
}

/* Rows of shifts overlapping [from, to) that @actor may read, by team and/or user. */
static GArray *
select_shifts (DwDesk       *self,
               DwPrincipal  *actor,
               gint64        team_id,
               gint64        user_id,
               gint64        from,
               gint64        to,
               GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (self->db,
    "SELECT " SHIFT_COLUMNS " FROM shifts WHERE ends_at > ?1 AND starts_at < ?2 "
    "AND (?3 = 0 OR team_id = ?3) AND (?4 = 0 OR user_id = ?4) "
    "ORDER BY user_id, starts_at", error);
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (ShiftRow));

  g_array_set_clear_func (rows, shift_row_clear);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  sqlite3_bind_int64 (stmt, 3, team_id);
  sqlite3_bind_int64 (stmt, 4, user_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      ShiftRow row = { 0 };

      shift_from_row (stmt, &row);
      if (can_read (actor, row.team_id, row.user_id))
        g_array_append_val (rows, row);
      else
        shift_row_clear (&row);
    }
  return g_steal_pointer (&rows);
}

JsonArray *
dw_desk_list_shifts (DwDesk       *self,
                     DwPrincipal  *actor,
                     gint64        team_id,
                     gint64        user_id,
                     gint64        from,
                     gint64        to,
                     GError      **error)
{
  g_autoptr(GArray) rows = NULL;
  g_autoptr(JsonArray) items = json_array_new ();

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!check_window (from, to, error))
    return NULL;
  rows = select_shifts (self, actor, team_id, user_id, from, to, error);
  if (rows == NULL)
    return NULL;

  for (guint i = 0; i < rows->len; i++)
    {
      ShiftRow *row = &g_array_index (rows, ShiftRow, i);
      g_auto(Team) team = { 0 };
      JsonObject *object;

      if (!load_team (self, row->team_id, &team, error))
        return NULL;
      object = shift_json (self, &team, row, error);
      if (object == NULL)
        return NULL;
      json_array_add_object_element (items, object);
    }
  return g_steal_pointer (&items);
}

/* Absences */

static const char * const absence_kinds[] = { "leave", "sick", "training", NULL };

#define ABSENCE_COLUMNS "id, user_id, kind, starts_at, ends_at, note"

static JsonObject *
absence_json (sqlite3_stmt *stmt)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", sqlite3_column_int64 (stmt, 0));
  json_object_set_int_member (object, "user_id", sqlite3_column_int64 (stmt, 1));
  json_object_set_string_member (object, "kind", (const char *) sqlite3_column_text (stmt, 2));
  set_time (object, "starts_at", sqlite3_column_int64 (stmt, 3));
  set_time (object, "ends_at", sqlite3_column_int64 (stmt, 4));
  json_object_set_string_member (object, "note", (const char *) sqlite3_column_text (stmt, 5));
  return object;
}

/* The agent's absences are read by itself, the leads of its teams and admins, and written by
 * the latter two. */
static gboolean
leads_user (DwDesk      *self,
            DwPrincipal *actor,
            gint64       user_id)
{
  if (actor == NULL || actor->role == DW_ROLE_ADMIN)
    return TRUE;
  if (actor->role != DW_ROLE_LEAD)
    return FALSE;
  for (guint i = 0; i < actor->lead_team_ids->len; i++)
    if (dw_desk_user_in_team (self, user_id, g_array_index (actor->lead_team_ids, gint64, i)))
      return TRUE;
  return FALSE;
}

static gint64
first_team_of (DwDesk *self,
               gint64  user_id)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (self->db,
    "SELECT team_id FROM team_members WHERE user_id = ? ORDER BY team_id LIMIT 1", NULL);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, user_id);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

static JsonObject *
create_absence_locked (DwDesk       *self,
                       DwPrincipal  *actor,
                       JsonObject   *fields,
                       GError      **error)
{
  static const char * const members[] = {
    "user_id", "kind", "starts_at", "ends_at", "note", NULL
  };
  g_autofree char *kind = NULL;
  g_autofree char *note = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(sqlite3_stmt) read = NULL;
  g_autoptr(sqlite3_stmt) clashes = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonArray) clashing = json_array_new ();
  gint64 user_id = 0, starts_at = 0, ends_at = 0, id;

  if (!dw_json_check_members (fields, members, error)
      || !dw_json_get_int64 (fields, "user_id", DW_JSON_REQUIRED | DW_JSON_POSITIVE, &user_id,
                             error)
      || !dw_json_get_string (fields, "kind", DW_JSON_REQUIRED, &kind, error)
      || !dw_json_get_time (fields, "starts_at", DW_JSON_REQUIRED, &starts_at, error)
      || !dw_json_get_time (fields, "ends_at", DW_JSON_REQUIRED, &ends_at, error)
      || !dw_json_get_string (fields, "note", DW_JSON_NULLABLE, &note, error))
    return NULL;

  if (!g_strv_contains (absence_kinds, kind))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "kind: \"%s\" is not one of leave, sick, training", kind);
      return NULL;
    }
  if (note != NULL && g_utf8_strlen (note, -1) > 500)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "note: at most 500 characters");
      return NULL;
    }
  if (!check_span ("absence", starts_at, ends_at, MAX_ABSENCE_SECONDS, error))
    return NULL;
  if (!dw_desk_row_exists (self, "users", user_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "user_id: there is no user %" G_GINT64_FORMAT, user_id);
      return NULL;
    }
  if (!leads_user (self, actor, user_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                   "only a lead of the agent's team or an admin may record its absence");
      return NULL;
    }

  insert = dw_store_prepare (self->db,
                             "INSERT INTO absences (user_id, kind, starts_at, ends_at, note, "
                             "created_at) VALUES (?, ?, ?, ?, ?, ?)", error);
  read = dw_store_prepare (self->db, "SELECT " ABSENCE_COLUMNS " FROM absences WHERE id = ?",
                           error);
  clashes = dw_store_prepare (self->db,
                              "SELECT id FROM shifts WHERE user_id = ? AND ends_at > ? "
                              "AND starts_at < ? ORDER BY starts_at", error);
  if (insert == NULL || read == NULL || clashes == NULL)
    return NULL;

  sqlite3_bind_int64 (insert, 1, user_id);
  sqlite3_bind_text (insert, 2, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 3, starts_at);
  sqlite3_bind_int64 (insert, 4, ends_at);
  sqlite3_bind_text (insert, 5, note != NULL ? note : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 6, dw_clock_now (self->clock));
  if (!dw_store_step_done (insert, error))
    return NULL;
  id = sqlite3_last_insert_rowid (self->db);

  sqlite3_bind_int64 (read, 1, id);
  if (sqlite3_step (read) != SQLITE_ROW)
    {
      dw_store_set_error (error, self->db, SQLITE_ERROR);
      return NULL;
    }
  result = absence_json (read);

  /* Shifts already rostered in the absence stay, flagged: the planner moves them. */
  sqlite3_bind_int64 (clashes, 1, user_id);
  sqlite3_bind_int64 (clashes, 2, starts_at);
  sqlite3_bind_int64 (clashes, 3, ends_at);
  while (sqlite3_step (clashes) == SQLITE_ROW)
    json_array_add_int_element (clashing, sqlite3_column_int64 (clashes, 0));
  json_object_set_array_member (result, "clashing_shift_ids", g_steal_pointer (&clashing));

  if (!dw_desk_audit (self, actor, "absence", id, "created", NULL, NULL, NULL, NULL, error)
      || !dw_desk_emit (self, "absence.created", first_team_of (self, user_id), user_id, result,
                        error))
    return NULL;

  return g_steal_pointer (&result);
}

JsonObject *
dw_desk_create_absence (DwDesk       *self,
                        DwPrincipal  *actor,
                        JsonObject   *fields,
                        GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_desk_begin (self, error))
    return NULL;
  return dw_desk_finish (self, create_absence_locked (self, actor, fields, error), error);
}

static JsonObject *
delete_absence_locked (DwDesk       *self,
                       DwPrincipal  *actor,
                       gint64        absence_id,
                       GError      **error)
{
  g_autoptr(sqlite3_stmt) read = dw_store_prepare (self->db,
    "SELECT " ABSENCE_COLUMNS " FROM absences WHERE id = ?", error);
  g_autoptr(sqlite3_stmt) drop = dw_store_prepare (self->db,
    "DELETE FROM absences WHERE id = ?", error);
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 user_id;

  if (read == NULL || drop == NULL)
    return NULL;

  sqlite3_bind_int64 (read, 1, absence_id);
  if (sqlite3_step (read) != SQLITE_ROW
      || !(leads_user (self, actor, sqlite3_column_int64 (read, 1))
           || (actor != NULL && actor->user_id == sqlite3_column_int64 (read, 1))))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no absence %" G_GINT64_FORMAT, absence_id);
      return NULL;
    }
  user_id = sqlite3_column_int64 (read, 1);
  result = absence_json (read);

  if (!leads_user (self, actor, user_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                   "only a lead of the agent's team or an admin may remove its absence");
      return NULL;
    }

  sqlite3_bind_int64 (drop, 1, absence_id);
  if (!dw_store_step_done (drop, error))
    return NULL;

  node = json_node_init_object (json_node_alloc (), result);
  if (!dw_desk_audit (self, actor, "absence", absence_id, "deleted", NULL, node, NULL, NULL, error)
      || !dw_desk_emit (self, "absence.deleted", first_team_of (self, user_id), user_id, result,
                        error))
    return NULL;
  return g_steal_pointer (&result);
}

JsonObject *
dw_desk_delete_absence (DwDesk       *self,
                        DwPrincipal  *actor,
                        gint64        absence_id,
                        GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_desk_begin (self, error))
    return NULL;
  return dw_desk_finish (self, delete_absence_locked (self, actor, absence_id, error), error);
}

JsonArray *
dw_desk_list_absences (DwDesk       *self,
                       DwPrincipal  *actor,
                       gint64        team_id,
                       gint64        user_id,
                       gint64        from,
                       gint64        to,
                       GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonArray) items = json_array_new ();

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (to <= from || to - from > MAX_ABSENCE_SECONDS)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "to: must be later than from, and at most 366 days after it");
      return NULL;
    }

  stmt = dw_store_prepare (self->db,
                           "SELECT " ABSENCE_COLUMNS " FROM absences a "
                           "WHERE ends_at > ?1 AND starts_at < ?2 AND (?3 = 0 OR user_id = ?3) "
                           "AND (?4 = 0 OR EXISTS (SELECT 1 FROM team_members m "
                           "WHERE m.user_id = a.user_id AND m.team_id = ?4)) "
                           "ORDER BY starts_at, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  sqlite3_bind_int64 (stmt, 3, user_id);
  sqlite3_bind_int64 (stmt, 4, team_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 owner = sqlite3_column_int64 (stmt, 1);

      if ((actor != NULL && actor->user_id == owner) || leads_user (self, actor, owner))
        json_array_add_object_element (items, absence_json (stmt));
    }
  return g_steal_pointer (&items);
}

/* Weeks */

static JsonArray *
week_days (Team   *team,
           gint64  week_start)
{
  JsonArray *days = json_array_new ();

  for (int d = 0; d < 7; d++)
    {
      gint64 midnight = dw_roster_day_start (team->limits.time_zone, week_start + d * DAY + 12 * 3600);
      gint64 next = dw_roster_day_start (team->limits.time_zone, midnight + 36 * 3600);
      g_autofree char *date = format_date (team, midnight);
      JsonObject *day = json_object_new ();

      json_object_set_string_member (day, "date", date);
      json_object_set_string_member (day, "kind", day_kind (team, midnight));
      json_object_set_int_member (day, "open_minutes",
        dw_calendar_business_seconds_between (team->calendar, midnight, next) / 60);
      json_array_add_object_element (days, day);
    }
  return days;
}

/* Each shift less its breaks, with its agent's skills, for the coverage check. */
static gboolean
coverage_gaps (DwDesk  *self,
               Team    *team,
               GArray  *rows,
               gint64   from,
               gint64   to,
               JsonArray *warnings,
               GError **error)
{
  g_autoptr(sqlite3_stmt) types = dw_store_prepare (self->db,
    "SELECT key, coalesce (skill, '') FROM business_types WHERE team_id = ? ORDER BY key", error);
  g_autoptr(sqlite3_stmt) skills = dw_store_prepare (self->db,
    "SELECT skill FROM user_skills WHERE user_id = ? ORDER BY skill", error);
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) vectors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GArray) needs = g_array_new (FALSE, FALSE, sizeof (DwRosterNeed));
  g_autoptr(GArray) covers = g_array_new (FALSE, FALSE, sizeof (DwRosterCover));
  g_autoptr(GArray) gaps = NULL;

  if (types == NULL || skills == NULL)
    return FALSE;

  sqlite3_bind_int64 (types, 1, team->team_id);
  while (sqlite3_step (types) == SQLITE_ROW)
    {
      DwRosterNeed need;
      char *key = g_strdup ((const char *) sqlite3_column_text (types, 0));
      char *skill = g_strdup ((const char *) sqlite3_column_text (types, 1));

      g_ptr_array_add (strings, key);
      g_ptr_array_add (strings, skill);
      need.business_type = key;
      need.skill = skill;
      g_array_append_val (needs, need);
    }

  for (guint i = 0; i < rows->len; i++)
    {
      ShiftRow *row = &g_array_index (rows, ShiftRow, i);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_autoptr(JsonNode) stored = json_from_string (row->breaks, NULL);
      GStrv owned;
      gint64 start = row->starts_at;

      sqlite3_reset (skills);
      sqlite3_bind_int64 (skills, 1, row->user_id);
      while (sqlite3_step (skills) == SQLITE_ROW)
        g_strv_builder_add (builder, (const char *) sqlite3_column_text (skills, 0));
      owned = g_strv_builder_end (builder);
      g_ptr_array_add (vectors, owned);

      for (guint b = 0; stored != NULL && b <= json_array_get_length (json_node_get_array (stored)); b++)
        {
          JsonArray *pairs = json_node_get_array (stored);
          gint64 end = b < json_array_get_length (pairs)
                       ? json_array_get_int_element (json_array_get_array_element (pairs, b), 0)
                       : row->ends_at;
          DwRosterCover cover = { start, end, (const char * const *) owned };

          if (end > start)
            g_array_append_val (covers, cover);
          if (b < json_array_get_length (pairs))
            start = json_array_get_int_element (json_array_get_array_element (pairs, b), 1);
        }
    }

  gaps = dw_roster_coverage_gaps ((DwRosterNeed *) needs->data, needs->len,
                                  (DwRosterCover *) covers->data, covers->len, team->calendar,
                                  from, to, COVERAGE_STEP);
  for (guint i = 0; i < gaps->len; i++)
    json_array_add_object_element (warnings,
      violation_json (&g_array_index (gaps, DwRosterViolation, i), 0));
  return TRUE;
}

static JsonObject *
roster_week_json (DwDesk       *self,
                  DwPrincipal  *actor,
                  Team         *team,
                  gint64        week_start,
                  GError      **error)
{
  gint64 week_end = dw_roster_week_start (team->limits.time_zone, week_start + 8 * DAY);
  g_autoptr(JsonObject) week = json_object_new ();
  g_autoptr(JsonArray) shifts = json_array_new ();
  g_autoptr(JsonArray) warnings = json_array_new ();
  g_autoptr(JsonArray) holiday_ids = json_array_new ();
  g_autoptr(JsonArray) agents = json_array_new ();
  g_autoptr(JsonArray) absences = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GHashTable) worked = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                        g_free);
  g_autoptr(sqlite3_stmt) members = NULL;
  g_autofree char *week_text = format_date (team, week_start);
  gint64 published_at = 0;
  gint64 holiday_minutes = 0;
  const char *state;

  /* shifts starting in the week */
  rows = select_shifts (self, actor, team->team_id, 0, week_start, week_end, error);
  if (rows == NULL)
    return NULL;

  for (guint i = 0; i < rows->len; i++)
    {
      ShiftRow *row = &g_array_index (rows, ShiftRow, i);
      JsonObject *object;
      JsonArray *shift_warnings;
      gint64 *minutes;

      if (row->starts_at < week_start)
        continue;
      object = shift_json (self, team, row, error);
      if (object == NULL)
        return NULL;

      shift_warnings = json_object_get_array_member (object, "warnings");
      for (guint w = 0; w < json_array_get_length (shift_warnings); w++)
        {
          JsonObject *copy = json_object_ref (json_array_get_object_element (shift_warnings, w));
          g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), copy);
          JsonObject *with_id = json_node_dup_object (node);

          json_object_unref (copy);
          json_object_set_int_member (with_id, "shift_id", row->id);
          json_array_add_object_element (warnings, with_id);
        }

      if (json_object_get_boolean_member (object, "holiday"))
        {
          json_array_add_int_element (holiday_ids, row->id);
          holiday_minutes += json_object_get_int_member (object, "worked_minutes");
        }

      minutes = g_hash_table_lookup (worked, &row->user_id);
      if (minutes == NULL)
        {
          minutes = g_new0 (gint64, 1);
          g_hash_table_insert (worked, g_memdup2 (&row->user_id, sizeof (gint64)), minutes);
        }
      *minutes += json_object_get_int_member (object, "worked_minutes");
      json_array_add_object_element (shifts, object);
    }

  if (!coverage_gaps (self, team, rows, week_start, week_end, warnings, error))
    return NULL;

  absences = dw_desk_list_absences (self, actor, team->team_id, 0, week_start, week_end, error);
  if (absences == NULL)
    return NULL;

  members = dw_store_prepare (self->db,
                              "SELECT u.id, u.display_name FROM team_members m "
                              "JOIN users u ON u.id = m.user_id WHERE m.team_id = ? "
                              "AND u.disabled = 0 AND u.role = 'agent' ORDER BY u.display_name, u.id",
                              error);
  if (members == NULL)
    return NULL;
  sqlite3_bind_int64 (members, 1, team->team_id);
  while (sqlite3_step (members) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (members, 0);
      gint64 *minutes = g_hash_table_lookup (worked, &id);
      JsonObject *agent = json_object_new ();

      json_object_set_int_member (agent, "user_id", id);
      json_object_set_string_member (agent, "display_name",
                                     (const char *) sqlite3_column_text (members, 1));
      json_object_set_int_member (agent, "worked_minutes", minutes != NULL ? *minutes : 0);
      json_array_add_object_element (agents, agent);
    }

  state = dw_roster_week_state (self->db, team->team_id, week_start, &published_at);
  json_object_set_int_member (week, "team_id", team->team_id);
  json_object_set_string_member (week, "week", week_text);
  json_object_set_string_member (week, "state", state);
  if (published_at > 0)
    set_time (week, "published_at", published_at);
  else
    json_object_set_null_member (week, "published_at");
  json_object_set_int_member (week, "min_rest_minutes", team->limits.min_rest / 60);
  json_object_set_int_member (week, "max_day_minutes", team->limits.max_day / 60);
  json_object_set_int_member (week, "max_week_minutes", team->limits.max_week / 60);
  json_object_set_array_member (week, "days", week_days (team, week_start));
  json_object_set_array_member (week, "agents", g_steal_pointer (&agents));
  json_object_set_array_member (week, "shifts", g_steal_pointer (&shifts));
  json_object_set_array_member (week, "absences", g_steal_pointer (&absences));
  json_object_set_array_member (week, "warnings", g_steal_pointer (&warnings));
  json_object_set_array_member (week, "holiday_shift_ids", g_steal_pointer (&holiday_ids));
  json_object_set_int_member (week, "holiday_worked_minutes", holiday_minutes);
  return g_steal_pointer (&week);
}

JsonObject *
dw_desk_get_roster_week (DwDesk       *self,
                         DwPrincipal  *actor,
                         gint64        team_id,
                         const char   *week,
                         GError      **error)
{
  g_auto(Team) team = { 0 };
  gint64 week_start;

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!load_team (self, team_id, &team, error) || !parse_week (&team, week, &week_start, error))
    return NULL;
  if (!can_read (actor, team_id, 0))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                   "only a lead of team %" G_GINT64_FORMAT " or an admin may read its roster; "
                   "an agent reads its own shifts (GET /shifts)", team_id);
      return NULL;
    }
  return roster_week_json (self, actor, &team, week_start, error);
}

static JsonObject *
publish_locked (DwDesk       *self,
                DwPrincipal  *actor,
                gint64        team_id,
                const char   *week,
                GError      **error)
{
  g_auto(Team) team = { 0 };
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) event = json_object_new ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonNode) week_node = NULL;
  JsonArray *warnings;
  gint64 week_start;
  gint64 now = dw_clock_now (self->clock);

  if (!load_team (self, team_id, &team, error) || !parse_week (&team, week, &week_start, error)
      || !can_edit_team (actor, team_id, error))
    return NULL;

  /* an absence recorded after a shift was rostered: that shift must move first */
  result = roster_week_json (self, actor, &team, week_start, error);
  if (result == NULL)
    return NULL;
  warnings = json_object_get_array_member (result, "warnings");
  for (guint i = 0; i < json_array_get_length (warnings); i++)
    {
      JsonObject *w = json_array_get_object_element (warnings, i);

      if (json_object_get_boolean_member (w, "hard"))
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_ROSTER_RULE,
                       "%s: shift %" G_GINT64_FORMAT " breaks a hard rule; move it before "
                       "publishing", json_object_get_string_member (w, "rule"),
                       json_object_get_int_member (w, "shift_id"));
          return NULL;
        }
    }

  stmt = dw_store_prepare (self->db,
                           "INSERT INTO roster_weeks (team_id, week_start, state, published_at, "
                           "published_by) VALUES (?1, ?2, 'published', ?3, ?4) "
                           "ON CONFLICT (team_id, week_start) DO UPDATE SET state = 'published', "
                           "published_at = ?3, published_by = ?4", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, week_start);
  sqlite3_bind_int64 (stmt, 3, now);
  dw_store_bind_id_or_null (stmt, 4, dw_desk_actor_id (actor));
  if (!dw_store_step_done (stmt, error))
    return NULL;

  json_object_set_string_member (result, "state", "published");
  set_time (result, "published_at", now);

  week_node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (week_node, week);
  json_object_set_int_member (event, "team_id", team_id);
  json_object_set_string_member (event, "week", week);
  set_time (event, "published_at", now);
  json_object_set_int_member (event, "shifts",
    json_array_get_length (json_object_get_array_member (result, "shifts")));
  json_object_set_member (event, "holiday_shift_ids",
    json_node_copy (json_object_get_member (result, "holiday_shift_ids")));

  if (!dw_desk_audit (self, actor, "team", team_id, "roster-published", "week", NULL, week_node,
                      NULL, error)
      || !dw_desk_emit (self, "roster.published", team_id, 0, event, error))
    return NULL;

  return g_steal_pointer (&result);
}

JsonObject *
dw_desk_publish_roster_week (DwDesk       *self,
                             DwPrincipal  *actor,
                             gint64        team_id,
                             const char   *week,
                             GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_desk_begin (self, error))
    return NULL;
  return dw_desk_finish (self, publish_locked (self, actor, team_id, week, error), error);
}

/* Templates */

static char *
format_minute (gint64 minute)
{
  return g_strdup_printf ("%02d:%02d", (int) (minute % 1440) / 60, (int) (minute % 60));
}

static gboolean
parse_minute (const char  *member,
              const char  *text,
              gint64      *out,
              GError     **error)
{
  int h, m;
  char tail;

  if (text == NULL || strlen (text) != 5 || sscanf (text, "%2d:%2d%c", &h, &m, &tail) != 2
      || h < 0 || h > 23 || m < 0 || m > 59)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "%s: expected a time of day HH:MM, got \"%s\"", member, text ? text : "");
      return FALSE;
    }
  *out = h * 60 + m;
  return TRUE;
}

static JsonObject *
template_json (sqlite3_stmt *stmt)
{
  JsonObject *object = json_object_new ();
  g_autofree char *start = format_minute (sqlite3_column_int64 (stmt, 3));
  g_autofree char *end = format_minute (sqlite3_column_int64 (stmt, 4));
  g_autoptr(JsonNode) stored = json_from_string ((const char *) sqlite3_column_text (stmt, 5),
                                                 NULL);
  JsonArray *breaks = json_array_new ();

  for (guint i = 0; stored != NULL && i < json_array_get_length (json_node_get_array (stored)); i++)
    {
      JsonObject *b = json_array_get_object_element (json_node_get_array (stored), i);
      JsonObject *out = json_object_new ();
      g_autofree char *at = format_minute (json_object_get_int_member (b, "start_minute"));

      json_object_set_string_member (out, "start", at);
      json_object_set_int_member (out, "minutes", json_object_get_int_member (b, "minutes"));
      json_array_add_object_element (breaks, out);
    }

  json_object_set_int_member (object, "id", sqlite3_column_int64 (stmt, 0));
  json_object_set_int_member (object, "team_id", sqlite3_column_int64 (stmt, 1));
  json_object_set_string_member (object, "name", (const char *) sqlite3_column_text (stmt, 2));
  json_object_set_string_member (object, "start", start);
  json_object_set_string_member (object, "end", end);
  json_object_set_array_member (object, "breaks", breaks);
  return object;
}

#define TEMPLATE_COLUMNS "id, team_id, name, start_minute, end_minute, breaks"

JsonArray *
dw_desk_list_shift_templates (DwDesk       *self,
                              DwPrincipal  *actor,
                              gint64        team_id,
                              GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonArray) items = json_array_new ();

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_desk_row_exists (self, "teams", team_id)
      || (actor != NULL && actor->role != DW_ROLE_ADMIN && !dw_principal_in_team (actor, team_id)))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no team %" G_GINT64_FORMAT, team_id);
      return NULL;
    }

  stmt = dw_store_prepare (self->db,
                           "SELECT " TEMPLATE_COLUMNS " FROM shift_templates WHERE team_id = ? "
                           "ORDER BY start_minute, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, team_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    json_array_add_object_element (items, template_json (stmt));
  return g_steal_pointer (&items);
}

static JsonObject *
create_template_locked (DwDesk       *self,
                        DwPrincipal  *actor,
                        gint64        team_id,
                        JsonObject   *fields,
                        GError      **error)
{
  static const char * const members[] = { "name", "start", "end", "breaks", NULL };
  static const char * const break_members[] = { "start", "minutes", NULL };
  g_autofree char *name = NULL;
  g_autofree char *start_text = NULL;
  g_autofree char *end_text = NULL;
  g_autofree char *breaks_json = NULL;
  g_autoptr(JsonArray) stored = json_array_new ();
  g_autoptr(JsonNode) stored_node = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(sqlite3_stmt) read = NULL;
  g_autoptr(JsonObject) result = NULL;
  JsonArray *breaks = NULL;
  gint64 start, end, last = -1;
  int rc;

  if (!dw_desk_row_exists (self, "teams", team_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no team %" G_GINT64_FORMAT, team_id);
      return NULL;
    }
  if (!can_edit_team (actor, team_id, error)
      || !dw_json_check_members (fields, members, error)
      || !dw_json_get_string (fields, "name", DW_JSON_REQUIRED, &name, error)
      || !dw_json_get_string (fields, "start", DW_JSON_REQUIRED, &start_text, error)
      || !dw_json_get_string (fields, "end", DW_JSON_REQUIRED, &end_text, error)
      || !dw_json_get_array (fields, "breaks", DW_JSON_NULLABLE, &breaks, error)
      || !parse_minute ("start", start_text, &start, error)
      || !parse_minute ("end", end_text, &end, error))
    return NULL;

  if (*name == '\0' || g_utf8_strlen (name, -1) > 60)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "name: 1 to 60 characters");
      return NULL;
    }
  if (end <= start)
    end += 1440;   /* a night shift ends the next day */
  if (end - start > MAX_SHIFT_SECONDS / 60)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "end: a shift lasts at most %d hours", MAX_SHIFT_SECONDS / 3600);
      return NULL;
    }

  for (guint i = 0; breaks != NULL && i < json_array_get_length (breaks); i++)
    {
      JsonNode *element = json_array_get_element (breaks, i);
      g_autofree char *at_text = NULL;
      JsonObject *b, *out;
      gint64 at = 0, minutes = 0;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                       "breaks[%u]: expected an object, got %s", i,
                       dw_json_node_describe (element));
          return NULL;
        }
      b = json_node_get_object (element);
      if (!dw_json_check_members (b, break_members, error)
          || !dw_json_get_string (b, "start", DW_JSON_REQUIRED, &at_text, error)
          || !dw_json_get_int64 (b, "minutes", DW_JSON_REQUIRED | DW_JSON_POSITIVE, &minutes,
                                 error)
          || !parse_minute ("start", at_text, &at, error))
        {
          dw_json_prefix_error (error, "breaks[%u].", i);
          if (error != NULL && *error != NULL && (*error)->domain == DW_DESK_ERROR)
            g_prefix_error (error, "breaks[%u].", i);
          return NULL;
        }
      if (at < start)
        at += 1440;
      if (at <= last || at + minutes > end)
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                       "breaks[%u]: breaks lie inside the shift, in order, without overlap", i);
          return NULL;
        }
      last = at + minutes - 1;
      out = json_object_new ();
      json_object_set_int_member (out, "start_minute", at % 1440);
      json_object_set_int_member (out, "minutes", minutes);
      json_array_add_object_element (stored, out);
    }
  json_node_set_array (stored_node, stored);
  breaks_json = dw_store_json_to_string (stored_node);

  insert = dw_store_prepare (self->db,
                             "INSERT INTO shift_templates (team_id, name, start_minute, "
                             "end_minute, breaks) VALUES (?, ?, ?, ?, ?)", error);
  read = dw_store_prepare (self->db,
                           "SELECT " TEMPLATE_COLUMNS " FROM shift_templates WHERE id = ?", error);
  if (insert == NULL || read == NULL)
    return NULL;
  sqlite3_bind_int64 (insert, 1, team_id);
  sqlite3_bind_text (insert, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 3, start);
  sqlite3_bind_int64 (insert, 4, end);
  sqlite3_bind_text (insert, 5, breaks_json, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (insert);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_CONFLICT,
                   "name: team %" G_GINT64_FORMAT " already has a template \"%s\"", team_id,
                   name);
      return NULL;
    }
  if (rc != SQLITE_DONE)
    {
      dw_store_set_error (error, self->db, SQLITE_ERROR);
      return NULL;
    }

  sqlite3_bind_int64 (read, 1, sqlite3_last_insert_rowid (self->db));
  if (sqlite3_step (read) != SQLITE_ROW)
    {
      dw_store_set_error (error, self->db, SQLITE_ERROR);
      return NULL;
    }
  result = template_json (read);
  if (!dw_desk_audit (self, actor, "shift_template", json_object_get_int_member (result, "id"),
                      "created", NULL, NULL, NULL, NULL, error)
      || !dw_desk_emit (self, "shift_template.created", team_id, 0, result, error))
    return NULL;
  return g_steal_pointer (&result);
}

JsonObject *
dw_desk_create_shift_template (DwDesk       *self,
                               DwPrincipal  *actor,
                               gint64        team_id,
                               JsonObject   *fields,
                               GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_desk_begin (self, error))
    return NULL;
  return dw_desk_finish (self, create_template_locked (self, actor, team_id, fields, error),
                         error);
}

static JsonObject *
delete_template_locked (DwDesk       *self,
                        DwPrincipal  *actor,
                        gint64        template_id,
                        GError      **error)
{
  g_autoptr(sqlite3_stmt) read = dw_store_prepare (self->db,
    "SELECT " TEMPLATE_COLUMNS " FROM shift_templates WHERE id = ?", error);
  g_autoptr(sqlite3_stmt) unlink = dw_store_prepare (self->db,
    "UPDATE shifts SET template_id = NULL WHERE template_id = ?", error);
  g_autoptr(sqlite3_stmt) drop = dw_store_prepare (self->db,
    "DELETE FROM shift_templates WHERE id = ?", error);
  g_autoptr(JsonObject) result = NULL;
  gint64 team_id;

  if (read == NULL || unlink == NULL || drop == NULL)
    return NULL;
  sqlite3_bind_int64 (read, 1, template_id);
  if (sqlite3_step (read) != SQLITE_ROW)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no shift template %" G_GINT64_FORMAT, template_id);
      return NULL;
    }
  team_id = sqlite3_column_int64 (read, 1);
  result = template_json (read);
  if (!can_edit_team (actor, team_id, error))
    return NULL;

  sqlite3_bind_int64 (unlink, 1, template_id);
  sqlite3_bind_int64 (drop, 1, template_id);
  if (!dw_store_step_done (unlink, error) || !dw_store_step_done (drop, error))
    return NULL;

  if (!dw_desk_audit (self, actor, "shift_template", template_id, "deleted", NULL, NULL, NULL,
                      NULL, error)
      || !dw_desk_emit (self, "shift_template.deleted", team_id, 0, result, error))
    return NULL;
  return g_steal_pointer (&result);
}

JsonObject *
dw_desk_delete_shift_template (DwDesk       *self,
                               DwPrincipal  *actor,
                               gint64        template_id,
                               GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_desk_begin (self, error))
    return NULL;
  return dw_desk_finish (self, delete_template_locked (self, actor, template_id, error), error);
}

/* Exports */

static char *
user_name (DwDesk *self,
           gint64  user_id)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (self->db,
    "SELECT display_name FROM users WHERE id = ?", NULL);

  if (stmt == NULL)
    return g_strdup ("");
  sqlite3_bind_int64 (stmt, 1, user_id);
  return g_strdup (sqlite3_step (stmt) == SQLITE_ROW
                   ? (const char *) sqlite3_column_text (stmt, 0) : "");
}

static char *
team_name (DwDesk *self,
           gint64  team_id)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (self->db,
    "SELECT name FROM teams WHERE id = ?", NULL);

  if (stmt == NULL)
    return g_strdup ("");
  sqlite3_bind_int64 (stmt, 1, team_id);
  return g_strdup (sqlite3_step (stmt) == SQLITE_ROW
                   ? (const char *) sqlite3_column_text (stmt, 0) : "");
}

static char *
template_name (DwDesk *self,
               gint64  template_id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (template_id <= 0)
    return g_strdup ("");
  stmt = dw_store_prepare (self->db, "SELECT name FROM shift_templates WHERE id = ?", NULL);
  if (stmt == NULL)
    return g_strdup ("");
  sqlite3_bind_int64 (stmt, 1, template_id);
  return g_strdup (sqlite3_step (stmt) == SQLITE_ROW
                   ? (const char *) sqlite3_column_text (stmt, 0) : "");
}

static struct icaltimetype
ical_utc (gint64 t)
{
  return icaltime_from_timet_with_zone ((time_t) t, 0, icaltimezone_get_utc_timezone ());
}

char *
dw_desk_shifts_ics (DwDesk       *self,
                    DwPrincipal  *actor,
                    gint64        team_id,
                    gint64        user_id,
                    gint64        from,
                    gint64        to,
                    GError      **error)
{
  g_autoptr(GArray) rows = NULL;
  icalcomponent *calendar;
  char *text, *copy;

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!check_window (from, to, error))
    return NULL;
  rows = select_shifts (self, actor, team_id, user_id, from, to, error);
  if (rows == NULL)
    return NULL;

  calendar = icalcomponent_new_vcalendar ();
  icalcomponent_add_property (calendar, icalproperty_new_version ("2.0"));
  icalcomponent_add_property (calendar, icalproperty_new_prodid ("-//Deskwatch//Roster//EN"));
  icalcomponent_add_property (calendar, icalproperty_new_method (ICAL_METHOD_PUBLISH));

  for (guint i = 0; i < rows->len; i++)
    {
      ShiftRow *row = &g_array_index (rows, ShiftRow, i);
      g_auto(Team) team = { 0 };
      g_autofree char *uid = NULL;
      g_autofree char *summary = NULL;
      g_autofree char *agent = user_name (self, row->user_id);
      g_autofree char *team_text = team_name (self, row->team_id);
      g_autofree char *kind = template_name (self, row->template_id);
      icalcomponent *event;
      gint64 published_at;

      if (!load_team (self, row->team_id, &team, error))
        {
          icalcomponent_free (calendar);
          return NULL;
        }
      /* an agent adds what it will work: drafts may still change */
      if (!g_str_equal (dw_roster_week_state (self->db, row->team_id,
                                              dw_roster_week_start (team.limits.time_zone,
                                                                    row->starts_at),
                                              &published_at), "published"))
        continue;

      uid = g_strdup_printf ("shift-%" G_GINT64_FORMAT "@deskwatch", row->id);
      summary = *kind != '\0' ? g_strdup_printf ("%s %s · %s", team_text, kind, agent)
                              : g_strdup_printf ("%s · %s", team_text, agent);
      event = icalcomponent_new_vevent ();
      icalcomponent_add_property (event, icalproperty_new_uid (uid));
      icalcomponent_add_property (event, icalproperty_new_dtstamp (ical_utc (dw_clock_now (self->clock))));
      icalcomponent_add_property (event, icalproperty_new_dtstart (ical_utc (row->starts_at)));
      icalcomponent_add_property (event, icalproperty_new_dtend (ical_utc (row->ends_at)));
      icalcomponent_add_property (event, icalproperty_new_summary (summary));
      icalcomponent_add_property (event, icalproperty_new_categories ("SHIFT"));
      icalcomponent_add_component (calendar, event);
    }

  text = icalcomponent_as_ical_string_r (calendar);
  icalcomponent_free (calendar);
  copy = g_strdup (text);
  icalmemory_free_buffer (text);
  return copy;
}

static void
csv_field (GString    *out,
           const char *value,
           gboolean    last)
{
  gboolean quote = strpbrk (value, ",\"\r\n") != NULL;

  if (quote)
    g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  if (quote)
    g_string_append_c (out, '"');
  g_string_append (out, last ? "\r\n" : ",");
}

static char *
local_time (Team       *team,
            const char *iso8601)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (iso8601, NULL);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, team->limits.time_zone);

  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

char *
dw_desk_roster_csv (DwDesk       *self,
                    DwPrincipal  *actor,
                    gint64        team_id,
                    const char   *week,
                    GError      **error)
{
  g_autoptr(JsonObject) roster = dw_desk_get_roster_week (self, actor, team_id, week, error);
  g_auto(Team) team = { 0 };
  GString *out;
  JsonArray *shifts;

  if (roster == NULL || !load_team (self, team_id, &team, error))
    return NULL;

  out = g_string_new (NULL);
  g_string_append (out, "agent,user_id,start,end,worked_minutes,break_minutes,template,holiday,"
                        "state,warnings\r\n");
  shifts = json_object_get_array_member (roster, "shifts");
  for (guint i = 0; i < json_array_get_length (shifts); i++)
    {
      JsonObject *shift = json_array_get_object_element (shifts, i);
      gint64 user_id = json_object_get_int_member (shift, "user_id");
      g_autofree char *agent = user_name (self, user_id);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, user_id);
      g_autofree char *start = local_time (&team, json_object_get_string_member (shift, "starts_at"));
      g_autofree char *end = local_time (&team, json_object_get_string_member (shift, "ends_at"));
      gint64 starts_at = 0, ends_at = 0;
      g_autofree char *worked = NULL;
      g_autofree char *breaks = NULL;
      g_autofree char *kind = NULL;
      g_autoptr(GString) rules = g_string_new (NULL);
      JsonArray *warnings = json_object_get_array_member (shift, "warnings");

      dw_time_from_iso8601 (json_object_get_string_member (shift, "starts_at"), &starts_at);
      dw_time_from_iso8601 (json_object_get_string_member (shift, "ends_at"), &ends_at);
      worked = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (shift, "worked_minutes"));
      breaks = g_strdup_printf ("%" G_GINT64_FORMAT, (ends_at - starts_at) / 60
                                - json_object_get_int_member (shift, "worked_minutes"));
      kind = json_object_get_null_member (shift, "template_id")
             ? g_strdup ("") : template_name (self, json_object_get_int_member (shift, "template_id"));
      for (guint w = 0; w < json_array_get_length (warnings); w++)
        g_string_append_printf (rules, "%s%s", w > 0 ? " " : "",
                                json_object_get_string_member (json_array_get_object_element (warnings, w), "rule"));

      csv_field (out, agent, FALSE);
      csv_field (out, id, FALSE);
      csv_field (out, start, FALSE);
      csv_field (out, end, FALSE);
      csv_field (out, worked, FALSE);
      csv_field (out, breaks, FALSE);
      csv_field (out, kind, FALSE);
      csv_field (out, json_object_get_boolean_member (shift, "holiday") ? "yes" : "no", FALSE);
      csv_field (out, json_object_get_string_member (shift, "state"), FALSE);
      csv_field (out, rules->str, TRUE);
    }
  return g_string_free (out, FALSE);
}
