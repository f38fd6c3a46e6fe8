#include "dw-json.h"

#include "dw-clock.h"

#include <math.h>
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

gboolean
dw_json_parse_time (const char *str,
                    gint64     *out)
{
  g_return_val_if_fail (str != NULL, FALSE);

  return parse_time_fast (str, out) || dw_time_from_iso8601 (str, out);
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
/* Text and numbers that cannot be kept exactly */

typedef struct
{
  char     type;         /* '{' or '[' */
  gboolean after_colon;  /* in an object: the member's value comes next */
  gsize    key_start;    /* in an object: the current member's name, raw */
  gsize    key_len;
  guint    index;        /* in an array: the current element */
  GHashTable *names;     /* in an object, when strict: the member names so far, decoded */
} ScanLevel;

typedef struct
{
  gssize  item;     /* where the item starts, -1 when the problem is outside any */
  GError *error;
} ScanProblem;

typedef struct
{
  const guchar *data;
  gsize         size;
  gboolean      strict;     /* stop at the first problem */
  GArray       *levels;     /* of ScanLevel */
  gssize        item;       /* start of the current item, -1 outside any */
  gboolean      item_is_array;
  GArray       *problems;   /* of ScanProblem */
  gboolean      stop;
} Scan;

static void
scan_problem_clear (gpointer data)
{
  ScanProblem *problem = data;

  g_clear_error (&problem->error);
}

/* "tickets[3].subject", from the levels; @in_key when the problem is in a member's name. */
static char *
scan_path (Scan     *scan,
           gboolean  in_key)
{
  g_autoptr(GString) path = g_string_new (NULL);

  for (guint i = 0; i < scan->levels->len; i++)
    {
      ScanLevel *level = &g_array_index (scan->levels, ScanLevel, i);
      gboolean last = i + 1 == scan->levels->len;

      if (level->type == '[')
        g_string_append_printf (path, "[%u]", level->index);
      else if (last && in_key)
        g_string_append (path, path->len > 0 ? ".(a member name)" : "(a member name)");
      else if (level->key_len > 0)
        {
          g_autofree char *raw = g_strndup ((const char *) scan->data + level->key_start,
                                            MIN (level->key_len, 64));
          g_autofree char *key = g_utf8_make_valid (raw, -1);

          if (path->len > 0)
            g_string_append_c (path, '.');
          g_string_append (path, key);
        }
    }

  if (path->len == 0)
    g_string_append (path, "(the document)");
  return g_string_free (g_steal_pointer (&path), FALSE);
}

static void
scan_report (Scan       *scan,
             gboolean    in_key,
             DwJsonError code,
             const char *format,
             ...) G_GNUC_PRINTF (4, 5);

static void
scan_report (Scan       *scan,
             gboolean    in_key,
             DwJsonError code,
             const char *format,
             ...)
{
  g_autofree char *path = scan_path (scan, in_key);
  g_autofree char *what = NULL;
  ScanProblem problem;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  /* A member name of the root belongs to no item: its object cannot be read without it. */
  problem.item = in_key && scan->levels->len == 1 ? -1 : scan->item;
  problem.error = g_error_new (DW_JSON_ERROR, code, "%s: %s", path, what);
  g_array_append_val (scan->problems, problem);

  if (scan->strict || problem.item < 0)
    scan->stop = TRUE;
}

static void
scan_level_clear (gpointer data)
{
  ScanLevel *level = data;

  g_clear_pointer (&level->names, g_hash_table_unref);
}

static int
hex4 (const guchar *data,
      gsize         size,
      gsize         at)
{
  int value = 0;

  if (at + 4 > size)
    return -1;
  for (gsize i = at; i < at + 4; i++)
    {
      int digit = g_ascii_xdigit_value (data[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

/* Checks the string starting at the quote at @start; returns the offset of its closing quote
 * (or @size).  One problem per string is enough. */
static gsize
scan_string (Scan     *scan,
             gsize     start,
             gboolean  is_key)
{
  const guchar *d = scan->data;
  gsize size = scan->size;
  gsize i = start + 1;
  gboolean reported = FALSE;

  while (i < size && d[i] != '"')
    {
      guchar c = d[i];

      if (c == '\\' && i + 1 < size && d[i + 1] == 'u')
        {
          int cp = hex4 (d, size, i + 2);

          if (cp >= 0xD800 && cp <= 0xDBFF && i + 12 <= size && d[i + 6] == '\\' &&
              d[i + 7] == 'u' && hex4 (d, size, i + 8) >= 0xDC00 && hex4 (d, size, i + 8) <= 0xDFFF)
            {
              i += 12;
              continue;
            }

          if (cp == 0 && !reported)
            scan_report (scan, is_key, DW_JSON_ERROR_VALUE,
                         "contains \\u0000, which cannot be stored");
          else if (cp >= 0xD800 && cp <= 0xDFFF && !reported)
            scan_report (scan, is_key, DW_JSON_ERROR_VALUE,
                         "\\u%04X is half of a surrogate pair without its other half, not a "
                         "character", (guint) cp);
          reported |= cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF);
          i += cp >= 0 ? 6 : 2;
        }
      else if (c == '\\')
        i += 2;
      else if (c < 0x20)
        {
          if (!reported)
            scan_report (scan, is_key, DW_JSON_ERROR_MALFORMED,
                         "a raw control character (U+%04X) in a string; JSON needs it escaped "
                         "as \\u%04x", (guint) c, (guint) c);
          reported = TRUE;
          i++;
        }
      else if (c < 0x80)
        i++;
      else
        {
          gunichar u = g_utf8_get_char_validated ((const char *) d + i, (gssize) (size - i));

          if (u == (gunichar) -1 || u == (gunichar) -2)
            {
              if (!reported)
                scan_report (scan, is_key, DW_JSON_ERROR_MALFORMED, "not valid UTF-8");
              reported = TRUE;
              i++;
            }
          else
            i += g_utf8_skip[c];
        }

      if (scan->stop)
        return size;
    }

  return MIN (i, size);
}

/* Checks the number starting at @start; returns the offset after it. */
static gsize
scan_number (Scan  *scan,
             gsize  start)
{
  const guchar *d = scan->data;
  gsize end = start;
  gboolean integral = TRUE;
  gboolean digits = TRUE;
  g_autofree char *long_text = NULL;
  char short_text[64];
  char *text;

  while (end < scan->size && (g_ascii_isdigit (d[end]) || strchr ("+-.eE", d[end]) != NULL) &&
         d[end] != '\0')
    {
      if (strchr (".eE", d[end]) != NULL)
        integral = FALSE;
      else if (!g_ascii_isdigit (d[end]) && !(end == start && d[end] == '-'))
        digits = FALSE;
      end++;
    }

  /* Without an allocation for the numbers of 100k tickets. */
  if (end - start < sizeof short_text)
    {
      memcpy (short_text, d + start, end - start);
      short_text[end - start] = '\0';
      text = short_text;
    }
  else
    text = long_text = g_strndup ((const char *) d + start, end - start);

  if (integral)
    {
      /* Only a well-formed integer is judged here; the parser refuses the rest. */
      if (digits && g_ascii_isdigit (text[text[0] == '-' ? 1 : 0]) &&
          !g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, NULL, NULL))
        scan_report (scan, FALSE, DW_JSON_ERROR_VALUE,
                     "%.40s%s is out of range (integers are 64-bit, -9223372036854775808 to "
                     "9223372036854775807)", text, strlen (text) > 40 ? "…" : "");
    }
  else
    {
      char *stop = NULL;
      double value = g_ascii_strtod (text, &stop);

      if (stop != text && !isfinite (value))
        scan_report (scan, FALSE, DW_JSON_ERROR_VALUE, "%.40s%s is out of range (too large a number)",
                     text, strlen (text) > 40 ? "…" : "");
    }

  return end;
}

/* The member name @raw (without quotes, checked by scan_string) as JSON-GLib will read it, so
 * that "role" and "r\u006fle" are one name. */
static char *
decode_name (const guchar *raw,
             gsize         len)
{
  GString *name = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    {
      const char *simple = "\"\"\\\\//b\bf\fn\nr\rt\t";
      const char *found;
      int cp;

      if (raw[i] != '\\' || i + 1 >= len)
        {
          g_string_append_c (name, (char) raw[i]);
          continue;
        }

      i++;
      if (raw[i] != 'u')
        {
          found = strchr (simple, raw[i]);
          g_string_append_c (name, found != NULL && raw[i] != '\0' ? found[1] : (char) raw[i]);
          continue;
        }

      cp = hex4 (raw, len, i + 1);
      if (cp < 0)
        continue;
      i += 4;
      if (cp >= 0xD800 && cp <= 0xDBFF && i + 2 < len && raw[i + 1] == '\\' &&
          raw[i + 2] == 'u')
        {
          int low = hex4 (raw, len, i + 3);

          if (low >= 0xDC00 && low <= 0xDFFF)
            {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
              i += 6;
            }
        }
      g_string_append_unichar (name, (gunichar) cp);
    }

  return g_string_free (name, FALSE);
}

/* A member twice in one object: JSON-GLib keeps one of them without a word, so the other
 * would be dropped silently (and another parser might keep the other one). */
static void
scan_check_name (Scan      *scan,
                 ScanLevel *level)
{
  char *name;

  if (!scan->strict)
    return;

  if (level->names == NULL)
    level->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  name = decode_name (scan->data + level->key_start, level->key_len);
  if (!g_hash_table_add (level->names, name))
    scan_report (scan, FALSE, DW_JSON_ERROR_VALUE,
                 "given twice; a member may appear only once in an object");
}

static void
scan_value_starts (Scan     *scan,
                   gsize     at,
                   gboolean  is_array)
{
  if (scan->levels->len == 1)
    {
      /* A member of the root: the item itself, or the array whose elements are the items. */
      scan->item_is_array = is_array;
      scan->item = is_array ? -1 : (gssize) at;
    }
  else if (scan->levels->len == 2 && scan->item_is_array)
    scan->item = (gssize) at;
}

static void
scan_text (Scan *scan)
{
  const guchar *d = scan->data;
  gsize i = 0;

  while (i < scan->size && !scan->stop)
    {
      guchar c = d[i];
      ScanLevel *top = scan->levels->len > 0
                       ? &g_array_index (scan->levels, ScanLevel, scan->levels->len - 1) : NULL;

      switch (c)
        {
        case ' ':
        case '\t':
        case '\n':
        case '\r':
          i++;
          break;

        case '"':
          if (top != NULL && top->type == '{' && !top->after_colon)
            {
              gsize end = scan_string (scan, i, TRUE);

              top->key_start = i + 1;
              top->key_len = end - i - 1;
              if (!scan->stop)
                scan_check_name (scan, top);
              i = end + 1;
            }
          else
            {
              scan_value_starts (scan, i, FALSE);
              i = scan_string (scan, i, FALSE) + 1;
            }
          break;

        case '{':
        case '[':
          {
            ScanLevel level = { (char) c, FALSE, 0, 0, 0, NULL };

            scan_value_starts (scan, i, c == '[');
            g_array_append_val (scan->levels, level);
            i++;
          }
          break;

        case '}':
        case ']':
          if (scan->levels->len > 0)
            g_array_remove_index (scan->levels, scan->levels->len - 1);
          i++;
          break;

        case ':':
          if (top != NULL)
            top->after_colon = TRUE;
          i++;
          break;

        case ',':
          if (top != NULL && top->type == '{')
            {
              top->after_colon = FALSE;
              top->key_len = 0;
            }
          else if (top != NULL)
            top->index++;
          i++;
          break;

        case '-':
        case '0' ... '9':
          scan_value_starts (scan, i, FALSE);
          i = scan_number (scan, i);
          break;

        default:
          /* true, false, null, or a syntax error for the parser to name. */
          if (g_ascii_isalpha (c))
            scan_value_starts (scan, i, FALSE);
          i++;
          break;
        }
    }
}

static void
scan_init (Scan       *scan,
           const char *data,
           gsize       size,
           gboolean    strict)
{
  scan->data = (const guchar *) data;
  scan->size = size;
  scan->strict = strict;
  scan->levels = g_array_new (FALSE, FALSE, sizeof (ScanLevel));
  g_array_set_clear_func (scan->levels, scan_level_clear);
  scan->item = -1;
  scan->item_is_array = FALSE;
  scan->problems = g_array_new (FALSE, FALSE, sizeof (ScanProblem));
  g_array_set_clear_func (scan->problems, scan_problem_clear);
  scan->stop = FALSE;
}

static void
scan_clear (Scan *scan)
{
  g_clear_pointer (&scan->levels, g_array_unref);
  g_clear_pointer (&scan->problems, g_array_unref);
}

gboolean
dw_json_check_text (const char  *data,
                    gsize        size,
                    GError     **error)
{
  Scan scan;
  gboolean ok;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);

  scan_init (&scan, data, size, TRUE);
  scan_text (&scan);
  ok = scan.problems->len == 0;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&g_array_index (scan.problems, ScanProblem, 0).error));
  scan_clear (&scan);
  return ok;
}

/* The offset just after the value that starts at @start. */
static gsize
skip_value (const guchar *d,
            gsize         size,
            gsize         start)
{
  gsize i = start;
  guint depth = 0;

  do
    {
      if (d[i] == '"')
        {
          for (i++; i < size && d[i] != '"'; i++)
            if (d[i] == '\\')
              i++;
          i++;
        }
      else if (d[i] == '{' || d[i] == '[')
        depth++, i++;
      else if (d[i] == '}' || d[i] == ']')
        depth--, i++;
      else if (depth == 0)
        {
          /* A number or literal: up to the next delimiter. */
          while (i < size && strchr (",]} \t\r\n", d[i]) == NULL)
            i++;
        }
      else
        i++;
    }
  while (i < size && depth > 0);

  return MIN (i, size);
}

JsonNode *
dw_json_parse_tolerant (const char  *data,
                        gsize        size,
                        GPtrArray   *problems,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GString) repaired = NULL;
  Scan scan;
  gssize last_item = -1;
  gsize copied = 0;

  scan_init (&scan, data, size, FALSE);
  scan_text (&scan);

  for (guint i = 0; i < scan.problems->len; i++)
    {
      ScanProblem *problem = &g_array_index (scan.problems, ScanProblem, i);

      if (problem->item < 0)
        {
          g_propagate_error (error, g_steal_pointer (&problem->error));
          scan_clear (&scan);
          return NULL;
        }
      /* Problems come in document order, so one item's are next to each other. */
      if (problem->item == last_item)
        continue;
      last_item = problem->item;

      if (repaired == NULL)
        repaired = g_string_sized_new (size);
      g_string_append_len (repaired, data + copied, problem->item - (gssize) copied);
      g_string_append (repaired, "null");
      copied = skip_value (scan.data, size, (gsize) problem->item);

      if (problems != NULL)
        g_ptr_array_add (problems, g_strdup (problem->error->message));
    }
  if (repaired != NULL)
    g_string_append_len (repaired, data + copied, (gssize) (size - copied));
  scan_clear (&scan);

  if (!json_parser_load_from_data (parser, repaired != NULL ? repaired->str : data,
                                   repaired != NULL ? (gssize) repaired->len : (gssize) size,
                                   error))
    return NULL;
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, DW_JSON_ERROR, DW_JSON_ERROR_MALFORMED, "an empty document");
      return NULL;
    }

  return json_parser_steal_root (parser);
}

/* JSON-GLib writes control characters in strings escaped, but for U+001F (1.6 compares with
 * < 0x1f); outside strings its compact output has none, so every one left is in a string. */
void
dw_json_append_string (GString    *out,
                       const char *str)
{
  const char *run;

  if (str == NULL)
    {
      g_string_append_len (out, "null", 4);
      return;
    }

  g_string_append_c (out, '"');
  run = str;
  for (const char *p = str; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      const char *escape = NULL;

      if (c >= 0x20 && c != 0x7f && c != '"' && c != '\\')
        continue;

      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"': escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        default: break;
        }
      if (escape != NULL)
        g_string_append (out, escape);
      else
        g_string_append_printf (out, "\\u%04x", (guint) c);
    }
  g_string_append_len (out, run, strlen (run));
  g_string_append_c (out, '"');
}

char *
dw_json_to_string (JsonNode *node,
                   gsize    *length)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GString) escaped = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  /* A lone number, or a string that needs no escape (an audit row's before and after), is its
   * text without a generator object: 9k instructions each, two of them per create (issue 13).
   * The same text json-glib writes (test-json-text "/json-text/to-string/scalars"). */
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_INT64)
        text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      else if (type == G_TYPE_STRING && json_node_get_string (node) != NULL)
        {
          const char *s = json_node_get_string (node);
          gsize n = strlen (s);
          gsize i;

          for (i = 0; i < n; i++)
            if ((guchar) s[i] < 0x20 || (guchar) s[i] > 0x7e || s[i] == '"' || s[i] == '\\')
              break;
          if (i == n)
            text = g_strconcat ("\"", s, "\"", NULL);
        }
    }
  else if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    {
      text = g_strdup ("null");
    }

  if (text != NULL)
    {
      if (length != NULL)
        *length = strlen (text);
      return g_steal_pointer (&text);
    }

  generator = json_generator_new ();
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &len);

  for (gsize i = 0; i < len; i++)
    {
      if ((guchar) text[i] >= 0x20)
        continue;
      if (escaped == NULL)
        {
          escaped = g_string_sized_new (len + 16);
          g_string_append_len (escaped, text, (gssize) i);
        }
      g_string_append_printf (escaped, "\\u%04x", (guint) (guchar) text[i]);
      for (i++; i < len && (guchar) text[i] >= 0x20; i++)
        g_string_append_c (escaped, text[i]);
      i--;
    }

  if (escaped == NULL)
    {
      if (length != NULL)
        *length = len;
      return g_steal_pointer (&text);
    }
  if (length != NULL)
    *length = escaped->len;
  return g_string_free (g_steal_pointer (&escaped), FALSE);
}

char *
dw_json_make_valid (const char *text,
                    gsize       size,
                    gsize      *length)
{
  const guchar *d = (const guchar *) text;
  g_autoptr(GString) out = NULL;
  gboolean in_string = FALSE;
  gboolean has_control = FALSE;
  gsize copied = 0;

  /* Compact JSON has no control characters at all, not even between tokens. */
  for (gsize i = 0; i < size; i++)
    has_control |= d[i] < 0x20;
  if (!has_control && g_utf8_validate_len (text, size, NULL))
    return NULL;

  out = g_string_sized_new (size + 16);
  for (gsize i = 0; i < size;)
    {
      guchar c = d[i];

      if (c >= 0x80)
        {
          gunichar u = g_utf8_get_char_validated (text + i, (gssize) (size - i));

          if (u != (gunichar) -1 && u != (gunichar) -2)
            {
              i += g_utf8_skip[c];
              continue;
            }
          g_string_append_len (out, text + copied, (gssize) (i - copied));
          g_string_append (out, "\xef\xbf\xbd");
          copied = ++i;
        }
      else if (in_string && c == '\\')
        i += 2;
      else if (c == '"')
        {
          in_string = !in_string;
          i++;
        }
      else if (in_string && c < 0x20)
        {
          g_string_append_len (out, text + copied, (gssize) (i - copied));
          g_string_append_printf (out, "\\u%04x", (guint) c);
          copied = ++i;
        }
      else
        i++;
    }
  g_string_append_len (out, text + copied, (gssize) (size - copied));

  if (length != NULL)
    *length = out->len;
  return g_string_free (g_steal_pointer (&out), FALSE);
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

/* Shared by every object whose interned STRV field is empty: most tickets have no tags. */
static const char * const interned_empty_strv[] = { NULL };

char **
dw_json_strv_intern (const char * const *strv,
                     gssize              n)
{
  const char **copy;

  if (n < 0)
    n = strv != NULL ? g_strv_length ((char **) strv) : 0;
  if (n == 0)
    return (char **) interned_empty_strv;

  copy = g_new (const char *, n + 1);
  for (gssize i = 0; i < n; i++)
    copy[i] = g_intern_string (strv[i]);
  copy[n] = NULL;
  return (char **) copy;
}

void
dw_json_strv_intern_free (char **strv)
{
  /* The strings are interned: only the array is ours. */
  if (strv != (char **) interned_empty_strv)
    g_free (strv);
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
  else if (field->kind == DW_JSON_KIND_ID32)
    {
      if (item->u.l < 0 || item->u.l > G_MAXUINT32)
        {
          g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE,
                       "%s: %" G_GINT64_FORMAT " is out of range (0..4294967295)",
                       field->member, item->u.l);
          return FALSE;
        }
    }
  else if (field->kind == DW_JSON_KIND_TIME32)
    {
      if (item->u.l < 0 || item->u.l > G_MAXUINT32)
        {
          g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE,
                       "%s: %" G_GINT64_FORMAT " is out of range (1970 to 2106)",
                       field->member, item->u.l);
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
    case DW_JSON_KIND_ID32:
      ok = read_int64 (node, field->member, flags, &item->u.l, error);
      break;
    case DW_JSON_KIND_TIME:
    case DW_JSON_KIND_TIME32:
      ok = read_time (node, field->member, flags, &item->u.l, error);
      break;
    case DW_JSON_KIND_ENUM:
    case DW_JSON_KIND_ENUM8:
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
          (item->field->kind == DW_JSON_KIND_INT64 || item->field->kind == DW_JSON_KIND_TIME ||
           item->field->kind == DW_JSON_KIND_TIME32 || item->field->kind == DW_JSON_KIND_ID32))
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
        if (field->flags & DW_JSON_INTERNED)
          {
            /* The item keeps (and frees) its copy. */
            *s = (char *) g_intern_string (item->u.s);
            return TRUE;
          }
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

    case DW_JSON_KIND_TIME32:
    case DW_JSON_KIND_ID32:
      {
        guint32 *t = ptr;
        /* Only set_property can bring a value out of range (a parse has checked it). */
        guint32 value = CLAMP (item->u.l, 0, G_MAXUINT32);

        if (*t == value)
          return FALSE;
        *t = value;
        return TRUE;
      }

    case DW_JSON_KIND_ENUM8:
      {
        guint8 *e = ptr;

        if (*e == item->u.i)
          return FALSE;
        *e = item->u.i;
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
        if (field->flags & DW_JSON_INTERNED)
          {
            dw_json_strv_intern_free (*v);
            *v = dw_json_strv_intern (item->u.v != NULL ? (const char * const *) item->u.v
                                                        : interned_empty_strv, -1);
            return TRUE;
          }
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

        case DW_JSON_KIND_ID32:
          if (nullable && *(guint32 *) ptr == 0)
            json_object_set_null_member (json, field->member);
          else
            json_object_set_int_member (json, field->member, *(guint32 *) ptr);
          break;

        case DW_JSON_KIND_TIME32:
          if (nullable)
            dw_json_set_time_or_null (json, field->member, *(guint32 *) ptr);
          else
            {
              g_autofree char *str = dw_time_to_iso8601 (*(guint32 *) ptr);

              json_object_set_string_member (json, field->member, str);
            }
          break;

        case DW_JSON_KIND_ENUM:
          dw_json_set_enum (json, field->member, schema->pspecs[field->prop_id]->value_type,
                            *(int *) ptr);
          break;

        case DW_JSON_KIND_ENUM8:
          dw_json_set_enum (json, field->member, schema->pspecs[field->prop_id]->value_type,
                            *(guint8 *) ptr);
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
    case DW_JSON_KIND_TIME32:
    case DW_JSON_KIND_ID32:
      g_value_set_int64 (value, *(guint32 *) ptr);
      break;
    case DW_JSON_KIND_ENUM:
      g_value_set_enum (value, *(int *) ptr);
      break;
    case DW_JSON_KIND_ENUM8:
      g_value_set_enum (value, *(guint8 *) ptr);
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
    case DW_JSON_KIND_TIME32:
    case DW_JSON_KIND_ID32:
      item.u.l = g_value_get_int64 (value);
      break;
    case DW_JSON_KIND_ENUM:
    case DW_JSON_KIND_ENUM8:
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

      if (field->kind == DW_JSON_KIND_STRING && (field->flags & DW_JSON_INTERNED))
        *(char **) ptr = NULL;
      else if (field->kind == DW_JSON_KIND_STRING)
        g_clear_pointer ((char **) ptr, g_free);
      else if (field->kind == DW_JSON_KIND_STRV && (field->flags & DW_JSON_INTERNED))
        g_clear_pointer ((char ***) ptr, dw_json_strv_intern_free);
      else if (field->kind == DW_JSON_KIND_STRV)
        g_clear_pointer ((char ***) ptr, g_strfreev);
    }
}
