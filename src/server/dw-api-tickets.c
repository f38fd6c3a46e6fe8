/* dw-api-tickets.c: tickets, their comments and audit trail. */
#define G_LOG_DOMAIN "dw-api"

#include "dw-api-private.h"

#include "store/dw-store-tickets.h"

#include <string.h>

/* The nicks of "new,open" in @values (NULL when @param is absent); FALSE (reply sent) on an
 * unknown value. */
static gboolean
read_enum_list (DwApiRequest  *req,
                const char    *param,
                GType          enum_type,
                GStrv         *values)
{
  const char *value = dw_api_query (req, param);
  g_auto(GStrv) parts = NULL;

  *values = NULL;
  if (value == NULL)
    return TRUE;

  parts = g_strsplit (value, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      int v;

      if (!dw_enum_from_string (enum_type, g_strstrip (parts[i]), &v))
        {
          g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
          g_autoptr(GString) allowed = g_string_new (NULL);

          for (guint j = 0; j < klass->n_values; j++)
            g_string_append_printf (allowed, "%s%s", j > 0 ? ", " : "",
                                    klass->values[j].value_nick);
          dw_api_reply_invalid (req, "%s: \"%s\" is not one of %s", param, parts[i],
                                allowed->str);
          return FALSE;
        }

      /* The nick from the enum table, not the request's text. */
      g_free (parts[i]);
      parts[i] = g_strdup (dw_enum_to_string (enum_type, v));
    }
  *values = g_steal_pointer (&parts);
  return TRUE;
}

static const char *
query_either (DwApiRequest *req,
              const char   *a,
              const char   *b)
{
  const char *value = dw_api_query (req, a);

  return value != NULL ? value : dw_api_query (req, b);
}

static void
list_tickets_cb (DwApiRequest *req)
{
  DwStoreTicketFilter filter = { { 0 } };
  g_autoptr(JsonArray) items = json_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  g_auto(GStrv) statuses = NULL;
  g_auto(GStrv) priorities = NULL;
  g_auto(GStrv) channels = NULL;
  g_auto(GStrv) sla_states = NULL;
  g_auto(GStrv) breaches = NULL;
  g_auto(GStrv) business_types = NULL;
  const char *team = query_either (req, "team_id", "team");
  const char *assignee = query_either (req, "assignee_id", "assignee");
  const char *unassigned = dw_api_query (req, "unassigned");
  const char *business_type = dw_api_query (req, "business_type");
  const char *q = dw_api_query (req, "q");
  const char *updated_since = dw_api_query (req, "updated_since");
  gint64 after_id;
  guint limit;
  gboolean more;

  if (!dw_api_read_paging (req, &limit, &after_id))
    return;

  dw_api_visibility (req->principal, &filter.visibility);
  filter.before_id = after_id;
  filter.limit = limit;

  if (team != NULL)
    {
      guint64 id;

      if (!g_ascii_string_to_unsigned (team, 10, 1, G_MAXINT64, &id, NULL))
        {
          dw_api_reply_invalid (req, "team: \"%s\" is not a team id", team);
          return;
        }
      filter.team_id = (gint64) id;
    }

  if (assignee != NULL)
    {
      guint64 id;

      if (g_str_equal (assignee, "none"))
        filter.unassigned = TRUE;
      else if (g_str_equal (assignee, "me"))
        filter.assignee_id = req->principal->user_id;
      else if (g_ascii_string_to_unsigned (assignee, 10, 1, G_MAXINT64, &id, NULL))
        filter.assignee_id = (gint64) id;
      else
        {
          dw_api_reply_invalid (req, "assignee: \"%s\" is not a user id, \"me\" or \"none\"",
                                assignee);
          return;
        }
    }

  if (unassigned != NULL)
    {
      if (g_str_equal (unassigned, "true"))
        filter.unassigned = TRUE;
      else if (!g_str_equal (unassigned, "false"))
        {
          dw_api_reply_invalid (req, "unassigned: must be true or false");
          return;
        }
    }

  if (!read_enum_list (req, "status", DW_TYPE_STATUS, &statuses)
      || !read_enum_list (req, "priority", DW_TYPE_PRIORITY, &priorities)
      || !read_enum_list (req, "channel", DW_TYPE_CHANNEL, &channels)
      || !read_enum_list (req, "sla_state", DW_TYPE_SLA_STATE, &sla_states)
      || !read_enum_list (req, "breach", DW_TYPE_BREACH, &breaches))
    return;
  filter.statuses = (const char * const *) statuses;
  filter.priorities = (const char * const *) priorities;
  filter.channels = (const char * const *) channels;
  filter.sla_states = (const char * const *) sla_states;
  filter.breaches = (const char * const *) breaches;

  if (business_type != NULL)
    {
      business_types = g_strsplit (business_type, ",", -1);
      for (guint i = 0; business_types[i] != NULL; i++)
        g_strstrip (business_types[i]);
      filter.business_types = (const char * const *) business_types;
    }

  filter.q = q;

  if (updated_since != NULL)
    {
      if (!dw_time_from_iso8601 (updated_since, &filter.updated_since))
        {
          dw_api_reply_invalid (req, "updated_since: expected an ISO 8601 time, got \"%s\"",
                                updated_since);
          return;
        }
      filter.has_updated_since = TRUE;
    }

  if (!dw_store_ticket_list (req->store, &filter, items, &more, &error))
    {
      dw_api_reply_error (req, error);
      return;
    }

  if (more && json_array_get_length (items) > 0)
    {
      JsonObject *last = json_array_get_object_element (items, json_array_get_length (items) - 1);

      next = dw_api_make_cursor (json_object_get_int_member (last, "id"));
    }

  dw_api_reply_items (req, items, TRUE, next);
}

/* The ticket if @req's principal may see it; else replies 404 and returns NULL. */
static JsonObject *
visible_ticket (DwApiRequest *req,
                gint64        ticket_id)
{
  g_autoptr(JsonObject) ticket = dw_store_ticket_load_json (req->store, ticket_id, NULL);
  JsonNode *team, *assignee;

  if (ticket == NULL)
    {
      dw_api_reply_not_found (req, "ticket", ticket_id);
      return NULL;
    }

  team = json_object_get_member (ticket, "team_id");
  assignee = json_object_get_member (ticket, "assignee_id");
  if (!dw_principal_can_see (req->principal,
                             JSON_NODE_HOLDS_NULL (team) ? 0 : json_node_get_int (team),
                             JSON_NODE_HOLDS_NULL (assignee) ? 0 : json_node_get_int (assignee)))
    {
      dw_api_reply_not_found (req, "ticket", ticket_id);
      return NULL;
    }

  return g_steal_pointer (&ticket);
}

static void
get_ticket_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) ticket = visible_ticket (req, req->ids[0]);

  if (ticket != NULL)
    dw_api_reply_object (req, 200, ticket);
}

static void
create_ticket_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) body = dw_api_read_object (req);
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  if (body == NULL)
    return;

  /* The body is the text the ticket.created event carries: the same object, serialised once. */
  ticket = dw_desk_create_ticket_full (req->api->desk, req->principal, body, &text, &error);
  if (ticket == NULL)
    dw_api_reply_error (req, error);
  else if (text != NULL)
    dw_json_reply_text (req->msg, 201, text);
  else
    dw_api_reply_object (req, 201, ticket);
}

static void
update_ticket_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) body = dw_api_read_object (req);
  g_autoptr(GError) error = NULL;

  if (body == NULL)
    return;

  /* Optimistic concurrency is the whole point of PATCH: no version, no update. */
  if (!json_object_has_member (body, "version"))
    {
      dw_api_reply_invalid (req, "version: missing (send the version you last saw)");
      return;
    }

  dw_api_reply_result (req, 200,
                       dw_desk_update_ticket (req->api->desk, req->principal, req->ids[0], body,
                                              &error), &error);
}

static void
list_comments_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) ticket = visible_ticket (req, req->ids[0]);
  g_autoptr(JsonArray) items = NULL;
  g_autoptr(GError) error = NULL;

  if (ticket == NULL)
    return;

  items = dw_store_ticket_comments_json (req->store, req->ids[0], &error);
  if (items == NULL)
    {
      dw_api_reply_error (req, error);
      return;
    }

  dw_api_reply_items (req, items, FALSE, NULL);
}

static void
create_comment_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) ticket = visible_ticket (req, req->ids[0]);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;

  if (ticket == NULL || (body = dw_api_read_object (req)) == NULL)
    return;

  dw_api_reply_result (req, 201,
                       dw_desk_add_comment (req->api->desk, req->principal, req->ids[0], body,
                                            &error), &error);
}

static void
list_audit_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) ticket = visible_ticket (req, req->ids[0]);
  g_autoptr(JsonArray) items = NULL;
  g_autoptr(GError) error = NULL;

  if (ticket == NULL)
    return;

  items = dw_store_ticket_audit_json (req->store, req->ids[0], &error);
  if (items == NULL)
    {
      dw_api_reply_error (req, error);
      return;
    }

  dw_api_reply_items (req, items, FALSE, NULL);
}

const DwApiRoute dw_api_ticket_routes[] = {
  { "GET", "tickets", list_tickets_cb, FALSE, FALSE, TRUE },
  { "POST", "tickets", create_ticket_cb, FALSE, TRUE },
  { "GET", "tickets/:id", get_ticket_cb, FALSE },
  { "PATCH", "tickets/:id", update_ticket_cb, FALSE, TRUE },
  { "GET", "tickets/:id/comments", list_comments_cb, FALSE },
  { "POST", "tickets/:id/comments", create_comment_cb, FALSE, TRUE },
  { "GET", "tickets/:id/audit", list_audit_cb, FALSE, FALSE, TRUE },
  { NULL }
};
