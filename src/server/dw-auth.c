#define G_LOG_DOMAIN "dw-auth"

#include "dw-auth.h"

#include <sodium.h>
#include <string.h>

#include "dw-store.h"
#include "store/dw-store-auth.h"
#include "store/dw-store-tx.h"

#define TOKEN_BYTES 32

G_DEFINE_QUARK (dw-auth-error-quark, dw_auth_error)

gboolean
dw_auth_init (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "libsodium failed to initialise");
      return FALSE;
    }

  return TRUE;
}

char *
dw_auth_hash_password (const char  *password,
                       GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (password != NULL, NULL);

  if (crypto_pwhash_str (hash, password, strlen (password),
                         crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                           "out of memory while hashing the password");
      return NULL;
    }

  return g_strdup (hash);
}

gboolean
dw_auth_verify_password (const char *hash,
                         const char *password)
{
  if (hash == NULL || password == NULL)
    return FALSE;

  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

char *
dw_auth_token_hash (const char *token)
{
  guchar digest[crypto_generichash_BYTES];
  char hex[crypto_generichash_BYTES * 2 + 1];

  crypto_generichash (digest, sizeof digest, (const guchar *) token, strlen (token), NULL, 0);
  sodium_bin2hex (hex, sizeof hex, digest, sizeof digest);
  return g_strdup (hex);
}

/* A hash to verify against when the user does not exist, so that a wrong username takes as
 * long as a wrong password and does not reveal which usernames exist. */
static const char *
dummy_hash (void)
{
  static char *hash;

  if (g_once_init_enter (&hash))
    g_once_init_leave (&hash, dw_auth_hash_password ("not a password", NULL));

  return hash;
}

typedef struct
{
  char    *hash;      /* NULL: unknown user, or one that cannot sign in */
  char    *password;
  gint64   user_id;
  gboolean disabled;
} PasswordCheck;

static void
password_check_free (PasswordCheck *check)
{
  g_free (check->hash);
  if (check->password != NULL)
    sodium_memzero (check->password, strlen (check->password));
  g_free (check->password);
  g_free (check);
}

static void
check_password_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  PasswordCheck *check = task_data;

  /* Argon2id takes a noticeable fraction of a second by design; here it cannot stall the
   * service's main loop, the event stream with it. */
  if (check->hash != NULL && dw_auth_verify_password (check->hash, check->password)
      && !check->disabled)
    {
      g_task_return_int (task, check->user_id);
      return;
    }

  if (check->hash == NULL)
    dw_auth_verify_password (dummy_hash (), check->password);

  g_task_return_new_error (task, DW_AUTH_ERROR, DW_AUTH_ERROR_BAD_CREDENTIALS,
                           "wrong username or password");
}

/* Argon2id takes 64 MiB and most of a core for a fraction of a second each time: checks run at
 * most this many at once (the others wait their turn, and past a queue of MAX_WAITING_CHECKS
 * are refused as busy), so that a crowd of sign-ins cannot take the memory or the processors. */
static guint max_checks = DW_AUTH_DEFAULT_PASSWORD_CHECKS;
static guint running_checks;
static GQueue waiting_checks = G_QUEUE_INIT;
#define MAX_WAITING_CHECKS 64

static void start_check (GTask *task);

static void
check_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  gssize user_id = g_task_propagate_int (G_TASK (result), &error);

  running_checks--;
  while (running_checks < max_checks && !g_queue_is_empty (&waiting_checks))
    start_check (g_queue_pop_head (&waiting_checks));

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, user_id);
}

/* @task: the caller's, taken; its data is the check. */
static void
start_check (GTask *task)
{
  g_autoptr(GTask) worker = g_task_new (NULL, NULL, check_done_cb, task);

  running_checks++;
  g_task_set_task_data (worker, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (worker, check_password_thread);
}

void
dw_auth_set_max_password_checks (guint n)
{
  max_checks = n > 0 ? n : DW_AUTH_DEFAULT_PASSWORD_CHECKS;
}

void
dw_auth_check_password_async (DwStore             *store,
                              const char          *username,
                              const char          *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;
  PasswordCheck *check;

  g_task_set_source_tag (task, dw_auth_check_password_async);

  check = g_new0 (PasswordCheck, 1);
  check->password = g_strdup (password);
  g_task_set_task_data (task, check, (GDestroyNotify) password_check_free);

  /* An unknown user leaves the hash NULL: checked against the dummy all the same. */
  if (!dw_store_user_credentials (store, username, &check->user_id, &check->hash,
                                  &check->disabled, &error))
    {
      if (!g_error_matches (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND))
        {
          g_task_return_error (task, error);
          return;
        }
      g_clear_error (&error);
      check->user_id = 0;
      g_clear_pointer (&check->hash, g_free);
    }

  if (running_checks < max_checks)
    {
      start_check (g_steal_pointer (&task));
    }
  else if (g_queue_get_length (&waiting_checks) < MAX_WAITING_CHECKS)
    {
      g_queue_push_tail (&waiting_checks, g_steal_pointer (&task));
    }
  else
    {
      g_task_return_new_error (task, DW_AUTH_ERROR, DW_AUTH_ERROR_BUSY,
                               "too many sign-ins at once; try again in a moment");
    }
}

gint64
dw_auth_check_password_finish (GAsyncResult  *result,
                               GError       **error)
{
  gssize user_id;

  g_return_val_if_fail (g_task_is_valid (result, NULL), 0);

  user_id = g_task_propagate_int (G_TASK (result), error);

  /* g_task_propagate_int() gives -1 on error; the id 0 means "no user" here. */
  return user_id > 0 ? user_id : 0;
}

char *
dw_auth_create_token (DwStore     *store,
                      DwClock     *clock,
                      gint64       user_id,
                      const char  *label,
                      gint64       lifetime,
                      gint64      *out_token_id,
                      GError     **error)
{
  guchar bytes[TOKEN_BYTES];
  char encoded[sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  gint64 now = dw_clock_now (clock);
  gint64 token_id;

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (encoded, sizeof encoded, bytes, sizeof bytes,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (bytes, sizeof bytes);
  token = g_strconcat (DW_AUTH_TOKEN_PREFIX, encoded, NULL);
  sodium_memzero (encoded, sizeof encoded);
  hash = dw_auth_token_hash (token);

  token_id = dw_store_token_insert (store, user_id, hash, label, now,
                                    lifetime > 0 ? now + lifetime : 0, error);
  if (token_id == 0)
    return NULL;

  if (out_token_id != NULL)
    *out_token_id = token_id;

  return g_steal_pointer (&token);
}

gboolean
dw_auth_revoke_token (DwStore  *store,
                      DwClock  *clock,
                      gint64    token_id,
                      GError  **error)
{
  return dw_store_token_revoke (store, token_id, dw_clock_now (clock), error);
}

DwPrincipal *
dw_auth_load_principal (DwStore  *store,
                        gint64    user_id,
                        GError  **error)
{
  g_auto(DwStorePrincipalRow) row = { 0 };
  g_autoptr(GError) local_error = NULL;
  DwPrincipal *principal;

  if (!dw_store_principal_load (store, user_id, &row, &local_error))
    {
      if (g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND))
        g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID, "unknown user");
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (row.disabled)
    {
      g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID, "the user is disabled");
      return NULL;
    }

  principal = dw_principal_new (user_id, row.username, row.role);
  g_array_append_vals (principal->team_ids, row.team_ids->data, row.team_ids->len);
  g_array_append_vals (principal->lead_team_ids, row.lead_team_ids->data,
                       row.lead_team_ids->len);
  return principal;
}

/* Reads token @token_id or the one hashed @hash; DW_AUTH_ERROR_INVALID if it is unknown,
 * revoked or expired at @now. */
static gboolean
check_token (DwStore          *store,
             const char       *hash,
             gint64            token_id,
             gint64            now,
             DwStoreTokenRow  *row,
             GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean found = hash != NULL ? dw_store_token_find (store, hash, row, &local_error)
                                : dw_store_token_get (store, token_id, row, &local_error);

  if (!found)
    {
      if (g_error_matches (local_error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND))
        g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID, "unknown token");
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (row->revoked_at != 0)
    {
      g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID, "the token was revoked");
      return FALSE;
    }

  if (row->expires_at != 0 && row->expires_at <= now)
    {
      g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID, "the token has expired");
      return FALSE;
    }

  return TRUE;
}

#define LAST_USED_RESOLUTION 60  /* seconds */

/* At most this many tokens are kept; past it the cache starts again empty (a desk has a few
 * hundred agents, each with a token or two: the bound is for a flood of distinct valid
 * tokens, which only someone holding them all could send). */
#define AUTH_CACHE_MAX 1024

/* The principals of tokens checked since the store's auth version last moved
 * (dw_store_auth_version): while it stays, the token's row, its user and the user's teams read
 * now would be what they were, so only the clock (the expiry) and the token's last use are
 * looked at.  On a backend without that version (PostgreSQL) nothing is kept. */
struct _DwAuthCache
{
  GHashTable *entries;     /* token hash (owned) → CacheEntry */
  guint64     version;     /* the auth version the entries were read at */
  gboolean    version_known;  /* the last check read it (before anything else it read) */
  guint64     hits;
};

typedef struct
{
  DwPrincipal *principal;     /* token_id and expires_at set; never changed once here */
  gint64       last_used_at;  /* as the row has it (this connection is the only writer) */
} CacheEntry;

static void
cache_entry_free (gpointer data)
{
  CacheEntry *entry = data;

  dw_principal_unref (entry->principal);
  g_free (entry);
}

DwAuthCache *
dw_auth_cache_new (void)
{
  DwAuthCache *cache = g_new0 (DwAuthCache, 1);

  cache->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cache_entry_free);
  return cache;
}

void
dw_auth_cache_free (DwAuthCache *cache)
{
  if (cache == NULL)
    return;

  g_hash_table_unref (cache->entries);
  g_free (cache);
}

gboolean
dw_auth_cache_last_version (DwAuthCache *cache,
                            guint64     *version)
{
  if (cache == NULL || !cache->version_known)
    return FALSE;

  *version = cache->version;
  return TRUE;
}

guint64
dw_auth_cache_hits (DwAuthCache *cache)
{
  return cache != NULL ? cache->hits : 0;
}

/* Notes the token's use at @now, at most once a minute (`token list` shows it: an operator can
 * tell a token in use from a forgotten one; every request authenticates).  Returns the token's
 * last use as the row has it now. */
static gint64
touch_token (DwStore *store,
             gint64   token_id,
             gint64   last_used_at,
             gint64   now)
{
  g_autoptr(GError) local_error = NULL;

  if (last_used_at != 0 && now - last_used_at < LAST_USED_RESOLUTION)
    return last_used_at;

  if (!dw_store_token_touch (store, token_id, now, &local_error))
    {
      g_debug ("Cannot note the use of token %" G_GINT64_FORMAT ": %s", token_id,
               local_error->message);
      return last_used_at;
    }

  return now;
}

/* Reads the token hashed @hash, notes its use, loads its principal. */
static DwPrincipal *
authenticate_hash (DwStore     *store,
                   const char  *hash,
                   gint64       now,
                   gint64      *last_used_at,
                   GError     **error)
{
  DwStoreTokenRow row = { 0 };
  DwPrincipal *principal;

  if (!check_token (store, hash, 0, now, &row, error))
    return NULL;

  *last_used_at = touch_token (store, row.id, row.last_used_at, now);

  principal = dw_auth_load_principal (store, row.user_id, error);
  if (principal != NULL)
    {
      principal->token_id = row.id;
      principal->expires_at = row.expires_at;
    }

  return principal;
}

static DwPrincipal *
authenticate_token (DwAuthCache  *cache,
                    DwStore      *store,
                    DwClock      *clock,
                    const char   *token,
                    GError      **error)
{
  g_autofree char *hash = NULL;
  DwPrincipal *principal;
  CacheEntry *entry;
  gint64 now = dw_clock_now (clock);
  gint64 last_used_at = 0;
  guint64 version;
  gboolean read_scope;

  if (token == NULL || !g_str_has_prefix (token, DW_AUTH_TOKEN_PREFIX))
    {
      g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID, "invalid token");
      return NULL;
    }

  hash = dw_auth_token_hash (token);

  if (cache != NULL)
    cache->version_known = FALSE;
  if (cache == NULL || !dw_store_auth_version (store, &version))
    {
      /* The token, the principal's rows in one read transaction (SQLite: one WAL read lock
       * for them all, issue 13) when none is open. */
      read_scope = dw_store_tx_read_scope_begin (store);
      principal = authenticate_hash (store, hash, now, &last_used_at, error);
      dw_store_tx_read_scope_end (store, read_scope);
      return principal;
    }

  if (version != cache->version)
    {
      g_hash_table_remove_all (cache->entries);
      cache->version = version;
    }
  cache->version_known = TRUE;

  entry = g_hash_table_lookup (cache->entries, hash);
  if (entry != NULL)
    {
      if (entry->principal->expires_at != 0 && entry->principal->expires_at <= now)
        {
          g_hash_table_remove (cache->entries, hash);
          g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID,
                               "the token has expired");
          return NULL;
        }

      entry->last_used_at = touch_token (store, entry->principal->token_id,
                                         entry->last_used_at, now);

      cache->hits++;
      return dw_principal_ref (entry->principal);
    }

  read_scope = dw_store_tx_read_scope_begin (store);
  principal = authenticate_hash (store, hash, now, &last_used_at, error);
  dw_store_tx_read_scope_end (store, read_scope);
  if (principal == NULL)
    return NULL;

  /* Kept under the version read before the rows: if anything moved it meanwhile, the next
   * request finds the version changed and reads again. */
  if (g_hash_table_size (cache->entries) >= AUTH_CACHE_MAX)
    g_hash_table_remove_all (cache->entries);

  entry = g_new0 (CacheEntry, 1);
  entry->principal = dw_principal_ref (principal);
  entry->last_used_at = last_used_at;
  g_hash_table_replace (cache->entries, g_steal_pointer (&hash), entry);
  return principal;
}

DwPrincipal *
dw_auth_authenticate_token (DwStore     *store,
                            DwClock     *clock,
                            const char  *token,
                            GError     **error)
{
  return authenticate_token (NULL, store, clock, token, error);
}

DwPrincipal *
dw_auth_recheck_token (DwStore  *store,
                       DwClock  *clock,
                       gint64    token_id,
                       GError  **error)
{
  DwStoreTokenRow row = { 0 };
  DwPrincipal *principal;

  if (!check_token (store, NULL, token_id, dw_clock_now (clock), &row, error))
    return NULL;

  principal = dw_auth_load_principal (store, row.user_id, error);
  if (principal != NULL)
    {
      principal->token_id = token_id;
      principal->expires_at = row.expires_at;
    }

  return principal;
}

DwPrincipal *
dw_auth_authenticate_message (DwAuthCache        *cache,
                              DwStore            *store,
                              DwClock            *clock,
                              SoupServerMessage  *msg,
                              gboolean            allow_query_token,
                              GError            **error)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = g_uri_get_query (uri);
  g_autofree char *from_query = NULL;
  const char *token = NULL;

  if (query != NULL)
    {
      g_autoptr(GHashTable) params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);

      if (params != NULL)
        from_query = g_strdup (g_hash_table_lookup (params, "access_token"));
    }

  /* Refused rather than ignored, so that a client leaking its token into URLs finds out. */
  if (from_query != NULL && !allow_query_token)
    {
      g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID,
                           "access_token in the URL is accepted only by the stream's WebSocket "
                           "handshake; send an Authorization: Bearer header");
      return NULL;
    }

  if (authorization != NULL)
    {
      if (g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
        {
          g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID,
                               "the Authorization header is not a Bearer token");
          return NULL;
        }

      token = authorization + 7;
      while (*token == ' ')
        token++;
    }
  else
    {
      token = from_query;
    }

  if (token == NULL || *token == '\0')
    {
      g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_MISSING,
                           "this request needs an Authorization: Bearer token");
      return NULL;
    }

  return authenticate_token (cache, store, clock, token, error);
}
