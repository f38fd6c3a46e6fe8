/* dw-store-backend.h: a store is a connection and the backend that speaks to it.
 *
 * The desk decides and the store stores (docs/design.md "The store layer").  Every query of a
 * domain is a named operation of store/dw-store-<domain>.h, a static inline call through the
 * domain's op table in the backend, so that the desk's logic does not know which database it
 * talks to: store/sqlite/ implements the tables for SQLite, store/pg/ will for PostgreSQL.
 *
 * Operations run inside the caller's transaction (dw-store-tx.h and the desk's group commit):
 * none begins, commits or rolls back.  Errors are DW_STORE_ERROR (dw-store.h).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _DwStore             DwStore;
typedef struct _DwStoreTicketOps    DwStoreTicketOps;
typedef struct _DwStoreRoutingOps   DwStoreRoutingOps;
typedef struct _DwStoreDirectoryOps DwStoreDirectoryOps;
typedef struct _DwStoreEventOps     DwStoreEventOps;
typedef struct _DwStoreDispatchOps  DwStoreDispatchOps;
typedef struct _DwStoreRosterOps    DwStoreRosterOps;
typedef struct _DwStoreSlaOps       DwStoreSlaOps;
typedef struct _DwStoreSurveyOps    DwStoreSurveyOps;
typedef struct _DwStoreSnapshotOps  DwStoreSnapshotOps;
typedef struct _DwStoreAuthOps      DwStoreAuthOps;
typedef struct _DwStorePeopleOps    DwStorePeopleOps;
typedef struct _DwStoreAgentOps     DwStoreAgentOps;
typedef struct _DwStoreSlaComplianceOps DwStoreSlaComplianceOps;
typedef struct _DwStoreDemoOps      DwStoreDemoOps;
typedef struct _DwStoreTxOps        DwStoreTxOps;
typedef struct _DwStoreStaffingOps  DwStoreStaffingOps;

/* One per backend, static: an op table per domain. */
typedef struct
{
  const char                *name;       /* "sqlite", "postgresql" */
  const DwStoreTicketOps    *tickets;    /* dw-store-tickets.h */
  const DwStoreRoutingOps   *routing;    /* dw-store-routing.h */
  const DwStoreDirectoryOps *directory;  /* dw-store-directory.h */
  const DwStoreEventOps     *events;     /* dw-store-events.h */
  const DwStoreDispatchOps  *dispatch;   /* dw-store-dispatch.h */
  const DwStoreRosterOps    *roster;     /* dw-store-roster.h */
  const DwStoreSlaOps       *sla;        /* dw-store-sla.h */
  const DwStoreSurveyOps    *surveys;    /* dw-store-surveys.h */
  const DwStoreSnapshotOps  *snapshot;   /* dw-store-snapshot.h */
  const DwStoreAuthOps      *auth;       /* dw-store-auth.h */
  const DwStorePeopleOps    *people;     /* dw-store-people.h */
  const DwStoreAgentOps     *agents;     /* dw-store-agents.h */
  const DwStoreSlaComplianceOps *sla_compliance;  /* dw-store-sla.h, compliance */
  const DwStoreDemoOps      *demo;       /* dw-store-demo.h */
  const DwStoreTxOps        *tx;         /* dw-store-tx.h */
  const DwStoreStaffingOps  *staffing;   /* dw-store-staffing.h */

  /* TRUE while a transaction is open on the connection. */
  gboolean (*in_transaction) (DwStore *store);

  const struct _DwStoreHealthOps *health;  /* dw-store-health.h */
} DwStoreBackend;

struct _DwStore
{
  const DwStoreBackend *backend;
  gpointer              conn;     /* the backend's connection (sqlite3 *, PGconn *), not owned */
};

static inline gboolean
dw_store_in_transaction (DwStore *store)
{
  return store->backend->in_transaction (store);
}

static inline void
dw_store_free (DwStore *store)
{
  g_free (store);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwStore, dw_store_free)

G_END_DECLS
