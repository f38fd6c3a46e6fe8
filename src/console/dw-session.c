#include "config.h"

#include <glib/gi18n.h>

#include "dw-session.h"
#include "dw-start-trace.h"

struct _DwSession
{
  GObject       parent_instance;

  DwClient     *client;
  DwAccount    *account;
  DwClock      *clock;
  DwSync       *sync;
  GCancellable *cancellable;
  gboolean      is_demo;
  gboolean      started;

  /* Fetched while GTK started (DwDeskPrefetch): used by the first start only. */
  JsonObject     *prefetched_health;
  DwSyncSnapshot *prefetched_snapshot;
};

G_DEFINE_FINAL_TYPE (DwSession, dw_session, G_TYPE_OBJECT)

static void
set_clock_from_health (DwSession  *self,
                       JsonObject *health)
{
  const char *time = json_object_get_string_member_with_default (health, "time", NULL);
  double speed = json_object_get_double_member_with_default (health, "clock_speed", 1.0);
  gint64 now;

  /* The service sends whole seconds: half a second is the best guess of the rest. */
  if (time != NULL && speed > 0 && dw_time_from_iso8601 (time, &now))
    dw_clock_set_now (self->clock, now * G_USEC_PER_SEC + G_USEC_PER_SEC / 2, speed);
}

static void
health_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DwSession) self = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  dw_start_trace ("GET /health answered");
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    set_clock_from_health (self, json_node_get_object (node));

  /* A service that cannot be reached now is the sync's business: it shows that it is
   * reconnecting, and the clock is read again once it is back. */
  if (self->started && dw_sync_get_state (self->sync) == DW_SYNC_STATE_DISCONNECTED)
    dw_sync_start (self->sync);
}

static void
read_service_clock (DwSession *self)
{
  dw_client_request_async (self->client, "GET", "/api/v1/health", NULL, self->cancellable,
                           health_cb, g_object_ref (self));
}

static void
sync_state_changed_cb (DwSession  *self,
                       GParamSpec *pspec,
                       DwSync     *sync)
{
  /* A restarted service may run its clock from elsewhere (the demo does). */
  if (dw_sync_get_state (sync) == DW_SYNC_STATE_CONNECTED)
    read_service_clock (self);
}

static void
clear_prefetched (DwSession *self)
{
  g_clear_pointer (&self->prefetched_health, json_object_unref);
  g_clear_pointer (&self->prefetched_snapshot, dw_sync_snapshot_free);
}

static void
dw_session_dispose (GObject *object)
{
  DwSession *self = DW_SESSION (object);

  clear_prefetched (self);
  g_cancellable_cancel (self->cancellable);
  if (self->sync != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->sync, self);
      dw_sync_stop (self->sync);
    }
  g_clear_object (&self->sync);
  g_clear_object (&self->clock);
  g_clear_object (&self->account);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (dw_session_parent_class)->dispose (object);
}

static void
dw_session_class_init (DwSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dw_session_dispose;
}

static void
dw_session_init (DwSession *self)
{
  self->cancellable = g_cancellable_new ();
}

DwSession *
dw_session_new (DwClient  *client,
                DwAccount *account,
                gboolean   is_demo)
{
  DwSession *self;

  g_return_val_if_fail (DW_IS_CLIENT (client), NULL);
  g_return_val_if_fail (account == NULL || DW_IS_ACCOUNT (account), NULL);

  self = g_object_new (DW_TYPE_SESSION, NULL);
  self->client = g_object_ref (client);
  self->account = account != NULL ? g_object_ref (account) : NULL;
  self->is_demo = is_demo;
  self->clock = dw_clock_new (1.0);
  self->sync = dw_sync_new (client, self->clock);
  g_signal_connect_object (self->sync, "notify::state", G_CALLBACK (sync_state_changed_cb),
                           self, G_CONNECT_SWAPPED);
  return self;
}

DwClient *
dw_session_get_client (DwSession *self)
{
  g_return_val_if_fail (DW_IS_SESSION (self), NULL);
  return self->client;
}

DwAccount *
dw_session_get_account (DwSession *self)
{
  g_return_val_if_fail (DW_IS_SESSION (self), NULL);
  return self->account;
}

DwSync *
dw_session_get_sync (DwSession *self)
{
  g_return_val_if_fail (DW_IS_SESSION (self), NULL);
  return self->sync;
}

DwClock *
dw_session_get_clock (DwSession *self)
{
  g_return_val_if_fail (DW_IS_SESSION (self), NULL);
  return self->clock;
}

gboolean
dw_session_get_is_demo (DwSession *self)
{
  g_return_val_if_fail (DW_IS_SESSION (self), FALSE);
  return self->is_demo;
}

char *
dw_session_dup_label (DwSession *self)
{
  DwUser *me;

  g_return_val_if_fail (DW_IS_SESSION (self), NULL);

  if (self->account != NULL)
    return g_strdup (dw_account_get_label (self->account));
  if (self->is_demo)
    return g_strdup (_("Demo desk"));

  me = dw_sync_get_me (self->sync);
  return dw_account_make_label (dw_client_get_base_url (self->client),
                                me != NULL ? dw_user_get_username (me) : "");
}

void
dw_session_start (DwSession *self)
{
  g_return_if_fail (DW_IS_SESSION (self));

  if (self->started)
    return;
  self->started = TRUE;

  /* The service's clock is set before the snapshot is applied: the tickets' SLA alarms are
   * set on it. */
  if (self->prefetched_health != NULL && self->prefetched_snapshot != NULL)
    {
      set_clock_from_health (self, self->prefetched_health);
      dw_sync_start_with_snapshot (self->sync, g_steal_pointer (&self->prefetched_snapshot));
      clear_prefetched (self);
      return;
    }
  clear_prefetched (self);
  read_service_clock (self);
}

/**
 * dw_session_set_prefetched:
 * @health: (nullable): the answer of GET /api/v1/health
 * @snapshot: (nullable) (transfer full): GET /api/v1/snapshot, read
 *
 * What was fetched for this desk before the session existed: its first dw_session_start()
 * sets the clock from @health and applies @snapshot at once instead of asking again.  Both or
 * neither are used.
 */
void
dw_session_set_prefetched (DwSession      *self,
                           JsonObject     *health,
                           DwSyncSnapshot *snapshot)
{
  g_autoptr(DwSyncSnapshot) owned = snapshot;

  g_return_if_fail (DW_IS_SESSION (self));

  clear_prefetched (self);
  if (health == NULL || snapshot == NULL)
    return;
  self->prefetched_health = json_object_ref (health);
  self->prefetched_snapshot = g_steal_pointer (&owned);
}

void
dw_session_stop (DwSession *self)
{
  g_return_if_fail (DW_IS_SESSION (self));

  self->started = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  dw_sync_stop (self->sync);
}
