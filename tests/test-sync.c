/* Tests of DwSync.
 *
 * /sync/stub/…: against a local stand-in that speaks the snapshot + stream protocol of
 * docs/api.md and can be made to misbehave on cue (repeat old events, fall silent, ask for a
 * resync, refuse the token), so that each recovery path is exercised deterministically.
 * /sync/service/…: against the real deskwatchd.
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "dw-snapshot-compact.h"
#include "dw-sync.h"
#include "dw-test-server.h"
#include "dw-test-wait.h"

/* items-changed recorder */

typedef struct
{
  guint emissions;
  guint position;
  guint removed;
  guint added;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->emissions++;
  changes->position = position;
  changes->removed += removed;
  changes->added += added;
}

static void
changes_reset (Changes *changes)
{
  memset (changes, 0, sizeof *changes);
}

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

static void
count_notify_cb (gpointer    instance,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
seq_increases_cb (DwSync     *sync,
                  GParamSpec *pspec,
                  gint64     *last)
{
  g_assert_cmpint (dw_sync_get_last_seq (sync), >, *last);
  *last = dw_sync_get_last_seq (sync);
}

static void
count_event_cb (DwSync     *sync,
                const char *type,
                JsonObject *data,
                guint      *count)
{
  g_assert_nonnull (data);
  g_assert_true (json_object_has_member (data, "id"));
  (*count)++;
}

/* ------------------------------------------------------------------------------------------ */
/* The stand-in service */

typedef struct
{
  SoupServer *server;
  char       *url;
  GHashTable *tickets;        /* id → ticket JSON text, the snapshot's tickets */
  GPtrArray  *frames;         /* event frames, frames->pdata[i] has seq i + 1 */
  GPtrArray  *connections;
  guint       snapshot_status;
  int         heartbeat_interval;
  guint       snapshot_hits;
  guint       stream_hits;
  gint64      last_since;
} Stub;

#define ME_JSON \
  "{\"id\": 1, \"username\": \"lead\", \"display_name\": \"Lead\", \"role\": \"lead\"," \
  " \"capacity\": 5, \"presence\": \"online\", \"teams\": [{\"id\": 1, \"is_lead\": true}]}"

static char *
ticket_json (gint64      id,
             const char *subject,
             const char *status,
             gint64      team_id,
             gint64      version)
{
  return g_strdup_printf ("{\"id\": %" G_GINT64_FORMAT ", \"subject\": \"%s\", \"channel\": \"web\","
                          " \"priority\": \"normal\", \"status\": \"%s\", \"team_id\": %" G_GINT64_FORMAT ","
                          " \"assignee_id\": null, \"tags\": [], \"sla\": [],"
                          " \"created_at\": \"2026-11-22T08:00:00Z\","
                          " \"updated_at\": \"2026-11-22T08:00:00Z\", \"version\": %" G_GINT64_FORMAT "}",
                          id, subject, status, team_id, version);
}

static void
stub_set_ticket (Stub       *stub,
                 gint64      id,
                 const char *subject,
                 const char *status,
                 gint64      team_id,
                 gint64      version)
{
  g_hash_table_insert (stub->tickets, GINT_TO_POINTER ((int) id),
                       ticket_json (id, subject, status, team_id, version));
}

static void
stub_send (Stub       *stub,
           const char *frame)
{
  for (guint i = 0; i < stub->connections->len; i++)
    {
      SoupWebsocketConnection *connection = stub->connections->pdata[i];

      if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_text (connection, frame);
    }
}

/* Records a ticket event (and its effect on the snapshot) and pushes it to whoever listens. */
static gint64
stub_ticket_event (Stub       *stub,
                   const char *type,
                   gint64      id,
                   const char *subject,
                   const char *status,
                   gint64      team_id,
                   gint64      version)
{
  g_autofree char *data = ticket_json (id, subject, status, team_id, version);
  gint64 seq = stub->frames->len + 1;
  char *frame;

  frame = g_strdup_printf ("{\"type\": \"event\", \"seq\": %" G_GINT64_FORMAT ", \"event\": \"%s\","
                           " \"at\": \"2026-11-22T09:00:00Z\", \"data\": %s}", seq, type, data);
  g_ptr_array_add (stub->frames, frame);

  if (g_str_equal (status, "closed") || team_id != 1)
    g_hash_table_remove (stub->tickets, GINT_TO_POINTER ((int) id));
  else
    stub_set_ticket (stub, id, subject, status, team_id, version);

  stub_send (stub, frame);
  return seq;
}

static void
snapshot_handler (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  Stub *stub = user_data;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GList) ids = NULL;
  const char *auth;

  stub->snapshot_hits++;

  auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                       "Authorization");
  if (stub->snapshot_status != 200 || g_strcmp0 (auth, "Bearer stub-token") != 0)
    {
      static const char problem[] = "{\"status\": 401, \"title\": \"Unauthorized\","
                                    " \"detail\": \"token revoked\"}";

      soup_server_message_set_status (msg, 401, NULL);
      soup_server_message_set_response (msg, "application/problem+json", SOUP_MEMORY_STATIC,
                                        problem, sizeof problem - 1);
      return;
    }

  g_string_append_printf (body, "{\"seq\": %u, \"heartbeat_interval\": %d, \"me\": " ME_JSON ","
                          " \"teams\": [{\"id\": 1, \"name\": \"One\", \"calendar_id\": 1},"
                          " {\"id\": 2, \"name\": \"Two\", \"calendar_id\": 1}],"
                          " \"users\": [" ME_JSON ", {\"id\": 2, \"username\": \"li.na\","
                          " \"display_name\": \"Li Na\", \"role\": \"agent\"}],"
                          " \"tickets\": [",
                          stub->frames->len, stub->heartbeat_interval);

  ids = g_hash_table_get_keys (stub->tickets);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      g_string_append (body, g_hash_table_lookup (stub->tickets, l->data));
      if (l->next != NULL)
        g_string_append (body, ", ");
    }
  g_string_append (body, "]}");

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    body->str, body->len);
}

static void
stub_connection_closed_cb (SoupWebsocketConnection *connection,
                           Stub                    *stub)
{
  g_ptr_array_remove (stub->connections, connection);
}

static void
stream_handler (SoupServer              *server,
                SoupServerMessage       *msg,
                const char              *path,
                SoupWebsocketConnection *connection,
                gpointer                 user_data)
{
  Stub *stub = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  g_autoptr(GHashTable) params = soup_form_decode (g_uri_get_query (uri) ? g_uri_get_query (uri) : "");
  const char *since = g_hash_table_lookup (params, "since");

  stub->stream_hits++;
  stub->last_since = since != NULL ? g_ascii_strtoll (since, NULL, 10) : -1;

  g_ptr_array_add (stub->connections, g_object_ref (connection));
  g_signal_connect (connection, "closed", G_CALLBACK (stub_connection_closed_cb), stub);

  for (guint i = MAX (stub->last_since, 0); i < stub->frames->len; i++)
    soup_websocket_connection_send_text (connection, stub->frames->pdata[i]);
}

static Stub *
stub_new (void)
{
  Stub *stub = g_new0 (Stub, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  stub->tickets = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  stub->frames = g_ptr_array_new_with_free_func (g_free);
  stub->connections = g_ptr_array_new_with_free_func (g_object_unref);
  stub->snapshot_status = 200;
  stub->heartbeat_interval = 15;

  stub->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (stub->server, "/api/v1/snapshot", snapshot_handler, stub, NULL);
  soup_server_add_websocket_handler (stub->server, "/api/v1/stream", NULL, NULL,
                                     stream_handler, stub, NULL);
  soup_server_listen_local (stub->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (stub->server);
  stub->url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  stub_set_ticket (stub, 1, "one", "open", 1, 1);
  stub_set_ticket (stub, 2, "two", "new", 1, 1);
  stub_set_ticket (stub, 3, "three", "pending", 1, 1);
  return stub;
}

/* Cuts every stream connection without a closing handshake, like a killed service. */
static void
stub_cut (Stub *stub)
{
  g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < stub->connections->len; i++)
    g_ptr_array_add (connections, g_object_ref (stub->connections->pdata[i]));
  for (guint i = 0; i < connections->len; i++)
    {
      SoupWebsocketConnection *connection = connections->pdata[i];

      g_signal_handlers_disconnect_by_data (connection, stub);
      g_io_stream_close (soup_websocket_connection_get_io_stream (connection), NULL, NULL);
      g_ptr_array_remove (stub->connections, connection);
    }
}

static void
stub_free (Stub *stub)
{
  stub_cut (stub);
  soup_server_disconnect (stub->server);
  g_clear_object (&stub->server);
  g_hash_table_unref (stub->tickets);
  g_ptr_array_unref (stub->frames);
  g_ptr_array_unref (stub->connections);
  g_free (stub->url);
  g_free (stub);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stub, stub_free)

static DwSync *
stub_sync_new (Stub *stub)
{
  g_autoptr(DwClient) client = dw_client_new (stub->url);
  DwSync *sync;

  dw_client_set_token (client, "stub-token");
  sync = dw_sync_new (client, NULL);
  dw_sync_set_backoff (sync, 20, 200);
  return sync;
}

static DwTicket *
ticket_at (DwSync *sync,
           guint   position)
{
  g_autoptr(DwTicket) ticket = g_list_model_get_item (G_LIST_MODEL (dw_sync_get_tickets (sync)), position);

  return ticket;  /* the store keeps it alive */
}

/* ------------------------------------------------------------------------------------------ */

static void
test_stub_live (void)
{
  g_autoptr(Stub) stub = stub_new ();
  g_autoptr(DwSync) sync = stub_sync_new (stub);
  GListModel *tickets = G_LIST_MODEL (dw_sync_get_tickets (sync));
  Changes changes = { 0 };
  guint priority_notes = 0;
  guint subject_notes = 0;
  guint resynced = 0;
  guint events = 0;
  DwTicket *two;
  gint64 seq;

  g_signal_connect (tickets, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  g_signal_connect (sync, "resynced", G_CALLBACK (count_cb), &resynced);
  g_signal_connect (sync, "event::ticket.updated", G_CALLBACK (count_event_cb), &events);

  g_assert_cmpint (dw_sync_get_state (sync), ==, DW_SYNC_STATE_DISCONNECTED);
  dw_sync_start (sync);
  g_assert_cmpint (dw_sync_get_state (sync), ==, DW_SYNC_STATE_CONNECTING);
  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);

  /* The snapshot: one emission for all three, in id order. */
  g_assert_cmpuint (g_list_model_get_n_items (tickets), ==, 3);
  g_assert_cmpuint (changes.emissions, ==, 1);
  g_assert_cmpint (dw_ticket_get_id (ticket_at (sync, 0)), ==, 1);
  g_assert_cmpint (dw_ticket_get_id (ticket_at (sync, 2)), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (dw_sync_get_users (sync))), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (dw_sync_get_teams (sync))), ==, 2);
  g_assert_nonnull (dw_sync_get_me (sync));
  g_assert_true (dw_sync_get_me (sync) == dw_sync_lookup_user (sync, 1));
  g_assert_cmpuint (resynced, ==, 1);
  g_assert_cmpint (dw_sync_get_last_seq (sync), ==, 0);
  g_assert_cmpint (dw_sync_get_connected_since (sync), >, 0);
  g_assert_cmpint (dw_sync_get_data_as_of (sync), >, 0);
  g_assert_cmpint (dw_sync_get_reconnecting_since (sync), ==, 0);
  g_assert_cmpuint (stub->stream_hits, ==, 1);
  g_assert_cmpint (stub->last_since, ==, 0);

  /* An update in place: the same object notifies, the list does not move. */
  two = dw_sync_lookup_ticket (sync, 2);
  g_signal_connect (two, "notify::subject", G_CALLBACK (count_notify_cb), &subject_notes);
  g_signal_connect (two, "notify::priority", G_CALLBACK (count_notify_cb), &priority_notes);
  changes_reset (&changes);
  seq = stub_ticket_event (stub, "ticket.updated", 2, "two, edited", "open", 1, 2);
  WAIT_UNTIL (dw_sync_get_last_seq (sync) == seq);
  g_assert_true (dw_sync_lookup_ticket (sync, 2) == two);
  g_assert_cmpstr (dw_ticket_get_subject (two), ==, "two, edited");
  g_assert_cmpint (dw_ticket_get_status (two), ==, DW_STATUS_OPEN);
  g_assert_cmpuint (subject_notes, ==, 1);
  g_assert_cmpuint (priority_notes, ==, 0);
  g_assert_cmpuint (changes.emissions, ==, 0);
  g_assert_cmpuint (events, ==, 1);

  /* A new ticket: exactly one insertion, at its place. */
  seq = stub_ticket_event (stub, "ticket.created", 4, "four", "new", 1, 1);
  WAIT_UNTIL (dw_sync_get_last_seq (sync) == seq);
  g_assert_cmpuint (changes.emissions, ==, 1);
  g_assert_cmpuint (changes.position, ==, 3);
  g_assert_cmpuint (changes.added, ==, 1);
  g_assert_cmpuint (changes.removed, ==, 0);

  /* Closed, and moved to a team the lead is not in: each leaves the list. */
  changes_reset (&changes);
  seq = stub_ticket_event (stub, "ticket.updated", 1, "one", "closed", 1, 2);
  WAIT_UNTIL (dw_sync_get_last_seq (sync) == seq);
  g_assert_cmpuint (changes.emissions, ==, 1);
  g_assert_cmpuint (changes.position, ==, 0);
  g_assert_cmpuint (changes.removed, ==, 1);
  seq = stub_ticket_event (stub, "ticket.updated", 3, "three", "open", 2, 2);
  WAIT_UNTIL (dw_sync_get_last_seq (sync) == seq);
  g_assert_cmpuint (changes.emissions, ==, 2);
  g_assert_null (dw_sync_lookup_ticket (sync, 3));

  /* A ticket of another team the lead never saw does not appear. */
  seq = stub_ticket_event (stub, "ticket.created", 5, "five", "new", 2, 1);
  WAIT_UNTIL (dw_sync_get_last_seq (sync) == seq);
  g_assert_cmpuint (changes.emissions, ==, 2);
  g_assert_null (dw_sync_lookup_ticket (sync, 5));
  g_assert_cmpuint (g_list_model_get_n_items (tickets), ==, 2);

  dw_sync_stop (sync);
  g_assert_cmpint (dw_sync_get_state (sync), ==, DW_SYNC_STATE_DISCONNECTED);
  g_signal_handlers_disconnect_by_data (tickets, &changes);
}

/* The stream drops; events happen meanwhile; the reconnect resumes from the last seq, and a
 * service that repeats events does not get them applied twice. */
static void
test_stub_resume (void)
{
  g_autoptr(Stub) stub = stub_new ();
  g_autoptr(DwSync) sync = stub_sync_new (stub);
  GListModel *tickets = G_LIST_MODEL (dw_sync_get_tickets (sync));
  Changes changes = { 0 };
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (int));
  guint subject_notes = 0;
  guint events = 0;
  gint64 seen_seq = 0;
  DwTicket *two;
  gint64 seq;

  /* Each event is applied once, in order. */
  g_signal_connect (sync, "event", G_CALLBACK (count_event_cb), &events);
  g_signal_connect (sync, "notify::last-seq", G_CALLBACK (seq_increases_cb), &seen_seq);

  dw_sync_start (sync);
  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);
  seq = stub_ticket_event (stub, "ticket.updated", 2, "two v2", "open", 1, 2);
  WAIT_UNTIL (dw_sync_get_last_seq (sync) == seq);

  g_signal_connect (tickets, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  two = dw_sync_lookup_ticket (sync, 2);
  g_signal_connect (two, "notify::subject", G_CALLBACK (count_notify_cb), &subject_notes);

  /* Cut; make two events while nobody listens. */
  stub_cut (stub);
  WAIT_UNTIL (dw_sync_get_state (sync) != DW_SYNC_STATE_CONNECTED);
  g_assert_cmpint (dw_sync_get_state (sync), ==, DW_SYNC_STATE_RECONNECTING);
  g_assert_cmpint (dw_sync_get_reconnecting_since (sync), >, 0);
  g_assert_cmpint (dw_sync_get_connected_since (sync), ==, 0);
  g_assert_nonnull (dw_sync_get_error (sync));

  stub_ticket_event (stub, "ticket.updated", 2, "two v3", "open", 1, 3);
  seq = stub_ticket_event (stub, "ticket.created", 6, "six", "new", 1, 1);

  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);
  WAIT_UNTIL (dw_sync_get_last_seq (sync) == seq);
  g_assert_cmpint (stub->last_since, ==, seq - 2);
  g_assert_cmpuint (stub->snapshot_hits, ==, 1);   /* resumed, not reloaded */
  g_assert_cmpstr (dw_ticket_get_subject (two), ==, "two v3");
  g_assert_cmpuint (subject_notes, ==, 1);
  g_assert_cmpuint (changes.emissions, ==, 1);
  g_assert_cmpuint (changes.added, ==, 1);
  g_assert_cmpint (dw_sync_get_reconnecting_since (sync), ==, 0);
  g_assert_null (dw_sync_get_error (sync));

  /* A repeat of an old event (seq 1, "two v2") is ignored. */
  stub_send (stub, stub->frames->pdata[0]);
  seq = stub_ticket_event (stub, "ticket.updated", 6, "six v2", "new", 1, 2);
  WAIT_UNTIL (dw_sync_get_last_seq (sync) == seq);
  g_assert_cmpstr (dw_ticket_get_subject (two), ==, "two v3");
  g_assert_cmpuint (subject_notes, ==, 1);
  g_assert_cmpuint (events, ==, 4);

  dw_sync_stop (sync);
  g_signal_handlers_disconnect_by_data (tickets, &changes);
}

/* {"type": "resync"}: the snapshot is reloaded and reconciled, never rebuilt. */
static void
test_stub_resync (void)
{
  g_autoptr(Stub) stub = stub_new ();
  g_autoptr(DwSync) sync = stub_sync_new (stub);
  GListModel *tickets = G_LIST_MODEL (dw_sync_get_tickets (sync));
  Changes changes = { 0 };
  guint resynced = 0;
  DwTicket *one;
  DwTicket *two;

  dw_sync_start (sync);
  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);
  one = dw_sync_lookup_ticket (sync, 1);
  two = dw_sync_lookup_ticket (sync, 2);

  g_signal_connect (tickets, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  g_signal_connect (sync, "resynced", G_CALLBACK (count_cb), &resynced);

  /* The service lost its history: 3 is gone, 7 is new, 2 changed, and seq moved on. */
  g_hash_table_remove (stub->tickets, GINT_TO_POINTER (3));
  stub_set_ticket (stub, 7, "seven", "new", 1, 1);
  stub_set_ticket (stub, 2, "two, changed while away", "open", 1, 5);
  g_ptr_array_add (stub->frames, g_strdup ("{}"));
  g_ptr_array_add (stub->frames, g_strdup ("{}"));
  stub_send (stub, "{\"type\": \"resync\", \"seq\": 2}");

  WAIT_UNTIL (resynced == 1 && dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);
  g_assert_cmpuint (stub->snapshot_hits, ==, 2);
  g_assert_cmpint (dw_sync_get_last_seq (sync), ==, 2);
  g_assert_cmpint (stub->last_since, ==, 2);
  g_assert_true (dw_sync_lookup_ticket (sync, 1) == one);
  g_assert_true (dw_sync_lookup_ticket (sync, 2) == two);
  g_assert_cmpstr (dw_ticket_get_subject (two), ==, "two, changed while away");
  g_assert_null (dw_sync_lookup_ticket (sync, 3));
  g_assert_nonnull (dw_sync_lookup_ticket (sync, 7));
  g_assert_cmpuint (changes.removed, ==, 1);
  g_assert_cmpuint (changes.added, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (tickets), ==, 3);

  dw_sync_stop (sync);
  g_signal_handlers_disconnect_by_data (tickets, &changes);
}

/* A connection that stays open but silent for twice the heartbeat interval is dead. */
static void
test_stub_liveness (void)
{
  g_autoptr(Stub) stub = stub_new ();
  g_autoptr(DwSync) sync = stub_sync_new (stub);

  stub->heartbeat_interval = 1;
  dw_sync_start (sync);
  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);
  g_assert_cmpuint (stub->stream_hits, ==, 1);

  /* Heartbeats keep it alive… */
  for (guint i = 0; i < 5; i++)
    {
      dw_test_spin (500);
      stub_send (stub, "{\"type\": \"heartbeat\", \"seq\": 0, \"at\": \"2026-11-22T09:00:00Z\"}");
    }
  g_assert_cmpuint (stub->stream_hits, ==, 1);
  g_assert_cmpint (dw_sync_get_state (sync), ==, DW_SYNC_STATE_CONNECTED);

  /* …silence does not. */
  WAIT_UNTIL (stub->stream_hits == 2);
  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);
  dw_sync_stop (sync);
}

/* A refused token is not retried: OFFLINE with the reason, until started again. */
static void
test_stub_unauthorized (void)
{
  g_autoptr(Stub) stub = stub_new ();
  g_autoptr(DwSync) sync = stub_sync_new (stub);

  stub->snapshot_status = 401;
  dw_sync_start (sync);
  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_OFFLINE);
  g_assert_error ((GError *) dw_sync_get_error (sync), DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNAUTHORIZED);
  g_assert_cmpint (dw_sync_get_next_retry (sync), ==, 0);
  dw_test_spin (300);
  g_assert_cmpuint (stub->snapshot_hits, ==, 1);

  /* Signed in again. */
  stub->snapshot_status = 200;
  dw_sync_start (sync);
  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);
  g_assert_null (dw_sync_get_error (sync));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (dw_sync_get_tickets (sync))), ==, 3);
  dw_sync_stop (sync);
}

/* Back-off: attempts against nothing are spaced out and next-retry says when. */
static void
test_stub_backoff (void)
{
  g_autoptr(Stub) stub = stub_new ();
  g_autoptr(DwSync) sync = stub_sync_new (stub);
  guint retries = 0;

  g_signal_connect (sync, "notify::next-retry", G_CALLBACK (count_notify_cb), &retries);
  soup_server_disconnect (stub->server);

  dw_sync_start (sync);
  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_RECONNECTING);
  g_assert_error ((GError *) dw_sync_get_error (sync), DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNREACHABLE);
  g_assert_cmpint (dw_sync_get_next_retry (sync), >=, dw_sync_get_reconnecting_since (sync));
  WAIT_UNTIL (retries >= 6);
  g_assert_cmpint (dw_sync_get_state (sync), ==, DW_SYNC_STATE_RECONNECTING);
  dw_sync_stop (sync);
  g_assert_cmpint (dw_sync_get_next_retry (sync), ==, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* Against the real deskwatchd */

static gint64
service_create_ticket (DwTestServer *server,
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
service_patch_ticket (DwTestServer *server,
                      gint64        id,
                      const char   *changes)
{
  g_autoptr(DwTestResponse) current = NULL;
  g_autoptr(DwTestResponse) response = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  gint64 version;

  current = dw_test_server_json (server, "GET", path, server->admin_token, NULL);
  dw_test_assert_status (current, 200);
  version = json_object_get_int_member (dw_test_response_object (current), "version");

  response = dw_test_server_jsonf (server, "PATCH", server->admin_token, path,
                                   "{\"version\": %" G_GINT64_FORMAT ", %s}", version, changes);
  dw_test_assert_status (response, 200);
}

static DwSync *
service_sync_new (DwTestServer *server)
{
  g_autoptr(DwClient) client = dw_client_new (server->url);
  DwSync *sync;

  dw_client_set_token (client, server->lead_token);
  sync = dw_sync_new (client, NULL);
  dw_sync_set_backoff (sync, 50, 500);
  return sync;
}

/* Counts events per seq so that a repeat shows. */
static void
record_seq_cb (DwSync     *sync,
               const char *type,
               JsonObject *data,
               GHashTable *seen)
{
  gint64 seq = dw_sync_get_last_seq (sync);

  g_assert_false (g_hash_table_contains (seen, &seq));
  g_hash_table_add (seen, g_memdup2 (&seq, sizeof seq));
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

/* A snapshot fetched and read before the sync existed (the console does so while GTK starts):
 * the lists hold it as soon as the sync starts with it, before the main loop runs, and the
 * stream goes on from its seq, so a ticket made in between is not missed. */
static void
test_service_prefetched (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwClient) client = dw_client_new (server->url);
  g_autoptr(DwSync) sync = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *content_type = NULL;
  DwSyncSnapshot *snapshot;
  gint64 before, between, after;

  before = service_create_ticket (server, "Made before the snapshot");
  dw_client_set_token (client, server->lead_token);
  dw_client_get_snapshot_bytes_async (client, NULL, store_result_cb, &result);
  WAIT_UNTIL (result != NULL);
  bytes = dw_client_get_snapshot_bytes_finish (client, result, &content_type, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (content_type, ==, DW_SNAPSHOT_COMPACT_CONTENT_TYPE);
  snapshot = dw_sync_snapshot_read (bytes, content_type, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (snapshot);

  between = service_create_ticket (server, "Made after the snapshot, before the sync");

  sync = service_sync_new (server);
  dw_sync_start_with_snapshot (sync, snapshot);
  /* Applied before it returned. */
  g_assert_nonnull (dw_sync_lookup_ticket (sync, before));
  g_assert_null (dw_sync_lookup_ticket (sync, between));
  g_assert_cmpint (dw_sync_get_last_seq (sync), >, 0);
  g_assert_cmpint (dw_sync_get_state (sync), ==, DW_SYNC_STATE_CONNECTING);

  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);
  WAIT_UNTIL (dw_sync_lookup_ticket (sync, between) != NULL);
  after = service_create_ticket (server, "Made while live");
  WAIT_UNTIL (dw_sync_lookup_ticket (sync, after) != NULL);
  g_assert_nonnull (dw_sync_lookup_ticket (sync, before));
}

static void
test_service_live (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwSync) sync = NULL;
  GListModel *tickets;
  Changes changes = { 0 };
  guint priority_notes = 0;
  gint64 ids[3];
  gint64 fresh;
  DwTicket *first;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = service_create_ticket (server, "Parcel stuck");

  sync = service_sync_new (server);
  tickets = G_LIST_MODEL (dw_sync_get_tickets (sync));
  dw_sync_start (sync);
  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);

  g_assert_cmpuint (g_list_model_get_n_items (tickets), ==, 3);
  g_assert_cmpint (dw_sync_get_last_seq (sync), >, 0);
  g_assert_nonnull (dw_sync_lookup_team (sync, server->team_id));
  g_assert_nonnull (dw_sync_lookup_user (sync, server->agent_id));

  /* A change made on the service: in place, no items-changed. */
  first = dw_sync_lookup_ticket (sync, ids[0]);
  g_assert_nonnull (first);
  g_signal_connect (first, "notify::priority", G_CALLBACK (count_notify_cb), &priority_notes);
  g_signal_connect (tickets, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  service_patch_ticket (server, ids[0], "\"priority\": \"urgent\"");
  WAIT_UNTIL (dw_ticket_get_priority (first) == DW_PRIORITY_URGENT);
  g_assert_true (dw_sync_lookup_ticket (sync, ids[0]) == first);
  g_assert_cmpuint (priority_notes, ==, 1);
  g_assert_cmpuint (changes.emissions, ==, 0);

  /* A new ticket: one insertion at the end. */
  fresh = service_create_ticket (server, "Wrong colour");
  WAIT_UNTIL (dw_sync_lookup_ticket (sync, fresh) != NULL);
  g_assert_cmpuint (changes.emissions, ==, 1);
  g_assert_cmpuint (changes.added, ==, 1);
  g_assert_cmpuint (changes.removed, ==, 0);
  g_assert_cmpuint (changes.position, ==, 3);

  /* Moved to a team the lead does not see: it leaves. */
  changes_reset (&changes);
  {
    g_autofree char *move = g_strdup_printf ("\"team_id\": %" G_GINT64_FORMAT, server->other_team_id);

    service_patch_ticket (server, ids[1], move);
  }
  WAIT_UNTIL (dw_sync_lookup_ticket (sync, ids[1]) == NULL);
  g_assert_cmpuint (changes.emissions, ==, 1);
  g_assert_cmpuint (changes.removed, ==, 1);
  g_assert_cmpuint (changes.position, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (tickets), ==, 3);

  dw_sync_stop (sync);
  g_signal_handlers_disconnect_by_data (tickets, &changes);
}

static guint16
url_port (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  g_assert_nonnull (uri);
  return (guint16) g_uri_get_port (uri);
}

static void
restart_same_port (DwTestServer *server,
                   gboolean      kill)
{
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", url_port (server->url));
  const char *args[] = { "--listen", listen, NULL };
  guint16 port = url_port (server->url);

  if (kill)
    dw_test_server_kill (server);
  else
    dw_test_server_stop (server);
  dw_test_server_start (server, args);
  g_assert_cmpuint (url_port (server->url), ==, port);
}

static void
state_logged_cb (DwSync     *sync,
                 GParamSpec *pspec,
                 GArray     *states)
{
  int state = dw_sync_get_state (sync);

  g_array_append_val (states, state);
}

/* kill -TERM (or -KILL) and restart the service on the same port and database: the sync goes
 * RECONNECTING, then CONNECTED, and what happened meanwhile arrives once. */
static void
restart_test (gboolean kill)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwSync) sync = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (int));
  GListModel *tickets;
  Changes changes = { 0 };
  gint64 before = service_create_ticket (server, "Before");
  gint64 during1, during2;
  DwTicket *kept;
  guint n_seen;

  sync = service_sync_new (server);
  tickets = G_LIST_MODEL (dw_sync_get_tickets (sync));
  g_signal_connect (sync, "event", G_CALLBACK (record_seq_cb), seen);
  dw_sync_start (sync);
  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);
  kept = dw_sync_lookup_ticket (sync, before);
  g_assert_nonnull (kept);

  g_signal_connect (sync, "notify::state", G_CALLBACK (state_logged_cb), states);
  g_signal_connect (tickets, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  /* Down.  The sync notices and backs off. */
  if (kill)
    dw_test_server_kill (server);
  else
    dw_test_server_stop (server);
  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_RECONNECTING);
  g_assert_cmpint (dw_sync_get_reconnecting_since (sync), >, 0);
  g_assert_cmpint (dw_sync_get_connected_since (sync), ==, 0);

  /* Up again on the same port; changes happen before the sync is back.  (The harness's calls
   * block this thread, so the sync's retry cannot run in between.) */
  {
    g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", url_port (dw_client_get_base_url (dw_sync_get_client (sync))));
    const char *args[] = { "--listen", listen, NULL };

    dw_test_server_start (server, args);
  }
  during1 = service_create_ticket (server, "While away 1");
  service_patch_ticket (server, before, "\"priority\": \"high\"");
  during2 = service_create_ticket (server, "While away 2");

  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);
  WAIT_UNTIL (dw_sync_lookup_ticket (sync, during2) != NULL &&
              dw_ticket_get_priority (kept) == DW_PRIORITY_HIGH);
  /* Let anything that would be a duplicate arrive. */
  dw_test_spin (300);

  g_assert_nonnull (dw_sync_lookup_ticket (sync, during1));
  g_assert_true (dw_sync_lookup_ticket (sync, before) == kept);
  g_assert_cmpuint (g_list_model_get_n_items (tickets), ==, 3);
  g_assert_cmpuint (changes.added, ==, 2);
  g_assert_cmpuint (changes.removed, ==, 0);

  /* RECONNECTING … CONNECTED, no reload in between. */
  g_assert_cmpuint (states->len, >=, 2);
  g_assert_cmpint (g_array_index (states, int, 0), ==, DW_SYNC_STATE_RECONNECTING);
  g_assert_cmpint (g_array_index (states, int, states->len - 1), ==, DW_SYNC_STATE_CONNECTED);
  for (guint i = 0; i < states->len; i++)
    g_assert_cmpint (g_array_index (states, int, i), !=, DW_SYNC_STATE_CONNECTING);

  /* Every event once (record_seq_cb asserts no seq twice). */
  n_seen = g_hash_table_size (seen);
  g_assert_cmpuint (n_seen, >=, 3);
  g_assert_cmpint (dw_sync_get_reconnecting_since (sync), ==, 0);

  dw_sync_stop (sync);
  g_signal_handlers_disconnect_by_data (tickets, &changes);
}

static void
test_service_restart (void)
{
  restart_test (FALSE);
}

static void
test_service_crash (void)
{
  restart_test (TRUE);
}

/* The service pruned the events the sync missed: it says resync, and the sync reconciles. */
static void
test_service_resync (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwSync) sync = NULL;
  GListModel *tickets;
  Changes changes = { 0 };
  guint resynced = 0;
  gint64 a = service_create_ticket (server, "A");
  gint64 b = service_create_ticket (server, "B");
  gint64 c;
  DwTicket *kept;

  sync = service_sync_new (server);
  tickets = G_LIST_MODEL (dw_sync_get_tickets (sync));
  dw_sync_start (sync);
  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);
  kept = dw_sync_lookup_ticket (sync, a);
  g_assert_nonnull (kept);
  g_signal_connect (sync, "resynced", G_CALLBACK (count_cb), &resynced);
  g_signal_connect (tickets, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  /* Restart keeping only the newest events; then change enough to prune what the sync has. */
  g_setenv ("DESKWATCH_EVENTS_KEEP", "1", TRUE);
  restart_same_port (server, FALSE);
  g_unsetenv ("DESKWATCH_EVENTS_KEEP");
  c = service_create_ticket (server, "C");
  service_patch_ticket (server, a, "\"priority\": \"urgent\"");
  service_patch_ticket (server, b, "\"status\": \"closed\"");
  for (guint i = 0; i < 4; i++)
    service_patch_ticket (server, c, i % 2 ? "\"priority\": \"low\"" : "\"priority\": \"high\"");

  WAIT_UNTIL (resynced == 1 && dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);
  g_assert_true (dw_sync_lookup_ticket (sync, a) == kept);
  g_assert_cmpint (dw_ticket_get_priority (kept), ==, DW_PRIORITY_URGENT);
  g_assert_null (dw_sync_lookup_ticket (sync, b));
  g_assert_nonnull (dw_sync_lookup_ticket (sync, c));
  g_assert_cmpuint (g_list_model_get_n_items (tickets), ==, 2);
  /* Reconciled: b out, c in; never everything. */
  g_assert_cmpuint (changes.removed, ==, 1);
  g_assert_cmpuint (changes.added, ==, 1);

  dw_sync_stop (sync);
  g_signal_handlers_disconnect_by_data (tickets, &changes);
}

/* The service ends the session (the token revoked by `deskwatchd token revoke`, another
 * process): the sync stops and says so — asking for a sign-in, not reconnecting for ever. */
static void
test_service_revoked (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwClient) client = dw_client_new (server->url);
  g_autoptr(DwSync) sync = NULL;
  g_autoptr(DwTestResponse) signed_in = NULL;
  g_autofree char *id = NULL;
  g_autofree char *out = NULL;
  int status;

  signed_in = dw_test_server_json (server, "POST", "/api/v1/auth/token", NULL,
                                   "{\"username\": \"lead\", \"password\": \"" DW_TEST_PASSWORD
                                   "\"}");
  dw_test_assert_status (signed_in, 201);
  dw_client_set_token (client, json_object_get_string_member (
                                 dw_test_response_object (signed_in), "token"));
  sync = dw_sync_new (client, NULL);
  dw_sync_set_backoff (sync, 50, 500);
  dw_sync_start (sync);
  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);

  id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (
                          dw_test_response_object (signed_in), "token_id"));
  out = dw_test_server_cli (server, NULL, &status, "token", "revoke", id, NULL);
  g_assert_cmpint (status, ==, 0);

  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_OFFLINE);
  g_assert_error ((GError *) dw_sync_get_error (sync), DW_CLIENT_ERROR,
                  DW_CLIENT_ERROR_UNAUTHORIZED);
  g_assert_cmpint (dw_sync_get_next_retry (sync), ==, 0);
  dw_test_spin (300);
  g_assert_cmpint (dw_sync_get_state (sync), ==, DW_SYNC_STATE_OFFLINE);
  dw_sync_stop (sync);
}

/* The lead is taken out of its team: the service has it resync, and the console drops the
 * team's tickets it may no longer see. */
static void
test_service_scope_changed (void)
{
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwSync) sync = NULL;
  g_autoptr(DwTestResponse) removed = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, server->lead_id);
  guint resynced = 0;
  gint64 a = service_create_ticket (server, "A");

  sync = service_sync_new (server);
  dw_sync_start (sync);
  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);
  g_assert_nonnull (dw_sync_lookup_ticket (sync, a));
  g_signal_connect (sync, "resynced", G_CALLBACK (count_cb), &resynced);

  removed = dw_test_server_json (server, "PATCH", path, server->admin_token, "{\"teams\": []}");
  dw_test_assert_status (removed, 200);

  WAIT_UNTIL (resynced == 1 && dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);
  g_assert_null (dw_sync_lookup_ticket (sync, a));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (dw_sync_get_tickets (sync))), ==, 0);
  dw_sync_stop (sync);
}

/* Runs @sql on the stopped service's database file, binding @blob (if not NULL) as text to
 * ?1: what a service from before the check at the door left in it, byte for byte. */
static void
write_database (DwTestServer *server,
                const char   *sql,
                const char   *text,
                gssize        length)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_null (server->process);
  g_assert_cmpint (sqlite3_open (server->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (text != NULL)
    g_assert_cmpint (sqlite3_bind_text (stmt, 1, text, (int) length, SQLITE_TRANSIENT), ==,
                     SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

/* A lone surrogate as a service from before the check stored it: the bytes ED A0 80. */
#define NOT_UTF8 "a\xed\xa0\x80"

/* The ticket @id as the service sends it, with its subject replaced by @subject (raw text,
 * put in after serialising) and its priority by @priority: an event's data. */
static char *
ticket_event_data (DwTestServer *server,
                   gint64        id,
                   const char   *subject,
                   const char   *priority)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->admin_token,
                                                     NULL);
  g_autoptr(GString) text = NULL;

  dw_test_assert_status (r, 200);
  json_object_set_string_member (dw_test_response_object (r), "subject", "@@");
  json_object_set_string_member (dw_test_response_object (r), "priority", priority);
  text = g_string_new (json_to_string (r->json, FALSE));
  g_string_replace (text, "\"@@\"", subject, 1);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A desk holding odd but valid text (emoji, RTL, combining marks, 64 KiB of subject and of
 * body) and items the console cannot read, put in its database while the service was stopped
 * (rows of a service from before the check at the door, or of a newer one): the sync
 * connects, shows the rest exactly, counts and logs what it left out, and stays live through
 * stream events it cannot read either. */
static void
test_service_unreadable_item (void)
{
  static const char odd[] = "😀 עברית ومرحبا e\xcc\x81 Z\xcd\x91\xcd\x92 👨‍👩‍👧";
  g_autoptr(DwTestServer) server = dw_test_server_new_with_desk ();
  g_autoptr(DwSync) sync = NULL;
  g_autofree char *long_body = g_strnfill (64 * 1024, 'b');
  g_autofree char *long_subject = g_strnfill (64 * 1024, 's');
  g_autofree char *nul_event = NULL;
  g_autofree char *bytes_event = NULL;
  g_autofree char *sql = NULL;
  gint64 odd_id, long_id, nul_id, fax_id, bytes_id, later_id;
  DwTicket *ticket;
  DwTicket *repaired;

  {
    g_autoptr(DwTestResponse) r = NULL;

    r = dw_test_server_jsonf (server, "POST", server->admin_token, "/api/v1/tickets",
                              "{\"subject\": \"%s\", \"body\": \"%s\", \"channel\": \"web\", "
                              "\"team_id\": %" G_GINT64_FORMAT "}", odd, long_body,
                              server->team_id);
    dw_test_assert_status (r, 201);
    odd_id = json_object_get_int_member (dw_test_response_object (r), "id");
  }
  long_id = service_create_ticket (server, "To be long");
  nul_id = service_create_ticket (server, "To get a tag with NUL");
  fax_id = service_create_ticket (server, "To come by fax");
  bytes_id = service_create_ticket (server, "To be not UTF-8");
  nul_event = ticket_event_data (server, odd_id, "\"x\\u0000y\"", "urgent");
  bytes_event = ticket_event_data (server, bytes_id, "\"" NOT_UTF8 "\"", "urgent");

  dw_test_server_stop (server);
  /* 64 KiB of subject: more than the API takes, but the console shows what it is sent. */
  memcpy (long_subject, odd, strlen (odd));
  sql = g_strdup_printf ("UPDATE tickets SET subject = ?1 WHERE id = %" G_GINT64_FORMAT, long_id);
  write_database (server, sql, long_subject, -1);
  g_free (sql);
  /* JSON the console's parser would read as a cut string: the ticket is left out. */
  sql = g_strdup_printf ("UPDATE tickets SET tags = ?1 WHERE id = %" G_GINT64_FORMAT, nul_id);
  write_database (server, sql, "[\"ok\",\"\\u0000x\"]", -1);
  g_free (sql);
  /* A channel this console does not know (a newer service's): left out. */
  sql = g_strdup_printf ("UPDATE tickets SET channel = 'fax' WHERE id = %" G_GINT64_FORMAT,
                         fax_id);
  write_database (server, sql, NULL, 0);
  g_free (sql);
  /* Bytes that are not UTF-8: the service sends U+FFFD instead, and the ticket is shown. */
  sql = g_strdup_printf ("UPDATE tickets SET subject = ?1 WHERE id = %" G_GINT64_FORMAT, bytes_id);
  write_database (server, sql, NOT_UTF8, -1);
  dw_test_server_start (server, NULL);

  sync = service_sync_new (server);
  dw_sync_start (sync);
  WAIT_UNTIL (dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (dw_sync_get_tickets (sync))), ==, 3);
  g_assert_null (dw_sync_lookup_ticket (sync, nul_id));
  g_assert_null (dw_sync_lookup_ticket (sync, fax_id));
  g_assert_cmpuint (dw_sync_get_skipped_items (sync), ==, 2);
  ticket = dw_sync_lookup_ticket (sync, odd_id);
  g_assert_nonnull (ticket);
  g_assert_cmpstr (dw_ticket_get_subject (ticket), ==, odd);
  /* The body is not kept from a compact snapshot; the ticket pane fetches it, whole. */
  g_assert_false (dw_ticket_get_body_loaded (ticket));
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, odd_id);
    g_autoptr(DwTestResponse) single = dw_test_server_json (server, "GET", path,
                                                            server->admin_token, NULL);

    dw_test_assert_status (single, 200);
    g_assert_cmpstr (json_object_get_string_member (dw_test_response_object (single), "body"), ==,
                     long_body);
  }
  g_assert_cmpstr (dw_ticket_get_subject (dw_sync_lookup_ticket (sync, long_id)), ==,
                   long_subject);
  repaired = dw_sync_lookup_ticket (sync, bytes_id);
  g_assert_nonnull (repaired);
  g_assert_cmpstr (dw_ticket_get_subject (repaired), ==, "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  g_assert_nonnull (dw_sync_lookup_team (sync, server->team_id));
  g_assert_nonnull (dw_sync_get_me (sync));

  /* Two events as an old service stored them, replayed after a restart as stored events are:
   * one the console cannot read (skipped, its seq passed), one the service repairs. */
  {
    g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", url_port (server->url));
    const char *args[] = { "--listen", listen, NULL };
    g_autofree char *insert = g_strdup_printf ("INSERT INTO events (at, type, team_id, data) "
                                               "VALUES (strftime ('%%s'), 'ticket.updated', %"
                                               G_GINT64_FORMAT ", ?1)", server->team_id);

    dw_test_server_stop (server);
    write_database (server, insert, nul_event, -1);
    write_database (server, insert, bytes_event, -1);
    dw_test_server_start (server, args);
  }
  WAIT_UNTIL (dw_ticket_get_priority (repaired) == DW_PRIORITY_URGENT);
  g_assert_cmpuint (dw_sync_get_skipped_items (sync), ==, 3);
  g_assert_cmpint (dw_ticket_get_priority (ticket), ==, DW_PRIORITY_NORMAL);
  g_assert_cmpstr (dw_ticket_get_subject (ticket), ==, odd);

  /* Still live: what happens next arrives. */
  later_id = service_create_ticket (server, "After the bad event");
  service_patch_ticket (server, odd_id, "\"priority\": \"high\"");
  WAIT_UNTIL (dw_sync_lookup_ticket (sync, later_id) != NULL &&
              dw_ticket_get_priority (ticket) == DW_PRIORITY_HIGH);
  g_assert_cmpint (dw_sync_get_state (sync), ==, DW_SYNC_STATE_CONNECTED);
  g_assert_cmpuint (dw_sync_get_skipped_items (sync), ==, 3);

  dw_sync_stop (sync);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/stub/live", test_stub_live);
  g_test_add_func ("/sync/stub/resume", test_stub_resume);
  g_test_add_func ("/sync/stub/resync", test_stub_resync);
  g_test_add_func ("/sync/stub/liveness", test_stub_liveness);
  g_test_add_func ("/sync/stub/unauthorized", test_stub_unauthorized);
  g_test_add_func ("/sync/stub/backoff", test_stub_backoff);
  g_test_add_func ("/sync/service/live", test_service_live);
  g_test_add_func ("/sync/service/prefetched", test_service_prefetched);
  g_test_add_func ("/sync/service/restart", test_service_restart);
  g_test_add_func ("/sync/service/crash", test_service_crash);
  g_test_add_func ("/sync/service/resync", test_service_resync);
  g_test_add_func ("/sync/service/revoked", test_service_revoked);
  g_test_add_func ("/sync/service/scope-changed", test_service_scope_changed);
  g_test_add_func ("/sync/service/unreadable-item", test_service_unreadable_item);

  return g_test_run ();
}
