/* API tests: health, sign-in, tokens (API and command line), /me. */
#include "config.h"

#include "dw-test-server.h"

#include <string.h>

static DwTestServer *server;

static void
test_health (void)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", "/api/v1/health", NULL, NULL);
  JsonObject *o;

  dw_test_assert_status (r, 200);
  o = dw_test_response_object (r);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "ok");
  g_assert_cmpint (json_object_get_int_member (o, "schema_version"), >=, 2);
}

static void
test_sign_in (void)
{
  g_autoptr(DwTestResponse) r = NULL;
  g_autoptr(DwTestResponse) me = NULL;
  JsonObject *o, *user;
  const char *token;

  r = dw_test_server_json (server, "POST", "/api/v1/auth/token", NULL,
                           "{\"username\": \"lead\", \"password\": \"" DW_TEST_PASSWORD "\", "
                           "\"label\": \"test\"}");
  dw_test_assert_status (r, 201);
  o = dw_test_response_object (r);
  token = json_object_get_string_member (o, "token");
  g_assert_true (g_str_has_prefix (token, "dwt_"));
  /* 32 random bytes, base64url without padding. */
  g_assert_cmpuint (strlen (token), ==, 4 + 43);
  g_assert_nonnull (json_object_get_string_member (o, "expires_at"));
  user = json_object_get_object_member (o, "user");
  g_assert_cmpint (json_object_get_int_member (user, "id"), ==, server->lead_id);
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "lead");
  g_assert_false (json_object_has_member (user, "password_hash"));

  me = dw_test_server_json (server, "GET", "/api/v1/me", token, NULL);
  dw_test_assert_status (me, 200);
  g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (me), "username"), ==,
                   "lead");
}

static void
test_wrong_password (void)
{
  g_autoptr(DwTestResponse) wrong = NULL;
  g_autoptr(DwTestResponse) unknown = NULL;
  g_autoptr(DwTestResponse) missing = NULL;

  wrong = dw_test_server_json (server, "POST", "/api/v1/auth/token", NULL,
                               "{\"username\": \"lead\", \"password\": \"nope-nope\"}");
  dw_test_assert_problem (wrong, 401, "unauthorized");

  unknown = dw_test_server_json (server, "POST", "/api/v1/auth/token", NULL,
                                 "{\"username\": \"nobody\", \"password\": \"nope-nope\"}");
  dw_test_assert_problem (unknown, 401, "unauthorized");
  /* The same words, so that usernames cannot be probed. */
  g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (wrong), "detail"), ==,
                   json_object_get_string_member (dw_test_response_object (unknown), "detail"));

  missing = dw_test_server_json (server, "POST", "/api/v1/auth/token", NULL,
                                 "{\"username\": \"lead\"}");
  dw_test_assert_problem (missing, 400, "validation");
}

static void
test_missing_and_bad_token (void)
{
  const char *paths[] = { "/api/v1/me", "/api/v1/tickets", "/api/v1/teams", "/api/v1/users",
                          "/api/v1/customers", "/api/v1/sla/policies", "/api/v1/calendars",
                          "/api/v1/tickets/1", "/api/v1/tickets/1/audit" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(DwTestResponse) none = dw_test_server_json (server, "GET", paths[i], NULL, NULL);
      g_autoptr(DwTestResponse) bad = dw_test_server_json (server, "GET", paths[i],
                                                           "dwt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                                           NULL);
      g_autoptr(DwTestResponse) junk = dw_test_server_json (server, "GET", paths[i], "junk", NULL);

      dw_test_assert_problem (none, 401, "unauthorized");
      dw_test_assert_problem (bad, 401, "unauthorized");
      dw_test_assert_problem (junk, 401, "unauthorized");
    }
}

/* A token in a URL ends up in proxy logs and browser history: REST takes it only from the
 * Authorization header (the stream's handshake is the one exception, tests/test-stream.c). */
static void
test_query_token (void)
{
  const char *paths[] = { "/api/v1/me", "/api/v1/tickets", "/api/v1/customers",
                          "/api/v1/snapshot" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s?access_token=%s", paths[i],
                                               server->agent_token);
      g_autoptr(DwTestResponse) alone = dw_test_server_json (server, "GET", path, NULL, NULL);
      g_autoptr(DwTestResponse) with_header = dw_test_server_json (server, "GET", path,
                                                                   server->agent_token, NULL);

      dw_test_assert_problem (alone, 401, "unauthorized");
      dw_test_assert_problem (with_header, 401, "unauthorized");
    }
}

static void
test_revoke (void)
{
  g_autofree char *token = dw_test_server_sign_in (server, "agent", DW_TEST_PASSWORD);
  g_autoptr(DwTestResponse) before = dw_test_server_json (server, "GET", "/api/v1/me", token, NULL);
  g_autoptr(DwTestResponse) revoke = NULL;
  g_autoptr(DwTestResponse) after = NULL;
  g_autoptr(DwTestResponse) other = NULL;

  dw_test_assert_status (before, 200);
  revoke = dw_test_server_json (server, "DELETE", "/api/v1/auth/token", token, NULL);
  dw_test_assert_status (revoke, 204);
  after = dw_test_server_json (server, "GET", "/api/v1/me", token, NULL);
  dw_test_assert_problem (after, 401, "unauthorized");

  /* Only that token: the agent's other session lives on. */
  other = dw_test_server_json (server, "GET", "/api/v1/me", server->agent_token, NULL);
  dw_test_assert_status (other, 200);
}

static void
test_cli_tokens (void)
{
  g_autofree char *out = NULL;
  g_autofree char *list = NULL;
  g_autofree char *revoked = NULL;
  g_autoptr(DwTestResponse) ok = NULL;
  g_autoptr(DwTestResponse) gone = NULL;
  g_auto(GStrv) lines = NULL;
  const char *id = NULL;
  int status = -1;

  out = dw_test_server_cli (server, NULL, &status, "token", "create", "agent", "--label", "cli-test",
                            NULL);
  g_assert_cmpint (status, ==, 0);
  g_strstrip (out);
  g_assert_true (g_str_has_prefix (out, "dwt_"));

  ok = dw_test_server_json (server, "GET", "/api/v1/me", out, NULL);
  dw_test_assert_status (ok, 200);

  list = dw_test_server_cli (server, NULL, &status, "token", "list", "agent", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_null (strstr (list, out));  /* never shown again */
  lines = g_strsplit (list, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "cli-test") != NULL)
      {
        g_auto(GStrv) fields = g_regex_split_simple ("\\s+", lines[i], 0, 0);

        /* ID USER CREATED EXPIRES LAST-USED REVOKED LABEL: used just now, not revoked. */
        g_assert_cmpuint (g_strv_length (fields), ==, 7);
        g_assert_true (g_str_has_prefix (fields[4], "20"));
        g_assert_cmpstr (fields[5], ==, "-");
        lines[i][strcspn (lines[i], " ")] = '\0';
        id = lines[i];
      }
  g_assert_nonnull (id);

  revoked = dw_test_server_cli (server, NULL, &status, "token", "revoke", id, NULL);
  g_assert_cmpint (status, ==, 0);
  gone = dw_test_server_json (server, "GET", "/api/v1/me", out, NULL);
  dw_test_assert_problem (gone, 401, "unauthorized");
}

/* Reads from @stream up to the end of a response's head; its status code. */
static guint
read_status (GInputStream *stream)
{
  g_autoptr(GString) head = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  while (strstr (head->str, "\r\n\r\n") == NULL)
    {
      char c;
      gssize n = g_input_stream_read (stream, &c, 1, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, ==, 1);
      g_string_append_c (head, c);
    }

  g_assert_true (g_str_has_prefix (head->str, "HTTP/1.1 "));
  return (guint) g_ascii_strtoull (head->str + 9, NULL, 10);
}

/* A CLI token for the agent, labelled @label; its id in @id. */
static char *
cli_token (const char  *label,
           char       **id)
{
  g_autofree char *list = NULL;
  g_auto(GStrv) lines = NULL;
  char *token;
  int status = -1;

  token = dw_test_server_cli (server, NULL, &status, "token", "create", "agent", "--label", label,
                              NULL);
  g_assert_cmpint (status, ==, 0);
  g_strstrip (token);

  list = dw_test_server_cli (server, NULL, &status, "token", "list", "agent", NULL);
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (list, "\n", -1);
  *id = NULL;
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_suffix (lines[i], label))
      *id = g_strndup (lines[i], strcspn (lines[i], " "));
  g_assert_nonnull (*id);
  return token;
}

typedef enum
{
  MEANWHILE_NOTHING,
  MEANWHILE_OTHER_WRITE,
  MEANWHILE_REVOKE_API,
  MEANWHILE_REVOKE_CLI,
} Meanwhile;

/* A token revoked while the request's body uploads — after its headers were accepted — is
 * refused when the body is in, whether revoked through the API or by another process (the
 * command line); other writes meanwhile change nothing (the header check's principal is
 * reused only when checking again would find the same). */
static void
test_revoked_during_body (void)
{
  static const char body[] = "{\"subject\":\"uploaded slowly\",\"channel\":\"web\"}";

  for (Meanwhile meanwhile = MEANWHILE_NOTHING; meanwhile <= MEANWHILE_REVOKE_CLI; meanwhile++)
    {
      g_autofree char *label = g_strdup_printf ("upload-%d", meanwhile);
      g_autofree char *id = NULL;
      g_autofree char *token = cli_token (label, &id);
      g_autofree char *head = NULL;
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(GError) error = NULL;
      GOutputStream *out;
      GInputStream *in;
      guint expected = meanwhile <= MEANWHILE_OTHER_WRITE ? 201 : 401;

      connection = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                    dw_test_server_get_port (server), NULL,
                                                    &error);
      g_assert_no_error (error);
      out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
      in = g_io_stream_get_input_stream (G_IO_STREAM (connection));

      /* The headers alone; "100 Continue" says they were authenticated. */
      head = g_strdup_printf ("POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                              "Content-Length: %zu\r\nExpect: 100-continue\r\n\r\n",
                              token, strlen (body));
      g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (read_status (in), ==, 100);

      if (meanwhile == MEANWHILE_OTHER_WRITE)
        {
          g_autoptr(DwTestResponse) other = NULL;

          other = dw_test_server_json (server, "POST", "/api/v1/tickets", server->agent_token,
                                       "{\"subject\":\"meanwhile\",\"channel\":\"web\"}");
          dw_test_assert_status (other, 201);
        }
      else if (meanwhile == MEANWHILE_REVOKE_API)
        {
          g_autoptr(DwTestResponse) revoke = NULL;

          revoke = dw_test_server_json (server, "DELETE", "/api/v1/auth/token", token, NULL);
          dw_test_assert_status (revoke, 204);
        }
      else if (meanwhile == MEANWHILE_REVOKE_CLI)
        {
          g_autofree char *revoked = NULL;
          int status = -1;

          revoked = dw_test_server_cli (server, NULL, &status, "token", "revoke", id, NULL);
          g_assert_cmpint (status, ==, 0);
        }

      g_output_stream_write_all (out, body, strlen (body), NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (read_status (in), ==, expected);
    }
}

static gint64
auth_cache_hits (void)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", "/api/v1/health", NULL, NULL);
  JsonObject *stats;

  dw_test_assert_status (r, 200);
  stats = json_object_get_object_member (dw_test_response_object (r), "stats");
  return json_object_get_int_member (stats, "auth_cache_hits");
}

/* How many users @token sees (GET /api/v1/users): itself alone as an agent, its teams' members
 * as a lead, everyone as an admin; -1 when the token is refused. */
static gint64
users_seen (const char *token)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", "/api/v1/users", token, NULL);

  if (r->status == 401)
    return -1;
  dw_test_assert_status (r, 200);
  return json_array_get_length (dw_test_response_items (r));
}

/* A principal kept from an earlier request (the auth cache, SQLite) is given up on the very
 * next request after a change of what it was made of: through the API (this connection's
 * writes) and by another process (the test's own connection, the command line), each of a
 * role, a team membership, the disabled flag, the token's expiry and revocation. */
static void
test_cache_follows_changes (void)
{
  g_autoptr(DwTestResponse) created = NULL;
  g_autoptr(DwTestResponse) patched = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *revoked = NULL;
  g_autofree char *id = NULL;
  gint64 user_id, token_id, everyone, hits;
  int status = -1;

  created = dw_test_server_json (server, "POST", "/api/v1/users", server->admin_token,
                                 "{\"username\": \"cache.user\", \"display_name\": \"Cache\", "
                                 "\"role\": \"agent\", \"password\": \"" DW_TEST_PASSWORD "\"}");
  dw_test_assert_status (created, 201);
  user_id = json_object_get_int_member (dw_test_response_object (created), "id");
  path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, user_id);
  token = dw_test_server_sign_in (server, "cache.user", DW_TEST_PASSWORD);
  everyone = users_seen (server->admin_token);

  /* Checked once, then kept (on SQLite). */
  g_assert_cmpint (users_seen (token), ==, 1);
  hits = auth_cache_hits ();
  g_assert_cmpint (users_seen (token), ==, 1);
  if (!dw_test_backend_is_postgresql ())
    g_assert_cmpint (auth_cache_hits (), >, hits);

  /* Through the API: a lead of a team now, then an agent without it again. */
  patched = dw_test_server_jsonf (server, "PATCH", server->admin_token, path,
                                  "{\"role\": \"lead\", \"teams\": [{\"id\": %" G_GINT64_FORMAT
                                  ", \"is_lead\": true}]}", server->team_id);
  dw_test_assert_status (patched, 200);
  g_assert_cmpint (users_seen (token), >, 1);
  g_clear_pointer (&patched, dw_test_response_free);
  patched = dw_test_server_json (server, "PATCH", path, server->admin_token, "{\"teams\": []}");
  dw_test_assert_status (patched, 200);
  g_assert_cmpint (users_seen (token), ==, 1);

  /* By another connection: the team back, then away; an admin; disabled and enabled. */
  sql = g_strdup_printf ("INSERT INTO team_members (team_id, user_id, is_lead) VALUES "
                         "(%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", 1)",
                         server->team_id, user_id);
  dw_test_server_exec (server, sql);
  g_assert_cmpint (users_seen (token), >, 1);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("DELETE FROM team_members WHERE user_id = %" G_GINT64_FORMAT, user_id);
  dw_test_server_exec (server, sql);
  g_assert_cmpint (users_seen (token), ==, 1);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("UPDATE users SET role = 'admin' WHERE id = %" G_GINT64_FORMAT, user_id);
  dw_test_server_exec (server, sql);
  g_assert_cmpint (users_seen (token), ==, everyone);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("UPDATE users SET disabled = 1 WHERE id = %" G_GINT64_FORMAT, user_id);
  dw_test_server_exec (server, sql);
  g_assert_cmpint (users_seen (token), ==, -1);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("UPDATE users SET disabled = 0 WHERE id = %" G_GINT64_FORMAT, user_id);
  dw_test_server_exec (server, sql);
  g_assert_cmpint (users_seen (token), ==, everyone);

  /* Disabled through the API. */
  g_clear_pointer (&patched, dw_test_response_free);
  patched = dw_test_server_json (server, "PATCH", path, server->admin_token,
                                 "{\"disabled\": true}");
  dw_test_assert_status (patched, 200);
  g_assert_cmpint (users_seen (token), ==, -1);
  g_clear_pointer (&patched, dw_test_response_free);
  patched = dw_test_server_json (server, "PATCH", path, server->admin_token,
                                 "{\"disabled\": false}");
  dw_test_assert_status (patched, 200);
  g_assert_cmpint (users_seen (token), ==, everyone);

  /* The token's expiry, moved by another connection to a moment already past. */
  g_clear_pointer (&sql, g_free);
  token_id = dw_test_server_query_int (server, "SELECT max(id) FROM tokens");
  sql = g_strdup_printf ("UPDATE tokens SET expires_at = 1000 WHERE id = %" G_GINT64_FORMAT,
                         token_id);
  dw_test_server_exec (server, sql);
  g_assert_cmpint (users_seen (token), ==, -1);

  /* Revoked by the command line (another process) after being kept. */
  g_clear_pointer (&token, g_free);
  token = cli_token ("cache-revoke", &id);
  g_assert_cmpint (users_seen (token), ==, 1);
  g_assert_cmpint (users_seen (token), ==, 1);
  revoked = dw_test_server_cli (server, NULL, &status, "token", "revoke", id, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (users_seen (token), ==, -1);

  /* And through the API (DELETE /auth/token: this connection). */
  g_clear_pointer (&token, g_free);
  token = dw_test_server_sign_in (server, "cache.user", DW_TEST_PASSWORD);
  g_assert_cmpint (users_seen (token), ==, everyone);
  g_assert_cmpint (users_seen (token), ==, everyone);
  {
    g_autoptr(DwTestResponse) revoke = NULL;

    revoke = dw_test_server_json (server, "DELETE", "/api/v1/auth/token", token, NULL);
    dw_test_assert_status (revoke, 204);
  }
  g_assert_cmpint (users_seen (token), ==, -1);
}

static void
test_cli_users (void)
{
  g_autofree char *out = NULL;
  g_autofree char *dup = NULL;
  g_autofree char *passwd = NULL;
  g_autofree char *list = NULL;
  g_autofree char *token = NULL;
  g_autoptr(DwTestResponse) old_password = NULL;
  int status = -1;

  out = dw_test_server_cli (server, "first-password\n", &status, "user", "add", "cli.user",
                            "--role", "agent", "--name", "CLI User", "--password-stdin", NULL);
  g_assert_cmpint (status, ==, 0);

  dup = dw_test_server_cli (server, "first-password\n", &status, "user", "add", "cli.user",
                            "--role", "agent", "--name", "Again", "--password-stdin", NULL);
  g_assert_cmpint (status, !=, 0);

  g_free (dw_test_server_cli (server, "x\n", &status, "user", "add", "bad.role", "--role", "boss",
                              "--name", "X", "--password-stdin", NULL));
  g_assert_cmpint (status, !=, 0);

  passwd = dw_test_server_cli (server, "second-password\n", &status, "user", "passwd", "cli.user",
                               "--password-stdin", NULL);
  g_assert_cmpint (status, ==, 0);

  old_password = dw_test_server_json (server, "POST", "/api/v1/auth/token", NULL,
                                      "{\"username\": \"cli.user\", \"password\": \"first-password\"}");
  dw_test_assert_problem (old_password, 401, "unauthorized");
  token = dw_test_server_sign_in (server, "cli.user", "second-password");
  g_assert_nonnull (token);

  list = dw_test_server_cli (server, NULL, &status, "user", "list", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (list, "cli.user"));
  g_assert_null (strstr (list, "bad.role"));
}

static void
test_help (void)
{
  g_autofree char *out = NULL;
  int status = -1;

  out = dw_test_server_cli (server, NULL, &status, "--help", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "--listen"));
  g_assert_nonnull (strstr (out, "token create"));
}

static void
test_disabled_user (void)
{
  g_autofree char *token = dw_test_server_sign_in (server, "agent2", DW_TEST_PASSWORD);
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, server->agent2_id);
  g_autoptr(DwTestResponse) disable = NULL;
  g_autoptr(DwTestResponse) me = NULL;
  g_autoptr(DwTestResponse) sign_in = NULL;
  g_autoptr(DwTestResponse) enable = NULL;

  disable = dw_test_server_json (server, "PATCH", path, server->admin_token,
                                 "{\"disabled\": true}");
  dw_test_assert_status (disable, 200);

  me = dw_test_server_json (server, "GET", "/api/v1/me", token, NULL);
  dw_test_assert_problem (me, 401, "unauthorized");
  sign_in = dw_test_server_json (server, "POST", "/api/v1/auth/token", NULL,
                                 "{\"username\": \"agent2\", \"password\": \"" DW_TEST_PASSWORD "\"}");
  dw_test_assert_problem (sign_in, 401, "unauthorized");

  enable = dw_test_server_json (server, "PATCH", path, server->admin_token,
                                "{\"disabled\": false}");
  dw_test_assert_status (enable, 200);
}

static void
test_expiry (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new ();
  const char *fast[] = { "--speed", "2000000", NULL };
  g_autofree char *token = NULL;
  g_autoptr(DwTestResponse) fresh = NULL;
  g_autoptr(DwTestResponse) expired = NULL;

  /* Thirty simulated days pass in about 1.3 s of real time. */
  dw_test_server_stop (s);
  dw_test_server_start (s, fast);
  token = dw_test_server_sign_in (s, "admin", DW_TEST_ADMIN_PASSWORD);
  fresh = dw_test_server_json (s, "GET", "/api/v1/me", token, NULL);
  dw_test_assert_status (fresh, 200);

  g_usleep (2 * G_USEC_PER_SEC);
  expired = dw_test_server_json (s, "GET", "/api/v1/me", token, NULL);
  dw_test_assert_problem (expired, 401, "unauthorized");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = dw_test_server_new_with_desk ();

  g_test_add_func ("/api/auth/health", test_health);
  g_test_add_func ("/api/auth/sign-in", test_sign_in);
  g_test_add_func ("/api/auth/wrong-password", test_wrong_password);
  g_test_add_func ("/api/auth/missing-and-bad-token", test_missing_and_bad_token);
  g_test_add_func ("/api/auth/query-token", test_query_token);
  g_test_add_func ("/api/auth/revoke", test_revoke);
  g_test_add_func ("/api/auth/cli-tokens", test_cli_tokens);
  g_test_add_func ("/api/auth/cli-users", test_cli_users);
  g_test_add_func ("/api/auth/revoked-during-body", test_revoked_during_body);
  g_test_add_func ("/api/auth/help", test_help);
  g_test_add_func ("/api/auth/disabled-user", test_disabled_user);
  g_test_add_func ("/api/auth/expiry", test_expiry);
  g_test_add_func ("/api/auth/cache-follows-changes", test_cache_follows_changes);

  ret = g_test_run ();
  dw_test_server_free (server);
  return ret;
}
