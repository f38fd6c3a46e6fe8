/* dw-team.h: a team, i.e. a queue (docs/api.md "Team"), as a GObject.
 *
 * Properties are the wire members in kebab-case and notify only on change, as in dw-ticket.h.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DW_TYPE_TEAM (dw_team_get_type ())
G_DECLARE_FINAL_TYPE (DwTeam, dw_team, DW, TEAM, GObject)

/* Required: id, name, calendar_id.  Unknown members are ignored. */
DwTeam      *dw_team_new_from_json       (JsonObject  *object,
                                          GError     **error);
JsonObject  *dw_team_to_json             (DwTeam      *self);
/* In place, as dw_ticket_update_from_json(). */
gboolean     dw_team_update_from_json    (DwTeam      *self,
                                          JsonObject  *object,
                                          GError     **error);

gint64       dw_team_get_id              (DwTeam      *self);
const char  *dw_team_get_name            (DwTeam      *self);
const char  *dw_team_get_description     (DwTeam      *self);
gint64       dw_team_get_calendar_id     (DwTeam      *self);
/* Never NULL once read. */
const char * const *dw_team_get_business_types (DwTeam *self);
gboolean     dw_team_handles_business_type (DwTeam    *self,
                                            const char *business_type);

G_END_DECLS
