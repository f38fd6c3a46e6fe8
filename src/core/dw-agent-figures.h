/* dw-agent-figures.h: one team's figures per agent over a period, as GET
 * /api/v1/agents/metrics answers them (docs/api.md "Agents: figures per agent"), for the
 * console's Performance view and its CSV export.
 *
 * A DwAgentFigures holds the period, the team's medians and a GListModel of DwAgentMetrics, one
 * per agent in the service's order, each with its figures and (with &series=daily) its daily
 * series.  The figures shown are listed once, in DwAgentFigure order, with what each measures,
 * its unit and which way is better, so the table, the comparison with the team median, the
 * sorters and the CSV all read the same list.
 *
 * Against the team median a value is "the same" when it is within the figure's tolerance of
 * it (dw_agent_figure_tolerance): 5 % of the median, and never less than what the console
 * rounds a value to when it shows it (one second, half a percentage point, a hundredth of a
 * rating or a ratio, half a ticket), so two values that read the same are never called
 * better or worse, and a figure one ticket or a few seconds off the median is not flagged.
 * A figure for which neither way is better (assigned, online time, occupancy, utilization) is
 * "above" or "below" the median, never better or worse.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  DW_AGENT_FIGURE_ASSIGNED,
  DW_AGENT_FIGURE_SOLVED,
  DW_AGENT_FIGURE_REOPEN_RATE,
  DW_AGENT_FIGURE_FIRST_RESPONSE,      /* median, business time */
  DW_AGENT_FIGURE_RESOLUTION,          /* median, business time */
  DW_AGENT_FIGURE_REPLIES_PER_SOLVED,
  DW_AGENT_FIGURE_ONE_TOUCH_SHARE,
  DW_AGENT_FIGURE_SLA_SHARE,           /* every target kind together */
  DW_AGENT_FIGURE_CSAT,                /* average rating */
  DW_AGENT_FIGURE_ONLINE,
  DW_AGENT_FIGURE_OCCUPANCY,
  DW_AGENT_FIGURE_UTILIZATION,
  DW_AGENT_FIGURE_ADHERENCE,           /* only when the service sends it */
  DW_AGENT_N_FIGURES
} DwAgentFigure;

typedef enum
{
  DW_FIGURE_UNIT_COUNT,    /* tickets */
  DW_FIGURE_UNIT_SHARE,    /* 0…1, shown as a percentage */
  DW_FIGURE_UNIT_SECONDS,
  DW_FIGURE_UNIT_RATIO,    /* replies per solved ticket */
  DW_FIGURE_UNIT_RATING,   /* 1…5 */
} DwFigureUnit;

typedef enum
{
  DW_FIGURE_BETTER_NEITHER,
  DW_FIGURE_BETTER_HIGHER,
  DW_FIGURE_BETTER_LOWER,
} DwFigureDirection;

typedef enum
{
  DW_FIGURE_COMPARISON_NONE,   /* no value, or no team median to compare with */
  DW_FIGURE_COMPARISON_SAME,
  DW_FIGURE_COMPARISON_BETTER,
  DW_FIGURE_COMPARISON_WORSE,
  DW_FIGURE_COMPARISON_ABOVE,  /* neither way is better */
  DW_FIGURE_COMPARISON_BELOW,
} DwFigureComparison;

typedef struct
{
  DwAgentFigure      figure;
  const char        *id;          /* stable: "first-response" (CSV, tests, action targets) */
  const char        *title;       /* English; the console shows its own translated words */
  DwFigureUnit       unit;
  DwFigureDirection  better;
  const char        *median_key;  /* in team_median; NULL: the median is computed here */
  const char        *daily_key;   /* in a daily point; NULL: no series */
  const char        *drill;       /* figure= of GET /agents/{id}/tickets; NULL: none */
} DwAgentFigureInfo;

const DwAgentFigureInfo *dw_agent_figure_info      (DwAgentFigure  figure);
/* How far from @median a value may be and still be "the same" (see above). */
double                   dw_agent_figure_tolerance (DwAgentFigure  figure,
                                                    double         median);
/* Compares @value with @median (either NAN: NONE). */
DwFigureComparison       dw_agent_figure_compare   (DwAgentFigure  figure,
                                                    double         value,
                                                    double         median);
/* The value as the CSV writes it ("" for NAN): counts and seconds whole, shares as a
 * percentage with one decimal, ratios and ratings with two; '.' as the decimal point. */
char                    *dw_agent_figure_format_plain (DwAgentFigure figure,
                                                       double        value);

#define DW_TYPE_AGENT_METRICS (dw_agent_metrics_get_type ())
G_DECLARE_FINAL_TYPE (DwAgentMetrics, dw_agent_metrics, DW, AGENT_METRICS, GObject)

gint64       dw_agent_metrics_get_user_id       (DwAgentMetrics *self);
const char  *dw_agent_metrics_get_display_name  (DwAgentMetrics *self);
/* Online, or took or solved a ticket in the period: an agent who did not is left out of the
 * team's medians and compared with nobody. */
gboolean     dw_agent_metrics_worked            (DwAgentMetrics *self);
/* The figure's value, NAN when the service has none (null, or not sent). */
double       dw_agent_metrics_get_value         (DwAgentMetrics *self,
                                                 DwAgentFigure   figure);
/* The calendar-time median of first response or resolution (NAN when none). */
double       dw_agent_metrics_get_calendar_median (DwAgentMetrics *self,
                                                   DwAgentFigure   figure);
/* CSAT answers the average is made of. */
gint64       dw_agent_metrics_get_csat_responses (DwAgentMetrics *self);
/* The counts behind SLA share, summed over target kinds. */
gint64       dw_agent_metrics_get_sla_met        (DwAgentMetrics *self);
gint64       dw_agent_metrics_get_sla_breached   (DwAgentMetrics *self);
gint64       dw_agent_metrics_get_reopened       (DwAgentMetrics *self);
/* The count behind @drill, a figure= of GET /agents/{id}/tickets ("assigned",
 * "first-response", "solved", "reopened", "sla-met", "sla-breached"); -1 for another. */
gint64       dw_agent_metrics_get_drill_count    (DwAgentMetrics *self,
                                                  const char     *drill);
/* The daily series: n points, dates "YYYY-MM-DD" and values (NAN where null). */
guint        dw_agent_metrics_get_n_days         (DwAgentMetrics *self);
const char  *dw_agent_metrics_get_date           (DwAgentMetrics *self,
                                                  guint           day);
/* The daily value of @figure (which must have a daily_key), or NAN. */
double       dw_agent_metrics_get_daily          (DwAgentMetrics *self,
                                                  DwAgentFigure   figure,
                                                  guint           day);

#define DW_TYPE_AGENT_FIGURES (dw_agent_figures_get_type ())
G_DECLARE_FINAL_TYPE (DwAgentFigures, dw_agent_figures, DW, AGENT_FIGURES, GObject)

/* Reads GET /agents/metrics's answer; fails (DW_JSON_ERROR) on a shape it cannot read. */
DwAgentFigures *dw_agent_figures_new_from_json (JsonObject      *object,
                                                GError         **error);
gint64          dw_agent_figures_get_team_id   (DwAgentFigures  *self);
const char     *dw_agent_figures_get_timezone  (DwAgentFigures  *self);
gint64          dw_agent_figures_get_from      (DwAgentFigures  *self);
gint64          dw_agent_figures_get_to        (DwAgentFigures  *self);
/* Of DwAgentMetrics (transfer none). */
GListModel     *dw_agent_figures_get_agents    (DwAgentFigures  *self);
DwAgentMetrics *dw_agent_figures_lookup        (DwAgentFigures  *self,
                                                gint64           user_id);
/* Whether the answer had team medians (a lead's or an admin's; an agent's has not). */
gboolean        dw_agent_figures_has_median    (DwAgentFigures  *self);
/* The team's median of @figure, NAN when none.  Taken from team_median; the SLA share over
 * every target kind, which the service does not send, is the median of the agents' shares by
 * nearest rank, as the service takes its medians. */
double          dw_agent_figures_get_median    (DwAgentFigures  *self,
                                                DwAgentFigure    figure);
/* Whether any agent has the figure (adherence only once the service sends it). */
gboolean        dw_agent_figures_has_figure    (DwAgentFigures  *self,
                                                DwAgentFigure    figure);
DwFigureComparison dw_agent_figures_compare    (DwAgentFigures  *self,
                                                DwAgentMetrics  *agent,
                                                DwAgentFigure    figure);
/* The table as CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line break
 * quoted, quotes doubled; UTF-8 without a byte-order mark).  A header line, one line per
 * agent, and a last line of the team medians when there are any.  Columns: the agent, then
 * each figure present (dw_agent_figures_has_figure) in DwAgentFigure order, formatted by
 * dw_agent_figure_format_plain, with the CSAT responses after the CSAT average.  @headers: one
 * title per column in that order (the agent's first), e.g. translated; NULL for English;
 * @median_label: the first field of the medians' line (NULL: "Team median"). */
char           *dw_agent_figures_to_csv        (DwAgentFigures     *self,
                                                const char * const *headers,
                                                const char         *median_label);
/* The columns dw_agent_figures_to_csv writes, as figure ids ("agent", "assigned", …,
 * "csat", "csat-responses", …): for a caller building @headers.  Free with g_strfreev. */
GStrv           dw_agent_figures_csv_columns   (DwAgentFigures     *self);

G_END_DECLS
