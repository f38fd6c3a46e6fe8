/* dw-auth.h: passwords, bearer tokens and the principal of a request.
 *
 * Passwords are hashed with libsodium's crypto_pwhash_str (Argon2id, interactive limits).
 * Tokens are "dwt_" + base64url of 32 bytes from randombytes_buf; only their BLAKE2b hash
 * (crypto_generichash, hex) is stored, so a copy of the database does not hand out sessions.
 */
#pragma once

#include <libsoup/soup.h>

#include "dw-clock.h"
#include "dw-principal.h"
#include "store/dw-store-backend.h"

G_BEGIN_DECLS

#define DW_AUTH_ERROR (dw_auth_error_quark ())

typedef enum
{
  DW_AUTH_ERROR_MISSING,          /* no token in the request */
  DW_AUTH_ERROR_INVALID,          /* unknown, revoked or expired token; disabled user */
  DW_AUTH_ERROR_BAD_CREDENTIALS,  /* wrong username or password */
  DW_AUTH_ERROR_BUSY,             /* too many password checks waiting already */
} DwAuthError;

GQuark dw_auth_error_quark (void);

/* Default lifetime of a token made by signing in. */
#define DW_AUTH_TOKEN_LIFETIME (30 * 24 * 3600)
#define DW_AUTH_TOKEN_PREFIX "dwt_"

/* Must be called once before any other function (sodium_init). */
gboolean     dw_auth_init                 (GError     **error);

char        *dw_auth_hash_password        (const char  *password,
                                           GError     **error);
gboolean     dw_auth_verify_password      (const char  *hash,
                                           const char  *password);

/* Hex BLAKE2b-256 of @token: what the tokens table stores. */
char        *dw_auth_token_hash           (const char  *token);

/* Password checks (Argon2id, 64 MiB each) that may run at once; 0 for the default. */
#define DW_AUTH_DEFAULT_PASSWORD_CHECKS 2
void         dw_auth_set_max_password_checks (guint n);

/* Checks @username / @password: the user is looked up at once, the (deliberately slow) hash
 * is verified in a worker thread.  _finish returns the user's id, or 0 with
 * DW_AUTH_ERROR_BAD_CREDENTIALS (same error for an unknown user, a wrong password, a disabled
 * user or one without password). */
void         dw_auth_check_password_async (DwStore             *store,
                                           const char          *username,
                                           const char          *password,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gint64       dw_auth_check_password_finish (GAsyncResult       *result,
                                            GError            **error);

/* Makes a new token for @user_id and stores its hash; @lifetime in seconds, 0 for no expiry.
 * Returns the token (shown once), and its tokens.id in @out_token_id.  Writes in the caller's
 * transaction if one is open (sqlite autocommit otherwise). */
char        *dw_auth_create_token         (DwStore     *store,
                                           DwClock     *clock,
                                           gint64       user_id,
                                           const char  *label,
                                           gint64       lifetime,
                                           gint64      *out_token_id,
                                           GError     **error);

gboolean     dw_auth_revoke_token         (DwStore     *store,
                                           DwClock     *clock,
                                           gint64       token_id,
                                           GError     **error);

/* The user's principal with its teams; NULL with DW_AUTH_ERROR_INVALID for an unknown or
 * disabled user. */
DwPrincipal *dw_auth_load_principal       (DwStore     *store,
                                           gint64       user_id,
                                           GError     **error);

DwPrincipal *dw_auth_authenticate_token   (DwStore     *store,
                                           DwClock     *clock,
                                           const char  *token,
                                           GError     **error);

/* The principal of token @token_id as it is now, for a connection authenticated earlier (an
 * open stream): NULL with DW_AUTH_ERROR_INVALID when the token was revoked or has expired, or
 * its user is disabled or gone.  Does not count as a use of the token. */
DwPrincipal *dw_auth_recheck_token        (DwStore     *store,
                                           DwClock     *clock,
                                           gint64       token_id,
                                           GError     **error);

/* Principals of tokens already checked, kept while the store's auth version stays
 * (dw_store_auth_version; on a backend without one nothing is kept): a revoked token, a
 * disabled user, a changed role or team take effect on the next request all the same, and the
 * expiry is checked against the clock every time.  At most 1024 tokens. */
typedef struct _DwAuthCache DwAuthCache;

DwAuthCache *dw_auth_cache_new            (void);
void         dw_auth_cache_free           (DwAuthCache *cache);
/* The auth version the last dw_auth_authenticate_message() with @cache read before anything
 * else (so a change it may have missed moves it); FALSE when it read none (PostgreSQL, or a
 * malformed token). */
gboolean     dw_auth_cache_last_version   (DwAuthCache *cache,
                                           guint64     *version);
/* Requests authenticated from the cache, for /health. */
guint64      dw_auth_cache_hits           (DwAuthCache *cache);

/* Reads "Authorization: Bearer T".  Only with @allow_query_token (the stream's WebSocket
 * handshake, where browsers cannot set headers) may the token come as the `access_token` query
 * parameter instead; elsewhere a token in the URL is refused (DW_AUTH_ERROR_INVALID), since
 * URLs end up in proxy logs and browser history.  @cache may be NULL (no cache). */
DwPrincipal *dw_auth_authenticate_message (DwAuthCache        *cache,
                                           DwStore            *store,
                                           DwClock            *clock,
                                           SoupServerMessage  *msg,
                                           gboolean            allow_query_token,
                                           GError            **error);

G_END_DECLS
