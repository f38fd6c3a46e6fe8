/* dw-timeline-format.c: a ticket's audit trail and SLA targets in words. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dw-queue-format.h"
#include "dw-sla.h"
#include "dw-timeline-format.h"

/* What a captured piece of a reason is, so that it is put in words too. */
typedef enum
{
  PIECE_TEXT,           /* as it is: a team's name, a keyword, a username */
  PIECE_CHANNEL,        /* "wechat" → "WeChat" */
  PIECE_BUSINESS_TYPE,  /* "logistics" → "Logistics" (also a skill: skills are named so) */
  PIECE_TARGET,         /* "first_response" → "First response" */
  PIECE_MINUTES,        /* "90" → "1 h 30 min" */
  PIECE_ROUTING,        /* a routing reason of its own, translated in turn */
} Piece;

/* The service's reasons (src/server, src/core/dw-routing.c, dw_sla_describe_change()) and
 * the words for them; {1}, {2}… are the pieces the pattern captures, in order. */
static const struct
{
  const char *pattern;
  const char *words;
  Piece       pieces[4];
} reasons[] = {
  { "^intake via (\\w+)$", N_("Came in by {1}"), { PIECE_CHANNEL } },
  { "^classified as (\\S+): keyword \"(.*)\"$", N_("{1}, from the keyword “{2}”"),
    { PIECE_BUSINESS_TYPE, PIECE_TEXT } },
  { "^no keyword rule matched$", N_("No keyword rule matched"), { 0 } },
  { "^team chosen by (.+)$", N_("Team chosen by {1}"), { PIECE_TEXT } },
  { "^assigned by (.+) on intake$", N_("Assigned by {1} on intake"), { PIECE_TEXT } },
  { "^routing: business type (\\S+) belongs to team (.+)$",
    N_("Routing: {1} is handled by team {2}"), { PIECE_BUSINESS_TYPE, PIECE_TEXT } },
  { "^routing: no team for the business type; the intake default team$",
    N_("Routing: no team handles this business type, so the default team"), { 0 } },
  { "^sla: breached, reassigned; routing: (.+)$",
    N_("SLA breached, so reassigned. Routing: {1}"), { PIECE_ROUTING } },
  { "^routing: (.+)$", N_("Routing: {1}"), { PIECE_ROUTING } },
  { "^no online agent with free capacity; waiting in the team queue$",
    N_("no online agent with free capacity; waiting in the team queue"), { 0 } },
  { "^no online agent with free capacity$", N_("no online agent with free capacity"), { 0 } },
  { "^no online agent with the needed skill and free capacity$",
    N_("no online agent with the needed skill and free capacity"), { 0 } },
  { "^no online agent with skill (\\S+) and free capacity$",
    N_("no online agent with the {1} skill and free capacity"), { PIECE_BUSINESS_TYPE } },
  { "^online agent with skill (\\S+) \\(level (\\d+)\\) and the most free capacity \\((\\d+) of (\\d+)\\)$",
    N_("online agent with the {1} skill (level {2}) and the most free capacity ({3} of {4})"),
    { PIECE_BUSINESS_TYPE, PIECE_TEXT, PIECE_TEXT, PIECE_TEXT } },
  { "^online agent with the needed skill \\(level (\\d+)\\) and the most free capacity \\((\\d+) of (\\d+)\\)$",
    N_("online agent with the needed skill (level {1}) and the most free capacity ({2} of {3})"),
    { PIECE_TEXT, PIECE_TEXT, PIECE_TEXT } },
  { "^online agent with the needed skill and the most free capacity$",
    N_("online agent with the needed skill and the most free capacity"), { 0 } },
  { "^online agent with the most free capacity \\((\\d+) of (\\d+)\\)$",
    N_("online agent with the most free capacity ({1} of {2})"), { PIECE_TEXT, PIECE_TEXT } },
  { "^nobody free$", N_("nobody free"), { 0 } },
  { "^nobody else is free$", N_("nobody else is free"), { 0 } },
  { "^agent replied$", N_("The agent replied"), { 0 } },
  { "^customer replied$", N_("The customer replied"), { 0 } },
  { "^public reply$", N_("Public reply"), { 0 } },
  { "^internal note$", N_("Internal note"), { 0 } },
  { "^moved to a team its assignee is not in$",
    N_("Moved to a team its agent is not in"), { 0 } },
  { "^(shift ended: handed back to the team queue|handed back to the team queue at the end of a shift)$",
    N_("Handed back to the team queue at the end of a shift"), { 0 } },
  { "^customer rated the service$", N_("The customer rated the service"), { 0 } },
  { "^closed automatically three days after solved$",
    N_("Closed automatically three days after it was solved"), { 0 } },
  { "^no answer from the customer for two hours$",
    N_("No answer from the customer for two hours"), { 0 } },
  { "^sla: ([\\w-]+) no longer applies$", N_("{1} no longer applies"), { PIECE_TARGET } },
  { "^sla: ([\\w-]+) met after (\\d+) of (\\d+) business minutes$",
    N_("{1} met after {2} of {3} in business hours"),
    { PIECE_TARGET, PIECE_MINUTES, PIECE_MINUTES } },
  { "^sla: ([\\w-]+) paused while the ticket is pending on the customer \\((\\d+) of (\\d+) minutes used\\)$",
    N_("{1} paused while waiting on the customer ({2} of {3} used)"),
    { PIECE_TARGET, PIECE_MINUTES, PIECE_MINUTES } },
  { "^sla: ([\\w-]+) clock started, (\\d+) business minutes$",
    N_("{1} clock started: {2} in business hours"), { PIECE_TARGET, PIECE_MINUTES } },
  { "^sla: ([\\w-]+) running again \\((\\d+) of (\\d+) minutes used\\)$",
    N_("{1} clock running again ({2} of {3} used)"),
    { PIECE_TARGET, PIECE_MINUTES, PIECE_MINUTES } },
  { "^sla: ([\\w-]+) at risk, (\\d+) of (\\d+) business minutes used$",
    N_("{1} at risk: {2} of {3} used"), { PIECE_TARGET, PIECE_MINUTES, PIECE_MINUTES } },
  { "^sla: ([\\w-]+) breached, target (\\d+) business minutes$",
    N_("{1} breached: the target was {2} in business hours"), { PIECE_TARGET, PIECE_MINUTES } },
  { "^sla: ([\\w-]+) breached \\(policy (.+)\\)$", N_("{1} breached (policy {2})"),
    { PIECE_TARGET, PIECE_TEXT } },
  { "^sla: ([\\w-]+) changed$", N_("{1} changed"), { PIECE_TARGET } },
};

/* Helpers */

static char *reason_words (const char *reason);

static char *
piece_words (Piece       piece,
             const char *text)
{
  int value;

  switch (piece)
    {
    case PIECE_CHANNEL:
      if (dw_enum_from_string (DW_TYPE_CHANNEL, text, &value))
        return g_strdup (dw_channel_label (value));
      return g_strdup (text);

    case PIECE_BUSINESS_TYPE:
      return g_strdup (dw_format_business_type (text));

    case PIECE_TARGET:
      if (dw_enum_from_string (DW_TYPE_SLA_TARGET, text, &value))
        return g_strdup (dw_sla_target_label (value));
      return g_strdup (text);

    case PIECE_MINUTES:
      return dw_format_duration (g_ascii_strtoll (text, NULL, 10) * 60);

    case PIECE_ROUTING:
      return reason_words (text);

    case PIECE_TEXT:
    default:
      return g_strdup (text);
    }
}

/* @words with {N} replaced by @values[N-1]; translators may reorder them. */
static char *
fill (const char  *words,
      char       **values,
      guint        n_values)
{
  GString *out = g_string_new (NULL);

  for (const char *p = words; *p != '\0'; p++)
    {
      if (p[0] == '{' && p[1] >= '1' && p[1] <= '9' && p[2] == '}'
          && (guint) (p[1] - '1') < n_values)
        {
          g_string_append (out, values[p[1] - '1']);
          p += 2;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* The id an audit value holds, 0 for null or none. */
static gint64
node_id (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  return 0;
}

static const char *
node_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static char *
name_of (const char         *kind,
         gint64              id,
         DwTimelineNameFunc  names,
         gpointer            user_data)
{
  const char *name = names != NULL ? names (kind, id, user_data) : NULL;

  if (name != NULL)
    return g_strdup (name);
  return g_strdup_printf ("#%" G_GINT64_FORMAT, id);
}

static const char *
enum_label (GType       type,
            const char *nick)
{
  int value;

  if (nick == NULL || !dw_enum_from_string (type, nick, &value))
    return nick;
  if (type == DW_TYPE_STATUS)
    return dw_status_label (value);
  if (type == DW_TYPE_PRIORITY)
    return dw_priority_label (value);
  if (type == DW_TYPE_SLA_STATE)
    return dw_sla_state_label (value);
  if (type == DW_TYPE_CHANNEL)
    return dw_channel_label (value);
  return nick;
}

/* The name of a ticket field that has no title of its own below. */
static const char *
field_words (const char *field)
{
  static const struct { const char *field; const char *words; } fields[] = {
    { "subject", N_("Subject") },
    { "body", N_("Message") },
    { "tags", N_("Tags") },
    { "order_number", N_("Order number") },
    { "customer_id", N_("Customer") },
    { "channel", N_("Channel") },
    { "csat_comment", N_("Customer’s comment") },
    { "password", N_("Password") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (field, fields[i].field))
      return _(fields[i].words);
  return field;
}

/* The reason in words, or a copy of it when the console does not know its wording. */
static char *
reason_words (const char *reason)
{
  /* Compiled once: a ticket's timeline has dozens of rows to word. */
  static GRegex *regexes[G_N_ELEMENTS (reasons)];
  static gsize compiled = 0;

  if (g_once_init_enter (&compiled))
    {
      for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
        regexes[i] = g_regex_new (reasons[i].pattern, G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&compiled, 1);
    }

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      GRegex *regex = regexes[i];
      g_autoptr(GMatchInfo) match = NULL;
      char *values[4] = { NULL, };
      guint n = 0;
      char *words;

      if (regex == NULL || !g_regex_match (regex, reason, 0, &match))
        continue;

      /* A pattern with alternatives captures a group it does not put in words. */
      n = MIN ((guint) g_match_info_get_match_count (match) - 1, G_N_ELEMENTS (values));
      for (guint j = 0; j < n; j++)
        {
          g_autofree char *text = g_match_info_fetch (match, (int) j + 1);

          values[j] = piece_words (reasons[i].pieces[j], text);
        }
      words = fill (_(reasons[i].words), values, n);
      for (guint j = 0; j < n; j++)
        g_free (values[j]);
      return words;
    }

  /* A lead's own words (PATCH "reason"), or wording this console does not know. */
  return g_strdup (reason);
}

/* Public API */

char *
dw_timeline_format_reason (const char *reason)
{
  char *words;

  if (reason == NULL)
    return NULL;

  words = reason_words (reason);
  /* Reasons begin in lower case for the service's logs; a line on screen begins with a
   * capital (a no-op in scripts without case). */
  if (g_unichar_islower (g_utf8_get_char (words)))
    {
      g_autofree char *rest = g_strdup (g_utf8_next_char (words));
      char upper[8] = { 0, };

      g_unichar_to_utf8 (g_unichar_toupper (g_utf8_get_char (words)), upper);
      g_free (words);
      words = g_strconcat (upper, rest, NULL);
    }
  return words;
}

char *
dw_timeline_format_title (DwAuditEvent       *event,
                          DwTimelineNameFunc  names,
                          gpointer            user_data)
{
  const char *action = dw_audit_event_get_action (event);
  const char *field = dw_audit_event_get_field (event);
  JsonNode *after = dw_audit_event_get_after (event);
  const char *after_string = node_string (after);
  gint64 after_id = node_id (after);

  g_return_val_if_fail (DW_IS_AUDIT_EVENT (event), NULL);

  if (g_strcmp0 (action, "created") == 0)
    return g_strdup (_("Ticket created"));

  if (g_strcmp0 (action, "commented") == 0)
    return g_strdup (_("Comment added"));

  if (g_strcmp0 (action, "classified") == 0 && after_string != NULL)
    /* Translators: %s is a business type, e.g. "Logistics" */
    return g_strdup_printf (_("Classified as %s"), dw_format_business_type (after_string));

  if (g_strcmp0 (action, "queued") == 0)
    return g_strdup (_("Waiting in the team queue"));

  if (g_strcmp0 (action, "sla") == 0 && field != NULL)
    {
      int target;
      const char *target_words = dw_enum_from_string (DW_TYPE_SLA_TARGET, field, &target)
                                   ? dw_sla_target_label (target) : field;

      /* Translators: an SLA target and its new state, e.g. "First response: At risk" */
      return g_strdup_printf (_("%s: %s"), target_words,
                              enum_label (DW_TYPE_SLA_STATE, after_string));
    }

  if (g_strcmp0 (field, "assignee_id") == 0)
    {
      g_autofree char *who = NULL;

      if (after_id == 0)
        return g_strdup (g_strcmp0 (action, "escalated") == 0
                         ? _("Taken from its agent on breach") : _("Unassigned"));
      who = name_of ("user", after_id, names, user_data);
      if (g_strcmp0 (action, "escalated") == 0)
        /* Translators: %s is an agent's name */
        return g_strdup_printf (_("Reassigned to %s on breach"), who);
      /* Translators: %s is an agent's name */
      return g_strdup_printf (_("Assigned to %s"), who);
    }

  if (g_strcmp0 (field, "team_id") == 0 && after_id != 0)
    {
      g_autofree char *team = name_of ("team", after_id, names, user_data);

      if (g_strcmp0 (action, "routed") == 0)
        /* Translators: %s is a team's name */
        return g_strdup_printf (_("Routed to team %s"), team);
      /* Translators: %s is a team's name */
      return g_strdup_printf (_("Moved to team %s"), team);
    }

  if (g_strcmp0 (field, "priority") == 0)
    {
      const char *priority = enum_label (DW_TYPE_PRIORITY, after_string);

      if (g_strcmp0 (action, "escalated") == 0)
        /* Translators: %s is a priority, e.g. "Urgent" */
        return g_strdup_printf (_("Escalated: priority raised to %s"), priority);
      /* Translators: %s is a priority, e.g. "Urgent" */
      return g_strdup_printf (_("Priority set to %s"), priority);
    }

  if (g_strcmp0 (field, "escalation_level") == 0)
    {
      g_autofree char *level = g_strdup_printf ("%" G_GINT64_FORMAT, after_id);

      /* Translators: %s is a number */
      return g_strdup_printf (_("Escalation level raised to %s"), level);
    }

  if (g_strcmp0 (field, "status") == 0)
    /* Translators: %s is a status, e.g. "Solved" */
    return g_strdup_printf (_("Status set to %s"), enum_label (DW_TYPE_STATUS, after_string));

  if (g_strcmp0 (field, "business_type") == 0 && after_string != NULL)
    /* Translators: %s is a business type, e.g. "Logistics" */
    return g_strdup_printf (_("Business type set to %s"), dw_format_business_type (after_string));

  if (g_strcmp0 (field, "first_response_at") == 0)
    return g_strdup (_("First reply to the customer sent"));

  if (g_strcmp0 (field, "csat") == 0 && after_id != 0)
    {
      g_autofree char *score = g_strdup_printf ("%" G_GINT64_FORMAT, after_id);

      /* Translators: %s is the customer's score, 1 to 5 */
      return g_strdup_printf (_("The customer rated the service %s of 5"), score);
    }

  if (field != NULL)
    /* Translators: %s is what changed, e.g. "Subject" */
    return g_strdup_printf (_("%s changed"), field_words (field));

  return g_strdup (action != NULL ? action : "");
}

char *
dw_timeline_format_sla_target (const DwSlaTargetInfo *info,
                               gint64                 now)
{
  g_autofree char *elapsed = NULL;
  g_autofree char *budget = NULL;
  g_autofree char *used = NULL;

  g_return_val_if_fail (info != NULL, NULL);

  /* A target that no longer applies has no clock worth reading. */
  if (info->state == DW_SLA_STATE_NONE)
    return g_strdup (_("Does not apply"));

  elapsed = dw_format_duration (info->elapsed_seconds);
  budget = dw_format_duration ((gint64) info->target_minutes * 60);
  /* Translators: business time used of an SLA target's budget, e.g. "12 min of 30 min" */
  used = g_strdup_printf (_("%s of %s"), elapsed, budget);

  if (info->met_at != 0)
    {
      g_autofree char *at = dw_format_time (info->met_at);

      /* Translators: an SLA target met: when, then the business time used of its budget */
      return g_strdup_printf (_("Met at %s · %s"), at, used);
    }

  if (info->due_at == 0)
    {
      if (info->paused_reason == DW_SLA_PAUSE_PENDING)
        /* Translators: %s is the business time used, e.g. "12 min of 30 min" */
        return g_strdup_printf (_("Paused while waiting on the customer · %s"), used);
      /* Translators: %s is the business time used, e.g. "12 min of 30 min" */
      return g_strdup_printf (_("Paused outside business hours · %s"), used);
    }

  if (info->due_at <= now || info->state == DW_SLA_STATE_BREACHED)
    {
      g_autofree char *late = dw_format_duration (now - info->due_at);

      /* Translators: a breached SLA target: how late, then the business time used */
      return g_strdup_printf (_("Overdue by %s · %s"), late, used);
    }

  {
    g_autofree char *due = dw_format_duration (info->due_at - now);

    if (info->state == DW_SLA_STATE_AT_RISK)
      /* Translators: an SLA target at risk: time left until due, then the business time used */
      return g_strdup_printf (_("At risk · due in %s · %s"), due, used);

    if (info->at_risk_at > now)
      {
        g_autofree char *risk = dw_format_duration (info->at_risk_at - now);

        /* Translators: an SLA target on track: time until due, until at risk, business time
         * used */
        return g_strdup_printf (_("On track · due in %s, at risk in %s · %s"), due, risk, used);
      }
    /* Translators: an SLA target on track: time until due, then the business time used */
    return g_strdup_printf (_("On track · due in %s · %s"), due, used);
  }
}
