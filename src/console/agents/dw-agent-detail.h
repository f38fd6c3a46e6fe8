/* dw-agent-detail.h: one agent's period in the Performance view: trend charts of its daily
 * series and, behind each count, the tickets it counts (GET /api/v1/agents/{id}/tickets), a
 * page at a time like the SLA drill-down.  Activating a ticket shows it (win.show-ticket).
 *
 * "back" (Escape, or the back button) asks the view holding it to show its table again.
 */
#pragma once

#include <gtk/gtk.h>

#include "dw-agent-figures.h"
#include "dw-client.h"
#include "dw-ticket-pages.h"

G_BEGIN_DECLS

#define DW_TYPE_AGENT_DETAIL (dw_agent_detail_get_type ())
G_DECLARE_FINAL_TYPE (DwAgentDetail, dw_agent_detail, DW, AGENT_DETAIL, GtkWidget)

GtkWidget *dw_agent_detail_new            (void);
/* Shows @agent of @team_id over the period of @window_query ("period=7d" or "from=…&to=…"),
 * titled @period_title; the ticket list is emptied.  @client may be NULL (nothing opens). */
void       dw_agent_detail_show_agent     (DwAgentDetail  *self,
                                           DwClient       *client,
                                           gint64          team_id,
                                           const char     *window_query,
                                           const char     *period_title,
                                           DwAgentMetrics *agent);
/* The same agent with new figures (a refresh): charts and counts change, the list stays. */
void       dw_agent_detail_update         (DwAgentDetail  *self,
                                           DwAgentMetrics *agent);
gint64     dw_agent_detail_get_user_id    (DwAgentDetail  *self);
/* Lists the tickets behind @figure ("solved", "sla-breached", …) from the first page. */
void       dw_agent_detail_open_figure    (DwAgentDetail  *self,
                                           const char     *figure);
/* The list of the tickets behind the figure open. */
DwTicketPages *dw_agent_detail_get_tickets (DwAgentDetail *self);
/* The trend chart of @figure, NULL when there is none. */
GtkWidget *dw_agent_detail_get_chart      (DwAgentDetail  *self,
                                           DwAgentFigure   figure);

G_END_DECLS
