/* dw-client.c: the console's HTTP client of the Deskwatch API. */
#include "config.h"

#include <string.h>

#include "dw-client.h"
#include "dw-json.h"
#include "dw-snapshot-compact.h"

/* Bodies larger than this are parsed in a worker thread, so a 100k-ticket snapshot does not
 * freeze the window. */
#define PARSE_IN_THREAD_SIZE (256 * 1024)

/* Event frames carry whole tickets; libsoup's default limit (128 KiB) is too tight for a ticket
 * with a long body. */
#define STREAM_MAX_PAYLOAD (16 * 1024 * 1024)

typedef gboolean (*ResponseHook) (DwClient  *self,
                                  JsonNode  *node,
                                  GError   **error);

/* How long a request other than the snapshot may take before it fails as unreachable: a
 * service that accepts and then never answers (stopped, wedged, a dead link) should not leave
 * a lead's change or a sign-in hanging for libsoup's minute of I/O timeout. */
#define REQUEST_TIMEOUT_S 10

typedef struct
{
  SoupMessage  *msg;
  GBytes       *body;
  ResponseHook  hook;
  GCancellable *cancellable;     /* ours: the caller's, or the deadline, cancels it */
  GCancellable *caller_cancellable;
  gulong        caller_handler;
  GSource      *deadline;
  guint         timeout_s;
  gboolean      timed_out;
  gboolean      raw;             /* the body as it came, not parsed */
} Request;

struct _DwClient
{
  GObject               parent_instance;

  SoupSession          *session;
  char                 *base_url;    /* without trailing slash */
  char                 *token;
  GTlsCertificateFlags  tls_errors;
  guint                 request_timeout_s;
};

G_DEFINE_FINAL_TYPE (DwClient, dw_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (dw-client-error-quark, dw_client_error)

G_DEFINE_ENUM_TYPE (DwClientError, dw_client_error,
  G_DEFINE_ENUM_VALUE (DW_CLIENT_ERROR_UNREACHABLE, "unreachable"),
  G_DEFINE_ENUM_VALUE (DW_CLIENT_ERROR_UNAUTHORIZED, "unauthorized"),
  G_DEFINE_ENUM_VALUE (DW_CLIENT_ERROR_FORBIDDEN, "forbidden"),
  G_DEFINE_ENUM_VALUE (DW_CLIENT_ERROR_CONFLICT, "conflict"),
  G_DEFINE_ENUM_VALUE (DW_CLIENT_ERROR_NOT_FOUND, "not-found"),
  G_DEFINE_ENUM_VALUE (DW_CLIENT_ERROR_INVALID_INPUT, "invalid-input"),
  G_DEFINE_ENUM_VALUE (DW_CLIENT_ERROR_TLS, "tls"),
  G_DEFINE_ENUM_VALUE (DW_CLIENT_ERROR_SERVER, "server"),
  G_DEFINE_ENUM_VALUE (DW_CLIENT_ERROR_PROTOCOL, "protocol"),
  G_DEFINE_ENUM_VALUE (DW_CLIENT_ERROR_OVER_CAPACITY, "over-capacity"))

enum {
  PROP_0,
  PROP_BASE_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
request_free (Request *request)
{
  if (request->deadline != NULL)
    {
      g_source_destroy (request->deadline);
      g_clear_pointer (&request->deadline, g_source_unref);
    }
  if (request->caller_cancellable != NULL)
    g_cancellable_disconnect (request->caller_cancellable, request->caller_handler);
  g_clear_object (&request->caller_cancellable);
  g_clear_object (&request->cancellable);
  g_clear_object (&request->msg);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request);
}

/* Error translation */

static char *
describe_tls_flags (GTlsCertificateFlags flags)
{
  GString *s = g_string_new (NULL);

  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    g_string_append (s, "it is not signed by a trusted authority; ");
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_string_append (s, "it belongs to another site; ");
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    g_string_append (s, "it is not valid yet; ");
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    g_string_append (s, "it has expired; ");
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    g_string_append (s, "it has been revoked; ");
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    g_string_append (s, "it uses an insecure algorithm; ");
  if (flags & G_TLS_CERTIFICATE_GENERIC_ERROR || s->len == 0)
    g_string_append (s, "it could not be verified; ");

  g_string_truncate (s, s->len - 2);
  return g_string_free (s, FALSE);
}

/* Turns a libsoup/GIO failure to exchange a message into DW_CLIENT_ERROR; cancellation passes
 * through untouched. */
static GError *
translate_transport_error (DwClient    *self,
                           SoupMessage *msg,
                           GError      *error)
{
  g_autofree char *host = NULL;
  GUri *uri = msg != NULL ? soup_message_get_uri (msg) : NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  host = g_strdup (uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : "the service");

  if (error->domain == G_TLS_ERROR)
    {
      g_autofree char *why = NULL;

      self->tls_errors = msg != NULL ? soup_message_get_tls_peer_certificate_errors (msg) : 0;
      if (self->tls_errors == 0 && g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
        self->tls_errors = G_TLS_CERTIFICATE_GENERIC_ERROR;

      if (self->tls_errors != 0)
        {
          why = describe_tls_flags (self->tls_errors);
          return g_error_new (DW_CLIENT_ERROR, DW_CLIENT_ERROR_TLS,
                              "The certificate of %s was refused: %s", host, why);
        }
      return g_error_new (DW_CLIENT_ERROR, DW_CLIENT_ERROR_TLS,
                          "A secure connection to %s failed: %s", host, error->message);
    }

  if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR)
    return g_error_new (DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNREACHABLE,
                        "Cannot reach %s: %s", host, error->message);

  return g_error_new (DW_CLIENT_ERROR, DW_CLIENT_ERROR_PROTOCOL,
                      "%s did not answer as a Deskwatch service: %s", host, error->message);
}

static DwClientError
error_code_for_status (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
      return DW_CLIENT_ERROR_UNAUTHORIZED;
    case SOUP_STATUS_FORBIDDEN:
      return DW_CLIENT_ERROR_FORBIDDEN;
    case SOUP_STATUS_NOT_FOUND:
      return DW_CLIENT_ERROR_NOT_FOUND;
    case SOUP_STATUS_CONFLICT:
      return DW_CLIENT_ERROR_CONFLICT;
    case SOUP_STATUS_BAD_REQUEST:
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
    case SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE:
    case SOUP_STATUS_UNPROCESSABLE_ENTITY:
      return DW_CLIENT_ERROR_INVALID_INPUT;
    default:
      return status >= 500 ? DW_CLIENT_ERROR_SERVER : DW_CLIENT_ERROR_PROTOCOL;
    }
}

/* An RFC 9457 problem document's detail (or title) becomes the message. */
static GError *
problem_error (guint   status,
               GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *message = NULL;
  const char *type = NULL;
  gsize size = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &size) : NULL;
  DwClientError code = error_code_for_status (status);

  if (data != NULL && size > 0 && json_parser_load_from_data (parser, data, size, NULL))
    {
      JsonNode *root = json_parser_get_root (parser);

      if (JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonObject *problem = json_node_get_object (root);

          message = json_object_get_string_member_with_default (problem, "detail", NULL);
          if (message == NULL || *message == '\0')
            message = json_object_get_string_member_with_default (problem, "title", NULL);
          type = json_object_get_string_member_with_default (problem, "type", NULL);
          /* Not a stale version: the lead can still assign it, saying so. */
          if (status == SOUP_STATUS_CONFLICT && type != NULL
              && g_str_has_suffix (type, "/over-capacity"))
            code = DW_CLIENT_ERROR_OVER_CAPACITY;
        }
    }

  if (message == NULL || *message == '\0')
    message = soup_status_get_phrase (status);
  if (message == NULL)
    message = "Unexpected answer";

  return g_error_new (DW_CLIENT_ERROR, code, "%s (HTTP %u)", message, status);
}

/* Sending */

/* An item the console cannot read (text that is not UTF-8, from a service older than the
 * check at its door or a damaged database) becomes null and is reported, instead of costing
 * the whole answer: one hostile ticket must not stop a desk from syncing.  The sync counts the
 * nulls it skips. */
static JsonNode *
parse_body (GBytes  *body,
            GError **error)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);
  JsonNode *root;

  root = dw_json_parse_tolerant (data, size, problems, &local_error);
  if (root == NULL)
    {
      g_set_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_PROTOCOL,
                   "The service sent malformed JSON: %s", local_error->message);
      return NULL;
    }

  for (guint i = 0; i < problems->len; i++)
    g_message ("Skipped an item the service sent that cannot be read: %s",
               (const char *) problems->pdata[i]);

  return root;
}

static void
parse_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;
  JsonNode *node = parse_body (request->body, &error);

  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static void
request_sent_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DwClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  GBytes *body;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL && request->timed_out
      && !g_cancellable_is_cancelled (request->caller_cancellable))
    {
      GUri *uri = soup_message_get_uri (request->msg);

      g_task_return_new_error (task, DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNREACHABLE,
                               "%s did not answer within %u seconds",
                               uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri)
                                                                            : "The service",
                               request->timeout_s);
      return;
    }
  if (body == NULL)
    {
      g_task_return_error (task, translate_transport_error (self, request->msg, error));
      return;
    }
  request->body = body;
  status = soup_message_get_status (request->msg);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_error (task, problem_error (status, body));
      return;
    }

  if (request->raw)
    {
      g_task_return_pointer (task, g_bytes_ref (body), (GDestroyNotify) g_bytes_unref);
      return;
    }

  if (g_bytes_get_size (body) == 0)
    {
      if (request->hook != NULL && !request->hook (self, NULL, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, NULL, NULL);
      return;
    }

  if (request->hook == NULL && g_bytes_get_size (body) >= PARSE_IN_THREAD_SIZE)
    {
      g_task_run_in_thread (task, parse_in_thread);
      return;
    }

  node = parse_body (body, &error);
  if (node == NULL || (request->hook != NULL && !request->hook (self, node, &error)))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&node), (GDestroyNotify) json_node_unref);
}

static void
caller_cancelled_cb (GCancellable *caller,
                     GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static gboolean
deadline_cb (gpointer data)
{
  Request *request = data;

  request->timed_out = TRUE;
  g_clear_pointer (&request->deadline, g_source_unref);
  g_cancellable_cancel (request->cancellable);
  return G_SOURCE_REMOVE;
}

static SoupMessage *
client_new_message (DwClient    *self,
                    const char  *method,
                    const char  *path,
                    GError     **error)
{
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  SoupMessage *msg;
  const char *scheme;

  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    {
      g_set_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_INVALID_INPUT,
                   "“%s” is not a web address of a Deskwatch service", self->base_url);
      return NULL;
    }

  msg = soup_message_new_from_uri (method, uri);
  if (self->token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept",
                                "application/json, application/problem+json");
  return msg;
}

static gboolean
is_loopback (GUri *uri)
{
  const char *host = g_uri_get_host (uri);
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* @accept: NULL for JSON, parsed; else what to ask for, and the answer is returned as bytes. */
static void
client_send_full (DwClient     *self,
                  GTask        *task,
                  const char   *method,
                  const char   *path,
                  JsonNode     *body,
                  ResponseHook  hook,
                  const char   *accept)
{
  Request *request;
  GError *error = NULL;
  SoupMessage *msg;

  msg = client_new_message (self, method, path, &error);
  if (msg == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (accept != NULL)
    {
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", accept);
      /* gzip costs more CPU than it saves time on loopback (docs/api.md "Compact snapshot"):
       * asked for only over a network. */
      if (is_loopback (soup_message_get_uri (msg)))
        soup_message_disable_feature (msg, SOUP_TYPE_CONTENT_DECODER);
    }

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = NULL;
      gsize length = 0;
      char *text;

      /* Escaped throughout: the service refuses raw control characters (a pasted U+001F). */
      text = dw_json_to_string (body, &length);
      bytes = g_bytes_new_take (text, length);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  self->tls_errors = 0;

  request = g_new0 (Request, 1);
  request->msg = msg;
  request->hook = hook;
  request->raw = accept != NULL;
  request->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  if (g_task_get_cancellable (task) != NULL)
    {
      request->caller_cancellable = g_object_ref (g_task_get_cancellable (task));
      request->caller_handler = g_cancellable_connect (request->caller_cancellable,
                                                       G_CALLBACK (caller_cancelled_cb),
                                                       request->cancellable, NULL);
    }

  /* The snapshot of a big desk may rightly take long to come; the sync watches it. */
  if (self->request_timeout_s > 0 && !g_str_equal (path, "/api/v1/snapshot"))
    {
      request->timeout_s = self->request_timeout_s;
      request->deadline = g_timeout_source_new_seconds (request->timeout_s);
      g_source_set_callback (request->deadline, deadline_cb, request, NULL);
      g_source_attach (request->deadline, g_main_context_get_thread_default ());
    }

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    request->cancellable,
                                    request_sent_cb, g_object_ref (task));
}

static void
client_send (DwClient     *self,
             GTask        *task,
             const char   *method,
             const char   *path,
             JsonNode     *body,
             ResponseHook  hook)
{
  client_send_full (self, task, method, path, body, hook, NULL);
}

static JsonNode *
finish_node (DwClient      *self,
             GAsyncResult  *result,
             gpointer       source_tag,
             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static JsonObject *
finish_object (DwClient      *self,
               GAsyncResult  *result,
               gpointer       source_tag,
               GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) node = finish_node (self, result, source_tag, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_PROTOCOL,
                           "The service did not answer with a JSON object");
      return NULL;
    }

  return json_object_ref (json_node_get_object (node));
}

/* Lists come as a bare array or as {"items": [...]} (paged). */
static JsonArray *
items_of (JsonNode  *node,
          GError   **error)
{
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    return json_array_ref (json_node_get_array (node));

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonNode *items = json_object_get_member (object, "items");

      if (items != NULL && JSON_NODE_HOLDS_ARRAY (items))
        return json_array_ref (json_node_get_array (items));
    }

  g_set_error_literal (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_PROTOCOL,
                       "The service did not answer with a list");
  return NULL;
}

static JsonArray *
finish_array (DwClient      *self,
              GAsyncResult  *result,
              gpointer       source_tag,
              GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) node = finish_node (self, result, source_tag, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return items_of (node, error);
}

static GTask *
client_task (DwClient            *self,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static gboolean
sign_in_hook (DwClient  *self,
              JsonNode  *node,
              GError   **error)
{
  JsonObject *object;
  const char *token;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    goto bad;
  object = json_node_get_object (node);
  token = json_object_get_string_member_with_default (object, "token", NULL);
  if (token == NULL || *token == '\0')
    goto bad;

  dw_client_set_token (self, token);
  return TRUE;

bad:
  g_set_error_literal (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_PROTOCOL,
                       "The service did not hand out a token");
  return FALSE;
}

/* GObject */

static void
dw_client_finalize (GObject *object)
{
  DwClient *self = (DwClient *) object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->base_url, g_free);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_clear_pointer (&self->token, g_free);

  G_OBJECT_CLASS (dw_client_parent_class)->finalize (object);
}

static void
dw_client_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  DwClient *self = DW_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_client_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  DwClient *self = DW_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      {
        const char *url = g_value_get_string (value);
        gsize len = url != NULL ? strlen (url) : 0;

        while (len > 0 && url[len - 1] == '/')
          len--;
        g_free (self->base_url);
        self->base_url = g_strndup (url != NULL ? url : "", len);
      }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_client_class_init (DwClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dw_client_finalize;
  object_class->get_property = dw_client_get_property;
  object_class->set_property = dw_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dw_client_init (DwClient *self)
{
  self->request_timeout_s = REQUEST_TIMEOUT_S;
  /* No accept-certificate handler: an invalid certificate always fails the request. */
  self->session = soup_session_new_with_options ("user-agent", "Deskwatch/" PACKAGE_VERSION " ",
                                                 "timeout", 60,
                                                 "idle-timeout", 60,
                                                 NULL);
}

/* Public API */

DwClient *
dw_client_new (const char *base_url)
{
  g_return_val_if_fail (base_url != NULL, NULL);

  return g_object_new (DW_TYPE_CLIENT, "base-url", base_url, NULL);
}

const char *
dw_client_get_base_url (DwClient *self)
{
  g_return_val_if_fail (DW_IS_CLIENT (self), NULL);
  return self->base_url;
}

void
dw_client_set_token (DwClient   *self,
                     const char *token)
{
  g_return_if_fail (DW_IS_CLIENT (self));

  if (token == self->token)
    return;
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  self->token = token != NULL && *token != '\0' ? g_strdup (token) : NULL;
}

const char *
dw_client_get_token (DwClient *self)
{
  g_return_val_if_fail (DW_IS_CLIENT (self), NULL);
  return self->token;
}

gboolean
dw_client_has_token (DwClient *self)
{
  g_return_val_if_fail (DW_IS_CLIENT (self), FALSE);
  return self->token != NULL;
}

GTlsCertificateFlags
dw_client_get_tls_errors (DwClient *self)
{
  g_return_val_if_fail (DW_IS_CLIENT (self), 0);
  return self->tls_errors;
}

void
dw_client_set_tls_database (DwClient     *self,
                            GTlsDatabase *database)
{
  g_return_if_fail (DW_IS_CLIENT (self));
  g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));

  if (database == NULL)
    {
      g_autoptr(GTlsDatabase) system = g_tls_backend_get_default_database (g_tls_backend_get_default ());

      soup_session_set_tls_database (self->session, system);
      return;
    }
  soup_session_set_tls_database (self->session, database);
}

void
dw_client_set_request_timeout (DwClient *self,
                               guint     seconds)
{
  g_return_if_fail (DW_IS_CLIENT (self));
  self->request_timeout_s = seconds;
}

SoupSession *
dw_client_get_session (DwClient *self)
{
  g_return_val_if_fail (DW_IS_CLIENT (self), NULL);
  return self->session;
}

void
dw_client_sign_in_async (DwClient            *self,
                         const char          *username,
                         const char          *password,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonObject) object = json_object_new ();

  g_return_if_fail (DW_IS_CLIENT (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);

  task = client_task (self, dw_client_sign_in_async, cancellable, callback, user_data);

  json_object_set_string_member (object, "username", username);
  json_object_set_string_member (object, "password", password);
  json_object_set_string_member (object, "label", "Deskwatch console");
  body = json_node_init_object (json_node_alloc (), object);

  /* A stale token must not ride along with a fresh sign-in. */
  dw_client_set_token (self, NULL);
  client_send (self, task, "POST", "/api/v1/auth/token", body, sign_in_hook);
}

JsonObject *
dw_client_sign_in_finish (DwClient      *self,
                          GAsyncResult  *result,
                          char         **out_token,
                          GError       **error)
{
  g_autoptr(JsonObject) object = finish_object (self, result, dw_client_sign_in_async, error);
  JsonObject *user;

  if (object == NULL)
    return NULL;

  user = json_object_get_object_member (object, "user");
  if (user == NULL)
    {
      g_set_error_literal (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_PROTOCOL,
                           "The service did not say who signed in");
      return NULL;
    }

  if (out_token != NULL)
    *out_token = g_strdup (json_object_get_string_member (object, "token"));

  return json_object_ref (user);
}

void
dw_client_sign_out_async (DwClient            *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DW_IS_CLIENT (self));

  task = client_task (self, dw_client_sign_out_async, cancellable, callback, user_data);
  if (self->token == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  client_send (self, task, "DELETE", "/api/v1/auth/token", NULL, NULL);
  /* The message carries the token already; forget it whatever the service answers. */
  dw_client_set_token (self, NULL);
}

gboolean
dw_client_sign_out_finish (DwClient      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) node = finish_node (self, result, dw_client_sign_out_async, &local_error);

  /* A token the service no longer knows is as signed out as it gets. */
  if (g_error_matches (local_error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNAUTHORIZED))
    return TRUE;
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

void
dw_client_get_me_async (DwClient            *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DW_IS_CLIENT (self));

  task = client_task (self, dw_client_get_me_async, cancellable, callback, user_data);
  client_send (self, task, "GET", "/api/v1/me", NULL, NULL);
}

JsonObject *
dw_client_get_me_finish (DwClient      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return finish_object (self, result, dw_client_get_me_async, error);
}

void
dw_client_get_snapshot_async (DwClient            *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DW_IS_CLIENT (self));

  task = client_task (self, dw_client_get_snapshot_async, cancellable, callback, user_data);
  client_send (self, task, "GET", "/api/v1/snapshot", NULL, NULL);
}

JsonObject *
dw_client_get_snapshot_finish (DwClient      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_object (self, result, dw_client_get_snapshot_async, error);
}

void
dw_client_get_snapshot_bytes_async (DwClient            *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DW_IS_CLIENT (self));

  task = client_task (self, dw_client_get_snapshot_bytes_async, cancellable, callback, user_data);
  /* JSON stays acceptable: a service older than the compact form answers with it. */
  client_send_full (self, task, "GET", "/api/v1/snapshot", NULL, NULL,
                    DW_SNAPSHOT_COMPACT_CONTENT_TYPE ", application/json;q=0.5, "
                    "application/problem+json");
}

GBytes *
dw_client_get_snapshot_bytes_finish (DwClient      *self,
                                     GAsyncResult  *result,
                                     char         **content_type,
                                     GError       **error)
{
  Request *request;
  GBytes *bytes;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        dw_client_get_snapshot_bytes_async, NULL);

  bytes = g_task_propagate_pointer (G_TASK (result), error);
  if (bytes != NULL && content_type != NULL)
    {
      request = g_task_get_task_data (G_TASK (result));
      *content_type = g_strdup (soup_message_headers_get_content_type (
        soup_message_get_response_headers (request->msg), NULL));
    }
  return bytes;
}

static void
append_param (GString    *query,
              const char *key,
              const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  g_string_append_c (query, query->len == 0 ? '?' : '&');
  g_string_append_printf (query, "%s=%s", key, escaped);
}

static void
append_enum_param (GString    *query,
                   const char *key,
                   GType       type,
                   int         value)
{
  const char *nick = value >= 0 ? dw_enum_to_string (type, value) : NULL;

  if (nick != NULL)
    append_param (query, key, nick);
}

static void
append_id_param (GString    *query,
                 const char *key,
                 gint64      id)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (id <= 0)
    return;
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, id);
  append_param (query, key, buf);
}

void
dw_client_list_tickets_async (DwClient             *self,
                              const DwTicketFilter *filter,
                              const char           *cursor,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GString) path = g_string_new ("/api/v1/tickets");
  g_autoptr(GString) query = g_string_new (NULL);

  g_return_if_fail (DW_IS_CLIENT (self));

  task = client_task (self, dw_client_list_tickets_async, cancellable, callback, user_data);

  if (filter != NULL)
    {
      append_id_param (query, "team_id", filter->team_id);
      append_id_param (query, "assignee_id", filter->assignee_id);
      if (filter->unassigned)
        append_param (query, "unassigned", "true");
      append_enum_param (query, "status", DW_TYPE_STATUS, filter->status);
      append_enum_param (query, "priority", DW_TYPE_PRIORITY, filter->priority);
      append_enum_param (query, "channel", DW_TYPE_CHANNEL, filter->channel);
      append_enum_param (query, "sla_state", DW_TYPE_SLA_STATE, filter->sla_state);
      if (filter->query != NULL && *filter->query != '\0')
        append_param (query, "q", filter->query);
      if (filter->limit > 0)
        append_id_param (query, "limit", filter->limit);
    }
  if (cursor != NULL)
    append_param (query, "cursor", cursor);

  g_string_append (path, query->str);
  client_send (self, task, "GET", path->str, NULL, NULL);
}

JsonArray *
dw_client_list_tickets_finish (DwClient      *self,
                               GAsyncResult  *result,
                               char         **out_next_cursor,
                               GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) node = finish_node (self, result, dw_client_list_tickets_async, &local_error);
  JsonArray *items;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  items = items_of (node, error);
  if (items != NULL && out_next_cursor != NULL)
    {
      const char *next = NULL;

      if (JSON_NODE_HOLDS_OBJECT (node))
        next = json_object_get_string_member_with_default (json_node_get_object (node),
                                                           "next_cursor", NULL);
      *out_next_cursor = g_strdup (next);
    }
  return items;
}

void
dw_client_get_ticket_async (DwClient            *self,
                            gint64               ticket_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (DW_IS_CLIENT (self));

  task = client_task (self, dw_client_get_ticket_async, cancellable, callback, user_data);
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, ticket_id);
  client_send (self, task, "GET", path, NULL, NULL);
}

JsonObject *
dw_client_get_ticket_finish (DwClient      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return finish_object (self, result, dw_client_get_ticket_async, error);
}

void
dw_client_get_comments_async (DwClient            *self,
                              gint64               ticket_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (DW_IS_CLIENT (self));

  task = client_task (self, dw_client_get_comments_async, cancellable, callback, user_data);
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/comments", ticket_id);
  client_send (self, task, "GET", path, NULL, NULL);
}

JsonArray *
dw_client_get_comments_finish (DwClient      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_array (self, result, dw_client_get_comments_async, error);
}

void
dw_client_get_audit_async (DwClient            *self,
                           gint64               ticket_id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (DW_IS_CLIENT (self));

  task = client_task (self, dw_client_get_audit_async, cancellable, callback, user_data);
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/audit", ticket_id);
  client_send (self, task, "GET", path, NULL, NULL);
}

JsonArray *
dw_client_get_audit_finish (DwClient      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return finish_array (self, result, dw_client_get_audit_async, error);
}

void
dw_client_patch_ticket_async (DwClient            *self,
                              gint64               ticket_id,
                              gint64               version,
                              JsonObject          *changes,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (DW_IS_CLIENT (self));
  g_return_if_fail (changes != NULL);

  task = client_task (self, dw_client_patch_ticket_async, cancellable, callback, user_data);

  /* Copy rather than add "version" to the caller's object. */
  {
    JsonObjectIter iter;
    const char *name;
    JsonNode *value;

    json_object_iter_init (&iter, changes);
    while (json_object_iter_next (&iter, &name, &value))
      json_object_set_member (object, name, json_node_copy (value));
  }
  json_object_set_int_member (object, "version", version);
  body = json_node_init_object (json_node_alloc (), object);

  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, ticket_id);
  client_send (self, task, "PATCH", path, body, NULL);
}

JsonObject *
dw_client_patch_ticket_finish (DwClient      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_object (self, result, dw_client_patch_ticket_async, error);
}

void
dw_client_add_comment_async (DwClient            *self,
                             gint64               ticket_id,
                             const char          *body_text,
                             gboolean             is_public,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (DW_IS_CLIENT (self));
  g_return_if_fail (body_text != NULL);

  task = client_task (self, dw_client_add_comment_async, cancellable, callback, user_data);

  json_object_set_string_member (object, "body", body_text);
  json_object_set_boolean_member (object, "public", is_public);
  body = json_node_init_object (json_node_alloc (), object);

  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/comments", ticket_id);
  client_send (self, task, "POST", path, body, NULL);
}

JsonObject *
dw_client_add_comment_finish (DwClient      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_object (self, result, dw_client_add_comment_async, error);
}

void
dw_client_set_presence_async (DwClient            *self,
                              gint64               user_id,
                              DwPresence           presence,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (DW_IS_CLIENT (self));
  g_return_if_fail (dw_presence_to_string (presence) != NULL);

  task = client_task (self, dw_client_set_presence_async, cancellable, callback, user_data);

  json_object_set_string_member (object, "presence", dw_presence_to_string (presence));
  body = json_node_init_object (json_node_alloc (), object);

  path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence", user_id);
  client_send (self, task, "PUT", path, body, NULL);
}

JsonObject *
dw_client_set_presence_finish (DwClient      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_object (self, result, dw_client_set_presence_async, error);
}

void
dw_client_request_async (DwClient            *self,
                         const char          *method,
                         const char          *path,
                         JsonNode            *body,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DW_IS_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');

  task = client_task (self, dw_client_request_async, cancellable, callback, user_data);
  client_send (self, task, method, path, body, NULL);
}

JsonNode *
dw_client_request_finish (DwClient      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return finish_node (self, result, dw_client_request_async, error);
}

static void
bytes_sent_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DwClient *self = g_task_get_source_object (task);
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, translate_transport_error (self, msg, error));
      return;
    }
  status = soup_message_get_status (msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_error (task, problem_error (status, body));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
}

void
dw_client_get_bytes_async (DwClient            *self,
                           const char          *path,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  SoupMessage *msg;

  g_return_if_fail (DW_IS_CLIENT (self));
  g_return_if_fail (path != NULL && path[0] == '/');

  task = client_task (self, dw_client_get_bytes_async, cancellable, callback, user_data);
  msg = client_new_message (self, "GET", path, &error);
  if (msg == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Exports are text/calendar or text/csv; a failure is still a problem document. */
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "*/*");
  self->tls_errors = 0;
  g_task_set_task_data (task, msg, g_object_unref);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    bytes_sent_cb, g_object_ref (task));
}

GBytes *
dw_client_get_bytes_finish (DwClient      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dw_client_get_bytes_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
stream_connected_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DwClient *self = g_task_get_source_object (task);
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection;
  guint status;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (connection != NULL)
    {
      soup_websocket_connection_set_max_incoming_payload_size (connection, STREAM_MAX_PAYLOAD);
      g_task_return_pointer (task, connection, g_object_unref);
      return;
    }

  /* Refused before the upgrade: the status says why (a 401 for a revoked token). */
  status = soup_message_get_status (msg);
  if (g_error_matches (error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_ERROR_NOT_WEBSOCKET) &&
      status >= 300)
    g_task_return_error (task, problem_error (status, NULL));
  else
    g_task_return_error (task, translate_transport_error (self, msg, error));
}

void
dw_client_connect_stream_async (DwClient            *self,
                                gint64               since,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  GError *error = NULL;
  SoupMessage *msg;

  g_return_if_fail (DW_IS_CLIENT (self));

  task = client_task (self, dw_client_connect_stream_async, cancellable, callback, user_data);

  path = g_strdup_printf ("/api/v1/stream?since=%" G_GINT64_FORMAT, MAX (since, 0));
  msg = client_new_message (self, "GET", path, &error);
  if (msg == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, msg, g_object_unref);
  self->tls_errors = 0;

  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        cancellable, stream_connected_cb, g_object_ref (task));
}

SoupWebsocketConnection *
dw_client_connect_stream_finish (DwClient      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dw_client_connect_stream_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
