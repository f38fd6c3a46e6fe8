/* dw-pg-snapshot.c: the console's reads (store/dw-store-snapshot.h) on PostgreSQL.
 *
 * The objects are built in C from rows (dw-pg-json.c), member for member as SQLite's; the JSON
 * snapshot's tickets are then written as text one by one.  The SQL is SQLite's in
 * PostgreSQL's words: jsonb for json_each, ILIKE for SQLite's (ASCII-)case-insensitive LIKE,
 * ordinality for json_each's key.
 */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include "dw-json.h"
#include "dw-store.h"
#include "store/dw-store-snapshot.h"
#include "store/pg/dw-pg-connection.h"
#include "store/pg/dw-pg-ops.h"
#include "store/pg/dw-pg-json.h"
#include "store/pg/dw-pg-store.h"

#define ACTIVE "t.status IN ('new', 'open', 'pending', 'on-hold')"

static DwStoreText
get_text (const PGresult *result,
          int             row,
          int             column)
{
  if (PQgetisnull (result, row, column))
    return (DwStoreText) { NULL, 0 };
  return (DwStoreText) { PQgetvalue (result, row, column), PQgetlength (result, row, column) };
}

static void
append_ids (GString      *s,
            const GArray *ids)
{
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                            g_array_index (ids, gint64, i));
}

/* As SQLite's: the ids inlined (numbers, not the request's text). */
static void
append_visibility (GString                 *where,
                   const DwStoreVisibility *visibility)
{
  if (visibility == NULL || visibility->all)
    return;

  g_string_append_printf (where, " AND (t.assignee_id = %" G_GINT64_FORMAT,
                          visibility->user_id);
  if (visibility->team_ids != NULL && visibility->team_ids->len > 0)
    {
      g_string_append (where, " OR t.team_id IN (");
      append_ids (where, visibility->team_ids);
      g_string_append (where, ")");
    }
  g_string_append (where, ")");
}

typedef JsonObject *(*RowFunc) (const PGresult *result, int row);

static JsonArray *
rows_json (DwStore     *store,
           const char  *sql,
           gint64       id,
           RowFunc      func,
           GError     **error)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { id_text };
  g_autoptr(PGresult) result = dw_pg_store_query (store, sql, id != 0 ? 1 : 0, params, error);
  JsonArray *items;

  if (result == NULL)
    return NULL;

  items = json_array_new ();
  for (int i = 0; i < PQntuples (result); i++)
    json_array_add_object_element (items, func (result, i));
  return items;
}

static gboolean
snapshot_ping (DwStore *store)
{
  g_autoptr(PGresult) result = dw_pg_store_query (store, "SELECT 1", 0, NULL, NULL);

  /* The first use of a connection that died while idle (PostgreSQL restarted) fails; the
   * second reconnects: the server is back, and the balancer need not hear otherwise. */
  if (result == NULL && dw_pg_store_connection_lost (store))
    result = dw_pg_store_query (store, "SELECT 1", 0, NULL, NULL);

  return result != NULL && PQntuples (result) == 1;
}

static gboolean
snapshot_get_setting (DwStore     *store,
                      const char  *key,
                      char       **value,
                      GError     **error)
{
  const char *params[] = { key };

  return dw_pg_store_query_text (store,
    "SELECT value FROM settings WHERE key = $1", 1,
    params, value, NULL, error);
}

static JsonArray *
snapshot_teams_json (DwStore  *store,
                     GError  **error)
{
  return rows_json (store, "SELECT " DW_PG_JSON_TEAM_COLUMNS " FROM teams m ORDER BY m.id", 0,
                    dw_pg_json_team, error);
}

static JsonArray *
snapshot_users_json (DwStore                  *store,
                     const DwStoreVisibility  *visibility,
                     GError                  **error)
{
  g_autoptr(GString) users = g_string_new ("SELECT " DW_PG_JSON_USER_COLUMNS " FROM users u "
                                           "WHERE u.disabled = 0");

  if (!visibility->all)
    {
      g_string_append_printf (users, " AND (u.id = %" G_GINT64_FORMAT, visibility->user_id);
      if (visibility->team_ids != NULL && visibility->team_ids->len > 0)
        {
          g_string_append (users, " OR u.id IN (SELECT user_id FROM team_members "
                                  "WHERE team_id IN (");
          append_ids (users, visibility->team_ids);
          g_string_append (users, "))");
        }
      g_string_append (users, ")");
    }
  g_string_append (users, " ORDER BY u.id");

  return rows_json (store, users->str, 0, dw_pg_json_user, error);
}

static JsonArray *
snapshot_sla_policies_json (DwStore  *store,
                            GError  **error)
{
  return rows_json (store, "SELECT " DW_PG_JSON_SLA_POLICY_COLUMNS " FROM sla_policies p "
                    "ORDER BY p.position, p.id", 0, dw_pg_json_sla_policy, error);
}

static char *
active_where (const DwStoreVisibility *visibility)
{
  GString *where = g_string_new (ACTIVE);

  append_visibility (where, visibility);
  return g_string_free (where, FALSE);
}

static gboolean
snapshot_active_tickets_json (DwStore                  *store,
                              const DwStoreVisibility  *visibility,
                              GString                  *out,
                              GError                  **error)
{
  g_autofree char *where = active_where (visibility);
  g_autofree char *sql = g_strconcat ("SELECT " DW_PG_JSON_TICKET_COLUMNS " FROM tickets t "
                                      "WHERE ", where, " ORDER BY t.id", NULL);
  g_autoptr(PGresult) result = dw_pg_store_query (store, sql, 0, NULL, error);

  if (result == NULL)
    return FALSE;

  for (int i = 0; i < PQntuples (result); i++)
    {
      g_autoptr(JsonObject) ticket = dw_pg_json_ticket (result, i);
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), ticket);
      g_autofree char *text = dw_json_to_string (node, NULL);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, text);
    }
  return TRUE;
}

#define COMPACT_TICKET_COLUMNS \
  "t.id, t.subject, t.body, t.channel, t.business_type, t.priority, t.status, t.team_id, " \
  "t.assignee_id, t.customer_id, t.order_number, t.created_at, t.updated_at, " \
  "t.first_response_at, t.solved_at, t.version, t.escalation_level, t.sla_policy_id, " \
  "t.sla_state, t.next_sla_at, t.csat, t.csat_comment, " DW_PG_JSON_TICKET_BREACH ", t.tags, " \
  "t.sla"

/* json_each's rows in PostgreSQL's words: the element's index and its text (a string's value
 * unescaped).  A raw U+001F (tags stored by JSON-GLib 1.6) is escaped first, as on SQLite. */
#define COMPACT_TAG_SQL \
  "SELECT t.id, j.n - 1, j.value FROM tickets t, " \
  "jsonb_array_elements_text (replace (t.tags, chr (31), '\\u001f')::jsonb) " \
  "WITH ORDINALITY j (value, n) WHERE "

static gboolean
snapshot_active_tickets_compact (DwStore                   *store,
                                 const DwStoreVisibility   *visibility,
                                 DwStoreCompactTicketFunc   ticket_func,
                                 DwStoreCompactTagFunc      tag_func,
                                 gpointer                   user_data,
                                 GError                   **error)
{
  g_autofree char *where = active_where (visibility);
  g_autofree char *ticket_sql = g_strconcat ("SELECT " COMPACT_TICKET_COLUMNS " FROM tickets t "
                                             "WHERE ", where, " ORDER BY t.id", NULL);
  g_autofree char *tag_sql = g_strconcat (COMPACT_TAG_SQL, where, " ORDER BY t.id, j.n", NULL);
  g_autoptr(PGresult) tickets = NULL;
  g_autoptr(PGresult) tags = NULL;
  int n_tags, tag = 0;

  if ((tickets = dw_pg_store_query (store, ticket_sql, 0, NULL, error)) == NULL ||
      (tags = dw_pg_store_query (store, tag_sql, 0, NULL, error)) == NULL)
    return FALSE;

  n_tags = PQntuples (tags);
  for (int i = 0; i < PQntuples (tickets); i++)
    {
      DwStoreCompactTicket r;

      r.id = dw_pg_get_int (tickets, i, 0);
      /* Both by id: this ticket's tags come next, or none. */
      while (tag < n_tags && dw_pg_get_int (tags, tag, 0) < r.id)
        tag++;
      for (; tag < n_tags && dw_pg_get_int (tags, tag, 0) == r.id; tag++)
        tag_func (r.id, dw_pg_get_int (tags, tag, 1), get_text (tags, tag, 2), user_data);

      r.subject = get_text (tickets, i, 1);
      r.body = get_text (tickets, i, 2);
      r.channel = get_text (tickets, i, 3);
      r.business_type = get_text (tickets, i, 4);
      r.priority = get_text (tickets, i, 5);
      r.status = get_text (tickets, i, 6);
      r.team_id = dw_pg_get_int (tickets, i, 7);
      r.assignee_id = dw_pg_get_int (tickets, i, 8);
      r.customer_id = dw_pg_get_int (tickets, i, 9);
      r.order_number = get_text (tickets, i, 10);
      r.created_at = dw_pg_get_int (tickets, i, 11);
      r.updated_at = dw_pg_get_int (tickets, i, 12);
      r.first_response_at = dw_pg_get_int (tickets, i, 13);
      r.solved_at = dw_pg_get_int (tickets, i, 14);
      r.version = dw_pg_get_int (tickets, i, 15);
      r.escalation_level = (int) dw_pg_get_int (tickets, i, 16);
      r.sla_policy_id = dw_pg_get_int (tickets, i, 17);
      r.sla_state = get_text (tickets, i, 18);
      r.next_sla_at = dw_pg_get_int (tickets, i, 19);
      r.csat = (int) dw_pg_get_int (tickets, i, 20);
      r.csat_comment = get_text (tickets, i, 21);
      r.breach = get_text (tickets, i, 22);
      r.tags = get_text (tickets, i, 23);
      r.sla = get_text (tickets, i, 24);
      ticket_func (&r, user_data);
    }
  return TRUE;
}

/* Nicks from the enum tables, checked by the caller: safe to inline. */
static void
append_list (GString            *where,
             const char         *column,
             const char * const *values)
{
  if (values == NULL)
    return;

  g_string_append_printf (where, " AND %s IN (", column);
  for (guint i = 0; values[i] != NULL; i++)
    g_string_append_printf (where, "%s'%s'", i > 0 ? ", " : "", values[i]);
  g_string_append (where, ")");
}

/* Adds a parameter (copied) and returns its "$N". */
static char *
add_param (GPtrArray  *params,
           char       *text)
{
  g_ptr_array_add (params, text);
  return g_strdup_printf ("$%u", params->len);
}

static char *
add_int (GPtrArray *params,
         gint64     value)
{
  return add_param (params, g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

static gboolean
snapshot_ticket_list (DwStore                    *store,
                      const DwStoreTicketFilter  *f,
                      JsonArray                  *items,
                      gboolean                   *more,
                      GError                    **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT " DW_PG_JSON_TICKET_COLUMNS " FROM tickets t");
  g_autoptr(GString) where = g_string_new (" WHERE TRUE");
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(PGresult) result = NULL;
  int n;

  *more = FALSE;
  append_visibility (where, &f->visibility);

  if (f->before_id > 0)
    {
      g_autofree char *p = add_int (params, f->before_id);

      g_string_append_printf (where, " AND t.id < %s", p);
    }

  if (f->team_id > 0)
    {
      g_autofree char *p = add_int (params, f->team_id);

      g_string_append_printf (where, " AND t.team_id = %s", p);
    }

  if (f->assignee_id > 0)
    {
      g_autofree char *p = add_int (params, f->assignee_id);

      g_string_append_printf (where, " AND t.assignee_id = %s", p);
    }

  if (f->unassigned)
    g_string_append (where, " AND t.assignee_id IS NULL");

  append_list (where, "t.status", f->statuses);
  append_list (where, "t.priority", f->priorities);
  append_list (where, "t.channel", f->channels);
  append_list (where, "t.sla_state", f->sla_states);
  append_list (where, DW_PG_JSON_TICKET_BREACH, f->breaches);

  if (f->business_types != NULL)
    {
      g_string_append (where, " AND t.business_type IN (");
      for (guint i = 0; f->business_types[i] != NULL; i++)
        {
          g_autofree char *p = add_param (params, g_strdup (f->business_types[i]));

          g_string_append_printf (where, "%s%s", i > 0 ? ", " : "", p);
        }
      g_string_append (where, ")");
    }

  if (f->q != NULL && *f->q != '\0')
    {
      GString *s = g_string_new ("%");
      g_autofree char *p = NULL;

      for (const char *c = f->q; *c != '\0'; c++)
        {
          if (*c == '%' || *c == '_' || *c == '\\')
            g_string_append_c (s, '\\');
          g_string_append_c (s, *c);
        }
      g_string_append_c (s, '%');
      p = add_param (params, g_string_free (s, FALSE));

      /* SQLite's LIKE ignores the case of ASCII letters. */
      g_string_append_printf (where, " AND (t.subject ILIKE %s ESCAPE '\\' OR t.body ILIKE %s "
                              "ESCAPE '\\' OR t.order_number ILIKE %s ESCAPE '\\')", p, p, p);
    }

  if (f->has_updated_since)
    {
      g_autofree char *p = add_int (params, f->updated_since);

      g_string_append_printf (where, " AND t.updated_at >= %s", p);
    }

  {
    g_autofree char *p = add_int (params, (gint64) f->limit + 1);

    g_string_append_printf (sql, "%s ORDER BY t.id DESC LIMIT %s", where->str, p);
  }

  result = dw_pg_store_query (store,
    sql->str, params->len, (const char * const *) params->pdata, error);
  if (result == NULL)
    return FALSE;

  n = PQntuples (result);
  for (int i = 0; i < n && (guint) i < f->limit; i++)
    json_array_add_object_element (items, dw_pg_json_ticket (result, i));
  *more = (guint) n > f->limit;
  return TRUE;
}

static JsonArray *
snapshot_comments_json (DwStore  *store,
                        gint64    ticket_id,
                        GError  **error)
{
  return rows_json (store, "SELECT " DW_PG_JSON_COMMENT_COLUMNS " FROM comments c "
                    "WHERE c.ticket_id = $1 ORDER BY c.id", ticket_id, dw_pg_json_comment,
                    error);
}

static JsonArray *
snapshot_audit_json (DwStore  *store,
                     gint64    ticket_id,
                     GError  **error)
{
  return rows_json (store, "SELECT " DW_PG_JSON_AUDIT_COLUMNS " FROM audit a "
                    "WHERE a.entity = 'ticket' AND a.entity_id = $1 ORDER BY a.id", ticket_id,
                    dw_pg_json_audit, error);
}

const DwStoreSnapshotOps dw_pg_snapshot_ops = {
  .ping = snapshot_ping,
  .get_setting = snapshot_get_setting,
  .teams_json = snapshot_teams_json,
  .users_json = snapshot_users_json,
  .sla_policies_json = snapshot_sla_policies_json,
  .active_tickets_json = snapshot_active_tickets_json,
  .active_tickets_compact = snapshot_active_tickets_compact,
  .ticket_list = snapshot_ticket_list,
  .comments_json = snapshot_comments_json,
  .audit_json = snapshot_audit_json,
};
