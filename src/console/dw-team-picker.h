/* dw-team-picker.h: the team picker at the head of a section (Schedule, Agents).
 *
 * Lists the teams of the sync that the section offers to the signed-in user, keeps the team
 * picked across resyncs while it is still offered, and hides itself while there is less than a
 * choice.  The section listens to notify::team-id, notified after every refill too.
 */
#pragma once

#include <gtk/gtk.h>

#include "dw-sync.h"

G_BEGIN_DECLS

/* Whether a section offers @team_id to @me in its team picker. */
typedef gboolean (*DwTeamOffered) (DwUser *me,
                                   gint64  team_id);

#define DW_TYPE_TEAM_PICKER (dw_team_picker_get_type ())
G_DECLARE_FINAL_TYPE (DwTeamPicker, dw_team_picker, DW, TEAM_PICKER, GtkWidget)

GtkWidget *dw_team_picker_new         (void);
/* Which teams the section offers; call once, before the sync is set. */
void       dw_team_picker_set_offered (DwTeamPicker  *self,
                                       DwTeamOffered  offered);
void       dw_team_picker_set_sync    (DwTeamPicker  *self,
                                       DwSync        *sync);
/* The team picked, 0 for none. */
gint64     dw_team_picker_get_team_id (DwTeamPicker  *self);
/* Picks @team_id when it is offered; otherwise nothing changes. */
void       dw_team_picker_set_team_id (DwTeamPicker  *self,
                                       gint64         team_id);
guint      dw_team_picker_get_n_teams (DwTeamPicker  *self);

G_END_DECLS
