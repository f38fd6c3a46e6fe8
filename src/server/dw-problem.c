#define G_LOG_DOMAIN "dw-api"

#include "dw-problem.h"

#include <string.h>

#include "dw-auth.h"
#include "dw-desk.h"
#include "dw-json.h"
#include "dw-store.h"

static void
reply_bytes (SoupServerMessage *msg,
             guint              status,
             const char        *content_type,
             char              *body)  /* taken */
{
  gsize length = strlen (body);
  /* Rows stored before the check at the door may hold bytes that are not UTF-8 (a lone
   * surrogate) or a raw U+001F: what goes out is valid JSON all the same. */
  char *valid = dw_json_make_valid (body, length, &length);

  if (valid != NULL)
    g_free (g_steal_pointer (&body));
  soup_server_message_set_status (msg, status, NULL);
  /* set_response appends: a write held for its group commit has its answer set already, and a
   * group that failed replaces it with the problem (not the ticket followed by the problem). */
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE,
                                    valid != NULL ? valid : body, length);
}

char *
dw_problem_to_string (guint       status,
                      const char *type_suffix,
                      const char *title,
                      const char *detail)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *type = g_strconcat (DW_PROBLEM_TYPE_BASE, type_suffix, NULL);
  g_autofree char *valid = NULL;

  /* A detail quoting the request must not make the reply itself invalid UTF-8. */
  if (!g_utf8_validate (detail, -1, NULL))
    detail = valid = g_utf8_make_valid (detail, -1);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, title);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, status);
  json_builder_set_member_name (builder, "detail");
  json_builder_add_string_value (builder, detail);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return dw_json_to_string (root, NULL);
}

void
dw_problem_reply (SoupServerMessage *msg,
                  guint              status,
                  const char        *type_suffix,
                  const char        *title,
                  const char        *detail_format,
                  ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, detail_format);
  detail = g_strdup_vprintf (detail_format, args);
  va_end (args);

  reply_bytes (msg, status, "application/problem+json",
               dw_problem_to_string (status, type_suffix, title, detail));
}

void
dw_problem_reply_error (SoupServerMessage *msg,
                        const GError      *error)
{
  if (error->domain == DW_DESK_ERROR)
    {
      switch ((DwDeskError) error->code)
        {
        case DW_DESK_ERROR_VALIDATION:
          dw_problem_reply (msg, 400, "validation", "Invalid request", "%s", error->message);
          return;
        case DW_DESK_ERROR_FORBIDDEN:
          dw_problem_reply (msg, 403, "forbidden", "Forbidden", "%s", error->message);
          return;
        case DW_DESK_ERROR_NOT_FOUND:
          dw_problem_reply (msg, 404, "not-found", "Not found", "%s", error->message);
          return;
        case DW_DESK_ERROR_CONFLICT:
          dw_problem_reply (msg, 409, "conflict", "Conflict", "%s", error->message);
          return;
        case DW_DESK_ERROR_OVER_CAPACITY:
          dw_problem_reply (msg, 409, "over-capacity", "Over capacity", "%s", error->message);
          return;
        case DW_DESK_ERROR_ROSTER_RULE:
          dw_problem_reply (msg, 409, "roster-rule", "Roster rule broken", "%s", error->message);
          return;
        case DW_DESK_ERROR_GONE:
          dw_problem_reply (msg, 410, "gone", "Gone", "%s", error->message);
          return;
        default:
          break;
        }
    }
  else if (error->domain == DW_JSON_ERROR)
    {
      dw_problem_reply (msg, 400, "validation", "Invalid request", "%s", error->message);
      return;
    }
  else if (error->domain == DW_AUTH_ERROR)
    {
      dw_problem_reply (msg, 401, "unauthorized", "Unauthorized", "%s", error->message);
      return;
    }
  else if (error->domain == DW_STORE_ERROR && error->code == DW_STORE_ERROR_NOT_FOUND)
    {
      dw_problem_reply (msg, 404, "not-found", "Not found", "%s", error->message);
      return;
    }
  else if (error->domain == DW_STORE_ERROR && error->code == DW_STORE_ERROR_UNAVAILABLE)
    {
      /* PostgreSQL restarting or away: nothing of the request was done, and the store
       * reconnects by itself; a balancer or client tries again shortly. */
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", DW_PROBLEM_RETRY_AFTER_UNAVAILABLE);
      dw_problem_reply (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "unavailable",
                        "Service unavailable", "the database is unavailable: %s", error->message);
      return;
    }

  else if (error->domain == DW_STORE_ERROR && error->code == DW_STORE_ERROR_CONFLICT)
    {
      /* A write that lost a deadlock or serialization failure to other instances' writes every
       * time it ran (DW_DESK_WRITE_ATTEMPTS): nothing of it was done, and the request itself is
       * fine, so sent again a moment later it will most likely go through. */
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", DW_PROBLEM_RETRY_AFTER_CONTENDED);
      dw_problem_reply (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "contended", "Service contended",
                        "the change lost to other writes every time it was tried and was not "
                        "made: %s", error->message);
      return;
    }

  else if (error->domain == DW_STORE_ERROR && error->code == DW_STORE_ERROR_LOCK_TIMEOUT)
    {
      dw_problem_reply_locked (msg, error);
      return;
    }

  g_warning ("Internal error answering %s %s: %s",
             soup_server_message_get_method (msg),
             g_uri_get_path (soup_server_message_get_uri (msg)), error->message);
  dw_problem_reply (msg, 500, "internal", "Internal error",
                    "the service could not complete the request; see its log");
}

void
dw_problem_reply_locked (SoupServerMessage *msg,
                         const GError      *error)
{
  /* Another session (an operator's open transaction, a LOCK TABLE, a migration) held a lock
   * this write needed for longer than the lock_timeout: nothing of it was done.  Not run again
   * here (it would stop the main loop as long again); the client tries later. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Retry-After", DW_PROBLEM_RETRY_AFTER_LOCKED);
  dw_problem_reply (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "contended", "Service contended",
                    "a lock this request needed is held by another database session; nothing "
                    "was changed: %s", error->message);
}

void
dw_json_reply (SoupServerMessage *msg,
               guint              status,
               JsonNode          *node)
{
  reply_bytes (msg, status, "application/json", dw_json_to_string (node, NULL));
}

void
dw_json_reply_text (SoupServerMessage *msg,
                    guint              status,
                    char              *text)
{
  reply_bytes (msg, status, "application/json", text);
}

void
dw_json_reply_object (SoupServerMessage *msg,
                      guint              status,
                      JsonObject        *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  dw_json_reply (msg, status, node);
}
