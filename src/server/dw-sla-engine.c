#define G_LOG_DOMAIN "dw-sla-engine"

#include "dw-sla-engine.h"

#include "dw-json.h"
#include "dw-sla.h"
#include "dw-store.h"

/* Tickets refreshed per alarm transaction; more due ones re-arm the alarm at once. */
#define DUE_BATCH 200

typedef struct
{
  char       *key;       /* the row's text: reuse the parsed calendar while it is unchanged */
  DwCalendar *calendar;
} CachedCalendar;

struct _DwSlaEngine
{
  GObject     parent_instance;

  sqlite3    *db;
  DwClock    *clock;
  DwEventLog *events;
  gulong      published_id;

  GHashTable *calendars;   /* calendar id → CachedCalendar */
  char       *rules_key;
  GPtrArray  *rules;       /* of DwSlaRule, by position */

  gboolean    running;
  guint       alarm_id;
  gint64      alarm_at;
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

static int
column_enum (sqlite3_stmt *stmt,
             int           column,
             GType         type,
             int           fallback)
{
  int value = fallback;

  dw_enum_from_string (type, (const char *) sqlite3_column_text (stmt, column), &value);
  return value;
}

static gboolean
load_ticket (DwSlaEngine  *self,
             gint64        ticket_id,
             TicketRow    *row,
             GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = dw_store_prepare (self->db,
                           "SELECT id, priority, status, channel, business_type, team_id, "
                           "       assignee_id, customer_id, created_at, sla_policy_id, sla, "
                           "       next_sla_at "
                           "FROM tickets WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, ticket_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND,
                   "No ticket %" G_GINT64_FORMAT, ticket_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      dw_store_set_error (error, self->db, rc);
      return FALSE;
    }

  row->id = sqlite3_column_int64 (stmt, 0);
  row->priority = column_enum (stmt, 1, DW_TYPE_PRIORITY, DW_PRIORITY_NORMAL);
  row->status = column_enum (stmt, 2, DW_TYPE_STATUS, DW_STATUS_NEW);
  row->channel = column_enum (stmt, 3, DW_TYPE_CHANNEL, DW_CHANNEL_WEB);
  row->business_type = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  row->team_id = sqlite3_column_int64 (stmt, 5);
  row->assignee_id = sqlite3_column_int64 (stmt, 6);
  row->customer_id = sqlite3_column_int64 (stmt, 7);
  row->created_at = sqlite3_column_int64 (stmt, 8);
  row->policy_id = sqlite3_column_int64 (stmt, 9);
  row->sla = g_strdup ((const char *) sqlite3_column_text (stmt, 10));
  row->next_sla_at = sqlite3_column_int64 (stmt, 11);
  return TRUE;
}

/* The team's calendar, or the first calendar for a ticket without team; NULL (no error) when
 * the desk has no calendar at all. */
static DwCalendar *
load_calendar (DwSlaEngine  *self,
               gint64        team_id,
               GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *key = NULL;
  CachedCalendar *cached;
  gint64 id;
  int rc;

  stmt = dw_store_prepare (self->db,
                           "SELECT " DW_STORE_CALENDAR_COLUMNS ", "
                           "       k.timezone || '|' || k.week || '|' || k.holidays || '|' "
                           "       || k.workdays "
                           "FROM calendars k LEFT JOIN teams m ON m.calendar_id = k.id AND m.id = ? "
                           "ORDER BY m.id IS NULL, k.id LIMIT 1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, team_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      dw_store_set_error (error, self->db, rc);
      return NULL;
    }

  id = sqlite3_column_int64 (stmt, 0);
  key = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  cached = g_hash_table_lookup (self->calendars, &id);
  if (cached != NULL && g_strcmp0 (cached->key, key) == 0)
    return g_object_ref (cached->calendar);

  object = dw_store_calendar_json_from_row (stmt);
  cached = g_new0 (CachedCalendar, 1);
  cached->calendar = dw_calendar_new_from_json (object, error);
  if (cached->calendar == NULL)
    {
      g_prefix_error (error, "calendar %" G_GINT64_FORMAT ": ", id);
      cached_calendar_free (cached);
      return NULL;
    }

  cached->key = g_steal_pointer (&key);
  g_hash_table_insert (self->calendars, g_memdup2 (&id, sizeof id), cached);
  return g_object_ref (cached->calendar);
}

/* Every policy, parsed again only when a row changed. */
static GPtrArray *
load_rules (DwSlaEngine  *self,
            GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  g_autofree char *key = NULL;
  int rc;

  stmt = dw_store_prepare (self->db,
                           "SELECT json_group_array (json_array (" DW_STORE_SLA_POLICY_COLUMNS "))"
                           " FROM (SELECT * FROM sla_policies ORDER BY position, id) p", error);
  if (stmt == NULL)
    return NULL;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      dw_store_set_error (error, self->db, rc);
      return NULL;
    }

  key = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (self->rules != NULL && g_strcmp0 (key, self->rules_key) == 0)
    return self->rules;

  g_clear_pointer (&stmt, dw_store_release);
  stmt = dw_store_prepare (self->db,
                           "SELECT " DW_STORE_SLA_POLICY_COLUMNS
                           " FROM sla_policies p ORDER BY p.position, p.id", error);
  if (stmt == NULL)
    return NULL;

  rules = g_ptr_array_new_with_free_func ((GDestroyNotify) dw_sla_rule_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) object = dw_store_sla_policy_json_from_row (stmt);
      g_autoptr(GError) local_error = NULL;
      DwSlaRule *rule = dw_sla_rule_new_from_json (object, &local_error);

      /* The API validated it on the way in; a bad row must not stop every other ticket. */
      if (rule == NULL)
        g_warning ("Ignoring SLA policy %" G_GINT64_FORMAT ": %s",
                   (gint64) sqlite3_column_int64 (stmt, 0), local_error->message);
      else
        g_ptr_array_add (rules, rule);
    }

  if (rc != SQLITE_DONE)
    {
      dw_store_set_error (error, self->db, rc);
      return NULL;
    }

  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_free (self->rules_key);
  self->rules = g_steal_pointer (&rules);
  self->rules_key = g_steal_pointer (&key);
  return self->rules;
}

static GStrv
load_customer_tags (DwSlaEngine *self,
                    gint64       customer_id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  stmt = dw_store_prepare (self->db,
                           "SELECT j.value FROM customers c, json_each (c.tags) j "
                           "WHERE c.id = ? AND j.type = 'text'", NULL);
  if (stmt != NULL && customer_id > 0)
    {
      sqlite3_bind_int64 (stmt, 1, customer_id);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
    }

  return g_strv_builder_end (builder);
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
  g_autoptr(sqlite3_stmt) stmt = NULL;
  DwSlaMark created = { row->created_at, DW_SLA_MARK_CREATED, DW_STATUS_NEW };
  int rc;

  /* Comments before status changes of the same second: the reply that opens a ticket comes
   * with the status change it causes.  The sort is stable after this order. */
  stmt = dw_store_prepare (self->db,
                           "SELECT created_at, author_kind, NULL, 0 FROM comments "
                           "WHERE ticket_id = ?1 AND (author_kind = 'customer' "
                           "                          OR (author_kind = 'agent' AND public)) "
                           "UNION ALL "
                           "SELECT at, NULL, json_extract (after, '$'), 1 FROM audit "
                           "WHERE entity = 'ticket' AND entity_id = ?1 AND field = 'status' "
                           "ORDER BY 1, 4", error);
  if (stmt == NULL)
    return NULL;

  g_array_append_val (marks, created);
  sqlite3_bind_int64 (stmt, 1, row->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DwSlaMark mark = { sqlite3_column_int64 (stmt, 0), DW_SLA_MARK_STATUS, DW_STATUS_NEW };
      const char *kind = (const char *) sqlite3_column_text (stmt, 1);

      if (g_strcmp0 (kind, "customer") == 0)
        mark.kind = DW_SLA_MARK_CUSTOMER_MESSAGE;
      else if (g_strcmp0 (kind, "agent") == 0)
        mark.kind = DW_SLA_MARK_AGENT_REPLY;
      else if (!dw_enum_from_string (DW_TYPE_STATUS,
                                     (const char *) sqlite3_column_text (stmt, 2),
                                     (int *) &mark.status))
        continue;

      g_array_append_val (marks, mark);
    }

  if (rc != SQLITE_DONE)
    {
      dw_store_set_error (error, self->db, rc);
      return NULL;
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
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *array;

  for (guint t = 0; t < DW_SLA_N_TARGETS; t++)
    states[t] = DW_SLA_STATE_NONE;

  if (sla == NULL || !json_parser_load_from_data (parser, sla, -1, NULL))
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
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *before_text = before != NULL ? dw_store_json_to_string (before) : NULL;
  g_autofree char *after_text = after != NULL ? dw_store_json_to_string (after) : NULL;

  stmt = dw_store_prepare (self->db,
                           "INSERT INTO audit (at, actor_id, entity, entity_id, action, field, "
                           "                   before, after, reason) "
                           "VALUES (?, NULL, 'ticket', ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, dw_clock_now (self->clock));
  sqlite3_bind_int64 (stmt, 2, ticket_id);
  sqlite3_bind_text (stmt, 3, action, -1, SQLITE_STATIC);
  dw_store_bind_text_or_null (stmt, 4, field);
  dw_store_bind_text_or_null (stmt, 5, before_text);
  dw_store_bind_text_or_null (stmt, 6, after_text);
  dw_store_bind_text_or_null (stmt, 7, reason);
  return dw_store_step_done (stmt, error);
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
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonArray) ids = json_array_new ();
  int rc;

  stmt = dw_store_prepare (self->db,
                           "SELECT m.user_id FROM team_members m JOIN users u ON u.id = m.user_id "
                           "WHERE m.team_id = ? AND m.is_lead AND NOT u.disabled "
                           "ORDER BY m.user_id", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, team_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_array_add_int_element (ids, sqlite3_column_int64 (stmt, 0));

  if (rc != SQLITE_DONE)
    {
      dw_store_set_error (error, self->db, rc);
      return NULL;
    }

  return g_steal_pointer (&ids);
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

  if (!rule->escalate_raise_priority && !rule->escalate_notify_lead && !rule->escalate_reassign)
    return TRUE;

  if (rule->escalate_raise_priority && row->priority < DW_PRIORITY_URGENT)
    raised = row->priority + 1;

  {
    g_autoptr(sqlite3_stmt) stmt = NULL;

    stmt = dw_store_prepare (self->db,
                             "UPDATE tickets SET priority = ?, escalation_level = escalation_level + 1, "
                             "       version = version + 1, updated_at = ? WHERE id = ?", error);
    if (stmt == NULL)
      return FALSE;

    sqlite3_bind_text (stmt, 1, dw_priority_to_string (raised), -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 2, dw_clock_now (self->clock));
    sqlite3_bind_int64 (stmt, 3, row->id);
    if (!dw_store_step_done (stmt, error))
      return FALSE;
  }

  if (raised != row->priority)
    {
      g_autoptr(JsonNode) before = string_node (dw_priority_to_string (row->priority));
      g_autoptr(JsonNode) after = string_node (dw_priority_to_string (raised));

      if (!audit (self, row->id, "escalated", "priority", before, after, reason, error))
        return FALSE;
      row->priority = raised;
    }

  {
    g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (self->db,
      "SELECT escalation_level FROM tickets WHERE id = ?", error);
    g_autoptr(JsonNode) before = json_node_new (JSON_NODE_VALUE);
    g_autoptr(JsonNode) after = json_node_new (JSON_NODE_VALUE);
    gint64 level;

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, row->id);
    level = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 1;
    json_node_set_int (before, level - 1);
    json_node_set_int (after, level);

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
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sla_text = NULL;
  const DwSlaRule *rule = NULL;
  DwSlaState old_states[DW_SLA_N_TARGETS];
  DwSlaResult result = { 0 };
  GPtrArray *rules;
  gint64 now = dw_clock_now (self->clock);
  gint64 next;
  gboolean changed = FALSE;

  if (!load_ticket (self, ticket_id, &row, error))
    return FALSE;

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

  sla_array = dw_sla_result_to_json (&result);
  sla_node = json_node_init_array (json_node_alloc (), sla_array);
  sla_text = dw_store_json_to_string (sla_node);
  next = result.next_transition;
  if (next != 0 && next <= now)
    next = now + 1;  /* never an alarm that keeps firing at the same moment */

  changed = g_strcmp0 (sla_text, row.sla) != 0 || next != row.next_sla_at
            || (rule != NULL ? rule->id : 0) != row.policy_id;
  if (!changed)
    return TRUE;

  stmt = dw_store_prepare (self->db,
                           "UPDATE tickets SET sla = ?, sla_state = ?, sla_policy_id = ?, "
                           "       next_sla_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, sla_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, dw_sla_state_to_string (result.worst), -1, SQLITE_STATIC);
  dw_store_bind_id_or_null (stmt, 3, rule != NULL ? rule->id : 0);
  dw_store_bind_id_or_null (stmt, 4, next);
  sqlite3_bind_int64 (stmt, 5, row.id);
  if (!dw_store_step_done (stmt, error))
    return FALSE;

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
      g_autoptr(JsonObject) ticket = dw_store_ticket_json (self->db, row.id, error);

      if (ticket == NULL
          || dw_event_log_append (self->events, "ticket.updated", row.team_id, row.assignee_id,
                                  ticket, error) <= 0)
        return FALSE;
    }

  return TRUE;
}

/* Scheduling */

static gboolean alarm_cb (gpointer data);

static gint64
earliest_due (DwSlaEngine *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  /* Served by the partial index tickets_next_sla: no scan. */
  stmt = dw_store_prepare (self->db, "SELECT MIN (next_sla_at) FROM tickets "
                                     "WHERE next_sla_at IS NOT NULL", &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot schedule SLA checks: %s", error->message);
      return 0;
    }

  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

static void
arm (DwSlaEngine *self)
{
  gint64 at;

  if (!self->running)
    return;

  at = earliest_due (self);
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
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) due = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  stmt = dw_store_prepare (self->db,
                           "SELECT id FROM tickets WHERE next_sla_at IS NOT NULL "
                           "AND next_sla_at <= ? ORDER BY next_sla_at, id LIMIT ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, dw_clock_now (self->clock));
  sqlite3_bind_int (stmt, 2, DUE_BATCH);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (due, id);
    }
  if (rc != SQLITE_DONE)
    {
      dw_store_set_error (error, self->db, rc);
      return FALSE;
    }
  g_clear_pointer (&stmt, dw_store_release);

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

  if (!dw_store_begin (self->db, &error))
    {
      g_warning ("SLA check failed: %s", error->message);
    }
  else if (!refresh_due (self, &error) || !dw_store_commit (self->db, &error))
    {
      g_warning ("SLA check failed: %s", error->message);
      dw_store_rollback (self->db);
      dw_event_log_discard (self->events);
    }
  else
    {
      dw_event_log_publish (self->events);
    }

  if (error != NULL)
    {
      /* Try again later rather than spinning on a failing database. */
      self->alarm_at = dw_clock_now (self->clock) + 60;
      self->alarm_id = dw_clock_add_alarm (self->clock, self->alarm_at, alarm_cb, self, NULL);
      return G_SOURCE_REMOVE;
    }

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
  if (self->events != NULL)
    g_clear_signal_handler (&self->published_id, self->events);

  G_OBJECT_CLASS (dw_sla_engine_parent_class)->dispose (object);
}

static void
dw_sla_engine_finalize (GObject *object)
{
  DwSlaEngine *self = DW_SLA_ENGINE (object);

  g_clear_pointer (&self->calendars, g_hash_table_unref);
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
}

/* Public API */

DwSlaEngine *
dw_sla_engine_new (sqlite3    *db,
                   DwClock    *clock,
                   DwEventLog *events)
{
  DwSlaEngine *self;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (DW_IS_CLOCK (clock), NULL);
  g_return_val_if_fail (DW_IS_EVENT_LOG (events), NULL);

  self = g_object_new (DW_TYPE_SLA_ENGINE, NULL);
  self->db = db;
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

void
dw_sla_engine_start (DwSlaEngine *self)
{
  g_return_if_fail (DW_IS_SLA_ENGINE (self));

  self->running = TRUE;
  arm (self);
}

void
dw_sla_engine_stop (DwSlaEngine *self)
{
  g_return_if_fail (DW_IS_SLA_ENGINE (self));

  self->running = FALSE;
  g_clear_handle_id (&self->alarm_id, g_source_remove);
  self->alarm_at = 0;
}
