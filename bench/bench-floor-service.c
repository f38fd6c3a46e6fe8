/* bench-floor-service.c: the least an HTTP create can cost on this machine with the stack
 * deskwatchd is built on, for bench-intake to set beside the API and raw SQLite.
 *
 * A libsoup 3 SoupServer on 127.0.0.1 whose one route, POST /api/v1/tickets, checks the bearer
 * token, parses the JSON body with json-glib, inserts the ticket row (the same INSERT as
 * bench-intake's raw runs, into the same schema through dw_store_open: WAL,
 * synchronous=FULL), one transaction and fsync each, and answers 201 with the row as JSON.
 * No routing, SLA, audit trail, events, authorisation or validation beyond that: what is
 * left of a create when everything the desk adds is taken away.
 *
 * Usage: bench-floor-service DB_FILE TOKEN; prints its base URL on a line when it listens.
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "dw-store.h"

typedef struct
{
  sqlite3      *db;
  sqlite3_stmt *insert;
  char         *authorization;
} Floor;

static void
reply_status (SoupServerMessage *msg,
              guint              status)
{
  soup_server_message_set_status (msg, status, NULL);
}

static void
tickets_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Floor *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) reply = NULL;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *authorization;
  JsonObject *ticket;
  const char *subject, *text, *order;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  char *out;
  gsize length;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      reply_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
      return;
    }

  authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                "Authorization");
  if (g_strcmp0 (authorization, self->authorization) != 0)
    {
      reply_status (msg, SOUP_STATUS_UNAUTHORIZED);
      return;
    }

  if (!json_parser_load_from_data (parser, body->data, body->length, &error)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      reply_status (msg, SOUP_STATUS_BAD_REQUEST);
      return;
    }
  ticket = json_node_get_object (json_parser_get_root (parser));
  subject = json_object_get_string_member_with_default (ticket, "subject", "");
  text = json_object_get_string_member_with_default (ticket, "body", "");
  order = json_object_get_string_member_with_default (ticket, "order_number", "");

  sqlite3_reset (self->insert);
  sqlite3_bind_text (self->insert, 1, subject, -1, SQLITE_STATIC);
  sqlite3_bind_text (self->insert, 2, text, -1, SQLITE_STATIC);
  sqlite3_bind_text (self->insert, 3, order, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (self->insert, 4, now);
  sqlite3_bind_int64 (self->insert, 5, now);
  if (!dw_store_begin (self->db, &error)
      || !dw_store_step_done (self->insert, &error)
      || !dw_store_commit (self->db, &error))
    {
      g_printerr ("bench-floor-service: %s\n", error->message);
      dw_store_rollback (self->db);
      reply_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, sqlite3_last_insert_rowid (self->db));
  json_builder_set_member_name (builder, "subject");
  json_builder_add_string_value (builder, subject);
  json_builder_set_member_name (builder, "body");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "order_number");
  json_builder_add_string_value (builder, order);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_int_value (builder, now);
  json_builder_end_object (builder);
  reply = json_builder_get_root (builder);
  json_generator_set_root (generator, reply);
  out = json_generator_to_data (generator, &length);

  soup_server_message_set_status (msg, SOUP_STATUS_CREATED, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, out, length);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autofree char *url = NULL;
  Floor self = { 0 };

  setlocale (LC_ALL, "");
  if (argc != 3)
    {
      g_printerr ("usage: bench-floor-service DB_FILE TOKEN\n");
      return 2;
    }

  self.db = dw_store_open (argv[1], &error);
  if (self.db != NULL)
    self.insert = dw_store_prepare (self.db,
      "INSERT INTO tickets (subject, body, channel, business_type, priority, status, team_id, "
      "customer_id, order_number, tags, created_at, updated_at) "
      "VALUES (?, ?, 'wechat', NULL, 'normal', 'new', NULL, NULL, ?, '[]', ?, ?)", &error);
  if (self.insert == NULL)
    {
      g_printerr ("bench-floor-service: %s\n", error->message);
      return 1;
    }
  self.authorization = g_strconcat ("Bearer ", argv[2], NULL);

  server = soup_server_new ("server-header", "bench-floor-service ", NULL);
  soup_server_add_handler (server, "/api/v1/tickets", tickets_cb, &self, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_printerr ("bench-floor-service: %s\n", error->message);
      return 1;
    }
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_print ("%s\n", url);
  fflush (stdout);

  /* SIGTERM ends it cleanly, so that a profiler around it writes its figures. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  sqlite3_finalize (self.insert);
  dw_store_close (self.db);
  g_free (self.authorization);
  return 0;
}
