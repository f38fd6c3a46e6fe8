/* dw-event-log.h: the durable, sequenced event stream every change is pushed through.
 *
 * Writers append events inside their own SQLite transaction (so an event exists exactly when
 * the change it describes was committed) and call dw_event_log_publish() after COMMIT, which
 * hands the new events to the connected WebSocket clients.  After a ROLLBACK they call
 * dw_event_log_discard() instead.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "dw-clock.h"

G_BEGIN_DECLS

#define DW_TYPE_EVENT_LOG (dw_event_log_get_type ())
G_DECLARE_FINAL_TYPE (DwEventLog, dw_event_log, DW, EVENT_LOG, GObject)

DwEventLog *dw_event_log_new        (sqlite3     *db,
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

void        dw_event_log_publish    (DwEventLog  *self);
void        dw_event_log_discard    (DwEventLog  *self);

/* The last committed sequence number (0 for an empty log). */
gint64      dw_event_log_get_seq    (DwEventLog  *self);

G_END_DECLS
