/* dw-connection-banner.c: whether the data in the window is live. */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-widget-util.h"
#include "dw-connection-banner.h"

struct _DwConnectionBanner
{
  GtkWidget     parent_instance;

  GtkRevealer  *revealer;
  GtkWidget    *box;
  GtkLabel     *label;
  GtkButton    *button;

  DwSync       *sync;
  GSignalGroup *sync_signals;
  gboolean      asks_sign_in;
};

G_DEFINE_FINAL_TYPE (DwConnectionBanner, dw_connection_banner, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SYNC,
  N_PROPS
};

enum {
  SIGN_IN_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static char *
format_time (gint64 t)
{
  g_autoptr(GDateTime) dt = NULL;

  if (t <= 0)
    return NULL;
  dt = g_date_time_new_from_unix_local (t);
  /* TRANSLATORS: a time of day in the connection banner; see strftime(3). */
  return dt != NULL ? g_date_time_format (dt, _("%H:%M")) : NULL;
}

static void
update (DwConnectionBanner *self)
{
  DwSyncState state = self->sync != NULL ? dw_sync_get_state (self->sync) : DW_SYNC_STATE_CONNECTED;
  g_autofree char *message = NULL;
  g_autofree char *as_of = NULL;
  const char *button = NULL;
  const GError *error = NULL;

  self->asks_sign_in = FALSE;
  if (self->sync != NULL)
    {
      as_of = format_time (dw_sync_get_data_as_of (self->sync));
      error = dw_sync_get_error (self->sync);
    }

  switch (state)
    {
    case DW_SYNC_STATE_CONNECTED:
    case DW_SYNC_STATE_DISCONNECTED:
      break;

    case DW_SYNC_STATE_CONNECTING:
      message = g_strdup (_("Connecting…"));
      break;

    case DW_SYNC_STATE_RECONNECTING:
      {
        g_autofree char *since = format_time (dw_sync_get_reconnecting_since (self->sync));

        if (since != NULL && as_of != NULL)
          /* TRANSLATORS: both %s are times of day, e.g. "Reconnecting since 10:42 — data as of
           * 10:41 is not live". */
          message = g_strdup_printf (_("Reconnecting since %s — data as of %s is not live"),
                                     since, as_of);
        else if (since != NULL)
          message = g_strdup_printf (_("Reconnecting since %s — no data yet"), since);
        else
          message = g_strdup (_("Reconnecting…"));
        button = _("Retry Now");
      }
      break;

    case DW_SYNC_STATE_OFFLINE:
      if (g_error_matches (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_UNAUTHORIZED))
        {
          message = g_strdup (_("Signed out by the server: sign in again"));
          button = _("Sign In");
          self->asks_sign_in = TRUE;
        }
      else
        {
          if (as_of != NULL)
            /* TRANSLATORS: %s is a time of day. */
            message = g_strdup_printf (_("Offline — data as of %s"), as_of);
          else
            message = g_strdup (_("Offline"));
          button = _("Retry Now");
        }
      break;

    default:
      g_assert_not_reached ();
    }

  gtk_label_set_label (self->label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->button), button != NULL);
  if (button != NULL)
    gtk_button_set_label (self->button, button);

  if (state == DW_SYNC_STATE_OFFLINE || state == DW_SYNC_STATE_RECONNECTING)
    gtk_widget_add_css_class (self->box, "error");
  else
    gtk_widget_remove_css_class (self->box, "error");

  gtk_revealer_set_reveal_child (self->revealer, message != NULL);
}

static void
sync_notify_cb (DwConnectionBanner *self)
{
  update (self);
}

static void
button_clicked_cb (DwConnectionBanner *self)
{
  if (self->asks_sign_in)
    g_signal_emit (self, signals[SIGN_IN_REQUESTED], 0);
  else if (self->sync != NULL)
    dw_sync_retry_now (self->sync);
}

static void
dw_connection_banner_dispose (GObject *object)
{
  DwConnectionBanner *self = DW_CONNECTION_BANNER (object);

  if (self->sync_signals != NULL)
    g_signal_group_set_target (self->sync_signals, NULL);
  g_clear_object (&self->sync_signals);
  g_clear_object (&self->sync);
  dw_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_CONNECTION_BANNER);

  G_OBJECT_CLASS (dw_connection_banner_parent_class)->dispose (object);
}

static void
dw_connection_banner_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  DwConnectionBanner *self = DW_CONNECTION_BANNER (object);

  switch (prop_id)
    {
    case PROP_SYNC:
      g_value_set_object (value, self->sync);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_connection_banner_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  DwConnectionBanner *self = DW_CONNECTION_BANNER (object);

  switch (prop_id)
    {
    case PROP_SYNC:
      dw_connection_banner_set_sync (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_connection_banner_class_init (DwConnectionBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_connection_banner_dispose;
  object_class->get_property = dw_connection_banner_get_property;
  object_class->set_property = dw_connection_banner_set_property;

  properties[PROP_SYNC] =
    g_param_spec_object ("sync", NULL, NULL, DW_TYPE_SYNC,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGN_IN_REQUESTED] =
    g_signal_new ("sign-in-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/dw-connection-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, DwConnectionBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, DwConnectionBanner, box);
  gtk_widget_class_bind_template_child (widget_class, DwConnectionBanner, label);
  gtk_widget_class_bind_template_child (widget_class, DwConnectionBanner, button);
  gtk_widget_class_bind_template_callback (widget_class, button_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
dw_connection_banner_init (DwConnectionBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->sync_signals = g_signal_group_new (DW_TYPE_SYNC);
  g_signal_group_connect_swapped (self->sync_signals, "notify::state",
                                  G_CALLBACK (sync_notify_cb), self);
  g_signal_group_connect_swapped (self->sync_signals, "notify::data-as-of",
                                  G_CALLBACK (sync_notify_cb), self);
  g_signal_group_connect_swapped (self->sync_signals, "notify::reconnecting-since",
                                  G_CALLBACK (sync_notify_cb), self);
  g_signal_group_connect_swapped (self->sync_signals, "notify::error",
                                  G_CALLBACK (sync_notify_cb), self);
  update (self);
}

GtkWidget *
dw_connection_banner_new (void)
{
  return g_object_new (DW_TYPE_CONNECTION_BANNER, NULL);
}

void
dw_connection_banner_set_sync (DwConnectionBanner *self,
                               DwSync             *sync)
{
  g_return_if_fail (DW_IS_CONNECTION_BANNER (self));
  g_return_if_fail (sync == NULL || DW_IS_SYNC (sync));

  if (!g_set_object (&self->sync, sync))
    return;
  g_signal_group_set_target (self->sync_signals, sync);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC]);
}

DwSync *
dw_connection_banner_get_sync (DwConnectionBanner *self)
{
  g_return_val_if_fail (DW_IS_CONNECTION_BANNER (self), NULL);
  return self->sync;
}

gboolean
dw_connection_banner_get_revealed (DwConnectionBanner *self)
{
  g_return_val_if_fail (DW_IS_CONNECTION_BANNER (self), FALSE);
  return gtk_revealer_get_reveal_child (self->revealer);
}

const char *
dw_connection_banner_get_message (DwConnectionBanner *self)
{
  g_return_val_if_fail (DW_IS_CONNECTION_BANNER (self), NULL);
  return gtk_label_get_label (self->label);
}

const char *
dw_connection_banner_get_button_label (DwConnectionBanner *self)
{
  g_return_val_if_fail (DW_IS_CONNECTION_BANNER (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->button)))
    return NULL;
  return gtk_button_get_label (self->button);
}
