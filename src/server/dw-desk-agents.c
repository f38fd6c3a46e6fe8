/* dw-desk-agents.c: each agent now, and a lead's actions on an agent's work (composed of the
 * desk's own operations, so each change is checked, audited and evented as if made by hand). */
#define G_LOG_DOMAIN "dw-desk"

#include "config.h"

#include "dw-desk-agents.h"
#include "dw-desk-private.h"
#include "store/dw-store-agents.h"
#include "store/dw-store-directory.h"
#include "store/dw-store-people.h"

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

static void
add_status (const DwStoreAgentStatus *row,
            gpointer                  data)
{
  JsonObject *item = json_object_new ();
  g_autofree char *since = dw_time_to_iso8601 (row->presence_since);

  json_object_set_int_member (item, "user_id", row->user_id);
  json_object_set_string_member (item, "display_name", row->display_name);
  json_object_set_string_member (item, "presence", row->presence);
  json_object_set_string_member (item, "presence_since", since);
  json_object_set_int_member (item, "capacity", row->capacity);
  json_object_set_int_member (item, "load", row->load);
  if (row->oldest_waiting_ticket_id > 0)
    {
      g_autofree char *waiting = dw_time_to_iso8601 (row->oldest_waiting_since);

      json_object_set_string_member (item, "oldest_waiting_since", waiting);
      json_object_set_int_member (item, "oldest_waiting_ticket_id",
                                  row->oldest_waiting_ticket_id);
    }
  else
    {
      json_object_set_null_member (item, "oldest_waiting_since");
      json_object_set_null_member (item, "oldest_waiting_ticket_id");
    }
  json_object_set_int_member (item, "at_risk", row->at_risk);
  json_object_set_int_member (item, "breached", row->breached);
  json_array_add_object_element (data, item);
}

JsonArray *
dw_desk_agents_status (DwDesk       *self,
                       DwPrincipal  *actor,
                       gint64        team_id,
                       GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  return dw_agents_status_read (self->store, actor, team_id, error);
}

JsonArray *
dw_agents_status_read (DwStore      *store,
                       DwPrincipal  *actor,
                       gint64        team_id,
                       GError      **error)
{
  g_autoptr(JsonArray) items = json_array_new ();
  gboolean lead;

  if (!dw_store_entity_exists (store, DW_STORE_ENTITY_TEAM, team_id))
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

  if (!dw_store_agent_status (store, team_id, lead ? 0 : actor->user_id, add_status, items,
                              error))
    return NULL;
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
      g_autoptr(JsonObject) user = dw_store_user_load_json (self->store, user_id, error);

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

  tickets = dw_store_agent_tickets (self->store, user_id, DW_STORE_AGENT_TICKETS_WAITING, 0,
                                    error);
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

  tickets = dw_store_agent_tickets (self->store, user_id, DW_STORE_AGENT_TICKETS_AT_RISK, 0,
                                    error);
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

JsonObject *
dw_desk_set_agent_presence (DwDesk       *self,
                            DwPrincipal  *actor,
                            gint64        user_id,
                            JsonObject   *fields,
                            GError      **error)
{
  static const char * const members[] = { "presence", NULL };
  int presence = DW_PRESENCE_OFFLINE;

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  /* Stricter than PUT /users/{id}/presence: this is a lead's action, so not the agent's own. */
  if (!leads_agent (self, actor, user_id, error)
      || !dw_json_check_members (fields, members, error)
      || !dw_json_get_enum (fields, "presence", DW_TYPE_PRESENCE, DW_JSON_REQUIRED, &presence,
                            error))
    return NULL;

  /* the desk's own change: logged, audited as the lead's, routed, sent as user.updated */
  return dw_desk_set_presence (self, actor, user_id, presence, error);
}

static JsonObject *
move_agent_locked (DwDesk       *self,
                   DwPrincipal  *actor,
                   gint64        user_id,
                   gint64        from_team_id,
                   gint64        to_team_id,
                   GError      **error)
{
  static const char * const audited[] = { "teams", NULL };
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(JsonArray) released = json_array_new ();
  g_autoptr(GArray) tickets = NULL;
  g_autoptr(GArray) touched = g_array_new (FALSE, FALSE, sizeof (DwTouched));
  g_autofree char *reason = NULL;
  g_autofree char *move_reason = NULL;
  before = dw_store_user_load_json (self->store, user_id, NULL);
  if (before == NULL)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND, "no user %" G_GINT64_FORMAT,
                   user_id);
      return NULL;
    }
  if (!dw_desk_row_exists (self, "teams", from_team_id)
      || !dw_desk_row_exists (self, "teams", to_team_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "%s: there is no team %" G_GINT64_FORMAT,
                   dw_desk_row_exists (self, "teams", from_team_id) ? "to_team_id" : "from_team_id",
                   dw_desk_row_exists (self, "teams", from_team_id) ? to_team_id : from_team_id);
      return NULL;
    }
  /* Taking an agent out of a team and putting it into another is both teams' business. */
  if (actor != NULL && actor->role != DW_ROLE_ADMIN
      && !(actor->role == DW_ROLE_LEAD && dw_principal_leads_team (actor, from_team_id)
           && dw_principal_leads_team (actor, to_team_id)))
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                           "only a lead of both teams or an admin may move an agent");
      return NULL;
    }
  /* A lead's or an admin's teams are an admin's to change (PATCH /users/{id}). */
  if (g_strcmp0 (json_object_get_string_member (before, "role"), "agent") != 0)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                           "only agents are moved this way; an admin changes a lead's teams");
      return NULL;
    }
  if (!dw_desk_user_in_team (self, user_id, from_team_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_CONFLICT,
                   "user %" G_GINT64_FORMAT " is not a member of team %" G_GINT64_FORMAT,
                   user_id, from_team_id);
      return NULL;
    }
  if (dw_desk_user_in_team (self, user_id, to_team_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_CONFLICT,
                   "user %" G_GINT64_FORMAT " is a member of team %" G_GINT64_FORMAT " already",
                   user_id, to_team_id);
      return NULL;
    }

  if (!dw_store_agent_move (self->store, user_id, from_team_id, to_team_id, error))
    return NULL;

  move_reason = g_strdup_printf ("moved from team %" G_GINT64_FORMAT " to team %" G_GINT64_FORMAT,
                                 from_team_id, to_team_id);
  after = dw_store_user_load_json (self->store, user_id, error);
  if (after == NULL
      || !dw_desk_audit_diff (self, actor, "user", user_id, before, after, audited, move_reason,
                              error))
    return NULL;

  /* Its teams changed: its open streams check their scope again (resync), as for a PATCH. */
  dw_event_log_append_access_change (self->events, user_id);

  /* The work it was doing for the team it left goes back to that team's queue, where routing
   * hands it to the team's agents (no longer this one).  Pending and on-hold tickets stay: the
   * agent holds the conversation the customer is to answer. */
  tickets = dw_store_agent_tickets (self->store, user_id, DW_STORE_AGENT_TICKETS_TEAM_WAITING,
                                    from_team_id, error);
  if (tickets == NULL)
    return NULL;
  reason = g_strdup_printf ("released to the queue: the agent moved to team %" G_GINT64_FORMAT,
                            to_team_id);
  for (guint i = 0; i < tickets->len; i++)
    {
      gint64 ticket_id = ((gint64 *) tickets->data)[2 * i];
      g_autoptr(JsonObject) changes = json_object_new ();
      g_autoptr(JsonObject) ticket = NULL;

      json_object_set_int_member (changes, "version", ((gint64 *) tickets->data)[2 * i + 1]);
      json_object_set_null_member (changes, "assignee_id");
      json_object_set_string_member (changes, "reason", reason);
      ticket = dw_desk_update_ticket_locked (self, actor, ticket_id, changes, error);
      if (ticket == NULL)
        return NULL;
      json_array_add_int_element (released, ticket_id);
    }

  /* Its new team may have tickets waiting for someone with room. */
  if (!json_object_get_boolean_member (after, "disabled")
      && !dw_desk_dispatch_user_locked (self, user_id, touched, error))
    return NULL;
  if (!dw_desk_flush_touched (self, touched, 0, error))
    return NULL;

  g_clear_pointer (&after, json_object_unref);
  after = dw_desk_emit_user (self, "user.updated", user_id, error);
  if (after == NULL)
    return NULL;

  /* user.updated went to each of the user's teams; the leads of the team it left learn of
   * the move too. */
  if (!dw_desk_emit (self, "user.updated", from_team_id, 0, after, error))
    return NULL;

  json_object_set_object_member (result, "user", g_steal_pointer (&after));
  json_object_set_array_member (result, "released", g_steal_pointer (&released));
  return g_steal_pointer (&result);
}

typedef struct
{
  DwPrincipal *actor;
  gint64       user_id;
  gint64       from_team_id;
  gint64       to_team_id;
} Move;

static JsonObject *
move_agent_write (DwDesk   *self,
                  gpointer  data,
                  GError  **error)
{
  Move *move = data;

  return move_agent_locked (self, move->actor, move->user_id, move->from_team_id,
                            move->to_team_id, error);
}

JsonObject *
dw_desk_move_agent (DwDesk       *self,
                    DwPrincipal  *actor,
                    gint64        user_id,
                    JsonObject   *fields,
                    GError      **error)
{
  static const char * const members[] = { "from_team_id", "to_team_id", NULL };
  gint64 from_team_id = 0, to_team_id = 0;
  JsonObject *result;

  g_return_val_if_fail (DW_IS_DESK (self), NULL);

  if (!dw_json_check_members (fields, members, error)
      || !dw_json_get_int64 (fields, "from_team_id", DW_JSON_REQUIRED | DW_JSON_POSITIVE,
                             &from_team_id, error)
      || !dw_json_get_int64 (fields, "to_team_id", DW_JSON_REQUIRED | DW_JSON_POSITIVE,
                             &to_team_id, error))
    return NULL;
  if (from_team_id == to_team_id)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                           "to_team_id: must differ from from_team_id");
      return NULL;
    }

  result = dw_desk_write (self, move_agent_write,
                          &(Move) { actor, user_id, from_team_id, to_team_id }, error);
  if (result != NULL)
    dw_desk_hand_back_rearm (self);
  return result;
}
