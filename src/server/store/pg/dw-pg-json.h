/* dw-pg-json.h: PostgreSQL rows as the objects of docs/api.md, member for member as dw-store.c's
 * dw_store_*_json_from_row () build them from SQLite rows (integers as integers, SQL NULL as
 * null, times as ISO 8601 text, JSON columns parsed): for every PostgreSQL operation that
 * answers with an object (dw-pg-snapshot.c; dw-pg-tickets.c's load_json may share them).
 *
 * Each takes row @row of a result whose columns are the DW_PG_JSON_*_COLUMNS of its kind.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

/* DW_STORE_TICKET_BREACH in PostgreSQL's words: json_each → jsonb_array_elements, and
 * json_extract (…) IS NULL (a member missing or null) → ->> IS NULL.  The targets are read
 * only when the worst state is breached, as on SQLite. */
#define DW_PG_JSON_TICKET_BREACH \
  "(CASE WHEN t.sla_state IS DISTINCT FROM 'breached' THEN 'none' " \
  "WHEN t.status IN ('new', 'open', 'pending', 'on-hold') AND EXISTS (SELECT 1 FROM " \
  "jsonb_array_elements (t.sla::jsonb) e WHERE e->>'state' = 'breached' " \
  "AND e->>'met_at' IS NULL) THEN 'running' " \
  "WHEN EXISTS (SELECT 1 FROM jsonb_array_elements (t.sla::jsonb) e " \
  "WHERE e->>'state' = 'breached') THEN 'settled' ELSE 'none' END)"

/* The same columns in the same order as DW_STORE_TICKET_COLUMNS. */
#define DW_PG_JSON_TICKET_COLUMNS \
  "t.id, t.subject, t.body, t.channel, t.business_type, t.priority, t.status, t.team_id, " \
  "t.assignee_id, t.customer_id, t.order_number, t.tags, t.created_at, t.updated_at, " \
  "t.first_response_at, t.solved_at, t.version, t.escalation_level, t.sla_policy_id, " \
  "t.sla_state, t.next_sla_at, t.sla, t.csat, t.csat_comment, " DW_PG_JSON_TICKET_BREACH

/* DW_STORE_USER_COLUMNS, then its teams ("[{id, is_lead}]" as JSON text), skills and open
 * tickets, which SQLite's builder reads with three more queries per user. */
#define DW_PG_JSON_USER_COLUMNS \
  "u.id, u.username, u.display_name, u.role, u.capacity, u.presence, u.presence_since, " \
  "u.disabled, " \
  "(SELECT coalesce (json_agg (json_build_object ('id', m.team_id, 'is_lead', m.is_lead <> 0) " \
  "ORDER BY m.team_id), '[]') FROM team_members m WHERE m.user_id = u.id), " \
  "(SELECT coalesce (json_agg (json_build_object ('skill', s.skill, 'level', s.level) " \
  "ORDER BY s.skill COLLATE \"C\"), '[]') FROM user_skills s WHERE s.user_id = u.id), " \
  "(SELECT count (*) FROM tickets o WHERE o.assignee_id = u.id " \
  "AND o.status IN ('new', 'open', 'pending', 'on-hold'))"

/* DW_STORE_TEAM_COLUMNS, then its business types' keys as a JSON array. */
#define DW_PG_JSON_TEAM_COLUMNS \
  "m.id, m.name, m.description, m.calendar_id, m.offline_grace_minutes, " \
  "(SELECT coalesce (json_agg (b.key ORDER BY b.key COLLATE \"C\"), '[]') " \
  "FROM business_types b WHERE b.team_id = m.id)"

#define DW_PG_JSON_COMMENT_COLUMNS \
  "c.id, c.ticket_id, c.author_kind, c.author_id, c.public, c.body, c.created_at"
#define DW_PG_JSON_AUDIT_COLUMNS \
  "a.id, a.at, a.actor_id, a.entity, a.entity_id, a.action, a.field, a.before, a.after, a.reason"
#define DW_PG_JSON_SLA_POLICY_COLUMNS \
  "p.id, p.name, p.position, p.match_priorities, p.match_tags, p.match_channels, " \
  "p.match_business_types, p.first_response_minutes, p.next_response_minutes, " \
  "p.resolution_minutes, p.at_risk_ratio, p.escalation"

JsonObject *dw_pg_json_ticket     (const PGresult *result,
                                   int             row);
JsonObject *dw_pg_json_user       (const PGresult *result,
                                   int             row);
JsonObject *dw_pg_json_team       (const PGresult *result,
                                   int             row);
JsonObject *dw_pg_json_comment    (const PGresult *result,
                                   int             row);
JsonObject *dw_pg_json_audit      (const PGresult *result,
                                   int             row);
JsonObject *dw_pg_json_sla_policy (const PGresult *result,
                                   int             row);

G_END_DECLS
