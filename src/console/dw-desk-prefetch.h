/* dw-desk-prefetch.h: a saved desk's sign-in and first snapshot, fetched while GTK starts.
 *
 * DwAccountManager's restore does the same on the main loop, one step after another, once the
 * window is up.  At start-up the main thread is busy initialising GTK and building the window
 * for longer than the keyring, GET /me, GET /health and the snapshot take, so this does them in
 * a thread of its own (its own main context and DwClient: the keyring's lookup, then the three
 * requests at once, then reading the snapshot into objects) and the application picks up the
 * results when it is ready for them.  The outcome is that of dw_account_manager_restore_async():
 * a token the service refused, none stored or a keyring that failed is an error; a service that
 * cannot be reached is not (the session starts and shows that it is reconnecting).  No GTK here.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dw-account.h"
#include "dw-client.h"
#include "dw-sync.h"

G_BEGIN_DECLS

#define DW_TYPE_DESK_PREFETCH (dw_desk_prefetch_get_type ())
G_DECLARE_FINAL_TYPE (DwDeskPrefetch, dw_desk_prefetch, DW, DESK_PREFETCH, GObject)

DwDeskPrefetch *dw_desk_prefetch_new           (DwAccount            *account);
DwAccount      *dw_desk_prefetch_get_account   (DwDeskPrefetch       *self);
/* Starts the thread; @callback runs on the calling thread's main context when it is done (and
 * also when @cancellable was cancelled: then dw_desk_prefetch_make_client() says so). */
void            dw_desk_prefetch_run_async     (DwDeskPrefetch       *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
/* TRUE once the thread has finished: the results below can be read before the callback runs. */
gboolean        dw_desk_prefetch_is_done       (DwDeskPrefetch       *self);
/* A client of the calling thread with the stored token, or NULL and why (as
 * dw_account_manager_restore_finish()).  Only once the thread is done. */
DwClient       *dw_desk_prefetch_make_client   (DwDeskPrefetch       *self,
                                                GError              **error);
/* GET /api/v1/health's answer, or NULL when it failed. */
JsonObject     *dw_desk_prefetch_get_health    (DwDeskPrefetch       *self);
/* The snapshot, read (the caller owns it), or NULL when it failed or was taken. */
DwSyncSnapshot *dw_desk_prefetch_steal_snapshot (DwDeskPrefetch      *self);

G_END_DECLS
