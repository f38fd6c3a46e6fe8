/* Durability: every write the service acknowledged survives SIGKILL.
 *
 * Many ticket creations run concurrently; once some have been answered 201 the service is
 * killed with SIGKILL in the middle of the rest.  After a restart on the same database every
 * acknowledged ticket must be there, with the subject it was created with, and the database
 * must be consistent (audit rows for each, integrity check). */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "dw-test-server.h"

#define N_REQUESTS 300
#define KILL_AFTER 80

typedef struct
{
  DwTestServer *server;
  GMainLoop    *loop;
  GHashTable   *acknowledged;  /* ticket id (gint64 *) → subject */
  guint         pending;
  guint         failed;
  gboolean      killed;
} Run;

typedef struct
{
  Run        *run;
  SoupMessage *msg;
  char        *subject;
} Request;

static void
request_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Request *req = user_data;
  Run *run = req->run;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);

  if (body != NULL && soup_message_get_status (req->msg) == 201)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize size;
      const char *data = g_bytes_get_data (body, &size);
      JsonObject *ticket;
      gint64 *id = g_new (gint64, 1);

      g_assert_true (json_parser_load_from_data (parser, data, (gssize) size, NULL));
      ticket = json_node_get_object (json_parser_get_root (parser));
      *id = json_object_get_int_member (ticket, "id");
      g_assert_cmpstr (json_object_get_string_member (ticket, "subject"), ==, req->subject);
      g_hash_table_insert (run->acknowledged, id, g_strdup (req->subject));

      if (!run->killed && g_hash_table_size (run->acknowledged) >= KILL_AFTER)
        {
          /* Mid-stream: other requests are queued, in flight or being committed. */
          g_subprocess_send_signal (run->server->process, SIGKILL);
          run->killed = TRUE;
        }
    }
  else
    {
      /* Only an interrupted request may fail, never an answered one with an error status. */
      g_assert_true (body == NULL || run->killed);
      run->failed++;
    }

  g_object_unref (req->msg);
  g_free (req->subject);
  g_free (req);

  if (--run->pending == 0)
    g_main_loop_quit (run->loop);
}

static void
test_kill_during_writes (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", 64,
                                                                  "max-conns-per-host", 16,
                                                                  "timeout", 60, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GHashTable) acknowledged = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                              g_free, g_free);
  g_autofree char *uri = g_strconcat (server->url, "api/v1/tickets", NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", server->admin_token);
  Run run = { server, loop, acknowledged, 0, 0, FALSE };
  GHashTableIter iter;
  gpointer key, value;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  for (guint i = 0; i < N_REQUESTS; i++)
    {
      Request *req = g_new0 (Request, 1);
      char *body;
      g_autoptr(GBytes) bytes = NULL;

      req->run = &run;
      req->subject = g_strdup_printf ("快递 durability %u", i);
      body = g_strdup_printf ("{\"subject\": \"%s\", \"channel\": \"web\", \"tags\": [\"d%u\"]}",
                              req->subject, i);
      bytes = g_bytes_new_take (body, strlen (body));
      req->msg = soup_message_new ("POST", uri);
      soup_message_headers_replace (soup_message_get_request_headers (req->msg), "Authorization",
                                    auth);
      soup_message_set_request_body_from_bytes (req->msg, "application/json", bytes);
      run.pending++;
      soup_session_send_and_read_async (session, req->msg, G_PRIORITY_DEFAULT, NULL,
                                        request_done_cb, req);
    }

  g_main_loop_run (loop);
  g_assert_true (run.killed);
  g_test_message ("%u acknowledged, %u interrupted", g_hash_table_size (acknowledged), run.failed);

  /* Reap the killed process, then start again on the same file. */
  dw_test_server_kill (server);
  dw_test_server_start (server, NULL);

  g_hash_table_iter_init (&iter, acknowledged);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT,
                                               *(gint64 *) key);
      g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->admin_token,
                                                         NULL);

      dw_test_assert_status (r, 200);
      g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (r), "subject"), ==,
                       value);
    }

  /* Each ticket committed whole: with its audit rows, and an intact database. */
  g_assert_cmpint (sqlite3_open_v2 (server->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM tickets t WHERE NOT EXISTS "
                                           "(SELECT 1 FROM audit a WHERE a.entity = 'ticket' "
                                           "AND a.entity_id = t.id AND a.action = 'created')",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  /* And it takes writes again. */
  {
    g_autoptr(DwTestResponse) r = dw_test_server_json (server, "POST", "/api/v1/tickets",
                                                       server->admin_token,
                                                       "{\"subject\": \"after\", \"channel\": \"web\"}");

    dw_test_assert_status (r, 201);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/durability/kill-during-writes", test_kill_during_writes);
  return g_test_run ();
}
