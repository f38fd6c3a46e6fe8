/* dw-api-snapshot.c: GET /api/v1/snapshot — what the console needs to start, and the stream's
 * sequence number it is consistent with.
 *
 * Everything is read in one read transaction, and the sequence number is taken inside it, so a
 * client that then follows the stream from "seq" misses nothing and applies nothing twice.
 * The read runs on a worker thread, on a pooled connection of its own (dw-read-pool.h,
 * `--db-pool-size`), so that the writes and streams of the main loop go on meanwhile; the seq
 * then comes from the database in that same transaction (snapshot_job ()).  Without a pool
 * (an in-memory SQLite desk) it is read on the main connection as before, where the event log's
 * last published seq is the snapshot's (an event is published exactly when its transaction
 * commits, on this loop).
 *
 * A console asks for the compact form (Accept: application/x-deskwatch-snapshot+gvariant,
 * docs/api.md "Compact snapshot"): the same read, the tickets written as columns of a GVariant
 * that the console reads in place; every other client keeps getting JSON.
 */
#define G_LOG_DOMAIN "dw-api"

#include "dw-api-private.h"

#include "dw-snapshot-compact.h"
#include "dw-read-pool.h"
#include "store/dw-store-events.h"
#include "store/dw-store-tx.h"

#include <string.h>

#define DEFAULT_HEARTBEAT_MS 15000

static guint
heartbeat_seconds (void)
{
  const char *env = g_getenv ("DESKWATCH_HEARTBEAT_MS");
  guint64 ms = DEFAULT_HEARTBEAT_MS;

  if (env != NULL)
    g_ascii_string_to_unsigned (env, 10, 1, G_MAXUINT32, &ms, NULL);
  return (guint) MAX ((ms + 999) / 1000, 1);
}

/* The compact form (docs/api.md "Compact snapshot") */

/* The strings repeated across tickets (enum values, business types, tags, SLA names), each
 * sent once: index 0 is "" and stands for null. */
typedef struct
{
  GHashTable *index;    /* text as read (and as repaired) → GUINT_TO_POINTER (index) */
  GPtrArray  *strings;  /* the table, valid UTF-8 */
} Interner;

typedef struct
{
  Interner   interner;
  GArray    *records;   /* of DwCompactTicket */
  /* Subjects, bodies, order numbers, csat comments: NUL-terminated, one after the other. */
  GByteArray *columns[4];
  GArray    *tags;      /* of guint32 */
  GArray    *sla;       /* of DwCompactSlaTarget */
  GArray    *ticket_tags;  /* of guint32: the tags of the ticket being read */
} Compact;

static void
compact_clear (Compact *c)
{
  g_clear_pointer (&c->interner.strings, g_ptr_array_unref);
  g_clear_pointer (&c->interner.index, g_hash_table_unref);
  g_clear_pointer (&c->records, g_array_unref);
  for (guint i = 0; i < G_N_ELEMENTS (c->columns); i++)
    g_clear_pointer (&c->columns[i], g_byte_array_unref);
  g_clear_pointer (&c->tags, g_array_unref);
  g_clear_pointer (&c->sla, g_array_unref);
  g_clear_pointer (&c->ticket_tags, g_array_unref);
}

static guint32
intern_text (Interner   *in,
             const char *text,
             gsize       length)
{
  g_autofree char *copy = NULL;
  g_autofree char *valid = NULL;
  gpointer index;

  if (text == NULL)
    return 0;
  if (memchr (text, '\0', length) != NULL)
    return DW_COMPACT_STRING_UNREADABLE;
  if (text[length] != '\0')
    text = copy = g_strndup (text, length);
  if (g_hash_table_lookup_extended (in->index, text, NULL, &index))
    return GPOINTER_TO_UINT (index);

  /* Rows stored before the check at the door may not be UTF-8; GVariant strings must be. */
  if (!g_utf8_validate_len (text, length, NULL))
    {
      valid = g_utf8_make_valid (text, length);
      if (g_hash_table_lookup_extended (in->index, valid, NULL, &index))
        return GPOINTER_TO_UINT (index);
    }

  /* Keyed by the text as it came, so the next lookup of the same bytes is one hash. */
  index = GUINT_TO_POINTER (in->strings->len);
  g_hash_table_insert (in->index, g_strdup (text), index);
  if (valid != NULL)
    g_hash_table_insert (in->index, g_strdup (valid), index);
  g_ptr_array_add (in->strings, valid != NULL ? g_steal_pointer (&valid) : g_strdup (text));
  return GPOINTER_TO_UINT (index);
}

static guint32
intern (Interner    *in,
        DwStoreText  text)
{
  return intern_text (in, text.text, text.length);
}

static void
compact_init (Compact *c)
{
  c->interner.index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->interner.strings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (c->interner.strings, g_strdup (""));
  c->records = g_array_new (FALSE, TRUE, sizeof (DwCompactTicket));
  for (guint i = 0; i < G_N_ELEMENTS (c->columns); i++)
    c->columns[i] = g_byte_array_new ();
  c->tags = g_array_new (FALSE, FALSE, sizeof (guint32));
  c->sla = g_array_new (FALSE, TRUE, sizeof (DwCompactSlaTarget));
  c->ticket_tags = g_array_new (FALSE, TRUE, sizeof (guint32));
}

/* Appends @column's text to @array ("" for null, saying so in @nulls). */
static void
add_text (GByteArray  *array,
          DwStoreText  column,
          guint32     *nulls,
          guint32      null_flag)
{
  const char *text = column.text;
  gsize length = column.length;
  g_autofree char *valid = NULL;

  if (text == NULL)
    {
      *nulls |= null_flag;
      length = 0;
    }
  else if (memchr (text, '\0', length) != NULL)
    {
      *nulls |= DW_COMPACT_UNREADABLE;
      length = 0;
    }
  else if (!g_utf8_validate_len (text, length, NULL))
    {
      text = valid = g_utf8_make_valid (text, length);
      length = strlen (valid);
    }

  g_byte_array_append (array, (const guint8 *) text, length);
  g_byte_array_append (array, (const guint8 *) "", 1);
}

/* Whether the console would refuse @column (JSON text: tags or SLA targets) in the JSON form
 * (dw_json_check_text(), after the repair every JSON answer gets): such a ticket is left out of
 * the compact form too.  Only text with an escape can be refused once repaired, and a service's
 * own rows have none: one memchr () for nearly all. */
static gboolean
json_column_refused (DwStoreText column)
{
  const char *text = column.text;
  gsize length = column.length;
  g_autofree char *valid = NULL;

  if (text == NULL || memchr (text, '\\', length) == NULL)
    return FALSE;
  if ((valid = dw_json_make_valid (text, length, &length)) != NULL)
    text = valid;
  return !dw_json_check_text (text, length, NULL);
}

/* SLA targets: read from the ticket's "sla" text here.  The service writes that text itself in
 * one shape (an array of flat objects of strings, integers and nulls), which a scanner of that
 * shape reads in a tenth of the time SQLite's json_each () takes (0.6-0.8 s at 100k tickets)
 * or JSON-GLib would; anything else goes to JSON-GLib. */
typedef struct
{
  const char *p;
  const char *end;
} Scan;

static void
scan_space (Scan *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\t' || *s->p == '\r'))
    s->p++;
}

static gboolean
scan_char (Scan *s,
           char  c)
{
  scan_space (s);
  if (s->p >= s->end || *s->p != c)
    return FALSE;
  s->p++;
  return TRUE;
}

/* A string without escapes or control characters (else FALSE: the slow path reads it). */
static gboolean
scan_string (Scan        *s,
             const char **start,
             gsize       *length)
{
  const char *p;

  if (!scan_char (s, '"'))
    return FALSE;
  for (p = s->p; p < s->end && *p != '"'; p++)
    if (*p == '\\' || (guchar) *p < 0x20)
      return FALSE;
  if (p >= s->end)
    return FALSE;
  *start = s->p;
  *length = p - s->p;
  s->p = p + 1;
  return TRUE;
}

typedef enum { SLA_NULL, SLA_STRING, SLA_INT, SLA_OTHER } SlaValueKind;

typedef struct
{
  SlaValueKind  kind;
  const char   *text;    /* SLA_STRING: not NUL-terminated */
  gsize         length;
  gint64        number;  /* SLA_INT */
} SlaValue;

static gboolean
scan_value (Scan     *s,
            SlaValue *v)
{
  scan_space (s);
  if (s->p >= s->end)
    return FALSE;

  if (*s->p == '"')
    {
      v->kind = SLA_STRING;
      return scan_string (s, &v->text, &v->length);
    }
  if (s->end - s->p >= 4 && memcmp (s->p, "null", 4) == 0)
    {
      v->kind = SLA_NULL;
      s->p += 4;
      return TRUE;
    }
  if (*s->p == '-' || g_ascii_isdigit (*s->p))
    {
      gboolean negative = *s->p == '-';
      guint digits = 0;

      v->kind = SLA_INT;
      v->number = 0;
      if (negative)
        s->p++;
      /* Up to 18 digits cannot overflow; longer numbers, fractions and exponents go slow. */
      while (s->p < s->end && g_ascii_isdigit (*s->p) && digits < 18)
        {
          v->number = v->number * 10 + (*s->p++ - '0');
          digits++;
        }
      if (digits == 0 || (s->p < s->end && (g_ascii_isdigit (*s->p) || *s->p == '.' ||
                                            *s->p == 'e' || *s->p == 'E')))
        return FALSE;
      if (negative)
        v->number = -v->number;
      return TRUE;
    }
  return FALSE;
}

/* Sets member @key of @e; FALSE when the value cannot be the member's (the JSON form's reader
 * would refuse the ticket). */
static gboolean
set_sla_member (Interner           *in,
                DwCompactSlaTarget *e,
                const char         *key,
                gsize               key_length,
                const SlaValue     *v)
{
#define KEY_IS(name) (key_length == sizeof (name) - 1 && memcmp (key, name, key_length) == 0)
  guint32 *index = NULL;
  gint64 *number = NULL;
  gint64 *time = NULL;

  if (KEY_IS ("target"))
    index = &e->target;
  else if (KEY_IS ("state"))
    index = &e->state;
  else if (KEY_IS ("paused_reason"))
    index = &e->paused_reason;
  else if (KEY_IS ("elapsed_seconds"))
    number = &e->elapsed_seconds;
  else if (KEY_IS ("at_risk_at"))
    time = &e->at_risk_at;
  else if (KEY_IS ("due_at"))
    time = &e->due_at;
  else if (KEY_IS ("met_at"))
    time = &e->met_at;
  else if (KEY_IS ("target_minutes"))
    {
      if (v->kind != SLA_INT || v->number < G_MININT32 || v->number > G_MAXINT32)
        return FALSE;
      e->target_minutes = (gint32) v->number;
      return TRUE;
    }
  else
    return TRUE;  /* a member this form does not carry */
#undef KEY_IS

  if (v->kind == SLA_OTHER)
    return FALSE;
  if (v->kind == SLA_NULL)
    return number == NULL;

  if (index != NULL)
    {
      if (v->kind != SLA_STRING)
        return FALSE;
      *index = intern_text (in, v->text, v->length);
      return TRUE;
    }
  if (number != NULL)
    {
      *number = v->number;
      return v->kind == SLA_INT;
    }

  {
    g_autofree char *text = v->kind == SLA_STRING ? g_strndup (v->text, v->length) : NULL;

    return text != NULL && dw_json_parse_time (text, time);
  }
}

static gboolean
scan_sla (Interner   *in,
          const char *text,
          gsize       length,
          GArray     *out)
{
  Scan s = { text, text + length };

  if (!scan_char (&s, '['))
    return FALSE;
  if (scan_char (&s, ']'))
    goto end;

  do
    {
      DwCompactSlaTarget e = { 0 };

      if (!scan_char (&s, '{'))
        return FALSE;
      if (!scan_char (&s, '}'))
        {
          do
            {
              const char *key;
              gsize key_length;
              SlaValue v;

              if (!scan_string (&s, &key, &key_length) || !scan_char (&s, ':') ||
                  !scan_value (&s, &v) || !set_sla_member (in, &e, key, key_length, &v))
                return FALSE;
            }
          while (scan_char (&s, ','));
          if (!scan_char (&s, '}'))
            return FALSE;
        }
      g_array_append_val (out, e);
    }
  while (scan_char (&s, ','));
  if (!scan_char (&s, ']'))
    return FALSE;

end:
  scan_space (&s);
  return s.p == s.end;
}

/* The slow path: anything JSON-GLib reads.  FALSE when it is not an array of objects with
 * members of the right kinds. */
static gboolean
parse_sla (Interner   *in,
           const char *text,
           gsize       length,
           GArray     *out)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonArray *array;

  if (!json_parser_load_from_data (parser, text, length, NULL) ||
      !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    return FALSE;

  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      DwCompactSlaTarget e = { 0 };
      JsonObjectIter iter;
      const char *key;
      JsonNode *node;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return FALSE;
      json_object_iter_init (&iter, json_node_get_object (element));
      while (json_object_iter_next (&iter, &key, &node))
        {
          SlaValue v = { SLA_NULL };

          if (JSON_NODE_HOLDS_NULL (node))
            v.kind = SLA_NULL;
          else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            {
              v.kind = SLA_STRING;
              v.text = json_node_get_string (node);
              v.length = strlen (v.text);
            }
          else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
            {
              v.kind = SLA_INT;
              v.number = json_node_get_int (node);
            }
          else
            v.kind = SLA_OTHER;  /* a double, a boolean, an array, an object */

          if (!set_sla_member (in, &e, key, strlen (key), &v))
            return FALSE;
        }
      g_array_append_val (out, e);
    }
  return TRUE;
}

/* Appends the targets of the "sla" text in @column to @out; FALSE when the ticket cannot be
 * sent (nothing appended then). */
static gboolean
add_sla (Interner    *in,
         DwStoreText  column,
         GArray      *out,
         guint32     *n_sla)
{
  const char *text = column.text;
  gsize length = column.length;
  guint before = out->len;

  *n_sla = 0;
  if (text == NULL)
    return TRUE;
  if (!scan_sla (in, text, length, out))
    {
      g_array_set_size (out, before);
      if (!parse_sla (in, text, length, out))
        {
          g_array_set_size (out, before);
          return FALSE;
        }
    }
  *n_sla = out->len - before;
  return TRUE;
}

/* Where entry @index goes in @array (of @size-byte entries), growing it: rows are placed by
 * their index in the ticket's array, whatever order they come in. */
static gpointer
slot (GArray *array,
      gint64  index)
{
  if (index < 0 || index >= 4096)
    return NULL;
  if ((guint) index >= array->len)
    g_array_set_size (array, (guint) index + 1);
  return &g_array_index (array, guint8, (gsize) index * g_array_get_element_size (array));
}

/* A ticket's tags come first (dw_store_active_tickets_compact ()), gathered here by their
 * index in its array, whatever order they come in. */
static void
compact_tag (gint64      ticket_id,
             gint64      index,
             DwStoreText value,
             gpointer    user_data)
{
  Compact *c = user_data;
  guint32 *tag = slot (c->ticket_tags, index);

  if (tag != NULL)
    *tag = intern (&c->interner, value);
}

static void
compact_ticket (const DwStoreCompactTicket *t,
                gpointer                    user_data)
{
  Compact *c = user_data;
  DwCompactTicket r = { 0 };

  r.id = t->id;
  add_text (c->columns[0], t->subject, &r.nulls, 0);
  add_text (c->columns[1], t->body, &r.nulls, DW_COMPACT_NULL_BODY);
  r.channel = intern (&c->interner, t->channel);
  r.business_type = intern (&c->interner, t->business_type);
  r.priority = intern (&c->interner, t->priority);
  r.status = intern (&c->interner, t->status);
  r.team_id = t->team_id;
  r.assignee_id = t->assignee_id;
  r.customer_id = t->customer_id;
  add_text (c->columns[2], t->order_number, &r.nulls, DW_COMPACT_NULL_ORDER_NUMBER);
  r.created_at = t->created_at;
  r.updated_at = t->updated_at;
  r.first_response_at = t->first_response_at;
  r.solved_at = t->solved_at;
  r.version = t->version;
  r.escalation_level = t->escalation_level;
  r.sla_policy_id = t->sla_policy_id;
  r.sla_state = intern (&c->interner, t->sla_state);
  r.next_sla_at = t->next_sla_at;
  r.csat = t->csat;
  add_text (c->columns[3], t->csat_comment, &r.nulls, DW_COMPACT_NULL_CSAT_COMMENT);
  r.breach = intern (&c->interner, t->breach);
  if (json_column_refused (t->tags) || json_column_refused (t->sla))
    r.nulls |= DW_COMPACT_UNREADABLE;

  g_array_append_vals (c->tags, c->ticket_tags->data, c->ticket_tags->len);
  r.n_tags = c->ticket_tags->len;
  g_array_set_size (c->ticket_tags, 0);

  if (!add_sla (&c->interner, t->sla, c->sla, &r.n_sla))
    r.nulls |= DW_COMPACT_UNREADABLE;

  g_array_append_val (c->records, r);
}

static GVariant *
bytes_variant (GByteArray *bytes)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, bytes->data, bytes->len, 1);
}

/* "ay" of NUL-terminated strings one after the other (why not "as": dw-snapshot-compact.h). */
static GVariant *
strings_variant (GPtrArray *array)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  for (guint i = 0; i < array->len; i++)
    g_byte_array_append (bytes, array->pdata[i], strlen (array->pdata[i]) + 1);
  return bytes_variant (bytes);
}

/* Takes @rest. */
static GBytes *
compact_to_bytes (Compact *c,
                  char    *rest)
{
  g_autoptr(GVariant) root = NULL;
  GVariant *children[DW_SNAPSHOT_COMPACT_N_FIELDS];

  children[DW_SNAPSHOT_COMPACT_VERSION_FIELD] = g_variant_new_uint32 (DW_SNAPSHOT_COMPACT_VERSION);
  children[DW_SNAPSHOT_COMPACT_REST] = g_variant_new_take_string (rest);
  children[DW_SNAPSHOT_COMPACT_STRINGS] = strings_variant (c->interner.strings);
  children[DW_SNAPSHOT_COMPACT_TICKETS] =
    g_variant_new_fixed_array (G_VARIANT_TYPE (DW_SNAPSHOT_COMPACT_TICKET_TYPE),
                               c->records->data, c->records->len, sizeof (DwCompactTicket));
  children[DW_SNAPSHOT_COMPACT_SUBJECTS] = bytes_variant (c->columns[0]);
  children[DW_SNAPSHOT_COMPACT_BODIES] = bytes_variant (c->columns[1]);
  children[DW_SNAPSHOT_COMPACT_ORDER_NUMBERS] = bytes_variant (c->columns[2]);
  children[DW_SNAPSHOT_COMPACT_CSAT_COMMENTS] = bytes_variant (c->columns[3]);
  children[DW_SNAPSHOT_COMPACT_TAGS] =
    g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, c->tags->data, c->tags->len,
                               sizeof (guint32));
  children[DW_SNAPSHOT_COMPACT_SLA] =
    g_variant_new_fixed_array (G_VARIANT_TYPE (DW_SNAPSHOT_COMPACT_SLA_TYPE),
                               c->sla->data, c->sla->len, sizeof (DwCompactSlaTarget));

  root = g_variant_ref_sink (g_variant_new_tuple (children, G_N_ELEMENTS (children)));
  /* Little-endian on the wire (docs/api.md). */
  if (G_BYTE_ORDER == G_BIG_ENDIAN)
    {
      GVariant *swapped = g_variant_byteswap (root);

      g_variant_unref (root);
      root = swapped;
    }
  return g_variant_get_data_as_bytes (root);
}

/* Compact snapshots at least this big are sent gzipped to a client that asks (Accept-Encoding):
 * at 100k tickets 42 MB become 4.3 MB for 0.23 s of CPU here (level 1) and 0.12 s there, which
 * pays on a real network and not on loopback, where the console does not ask. */
#define GZIP_MIN_SIZE (64 * 1024)

static gboolean
header_lists (DwApiRequest *req,
              const char   *header,
              const char   *value)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *list = soup_message_headers_get_list (headers, header);
  GSList *items;
  gboolean found = FALSE;

  if (list == NULL)
    return FALSE;

  /* Only when named: "*" + "/" + "*" or "*" do not count. */
  items = soup_header_parse_quality_list (list, NULL);
  for (GSList *l = items; l != NULL; l = l->next)
    if (g_ascii_strcasecmp (l->data, value) == 0)
      found = TRUE;
  soup_header_free_list (items);
  return found;
}

static GBytes *
gzip_bytes (GBytes *bytes)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  gsize size = g_bytes_get_size (bytes);

  /* In memory, so these cannot fail. */
  if (!g_output_stream_write_all (out, g_bytes_get_data (bytes, NULL), size, NULL, NULL, NULL) ||
      !g_output_stream_close (out, NULL, NULL))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static gboolean
wants_compact (DwApiRequest *req)
{
  return header_lists (req, "Accept", DW_SNAPSHOT_COMPACT_CONTENT_TYPE);
}

static gboolean
add_array (JsonObject  *snapshot,
           const char  *member,
           JsonArray   *items)
{
  if (items == NULL)
    return FALSE;
  json_object_set_array_member (snapshot, member, items);
  return TRUE;
}

/* One snapshot: what it needs, copied on the main loop, so that a worker thread (dw-read-pool.h)
 * can read it with nothing shared but its own store; and what it makes. */
typedef struct
{
  /* In: the principal's id and what it sees (team ids copied), the forms asked for. */
  gint64             user_id;
  DwStoreVisibility  visibility;
  GArray            *team_ids;
  gboolean           compact;
  gboolean           gzip;
  /* Out: one of them. */
  GBytes            *compact_bytes;
  gboolean           gzipped;
  GString           *body;
  /* Pooled: the message answered when the read is done. */
  DwApiPausedRead    paused;
} Snapshot;

static void
snapshot_free (Snapshot *s)
{
  dw_api_paused_read_clear (&s->paused);
  g_clear_pointer (&s->team_ids, g_array_unref);
  g_clear_pointer (&s->compact_bytes, g_bytes_unref);
  if (s->body != NULL)
    g_string_free (s->body, TRUE);
  g_free (s);
}

static Snapshot *
snapshot_new (DwApiRequest *req)
{
  Snapshot *s = g_new0 (Snapshot, 1);

  s->user_id = req->principal->user_id;
  dw_api_visibility (req->principal, &s->visibility);
  if (s->visibility.team_ids != NULL)
    {
      const GArray *ids = s->visibility.team_ids;

      s->team_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), ids->len);
      g_array_append_vals (s->team_ids, ids->data, ids->len);
      s->visibility.team_ids = s->team_ids;
    }
  s->compact = wants_compact (req);
  s->gzip = header_lists (req, "Accept-Encoding", "gzip");
  return s;
}

/* Reads the snapshot inside the read transaction the caller opened on @store, with @seq the
 * stream's sequence number it is consistent with.  Uses nothing but @store and @s. */
static gboolean
snapshot_read (DwStore       *store,
               gint64         seq,
               Snapshot      *s,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(JsonObject) snapshot = json_object_new ();
  g_autoptr(JsonObject) me = NULL;
  g_autoptr(JsonNode) head = NULL;
  g_autofree char *head_text = NULL;
  gboolean ok;

  json_object_set_int_member (snapshot, "seq", seq);
  json_object_set_int_member (snapshot, "heartbeat_interval", heartbeat_seconds ());

  me = dw_store_user_load_json (store, s->user_id, error);
  ok = me != NULL;
  if (ok)
    json_object_set_object_member (snapshot, "me", g_steal_pointer (&me));

  ok = ok
       && add_array (snapshot, "teams", dw_store_teams_json (store, error))
       && add_array (snapshot, "users", dw_store_users_json (store, &s->visibility, error))
       && add_array (snapshot, "sla_policies", dw_store_sla_policies_json (store, error))
       /* A client gone between statements (an interrupt reaches only a running one). */
       && !g_cancellable_set_error_if_cancelled (cancellable, error);

  /* The tickets, already JSON text from the store, go in last: the rest "{…" then
   * ",\"tickets\":[…]}". */
  if (ok && s->compact)
    {
      Compact c = { NULL };
      char *rest;
      char *valid;
      gsize length;

      head = json_node_init_object (json_node_alloc (), snapshot);
      rest = dw_json_to_string (head, &length);
      if ((valid = dw_json_make_valid (rest, length, &length)) != NULL)
        g_free (g_steal_pointer (&rest));
      compact_init (&c);
      ok = dw_store_active_tickets_compact (store, &s->visibility, compact_ticket, compact_tag, &c,
                                            error);
      if (ok)
        s->compact_bytes = compact_to_bytes (&c, valid != NULL ? valid : rest);
      else
        g_free (valid != NULL ? valid : rest);
      compact_clear (&c);
    }
  else if (ok)
    {
      head = json_node_init_object (json_node_alloc (), snapshot);
      head_text = dw_json_to_string (head, NULL);
      s->body = g_string_new (head_text);
      g_assert (s->body->len > 2 && s->body->str[s->body->len - 1] == '}');
      g_string_truncate (s->body, s->body->len - 1);
      g_string_append (s->body, ",\"tickets\":[");
      ok = dw_store_active_tickets_json (store, &s->visibility, s->body, error);
      g_string_append (s->body, "]}");
    }

  /* Compressing costs a fifth of the read at 100k tickets: done where the read was. */
  if (ok && s->compact_bytes != NULL && s->gzip &&
      g_bytes_get_size (s->compact_bytes) >= GZIP_MIN_SIZE)
    {
      GBytes *gzipped = gzip_bytes (s->compact_bytes);

      if (gzipped != NULL)
        {
          g_bytes_unref (s->compact_bytes);
          s->compact_bytes = gzipped;
          s->gzipped = TRUE;
        }
    }

  return ok;
}

static void
snapshot_reply (SoupServerMessage *msg,
                Snapshot          *s)
{
  if (s->compact_bytes != NULL)
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_append (headers, "Vary", "Accept, Accept-Encoding");
      soup_message_headers_set_content_type (headers, DW_SNAPSHOT_COMPACT_CONTENT_TYPE, NULL);
      if (s->gzipped)
        soup_message_headers_append (headers, "Content-Encoding", "gzip");
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg),
                                      s->compact_bytes);
      return;
    }

  soup_message_headers_append (soup_server_message_get_response_headers (msg),
                               "Vary", "Accept");
  dw_json_reply_text (msg, 200, g_string_free (g_steal_pointer (&s->body), FALSE));
}

/* On the main connection, on the main loop (no pool: a service for a command, or a test's). */
static void
snapshot_on_main (DwApiRequest *req,
                  Snapshot     *s)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (!dw_store_tx_begin_read (req->api->store, &error))
    {
      dw_api_reply_error (req, error);
      return;
    }

  /* The writes are this loop's: the last published seq is exactly what the snapshot sees. */
  ok = snapshot_read (req->api->store, dw_event_log_get_seq (req->api->events), s, NULL,
                      &error);

  /* Read-only: ending it can only fail if the database is gone. */
  dw_store_tx_rollback (req->api->store);

  if (!ok)
    dw_api_reply_error (req, error);
  else
    snapshot_reply (req->msg, s);
}

/* On a worker thread, on a pooled connection of its own. */
static gboolean
snapshot_job (DwStore       *store,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  Snapshot *s = data;
  gint64 seq, first_seq, first_at;
  gboolean ok;

  if (!dw_store_tx_begin_read (store, error))
    return FALSE;

  /* The seq is read in the snapshot's own transaction (the last one handed out, which both
   * backends keep with the events, in the same commit): whatever commits on the main loop or on
   * another instance meanwhile, the rows and the seq are of one moment, so a stream resumed
   * from it (since=) misses nothing and repeats nothing.  The in-memory seq of the event log
   * would not do here: a commit may land between reading it and the snapshot's first read. */
  ok = dw_store_events_bounds (store, &seq, &first_seq, &first_at, error)
       && snapshot_read (store, seq, s, cancellable, error);

  dw_store_tx_rollback (store);
  return ok;
}

static void
snapshot_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  Snapshot *s = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = dw_read_pool_run_finish (s->paused.pool, result, &error);
  SoupServerMessage *msg = s->paused.msg;

  if (!dw_api_paused_read_settle (&s->paused))
    return;

  /* A client that hung up gets an answer all the same: writing it is how libsoup learns that
   * the connection is gone, and closes it. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
  else if (!ok)
    dw_problem_reply_error (msg, error);
  else
    snapshot_reply (msg, s);
  soup_server_message_unpause (msg);
}

static void
snapshot_cb (DwApiRequest *req)
{
  Snapshot *s = snapshot_new (req);

  if (req->api->read_pool == NULL)
    {
      snapshot_on_main (req, s);
      snapshot_free (s);
      return;
    }

  /* Answered when a pooled connection has read it (dw-read-pool.h), while this loop serves the
   * writes and streams. */
  dw_api_paused_read_start (&s->paused, req->msg, req->api->read_pool);
  dw_read_pool_run_async (req->api->read_pool, snapshot_job, s, (GDestroyNotify) snapshot_free,
                          s->paused.cancellable, snapshot_done_cb, s);
}

const DwApiRoute dw_api_snapshot_routes[] = {
  { "GET", "snapshot", snapshot_cb, FALSE },
  { NULL }
};
