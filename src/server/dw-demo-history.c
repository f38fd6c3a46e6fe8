/* dw-demo-history.c: two weeks of back-filled tickets, written in bulk (store/dw-store-demo.h).
 *
 * Each ticket gets a whole life drawn up front (first reply, questions and answers, solving,
 * CSAT, closing) on the desk's business calendar; only the part before "now" is written, so the
 * tickets still open at "now" are exactly those whose story is not over.  Rows are the ones the
 * live desk would have written (comments, an audit row per change with the same actions and
 * reasons), and the SLA of every ticket is computed with the core SLA clock from the same marks.
 * A courier delay in the last hours piles up the logistics queue, and a slower returns team
 * leaves some tickets at risk, so the console has something to show from the first second.
 * The history keeps the rules the live desk enforces: tickets are routed only to agents online
 * then (per the presence log) and never beyond an agent's capacity, and an agent acts on a
 * ticket only while online.
 * The tickets still active at "now" are written at once; the past ones (solved or closed) are
 * kept and written later, in slices, after the service listens (dw-demo.c).
 */
#define G_LOG_DOMAIN "dw-demo"

#include "dw-demo-private.h"

#include "dw-routing.h"
#include "dw-sla.h"
#include "dw-json.h"
#include "dw-store.h"
#include "store/dw-store-demo.h"
#include "store/dw-store-people.h"

#define SURGE_SECONDS (3 * 3600)       /* logistics pile-up in the last hours */
#define SURGE_BOOST 1.3                 /* arrivals during the pile-up */
#define SLOW_RETURNS_SECONDS (90 * 60)
/* A real desk misses some targets every day, not only in a pile-up: a follow-up now and then
 * waits behind a busy queue (next response), and some cases need another department — a refund,
 * a courier claim — and are solved a business day or so later (resolution). */
#define LATE_FOLLOW_UP_SHARE 0.06
#define LONG_CASE_SHARE 0.05
#define LONG_CASE_COMPLAINTS_SHARE 0.15

/* A stretch of time; to is G_MAXINT64 when it lasts past "now". */
typedef struct
{
  gint64 from;
  gint64 to;
} Span;

typedef struct
{
  gint64      user_id;
  int         capacity;
  gboolean    online_now;       /* online or away at "now" */
  GHashTable *skills;           /* skill → level */
  GArray     *online;           /* of Span, from the presence log, in order */
  GArray     *holds;            /* of Span: when each generated active ticket was its */
  GArray     *teams;            /* of gint64 */
} Agent;

typedef struct
{
  gint64   id;
  gboolean vip;
  char   **tags;
} Customer;

typedef struct
{
  gint64      at;
  const char *author_kind;
  gint64      author_id;
  gboolean    is_public;
  char       *body;
} Comment;

typedef struct
{
  gint64  at;
  gint64  actor_id;
  const char *action;
  const char *field;
  char   *before;
  char   *after;
  char   *reason;
  int     comment_index;        /* >= 0: "after" is that comment's id */
} Audit;

typedef struct
{
  DwStore          *store;
  DwCalendar       *calendar;
  gint64            now;
  GPtrArray        *agents;     /* of Agent* */
  GArray           *customers;  /* of Customer */
  GPtrArray        *rules;      /* of DwSlaRule* */
  GHashTable       *team_of_type;  /* key → team id */
  DwClassifier     *classifier;
  gint64            surge_from;    /* the last SURGE_SECONDS of desk hours began here */
  gint64            slow_from;     /* the last SLOW_RETURNS_SECONDS of desk hours */
  GPtrArray        *past;          /* of Pending*: solved or closed at "now" */
  GPtrArray        *active;        /* of Pending*: still active at "now" */
} History;

/* The rows of one ticket, drawn and waiting to be written: the active ones before the service
 * listens, the past ones (only the SLA compliance and Agents figures read them) after.  Ids are
 * given up front, so the past ones fill in below the active ones and the live desk's own rows
 * (rowid max + 1) never take one of theirs. */
typedef struct
{
  gint64      ticket_id;
  gint64      first_comment_id;
  gint64      first_audit_id;
  char       *subject;
  char       *body;
  DwChannel   channel;
  DwDemoType  type;
  int         priority;
  int         status;
  gint64      team_id;
  gint64      assignee_id;
  gint64      customer_id;
  char       *order_number;
  char       *tags;
  gint64      created_at;
  gint64      updated_at;
  gint64      first_response_at;
  gint64      solved_at;
  gint64      version;
  gint64      escalation_level;
  gint64      policy_id;
  DwSlaState  sla_state;
  char       *sla_text;
  gint64      next_sla_at;
  gint64      csat;
  char       *csat_comment;
  GArray     *comments;         /* of Comment */
  GArray     *audits;           /* of Audit, in time order */
} Pending;

struct _DwDemoBacklog
{
  GPtrArray *past;              /* of Pending* */
  guint      next;              /* the first not written yet */
};

/* The story of one ticket as it unfolds. */
typedef struct
{
  History   *history;
  DwDemoType type;
  gint64     created_at;
  gint64     assignee_id;
  int        status;
  int        priority;
  gint64     first_response_at;
  gint64     solved_at;
  gint64     updated_at;
  int        csat;
  char      *csat_comment;
  int        version;
  GArray    *comments;  /* of Comment */
  GArray    *audits;    /* of Audit */
  GArray    *marks;     /* of DwSlaMark */
} Story;

static void
agent_free (gpointer data)
{
  Agent *agent = data;

  g_hash_table_unref (agent->skills);
  g_array_unref (agent->online);
  g_array_unref (agent->holds);
  g_array_unref (agent->teams);
  g_free (agent);
}

static void
comment_clear (gpointer data)
{
  g_free (((Comment *) data)->body);
}

static void
audit_clear (gpointer data)
{
  Audit *audit = data;

  g_free (audit->before);
  g_free (audit->after);
  g_free (audit->reason);
}

static void
customer_clear (gpointer data)
{
  g_strfreev (((Customer *) data)->tags);
}

/* @s as a JSON string, exactly as json-glib writes it.  Nearly all are SLA states, statuses and
 * times, printable ASCII that json-glib copies between the quotes as they are: written directly,
 * without a node and a generator for each of the desk's 100k audit values (a tenth of the seed). */
static char *
json_string_literal (const char *s)
{
  g_autoptr(JsonNode) node = NULL;

  for (const guchar *p = (const guchar *) s; ; p++)
    {
      if (*p == '\0')
        return g_strconcat ("\"", s, "\"", NULL);
      if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\')
        break;
    }

  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, s);
  return dw_json_to_string (node, NULL);
}

static char *
json_time_literal (gint64 t)
{
  g_autofree char *iso = dw_time_to_iso8601 (t);

  return json_string_literal (iso);
}

/* Loading */

static void
add_skill (gint64      level,
           const char *skill,
           gpointer    data)
{
  g_hash_table_insert (data, g_strdup (skill), GINT_TO_POINTER ((int) level));
}

static gboolean
load_agents (History  *history,
             GError  **error)
{
  g_autoptr(GArray) users = g_array_new (FALSE, FALSE, sizeof (DwStoreDemoAgent));
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (DwStoreDemoPresence));

  if (!dw_store_demo_history_agents (history->store, users, error))
    return FALSE;

  for (guint u = 0; u < users->len; u++)
    {
      const DwStoreDemoAgent *user = &g_array_index (users, DwStoreDemoAgent, u);
      Agent *agent = g_new0 (Agent, 1);

      agent->user_id = user->id;
      agent->capacity = (int) user->capacity;
      agent->online_now = !user->offline;
      agent->skills = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      agent->online = g_array_new (FALSE, FALSE, sizeof (Span));
      agent->holds = g_array_new (FALSE, FALSE, sizeof (Span));
      agent->teams = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_ptr_array_add (history->agents, agent);

      /* The presence the demo logged (shifts, lunch breaks, sick days): the history has an
       * agent act only while online, as the live desk routes only to online agents. */
      g_array_set_size (log, 0);
      if (!dw_store_demo_agent_skills (history->store, agent->user_id, add_skill, agent->skills,
                                       error)
          || !dw_store_demo_agent_presence_log (history->store, agent->user_id, log, error)
          || !dw_store_demo_agent_teams (history->store, agent->user_id, agent->teams, error))
        return FALSE;

      for (guint i = 0; i < log->len; i++)
        {
          const DwStoreDemoPresence *row = &g_array_index (log, DwStoreDemoPresence, i);
          Span *last = agent->online->len > 0
                       ? &g_array_index (agent->online, Span, agent->online->len - 1) : NULL;

          if (row->online && (last == NULL || last->to != G_MAXINT64))
            g_array_append_val (agent->online, ((Span) { row->at, G_MAXINT64 }));
          else if (!row->online && last != NULL && last->to == G_MAXINT64)
            last->to = row->at;
        }
    }

  return TRUE;
}

static void
add_customer (gint64      id,
              const char *text,
              gpointer    data)
{
  History *history = data;
  Customer customer = { id, FALSE, NULL };
  g_autoptr(JsonNode) tags = text != NULL ? json_from_string (text, NULL) : NULL;
  g_autoptr(GPtrArray) strv = g_ptr_array_new ();

  if (tags != NULL && JSON_NODE_HOLDS_ARRAY (tags))
    {
      JsonArray *array = json_node_get_array (tags);

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_ptr_array_add (strv, g_strdup (json_array_get_string_element (array, i)));
    }
  g_ptr_array_add (strv, NULL);
  customer.tags = (char **) g_ptr_array_steal (strv, NULL);
  customer.vip = dw_routing_tags_are_vip ((const char * const *) customer.tags);
  g_array_append_val (history->customers, customer);
}

static gboolean
load_customers (History  *history,
                GError  **error)
{
  return dw_store_demo_customers_tags (history->store, add_customer, history, error);
}

static void
add_type (gint64      team_id,
          const char *key,
          gpointer    data)
{
  g_hash_table_insert (data, g_strdup (key), g_memdup2 (&team_id, sizeof team_id));
}

static gboolean
load_rules_and_types (History  *history,
                      GError  **error)
{
  g_autoptr(GArray) policies = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!dw_store_demo_policy_ids (history->store, policies, error))
    return FALSE;

  for (guint i = 0; i < policies->len; i++)
    {
      g_autoptr(JsonObject) json = dw_store_policy_load_json (history->store,
                                                              g_array_index (policies, gint64, i),
                                                              error);
      DwSlaRule *rule;

      if (json == NULL)
        return FALSE;
      rule = dw_sla_rule_new_from_json (json, error);
      if (rule == NULL)
        return FALSE;
      g_ptr_array_add (history->rules, rule);
    }

  return dw_store_demo_business_type_teams (history->store, add_type, history->team_of_type,
                                            error);
}

/* Agents */

static gboolean
agent_in_team (Agent  *agent,
               gint64  team_id)
{
  for (guint i = 0; i < agent->teams->len; i++)
    if (g_array_index (agent->teams, gint64, i) == team_id)
      return TRUE;
  return FALSE;
}

/* The earliest moment from @t on at which @agent is online; G_MAXINT64 if not before "now"
 * is over (the presence log ends there). */
static gint64
agent_next_online (Agent  *agent,
                   gint64  t)
{
  for (guint i = 0; i < agent->online->len; i++)
    {
      Span *s = &g_array_index (agent->online, Span, i);

      if (t < s->to)
        return MAX (t, s->from);
    }
  return G_MAXINT64;
}

static gboolean
agent_online_at (Agent  *agent,
                 gint64  t)
{
  return agent_next_online (agent, t) == t;
}

/* When @agent last went offline at or before @t (0 if never). */
static gint64
agent_offline_since (Agent  *agent,
                     gint64  t)
{
  gint64 since = 0;

  for (guint i = 0; i < agent->online->len; i++)
    {
      Span *s = &g_array_index (agent->online, Span, i);

      if (s->to <= t)
        since = s->to;
    }
  return since;
}

/* The most tickets @agent holds at any moment of [@from, @to].  Spans count as closed here: a
 * ticket taken in the second another is let go of is counted with it, since the audit trail
 * does not say which came first within a second.  The load only rises where a hold begins, so
 * it is enough to look at @from and at the beginnings inside. */
static int
agent_max_load (Agent  *agent,
                gint64  from,
                gint64  to)
{
  /* On the stack, not a GArray each time: routing asks this for every candidate at every step.
   * There are few holds (forget_holds). */
  Span *inside = g_newa (Span, agent->holds->len + 1);
  guint n_inside = 0;
  int most = 0;

  for (guint i = 0; i < agent->holds->len; i++)
    {
      Span *h = &g_array_index (agent->holds, Span, i);

      if (h->to >= from && h->from <= to)
        inside[n_inside++] = *h;
    }

  for (guint i = 0; i < n_inside; i++)
    {
      gint64 t = MAX (from, inside[i].from);
      int n = 0;

      for (guint j = 0; j < n_inside; j++)
        n += inside[j].from <= t && t <= inside[j].to;
      most = MAX (most, n);
    }
  return most;
}

/* The next moment after @t at which @agent may take one more ticket: a hold ends or the agent
 * comes online; G_MAXINT64 if none. */
static gint64
agent_next_change (Agent  *agent,
                   gint64  t)
{
  gint64 next = G_MAXINT64;

  for (guint i = 0; i < agent->holds->len; i++)
    {
      Span *h = &g_array_index (agent->holds, Span, i);

      if (h->to >= t && h->to < G_MAXINT64 && h->to + 1 < next)
        next = h->to + 1;
    }
  for (guint i = 0; i < agent->online->len; i++)
    {
      Span *s = &g_array_index (agent->online, Span, i);

      if (s->from > t && s->from < next)
        next = s->from;
    }
  return next;
}

static Agent *
find_agent (History *history,
            gint64   user_id)
{
  for (guint i = 0; i < history->agents->len; i++)
    {
      Agent *agent = g_ptr_array_index (history->agents, i);

      if (agent->user_id == user_id)
        return agent;
    }
  return NULL;
}

/* Story building */

static void
story_audit (Story       *story,
             gint64       at,
             gint64       actor_id,
             const char  *action,
             const char  *field,
             char        *before,   /* taken */
             char        *after,    /* taken */
             const char  *reason)
{
  Audit audit = { at, actor_id, action, field, before, after, g_strdup (reason), -1 };

  g_array_append_val (story->audits, audit);
  if (g_strcmp0 (action, "created") != 0 && g_strcmp0 (action, "commented") != 0
      && g_strcmp0 (action, "classified") != 0 && g_strcmp0 (action, "routed") != 0
      && g_strcmp0 (action, "queued") != 0 && g_strcmp0 (action, "sla") != 0)
    story->version++;
  story->updated_at = MAX (story->updated_at, at);
}

static void
story_mark (Story         *story,
            gint64         at,
            DwSlaMarkKind  kind,
            int            status)
{
  DwSlaMark mark = { at, kind, status };

  g_array_append_val (story->marks, mark);
}

/* The "sla" audit rows the engine would have written had it watched the story live, so that
 * compliance and each ticket's SLA clock have two weeks behind them: the clocks run again at
 * every mark and every at-risk or due moment, and each change of a target's state is a row. */
static void
story_sla_audits (Story           *story,
                  DwCalendar      *calendar,
                  const DwSlaRule *rule,
                  gint64           now)
{
  const DwSlaMark *marks = (const DwSlaMark *) (gpointer) story->marks->data;
  guint n_marks = story->marks->len;
  DwSlaState states[DW_SLA_N_TARGETS];
  gint64 t;

  if (rule == NULL || n_marks == 0)
    return;

  for (guint i = 0; i < DW_SLA_N_TARGETS; i++)
    states[i] = DW_SLA_STATE_NONE;

  t = marks[0].at;
  for (;;)
    {
      DwSlaResult result;
      gint64 next = 0;

      dw_sla_compute (calendar, rule, marks, n_marks, t, &result);
      for (guint i = 0; i < DW_SLA_N_TARGETS; i++)
        {
          const DwSlaTargetStatus *status = &result.targets[i];
          DwSlaState state = status->defined ? status->state : DW_SLA_STATE_NONE;
          g_autofree char *reason = NULL;

          if (state == states[i])
            continue;
          reason = dw_sla_describe_change (status, states[i]);
          story_audit (story, t, 0, "sla", dw_sla_target_to_string (i),
                       json_string_literal (dw_sla_state_to_string (states[i])),
                       json_string_literal (dw_sla_state_to_string (state)), reason);
          states[i] = state;
        }

      if (t >= now)
        break;
      for (guint i = 0; i < n_marks; i++)
        if (marks[i].at > t && (next == 0 || marks[i].at < next))
          next = marks[i].at;
      if (result.next_transition > t && (next == 0 || result.next_transition < next))
        next = result.next_transition;
      t = next == 0 ? now : MIN (next, now);
    }
}

static void
story_set_status (Story       *story,
                  gint64       at,
                  gint64       actor_id,
                  int          status,
                  const char  *reason)
{
  if (story->status == status)
    return;

  story_audit (story, at, actor_id, "updated", "status",
               json_string_literal (dw_status_to_string (story->status)),
               json_string_literal (dw_status_to_string (status)), reason);
  story->status = status;
  story_mark (story, at, DW_SLA_MARK_STATUS, status);

  if (status == DW_STATUS_SOLVED)
    story->solved_at = at;
  else if (dw_status_is_active (status))
    story->solved_at = 0;
}

static void
story_comment (Story       *story,
               gint64       at,
               const char  *author_kind,
               gint64       author_id,
               gboolean     is_public,
               const char  *body)
{
  Comment comment = { at, author_kind, author_id, is_public, g_strdup (body) };
  Audit audit = { at, g_str_equal (author_kind, "agent") ? author_id : 0, "commented", NULL, NULL,
                  NULL, g_strdup (is_public ? "public reply" : "internal note"),
                  (int) story->comments->len };

  g_array_append_val (story->comments, comment);
  g_array_append_val (story->audits, audit);
  story->updated_at = MAX (story->updated_at, at);

  if (g_str_equal (author_kind, "agent") && is_public)
    {
      story_mark (story, at, DW_SLA_MARK_AGENT_REPLY, 0);
      if (story->first_response_at == 0)
        {
          story->first_response_at = at;
          story_audit (story, at, author_id, "updated", "first_response_at", g_strdup ("null"),
                       json_time_literal (at), "agent replied");
        }
      if (story->status == DW_STATUS_NEW)
        story_set_status (story, at, author_id, DW_STATUS_OPEN, "agent replied");
    }
  else if (g_str_equal (author_kind, "customer"))
    {
      story_mark (story, at, DW_SLA_MARK_CUSTOMER_MESSAGE, 0);
      if (story->status == DW_STATUS_PENDING || story->status == DW_STATUS_SOLVED)
        story_set_status (story, at, 0, DW_STATUS_OPEN, "customer replied");
    }
}

static int
compare_audits (gconstpointer a,
                gconstpointer b)
{
  const Audit *x = a, *y = b;

  return x->at < y->at ? -1 : x->at > y->at;
}

static double
first_response_median (DwDemoType type)
{
  switch (type)
    {
    case DW_DEMO_TYPE_PRESALES:
      return 3;
    case DW_DEMO_TYPE_RETURNS:
      return 10;
    case DW_DEMO_TYPE_QUALITY:
    case DW_DEMO_TYPE_LOGISTICS:
      return 12;
    case DW_DEMO_TYPE_COMPLAINTS:
    case DW_DEMO_N_TYPES:
    default:
      return 8;
    }
}

static DwDemoType
type_from_key (const char *key)
{
  for (guint i = 0; i < DW_DEMO_N_TYPES; i++)
    if (g_strcmp0 (dw_demo_types[i].key, key) == 0)
      return (DwDemoType) i;
  return DW_DEMO_TYPE_PRESALES;
}

static void
pending_free (gpointer data)
{
  Pending *p = data;

  g_free (p->subject);
  g_free (p->body);
  g_free (p->order_number);
  g_free (p->tags);
  g_free (p->sla_text);
  g_free (p->csat_comment);
  g_array_unref (p->comments);
  g_array_unref (p->audits);
  g_free (p);
}

/* Keeps the rows of @story for writing: with the active tickets or with the past. */
static void
keep_story (History     *history,
            Story       *story,
            const char  *subject,
            const char  *body,
            DwChannel    channel,
            gint64       team_id,
            Customer    *customer,
            const char  *order_number,
            const char  *tags,
            gint64       escalation_level,
            const DwSlaRule *rule,
            DwSlaResult *sla)
{
  g_autoptr(JsonArray) sla_array = dw_sla_result_to_json (sla);
  g_autoptr(JsonNode) sla_node = json_node_init_array (json_node_alloc (), sla_array);
  Pending *p = g_new0 (Pending, 1);

  p->subject = g_strdup (subject);
  p->body = g_strdup (body);
  p->channel = channel;
  p->type = story->type;
  p->priority = story->priority;
  p->status = story->status;
  p->team_id = team_id;
  p->assignee_id = story->assignee_id;
  p->customer_id = customer->id;
  p->order_number = g_strdup (order_number);
  p->tags = g_strdup (tags);
  p->created_at = story->created_at;
  p->updated_at = story->updated_at;
  p->first_response_at = story->first_response_at;
  p->solved_at = story->solved_at;
  p->version = story->version;
  p->escalation_level = escalation_level;
  p->policy_id = rule != NULL ? rule->id : 0;
  p->sla_state = sla->worst;
  p->sla_text = dw_json_to_string (sla_node, NULL);
  p->next_sla_at = sla->next_transition;
  p->csat = story->csat;
  p->csat_comment = g_strdup (story->csat_comment);
  g_array_sort (story->audits, compare_audits);
  p->comments = g_array_ref (story->comments);
  p->audits = g_array_ref (story->audits);

  g_ptr_array_add (dw_status_is_active (story->status) ? history->active : history->past, p);
}

/* The ids of @pending's rows, from *@ticket_id, *@comment_id and *@audit_id on (moved past). */
static void
number_pending (GPtrArray *pending,
                gint64    *ticket_id,
                gint64    *comment_id,
                gint64    *audit_id)
{
  for (guint i = 0; i < pending->len; i++)
    {
      Pending *p = g_ptr_array_index (pending, i);

      p->ticket_id = (*ticket_id)++;
      p->first_comment_id = *comment_id;
      p->first_audit_id = *audit_id;
      *comment_id += p->comments->len;
      *audit_id += p->audits->len;
    }
}

/* The rows of the pending tickets, written WRITER_GROUP tickets at a time; the audit rows that do
 * not fill a DW_STORE_DEMO_AUDIT_BATCH wait for the next group, so that they go 32 to an INSERT
 * as they always did, the last ones alone at the end. */
#define WRITER_GROUP 16

typedef struct
{
  DwStore      *store;
  GArray       *tickets;        /* of DwStoreDemoTicket */
  GArray       *comments;       /* of DwStoreDemoComment */
  GArray       *audits;         /* of DwStoreDemoAudit */
  GStringChunk *texts;          /* comment ids in "commented" rows */
} Writer;

static void
writer_clear (Writer *w)
{
  g_clear_pointer (&w->tickets, g_array_unref);
  g_clear_pointer (&w->comments, g_array_unref);
  g_clear_pointer (&w->audits, g_array_unref);
  g_clear_pointer (&w->texts, g_string_chunk_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Writer, writer_clear)

static void
writer_init (Writer  *w,
             DwStore *store)
{
  w->store = store;
  w->tickets = g_array_sized_new (FALSE, FALSE, sizeof (DwStoreDemoTicket), WRITER_GROUP);
  w->comments = g_array_new (FALSE, FALSE, sizeof (DwStoreDemoComment));
  w->audits = g_array_new (FALSE, FALSE, sizeof (DwStoreDemoAudit));
  w->texts = g_string_chunk_new (4096);
}

/* The tickets and comments waiting, and the audit rows that fill whole batches (@all: every
 * one). */
static gboolean
writer_flush (Writer    *w,
              gboolean   all,
              GError   **error)
{
  guint n_audits = all ? w->audits->len
                       : w->audits->len - w->audits->len % DW_STORE_DEMO_AUDIT_BATCH;

  if (!dw_store_demo_insert_tickets (w->store, (DwStoreDemoTicket *) w->tickets->data,
                                     w->tickets->len, error)
      || !dw_store_demo_insert_comments (w->store, (DwStoreDemoComment *) w->comments->data,
                                         w->comments->len, error))
    return FALSE;
  g_array_set_size (w->tickets, 0);
  g_array_set_size (w->comments, 0);

  if (n_audits > 0)
    {
      if (!dw_store_demo_insert_audit (w->store, (DwStoreDemoAudit *) w->audits->data, n_audits,
                                       error))
        return FALSE;
      g_array_remove_range (w->audits, 0, n_audits);
    }
  return TRUE;
}

static gboolean
write_pending (Writer   *w,
               Pending  *p,
               GError  **error)
{
  DwStoreDemoTicket ticket = {
    .id = p->ticket_id,
    .subject = p->subject,
    .body = p->body,
    .channel = dw_channel_to_string (p->channel),
    .business_type = dw_demo_types[p->type].key,
    .priority = dw_priority_to_string (p->priority),
    .status = dw_status_to_string (p->status),
    .team_id = p->team_id,
    .assignee_id = p->assignee_id,
    .customer_id = p->customer_id,
    .order_number = p->order_number,
    .tags = p->tags,
    .created_at = p->created_at,
    .updated_at = p->updated_at,
    .first_response_at = p->first_response_at,
    .solved_at = p->solved_at,
    .version = p->version,
    .escalation_level = p->escalation_level,
    .sla_policy_id = p->policy_id,
    .sla_state = dw_sla_state_to_string (p->sla_state),
    .sla = p->sla_text,
    .next_sla_at = p->next_sla_at,
    .csat = p->csat,
    .csat_comment = p->csat_comment,
  };

  g_array_append_val (w->tickets, ticket);

  for (guint i = 0; i < p->comments->len; i++)
    {
      Comment *c = &g_array_index (p->comments, Comment, i);
      DwStoreDemoComment row = {
        .id = p->first_comment_id + i,
        .ticket_id = p->ticket_id,
        .author_kind = c->author_kind,
        .author_id = c->author_id,
        .is_public = c->is_public,
        .body = c->body,
        .created_at = c->at,
      };

      g_array_append_val (w->comments, row);
    }

  for (guint i = 0; i < p->audits->len; i++)
    {
      const Audit *a = &g_array_index (p->audits, Audit, i);
      DwStoreDemoAudit row = {
        .id = p->first_audit_id + i,
        .at = a->at,
        .actor_id = a->actor_id,
        .ticket_id = p->ticket_id,
        .action = a->action,
        .field = a->field,
        .before = a->before,
        .after = a->after,
        .reason = a->reason,
      };

      if (a->comment_index >= 0)
        {
          char id[24];

          g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, p->first_comment_id + a->comment_index);
          row.after = g_string_chunk_insert (w->texts, id);
        }
      g_array_append_val (w->audits, row);
    }

  return w->tickets->len < WRITER_GROUP || writer_flush (w, FALSE, error);
}

/* The shape of a ticket's life, drawn once before its agent is chosen, so that every agent
 * routing considers would live the same story, only at the times it is online. */
#define MAX_ROUNDS 2

typedef struct
{
  History   *history;
  DwDemoType type;
  gint64     created_at;
  gint64     first_at;                          /* when the first reply is due */
  gboolean   note;
  int        rounds;                            /* questions before the solving reply */
  gboolean   give_up[MAX_ROUNDS];               /* the customer never answers that one */
  gint64     answer_after[MAX_ROUNDS];          /* seconds until the customer answers */
  gint64     follow_up_after[MAX_ROUNDS];       /* business seconds until the agent follows up */
  gboolean   long_case;
  gint64     solve_after;                       /* seconds; business seconds for a long case */
  gint64     customer_id;
} Plan;

static void
plan_draw (Plan *plan)
{
  plan->note = dw_demo_uniform () < 0.12;
  plan->rounds = (int) dw_demo_pick_weighted ((const double[]) { 0.5, 0.35, 0.15 }, 3);
  for (int r = 0; r < MAX_ROUNDS; r++)
    {
      plan->give_up[r] = dw_demo_uniform () < 0.08;
      plan->answer_after[r] = (gint64) (dw_demo_lognormal (25, 1.0) * 60);
      plan->follow_up_after[r] = (gint64) (dw_demo_uniform () < LATE_FOLLOW_UP_SHARE
                                           ? dw_demo_lognormal (150, 0.4) * 60
                                           : dw_demo_lognormal (6, 0.8) * 60);
    }
  plan->long_case = dw_demo_uniform () < (plan->type == DW_DEMO_TYPE_COMPLAINTS
                                          ? LONG_CASE_COMPLAINTS_SHARE : LONG_CASE_SHARE);
  plan->solve_after = plan->long_case ? (gint64) (dw_demo_lognormal (14, 0.5) * 3600)
                                      : (gint64) dw_demo_lognormal (120, 0.6);
}

/* Where a ticket's life has got to: the agent's next step and when it is due. */
typedef enum
{
  STEP_FIRST_REPLY,
  STEP_REPLY,
  STEP_SOLVE,
  STEP_GIVE_UP,
} Step;

typedef struct
{
  Step   step;
  int    round;
  gint64 due;
} Cursor;

/* How long a step waits for its agent (back from lunch, say) before the ticket goes to another
 * agent: the live desk hands an absent agent's tickets back to the queue after a grace. */
#define HAND_OVER_AFTER (45 * 60)

/* Lives @plan from @cursor with @agent, who has it from @from and is online then: each step when
 * it is due, or when the agent is back if that is soon.  Writes what happens before now into
 * @story when not NULL.  Returns when the ticket stops being @agent's: solved, G_MAXINT64 if it
 * still is at now, or — when @handed_over is set — the moment a step found the agent gone and
 * the ticket goes back to the queue, @cursor then saying what is left. */
static gint64
plan_live (const Plan *plan,
           Cursor     *cursor,
           Agent      *agent,
           gint64      from,
           Story      *story,
           gboolean   *handed_over)
{
  History *history = plan->history;
  gint64 now = history->now;
  gint64 a = agent->user_id;

  *handed_over = FALSE;
  for (;;)
    {
      gint64 due = MAX (cursor->due, from);
      gint64 t = agent_next_online (agent, due);
      gint64 reply_at;
      int r = cursor->round;

      if (due > now)
        return G_MAXINT64;
      if (t - due > HAND_OVER_AFTER)
        {
          cursor->due = due;
          *handed_over = TRUE;
          return due;
        }
      if (t > now)
        return G_MAXINT64;

      switch (cursor->step)
        {
        case STEP_SOLVE:
          if (story != NULL)
            {
              story_comment (story, t, "agent", a, TRUE, dw_demo_pick_solve_reply ());
              story_set_status (story, t, a, DW_STATUS_SOLVED, NULL);
            }
          return t;

        case STEP_GIVE_UP:
          /* The customer never answered: the case is closed after two hours of waiting. */
          if (story != NULL)
            {
              story_comment (story, t, "agent", a, TRUE,
                             "您好，因长时间未收到您的回复，本工单先做结案处理，如有问题请随时联系我们。");
              story_set_status (story, t, a, DW_STATUS_SOLVED,
                                "no answer from the customer for two hours");
            }
          return t;

        case STEP_FIRST_REPLY:
        case STEP_REPLY:
        default:
          if (cursor->step == STEP_FIRST_REPLY && plan->note && story != NULL)
            story_comment (story, t, "agent", a, FALSE, dw_demo_pick_note ());

          if (r == plan->rounds)
            {
              if (story != NULL)
                story_comment (story, t, "agent", a, TRUE, dw_demo_pick_agent_reply (plan->type));
              cursor->step = STEP_SOLVE;
              cursor->due = plan->long_case
                            ? dw_calendar_add_business_seconds (history->calendar, t,
                                                                plan->solve_after)
                            : t + plan->solve_after;
              break;
            }

          if (story != NULL)
            {
              story_comment (story, t, "agent", a, TRUE, dw_demo_pick_ask_reply ());
              story_set_status (story, t, a, DW_STATUS_PENDING, NULL);
            }
          if (plan->give_up[r])
            {
              cursor->step = STEP_GIVE_UP;
              cursor->due = t + GIVE_UP_SECONDS;
              break;
            }

          /* Waiting on the customer, the ticket stays with its agent. */
          reply_at = t + plan->answer_after[r];
          if (reply_at > now)
            return G_MAXINT64;
          if (story != NULL)
            story_comment (story, reply_at, "customer", plan->customer_id, TRUE,
                           dw_demo_pick_customer_reply ());
          cursor->step = STEP_REPLY;
          cursor->round = r + 1;
          cursor->due = dw_calendar_add_business_seconds (history->calendar, reply_at,
                                                          plan->follow_up_after[r]);
          break;
        }
    }
}

/* Routing over the history: from @from on, the earliest moment some member of @team_id with
 * @skill (but @except) is online and would never hold more than its capacity while the ticket
 * is its; among those, one who can see it through without handing it on, then the least
 * loaded (random among equals).  NULL when nobody has room before now: the ticket waits in the
 * queue.  With no @plan (a hand-over at now) the ticket stays with whoever takes it. */
static Agent *
route (History      *history,
       const Plan   *plan,
       const Cursor *cursor,
       gint64        team_id,
       const char   *skill,
       gint64        from,
       Agent        *except,
       gint64       *assigned_at,
       gint64       *released_at)
{
  g_autoptr(GPtrArray) members = g_ptr_array_new ();
  gint64 t = from;

  for (guint i = 0; i < history->agents->len; i++)
    {
      Agent *agent = g_ptr_array_index (history->agents, i);

      if (agent != except && agent_in_team (agent, team_id)
          && g_hash_table_contains (agent->skills, skill))
        g_ptr_array_add (members, agent);
    }

  while (t <= history->now)
    {
      Agent *best = NULL;
      gint64 best_release = 0, next = G_MAXINT64;
      gboolean best_hands_over = FALSE;
      int best_load = 0;

      for (guint i = 0; i < members->len; i++)
        {
          Agent *agent = g_ptr_array_index (members, i);
          gint64 release = G_MAXINT64;
          gboolean hands_over = FALSE;
          int load;

          next = MIN (next, agent_next_change (agent, t));
          if (!agent_online_at (agent, t))
            continue;
          if (plan != NULL)
            {
              Cursor c = *cursor;

              release = plan_live (plan, &c, agent, t, NULL, &hands_over);
            }
          if (agent_max_load (agent, t, release) >= agent->capacity)
            continue;
          load = agent_max_load (agent, t, t);
          if (best == NULL || (best_hands_over && !hands_over)
              || (best_hands_over == hands_over
                  && (load < best_load || (load == best_load && dw_demo_uniform () < 0.5))))
            {
              best = agent;
              best_release = release;
              best_hands_over = hands_over;
              best_load = load;
            }
        }

      if (best != NULL)
        {
          *assigned_at = t;
          *released_at = best_release;
          return best;
        }
      t = next;
    }

  return NULL;
}

/* Forgets the holds that ended before @t.  Tickets are drawn in the order they come in, and
 * everything about a ticket happens from its arrival on, so no later question about loads
 * (agent_max_load, agent_next_change: both only look at holds that end at or after the moment
 * asked about) can see them: without them the answers are the same, but they no longer grow
 * with the two weeks (they were most of the drawing's time). */
static void
forget_holds (History *history,
              gint64   t)
{
  for (guint i = 0; i < history->agents->len; i++)
    {
      Agent *agent = g_ptr_array_index (history->agents, i);
      guint kept = 0;

      for (guint j = 0; j < agent->holds->len; j++)
        {
          Span *h = &g_array_index (agent->holds, Span, j);

          if (h->to >= t)
            g_array_index (agent->holds, Span, kept++) = *h;
        }
      g_array_set_size (agent->holds, kept);
    }
}

static void
agent_hold (Agent  *agent,
            gint64  from,
            gint64  to)
{
  g_array_append_val (agent->holds, ((Span) { from, to }));
}

/* Draws the life of one ticket created at @created_at and keeps what happened before now. */
static void
backfill_ticket (History  *history,
                 gint64    created_at)
{
  Story story = { history, 0 };
  g_autofree char *order_number = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;
  g_autofree char *tags = NULL;
  const DwDemoTemplate *template;
  const char *keyword = NULL;
  const char *classified;
  const char *key;
  Customer *customer;
  DwChannel channel;
  gint64 team_id, now = history->now;
  gint64 assigned_at = 0, released_at = 0, breached_at = 0;
  gint64 escalation_level = 0;
  gboolean surge, slow, solved = FALSE;
  const DwSlaRule *rule;
  DwSlaResult sla;
  DwDemoType intended;
  Plan plan = { 0 };
  Cursor cursor = { 0 };
  Agent *agent;

  /* What the customer wants.  In the last hours a courier's delay floods logistics. */
  surge = created_at > history->surge_from;
  intended = surge && dw_demo_uniform () < 0.5 ? DW_DEMO_TYPE_LOGISTICS : dw_demo_pick_type ();
  template = dw_demo_pick_template (intended);
  if (strstr (template->body, "{order}") != NULL || dw_demo_uniform () < 0.3)
    order_number = dw_demo_order_number (created_at - dw_demo_int_range (0, 5) * DW_DEMO_DAY);
  subject = g_strdup (template->subject);
  body = dw_demo_fill (template->body, order_number);

  /* Intake: what the keyword rules say, else the category the customer chose in the app. */
  classified = dw_classifier_classify_full (history->classifier, subject, body, &keyword);
  key = classified != NULL ? classified : dw_demo_types[intended].key;
  story.type = type_from_key (key);
  team_id = *(gint64 *) g_hash_table_lookup (history->team_of_type, key);
  surge = surge && story.type == DW_DEMO_TYPE_LOGISTICS;
  slow = created_at > history->slow_from
         && (story.type == DW_DEMO_TYPE_RETURNS || story.type == DW_DEMO_TYPE_QUALITY);

  customer = &g_array_index (history->customers, Customer,
                             dw_demo_int_range (0, history->customers->len));
  channel = dw_demo_pick_channel ();
  story.priority = dw_demo_pick_priority (story.type, customer->vip);
  story.status = DW_STATUS_NEW;
  story.created_at = story.updated_at = created_at;
  story.version = 1;
  story.comments = g_array_new (FALSE, TRUE, sizeof (Comment));
  story.audits = g_array_new (FALSE, TRUE, sizeof (Audit));
  story.marks = g_array_new (FALSE, TRUE, sizeof (DwSlaMark));
  g_array_set_clear_func (story.comments, comment_clear);
  g_array_set_clear_func (story.audits, audit_clear);

  if (customer->vip)
    tags = g_strdup (surge ? "[\"vip\",\"快递延误\"]" : "[\"vip\"]");
  else
    tags = g_strdup (surge ? "[\"快递延误\"]" : "[]");

  {
    g_autofree char *reason = g_strdup_printf ("intake via %s", dw_channel_to_string (channel));
    g_autofree char *routed = g_strdup_printf ("routing: business type %s belongs to team %s",
                                               key, dw_demo_teams[dw_demo_types[story.type].team].name);

    story_audit (&story, created_at, 0, "created", NULL, NULL, NULL, reason);
    if (classified != NULL)
      {
        g_autofree char *why = g_strdup_printf ("classified as %s: keyword \"%s\"", key, keyword);

        story_audit (&story, created_at, 0, "classified", "business_type", NULL,
                     json_string_literal (key), why);
      }
    story_audit (&story, created_at, 0, "routed", "team_id", NULL,
                 g_strdup_printf ("%" G_GINT64_FORMAT, team_id), routed);
    story_mark (&story, created_at, DW_SLA_MARK_CREATED, 0);
  }

  /* When the first reply comes, in business time (nights and holidays do not count). */
  {
    double median = first_response_median (story.type) * (customer->vip ? 0.5 : 1.0);

    if (surge)
      median *= 5;
    else if (slow)
      median *= 4;
    plan.first_at = dw_calendar_add_business_seconds (history->calendar, created_at,
                                                      (gint64) (dw_demo_lognormal (median, 0.9) * 60) + 20);
  }
  plan.history = history;
  plan.type = story.type;
  plan.created_at = created_at;
  plan.customer_id = customer->id;
  plan_draw (&plan);

  /* Who handles it: routing as the live desk does it — an online agent with room, or the queue
   * until one has room.  An agent who goes home before the next step hands the ticket back to
   * the queue, and routing gives it to another. */
  cursor.step = STEP_FIRST_REPLY;
  cursor.due = plan.first_at;
  agent = route (history, &plan, &cursor, team_id, key, created_at, NULL, &assigned_at,
                 &released_at);
  if (agent == NULL || assigned_at > created_at)
    story_audit (&story, created_at, 0, "queued", "assignee_id", NULL, NULL,
                 "routing: no online agent with free capacity; waiting in the team queue");
  while (agent != NULL)
    {
      gboolean handed_over;
      gint64 until;
      Agent *next;

      story_audit (&story, assigned_at, 0, "assigned", "assignee_id",
                   story.assignee_id != 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, story.assignee_id)
                                          : g_strdup ("null"),
                   g_strdup_printf ("%" G_GINT64_FORMAT, agent->user_id),
                   "routing: online agent with the needed skill and the most free capacity");
      story.assignee_id = agent->user_id;
      until = plan_live (&plan, &cursor, agent, assigned_at, &story, &handed_over);
      agent_hold (agent, assigned_at, until);
      if (!handed_over)
        break;

      story_audit (&story, until, 0, "assigned", "assignee_id",
                   g_strdup_printf ("%" G_GINT64_FORMAT, story.assignee_id), g_strdup ("null"),
                   "handed back to the team queue at the end of a shift");
      story.assignee_id = 0;
      next = route (history, &plan, &cursor, team_id, key, until, agent, &assigned_at,
                    &released_at);
      agent = next;
    }
  solved = story.status == DW_STATUS_SOLVED;

  if (solved)
    {
      gint64 csat_at = story.solved_at + (gint64) (dw_demo_lognormal (40, 1.0) * 60);
      gint64 close_at = story.solved_at + 3 * DW_DEMO_DAY;

      if (dw_demo_uniform () < 0.55 && csat_at <= now)
        {
          const char *comment;

          story.csat = dw_demo_pick_csat (story.type);
          comment = dw_demo_pick_csat_comment (story.csat);
          story_audit (&story, csat_at, 0, "updated", "csat", g_strdup ("null"),
                       g_strdup_printf ("%d", story.csat), "customer rated the service");
          if (comment != NULL)
            {
              story.csat_comment = g_strdup (comment);
              story_audit (&story, csat_at, 0, "updated", "csat_comment", g_strdup ("null"),
                           json_string_literal (comment), "customer rated the service");
            }
        }
      if (close_at <= now)
        story_set_status (&story, close_at, 0, DW_STATUS_CLOSED,
                          "closed automatically three days after solved");
    }

  /* Still active now and waiting for an agent who has gone home: handed over to an online
   * agent with room when there is one, else back to the team queue.  Waiting on the customer,
   * it stays with its agent. */
  if (dw_status_is_active (story.status))
    {
      Agent *current = story.assignee_id != 0 ? find_agent (history, story.assignee_id) : NULL;

      if (current != NULL && !current->online_now && story.status != DW_STATUS_PENDING)
        {
          Span *hold = &g_array_index (current->holds, Span, current->holds->len - 1);
          gint64 gone = MAX (story.updated_at, agent_offline_since (current, now));
          gint64 at = gone, until = G_MAXINT64;
          Agent *next = route (history, NULL, NULL, team_id, key, gone, current, &at, &until);

          /* It stays the leaving agent's until someone takes it. */
          hold->to = next != NULL ? at : gone;
          if (next != NULL)
            {
              agent_hold (next, at, until);
              story_audit (&story, at, 0, "assigned", "assignee_id",
                           g_strdup_printf ("%" G_GINT64_FORMAT, story.assignee_id),
                           g_strdup_printf ("%" G_GINT64_FORMAT, next->user_id),
                           "handed over at the end of a shift");
              story.assignee_id = next->user_id;
            }
          else
            {
              story_audit (&story, gone, 0, "assigned", "assignee_id",
                           g_strdup_printf ("%" G_GINT64_FORMAT, story.assignee_id),
                           g_strdup ("null"), "handed back to the team queue at the end of a shift");
              story.assignee_id = 0;
            }
        }
    }

  /* The SLA, from the same marks the engine reads. */
  rule = dw_sla_rules_match (history->rules, story.priority,
                             (const char * const *) customer->tags, channel, key);
  dw_sla_compute (history->calendar, rule, (DwSlaMark *) (gpointer) story.marks->data,
                  story.marks->len, now, &sla);
  story_sla_audits (&story, history->calendar, rule, now);

  /* A breach still open was escalated by the engine when it happened. */
  for (guint i = 0; i < DW_SLA_N_TARGETS; i++)
    if (sla.targets[i].breached_at > 0 && (breached_at == 0 || sla.targets[i].breached_at < breached_at))
      breached_at = sla.targets[i].breached_at;

  if (dw_status_is_active (story.status) && sla.worst == DW_SLA_STATE_BREACHED && breached_at > 0
      && rule != NULL)
    {
      escalation_level = 1;
      if (rule->escalate_raise_priority && story.priority < DW_PRIORITY_URGENT)
        {
          story_audit (&story, breached_at, 0, "escalated", "priority",
                       json_string_literal (dw_priority_to_string (story.priority)),
                       json_string_literal (dw_priority_to_string (story.priority + 1)),
                       "SLA breached: raise priority, notify the team lead");
          story.priority++;
        }
      else
        {
          story_audit (&story, breached_at, 0, "escalated", "escalation_level", g_strdup ("0"),
                       g_strdup ("1"), "SLA breached: notify the team lead");
        }
    }

  keep_story (history, &story, subject, body, channel, team_id, customer, order_number, tags,
              escalation_level, rule, &sla);

  g_array_unref (story.comments);
  g_array_unref (story.audits);
  g_array_unref (story.marks);
  g_free (story.csat_comment);
}

/* The instant from which @seconds of desk hours lead up to @now (at night: into the evening
 * before), so the pile-up is there whenever the demo starts. */
static gint64
business_seconds_before (DwCalendar *calendar,
                         gint64      now,
                         gint64      seconds)
{
  gint64 t = now;

  while (t > now - 3 * DW_DEMO_DAY
         && dw_calendar_business_seconds_between (calendar, t, now) < seconds)
    t -= 300;

  return t;
}

/* The surveys of the tickets with ids in [@from, @to] that were solved: every ticket the history
 * solved had its survey, and the customers who rated it answered it. */
gboolean
dw_demo_backfill (DwStore         *store,
                  DwCalendar      *calendar,
                  gint64           now,
                  DwDemoBacklog  **backlog,
                  GError         **error)
{
  History history = { store, calendar, now };
  g_auto(Writer) writer = { 0 };
  gboolean ok = FALSE;
  double max_rate = dw_demo_max_arrival_rate ();
  gint64 t = now - DW_DEMO_HISTORY_DAYS * (gint64) DW_DEMO_DAY;
  gint64 ticket_id, comment_id, audit_id, first_active;

  history.agents = g_ptr_array_new_with_free_func (agent_free);
  history.customers = g_array_new (FALSE, TRUE, sizeof (Customer));
  g_array_set_clear_func (history.customers, customer_clear);
  history.rules = g_ptr_array_new_with_free_func ((GDestroyNotify) dw_sla_rule_free);
  history.team_of_type = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  history.classifier = dw_classifier_new_default ();
  history.past = g_ptr_array_new_with_free_func (pending_free);
  history.active = g_ptr_array_new_with_free_func (pending_free);

  if (!load_agents (&history, error) || !load_customers (&history, error)
      || !load_rules_and_types (&history, error))
    goto out;

  if (history.customers->len > 0 && history.agents->len > 0)
    {
      history.surge_from = business_seconds_before (calendar, now, SURGE_SECONDS);
      history.slow_from = business_seconds_before (calendar, now, SLOW_RETURNS_SECONDS);

      /* Poisson arrivals on the daily curve, by thinning; extra arrivals during the surge. */
      for (;;)
        {
          double rate;

          t += (gint64) (dw_demo_exponential (3600.0 / (max_rate * SURGE_BOOST)) + 1);
          if (t >= now)
            break;

          rate = dw_demo_arrival_rate (t) * (t > history.surge_from ? SURGE_BOOST : 1.0);
          if (dw_demo_uniform () * max_rate * SURGE_BOOST > rate)
            continue;

          forget_holds (&history, t);
          backfill_ticket (&history, t);
        }
    }

  /* The past first, each part in the order of creation; only the active part is written now. */
  if (!dw_store_demo_max_ids (store, &ticket_id, &comment_id, &audit_id, error))
    goto out;
  ticket_id++;
  comment_id++;
  audit_id++;
  number_pending (history.past, &ticket_id, &comment_id, &audit_id);
  first_active = ticket_id;
  number_pending (history.active, &ticket_id, &comment_id, &audit_id);

  writer_init (&writer, store);
  for (guint i = 0; i < history.active->len; i++)
    if (!write_pending (&writer, g_ptr_array_index (history.active, i), error))
      goto out;
  if (!writer_flush (&writer, TRUE, error)
      || !dw_store_demo_seed_surveys (store, first_active, G_MAXINT64, error))
    goto out;

  *backlog = g_new0 (DwDemoBacklog, 1);
  (*backlog)->past = g_steal_pointer (&history.past);
  g_debug ("demo history: %u active tickets written, %u past ones to write",
           history.active->len, (*backlog)->past->len);
  ok = TRUE;

out:
  g_clear_pointer (&history.past, g_ptr_array_unref);
  g_ptr_array_unref (history.active);
  g_ptr_array_unref (history.agents);
  g_array_unref (history.customers);
  g_ptr_array_unref (history.rules);
  g_hash_table_unref (history.team_of_type);
  dw_classifier_unref (history.classifier);
  return ok;
}

gboolean
dw_demo_backlog_write (DwDemoBacklog  *backlog,
                       DwStore        *store,
                       gint64          deadline,
                       gboolean       *done,
                       GError        **error)
{
  g_auto(Writer) writer = { 0 };
  guint first = backlog->next;
  Pending *p;

  *done = FALSE;
  writer_init (&writer, store);

  /* Failed, the backlog stays where it was: the caller rolls the slice back and may run it
   * again (a lost deadlock, dw_store_tx_retry) or later (a lock held elsewhere). */
  while (backlog->next < backlog->past->len)
    {
      if (!write_pending (&writer, g_ptr_array_index (backlog->past, backlog->next), error))
        goto failed;
      backlog->next++;
      if (deadline > 0 && backlog->next % 16 == 0 && g_get_monotonic_time () >= deadline)
        break;
    }
  if (!writer_flush (&writer, TRUE, error))
    goto failed;

  if (backlog->next > first)
    {
      gint64 from = ((Pending *) g_ptr_array_index (backlog->past, first))->ticket_id;

      p = g_ptr_array_index (backlog->past, backlog->next - 1);
      if (!dw_store_demo_seed_surveys (store, from, p->ticket_id, error))
        goto failed;
    }

  *done = backlog->next == backlog->past->len;
  return TRUE;

failed:
  backlog->next = first;
  return FALSE;
}

void
dw_demo_backlog_free (DwDemoBacklog *backlog)
{
  g_ptr_array_unref (backlog->past);
  g_free (backlog);
}
