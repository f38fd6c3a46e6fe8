/* dw-api-directory.c: teams, users, customers, SLA policies and calendars. */
#define G_LOG_DOMAIN "dw-api"

#include "dw-api-private.h"

typedef JsonObject *(*RowToJson) (sqlite3 *db, sqlite3_stmt *stmt);

/* Runs @sql (with ?1 bound to @bind1 when > 0) and replies the rows as items. */
static void
reply_rows (DwApiRequest *req,
            const char   *sql,
            gint64        bind1,
            RowToJson     func)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (req->api->db, sql, &error);
  g_autoptr(JsonArray) items = json_array_new ();
  int rc;

  if (stmt == NULL)
    {
      dw_api_reply_error (req, error);
      return;
    }

  if (bind1 > 0)
    sqlite3_bind_int64 (stmt, 1, bind1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_array_add_object_element (items, func (req->api->db, stmt));

  if (rc != SQLITE_DONE)
    {
      dw_store_set_error (&error, req->api->db, rc);
      dw_api_reply_error (req, error);
      return;
    }

  dw_api_reply_items (req, items, FALSE, NULL);
}

static gboolean
require_admin (DwApiRequest *req,
               const char   *what)
{
  g_autofree char *detail = NULL;

  if (req->principal->role == DW_ROLE_ADMIN)
    return TRUE;

  detail = g_strdup_printf ("only an admin may %s", what);
  dw_api_reply_forbidden (req, detail);
  return FALSE;
}

/* Teams: everyone may read them (the console names queues); admins change them. */

static JsonObject *
team_row (sqlite3 *db, sqlite3_stmt *stmt)
{
  return dw_store_team_json_from_row (db, stmt);
}

static void
list_teams_cb (DwApiRequest *req)
{
  reply_rows (req, "SELECT " DW_STORE_TEAM_COLUMNS " FROM teams m ORDER BY m.id", 0, team_row);
}

static void
get_team_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;

  dw_api_reply_result (req, 200, dw_store_team_json (req->api->db, req->ids[0], &error), &error);
}

static void
create_team_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;

  if (!require_admin (req, "create teams") || (body = dw_api_read_object (req)) == NULL)
    return;

  dw_api_reply_result (req, 201,
                       dw_desk_create_team (req->api->desk, req->principal, body, &error), &error);
}

static void
update_team_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;

  if (!require_admin (req, "change teams") || (body = dw_api_read_object (req)) == NULL)
    return;

  dw_api_reply_result (req, 200,
                       dw_desk_update_team (req->api->desk, req->principal, req->ids[0], body,
                                            &error), &error);
}

/* Users: admins see everyone, leads their teams' members, agents themselves. */

static void
append_user_visibility (DwPrincipal *principal,
                        GString     *where)
{
  if (principal->role == DW_ROLE_ADMIN)
    return;

  g_string_append_printf (where, " AND (u.id = %" G_GINT64_FORMAT, principal->user_id);
  if (principal->role == DW_ROLE_LEAD && principal->team_ids->len > 0)
    {
      g_string_append (where, " OR u.id IN (SELECT user_id FROM team_members WHERE team_id IN (");
      for (guint i = 0; i < principal->team_ids->len; i++)
        g_string_append_printf (where, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                                g_array_index (principal->team_ids, gint64, i));
      g_string_append (where, "))");
    }
  g_string_append (where, ")");
}

static void
list_users_cb (DwApiRequest *req)
{
  g_autoptr(GString) sql = g_string_new ("SELECT " DW_STORE_USER_COLUMNS " FROM users u WHERE 1");
  const char *team = dw_api_query (req, "team_id");
  const char *presence = dw_api_query (req, "presence");
  guint64 team_id = 0;
  int value;

  if (team == NULL)
    team = dw_api_query (req, "team");

  if (team != NULL && !g_ascii_string_to_unsigned (team, 10, 1, G_MAXINT64, &team_id, NULL))
    {
      dw_api_reply_invalid (req, "team_id: not a team id");
      return;
    }

  if (presence != NULL && !dw_enum_from_string (DW_TYPE_PRESENCE, presence, &value))
    {
      dw_api_reply_invalid (req, "presence: \"%s\" is not one of online, away, offline", presence);
      return;
    }

  append_user_visibility (req->principal, sql);
  if (team_id > 0)
    g_string_append (sql, " AND u.id IN (SELECT user_id FROM team_members WHERE team_id = ?1)");
  if (presence != NULL)
    g_string_append_printf (sql, " AND u.presence = '%s'", dw_presence_to_string (value));
  g_string_append (sql, " ORDER BY u.id");

  reply_rows (req, sql->str, (gint64) team_id, dw_store_user_json_from_row);
}

static gboolean
user_visible (DwApiRequest *req,
              gint64        user_id)
{
  g_autoptr(GString) sql = g_string_new ("SELECT 1 FROM users u WHERE u.id = ?1");
  g_autoptr(sqlite3_stmt) stmt = NULL;

  append_user_visibility (req->principal, sql);
  stmt = dw_store_prepare (req->api->db, sql->str, NULL);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, user_id);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

static void
get_user_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;

  if (!user_visible (req, req->ids[0]))
    {
      dw_api_reply_not_found (req, "user", req->ids[0]);
      return;
    }

  dw_api_reply_result (req, 200, dw_store_user_json (req->api->db, req->ids[0], &error), &error);
}

static void
create_user_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;

  if (!require_admin (req, "create users") || (body = dw_api_read_object (req)) == NULL)
    return;

  dw_api_reply_result (req, 201,
                       dw_desk_create_user (req->api->desk, req->principal, body, &error), &error);
}

static void
update_user_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;

  if (!require_admin (req, "change users") || (body = dw_api_read_object (req)) == NULL)
    return;

  dw_api_reply_result (req, 200,
                       dw_desk_update_user (req->api->desk, req->principal, req->ids[0], body,
                                            &error), &error);
}

static const char * const presence_members[] = { "presence", NULL };

static void
set_presence_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  int presence = DW_PRESENCE_OFFLINE;

  /* No visibility check first: who may change whose presence is the desk's rule (403). */
  if ((body = dw_api_read_object (req)) == NULL)
    return;

  if (!dw_json_check_members (body, presence_members, &error)
      || !dw_json_get_enum (body, "presence", DW_TYPE_PRESENCE, DW_JSON_REQUIRED, &presence,
                            &error))
    {
      dw_api_reply_error (req, error);
      return;
    }

  dw_api_reply_result (req, 200,
                       dw_desk_set_presence (req->api->desk, req->principal, req->ids[0], presence,
                                             &error), &error);
}

/* Customers: every role reads and records them (an agent on the phone needs the caller). */

static char *
like_pattern (const char *q)
{
  GString *s = g_string_new ("%");

  for (const char *p = q; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }

  g_string_append_c (s, '%');
  return g_string_free (s, FALSE);
}

static void
list_customers_cb (DwApiRequest *req)
{
  g_autoptr(GString) sql = g_string_new ("SELECT " DW_STORE_CUSTOMER_COLUMNS
                                         " FROM customers c WHERE c.id > ?1");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonArray) items = json_array_new ();
  g_autoptr(GArray) read_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *next = NULL;
  const char *q = dw_api_query (req, "q");
  gint64 after_id, last_id = 0;
  guint limit, n = 0;
  int rc;

  if (!dw_api_read_paging (req, &limit, &after_id))
    return;

  dw_desk_customer_visibility (req->principal, sql);

  if (q != NULL && *q != '\0')
    {
      pattern = like_pattern (q);
      g_string_append (sql, " AND (c.name LIKE ?2 ESCAPE '\\' OR c.email LIKE ?2 ESCAPE '\\' "
                            "OR c.phone LIKE ?2 ESCAPE '\\')");
    }
  g_string_append (sql, " ORDER BY c.id LIMIT ?3");

  stmt = dw_store_prepare (req->api->db, sql->str, &error);
  if (stmt == NULL)
    {
      dw_api_reply_error (req, error);
      return;
    }

  sqlite3_bind_int64 (stmt, 1, after_id);
  if (pattern != NULL)
    sqlite3_bind_text (stmt, 2, pattern, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, limit + 1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && n < limit)
    {
      last_id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (read_ids, last_id);
      json_array_add_object_element (items, dw_store_customer_json_from_row (stmt));
      n++;
    }

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      dw_store_set_error (&error, req->api->db, rc);
      dw_api_reply_error (req, error);
      return;
    }
  g_clear_pointer (&stmt, dw_store_release);

  /* Personal data handed out: who saw which customers is in the audit trail. */
  if (!dw_desk_note_customer_reads (req->api->desk, req->principal, read_ids,
                                    pattern != NULL ? "listed (search)" : "listed", &error))
    {
      dw_api_reply_error (req, error);
      return;
    }

  if (rc == SQLITE_ROW)
    next = dw_api_make_cursor (last_id);

  dw_api_reply_items (req, items, TRUE, next);
}

static void
get_customer_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;

  dw_api_reply_result (req, 200,
                       dw_desk_read_customer (req->api->desk, req->principal, req->ids[0], &error),
                       &error);
}

static void
create_customer_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) body = dw_api_read_object (req);
  g_autoptr(GError) error = NULL;

  if (body == NULL)
    return;

  dw_api_reply_result (req, 201,
                       dw_desk_create_customer (req->api->desk, req->principal, body, &error),
                       &error);
}

static void
update_customer_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) body = dw_api_read_object (req);
  g_autoptr(GError) error = NULL;

  if (body == NULL)
    return;

  dw_api_reply_result (req, 200,
                       dw_desk_update_customer (req->api->desk, req->principal, req->ids[0], body,
                                                &error), &error);
}

/* SLA policies and calendars: read-only, for everyone. */

static JsonObject *
policy_row (sqlite3 *db, sqlite3_stmt *stmt)
{
  return dw_store_sla_policy_json_from_row (stmt);
}

static void
list_policies_cb (DwApiRequest *req)
{
  reply_rows (req, "SELECT " DW_STORE_SLA_POLICY_COLUMNS " FROM sla_policies p "
                   "ORDER BY p.position, p.id", 0, policy_row);
}

static void
get_policy_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;

  dw_api_reply_result (req, 200,
                       dw_store_sla_policy_json (req->api->db, req->ids[0], &error), &error);
}

static JsonObject *
calendar_row (sqlite3 *db, sqlite3_stmt *stmt)
{
  return dw_store_calendar_json_from_row (stmt);
}

static void
list_calendars_cb (DwApiRequest *req)
{
  reply_rows (req, "SELECT " DW_STORE_CALENDAR_COLUMNS " FROM calendars k ORDER BY k.id", 0,
              calendar_row);
}

static void
get_calendar_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;

  dw_api_reply_result (req, 200,
                       dw_store_calendar_json (req->api->db, req->ids[0], &error), &error);
}

const DwApiRoute dw_api_directory_routes[] = {
  { "GET", "teams", list_teams_cb, FALSE },
  { "POST", "teams", create_team_cb, FALSE },
  { "GET", "teams/:id", get_team_cb, FALSE },
  { "PATCH", "teams/:id", update_team_cb, FALSE },
  { "GET", "users", list_users_cb, FALSE },
  { "POST", "users", create_user_cb, FALSE },
  { "GET", "users/:id", get_user_cb, FALSE },
  { "PATCH", "users/:id", update_user_cb, FALSE },
  { "PUT", "users/:id/presence", set_presence_cb, FALSE },
  { "GET", "customers", list_customers_cb, FALSE },
  { "POST", "customers", create_customer_cb, FALSE },
  { "GET", "customers/:id", get_customer_cb, FALSE },
  { "PATCH", "customers/:id", update_customer_cb, FALSE },
  { "GET", "sla/policies", list_policies_cb, FALSE },
  { "GET", "sla/policies/:id", get_policy_cb, FALSE },
  { "GET", "calendars", list_calendars_cb, FALSE },
  { "GET", "calendars/:id", get_calendar_cb, FALSE },
  { NULL }
};
