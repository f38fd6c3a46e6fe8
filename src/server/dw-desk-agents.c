/* dw-desk-agents.c: each agent now, and a lead's actions on an agent's work (composed of the
 * desk's own operations, so each change is checked, audited and evented as if made by hand). */
#define G_LOG_DOMAIN "dw-desk"

#include "config.h"

#include "dw-desk-agents.h"
#include "dw-desk-private.h"

static gboolean
leads_agent (DwDesk       *self,
             DwPrincipal  *actor,
             gint64        user_id,
             GError      **error)
{
  if (!dw_desk_row_exists (self, "users", user_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND, "no user %" G_GINT64_FORMAT,
                   user_id);
      return FALSE;
    }
  if (actor == NULL || actor->role == DW_ROLE_ADMIN)
    return TRUE;
  if (actor->role == DW_ROLE_LEAD)
    for (guint i = 0; i < actor->lead_team_ids->len; i++)
      if (dw_desk_user_in_team (self, user_id, g_array_index (actor->lead_team_ids, gint64, i)))
        return TRUE;

  g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                       "only a lead of one of the agent's teams or an admin may do this");
  return FALSE;
}

JsonArray *
dw_desk_agents_status (DwDesk       *self,
                       DwPrincipal  *actor,
                       gint64        team_id,
                       GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonArray) items = json_array_new ();
  gboolean lead;

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_desk_row_exists (self, "teams", team_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND, "no team %" G_GINT64_FORMAT,
                   team_id);
      return NULL;
    }
  lead = actor == NULL || actor->role == DW_ROLE_ADMIN
         || (actor->role == DW_ROLE_LEAD && dw_principal_leads_team (actor, team_id));
  if (!lead && !dw_principal_in_team (actor, team_id))
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                           "only the team's lead, an admin or its agents (each itself) may "
                           "see its agents");
      return NULL;
    }

  stmt = dw_store_prepare (self->db,
    "SELECT u.id, u.display_name, u.presence, u.presence_since, u.capacity, "
    "  (SELECT count (*) FROM tickets t WHERE t.assignee_id = u.id "
    "     AND t.status IN ('new', 'open', 'pending', 'on-hold')), "
    "  (SELECT min (t.updated_at) FROM tickets t WHERE t.assignee_id = u.id "
    "     AND t.status IN ('new', 'open')), "
    "  (SELECT t.id FROM tickets t WHERE t.assignee_id = u.id AND t.status IN ('new', 'open') "
    "     ORDER BY t.updated_at, t.id LIMIT 1), "
    "  (SELECT count (*) FROM tickets t WHERE t.assignee_id = u.id "
    "     AND t.status IN ('new', 'open', 'pending', 'on-hold') AND t.sla_state = 'at-risk'), "
    "  (SELECT count (*) FROM tickets t WHERE t.assignee_id = u.id AND "
    DW_STORE_TICKET_BREACH " = 'running') "
    "FROM team_members m JOIN users u ON u.id = m.user_id "
    "WHERE m.team_id = ?1 AND u.role = 'agent' AND u.disabled = 0 AND (?2 = 0 OR u.id = ?2) "
    "ORDER BY u.display_name, u.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, team_id);
  sqlite3_bind_int64 (stmt, 2, lead ? 0 : actor->user_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *item = json_object_new ();
      g_autofree char *since = dw_time_to_iso8601 (sqlite3_column_int64 (stmt, 3));

      json_object_set_int_member (item, "user_id", sqlite3_column_int64 (stmt, 0));
      json_object_set_string_member (item, "display_name",
                                     (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_string_member (item, "presence", (const char *) sqlite3_column_text (stmt, 2));
      json_object_set_string_member (item, "presence_since", since);
      json_object_set_int_member (item, "capacity", sqlite3_column_int64 (stmt, 4));
      json_object_set_int_member (item, "load", sqlite3_column_int64 (stmt, 5));
      if (sqlite3_column_type (stmt, 6) != SQLITE_NULL)
        {
          g_autofree char *waiting = dw_time_to_iso8601 (sqlite3_column_int64 (stmt, 6));

          json_object_set_string_member (item, "oldest_waiting_since", waiting);
          json_object_set_int_member (item, "oldest_waiting_ticket_id",
                                      sqlite3_column_int64 (stmt, 7));
        }
      else
        {
          json_object_set_null_member (item, "oldest_waiting_since");
          json_object_set_null_member (item, "oldest_waiting_ticket_id");
        }
      json_object_set_int_member (item, "at_risk", sqlite3_column_int64 (stmt, 8));
      json_object_set_int_member (item, "breached", sqlite3_column_int64 (stmt, 9));
      json_array_add_object_element (items, item);
    }
  return g_steal_pointer (&items);
}

JsonObject *
dw_desk_set_capacity (DwDesk       *self,
                      DwPrincipal  *actor,
                      gint64        user_id,
                      JsonObject   *fields,
                      GError      **error)
{
  static const char * const members[] = { "capacity", NULL };

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!leads_agent (self, actor, user_id, error)
      || !dw_json_check_members (fields, members, error))
    return NULL;
  if (!json_object_has_member (fields, "capacity"))
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION, "capacity: required");
      return NULL;
    }
  /* the user update checks the value, audits it as the lead's and hands out waiting tickets */
  return dw_desk_update_user (self, actor, user_id, fields, error);
}

/* The agent's tickets of @statuses (an SQL list), oldest first, with their versions. */
static GArray *
agent_tickets (DwDesk      *self,
               gint64       user_id,
               const char  *where,
               GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT t.id, t.version FROM tickets t "
                                          "WHERE t.assignee_id = ? AND %s ORDER BY t.id", where);
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (self->db, sql, error);
  g_autoptr(GArray) tickets = g_array_new (FALSE, FALSE, sizeof (gint64) * 2);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, user_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 pair[2] = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };

      g_array_append_vals (tickets, pair, 1);
    }
  return g_steal_pointer (&tickets);
}

JsonObject *
dw_desk_release_tickets (DwDesk       *self,
                         DwPrincipal  *actor,
                         gint64        user_id,
                         JsonObject   *fields,
                         GError      **error)
{
  static const char * const members[] = { "to", "override_capacity", NULL };
  g_autoptr(GArray) tickets = NULL;
  g_autoptr(GArray) targets = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(JsonArray) moved = json_array_new ();
  g_autoptr(JsonArray) failed = json_array_new ();
  gboolean override_capacity = FALSE;
  JsonNode *to;

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!leads_agent (self, actor, user_id, error)
      || !dw_json_check_members (fields, members, error)
      || !dw_json_get_boolean (fields, "override_capacity", DW_JSON_OPTIONAL, &override_capacity,
                               error))
    return NULL;

  to = json_object_get_member (fields, "to");
  if (to != NULL && JSON_NODE_HOLDS_VALUE (to) && json_node_get_value_type (to) == G_TYPE_STRING
      && g_str_equal (json_node_get_string (to), "queue"))
    ;
  else if (to != NULL && JSON_NODE_HOLDS_ARRAY (to) && json_array_get_length (json_node_get_array (to)) > 0
           && json_array_get_length (json_node_get_array (to)) <= 50)
    {
      JsonArray *ids = json_node_get_array (to);

      for (guint i = 0; i < json_array_get_length (ids); i++)
        {
          JsonNode *node = json_array_get_element (ids, i);
          gint64 id;

          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
              || (id = json_node_get_int (node)) <= 0 || id == user_id)
            {
              g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                           "to[%u]: expected the id of another agent", i);
              return NULL;
            }
          g_array_append_val (targets, id);
        }
    }
  else
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                           "to: \"queue\" or a list of 1 to 50 agent ids");
      return NULL;
    }

  /* an agent still online would be routed its tickets straight back: set it away first */
  if (targets->len == 0)
    {
      g_autoptr(JsonObject) user = dw_store_user_json (self->db, user_id, error);

      if (user == NULL)
        return NULL;
      if (g_str_equal (json_object_get_string_member (user, "presence"), "online"))
        {
          g_autoptr(JsonObject) away = dw_desk_set_presence (self, actor, user_id,
                                                             DW_PRESENCE_AWAY, error);

          if (away == NULL)
            return NULL;
        }
    }

  tickets = agent_tickets (self, user_id, "t.status IN ('new', 'open')", error);
  if (tickets == NULL)
    return NULL;

  for (guint i = 0; i < tickets->len; i++)
    {
      gint64 ticket_id = ((gint64 *) tickets->data)[2 * i];
      gint64 version = ((gint64 *) tickets->data)[2 * i + 1];
      gint64 target = targets->len > 0 ? g_array_index (targets, gint64, i % targets->len) : 0;
      g_autoptr(JsonObject) changes = json_object_new ();
      g_autoptr(JsonObject) ticket = NULL;
      g_autoptr(GError) local = NULL;

      json_object_set_int_member (changes, "version", version);
      if (target > 0)
        json_object_set_int_member (changes, "assignee_id", target);
      else
        json_object_set_null_member (changes, "assignee_id");
      if (override_capacity)
        json_object_set_boolean_member (changes, "override_capacity", TRUE);
      json_object_set_string_member (changes, "reason", target > 0 ? "released by a lead"
                                                                   : "released to the queue by a lead");

      ticket = dw_desk_update_ticket (self, actor, ticket_id, changes, &local);
      if (ticket != NULL)
        {
          JsonObject *item = json_object_new ();

          json_object_set_int_member (item, "ticket_id", ticket_id);
          json_object_set_member (item, "assignee_id",
                                  json_node_copy (json_object_get_member (ticket, "assignee_id")));
          json_array_add_object_element (moved, item);
        }
      else
        {
          JsonObject *item = json_object_new ();

          json_object_set_int_member (item, "ticket_id", ticket_id);
          json_object_set_string_member (item, "detail", local->message);
          json_array_add_object_element (failed, item);
        }
    }

  json_object_set_array_member (result, "moved", g_steal_pointer (&moved));
  json_object_set_array_member (result, "failed", g_steal_pointer (&failed));
  return g_steal_pointer (&result);
}

JsonObject *
dw_desk_note_at_risk (DwDesk       *self,
                      DwPrincipal  *actor,
                      gint64        user_id,
                      JsonObject   *fields,
                      GError      **error)
{
  static const char * const members[] = { "body", NULL };
  g_autoptr(GArray) tickets = NULL;
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(JsonArray) noted = json_array_new ();
  g_autofree char *body = NULL;

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!leads_agent (self, actor, user_id, error)
      || !dw_json_check_members (fields, members, error)
      || !dw_json_get_string (fields, "body", DW_JSON_REQUIRED, &body, error))
    return NULL;

  tickets = agent_tickets (self, user_id,
                           "t.status IN ('new', 'open', 'pending', 'on-hold') AND (t.sla_state = "
                           "'at-risk' OR " DW_STORE_TICKET_BREACH " = 'running')", error);
  if (tickets == NULL)
    return NULL;

  for (guint i = 0; i < tickets->len; i++)
    {
      gint64 ticket_id = ((gint64 *) tickets->data)[2 * i];
      g_autoptr(JsonObject) note = json_object_new ();
      g_autoptr(JsonObject) comment = NULL;

      json_object_set_string_member (note, "body", body);
      json_object_set_boolean_member (note, "public", FALSE);
      /* the comment's own checks (length, text) answer for the body */
      comment = dw_desk_add_comment (self, actor, ticket_id, note, error);
      if (comment == NULL)
        return NULL;
      json_array_add_int_element (noted, ticket_id);
    }

  json_object_set_array_member (result, "noted", g_steal_pointer (&noted));
  return g_steal_pointer (&result);
}
