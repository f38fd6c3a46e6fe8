/* dw-read-pool.c: connections for reads served off the main loop (dw-read-pool.h). */
#define G_LOG_DOMAIN "deskwatchd"

#include "config.h"

#include "dw-read-pool.h"

#include <sqlite3.h>

#include "dw-store.h"
#include "store/dw-store-tx.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-store.h"
#include "store/sqlite/dw-sqlite-store.h"

struct _DwReadPool
{
  gatomicrefcount  ref_count;
  gboolean         is_pg;
  char            *target;        /* the SQLite file, or the libpq connection string */
  guint            size;
  guint            lock_timeout_ms;  /* PostgreSQL's lock_timeout for its connections, 0: none */

  GMutex           lock;
  GCond            returned;      /* a connection came back (n_busy went down) */
  /* Under the lock: */
  GPtrArray       *idle;          /* SQLite: sqlite3 * not in use */
  DwPgPool        *pg;            /* PostgreSQL: idle connections and the count of taken ones */
  gboolean         closed;
  /* Written under the lock, read by anyone (health). */
  gint             n_open;
  gint             n_busy;

  GCancellable    *closing;       /* cancelled by dw_read_pool_close (): interrupts every job */

  /* On the main context only. */
  GQueue           waiting;       /* of GTask *, each holding a ref */
  guint            n_running;     /* jobs handed to a thread and not completed yet */
};

typedef struct
{
  DwReadPool          *pool;      /* a ref */
  DwReadPoolFunc       func;
  gpointer             data;
  GDestroyNotify       data_free;
  GAsyncReadyCallback  callback;
  gpointer             user_data;
  gboolean             ran;       /* counted in n_running */
} Job;

/* The task's data: its last ref may go on the worker thread (GTask), so the job's own data is
 * freed by job_done_cb (), on the main context; this only frees what any thread may. */
static void
job_free (Job *job)
{
  dw_read_pool_unref (job->pool);
  g_free (job);
}

static DwReadPool *
pool_new (gboolean    is_pg,
          const char *target,
          guint       size)
{
  DwReadPool *self = g_new0 (DwReadPool, 1);

  g_return_val_if_fail (size >= 1 && size <= DW_READ_POOL_MAX_SIZE, NULL);

  g_atomic_ref_count_init (&self->ref_count);
  self->is_pg = is_pg;
  self->target = g_strdup (target);
  self->size = size;
  g_mutex_init (&self->lock);
  g_cond_init (&self->returned);
  self->idle = g_ptr_array_new ();
  if (is_pg)
    {
      self->pg = dw_pg_pool_new (target, size);
      dw_pg_pool_set_application_name (self->pg, DW_READ_POOL_APPLICATION_NAME);
    }
  self->closing = g_cancellable_new ();
  g_queue_init (&self->waiting);
  return self;
}

DwReadPool *
dw_read_pool_new_sqlite (const char *path,
                         guint       size)
{
  g_return_val_if_fail (path != NULL, NULL);
  return pool_new (FALSE, path, size);
}

DwReadPool *
dw_read_pool_new_pg (const char *conninfo,
                     guint       size)
{
  g_return_val_if_fail (conninfo != NULL, NULL);
  return pool_new (TRUE, conninfo, size);
}

void
dw_read_pool_set_lock_timeout (DwReadPool *self,
                               guint       timeout_ms)
{
  g_mutex_lock (&self->lock);
  self->lock_timeout_ms = timeout_ms;
  if (self->pg != NULL)
    dw_pg_pool_set_lock_timeout (self->pg, timeout_ms);
  g_mutex_unlock (&self->lock);
}

DwReadPool *
dw_read_pool_ref (DwReadPool *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
dw_read_pool_unref (DwReadPool *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;

  /* Every job holds a ref: none runs now. */
  dw_read_pool_close (self);
  g_clear_pointer (&self->pg, dw_pg_pool_free);
  g_ptr_array_unref (self->idle);
  g_object_unref (self->closing);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->returned);
  g_free (self->target);
  g_free (self);
}

void
dw_read_pool_get_stats (DwReadPool *self,
                        guint      *size,
                        guint      *n_open,
                        guint      *n_busy,
                        guint      *n_waiting)
{
  *size = self->size;
  *n_open = (guint) g_atomic_int_get (&self->n_open);
  *n_busy = (guint) g_atomic_int_get (&self->n_busy);
  *n_waiting = self->waiting.length;
}

gboolean
dw_read_pool_is_closed (DwReadPool *self)
{
  gboolean closed;

  g_mutex_lock (&self->lock);
  closed = self->closed;
  g_mutex_unlock (&self->lock);
  return closed;
}

/* Connections (on a worker thread) */

static sqlite3 *
open_sqlite (const char  *path,
             GError     **error)
{
  sqlite3 *db = NULL;
  int rc;

  /* Read-only: nothing on this connection can ever write (or take the write lock), and WAL
   * gives it a snapshot of what is committed beside the service's writer. */
  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED, "cannot open %s to read: %s",
                   path, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 1);
  /* A checkpoint or recovery may hold the file's locks for a moment. */
  sqlite3_busy_timeout (db, 5000);
  /* Its statements are parked for the next job as the service's are: a job no longer parses
   * every text it runs again. */
  dw_store_cache_statements (db);
  return db;
}

/* A connection for one job, or NULL with @error. */
static DwStore *
acquire (DwReadPool  *self,
         GError     **error)
{
  g_autoptr(GError) local = NULL;
  DwStore *store = NULL;

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the service is stopping");
      return NULL;
    }

  if (self->is_pg)
    {
      /* Opening one may take up to DW_PG_CONNECT_TIMEOUT: under the lock, but the main loop
       * reads only the atomic counts. */
      PGconn *conn = dw_pg_pool_acquire (self->pg, &local);

      if (conn != NULL)
        store = dw_pg_store_new (conn);
      g_atomic_int_set (&self->n_open, (gint) dw_pg_pool_get_n_open (self->pg));
    }
  else
    {
      sqlite3 *db = self->idle->len > 0 ? g_ptr_array_steal_index (self->idle,
                                                                   self->idle->len - 1)
                                        : NULL;

      if (db == NULL && (db = open_sqlite (self->target, &local)) != NULL)
        g_atomic_int_inc (&self->n_open);
      if (db != NULL)
        store = dw_sqlite_store_new (db);
    }

  if (store != NULL)
    g_atomic_int_inc (&self->n_busy);
  g_mutex_unlock (&self->lock);

  if (store == NULL)
    {
      if (local->domain == DW_PG_ERROR)
        dw_pg_store_propagate_error (error, g_steal_pointer (&local));
      else
        g_propagate_error (error, g_steal_pointer (&local));
    }
  return store;
}

/* Gives @store's connection back (closed when @broken or the pool is closed) and frees the
 * store. */
static void
release (DwReadPool *self,
         DwStore    *store,
         gboolean    broken)
{
  gpointer conn = store->conn;

  dw_store_free (store);

  g_mutex_lock (&self->lock);
  if (self->is_pg)
    {
      if (broken || self->closed)
        dw_pg_pool_discard (self->pg, conn);
      else
        dw_pg_pool_release (self->pg, conn);
      g_atomic_int_set (&self->n_open, (gint) dw_pg_pool_get_n_open (self->pg));
    }
  else if (broken || self->closed)
    {
      dw_store_forget_statements (conn);
      sqlite3_close_v2 (conn);
      g_atomic_int_dec_and_test (&self->n_open);
    }
  else
    {
      g_ptr_array_add (self->idle, conn);
    }
  g_atomic_int_dec_and_test (&self->n_busy);
  g_cond_broadcast (&self->returned);
  g_mutex_unlock (&self->lock);
}

/* Interrupting a running statement, from the thread that cancels. */
typedef struct
{
  sqlite3  *db;
  PGcancel *cancel;
} Interrupt;

static void
interrupt_cb (GCancellable *cancellable,
              gpointer      data)
{
  Interrupt *interrupt = data;
  char message[256];

  if (interrupt->db != NULL)
    sqlite3_interrupt (interrupt->db);
  if (interrupt->cancel != NULL && !PQcancel (interrupt->cancel, message, sizeof message))
    g_debug ("Could not cancel a pooled read: %s", message);
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  DwReadPool *self = job->pool;
  g_autoptr(GError) error = NULL;
  Interrupt interrupt = { NULL, NULL };
  gulong cancelled_id = 0, closing_id = 0;
  gboolean broken = FALSE;
  gboolean ok;
  DwStore *store;

  if ((store = acquire (self, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->is_pg)
    interrupt.cancel = PQgetCancel (store->conn);
  else
    interrupt.db = store->conn;
  /* Each calls interrupt_cb at once if cancelled already. */
  if (cancellable != NULL)
    cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (interrupt_cb), &interrupt,
                                          NULL);
  closing_id = g_cancellable_connect (self->closing, G_CALLBACK (interrupt_cb), &interrupt, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, &error)
      || g_cancellable_set_error_if_cancelled (self->closing, &error))
    ok = FALSE;
  else
    ok = job->func (store, job->data, cancellable, &error);

  /* A job that failed half way may have left its transaction open. */
  if (dw_store_in_transaction (store))
    dw_store_tx_rollback (store);

  /* Waits for a handler running on another thread: after this, nothing interrupts the
   * connection, which may go to another job. */
  g_cancellable_disconnect (self->closing, closing_id);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, cancelled_id);
  g_clear_pointer (&interrupt.cancel, PQfreeCancel);

  /* PostgreSQL: a connection lost (or in a state we cannot tell) is closed, and the next job
   * opens another. */
  if (self->is_pg)
    broken = PQstatus (store->conn) != CONNECTION_OK
             || PQtransactionStatus (store->conn) != PQTRANS_IDLE
             || g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE);
  release (self, store, broken);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/* Jobs (on the main context) */

static void job_done_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      data);

static void
start (DwReadPool *self,
       GTask      *task)
{
  Job *job = g_task_get_task_data (task);

  if (dw_read_pool_is_closed (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the service is stopping");
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  job->ran = TRUE;
  self->n_running++;
  g_task_run_in_thread (task, job_thread);
}

/* Starts waiting jobs while there are free connections. */
static void
pump (DwReadPool *self)
{
  while (self->n_running < self->size && !g_queue_is_empty (&self->waiting))
    {
      g_autoptr(GTask) task = g_queue_pop_head (&self->waiting);

      start (self, task);
    }
}

static void
job_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Job *job = data;
  DwReadPool *self = dw_read_pool_ref (job->pool);

  if (job->ran)
    self->n_running--;
  if (job->callback != NULL)
    job->callback (NULL, result, job->user_data);
  if (job->data_free != NULL)
    g_clear_pointer (&job->data, job->data_free);
  pump (self);
  dw_read_pool_unref (self);
}

void
dw_read_pool_run_async (DwReadPool          *self,
                        DwReadPoolFunc       func,
                        gpointer             data,
                        GDestroyNotify       data_free,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (self != NULL);
  g_return_if_fail (func != NULL);

  job = g_new0 (Job, 1);
  job->pool = dw_read_pool_ref (self);
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->callback = callback;
  job->user_data = user_data;

  /* The job is freed with the task; its data once its callback has run (job_done_cb). */
  task = g_task_new (NULL, cancellable, job_done_cb, job);
  g_task_set_source_tag (task, dw_read_pool_run_async);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_set_name (task, "[deskwatchd] pooled read");

  if (self->n_running < self->size && g_queue_is_empty (&self->waiting))
    start (self, task);
  else
    g_queue_push_tail (&self->waiting, g_steal_pointer (&task));
}

gboolean
dw_read_pool_run_finish (DwReadPool    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
dw_read_pool_close (DwReadPool *self)
{
  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->closed = TRUE;
  g_mutex_unlock (&self->lock);

  /* Interrupts the running statements (handlers run here, without the lock). */
  g_cancellable_cancel (self->closing);

  /* The jobs' threads give their connections back without the main loop: wait for them, so
   * that nothing reads through the pool once the service is gone. */
  g_mutex_lock (&self->lock);
  while (g_atomic_int_get (&self->n_busy) > 0)
    g_cond_wait (&self->returned, &self->lock);
  for (guint i = 0; i < self->idle->len; i++)
    {
      dw_store_forget_statements (self->idle->pdata[i]);
      sqlite3_close_v2 (self->idle->pdata[i]);
    }
  g_ptr_array_set_size (self->idle, 0);
  if (self->pg != NULL)
    {
      dw_pg_pool_free (self->pg);
      self->pg = dw_pg_pool_new (self->target, self->size);
      dw_pg_pool_set_application_name (self->pg, DW_READ_POOL_APPLICATION_NAME);
      dw_pg_pool_set_lock_timeout (self->pg, self->lock_timeout_ms);
    }
  g_atomic_int_set (&self->n_open, 0);
  g_mutex_unlock (&self->lock);

  /* The waiting ones fail (their callbacks come from the main context, if it runs again). */
  while (!g_queue_is_empty (&self->waiting))
    {
      g_autoptr(GTask) task = g_queue_pop_head (&self->waiting);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the service is stopping");
    }
}
