/* dw-pg-store.h: the PostgreSQL backend of the store layer (docs/design.md "The store layer",
 * "PostgreSQL backend").
 *
 * Its operations run their statements on the store's connection with text parameters
 * (dw_pg_query) inside the caller's transaction, and map SQLSTATEs to DW_STORE_ERROR: class 23
 * to _CONSTRAINT, no row to _NOT_FOUND, an update whose expected version moved to _CONFLICT.
 * Each domain's op table is in store/pg/dw-pg-<domain>.c.
 */
#pragma once

#include <libpq-fe.h>

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

/* A store on @conn, which stays the caller's (free the store before finishing it).  When the
 * connection is lost (PostgreSQL restarted, the backend was terminated), the operation fails
 * with DW_STORE_ERROR_UNAVAILABLE and the store reconnects @conn (PQreset: the same pointer) at
 * a later begin or operation outside a transaction, at most once per reconnect interval.  A
 * transaction during which the connection was lost fails to its end (never committed). */
DwStore  *dw_pg_store_new               (PGconn   *conn);

/* The default least time between two attempts to reconnect. */
#define DW_PG_STORE_RECONNECT_INTERVAL_MS 1000
void      dw_pg_store_set_reconnect_interval (DwStore *store,
                                              guint    interval_ms);
/* Successful reconnections since the store was made. */
guint     dw_pg_store_get_n_reconnects  (DwStore  *store);

/* Called after the store reconnected, before anything else runs on the new session, to restore
 * what the old one held (LISTEN, session settings).  FALSE with @error (any domain): the store
 * stays unavailable and calls the hooks again at its next use. */
typedef gboolean (*DwPgStoreReconnectedFunc) (DwStore  *store,
                                              gpointer  data,
                                              GError  **error);
#define DW_PG_STORE_MAX_RECONNECTED_HOOKS 4
/* Adds @func (at most DW_PG_STORE_MAX_RECONNECTED_HOOKS); @data must outlive the store. */
void      dw_pg_store_add_reconnected_hook (DwStore                  *store,
                                            DwPgStoreReconnectedFunc  func,
                                            gpointer                  data);

/* Sets @store's session's lock_timeout (dw_pg_set_lock_timeout), now and again on every session
 * it reconnects to; sessions opened from it (dw-store-instances.h) take the same.  A statement
 * that waits longer for a lock fails with DW_STORE_ERROR_LOCK_TIMEOUT. */
gboolean  dw_pg_store_set_lock_timeout  (DwStore  *store,
                                         guint     timeout_ms,
                                         GError  **error);
guint     dw_pg_store_get_lock_timeout  (DwStore  *store);

/* Sets every identity column's sequence past the largest id in its table: after rows were
 * written with their ids (a moved desk, a test's seed), the next insert must not collide. */
gboolean  dw_pg_store_reset_identities  (PGconn   *conn,
                                         GError  **error);

/* Turns a DW_PG_ERROR into the store's error domain: class 23 → DW_STORE_ERROR_CONSTRAINT,
 * serialization failure → _CONFLICT, connection lost or refused (08, 57P, 53300) →
 * _UNAVAILABLE, lock_timeout (55P03) → _LOCK_TIMEOUT, anything else → _FAILED (the message kept). */
void      dw_pg_store_propagate_error   (GError  **dest,
                                         GError   *src);

static inline PGconn *
dw_pg_store_conn (DwStore *store)
{
  return store->conn;
}

G_END_DECLS
