/* dw-desk-roster-week.c: a team's week — its days, shifts, absences, hours, coverage gaps and
 * holiday shifts — and publishing it. */
#define G_LOG_DOMAIN "dw-desk"

#include "config.h"

#include "dw-desk-roster-private.h"

#include "store/dw-store-roster.h"

#define COVERAGE_STEP 1800

/* Weeks */

static JsonArray *
week_days (DwRosterTeam *team,
           gint64        week_start)
{
  JsonArray *days = json_array_new ();

  for (int d = 0; d < 7; d++)
    {
      gint64 midnight = dw_roster_day_start (team->limits.time_zone, week_start + d * DW_DAY + 12 * 3600);
      gint64 next = dw_roster_day_start (team->limits.time_zone, midnight + 36 * 3600);
      g_autofree char *date = dw_desk_roster_format_date (team, midnight);
      JsonObject *day = json_object_new ();

      json_object_set_string_member (day, "date", date);
      json_object_set_string_member (day, "kind", dw_desk_roster_day_kind (team, midnight));
      json_object_set_int_member (day, "open_minutes",
        dw_calendar_business_seconds_between (team->calendar, midnight, next) / 60);
      json_array_add_object_element (days, day);
    }
  return days;
}

/* Each shift less its breaks, with its agent's skills, for the coverage check. */
static gboolean
coverage_gaps (DwDesk        *self,
               DwRosterTeam  *team,
               GArray        *rows,
               gint64         from,
               gint64         to,
               JsonArray     *warnings,
               GError       **error)
{
  g_autoptr(GArray) types = NULL;
  /* user id → its skills: an agent with five shifts in the week is read once */
  g_autoptr(GHashTable) skills = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                        (GDestroyNotify) g_strfreev);
  g_autoptr(GArray) needs = g_array_new (FALSE, FALSE, sizeof (DwRosterNeed));
  g_autoptr(GArray) covers = g_array_new (FALSE, FALSE, sizeof (DwRosterCover));
  g_autoptr(GArray) gaps = NULL;

  types = dw_store_team_needs (self->store, team->team_id, error);
  if (types == NULL)
    return FALSE;
  for (guint i = 0; i < types->len; i++)
    {
      const DwStoreTeamNeed *type = &g_array_index (types, DwStoreTeamNeed, i);
      DwRosterNeed need = { .business_type = type->key, .skill = type->skill };

      g_array_append_val (needs, need);
    }

  for (guint i = 0; i < rows->len; i++)
    {
      DwShiftRow *row = &g_array_index (rows, DwShiftRow, i);
      g_autoptr(JsonNode) stored = json_from_string (row->breaks, NULL);
      GStrv owned = g_hash_table_lookup (skills, &row->user_id);
      gint64 start = row->starts_at;

      if (owned == NULL)
        {
          owned = dw_store_user_skills (self->store, row->user_id, error);
          if (owned == NULL)
            return FALSE;
          g_hash_table_insert (skills, g_memdup2 (&row->user_id, sizeof row->user_id), owned);
        }

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
      dw_desk_roster_violation_json (&g_array_index (gaps, DwRosterViolation, i), 0));
  return TRUE;
}

static JsonObject *
roster_week_json (DwDesk        *self,
                  DwPrincipal   *actor,
                  DwRosterTeam  *team,
                  gint64         week_start,
                  GError       **error)
{
  gint64 week_end = dw_roster_week_start (team->limits.time_zone, week_start + 8 * DW_DAY);
  g_autoptr(JsonObject) week = json_object_new ();
  g_autoptr(JsonArray) shifts = json_array_new ();
  g_autoptr(JsonArray) warnings = json_array_new ();
  g_autoptr(JsonArray) holiday_ids = json_array_new ();
  g_autoptr(JsonArray) agents = json_array_new ();
  g_autoptr(JsonArray) absences = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GHashTable) worked = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                        g_free);
  g_autoptr(GArray) members = NULL;
  g_autofree char *week_text = dw_desk_roster_format_date (team, week_start);
  gint64 published_at = 0;
  gint64 holiday_minutes = 0;
  const char *state;

  /* shifts starting in the week */
  rows = dw_desk_roster_select_shifts (self, actor, team->team_id, 0, week_start, week_end, error);
  if (rows == NULL)
    return NULL;

  for (guint i = 0; i < rows->len; i++)
    {
      DwShiftRow *row = &g_array_index (rows, DwShiftRow, i);
      JsonObject *object;
      JsonArray *shift_warnings;
      gint64 *minutes;

      if (row->starts_at < week_start)
        continue;
      object = dw_desk_roster_shift_json (self, team, row, error);
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

  members = dw_store_team_agents (self->store, team->team_id, error);
  if (members == NULL)
    return NULL;
  for (guint i = 0; i < members->len; i++)
    {
      const DwStoreTeamAgent *member = &g_array_index (members, DwStoreTeamAgent, i);
      gint64 *minutes = g_hash_table_lookup (worked, &member->user_id);
      JsonObject *agent = json_object_new ();

      json_object_set_int_member (agent, "user_id", member->user_id);
      json_object_set_string_member (agent, "display_name", member->display_name);
      json_object_set_int_member (agent, "worked_minutes", minutes != NULL ? *minutes : 0);
      json_array_add_object_element (agents, agent);
    }

  state = dw_desk_roster_week_state (self, team->team_id, week_start, &published_at);
  json_object_set_int_member (week, "team_id", team->team_id);
  json_object_set_string_member (week, "week", week_text);
  json_object_set_string_member (week, "state", state);
  dw_json_set_time_or_null (week, "published_at", published_at);
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
  g_auto(DwRosterTeam) team = { 0 };
  gint64 week_start;

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_desk_roster_load_team (self, team_id, &team, error) || !dw_desk_roster_parse_week (&team, week, &week_start, error))
    return NULL;
  if (!dw_desk_roster_can_read (actor, team_id, 0))
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
  g_auto(DwRosterTeam) team = { 0 };
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) event = json_object_new ();
  g_autoptr(JsonNode) week_node = NULL;
  JsonArray *warnings;
  gint64 week_start;
  gint64 now = dw_clock_now (self->clock);

  if (!dw_desk_roster_load_team (self, team_id, &team, error) || !dw_desk_roster_parse_week (&team, week, &week_start, error)
      || !dw_desk_roster_can_edit (actor, team_id, error))
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

  if (!dw_store_roster_week_publish (self->store, team_id, week_start, now,
                                     dw_desk_actor_id (actor), error))
    return NULL;

  json_object_set_string_member (result, "state", "published");
  dw_json_set_time_or_null (result, "published_at", now);

  week_node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (week_node, week);
  json_object_set_int_member (event, "team_id", team_id);
  json_object_set_string_member (event, "week", week);
  dw_json_set_time_or_null (event, "published_at", now);
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

typedef struct
{
  DwPrincipal *actor;
  gint64       team_id;
  const char  *week;
} Publish;

static JsonObject *
publish_write (DwDesk   *self,
               gpointer  data,
               GError  **error)
{
  Publish *publish = data;

  return publish_locked (self, publish->actor, publish->team_id, publish->week, error);
}

JsonObject *
dw_desk_publish_roster_week (DwDesk       *self,
                             DwPrincipal  *actor,
                             gint64        team_id,
                             const char   *week,
                             GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  return dw_desk_write (self, publish_write, &(Publish) { actor, team_id, week }, error);
}
