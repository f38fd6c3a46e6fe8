/* dw-stream.h: GET /api/v1/stream, the event stream as a WebSocket (docs/api.md "Stream").
 *
 * A client connects with ?since=SEQ and receives, as JSON text frames, every event after SEQ
 * that its principal may see, then the live ones, with neither gap nor duplicate; or a resync
 * message when SEQ is no longer (or not yet) in the log.  Each client has a bounded queue: one
 * that does not read is told to resync and closed, never slowing the others or the service.
 */
#pragma once

#include <libsoup/soup.h>

#include "dw-clock.h"
#include "dw-event-log.h"
#include "dw-principal.h"

G_BEGIN_DECLS

/* Authenticates the upgrade request; NULL with @error (DW_AUTH_ERROR) to refuse it with 401. */
typedef DwPrincipal *(*DwStreamAuthFunc) (SoupServerMessage  *msg,
                                          gpointer            data,
                                          GError            **error);

/* The principal of an open stream as it is now (its token still valid, its user enabled, its
 * role and teams re-read); NULL with @error — DW_AUTH_ERROR when the token no longer
 * authorises anything. */
typedef DwPrincipal *(*DwStreamRecheckFunc) (DwPrincipal  *principal,
                                             gpointer      data,
                                             GError      **error);

#define DW_STREAM_PATH "/api/v1/stream"

/* Close codes (docs/api.md "Stream"). */
#define DW_STREAM_CLOSE_RESYNC 4000        /* reload the snapshot, then reconnect */
#define DW_STREAM_CLOSE_UNAUTHORIZED 4001  /* token revoked or expired, user disabled: sign in */

/* Serves DW_STREAM_PATH on @server for as long as @server lives.  @auth_data must outlive it.
 * Whenever @log emits "access-changed", the affected streams are checked with @recheck: one
 * that lost its authority is closed with DW_STREAM_CLOSE_UNAUTHORIZED, one whose role or teams
 * changed is told to resync (its scope changed, so must its snapshot). */
void dw_stream_install (SoupServer          *server,
                        DwEventLog          *log,
                        DwClock             *clock,
                        DwStreamAuthFunc     auth,
                        DwStreamRecheckFunc  recheck,
                        gpointer             auth_data);

/* Drops libsoup's debug messages (two per frame sent) early, unless G_MESSAGES_DEBUG asks for
 * them.  dw_stream_install() calls it; once per process. */
void dw_stream_quiet_libsoup_debug (void);

G_END_DECLS
