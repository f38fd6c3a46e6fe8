/* dw-store-auth.h: the named operations on credentials — API tokens, the password hash a
 * sign-in checks, the principal a request runs as — and the operator's listings of users and
 * tokens (deskwatchd user list, token list).
 *
 * Only hashes are stored: a token's hex BLAKE2b and a password's Argon2id string.  They pass
 * through here as opaque text; checking them (crypto_pwhash_str_verify) stays in dw-auth.c.
 * Times are Unix seconds, 0 for NULL.  Inside the caller's transaction.
 */
#pragma once

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

/* A token as the checks read it. */
typedef struct
{
  gint64 id;
  gint64 user_id;
  gint64 expires_at;      /* 0: never */
  gint64 revoked_at;      /* 0: not revoked */
  gint64 last_used_at;    /* 0: never */
} DwStoreTokenRow;

/* The user a request runs as, with its teams. */
typedef struct
{
  char   *username;
  int     role;           /* DwRole */
  gboolean disabled;
  GArray *team_ids;       /* gint64 */
  GArray *lead_team_ids;  /* gint64: the teams it leads */
} DwStorePrincipalRow;

static inline void
dw_store_principal_row_clear (DwStorePrincipalRow *row)
{
  g_clear_pointer (&row->username, g_free);
  g_clear_pointer (&row->team_ids, g_array_unref);
  g_clear_pointer (&row->lead_team_ids, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DwStorePrincipalRow, dw_store_principal_row_clear)

/* One line of `deskwatchd user list`; the strings are the row's, valid during the callback. */
typedef struct
{
  gint64      id;
  const char *username;
  const char *role;
  const char *presence;
  gboolean    disabled;
  const char *display_name;
} DwStoreUserListRow;

/* One line of `deskwatchd token list`, likewise. */
typedef struct
{
  gint64      id;
  const char *username;
  const char *label;
  gint64      created_at;
  gint64      expires_at;     /* 0: never */
  gint64      revoked_at;     /* 0: not revoked */
  gint64      last_used_at;   /* 0: never */
} DwStoreTokenListRow;

typedef void (*DwStoreUserListFunc)  (const DwStoreUserListRow  *row,
                                      gpointer                   user_data);
typedef void (*DwStoreTokenListFunc) (const DwStoreTokenListRow *row,
                                      gpointer                   user_data);

struct _DwStoreAuthOps
{
  gboolean (*user_find)          (DwStore              *store,
                                  const char           *username,
                                  gint64               *user_id,
                                  GError              **error);
  gboolean (*user_credentials)   (DwStore              *store,
                                  const char           *username,
                                  gint64               *user_id,
                                  char                **password_hash,
                                  gboolean             *disabled,
                                  GError              **error);
  gboolean (*principal_load)     (DwStore              *store,
                                  gint64                user_id,
                                  DwStorePrincipalRow  *row,
                                  GError              **error);
  gint64   (*token_insert)       (DwStore              *store,
                                  gint64                user_id,
                                  const char           *token_hash,
                                  const char           *label,
                                  gint64                created_at,
                                  gint64                expires_at,
                                  GError              **error);
  gboolean (*token_find)         (DwStore              *store,
                                  const char           *token_hash,
                                  DwStoreTokenRow      *row,
                                  GError              **error);
  gboolean (*token_get)          (DwStore              *store,
                                  gint64                token_id,
                                  DwStoreTokenRow      *row,
                                  GError              **error);
  gboolean (*token_touch)        (DwStore              *store,
                                  gint64                token_id,
                                  gint64                at,
                                  GError              **error);
  gboolean (*token_revoke)       (DwStore              *store,
                                  gint64                token_id,
                                  gint64                at,
                                  GError              **error);
  gboolean (*user_list)          (DwStore              *store,
                                  DwStoreUserListFunc   func,
                                  gpointer              user_data,
                                  GError              **error);
  gboolean (*token_list)         (DwStore              *store,
                                  const char           *username,
                                  DwStoreTokenListFunc  func,
                                  gpointer              user_data,
                                  GError              **error);
  gboolean (*auth_version)       (DwStore              *store,
                                  guint64              *version);
};

/* The id of the user called @username; DW_STORE_ERROR_NOT_FOUND if there is none. */
static inline gboolean
dw_store_user_find (DwStore     *store,
                    const char  *username,
                    gint64      *user_id,
                    GError     **error)
{
  return store->backend->auth->user_find (store, username, user_id, error);
}

/* What a sign-in checks: the user's id, password hash (NULL: cannot sign in) and whether it
 * is disabled; DW_STORE_ERROR_NOT_FOUND for an unknown username. */
static inline gboolean
dw_store_user_credentials (DwStore     *store,
                           const char  *username,
                           gint64      *user_id,
                           char       **password_hash,
                           gboolean    *disabled,
                           GError     **error)
{
  return store->backend->auth->user_credentials (store, username, user_id, password_hash,
                                                 disabled, error);
}

/* Fills @row (cleared by the caller); DW_STORE_ERROR_NOT_FOUND for an unknown user. */
static inline gboolean
dw_store_principal_load (DwStore              *store,
                         gint64                user_id,
                         DwStorePrincipalRow  *row,
                         GError              **error)
{
  return store->backend->auth->principal_load (store, user_id, row, error);
}

/* The new token's id, or 0 with @error (DW_STORE_ERROR_CONSTRAINT for an unknown user or a
 * hash already stored).  @expires_at 0: never. */
static inline gint64
dw_store_token_insert (DwStore     *store,
                       gint64       user_id,
                       const char  *token_hash,
                       const char  *label,
                       gint64       created_at,
                       gint64       expires_at,
                       GError     **error)
{
  return store->backend->auth->token_insert (store, user_id, token_hash, label, created_at,
                                             expires_at, error);
}

/* The token whose hash is @token_hash (an indexed equality: every request runs it);
 * DW_STORE_ERROR_NOT_FOUND if none. */
static inline gboolean
dw_store_token_find (DwStore          *store,
                     const char       *token_hash,
                     DwStoreTokenRow  *row,
                     GError          **error)
{
  return store->backend->auth->token_find (store, token_hash, row, error);
}

/* Token @token_id; DW_STORE_ERROR_NOT_FOUND if none. */
static inline gboolean
dw_store_token_get (DwStore          *store,
                    gint64            token_id,
                    DwStoreTokenRow  *row,
                    GError          **error)
{
  return store->backend->auth->token_get (store, token_id, row, error);
}

/* Notes that the token was used at @at. */
static inline gboolean
dw_store_token_touch (DwStore  *store,
                      gint64    token_id,
                      gint64    at,
                      GError  **error)
{
  return store->backend->auth->token_touch (store, token_id, at, error);
}

/* Revokes the token at @at unless it already was (an unknown id is no error). */
static inline gboolean
dw_store_token_revoke (DwStore  *store,
                       gint64    token_id,
                       gint64    at,
                       GError  **error)
{
  return store->backend->auth->token_revoke (store, token_id, at, error);
}

/* Every user, by id. */
static inline gboolean
dw_store_user_list (DwStore              *store,
                    DwStoreUserListFunc   func,
                    gpointer              user_data,
                    GError              **error)
{
  return store->backend->auth->user_list (store, func, user_data, error);
}

/* Every token (of @username only, unless NULL), by id. */
static inline gboolean
dw_store_token_list (DwStore               *store,
                     const char            *username,
                     DwStoreTokenListFunc   func,
                     gpointer               user_data,
                     GError               **error)
{
  return store->backend->auth->token_list (store, username, func, user_data, error);
}

/* A number that changes whenever what a token's check reads may have changed: a token's owner,
 * hash, expiry or revocation, a user's name, role or disabled flag, a team membership —
 * written by this connection (a rolled-back write counts too) or committed by any other
 * connection, in any process (the command line's `token revoke`).  It does not move with a
 * token's last use nor with other writes (a ticket's), so a principal checked once can be kept
 * while it stays (dw-auth.c's cache; the expiry is checked against the clock every time).
 * FALSE when the backend has none (PostgreSQL: other instances write): check every time. */
static inline gboolean
dw_store_auth_version (DwStore *store,
                       guint64 *version)
{
  return store->backend->auth->auth_version (store, version);
}

G_END_DECLS
