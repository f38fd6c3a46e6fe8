/* dw-api-snapshot.c: GET /api/v1/snapshot — what the console needs to start, and the stream's
 * sequence number it is consistent with.
 *
 * Everything is read in one read transaction, and the sequence number is taken inside it, so a
 * client that then follows the stream from "seq" misses nothing and applies nothing twice
 * (writes are single-threaded here: an event is published exactly when its transaction
 * commits).
 */
#define G_LOG_DOMAIN "dw-api"

#include "dw-api-private.h"

#define DEFAULT_HEARTBEAT_MS 15000

static gboolean
add_rows (DwApiRequest  *req,
          JsonObject    *snapshot,
          const char    *member,
          const char    *sql,
          int            kind,
          GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (req->api->db, sql, error);
  JsonArray *items = json_array_new ();
  int rc;

  json_object_set_array_member (snapshot, member, items);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o;

      switch (kind)
        {
        case 0: o = dw_store_team_json_from_row (req->api->db, stmt); break;
        case 1: o = dw_store_user_json_from_row (req->api->db, stmt); break;
        default: o = dw_store_sla_policy_json_from_row (stmt); break;
        }
      json_array_add_object_element (items, o);
    }

  if (rc != SQLITE_DONE)
    {
      dw_store_set_error (error, req->api->db, rc);
      return FALSE;
    }

  return TRUE;
}

/* Appends the rows of one column of JSON text to @out, joined with commas. */
static gboolean
add_json_rows (DwApiRequest  *req,
               GString       *out,
               const char    *sql,
               GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = dw_store_prepare (req->api->db, sql, error);
  gboolean first = TRUE;
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      g_string_append_len (out, (const char *) sqlite3_column_text (stmt, 0),
                           sqlite3_column_bytes (stmt, 0));
    }

  if (rc != SQLITE_DONE)
    {
      dw_store_set_error (error, req->api->db, rc);
      return FALSE;
    }

  return TRUE;
}

static void
append_ids (GString      *s,
            const GArray *ids)
{
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                            g_array_index (ids, gint64, i));
}

static guint
heartbeat_seconds (void)
{
  const char *env = g_getenv ("DESKWATCH_HEARTBEAT_MS");
  guint64 ms = DEFAULT_HEARTBEAT_MS;

  if (env != NULL)
    g_ascii_string_to_unsigned (env, 10, 1, G_MAXUINT32, &ms, NULL);
  return (guint) MAX ((ms + 999) / 1000, 1);
}

static void
snapshot_cb (DwApiRequest *req)
{
  DwPrincipal *p = req->principal;
  g_autoptr(JsonObject) snapshot = json_object_new ();
  g_autoptr(JsonObject) me = NULL;
  g_autoptr(GString) users = g_string_new ("SELECT " DW_STORE_USER_COLUMNS " FROM users u "
                                           "WHERE u.disabled = 0");
  g_autoptr(GString) tickets = g_string_new ("SELECT " DW_STORE_TICKET_JSON " FROM tickets t "
                                             "WHERE t.status IN ('new', 'open', 'pending', "
                                             "'on-hold')");
  g_autoptr(GString) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) head = NULL;
  g_autofree char *head_text = NULL;
  gboolean ok;

  if (p->role != DW_ROLE_ADMIN)
    {
      g_string_append_printf (users, " AND (u.id = %" G_GINT64_FORMAT, p->user_id);
      if (p->role == DW_ROLE_LEAD && p->team_ids->len > 0)
        {
          g_string_append (users, " OR u.id IN (SELECT user_id FROM team_members "
                                  "WHERE team_id IN (");
          append_ids (users, p->team_ids);
          g_string_append (users, "))");
        }
      g_string_append (users, ")");
    }
  g_string_append (users, " ORDER BY u.id");

  dw_api_ticket_visibility (p, tickets);
  g_string_append (tickets, " ORDER BY t.id");

  if (!dw_store_begin_read (req->api->db, &error))
    {
      dw_api_reply_error (req, error);
      return;
    }

  json_object_set_int_member (snapshot, "seq", dw_event_log_get_seq (req->api->events));
  json_object_set_int_member (snapshot, "heartbeat_interval", heartbeat_seconds ());

  me = dw_store_user_json (req->api->db, p->user_id, &error);
  ok = me != NULL;
  if (ok)
    json_object_set_object_member (snapshot, "me", g_steal_pointer (&me));

  ok = ok
       && add_rows (req, snapshot, "teams",
                    "SELECT " DW_STORE_TEAM_COLUMNS " FROM teams m ORDER BY m.id", 0, &error)
       && add_rows (req, snapshot, "users", users->str, 1, &error)
       && add_rows (req, snapshot, "sla_policies",
                    "SELECT " DW_STORE_SLA_POLICY_COLUMNS " FROM sla_policies p "
                    "ORDER BY p.position, p.id", 2, &error);

  /* The tickets, already JSON text from SQLite, go in last: the rest "{…" then
   * ",\"tickets\":[…]}". */
  if (ok)
    {
      head = json_node_init_object (json_node_alloc (), snapshot);
      head_text = dw_json_to_string (head, NULL);
      body = g_string_new (head_text);
      g_assert (body->len > 2 && body->str[body->len - 1] == '}');
      g_string_truncate (body, body->len - 1);
      g_string_append (body, ",\"tickets\":[");
      ok = add_json_rows (req, body, tickets->str, &error);
      g_string_append (body, "]}");
    }

  /* Read-only: ending it can only fail if the database is gone. */
  dw_store_rollback (req->api->db);

  if (!ok)
    {
      dw_api_reply_error (req, error);
      return;
    }

  dw_json_reply_text (req->msg, 200, g_string_free (g_steal_pointer (&body), FALSE));
}

const DwApiRoute dw_api_snapshot_routes[] = {
  { "GET", "snapshot", snapshot_cb, FALSE },
  { NULL }
};
