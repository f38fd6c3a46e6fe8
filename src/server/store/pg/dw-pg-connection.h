/* dw-pg-connection.h: deskwatchd's connections to PostgreSQL (libpq).
 *
 * The PostgreSQL backend's foundation: connecting, running statements, and libpq's errors as
 * GErrors that carry the SQLSTATE (the code says what the caller may do about it: retry a
 * serialization failure, answer 409 to a unique violation, 503 while the server is away).
 * Connection strings are whatever libpq takes (docs/design.md "PostgreSQL backend"); the
 * password comes from PGPASSFILE or PGPASSWORD, never from the logs: only the string of
 * dw_db_uri_redact() is printed.
 */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

#define DW_PG_ERROR (dw_pg_error_quark ())

typedef enum
{
  DW_PG_ERROR_FAILED,         /* any other error; the message ends with "(SQLSTATE xxxxx)" */
  DW_PG_ERROR_UNAVAILABLE,    /* cannot connect, connection lost, server shutting down (08, 57P) */
  DW_PG_ERROR_CONSTRAINT,     /* integrity constraint violated (class 23) */
  DW_PG_ERROR_CONFLICT,       /* serialization failure or deadlock (40001, 40P01): retry */
  DW_PG_ERROR_MIGRATION,      /* a migration failed or the database is newer than we are */
  DW_PG_ERROR_LOCK_TIMEOUT,   /* waited lock_timeout for a lock held elsewhere (55P03): do not
                               * retry at once, try again later */
} DwPgError;

GQuark      dw_pg_error_quark        (void);

/* Seconds a connection attempt may take (libpq's connect_timeout) unless the connection string
 * says otherwise: the store's reconnection blocks its thread that long at most. */
#define DW_PG_CONNECT_TIMEOUT 3

/* Connects to @conninfo (URI or key=value).  The connection is in UTF-8 and says
 * application_name=deskwatchd unless @conninfo names another. */
PGconn     *dw_pg_connect            (const char    *conninfo,
                                      GError       **error);

/* Sets @error from @result's error (NULL: the connection's last error), with the SQLSTATE in the
 * message and in the code. */
void        dw_pg_set_error          (GError       **error,
                                      PGconn        *conn,
                                      const PGresult *result);
/* The SQLSTATE of a DW_PG_ERROR set by dw_pg_set_error (NULL: none). */
const char *dw_pg_error_get_sqlstate (const GError  *error);

/* The longest a session of the service waits for a lock (`--db-lock-timeout`, PostgreSQL's
 * lock_timeout), in milliseconds; 0 is PostgreSQL's own "no limit".  A wait on the main loop's
 * connection stops the whole instance, its health check included (docs/design.md "A lock held
 * elsewhere"). */
#define DW_PG_LOCK_TIMEOUT_DEFAULT_MS 2000
#define DW_PG_LOCK_TIMEOUT_MAX_MS 600000
/* Sets the session's lock_timeout to @timeout_ms (outside a transaction: SET, not SET LOCAL). */
gboolean    dw_pg_set_lock_timeout   (PGconn        *conn,
                                      guint          timeout_ms,
                                      GError       **error);

/* Runs @sql (one or several statements, no parameters); FALSE with @error when any fails. */
gboolean    dw_pg_exec               (PGconn        *conn,
                                      const char    *sql,
                                      GError       **error);
/* Runs one statement with text parameters ($1 … $n, NULL for SQL NULL); the result of a command
 * or query that succeeded, else NULL with @error.  Free it with PQclear (g_autoptr(PGresult)). */
PGresult   *dw_pg_query              (PGconn        *conn,
                                      const char    *sql,
                                      int            n_params,
                                      const char * const *params,
                                      GError       **error);

/* Statements prepared on @conn's session by dw_pg_query (each text once per session). */
guint       dw_pg_get_n_prepared     (PGconn        *conn);

/* A pool of at most @size connections to one database, opened on first use and kept for the
 * next (deskwatchd's read pool, dw-read-pool.h, sized by `--db-pool-size`).  Not thread-safe:
 * for one thread, or under the caller's lock (the read pool's). */
typedef struct _DwPgPool DwPgPool;

#define DW_PG_POOL_DEFAULT_SIZE 8

DwPgPool   *dw_pg_pool_new           (const char    *conninfo,
                                      guint          size);
void        dw_pg_pool_free          (DwPgPool      *self);
guint       dw_pg_pool_get_size      (DwPgPool      *self);
/* Connections open now (idle and taken). */
guint       dw_pg_pool_get_n_open    (DwPgPool      *self);
/* An idle connection, or a new one while fewer than @size are open; DW_PG_ERROR_UNAVAILABLE
 * when all are taken. */
PGconn     *dw_pg_pool_acquire       (DwPgPool      *self,
                                      GError       **error);
/* Gives @conn back; a broken one (or one left in a transaction) is closed instead of kept. */
void        dw_pg_pool_release       (DwPgPool      *self,
                                      PGconn        *conn);
/* The application_name of the connections opened from now on (pg_stat_activity tells them from
 * the serving one), whatever the connection string says; NULL: what it says. */
void        dw_pg_pool_set_application_name (DwPgPool   *self,
                                             const char *name);
/* The lock_timeout of the connections opened from now on (dw_pg_set_lock_timeout); 0, the
 * default: the server's. */
void        dw_pg_pool_set_lock_timeout (DwPgPool *self,
                                         guint     timeout_ms);
/* Gives @conn back closed: the caller saw it fail (lost while libpq still says CONNECTION_OK). */
void        dw_pg_pool_discard       (DwPgPool      *self,
                                      PGconn        *conn);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwPgPool, dw_pg_pool_free)

G_END_DECLS
