/* dw-welcome-page.h: the first page: connect to a server, or explore the demo.
 *
 * Signing in with a password stores the token in the keyring through the DwAccountManager
 * and saves the account; when the keyring is locked or missing it says so and offers
 * "Continue Without Saving".  "Explore the Demo" starts the bundled service (DwDemoLauncher)
 * and signs in as its lead without saving anything.  Either way it ends in "signed-in".
 *
 * Signals:
 *   "signed-in": void (*) (DwWelcomePage *, DwClient *client, DwAccount *account, gpointer)
 *     @client holds the token; @account is the saved account, or NULL when nothing was saved
 *     (the demo, or continuing without the keyring).
 *   "back": void (*) (DwWelcomePage *, gpointer)
 *     the Back button: the desk behind the page should show again.
 */
#pragma once

#include <adwaita.h>

#include "dw-account-manager.h"
#include "dw-client.h"
#include "dw-demo-launcher.h"

G_BEGIN_DECLS

#define DW_TYPE_WELCOME_PAGE (dw_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (DwWelcomePage, dw_welcome_page, DW, WELCOME_PAGE, GtkWidget)

GtkWidget  *dw_welcome_page_new                  (void);

void        dw_welcome_page_set_account_manager  (DwWelcomePage    *self,
                                                  DwAccountManager *manager);
void        dw_welcome_page_set_demo_launcher    (DwWelcomePage    *self,
                                                  DwDemoLauncher   *launcher);

/* Fills the rows (NULL leaves one as it is) and clears any message. */
void        dw_welcome_page_set_fields           (DwWelcomePage    *self,
                                                  const char       *server_url,
                                                  const char       *username,
                                                  const char       *password);
/* After a refused silent sign-in: the rows filled for @account, @message shown, the
 * password focused. */
void        dw_welcome_page_ask_sign_in_again    (DwWelcomePage    *self,
                                                  DwAccount        *account,
                                                  const char       *message);
/* Resets the page for a new desk (empty rows, no message). */
void        dw_welcome_page_reset                (DwWelcomePage    *self);

/* What the buttons do; also for tests. */
void        dw_welcome_page_sign_in              (DwWelcomePage    *self);
void        dw_welcome_page_explore_demo         (DwWelcomePage    *self);
void        dw_welcome_page_continue_without_saving (DwWelcomePage *self);
/* Stops a sign-in or demo start in flight; the rows stay as typed. */
void        dw_welcome_page_cancel               (DwWelcomePage    *self);
/* A Back button for when a desk is still open behind the page ("Add Desk…"): it emits
 * "back". */
void        dw_welcome_page_set_can_go_back      (DwWelcomePage    *self,
                                                  gboolean          can_go_back);
gboolean    dw_welcome_page_get_can_go_back      (DwWelcomePage    *self);
/* For tests. */
GtkWidget  *dw_welcome_page_get_demo_button      (DwWelcomePage    *self);
GtkWidget  *dw_welcome_page_get_sign_in_button   (DwWelcomePage    *self);

/* For tests: the message shown (NULL for none), whether it works, whether "Continue Without
 * Saving" is offered. */
const char *dw_welcome_page_get_message          (DwWelcomePage    *self);
gboolean    dw_welcome_page_get_busy             (DwWelcomePage    *self);
gboolean    dw_welcome_page_get_can_continue     (DwWelcomePage    *self);

/* A failure of signing in, in words for a team lead.  @silent: it happened with a saved
 * token rather than a password; @tls_errors: dw_client_get_tls_errors(). */
char       *dw_welcome_page_describe_error       (const GError        *error,
                                                  const char          *server_url,
                                                  gboolean             silent,
                                                  GTlsCertificateFlags tls_errors);

G_END_DECLS
