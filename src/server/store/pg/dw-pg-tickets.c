/* dw-pg-tickets.c: the operations of store/dw-store-tickets.h on PostgreSQL.
 *
 * Same SQL as dw-sqlite-tickets.c where the dialects agree; the JSON objects are dw-pg-json.c's
 * (test-store-tickets compares the two backends' objects).
 */
#define G_LOG_DOMAIN "dw-store"

#include "config.h"

#include "dw-clock.h"
#include "dw-enums.h"
#include "dw-json.h"
#include "store/dw-store-tickets.h"
#include "store/pg/dw-pg-json.h"
#include "store/pg/dw-pg-ops.h"

static gboolean
ticket_load (DwStore           *store,
             gint64             ticket_id,
             DwStoreTicketRow  *row,
             GError           **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query_row (store,
    "SELECT subject, business_type, priority, status, coalesce (team_id, 0), "
    "coalesce (assignee_id, 0), coalesce (customer_id, 0), order_number, tags, "
    "coalesce (first_response_at, 0), coalesce (solved_at, 0), coalesce (csat, 0), "
    "csat_comment, version FROM tickets WHERE id = $1", ticket_id, "ticket", error);
  if (result == NULL)
    return FALSE;

  row->subject = dw_pg_get_strdup (result, 0, 0);
  row->business_type = dw_pg_get_strdup (result, 0, 1);
  row->priority = DW_PRIORITY_NORMAL;
  dw_enum_from_string (DW_TYPE_PRIORITY, PQgetvalue (result, 0, 2), &row->priority);
  row->status = DW_STATUS_NEW;
  dw_enum_from_string (DW_TYPE_STATUS, PQgetvalue (result, 0, 3), &row->status);
  row->team_id = dw_pg_get_int (result, 0, 4);
  row->assignee_id = dw_pg_get_int (result, 0, 5);
  row->customer_id = dw_pg_get_int (result, 0, 6);
  row->order_number = dw_pg_get_strdup (result, 0, 7);
  row->tags = dw_pg_get_strdup (result, 0, 8);
  row->first_response_at = dw_pg_get_int (result, 0, 9);
  row->solved_at = dw_pg_get_int (result, 0, 10);
  row->csat = dw_pg_get_int (result, 0, 11);
  row->csat_comment = dw_pg_get_strdup (result, 0, 12);
  row->version = dw_pg_get_int (result, 0, 13);
  return TRUE;
}

static JsonObject *
ticket_load_json (DwStore  *store,
                  gint64    ticket_id,
                  GError  **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query_row (store,
    "SELECT " DW_PG_JSON_TICKET_COLUMNS " FROM tickets t WHERE t.id = $1",
    ticket_id, "ticket", error);
  if (result == NULL)
    return NULL;
  return dw_pg_json_ticket (result, 0);
}

/* The object serialised: the text is the object's by construction. */
static char *
ticket_load_json_text (DwStore            *store,
                       gint64              ticket_id,
                       DwStoreTicketKeys  *keys,
                       GError            **error)
{
  g_autoptr(JsonObject) ticket = ticket_load_json (store, ticket_id, error);
  g_autoptr(JsonNode) node = NULL;
  JsonNode *member;

  if (ticket == NULL)
    return NULL;

  member = json_object_get_member (ticket, "team_id");
  keys->team_id = member != NULL && !JSON_NODE_HOLDS_NULL (member) ? json_node_get_int (member) : 0;
  member = json_object_get_member (ticket, "assignee_id");
  keys->assignee_id = member != NULL && !JSON_NODE_HOLDS_NULL (member)
                      ? json_node_get_int (member) : 0;
  keys->status = DW_STATUS_NEW;
  dw_enum_from_string (DW_TYPE_STATUS, json_object_get_string_member (ticket, "status"),
                       &keys->status);
  node = json_node_init_object (json_node_alloc (), ticket);
  return dw_json_to_string (node, NULL);
}

static gint64
ticket_insert (DwStore                 *store,
               const DwStoreTicketNew  *ticket,
               GError                 **error)
{
  DwPgInt team, customer, created;
  const char *params[] = {
    ticket->subject,
    ticket->body != NULL ? ticket->body : "",
    dw_channel_to_string (ticket->channel),
    ticket->business_type,
    dw_priority_to_string (ticket->priority),
    dw_pg_id_or_null (&team, ticket->team_id),
    dw_pg_id_or_null (&customer, ticket->customer_id),
    ticket->order_number,
    ticket->tags != NULL ? ticket->tags : "[]",
    dw_pg_int (&created, ticket->created_at),
  };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "INSERT INTO tickets (subject, body, channel, business_type, priority, status, team_id, "
    "customer_id, order_number, tags, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, 'new', $6, $7, $8, $9, $10, $10) RETURNING id",
    G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return 0;

  return dw_pg_get_int (result, 0, 0);
}

static gboolean
ticket_update (DwStore                 *store,
               gint64                   ticket_id,
               const DwStoreTicketRow  *row,
               gint64                   updated_at,
               GError                 **error)
{
  DwPgInt team, assignee, customer, first_response, solved, csat, updated, id, version;
  const char *params[] = {
    row->subject,
    row->business_type,
    dw_priority_to_string (row->priority),
    dw_status_to_string (row->status),
    dw_pg_id_or_null (&team, row->team_id),
    dw_pg_id_or_null (&assignee, row->assignee_id),
    dw_pg_id_or_null (&customer, row->customer_id),
    row->order_number,
    row->tags != NULL ? row->tags : "[]",
    dw_pg_id_or_null (&first_response, row->first_response_at),
    dw_pg_id_or_null (&solved, row->solved_at),
    dw_pg_id_or_null (&csat, row->csat),
    row->csat_comment,
    dw_pg_int (&updated, updated_at),
    dw_pg_int (&id, ticket_id),
    dw_pg_int (&version, row->version),
  };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
    "UPDATE tickets SET subject = $1, business_type = $2, priority = $3, status = $4, "
    "team_id = $5, assignee_id = $6, customer_id = $7, order_number = $8, tags = $9, "
    "first_response_at = $10, solved_at = $11, csat = $12, csat_comment = $13, "
    "updated_at = $14, version = version + 1 WHERE id = $15 AND version = $16",
    G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return FALSE;

  if (!dw_pg_changed (result, 1))
    {
      g_set_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT,
                   "ticket %" G_GINT64_FORMAT " is no longer at version %" G_GINT64_FORMAT,
                   ticket_id, row->version);
      return FALSE;
    }

  return TRUE;
}

static gboolean
ticket_set_escalation_level (DwStore  *store,
                             gint64    ticket_id,
                             gint64    level,
                             GError  **error)
{
  DwPgInt level_text, id;
  const char *params[] = { dw_pg_int (&level_text, level), dw_pg_int (&id, ticket_id) };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store, "UPDATE tickets SET escalation_level = $1 WHERE id = $2",
                              G_N_ELEMENTS (params), params, error);
  return result != NULL;
}

static gboolean
ticket_get_assignee (DwStore  *store,
                     gint64    ticket_id,
                     gint64   *assignee_id,
                     GError  **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query_row (store, "SELECT assignee_id FROM tickets WHERE id = $1", ticket_id,
                        "ticket", error);
  if (result == NULL)
    return FALSE;

  *assignee_id = dw_pg_get_int (result, 0, 0);  /* NULL reads as 0 */
  return TRUE;
}

static gint64
comment_insert (DwStore                  *store,
                const DwStoreCommentNew  *comment,
                GError                  **error)
{
  DwPgInt ticket, author, created;
  const char *params[] = {
    dw_pg_int (&ticket, comment->ticket_id),
    dw_author_kind_to_string (comment->author_kind),
    dw_pg_id_or_null (&author, comment->author_id),
    comment->is_public ? "1" : "0",
    comment->body,
    dw_pg_int (&created, comment->created_at),
  };
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query (store,
                              "INSERT INTO comments (ticket_id, author_kind, author_id, public, "
                              "body, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                              G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return 0;

  return dw_pg_get_int (result, 0, 0);
}

static JsonObject *
comment_load_json (DwStore  *store,
                   gint64    comment_id,
                   GError  **error)
{
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_store_query_row (store,
    "SELECT " DW_PG_JSON_COMMENT_COLUMNS " FROM comments c WHERE c.id = $1",
    comment_id, "comment", error);
  if (result == NULL)
    return NULL;
  return dw_pg_json_comment (result, 0);
}

const DwStoreTicketOps dw_pg_ticket_ops = {
  .load = ticket_load,
  .load_json = ticket_load_json,
  .insert = ticket_insert,
  .update = ticket_update,
  .set_escalation_level = ticket_set_escalation_level,
  .get_assignee = ticket_get_assignee,
  .comment_insert = comment_insert,
  .comment_load_json = comment_load_json,
  .load_json_text = ticket_load_json_text,
};
