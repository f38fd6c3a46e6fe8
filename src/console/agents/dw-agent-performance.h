/* dw-agent-performance.h: the Agents section's Performance view: one team's agents × figures
 * over a period (GET /api/v1/agents/metrics?series=daily), each figure against the team's
 * median in colour and in words, sparklines of the daily series, sortable columns; an agent's
 * detail with trend charts and the tickets behind each count; the table as CSV.
 *
 * Self-contained: the section page hands it the sync, the clock and the team and embeds it.
 * It loads when shown, on a change of period or team, at once after a resync, a few seconds
 * after stream events (many events in a row load once), and when its period rolls over at the
 * team calendar's midnight (by the clock it is given): no polling of the service.  Narrower than a table can
 * be read, the table folds to a list of agents with their main figures stacked.
 *
 * Actions: agents.export-csv (a file chooser, then the CSV), agents.refresh.
 */
#pragma once

#include <gtk/gtk.h>

#include "dw-agent-figures.h"
#include "dw-clock.h"
#include "dw-sync.h"

G_BEGIN_DECLS

#define DW_TYPE_AGENT_PERFORMANCE (dw_agent_performance_get_type ())
G_DECLARE_FINAL_TYPE (DwAgentPerformance, dw_agent_performance, DW, AGENT_PERFORMANCE, GtkWidget)

GtkWidget      *dw_agent_performance_new          (void);
void            dw_agent_performance_set_context  (DwAgentPerformance *self,
                                                   DwSync             *sync,
                                                   DwClock            *clock);
/* 0: none (the table empties). */
void            dw_agent_performance_set_team     (DwAgentPerformance *self,
                                                   gint64              team_id);
/* "today", "7d" or "30d", as the period picker sets it. */
void            dw_agent_performance_set_period   (DwAgentPerformance *self,
                                                   const char         *period);
/* A custom range, Unix seconds, @to after @from and at most 92 days later. */
void            dw_agent_performance_set_range    (DwAgentPerformance *self,
                                                   gint64              from,
                                                   gint64              to);
/* Loads now. */
void            dw_agent_performance_refresh      (DwAgentPerformance *self);
/* Writes the table as CSV (dw_agent_figures_to_csv, headers in the console's language) to
 * @file, replacing it.  Fails with G_IO_ERROR_NOT_INITIALIZED before the first load. */
void            dw_agent_performance_export_async (DwAgentPerformance  *self,
                                                   GFile               *file,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean        dw_agent_performance_export_finish (DwAgentPerformance *self,
                                                    GAsyncResult       *result,
                                                    GError            **error);
/* Opens an agent's detail (as activating its row does); FALSE when it is not in the table. */
gboolean        dw_agent_performance_show_agent   (DwAgentPerformance *self,
                                                   gint64              user_id);
/* Back to the table (as the detail's back button and Escape do). */
void            dw_agent_performance_show_table   (DwAgentPerformance *self);

/* For tests: the figures last loaded (NULL before), how many loads finished and when the last
 * did (the clock's now; 0 before), the detail, the text a cell shows (its value) and says
 * against the median (NULL when the agent is not shown), whether the table is folded to the
 * narrow list. */
DwAgentFigures *dw_agent_performance_get_figures  (DwAgentPerformance *self);
guint           dw_agent_performance_get_n_loads  (DwAgentPerformance *self);
gint64          dw_agent_performance_get_loaded_at (DwAgentPerformance *self);
/* When the figures shown stop being their period's and the view loads again by itself (the team
 * calendar's next midnight, on the view's clock); 0: never (a custom range, nothing loaded, or
 * a rollover already asked for). */
gint64          dw_agent_performance_get_rollover (DwAgentPerformance *self);
GtkWidget      *dw_agent_performance_get_detail   (DwAgentPerformance *self);
gboolean        dw_agent_performance_get_detail_shown (DwAgentPerformance *self);
const char     *dw_agent_performance_get_cell_text (DwAgentPerformance *self,
                                                    gint64              user_id,
                                                    DwAgentFigure       figure);
const char     *dw_agent_performance_get_cell_comparison (DwAgentPerformance *self,
                                                          gint64              user_id,
                                                          DwAgentFigure       figure);
gboolean        dw_agent_performance_get_narrow   (DwAgentPerformance *self);
/* Sorts the table (and the narrow list) by @figure, as clicking its column's header does. */
void            dw_agent_performance_sort_by      (DwAgentPerformance *self,
                                                   DwAgentFigure       figure,
                                                   GtkSortType         direction);
/* The agent in row @position as sorted (0 when out of range). */
gint64          dw_agent_performance_get_user_at  (DwAgentPerformance *self,
                                                   guint               position);

G_END_DECLS
