/* dw-desk-shifts.c: shifts written (from a template or by their times, with breaks) under the
 * roster rules — hard ones refused, soft ones warned — and read. */
#define G_LOG_DOMAIN "dw-desk"

#include "config.h"

#include "dw-desk-roster-private.h"

#include "store/dw-store-roster.h"

#include <string.h>

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
gboolean
dw_desk_roster_check_span (const char  *what,
                           gint64       starts_at,
                           gint64       ends_at,
                           gint64       max_seconds,
                           GError     **error)
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
load_template (DwDesk    *self,
               gint64     template_id,
               Template  *out,
               GError   **error)
{
  g_auto(DwStoreShiftTemplate) row = { 0 };
  GError *local_error = NULL;

  if (!dw_store_shift_template_load (self->store, template_id, &row, &local_error))
    {
      if (g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND))
        {
          g_clear_error (&local_error);
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                       "template_id: there is no shift template %" G_GINT64_FORMAT, template_id);
        }
      else
        g_propagate_error (error, local_error);
      return FALSE;
    }
  out->team_id = row.team_id;
  out->start_minute = row.start_minute;
  out->end_minute = row.end_minute;
  out->breaks = g_steal_pointer (&row.breaks);
  return TRUE;
}

/* Local wall-clock minutes after a day's midnight, as an instant (right across a DST change,
 * which Asia/Shanghai does not have but other desks' zones may). */
static gint64
at_minute (DwRosterTeam *team,
           gint64        midnight,
           gint64        minute)
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
template_on (DwRosterTeam   *team,
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
        dw_json_set_time_or_null (out, "starts_at", at_minute (team, midnight, m));
        dw_json_set_time_or_null (out, "ends_at",
                                  at_minute (team, midnight,
                                             m + json_object_get_int_member (b, "minutes")));
        json_array_add_object_element (breaks, out);
      }
  return breaks;
}

/* The audited view of a shift: what a lead changes. */
static JsonObject *
shift_audit_view (const DwShiftRow *row)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "user_id", row->user_id);
  dw_json_set_time_or_null (object, "starts_at", row->starts_at);
  dw_json_set_time_or_null (object, "ends_at", row->ends_at);
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
  g_auto(DwRosterTeam) team = { 0 };
  g_autoptr(GArray) violations = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonArray) template_breaks = NULL;
  g_autofree char *date = NULL;
  DwShiftRow before = { 0 };
  DwShiftRow row = { 0 };
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
      if (!dw_desk_roster_load_shift (self, shift_id, &before, error))
        return NULL;
      row = before;
      row.breaks = g_strdup (before.breaks);
      if (!dw_json_get_int64 (fields, "user_id", DW_JSON_POSITIVE, &row.user_id, error))
        goto out;
    }

  if (!dw_desk_roster_can_edit (actor, row.team_id, error) || !dw_desk_roster_load_team (self, row.team_id, &team, error))
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
          || !dw_desk_roster_parse_date (&team, "date", date, &midnight, error)
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
      || !dw_desk_roster_check_span ("shift", row.starts_at, row.ends_at, DW_MAX_SHIFT_SECONDS, error)
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

  violations = dw_desk_roster_check_row (self, &team, &row, error);
  if (violations == NULL || !roster_rule_error (violations, error))
    goto out;

  /* before the write: a week's first write keeps the state the week had */
  if (!dw_desk_roster_touch_week (self, row.team_id, dw_roster_week_start (team.limits.time_zone, row.starts_at),
                   error)
      || (!creating
          && !dw_desk_roster_touch_week (self, row.team_id,
                          dw_roster_week_start (team.limits.time_zone, before.starts_at), error)))
    goto out;

  {
    DwStoreShiftWrite write = { .user_id = row.user_id, .team_id = row.team_id,
                                .starts_at = row.starts_at, .ends_at = row.ends_at,
                                .template_id = row.template_id, .breaks = row.breaks,
                                .break_seconds = row.break_seconds };

    if (creating)
      {
        row.id = dw_store_shift_insert (self->store, &write, error);
        if (row.id == 0)
          goto out;
      }
    else if (!dw_store_shift_update (self->store, shift_id, &write, error))
      goto out;
  }

  g_clear_pointer (&row.breaks, g_free);
  if (!dw_desk_roster_load_shift (self, creating ? row.id : shift_id, &row, error))
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

  result = dw_desk_roster_shift_json (self, &team, &row, error);
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
  dw_shift_row_clear (&before);
  dw_shift_row_clear (&row);
  return ok ? g_steal_pointer (&result) : NULL;
}

static JsonObject *
write_shift_write (DwDesk   *self,
                   gpointer  data,
                   GError  **error)
{
  DwDeskWriteArgs *args = data;

  return write_shift_locked (self, args->actor, args->id, args->fields, error);
}

JsonObject *
dw_desk_create_shift (DwDesk       *self,
                      DwPrincipal  *actor,
                      JsonObject   *fields,
                      GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  return dw_desk_write (self, write_shift_write, &(DwDeskWriteArgs) { actor, 0, fields }, error);
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
  return dw_desk_write (self, write_shift_write, &(DwDeskWriteArgs) { actor, shift_id, changes },
                        error);
}

static JsonObject *
delete_shift_locked (DwDesk       *self,
                     DwPrincipal  *actor,
                     gint64        shift_id,
                     GError      **error)
{
  g_auto(DwRosterTeam) team = { 0 };
  g_autoptr(JsonObject) result = NULL;
  DwShiftRow row = { 0 };
  gboolean ok = FALSE;

  if (!dw_desk_roster_load_shift (self, shift_id, &row, error))
    return NULL;

  if (!dw_desk_roster_can_read (actor, row.team_id, row.user_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no shift %" G_GINT64_FORMAT, shift_id);
      goto out;
    }

  if (!dw_desk_roster_can_edit (actor, row.team_id, error)
      || !dw_desk_roster_load_team (self, row.team_id, &team, error)
      || !dw_desk_roster_touch_week (self, row.team_id,
                      dw_roster_week_start (team.limits.time_zone, row.starts_at), error))
    goto out;

  if (!dw_store_shift_delete (self->store, shift_id, error))
    goto out;

  result = json_object_new ();
  json_object_set_int_member (result, "id", row.id);
  json_object_set_int_member (result, "team_id", row.team_id);
  json_object_set_int_member (result, "user_id", row.user_id);
  dw_json_set_time_or_null (result, "starts_at", row.starts_at);
  dw_json_set_time_or_null (result, "ends_at", row.ends_at);

  {
    g_autoptr(JsonObject) view = shift_audit_view (&row);
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), view);

    if (!dw_desk_audit (self, actor, "shift", row.id, "deleted", NULL, node, NULL, NULL, error)
        || !dw_desk_emit (self, "shift.deleted", row.team_id, row.user_id, result, error))
      goto out;
  }
  ok = TRUE;

out:
  dw_shift_row_clear (&row);
  return ok ? g_steal_pointer (&result) : NULL;
}

static JsonObject *
delete_shift_write (DwDesk   *self,
                    gpointer  data,
                    GError  **error)
{
  DwDeskWriteArgs *args = data;

  return delete_shift_locked (self, args->actor, args->id, error);
}

JsonObject *
dw_desk_delete_shift (DwDesk       *self,
                      DwPrincipal  *actor,
                      gint64        shift_id,
                      GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  return dw_desk_write (self, delete_shift_write, &(DwDeskWriteArgs) { actor, shift_id, NULL },
                        error);
}

JsonObject *
dw_desk_get_shift (DwDesk       *self,
                   DwPrincipal  *actor,
                   gint64        shift_id,
                   GError      **error)
{
  g_auto(DwRosterTeam) team = { 0 };
  DwShiftRow row = { 0 };
  JsonObject *result = NULL;

  if (!dw_desk_roster_load_shift (self, shift_id, &row, error))
    return NULL;

  if (!dw_desk_roster_can_read (actor, row.team_id, row.user_id))
    g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                 "no shift %" G_GINT64_FORMAT, shift_id);
  else if (dw_desk_roster_load_team (self, row.team_id, &team, error))
    result = dw_desk_roster_shift_json (self, &team, &row, error);

  dw_shift_row_clear (&row);
  return result;
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

  if (!dw_desk_roster_check_window (from, to, error))
    return NULL;
  rows = dw_desk_roster_select_shifts (self, actor, team_id, user_id, from, to, error);
  if (rows == NULL)
    return NULL;

  for (guint i = 0; i < rows->len; i++)
    {
      DwShiftRow *row = &g_array_index (rows, DwShiftRow, i);
      g_auto(DwRosterTeam) team = { 0 };
      JsonObject *object;

      if (!dw_desk_roster_load_team (self, row->team_id, &team, error))
        return NULL;
      object = dw_desk_roster_shift_json (self, &team, row, error);
      if (object == NULL)
        return NULL;
      json_array_add_object_element (items, object);
    }
  return g_steal_pointer (&items);
}
