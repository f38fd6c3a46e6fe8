/* dw-sparkline.h: a figure's daily series as a small line, drawn with GtkSnapshot, for a table
 * cell.  Days without a value (null) leave a gap.  Its accessible label says the series in
 * words, so the line is never the only way to the numbers. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DW_TYPE_SPARKLINE (dw_sparkline_get_type ())
G_DECLARE_FINAL_TYPE (DwSparkline, dw_sparkline, DW, SPARKLINE, GtkWidget)

GtkWidget *dw_sparkline_new        (void);
/* @values: @n values, NAN for a day without one (copied).  @description: the series in words
 * for screen readers, e.g. "Solved per day: 3, 5, 4" (NULL: none). */
void       dw_sparkline_set_values (DwSparkline  *self,
                                    const double *values,
                                    guint         n,
                                    const char   *description);
guint      dw_sparkline_get_n_values (DwSparkline *self);

G_END_DECLS
