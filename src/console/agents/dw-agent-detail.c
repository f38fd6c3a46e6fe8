/* dw-agent-detail.c
 *
 * The counts and charts are rebuilt from the agent's figures each time they change; the
 * tickets behind a count are listed only when it is opened.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-agent-detail.h"
#include "dw-agent-format.h"
#include "dw-enums.h"
#include "dw-json.h"
#include "dw-queue-format.h"
#include "dw-ticket-pages.h"
#include "dw-trend-chart.h"
#include "dw-widget-util.h"

struct _DwAgentDetail
{
  GtkWidget       parent_instance;

  GtkWidget      *back_button;
  GtkLabel       *name_label;
  GtkLabel       *period_label;
  GtkFlowBox     *counts_box;
  GtkWidget      *drill_box;
  GtkLabel       *drill_title;
  DwTicketPages  *tickets;
  GtkFlowBox     *charts_box;

  DwClient       *client;
  DwAgentMetrics *agent;
  gint64          team_id;
  char           *window_query;
  GtkWidget      *charts[DW_AGENT_N_FIGURES];
};

G_DEFINE_FINAL_TYPE (DwAgentDetail, dw_agent_detail, GTK_TYPE_WIDGET)

enum {
  BACK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The figures charted, in order. */
static const DwAgentFigure charted[] = {
  DW_AGENT_FIGURE_SOLVED, DW_AGENT_FIGURE_ASSIGNED, DW_AGENT_FIGURE_FIRST_RESPONSE,
  DW_AGENT_FIGURE_RESOLUTION, DW_AGENT_FIGURE_SLA_SHARE, DW_AGENT_FIGURE_CSAT,
};

/* The counts that open their tickets (GET /agents/{id}/tickets?figure=). */
static const char * const drills[] = {
  "assigned", "first-response", "solved", "reopened", "sla-met", "sla-breached",
};

static const char *
drill_label (const char *drill)
{
  if (g_str_equal (drill, "assigned"))
    return _("Assigned");
  if (g_str_equal (drill, "first-response"))
    return _("First Responses");
  if (g_str_equal (drill, "solved"))
    return _("Solved");
  if (g_str_equal (drill, "reopened"))
    return _("Reopened");
  if (g_str_equal (drill, "sla-met"))
    return _("SLA Targets Met");
  return _("SLA Targets Breached");
}

/* Tickets */

static GtkWidget *
make_ticket_row (JsonObject *ticket,
                 gint64     *ticket_id)
{
  gint64 id = 0, updated = 0;
  int status = -1;
  g_autofree char *subject = NULL;
  g_autofree char *title_text = NULL;
  g_autofree char *when = NULL;
  g_autofree char *caption_text = NULL;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title, *caption;

  /* The readers check types: json-glib's own getters log a CRITICAL on a surprise. */
  dw_json_get_int64 (ticket, "id", DW_JSON_OPTIONAL, &id, NULL);
  dw_json_get_string (ticket, "subject", DW_JSON_NULLABLE, &subject, NULL);
  dw_json_get_enum (ticket, "status", DW_TYPE_STATUS, DW_JSON_OPTIONAL, &status, NULL);
  dw_json_get_time (ticket, "updated_at", DW_JSON_NULLABLE, &updated, NULL);
  *ticket_id = id;

  title_text = g_strdup_printf ("#%" G_GINT64_FORMAT " %s", id, subject != NULL ? subject : "");
  when = dw_format_time (updated);
  caption_text = g_strdup_printf ("%s · %s", status >= 0 ? dw_status_label (status) : "", when);

  /* Wrapped, never ellipsized: a subject cut to "…" says nothing. */
  title = gtk_label_new (title_text);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  caption = gtk_label_new (caption_text);
  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_widget_add_css_class (caption, "caption");
  gtk_widget_add_css_class (caption, "dim-label");

  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), caption);
  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_tooltip_text (row, _("Show this ticket"));
  return row;
}

/* No figure open: its list emptied, nothing more asked for. */
static void
close_figure (DwAgentDetail *self)
{
  dw_ticket_pages_clear (self->tickets);
  gtk_widget_set_visible (self->drill_box, FALSE);
}

static void
edge_reached_cb (DwAgentDetail     *self,
                 GtkPositionType    position,
                 GtkScrolledWindow *scroller)
{
  if (position == GTK_POS_BOTTOM)
    dw_ticket_pages_load_more (self->tickets);
}

/* Figures */

static void
count_clicked_cb (GtkButton     *button,
                  DwAgentDetail *self)
{
  dw_agent_detail_open_figure (self, g_object_get_data (G_OBJECT (button), "dw-drill"));
}

static void
rebuild_counts (DwAgentDetail *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->counts_box))) != NULL)
    gtk_flow_box_remove (self->counts_box, child);
  if (self->agent == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (drills); i++)
    {
      gint64 count = dw_agent_metrics_get_drill_count (self->agent, drills[i]);
      GtkWidget *button = gtk_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *value, *caption;
      g_autofree char *count_text = g_strdup_printf ("%" G_GINT64_FORMAT, count);
      g_autofree char *accessible = NULL;

      value = gtk_label_new (count_text);
      gtk_widget_add_css_class (value, "title-3");
      gtk_widget_add_css_class (value, "numeric");
      caption = gtk_label_new (drill_label (drills[i]));
      gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
      gtk_label_set_justify (GTK_LABEL (caption), GTK_JUSTIFY_CENTER);
      gtk_widget_add_css_class (caption, "caption");
      gtk_box_append (GTK_BOX (box), value);
      gtk_box_append (GTK_BOX (box), caption);
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_add_css_class (button, "card");
      gtk_widget_set_sensitive (button, count > 0);
      gtk_widget_set_tooltip_text (button, count > 0 ? _("Show the tickets behind this figure")
                                                     : NULL);
      /* Translators: a count's button for screen readers, e.g. "Solved: 37" */
      accessible = g_strdup_printf (_("%s: %s"), drill_label (drills[i]), count_text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      accessible, -1);
      g_object_set_data (G_OBJECT (button), "dw-drill", (gpointer) drills[i]);
      g_signal_connect (button, "clicked", G_CALLBACK (count_clicked_cb), self);
      gtk_flow_box_append (self->counts_box, button);
    }
}

static void
rebuild_charts (DwAgentDetail *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (charted); i++)
    dw_trend_chart_set_series (DW_TREND_CHART (self->charts[charted[i]]), self->agent, charted[i]);
}

static void
back_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  g_signal_emit (widget, signals[BACK], 0);
}

/* Focus given to the detail goes to its back button, inside it, where Escape is heard. */
static gboolean
dw_agent_detail_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (DW_AGENT_DETAIL (widget)->back_button);
}

static void
dw_agent_detail_dispose (GObject *object)
{
  DwAgentDetail *self = DW_AGENT_DETAIL (object);

  g_clear_object (&self->client);
  g_clear_object (&self->agent);
  dw_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_AGENT_DETAIL);

  G_OBJECT_CLASS (dw_agent_detail_parent_class)->dispose (object);
}

static void
dw_agent_detail_finalize (GObject *object)
{
  DwAgentDetail *self = DW_AGENT_DETAIL (object);

  g_free (self->window_query);

  G_OBJECT_CLASS (dw_agent_detail_parent_class)->finalize (object);
}

static void
dw_agent_detail_class_init (DwAgentDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_agent_detail_dispose;
  object_class->finalize = dw_agent_detail_finalize;
  widget_class->grab_focus = dw_agent_detail_grab_focus;

  g_type_ensure (DW_TYPE_TICKET_PAGES);

  signals[BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/agents/dw-agent-detail.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, DwAgentDetail, back_button);
  gtk_widget_class_bind_template_child (widget_class, DwAgentDetail, name_label);
  gtk_widget_class_bind_template_child (widget_class, DwAgentDetail, period_label);
  gtk_widget_class_bind_template_child (widget_class, DwAgentDetail, counts_box);
  gtk_widget_class_bind_template_child (widget_class, DwAgentDetail, drill_box);
  gtk_widget_class_bind_template_child (widget_class, DwAgentDetail, drill_title);
  gtk_widget_class_bind_template_child (widget_class, DwAgentDetail, tickets);
  gtk_widget_class_bind_template_child (widget_class, DwAgentDetail, charts_box);
  gtk_widget_class_bind_template_callback (widget_class, edge_reached_cb);

  gtk_widget_class_install_action (widget_class, "detail.back", NULL, back_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "detail.back", NULL);
}

static void
dw_agent_detail_init (DwAgentDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  dw_ticket_pages_set_row_func (self->tickets, make_ticket_row);

  for (guint i = 0; i < G_N_ELEMENTS (charted); i++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *title = gtk_label_new (dw_agent_figure_title (charted[i]));
      GtkWidget *chart = dw_trend_chart_new ();

      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_widget_add_css_class (title, "caption-heading");
      gtk_widget_set_tooltip_text (title, dw_agent_figure_description (charted[i]));
      gtk_box_append (GTK_BOX (box), title);
      gtk_box_append (GTK_BOX (box), chart);
      gtk_flow_box_append (self->charts_box, box);
      /* The flow box's child is a list item for nothing: charts are read, not picked. */
      gtk_widget_set_focusable (gtk_widget_get_parent (box), FALSE);
      self->charts[charted[i]] = chart;
    }
}

GtkWidget *
dw_agent_detail_new (void)
{
  return g_object_new (DW_TYPE_AGENT_DETAIL, NULL);
}

void
dw_agent_detail_show_agent (DwAgentDetail  *self,
                            DwClient       *client,
                            gint64          team_id,
                            const char     *window_query,
                            const char     *period_title,
                            DwAgentMetrics *agent)
{
  g_return_if_fail (DW_IS_AGENT_DETAIL (self));
  g_return_if_fail (client == NULL || DW_IS_CLIENT (client));
  g_return_if_fail (DW_IS_AGENT_METRICS (agent));
  g_return_if_fail (window_query != NULL);

  close_figure (self);
  g_set_object (&self->client, client);
  g_set_object (&self->agent, agent);
  self->team_id = team_id;
  g_free (self->window_query);
  self->window_query = g_strdup (window_query);
  gtk_label_set_label (self->name_label, dw_agent_metrics_get_display_name (agent));
  gtk_label_set_label (self->period_label, period_title != NULL ? period_title : "");
  rebuild_counts (self);
  rebuild_charts (self);
}

void
dw_agent_detail_update (DwAgentDetail  *self,
                        DwAgentMetrics *agent)
{
  g_return_if_fail (DW_IS_AGENT_DETAIL (self));
  g_return_if_fail (DW_IS_AGENT_METRICS (agent));

  g_set_object (&self->agent, agent);
  gtk_label_set_label (self->name_label, dw_agent_metrics_get_display_name (agent));
  rebuild_counts (self);
  rebuild_charts (self);
}

gint64
dw_agent_detail_get_user_id (DwAgentDetail *self)
{
  g_return_val_if_fail (DW_IS_AGENT_DETAIL (self), 0);
  return self->agent != NULL ? dw_agent_metrics_get_user_id (self->agent) : 0;
}

void
dw_agent_detail_open_figure (DwAgentDetail *self,
                             const char    *figure)
{
  g_autofree char *title = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (DW_IS_AGENT_DETAIL (self));
  g_return_if_fail (figure != NULL);

  /* Translators: the heading of a ticket list, e.g. "李娜 · Solved" */
  title = g_strdup_printf (_("%s · %s"), self->agent != NULL
                           ? dw_agent_metrics_get_display_name (self->agent) : "",
                           drill_label (figure));
  gtk_label_set_label (self->drill_title, title);
  gtk_widget_set_visible (self->drill_box, TRUE);
  if (self->client == NULL || self->agent == NULL)
    {
      dw_ticket_pages_clear (self->tickets);
      return;
    }
  path = g_strdup_printf ("/api/v1/agents/%" G_GINT64_FORMAT "/tickets?team_id=%" G_GINT64_FORMAT
                          "&figure=%s&%s", dw_agent_metrics_get_user_id (self->agent),
                          self->team_id, figure, self->window_query);
  dw_ticket_pages_load (self->tickets, self->client, path);
}

DwTicketPages *
dw_agent_detail_get_tickets (DwAgentDetail *self)
{
  g_return_val_if_fail (DW_IS_AGENT_DETAIL (self), NULL);
  return self->tickets;
}

GtkWidget *
dw_agent_detail_get_chart (DwAgentDetail *self,
                           DwAgentFigure  figure)
{
  g_return_val_if_fail (DW_IS_AGENT_DETAIL (self), NULL);
  g_return_val_if_fail (figure < DW_AGENT_N_FIGURES, NULL);
  return self->charts[figure];
}
