/* dw-snapshot-compact.c: reading a snapshot, compact or JSON, into ticket objects. */
#include "config.h"

#include <string.h>

#include "dw-snapshot-compact.h"

#include "dw-client.h"
#include "dw-enums.h"
#include "dw-json.h"
#include "dw-sla.h"
#include "dw-ticket-private.h"

/* Both sides read the records in place: the structs must be exactly what GVariant lays out for
 * the type strings (natural alignment, the tuple padded to its alignment). */
G_STATIC_ASSERT (sizeof (DwCompactTicket) == 136);
G_STATIC_ASSERT (G_STRUCT_OFFSET (DwCompactTicket, channel) == 88);
G_STATIC_ASSERT (G_STRUCT_OFFSET (DwCompactTicket, nulls) == 128);
G_STATIC_ASSERT (sizeof (DwCompactSlaTarget) == 48);
G_STATIC_ASSERT (G_STRUCT_OFFSET (DwCompactSlaTarget, target) == 32);

/* The first few reasons are kept for the message; the rest only counted. */
#define MAX_REASONS 10

typedef struct
{
  const char **strings;
  gsize        n_strings;
  /* Per string index, its value in each enum once looked up: -2 not yet, -1 not a value. */
  int         *cache[5];
} Table;

enum { CACHE_CHANNEL, CACHE_PRIORITY, CACHE_STATUS, CACHE_SLA_STATE, CACHE_SLA_TARGET };

/* Enum values come first in the table (the service interns them as it meets them, and every
 * ticket has some); a table of many tags or business types is not cached past this. */
#define CACHE_SIZE 1024

void
dw_snapshot_data_free (DwSnapshotData *data)
{
  if (data == NULL)
    return;

  g_clear_pointer (&data->rest, json_object_unref);
  g_clear_pointer (&data->tickets, g_ptr_array_unref);
  if (data->invalid != NULL)
    g_string_free (data->invalid, TRUE);
  g_free (data);
}

static DwSnapshotData *
snapshot_data_new (void)
{
  DwSnapshotData *data = g_new0 (DwSnapshotData, 1);

  data->tickets = g_ptr_array_new_with_free_func (g_object_unref);
  data->invalid = g_string_new (NULL);
  return data;
}

static void
left_out (DwSnapshotData *data,
          guint           index,
          const char     *why)
{
  if (data->n_invalid < MAX_REASONS)
    g_string_append_printf (data->invalid, "; tickets[%u]: %s", index, why);
  data->n_invalid++;
}

/* The text of string @index, NULL for 0 (null) or out of range (*ok FALSE then). */
static const char *
table_string (const Table *table,
              guint32      index,
              gboolean    *ok)
{
  if (index == 0)
    return NULL;
  if (index >= table->n_strings)
    {
      *ok = FALSE;
      return NULL;
    }
  return table->strings[index];
}

static gboolean
table_enum (Table   *table,
            guint    cache,
            GType    type,
            guint32  index,
            int     *value)
{
  int *values = table->cache[cache];

  if (index == 0 || index >= table->n_strings)
    return FALSE;

  if (index >= CACHE_SIZE)
    return dw_enum_from_string (type, table->strings[index], value);

  if (values[index] == -2)
    {
      int v = -1;

      values[index] = dw_enum_from_string (type, table->strings[index], &v) ? v : -1;
    }
  if (values[index] < 0)
    return FALSE;
  *value = values[index];
  return TRUE;
}

/* A ticket keeps its times and the ids of other things in 32 bits (DwTicket,
 * DW_JSON_KIND_TIME32 and _ID32), as the JSON reader checks them. */
static gboolean
time32_ok (gint64 t)
{
  return t >= 0 && t <= G_MAXUINT32;
}

static gboolean
id32_ok (gint64 id)
{
  return id >= 0 && id <= G_MAXUINT32;
}

/* The ticket's SLA entries into @sla (of DwSlaTargetInfo, emptied first), checked as
 * dw_sla_target_info_new_from_json() checks them.  FALSE with *@why on bad input. */
static gboolean
read_sla (Table                    *table,
          const DwCompactSlaTarget *entries,
          guint                     n,
          GArray                   *sla,
          const char              **why)
{
  g_array_set_size (sla, 0);
  for (guint i = 0; i < n; i++)
    {
      const DwCompactSlaTarget *e = &entries[i];
      DwSlaTargetInfo *info;
      gboolean ok = TRUE;
      int target, state, reason;

      if (!table_enum (table, CACHE_SLA_TARGET, DW_TYPE_SLA_TARGET, e->target, &target) ||
          !table_enum (table, CACHE_SLA_STATE, DW_TYPE_SLA_STATE, e->state, &state))
        {
          *why = "sla: an unknown target or state";
          return FALSE;
        }
      if (e->target_minutes <= 0 || e->elapsed_seconds < 0)
        {
          *why = "sla: target_minutes or elapsed_seconds out of range";
          return FALSE;
        }

      g_array_set_size (sla, i + 1);
      info = &g_array_index (sla, DwSlaTargetInfo, i);

      info->target = target;
      info->state = state;
      info->target_minutes = e->target_minutes;
      if (!dw_sla_target_info_set_times (info, e->elapsed_seconds, e->at_risk_at, e->due_at,
                                         e->met_at))
        {
          *why = "sla: a time or elapsed_seconds out of range (1970 to 2106)";
          return FALSE;
        }
      reason = dw_sla_pause_reason_from_string (table_string (table, e->paused_reason, &ok));
      if (!ok || reason < 0)
        {
          *why = "sla: paused_reason is not one of pending, outside-hours";
          return FALSE;
        }
      info->paused_reason = reason;
    }

  return TRUE;
}

static JsonObject *
read_rest (const char  *text,
           gsize        length,
           GError     **error)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = dw_json_parse_tolerant (text, length, problems, &local_error);

  for (guint i = 0; i < problems->len; i++)
    g_message ("Skipped an item the service sent that cannot be read: %s",
               (const char *) problems->pdata[i]);

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_PROTOCOL,
                   "The service sent a malformed snapshot: %s",
                   local_error != NULL ? local_error->message : "not an object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static gboolean
malformed (GError     **error,
           const char  *why)
{
  g_set_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_PROTOCOL,
               "The service sent a malformed compact snapshot: %s", why);
  return FALSE;
}

/* The string list @field ("ay": @n NUL-terminated UTF-8 strings one after the other), borrowed
 * from @root's data; NULL and @error when it is not exactly that. */
static const char **
read_strings (GVariant  *root,
              guint      field,
              gsize     *n,
              gboolean   n_known,
              GError   **error)
{
  g_autoptr(GVariant) child = g_variant_get_child_value (root, field);
  g_autoptr(GPtrArray) strings = g_ptr_array_new ();
  gsize size = 0;
  const char *data = g_variant_get_fixed_array (child, &size, 1);
  const char *end = data + size;

  while (data != NULL && data < end)
    {
      const char *nul = memchr (data, '\0', end - data);

      if (nul == NULL || !g_utf8_validate_len (data, nul - data, NULL))
        {
          malformed (error, "a string that is not UTF-8 or not terminated");
          return NULL;
        }
      g_ptr_array_add (strings, (gpointer) data);
      data = nul + 1;
    }

  if (n_known && strings->len != *n)
    {
      malformed (error, "a column is not as long as the tickets");
      return NULL;
    }
  *n = strings->len;
  g_ptr_array_add (strings, NULL);
  return (const char **) g_ptr_array_free (g_steal_pointer (&strings), FALSE);
}

DwSnapshotData *
dw_snapshot_compact_read (GBytes        *bytes,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(DwSnapshotData) data = snapshot_data_new ();
  g_autoptr(GVariant) root = NULL;
  g_autoptr(GVariant) version = NULL;
  g_autoptr(GVariant) rest = NULL;
  g_autoptr(GVariant) records_v = NULL;
  g_autoptr(GVariant) tags_v = NULL;
  g_autoptr(GVariant) sla_v = NULL;
  g_autofree const char **subjects = NULL;
  g_autofree const char **bodies = NULL;
  g_autofree const char **order_numbers = NULL;
  g_autofree const char **csat_comments = NULL;
  g_autoptr(GPtrArray) tags = g_ptr_array_new ();
  g_autoptr(GArray) targets = g_array_sized_new (FALSE, TRUE, sizeof (DwSlaTargetInfo), 4);
  const DwCompactTicket *records;
  const guint32 *tag_refs;
  const DwCompactSlaTarget *sla;
  gsize n = 0, n_tag_refs = 0, n_sla = 0, tag_pos = 0, sla_pos = 0;
  const char *rest_text;
  gsize rest_length;
  Table table = { NULL };

  g_return_val_if_fail (bytes != NULL, NULL);

  root = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (DW_SNAPSHOT_COMPACT_TYPE),
                                                       bytes, FALSE));
  /* Little-endian on the wire (docs/api.md). */
  if (G_BYTE_ORDER == G_BIG_ENDIAN)
    {
      GVariant *swapped = g_variant_byteswap (root);

      g_variant_unref (root);
      root = swapped;
    }

  version = g_variant_get_child_value (root, DW_SNAPSHOT_COMPACT_VERSION_FIELD);
  if (g_variant_get_uint32 (version) != DW_SNAPSHOT_COMPACT_VERSION)
    {
      g_set_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_PROTOCOL,
                   "The service sent a compact snapshot of version %u, this console reads %u",
                   g_variant_get_uint32 (version), DW_SNAPSHOT_COMPACT_VERSION);
      return NULL;
    }

  rest = g_variant_get_child_value (root, DW_SNAPSHOT_COMPACT_REST);
  rest_text = g_variant_get_string (rest, &rest_length);
  data->rest = read_rest (rest_text, rest_length, error);
  if (data->rest == NULL)
    return NULL;

  table.strings = read_strings (root, DW_SNAPSHOT_COMPACT_STRINGS, &table.n_strings, FALSE, error);
  if (table.strings == NULL)
    return NULL;
  if (table.n_strings == 0 || table.strings[0][0] != '\0')
    {
      g_free (table.strings);
      malformed (error, "the string table does not start with the null entry");
      return NULL;
    }

  records_v = g_variant_get_child_value (root, DW_SNAPSHOT_COMPACT_TICKETS);
  records = g_variant_get_fixed_array (records_v, &n, sizeof (DwCompactTicket));
  tags_v = g_variant_get_child_value (root, DW_SNAPSHOT_COMPACT_TAGS);
  tag_refs = g_variant_get_fixed_array (tags_v, &n_tag_refs, sizeof (guint32));
  sla_v = g_variant_get_child_value (root, DW_SNAPSHOT_COMPACT_SLA);
  sla = g_variant_get_fixed_array (sla_v, &n_sla, sizeof (DwCompactSlaTarget));

  if ((subjects = read_strings (root, DW_SNAPSHOT_COMPACT_SUBJECTS, &n, TRUE, error)) == NULL ||
      (bodies = read_strings (root, DW_SNAPSHOT_COMPACT_BODIES, &n, TRUE, error)) == NULL ||
      (order_numbers = read_strings (root, DW_SNAPSHOT_COMPACT_ORDER_NUMBERS, &n, TRUE,
                                     error)) == NULL ||
      (csat_comments = read_strings (root, DW_SNAPSHOT_COMPACT_CSAT_COMMENTS, &n, TRUE,
                                     error)) == NULL)
    {
      g_free (table.strings);
      return NULL;
    }

  for (guint c = 0; c < G_N_ELEMENTS (table.cache); c++)
    {
      table.cache[c] = g_new (int, CACHE_SIZE);
      for (gsize s = 0; s < CACHE_SIZE; s++)
        table.cache[c][s] = -2;
    }

  for (gsize i = 0; i < n; i++)
    {
      const DwCompactTicket *r = &records[i];
      DwTicketFields f = { 0 };
      const char *why = NULL;
      gboolean ok = TRUE;
      int channel = 0, priority = 0, status = 0, sla_state = 0;

      if (r->n_tags > n_tag_refs - tag_pos || r->n_sla > n_sla - sla_pos)
        {
          malformed (error, "more tags or SLA targets than sent");
          g_clear_pointer (&data, dw_snapshot_data_free);
          break;
        }

      g_ptr_array_set_size (tags, 0);
      for (guint t = 0; t < r->n_tags; t++)
        {
          const char *tag = table_string (&table, tag_refs[tag_pos + t], &ok);

          if (tag == NULL)
            ok = FALSE;
          g_ptr_array_add (tags, (gpointer) tag);
        }
      tag_pos += r->n_tags;

      f.id = r->id;
      f.subject = subjects[i];
      /* Bodies are not kept (NULL: not loaded): the ticket pane fetches the one it shows
       * (GET /tickets/{id}).  At 100k tickets they were ~12 MiB of the console's memory for
       * text nobody reads in a list, and a real desk's messages are longer than the benchmark's. */
      (void) bodies;
      f.body = NULL;
      f.business_type = table_string (&table, r->business_type, &ok);
      f.team_id = r->team_id;
      f.assignee_id = r->assignee_id;
      f.customer_id = r->customer_id;
      f.order_number = (r->nulls & DW_COMPACT_NULL_ORDER_NUMBER) ? NULL : order_numbers[i];
      f.tags = (const char * const *) tags->pdata;
      f.n_tags = r->n_tags;
      f.created_at = r->created_at;
      f.updated_at = r->updated_at;
      f.first_response_at = r->first_response_at;
      f.solved_at = r->solved_at;
      f.version = r->version;
      f.escalation_level = r->escalation_level;
      f.sla_policy_id = r->sla_policy_id;
      f.next_sla_at = r->next_sla_at;
      f.csat = r->csat;
      f.csat_comment = (r->nulls & DW_COMPACT_NULL_CSAT_COMMENT) ? NULL : csat_comments[i];

      if (r->nulls & DW_COMPACT_UNREADABLE)
        why = "a member the service could not send in this form";
      else if (!ok)
        why = "a string index out of range";
      else if (r->id <= 0 || r->version <= 0 || !id32_ok (r->team_id) ||
               !id32_ok (r->assignee_id) || !id32_ok (r->customer_id) ||
               !id32_ok (r->sla_policy_id) || r->escalation_level < 0 ||
               r->csat < 0 || r->csat > 5)
        why = "an id, version, level or csat out of range";
      else if (!time32_ok (r->created_at) || !time32_ok (r->updated_at) ||
               !time32_ok (r->first_response_at) || !time32_ok (r->solved_at) ||
               !time32_ok (r->next_sla_at))
        why = "a time out of range (1970 to 2106)";
      else if (!table_enum (&table, CACHE_CHANNEL, DW_TYPE_CHANNEL, r->channel, &channel) ||
               !table_enum (&table, CACHE_PRIORITY, DW_TYPE_PRIORITY, r->priority, &priority) ||
               !table_enum (&table, CACHE_STATUS, DW_TYPE_STATUS, r->status, &status) ||
               !table_enum (&table, CACHE_SLA_STATE, DW_TYPE_SLA_STATE, r->sla_state, &sla_state))
        why = "an unknown channel, priority, status or sla_state";
      else if (read_sla (&table, &sla[sla_pos], r->n_sla, targets, &why))
        {
          f.sla = (const DwSlaTargetInfo *) targets->data;
          f.n_sla = targets->len;
        }
      sla_pos += r->n_sla;

      if (why != NULL)
        {
          left_out (data, (guint) i, why);
          continue;
        }

      f.channel = channel;
      f.priority = priority;
      f.status = status;
      f.sla_state = sla_state;
      g_ptr_array_add (data->tickets, dw_ticket_new_from_fields (&f));

      if ((i & 1023) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          g_clear_pointer (&data, dw_snapshot_data_free);
          break;
        }
    }

  for (guint c = 0; c < G_N_ELEMENTS (table.cache); c++)
    g_free (table.cache[c]);
  g_free (table.strings);

  return g_steal_pointer (&data);
}

DwSnapshotData *
dw_snapshot_json_read (GBytes        *bytes,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(DwSnapshotData) data = snapshot_data_new ();
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonNode *node;
  JsonArray *array;
  gsize size = 0;
  const char *text = g_bytes_get_data (bytes, &size);
  guint len;

  root = dw_json_parse_tolerant (text, size, problems, &local_error);
  if (root == NULL)
    {
      g_set_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_PROTOCOL,
                   "The service sent malformed JSON: %s", local_error->message);
      return NULL;
    }
  for (guint i = 0; i < problems->len; i++)
    g_message ("Skipped an item the service sent that cannot be read: %s",
               (const char *) problems->pdata[i]);

  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      (node = json_object_get_member (json_node_get_object (root), "tickets")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_PROTOCOL, "The snapshot has no tickets");
      return NULL;
    }
  object = json_node_get_object (root);

  array = json_node_get_array (node);
  len = json_array_get_length (array);
  for (guint i = 0; i < len; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(GError) ticket_error = NULL;
      DwTicket *ticket;

      /* null: a ticket the client could not read (dw_json_parse_tolerant), logged there. */
      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          (ticket = dw_ticket_new_from_json (json_node_get_object (element), &ticket_error)) == NULL)
        {
          if (ticket_error != NULL && data->n_invalid < MAX_REASONS)
            g_string_append_printf (data->invalid, "; tickets[%u]: %s", i, ticket_error->message);
          data->n_invalid++;
          continue;
        }
      g_ptr_array_add (data->tickets, ticket);

      if ((i & 1023) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }

  json_object_remove_member (object, "tickets");
  data->rest = json_object_ref (object);
  return g_steal_pointer (&data);
}
