#define G_LOG_DOMAIN "dw-auth"

#include "dw-auth.h"

#include <sodium.h>
#include <string.h>

#include "dw-store.h"

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
dw_auth_check_password_async (sqlite3             *db,
                              const char          *username,
                              const char          *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GError *error = NULL;
  PasswordCheck *check;
  int rc;

  g_task_set_source_tag (task, dw_auth_check_password_async);

  stmt = dw_store_prepare (db,
                           "SELECT id, password_hash, disabled FROM users WHERE username = ?",
                           &error);
  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  check = g_new0 (PasswordCheck, 1);
  check->password = g_strdup (password);
  g_task_set_task_data (task, check, (GDestroyNotify) password_check_free);

  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      check->user_id = sqlite3_column_int64 (stmt, 0);
      check->hash = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      check->disabled = sqlite3_column_int (stmt, 2) != 0;
    }
  else if (rc != SQLITE_DONE)
    {
      dw_store_set_error (&error, db, rc);
      g_task_return_error (task, error);
      return;
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
dw_auth_create_token (sqlite3     *db,
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
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 now = dw_clock_now (clock);

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (encoded, sizeof encoded, bytes, sizeof bytes,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (bytes, sizeof bytes);
  token = g_strconcat (DW_AUTH_TOKEN_PREFIX, encoded, NULL);
  sodium_memzero (encoded, sizeof encoded);
  hash = dw_auth_token_hash (token);

  stmt = dw_store_prepare (db,
                           "INSERT INTO tokens (user_id, token_hash, label, created_at, "
                           "expires_at) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, label != NULL ? label : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now);
  if (lifetime > 0)
    sqlite3_bind_int64 (stmt, 5, now + lifetime);
  else
    sqlite3_bind_null (stmt, 5);

  if (!dw_store_step_done (stmt, error))
    return NULL;

  if (out_token_id != NULL)
    *out_token_id = sqlite3_last_insert_rowid (db);

  return g_steal_pointer (&token);
}

gboolean
dw_auth_revoke_token (sqlite3  *db,
                      DwClock  *clock,
                      gint64    token_id,
                      GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (db,
    "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, dw_clock_now (clock));
  sqlite3_bind_int64 (stmt, 2, token_id);
  return dw_store_step_done (stmt, error);
}

DwPrincipal *
dw_auth_load_principal (sqlite3  *db,
                        gint64    user_id,
                        GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) teams = NULL;
  g_autoptr(DwPrincipal) principal = NULL;
  int role = DW_ROLE_AGENT;
  int rc;

  stmt = dw_store_prepare (db, "SELECT username, role, disabled FROM users WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, user_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID, "unknown user");
      else
        dw_store_set_error (error, db, rc);
      return NULL;
    }

  if (sqlite3_column_int (stmt, 2) != 0)
    {
      g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID, "the user is disabled");
      return NULL;
    }

  dw_enum_from_string (DW_TYPE_ROLE, (const char *) sqlite3_column_text (stmt, 1), &role);
  principal = dw_principal_new (user_id, (const char *) sqlite3_column_text (stmt, 0), role);

  teams = dw_store_prepare (db, "SELECT team_id, is_lead FROM team_members WHERE user_id = ?",
                            error);
  if (teams == NULL)
    return NULL;

  sqlite3_bind_int64 (teams, 1, user_id);
  while ((rc = sqlite3_step (teams)) == SQLITE_ROW)
    {
      gint64 team_id = sqlite3_column_int64 (teams, 0);

      g_array_append_val (principal->team_ids, team_id);
      if (sqlite3_column_int (teams, 1) != 0)
        g_array_append_val (principal->lead_team_ids, team_id);
    }

  if (rc != SQLITE_DONE)
    {
      dw_store_set_error (error, db, rc);
      return NULL;
    }

  return g_steal_pointer (&principal);
}

#define LAST_USED_RESOLUTION 60  /* seconds */

DwPrincipal *
dw_auth_authenticate_token (sqlite3     *db,
                            DwClock     *clock,
                            const char  *token,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *hash = NULL;
  DwPrincipal *principal;
  gint64 token_id;
  gint64 user_id;
  gint64 expires_at;
  gint64 now = dw_clock_now (clock);
  gboolean stale;
  int rc;

  if (token == NULL || !g_str_has_prefix (token, DW_AUTH_TOKEN_PREFIX))
    {
      g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID, "invalid token");
      return NULL;
    }

  hash = dw_auth_token_hash (token);
  stmt = dw_store_prepare (db,
                           "SELECT id, user_id, expires_at, revoked_at, last_used_at FROM tokens "
                           "WHERE token_hash = ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID, "unknown token");
      else
        dw_store_set_error (error, db, rc);
      return NULL;
    }

  if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
    {
      g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID, "the token was revoked");
      return NULL;
    }

  if (sqlite3_column_type (stmt, 2) != SQLITE_NULL && sqlite3_column_int64 (stmt, 2) <= now)
    {
      g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID, "the token has expired");
      return NULL;
    }

  token_id = sqlite3_column_int64 (stmt, 0);
  user_id = sqlite3_column_int64 (stmt, 1);
  expires_at = sqlite3_column_type (stmt, 2) != SQLITE_NULL ? sqlite3_column_int64 (stmt, 2) : 0;
  stale = sqlite3_column_type (stmt, 4) == SQLITE_NULL
          || now - sqlite3_column_int64 (stmt, 4) >= LAST_USED_RESOLUTION;
  g_clear_pointer (&stmt, dw_store_release);

  /* So that an operator can tell a token in use from a forgotten one (`token list`).  At most
   * one write a minute per token: every request authenticates. */
  if (stale)
    {
      g_autoptr(GError) local_error = NULL;

      stmt = dw_store_prepare (db, "UPDATE tokens SET last_used_at = ? WHERE id = ?",
                               &local_error);
      if (stmt != NULL)
        {
          sqlite3_bind_int64 (stmt, 1, now);
          sqlite3_bind_int64 (stmt, 2, token_id);
          dw_store_step_done (stmt, &local_error);
        }
      if (local_error != NULL)
        g_debug ("Cannot note the use of token %" G_GINT64_FORMAT ": %s", token_id,
                 local_error->message);
    }

  principal = dw_auth_load_principal (db, user_id, error);
  if (principal != NULL)
    {
      principal->token_id = token_id;
      principal->expires_at = expires_at;
    }

  return principal;
}

DwPrincipal *
dw_auth_recheck_token (sqlite3  *db,
                       DwClock  *clock,
                       gint64    token_id,
                       GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  DwPrincipal *principal;
  gint64 user_id, expires_at;
  int rc;

  stmt = dw_store_prepare (db, "SELECT user_id, expires_at, revoked_at FROM tokens WHERE id = ?",
                           error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, token_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID, "unknown token");
      else
        dw_store_set_error (error, db, rc);
      return NULL;
    }

  if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
    {
      g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID, "the token was revoked");
      return NULL;
    }

  user_id = sqlite3_column_int64 (stmt, 0);
  expires_at = sqlite3_column_type (stmt, 1) != SQLITE_NULL ? sqlite3_column_int64 (stmt, 1) : 0;
  if (expires_at > 0 && expires_at <= dw_clock_now (clock))
    {
      g_set_error_literal (error, DW_AUTH_ERROR, DW_AUTH_ERROR_INVALID, "the token has expired");
      return NULL;
    }

  principal = dw_auth_load_principal (db, user_id, error);
  if (principal != NULL)
    {
      principal->token_id = token_id;
      principal->expires_at = expires_at;
    }

  return principal;
}

DwPrincipal *
dw_auth_authenticate_message (sqlite3            *db,
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

  return dw_auth_authenticate_token (db, clock, token, error);
}
