/* dw-sla-engine.h: runs every ticket's SLA clocks on its team's business calendar.
 *
 * It never scans all tickets periodically: each ticket stores the next moment one of its targets
 * changes state (tickets.next_sla_at), and the engine keeps one alarm for the earliest of them.
 */
#pragma once


#include "dw-clock.h"
#include "dw-event-log.h"

G_BEGIN_DECLS

#define DW_TYPE_SLA_ENGINE (dw_sla_engine_get_type ())
G_DECLARE_FINAL_TYPE (DwSlaEngine, dw_sla_engine, DW, SLA_ENGINE, GObject)

/* @store is the service's, which outlives the engine. */
DwSlaEngine *dw_sla_engine_new        (DwStore     *store,
                                       DwClock     *clock,
                                       DwEventLog  *events);

/* Recomputes the SLA of ticket @ticket_id in the caller's open transaction, after the caller has
 * written its change: matches the policy if none is set yet, writes tickets.sla, sla_state,
 * sla_policy_id and next_sla_at, and audits and appends an event for every target whose state
 * changed.  Returns FALSE with @error only on a database error. */
gboolean     dw_sla_engine_refresh    (DwSlaEngine *self,
                                       gint64       ticket_id,
                                       GError     **error);

/* After COMMIT: re-arms the alarm if the earliest next_sla_at moved. */
void         dw_sla_engine_reschedule (DwSlaEngine *self);

void         dw_sla_engine_start      (DwSlaEngine *self);
void         dw_sla_engine_stop       (DwSlaEngine *self);

/* Alarms and escalations (and the reassignment an escalation asks for) run only while
 * @leader's instance leads; taking over rescans what is due.  Without a leader the engine
 * runs whenever started (one instance). */
void         dw_sla_engine_set_leader (DwSlaEngine *self,
                                       DwLeader    *leader);
/* TRUE while started and leading: the alarm is armed. */
gboolean     dw_sla_engine_get_running (DwSlaEngine *self);

G_END_DECLS
