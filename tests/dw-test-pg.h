/* dw-test-pg.h: a real, throwaway PostgreSQL 15 server for tests.
 *
 * initdb on a temporary directory under /tmp, then pg_ctl start with the server listening only on
 * a Unix socket in that directory (no TCP port, so parallel tests cannot collide), fsync on as in
 * production.  Starting one costs a second or two: a test program shares one cluster between its
 * cases (dw_test_pg_get_shared), each case in a database of its own (dw_test_pg_new_database).
 *
 * The cluster goes away whatever way the test ends: a guardian process (its own session, so a
 * signal to the test's process group does not reach it) waits on a pipe only the test holds
 * open, and when the test exits — normally, on a failed assertion's abort or SIGKILL — it stops
 * the server and removes the directory.
 *
 * initdb and the server refuse to run as root: when the test runs as root (CI), they run as the
 * user nobody (setpriv), and the directory is given to that user.
 */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

typedef struct
{
  char   *dir;          /* /tmp/dw-pg-XXXXXX: data/, the socket, server.log */
  char   *bindir;       /* PostgreSQL's programs (pg_config --bindir) */
  GPid    guardian;
  int     guardian_fd;  /* the write end of the guardian's pipe; closing it ends the cluster */
  guint   n_databases;
  gint64  start_usec;   /* how long initdb + pg_ctl start took */
} DwTestPg;

/* Starts a new cluster (asserts that it comes up). */
DwTestPg *dw_test_pg_start         (void);
/* Stops it, removes its directory, frees @self. */
void      dw_test_pg_stop          (DwTestPg    *self);

/* The server of the cluster, for tests of what happens when PostgreSQL restarts: started again
 * (pg_ctl start --wait), stopped at once without a checkpoint (pg_ctl stop -m immediate: what
 * a crash leaves, recovered at the next start), and the postmaster's pid (to kill -9 it). */
void      dw_test_pg_server_start  (DwTestPg    *self);
void      dw_test_pg_server_stop_immediate (DwTestPg *self);
GPid      dw_test_pg_server_pid    (DwTestPg    *self);
/* Starts it again after a kill -9 of the postmaster (waits for its orphans to let go). */
void      dw_test_pg_server_restart_after_crash (DwTestPg *self);

/* The test program's one cluster, started on first use and stopped at exit. */
DwTestPg *dw_test_pg_get_shared    (void);

/* Creates an empty database; its libpq connection string (postgresql:///NAME?host=DIR&user=…). */
char     *dw_test_pg_new_database  (DwTestPg    *self);
/* The connection string of database @name of the cluster. */
char     *dw_test_pg_get_conninfo  (DwTestPg    *self,
                                    const char  *name);

/* A libpq session of the test's own beside the service (an operator's, another instance's):
 * connected to @conninfo (a DwTestServer's db), g_error when it cannot be; PQfinish() it. */
PGconn   *dw_test_pg_session_open  (const char  *conninfo);
/* Runs @sql on @conn; g_error when it fails. */
void      dw_test_pg_session_exec  (PGconn      *conn,
                                    const char  *sql);
/* The one value @sql (one row) gives on @conn, as text; g_error otherwise.  Free with g_free(). */
char     *dw_test_pg_session_value (PGconn      *conn,
                                    const char  *sql);
/* Runs @sql (a count) on @conn again and again until it gives something other than 0: TRUE;
 * FALSE once *@done (atomic: a request answered meanwhile) is set first.  The @limit_s deadline
 * is a safety net, not a measurement: past it, g_error that @what never happened. */
gboolean  dw_test_pg_wait_for_count (PGconn     *conn,
                                     const char *sql,
                                     gint       *done,
                                     guint       limit_s,
                                     const char *what);

G_END_DECLS
