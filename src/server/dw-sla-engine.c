#define G_LOG_DOMAIN "dw-sla-engine"

#include "dw-sla-engine.h"

#include "dw-json.h"
#include "dw-sla.h"
#include "dw-store.h"
#include "store/dw-store-events.h"
#include "store/dw-store-sla.h"
#include "store/dw-store-tickets.h"
#include "store/dw-store-tx.h"

/* Tickets refreshed per alarm transaction; more due ones re-arm the alarm at once. */
#define DUE_BATCH 200
/* While the database is away, the schedule is read again this often (real seconds). */
#define RETRY_UNAVAILABLE_S 1

typedef struct
{
  char       *key;       /* the row's text: reuse the parsed calendar while it is unchanged */
  DwCalendar *calendar;
} CachedCalendar;

struct _DwSlaEngine
{
  GObject     parent_instance;

  DwStore    *store;      /* the service's, not owned; also the alarm's own transactions */
  DwClock    *clock;
  DwEventLog *events;
  gulong      published_id;

  GHashTable *calendars;   /* calendar id → CachedCalendar */
  char       *rules_key;
  GPtrArray  *rules;       /* of DwSlaRule, by position */

  /* While the store's settings version (dw_store_sla_config_version) stays what it was when
   * they were read, the rules above and each team's calendar are reused without reading the
   * rows at all: two queries and a comparison of every policy's and the calendar's text were
   * a third of the refresh (issue 13).  Without a version (PostgreSQL) the rows are read on
   * each refresh, as before. */
  gboolean    config_known;    /* config_version is the version the caches were read at */
  guint64     config_version;
  gboolean    config_current;  /* this refresh found that version unchanged */
  GHashTable *team_calendars;  /* team id → DwCalendar (a ref) or NULL: no calendar */

  /* Alarms run while started and leading: with several instances only the leader's engine
   * breaches and escalates (dw-leader.h); the others still refresh what their own writes touch. */
  gboolean    running;
  gboolean    started;
  gboolean    leading;
  DwLeader   *leader;
  gulong      leader_id;
  guint       alarm_id;
  gint64      alarm_at;

  /* The database away (DW_STORE_ERROR_UNAVAILABLE: PostgreSQL restarting): said once, and the
   * schedule is read again every RETRY_UNAVAILABLE_S until it is back. */
  gboolean    unavailable;
  gboolean    locked;      /* the same for a lock held elsewhere (DW_STORE_ERROR_LOCK_TIMEOUT) */
  guint       retry_id;
};

G_DEFINE_FINAL_TYPE (DwSlaEngine, dw_sla_engine, G_TYPE_OBJECT)

enum {
  REASSIGN_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What refresh needs of a ticket row. */
typedef struct
{
  gint64      id;
  DwPriority  priority;
  DwStatus    status;
  DwChannel   channel;
  char       *business_type;
  gint64      team_id;
  gint64      assignee_id;
  gint64      customer_id;
  gint64      created_at;
  gint64      policy_id;
  char       *sla;
  gint64      next_sla_at;
  gint64      escalation_level;
} TicketRow;

static void
ticket_row_clear (TicketRow *row)
{
  g_clear_pointer (&row->business_type, g_free);
  g_clear_pointer (&row->sla, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TicketRow, ticket_row_clear)

static void
cached_calendar_free (gpointer data)
{
  CachedCalendar *cached = data;

  g_free (cached->key);
  g_clear_object (&cached->calendar);
  g_free (cached);
}

static void
calendar_unref_or_null (gpointer data)
{
  if (data != NULL)
    g_object_unref (data);
}

static int
parse_enum (GType       type,
            const char *text,
            int         fallback)
{
  int value = fallback;

  dw_enum_from_string (type, text, &value);
  return value;
}

static gboolean
load_ticket (DwSlaEngine  *self,
             gint64        ticket_id,
             TicketRow    *row,
             GError      **error)
{
  g_auto(DwStoreSlaTicket) stored = { 0 };

  if (!dw_store_sla_ticket_load (self->store, ticket_id, &stored, error))
    return FALSE;

  row->id = stored.id;
  row->priority = parse_enum (DW_TYPE_PRIORITY, stored.priority, DW_PRIORITY_NORMAL);
  row->status = parse_enum (DW_TYPE_STATUS, stored.status, DW_STATUS_NEW);
  row->channel = parse_enum (DW_TYPE_CHANNEL, stored.channel, DW_CHANNEL_WEB);
  row->business_type = g_steal_pointer (&stored.business_type);
  row->team_id = stored.team_id;
  row->assignee_id = stored.assignee_id;
  row->customer_id = stored.customer_id;
  row->created_at = stored.created_at;
  row->policy_id = stored.policy_id;
  row->sla = g_steal_pointer (&stored.sla);
  row->next_sla_at = stored.next_sla_at;
  row->escalation_level = stored.escalation_level;
  return TRUE;
}

/* A JSON column's text as a node: null when absent or not JSON (as dw_store_column_json). */
static void
set_json_text (JsonObject *object,
               const char *member,
               const char *text)
{
  g_autoptr(JsonParser) parser = NULL;

  if (text != NULL)
    {
      parser = json_parser_new_immutable ();
      if (json_parser_load_from_data (parser, text, -1, NULL)
          && json_parser_get_root (parser) != NULL)
        {
          json_object_set_member (object, member, json_node_copy (json_parser_get_root (parser)));
          return;
        }
      g_warning ("Invalid JSON in column %s: %s", member, text);
    }

  json_object_set_null_member (object, member);
}

static void
set_text (JsonObject *object,
          const char *member,
          const char *text)
{
  if (text == NULL)
    json_object_set_null_member (object, member);
  else
    json_object_set_string_member (object, member, text);
}

static void
set_minutes (JsonObject *object,
             const char *member,
             gint64      minutes)
{
  if (minutes < 0)
    json_object_set_null_member (object, member);
  else
    json_object_set_int_member (object, member, minutes);
}

/* The team's calendar, or the first calendar for a ticket without team; NULL (no error) when
 * the desk has no calendar at all. */
static DwCalendar *
read_calendar (DwSlaEngine  *self,
               gint64        team_id,
               GError      **error)
{
  g_auto(DwStoreSlaCalendar) row = { 0 };
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *key = NULL;
  CachedCalendar *cached;
  gboolean found;

  if (!dw_store_sla_calendar_for_team (self->store, team_id, &row, &found, error) || !found)
    return NULL;

  key = g_strjoin ("|", row.timezone, row.week, row.holidays, row.workdays, NULL);
  cached = g_hash_table_lookup (self->calendars, &row.id);
  if (cached != NULL && g_strcmp0 (cached->key, key) == 0)
    return g_object_ref (cached->calendar);

  object = json_object_new ();
  json_object_set_int_member (object, "id", row.id);
  set_text (object, "name", row.name);
  set_text (object, "timezone", row.timezone);
  set_json_text (object, "week", row.week);
  set_json_text (object, "holidays", row.holidays);
  set_json_text (object, "workdays", row.workdays);
  cached = g_new0 (CachedCalendar, 1);
  cached->calendar = dw_calendar_new_from_json (object, error);
  if (cached->calendar == NULL)
    {
      g_prefix_error (error, "calendar %" G_GINT64_FORMAT ": ", row.id);
      cached_calendar_free (cached);
      return NULL;
    }

  cached->key = g_steal_pointer (&key);
  g_hash_table_insert (self->calendars, g_memdup2 (&row.id, sizeof row.id), cached);
  return g_object_ref (cached->calendar);
}

/* Whether the rules and the teams' calendars read before still hold (config_current); when
 * not, forgets the teams' calendars and notes the version the next reads are at. */
static void
check_config (DwSlaEngine *self)
{
  guint64 version = 0;
  gboolean known = dw_store_sla_config_version (self->store, &version);

  self->config_current = known && self->config_known && version == self->config_version;
  if (self->config_current)
    return;

  g_hash_table_remove_all (self->team_calendars);
  self->config_known = known;
  self->config_version = version;
}

/* A read failed: nothing read at this version may be taken as current. */
static void
forget_config (DwSlaEngine *self)
{
  self->config_known = FALSE;
  self->config_current = FALSE;
  g_hash_table_remove_all (self->team_calendars);
}

static DwCalendar *
load_calendar (DwSlaEngine  *self,
               gint64        team_id,
               GError      **error)
{
  GError *local_error = NULL;
  DwCalendar *calendar;
  gpointer found;

  if (self->config_current
      && g_hash_table_lookup_extended (self->team_calendars, &team_id, NULL, &found))
    return found != NULL ? g_object_ref (found) : NULL;

  calendar = read_calendar (self, team_id, &local_error);
  if (local_error != NULL)
    {
      forget_config (self);
      g_propagate_error (error, local_error);
      return NULL;
    }

  if (self->config_known)
    g_hash_table_insert (self->team_calendars, g_memdup2 (&team_id, sizeof team_id),
                         calendar != NULL ? g_object_ref (calendar) : NULL);
  return calendar;
}

/* Every policy, parsed again only when a row changed. */
static GPtrArray *
read_rules (DwSlaEngine  *self,
            GError      **error)
{
  g_autoptr(GArray) policies = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  g_autofree char *key = NULL;

  key = dw_store_sla_policies_key (self->store, error);
  if (key == NULL)
    return NULL;

  if (self->rules != NULL && g_strcmp0 (key, self->rules_key) == 0)
    return self->rules;

  policies = dw_store_sla_policies_list (self->store, error);
  if (policies == NULL)
    return NULL;

  rules = g_ptr_array_new_with_free_func ((GDestroyNotify) dw_sla_rule_free);
  for (guint i = 0; i < policies->len; i++)
    {
      const DwStoreSlaPolicy *policy = &g_array_index (policies, DwStoreSlaPolicy, i);
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(GError) local_error = NULL;
      DwSlaRule *rule;

      /* The object of GET /api/v1/sla/policies, which the rule parses. */
      json_object_set_int_member (object, "id", policy->id);
      set_text (object, "name", policy->name);
      json_object_set_int_member (object, "position", policy->position);
      set_json_text (object, "match_priorities", policy->match_priorities);
      set_json_text (object, "match_tags", policy->match_tags);
      set_json_text (object, "match_channels", policy->match_channels);
      set_json_text (object, "match_business_types", policy->match_business_types);
      set_minutes (object, "first_response_minutes", policy->first_response_minutes);
      set_minutes (object, "next_response_minutes", policy->next_response_minutes);
      set_minutes (object, "resolution_minutes", policy->resolution_minutes);
      json_object_set_double_member (object, "at_risk_ratio", policy->at_risk_ratio);
      set_json_text (object, "escalation", policy->escalation);

      /* The API validated it on the way in; a bad row must not stop every other ticket. */
      rule = dw_sla_rule_new_from_json (object, &local_error);
      if (rule == NULL)
        g_warning ("Ignoring SLA policy %" G_GINT64_FORMAT ": %s", policy->id,
                   local_error->message);
      else
        g_ptr_array_add (rules, rule);
    }

  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_free (self->rules_key);
  self->rules = g_steal_pointer (&rules);
  self->rules_key = g_steal_pointer (&key);
  return self->rules;
}

static GPtrArray *
load_rules (DwSlaEngine  *self,
            GError      **error)
{
  GPtrArray *rules;

  if (self->config_current && self->rules != NULL)
    return self->rules;

  rules = read_rules (self, error);
  if (rules == NULL)
    forget_config (self);
  return rules;
}

static GStrv
load_customer_tags (DwSlaEngine *self,
                    gint64       customer_id)
{
  GStrv tags;

  /* As before the store layer: a customer whose tags cannot be read matches no tag. */
  tags = dw_store_sla_customer_tags (self->store, customer_id, NULL);
  return tags != NULL ? tags : g_new0 (char *, 1);
}

static int
compare_marks (gconstpointer a,
               gconstpointer b)
{
  const DwSlaMark *ma = a, *mb = b;

  return (ma->at > mb->at) - (ma->at < mb->at);
}

/* The ticket's history as the SLA clock reads it: creation, public agent replies, customer
 * messages (comments) and status changes (audit). */
static GArray *
load_marks (DwSlaEngine  *self,
            TicketRow    *row,
            GError      **error)
{
  g_autoptr(GArray) marks = g_array_new (FALSE, FALSE, sizeof (DwSlaMark));
  g_autoptr(GArray) stored = NULL;
  DwSlaMark created = { row->created_at, DW_SLA_MARK_CREATED, DW_STATUS_NEW };

  /* Comments before status changes of the same second: the reply that opens a ticket comes
   * with the status change it causes.  The sort is stable after this order. */
  stored = dw_store_sla_marks_list (self->store, row->id, error);
  if (stored == NULL)
    return NULL;

  g_array_append_val (marks, created);
  for (guint i = 0; i < stored->len; i++)
    {
      const DwStoreSlaMark *entry = &g_array_index (stored, DwStoreSlaMark, i);
      DwSlaMark mark = { entry->at, DW_SLA_MARK_STATUS, DW_STATUS_NEW };

      if (g_strcmp0 (entry->author_kind, "customer") == 0)
        mark.kind = DW_SLA_MARK_CUSTOMER_MESSAGE;
      else if (g_strcmp0 (entry->author_kind, "agent") == 0)
        mark.kind = DW_SLA_MARK_AGENT_REPLY;
      else if (!dw_enum_from_string (DW_TYPE_STATUS, entry->status, (int *) &mark.status))
        continue;

      g_array_append_val (marks, mark);
    }

  /* A ticket created in a status other than new has no audit row saying so. */
  if (row->status != DW_STATUS_NEW)
    {
      gboolean any_status = FALSE;

      for (guint i = 0; i < marks->len; i++)
        any_status |= g_array_index (marks, DwSlaMark, i).kind == DW_SLA_MARK_STATUS;

      if (!any_status)
        {
          DwSlaMark status = { row->created_at, DW_SLA_MARK_STATUS, row->status };

          g_array_insert_val (marks, 1, status);
        }
    }

  /* g_array_sort is not stable; marks are nearly sorted, so an insertion pass suffices. */
  for (guint i = 1; i < marks->len; i++)
    for (guint j = i; j > 1 && compare_marks (&g_array_index (marks, DwSlaMark, j - 1),
                                              &g_array_index (marks, DwSlaMark, j)) > 0; j--)
      {
        DwSlaMark tmp = g_array_index (marks, DwSlaMark, j);

        g_array_index (marks, DwSlaMark, j) = g_array_index (marks, DwSlaMark, j - 1);
        g_array_index (marks, DwSlaMark, j - 1) = tmp;
      }

  return g_steal_pointer (&marks);
}

/* The states the ticket's stored "sla" says, indexed by target (NONE for absent ones). */
static void
parse_old_states (const char *sla,
                  DwSlaState  states[DW_SLA_N_TARGETS])
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonArray *array;

  for (guint t = 0; t < DW_SLA_N_TARGETS; t++)
    states[t] = DW_SLA_STATE_NONE;

  /* A ticket without targets (every new one: the column's default) needs no parser. */
  if (sla == NULL || strcmp (sla, "[]") == 0
      || !json_parser_load_from_data (parser, sla, -1, NULL))
    return;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return;

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      int target, state;

      if (object != NULL
          && dw_enum_from_string (DW_TYPE_SLA_TARGET,
                                  json_object_get_string_member_with_default (object, "target", NULL),
                                  &target)
          && dw_enum_from_string (DW_TYPE_SLA_STATE,
                                  json_object_get_string_member_with_default (object, "state", NULL),
                                  &state))
        states[target] = state;
    }
}

static gboolean
audit (DwSlaEngine  *self,
       gint64        ticket_id,
       const char   *action,
       const char   *field,
       JsonNode     *before,
       JsonNode     *after,
       const char   *reason,
       GError      **error)
{
  g_autofree char *before_text = before != NULL ? dw_store_json_to_string (before) : NULL;
  g_autofree char *after_text = after != NULL ? dw_store_json_to_string (after) : NULL;
  DwStoreAuditNew row = {
    .at = dw_clock_now (self->clock),
    .actor_id = 0,
    .entity = "ticket",
    .entity_id = ticket_id,
    .action = action,
    .field = field,
    .before = before_text,
    .after = after_text,
    .reason = reason,
  };

  return dw_store_audit_insert (self->store, &row, error);
}

static JsonNode *
string_node (const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  return node;
}

static JsonArray *
load_lead_ids (DwSlaEngine  *self,
               gint64        team_id,
               GError      **error)
{
  g_autoptr(GArray) stored = NULL;
  JsonArray *ids;

  stored = dw_store_sla_lead_ids (self->store, team_id, error);
  if (stored == NULL)
    return NULL;

  ids = json_array_new ();
  for (guint i = 0; i < stored->len; i++)
    json_array_add_int_element (ids, g_array_index (stored, gint64, i));
  return ids;
}

/* The policy's escalation for a target that just breached, in the open transaction.  The
 * reassignment itself is the desk's, after COMMIT: the "sla.escalated" event says so, and
 * published_cb turns it into "reassign-requested" only once it is committed. */
static gboolean
escalate (DwSlaEngine      *self,
          TicketRow        *row,
          const DwSlaRule  *rule,
          DwSlaTarget       target,
          GError          **error)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(JsonArray) leads = NULL;
  g_autofree char *reason = g_strdup_printf ("sla: %s breached (policy %s)",
                                             dw_sla_target_to_string (target), rule->name);
  DwPriority raised = row->priority;
  gboolean done;

  if (!rule->escalate_raise_priority && !rule->escalate_notify_lead && !rule->escalate_reassign)
    return TRUE;

  if (rule->escalate_raise_priority && row->priority < DW_PRIORITY_URGENT)
    raised = row->priority + 1;

  /* Conditional on the level this run read: when another run (another instance, issue 14)
   * escalated this breach already, nothing is written or announced twice. */
  if (!dw_store_sla_escalate (self->store, row->id, row->escalation_level,
                              dw_priority_to_string (raised), dw_clock_now (self->clock),
                              &done, error))
    return FALSE;
  if (!done)
    return TRUE;
  row->escalation_level++;

  if (raised != row->priority)
    {
      g_autoptr(JsonNode) before = string_node (dw_priority_to_string (row->priority));
      g_autoptr(JsonNode) after = string_node (dw_priority_to_string (raised));

      if (!audit (self, row->id, "escalated", "priority", before, after, reason, error))
        return FALSE;
      row->priority = raised;
    }

  {
    g_autoptr(JsonNode) before = json_node_new (JSON_NODE_VALUE);
    g_autoptr(JsonNode) after = json_node_new (JSON_NODE_VALUE);

    json_node_set_int (before, row->escalation_level - 1);
    json_node_set_int (after, row->escalation_level);

    if (!audit (self, row->id, "escalated", "escalation_level", before, after, reason, error))
      return FALSE;
  }

  if (rule->escalate_notify_lead && row->team_id > 0)
    {
      leads = load_lead_ids (self, row->team_id, error);
      if (leads == NULL)
        return FALSE;
    }

  json_object_set_int_member (data, "ticket_id", row->id);
  dw_json_set_id_or_null (data, "team_id", row->team_id);
  dw_json_set_id_or_null (data, "assignee_id", row->assignee_id);
  json_object_set_string_member (data, "target", dw_sla_target_to_string (target));
  json_object_set_int_member (data, "policy_id", rule->id);
  json_object_set_string_member (data, "priority", dw_priority_to_string (raised));
  json_object_set_boolean_member (data, "raised_priority", rule->escalate_raise_priority);
  json_object_set_array_member (data, "lead_ids",
                                leads != NULL ? g_steal_pointer (&leads) : json_array_new ());
  json_object_set_boolean_member (data, "reassign", rule->escalate_reassign);

  return dw_event_log_append (self->events, "sla.escalated", row->team_id, row->assignee_id,
                              data, error) > 0;
}

/* Recomputes one ticket in the open transaction.  With @announce, also appends the full
 * ticket as "ticket.updated" when anything changed (the desk does that itself for the
 * tickets it changes). */
static gboolean
refresh_locked (DwSlaEngine  *self,
                gint64        ticket_id,
                gboolean      announce,
                GError      **error)
{
  g_auto(TicketRow) row = { 0 };
  g_autoptr(DwCalendar) calendar = NULL;
  g_autoptr(GArray) marks = NULL;
  g_autoptr(JsonArray) sla_array = NULL;
  g_autoptr(JsonNode) sla_node = NULL;
  g_autofree char *sla_text = NULL;
  const DwSlaRule *rule = NULL;
  DwSlaState old_states[DW_SLA_N_TARGETS];
  DwSlaResult result = { 0 };
  GPtrArray *rules;
  gint64 now = dw_clock_now (self->clock);
  gint64 next;
  gboolean changed = FALSE;
  gboolean any_defined = FALSE;
  gboolean done;

  if (!load_ticket (self, ticket_id, &row, error))
    return FALSE;

  check_config (self);
  rules = load_rules (self, error);
  if (rules == NULL)
    return FALSE;

  if (row.policy_id > 0)
    {
      for (guint i = 0; i < rules->len && rule == NULL; i++)
        if (((DwSlaRule *) g_ptr_array_index (rules, i))->id == row.policy_id)
          rule = g_ptr_array_index (rules, i);
    }
  else
    {
      g_auto(GStrv) tags = load_customer_tags (self, row.customer_id);

      rule = dw_sla_rules_match (rules, row.priority, (const char * const *) tags, row.channel,
                                 row.business_type);
    }

  {
    GError *local_error = NULL;

    calendar = load_calendar (self, row.team_id, &local_error);
    if (local_error != NULL)
      {
        g_propagate_error (error, local_error);
        return FALSE;
      }
  }

  if (rule != NULL && calendar != NULL)
    {
      marks = load_marks (self, &row, error);
      if (marks == NULL)
        return FALSE;
      dw_sla_compute (calendar, rule, (DwSlaMark *) marks->data, marks->len, now, &result);
    }
  else
    {
      for (guint t = 0; t < DW_SLA_N_TARGETS; t++)
        result.targets[t].target = t;
    }

  parse_old_states (row.sla, old_states);

  /* No target defined (no policy or no calendar): the empty array, without a generator. */
  for (guint t = 0; t < DW_SLA_N_TARGETS && !any_defined; t++)
    any_defined = result.targets[t].defined;
  if (any_defined)
    {
      sla_array = dw_sla_result_to_json (&result);
      sla_node = json_node_init_array (json_node_alloc (), sla_array);
      sla_text = dw_store_json_to_string (sla_node);
    }
  else
    sla_text = g_strdup ("[]");
  next = result.next_transition;
  if (next != 0 && next <= now)
    next = now + 1;  /* never an alarm that keeps firing at the same moment */

  changed = g_strcmp0 (sla_text, row.sla) != 0 || next != row.next_sla_at
            || (rule != NULL ? rule->id : 0) != row.policy_id;
  if (!changed)
    return TRUE;

  {
    DwStoreSlaUpdate update = {
      .ticket_id = row.id,
      .old_sla = row.sla,
      .sla = sla_text,
      .sla_state = dw_sla_state_to_string (result.worst),
      .policy_id = rule != NULL ? rule->id : 0,
      .next_sla_at = next,
    };

    /* Conditional on the "sla" read above: a breach is audited, announced and escalated by
     * the one run that wrote it, however many instances check the same ticket (issue 14). */
    if (!dw_store_sla_update (self->store, &update, &done, error))
      return FALSE;
    if (!done)
      return TRUE;
  }

  for (guint t = 0; t < DW_SLA_N_TARGETS; t++)
    {
      const DwSlaTargetStatus *status = &result.targets[t];
      g_autoptr(JsonNode) before = NULL;
      g_autoptr(JsonNode) after = NULL;
      g_autoptr(JsonObject) data = NULL;
      g_autofree char *reason = NULL;
      DwSlaState state = status->defined ? status->state : DW_SLA_STATE_NONE;

      if (state == old_states[t])
        continue;

      before = string_node (dw_sla_state_to_string (old_states[t]));
      after = string_node (dw_sla_state_to_string (state));
      reason = dw_sla_describe_change (status, old_states[t]);
      if (!audit (self, row.id, "sla", dw_sla_target_to_string (t), before, after, reason, error))
        return FALSE;

      data = json_object_new ();
      json_object_set_int_member (data, "ticket_id", row.id);
      dw_json_set_id_or_null (data, "team_id", row.team_id);
      dw_json_set_id_or_null (data, "assignee_id", row.assignee_id);
      json_object_set_string_member (data, "target", dw_sla_target_to_string (t));
      json_object_set_string_member (data, "before", dw_sla_state_to_string (old_states[t]));
      json_object_set_string_member (data, "after", dw_sla_state_to_string (state));
      json_object_set_string_member (data, "sla_state", dw_sla_state_to_string (result.worst));
      dw_json_set_id_or_null (data, "sla_policy_id", rule != NULL ? rule->id : 0);
      if (status->defined)
        json_object_set_object_member (data, "sla_target", dw_sla_target_status_to_json (status));
      else
        json_object_set_null_member (data, "sla_target");
      json_object_set_string_member (data, "reason", reason);

      if (dw_event_log_append (self->events, "sla.changed", row.team_id, row.assignee_id, data,
                               error) <= 0)
        return FALSE;

      if (state == DW_SLA_STATE_BREACHED && rule != NULL
          && !escalate (self, &row, rule, t, error))
        return FALSE;
    }

  if (announce)
    {
      g_autoptr(JsonObject) ticket = dw_store_ticket_load_json (self->store, row.id, error);

      if (ticket == NULL
          || dw_event_log_append (self->events, "ticket.updated", row.team_id, row.assignee_id,
                                  ticket, error) <= 0)
        return FALSE;
    }

  return TRUE;
}

/* Scheduling */

static gboolean alarm_cb (gpointer data);

/* What a failure to read or write the schedule says: the database away is expected (it comes
 * back, and the checks with it), once per outage; anything else is a warning. */
static void
note_failure (DwSlaEngine  *self,
              const char   *what,
              const GError *error)
{
  /* A lock held by another session past lock_timeout: expected too (an operator's open
   * transaction), and tried again after DW_STORE_TX_LOCKED_RETRY_S. */
  if (dw_store_tx_locked (error))
    {
      if (!self->locked)
        g_message ("%s, a lock is held elsewhere; will try again every %u s: %s", what,
                   DW_STORE_TX_LOCKED_RETRY_S, error->message);
      self->locked = TRUE;
      return;
    }

  if (!g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE))
    {
      g_warning ("%s: %s", what, error->message);
      return;
    }

  if (!self->unavailable)
    g_message ("%s, will try again when the database is back: %s", what, error->message);
  self->unavailable = TRUE;
}

/* @wrote: a round went through, not only a read (which a lock held elsewhere may not stop). */
static void
note_back (DwSlaEngine *self,
           gboolean     wrote)
{
  if (self->unavailable)
    g_message ("SLA checks resume: the database is back");
  self->unavailable = FALSE;
  if (!wrote)
    return;
  if (self->locked)
    g_message ("SLA checks resume: the lock is free");
  self->locked = FALSE;
}

static void arm (DwSlaEngine *self);

static gboolean
retry_cb (gpointer data)
{
  DwSlaEngine *self = data;

  self->retry_id = 0;
  arm (self);
  return G_SOURCE_REMOVE;
}

/* In real seconds, not the clock's (a demo's fast clock would spin on a database away). */
static void
retry_soon (DwSlaEngine *self)
{
  if (self->retry_id == 0)
    self->retry_id = g_timeout_add_seconds (RETRY_UNAVAILABLE_S, retry_cb, self);
}

/* After a lock timeout: each try waits lock_timeout on the main loop, so not every second. */
static void
retry_later (DwSlaEngine *self)
{
  if (self->retry_id == 0)
    self->retry_id = g_timeout_add_seconds (DW_STORE_TX_LOCKED_RETRY_S, retry_cb, self);
}

static void
arm (DwSlaEngine *self)
{
  g_autoptr(GError) error = NULL;
  gint64 at;

  if (!self->running)
    return;
  /* A round timed out on a lock held elsewhere: the next is retry_later's, however many writes
   * reschedule meanwhile (each would otherwise run a due round, and wait, at once). */
  if (self->locked && self->retry_id != 0)
    return;

  if (!dw_store_sla_earliest_due (self->store, &at, &error))
    {
      note_failure (self, "Cannot schedule SLA checks", error);
      /* The database away: the alarm set stays (it fails and asks for a retry too), and the
       * schedule is read again soon; what fell due meanwhile is due at once then. */
      if (g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE))
        {
          retry_soon (self);
          return;
        }
      if (dw_store_tx_locked (error))
        {
          retry_later (self);
          return;
        }
      at = 0;
    }
  else
    {
      note_back (self, FALSE);
    }

  if (self->alarm_id != 0 && at == self->alarm_at)
    return;

  g_clear_handle_id (&self->alarm_id, g_source_remove);
  self->alarm_at = at;
  if (at > 0)
    self->alarm_id = dw_clock_add_alarm (self->clock, at, alarm_cb, self, NULL);
}

static gboolean
refresh_due (DwSlaEngine  *self,
             GError      **error)
{
  g_autoptr(GArray) due = NULL;

  due = dw_store_sla_due_list (self->store, dw_clock_now (self->clock), DUE_BATCH, error);
  if (due == NULL)
    return FALSE;

  for (guint i = 0; i < due->len; i++)
    if (!refresh_locked (self, g_array_index (due, gint64, i), TRUE, error))
      return FALSE;

  return TRUE;
}

static gboolean
alarm_cb (gpointer data)
{
  DwSlaEngine *self = data;
  g_autoptr(GError) error = NULL;

  self->alarm_id = 0;
  self->alarm_at = 0;

  /* A round that lost a deadlock to another instance's write (a desk write that changed one of
   * the due tickets, say) wrote nothing once rolled back, its events discarded with it: it is
   * run again on what the winner committed, as the desk's writes are (dw_store_tx_retry). */
  for (guint attempt = 1; ; attempt++)
    {
      if (!dw_store_tx_begin (self->store, &error))
        {
          note_failure (self, "SLA check failed", error);
          break;
        }
      if (refresh_due (self, &error) && dw_store_tx_commit (self->store, &error))
        {
          dw_event_log_publish (self->events);
          break;
        }

      dw_store_tx_rollback (self->store);
      dw_event_log_discard (self->events);
      if (!dw_store_tx_retry (attempt, &error))
        {
          if (!g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT))
            note_failure (self, "SLA check failed", error);
          break;
        }
    }

  if (g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT))
    {
      /* Lost every attempt: the targets are still due; another round shortly. */
      g_message ("SLA check lost %u times to other writes, trying again shortly: %s",
                 DW_STORE_TX_ATTEMPTS, error->message);
      retry_soon (self);
      return G_SOURCE_REMOVE;
    }

  if (dw_store_tx_locked (error))
    {
      /* Nothing of the round was written, and running it again at once would wait as long on
       * the main loop: the targets stay due, read again after a while. */
      retry_later (self);
      return G_SOURCE_REMOVE;
    }

  if (g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_UNAVAILABLE))
    {
      /* Nothing of the round was written (the conditional writes make a second run harmless):
       * the targets are still due, and the retry reads them again once the store is back. */
      retry_soon (self);
      return G_SOURCE_REMOVE;
    }

  if (error != NULL)
    {
      /* Try again later rather than spinning on a failing database. */
      self->alarm_at = dw_clock_now (self->clock) + 60;
      self->alarm_id = dw_clock_add_alarm (self->clock, self->alarm_at, alarm_cb, self, NULL);
      return G_SOURCE_REMOVE;
    }

  note_back (self, TRUE);
  arm (self);
  return G_SOURCE_REMOVE;
}

static void
published_cb (DwEventLog  *log,
              DwEvent     *event,
              DwSlaEngine *self)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *data;

  if (g_strcmp0 (event->type, "sla.escalated") != 0)
    return;

  /* Every instance publishes every escalation; one reassigns it, the leader. */
  if (!self->leading)
    return;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, event->data, -1, NULL))
    return;

  data = json_node_get_object (json_parser_get_root (parser));
  if (json_object_get_boolean_member_with_default (data, "reassign", FALSE))
    g_signal_emit (self, signals[REASSIGN_REQUESTED], 0,
                   json_object_get_int_member_with_default (data, "ticket_id", 0));
}

/* Overrides */

static void
dw_sla_engine_dispose (GObject *object)
{
  DwSlaEngine *self = DW_SLA_ENGINE (object);

  g_clear_handle_id (&self->alarm_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->events != NULL)
    g_clear_signal_handler (&self->published_id, self->events);
  if (self->leader != NULL)
    g_clear_signal_handler (&self->leader_id, self->leader);
  g_clear_object (&self->leader);

  G_OBJECT_CLASS (dw_sla_engine_parent_class)->dispose (object);
}

static void
dw_sla_engine_finalize (GObject *object)
{
  DwSlaEngine *self = DW_SLA_ENGINE (object);

  g_clear_pointer (&self->calendars, g_hash_table_unref);
  g_clear_pointer (&self->team_calendars, g_hash_table_unref);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_clear_pointer (&self->rules_key, g_free);
  g_clear_object (&self->events);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (dw_sla_engine_parent_class)->finalize (object);
}

static void
dw_sla_engine_class_init (DwSlaEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dw_sla_engine_dispose;
  object_class->finalize = dw_sla_engine_finalize;

  /**
   * DwSlaEngine::reassign-requested:
   * @ticket_id: the ticket whose target breached under a policy with "reassign"
   *
   * Emitted after COMMIT (when the "sla.escalated" event is published); the desk
   * reassigns in a transaction of its own.
   */
  signals[REASSIGN_REQUESTED] = g_signal_new ("reassign-requested",
                                              G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
dw_sla_engine_init (DwSlaEngine *self)
{
  self->calendars = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                           cached_calendar_free);
  self->team_calendars = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                calendar_unref_or_null);
  self->leading = TRUE;
}

/* Public API */

DwSlaEngine *
dw_sla_engine_new (DwStore    *store,
                   DwClock    *clock,
                   DwEventLog *events)
{
  DwSlaEngine *self;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (DW_IS_CLOCK (clock), NULL);
  g_return_val_if_fail (DW_IS_EVENT_LOG (events), NULL);

  self = g_object_new (DW_TYPE_SLA_ENGINE, NULL);
  self->store = store;
  self->clock = g_object_ref (clock);
  self->events = g_object_ref (events);
  self->published_id = g_signal_connect (events, "published", G_CALLBACK (published_cb), self);
  return self;
}

gboolean
dw_sla_engine_refresh (DwSlaEngine  *self,
                       gint64        ticket_id,
                       GError      **error)
{
  g_return_val_if_fail (DW_IS_SLA_ENGINE (self), FALSE);

  return refresh_locked (self, ticket_id, FALSE, error);
}

void
dw_sla_engine_reschedule (DwSlaEngine *self)
{
  g_return_if_fail (DW_IS_SLA_ENGINE (self));

  arm (self);
}

static void
update_running (DwSlaEngine *self)
{
  gboolean running = self->started && self->leading;

  if (running == self->running)
    return;

  self->running = running;
  if (!running)
    {
      g_clear_handle_id (&self->alarm_id, g_source_remove);
      g_clear_handle_id (&self->retry_id, g_source_remove);
      self->alarm_at = 0;
      return;
    }

  /* Taking over (or starting): whatever fell due meanwhile, while another leader died or
   * nobody led, is due now and the first alarm refreshes it.  The breach and escalation writes
   * are conditional, so what the previous leader did already is not done again. */
  arm (self);
}

void
dw_sla_engine_start (DwSlaEngine *self)
{
  g_return_if_fail (DW_IS_SLA_ENGINE (self));

  self->started = TRUE;
  update_running (self);
}

void
dw_sla_engine_stop (DwSlaEngine *self)
{
  g_return_if_fail (DW_IS_SLA_ENGINE (self));

  self->started = FALSE;
  update_running (self);
}

static void
leader_notify_cb (DwLeader    *leader,
                  GParamSpec  *pspec,
                  DwSlaEngine *self)
{
  self->leading = dw_leader_get_is_leader (leader);
  update_running (self);
}

void
dw_sla_engine_set_leader (DwSlaEngine *self,
                          DwLeader    *leader)
{
  g_return_if_fail (DW_IS_SLA_ENGINE (self));
  g_return_if_fail (DW_IS_LEADER (leader));

  dw_leader_watch (&self->leader, &self->leader_id, leader, G_CALLBACK (leader_notify_cb), self);
  leader_notify_cb (leader, NULL, self);
}

gboolean
dw_sla_engine_get_running (DwSlaEngine *self)
{
  g_return_val_if_fail (DW_IS_SLA_ENGINE (self), FALSE);

  return self->running;
}
