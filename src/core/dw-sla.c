/* dw-sla.c: SLA policy matching and the clocks of first response, next response and resolution.
 *
 * The clock replays a ticket's marks in order.  Between two marks the ticket has one status;
 * a running target counts that span's business seconds unless the status is pending, solved or
 * closed.  When a span carries a target over its at-risk threshold or its target, the exact
 * crossing moment is found with dw_calendar_add_business_seconds, so at_risk_at and due_at are
 * facts once crossed and projections before.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "dw-clock.h"
#include "dw-sla.h"

/* Ten years of minutes: more is a typo, and it keeps seconds far from overflow. */
#define MAX_TARGET_MINUTES (10 * 366 * 24 * 60)

G_DEFINE_QUARK (dw-sla-error-quark, dw_sla_error)

G_DEFINE_BOXED_TYPE (DwSlaRule, dw_sla_rule, dw_sla_rule_copy, dw_sla_rule_free)

/* ------------------------------------------------------------------------------------------ */
/* Policies */

DwSlaRule *
dw_sla_rule_new (void)
{
  DwSlaRule *rule = g_new0 (DwSlaRule, 1);

  rule->name = g_strdup ("");
  rule->match_priorities = g_array_new (FALSE, FALSE, sizeof (int));
  rule->match_tags = g_new0 (char *, 1);
  rule->match_channels = g_array_new (FALSE, FALSE, sizeof (int));
  rule->match_business_types = g_new0 (char *, 1);
  rule->first_response_minutes = -1;
  rule->next_response_minutes = -1;
  rule->resolution_minutes = -1;
  rule->at_risk_ratio = 0.75;
  rule->escalate_raise_priority = TRUE;
  rule->escalate_notify_lead = TRUE;
  rule->escalate_reassign = FALSE;
  return rule;
}

static GArray *
copy_int_array (GArray *array)
{
  GArray *copy = g_array_sized_new (FALSE, FALSE, sizeof (int), array != NULL ? array->len : 0);

  if (array != NULL)
    g_array_append_vals (copy, array->data, array->len);
  return copy;
}

DwSlaRule *
dw_sla_rule_copy (const DwSlaRule *rule)
{
  DwSlaRule *copy;

  g_return_val_if_fail (rule != NULL, NULL);

  copy = g_new0 (DwSlaRule, 1);
  *copy = *rule;
  copy->name = g_strdup (rule->name != NULL ? rule->name : "");
  copy->match_priorities = copy_int_array (rule->match_priorities);
  copy->match_tags = rule->match_tags != NULL ? g_strdupv (rule->match_tags) : g_new0 (char *, 1);
  copy->match_channels = copy_int_array (rule->match_channels);
  copy->match_business_types = rule->match_business_types != NULL
                               ? g_strdupv (rule->match_business_types)
                               : g_new0 (char *, 1);
  return copy;
}

void
dw_sla_rule_free (DwSlaRule *rule)
{
  if (rule == NULL)
    return;

  g_free (rule->name);
  g_clear_pointer (&rule->match_priorities, g_array_unref);
  g_strfreev (rule->match_tags);
  g_clear_pointer (&rule->match_channels, g_array_unref);
  g_strfreev (rule->match_business_types);
  g_free (rule);
}

int
dw_sla_rule_get_target_minutes (const DwSlaRule *rule,
                                DwSlaTarget      target)
{
  g_return_val_if_fail (rule != NULL, -1);

  switch (target)
    {
    case DW_SLA_TARGET_FIRST_RESPONSE:
      return rule->first_response_minutes;
    case DW_SLA_TARGET_NEXT_RESPONSE:
      return rule->next_response_minutes;
    case DW_SLA_TARGET_RESOLUTION:
      return rule->resolution_minutes;
    default:
      g_return_val_if_reached (-1);
    }
}

static gboolean
int_array_contains (GArray *array,
                    int     value)
{
  for (guint i = 0; i < array->len; i++)
    if (g_array_index (array, int, i) == value)
      return TRUE;
  return FALSE;
}

gboolean
dw_sla_rule_matches (const DwSlaRule    *rule,
                     DwPriority          priority,
                     const char * const *customer_tags,
                     DwChannel           channel,
                     const char         *business_type)
{
  g_return_val_if_fail (rule != NULL, FALSE);

  if (rule->match_priorities != NULL && rule->match_priorities->len > 0 &&
      !int_array_contains (rule->match_priorities, priority))
    return FALSE;

  if (rule->match_channels != NULL && rule->match_channels->len > 0 &&
      !int_array_contains (rule->match_channels, channel))
    return FALSE;

  if (rule->match_business_types != NULL && rule->match_business_types[0] != NULL &&
      (business_type == NULL ||
       !g_strv_contains ((const char * const *) rule->match_business_types, business_type)))
    return FALSE;

  if (rule->match_tags != NULL && rule->match_tags[0] != NULL)
    {
      gboolean any = FALSE;

      for (guint i = 0; customer_tags != NULL && customer_tags[i] != NULL && !any; i++)
        any = g_strv_contains ((const char * const *) rule->match_tags, customer_tags[i]);
      if (!any)
        return FALSE;
    }

  return TRUE;
}

const DwSlaRule *
dw_sla_rules_match (GPtrArray          *rules,
                    DwPriority          priority,
                    const char * const *customer_tags,
                    DwChannel           channel,
                    const char         *business_type)
{
  const DwSlaRule *best = NULL;

  g_return_val_if_fail (rules != NULL, NULL);

  for (guint i = 0; i < rules->len; i++)
    {
      const DwSlaRule *rule = g_ptr_array_index (rules, i);

      if (!dw_sla_rule_matches (rule, priority, customer_tags, channel, business_type))
        continue;
      if (best == NULL || rule->position < best->position ||
          (rule->position == best->position && rule->id < best->id))
        best = rule;
    }
  return best;
}

/* Policy JSON */

static gboolean
node_is_int (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
node_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
node_is_bool (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

static char *
enum_choices (GType type)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < klass->n_values; i++)
    {
      if (i > 0)
        g_string_append (s, ", ");
      g_string_append (s, klass->values[i].value_nick);
    }
  return g_string_free (s, FALSE);
}

static gboolean
read_enum_array (JsonNode    *node,
                 const char  *member,
                 GType        type,
                 GArray      *out,
                 GError     **error)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID, "%s: must be an array", member);
      return FALSE;
    }

  array = json_node_get_array (node);
  g_array_set_size (out, 0);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      int value;

      if (!node_is_string (item) ||
          !dw_enum_from_string (type, json_node_get_string (item), &value))
        {
          g_autofree char *choices = enum_choices (type);

          if (node_is_string (item))
            g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID,
                         "%s: \"%s\" is not one of %s", member, json_node_get_string (item),
                         choices);
          else
            g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID,
                         "%s: item %u must be one of %s", member, i + 1, choices);
          return FALSE;
        }
      if (!int_array_contains (out, value))
        g_array_append_val (out, value);
    }
  return TRUE;
}

static gboolean
read_string_array (JsonNode    *node,
                   const char  *member,
                   GStrv       *out,
                   GError     **error)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID,
                   "%s: must be an array of strings", member);
      return FALSE;
    }

  builder = g_strv_builder_new ();
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!node_is_string (item) || json_node_get_string (item)[0] == '\0')
        {
          g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID,
                       "%s: item %u must be a non-empty string", member, i + 1);
          return FALSE;
        }
      g_strv_builder_add (builder, json_node_get_string (item));
    }

  g_strfreev (*out);
  *out = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
read_minutes (JsonNode    *node,
              const char  *member,
              int         *out,
              GError     **error)
{
  if (JSON_NODE_HOLDS_NULL (node))
    {
      *out = -1;
      return TRUE;
    }

  if (!node_is_int (node) || json_node_get_int (node) < 1 ||
      json_node_get_int (node) > MAX_TARGET_MINUTES)
    {
      g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID,
                   "%s: must be null or a whole number of minutes from 1 to %d",
                   member, MAX_TARGET_MINUTES);
      return FALSE;
    }

  *out = (int) json_node_get_int (node);
  return TRUE;
}

static gboolean
read_escalation (JsonNode   *node,
                 DwSlaRule  *rule,
                 GError    **error)
{
  JsonObject *object;
  g_autoptr(GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID,
                   "escalation: must be an object");
      return FALSE;
    }

  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *value = json_object_get_member (object, name);
      gboolean *field;

      if (g_str_equal (name, "raise_priority"))
        field = &rule->escalate_raise_priority;
      else if (g_str_equal (name, "notify_lead"))
        field = &rule->escalate_notify_lead;
      else if (g_str_equal (name, "reassign"))
        field = &rule->escalate_reassign;
      else
        {
          g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID,
                       "escalation.%s: unknown field", name);
          return FALSE;
        }

      if (!node_is_bool (value))
        {
          g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID,
                       "escalation.%s: must be true or false", name);
          return FALSE;
        }
      *field = json_node_get_boolean (value);
    }
  return TRUE;
}

DwSlaRule *
dw_sla_rule_new_from_json (JsonObject  *object,
                           GError     **error)
{
  g_autoptr(DwSlaRule) rule = NULL;
  g_autoptr(GList) members = NULL;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  rule = dw_sla_rule_new ();
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);
      gboolean ok = TRUE;

      if (g_str_equal (name, "id"))
        {
          if (JSON_NODE_HOLDS_NULL (node))
            rule->id = 0;
          else if (node_is_int (node))
            rule->id = json_node_get_int (node);
          else
            ok = FALSE;
        }
      else if (g_str_equal (name, "name"))
        {
          if (!node_is_string (node))
            ok = FALSE;
          else
            {
              g_free (rule->name);
              rule->name = g_strdup (json_node_get_string (node));
            }
        }
      else if (g_str_equal (name, "position"))
        {
          if (!node_is_int (node) || json_node_get_int (node) < G_MININT ||
              json_node_get_int (node) > G_MAXINT)
            ok = FALSE;
          else
            rule->position = (int) json_node_get_int (node);
        }
      else if (g_str_equal (name, "match_priorities"))
        {
          if (!read_enum_array (node, name, DW_TYPE_PRIORITY, rule->match_priorities, error))
            return NULL;
        }
      else if (g_str_equal (name, "match_channels"))
        {
          if (!read_enum_array (node, name, DW_TYPE_CHANNEL, rule->match_channels, error))
            return NULL;
        }
      else if (g_str_equal (name, "match_tags"))
        {
          if (!read_string_array (node, name, &rule->match_tags, error))
            return NULL;
        }
      else if (g_str_equal (name, "match_business_types"))
        {
          if (!read_string_array (node, name, &rule->match_business_types, error))
            return NULL;
        }
      else if (g_str_equal (name, "first_response_minutes"))
        {
          if (!read_minutes (node, name, &rule->first_response_minutes, error))
            return NULL;
        }
      else if (g_str_equal (name, "next_response_minutes"))
        {
          if (!read_minutes (node, name, &rule->next_response_minutes, error))
            return NULL;
        }
      else if (g_str_equal (name, "resolution_minutes"))
        {
          if (!read_minutes (node, name, &rule->resolution_minutes, error))
            return NULL;
        }
      else if (g_str_equal (name, "at_risk_ratio"))
        {
          double ratio;

          if (!JSON_NODE_HOLDS_VALUE (node) ||
              (json_node_get_value_type (node) != G_TYPE_DOUBLE &&
               json_node_get_value_type (node) != G_TYPE_INT64))
            ratio = -1;
          else
            ratio = json_node_get_double (node);

          if (!(ratio > 0 && ratio < 1))
            {
              g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID,
                           "at_risk_ratio: must be a number between 0 and 1 (exclusive)");
              return NULL;
            }
          rule->at_risk_ratio = ratio;
        }
      else if (g_str_equal (name, "escalation"))
        {
          if (!read_escalation (node, rule, error))
            return NULL;
        }
      else
        {
          g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID, "%s: unknown field", name);
          return NULL;
        }

      if (!ok)
        {
          g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID, "%s: must be %s", name,
                       g_str_equal (name, "name") ? "a string" : "an integer");
          return NULL;
        }
    }

  return g_steal_pointer (&rule);
}

static void
set_minutes_member (JsonObject *object,
                    const char *member,
                    int         minutes)
{
  if (minutes < 0)
    json_object_set_null_member (object, member);
  else
    json_object_set_int_member (object, member, minutes);
}

JsonObject *
dw_sla_rule_to_json (const DwSlaRule *rule)
{
  JsonObject *object;
  JsonObject *escalation;
  JsonArray *array;

  g_return_val_if_fail (rule != NULL, NULL);

  object = json_object_new ();
  if (rule->id > 0)
    json_object_set_int_member (object, "id", rule->id);
  json_object_set_string_member (object, "name", rule->name != NULL ? rule->name : "");
  json_object_set_int_member (object, "position", rule->position);

  array = json_array_new ();
  for (guint i = 0; rule->match_priorities != NULL && i < rule->match_priorities->len; i++)
    json_array_add_string_element (array,
                                   dw_priority_to_string (g_array_index (rule->match_priorities,
                                                                         int, i)));
  json_object_set_array_member (object, "match_priorities", array);

  array = json_array_new ();
  for (guint i = 0; rule->match_tags != NULL && rule->match_tags[i] != NULL; i++)
    json_array_add_string_element (array, rule->match_tags[i]);
  json_object_set_array_member (object, "match_tags", array);

  array = json_array_new ();
  for (guint i = 0; rule->match_channels != NULL && i < rule->match_channels->len; i++)
    json_array_add_string_element (array,
                                   dw_channel_to_string (g_array_index (rule->match_channels,
                                                                        int, i)));
  json_object_set_array_member (object, "match_channels", array);

  array = json_array_new ();
  for (guint i = 0; rule->match_business_types != NULL && rule->match_business_types[i] != NULL; i++)
    json_array_add_string_element (array, rule->match_business_types[i]);
  json_object_set_array_member (object, "match_business_types", array);

  set_minutes_member (object, "first_response_minutes", rule->first_response_minutes);
  set_minutes_member (object, "next_response_minutes", rule->next_response_minutes);
  set_minutes_member (object, "resolution_minutes", rule->resolution_minutes);
  json_object_set_double_member (object, "at_risk_ratio", rule->at_risk_ratio);

  escalation = json_object_new ();
  json_object_set_boolean_member (escalation, "raise_priority", rule->escalate_raise_priority);
  json_object_set_boolean_member (escalation, "notify_lead", rule->escalate_notify_lead);
  json_object_set_boolean_member (escalation, "reassign", rule->escalate_reassign);
  json_object_set_object_member (object, "escalation", escalation);

  return object;
}

/* ------------------------------------------------------------------------------------------ */
/* The clock */

typedef struct
{
  gboolean defined;
  gint64   target;        /* seconds */
  gint64   risk;          /* at-risk threshold, seconds */
  gboolean started;       /* first response from creation; next response once a cycle began */
  gboolean answered;      /* settled by a public agent reply */
  gint64   answered_at;
  gint64   elapsed;
  gint64   at_risk_at;    /* crossing moments, 0 until crossed */
  gint64   breached_at;
} Clock;

static void
clock_init (Clock           *clock,
            const DwSlaRule *rule,
            DwSlaTarget      target)
{
  int minutes = rule != NULL ? dw_sla_rule_get_target_minutes (rule, target) : -1;

  memset (clock, 0, sizeof *clock);
  if (minutes < 0)
    return;

  clock->defined = TRUE;
  clock->target = (gint64) minutes * 60;
  clock->risk = (gint64) floor (rule->at_risk_ratio * (double) clock->target + 0.5);
  clock->risk = CLAMP (clock->risk, 0, clock->target);
}

static void
clock_start (Clock  *clock,
             gint64  at)
{
  gint64 target = clock->target;
  gint64 risk = clock->risk;
  gboolean defined = clock->defined;

  memset (clock, 0, sizeof *clock);
  clock->defined = defined;
  clock->target = target;
  clock->risk = risk;
  clock->started = TRUE;
  /* Degenerate zero-length targets cross at once. */
  if (risk <= 0)
    clock->at_risk_at = at;
  if (target <= 0)
    clock->breached_at = at;
}

static gboolean
clock_running (const Clock *clock)
{
  return clock->defined && clock->started && !clock->answered;
}

static void
clock_advance (Clock      *clock,
               DwCalendar *calendar,
               gint64      from,
               gint64      to)
{
  gint64 seconds;

  if (!clock_running (clock) || to <= from)
    return;

  seconds = dw_calendar_business_seconds_between (calendar, from, to);
  if (seconds <= 0)
    return;

  if (clock->at_risk_at == 0 && clock->elapsed + seconds >= clock->risk)
    clock->at_risk_at = dw_calendar_add_business_seconds (calendar, from,
                                                          clock->risk - clock->elapsed);
  if (clock->breached_at == 0 && clock->elapsed + seconds >= clock->target)
    clock->breached_at = dw_calendar_add_business_seconds (calendar, from,
                                                           clock->target - clock->elapsed);
  clock->elapsed += seconds;
}

static gboolean
status_counts (DwStatus status)
{
  return status != DW_STATUS_PENDING && status != DW_STATUS_SOLVED && status != DW_STATUS_CLOSED;
}

static gboolean
status_is_done (DwStatus status)
{
  return status == DW_STATUS_SOLVED || status == DW_STATUS_CLOSED;
}

static void
clock_report (const Clock       *clock,
              DwSlaTarget        target,
              DwCalendar        *calendar,
              DwStatus           status,
              gint64             done_at,
              gint64             now,
              DwSlaTargetStatus *out)
{
  memset (out, 0, sizeof *out);
  out->target = target;
  out->defined = clock->defined;
  out->state = DW_SLA_STATE_NONE;
  out->paused_reason = DW_SLA_PAUSE_NONE;
  if (!clock->defined)
    return;

  out->target_seconds = clock->target;
  if (!clock->started)
    return;

  out->elapsed_seconds = clock->elapsed;
  out->breached_at = clock->breached_at;

  if (clock->answered || status_is_done (status))
    {
      out->met_at = clock->answered ? clock->answered_at : done_at;
      out->state = clock->elapsed >= clock->target ? DW_SLA_STATE_BREACHED : DW_SLA_STATE_MET;
      return;
    }

  if (status == DW_STATUS_PENDING)
    {
      out->paused_reason = DW_SLA_PAUSE_PENDING;
      out->state = clock->elapsed >= clock->target ? DW_SLA_STATE_BREACHED : DW_SLA_STATE_PAUSED;
      return;
    }

  if (!dw_calendar_is_open (calendar, now))
    out->paused_reason = DW_SLA_PAUSE_OUTSIDE_HOURS;

  if (clock->elapsed >= clock->target)
    out->state = DW_SLA_STATE_BREACHED;
  else if (clock->elapsed >= clock->risk)
    out->state = DW_SLA_STATE_AT_RISK;
  else
    out->state = DW_SLA_STATE_OK;

  out->at_risk_at = clock->at_risk_at != 0
                    ? clock->at_risk_at
                    : dw_calendar_add_business_seconds (calendar, now,
                                                        clock->risk - clock->elapsed);
  out->due_at = clock->breached_at != 0
                ? clock->breached_at
                : dw_calendar_add_business_seconds (calendar, now,
                                                    clock->target - clock->elapsed);
}

void
dw_sla_compute (DwCalendar      *calendar,
                const DwSlaRule *rule,
                const DwSlaMark *marks,
                gsize            n_marks,
                gint64           now,
                DwSlaResult     *result)
{
  Clock clocks[DW_SLA_N_TARGETS];
  Clock *first = &clocks[DW_SLA_TARGET_FIRST_RESPONSE];
  Clock *next = &clocks[DW_SLA_TARGET_NEXT_RESPONSE];
  Clock *resolution = &clocks[DW_SLA_TARGET_RESOLUTION];
  DwStatus status = DW_STATUS_NEW;
  gboolean replied = FALSE;
  gint64 done_at = 0;
  gint64 prev = 0;
  gsize i;

  g_return_if_fail (DW_IS_CALENDAR (calendar));
  g_return_if_fail (marks != NULL || n_marks == 0);
  g_return_if_fail (result != NULL);

  for (guint t = 0; t < DW_SLA_N_TARGETS; t++)
    clock_init (&clocks[t], rule, t);

  for (i = 0; i < n_marks; i++)
    if (marks[i].kind == DW_SLA_MARK_CREATED)
      break;

  if (i < n_marks && marks[i].at <= now)
    {
      prev = marks[i].at;
      clock_start (first, prev);
      clock_start (resolution, prev);

      for (i++; i < n_marks && marks[i].at <= now; i++)
        {
          const DwSlaMark *mark = &marks[i];
          gint64 at = MAX (mark->at, prev);

          if (status_counts (status))
            for (guint t = 0; t < DW_SLA_N_TARGETS; t++)
              clock_advance (&clocks[t], calendar, prev, at);
          prev = at;

          switch (mark->kind)
            {
            case DW_SLA_MARK_CREATED:
              break;

            case DW_SLA_MARK_AGENT_REPLY:
              replied = TRUE;
              for (guint t = DW_SLA_TARGET_FIRST_RESPONSE; t <= DW_SLA_TARGET_NEXT_RESPONSE; t++)
                if (clock_running (&clocks[t]))
                  {
                    clocks[t].answered = TRUE;
                    clocks[t].answered_at = at;
                  }
              break;

            case DW_SLA_MARK_CUSTOMER_MESSAGE:
              /* The customer waits from the first message after our last reply. */
              if (replied && next->defined && (!next->started || next->answered))
                clock_start (next, at);
              break;

            case DW_SLA_MARK_STATUS:
              if (status_is_done (mark->status) && !status_is_done (status))
                done_at = at;
              status = mark->status;
              break;

            default:
              g_warn_if_reached ();
            }
        }

      if (status_counts (status))
        for (guint t = 0; t < DW_SLA_N_TARGETS; t++)
          clock_advance (&clocks[t], calendar, prev, now);
    }

  result->worst = DW_SLA_STATE_NONE;
  result->next_transition = 0;
  for (guint t = 0; t < DW_SLA_N_TARGETS; t++)
    {
      DwSlaTargetStatus *out = &result->targets[t];

      clock_report (&clocks[t], t, calendar, status, done_at, now, out);
      result->worst = MAX (result->worst, out->state);

      for (guint k = 0; k < 2; k++)
        {
          gint64 at = k == 0 ? out->at_risk_at : out->due_at;

          if (at > now && at < DW_CALENDAR_FOREVER &&
              (result->next_transition == 0 || at < result->next_transition))
            result->next_transition = at;
        }
    }
}

/* The audit trail's words (reasons are for people reading the trail, so not translated). */
char *
dw_sla_describe_change (const DwSlaTargetStatus *status,
                        DwSlaState               before)
{
  const char *target = dw_sla_target_to_string (status->target);
  gint64 used_min = status->elapsed_seconds / 60;
  gint64 target_min = status->target_seconds / 60;

  switch (status->state)
    {
    case DW_SLA_STATE_NONE:
      return g_strdup_printf ("sla: %s no longer applies", target);
    case DW_SLA_STATE_MET:
      return g_strdup_printf ("sla: %s met after %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                              " business minutes", target, used_min, target_min);
    case DW_SLA_STATE_PAUSED:
      return g_strdup_printf ("sla: %s paused while the ticket is pending on the customer "
                              "(%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " minutes used)",
                              target, used_min, target_min);
    case DW_SLA_STATE_OK:
      return before == DW_SLA_STATE_NONE
             ? g_strdup_printf ("sla: %s clock started, %" G_GINT64_FORMAT " business minutes",
                                target, target_min)
             : g_strdup_printf ("sla: %s running again (%" G_GINT64_FORMAT " of %"
                                G_GINT64_FORMAT " minutes used)", target, used_min, target_min);
    case DW_SLA_STATE_AT_RISK:
      return g_strdup_printf ("sla: %s at risk, %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                              " business minutes used", target, used_min, target_min);
    case DW_SLA_STATE_BREACHED:
      return g_strdup_printf ("sla: %s breached, target %" G_GINT64_FORMAT " business minutes",
                              target, target_min);
    default:
      return g_strdup_printf ("sla: %s changed", target);
    }
}

/* SLA target JSON */

const char *
dw_sla_pause_reason_to_string (DwSlaPauseReason reason)
{
  switch (reason)
    {
    case DW_SLA_PAUSE_PENDING:
      return "pending";
    case DW_SLA_PAUSE_OUTSIDE_HOURS:
      return "outside-hours";
    case DW_SLA_PAUSE_NONE:
    default:
      return NULL;
    }
}

int
dw_sla_pause_reason_from_string (const char *string)
{
  if (string == NULL)
    return DW_SLA_PAUSE_NONE;
  if (g_str_equal (string, "pending"))
    return DW_SLA_PAUSE_PENDING;
  if (g_str_equal (string, "outside-hours"))
    return DW_SLA_PAUSE_OUTSIDE_HOURS;
  return -1;
}

static void
set_time_member (JsonObject *object,
                 const char *member,
                 gint64      t)
{
  if (t == 0)
    json_object_set_null_member (object, member);
  else
    {
      g_autofree char *iso = dw_time_to_iso8601 (t);

      json_object_set_string_member (object, member, iso);
    }
}

JsonObject *
dw_sla_target_status_to_json (const DwSlaTargetStatus *status)
{
  JsonObject *object;
  const char *reason;

  g_return_val_if_fail (status != NULL, NULL);

  object = json_object_new ();
  json_object_set_string_member (object, "target", dw_sla_target_to_string (status->target));
  json_object_set_string_member (object, "state", dw_sla_state_to_string (status->state));
  json_object_set_int_member (object, "target_minutes", status->target_seconds / 60);
  json_object_set_int_member (object, "elapsed_seconds", status->elapsed_seconds);
  set_time_member (object, "at_risk_at", status->at_risk_at);
  set_time_member (object, "due_at", status->due_at);
  set_time_member (object, "met_at", status->met_at);
  reason = dw_sla_pause_reason_to_string (status->paused_reason);
  if (reason != NULL)
    json_object_set_string_member (object, "paused_reason", reason);
  else
    json_object_set_null_member (object, "paused_reason");
  return object;
}

static gboolean
read_time_member (JsonObject  *object,
                  const char  *member,
                  gint64      *t,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *t = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (node_is_string (node) && dw_time_from_iso8601 (json_node_get_string (node), t))
    return TRUE;

  g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID,
               "%s: must be null or an ISO 8601 time", member);
  return FALSE;
}

gboolean
dw_sla_target_status_from_json (JsonObject         *object,
                                DwSlaTargetStatus  *status,
                                GError            **error)
{
  DwSlaTargetStatus s = { 0 };
  JsonNode *node;
  int value;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (status != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  s.defined = TRUE;

  node = json_object_get_member (object, "target");
  if (node == NULL || !node_is_string (node) ||
      !dw_enum_from_string (DW_TYPE_SLA_TARGET, json_node_get_string (node), &value))
    {
      g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID,
                   "target: must be first-response, next-response or resolution");
      return FALSE;
    }
  s.target = value;

  node = json_object_get_member (object, "state");
  if (node == NULL || !node_is_string (node) ||
      !dw_enum_from_string (DW_TYPE_SLA_STATE, json_node_get_string (node), &value))
    {
      g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID, "state: not an SLA state");
      return FALSE;
    }
  s.state = value;

  node = json_object_get_member (object, "target_minutes");
  if (node == NULL || !node_is_int (node) || json_node_get_int (node) < 0)
    {
      g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID,
                   "target_minutes: must be a whole number");
      return FALSE;
    }
  s.target_seconds = json_node_get_int (node) * 60;

  node = json_object_get_member (object, "elapsed_seconds");
  if (node == NULL || !node_is_int (node) || json_node_get_int (node) < 0)
    {
      g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID,
                   "elapsed_seconds: must be a whole number");
      return FALSE;
    }
  s.elapsed_seconds = json_node_get_int (node);

  if (!read_time_member (object, "at_risk_at", &s.at_risk_at, error) ||
      !read_time_member (object, "due_at", &s.due_at, error) ||
      !read_time_member (object, "met_at", &s.met_at, error))
    return FALSE;

  node = json_object_get_member (object, "paused_reason");
  s.paused_reason = DW_SLA_PAUSE_NONE;
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      const char *reason = node_is_string (node) ? json_node_get_string (node) : "";

      if (g_str_equal (reason, "pending"))
        s.paused_reason = DW_SLA_PAUSE_PENDING;
      else if (g_str_equal (reason, "outside-hours"))
        s.paused_reason = DW_SLA_PAUSE_OUTSIDE_HOURS;
      else
        {
          g_set_error (error, DW_SLA_ERROR, DW_SLA_ERROR_INVALID,
                       "paused_reason: must be null, pending or outside-hours");
          return FALSE;
        }
    }

  *status = s;
  return TRUE;
}

JsonArray *
dw_sla_result_to_json (const DwSlaResult *result)
{
  JsonArray *array;

  g_return_val_if_fail (result != NULL, NULL);

  array = json_array_new ();
  for (guint t = 0; t < DW_SLA_N_TARGETS; t++)
    if (result->targets[t].defined)
      json_array_add_object_element (array, dw_sla_target_status_to_json (&result->targets[t]));
  return array;
}

double
dw_sla_share_percent_shown (gint64  met,
                            gint64  due,
                            int    *decimals)
{
  double percent;

  g_return_val_if_fail (decimals != NULL, 0);

  *decimals = 0;
  if (due <= 0)
    return 0;

  percent = 100.0 * (double) met / (double) due;
  /* "100 %" beside "1 of 1033 breached" told a lead that nothing went wrong. */
  if (met < due && round (percent) >= 100.0)
    {
      *decimals = 1;
      return MIN (floor (percent * 10.0) / 10.0, 99.9);
    }
  if (met > 0 && round (percent) <= 0.0)
    {
      *decimals = 1;
      return MAX (ceil (percent * 10.0) / 10.0, 0.1);
    }
  return round (percent);
}
