/* dw-api-roster.c: shift templates, shifts, absences and roster weeks (dw-desk-roster.h says
 * who may do what). */
#define G_LOG_DOMAIN "dw-api"

#include "dw-api-private.h"

#include "dw-desk-roster.h"

#include <string.h>

static void
reply_array (DwApiRequest *req,
             JsonArray    *items,   /* taken */
             GError      **error)
{
  if (items == NULL)
    {
      dw_api_reply_error (req, *error);
      return;
    }
  dw_api_reply_items (req, items, FALSE, NULL);
  json_array_unref (items);
}

static gboolean
query_id (DwApiRequest *req,
          const char   *name,
          gint64       *out)
{
  const char *value = dw_api_query (req, name);
  guint64 id;

  *out = 0;
  if (value == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (value, 10, 1, G_MAXINT64, &id, NULL))
    {
      dw_api_reply_invalid (req, "%s: \"%s\" is not an id", name, value);
      return FALSE;
    }
  *out = (gint64) id;
  return TRUE;
}

static gboolean
query_time (DwApiRequest *req,
            const char   *name,
            gint64       *out)
{
  const char *value = dw_api_query (req, name);

  if (value == NULL || !dw_time_from_iso8601 (value, out))
    {
      dw_api_reply_invalid (req, "%s: expected an ISO 8601 time, got \"%s\"", name,
                            value != NULL ? value : "");
      return FALSE;
    }
  return TRUE;
}

/* ?team_id=&user_id=&from=&to= */
static gboolean
read_window (DwApiRequest *req,
             gint64       *team_id,
             gint64       *user_id,
             gint64       *from,
             gint64       *to)
{
  return query_id (req, "team_id", team_id) && query_id (req, "user_id", user_id)
         && query_time (req, "from", from) && query_time (req, "to", to);
}

/* Templates */

static void
list_templates_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;

  reply_array (req, dw_desk_list_shift_templates (req->api->desk, req->principal, req->ids[0],
                                                  &error), &error);
}

static void
create_template_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) body = dw_api_read_object (req);
  g_autoptr(GError) error = NULL;

  if (body == NULL)
    return;
  dw_api_reply_result (req, 201,
                       dw_desk_create_shift_template (req->api->desk, req->principal, req->ids[0],
                                                      body, &error), &error);
}

static void
delete_template_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;

  dw_api_reply_result (req, 200,
                       dw_desk_delete_shift_template (req->api->desk, req->principal, req->ids[0],
                                                      &error), &error);
}

/* Shifts */

static void
list_shifts_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;
  gint64 team_id, user_id, from, to;

  if (!read_window (req, &team_id, &user_id, &from, &to))
    return;
  reply_array (req, dw_desk_list_shifts (req->api->desk, req->principal, team_id, user_id, from,
                                         to, &error), &error);
}

static void
get_shift_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;

  dw_api_reply_result (req, 200,
                       dw_desk_get_shift (req->api->desk, req->principal, req->ids[0], &error),
                       &error);
}

static void
create_shift_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) body = dw_api_read_object (req);
  g_autoptr(GError) error = NULL;

  if (body == NULL)
    return;
  dw_api_reply_result (req, 201,
                       dw_desk_create_shift (req->api->desk, req->principal, body, &error), &error);
}

static void
update_shift_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) body = dw_api_read_object (req);
  g_autoptr(GError) error = NULL;

  if (body == NULL)
    return;
  dw_api_reply_result (req, 200,
                       dw_desk_update_shift (req->api->desk, req->principal, req->ids[0], body,
                                             &error), &error);
}

static void
delete_shift_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;

  dw_api_reply_result (req, 200,
                       dw_desk_delete_shift (req->api->desk, req->principal, req->ids[0], &error),
                       &error);
}

/* Absences */

static void
list_absences_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;
  gint64 team_id, user_id, from, to;

  if (!read_window (req, &team_id, &user_id, &from, &to))
    return;
  reply_array (req, dw_desk_list_absences (req->api->desk, req->principal, team_id, user_id,
                                           from, to, &error), &error);
}

static void
create_absence_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) body = dw_api_read_object (req);
  g_autoptr(GError) error = NULL;

  if (body == NULL)
    return;
  dw_api_reply_result (req, 201,
                       dw_desk_create_absence (req->api->desk, req->principal, body, &error),
                       &error);
}

static void
delete_absence_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;

  dw_api_reply_result (req, 200,
                       dw_desk_delete_absence (req->api->desk, req->principal, req->ids[0], &error),
                       &error);
}

/* Weeks */

static void
get_week_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;
  const char *week = dw_api_query (req, "week");

  if (week == NULL)
    {
      dw_api_reply_invalid (req, "week: required, the Monday as YYYY-MM-DD");
      return;
    }
  dw_api_reply_result (req, 200,
                       dw_desk_get_roster_week (req->api->desk, req->principal, req->ids[0], week,
                                                &error), &error);
}

static void
publish_week_cb (DwApiRequest *req)
{
  static const char * const members[] = { "week", NULL };
  g_autoptr(JsonObject) body = dw_api_read_object (req);
  g_autoptr(GError) error = NULL;
  g_autofree char *week = NULL;

  if (body == NULL)
    return;
  if (!dw_json_check_members (body, members, &error)
      || !dw_json_get_string (body, "week", DW_JSON_REQUIRED, &week, &error))
    {
      dw_api_reply_error (req, error);
      return;
    }
  dw_api_reply_result (req, 200,
                       dw_desk_publish_roster_week (req->api->desk, req->principal, req->ids[0],
                                                    week, &error), &error);
}

/* Settings */

static void
get_settings_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;

  dw_api_reply_result (req, 200,
                       dw_desk_get_staffing_settings (req->api->desk, req->principal, req->ids[0],
                                                      &error), &error);
}

static void
update_settings_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) body = dw_api_read_object (req);
  g_autoptr(GError) error = NULL;

  if (body == NULL)
    return;
  dw_api_reply_result (req, 200,
                       dw_desk_update_staffing_settings (req->api->desk, req->principal,
                                                         req->ids[0], body, &error), &error);
}

/* Exports */

static void
reply_text (DwApiRequest *req,
            char         *text,       /* taken */
            const char   *content_type,
            const char   *filename,
            GError      **error)
{
  g_autofree char *disposition = NULL;

  if (text == NULL)
    {
      dw_api_reply_error (req, *error);
      return;
    }
  disposition = g_strdup_printf ("attachment; filename=\"%s\"", filename);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "Content-Disposition", disposition);
  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (req->msg, content_type, SOUP_MEMORY_TAKE, text,
                                    strlen (text));
}

static void
shifts_ics_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;
  gint64 team_id, user_id, from, to;

  if (!read_window (req, &team_id, &user_id, &from, &to))
    return;
  reply_text (req, dw_desk_shifts_ics (req->api->desk, req->principal, team_id, user_id, from, to,
                                       &error),
              "text/calendar; charset=utf-8", "shifts.ics", &error);
}

static void
roster_csv_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;
  const char *week = dw_api_query (req, "week");
  g_autofree char *filename = NULL;

  if (week == NULL)
    {
      dw_api_reply_invalid (req, "week: required, the Monday as YYYY-MM-DD");
      return;
    }
  filename = g_strdup_printf ("roster-%" G_GINT64_FORMAT "-%.10s.csv", req->ids[0], week);
  g_strcanon (filename, "abcdefghijklmnopqrstuvwxyz0123456789-.", '_');
  reply_text (req, dw_desk_roster_csv (req->api->desk, req->principal, req->ids[0], week, &error),
              "text/csv; charset=utf-8; header=present", filename, &error);
}

const DwApiRoute dw_api_roster_routes[] = {
  { "GET", "teams/:id/staffing-settings", get_settings_cb, FALSE },
  { "PATCH", "teams/:id/staffing-settings", update_settings_cb, FALSE },
  { "GET", "shifts.ics", shifts_ics_cb, FALSE },
  { "GET", "teams/:id/roster.csv", roster_csv_cb, FALSE },
  { "GET", "teams/:id/shift-templates", list_templates_cb, FALSE },
  { "POST", "teams/:id/shift-templates", create_template_cb, FALSE },
  { "DELETE", "shift-templates/:id", delete_template_cb, FALSE },
  { "GET", "shifts", list_shifts_cb, FALSE },
  { "POST", "shifts", create_shift_cb, FALSE },
  { "GET", "shifts/:id", get_shift_cb, FALSE },
  { "PATCH", "shifts/:id", update_shift_cb, FALSE },
  { "DELETE", "shifts/:id", delete_shift_cb, FALSE },
  { "GET", "absences", list_absences_cb, FALSE },
  { "POST", "absences", create_absence_cb, FALSE },
  { "DELETE", "absences/:id", delete_absence_cb, FALSE },
  { "GET", "teams/:id/roster", get_week_cb, FALSE },
  { "POST", "teams/:id/roster/publish", publish_week_cb, FALSE },
  { NULL },
};
