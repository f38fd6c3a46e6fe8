/* dw-event-log.h: the durable, sequenced event stream every change is pushed through.
 *
 * Writers append events inside their own SQLite transaction (so an event exists exactly when
 * the change it describes was committed) and call dw_event_log_publish() after COMMIT, which
 * hands the new events to the connected WebSocket clients.  After a ROLLBACK they call
 * dw_event_log_discard() instead.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "dw-clock.h"
#include "dw-leader.h"
#include "store/dw-store-backend.h"

G_BEGIN_DECLS

#define DW_TYPE_EVENT_LOG (dw_event_log_get_type ())
G_DECLARE_FINAL_TYPE (DwEventLog, dw_event_log, DW, EVENT_LOG, GObject)

/* @store is the service's, which outlives the log. */
DwEventLog *dw_event_log_new        (DwStore     *store,
                                     DwClock     *clock);

/* Appends one event in the caller's open transaction and returns its sequence number.
 * @type is e.g. "ticket.created"; @team_id / @user_id (0 for none) scope who may see it;
 * @data is the event's payload (a JSON object, typically the full changed resource), not taken. */
gint64      dw_event_log_append     (DwEventLog  *self,
                                     const char  *type,
                                     gint64       team_id,
                                     gint64       user_id,
                                     JsonObject  *data,
                                     GError     **error);
/* The same with the payload as its JSON text (dw_json_to_string()'s form), taken: for a
 * payload written without a JsonNode tree (a create's ticket). */
gint64      dw_event_log_append_text (DwEventLog  *self,
                                      const char  *type,
                                      gint64       team_id,
                                      gint64       user_id,
                                      char        *text,
                                      GError     **error);

void        dw_event_log_publish    (DwEventLog  *self);
void        dw_event_log_discard    (DwEventLog  *self);
/* For one write inside a larger transaction (a SAVEPOINT of a group commit): mark where its
 * events start, and forget only those when the write is rolled back to its savepoint. */
void        dw_event_log_mark       (DwEventLog  *self);
void        dw_event_log_discard_to_mark (DwEventLog *self);

/* The last committed sequence number (0 for an empty log). */
gint64      dw_event_log_get_seq    (DwEventLog  *self);

/* One committed event, as the stream sends it.  Immutable once published; refcounted so that
 * every client queue can hold the same frame without copying. */
typedef struct _DwEvent DwEvent;

struct _DwEvent
{
  gint64  seq;
  gint64  at;
  char   *type;
  gint64  team_id;   /* 0 for none */
  gint64  user_id;   /* 0 for none */
  char   *data;      /* compact JSON object */
};

#define DW_TYPE_EVENT (dw_event_get_type ())
GType       dw_event_get_type       (void) G_GNUC_CONST;
DwEvent    *dw_event_ref            (DwEvent     *event);
void        dw_event_unref          (DwEvent     *event);
/* The stream's text frame {"type":"event","seq":N,"event":T,"at":A,"data":{...}}, made once. */
GBytes     *dw_event_get_frame      (DwEvent     *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwEvent, dw_event_unref)

/* The oldest sequence number still kept (get_seq () + 1 when the log is empty): a client
 * that has seen every event up to S can resume iff get_first_seq () - 1 <= S <= get_seq (). */
gint64      dw_event_log_get_first_seq (DwEventLog *self);

/* Up to @limit committed events with seq > @after, oldest first (array of DwEvent, owned).
 * Never returns events appended in a transaction that has not been published yet. */
GPtrArray  *dw_event_log_read       (DwEventLog  *self,
                                     gint64       after,
                                     guint        limit,
                                     GError     **error);

/* Retention: keep at most @max_events events and none older than @max_age seconds (of the
 * log's clock); 0 leaves a bound unchanged.  Defaults 100000 events and 7 days, or the
 * environment's DESKWATCH_EVENTS_KEEP / DESKWATCH_EVENTS_MAX_AGE (for tests).  Pruning runs
 * after publishing, when the log has grown 10 % past a bound, outside any transaction. */
void        dw_event_log_set_retention (DwEventLog *self,
                                        gint64      max_events,
                                        gint64      max_age);
/* Prunes now (outside a transaction). */
gboolean    dw_event_log_prune      (DwEventLog  *self,
                                     GError     **error);

/* Signal "published" (DwEvent *event): emitted by dw_event_log_publish() for every committed
 * event, in seq order.  Handlers must not keep @event without dw_event_ref(). */

/* Signal "access-changed" (gint64 user_id): what a principal may do may have changed — a token
 * revoked, a user disabled, its role or teams changed — for @user_id, or for anyone (0).  Open
 * streams check their principal again (dw-stream.c).  Emitted by the writers of such changes
 * after their COMMIT, and by dw_event_log_poll_access(). */
void        dw_event_log_access_changed (DwEventLog *self,
                                         gint64      user_id);
/* The same from inside the caller's open transaction: emitted by dw_event_log_publish() after
 * COMMIT, before the transaction's events; forgotten by dw_event_log_discard(). */
void        dw_event_log_append_access_change (DwEventLog *self,
                                               gint64      user_id);
/* Emits "access-changed" for anyone when another connection — another process on the same
 * file, such as `deskwatchd token revoke` — committed since the last look (PRAGMA
 * data_version).  Called by a timer of the service and before every publish.  TRUE when it
 * emitted. */
gboolean    dw_event_log_poll_access    (DwEventLog *self);

char       *dw_event_log_dup_pending_data (DwEventLog *self,
                                          gint64      seq);
/* Several instances on one database (PostgreSQL): each log LISTENs for every instance's commits
 * on a session of its own and publishes the other instances' events, read from the table in
 * seq order, exactly as it publishes its own, so every instance's stream serves every event
 * (docs/design.md "The event stream (sync)").  This publishes now whatever is committed and not
 * yet published, and moves the oldest kept seq up to what the leader's pruning left; the stream
 * calls it before it decides whether a since= can be served.  Nothing to do (TRUE) on a store
 * with one instance; FALSE when the table cannot be read. */
gboolean    dw_event_log_sync       (DwEventLog  *self);

/* Only @leader's instance prunes (retention is singleton work).  Without a leader the log
 * prunes on a store with one instance and never on one with several. */
void        dw_event_log_set_leader (DwEventLog  *self,
                                     DwLeader    *leader);

G_END_DECLS
