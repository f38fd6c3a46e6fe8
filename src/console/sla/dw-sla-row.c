/* dw-sla-row.c
 *
 * A row follows its item's and its ticket's notifications, so the one tick of the board that
 * updates the items updates the rows on screen; rows off screen are not bound to anything.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-queue-format.h"
#include "dw-sla-board.h"
#include "dw-sla-row.h"
#include "dw-widget-util.h"

struct _DwSlaRow
{
  GtkWidget       parent_instance;

  GtkLabel       *countdown_label;
  GtkLabel       *mode_label;
  GtkLabel       *title_label;
  GtkLabel       *meta_label;
  GtkLabel       *detail_label;
  GtkMenuButton  *menu_button;

  DwSlaBoard     *board;   /* not owned: the board outlives its rows */
  DwSlaWatchItem *item;
  DwTicket       *ticket;
  gboolean        can_raise;
};

G_DEFINE_FINAL_TYPE (DwSlaRow, dw_sla_row, GTK_TYPE_WIDGET)

static char *
describe_mode (DwSlaRow *self)
{
  const DwSlaCountdown *countdown = dw_sla_watch_item_get_countdown (self->item);
  int hour, minute, days_ahead, weekday;

  switch (countdown->mode)
    {
    case DW_SLA_COUNTDOWN_STOPPED_PENDING:
      return g_strdup (_("Paused — waiting for the customer"));

    case DW_SLA_COUNTDOWN_STOPPED_OUTSIDE_HOURS:
      if (!dw_sla_countdown_resume_time (dw_sla_board_get_team_calendar (self->board,
                                                                         dw_ticket_get_team_id (self->ticket)),
                                         dw_sla_board_get_now (self->board),
                                         countdown->resumes_at, &hour, &minute, &days_ahead,
                                         &weekday))
        return g_strdup (_("Paused — outside business hours"));
      if (days_ahead == 0)
        /* Translators: the clock of an SLA target stands still; %02d:%02d is the hour it resumes. */
        return g_strdup_printf (_("Paused — outside business hours, resumes at %02d:%02d"),
                                hour, minute);
      if (days_ahead == 1)
        return g_strdup_printf (_("Paused — outside business hours, resumes tomorrow at %02d:%02d"),
                                hour, minute);
      return g_strdup_printf (_("Paused — outside business hours, resumes in %d days at %02d:%02d"),
                              days_ahead, hour, minute);

    case DW_SLA_COUNTDOWN_DONE:
      return g_strdup (_("Met"));

    case DW_SLA_COUNTDOWN_RUNNING:
    default:
      if (countdown->remaining < 0)
        return g_strdup (_("Overdue, in business time"));
      return g_strdup (_("Left, in business time"));
    }
}

static void
update (DwSlaRow *self)
{
  g_autofree char *countdown = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GString) meta = NULL;
  g_autoptr(GString) detail = NULL;
  DwSync *sync = dw_sla_board_get_sync (self->board);
  DwSlaState state;
  DwTeam *team;
  DwUser *assignee;
  const char *policy;
  const char * const *tags;

  if (self->item == NULL)
    return;

  state = dw_sla_watch_item_get_state (self->item);
  countdown = dw_sla_countdown_format_clock (dw_sla_watch_item_get_remaining (self->item));
  gtk_label_set_label (self->countdown_label, countdown);
  if (state == DW_SLA_STATE_BREACHED)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->countdown_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->countdown_label), "warning");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->countdown_label), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (self->countdown_label), "error");
    }

  mode = describe_mode (self);
  gtk_label_set_label (self->mode_label, mode);

  title = g_strdup_printf ("#%" G_GINT64_FORMAT " %s", dw_ticket_get_id (self->ticket),
                           dw_ticket_get_subject (self->ticket));
  gtk_label_set_label (self->title_label, title);

  /* Target, state, team, assignee, priority: what a lead decides by. */
  meta = g_string_new (dw_sla_target_label (dw_sla_watch_item_get_target (self->item)));
  g_string_append_printf (meta, " · %s", dw_sla_state_label (state));
  team = sync != NULL ? dw_sync_lookup_team (sync, dw_ticket_get_team_id (self->ticket)) : NULL;
  if (team != NULL)
    g_string_append_printf (meta, " · %s", dw_team_get_name (team));
  assignee = sync != NULL ? dw_sync_lookup_user (sync, dw_ticket_get_assignee_id (self->ticket)) : NULL;
  g_string_append_printf (meta, " · %s",
                          assignee != NULL ? dw_user_get_display_name (assignee) : _("Unassigned"));
  g_string_append_printf (meta, " · %s", dw_priority_label (dw_ticket_get_priority (self->ticket)));
  gtk_label_set_label (self->meta_label, meta->str);

  /* Nothing above Urgent or below Low: the menu offers only a step that exists. */
  self->can_raise = dw_ticket_get_priority (self->ticket) < DW_PRIORITY_URGENT;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.raise-priority", self->can_raise);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.lower-priority",
                                 dw_ticket_get_priority (self->ticket) > DW_PRIORITY_LOW);

  detail = g_string_new (NULL);
  policy = dw_sla_board_get_policy_name (self->board, dw_ticket_get_sla_policy_id (self->ticket));
  if (policy != NULL)
    /* Translators: the SLA policy that applies to a ticket. */
    g_string_append_printf (detail, _("Policy: %s"), policy);
  tags = dw_ticket_get_tags (self->ticket);
  if (tags != NULL && tags[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", (char **) tags);

      if (detail->len > 0)
        g_string_append (detail, " · ");
      /* Translators: the customer's tags, e.g. "Tags: vip, 大促". */
      g_string_append_printf (detail, _("Tags: %s"), joined);
    }
  gtk_label_set_label (self->detail_label, detail->str);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), detail->len > 0);
}

/* One menu for the row's life, made once: rows are rebound as the list moves, and making a
 * popover menu on every bind was most of the console's start-up on a busy desk.  Its actions
 * are the row's, and pass on whichever ticket the row shows at the time. */
static GMenuModel *
make_menu (void)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenuItem) raise = g_menu_item_new (_("Raise _Priority"), "row.raise-priority");
  g_autoptr(GMenuItem) lower = g_menu_item_new (_("_Lower Priority"), "row.lower-priority");

  g_menu_append (menu, _("_Open Ticket"), "row.open");
  g_menu_append (menu, _("_Reassign…"), "row.reassign");
  g_menu_append (menu, _("_Escalate"), "row.escalate");
  /* An Urgent ticket has no priority above it: the item goes rather than greying out. */
  g_menu_item_set_attribute (raise, "hidden-when", "s", "action-disabled");
  g_menu_item_set_attribute (lower, "hidden-when", "s", "action-disabled");
  g_menu_append_item (menu, raise);
  g_menu_append_item (menu, lower);
  return G_MENU_MODEL (menu);
}

static void
row_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  DwSlaRow *self = DW_SLA_ROW (widget);
  static const struct { const char *row; const char *forward; } map[] = {
    { "row.open", "win.show-ticket" },
    { "row.reassign", "sla.reassign" },
    { "row.escalate", "sla.escalate" },
    { "row.raise-priority", "sla.raise-priority" },
    { "row.lower-priority", "sla.lower-priority" },
  };

  if (self->ticket == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_str_equal (action_name, map[i].row))
      gtk_widget_activate_action (widget, map[i].forward, "x", dw_ticket_get_id (self->ticket));
}

static void
dw_sla_row_dispose (GObject *object)
{
  DwSlaRow *self = DW_SLA_ROW (object);

  dw_sla_row_set_item (self, NULL);
  dw_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_SLA_ROW);

  G_OBJECT_CLASS (dw_sla_row_parent_class)->dispose (object);
}

static void
dw_sla_row_class_init (DwSlaRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_sla_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/sla/dw-sla-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DwSlaRow, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, DwSlaRow, mode_label);
  gtk_widget_class_bind_template_child (widget_class, DwSlaRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, DwSlaRow, meta_label);
  gtk_widget_class_bind_template_child (widget_class, DwSlaRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, DwSlaRow, menu_button);

  gtk_widget_class_install_action (widget_class, "row.open", NULL, row_action);
  gtk_widget_class_install_action (widget_class, "row.reassign", NULL, row_action);
  gtk_widget_class_install_action (widget_class, "row.escalate", NULL, row_action);
  gtk_widget_class_install_action (widget_class, "row.raise-priority", NULL, row_action);
  gtk_widget_class_install_action (widget_class, "row.lower-priority", NULL, row_action);
}

static void
dw_sla_row_init (DwSlaRow *self)
{
  g_autoptr(GMenuModel) menu = make_menu ();

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_menu_button_set_menu_model (self->menu_button, menu);
  dw_menu_button_quiet_tooltip (self->menu_button);
}

GtkWidget *
dw_sla_row_new (DwSlaBoard *board)
{
  DwSlaRow *self = g_object_new (DW_TYPE_SLA_ROW, NULL);

  self->board = board;
  return GTK_WIDGET (self);
}

void
dw_sla_row_set_item (DwSlaRow       *self,
                     DwSlaWatchItem *item)
{
  g_return_if_fail (DW_IS_SLA_ROW (self));

  if (self->item == item)
    return;

  /* The list moved under an open menu: it was opened for the ticket the row showed, and its
   * entries would now act on another one. */
  gtk_menu_button_popdown (self->menu_button);

  if (self->item != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->item, self);
      g_signal_handlers_disconnect_by_data (self->ticket, self);
    }
  g_clear_object (&self->ticket);
  g_set_object (&self->item, item);

  if (item != NULL)
    {
      self->ticket = g_object_ref (dw_sla_watch_item_get_ticket (item));
      g_signal_connect_swapped (item, "notify", G_CALLBACK (update), self);
      g_signal_connect_swapped (self->ticket, "notify", G_CALLBACK (update), self);
      update (self);
    }
}

DwSlaWatchItem *
dw_sla_row_get_item (DwSlaRow *self)
{
  g_return_val_if_fail (DW_IS_SLA_ROW (self), NULL);
  return self->item;
}

const char *
dw_sla_row_get_countdown_text (DwSlaRow *self)
{
  g_return_val_if_fail (DW_IS_SLA_ROW (self), NULL);
  return gtk_label_get_label (self->countdown_label);
}

gboolean
dw_sla_row_get_offers_raise_priority (DwSlaRow *self)
{
  g_return_val_if_fail (DW_IS_SLA_ROW (self), FALSE);
  return self->can_raise;
}

const char *
dw_sla_row_get_mode_text (DwSlaRow *self)
{
  g_return_val_if_fail (DW_IS_SLA_ROW (self), NULL);
  return gtk_label_get_label (self->mode_label);
}
