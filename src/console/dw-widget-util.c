#include "dw-widget-util.h"

void
dw_widget_dispose_template (GtkWidget *widget,
                            GType      widget_type)
{
  GtkWidget *child;

  gtk_widget_dispose_template (widget, widget_type);

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}

GtkWidget *
dw_widget_find_descendant (GtkWidget *widget,
                           GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = dw_widget_find_descendant (child, type)) != NULL)
        return found;
    }
  return NULL;
}

static void
menu_popover_visible_cb (GtkWidget  *popover,
                         GParamSpec *pspec,
                         GtkWidget  *button)
{
  gtk_widget_set_has_tooltip (button, !gtk_widget_get_visible (popover));
  /* Makes GTK look again, which takes down a tooltip already shown. */
  gtk_widget_trigger_tooltip_query (button);
}

static void
menu_button_popover_changed_cb (GtkMenuButton *button)
{
  GtkPopover *popover = gtk_menu_button_get_popover (button);

  /* GTK 4.8's GtkMenuButton has no "active": its popover's visibility says it. */
  if (popover != NULL && g_object_get_data (G_OBJECT (popover), "dw-quiet-tooltip") == NULL)
    {
      g_object_set_data (G_OBJECT (popover), "dw-quiet-tooltip", GINT_TO_POINTER (1));
      g_signal_connect_object (popover, "notify::visible", G_CALLBACK (menu_popover_visible_cb),
                               button, 0);
    }
}

void
dw_menu_button_quiet_tooltip (GtkMenuButton *button)
{
  g_return_if_fail (GTK_IS_MENU_BUTTON (button));

  g_signal_connect (button, "notify::popover", G_CALLBACK (menu_button_popover_changed_cb), NULL);
  g_signal_connect (button, "notify::menu-model", G_CALLBACK (menu_button_popover_changed_cb), NULL);
  menu_button_popover_changed_cb (button);
}

gint64
dw_team_picker_fill (GtkDropDown   *drop_down,
                     GtkStringList *names,
                     GArray        *ids,
                     DwSync        *sync,
                     DwTeamOffered  offered,
                     gint64         current)
{
  DwUser *me = sync != NULL ? dw_sync_get_me (sync) : NULL;
  GListModel *teams = sync != NULL ? G_LIST_MODEL (dw_sync_get_teams (sync)) : NULL;
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  guint selected = GTK_INVALID_LIST_POSITION;

  g_array_set_size (ids, 0);
  for (guint i = 0; me != NULL && teams != NULL && i < g_list_model_get_n_items (teams); i++)
    {
      g_autoptr(DwTeam) team = g_list_model_get_item (teams, i);
      gint64 id = dw_team_get_id (team);

      if (!offered (me, id))
        continue;
      if (id == current)
        selected = ids->len;
      g_array_append_val (ids, id);
      g_ptr_array_add (shown, (gpointer) dw_team_get_name (team));
    }
  g_ptr_array_add (shown, NULL);

  gtk_string_list_splice (names, 0, g_list_model_get_n_items (G_LIST_MODEL (names)),
                          (const char * const *) shown->pdata);
  if (selected == GTK_INVALID_LIST_POSITION && ids->len > 0)
    selected = 0;
  gtk_drop_down_set_selected (drop_down, selected);

  /* One team needs no picker. */
  gtk_widget_set_visible (GTK_WIDGET (drop_down), ids->len > 1);
  return selected != GTK_INVALID_LIST_POSITION ? g_array_index (ids, gint64, selected) : 0;
}
