/* dw-agent-picker.c: choose the agent to (re)assign a ticket to.
 *
 * Keyboard first: focus stays in the search entry, Up/Down move the selection in the list
 * below it and Enter picks, so "Ctrl+R, type two letters, Enter" reassigns a ticket.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dw-agent-picker.h"
#include "dw-queue-format.h"

struct _DwAgentPicker
{
  AdwWindow           parent_instance;

  AdwWindowTitle     *window_title;
  GtkSearchEntry     *search_entry;
  GtkListView        *list_view;

  DwSync             *sync;
  gint64              team_id;
  gint64              current_id;
  char               *needle;       /* casefolded search text, NULL for none */
  GtkCustomFilter    *filter;
  GtkSortListModel   *sorted;
  GtkSingleSelection *selection;
};

G_DEFINE_FINAL_TYPE (DwAgentPicker, dw_agent_picker, ADW_TYPE_WINDOW)

enum {
  AGENT_PICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

static gboolean
agent_filter (gpointer item,
              gpointer user_data)
{
  DwAgentPicker *self = user_data;
  DwUser *user = item;
  g_autofree char *name = NULL;
  g_autofree char *username = NULL;

  if (dw_user_get_role (user) == DW_ROLE_ADMIN)
    return FALSE;
  if (self->needle == NULL)
    return TRUE;

  name = g_utf8_casefold (dw_user_get_display_name (user), -1);
  username = g_utf8_casefold (dw_user_get_username (user), -1);
  return strstr (name, self->needle) != NULL || strstr (username, self->needle) != NULL;
}

/* Who can take the ticket now comes first: online with room.  Then the ticket's team, who is
 * online, who has the most room; a lead without capacity of its own and offline agents come
 * last, where they were first before for being in the team. */
static int
agent_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  DwAgentPicker *self = user_data;
  DwUser *ua = (DwUser *) a;
  DwUser *ub = (DwUser *) b;
  int online_a = dw_user_get_presence (ua) == DW_PRESENCE_ONLINE;
  int online_b = dw_user_get_presence (ub) == DW_PRESENCE_ONLINE;
  int ready_a = online_a && dw_user_get_free_capacity (ua) > 0;
  int ready_b = online_b && dw_user_get_free_capacity (ub) > 0;
  int team_a = self->team_id != 0 && dw_user_is_in_team (ua, self->team_id);
  int team_b = self->team_id != 0 && dw_user_is_in_team (ub, self->team_id);
  int takes_a = dw_user_get_capacity (ua) > 0;
  int takes_b = dw_user_get_capacity (ub) > 0;

  if (ready_a != ready_b)
    return ready_b - ready_a;
  if (takes_a != takes_b)
    return takes_b - takes_a;
  if (team_a != team_b)
    return team_b - team_a;
  if (online_a != online_b)
    return online_b - online_a;
  if (dw_user_get_free_capacity (ua) != dw_user_get_free_capacity (ub))
    return dw_user_get_free_capacity (ub) - dw_user_get_free_capacity (ua);
  return g_utf8_collate (dw_user_get_display_name (ua), dw_user_get_display_name (ub));
}

static const char *
presence_icon (DwPresence presence)
{
  switch (presence)
    {
    case DW_PRESENCE_ONLINE: return "user-available-symbolic";
    case DW_PRESENCE_AWAY: return "user-away-symbolic";
    case DW_PRESENCE_OFFLINE:
    default: return "user-offline-symbolic";
    }
}

static void
pick (DwAgentPicker *self,
      DwUser        *user)
{
  gint64 id;

  if (user == NULL)
    return;
  id = dw_user_get_id (user);
  g_signal_emit (self, signals[AGENT_PICKED], 0, id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
move_selection (DwAgentPicker *self,
                int            delta)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  guint pos = gtk_single_selection_get_selected (self->selection);
  guint next;

  if (n == 0)
    return;
  if (pos == GTK_INVALID_LIST_POSITION)
    next = 0;
  else if (delta < 0)
    next = pos > 0 ? pos - 1 : 0;
  else
    next = MIN (pos + 1, n - 1);

  gtk_single_selection_set_selected (self->selection, next);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", next);
}

/* Factory */

static void
row_setup_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              DwAgentPicker            *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);
  GtkWidget *level = gtk_level_bar_new ();

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_size_request (level, 80, -1);
  gtk_widget_set_valign (level, GTK_ALIGN_CENTER);
  gtk_level_bar_set_mode (GTK_LEVEL_BAR (level), GTK_LEVEL_BAR_MODE_CONTINUOUS);
  /* A full agent is a warning, not a success. */
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (level), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (level), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (level), GTK_LEVEL_BAR_OFFSET_FULL);

  gtk_box_append (GTK_BOX (texts), name);
  gtk_box_append (GTK_BOX (texts), detail);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_box_append (GTK_BOX (box), level);

  g_object_set_data (G_OBJECT (box), "icon", icon);
  g_object_set_data (G_OBJECT (box), "name", name);
  g_object_set_data (G_OBJECT (box), "detail", detail);
  g_object_set_data (G_OBJECT (box), "level", level);
  gtk_list_item_set_child (item, box);
}

static void
row_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             DwAgentPicker            *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  DwUser *user = gtk_list_item_get_item (item);
  int open = dw_user_get_open_tickets (user);
  int capacity = dw_user_get_capacity (user);
  DwPresence presence = dw_user_get_presence (user);
  g_autofree char *detail = NULL;
  g_autofree char *name = NULL;
  g_autofree char *accessible = NULL;

  if (dw_user_get_id (user) == self->current_id)
    /* Translators: the agent a ticket is assigned to now, in the reassign list */
    name = g_strdup_printf (_("%s (current)"), dw_user_get_display_name (user));
  else
    name = g_strdup (dw_user_get_display_name (user));

  /* Translators: presence and load of an agent, e.g. "Online · 3 of 6 open tickets" */
  detail = g_strdup_printf (ngettext ("%s · %d of %d open ticket", "%s · %d of %d open tickets", capacity),
                            dw_presence_label (presence), open, capacity);
  accessible = g_strdup_printf ("%s, %s", name, detail);

  gtk_image_set_from_icon_name (g_object_get_data (G_OBJECT (box), "icon"), presence_icon (presence));
  gtk_label_set_text (g_object_get_data (G_OBJECT (box), "name"), name);
  gtk_label_set_text (g_object_get_data (G_OBJECT (box), "detail"), detail);
  gtk_level_bar_set_max_value (g_object_get_data (G_OBJECT (box), "level"), MAX (capacity, 1));
  gtk_level_bar_set_value (g_object_get_data (G_OBJECT (box), "level"), MIN (open, MAX (capacity, 1)));
  gtk_widget_set_opacity (box, presence == DW_PRESENCE_ONLINE ? 1.0 : 0.6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (box) != NULL
                                                    ? gtk_widget_get_parent (box) : box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

/* Callbacks */

static void
search_changed_cb (DwAgentPicker  *self,
                   GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;
  g_autofree char *old = g_steal_pointer (&self->needle);

  if (*stripped != '\0')
    self->needle = g_utf8_casefold (stripped, -1);

  if (old == NULL && self->needle != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (old != NULL && self->needle == NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  gtk_filter_changed (GTK_FILTER (self->filter), change);

  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
    gtk_single_selection_set_selected (self->selection, 0);
}

static void
search_activated_cb (DwAgentPicker  *self,
                     GtkSearchEntry *entry)
{
  pick (self, gtk_single_selection_get_selected_item (self->selection));
}

static void
stop_search_cb (DwAgentPicker  *self,
                GtkSearchEntry *entry)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
list_activated_cb (DwAgentPicker *self,
                   guint          position,
                   GtkListView   *view)
{
  dw_agent_picker_pick_position (self, position);
}

static gboolean
search_key_pressed_cb (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       DwAgentPicker         *self)
{
  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_selection (self, +1);
      return TRUE;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_selection (self, -1);
      return TRUE;
    default:
      return FALSE;
    }
}

/* Overrides */

static void
dw_agent_picker_dispose (GObject *object)
{
  DwAgentPicker *self = DW_AGENT_PICKER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_AGENT_PICKER);
  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  g_clear_object (&self->filter);
  g_clear_object (&self->sync);
  g_clear_pointer (&self->needle, g_free);

  G_OBJECT_CLASS (dw_agent_picker_parent_class)->dispose (object);
}

static void
dw_agent_picker_class_init (DwAgentPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_agent_picker_dispose;

  signals[AGENT_PICKED] = g_signal_new ("agent-picked",
                                        G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/dw-agent-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, DwAgentPicker, window_title);
  gtk_widget_class_bind_template_child (widget_class, DwAgentPicker, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DwAgentPicker, list_view);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activated_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dw_agent_picker_init (DwAgentPicker *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (search_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
}

/* Public API */

DwAgentPicker *
dw_agent_picker_new (GtkWindow *parent,
                     DwSync    *sync,
                     gint64     ticket_id,
                     gint64     team_id,
                     gint64     current_id)
{
  DwAgentPicker *self;
  GtkFilterListModel *filtered;
  GtkListItemFactory *factory;
  g_autofree char *number = NULL;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (DW_IS_SYNC (sync), NULL);

  self = g_object_new (DW_TYPE_AGENT_PICKER, "transient-for", parent, NULL);
  self->sync = g_object_ref (sync);
  self->team_id = team_id;
  self->current_id = current_id;

  number = g_strdup_printf ("%" G_GINT64_FORMAT, ticket_id);
  /* Translators: subtitle of the reassign window; %s is a ticket number */
  subtitle = g_strdup_printf (_("Ticket #%s"), number);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  self->filter = gtk_custom_filter_new (agent_filter, self, NULL);
  filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (dw_sync_get_users (sync))),
                                        g_object_ref (GTK_FILTER (self->filter)));
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (filtered),
                                          GTK_SORTER (gtk_custom_sorter_new (agent_compare, self, NULL)));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (row_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (row_bind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return self;
}

void
dw_agent_picker_pick_position (DwAgentPicker *self,
                               guint          position)
{
  g_autoptr(DwUser) user = NULL;

  g_return_if_fail (DW_IS_AGENT_PICKER (self));

  user = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);
  pick (self, user);
}

GListModel *
dw_agent_picker_get_model (DwAgentPicker *self)
{
  g_return_val_if_fail (DW_IS_AGENT_PICKER (self), NULL);

  return G_LIST_MODEL (self->sorted);
}

void
dw_agent_picker_set_search (DwAgentPicker *self,
                            const char    *text)
{
  g_return_if_fail (DW_IS_AGENT_PICKER (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  /* search-changed is delayed; filter now. */
  search_changed_cb (self, self->search_entry);
}
