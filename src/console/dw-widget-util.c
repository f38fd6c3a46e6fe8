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

void
dw_widget_load_style (const char *resource)
{
  static GHashTable *loaded;
  g_autoptr(GtkCssProvider) provider = NULL;
  GdkDisplay *display = gdk_display_get_default ();

  if (display == NULL)
    return;
  if (loaded == NULL)
    loaded = g_hash_table_new (g_str_hash, g_str_equal);
  if (g_hash_table_contains (loaded, resource))
    return;
  g_hash_table_add (loaded, g_strdup (resource));

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, resource);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
collect_panes (GtkWidget *widget,
               GPtrArray *panes)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_is_drawable (child))
        continue;
      if (gtk_widget_has_css_class (child, "dw-pane"))
        g_ptr_array_add (panes, child);
      else
        collect_panes (child, panes);
    }
}

GPtrArray *
dw_widget_collect_panes (GtkWidget *root)
{
  GPtrArray *panes = g_ptr_array_new ();

  g_return_val_if_fail (GTK_IS_WIDGET (root), panes);

  collect_panes (root, panes);
  return panes;
}

gboolean
dw_widget_focus_pane (GtkWidget *root,
                      int        direction)
{
  g_autoptr(GPtrArray) panes = NULL;
  GtkRoot *window = gtk_widget_get_root (root);
  GtkWidget *focus = window != NULL ? gtk_root_get_focus (window) : NULL;
  int current = -1;
  int n;

  g_return_val_if_fail (GTK_IS_WIDGET (root), FALSE);
  g_return_val_if_fail (direction == 1 || direction == -1, FALSE);

  panes = dw_widget_collect_panes (root);
  n = (int) panes->len;
  if (n == 0)
    return FALSE;
  for (int i = 0; i < n && focus != NULL; i++)
    if (focus == panes->pdata[i] || gtk_widget_is_ancestor (focus, panes->pdata[i]))
      current = i;

  /* From outside every pane, F6 goes to the first one and Shift+F6 to the last. */
  if (current < 0)
    current = direction > 0 ? n - 1 : 0;
  for (int step = 1; step <= n; step++)
    {
      GtkWidget *pane = panes->pdata[((current + direction * step) % n + n) % n];

      /* A pane without anything that takes the focus (a figure, an empty state) is passed. */
      if (pane != panes->pdata[current] || n == 1)
        if (gtk_widget_child_focus (pane, GTK_DIR_TAB_FORWARD) || gtk_widget_grab_focus (pane))
          return TRUE;
    }
  return FALSE;
}
