/* dw-api.h: the HTTP API of docs/api.md on a SoupServer.
 *
 * One handler under /api/v1 routes to small per-resource files (dw-api-*.c); every answer is
 * JSON, every failure a problem document (dw-problem.h).  Reads go through the store's named
 * operations (the DwStore the service lends, either backend); writes
 * go through DwDesk, which owns transactions, audit and events.
 */
#pragma once

#include <libsoup/soup.h>

#include "dw-clock.h"
#include "dw-desk.h"
#include "dw-event-log.h"
#include "dw-principal.h"

#include "dw-read-pool.h"

G_BEGIN_DECLS

/* Request bodies larger than this are refused with 413. */
#define DW_API_MAX_BODY (1024 * 1024)

#define DW_TYPE_API (dw_api_get_type ())
G_DECLARE_FINAL_TYPE (DwApi, dw_api, DW, API, GObject)

/* @store is the service's, which outlives the API. */
DwApi       *dw_api_new          (DwStore            *store,
                                  DwClock            *clock,
                                  DwDesk             *desk,
                                  DwEventLog         *events);
void         dw_api_install      (DwApi              *self,
                                  SoupServer         *server);
/* Serves GET /api/v1/snapshot on @pool's connections off the main loop (a ref is taken; NULL:
 * on the main connection) and shows the pool in GET /api/v1/health. */
void         dw_api_set_read_pool (DwApi             *self,
                                   DwReadPool        *pool);

/* The principal of @msg's token; a DwStreamAuthFunc with @api as its data (the only place
 * where the token may also come as ?access_token=). */
DwPrincipal *dw_api_authenticate (SoupServerMessage  *msg,
                                  gpointer            api,
                                  GError            **error);
/* @principal's token and user as they are now; a DwStreamRecheckFunc with @api as its data. */
DwPrincipal *dw_api_recheck      (DwPrincipal        *principal,
                                  gpointer            api,
                                  GError            **error);

/* A DwLimitsHeaderCheck with @api as its data: refuses a request with a body for a route that
 * needs a token, without a valid one, before its body is read. */
gboolean     dw_api_check_headers (SoupServerMessage  *msg,
                                   gpointer            api);

G_END_DECLS
