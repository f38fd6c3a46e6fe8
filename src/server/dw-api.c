#define G_LOG_DOMAIN "dw-api"

#include "config.h"

#include "dw-api-private.h"

#include <string.h>

#include "dw-auth.h"
#include "dw-limits.h"
#include "store/dw-store-auth.h"
#include "store/dw-store-health.h"
#include "store/dw-store-people.h"
#include "store/dw-store-tx.h"

#define API_PREFIX "/api/v1"

G_DEFINE_FINAL_TYPE (DwApi, dw_api, G_TYPE_OBJECT)

static const DwApiRoute *route_tables[] = {
  dw_api_auth_routes,
  dw_api_directory_routes,
  dw_api_ticket_routes,
  dw_api_sla_routes,
  dw_api_snapshot_routes,
  dw_api_staffing_routes,
  dw_api_roster_routes,
  dw_api_survey_routes,
  dw_api_agent_routes,
};

/* Replies: on the main loop straight onto the message; on a worker thread (req->deferred) kept
 * for the main context, which sets them on the message (dw-api-pooled.c). */

void
dw_api_reply_object (DwApiRequest *req,
                     guint         status,
                     JsonObject   *object)
{
  g_autoptr(JsonNode) node = NULL;

  if (req->deferred == NULL)
    {
      dw_json_reply_object (req->msg, status, object);
      return;
    }
  node = json_node_init_object (json_node_alloc (), object);
  dw_api_deferred_set (req->deferred, status, "application/json",
                       dw_json_to_string (node, NULL));
}

void
dw_api_reply_items (DwApiRequest *req,
                    JsonArray    *items,
                    gboolean      with_cursor,
                    const char   *next_cursor)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_array_member (object, "items", json_array_ref (items));
  if (with_cursor)
    {
      if (next_cursor != NULL)
        json_object_set_string_member (object, "next_cursor", next_cursor);
      else
        json_object_set_null_member (object, "next_cursor");
    }

  dw_api_reply_object (req, 200, object);
}

void
dw_api_reply_error (DwApiRequest *req,
                    const GError *error)
{
  if (req->deferred != NULL)
    dw_api_deferred_set_error (req->deferred, error);
  else
    dw_problem_reply_error (req->msg, error);
}

void
dw_api_reply_result (DwApiRequest *req,
                     guint         status,
                     JsonObject   *object,
                     GError      **error)
{
  if (object == NULL)
    {
      dw_api_reply_error (req, *error);
      return;
    }

  dw_api_reply_object (req, status, object);
  json_object_unref (object);
}

static void
reply_problem (DwApiRequest *req,
               guint         status,
               const char   *type_suffix,
               const char   *title,
               const char   *detail)
{
  if (req->deferred != NULL)
    dw_api_deferred_set (req->deferred, status, "application/problem+json",
                         dw_problem_to_string (status, type_suffix, title, detail));
  else
    dw_problem_reply (req->msg, status, type_suffix, title, "%s", detail);
}

void
dw_api_reply_forbidden (DwApiRequest *req,
                        const char   *detail)
{
  reply_problem (req, 403, "forbidden", "Forbidden", detail);
}

void
dw_api_reply_not_found (DwApiRequest *req,
                        const char   *what,
                        gint64        id)
{
  g_autofree char *detail = g_strdup_printf ("no %s %" G_GINT64_FORMAT, what, id);

  reply_problem (req, 404, "not-found", "Not found", detail);
}

void
dw_api_reply_invalid (DwApiRequest *req,
                      const char   *detail_format,
                      ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, detail_format);
  detail = g_strdup_vprintf (detail_format, args);
  va_end (args);

  reply_problem (req, 400, "validation", "Invalid request", detail);
}

const char *
dw_api_query (DwApiRequest *req,
              const char   *name)
{
  return req->query != NULL ? g_hash_table_lookup (req->query, name) : NULL;
}

/* Bodies */

static gboolean
is_json_content_type (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);

  return type != NULL && g_ascii_strcasecmp (type, "application/json") == 0;
}

/* The deepest nesting of arrays and objects in @data, so that a body of a million '['s is
 * refused before a recursive parser walks it. */
static guint
json_depth (const char *data,
            gsize       size)
{
  gboolean in_string = FALSE;
  guint depth = 0, deepest = 0;

  for (gsize i = 0; i < size; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        deepest = MAX (deepest, ++depth);
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return deepest;
}

#define MAX_JSON_DEPTH 32

JsonObject *
dw_api_read_object (DwApiRequest *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  const char *data;
  gsize size;

  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &size);

  if (size > DW_API_MAX_BODY)
    {
      dw_problem_reply (req->msg, 413, "too-large", "Request too large",
                        "the body is %" G_GSIZE_FORMAT " bytes; at most %d are accepted", size,
                        DW_API_MAX_BODY);
      return NULL;
    }

  if (size == 0)
    {
      dw_problem_reply (req->msg, 400, "malformed", "Malformed request",
                        "this request needs a JSON object as its body");
      return NULL;
    }

  if (!is_json_content_type (req->msg))
    {
      dw_problem_reply (req->msg, 415, "unsupported-media-type", "Unsupported media type",
                        "the body must be sent as Content-Type: application/json");
      return NULL;
    }

  if (!g_utf8_validate_len (data, size, NULL))
    {
      dw_problem_reply (req->msg, 400, "malformed", "Malformed request",
                        "the body is not valid UTF-8");
      return NULL;
    }

  if (json_depth (data, size) > MAX_JSON_DEPTH)
    {
      dw_problem_reply (req->msg, 400, "malformed", "Malformed request",
                        "the body nests deeper than %d levels", MAX_JSON_DEPTH);
      return NULL;
    }

  /* What JSON-GLib would read without complaint but store as something else (a lone
   * surrogate as bytes that are not UTF-8, "admin\u0000" as "admin", 2^63 wrapped) is refused
   * here, once for every member of every body. */
  if (!dw_json_check_text (data, size, &error))
    {
      if (g_error_matches (error, DW_JSON_ERROR, DW_JSON_ERROR_MALFORMED))
        dw_problem_reply (req->msg, 400, "malformed", "Malformed request",
                          "the body is not valid JSON: %s", error->message);
      else
        dw_problem_reply (req->msg, 400, "validation", "Invalid request", "%s", error->message);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) size, &error))
    {
      dw_problem_reply (req->msg, 400, "malformed", "Malformed request",
                        "the body is not valid JSON: %s", error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      dw_problem_reply (req->msg, 400, "malformed", "Malformed request",
                        "the body must be a JSON object, not %s",
                        root != NULL ? dw_json_node_describe (root) : "empty");
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

/* Paging */

#define CURSOR_PREFIX "id:"

char *
dw_api_make_cursor (gint64 last_id)
{
  g_autofree char *plain = g_strdup_printf (CURSOR_PREFIX "%" G_GINT64_FORMAT, last_id);
  char *encoded = g_base64_encode ((const guchar *) plain, strlen (plain));

  /* URL-safe, so the cursor can go into a query string as it is. */
  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  g_strdelimit (encoded, "=", '\0');
  return encoded;
}

static gboolean
parse_cursor (const char *cursor,
              gint64     *out)
{
  g_autofree char *copy = NULL;
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  gsize len, padded;
  guint64 value;

  if (strlen (cursor) > 64 || strspn (cursor, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                              "0123456789-_") != strlen (cursor))
    return FALSE;

  padded = (strlen (cursor) + 3) / 4 * 4;
  copy = g_malloc0 (padded + 1);
  memcpy (copy, cursor, strlen (cursor));
  memset (copy + strlen (cursor), '=', padded - strlen (cursor));
  g_strdelimit (copy, "-", '+');
  g_strdelimit (copy, "_", '/');

  decoded = g_base64_decode (copy, &len);
  text = g_strndup ((const char *) decoded, len);
  if (!g_str_has_prefix (text, CURSOR_PREFIX)
      || !g_ascii_string_to_unsigned (text + strlen (CURSOR_PREFIX), 10, 1, G_MAXINT64, &value,
                                      NULL))
    return FALSE;

  *out = (gint64) value;
  return TRUE;
}

gboolean
dw_api_read_paging (DwApiRequest *req,
                    guint        *limit,
                    gint64       *after_id)
{
  const char *limit_text = dw_api_query (req, "limit");
  const char *cursor = dw_api_query (req, "cursor");
  guint64 value = 50;

  if (limit_text != NULL
      && !g_ascii_string_to_unsigned (limit_text, 10, 1, 500, &value, NULL))
    {
      dw_api_reply_invalid (req, "limit: must be a number from 1 to 500");
      return FALSE;
    }

  *limit = (guint) value;
  *after_id = 0;
  if (cursor != NULL && *cursor != '\0' && !parse_cursor (cursor, after_id))
    {
      dw_api_reply_invalid (req, "cursor: not a cursor this service gave out");
      return FALSE;
    }

  return TRUE;
}

/* Visibility */

static void
append_ids (GString      *s,
            const GArray *ids)
{
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                            g_array_index (ids, gint64, i));
}

void
dw_api_ticket_visibility (DwPrincipal *principal,
                          GString     *where)
{
  if (principal == NULL || principal->role == DW_ROLE_ADMIN)
    return;

  g_string_append_printf (where, " AND (t.assignee_id = %" G_GINT64_FORMAT, principal->user_id);
  if (principal->role == DW_ROLE_LEAD && principal->team_ids->len > 0)
    {
      g_string_append (where, " OR t.team_id IN (");
      append_ids (where, principal->team_ids);
      g_string_append (where, ")");
    }
  g_string_append (where, ")");
}

void
dw_api_visibility (DwPrincipal       *principal,
                   DwStoreVisibility *visibility)
{
  *visibility = (DwStoreVisibility) { TRUE, 0, NULL };
  if (principal == NULL || principal->role == DW_ROLE_ADMIN)
    return;

  visibility->all = FALSE;
  visibility->user_id = principal->user_id;
  if (principal->role == DW_ROLE_LEAD)
    visibility->team_ids = principal->team_ids;
}

/* Routing */

/* Walks @pattern's segments in place: every request tries it against each route (twice for a
 * write: the header check and the handler), and splitting the pattern into a fresh vector each
 * time was 3 % of a create's instructions (issue 13). */
static gboolean
match_route (const char    *pattern,
             char         **segments,
             gint64        *ids,
             const char   **key)
{
  const char *part = pattern;
  guint n_ids = 0;
  guint i = 0;

  /* g_strsplit ("") is the empty vector: the empty pattern matches no segments. */
  if (*pattern == '\0')
    return segments[0] == NULL;

  for (;; i++)
    {
      const char *end = strchr (part, '/');
      gsize part_len = end != NULL ? (gsize) (end - part) : strlen (part);

      if (segments[i] == NULL)
        return FALSE;

      if (part_len == 3 && strncmp (part, ":id", 3) == 0)
        {
          guint64 value;

          if (!g_ascii_string_to_unsigned (segments[i], 10, 1, G_MAXINT64, &value, NULL)
              || n_ids >= 2)
            return FALSE;
          ids[n_ids++] = (gint64) value;
        }
      else if (part_len == 4 && strncmp (part, ":key", 4) == 0)
        {
          /* an opaque key (a survey's token): letters, digits, '-' and '_' */
          gsize length = strspn (segments[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789-_");

          if (length == 0 || length > 128 || segments[i][length] != '\0')
            return FALSE;
          *key = segments[i];
        }
      else if (strncmp (part, segments[i], part_len) != 0 || segments[i][part_len] != '\0')
        {
          return FALSE;
        }

      if (end == NULL)
        break;
      part = end + 1;
    }

  return segments[i + 1] == NULL;
}

DwPrincipal *
dw_api_authenticate (SoupServerMessage  *msg,
                     gpointer            api,
                     GError            **error)
{
  DwApi *self = DW_API (api);

  return dw_auth_authenticate_message (self->auth_cache, self->store, self->clock, msg, TRUE,
                                       error);
}

DwPrincipal *
dw_api_recheck (DwPrincipal  *principal,
                gpointer      api,
                GError      **error)
{
  DwApi *self = DW_API (api);

  return dw_auth_recheck_token (self->store, self->clock, principal->token_id, error);
}

static void
reply_unauthorized (SoupServerMessage *msg,
                    const GError      *error)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "WWW-Authenticate", "Bearer realm=\"deskwatch\"");
  dw_problem_reply (msg, 401, "unauthorized", "Unauthorized", "%s", error->message);
}

typedef struct
{
  char   *method;
  char   *path;
  char   *user;
  gint64  start;
} AccessLog;

static void
access_log_free (gpointer  data,
                 GClosure *closure)
{
  AccessLog *access = data;

  g_free (access->method);
  g_free (access->path);
  g_free (access->user);
  g_free (access);
}

static void
access_log_cb (SoupServerMessage *msg,
               AccessLog         *access)
{
  g_autofree char *status = g_strdup_printf ("%u", soup_server_message_get_status (msg));
  g_autofree char *usec = g_strdup_printf ("%" G_GINT64_FORMAT,
                                           g_get_monotonic_time () - access->start);
  g_autofree char *message = g_strdup_printf ("%s %s %s", access->method, access->path, status);
  const GLogField fields[] = {
    { "GLIB_DOMAIN", G_LOG_DOMAIN, -1 },
    { "PRIORITY", "7", -1 },
    { "MESSAGE", message, -1 },
    { "DW_METHOD", access->method, -1 },
    { "DW_PATH", access->path, -1 },
    { "DW_STATUS", status, -1 },
    { "DW_USER", access->user, -1 },
    { "DW_USEC", usec, -1 },
  };

  g_log_structured_array (G_LOG_LEVEL_DEBUG, fields, G_N_ELEMENTS (fields));
}

/* A grouped write's answer, held back until its group commits. */
typedef struct
{
  SoupServerMessage *msg;
  gulong             finished_id;
  gboolean           finished;
} HeldReply;

static void
held_reply_finished_cb (SoupServerMessage *msg,
                        HeldReply         *held)
{
  held->finished = TRUE;
}

static void
held_reply_free (gpointer data)
{
  HeldReply *held = data;

  g_clear_signal_handler (&held->finished_id, held->msg);
  g_object_unref (held->msg);
  g_free (held);
}

static void
group_done_cb (gboolean      committed,
               const GError *error,
               gpointer      data)
{
  HeldReply *held = data;

  /* The client went away meanwhile: nothing to answer. */
  if (held->finished)
    return;

  /* Nothing of the group is on disk, whatever the write itself answered. */
  if (!committed)
    {
      soup_message_headers_remove (soup_server_message_get_response_headers (held->msg),
                                   "Location");
      /* The group's COMMIT waited lock_timeout (the event counter's row held elsewhere). */
      if (error != NULL && g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_LOCK_TIMEOUT))
        {
          dw_problem_reply_locked (held->msg, error);
          soup_server_message_unpause (held->msg);
          return;
        }
      /* The database away (PostgreSQL restarting): try again once the store has reconnected. */
      if (error != NULL && g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE))
        soup_message_headers_replace (soup_server_message_get_response_headers (held->msg),
                                      "Retry-After", DW_PROBLEM_RETRY_AFTER_UNAVAILABLE);
      dw_problem_reply (held->msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "unavailable",
                        "Service unavailable", "the change could not be stored: %s",
                        error != NULL ? error->message : "commit failed");
    }

  soup_server_message_unpause (held->msg);
}

/* The principal a request's headers were authenticated as (dw_api_check_headers), with the
 * store's auth version it read first.  Authenticating again when the body is in is what refuses a
 * token revoked (a user disabled, a team left) while the body uploaded; but the check reads
 * only the database and the clock, so if nothing it reads changed meanwhile (the auth version
 * is the same: no such write here, no commit on any other connection or process) and the
 * token has not expired since, it would find exactly what the first found.  That is the usual
 * case, the body in the same packet as the headers; then the second check is skipped.  On a
 * backend without that version (PostgreSQL) every request checks twice. */
typedef struct
{
  DwPrincipal *principal;
  guint64      version;
  guint64      turn;     /* loop_turns at the check */
  GSource     *source;   /* the source being dispatched then (not a reference: compared only) */
} HeaderAuth;

/* The main loop's iterations, counted by a source's prepare (called once an iteration, before
 * anything of that iteration is dispatched).  The header check and the handler seeing the same
 * count and the same dispatching source are in one dispatch: the body was in with the headers,
 * and nothing of this process ran between them but libsoup reading it — no request, no write,
 * no timer — so the handler reuses the check's principal without even reading the auth
 * version (a statement and a WAL read lock).  Another process's commit landing in those
 * microseconds is one that landed just after the handler, as far as anyone can tell. */
static guint64 loop_turns;

static gboolean
turn_counter_prepare (GSource *source,
                      int     *timeout)
{
  loop_turns++;
  *timeout = -1;
  return FALSE;
}

static gboolean
turn_counter_check (GSource *source)
{
  return FALSE;
}

static GSourceFuncs turn_counter_funcs = { turn_counter_prepare, turn_counter_check, NULL, NULL,
                                           NULL, NULL };

static void
ensure_turn_counter (void)
{
  static gsize attached;

  if (g_once_init_enter (&attached))
    {
      GSource *source = g_source_new (&turn_counter_funcs, sizeof (GSource));

      g_source_set_static_name (source, "[deskwatch] loop turns");
      /* First among equals is no matter: prepare runs for every source every iteration. */
      g_source_attach (source, NULL);
      g_source_unref (source);
      g_once_init_leave (&attached, 1);
    }
}

static GQuark
header_auth_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("dw-api-header-auth");
  return quark;
}

static void
header_auth_free (gpointer data)
{
  HeaderAuth *auth = data;

  dw_principal_unref (auth->principal);
  g_free (auth);
}

static void
remember_header_auth (DwApi             *self,
                      SoupServerMessage *msg,
                      DwPrincipal       *principal)
{
  HeaderAuth *auth = g_new0 (HeaderAuth, 1);

  /* The version the check itself read first (not read again: each read outside a transaction
   * is a WAL read lock, two fcntl calls on SQLite). */
  if (!dw_auth_cache_last_version (self->auth_cache, &auth->version))
    {
      g_free (auth);
      return;
    }

  auth->principal = dw_principal_ref (principal);
  auth->turn = loop_turns;
  auth->source = g_main_current_source ();
  g_object_set_qdata_full (G_OBJECT (msg), header_auth_quark (), auth, header_auth_free);
}

/* The principal of the header check if checking again would find the same; else NULL. */
static DwPrincipal *
reuse_header_auth (DwApi             *self,
                   SoupServerMessage *msg)
{
  g_autofree HeaderAuth *auth = g_object_steal_qdata (G_OBJECT (msg), header_auth_quark ());
  g_autoptr(DwPrincipal) principal = NULL;
  guint64 version;

  if (auth == NULL)
    return NULL;

  principal = auth->principal;
  if (principal->expires_at != 0 && principal->expires_at <= dw_clock_now (self->clock))
    return NULL;

  if (auth->source != NULL && auth->source == g_main_current_source ()
      && auth->turn == loop_turns)
    return g_steal_pointer (&principal);

  if (!dw_store_auth_version (self->store, &version) || version != auth->version)
    return NULL;

  return g_steal_pointer (&principal);
}

static void
api_cb (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  DwApi *self = DW_API (user_data);
  const char *method = soup_server_message_get_method (msg);
  const char *rest;
  g_autofree char *trimmed = NULL;
  g_auto(GStrv) segments = NULL;
  g_autoptr(GString) allow = g_string_new (NULL);
  g_autoptr(DwPrincipal) principal = NULL;
  const DwApiRoute *found = NULL;
  DwApiRequest req = { self, msg, NULL, query, { 0, 0 }, NULL, self->store, 0, NULL };
  gint64 start = g_get_monotonic_time ();

  if (!g_str_has_prefix (path, API_PREFIX))
    {
      dw_problem_reply (msg, 404, "not-found", "Not found", "no such endpoint");
      return;
    }

  rest = path + strlen (API_PREFIX);
  while (*rest == '/')
    rest++;
  trimmed = g_strdup (rest);
  if (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';
  segments = g_strsplit (trimmed, "/", -1);

  for (guint t = 0; t < G_N_ELEMENTS (route_tables) && found == NULL; t++)
    for (const DwApiRoute *r = route_tables[t]; r->method != NULL; r++)
      {
        gint64 ids[2] = { 0, 0 };
        const char *key = NULL;

        if (!match_route (r->pattern, segments, ids, &key))
          continue;

        if (g_str_equal (r->method, method))
          {
            found = r;
            req.ids[0] = ids[0];
            req.ids[1] = ids[1];
            req.key = key;
            break;
          }

        if (strstr (allow->str, r->method) == NULL)
          g_string_append_printf (allow, "%s%s", allow->len > 0 ? ", " : "", r->method);
      }

  if (found == NULL)
    {
      if (allow->len > 0)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                        allow->str);
          dw_problem_reply (msg, 405, "method-not-allowed", "Method not allowed",
                            "%s is not allowed here; use %s", method, allow->str);
        }
      else
        {
          dw_problem_reply (msg, 404, "not-found", "Not found", "no such endpoint: %s", path);
        }
      return;
    }

  if (!found->is_public)
    {
      g_autoptr(GError) error = NULL;

      principal = reuse_header_auth (self, msg);
      if (principal == NULL)
        principal = dw_auth_authenticate_message (self->auth_cache, self->store, self->clock, msg,
                                                  FALSE, &error);
      if (principal == NULL)
        {
          if (error->domain == DW_AUTH_ERROR)
            reply_unauthorized (msg, error);
          else
            dw_problem_reply_error (msg, error);
          return;
        }
      req.principal = principal;
    }

  /* Logged when the reply is sent, so that replies finished later (sign-in) show their status;
   * nothing is kept for it when the log drops debug messages, as it does unless asked. */
  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    {
      AccessLog *access = g_new0 (AccessLog, 1);

      access->method = g_strdup (method);
      access->path = g_strdup (path);
      access->user = g_strdup (principal != NULL ? principal->username : "-");
      access->start = start;
      g_signal_connect_data (msg, "finished", G_CALLBACK (access_log_cb), access,
                             access_log_free, 0);
    }

  req.now = dw_clock_now (self->clock);

  if (!found->grouped)
    {
      /* Reads and other writes see only what is committed. */
      dw_desk_group_flush (self->desk);
      if (found->pooled && self->read_pool != NULL)
        dw_api_run_pooled (&req, found);
      else
        found->handler (&req);
      return;
    }

  dw_desk_group_enter (self->desk);
  found->handler (&req);
  dw_desk_group_leave (self->desk);

  /* The write (or a refusal that may rest on the group's other writes) is answered when its
   * group has committed. */
  if (dw_desk_group_is_open (self->desk))
    {
      HeldReply *held = g_new0 (HeldReply, 1);

      held->msg = g_object_ref (msg);
      held->finished_id = g_signal_connect (msg, "finished",
                                            G_CALLBACK (held_reply_finished_cb), held);
      soup_server_message_pause (msg);
      dw_desk_group_wait (self->desk, group_done_cb, held, held_reply_free);
    }
}

static const DwApiRoute *
find_public_route (const char *method,
                   const char *path,
                   gboolean   *found_any)
{
  g_autofree char *trimmed = NULL;
  g_auto(GStrv) segments = NULL;
  const char *rest = path + strlen (API_PREFIX);

  while (*rest == '/')
    rest++;
  trimmed = g_strdup (rest);
  if (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';
  segments = g_strsplit (trimmed, "/", -1);

  *found_any = FALSE;
  for (guint t = 0; t < G_N_ELEMENTS (route_tables); t++)
    for (const DwApiRoute *r = route_tables[t]; r->method != NULL; r++)
      {
        gint64 ids[2] = { 0, 0 };
        const char *key = NULL;

        if (!g_str_equal (r->method, method) || !match_route (r->pattern, segments, ids, &key))
          continue;

        *found_any = TRUE;
        if (r->is_public)
          return r;
      }

  return NULL;
}

gboolean
dw_api_check_headers (SoupServerMessage *msg,
                      gpointer           api)
{
  DwApi *self = DW_API (api);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *path = uri != NULL ? g_uri_get_path (uri) : NULL;
  g_autoptr(DwPrincipal) principal = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found_any;

  if (path == NULL || !g_str_has_prefix (path, API_PREFIX)
      || find_public_route (soup_server_message_get_method (msg), path, &found_any) != NULL
      || !found_any)
    return TRUE;

  /* Who may send a body is known from the headers: nobody else's body is read. */
  principal = dw_auth_authenticate_message (self->auth_cache, self->store, self->clock, msg,
                                            FALSE, &error);
  if (principal != NULL)
    remember_header_auth (self, msg, principal);

  if (principal == NULL && error->domain == DW_AUTH_ERROR)
    {
      dw_limits_refuse (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized", "Unauthorized",
                        "WWW-Authenticate", "Bearer realm=\"deskwatch\"", "%s", error->message);
      return FALSE;
    }

  /* Other errors (the database) are answered by the handler as usual. */
  return TRUE;
}

/* Health */

static void
health_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) object = json_object_new ();
  gboolean ok = dw_store_ping (req->api->store);
  g_autofree char *now = dw_time_to_iso8601 (dw_clock_now (req->api->clock));

  json_object_set_string_member (object, "status", ok ? "ok" : "failing");
  json_object_set_string_member (object, "version", PACKAGE_VERSION);
  json_object_set_int_member (object, "schema_version",
                              dw_store_schema_version (req->api->store));
  json_object_set_string_member (object, "time", now);
  json_object_set_double_member (object, "clock_speed", dw_clock_get_speed (req->api->clock));

  /* What the writes cost, for benchmarks and tests: a statement prepared again per request, or
   * one commit per write where writes arriving together could share one. */
  {
    JsonObject *stats = json_object_new ();
    DwStoreHealthStats store;
    DwDeskStats desk;

    dw_store_health_stats (req->api->store, &store);
    dw_desk_get_stats (req->api->desk, &desk);
    /* PostgreSQL has no statement cache whose misses could be counted (dw-pg-health.c) */
    if (store.statements_prepared >= 0)
      json_object_set_int_member (stats, "statements_prepared", store.statements_prepared);
    else
      json_object_set_null_member (stats, "statements_prepared");
    json_object_set_int_member (stats, "commits", store.commits);
    json_object_set_int_member (stats, "writes_grouped", desk.writes_grouped);
    json_object_set_int_member (stats, "group_commits", desk.group_commits);
    json_object_set_int_member (stats, "classifier_builds", desk.classifier_builds);
    json_object_set_int_member (stats, "auth_cache_hits",
                                dw_auth_cache_hits (req->api->auth_cache));
    /* The connections that serve snapshots off the main loop (dw-read-pool.h). */
    if (req->api->read_pool != NULL)
      {
        JsonObject *pool = json_object_new ();
        guint size, n_open, n_busy, n_waiting;

        dw_read_pool_get_stats (req->api->read_pool, &size, &n_open, &n_busy, &n_waiting);
        json_object_set_int_member (pool, "size", size);
        json_object_set_int_member (pool, "open", n_open);
        json_object_set_int_member (pool, "busy", n_busy);
        json_object_set_int_member (pool, "waiting", n_waiting);
        json_object_set_object_member (stats, "db_pool", pool);
      }
    json_object_set_object_member (object, "stats", stats);
  }

  /* A demo desk writes its past days after it starts listening (dw-demo.h): clients that need
   * them (tests, benchmarks) wait for "ready". */
  {
    g_autofree char *history = NULL;

    if (dw_store_get_setting (req->api->store, "demo_history", &history, NULL) &&
        history != NULL)
      {
        JsonObject *demo = json_object_new ();

        json_object_set_string_member (demo, "history", history);
        json_object_set_object_member (object, "demo", demo);
      }
  }

  dw_api_reply_object (req, ok ? 200 : 503, object);
}

/* Sign-in */

static const char * const token_members[] = { "username", "password", "label", NULL };

typedef struct
{
  DwApi             *api;
  SoupServerMessage *msg;
  char              *username;
  char              *label;
  char              *address;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_object_unref (sign_in->api);
  g_object_unref (sign_in->msg);
  g_free (sign_in->username);
  g_free (sign_in->label);
  g_free (sign_in->address);
  g_free (sign_in);
}

static void
sign_in_reply (SignIn  *sign_in,
               gint64   user_id,
               GError **error)
{
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autofree char *token = NULL;
  g_autofree char *expires = NULL;
  DwApi *self = sign_in->api;
  gint64 token_id = 0;

  /* Answered at once: the token must not sit in an open group. */
  dw_desk_group_flush (self->desk);

  token = dw_auth_create_token (self->store, self->clock, user_id, sign_in->label,
                                DW_AUTH_TOKEN_LIFETIME, &token_id, error);
  user = token != NULL ? dw_store_user_load_json (self->store, user_id, error) : NULL;
  if (user == NULL)
    {
      dw_problem_reply_error (sign_in->msg, *error);
      return;
    }

  expires = dw_time_to_iso8601 (dw_clock_now (self->clock) + DW_AUTH_TOKEN_LIFETIME);
  reply = json_object_new ();
  json_object_set_string_member (reply, "token", token);
  json_object_set_int_member (reply, "token_id", token_id);
  json_object_set_string_member (reply, "expires_at", expires);
  json_object_set_object_member (reply, "user", g_steal_pointer (&user));
  dw_json_reply_object (sign_in->msg, 201, reply);
}

static void
password_checked_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  SignIn *sign_in = user_data;
  g_autoptr(GError) error = NULL;
  gint64 user_id;

  user_id = dw_auth_check_password_finish (result, &error);
  if (g_error_matches (error, DW_AUTH_ERROR, DW_AUTH_ERROR_BUSY))
    {
      dw_sign_in_limit_refund (sign_in->api->sign_in_limit, sign_in->username, sign_in->address);
      soup_message_headers_replace (soup_server_message_get_response_headers (sign_in->msg),
                                    "Retry-After", "1");
      dw_problem_reply (sign_in->msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", "Service busy",
                        "%s", error->message);
    }
  else if (user_id == 0)
    {
      g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO,
                        "DW_USER", sign_in->username,
                        "MESSAGE", "Failed sign-in for %s", sign_in->username);
      dw_problem_reply_error (sign_in->msg, error);
    }
  else
    {
      dw_sign_in_limit_succeeded (sign_in->api->sign_in_limit, sign_in->username,
                                  sign_in->address);
      sign_in_reply (sign_in, user_id, &error);
    }

  soup_server_message_unpause (sign_in->msg);
  sign_in_free (sign_in);
}

static void
create_token_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) body = dw_api_read_object (req);
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  SignIn *sign_in;
  guint wait;

  if (body == NULL)
    return;

  sign_in = g_new0 (SignIn, 1);
  sign_in->api = g_object_ref (req->api);
  sign_in->msg = g_object_ref (req->msg);

  if (!dw_json_check_members (body, token_members, &error)
      || !dw_json_get_string (body, "username", DW_JSON_REQUIRED, &sign_in->username, &error)
      || !dw_json_get_string (body, "password", DW_JSON_REQUIRED, &password, &error)
      || !dw_json_get_string (body, "label", DW_JSON_OPTIONAL, &sign_in->label, &error))
    {
      dw_api_reply_error (req, error);
      sign_in_free (sign_in);
      return;
    }

  if (sign_in->label != NULL && g_utf8_strlen (sign_in->label, -1) > 200)
    {
      char *shorter = g_utf8_substring (sign_in->label, 0, 200);

      g_free (sign_in->label);
      sign_in->label = shorter;
    }

  /* Throttled before the (costly) check, the same way whether or not the user exists. */
  sign_in->address = g_strdup (soup_server_message_get_remote_host (req->msg));
  if (sign_in->address == NULL)
    sign_in->address = g_strdup ("-");
  wait = dw_sign_in_limit_attempt (req->api->sign_in_limit, sign_in->username, sign_in->address);
  if (wait > 0)
    {
      g_autofree char *retry = g_strdup_printf ("%u", wait);

      g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO,
                        "DW_USER", sign_in->username,
                        "MESSAGE", "Sign-in for %s from %s throttled for %u s", sign_in->username,
                        sign_in->address, wait);
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "Retry-After", retry);
      dw_problem_reply (req->msg, 429, "too-many-requests", "Too many requests",
                        "too many failed sign-ins for this account or from this address; "
                        "try again in %u s", wait);
      sign_in_free (sign_in);
      return;
    }

  /* The reply is sent once the password hash was verified off the main loop. */
  soup_server_message_pause (req->msg);
  dw_auth_check_password_async (req->api->store, sign_in->username, password, NULL,
                                password_checked_cb, sign_in);
}

static void
delete_token_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;

  if (!dw_auth_revoke_token (req->api->store, req->api->clock, req->principal->token_id, &error))
    {
      dw_api_reply_error (req, error);
      return;
    }

  /* Streams opened with this token close now, before the sign-out is answered. */
  dw_event_log_access_changed (req->api->events, req->principal->user_id);

  soup_server_message_set_status (req->msg, 204, NULL);
}

static void
me_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = dw_store_user_load_json (req->api->store, req->principal->user_id,
                                                       &error);

  if (user == NULL)
    dw_api_reply_error (req, error);
  else
    dw_api_reply_object (req, 200, user);
}

const DwApiRoute dw_api_auth_routes[] = {
  { "GET", "health", health_cb, TRUE },
  { "POST", "auth/token", create_token_cb, TRUE },
  { "DELETE", "auth/token", delete_token_cb, FALSE },
  { "GET", "me", me_cb, FALSE },
  { NULL }
};

/* Object */

static void
dw_api_dispose (GObject *object)
{
  DwApi *self = DW_API (object);

  g_clear_object (&self->desk);
  g_clear_object (&self->events);
  g_clear_object (&self->clock);
  g_clear_object (&self->sign_in_limit);
  g_clear_pointer (&self->read_pool, dw_read_pool_unref);
  g_clear_pointer (&self->auth_cache, dw_auth_cache_free);

  G_OBJECT_CLASS (dw_api_parent_class)->dispose (object);
}

static void
dw_api_class_init (DwApiClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dw_api_dispose;
}

static void
dw_api_init (DwApi *self)
{
}

DwApi *
dw_api_new (DwStore    *store,
            DwClock    *clock,
            DwDesk     *desk,
            DwEventLog *events)
{
  DwApi *self = g_object_new (DW_TYPE_API, NULL);

  self->clock = g_object_ref (clock);
  self->desk = g_object_ref (desk);
  self->events = g_object_ref (events);
  self->sign_in_limit = dw_sign_in_limit_new ();
  self->store = store;
  self->auth_cache = dw_auth_cache_new ();
  return self;
}

void
dw_api_set_read_pool (DwApi      *self,
                      DwReadPool *pool)
{
  g_return_if_fail (DW_IS_API (self));

  if (pool != NULL)
    dw_read_pool_ref (pool);
  g_clear_pointer (&self->read_pool, dw_read_pool_unref);
  self->read_pool = pool;
}

void
dw_api_install (DwApi      *self,
                SoupServer *server)
{
  g_return_if_fail (DW_IS_API (self));

  ensure_turn_counter ();
  soup_server_add_handler (server, API_PREFIX, api_cb, g_object_ref (self), g_object_unref);
}
