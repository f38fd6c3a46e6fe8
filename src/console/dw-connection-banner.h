/* dw-connection-banner.h: a strip under the header bar saying whether the data is live.
 *
 * Follows a DwSync: hidden while CONNECTED; "Connecting…"; "Reconnecting since HH:MM — data as
 * of HH:MM is not live" with Retry Now; "Offline — data as of HH:MM"; and, when the service
 * refused the token, "Signed out by the server: sign in again" with a Sign In button that
 * emits "sign-in-requested".  (AdwBanner only arrives in libadwaita 1.3.)
 */
#pragma once

#include <gtk/gtk.h>

#include "dw-sync.h"

G_BEGIN_DECLS

#define DW_TYPE_CONNECTION_BANNER (dw_connection_banner_get_type ())
G_DECLARE_FINAL_TYPE (DwConnectionBanner, dw_connection_banner, DW, CONNECTION_BANNER, GtkWidget)

GtkWidget  *dw_connection_banner_new         (void);

void        dw_connection_banner_set_sync    (DwConnectionBanner *self,
                                              DwSync             *sync);
DwSync     *dw_connection_banner_get_sync    (DwConnectionBanner *self);

/* What it shows, for tests: revealed or not, the message and the button's label (NULL when
 * the button is hidden). */
gboolean    dw_connection_banner_get_revealed (DwConnectionBanner *self);
const char *dw_connection_banner_get_message  (DwConnectionBanner *self);
const char *dw_connection_banner_get_button_label (DwConnectionBanner *self);

G_END_DECLS
