#include "config.h"

#include "dw-test-server.h"
#include "dw-test-pg.h"
#include "dw-test-thread.h"

#include "dw-clock.h"
#include "dw-json.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>
#include <string.h>

gboolean
dw_test_backend_is_postgresql (void)
{
  return g_strcmp0 (g_getenv ("DW_TEST_BACKEND"), "postgresql") == 0;
}

gboolean
dw_test_skip_unless_sqlite (const char *reason)
{
  if (!dw_test_backend_is_postgresql ())
    return FALSE;
  g_test_skip (reason);
  return TRUE;
}

/* What --db the service is given: the PostgreSQL database, else the SQLite file (a test may
 * fill in db_path alone, as test-demo.c does). */
static const char *
db_arg (DwTestServer *self)
{
  return self->db != NULL ? self->db : self->db_path;
}

static const char *
deskwatchd_path (void)
{
  const char *path = g_getenv ("DESKWATCHD");

  if (path == NULL)
    g_error ("DESKWATCHD is not set: run the tests with meson test");

  return path;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }

  g_rmdir (path);
}

/* A failed assertion aborts the test without cleaning up: the service must not outlive it (it
 * would keep meson waiting on its output). */
void
dw_test_die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

GSubprocessLauncher *
dw_test_server_launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);
  const char *g_debug = g_getenv ("DW_TEST_DESKWATCHD_G_DEBUG");

  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  /* A console test runs with fatal-criticals; the service under it still dies of a warning. */
  if (g_debug != NULL)
    g_subprocess_launcher_setenv (launcher, "G_DEBUG", g_debug, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, dw_test_die_with_parent, NULL, NULL);
  return launcher;
}

void
dw_test_server_set_nofile (DwTestServer *self,
                           guint64       soft,
                           guint64       hard)
{
  self->nofile_soft = soft;
  self->nofile_hard = hard;
}

guint16
dw_test_server_get_port (DwTestServer *self)
{
  g_autoptr(GUri) uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);

  g_assert_nonnull (uri);
  return (guint16) g_uri_get_port (uri);
}

static void
server_child_setup (gpointer data)
{
  DwTestServer *self = data;

  dw_test_die_with_parent (NULL);
  if (self->nofile_soft > 0)
    {
      struct rlimit limit = { self->nofile_soft, self->nofile_hard };

      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        _exit (125);
    }
}

void
dw_test_server_start (DwTestServer       *self,
                      const char * const *extra_args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  g_assert_null (self->process);

  g_ptr_array_add (argv, (gpointer) deskwatchd_path ());
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) db_arg (self));
  g_ptr_array_add (argv, (gpointer) "--listen");
  g_ptr_array_add (argv, (gpointer) "127.0.0.1:0");
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  /* stderr is inherited: the service's log lands in the test's log. */
  launcher = dw_test_server_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* dies with the test (as the launcher's own setup would) and takes its open-file limit */
  g_subprocess_launcher_set_child_setup (launcher, server_child_setup, self, NULL);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL || !g_str_has_prefix (line, "Listening on "))
    g_error ("deskwatchd did not start (first line: %s)", line != NULL ? line : "(none)");

  g_free (self->url);
  self->url = g_strdup (line + strlen ("Listening on "));
  g_test_message ("deskwatchd %s on %s", db_arg (self), self->url);
}

static void
wait_for_exit (DwTestServer *self)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_wait (self->process, NULL, &error);
  g_assert_no_error (error);
}

void
dw_test_server_stop (DwTestServer *self)
{
  if (self->process == NULL)
    return;

  g_subprocess_send_signal (self->process, SIGTERM);
  wait_for_exit (self);
  g_assert_true (g_subprocess_get_if_exited (self->process));
  g_assert_cmpint (g_subprocess_get_exit_status (self->process), ==, 0);
  g_clear_object (&self->process);
}

void
dw_test_server_kill (DwTestServer *self)
{
  if (self->process == NULL)
    return;

  g_subprocess_force_exit (self->process);
  wait_for_exit (self);
  g_clear_object (&self->process);
}

char *
dw_test_server_cli (DwTestServer *self,
                    const char   *stdin_text,
                    int          *exit_status,
                    ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) deskwatchd_path ());
  va_start (args, exit_status);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) db_arg (self));
  g_ptr_array_add (argv, NULL);

  launcher = dw_test_server_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                          | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8 (process, stdin_text != NULL ? stdin_text : "", NULL, &out, NULL,
                                 &error);
  g_assert_no_error (error);

  *exit_status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process)
                                                      : -1;
  return g_steal_pointer (&out);
}

void
dw_test_response_free (DwTestResponse *response)
{
  g_free (response->content_type);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->json, json_node_unref);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_free (response);
}

DwTestResponse *
dw_test_server_request (DwTestServer *self,
                        const char   *method,
                        const char   *path,
                        const char   *token,
                        const char   *content_type,
                        const void   *body,
                        gssize        body_length)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  DwTestResponse *response = g_new0 (DwTestResponse, 1);
  const char *type;

  g_assert_nonnull (self->url);
  uri = g_strconcat (self->url, path[0] == '/' ? path + 1 : path, NULL);
  msg = soup_message_new (method, uri);
  g_assert_nonnull (msg);

  if (token != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    value);
    }

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, body_length < 0 ? strlen (body)
                                                                   : (gsize) body_length);

      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }
  else if (content_type != NULL)
    {
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Type",
                                    content_type);
    }

  response->body = soup_session_send_and_read (self->session, msg, NULL, &error);
  g_assert_no_error (error);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  response->content_type = g_strdup (type);

  if (g_bytes_get_size (response->body) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize size;
      const char *data = g_bytes_get_data (response->body, &size);

      if (json_parser_load_from_data (parser, data, (gssize) size, NULL)
          && json_parser_get_root (parser) != NULL)
        {
          g_autoptr(GError) invalid = NULL;

          /* JSON-GLib reads more than JSON (raw control characters, bytes that are not
           * UTF-8); whatever the service sends must be JSON every parser accepts. */
          if (!dw_json_check_text (data, size, &invalid))
            g_error ("The service sent JSON that is not valid: %s", invalid->message);
          response->json = json_node_copy (json_parser_get_root (parser));
        }
    }

  return response;
}

DwTestResponse *
dw_test_server_json (DwTestServer *self,
                     const char   *method,
                     const char   *path,
                     const char   *token,
                     const char   *json)
{
  return dw_test_server_request (self, method, path, token,
                                 json != NULL ? "application/json" : NULL, json, -1);
}

DwTestResponse *
dw_test_server_jsonf (DwTestServer *self,
                      const char   *method,
                      const char   *token,
                      const char   *path,
                      const char   *json_format,
                      ...)
{
  g_autofree char *json = NULL;
  va_list args;

  va_start (args, json_format);
  json = g_strdup_vprintf (json_format, args);
  va_end (args);

  return dw_test_server_json (self, method, path, token, json);
}

static char *
body_text (DwTestResponse *response)
{
  gsize size = 0;
  const char *data = response->body != NULL ? g_bytes_get_data (response->body, &size) : NULL;

  return g_strndup (data != NULL ? data : "", size);
}

void
dw_test_assert_status_impl (DwTestResponse *response,
                            guint           expected,
                            const char     *file,
                            int             line)
{
  if (response->status != expected)
    {
      g_autofree char *text = body_text (response);
      g_autofree char *message = g_strdup_printf ("status %u, expected %u; body: %s",
                                                  response->status, expected, text);

      g_assertion_message (G_LOG_DOMAIN, file, line, G_STRFUNC, message);
    }
}

JsonObject *
dw_test_response_object (DwTestResponse *response)
{
  if (response->json == NULL || !JSON_NODE_HOLDS_OBJECT (response->json))
    {
      g_autofree char *text = body_text (response);

      g_error ("expected a JSON object, got: %s", text);
    }

  return json_node_get_object (response->json);
}

JsonArray *
dw_test_response_items (DwTestResponse *response)
{
  JsonObject *object = dw_test_response_object (response);
  JsonNode *items = json_object_get_member (object, "items");

  g_assert_nonnull (items);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (items));
  return json_node_get_array (items);
}

void
dw_test_assert_problem_impl (DwTestResponse *response,
                             guint           status,
                             const char     *type_suffix,
                             const char     *file,
                             int             line)
{
  g_autofree char *text = body_text (response);
  g_autofree char *message = NULL;
  JsonObject *problem;
  const char *type;

  dw_test_assert_status_impl (response, status, file, line);

  if (g_strcmp0 (response->content_type, "application/problem+json") != 0
      || response->json == NULL || !JSON_NODE_HOLDS_OBJECT (response->json))
    {
      message = g_strdup_printf ("not a problem document (%s): %s", response->content_type, text);
      g_assertion_message (G_LOG_DOMAIN, file, line, G_STRFUNC, message);
      return;
    }

  problem = json_node_get_object (response->json);
  type = json_object_get_string_member_with_default (problem, "type", NULL);
  if (json_object_get_size (problem) != 4
      || type == NULL || !g_str_has_prefix (type, "https://deskwatch.org/problems/")
      || !g_str_has_suffix (type, type_suffix)
      || json_object_get_string_member_with_default (problem, "title", NULL) == NULL
      || json_object_get_string_member_with_default (problem, "detail", NULL) == NULL
      || !json_object_has_member (problem, "status")
      || json_object_get_int_member (problem, "status") != status)
    {
      message = g_strdup_printf ("problem document is not {type …/%s, title, status %u, detail}: %s",
                                 type_suffix, status, text);
      g_assertion_message (G_LOG_DOMAIN, file, line, G_STRFUNC, message);
    }
}

char *
dw_test_server_sign_in (DwTestServer *self,
                        const char   *username,
                        const char   *password)
{
  g_autoptr(DwTestResponse) response = NULL;

  response = dw_test_server_jsonf (self, "POST", NULL, "/api/v1/auth/token",
                                   "{\"username\": \"%s\", \"password\": \"%s\"}", username,
                                   password);
  dw_test_assert_status (response, 201);
  return g_strdup (json_object_get_string_member (dw_test_response_object (response), "token"));
}

DwTestServer *
dw_test_server_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  DwTestServer *self = g_new0 (DwTestServer, 1);
  int status = -1;
  guint64 id;

  self->dir = g_dir_make_tmp ("deskwatch-test-XXXXXX", &error);
  g_assert_no_error (error);
  self->db_path = g_build_filename (self->dir, "deskwatch.db", NULL);
  /* One cluster for the test program, a new database for each server (CREATE DATABASE copies
   * template1: milliseconds). */
  if (dw_test_backend_is_postgresql ())
    self->db = dw_test_pg_new_database (dw_test_pg_get_shared ());
  self->session = soup_session_new_with_options ("timeout", 60, NULL);

  out = dw_test_server_cli (self, DW_TEST_ADMIN_PASSWORD "\n", &status, "user", "add", "admin",
                            "--role", "admin", "--name", "Administrator", "--password-stdin",
                            NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_ascii_string_to_unsigned (g_strstrip (out), 10, 1, G_MAXINT64, &id, NULL));
  self->admin_id = (gint64) id;

  dw_test_server_start (self, NULL);
  self->admin_token = dw_test_server_sign_in (self, "admin", DW_TEST_ADMIN_PASSWORD);
  return self;
}

static gint64
create (DwTestServer *self,
        const char   *path,
        const char   *json)
{
  g_autoptr(DwTestResponse) response = dw_test_server_json (self, "POST", path, self->admin_token,
                                                            json);

  dw_test_assert_status (response, 201);
  return json_object_get_int_member (dw_test_response_object (response), "id");
}

DwTestServer *
dw_test_server_new_with_desk (void)
{
  DwTestServer *self = dw_test_server_new ();
  g_autofree char *json = NULL;

  /* The agents here are offline yet given tickets; a day's grace keeps the service from handing
   * those back to the queue while a sped-up test runs (test-api-desk sets shorter ones). */
  self->team_id = create (self, "/api/v1/teams",
                          "{\"name\": \"Logistics\", \"description\": \"物流\", "
                          "\"business_types\": [\"logistics\"], \"offline_grace_minutes\": 1440}");
  self->other_team_id = create (self, "/api/v1/teams",
                                "{\"name\": \"Returns\", \"business_types\": [\"returns\"], "
                                "\"offline_grace_minutes\": 1440}");

  json = g_strdup_printf ("{\"username\": \"lead\", \"display_name\": \"Lead\", \"role\": \"lead\", "
                          "\"password\": \"" DW_TEST_PASSWORD "\", "
                          "\"teams\": [{\"id\": %" G_GINT64_FORMAT ", \"is_lead\": true}]}",
                          self->team_id);
  self->lead_id = create (self, "/api/v1/users", json);
  g_free (json);

  json = g_strdup_printf ("{\"username\": \"agent\", \"display_name\": \"李娜\", \"role\": \"agent\", "
                          "\"password\": \"" DW_TEST_PASSWORD "\", \"capacity\": 2, "
                          "\"teams\": [{\"id\": %" G_GINT64_FORMAT "}]}", self->team_id);
  self->agent_id = create (self, "/api/v1/users", json);
  g_free (json);

  json = g_strdup_printf ("{\"username\": \"agent2\", \"display_name\": \"Agent Two\", "
                          "\"role\": \"agent\", \"password\": \"" DW_TEST_PASSWORD "\", "
                          "\"teams\": [{\"id\": %" G_GINT64_FORMAT "}]}", self->other_team_id);
  self->agent2_id = create (self, "/api/v1/users", json);

  self->lead_token = dw_test_server_sign_in (self, "lead", DW_TEST_PASSWORD);
  self->agent_token = dw_test_server_sign_in (self, "agent", DW_TEST_PASSWORD);
  self->agent2_token = dw_test_server_sign_in (self, "agent2", DW_TEST_PASSWORD);
  return self;
}

void
dw_test_server_free (DwTestServer *self)
{
  if (self->process != NULL)
    dw_test_server_stop (self);

  g_clear_object (&self->session);
  if (self->dir != NULL && g_getenv ("DESKWATCH_TEST_KEEP") == NULL)
    remove_tree (self->dir);

  g_free (self->dir);
  g_free (self->db_path);
  g_free (self->db);
  g_free (self->url);
  g_free (self->admin_token);
  g_free (self->lead_token);
  g_free (self->agent_token);
  g_free (self->agent2_token);
  g_free (self);
}

gint64
dw_test_server_now (DwTestServer *self)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (self, "GET", "/api/v1/health", NULL, NULL);
  gint64 now;

  dw_test_assert_status (r, 200);
  g_assert_true (dw_time_from_iso8601 (json_object_get_string_member (dw_test_response_object (r),
                                                                      "time"), &now));
  return now;
}

char *
dw_test_week_with_daily_gap (gint64  now,
                             int     start_in,
                             int     length,
                             gint64 *gap_start)
{
  int minute = (int) ((now % 86400) / 60);
  int c0 = (minute + start_in) % 1440;
  int c1 = (minute + start_in + length) % 1440;
  g_autofree char *day = NULL;

  *gap_start = now - (now % 60) + (gint64) start_in * 60;
  if (c0 == 0)
    day = g_strdup_printf ("[[%d,1440]]", c1);
  else if (c0 < c1)
    day = g_strdup_printf ("[[0,%d],[%d,1440]]", c0, c1);
  else  /* the gap spans midnight */
    day = g_strdup_printf ("[[%d,%d]]", c1, c0);
  return g_strdup_printf ("[%s,%s,%s,%s,%s,%s,%s]", day, day, day, day, day, day, day);
}

void
dw_test_server_wait_demo_history (DwTestServer *self)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(DwTestResponse) health = dw_test_server_request (self, "GET", "/api/v1/health",
                                                                 NULL, NULL, NULL, 0);
      JsonObject *demo;
      const char *state;

      dw_test_assert_status (health, 200);
      demo = json_object_get_object_member (dw_test_response_object (health), "demo");
      g_assert_nonnull (demo);
      state = json_object_get_string_member (demo, "history");
      g_assert_cmpstr (state, !=, "failed");
      if (g_str_equal (state, "ready"))
        return;
      g_assert_cmpstr (state, ==, "seeding");
      /* Only a guard against a hang, not a timing assertion. */
      if (g_get_monotonic_time () > deadline)
        g_error ("Gave up waiting for the demo's history");
      g_usleep (50 * 1000);
    }
}

void
dw_test_server_exec (DwTestServer *self,
                     const char   *sql)
{
  if (self->db != NULL)
    {
      PGconn *conn = dw_test_pg_session_open (self->db);

      dw_test_pg_session_exec (conn, sql);
      PQfinish (conn);
    }
  else
    {
      sqlite3 *db = NULL;
      char *message = NULL;

      g_assert_cmpint (sqlite3_open (self->db_path, &db), ==, SQLITE_OK);
      sqlite3_busy_timeout (db, 10000);
      if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
        g_error ("%s: %s", sql, message);
      sqlite3_close (db);
    }
}

gint64
dw_test_server_query_int (DwTestServer *self,
                          const char   *sql)
{
  gint64 value = 0;

  if (self->db != NULL)
    {
      PGconn *conn = dw_test_pg_session_open (self->db);
      PGresult *result = PQexec (conn, sql);

      if (PQresultStatus (result) != PGRES_TUPLES_OK || PQntuples (result) < 1)
        g_error ("%s: %s", sql, PQerrorMessage (conn));
      value = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
      PQclear (result);
      PQfinish (conn);
    }
  else
    {
      sqlite3 *db = NULL;
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_open (self->db_path, &db), ==, SQLITE_OK);
      sqlite3_busy_timeout (db, 10000);
      if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK
          || sqlite3_step (stmt) != SQLITE_ROW)
        g_error ("%s: %s", sql, sqlite3_errmsg (db));
      value = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
      sqlite3_close (db);
    }
  return value;
}

/* A row's columns as text: an array that may hold NULLs (SQL NULL), so it is freed column by
 * column up to its width (kept in the slot before the first column), not by g_strfreev. */
static void
query_row_free (gpointer data)
{
  char **columns = data;
  int n = GPOINTER_TO_INT (columns[-1]);

  for (int i = 0; i < n; i++)
    g_free (columns[i]);
  g_free (columns - 1);
}

static char **
query_row_new (int n_columns)
{
  char **row = g_new0 (char *, n_columns + 2);

  row[0] = GINT_TO_POINTER (n_columns);
  return row + 1;
}

void
dw_test_assert_option_refused (const char         *option,
                               const char * const *bad,
                               guint               n_bad,
                               int                 status,
                               const char         *range)
{
  g_autofree char *dir = g_dir_make_tmp ("dw-option-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "deskwatch.db", NULL);
  g_autofree char *flag = g_strdup_printf ("--%s", option);

  for (guint i = 0; i < n_bad; i++)
    {
      g_autoptr(GSubprocessLauncher) launcher = NULL;
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *err = NULL;

      launcher = dw_test_server_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                              | G_SUBPROCESS_FLAGS_STDERR_PIPE);
      process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("DESKWATCHD"),
                                             "--db", db, "--listen", "127.0.0.1:0",
                                             flag, bad[i], NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (process));
      if (status >= 0)
        g_assert_cmpint (g_subprocess_get_exit_status (process), ==, status);
      else
        g_assert_cmpint (g_subprocess_get_exit_status (process), !=, 0);
      g_assert_nonnull (strstr (err, option));
      if (g_ascii_isdigit (bad[i][0]) || bad[i][0] == '-')
        g_assert_nonnull (strstr (err, range));
    }

  /* Nothing was opened: no database made. */
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

void
dw_test_server_exec_always_calendar (DwTestServer *self)
{
  dw_test_server_exec (self, "INSERT INTO calendars (name, timezone, week) VALUES ('Always', "
                       "'UTC', '[[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]],"
                       "[[0,1440]],[[0,1440]]]')");
  dw_test_server_exec (self, "UPDATE teams SET calendar_id = "
                       "(SELECT id FROM calendars WHERE name = 'Always')");
}

void
dw_test_server_restart_slow_sla (DwTestServer *self,
                                 const char   *speed)
{
  const char * const args[] = { "--speed", speed, NULL };

  dw_test_server_stop (self);
  dw_test_server_exec_always_calendar (self);
  dw_test_server_exec (self, "INSERT INTO sla_policies (name, position, "
                       "first_response_minutes, resolution_minutes, at_risk_ratio, escalation) "
                       "VALUES ('Slow', 1, 60, 6000, 0.5, '{}')");
  dw_test_server_start (self, args);
}

gint64
dw_test_server_query_intf (DwTestServer *self,
                           const char   *format,
                           ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  return dw_test_server_query_int (self, sql);
}

GPtrArray *
dw_test_server_query_rows (DwTestServer *self,
                           const char   *sql)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (query_row_free);

  if (self->db != NULL)
    {
      PGconn *conn = dw_test_pg_session_open (self->db);
      PGresult *result = PQexec (conn, sql);

      if (PQresultStatus (result) != PGRES_TUPLES_OK)
        g_error ("%s: %s", sql, PQerrorMessage (conn));
      for (int r = 0; r < PQntuples (result); r++)
        {
          char **row = query_row_new (PQnfields (result));

          for (int c = 0; c < PQnfields (result); c++)
            row[c] = PQgetisnull (result, r, c) ? NULL : g_strdup (PQgetvalue (result, r, c));
          g_ptr_array_add (rows, row);
        }
      PQclear (result);
      PQfinish (conn);
    }
  else
    {
      sqlite3 *db = NULL;
      sqlite3_stmt *stmt = NULL;
      int status;

      g_assert_cmpint (sqlite3_open (self->db_path, &db), ==, SQLITE_OK);
      sqlite3_busy_timeout (db, 10000);
      if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
        g_error ("%s: %s", sql, sqlite3_errmsg (db));
      while ((status = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          int n = sqlite3_column_count (stmt);
          char **row = query_row_new (n);

          for (int c = 0; c < n; c++)
            row[c] = g_strdup ((const char *) sqlite3_column_text (stmt, c));
          g_ptr_array_add (rows, row);
        }
      if (status != SQLITE_DONE)
        g_error ("%s: %s", sql, sqlite3_errmsg (db));
      sqlite3_finalize (stmt);
      sqlite3_close (db);
    }
  return rows;
}

DwTestRequest *
dw_test_request_new (DwTestServer *server,
                     const char   *method,
                     const char   *path,
                     const char   *body,
                     guint         timeout_s)
{
  DwTestRequest *request = g_new0 (DwTestRequest, 1);

  request->uri = g_strdup_printf ("%s%s", server->url, path + 1);
  request->method = method;
  request->token = server->admin_token;
  request->body = g_strdup (body);
  request->timeout_s = timeout_s;
  return request;
}

static void
request_run (SoupSession *session,
             gpointer     data)
{
  DwTestRequest *request = data;
  g_autoptr(SoupMessage) msg = soup_message_new (request->method, request->uri);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", request->token);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (session, "timeout", request->timeout_s, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  if (request->body != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (request->body, strlen (request->body));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  /* On the old code of a hang: the client's timeout, the service still waiting. */
  g_assert_no_error (error);
  request->status = soup_message_get_status (msg);
  request->reply = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  request->retry_after = g_strdup (soup_message_headers_get_one (
                                     soup_message_get_response_headers (msg), "Retry-After"));
  g_atomic_int_set (&request->done, 1);
}

GThread *
dw_test_request_start (DwTestRequest *request,
                       const char    *name)
{
  return dw_test_thread_new (name, request_run, request);
}

void
dw_test_request_free (DwTestRequest *request)
{
  g_free (request->uri);
  g_free (request->body);
  g_free (request->reply);
  g_free (request->retry_after);
  g_free (request);
}

JsonObject *
dw_test_request_problem (DwTestRequest *request,
                         guint          status,
                         const char    *type_suffix)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *problem;

  json_parser_load_from_data (parser, request->reply, -1, &error);
  g_assert_no_error (error);
  problem = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (problem, "type"), type_suffix));
  g_assert_cmpint (json_object_get_int_member (problem, "status"), ==, status);
  return json_object_ref (problem);
}
