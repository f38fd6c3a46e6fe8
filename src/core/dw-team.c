#include "dw-team.h"

#include "dw-json.h"

struct _DwTeam
{
  GObject   parent_instance;

  gint64    id;
  char     *name;
  char     *description;
  gint64    calendar_id;
  char    **business_types;
};

G_DEFINE_FINAL_TYPE (DwTeam, dw_team, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_CALENDAR_ID,
  PROP_BUSINESS_TYPES,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

#define FIELD(member, prop, kind, flags, field) \
  { member, prop, DW_JSON_KIND_##kind, flags, G_STRUCT_OFFSET (DwTeam, field) }

static const DwJsonField fields[] = {
  FIELD ("id", PROP_ID, INT64, DW_JSON_REQUIRED | DW_JSON_POSITIVE, id),
  FIELD ("name", PROP_NAME, STRING, DW_JSON_REQUIRED, name),
  FIELD ("description", PROP_DESCRIPTION, STRING, 0, description),
  FIELD ("calendar_id", PROP_CALENDAR_ID, INT64, DW_JSON_REQUIRED | DW_JSON_POSITIVE, calendar_id),
  FIELD ("business_types", PROP_BUSINESS_TYPES, STRV, 0, business_types),
};

#undef FIELD

static const DwJsonSchema schema = { fields, G_N_ELEMENTS (fields), properties };

static const char * const empty_strv[] = { NULL };

static void
dw_team_finalize (GObject *object)
{
  dw_json_schema_clear (&schema, object);

  G_OBJECT_CLASS (dw_team_parent_class)->finalize (object);
}

static void
dw_team_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  if (!dw_json_schema_get_property (&schema, object, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
dw_team_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  if (!dw_json_schema_set_property (&schema, object, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
dw_team_class_init (DwTeamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = dw_team_finalize;
  object_class->get_property = dw_team_get_property;
  object_class->set_property = dw_team_set_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, rw);
  properties[PROP_CALENDAR_ID] = g_param_spec_int64 ("calendar-id", NULL, NULL,
                                                     0, G_MAXINT64, 0, rw);
  properties[PROP_BUSINESS_TYPES] = g_param_spec_boxed ("business-types", NULL, NULL,
                                                        G_TYPE_STRV, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dw_team_init (DwTeam *self)
{
  self->business_types = g_new0 (char *, 1);
}

DwTeam *
dw_team_new_from_json (JsonObject  *object,
                       GError     **error)
{
  g_autoptr(DwJsonParsed) parsed = NULL;
  g_autoptr(DwTeam) self = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  /* Created first: parsing needs the class's property specs. */
  self = g_object_new (DW_TYPE_TEAM, NULL);

  parsed = dw_json_schema_parse (&schema, object, FALSE, error);
  if (parsed == NULL)
    return NULL;

  dw_json_parsed_store (parsed, G_OBJECT (self));
  return g_steal_pointer (&self);
}

JsonObject *
dw_team_to_json (DwTeam *self)
{
  JsonObject *object;

  g_return_val_if_fail (DW_IS_TEAM (self), NULL);

  object = json_object_new ();
  dw_json_schema_write (&schema, G_OBJECT (self), object);
  return object;
}

gboolean
dw_team_update_from_json (DwTeam      *self,
                          JsonObject  *object,
                          GError     **error)
{
  g_autoptr(DwJsonParsed) parsed = NULL;
  gint64 id;

  g_return_val_if_fail (DW_IS_TEAM (self), FALSE);
  g_return_val_if_fail (object != NULL, FALSE);

  parsed = dw_json_schema_parse (&schema, object, TRUE, error);
  if (parsed == NULL)
    return FALSE;

  if (dw_json_parsed_get_int64 (parsed, PROP_ID, &id) && self->id != 0 && id != self->id)
    {
      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_MISMATCH,
                   "id: %" G_GINT64_FORMAT " is not team %" G_GINT64_FORMAT, id, self->id);
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  dw_json_parsed_apply (parsed, G_OBJECT (self));
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

gint64
dw_team_get_id (DwTeam *self)
{
  g_return_val_if_fail (DW_IS_TEAM (self), 0);
  return self->id;
}

const char *
dw_team_get_name (DwTeam *self)
{
  g_return_val_if_fail (DW_IS_TEAM (self), NULL);
  return self->name;
}

const char *
dw_team_get_description (DwTeam *self)
{
  g_return_val_if_fail (DW_IS_TEAM (self), NULL);
  return self->description != NULL ? self->description : "";
}

gint64
dw_team_get_calendar_id (DwTeam *self)
{
  g_return_val_if_fail (DW_IS_TEAM (self), 0);
  return self->calendar_id;
}

const char * const *
dw_team_get_business_types (DwTeam *self)
{
  g_return_val_if_fail (DW_IS_TEAM (self), empty_strv);
  return self->business_types != NULL ? (const char * const *) self->business_types : empty_strv;
}

gboolean
dw_team_handles_business_type (DwTeam     *self,
                               const char *business_type)
{
  g_return_val_if_fail (DW_IS_TEAM (self), FALSE);

  return business_type != NULL &&
         g_strv_contains (dw_team_get_business_types (self), business_type);
}
