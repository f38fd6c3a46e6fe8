/* Tests of deskwatchd's log as an operator reads it: --log-json's one object per line, and the
 * access log (a debug message of the dw-api domain per request, with its method, path, status,
 * user and time) there when G_MESSAGES_DEBUG asks for it and absent, with nothing formatted
 * for it, when not (also when another domain's debug messages are asked for).
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "dw-test-server.h"

typedef struct
{
  GSubprocess *process;
  char        *url;
  char        *dir;
} LoggedServer;

static void
logged_server_free (LoggedServer *server)
{
  if (server->process != NULL)
    {
      g_subprocess_force_exit (server->process);
      g_subprocess_wait (server->process, NULL, NULL);
    }
  g_clear_object (&server->process);
  g_free (server->url);
  if (server->dir != NULL)
    {
      g_autofree char *db = g_build_filename (server->dir, "desk.db", NULL);
      g_autofree char *wal = g_strconcat (db, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db, "-shm", NULL);

      g_unlink (wal);
      g_unlink (shm);
      g_unlink (db);
      g_rmdir (server->dir);
      g_free (server->dir);
    }
  g_free (server);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoggedServer, logged_server_free)

/* deskwatchd --log-json on a new desk, its stderr piped to the test; G_MESSAGES_DEBUG set to
 * @messages_debug, or unset. */
static LoggedServer *
logged_server_new (const char *messages_debug)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *line = NULL;
  LoggedServer *server = g_new0 (LoggedServer, 1);

  server->dir = g_dir_make_tmp ("deskwatch-test-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (server->dir, "desk.db", NULL);

  launcher = dw_test_server_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                          | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (messages_debug != NULL)
    g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", messages_debug, TRUE);
  server->process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("DESKWATCHD"),
                                                 "--db", db, "--listen", "127.0.0.1:0",
                                                 "--log-json", NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  /* stop_and_read_log() reads the rest of it. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (out), FALSE);
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "Listening on "));
  server->url = g_strdup (line + strlen ("Listening on "));
  return server;
}

static guint
get_status (const char *url)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  return soup_message_get_status (msg);
}

/* Stops @server (SIGTERM, so it logs as it leaves) and returns every line of its log, each
 * parsed: --log-json writes nothing else to stderr. */
static GPtrArray *
stop_and_read_log (LoggedServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_communicate_utf8 (server->process, NULL, NULL, NULL, &log, &error);
  g_assert_no_error (error);
  g_clear_object (&server->process);

  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      JsonNode *node;

      if (*lines[i] == '\0')
        continue;
      node = json_from_string (lines[i], &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      g_assert_true (json_object_has_member (json_node_get_object (node), "time"));
      g_assert_true (json_object_has_member (json_node_get_object (node), "MESSAGE"));
      g_ptr_array_add (objects, node);
    }
  return objects;
}

/* The log's access lines (those with a DW_PATH). */
static GPtrArray *
access_lines (GPtrArray *log)
{
  GPtrArray *lines = g_ptr_array_new ();

  for (guint i = 0; i < log->len; i++)
    {
      JsonObject *object = json_node_get_object (g_ptr_array_index (log, i));

      if (json_object_has_member (object, "DW_PATH"))
        g_ptr_array_add (lines, object);
    }
  return lines;
}

static void
test_access_logged_when_asked (void)
{
  g_autoptr(LoggedServer) server = logged_server_new ("dw-api");
  g_autofree char *health = g_strconcat (server->url, "api/v1/health", NULL);
  g_autofree char *missing = g_strconcat (server->url, "api/v1/tickets/1", NULL);
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GPtrArray) access = NULL;
  JsonObject *line;

  g_assert_cmpuint (get_status (health), ==, 200);
  g_assert_cmpuint (get_status (missing), ==, 401);
  log = stop_and_read_log (server);
  access = access_lines (log);

  /* The health check is logged when its reply has been sent; the refused request is answered
   * before the access log is set up, so it has none. */
  g_assert_cmpuint (access->len, ==, 1);
  line = g_ptr_array_index (access, 0);
  g_assert_cmpstr (json_object_get_string_member (line, "DW_METHOD"), ==, "GET");
  g_assert_cmpstr (json_object_get_string_member (line, "DW_PATH"), ==, "/api/v1/health");
  g_assert_cmpstr (json_object_get_string_member (line, "DW_STATUS"), ==, "200");
  g_assert_cmpstr (json_object_get_string_member (line, "DW_USER"), ==, "-");
  g_assert_cmpstr (json_object_get_string_member (line, "MESSAGE"), ==, "GET /api/v1/health 200");
  g_assert_cmpstr (json_object_get_string_member (line, "GLIB_DOMAIN"), ==, "dw-api");
  g_assert_cmpint (g_ascii_strtoll (json_object_get_string_member (line, "DW_USEC"), NULL, 10),
                   >=, 0);
}

static void
test_access_not_logged_unasked (void)
{
  /* Another domain's debug messages asked for: not the access log's. */
  g_autoptr(LoggedServer) server = logged_server_new ("dw-stream");
  g_autofree char *health = g_strconcat (server->url, "api/v1/health", NULL);
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GPtrArray) access = NULL;

  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (get_status (health), ==, 200);
  log = stop_and_read_log (server);
  access = access_lines (log);
  g_assert_cmpuint (access->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/access-log/logged-when-asked", test_access_logged_when_asked);
  g_test_add_func ("/access-log/not-logged-unasked", test_access_not_logged_unasked);

  return g_test_run ();
}
