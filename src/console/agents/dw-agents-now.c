/* dw-agents-now.c
 *
 * One GET /agents/status answer is reconciled into a list store of DwAgentStatus (the same
 * objects stay, so rows keep their place and focus); a filter and the column view's own sorter
 * sit on top of it, and both the wide table and the narrow one-column list show that one model.
 * Stream events that can change a figure (a user's presence or load, a ticket's assignment,
 * status or SLA state) ask again, at most every quarter of a second: the service computes the
 * figures, the console does not count tickets it may not all see.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-agent-picker.h"
#include "dw-queue-format.h"
#include "dw-widget-util.h"
#include "dw-agents-now.h"

/* Below this width the table folds into one column of rows. */
#define NARROW_WIDTH 600
/* Events come in bursts (a reassignment is a ticket.updated and two user.updated). */
#define RELOAD_DELAY_MS 250
/* How often "for 1 h 20 min" and the waiting ages are brought up to date. */
#define TICK_SECONDS 5

typedef enum
{
  CELL_NAME,
  CELL_PRESENCE,
  CELL_LOAD,
  CELL_WAITING,
  CELL_SLA,
  CELL_NARROW,
} CellKind;

struct _DwAgentsNow
{
  GtkWidget            parent_instance;

  AdwToastOverlay     *toast_overlay;
  GtkSearchEntry      *search_entry;
  GtkDropDown         *presence_drop_down;
  GtkLabel            *stale_label;
  GtkStack            *stack;
  AdwStatusPage       *status_page;
  GtkColumnView       *column_view;
  GtkColumnViewColumn *name_column;
  GtkColumnViewColumn *presence_column;
  GtkColumnViewColumn *load_column;
  GtkColumnViewColumn *waiting_column;
  GtkColumnViewColumn *sla_column;
  GtkListView         *narrow_list;

  GListStore          *agents;
  GtkFilter           *filter;
  GtkSortListModel    *sorted;
  GPtrArray           *bound;          /* GtkListItems on screen (not owned) */
  GtkWidget           *context_menu;   /* a GtkPopoverMenu parented to self */

  DwSync              *sync;
  DwClock             *clock;
  GCancellable        *cancellable;
  gint64               team_id;
  gint64               loaded_at;      /* when the figures shown were answered */
  guint                reload_id;
  guint                tick_id;
  guint                layout_id;
  guint                n_loads;
  gboolean             narrow;
  gboolean             has_figures;    /* of team_id */
  gboolean             loading;        /* a GET is on its way */
  gboolean             dirty;          /* and something changed since it was asked */
  gboolean             missed;         /* something changed while the view was not shown */
  char                *last_toast;
};

G_DEFINE_FINAL_TYPE (DwAgentsNow, dw_agents_now, GTK_TYPE_WIDGET)

static void load            (DwAgentsNow *self);
static void schedule_reload (DwAgentsNow *self);

/* ------------------------------------------------------------------------------------------ */
/* Helpers */

static gint64
now (DwAgentsNow *self)
{
  return self->clock != NULL ? dw_clock_now (self->clock) : g_get_real_time () / G_USEC_PER_SEC;
}

static DwClient *
client (DwAgentsNow *self)
{
  return self->sync != NULL ? dw_sync_get_client (self->sync) : NULL;
}

static DwAgentStatus *
find_agent (DwAgentsNow *self,
            gint64       user_id)
{
  GListModel *model = G_LIST_MODEL (self->agents);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DwAgentStatus) agent = g_list_model_get_item (model, i);

      if (dw_agent_status_get_user_id (agent) == user_id)
        return agent;  /* the store keeps it */
    }
  return NULL;
}

static const char *
agent_name (DwAgentsNow *self,
            gint64       user_id)
{
  DwAgentStatus *agent = find_agent (self, user_id);
  DwUser *user;

  if (agent != NULL)
    return dw_agent_status_get_display_name (agent);
  /* Gone from the list meanwhile (moved, another team picked): the desk still knows it. */
  user = self->sync != NULL ? dw_sync_lookup_user (self->sync, user_id) : NULL;
  /* Translators: instead of an agent's name the console does not know, e.g. "Could not set this agent away" */
  return user != NULL ? dw_user_get_display_name (user) : _("this agent");
}

static void
toast (DwAgentsNow *self,
       const char  *text)
{
  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/* A lead of the team or an admin may act on its agents (the service checks again). */
static gboolean
can_lead (DwAgentsNow *self)
{
  DwUser *me = self->sync != NULL ? dw_sync_get_me (self->sync) : NULL;

  if (me == NULL || self->team_id == 0)
    return FALSE;
  return dw_user_get_role (me) == DW_ROLE_ADMIN || dw_user_is_lead_of (me, self->team_id);
}

static void
update_actions (DwAgentsNow *self)
{
  static const char * const actions[] = {
    "agents.set-away", "agents.set-online", "agents.change-capacity", "agents.move",
    "agents.release", "agents.message", "agents.context-menu",
  };
  gboolean lead = can_lead (self);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i], lead);
}

/* "Online · for 1 h 20 min". */
static char *
presence_text (DwAgentsNow   *self,
               DwAgentStatus *agent)
{
  const char *label = dw_presence_label (dw_agent_status_get_presence (agent));
  gint64 since = dw_agent_status_get_presence_since (agent);
  g_autofree char *span = NULL;

  if (since == 0)
    return g_strdup (label);
  span = dw_format_duration (now (self) - since);
  /* Translators: a presence and how long the agent has been in it, e.g. "Away · for 12 min" */
  return g_strdup_printf (_("%s · for %s"), label, span);
}

/* "3 of 5". */
static char *
load_text (DwAgentStatus *agent)
{
  /* Translators: an agent's open tickets against how many it may hold, e.g. "3 of 5" */
  return g_strdup_printf (_("%d of %d"), dw_agent_status_get_load (agent),
                          dw_agent_status_get_capacity (agent));
}

/* "1 breached · 2 at risk", or NULL without trouble: the SLA board's words. */
static char *
sla_text (DwAgentStatus *agent)
{
  return dw_format_sla_trouble ((guint) MAX (dw_agent_status_get_breached (agent), 0),
                                (guint) MAX (dw_agent_status_get_at_risk (agent), 0));
}

static void
set_sla_style (GtkWidget     *widget,
               DwAgentStatus *agent)
{
  gtk_widget_remove_css_class (widget, "error");
  gtk_widget_remove_css_class (widget, "warning");
  gtk_widget_remove_css_class (widget, "dim-label");
  if (dw_agent_status_get_breached (agent) > 0)
    gtk_widget_add_css_class (widget, "error");
  else if (dw_agent_status_get_at_risk (agent) > 0)
    gtk_widget_add_css_class (widget, "warning");
  else
    gtk_widget_add_css_class (widget, "dim-label");
}

/* The row's menu: the same actions as its context menu, for this agent. */
static GMenuModel *
agent_menu (DwAgentStatus *agent)
{
  gint64 id = dw_agent_status_get_user_id (agent);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) presence = g_menu_new ();
  g_autoptr(GMenu) work = g_menu_new ();

#define ADD(section, label, action) \
  G_STMT_START { \
    g_autoptr(GMenuItem) it = g_menu_item_new (label, NULL); \
    g_menu_item_set_action_and_target_value (it, action, g_variant_new_int64 (id)); \
    g_menu_append_item (section, it); \
  } G_STMT_END

  if (dw_agent_status_get_presence (agent) == DW_PRESENCE_ONLINE)
    ADD (presence, _("Set _Away"), "agents.set-away");
  else
    ADD (presence, _("Set _Online"), "agents.set-online");
  ADD (work, _("Change _Capacity…"), "agents.change-capacity");
  ADD (work, _("_Move to Team…"), "agents.move");
  ADD (work, _("_Reassign Open Tickets…"), "agents.release");
  ADD (work, _("Me_ssage…"), "agents.message");
#undef ADD

  g_menu_append_section (menu, NULL, G_MENU_MODEL (presence));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (work));
  return G_MENU_MODEL (g_steal_pointer (&menu));
}

/* ------------------------------------------------------------------------------------------ */
/* Cells */

static GtkWidget *
new_menu_button (void)
{
  GtkWidget *button = gtk_menu_button_new ();

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  dw_menu_button_quiet_tooltip (GTK_MENU_BUTTON (button));
  return button;
}

static void
bind_menu_button (DwAgentsNow   *self,
                  GtkWidget     *button,
                  DwAgentStatus *agent)
{
  g_autoptr(GMenuModel) menu = NULL;
  g_autofree char *label = NULL;
  GtkPopover *open;
  /* What the menu depends on: rebuilt only when that changes, so that the clock's tick does
   * not close a menu the lead has open. */
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT " %d %s",
                                          dw_agent_status_get_user_id (agent),
                                          dw_agent_status_get_presence (agent),
                                          dw_agent_status_get_display_name (agent));

  gtk_widget_set_visible (button, can_lead (self));
  if (g_strcmp0 (g_object_get_data (G_OBJECT (button), "dw-menu-key"), key) == 0)
    return;
  /* Nor is an open menu swapped for another (GTK 4.8 then asks a surface that is gone for the
   * pointer): the next tick after it closes brings it up to date. */
  open = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  if (open != NULL && gtk_widget_get_visible (GTK_WIDGET (open)))
    return;
  menu = agent_menu (agent);
  /* Translators: the tooltip of the menu button on an agent's row */
  label = g_strdup_printf (_("Actions for %s"), dw_agent_status_get_display_name (agent));
  g_object_set_data_full (G_OBJECT (button), "dw-menu-key", g_steal_pointer (&key), g_free);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), menu);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static GtkWidget *
new_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
new_level_bar (void)
{
  GtkWidget *bar = gtk_level_bar_new ();

  /* The default offsets colour a full bar as good; a full agent is not. */
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (bar, 80, -1);
  gtk_widget_add_css_class (bar, "dw-load-bar");
  return bar;
}

static void
update_level_bar (GtkWidget     *bar,
                  DwAgentStatus *agent)
{
  int load = dw_agent_status_get_load (agent);
  int capacity = dw_agent_status_get_capacity (agent);
  g_autofree char *text = NULL;

  gtk_level_bar_set_max_value (GTK_LEVEL_BAR (bar), MAX (capacity, 1));
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), MIN (load, MAX (capacity, 1)));
  if (load >= capacity && load > 0)
    gtk_widget_add_css_class (bar, "dw-full");
  else
    gtk_widget_remove_css_class (bar, "dw-full");
  /* Translators: the load bar read out, e.g. "Load: 3 of 5 tickets" */
  text = g_strdup_printf (_("Load: %d of %d tickets"), load, capacity);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text, -1);
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               DwAgentsNow              *self)
{
  CellKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "dw-kind"));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label;

  g_object_set_data (G_OBJECT (list_item), "dw-kind", GINT_TO_POINTER (kind));
  switch (kind)
    {
    case CELL_NAME:
      label = new_label (NULL);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (box), label);
      g_object_set_data (G_OBJECT (box), "label", label);
      {
        GtkWidget *button = new_menu_button ();

        gtk_box_append (GTK_BOX (box), button);
        g_object_set_data (G_OBJECT (box), "menu", button);
      }
      break;

    case CELL_PRESENCE:
    case CELL_SLA:
      label = new_label (NULL);
      gtk_box_append (GTK_BOX (box), label);
      g_object_set_data (G_OBJECT (box), "label", label);
      break;

    case CELL_LOAD:
      {
        GtkWidget *bar = new_level_bar ();

        gtk_box_append (GTK_BOX (box), bar);
        label = new_label ("numeric");
        gtk_box_append (GTK_BOX (box), label);
        g_object_set_data (G_OBJECT (box), "bar", bar);
        g_object_set_data (G_OBJECT (box), "label", label);
      }
      break;

    case CELL_WAITING:
      {
        GtkWidget *button = gtk_button_new ();

        gtk_widget_add_css_class (button, "flat");
        gtk_widget_add_css_class (button, "dw-ticket-link");
        gtk_button_set_child (GTK_BUTTON (button), new_label ("numeric"));
        gtk_box_append (GTK_BOX (box), button);
        label = new_label ("dim-label");
        gtk_label_set_label (GTK_LABEL (label), _("Nothing waiting"));
        gtk_box_append (GTK_BOX (box), label);
        g_object_set_data (G_OBJECT (box), "button", button);
        g_object_set_data (G_OBJECT (box), "label", label);
      }
      break;

    case CELL_NARROW:
    default:
      {
        GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
        GtkWidget *name = new_label ("heading");
        GtkWidget *presence = new_label ("dim-label");
        GtkWidget *summary_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
        GtkWidget *bar = new_level_bar ();
        GtkWidget *summary = new_label (NULL);
        GtkWidget *button = new_menu_button ();

        gtk_widget_set_hexpand (text, TRUE);
        gtk_widget_set_margin_top (box, 6);
        gtk_widget_set_margin_bottom (box, 6);
        gtk_widget_set_margin_start (box, 6);
        gtk_widget_set_margin_end (box, 6);
        gtk_box_append (GTK_BOX (text), name);
        gtk_box_append (GTK_BOX (text), presence);
        gtk_box_append (GTK_BOX (summary_box), bar);
        gtk_box_append (GTK_BOX (summary_box), summary);
        gtk_box_append (GTK_BOX (text), summary_box);
        gtk_box_append (GTK_BOX (box), text);
        gtk_box_append (GTK_BOX (box), button);
        g_object_set_data (G_OBJECT (box), "label", name);
        g_object_set_data (G_OBJECT (box), "presence", presence);
        g_object_set_data (G_OBJECT (box), "bar", bar);
        g_object_set_data (G_OBJECT (box), "summary", summary);
        g_object_set_data (G_OBJECT (box), "menu", button);
      }
      break;
    }
  gtk_list_item_set_child (list_item, box);
}

static void
cell_update (DwAgentsNow *self,
             GtkListItem *list_item)
{
  CellKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (list_item), "dw-kind"));
  DwAgentStatus *agent = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *label;
  g_autofree char *text = NULL;

  if (agent == NULL || box == NULL)
    return;
  label = g_object_get_data (G_OBJECT (box), "label");
  /* The context menu finds the agent of a row from any of its cells. */
  g_object_set_data (G_OBJECT (box), "dw-list-item", list_item);

  switch (kind)
    {
    case CELL_NAME:
      gtk_label_set_label (GTK_LABEL (label), dw_agent_status_get_display_name (agent));
      bind_menu_button (self, g_object_get_data (G_OBJECT (box), "menu"), agent);
      break;

    case CELL_PRESENCE:
      text = presence_text (self, agent);
      gtk_label_set_label (GTK_LABEL (label), text);
      break;

    case CELL_LOAD:
      text = load_text (agent);
      gtk_label_set_label (GTK_LABEL (label), text);
      update_level_bar (g_object_get_data (G_OBJECT (box), "bar"), agent);
      break;

    case CELL_WAITING:
      {
        GtkWidget *button = g_object_get_data (G_OBJECT (box), "button");
        gint64 since = dw_agent_status_get_oldest_waiting_since (agent);
        gint64 ticket_id = dw_agent_status_get_oldest_waiting_ticket_id (agent);
        g_autofree char *age = NULL;
        g_autofree char *tooltip = NULL;
        g_autofree char *number = NULL;

        gtk_widget_set_visible (button, ticket_id != 0);
        gtk_widget_set_visible (label, ticket_id == 0);
        if (ticket_id == 0)
          break;
        age = dw_format_waiting (since, now (self));
        number = g_strdup_printf ("%" G_GINT64_FORMAT, ticket_id);
        /* Translators: the oldest ticket waiting on an agent and for how long, e.g. "#41 · 2 h 05 min" */
        text = g_strdup_printf (_("#%s · %s"), number, age);
        /* Translators: the tooltip of the oldest waiting ticket, e.g. "Open ticket #41, waiting for 2 h 05 min" */
        tooltip = g_strdup_printf (_("Open ticket #%s, waiting for %s"), number, age);
        gtk_label_set_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), text);
        /* The target first: the name alone would be looked up without its parameter. */
        gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                                g_variant_new_int64 (ticket_id));
        gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.show-ticket");
        gtk_widget_set_tooltip_text (button, tooltip);
        gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
      }
      break;

    case CELL_SLA:
      text = sla_text (agent);
      gtk_label_set_label (GTK_LABEL (label), text != NULL ? text : C_("sla trouble", "None"));
      set_sla_style (label, agent);
      break;

    case CELL_NARROW:
    default:
      {
        g_autofree char *presence = presence_text (self, agent);
        g_autofree char *load = load_text (agent);
        g_autofree char *sla = sla_text (agent);
        GtkWidget *summary = g_object_get_data (G_OBJECT (box), "summary");

        gtk_label_set_label (GTK_LABEL (label), dw_agent_status_get_display_name (agent));
        gtk_label_set_label (GTK_LABEL (g_object_get_data (G_OBJECT (box), "presence")), presence);
        if (sla != NULL)
          /* Translators: the narrow row's summary: load, then SLA trouble, e.g. "3 of 5 · 1 breached" */
          text = g_strdup_printf (_("%s · %s"), load, sla);
        gtk_label_set_label (GTK_LABEL (summary), text != NULL ? text : load);
        set_sla_style (summary, agent);
        if (sla == NULL)
          gtk_widget_remove_css_class (summary, "dim-label");
        update_level_bar (g_object_get_data (G_OBJECT (box), "bar"), agent);
        bind_menu_button (self, g_object_get_data (G_OBJECT (box), "menu"), agent);
      }
      break;
    }
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              DwAgentsNow              *self)
{
  if (self->bound != NULL)
    g_ptr_array_add (self->bound, list_item);
  cell_update (self, list_item);
}

static void
cell_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                DwAgentsNow              *self)
{
  if (self->bound != NULL)
    g_ptr_array_remove_fast (self->bound, list_item);
}

static GtkListItemFactory *
cell_factory (DwAgentsNow *self,
              CellKind     kind)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_object_set_data (G_OBJECT (factory), "dw-kind", GINT_TO_POINTER (kind));
  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind_cb), self);
  return factory;
}

static void
refresh_cells (DwAgentsNow *self)
{
  for (guint i = 0; self->bound != NULL && i < self->bound->len; i++)
    cell_update (self, g_ptr_array_index (self->bound, i));
}

static gboolean
tick_cb (gpointer data)
{
  refresh_cells (DW_AGENTS_NOW (data));
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Sorting and filtering: the rules are DwAgentStatus's (src/core) */

static int
compare_cb (gconstpointer a,
            gconstpointer b,
            gpointer      key)
{
  return dw_agent_status_compare ((DwAgentStatus *) a, (DwAgentStatus *) b,
                                  GPOINTER_TO_INT (key));
}

static int
presence_filter (DwAgentsNow *self)
{
  switch (gtk_drop_down_get_selected (self->presence_drop_down))
    {
    case 1: return DW_PRESENCE_ONLINE;
    case 2: return DW_PRESENCE_AWAY;
    case 3: return DW_PRESENCE_OFFLINE;
    default: return -1;
    }
}

static gboolean
filter_cb (gpointer item,
           gpointer data)
{
  DwAgentsNow *self = data;

  return dw_agent_status_matches (item, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                                  presence_filter (self));
}

static void
filter_changed_cb (DwAgentsNow *self)
{
  gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_DIFFERENT);
}

static void
set_column_sorter (GtkColumnViewColumn *column,
                   DwAgentSortKey       key)
{
  g_autoptr(GtkSorter) sorter = GTK_SORTER (gtk_custom_sorter_new (compare_cb, GINT_TO_POINTER (key), NULL));

  gtk_column_view_column_set_sorter (column, sorter);
}

/* Figures changed in place: the order and the filter may differ now. */
static void
resort (DwAgentsNow *self)
{
  GtkColumnViewColumn *columns[] = {
    self->name_column, self->presence_column, self->load_column, self->waiting_column,
    self->sla_column,
  };

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    gtk_sorter_changed (gtk_column_view_column_get_sorter (columns[i]), GTK_SORTER_CHANGE_DIFFERENT);
  gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_DIFFERENT);
}

/* ------------------------------------------------------------------------------------------ */
/* Loading */

static void
show_status (DwAgentsNow *self,
             const char  *title,
             const char  *description)
{
  adw_status_page_set_icon_name (self->status_page, "system-users-symbolic");
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  gtk_stack_set_visible_child_name (self->stack, "status");
}

static void
show_agents (DwAgentsNow *self)
{
  if (!self->has_figures)
    return;
  if (g_list_model_get_n_items (G_LIST_MODEL (self->agents)) == 0)
    show_status (self, _("No Agents"), _("This team has no agents yet."));
  /* A search or a presence that leaves no one showed the bare column headings: say why, and
   * the way back. */
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->sorted)) == 0)
    {
      show_status (self, _("No Matching Agents"),
                   _("No agent of the team matches the search and the presence chosen. Clear the search or choose All."));
      adw_status_page_set_icon_name (self->status_page, "edit-find-symbolic");
    }
  else
    gtk_stack_set_visible_child_name (self->stack, self->narrow ? "narrow" : "wide");
}

static void
shown_changed_cb (DwAgentsNow *self)
{
  show_agents (self);
}

/* Figures kept from before the connection dropped are shown dimmed and said to be old, not
 * taken for live ones (the connection strip says since when it is trying again). */
static void
update_stale (DwAgentsNow *self)
{
  gboolean live = self->sync == NULL || dw_sync_get_state (self->sync) == DW_SYNC_STATE_CONNECTED;

  if (live)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->stack), "dw-stale");
      gtk_widget_set_visible (GTK_WIDGET (self->stale_label), FALSE);
      return;
    }
  gtk_widget_add_css_class (GTK_WIDGET (self->stack), "dw-stale");
  if (self->loaded_at != 0)
    {
      g_autofree char *when = dw_format_time (self->loaded_at);
      /* Translators: %s is a date and time */
      g_autofree char *text = g_strdup_printf (_("Not live: these figures are from %s"), when);

      gtk_label_set_label (self->stale_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->stale_label), TRUE);
    }
}

static void
status_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  DwAgentsNow *self;
  JsonObject *object;
  guint skipped = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DW_AGENTS_NOW (data);
  self->loading = FALSE;
  if (self->dirty)
    {
      self->dirty = FALSE;
      schedule_reload (self);
    }
  object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  if (error == NULL && (object == NULL
                        || !dw_agent_status_store_apply (self->agents,
                                                         json_object_get_member (object, "items"),
                                                         &skipped, &error)))
    {
      if (error == NULL)
        g_set_error_literal (&error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_PROTOCOL,
                             _("The service sent something that is not a list of agents."));
    }
  if (error != NULL)
    {
      if (!self->has_figures)
        show_status (self, _("Could Not Load the Agents"), error->message);
      else
        toast (self, error->message);
      return;
    }
  if (skipped > 0)
    g_message ("agents/status: %u items could not be read and are not shown", skipped);

  self->has_figures = TRUE;
  self->loaded_at = now (self);
  self->n_loads++;
  resort (self);
  refresh_cells (self);
  show_agents (self);
  update_stale (self);
}

static void
load (DwAgentsNow *self)
{
  g_autofree char *path = NULL;

  g_clear_handle_id (&self->reload_id, g_source_remove);
  /* Whatever was asked before is stale now, even when nothing is asked instead. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading = FALSE;
  update_actions (self);
  if (client (self) == NULL || self->team_id == 0)
    {
      g_list_store_remove_all (self->agents);
      self->has_figures = FALSE;
      show_status (self, _("No Team"), _("Agents are shown for the teams you lead."));
      return;
    }
  path = g_strdup_printf ("/api/v1/agents/status?team_id=%" G_GINT64_FORMAT, self->team_id);
  self->loading = TRUE;
  self->dirty = FALSE;
  dw_client_request_async (client (self), "GET", path, NULL, self->cancellable,
                           status_loaded_cb, self);
}

static gboolean
reload_cb (gpointer data)
{
  DwAgentsNow *self = data;

  self->reload_id = 0;
  /* Cancelling the answer on its way at each burst of events could starve the view on a busy
   * desk: the change is asked for once that answer is in. */
  if (self->loading)
    self->dirty = TRUE;
  else
    load (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reload (DwAgentsNow *self)
{
  /* A console left on another section all day must not ask for every agent's status at each
   * event of a busy desk: what it missed is asked for once, when the view is shown again. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->missed = TRUE;
      return;
    }
  if (self->reload_id == 0)
    self->reload_id = g_timeout_add (RELOAD_DELAY_MS, reload_cb, self);
}

static void
event_cb (DwAgentsNow *self,
          const char  *type,
          JsonObject  *data,
          DwSync      *sync)
{
  if (self->team_id == 0)
    return;
  /* A user's presence, capacity or load; a ticket's assignment, status or SLA state. */
  if (g_str_has_prefix (type, "user."))
    {
      DwUser *user = dw_sync_lookup_user (sync, json_object_get_int_member_with_default (data, "id", 0));

      if (user != NULL && !dw_user_is_in_team (user, self->team_id)
          && find_agent (self, dw_user_get_id (user)) == NULL)
        return;
    }
  else if (!g_str_has_prefix (type, "ticket.") && !g_str_has_prefix (type, "sla."))
    return;
  schedule_reload (self);
}

static void
sync_state_changed_cb (DwAgentsNow *self)
{
  update_stale (self);
  /* Back on the stream: what happened meanwhile was not heard. */
  if (self->sync != NULL && dw_sync_get_state (self->sync) == DW_SYNC_STATE_CONNECTED)
    schedule_reload (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Actions */

typedef struct
{
  DwAgentsNow *self;
  gint64       user_id;
  char        *name;     /* the agent's, for the toast */
  char        *what;     /* the action's name */
  char        *extra;    /* a team name, a presence… */
} Call;

static void
call_free (Call *call)
{
  g_clear_object (&call->self);
  g_free (call->name);
  g_free (call->what);
  g_free (call->extra);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

static char *
done_text (Call       *call,
           JsonObject *reply)
{
  if (g_str_equal (call->what, "set-away"))
    /* Translators: %s is an agent's name */
    return g_strdup_printf (_("%s is away now"), call->name);
  if (g_str_equal (call->what, "set-online"))
    /* Translators: %s is an agent's name */
    return g_strdup_printf (_("%s is online now"), call->name);
  if (g_str_equal (call->what, "change-capacity"))
    /* Translators: an agent's name and its new capacity */
    return g_strdup_printf (_("%s may now hold %d tickets"), call->name,
                            (int) json_object_get_int_member_with_default (reply, "capacity", 0));
  if (g_str_equal (call->what, "move"))
    {
      JsonArray *released = json_object_get_array_member (reply, "released");
      guint n = released != NULL ? json_array_get_length (released) : 0;

      /* Translators: an agent's name, a team's name, then how many tickets went back to the queue */
      return g_strdup_printf (g_dngettext (NULL, "%s moved to %s; %u ticket went back to the queue",
                                           "%s moved to %s; %u tickets went back to the queue", n),
                              call->name, call->extra, n);
    }
  if (g_str_equal (call->what, "release"))
    {
      JsonArray *moved = json_object_get_array_member (reply, "moved");
      JsonArray *failed = json_object_get_array_member (reply, "failed");
      guint n_moved = moved != NULL ? json_array_get_length (moved) : 0;
      guint n_failed = failed != NULL ? json_array_get_length (failed) : 0;
      g_autofree char *moved_text = NULL;

      moved_text = g_strdup_printf (g_dngettext (NULL, "%u ticket moved", "%u tickets moved",
                                                 n_moved), n_moved);
      if (n_failed == 0)
        return g_steal_pointer (&moved_text);
      {
        JsonObject *first = json_array_get_object_element (failed, 0);
        const char *detail = first != NULL
                             ? json_object_get_string_member_with_default (first, "detail", "")
                             : "";
        g_autofree char *failed_text =
          g_strdup_printf (g_dngettext (NULL, "%u could not be moved", "%u could not be moved",
                                        n_failed), n_failed);

        /* Translators: "3 tickets moved, 1 could not be moved (why the first failed)" */
        return g_strdup_printf (_("%s, %s (%s)"), moved_text, failed_text, detail);
      }
    }
  if (g_str_equal (call->what, "message"))
    {
      JsonArray *noted = json_object_get_array_member (reply, "noted");
      guint n = noted != NULL ? json_array_get_length (noted) : 0;

      if (n == 0)
        /* Translators: %s is an agent's name */
        return g_strdup_printf (_("%s has no ticket at risk or breached: nothing was noted"),
                                call->name);
      return g_strdup_printf (g_dngettext (NULL, "Noted on %u ticket", "Noted on %u tickets", n), n);
    }
  return g_strdup ("");
}

static char *
failed_text (Call         *call,
             const GError *error)
{
  if (g_str_equal (call->what, "set-away"))
    /* Translators: an agent's name, then why it failed */
    return g_strdup_printf (_("Could not set %s away: %s"), call->name, error->message);
  if (g_str_equal (call->what, "set-online"))
    return g_strdup_printf (_("Could not set %s online: %s"), call->name, error->message);
  if (g_str_equal (call->what, "change-capacity"))
    return g_strdup_printf (_("Could not change the capacity of %s: %s"), call->name, error->message);
  if (g_str_equal (call->what, "move"))
    return g_strdup_printf (_("Could not move %s: %s"), call->name, error->message);
  if (g_str_equal (call->what, "release"))
    return g_strdup_printf (_("Could not reassign the tickets of %s: %s"), call->name, error->message);
  return g_strdup_printf (_("Could not send the message to %s: %s"), call->name, error->message);
}

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(Call) call = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    text = failed_text (call, error);
  else
    text = done_text (call, node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                              ? json_node_get_object (node) : NULL);
  toast (call->self, text);
  /* The stream brings the change too; asking now shows it even on a slow stream. */
  schedule_reload (call->self);
}

/* Sends @body (taken) to @method @path on behalf of the lead's action @what on @user_id. */
static void
send_call (DwAgentsNow *self,
           const char  *what,
           gint64       user_id,
           const char  *method,
           const char  *segment,
           JsonObject  *body,
           const char  *extra)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), body);
  g_autofree char *path = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/%s",
                                           user_id, segment);
  Call *call;

  json_object_unref (body);
  if (client (self) == NULL)
    return;
  call = g_new0 (Call, 1);
  call->self = g_object_ref (self);
  call->user_id = user_id;
  call->name = g_strdup (agent_name (self, user_id));
  call->what = g_strdup (what);
  call->extra = g_strdup (extra);
  /* Not the view's cancellable: a team switch must not drop a lead's change unanswered. */
  dw_client_request_async (client (self), method, path, node, NULL, call_done_cb, call);
}

static void
set_presence (DwAgentsNow *self,
              gint64       user_id,
              DwPresence   presence)
{
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, "presence", dw_presence_to_string (presence));
  send_call (self, presence == DW_PRESENCE_AWAY ? "set-away" : "set-online", user_id, "PUT",
             "presence", body, NULL);
}

static void
set_away_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  set_presence (DW_AGENTS_NOW (widget), g_variant_get_int64 (param), DW_PRESENCE_AWAY);
}

static void
set_online_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  set_presence (DW_AGENTS_NOW (widget), g_variant_get_int64 (param), DW_PRESENCE_ONLINE);
}

static AdwMessageDialog *
new_dialog (DwAgentsNow *self,
            const char  *heading,
            const char  *body)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body));
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  adw_message_dialog_set_close_response (dialog, "cancel");
  return dialog;
}

static void
capacity_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      DwAgentsNow      *self)
{
  GtkSpinButton *spin = g_object_get_data (G_OBJECT (dialog), "spin");
  gint64 user_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "user-id"));
  JsonObject *body;

  if (!g_str_equal (response, "change"))
    return;
  body = json_object_new ();
  json_object_set_int_member (body, "capacity", gtk_spin_button_get_value_as_int (spin));
  send_call (self, "change-capacity", user_id, "PUT", "capacity",
             body, NULL);
}

static void
change_capacity_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  DwAgentsNow *self = DW_AGENTS_NOW (widget);
  gint64 user_id = g_variant_get_int64 (param);
  DwAgentStatus *agent = find_agent (self, user_id);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *spin;

  if (agent == NULL)
    return;
  /* Translators: %s is an agent's name */
  body = g_strdup_printf (_("How many open tickets %s may hold at once. A raise hands waiting tickets on at once."),
                          dw_agent_status_get_display_name (agent));
  dialog = new_dialog (self, _("Change Capacity"), body);
  adw_message_dialog_add_response (dialog, "change", _("C_hange"));
  adw_message_dialog_set_response_appearance (dialog, "change", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "change");
  spin = gtk_spin_button_new_with_range (0, 1000, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), dw_agent_status_get_capacity (agent));
  gtk_widget_set_halign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Capacity"), -1);
  adw_message_dialog_set_extra_child (dialog, spin);
  g_object_set_data (G_OBJECT (dialog), "spin", spin);
  g_object_set_data (G_OBJECT (dialog), "user-id", GSIZE_TO_POINTER (user_id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (capacity_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
move_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  DwAgentsNow      *self)
{
  GtkDropDown *drop_down = g_object_get_data (G_OBJECT (dialog), "drop-down");
  GArray *ids = g_object_get_data (G_OBJECT (dialog), "team-ids");
  gint64 user_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "user-id"));
  guint selected = gtk_drop_down_get_selected (drop_down);
  gint64 to;
  DwTeam *team;
  JsonObject *body;

  if (!g_str_equal (response, "move") || selected >= ids->len)
    return;
  to = g_array_index (ids, gint64, selected);
  team = self->sync != NULL ? dw_sync_lookup_team (self->sync, to) : NULL;
  body = json_object_new ();
  json_object_set_int_member (body, "from_team_id", self->team_id);
  json_object_set_int_member (body, "to_team_id", to);
  send_call (self, "move", user_id, "POST", "move", body,
             team != NULL ? dw_team_get_name (team) : "");
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  DwAgentsNow *self = DW_AGENTS_NOW (widget);
  gint64 user_id = g_variant_get_int64 (param);
  DwUser *me = self->sync != NULL ? dw_sync_get_me (self->sync) : NULL;
  GListModel *teams = self->sync != NULL ? G_LIST_MODEL (dw_sync_get_teams (self->sync)) : NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *drop_down;

  if (me == NULL || teams == NULL || find_agent (self, user_id) == NULL)
    return;
  /* The lead's other teams (an admin's: every other team). */
  for (guint i = 0; i < g_list_model_get_n_items (teams); i++)
    {
      g_autoptr(DwTeam) team = g_list_model_get_item (teams, i);
      gint64 id = dw_team_get_id (team);

      if (id == self->team_id
          || (dw_user_get_role (me) != DW_ROLE_ADMIN && !dw_user_is_lead_of (me, id)))
        continue;
      g_array_append_val (ids, id);
      gtk_string_list_append (names, dw_team_get_name (team));
    }
  if (ids->len == 0)
    {
      toast (self, _("You lead no other team to move an agent to"));
      return;
    }

  /* Translators: %s is an agent's name */
  body = g_strdup_printf (_("%s leaves this team for the one chosen; its new and open tickets of this team go back to the queue."),
                          agent_name (self, user_id));
  dialog = new_dialog (self, _("Move to Team"), body);
  adw_message_dialog_add_response (dialog, "move", _("_Move"));
  adw_message_dialog_set_response_appearance (dialog, "move", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "move");
  drop_down = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL);
  gtk_widget_set_halign (drop_down, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (drop_down), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Team to move to"), -1);
  adw_message_dialog_set_extra_child (dialog, drop_down);
  g_object_set_data (G_OBJECT (dialog), "drop-down", drop_down);
  g_object_set_data_full (G_OBJECT (dialog), "team-ids", g_steal_pointer (&ids),
                          (GDestroyNotify) g_array_unref);
  g_object_set_data (G_OBJECT (dialog), "user-id", GSIZE_TO_POINTER (user_id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (move_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
release_to (DwAgentsNow *self,
            gint64       user_id,
            gint64       to_id)
{
  JsonObject *body = json_object_new ();

  if (to_id == 0)
    json_object_set_string_member (body, "to", "queue");
  else
    {
      JsonArray *to = json_array_new ();

      json_array_add_int_element (to, to_id);
      json_object_set_array_member (body, "to", to);
    }
  send_call (self, "release", user_id, "POST", "release",
             body, NULL);
}

static void
release_agent_picked_cb (DwAgentPicker *picker,
                         gint64         to_id,
                         DwAgentsNow   *self)
{
  gint64 user_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (picker), "user-id"));

  if (to_id != 0 && to_id != user_id)
    release_to (self, user_id, to_id);
}

static void
release_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     DwAgentsNow      *self)
{
  gint64 user_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "user-id"));

  if (g_str_equal (response, "queue"))
    release_to (self, user_id, 0);
  else if (g_str_equal (response, "agent") && self->sync != NULL)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      DwAgentPicker *picker = dw_agent_picker_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                   self->sync, 0, self->team_id, user_id);

      g_object_set_data (G_OBJECT (picker), "user-id", GSIZE_TO_POINTER (user_id));
      g_signal_connect_object (picker, "agent-picked", G_CALLBACK (release_agent_picked_cb),
                               self, 0);
      gtk_window_present (GTK_WINDOW (picker));
    }
}

static void
release_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  DwAgentsNow *self = DW_AGENTS_NOW (widget);
  gint64 user_id = g_variant_get_int64 (param);
  DwAgentStatus *agent = find_agent (self, user_id);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (agent == NULL)
    return;
  /* Translators: %s is an agent's name */
  body = g_strdup_printf (_("The new and open tickets of %s go back to the team's queue (an online agent is set away first), or to the agent chosen, within its capacity."),
                          dw_agent_status_get_display_name (agent));
  dialog = new_dialog (self, _("Reassign Open Tickets"), body);
  adw_message_dialog_add_response (dialog, "agent", _("To an _Agent…"));
  adw_message_dialog_add_response (dialog, "queue", _("To the _Queue"));
  adw_message_dialog_set_response_appearance (dialog, "queue", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "queue");
  g_object_set_data (G_OBJECT (dialog), "user-id", GSIZE_TO_POINTER (user_id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (release_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
message_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     DwAgentsNow      *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  gint64 user_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "user-id"));
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  JsonObject *body;

  if (!g_str_equal (response, "send") || *text == '\0')
    return;
  body = json_object_new ();
  json_object_set_string_member (body, "body", text);
  send_call (self, "message", user_id, "POST", "note", body,
             NULL);
}

static void
message_text_changed_cb (GtkEditable      *entry,
                         AdwMessageDialog *dialog)
{
  const char *text = gtk_editable_get_text (entry);

  while (g_ascii_isspace (*text))
    text++;
  adw_message_dialog_set_response_enabled (dialog, "send", *text != '\0');
}

static void
message_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  DwAgentsNow *self = DW_AGENTS_NOW (widget);
  gint64 user_id = g_variant_get_int64 (param);
  DwAgentStatus *agent = find_agent (self, user_id);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  if (agent == NULL)
    return;
  /* Translators: %s is an agent's name */
  body = g_strdup_printf (_("An internal note on each ticket of %s at risk or with a breach running."),
                          dw_agent_status_get_display_name (agent));
  dialog = new_dialog (self, _("Message"), body);
  adw_message_dialog_add_response (dialog, "send", _("_Send"));
  adw_message_dialog_set_response_appearance (dialog, "send", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "send");
  adw_message_dialog_set_response_enabled (dialog, "send", FALSE);
  entry = gtk_entry_new ();
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Message"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Message"), -1);
  g_signal_connect_object (entry, "changed", G_CALLBACK (message_text_changed_cb), dialog, 0);
  adw_message_dialog_set_extra_child (dialog, entry);
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_object_set_data (G_OBJECT (dialog), "user-id", GSIZE_TO_POINTER (user_id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (message_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------------------------ */
/* Context menu */

/* The agent of a row among @widget's descendants (a focused row holds its cells). */
static DwAgentStatus *
agent_in (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkListItem *list_item = g_object_get_data (G_OBJECT (child), "dw-list-item");
      DwAgentStatus *agent;

      if (list_item != NULL)
        return gtk_list_item_get_item (list_item);
      agent = agent_in (child);
      if (agent != NULL)
        return agent;
    }
  return NULL;
}

/* The agent of the row @widget is in (a cell, a button of it) or is (a row). */
static DwAgentStatus *
agent_at (GtkWidget *widget)
{
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      GtkListItem *list_item = g_object_get_data (G_OBJECT (w), "dw-list-item");

      if (list_item != NULL)
        return gtk_list_item_get_item (list_item);
      if (GTK_IS_COLUMN_VIEW (w) || GTK_IS_LIST_VIEW (w))
        break;
    }
  return widget != NULL ? agent_in (widget) : NULL;
}

static void
popup_menu (DwAgentsNow   *self,
            DwAgentStatus *agent,
            GtkWidget     *at,
            double         x,
            double         y)
{
  g_autoptr(GMenuModel) menu = NULL;
  graphene_point_t point;
  GdkRectangle rect;

  if (agent == NULL || !can_lead (self))
    return;
  menu = agent_menu (agent);
  if (self->context_menu == NULL)
    {
      self->context_menu = gtk_popover_menu_new_from_model (menu);
      gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
      gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
    }
  else
    gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->context_menu), menu);

  if (!gtk_widget_compute_point (at, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &point))
    point = GRAPHENE_POINT_INIT (0, 0);
  rect = (GdkRectangle) { (int) point.x, (int) point.y, 1, 1 };
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), &rect);
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
context_pressed_cb (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    DwAgentsNow     *self)
{
  GtkWidget *view = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkWidget *picked = gtk_widget_pick (view, x, y, GTK_PICK_DEFAULT);
  DwAgentStatus *agent = picked != NULL ? agent_at (picked) : NULL;

  if (agent == NULL)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_menu (self, agent, view, x, y);
}

/* Shift+F10 or the Menu key: the menu of the row that has the focus. */
static void
context_menu_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  DwAgentsNow *self = DW_AGENTS_NOW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  DwAgentStatus *agent;
  graphene_rect_t bounds;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, widget))
    return;
  agent = agent_at (focus);
  if (agent == NULL || !gtk_widget_compute_bounds (focus, focus, &bounds))
    return;
  popup_menu (self, agent, focus, bounds.size.width / 2, bounds.size.height / 2);
}

static void
add_context_gesture (DwAgentsNow *self,
                     GtkWidget   *view)
{
  GtkGesture *gesture = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (context_pressed_cb), self);
  gtk_widget_add_controller (view, GTK_EVENT_CONTROLLER (gesture));
}

/* ------------------------------------------------------------------------------------------ */
/* Layout: the wide table, or one column of rows below NARROW_WIDTH */

static gboolean
apply_layout_cb (gpointer data)
{
  DwAgentsNow *self = data;

  self->layout_id = 0;
  show_agents (self);
  return G_SOURCE_REMOVE;
}

static void
dw_agents_now_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  DwAgentsNow *self = DW_AGENTS_NOW (widget);

  gtk_widget_measure (GTK_WIDGET (self->toast_overlay), orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

static void
dw_agents_now_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  DwAgentsNow *self = DW_AGENTS_NOW (widget);
  gboolean narrow = width < NARROW_WIDTH;

  gtk_widget_allocate (GTK_WIDGET (self->toast_overlay), width, height, baseline, NULL);
  /* Only an open menu has a surface to move. */
  if (self->context_menu != NULL && gtk_widget_get_visible (self->context_menu))
    gtk_popover_present (GTK_POPOVER (self->context_menu));
  /* Switching the stack inside an allocation would queue another one from within it. */
  if (narrow != self->narrow)
    {
      self->narrow = narrow;
      if (self->layout_id == 0)
        self->layout_id = g_idle_add (apply_layout_cb, self);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Overrides */

static void
dw_agents_now_dispose (GObject *object)
{
  DwAgentsNow *self = DW_AGENTS_NOW (object);

  dw_agents_now_set_context (self, NULL, NULL);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->layout_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  g_clear_pointer (&self->bound, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_AGENTS_NOW);

  G_OBJECT_CLASS (dw_agents_now_parent_class)->dispose (object);
}

static void
dw_agents_now_finalize (GObject *object)
{
  DwAgentsNow *self = DW_AGENTS_NOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->agents);
  g_clear_object (&self->filter);
  g_clear_object (&self->sorted);
  g_free (self->last_toast);

  G_OBJECT_CLASS (dw_agents_now_parent_class)->finalize (object);
}

static void
dw_agents_now_map (GtkWidget *widget)
{
  DwAgentsNow *self = DW_AGENTS_NOW (widget);

  GTK_WIDGET_CLASS (dw_agents_now_parent_class)->map (widget);
  if (self->missed)
    {
      self->missed = FALSE;
      schedule_reload (self);
    }
}

static void
dw_agents_now_class_init (DwAgentsNowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_agents_now_dispose;
  object_class->finalize = dw_agents_now_finalize;
  widget_class->map = dw_agents_now_map;
  widget_class->measure = dw_agents_now_measure;
  widget_class->size_allocate = dw_agents_now_size_allocate;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/agents/dw-agents-now.ui");
  gtk_widget_class_bind_template_child (widget_class, DwAgentsNow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsNow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsNow, presence_drop_down);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsNow, stale_label);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsNow, stack);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsNow, status_page);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsNow, column_view);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsNow, name_column);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsNow, presence_column);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsNow, load_column);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsNow, waiting_column);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsNow, sla_column);
  gtk_widget_class_bind_template_child (widget_class, DwAgentsNow, narrow_list);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);

  gtk_widget_class_install_action (widget_class, "agents.set-away", "x", set_away_action);
  gtk_widget_class_install_action (widget_class, "agents.set-online", "x", set_online_action);
  gtk_widget_class_install_action (widget_class, "agents.change-capacity", "x",
                                   change_capacity_action);
  gtk_widget_class_install_action (widget_class, "agents.move", "x", move_action);
  gtk_widget_class_install_action (widget_class, "agents.release", "x", release_action);
  gtk_widget_class_install_action (widget_class, "agents.message", "x", message_action);
  gtk_widget_class_install_action (widget_class, "agents.context-menu", NULL, context_menu_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK,
                                       "agents.context-menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "agents.context-menu", NULL);

  gtk_widget_class_set_css_name (widget_class, "dw-agents-now");
}

static void
dw_agents_now_init (DwAgentsNow *self)
{
  g_autoptr(GtkListItemFactory) name = NULL;
  g_autoptr(GtkListItemFactory) presence = NULL;
  g_autoptr(GtkListItemFactory) load_f = NULL;
  g_autoptr(GtkListItemFactory) waiting = NULL;
  g_autoptr(GtkListItemFactory) sla = NULL;
  g_autoptr(GtkListItemFactory) narrow = NULL;
  GtkFilterListModel *filtered;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->bound = g_ptr_array_new ();
  self->agents = g_list_store_new (DW_TYPE_AGENT_STATUS);
  self->filter = GTK_FILTER (gtk_custom_filter_new (filter_cb, self, NULL));
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->agents)),
                                        g_object_ref (self->filter));

  set_column_sorter (self->name_column, DW_AGENT_SORT_NAME);
  set_column_sorter (self->presence_column, DW_AGENT_SORT_PRESENCE);
  set_column_sorter (self->load_column, DW_AGENT_SORT_LOAD);
  set_column_sorter (self->waiting_column, DW_AGENT_SORT_WAITING);
  set_column_sorter (self->sla_column, DW_AGENT_SORT_SLA);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (filtered),
                                          g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  g_signal_connect_object (self->sorted, "items-changed", G_CALLBACK (shown_changed_cb), self,
                           G_CONNECT_SWAPPED);

  name = cell_factory (self, CELL_NAME);
  presence = cell_factory (self, CELL_PRESENCE);
  load_f = cell_factory (self, CELL_LOAD);
  waiting = cell_factory (self, CELL_WAITING);
  sla = cell_factory (self, CELL_SLA);
  narrow = cell_factory (self, CELL_NARROW);
  gtk_column_view_column_set_factory (self->name_column, name);
  gtk_column_view_column_set_factory (self->presence_column, presence);
  gtk_column_view_column_set_factory (self->load_column, load_f);
  gtk_column_view_column_set_factory (self->waiting_column, waiting);
  gtk_column_view_column_set_factory (self->sla_column, sla);
  gtk_list_view_set_factory (self->narrow_list, narrow);

  gtk_column_view_set_model (self->column_view,
                             GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->sorted)))));
  gtk_list_view_set_model (self->narrow_list,
                           GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->sorted)))));
  gtk_column_view_sort_by_column (self->column_view, self->name_column, GTK_SORT_ASCENDING);

  add_context_gesture (self, GTK_WIDGET (self->column_view));
  add_context_gesture (self, GTK_WIDGET (self->narrow_list));

  show_status (self, _("No Team"), _("Agents are shown for the teams you lead."));
  update_actions (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API */

GtkWidget *
dw_agents_now_new (void)
{
  return g_object_new (DW_TYPE_AGENTS_NOW, NULL);
}

void
dw_agents_now_set_context (DwAgentsNow *self,
                           DwSync      *sync,
                           DwClock     *clock)
{
  g_return_if_fail (DW_IS_AGENTS_NOW (self));

  g_set_object (&self->clock, clock);
  if (self->sync == sync)
    return;
  if (self->sync != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->sync, self);
      g_clear_object (&self->sync);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (sync == NULL)
    return;
  self->sync = g_object_ref (sync);
  g_signal_connect_object (sync, "event", G_CALLBACK (event_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "resynced", G_CALLBACK (schedule_reload), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (sync_state_changed_cb), self,
                           G_CONNECT_SWAPPED);
  self->tick_id = g_timeout_add_seconds (TICK_SECONDS, tick_cb, self);
  update_stale (self);
  load (self);
}

void
dw_agents_now_set_team (DwAgentsNow *self,
                        gint64       team_id)
{
  g_return_if_fail (DW_IS_AGENTS_NOW (self));

  if (team_id == self->team_id)
    return;
  self->team_id = team_id;
  /* Another team's agents are not this one's: nothing of them stays on screen. */
  g_list_store_remove_all (self->agents);
  self->has_figures = FALSE;
  self->loaded_at = 0;
  load (self);
}

GListModel *
dw_agents_now_get_model (DwAgentsNow *self)
{
  g_return_val_if_fail (DW_IS_AGENTS_NOW (self), NULL);
  return G_LIST_MODEL (self->sorted);
}

GListModel *
dw_agents_now_get_agents (DwAgentsNow *self)
{
  g_return_val_if_fail (DW_IS_AGENTS_NOW (self), NULL);
  return G_LIST_MODEL (self->agents);
}

guint
dw_agents_now_get_n_loads (DwAgentsNow *self)
{
  g_return_val_if_fail (DW_IS_AGENTS_NOW (self), 0);
  return self->n_loads;
}

void
dw_agents_now_set_search (DwAgentsNow *self,
                          const char  *text)
{
  g_return_if_fail (DW_IS_AGENTS_NOW (self));
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* The entry waits a moment before it says so; a caller wants it now. */
  filter_changed_cb (self);
}

void
dw_agents_now_set_presence_filter (DwAgentsNow *self,
                                   int          presence)
{
  guint position;

  g_return_if_fail (DW_IS_AGENTS_NOW (self));

  switch (presence)
    {
    case DW_PRESENCE_ONLINE: position = 1; break;
    case DW_PRESENCE_AWAY: position = 2; break;
    case DW_PRESENCE_OFFLINE: position = 3; break;
    default: position = 0; break;
    }
  gtk_drop_down_set_selected (self->presence_drop_down, position);
}

void
dw_agents_now_sort_by (DwAgentsNow    *self,
                       DwAgentSortKey  key,
                       GtkSortType     order)
{
  GtkColumnViewColumn *columns[] = {
    [DW_AGENT_SORT_NAME] = self->name_column,
    [DW_AGENT_SORT_PRESENCE] = self->presence_column,
    [DW_AGENT_SORT_LOAD] = self->load_column,
    [DW_AGENT_SORT_WAITING] = self->waiting_column,
    [DW_AGENT_SORT_SLA] = self->sla_column,
  };

  g_return_if_fail (DW_IS_AGENTS_NOW (self));
  g_return_if_fail (key <= DW_AGENT_SORT_SLA);
  gtk_column_view_sort_by_column (self->column_view, columns[key], order);
}

gboolean
dw_agents_now_get_narrow (DwAgentsNow *self)
{
  g_return_val_if_fail (DW_IS_AGENTS_NOW (self), FALSE);
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "narrow") == 0;
}

gboolean
dw_agents_now_get_stale (DwAgentsNow *self)
{
  g_return_val_if_fail (DW_IS_AGENTS_NOW (self), FALSE);
  return gtk_widget_has_css_class (GTK_WIDGET (self->stack), "dw-stale");
}

const char *
dw_agents_now_get_last_toast (DwAgentsNow *self)
{
  g_return_val_if_fail (DW_IS_AGENTS_NOW (self), NULL);
  return self->last_toast;
}
