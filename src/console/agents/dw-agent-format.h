/* dw-agent-format.h: the words and numbers of the Agents section's Performance view: each
 * figure's title, its value as the table shows it, and how it stands against the team's
 * median, in words (never in colour alone). */
#pragma once

#include <glib.h>

#include "dw-agent-figures.h"

G_BEGIN_DECLS

/* The column's title, short ("First Response"). */
const char *dw_agent_figure_title       (DwAgentFigure      figure);
/* What the figure measures, for a tooltip and a screen reader. */
const char *dw_agent_figure_description (DwAgentFigure      figure);
/* The CSV header of a column of dw_agent_figures_csv_columns() ("First response, median,
 * business time (s)"): the unit the CSV writes it in. */
const char *dw_agent_csv_header         (const char        *column);
/* The value as shown: "37", "5.4 %", "6 min 42 s", "1.84", "4.42"; "—" for none (NAN).
 * Times keep their seconds below an hour, so the CSV's seconds read the same. */
char       *dw_agent_format_value       (DwAgentFigure      figure,
                                         double             value);
/* "Better than the team median 6 min 42 s", "Same as the team median 37", …; NULL for NONE. */
char       *dw_agent_format_comparison  (DwAgentFigure      figure,
                                         DwFigureComparison comparison,
                                         double             median);
/* The word under the value: "better", "worse", "≈ median", "↑ median", "↓ median"; NULL for NONE. */
const char *dw_agent_comparison_word    (DwFigureComparison comparison);
/* The style class of that word: "success", "error", "dim-label"; NULL for NONE. */
const char *dw_agent_comparison_class   (DwFigureComparison comparison);

G_END_DECLS
