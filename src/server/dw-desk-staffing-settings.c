/* dw-desk-staffing-settings.c: a team's roster limits and staffing targets. */
#define G_LOG_DOMAIN "dw-desk"

#include "config.h"

#include "dw-desk-roster-private.h"

/* Staffing settings */

typedef struct
{
  const char *member;
  gboolean    is_double;
  double      low;
  double      high;
  gboolean    low_open;
  gboolean    high_open;
} Setting;

/* The team's columns, with the ranges migration 005 checks. */
static const Setting settings[] = {
  { "min_rest_minutes", FALSE, 0, 2880, FALSE, FALSE },
  { "max_day_minutes", FALSE, 60, 1440, FALSE, FALSE },
  { "max_week_minutes", FALSE, 60, 10080, FALSE, FALSE },
  { "target_service_level", TRUE, 0, 1, TRUE, TRUE },
  { "target_answer_seconds", FALSE, 0, 86400, FALSE, FALSE },
  { "max_occupancy", TRUE, 0, 1, TRUE, FALSE },
  { "ticket_occupancy", TRUE, 0, 1, TRUE, FALSE },
  { "shrinkage", TRUE, 0, 1, FALSE, TRUE },
};

static JsonObject *
settings_json (DwDesk  *self,
               gint64   team_id,
               GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (self->db,
    "SELECT min_rest_minutes, max_day_minutes, max_week_minutes, target_service_level, "
    "target_answer_seconds, max_occupancy, ticket_occupancy, shrinkage FROM teams WHERE id = ?",
    error);
  JsonObject *object;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, team_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND, "no team %" G_GINT64_FORMAT,
                   team_id);
      return NULL;
    }

  object = json_object_new ();
  json_object_set_int_member (object, "team_id", team_id);
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    if (settings[i].is_double)
      json_object_set_double_member (object, settings[i].member, sqlite3_column_double (stmt, i));
    else
      json_object_set_int_member (object, settings[i].member, sqlite3_column_int64 (stmt, i));
  return object;
}

JsonObject *
dw_desk_get_staffing_settings (DwDesk       *self,
                               DwPrincipal  *actor,
                               gint64        team_id,
                               GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (actor != NULL && actor->role != DW_ROLE_ADMIN && !dw_principal_in_team (actor, team_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND, "no team %" G_GINT64_FORMAT,
                   team_id);
      return NULL;
    }
  return settings_json (self, team_id, error);
}

static JsonObject *
update_settings_locked (DwDesk       *self,
                        DwPrincipal  *actor,
                        gint64        team_id,
                        JsonObject   *changes,
                        GError      **error)
{
  static const char * const members[] = {
    "min_rest_minutes", "max_day_minutes", "max_week_minutes", "target_service_level",
    "target_answer_seconds", "max_occupancy", "ticket_occupancy", "shrinkage", NULL
  };
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;

  before = settings_json (self, team_id, error);
  if (before == NULL || !dw_desk_roster_can_edit (actor, team_id, error)
      || !dw_json_check_members (changes, members, error))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      const Setting *s = &settings[i];
      g_autoptr(sqlite3_stmt) stmt = NULL;
      g_autofree char *sql = NULL;
      double value = 0;
      gboolean ok;

      if (!json_object_has_member (changes, s->member))
        continue;
      if (s->is_double)
        ok = dw_json_get_double (changes, s->member, DW_JSON_REQUIRED, &value, error);
      else
        {
          gint64 whole = 0;

          ok = dw_json_get_int64 (changes, s->member, DW_JSON_REQUIRED, &whole, error);
          value = whole;
        }
      if (!ok)
        return NULL;
      if ((s->low_open ? value <= s->low : value < s->low)
          || (s->high_open ? value >= s->high : value > s->high))
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                       "%s: must be in %c%g, %g%c", s->member, s->low_open ? '(' : '[', s->low,
                       s->high, s->high_open ? ')' : ']');
          return NULL;
        }

      /* the member names are this table's own, never the request's */
      sql = g_strdup_printf ("UPDATE teams SET %s = ? WHERE id = ?", s->member);
      stmt = dw_store_prepare (self->db, sql, error);
      if (stmt == NULL)
        return NULL;
      if (s->is_double)
        sqlite3_bind_double (stmt, 1, value);
      else
        sqlite3_bind_int64 (stmt, 1, (gint64) value);
      sqlite3_bind_int64 (stmt, 2, team_id);
      if (!dw_store_step_done (stmt, error))
        return NULL;
    }

  after = settings_json (self, team_id, error);
  if (after == NULL
      || !dw_desk_audit_diff (self, actor, "team", team_id, before, after, members, NULL, error)
      || !dw_desk_emit (self, "team.staffing_settings", team_id, 0, after, error))
    return NULL;
  return g_steal_pointer (&after);
}

JsonObject *
dw_desk_update_staffing_settings (DwDesk       *self,
                                  DwPrincipal  *actor,
                                  gint64        team_id,
                                  JsonObject   *changes,
                                  GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_desk_begin (self, error))
    return NULL;
  return dw_desk_finish (self, update_settings_locked (self, actor, team_id, changes, error),
                         error);
}
