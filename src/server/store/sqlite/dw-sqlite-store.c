#define G_LOG_DOMAIN "dw-store"

#include "store/sqlite/dw-sqlite-store.h"

#include "store/dw-store-directory.h"
#include "store/dw-store-events.h"
#include "store/dw-store-routing.h"
#include "store/dw-store-tickets.h"
#include "store/dw-store-dispatch.h"
#include "store/dw-store-roster.h"
#include "store/dw-store-sla.h"
#include "store/dw-store-surveys.h"
#include "store/dw-store-snapshot.h"
#include "store/dw-store-auth.h"
#include "store/dw-store-people.h"
#include "store/dw-store-agents.h"
#include "store/dw-store-demo.h"
#include "store/dw-store-tx.h"
#include "store/dw-store-staffing.h"

static gboolean
in_transaction (DwStore *store)
{
  return !sqlite3_get_autocommit (dw_sqlite_store_db (store));
}

static const DwStoreBackend sqlite_backend = {
  .name = "sqlite",
  .tickets = &dw_sqlite_ticket_ops,
  .routing = &dw_sqlite_routing_ops,
  .directory = &dw_sqlite_directory_ops,
  .events = &dw_sqlite_event_ops,
  .in_transaction = in_transaction,
  .dispatch = &dw_sqlite_dispatch_ops,
  .roster = &dw_sqlite_roster_ops,
  .sla = &dw_sqlite_sla_ops,
  .surveys = &dw_sqlite_survey_ops,
  .snapshot = &dw_sqlite_snapshot_ops,
  .auth = &dw_sqlite_auth_ops,
  .people = &dw_sqlite_people_ops,
  .agents = &dw_sqlite_agent_ops,
  .sla_compliance = &dw_sqlite_sla_compliance_ops,
  .demo = &dw_sqlite_demo_ops,
  .tx = &dw_sqlite_tx_ops,
  .staffing = &dw_sqlite_staffing_ops,
  .health = &dw_sqlite_health_ops,
};

DwStore *
dw_sqlite_store_new (sqlite3 *db)
{
  DwStore *store;

  g_return_val_if_fail (db != NULL, NULL);

  store = g_new0 (DwStore, 1);
  store->backend = &sqlite_backend;
  store->conn = db;
  return store;
}
