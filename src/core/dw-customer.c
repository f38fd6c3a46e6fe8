#include "dw-customer.h"

#include "dw-json.h"

struct _DwCustomer
{
  GObject    parent_instance;

  gint64     id;
  char      *name;
  char      *email;
  char      *phone;
  char     **tags;
  gint64     created_at;

  gboolean   is_vip;  /* derived from tags */
};

G_DEFINE_FINAL_TYPE (DwCustomer, dw_customer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_EMAIL,
  PROP_PHONE,
  PROP_TAGS,
  PROP_CREATED_AT,
  PROP_IS_VIP,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

#define FIELD(member, prop, kind, flags, field) \
  { member, prop, DW_JSON_KIND_##kind, flags, G_STRUCT_OFFSET (DwCustomer, field) }

static const DwJsonField fields[] = {
  FIELD ("id", PROP_ID, INT64, DW_JSON_REQUIRED | DW_JSON_POSITIVE, id),
  FIELD ("name", PROP_NAME, STRING, DW_JSON_REQUIRED, name),
  FIELD ("email", PROP_EMAIL, STRING, DW_JSON_NULLABLE, email),
  FIELD ("phone", PROP_PHONE, STRING, DW_JSON_NULLABLE, phone),
  FIELD ("tags", PROP_TAGS, STRV, 0, tags),
  FIELD ("created_at", PROP_CREATED_AT, TIME, DW_JSON_REQUIRED, created_at),
};

#undef FIELD

static const DwJsonSchema schema = { fields, G_N_ELEMENTS (fields), properties };

static const char * const empty_strv[] = { NULL };

static void
update_derived (DwCustomer *self,
                gboolean    notify)
{
  gboolean is_vip = FALSE;

  for (guint i = 0; self->tags != NULL && self->tags[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (self->tags[i], "vip") == 0)
        is_vip = TRUE;
    }

  if (is_vip != self->is_vip)
    {
      self->is_vip = is_vip;
      if (notify)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_VIP]);
    }
}

static void
dw_customer_finalize (GObject *object)
{
  dw_json_schema_clear (&schema, object);

  G_OBJECT_CLASS (dw_customer_parent_class)->finalize (object);
}

static void
dw_customer_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  DwCustomer *self = DW_CUSTOMER (object);

  if (dw_json_schema_get_property (&schema, object, prop_id, value))
    return;

  if (prop_id == PROP_IS_VIP)
    g_value_set_boolean (value, self->is_vip);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
dw_customer_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  if (dw_json_schema_set_property (&schema, object, prop_id, value))
    update_derived (DW_CUSTOMER (object), TRUE);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
dw_customer_class_init (DwCustomerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = dw_customer_finalize;
  object_class->get_property = dw_customer_get_property;
  object_class->set_property = dw_customer_set_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, NULL, rw);
  properties[PROP_PHONE] = g_param_spec_string ("phone", NULL, NULL, NULL, rw);
  properties[PROP_TAGS] = g_param_spec_boxed ("tags", NULL, NULL, G_TYPE_STRV, rw);
  properties[PROP_CREATED_AT] = g_param_spec_int64 ("created-at", NULL, NULL,
                                                    0, G_MAXINT64, 0, rw);
  properties[PROP_IS_VIP] = g_param_spec_boolean ("is-vip", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dw_customer_init (DwCustomer *self)
{
  self->tags = g_new0 (char *, 1);
}

DwCustomer *
dw_customer_new_from_json (JsonObject  *object,
                           GError     **error)
{
  g_autoptr(DwJsonParsed) parsed = NULL;
  g_autoptr(DwCustomer) self = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  /* Created first: parsing needs the class's property specs. */
  self = g_object_new (DW_TYPE_CUSTOMER, NULL);

  parsed = dw_json_schema_parse (&schema, object, FALSE, error);
  if (parsed == NULL)
    return NULL;

  dw_json_parsed_store (parsed, G_OBJECT (self));
  update_derived (self, FALSE);
  return g_steal_pointer (&self);
}

JsonObject *
dw_customer_to_json (DwCustomer *self)
{
  JsonObject *object;

  g_return_val_if_fail (DW_IS_CUSTOMER (self), NULL);

  object = json_object_new ();
  dw_json_schema_write (&schema, G_OBJECT (self), object);
  return object;
}

gboolean
dw_customer_update_from_json (DwCustomer  *self,
                              JsonObject  *object,
                              GError     **error)
{
  g_autoptr(DwJsonParsed) parsed = NULL;
  gint64 id;

  g_return_val_if_fail (DW_IS_CUSTOMER (self), FALSE);
  g_return_val_if_fail (object != NULL, FALSE);

  parsed = dw_json_schema_parse (&schema, object, TRUE, error);
  if (parsed == NULL)
    return FALSE;

  if (dw_json_parsed_get_int64 (parsed, PROP_ID, &id) && self->id != 0 && id != self->id)
    {
      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_MISMATCH,
                   "id: %" G_GINT64_FORMAT " is not customer %" G_GINT64_FORMAT, id, self->id);
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  dw_json_parsed_apply (parsed, G_OBJECT (self));
  update_derived (self, TRUE);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

gint64
dw_customer_get_id (DwCustomer *self)
{
  g_return_val_if_fail (DW_IS_CUSTOMER (self), 0);
  return self->id;
}

const char *
dw_customer_get_name (DwCustomer *self)
{
  g_return_val_if_fail (DW_IS_CUSTOMER (self), NULL);
  return self->name;
}

const char *
dw_customer_get_email (DwCustomer *self)
{
  g_return_val_if_fail (DW_IS_CUSTOMER (self), NULL);
  return self->email;
}

const char *
dw_customer_get_phone (DwCustomer *self)
{
  g_return_val_if_fail (DW_IS_CUSTOMER (self), NULL);
  return self->phone;
}

const char * const *
dw_customer_get_tags (DwCustomer *self)
{
  g_return_val_if_fail (DW_IS_CUSTOMER (self), empty_strv);
  return self->tags != NULL ? (const char * const *) self->tags : empty_strv;
}

gint64
dw_customer_get_created_at (DwCustomer *self)
{
  g_return_val_if_fail (DW_IS_CUSTOMER (self), 0);
  return self->created_at;
}

gboolean
dw_customer_is_vip (DwCustomer *self)
{
  g_return_val_if_fail (DW_IS_CUSTOMER (self), FALSE);
  return self->is_vip;
}
