/* dw-sqlite-store.h: the SQLite backend of the store layer (docs/design.md "The store layer").
 * Its operations prepare through dw-store.c's statement cache and run inside the caller's
 * transaction. */
#pragma once

#include <sqlite3.h>

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

/* A store on @db, which stays the caller's (free the store before closing it). */
DwStore *dw_sqlite_store_new (sqlite3 *db);

/* The backend's op tables (dw-sqlite-<domain>.c). */
extern const DwStoreTicketOps    dw_sqlite_ticket_ops;
extern const DwStoreRoutingOps   dw_sqlite_routing_ops;
extern const DwStoreDirectoryOps dw_sqlite_directory_ops;
extern const DwStoreEventOps     dw_sqlite_event_ops;
extern const DwStoreDispatchOps  dw_sqlite_dispatch_ops;
extern const DwStoreRosterOps    dw_sqlite_roster_ops;
extern const DwStoreSlaOps       dw_sqlite_sla_ops;
extern const DwStoreSurveyOps    dw_sqlite_survey_ops;
extern const DwStoreSnapshotOps  dw_sqlite_snapshot_ops;
extern const DwStoreAuthOps      dw_sqlite_auth_ops;
extern const DwStorePeopleOps    dw_sqlite_people_ops;
extern const DwStoreAgentOps     dw_sqlite_agent_ops;
extern const DwStoreSlaComplianceOps dw_sqlite_sla_compliance_ops;
extern const DwStoreDemoOps      dw_sqlite_demo_ops;
extern const DwStoreTxOps        dw_sqlite_tx_ops;
extern const DwStoreStaffingOps  dw_sqlite_staffing_ops;
extern const struct _DwStoreHealthOps dw_sqlite_health_ops;

static inline sqlite3 *
dw_sqlite_store_db (DwStore *store)
{
  return store->conn;
}

G_END_DECLS
