/* dw-agent-picker.h: choose the agent to (re)assign a ticket to.
 *
 * A small modal window listing the agents with their presence and load (open tickets against
 * capacity), the ticket's team first; typing filters by name, Up/Down move, Enter picks,
 * Escape cancels.  Emits "agent-picked" (gint64 user_id) and closes.
 */
#pragma once

#include <adwaita.h>

#include "dw-sync.h"

G_BEGIN_DECLS

#define DW_TYPE_AGENT_PICKER (dw_agent_picker_get_type ())
G_DECLARE_FINAL_TYPE (DwAgentPicker, dw_agent_picker, DW, AGENT_PICKER, AdwWindow)

/* @team_id: the ticket's team (its members are listed first, 0: none);
 * @current_id: the current assignee, marked in the list (0: none). */
DwAgentPicker *dw_agent_picker_new  (GtkWindow  *parent,
                                     DwSync     *sync,
                                     gint64      ticket_id,
                                     gint64      team_id,
                                     gint64      current_id);

/* Picks the agent shown at @position (as Enter would); for tests. */
void           dw_agent_picker_pick_position (DwAgentPicker *self,
                                              guint          position);
/* The agents shown (sorted, filtered; transfer none). */
GListModel    *dw_agent_picker_get_model     (DwAgentPicker *self);
void           dw_agent_picker_set_search    (DwAgentPicker *self,
                                              const char    *text);

G_END_DECLS
