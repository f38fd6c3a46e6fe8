/* dw-trend-chart.c
 *
 * Colours come from the style (accent and foreground), so dark mode and high contrast follow.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "dw-agent-format.h"
#include "dw-trend-chart.h"

struct _DwTrendChart
{
  GtkWidget      parent_instance;

  DwAgentFigure  figure;
  GArray        *values;   /* of double */
  GPtrArray     *dates;    /* of char*, "YYYY-MM-DD" */
  char          *description;
};

G_DEFINE_FINAL_TYPE (DwTrendChart, dw_trend_chart, GTK_TYPE_WIDGET)

#define LEFT 72.0
#define RIGHT 12.0
#define TOP 10.0
#define BOTTOM 22.0

static GdkRGBA
fg_color (GtkWidget *widget,
          double     alpha)
{
  GdkRGBA color;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  color.alpha *= alpha;
  return color;
}

static GdkRGBA
accent_color (GtkWidget *widget)
{
  GdkRGBA color;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "accent_color",
                                       &color))
    gdk_rgba_parse (&color, "#3584e4");
  G_GNUC_END_IGNORE_DEPRECATIONS
  return color;
}

static void
draw_text (GtkWidget   *widget,
           GtkSnapshot *snapshot,
           const char  *text,
           double       x,
           double       y,
           double       xalign,
           double       yalign,
           GdkRGBA     *color)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x - width * xalign, y - height * yalign));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
dw_trend_chart_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  DwTrendChart *self = DW_TREND_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  gboolean counts = dw_agent_figure_info (self->figure)->unit == DW_FIGURE_UNIT_COUNT;
  GdkRGBA text = fg_color (widget, 0.7);
  GdkRGBA axis = fg_color (widget, 0.25);
  GdkRGBA accent = accent_color (widget);
  double min = INFINITY, max = -INFINITY, step;
  graphene_rect_t plot;
  guint n = self->values->len;
  gboolean drawing = FALSE;
  cairo_t *cr;

  if (width < LEFT + RIGHT + 20 || height < TOP + BOTTOM + 20)
    return;
  plot = GRAPHENE_RECT_INIT (LEFT, TOP, width - LEFT - RIGHT, height - TOP - BOTTOM);

  for (guint i = 0; i < n; i++)
    {
      double v = g_array_index (self->values, double, i);

      if (!isnan (v))
        {
          min = MIN (min, v);
          max = MAX (max, v);
        }
    }

  /* Axes, whatever the data: an empty period still shows what it would show. */
  gtk_snapshot_append_color (snapshot, &axis,
                             &GRAPHENE_RECT_INIT (LEFT, TOP, 1, plot.size.height));
  gtk_snapshot_append_color (snapshot, &axis,
                             &GRAPHENE_RECT_INIT (LEFT, TOP + plot.size.height, plot.size.width, 1));

  if (n > 0)
    {
      guint marks[] = { 0, n / 2, n - 1 };

      step = plot.size.width / n;
      for (guint k = 0; k < G_N_ELEMENTS (marks); k++)
        {
          const char *date = g_ptr_array_index (self->dates, marks[k]);

          if (k > 0 && marks[k] == marks[k - 1])
            continue;
          /* "11-22": the year is in the period above the chart. */
          draw_text (widget, snapshot, strlen (date) == 10 ? date + 5 : date,
                     LEFT + (marks[k] + 0.5) * step, TOP + plot.size.height + 3, 0.5, 0, &text);
        }
    }

  if (isinf (min))
    {
      draw_text (widget, snapshot, _("No data for this period"), LEFT + plot.size.width / 2,
                 TOP + plot.size.height / 2, 0.5, 0.5, &text);
      return;
    }
  if (counts || min > 0)
    min = 0;
  if (max - min < 1e-9)
    max = min + 1;

  {
    g_autofree char *top_label = dw_agent_format_value (self->figure, max);
    g_autofree char *bottom_label = dw_agent_format_value (self->figure, min);

    draw_text (widget, snapshot, top_label, LEFT - 6, TOP, 1.0, 0, &text);
    draw_text (widget, snapshot, bottom_label, LEFT - 6, TOP + plot.size.height, 1.0, 1.0, &text);
  }

  step = plot.size.width / n;
  if (counts)
    {
      GdkRGBA fill = accent;

      fill.alpha = 0.6;
      for (guint i = 0; i < n; i++)
        {
          double v = g_array_index (self->values, double, i);
          double h = plot.size.height * (v - min) / (max - min);

          if (isnan (v))
            continue;
          gtk_snapshot_append_color (snapshot, &fill,
                                     &GRAPHENE_RECT_INIT (LEFT + i * step + step * 0.15,
                                                          TOP + plot.size.height - h,
                                                          MAX (step * 0.7, 1), h));
        }
      return;
    }

  /* A little past the plot: a dot on its top edge is drawn whole. */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (plot.origin.x - 4,
                                                                 plot.origin.y - 4,
                                                                 plot.size.width + 8,
                                                                 plot.size.height + 8));
  gdk_cairo_set_source_rgba (cr, &accent);
  cairo_set_line_width (cr, 2);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < n; i++)
    {
      double v = g_array_index (self->values, double, i);
      double x = LEFT + (i + 0.5) * step;
      double y;

      if (isnan (v))
        {
          drawing = FALSE;
          continue;
        }
      y = TOP + plot.size.height * (1.0 - (v - min) / (max - min));
      if (!drawing)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
      drawing = TRUE;
    }
  cairo_stroke (cr);
  for (guint i = 0; i < n; i++)
    {
      double v = g_array_index (self->values, double, i);

      if (isnan (v))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, LEFT + (i + 0.5) * step,
                 TOP + plot.size.height * (1.0 - (v - min) / (max - min)), 3, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
}

static void
dw_trend_chart_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 360;
    }
  else
    {
      *minimum = 110;
      *natural = 130;
    }
}

static void
dw_trend_chart_finalize (GObject *object)
{
  DwTrendChart *self = DW_TREND_CHART (object);

  g_array_unref (self->values);
  g_ptr_array_unref (self->dates);
  g_free (self->description);

  G_OBJECT_CLASS (dw_trend_chart_parent_class)->finalize (object);
}

static void
dw_trend_chart_class_init (DwTrendChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = dw_trend_chart_finalize;
  widget_class->snapshot = dw_trend_chart_snapshot;
  widget_class->measure = dw_trend_chart_measure;

  gtk_widget_class_set_css_name (widget_class, "trendchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
dw_trend_chart_init (DwTrendChart *self)
{
  self->values = g_array_new (FALSE, FALSE, sizeof (double));
  self->dates = g_ptr_array_new_with_free_func (g_free);
}

GtkWidget *
dw_trend_chart_new (void)
{
  return g_object_new (DW_TYPE_TREND_CHART, NULL);
}

void
dw_trend_chart_set_series (DwTrendChart   *self,
                           DwAgentMetrics *agent,
                           DwAgentFigure   figure)
{
  g_autoptr(GString) words = NULL;
  guint n;

  g_return_if_fail (DW_IS_TREND_CHART (self));
  g_return_if_fail (agent == NULL || DW_IS_AGENT_METRICS (agent));

  self->figure = figure;
  g_array_set_size (self->values, 0);
  g_ptr_array_set_size (self->dates, 0);
  n = agent != NULL ? dw_agent_metrics_get_n_days (agent) : 0;
  /* Translators: the start of a chart's description for screen readers, e.g. "Solved, per
   * day: 2026-11-21 4, 2026-11-22 7" */
  words = g_string_new (NULL);
  g_string_printf (words, _("%s, per day:"), dw_agent_figure_title (figure));
  for (guint i = 0; i < n; i++)
    {
      double v = dw_agent_metrics_get_daily (agent, figure, i);
      g_autofree char *shown = dw_agent_format_value (figure, v);

      g_array_append_val (self->values, v);
      g_ptr_array_add (self->dates, g_strdup (dw_agent_metrics_get_date (agent, i)));
      g_string_append_printf (words, "%s %s %s", i > 0 ? "," : "",
                              dw_agent_metrics_get_date (agent, i), shown);
    }
  g_free (self->description);
  self->description = g_string_free (g_steal_pointer (&words), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->description, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
dw_trend_chart_get_description (DwTrendChart *self)
{
  g_return_val_if_fail (DW_IS_TREND_CHART (self), NULL);
  return self->description;
}
