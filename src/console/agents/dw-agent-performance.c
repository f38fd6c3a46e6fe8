/* dw-agent-performance.c
 *
 * One store of DwAgentMetrics, sorted by the column view's sorter, feeds both the table and
 * the narrow list, so a sort chosen in one holds in the other.  A load splices the new agents
 * into the store: the cells rebind, nothing is rebuilt.
 *
 * The figure columns are made in code from the figure list of dw-agent-figures.h rather than
 * written out in the template: thirteen columns alike but for their figure, and adherence only
 * once the service sends it.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "dw-agent-detail.h"
#include "dw-agent-format.h"
#include "dw-agent-performance.h"
#include "dw-queue-format.h"
#include "dw-roster-rules.h"
#include "dw-sparkline.h"
#include "dw-widget-util.h"

/* Stream events in a row load the figures once, this long after the first. */
#define EVENT_REFRESH_SECONDS 5
/* Narrower than this, the table folds to the list. */
#define NARROW_WIDTH 720
/* While shown, how often the view looks whether its period has rolled over.  A tick on the
 * clock's now rather than one alarm at midnight, as in dw-staffing-day.c: the clock is re-based
 * to follow the service's (dw_clock_set_now), and an alarm set before would fire at the old
 * reckoning. */
#define ROLLOVER_TICK_SECONDS 10

struct _DwAgentPerformance
{
  GtkWidget          parent_instance;

  GtkStack          *pages;
  GtkDropDown       *period_drop_down;
  GtkWidget         *range_box;
  GtkEntry          *from_entry;
  GtkEntry          *to_entry;
  GtkLabel          *status_label;
  GtkStack          *layout_stack;
  GtkColumnView     *column_view;
  GtkListView       *narrow_list;
  DwAgentDetail     *detail;

  DwSync            *sync;
  DwClock           *clock;
  gint64             team_id;
  char              *period;        /* "today", "7d", "30d"; NULL for a range */
  gint64             range_from;
  gint64             range_to;

  GListStore        *store;         /* of DwAgentMetrics */
  GtkSortListModel  *sorted;
  GtkColumnViewColumn *columns[DW_AGENT_N_FIGURES];
  DwAgentFigures    *figures;
  GHashTable        *cell_texts;    /* "USER/FIGURE" → value shown */
  GHashTable        *cell_words;    /* "USER/FIGURE" → against the median, in words */
  gint64             loaded_at;     /* the clock's now when the figures came */
  gint64             rollover;      /* the team calendar's midnight after loaded_at; 0: none */
  GCancellable      *cancellable;   /* the load in flight */
  guint              refresh_id;
  guint              layout_id;
  guint              tick_id;
  guint              n_loads;
  gboolean           dirty;         /* something changed while not shown */
  gboolean           narrow;
};

G_DEFINE_FINAL_TYPE (DwAgentPerformance, dw_agent_performance, GTK_TYPE_WIDGET)

/* The figures with a sparkline of their daily series in the table. */
static gboolean
has_sparkline (DwAgentFigure figure)
{
  return figure == DW_AGENT_FIGURE_SOLVED || figure == DW_AGENT_FIGURE_FIRST_RESPONSE
         || figure == DW_AGENT_FIGURE_SLA_SHARE;
}

/* The figures stacked in a narrow row. */
static const DwAgentFigure narrow_figures[] = {
  DW_AGENT_FIGURE_SOLVED, DW_AGENT_FIGURE_FIRST_RESPONSE, DW_AGENT_FIGURE_SLA_SHARE,
  DW_AGENT_FIGURE_CSAT,
};

static char *
cell_key (gint64        user_id,
          DwAgentFigure figure)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "/%u", user_id, (guint) figure);
}

static char *
window_query (DwAgentPerformance *self)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  if (self->period != NULL)
    return g_strdup_printf ("period=%s", self->period);
  from = dw_time_to_iso8601 (self->range_from);
  to = dw_time_to_iso8601 (self->range_to);
  return g_strdup_printf ("from=%s&to=%s", from, to);
}

static const char *
period_name (DwAgentPerformance *self)
{
  if (g_strcmp0 (self->period, "7d") == 0)
    return _("Last 7 Days");
  if (g_strcmp0 (self->period, "30d") == 0)
    return _("Last 30 Days");
  if (self->period == NULL)
    return _("Custom Range");
  return _("Today");
}

static GTimeZone *
team_time_zone (DwAgentPerformance *self)
{
  const char *name = self->figures != NULL ? dw_agent_figures_get_timezone (self->figures) : NULL;
  GTimeZone *tz = name != NULL ? g_time_zone_new_identifier (name) : NULL;

  return tz != NULL ? tz : g_time_zone_new_local ();
}

/* "Last 7 Days · 2026-11-16 00:00 – 2026-11-22 18:43 (Asia/Shanghai)" */
static char *
period_title (DwAgentPerformance *self)
{
  g_autoptr(GTimeZone) tz = team_time_zone (self);
  g_autoptr(GDateTime) from_utc = NULL;
  g_autoptr(GDateTime) to_utc = NULL;
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) to = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;

  if (self->figures == NULL)
    return g_strdup (period_name (self));
  from_utc = g_date_time_new_from_unix_utc (dw_agent_figures_get_from (self->figures));
  to_utc = g_date_time_new_from_unix_utc (dw_agent_figures_get_to (self->figures));
  if (from_utc == NULL || to_utc == NULL)
    return g_strdup (period_name (self));
  from = g_date_time_to_timezone (from_utc, tz);
  to = g_date_time_to_timezone (to_utc, tz);
  from_text = g_date_time_format (from, "%Y-%m-%d %H:%M");
  to_text = g_date_time_format (to, "%Y-%m-%d %H:%M");
  /* Translators: the period of the figures: its name, its first and last moment, and the
   * team calendar's time zone, e.g. "Last 7 Days · 2026-11-16 00:00 – 2026-11-22 18:43
   * (Asia/Shanghai)" */
  return g_strdup_printf (_("%s · %s – %s (%s)"), period_name (self), from_text, to_text,
                          g_time_zone_get_identifier (tz));
}

/* Cells */

typedef struct
{
  GtkWidget *value;
  GtkWidget *word;
  GtkWidget *sparkline;   /* NULL for a figure without one */
} Cell;

static GtkWidget *
make_cell (DwAgentFigure figure,
           gboolean      compact)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  Cell *cell = g_new0 (Cell, 1);

  cell->value = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (cell->value), compact ? 0 : 1);
  gtk_widget_add_css_class (cell->value, "numeric");
  cell->word = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (cell->word), compact ? 0 : 1);
  gtk_widget_add_css_class (cell->word, "caption");
  gtk_box_append (GTK_BOX (texts), cell->value);
  gtk_box_append (GTK_BOX (texts), cell->word);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (box), texts);
  if (!compact && has_sparkline (figure))
    {
      cell->sparkline = dw_sparkline_new ();
      gtk_box_append (GTK_BOX (box), cell->sparkline);
    }
  g_object_set_data_full (G_OBJECT (box), "dw-cell", cell, g_free);
  return box;
}

static char *
value_text (DwAgentMetrics *agent,
            DwAgentFigure   figure)
{
  double value = dw_agent_metrics_get_value (agent, figure);
  g_autofree char *shown = dw_agent_format_value (figure, value);

  if (figure == DW_AGENT_FIGURE_CSAT && !isnan (value))
    {
      g_autofree char *responses = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                    dw_agent_metrics_get_csat_responses (agent));

      /* Translators: a CSAT average and how many answers it is made of, e.g. "4.42 (19)" */
      return g_strdup_printf (_("%s (%s)"), shown, responses);
    }
  return g_steal_pointer (&shown);
}

static void
bind_cell (DwAgentPerformance *self,
           GtkWidget          *box,
           DwAgentMetrics     *agent,
           DwAgentFigure       figure,
           gboolean            compact)
{
  Cell *cell = g_object_get_data (G_OBJECT (box), "dw-cell");
  DwFigureComparison comparison = self->figures != NULL
    ? dw_agent_figures_compare (self->figures, agent, figure) : DW_FIGURE_COMPARISON_NONE;
  double median = self->figures != NULL ? dw_agent_figures_get_median (self->figures, figure) : NAN;
  g_autofree char *shown = value_text (agent, figure);
  g_autofree char *words = dw_agent_format_comparison (figure, comparison, median);
  const char *word = dw_agent_comparison_word (comparison);
  const char *word_class = dw_agent_comparison_class (comparison);
  g_autoptr(GString) tooltip = g_string_new (dw_agent_figure_description (figure));
  g_autoptr(GString) accessible = g_string_new (NULL);
  static const char * const classes[] = { "success", "error", "dim-label", NULL };

  gtk_label_set_label (GTK_LABEL (cell->value), shown);
  gtk_label_set_label (GTK_LABEL (cell->word), word != NULL ? word : "");
  gtk_widget_set_visible (cell->word, word != NULL);
  for (guint i = 0; classes[i] != NULL; i++)
    {
      gtk_widget_remove_css_class (cell->word, classes[i]);
      gtk_widget_remove_css_class (cell->value, classes[i]);
    }
  if (word_class != NULL)
    {
      gtk_widget_add_css_class (cell->word, word_class);
      /* The value itself in colour only where it is better or worse: the word says it too. */
      if (comparison == DW_FIGURE_COMPARISON_BETTER || comparison == DW_FIGURE_COMPARISON_WORSE)
        gtk_widget_add_css_class (cell->value, word_class);
    }

  if (words != NULL)
    g_string_append_printf (tooltip, "\n%s", words);
  if (figure == DW_AGENT_FIGURE_FIRST_RESPONSE || figure == DW_AGENT_FIGURE_RESOLUTION)
    {
      double calendar = dw_agent_metrics_get_calendar_median (agent, figure);
      g_autofree char *calendar_text = dw_agent_format_value (figure, calendar);

      g_string_append_c (tooltip, '\n');
      /* Translators: the same median counted around the clock, e.g. "In calendar time: 7 min" */
      g_string_append_printf (tooltip, _("In calendar time: %s"), calendar_text);
    }
  gtk_widget_set_tooltip_text (box, tooltip->str);

  /* Translators: a table cell for screen readers: the agent, the figure, its value, e.g.
   * "李娜, First Response: 6 min 42 s" */
  g_string_printf (accessible, _("%s, %s: %s"), dw_agent_metrics_get_display_name (agent),
                   dw_agent_figure_title (figure), shown);
  if (words != NULL)
    g_string_append_printf (accessible, ". %s", words);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible->str, -1);

  if (cell->sparkline != NULL)
    {
      guint n = dw_agent_metrics_get_n_days (agent);
      g_autofree double *values = g_new (double, MAX (n, 1));
      g_autoptr(GString) series = g_string_new (NULL);

      /* Translators: a sparkline for screen readers, e.g. "Solved, per day: 3, 5, 4" */
      g_string_printf (series, _("%s, per day:"), dw_agent_figure_title (figure));
      for (guint d = 0; d < n; d++)
        {
          g_autofree char *day = NULL;

          values[d] = dw_agent_metrics_get_daily (agent, figure, d);
          day = dw_agent_format_value (figure, values[d]);
          g_string_append_printf (series, "%s %s", d > 0 ? "," : "", day);
        }
      dw_sparkline_set_values (DW_SPARKLINE (cell->sparkline), values, n, series->str);
      /* One day is no trend. */
      gtk_widget_set_visible (cell->sparkline, n > 1);
    }
}

static void
setup_figure_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  DwAgentFigure figure = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "dw-figure"));

  gtk_list_item_set_child (item, make_cell (figure, FALSE));
}

static void
bind_figure_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                DwAgentPerformance       *self)
{
  DwAgentFigure figure = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "dw-figure"));

  bind_cell (self, gtk_list_item_get_child (item), gtk_list_item_get_item (item), figure, FALSE);
}

static void
setup_name_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), 10);
  gtk_list_item_set_child (item, label);
}

static void
bind_name_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  DwAgentMetrics *agent = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);

  /* An agent off for the whole period is in no median and compared with nobody: say why its
   * counts carry no "worse". */
  if (dw_agent_metrics_worked (agent))
    {
      gtk_label_set_label (GTK_LABEL (label), dw_agent_metrics_get_display_name (agent));
      gtk_widget_remove_css_class (label, "dim-label");
    }
  else
    {
      g_autofree char *markup = g_markup_printf_escaped ("%s\n<small>%s</small>",
                                                         dw_agent_metrics_get_display_name (agent),
                                                         _("Not working"));

      gtk_label_set_markup (GTK_LABEL (label), markup);
      gtk_widget_add_css_class (label, "dim-label");
    }
  gtk_widget_set_tooltip_text (label, _("Show this agent’s figures day by day and their tickets"));
}

/* The narrow list: the agent's name over its main figures, two by two. */
static void
setup_narrow_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *grid = gtk_grid_new ();

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "heading");
  gtk_box_append (GTK_BOX (box), name);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (narrow_figures); i++)
    {
      GtkWidget *figure_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *title = gtk_label_new (dw_agent_figure_title (narrow_figures[i]));
      GtkWidget *cell = make_cell (narrow_figures[i], TRUE);

      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_widget_add_css_class (title, "caption");
      gtk_widget_add_css_class (title, "dim-label");
      gtk_box_append (GTK_BOX (figure_box), title);
      gtk_box_append (GTK_BOX (figure_box), cell);
      gtk_grid_attach (GTK_GRID (grid), figure_box, i % 2, i / 2, 1, 1);
      g_object_set_data (G_OBJECT (box), dw_agent_figure_info (narrow_figures[i])->id, cell);
    }
  gtk_box_append (GTK_BOX (box), grid);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  g_object_set_data (G_OBJECT (box), "dw-name", name);
  gtk_list_item_set_child (item, box);
}

static void
bind_narrow_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                DwAgentPerformance       *self)
{
  DwAgentMetrics *agent = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);

  gtk_label_set_label (g_object_get_data (G_OBJECT (box), "dw-name"),
                       dw_agent_metrics_get_display_name (agent));
  for (guint i = 0; i < G_N_ELEMENTS (narrow_figures); i++)
    bind_cell (self, g_object_get_data (G_OBJECT (box), dw_agent_figure_info (narrow_figures[i])->id),
               agent, narrow_figures[i], TRUE);
}

/* Sorting: a figure's value, then the name.  Agents without a value come after the others when
 * sorted up and before them when sorted down: the column view turns the order round, and GTK
 * 4.8 does not tell a sorter which way it is asked. */

static int
compare_names (DwAgentMetrics *a,
               DwAgentMetrics *b)
{
  return g_utf8_collate (dw_agent_metrics_get_display_name (a),
                         dw_agent_metrics_get_display_name (b));
}

static int
compare_figure_cb (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  DwAgentFigure figure = GPOINTER_TO_UINT (user_data);
  double x = dw_agent_metrics_get_value ((DwAgentMetrics *) a, figure);
  double y = dw_agent_metrics_get_value ((DwAgentMetrics *) b, figure);

  if (isnan (x) != isnan (y))
    return isnan (x) ? 1 : -1;
  if (!isnan (x) && x != y)
    return x < y ? -1 : 1;
  return compare_names ((DwAgentMetrics *) a, (DwAgentMetrics *) b);
}

static int
compare_name_cb (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  return compare_names ((DwAgentMetrics *) a, (DwAgentMetrics *) b);
}

static void
add_columns (DwAgentPerformance *self)
{
  g_autoptr(GtkListItemFactory) name_factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) name_column = NULL;
  g_autoptr(GtkCustomSorter) name_sorter = gtk_custom_sorter_new (compare_name_cb, NULL, NULL);

  g_signal_connect (name_factory, "setup", G_CALLBACK (setup_name_cb), NULL);
  g_signal_connect (name_factory, "bind", G_CALLBACK (bind_name_cb), NULL);
  name_column = gtk_column_view_column_new (_("Agent"), g_object_ref (name_factory));
  gtk_column_view_column_set_sorter (name_column, GTK_SORTER (name_sorter));
  gtk_column_view_column_set_expand (name_column, TRUE);
  gtk_column_view_column_set_resizable (name_column, TRUE);
  gtk_column_view_append_column (self->column_view, name_column);

  for (guint f = 0; f < DW_AGENT_N_FIGURES; f++)
    {
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkCustomSorter) sorter = gtk_custom_sorter_new (compare_figure_cb,
                                                                 GUINT_TO_POINTER (f), NULL);
      GtkColumnViewColumn *column;

      g_object_set_data (G_OBJECT (factory), "dw-figure", GUINT_TO_POINTER (f));
      g_signal_connect (factory, "setup", G_CALLBACK (setup_figure_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_figure_cb), self);
      column = gtk_column_view_column_new (dw_agent_figure_title (f), g_object_ref (factory));
      gtk_column_view_column_set_sorter (column, GTK_SORTER (sorter));
      gtk_column_view_column_set_resizable (column, TRUE);
      /* Adherence only once the service sends it. */
      gtk_column_view_column_set_visible (column, f != DW_AGENT_FIGURE_ADHERENCE);
      gtk_column_view_append_column (self->column_view, column);
      self->columns[f] = column;
      g_object_unref (column);  /* the view holds it */
    }
}

/* Loading */

static void
set_status (DwAgentPerformance *self)
{
  g_autofree char *title = period_title (self);
  g_autofree char *text = NULL;

  if (self->team_id == 0)
    text = g_strdup (_("Pick a team to see its agents’ figures."));
  else if (self->figures == NULL)
    text = g_strdup (_("Loading…"));
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) == 0)
    /* Translators: %s is the period, e.g. "Today · 2026-11-22 00:00 – …" */
    text = g_strdup_printf (_("%s. No agents in this team."), title);
  else if (!dw_agent_figures_has_median (self->figures))
    text = g_strdup_printf (_("%s. Your own figures."), title);
  else
    /* Translators: %s is the period; each figure is compared with the team's median */
    text = g_strdup_printf (_("%s. Each figure against the team median."), title);
  if (self->figures != NULL && self->loaded_at != 0)
    {
      g_autofree char *when = dw_format_time (self->loaded_at);
      char *with_time;

      /* Translators: the status line, then when the figures were loaded, e.g. "… As of 14:05." */
      with_time = g_strdup_printf (_("%s As of %s."), text, when);
      g_free (text);
      text = with_time;
    }
  gtk_label_set_label (self->status_label, text);
}

static void
remember_cells (DwAgentPerformance *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  g_hash_table_remove_all (self->cell_texts);
  g_hash_table_remove_all (self->cell_words);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DwAgentMetrics) agent = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      for (guint f = 0; f < DW_AGENT_N_FIGURES; f++)
        {
          gint64 id = dw_agent_metrics_get_user_id (agent);
          DwFigureComparison comparison = dw_agent_figures_compare (self->figures, agent, f);
          char *words = dw_agent_format_comparison (f, comparison,
                                                    dw_agent_figures_get_median (self->figures, f));

          g_hash_table_replace (self->cell_texts, cell_key (id, f), value_text (agent, f));
          if (words != NULL)
            g_hash_table_replace (self->cell_words, cell_key (id, f), words);
        }
    }
}

static void
apply_figures (DwAgentPerformance *self,
               DwAgentFigures     *figures)
{
  GListModel *agents = figures != NULL ? dw_agent_figures_get_agents (figures) : NULL;
  guint n = agents != NULL ? g_list_model_get_n_items (agents) : 0;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  g_set_object (&self->figures, figures);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (agents, i));
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       items->pdata, items->len);
  if (self->columns[DW_AGENT_FIGURE_ADHERENCE] != NULL)
    gtk_column_view_column_set_visible (self->columns[DW_AGENT_FIGURE_ADHERENCE],
                                        figures != NULL
                                        && dw_agent_figures_has_figure (figures,
                                                                        DW_AGENT_FIGURE_ADHERENCE));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "agents.export-csv", figures != NULL);
  if (figures != NULL)
    remember_cells (self);
  else
    {
      g_hash_table_remove_all (self->cell_texts);
      g_hash_table_remove_all (self->cell_words);
    }
  set_status (self);

  /* The agent shown in detail follows the new figures; gone from the team, back to the table. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->pages), "detail") == 0)
    {
      DwAgentMetrics *agent = figures != NULL
        ? dw_agent_figures_lookup (figures, dw_agent_detail_get_user_id (self->detail)) : NULL;

      if (agent != NULL)
        dw_agent_detail_update (self->detail, agent);
      else
        dw_agent_performance_show_table (self);
    }
}

static gint64
now (DwAgentPerformance *self)
{
  return self->clock != NULL ? dw_clock_now (self->clock) : g_get_real_time () / G_USEC_PER_SEC;
}

/* When the figures just loaded stop being the period's.  The service's windows are whole local
 * days of the team calendar ending today (docs/api.md, dw-agent-metrics.c period_window): "today"
 * from its midnight, "7d" and "30d" from the midnight six and 29 days before, each up to the next
 * midnight.  So all three move by a day at that same midnight and at no other time: one reload
 * then, none by the hour (within the day the window stays; its events reload the figures, and
 * the "As of" of the title says how old what only the clock moves, time online, is).
 * The midnight after our own clock's now, not the window's end the service sent: were the two
 * clocks a day apart, that end would lie behind ours and every tick would load again.  A custom
 * range is fixed and never rolls over. */
static gint64
next_rollover (DwAgentPerformance *self)
{
  g_autoptr(GTimeZone) tz = NULL;

  if (self->period == NULL || self->figures == NULL)
    return 0;
  tz = team_time_zone (self);
  /* Noon of tomorrow and back to its midnight: right on a 23- or 25-hour day as well. */
  return dw_roster_day_start (tz, dw_roster_day_start (tz, self->loaded_at) + 36 * 3600);
}

static void
figures_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DwAgentPerformance) self = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DwAgentFigures) figures = NULL;

  node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    figures = dw_agent_figures_new_from_json (json_node_get_object (node), &error);
  else if (error == NULL)
    g_set_error_literal (&error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_PROTOCOL, "not an object");

  if (figures == NULL)
    {
      g_autofree char *text = NULL;

      g_message ("Agent figures: %s", error->message);
      /* Translators: %s says why, e.g. "only the team's lead … may read its figures" */
      text = g_strdup_printf (self->figures != NULL
                              ? _("The figures could not be loaded (%s); the last ones are shown.")
                              : _("The figures could not be loaded: %s"), error->message);
      gtk_label_set_label (self->status_label, text);
      return;
    }
  self->n_loads++;
  self->loaded_at = now (self);
  apply_figures (self, figures);
  self->rollover = next_rollover (self);
}

void
dw_agent_performance_refresh (DwAgentPerformance *self)
{
  g_autofree char *path = NULL;
  g_autofree char *query = NULL;

  g_return_if_fail (DW_IS_AGENT_PERFORMANCE (self));

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  self->dirty = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->sync == NULL || self->team_id == 0)
    {
      set_status (self);
      return;
    }

  self->cancellable = g_cancellable_new ();
  query = window_query (self);
  path = g_strdup_printf ("/api/v1/agents/metrics?team_id=%" G_GINT64_FORMAT "&series=daily&%s",
                          self->team_id, query);
  dw_client_request_async (dw_sync_get_client (self->sync), "GET", path, NULL, self->cancellable,
                           figures_cb, g_object_ref (self));
}

static gboolean
refresh_cb (gpointer user_data)
{
  DwAgentPerformance *self = user_data;

  self->refresh_id = 0;
  dw_agent_performance_refresh (self);
  return G_SOURCE_REMOVE;
}

/* Shown: loads now (@soon FALSE) or a few seconds from now; not shown: when next shown. */
static void
queue_refresh (DwAgentPerformance *self,
               gboolean            soon)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->dirty = TRUE;
      return;
    }
  if (!soon)
    {
      dw_agent_performance_refresh (self);
      return;
    }
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (EVENT_REFRESH_SECONDS, refresh_cb, self);
}

static void
sync_event_cb (DwSync             *sync,
               const char         *type,
               JsonObject         *data,
               DwAgentPerformance *self)
{
  queue_refresh (self, TRUE);
}

static void
sync_resynced_cb (DwSync             *sync,
                  DwAgentPerformance *self)
{
  queue_refresh (self, FALSE);
}

static gboolean
tick_cb (gpointer user_data)
{
  DwAgentPerformance *self = user_data;

  /* Once per rollover: a load that fails leaves it at 0, and the next event or resync asks
   * again, rather than every tick. */
  if (self->rollover != 0 && now (self) >= self->rollover)
    {
      self->rollover = 0;
      queue_refresh (self, FALSE);
    }
  return G_SOURCE_CONTINUE;
}

/* Period */

static void
period_selected_cb (DwAgentPerformance *self)
{
  static const char * const periods[] = { "today", "7d", "30d" };
  guint selected = gtk_drop_down_get_selected (self->period_drop_down);

  gtk_widget_set_visible (self->range_box, selected == 3);
  if (selected == 3)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->from_entry));
      return;
    }
  if (selected >= G_N_ELEMENTS (periods) || g_strcmp0 (self->period, periods[selected]) == 0)
    return;
  g_free (self->period);
  self->period = g_strdup (periods[selected]);
  queue_refresh (self, FALSE);
}

static gboolean
parse_day (GTimeZone  *tz,
           const char *text,
           gint64     *out)
{
  int year, month, day;
  char end;
  g_autoptr(GDateTime) local = NULL;

  if (sscanf (text, "%d-%d-%d%c", &year, &month, &day, &end) != 3)
    return FALSE;
  local = g_date_time_new (tz, year, month, day, 0, 0, 0);
  if (local == NULL)
    return FALSE;
  *out = g_date_time_to_unix (local);
  return TRUE;
}

/* Whole local days of the team calendar, both ends included. */
static void
apply_range_cb (DwAgentPerformance *self)
{
  g_autoptr(GTimeZone) tz = team_time_zone (self);
  gint64 from = 0, last = 0;
  g_autoptr(GDateTime) last_day = NULL;
  g_autoptr(GDateTime) next_day = NULL;

  if (!parse_day (tz, gtk_editable_get_text (GTK_EDITABLE (self->from_entry)), &from)
      || !parse_day (tz, gtk_editable_get_text (GTK_EDITABLE (self->to_entry)), &last))
    {
      gtk_label_set_label (self->status_label, _("Give the first and last day as YYYY-MM-DD."));
      return;
    }
  last_day = g_date_time_new_from_unix_utc (last);
  {
    g_autoptr(GDateTime) local = g_date_time_to_timezone (last_day, tz);

    next_day = g_date_time_add_days (local, 1);
  }
  if (next_day == NULL || g_date_time_to_unix (next_day) <= from
      || g_date_time_to_unix (next_day) - from > 92 * 86400)
    {
      gtk_label_set_label (self->status_label,
                           _("The last day must not be before the first, and a range is at most 92 days."));
      return;
    }
  dw_agent_performance_set_range (self, from, g_date_time_to_unix (next_day));
}

/* Table, list, detail */

static void
open_agent (DwAgentPerformance *self,
            DwAgentMetrics     *agent)
{
  g_autofree char *query = window_query (self);
  g_autofree char *title = period_title (self);

  dw_agent_detail_show_agent (self->detail, self->sync != NULL ? dw_sync_get_client (self->sync)
                                                               : NULL,
                              self->team_id, query, title, agent);
  gtk_stack_set_visible_child_name (self->pages, "detail");
  gtk_widget_grab_focus (GTK_WIDGET (self->detail));
}

static void
column_view_activated_cb (DwAgentPerformance *self,
                          guint               position)
{
  g_autoptr(DwAgentMetrics) agent = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);

  if (agent != NULL)
    open_agent (self, agent);
}

static void
narrow_activated_cb (DwAgentPerformance *self,
                     guint               position)
{
  column_view_activated_cb (self, position);
}

static void
detail_back_cb (DwAgentPerformance *self)
{
  dw_agent_performance_show_table (self);
}

static gboolean
layout_cb (gpointer user_data)
{
  DwAgentPerformance *self = user_data;

  self->layout_id = 0;
  gtk_stack_set_visible_child_name (self->layout_stack, self->narrow ? "narrow" : "wide");
  return G_SOURCE_REMOVE;
}

/* Export */

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = user_data;
  DwAgentPerformance *self = DW_AGENT_PERFORMANCE (source);
  g_autofree char *text = NULL;
  g_autofree char *name = g_file_get_parse_name (file);

  if (dw_agent_performance_export_finish (self, result, &error))
    /* Translators: %s is the file written */
    text = g_strdup_printf (_("Exported to %s."), name);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  else
    /* Translators: the file, then why, e.g. "… could not be written: Permission denied" */
    text = g_strdup_printf (_("%s could not be written: %s"), name, error->message);
  gtk_label_set_label (self->status_label, text);
}

static void
chooser_response_cb (GtkNativeDialog    *chooser,
                     int                 response,
                     DwAgentPerformance *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        dw_agent_performance_export_async (self, file, NULL, export_done_cb, g_object_ref (file));
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
export_csv_action_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DwAgentPerformance *self = DW_AGENT_PERFORMANCE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (self->figures == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export the Table as CSV"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  name = g_strdup_printf ("agents-team%" G_GINT64_FORMAT "-%s.csv", self->team_id,
                          self->period != NULL ? self->period : "range");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
refresh_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  dw_agent_performance_refresh (DW_AGENT_PERFORMANCE (widget));
}

/* Overrides */

/* A bin, laid out here rather than by a GtkBinLayout, whose allocation would not tell us the
 * width the table gets. */
static void
dw_agent_performance_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  gtk_widget_measure (GTK_WIDGET (DW_AGENT_PERFORMANCE (widget)->pages), orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

static void
dw_agent_performance_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  DwAgentPerformance *self = DW_AGENT_PERFORMANCE (widget);
  gboolean narrow = width < NARROW_WIDTH;

  gtk_widget_allocate (GTK_WIDGET (self->pages), width, height, baseline, NULL);
  /* Switched from an idle: changing the stack's child from inside an allocation would queue
   * another one while this one runs. */
  if (narrow != self->narrow)
    {
      self->narrow = narrow;
      if (self->layout_id == 0)
        self->layout_id = g_idle_add (layout_cb, self);
    }
}

static void
dw_agent_performance_map (GtkWidget *widget)
{
  DwAgentPerformance *self = DW_AGENT_PERFORMANCE (widget);

  GTK_WIDGET_CLASS (dw_agent_performance_parent_class)->map (widget);
  /* The period only rolls over while it can be seen; shown again past midnight, it loads now. */
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (ROLLOVER_TICK_SECONDS, tick_cb, self);
  if (self->dirty || (self->figures == NULL && self->cancellable == NULL))
    dw_agent_performance_refresh (self);
  else
    tick_cb (self);
}

static void
dw_agent_performance_unmap (GtkWidget *widget)
{
  DwAgentPerformance *self = DW_AGENT_PERFORMANCE (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (dw_agent_performance_parent_class)->unmap (widget);
}

static void
dw_agent_performance_dispose (GObject *object)
{
  DwAgentPerformance *self = DW_AGENT_PERFORMANCE (object);

  dw_agent_performance_set_context (self, NULL, NULL);
  g_clear_handle_id (&self->layout_id, g_source_remove);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_object (&self->figures);
  dw_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_AGENT_PERFORMANCE);

  G_OBJECT_CLASS (dw_agent_performance_parent_class)->dispose (object);
}

static void
dw_agent_performance_finalize (GObject *object)
{
  DwAgentPerformance *self = DW_AGENT_PERFORMANCE (object);

  g_free (self->period);
  g_clear_object (&self->sorted);
  g_clear_object (&self->store);
  g_hash_table_unref (self->cell_texts);
  g_hash_table_unref (self->cell_words);

  G_OBJECT_CLASS (dw_agent_performance_parent_class)->finalize (object);
}

static void
dw_agent_performance_class_init (DwAgentPerformanceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_agent_performance_dispose;
  object_class->finalize = dw_agent_performance_finalize;
  widget_class->measure = dw_agent_performance_measure;
  widget_class->size_allocate = dw_agent_performance_size_allocate;
  widget_class->map = dw_agent_performance_map;
  widget_class->unmap = dw_agent_performance_unmap;

  g_type_ensure (DW_TYPE_AGENT_DETAIL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/agents/dw-agent-performance.ui");
  gtk_widget_class_bind_template_child (widget_class, DwAgentPerformance, pages);
  gtk_widget_class_bind_template_child (widget_class, DwAgentPerformance, period_drop_down);
  gtk_widget_class_bind_template_child (widget_class, DwAgentPerformance, range_box);
  gtk_widget_class_bind_template_child (widget_class, DwAgentPerformance, from_entry);
  gtk_widget_class_bind_template_child (widget_class, DwAgentPerformance, to_entry);
  gtk_widget_class_bind_template_child (widget_class, DwAgentPerformance, status_label);
  gtk_widget_class_bind_template_child (widget_class, DwAgentPerformance, layout_stack);
  gtk_widget_class_bind_template_child (widget_class, DwAgentPerformance, column_view);
  gtk_widget_class_bind_template_child (widget_class, DwAgentPerformance, narrow_list);
  gtk_widget_class_bind_template_child (widget_class, DwAgentPerformance, detail);
  gtk_widget_class_bind_template_callback (widget_class, period_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, apply_range_cb);
  gtk_widget_class_bind_template_callback (widget_class, column_view_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, narrow_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, detail_back_cb);

  gtk_widget_class_install_action (widget_class, "agents.export-csv", NULL, export_csv_action_cb);
  gtk_widget_class_install_action (widget_class, "agents.refresh", NULL, refresh_action_cb);
}

static void
dw_agent_performance_init (DwAgentPerformance *self)
{
  g_autoptr(GtkListItemFactory) narrow_factory = gtk_signal_list_item_factory_new ();
  GtkSorter *sorter;

  self->period = g_strdup ("today");
  self->cell_texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->cell_words = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->store = g_list_store_new (DW_TYPE_AGENT_METRICS);
  gtk_widget_init_template (GTK_WIDGET (self));

  add_columns (self);
  sorter = gtk_column_view_get_sorter (self->column_view);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->store)),
                                          sorter != NULL ? g_object_ref (sorter) : NULL);
  {
    g_autoptr(GtkNoSelection) table_model = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->sorted)));
    g_autoptr(GtkNoSelection) list_model = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->sorted)));

    gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (table_model));
    gtk_list_view_set_model (self->narrow_list, GTK_SELECTION_MODEL (list_model));
  }
  g_signal_connect (narrow_factory, "setup", G_CALLBACK (setup_narrow_cb), NULL);
  g_signal_connect (narrow_factory, "bind", G_CALLBACK (bind_narrow_cb), self);
  gtk_list_view_set_factory (self->narrow_list, narrow_factory);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "agents.export-csv", FALSE);
  set_status (self);
}

GtkWidget *
dw_agent_performance_new (void)
{
  return g_object_new (DW_TYPE_AGENT_PERFORMANCE, NULL);
}

void
dw_agent_performance_set_context (DwAgentPerformance *self,
                                  DwSync             *sync,
                                  DwClock            *clock)
{
  g_return_if_fail (DW_IS_AGENT_PERFORMANCE (self));
  g_return_if_fail (sync == NULL || DW_IS_SYNC (sync));
  g_return_if_fail (clock == NULL || DW_IS_CLOCK (clock));

  if (self->sync != sync)
    {
      if (self->sync != NULL)
        g_signal_handlers_disconnect_by_data (self->sync, self);
      g_set_object (&self->sync, sync);
      if (sync != NULL)
        {
          g_signal_connect (sync, "event", G_CALLBACK (sync_event_cb), self);
          g_signal_connect (sync, "resynced", G_CALLBACK (sync_resynced_cb), self);
        }
      /* Another desk: nothing shown belongs to it. */
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      g_clear_handle_id (&self->refresh_id, g_source_remove);
      if (self->store != NULL && self->pages != NULL)
        {
          apply_figures (self, NULL);
          dw_agent_performance_show_table (self);
        }
      if (sync != NULL)
        queue_refresh (self, FALSE);
    }
  g_set_object (&self->clock, clock);
}

void
dw_agent_performance_set_team (DwAgentPerformance *self,
                               gint64              team_id)
{
  g_return_if_fail (DW_IS_AGENT_PERFORMANCE (self));

  if (self->team_id == team_id)
    return;
  self->team_id = team_id;
  apply_figures (self, NULL);
  dw_agent_performance_show_table (self);
  queue_refresh (self, FALSE);
}

void
dw_agent_performance_set_period (DwAgentPerformance *self,
                                 const char         *period)
{
  static const char * const periods[] = { "today", "7d", "30d" };

  g_return_if_fail (DW_IS_AGENT_PERFORMANCE (self));

  for (guint i = 0; i < G_N_ELEMENTS (periods); i++)
    if (g_strcmp0 (period, periods[i]) == 0)
      {
        gtk_drop_down_set_selected (self->period_drop_down, i);
        return;
      }
  g_return_if_reached ();
}

void
dw_agent_performance_set_range (DwAgentPerformance *self,
                                gint64              from,
                                gint64              to)
{
  g_return_if_fail (DW_IS_AGENT_PERFORMANCE (self));
  g_return_if_fail (to > from && to - from <= 92 * 86400);

  g_signal_handlers_block_by_func (self->period_drop_down, period_selected_cb, self);
  gtk_drop_down_set_selected (self->period_drop_down, 3);
  g_signal_handlers_unblock_by_func (self->period_drop_down, period_selected_cb, self);
  gtk_widget_set_visible (self->range_box, TRUE);
  g_clear_pointer (&self->period, g_free);
  self->range_from = from;
  self->range_to = to;
  queue_refresh (self, FALSE);
}

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
dw_agent_performance_export_async (DwAgentPerformance  *self,
                                   GFile               *file,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) headers = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_auto(GStrv) columns = NULL;
  char *csv;

  g_return_if_fail (DW_IS_AGENT_PERFORMANCE (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dw_agent_performance_export_async);
  if (self->figures == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("The figures have not loaded yet."));
      return;
    }

  columns = dw_agent_figures_csv_columns (self->figures);
  headers = g_ptr_array_new ();
  for (guint i = 0; columns[i] != NULL; i++)
    g_ptr_array_add (headers, (gpointer) dw_agent_csv_header (columns[i]));
  g_ptr_array_add (headers, NULL);
  csv = dw_agent_figures_to_csv (self->figures, (const char * const *) headers->pdata,
                                 _("Team median"));
  bytes = g_bytes_new_take (csv, strlen (csv));
  g_task_set_task_data (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       cancellable, write_cb, g_steal_pointer (&task));
}

gboolean
dw_agent_performance_export_finish (DwAgentPerformance  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (DW_IS_AGENT_PERFORMANCE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
dw_agent_performance_show_agent (DwAgentPerformance *self,
                                 gint64              user_id)
{
  DwAgentMetrics *agent;

  g_return_val_if_fail (DW_IS_AGENT_PERFORMANCE (self), FALSE);

  agent = self->figures != NULL ? dw_agent_figures_lookup (self->figures, user_id) : NULL;
  if (agent == NULL)
    return FALSE;
  open_agent (self, agent);
  return TRUE;
}

void
dw_agent_performance_show_table (DwAgentPerformance *self)
{
  g_return_if_fail (DW_IS_AGENT_PERFORMANCE (self));

  gtk_stack_set_visible_child_name (self->pages, "table");
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (self->narrow ? GTK_WIDGET (self->narrow_list)
                                        : GTK_WIDGET (self->column_view));
}

DwAgentFigures *
dw_agent_performance_get_figures (DwAgentPerformance *self)
{
  g_return_val_if_fail (DW_IS_AGENT_PERFORMANCE (self), NULL);
  return self->figures;
}

guint
dw_agent_performance_get_n_loads (DwAgentPerformance *self)
{
  g_return_val_if_fail (DW_IS_AGENT_PERFORMANCE (self), 0);
  return self->n_loads;
}

gint64
dw_agent_performance_get_loaded_at (DwAgentPerformance *self)
{
  g_return_val_if_fail (DW_IS_AGENT_PERFORMANCE (self), 0);
  return self->loaded_at;
}

gint64
dw_agent_performance_get_rollover (DwAgentPerformance *self)
{
  g_return_val_if_fail (DW_IS_AGENT_PERFORMANCE (self), 0);
  return self->rollover;
}

GtkWidget *
dw_agent_performance_get_detail (DwAgentPerformance *self)
{
  g_return_val_if_fail (DW_IS_AGENT_PERFORMANCE (self), NULL);
  return GTK_WIDGET (self->detail);
}

gboolean
dw_agent_performance_get_detail_shown (DwAgentPerformance *self)
{
  g_return_val_if_fail (DW_IS_AGENT_PERFORMANCE (self), FALSE);
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->pages), "detail") == 0;
}

const char *
dw_agent_performance_get_cell_text (DwAgentPerformance *self,
                                    gint64              user_id,
                                    DwAgentFigure       figure)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (DW_IS_AGENT_PERFORMANCE (self), NULL);
  key = cell_key (user_id, figure);
  return g_hash_table_lookup (self->cell_texts, key);
}

const char *
dw_agent_performance_get_cell_comparison (DwAgentPerformance *self,
                                          gint64              user_id,
                                          DwAgentFigure       figure)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (DW_IS_AGENT_PERFORMANCE (self), NULL);
  key = cell_key (user_id, figure);
  return g_hash_table_lookup (self->cell_words, key);
}

void
dw_agent_performance_sort_by (DwAgentPerformance *self,
                              DwAgentFigure       figure,
                              GtkSortType         direction)
{
  g_return_if_fail (DW_IS_AGENT_PERFORMANCE (self));
  g_return_if_fail (figure < DW_AGENT_N_FIGURES);
  gtk_column_view_sort_by_column (self->column_view, self->columns[figure], direction);
}

gint64
dw_agent_performance_get_user_at (DwAgentPerformance *self,
                                  guint               position)
{
  g_autoptr(DwAgentMetrics) agent = NULL;

  g_return_val_if_fail (DW_IS_AGENT_PERFORMANCE (self), 0);
  agent = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);
  return agent != NULL ? dw_agent_metrics_get_user_id (agent) : 0;
}

gboolean
dw_agent_performance_get_narrow (DwAgentPerformance *self)
{
  g_return_val_if_fail (DW_IS_AGENT_PERFORMANCE (self), FALSE);
  return self->narrow
         && g_strcmp0 (gtk_stack_get_visible_child_name (self->layout_stack), "narrow") == 0;
}
