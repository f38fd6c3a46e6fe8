#define G_LOG_DOMAIN "dw-desk"

#include "dw-desk-private.h"
#include "store/dw-store-directory.h"
#include "store/dw-store-dispatch.h"
#include "store/dw-store-people.h"

#include "dw-routing.h"

G_DEFINE_QUARK (dw-desk-error-quark, dw_desk_error)

G_DEFINE_FINAL_TYPE (DwDesk, dw_desk, G_TYPE_OBJECT)

/* Transactions
 *
 * Alone, a write is one transaction: BEGIN IMMEDIATE, the change, COMMIT (one WAL sync), then
 * its events are published.  Inside a group (dw-desk.h) it is a SAVEPOINT of the group's
 * transaction, released when it succeeds (its events stay pending) or rolled back alone when
 * it fails; the group's COMMIT later makes all of them durable with one sync, and only then are
 * they answered and their events published.  The single connection and the single thread make
 * this safe: nothing else can write between a group's writes, and anything that would read or
 * write outside it flushes it first (the store's begin hook, and the API before any request
 * that is not a grouped write).  Every write comes through dw_desk_write, which frames it so and
 * runs it again when it lost a race to another instance's write. */

/* A group's COMMIT is due once this many writes wait, or its BEGIN is this old, even if the
 * main loop is still busy (with requests, or with stream clients' output, which would
 * otherwise keep an idle source from ever running). */
#define GROUP_MAX_WRITES 64
#define GROUP_MAX_AGE_MSEC 2

typedef struct
{
  DwDeskGroupDone done;
  gpointer        data;
  GDestroyNotify  destroy;
} GroupWaiter;

static void
group_waiter_clear (gpointer data)
{
  GroupWaiter *waiter = data;

  if (waiter->destroy != NULL)
    waiter->destroy (waiter->data);
}

/* Ends the open group: committed, or (@error set) rolled back as a whole. */
static void
group_end (DwDesk  *self,
           GError  *error)
{
  g_autoptr(GArray) waiters = NULL;
  guint writes = self->group_writes;
  guint grouping = self->grouping;

  g_clear_handle_id (&self->group_flush_id, g_source_remove);
  g_clear_handle_id (&self->group_deadline_id, g_source_remove);
  waiters = g_steal_pointer (&self->group_waiters);
  self->group_waiters = g_array_new (FALSE, FALSE, sizeof (GroupWaiter));
  g_array_set_clear_func (self->group_waiters, group_waiter_clear);
  self->group_open = FALSE;
  self->group_writes = 0;

  /* What the events set off (the SLA engine reassigning, say) is a write of its own. */
  self->grouping = 0;

  if (error == NULL)
    {
      self->group_commits++;
      self->writes_grouped += writes;
      /* The answers first: their I/O is queued before the events' fan-out. */
      for (guint i = 0; i < waiters->len; i++)
        {
          GroupWaiter *waiter = &g_array_index (waiters, GroupWaiter, i);

          waiter->done (TRUE, NULL, waiter->data);
        }
      dw_event_log_publish (self->events);
      dw_sla_engine_reschedule (self->sla);
    }
  else
    {
      g_message ("A group of %u writes was not committed: %s", writes, error->message);
      dw_store_tx_rollback (self->store);
      dw_event_log_discard (self->events);
      for (guint i = 0; i < waiters->len; i++)
        {
          GroupWaiter *waiter = &g_array_index (waiters, GroupWaiter, i);

          waiter->done (FALSE, error, waiter->data);
        }
    }

  self->grouping = grouping;
}

void
dw_desk_group_flush (DwDesk *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DW_IS_DESK (self));

  /* Never in the middle of a write (a nested BEGIN then fails as it always did). */
  if (!self->group_open || self->in_write)
    return;

  if (!dw_store_tx_commit (self->store, &error) && error == NULL)
    g_set_error_literal (&error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED, "COMMIT failed");

  group_end (self, error);
}

static gboolean
group_flush_cb (gpointer data)
{
  DwDesk *self = data;

  self->group_flush_id = 0;
  dw_desk_group_flush (self);
  return G_SOURCE_REMOVE;
}

static gboolean
group_deadline_cb (gpointer data)
{
  DwDesk *self = data;

  self->group_deadline_id = 0;
  dw_desk_group_flush (self);
  return G_SOURCE_REMOVE;
}

static void
group_add_idle (DwDesk *self,
                int     priority)
{
  g_clear_handle_id (&self->group_flush_id, g_source_remove);
  self->group_flush_id = g_idle_add_full (priority, group_flush_cb, self, NULL);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->group_flush_id),
                            "[deskwatch] group commit");
}

/* When the group opens: an idle source commits it once the requests that arrived together have
 * all joined, and a deadline of the default priority (taking its turn with the requests and
 * everybody's I/O) commits it at the latest GROUP_MAX_AGE_MSEC later.  A full group is due in
 * the next round of the loop. */
static void
group_schedule (DwDesk *self)
{
  if (self->group_flush_id == 0)
    {
      group_add_idle (self, G_PRIORITY_DEFAULT_IDLE);
      self->group_flush_soon = FALSE;
    }

  if (self->group_deadline_id == 0)
    {
      self->group_deadline_id = g_timeout_add_full (G_PRIORITY_DEFAULT, GROUP_MAX_AGE_MSEC,
                                                    group_deadline_cb, self, NULL);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL,
                                                                  self->group_deadline_id),
                                "[deskwatch] group commit deadline");
    }

  if (self->group_writes >= GROUP_MAX_WRITES && !self->group_flush_soon)
    {
      group_add_idle (self, G_PRIORITY_DEFAULT);
      self->group_flush_soon = TRUE;
    }
}

/* An error may have rolled the whole transaction back by itself (SQLITE_FULL, SQLITE_IOERR; on
 * PostgreSQL a lost connection): then the group is lost, and none of its writes may be
 * acknowledged.  Its waiters are told @cause, the error that lost it: the database away
 * (DW_STORE_ERROR_UNAVAILABLE) is answered 503 with Retry-After, as the write itself is. */
static void
group_check_lost (DwDesk       *self,
                  const GError *cause)
{
  g_autoptr(GError) error = NULL;

  if (!self->group_open || dw_store_in_transaction (self->store))
    return;

  if (g_error_matches (cause, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE))
    error = g_error_copy (cause);
  else
    g_set_error (&error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED,
                 "the database rolled the transaction back%s%s", cause != NULL ? ": " : "",
                 cause != NULL ? cause->message : "");
  group_end (self, error);
}

static void
store_begin_hook (DwStore  *store,
                  gpointer  data)
{
  dw_desk_group_flush (DW_DESK (data));
}

void
dw_desk_group_enter (DwDesk *self)
{
  g_return_if_fail (DW_IS_DESK (self));
  self->grouping++;
}

void
dw_desk_group_leave (DwDesk *self)
{
  g_return_if_fail (DW_IS_DESK (self));
  g_return_if_fail (self->grouping > 0);
  self->grouping--;
}

gboolean
dw_desk_group_is_open (DwDesk *self)
{
  g_return_val_if_fail (DW_IS_DESK (self), FALSE);
  return self->group_open;
}

void
dw_desk_group_wait (DwDesk          *self,
                    DwDeskGroupDone  done,
                    gpointer         data,
                    GDestroyNotify   destroy)
{
  GroupWaiter waiter = { done, data, destroy };

  g_return_if_fail (DW_IS_DESK (self));
  g_return_if_fail (self->group_open);

  g_array_append_val (self->group_waiters, waiter);
}

static gboolean
dw_desk_begin (DwDesk  *self,
               GError **error)
{
  if (self->grouping == 0 || self->in_write)
    return dw_store_tx_begin (self->store, error);

  if (!self->group_open)
    {
      if (!dw_store_tx_begin (self->store, error))
        return FALSE;
      self->group_open = TRUE;
      group_schedule (self);
    }

  if (!dw_store_tx_savepoint (self->store, error))
    {
      group_check_lost (self, error != NULL ? *error : NULL);
      return FALSE;
    }

  dw_event_log_mark (self->events);
  self->in_write = TRUE;
  return TRUE;
}

static JsonObject *
dw_desk_finish (DwDesk      *self,
                JsonObject  *result,
                GError     **error)
{
  if (self->in_write)
    {
      self->in_write = FALSE;
      if (result != NULL && dw_store_tx_release_savepoint (self->store, error))
        {
          self->group_writes++;
          group_schedule (self);
          return result;
        }

      g_clear_pointer (&result, json_object_unref);
      dw_store_tx_rollback_savepoint (self->store);
      dw_event_log_discard_to_mark (self->events);
      group_check_lost (self, error != NULL ? *error : NULL);
      return NULL;
    }

  if (result != NULL && dw_store_tx_commit (self->store, error))
    {
      dw_event_log_publish (self->events);
      dw_sla_engine_reschedule (self->sla);
      return result;
    }

  g_clear_pointer (&result, json_object_unref);
  dw_store_tx_rollback (self->store);
  dw_event_log_discard (self->events);
  return NULL;
}

/* Several instances write at once; whatever order their locks are taken in (docs/design.md
 * "Several instances deciding at once"), one that locks an agent first for its own reasons
 * (a presence change, an assignment by hand) and then dispatches a team can meet another
 * dispatching that team in a cycle, which PostgreSQL breaks by failing one of the two with
 * 40P01 (or, at a stricter isolation, 40001).  The loser has written nothing (dw_desk_finish
 * rolled its transaction, or its savepoint of a group, back, with the events it appended) and
 * the winner has gone on: running it again decides on what the winner committed.  Every write
 * of the desk comes through here, so that none of them answers a lost race with a 500.  Bounded
 * (dw_store_tx_retry), since a write that keeps losing is better answered than retried for
 * ever.  A write that waited the session's lock_timeout for a lock another session holds
 * (DW_STORE_ERROR_LOCK_TIMEOUT: an operator's open transaction, a LOCK TABLE) is rolled back
 * the same way but not run again: the wait was on the main loop, the next would be as long,
 * and the holder is no instance that will let go in a moment; the API answers it 503
 * "contended" with Retry-After (dw_problem_reply_error). */
JsonObject *
dw_desk_write (DwDesk           *self,
               DwDeskWriteFunc   func,
               gpointer          data,
               GError          **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      JsonObject *result;

      if (!dw_desk_begin (self, error))
        return NULL;

      result = dw_desk_finish (self, func (self, data, &local_error), &local_error);
      if (result != NULL)
        return result;

      if (!dw_store_tx_retry (attempt, &local_error))
        {
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
}

gint64
dw_desk_actor_id (DwPrincipal *actor)
{
  return actor != NULL ? actor->user_id : 0;
}

const char *
dw_desk_actor_name (DwPrincipal *actor)
{
  return actor != NULL ? actor->username : "system";
}

/* Audit */

gboolean
dw_desk_audit (DwDesk       *self,
               DwPrincipal  *actor,
               const char   *entity,
               gint64        entity_id,
               const char   *action,
               const char   *field,
               JsonNode     *before,
               JsonNode     *after,
               const char   *reason,
               GError      **error)
{
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  DwStoreAuditNew audit;

  if (before != NULL)
    before_text = dw_store_json_to_string (before);
  if (after != NULL)
    after_text = dw_store_json_to_string (after);

  audit = (DwStoreAuditNew) {
    .at = dw_clock_now (self->clock),
    .actor_id = dw_desk_actor_id (actor),
    .entity = entity,
    .entity_id = entity_id,
    .action = action,
    .field = field,
    .before = before_text,
    .after = after_text,
    .reason = reason,
  };
  return dw_store_audit_insert (self->store, &audit, error);
}

static const char *
action_for_field (const char *field)
{
  if (g_str_equal (field, "assignee_id"))
    return "assigned";
  if (g_str_equal (field, "team_id"))
    return "moved";
  return "updated";
}

gboolean
dw_desk_audit_diff (DwDesk             *self,
                    DwPrincipal        *actor,
                    const char         *entity,
                    gint64              entity_id,
                    JsonObject         *before,
                    JsonObject         *after,
                    const char * const *fields,
                    const char         *reason,
                    GError            **error)
{
  for (guint i = 0; fields[i] != NULL; i++)
    {
      JsonNode *b = json_object_get_member (before, fields[i]);
      JsonNode *a = json_object_get_member (after, fields[i]);

      if (b != NULL && a != NULL && json_node_equal (b, a))
        continue;

      if (!dw_desk_audit (self, actor, entity, entity_id, action_for_field (fields[i]), fields[i],
                          b, a, reason, error))
        return FALSE;
    }

  return TRUE;
}

/* Events */

gboolean
dw_desk_emit (DwDesk      *self,
              const char  *type,
              gint64       team_id,
              gint64       user_id,
              JsonObject  *data,
              GError     **error)
{
  return dw_event_log_append (self->events, type, team_id, user_id, data, error) > 0;
}

JsonObject *
dw_desk_emit_user (DwDesk      *self,
                   const char  *type,
                   gint64       user_id,
                   GError     **error)
{
  g_autoptr(JsonObject) user = dw_store_user_load_json (self->store, user_id, error);
  JsonArray *teams;
  gint64 team_id = 0;

  if (user == NULL)
    return NULL;

  teams = json_object_get_array_member (user, "teams");
  if (json_array_get_length (teams) > 0)
    team_id = json_object_get_int_member (json_array_get_object_element (teams, 0), "id");

  if (!dw_desk_emit (self, type, team_id, user_id, user, error))
    return NULL;

  /* A lead of any of its teams follows the user live (presence, load, capacity): once more for
   * each other team, without the user, who has it already.  A lead of two of them hears it
   * twice; applying a user twice is harmless, missing it is not. */
  for (guint i = 1; i < json_array_get_length (teams); i++)
    if (!dw_desk_emit (self, type,
                       json_object_get_int_member (json_array_get_object_element (teams, i), "id"),
                       0, user, error))
      return NULL;

  return g_steal_pointer (&user);
}

/* Lookups */

gboolean
dw_desk_row_exists (DwDesk     *self,
                    const char *table,
                    gint64      id)
{
  static const struct
  {
    const char    *table;
    DwStoreEntity  entity;
  } entities[] = {
    { "teams", DW_STORE_ENTITY_TEAM },
    { "users", DW_STORE_ENTITY_USER },
    { "customers", DW_STORE_ENTITY_CUSTOMER },
    { "calendars", DW_STORE_ENTITY_CALENDAR },
  };

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    if (g_str_equal (table, entities[i].table))
      return dw_store_entity_exists (self->store, entities[i].entity, id);

  g_return_val_if_reached (FALSE);
}

gboolean
dw_desk_user_in_team (DwDesk *self,
                      gint64  user_id,
                      gint64  team_id)
{
  return dw_store_user_in_team (self->store, user_id, team_id);
}

/* Touched tickets */

void
dw_desk_touch (GArray   *touched,
               gint64    ticket_id,
               gint64    old_team_id,
               gint64    old_assignee_id,
               gboolean  old_active)
{
  DwTouched t = { ticket_id, old_team_id, old_assignee_id, old_active };

  for (guint i = 0; i < touched->len; i++)
    if (g_array_index (touched, DwTouched, i).ticket_id == ticket_id)
      return;

  g_array_append_val (touched, t);
}

gint64
dw_desk_member_id (JsonObject *object,
                   const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return 0;
  return json_node_get_int (node);
}

static void
add_user (GArray *users,
          gint64  user_id)
{
  if (user_id <= 0)
    return;

  for (guint i = 0; i < users->len; i++)
    if (g_array_index (users, gint64, i) == user_id)
      return;

  g_array_append_val (users, user_id);
}

gboolean
dw_desk_flush_touched (DwDesk  *self,
                       GArray  *touched,
                       gint64   created_id,
                       GError **error)
{
  return dw_desk_flush_touched_full (self, touched, created_id, NULL, NULL, error);
}

gboolean
dw_desk_flush_touched_full (DwDesk      *self,
                            GArray      *touched,
                            gint64       created_id,
                            JsonObject **created,
                            char       **created_text,
                            GError     **error)
{
  g_autoptr(GArray) loaded = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < touched->len; i++)
    {
      DwTouched *t = &g_array_index (touched, DwTouched, i);
      g_autoptr(JsonObject) ticket = NULL;
      gint64 team_id, assignee_id;
      int status = DW_STATUS_NEW;
      gboolean active;

      if (!dw_sla_engine_refresh (self->sla, t->ticket_id, error))
        return FALSE;

      /* The created ticket as text straight from its row: its event and the reply need nothing
       * else, and building the object and serialising it was 90k of a create (issue 13). */
      if (t->ticket_id == created_id && created_text != NULL)
        {
          DwStoreTicketKeys keys = { 0, };
          char *text = dw_store_ticket_load_json_text (self->store, t->ticket_id, &keys, error);
          gint64 seq;

          if (text == NULL)
            return FALSE;

          active = dw_status_is_active (keys.status);
          if (keys.assignee_id != t->old_assignee_id || active != t->old_active)
            {
              if (t->old_active)
                add_user (loaded, t->old_assignee_id);
              if (active)
                add_user (loaded, keys.assignee_id);
            }

          g_free (*created_text);
          *created_text = g_strdup (text);
          seq = dw_event_log_append_text (self->events, "ticket.created", keys.team_id,
                                          keys.assignee_id, text, error);
          if (seq <= 0)
            return FALSE;
          if (created != NULL)
            {
              g_clear_pointer (created, json_object_unref);
              *created = json_object_new ();
              json_object_set_int_member (*created, "id", t->ticket_id);
              dw_json_set_id_or_null (*created, "assignee_id", keys.assignee_id);
            }
          continue;
        }

      ticket = dw_store_ticket_load_json (self->store, t->ticket_id, error);
      if (ticket == NULL)
        return FALSE;

      team_id = dw_desk_member_id (ticket, "team_id");
      assignee_id = dw_desk_member_id (ticket, "assignee_id");
      dw_enum_from_string (DW_TYPE_STATUS, json_object_get_string_member (ticket, "status"),
                           &status);
      active = dw_status_is_active (status);

      if (assignee_id != t->old_assignee_id || active != t->old_active)
        {
          if (t->old_active)
            add_user (loaded, t->old_assignee_id);
          if (active)
            add_user (loaded, assignee_id);
        }

      if (t->ticket_id == created_id)
        {
          gint64 seq = dw_event_log_append (self->events, "ticket.created", team_id, assignee_id,
                                            ticket, error);

          if (seq <= 0)
            return FALSE;
          if (created_text != NULL)
            {
              g_free (*created_text);
              *created_text = dw_event_log_dup_pending_data (self->events, seq);
            }
          if (created != NULL)
            {
              g_clear_pointer (created, json_object_unref);
              *created = g_steal_pointer (&ticket);
            }
          continue;
        }

      if (!dw_desk_emit (self, "ticket.updated", team_id, assignee_id, ticket, error))
        return FALSE;

      /* Whoever could see the ticket before but maybe not now learns that it left. */
      if ((t->old_team_id != team_id || t->old_assignee_id != assignee_id)
          && !dw_desk_emit (self, "ticket.updated", t->old_team_id, t->old_assignee_id, ticket,
                            error))
        return FALSE;
    }

  for (guint i = 0; i < loaded->len; i++)
    {
      g_autoptr(JsonObject) user = dw_desk_emit_user (self, "user.updated",
                                                      g_array_index (loaded, gint64, i), error);

      if (user == NULL)
        return FALSE;
    }

  return TRUE;
}

/* Routing */

typedef struct
{
  DwAgentCandidate candidate;
  GHashTable      *skills;  /* skill → level */
} Agent;

static void
agent_clear (gpointer data)
{
  Agent *agent = data;

  g_clear_pointer (&agent->skills, g_hash_table_unref);
}

/* A customer's tags (JSON text); NULL, with a warning as before, when the text is not JSON. */
static JsonNode *
parse_tags (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (text == NULL)
    return NULL;
  if (!json_parser_load_from_data (parser, text, -1, NULL) || json_parser_get_root (parser) == NULL)
    {
      g_warning ("Invalid JSON in a customer's tags: %s", text);
      return NULL;
    }
  return json_node_copy (json_parser_get_root (parser));
}

/* The members of @team_id with their load, skills and last assignment. */
static GArray *
load_agents (DwDesk  *self,
             gint64   team_id,
             GError **error)
{
  g_autoptr(GArray) rows = dw_store_dispatch_agents (self->store, team_id, error);
  g_autoptr(GArray) agents = NULL;

  if (rows == NULL)
    return NULL;

  agents = g_array_sized_new (FALSE, TRUE, sizeof (Agent), rows->len);
  g_array_set_clear_func (agents, agent_clear);
  for (guint i = 0; i < rows->len; i++)
    {
      DwStoreAgentRow *row = &g_array_index (rows, DwStoreAgentRow, i);
      Agent agent = { { 0 }, NULL };

      agent.candidate.user_id = row->user_id;
      agent.candidate.presence = row->presence;
      agent.candidate.capacity = row->capacity;
      agent.candidate.last_assigned_at = row->last_assigned_at;
      agent.candidate.open_tickets = row->open_tickets;
      agent.skills = g_steal_pointer (&row->skills);
      g_array_append_val (agents, agent);
    }

  return g_steal_pointer (&agents);
}

/* The skill business type @business_type needs, or NULL. */
static char *
business_type_skill (DwDesk     *self,
                     const char *business_type)
{
  char *skill = NULL;

  if (business_type == NULL)
    return NULL;

  dw_store_business_type_skill (self->store, business_type, &skill, NULL);
  return skill;
}

static gint64
pick_from (GArray      *agents,
           const char  *skill,
           gint64       exclude_user_id,
           char       **reason_out)
{
  g_autofree DwAgentCandidate *candidates = g_new0 (DwAgentCandidate, MAX (agents->len, 1));
  gsize n = 0;

  for (guint i = 0; i < agents->len; i++)
    {
      Agent *agent = &g_array_index (agents, Agent, i);

      if (agent->candidate.user_id == exclude_user_id)
        continue;

      candidates[n] = agent->candidate;
      candidates[n].skill_level = skill != NULL
                                  ? GPOINTER_TO_INT (g_hash_table_lookup (agent->skills, skill))
                                  : 0;
      n++;
    }

  return dw_routing_pick_agent_full (candidates, n, skill, skill != NULL, reason_out);
}

static Agent *
find_agent (GArray *agents,
            gint64  user_id)
{
  for (guint i = 0; i < agents->len; i++)
    if (g_array_index (agents, Agent, i).candidate.user_id == user_id)
      return &g_array_index (agents, Agent, i);

  return NULL;
}

gint64
dw_desk_pick_agent_locked (DwDesk      *self,
                           gint64       team_id,
                           const char  *business_type,
                           gint64       exclude_user_id,
                           char       **reason_out,
                           GError     **error)
{
  g_autoptr(GArray) agents = NULL;
  g_autofree char *skill = NULL;

  agents = load_agents (self, team_id, error);
  if (agents == NULL)
    return -1;

  skill = business_type_skill (self, business_type);
  return pick_from (agents, skill, exclude_user_id, reason_out);
}

gint64
dw_desk_pick_agent_among_locked (DwDesk      *self,
                                 GArray      *agents,
                                 const char  *business_type,
                                 gint64       exclude_user_id,
                                 char       **reason_out)
{
  g_autofree char *skill = business_type_skill (self, business_type);

  return pick_from (agents, skill, exclude_user_id, reason_out);
}

gboolean
dw_desk_assign_locked (DwDesk      *self,
                       DwPrincipal *actor,
                       gint64       ticket_id,
                       gint64       user_id,
                       gboolean     bump_version,
                       const char  *reason,
                       GError     **error)
{
  g_autoptr(JsonNode) before = json_node_new (JSON_NODE_NULL);
  g_autoptr(JsonNode) after = json_node_new (JSON_NODE_VALUE);
  gint64 now = dw_clock_now (self->clock);

  if (!dw_store_ticket_assign (self->store, ticket_id, user_id, now, bump_version, error)
      || !dw_store_user_set_last_assigned (self->store, user_id, now, error))
    return FALSE;

  json_node_set_int (after, user_id);
  return dw_desk_audit (self, actor, "ticket", ticket_id, "assigned", "assignee_id", before, after,
                        reason, error);
}

gboolean
dw_desk_load_locked (DwDesk  *self,
                     gint64   user_id,
                     gint64   ticket_id,
                     gint64  *load,
                     gint64  *capacity,
                     GError **error)
{
  /* The load without this ticket: re-saving a ticket its assignee already holds is no new load. */
  return dw_store_user_load (self->store, user_id, ticket_id, load, capacity, error);
}

gboolean
dw_desk_check_capacity_locked (DwDesk      *self,
                               DwPrincipal *actor,
                               gint64       ticket_id,
                               gint64       user_id,
                               gboolean     override,
                               GError     **error)
{
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *reason = NULL;
  gint64 capacity, load;

  if (user_id <= 0)
    return TRUE;

  if (!dw_desk_load_locked (self, user_id, ticket_id, &load, &capacity, error))
    return FALSE;
  if (load < capacity)
    return TRUE;

  if (!override)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_OVER_CAPACITY,
                   "assignee_id: user %" G_GINT64_FORMAT " is at capacity (%" G_GINT64_FORMAT
                   " of %" G_GINT64_FORMAT " tickets); send \"override_capacity\": true to "
                   "assign it anyway", user_id, load, capacity);
      return FALSE;
    }

  if (actor != NULL && actor->role == DW_ROLE_AGENT)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                           "override_capacity: only a lead or an admin may assign over capacity");
      return FALSE;
    }

  after = json_node_new (JSON_NODE_VALUE);
  json_node_set_int (after, user_id);
  reason = g_strdup_printf ("assigned over capacity by %s: the agent already held %" G_GINT64_FORMAT
                            " of %" G_GINT64_FORMAT " tickets", dw_desk_actor_name (actor), load,
                            capacity);
  return dw_desk_audit (self, actor, "ticket", ticket_id, "capacity-override", "assignee_id", NULL,
                        after, reason, error);
}

gboolean
dw_desk_dispatch_locked (DwDesk  *self,
                         gint64   team_id,
                         gint64   fresh_id,
                         GArray  *touched,
                         GError **error)
{
  return dw_desk_dispatch_locked_full (self, team_id, fresh_id, touched, NULL, error);
}

gboolean
dw_desk_dispatch_locked_full (DwDesk  *self,
                              gint64   team_id,
                              gint64   fresh_id,
                              GArray  *touched,
                              GArray **agents_out,
                              GError **error)
{
  g_autoptr(GArray) agents = NULL;
  g_autoptr(GArray) queue = g_array_new (FALSE, TRUE, sizeof (DwQueuedTicket));
  g_autoptr(GHashTable) skills = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GArray) rows = NULL;
  gboolean anyone_free = FALSE;
  gboolean assigned = FALSE;

  if (agents_out != NULL)
    *agents_out = NULL;
  if (team_id <= 0)
    return TRUE;

  agents = load_agents (self, team_id, error);
  if (agents == NULL)
    return FALSE;

  for (guint i = 0; i < agents->len; i++)
    {
      DwAgentCandidate *c = &g_array_index (agents, Agent, i).candidate;

      if (c->presence == DW_PRESENCE_ONLINE && c->capacity > c->open_tickets)
        anyone_free = TRUE;
    }

  /* The common case on a busy desk: nobody free, nothing to do. */
  if (!anyone_free)
    {
      if (agents_out != NULL)
        *agents_out = g_steal_pointer (&agents);
      return TRUE;
    }

  rows = dw_store_dispatch_queue (self->store, team_id, error);
  if (rows == NULL)
    return FALSE;

  for (guint r = 0; r < rows->len; r++)
    {
      DwStoreQueuedRow *row = &g_array_index (rows, DwStoreQueuedRow, r);
      DwQueuedTicket q = { 0 };
      g_autoptr(JsonNode) tags = parse_tags (row->customer_tags);
      g_autoptr(GPtrArray) strv = g_ptr_array_new ();

      if (tags != NULL && JSON_NODE_HOLDS_ARRAY (tags))
        {
          JsonArray *array = json_node_get_array (tags);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *e = json_array_get_element (array, i);

              if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
                g_ptr_array_add (strv, (gpointer) json_node_get_string (e));
            }
        }
      g_ptr_array_add (strv, NULL);

      q.ticket_id = row->ticket_id;
      q.priority = row->priority;
      q.created_at = row->created_at;
      q.vip = dw_routing_tags_are_vip ((const char * const *) strv->pdata);
      g_array_append_val (queue, q);

      if (row->business_type != NULL && !g_hash_table_contains (skills, row->business_type))
        g_hash_table_insert (skills, g_strdup (row->business_type),
                             business_type_skill (self, row->business_type));
    }

  g_clear_pointer (&rows, g_array_unref);
  dw_routing_sort_queue ((DwQueuedTicket *) (gpointer) queue->data, queue->len);

  for (guint i = 0; i < queue->len; i++)
    {
      DwQueuedTicket *q = &g_array_index (queue, DwQueuedTicket, i);
      g_autofree char *business_type = NULL;
      g_autofree char *reason = NULL;
      g_autofree char *why = NULL;
      g_autoptr(GError) local_error = NULL;
      const char *skill = NULL;
      gint64 user_id;
      Agent *agent;

      if (!dw_store_ticket_get_business_type (self->store, q->ticket_id, &business_type, error))
        return FALSE;
      if (business_type != NULL)
        skill = g_hash_table_lookup (skills, business_type);

      user_id = pick_from (agents, skill, 0, &reason);
      if (user_id <= 0)
        continue;

      why = g_strdup_printf ("routing: %s", reason);
      if (!dw_desk_assign_locked (self, NULL, q->ticket_id, user_id, q->ticket_id != fresh_id, why,
                                  &local_error))
        {
          /* Another instance took this one from the queue since it was read: its assignment
           * stands, and nothing was written here for it. */
          if (g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT))
            {
              g_clear_error (&local_error);
              continue;
            }
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      dw_desk_touch (touched, q->ticket_id, team_id, 0, TRUE);

      assigned = TRUE;
      agent = find_agent (agents, user_id);
      if (agent != NULL)
        {
          agent->candidate.open_tickets++;
          agent->candidate.last_assigned_at = dw_clock_now (self->clock);
        }
    }

  if (agents_out != NULL && !assigned)
    *agents_out = g_steal_pointer (&agents);
  return TRUE;
}

gboolean
dw_desk_dispatch_user_locked (DwDesk  *self,
                              gint64   user_id,
                              GArray  *touched,
                              GError **error)
{
  g_autoptr(GArray) teams = dw_store_user_team_ids (self->store, user_id, error);

  if (teams == NULL)
    return FALSE;

  for (guint i = 0; i < teams->len; i++)
    if (!dw_desk_dispatch_locked (self, g_array_index (teams, gint64, i), 0, touched, error))
      return FALSE;

  return TRUE;
}

typedef struct
{
  gint64  team_id;
  GArray *touched;
} Dispatch;

static JsonObject *
dispatch_write (DwDesk   *self,
                gpointer  data,
                GError  **error)
{
  Dispatch *dispatch = data;
  gboolean ok = TRUE;

  /* A retried attempt starts from nothing touched. */
  g_array_set_size (dispatch->touched, 0);
  if (dispatch->team_id > 0)
    {
      ok = dw_desk_dispatch_locked (self, dispatch->team_id, 0, dispatch->touched, error);
    }
  else
    {
      g_autoptr(GArray) teams = dw_store_team_ids (self->store, error);

      ok = teams != NULL;
      for (guint i = 0; ok && i < teams->len; i++)
        ok = dw_desk_dispatch_locked (self, g_array_index (teams, gint64, i), 0,
                                      dispatch->touched, error);
    }

  ok = ok && dw_desk_flush_touched (self, dispatch->touched, 0, error);
  return ok ? json_object_new () : NULL;
}

int
dw_desk_dispatch (DwDesk  *self,
                  gint64   team_id,
                  GError **error)
{
  g_autoptr(GArray) touched = g_array_new (FALSE, FALSE, sizeof (DwTouched));
  g_autoptr(JsonObject) result = NULL;
  Dispatch dispatch = { team_id, touched };

  g_return_val_if_fail (DW_IS_DESK (self), -1);

  result = dw_desk_write (self, dispatch_write, &dispatch, error);
  return result != NULL ? (int) touched->len : -1;
}

/* Object */

static void
dw_desk_dispose (GObject *object)
{
  DwDesk *self = DW_DESK (object);

  /* The service is going away: what the group holds is made durable, but nobody is answered
   * any more (the server goes first). */
  if (self->group_open)
    {
      g_autoptr(GError) error = NULL;

      if (!dw_store_tx_commit (self->store, &error))
        g_message ("A group of %u writes was not committed: %s", self->group_writes,
                   error != NULL ? error->message : "COMMIT failed");
      self->group_open = FALSE;
    }
  if (self->store != NULL)
    dw_store_set_begin_hook (self->store, NULL, NULL);
  g_clear_handle_id (&self->group_flush_id, g_source_remove);
  g_clear_handle_id (&self->group_deadline_id, g_source_remove);
  g_clear_pointer (&self->group_waiters, g_array_unref);
  g_clear_handle_id (&self->hand_back_alarm, g_source_remove);
  g_clear_handle_id (&self->hand_back_retry, g_source_remove);
  if (self->leader != NULL)
    g_clear_signal_handler (&self->leader_id, self->leader);
  g_clear_object (&self->leader);
  if (self->sla != NULL)
    g_clear_signal_handler (&self->reassign_handler, self->sla);
  g_clear_object (&self->sla);
  g_clear_object (&self->events);
  g_clear_object (&self->clock);
  g_clear_pointer (&self->classifier, dw_classifier_unref);
  g_clear_pointer (&self->classifier_key, g_free);

  G_OBJECT_CLASS (dw_desk_parent_class)->dispose (object);
}

static void
dw_desk_class_init (DwDeskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dw_desk_dispose;
}

static void
dw_desk_init (DwDesk *self)
{
  self->group_waiters = g_array_new (FALSE, FALSE, sizeof (GroupWaiter));
  g_array_set_clear_func (self->group_waiters, group_waiter_clear);
}

DwDesk *
dw_desk_new (DwStore     *store,
             DwClock     *clock,
             DwEventLog  *events,
             DwSlaEngine *sla)
{
  DwDesk *self;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (DW_IS_CLOCK (clock), NULL);
  g_return_val_if_fail (DW_IS_EVENT_LOG (events), NULL);
  g_return_val_if_fail (DW_IS_SLA_ENGINE (sla), NULL);

  self = g_object_new (DW_TYPE_DESK, NULL);
  self->store = store;
  self->clock = g_object_ref (clock);
  self->events = g_object_ref (events);
  self->sla = g_object_ref (sla);
  dw_store_set_begin_hook (self->store, store_begin_hook, self);
  dw_desk_tickets_init (self);
  /* Agents who went offline before a restart still have their grace counted. */
  dw_desk_hand_back_rearm (self);
  return self;
}

void
dw_desk_get_stats (DwDesk      *self,
                   DwDeskStats *stats)
{
  g_return_if_fail (DW_IS_DESK (self));
  g_return_if_fail (stats != NULL);

  stats->classifier_builds = self->classifier_builds;
  stats->writes_grouped = self->writes_grouped;
  stats->group_commits = self->group_commits;
}

DwClock *
dw_desk_get_clock (DwDesk *self)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);
  return self->clock;
}
