/* dw-principal.h: who is making a request, and what they may see.
 *
 * A principal is the authenticated user of one request (or one stream connection): its id,
 * role and teams, loaded once when the token is checked.  Plain refcounted struct so the stream
 * can keep it alive as long as the connection lives.
 */
#pragma once

#include <glib.h>

#include "dw-enums.h"

G_BEGIN_DECLS

typedef struct _DwPrincipal DwPrincipal;

struct _DwPrincipal
{
  gint64  user_id;
  char   *username;
  DwRole  role;
  GArray *team_ids;       /* gint64, teams it belongs to (including the ones it leads) */
  GArray *lead_team_ids;  /* gint64, teams it leads */
  gint64  token_id;       /* tokens.id the request was authenticated with, 0 for none */
  gint64  expires_at;     /* when that token expires, 0 for never */
};

/* A principal without teams; the caller fills team_ids / lead_team_ids. */
DwPrincipal *dw_principal_new        (gint64             user_id,
                                      const char        *username,
                                      DwRole             role);
DwPrincipal *dw_principal_ref        (DwPrincipal       *self);
void         dw_principal_unref      (DwPrincipal       *self);

gboolean     dw_principal_in_team    (const DwPrincipal *self,
                                      gint64             team_id);
gboolean     dw_principal_leads_team (const DwPrincipal *self,
                                      gint64             team_id);

/* May this principal see an event/ticket of @team_id assigned to @user_id (0 for none)?
 * admin: always; anyone: what concerns itself (@user_id is its own id); lead: anything of a
 * team it belongs to or leads; agent: nothing else. */
gboolean     dw_principal_can_see    (const DwPrincipal *self,
                                      gint64             team_id,
                                      gint64             user_id);

/* Same user, role, teams and teams led (what decides what it may see). */
gboolean     dw_principal_same_scope (const DwPrincipal *a,
                                      const DwPrincipal *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwPrincipal, dw_principal_unref)

G_END_DECLS
