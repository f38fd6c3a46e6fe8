/* dw-widget-util.h: small helpers shared by the console's widgets. */
#pragma once

#include <gtk/gtk.h>

#include "dw-sync.h"

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

/* Whether a section offers @team_id to @me in its team picker. */
typedef gboolean (*DwTeamOffered) (DwUser *me,
                                   gint64  team_id);

/* Fills a section's team picker — @names, shown by @drop_down, and @ids, parallel to it — with
 * the teams of @sync that @offered says yes to, keeping @current selected when it is still
 * offered, the first team otherwise; shown only from two teams on.  Returns the team now
 * selected, 0 for none.  Block the picker's notify::selected handler around the call. */
gint64 dw_team_picker_fill (GtkDropDown   *drop_down,
                            GtkStringList *names,
                            GArray        *ids,
                            DwSync        *sync,
                            DwTeamOffered  offered,
                            gint64         current);

G_END_DECLS
