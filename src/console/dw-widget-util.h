/* dw-widget-util.h: small helpers shared by the console's widgets. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* gtk_widget_dispose_template() for a widget whose parent type is GtkWidget: GTK 4.8 clears only
 * the template children bound to a struct member, so the unnamed ones are unparented here too. */
void dw_widget_dispose_template (GtkWidget *widget,
                                 GType      widget_type);

/* The first descendant of @widget (depth first, @widget excluded) that is a @type, or NULL:
 * for the parts GTK 4.8 and libadwaita 1.2 build inside a widget and give no way to reach. */
GtkWidget *dw_widget_find_descendant (GtkWidget *widget,
                                      GType      type);

/* Hides @button's tooltip while its menu is open: GTK 4.8 leaves the tooltip on top of the
 * popover the click opened, covering its first items. */
void dw_menu_button_quiet_tooltip (GtkMenuButton *button);

/* Loads the style sheet at @resource for the default display, once, above the theme like the
 * application's own: for a section's style, loaded when its first page is made. */
void dw_widget_load_style (const char *resource);

/* F6 and Shift+F6, as in GNOME's own applications: moves the keyboard focus to the first
 * widget that takes it in the next (@direction 1) or previous (-1) pane of @root, a pane being
 * a drawable descendant with the style class "dw-pane" (panes do not nest), in tree order, round
 * and round.  Returns whether the focus moved. */
gboolean dw_widget_focus_pane (GtkWidget *root,
                               int        direction);
/* The panes of @root in the order F6 visits them (drawable descendants with the style class
 * "dw-pane"); a new array of borrowed widgets. */
GPtrArray *dw_widget_collect_panes (GtkWidget *root);

G_END_DECLS
