/* dw-sync.h: keeps one account's view of the desk live.
 *
 * A DwSync loads GET /api/v1/snapshot (in its compact form, docs/api.md "Compact snapshot", read
 * on a worker thread; JSON from a service without it) into three list models (tickets, users,
 * teams) of model objects (DwTicket, DwUser, DwTeam), then follows the event stream (WebSocket
 * /api/v1/stream?since=SEQ) and applies each event in place: an existing object is updated
 * with dw_*_update_from_json (it notifies just the properties that changed), a new one is
 * inserted and a gone one removed with one items-changed each.  The lists are never rebuilt,
 * not even when the service asks for a resync: the new snapshot is reconciled into them.
 *
 * When the stream drops (or stays silent for twice the heartbeat interval) DwSync reconnects
 * with exponential back-off and jitter and resumes from the last sequence number it applied,
 * so no event is missed or applied twice.  There is no polling: only the back-off timer and
 * the liveness timer run.
 *
 * Times (connected-since, data-as-of, …) are Unix seconds of the DwClock given, 0 for unset.
 *
 * Signals:
 *   "event" (detailed by the event type, e.g. "event::sla.escalated"):
 *       void (*) (DwSync *, const char *type, JsonObject *data, gpointer)
 *     after an event of the stream was applied to the lists; for views with needs of their
 *     own (the SLA board).  @data is the event's payload, read-only.
 *   "resynced": void (*) (DwSync *, gpointer)
 *     after a snapshot was reconciled into the lists (the first load included): views that
 *     keep state derived from events should recompute it.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dw-client.h"
#include "dw-clock.h"
#include "dw-object-store.h"
#include "dw-team.h"
#include "dw-ticket.h"
#include "dw-user.h"

G_BEGIN_DECLS

typedef enum
{
  DW_SYNC_STATE_DISCONNECTED,  /* not started, or stopped */
  DW_SYNC_STATE_CONNECTING,    /* loading the snapshot / opening the stream; data not live yet */
  DW_SYNC_STATE_CONNECTED,     /* following the stream: data is live */
  DW_SYNC_STATE_RECONNECTING,  /* lost the service; retrying at next-retry */
  DW_SYNC_STATE_OFFLINE,       /* given up until told otherwise: the token was refused (see
                                  error), or the network is down (retries go on) */
} DwSyncState;

#define DW_TYPE_SYNC_STATE (dw_sync_state_get_type ())
GType dw_sync_state_get_type (void) G_GNUC_CONST;

#define DW_TYPE_SYNC (dw_sync_get_type ())
G_DECLARE_FINAL_TYPE (DwSync, dw_sync, DW, SYNC, GObject)

/* @clock: where "now" comes from (not taken; NULL for a real-time clock). */
DwSync        *dw_sync_new                   (DwClient      *client,
                                              DwClock       *clock);

DwClient      *dw_sync_get_client            (DwSync        *self);

/* Starts loading and following; from DISCONNECTED or OFFLINE (e.g. after a new sign-in). */
void           dw_sync_start                 (DwSync        *self);
/* Closes the stream and cancels everything; the lists keep their (now stale) contents. */
/* A snapshot fetched and read elsewhere (in another thread, before the sync existed). */
typedef struct _DwSyncSnapshot DwSyncSnapshot;
DwSyncSnapshot *dw_sync_snapshot_read        (GBytes        *bytes,
                                              const char    *content_type,
                                              GCancellable  *cancellable,
                                              GError       **error);
void           dw_sync_snapshot_free         (DwSyncSnapshot *snapshot);
void           dw_sync_start_with_snapshot   (DwSync        *self,
                                              DwSyncSnapshot *snapshot);

void           dw_sync_stop                  (DwSync        *self);
/* While RECONNECTING or OFFLINE: retries at once instead of waiting for next-retry. */
void           dw_sync_retry_now             (DwSync        *self);

DwSyncState    dw_sync_get_state             (DwSync        *self);
/* The sequence number of the last event (or snapshot) applied. */
gint64         dw_sync_get_last_seq          (DwSync        *self);
/* When the current stream connection opened; 0 unless CONNECTED. */
gint64         dw_sync_get_connected_since   (DwSync        *self);
/* When the service last told us something (snapshot, event, heartbeat): the lists show the
 * desk as of then. */
gint64         dw_sync_get_data_as_of        (DwSync        *self);
/* When the connection was lost; 0 while CONNECTED or before the first connection. */
gint64         dw_sync_get_reconnecting_since (DwSync       *self);
/* When the next attempt is due; 0 when none is scheduled. */
gint64         dw_sync_get_next_retry        (DwSync        *self);
/* Why the last attempt failed (DW_CLIENT_ERROR), or NULL. */
const GError  *dw_sync_get_error             (DwSync        *self);
/* How many items the service sent that the console could not read and left out (tickets,
 * users and teams of snapshots; events), since the sync was made.  Each is also logged with
 * g_message() saying which and why; the rest of the desk stays live. */
guint          dw_sync_get_skipped_items     (DwSync        *self);
/* The signed-in user as the snapshot described it, or NULL before the first snapshot. */
DwUser        *dw_sync_get_me                (DwSync        *self);
/* Whether the signed-in user sees the queue of @team_id (docs/api.md "Roles"): an admin every
 * team, a lead or an agent the teams it belongs to (leading or not).  Every list of teams a
 * figure is shown for (queues, compliance, preferences) leaves the others out rather than show
 * them with zeros.  TRUE before the first snapshot. */
gboolean       dw_sync_sees_team             (DwSync        *self,
                                              gint64         team_id);

/* The lists, in id order (transfer none; they live as long as the DwSync). */
DwObjectStore *dw_sync_get_tickets           (DwSync        *self);
DwObjectStore *dw_sync_get_users             (DwSync        *self);
DwObjectStore *dw_sync_get_teams             (DwSync        *self);

DwTicket      *dw_sync_lookup_ticket         (DwSync        *self,
                                              gint64         ticket_id);
DwUser        *dw_sync_lookup_user           (DwSync        *self,
                                              gint64         user_id);
DwTeam        *dw_sync_lookup_team           (DwSync        *self,
                                              gint64         team_id);

/* Applies a ticket the service returned (e.g. from dw_client_patch_ticket_finish) as if it
 * came from the stream, so the console's confirmed edit shows at once.  Older versions than
 * the one held are ignored. */
void           dw_sync_apply_ticket          (DwSync        *self,
                                              JsonObject    *ticket);

/* Back-off between attempts: @initial_ms doubling up to @max_ms, each with jitter (defaults
 * 1 s and 60 s).  Tests shorten them. */
void           dw_sync_set_backoff           (DwSync        *self,
                                              guint          initial_ms,
                                              guint          max_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwSyncSnapshot, dw_sync_snapshot_free)

G_END_DECLS
