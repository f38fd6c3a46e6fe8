/* dw-pg-health.c: /health's reads (store/dw-store-health.h) on PostgreSQL.  The schema version
 * is the migrations' (dw_pg_get_schema_version: the newest schema_version row); the commits are
 * counted by dw-pg-tx.c.  Statements prepared are not reported (null): each connection prepares
 * a text once per session (dw-pg-connection.c), a count /health does not show yet. */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include "store/dw-store-health.h"
#include "store/pg/dw-pg-migrations.h"
#include "store/pg/dw-pg-ops.h"
#include "store/pg/dw-pg-store.h"

static int
schema_version (DwStore *store)
{
  g_autoptr(GError) error = NULL;
  int version = dw_pg_get_schema_version (dw_pg_store_conn (store), &error);

  if (version < 0)
    g_debug ("Cannot read the schema version: %s", error->message);
  return version;
}

static void
stats (DwStore            *store,
       DwStoreHealthStats *stats)
{
  stats->statements_prepared = -1;
  stats->commits = dw_pg_tx_get_commits ();
}

const DwStoreHealthOps dw_pg_health_ops = {
  .schema_version = schema_version,
  .stats = stats,
};
