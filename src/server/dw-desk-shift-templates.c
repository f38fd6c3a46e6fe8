/* dw-desk-shift-templates.c: a team's shift templates (早班 08:00–16:00 with its breaks). */
#define G_LOG_DOMAIN "dw-desk"

#include "config.h"

#include "dw-desk-roster-private.h"

#include "store/dw-store-roster.h"

#include <stdio.h>
#include <string.h>

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
template_json (const DwStoreShiftTemplate *row)
{
  JsonObject *object = json_object_new ();
  g_autofree char *start = format_minute (row->start_minute);
  g_autofree char *end = format_minute (row->end_minute);
  g_autoptr(JsonNode) stored = json_from_string (row->breaks, NULL);
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

  json_object_set_int_member (object, "id", row->id);
  json_object_set_int_member (object, "team_id", row->team_id);
  json_object_set_string_member (object, "name", row->name);
  json_object_set_string_member (object, "start", start);
  json_object_set_string_member (object, "end", end);
  json_object_set_array_member (object, "breaks", breaks);
  return object;
}

/* The template as the object of docs/api.md; DW_DESK_ERROR_NOT_FOUND for an unknown id. */
static JsonObject *
template_load_json (DwDesk  *self,
                    gint64   template_id,
                    gint64  *team_id,
                    GError **error)
{
  g_auto(DwStoreShiftTemplate) row = { 0 };
  GError *local_error = NULL;

  if (!dw_store_shift_template_load (self->store, template_id, &row, &local_error))
    {
      if (g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND))
        {
          g_clear_error (&local_error);
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                       "no shift template %" G_GINT64_FORMAT, template_id);
        }
      else
        g_propagate_error (error, local_error);
      return NULL;
    }
  if (team_id != NULL)
    *team_id = row.team_id;
  return template_json (&row);
}

JsonArray *
dw_desk_list_shift_templates (DwDesk       *self,
                              DwPrincipal  *actor,
                              gint64        team_id,
                              GError      **error)
{
  g_autoptr(GArray) rows = NULL;
  g_autoptr(JsonArray) items = json_array_new ();

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_desk_row_exists (self, "teams", team_id)
      || (actor != NULL && actor->role != DW_ROLE_ADMIN && !dw_principal_in_team (actor, team_id)))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no team %" G_GINT64_FORMAT, team_id);
      return NULL;
    }

  rows = dw_store_shift_template_list (self->store, team_id, error);
  if (rows == NULL)
    return NULL;
  for (guint i = 0; i < rows->len; i++)
    json_array_add_object_element (items,
                                   template_json (&g_array_index (rows, DwStoreShiftTemplate, i)));
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
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonArray *breaks = NULL;
  gint64 start, end, last = -1, id;

  if (!dw_desk_row_exists (self, "teams", team_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no team %" G_GINT64_FORMAT, team_id);
      return NULL;
    }
  if (!dw_desk_roster_can_edit (actor, team_id, error)
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
  if (end - start > DW_MAX_SHIFT_SECONDS / 60)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "end: a shift lasts at most %d hours", DW_MAX_SHIFT_SECONDS / 3600);
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

  {
    DwStoreShiftTemplate row = { .team_id = team_id, .name = name, .start_minute = start,
                                 .end_minute = end, .breaks = breaks_json };

    id = dw_store_shift_template_insert (self->store, &row, &local_error);
  }
  if (id == 0)
    {
      /* The team exists (checked above) and the desk checked the minutes: the one constraint
       * left is the name, unique in the team. */
      if (g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT))
        g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_CONFLICT,
                     "name: team %" G_GINT64_FORMAT " already has a template \"%s\"", team_id,
                     name);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  result = template_load_json (self, id, NULL, error);
  if (result == NULL)
    return NULL;
  if (!dw_desk_audit (self, actor, "shift_template", json_object_get_int_member (result, "id"),
                      "created", NULL, NULL, NULL, NULL, error)
      || !dw_desk_emit (self, "shift_template.created", team_id, 0, result, error))
    return NULL;
  return g_steal_pointer (&result);
}

static JsonObject *
create_template_write (DwDesk   *self,
                       gpointer  data,
                       GError  **error)
{
  DwDeskWriteArgs *args = data;

  return create_template_locked (self, args->actor, args->id, args->fields, error);
}

JsonObject *
dw_desk_create_shift_template (DwDesk       *self,
                               DwPrincipal  *actor,
                               gint64        team_id,
                               JsonObject   *fields,
                               GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  return dw_desk_write (self, create_template_write,
                        &(DwDeskWriteArgs) { actor, team_id, fields }, error);
}

static JsonObject *
delete_template_locked (DwDesk       *self,
                        DwPrincipal  *actor,
                        gint64        template_id,
                        GError      **error)
{
  g_autoptr(JsonObject) result = NULL;
  gint64 team_id = 0;

  result = template_load_json (self, template_id, &team_id, error);
  if (result == NULL)
    return NULL;
  if (!dw_desk_roster_can_edit (actor, team_id, error))
    return NULL;

  if (!dw_store_shift_template_delete (self->store, template_id, error))
    return NULL;

  if (!dw_desk_audit (self, actor, "shift_template", template_id, "deleted", NULL, NULL, NULL,
                      NULL, error)
      || !dw_desk_emit (self, "shift_template.deleted", team_id, 0, result, error))
    return NULL;
  return g_steal_pointer (&result);
}

static JsonObject *
delete_template_write (DwDesk   *self,
                       gpointer  data,
                       GError  **error)
{
  DwDeskWriteArgs *args = data;

  return delete_template_locked (self, args->actor, args->id, error);
}

JsonObject *
dw_desk_delete_shift_template (DwDesk       *self,
                               DwPrincipal  *actor,
                               gint64        template_id,
                               GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  return dw_desk_write (self, delete_template_write,
                        &(DwDeskWriteArgs) { actor, template_id, NULL }, error);
}
