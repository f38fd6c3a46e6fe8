#include "dw-sla-policy.h"

#include "dw-json.h"

typedef struct
{
  gboolean raise_priority;
  gboolean notify_lead;
  gboolean reassign;
} Escalation;

struct _DwSlaPolicy
{
  GObject     parent_instance;

  gint64      id;
  char       *name;
  int         position;
  char      **match_priorities;
  char      **match_tags;
  char      **match_channels;
  char      **match_business_types;
  int         first_response_minutes;
  int         next_response_minutes;
  int         resolution_minutes;
  double      at_risk_ratio;
  Escalation  escalation;
};

G_DEFINE_FINAL_TYPE (DwSlaPolicy, dw_sla_policy, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_POSITION,
  PROP_MATCH_PRIORITIES,
  PROP_MATCH_TAGS,
  PROP_MATCH_CHANNELS,
  PROP_MATCH_BUSINESS_TYPES,
  PROP_FIRST_RESPONSE_MINUTES,
  PROP_NEXT_RESPONSE_MINUTES,
  PROP_RESOLUTION_MINUTES,
  PROP_AT_RISK_RATIO,
  PROP_RAISE_PRIORITY,
  PROP_NOTIFY_LEAD,
  PROP_REASSIGN,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

#define FIELD(member, prop, kind, flags, field) \
  { member, prop, DW_JSON_KIND_##kind, flags, G_STRUCT_OFFSET (DwSlaPolicy, field) }

static const DwJsonField fields[] = {
  FIELD ("id", PROP_ID, INT64, DW_JSON_REQUIRED | DW_JSON_POSITIVE, id),
  FIELD ("name", PROP_NAME, STRING, DW_JSON_REQUIRED, name),
  FIELD ("position", PROP_POSITION, INT, DW_JSON_REQUIRED, position),
  FIELD ("match_priorities", PROP_MATCH_PRIORITIES, STRV, 0, match_priorities),
  FIELD ("match_tags", PROP_MATCH_TAGS, STRV, 0, match_tags),
  FIELD ("match_channels", PROP_MATCH_CHANNELS, STRV, 0, match_channels),
  FIELD ("match_business_types", PROP_MATCH_BUSINESS_TYPES, STRV, 0, match_business_types),
  FIELD ("first_response_minutes", PROP_FIRST_RESPONSE_MINUTES, INT,
         DW_JSON_NULLABLE | DW_JSON_POSITIVE, first_response_minutes),
  FIELD ("next_response_minutes", PROP_NEXT_RESPONSE_MINUTES, INT,
         DW_JSON_NULLABLE | DW_JSON_POSITIVE, next_response_minutes),
  FIELD ("resolution_minutes", PROP_RESOLUTION_MINUTES, INT,
         DW_JSON_NULLABLE | DW_JSON_POSITIVE, resolution_minutes),
  FIELD ("at_risk_ratio", PROP_AT_RISK_RATIO, DOUBLE, 0, at_risk_ratio),
  FIELD ("raise_priority", PROP_RAISE_PRIORITY, BOOLEAN, 0, escalation.raise_priority),
  FIELD ("notify_lead", PROP_NOTIFY_LEAD, BOOLEAN, 0, escalation.notify_lead),
  FIELD ("reassign", PROP_REASSIGN, BOOLEAN, 0, escalation.reassign),
};

#undef FIELD

/* The escalation booleans sit in a nested object on the wire; the top-level schema stops
 * before them and a second one maps the "escalation" object. */
#define N_TOP_FIELDS (G_N_ELEMENTS (fields) - 3)

static const DwJsonSchema schema = { fields, N_TOP_FIELDS, properties };
static const DwJsonSchema escalation_schema = { fields + N_TOP_FIELDS, 3, properties };

static const char * const empty_strv[] = { NULL };

/* Checks what the table cannot: nicks of the match lists, the ratio strictly inside (0, 1). */
static gboolean
validate (JsonObject  *object,
          GError     **error)
{
  g_autoptr(GArray) priorities = NULL;
  g_autoptr(GArray) channels = NULL;
  double ratio = 0.75;

  if (!dw_json_get_enum_array (object, "match_priorities", DW_TYPE_PRIORITY, 0, &priorities, error) ||
      !dw_json_get_enum_array (object, "match_channels", DW_TYPE_CHANNEL, 0, &channels, error) ||
      !dw_json_get_double (object, "at_risk_ratio", 0, &ratio, error))
    return FALSE;

  if (!(ratio > 0 && ratio < 1))
    {
      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE,
                   "at_risk_ratio: %g is not between 0 and 1", ratio);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse (JsonObject     *object,
       gboolean        partial,
       DwJsonParsed  **out_parsed,
       DwJsonParsed  **out_escalation,
       GError        **error)
{
  g_autoptr(DwJsonParsed) parsed = NULL;
  g_autoptr(DwJsonParsed) escalation = NULL;
  JsonObject *escalation_object = NULL;

  if (!validate (object, error))
    return FALSE;

  parsed = dw_json_schema_parse (&schema, object, partial, error);
  if (parsed == NULL)
    return FALSE;

  if (!dw_json_get_object (object, "escalation", 0, &escalation_object, error))
    return FALSE;
  if (escalation_object != NULL)
    {
      escalation = dw_json_schema_parse (&escalation_schema, escalation_object, TRUE, error);
      if (escalation == NULL)
        {
          dw_json_prefix_error (error, "escalation.");
          return FALSE;
        }
    }

  *out_parsed = g_steal_pointer (&parsed);
  *out_escalation = g_steal_pointer (&escalation);
  return TRUE;
}

static void
dw_sla_policy_finalize (GObject *object)
{
  dw_json_schema_clear (&schema, object);

  G_OBJECT_CLASS (dw_sla_policy_parent_class)->finalize (object);
}

static void
dw_sla_policy_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  if (!dw_json_schema_get_property (&schema, object, prop_id, value) &&
      !dw_json_schema_get_property (&escalation_schema, object, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
dw_sla_policy_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  if (!dw_json_schema_set_property (&schema, object, prop_id, value) &&
      !dw_json_schema_set_property (&escalation_schema, object, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static GParamSpec *
minutes_pspec (const char *name)
{
  /* 0: the policy has no such target (null on the wire). */
  return g_param_spec_int (name, NULL, NULL, 0, G_MAXINT, 0,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
}

static GParamSpec *
strv_pspec (const char *name)
{
  return g_param_spec_boxed (name, NULL, NULL, G_TYPE_STRV,
                             G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
}

static void
dw_sla_policy_class_init (DwSlaPolicyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = dw_sla_policy_finalize;
  object_class->get_property = dw_sla_policy_get_property;
  object_class->set_property = dw_sla_policy_set_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_POSITION] = g_param_spec_int ("position", NULL, NULL, G_MININT, G_MAXINT, 0, rw);
  properties[PROP_MATCH_PRIORITIES] = strv_pspec ("match-priorities");
  properties[PROP_MATCH_TAGS] = strv_pspec ("match-tags");
  properties[PROP_MATCH_CHANNELS] = strv_pspec ("match-channels");
  properties[PROP_MATCH_BUSINESS_TYPES] = strv_pspec ("match-business-types");
  properties[PROP_FIRST_RESPONSE_MINUTES] = minutes_pspec ("first-response-minutes");
  properties[PROP_NEXT_RESPONSE_MINUTES] = minutes_pspec ("next-response-minutes");
  properties[PROP_RESOLUTION_MINUTES] = minutes_pspec ("resolution-minutes");
  properties[PROP_AT_RISK_RATIO] = g_param_spec_double ("at-risk-ratio", NULL, NULL,
                                                        0.0, 1.0, 0.75, rw);
  properties[PROP_RAISE_PRIORITY] = g_param_spec_boolean ("raise-priority", NULL, NULL, TRUE, rw);
  properties[PROP_NOTIFY_LEAD] = g_param_spec_boolean ("notify-lead", NULL, NULL, TRUE, rw);
  properties[PROP_REASSIGN] = g_param_spec_boolean ("reassign", NULL, NULL, FALSE, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dw_sla_policy_init (DwSlaPolicy *self)
{
  self->match_priorities = g_new0 (char *, 1);
  self->match_tags = g_new0 (char *, 1);
  self->match_channels = g_new0 (char *, 1);
  self->match_business_types = g_new0 (char *, 1);
  self->at_risk_ratio = 0.75;
  self->escalation.raise_priority = TRUE;
  self->escalation.notify_lead = TRUE;
}

DwSlaPolicy *
dw_sla_policy_new_from_json (JsonObject  *object,
                             GError     **error)
{
  g_autoptr(DwJsonParsed) parsed = NULL;
  g_autoptr(DwJsonParsed) escalation = NULL;
  g_autoptr(DwSlaPolicy) self = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  /* Created first: parsing needs the class's property specs. */
  self = g_object_new (DW_TYPE_SLA_POLICY, NULL);

  if (!parse (object, FALSE, &parsed, &escalation, error))
    return NULL;

  dw_json_parsed_store (parsed, G_OBJECT (self));
  if (escalation != NULL)
    dw_json_parsed_store (escalation, G_OBJECT (self));
  return g_steal_pointer (&self);
}

JsonObject *
dw_sla_policy_to_json (DwSlaPolicy *self)
{
  JsonObject *object;
  JsonObject *escalation;

  g_return_val_if_fail (DW_IS_SLA_POLICY (self), NULL);

  object = json_object_new ();
  dw_json_schema_write (&schema, G_OBJECT (self), object);
  escalation = json_object_new ();
  dw_json_schema_write (&escalation_schema, G_OBJECT (self), escalation);
  json_object_set_object_member (object, "escalation", escalation);
  return object;
}

gboolean
dw_sla_policy_update_from_json (DwSlaPolicy  *self,
                                JsonObject   *object,
                                GError      **error)
{
  g_autoptr(DwJsonParsed) parsed = NULL;
  g_autoptr(DwJsonParsed) escalation = NULL;
  gint64 id;

  g_return_val_if_fail (DW_IS_SLA_POLICY (self), FALSE);
  g_return_val_if_fail (object != NULL, FALSE);

  if (!parse (object, TRUE, &parsed, &escalation, error))
    return FALSE;

  if (dw_json_parsed_get_int64 (parsed, PROP_ID, &id) && self->id != 0 && id != self->id)
    {
      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_MISMATCH,
                   "id: %" G_GINT64_FORMAT " is not SLA policy %" G_GINT64_FORMAT, id, self->id);
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  dw_json_parsed_apply (parsed, G_OBJECT (self));
  if (escalation != NULL)
    dw_json_parsed_apply (escalation, G_OBJECT (self));
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

gint64
dw_sla_policy_get_id (DwSlaPolicy *self)
{
  g_return_val_if_fail (DW_IS_SLA_POLICY (self), 0);
  return self->id;
}

const char *
dw_sla_policy_get_name (DwSlaPolicy *self)
{
  g_return_val_if_fail (DW_IS_SLA_POLICY (self), NULL);
  return self->name;
}

int
dw_sla_policy_get_position (DwSlaPolicy *self)
{
  g_return_val_if_fail (DW_IS_SLA_POLICY (self), 0);
  return self->position;
}

static const char * const *
strv_or_empty (char **strv)
{
  return strv != NULL ? (const char * const *) strv : empty_strv;
}

const char * const *
dw_sla_policy_get_match_priorities (DwSlaPolicy *self)
{
  g_return_val_if_fail (DW_IS_SLA_POLICY (self), empty_strv);
  return strv_or_empty (self->match_priorities);
}

const char * const *
dw_sla_policy_get_match_tags (DwSlaPolicy *self)
{
  g_return_val_if_fail (DW_IS_SLA_POLICY (self), empty_strv);
  return strv_or_empty (self->match_tags);
}

const char * const *
dw_sla_policy_get_match_channels (DwSlaPolicy *self)
{
  g_return_val_if_fail (DW_IS_SLA_POLICY (self), empty_strv);
  return strv_or_empty (self->match_channels);
}

const char * const *
dw_sla_policy_get_match_business_types (DwSlaPolicy *self)
{
  g_return_val_if_fail (DW_IS_SLA_POLICY (self), empty_strv);
  return strv_or_empty (self->match_business_types);
}

int
dw_sla_policy_get_first_response_minutes (DwSlaPolicy *self)
{
  g_return_val_if_fail (DW_IS_SLA_POLICY (self), 0);
  return self->first_response_minutes;
}

int
dw_sla_policy_get_next_response_minutes (DwSlaPolicy *self)
{
  g_return_val_if_fail (DW_IS_SLA_POLICY (self), 0);
  return self->next_response_minutes;
}

int
dw_sla_policy_get_resolution_minutes (DwSlaPolicy *self)
{
  g_return_val_if_fail (DW_IS_SLA_POLICY (self), 0);
  return self->resolution_minutes;
}

int
dw_sla_policy_get_target_minutes (DwSlaPolicy *self,
                                  DwSlaTarget  target)
{
  g_return_val_if_fail (DW_IS_SLA_POLICY (self), 0);

  switch (target)
    {
    case DW_SLA_TARGET_FIRST_RESPONSE:
      return self->first_response_minutes;
    case DW_SLA_TARGET_NEXT_RESPONSE:
      return self->next_response_minutes;
    case DW_SLA_TARGET_RESOLUTION:
      return self->resolution_minutes;
    default:
      return 0;
    }
}

double
dw_sla_policy_get_at_risk_ratio (DwSlaPolicy *self)
{
  g_return_val_if_fail (DW_IS_SLA_POLICY (self), 0.75);
  return self->at_risk_ratio;
}

gboolean
dw_sla_policy_get_raise_priority (DwSlaPolicy *self)
{
  g_return_val_if_fail (DW_IS_SLA_POLICY (self), FALSE);
  return self->escalation.raise_priority;
}

gboolean
dw_sla_policy_get_notify_lead (DwSlaPolicy *self)
{
  g_return_val_if_fail (DW_IS_SLA_POLICY (self), FALSE);
  return self->escalation.notify_lead;
}

gboolean
dw_sla_policy_get_reassign (DwSlaPolicy *self)
{
  g_return_val_if_fail (DW_IS_SLA_POLICY (self), FALSE);
  return self->escalation.reassign;
}
