/* dw-agents-now.h: every agent of a team now — presence and since when, load against
 * capacity, the oldest ticket waiting on it, SLA trouble — live, with a lead's actions on
 * each agent (docs/api.md "Each agent now", "A lead's actions on an agent's work").
 *
 * Actions (installed on the widget, parameter the agent's user id "x"):
 *   agents.set-away, agents.set-online, agents.change-capacity, agents.move,
 *   agents.release, agents.message; agents.context-menu (the focused row's menu).
 * Enabled only for a lead of the team or an admin.
 */
#pragma once

#include <adwaita.h>

#include "dw-agent-status.h"
#include "dw-clock.h"
#include "dw-sync.h"

G_BEGIN_DECLS

#define DW_TYPE_AGENTS_NOW (dw_agents_now_get_type ())
G_DECLARE_FINAL_TYPE (DwAgentsNow, dw_agents_now, DW, AGENTS_NOW, GtkWidget)

GtkWidget  *dw_agents_now_new            (void);
void        dw_agents_now_set_context    (DwAgentsNow    *self,
                                          DwSync         *sync,
                                          DwClock        *clock);
void        dw_agents_now_set_team       (DwAgentsNow    *self,
                                          gint64          team_id);
/* The agents as shown: filtered and sorted (of DwAgentStatus; transfer none). */
GListModel *dw_agents_now_get_model      (DwAgentsNow    *self);
/* Every agent of the last answer, unfiltered (transfer none). */
GListModel *dw_agents_now_get_agents     (DwAgentsNow    *self);
/* How many answers of GET /agents/status were shown so far. */
guint       dw_agents_now_get_n_loads    (DwAgentsNow    *self);
void        dw_agents_now_set_search     (DwAgentsNow    *self,
                                          const char     *text);
/* A DwPresence, or -1 for all. */
void        dw_agents_now_set_presence_filter (DwAgentsNow *self,
                                               int          presence);
void        dw_agents_now_sort_by        (DwAgentsNow    *self,
                                          DwAgentSortKey  key,
                                          GtkSortType     order);
/* Whether the one-column layout for a narrow window is shown. */
gboolean    dw_agents_now_get_narrow     (DwAgentsNow    *self);
/* Whether what is shown is marked as not live (the sync is not connected). */
gboolean    dw_agents_now_get_stale      (DwAgentsNow    *self);
/* The text of a toast last shown, for tests; NULL before any. */
const char *dw_agents_now_get_last_toast (DwAgentsNow    *self);

G_END_DECLS
