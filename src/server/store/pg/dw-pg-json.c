/* dw-pg-json.c: PostgreSQL rows as docs/api.md's objects (dw-pg-json.h). */
#define G_LOG_DOMAIN "dw-store"

#include "store/pg/dw-pg-json.h"

#include "dw-clock.h"

static gint64
get_int (const PGresult *result,
         int             row,
         int             column)
{
  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

static void
set_int (JsonObject     *object,
         const char     *member,
         const PGresult *result,
         int             row,
         int             column)
{
  if (PQgetisnull (result, row, column))
    json_object_set_null_member (object, member);
  else
    json_object_set_int_member (object, member, get_int (result, row, column));
}

static void
set_text (JsonObject     *object,
          const char     *member,
          const PGresult *result,
          int             row,
          int             column)
{
  if (PQgetisnull (result, row, column))
    json_object_set_null_member (object, member);
  else
    json_object_set_string_member (object, member, PQgetvalue (result, row, column));
}

static void
set_time (JsonObject     *object,
          const char     *member,
          const PGresult *result,
          int             row,
          int             column)
{
  g_autofree char *iso = NULL;

  if (PQgetisnull (result, row, column))
    {
      json_object_set_null_member (object, member);
      return;
    }

  iso = dw_time_to_iso8601 (get_int (result, row, column));
  json_object_set_string_member (object, member, iso);
}

static JsonNode *
get_json (const PGresult *result,
          int             row,
          int             column)
{
  g_autoptr(JsonParser) parser = NULL;
  const char *text;

  if (PQgetisnull (result, row, column))
    return json_node_new (JSON_NODE_NULL);

  text = PQgetvalue (result, row, column);
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, -1, NULL) || json_parser_get_root (parser) == NULL)
    {
      g_warning ("Invalid JSON in column %s: %s", PQfname (result, column), text);
      return json_node_new (JSON_NODE_NULL);
    }
  return json_node_copy (json_parser_get_root (parser));
}

static void
set_json (JsonObject     *object,
          const char     *member,
          const PGresult *result,
          int             row,
          int             column)
{
  json_object_set_member (object, member, get_json (result, row, column));
}

JsonObject *
dw_pg_json_ticket (const PGresult *result,
                   int             row)
{
  JsonObject *o = json_object_new ();

  set_int (o, "id", result, row, 0);
  set_text (o, "subject", result, row, 1);
  set_text (o, "body", result, row, 2);
  set_text (o, "channel", result, row, 3);
  set_text (o, "business_type", result, row, 4);
  set_text (o, "priority", result, row, 5);
  set_text (o, "status", result, row, 6);
  set_int (o, "team_id", result, row, 7);
  set_int (o, "assignee_id", result, row, 8);
  set_int (o, "customer_id", result, row, 9);
  set_text (o, "order_number", result, row, 10);
  set_json (o, "tags", result, row, 11);
  set_time (o, "created_at", result, row, 12);
  set_time (o, "updated_at", result, row, 13);
  set_time (o, "first_response_at", result, row, 14);
  set_time (o, "solved_at", result, row, 15);
  set_int (o, "version", result, row, 16);
  set_int (o, "escalation_level", result, row, 17);
  set_int (o, "sla_policy_id", result, row, 18);
  set_text (o, "sla_state", result, row, 19);
  set_time (o, "next_sla_at", result, row, 20);
  set_json (o, "sla", result, row, 21);
  set_int (o, "csat", result, row, 22);
  set_text (o, "csat_comment", result, row, 23);
  set_text (o, "breach", result, row, 24);
  return o;
}

JsonObject *
dw_pg_json_user (const PGresult *result,
                 int             row)
{
  JsonObject *o = json_object_new ();

  set_int (o, "id", result, row, 0);
  set_text (o, "username", result, row, 1);
  set_text (o, "display_name", result, row, 2);
  set_text (o, "role", result, row, 3);
  set_int (o, "capacity", result, row, 4);
  set_text (o, "presence", result, row, 5);
  set_time (o, "presence_since", result, row, 6);
  set_json (o, "teams", result, row, 8);
  set_json (o, "skills", result, row, 9);
  set_int (o, "open_tickets", result, row, 10);
  json_object_set_boolean_member (o, "disabled", get_int (result, row, 7) != 0);
  return o;
}

JsonObject *
dw_pg_json_team (const PGresult *result,
                 int             row)
{
  JsonObject *o = json_object_new ();

  set_int (o, "id", result, row, 0);
  set_text (o, "name", result, row, 1);
  set_text (o, "description", result, row, 2);
  set_int (o, "calendar_id", result, row, 3);
  set_int (o, "offline_grace_minutes", result, row, 4);
  set_json (o, "business_types", result, row, 5);
  return o;
}

JsonObject *
dw_pg_json_comment (const PGresult *result,
                    int             row)
{
  JsonObject *o = json_object_new ();

  set_int (o, "id", result, row, 0);
  set_int (o, "ticket_id", result, row, 1);
  set_text (o, "author_kind", result, row, 2);
  set_int (o, "author_id", result, row, 3);
  json_object_set_boolean_member (o, "public", get_int (result, row, 4) != 0);
  set_text (o, "body", result, row, 5);
  set_time (o, "created_at", result, row, 6);
  return o;
}

JsonObject *
dw_pg_json_audit (const PGresult *result,
                  int             row)
{
  JsonObject *o = json_object_new ();

  set_int (o, "id", result, row, 0);
  set_time (o, "at", result, row, 1);
  set_int (o, "actor_id", result, row, 2);
  set_text (o, "entity", result, row, 3);
  set_int (o, "entity_id", result, row, 4);
  set_text (o, "action", result, row, 5);
  set_text (o, "field", result, row, 6);
  set_json (o, "before", result, row, 7);
  set_json (o, "after", result, row, 8);
  set_text (o, "reason", result, row, 9);
  return o;
}

JsonObject *
dw_pg_json_sla_policy (const PGresult *result,
                       int             row)
{
  JsonObject *o = json_object_new ();

  set_int (o, "id", result, row, 0);
  set_text (o, "name", result, row, 1);
  set_int (o, "position", result, row, 2);
  set_json (o, "match_priorities", result, row, 3);
  set_json (o, "match_tags", result, row, 4);
  set_json (o, "match_channels", result, row, 5);
  set_json (o, "match_business_types", result, row, 6);
  set_int (o, "first_response_minutes", result, row, 7);
  set_int (o, "next_response_minutes", result, row, 8);
  set_int (o, "resolution_minutes", result, row, 9);
  json_object_set_double_member (o, "at_risk_ratio",
                                 g_ascii_strtod (PQgetvalue (result, row, 10), NULL));
  set_json (o, "escalation", result, row, 11);
  return o;
}
