/* dw-sla-board.c
 *
 * The board keeps no copy of the tickets: DwSlaWatch follows the sync's ticket list, the rows
 * follow the watch's items.  The only timer is the 1-second tick.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-agent-picker.h"
#include "dw-queue-actions.h"
#include "dw-sla-board.h"
#include "dw-sla-compliance.h"
#include "dw-sla-row.h"
#include "dw-widget-util.h"
#include "dw-window.h"

struct _DwSlaBoard
{
  GtkWidget     parent_instance;

  GtkLabel     *summary_label;
  GtkStack     *view_stack;
  GtkStack     *live_stack;
  GtkListView  *list_view;
  DwSlaCompliance *compliance;

  DwSync       *sync;
  DwClock      *clock;
  DwSlaWatch   *watch;
  gboolean      model_pending;  /* the list view is given the watch when the board is shown */
  GHashTable   *calendars;   /* calendar id → DwCalendar */
  GHashTable   *policies;    /* policy id → name */
  GCancellable *cancellable;
  guint         tick_id;
  gboolean      calendars_loaded;
};

G_DEFINE_FINAL_TYPE (DwSlaBoard, dw_sla_board, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SYNC,
  PROP_CLOCK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

gint64
dw_sla_board_get_now (DwSlaBoard *self)
{
  g_return_val_if_fail (DW_IS_SLA_BOARD (self), 0);
  return self->clock != NULL ? dw_clock_now (self->clock) : g_get_real_time () / G_USEC_PER_SEC;
}

static void
update_summary (DwSlaBoard *self)
{
  g_autofree char *text = NULL;
  g_autofree char *breached_text = NULL;
  g_autofree char *at_risk_text = NULL;
  guint breached = 0, at_risk = 0;

  if (self->watch != NULL)
    {
      /* Tickets, as the Queues cards count them (docs/api.md "Figures"); a ticket late on two
       * targets has two rows but is one breached ticket. */
      breached = dw_sla_watch_count_tickets (self->watch, DW_SLA_STATE_BREACHED);
      at_risk = dw_sla_watch_count_tickets (self->watch, DW_SLA_STATE_AT_RISK);
    }

  if (breached == 0 && at_risk == 0)
    text = g_strdup (_("Nothing at risk"));
  else
    {
      breached_text = g_strdup_printf (g_dngettext (NULL, "%u breached", "%u breached", breached),
                                       breached);
      at_risk_text = g_strdup_printf (g_dngettext (NULL, "%u at risk", "%u at risk", at_risk),
                                      at_risk);
      /* Translators: the two counts, e.g. "3 breached · 5 at risk". */
      text = g_strdup_printf (_("%s · %s"), breached_text, at_risk_text);
    }
  gtk_label_set_label (self->summary_label, text);
  gtk_stack_set_visible_child_name (self->live_stack, breached + at_risk > 0 ? "list" : "empty");
}

void
dw_sla_board_tick (DwSlaBoard *self)
{
  g_return_if_fail (DW_IS_SLA_BOARD (self));

  if (self->watch != NULL)
    dw_sla_watch_tick (self->watch, dw_sla_board_get_now (self));
  update_summary (self);
}

static gboolean
tick_cb (gpointer user_data)
{
  dw_sla_board_tick (DW_SLA_BOARD (user_data));
  return G_SOURCE_CONTINUE;
}

/* Calendars and policy names */

DwCalendar *
dw_sla_board_get_team_calendar (DwSlaBoard *self,
                                gint64      team_id)
{
  DwTeam *team;
  gint64 calendar_id;

  g_return_val_if_fail (DW_IS_SLA_BOARD (self), NULL);

  if (self->sync == NULL || (team = dw_sync_lookup_team (self->sync, team_id)) == NULL)
    return NULL;
  calendar_id = dw_team_get_calendar_id (team);
  return g_hash_table_lookup (self->calendars, &calendar_id);
}

const char *
dw_sla_board_get_policy_name (DwSlaBoard *self,
                              gint64      policy_id)
{
  g_return_val_if_fail (DW_IS_SLA_BOARD (self), NULL);
  return g_hash_table_lookup (self->policies, &policy_id);
}

static void
apply_calendars (DwSlaBoard *self)
{
  GListModel *teams;

  if (self->sync == NULL || self->watch == NULL)
    return;

  teams = G_LIST_MODEL (dw_sync_get_teams (self->sync));
  for (guint i = 0; i < g_list_model_get_n_items (teams); i++)
    {
      g_autoptr(DwTeam) team = g_list_model_get_item (teams, i);
      gint64 team_id = dw_team_get_id (team);

      dw_sla_watch_set_calendar (self->watch, team_id,
                                 dw_sla_board_get_team_calendar (self, team_id));
    }
  update_summary (self);
}

static gint64 *
id_key (gint64 id)
{
  gint64 *key = g_new (gint64, 1);

  *key = id;
  return key;
}

static void
calendars_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DwSlaBoard) self = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *items;

  node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  if (node == NULL)
    {
      /* Countdowns then count wall-clock time until the next resync tries again. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Calendars: %s", error->message);
      return;
    }

  items = json_object_get_array_member (json_node_get_object (node), "items");
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *object = json_array_get_object_element (items, i);
      g_autoptr(GError) parse_error = NULL;
      DwCalendar *calendar;

      /* null: an item the client could not read and left out (dw_json_parse_tolerant). */
      if (object == NULL)
        continue;
      calendar = dw_calendar_new_from_json (object, &parse_error);
      if (calendar == NULL)
        {
          g_debug ("Calendar: %s", parse_error->message);
          continue;
        }
      g_hash_table_replace (self->calendars, id_key (json_object_get_int_member (object, "id")),
                            calendar);
    }
  self->calendars_loaded = TRUE;
  apply_calendars (self);
}

static void
policies_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DwSlaBoard) self = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *items;

  node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  if (node == NULL)
    return;

  items = json_object_get_array_member (json_node_get_object (node), "items");
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *object = json_array_get_object_element (items, i);

      /* null: an item the client could not read and left out (dw_json_parse_tolerant). */
      if (object == NULL)
        continue;
      g_hash_table_replace (self->policies, id_key (json_object_get_int_member (object, "id")),
                            g_strdup (json_object_get_string_member_with_default (object, "name", "")));
    }
  /* Names show at the next tick's notifications; rebind the visible rows now. */
  gtk_widget_queue_draw (GTK_WIDGET (self->list_view));
}

static void
resynced_cb (DwSlaBoard *self,
             DwSync     *sync)
{
  DwClient *client = dw_sync_get_client (sync);

  dw_client_request_async (client, "GET", "/api/v1/calendars", NULL, self->cancellable,
                           calendars_cb, g_object_ref (self));
  dw_client_request_async (client, "GET", "/api/v1/sla/policies", NULL, self->cancellable,
                           policies_cb, g_object_ref (self));
}

static void
teams_changed_cb (DwSlaBoard *self)
{
  apply_calendars (self);
}

/* Rows */

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              DwSlaBoard               *self)
{
  gtk_list_item_set_child (list_item, dw_sla_row_new (self));
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             DwSlaBoard               *self)
{
  dw_sla_row_set_item (DW_SLA_ROW (gtk_list_item_get_child (list_item)),
                       gtk_list_item_get_item (list_item));
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               DwSlaBoard               *self)
{
  dw_sla_row_set_item (DW_SLA_ROW (gtk_list_item_get_child (list_item)), NULL);
}

static void
row_activated_cb (DwSlaBoard  *self,
                  guint        position,
                  GtkListView *list_view)
{
  g_autoptr(DwSlaWatchItem) item = NULL;

  if (self->watch == NULL)
    return;
  item = g_list_model_get_item (G_LIST_MODEL (self->watch), position);
  if (item != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-ticket", "x",
                                dw_ticket_get_id (dw_sla_watch_item_get_ticket (item)));
}

/* Lead actions, straight from a row */

static void
action_done_cb (DwTicket     *ticket,
                const GError *error,
                const char   *message,
                gpointer      user_data)
{
  g_autoptr(DwSlaBoard) self = user_data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (message != NULL && DW_IS_WINDOW (root))
    dw_window_add_toast (DW_WINDOW (root), message);
}

static DwTicket *
lookup_ticket (DwSlaBoard *self,
               GVariant   *param)
{
  if (self->sync == NULL)
    return NULL;
  return dw_sync_lookup_ticket (self->sync, g_variant_get_int64 (param));
}

static void
patch (DwSlaBoard *self,
       DwTicket   *ticket,
       JsonObject *changes)
{
  dw_queue_actions_patch (self->sync, ticket, changes, action_done_cb, g_object_ref (self));
}

static void
agent_picked_cb (DwAgentPicker *picker,
                 gint64         user_id,
                 gpointer       user_data)
{
  DwSlaBoard *self = user_data;
  gint64 ticket_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (picker), "dw-ticket-id"));
  DwTicket *ticket = self->sync != NULL ? dw_sync_lookup_ticket (self->sync, ticket_id) : NULL;
  g_autoptr(JsonObject) changes = NULL;

  if (ticket == NULL || dw_ticket_get_assignee_id (ticket) == user_id)
    return;
  changes = dw_queue_actions_reassign (user_id);
  patch (self, ticket, changes);
}

static void
reassign_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  DwSlaBoard *self = DW_SLA_BOARD (widget);
  DwTicket *ticket = lookup_ticket (self, param);
  DwAgentPicker *picker;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (ticket == NULL)
    return;
  picker = dw_agent_picker_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->sync,
                                dw_ticket_get_id (ticket), dw_ticket_get_team_id (ticket),
                                dw_ticket_get_assignee_id (ticket));
  g_object_set_data (G_OBJECT (picker), "dw-ticket-id",
                     GSIZE_TO_POINTER ((gsize) dw_ticket_get_id (ticket)));
  g_signal_connect_object (picker, "agent-picked", G_CALLBACK (agent_picked_cb), self, 0);
  gtk_window_present (GTK_WINDOW (picker));
}

static void
escalate_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  DwSlaBoard *self = DW_SLA_BOARD (widget);
  DwTicket *ticket = lookup_ticket (self, param);
  g_autoptr(JsonObject) changes = NULL;

  if (ticket == NULL)
    return;
  changes = dw_queue_actions_escalate (ticket);
  patch (self, ticket, changes);
}

static void
priority_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  DwSlaBoard *self = DW_SLA_BOARD (widget);
  DwTicket *ticket = lookup_ticket (self, param);
  g_autoptr(JsonObject) changes = NULL;
  int priority;

  if (ticket == NULL)
    return;
  priority = dw_ticket_get_priority (ticket);
  if (g_str_equal (name, "sla.raise-priority"))
    priority = MIN (priority + 1, DW_PRIORITY_URGENT);
  else
    priority = MAX (priority - 1, DW_PRIORITY_LOW);
  if ((DwPriority) priority == dw_ticket_get_priority (ticket))
    return;
  changes = dw_queue_actions_set_priority (priority);
  patch (self, ticket, changes);
}

/* A list view given a model makes rows for its first items at once (up to 200 before its first
 * allocation), shown or not: each DwSlaRow is a template with a menu button, and made while the
 * board was hidden behind the Queues section they were a quarter of a saved desk's start to the
 * first frame with tickets.  The board's summary and its empty page follow the watch itself. */
static void
give_list_model (DwSlaBoard *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  if (!self->model_pending || self->watch == NULL)
    return;
  self->model_pending = FALSE;
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->watch)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
}

static void
dw_sla_board_map (GtkWidget *widget)
{
  DwSlaBoard *self = DW_SLA_BOARD (widget);

  GTK_WIDGET_CLASS (dw_sla_board_parent_class)->map (widget);
  give_list_model (self);
}

/* GObject */

static void
dw_sla_board_dispose (GObject *object)
{
  DwSlaBoard *self = DW_SLA_BOARD (object);

  dw_sla_board_set_sync (self, NULL);
  g_clear_object (&self->clock);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  dw_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_SLA_BOARD);

  G_OBJECT_CLASS (dw_sla_board_parent_class)->dispose (object);
}

static void
dw_sla_board_finalize (GObject *object)
{
  DwSlaBoard *self = DW_SLA_BOARD (object);

  g_hash_table_unref (self->calendars);
  g_hash_table_unref (self->policies);

  G_OBJECT_CLASS (dw_sla_board_parent_class)->finalize (object);
}

static void
dw_sla_board_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  DwSlaBoard *self = DW_SLA_BOARD (object);

  switch (prop_id)
    {
    case PROP_SYNC:
      g_value_set_object (value, self->sync);
      break;
    case PROP_CLOCK:
      g_value_set_object (value, self->clock);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_sla_board_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  DwSlaBoard *self = DW_SLA_BOARD (object);

  switch (prop_id)
    {
    case PROP_SYNC:
      dw_sla_board_set_sync (self, g_value_get_object (value));
      break;
    case PROP_CLOCK:
      dw_sla_board_set_clock (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_sla_board_class_init (DwSlaBoardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_sla_board_dispose;
  object_class->finalize = dw_sla_board_finalize;
  object_class->get_property = dw_sla_board_get_property;
  object_class->set_property = dw_sla_board_set_property;
  widget_class->map = dw_sla_board_map;

  properties[PROP_SYNC] =
    g_param_spec_object ("sync", NULL, NULL, DW_TYPE_SYNC,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLOCK] =
    g_param_spec_object ("clock", NULL, NULL, DW_TYPE_CLOCK,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (DW_TYPE_SLA_COMPLIANCE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/sla/dw-sla-board.ui");
  gtk_widget_class_bind_template_child (widget_class, DwSlaBoard, summary_label);
  gtk_widget_class_bind_template_child (widget_class, DwSlaBoard, view_stack);
  gtk_widget_class_bind_template_child (widget_class, DwSlaBoard, live_stack);
  gtk_widget_class_bind_template_child (widget_class, DwSlaBoard, list_view);
  gtk_widget_class_bind_template_child (widget_class, DwSlaBoard, compliance);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_install_action (widget_class, "sla.reassign", "x", reassign_action);
  gtk_widget_class_install_action (widget_class, "sla.escalate", "x", escalate_action);
  gtk_widget_class_install_action (widget_class, "sla.raise-priority", "x", priority_action);
  gtk_widget_class_install_action (widget_class, "sla.lower-priority", "x", priority_action);
}

static void
dw_sla_board_init (DwSlaBoard *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->calendars = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->policies = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->cancellable = g_cancellable_new ();

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  update_summary (self);
}

GtkWidget *
dw_sla_board_new (void)
{
  return g_object_new (DW_TYPE_SLA_BOARD, NULL);
}

DwSync *
dw_sla_board_get_sync (DwSlaBoard *self)
{
  g_return_val_if_fail (DW_IS_SLA_BOARD (self), NULL);
  return self->sync;
}

/* The countdowns and the summary keep what the service last said while it is not
 * connected: dimmed, not taken for live (the connection strip says since when). */
static void
sync_state_changed_cb (DwSlaBoard *self)
{
  if (self->sync == NULL || dw_sync_get_state (self->sync) == DW_SYNC_STATE_CONNECTED)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->live_stack), "dw-stale");
      gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "dw-stale");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->live_stack), "dw-stale");
      gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "dw-stale");
    }
}

gboolean
dw_sla_board_get_stale (DwSlaBoard *self)
{
  g_return_val_if_fail (DW_IS_SLA_BOARD (self), FALSE);
  return gtk_widget_has_css_class (GTK_WIDGET (self->live_stack), "dw-stale");
}

void
dw_sla_board_set_sync (DwSlaBoard *self,
                       DwSync     *sync)
{
  g_return_if_fail (DW_IS_SLA_BOARD (self));
  g_return_if_fail (sync == NULL || DW_IS_SYNC (sync));

  if (self->sync == sync)
    return;

  if (self->sync != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->sync, self);
      g_signal_handlers_disconnect_by_data (dw_sync_get_teams (self->sync), self);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->tick_id, g_source_remove);
  gtk_list_view_set_model (self->list_view, NULL);
  self->model_pending = FALSE;
  g_clear_object (&self->watch);
  g_hash_table_remove_all (self->calendars);
  g_hash_table_remove_all (self->policies);
  self->calendars_loaded = FALSE;

  g_set_object (&self->sync, sync);
  dw_sla_compliance_set_client (self->compliance, sync != NULL ? dw_sync_get_client (sync) : NULL);
  if (sync != NULL)
    g_signal_connect_object (sync, "notify::state", G_CALLBACK (sync_state_changed_cb), self,
                             G_CONNECT_SWAPPED);
  sync_state_changed_cb (self);

  if (sync != NULL)
    {
      self->watch = dw_sla_watch_new (G_LIST_MODEL (dw_sync_get_tickets (sync)),
                                      dw_sla_board_get_now (self));
      self->model_pending = TRUE;
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        give_list_model (self);

      g_signal_connect_object (sync, "resynced", G_CALLBACK (resynced_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (sync, "event::sla.changed",
                               G_CALLBACK (dw_sla_compliance_queue_refresh), self->compliance,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (dw_sync_get_teams (sync), "items-changed",
                               G_CALLBACK (teams_changed_cb), self, G_CONNECT_SWAPPED);
      if (dw_sync_get_me (sync) != NULL)
        resynced_cb (self, sync);
      self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
    }
  update_summary (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC]);
}

void
dw_sla_board_set_clock (DwSlaBoard *self,
                        DwClock    *clock)
{
  g_return_if_fail (DW_IS_SLA_BOARD (self));

  if (g_set_object (&self->clock, clock))
    {
      dw_sla_board_tick (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOCK]);
    }
}

DwSlaWatch *
dw_sla_board_get_watch (DwSlaBoard *self)
{
  g_return_val_if_fail (DW_IS_SLA_BOARD (self), NULL);
  return self->watch;
}

gboolean
dw_sla_board_get_calendars_loaded (DwSlaBoard *self)
{
  g_return_val_if_fail (DW_IS_SLA_BOARD (self), FALSE);
  return self->calendars_loaded;
}

GtkWidget *
dw_sla_board_get_compliance (DwSlaBoard *self)
{
  g_return_val_if_fail (DW_IS_SLA_BOARD (self), NULL);
  return GTK_WIDGET (self->compliance);
}

void
dw_sla_board_show_compliance (DwSlaBoard *self,
                              gboolean    compliance)
{
  g_return_if_fail (DW_IS_SLA_BOARD (self));
  gtk_stack_set_visible_child_name (self->view_stack, compliance ? "compliance" : "live");
}
