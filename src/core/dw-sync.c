/* dw-sync.c: snapshot + event stream → live list models, in place. */
#include "config.h"

#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

#include "dw-sync.h"

#include "dw-json.h"
#include "dw-snapshot-compact.h"
#include "dw-start-trace.h"
#include "dw-ticket-private.h"

#define DEFAULT_HEARTBEAT_MS   (15 * 1000)
#define DEFAULT_BACKOFF_MS     1000
#define DEFAULT_MAX_BACKOFF_MS (60 * 1000)
/* The stream's close codes (docs/api.md "Stream"): "your seq is gone, reload the snapshot", and
 * "the token was revoked or expired, or the user disabled: sign in again". */
#define CLOSE_CODE_RESYNC 4000
#define CLOSE_CODE_UNAUTHORIZED 4001

/* A snapshot as it came (bytes and media type), then as read off the main thread. */
struct _DwSyncSnapshot
{
  GBytes         *bytes;
  char           *content_type;
  DwSnapshotData *data;
  gint64         *ids;
};

struct _DwSync
{
  GObject                  parent_instance;

  DwClient                *client;
  DwClock                 *clock;
  DwObjectStore           *tickets;
  DwObjectStore           *users;
  DwObjectStore           *teams;
  DwUser                  *me;

  GCancellable            *cancellable;   /* of the current attempt */
  SoupWebsocketConnection *connection;
  GNetworkMonitor         *monitor;

  DwSyncState              state;
  gint64                   last_seq;
  gint64                   connected_since;
  gint64                   data_as_of;
  gint64                   reconnecting_since;
  gint64                   next_retry;
  GError                  *error;
  guint                    skipped_items;

  gboolean                 need_snapshot;
  gboolean                 heard_since_connect;
  guint                    attempt;
  guint                    retry_source;
  guint                    liveness_source;
  gint64                   last_message_usec;  /* monotonic */
  guint                    heartbeat_ms;
  guint                    backoff_initial_ms;
  guint                    backoff_max_ms;
};

G_DEFINE_FINAL_TYPE (DwSync, dw_sync, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (DwSyncState, dw_sync_state,
  G_DEFINE_ENUM_VALUE (DW_SYNC_STATE_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (DW_SYNC_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (DW_SYNC_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (DW_SYNC_STATE_RECONNECTING, "reconnecting"),
  G_DEFINE_ENUM_VALUE (DW_SYNC_STATE_OFFLINE, "offline"))

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_STATE,
  PROP_LAST_SEQ,
  PROP_CONNECTED_SINCE,
  PROP_DATA_AS_OF,
  PROP_RECONNECTING_SINCE,
  PROP_NEXT_RETRY,
  PROP_ERROR,
  PROP_ME,
  PROP_SKIPPED_ITEMS,
  N_PROPS
};

enum {
  EVENT,
  RESYNCED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void begin_attempt  (DwSync *self);
static void attempt_failed (DwSync *self,
                            GError *error);

/* Helpers */

void
dw_sync_snapshot_free (DwSyncSnapshot *build)
{
  if (build == NULL)
    return;
  g_clear_pointer (&build->bytes, g_bytes_unref);
  g_clear_pointer (&build->content_type, g_free);
  g_clear_pointer (&build->data, dw_snapshot_data_free);
  g_free (build->ids);
  g_free (build);
}

static gint64
now (DwSync *self)
{
  return dw_clock_now (self->clock);
}

static void
set_time (DwSync *self,
          gint64 *field,
          gint64  value,
          guint   prop_id)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_state (DwSync      *self,
           DwSyncState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_error (DwSync       *self,
           const GError *error)
{
  if (self->error == NULL && error == NULL)
    return;
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/* What the service sent and the console cannot read is left out and reported, never fatal:
 * one hostile ticket must not stop every console of the desk from syncing.  A message, not a
 * warning: it is the service's data, not the console's fault. */
static void
skipped (DwSync     *self,
         guint       count,
         const char *format,
         ...) G_GNUC_PRINTF (3, 4);

static void
skipped (DwSync     *self,
         guint       count,
         const char *format,
         ...)
{
  g_autofree char *what = NULL;
  va_list args;

  if (count == 0)
    return;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_message ("Left out what the service sent but the console cannot read: %s", what);
  self->skipped_items += count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SKIPPED_ITEMS]);
}

static gint64
ticket_id_of (gpointer item)
{
  return dw_ticket_get_id (item);
}

static gint64
user_id_of (gpointer item)
{
  return dw_user_get_id (item);
}

static gint64
team_id_of (gpointer item)
{
  return dw_team_get_id (item);
}

/* Which tickets belong in the lists once an event changed them: what a snapshot would hold
 * (docs/api.md "Snapshot"), i.e. active tickets (new, open, pending, on-hold) in the caller's
 * scope (docs/api.md "Roles").  Solved and closed tickets leave the queues. */
static gboolean
ticket_visible (DwSync   *self,
                DwTicket *ticket)
{
  if (!dw_status_is_active (dw_ticket_get_status (ticket)))
    return FALSE;
  if (self->me == NULL)
    return TRUE;

  switch (dw_user_get_role (self->me))
    {
    case DW_ROLE_ADMIN:
      return TRUE;
    case DW_ROLE_LEAD:
      return dw_user_is_in_team (self->me, dw_ticket_get_team_id (ticket)) ||
             dw_ticket_get_assignee_id (ticket) == dw_user_get_id (self->me);
    case DW_ROLE_AGENT:
    default:
      return dw_ticket_get_assignee_id (ticket) == dw_user_get_id (self->me);
    }
}

static gint64
json_id (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "id");

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

/* Applying changes */

static void
upsert_ticket (DwSync     *self,
               JsonObject *object)
{
  g_autoptr(GError) error = NULL;
  gint64 id = json_id (object);
  DwTicket *ticket;

  if (id <= 0)
    return;

  ticket = dw_object_store_lookup (self->tickets, id);
  if (ticket != NULL)
    {
      /* A PATCH reply applied earlier may be newer than an event still in flight. */
      if (json_object_has_member (object, "version") &&
          json_object_get_int_member (object, "version") < dw_ticket_get_version (ticket))
        return;

      if (!dw_ticket_update_from_json (ticket, object, &error))
        {
          skipped (self, 1, "an update of ticket %" G_GINT64_FORMAT ": %s", id, error->message);
          return;
        }

      if (ticket_visible (self, ticket))
        dw_object_store_item_updated (self->tickets, ticket);
      else
        dw_object_store_remove (self->tickets, id);
    }
  else
    {
      g_autoptr(DwTicket) fresh = dw_ticket_new_from_json (object, &error);

      if (fresh == NULL)
        {
          skipped (self, 1, "ticket %" G_GINT64_FORMAT ": %s", id, error->message);
          return;
        }
      if (ticket_visible (self, fresh))
        dw_object_store_add (self->tickets, fresh);
    }
}

static void
upsert_user (DwSync     *self,
             JsonObject *object)
{
  g_autoptr(GError) error = NULL;
  gint64 id = json_id (object);
  DwUser *user;

  if (id <= 0)
    return;

  user = dw_object_store_lookup (self->users, id);
  if (user == NULL && self->me != NULL && dw_user_get_id (self->me) == id)
    user = self->me;

  if (user != NULL)
    {
      if (!dw_user_update_from_json (user, object, &error))
        skipped (self, 1, "an update of user %" G_GINT64_FORMAT ": %s", id, error->message);
      else
        dw_object_store_item_updated (self->users, user);
    }
  else
    {
      g_autoptr(DwUser) fresh = dw_user_new_from_json (object, &error);

      if (fresh == NULL)
        skipped (self, 1, "user %" G_GINT64_FORMAT ": %s", id, error->message);
      else
        dw_object_store_add (self->users, fresh);
    }
}

static void
upsert_team (DwSync     *self,
             JsonObject *object)
{
  g_autoptr(GError) error = NULL;
  gint64 id = json_id (object);
  DwTeam *team;

  if (id <= 0)
    return;

  team = dw_object_store_lookup (self->teams, id);
  if (team != NULL)
    {
      if (!dw_team_update_from_json (team, object, &error))
        skipped (self, 1, "an update of team %" G_GINT64_FORMAT ": %s", id, error->message);
      else
        dw_object_store_item_updated (self->teams, team);
    }
  else
    {
      g_autoptr(DwTeam) fresh = dw_team_new_from_json (object, &error);

      if (fresh == NULL)
        skipped (self, 1, "team %" G_GINT64_FORMAT ": %s", id, error->message);
      else
        dw_object_store_add (self->teams, fresh);
    }
}

static void
apply_event (DwSync     *self,
             const char *type,
             JsonObject *data)
{
  JsonObject *nested;

  if (g_str_has_prefix (type, "ticket."))
    {
      if (g_str_equal (type, "ticket.deleted") || g_str_equal (type, "ticket.hidden"))
        dw_object_store_remove (self->tickets, json_id (data));
      else
        upsert_ticket (self, data);
    }
  else if (g_str_has_prefix (type, "user."))
    upsert_user (self, data);
  else if (g_str_has_prefix (type, "team."))
    upsert_team (self, data);

  /* Events about something else (a comment, an SLA escalation) may carry the ticket they
   * changed. */
  nested = json_object_get_member (data, "ticket") != NULL &&
           JSON_NODE_HOLDS_OBJECT (json_object_get_member (data, "ticket"))
           ? json_object_get_object_member (data, "ticket") : NULL;
  if (nested != NULL)
    upsert_ticket (self, nested);
}

static gpointer
ticket_create (gpointer data,
               gpointer user_data)
{
  return g_object_ref (data);
}

static void
ticket_update (gpointer item,
               gpointer data,
               gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dw_ticket_update_from_ticket (item, data, &error))
    skipped (user_data, 1, "ticket %" G_GINT64_FORMAT " of the snapshot: %s",
             dw_ticket_get_id (item), error->message);
}

static gpointer
user_create (gpointer data,
             gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  DwUser *user = dw_user_new_from_json (data, &error);

  if (user == NULL)
    skipped (user_data, 1, "a user of the snapshot: %s", error->message);
  return user;
}

static void
user_update (gpointer item,
             gpointer data,
             gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dw_user_update_from_json (item, data, &error))
    skipped (user_data, 1, "a user of the snapshot: %s", error->message);
}

static gpointer
team_create (gpointer data,
             gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  DwTeam *team = dw_team_new_from_json (data, &error);

  if (team == NULL)
    skipped (user_data, 1, "a team of the snapshot: %s", error->message);
  return team;
}

static void
team_update (gpointer item,
             gpointer data,
             gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dw_team_update_from_json (item, data, &error))
    skipped (user_data, 1, "a team of the snapshot: %s", error->message);
}

static void
reconcile_objects (DwSync                  *self,
                   DwObjectStore           *store,
                   JsonObject              *snapshot,
                   const char              *member,
                   DwObjectStoreCreateFunc  create_func,
                   DwObjectStoreUpdateFunc  update_func)
{
  JsonNode *node = json_object_get_member (snapshot, member);
  JsonArray *array;
  g_autofree gint64 *ids = NULL;
  g_autofree gpointer *data = NULL;
  guint n = 0;
  guint n_unreadable = 0;
  guint len;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;

  array = json_node_get_array (node);
  len = json_array_get_length (array);
  ids = g_new (gint64, MAX (len, 1));
  data = g_new (gpointer, MAX (len, 1));

  for (guint i = 0; i < len; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gint64 id;

      /* null: an item the client could not read (dw_json_parse_tolerant). */
      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          (id = json_id (json_node_get_object (element))) <= 0)
        {
          n_unreadable++;
          continue;
        }
      ids[n] = id;
      data[n] = json_node_get_object (element);
      n++;
    }

  skipped (self, n_unreadable, "%u of the %s of the snapshot", n_unreadable, member);
  dw_object_store_reconcile (store, ids, data, n, TRUE, create_func, update_func, self);
}

static void
set_me (DwSync     *self,
        JsonObject *object)
{
  g_autoptr(GError) error = NULL;
  DwUser *user;

  if (object == NULL)
    return;

  /* The same object as in the users list, when it is there, so that both stay in step. */
  user = dw_object_store_lookup (self->users, json_id (object));
  if (user != NULL)
    {
      dw_user_update_from_json (user, object, NULL);
      g_object_ref (user);
    }
  else if (self->me != NULL && dw_user_get_id (self->me) == json_id (object))
    {
      dw_user_update_from_json (self->me, object, NULL);
      user = g_object_ref (self->me);
    }
  else
    {
      user = dw_user_new_from_json (object, &error);
      if (user == NULL)
        {
          skipped (self, 1, "the signed-in user of the snapshot: %s", error->message);
          return;
        }
    }

  if (user == self->me)
    {
      g_object_unref (user);
      return;
    }
  g_clear_object (&self->me);
  self->me = user;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ME]);
}

static void
apply_snapshot (DwSync        *self,
                DwSyncSnapshot *build)
{
  JsonObject *snapshot = build->data->rest;
  GPtrArray *tickets = build->data->tickets;
  JsonNode *me = json_object_get_member (snapshot, "me");
  gint64 seq = json_object_get_int_member_with_default (snapshot, "seq", 0);
  gint64 heartbeat = json_object_get_int_member_with_default (snapshot, "heartbeat_interval", 0);

  reconcile_objects (self, self->users, snapshot, "users", user_create, user_update);
  reconcile_objects (self, self->teams, snapshot, "teams", team_create, team_update);
  if (me != NULL && JSON_NODE_HOLDS_OBJECT (me))
    set_me (self, json_node_get_object (me));
  else if (me != NULL)
    skipped (self, 1, "the signed-in user of the snapshot");

  dw_object_store_reconcile (self->tickets, build->ids, tickets->pdata, tickets->len, TRUE,
                             ticket_create, ticket_update, self);

  skipped (self, build->data->n_invalid, "%u of the tickets of the snapshot%s",
           build->data->n_invalid, build->data->invalid->str);
  if (heartbeat > 0)
    self->heartbeat_ms = (guint) MIN (heartbeat, 3600) * 1000;

  self->need_snapshot = FALSE;
  set_time (self, &self->last_seq, seq, PROP_LAST_SEQ);
  set_time (self, &self->data_as_of, now (self), PROP_DATA_AS_OF);

  g_signal_emit (self, signals[RESYNCED], 0);
}

/* Connection */

static void
clear_liveness (DwSync *self)
{
  g_clear_handle_id (&self->liveness_source, g_source_remove);
}

static void
drop_connection (DwSync *self)
{
  clear_liveness (self);

  if (self->connection == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->connection, self);
  if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&self->connection);
}

static gboolean
liveness_cb (gpointer user_data)
{
  DwSync *self = user_data;
  gint64 limit = (gint64) self->heartbeat_ms * 2 * 1000;
  gint64 silent = g_get_monotonic_time () - self->last_message_usec;
  g_autoptr(GError) error = NULL;

  self->liveness_source = 0;

  if (silent < limit)
    {
      self->liveness_source = g_timeout_add ((guint) ((limit - silent) / 1000) + 1, liveness_cb, self);
      return G_SOURCE_REMOVE;
    }

  error = g_error_new (DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNREACHABLE,
                       "No word from the service for %u seconds", self->heartbeat_ms * 2 / 1000);
  attempt_failed (self, error);
  return G_SOURCE_REMOVE;
}

static void
heard_from_service (DwSync *self)
{
  self->last_message_usec = g_get_monotonic_time ();
  if (self->liveness_source == 0)
    self->liveness_source = g_timeout_add (self->heartbeat_ms * 2, liveness_cb, self);

  if (!self->heard_since_connect)
    {
      /* Only a connection that carried something counts as a success for the back-off, so
       * a service that accepts and drops at once is not hammered. */
      self->heard_since_connect = TRUE;
      self->attempt = 0;
    }

  set_time (self, &self->data_as_of, now (self), PROP_DATA_AS_OF);
}

static void
handle_frame (DwSync     *self,
              JsonObject *frame)
{
  const char *type = json_object_get_string_member_with_default (frame, "type", "");

  if (g_str_equal (type, "event"))
    {
      gint64 seq = json_object_get_int_member_with_default (frame, "seq", 0);
      const char *event = json_object_get_string_member_with_default (frame, "event", NULL);
      JsonNode *data = json_object_get_member (frame, "data");

      /* Already applied: a repeat after a reconnect. */
      if (seq <= self->last_seq)
        return;

      if (event != NULL && data != NULL && JSON_NODE_HOLDS_OBJECT (data))
        apply_event (self, event, json_node_get_object (data));
      else
        skipped (self, 1, "event %" G_GINT64_FORMAT " (%s)", seq, event != NULL ? event : "?");
      /* Past it all the same: waiting for a readable copy of it would wait forever. */
      set_time (self, &self->last_seq, seq, PROP_LAST_SEQ);

      if (event != NULL && data != NULL && JSON_NODE_HOLDS_OBJECT (data))
        g_signal_emit (self, signals[EVENT], g_quark_try_string (event),
                       event, json_node_get_object (data));
    }
  else if (g_str_equal (type, "heartbeat"))
    {
      gint64 interval = json_object_get_int_member_with_default (frame, "interval", 0);
      gint64 seq = json_object_get_int_member_with_default (frame, "seq", 0);

      if (interval > 0)
        self->heartbeat_ms = (guint) MIN (interval, 3600) * 1000;

      /* Every event up to a heartbeat's seq has been sent before it (or was not for us), so
       * a reconnect may resume from there and skip what others' events left behind. */
      if (seq > self->last_seq)
        set_time (self, &self->last_seq, seq, PROP_LAST_SEQ);
    }
  else if (g_str_equal (type, "resync"))
    {
      /* The service no longer has the events since our seq: reload and reconcile. */
      drop_connection (self);
      self->need_snapshot = TRUE;
      set_time (self, &self->connected_since, 0, PROP_CONNECTED_SINCE);
      set_state (self, DW_SYNC_STATE_CONNECTING);
      begin_attempt (self);
    }
  /* Unknown frame types come from a newer service: ignored. */
}

static void
message_cb (SoupWebsocketConnection *connection,
            int                      type,
            GBytes                  *message,
            gpointer                 user_data)
{
  DwSync *self = user_data;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(DwSync) hold = g_object_ref (self);
  g_autoptr(JsonNode) root = NULL;
  const char *data;
  gsize size;

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;

  heard_from_service (self);

  /* An event whose data cannot be read arrives with data null, its seq intact. */
  data = g_bytes_get_data (message, &size);
  root = dw_json_parse_tolerant (data, size, problems, &error);
  for (guint i = 0; i < problems->len; i++)
    g_message ("Unreadable part of a stream message: %s", (const char *) problems->pdata[i]);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      skipped (self, 1, "a stream message: %s", error != NULL ? error->message : "not an object");
      return;
    }

  handle_frame (self, json_node_get_object (root));
}

static void
closed_cb (SoupWebsocketConnection *connection,
           gpointer                 user_data)
{
  DwSync *self = user_data;
  g_autoptr(GError) error = NULL;
  gushort code = soup_websocket_connection_get_close_code (connection);
  const char *reason = soup_websocket_connection_get_close_data (connection);

  /* Told to resync by the close alone (its message was lost or not read in time). */
  if (code == CLOSE_CODE_RESYNC)
    self->need_snapshot = TRUE;

  /* Retrying with the same token cannot help: the lead is asked to sign in. */
  if (code == CLOSE_CODE_UNAUTHORIZED
      || (code == SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION && reason != NULL &&
          g_str_has_prefix (reason, "unauthorized")))
    error = g_error_new (DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNAUTHORIZED,
                         "The service ended the session: %s",
                         reason != NULL && *reason != '\0' ? reason : "unauthorized");
  else
    error = g_error_new (DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNREACHABLE,
                         "The connection to the service was lost (%u%s%s)", code,
                         reason != NULL && *reason != '\0' ? ": " : "",
                         reason != NULL ? reason : "");
  attempt_failed (self, error);
}

static void
stream_connected_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(DwSync) self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection;

  connection = dw_client_connect_stream_finish (DW_CLIENT (source), result, &error);
  if (connection == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        attempt_failed (self, error);
      return;
    }

  drop_connection (self);
  self->connection = connection;
  g_signal_connect (connection, "message", G_CALLBACK (message_cb), self);
  g_signal_connect (connection, "closed", G_CALLBACK (closed_cb), self);

  self->heard_since_connect = FALSE;
  self->last_message_usec = g_get_monotonic_time ();
  self->liveness_source = g_timeout_add (self->heartbeat_ms * 2, liveness_cb, self);

  g_object_freeze_notify (G_OBJECT (self));
  set_error (self, NULL);
  set_time (self, &self->connected_since, now (self), PROP_CONNECTED_SINCE);
  set_time (self, &self->reconnecting_since, 0, PROP_RECONNECTING_SINCE);
  set_time (self, &self->next_retry, 0, PROP_NEXT_RETRY);
  set_state (self, DW_SYNC_STATE_CONNECTED);
  g_object_thaw_notify (G_OBJECT (self));

  /* Closed before we listened (a resync answer is sent and closed at once). */
  if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_CLOSED)
    closed_cb (connection, self);
}

static void
open_stream (DwSync *self)
{
  dw_client_connect_stream_async (self->client, self->last_seq, self->cancellable,
                                  stream_connected_cb, g_object_ref (self));
}

/* Reads build->bytes (and lets go of them); in any thread. */
static gboolean
read_snapshot (DwSyncSnapshot  *build,
               GCancellable    *cancellable,
               GError         **error)
{
  g_autoptr(GBytes) bytes = g_steal_pointer (&build->bytes);

  /* The compact form is read in place, without a tree: at 100k tickets the JSON one costs a
   * ~1 GB json-glib tree for 108 MB of text. */
  if (g_strcmp0 (build->content_type, DW_SNAPSHOT_COMPACT_CONTENT_TYPE) == 0)
    build->data = dw_snapshot_compact_read (bytes, cancellable, error);
  else
    build->data = dw_snapshot_json_read (bytes, cancellable, error);
  /* The body is not needed any more: gone before the objects reach the main thread. */
  g_clear_pointer (&bytes, g_bytes_unref);

  if (build->data == NULL)
    return FALSE;

  build->ids = g_new (gint64, MAX (build->data->tickets->len, 1));
  for (guint i = 0; i < build->data->tickets->len; i++)
    build->ids[i] = dw_ticket_get_id (g_ptr_array_index (build->data->tickets, i));
  return TRUE;
}

static void
build_snapshot_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  GError *error = NULL;

  if (!read_snapshot (task_data, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* A large snapshot's JSON text and tree (hundreds of MB at 100k tickets) are gone once it is
 * applied; without this glibc keeps their pages, and a console that is open all day would
 * carry them all day. */
static gboolean
trim_heap_cb (gpointer data)
{
#ifdef HAVE_MALLOC_TRIM
  malloc_trim (0);
#endif
  return G_SOURCE_REMOVE;
}

static void
snapshot_built_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  DwSync *self = DW_SYNC (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        attempt_failed (self, error);
      return;
    }

  dw_start_trace ("snapshot read (worker thread)");
  apply_snapshot (self, g_task_get_task_data (G_TASK (result)));
  dw_start_trace ("snapshot applied");
  open_stream (self);
  g_idle_add_full (G_PRIORITY_LOW, trim_heap_cb, NULL, NULL);
}

/* Takes @bytes. */
static void
build_snapshot (DwSync     *self,
                GBytes     *bytes,
                const char *content_type)
{
  g_autoptr(GTask) task = NULL;
  DwSyncSnapshot *build;

  build = g_new0 (DwSyncSnapshot, 1);
  build->bytes = bytes;
  build->content_type = g_strdup (content_type);

  /* Reading 100k tickets takes a while: off the main thread.  The objects are only handed
   * over (and get signal handlers) back on it. */
  task = g_task_new (self, self->cancellable, snapshot_built_cb, NULL);
  g_task_set_source_tag (task, build_snapshot);
  g_task_set_task_data (task, build, (GDestroyNotify) dw_sync_snapshot_free);
  g_task_run_in_thread (task, build_snapshot_thread);
}

static void
snapshot_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DwSync) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *content_type = NULL;
  GBytes *bytes;

  bytes = dw_client_get_snapshot_bytes_finish (DW_CLIENT (source), result, &content_type, &error);
  dw_start_trace ("snapshot received");
  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        attempt_failed (self, error);
      return;
    }

  build_snapshot (self, bytes, content_type);
}

static void
begin_attempt (DwSync *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_clear_handle_id (&self->retry_source, g_source_remove);
  set_time (self, &self->next_retry, 0, PROP_NEXT_RETRY);

  if (self->need_snapshot)
    dw_start_trace ("snapshot requested");
  if (self->need_snapshot)
    dw_client_get_snapshot_bytes_async (self->client, self->cancellable, snapshot_loaded_cb,
                                        g_object_ref (self));
  else
    open_stream (self);
}

static gboolean
retry_cb (gpointer user_data)
{
  DwSync *self = user_data;

  self->retry_source = 0;
  begin_attempt (self);
  return G_SOURCE_REMOVE;
}

static guint
next_delay_ms (DwSync *self)
{
  guint64 delay = self->backoff_initial_ms;
  guint half;

  for (guint i = 0; i < self->attempt && delay < self->backoff_max_ms; i++)
    delay *= 2;
  delay = MIN (delay, self->backoff_max_ms);

  /* "Equal jitter": half fixed, half random, so a restarted service is not hit by every
   * console at the same instant yet nobody waits much less than planned. */
  half = (guint) (delay / 2);
  return half + (guint) g_random_int_range (0, (gint32) MIN (half, G_MAXINT32 - 1) + 1);
}

static void
attempt_failed (DwSync *self,
                GError *error)
{
  guint delay;

  drop_connection (self);

  g_object_freeze_notify (G_OBJECT (self));

  set_error (self, error);
  set_time (self, &self->connected_since, 0, PROP_CONNECTED_SINCE);
  if (self->reconnecting_since == 0)
    set_time (self, &self->reconnecting_since, now (self), PROP_RECONNECTING_SINCE);

  /* A refused token does not get better by retrying: the lead has to sign in again. */
  if (g_error_matches (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNAUTHORIZED) ||
      g_error_matches (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_FORBIDDEN))
    {
      g_clear_handle_id (&self->retry_source, g_source_remove);
      set_time (self, &self->next_retry, 0, PROP_NEXT_RETRY);
      set_state (self, DW_SYNC_STATE_OFFLINE);
      g_object_thaw_notify (G_OBJECT (self));
      return;
    }

  delay = next_delay_ms (self);
  self->attempt++;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->retry_source = g_timeout_add (delay, retry_cb, self);
  set_time (self, &self->next_retry, now (self) + (delay + 999) / 1000, PROP_NEXT_RETRY);

  if (g_error_matches (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNREACHABLE) &&
      self->monitor != NULL && !g_network_monitor_get_network_available (self->monitor))
    set_state (self, DW_SYNC_STATE_OFFLINE);
  else
    set_state (self, DW_SYNC_STATE_RECONNECTING);

  g_object_thaw_notify (G_OBJECT (self));
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  DwSync *self = user_data;

  /* Back on the network: no point waiting out the back-off. */
  if (available && self->retry_source != 0)
    dw_sync_retry_now (self);
}

/* GObject */

static void
dw_sync_dispose (GObject *object)
{
  DwSync *self = (DwSync *) object;

  dw_sync_stop (self);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (dw_sync_parent_class)->dispose (object);
}

static void
dw_sync_finalize (GObject *object)
{
  DwSync *self = (DwSync *) object;

  g_clear_object (&self->client);
  g_clear_object (&self->clock);
  g_clear_object (&self->tickets);
  g_clear_object (&self->users);
  g_clear_object (&self->teams);
  g_clear_object (&self->me);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (dw_sync_parent_class)->finalize (object);
}

static void
dw_sync_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  DwSync *self = DW_SYNC (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_LAST_SEQ:
      g_value_set_int64 (value, self->last_seq);
      break;

    case PROP_CONNECTED_SINCE:
      g_value_set_int64 (value, self->connected_since);
      break;

    case PROP_DATA_AS_OF:
      g_value_set_int64 (value, self->data_as_of);
      break;

    case PROP_RECONNECTING_SINCE:
      g_value_set_int64 (value, self->reconnecting_since);
      break;

    case PROP_NEXT_RETRY:
      g_value_set_int64 (value, self->next_retry);
      break;

    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;

    case PROP_ME:
      g_value_set_object (value, self->me);
      break;

    case PROP_SKIPPED_ITEMS:
      g_value_set_uint (value, self->skipped_items);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_sync_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  DwSync *self = DW_SYNC (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_sync_class_init (DwSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dw_sync_dispose;
  object_class->finalize = dw_sync_finalize;
  object_class->get_property = dw_sync_get_property;
  object_class->set_property = dw_sync_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         DW_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       DW_TYPE_SYNC_STATE, DW_SYNC_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_LAST_SEQ] =
    g_param_spec_int64 ("last-seq", NULL, NULL,
                        0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_CONNECTED_SINCE] =
    g_param_spec_int64 ("connected-since", NULL, NULL,
                        0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_DATA_AS_OF] =
    g_param_spec_int64 ("data-as-of", NULL, NULL,
                        0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_RECONNECTING_SINCE] =
    g_param_spec_int64 ("reconnecting-since", NULL, NULL,
                        0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_NEXT_RETRY] =
    g_param_spec_int64 ("next-retry", NULL, NULL,
                        0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL,
                        G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_ME] =
    g_param_spec_object ("me", NULL, NULL,
                         DW_TYPE_USER,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_SKIPPED_ITEMS] =
    g_param_spec_uint ("skipped-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[EVENT] =
    g_signal_new ("event",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  JSON_TYPE_OBJECT | G_SIGNAL_TYPE_STATIC_SCOPE);

  signals[RESYNCED] =
    g_signal_new ("resynced",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
dw_sync_init (DwSync *self)
{
  self->tickets = dw_object_store_new (DW_TYPE_TICKET, ticket_id_of);
  self->users = dw_object_store_new (DW_TYPE_USER, user_id_of);
  self->teams = dw_object_store_new (DW_TYPE_TEAM, team_id_of);
  self->need_snapshot = TRUE;
  self->heartbeat_ms = DEFAULT_HEARTBEAT_MS;
  self->backoff_initial_ms = DEFAULT_BACKOFF_MS;
  self->backoff_max_ms = DEFAULT_MAX_BACKOFF_MS;

  self->monitor = g_object_ref (g_network_monitor_get_default ());
  g_signal_connect (self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self);
}

/* Public API */

DwSync *
dw_sync_new (DwClient *client,
             DwClock  *clock)
{
  DwSync *self;

  g_return_val_if_fail (DW_IS_CLIENT (client), NULL);
  g_return_val_if_fail (clock == NULL || DW_IS_CLOCK (clock), NULL);

  self = g_object_new (DW_TYPE_SYNC, "client", client, NULL);
  self->clock = clock != NULL ? g_object_ref (clock) : dw_clock_new (1.0);
  return self;
}

guint
dw_sync_get_skipped_items (DwSync *self)
{
  g_return_val_if_fail (DW_IS_SYNC (self), 0);
  return self->skipped_items;
}

DwClient *
dw_sync_get_client (DwSync *self)
{
  g_return_val_if_fail (DW_IS_SYNC (self), NULL);
  return self->client;
}

void
dw_sync_start (DwSync *self)
{
  g_return_if_fail (DW_IS_SYNC (self));

  if (self->state != DW_SYNC_STATE_DISCONNECTED && self->state != DW_SYNC_STATE_OFFLINE)
    return;

  self->attempt = 0;
  set_error (self, NULL);
  set_state (self, self->state == DW_SYNC_STATE_OFFLINE && self->reconnecting_since != 0
                   ? DW_SYNC_STATE_RECONNECTING : DW_SYNC_STATE_CONNECTING);
  begin_attempt (self);
}

/**
 * dw_sync_snapshot_read:
 * @bytes: a snapshot's body, as dw_client_get_snapshot_bytes_finish() gave it
 * @content_type: its media type
 *
 * Reads a snapshot into objects, in any thread, for dw_sync_start_with_snapshot().
 *
 * Returns: (transfer full): the snapshot, or NULL with @error set
 */
DwSyncSnapshot *
dw_sync_snapshot_read (GBytes        *bytes,
                       const char    *content_type,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(DwSyncSnapshot) build = g_new0 (DwSyncSnapshot, 1);

  g_return_val_if_fail (bytes != NULL, NULL);

  build->bytes = g_bytes_ref (bytes);
  build->content_type = g_strdup (content_type);
  if (!read_snapshot (build, cancellable, error))
    return NULL;
  return g_steal_pointer (&build);
}

/**
 * dw_sync_start_with_snapshot:
 * @snapshot: (transfer full): read by dw_sync_snapshot_read()
 *
 * Starts as dw_sync_start() does, with a snapshot already fetched and read (the console does
 * that while GTK starts): it is applied before this returns, so the lists hold the desk at
 * once, then the stream is opened from its seq.  Everything after that, reconnecting included,
 * is as after dw_sync_start().
 */
void
dw_sync_start_with_snapshot (DwSync         *self,
                             DwSyncSnapshot *snapshot)
{
  g_autoptr(DwSyncSnapshot) build = snapshot;

  g_return_if_fail (DW_IS_SYNC (self));
  g_return_if_fail (snapshot != NULL && snapshot->data != NULL);

  if (self->state != DW_SYNC_STATE_DISCONNECTED && self->state != DW_SYNC_STATE_OFFLINE)
    return;

  self->attempt = 0;
  set_error (self, NULL);
  set_state (self, DW_SYNC_STATE_CONNECTING);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->retry_source, g_source_remove);
  set_time (self, &self->next_retry, 0, PROP_NEXT_RETRY);

  apply_snapshot (self, build);
  dw_start_trace ("snapshot applied");
  open_stream (self);
  g_idle_add_full (G_PRIORITY_LOW, trim_heap_cb, NULL, NULL);
}

void
dw_sync_stop (DwSync *self)
{
  g_return_if_fail (DW_IS_SYNC (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  drop_connection (self);

  g_object_freeze_notify (G_OBJECT (self));
  set_time (self, &self->connected_since, 0, PROP_CONNECTED_SINCE);
  set_time (self, &self->reconnecting_since, 0, PROP_RECONNECTING_SINCE);
  set_time (self, &self->next_retry, 0, PROP_NEXT_RETRY);
  set_state (self, DW_SYNC_STATE_DISCONNECTED);
  g_object_thaw_notify (G_OBJECT (self));
}

void
dw_sync_retry_now (DwSync *self)
{
  g_return_if_fail (DW_IS_SYNC (self));

  if (self->state == DW_SYNC_STATE_OFFLINE && self->retry_source == 0)
    {
      dw_sync_start (self);
      return;
    }
  if (self->retry_source != 0)
    begin_attempt (self);
}

DwSyncState
dw_sync_get_state (DwSync *self)
{
  g_return_val_if_fail (DW_IS_SYNC (self), DW_SYNC_STATE_DISCONNECTED);
  return self->state;
}

gint64
dw_sync_get_last_seq (DwSync *self)
{
  g_return_val_if_fail (DW_IS_SYNC (self), 0);
  return self->last_seq;
}

gint64
dw_sync_get_connected_since (DwSync *self)
{
  g_return_val_if_fail (DW_IS_SYNC (self), 0);
  return self->connected_since;
}

gint64
dw_sync_get_data_as_of (DwSync *self)
{
  g_return_val_if_fail (DW_IS_SYNC (self), 0);
  return self->data_as_of;
}

gint64
dw_sync_get_reconnecting_since (DwSync *self)
{
  g_return_val_if_fail (DW_IS_SYNC (self), 0);
  return self->reconnecting_since;
}

gint64
dw_sync_get_next_retry (DwSync *self)
{
  g_return_val_if_fail (DW_IS_SYNC (self), 0);
  return self->next_retry;
}

const GError *
dw_sync_get_error (DwSync *self)
{
  g_return_val_if_fail (DW_IS_SYNC (self), NULL);
  return self->error;
}

gboolean
dw_sync_sees_team (DwSync *self,
                   gint64  team_id)
{
  g_return_val_if_fail (DW_IS_SYNC (self), FALSE);

  if (self->me == NULL || dw_user_get_role (self->me) == DW_ROLE_ADMIN)
    return TRUE;
  return dw_user_is_in_team (self->me, team_id);
}

DwUser *
dw_sync_get_me (DwSync *self)
{
  g_return_val_if_fail (DW_IS_SYNC (self), NULL);
  return self->me;
}

DwObjectStore *
dw_sync_get_tickets (DwSync *self)
{
  g_return_val_if_fail (DW_IS_SYNC (self), NULL);
  return self->tickets;
}

DwObjectStore *
dw_sync_get_users (DwSync *self)
{
  g_return_val_if_fail (DW_IS_SYNC (self), NULL);
  return self->users;
}

DwObjectStore *
dw_sync_get_teams (DwSync *self)
{
  g_return_val_if_fail (DW_IS_SYNC (self), NULL);
  return self->teams;
}

DwTicket *
dw_sync_lookup_ticket (DwSync *self,
                       gint64  ticket_id)
{
  g_return_val_if_fail (DW_IS_SYNC (self), NULL);
  return dw_object_store_lookup (self->tickets, ticket_id);
}

DwUser *
dw_sync_lookup_user (DwSync *self,
                     gint64  user_id)
{
  g_return_val_if_fail (DW_IS_SYNC (self), NULL);
  return dw_object_store_lookup (self->users, user_id);
}

DwTeam *
dw_sync_lookup_team (DwSync *self,
                     gint64  team_id)
{
  g_return_val_if_fail (DW_IS_SYNC (self), NULL);
  return dw_object_store_lookup (self->teams, team_id);
}

void
dw_sync_apply_ticket (DwSync     *self,
                      JsonObject *ticket)
{
  g_return_if_fail (DW_IS_SYNC (self));
  g_return_if_fail (ticket != NULL);

  upsert_ticket (self, ticket);
}

void
dw_sync_set_backoff (DwSync *self,
                     guint   initial_ms,
                     guint   max_ms)
{
  g_return_if_fail (DW_IS_SYNC (self));
  g_return_if_fail (initial_ms > 0);
  g_return_if_fail (max_ms >= initial_ms);

  self->backoff_initial_ms = initial_ms;
  self->backoff_max_ms = max_ms;
}
