/* dw-desk-absences.c: absences (请假: leave, sick, training). */
#define G_LOG_DOMAIN "dw-desk"

#include "config.h"

#include "dw-desk-roster-private.h"

#include "store/dw-store-roster.h"

/* Absences */

static const char * const absence_kinds[] = { "leave", "sick", "training", NULL };

static JsonObject *
absence_json (const DwStoreAbsence *row)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", row->id);
  json_object_set_int_member (object, "user_id", row->user_id);
  json_object_set_string_member (object, "kind", row->kind);
  dw_json_set_time_or_null (object, "starts_at", row->starts_at);
  dw_json_set_time_or_null (object, "ends_at", row->ends_at);
  json_object_set_string_member (object, "note", row->note);
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

/* The team an absence's event goes to; none (0) if that cannot be read. */
static gint64
first_team_of (DwDesk *self,
               gint64  user_id)
{
  return dw_store_user_first_team (self->store, user_id, NULL);
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
  g_auto(DwStoreAbsence) stored = { 0 };
  g_autoptr(GArray) clashes = NULL;
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
  if (!dw_desk_roster_check_span ("absence", starts_at, ends_at, DW_MAX_ABSENCE_SECONDS, error))
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

  {
    DwStoreAbsence row = { .user_id = user_id, .kind = kind, .starts_at = starts_at,
                           .ends_at = ends_at, .note = note,
                           .created_at = dw_clock_now (self->clock) };

    id = dw_store_absence_insert (self->store, &row, error);
  }
  if (id == 0 || !dw_store_absence_load (self->store, id, &stored, error))
    return NULL;
  result = absence_json (&stored);

  /* Shifts already rostered in the absence stay, flagged: the planner moves them. */
  clashes = dw_store_shift_ids_overlapping (self->store, user_id, starts_at, ends_at, error);
  if (clashes == NULL)
    return NULL;
  for (guint i = 0; i < clashes->len; i++)
    json_array_add_int_element (clashing, g_array_index (clashes, gint64, i));
  json_object_set_array_member (result, "clashing_shift_ids", g_steal_pointer (&clashing));

  if (!dw_desk_audit (self, actor, "absence", id, "created", NULL, NULL, NULL, NULL, error)
      || !dw_desk_emit (self, "absence.created", first_team_of (self, user_id), user_id, result,
                        error))
    return NULL;

  return g_steal_pointer (&result);
}

static JsonObject *
create_absence_write (DwDesk   *self,
                      gpointer  data,
                      GError  **error)
{
  DwDeskWriteArgs *args = data;

  return create_absence_locked (self, args->actor, args->fields, error);
}

JsonObject *
dw_desk_create_absence (DwDesk       *self,
                        DwPrincipal  *actor,
                        JsonObject   *fields,
                        GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  return dw_desk_write (self, create_absence_write, &(DwDeskWriteArgs) { actor, 0, fields },
                        error);
}

static JsonObject *
delete_absence_locked (DwDesk       *self,
                       DwPrincipal  *actor,
                       gint64        absence_id,
                       GError      **error)
{
  g_auto(DwStoreAbsence) row = { 0 };
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  GError *local_error = NULL;
  gint64 user_id;

  if (!dw_store_absence_load (self->store, absence_id, &row, &local_error))
    {
      if (!g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      g_clear_error (&local_error);
    }
  if (row.id == 0
      || !(leads_user (self, actor, row.user_id)
           || (actor != NULL && actor->user_id == row.user_id)))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no absence %" G_GINT64_FORMAT, absence_id);
      return NULL;
    }
  user_id = row.user_id;
  result = absence_json (&row);

  if (!leads_user (self, actor, user_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                   "only a lead of the agent's team or an admin may remove its absence");
      return NULL;
    }

  if (!dw_store_absence_delete (self->store, absence_id, error))
    return NULL;

  node = json_node_init_object (json_node_alloc (), result);
  if (!dw_desk_audit (self, actor, "absence", absence_id, "deleted", NULL, node, NULL, NULL, error)
      || !dw_desk_emit (self, "absence.deleted", first_team_of (self, user_id), user_id, result,
                        error))
    return NULL;
  return g_steal_pointer (&result);
}

static JsonObject *
delete_absence_write (DwDesk   *self,
                      gpointer  data,
                      GError  **error)
{
  DwDeskWriteArgs *args = data;

  return delete_absence_locked (self, args->actor, args->id, error);
}

JsonObject *
dw_desk_delete_absence (DwDesk       *self,
                        DwPrincipal  *actor,
                        gint64        absence_id,
                        GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  return dw_desk_write (self, delete_absence_write,
                        &(DwDeskWriteArgs) { actor, absence_id, NULL }, error);
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
  g_autoptr(GArray) rows = NULL;
  g_autoptr(JsonArray) items = json_array_new ();

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (to <= from || to - from > DW_MAX_ABSENCE_SECONDS)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "to: must be later than from, and at most 366 days after it");
      return NULL;
    }

  rows = dw_store_absence_list (self->store, from, to, user_id, team_id, error);
  if (rows == NULL)
    return NULL;
  for (guint i = 0; i < rows->len; i++)
    {
      const DwStoreAbsence *row = &g_array_index (rows, DwStoreAbsence, i);

      if ((actor != NULL && actor->user_id == row->user_id)
          || leads_user (self, actor, row->user_id))
        json_array_add_object_element (items, absence_json (row));
    }
  return g_steal_pointer (&items);
}
