/* dw-api-directory.c: teams, users, customers, SLA policies and calendars. */
#define G_LOG_DOMAIN "dw-api"

#include "dw-api-private.h"

#include "store/dw-store-people.h"

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

/* Replies @items, or the error if there are none. */
static void
reply_list (DwApiRequest *req,
            JsonArray    *items,
            GError       *error)
{
  g_autoptr(JsonArray) owned = items;

  if (owned == NULL)
    {
      dw_api_reply_error (req, error);
      return;
    }

  dw_api_reply_items (req, owned, FALSE, NULL);
}

static void
list_teams_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;
  JsonArray *items = dw_store_team_list_json (req->api->store, &error);

  reply_list (req, items, error);
}

static void
get_team_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;

  dw_api_reply_result (req, 200, dw_store_team_load_json (req->api->store, req->ids[0], &error),
                       &error);
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
user_scope (DwPrincipal      *principal,
            DwStoreUserScope *scope)
{
  *scope = (DwStoreUserScope) { .all = principal->role == DW_ROLE_ADMIN,
                                .user_id = principal->user_id };
  if (principal->role == DW_ROLE_LEAD)
    scope->team_ids = principal->team_ids;
}

static void
list_users_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;
  DwStoreUserScope scope;
  JsonArray *items;
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

  user_scope (req->principal, &scope);
  items = dw_store_user_list_json (req->api->store, &scope, (gint64) team_id,
                                   presence != NULL ? value : -1, &error);
  reply_list (req, items, error);
}

static gboolean
user_visible (DwApiRequest *req,
              gint64        user_id)
{
  DwStoreUserScope scope;

  user_scope (req->principal, &scope);
  return dw_store_user_visible (req->api->store, &scope, user_id);
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

  dw_api_reply_result (req, 200, dw_store_user_load_json (req->api->store, req->ids[0], &error),
                       &error);
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
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonArray) items = json_array_new ();
  g_autoptr(GArray) read_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *next = NULL;
  const char *q = dw_api_query (req, "q");
  DwStoreCustomerScope scope;
  gint64 after_id, last_id = 0;
  guint limit;

  if (!dw_api_read_paging (req, &limit, &after_id))
    return;

  dw_desk_customer_scope (req->principal, &scope);
  if (q != NULL && *q != '\0')
    pattern = like_pattern (q);

  /* One more than a page: whether there is a next one. */
  rows = dw_store_customer_list (req->api->store, &scope, after_id, pattern, limit + 1, &error);
  if (rows == NULL)
    {
      dw_api_reply_error (req, error);
      return;
    }

  for (guint i = 0; i < rows->len && i < limit; i++)
    {
      JsonObject *customer = g_ptr_array_index (rows, i);

      last_id = json_object_get_int_member (customer, "id");
      g_array_append_val (read_ids, last_id);
      json_array_add_object_element (items, json_object_ref (customer));
    }

  /* Personal data handed out: who saw which customers is in the audit trail. */
  if (!dw_desk_note_customer_reads (req->api->desk, req->principal, read_ids,
                                    pattern != NULL ? "listed (search)" : "listed", &error))
    {
      dw_api_reply_error (req, error);
      return;
    }

  if (rows->len > limit)
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

static void
list_policies_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;
  JsonArray *items = dw_store_policy_list_json (req->api->store, &error);

  reply_list (req, items, error);
}

static void
get_policy_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;

  dw_api_reply_result (req, 200,
                       dw_store_policy_load_json (req->api->store, req->ids[0], &error), &error);
}

static void
list_calendars_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;
  JsonArray *items = dw_store_calendar_list_json (req->api->store, &error);

  reply_list (req, items, error);
}

static void
get_calendar_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;

  dw_api_reply_result (req, 200,
                       dw_store_calendar_load_json (req->api->store, req->ids[0], &error), &error);
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
