/* dw-audit-event.h: one row of the append-only audit trail (docs/api.md "Audit event").
 *
 * "before" and "after" are any JSON value (or null), kept as JsonNode (boxed JSON_TYPE_NODE);
 * "before-text" and "after-text" are their compact JSON for display ("null" for null).
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DW_TYPE_AUDIT_EVENT (dw_audit_event_get_type ())
G_DECLARE_FINAL_TYPE (DwAuditEvent, dw_audit_event, DW, AUDIT_EVENT, GObject)

/* Required: id, at, entity, entity_id, action; actor_id null for the system. */
DwAuditEvent *dw_audit_event_new_from_json (JsonObject   *object,
                                            GError      **error);
JsonObject   *dw_audit_event_to_json       (DwAuditEvent *self);

gint64        dw_audit_event_get_id        (DwAuditEvent *self);
gint64        dw_audit_event_get_at        (DwAuditEvent *self);
gint64        dw_audit_event_get_actor_id  (DwAuditEvent *self);  /* 0: the system */
const char   *dw_audit_event_get_entity    (DwAuditEvent *self);
gint64        dw_audit_event_get_entity_id (DwAuditEvent *self);
const char   *dw_audit_event_get_action    (DwAuditEvent *self);
const char   *dw_audit_event_get_field     (DwAuditEvent *self);  /* NULL: none */
JsonNode     *dw_audit_event_get_before    (DwAuditEvent *self);  /* borrowed, never NULL */
JsonNode     *dw_audit_event_get_after     (DwAuditEvent *self);  /* borrowed, never NULL */
const char   *dw_audit_event_get_before_text (DwAuditEvent *self);
const char   *dw_audit_event_get_after_text  (DwAuditEvent *self);
const char   *dw_audit_event_get_reason    (DwAuditEvent *self);  /* NULL: none */

G_END_DECLS
