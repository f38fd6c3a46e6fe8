/* dw-window.h: the main window: the welcome page, or a desk's sections under its connection
 * banner.  The window shows a DwSession the application owns; closing it does not end the
 * session when the console keeps watching in the background.
 */
#pragma once

#include <adwaita.h>

#include "dw-account.h"
#include "dw-session.h"
#include "dw-welcome-page.h"

G_BEGIN_DECLS

#define DW_TYPE_WINDOW (dw_window_get_type ())
G_DECLARE_FINAL_TYPE (DwWindow, dw_window, DW, WINDOW, AdwApplicationWindow)

typedef struct _DwApplication DwApplication;

DwWindow      *dw_window_new                 (DwApplication *application);
DwWelcomePage *dw_window_get_welcome_page    (DwWindow      *self);
GtkWidget     *dw_window_get_queues_page     (DwWindow      *self);
GtkWidget     *dw_window_get_sla_board       (DwWindow      *self);
GtkWidget     *dw_window_get_banner          (DwWindow      *self);
/* Shows the desk of @session (NULL: the welcome page). */
void           dw_window_set_session         (DwWindow      *self,
                                              DwSession     *session);
DwSession     *dw_window_get_session         (DwWindow      *self);
/* While a saved desk signs in silently. */
void           dw_window_show_signing_in     (DwWindow      *self,
                                              const char    *label);
/* The welcome page, emptied for a new desk. */
/* The welcome page, empty; with a Back button while a desk is open behind it (Add Desk…). */
void           dw_window_show_welcome        (DwWindow      *self);
/* For tests: the Desks submenu's desk section, the main menu, and the header bar's
 * "desk · user". */
GMenuModel    *dw_window_get_desks_menu      (DwWindow      *self);
GMenuModel    *dw_window_get_primary_menu    (DwWindow      *self);
const char    *dw_window_get_desk_text       (DwWindow      *self);
/* The welcome page filled for @account, saying @message (a refused token, a locked keyring…). */
void           dw_window_ask_sign_in_again   (DwWindow      *self,
                                              DwAccount     *account,
                                              const char    *message);
/* What the window shows: "welcome", "signing-in" or "desk". */
const char    *dw_window_get_mode            (DwWindow      *self);
void           dw_window_show_ticket         (DwWindow      *self,
                                              gint64         ticket_id);
void           dw_window_show_section        (DwWindow      *self,
                                              const char    *name);
void           dw_window_add_toast           (DwWindow      *self,
                                              const char    *title);
void           dw_window_let_popovers_go     (DwWindow      *self);

G_END_DECLS
