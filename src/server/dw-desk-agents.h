/* dw-desk-agents.h: each agent now, and what a team lead does to an agent's work.
 *
 * Status: presence and since when, load against capacity, the oldest ticket waiting on the agent
 * (new or open: the customer waits for it, not pending or on hold), and its tickets whose SLA is
 * at risk or whose breach is running.  What changes it goes out on the stream as user.updated
 * (presence, load) and ticket.* (SLA), so a console keeps it live.
 *
 * Lead actions, for agents of the teams the lead leads (admins: any), each audited:
 *   - capacity: set the agent's capacity (a raise hands it waiting tickets at once);
 *   - release: the agent's new and open tickets go back to their team's queue (routed to others
 *     with room), or are shared out among named agents in turn, within their capacity unless
 *     the lead overrides it;
 *   - note: an internal note on each of the agent's tickets at risk or breached;
 *   - presence: set the agent away, online or offline, as its own change would (going online
 *     hands it waiting tickets; away, routing passes it by);
 *   - move: the agent leaves one team for another (a lead of both); its new and open tickets of
 *     the team it leaves go back to that team's queue, in the same transaction.
 */
#pragma once

#include "dw-desk.h"

G_BEGIN_DECLS

JsonArray  *dw_desk_agents_status    (DwDesk       *self,
                                      DwPrincipal  *actor,
                                      gint64        team_id,
                                      GError      **error);
/* The same read on @store alone (no desk): for a read on a pooled connection
 * (dw-api-pooled.c). */
JsonArray  *dw_agents_status_read    (DwStore      *store,
                                      DwPrincipal  *actor,
                                      gint64        team_id,
                                      GError      **error);

/* {capacity*} */
JsonObject *dw_desk_set_capacity     (DwDesk       *self,
                                      DwPrincipal  *actor,
                                      gint64        user_id,
                                      JsonObject   *fields,
                                      GError      **error);

/* {to*: "queue" or [user ids], override_capacity}: {"moved": [{ticket_id, assignee_id}]} */
JsonObject *dw_desk_release_tickets  (DwDesk       *self,
                                      DwPrincipal  *actor,
                                      gint64        user_id,
                                      JsonObject   *fields,
                                      GError      **error);

/* {body*}: {"noted": [ticket ids]} */
JsonObject *dw_desk_note_at_risk     (DwDesk       *self,
                                      DwPrincipal  *actor,
                                      gint64        user_id,
                                      JsonObject   *fields,
                                      GError      **error);

/* {presence*}: the user */
JsonObject *dw_desk_set_agent_presence (DwDesk       *self,
                                        DwPrincipal  *actor,
                                        gint64        user_id,
                                        JsonObject   *fields,
                                        GError      **error);

/* {from_team_id*, to_team_id*}: {"user", "released": [ticket ids]} */
JsonObject *dw_desk_move_agent       (DwDesk       *self,
                                      DwPrincipal  *actor,
                                      gint64        user_id,
                                      JsonObject   *fields,
                                      GError      **error);

G_END_DECLS
