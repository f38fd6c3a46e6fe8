#include "dw-comment.h"

#include "dw-json.h"

struct _DwComment
{
  GObject       parent_instance;

  gint64        id;
  gint64        ticket_id;
  DwAuthorKind  author_kind;
  gint64        author_id;
  gboolean      is_public;
  char         *body;
  gint64        created_at;
};

G_STATIC_ASSERT (sizeof (DwAuthorKind) == sizeof (int));

G_DEFINE_FINAL_TYPE (DwComment, dw_comment, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TICKET_ID,
  PROP_AUTHOR_KIND,
  PROP_AUTHOR_ID,
  PROP_PUBLIC,
  PROP_BODY,
  PROP_CREATED_AT,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

#define FIELD(member, prop, kind, flags, field) \
  { member, prop, DW_JSON_KIND_##kind, flags, G_STRUCT_OFFSET (DwComment, field) }

static const DwJsonField fields[] = {
  FIELD ("id", PROP_ID, INT64, DW_JSON_REQUIRED | DW_JSON_POSITIVE, id),
  FIELD ("ticket_id", PROP_TICKET_ID, INT64, DW_JSON_REQUIRED | DW_JSON_POSITIVE, ticket_id),
  FIELD ("author_kind", PROP_AUTHOR_KIND, ENUM, DW_JSON_REQUIRED, author_kind),
  FIELD ("author_id", PROP_AUTHOR_ID, INT64, DW_JSON_NULLABLE | DW_JSON_POSITIVE, author_id),
  FIELD ("public", PROP_PUBLIC, BOOLEAN, DW_JSON_REQUIRED, is_public),
  FIELD ("body", PROP_BODY, STRING, DW_JSON_REQUIRED, body),
  FIELD ("created_at", PROP_CREATED_AT, TIME, DW_JSON_REQUIRED, created_at),
};

#undef FIELD

static const DwJsonSchema schema = { fields, G_N_ELEMENTS (fields), properties };

static void
dw_comment_finalize (GObject *object)
{
  dw_json_schema_clear (&schema, object);

  G_OBJECT_CLASS (dw_comment_parent_class)->finalize (object);
}

static void
dw_comment_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  if (!dw_json_schema_get_property (&schema, object, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
dw_comment_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  if (!dw_json_schema_set_property (&schema, object, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
dw_comment_class_init (DwCommentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = dw_comment_finalize;
  object_class->get_property = dw_comment_get_property;
  object_class->set_property = dw_comment_set_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_TICKET_ID] = g_param_spec_int64 ("ticket-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_AUTHOR_KIND] = g_param_spec_enum ("author-kind", NULL, NULL, DW_TYPE_AUTHOR_KIND,
                                                    DW_AUTHOR_AGENT, rw);
  properties[PROP_AUTHOR_ID] = g_param_spec_int64 ("author-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  /* FALSE: an internal note the customer never sees. */
  properties[PROP_PUBLIC] = g_param_spec_boolean ("public", NULL, NULL, FALSE, rw);
  properties[PROP_BODY] = g_param_spec_string ("body", NULL, NULL, NULL, rw);
  properties[PROP_CREATED_AT] = g_param_spec_int64 ("created-at", NULL, NULL,
                                                    0, G_MAXINT64, 0, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dw_comment_init (DwComment *self)
{
}

DwComment *
dw_comment_new_from_json (JsonObject  *object,
                          GError     **error)
{
  g_autoptr(DwJsonParsed) parsed = NULL;
  g_autoptr(DwComment) self = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  /* Created first: parsing needs the class's property specs. */
  self = g_object_new (DW_TYPE_COMMENT, NULL);

  parsed = dw_json_schema_parse (&schema, object, FALSE, error);
  if (parsed == NULL)
    return NULL;

  dw_json_parsed_store (parsed, G_OBJECT (self));
  return g_steal_pointer (&self);
}

JsonObject *
dw_comment_to_json (DwComment *self)
{
  JsonObject *object;

  g_return_val_if_fail (DW_IS_COMMENT (self), NULL);

  object = json_object_new ();
  dw_json_schema_write (&schema, G_OBJECT (self), object);
  return object;
}

gint64
dw_comment_get_id (DwComment *self)
{
  g_return_val_if_fail (DW_IS_COMMENT (self), 0);
  return self->id;
}

gint64
dw_comment_get_ticket_id (DwComment *self)
{
  g_return_val_if_fail (DW_IS_COMMENT (self), 0);
  return self->ticket_id;
}

DwAuthorKind
dw_comment_get_author_kind (DwComment *self)
{
  g_return_val_if_fail (DW_IS_COMMENT (self), 0);
  return self->author_kind;
}

gint64
dw_comment_get_author_id (DwComment *self)
{
  g_return_val_if_fail (DW_IS_COMMENT (self), 0);
  return self->author_id;
}

gboolean
dw_comment_get_is_public (DwComment *self)
{
  g_return_val_if_fail (DW_IS_COMMENT (self), FALSE);
  return self->is_public;
}

const char *
dw_comment_get_body (DwComment *self)
{
  g_return_val_if_fail (DW_IS_COMMENT (self), NULL);
  return self->body;
}

gint64
dw_comment_get_created_at (DwComment *self)
{
  g_return_val_if_fail (DW_IS_COMMENT (self), 0);
  return self->created_at;
}
