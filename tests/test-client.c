/* Tests of DwClient: against the real deskwatchd (sign-in, wrong password, conflict, sign-out)
 * and against local stand-ins for what a real service cannot be made to do (refuse the
 * connection, present an untrusted certificate, answer garbage). */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "dw-client.h"
#include "dw-test-cert.h"
#include "dw-test-server.h"


/* Runs the main loop until an async call completes and hands back its result. */
static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

#define RUN(call_async, ...) \
  ({ GAsyncResult *_r = NULL; call_async (__VA_ARGS__, store_result_cb, &_r); wait_for (&_r); })

/* A port nothing listens on: bind one, then let it go. */
static guint16
closed_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

static void
test_unreachable (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", closed_port ());
  g_autoptr(DwClient) client = dw_client_new (url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autoptr(JsonObject) user = NULL;

  result = RUN (dw_client_sign_in_async, client, "lead", "secret", NULL);
  user = dw_client_sign_in_finish (client, result, &token, &error);
  g_assert_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNREACHABLE);
  g_assert_null (user);
  g_assert_null (token);
  g_assert_false (dw_client_has_token (client));
}

static void
test_invalid_url (void)
{
  g_autoptr(DwClient) client = dw_client_new ("desk.example.com");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) me = NULL;

  result = RUN (dw_client_get_me_async, client, NULL);
  me = dw_client_get_me_finish (client, result, &error);
  g_assert_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_INVALID_INPUT);
  g_assert_null (me);
}

static void
test_cancelled (void)
{
  g_autoptr(DwClient) client = dw_client_new ("http://127.0.0.1:9/");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) me = NULL;

  g_cancellable_cancel (cancellable);
  result = RUN (dw_client_get_me_async, client, cancellable);
  me = dw_client_get_me_finish (client, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* A stand-in service for answers the real one never gives. */
static void
stub_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  guint *hits = user_data;

  (*hits)++;

  if (g_str_equal (path, "/api/v1/me"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"id\": 1, ", 9);
    }
  else if (g_str_equal (path, "/api/v1/tickets/7"))
    {
      static const char problem[] =
        "{\"type\": \"https://deskwatch.org/problems/conflict\", \"title\": \"Conflict\","
        " \"status\": 409, \"detail\": \"ticket 7 is at version 5, not 4\"}";

      soup_server_message_set_status (msg, 409, NULL);
      soup_server_message_set_response (msg, "application/problem+json", SOUP_MEMORY_STATIC,
                                        problem, sizeof problem - 1);
    }
  else if (g_str_equal (path, "/api/v1/snapshot"))
    {
      soup_server_message_set_status (msg, 503, NULL);
    }
  else
    {
      soup_server_message_set_status (msg, 404, NULL);
    }
}

static SoupServer *
stub_server_new (GTlsCertificate  *certificate,
                 guint            *hits,
                 char            **url)
{
  g_autoptr(GError) error = NULL;
  SoupServer *server;
  GSList *uris;

  server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (server, NULL, stub_handler, hits, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY |
                            (certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0), &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (server);
  g_assert_nonnull (uris);
  *url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return server;
}

static void
test_tls_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(DwClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(SoupWebsocketConnection) connection = NULL;
  g_autofree char *url = NULL;
  guint hits = 0;

  certificate = g_tls_certificate_new_from_pem (dw_test_cert_pem, -1, &error);
  g_assert_no_error (error);
  server = stub_server_new (certificate, &hits, &url);
  g_assert_true (g_str_has_prefix (url, "https://"));

  client = dw_client_new (url);
  result = RUN (dw_client_sign_in_async, client, "lead", "secret", NULL);
  user = dw_client_sign_in_finish (client, result, NULL, &error);
  g_assert_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_TLS);
  g_assert_null (user);
  g_assert_true (dw_client_get_tls_errors (client) & G_TLS_CERTIFICATE_UNKNOWN_CA);
  /* The password never reached the server. */
  g_assert_cmpuint (hits, ==, 0);
  g_clear_error (&error);

  /* Nor does the event stream accept it. */
  dw_client_set_token (client, "not-a-real-token");
  result2 = RUN (dw_client_connect_stream_async, client, 0, NULL);
  connection = dw_client_connect_stream_finish (client, result2, &error);
  g_assert_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_TLS);
  g_assert_null (connection);
  g_assert_cmpuint (hits, ==, 0);
}

static void
test_bad_answers (void)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(DwClient) client = NULL;
  g_autofree char *url = NULL;
  guint hits = 0;

  server = stub_server_new (NULL, &hits, &url);
  client = dw_client_new (url);
  dw_client_set_token (client, "t0ken");

  /* Truncated JSON. */
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_get_me_async, client, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) me = dw_client_get_me_finish (client, result, &error);

    g_assert_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_PROTOCOL);
    g_assert_null (me);
  }

  /* A problem document's detail becomes the message. */
  {
    g_autoptr(JsonObject) changes = json_object_new ();
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) ticket = NULL;

    json_object_set_int_member (changes, "assignee_id", 3);
    result = RUN (dw_client_patch_ticket_async, client, 7, 4, changes, NULL);
    ticket = dw_client_patch_ticket_finish (client, result, &error);
    g_assert_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_CONFLICT);
    g_assert_nonnull (strstr (error->message, "ticket 7 is at version 5, not 4"));
    /* The caller's object was not touched. */
    g_assert_false (json_object_has_member (changes, "version"));
  }

  /* 5xx without a body. */
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_get_snapshot_async, client, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) snapshot = dw_client_get_snapshot_finish (client, result, &error);

    g_assert_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_SERVER);
  }

  /* 404 */
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_get_ticket_async, client, 99, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) ticket = dw_client_get_ticket_finish (client, result, &error);

    g_assert_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_NOT_FOUND);
  }

  g_assert_cmpuint (hits, ==, 4);
}

/* ------------------------------------------------------------------------------------------ */
/* Against the real deskwatchd */

static DwClient *
signed_in_client (DwTestServer *server,
                  const char   *username,
                  const char   *password)
{
  DwClient *client = dw_client_new (server->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = NULL;

  result = RUN (dw_client_sign_in_async, client, username, password, NULL);
  user = dw_client_sign_in_finish (client, result, NULL, &error);
  g_assert_no_error (error);
  return client;
}

static gint64
create_ticket (DwTestServer *server,
               const char   *subject)
{
  g_autoptr(DwTestResponse) response = NULL;

  response = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/tickets",
                                   "{\"subject\": \"%s\", \"channel\": \"web\", \"team_id\": %" G_GINT64_FORMAT "}",
                                   subject, server->team_id);
  dw_test_assert_status (response, 201);
  return json_object_get_int_member (dw_test_response_object (response), "id");
}

static void
test_service_sign_in (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwClient) client = dw_client_new (server->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) me_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(JsonObject) me = NULL;

  result = RUN (dw_client_sign_in_async, client, "lead", DW_TEST_PASSWORD, NULL);
  user = dw_client_sign_in_finish (client, result, &token, &error);
  g_assert_no_error (error);
  g_assert_nonnull (user);
  g_assert_cmpstr (json_object_get_string_member (user, "username"), ==, "lead");
  g_assert_cmpint (json_object_get_int_member (user, "id"), ==, server->lead_id);
  g_assert_nonnull (token);
  g_assert_cmpuint (strlen (token), >=, 20);
  g_assert_cmpstr (dw_client_get_token (client), ==, token);

  /* The token works. */
  me_result = RUN (dw_client_get_me_async, client, NULL);
  me = dw_client_get_me_finish (client, me_result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (me, "id"), ==, server->lead_id);
}

static void
test_service_wrong_password (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwClient) client = dw_client_new (server->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autoptr(JsonObject) user = NULL;

  result = RUN (dw_client_sign_in_async, client, "lead", "not-the-password", NULL);
  user = dw_client_sign_in_finish (client, result, &token, &error);
  g_assert_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNAUTHORIZED);
  g_assert_null (user);
  g_assert_null (token);
  g_assert_false (dw_client_has_token (client));
  /* The service's words, not a bare status. */
  g_assert_cmpuint (strlen (error->message), >, strlen ("(HTTP 401)"));
}

static void
test_service_conflict (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwClient) client = signed_in_client (server, "lead", DW_TEST_PASSWORD);
  gint64 id = create_ticket (server, "Parcel stuck for three days");
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(JsonObject) patched = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  gint64 version;

  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_get_ticket_async, client, id, NULL);
    g_autoptr(GError) error = NULL;

    ticket = dw_client_get_ticket_finish (client, result, &error);
    g_assert_no_error (error);
    version = json_object_get_int_member (ticket, "version");
  }

  json_object_set_string_member (changes, "priority", "urgent");
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_patch_ticket_async, client, id, version, changes, NULL);
    g_autoptr(GError) error = NULL;

    patched = dw_client_patch_ticket_finish (client, result, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (patched, "priority"), ==, "urgent");
    g_assert_cmpint (json_object_get_int_member (patched, "version"), >, version);
  }

  /* Someone else's change got in first: the old version is refused. */
  json_object_set_string_member (changes, "priority", "low");
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_patch_ticket_async, client, id, version, changes, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) refused = NULL;

    refused = dw_client_patch_ticket_finish (client, result, &error);
    g_assert_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_CONFLICT);
    g_assert_null (refused);
  }

  /* Unknown ticket. */
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_get_ticket_async, client, id + 1000, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) none = dw_client_get_ticket_finish (client, result, &error);

    g_assert_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_NOT_FOUND);
  }

  /* A bad value is the caller's mistake, in the service's words. */
  json_object_set_string_member (changes, "priority", "asap");
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_patch_ticket_async, client, id,
                                          json_object_get_int_member (patched, "version"), changes, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) refused = dw_client_patch_ticket_finish (client, result, &error);

    g_assert_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "asap"));
  }
}

static void
test_service_calls (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwClient) client = signed_in_client (server, "lead", DW_TEST_PASSWORD);
  gint64 id = create_ticket (server, "Wrong size delivered");
  DwTicketFilter filter = DW_TICKET_FILTER_INIT;

  create_ticket (server, "Another one");

  /* Paged list with filters. */
  filter.team_id = server->team_id;
  filter.unassigned = TRUE;
  filter.limit = 1;
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_list_tickets_async, client, &filter, NULL, NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *cursor = NULL;
    g_autoptr(JsonArray) page = dw_client_list_tickets_finish (client, result, &cursor, &error);
    g_autoptr(GAsyncResult) result2 = NULL;
    g_autoptr(JsonArray) page2 = NULL;
    g_autofree char *cursor2 = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (page), ==, 1);
    g_assert_nonnull (cursor);

    result2 = RUN (dw_client_list_tickets_async, client, &filter, cursor, NULL);
    page2 = dw_client_list_tickets_finish (client, result2, &cursor2, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (page2), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (page, 0), "id"), !=,
                     json_object_get_int_member (json_array_get_object_element (page2, 0), "id"));
  }

  filter.status = DW_STATUS_CLOSED;
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_list_tickets_async, client, &filter, NULL, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonArray) page = dw_client_list_tickets_finish (client, result, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (page), ==, 0);
  }

  /* An internal note, then the comments and the audit trail. */
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_add_comment_async, client, id,
                                          "Customer called twice", FALSE, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) comment = dw_client_add_comment_finish (client, result, &error);

    g_assert_no_error (error);
    g_assert_false (json_object_get_boolean_member (comment, "public"));
  }
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_get_comments_async, client, id, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonArray) comments = dw_client_get_comments_finish (client, result, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (comments), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (comments, 0), "body"),
                     ==, "Customer called twice");
  }
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_get_audit_async, client, id, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonArray) audit = dw_client_get_audit_finish (client, result, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (audit), >=, 1);
  }

  /* Presence. */
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_set_presence_async, client, server->lead_id,
                                          DW_PRESENCE_AWAY, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) user = dw_client_set_presence_finish (client, result, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (user, "presence"), ==, "away");
  }

  /* The generic call. */
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_request_async, client, "GET", "/api/v1/teams",
                                          NULL, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = dw_client_request_finish (client, result, &error);

    g_assert_no_error (error);
    g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  }
}

static void
test_service_sign_out (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwClient) client = signed_in_client (server, "lead", DW_TEST_PASSWORD);
  g_autofree char *token = g_strdup (dw_client_get_token (client));

  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_sign_out_async, client, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true (dw_client_sign_out_finish (client, result, &error));
    g_assert_no_error (error);
    g_assert_false (dw_client_has_token (client));
  }

  /* The old token (say, still in a keyring) is revoked: 401, "sign in again". */
  dw_client_set_token (client, token);
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_get_me_async, client, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) me = dw_client_get_me_finish (client, result, &error);

    g_assert_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNAUTHORIZED);
  }
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_connect_stream_async, client, 0, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(SoupWebsocketConnection) connection = dw_client_connect_stream_finish (client, result, &error);

    g_assert_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNAUTHORIZED);
  }
}

/* The service went away between two calls. */
static void
test_service_stopped (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwClient) client = signed_in_client (server, "lead", DW_TEST_PASSWORD);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) me = NULL;

  dw_test_server_stop (server);
  result = RUN (dw_client_get_me_async, client, NULL);
  me = dw_client_get_me_finish (client, result, &error);
  g_assert_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNREACHABLE);
}

/* Bodies that are not JSON (the roster's CSV), and a problem document on the same path. */
static void
test_service_bytes (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwClient) client = signed_in_client (server, "lead", DW_TEST_PASSWORD);
  g_autofree char *csv = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT
                                          "/roster.csv?week=2026-12-14", server->team_id);
  g_autofree char *bad = g_strdup_printf ("/api/v1/teams/%" G_GINT64_FORMAT
                                          "/roster.csv?week=someday", server->team_id);

  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_get_bytes_async, client, csv, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = dw_client_get_bytes_finish (client, result, &error);
    g_autofree char *text = NULL;

    g_assert_no_error (error);
    text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    g_assert_true (g_str_has_prefix (text, "agent,user_id,start,end"));
  }
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_get_bytes_async, client, bad, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = dw_client_get_bytes_finish (client, result, &error);

    g_assert_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_INVALID_INPUT);
    g_assert_null (bytes);
  }
  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_get_bytes_async, client,
                                          "/api/v1/teams/99999/roster.csv?week=2026-12-14", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = dw_client_get_bytes_finish (client, result, &error);

    g_assert_nonnull (error);
    g_assert_true (error->domain == DW_CLIENT_ERROR);
    g_assert_null (bytes);
  }
}

/* What a lead pastes (every control character, U+001F that JSON-GLib 1.6 would write raw,
 * emoji, right-to-left text) reaches the service, which refuses raw control characters, and
 * comes back exactly. */
static void
test_service_control_characters (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwClient) client = signed_in_client (server, "lead", DW_TEST_PASSWORD);
  gint64 id = create_ticket (server, "Pasted text");
  g_autoptr(GString) text = g_string_new ("pasted: ");
  g_autoptr(JsonObject) changes = json_object_new ();

  for (char c = 1; c < 0x20; c++)
    g_string_append_c (text, c);
  g_string_append (text, " 😀 עברית e\xcc\x81");

  {
    g_autoptr(GAsyncResult) result = RUN (dw_client_add_comment_async, client, id, text->str,
                                          FALSE, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) comment = dw_client_add_comment_finish (client, result, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (comment, "body"), ==, text->str);
  }

  /* a field a lead edits by hand (ratings are the customer's, through the survey) */
  json_object_set_string_member (changes, "order_number", text->str);
  {
    g_autoptr(GAsyncResult) get = RUN (dw_client_get_ticket_async, client, id, NULL);
    g_autoptr(JsonObject) ticket = dw_client_get_ticket_finish (client, get, NULL);
    g_autoptr(GAsyncResult) result = RUN (dw_client_patch_ticket_async, client, id,
                                          json_object_get_int_member (ticket, "version"),
                                          changes, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) patched = dw_client_patch_ticket_finish (client, result, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (patched, "order_number"), ==, text->str);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client/unreachable", test_unreachable);
  g_test_add_func ("/client/invalid-url", test_invalid_url);
  g_test_add_func ("/client/cancelled", test_cancelled);
  g_test_add_func ("/client/tls-refused", test_tls_refused);
  g_test_add_func ("/client/bad-answers", test_bad_answers);
  g_test_add_func ("/client/service/sign-in", test_service_sign_in);
  g_test_add_func ("/client/service/wrong-password", test_service_wrong_password);
  g_test_add_func ("/client/service/conflict", test_service_conflict);
  g_test_add_func ("/client/service/calls", test_service_calls);
  g_test_add_func ("/client/service/bytes", test_service_bytes);
  g_test_add_func ("/client/service/control-characters", test_service_control_characters);
  g_test_add_func ("/client/service/sign-out", test_service_sign_out);
  g_test_add_func ("/client/service/stopped", test_service_stopped);

  return g_test_run ();
}
