#include "dw-ticket.h"
#include "dw-ticket-private.h"

#include "dw-json.h"
#include "dw-sla.h"

struct _DwTicket
{
  GObject     parent_instance;

  /* Ordered so that nothing pads: the 8-byte members, then the 4-byte, then the bytes (a
   * console holds 100k tickets). */
  gint64      id;
  gint64      version;
  char       *subject;
  char       *body;
  char       *business_type;  /* interned */
  char       *order_number;
  char      **tags;           /* interned strings, see dw_json_strv_intern() */
  /* Inline, one allocation (NULL when empty): a ticket has up to four targets, and one
   * allocation per target cost 100k tickets ~25 MiB of the console's memory.  Each is a
   * compact DwSlaTargetInfo (24 bytes; it was 56, then 40: for 100k tickets of three targets
   * the allocation fell from 176 to 128, then to 80 bytes, ~4.6 MiB each time). */
  DwSlaTargetInfo *sla;
  char       *csat_comment;
  /* The ids of other things (a desk's teams, users, customers, policies) in 32 bits
   * (DW_JSON_KIND_ID32), times as unsigned 32-bit Unix seconds (1970 to 2106,
   * DW_JSON_KIND_TIME32), enums as bytes (DW_JSON_KIND_ENUM8): 16 + 20 + 12 bytes, the
   * instance 200 → 152 bytes, its allocation 208 → 160 (~4.6 MiB for 100k tickets).  The
   * getters and properties still give gint64 and enums. */
  guint32     team_id;
  guint32     assignee_id;
  guint32     customer_id;
  guint32     sla_policy_id;
  guint32     created_at;
  guint32     updated_at;
  guint32     first_response_at;
  guint32     solved_at;
  guint32     next_sla_at;
  int         escalation_level;
  int         csat;
  guint       n_sla;
  guint8      channel;        /* DwChannel */
  guint8      priority;       /* DwPriority */
  guint8      status;         /* DwStatus */
  guint8      sla_state;      /* DwSlaState */

  /* The derived properties (next-sla-deadline, waiting-since, is-active) are not cached: they
   * are cheap to compute, and the 20 bytes took the instance from 216 to 200 bytes (its
   * allocation from 224 to 208, ~1.5 MiB for 100k tickets).  A change is told from a
   * non-change by computing them before and after (Derived). */
};

/* The enum-typed members are stored as bytes by dw-json.c (DW_JSON_KIND_ENUM8): their
 * largest values must fit. */
G_STATIC_ASSERT (DW_CHANNEL_EMAIL <= G_MAXUINT8);
G_STATIC_ASSERT (DW_PRIORITY_URGENT <= G_MAXUINT8);
G_STATIC_ASSERT (DW_STATUS_CLOSED <= G_MAXUINT8);
G_STATIC_ASSERT (DW_SLA_STATE_BREACHED <= G_MAXUINT8);

/* A console holds 100k tickets: the instance stays within a 160-byte allocation. */
G_STATIC_ASSERT (sizeof (DwTicket) <= 152);

/* The compact DwSlaTargetInfo: its enums fit in its bytes, and it stays 24 bytes. */
G_STATIC_ASSERT (DW_SLA_N_TARGETS <= G_MAXUINT8);
G_STATIC_ASSERT (DW_SLA_STATE_BREACHED <= G_MAXUINT8);
G_STATIC_ASSERT (sizeof (DwSlaTargetInfo) == 24);

G_DEFINE_FINAL_TYPE (DwTicket, dw_ticket, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (DwSlaTargetInfo, dw_sla_target_info,
                     dw_sla_target_info_copy, dw_sla_target_info_free)

enum {
  PROP_0,
  PROP_ID,
  PROP_SUBJECT,
  PROP_BODY,
  PROP_CHANNEL,
  PROP_BUSINESS_TYPE,
  PROP_PRIORITY,
  PROP_STATUS,
  PROP_TEAM_ID,
  PROP_ASSIGNEE_ID,
  PROP_CUSTOMER_ID,
  PROP_ORDER_NUMBER,
  PROP_TAGS,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_FIRST_RESPONSE_AT,
  PROP_SOLVED_AT,
  PROP_VERSION,
  PROP_ESCALATION_LEVEL,
  PROP_SLA_POLICY_ID,
  PROP_SLA_STATE,
  PROP_NEXT_SLA_AT,
  PROP_SLA,
  PROP_CSAT,
  PROP_CSAT_COMMENT,
  PROP_NEXT_SLA_DEADLINE,
  PROP_WAITING_SINCE,
  PROP_IS_ACTIVE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

#define FIELD(member, prop, kind, flags, field) \
  { member, prop, DW_JSON_KIND_##kind, flags, G_STRUCT_OFFSET (DwTicket, field) }

static const DwJsonField fields[] = {
  FIELD ("id", PROP_ID, INT64, DW_JSON_REQUIRED | DW_JSON_POSITIVE, id),
  FIELD ("subject", PROP_SUBJECT, STRING, DW_JSON_REQUIRED, subject),
  FIELD ("body", PROP_BODY, STRING, 0, body),
  FIELD ("channel", PROP_CHANNEL, ENUM8, DW_JSON_REQUIRED, channel),
  /* The few business types and tags of a desk repeat across its tickets: interned. */
  FIELD ("business_type", PROP_BUSINESS_TYPE, STRING, DW_JSON_NULLABLE | DW_JSON_INTERNED, business_type),
  FIELD ("priority", PROP_PRIORITY, ENUM8, DW_JSON_REQUIRED, priority),
  FIELD ("status", PROP_STATUS, ENUM8, DW_JSON_REQUIRED, status),
  FIELD ("team_id", PROP_TEAM_ID, ID32, DW_JSON_NULLABLE | DW_JSON_POSITIVE, team_id),
  FIELD ("assignee_id", PROP_ASSIGNEE_ID, ID32, DW_JSON_NULLABLE | DW_JSON_POSITIVE, assignee_id),
  FIELD ("customer_id", PROP_CUSTOMER_ID, ID32, DW_JSON_NULLABLE | DW_JSON_POSITIVE, customer_id),
  FIELD ("order_number", PROP_ORDER_NUMBER, STRING, DW_JSON_NULLABLE, order_number),
  FIELD ("tags", PROP_TAGS, STRV, DW_JSON_INTERNED, tags),
  FIELD ("created_at", PROP_CREATED_AT, TIME32, DW_JSON_REQUIRED, created_at),
  FIELD ("updated_at", PROP_UPDATED_AT, TIME32, DW_JSON_REQUIRED, updated_at),
  FIELD ("first_response_at", PROP_FIRST_RESPONSE_AT, TIME32, DW_JSON_NULLABLE, first_response_at),
  FIELD ("solved_at", PROP_SOLVED_AT, TIME32, DW_JSON_NULLABLE, solved_at),
  FIELD ("version", PROP_VERSION, INT64, DW_JSON_REQUIRED | DW_JSON_POSITIVE, version),
  FIELD ("escalation_level", PROP_ESCALATION_LEVEL, INT, 0, escalation_level),
  FIELD ("sla_policy_id", PROP_SLA_POLICY_ID, ID32, DW_JSON_NULLABLE | DW_JSON_POSITIVE, sla_policy_id),
  FIELD ("sla_state", PROP_SLA_STATE, ENUM8, 0, sla_state),
  FIELD ("next_sla_at", PROP_NEXT_SLA_AT, TIME32, DW_JSON_NULLABLE, next_sla_at),
  FIELD ("csat", PROP_CSAT, INT, DW_JSON_NULLABLE | DW_JSON_POSITIVE, csat),
  FIELD ("csat_comment", PROP_CSAT_COMMENT, STRING, DW_JSON_NULLABLE, csat_comment),
};

#undef FIELD

static const DwJsonSchema schema = { fields, G_N_ELEMENTS (fields), properties };

static const char * const empty_strv[] = { NULL };

typedef struct
{
  DwTicketObserver observer;
  gpointer         user_data;
} Observer;

static GArray *observers;  /* Observer, see dw_ticket_add_observer() */

/* ------------------------------------------------------------------------------------------ */
/* DwSlaTargetInfo */

DwSlaTargetInfo *
dw_sla_target_info_new (void)
{
  return g_new0 (DwSlaTargetInfo, 1);
}

DwSlaTargetInfo *
dw_sla_target_info_copy (const DwSlaTargetInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);

  return g_memdup2 (info, sizeof *info);
}

void
dw_sla_target_info_free (DwSlaTargetInfo *info)
{
  g_free (info);
}

gboolean
dw_sla_target_info_equal (const DwSlaTargetInfo *a,
                          const DwSlaTargetInfo *b)
{
  return a->target == b->target &&
         a->state == b->state &&
         a->target_minutes == b->target_minutes &&
         a->elapsed_seconds == b->elapsed_seconds &&
         a->at_risk_at == b->at_risk_at &&
         a->due_at == b->due_at &&
         a->met_at == b->met_at &&
         a->paused_reason == b->paused_reason;
}

DwBreach
dw_sla_breach_of_targets (DwStatus               status,
                          const DwSlaTargetInfo *targets,
                          guint                  n_targets)
{
  DwBreach breach = DW_BREACH_NONE;

  g_return_val_if_fail (targets != NULL || n_targets == 0, DW_BREACH_NONE);

  for (guint i = 0; i < n_targets; i++)
    {
      const DwSlaTargetInfo *info = &targets[i];

      if (info->state != DW_SLA_STATE_BREACHED)
        continue;
      /* Solving or closing settles every target, whatever met_at says. */
      if (info->met_at == 0 && dw_status_is_active (status))
        return DW_BREACH_RUNNING;
      breach = DW_BREACH_SETTLED;
    }

  return breach;
}

gboolean
dw_sla_target_info_is_running (const DwSlaTargetInfo *info)
{
  g_return_val_if_fail (info != NULL, FALSE);

  return (info->state == DW_SLA_STATE_OK ||
          info->state == DW_SLA_STATE_AT_RISK ||
          info->state == DW_SLA_STATE_BREACHED) &&
         info->met_at == 0 && info->due_at != 0;
}

DwSlaTargetInfo *
dw_sla_target_info_new_from_json (JsonObject  *object,
                                  GError     **error)
{
  g_autoptr(DwSlaTargetInfo) info = dw_sla_target_info_new ();
  g_autofree char *paused_reason = NULL;
  int target = 0, state = 0, reason;
  gint64 elapsed = 0, at_risk_at = 0, due_at = 0, met_at = 0;

  g_return_val_if_fail (object != NULL, NULL);

  if (!dw_json_get_enum (object, "target", DW_TYPE_SLA_TARGET, DW_JSON_REQUIRED, &target, error) ||
      !dw_json_get_enum (object, "state", DW_TYPE_SLA_STATE, DW_JSON_REQUIRED, &state, error) ||
      !dw_json_get_int (object, "target_minutes", DW_JSON_REQUIRED | DW_JSON_POSITIVE,
                        &info->target_minutes, error) ||
      !dw_json_get_int64 (object, "elapsed_seconds", 0, &elapsed, error) ||
      !dw_json_get_time (object, "at_risk_at", DW_JSON_NULLABLE, &at_risk_at, error) ||
      !dw_json_get_time (object, "due_at", DW_JSON_NULLABLE, &due_at, error) ||
      !dw_json_get_time (object, "met_at", DW_JSON_NULLABLE, &met_at, error) ||
      !dw_json_get_string (object, "paused_reason", DW_JSON_NULLABLE, &paused_reason, error))
    return NULL;

  if (elapsed < 0)
    {
      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE,
                   "elapsed_seconds: %" G_GINT64_FORMAT " is negative", elapsed);
      return NULL;
    }
  if (!dw_sla_target_info_set_times (info, elapsed, at_risk_at, due_at, met_at))
    {
      /* Named as the ticket's own times are (DW_JSON_KIND_TIME32). */
      const char *names[] = { "elapsed_seconds", "at_risk_at", "due_at", "met_at" };
      const gint64 values[] = { elapsed, at_risk_at, due_at, met_at };
      guint i = 0;

      while (i < G_N_ELEMENTS (values) - 1 && values[i] <= DW_SLA_TARGET_INFO_MAX_TIME)
        i++;
      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE,
                   "%s: %" G_GINT64_FORMAT " is out of range (1970 to 2106)", names[i], values[i]);
      return NULL;
    }

  reason = dw_sla_pause_reason_from_string (paused_reason);
  if (reason < 0)
    {
      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE,
                   "paused_reason: \"%s\" is not one of pending, outside-hours",
                   paused_reason);
      return NULL;
    }

  info->target = target;
  info->state = state;
  info->paused_reason = reason;
  return g_steal_pointer (&info);
}

gboolean
dw_sla_target_info_set_times (DwSlaTargetInfo *info,
                              gint64           elapsed_seconds,
                              gint64           at_risk_at,
                              gint64           due_at,
                              gint64           met_at)
{
  const gint64 values[] = { elapsed_seconds, at_risk_at, due_at, met_at };

  g_return_val_if_fail (info != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    if (values[i] < 0 || values[i] > DW_SLA_TARGET_INFO_MAX_TIME)
      return FALSE;

  info->elapsed_seconds = elapsed_seconds;
  info->at_risk_at = at_risk_at;
  info->due_at = due_at;
  info->met_at = met_at;
  return TRUE;
}

JsonObject *
dw_sla_target_info_to_json (const DwSlaTargetInfo *info)
{
  JsonObject *object = json_object_new ();

  dw_json_set_enum (object, "target", DW_TYPE_SLA_TARGET, info->target);
  dw_json_set_enum (object, "state", DW_TYPE_SLA_STATE, info->state);
  json_object_set_int_member (object, "target_minutes", info->target_minutes);
  json_object_set_int_member (object, "elapsed_seconds", info->elapsed_seconds);
  dw_json_set_time_or_null (object, "at_risk_at", info->at_risk_at);
  dw_json_set_time_or_null (object, "due_at", info->due_at);
  dw_json_set_time_or_null (object, "met_at", info->met_at);
  dw_json_set_string_or_null (object, "paused_reason",
                              dw_sla_target_info_get_paused_reason (info));
  return object;
}

const char *
dw_sla_target_info_get_paused_reason (const DwSlaTargetInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);

  return dw_sla_pause_reason_to_string (info->paused_reason);
}

/* ------------------------------------------------------------------------------------------ */
/* Helpers */

static GPtrArray *
sla_array_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) dw_sla_target_info_free);
}

static gboolean
sla_equal (const DwSlaTargetInfo *a,
           guint                  n_a,
           const DwSlaTargetInfo *b,
           guint                  n_b)
{
  if (n_a != n_b)
    return FALSE;

  for (guint i = 0; i < n_a; i++)
    {
      if (!dw_sla_target_info_equal (&a[i], &b[i]))
        return FALSE;
    }
  return TRUE;
}

/* Copies @targets into the ticket's inline array; TRUE when it changed. */
static gboolean
set_sla (DwTicket              *self,
         const DwSlaTargetInfo *targets,
         guint                  n_targets)
{
  DwSlaTargetInfo *copy = NULL;

  if (sla_equal (self->sla, self->n_sla, targets, n_targets))
    return FALSE;

  if (n_targets > 0)
    copy = g_memdup2 (targets, n_targets * sizeof *targets);
  g_free (self->sla);
  self->sla = copy;
  self->n_sla = n_targets;
  return TRUE;
}

/* The ticket's targets as a new GPtrArray of copies (the "sla" property). */
static GPtrArray *
sla_to_ptr_array (DwTicket *self)
{
  GPtrArray *sla = g_ptr_array_new_full (self->n_sla, (GDestroyNotify) dw_sla_target_info_free);

  for (guint i = 0; i < self->n_sla; i++)
    g_ptr_array_add (sla, dw_sla_target_info_copy (&self->sla[i]));
  return sla;
}

/* Reads the "sla" member if present; *out stays NULL when it is absent. */
static gboolean
parse_sla (JsonObject  *object,
           GPtrArray  **out,
           GError     **error)
{
  JsonArray *array = NULL;
  g_autoptr(GPtrArray) sla = NULL;
  guint n;

  *out = NULL;
  if (!dw_json_get_array (object, "sla", DW_JSON_NULLABLE, &array, error))
    return FALSE;
  if (!json_object_has_member (object, "sla"))
    return TRUE;

  sla = sla_array_new ();
  n = array != NULL ? json_array_get_length (array) : 0;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      DwSlaTargetInfo *info;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_TYPE,
                       "sla[%u]: expected an object, got %s", i, dw_json_node_describe (node));
          return FALSE;
        }

      info = dw_sla_target_info_new_from_json (json_node_get_object (node), error);
      if (info == NULL)
        {
          dw_json_prefix_error (error, "sla[%u].", i);
          return FALSE;
        }
      g_ptr_array_add (sla, info);
    }

  *out = g_steal_pointer (&sla);
  return TRUE;
}

/* @sla (of DwSlaTargetInfo *, NULL for none) is borrowed; TRUE when it differs from the
 * current targets. */
static gboolean
store_sla (DwTicket  *self,
           GPtrArray *sla)
{
  g_autofree DwSlaTargetInfo *flat = NULL;
  guint n = sla != NULL ? sla->len : 0;

  flat = g_new (DwSlaTargetInfo, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    flat[i] = *(const DwSlaTargetInfo *) g_ptr_array_index (sla, i);
  return set_sla (self, flat, n);
}

/* The derived properties' values at one moment. */
typedef struct
{
  gint64   next_sla_deadline;
  gint64   waiting_since;
  gboolean is_active;
} Derived;

static gint64
compute_next_sla_deadline (DwTicket *self)
{
  gint64 earliest = 0;

  for (guint i = 0; i < self->n_sla; i++)
    {
      const DwSlaTargetInfo *info = &self->sla[i];

      if (dw_sla_target_info_is_running (info) && (earliest == 0 || info->due_at < earliest))
        earliest = info->due_at;
    }
  return earliest;
}

static gint64
compute_waiting_since (DwTicket *self)
{
  /* Pending and on-hold tickets wait on someone else, not on the desk. */
  switch (self->status)
    {
    case DW_STATUS_NEW:
    case DW_STATUS_OPEN:
      return self->created_at;
    case DW_STATUS_PENDING:
    case DW_STATUS_ON_HOLD:
    case DW_STATUS_SOLVED:
    case DW_STATUS_CLOSED:
    default:
      return 0;
    }
}

static Derived
derived_of (DwTicket *self)
{
  Derived derived;

  derived.next_sla_deadline = compute_next_sla_deadline (self);
  derived.waiting_since = compute_waiting_since (self);
  derived.is_active = dw_status_is_active (self->status);
  return derived;
}

/* Notifies the derived properties whose value differs from @before's. */
static void
notify_derived (DwTicket      *self,
                const Derived *before)
{
  Derived now = derived_of (self);

  if (now.next_sla_deadline != before->next_sla_deadline)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_SLA_DEADLINE]);
  if (now.waiting_since != before->waiting_since)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING_SINCE]);
  if (now.is_active != before->is_active)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_ACTIVE]);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject */

static void
dw_ticket_finalize (GObject *object)
{
  DwTicket *self = (DwTicket *)object;

  dw_json_schema_clear (&schema, object);
  g_clear_pointer (&self->sla, g_free);

  G_OBJECT_CLASS (dw_ticket_parent_class)->finalize (object);
}

static void
dw_ticket_dispatch_properties_changed (GObject     *object,
                                       guint        n_pspecs,
                                       GParamSpec **pspecs)
{
  /* By index, not over a copy: an observer may remove itself or another while told (a watch
   * disposed), and one removed must not be told. */
  for (guint i = 0; observers != NULL && i < observers->len;)
    {
      Observer o = g_array_index (observers, Observer, i);

      o.observer (DW_TICKET (object), n_pspecs, pspecs, o.user_data);
      /* One that removed itself left its place to the next. */
      if (i < observers->len && g_array_index (observers, Observer, i).observer == o.observer
          && g_array_index (observers, Observer, i).user_data == o.user_data)
        i++;
    }

  G_OBJECT_CLASS (dw_ticket_parent_class)->dispatch_properties_changed (object, n_pspecs, pspecs);
}

static void
dw_ticket_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  DwTicket *self = DW_TICKET (object);

  if (dw_json_schema_get_property (&schema, object, prop_id, value))
    return;

  switch (prop_id)
    {
    case PROP_SLA:
      g_value_take_boxed (value, sla_to_ptr_array (self));
      break;

    case PROP_NEXT_SLA_DEADLINE:
      g_value_set_int64 (value, compute_next_sla_deadline (self));
      break;

    case PROP_WAITING_SINCE:
      g_value_set_int64 (value, compute_waiting_since (self));
      break;

    case PROP_IS_ACTIVE:
      g_value_set_boolean (value, dw_status_is_active (self->status));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_ticket_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  DwTicket *self = DW_TICKET (object);
  Derived before = derived_of (self);

  if (dw_json_schema_set_property (&schema, object, prop_id, value))
    {
      notify_derived (self, &before);
      return;
    }

  switch (prop_id)
    {
    case PROP_SLA:
      if (store_sla (self, g_value_get_boxed (value)))
        {
          g_object_notify_by_pspec (object, pspec);
          notify_derived (self, &before);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
id_pspec (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL, 0, G_MAXINT64, 0,
                             G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
}

static GParamSpec *
string_pspec (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
}

static GParamSpec *
enum_pspec (const char *name,
            GType       type,
            int         default_value)
{
  return g_param_spec_enum (name, NULL, NULL, type, default_value,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
}

static void
dw_ticket_class_init (DwTicketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = dw_ticket_finalize;
  object_class->get_property = dw_ticket_get_property;
  object_class->set_property = dw_ticket_set_property;
  object_class->dispatch_properties_changed = dw_ticket_dispatch_properties_changed;

  /* Times are Unix seconds and ids positive, 0 standing for null in both. */
  properties[PROP_ID] = id_pspec ("id");
  properties[PROP_SUBJECT] = string_pspec ("subject");
  properties[PROP_BODY] = string_pspec ("body");
  properties[PROP_CHANNEL] = enum_pspec ("channel", DW_TYPE_CHANNEL, DW_CHANNEL_WEB);
  properties[PROP_BUSINESS_TYPE] = string_pspec ("business-type");
  properties[PROP_PRIORITY] = enum_pspec ("priority", DW_TYPE_PRIORITY, DW_PRIORITY_NORMAL);
  properties[PROP_STATUS] = enum_pspec ("status", DW_TYPE_STATUS, DW_STATUS_NEW);
  properties[PROP_TEAM_ID] = id_pspec ("team-id");
  properties[PROP_ASSIGNEE_ID] = id_pspec ("assignee-id");
  properties[PROP_CUSTOMER_ID] = id_pspec ("customer-id");
  properties[PROP_ORDER_NUMBER] = string_pspec ("order-number");
  properties[PROP_TAGS] = g_param_spec_boxed ("tags", NULL, NULL, G_TYPE_STRV, rw);
  properties[PROP_CREATED_AT] = id_pspec ("created-at");
  properties[PROP_UPDATED_AT] = id_pspec ("updated-at");
  properties[PROP_FIRST_RESPONSE_AT] = id_pspec ("first-response-at");
  properties[PROP_SOLVED_AT] = id_pspec ("solved-at");
  properties[PROP_VERSION] = id_pspec ("version");
  properties[PROP_ESCALATION_LEVEL] = g_param_spec_int ("escalation-level", NULL, NULL,
                                                        0, G_MAXINT, 0, rw);
  properties[PROP_SLA_POLICY_ID] = id_pspec ("sla-policy-id");
  properties[PROP_SLA_STATE] = enum_pspec ("sla-state", DW_TYPE_SLA_STATE, DW_SLA_STATE_NONE);
  properties[PROP_NEXT_SLA_AT] = id_pspec ("next-sla-at");
  /* A GPtrArray of DwSlaTargetInfo, replaced as a whole; reading it gives a new copy. */
  properties[PROP_SLA] = g_param_spec_boxed ("sla", NULL, NULL, G_TYPE_PTR_ARRAY, rw);
  properties[PROP_CSAT] = g_param_spec_int ("csat", NULL, NULL, 0, 5, 0, rw);
  properties[PROP_CSAT_COMMENT] = string_pspec ("csat-comment");
  properties[PROP_NEXT_SLA_DEADLINE] = g_param_spec_int64 ("next-sla-deadline", NULL, NULL,
                                                           0, G_MAXINT64, 0, ro);
  properties[PROP_WAITING_SINCE] = g_param_spec_int64 ("waiting-since", NULL, NULL,
                                                       0, G_MAXINT64, 0, ro);
  properties[PROP_IS_ACTIVE] = g_param_spec_boolean ("is-active", NULL, NULL, TRUE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dw_ticket_init (DwTicket *self)
{
  self->priority = DW_PRIORITY_NORMAL;
  self->status = DW_STATUS_NEW;
  self->tags = dw_json_strv_intern (NULL, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API */

DwTicket *
dw_ticket_new_from_json (JsonObject  *object,
                         GError     **error)
{
  g_autoptr(DwTicket) self = NULL;
  g_autoptr(DwJsonParsed) parsed = NULL;
  g_autoptr(GPtrArray) sla = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  /* Created first: parsing needs the class's property specs. */
  self = g_object_new (DW_TYPE_TICKET, NULL);

  parsed = dw_json_schema_parse (&schema, object, FALSE, error);
  if (parsed == NULL || !parse_sla (object, &sla, error))
    return NULL;

  dw_json_parsed_store (parsed, G_OBJECT (self));
  store_sla (self, sla);
  return g_steal_pointer (&self);
}

JsonObject *
dw_ticket_to_json (DwTicket *self)
{
  JsonObject *object;
  JsonArray *sla;

  g_return_val_if_fail (DW_IS_TICKET (self), NULL);

  object = json_object_new ();
  dw_json_schema_write (&schema, G_OBJECT (self), object);

  sla = json_array_sized_new (self->n_sla);
  for (guint i = 0; i < self->n_sla; i++)
    json_array_add_object_element (sla, dw_sla_target_info_to_json (&self->sla[i]));
  json_object_set_array_member (object, "sla", sla);

  return object;
}

gboolean
dw_ticket_update_from_json (DwTicket    *self,
                            JsonObject  *object,
                            GError     **error)
{
  g_autoptr(DwJsonParsed) parsed = NULL;
  g_autoptr(GPtrArray) sla = NULL;
  Derived before;
  gint64 id;

  g_return_val_if_fail (DW_IS_TICKET (self), FALSE);
  g_return_val_if_fail (object != NULL, FALSE);

  parsed = dw_json_schema_parse (&schema, object, TRUE, error);
  if (parsed == NULL)
    return FALSE;

  if (dw_json_parsed_get_int64 (parsed, PROP_ID, &id) && self->id != 0 && id != self->id)
    {
      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_MISMATCH,
                   "id: %" G_GINT64_FORMAT " is not ticket %" G_GINT64_FORMAT, id, self->id);
      return FALSE;
    }

  if (!parse_sla (object, &sla, error))
    return FALSE;

  /* Handlers see the ticket only once every change is in. */
  before = derived_of (self);
  g_object_freeze_notify (G_OBJECT (self));
  dw_json_parsed_apply (parsed, G_OBJECT (self));
  if (sla != NULL && store_sla (self, sla))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SLA]);
  notify_derived (self, &before);
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

gint64
dw_ticket_get_id (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return self->id;
}

const char *
dw_ticket_get_subject (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), NULL);
  return self->subject;
}

const char *
dw_ticket_get_body (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), NULL);
  return self->body != NULL ? self->body : "";
}

gboolean
dw_ticket_get_body_loaded (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), FALSE);
  return self->body != NULL;
}

DwChannel
dw_ticket_get_channel (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return self->channel;
}

const char *
dw_ticket_get_business_type (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), NULL);
  return self->business_type;
}

DwPriority
dw_ticket_get_priority (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return self->priority;
}

DwStatus
dw_ticket_get_status (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return self->status;
}

gint64
dw_ticket_get_team_id (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return self->team_id;
}

gint64
dw_ticket_get_assignee_id (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return self->assignee_id;
}

gint64
dw_ticket_get_customer_id (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return self->customer_id;
}

const char *
dw_ticket_get_order_number (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), NULL);
  return self->order_number;
}

const char * const *
dw_ticket_get_tags (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), empty_strv);
  return self->tags != NULL ? (const char * const *) self->tags : empty_strv;
}

gboolean
dw_ticket_has_tag (DwTicket   *self,
                   const char *tag)
{
  g_return_val_if_fail (DW_IS_TICKET (self), FALSE);
  g_return_val_if_fail (tag != NULL, FALSE);
  return g_strv_contains (dw_ticket_get_tags (self), tag);
}

gint64
dw_ticket_get_created_at (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return self->created_at;
}

gint64
dw_ticket_get_updated_at (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return self->updated_at;
}

gint64
dw_ticket_get_first_response_at (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return self->first_response_at;
}

gint64
dw_ticket_get_solved_at (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return self->solved_at;
}

gint64
dw_ticket_get_version (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return self->version;
}

int
dw_ticket_get_escalation_level (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return self->escalation_level;
}

gint64
dw_ticket_get_sla_policy_id (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return self->sla_policy_id;
}

DwSlaState
dw_ticket_get_sla_state (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return self->sla_state;
}

gint64
dw_ticket_get_next_sla_at (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return self->next_sla_at;
}

const DwSlaTargetInfo *
dw_ticket_get_sla (DwTicket *self,
                   guint    *n_targets)
{
  g_return_val_if_fail (DW_IS_TICKET (self), NULL);
  g_return_val_if_fail (n_targets != NULL, NULL);

  *n_targets = self->n_sla;
  return self->sla;
}

const DwSlaTargetInfo *
dw_ticket_get_sla_target (DwTicket    *self,
                          DwSlaTarget  target)
{
  g_return_val_if_fail (DW_IS_TICKET (self), NULL);

  for (guint i = 0; i < self->n_sla; i++)
    {
      const DwSlaTargetInfo *info = &self->sla[i];

      if (info->target == target)
        return info;
    }
  return NULL;
}

int
dw_ticket_get_csat (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return self->csat;
}

const char *
dw_ticket_get_csat_comment (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), NULL);
  return self->csat_comment;
}

gint64
dw_ticket_get_next_sla_deadline (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return compute_next_sla_deadline (self);
}

gint64
dw_ticket_get_waiting_since (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), 0);
  return compute_waiting_since (self);
}

DwBreach
dw_ticket_get_breach (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), DW_BREACH_NONE);

  return dw_sla_breach_of_targets (self->status, self->sla, self->n_sla);
}

DwSlaState
dw_ticket_get_live_sla_state (DwTicket *self)
{
  DwSlaState worst = DW_SLA_STATE_NONE;
  gboolean active;

  g_return_val_if_fail (DW_IS_TICKET (self), DW_SLA_STATE_NONE);

  if (self->n_sla == 0)
    return self->sla_state;

  active = dw_status_is_active (self->status);
  for (guint i = 0; i < self->n_sla; i++)
    {
      const DwSlaTargetInfo *info = &self->sla[i];
      DwSlaState state = info->state;

      if (state == DW_SLA_STATE_BREACHED && (info->met_at != 0 || !active))
        state = DW_SLA_STATE_MET;
      worst = MAX (worst, state);
    }

  return worst;
}

gboolean
dw_ticket_is_active (DwTicket *self)
{
  g_return_val_if_fail (DW_IS_TICKET (self), FALSE);
  return dw_status_is_active (self->status);
}

void
dw_ticket_set_assignee_id (DwTicket *self,
                           gint64    assignee_id)
{
  g_return_if_fail (DW_IS_TICKET (self));
  g_object_set (self, "assignee-id", assignee_id, NULL);
}

void
dw_ticket_set_team_id (DwTicket *self,
                       gint64    team_id)
{
  g_return_if_fail (DW_IS_TICKET (self));
  g_object_set (self, "team-id", team_id, NULL);
}

void
dw_ticket_set_priority (DwTicket   *self,
                        DwPriority  priority)
{
  g_return_if_fail (DW_IS_TICKET (self));
  g_object_set (self, "priority", priority, NULL);
}

void
dw_ticket_set_status (DwTicket *self,
                      DwStatus  status)
{
  g_return_if_fail (DW_IS_TICKET (self));
  g_object_set (self, "status", status, NULL);
}

void
dw_ticket_set_escalation_level (DwTicket *self,
                                int       level)
{
  g_return_if_fail (DW_IS_TICKET (self));
  g_object_set (self, "escalation-level", level, NULL);
}

DwTicket *
dw_ticket_new_from_fields (const DwTicketFields *values)
{
  DwTicket *self;

  g_return_val_if_fail (values != NULL, NULL);
  g_return_val_if_fail (values->subject != NULL, NULL);

  self = g_object_new (DW_TYPE_TICKET, NULL);
  self->id = values->id;
  self->subject = g_strdup (values->subject);
  self->body = g_strdup (values->body);
  self->channel = values->channel;
  self->business_type = (char *) g_intern_string (values->business_type);
  self->priority = values->priority;
  self->status = values->status;
  self->team_id = values->team_id;
  self->assignee_id = values->assignee_id;
  self->customer_id = values->customer_id;
  self->order_number = g_strdup (values->order_number);
  dw_json_strv_intern_free (self->tags);
  self->tags = dw_json_strv_intern (values->tags, values->n_tags);
  self->created_at = values->created_at;
  self->updated_at = values->updated_at;
  self->first_response_at = values->first_response_at;
  self->solved_at = values->solved_at;
  self->version = values->version;
  self->escalation_level = values->escalation_level;
  self->sla_policy_id = values->sla_policy_id;
  self->sla_state = values->sla_state;
  self->next_sla_at = values->next_sla_at;
  set_sla (self, values->sla, values->n_sla);
  self->csat = values->csat;
  self->csat_comment = g_strdup (values->csat_comment);

  return self;
}

void
dw_ticket_add_observer (DwTicketObserver observer,
                        gpointer         user_data)
{
  Observer o = { observer, user_data };

  g_return_if_fail (observer != NULL);

  if (observers == NULL)
    observers = g_array_new (FALSE, FALSE, sizeof (Observer));
  g_array_append_val (observers, o);
}

void
dw_ticket_remove_observer (DwTicketObserver observer,
                           gpointer         user_data)
{
  for (guint i = 0; observers != NULL && i < observers->len; i++)
    {
      Observer *o = &g_array_index (observers, Observer, i);

      if (o->observer == observer && o->user_data == user_data)
        {
          g_array_remove_index (observers, i);
          return;
        }
    }
  g_return_if_reached ();
}

gboolean
dw_ticket_update_from_ticket (DwTicket  *self,
                              DwTicket  *other,
                              GError   **error)
{
  Derived before;

  g_return_val_if_fail (DW_IS_TICKET (self), FALSE);
  g_return_val_if_fail (DW_IS_TICKET (other), FALSE);

  if (self->id != 0 && other->id != self->id)
    {
      g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_MISMATCH,
                   "id: %" G_GINT64_FORMAT " is not ticket %" G_GINT64_FORMAT, other->id, self->id);
      return FALSE;
    }

  /* Member by member, as dw_ticket_update_from_json() would from other's JSON, without making
   * and reading that JSON: a resync of 100k tickets does this for each, on the main thread. */
  before = derived_of (self);
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const DwJsonField *field = &fields[i];
      gpointer mine = G_STRUCT_MEMBER_P (self, field->offset);
      gpointer theirs = G_STRUCT_MEMBER_P (other, field->offset);
      gboolean changed = FALSE;

      switch (field->kind)
        {
        case DW_JSON_KIND_STRING:
          /* A body not loaded (a compact snapshot's) is unknown, not empty: one the ticket
           * pane fetched stays. */
          if (field->prop_id == PROP_BODY && *(char **) theirs == NULL)
            break;
          if ((changed = g_strcmp0 (*(char **) mine, *(char **) theirs) != 0))
            {
              if (field->flags & DW_JSON_INTERNED)
                {
                  *(char **) mine = *(char **) theirs;
                  break;
                }
              g_free (*(char **) mine);
              *(char **) mine = g_strdup (*(char **) theirs);
            }
          break;

        case DW_JSON_KIND_STRV:
          {
            char ***strv = mine;
            char **their_strv = *(char ***) theirs;

            if ((changed = !g_strv_equal (*strv != NULL ? (const char * const *) *strv : empty_strv,
                                          their_strv != NULL ? (const char * const *) their_strv
                                                             : empty_strv)))
              {
                if (field->flags & DW_JSON_INTERNED)
                  {
                    dw_json_strv_intern_free (*strv);
                    *strv = dw_json_strv_intern ((const char * const *) their_strv, -1);
                    break;
                  }
                g_strfreev (*strv);
                *strv = their_strv != NULL ? g_strdupv (their_strv) : g_new0 (char *, 1);
              }
          }
          break;

        case DW_JSON_KIND_INT:
        case DW_JSON_KIND_ENUM:
          if ((changed = *(int *) mine != *(int *) theirs))
            *(int *) mine = *(int *) theirs;
          break;

        case DW_JSON_KIND_INT64:
        case DW_JSON_KIND_TIME:
          if ((changed = *(gint64 *) mine != *(gint64 *) theirs))
            *(gint64 *) mine = *(gint64 *) theirs;
          break;

        case DW_JSON_KIND_TIME32:
        case DW_JSON_KIND_ID32:
          if ((changed = *(guint32 *) mine != *(guint32 *) theirs))
            *(guint32 *) mine = *(guint32 *) theirs;
          break;

        case DW_JSON_KIND_ENUM8:
          if ((changed = *(guint8 *) mine != *(guint8 *) theirs))
            *(guint8 *) mine = *(guint8 *) theirs;
          break;

        case DW_JSON_KIND_BOOLEAN:
        case DW_JSON_KIND_DOUBLE:
        default:
          g_assert_not_reached ();
        }

      if (changed)
        g_object_notify_by_pspec (G_OBJECT (self), properties[field->prop_id]);
    }

  if (set_sla (self, other->sla, other->n_sla))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SLA]);

  notify_derived (self, &before);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}
