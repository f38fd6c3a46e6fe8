/* dw-agent-figures.c
 *
 * Values are doubles with NAN for "none": the service sends null for a share with nothing to
 * divide by and a median of no times, and the console shows a dash for both alike.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "dw-agent-figures.h"
#include "dw-clock.h"
#include "dw-json.h"

static const DwAgentFigureInfo figure_infos[DW_AGENT_N_FIGURES] = {
  { DW_AGENT_FIGURE_ASSIGNED, "assigned", "Assigned", DW_FIGURE_UNIT_COUNT,
    DW_FIGURE_BETTER_NEITHER, "assigned", "assigned", "assigned" },
  { DW_AGENT_FIGURE_SOLVED, "solved", "Solved", DW_FIGURE_UNIT_COUNT,
    DW_FIGURE_BETTER_HIGHER, "solved", "solved", "solved" },
  { DW_AGENT_FIGURE_REOPEN_RATE, "reopen-rate", "Reopen rate", DW_FIGURE_UNIT_SHARE,
    DW_FIGURE_BETTER_LOWER, "reopen_rate", NULL, "reopened" },
  { DW_AGENT_FIGURE_FIRST_RESPONSE, "first-response", "First response (median, business time)",
    DW_FIGURE_UNIT_SECONDS, DW_FIGURE_BETTER_LOWER, "first_response.median_business_seconds",
    "first_response_median_seconds", "first-response" },
  { DW_AGENT_FIGURE_RESOLUTION, "resolution", "Resolution (median, business time)",
    DW_FIGURE_UNIT_SECONDS, DW_FIGURE_BETTER_LOWER, "resolution.median_business_seconds",
    "resolution_median_seconds", "solved" },
  { DW_AGENT_FIGURE_REPLIES_PER_SOLVED, "replies-per-solved", "Replies per solved ticket",
    DW_FIGURE_UNIT_RATIO, DW_FIGURE_BETTER_LOWER, "replies_per_solved", NULL, NULL },
  { DW_AGENT_FIGURE_ONE_TOUCH_SHARE, "one-touch", "One-touch resolutions", DW_FIGURE_UNIT_SHARE,
    DW_FIGURE_BETTER_HIGHER, "one_touch_share", NULL, NULL },
  { DW_AGENT_FIGURE_SLA_SHARE, "sla", "SLA targets met", DW_FIGURE_UNIT_SHARE,
    DW_FIGURE_BETTER_HIGHER, NULL, "sla_share", "sla-met" },
  { DW_AGENT_FIGURE_CSAT, "csat", "CSAT average", DW_FIGURE_UNIT_RATING,
    DW_FIGURE_BETTER_HIGHER, "csat.average", "csat_average", NULL },
  { DW_AGENT_FIGURE_ONLINE, "online", "Online time", DW_FIGURE_UNIT_SECONDS,
    DW_FIGURE_BETTER_NEITHER, "online_seconds", NULL, NULL },
  { DW_AGENT_FIGURE_OCCUPANCY, "occupancy", "Occupancy", DW_FIGURE_UNIT_SHARE,
    DW_FIGURE_BETTER_NEITHER, "occupancy", NULL, NULL },
  { DW_AGENT_FIGURE_UTILIZATION, "utilization", "Utilization", DW_FIGURE_UNIT_SHARE,
    DW_FIGURE_BETTER_NEITHER, "utilization", NULL, NULL },
  { DW_AGENT_FIGURE_ADHERENCE, "adherence", "Schedule adherence", DW_FIGURE_UNIT_SHARE,
    DW_FIGURE_BETTER_HIGHER, "adherence", NULL, NULL },
};

/* Where each figure is in an agent's JSON. */
static const char * const figure_paths[DW_AGENT_N_FIGURES] = {
  "assigned", "solved", "reopen_rate", "first_response.median_business_seconds",
  "resolution.median_business_seconds", "replies_per_solved", "one_touch_share",
  NULL /* summed from sla.* */, "csat.average", "online_seconds", "occupancy", "utilization",
  "adherence",
};

static const char * const sla_targets[] = { "first-response", "next-response", "resolution" };

const DwAgentFigureInfo *
dw_agent_figure_info (DwAgentFigure figure)
{
  g_return_val_if_fail (figure < DW_AGENT_N_FIGURES, NULL);
  return &figure_infos[figure];
}

double
dw_agent_figure_tolerance (DwAgentFigure figure,
                           double        median)
{
  double floor_value;

  g_return_val_if_fail (figure < DW_AGENT_N_FIGURES, 0);

  switch (figure_infos[figure].unit)
    {
    case DW_FIGURE_UNIT_COUNT:
      floor_value = 0.5;
      break;
    case DW_FIGURE_UNIT_SHARE:
      floor_value = 0.005;
      break;
    case DW_FIGURE_UNIT_SECONDS:
      floor_value = 1;
      break;
    case DW_FIGURE_UNIT_RATIO:
    case DW_FIGURE_UNIT_RATING:
    default:
      floor_value = 0.01;
      break;
    }
  return MAX (0.05 * fabs (median), floor_value);
}

DwFigureComparison
dw_agent_figure_compare (DwAgentFigure figure,
                         double        value,
                         double        median)
{
  gboolean higher;

  g_return_val_if_fail (figure < DW_AGENT_N_FIGURES, DW_FIGURE_COMPARISON_NONE);

  if (isnan (value) || isnan (median))
    return DW_FIGURE_COMPARISON_NONE;
  /* A hair over the bound still reads the same: the values come rounded from JSON. */
  if (fabs (value - median) <= dw_agent_figure_tolerance (figure, median) + 1e-9)
    return DW_FIGURE_COMPARISON_SAME;

  higher = value > median;
  switch (figure_infos[figure].better)
    {
    case DW_FIGURE_BETTER_HIGHER:
      return higher ? DW_FIGURE_COMPARISON_BETTER : DW_FIGURE_COMPARISON_WORSE;
    case DW_FIGURE_BETTER_LOWER:
      return higher ? DW_FIGURE_COMPARISON_WORSE : DW_FIGURE_COMPARISON_BETTER;
    case DW_FIGURE_BETTER_NEITHER:
    default:
      return higher ? DW_FIGURE_COMPARISON_ABOVE : DW_FIGURE_COMPARISON_BELOW;
    }
}

char *
dw_agent_figure_format_plain (DwAgentFigure figure,
                              double        value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (figure < DW_AGENT_N_FIGURES, NULL);

  if (isnan (value))
    return g_strdup ("");
  switch (figure_infos[figure].unit)
    {
    case DW_FIGURE_UNIT_COUNT:
    case DW_FIGURE_UNIT_SECONDS:
      return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) llround (value));
    case DW_FIGURE_UNIT_SHARE:
      return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.1f", value * 100));
    case DW_FIGURE_UNIT_RATIO:
    case DW_FIGURE_UNIT_RATING:
    default:
      return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.2f", value));
    }
}

/* One agent */

struct _DwAgentMetrics
{
  GObject  parent_instance;

  gint64   user_id;
  char    *display_name;
  double   values[DW_AGENT_N_FIGURES];
  double   first_response_calendar;
  double   resolution_calendar;
  gint64   csat_responses;
  gint64   sla_met;
  gint64   sla_breached;
  gint64   reopened;
  gint64   first_responses;
  GStrv    dates;
  GArray  *daily[DW_AGENT_N_FIGURES];  /* of double; NULL for a figure without a series */
};

G_DEFINE_FINAL_TYPE (DwAgentMetrics, dw_agent_metrics, G_TYPE_OBJECT)

static void
dw_agent_metrics_finalize (GObject *object)
{
  DwAgentMetrics *self = DW_AGENT_METRICS (object);

  g_free (self->display_name);
  g_strfreev (self->dates);
  for (guint f = 0; f < DW_AGENT_N_FIGURES; f++)
    g_clear_pointer (&self->daily[f], g_array_unref);

  G_OBJECT_CLASS (dw_agent_metrics_parent_class)->finalize (object);
}

static void
dw_agent_metrics_class_init (DwAgentMetricsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dw_agent_metrics_finalize;
}

static void
dw_agent_metrics_init (DwAgentMetrics *self)
{
  for (guint f = 0; f < DW_AGENT_N_FIGURES; f++)
    self->values[f] = NAN;
  self->first_response_calendar = NAN;
  self->resolution_calendar = NAN;
}

/* "csat." before an error about "average": the members above the one that failed. */
static void
prefix_parents (GError **error,
                GStrv    parts,
                guint    depth)
{
  for (guint i = depth; i > 0; i--)
    dw_json_prefix_error (error, "%s.", parts[i - 1]);
}

/* The number at a dotted @path ("csat.average"); NAN when absent or null, FALSE when it is not
 * a number (or a step of the path not an object). */
static gboolean
read_path (JsonObject  *object,
           const char  *path,
           double      *out,
           GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  guint n = g_strv_length (parts);
  double value = NAN;

  *out = NAN;
  for (guint i = 0; i + 1 < n; i++)
    {
      JsonObject *inner = NULL;

      if (!dw_json_get_object (object, parts[i], DW_JSON_NULLABLE, &inner, error))
        {
          prefix_parents (error, parts, i);
          return FALSE;
        }
      if (inner == NULL)
        return TRUE;
      object = inner;
    }
  if (!json_object_has_member (object, parts[n - 1]))
    return TRUE;
  if (JSON_NODE_HOLDS_NULL (json_object_get_member (object, parts[n - 1])))
    return TRUE;
  if (!dw_json_get_double (object, parts[n - 1], DW_JSON_OPTIONAL, &value, error))
    {
      prefix_parents (error, parts, n - 1);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

static gboolean
read_count (JsonObject  *object,
            const char  *member,
            gint64      *out,
            GError     **error)
{
  return dw_json_get_int64 (object, member, DW_JSON_OPTIONAL, out, error);
}

/* Adherence as the schedule work sends it: a share, or an object with one. */
static gboolean
read_adherence (JsonObject  *object,
                double      *out,
                GError     **error)
{
  JsonNode *node = json_object_get_member (object, "adherence");

  *out = NAN;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (JSON_NODE_HOLDS_OBJECT (node))
    return read_path (object, "adherence.share", out, error);
  return read_path (object, "adherence", out, error);
}

static gboolean
read_daily (DwAgentMetrics  *self,
            JsonArray       *days,
            GError         **error)
{
  guint n = json_array_get_length (days);

  self->dates = g_new0 (char *, n + 1);
  for (guint f = 0; f < DW_AGENT_N_FIGURES; f++)
    if (figure_infos[f].daily_key != NULL)
      self->daily[f] = g_array_sized_new (FALSE, FALSE, sizeof (double), n);

  for (guint d = 0; d < n; d++)
    {
      JsonNode *node = json_array_get_element (days, d);
      JsonObject *point;
      char *date = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_TYPE, "daily[%u]: expected an object, "
                       "got %s", d, dw_json_node_describe (node));
          return FALSE;
        }
      point = json_node_get_object (node);
      if (!dw_json_get_string (point, "date", DW_JSON_REQUIRED, &date, error))
        {
          dw_json_prefix_error (error, "daily[%u].", d);
          return FALSE;
        }
      self->dates[d] = date;
      for (guint f = 0; f < DW_AGENT_N_FIGURES; f++)
        {
          double value;

          if (self->daily[f] == NULL)
            continue;
          if (!read_path (point, figure_infos[f].daily_key, &value, error))
            {
              dw_json_prefix_error (error, "daily[%u].", d);
              return FALSE;
            }
          g_array_append_val (self->daily[f], value);
        }
    }
  return TRUE;
}

static DwAgentMetrics *
agent_from_json (JsonObject  *object,
                 GError     **error)
{
  g_autoptr(DwAgentMetrics) self = g_object_new (DW_TYPE_AGENT_METRICS, NULL);
  JsonObject *sla = NULL;
  JsonArray *days = NULL;
  gint64 met = 0, breached = 0;

  if (!dw_json_get_int64 (object, "user_id", DW_JSON_REQUIRED | DW_JSON_POSITIVE, &self->user_id,
                          error)
      || !dw_json_get_string (object, "display_name", DW_JSON_NULLABLE, &self->display_name,
                              error)
      || !read_count (object, "reopened", &self->reopened, error)
      || !read_path (object, "first_response.median_seconds", &self->first_response_calendar,
                     error)
      || !read_path (object, "resolution.median_seconds", &self->resolution_calendar, error)
      || !dw_json_get_object (object, "sla", DW_JSON_NULLABLE, &sla, error)
      || !dw_json_get_array (object, "daily", DW_JSON_NULLABLE, &days, error))
    return NULL;
  if (json_object_has_member (object, "first_response"))
    {
      JsonObject *first = NULL;

      if (!dw_json_get_object (object, "first_response", DW_JSON_NULLABLE, &first, error))
        return NULL;
      if (first != NULL && !read_count (first, "count", &self->first_responses, error))
        {
          dw_json_prefix_error (error, "first_response.");
          return NULL;
        }
    }
  if (json_object_has_member (object, "csat"))
    {
      JsonObject *csat = NULL;

      if (!dw_json_get_object (object, "csat", DW_JSON_NULLABLE, &csat, error))
        return NULL;
      if (csat != NULL && !read_count (csat, "responses", &self->csat_responses, error))
        {
          dw_json_prefix_error (error, "csat.");
          return NULL;
        }
    }

  for (guint f = 0; f < DW_AGENT_N_FIGURES; f++)
    {
      if (f == DW_AGENT_FIGURE_ADHERENCE)
        {
          if (!read_adherence (object, &self->values[f], error))
            return NULL;
        }
      else if (figure_paths[f] != NULL && !read_path (object, figure_paths[f], &self->values[f],
                                                      error))
        return NULL;
    }

  /* Over every target kind, rounded to the thousandth as the service rounds its shares. */
  for (guint t = 0; sla != NULL && t < G_N_ELEMENTS (sla_targets); t++)
    {
      JsonObject *target = NULL;
      gint64 m = 0, b = 0;

      if (!dw_json_get_object (sla, sla_targets[t], DW_JSON_NULLABLE, &target, error))
        return NULL;
      if (target == NULL)
        continue;
      if (!read_count (target, "met", &m, error) || !read_count (target, "breached", &b, error))
        {
          dw_json_prefix_error (error, "sla.%s.", sla_targets[t]);
          return NULL;
        }
      met += m;
      breached += b;
    }
  self->sla_met = met;
  self->sla_breached = breached;
  if (met + breached > 0)
    self->values[DW_AGENT_FIGURE_SLA_SHARE] = round (1000.0 * met / (met + breached)) / 1000;

  if (days != NULL && !read_daily (self, days, error))
    return NULL;
  return g_steal_pointer (&self);
}

gint64
dw_agent_metrics_get_user_id (DwAgentMetrics *self)
{
  g_return_val_if_fail (DW_IS_AGENT_METRICS (self), 0);
  return self->user_id;
}

const char *
dw_agent_metrics_get_display_name (DwAgentMetrics *self)
{
  g_return_val_if_fail (DW_IS_AGENT_METRICS (self), NULL);
  return self->display_name != NULL ? self->display_name : "";
}

double
dw_agent_metrics_get_value (DwAgentMetrics *self,
                            DwAgentFigure   figure)
{
  g_return_val_if_fail (DW_IS_AGENT_METRICS (self), NAN);
  g_return_val_if_fail (figure < DW_AGENT_N_FIGURES, NAN);
  return self->values[figure];
}

double
dw_agent_metrics_get_calendar_median (DwAgentMetrics *self,
                                      DwAgentFigure   figure)
{
  g_return_val_if_fail (DW_IS_AGENT_METRICS (self), NAN);

  if (figure == DW_AGENT_FIGURE_FIRST_RESPONSE)
    return self->first_response_calendar;
  if (figure == DW_AGENT_FIGURE_RESOLUTION)
    return self->resolution_calendar;
  return NAN;
}

gint64
dw_agent_metrics_get_csat_responses (DwAgentMetrics *self)
{
  g_return_val_if_fail (DW_IS_AGENT_METRICS (self), 0);
  return self->csat_responses;
}

gint64
dw_agent_metrics_get_sla_met (DwAgentMetrics *self)
{
  g_return_val_if_fail (DW_IS_AGENT_METRICS (self), 0);
  return self->sla_met;
}

gint64
dw_agent_metrics_get_sla_breached (DwAgentMetrics *self)
{
  g_return_val_if_fail (DW_IS_AGENT_METRICS (self), 0);
  return self->sla_breached;
}

gint64
dw_agent_metrics_get_reopened (DwAgentMetrics *self)
{
  g_return_val_if_fail (DW_IS_AGENT_METRICS (self), 0);
  return self->reopened;
}

gint64
dw_agent_metrics_get_drill_count (DwAgentMetrics *self,
                                  const char     *drill)
{
  g_return_val_if_fail (DW_IS_AGENT_METRICS (self), -1);
  g_return_val_if_fail (drill != NULL, -1);

  if (g_str_equal (drill, "assigned"))
    return isnan (self->values[DW_AGENT_FIGURE_ASSIGNED]) ? 0
           : (gint64) self->values[DW_AGENT_FIGURE_ASSIGNED];
  if (g_str_equal (drill, "solved"))
    return isnan (self->values[DW_AGENT_FIGURE_SOLVED]) ? 0
           : (gint64) self->values[DW_AGENT_FIGURE_SOLVED];
  if (g_str_equal (drill, "first-response"))
    return self->first_responses;
  if (g_str_equal (drill, "reopened"))
    return self->reopened;
  if (g_str_equal (drill, "sla-met"))
    return self->sla_met;
  if (g_str_equal (drill, "sla-breached"))
    return self->sla_breached;
  return -1;
}

guint
dw_agent_metrics_get_n_days (DwAgentMetrics *self)
{
  g_return_val_if_fail (DW_IS_AGENT_METRICS (self), 0);
  return self->dates != NULL ? g_strv_length (self->dates) : 0;
}

const char *
dw_agent_metrics_get_date (DwAgentMetrics *self,
                           guint           day)
{
  g_return_val_if_fail (DW_IS_AGENT_METRICS (self), NULL);
  g_return_val_if_fail (day < dw_agent_metrics_get_n_days (self), NULL);
  return self->dates[day];
}

double
dw_agent_metrics_get_daily (DwAgentMetrics *self,
                            DwAgentFigure   figure,
                            guint           day)
{
  g_return_val_if_fail (DW_IS_AGENT_METRICS (self), NAN);
  g_return_val_if_fail (figure < DW_AGENT_N_FIGURES, NAN);

  if (self->daily[figure] == NULL || day >= self->daily[figure]->len)
    return NAN;
  return g_array_index (self->daily[figure], double, day);
}

/* The team */

struct _DwAgentFigures
{
  GObject     parent_instance;

  gint64      team_id;
  char       *timezone;
  gint64      from;
  gint64      to;
  GListStore *agents;
  gboolean    has_median;
  double      medians[DW_AGENT_N_FIGURES];
};

G_DEFINE_FINAL_TYPE (DwAgentFigures, dw_agent_figures, G_TYPE_OBJECT)

static void
dw_agent_figures_finalize (GObject *object)
{
  DwAgentFigures *self = DW_AGENT_FIGURES (object);

  g_free (self->timezone);
  g_clear_object (&self->agents);

  G_OBJECT_CLASS (dw_agent_figures_parent_class)->finalize (object);
}

static void
dw_agent_figures_class_init (DwAgentFiguresClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dw_agent_figures_finalize;
}

static void
dw_agent_figures_init (DwAgentFigures *self)
{
  self->agents = g_list_store_new (DW_TYPE_AGENT_METRICS);
  for (guint f = 0; f < DW_AGENT_N_FIGURES; f++)
    self->medians[f] = NAN;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* As the service has it: online, or took or solved a ticket in the period. */
static gboolean
agent_worked (DwAgentMetrics *agent)
{
  return agent->values[DW_AGENT_FIGURE_ONLINE] > 0
         || agent->values[DW_AGENT_FIGURE_ASSIGNED] > 0
         || agent->values[DW_AGENT_FIGURE_SOLVED] > 0;
}

/* By nearest rank over the agents that worked in the period and have the figure, as the
 * service takes its medians. */
static double
median_of_agents (DwAgentFigures *self,
                  DwAgentFigure   figure)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->agents));
  gsize rank;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DwAgentMetrics) agent = g_list_model_get_item (G_LIST_MODEL (self->agents), i);
      double value = agent->values[figure];

      if (!isnan (value) && agent_worked (agent))
        g_array_append_val (values, value);
    }
  if (values->len == 0)
    return NAN;
  g_array_sort (values, compare_doubles);
  rank = (gsize) ceil (0.5 * values->len);
  return g_array_index (values, double, MAX (rank, 1) - 1);
}

DwAgentFigures *
dw_agent_figures_new_from_json (JsonObject  *object,
                                GError     **error)
{
  g_autoptr(DwAgentFigures) self = g_object_new (DW_TYPE_AGENT_FIGURES, NULL);
  JsonArray *agents = NULL;
  JsonObject *medians = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  if (!dw_json_get_int64 (object, "team_id", DW_JSON_REQUIRED | DW_JSON_POSITIVE, &self->team_id,
                          error)
      || !dw_json_get_string (object, "timezone", DW_JSON_NULLABLE, &self->timezone, error)
      || !dw_json_get_time (object, "from", DW_JSON_NULLABLE, &self->from, error)
      || !dw_json_get_time (object, "to", DW_JSON_NULLABLE, &self->to, error)
      || !dw_json_get_array (object, "agents", DW_JSON_REQUIRED, &agents, error)
      || !dw_json_get_object (object, "team_median", DW_JSON_NULLABLE, &medians, error))
    return NULL;

  for (guint i = 0; i < json_array_get_length (agents); i++)
    {
      JsonNode *node = json_array_get_element (agents, i);
      g_autoptr(DwAgentMetrics) agent = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_TYPE,
                       "agents[%u]: expected an object, got %s", i, dw_json_node_describe (node));
          return NULL;
        }
      agent = agent_from_json (json_node_get_object (node), error);
      if (agent == NULL)
        {
          dw_json_prefix_error (error, "agents[%u].", i);
          return NULL;
        }
      g_list_store_append (self->agents, agent);
    }

  self->has_median = medians != NULL;
  for (guint f = 0; medians != NULL && f < DW_AGENT_N_FIGURES; f++)
    {
      const char *key = figure_infos[f].median_key;

      /* Keys are dotted paths as whole member names ("csat.average"), not nested objects. */
      if (key != NULL && f == DW_AGENT_FIGURE_ADHERENCE && !json_object_has_member (medians, key))
        key = "adherence.share";
      if (key != NULL && json_object_has_member (medians, key))
        {
          JsonNode *node = json_object_get_member (medians, key);

          if (!JSON_NODE_HOLDS_NULL (node)
              && !dw_json_get_double (medians, key, DW_JSON_OPTIONAL, &self->medians[f], error))
            {
              dw_json_prefix_error (error, "team_median.");
              return NULL;
            }
        }
      else
        /* Not sent (the SLA share over every kind; adherence before its median is added):
         * taken here the way the service takes the others. */
        self->medians[f] = median_of_agents (self, f);
    }
  return g_steal_pointer (&self);
}

gint64
dw_agent_figures_get_team_id (DwAgentFigures *self)
{
  g_return_val_if_fail (DW_IS_AGENT_FIGURES (self), 0);
  return self->team_id;
}

const char *
dw_agent_figures_get_timezone (DwAgentFigures *self)
{
  g_return_val_if_fail (DW_IS_AGENT_FIGURES (self), NULL);
  return self->timezone;
}

gint64
dw_agent_figures_get_from (DwAgentFigures *self)
{
  g_return_val_if_fail (DW_IS_AGENT_FIGURES (self), 0);
  return self->from;
}

gint64
dw_agent_figures_get_to (DwAgentFigures *self)
{
  g_return_val_if_fail (DW_IS_AGENT_FIGURES (self), 0);
  return self->to;
}

GListModel *
dw_agent_figures_get_agents (DwAgentFigures *self)
{
  g_return_val_if_fail (DW_IS_AGENT_FIGURES (self), NULL);
  return G_LIST_MODEL (self->agents);
}

DwAgentMetrics *
dw_agent_figures_lookup (DwAgentFigures *self,
                         gint64          user_id)
{
  guint n;

  g_return_val_if_fail (DW_IS_AGENT_FIGURES (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->agents));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DwAgentMetrics) agent = g_list_model_get_item (G_LIST_MODEL (self->agents), i);

      if (agent->user_id == user_id)
        return agent;  /* the store keeps it */
    }
  return NULL;
}

gboolean
dw_agent_figures_has_median (DwAgentFigures *self)
{
  g_return_val_if_fail (DW_IS_AGENT_FIGURES (self), FALSE);
  return self->has_median;
}

double
dw_agent_figures_get_median (DwAgentFigures *self,
                             DwAgentFigure   figure)
{
  g_return_val_if_fail (DW_IS_AGENT_FIGURES (self), NAN);
  g_return_val_if_fail (figure < DW_AGENT_N_FIGURES, NAN);
  return self->medians[figure];
}

gboolean
dw_agent_figures_has_figure (DwAgentFigures *self,
                             DwAgentFigure   figure)
{
  guint n;

  g_return_val_if_fail (DW_IS_AGENT_FIGURES (self), FALSE);
  g_return_val_if_fail (figure < DW_AGENT_N_FIGURES, FALSE);

  if (figure != DW_AGENT_FIGURE_ADHERENCE)
    return TRUE;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->agents));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DwAgentMetrics) agent = g_list_model_get_item (G_LIST_MODEL (self->agents), i);

      if (!isnan (agent->values[figure]))
        return TRUE;
    }
  return FALSE;
}

DwFigureComparison
dw_agent_figures_compare (DwAgentFigures *self,
                          DwAgentMetrics *agent,
                          DwAgentFigure   figure)
{
  g_return_val_if_fail (DW_IS_AGENT_FIGURES (self), DW_FIGURE_COMPARISON_NONE);
  g_return_val_if_fail (DW_IS_AGENT_METRICS (agent), DW_FIGURE_COMPARISON_NONE);
  g_return_val_if_fail (figure < DW_AGENT_N_FIGURES, DW_FIGURE_COMPARISON_NONE);

  /* An agent off for the whole period is not better or worse than anyone at anything. */
  if (!agent_worked (agent))
    return DW_FIGURE_COMPARISON_NONE;
  return dw_agent_figure_compare (figure, agent->values[figure], self->medians[figure]);
}

gboolean
dw_agent_metrics_worked (DwAgentMetrics *agent)
{
  g_return_val_if_fail (DW_IS_AGENT_METRICS (agent), FALSE);
  return agent_worked (agent);
}

GStrv
dw_agent_figures_csv_columns (DwAgentFigures *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (DW_IS_AGENT_FIGURES (self), NULL);

  g_strv_builder_add (builder, "agent");
  for (guint f = 0; f < DW_AGENT_N_FIGURES; f++)
    {
      if (!dw_agent_figures_has_figure (self, f))
        continue;
      g_strv_builder_add (builder, figure_infos[f].id);
      if (f == DW_AGENT_FIGURE_CSAT)
        g_strv_builder_add (builder, "csat-responses");
    }
  return g_strv_builder_end (builder);
}

static void
append_field (GString    *line,
              const char *field,
              gboolean    first)
{
  if (!first)
    g_string_append_c (line, ',');
  if (strpbrk (field, ",\"\r\n") == NULL)
    {
      g_string_append (line, field);
      return;
    }
  g_string_append_c (line, '"');
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

static void
append_row (DwAgentFigures *self,
            GString        *csv,
            const char     *name,
            const double   *values,
            gint64          csat_responses)
{
  append_field (csv, name, TRUE);
  for (guint f = 0; f < DW_AGENT_N_FIGURES; f++)
    {
      g_autofree char *text = NULL;

      if (!dw_agent_figures_has_figure (self, f))
        continue;
      text = dw_agent_figure_format_plain (f, values[f]);
      append_field (csv, text, FALSE);
      if (f == DW_AGENT_FIGURE_CSAT)
        {
          g_autofree char *responses = csat_responses >= 0
            ? g_strdup_printf ("%" G_GINT64_FORMAT, csat_responses) : g_strdup ("");

          append_field (csv, responses, FALSE);
        }
    }
  g_string_append (csv, "\r\n");
}

char *
dw_agent_figures_to_csv (DwAgentFigures     *self,
                         const char * const *headers,
                         const char         *median_label)
{
  g_auto(GStrv) columns = NULL;
  GString *csv;
  guint n;

  g_return_val_if_fail (DW_IS_AGENT_FIGURES (self), NULL);

  columns = dw_agent_figures_csv_columns (self);
  g_return_val_if_fail (headers == NULL
                        || g_strv_length ((char **) headers) == g_strv_length (columns), NULL);

  csv = g_string_new (NULL);
  for (guint c = 0; columns[c] != NULL; c++)
    append_field (csv, headers != NULL ? headers[c] : columns[c], c == 0);
  g_string_append (csv, "\r\n");

  n = g_list_model_get_n_items (G_LIST_MODEL (self->agents));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DwAgentMetrics) agent = g_list_model_get_item (G_LIST_MODEL (self->agents), i);

      append_row (self, csv, dw_agent_metrics_get_display_name (agent), agent->values,
                  agent->csat_responses);
    }
  if (self->has_median)
    /* The medians' own line; the CSAT responses have no median. */
    append_row (self, csv, median_label != NULL ? median_label : "Team median", self->medians,
                -1);

  return g_string_free (csv, FALSE);
}
