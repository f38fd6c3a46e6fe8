/* dw-team-picker.c
 *
 * The drop-down is rebuilt whenever the sync's teams or the user change (a resync, a team
 * renamed or added, the user made lead of another team).  Rebuilding moves GtkDropDown's
 * selection, so the picker blocks its own notify::selected while it does and notifies
 * team-id once at the end.
 */
#include "config.h"

#include "dw-team-picker.h"
#include "dw-widget-util.h"

struct _DwTeamPicker
{
  GtkWidget      parent_instance;

  GtkDropDown   *drop_down;
  GtkStringList *names;
  GArray        *ids;        /* of gint64, parallel to names */
  DwTeamOffered  offered;
  DwSync        *sync;
  gint64         team_id;
};

G_DEFINE_FINAL_TYPE (DwTeamPicker, dw_team_picker, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEAM_ID,
  PROP_N_TEAMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_team_id (DwTeamPicker *self,
             gint64        team_id)
{
  if (self->team_id == team_id)
    return;
  self->team_id = team_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEAM_ID]);
}

static void
selected_cb (DwTeamPicker *self)
{
  guint selected = gtk_drop_down_get_selected (self->drop_down);

  if (selected == GTK_INVALID_LIST_POSITION || selected >= self->ids->len)
    return;
  set_team_id (self, g_array_index (self->ids, gint64, selected));
}

static void
fill (DwTeamPicker *self)
{
  DwUser *me = self->sync != NULL ? dw_sync_get_me (self->sync) : NULL;
  GListModel *teams = self->sync != NULL ? G_LIST_MODEL (dw_sync_get_teams (self->sync)) : NULL;
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  guint selected = GTK_INVALID_LIST_POSITION;
  guint n_before = self->ids->len;

  g_array_set_size (self->ids, 0);
  for (guint i = 0; me != NULL && teams != NULL && i < g_list_model_get_n_items (teams); i++)
    {
      g_autoptr(DwTeam) team = g_list_model_get_item (teams, i);
      gint64 id = dw_team_get_id (team);

      if (self->offered != NULL && !self->offered (me, id))
        continue;
      if (id == self->team_id)
        selected = self->ids->len;
      g_array_append_val (self->ids, id);
      g_ptr_array_add (shown, (gpointer) dw_team_get_name (team));
    }
  g_ptr_array_add (shown, NULL);
  if (selected == GTK_INVALID_LIST_POSITION && self->ids->len > 0)
    selected = 0;

  g_signal_handlers_block_by_func (self->drop_down, selected_cb, self);
  gtk_string_list_splice (self->names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->names)),
                          (const char * const *) shown->pdata);
  gtk_drop_down_set_selected (self->drop_down, selected);
  g_signal_handlers_unblock_by_func (self->drop_down, selected_cb, self);

  /* One team needs no picker. */
  gtk_widget_set_visible (GTK_WIDGET (self), self->ids->len > 1);
  if (n_before != self->ids->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TEAMS]);
  /* Notified even when the id stays: the team itself may have changed (its calendar). */
  self->team_id = selected != GTK_INVALID_LIST_POSITION
                  ? g_array_index (self->ids, gint64, selected) : 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEAM_ID]);
}

static void
dw_team_picker_dispose (GObject *object)
{
  DwTeamPicker *self = DW_TEAM_PICKER (object);

  dw_team_picker_set_sync (self, NULL);
  dw_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_TEAM_PICKER);

  G_OBJECT_CLASS (dw_team_picker_parent_class)->dispose (object);
}

static void
dw_team_picker_finalize (GObject *object)
{
  DwTeamPicker *self = DW_TEAM_PICKER (object);

  g_clear_object (&self->names);
  g_clear_pointer (&self->ids, g_array_unref);

  G_OBJECT_CLASS (dw_team_picker_parent_class)->finalize (object);
}

static void
dw_team_picker_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DwTeamPicker *self = DW_TEAM_PICKER (object);

  switch (prop_id)
    {
    case PROP_TEAM_ID:
      g_value_set_int64 (value, self->team_id);
      break;
    case PROP_N_TEAMS:
      g_value_set_uint (value, self->ids->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_team_picker_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DwTeamPicker *self = DW_TEAM_PICKER (object);

  switch (prop_id)
    {
    case PROP_TEAM_ID:
      dw_team_picker_set_team_id (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_team_picker_class_init (DwTeamPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_team_picker_dispose;
  object_class->finalize = dw_team_picker_finalize;
  object_class->get_property = dw_team_picker_get_property;
  object_class->set_property = dw_team_picker_set_property;

  properties[PROP_TEAM_ID] =
    g_param_spec_int64 ("team-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_TEAMS] =
    g_param_spec_uint ("n-teams", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/dw-team-picker.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, DwTeamPicker, drop_down);
  gtk_widget_class_bind_template_callback (widget_class, selected_cb);
}

static void
dw_team_picker_init (DwTeamPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->names = gtk_string_list_new (NULL);
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_drop_down_set_model (self->drop_down, G_LIST_MODEL (self->names));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
dw_team_picker_new (void)
{
  return g_object_new (DW_TYPE_TEAM_PICKER, NULL);
}

void
dw_team_picker_set_offered (DwTeamPicker  *self,
                            DwTeamOffered  offered)
{
  g_return_if_fail (DW_IS_TEAM_PICKER (self));

  self->offered = offered;
  fill (self);
}

void
dw_team_picker_set_sync (DwTeamPicker *self,
                         DwSync       *sync)
{
  g_return_if_fail (DW_IS_TEAM_PICKER (self));

  if (self->sync == sync)
    return;
  if (self->sync != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->sync, self);
      g_signal_handlers_disconnect_by_data (dw_sync_get_teams (self->sync), self);
    }
  g_set_object (&self->sync, sync);
  if (sync != NULL)
    {
      g_signal_connect_object (sync, "resynced", G_CALLBACK (fill), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (dw_sync_get_teams (sync), "items-changed", G_CALLBACK (fill), self,
                               G_CONNECT_SWAPPED);
    }
  if (self->drop_down != NULL)
    fill (self);
}

gint64
dw_team_picker_get_team_id (DwTeamPicker *self)
{
  g_return_val_if_fail (DW_IS_TEAM_PICKER (self), 0);
  return self->team_id;
}

void
dw_team_picker_set_team_id (DwTeamPicker *self,
                            gint64        team_id)
{
  g_return_if_fail (DW_IS_TEAM_PICKER (self));

  for (guint i = 0; i < self->ids->len; i++)
    if (g_array_index (self->ids, gint64, i) == team_id)
      gtk_drop_down_set_selected (self->drop_down, i);
}

guint
dw_team_picker_get_n_teams (DwTeamPicker *self)
{
  g_return_val_if_fail (DW_IS_TEAM_PICKER (self), 0);
  return self->ids->len;
}
