#include "dw-json.h"

#include "dw-clock.h"

#include <string.h>

typedef struct
{
  const DwJsonField *field;
  union
  {
    char     *s;
    int       i;
    gint64    l;
    gboolean  b;
    double    d;
    char    **v;
  } u;
} ParsedItem;

struct _DwJsonParsed
{
  const DwJsonSchema *schema;
  GArray             *items;  /* of ParsedItem */
};

G_DEFINE_QUARK (dw-json-error-quark, dw_json_error)

/* Values quoted in messages are cut so that a 1 MiB string does not become a 1 MiB message. */
#define QUOTE_MAX_CHARS 40

static char *
quote_string (const char *str)
{
  g_autofree char *cut = NULL;

  if (g_utf8_strlen (str, -1) <= QUOTE_MAX_CHARS)
    return g_strdup_printf ("\"%s\"", str);

  cut = g_utf8_substring (str, 0, QUOTE_MAX_CHARS);
  return g_strdup_printf ("\"%s…\"", cut);
}

const char *
dw_json_node_describe (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    case G_TYPE_INT64:
    case G_TYPE_DOUBLE:
      return "a number";
    default:
      return "a value";
    }
}

static gboolean
set_type_error (GError     **error,
                const char  *member,
                const char  *expected,
                JsonNode    *node)
{
  g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_TYPE, "%s: expected %s, got %s",
               member, expected, dw_json_node_describe (node));
  return FALSE;
}

/* Checks the node @n of @member (NULL when absent).  Returns FALSE with @error when it is
 * missing but required.  *node is NULL when the member is absent, and also when it is null and
 * @flags allow null (then *is_null). */
static gboolean
check_node (JsonNode     *n,
            const char   *member,
            DwJsonFlags   flags,
            const char   *expected,
            JsonNode    **node,
            gboolean     *is_null,
            GError      **error)
{
  *node = NULL;
  *is_null = FALSE;

  if (n == NULL)
    {
      if (flags & DW_JSON_REQUIRED)
        {
          g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_MISSING, "%s: missing", member);
          return FALSE;
        }
      return TRUE;
    }

  if (JSON_NODE_HOLDS_NULL (n))
    {
      if (!(flags & DW_JSON_NULLABLE))
        return set_type_error (error, member, expected, n);
      *is_null = TRUE;
      return TRUE;
    }

  *node = n;
  return TRUE;
}

static gboolean
node_is_value_of (JsonNode *node,
                  GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
read_string (JsonNode     *n,
             const char   *member,
             DwJsonFlags   flags,
             char        **out,
             GError      **error)
{
  JsonNode *node;
  gboolean is_null;

  if (!check_node (n, member, flags, "a string", &node, &is_null, error))
    return FALSE;

  if (is_null)
    {
      *out = NULL;
      return TRUE;
    }
  if (node == NULL)
    return TRUE;

  if (!node_is_value_of (node, G_TYPE_STRING))
    return set_type_error (error, member, "a string", node);

  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
check_positive (const char   *member,
                DwJsonFlags   flags,
                gint64        value,
                GError      **error)
{
  if ((flags & DW_JSON_POSITIVE) && value < 1)
    {
      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE,
                   "%s: expected a positive integer, got %" G_GINT64_FORMAT, member, value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_int64 (JsonNode     *n,
            const char   *member,
            DwJsonFlags   flags,
            gint64       *out,
            GError      **error)
{
  JsonNode *node;
  gboolean is_null;
  gint64 value;

  if (!check_node (n, member, flags, "an integer", &node, &is_null, error))
    return FALSE;

  if (is_null)
    {
      *out = 0;
      return TRUE;
    }
  if (node == NULL)
    return TRUE;

  if (node_is_value_of (node, G_TYPE_DOUBLE))
    {
      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_TYPE,
                   "%s: expected an integer, got %g", member, json_node_get_double (node));
      return FALSE;
    }
  if (!node_is_value_of (node, G_TYPE_INT64))
    return set_type_error (error, member, "an integer", node);

  value = json_node_get_int (node);
  if (!check_positive (member, flags, value, error))
    return FALSE;

  *out = value;
  return TRUE;
}

static gboolean
read_int (JsonNode     *n,
          const char   *member,
          DwJsonFlags   flags,
          int          *out,
          GError      **error)
{
  gint64 value = 0;

  if (!read_int64 (n, member, flags, &value, error))
    return FALSE;
  if (n == NULL)
    return TRUE;

  if (value < G_MININT || value > G_MAXINT)
    {
      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE,
                   "%s: %" G_GINT64_FORMAT " is out of range", member, value);
      return FALSE;
    }

  *out = (int) value;
  return TRUE;
}

static gboolean
read_double (JsonNode     *n,
             const char   *member,
             DwJsonFlags   flags,
             double       *out,
             GError      **error)
{
  JsonNode *node;
  gboolean is_null;

  if (!check_node (n, member, flags, "a number", &node, &is_null, error))
    return FALSE;

  if (is_null)
    {
      *out = 0;
      return TRUE;
    }
  if (node == NULL)
    return TRUE;

  if (node_is_value_of (node, G_TYPE_DOUBLE))
    *out = json_node_get_double (node);
  else if (node_is_value_of (node, G_TYPE_INT64))
    *out = (double) json_node_get_int (node);
  else
    return set_type_error (error, member, "a number", node);

  return TRUE;
}

static gboolean
read_boolean (JsonNode     *n,
              const char   *member,
              DwJsonFlags   flags,
              gboolean     *out,
              GError      **error)
{
  JsonNode *node;
  gboolean is_null;

  if (!check_node (n, member, flags, "a boolean", &node, &is_null, error))
    return FALSE;

  if (is_null)
    {
      *out = FALSE;
      return TRUE;
    }
  if (node == NULL)
    return TRUE;

  if (!node_is_value_of (node, G_TYPE_BOOLEAN))
    return set_type_error (error, member, "a boolean", node);

  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
digits (const char *str,
        guint       n,
        int        *out)
{
  int value = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (str[i]))
        return FALSE;
      value = value * 10 + (str[i] - '0');
    }
  *out = value;
  return TRUE;
}

/* Days from 1970-01-01 to @year-@month-@day in the proleptic Gregorian calendar (H. Hinnant's
 * days_from_civil). */
static gint64
days_from_civil (int year,
                 int month,
                 int day)
{
  int y = month <= 2 ? year - 1 : year;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return (gint64) era * 146097 + doe - 719468;
}

/* The service always writes "YYYY-MM-DDTHH:MM:SSZ"; reading that shape without a GDateTime
 * makes a 100k-ticket snapshot noticeably faster.  Anything else goes to GLib's parser. */
static gboolean
parse_time_fast (const char *str,
                 gint64     *out)
{
  int year, month, day, hour, minute, second;

  if (strlen (str) != 20 ||
      str[4] != '-' || str[7] != '-' || str[10] != 'T' ||
      str[13] != ':' || str[16] != ':' || str[19] != 'Z' ||
      !digits (str, 4, &year) || !digits (str + 5, 2, &month) || !digits (str + 8, 2, &day) ||
      !digits (str + 11, 2, &hour) || !digits (str + 14, 2, &minute) ||
      !digits (str + 17, 2, &second))
    return FALSE;

  if (year < 1 || month < 1 || month > 12 || day < 1 ||
      day > g_date_get_days_in_month (month, year) ||
      hour > 23 || minute > 59 || second > 59)
    return FALSE;

  *out = days_from_civil (year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return TRUE;
}

static gboolean
parse_time (const char   *member,
            const char   *str,
            gint64       *out,
            GError      **error)
{
  if (parse_time_fast (str, out))
    return TRUE;

  if (!dw_time_from_iso8601 (str, out))
    {
      g_autofree char *quoted = quote_string (str);

      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE,
                   "%s: %s is not an ISO 8601 time", member, quoted);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_time (JsonNode     *n,
           const char   *member,
           DwJsonFlags   flags,
           gint64       *out,
           GError      **error)
{
  JsonNode *node;
  gboolean is_null;

  if (!check_node (n, member, flags, "an ISO 8601 time", &node, &is_null, error))
    return FALSE;

  if (is_null)
    {
      *out = 0;
      return TRUE;
    }
  if (node == NULL)
    return TRUE;

  if (!node_is_value_of (node, G_TYPE_STRING))
    return set_type_error (error, member, "an ISO 8601 time", node);

  return parse_time (member, json_node_get_string (node), out, error);
}

/* "low, normal, high, urgent" */
static char *
enum_nicks (GType enum_type)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  g_autoptr(GString) str = g_string_new (NULL);

  for (guint i = 0; i < klass->n_values; i++)
    {
      if (i > 0)
        g_string_append (str, ", ");
      g_string_append (str, klass->values[i].value_nick);
    }
  return g_string_free (g_steal_pointer (&str), FALSE);
}

static gboolean
parse_enum (const char   *member,
            GType         enum_type,
            JsonNode     *node,
            int          *out,
            GError      **error)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *ev;

  if (!node_is_value_of (node, G_TYPE_STRING))
    return set_type_error (error, member, "a string", node);

  klass = g_type_class_ref (enum_type);
  ev = g_enum_get_value_by_nick (klass, json_node_get_string (node));
  if (ev == NULL)
    {
      g_autofree char *quoted = quote_string (json_node_get_string (node));
      g_autofree char *nicks = enum_nicks (enum_type);

      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE,
                   "%s: %s is not one of %s", member, quoted, nicks);
      return FALSE;
    }

  *out = ev->value;
  return TRUE;
}

static gboolean
read_enum (JsonNode     *n,
           const char   *member,
           GType         enum_type,
           DwJsonFlags   flags,
           int          *out,
           GError      **error)
{
  JsonNode *node;
  gboolean is_null;

  if (!check_node (n, member, flags, "a string", &node, &is_null, error))
    return FALSE;

  if (is_null)
    {
      *out = 0;
      return TRUE;
    }
  if (node == NULL)
    return TRUE;

  return parse_enum (member, enum_type, node, out, error);
}

static gboolean
read_strv (JsonNode     *n,
           const char   *member,
           DwJsonFlags   flags,
           GStrv        *out,
           GError      **error)
{
  JsonNode *node;
  gboolean is_null;
  JsonArray *array;
  g_autoptr(GStrvBuilder) builder = NULL;
  guint length;

  if (!check_node (n, member, flags, "an array of strings", &node, &is_null, error))
    return FALSE;

  if (is_null)
    {
      *out = g_new0 (char *, 1);
      return TRUE;
    }
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return set_type_error (error, member, "an array of strings", node);

  array = json_node_get_array (node);
  length = json_array_get_length (array);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!node_is_value_of (element, G_TYPE_STRING))
        {
          g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_TYPE, "%s[%u]: expected a string, got %s",
                       member, i, dw_json_node_describe (element));
          return FALSE;
        }
      g_strv_builder_add (builder, json_node_get_string (element));
    }

  *out = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
read_enum_array (JsonNode     *n,
                 const char   *member,
                 GType         enum_type,
                 DwJsonFlags   flags,
                 GArray      **out,
                 GError      **error)
{
  JsonNode *node;
  gboolean is_null;
  JsonArray *array;
  g_autoptr(GArray) values = NULL;
  guint length;

  if (!check_node (n, member, flags, "an array", &node, &is_null, error))
    return FALSE;

  if (is_null)
    {
      *out = g_array_new (FALSE, FALSE, sizeof (int));
      return TRUE;
    }
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return set_type_error (error, member, "an array", node);

  array = json_node_get_array (node);
  length = json_array_get_length (array);
  values = g_array_sized_new (FALSE, FALSE, sizeof (int), length);
  for (guint i = 0; i < length; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s[%u]", member, i);
      int value;

      if (!parse_enum (path, enum_type, json_array_get_element (array, i), &value, error))
        return FALSE;
      g_array_append_val (values, value);
    }

  *out = g_steal_pointer (&values);
  return TRUE;
}

static gboolean
read_array (JsonNode     *n,
            const char   *member,
            DwJsonFlags   flags,
            JsonArray   **out,
            GError      **error)
{
  JsonNode *node;
  gboolean is_null;

  if (!check_node (n, member, flags, "an array", &node, &is_null, error))
    return FALSE;

  if (is_null)
    {
      *out = NULL;
      return TRUE;
    }
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return set_type_error (error, member, "an array", node);

  *out = json_node_get_array (node);
  return TRUE;
}

static gboolean
read_object (JsonNode     *n,
             const char   *member,
             DwJsonFlags   flags,
             JsonObject  **out,
             GError      **error)
{
  JsonNode *node;
  gboolean is_null;

  if (!check_node (n, member, flags, "an object", &node, &is_null, error))
    return FALSE;

  if (is_null)
    {
      *out = NULL;
      return TRUE;
    }
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_type_error (error, member, "an object", node);

  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
dw_json_get_string (JsonObject   *object,
                    const char   *member,
                    DwJsonFlags   flags,
                    char        **out,
                    GError      **error)
{
  return read_string (json_object_get_member (object, member), member, flags, out, error);
}

gboolean
dw_json_get_int64 (JsonObject   *object,
                   const char   *member,
                   DwJsonFlags   flags,
                   gint64       *out,
                   GError      **error)
{
  return read_int64 (json_object_get_member (object, member), member, flags, out, error);
}

gboolean
dw_json_get_int (JsonObject   *object,
                 const char   *member,
                 DwJsonFlags   flags,
                 int          *out,
                 GError      **error)
{
  return read_int (json_object_get_member (object, member), member, flags, out, error);
}

gboolean
dw_json_get_double (JsonObject   *object,
                    const char   *member,
                    DwJsonFlags   flags,
                    double       *out,
                    GError      **error)
{
  return read_double (json_object_get_member (object, member), member, flags, out, error);
}

gboolean
dw_json_get_boolean (JsonObject   *object,
                     const char   *member,
                     DwJsonFlags   flags,
                     gboolean     *out,
                     GError      **error)
{
  return read_boolean (json_object_get_member (object, member), member, flags, out, error);
}

gboolean
dw_json_get_time (JsonObject   *object,
                  const char   *member,
                  DwJsonFlags   flags,
                  gint64       *out,
                  GError      **error)
{
  return read_time (json_object_get_member (object, member), member, flags, out, error);
}

gboolean
dw_json_get_enum (JsonObject   *object,
                  const char   *member,
                  GType         enum_type,
                  DwJsonFlags   flags,
                  int          *out,
                  GError      **error)
{
  return read_enum (json_object_get_member (object, member), member, enum_type, flags, out, error);
}

gboolean
dw_json_get_strv (JsonObject   *object,
                  const char   *member,
                  DwJsonFlags   flags,
                  GStrv        *out,
                  GError      **error)
{
  return read_strv (json_object_get_member (object, member), member, flags, out, error);
}

gboolean
dw_json_get_enum_array (JsonObject   *object,
                        const char   *member,
                        GType         enum_type,
                        DwJsonFlags   flags,
                        GArray      **out,
                        GError      **error)
{
  return read_enum_array (json_object_get_member (object, member), member, enum_type, flags, out, error);
}

gboolean
dw_json_get_array (JsonObject   *object,
                   const char   *member,
                   DwJsonFlags   flags,
                   JsonArray   **out,
                   GError      **error)
{
  return read_array (json_object_get_member (object, member), member, flags, out, error);
}

gboolean
dw_json_get_object (JsonObject   *object,
                    const char   *member,
                    DwJsonFlags   flags,
                    JsonObject  **out,
                    GError      **error)
{
  return read_object (json_object_get_member (object, member), member, flags, out, error);
}

gboolean
dw_json_check_members (JsonObject          *object,
                       const char * const  *allowed,
                       GError             **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    {
      if (!g_strv_contains (allowed, name))
        {
          g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_UNKNOWN, "%s: unknown member", name);
          return FALSE;
        }
    }
  return TRUE;
}

void
dw_json_prefix_error (GError     **error,
                      const char  *format,
                      ...)
{
  va_list args;
  g_autofree char *prefix = NULL;

  if (error == NULL || *error == NULL)
    return;

  va_start (args, format);
  prefix = g_strdup_vprintf (format, args);
  va_end (args);

  g_prefix_error (error, "%s", prefix);
}

void
dw_json_set_string_or_null (JsonObject *object,
                            const char *member,
                            const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

void
dw_json_set_id_or_null (JsonObject *object,
                        const char *member,
                        gint64      id)
{
  if (id != 0)
    json_object_set_int_member (object, member, id);
  else
    json_object_set_null_member (object, member);
}

void
dw_json_set_time_or_null (JsonObject *object,
                          const char *member,
                          gint64      t)
{
  g_autofree char *str = t != 0 ? dw_time_to_iso8601 (t) : NULL;

  dw_json_set_string_or_null (object, member, str);
}

void
dw_json_set_enum (JsonObject *object,
                  const char *member,
                  GType       enum_type,
                  int         value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *ev = g_enum_get_value (klass, value);

  dw_json_set_string_or_null (object, member, ev != NULL ? ev->value_nick : NULL);
}

void
dw_json_set_strv (JsonObject         *object,
                  const char         *member,
                  const char * const *strv)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);
  json_object_set_array_member (object, member, array);
}

void
dw_json_set_enum_array (JsonObject *object,
                        const char *member,
                        GType       enum_type,
                        GArray     *values)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  JsonArray *array = json_array_new ();

  for (guint i = 0; values != NULL && i < values->len; i++)
    {
      GEnumValue *ev = g_enum_get_value (klass, g_array_index (values, int, i));

      if (ev != NULL)
        json_array_add_string_element (array, ev->value_nick);
    }
  json_object_set_array_member (object, member, array);
}

JsonObject *
dw_json_object_from_string (const char  *text,
                            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, text, -1, error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_TYPE, "expected an object, got %s",
                   dw_json_node_describe (root));
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

char *
dw_json_object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* Schemas */

#define FIELD_PTR(object, field) ((gpointer) (((guint8 *) (object)) + (field)->offset))

static const DwJsonField *
schema_find (const DwJsonSchema *schema,
             guint               prop_id)
{
  for (guint i = 0; i < schema->n_fields; i++)
    {
      if (schema->fields[i].prop_id == prop_id)
        return &schema->fields[i];
    }
  return NULL;
}

static gboolean
strv_equal (const char * const *a,
            const char * const *b)
{
  guint i;

  if (a == NULL || b == NULL)
    return (a == NULL || a[0] == NULL) && (b == NULL || b[0] == NULL);

  for (i = 0; a[i] != NULL && b[i] != NULL; i++)
    {
      if (g_strcmp0 (a[i], b[i]) != 0)
        return FALSE;
    }
  return a[i] == NULL && b[i] == NULL;
}

static void
parsed_item_clear (gpointer data)
{
  ParsedItem *item = data;

  if (item->field->kind == DW_JSON_KIND_STRING)
    g_clear_pointer (&item->u.s, g_free);
  else if (item->field->kind == DW_JSON_KIND_STRV)
    g_clear_pointer (&item->u.v, g_strfreev);
}

static gboolean
check_range (const DwJsonField  *field,
             GParamSpec         *pspec,
             ParsedItem         *item,
             GError            **error)
{
  /* Messages are only formatted on failure: this runs for every field of 100k tickets. */
  if (field->kind == DW_JSON_KIND_INT && G_IS_PARAM_SPEC_INT (pspec))
    {
      GParamSpecInt *p = G_PARAM_SPEC_INT (pspec);

      if (item->u.i < p->minimum || item->u.i > p->maximum)
        {
          g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE, "%s: %d is out of range (%d..%d)",
                       field->member, item->u.i, p->minimum, p->maximum);
          return FALSE;
        }
    }
  else if (field->kind == DW_JSON_KIND_INT64 && G_IS_PARAM_SPEC_INT64 (pspec))
    {
      GParamSpecInt64 *p = G_PARAM_SPEC_INT64 (pspec);

      if (item->u.l < p->minimum || item->u.l > p->maximum)
        {
          g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE,
                       "%s: %" G_GINT64_FORMAT " is out of range (%" G_GINT64_FORMAT "..%"
                       G_GINT64_FORMAT ")", field->member, item->u.l, p->minimum, p->maximum);
          return FALSE;
        }
    }
  else if (field->kind == DW_JSON_KIND_DOUBLE && G_IS_PARAM_SPEC_DOUBLE (pspec))
    {
      GParamSpecDouble *p = G_PARAM_SPEC_DOUBLE (pspec);

      if (item->u.d < p->minimum || item->u.d > p->maximum)
        {
          g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE, "%s: %g is out of range (%g..%g)",
                       field->member, item->u.d, p->minimum, p->maximum);
          return FALSE;
        }
    }
  return TRUE;
}

/* Reads @node (present, possibly null) of @field into @item. */
static gboolean
parse_field (const DwJsonSchema  *schema,
             const DwJsonField   *field,
             JsonNode            *node,
             ParsedItem          *item,
             GError             **error)
{
  DwJsonFlags flags = field->flags;
  GParamSpec *pspec = schema->pspecs[field->prop_id];
  gboolean ok;

  switch (field->kind)
    {
    case DW_JSON_KIND_STRING:
      ok = read_string (node, field->member, flags, &item->u.s, error);
      break;
    case DW_JSON_KIND_INT:
      ok = read_int (node, field->member, flags, &item->u.i, error);
      break;
    case DW_JSON_KIND_INT64:
      ok = read_int64 (node, field->member, flags, &item->u.l, error);
      break;
    case DW_JSON_KIND_TIME:
      ok = read_time (node, field->member, flags, &item->u.l, error);
      break;
    case DW_JSON_KIND_ENUM:
      ok = read_enum (node, field->member, pspec->value_type, flags, &item->u.i, error);
      break;
    case DW_JSON_KIND_BOOLEAN:
      ok = read_boolean (node, field->member, flags, &item->u.b, error);
      break;
    case DW_JSON_KIND_DOUBLE:
      ok = read_double (node, field->member, flags, &item->u.d, error);
      break;
    case DW_JSON_KIND_STRV:
      ok = read_strv (node, field->member, flags, &item->u.v, error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    return FALSE;

  /* null reads as 0, which the range of a nullable field admits; an explicit number must fit. */
  if (!JSON_NODE_HOLDS_NULL (node))
    return check_range (field, pspec, item, error);
  return TRUE;
}

DwJsonParsed *
dw_json_schema_parse (const DwJsonSchema  *schema,
                      JsonObject          *object,
                      gboolean             partial,
                      GError             **error)
{
  g_autoptr(DwJsonParsed) parsed = g_new0 (DwJsonParsed, 1);

  g_return_val_if_fail (schema != NULL, NULL);
  g_return_val_if_fail (object != NULL, NULL);
  /* The pspecs exist once the class is initialised: make an instance before parsing. */
  g_return_val_if_fail (schema->n_fields == 0 || schema->pspecs[schema->fields[0].prop_id] != NULL,
                        NULL);

  parsed->schema = schema;
  parsed->items = g_array_sized_new (FALSE, TRUE, sizeof (ParsedItem), schema->n_fields);
  g_array_set_clear_func (parsed->items, parsed_item_clear);

  for (guint i = 0; i < schema->n_fields; i++)
    {
      const DwJsonField *field = &schema->fields[i];
      ParsedItem item = { field, { 0 } };
      JsonNode *node = json_object_get_member (object, field->member);

      if (node == NULL)
        {
          if (!partial && (field->flags & DW_JSON_REQUIRED))
            {
              g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_MISSING, "%s: missing",
                           field->member);
              return NULL;
            }
          continue;
        }

      if (!parse_field (schema, field, node, &item, error))
        {
          parsed_item_clear (&item);
          return NULL;
        }
      g_array_append_val (parsed->items, item);
    }

  return g_steal_pointer (&parsed);
}

void
dw_json_parsed_free (DwJsonParsed *parsed)
{
  if (parsed == NULL)
    return;

  g_array_unref (parsed->items);
  g_free (parsed);
}

gboolean
dw_json_parsed_get_int64 (DwJsonParsed *parsed,
                          guint         prop_id,
                          gint64       *out)
{
  for (guint i = 0; i < parsed->items->len; i++)
    {
      ParsedItem *item = &g_array_index (parsed->items, ParsedItem, i);

      if (item->field->prop_id == prop_id &&
          (item->field->kind == DW_JSON_KIND_INT64 || item->field->kind == DW_JSON_KIND_TIME))
        {
          *out = item->u.l;
          return TRUE;
        }
    }
  return FALSE;
}

/* Stores @item into @object's field, taking its strings; TRUE when the value changed. */
static gboolean
store_item (GObject           *object,
            const DwJsonField *field,
            ParsedItem        *item)
{
  gpointer ptr = FIELD_PTR (object, field);

  switch (field->kind)
    {
    case DW_JSON_KIND_STRING:
      {
        char **s = ptr;

        if (g_strcmp0 (*s, item->u.s) == 0)
          return FALSE;
        g_free (*s);
        *s = g_steal_pointer (&item->u.s);
        return TRUE;
      }

    case DW_JSON_KIND_INT:
    case DW_JSON_KIND_ENUM:
      {
        int *i = ptr;

        if (*i == item->u.i)
          return FALSE;
        *i = item->u.i;
        return TRUE;
      }

    case DW_JSON_KIND_INT64:
    case DW_JSON_KIND_TIME:
      {
        gint64 *l = ptr;

        if (*l == item->u.l)
          return FALSE;
        *l = item->u.l;
        return TRUE;
      }

    case DW_JSON_KIND_BOOLEAN:
      {
        gboolean *b = ptr;

        if (!*b == !item->u.b)
          return FALSE;
        *b = !!item->u.b;
        return TRUE;
      }

    case DW_JSON_KIND_DOUBLE:
      {
        double *d = ptr;

        if (*d == item->u.d)
          return FALSE;
        *d = item->u.d;
        return TRUE;
      }

    case DW_JSON_KIND_STRV:
      {
        char ***v = ptr;

        if (*v != NULL && strv_equal ((const char * const *) *v, (const char * const *) item->u.v))
          return FALSE;
        g_strfreev (*v);
        *v = g_steal_pointer (&item->u.v);
        if (*v == NULL)
          *v = g_new0 (char *, 1);
        return TRUE;
      }

    default:
      g_assert_not_reached ();
    }
}

void
dw_json_parsed_apply (DwJsonParsed *parsed,
                      GObject      *object)
{
  for (guint i = 0; i < parsed->items->len; i++)
    {
      ParsedItem *item = &g_array_index (parsed->items, ParsedItem, i);

      if (store_item (object, item->field, item))
        g_object_notify_by_pspec (object, parsed->schema->pspecs[item->field->prop_id]);
    }
}

void
dw_json_parsed_store (DwJsonParsed *parsed,
                      GObject      *object)
{
  for (guint i = 0; i < parsed->items->len; i++)
    {
      ParsedItem *item = &g_array_index (parsed->items, ParsedItem, i);

      store_item (object, item->field, item);
    }
}

void
dw_json_schema_write (const DwJsonSchema *schema,
                      GObject            *object,
                      JsonObject         *json)
{
  for (guint i = 0; i < schema->n_fields; i++)
    {
      const DwJsonField *field = &schema->fields[i];
      gpointer ptr = FIELD_PTR (object, field);
      gboolean nullable = (field->flags & DW_JSON_NULLABLE) != 0;

      switch (field->kind)
        {
        case DW_JSON_KIND_STRING:
          {
            const char *s = *(char **) ptr;

            if (s == NULL && !nullable)
              s = "";
            dw_json_set_string_or_null (json, field->member, s);
          }
          break;

        case DW_JSON_KIND_INT:
          if (nullable && *(int *) ptr == 0)
            json_object_set_null_member (json, field->member);
          else
            json_object_set_int_member (json, field->member, *(int *) ptr);
          break;

        case DW_JSON_KIND_INT64:
          if (nullable && *(gint64 *) ptr == 0)
            json_object_set_null_member (json, field->member);
          else
            json_object_set_int_member (json, field->member, *(gint64 *) ptr);
          break;

        case DW_JSON_KIND_TIME:
          if (nullable)
            dw_json_set_time_or_null (json, field->member, *(gint64 *) ptr);
          else
            {
              g_autofree char *str = dw_time_to_iso8601 (*(gint64 *) ptr);

              json_object_set_string_member (json, field->member, str);
            }
          break;

        case DW_JSON_KIND_ENUM:
          dw_json_set_enum (json, field->member, schema->pspecs[field->prop_id]->value_type,
                            *(int *) ptr);
          break;

        case DW_JSON_KIND_BOOLEAN:
          json_object_set_boolean_member (json, field->member, *(gboolean *) ptr);
          break;

        case DW_JSON_KIND_DOUBLE:
          json_object_set_double_member (json, field->member, *(double *) ptr);
          break;

        case DW_JSON_KIND_STRV:
          dw_json_set_strv (json, field->member, *(const char * const **) ptr);
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

gboolean
dw_json_schema_get_property (const DwJsonSchema *schema,
                             GObject            *object,
                             guint               prop_id,
                             GValue             *value)
{
  const DwJsonField *field = schema_find (schema, prop_id);
  gpointer ptr;

  if (field == NULL)
    return FALSE;

  ptr = FIELD_PTR (object, field);
  switch (field->kind)
    {
    case DW_JSON_KIND_STRING:
      g_value_set_string (value, *(char **) ptr);
      break;
    case DW_JSON_KIND_INT:
      g_value_set_int (value, *(int *) ptr);
      break;
    case DW_JSON_KIND_INT64:
    case DW_JSON_KIND_TIME:
      g_value_set_int64 (value, *(gint64 *) ptr);
      break;
    case DW_JSON_KIND_ENUM:
      g_value_set_enum (value, *(int *) ptr);
      break;
    case DW_JSON_KIND_BOOLEAN:
      g_value_set_boolean (value, *(gboolean *) ptr);
      break;
    case DW_JSON_KIND_DOUBLE:
      g_value_set_double (value, *(double *) ptr);
      break;
    case DW_JSON_KIND_STRV:
      g_value_set_boxed (value, *(char ***) ptr);
      break;
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

gboolean
dw_json_schema_set_property (const DwJsonSchema *schema,
                             GObject            *object,
                             guint               prop_id,
                             const GValue       *value)
{
  const DwJsonField *field = schema_find (schema, prop_id);
  ParsedItem item = { field, { 0 } };

  if (field == NULL)
    return FALSE;

  switch (field->kind)
    {
    case DW_JSON_KIND_STRING:
      item.u.s = g_value_dup_string (value);
      break;
    case DW_JSON_KIND_INT:
      item.u.i = g_value_get_int (value);
      break;
    case DW_JSON_KIND_INT64:
    case DW_JSON_KIND_TIME:
      item.u.l = g_value_get_int64 (value);
      break;
    case DW_JSON_KIND_ENUM:
      item.u.i = g_value_get_enum (value);
      break;
    case DW_JSON_KIND_BOOLEAN:
      item.u.b = g_value_get_boolean (value);
      break;
    case DW_JSON_KIND_DOUBLE:
      item.u.d = g_value_get_double (value);
      break;
    case DW_JSON_KIND_STRV:
      item.u.v = g_value_dup_boxed (value);
      break;
    default:
      g_assert_not_reached ();
    }

  if (store_item (object, field, &item))
    g_object_notify_by_pspec (object, schema->pspecs[prop_id]);
  parsed_item_clear (&item);
  return TRUE;
}

void
dw_json_schema_clear (const DwJsonSchema *schema,
                      GObject            *object)
{
  for (guint i = 0; i < schema->n_fields; i++)
    {
      const DwJsonField *field = &schema->fields[i];
      gpointer ptr = FIELD_PTR (object, field);

      if (field->kind == DW_JSON_KIND_STRING)
        g_clear_pointer ((char **) ptr, g_free);
      else if (field->kind == DW_JSON_KIND_STRV)
        g_clear_pointer ((char ***) ptr, g_strfreev);
    }
}
