/* dw-api-tickets.c: tickets, their comments and audit trail. */
#define G_LOG_DOMAIN "dw-api"

#include "dw-api-private.h"

#include <string.h>

typedef struct
{
  gboolean  is_text;
  gint64    number;
  char     *text;
} Param;

static void
param_clear (gpointer data)
{
  Param *p = data;

  g_clear_pointer (&p->text, g_free);
}

/* Adds a bound parameter and returns its "?N". */
static char *
add_text (GArray     *params,
          const char *text)
{
  Param p = { TRUE, 0, g_strdup (text) };

  g_array_append_val (params, p);
  return g_strdup_printf ("?%u", params->len);
}

static char *
add_number (GArray *params,
            gint64  number)
{
  Param p = { FALSE, number, NULL };

  g_array_append_val (params, p);
  return g_strdup_printf ("?%u", params->len);
}

/* "t.status IN ('new', 'open')" from "new,open"; FALSE (reply sent) on an unknown value. */
static gboolean
append_enum_list (DwApiRequest *req,
                  GString      *where,
                  const char   *param,
                  const char   *column,
                  GType         enum_type)
{
  const char *value = dw_api_query (req, param);
  g_auto(GStrv) parts = NULL;

  if (value == NULL)
    return TRUE;

  parts = g_strsplit (value, ",", -1);
  g_string_append_printf (where, " AND %s IN (", column);
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

      /* Safe to inline: the nick comes from the enum table, not from the request. */
      g_string_append_printf (where, "%s'%s'", i > 0 ? ", " : "",
                              dw_enum_to_string (enum_type, v));
    }
  g_string_append (where, ")");
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
  g_autoptr(GString) sql = g_string_new ("SELECT " DW_STORE_TICKET_COLUMNS " FROM tickets t");
  g_autoptr(GString) where = g_string_new (" WHERE 1");
  g_autoptr(GArray) params = g_array_new (FALSE, TRUE, sizeof (Param));
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonArray) items = json_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  const char *team = query_either (req, "team_id", "team");
  const char *assignee = query_either (req, "assignee_id", "assignee");
  const char *unassigned = dw_api_query (req, "unassigned");
  const char *business_type = dw_api_query (req, "business_type");
  const char *q = dw_api_query (req, "q");
  const char *updated_since = dw_api_query (req, "updated_since");
  gint64 after_id, last_id = 0;
  guint limit, n = 0;
  int rc;

  g_array_set_clear_func (params, param_clear);

  if (!dw_api_read_paging (req, &limit, &after_id))
    return;

  dw_api_ticket_visibility (req->principal, where);

  if (after_id > 0)
    {
      g_autofree char *p = add_number (params, after_id);

      g_string_append_printf (where, " AND t.id < %s", p);
    }

  if (team != NULL)
    {
      guint64 id;
      g_autofree char *p = NULL;

      if (!g_ascii_string_to_unsigned (team, 10, 1, G_MAXINT64, &id, NULL))
        {
          dw_api_reply_invalid (req, "team: \"%s\" is not a team id", team);
          return;
        }
      p = add_number (params, (gint64) id);
      g_string_append_printf (where, " AND t.team_id = %s", p);
    }

  if (assignee != NULL)
    {
      guint64 id;

      if (g_str_equal (assignee, "none"))
        {
          g_string_append (where, " AND t.assignee_id IS NULL");
        }
      else if (g_str_equal (assignee, "me"))
        {
          g_autofree char *p = add_number (params, req->principal->user_id);

          g_string_append_printf (where, " AND t.assignee_id = %s", p);
        }
      else if (g_ascii_string_to_unsigned (assignee, 10, 1, G_MAXINT64, &id, NULL))
        {
          g_autofree char *p = add_number (params, (gint64) id);

          g_string_append_printf (where, " AND t.assignee_id = %s", p);
        }
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
        g_string_append (where, " AND t.assignee_id IS NULL");
      else if (!g_str_equal (unassigned, "false"))
        {
          dw_api_reply_invalid (req, "unassigned: must be true or false");
          return;
        }
    }

  if (!append_enum_list (req, where, "status", "t.status", DW_TYPE_STATUS)
      || !append_enum_list (req, where, "priority", "t.priority", DW_TYPE_PRIORITY)
      || !append_enum_list (req, where, "channel", "t.channel", DW_TYPE_CHANNEL)
      || !append_enum_list (req, where, "sla_state", "t.sla_state", DW_TYPE_SLA_STATE)
      || !append_enum_list (req, where, "breach", DW_STORE_TICKET_BREACH, DW_TYPE_BREACH))
    return;

  if (business_type != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (business_type, ",", -1);

      g_string_append (where, " AND t.business_type IN (");
      for (guint i = 0; parts[i] != NULL; i++)
        {
          g_autofree char *p = add_text (params, g_strstrip (parts[i]));

          g_string_append_printf (where, "%s%s", i > 0 ? ", " : "", p);
        }
      g_string_append (where, ")");
    }

  if (q != NULL && *q != '\0')
    {
      GString *pattern = g_string_new ("%");
      g_autofree char *p = NULL;

      for (const char *c = q; *c != '\0'; c++)
        {
          if (*c == '%' || *c == '_' || *c == '\\')
            g_string_append_c (pattern, '\\');
          g_string_append_c (pattern, *c);
        }
      g_string_append_c (pattern, '%');
      p = add_text (params, pattern->str);
      g_string_free (pattern, TRUE);

      g_string_append_printf (where, " AND (t.subject LIKE %s ESCAPE '\\' OR t.body LIKE %s "
                              "ESCAPE '\\' OR t.order_number LIKE %s ESCAPE '\\')", p, p, p);
    }

  if (updated_since != NULL)
    {
      gint64 since;
      g_autofree char *p = NULL;

      if (!dw_time_from_iso8601 (updated_since, &since))
        {
          dw_api_reply_invalid (req, "updated_since: expected an ISO 8601 time, got \"%s\"",
                                updated_since);
          return;
        }
      p = add_number (params, since);
      g_string_append_printf (where, " AND t.updated_at >= %s", p);
    }

  {
    g_autofree char *p = add_number (params, limit + 1);

    g_string_append_printf (sql, "%s ORDER BY t.id DESC LIMIT %s", where->str, p);
  }

  stmt = dw_store_prepare (req->api->db, sql->str, &error);
  if (stmt == NULL)
    {
      dw_api_reply_error (req, error);
      return;
    }

  for (guint i = 0; i < params->len; i++)
    {
      Param *p = &g_array_index (params, Param, i);

      if (p->is_text)
        sqlite3_bind_text (stmt, i + 1, p->text, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_int64 (stmt, i + 1, p->number);
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && n < limit)
    {
      last_id = sqlite3_column_int64 (stmt, 0);
      json_array_add_object_element (items, dw_store_ticket_json_from_row (stmt));
      n++;
    }

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      dw_store_set_error (&error, req->api->db, rc);
      dw_api_reply_error (req, error);
      return;
    }

  if (rc == SQLITE_ROW)
    next = dw_api_make_cursor (last_id);

  dw_api_reply_items (req, items, TRUE, next);
}

/* The ticket if @req's principal may see it; else replies 404 and returns NULL. */
static JsonObject *
visible_ticket (DwApiRequest *req,
                gint64        ticket_id)
{
  g_autoptr(JsonObject) ticket = dw_store_ticket_json (req->api->db, ticket_id, NULL);
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
  g_autoptr(GError) error = NULL;

  if (body == NULL)
    return;

  dw_api_reply_result (req, 201,
                       dw_desk_create_ticket (req->api->desk, req->principal, body, &error),
                       &error);
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
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonArray) items = json_array_new ();
  g_autoptr(GError) error = NULL;

  if (ticket == NULL)
    return;

  stmt = dw_store_prepare (req->api->db, "SELECT " DW_STORE_COMMENT_COLUMNS " FROM comments c "
                                         "WHERE c.ticket_id = ? ORDER BY c.id", &error);
  if (stmt == NULL)
    {
      dw_api_reply_error (req, error);
      return;
    }

  sqlite3_bind_int64 (stmt, 1, req->ids[0]);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    json_array_add_object_element (items, dw_store_comment_json_from_row (stmt));

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
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonArray) items = json_array_new ();
  g_autoptr(GError) error = NULL;

  if (ticket == NULL)
    return;

  stmt = dw_store_prepare (req->api->db, "SELECT " DW_STORE_AUDIT_COLUMNS " FROM audit a "
                                         "WHERE a.entity = 'ticket' AND a.entity_id = ? "
                                         "ORDER BY a.id", &error);
  if (stmt == NULL)
    {
      dw_api_reply_error (req, error);
      return;
    }

  sqlite3_bind_int64 (stmt, 1, req->ids[0]);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    json_array_add_object_element (items, dw_store_audit_json_from_row (stmt));

  dw_api_reply_items (req, items, FALSE, NULL);
}

const DwApiRoute dw_api_ticket_routes[] = {
  { "GET", "tickets", list_tickets_cb, FALSE },
  { "POST", "tickets", create_ticket_cb, FALSE, TRUE },
  { "GET", "tickets/:id", get_ticket_cb, FALSE },
  { "PATCH", "tickets/:id", update_ticket_cb, FALSE, TRUE },
  { "GET", "tickets/:id/comments", list_comments_cb, FALSE },
  { "POST", "tickets/:id/comments", create_comment_cb, FALSE, TRUE },
  { "GET", "tickets/:id/audit", list_audit_cb, FALSE },
  { NULL }
};
