/* dw-user.h: a user — agent, lead or admin — (docs/api.md "User") as a GObject.
 *
 * Properties are the wire members in kebab-case and notify only on change, as in dw-ticket.h.
 * "teams" and "skills" are GArrays (boxed G_TYPE_ARRAY) of the structs below, replaced as a
 * whole when they change.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "dw-enums.h"

G_BEGIN_DECLS

typedef struct
{
  gint64   team_id;  /* "id" on the wire */
  gboolean is_lead;
} DwUserTeam;

typedef struct
{
  char *skill;       /* a business type key, e.g. "returns" */
  int   level;       /* 1..5 */
} DwUserSkill;

#define DW_TYPE_USER (dw_user_get_type ())
G_DECLARE_FINAL_TYPE (DwUser, dw_user, DW, USER, GObject)

/* Required: id, username, display_name, role.  Unknown members are ignored. */
DwUser      *dw_user_new_from_json      (JsonObject  *object,
                                         GError     **error);
JsonObject  *dw_user_to_json            (DwUser      *self);
/* In place, as dw_ticket_update_from_json(). */
gboolean     dw_user_update_from_json   (DwUser      *self,
                                         JsonObject  *object,
                                         GError     **error);

gint64       dw_user_get_id             (DwUser      *self);
const char  *dw_user_get_username       (DwUser      *self);
const char  *dw_user_get_display_name   (DwUser      *self);
DwRole       dw_user_get_role           (DwUser      *self);
int          dw_user_get_capacity       (DwUser      *self);
DwPresence   dw_user_get_presence       (DwUser      *self);
gint64       dw_user_get_presence_since (DwUser      *self);
/* Of DwUserTeam, never NULL; borrowed. */
GArray      *dw_user_get_teams          (DwUser      *self);
/* Of DwUserSkill, never NULL; borrowed. */
GArray      *dw_user_get_skills         (DwUser      *self);
int          dw_user_get_open_tickets   (DwUser      *self);

/* Derived: capacity minus open tickets, never below 0; also the read-only property
 * "free-capacity", notified when it changes. */
int          dw_user_get_free_capacity  (DwUser      *self);
/* The level of @skill, 0 when the user lacks it. */
int          dw_user_get_skill_level    (DwUser      *self,
                                         const char  *skill);
gboolean     dw_user_is_in_team         (DwUser      *self,
                                         gint64       team_id);
gboolean     dw_user_is_lead_of         (DwUser      *self,
                                         gint64       team_id);

void         dw_user_set_presence       (DwUser      *self,
                                         DwPresence   presence);

G_END_DECLS
