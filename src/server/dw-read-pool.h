/* dw-read-pool.h: connections for reads served off the main loop (issue 14).
 *
 * The service's own connection (dw-service.c) serves every write and most reads on the main
 * loop; a read that takes long (GET /api/v1/snapshot: about a second at 100k tickets) held up
 * every write and stream meanwhile, and so did a page of 500 tickets from GET /tickets (35-50 ms).
 * Such a read (the snapshot, and the routes marked `pooled`: dw-api-pooled.c) runs as a job here
 * instead: on a worker thread, on a connection of its own, in its own DwStore (the backend's
 * store on that connection), at most @size at once; later jobs wait in line on the main loop,
 * not on a thread.
 *
 * SQLite: read-only connections on the service's file (WAL lets them read beside the writer),
 * opened on first use.  PostgreSQL: a DwPgPool of the service's connection string; a connection
 * found broken after a job is closed, and the next job opens another.
 *
 * Jobs are queued and completed on the thread that runs the main context (the caller's); the
 * job function runs on a worker thread and may use nothing but its store and its own data.
 */
#pragma once

#include <gio/gio.h>

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

#define DW_READ_POOL_DEFAULT_SIZE 4
#define DW_READ_POOL_MAX_SIZE 64
/* PostgreSQL: the pooled sessions' name in pg_stat_activity (every pooled read, not only the
 * snapshots; the name operators and tests already look for). */
#define DW_READ_POOL_APPLICATION_NAME "deskwatchd snapshot"

typedef struct _DwReadPool DwReadPool;

/* Pools of at most @size (1 … DW_READ_POOL_MAX_SIZE) connections; none is opened yet. */
DwReadPool *dw_read_pool_new_sqlite (const char *path,
                                     guint       size);
DwReadPool *dw_read_pool_new_pg     (const char *conninfo,
                                     guint       size);
/* PostgreSQL: the lock_timeout of the connections opened from now on (0: the server's).  Their
 * READ ONLY transactions take only ACCESS SHARE locks, but an ACCESS EXCLUSIVE one held
 * elsewhere (LOCK TABLE, a migration's ALTER TABLE) would hold every pooled read, and then every
 * connection, for as long: bounded, the read is answered 503 + Retry-After instead. */
void        dw_read_pool_set_lock_timeout (DwReadPool *self,
                                           guint       timeout_ms);
DwReadPool *dw_read_pool_ref        (DwReadPool *self);
void        dw_read_pool_unref      (DwReadPool *self);

/* What GET /api/v1/health shows: the size, the connections open (idle and busy), those busy
 * with a job, and the jobs waiting for one.  Any thread. */
void        dw_read_pool_get_stats  (DwReadPool *self,
                                     guint      *size,
                                     guint      *n_open,
                                     guint      *n_busy,
                                     guint      *n_waiting);

/* Runs on a worker thread with a store of its own on a pooled connection; the store's
 * connection is not in a transaction before, and must not be after. */
typedef gboolean (*DwReadPoolFunc) (DwStore       *store,
                                    gpointer       data,
                                    GCancellable  *cancellable,
                                    GError       **error);

/* Queues @func (with @data, freed by @data_free on the main context after @callback; never on
 * a worker thread, so @data may hold main-loop objects the job function does not touch);
 * @callback is called on the caller's main context when it returned, or failed to get a
 * connection (DW_STORE_ERROR_UNAVAILABLE when the database cannot be reached), or was
 * cancelled (G_IO_ERROR_CANCELLED: @cancellable, or the pool closed).  Cancelling a running job
 * interrupts its statement (sqlite3_interrupt, PQcancel). */
void        dw_read_pool_run_async  (DwReadPool          *self,
                                     DwReadPoolFunc       func,
                                     gpointer             data,
                                     GDestroyNotify       data_free,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean    dw_read_pool_run_finish (DwReadPool          *self,
                                     GAsyncResult        *result,
                                     GError             **error);

/* Refuses new jobs, fails the waiting ones, interrupts the running ones and waits until their
 * threads gave their connections back, then closes every connection: after this, no thread
 * uses the database through the pool.  Their callbacks still come (cancelled) if the main
 * context runs again. */
void        dw_read_pool_close      (DwReadPool *self);
gboolean    dw_read_pool_is_closed  (DwReadPool *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwReadPool, dw_read_pool_unref)

G_END_DECLS
