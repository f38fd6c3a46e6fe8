/* dw-account-manager.h: the saved desks, and signing in to them.
 *
 * The accounts list (server URL, username, label) and the active one live in GSettings
 * (keys `accounts`, `active-account`); each account's token lives in the keyring only
 * (DwSecretStore).  No GTK here.
 *
 *   remember: after a sign-in with a password, store the token and save the account.
 *   restore:  the silent sign-in of the next start: token from the keyring → DwClient →
 *             GET /api/v1/me.  A 401 fails with DW_CLIENT_ERROR_UNAUTHORIZED (ask to sign in
 *             again; remembering the new token replaces the old secret).  A service that cannot
 *             be reached does not fail it: the token may well be good, and the live sync shows
 *             that it is reconnecting.
 *   sign out: revoke the token on the service, delete the secret, forget the account.
 */
#pragma once

#include <gio/gio.h>

#include "dw-account.h"
#include "dw-client.h"

G_BEGIN_DECLS

#define DW_TYPE_ACCOUNT_MANAGER (dw_account_manager_get_type ())
G_DECLARE_FINAL_TYPE (DwAccountManager, dw_account_manager, DW, ACCOUNT_MANAGER, GObject)

/* @settings: of the schema org.deskwatch.Deskwatch, or NULL for the default one. */
DwAccountManager *dw_account_manager_new             (GSettings         *settings);

GSettings        *dw_account_manager_get_settings    (DwAccountManager  *self);
/* The saved accounts (DwAccount), in the order they were added (transfer none). */
GListModel       *dw_account_manager_get_accounts    (DwAccountManager  *self);
DwAccount        *dw_account_manager_lookup          (DwAccountManager  *self,
                                                      const char        *id);
/* The account to sign in to at start; NULL for none.  Also the "active" property. */
DwAccount        *dw_account_manager_get_active      (DwAccountManager  *self);
void              dw_account_manager_set_active      (DwAccountManager  *self,
                                                      DwAccount         *account);

/* Saves an account (replacing one with the same id); returns the saved one (transfer none). */
DwAccount        *dw_account_manager_add             (DwAccountManager  *self,
                                                      const char        *server_url,
                                                      const char        *username,
                                                      const char        *label);
void              dw_account_manager_remove          (DwAccountManager  *self,
                                                      DwAccount         *account);

/* Stores @token in the keyring, then saves the account and makes it active.  Fails with
 * DW_SECRET_ERROR when the keyring cannot take it (nothing is saved then). */
void              dw_account_manager_remember_async  (DwAccountManager  *self,
                                                      const char        *server_url,
                                                      const char        *username,
                                                      const char        *token,
                                                      GCancellable      *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer           user_data);
DwAccount        *dw_account_manager_remember_finish (DwAccountManager  *self,
                                                      GAsyncResult      *result,
                                                      GError           **error);

/* The silent sign-in; returns a DwClient holding the token.  Errors: DW_SECRET_ERROR (with
 * DW_SECRET_ERROR_NOT_FOUND when no token is stored), DW_CLIENT_ERROR_UNAUTHORIZED,
 * DW_CLIENT_ERROR_TLS, DW_CLIENT_ERROR_PROTOCOL, DW_CLIENT_ERROR_FORBIDDEN. */
void              dw_account_manager_restore_async   (DwAccountManager  *self,
                                                      DwAccount         *account,
                                                      GCancellable      *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer           user_data);
DwClient         *dw_account_manager_restore_finish  (DwAccountManager  *self,
                                                      GAsyncResult      *result,
                                                      GError           **error);

/* Revokes @client's token (when it has one; a service that cannot be reached does not stop
 * the rest), deletes @account's secret and forgets @account.  Either may be NULL.  Fails only
 * when the keyring could not delete the secret. */
void              dw_account_manager_sign_out_async  (DwAccountManager  *self,
                                                      DwAccount         *account,
                                                      DwClient          *client,
                                                      GCancellable      *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer           user_data);
gboolean          dw_account_manager_sign_out_finish (DwAccountManager  *self,
                                                      GAsyncResult      *result,
                                                      GError           **error);

G_END_DECLS
