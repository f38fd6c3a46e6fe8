#define G_LOG_DOMAIN "dw-desk"

#include "dw-desk-private.h"

#include "dw-routing.h"

/* Members of a ticket that are audited field by field when they change. */
static const char * const ticket_audited[] = {
  "subject", "business_type", "priority", "status", "team_id", "assignee_id", "customer_id",
  "order_number", "tags", "first_response_at", "csat", "csat_comment", "escalation_level", NULL
};

/* The ticket as an update reads it; DW_DESK_ERROR_NOT_FOUND for an unknown id. */
static gboolean
ticket_row_load (DwDesk            *self,
                 gint64             ticket_id,
                 DwStoreTicketRow  *row,
                 GError           **error)
{
  g_autoptr(GError) local_error = NULL;

  if (dw_store_ticket_load (self->store, ticket_id, row, &local_error))
    return TRUE;

  if (g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND))
    g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                 "no ticket %" G_GINT64_FORMAT, ticket_id);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Writes @row over ticket @ticket_id, one version up.  A version that moved since @row was read
 * in this transaction (another instance's write committed in between: READ COMMITTED re-checks
 * the row and changes nothing), like a deadlock on the row, is the store's
 * DW_STORE_ERROR_CONFLICT, left as it is: dw_desk_write runs the write again, which reads the
 * ticket afresh (and refuses a client's stale "version" then, 409). */
static gboolean
ticket_row_store (DwDesk            *self,
                  gint64             ticket_id,
                  DwStoreTicketRow  *row,
                  GError           **error)
{
  return dw_store_ticket_update (self->store, ticket_id, row, dw_clock_now (self->clock), error);
}

static void
set_str (char       **field,
         const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

/* Validation helpers */

static char *
strv_to_json (GStrv strv)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);

  json_node_set_array (node, array);
  return dw_store_json_to_string (node);
}

static gboolean
check_tags (GStrv    tags,
            GError **error)
{
  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    {
      if (*g_strstrip (tags[i]) == '\0' || g_utf8_strlen (tags[i], -1) > 64)
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                       "tags[%u]: a tag is 1 to 64 characters", i);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
check_text (const char  *member,
            char        *text,
            glong        max_chars,
            gboolean     may_be_empty,
            GError     **error)
{
  if (text == NULL)
    return TRUE;

  if (!may_be_empty && *g_strstrip (text) == '\0')
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION, "%s: must not be empty", member);
      return FALSE;
    }

  if (g_utf8_strlen (text, -1) > max_chars)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "%s: longer than %ld characters", member, max_chars);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_exists (DwDesk         *self,
              const char     *member,
              DwStoreEntity   entity,
              const char     *what,
              gint64          id,
              GError        **error)
{
  if (id <= 0 || dw_store_entity_exists (self->store, entity, id))
    return TRUE;

  g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
               "%s: there is no %s %" G_GINT64_FORMAT, member, what, id);
  return FALSE;
}

/* A ticket's customer must be one the actor sees: linking a customer would otherwise hand
 * out its personal data (dw_desk_customer_visibility). */
static gboolean
check_customer (DwDesk       *self,
                DwPrincipal  *actor,
                gint64        customer_id,
                GError      **error)
{
  if (customer_id <= 0
      || (dw_store_entity_exists (self->store, DW_STORE_ENTITY_CUSTOMER, customer_id)
          && dw_desk_customer_visible (self, actor, customer_id)))
    return TRUE;

  g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
               "customer_id: there is no customer %" G_GINT64_FORMAT, customer_id);
  return FALSE;
}

static gboolean
check_assignable (DwDesk      *self,
                  gint64       user_id,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean disabled = FALSE;

  if (user_id <= 0)
    return TRUE;

  if (!dw_store_user_get_disabled (self->store, user_id, &disabled, &local_error))
    {
      if (g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND))
        g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                     "assignee_id: there is no user %" G_GINT64_FORMAT, user_id);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (disabled)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "assignee_id: user %" G_GINT64_FORMAT " is disabled", user_id);
      return FALSE;
    }

  return TRUE;
}

/* May @actor make @user_id the assignee of a ticket of @team_id?  Asked of the state the
 * change produces (@team_id is the ticket's team after it), so that moving a ticket and
 * assigning it in one request is no way around assigning it outside the actor's teams. */
static gboolean
check_may_assign (DwDesk       *self,
                  DwPrincipal  *actor,
                  gint64        team_id,
                  gint64        user_id,
                  GError      **error)
{
  if (actor == NULL || actor->role == DW_ROLE_ADMIN || user_id <= 0)
    return TRUE;

  if (actor->role == DW_ROLE_AGENT)
    {
      if (user_id != actor->user_id)
        {
          g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                               "an agent cannot assign tickets to others");
          return FALSE;
        }

      /* Itself, but not into a team it is not in. */
      if (team_id > 0 && !dw_principal_in_team (actor, team_id))
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                       "team %" G_GINT64_FORMAT " is not one of your teams: you cannot take "
                       "its tickets", team_id);
          return FALSE;
        }

      return TRUE;
    }

  /* A lead: a ticket without a team only to itself; otherwise within a team of its own, to a
   * member of that team. */
  if (team_id <= 0 && user_id == actor->user_id)
    return TRUE;

  if (team_id > 0 && !dw_principal_in_team (actor, team_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                   "team %" G_GINT64_FORMAT " is not one of your teams: you cannot assign its "
                   "tickets", team_id);
      return FALSE;
    }

  if (team_id > 0 && dw_desk_user_in_team (self, user_id, team_id))
    return TRUE;

  g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
               "user %" G_GINT64_FORMAT " is not a member of the ticket's team", user_id);
  return FALSE;
}

/* The keyword classifier of the routing rules, built once and kept while the rules stay the
 * same.  The rules are read on every call (a few rows through a cached statement) and compared
 * with those the kept classifier was built from: so an edit by anyone — this process, in a
 * transaction that may still roll back, or another process on the same file — is seen by the
 * next ticket, and only building the classifier (normalising every keyword, or parsing the
 * built-in rules) is saved.  That was 4 % of a create. */
static DwClassifier *
load_classifier (DwDesk *self)
{
  g_autoptr(GString) key = NULL;
  g_autoptr(GArray) rules = NULL;
  DwClassifier *classifier;
  guint64 version = 0;
  gboolean known;

  known = dw_store_routing_rules_version (self->store, &version);
  if (known && self->classifier != NULL && self->classifier_version_known
      && version == self->classifier_version)
    return dw_classifier_ref (self->classifier);

  rules = dw_store_routing_rules_list (self->store, NULL);
  if (rules == NULL)
    return dw_classifier_new_default ();

  /* What is built or found below is the rules as of @version. */
  self->classifier_version_known = known;
  self->classifier_version = version;
  key = g_string_new (NULL);

  for (guint i = 0; i < rules->len; i++)
    {
      const DwStoreRoutingRule *rule = &g_array_index (rules, DwStoreRoutingRule, i);

      /* Lengths first, so that no pair of rule lists can make the same key. */
      g_string_append_printf (key, "%zu:%s%zu:%s", strlen (rule->keyword), rule->keyword,
                              strlen (rule->business_type), rule->business_type);
    }

  if (self->classifier != NULL && g_strcmp0 (self->classifier_key, key->str) == 0)
    return dw_classifier_ref (self->classifier);

  /* No configured rules: the built-in Chinese and English ones. */
  if (rules->len == 0)
    {
      classifier = dw_classifier_new_default ();
    }
  else
    {
      classifier = dw_classifier_new ();
      for (guint i = 0; i < rules->len; i++)
        {
          const DwStoreRoutingRule *rule = &g_array_index (rules, DwStoreRoutingRule, i);

          dw_classifier_add_rule (classifier, rule->keyword, rule->business_type);
        }
    }

  g_clear_pointer (&self->classifier, dw_classifier_unref);
  g_free (self->classifier_key);
  self->classifier = dw_classifier_ref (classifier);
  self->classifier_key = g_string_free (g_steal_pointer (&key), FALSE);
  self->classifier_builds++;
  return classifier;
}

static gboolean
business_type_known (DwDesk     *self,
                     const char *key)
{
  g_autoptr(DwClassifier) classifier = NULL;

  if (dw_store_business_type_exists (self->store, key, NULL))
    return TRUE;

  classifier = load_classifier (self);
  for (guint i = 0; i < dw_classifier_get_n_rules (classifier); i++)
    {
      const char *keyword, *type;

      if (dw_classifier_get_rule (classifier, i, &keyword, &type) && g_strcmp0 (type, key) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
check_business_type (DwDesk      *self,
                     const char  *key,
                     GError     **error)
{
  if (key == NULL || business_type_known (self, key))
    return TRUE;

  g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
               "business_type: \"%s\" is not a known business type", key);
  return FALSE;
}

/* The team of @business_type, or 0; its name in @out_name. */
static gint64
team_for_business_type (DwDesk      *self,
                        const char  *business_type,
                        char       **out_name)
{
  gint64 team_id = 0;

  if (business_type == NULL
      || !dw_store_business_type_team (self->store, business_type, &team_id, out_name, NULL))
    return 0;

  return team_id;
}

static gint64
default_team (DwDesk *self)
{
  gint64 id = 0;

  dw_store_intake_default_team (self->store, &id, NULL);
  return dw_store_entity_exists (self->store, DW_STORE_ENTITY_TEAM, id) ? id : 0;
}

static JsonNode *
string_node (const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  return node;
}

static JsonNode *
int_node (gint64 value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (node, value);
  return node;
}

/* Creating */

static const char * const create_members[] = {
  "subject", "body", "channel", "business_type", "priority", "team_id", "assignee_id",
  "customer_id", "order_number", "tags", "override_capacity", NULL
};

/* A ticket given to (or reopened for) an agent who is already offline starts waiting on the
 * agent's grace, which may even be over: the hand-back alarm is set again after each change. */
static JsonObject *
rearm_after (DwDesk     *self,
             JsonObject *result)
{
  if (result != NULL)
    dw_desk_hand_back_rearm (self);
  return result;
}

static JsonObject *
create_ticket_locked (DwDesk       *self,
                      DwPrincipal  *actor,
                      JsonObject   *fields,
                      char        **text,
                      GError      **error)
{
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;
  g_autofree char *business_type = NULL;
  g_autofree char *order_number = NULL;
  g_autofree char *tags_json = NULL;
  g_autofree char *team_reason = NULL;
  g_autofree char *team_name = NULL;
  g_autofree char *intake_reason = NULL;
  g_auto(GStrv) tags = NULL;
  g_autoptr(GArray) touched = g_array_new (FALSE, FALSE, sizeof (DwTouched));
  g_autoptr(JsonObject) created = NULL;
  int channel = DW_CHANNEL_WEB;
  int priority = DW_PRIORITY_NORMAL;
  gint64 team_id = 0, assignee_id = 0, customer_id = 0, ticket_id;
  gint64 now = dw_clock_now (self->clock);
  gboolean explicit_team;
  gboolean override_capacity = FALSE;

  if (!dw_json_check_members (fields, create_members, error)
      || !dw_json_get_string (fields, "subject", DW_JSON_REQUIRED, &subject, error)
      || !dw_json_get_string (fields, "body", DW_JSON_OPTIONAL, &body, error)
      || !dw_json_get_enum (fields, "channel", DW_TYPE_CHANNEL, DW_JSON_REQUIRED, &channel, error)
      || !dw_json_get_string (fields, "business_type", DW_JSON_NULLABLE, &business_type, error)
      || !dw_json_get_enum (fields, "priority", DW_TYPE_PRIORITY, DW_JSON_OPTIONAL, &priority,
                            error)
      || !dw_json_get_int64 (fields, "team_id", DW_JSON_NULLABLE | DW_JSON_POSITIVE, &team_id,
                             error)
      || !dw_json_get_int64 (fields, "assignee_id", DW_JSON_NULLABLE | DW_JSON_POSITIVE,
                             &assignee_id, error)
      || !dw_json_get_int64 (fields, "customer_id", DW_JSON_NULLABLE | DW_JSON_POSITIVE,
                             &customer_id, error)
      || !dw_json_get_string (fields, "order_number", DW_JSON_NULLABLE, &order_number, error)
      || !dw_json_get_strv (fields, "tags", DW_JSON_NULLABLE, &tags, error)
      || !dw_json_get_boolean (fields, "override_capacity", DW_JSON_OPTIONAL, &override_capacity,
                               error))
    return NULL;

  if (!check_text ("subject", subject, 500, FALSE, error)
      || !check_text ("body", body, 100000, TRUE, error)
      || !check_text ("order_number", order_number, 100, TRUE, error)
      || !check_tags (tags, error)
      || !check_business_type (self, business_type, error)
      || !check_exists (self, "team_id", DW_STORE_ENTITY_TEAM, "team", team_id, error)
      || !check_customer (self, actor, customer_id, error)
      || !check_assignable (self, assignee_id, error))
    return NULL;

  if (business_type == NULL)
    {
      g_autoptr(DwClassifier) classifier = load_classifier (self);
      const char *keyword = NULL;
      const char *type = dw_classifier_classify_full (classifier, subject, body, &keyword);

      if (type != NULL)
        {
          business_type = g_strdup (type);
          intake_reason = g_strdup_printf ("classified as %s: keyword \"%s\"", type, keyword);
        }
      else
        {
          intake_reason = g_strdup ("no keyword rule matched");
        }
    }

  explicit_team = team_id > 0;
  if (explicit_team)
    {
      team_reason = g_strdup_printf ("team chosen by %s", dw_desk_actor_name (actor));
    }
  else if ((team_id = team_for_business_type (self, business_type, &team_name)) > 0)
    {
      team_reason = g_strdup_printf ("routing: business type %s belongs to team %s",
                                     business_type, team_name);
    }
  else if ((team_id = default_team (self)) > 0)
    {
      team_reason = g_strdup ("routing: no team for the business type; the intake default team");
    }

  if (!check_may_assign (self, actor, team_id, assignee_id, error))
    return NULL;

  tags_json = strv_to_json (tags);
  {
    DwStoreTicketNew ticket = {
      .subject = subject,
      .body = body,
      .channel = channel,
      .business_type = business_type,
      .priority = priority,
      .team_id = team_id,
      .customer_id = customer_id,
      .order_number = order_number,
      .tags = tags_json,
      .created_at = now,
    };

    ticket_id = dw_store_ticket_insert (self->store, &ticket, error);
    if (ticket_id == 0)
      return NULL;
  }

  dw_desk_touch (touched, ticket_id, 0, 0, FALSE);

  {
    g_autofree char *reason = g_strdup_printf ("intake via %s", dw_channel_to_string (channel));

    if (!dw_desk_audit (self, actor, "ticket", ticket_id, "created", NULL, NULL, NULL, reason,
                        error))
      return NULL;
  }

  if (intake_reason != NULL)
    {
      g_autoptr(JsonNode) after = business_type != NULL ? string_node (business_type)
                                                        : json_node_new (JSON_NODE_NULL);

      if (!dw_desk_audit (self, NULL, "ticket", ticket_id, "classified", "business_type", NULL,
                          after, intake_reason, error))
        return NULL;
    }

  if (team_id > 0)
    {
      g_autoptr(JsonNode) after = int_node (team_id);

      if (!dw_desk_audit (self, explicit_team ? actor : NULL, "ticket", ticket_id, "routed",
                          "team_id", NULL, after, team_reason, error))
        return NULL;
    }
  else if (!dw_desk_audit (self, NULL, "ticket", ticket_id, "routed", "team_id", NULL, NULL,
                           "routing: no team for this ticket; left for triage", error))
    {
      return NULL;
    }

  if (assignee_id > 0)
    {
      g_autofree char *reason = g_strdup_printf ("assigned by %s on intake",
                                                 dw_desk_actor_name (actor));

      if (!dw_desk_assign_locked (self, actor, ticket_id, assignee_id, FALSE, reason, error)
          || !dw_desk_check_capacity_locked (self, actor, ticket_id, assignee_id,
                                             override_capacity, error))
        return NULL;
    }
  else if (team_id > 0)
    {
      g_autoptr(GArray) agents = NULL;
      gint64 now_assignee = 0;

      if (!dw_desk_dispatch_locked_full (self, team_id, ticket_id, touched, &agents, error))
        return NULL;
      /* Dispatch assigned nothing (it hands the agents back only then): not this ticket. */
      if (agents == NULL
          && !dw_store_ticket_get_assignee (self->store, ticket_id, &now_assignee, error))
        return NULL;

      if (now_assignee == 0)
        {
          g_autofree char *reason = NULL;
          g_autofree char *why = NULL;

          /* The reason from the agents dispatch read, when it changed none of them. */
          if (agents != NULL)
            dw_desk_pick_agent_among_locked (self, agents, business_type, 0, &reason);
          else if (dw_desk_pick_agent_locked (self, team_id, business_type, 0, &reason,
                                              error) < 0)
            return NULL;

          why = g_strdup_printf ("routing: %s; waiting in the team queue",
                                 reason != NULL ? reason : "nobody free");
          if (!dw_desk_audit (self, NULL, "ticket", ticket_id, "queued", "assignee_id", NULL, NULL,
                              why, error))
            return NULL;
        }
    }

  /* The ticket's JSON as the event carries it is the reply too: nothing changes it after. */
  if (!dw_desk_flush_touched_full (self, touched, ticket_id, &created, text, error))
    return NULL;

  if (created == NULL)
    return dw_store_ticket_load_json (self->store, ticket_id, error);
  return g_steal_pointer (&created);
}

typedef struct
{
  DwPrincipal  *actor;
  JsonObject   *fields;
  char        **text;   /* NULL: the object is wanted, not the text */
} Create;

static JsonObject *
create_ticket_write (DwDesk   *self,
                     gpointer  data,
                     GError  **error)
{
  Create *create = data;

  /* A retried attempt's text is its own. */
  if (create->text != NULL)
    g_clear_pointer (create->text, g_free);
  return create_ticket_locked (self, create->actor, create->fields, create->text, error);
}

JsonObject *
dw_desk_create_ticket (DwDesk       *self,
                       DwPrincipal  *actor,
                       JsonObject   *fields,
                       GError      **error)
{
  return dw_desk_create_ticket_full (self, actor, fields, NULL, error);
}

JsonObject *
dw_desk_create_ticket_full (DwDesk       *self,
                            DwPrincipal  *actor,
                            JsonObject   *fields,
                            char        **text,
                            GError      **error)
{
  g_autoptr(JsonObject) created = NULL;
  g_autofree char *created_text = NULL;

  g_return_val_if_fail (DW_IS_DESK (self), NULL);
  g_return_val_if_fail (fields != NULL, NULL);

  created = dw_desk_write (self, create_ticket_write,
                           &(Create) { actor, fields, text != NULL ? &created_text : NULL },
                           error);
  if (created == NULL)
    return NULL;

  /* Only an assigned ticket can wait on an offline agent's grace: a new ticket without an
   * assignee leaves the stranded tickets (and so the alarm) as they were, and asking the store
   * after every create was 5 % of a create's instructions (issue 13). */
  if (created != NULL && dw_desk_member_id (created, "assignee_id") > 0)
    dw_desk_hand_back_rearm (self);
  if (created != NULL && text != NULL)
    *text = g_steal_pointer (&created_text);
  return g_steal_pointer (&created);
}

/* Updating */

static const char * const update_members[] = {
  "version", "subject", "business_type", "priority", "status", "team_id", "assignee_id",
  "customer_id", "order_number", "tags", "csat", "csat_comment", "escalation_level", "reason",
  "override_capacity", NULL
};

/* How far a lead may escalate by hand (the SLA engine's own escalations are not capped). */
#define MAX_ESCALATION_LEVEL 3

static gboolean
ticket_visible (DwPrincipal *actor,
                JsonObject  *ticket)
{
  return actor == NULL
         || dw_principal_can_see (actor, dw_desk_member_id (ticket, "team_id"),
                                  dw_desk_member_id (ticket, "assignee_id"));
}

static JsonObject *
update_ticket_locked (DwDesk       *self,
                      DwPrincipal  *actor,
                      gint64        ticket_id,
                      JsonObject   *changes,
                      GError      **error)
{
  g_auto(DwStoreTicketRow) row = { 0 };
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GArray) touched = g_array_new (FALSE, FALSE, sizeof (DwTouched));
  g_autofree char *reason = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *business_type = NULL;
  g_autofree char *order_number = NULL;
  g_autofree char *csat_comment = NULL;
  g_auto(GStrv) tags = NULL;
  gint64 version = 0, team_id = 0, assignee_id = 0, customer_id = 0, csat = 0;
  gint64 escalation_level = 0, old_escalation_level;
  gboolean has_escalation_level;
  int priority, status;
  gint64 old_team_id, old_assignee_id;
  int old_status;
  gboolean was_active, is_active;
  gboolean override_capacity = FALSE;

  before = dw_store_ticket_load_json (self->store, ticket_id, NULL);
  if (before == NULL || !ticket_visible (actor, before))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no ticket %" G_GINT64_FORMAT, ticket_id);
      return NULL;
    }

  if (!ticket_row_load (self, ticket_id, &row, error))
    return NULL;

  priority = row.priority;
  status = old_status = row.status;
  old_team_id = row.team_id;
  old_assignee_id = row.assignee_id;

  if (!dw_json_check_members (changes, update_members, error)
      || !dw_json_get_int64 (changes, "version", DW_JSON_POSITIVE, &version, error)
      || !dw_json_get_string (changes, "subject", DW_JSON_OPTIONAL, &subject, error)
      || !dw_json_get_string (changes, "business_type", DW_JSON_NULLABLE, &business_type, error)
      || !dw_json_get_enum (changes, "priority", DW_TYPE_PRIORITY, DW_JSON_OPTIONAL, &priority,
                            error)
      || !dw_json_get_enum (changes, "status", DW_TYPE_STATUS, DW_JSON_OPTIONAL, &status, error)
      || !dw_json_get_int64 (changes, "team_id", DW_JSON_POSITIVE, &team_id, error)
      || !dw_json_get_int64 (changes, "assignee_id", DW_JSON_NULLABLE | DW_JSON_POSITIVE,
                             &assignee_id, error)
      || !dw_json_get_int64 (changes, "customer_id", DW_JSON_NULLABLE | DW_JSON_POSITIVE,
                             &customer_id, error)
      || !dw_json_get_string (changes, "order_number", DW_JSON_NULLABLE, &order_number, error)
      || !dw_json_get_strv (changes, "tags", DW_JSON_NULLABLE, &tags, error)
      || !dw_json_get_int64 (changes, "csat", DW_JSON_NULLABLE | DW_JSON_POSITIVE, &csat, error)
      || !dw_json_get_string (changes, "csat_comment", DW_JSON_NULLABLE, &csat_comment, error)
      || !dw_json_get_int64 (changes, "escalation_level", DW_JSON_OPTIONAL, &escalation_level,
                             error)
      || !dw_json_get_string (changes, "reason", DW_JSON_OPTIONAL, &reason, error)
      || !dw_json_get_boolean (changes, "override_capacity", DW_JSON_OPTIONAL, &override_capacity,
                               error))
    return NULL;

  /* A rating someone at the desk could set would not be the customer's: it comes from the
   * survey only (dw-desk-surveys.c). */
  if (json_object_has_member (changes, "csat") || json_object_has_member (changes, "csat_comment"))
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                           "csat: ratings come from the customer's survey "
                           "(POST /api/v1/surveys/{token}), not from the desk");
      return NULL;
    }

  if (!check_text ("subject", subject, 500, FALSE, error)
      || !check_text ("order_number", order_number, 100, TRUE, error)
      || !check_text ("csat_comment", csat_comment, 2000, TRUE, error)
      || !check_text ("reason", reason, 500, TRUE, error)
      || !check_tags (tags, error)
      || !check_business_type (self, business_type, error)
      || !check_exists (self, "team_id", DW_STORE_ENTITY_TEAM, "team", team_id, error)
      || !check_customer (self, actor, customer_id, error)
      || !check_assignable (self, assignee_id, error))
    return NULL;

  if (csat > 5)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                           "csat: must be between 1 and 5");
      return NULL;
    }

  /* Present or not is the member itself, not a value set aside for "absent": -1 and -2^63
   * are values someone sent, and are refused like any other level that is not the next. */
  has_escalation_level = json_object_has_member (changes, "escalation_level");
  old_escalation_level = json_object_get_int_member_with_default (before, "escalation_level", 0);
  if (has_escalation_level && escalation_level < 0)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                   "escalation_level: %" G_GINT64_FORMAT " is not a level (0 to %d)",
                   escalation_level, MAX_ESCALATION_LEVEL);
      return NULL;
    }
  if (has_escalation_level && escalation_level != old_escalation_level)
    {
      /* A lead escalates one step at a time: the level says how often it was escalated. */
      if (escalation_level != old_escalation_level + 1 || escalation_level > MAX_ESCALATION_LEVEL)
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                       "escalation_level: can only go up one step at a time, to at most %d "
                       "(it is %" G_GINT64_FORMAT ")", MAX_ESCALATION_LEVEL, old_escalation_level);
          return NULL;
        }
      if (actor != NULL && actor->role != DW_ROLE_ADMIN
          && !(actor->role == DW_ROLE_LEAD && dw_principal_leads_team (actor, row.team_id)))
        {
          g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                               "only a lead of the ticket's team can escalate it");
          return NULL;
        }
    }
  else if (has_escalation_level && escalation_level < old_escalation_level)
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                           "escalation_level: cannot go down");
      return NULL;
    }

  if (json_object_has_member (changes, "version") && version != row.version)
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_CONFLICT,
                   "version %" G_GINT64_FORMAT " is stale: ticket %" G_GINT64_FORMAT
                   " is at version %" G_GINT64_FORMAT, version, ticket_id, row.version);
      return NULL;
    }

  /* Apply */
  if (subject != NULL)
    set_str (&row.subject, subject);
  if (json_object_has_member (changes, "business_type"))
    set_str (&row.business_type, business_type);
  row.priority = priority;
  row.status = status;
  if (team_id > 0)
    row.team_id = team_id;
  if (json_object_has_member (changes, "assignee_id"))
    row.assignee_id = assignee_id;
  if (json_object_has_member (changes, "customer_id"))
    row.customer_id = customer_id;
  if (json_object_has_member (changes, "order_number"))
    set_str (&row.order_number, order_number);
  if (json_object_has_member (changes, "tags"))
    {
      g_free (row.tags);
      row.tags = strv_to_json (tags);
    }
  if (json_object_has_member (changes, "csat"))
    row.csat = (int) csat;
  if (json_object_has_member (changes, "csat_comment"))
    set_str (&row.csat_comment, csat_comment);

  /* Roles */
  if (actor != NULL && actor->role == DW_ROLE_AGENT
      && (row.team_id != old_team_id || row.assignee_id != old_assignee_id))
    {
      g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                           "an agent cannot move or reassign tickets; ask a team lead");
      return NULL;
    }

  /* Every step is the lead's to take: it hands over only tickets of its own teams (to any
   * team's queue), and whoever it assigns is checked against the team the ticket ends up in. */
  if (actor != NULL && actor->role == DW_ROLE_LEAD && row.team_id != old_team_id
      && old_team_id > 0 && !dw_principal_in_team (actor, old_team_id))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                   "team %" G_GINT64_FORMAT " is not one of your teams: you cannot move its "
                   "tickets", old_team_id);
      return NULL;
    }

  if (row.assignee_id != old_assignee_id
      && !check_may_assign (self, actor, row.team_id, row.assignee_id, error))
    return NULL;

  /* Moved to a team its assignee is not in: back to that team's queue. */
  if (row.team_id != old_team_id && !json_object_has_member (changes, "assignee_id")
      && row.assignee_id > 0 && !dw_desk_user_in_team (self, row.assignee_id, row.team_id))
    row.assignee_id = 0;

  was_active = dw_status_is_active (old_status);
  is_active = dw_status_is_active (row.status);
  if (row.status == DW_STATUS_SOLVED && old_status != DW_STATUS_SOLVED)
    row.solved_at = dw_clock_now (self->clock);
  else if (is_active)
    row.solved_at = 0;
  else if (row.status == DW_STATUS_CLOSED && row.solved_at == 0)
    row.solved_at = dw_clock_now (self->clock);

  if (!ticket_row_store (self, ticket_id, &row, error))
    return NULL;

  /* Solved: the customer gets a survey to rate it. */
  if (row.status == DW_STATUS_SOLVED && old_status != DW_STATUS_SOLVED
      && !dw_desk_issue_survey_locked (self, ticket_id, error))
    return NULL;

  /* A new assignee: routing never goes over capacity, and neither does a reassignment by hand
   * unless a lead says so. */
  if (row.assignee_id > 0 && is_active && row.assignee_id != old_assignee_id
      && !dw_desk_check_capacity_locked (self, actor, ticket_id, row.assignee_id,
                                         override_capacity, error))
    return NULL;

  if (escalation_level > old_escalation_level)
    {
      if (!dw_store_ticket_set_escalation_level (self->store, ticket_id, escalation_level,
                                                 error))
        return NULL;
    }

  after = dw_store_ticket_load_json (self->store, ticket_id, error);
  if (after == NULL)
    return NULL;

  /* Nothing changed: keep the version and write nothing. */
  {
    gboolean same = TRUE;

    for (guint i = 0; same && ticket_audited[i] != NULL; i++)
      same = json_node_equal (json_object_get_member (before, ticket_audited[i]),
                              json_object_get_member (after, ticket_audited[i]));

    if (same)
      {
        g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_UNCHANGED, "unchanged");
        return NULL;
      }
  }

  if (row.assignee_id > 0 && row.assignee_id != old_assignee_id)
    {
      if (!dw_store_user_set_last_assigned (self->store, row.assignee_id,
                                            dw_clock_now (self->clock), error))
        return NULL;
    }

  if (reason == NULL && row.team_id != old_team_id && row.assignee_id == 0 && old_assignee_id > 0)
    reason = g_strdup ("moved to a team its assignee is not in");

  if (!dw_desk_audit_diff (self, actor, "ticket", ticket_id, before, after, ticket_audited,
                           reason, error))
    return NULL;

  dw_desk_touch (touched, ticket_id, old_team_id, old_assignee_id, was_active);

  /* Capacity freed: the old assignee's teams may hand out a waiting ticket. */
  if (old_assignee_id > 0 && was_active
      && (row.assignee_id != old_assignee_id || !is_active)
      && !dw_desk_dispatch_user_locked (self, old_assignee_id, touched, error))
    return NULL;

  /* Now waiting unassigned: its team may have someone free. */
  if (row.assignee_id == 0 && is_active
      && (row.team_id != old_team_id || old_assignee_id != 0 || !was_active)
      && !dw_desk_dispatch_locked (self, row.team_id, 0, touched, error))
    return NULL;

  if (!dw_desk_flush_touched (self, touched, 0, error))
    return NULL;

  return dw_store_ticket_load_json (self->store, ticket_id, error);
}

JsonObject *
dw_desk_update_ticket_locked (DwDesk       *self,
                              DwPrincipal  *actor,
                              gint64        ticket_id,
                              JsonObject   *changes,
                              GError      **error)
{
  return update_ticket_locked (self, actor, ticket_id, changes, error);
}

static JsonObject *
update_ticket_write (DwDesk   *self,
                     gpointer  data,
                     GError  **error)
{
  DwDeskWriteArgs *args = data;

  return update_ticket_locked (self, args->actor, args->id, args->fields, error);
}

JsonObject *
dw_desk_update_ticket (DwDesk       *self,
                       DwPrincipal  *actor,
                       gint64        ticket_id,
                       JsonObject   *changes,
                       GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonObject *result;

  g_return_val_if_fail (DW_IS_DESK (self), NULL);
  g_return_val_if_fail (changes != NULL, NULL);

  result = dw_desk_write (self, update_ticket_write,
                          &(DwDeskWriteArgs) { actor, ticket_id, changes }, &local_error);
  if (result != NULL)
    return rearm_after (self, result);

  if (g_error_matches (local_error, DW_DESK_ERROR, DW_DESK_ERROR_UNCHANGED))
    return dw_store_ticket_load_json (self->store, ticket_id, error);

  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/* Comments */

static const char * const comment_members[] = {
  "body", "public", "author_kind", "author_id", NULL
};

/* Only the intake path speaks as a customer (or as the system): the service itself (@actor
 * NULL: the demo, the command line) and an admin's token, which intake integrations use.  An
 * agent or lead writes as itself. */
static gboolean
may_speak_for_others (DwPrincipal  *actor,
                      const char   *kind,
                      GError      **error)
{
  if (actor == NULL || actor->role == DW_ROLE_ADMIN)
    return TRUE;

  g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
               "author_kind: only intake (an admin's token) writes as %s; you write as yourself",
               kind);
  return FALSE;
}

static JsonObject *
add_comment_locked (DwDesk       *self,
                    DwPrincipal  *actor,
                    gint64        ticket_id,
                    JsonObject   *fields,
                    GError      **error)
{
  g_auto(DwStoreTicketRow) row = { 0 };
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) comment = NULL;
  g_autoptr(GArray) touched = g_array_new (FALSE, FALSE, sizeof (DwTouched));
  g_autofree char *body = NULL;
  g_autofree char *reason = NULL;
  gboolean is_public = TRUE;
  int author_kind = actor != NULL ? DW_AUTHOR_AGENT : DW_AUTHOR_SYSTEM;
  gint64 author_id = 0, comment_id, old_assignee_id;
  gint64 now = dw_clock_now (self->clock);
  int old_status;

  before = dw_store_ticket_load_json (self->store, ticket_id, NULL);
  if (before == NULL || !ticket_visible (actor, before))
    {
      g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_NOT_FOUND,
                   "no ticket %" G_GINT64_FORMAT, ticket_id);
      return NULL;
    }

  if (!ticket_row_load (self, ticket_id, &row, error))
    return NULL;

  old_status = row.status;
  old_assignee_id = row.assignee_id;

  if (!dw_json_check_members (fields, comment_members, error)
      || !dw_json_get_string (fields, "body", DW_JSON_REQUIRED, &body, error)
      || !dw_json_get_boolean (fields, "public", DW_JSON_OPTIONAL, &is_public, error)
      || !dw_json_get_enum (fields, "author_kind", DW_TYPE_AUTHOR_KIND, DW_JSON_OPTIONAL,
                            &author_kind, error)
      || !dw_json_get_int64 (fields, "author_id", DW_JSON_NULLABLE | DW_JSON_POSITIVE,
                             &author_id, error)
      || !check_text ("body", body, 100000, FALSE, error))
    return NULL;

  switch (author_kind)
    {
    case DW_AUTHOR_AGENT:
      if (actor != NULL && author_id > 0 && author_id != actor->user_id)
        {
          g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_FORBIDDEN,
                               "author_id: you can only write as yourself");
          return NULL;
        }
      if (actor != NULL)
        author_id = actor->user_id;
      if (author_id > 0 && !check_exists (self, "author_id", DW_STORE_ENTITY_USER, "user", author_id, error))
        return NULL;
      break;

    case DW_AUTHOR_CUSTOMER:
      if (!may_speak_for_others (actor, "customer", error))
        return NULL;
      if (author_id == 0)
        author_id = row.customer_id;
      if (!check_exists (self, "author_id", DW_STORE_ENTITY_CUSTOMER, "customer", author_id, error))
        return NULL;
      /* A customer writes on its own tickets only. */
      if (author_id != row.customer_id)
        {
          g_set_error (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                       "author_id: customer %" G_GINT64_FORMAT " is not the customer of ticket %"
                       G_GINT64_FORMAT, author_id, ticket_id);
          return NULL;
        }
      if (!is_public)
        {
          g_set_error_literal (error, DW_DESK_ERROR, DW_DESK_ERROR_VALIDATION,
                               "public: a customer's message is always public");
          return NULL;
        }
      break;

    case DW_AUTHOR_SYSTEM:
    default:
      if (!may_speak_for_others (actor, "system", error))
        return NULL;
      author_id = 0;
      break;
    }

  {
    DwStoreCommentNew comment_row = {
      .ticket_id = ticket_id,
      .author_kind = author_kind,
      .author_id = author_id,
      .is_public = is_public,
      .body = body,
      .created_at = now,
    };

    comment_id = dw_store_comment_insert (self->store, &comment_row, error);
    if (comment_id == 0)
      return NULL;
  }

  /* What a message means for the ticket. */
  if (author_kind == DW_AUTHOR_AGENT && is_public)
    {
      if (row.first_response_at == 0)
        row.first_response_at = now;
      if (row.status == DW_STATUS_NEW)
        row.status = DW_STATUS_OPEN;
      reason = g_strdup ("agent replied");
    }
  else if (author_kind == DW_AUTHOR_CUSTOMER
           && (row.status == DW_STATUS_PENDING || row.status == DW_STATUS_SOLVED))
    {
      gint64 load = 0, capacity = G_MAXINT64;

      /* A solved ticket coming back is new load: an agent already full does not get it. */
      if (row.status == DW_STATUS_SOLVED && row.assignee_id > 0
          && !dw_desk_load_locked (self, row.assignee_id, ticket_id, &load, &capacity, error))
        return NULL;

      row.status = DW_STATUS_OPEN;
      row.solved_at = 0;
      if (load >= capacity)
        {
          row.assignee_id = 0;
          reason = g_strdup_printf ("customer replied; its agent already holds %" G_GINT64_FORMAT
                                    " of %" G_GINT64_FORMAT " tickets: back to the team queue",
                                    load, capacity);
        }
      else
        reason = g_strdup ("customer replied");
    }

  if (!ticket_row_store (self, ticket_id, &row, error))
    return NULL;

  after = dw_store_ticket_load_json (self->store, ticket_id, error);
  if (after == NULL)
    return NULL;

  {
    g_autoptr(JsonNode) id_node = int_node (comment_id);

    if (!dw_desk_audit (self, actor, "ticket", ticket_id, "commented", NULL, NULL, id_node,
                        is_public ? "public reply" : "internal note", error)
        || !dw_desk_audit_diff (self, actor, "ticket", ticket_id, before, after, ticket_audited,
                                reason, error))
      return NULL;
  }

  comment = dw_store_comment_load_json (self->store, comment_id, error);
  if (comment == NULL
      || !dw_desk_emit (self, "comment.created", row.team_id, row.assignee_id, comment, error))
    return NULL;

  dw_desk_touch (touched, ticket_id, row.team_id, old_assignee_id,
                 dw_status_is_active (old_status));
  /* Back in the queue: someone else in the team may have room. */
  if (row.assignee_id == 0 && old_assignee_id > 0
      && !dw_desk_dispatch_locked (self, row.team_id, 0, touched, error))
    return NULL;
  if (!dw_desk_flush_touched (self, touched, 0, error))
    return NULL;

  return g_steal_pointer (&comment);
}

static JsonObject *
add_comment_write (DwDesk   *self,
                   gpointer  data,
                   GError  **error)
{
  DwDeskWriteArgs *args = data;

  return add_comment_locked (self, args->actor, args->id, args->fields, error);
}

JsonObject *
dw_desk_add_comment (DwDesk       *self,
                     DwPrincipal  *actor,
                     gint64        ticket_id,
                     JsonObject   *fields,
                     GError      **error)
{
  g_return_val_if_fail (DW_IS_DESK (self), NULL);
  g_return_val_if_fail (fields != NULL, NULL);

  return rearm_after (self, dw_desk_write (self, add_comment_write,
                                           &(DwDeskWriteArgs) { actor, ticket_id, fields },
                                           error));
}

/* SLA escalation: reassign */

static JsonObject *
reassign_locked (DwDesk  *self,
                 gint64   ticket_id,
                 GError **error)
{
  g_auto(DwStoreTicketRow) row = { 0 };
  g_autoptr(GArray) touched = g_array_new (FALSE, FALSE, sizeof (DwTouched));
  g_autofree char *reason = NULL;
  g_autofree char *why = NULL;
  gint64 user_id, old_assignee_id;

  if (!ticket_row_load (self, ticket_id, &row, error))
    return NULL;

  old_assignee_id = row.assignee_id;
  if (!dw_status_is_active (row.status) || row.team_id <= 0)
    return json_object_new ();

  user_id = dw_desk_pick_agent_locked (self, row.team_id, row.business_type, row.assignee_id,
                                       &reason, error);
  if (user_id < 0)
    return NULL;

  if (user_id == 0)
    {
      why = g_strdup_printf ("sla: reassignment requested, but %s; the assignee keeps it",
                             reason != NULL ? reason : "nobody else is free");
      if (!dw_desk_audit (self, NULL, "ticket", ticket_id, "escalated", "assignee_id", NULL, NULL,
                          why, error))
        return NULL;
      return json_object_new ();
    }

  {
    g_autoptr(JsonObject) before = dw_store_ticket_load_json (self->store, ticket_id, error);
    g_autoptr(JsonObject) after = NULL;
    static const char * const fields[] = { "assignee_id", NULL };

    if (before == NULL)
      return NULL;

    row.assignee_id = user_id;
    if (!ticket_row_store (self, ticket_id, &row, error))
      return NULL;

    after = dw_store_ticket_load_json (self->store, ticket_id, error);
    why = g_strdup_printf ("sla: breached, reassigned; routing: %s", reason);
    if (after == NULL
        || !dw_desk_audit_diff (self, NULL, "ticket", ticket_id, before, after, fields, why, error))
      return NULL;
  }

  dw_desk_touch (touched, ticket_id, row.team_id, old_assignee_id, TRUE);
  if (!dw_desk_flush_touched (self, touched, 0, error))
    return NULL;

  return json_object_new ();
}

static JsonObject *
reassign_write (DwDesk   *self,
                gpointer  data,
                GError  **error)
{
  return reassign_locked (self, *(gint64 *) data, error);
}

static void reassign_later (DwDesk *self,
                            gint64  ticket_id,
                            guint   seconds);

static gboolean
reassign_idle_cb (gpointer data)
{
  gpointer *pair = data;
  DwDesk *self = pair[0];
  gint64 ticket_id = *(gint64 *) pair[1];
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;

  /* Lost to another instance's write: run again (dw_desk_write); lost every attempt: the
   * breach still wants it, so once more a moment later. */
  result = dw_desk_write (self, reassign_write, &ticket_id, &error);
  if (g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT))
    {
      g_message ("Reassigning ticket %" G_GINT64_FORMAT " lost %u times to other writes, "
                 "trying again shortly: %s", ticket_id, DW_DESK_WRITE_ATTEMPTS, error->message);
      reassign_later (self, ticket_id, 1);
    }
  else if (dw_store_tx_locked (error))
    {
      /* The ticket (or an agent) locked by another session past lock_timeout: later, not at
       * once, since each try waits that long on the main loop. */
      g_message ("Reassigning ticket %" G_GINT64_FORMAT " waited too long for a lock held "
                 "elsewhere, trying again in %u s: %s", ticket_id, DW_STORE_TX_LOCKED_RETRY_S,
                 error->message);
      reassign_later (self, ticket_id, DW_STORE_TX_LOCKED_RETRY_S);
    }
  else if (result == NULL)
    g_warning ("Cannot reassign ticket %" G_GINT64_FORMAT ": %s", ticket_id, error->message);

  return G_SOURCE_REMOVE;
}

static void
reassign_pair_free (gpointer data)
{
  gpointer *pair = data;

  g_object_unref (pair[0]);
  g_free (pair[1]);
  g_free (pair);
}

static void
reassign_later (DwDesk *self,
                gint64  ticket_id,
                guint   seconds)
{
  gpointer *pair = g_new0 (gpointer, 2);

  pair[0] = g_object_ref (self);
  pair[1] = g_memdup2 (&ticket_id, sizeof ticket_id);

  if (seconds == 0)
    g_idle_add_full (G_PRIORITY_DEFAULT, reassign_idle_cb, pair, reassign_pair_free);
  else
    g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, seconds, reassign_idle_cb, pair,
                                reassign_pair_free);
}

static void
sla_reassign_requested_cb (DwSlaEngine *engine,
                           gint64       ticket_id,
                           DwDesk      *self)
{
  /* Our own transaction, never nested in whatever the engine is finishing. */
  reassign_later (self, ticket_id, 0);
}

void
dw_desk_tickets_init (DwDesk *self)
{
  if (g_signal_lookup ("reassign-requested", G_OBJECT_TYPE (self->sla)) != 0)
    self->reassign_handler = g_signal_connect (self->sla, "reassign-requested",
                                               G_CALLBACK (sla_reassign_requested_cb), self);
  else
    g_warning ("The SLA engine has no reassign-requested signal; reassign escalations are off");
}
