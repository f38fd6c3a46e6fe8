/* dw-sqlite-health.c: /health's reads (store/dw-store-health.h) on SQLite: dw-store.c's
 * PRAGMA user_version (through the statement cache) and its process-wide counters. */
#define G_LOG_DOMAIN "dw-store"

#include "store/sqlite/dw-sqlite-store.h"

#include "dw-store.h"
#include "store/dw-store-health.h"

static int
schema_version (DwStore *store)
{
  return dw_store_get_schema_version (dw_sqlite_store_db (store));
}

static void
stats (DwStore            *store,
       DwStoreHealthStats *stats)
{
  DwStoreStats counted;

  dw_store_get_stats (&counted);
  stats->statements_prepared = counted.statements_prepared;
  stats->commits = counted.commits;
}

const DwStoreHealthOps dw_sqlite_health_ops = {
  .schema_version = schema_version,
  .stats = stats,
};
