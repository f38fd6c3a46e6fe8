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

/* A store on @conn, which stays the caller's (free the store before finishing it). */
DwStore  *dw_pg_store_new               (PGconn   *conn);

/* Sets every identity column's sequence past the largest id in its table: after rows were
 * written with their ids (a moved desk, a test's seed), the next insert must not collide. */
gboolean  dw_pg_store_reset_identities  (PGconn   *conn,
                                         GError  **error);

/* Turns a DW_PG_ERROR into the store's error domain: class 23 → DW_STORE_ERROR_CONSTRAINT,
 * serialization failure → _CONFLICT, anything else → _FAILED (the message kept). */
void      dw_pg_store_propagate_error   (GError  **dest,
                                         GError   *src);

static inline PGconn *
dw_pg_store_conn (DwStore *store)
{
  return store->conn;
}

G_END_DECLS
