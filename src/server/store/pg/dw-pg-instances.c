/* dw-pg-instances.c: several deskwatchd instances on one PostgreSQL database (the operations of
 * store/dw-store-instances.h): sessions of their own for LISTEN and for the leader's lock. */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include "dw-store.h"
#include "store/dw-store-instances.h"
#include "store/pg/dw-pg-events.h"
#include "store/pg/dw-pg-leader.h"
#include "store/pg/dw-pg-migrations.h"
#include "store/pg/dw-pg-ops.h"
#include "store/pg/dw-pg-store.h"

static DwStore *
session_open (DwStore     *store,
              const char  *purpose,
              GError     **error)
{
  g_autofree char *name = g_strdup_printf ("deskwatchd %s", purpose);
  PQconninfoOption *options;
  gboolean has_timeout = FALSE;
  g_autoptr(GPtrArray) keywords = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  PGconn *conn;
  DwStore *session;
  guint lock_timeout;

  /* The very parameters the serving connection was opened with (password included, if it was
   * given), so the session reaches the same database as the same user. */
  options = PQconninfo (dw_pg_store_conn (store));
  if (options == NULL)
    {
      g_set_error_literal (error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED, "out of memory");
      return NULL;
    }
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    if (o->val != NULL && *o->val != '\0' && !g_str_equal (o->keyword, "application_name"))
      {
        g_ptr_array_add (keywords, o->keyword);
        g_ptr_array_add (values, o->val);
        has_timeout |= g_str_equal (o->keyword, "connect_timeout");
      }
  /* Sessions are (re)opened from the main loop, every second while the server is away: a host
   * that does not answer must not hold the loop for TCP's minutes. */
  if (!has_timeout)
    {
      g_ptr_array_add (keywords, (char *) "connect_timeout");
      g_ptr_array_add (values, (char *) "2");
    }
  /* pg_stat_activity tells the sessions apart (and a test finds the one to kill). */
  g_ptr_array_add (keywords, (char *) "application_name");
  g_ptr_array_add (values, name);
  g_ptr_array_add (keywords, NULL);
  g_ptr_array_add (values, NULL);

  conn = PQconnectdbParams ((const char * const *) keywords->pdata,
                            (const char * const *) values->pdata, 0);
  PQconninfoFree (options);
  if (conn == NULL || PQstatus (conn) != CONNECTION_OK)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED, "cannot connect: %s",
                   conn != NULL ? g_strstrip (PQerrorMessage (conn)) : "out of memory");
      PQfinish (conn);
      return NULL;
    }

  /* The event log reads on its session from the main loop too: bounded as the serving one. */
  session = dw_pg_store_new (conn);
  lock_timeout = dw_pg_store_get_lock_timeout (store);
  if (lock_timeout > 0 && !dw_pg_store_set_lock_timeout (session, lock_timeout, error))
    {
      PQfinish (conn);
      dw_store_free (session);
      return NULL;
    }
  return session;
}

static void
session_close (DwStore *session)
{
  PQfinish (dw_pg_store_conn (session));
  dw_store_free (session);
}

static int
session_fd (DwStore *session)
{
  return PQsocket (dw_pg_store_conn (session));
}

static gboolean
listen (DwStore  *session,
        GError  **error)
{
  GError *local_error = NULL;

  if (!dw_pg_exec (dw_pg_store_conn (session),
                   "LISTEN " DW_PG_EVENTS_CHANNEL "; LISTEN " DW_PG_ACCESS_CHANNEL, &local_error))
    {
      dw_pg_store_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
take_notified (DwStore   *session,
               DwStore   *own,
               gint64    *seq,
               gboolean  *access,
               GError   **error)
{
  PGconn *conn = dw_pg_store_conn (session);
  int own_pid = own != NULL ? PQbackendPID (dw_pg_store_conn (own)) : 0;
  PGnotify *notify;

  *seq = 0;
  *access = FALSE;

  /* A server gone (shut down, the session terminated) shows as a failed read or a bad status. */
  if (!PQconsumeInput (conn) || PQstatus (conn) != CONNECTION_OK)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED, "connection lost: %s",
                   g_strstrip (PQerrorMessage (conn)));
      return FALSE;
    }

  while ((notify = PQnotifies (conn)) != NULL)
    {
      if (g_str_equal (notify->relname, DW_PG_EVENTS_CHANNEL))
        *seq = MAX (*seq, g_ascii_strtoll (notify->extra, NULL, 10));
      else if (g_str_equal (notify->relname, DW_PG_ACCESS_CHANNEL) && notify->be_pid != own_pid)
        *access = TRUE;
      PQfreemem (notify);
    }

  return TRUE;
}

static gboolean
notify_access (DwStore  *store,
               gint64    user_id,
               GError  **error)
{
  DwPgInt user;
  const char *params[] = { dw_pg_int (&user, MAX (user_id, 0)) };
  g_autoptr(PGresult) result = NULL;

  /* Delivered at COMMIT, in commit order with the events' notifications, none on ROLLBACK. */
  result = dw_pg_store_query (store, "SELECT pg_notify ('" DW_PG_ACCESS_CHANNEL "', $1)",
                              G_N_ELEMENTS (params), params, error);
  return result != NULL;
}

static gboolean
try_lead (DwStore   *session,
          gboolean  *is_leader,
          GError   **error)
{
  GError *local_error = NULL;

  if (!dw_pg_leader_try_acquire (dw_pg_store_conn (session), DW_PG_LOCK_SLA_LEADER, is_leader,
                                 &local_error))
    {
      dw_pg_store_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

const DwStoreInstanceOps dw_pg_instance_ops = {
  .session_open = session_open,
  .session_close = session_close,
  .session_fd = session_fd,
  .listen = listen,
  .take_notified = take_notified,
  .notify_access = notify_access,
  .try_lead = try_lead,
};
