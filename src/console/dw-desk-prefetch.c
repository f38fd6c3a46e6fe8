/* dw-desk-prefetch.c: see dw-desk-prefetch.h. */
#include "config.h"

#include "dw-desk-prefetch.h"
#include "dw-secret-store.h"
#include "dw-start-trace.h"

struct _DwDeskPrefetch
{
  GObject     parent_instance;

  DwAccount  *account;
  gboolean    started;
  int         done;           /* atomic: the fields below are written and final */

  GError     *error;          /* the sign-in failed */
  char       *token;
  JsonObject *health;
  DwSyncSnapshot *snapshot;

  /* The thread's own, while it runs. */
  guint         pending;
  DwClient     *client;
  GMainContext *context;
  GCancellable *cancellable;  /* the requests': cancelled on the thread's own context */
};

G_DEFINE_FINAL_TYPE (DwDeskPrefetch, dw_desk_prefetch, G_TYPE_OBJECT)

static void
me_cb (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  DwDeskPrefetch *self = user_data;
  g_autoptr(JsonObject) me = NULL;
  g_autoptr(GError) error = NULL;

  self->pending--;
  me = dw_client_get_me_finish (DW_CLIENT (source), result, &error);
  dw_start_trace ("prefetch: GET /me answered");
  /* As the restore on the main loop: a service that is down or failing is the sync's to show
   * (reconnecting); a refused token is not. */
  if (me == NULL
      && !g_error_matches (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNREACHABLE)
      && !g_error_matches (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_SERVER))
    self->error = g_steal_pointer (&error);
}

static void
health_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  DwDeskPrefetch *self = user_data;
  g_autoptr(JsonNode) node = NULL;

  self->pending--;
  node = dw_client_request_finish (DW_CLIENT (source), result, NULL);
  dw_start_trace ("prefetch: GET /health answered");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    self->health = json_node_dup_object (node);
}

static void
snapshot_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  DwDeskPrefetch *self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *content_type = NULL;

  self->pending--;
  bytes = dw_client_get_snapshot_bytes_finish (DW_CLIENT (source), result, &content_type, NULL);
  dw_start_trace ("prefetch: snapshot received");
  /* Read here too, so that the main thread only applies it. */
  if (bytes != NULL)
    self->snapshot = dw_sync_snapshot_read (bytes, content_type, self->cancellable, NULL);
  dw_start_trace ("prefetch: snapshot read");
}

static gboolean
cancel_requests_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* In whichever thread cancelled: the client's session belongs to the prefetch's thread, so its
 * requests are cancelled there. */
static void
cancelled_cb (GCancellable   *cancellable,
              DwDeskPrefetch *self)
{
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, cancel_requests_cb,
                              g_object_ref (self->cancellable), g_object_unref);
}

static void
prefetch_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DwDeskPrefetch *self = source_object;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  const char *url = dw_account_get_server_url (self->account);
  char *token;

  g_main_context_push_thread_default (context);

  dw_start_trace ("prefetch: keyring lookup sent");
  token = secret_password_lookup_sync (dw_secret_store_get_schema (), cancellable, &error,
                                       "server", url,
                                       "username", dw_account_get_username (self->account),
                                       NULL);
  dw_start_trace ("prefetch: keyring answered");
  if (error != NULL)
    self->error = dw_secret_store_map_error (error);
  else if (token == NULL)
    self->error = g_error_new (DW_SECRET_ERROR, DW_SECRET_ERROR_NOT_FOUND,
                               "No sign-in is stored for this account");

  if (self->error == NULL)
    {
      gulong handler;

      self->context = context;
      self->cancellable = g_cancellable_new ();
      handler = cancellable != NULL
                ? g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL) : 0;
      self->token = g_strdup (token);
      self->client = dw_client_new (url);
      dw_client_set_token (self->client, token);

      /* At once: the snapshot does not wait for /me to say the token is good (a refused one
       * fails all three, and only /me's answer is looked at). */
      self->pending = 3;
      dw_client_get_me_async (self->client, self->cancellable, me_cb, self);
      dw_client_request_async (self->client, "GET", "/api/v1/health", NULL, self->cancellable,
                               health_cb, self);
      dw_client_get_snapshot_bytes_async (self->client, self->cancellable, snapshot_cb, self);
      while (self->pending > 0)
        g_main_context_iteration (context, TRUE);
      if (handler != 0)
        g_cancellable_disconnect (cancellable, handler);
      g_clear_object (&self->client);
    }
  if (token != NULL)
    dw_secret_store_free_token (token);

  /* What the client left to run on this context (closing its connections). */
  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);
  g_main_context_pop_thread_default (context);
  self->context = NULL;
  g_clear_object (&self->cancellable);

  if (g_cancellable_is_cancelled (cancellable) && self->error == NULL)
    self->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
  g_atomic_int_set (&self->done, TRUE);
  g_task_return_boolean (task, TRUE);
}

static void
dw_desk_prefetch_finalize (GObject *object)
{
  DwDeskPrefetch *self = DW_DESK_PREFETCH (object);

  g_clear_object (&self->account);
  g_clear_error (&self->error);
  if (self->token != NULL)
    dw_secret_store_free_token (g_steal_pointer (&self->token));
  g_clear_pointer (&self->health, json_object_unref);
  g_clear_pointer (&self->snapshot, dw_sync_snapshot_free);

  G_OBJECT_CLASS (dw_desk_prefetch_parent_class)->finalize (object);
}

static void
dw_desk_prefetch_class_init (DwDeskPrefetchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dw_desk_prefetch_finalize;
}

static void
dw_desk_prefetch_init (DwDeskPrefetch *self)
{
}

DwDeskPrefetch *
dw_desk_prefetch_new (DwAccount *account)
{
  DwDeskPrefetch *self;

  g_return_val_if_fail (DW_IS_ACCOUNT (account), NULL);

  self = g_object_new (DW_TYPE_DESK_PREFETCH, NULL);
  self->account = g_object_ref (account);
  return self;
}

DwAccount *
dw_desk_prefetch_get_account (DwDeskPrefetch *self)
{
  g_return_val_if_fail (DW_IS_DESK_PREFETCH (self), NULL);
  return self->account;
}

void
dw_desk_prefetch_run_async (DwDeskPrefetch      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DW_IS_DESK_PREFETCH (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dw_desk_prefetch_run_async);
  g_task_run_in_thread (task, prefetch_thread);
}

gboolean
dw_desk_prefetch_is_done (DwDeskPrefetch *self)
{
  g_return_val_if_fail (DW_IS_DESK_PREFETCH (self), FALSE);
  return g_atomic_int_get (&self->done);
}

DwClient *
dw_desk_prefetch_make_client (DwDeskPrefetch  *self,
                              GError         **error)
{
  DwClient *client;

  g_return_val_if_fail (DW_IS_DESK_PREFETCH (self), NULL);
  g_return_val_if_fail (dw_desk_prefetch_is_done (self), NULL);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return NULL;
    }
  client = dw_client_new (dw_account_get_server_url (self->account));
  dw_client_set_token (client, self->token);
  return client;
}

JsonObject *
dw_desk_prefetch_get_health (DwDeskPrefetch *self)
{
  g_return_val_if_fail (DW_IS_DESK_PREFETCH (self), NULL);
  g_return_val_if_fail (dw_desk_prefetch_is_done (self), NULL);
  return self->health;
}

DwSyncSnapshot *
dw_desk_prefetch_steal_snapshot (DwDeskPrefetch *self)
{
  g_return_val_if_fail (DW_IS_DESK_PREFETCH (self), NULL);
  g_return_val_if_fail (dw_desk_prefetch_is_done (self), NULL);
  return g_steal_pointer (&self->snapshot);
}
