/* dw-application.h: the console: its settings, saved desks, the demo service, and the one
 * signed-in session the windows show.
 *
 * Start-up signs in silently to the active saved desk (token from the keyring); with
 * `--demo`, or "Explore the Demo", it starts the bundled deskwatchd and signs in as its lead.
 * The demo service stops when the console quits.
 */
#pragma once

#include <adwaita.h>

#include "dw-account-manager.h"
#include "dw-demo-launcher.h"
#include "dw-session.h"

G_BEGIN_DECLS

/* The target of app.switch-account for the demo desk (no saved account has a bare word as
 * its id: theirs are "URL USERNAME"). */
#define DW_DEMO_ACCOUNT_ID "demo"

#define DW_TYPE_APPLICATION (dw_application_get_type ())
G_DECLARE_FINAL_TYPE (DwApplication, dw_application, DW, APPLICATION, AdwApplication)

DwApplication    *dw_application_new                 (void);
GSettings        *dw_application_get_settings        (DwApplication *self);
DwAccountManager *dw_application_get_account_manager (DwApplication *self);
DwDemoLauncher   *dw_application_get_demo_launcher   (DwApplication *self);
/* The signed-in desk, or NULL. */
DwSession        *dw_application_get_session         (DwApplication *self);
/* After a sign-in with a password or the demo: @account is NULL when nothing was saved. */
void              dw_application_start_session       (DwApplication *self,
                                                      DwClient      *client,
                                                      DwAccount     *account);
/* Signs in silently to @account from the keyring. */
void              dw_application_restore             (DwApplication *self,
                                                      DwAccount     *account);
/* Whether the console keeps running with no window (run-in-background). */
gboolean          dw_application_get_in_background   (DwApplication *self);

G_END_DECLS
