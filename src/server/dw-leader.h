/* dw-leader.h: which instance does the singleton work (the SLA engine's alarms and escalations,
 * the demo simulator, the hand-back alarm, the event log's retention).
 *
 * On a store with several instances (PostgreSQL) the leader is whoever holds the leadership lock
 * on a session of its own (dw-store-instances.h); every instance asks again every second or so,
 * from a timer of the main loop, so a leader that died is replaced within seconds, and a leader
 * whose session is lost steps down at its next round (it cannot know whether it still leads).
 * On a store with one instance (SQLite) it always leads.  Watch notify::is-leader.
 */
#pragma once

#include <glib-object.h>

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

#define DW_TYPE_LEADER (dw_leader_get_type ())
G_DECLARE_FINAL_TYPE (DwLeader, dw_leader, DW, LEADER, GObject)

/* @store is the service's, which outlives the leader.  Asks once at once: a lone instance leads
 * when this returns. */
DwLeader *dw_leader_new            (DwStore  *store);
gboolean  dw_leader_get_is_leader  (DwLeader *self);

/* For a component that follows the leadership: makes *@leader_ptr hold a reference to @leader
 * and *@handler_id its notify::is-leader handler (@callback with @data), dropping the handler
 * on the leader it held before. */
void      dw_leader_watch          (DwLeader **leader_ptr,
                                    gulong    *handler_id,
                                    DwLeader  *leader,
                                    GCallback  callback,
                                    gpointer   data);

G_END_DECLS
