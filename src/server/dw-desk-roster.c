/* dw-desk-roster.c: what the roster files share — a team's calendar and limits, who may do
 * what, dates and weeks (their state), and stored shifts read with the rules they break
 * (src/core/dw-roster-rules.c). */
#define G_LOG_DOMAIN "dw-desk"

#include "config.h"

#include "dw-desk-roster-private.h"

#include <string.h>

#include "dw-calendar.h"
#include "store/dw-store-people.h"
#include "store/dw-store-roster.h"

G_STATIC_ASSERT (DW_MAX_SHIFT_SECONDS == DW_STORE_MAX_SHIFT_SECONDS);

/* The store's NOT_FOUND as the desk's, with @what in the message; other errors as they are. */
static gboolean
not_found_as_desk (GError     **error,
                   GError      *local_error,
                   const char  *what,
                   gint64       id)
{
  if (g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND))
    {
      g_error_free (local_error);
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no %s %" G_GINT64_FORMAT, what, id);
    }
  else
    g_propagate_error (error, local_error);
  return FALSE;
}

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
  g_autoptr(JsonObject) calendar = NULL;
  DwStoreRosterTeam row;
  GError *local_error = NULL;

  if (!dw_store_roster_team_load (self->store, team_id, &row, &local_error))
    return not_found_as_desk (error, local_error, "team", team_id);

  team->team_id = team_id;
  team->limits.min_rest = row.min_rest_minutes * 60;
  team->limits.max_day = row.max_day_minutes * 60;
  team->limits.max_week = row.max_week_minutes * 60;

  calendar = dw_store_calendar_load_json (self->store, row.calendar_id, error);
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

/* A week's state: its row's, or for a week without one (written before weeks had states)
 * "published" if it has shifts.  A read that fails counts as "draft", as before. */
static const char *
week_state (DwStore *store,
            gint64   team_id,
            gint64   week_start,
            gint64  *published_at)
{
  DwStoreWeekState state;
  gboolean any = FALSE;

  if (!dw_store_roster_week_load (store, team_id, week_start, &state, published_at, NULL))
    return "draft";
  if (state != DW_STORE_WEEK_NONE)
    return state == DW_STORE_WEEK_PUBLISHED ? "published" : "draft";
  if (!dw_store_team_has_shifts (store, team_id, week_start,
                                 week_start + 7 * DW_DAY + 2 * 3600, &any, NULL))
    return "draft";
  return any ? "published" : "draft";
}

const char *
dw_desk_roster_week_state (DwDesk  *self,
                           gint64   team_id,
                           gint64   week_start,
                           gint64  *published_at)
{
  return week_state (self->store, team_id, week_start, published_at);
}

/* For dw-staffing.c, which reads through a store of its own. */
const char *
dw_roster_week_state (DwStore *store,
                      gint64   team_id,
                      gint64   week_start,
                      gint64  *published_at)
{
  return week_state (store, team_id, week_start, published_at);
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
  const char *state = week_state (self->store, team_id, week_start, &published_at);

  return dw_store_roster_week_touch (self->store, team_id, week_start,
                                     g_str_equal (state, "published") ? DW_STORE_WEEK_PUBLISHED
                                                                      : DW_STORE_WEEK_DRAFT,
                                     error);
}

/* Shifts: reading */

/* Takes @stored's breaks. */
static void
shift_from_store (DwStoreShift *stored,
                  DwShiftRow   *row)
{
  row->id = stored->id;
  row->team_id = stored->team_id;
  row->user_id = stored->user_id;
  row->starts_at = stored->starts_at;
  row->ends_at = stored->ends_at;
  row->template_id = stored->template_id;
  row->break_seconds = stored->break_seconds;
  row->breaks = g_steal_pointer (&stored->breaks);
}

gboolean
dw_desk_roster_load_shift (DwDesk      *self,
                           gint64       shift_id,
                           DwShiftRow  *row,
                           GError     **error)
{
  g_auto(DwStoreShift) stored = { 0 };
  GError *local_error = NULL;

  if (!dw_store_shift_load (self->store, shift_id, &stored, &local_error))
    return not_found_as_desk (error, local_error, "shift", shift_id);
  shift_from_store (&stored, row);
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
  g_autoptr(GArray) s = g_array_new (FALSE, FALSE, sizeof (DwShiftSpan));
  g_autoptr(GArray) a = g_array_new (FALSE, FALSE, sizeof (DwAbsenceSpan));

  if (!dw_store_user_spans (self->store, user_id, from, to, s, a, error))
    return FALSE;

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
                                 dw_desk_roster_week_state (self, row->team_id, week_start,
                                                            &published_at));
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

typedef struct
{
  DwPrincipal *actor;
  GArray      *rows;
} SelectShifts;

static gboolean
select_shift (DwStoreShift *stored,
              gpointer      data)
{
  SelectShifts *select = data;

  if (dw_desk_roster_can_read (select->actor, stored->team_id, stored->user_id))
    {
      DwShiftRow row = { 0 };

      shift_from_store (stored, &row);
      g_array_append_val (select->rows, row);
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
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (DwShiftRow));
  SelectShifts select = { actor, rows };

  g_array_set_clear_func (rows, dw_shift_row_clear);
  if (!dw_store_shift_select (self->store, from, to, team_id, user_id, select_shift, &select,
                              error))
    return NULL;
  return g_steal_pointer (&rows);
}
