/* dw-sla-watch-item.c: one at-risk or breached target of a ticket, with its countdown. */
#include "config.h"

#include "dw-sla-watch-item.h"

struct _DwSlaWatchItem
{
  GObject         parent_instance;

  DwTicket       *ticket;
  DwSlaTarget     target;
  gint64          due_at;
  DwSlaCountdown  countdown;
};

G_DEFINE_FINAL_TYPE (DwSlaWatchItem, dw_sla_watch_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TICKET,
  PROP_TARGET,
  PROP_STATE,
  PROP_DUE_AT,
  PROP_REMAINING,
  PROP_MODE,
  PROP_RESUMES_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GType
dw_sla_countdown_mode_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { DW_SLA_COUNTDOWN_RUNNING, "DW_SLA_COUNTDOWN_RUNNING", "running" },
        { DW_SLA_COUNTDOWN_STOPPED_PENDING, "DW_SLA_COUNTDOWN_STOPPED_PENDING", "pending" },
        { DW_SLA_COUNTDOWN_STOPPED_OUTSIDE_HOURS, "DW_SLA_COUNTDOWN_STOPPED_OUTSIDE_HOURS",
          "outside-hours" },
        { DW_SLA_COUNTDOWN_DONE, "DW_SLA_COUNTDOWN_DONE", "done" },
        { 0, NULL, NULL }
      };
      GType type = g_enum_register_static (g_intern_static_string ("DwSlaCountdownMode"), values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

/* Overrides */

static void
dw_sla_watch_item_dispose (GObject *object)
{
  DwSlaWatchItem *self = DW_SLA_WATCH_ITEM (object);

  g_clear_object (&self->ticket);

  G_OBJECT_CLASS (dw_sla_watch_item_parent_class)->dispose (object);
}

static void
dw_sla_watch_item_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  DwSlaWatchItem *self = DW_SLA_WATCH_ITEM (object);

  switch (prop_id)
    {
    case PROP_TICKET:
      g_value_set_object (value, self->ticket);
      break;
    case PROP_TARGET:
      g_value_set_enum (value, self->target);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->countdown.state);
      break;
    case PROP_DUE_AT:
      g_value_set_int64 (value, self->due_at);
      break;
    case PROP_REMAINING:
      g_value_set_int64 (value, self->countdown.remaining);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->countdown.mode);
      break;
    case PROP_RESUMES_AT:
      g_value_set_int64 (value, self->countdown.resumes_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_sla_watch_item_class_init (DwSlaWatchItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = dw_sla_watch_item_dispose;
  object_class->get_property = dw_sla_watch_item_get_property;

  properties[PROP_TICKET] = g_param_spec_object ("ticket", NULL, NULL, DW_TYPE_TICKET, ro);
  properties[PROP_TARGET] = g_param_spec_enum ("target", NULL, NULL, DW_TYPE_SLA_TARGET,
                                               DW_SLA_TARGET_FIRST_RESPONSE, ro);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, DW_TYPE_SLA_STATE,
                                              DW_SLA_STATE_NONE, ro);
  properties[PROP_DUE_AT] = g_param_spec_int64 ("due-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_REMAINING] = g_param_spec_int64 ("remaining", NULL, NULL, G_MININT64,
                                                   G_MAXINT64, 0, ro);
  properties[PROP_MODE] = g_param_spec_enum ("mode", NULL, NULL, DW_TYPE_SLA_COUNTDOWN_MODE,
                                             DW_SLA_COUNTDOWN_RUNNING, ro);
  properties[PROP_RESUMES_AT] = g_param_spec_int64 ("resumes-at", NULL, NULL, 0, G_MAXINT64, 0,
                                                    ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dw_sla_watch_item_init (DwSlaWatchItem *self)
{
}

/* Public API */

DwSlaWatchItem *
dw_sla_watch_item_new (DwTicket    *ticket,
                       DwSlaTarget  target)
{
  DwSlaWatchItem *self;

  g_return_val_if_fail (DW_IS_TICKET (ticket), NULL);

  self = g_object_new (DW_TYPE_SLA_WATCH_ITEM, NULL);
  self->ticket = g_object_ref (ticket);
  self->target = target;
  return self;
}

gboolean
dw_sla_watch_item_update (DwSlaWatchItem *self,
                          DwCalendar     *calendar,
                          gint64          now)
{
  const DwSlaTargetInfo *info;
  DwSlaCountdown old;
  gint64 old_due_at;

  g_return_val_if_fail (DW_IS_SLA_WATCH_ITEM (self), FALSE);

  info = dw_ticket_get_sla_target (self->ticket, self->target);
  if (info == NULL)
    return FALSE;

  old = self->countdown;
  old_due_at = self->due_at;
  dw_sla_countdown_compute (info, dw_ticket_get_status (self->ticket), calendar, now,
                            &self->countdown);
  self->due_at = info->due_at;

  g_object_freeze_notify (G_OBJECT (self));
  if (old.state != self->countdown.state)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (old_due_at != self->due_at)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DUE_AT]);
  if (old.remaining != self->countdown.remaining)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMAINING]);
  if (old.mode != self->countdown.mode)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
  if (old.resumes_at != self->countdown.resumes_at)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESUMES_AT]);
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

DwTicket *
dw_sla_watch_item_get_ticket (DwSlaWatchItem *self)
{
  g_return_val_if_fail (DW_IS_SLA_WATCH_ITEM (self), NULL);
  return self->ticket;
}

DwSlaTarget
dw_sla_watch_item_get_target (DwSlaWatchItem *self)
{
  g_return_val_if_fail (DW_IS_SLA_WATCH_ITEM (self), 0);
  return self->target;
}

DwSlaState
dw_sla_watch_item_get_state (DwSlaWatchItem *self)
{
  g_return_val_if_fail (DW_IS_SLA_WATCH_ITEM (self), DW_SLA_STATE_NONE);
  return self->countdown.state;
}

gint64
dw_sla_watch_item_get_due_at (DwSlaWatchItem *self)
{
  g_return_val_if_fail (DW_IS_SLA_WATCH_ITEM (self), 0);
  return self->due_at;
}

gint64
dw_sla_watch_item_get_remaining (DwSlaWatchItem *self)
{
  g_return_val_if_fail (DW_IS_SLA_WATCH_ITEM (self), 0);
  return self->countdown.remaining;
}

DwSlaCountdownMode
dw_sla_watch_item_get_mode (DwSlaWatchItem *self)
{
  g_return_val_if_fail (DW_IS_SLA_WATCH_ITEM (self), DW_SLA_COUNTDOWN_DONE);
  return self->countdown.mode;
}

gint64
dw_sla_watch_item_get_resumes_at (DwSlaWatchItem *self)
{
  g_return_val_if_fail (DW_IS_SLA_WATCH_ITEM (self), 0);
  return self->countdown.resumes_at;
}

const DwSlaCountdown *
dw_sla_watch_item_get_countdown (DwSlaWatchItem *self)
{
  g_return_val_if_fail (DW_IS_SLA_WATCH_ITEM (self), NULL);
  return &self->countdown;
}
