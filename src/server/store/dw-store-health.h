/* dw-store-health.h: what GET /api/v1/health says of the database (docs/api.md "Health"): the
 * schema version and what the writes have cost since the process started.
 *
 * Outside any transaction or inside the caller's; neither call fails loudly: /health answers
 * what it can (the ping, dw_store_ping, says whether the database answers at all).
 */
#pragma once

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

typedef struct _DwStoreHealthOps DwStoreHealthOps;

/* Counters of this process since it started, over every store of its backend. */
typedef struct
{
  gint64 statements_prepared;  /* statements parsed because no cached one was there;
                                * -1: not counted (PostgreSQL: no statement cache, the server
                                * parses every statement it is sent) */
  gint64 commits;              /* successful COMMITs, each one sync of the write-ahead log */
} DwStoreHealthStats;

struct _DwStoreHealthOps
{
  int   (*schema_version) (DwStore            *store);
  void  (*stats)          (DwStore            *store,
                           DwStoreHealthStats *stats);
};

/* The desk's schema version: SQLite's user_version, PostgreSQL's newest schema_version row
 * (the same numbers, docs/design.md "One schema history"); 0 for an empty database, -1 when it
 * cannot be read. */
static inline int
dw_store_schema_version (DwStore *store)
{
  return store->backend->health->schema_version (store);
}

static inline void
dw_store_health_stats (DwStore            *store,
                       DwStoreHealthStats *stats)
{
  store->backend->health->stats (store, stats);
}

G_END_DECLS
