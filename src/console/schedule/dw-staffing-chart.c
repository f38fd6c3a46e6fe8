/* dw-staffing-chart.c
 *
 * GTK 4.8 has no path builder: columns are gtk_snapshot_append_color rectangles and the lines
 * go through cairo.  Every colour comes from the style (libadwaita's named colours and the
 * foreground), so dark mode and high contrast follow by themselves.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-clock.h"
#include "dw-staffing-chart.h"

typedef struct
{
  gint64 starts_at;
  gint64 ends_at;
  double forecast;
  int    actual;     /* -1: not begun */
  int    required;
  int    scheduled;
  int    online;     /* -1: not begun */
} Interval;

struct _DwStaffingChart
{
  GtkWidget  parent_instance;

  GArray    *intervals;   /* of Interval */
  gint64     now;
};

G_DEFINE_FINAL_TYPE (DwStaffingChart, dw_staffing_chart, GTK_TYPE_WIDGET)

#define LEFT 36.0
#define BOTTOM 20.0
#define TOP 22.0
#define GAP 10.0

static GdkRGBA
named_color (GtkWidget  *widget,
             const char *name,
             const char *fallback)
{
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  GdkRGBA color;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (style, name, &color))
    gdk_rgba_parse (&color, fallback);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return color;
}

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

static int
nullable_int (JsonObject *object,
              const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return -1;
  return (int) json_node_get_int (node);
}

static void
draw_text (GtkWidget   *widget,
           GtkSnapshot *snapshot,
           const char  *text,
           double       x,
           double       y,
           double       xalign,
           GdkRGBA     *color)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x - width * xalign, y - height / 2.0));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
draw_line (GtkSnapshot    *snapshot,
           GArray         *intervals,
           gboolean        online,
           graphene_rect_t *area,
           double          max,
           GdkRGBA        *color,
           double          width)
{
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, area);
  double step = area->size.width / intervals->len;
  gboolean drawing = FALSE;

  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, width);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < intervals->len; i++)
    {
      Interval *v = &g_array_index (intervals, Interval, i);
      int value = online ? v->online : v->scheduled;
      double y;

      if (value < 0)
        {
          drawing = FALSE;
          continue;
        }
      y = area->origin.y + area->size.height * (1.0 - value / max);
      /* A step line: staffing holds for the whole interval. */
      if (!drawing)
        cairo_move_to (cr, area->origin.x + i * step, y);
      else
        cairo_line_to (cr, area->origin.x + i * step, y);
      cairo_line_to (cr, area->origin.x + (i + 1) * step, y);
      drawing = TRUE;
    }
  cairo_stroke (cr);
  cairo_destroy (cr);
}

static void
dw_staffing_chart_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  DwStaffingChart *self = DW_STAFFING_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  GdkRGBA accent = named_color (widget, "accent_color", "#3584e4");
  GdkRGBA success = named_color (widget, "success_color", "#26a269");
  GdkRGBA error = named_color (widget, "error_color", "#c01c28");
  GdkRGBA warning = named_color (widget, "warning_color", "#cd9309");
  GdkRGBA text = fg_color (widget, 0.7);
  GdkRGBA grid = fg_color (widget, 0.12);
  GdkRGBA arrivals = fg_color (widget, 0.3);
  GdkRGBA columns = accent;
  graphene_rect_t top, bottom;
  double max = 1, max_arrivals = 1, step;
  guint n = self->intervals->len;

  if (n == 0 || width < LEFT + 20 || height < TOP + BOTTOM + 40)
    return;

  columns.alpha = 0.35;
  for (guint i = 0; i < n; i++)
    {
      Interval *v = &g_array_index (self->intervals, Interval, i);

      max = MAX (max, MAX (v->required, MAX (v->scheduled, v->online)));
      max_arrivals = MAX (max_arrivals, MAX (v->forecast, v->actual));
    }
  /* Whole agents per grid line: four lines of a round step. */
  max = 4 * ceil (max * 1.1 / 4);
  max_arrivals = ceil (max_arrivals * 1.1);

  top = GRAPHENE_RECT_INIT (LEFT, TOP, width - LEFT - 8,
                            (height - TOP - BOTTOM - GAP) * 0.7);
  bottom = GRAPHENE_RECT_INIT (LEFT, top.origin.y + top.size.height + GAP, top.size.width,
                               (height - TOP - BOTTOM - GAP) * 0.3);
  step = top.size.width / n;

  /* Grid: a line at every whole-agent tick that fits, a label on the left. */
  for (int k = 0; k <= 4; k++)
    {
      double value = max * k / 4.0;
      double y = top.origin.y + top.size.height * (1.0 - k / 4.0);
      g_autofree char *label = g_strdup_printf ("%.0f", value);

      gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (LEFT, y, top.size.width, 1));
      draw_text (widget, snapshot, label, LEFT - 6, y, 1.0, &text);
    }

  for (guint i = 0; i < n; i++)
    {
      Interval *v = &g_array_index (self->intervals, Interval, i);
      double x = top.origin.x + i * step;
      double h = top.size.height * v->required / max;
      GdkRGBA short_fill = error;

      gtk_snapshot_append_color (snapshot, &columns,
                                 &GRAPHENE_RECT_INIT (x + 1, top.origin.y + top.size.height - h,
                                                      MAX (step - 2, 1), h));
      /* A short interval: a band along the bottom, readable without colour by its gap in
       * the table beside the chart. */
      if (v->scheduled < v->required)
        {
          short_fill.alpha = 0.85;
          gtk_snapshot_append_color (snapshot, &short_fill,
                                     &GRAPHENE_RECT_INIT (x, top.origin.y + top.size.height - 4,
                                                          step, 4));
        }

      if (v->actual >= 0)
        {
          double ah = bottom.size.height * v->actual / max_arrivals;

          gtk_snapshot_append_color (snapshot, &arrivals,
                                     &GRAPHENE_RECT_INIT (x + 1,
                                                          bottom.origin.y + bottom.size.height - ah,
                                                          MAX (step - 2, 1), ah));
        }

    }
  gtk_snapshot_append_color (snapshot, &grid,
                             &GRAPHENE_RECT_INIT (LEFT, bottom.origin.y + bottom.size.height,
                                                  bottom.size.width, 1));
  {
    g_autofree char *label = g_strdup_printf ("%.0f", max_arrivals);

    gtk_snapshot_append_color (snapshot, &grid,
                               &GRAPHENE_RECT_INIT (LEFT, bottom.origin.y, bottom.size.width, 1));
    draw_text (widget, snapshot, label, LEFT - 6, bottom.origin.y, 1.0, &text);
    draw_text (widget, snapshot, "0", LEFT - 6, bottom.origin.y + bottom.size.height, 1.0, &text);
  }

  draw_line (snapshot, self->intervals, FALSE, &top, max, &accent, 2.5);
  draw_line (snapshot, self->intervals, TRUE, &top, max, &success, 2.0);

  /* Forecast arrivals as a line over the actual ones. */
  {
    cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &bottom);

    gdk_cairo_set_source_rgba (cr, &warning);
    cairo_set_line_width (cr, 2);
    for (guint i = 0; i < n; i++)
      {
        Interval *v = &g_array_index (self->intervals, Interval, i);
        double x = bottom.origin.x + (i + 0.5) * step;
        double y = bottom.origin.y + bottom.size.height * (1.0 - v->forecast / max_arrivals);

        if (i == 0)
          cairo_move_to (cr, x, y);
        else
          cairo_line_to (cr, x, y);
      }
    cairo_stroke (cr);
    cairo_destroy (cr);
  }

  /* The x axis: the interval start every 3 hours (intervals are in the team's zone, the
   * first one starting at its midnight). */
  for (guint i = 0; i < n; i += MAX (1, n / 8))
    {
      Interval *v = &g_array_index (self->intervals, Interval, i);
      gint64 minutes = (v->starts_at - g_array_index (self->intervals, Interval, 0).starts_at) / 60;
      g_autofree char *label = g_strdup_printf ("%02d:%02d", (int) (minutes / 60) % 24,
                                                (int) (minutes % 60));

      draw_text (widget, snapshot, label, LEFT + i * step, height - BOTTOM / 2, 0.0, &text);
    }

  /* Now */
  {
    gint64 first = g_array_index (self->intervals, Interval, 0).starts_at;
    gint64 last = g_array_index (self->intervals, Interval, n - 1).ends_at;

    if (self->now >= first && self->now < last)
      {
        double x = LEFT + top.size.width * (self->now - first) / (double) (last - first);
        GdkRGBA now_color = fg_color (widget, 0.9);

        gtk_snapshot_append_color (snapshot, &now_color,
                                   &GRAPHENE_RECT_INIT (x - 1, TOP - 4,
                                                        2, bottom.origin.y + bottom.size.height - TOP + 4));
        draw_text (widget, snapshot, _("now"), x + 4, TOP - 10, 0.0, &now_color);
      }
  }
}

static void
dw_staffing_chart_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 200;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 720 : 320;
}

static void
dw_staffing_chart_css_changed (GtkWidget         *widget,
                               GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (dw_staffing_chart_parent_class)->css_changed (widget, change);
  /* Dark mode switched: the named colours changed. */
  gtk_widget_queue_draw (widget);
}

static void
dw_staffing_chart_finalize (GObject *object)
{
  DwStaffingChart *self = DW_STAFFING_CHART (object);

  g_clear_pointer (&self->intervals, g_array_unref);
  G_OBJECT_CLASS (dw_staffing_chart_parent_class)->finalize (object);
}

static void
dw_staffing_chart_class_init (DwStaffingChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = dw_staffing_chart_finalize;
  widget_class->snapshot = dw_staffing_chart_snapshot;
  widget_class->measure = dw_staffing_chart_measure;
  widget_class->css_changed = dw_staffing_chart_css_changed;

  gtk_widget_class_set_css_name (widget_class, "staffingchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
dw_staffing_chart_init (DwStaffingChart *self)
{
  self->intervals = g_array_new (FALSE, FALSE, sizeof (Interval));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Staffing through the day"), -1);
}

GtkWidget *
dw_staffing_chart_new (void)
{
  return g_object_new (DW_TYPE_STAFFING_CHART, NULL);
}

void
dw_staffing_chart_set_day (DwStaffingChart *self,
                           JsonObject      *day)
{
  JsonArray *intervals;

  g_return_if_fail (DW_IS_STAFFING_CHART (self));

  g_array_set_size (self->intervals, 0);
  intervals = day != NULL && json_object_has_member (day, "intervals")
              ? json_object_get_array_member (day, "intervals") : NULL;
  for (guint i = 0; intervals != NULL && i < json_array_get_length (intervals); i++)
    {
      JsonObject *object = json_array_get_object_element (intervals, i);
      Interval v = { 0 };

      dw_time_from_iso8601 (json_object_get_string_member (object, "start"), &v.starts_at);
      dw_time_from_iso8601 (json_object_get_string_member (object, "end"), &v.ends_at);
      v.forecast = json_object_get_double_member_with_default (object, "forecast", 0);
      v.actual = nullable_int (object, "actual");
      v.required = MAX (nullable_int (object, "required"), 0);
      v.scheduled = MAX (nullable_int (object, "scheduled"), 0);
      v.online = nullable_int (object, "online");
      g_array_append_val (self->intervals, v);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
dw_staffing_chart_set_now (DwStaffingChart *self,
                           gint64           now)
{
  g_return_if_fail (DW_IS_STAFFING_CHART (self));

  if (self->now == now)
    return;
  self->now = now;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
dw_staffing_chart_get_n_intervals (DwStaffingChart *self)
{
  g_return_val_if_fail (DW_IS_STAFFING_CHART (self), 0);
  return self->intervals->len;
}

gboolean
dw_staffing_chart_get_interval (DwStaffingChart *self,
                                guint            i,
                                gint64          *starts_at,
                                int             *required,
                                int             *scheduled,
                                int             *online)
{
  Interval *v;

  g_return_val_if_fail (DW_IS_STAFFING_CHART (self), FALSE);

  if (i >= self->intervals->len)
    return FALSE;
  v = &g_array_index (self->intervals, Interval, i);
  if (starts_at != NULL)
    *starts_at = v->starts_at;
  if (required != NULL)
    *required = v->required;
  if (scheduled != NULL)
    *scheduled = v->scheduled;
  if (online != NULL)
    *online = v->online;
  return TRUE;
}
