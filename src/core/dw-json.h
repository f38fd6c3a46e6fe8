/* dw-json.h: strict reading and writing of the JSON of docs/api.md.
 *
 * Every reader checks the JSON type of a member and fails with a DW_JSON_ERROR whose message
 * starts with the member's name, in the words the API's problem documents use, e.g.
 *   priority: "asap" is not one of low, normal, high, urgent
 *   created_at: "yesterday" is not an ISO 8601 time
 *   subject: expected a string, got a number
 *   subject: missing
 * so the service can put the message in a 400 problem's `detail` as it is, and the console can
 * tell a protocol mismatch precisely.  Nested members are prefixed with their path
 * ("sla[0].due_at: …") by dw_json_prefix_error().
 *
 * Conventions of the model (docs/hacking.md): times are gint64 Unix seconds and 0 stands for
 * JSON null; ids are positive and 0 stands for null; enumerations are their GEnum nicks.
 *
 * The second half is the table-driven mapping the model objects (DwTicket, DwUser, …) share:
 * a DwJsonField per plain member maps it onto a GObject property stored at an offset of the
 * instance struct, so reading, writing, get_property/set_property and the "notify only what
 * changed" rule of in-place updates are written once.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DW_JSON_ERROR (dw_json_error_quark ())

typedef enum
{
  DW_JSON_ERROR_MISSING,  /* a required member is absent */
  DW_JSON_ERROR_TYPE,     /* wrong JSON type (or null where null is not allowed) */
  DW_JSON_ERROR_VALUE,    /* right type, wrong value: unknown enum nick, bad time, out of range */
  DW_JSON_ERROR_UNKNOWN,  /* a member that is not allowed (dw_json_check_members) */
  DW_JSON_ERROR_MISMATCH, /* an in-place update for another object (its id differs) */
  DW_JSON_ERROR_MALFORMED, /* not JSON text: invalid UTF-8, a raw control character in a string */
} DwJsonError;

GQuark dw_json_error_quark (void);

typedef enum
{
  DW_JSON_OPTIONAL = 0,       /* absent: the output is left untouched */
  DW_JSON_REQUIRED = 1 << 0,  /* absent: DW_JSON_ERROR_MISSING */
  DW_JSON_NULLABLE = 1 << 1,  /* null is allowed and reads as NULL / 0 / FALSE */
  DW_JSON_POSITIVE = 1 << 2,  /* integers must be >= 1 (ids, csat) */
  /* For DW_JSON_KIND_STRING and _STRV fields of a schema: the stored strings are
   * g_intern_string()s, shared by every object and never freed (a STRV field's array is one
   * allocation of interned pointers, see dw_json_strv_intern()).  For the few values a desk
   * repeats across 100k objects (business types, tags): one copy instead of one per object. */
  DW_JSON_INTERNED = 1 << 3,
} DwJsonFlags;

/* "a string", "a number", "null", … for messages. */
const char *dw_json_node_describe   (JsonNode     *node);

/* Each reader: TRUE and *out set when the member is present and valid; TRUE and *out untouched
 * when it is absent and not DW_JSON_REQUIRED; FALSE with @error otherwise.  Strings are copies
 * (g_free, g_strfreev); a previous *out is not freed. */
gboolean    dw_json_get_string      (JsonObject   *object,
                                     const char   *member,
                                     DwJsonFlags   flags,
                                     char        **out,
                                     GError      **error);
/* An integral JSON number (1.5 and 1e3 are refused). */
gboolean    dw_json_get_int64       (JsonObject   *object,
                                     const char   *member,
                                     DwJsonFlags   flags,
                                     gint64       *out,
                                     GError      **error);
gboolean    dw_json_get_int         (JsonObject   *object,
                                     const char   *member,
                                     DwJsonFlags   flags,
                                     int          *out,
                                     GError      **error);
/* Any JSON number. */
gboolean    dw_json_get_double      (JsonObject   *object,
                                     const char   *member,
                                     DwJsonFlags   flags,
                                     double       *out,
                                     GError      **error);
gboolean    dw_json_get_boolean     (JsonObject   *object,
                                     const char   *member,
                                     DwJsonFlags   flags,
                                     gboolean     *out,
                                     GError      **error);
/* An ISO 8601 string with a zone designator, as Unix seconds; null reads as 0. */
gboolean    dw_json_get_time        (JsonObject   *object,
                                     const char   *member,
                                     DwJsonFlags   flags,
                                     gint64       *out,
                                     GError      **error);
/* The nick of a value of @enum_type (a DW_TYPE_* of dw-enums.h). */
gboolean    dw_json_get_enum        (JsonObject   *object,
                                     const char   *member,
                                     GType         enum_type,
                                     DwJsonFlags   flags,
                                     int          *out,
                                     GError      **error);
/* An array of strings; null (if allowed) reads as an empty vector, never NULL. */
gboolean    dw_json_get_strv        (JsonObject   *object,
                                     const char   *member,
                                     DwJsonFlags   flags,
                                     GStrv        *out,
                                     GError      **error);
/* An array of nicks of @enum_type, as an array of int. */
gboolean    dw_json_get_enum_array  (JsonObject   *object,
                                     const char   *member,
                                     GType         enum_type,
                                     DwJsonFlags   flags,
                                     GArray      **out,
                                     GError      **error);
/* Borrowed array / object; null (if allowed) reads as NULL. */
gboolean    dw_json_get_array       (JsonObject   *object,
                                     const char   *member,
                                     DwJsonFlags   flags,
                                     JsonArray   **out,
                                     GError      **error);
gboolean    dw_json_get_object      (JsonObject   *object,
                                     const char   *member,
                                     DwJsonFlags   flags,
                                     JsonObject  **out,
                                     GError      **error);

/* Fails with DW_JSON_ERROR_UNKNOWN naming the first member of @object not in @allowed
 * (NULL-terminated).  For request bodies, where a typo must not silently do nothing. */
gboolean    dw_json_check_members   (JsonObject          *object,
                                     const char * const  *allowed,
                                     GError             **error);

/* Prefixes a DW_JSON_ERROR message with a path, e.g. "sla[0]." (printf-style). */
void        dw_json_prefix_error    (GError      **error,
                                     const char   *format,
                                     ...) G_GNUC_PRINTF (2, 3);

/* Writers.  Each sets (replaces) @member; the *_or_null ones write null for NULL / 0. */
void        dw_json_set_string_or_null (JsonObject         *object,
                                        const char         *member,
                                        const char         *value);
void        dw_json_set_id_or_null     (JsonObject         *object,
                                        const char         *member,
                                        gint64              id);
void        dw_json_set_time_or_null   (JsonObject         *object,
                                        const char         *member,
                                        gint64              t);
void        dw_json_set_enum           (JsonObject         *object,
                                        const char         *member,
                                        GType               enum_type,
                                        int                 value);
/* NULL writes an empty array. */
void        dw_json_set_strv           (JsonObject         *object,
                                        const char         *member,
                                        const char * const *strv);
void        dw_json_set_enum_array     (JsonObject         *object,
                                        const char         *member,
                                        GType               enum_type,
                                        GArray             *values);

/* Checks JSON text for what JSON-GLib reads without complaint but cannot keep exactly, so it
 * is refused instead of being stored as something else (docs/api.md "Text and numbers"):
 * - DW_JSON_ERROR_MALFORMED: bytes that are not UTF-8, a raw control character (U+0000 to
 *   U+001F) inside a string;
 * - DW_JSON_ERROR_VALUE: the escape \u0000 (it would cut the string short), a surrogate escape
 *   that is not half of a pair (it would become bytes that are not UTF-8), an integer outside
 *   the 64-bit range or a number too large for a double (they would wrap or become infinite),
 *   a member given twice in one object (one of them would be dropped).
 * Member names count as much as values.  The message starts with the path of the member, e.g.
 * "tickets[3].subject: contains \u0000, which cannot be stored".  Syntax errors are left to the
 * parser. */
gboolean    dw_json_check_text         (const char  *data,
                                        gsize        size,
                                        GError     **error);
/* Parses @data as a JSON document whose *items* may be unreadable one by one: an item is a
 * member of the root object, or an element of an array that is such a member (a snapshot's
 * tickets, a list's items, an event's data).  An item that dw_json_check_text() would refuse
 * is replaced by null and described in @problems (if not NULL; one string per item, with its
 * path), so one bad ticket does not cost the rest.  Fails only when the document itself is
 * unreadable: not JSON, or a problem outside any item. */
JsonNode   *dw_json_parse_tolerant     (const char  *data,
                                        gsize        size,
                                        GPtrArray   *problems,
                                        GError     **error);
/* Compact JSON of @node that any JSON parser accepts: every control character in a string is
 * escaped (JSON-GLib 1.6 writes U+001F as it is).  @length may be NULL. */
char       *dw_json_to_string          (JsonNode    *node,
                                        gsize       *length);

/* Appends @str to @out as a JSON string, quoted and escaped exactly as dw_json_to_string()
 * writes a string member (test-json-text "/json-text/append-string"): for JSON text written
 * straight from a row, without a JsonNode tree and a generator.  NULL appends null. */
void        dw_json_append_string      (GString     *out,
                                        const char  *str);

/* A time as members of the wire hold it (ISO 8601 with a zone), as the dw_json_get_time()
 * reads it: FALSE on anything else. */
gboolean    dw_json_parse_time         (const char  *str,
                                        gint64      *out);

/* For JSON text about to go out that may hold rows written before the check at the door:
 * NULL when @text is valid (the common case, checked quickly), otherwise a repaired copy
 * (length in *@length) with every byte sequence that is not UTF-8 replaced by U+FFFD and every
 * raw control character in a string escaped.  libsoup refuses to send a WebSocket text frame
 * that is not UTF-8, and a console's parser a whole document. */
char       *dw_json_make_valid         (const char  *text,
                                        gsize        size,
                                        gsize       *length);

/* Parses @text as a JSON object (for tests and fixtures). */
JsonObject *dw_json_object_from_string (const char  *text,
                                        GError     **error);
/* Compact JSON of @object. */
char       *dw_json_object_to_string   (JsonObject  *object);

/* ------------------------------------------------------------------------------------------ */
/* Table-driven mapping of model objects (used by dw-ticket.c, dw-user.c, …) */

typedef enum
{
  DW_JSON_KIND_STRING,   /* char *;      property G_TYPE_STRING */
  DW_JSON_KIND_INT,      /* int;         property G_TYPE_INT (range from the pspec) */
  DW_JSON_KIND_INT64,    /* gint64;      property G_TYPE_INT64 (ids: 0 for null) */
  DW_JSON_KIND_TIME,     /* gint64;      property G_TYPE_INT64, ISO 8601 on the wire */
  DW_JSON_KIND_ENUM,     /* int;         property of a GEnum type, its nick on the wire */
  DW_JSON_KIND_BOOLEAN,  /* gboolean;    property G_TYPE_BOOLEAN */
  DW_JSON_KIND_DOUBLE,   /* double;      property G_TYPE_DOUBLE (range from the pspec) */
  DW_JSON_KIND_STRV,     /* char **;     property G_TYPE_STRV, never NULL once read */
  /* Narrow storage for the members a console holds 100k of (DwTicket): */
  DW_JSON_KIND_TIME32,   /* guint32;     as _TIME, a time from 1970 to 2106 (others are out of range) */
  DW_JSON_KIND_ENUM8,    /* guint8;      as _ENUM, for an enum whose values are 0 to 255 */
  DW_JSON_KIND_ID32,     /* guint32;     as _INT64 (ids of teams, users, …), up to 4294967295 */
} DwJsonKind;

typedef struct
{
  const char  *member;   /* JSON member, e.g. "business_type" */
  guint        prop_id;  /* index into the class's properties[] */
  DwJsonKind   kind;
  DwJsonFlags  flags;
  gsize        offset;   /* G_STRUCT_OFFSET of the storage in the instance struct */
} DwJsonField;

typedef struct
{
  const DwJsonField  *fields;
  guint               n_fields;
  GParamSpec        **pspecs;  /* the class's properties[], indexed by prop_id */
} DwJsonSchema;

/* An array of the first @n strings of @strv (all of them with @n -1), each interned, in one
 * allocation; an empty one is a shared static array.  Free with dw_json_strv_intern_free(). */
char      **dw_json_strv_intern        (const char * const *strv,
                                        gssize              n);
void        dw_json_strv_intern_free   (char              **strv);

/* Values read from a JSON object, checked but not yet stored in an object. */
typedef struct _DwJsonParsed DwJsonParsed;

/* Reads every field of @schema present in @object.  With @partial FALSE, DW_JSON_REQUIRED fields
 * must be present; with @partial TRUE (in-place updates from events or PATCH replies) any subset
 * is fine.  Members not in the schema are ignored (the service may grow fields). */
DwJsonParsed *dw_json_schema_parse   (const DwJsonSchema *schema,
                                      JsonObject         *object,
                                      gboolean            partial,
                                      GError            **error);
void          dw_json_parsed_free    (DwJsonParsed       *parsed);
/* The parsed int64 of @prop_id's field (e.g. the id of an update), or FALSE if absent. */
gboolean      dw_json_parsed_get_int64 (DwJsonParsed     *parsed,
                                        guint             prop_id,
                                        gint64           *out);
/* Stores the parsed values into @object and notifies exactly the properties whose value
 * changed.  The caller freezes notifications around it if it changes more. */
void          dw_json_parsed_apply   (DwJsonParsed       *parsed,
                                      GObject            *object);

/* The same without notifying, for an object nobody can observe yet (fresh from
 * g_object_new()): 100k tickets of a snapshot should not pay for notifications. */
void          dw_json_parsed_store   (DwJsonParsed       *parsed,
                                      GObject            *object);

/* Writes every field of @schema from @object into @json. */
void          dw_json_schema_write   (const DwJsonSchema *schema,
                                      GObject            *object,
                                      JsonObject         *json);

/* get_property / set_property for schema fields; FALSE if @prop_id is not one.  Setting
 * notifies only on change. */
gboolean      dw_json_schema_get_property (const DwJsonSchema *schema,
                                           GObject            *object,
                                           guint               prop_id,
                                           GValue             *value);
gboolean      dw_json_schema_set_property (const DwJsonSchema *schema,
                                           GObject            *object,
                                           guint               prop_id,
                                           const GValue       *value);
/* Frees the strings and vectors of @object's schema fields (from finalize). */
void          dw_json_schema_clear   (const DwJsonSchema *schema,
                                      GObject            *object);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwJsonParsed, dw_json_parsed_free)

G_END_DECLS
