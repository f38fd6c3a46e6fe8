/* dw-queues-page.c: team overview, ticket list and ticket detail, and the lead actions.
 *
 * The overview's figures come from DwTeamStats, which follows the lists incrementally; the
 * cards are refreshed at idle after a burst of changes, never per event.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-agent-picker.h"
#include "dw-queue-actions.h"
#include "dw-queue-format.h"
#include "dw-queues-page.h"
#include "dw-team-stats.h"
#include "dw-ticket-detail.h"
#include "dw-ticket-list.h"
#include "dw-widget-util.h"

typedef enum
{
  FIGURE_OPEN,
  FIGURE_UNASSIGNED,
  FIGURE_OLDEST,
  FIGURE_AT_RISK,
  FIGURE_BREACHED,
  FIGURE_AGENTS,
  FIGURE_OFFLINE,
  N_FIGURES
} Figure;

/* Each figure is defined once, in docs/api.md "Figures", and counted by DwTeamStats; the
 * caption names it and the tooltip says what it counts. */
static const char *figure_captions[N_FIGURES] = {
  N_("Active"), N_("Unassigned"), N_("Oldest unassigned"), N_("At risk"), N_("Breached"),
  N_("Agents online"), N_("Agent offline"),
};

static const char *figure_tooltips[N_FIGURES] = {
  N_("Active tickets: new, open, pending or on hold. Click to show them"),
  N_("Active tickets without an assignee. Click to show them"),
  N_("How long the longest-waiting unassigned ticket (new or open) has waited. Click to show "
     "unassigned tickets, longest waiting first"),
  N_("Active tickets with an SLA target at risk and none breached. Click to show them"),
  N_("Tickets with a breach running: a target breached and its reply or resolution still owed. "
     "Late replies already sent are not counted. Click to show them"),
  N_("Agents of the team online, of all its agents. Click to show the assigned tickets"),
  N_("New or open tickets whose assignee is offline: they go back to the queue after the "
     "team's grace period. Click to show the assigned tickets waiting on the desk"),
};

typedef struct
{
  DwQueuesPage *page;
  gint64        team_id;   /* 0: all teams */
  GtkWidget    *card;
  GtkLabel     *name;
  GtkLabel     *load;
  GtkButton    *buttons[N_FIGURES];
  GtkLabel     *values[N_FIGURES];
  char         *accessible[N_FIGURES];  /* what each button says to a screen reader */
} TeamCard;

struct _DwQueuesPage
{
  GtkWidget        parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwLeaflet      *leaflet;
  GtkBox          *teams_box;
  GtkWidget       *list_header;
  GtkWidget       *detail_header;
  GtkWidget       *detail_pane;
  GtkWidget       *detail_separator;
  GtkWidget       *not_loaded_label;
  gboolean         reveal_detail;  /* the pane just appeared: show it if the leaflet folds */
  guint            reveal_tick;    /* ends the moment after the next frame's layout */
  guint            reveal_frames;
  DwTicketList    *ticket_list;
  DwTicketDetail  *ticket_detail;

  DwSync          *sync;
  DwClock         *clock;
  DwTeamStats     *stats;
  gulong           stats_handler;
  gulong           teams_handler;
  GPtrArray       *cards;        /* TeamCard * */
  guint            cards_idle;
  guint            tick_id;
  gint64           reassign_ticket_id;  /* the last reassignment asked for, to offer the */
  gint64           reassign_user_id;    /* capacity override if the service refuses it */
  gulong           state_handler;
  guint            n_pending;     /* changes sent and not answered yet */
  AdwToast        *pending_toast; /* says so; not owned */
  char            *pending_message;
  GCancellable    *fetch_cancellable;  /* a ticket shown that the sync does not hold */
};

/* One change on its way to the service.  The page is held weakly: a window closed while the
 * service has not answered takes its page with it, and the answer (applied to the sync by
 * dw-queue-actions.c all the same) finds no page to tell, rather than keeping an unparented
 * page alive to show toasts nobody sees and emit "action-failed" to whoever connected to it
 * when it was on screen. */
typedef struct
{
  GWeakRef      page;
  gint64        ticket_id;
  guint         delay_id;
} Pending;

G_DEFINE_FINAL_TYPE (DwQueuesPage, dw_queues_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SYNC,
  PROP_CLOCK,
  N_PROPS
};

enum {
  ACTION_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void update_actions (DwQueuesPage *self);

/* Helpers */

static DwTicket *
current_ticket (DwQueuesPage *self)
{
  return dw_ticket_detail_get_ticket (self->ticket_detail);
}

static void
toast (DwQueuesPage *self,
       const char   *message)
{
  AdwToast *t = adw_toast_new (message);

  adw_toast_set_timeout (t, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static GWeakRef *
page_ref_new (DwQueuesPage *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  return ref;
}

static void
page_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

static void
action_finished (DwQueuesPage *self,
                 DwTicket     *ticket,
                 const GError *error,
                 const char   *message)
{
  /* Disposed (held by someone else since): nothing to show it in. */
  if (error == NULL || self->toast_overlay == NULL)
    return;

  /* Over capacity is a refusal a lead may overrule, explicitly (and audited by the service). */
  if (g_error_matches (error, DW_CLIENT_ERROR, DW_CLIENT_ERROR_OVER_CAPACITY)
      && dw_ticket_get_id (ticket) == self->reassign_ticket_id && self->reassign_user_id > 0)
    {
      AdwToast *t = adw_toast_new (message);

      adw_toast_set_timeout (t, 10);
      adw_toast_set_button_label (t, _("_Assign Anyway"));
      adw_toast_set_action_name (t, "queues.assign-over-capacity");
      adw_toast_set_action_target_value (t, g_variant_new ("(xx)", self->reassign_ticket_id,
                                                           self->reassign_user_id));
      adw_toast_overlay_add_toast (self->toast_overlay, t);
    }
  else
    toast (self, message);
  g_signal_emit (self, signals[ACTION_FAILED], 0, dw_ticket_get_id (ticket), message);
}

/* @user_data: a page_ref_new() of the page that asked. */
static void
action_done_cb (DwTicket     *ticket,
                const GError *error,
                const char   *message,
                gpointer      user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(DwQueuesPage) self = g_weak_ref_get (ref);

  page_ref_free (ref);
  if (self != NULL)
    action_finished (self, ticket, error, message);
}

static void
pending_toast_dismissed_cb (AdwToast     *t,
                            DwQueuesPage *self)
{
  if (self->pending_toast == t)
    self->pending_toast = NULL;
}

static void
show_pending (DwQueuesPage *self,
              gint64        ticket_id)
{
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, ticket_id);

  g_free (self->pending_message);
  if (self->sync != NULL && dw_sync_get_state (self->sync) == DW_SYNC_STATE_CONNECTED)
    /* Translators: %s is a ticket number */
    self->pending_message = g_strdup_printf (_("Saving the change to ticket #%s…"), number);
  else
    /* Translators: %s is a ticket number */
    self->pending_message = g_strdup_printf (_("Not connected: the change to ticket #%s is waiting for the service…"),
                                             number);
  if (self->pending_toast != NULL)
    adw_toast_dismiss (self->pending_toast);
  /* Stays until the service has answered, one way or the other. */
  self->pending_toast = adw_toast_new (self->pending_message);
  adw_toast_set_timeout (self->pending_toast, 0);
  g_signal_connect_object (self->pending_toast, "dismissed",
                           G_CALLBACK (pending_toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, self->pending_toast);
}

static gboolean
pending_delay_cb (gpointer data)
{
  Pending *pending = data;
  g_autoptr(DwQueuesPage) self = g_weak_ref_get (&pending->page);

  pending->delay_id = 0;
  if (self != NULL && self->toast_overlay != NULL)
    show_pending (self, pending->ticket_id);
  return G_SOURCE_REMOVE;
}

static void
patch_done_cb (DwTicket     *ticket,
               const GError *error,
               const char   *message,
               gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(DwQueuesPage) self = g_weak_ref_get (&pending->page);

  g_clear_handle_id (&pending->delay_id, g_source_remove);
  g_weak_ref_clear (&pending->page);
  g_free (pending);
  if (self == NULL)
    return;

  if (self->n_pending > 0 && --self->n_pending == 0)
    {
      g_clear_pointer (&self->pending_message, g_free);
      if (self->pending_toast != NULL)
        adw_toast_dismiss (self->pending_toast);
    }
  action_finished (self, ticket, error, message);
}

static void
patch_current (DwQueuesPage *self,
               JsonObject   *changes)
{
  DwTicket *ticket = current_ticket (self);
  Pending *pending;

  if (ticket == NULL || self->sync == NULL)
    return;

  /* The change shows at once; so does the fact that it is not confirmed yet when the service
   * is not connected.  While connected, a second's grace keeps a quick answer from flashing a
   * toast at every change. */
  pending = g_new0 (Pending, 1);
  g_weak_ref_init (&pending->page, self);
  pending->ticket_id = dw_ticket_get_id (ticket);
  self->n_pending++;
  if (dw_sync_get_state (self->sync) == DW_SYNC_STATE_CONNECTED)
    pending->delay_id = g_timeout_add (1000, pending_delay_cb, pending);
  else
    show_pending (self, pending->ticket_id);
  dw_queue_actions_patch (self->sync, ticket, changes, patch_done_cb, pending);
}

/* Figures and the list keep what the service last said while it is not connected: still
 * readable, but dimmed and not taken for live; before the first snapshot there is nothing to
 * show, and the overview does not pretend it is all zeros. */
static void
sync_state_changed_cb (DwQueuesPage *self)
{
  gboolean live = self->sync != NULL && dw_sync_get_state (self->sync) == DW_SYNC_STATE_CONNECTED;
  gboolean loaded = self->sync != NULL && dw_sync_get_data_as_of (self->sync) != 0;

  if (live)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->teams_box), "dw-stale");
      dw_ticket_list_set_stale (self->ticket_list, FALSE);
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->teams_box), "dw-stale");
      dw_ticket_list_set_stale (self->ticket_list, TRUE);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->teams_box), self->sync == NULL || loaded);
  gtk_widget_set_visible (self->not_loaded_label, self->sync != NULL && !loaded);
}

static void
update_card (DwQueuesPage *self,
             TeamCard     *card)
{
  DwTeamFigures f;
  gint64 now = dw_clock_now (self->clock);
  g_autofree char *oldest = NULL;
  g_autofree char *agents = NULL;
  g_autofree char *load = NULL;
  guint counts[N_FIGURES];

  if (card->team_id == 0)
    dw_team_stats_get_total (self->stats, &f);
  else
    dw_team_stats_get (self->stats, card->team_id, &f);

  counts[FIGURE_OPEN] = f.open;
  counts[FIGURE_UNASSIGNED] = f.unassigned;
  counts[FIGURE_AT_RISK] = f.at_risk;
  counts[FIGURE_BREACHED] = f.breached;
  counts[FIGURE_OFFLINE] = f.assignee_offline;

  for (Figure i = 0; i < N_FIGURES; i++)
    {
      g_autofree char *text = NULL;
      g_autofree char *accessible = NULL;

      switch (i)
        {
        case FIGURE_OLDEST:
          text = f.oldest_unassigned_since != 0
                 ? dw_format_waiting (f.oldest_unassigned_since, now) : g_strdup ("—");
          break;
        case FIGURE_AGENTS:
          text = g_strdup_printf ("%u/%u", f.agents_online, f.agents_total);
          break;
        default:
          text = g_strdup_printf ("%u", counts[i]);
          break;
        }
      gtk_label_set_text (card->values[i], text);

      /* Translators: accessible name of an overview figure, e.g. "Unassigned: 3" */
      accessible = g_strdup_printf (_("%s: %s"), _(figure_captions[i]), text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (card->buttons[i]),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      g_free (card->accessible[i]);
      card->accessible[i] = g_steal_pointer (&accessible);

      if (i == FIGURE_BREACHED)
        {
          if (f.breached > 0)
            gtk_widget_add_css_class (GTK_WIDGET (card->values[i]), "error");
          else
            gtk_widget_remove_css_class (GTK_WIDGET (card->values[i]), "error");
        }
      else if (i == FIGURE_OFFLINE)
        {
          if (f.assignee_offline > 0)
            gtk_widget_add_css_class (GTK_WIDGET (card->values[i]), "warning");
          else
            gtk_widget_remove_css_class (GTK_WIDGET (card->values[i]), "warning");
        }
      else if (i == FIGURE_AT_RISK)
        {
          if (f.at_risk > 0)
            gtk_widget_add_css_class (GTK_WIDGET (card->values[i]), "warning");
          else
            gtk_widget_remove_css_class (GTK_WIDGET (card->values[i]), "warning");
        }
    }

  /* Translators: load of a team's online agents: open tickets of capacity */
  load = g_strdup_printf (_("Load %u of %u"), f.load_online, f.capacity_online);
  gtk_label_set_text (card->load, load);
}

static gboolean
cards_idle_cb (gpointer data)
{
  DwQueuesPage *self = data;

  self->cards_idle = 0;
  if (self->stats == NULL)
    return G_SOURCE_REMOVE;
  for (guint i = 0; i < self->cards->len; i++)
    update_card (self, g_ptr_array_index (self->cards, i));
  return G_SOURCE_REMOVE;
}

static void
queue_cards_update (DwQueuesPage *self)
{
  if (self->cards_idle == 0)
    self->cards_idle = g_idle_add (cards_idle_cb, self);
}

static void
figure_clicked_cb (GtkButton *button,
                   TeamCard  *card)
{
  DwQueuesPage *self = card->page;
  Figure figure = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "dw-figure"));
  g_autoptr(DwTicketCriteria) criteria = dw_ticket_criteria_new ();

  dw_ticket_criteria_set_team_id (criteria, card->team_id);
  dw_ticket_criteria_set_statuses (criteria, DW_STATUS_MASK_ACTIVE);

  switch (figure)
    {
    case FIGURE_UNASSIGNED:
      dw_ticket_criteria_set_assignee (criteria, DW_ASSIGNEE_MATCH_UNASSIGNED, 0);
      break;
    case FIGURE_OLDEST:
      /* Waiting on the desk: not pending or on hold (see DwTicket "waiting-since"). */
      dw_ticket_criteria_set_statuses (criteria, DW_STATUS_MASK (DW_STATUS_NEW) |
                                                 DW_STATUS_MASK (DW_STATUS_OPEN));
      dw_ticket_criteria_set_assignee (criteria, DW_ASSIGNEE_MATCH_UNASSIGNED, 0);
      dw_ticket_list_sort_by (self->ticket_list, "waiting", GTK_SORT_DESCENDING);
      break;
    case FIGURE_OFFLINE:
      /* The rows whose assignee is offline are marked in the assignee column. */
      dw_ticket_criteria_set_statuses (criteria, DW_STATUS_MASK (DW_STATUS_NEW) |
                                                 DW_STATUS_MASK (DW_STATUS_OPEN));
      dw_ticket_criteria_set_assignee (criteria, DW_ASSIGNEE_MATCH_ASSIGNED, 0);
      dw_ticket_list_sort_by (self->ticket_list, "assignee", GTK_SORT_ASCENDING);
      break;
    case FIGURE_AT_RISK:
      dw_ticket_criteria_set_sla_states (criteria, 1u << DW_SLA_STATE_AT_RISK);
      break;
    case FIGURE_BREACHED:
      dw_ticket_criteria_set_sla_states (criteria, 1u << DW_SLA_STATE_BREACHED);
      break;
    case FIGURE_AGENTS:
      dw_ticket_criteria_set_assignee (criteria, DW_ASSIGNEE_MATCH_ASSIGNED, 0);
      break;
    case FIGURE_OPEN:
    case N_FIGURES:
    default:
      break;
    }

  dw_ticket_criteria_assign (dw_ticket_list_get_criteria (self->ticket_list), criteria);

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "list");
  dw_ticket_list_focus_table (self->ticket_list);
}

static TeamCard *
team_card_new (DwQueuesPage *self,
               gint64        team_id,
               const char   *name)
{
  TeamCard *card = g_new0 (TeamCard, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *label;

  card->page = self;
  card->team_id = team_id;
  card->card = box;
  gtk_widget_add_css_class (box, "card");

  label = gtk_label_new (name);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "heading");
  card->name = GTK_LABEL (label);
  gtk_box_append (GTK_BOX (header), label);

  label = gtk_label_new (NULL);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_set_tooltip_text (label, _("Active tickets held by the team's online agents, against "
                                        "the sum of their capacities"));
  card->load = GTK_LABEL (label);
  gtk_box_append (GTK_BOX (header), label);

  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_end (header, 12);
  gtk_widget_set_margin_top (header, 10);
  gtk_box_append (GTK_BOX (box), header);

  /* Not homogeneous: a long "oldest waiting" would make every column as wide, and the
   * overview would crowd the ticket table out of a 1100-pixel window. */
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), FALSE);
  gtk_widget_set_margin_start (grid, 6);
  gtk_widget_set_margin_end (grid, 6);
  gtk_widget_set_margin_bottom (grid, 6);
  for (Figure i = 0; i < N_FIGURES; i++)
    {
      GtkWidget *button = gtk_button_new ();
      GtkWidget *inner = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *value = gtk_label_new ("0");
      GtkWidget *caption = gtk_label_new (_(figure_captions[i]));

      gtk_widget_add_css_class (value, "title-4");
      gtk_widget_add_css_class (value, "numeric");
      gtk_widget_add_css_class (caption, "caption");
      gtk_widget_add_css_class (caption, "dim-label");
      /* Keep the overview narrow: the ticket table needs the room.  Two lines, so that a
       * caption saying exactly what it counts ("Oldest unassigned") is not cut. */
      gtk_label_set_ellipsize (GTK_LABEL (caption), PANGO_ELLIPSIZE_END);
      gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
      gtk_label_set_lines (GTK_LABEL (caption), 2);
      gtk_label_set_justify (GTK_LABEL (caption), GTK_JUSTIFY_CENTER);
      gtk_label_set_max_width_chars (GTK_LABEL (caption), 10);
      gtk_box_append (GTK_BOX (inner), value);
      gtk_box_append (GTK_BOX (inner), caption);
      gtk_button_set_child (GTK_BUTTON (button), inner);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_hexpand (button, TRUE);
      gtk_widget_set_tooltip_text (button, _(figure_tooltips[i]));
      g_object_set_data (G_OBJECT (button), "dw-figure", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (figure_clicked_cb), card);

      gtk_grid_attach (GTK_GRID (grid), button, i % 3, i / 3, 1, 1);
      card->buttons[i] = GTK_BUTTON (button);
      card->values[i] = GTK_LABEL (value);
    }
  gtk_box_append (GTK_BOX (box), grid);

  return card;
}

static void
team_card_free (TeamCard *card)
{
  for (guint i = 0; i < N_FIGURES; i++)
    g_free (card->accessible[i]);
  g_free (card);
}

static void
rebuild_cards (DwQueuesPage *self)
{
  GListModel *teams;
  GtkWidget *child;
  guint n;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->teams_box))) != NULL)
    gtk_box_remove (self->teams_box, child);
  g_ptr_array_set_size (self->cards, 0);

  if (self->sync == NULL)
    return;

  /* Only the teams whose queue the lead sees: another team's would show zeros. */
  teams = G_LIST_MODEL (dw_sync_get_teams (self->sync));
  n = 0;
  for (guint i = 0; i < g_list_model_get_n_items (teams); i++)
    {
      g_autoptr(DwTeam) team = g_list_model_get_item (teams, i);

      n += dw_sync_sees_team (self->sync, dw_team_get_id (team));
    }
  if (n != 1)
    g_ptr_array_add (self->cards, team_card_new (self, 0, _("All teams")));
  for (guint i = 0; i < g_list_model_get_n_items (teams); i++)
    {
      g_autoptr(DwTeam) team = g_list_model_get_item (teams, i);

      if (dw_sync_sees_team (self->sync, dw_team_get_id (team)))
        g_ptr_array_add (self->cards, team_card_new (self, dw_team_get_id (team),
                                                     dw_team_get_name (team)));
    }

  for (guint i = 0; i < self->cards->len; i++)
    {
      TeamCard *card = g_ptr_array_index (self->cards, i);

      gtk_box_append (self->teams_box, card->card);
      update_card (self, card);
    }
}

static GtkWindow *
parent_window (DwQueuesPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static gboolean
tick_cb (gpointer data)
{
  queue_cards_update (data);
  return G_SOURCE_CONTINUE;
}

static void
restart_tick (DwQueuesPage *self)
{
  double speed = dw_clock_get_speed (self->clock);
  guint interval_ms = speed > 1.0 ? MAX (1000, (guint) (60000 / speed)) : 60000;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->tick_id = g_timeout_add (interval_ms, tick_cb, self);
}

/* Callbacks */

static void
stats_changed_cb (DwTeamStats  *stats,
                  gint64        team_id,
                  DwQueuesPage *self)
{
  queue_cards_update (self);
}

static void
teams_changed_cb (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  DwQueuesPage *self)
{
  rebuild_cards (self);
}

static void
leaflet_folded_cb (DwQueuesPage *self,
                   GParamSpec   *pspec,
                   AdwLeaflet   *leaflet)
{
  gboolean folded = adw_leaflet_get_folded (leaflet);

  gtk_widget_set_visible (self->list_header, folded);
  gtk_widget_set_visible (self->detail_header, folded);
  dw_ticket_list_set_open_on_click (self->ticket_list, folded);
  if (folded && self->reveal_detail)
    {
      self->reveal_detail = FALSE;
      adw_leaflet_set_visible_child_name (leaflet, "detail");
    }
}

/* Frames are laid out after their tick callbacks: at the second tick, the layout that may
 * fold the leaflet for the new pane has happened.  (An idle could run before that layout on
 * an idle loop, and the pick then left the lead on the list: one run in six.) */
static gboolean
reveal_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  DwQueuesPage *self = DW_QUEUES_PAGE (widget);

  if (++self->reveal_frames < 2)
    return G_SOURCE_CONTINUE;
  self->reveal_tick = 0;
  self->reveal_detail = FALSE;
  return G_SOURCE_REMOVE;
}

/* With no ticket to show, the detail pane folds away and gives the table its width.  When
 * the first ticket brings it back on a narrow window, the leaflet folds for it: the click
 * that picked the ticket must then show it, not leave the lead on the list. */
static void
update_detail_pane (DwQueuesPage *self)
{
  gboolean shown = current_ticket (self) != NULL;

  if (shown && !gtk_widget_get_visible (self->detail_pane))
    {
      self->reveal_detail = TRUE;
      /* After the layout that may fold the leaflet, the moment is gone. */
      if (self->reveal_tick != 0)
        gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->reveal_tick);
      self->reveal_frames = 0;
      self->reveal_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), reveal_tick_cb, NULL,
                                                        NULL);
    }
  gtk_widget_set_visible (self->detail_pane, shown);
  gtk_widget_set_visible (self->detail_separator, shown);
}

static void
ticket_activated_cb (DwQueuesPage *self,
                     DwTicket     *ticket,
                     DwTicketList *list)
{
  dw_ticket_detail_set_ticket (self->ticket_detail, ticket);
  update_actions (self);
  update_detail_pane (self);
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "detail");
}

static void
selected_ticket_cb (DwQueuesPage *self,
                    GParamSpec   *pspec,
                    DwTicketList *list)
{
  DwTicket *ticket = dw_ticket_list_get_selected_ticket (list);

  /* A ticket filtered out of the list stays in the detail until another is picked. */
  if (ticket == NULL)
    return;
  dw_ticket_detail_set_ticket (self->ticket_detail, ticket);
  update_actions (self);
  update_detail_pane (self);
}

static void
agent_picked_cb (DwAgentPicker *picker,
                 gint64         user_id,
                 DwQueuesPage  *self)
{
  dw_queues_page_reassign (self, user_id);
}

static void
move_team_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       DwQueuesPage     *self)
{
  GtkDropDown *dropdown = g_object_get_data (G_OBJECT (dialog), "dw-dropdown");
  GArray *ids = g_object_get_data (G_OBJECT (dialog), "dw-team-ids");
  guint pos = gtk_drop_down_get_selected (dropdown);

  if (!g_str_equal (response, "move") || pos == GTK_INVALID_LIST_POSITION || pos >= ids->len)
    return;

  {
    g_autoptr(JsonObject) changes = dw_queue_actions_move_team (g_array_index (ids, gint64, pos));

    patch_current (self, changes);
  }
}

static void
note_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  DwQueuesPage     *self)
{
  GtkTextBuffer *buffer = g_object_get_data (G_OBJECT (dialog), "dw-buffer");
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  DwTicket *ticket = current_ticket (self);

  if (!g_str_equal (response, "add") || ticket == NULL || self->sync == NULL)
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  if (*text == '\0')
    return;

  dw_queue_actions_add_note (self->sync, ticket, text, action_done_cb, page_ref_new (self));
}

/* Actions */

static void
reassign_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  DwQueuesPage *self = DW_QUEUES_PAGE (widget);
  DwTicket *ticket = current_ticket (self);
  DwAgentPicker *picker;

  if (ticket == NULL || self->sync == NULL)
    return;

  picker = dw_agent_picker_new (parent_window (self), self->sync, dw_ticket_get_id (ticket),
                                dw_ticket_get_team_id (ticket), dw_ticket_get_assignee_id (ticket));
  g_signal_connect_object (picker, "agent-picked", G_CALLBACK (agent_picked_cb), self, 0);
  gtk_window_present (GTK_WINDOW (picker));
}

static void
priority_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  DwQueuesPage *self = DW_QUEUES_PAGE (widget);
  DwTicket *ticket = current_ticket (self);
  const char *what = g_variant_get_string (param, NULL);
  int priority;
  g_autoptr(JsonObject) changes = NULL;

  if (ticket == NULL)
    return;

  priority = dw_ticket_get_priority (ticket);
  if (g_str_equal (what, "up"))
    priority = MIN (priority + 1, DW_PRIORITY_URGENT);
  else if (g_str_equal (what, "down"))
    priority = MAX (priority - 1, DW_PRIORITY_LOW);
  else if (!dw_enum_from_string (DW_TYPE_PRIORITY, what, &priority))
    return;

  if ((DwPriority) priority == dw_ticket_get_priority (ticket))
    return;

  changes = dw_queue_actions_set_priority (priority);
  patch_current (self, changes);
}

static void
move_team_action (GtkWidget  *widget,
                  const char *name,
                  GVariant   *param)
{
  DwQueuesPage *self = DW_QUEUES_PAGE (widget);
  DwTicket *ticket = current_ticket (self);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *number = NULL;
  g_autofree char *heading = NULL;
  GListModel *teams;
  GtkWidget *dialog;
  GtkWidget *dropdown;
  DwUser *me;

  if (ticket == NULL || self->sync == NULL)
    return;

  /* The teams the lead leads first: that is where a lead moves a ticket to, and the first
   * is the default. */
  teams = G_LIST_MODEL (dw_sync_get_teams (self->sync));
  me = dw_sync_get_me (self->sync);
  for (int led = 1; led >= 0; led--)
    for (guint i = 0; i < g_list_model_get_n_items (teams); i++)
      {
        g_autoptr(DwTeam) team = g_list_model_get_item (teams, i);
        gint64 id = dw_team_get_id (team);

        if (id == dw_ticket_get_team_id (ticket)
            || (me != NULL && dw_user_is_lead_of (me, id)) != led)
          continue;
        g_array_append_val (ids, id);
        gtk_string_list_append (names, dw_team_get_name (team));
      }

  number = g_strdup_printf ("%" G_GINT64_FORMAT, dw_ticket_get_id (ticket));
  /* Translators: %s is a ticket number */
  heading = g_strdup_printf (_("Move Ticket #%s"), number);
  dialog = adw_message_dialog_new (parent_window (self), heading,
                                   _("The ticket leaves its agent and waits in the new team's queue."));
  dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Team"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), dropdown);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "move", _("_Move"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "move",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "move");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "move", ids->len > 0);
  g_object_set_data (G_OBJECT (dialog), "dw-dropdown", dropdown);
  g_object_set_data_full (G_OBJECT (dialog), "dw-team-ids", g_steal_pointer (&ids),
                          (GDestroyNotify) g_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (move_team_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
escalate_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  DwQueuesPage *self = DW_QUEUES_PAGE (widget);
  DwTicket *ticket = current_ticket (self);
  g_autoptr(JsonObject) changes = NULL;

  if (ticket == NULL)
    return;
  changes = dw_queue_actions_escalate (ticket);
  patch_current (self, changes);
}

static void
note_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  DwQueuesPage *self = DW_QUEUES_PAGE (widget);
  DwTicket *ticket = current_ticket (self);
  g_autofree char *number = NULL;
  g_autofree char *heading = NULL;
  GtkWidget *dialog;
  GtkWidget *scroller;
  GtkWidget *view;

  if (ticket == NULL)
    return;

  number = g_strdup_printf ("%" G_GINT64_FORMAT, dw_ticket_get_id (ticket));
  /* Translators: %s is a ticket number */
  heading = g_strdup_printf (_("Internal Note on #%s"), number);
  dialog = adw_message_dialog_new (parent_window (self), heading,
                                   _("Only agents and leads see internal notes."));
  view = gtk_text_view_new ();
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Note"), -1);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 120);
  gtk_widget_add_css_class (scroller, "card");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scroller);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "add", _("_Add Note"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "dw-buffer", gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  g_signal_connect_object (dialog, "response", G_CALLBACK (note_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (view);
}

static void
assign_over_capacity_action (GtkWidget  *widget,
                             const char *name,
                             GVariant   *param)
{
  DwQueuesPage *self = DW_QUEUES_PAGE (widget);
  g_autoptr(JsonObject) changes = NULL;
  gint64 ticket_id, user_id;
  DwTicket *ticket;

  g_variant_get (param, "(xx)", &ticket_id, &user_id);
  if (self->sync == NULL || (ticket = dw_sync_lookup_ticket (self->sync, ticket_id)) == NULL)
    return;

  changes = dw_queue_actions_reassign (user_id);
  json_object_set_boolean_member (changes, "override_capacity", TRUE);
  json_object_set_string_member (changes, "reason", "assigned over capacity by the team lead");
  dw_queue_actions_patch (self->sync, ticket, changes, action_done_cb, page_ref_new (self));
}

static void
search_action (GtkWidget  *widget,
               const char *name,
               GVariant   *param)
{
  DwQueuesPage *self = DW_QUEUES_PAGE (widget);

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "list");
  dw_ticket_list_focus_search (self->ticket_list);
}

static void
back_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  DwQueuesPage *self = DW_QUEUES_PAGE (widget);

  if (!adw_leaflet_get_folded (self->leaflet))
    return;
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  if (g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "list") == 0)
    dw_ticket_list_focus_table (self->ticket_list);
}

static void
update_actions (DwQueuesPage *self)
{
  gboolean has_ticket = current_ticket (self) != NULL && self->sync != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ticket.reassign", has_ticket);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ticket.priority", has_ticket);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ticket.move-team", has_ticket);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ticket.escalate", has_ticket);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ticket.note", has_ticket);
}

/* Overrides */

static void
dw_queues_page_dispose (GObject *object)
{
  DwQueuesPage *self = DW_QUEUES_PAGE (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->cards_idle, g_source_remove);
  if (self->reveal_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->reveal_tick);
      self->reveal_tick = 0;
    }
  g_cancellable_cancel (self->fetch_cancellable);
  g_clear_object (&self->fetch_cancellable);
  dw_queues_page_set_sync (self, NULL);
  dw_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_QUEUES_PAGE);
  g_clear_pointer (&self->cards, g_ptr_array_unref);
  g_clear_object (&self->clock);
  g_clear_pointer (&self->pending_message, g_free);

  G_OBJECT_CLASS (dw_queues_page_parent_class)->dispose (object);
}

static void
dw_queues_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DwQueuesPage *self = DW_QUEUES_PAGE (object);

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
dw_queues_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DwQueuesPage *self = DW_QUEUES_PAGE (object);

  switch (prop_id)
    {
    case PROP_SYNC:
      dw_queues_page_set_sync (self, g_value_get_object (value));
      break;
    case PROP_CLOCK:
      dw_queues_page_set_clock (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_queues_page_class_init (DwQueuesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_queues_page_dispose;
  object_class->get_property = dw_queues_page_get_property;
  object_class->set_property = dw_queues_page_set_property;

  properties[PROP_SYNC] =
    g_param_spec_object ("sync", NULL, NULL, DW_TYPE_SYNC,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CLOCK] =
    g_param_spec_object ("clock", NULL, NULL, DW_TYPE_CLOCK,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ACTION_FAILED] = g_signal_new ("action-failed",
                                         G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);

  g_type_ensure (DW_TYPE_TICKET_LIST);
  g_type_ensure (DW_TYPE_TICKET_DETAIL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/queues/dw-queues-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DwQueuesPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DwQueuesPage, detail_pane);
  gtk_widget_class_bind_template_child (widget_class, DwQueuesPage, detail_separator);
  gtk_widget_class_bind_template_child (widget_class, DwQueuesPage, not_loaded_label);
  gtk_widget_class_bind_template_child (widget_class, DwQueuesPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, DwQueuesPage, teams_box);
  gtk_widget_class_bind_template_child (widget_class, DwQueuesPage, list_header);
  gtk_widget_class_bind_template_child (widget_class, DwQueuesPage, detail_header);
  gtk_widget_class_bind_template_child (widget_class, DwQueuesPage, ticket_list);
  gtk_widget_class_bind_template_child (widget_class, DwQueuesPage, ticket_detail);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_folded_cb);
  gtk_widget_class_bind_template_callback (widget_class, ticket_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, selected_ticket_cb);

  gtk_widget_class_install_action (widget_class, "ticket.reassign", NULL, reassign_action);
  gtk_widget_class_install_action (widget_class, "ticket.priority", "s", priority_action);
  gtk_widget_class_install_action (widget_class, "ticket.move-team", NULL, move_team_action);
  gtk_widget_class_install_action (widget_class, "ticket.escalate", NULL, escalate_action);
  gtk_widget_class_install_action (widget_class, "ticket.note", NULL, note_action);
  gtk_widget_class_install_action (widget_class, "queues.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "queues.assign-over-capacity", "(xx)",
                                   assign_over_capacity_action);
  gtk_widget_class_install_action (widget_class, "queues.back", NULL, back_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "ticket.reassign", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK,
                                       "ticket.priority", "s", "up");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK,
                                       "ticket.priority", "s", "down");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK,
                                       "ticket.move-team", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "ticket.escalate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_N, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "ticket.note", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "queues.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "queues.back", NULL);

  gtk_widget_class_set_css_name (widget_class, "dw-queues-page");
}

static void
dw_queues_page_init (DwQueuesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->clock = dw_clock_new (1.0);
  self->cards = g_ptr_array_new_with_free_func ((GDestroyNotify) team_card_free);
  update_actions (self);
  update_detail_pane (self);
  leaflet_folded_cb (self, NULL, self->leaflet);
  restart_tick (self);
}

/* Public API */

GtkWidget *
dw_queues_page_new (void)
{
  return g_object_new (DW_TYPE_QUEUES_PAGE, NULL);
}

void
dw_queues_page_set_sync (DwQueuesPage *self,
                         DwSync       *sync)
{
  g_return_if_fail (DW_IS_QUEUES_PAGE (self));
  g_return_if_fail (sync == NULL || DW_IS_SYNC (sync));

  if (self->sync == sync)
    return;

  g_cancellable_cancel (self->fetch_cancellable);
  if (self->sync != NULL)
    {
      g_clear_signal_handler (&self->teams_handler, dw_sync_get_teams (self->sync));
      g_signal_handlers_disconnect_by_func (self->sync, rebuild_cards, self);
      g_clear_signal_handler (&self->state_handler, self->sync);
    }
  if (self->stats != NULL)
    g_clear_signal_handler (&self->stats_handler, self->stats);
  g_clear_object (&self->stats);
  g_set_object (&self->sync, sync);

  if (self->ticket_detail != NULL)
    {
      dw_ticket_detail_set_ticket (self->ticket_detail, NULL);
      dw_ticket_detail_set_sync (self->ticket_detail, sync);
    }
  if (self->ticket_list != NULL)
    dw_ticket_list_set_sync (self->ticket_list, sync);

  if (sync != NULL)
    {
      self->stats = dw_team_stats_new (G_LIST_MODEL (dw_sync_get_tickets (sync)),
                                       G_LIST_MODEL (dw_sync_get_users (sync)));
      self->stats_handler = g_signal_connect (self->stats, "changed",
                                              G_CALLBACK (stats_changed_cb), self);
      self->teams_handler = g_signal_connect (dw_sync_get_teams (sync), "items-changed",
                                              G_CALLBACK (teams_changed_cb), self);
      /* The snapshot says who the lead is after it listed the teams. */
      g_signal_connect_object (sync, "notify::me", G_CALLBACK (rebuild_cards), self,
                               G_CONNECT_SWAPPED);
      self->state_handler = g_signal_connect_swapped (sync, "notify::state",
                                                      G_CALLBACK (sync_state_changed_cb), self);
    }
  if (self->teams_box != NULL)
    sync_state_changed_cb (self);

  if (self->cards != NULL)
    {
      rebuild_cards (self);
      update_actions (self);
      update_detail_pane (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC]);
}

DwSync *
dw_queues_page_get_sync (DwQueuesPage *self)
{
  g_return_val_if_fail (DW_IS_QUEUES_PAGE (self), NULL);

  return self->sync;
}

void
dw_queues_page_set_clock (DwQueuesPage *self,
                          DwClock      *clock)
{
  g_return_if_fail (DW_IS_QUEUES_PAGE (self));

  g_clear_object (&self->clock);
  self->clock = clock != NULL ? g_object_ref (clock) : dw_clock_new (1.0);
  dw_ticket_list_set_clock (self->ticket_list, clock);
  dw_ticket_detail_set_clock (self->ticket_detail, clock);
  restart_tick (self);
  queue_cards_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOCK]);
}

GtkWidget *
dw_queues_page_get_ticket_list (DwQueuesPage *self)
{
  g_return_val_if_fail (DW_IS_QUEUES_PAGE (self), NULL);

  return GTK_WIDGET (self->ticket_list);
}

void
dw_queues_page_set_settings (DwQueuesPage *self,
                             GSettings    *settings)
{
  g_return_if_fail (DW_IS_QUEUES_PAGE (self));

  dw_ticket_list_set_settings (self->ticket_list, settings);
}

const char *
dw_queues_page_get_visible_pane (DwQueuesPage *self)
{
  g_return_val_if_fail (DW_IS_QUEUES_PAGE (self), NULL);

  if (!adw_leaflet_get_folded (self->leaflet))
    return "all";
  return adw_leaflet_get_visible_child_name (self->leaflet);
}

gboolean
dw_queues_page_get_detail_shown (DwQueuesPage *self)
{
  g_return_val_if_fail (DW_IS_QUEUES_PAGE (self), FALSE);

  return gtk_widget_get_visible (self->detail_pane);
}

const char *
dw_queues_page_get_pending_message (DwQueuesPage *self)
{
  g_return_val_if_fail (DW_IS_QUEUES_PAGE (self), NULL);

  return self->pending_message;
}

gboolean
dw_queues_page_get_figures_stale (DwQueuesPage *self)
{
  g_return_val_if_fail (DW_IS_QUEUES_PAGE (self), FALSE);

  return !gtk_widget_get_visible (GTK_WIDGET (self->teams_box))
         || gtk_widget_has_css_class (GTK_WIDGET (self->teams_box), "dw-stale");
}

GtkWidget *
dw_queues_page_get_ticket_detail (DwQueuesPage *self)
{
  g_return_val_if_fail (DW_IS_QUEUES_PAGE (self), NULL);

  return GTK_WIDGET (self->ticket_detail);
}

static void
fetched_ticket_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(DwQueuesPage) self = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DwTicket) ticket = NULL;

  node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    ticket = dw_ticket_new_from_json (json_node_get_object (node), &error);
  if (ticket == NULL)
    {
      toast (self, _("The ticket could not be loaded."));
      return;
    }
  ticket_activated_cb (self, ticket, self->ticket_list);
}

void
dw_queues_page_show_ticket (DwQueuesPage *self,
                            gint64        ticket_id)
{
  DwTicket *ticket;
  g_autofree char *path = NULL;

  g_return_if_fail (DW_IS_QUEUES_PAGE (self));

  if (self->sync == NULL)
    return;

  g_cancellable_cancel (self->fetch_cancellable);
  g_clear_object (&self->fetch_cancellable);
  if ((ticket = dw_sync_lookup_ticket (self->sync, ticket_id)) != NULL)
    {
      dw_ticket_list_select_ticket (self->ticket_list, ticket_id);
      ticket_activated_cb (self, ticket, self->ticket_list);
      return;
    }

  /* Not in the queues: solved or closed, as most tickets behind a compliance figure are.  The
   * detail shows it as the service has it now. */
  self->fetch_cancellable = g_cancellable_new ();
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, ticket_id);
  dw_client_request_async (dw_sync_get_client (self->sync), "GET", path, NULL,
                           self->fetch_cancellable, fetched_ticket_cb, g_object_ref (self));
}

void
dw_queues_page_reassign (DwQueuesPage *self,
                         gint64        user_id)
{
  g_autoptr(JsonObject) changes = NULL;
  DwTicket *ticket;

  g_return_if_fail (DW_IS_QUEUES_PAGE (self));

  ticket = current_ticket (self);
  if (ticket == NULL || dw_ticket_get_assignee_id (ticket) == user_id)
    return;

  self->reassign_ticket_id = dw_ticket_get_id (ticket);
  self->reassign_user_id = user_id;
  changes = dw_queue_actions_reassign (user_id);
  patch_current (self, changes);
}

char *
dw_queues_page_dup_figures (DwQueuesPage *self,
                            gint64        team_id)
{
  g_return_val_if_fail (DW_IS_QUEUES_PAGE (self), NULL);

  for (guint i = 0; i < self->cards->len; i++)
    {
      TeamCard *card = g_ptr_array_index (self->cards, i);

      if (card->team_id == team_id)
        {
          g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
          g_auto(GStrv) parts = NULL;

          update_card (self, card);
          for (guint f = 0; f < N_FIGURES; f++)
            g_strv_builder_add (builder, card->accessible[f]);
          g_strv_builder_add (builder, gtk_label_get_text (card->load));
          parts = g_strv_builder_end (builder);
          return g_strjoinv ("; ", parts);
        }
    }

  return NULL;
}
