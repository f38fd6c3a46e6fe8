/* dw-agent-format.c */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "dw-agent-format.h"

const char *
dw_agent_figure_title (DwAgentFigure figure)
{
  switch (figure)
    {
    case DW_AGENT_FIGURE_ASSIGNED: return _("Assigned");
    case DW_AGENT_FIGURE_SOLVED: return _("Solved");
    case DW_AGENT_FIGURE_REOPEN_RATE: return _("Reopen Rate");
    case DW_AGENT_FIGURE_FIRST_RESPONSE: return _("First Response");
    case DW_AGENT_FIGURE_RESOLUTION: return _("Resolution Time");
    case DW_AGENT_FIGURE_REPLIES_PER_SOLVED: return _("Replies/Solved");
    case DW_AGENT_FIGURE_ONE_TOUCH_SHARE: return _("One-Touch");
    case DW_AGENT_FIGURE_SLA_SHARE: return _("SLA Met");
    case DW_AGENT_FIGURE_CSAT: return _("CSAT");
    case DW_AGENT_FIGURE_ONLINE: return _("Online");
    case DW_AGENT_FIGURE_OCCUPANCY: return _("Occupancy");
    case DW_AGENT_FIGURE_UTILIZATION: return _("Utilization");
    case DW_AGENT_FIGURE_ADHERENCE: return _("Adherence");
    case DW_AGENT_N_FIGURES:
    default: return "";
    }
}

const char *
dw_agent_figure_description (DwAgentFigure figure)
{
  switch (figure)
    {
    case DW_AGENT_FIGURE_ASSIGNED: return _("Tickets that became the agent’s");
    case DW_AGENT_FIGURE_SOLVED: return _("Tickets the agent solved");
    case DW_AGENT_FIGURE_REOPEN_RATE: return _("Share of solved tickets reopened");
    case DW_AGENT_FIGURE_FIRST_RESPONSE: return _("Median time to the first reply, in the team calendar’s open hours");
    case DW_AGENT_FIGURE_RESOLUTION: return _("Median time from a ticket’s creation to its solve, in open hours");
    case DW_AGENT_FIGURE_REPLIES_PER_SOLVED: return _("Public replies per solved ticket");
    case DW_AGENT_FIGURE_ONE_TOUCH_SHARE: return _("Share of solves with a single reply");
    case DW_AGENT_FIGURE_SLA_SHARE: return _("Share of SLA targets met while the ticket was the agent’s");
    case DW_AGENT_FIGURE_CSAT: return _("Average customer rating, 1 to 5");
    case DW_AGENT_FIGURE_ONLINE: return _("Time online");
    case DW_AGENT_FIGURE_OCCUPANCY: return _("Share of online time with at least one active ticket");
    case DW_AGENT_FIGURE_UTILIZATION: return _("Load carried while online against capacity");
    case DW_AGENT_FIGURE_ADHERENCE: return _("Share of scheduled time spent as scheduled");
    case DW_AGENT_N_FIGURES:
    default: return "";
    }
}

const char *
dw_agent_csv_header (const char *column)
{
  static const struct { const char *id; const char *header; } headers[] = {
    { "agent", N_("Agent") },
    { "assigned", N_("Assigned") },
    { "solved", N_("Solved") },
    { "reopen-rate", N_("Reopen rate (%)") },
    { "first-response", N_("First response, median, business time (s)") },
    { "resolution", N_("Resolution, median, business time (s)") },
    { "replies-per-solved", N_("Replies per solved ticket") },
    { "one-touch", N_("One-touch resolutions (%)") },
    { "sla", N_("SLA targets met (%)") },
    { "csat", N_("CSAT average") },
    { "csat-responses", N_("CSAT responses") },
    { "online", N_("Online time (s)") },
    { "occupancy", N_("Occupancy (%)") },
    { "utilization", N_("Utilization (%)") },
    { "adherence", N_("Adherence (%)") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    if (g_strcmp0 (headers[i].id, column) == 0)
      return _(headers[i].header);
  return column;
}

static char *
format_seconds (gint64 seconds)
{
  gint64 minutes = seconds / 60;
  gint64 hours = minutes / 60;

  if (seconds < 60)
    return g_strdup_printf (_("%d s"), (int) seconds);
  if (minutes < 60)
    /* Translators: a time of minutes and seconds, e.g. "6 min 42 s" */
    return g_strdup_printf (_("%d min %d s"), (int) minutes, (int) (seconds % 60));
  if (hours < 24)
    return g_strdup_printf (_("%d h %02d min"), (int) hours, (int) (minutes % 60));
  return g_strdup_printf (_("%d d %d h"), (int) MIN (hours / 24, G_MAXINT), (int) (hours % 24));
}

char *
dw_agent_format_value (DwAgentFigure figure,
                       double        value)
{
  if (isnan (value))
    return g_strdup ("—");

  switch (dw_agent_figure_info (figure)->unit)
    {
    case DW_FIGURE_UNIT_COUNT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) llround (value));
    case DW_FIGURE_UNIT_SHARE:
      /* Translators: a share, e.g. "95.0 %"; keep "%.1f" */
      return g_strdup_printf (_("%.1f %%"), value * 100);
    case DW_FIGURE_UNIT_SECONDS:
      return format_seconds (MAX (llround (value), 0));
    case DW_FIGURE_UNIT_RATIO:
    case DW_FIGURE_UNIT_RATING:
    default:
      return g_strdup_printf ("%.2f", value);
    }
}

char *
dw_agent_format_comparison (DwAgentFigure      figure,
                            DwFigureComparison comparison,
                            double             median)
{
  g_autofree char *shown = dw_agent_format_value (figure, median);

  switch (comparison)
    {
    case DW_FIGURE_COMPARISON_BETTER:
      /* Translators: %s is the team's median, e.g. "6 min 42 s" */
      return g_strdup_printf (_("Better than the team median %s"), shown);
    case DW_FIGURE_COMPARISON_WORSE:
      return g_strdup_printf (_("Worse than the team median %s"), shown);
    case DW_FIGURE_COMPARISON_SAME:
      return g_strdup_printf (_("About the team median %s"), shown);
    case DW_FIGURE_COMPARISON_ABOVE:
      return g_strdup_printf (_("Above the team median %s"), shown);
    case DW_FIGURE_COMPARISON_BELOW:
      return g_strdup_printf (_("Below the team median %s"), shown);
    case DW_FIGURE_COMPARISON_NONE:
    default:
      return NULL;
    }
}

const char *
dw_agent_comparison_word (DwFigureComparison comparison)
{
  switch (comparison)
    {
    /* Translators: short words under a figure, how it stands against the team median */
    case DW_FIGURE_COMPARISON_BETTER: return _("better");
    case DW_FIGURE_COMPARISON_WORSE: return _("worse");
    case DW_FIGURE_COMPARISON_SAME: return _("≈ median");
    case DW_FIGURE_COMPARISON_ABOVE: return _("↑ median");
    case DW_FIGURE_COMPARISON_BELOW: return _("↓ median");
    case DW_FIGURE_COMPARISON_NONE:
    default: return NULL;
    }
}

const char *
dw_agent_comparison_class (DwFigureComparison comparison)
{
  switch (comparison)
    {
    case DW_FIGURE_COMPARISON_BETTER: return "success";
    case DW_FIGURE_COMPARISON_WORSE: return "error";
    case DW_FIGURE_COMPARISON_SAME:
    case DW_FIGURE_COMPARISON_ABOVE:
    case DW_FIGURE_COMPARISON_BELOW: return "dim-label";
    case DW_FIGURE_COMPARISON_NONE:
    default: return NULL;
    }
}
