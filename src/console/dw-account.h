/* dw-account.h: one saved desk: a service's base URL, a username and a label.
 *
 * What GSettings keeps of a sign-in; the token belongs to the keyring (DwSecretStore).
 * Immutable once made; the id "SERVER-URL USERNAME" names it in actions and settings.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DW_TYPE_ACCOUNT (dw_account_get_type ())
G_DECLARE_FINAL_TYPE (DwAccount, dw_account, DW, ACCOUNT, GObject)

DwAccount  *dw_account_new            (const char *server_url,
                                       const char *username,
                                       const char *label);

const char *dw_account_get_server_url (DwAccount  *self);
const char *dw_account_get_username   (DwAccount  *self);
const char *dw_account_get_label      (DwAccount  *self);
const char *dw_account_get_id         (DwAccount  *self);

/* "SERVER-URL USERNAME": a URL has no spaces, so the first one separates them. */
char       *dw_account_make_id        (const char *server_url,
                                       const char *username);
/* A label for a new account, e.g. "lead on desk.example.com". */
char       *dw_account_make_label     (const char *server_url,
                                       const char *username);

G_END_DECLS
