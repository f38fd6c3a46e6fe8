/* Tests of the compact snapshot (docs/api.md "Compact snapshot") against the real deskwatchd:
 * every ticket it carries reads as the very ticket GET /api/v1/tickets/{id} returns, as the JSON
 * snapshot's does, down to SLA targets, tags, unicode and empty or null members; the rest of it
 * is the JSON snapshot's; other clients keep getting JSON; and bad bytes are refused, never
 * crash the reader. */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include <gio/gio.h>

#include "dw-client.h"
#include "dw-sla.h"
#include "dw-snapshot-compact.h"
#include "dw-test-server.h"
#include "dw-test-wait.h"

/* Helpers */

static gint64
id_of (JsonObject *object)
{
  return json_object_get_int_member (object, "id");
}

/* Returns how many rows @sql changed. */
static int
write_database (DwTestServer *server,
                const char   *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;
  int changes;

  g_assert_null (server->process);
  g_assert_cmpint (sqlite3_open (server->db_path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  changes = sqlite3_total_changes (db);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  return changes;
}

static gint64
create_ticket (DwTestServer *server,
               const char   *json)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "POST", "/api/v1/tickets",
                                                     server->admin_token, json);

  dw_test_assert_status (r, 201);
  return id_of (dw_test_response_object (r));
}

static void
patch_ticket (DwTestServer *server,
              gint64        id,
              const char   *members)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autoptr(DwTestResponse) got = dw_test_server_json (server, "GET", path, server->admin_token,
                                                       NULL);
  g_autoptr(DwTestResponse) r = NULL;
  g_autofree char *body = NULL;

  dw_test_assert_status (got, 200);
  body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", %s}",
                          json_object_get_int_member (dw_test_response_object (got), "version"),
                          members);
  r = dw_test_server_json (server, "PATCH", path, server->admin_token, body);
  dw_test_assert_status (r, 200);
}

static void
bytes_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The snapshot as DwSync asks for it: the body and its media type. */
static GBytes *
fetch_compact (DwTestServer  *server,
               const char    *token,
               char         **content_type)
{
  g_autoptr(DwClient) client = dw_client_new (server->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  dw_client_set_token (client, token);
  dw_client_get_snapshot_bytes_async (client, NULL, bytes_cb, &result);
  WAIT_UNTIL (result != NULL);
  bytes = dw_client_get_snapshot_bytes_finish (client, result, content_type, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

static JsonNode *
ticket_node (DwTicket *ticket)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, dw_ticket_to_json (ticket));
  return node;
}

/* Each ticket of @data is the ticket GET /api/v1/tickets/{id} returns, member by member.
 * Except, with @without_body, the body: the console does not keep a compact snapshot's bodies
 * (docs/api.md "Compact snapshot"); its ticket pane fetches the body separately with that same
 * GET (test-console-queues /console/queues/body-fetched checks that it shows it). */
static void
assert_tickets_match_get (DwTestServer   *server,
                          DwSnapshotData *data,
                          const char     *form,
                          gboolean        without_body)
{
  for (guint i = 0; i < data->tickets->len; i++)
    {
      DwTicket *ticket = g_ptr_array_index (data->tickets, i);
      g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT,
                                               dw_ticket_get_id (ticket));
      g_autoptr(DwTestResponse) single = dw_test_server_json (server, "GET", path,
                                                              server->admin_token, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(DwTicket) from_get = NULL;
      g_autoptr(JsonNode) a = NULL;
      g_autoptr(JsonNode) b = NULL;

      dw_test_assert_status (single, 200);
      from_get = dw_ticket_new_from_json (dw_test_response_object (single), &error);
      g_assert_no_error (error);
      g_assert_true (dw_ticket_get_body_loaded (from_get));
      g_assert_true (dw_ticket_get_body_loaded (ticket) == !without_body);
      a = ticket_node (ticket);
      b = ticket_node (from_get);
      if (without_body)
        {
          json_object_remove_member (json_node_get_object (a), "body");
          json_object_remove_member (json_node_get_object (b), "body");
        }
      if (!json_node_equal (a, b))
        g_error ("Ticket %" G_GINT64_FORMAT " of the %s snapshot differs:\n%s\nGET:\n%s",
                 dw_ticket_get_id (ticket), form, json_to_string (a, TRUE),
                 json_to_string (b, TRUE));
    }
}

/* The desk: one 24-hour SLA policy, tickets of every shape, some rows as an old service wrote
 * them. */
static DwTestServer *
odd_desk_new (gint64 ids[6])
{
  DwTestServer *server = dw_test_server_new_with_desk ();
  g_autoptr(DwTestResponse) online = NULL;
  g_autofree char *sql = NULL;

  dw_test_server_stop (server);
  write_database (server,
                  "UPDATE calendars SET timezone = 'UTC', week = '[[[0,1440]],[[0,1440]],"
                  "[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]]]';"
                  "INSERT INTO sla_policies (name, position, first_response_minutes, "
                  "next_response_minutes, resolution_minutes, at_risk_ratio) "
                  "VALUES ('全天', 0, 30, 60, 240, 0.5)");
  dw_test_server_start (server, NULL);

  sql = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence", server->agent_id);
  online = dw_test_server_json (server, "PUT", sql, server->agent_token,
                                "{\"presence\": \"online\"}");
  g_clear_pointer (&sql, g_free);
  dw_test_assert_status (online, 200);

  ids[0] = create_ticket (server, "{\"subject\": \"快递 😀 עברית e\\u0301\", \"channel\": \"web\"}");
  ids[1] = create_ticket (server,
                          "{\"subject\": \"退款 \\\"急\\\" \\n\", \"channel\": \"app\", "
                          "\"body\": \"订单号 JD2902438 \\\\ 已签收\\t但没收到\", "
                          "\"business_type\": \"logistics\", \"order_number\": \"JD2902438\", "
                          "\"tags\": [\"vip\", \"大促\", \"a b\"], \"priority\": \"high\"}");
  ids[2] = create_ticket (server, "{\"subject\": \"空\", \"channel\": \"email\", \"body\": \"\", "
                                  "\"order_number\": \"\", \"tags\": []}");
  ids[3] = create_ticket (server, "{\"subject\": \"等待\", \"channel\": \"web\", "
                                  "\"business_type\": \"logistics\"}");
  patch_ticket (server, ids[3], "\"status\": \"pending\"");
  ids[4] = create_ticket (server, "{\"subject\": \"升级\", \"channel\": \"phone\", "
                                  "\"priority\": \"urgent\"}");
  patch_ticket (server, ids[4], "\"escalation_level\": 1");
  ids[5] = create_ticket (server, "{\"subject\": \"重开\", \"channel\": \"web\"}");

  /* As an old service stored them: a raw U+001F in a tag (JSON-GLib 1.6), a rating kept on a
   * reopened ticket, an empty comment, no business type. */
  dw_test_server_stop (server);
  sql = g_strdup_printf ("UPDATE tickets SET tags = '[\"x' || char (31) || 'y\", \"vip\"]' "
                         "WHERE id = %" G_GINT64_FORMAT ";"
                         "UPDATE tickets SET csat = 4, csat_comment = '很好 👍', "
                         "solved_at = created_at + 60 WHERE id = %" G_GINT64_FORMAT ";"
                         "UPDATE tickets SET csat = 2, csat_comment = '' "
                         "WHERE id = %" G_GINT64_FORMAT ";"
                         "UPDATE tickets SET business_type = NULL "
                         "WHERE id = %" G_GINT64_FORMAT ";",
                         ids[1], ids[5], ids[2], ids[0]);
  write_database (server, sql);
  /* SLA targets written otherwise than the service writes them (spaces, an escape, members
   * in another order): the service's slow path reads them. */
  g_free (sql);
  sql = g_strdup_printf ("UPDATE tickets SET sla = replace (replace (sla, "
                         "'\"target\":\"first-response\"', ' \"target\" : \"first\\u002dresponse\" '), "
                         "'{', '{ \"extra\": [1.5, true], ') WHERE id = %" G_GINT64_FORMAT,
                         ids[3]);
  g_assert_cmpint (write_database (server, sql), ==, 1);
  dw_test_server_start (server, NULL);
  return server;
}

/* Tests */

static void
test_equal_to_get (void)
{
  gint64 ids[6];
  g_autoptr(DwTestServer) server = odd_desk_new (ids);
  g_autoptr(GBytes) compact = NULL;
  g_autoptr(DwTestResponse) json = NULL;
  g_autoptr(DwSnapshotData) from_compact = NULL;
  g_autoptr(DwSnapshotData) from_json = NULL;
  g_autoptr(JsonNode) rest_compact = NULL;
  g_autoptr(JsonNode) rest_json = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *content_type = NULL;
  guint with_sla = 0, with_pause = 0, with_tags = 0;

  compact = fetch_compact (server, server->admin_token, &content_type);
  g_assert_cmpstr (content_type, ==, DW_SNAPSHOT_COMPACT_CONTENT_TYPE);
  from_compact = dw_snapshot_compact_read (compact, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_compact->invalid->str, ==, "");
  g_assert_cmpuint (from_compact->n_invalid, ==, 0);
  g_assert_cmpuint (from_compact->tickets->len, ==, G_N_ELEMENTS (ids));

  /* Nothing was written in between: the same seq, users, teams and policies. */
  json = dw_test_server_json (server, "GET", "/api/v1/snapshot", server->admin_token, NULL);
  dw_test_assert_status (json, 200);
  g_assert_cmpstr (json->content_type, ==, "application/json");
  from_json = dw_snapshot_json_read (json->body, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_json->tickets->len, ==, G_N_ELEMENTS (ids));
  rest_compact = json_node_init_object (json_node_alloc (), from_compact->rest);
  rest_json = json_node_init_object (json_node_alloc (), from_json->rest);
  g_assert_true (json_node_equal (rest_compact, rest_json));
  g_assert_cmpint (json_object_get_int_member (from_compact->rest, "seq"), >, 0);

  assert_tickets_match_get (server, from_compact, "compact", TRUE);
  assert_tickets_match_get (server, from_json, "JSON", FALSE);

  /* The desk did hold what the comparison is about. */
  for (guint i = 0; i < from_compact->tickets->len; i++)
    {
      DwTicket *ticket = g_ptr_array_index (from_compact->tickets, i);
      guint n_sla;
      const DwSlaTargetInfo *sla = dw_ticket_get_sla (ticket, &n_sla);

      g_assert_cmpint (dw_ticket_get_id (ticket), ==, ids[i]);
      with_sla += n_sla > 0;
      with_tags += g_strv_length ((char **) dw_ticket_get_tags (ticket)) > 0;
      for (guint k = 0; k < n_sla; k++)
        with_pause += sla[k].paused_reason != DW_SLA_PAUSE_NONE;
    }
  g_assert_cmpuint (with_sla, ==, G_N_ELEMENTS (ids));
  g_assert_cmpuint (with_pause, >, 0);
  g_assert_cmpuint (with_tags, ==, 1);
  g_assert_true (dw_ticket_has_tag (g_ptr_array_index (from_compact->tickets, 1), "x\x1fy"));
  g_assert_cmpstr (dw_ticket_get_csat_comment (g_ptr_array_index (from_compact->tickets, 2)), ==,
                   "");
  g_assert_null (dw_ticket_get_business_type (g_ptr_array_index (from_compact->tickets, 0)));
  g_assert_cmpint (dw_ticket_get_escalation_level (g_ptr_array_index (from_compact->tickets, 4)),
                   ==, 1);
}

/* An agent's compact snapshot holds what its JSON one does: its own tickets only. */
static void
test_scope (void)
{
  gint64 ids[6];
  g_autoptr(DwTestServer) server = odd_desk_new (ids);
  g_autoptr(GBytes) compact = NULL;
  g_autoptr(DwTestResponse) json = NULL;
  g_autoptr(DwSnapshotData) from_compact = NULL;
  g_autoptr(DwSnapshotData) from_json = NULL;
  g_autoptr(GError) error = NULL;

  compact = fetch_compact (server, server->agent_token, NULL);
  from_compact = dw_snapshot_compact_read (compact, NULL, &error);
  g_assert_no_error (error);
  json = dw_test_server_json (server, "GET", "/api/v1/snapshot", server->agent_token, NULL);
  from_json = dw_snapshot_json_read (json->body, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (from_compact->tickets->len, >, 0);
  g_assert_cmpuint (from_compact->tickets->len, <, G_N_ELEMENTS (ids));
  g_assert_cmpuint (from_compact->tickets->len, ==, from_json->tickets->len);
  for (guint i = 0; i < from_compact->tickets->len; i++)
    {
      g_autoptr(JsonNode) a = ticket_node (g_ptr_array_index (from_compact->tickets, i));
      g_autoptr(JsonNode) b = ticket_node (g_ptr_array_index (from_json->tickets, i));

      /* The body is fetched separately (assert_tickets_match_get()). */
      json_object_remove_member (json_node_get_object (a), "body");
      json_object_remove_member (json_node_get_object (b), "body");
      g_assert_true (json_node_equal (a, b));
      g_assert_cmpint (dw_ticket_get_assignee_id (g_ptr_array_index (from_compact->tickets, i)),
                       ==, server->agent_id);
    }
}

/* Only a client that names the compact form gets it. */
static void
test_negotiation (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  const char *accepts[] = { NULL, "*/*", "application/json",
                            DW_SNAPSHOT_COMPACT_CONTENT_TYPE ";q=0",
                            DW_SNAPSHOT_COMPACT_CONTENT_TYPE };

  for (guint i = 0; i < G_N_ELEMENTS (accepts); i++)
    {
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *url = g_strdup_printf ("%sapi/v1/snapshot", server->url);
      g_autofree char *auth = g_strdup_printf ("Bearer %s", server->admin_token);
      const char *type;

      msg = soup_message_new ("GET", url);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      if (accepts[i] != NULL)
        soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept",
                                      accepts[i]);
      body = soup_session_send_and_read (server->session, msg, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
      type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
      g_assert_cmpstr (type, ==, i == G_N_ELEMENTS (accepts) - 1
                                 ? DW_SNAPSHOT_COMPACT_CONTENT_TYPE : "application/json");
      g_assert_true (soup_header_contains (soup_message_headers_get_list (
                       soup_message_get_response_headers (msg), "Vary"), "Accept"));
    }
}

static GBytes *
get_snapshot (DwTestServer  *server,
              const char    *accept,
              gboolean       gzip,
              char         **encoding)
{
  g_autofree char *url = g_strdup_printf ("%sapi/v1/snapshot", server->url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", server->admin_token);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;
  GBytes *body;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", accept);
  /* The session's decoder asks for gzip (and decodes it); without it nobody asks. */
  if (!gzip)
    soup_message_disable_feature (msg, SOUP_TYPE_CONTENT_DECODER);
  body = soup_session_send_and_read (server->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  *encoding = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                      "Content-Encoding"));
  return body;
}

/* A big compact snapshot is gzipped for a client that asks, and only then; the JSON one never
 * is (it stays as it was for other clients). */
static void
test_gzip (void)
{
  gint64 ids[6];
  g_autoptr(DwTestServer) server = odd_desk_new (ids);
  g_autoptr(GBytes) asked = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) json = NULL;
  g_autoptr(DwSnapshotData) from_asked = NULL;
  g_autoptr(DwSnapshotData) from_plain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *asked_encoding = NULL;
  g_autofree char *plain_encoding = NULL;
  g_autofree char *json_encoding = NULL;
  g_autofree char *sql = NULL;

  /* 600 more tickets like the second: well over the size that is worth compressing. */
  dw_test_server_stop (server);
  sql = g_strdup_printf ("CREATE TEMP TABLE copy AS SELECT * FROM tickets WHERE id = %"
                         G_GINT64_FORMAT "; UPDATE copy SET id = NULL; "
                         "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                         "WHERE i < 600) INSERT INTO tickets SELECT copy.* FROM copy, n",
                         ids[1]);
  write_database (server, sql);
  dw_test_server_start (server, NULL);

  asked = get_snapshot (server, DW_SNAPSHOT_COMPACT_CONTENT_TYPE, TRUE, &asked_encoding);
  plain = get_snapshot (server, DW_SNAPSHOT_COMPACT_CONTENT_TYPE, FALSE, &plain_encoding);
  json = get_snapshot (server, "application/json", TRUE, &json_encoding);
  g_assert_cmpstr (asked_encoding, ==, "gzip");
  g_assert_null (plain_encoding);
  g_assert_null (json_encoding);
  g_assert_cmpuint (g_bytes_get_size (plain), >=, 64 * 1024);

  /* Decoded by the session, it is the very same body. */
  g_assert_true (g_bytes_equal (asked, plain));
  from_asked = dw_snapshot_compact_read (asked, NULL, &error);
  g_assert_no_error (error);
  from_plain = dw_snapshot_compact_read (plain, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_asked->tickets->len, ==, G_N_ELEMENTS (ids) + 600);
  g_assert_cmpuint (from_plain->tickets->len, ==, G_N_ELEMENTS (ids) + 600);
}

/* Cut or damaged bytes: an error or fewer tickets, never a crash or a read out of bounds
 * (run under valgrind or ASan to see the latter). */
static void
test_damaged (void)
{
  gint64 ids[6];
  g_autoptr(DwTestServer) server = odd_desk_new (ids);
  g_autoptr(GBytes) compact = fetch_compact (server, server->admin_token, NULL);
  gsize size = g_bytes_get_size (compact);
  const guint8 *data = g_bytes_get_data (compact, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (13);

  for (gsize cut = 0; cut < size; cut += 1 + cut / 8)
    {
      g_autoptr(GBytes) part = g_bytes_new (data, cut);
      g_autoptr(DwSnapshotData) read = dw_snapshot_compact_read (part, NULL, NULL);

      g_assert_true (read == NULL || read->tickets->len <= G_N_ELEMENTS (ids));
    }

  for (guint round = 0; round < 2000; round++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, size);
      g_autoptr(GBytes) damaged = NULL;
      g_autoptr(DwSnapshotData) read = NULL;

      for (guint k = 0; k < 4; k++)
        copy[g_rand_int_range (rand, 0, (gint32) size)] = (guint8) g_rand_int_range (rand, 0, 256);
      damaged = g_bytes_new_take (g_steal_pointer (&copy), size);
      read = dw_snapshot_compact_read (damaged, NULL, NULL);
      g_assert_true (read == NULL || read->tickets->len <= G_N_ELEMENTS (ids));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/snapshot-compact/equal-to-get", test_equal_to_get);
  g_test_add_func ("/snapshot-compact/scope", test_scope);
  g_test_add_func ("/snapshot-compact/negotiation", test_negotiation);
  g_test_add_func ("/snapshot-compact/gzip", test_gzip);
  g_test_add_func ("/snapshot-compact/damaged", test_damaged);

  return g_test_run ();
}
