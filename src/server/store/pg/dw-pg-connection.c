/* dw-pg-connection.c: deskwatchd's connections to PostgreSQL (libpq). */
#define G_LOG_DOMAIN "deskwatchd"

#include "config.h"

#include "dw-pg-connection.h"

#include <libpq-events.h>
#include <string.h>

G_DEFINE_QUARK (dw-pg-error-quark, dw_pg_error)

struct _DwPgPool
{
  char      *conninfo;
  guint      size;
  guint      n_taken;
  GPtrArray *idle;   /* PGconn, each ready for a new transaction */
  char      *application_name;  /* NULL: the connection string's, or "deskwatchd" */
  guint      lock_timeout_ms;    /* 0: the server's */
};

/* The SQLSTATE goes after the message; this finds it again. */
#define SQLSTATE_MARK " (SQLSTATE "

static DwPgError
code_of_sqlstate (const char *sqlstate)
{
  if (sqlstate == NULL)
    return DW_PG_ERROR_UNAVAILABLE;
  if (g_str_has_prefix (sqlstate, "08") || g_str_has_prefix (sqlstate, "57P")
      || g_str_equal (sqlstate, "53300"))
    return DW_PG_ERROR_UNAVAILABLE;
  if (g_str_has_prefix (sqlstate, "23"))
    return DW_PG_ERROR_CONSTRAINT;
  if (g_str_equal (sqlstate, "40001") || g_str_equal (sqlstate, "40P01"))
    return DW_PG_ERROR_CONFLICT;
  /* lock_not_available: lock_timeout ran out (or a NOWAIT found the lock taken). */
  if (g_str_equal (sqlstate, "55P03"))
    return DW_PG_ERROR_LOCK_TIMEOUT;
  return DW_PG_ERROR_FAILED;
}

void
dw_pg_set_error (GError         **error,
                 PGconn          *conn,
                 const PGresult  *result)
{
  const char *sqlstate = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  const char *primary = result != NULL ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY)
                                       : NULL;
  g_autofree char *message = NULL;

  if (primary == NULL)
    primary = result != NULL && *PQresultErrorMessage (result) != '\0'
              ? PQresultErrorMessage (result)
              : PQerrorMessage (conn);
  message = g_strstrip (g_strdup (primary != NULL && *primary != '\0' ? primary
                                                                      : "unknown error"));

  /* No SQLSTATE: libpq's own error (cannot connect, connection lost), class 08 in effect. */
  g_set_error (error, DW_PG_ERROR, code_of_sqlstate (sqlstate), "%s" SQLSTATE_MARK "%s)",
               message, sqlstate != NULL ? sqlstate : "08006");
}

const char *
dw_pg_error_get_sqlstate (const GError *error)
{
  const char *mark;
  g_autofree char *code = NULL;

  if (error == NULL || error->domain != DW_PG_ERROR
      || (mark = g_strrstr (error->message, SQLSTATE_MARK)) == NULL)
    return NULL;

  code = g_strndup (mark + strlen (SQLSTATE_MARK), 5);
  return g_intern_string (code);
}

/* Prepared statements, per connection (the twin of the SQLite store's statement cache).
 *
 * PQexecParams makes the server parse, analyse and plan the text on every call; a create runs
 * some 57 statements, most of them the same texts every time.  Each text is prepared once per
 * session (PQprepare, named "dw1", "dw2", …) and run with PQexecPrepared after.  The cache lives
 * in libpq's instance data of the connection (libpq-events.h): PGEVT_CONNRESET (PQreset after
 * PostgreSQL restarted: a new session, which knows no prepared statement) empties it, and
 * PGEVT_CONNDESTROY (PQfinish) frees it, whoever reconnects or closes the connection.
 * Connections not opened by dw_pg_connect have none and run their texts unprepared. */

/* Texts built at run time (an IN list of so many ids) could fill the cache without end: past
 * this many, a text not yet prepared runs unprepared. */
#define PREPARED_MAX 512

typedef struct
{
  GHashTable *names;   /* SQL text → statement name, both owned */
  guint       next;
} Prepared;

static void
prepared_free (Prepared *self)
{
  g_hash_table_unref (self->names);
  g_free (self);
}

static int
prepared_event_cb (PGEventId  id,
                   void      *info,
                   void      *pass_through)
{
  switch (id)
    {
    case PGEVT_REGISTER:
      {
        PGEventRegister *event = info;
        Prepared *self = g_new0 (Prepared, 1);

        self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
        PQsetInstanceData (event->conn, prepared_event_cb, self);
        break;
      }
    case PGEVT_CONNRESET:
      {
        PGEventConnReset *event = info;
        Prepared *self = PQinstanceData (event->conn, prepared_event_cb);

        if (self != NULL)
          g_hash_table_remove_all (self->names);
        break;
      }
    case PGEVT_CONNDESTROY:
      {
        PGEventConnDestroy *event = info;
        Prepared *self = PQinstanceData (event->conn, prepared_event_cb);

        if (self != NULL)
          prepared_free (self);
        break;
      }
    default:
      break;
    }
  return TRUE;
}

guint
dw_pg_get_n_prepared (PGconn *conn)
{
  Prepared *self = PQinstanceData (conn, prepared_event_cb);

  return self != NULL ? g_hash_table_size (self->names) : 0;
}

static void
notice_cb (void       *data,
           const char *message)
{
  /* "NOTICE: relation … already exists, skipping" and the like: not the operator's business. */
  g_debug ("PostgreSQL: %s", message);
}

static PGconn *
connect_as (const char  *conninfo,
            const char  *application_name,
            GError     **error)
{
  /* Text is UTF-8 whatever the server's or the environment's default (times are Unix seconds
   * in BIGINTs: the server's time zone does not matter). */
  const char *keywords[] = { "connect_timeout", "dbname", "fallback_application_name",
                             "client_encoding", "application_name", NULL };
  const char *values[] = { G_STRINGIFY (DW_PG_CONNECT_TIMEOUT), conninfo, "deskwatchd", "UTF8",
                           application_name, NULL };
  PGconn *conn;

  g_return_val_if_fail (conninfo != NULL, NULL);

  /* expand_dbname: @conninfo may be a URI or key=value string; keywords after dbname override
   * what it says (client_encoding), fallback_application_name only fills a gap, and
   * connect_timeout, before it, is a default @conninfo may change.  A bounded wait matters: the
   * store reconnects (PQreset, with these parameters) on the main loop's thread.
   * @application_name, last, overrides @conninfo's (NULL: libpq skips the keyword). */
  conn = PQconnectdbParams (keywords, values, 1);
  if (conn == NULL || PQstatus (conn) != CONNECTION_OK)
    {
      g_set_error (error, DW_PG_ERROR, DW_PG_ERROR_UNAVAILABLE, "cannot connect: %s" SQLSTATE_MARK
                   "08001)", conn != NULL ? g_strstrip (PQerrorMessage (conn)) : "out of memory");
      PQfinish (conn);
      return NULL;
    }

  PQsetNoticeProcessor (conn, notice_cb, NULL);
  /* Fails only for want of memory: the connection then runs its statements unprepared. */
  PQregisterEventProc (conn, prepared_event_cb, "deskwatchd prepared statements", NULL);
  return conn;
}

PGconn *
dw_pg_connect (const char  *conninfo,
               GError     **error)
{
  return connect_as (conninfo, NULL, error);
}

gboolean
dw_pg_set_lock_timeout (PGconn   *conn,
                        guint     timeout_ms,
                        GError  **error)
{
  g_autofree char *sql = g_strdup_printf ("SET lock_timeout = %u", timeout_ms);

  return dw_pg_exec (conn, sql, error);
}

gboolean
dw_pg_exec (PGconn      *conn,
            const char  *sql,
            GError     **error)
{
  PGresult *result;
  gboolean ok = TRUE;

  /* PQexec returns only the last statement's result and stops at the first failure: send the
   * text and read every result, so a failure in the middle is the one reported. */
  if (!PQsendQuery (conn, sql))
    {
      dw_pg_set_error (error, conn, NULL);
      return FALSE;
    }

  while ((result = PQgetResult (conn)) != NULL)
    {
      ExecStatusType status = PQresultStatus (result);

      if (ok && status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK
          && status != PGRES_EMPTY_QUERY)
        {
          dw_pg_set_error (error, conn, result);
          ok = FALSE;
        }
      PQclear (result);
    }

  if (ok && PQstatus (conn) != CONNECTION_OK)
    {
      dw_pg_set_error (error, conn, NULL);
      ok = FALSE;
    }

  return ok;
}

PGresult *
dw_pg_query (PGconn              *conn,
             const char          *sql,
             int                  n_params,
             const char * const  *params,
             GError             **error)
{
  Prepared *prepared = PQinstanceData (conn, prepared_event_cb);
  const char *name = prepared != NULL ? g_hash_table_lookup (prepared->names, sql) : NULL;
  PGresult *result;
  ExecStatusType status;

  if (name == NULL && prepared != NULL && g_hash_table_size (prepared->names) < PREPARED_MAX)
    {
      g_autofree char *new_name = g_strdup_printf ("dw%u", ++prepared->next);
      g_autoptr(PGresult) prepare = PQprepare (conn, new_name, sql, n_params, NULL);

      /* A text that does not prepare (a syntax error, a table not there yet) is run unprepared
       * below, where its error is the statement's.  Inside a transaction that failure has
       * aborted it: report the prepare's error, as running it would have. */
      if (PQresultStatus (prepare) == PGRES_COMMAND_OK)
        {
          name = new_name;
          g_hash_table_insert (prepared->names, g_strdup (sql), g_steal_pointer (&new_name));
        }
      else if (PQtransactionStatus (conn) == PQTRANS_INERROR || prepare == NULL
               || PQstatus (conn) != CONNECTION_OK)
        {
          dw_pg_set_error (error, conn, prepare);
          return NULL;
        }
    }

  if (name != NULL)
    result = PQexecPrepared (conn, name, n_params, params, NULL, NULL, 0);
  else
    result = PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 0);
  status = PQresultStatus (result);

  if (result == NULL || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK))
    {
      dw_pg_set_error (error, conn, result);
      PQclear (result);
      return NULL;
    }

  return result;
}

/* Pool */

DwPgPool *
dw_pg_pool_new (const char *conninfo,
                guint       size)
{
  DwPgPool *self = g_new0 (DwPgPool, 1);

  self->conninfo = g_strdup (conninfo);
  self->size = size > 0 ? size : DW_PG_POOL_DEFAULT_SIZE;
  self->idle = g_ptr_array_new_with_free_func ((GDestroyNotify) PQfinish);
  return self;
}

void
dw_pg_pool_free (DwPgPool *self)
{
  if (self == NULL)
    return;

  /* A connection still taken belongs to its taker, who PQfinishes it via release. */
  g_ptr_array_unref (self->idle);
  g_free (self->conninfo);
  g_free (self->application_name);
  g_free (self);
}

guint
dw_pg_pool_get_size (DwPgPool *self)
{
  return self->size;
}

guint
dw_pg_pool_get_n_open (DwPgPool *self)
{
  return self->idle->len + self->n_taken;
}

PGconn *
dw_pg_pool_acquire (DwPgPool  *self,
                    GError   **error)
{
  PGconn *conn;

  while (self->idle->len > 0)
    {
      conn = g_ptr_array_steal_index (self->idle, self->idle->len - 1);
      /* A connection that died while idle (server restart) is dropped, and another opened. */
      if (PQstatus (conn) == CONNECTION_OK)
        {
          self->n_taken++;
          return conn;
        }
      PQfinish (conn);
    }

  if (self->n_taken >= self->size)
    {
      g_set_error (error, DW_PG_ERROR, DW_PG_ERROR_UNAVAILABLE,
                   "all %u connections of the pool are in use" SQLSTATE_MARK "53300)", self->size);
      return NULL;
    }

  if ((conn = connect_as (self->conninfo, self->application_name, error)) == NULL)
    return NULL;
  if (self->lock_timeout_ms > 0 && !dw_pg_set_lock_timeout (conn, self->lock_timeout_ms, error))
    {
      PQfinish (conn);
      return NULL;
    }

  self->n_taken++;
  return conn;
}

void
dw_pg_pool_release (DwPgPool *self,
                    PGconn   *conn)
{
  g_return_if_fail (self->n_taken > 0);

  self->n_taken--;
  if (PQstatus (conn) == CONNECTION_OK && PQtransactionStatus (conn) == PQTRANS_IDLE)
    g_ptr_array_add (self->idle, conn);
  else
    PQfinish (conn);
}

void
dw_pg_pool_discard (DwPgPool *self,
                    PGconn   *conn)
{
  g_return_if_fail (self->n_taken > 0);

  self->n_taken--;
  PQfinish (conn);
}

void
dw_pg_pool_set_application_name (DwPgPool   *self,
                                 const char *name)
{
  g_free (self->application_name);
  self->application_name = g_strdup (name);
}

void
dw_pg_pool_set_lock_timeout (DwPgPool *self,
                             guint     timeout_ms)
{
  self->lock_timeout_ms = timeout_ms;
}
