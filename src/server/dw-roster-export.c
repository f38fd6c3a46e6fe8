/* dw-roster-export.c: published shifts as iCalendar (libical) and a week as CSV. */
#define G_LOG_DOMAIN "dw-desk"

#include "config.h"

#include "dw-desk-roster-private.h"

#include <string.h>

#include <libical/ical.h>

#include "store/dw-store-roster.h"

/* Exports */

/* A name the export writes, "" for none (a row gone, or a read that failed: the export is
 * still worth having). */
static char *
name_or_empty (DwDesk        *self,
               DwStoreNameOf  what,
               gint64         id)
{
  char *name = dw_store_roster_name_of (self->store, what, id, NULL);

  return name != NULL ? name : g_strdup ("");
}

static char *
user_name (DwDesk *self,
           gint64  user_id)
{
  return name_or_empty (self, DW_STORE_NAME_USER, user_id);
}

static char *
team_name (DwDesk *self,
           gint64  team_id)
{
  return name_or_empty (self, DW_STORE_NAME_TEAM, team_id);
}

static char *
template_name (DwDesk *self,
               gint64  template_id)
{
  if (template_id <= 0)
    return g_strdup ("");
  return name_or_empty (self, DW_STORE_NAME_SHIFT_TEMPLATE, template_id);
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

  if (!dw_desk_roster_check_window (from, to, error))
    return NULL;
  rows = dw_desk_roster_select_shifts (self, actor, team_id, user_id, from, to, error);
  if (rows == NULL)
    return NULL;

  calendar = icalcomponent_new_vcalendar ();
  icalcomponent_add_property (calendar, icalproperty_new_version ("2.0"));
  icalcomponent_add_property (calendar, icalproperty_new_prodid ("-//Deskwatch//Roster//EN"));
  icalcomponent_add_property (calendar, icalproperty_new_method (ICAL_METHOD_PUBLISH));

  for (guint i = 0; i < rows->len; i++)
    {
      DwShiftRow *row = &g_array_index (rows, DwShiftRow, i);
      g_auto(DwRosterTeam) team = { 0 };
      g_autofree char *uid = NULL;
      g_autofree char *summary = NULL;
      g_autofree char *agent = user_name (self, row->user_id);
      g_autofree char *team_text = team_name (self, row->team_id);
      g_autofree char *kind = template_name (self, row->template_id);
      icalcomponent *event;
      gint64 published_at;

      if (!dw_desk_roster_load_team (self, row->team_id, &team, error))
        {
          icalcomponent_free (calendar);
          return NULL;
        }
      /* an agent adds what it will work: drafts may still change */
      if (!g_str_equal (dw_desk_roster_week_state (self, row->team_id,
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
local_time (DwRosterTeam *team,
            const char   *iso8601)
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
  g_auto(DwRosterTeam) team = { 0 };
  GString *out;
  JsonArray *shifts;

  if (roster == NULL || !dw_desk_roster_load_team (self, team_id, &team, error))
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
