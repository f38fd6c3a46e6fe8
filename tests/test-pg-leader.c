/* Tests of the singleton work's leader (src/server/store/pg/dw-pg-leader.c) against a real
 * PostgreSQL 15: one leader at a time, handed over on release, and taken over by another
 * instance when the leader's process is killed. */
#include "config.h"

#include "dw-pg-leader.h"
#include "dw-pg-migrations.h"
#include "dw-test-pg.h"

#include <gio/gio.h>
#include <signal.h>
#include <string.h>

static PGconn *
connect_or_die (const char *conninfo)
{
  g_autoptr(GError) error = NULL;
  PGconn *conn = dw_pg_connect (conninfo, &error);

  g_assert_no_error (error);
  return conn;
}

static gboolean
try_lead (PGconn *conn)
{
  g_autoptr(GError) error = NULL;
  gboolean is_leader = FALSE;

  g_assert_true (dw_pg_leader_try_acquire (conn, DW_PG_LOCK_SLA_LEADER, &is_leader, &error));
  g_assert_no_error (error);
  return is_leader;
}

static void
test_one_at_a_time (void)
{
  g_autofree char *conninfo = dw_test_pg_new_database (dw_test_pg_get_shared ());
  g_autoptr(PGconn) a = connect_or_die (conninfo);
  g_autoptr(PGconn) b = connect_or_die (conninfo);
  g_autoptr(GError) error = NULL;

  g_assert_true (try_lead (a));
  g_assert_false (try_lead (b));
  /* Asking again while leading changes nothing: one release is enough to hand over. */
  g_assert_true (try_lead (a));
  g_assert_false (try_lead (b));

  g_assert_true (dw_pg_leader_release (a, DW_PG_LOCK_SLA_LEADER, &error));
  g_assert_no_error (error);
  g_assert_true (try_lead (b));
  g_assert_false (try_lead (a));

  /* The migration lock is another key: leading does not hold migrations up. */
  {
    g_autoptr(PGconn) c = connect_or_die (conninfo);
    guint n_applied = 0;

    g_assert_true (dw_pg_migrate (c, &n_applied, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n_applied, ==, (guint) dw_pg_migrations_get_latest ());
  }
}

/* The leader's process dies (SIGKILL, no goodbye): its session ends with its socket, and another
 * instance trying again becomes the leader. */
static void
test_leader_killed (void)
{
  DwTestPg *pg = dw_test_pg_get_shared ();
  g_autofree char *conninfo = dw_test_pg_new_database (pg);
  g_autofree char *psql = g_build_filename (pg->bindir, "psql", NULL);
  g_autofree char *lock = g_strdup_printf ("SELECT pg_advisory_lock (%" G_GINT64_FORMAT ");\n",
                                           DW_PG_LOCK_SLA_LEADER);
  g_autoptr(PGconn) other = connect_or_die (conninfo);
  g_autoptr(GSubprocess) leader = NULL;
  g_autoptr(GError) error = NULL;
  GOutputStream *input;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  /* Another process takes the lock and then sits idle on its session, as a leading deskwatchd
   * does between its rounds. */
  leader = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                             &error, psql, "-X", "-q", "-d", conninfo, NULL);
  g_assert_no_error (error);
  input = g_subprocess_get_stdin_pipe (leader);
  g_assert_true (g_output_stream_write_all (input, lock, strlen (lock), NULL, NULL, &error));
  g_assert_true (g_output_stream_flush (input, NULL, &error));
  g_assert_no_error (error);

  /* Until it holds it (the deadline guards against a hang; it is not a timing assertion). */
  for (;;)
    {
      g_autoptr(PGresult) held = NULL;

      held = dw_pg_query (other, "SELECT count (*) FROM pg_locks WHERE locktype = 'advisory' "
                          "AND granted AND pid <> pg_backend_pid ()", 0, NULL, &error);
      g_assert_no_error (error);
      if (g_str_equal (PQgetvalue (held, 0, 0), "1"))
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_USEC_PER_SEC / 20);
    }
  g_assert_false (try_lead (other));

  g_subprocess_send_signal (leader, SIGKILL);
  g_subprocess_wait (leader, NULL, &error);
  g_assert_no_error (error);

  while (!try_lead (other))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_USEC_PER_SEC / 20);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pg/leader/one-at-a-time", test_one_at_a_time);
  g_test_add_func ("/pg/leader/leader-killed", test_leader_killed);

  return g_test_run ();
}
