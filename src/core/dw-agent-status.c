/* dw-agent-status.c
 *
 * The wire members map onto fields through the same schema table as the other model objects
 * (dw-json.h), so an update notifies exactly what changed and a row redraws only then.
 */
#include "dw-agent-status.h"

#include <string.h>

#include "dw-json.h"

struct _DwAgentStatus
{
  GObject  parent_instance;

  gint64   user_id;
  char    *display_name;
  int      presence;
  gint64   presence_since;
  int      capacity;
  int      load;
  gint64   oldest_waiting_since;
  gint64   oldest_waiting_ticket_id;
  int      at_risk;
  int      breached;
};

G_DEFINE_FINAL_TYPE (DwAgentStatus, dw_agent_status, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_USER_ID,
  PROP_DISPLAY_NAME,
  PROP_PRESENCE,
  PROP_PRESENCE_SINCE,
  PROP_CAPACITY,
  PROP_LOAD,
  PROP_OLDEST_WAITING_SINCE,
  PROP_OLDEST_WAITING_TICKET_ID,
  PROP_AT_RISK,
  PROP_BREACHED,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

#define FIELD(member, prop, kind, flags, field) \
  { member, prop, DW_JSON_KIND_##kind, flags, G_STRUCT_OFFSET (DwAgentStatus, field) }

static const DwJsonField fields[] = {
  FIELD ("user_id", PROP_USER_ID, INT64, DW_JSON_REQUIRED | DW_JSON_POSITIVE, user_id),
  FIELD ("display_name", PROP_DISPLAY_NAME, STRING, DW_JSON_REQUIRED, display_name),
  FIELD ("presence", PROP_PRESENCE, ENUM, DW_JSON_REQUIRED, presence),
  FIELD ("presence_since", PROP_PRESENCE_SINCE, TIME, DW_JSON_NULLABLE, presence_since),
  FIELD ("capacity", PROP_CAPACITY, INT, DW_JSON_REQUIRED, capacity),
  FIELD ("load", PROP_LOAD, INT, DW_JSON_REQUIRED, load),
  FIELD ("oldest_waiting_since", PROP_OLDEST_WAITING_SINCE, TIME, DW_JSON_NULLABLE,
         oldest_waiting_since),
  FIELD ("oldest_waiting_ticket_id", PROP_OLDEST_WAITING_TICKET_ID, INT64, DW_JSON_NULLABLE,
         oldest_waiting_ticket_id),
  FIELD ("at_risk", PROP_AT_RISK, INT, 0, at_risk),
  FIELD ("breached", PROP_BREACHED, INT, 0, breached),
};

#undef FIELD

static const DwJsonSchema schema = { fields, G_N_ELEMENTS (fields), properties };

static void
dw_agent_status_finalize (GObject *object)
{
  dw_json_schema_clear (&schema, object);

  G_OBJECT_CLASS (dw_agent_status_parent_class)->finalize (object);
}

static void
dw_agent_status_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  if (!dw_json_schema_get_property (&schema, object, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
dw_agent_status_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  if (!dw_json_schema_set_property (&schema, object, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
dw_agent_status_class_init (DwAgentStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = dw_agent_status_finalize;
  object_class->get_property = dw_agent_status_get_property;
  object_class->set_property = dw_agent_status_set_property;

  properties[PROP_USER_ID] = g_param_spec_int64 ("user-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, rw);
  properties[PROP_PRESENCE] = g_param_spec_enum ("presence", NULL, NULL, DW_TYPE_PRESENCE,
                                                 DW_PRESENCE_OFFLINE, rw);
  properties[PROP_PRESENCE_SINCE] = g_param_spec_int64 ("presence-since", NULL, NULL,
                                                        0, G_MAXINT64, 0, rw);
  properties[PROP_CAPACITY] = g_param_spec_int ("capacity", NULL, NULL, 0, G_MAXINT, 0, rw);
  properties[PROP_LOAD] = g_param_spec_int ("load", NULL, NULL, 0, G_MAXINT, 0, rw);
  properties[PROP_OLDEST_WAITING_SINCE] = g_param_spec_int64 ("oldest-waiting-since", NULL, NULL,
                                                              0, G_MAXINT64, 0, rw);
  properties[PROP_OLDEST_WAITING_TICKET_ID] = g_param_spec_int64 ("oldest-waiting-ticket-id",
                                                                  NULL, NULL,
                                                                  0, G_MAXINT64, 0, rw);
  properties[PROP_AT_RISK] = g_param_spec_int ("at-risk", NULL, NULL, 0, G_MAXINT, 0, rw);
  properties[PROP_BREACHED] = g_param_spec_int ("breached", NULL, NULL, 0, G_MAXINT, 0, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dw_agent_status_init (DwAgentStatus *self)
{
}

DwAgentStatus *
dw_agent_status_new_from_json (JsonObject  *object,
                               GError     **error)
{
  g_autoptr(DwJsonParsed) parsed = NULL;
  g_autoptr(DwAgentStatus) self = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  /* Created first: parsing needs the class's property specs. */
  self = g_object_new (DW_TYPE_AGENT_STATUS, NULL);
  parsed = dw_json_schema_parse (&schema, object, FALSE, error);
  if (parsed == NULL)
    return NULL;
  dw_json_parsed_store (parsed, G_OBJECT (self));
  return g_steal_pointer (&self);
}

gboolean
dw_agent_status_update_from_json (DwAgentStatus  *self,
                                  JsonObject     *object,
                                  GError        **error)
{
  g_autoptr(DwJsonParsed) parsed = NULL;
  gint64 id;

  g_return_val_if_fail (DW_IS_AGENT_STATUS (self), FALSE);
  g_return_val_if_fail (object != NULL, FALSE);

  /* Not partial: the service always sends the whole item, and a null oldest waiting must
   * clear the one held. */
  parsed = dw_json_schema_parse (&schema, object, FALSE, error);
  if (parsed == NULL)
    return FALSE;
  if (dw_json_parsed_get_int64 (parsed, PROP_USER_ID, &id) && id != self->user_id)
    {
      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_MISMATCH,
                   "user_id: %" G_GINT64_FORMAT " is not agent %" G_GINT64_FORMAT,
                   id, self->user_id);
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  dw_json_parsed_apply (parsed, G_OBJECT (self));
  /* Absent nullable members read as "nothing waiting", as null does. */
  if (!json_object_has_member (object, "oldest_waiting_since") && self->oldest_waiting_since != 0)
    g_object_set (self, "oldest-waiting-since", (gint64) 0, NULL);
  if (!json_object_has_member (object, "oldest_waiting_ticket_id")
      && self->oldest_waiting_ticket_id != 0)
    g_object_set (self, "oldest-waiting-ticket-id", (gint64) 0, NULL);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

gint64
dw_agent_status_get_user_id (DwAgentStatus *self)
{
  g_return_val_if_fail (DW_IS_AGENT_STATUS (self), 0);
  return self->user_id;
}

const char *
dw_agent_status_get_display_name (DwAgentStatus *self)
{
  g_return_val_if_fail (DW_IS_AGENT_STATUS (self), NULL);
  return self->display_name != NULL ? self->display_name : "";
}

DwPresence
dw_agent_status_get_presence (DwAgentStatus *self)
{
  g_return_val_if_fail (DW_IS_AGENT_STATUS (self), DW_PRESENCE_OFFLINE);
  return self->presence;
}

gint64
dw_agent_status_get_presence_since (DwAgentStatus *self)
{
  g_return_val_if_fail (DW_IS_AGENT_STATUS (self), 0);
  return self->presence_since;
}

int
dw_agent_status_get_capacity (DwAgentStatus *self)
{
  g_return_val_if_fail (DW_IS_AGENT_STATUS (self), 0);
  return self->capacity;
}

int
dw_agent_status_get_load (DwAgentStatus *self)
{
  g_return_val_if_fail (DW_IS_AGENT_STATUS (self), 0);
  return self->load;
}

gint64
dw_agent_status_get_oldest_waiting_since (DwAgentStatus *self)
{
  g_return_val_if_fail (DW_IS_AGENT_STATUS (self), 0);
  return self->oldest_waiting_since;
}

gint64
dw_agent_status_get_oldest_waiting_ticket_id (DwAgentStatus *self)
{
  g_return_val_if_fail (DW_IS_AGENT_STATUS (self), 0);
  return self->oldest_waiting_ticket_id;
}

int
dw_agent_status_get_at_risk (DwAgentStatus *self)
{
  g_return_val_if_fail (DW_IS_AGENT_STATUS (self), 0);
  return self->at_risk;
}

int
dw_agent_status_get_breached (DwAgentStatus *self)
{
  g_return_val_if_fail (DW_IS_AGENT_STATUS (self), 0);
  return self->breached;
}

gboolean
dw_agent_status_store_apply (GListStore  *store,
                             JsonNode    *items,
                             guint       *n_skipped,
                             GError     **error)
{
  g_autoptr(GHashTable) wanted = NULL;   /* user id → its JSON object */
  g_autoptr(GHashTable) held = NULL;     /* user ids in the store */
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *array;
  guint skipped = 0;
  guint n;

  g_return_val_if_fail (G_IS_LIST_STORE (store), FALSE);

  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items))
    {
      g_set_error_literal (error, DW_JSON_ERROR, DW_JSON_ERROR_TYPE, "items: not an array");
      return FALSE;
    }
  array = json_node_get_array (items);
  wanted = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  held = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (object == NULL || json_object_get_int_member_with_default (object, "user_id", 0) <= 0)
        {
          skipped++;
          continue;
        }
      g_hash_table_insert (wanted,
                           g_memdup2 (&(gint64) { json_object_get_int_member (object, "user_id") },
                                      sizeof (gint64)),
                           object);
    }

  /* Gone or unreadable agents leave; the others are updated where they are. */
  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(DwAgentStatus) agent = g_list_model_get_item (G_LIST_MODEL (store), i - 1);
      gint64 id = agent->user_id;
      JsonObject *object = g_hash_table_lookup (wanted, &id);

      if (object == NULL || !dw_agent_status_update_from_json (agent, object, NULL))
        {
          if (object != NULL)
            skipped++;
          g_list_store_remove (store, i - 1);
          continue;
        }
      g_hash_table_add (held, &agent->user_id);
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      gint64 id;
      g_autoptr(DwAgentStatus) agent = NULL;

      if (object == NULL)
        continue;
      id = json_object_get_int_member_with_default (object, "user_id", 0);
      if (id <= 0 || g_hash_table_contains (held, &id))
        continue;
      agent = dw_agent_status_new_from_json (object, NULL);
      if (agent == NULL)
        {
          skipped++;
          continue;
        }
      g_ptr_array_add (added, g_steal_pointer (&agent));
    }
  /* In one change: each append made every view above (a sort model, a column view, a list)
   * place the row and bind it again, 200 times for a 200-agent team. */
  if (added->len > 0)
    g_list_store_splice (store, g_list_model_get_n_items (G_LIST_MODEL (store)), 0,
                         added->pdata, added->len);

  if (n_skipped != NULL)
    *n_skipped = skipped;
  return TRUE;
}

static int
presence_rank (int presence)
{
  switch (presence)
    {
    case DW_PRESENCE_ONLINE:
      return 0;
    case DW_PRESENCE_AWAY:
      return 1;
    default:
      return 2;
    }
}

/* load ÷ capacity compared without floating point: a/b < c/d ⇔ a·d < c·b for b, d > 0. */
static int
compare_load (DwAgentStatus *a,
              DwAgentStatus *b)
{
  gint64 ca = a->capacity, cb = b->capacity;
  gint64 la = a->load, lb = b->load;

  /* No capacity: full if it carries anything, empty otherwise. */
  if (ca == 0)
    ca = 1, la = la > 0 ? G_MAXINT : 0;
  if (cb == 0)
    cb = 1, lb = lb > 0 ? G_MAXINT : 0;
  if (la * cb != lb * ca)
    return la * cb < lb * ca ? -1 : 1;
  return a->load != b->load ? (a->load < b->load ? -1 : 1) : 0;
}

int
dw_agent_status_compare (DwAgentStatus  *a,
                         DwAgentStatus  *b,
                         DwAgentSortKey  key)
{
  int r = 0;

  g_return_val_if_fail (DW_IS_AGENT_STATUS (a) && DW_IS_AGENT_STATUS (b), 0);

  switch (key)
    {
    case DW_AGENT_SORT_PRESENCE:
      r = presence_rank (a->presence) - presence_rank (b->presence);
      /* Longest in it first: the earlier since. */
      if (r == 0 && a->presence_since != b->presence_since)
        r = a->presence_since < b->presence_since ? -1 : 1;
      break;
    case DW_AGENT_SORT_LOAD:
      r = compare_load (a, b);
      break;
    case DW_AGENT_SORT_WAITING:
      if ((a->oldest_waiting_since == 0) != (b->oldest_waiting_since == 0))
        r = a->oldest_waiting_since == 0 ? 1 : -1;
      else if (a->oldest_waiting_since != b->oldest_waiting_since)
        r = a->oldest_waiting_since < b->oldest_waiting_since ? -1 : 1;
      break;
    case DW_AGENT_SORT_SLA:
      if (a->breached != b->breached)
        r = a->breached > b->breached ? -1 : 1;
      else if (a->at_risk != b->at_risk)
        r = a->at_risk > b->at_risk ? -1 : 1;
      break;
    case DW_AGENT_SORT_NAME:
    default:
      break;
    }
  if (r == 0)
    r = g_utf8_collate (dw_agent_status_get_display_name (a), dw_agent_status_get_display_name (b));
  if (r == 0 && a->user_id != b->user_id)
    r = a->user_id < b->user_id ? -1 : 1;
  return r;
}

gboolean
dw_agent_status_matches (DwAgentStatus *self,
                         const char    *search,
                         int            presence)
{
  g_return_val_if_fail (DW_IS_AGENT_STATUS (self), FALSE);

  if (presence >= 0 && self->presence != presence)
    return FALSE;
  if (search != NULL && *search != '\0')
    {
      g_autofree char *needle = g_utf8_casefold (search, -1);
      g_autofree char *name = g_utf8_casefold (dw_agent_status_get_display_name (self), -1);

      if (strstr (name, needle) == NULL)
        return FALSE;
    }
  return TRUE;
}
