#include "config.h"

#include "dw-test-cluster.h"

#include "dw-pg-migrations.h"

#include <gio/gunixfdlist.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>


/* Instance I connects as the role INSTANCE_ROLE "I" (see dw_test_cluster_new). */
#define INSTANCE_ROLE "deskwatchd_"

static PGresult *
sql_run (DwTestCluster *self,
         const char    *sql)
{
  PGresult *result = PQexec (self->sql, sql);
  ExecStatusType status = PQresultStatus (result);

  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  return result;
}

void
dw_test_cluster_sql_exec (DwTestCluster *self,
                          const char    *sql)
{
  PQclear (sql_run (self, sql));
}

gint64
dw_test_cluster_sql_int (DwTestCluster *self,
                         const char    *sql)
{
  PGresult *result = sql_run (self, sql);
  gint64 value;

  if (PQntuples (result) != 1 || PQnfields (result) != 1 || PQgetisnull (result, 0, 0))
    g_error ("%s: not one integer", sql);
  value = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  return value;
}

guint
dw_test_cluster_size (DwTestCluster *self)
{
  return self->instances->len;
}

DwTestServer *
dw_test_cluster_instance (DwTestCluster *self,
                          guint          i)
{
  g_assert_cmpuint (i, <, self->instances->len);
  return g_ptr_array_index (self->instances, i);
}

void
dw_test_cluster_kill (DwTestCluster *self,
                      guint          i)
{
  DwTestServer *instance = dw_test_cluster_instance (self, i);

  g_assert_nonnull (instance->process);
  g_test_message ("SIGKILL to instance %u (%s)", i, instance->url);
  dw_test_server_kill (instance);
}

int
dw_test_cluster_leader (DwTestCluster *self)
{
  /* A bigint advisory lock shows in pg_locks as classid (its high 32 bits), objid (its low 32
   * bits) and objsubid 1. */
  g_autofree char *sql = g_strdup_printf ("SELECT a.usename FROM pg_locks l "
                                          "JOIN pg_stat_activity a ON a.pid = l.pid "
                                          "WHERE l.locktype = 'advisory' AND l.granted "
                                          "AND l.database = (SELECT oid FROM pg_database "
                                          "                  WHERE datname = current_database ()) "
                                          "AND l.objsubid = 1 "
                                          "AND ((l.classid::bigint << 32) | l.objid::bigint) = %"
                                          G_GINT64_FORMAT, DW_PG_LOCK_SLA_LEADER);
  PGresult *result = sql_run (self, sql);
  int leader = -1;

  if (PQntuples (result) > 1)
    g_error ("%d sessions hold the leader's lock", PQntuples (result));
  if (PQntuples (result) == 1)
    {
      const char *name = PQgetvalue (result, 0, 0);
      guint64 i;

      if (!g_str_has_prefix (name, INSTANCE_ROLE)
          || !g_ascii_string_to_unsigned (name + strlen (INSTANCE_ROLE), 10, 0,
                                          self->instances->len - 1, &i, NULL))
        g_error ("the leader's lock is held by %s", name);
      leader = (int) i;
    }

  PQclear (result);
  return leader;
}

guint
dw_test_cluster_wait_leader (DwTestCluster *self,
                             int            not)
{
  /* A guard against a hang: the design's takeover is "within seconds". */
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  for (;;)
    {
      int leader = dw_test_cluster_leader (self);

      if (leader >= 0 && leader != not)
        return (guint) leader;
      if (g_get_monotonic_time () > deadline)
        g_error ("no instance (other than %d) took the SLA leader's lock", not);
      /* Keeps any open stream reading meanwhile (dw-test-stream.h). */
      for (int k = 0; k < 10; k++)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (20 * 1000);
        }
    }
}

/* A socket bound on 127.0.0.1:0 and listening, for haproxy to take over (`bind fd@3`): the port
 * is ours before haproxy starts, so nothing can take it in between. */
static int
listen_socket (guint16 *port)
{
  struct sockaddr_in address = { .sin_family = AF_INET };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (listen (fd, SOMAXCONN), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &address, &length), ==, 0);
  *port = ntohs (address.sin_port);
  return fd;
}

/* data/haproxy/deskwatchd.cfg with its bind and server lines replaced. */
static char *
haproxy_config (DwTestCluster *self)
{
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "data", "haproxy",
                                            "deskwatchd.cfg", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GString *out = g_string_new (NULL);
  gboolean servers_written = FALSE;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *word = line + strspn (line, " \t");

      if (g_str_has_prefix (word, "bind "))
        {
          g_string_append (out, "    bind fd@3\n");
        }
      else if (g_str_has_prefix (word, "server "))
        {
          if (servers_written)
            continue;
          for (guint k = 0; k < self->instances->len; k++)
            g_string_append_printf (out, "    server dw%u 127.0.0.1:%u check\n", k,
                                    dw_test_server_get_port (dw_test_cluster_instance (self, k)));
          servers_written = TRUE;
        }
      else
        {
          g_string_append_printf (out, "%s\n", line);
        }
    }

  g_assert_true (servers_written);
  return g_string_free (out, FALSE);
}

/* haproxy answers /api/v1/health from an instance once its checks found one up.  A session of
 * its own with a short timeout, so that a haproxy that died is noticed. */
static gboolean
front_healthy (DwTestServer *front)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 2, NULL);
  g_autofree char *uri = g_strconcat (front->url, "api/v1/health", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

  return body != NULL && soup_message_get_status (msg) == 200;
}

static void
start_haproxy (DwTestCluster *self)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *config = haproxy_config (self);
  g_autofree char *config_path = g_build_filename (self->dir, "haproxy.cfg", NULL);
  gint64 deadline;
  guint16 port = 0;
  int fd = listen_socket (&port);

  g_file_set_contents (config_path, config, -1, &error);
  g_assert_no_error (error);

  /* Its warnings and alerts land in the test's log. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_child_setup (launcher, dw_test_die_with_parent, NULL, NULL);
  g_subprocess_launcher_take_fd (launcher, fd, 3);
  self->haproxy = g_subprocess_launcher_spawn (launcher, &error, "haproxy", "-f", config_path,
                                               "-db", NULL);
  g_assert_no_error (error);

  self->front->url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_test_message ("haproxy on %s (%s)", self->front->url, config_path);

  /* The socket listens already; haproxy answers once it has checked its servers up.  A guard
   * against a hang only. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!front_healthy (self->front))
    {
      /* Lets GSubprocess notice haproxy's exit (an error in the configuration). */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (g_subprocess_get_if_exited (self->haproxy) || g_get_monotonic_time () > deadline)
        g_error ("haproxy did not come up in front of the instances");
      g_usleep (100 * 1000);
    }
}

static gint64
create (DwTestServer *front,
        const char   *path,
        const char   *json)
{
  g_autoptr(DwTestResponse) response = dw_test_server_json (front, "POST", path,
                                                            front->admin_token, json);

  dw_test_assert_status (response, 201);
  return json_object_get_int_member (dw_test_response_object (response), "id");
}

/* What dw_test_server_new_with_desk() makes, through haproxy (so across the instances). */
static void
make_desk (DwTestServer *front)
{
  g_autofree char *json = NULL;

  front->admin_token = dw_test_server_sign_in (front, "admin", DW_TEST_ADMIN_PASSWORD);
  front->team_id = create (front, "/api/v1/teams",
                           "{\"name\": \"Logistics\", \"business_types\": [\"logistics\"], "
                           "\"offline_grace_minutes\": 1440}");
  front->other_team_id = create (front, "/api/v1/teams",
                                 "{\"name\": \"Returns\", \"business_types\": [\"returns\"], "
                                 "\"offline_grace_minutes\": 1440}");

  json = g_strdup_printf ("{\"username\": \"lead\", \"display_name\": \"Lead\", \"role\": \"lead\", "
                          "\"password\": \"" DW_TEST_PASSWORD "\", "
                          "\"teams\": [{\"id\": %" G_GINT64_FORMAT ", \"is_lead\": true}]}",
                          front->team_id);
  front->lead_id = create (front, "/api/v1/users", json);
  g_free (json);

  json = g_strdup_printf ("{\"username\": \"agent\", \"display_name\": \"李娜\", \"role\": \"agent\", "
                          "\"password\": \"" DW_TEST_PASSWORD "\", \"capacity\": 2, "
                          "\"teams\": [{\"id\": %" G_GINT64_FORMAT "}]}", front->team_id);
  front->agent_id = create (front, "/api/v1/users", json);
  g_free (json);

  json = g_strdup_printf ("{\"username\": \"agent2\", \"display_name\": \"Agent Two\", "
                          "\"role\": \"agent\", \"password\": \"" DW_TEST_PASSWORD "\", "
                          "\"teams\": [{\"id\": %" G_GINT64_FORMAT "}]}", front->other_team_id);
  front->agent2_id = create (front, "/api/v1/users", json);

  front->lead_token = dw_test_server_sign_in (front, "lead", DW_TEST_PASSWORD);
  front->agent_token = dw_test_server_sign_in (front, "agent", DW_TEST_PASSWORD);
  front->agent2_token = dw_test_server_sign_in (front, "agent2", DW_TEST_PASSWORD);
}

/* An instance on @conninfo: a DwTestServer with its own temporary directory (nothing in it but
 * what DESKWATCH_TEST_KEEP keeps) and the connection string as its "db_path", which is all
 * dw_test_server_start and dw_test_server_cli put after --db. */
static DwTestServer *
instance_new (const char *conninfo)
{
  g_autoptr(GError) error = NULL;
  DwTestServer *instance = g_new0 (DwTestServer, 1);

  instance->dir = g_dir_make_tmp ("deskwatch-cluster-XXXXXX", &error);
  g_assert_no_error (error);
  instance->db_path = g_strdup (conninfo);
  instance->session = soup_session_new_with_options ("timeout", 60, NULL);
  return instance;
}

DwTestCluster *
dw_test_cluster_new (guint               n_instances,
                     const char         *setup_sql,
                     const char * const *extra_args)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  DwTestCluster *self = g_new0 (DwTestCluster, 1);
  DwTestServer *first;
  int status = -1;
  guint64 id;

  g_assert_cmpuint (n_instances, >, 0);
  self->pg = dw_test_pg_get_shared ();
  self->conninfo = dw_test_pg_new_database (self->pg);
  self->dir = g_dir_make_tmp ("deskwatch-haproxy-XXXXXX", &error);
  g_assert_no_error (error);
  self->sql = PQconnectdb (self->conninfo);
  if (PQstatus (self->sql) != CONNECTION_OK)
    g_error ("%s", PQerrorMessage (self->sql));

  self->instances = g_ptr_array_new_with_free_func ((GDestroyNotify) dw_test_server_free);
  /* Each instance connects as a role of its own, so that every session it opens (serving,
   * listening, the leader's lock), whatever application_name it gives it, shows in
   * pg_stat_activity as that instance's.  Superusers: the first instance's migrations make it
   * the tables' owner, the others must reach them all the same (a test cluster, trust auth).
   * libpq takes the last user= of the URI. */
  for (guint i = 0; i < n_instances; i++)
    {
      g_autofree char *role = g_strdup_printf (INSTANCE_ROLE "%u", i);
      g_autofree char *create = g_strdup_printf ("DO $$ BEGIN CREATE ROLE %s SUPERUSER LOGIN; "
                                                 "EXCEPTION WHEN duplicate_object THEN NULL; "
                                                 "END $$", role);
      g_autofree char *conninfo = g_strdup_printf ("%s&user=%s", self->conninfo, role);

      dw_test_cluster_sql_exec (self, create);
      g_ptr_array_add (self->instances, instance_new (conninfo));
    }

  /* The first admin the way an operator makes one; this also applies the migrations. */
  first = dw_test_cluster_instance (self, 0);
  out = dw_test_server_cli (first, DW_TEST_ADMIN_PASSWORD "\n", &status, "user", "add", "admin",
                            "--role", "admin", "--name", "Administrator", "--password-stdin",
                            NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_ascii_string_to_unsigned (g_strstrip (out), 10, 1, G_MAXINT64, &id, NULL));

  if (setup_sql != NULL)
    dw_test_cluster_sql_exec (self, setup_sql);

  for (guint i = 0; i < n_instances; i++)
    dw_test_server_start (dw_test_cluster_instance (self, i), extra_args);

  self->front = g_new0 (DwTestServer, 1);
  self->front->session = soup_session_new_with_options ("timeout", 60, NULL);
  self->front->admin_id = (gint64) id;
  start_haproxy (self);
  make_desk (self->front);

  /* The instances' own tokens are the front's: any instance accepts any token. */
  for (guint i = 0; i < n_instances; i++)
    {
      DwTestServer *instance = dw_test_cluster_instance (self, i);

      instance->admin_id = self->front->admin_id;
      instance->admin_token = g_strdup (self->front->admin_token);
      instance->team_id = self->front->team_id;
      instance->other_team_id = self->front->other_team_id;
      instance->lead_id = self->front->lead_id;
      instance->lead_token = g_strdup (self->front->lead_token);
      instance->agent_id = self->front->agent_id;
      instance->agent_token = g_strdup (self->front->agent_token);
      instance->agent2_id = self->front->agent2_id;
      instance->agent2_token = g_strdup (self->front->agent2_token);
    }

  return self;
}

void
dw_test_cluster_free (DwTestCluster *self)
{
  if (self->haproxy != NULL)
    {
      g_subprocess_send_signal (self->haproxy, SIGTERM);
      g_subprocess_wait (self->haproxy, NULL, NULL);
      g_clear_object (&self->haproxy);
    }

  /* Each stops cleanly (SIGTERM, exit status 0), as dw_test_server_free does. */
  g_clear_pointer (&self->instances, g_ptr_array_unref);
  g_clear_pointer (&self->front, dw_test_server_free);
  g_clear_pointer (&self->sql, PQfinish);

  if (self->dir != NULL && g_getenv ("DESKWATCH_TEST_KEEP") == NULL)
    {
      g_autofree char *config = g_build_filename (self->dir, "haproxy.cfg", NULL);

      g_remove (config);
      g_rmdir (self->dir);
    }

  g_free (self->dir);
  g_free (self->conninfo);
  g_free (self);
}
