#define G_LOG_DOMAIN "dw-stream"

#include "config.h"

#include "dw-stream.h"

#include <string.h>
#include <sys/socket.h>

#include "dw-auth.h"
#include "dw-problem.h"
#include "dw-store.h"

/* Defaults; the environment can lower them for tests (docs/api.md "Stream", "Limits"). */
#define DEFAULT_HEARTBEAT_MS 15000
#define DEFAULT_QUEUE_MAX 1000
#define DEFAULT_QUEUE_BYTES (4 * 1024 * 1024)
#define DEFAULT_SNDBUF (128 * 1024)
#define KEEPALIVE_SECONDS 30
#define MAX_INCOMING_PAYLOAD 4096
/* Bytes handed to libsoup before we wait until it has written them out.  libsoup 3.2 has no
 * way to ask how much it still buffers, so we never give it more than this at a time. */
#define HANDED_MAX (64 * 1024)
/* Events read from SQLite per step while a client catches up. */
#define CATCH_UP_BATCH 256
/* How long a client that was told to resync may take to read that before it is cut off. */
#define RESYNC_DEADLINE_SECONDS 30
#define CLOSE_CODE_RESYNC DW_STREAM_CLOSE_RESYNC

typedef struct _Hub Hub;

typedef struct
{
  gatomicrefcount          ref_count;
  Hub                     *hub;        /* outlives its clients: it closes them when freed */
  SoupWebsocketConnection *conn;
  DwPrincipal             *principal;
  gulong                   closed_id;

  gint64                   cursor;     /* every event up to here is queued or not for us */
  gboolean                 catching_up;

  GQueue                   queue;      /* of GBytes, text frames not yet handed to libsoup */
  gsize                    queued_bytes;
  gsize                    handed;     /* bytes handed since libsoup's queue was last empty */
  GSource                 *writable;

  gboolean                 resyncing;  /* the queue holds only the resync message */
  gboolean                 dead;       /* closed (or closing): nothing more goes out */
  guint                    deadline_id;
} Client;

struct _Hub
{
  DwEventLog       *log;
  DwClock          *clock;
  DwStreamAuthFunc  auth;
  DwStreamRecheckFunc recheck;
  gpointer          auth_data;

  GPtrArray        *clients;   /* of Client, each holding a reference */
  /* Events published but not yet offered to the clients (DwEvent, in seq order): the fan-out
   * runs from the main loop after the writer's reply is on its way, not inside its commit. */
  GQueue            fan_out;
  guint             fan_out_id;
  gulong            published_id;
  gulong            access_changed_id;
  guint             heartbeat_id;
  guint             heartbeat_ms;

  guint             queue_max;
  gsize             queue_bytes;
  int               sndbuf;
};

static void client_pump (Client *client);

/* Clients */

static Client *
client_ref (Client *client)
{
  g_atomic_ref_count_inc (&client->ref_count);
  return client;
}

static void
client_unref (Client *client)
{
  if (!g_atomic_ref_count_dec (&client->ref_count))
    return;

  g_assert (client->writable == NULL);
  g_assert (client->deadline_id == 0);
  g_queue_clear_full (&client->queue, (GDestroyNotify) g_bytes_unref);
  g_clear_object (&client->conn);
  g_clear_pointer (&client->principal, dw_principal_unref);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_unref)

static void
client_clear_queue (Client *client)
{
  g_queue_clear_full (&client->queue, (GDestroyNotify) g_bytes_unref);
  g_queue_init (&client->queue);
  client->queued_bytes = 0;
}

/* Stops everything that could touch the client again and drops the hub's reference. */
static void
client_detach (Client *client)
{
  Hub *hub = client->hub;

  client->dead = TRUE;
  if (client->writable != NULL)
    {
      g_source_destroy (client->writable);
      g_clear_pointer (&client->writable, g_source_unref);
    }
  g_clear_handle_id (&client->deadline_id, g_source_remove);
  g_clear_signal_handler (&client->closed_id, client->conn);
  client_clear_queue (client);

  /* Last: this may drop the final reference. */
  g_ptr_array_remove_fast (hub->clients, client);
}

static void
client_close (Client     *client,
              gushort     code,
              const char *reason)
{
  SoupWebsocketState state = soup_websocket_connection_get_state (client->conn);

  if (state == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (client->conn, code, reason);
}

static void
conn_closed_cb (SoupWebsocketConnection *conn,
                Client                  *client)
{
  g_debug ("Stream client %s closed", client->principal->username);
  client_detach (client);
}

static gboolean
client_enqueue (Client *client,
                GBytes *frame)
{
  client->queued_bytes += g_bytes_get_size (frame);
  g_queue_push_tail (&client->queue, g_bytes_ref (frame));

  return client->queue.length <= client->hub->queue_max
         && client->queued_bytes <= client->hub->queue_bytes;
}

static GBytes *
control_frame (const char *type,
               gint64      seq,
               gint64      at,
               guint       interval_ms)
{
  g_autofree char *iso = at > 0 ? dw_time_to_iso8601 (at) : NULL;
  char *text;

  if (iso != NULL)
    text = g_strdup_printf ("{\"type\":\"%s\",\"seq\":%" G_GINT64_FORMAT ",\"at\":\"%s\","
                            "\"interval\":%u}",
                            type, seq, iso, (interval_ms + 999) / 1000);
  else
    text = g_strdup_printf ("{\"type\":\"%s\",\"seq\":%" G_GINT64_FORMAT "}", type, seq);

  return g_bytes_new_take (text, strlen (text));
}

static gboolean
deadline_cb (gpointer data)
{
  Client *client = data;

  client->deadline_id = 0;
  g_debug ("Stream client %s did not read its resync in time", client->principal->username);
  client_clear_queue (client);
  client_close (client, CLOSE_CODE_RESYNC, "resync");
  return G_SOURCE_REMOVE;
}

/* Replaces whatever is queued by one resync message; the connection closes once it is out. */
static void
client_resync (Client *client)
{
  g_autoptr(GBytes) frame = NULL;

  if (client->resyncing || client->dead)
    return;

  g_debug ("Stream client %s must resync (cursor %" G_GINT64_FORMAT ")",
           client->principal->username, client->cursor);

  client->resyncing = TRUE;
  client->catching_up = FALSE;
  client_clear_queue (client);
  frame = control_frame ("resync", dw_event_log_get_seq (client->hub->log), 0, 0);
  client_enqueue (client, frame);
  client->deadline_id = g_timeout_add_seconds (RESYNC_DEADLINE_SECONDS, deadline_cb, client);
}

/* The client's token or user no longer authorises anything: nothing more goes out, not even
 * what is queued (libsoup's close frame also jumps ahead of frames it has not started). */
static void
client_unauthorized (Client     *client,
                     const char *why)
{
  g_autofree char *reason = NULL;

  if (client->dead)
    return;

  g_debug ("Stream client %s loses its authority: %s", client->principal->username, why);
  /* A close reason is at most 123 bytes; ours are short ASCII (dw-auth.c). */
  reason = g_strdup_printf ("unauthorized: %.100s", why);
  client->catching_up = FALSE;
  client_clear_queue (client);
  g_clear_handle_id (&client->deadline_id, g_source_remove);
  client_close (client, DW_STREAM_CLOSE_UNAUTHORIZED, reason);
  client->dead = TRUE;
}

static gboolean
client_can_see (Client  *client,
                DwEvent *event)
{
  return dw_principal_can_see (client->principal, event->team_id, event->user_id);
}

/* One step of replay from SQLite; FALSE when the client must resync instead. */
static gboolean
client_catch_up (Client *client)
{
  DwEventLog *log = client->hub->log;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  /* Pruned past us while we were catching up. */
  if (client->cursor < dw_event_log_get_first_seq (log) - 1)
    return FALSE;

  events = dw_event_log_read (log, client->cursor, CATCH_UP_BATCH, &error);
  if (events == NULL)
    {
      /* The database away (PostgreSQL restarting) is expected: the client resyncs. */
      if (g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE))
        g_message ("Cannot replay events: %s", error->message);
      else
        g_warning ("Cannot replay events: %s", error->message);
      return FALSE;
    }

  for (guint i = 0; i < events->len; i++)
    {
      DwEvent *event = g_ptr_array_index (events, i);

      client->cursor = event->seq;
      if (client_can_see (client, event))
        client_enqueue (client, dw_event_get_frame (event));
    }

  /* The read stops at the last published seq, so a short batch means we are there; from now
   * on the live events follow on from the cursor. */
  if (events->len < CATCH_UP_BATCH)
    {
      client->catching_up = FALSE;
      client->cursor = MAX (client->cursor, dw_event_log_get_seq (log));
    }

  return TRUE;
}

static gboolean
writable_cb (gpointer data)
{
  Client *client = data;

  /* Our source has a lower priority than libsoup's own output source on the same socket, so
   * when ours runs with the socket writable, libsoup's had nothing left to write. */
  g_clear_pointer (&client->writable, g_source_unref);
  client->handed = 0;
  client_pump (client);
  return G_SOURCE_REMOVE;
}

static gboolean
output_writable_cb (GObject  *stream,
                    gpointer  data)
{
  return writable_cb (data);
}

static void
client_wait_writable (Client *client)
{
  GIOStream *io;
  GOutputStream *output;

  if (client->writable != NULL || client->dead)
    return;

  io = soup_websocket_connection_get_io_stream (client->conn);
  output = g_io_stream_get_output_stream (io);
  if (!G_IS_POLLABLE_OUTPUT_STREAM (output)
      || !g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (output)))
    {
      client->writable = g_timeout_source_new (10);
      g_source_set_callback (client->writable, writable_cb, client_ref (client),
                             (GDestroyNotify) client_unref);
    }
  else
    {
      client->writable = g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (output),
                                                                  NULL);
      g_source_set_callback (client->writable, G_SOURCE_FUNC (output_writable_cb),
                             client_ref (client), (GDestroyNotify) client_unref);
    }

  g_source_set_priority (client->writable, G_PRIORITY_LOW);
  g_source_set_static_name (client->writable, "[deskwatch] stream client writable");
  g_source_attach (client->writable, NULL);
}

static void
client_pump (Client *client)
{
  g_autoptr(Client) hold = client_ref (client);

  while (!client->dead)
    {
      g_autoptr(GBytes) frame = NULL;

      /* The peer may have started closing (or a send just failed): nothing more can go out,
       * and conn_closed_cb detaches the client once the close completes. */
      if (soup_websocket_connection_get_state (client->conn) != SOUP_WEBSOCKET_STATE_OPEN)
        break;

      if (client->resyncing)
        {
          /* Only into an empty libsoup queue: its close frame jumps ahead of any frame not
           * yet started, and would cut off the resync message. */
          if (client->handed > 0)
            {
              client_wait_writable (client);
              break;
            }

          frame = g_queue_pop_head (&client->queue);
          if (frame != NULL)
            soup_websocket_connection_send_message (client->conn, SOUP_WEBSOCKET_DATA_TEXT,
                                                    frame);
          g_clear_handle_id (&client->deadline_id, g_source_remove);
          client_close (client, CLOSE_CODE_RESYNC, "resync");
          client->dead = TRUE;
          break;
        }

      if (g_queue_is_empty (&client->queue))
        {
          if (!client->catching_up)
            break;
          if (client->handed >= HANDED_MAX)
            {
              client_wait_writable (client);
              break;
            }
          if (!client_catch_up (client))
            client_resync (client);
          continue;
        }

      if (client->handed >= HANDED_MAX)
        {
          client_wait_writable (client);
          break;
        }

      frame = g_queue_pop_head (&client->queue);
      client->queued_bytes -= g_bytes_get_size (frame);
      client->handed += g_bytes_get_size (frame);
      /* May fail and close the connection synchronously (conn_closed_cb): hence @hold. */
      soup_websocket_connection_send_message (client->conn, SOUP_WEBSOCKET_DATA_TEXT, frame);
    }

  /* Learn early when libsoup has written everything, so the next burst has a full budget. */
  if (!client->dead && client->handed >= HANDED_MAX / 2)
    client_wait_writable (client);
}

static void
client_offer (Client  *client,
              DwEvent *event)
{
  /* While catching up, live events are read back from SQLite in order instead. */
  if (client->dead || client->resyncing || client->catching_up || event->seq <= client->cursor)
    return;

  client->cursor = event->seq;
  if (!client_can_see (client, event))
    return;

  if (!client_enqueue (client, dw_event_get_frame (event)))
    client_resync (client);

  client_pump (client);
}

/* The hub */

/* Offers every event waiting in the hub to every client, in seq order.  Each client's cursor
 * decides what it takes, so an event that a client connecting meanwhile has already read from
 * the log (or that came before its start) is skipped as it always was. */
static void
hub_fan_out (Hub *hub)
{
  g_autoptr(GPtrArray) clients = NULL;
  DwEvent *event;

  g_clear_handle_id (&hub->fan_out_id, g_source_remove);
  if (g_queue_is_empty (&hub->fan_out))
    return;

  /* A client may go away while we feed the others. */
  clients = g_ptr_array_copy (hub->clients, (GCopyFunc) (void (*) (void)) client_ref, NULL);
  g_ptr_array_set_free_func (clients, (GDestroyNotify) client_unref);

  while ((event = g_queue_pop_head (&hub->fan_out)) != NULL)
    {
      for (guint i = 0; i < clients->len; i++)
        client_offer (g_ptr_array_index (clients, i), event);
      dw_event_unref (event);
    }
}

static gboolean
fan_out_cb (gpointer data)
{
  Hub *hub = data;

  hub->fan_out_id = 0;
  hub_fan_out (hub);
  return G_SOURCE_REMOVE;
}

static void
published_cb (DwEventLog *log,
              DwEvent    *event,
              Hub        *hub)
{
  if (hub->clients->len == 0)
    return;

  /* Per-client work (scope checks, queueing, writing to sockets) waits for the main loop: the
   * write that published this is answered first.  An idle of the default priority, attached
   * after libsoup's own sources for the reply, runs after them and cannot be starved by
   * requests (sources of one priority take turns). */
  g_queue_push_tail (&hub->fan_out, dw_event_ref (event));
  if (hub->fan_out_id == 0)
    {
      hub->fan_out_id = g_idle_add_full (G_PRIORITY_DEFAULT, fan_out_cb, hub, NULL);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, hub->fan_out_id),
                                "[deskwatch] stream fan-out");
    }
}

/* Checks @client's principal as it is now: one that lost its authority is closed, one whose
 * scope changed takes the new principal and resyncs. */
static void
client_recheck (Client *client)
{
  Hub *hub = client->hub;
  g_autoptr(DwPrincipal) fresh = NULL;
  g_autoptr(GError) error = NULL;
  gboolean same;

  if (client->dead)
    return;

  fresh = hub->recheck (client->principal, hub->auth_data, &error);
  if (fresh == NULL)
    {
      if (g_error_matches (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID)
          || g_error_matches (error, DW_AUTH_ERROR, DW_AUTH_ERROR_MISSING))
        {
          client_unauthorized (client, error->message);
        }
      else
        {
          /* Fail closed; the client reconnects and is authenticated afresh. */
          g_debug ("Cannot check stream client %s: %s", client->principal->username,
                   error != NULL ? error->message : "unknown error");
          client->catching_up = FALSE;
          client_clear_queue (client);
          client_close (client, SOUP_WEBSOCKET_CLOSE_SERVER_ERROR, "cannot check the token");
          client->dead = TRUE;
        }
      return;
    }

  same = dw_principal_same_scope (client->principal, fresh);
  g_clear_pointer (&client->principal, dw_principal_unref);
  client->principal = g_steal_pointer (&fresh);

  /* Its scope changed: what it holds was read under the old one, so it reloads (and from now
   * on only events of the new scope are queued for it). */
  if (!same)
    {
      g_debug ("Stream client %s changed scope", client->principal->username);
      client_resync (client);
      client_pump (client);
    }
}

/* A token revoked, a user disabled, a role or team changed (here or by another process):
 * the affected clients check their principal again before anything more goes out. */
static void
access_changed_cb (DwEventLog *log,
                   gint64      user_id,
                   Hub        *hub)
{
  g_autoptr(GPtrArray) clients = NULL;

  if (hub->clients->len == 0)
    return;

  /* Events published before this change go out under the authority they were published
   * under, as when the fan-out was immediate. */
  hub_fan_out (hub);

  clients = g_ptr_array_copy (hub->clients, (GCopyFunc) (void (*) (void)) client_ref, NULL);
  g_ptr_array_set_free_func (clients, (GDestroyNotify) client_unref);

  for (guint i = 0; i < clients->len; i++)
    {
      Client *client = g_ptr_array_index (clients, i);

      if (user_id == 0 || client->principal->user_id == user_id)
        client_recheck (client);
    }
}

static gboolean
heartbeat_cb (gpointer data)
{
  Hub *hub = data;
  g_autoptr(GPtrArray) clients = NULL;
  gint64 now = dw_clock_now (hub->clock);

  clients = g_ptr_array_copy (hub->clients, (GCopyFunc) (void (*) (void)) client_ref, NULL);
  g_ptr_array_set_free_func (clients, (GDestroyNotify) client_unref);

  for (guint i = 0; i < clients->len; i++)
    {
      Client *client = g_ptr_array_index (clients, i);
      g_autoptr(GBytes) frame = NULL;

      if (client->dead || client->resyncing)
        continue;

      if (client->principal->expires_at > 0 && client->principal->expires_at <= now)
        {
          client_unauthorized (client, "the token has expired");
          continue;
        }

      /* The cursor, not the log's seq: everything up to it has been queued before this, so
       * a client may resume from a heartbeat's seq. */
      frame = control_frame ("heartbeat", client->cursor, now, hub->heartbeat_ms);
      if (!client_enqueue (client, frame))
        client_resync (client);
      client_pump (client);
    }

  return G_SOURCE_CONTINUE;
}

static void
drop_log_cb (const char     *domain,
             GLogLevelFlags  level,
             const char     *message,
             gpointer        data)
{
}

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *value = g_getenv (name);
  guint64 n;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &n, NULL))
    return fallback;
  return (guint) n;
}

static void
hub_free (Hub *hub)
{
  /* The server is going away: close every client. */
  while (hub->clients->len > 0)
    {
      g_autoptr(Client) client = client_ref (g_ptr_array_index (hub->clients, 0));

      client_detach (client);
      client_close (client, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "shutting down");
    }

  g_clear_signal_handler (&hub->published_id, hub->log);
  g_clear_signal_handler (&hub->access_changed_id, hub->log);
  g_clear_handle_id (&hub->fan_out_id, g_source_remove);
  g_queue_clear_full (&hub->fan_out, (GDestroyNotify) dw_event_unref);
  g_clear_handle_id (&hub->heartbeat_id, g_source_remove);
  g_ptr_array_unref (hub->clients);
  g_clear_object (&hub->log);
  g_clear_object (&hub->clock);
  g_free (hub);
}

/* Handlers */

static gboolean
parse_since (GHashTable *query,
             gboolean   *has_since,
             gint64     *since)
{
  const char *value = query != NULL ? g_hash_table_lookup (query, "since") : NULL;

  *has_since = value != NULL;
  if (value == NULL)
    return TRUE;

  return g_ascii_string_to_signed (value, 10, 0, G_MAXINT64, since, NULL);
}

/* Runs before libsoup's own handshake on the same path, so it can refuse with a problem
 * document instead of upgrading. */
static void
stream_request_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           data)
{
  Hub *hub = data;
  g_autoptr(DwPrincipal) principal = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_since;
  gint64 since = 0;
  GSocket *socket;

  if (g_strcmp0 (path, DW_STREAM_PATH) != 0)
    {
      dw_problem_reply (msg, SOUP_STATUS_NOT_FOUND, "not-found", "Not found",
                        "No resource at %s", path);
      return;
    }

  if (soup_server_message_get_method (msg) != SOUP_METHOD_GET)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "GET");
      dw_problem_reply (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed",
                        "Method not allowed", "%s accepts only GET", DW_STREAM_PATH);
      return;
    }

  principal = hub->auth (msg, hub->auth_data, &error);
  if (principal == NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", "Bearer realm=\"deskwatch\"");
      dw_problem_reply (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized", "Unauthorized", "%s",
                        error != NULL ? error->message : "authentication failed");
      return;
    }

  if (!parse_since (query, &has_since, &since))
    {
      dw_problem_reply (msg, SOUP_STATUS_BAD_REQUEST, "validation", "Invalid request",
                        "since: expected a sequence number (a non-negative integer)");
      return;
    }

  if (!soup_websocket_server_check_handshake (msg, NULL, NULL, NULL, &error))
    {
      dw_problem_reply (msg, SOUP_STATUS_BAD_REQUEST, "malformed", "Not a WebSocket request",
                        "%s is a WebSocket endpoint: %s", DW_STREAM_PATH, error->message);
      return;
    }

  /* A small kernel buffer keeps what one stalled client pins down small, and makes our own
   * queue (whose overflow means resync) the place where a slow client shows. */
  socket = soup_server_message_get_socket (msg);
  if (socket != NULL && hub->sndbuf > 0
      && !g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF, hub->sndbuf, &error))
    g_debug ("Cannot set SO_SNDBUF: %s", error->message);

  g_object_set_data_full (G_OBJECT (msg), "dw-stream-principal", g_steal_pointer (&principal),
                          (GDestroyNotify) dw_principal_unref);
  if (has_since)
    g_object_set_data_full (G_OBJECT (msg), "dw-stream-since", g_memdup2 (&since, sizeof since),
                            g_free);
}

static void
stream_websocket_cb (SoupServer              *server,
                     SoupServerMessage       *msg,
                     const char              *path,
                     SoupWebsocketConnection *conn,
                     gpointer                 data)
{
  Hub *hub = data;
  DwPrincipal *principal = g_object_get_data (G_OBJECT (msg), "dw-stream-principal");
  gint64 *since = g_object_get_data (G_OBJECT (msg), "dw-stream-since");
  gint64 last, first;
  Client *client;

  g_return_if_fail (principal != NULL);

  /* With several instances, one that resumes a console from another may be a little behind
   * it: what is committed is published first, so a since= that instance gave is never ahead
   * of ours (and the window's oldest end is what the leader's pruning left). */
  dw_event_log_sync (hub->log);
  last = dw_event_log_get_seq (hub->log);
  first = dw_event_log_get_first_seq (hub->log);

  client = g_new0 (Client, 1);
  g_atomic_ref_count_init (&client->ref_count);
  client->hub = hub;
  client->conn = g_object_ref (conn);
  client->principal = dw_principal_ref (principal);
  g_queue_init (&client->queue);
  g_ptr_array_add (hub->clients, client);

  soup_websocket_connection_set_keepalive_interval (conn, KEEPALIVE_SECONDS);
  soup_websocket_connection_set_max_incoming_payload_size (conn, MAX_INCOMING_PAYLOAD);
  client->closed_id = g_signal_connect (conn, "closed", G_CALLBACK (conn_closed_cb), client);

  /* Decided now, not in stream_request_cb: events may have been published while the 101
   * response was being written. */
  client->cursor = since != NULL ? *since : last;
  g_debug ("Stream client %s from %" G_GINT64_FORMAT " (log %" G_GINT64_FORMAT
           "..%" G_GINT64_FORMAT ")", principal->username, client->cursor, first, last);

  if (client->cursor < first - 1 || client->cursor > last)
    client_resync (client);
  else
    client->catching_up = client->cursor < last;

  /* The token was checked before the 101 was written; a sign-out or revocation handled
   * meanwhile did not see this client yet. */
  client_recheck (client);

  client_pump (client);
}

/* Public API */

void
dw_stream_install (SoupServer          *server,
                   DwEventLog          *log,
                   DwClock             *clock,
                   DwStreamAuthFunc     auth,
                   DwStreamRecheckFunc  recheck,
                   gpointer             auth_data)
{
  Hub *hub;

  g_return_if_fail (SOUP_IS_SERVER (server));
  g_return_if_fail (DW_IS_EVENT_LOG (log));
  g_return_if_fail (DW_IS_CLOCK (clock));
  g_return_if_fail (auth != NULL);
  g_return_if_fail (recheck != NULL);

  hub = g_new0 (Hub, 1);
  hub->log = g_object_ref (log);
  hub->clock = g_object_ref (clock);
  hub->auth = auth;
  hub->recheck = recheck;
  hub->auth_data = auth_data;
  hub->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_unref);
  hub->queue_max = env_uint ("DESKWATCH_STREAM_QUEUE_MAX", DEFAULT_QUEUE_MAX);
  hub->queue_bytes = env_uint ("DESKWATCH_STREAM_QUEUE_BYTES", DEFAULT_QUEUE_BYTES);
  hub->sndbuf = (int) MIN (env_uint ("DESKWATCH_STREAM_SNDBUF", DEFAULT_SNDBUF), G_MAXINT);

  dw_stream_quiet_libsoup_debug ();

  hub->published_id = g_signal_connect (log, "published", G_CALLBACK (published_cb), hub);
  hub->access_changed_id = g_signal_connect (log, "access-changed",
                                             G_CALLBACK (access_changed_cb), hub);
  hub->heartbeat_ms = env_uint ("DESKWATCH_HEARTBEAT_MS", DEFAULT_HEARTBEAT_MS);
  hub->heartbeat_id = g_timeout_add (hub->heartbeat_ms, heartbeat_cb, hub);

  /* Each event's frame is formatted once and the same bytes go to every client.  libsoup's
   * server agrees to permessage-deflate by default, and browsers offer it (so does a SoupSession
   * given libsoup's extension manager; the console's is not): agreed, every frame is compressed
   * again for each connection with that connection's own deflate state, which zlib sizes at
   * 256 KiB.  That doubled the service's CPU per delivered frame (bench/README.md, "The stream
   * with console-like clients"), to save bandwidth on small JSON frames.  The stream is the
   * service's only WebSocket endpoint, so the server agrees to no extension at all; a client
   * that offers one gets a plain 101 and plain frames (RFC 7692 §5: the server may decline). */
  soup_server_remove_websocket_extension (server, SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE);

  soup_server_add_handler (server, DW_STREAM_PATH, stream_request_cb, hub, NULL);
  soup_server_add_websocket_handler (server, DW_STREAM_PATH, NULL, NULL, stream_websocket_cb,
                                     hub, NULL);

  /* Freed with the server, which is the last thing to call into the hub. */
  g_object_set_data_full (G_OBJECT (server), "dw-stream-hub", hub, (GDestroyNotify) hub_free);
}

/* libsoup logs two debug messages for every WebSocket frame it sends ("queued … frame",
 * "sent frame"), and GLib 2.74 formats each and runs it through the default handler before
 * dropping it: 4,800 instructions per frame per client, a third of the fan-out's cost
 * (bench/README.md, "The fan-out's instructions per frame").  Unless libsoup's debug output is
 * asked for (G_MESSAGES_DEBUG), a handler of the domain's own drops them sooner.  GLib still
 * formats them first: nothing ahead of g_logv() can stop that. */
void
dw_stream_quiet_libsoup_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, "libsoup"))
        g_log_set_handler ("libsoup", G_LOG_LEVEL_DEBUG, drop_log_cb, NULL);
      g_once_init_leave (&done, 1);
    }
}
