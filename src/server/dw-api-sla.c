/* dw-api-sla.c: SLA compliance figures, their drill-down, and a ticket's SLA timeline.
 *
 * Everything here is read from the audit trail the SLA engine already writes (one row per
 * target state change: action "sla", field = target, after = new state), so the engine needs
 * no extra bookkeeping.  A target "comes to an outcome" when its state turns met or breached;
 * the compliance figures count those rows, by the ticket's current team and policy, in
 * periods of whole local days of the team calendar's time zone.  Migration 003 gives the
 * period scan a partial index on audit (at) WHERE action = 'sla'.
 */
#define G_LOG_DOMAIN "dw-api"

#include "dw-api-private.h"

#include <string.h>

#include "dw-calendar.h"
#include "store/dw-store-sla.h"
#include "store/dw-store-tickets.h"

#define MAX_PERIODS 3
#define MAX_SEGMENT_PIECES 4000

typedef struct
{
  const char *key;     /* "today", "7d", "30d" or "range" */
  int         days;    /* whole local days ending today; 0 for an explicit range */
} PeriodSpec;

static const PeriodSpec default_periods[] = {
  { "today", 1 },
  { "7d", 7 },
  { "30d", 30 },
};

typedef struct
{
  PeriodSpec specs[MAX_PERIODS];
  guint      n;
  gint64     range_from;  /* for "range" */
  gint64     range_to;
} Periods;

typedef struct
{
  gint64 from;
  gint64 to;    /* exclusive */
} Window;

typedef struct
{
  gint64  id;
  char   *name;
  char   *timezone;
  Window  windows[MAX_PERIODS];
} TeamInfo;

typedef struct
{
  gint64  id;
  char   *name;
} PolicyInfo;

/* Outcomes of one (team, policy) pair; policy 0 is "any policy". */
typedef struct
{
  guint met[MAX_PERIODS][DW_SLA_N_TARGETS];
  guint breached[MAX_PERIODS][DW_SLA_N_TARGETS];
} Cell;

typedef struct
{
  DwApiRequest *req;
  Periods       periods;
  GArray       *teams;     /* of TeamInfo */
  GArray       *policies;  /* of PolicyInfo */
  gboolean      own_only;  /* an agent: only the tickets assigned to it */
  gint64        policy_filter;
  gint64        now;
} Scope;

static void
team_info_clear (gpointer data)
{
  TeamInfo *team = data;

  g_clear_pointer (&team->name, g_free);
  g_clear_pointer (&team->timezone, g_free);
}

static void
policy_info_clear (gpointer data)
{
  PolicyInfo *policy = data;

  g_clear_pointer (&policy->name, g_free);
}

static void
scope_clear (Scope *scope)
{
  g_clear_pointer (&scope->teams, g_array_unref);
  g_clear_pointer (&scope->policies, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Scope, scope_clear)

/* Parameters */

static gboolean
parse_id_param (DwApiRequest *req,
                const char   *name,
                gint64       *out)
{
  const char *value = dw_api_query (req, name);
  guint64 id;

  *out = 0;
  if (value == NULL || *value == '\0')
    return TRUE;

  if (!g_ascii_string_to_unsigned (value, 10, 1, G_MAXINT64, &id, NULL))
    {
      dw_api_reply_invalid (req, "%s: \"%s\" is not an id", name, value);
      return FALSE;
    }

  *out = (gint64) id;
  return TRUE;
}

/* ?days=1|7|30, ?period=today|7d|30d, or ?from=&to= (ISO 8601); none of them: all three. */
static gboolean
parse_periods (DwApiRequest *req,
               gint64        now,
               Periods      *periods)
{
  const char *days = dw_api_query (req, "days");
  const char *period = dw_api_query (req, "period");
  const char *from = dw_api_query (req, "from");
  const char *to = dw_api_query (req, "to");
  guint given = (days != NULL) + (period != NULL) + (from != NULL || to != NULL);

  memset (periods, 0, sizeof *periods);

  if (given > 1)
    {
      dw_api_reply_invalid (req, "days: give only one of days, period, or from and to");
      return FALSE;
    }

  if (days != NULL || period != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (default_periods); i++)
        {
          g_autofree char *days_text = g_strdup_printf ("%d", default_periods[i].days);

          if ((days != NULL && g_str_equal (days, days_text))
              || (period != NULL && g_str_equal (period, default_periods[i].key)))
            {
              periods->specs[0] = default_periods[i];
              periods->n = 1;
              return TRUE;
            }
        }

      if (days != NULL)
        dw_api_reply_invalid (req, "days: \"%s\" is not one of 1, 7, 30", days);
      else
        dw_api_reply_invalid (req, "period: \"%s\" is not one of today, 7d, 30d", period);
      return FALSE;
    }

  if (from != NULL || to != NULL)
    {
      if (from == NULL || !dw_time_from_iso8601 (from, &periods->range_from))
        {
          dw_api_reply_invalid (req, "from: expected an ISO 8601 time, got %s%s%s",
                                from != NULL ? "\"" : "", from != NULL ? from : "nothing",
                                from != NULL ? "\"" : "");
          return FALSE;
        }

      if (to == NULL)
        periods->range_to = now + 1;
      else if (!dw_time_from_iso8601 (to, &periods->range_to))
        {
          dw_api_reply_invalid (req, "to: expected an ISO 8601 time, got \"%s\"", to);
          return FALSE;
        }

      if (periods->range_to <= periods->range_from)
        {
          dw_api_reply_invalid (req, "to: must be later than from");
          return FALSE;
        }

      periods->specs[0].key = "range";
      periods->specs[0].days = 0;
      periods->n = 1;
      return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (default_periods); i++)
    periods->specs[i] = default_periods[i];
  periods->n = G_N_ELEMENTS (default_periods);
  return TRUE;
}

/* [local midnight @days - 1 days before today, now] in @timezone. */
static Window
day_window (const char *timezone,
            int         days,
            gint64      now)
{
  g_autoptr(GTimeZone) tz = timezone != NULL ? g_time_zone_new_identifier (timezone) : NULL;
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) midnight = NULL;
  g_autoptr(GDateTime) first = NULL;
  Window window = { now, now + 1 };

  if (tz == NULL)
    tz = g_time_zone_new_utc ();

  local = g_date_time_to_timezone (utc, tz);
  midnight = g_date_time_new (tz, g_date_time_get_year (local), g_date_time_get_month (local),
                              g_date_time_get_day_of_month (local), 0, 0, 0);
  first = midnight != NULL ? g_date_time_add_days (midnight, -(days - 1)) : NULL;
  if (first != NULL)
    window.from = g_date_time_to_unix (first);

  return window;
}

static void
compute_windows (Scope *scope)
{
  for (guint i = 0; i < scope->teams->len; i++)
    {
      TeamInfo *team = &g_array_index (scope->teams, TeamInfo, i);

      for (guint p = 0; p < scope->periods.n; p++)
        {
          if (scope->periods.specs[p].days > 0)
            team->windows[p] = day_window (team->timezone, scope->periods.specs[p].days,
                                           scope->now);
          else
            {
              team->windows[p].from = scope->periods.range_from;
              team->windows[p].to = scope->periods.range_to;
            }
        }
    }
}

/* Scope: which teams and policies, for whom */

static gboolean
load_teams (Scope   *scope,
            gint64   team_filter)
{
  DwApiRequest *req = scope->req;
  DwPrincipal *principal = req->principal;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = NULL;

  if (team_filter > 0 && principal->role != DW_ROLE_ADMIN
      && !dw_principal_in_team (principal, team_filter))
    {
      dw_api_reply_forbidden (req, "you may read the SLA compliance of your own teams only");
      return FALSE;
    }

  rows = dw_store_sla_compliance_teams (req->store, team_filter, &error);
  if (rows == NULL)
    {
      dw_api_reply_error (req, error);
      return FALSE;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      DwStoreSlaTeam *row = &g_array_index (rows, DwStoreSlaTeam, i);
      TeamInfo team = { 0 };

      if (principal->role != DW_ROLE_ADMIN && !dw_principal_in_team (principal, row->id))
        continue;

      team.id = row->id;
      team.name = g_steal_pointer (&row->name);
      team.timezone = g_steal_pointer (&row->timezone);
      g_array_append_val (scope->teams, team);
    }

  if (team_filter > 0 && scope->teams->len == 0)
    {
      dw_api_reply_not_found (req, "team", team_filter);
      return FALSE;
    }

  return TRUE;
}

static gboolean
load_policies (Scope *scope)
{
  DwApiRequest *req = scope->req;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = NULL;

  rows = dw_store_sla_compliance_policies (req->store, scope->policy_filter, &error);
  if (rows == NULL)
    {
      dw_api_reply_error (req, error);
      return FALSE;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      DwStoreSlaPolicyName *row = &g_array_index (rows, DwStoreSlaPolicyName, i);
      PolicyInfo policy = { row->id, g_steal_pointer (&row->name) };

      g_array_append_val (scope->policies, policy);
    }

  if (scope->policy_filter > 0 && scope->policies->len == 0)
    {
      dw_api_reply_not_found (req, "SLA policy", scope->policy_filter);
      return FALSE;
    }

  return TRUE;
}

/* Parses the common parameters and loads teams and policies; FALSE when a reply was sent. */
static gboolean
scope_init (Scope        *scope,
            DwApiRequest *req)
{
  gint64 team_filter;

  memset (scope, 0, sizeof *scope);
  scope->req = req;
  scope->now = req->now;
  scope->teams = g_array_new (FALSE, TRUE, sizeof (TeamInfo));
  g_array_set_clear_func (scope->teams, team_info_clear);
  scope->policies = g_array_new (FALSE, TRUE, sizeof (PolicyInfo));
  g_array_set_clear_func (scope->policies, policy_info_clear);
  scope->own_only = req->principal->role == DW_ROLE_AGENT;

  if (!parse_id_param (req, "team", &team_filter)
      || !parse_id_param (req, "policy", &scope->policy_filter)
      || !parse_periods (req, scope->now, &scope->periods)
      || !load_teams (scope, team_filter)
      || !load_policies (scope))
    return FALSE;

  compute_windows (scope);
  return TRUE;
}

static const char *
scope_name (Scope *scope)
{
  switch (scope->req->principal->role)
    {
    case DW_ROLE_ADMIN:
      return "all";
    case DW_ROLE_LEAD:
      return "teams";
    case DW_ROLE_AGENT:
    default:
      return "own";
    }
}

/* The filter selecting outcome rows of the scope's teams inside their windows of period @p
 * (-1: any period); @windows (of DwStoreSlaWindow) holds the teams for the filter's life. */
static void
scope_filter (Scope                   *scope,
              int                      p,
              GArray                  *windows,
              DwStoreSlaOutcomeFilter *filter)
{
  gint64 min_from = G_MAXINT64, max_to = G_MININT64;

  memset (filter, 0, sizeof *filter);
  for (guint i = 0; i < scope->teams->len; i++)
    {
      TeamInfo *team = &g_array_index (scope->teams, TeamInfo, i);
      DwStoreSlaWindow window = { team->id, 0, 0 };

      if (p >= 0)
        {
          window.from = team->windows[p].from;
          window.to = team->windows[p].to;
        }
      g_array_append_val (windows, window);
    }

  /* The overall bounds let the partial index audit_sla_at narrow the scan. */
  for (guint i = 0; i < scope->teams->len; i++)
    for (guint q = 0; q < scope->periods.n; q++)
      if (p < 0 || (guint) p == q)
        {
          Window *w = &g_array_index (scope->teams, TeamInfo, i).windows[q];

          min_from = MIN (min_from, w->from);
          max_to = MAX (max_to, w->to);
        }

  if (scope->teams->len == 0)
    min_from = max_to = 0;

  filter->teams = (const DwStoreSlaWindow *) windows->data;
  filter->n_teams = windows->len;
  filter->per_team = p >= 0;
  filter->from = min_from;
  filter->to = max_to;
  filter->policy_id = scope->policy_filter;
  if (scope->own_only)
    filter->assignee_id = scope->req->principal->user_id;
}

/* Compliance */

static guint64
cell_key (gint64 team_id,
          gint64 policy_id)
{
  return ((guint64) team_id << 32) ^ (guint64) policy_id;
}

static Cell *
lookup_cell (GHashTable *cells,
             gint64      team_id,
             gint64      policy_id)
{
  guint64 key = cell_key (team_id, policy_id);
  Cell *cell = g_hash_table_lookup (cells, &key);

  if (cell == NULL)
    {
      cell = g_new0 (Cell, 1);
      g_hash_table_insert (cells, g_memdup2 (&key, sizeof key), cell);
    }

  return cell;
}

static JsonObject *
figures_json (Scope      *scope,
              const Cell *cell)
{
  JsonObject *figures = json_object_new ();

  for (guint p = 0; p < scope->periods.n; p++)
    {
      JsonObject *period = json_object_new ();

      for (guint t = 0; t < DW_SLA_N_TARGETS; t++)
        {
          JsonObject *f = json_object_new ();
          guint met = cell != NULL ? cell->met[p][t] : 0;
          guint breached = cell != NULL ? cell->breached[p][t] : 0;

          json_object_set_int_member (f, "due", met + breached);
          json_object_set_int_member (f, "met", met);
          json_object_set_int_member (f, "breached", breached);
          if (met + breached > 0)
            json_object_set_double_member (f, "share_met", (double) met / (met + breached));
          else
            json_object_set_null_member (f, "share_met");
          json_object_set_object_member (period, dw_sla_target_to_string (t), f);
        }

      json_object_set_object_member (figures, scope->periods.specs[p].key, period);
    }

  return figures;
}

static void
cell_add (Cell       *sum,
          const Cell *cell)
{
  if (cell == NULL)
    return;

  for (guint p = 0; p < MAX_PERIODS; p++)
    for (guint t = 0; t < DW_SLA_N_TARGETS; t++)
      {
        sum->met[p][t] += cell->met[p][t];
        sum->breached[p][t] += cell->breached[p][t];
      }
}

static JsonObject *
policy_figures_json (Scope            *scope,
                     const PolicyInfo *policy,
                     const Cell       *cell)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "policy_id", policy->id);
  json_object_set_string_member (object, "policy_name", policy->name);
  json_object_set_object_member (object, "figures", figures_json (scope, cell));
  return object;
}

typedef struct
{
  Scope      *scope;
  GHashTable *cells;
} Count;

/* Counts one outcome row into its team's cell and its (team, policy) cell. */
static void
count_outcome (const DwStoreSlaOutcome *row,
               gpointer                 user_data)
{
  Count *count = user_data;
  Scope *scope = count->scope;
  gboolean met = g_strcmp0 (row->outcome, "met") == 0;
  TeamInfo *team = NULL;
  Cell *team_cell, *policy_cell;
  int target;

  if (!dw_enum_from_string (DW_TYPE_SLA_TARGET, row->target, &target))
    return;

  for (guint i = 0; i < scope->teams->len && team == NULL; i++)
    if (g_array_index (scope->teams, TeamInfo, i).id == row->team_id)
      team = &g_array_index (scope->teams, TeamInfo, i);
  if (team == NULL)
    return;

  team_cell = lookup_cell (count->cells, row->team_id, 0);
  policy_cell = row->policy_id > 0 ? lookup_cell (count->cells, row->team_id, row->policy_id)
                                   : NULL;

  for (guint p = 0; p < scope->periods.n; p++)
    {
      if (row->at < team->windows[p].from || row->at >= team->windows[p].to)
        continue;

      if (met)
        {
          team_cell->met[p][target]++;
          if (policy_cell != NULL)
            policy_cell->met[p][target]++;
        }
      else
        {
          team_cell->breached[p][target]++;
          if (policy_cell != NULL)
            policy_cell->breached[p][target]++;
        }
    }
}

static void
compliance_cb (DwApiRequest *req)
{
  g_auto(Scope) scope = { 0 };
  g_autoptr(GArray) filter_teams = g_array_new (FALSE, FALSE, sizeof (DwStoreSlaWindow));
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) cells = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonArray) periods = json_array_new ();
  g_autoptr(JsonArray) teams = json_array_new ();
  g_autoptr(JsonArray) policies = json_array_new ();
  g_autofree char *now_text = NULL;
  DwStoreSlaOutcomeFilter filter;
  Cell total = { { { 0 } } };
  Count count;

  if (!scope_init (&scope, req))
    return;

  cells = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  count.scope = &scope;
  count.cells = cells;

  scope_filter (&scope, -1, filter_teams, &filter);
  if (!dw_store_sla_compliance_outcomes_scan (req->store, &filter, count_outcome, &count,
                                              &error))
    {
      dw_api_reply_error (req, error);
      return;
    }

  for (guint i = 0; i < scope.teams->len; i++)
    {
      TeamInfo *team = &g_array_index (scope.teams, TeamInfo, i);
      guint64 key = cell_key (team->id, 0);
      JsonObject *object = json_object_new ();
      JsonObject *windows = json_object_new ();
      JsonArray *team_policies = json_array_new ();
      Cell *team_cell = g_hash_table_lookup (cells, &key);

      json_object_set_int_member (object, "team_id", team->id);
      dw_json_set_string_or_null (object, "team_name", team->name);
      dw_json_set_string_or_null (object, "timezone", team->timezone);

      for (guint p = 0; p < scope.periods.n; p++)
        {
          JsonObject *window = json_object_new ();

          dw_json_set_time_or_null (window, "from", team->windows[p].from);
          dw_json_set_time_or_null (window, "to", team->windows[p].to - 1);
          json_object_set_object_member (windows, scope.periods.specs[p].key, window);
        }
      json_object_set_object_member (object, "windows", windows);

      /* With a policy filter the team's figures are that policy's. */
      json_object_set_object_member (object, "figures", figures_json (&scope, team_cell));
      cell_add (&total, team_cell);

      for (guint j = 0; j < scope.policies->len; j++)
        {
          PolicyInfo *policy = &g_array_index (scope.policies, PolicyInfo, j);
          guint64 pkey = cell_key (team->id, policy->id);

          json_array_add_object_element (team_policies,
                                         policy_figures_json (&scope, policy,
                                                              g_hash_table_lookup (cells, &pkey)));
        }
      json_object_set_array_member (object, "policies", team_policies);
      json_array_add_object_element (teams, object);
    }

  for (guint j = 0; j < scope.policies->len; j++)
    {
      PolicyInfo *policy = &g_array_index (scope.policies, PolicyInfo, j);
      Cell sum = { { { 0 } } };

      for (guint i = 0; i < scope.teams->len; i++)
        {
          guint64 pkey = cell_key (g_array_index (scope.teams, TeamInfo, i).id, policy->id);

          cell_add (&sum, g_hash_table_lookup (cells, &pkey));
        }

      json_array_add_object_element (policies, policy_figures_json (&scope, policy, &sum));
    }

  for (guint p = 0; p < scope.periods.n; p++)
    json_array_add_string_element (periods, scope.periods.specs[p].key);

  now_text = dw_time_to_iso8601 (scope.now);
  reply = json_object_new ();
  json_object_set_string_member (reply, "generated_at", now_text);
  json_object_set_string_member (reply, "scope", scope_name (&scope));
  json_object_set_array_member (reply, "periods", g_steal_pointer (&periods));
  json_object_set_object_member (reply, "total", figures_json (&scope, &total));
  json_object_set_array_member (reply, "teams", g_steal_pointer (&teams));
  json_object_set_array_member (reply, "policies", g_steal_pointer (&policies));
  dw_api_reply_object (req, 200, reply);
}

/* Drill-down: the outcomes behind one figure */

static void
compliance_tickets_cb (DwApiRequest *req)
{
  g_auto(Scope) scope = { 0 };
  g_autoptr(GArray) windows = g_array_new (FALSE, FALSE, sizeof (DwStoreSlaWindow));
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) items = json_array_new ();
  g_autofree char *next = NULL;
  DwStoreSlaOutcomeFilter filter;
  gboolean more;
  const char *target_text = dw_api_query (req, "target");
  const char *outcome = dw_api_query (req, "outcome");
  gint64 after_id;
  guint limit;
  int target = -1;

  if (target_text != NULL && !dw_enum_from_string (DW_TYPE_SLA_TARGET, target_text, &target))
    {
      dw_api_reply_invalid (req, "target: \"%s\" is not one of first-response, next-response, "
                            "resolution", target_text);
      return;
    }

  if (outcome != NULL && !g_str_equal (outcome, "met") && !g_str_equal (outcome, "breached"))
    {
      dw_api_reply_invalid (req, "outcome: \"%s\" is not one of met, breached", outcome);
      return;
    }

  if (!dw_api_read_paging (req, &limit, &after_id) || !scope_init (&scope, req))
    return;

  if (scope.periods.n != 1)
    {
      /* Without a period the drill-down covers the longest one, like the last column. */
      scope.periods.specs[0] = scope.periods.specs[scope.periods.n - 1];
      scope.periods.n = 1;
      compute_windows (&scope);
    }

  scope_filter (&scope, 0, windows, &filter);
  if (target >= 0)
    filter.target = dw_sla_target_to_string (target);
  if (outcome != NULL)
    filter.outcome = g_str_equal (outcome, "met") ? "met" : "breached";
  filter.before_id = after_id;
  filter.limit = limit;

  rows = dw_store_sla_compliance_outcomes_page (req->store, &filter, &more, &error);
  if (rows == NULL)
    {
      dw_api_reply_error (req, error);
      return;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      DwStoreSlaOutcome *row = &g_array_index (rows, DwStoreSlaOutcome, i);
      JsonObject *item = json_object_new ();
      JsonObject *ticket = g_steal_pointer (&row->ticket);
      JsonNode *node;

      json_object_set_int_member (item, "audit_id", row->audit_id);
      dw_json_set_time_or_null (item, "at", row->at);
      json_object_set_int_member (item, "ticket_id", row->ticket_id);
      node = json_object_get_member (ticket, "team_id");
      json_object_set_member (item, "team_id", node != NULL ? json_node_copy (node)
                                                            : json_node_new (JSON_NODE_NULL));
      node = json_object_get_member (ticket, "sla_policy_id");
      json_object_set_member (item, "sla_policy_id", node != NULL ? json_node_copy (node)
                                                                  : json_node_new (JSON_NODE_NULL));
      json_object_set_string_member (item, "target", row->target);
      json_object_set_string_member (item, "outcome", row->outcome);
      json_object_set_object_member (item, "ticket", ticket);
      json_array_add_object_element (items, item);
    }

  if (more && rows->len > 0)
    next = dw_api_make_cursor (g_array_index (rows, DwStoreSlaOutcome, rows->len - 1).audit_id);

  dw_api_reply_items (req, items, TRUE, next);
}

/* Timeline */

typedef enum
{
  SEG_RUNNING,
  SEG_PAUSED,
  SEG_AT_RISK,
  SEG_BREACHED,
  SEG_MET,
} SegmentKind;

static const char * const segment_names[] = { "running", "paused", "at-risk", "breached", "met" };

typedef struct
{
  SegmentKind  kind;
  const char  *reason;  /* paused: "pending" or "outside-hours" */
  gint64       from;
  gint64       to;      /* 0: still going */
} Segment;

typedef struct
{
  gint64   at;
  int      kind;      /* 0: SLA state change, 1: status change, 2: public agent reply */
  int      target;    /* kind 0 */
  int      value;     /* kind 0: DwSlaState; kind 1: DwStatus */
} TimelineMark;

typedef struct
{
  GArray  *segments;  /* of Segment */
  gboolean open;
} TargetTrack;

static void
set_json_text (JsonObject *object,
               const char *member,
               const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (text != NULL && json_parser_load_from_data (parser, text, -1, NULL)
      && json_parser_get_root (parser) != NULL)
    json_object_set_member (object, member, json_node_copy (json_parser_get_root (parser)));
  else
    json_object_set_null_member (object, member);
}

/* The team's calendar, or the first calendar; NULL when the desk has none. */
static DwCalendar *
load_team_calendar (DwStore *store,
                    gint64   team_id)
{
  g_auto(DwStoreSlaCalendar) row = { 0 };
  g_autoptr(JsonObject) object = NULL;
  gboolean found;

  if (!dw_store_sla_calendar_for_team (store, team_id, &row, &found, NULL) || !found)
    return NULL;

  object = json_object_new ();
  json_object_set_int_member (object, "id", row.id);
  dw_json_set_string_or_null (object, "name", row.name);
  dw_json_set_string_or_null (object, "timezone", row.timezone);
  set_json_text (object, "week", row.week);
  set_json_text (object, "holidays", row.holidays);
  set_json_text (object, "workdays", row.workdays);
  return dw_calendar_new_from_json (object, NULL);
}

static void
track_close (TargetTrack *track,
             gint64       at)
{
  if (track->open && track->segments->len > 0)
    g_array_index (track->segments, Segment, track->segments->len - 1).to = at;
  track->open = FALSE;
}

static void
track_open (TargetTrack *track,
            SegmentKind  kind,
            const char  *reason,
            gint64       at)
{
  Segment segment = { kind, reason, at, 0 };

  track_close (track, at);
  g_array_append_val (track->segments, segment);
  track->open = TRUE;
}

static SegmentKind
track_current (TargetTrack *track,
               gboolean    *open)
{
  *open = track->open && track->segments->len > 0;
  return *open ? g_array_index (track->segments, Segment, track->segments->len - 1).kind
               : SEG_MET;
}

/* Splits the running and at-risk segments where the calendar is closed: the clock stands
 * still there, so they show as paused outside-hours. */
static GArray *
split_outside_hours (GArray     *segments,
                     DwCalendar *calendar,
                     gint64      now)
{
  GArray *result = g_array_new (FALSE, FALSE, sizeof (Segment));

  for (guint i = 0; i < segments->len; i++)
    {
      Segment *s = &g_array_index (segments, Segment, i);
      gint64 end = s->to != 0 ? s->to : now;
      gint64 t = s->from;
      guint pieces = 0;

      if ((s->kind != SEG_RUNNING && s->kind != SEG_AT_RISK) || calendar == NULL || end <= t)
        {
          if (s->to == 0 || s->to > s->from || s->kind == SEG_MET)
            g_array_append_val (result, *s);
          continue;
        }

      while (t < end)
        {
          Segment piece = *s;
          gboolean open = dw_calendar_is_open (calendar, t);
          gint64 next = pieces < MAX_SEGMENT_PIECES ? dw_calendar_next_transition (calendar, t)
                                                    : DW_CALENDAR_FOREVER;

          if (next <= t)
            next = DW_CALENDAR_FOREVER;  /* never loop on a calendar that does not move */
          piece.from = t;
          piece.to = MIN (next, end);
          if (!open)
            {
              piece.kind = SEG_PAUSED;
              piece.reason = "outside-hours";
            }
          if (piece.to >= end && s->to == 0)
            piece.to = 0;

          /* Consecutive pieces of the same kind (a closed stretch made of several days) merge. */
          if (result->len > 0)
            {
              Segment *last = &g_array_index (result, Segment, result->len - 1);

              if (last->kind == piece.kind && last->to == piece.from
                  && g_strcmp0 (last->reason, piece.reason) == 0)
                {
                  last->to = piece.to;
                  t = piece.to != 0 ? piece.to : end;
                  pieces++;
                  continue;
                }
            }

          g_array_append_val (result, piece);
          t = piece.to != 0 ? piece.to : end;
          pieces++;
        }
    }

  return result;
}

static int
compare_marks (gconstpointer a,
               gconstpointer b)
{
  const TimelineMark *ma = a, *mb = b;

  return (ma->at > mb->at) - (ma->at < mb->at);
}

static void
sla_timeline_cb (DwApiRequest *req)
{
  DwStore *store = req->store;
  g_autoptr(JsonObject) ticket = dw_store_ticket_load_json (store, req->ids[0], NULL);
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) marks = g_array_new (FALSE, FALSE, sizeof (TimelineMark));
  g_autoptr(DwCalendar) calendar = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonArray) targets = json_array_new ();
  g_autofree char *now_text = NULL;
  TargetTrack tracks[DW_SLA_N_TARGETS];
  JsonObject *current[DW_SLA_N_TARGETS] = { NULL };
  gboolean seen[DW_SLA_N_TARGETS] = { FALSE };
  JsonArray *sla;
  gint64 team_id, assignee_id, now = req->now;

  if (ticket == NULL)
    {
      dw_api_reply_not_found (req, "ticket", req->ids[0]);
      return;
    }

  team_id = json_object_get_null_member (ticket, "team_id")
            ? 0 : json_object_get_int_member (ticket, "team_id");
  assignee_id = json_object_get_null_member (ticket, "assignee_id")
                ? 0 : json_object_get_int_member (ticket, "assignee_id");
  if (!dw_principal_can_see (req->principal, team_id, assignee_id))
    {
      dw_api_reply_not_found (req, "ticket", req->ids[0]);
      return;
    }

  /* Audit rows are in id order, which is commit order; comments are merged in by time
   * (a stable insertion keeps an audit row before a reply of the same second). */
  rows = dw_store_sla_compliance_timeline_marks (store, req->ids[0], &error);
  if (rows == NULL)
    {
      dw_api_reply_error (req, error);
      return;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      DwStoreSlaTimelineMark *row = &g_array_index (rows, DwStoreSlaTimelineMark, i);
      TimelineMark mark = { row->at, row->kind, -1, 0 };

      if (mark.kind == 0
          && (!dw_enum_from_string (DW_TYPE_SLA_TARGET, row->field, &mark.target)
              || !dw_enum_from_string (DW_TYPE_SLA_STATE, row->value, &mark.value)))
        continue;
      if (mark.kind == 1 && !dw_enum_from_string (DW_TYPE_STATUS, row->value, &mark.value))
        continue;

      g_array_append_val (marks, mark);
    }

  /* The query's ORDER BY 1 is not stable across the UNION; keep same-second marks in kind
   * order: SLA changes, then status, then replies. */
  for (guint i = 1; i < marks->len; i++)
    for (guint j = i; j > 0; j--)
      {
        TimelineMark *a = &g_array_index (marks, TimelineMark, j - 1);
        TimelineMark *b = &g_array_index (marks, TimelineMark, j);
        TimelineMark tmp;

        if (compare_marks (a, b) < 0 || (a->at == b->at && a->kind <= b->kind))
          break;
        tmp = *a;
        *a = *b;
        *b = tmp;
      }

  for (guint t = 0; t < DW_SLA_N_TARGETS; t++)
    {
      tracks[t].segments = g_array_new (FALSE, FALSE, sizeof (Segment));
      tracks[t].open = FALSE;
    }

  for (guint i = 0; i < marks->len; i++)
    {
      TimelineMark *mark = &g_array_index (marks, TimelineMark, i);

      if (mark->kind == 0)
        {
          TargetTrack *track = &tracks[mark->target];

          seen[mark->target] = TRUE;
          switch ((DwSlaState) mark->value)
            {
            case DW_SLA_STATE_OK:
              track_open (track, SEG_RUNNING, NULL, mark->at);
              break;
            case DW_SLA_STATE_AT_RISK:
              track_open (track, SEG_AT_RISK, NULL, mark->at);
              break;
            case DW_SLA_STATE_BREACHED:
              track_open (track, SEG_BREACHED, NULL, mark->at);
              break;
            case DW_SLA_STATE_PAUSED:
              track_open (track, SEG_PAUSED, "pending", mark->at);
              break;
            case DW_SLA_STATE_MET:
              track_open (track, SEG_MET, NULL, mark->at);
              break;
            case DW_SLA_STATE_NONE:
            default:
              track_close (track, mark->at);
              break;
            }
        }
      else
        {
          /* A breached target stays breached when it is settled late, so the engine writes
           * no row then: the reply or the solve ends its breached stretch. */
          for (guint t = 0; t < DW_SLA_N_TARGETS; t++)
            {
              gboolean open;
              SegmentKind kind = track_current (&tracks[t], &open);
              gboolean settles;

              if (!open || kind != SEG_BREACHED)
                continue;

              if (mark->kind == 1)
                settles = mark->value == DW_STATUS_SOLVED || mark->value == DW_STATUS_CLOSED;
              else
                settles = t == DW_SLA_TARGET_FIRST_RESPONSE || t == DW_SLA_TARGET_NEXT_RESPONSE;

              if (settles)
                track_close (&tracks[t], mark->at);
            }
        }
    }

  sla = json_object_get_array_member (ticket, "sla");
  for (guint i = 0; sla != NULL && i < json_array_get_length (sla); i++)
    {
      JsonObject *entry = json_array_get_object_element (sla, i);
      int target;

      if (entry != NULL
          && dw_enum_from_string (DW_TYPE_SLA_TARGET,
                                  json_object_get_string_member_with_default (entry, "target",
                                                                              NULL),
                                  &target))
        {
          current[target] = entry;
          seen[target] = TRUE;
        }
    }

  calendar = load_team_calendar (store, team_id);

  for (guint t = 0; t < DW_SLA_N_TARGETS; t++)
    {
      g_autoptr(GArray) pieces = NULL;
      JsonObject *object;
      JsonArray *segments;

      if (!seen[t])
        {
          g_array_unref (tracks[t].segments);
          continue;
        }

      pieces = split_outside_hours (tracks[t].segments, calendar, now);
      g_array_unref (tracks[t].segments);

      object = json_object_new ();
      segments = json_array_new ();
      json_object_set_string_member (object, "target", dw_sla_target_to_string (t));
      if (current[t] != NULL)
        {
          static const char * const copied[] = { "state", "target_minutes", "elapsed_seconds",
                                                 "at_risk_at", "due_at", "met_at",
                                                 "paused_reason" };

          for (guint k = 0; k < G_N_ELEMENTS (copied); k++)
            {
              JsonNode *node = json_object_get_member (current[t], copied[k]);

              if (node != NULL)
                json_object_set_member (object, copied[k], json_node_copy (node));
            }
        }
      else
        {
          json_object_set_string_member (object, "state", "none");
        }

      for (guint k = 0; k < pieces->len; k++)
        {
          Segment *s = &g_array_index (pieces, Segment, k);
          JsonObject *segment = json_object_new ();

          json_object_set_string_member (segment, "state", segment_names[s->kind]);
          dw_json_set_string_or_null (segment, "reason", s->reason);
          dw_json_set_time_or_null (segment, "from", s->from);
          dw_json_set_time_or_null (segment, "to", s->to);
          json_array_add_object_element (segments, segment);
        }

      json_object_set_array_member (object, "segments", segments);
      json_array_add_object_element (targets, object);
    }

  now_text = dw_time_to_iso8601 (now);
  reply = json_object_new ();
  json_object_set_int_member (reply, "ticket_id", req->ids[0]);
  json_object_set_member (reply, "sla_policy_id",
                          json_node_copy (json_object_get_member (ticket, "sla_policy_id")));
  if (calendar != NULL)
    {
      dw_json_set_id_or_null (reply, "calendar_id", dw_calendar_get_id (calendar));
      json_object_set_string_member (reply, "timezone", dw_calendar_get_timezone (calendar));
    }
  else
    {
      json_object_set_null_member (reply, "calendar_id");
      json_object_set_null_member (reply, "timezone");
    }
  json_object_set_string_member (reply, "now", now_text);
  json_object_set_array_member (reply, "targets", g_steal_pointer (&targets));
  dw_api_reply_object (req, 200, reply);
}

const DwApiRoute dw_api_sla_routes[] = {
  { "GET", "sla/compliance", compliance_cb, FALSE, FALSE, TRUE },
  { "GET", "sla/compliance/tickets", compliance_tickets_cb, FALSE, FALSE, TRUE },
  { "GET", "tickets/:id/sla-timeline", sla_timeline_cb, FALSE, FALSE, TRUE },
  { NULL }
};
