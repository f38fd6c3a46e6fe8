/* dw-preferences-window.c
 *
 * Rows write their key as they change; `loading` keeps the first fill from writing back.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-preferences-window.h"
#include "dw-widget-util.h"

struct _DwPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GtkSwitch            *at_risk_switch;
  GtkSwitch            *breached_switch;
  AdwPreferencesGroup  *teams_group;
  AdwExpanderRow       *quiet_row;
  GtkSpinButton        *quiet_start;
  GtkSpinButton        *quiet_end;
  GtkSwitch            *background_switch;
  AdwComboRow          *style_row;

  GSettings            *settings;
  GPtrArray            *team_checks;   /* GtkCheckButton, "dw-team-id" data */
  gboolean              loading;
};

G_DEFINE_FINAL_TYPE (DwPreferencesWindow, dw_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static gboolean
hour_output_cb (GtkSpinButton *spin,
                gpointer       user_data)
{
  g_autofree char *text = g_strdup_printf ("%02d:00", gtk_spin_button_get_value_as_int (spin));

  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static void
transitions_changed_cb (DwPreferencesWindow *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) transitions = NULL;

  if (self->loading)
    return;
  if (gtk_switch_get_active (self->at_risk_switch))
    g_strv_builder_add (builder, "at-risk");
  if (gtk_switch_get_active (self->breached_switch))
    g_strv_builder_add (builder, "breached");
  transitions = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "alert-transitions", (const char * const *) transitions);
}

static void
quiet_changed_cb (DwPreferencesWindow *self)
{
  if (self->loading)
    return;
  if (adw_expander_row_get_enable_expansion (self->quiet_row))
    {
      g_settings_set_int (self->settings, "quiet-hours-start",
                          gtk_spin_button_get_value_as_int (self->quiet_start) * 60);
      g_settings_set_int (self->settings, "quiet-hours-end",
                          gtk_spin_button_get_value_as_int (self->quiet_end) * 60);
    }
  else
    {
      g_settings_set_int (self->settings, "quiet-hours-start", -1);
      g_settings_set_int (self->settings, "quiet-hours-end", -1);
    }
}

static void
style_changed_cb (DwPreferencesWindow *self)
{
  if (self->loading)
    return;
  g_settings_set_enum (self->settings, "color-scheme",
                       (int) adw_combo_row_get_selected (self->style_row));
}

static void
team_toggled_cb (DwPreferencesWindow *self)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (self->loading)
    return;
  for (guint i = 0; i < self->team_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->team_checks, i);
      gint64 *id = g_object_get_data (G_OBJECT (check), "dw-team-id");

      if (gtk_check_button_get_active (check))
        g_array_append_val (ids, *id);
    }
  g_settings_set_value (self->settings, "alert-teams",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, ids->data, ids->len,
                                                   sizeof (gint64)));
}

static void
add_teams (DwPreferencesWindow *self,
           DwSync              *sync)
{
  g_autoptr(GVariant) chosen = g_settings_get_value (self->settings, "alert-teams");
  gsize n_chosen = 0;
  const gint64 *chosen_ids = g_variant_get_fixed_array (chosen, &n_chosen, sizeof (gint64));
  GListModel *teams;
  DwUser *me;

  if (sync == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->teams_group), FALSE);
      return;
    }

  me = dw_sync_get_me (sync);
  teams = G_LIST_MODEL (dw_sync_get_teams (sync));
  for (guint i = 0; i < g_list_model_get_n_items (teams); i++)
    {
      g_autoptr(DwTeam) team = g_list_model_get_item (teams, i);
      GtkWidget *row;
      GtkWidget *check;
      gint64 *id;
      gboolean active = FALSE;

      /* Alerts come only from the teams the lead sees (docs/api.md "Figures"). */
      if (!dw_sync_sees_team (sync, dw_team_get_id (team)))
        continue;

      row = adw_action_row_new ();
      check = gtk_check_button_new ();
      id = g_new (gint64, 1);
      *id = dw_team_get_id (team);
      for (gsize j = 0; j < n_chosen; j++)
        active = active || chosen_ids[j] == *id;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), dw_team_get_name (team));
      if (me != NULL && dw_user_is_lead_of (me, *id))
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("You lead this team"));
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), active);
      g_object_set_data_full (G_OBJECT (check), "dw-team-id", id, g_free);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (team_toggled_cb), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->teams_group, row);
      g_ptr_array_add (self->team_checks, check);
    }
}

static void
load (DwPreferencesWindow *self)
{
  g_auto(GStrv) transitions = g_settings_get_strv (self->settings, "alert-transitions");
  int start = g_settings_get_int (self->settings, "quiet-hours-start");
  int end = g_settings_get_int (self->settings, "quiet-hours-end");

  self->loading = TRUE;
  gtk_switch_set_active (self->at_risk_switch,
                         g_strv_contains ((const char * const *) transitions, "at-risk"));
  gtk_switch_set_active (self->breached_switch,
                         g_strv_contains ((const char * const *) transitions, "breached"));
  adw_expander_row_set_enable_expansion (self->quiet_row, start >= 0 && end >= 0);
  gtk_spin_button_set_value (self->quiet_start, start >= 0 ? start / 60 : 22);
  gtk_spin_button_set_value (self->quiet_end, end >= 0 ? end / 60 : 8);
  adw_combo_row_set_selected (self->style_row,
                              (guint) g_settings_get_enum (self->settings, "color-scheme"));
  self->loading = FALSE;
}

static void
dw_preferences_window_dispose (GObject *object)
{
  DwPreferencesWindow *self = DW_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->team_checks, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (dw_preferences_window_parent_class)->dispose (object);
}

static void
dw_preferences_window_class_init (DwPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/dw-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DwPreferencesWindow, at_risk_switch);
  gtk_widget_class_bind_template_child (widget_class, DwPreferencesWindow, breached_switch);
  gtk_widget_class_bind_template_child (widget_class, DwPreferencesWindow, teams_group);
  gtk_widget_class_bind_template_child (widget_class, DwPreferencesWindow, quiet_row);
  gtk_widget_class_bind_template_child (widget_class, DwPreferencesWindow, quiet_start);
  gtk_widget_class_bind_template_child (widget_class, DwPreferencesWindow, quiet_end);
  gtk_widget_class_bind_template_child (widget_class, DwPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, DwPreferencesWindow, style_row);
  gtk_widget_class_bind_template_callback (widget_class, hour_output_cb);
  gtk_widget_class_bind_template_callback (widget_class, transitions_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, quiet_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, style_changed_cb);
}

static void
dw_preferences_window_init (DwPreferencesWindow *self)
{
  GtkWidget *enable;

  self->loading = TRUE;
  self->team_checks = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  /* libadwaita 1.2 gives the expander row's own switch no name; a screen reader would say
   * only "switch" (tests/check-a11y.py). */
  enable = dw_widget_find_descendant (GTK_WIDGET (self->quiet_row), GTK_TYPE_SWITCH);
  if (enable != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (enable), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Quiet Hours"), -1);
}

GtkWidget *
dw_preferences_window_new (GtkWindow *parent,
                           GSettings *settings,
                           DwSync    *sync)
{
  DwPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DW_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
  self->settings = g_object_ref (settings);
  g_settings_bind (settings, "run-in-background", self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  load (self);
  add_teams (self, sync);
  return GTK_WIDGET (self);
}
