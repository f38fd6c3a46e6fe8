/* dw-api-pooled.c: the routes marked `pooled` (dw-api-private.h), read off the main loop.
 *
 * GET /api/v1/snapshot showed the way (dw-api-snapshot.c); this is the same care for any pure
 * read: on the main loop the principal, query and ids are copied and the clock read, and the
 * message paused; on a worker thread of the read pool (dw-read-pool.h) the route's own handler
 * runs with a DwApiRequest whose store is the pooled connection's, inside one read transaction,
 * and whose replies are kept (DwApiDeferred) rather than set; back on the main context they are
 * set on the message and it is unpaused.  A client that hangs up cancels the read (its running
 * statement is interrupted); a service that stops waits for it (dw_read_pool_close); a pooled
 * PostgreSQL connection that is lost answers 503 "unavailable" with Retry-After, as the main
 * connection does.
 *
 * A handler is marked pooled only when it reads nothing but the store and the request: no desk
 * (its caches and writes are the main loop's), no service clock (req->now is read for it), no
 * module-level cache, and no write hidden in the read (the customer-read audit rows, a survey's
 * secret, the agent facts' catch-up).
 */
#define G_LOG_DOMAIN "dw-api"

#include "config.h"

#include "dw-api-private.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "dw-json.h"
#include "store/dw-store-tx.h"

struct _DwApiDeferred
{
  guint   status;        /* 0: nothing answered yet */
  char   *content_type;
  char   *body;
  gsize   length;
  GError *error;         /* answered as its problem on the main context */
};

static void
deferred_clear (DwApiDeferred *deferred)
{
  g_clear_pointer (&deferred->content_type, g_free);
  g_clear_pointer (&deferred->body, g_free);
  g_clear_error (&deferred->error);
  deferred->status = 0;
  deferred->length = 0;
}

void
dw_api_deferred_set (DwApiDeferred *deferred,
                     guint          status,
                     const char    *content_type,
                     char          *body)
{
  gsize length = strlen (body);
  /* What reply_bytes () (dw-problem.c) does, done here on the worker: a large body is scanned
   * off the main loop. */
  char *valid = dw_json_make_valid (body, length, &length);

  if (valid != NULL)
    g_free (g_steal_pointer (&body));
  deferred_clear (deferred);
  deferred->status = status;
  deferred->content_type = g_strdup (content_type);
  deferred->body = valid != NULL ? valid : body;
  deferred->length = length;
}

void
dw_api_deferred_set_error (DwApiDeferred *deferred,
                           const GError  *error)
{
  deferred_clear (deferred);
  deferred->error = g_error_copy (error);
}

/* A pooled request: the copies the worker reads, and the paused message it answers. */
typedef struct
{
  DwApiHandler       handler;
  DwApiRequest       req;          /* api and msg NULL: the worker's view */
  DwPrincipal       *principal;    /* a copy of the request's */
  GHashTable        *query;        /* a copy */
  char              *key;
  DwApiDeferred      reply;
  DwApiPausedRead    paused;
} Pooled;

static void
pooled_free (Pooled *p)
{
  dw_api_paused_read_clear (&p->paused);
  g_clear_pointer (&p->principal, dw_principal_unref);
  g_clear_pointer (&p->query, g_hash_table_unref);
  g_free (p->key);
  deferred_clear (&p->reply);
  g_free (p);
}

static GArray *
copy_ids (const GArray *ids)
{
  GArray *copy = g_array_sized_new (FALSE, FALSE, sizeof (gint64), ids != NULL ? ids->len : 0);

  if (ids != NULL)
    g_array_append_vals (copy, ids->data, ids->len);
  return copy;
}

/* The worker's own principal: nothing it reads is shared with the main loop's. */
static DwPrincipal *
copy_principal (const DwPrincipal *principal)
{
  DwPrincipal *copy;

  if (principal == NULL)
    return NULL;
  copy = dw_principal_new (principal->user_id, principal->username, principal->role);
  g_clear_pointer (&copy->team_ids, g_array_unref);
  g_clear_pointer (&copy->lead_team_ids, g_array_unref);
  copy->team_ids = copy_ids (principal->team_ids);
  copy->lead_team_ids = copy_ids (principal->lead_team_ids);
  copy->token_id = principal->token_id;
  copy->expires_at = principal->expires_at;
  return copy;
}

static GHashTable *
copy_query (GHashTable *query)
{
  GHashTable *copy;
  GHashTableIter iter;
  gpointer name, value;

  if (query == NULL)
    return NULL;
  copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &name, &value))
    g_hash_table_insert (copy, g_strdup (name), g_strdup (value));
  return copy;
}

/* On a worker thread, on a pooled connection of its own. */
static gboolean
pooled_job (DwStore       *store,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  Pooled *p = data;
  DwApiRequest req = p->req;

  if (!dw_store_tx_begin_read (store, error))
    return FALSE;

  req.store = store;
  req.deferred = &p->reply;
  p->handler (&req);

  /* Read-only: nothing to commit. */
  dw_store_tx_rollback (store);

  /* A read interrupted for a client that left, or a connection lost: the pool's to know (it
   * drops a broken PostgreSQL connection), and the answer is made from it on the main context. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (g_error_matches (p->reply.error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE))
    {
      g_propagate_error (error, g_steal_pointer (&p->reply.error));
      return FALSE;
    }
  return TRUE;
}

static void
paused_finished_cb (SoupServerMessage *msg,
                    DwApiPausedRead   *read)
{
  /* The client went away (or the server is closing): stop reading for it. */
  read->finished = TRUE;
  g_cancellable_cancel (read->cancellable);
}

/* libsoup reads nothing from a paused message's connection, so it would notice a client that
 * hung up only when the answer is written, after the whole read.  The socket is watched
 * meanwhile: readable with nothing to read is the client's end of the connection. */
static gboolean
hang_up_cb (GSocket      *socket,
            GIOCondition  condition,
            gpointer      data)
{
  GCancellable *cancellable = data;
  char byte;
  gssize n;

  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return G_SOURCE_CONTINUE;
  if (n <= 0 || (condition & (G_IO_HUP | G_IO_ERR)) != 0)
    {
      g_debug ("The client of a pooled read hung up: its read is interrupted");
      g_cancellable_cancel (cancellable);
    }
  /* Else the client's next request (pipelined): nothing more to learn here. */
  return G_SOURCE_REMOVE;
}

static GSource *
watch_hang_up (SoupServerMessage *msg,
               GCancellable      *cancellable)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  GSource *source;

  if (socket == NULL)
    return NULL;
  source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (source, G_SOURCE_FUNC (hang_up_cb), g_object_ref (cancellable),
                         g_object_unref);
  g_source_set_static_name (source, "[deskwatchd] pooled read's client");
  g_source_attach (source, g_main_context_get_thread_default ());
  return source;
}

void
dw_api_paused_read_start (DwApiPausedRead   *read,
                          SoupServerMessage *msg,
                          DwReadPool        *pool)
{
  read->msg = g_object_ref (msg);
  read->cancellable = g_cancellable_new ();
  read->pool = dw_read_pool_ref (pool);
  read->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (paused_finished_cb), read);
  soup_server_message_pause (msg);
  read->hang_up = watch_hang_up (msg, read->cancellable);
}

gboolean
dw_api_paused_read_settle (DwApiPausedRead *read)
{
  /* Finished already, or the service stopped (its server and messages with it): the message
   * must not be touched beyond the ref held. */
  if (read->finished || dw_read_pool_is_closed (read->pool))
    return FALSE;

  /* libsoup reads the connection again from here. */
  if (read->hang_up != NULL)
    {
      g_source_destroy (read->hang_up);
      g_clear_pointer (&read->hang_up, g_source_unref);
    }
  return TRUE;
}

void
dw_api_paused_read_clear (DwApiPausedRead *read)
{
  if (read->hang_up != NULL)
    {
      g_source_destroy (read->hang_up);
      g_clear_pointer (&read->hang_up, g_source_unref);
    }
  if (read->msg != NULL)
    {
      g_clear_signal_handler (&read->finished_id, read->msg);
      g_clear_object (&read->msg);
    }
  g_clear_object (&read->cancellable);
  g_clear_pointer (&read->pool, dw_read_pool_unref);
}

static void
pooled_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Pooled *p = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = dw_read_pool_run_finish (p->paused.pool, result, &error);
  SoupServerMessage *msg = p->paused.msg;

  if (!dw_api_paused_read_settle (&p->paused))
    return;

  /* A client that hung up gets an answer all the same: writing it is how libsoup learns that
   * the connection is gone, and closes it.  (An interrupted statement fails with the store's
   * error, not a cancellation: the cancellable tells.) */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_cancellable_is_cancelled (p->paused.cancellable))
    soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
  else if (!ok)
    dw_problem_reply_error (msg, error);
  else if (p->reply.error != NULL)
    dw_problem_reply_error (msg, p->reply.error);
  else if (p->reply.status == 0)
    {
      g_warning ("A pooled read of %s answered nothing",
                 g_uri_get_path (soup_server_message_get_uri (msg)));
      dw_problem_reply (msg, 500, "internal", "Internal error",
                        "the service could not complete the request; see its log");
    }
  else
    {
      soup_server_message_set_status (msg, p->reply.status, NULL);
      soup_message_body_truncate (soup_server_message_get_response_body (msg));
      soup_server_message_set_response (msg, p->reply.content_type, SOUP_MEMORY_TAKE,
                                        g_steal_pointer (&p->reply.body), p->reply.length);
    }
  soup_server_message_unpause (msg);
}

void
dw_api_run_pooled (DwApiRequest     *req,
                   const DwApiRoute *route)
{
  Pooled *p = g_new0 (Pooled, 1);
  DwReadPool *pool = req->api->read_pool;

  g_return_if_fail (pool != NULL);

  p->handler = route->handler;
  p->principal = copy_principal (req->principal);
  p->query = copy_query (req->query);
  p->key = g_strdup (req->key);
  p->req = (DwApiRequest) {
    .api = NULL,
    .msg = NULL,
    .principal = p->principal,
    .query = p->query,
    .ids = { req->ids[0], req->ids[1] },
    .key = p->key,
    .store = NULL,
    .now = req->now,
    .deferred = NULL,
  };

  /* Answered when a pooled connection has read it, while this loop serves the writes and
   * streams. */
  dw_api_paused_read_start (&p->paused, req->msg, pool);
  dw_read_pool_run_async (pool, pooled_job, p, (GDestroyNotify) pooled_free,
                          p->paused.cancellable, pooled_done_cb, p);
}
