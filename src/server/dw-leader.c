#define G_LOG_DOMAIN "dw-leader"

#include "config.h"

#include "dw-leader.h"

#include "store/dw-store-instances.h"

/* How often a follower asks for the leadership and a leader checks that it still holds it. */
#define DEFAULT_INTERVAL_MS 1000

struct _DwLeader
{
  GObject   parent_instance;

  DwStore  *store;    /* the service's, not owned */
  DwStore  *session;  /* ours (the lock lives as long as it does); NULL while lost */
  guint     timer_id;
  gboolean  is_leader;
};

G_DEFINE_FINAL_TYPE (DwLeader, dw_leader, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_IS_LEADER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint
interval_ms (void)
{
  const char *value = g_getenv ("DESKWATCH_LEADER_INTERVAL_MS");
  guint64 n;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 50, 60000, &n, NULL))
    return DEFAULT_INTERVAL_MS;
  return (guint) n;
}

static void
set_is_leader (DwLeader *self,
               gboolean  is_leader)
{
  if (self->is_leader == is_leader)
    return;

  self->is_leader = is_leader;
  g_message ("%s", is_leader ? "This instance now leads (SLA alarms, escalations, retention)"
                             : "This instance no longer leads");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_LEADER]);
}

static void
ask (DwLeader *self)
{
  g_autoptr(GError) error = NULL;
  gboolean is_leader = FALSE;

  if (self->session == NULL)
    {
      self->session = dw_store_session_open (self->store, "leader", &error);
      if (self->session == NULL)
        {
          g_debug ("Cannot ask for the leadership: %s", error->message);
          set_is_leader (self, FALSE);
          return;
        }
    }

  if (!dw_store_session_try_lead (self->session, &is_leader, &error))
    {
      /* The session, and any lock it held, is gone: step down now, ask again next round. */
      g_message ("Leadership session lost: %s", error->message);
      g_clear_pointer (&self->session, dw_store_session_close);
      set_is_leader (self, FALSE);
      return;
    }

  set_is_leader (self, is_leader);
}

static gboolean
timer_cb (gpointer data)
{
  ask (DW_LEADER (data));
  return G_SOURCE_CONTINUE;
}

static void
dw_leader_dispose (GObject *object)
{
  DwLeader *self = DW_LEADER (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  /* Closing the session gives the lock back at once: the next instance need not wait. */
  g_clear_pointer (&self->session, dw_store_session_close);

  G_OBJECT_CLASS (dw_leader_parent_class)->dispose (object);
}

static void
dw_leader_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  DwLeader *self = DW_LEADER (object);

  switch (prop_id)
    {
    case PROP_IS_LEADER:
      g_value_set_boolean (value, self->is_leader);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_leader_class_init (DwLeaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dw_leader_dispose;
  object_class->get_property = dw_leader_get_property;

  properties[PROP_IS_LEADER] =
    g_param_spec_boolean ("is-leader", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dw_leader_init (DwLeader *self)
{
}

DwLeader *
dw_leader_new (DwStore *store)
{
  DwLeader *self;

  g_return_val_if_fail (store != NULL, NULL);

  self = g_object_new (DW_TYPE_LEADER, NULL);
  self->store = store;

  if (!dw_store_has_instances (store))
    {
      self->is_leader = TRUE;
      return self;
    }

  ask (self);
  self->timer_id = g_timeout_add (interval_ms (), timer_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->timer_id),
                            "[deskwatchd] leadership");
  return self;
}

gboolean
dw_leader_get_is_leader (DwLeader *self)
{
  g_return_val_if_fail (DW_IS_LEADER (self), FALSE);

  return self->is_leader;
}

void
dw_leader_watch (DwLeader **leader_ptr,
                 gulong    *handler_id,
                 DwLeader  *leader,
                 GCallback  callback,
                 gpointer   data)
{
  g_return_if_fail (leader_ptr != NULL);
  g_return_if_fail (handler_id != NULL);
  g_return_if_fail (DW_IS_LEADER (leader));

  if (*leader_ptr != NULL)
    g_clear_signal_handler (handler_id, *leader_ptr);
  g_set_object (leader_ptr, leader);
  *handler_id = g_signal_connect (leader, "notify::is-leader", callback, data);
}
