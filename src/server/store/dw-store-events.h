/* dw-store-events.h: the named operations on the two append-only records every change writes
 * with it: the event log (dw-event-log.c) and the audit trail (dw_desk_audit).  Inside the
 * caller's transaction, like every operation. */
#pragma once

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

/* One row of the event log, borrowed for the length of a dw_store_events_read() callback. */
typedef struct
{
  gint64      seq;
  gint64      at;
  const char *type;
  gint64      team_id;   /* 0: none */
  gint64      user_id;   /* 0: none */
  const char *data;      /* compact JSON object */
} DwStoreEventRow;

typedef void (*DwStoreEventFunc) (const DwStoreEventRow *row,
                                  gpointer               user_data);

/* One audit row (borrowed); NULL for a column without a value. */
typedef struct
{
  gint64      at;
  gint64      actor_id;  /* 0: the system */
  const char *entity;
  gint64      entity_id;
  const char *action;
  const char *field;
  const char *before;    /* JSON text */
  const char *after;     /* JSON text */
  const char *reason;
} DwStoreAuditNew;

struct _DwStoreEventOps
{
  gint64   (*insert)        (DwStore                *store,
                             gint64                  at,
                             const char             *type,
                             gint64                  team_id,
                             gint64                  user_id,
                             const char             *data,
                             GError                **error);
  gboolean (*read)          (DwStore                *store,
                             gint64                  after,
                             gint64                  up_to,
                             guint                   limit,
                             DwStoreEventFunc        func,
                             gpointer                user_data,
                             GError                **error);
  gboolean (*bounds)        (DwStore                *store,
                             gint64                 *last_seq,
                             gint64                 *first_seq,
                             gint64                 *first_at,
                             GError                **error);
  gboolean (*prune)         (DwStore                *store,
                             gint64                  up_to,
                             gint64                  keep,
                             gint64                  older_than,
                             GError                **error);
  gboolean (*data_version)  (DwStore                *store,
                             gint64                 *version);
  gboolean (*audit_insert)  (DwStore                *store,
                             const DwStoreAuditNew  *audit,
                             GError                **error);
  /* NULL: insert returns the final seq (SQLite).  Else insert returns a provisional key inside
   * a transaction, and this gives the seq the event got at the last COMMIT (PostgreSQL). */
  gint64   (*committed_seq) (DwStore                *store,
                             gint64                  key);
};

/* Keys at or above this are provisional (dw_store_event_committed_seq). */
#define DW_STORE_EVENT_PROVISIONAL G_GINT64_CONSTANT (0x4000000000000000)

/* Appends an event; its seq, or 0 with @error.  Inside a transaction on a backend that numbers
 * the events at COMMIT (PostgreSQL: docs/design.md "PostgreSQL backend"), a provisional key
 * (≥ DW_STORE_EVENT_PROVISIONAL, in append order) that dw_store_event_committed_seq() turns into
 * the seq after the COMMIT. */
static inline gint64
dw_store_event_insert (DwStore     *store,
                       gint64       at,
                       const char  *type,
                       gint64       team_id,
                       gint64       user_id,
                       const char  *data,
                       GError     **error)
{
  return store->backend->events->insert (store, at, type, team_id, user_id, data, error);
}

/* The seq of the event appended as @key, once its transaction committed (the last COMMIT on
 * @store); @key itself when it is a final seq already. */
static inline gint64
dw_store_event_committed_seq (DwStore *store,
                              gint64   key)
{
  if (key < DW_STORE_EVENT_PROVISIONAL || store->backend->events->committed_seq == NULL)
    return key;
  return store->backend->events->committed_seq (store, key);
}

/* Calls @func on each event with @after < seq ≤ @up_to, oldest first, at most @limit. */
static inline gboolean
dw_store_events_read (DwStore           *store,
                      gint64             after,
                      gint64             up_to,
                      guint              limit,
                      DwStoreEventFunc   func,
                      gpointer           user_data,
                      GError           **error)
{
  return store->backend->events->read (store, after, up_to, limit, func, user_data, error);
}

/* The last seq ever handed out (kept even when every row has been pruned), the oldest kept
 * and its time; @first_seq and @first_at 0 when no event is kept. */
static inline gboolean
dw_store_events_bounds (DwStore  *store,
                        gint64   *last_seq,
                        gint64   *first_seq,
                        gint64   *first_at,
                        GError  **error)
{
  return store->backend->events->bounds (store, last_seq, first_seq, first_at, error);
}

/* Deletes events with seq ≤ @up_to that are more than @keep behind it or older than
 * @older_than. */
static inline gboolean
dw_store_events_prune (DwStore  *store,
                       gint64    up_to,
                       gint64    keep,
                       gint64    older_than,
                       GError  **error)
{
  return store->backend->events->prune (store, up_to, keep, older_than, error);
}

/* A number that moves when another connection commits (SQLite's PRAGMA data_version): how
 * the service notices a token revoked by `deskwatchd token revoke`.  FALSE when unknown. */
static inline gboolean
dw_store_data_version (DwStore *store,
                       gint64  *version)
{
  return store->backend->events->data_version (store, version);
}

static inline gboolean
dw_store_audit_insert (DwStore                *store,
                       const DwStoreAuditNew  *audit,
                       GError                **error)
{
  return store->backend->events->audit_insert (store, audit, error);
}

G_END_DECLS
