/* dw-pg-auth.c: the credentials' operations (store/dw-store-auth.h) on PostgreSQL.
 *
 * The same statements as dw-sqlite-auth.c with $n parameters; NULL times read as 0.
 */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include "dw-enums.h"
#include "dw-store.h"
#include "store/dw-store-auth.h"
#include "store/dw-store-instances.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-ops.h"
#include "store/pg/dw-pg-store.h"

#define INT_PARAM(name, value) \
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) (value))

/* The result's one row; FALSE with DW_STORE_ERROR_NOT_FOUND (@what) if it has none. */
static gboolean
has_row (PGresult    *result,
         const char  *what,
         GError     **error)
{
  if (PQntuples (result) > 0)
    return TRUE;
  g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND, "no %s", what);
  return FALSE;
}

static gboolean
user_find (DwStore     *store,
           const char  *username,
           gint64      *user_id,
           GError     **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store, "SELECT id FROM users WHERE username = $1", 1,
                              (const char *[]) { username }, error);
  if (result == NULL || !has_row (result, "such user", error))
    return FALSE;

  *user_id = dw_pg_get_int (result, 0, 0);
  return TRUE;
}

static gboolean
user_credentials (DwStore     *store,
                  const char  *username,
                  gint64      *user_id,
                  char       **password_hash,
                  gboolean    *disabled,
                  GError     **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "SELECT id, password_hash, disabled FROM users WHERE username = $1", 1,
    (const char *[]) { username }, error);
  if (result == NULL || !has_row (result, "such user", error))
    return FALSE;

  *user_id = dw_pg_get_int (result, 0, 0);
  *password_hash = g_strdup (dw_pg_get_text (result, 0, 1));
  *disabled = dw_pg_get_int (result, 0, 2) != 0;
  return TRUE;
}

static gboolean
principal_load (DwStore              *store,
                gint64                user_id,
                DwStorePrincipalRow  *row,
                GError              **error)
{
  INT_PARAM (id, user_id);
  const char *params[] = { id };
  g_autoptr(PGresult) user = NULL;
  g_autoptr(PGresult) teams = NULL;

  user = dw_pg_store_query (store,
    "SELECT username, role, disabled FROM users WHERE id = $1", 1, params,
    error);
  if (user == NULL || !has_row (user, "such user", error))
    return FALSE;

  row->username = g_strdup (dw_pg_get_text (user, 0, 0));
  row->role = DW_ROLE_AGENT;
  dw_enum_from_string (DW_TYPE_ROLE, dw_pg_get_text (user, 0, 1), &row->role);
  row->disabled = dw_pg_get_int (user, 0, 2) != 0;
  row->team_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  row->lead_team_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (row->disabled)
    return TRUE;

  /* A set to the callers (DwPrincipal); ordered so that each call reads the same. */
  teams = dw_pg_store_query (store, "SELECT team_id, is_lead FROM team_members WHERE user_id = $1 "
                             "ORDER BY team_id", 1, params, error);
  if (teams == NULL)
    return FALSE;

  for (int i = 0; i < PQntuples (teams); i++)
    {
      gint64 team_id = dw_pg_get_int (teams, i, 0);

      g_array_append_val (row->team_ids, team_id);
      if (dw_pg_get_int (teams, i, 1) != 0)
        g_array_append_val (row->lead_team_ids, team_id);
    }

  return TRUE;
}

static gint64
token_insert (DwStore     *store,
              gint64       user_id,
              const char  *token_hash,
              const char  *label,
              gint64       created_at,
              gint64       expires_at,
              GError     **error)
{
  INT_PARAM (user, user_id);
  INT_PARAM (created, created_at);
  g_autofree char *expires = expires_at > 0
                             ? g_strdup_printf ("%" G_GINT64_FORMAT, expires_at) : NULL;
  const char *params[] = { user, token_hash, label != NULL ? label : "", created, expires };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "INSERT INTO tokens (user_id, token_hash, label, created_at, expires_at) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id", G_N_ELEMENTS (params), params,
    error);
  if (result == NULL)
    return 0;

  return dw_pg_get_int (result, 0, 0);
}

static void
read_token (PGresult        *result,
            DwStoreTokenRow *row)
{
  row->id = dw_pg_get_int (result, 0, 0);
  row->user_id = dw_pg_get_int (result, 0, 1);
  row->expires_at = dw_pg_get_int (result, 0, 2);
  row->revoked_at = dw_pg_get_int (result, 0, 3);
  row->last_used_at = dw_pg_get_int (result, 0, 4);
}

static gboolean
token_find (DwStore          *store,
            const char       *token_hash,
            DwStoreTokenRow  *row,
            GError          **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "SELECT id, user_id, expires_at, revoked_at, last_used_at FROM tokens "
    "WHERE token_hash = $1", 1, (const char *[]) { token_hash }, error);
  if (result == NULL || !has_row (result, "such token", error))
    return FALSE;

  read_token (result, row);
  return TRUE;
}

static gboolean
token_get (DwStore          *store,
           gint64            token_id,
           DwStoreTokenRow  *row,
           GError          **error)
{
  INT_PARAM (id, token_id);
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "SELECT id, user_id, expires_at, revoked_at, last_used_at FROM tokens "
    "WHERE id = $1", 1, (const char *[]) { id }, error);
  if (result == NULL || !has_row (result, "such token", error))
    return FALSE;

  read_token (result, row);
  return TRUE;
}

static gboolean
token_touch (DwStore  *store,
             gint64    token_id,
             gint64    at,
             GError  **error)
{
  INT_PARAM (when, at);
  INT_PARAM (id, token_id);
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store, "UPDATE tokens SET last_used_at = $1 WHERE id = $2", 2,
                              (const char *[]) { when, id }, error);
  return result != NULL;
}

static gboolean
token_revoke (DwStore  *store,
              gint64    token_id,
              gint64    at,
              GError  **error)
{
  INT_PARAM (when, at);
  INT_PARAM (id, token_id);
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
    2, (const char *[]) { when, id }, error);
  /* Every instance's streams re-check their principals when this commits (`deskwatchd token
   * revoke` is another process: PostgreSQL has no data_version to notice it by). */
  return result != NULL && dw_store_notify_access (store, 0, error);
}

static gboolean
user_list (DwStore              *store,
           DwStoreUserListFunc   func,
           gpointer              user_data,
           GError              **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store, "SELECT id, username, role, presence, disabled, display_name "
                              "FROM users ORDER BY id", 0, NULL, error);
  if (result == NULL)
    return FALSE;

  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreUserListRow row = {
        .id = dw_pg_get_int (result, i, 0),
        .username = dw_pg_get_text (result, i, 1),
        .role = dw_pg_get_text (result, i, 2),
        .presence = dw_pg_get_text (result, i, 3),
        .disabled = dw_pg_get_int (result, i, 4) != 0,
        .display_name = dw_pg_get_text (result, i, 5),
      };

      func (&row, user_data);
    }
  return TRUE;
}

static gboolean
token_list (DwStore               *store,
            const char            *username,
            DwStoreTokenListFunc   func,
            gpointer               user_data,
            GError               **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "SELECT k.id, u.username, k.label, k.created_at, k.expires_at, "
    "k.revoked_at, k.last_used_at FROM tokens k JOIN users u ON u.id = k.user_id "
    "WHERE $1::text IS NULL OR u.username = $1 ORDER BY k.id", 1,
    (const char *[]) { username }, error);
  if (result == NULL)
    return FALSE;

  for (int i = 0; i < PQntuples (result); i++)
    {
      DwStoreTokenListRow row = {
        .id = dw_pg_get_int (result, i, 0),
        .username = dw_pg_get_text (result, i, 1),
        .label = dw_pg_get_text (result, i, 2),
        .created_at = dw_pg_get_int (result, i, 3),
        .expires_at = dw_pg_get_int (result, i, 4),
        .revoked_at = dw_pg_get_int (result, i, 5),
        .last_used_at = dw_pg_get_int (result, i, 6),
      };

      func (&row, user_data);
    }
  return TRUE;
}

/* Other instances revoke tokens and change users: a version would be a round trip to the
 * server, which is what the check costs anyway.  None: every request is checked. */
static gboolean
auth_version (DwStore *store,
              guint64 *version)
{
  return FALSE;
}

const DwStoreAuthOps dw_pg_auth_ops = {
  .user_find = user_find,
  .user_credentials = user_credentials,
  .principal_load = principal_load,
  .token_insert = token_insert,
  .token_find = token_find,
  .token_get = token_get,
  .token_touch = token_touch,
  .token_revoke = token_revoke,
  .user_list = user_list,
  .token_list = token_list,
  .auth_version = auth_version,
};
