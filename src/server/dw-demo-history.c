/* dw-demo-history.c: two weeks of back-filled tickets, written with direct SQL.
 *
 * Each ticket gets a whole life drawn up front (first reply, questions and answers, solving,
 * CSAT, closing) on the desk's business calendar; only the part before "now" is written, so the
 * tickets still open at "now" are exactly those whose story is not over.  Rows are the ones the
 * live desk would have written (comments, an audit row per change with the same actions and
 * reasons), and the SLA of every ticket is computed with the core SLA clock from the same marks.
 * A courier delay in the last hours piles up the logistics queue, and a slower returns team
 * leaves some tickets at risk, so the console has something to show from the first second.
 */
#define G_LOG_DOMAIN "dw-demo"

#include "dw-demo-private.h"

#include "dw-routing.h"
#include "dw-sla.h"
#include "dw-json.h"
#include "dw-store.h"

#define SURGE_SECONDS (3 * 3600)       /* logistics pile-up in the last hours */
#define SURGE_BOOST 1.3                 /* arrivals during the pile-up */
#define SLOW_RETURNS_SECONDS (90 * 60)
/* A real desk misses some targets every day, not only in a pile-up: a follow-up now and then
 * waits behind a busy queue (next response), and some cases need another department — a refund,
 * a courier claim — and are solved a business day or so later (resolution). */
#define LATE_FOLLOW_UP_SHARE 0.06
#define LONG_CASE_SHARE 0.05
#define LONG_CASE_COMPLAINTS_SHARE 0.15

typedef struct
{
  gint64 starts_at;
  gint64 ends_at;
} Shift;

typedef struct
{
  gint64      user_id;
  int         capacity;
  gboolean    online_now;       /* online or away at "now" */
  int         load;             /* active tickets assigned so far */
  GHashTable *skills;           /* skill → level */
  GArray     *shifts;           /* of Shift */
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
  sqlite3          *db;
  DwCalendar       *calendar;
  gint64            now;
  GPtrArray        *agents;     /* of Agent* */
  GArray           *customers;  /* of Customer */
  GPtrArray        *rules;      /* of DwSlaRule* */
  GHashTable       *team_of_type;  /* key → team id */
  DwClassifier     *classifier;
  gint64            surge_from;    /* the last SURGE_SECONDS of desk hours began here */
  gint64            slow_from;     /* the last SLOW_RETURNS_SECONDS of desk hours */
  sqlite3_stmt     *insert_ticket;
  sqlite3_stmt     *insert_comment;
  sqlite3_stmt     *insert_audit;
} History;

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
  g_array_unref (agent->shifts);
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

static gboolean
load_agents (History  *history,
             GError  **error)
{
  g_autoptr(sqlite3_stmt) users = NULL;
  g_autoptr(sqlite3_stmt) skills = NULL;
  g_autoptr(sqlite3_stmt) shifts = NULL;
  g_autoptr(sqlite3_stmt) teams = NULL;

  users = dw_store_prepare (history->db,
                            "SELECT id, capacity, presence FROM users WHERE role = 'agent' "
                            "ORDER BY id", error);
  skills = dw_store_prepare (history->db, "SELECT skill, level FROM user_skills WHERE user_id = ?",
                             error);
  shifts = dw_store_prepare (history->db,
                             "SELECT starts_at, ends_at FROM shifts WHERE user_id = ? "
                             "ORDER BY starts_at", error);
  teams = dw_store_prepare (history->db, "SELECT team_id FROM team_members WHERE user_id = ?",
                            error);
  if (users == NULL || skills == NULL || shifts == NULL || teams == NULL)
    return FALSE;

  while (sqlite3_step (users) == SQLITE_ROW)
    {
      Agent *agent = g_new0 (Agent, 1);
      const char *presence = (const char *) sqlite3_column_text (users, 2);

      agent->user_id = sqlite3_column_int64 (users, 0);
      agent->capacity = sqlite3_column_int (users, 1);
      agent->online_now = g_strcmp0 (presence, "offline") != 0;
      agent->skills = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      agent->shifts = g_array_new (FALSE, FALSE, sizeof (Shift));
      agent->teams = g_array_new (FALSE, FALSE, sizeof (gint64));

      sqlite3_reset (skills);
      sqlite3_bind_int64 (skills, 1, agent->user_id);
      while (sqlite3_step (skills) == SQLITE_ROW)
        g_hash_table_insert (agent->skills,
                             g_strdup ((const char *) sqlite3_column_text (skills, 0)),
                             GINT_TO_POINTER (sqlite3_column_int (skills, 1)));

      sqlite3_reset (shifts);
      sqlite3_bind_int64 (shifts, 1, agent->user_id);
      while (sqlite3_step (shifts) == SQLITE_ROW)
        {
          Shift shift = { sqlite3_column_int64 (shifts, 0), sqlite3_column_int64 (shifts, 1) };

          g_array_append_val (agent->shifts, shift);
        }

      sqlite3_reset (teams);
      sqlite3_bind_int64 (teams, 1, agent->user_id);
      while (sqlite3_step (teams) == SQLITE_ROW)
        {
          gint64 team_id = sqlite3_column_int64 (teams, 0);

          g_array_append_val (agent->teams, team_id);
        }

      g_ptr_array_add (history->agents, agent);
    }

  return TRUE;
}

static gboolean
load_customers (History  *history,
                GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (history->db, "SELECT id, tags FROM customers",
                                                   error);

  if (stmt == NULL)
    return FALSE;

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Customer customer = { sqlite3_column_int64 (stmt, 0), FALSE, NULL };
      g_autoptr(JsonNode) tags = dw_store_column_json (stmt, 1);
      g_autoptr(GPtrArray) strv = g_ptr_array_new ();

      if (JSON_NODE_HOLDS_ARRAY (tags))
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

  return TRUE;
}

static gboolean
load_rules_and_types (History  *history,
                      GError  **error)
{
  g_autoptr(sqlite3_stmt) policies = dw_store_prepare (history->db,
                                                       "SELECT id FROM sla_policies", error);
  g_autoptr(sqlite3_stmt) types = dw_store_prepare (history->db,
                                                    "SELECT key, team_id FROM business_types",
                                                    error);

  if (policies == NULL || types == NULL)
    return FALSE;

  while (sqlite3_step (policies) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) json = dw_store_sla_policy_json (history->db,
                                                             sqlite3_column_int64 (policies, 0),
                                                             error);
      DwSlaRule *rule;

      if (json == NULL)
        return FALSE;
      rule = dw_sla_rule_new_from_json (json, error);
      if (rule == NULL)
        return FALSE;
      g_ptr_array_add (history->rules, rule);
    }

  while (sqlite3_step (types) == SQLITE_ROW)
    g_hash_table_insert (history->team_of_type,
                         g_strdup ((const char *) sqlite3_column_text (types, 0)),
                         g_memdup2 (&(gint64) { sqlite3_column_int64 (types, 1) }, sizeof (gint64)));

  return TRUE;
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

static gboolean
agent_on_shift (Agent  *agent,
                gint64  t)
{
  for (guint i = 0; i < agent->shifts->len; i++)
    {
      Shift *s = &g_array_index (agent->shifts, Shift, i);

      if (s->starts_at <= t && t < s->ends_at)
        return TRUE;
    }
  return FALSE;
}

static gint64
agent_shift_start (Agent  *agent,
                   gint64  t)
{
  for (guint i = 0; i < agent->shifts->len; i++)
    {
      Shift *s = &g_array_index (agent->shifts, Shift, i);

      if (s->starts_at <= t && t < s->ends_at)
        return s->starts_at;
    }
  return t;
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

/* A member of @team_id with @skill: on shift at @t (any when @t is 0), and — when @need_free —
 * online now with free capacity.  Random among the fitting ones; NULL if none fits. */
static Agent *
pick_agent (History    *history,
            gint64      team_id,
            const char *skill,
            gint64      t,
            gboolean    need_free)
{
  g_autoptr(GPtrArray) fitting = g_ptr_array_new ();

  for (guint i = 0; i < history->agents->len; i++)
    {
      Agent *agent = g_ptr_array_index (history->agents, i);

      if (!agent_in_team (agent, team_id) || !g_hash_table_contains (agent->skills, skill))
        continue;
      if (t != 0 && !agent_on_shift (agent, t))
        continue;
      if (need_free && (!agent->online_now || agent->load >= agent->capacity))
        continue;
      g_ptr_array_add (fitting, agent);
    }

  if (fitting->len == 0)
    return NULL;

  /* The least loaded, as routing would; random among equals keeps history varied. */
  if (need_free)
    {
      Agent *best = NULL;

      for (guint i = 0; i < fitting->len; i++)
        {
          Agent *a = g_ptr_array_index (fitting, i);

          if (best == NULL || a->capacity - a->load > best->capacity - best->load
              || (a->capacity - a->load == best->capacity - best->load && dw_demo_uniform () < 0.5))
            best = a;
        }
      return best;
    }

  return g_ptr_array_index (fitting, dw_demo_int_range (0, fitting->len));
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

static gboolean
write_story (History     *history,
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
             DwSlaResult *sla,
             GError     **error)
{
  sqlite3_stmt *stmt = history->insert_ticket;
  g_autoptr(JsonArray) sla_array = dw_sla_result_to_json (sla);
  g_autoptr(JsonNode) sla_node = json_node_init_array (json_node_alloc (), sla_array);
  g_autofree char *sla_text = dw_json_to_string (sla_node, NULL);
  g_autofree gint64 *comment_ids = g_new0 (gint64, MAX (story->comments->len, 1));
  gint64 ticket_id;

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  sqlite3_bind_text (stmt, 1, subject, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, body, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, dw_channel_to_string (channel), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, dw_demo_types[story->type].key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, dw_priority_to_string (story->priority), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, dw_status_to_string (story->status), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, team_id);
  dw_store_bind_id_or_null (stmt, 8, story->assignee_id);
  sqlite3_bind_int64 (stmt, 9, customer->id);
  dw_store_bind_text_or_null (stmt, 10, order_number);
  sqlite3_bind_text (stmt, 11, tags, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 12, story->created_at);
  sqlite3_bind_int64 (stmt, 13, story->updated_at);
  dw_store_bind_id_or_null (stmt, 14, story->first_response_at);
  dw_store_bind_id_or_null (stmt, 15, story->solved_at);
  sqlite3_bind_int64 (stmt, 16, story->version);
  sqlite3_bind_int64 (stmt, 17, escalation_level);
  dw_store_bind_id_or_null (stmt, 18, rule != NULL ? rule->id : 0);
  sqlite3_bind_text (stmt, 19, dw_sla_state_to_string (sla->worst), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 20, sla_text, -1, SQLITE_TRANSIENT);
  dw_store_bind_id_or_null (stmt, 21, sla->next_transition);
  dw_store_bind_id_or_null (stmt, 22, story->csat);
  dw_store_bind_text_or_null (stmt, 23, story->csat_comment);
  if (!dw_store_step_done (stmt, error))
    return FALSE;

  ticket_id = sqlite3_last_insert_rowid (history->db);

  for (guint i = 0; i < story->comments->len; i++)
    {
      Comment *c = &g_array_index (story->comments, Comment, i);

      stmt = history->insert_comment;
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, ticket_id);
      sqlite3_bind_text (stmt, 2, c->author_kind, -1, SQLITE_STATIC);
      dw_store_bind_id_or_null (stmt, 3, c->author_id);
      sqlite3_bind_int (stmt, 4, c->is_public ? 1 : 0);
      sqlite3_bind_text (stmt, 5, c->body, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 6, c->at);
      if (!dw_store_step_done (stmt, error))
        return FALSE;
      comment_ids[i] = sqlite3_last_insert_rowid (history->db);
    }

  g_array_sort (story->audits, compare_audits);
  for (guint i = 0; i < story->audits->len; i++)
    {
      Audit *a = &g_array_index (story->audits, Audit, i);
      g_autofree char *after = NULL;

      if (a->comment_index >= 0)
        after = g_strdup_printf ("%" G_GINT64_FORMAT, comment_ids[a->comment_index]);

      stmt = history->insert_audit;
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, a->at);
      dw_store_bind_id_or_null (stmt, 2, a->actor_id);
      sqlite3_bind_int64 (stmt, 3, ticket_id);
      sqlite3_bind_text (stmt, 4, a->action, -1, SQLITE_STATIC);
      dw_store_bind_text_or_null (stmt, 5, a->field);
      dw_store_bind_text_or_null (stmt, 6, a->before);
      dw_store_bind_text_or_null (stmt, 7, after != NULL ? after : a->after);
      dw_store_bind_text_or_null (stmt, 8, a->reason);
      if (!dw_store_step_done (stmt, error))
        return FALSE;
    }

  return TRUE;
}

/* Draws the life of one ticket created at @created_at and writes what happened before now. */
static gboolean
backfill_ticket (History  *history,
                 gint64    created_at,
                 GError  **error)
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
  gint64 first_at, t, breached_at = 0;
  gint64 escalation_level = 0;
  gboolean surge, slow, solved = FALSE;
  const DwSlaRule *rule;
  DwSlaResult sla;
  DwDemoType intended;
  int rounds;
  Agent *agent;
  gboolean ok;

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
    first_at = dw_calendar_add_business_seconds (history->calendar, created_at,
                                                 (gint64) (dw_demo_lognormal (median, 0.9) * 60) + 20);
  }

  /* Who handles it: someone on shift when it was answered; a ticket still waiting goes to
   * whoever is online now with room, or stays in the queue. */
  agent = NULL;
  if (first_at <= now)
    agent = pick_agent (history, team_id, key, first_at, FALSE);
  if (agent == NULL && first_at <= now)
    agent = pick_agent (history, team_id, key, 0, FALSE);

  rounds = (int) dw_demo_pick_weighted ((const double[]) { 0.5, 0.35, 0.15 }, 3);

  /* The whole life, in order; events after now are not written. */
  t = first_at;
  if (agent != NULL)
    {
      gint64 a = agent->user_id;
      gint64 assigned_at = agent_on_shift (agent, created_at) ? created_at
                           : CLAMP (agent_shift_start (agent, first_at), created_at, first_at);

      if (assigned_at > created_at)
        story_audit (&story, created_at, 0, "queued", "assignee_id", NULL, NULL,
                     "routing: no online agent with free capacity; waiting in the team queue");
      story_audit (&story, assigned_at, 0, "assigned", "assignee_id", g_strdup ("null"),
                   g_strdup_printf ("%" G_GINT64_FORMAT, a),
                   "routing: online agent with the needed skill and the most free capacity");
      story.assignee_id = a;

      if (dw_demo_uniform () < 0.12 && t <= now)
        story_comment (&story, t, "agent", a, FALSE, dw_demo_pick_note ());

      for (int r = 0; r <= rounds && t <= now && !solved; r++)
        {
          gint64 reply_at;

          if (r == rounds)
            {
              gint64 solve_at = t + (gint64) dw_demo_lognormal (120, 0.6);

              if (dw_demo_uniform () < (story.type == DW_DEMO_TYPE_COMPLAINTS
                                        ? LONG_CASE_COMPLAINTS_SHARE : LONG_CASE_SHARE))
                solve_at = dw_calendar_add_business_seconds (history->calendar, t,
                                                             (gint64) (dw_demo_lognormal (14, 0.5)
                                                                       * 3600));

              story_comment (&story, t, "agent", a, TRUE, dw_demo_pick_agent_reply (story.type));
              if (solve_at > now)
                break;
              story_comment (&story, solve_at, "agent", a, TRUE, dw_demo_pick_solve_reply ());
              story_set_status (&story, solve_at, a, DW_STATUS_SOLVED, NULL);
              solved = TRUE;
              break;
            }

          story_comment (&story, t, "agent", a, TRUE, dw_demo_pick_ask_reply ());
          story_set_status (&story, t, a, DW_STATUS_PENDING, NULL);

          if (dw_demo_uniform () < 0.08)
            {
              /* The customer never answers: the case is closed after two hours of waiting. */
              gint64 give_up = t + GIVE_UP_SECONDS;

              if (give_up <= now)
                {
                  story_comment (&story, give_up, "agent", a, TRUE,
                                 "您好，因长时间未收到您的回复，本工单先做结案处理，如有问题请随时联系我们。");
                  story_set_status (&story, give_up, a, DW_STATUS_SOLVED,
                                    "no answer from the customer for two hours");
                  solved = TRUE;
                }
              break;
            }

          reply_at = t + (gint64) (dw_demo_lognormal (25, 1.0) * 60);
          if (reply_at > now)
            break;
          story_comment (&story, reply_at, "customer", customer->id, TRUE,
                         dw_demo_pick_customer_reply ());
          t = dw_calendar_add_business_seconds (history->calendar, reply_at,
                                                (gint64) (dw_demo_uniform () < LATE_FOLLOW_UP_SHARE
                                                          ? dw_demo_lognormal (150, 0.4) * 60
                                                          : dw_demo_lognormal (6, 0.8) * 60));
        }
    }

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

  /* Still active now: the assignee must be here now, or the ticket waits in the queue. */
  if (dw_status_is_active (story.status))
    {
      Agent *current = story.assignee_id != 0 ? find_agent (history, story.assignee_id) : NULL;

      if (current != NULL && current->online_now && current->load < current->capacity)
        {
          current->load++;
        }
      else if (current != NULL && story.status == DW_STATUS_PENDING)
        {
          /* Waiting on the customer: stays with its agent, off shift or not. */
          current->load++;
        }
      else
        {
          Agent *next = pick_agent (history, team_id, key, 0, TRUE);
          gint64 at = MAX (story.updated_at, now - dw_demo_int_range (60, 1800));

          if (next != NULL && story.assignee_id == 0)
            {
              at = MAX (created_at, agent_shift_start (next, now));
              if (at > created_at)
                story_audit (&story, created_at, 0, "queued", "assignee_id", NULL, NULL,
                             "routing: no online agent with free capacity; waiting in the team queue");
            }

          if (next != NULL)
            {
              next->load++;
              story_audit (&story, at, 0, "assigned", "assignee_id",
                           story.assignee_id != 0 ? g_strdup_printf ("%" G_GINT64_FORMAT,
                                                                     story.assignee_id)
                                                  : g_strdup ("null"),
                           g_strdup_printf ("%" G_GINT64_FORMAT, next->user_id),
                           story.assignee_id != 0 ? "handed over at the end of a shift"
                           : "routing: online agent with the needed skill and the most free capacity");
              story.assignee_id = next->user_id;
            }
          else if (story.assignee_id != 0)
            {
              story_audit (&story, at, 0, "assigned", "assignee_id",
                           g_strdup_printf ("%" G_GINT64_FORMAT, story.assignee_id),
                           g_strdup ("null"), "handed back to the team queue at the end of a shift");
              story.assignee_id = 0;
            }
          else
            {
              story_audit (&story, created_at, 0, "queued", "assignee_id", NULL, NULL,
                           "routing: no online agent with free capacity; waiting in the team queue");
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

  ok = write_story (history, &story, subject, body, channel, team_id, customer, order_number, tags,
                    escalation_level, rule, &sla, error);

  g_array_unref (story.comments);
  g_array_unref (story.audits);
  g_array_unref (story.marks);
  g_free (story.csat_comment);
  return ok;
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

gboolean
dw_demo_backfill (sqlite3     *db,
                  DwCalendar  *calendar,
                  gint64       now,
                  GError     **error)
{
  History history = { db, calendar, now };
  gboolean ok = FALSE;
  double max_rate = dw_demo_max_arrival_rate ();
  gint64 t = now - DW_DEMO_HISTORY_DAYS * (gint64) DW_DEMO_DAY;

  history.agents = g_ptr_array_new_with_free_func (agent_free);
  history.customers = g_array_new (FALSE, TRUE, sizeof (Customer));
  g_array_set_clear_func (history.customers, customer_clear);
  history.rules = g_ptr_array_new_with_free_func ((GDestroyNotify) dw_sla_rule_free);
  history.team_of_type = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  history.classifier = dw_classifier_new_default ();
  history.insert_ticket = dw_store_prepare (db,
    "INSERT INTO tickets (subject, body, channel, business_type, priority, status, team_id, "
    "assignee_id, customer_id, order_number, tags, created_at, updated_at, first_response_at, "
    "solved_at, version, escalation_level, sla_policy_id, sla_state, sla, next_sla_at, csat, "
    "csat_comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    error);
  if (history.insert_ticket == NULL)
    goto out;
  history.insert_comment = dw_store_prepare (db,
    "INSERT INTO comments (ticket_id, author_kind, author_id, public, body, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)", error);
  if (history.insert_comment == NULL)
    goto out;
  history.insert_audit = dw_store_prepare (db,
    "INSERT INTO audit (at, actor_id, entity, entity_id, action, field, before, after, reason) "
    "VALUES (?, ?, 'ticket', ?, ?, ?, ?, ?, ?)", error);
  if (history.insert_audit == NULL)
    goto out;

  if (!load_agents (&history, error) || !load_customers (&history, error)
      || !load_rules_and_types (&history, error))
    goto out;

  if (history.customers->len == 0 || history.agents->len == 0)
    {
      ok = TRUE;
      goto out;
    }

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

      if (!backfill_ticket (&history, t, error))
        goto out;
    }

  ok = TRUE;

out:
  g_clear_pointer (&history.insert_ticket, sqlite3_finalize);
  g_clear_pointer (&history.insert_comment, sqlite3_finalize);
  g_clear_pointer (&history.insert_audit, sqlite3_finalize);
  g_ptr_array_unref (history.agents);
  g_array_unref (history.customers);
  g_ptr_array_unref (history.rules);
  g_hash_table_unref (history.team_of_type);
  dw_classifier_unref (history.classifier);
  return ok;
}
