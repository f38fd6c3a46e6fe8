/* dw-session.h: one signed-in desk: its client, its live sync and the service's clock.
 *
 * The application owns the session, not the window, so that the console can keep following
 * the desk (and raising SLA alerts) with its window closed.  The session's clock follows the
 * service's (GET /api/v1/health gives its "now" and speed; the demo runs its own time), and is
 * re-based each time the sync connects again.  No GTK here.
 */
#pragma once

#include <gio/gio.h>

#include "dw-account.h"
#include "dw-client.h"
#include "dw-clock.h"
#include "dw-sync.h"

G_BEGIN_DECLS

#define DW_TYPE_SESSION (dw_session_get_type ())
G_DECLARE_FINAL_TYPE (DwSession, dw_session, DW, SESSION, GObject)

/* @account: the saved desk, or NULL when nothing was saved (the demo, or signed in without
 * the keyring).  @is_demo: the service is the console's own demo. */
DwSession *dw_session_new          (DwClient  *client,
                                    DwAccount *account,
                                    gboolean   is_demo);
DwClient  *dw_session_get_client   (DwSession *self);
DwAccount *dw_session_get_account  (DwSession *self);
DwSync    *dw_session_get_sync     (DwSession *self);
DwClock   *dw_session_get_clock    (DwSession *self);
gboolean   dw_session_get_is_demo  (DwSession *self);
/* A name for the desk, e.g. "lead on desk.example.com". */
char      *dw_session_dup_label    (DwSession *self);
/* Reads the service's clock, then starts the sync. */
void       dw_session_start        (DwSession *self);
/* The clock and the snapshot (taken), already fetched (both or neither): the first start
 * sets the one and applies the other before it returns. */
void       dw_session_set_prefetched (DwSession      *self,
                                      JsonObject     *health,
                                      DwSyncSnapshot *snapshot);
/* Stops the sync; the lists keep their last contents. */
void       dw_session_stop         (DwSession *self);

G_END_DECLS
