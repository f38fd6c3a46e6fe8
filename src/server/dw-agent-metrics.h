/* dw-agent-metrics.h: per-agent performance, counted from the audit trail.
 *
 * The audit trail says everything that happened to a ticket, in order.  dw_agent_facts_catch_up()
 * reads the audit rows added since it last looked and writes one agent fact for each thing an
 * agent did (a ticket assigned to it, its first response, a ticket it solved, one of those
 * reopened, an SLA target met or breached while the ticket was its), with the times it took in
 * calendar and in business seconds; and each change of an agent's capacity (migration 008), so
 * that utilization weighs the load against the capacity of the moment.  The figures of a period
 * are counted from those facts, so a request reads the facts of its period and never the whole
 * trail; dw_agent_facts_rebuild() reads it all again from the start, which a test uses to show
 * the two agree.
 *
 * docs/api.md "Agents" defines each figure.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "dw-principal.h"
#include "store/dw-store-backend.h"

G_BEGIN_DECLS

/* Brings the facts up to every audit row committed, in its own transaction (each row read once
 * whatever order the writers committed their audit ids in: dw_store_agent_audit_read_unread). */
gboolean    dw_agent_facts_catch_up (DwStore      *store,
                                     GError      **error);
/* The same for about @budget_ms (0: until done), in its own transaction; *@done (may be NULL)
 * says whether the facts are now up to date.  Calls one after another read the trail exactly as
 * one call does: the service reads a long trail this way from idle (dw-service.c), so requests
 * are answered between two slices. */
gboolean    dw_agent_facts_catch_up_for (DwStore   *store,
                                         guint      budget_ms,
                                         gboolean  *done,
                                         GError   **error);
/* Forgets every fact and reads the whole trail again. */
gboolean    dw_agent_facts_rebuild  (DwStore      *store,
                                     GError      **error);

/* The figures of @team_id's agents over [@from, @to) (0 and 0: the team calendar's today), with
 * the team's median of each; a lead of the team or an admin sees every agent, an agent of the
 * team only itself.  @daily adds each agent's "daily" series of the main figures. */
JsonObject *dw_agent_metrics        (DwStore      *store,
                                     DwPrincipal  *actor,
                                     gint64        team_id,
                                     const char   *period,   /* today, 7d, 30d, or NULL */
                                     gint64        from,
                                     gint64        to,
                                     gint64        now,
                                     gboolean      daily,
                                     GError      **error);

/* The window of @period (or *@from, *@to when given) in @team_id's calendar, with the facts
 * brought up to date: for the drill-down behind a figure. */
gboolean    dw_agent_metrics_window (DwStore      *store,
                                     gint64        team_id,
                                     const char   *period,
                                     gint64        now,
                                     gint64       *from,
                                     gint64       *to,
                                     GError      **error);

G_END_DECLS
