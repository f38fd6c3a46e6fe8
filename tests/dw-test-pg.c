#include "config.h"

#include "dw-test-pg.h"

#include <errno.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The cluster's superuser: the test connects as it whatever its own user is. */
#define SUPERUSER "deskwatch"

static DwTestPg *shared;

static char *
find_bindir (void)
{
  g_autofree char *out = NULL;
  const char *argv[] = { "pg_config", "--bindir", NULL };
  const char *fallback = "/usr/lib/postgresql/15/bin";

  /* Debian's pg_config is libpq-dev's, which may name the client's version only; the server's
   * initdb is what matters. */
  if (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, &out, NULL, NULL, NULL)
      && out != NULL)
    {
      g_autofree char *initdb = NULL;

      g_strstrip (out);
      initdb = g_build_filename (out, "initdb", NULL);
      if (g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&out);
    }

  return g_strdup (fallback);
}

/* initdb and postgres refuse root: as root, run them as nobody. */
static GPtrArray *
command_new (DwTestPg   *self,
             const char *program)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  if (geteuid () == 0)
    {
      struct passwd *pw = getpwnam ("nobody");

      g_assert_nonnull (pw);
      g_ptr_array_add (argv, g_strdup ("setpriv"));
      g_ptr_array_add (argv, g_strdup_printf ("--reuid=%u", (guint) pw->pw_uid));
      g_ptr_array_add (argv, g_strdup_printf ("--regid=%u", (guint) pw->pw_gid));
      g_ptr_array_add (argv, g_strdup ("--clear-groups"));
      g_ptr_array_add (argv, g_strdup ("--"));
    }

  g_ptr_array_add (argv, g_build_filename (self->bindir, program, NULL));
  return argv;
}

static void
run (DwTestPg  *self,
     GPtrArray *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  g_ptr_array_add (argv, NULL);
  /* The directory is the only one the unprivileged user may be sure to enter. */
  if (!g_spawn_sync (self->dir, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      g_autofree char *line = g_strjoinv (" ", (char **) argv->pdata);

      g_error ("%s: %s\n%s%s", line, error->message, out != NULL ? out : "",
               err != NULL ? err : "");
    }
}

static void
guardian_setup (gpointer data)
{
  /* Out of the test's process group: meson's signal to the group must not take the guardian
   * along before it has cleaned up. */
  setsid ();
}

/* The guardian: waits for EOF on its standard input (the test gone, however), then stops the
 * server without waiting for clients and removes the directory. */
static void
start_guardian (DwTestPg *self)
{
  g_autoptr(GPtrArray) stop = command_new (self, "pg_ctl");
  g_autoptr(GString) script = g_string_new ("cat >/dev/null; ");
  g_autoptr(GError) error = NULL;
  g_autofree char *data = g_build_filename (self->dir, "data", NULL);
  const char *argv[] = { "/bin/sh", "-c", NULL, NULL };

  g_ptr_array_add (stop, g_strdup ("stop"));
  g_ptr_array_add (stop, g_strdup ("-s"));
  g_ptr_array_add (stop, g_strdup ("-m"));
  g_ptr_array_add (stop, g_strdup ("immediate"));
  g_ptr_array_add (stop, g_strdup ("-D"));
  g_ptr_array_add (stop, g_steal_pointer (&data));
  for (guint i = 0; i < stop->len; i++)
    {
      g_autofree char *quoted = g_shell_quote (g_ptr_array_index (stop, i));

      g_string_append_printf (script, "%s ", quoted);
    }
  {
    g_autofree char *quoted = g_shell_quote (self->dir);

    g_string_append_printf (script, ">/dev/null 2>&1; rm -rf %s", quoted);
  }
  argv[2] = script->str;

  if (!g_spawn_async_with_pipes ("/", (char **) argv, NULL,
                                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                                 | G_SPAWN_STDERR_TO_DEV_NULL,
                                 guardian_setup, NULL, &self->guardian, &self->guardian_fd,
                                 NULL, NULL, &error))
    g_error ("cannot start the guardian of the PostgreSQL cluster: %s", error->message);
}

void
dw_test_pg_server_start (DwTestPg *self)
{
  g_autoptr(GPtrArray) pg_ctl = command_new (self, "pg_ctl");
  g_autofree char *data = g_build_filename (self->dir, "data", NULL);
  g_autofree char *log = g_build_filename (self->dir, "server.log", NULL);
  g_autofree char *options = NULL;

  options = g_strdup_printf ("-c listen_addresses='' -c unix_socket_directories='%s' "
                             "-c fsync=on -c max_connections=50 -c track_commit_timestamp=on", self->dir);
  g_ptr_array_add (pg_ctl, g_strdup ("start"));
  g_ptr_array_add (pg_ctl, g_strdup ("--wait"));
  g_ptr_array_add (pg_ctl, g_strdup ("--silent"));
  g_ptr_array_add (pg_ctl, g_strdup ("--pgdata"));
  g_ptr_array_add (pg_ctl, g_strdup (data));
  g_ptr_array_add (pg_ctl, g_strdup ("--log"));
  g_ptr_array_add (pg_ctl, g_strdup (log));
  g_ptr_array_add (pg_ctl, g_strdup ("--options"));
  g_ptr_array_add (pg_ctl, g_strdup (options));
  run (self, pg_ctl);
}

void
dw_test_pg_server_restart_after_crash (DwTestPg *self)
{
  g_autofree char *data = g_build_filename (self->dir, "data", NULL);
  g_autofree char *log = g_build_filename (self->dir, "server.log", NULL);
  g_autofree char *options = g_strdup_printf ("-c listen_addresses='' "
                                              "-c unix_socket_directories='%s' -c fsync=on "
                                              "-c max_connections=50 "
                                              "-c track_commit_timestamp=on", self->dir);

  /* The killed postmaster's backends may hold its shared memory a moment longer ("pre-existing
   * shared memory block is still in use"): try again until they are gone. */
  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GPtrArray) pg_ctl = command_new (self, "pg_ctl");
      int status;

      g_ptr_array_add (pg_ctl, g_strdup ("start"));
      g_ptr_array_add (pg_ctl, g_strdup ("--wait"));
      g_ptr_array_add (pg_ctl, g_strdup ("--silent"));
      g_ptr_array_add (pg_ctl, g_strdup ("--pgdata"));
      g_ptr_array_add (pg_ctl, g_strdup (data));
      g_ptr_array_add (pg_ctl, g_strdup ("--log"));
      g_ptr_array_add (pg_ctl, g_strdup (log));
      g_ptr_array_add (pg_ctl, g_strdup ("--options"));
      g_ptr_array_add (pg_ctl, g_strdup (options));
      g_ptr_array_add (pg_ctl, NULL);
      if (g_spawn_sync (self->dir, (char **) pg_ctl->pdata, NULL,
                        G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                        | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
          && g_spawn_check_wait_status (status, NULL))
        return;
      if (attempt == 300)
        g_error ("PostgreSQL did not start again after its postmaster was killed; see %s", log);
      g_usleep (100 * 1000);
    }
}

void
dw_test_pg_server_stop_immediate (DwTestPg *self)
{
  g_autoptr(GPtrArray) pg_ctl = command_new (self, "pg_ctl");
  g_autofree char *data = g_build_filename (self->dir, "data", NULL);

  g_ptr_array_add (pg_ctl, g_strdup ("stop"));
  g_ptr_array_add (pg_ctl, g_strdup ("--wait"));
  g_ptr_array_add (pg_ctl, g_strdup ("--silent"));
  g_ptr_array_add (pg_ctl, g_strdup ("--mode=immediate"));
  g_ptr_array_add (pg_ctl, g_strdup ("--pgdata"));
  g_ptr_array_add (pg_ctl, g_strdup (data));
  run (self, pg_ctl);
}

GPid
dw_test_pg_server_pid (DwTestPg *self)
{
  g_autofree char *path = g_build_filename (self->dir, "data", "postmaster.pid", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  /* Its first line is the postmaster's pid. */
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return (GPid) g_ascii_strtoll (contents, NULL, 10);
}

DwTestPg *
dw_test_pg_start (void)
{
  DwTestPg *self = g_new0 (DwTestPg, 1);
  g_autoptr(GPtrArray) initdb = NULL;
  g_autofree char *data = NULL;
  gint64 start = g_get_monotonic_time ();

  /* /tmp, not $TMPDIR: nobody must be able to reach it, and a socket's path must stay within
   * 107 bytes. */
  self->dir = g_strdup ("/tmp/dw-pg-XXXXXX");
  g_assert_nonnull (g_mkdtemp (self->dir));
  self->bindir = find_bindir ();

  if (geteuid () == 0)
    {
      struct passwd *pw = getpwnam ("nobody");

      g_assert_nonnull (pw);
      g_assert_no_errno (chown (self->dir, pw->pw_uid, pw->pw_gid));
    }

  /* The guardian first: from here on, the directory goes whatever happens. */
  start_guardian (self);

  data = g_build_filename (self->dir, "data", NULL);

  /* --no-sync: a throwaway cluster's files need not reach the disk before it starts; the server
   * itself runs with fsync on, as in production. */
  initdb = command_new (self, "initdb");
  g_ptr_array_add (initdb, g_strdup ("--pgdata"));
  g_ptr_array_add (initdb, g_strdup (data));
  g_ptr_array_add (initdb, g_strdup ("--username=" SUPERUSER));
  g_ptr_array_add (initdb, g_strdup ("--auth=trust"));
  g_ptr_array_add (initdb, g_strdup ("--encoding=UTF8"));
  g_ptr_array_add (initdb, g_strdup ("--locale=C"));
  g_ptr_array_add (initdb, g_strdup ("--no-sync"));
  g_ptr_array_add (initdb, g_strdup ("--no-instructions"));
  run (self, initdb);

  dw_test_pg_server_start (self);

  self->start_usec = g_get_monotonic_time () - start;
  g_test_message ("PostgreSQL cluster in %s started in %.2f s", self->dir,
                  self->start_usec / (double) G_USEC_PER_SEC);
  return self;
}

void
dw_test_pg_stop (DwTestPg *self)
{
  int status;

  if (self == NULL)
    return;

  /* EOF for the guardian, which stops the server and removes the directory; wait for it to be
   * done, so that the test leaves nothing behind. */
  close (self->guardian_fd);
  while (waitpid (self->guardian, &status, 0) < 0 && errno == EINTR)
    ;
  g_spawn_close_pid (self->guardian);

  if (shared == self)
    shared = NULL;
  g_free (self->dir);
  g_free (self->bindir);
  g_free (self);
}

static void
stop_shared (void)
{
  dw_test_pg_stop (shared);
}

DwTestPg *
dw_test_pg_get_shared (void)
{
  if (shared == NULL)
    {
      shared = dw_test_pg_start ();
      atexit (stop_shared);
    }

  return shared;
}

char *
dw_test_pg_get_conninfo (DwTestPg   *self,
                         const char *name)
{
  return g_strdup_printf ("postgresql:///%s?host=%s&user=" SUPERUSER, name, self->dir);
}

char *
dw_test_pg_new_database (DwTestPg *self)
{
  g_autofree char *admin = dw_test_pg_get_conninfo (self, "postgres");
  g_autofree char *name = g_strdup_printf ("test_%u", ++self->n_databases);
  g_autofree char *sql = g_strdup_printf ("CREATE DATABASE %s", name);
  PGconn *conn = PQconnectdb (admin);
  PGresult *result;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("cannot connect to the test cluster: %s", PQerrorMessage (conn));

  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));

  PQclear (result);
  PQfinish (conn);
  return dw_test_pg_get_conninfo (self, name);
}

PGconn *
dw_test_pg_session_open (const char *conninfo)
{
  PGconn *conn = PQconnectdb (conninfo);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("cannot connect to %s: %s", conninfo, PQerrorMessage (conn));
  return conn;
}

void
dw_test_pg_session_exec (PGconn     *conn,
                         const char *sql)
{
  PGresult *result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQclear (result);
}

char *
dw_test_pg_session_value (PGconn     *conn,
                          const char *sql)
{
  PGresult *result = PQexec (conn, sql);
  char *value;

  if (PQresultStatus (result) != PGRES_TUPLES_OK || PQntuples (result) != 1)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  value = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  return value;
}

gboolean
dw_test_pg_wait_for_count (PGconn     *conn,
                           const char *sql,
                           gint       *done,
                           guint       limit_s,
                           const char *what)
{
  gint64 deadline = g_get_monotonic_time () + limit_s * G_USEC_PER_SEC;

  while (!g_atomic_int_get (done))
    {
      g_autofree char *count = dw_test_pg_session_value (conn, sql);

      if (g_strcmp0 (count, "0") != 0)
        return TRUE;
      if (g_get_monotonic_time () > deadline)
        g_error ("%s", what);
      g_usleep (2000);
    }
  return FALSE;
}
