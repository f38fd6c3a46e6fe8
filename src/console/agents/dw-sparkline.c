/* dw-sparkline.c
 *
 * GTK 4.8 has no path builder, so the line goes through cairo, in the foreground colour of the
 * style (dark mode follows); a lone day with a value is a dot, so a series with gaps still
 * shows every value it has.
 */
#include "config.h"

#include <math.h>

#include "dw-sparkline.h"

struct _DwSparkline
{
  GtkWidget  parent_instance;

  GArray    *values;   /* of double */
};

G_DEFINE_FINAL_TYPE (DwSparkline, dw_sparkline, GTK_TYPE_WIDGET)

#define PAD 2.0

static void
dw_sparkline_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  DwSparkline *self = DW_SPARKLINE (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double min = INFINITY, max = -INFINITY, step;
  guint n = self->values->len;
  gboolean drawing = FALSE;
  GdkRGBA color;
  cairo_t *cr;

  if (n == 0 || width <= 2 * PAD || height <= 2 * PAD)
    return;
  for (guint i = 0; i < n; i++)
    {
      double v = g_array_index (self->values, double, i);

      if (isnan (v))
        continue;
      min = MIN (min, v);
      max = MAX (max, v);
    }
  if (isinf (min))
    return;
  /* A flat series sits in the middle rather than on an edge. */
  if (max - min < 1e-9)
    {
      min -= 1;
      max += 1;
    }

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  color.alpha *= 0.75;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  step = n > 1 ? (width - 2 * PAD) / (n - 1) : 0;
  for (guint i = 0; i < n; i++)
    {
      double v = g_array_index (self->values, double, i);
      double x = n > 1 ? PAD + i * step : width / 2;
      double y;
      gboolean alone;

      if (isnan (v))
        {
          drawing = FALSE;
          continue;
        }
      y = PAD + (height - 2 * PAD) * (1.0 - (v - min) / (max - min));
      alone = !drawing && (i + 1 >= n || isnan (g_array_index (self->values, double, i + 1)));
      if (alone)
        {
          cairo_new_sub_path (cr);
          cairo_arc (cr, x, y, 1.5, 0, 2 * G_PI);
          cairo_fill (cr);
          continue;
        }
      if (!drawing)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
      drawing = TRUE;
    }
  cairo_stroke (cr);
  cairo_destroy (cr);
}

static void
dw_sparkline_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 40;
      *natural = 56;
    }
  else
    {
      *minimum = 16;
      *natural = 20;
    }
}

static void
dw_sparkline_finalize (GObject *object)
{
  DwSparkline *self = DW_SPARKLINE (object);

  g_array_unref (self->values);

  G_OBJECT_CLASS (dw_sparkline_parent_class)->finalize (object);
}

static void
dw_sparkline_class_init (DwSparklineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = dw_sparkline_finalize;
  widget_class->snapshot = dw_sparkline_snapshot;
  widget_class->measure = dw_sparkline_measure;

  gtk_widget_class_set_css_name (widget_class, "sparkline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
dw_sparkline_init (DwSparkline *self)
{
  self->values = g_array_new (FALSE, FALSE, sizeof (double));
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
}

GtkWidget *
dw_sparkline_new (void)
{
  return g_object_new (DW_TYPE_SPARKLINE, NULL);
}

void
dw_sparkline_set_values (DwSparkline  *self,
                         const double *values,
                         guint         n,
                         const char   *description)
{
  g_return_if_fail (DW_IS_SPARKLINE (self));
  g_return_if_fail (n == 0 || values != NULL);

  g_array_set_size (self->values, 0);
  if (n > 0)
    g_array_append_vals (self->values, values, n);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  description != NULL ? description : "", -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
dw_sparkline_get_n_values (DwSparkline *self)
{
  g_return_val_if_fail (DW_IS_SPARKLINE (self), 0);
  return self->values->len;
}
