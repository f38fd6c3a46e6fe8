/* dw-pg-store.c
 *
 * The backend table names each domain's op table (one line each, in the order of
 * dw-store-backend.h).
 */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include <string.h>

#include "dw-store.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-ops.h"
#include "store/pg/dw-pg-store.h"

/* A PostgreSQL store: the DwStore the layer sees, and what it needs to get its connection back
 * after PostgreSQL restarted (docs/design.md "PostgreSQL backend", "When PostgreSQL restarts").
 * One block, so dw_store_free's g_free frees it all. */
typedef struct
{
  DwStore  parent;
  gint64   interval_usec;   /* the least time between two reconnection attempts */
  gint64   last_attempt;    /* monotonic µs of the last one, 0: none yet */
  guint    n_reconnects;
  guint    lock_timeout_ms; /* set on every session of this store, 0: the server's */
  gboolean lost;            /* a statement failed for the connection (libpq may not know yet) */
  gboolean tx_open;         /* between the tx ops' begin and their commit or rollback */
  guint    tx_generation;   /* n_reconnects when that transaction began */
  gboolean hooks_pending;   /* reconnected, but a hook failed: run them again before any use */
  gboolean in_hooks;        /* the hooks are running (and may use the store's operations) */
  struct
  {
    DwPgStoreReconnectedFunc func;
    gpointer                 data;
  } hooks[DW_PG_STORE_MAX_RECONNECTED_HOOKS];
  guint    n_hooks;
  DwPgPendingEvents pending_events;  /* dw-pg-events.c */
} DwPgStore;

static inline DwPgStore *
pg_store (DwStore *store)
{
  return (DwPgStore *) store;
}

/* What the server holds for this connection: a transaction, or none (also when the connection
 * is lost, so that the desk sees its group transaction gone, dw-desk.c group_check_lost). */
static gboolean
in_transaction (DwStore *store)
{
  PGTransactionStatusType status = PQtransactionStatus (dw_pg_store_conn (store));

  if (pg_store (store)->lost)
    return FALSE;
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

static const DwStoreBackend pg_backend = {
  .name = "postgresql",
  .tickets = &dw_pg_ticket_ops,
  .routing = &dw_pg_routing_ops,
  .directory = &dw_pg_directory_ops,
  .events = &dw_pg_event_ops,
  .in_transaction = in_transaction,
  .dispatch = &dw_pg_dispatch_ops,
  .roster = &dw_pg_roster_ops,
  .sla = &dw_pg_sla_ops,
  .surveys = &dw_pg_survey_ops,
  .snapshot = &dw_pg_snapshot_ops,
  .auth = &dw_pg_auth_ops,
  .people = &dw_pg_people_ops,
  .agents = &dw_pg_agent_ops,
  .sla_compliance = &dw_pg_sla_compliance_ops,
  .demo = &dw_pg_demo_ops,
  .tx = &dw_pg_tx_ops,
  .staffing = &dw_pg_staffing_ops,
  .health = &dw_pg_health_ops,
  .instances = &dw_pg_instance_ops,
};

DwStore *
dw_pg_store_new (PGconn *conn)
{
  DwPgStore *self;

  g_return_val_if_fail (conn != NULL, NULL);

  self = g_new0 (DwPgStore, 1);
  self->parent.backend = &pg_backend;
  self->parent.conn = conn;
  self->interval_usec = DW_PG_STORE_RECONNECT_INTERVAL_MS * G_TIME_SPAN_MILLISECOND;
  return &self->parent;
}

void
dw_pg_store_set_reconnect_interval (DwStore *store,
                                    guint    interval_ms)
{
  g_return_if_fail (store != NULL && store->backend == &pg_backend);

  pg_store (store)->interval_usec = interval_ms * G_TIME_SPAN_MILLISECOND;
}

guint
dw_pg_store_get_n_reconnects (DwStore *store)
{
  g_return_val_if_fail (store != NULL && store->backend == &pg_backend, 0);

  return pg_store (store)->n_reconnects;
}

void
dw_pg_store_add_reconnected_hook (DwStore                  *store,
                                  DwPgStoreReconnectedFunc  func,
                                  gpointer                  data)
{
  DwPgStore *self;

  g_return_if_fail (store != NULL && store->backend == &pg_backend);
  g_return_if_fail (func != NULL);
  self = pg_store (store);
  g_return_if_fail (self->n_hooks < G_N_ELEMENTS (self->hooks));

  self->hooks[self->n_hooks].func = func;
  self->hooks[self->n_hooks].data = data;
  self->n_hooks++;
}

static gboolean
run_hooks (DwPgStore  *self,
           GError    **error)
{
  for (guint i = 0; i < self->n_hooks; i++)
    {
      g_autoptr(GError) local = NULL;
      gboolean ok;

      self->in_hooks = TRUE;
      ok = self->hooks[i].func (&self->parent, self->hooks[i].data, &local);
      self->in_hooks = FALSE;
      if (!ok)
        {
          /* Whatever the hook's domain: the connection is not fit for use yet. */
          g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE,
                       "reconnected to PostgreSQL, but could not restore the session: %s",
                       local != NULL ? local->message : "unknown error");
          return FALSE;
        }
    }
  self->hooks_pending = FALSE;
  return TRUE;
}

gboolean
dw_pg_store_check_connection (DwStore  *store,
                              GError  **error)
{
  DwPgStore *self = pg_store (store);
  PGconn *conn = dw_pg_store_conn (store);
  gint64 now;

  if (PQstatus (conn) == CONNECTION_OK && !self->lost)
    return !self->hooks_pending || self->in_hooks || run_hooks (self, error);

  /* Reconnecting now would run the transaction's next statements outside it, each committed
   * on its own: the transaction is lost, and stays so until the caller rolls it back.  Lost
   * again while the hooks run: their caller's attempt has failed. */
  if (self->tx_open || self->in_hooks)
    {
      g_set_error_literal (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE,
                           self->tx_open ? "the connection to PostgreSQL was lost: the "
                                           "transaction was rolled back"
                                         : "the connection to PostgreSQL was lost again");
      return FALSE;
    }

  /* Not more often than every interval: while the server is away, the requests in between fail
   * at once instead of each waiting for a connection attempt. */
  now = g_get_monotonic_time ();
  if (self->last_attempt != 0 && now - self->last_attempt < self->interval_usec)
    {
      g_autofree char *message = g_strstrip (g_strdup (PQerrorMessage (conn)));

      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE,
                   "PostgreSQL is unavailable: %s (next attempt to reconnect in %" G_GINT64_FORMAT
                   " ms)", message,
                   (self->interval_usec - (now - self->last_attempt)) / G_TIME_SPAN_MILLISECOND);
      return FALSE;
    }
  self->last_attempt = now;

  /* The same parameters as the first connect (dw_pg_connect: connect_timeout bounds the wait);
   * the notice processor stays.  What the session held besides (LISTEN) is the hooks'. */
  PQreset (conn);
  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strstrip (g_strdup (PQerrorMessage (conn)));

      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE,
                   "PostgreSQL is unavailable: %s", message);
      return FALSE;
    }

  /* A new session has the server's settings: ours first, before any hook waits for a lock. */
  if (self->lock_timeout_ms > 0)
    {
      g_autoptr(GError) local = NULL;

      if (!dw_pg_set_lock_timeout (conn, self->lock_timeout_ms, &local))
        {
          self->lost = TRUE;
          g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE,
                       "reconnected to PostgreSQL, but could not set lock_timeout: %s",
                       local->message);
          return FALSE;
        }
    }

  self->lost = FALSE;
  self->n_reconnects++;
  g_message ("Reconnected to PostgreSQL (%u reconnections since the start)", self->n_reconnects);
  self->hooks_pending = TRUE;
  return run_hooks (self, error);
}

gboolean
dw_pg_store_set_lock_timeout (DwStore  *store,
                              guint     timeout_ms,
                              GError  **error)
{
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (store != NULL && store->backend == &pg_backend, FALSE);

  pg_store (store)->lock_timeout_ms = timeout_ms;
  if (!dw_pg_set_lock_timeout (dw_pg_store_conn (store), timeout_ms, &local))
    {
      dw_pg_store_note_error (store, local);
      dw_pg_store_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

guint
dw_pg_store_get_lock_timeout (DwStore *store)
{
  g_return_val_if_fail (store != NULL && store->backend == &pg_backend, 0);

  return pg_store (store)->lock_timeout_ms;
}

gboolean
dw_pg_store_connection_lost (DwStore *store)
{
  return pg_store (store)->lost || PQstatus (dw_pg_store_conn (store)) != CONNECTION_OK;
}

void
dw_pg_store_note_error (DwStore      *store,
                        const GError *error)
{
  /* libpq may still say CONNECTION_OK after a statement failed on a closed socket: the error
   * is what tells (class 08, 57P…, or libpq's own). */
  if (g_error_matches (error, DW_PG_ERROR, DW_PG_ERROR_UNAVAILABLE))
    pg_store (store)->lost = TRUE;
}

void
dw_pg_store_tx_opened (DwStore *store)
{
  pg_store (store)->tx_open = TRUE;
  pg_store (store)->tx_generation = pg_store (store)->n_reconnects;
}

gboolean
dw_pg_store_tx_is_open (DwStore *store)
{
  return pg_store (store)->tx_open;
}

gboolean
dw_pg_store_tx_closed (DwStore *store)
{
  DwPgStore *self = pg_store (store);
  gboolean same = self->tx_open && self->tx_generation == self->n_reconnects;

  self->tx_open = FALSE;
  return same;
}

gboolean
dw_pg_store_reset_identities (PGconn  *conn,
                              GError **error)
{
  g_autoptr(PGresult) columns = NULL;

  g_return_val_if_fail (conn != NULL, FALSE);

  columns = dw_pg_query (conn,
                         "SELECT table_name, column_name FROM information_schema.columns "
                         "WHERE table_schema = current_schema () AND is_identity = 'YES' "
                         "ORDER BY table_name",
                         0, NULL, error);
  if (columns == NULL)
    return FALSE;

  for (int i = 0; i < PQntuples (columns); i++)
    {
      const char *table = PQgetvalue (columns, i, 0);
      const char *column = PQgetvalue (columns, i, 1);
      g_autofree char *quoted_table = NULL;
      g_autofree char *quoted_column = NULL;
      g_autofree char *sql = NULL;
      g_autoptr(PGresult) result = NULL;
      char *escaped;

      escaped = PQescapeIdentifier (conn, table, strlen (table));
      quoted_table = g_strdup (escaped);
      PQfreemem (escaped);
      escaped = PQescapeIdentifier (conn, column, strlen (column));
      quoted_column = g_strdup (escaped);
      PQfreemem (escaped);

      /* setval (…, max, TRUE): the next value is max + 1; an empty table starts at 1. */
      sql = g_strdup_printf ("SELECT setval (pg_get_serial_sequence ($1, $2), "
                             "COALESCE ((SELECT max (%s) FROM %s), 0) + 1, FALSE)",
                             quoted_column, quoted_table);
      result = dw_pg_query (conn, sql, 2, (const char *[]) { table, column }, error);
      if (result == NULL)
        return FALSE;
    }
  return TRUE;
}

void
dw_pg_store_propagate_error (GError **dest,
                             GError  *src)
{
  DwStoreError code = DW_STORE_ERROR_FAILED;

  if (src == NULL)
    return;
  if (g_error_matches (src, DW_PG_ERROR, DW_PG_ERROR_CONSTRAINT))
    code = DW_STORE_ERROR_CONSTRAINT;
  else if (g_error_matches (src, DW_PG_ERROR, DW_PG_ERROR_CONFLICT))
    code = DW_STORE_ERROR_CONFLICT;
  else if (g_error_matches (src, DW_PG_ERROR, DW_PG_ERROR_UNAVAILABLE))
    code = DW_STORE_ERROR_UNAVAILABLE;
  else if (g_error_matches (src, DW_PG_ERROR, DW_PG_ERROR_LOCK_TIMEOUT))
    code = DW_STORE_ERROR_LOCK_TIMEOUT;
  g_set_error_literal (dest, DW_STORE_ERROR, code, src->message);
  g_error_free (src);
}

DwPgPendingEvents *
dw_pg_store_pending_events (DwStore *store)
{
  return &pg_store (store)->pending_events;
}
