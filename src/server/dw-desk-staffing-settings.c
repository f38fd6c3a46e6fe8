/* dw-desk-staffing-settings.c: a team's roster limits and staffing targets. */
#define G_LOG_DOMAIN "dw-desk"

#include "config.h"

#include "dw-desk-roster-private.h"

#include "store/dw-store-roster.h"

/* Staffing settings */

typedef struct
{
  const char *member;
  gsize       offset;      /* in DwStoreStaffingSettings: a gint64, or a double if is_double */
  gboolean    is_double;
  double      low;
  double      high;
  gboolean    low_open;
  gboolean    high_open;
} Setting;

/* The team's columns, with the ranges migration 005 checks. */
static const Setting settings[] = {
  { "min_rest_minutes", G_STRUCT_OFFSET (DwStoreStaffingSettings, min_rest_minutes),
    FALSE, 0, 2880, FALSE, FALSE },
  { "max_day_minutes", G_STRUCT_OFFSET (DwStoreStaffingSettings, max_day_minutes),
    FALSE, 60, 1440, FALSE, FALSE },
  { "max_week_minutes", G_STRUCT_OFFSET (DwStoreStaffingSettings, max_week_minutes),
    FALSE, 60, 10080, FALSE, FALSE },
  { "target_service_level", G_STRUCT_OFFSET (DwStoreStaffingSettings, target_service_level),
    TRUE, 0, 1, TRUE, TRUE },
  { "target_answer_seconds", G_STRUCT_OFFSET (DwStoreStaffingSettings, target_answer_seconds),
    FALSE, 0, 86400, FALSE, FALSE },
  { "max_occupancy", G_STRUCT_OFFSET (DwStoreStaffingSettings, max_occupancy),
    TRUE, 0, 1, TRUE, FALSE },
  { "ticket_occupancy", G_STRUCT_OFFSET (DwStoreStaffingSettings, ticket_occupancy),
    TRUE, 0, 1, TRUE, FALSE },
  { "shrinkage", G_STRUCT_OFFSET (DwStoreStaffingSettings, shrinkage),
    TRUE, 0, 1, FALSE, TRUE },
};

static JsonObject *
settings_to_json (gint64                          team_id,
                  const DwStoreStaffingSettings  *row)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "team_id", team_id);
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    if (settings[i].is_double)
      json_object_set_double_member (object, settings[i].member,
                                     G_STRUCT_MEMBER (double, row, settings[i].offset));
    else
      json_object_set_int_member (object, settings[i].member,
                                  G_STRUCT_MEMBER (gint64, row, settings[i].offset));
  return object;
}

static gboolean
settings_load (DwDesk                   *self,
               gint64                    team_id,
               DwStoreStaffingSettings  *row,
               GError                  **error)
{
  GError *local_error = NULL;

  if (dw_store_staffing_settings_load (self->store, team_id, row, &local_error))
    return TRUE;
  if (g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND))
    {
      g_clear_error (&local_error);
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND, "no team %" G_GINT64_FORMAT,
                   team_id);
      return FALSE;
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

static JsonObject *
settings_json (DwDesk  *self,
               gint64   team_id,
               GError **error)
{
  DwStoreStaffingSettings row;

  if (!settings_load (self, team_id, &row, error))
    return NULL;
  return settings_to_json (team_id, &row);
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
  DwStoreStaffingSettings row;
  gboolean changed = FALSE;

  if (!settings_load (self, team_id, &row, error))
    return NULL;
  before = settings_to_json (team_id, &row);
  if (!dw_desk_roster_can_edit (actor, team_id, error)
      || !dw_json_check_members (changes, members, error))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      const Setting *s = &settings[i];
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

      if (s->is_double)
        G_STRUCT_MEMBER (double, &row, s->offset) = value;
      else
        G_STRUCT_MEMBER (gint64, &row, s->offset) = (gint64) value;
      changed = TRUE;
    }

  if (changed && !dw_store_staffing_settings_update (self->store, team_id, &row, error))
    return NULL;
  after = settings_json (self, team_id, error);
  if (after == NULL
      || !dw_desk_audit_diff (self, actor, "team", team_id, before, after, members, NULL, error)
      || !dw_desk_emit (self, "team.staffing_settings", team_id, 0, after, error))
    return NULL;
  return g_steal_pointer (&after);
}

static JsonObject *
update_settings_write (DwDesk   *self,
                       gpointer  data,
                       GError  **error)
{
  DwDeskWriteArgs *args = data;

  return update_settings_locked (self, args->actor, args->id, args->fields, error);
}

JsonObject *
dw_desk_update_staffing_settings (DwDesk       *self,
                                  DwPrincipal  *actor,
                                  gint64        team_id,
                                  JsonObject   *changes,
                                  GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  return dw_desk_write (self, update_settings_write,
                        &(DwDeskWriteArgs) { actor, team_id, changes }, error);
}
