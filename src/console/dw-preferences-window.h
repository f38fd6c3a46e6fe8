/* dw-preferences-window.h: the console's preferences: which SLA changes alert, about which
 * teams, quiet hours, running in the background, and the style.  Everything is a GSettings key
 * of org.deskwatch.Deskwatch, written as it is changed.
 */
#pragma once

#include <adwaita.h>

#include "dw-sync.h"

G_BEGIN_DECLS

#define DW_TYPE_PREFERENCES_WINDOW (dw_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (DwPreferencesWindow, dw_preferences_window, DW, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* @sync: the desk whose teams can be chosen, or NULL (no team list then). */
GtkWidget *dw_preferences_window_new (GtkWindow *parent,
                                      GSettings *settings,
                                      DwSync    *sync);

G_END_DECLS
