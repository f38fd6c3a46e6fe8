/* dw-secret-store.h: sign-in tokens in the user's keyring (libsecret), and nowhere else.
 *
 * One secret per desk and user, found by the attributes `server` (the service's base URL) and
 * `username` of the schema "org.deskwatch.Deskwatch.Token".  Storing again under the same
 * attributes replaces the old token.  No GTK here: tests reach it without a display.
 *
 * Failures of the keyring itself come in the DW_SECRET_ERROR domain, so the console can tell
 * "no keyring" and "locked" from "nothing stored" (a lookup that finds nothing is not an
 * error: it returns NULL without setting one).  Cancellation stays G_IO_ERROR_CANCELLED.
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

#define DW_SECRET_ERROR (dw_secret_error_quark ())

typedef enum
{
  DW_SECRET_ERROR_NO_SERVICE,  /* no session bus or no Secret Service on it */
  DW_SECRET_ERROR_LOCKED,      /* the keyring is locked and could not be unlocked */
  DW_SECRET_ERROR_FAILED,      /* anything else the keyring said */
  DW_SECRET_ERROR_NOT_FOUND,   /* nothing stored (only DwAccountManager's restore says so) */
} DwSecretError;

GQuark             dw_secret_error_quark       (void);

const SecretSchema *dw_secret_store_get_schema (void) G_GNUC_CONST;

/* Stores @token (not logged, not kept) for @server_url and @username. */
void      dw_secret_store_save_async    (const char          *server_url,
                                         const char          *username,
                                         const char          *token,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean  dw_secret_store_save_finish   (GAsyncResult        *result,
                                         GError             **error);

/* Returns the token (free it with dw_secret_store_free_token, which wipes it), or NULL:
 * with @error set when the keyring failed, without when nothing is stored. */
void      dw_secret_store_lookup_async  (const char          *server_url,
                                         const char          *username,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
char     *dw_secret_store_lookup_finish (GAsyncResult        *result,
                                         GError             **error);

/* Deletes the token; succeeds when there was none. */
void      dw_secret_store_clear_async   (const char          *server_url,
                                         const char          *username,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean  dw_secret_store_clear_finish  (GAsyncResult        *result,
                                         GError             **error);

void      dw_secret_store_free_token    (char                *token);

/* Maps an error of libsecret or D-Bus into DW_SECRET_ERROR (cancellation is kept as is). */
GError   *dw_secret_store_map_error     (const GError        *error);

G_END_DECLS
