#include "dw-audit-event.h"

#include "dw-json.h"

struct _DwAuditEvent
{
  GObject    parent_instance;

  gint64     id;
  gint64     at;
  gint64     actor_id;
  char      *entity;
  gint64     entity_id;
  char      *action;
  char      *field;
  JsonNode  *before;
  JsonNode  *after;
  char      *before_text;
  char      *after_text;
  char      *reason;
};

G_DEFINE_FINAL_TYPE (DwAuditEvent, dw_audit_event, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_AT,
  PROP_ACTOR_ID,
  PROP_ENTITY,
  PROP_ENTITY_ID,
  PROP_ACTION,
  PROP_FIELD,
  PROP_BEFORE,
  PROP_AFTER,
  PROP_BEFORE_TEXT,
  PROP_AFTER_TEXT,
  PROP_REASON,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

#define FIELD(member, prop, kind, flags, field) \
  { member, prop, DW_JSON_KIND_##kind, flags, G_STRUCT_OFFSET (DwAuditEvent, field) }

static const DwJsonField fields[] = {
  FIELD ("id", PROP_ID, INT64, DW_JSON_REQUIRED | DW_JSON_POSITIVE, id),
  FIELD ("at", PROP_AT, TIME, DW_JSON_REQUIRED, at),
  FIELD ("actor_id", PROP_ACTOR_ID, INT64, DW_JSON_NULLABLE | DW_JSON_POSITIVE, actor_id),
  FIELD ("entity", PROP_ENTITY, STRING, DW_JSON_REQUIRED, entity),
  FIELD ("entity_id", PROP_ENTITY_ID, INT64, DW_JSON_REQUIRED | DW_JSON_POSITIVE, entity_id),
  FIELD ("action", PROP_ACTION, STRING, DW_JSON_REQUIRED, action),
  FIELD ("field", PROP_FIELD, STRING, DW_JSON_NULLABLE, field),
  FIELD ("reason", PROP_REASON, STRING, DW_JSON_NULLABLE, reason),
};

#undef FIELD

static const DwJsonSchema schema = { fields, G_N_ELEMENTS (fields), properties };

/* A copy of @member's value, null when absent. */
static JsonNode *
dup_member (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL ? json_node_copy (node) : json_node_new (JSON_NODE_NULL);
}

static void
dw_audit_event_finalize (GObject *object)
{
  DwAuditEvent *self = (DwAuditEvent *)object;

  dw_json_schema_clear (&schema, object);
  g_clear_pointer (&self->before, json_node_unref);
  g_clear_pointer (&self->after, json_node_unref);
  g_clear_pointer (&self->before_text, g_free);
  g_clear_pointer (&self->after_text, g_free);

  G_OBJECT_CLASS (dw_audit_event_parent_class)->finalize (object);
}

static void
dw_audit_event_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DwAuditEvent *self = DW_AUDIT_EVENT (object);

  if (dw_json_schema_get_property (&schema, object, prop_id, value))
    return;

  switch (prop_id)
    {
    case PROP_BEFORE:
      g_value_set_boxed (value, self->before);
      break;

    case PROP_AFTER:
      g_value_set_boxed (value, self->after);
      break;

    case PROP_BEFORE_TEXT:
      g_value_set_string (value, self->before_text);
      break;

    case PROP_AFTER_TEXT:
      g_value_set_string (value, self->after_text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_audit_event_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  if (!dw_json_schema_set_property (&schema, object, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
dw_audit_event_class_init (DwAuditEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = dw_audit_event_finalize;
  object_class->get_property = dw_audit_event_get_property;
  object_class->set_property = dw_audit_event_set_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_AT] = g_param_spec_int64 ("at", NULL, NULL, 0, G_MAXINT64, 0, rw);
  /* 0: the system (routing, the SLA engine, intake). */
  properties[PROP_ACTOR_ID] = g_param_spec_int64 ("actor-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_ENTITY] = g_param_spec_string ("entity", NULL, NULL, NULL, rw);
  properties[PROP_ENTITY_ID] = g_param_spec_int64 ("entity-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_ACTION] = g_param_spec_string ("action", NULL, NULL, NULL, rw);
  properties[PROP_FIELD] = g_param_spec_string ("field", NULL, NULL, NULL, rw);
  properties[PROP_BEFORE] = g_param_spec_boxed ("before", NULL, NULL, JSON_TYPE_NODE, ro);
  properties[PROP_AFTER] = g_param_spec_boxed ("after", NULL, NULL, JSON_TYPE_NODE, ro);
  properties[PROP_BEFORE_TEXT] = g_param_spec_string ("before-text", NULL, NULL, "null", ro);
  properties[PROP_AFTER_TEXT] = g_param_spec_string ("after-text", NULL, NULL, "null", ro);
  properties[PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dw_audit_event_init (DwAuditEvent *self)
{
  self->before = json_node_new (JSON_NODE_NULL);
  self->after = json_node_new (JSON_NODE_NULL);
  self->before_text = g_strdup ("null");
  self->after_text = g_strdup ("null");
}

DwAuditEvent *
dw_audit_event_new_from_json (JsonObject  *object,
                              GError     **error)
{
  g_autoptr(DwJsonParsed) parsed = NULL;
  g_autoptr(DwAuditEvent) self = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  /* Created first: parsing needs the class's property specs. */
  self = g_object_new (DW_TYPE_AUDIT_EVENT, NULL);

  parsed = dw_json_schema_parse (&schema, object, FALSE, error);
  if (parsed == NULL)
    return NULL;

  dw_json_parsed_store (parsed, G_OBJECT (self));

  g_clear_pointer (&self->before, json_node_unref);
  g_clear_pointer (&self->after, json_node_unref);
  g_free (self->before_text);
  g_free (self->after_text);
  self->before = dup_member (object, "before");
  self->after = dup_member (object, "after");
  self->before_text = json_to_string (self->before, FALSE);
  self->after_text = json_to_string (self->after, FALSE);

  return g_steal_pointer (&self);
}

JsonObject *
dw_audit_event_to_json (DwAuditEvent *self)
{
  JsonObject *object;

  g_return_val_if_fail (DW_IS_AUDIT_EVENT (self), NULL);

  object = json_object_new ();
  dw_json_schema_write (&schema, G_OBJECT (self), object);
  json_object_set_member (object, "before", json_node_copy (self->before));
  json_object_set_member (object, "after", json_node_copy (self->after));
  return object;
}

gint64
dw_audit_event_get_id (DwAuditEvent *self)
{
  g_return_val_if_fail (DW_IS_AUDIT_EVENT (self), 0);
  return self->id;
}

gint64
dw_audit_event_get_at (DwAuditEvent *self)
{
  g_return_val_if_fail (DW_IS_AUDIT_EVENT (self), 0);
  return self->at;
}

gint64
dw_audit_event_get_actor_id (DwAuditEvent *self)
{
  g_return_val_if_fail (DW_IS_AUDIT_EVENT (self), 0);
  return self->actor_id;
}

const char *
dw_audit_event_get_entity (DwAuditEvent *self)
{
  g_return_val_if_fail (DW_IS_AUDIT_EVENT (self), NULL);
  return self->entity;
}

gint64
dw_audit_event_get_entity_id (DwAuditEvent *self)
{
  g_return_val_if_fail (DW_IS_AUDIT_EVENT (self), 0);
  return self->entity_id;
}

const char *
dw_audit_event_get_action (DwAuditEvent *self)
{
  g_return_val_if_fail (DW_IS_AUDIT_EVENT (self), NULL);
  return self->action;
}

const char *
dw_audit_event_get_field (DwAuditEvent *self)
{
  g_return_val_if_fail (DW_IS_AUDIT_EVENT (self), NULL);
  return self->field;
}

JsonNode *
dw_audit_event_get_before (DwAuditEvent *self)
{
  g_return_val_if_fail (DW_IS_AUDIT_EVENT (self), NULL);
  return self->before;
}

JsonNode *
dw_audit_event_get_after (DwAuditEvent *self)
{
  g_return_val_if_fail (DW_IS_AUDIT_EVENT (self), NULL);
  return self->after;
}

const char *
dw_audit_event_get_before_text (DwAuditEvent *self)
{
  g_return_val_if_fail (DW_IS_AUDIT_EVENT (self), NULL);
  return self->before_text;
}

const char *
dw_audit_event_get_after_text (DwAuditEvent *self)
{
  g_return_val_if_fail (DW_IS_AUDIT_EVENT (self), NULL);
  return self->after_text;
}

const char *
dw_audit_event_get_reason (DwAuditEvent *self)
{
  g_return_val_if_fail (DW_IS_AUDIT_EVENT (self), NULL);
  return self->reason;
}
