/* dw-sla-drill-down.c
 *
 * The popover keeps one size whatever comes in, so that it does not jump about, nor resize
 * and re-present itself under the figures it points at, as pages arrive.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-enums.h"
#include "dw-json.h"
#include "dw-queue-format.h"
#include "dw-sla-drill-down.h"

struct _DwSlaDrillDown
{
  GtkPopover         parent_instance;

  GtkLabel          *title_label;
  GtkScrolledWindow *scroller;
  DwTicketPages     *tickets;
};

G_DEFINE_FINAL_TYPE (DwSlaDrillDown, dw_sla_drill_down, GTK_TYPE_POPOVER)

static GtkWidget *
make_row (JsonObject *item,
          gint64     *ticket_id)
{
  JsonObject *ticket = NULL;
  gint64 id = 0, at = 0;
  g_autofree char *outcome = NULL;
  g_autofree char *subject = NULL;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title, *caption;
  g_autofree char *title_text = NULL;
  g_autofree char *when = NULL;
  g_autofree char *caption_text = NULL;
  gboolean breached;

  /* The readers check types: json-glib's own getters log a CRITICAL on a surprise. */
  dw_json_get_int64 (item, "ticket_id", DW_JSON_OPTIONAL, &id, NULL);
  dw_json_get_string (item, "outcome", DW_JSON_NULLABLE, &outcome, NULL);
  dw_json_get_time (item, "at", DW_JSON_NULLABLE, &at, NULL);
  dw_json_get_object (item, "ticket", DW_JSON_NULLABLE, &ticket, NULL);
  if (ticket != NULL)
    dw_json_get_string (ticket, "subject", DW_JSON_NULLABLE, &subject, NULL);
  breached = g_strcmp0 (outcome, "breached") == 0;
  *ticket_id = id;

  title_text = g_strdup_printf ("#%" G_GINT64_FORMAT " %s", id, subject != NULL ? subject : "");
  when = dw_format_time (at);
  caption_text = g_strdup_printf ("%s · %s",
                                  dw_sla_state_label (breached ? DW_SLA_STATE_BREACHED
                                                               : DW_SLA_STATE_MET),
                                  when);

  /* Wrapped, never ellipsized: a subject cut to "…" says nothing. */
  title = gtk_label_new (title_text);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (title), 48);
  caption = gtk_label_new (caption_text);
  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_widget_add_css_class (caption, "caption");
  gtk_widget_add_css_class (caption, "dim-label");
  if (breached)
    gtk_widget_add_css_class (caption, "error");

  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), caption);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_tooltip_text (row, _("Show this ticket"));
  return row;
}

static void
ticket_shown_cb (DwSlaDrillDown *self)
{
  gtk_popover_popdown (GTK_POPOVER (self));
}

static void
edge_reached_cb (DwSlaDrillDown    *self,
                 GtkPositionType    position,
                 GtkScrolledWindow *scroller)
{
  if (position == GTK_POS_BOTTOM)
    dw_ticket_pages_load_more (self->tickets);
}

static void
dw_sla_drill_down_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), DW_TYPE_SLA_DRILL_DOWN);

  G_OBJECT_CLASS (dw_sla_drill_down_parent_class)->dispose (object);
}

static void
dw_sla_drill_down_class_init (DwSlaDrillDownClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_sla_drill_down_dispose;

  g_type_ensure (DW_TYPE_TICKET_PAGES);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/sla/dw-sla-drill-down.ui");
  gtk_widget_class_bind_template_child (widget_class, DwSlaDrillDown, title_label);
  gtk_widget_class_bind_template_child (widget_class, DwSlaDrillDown, scroller);
  gtk_widget_class_bind_template_child (widget_class, DwSlaDrillDown, tickets);
  gtk_widget_class_bind_template_callback (widget_class, ticket_shown_cb);
  gtk_widget_class_bind_template_callback (widget_class, edge_reached_cb);
}

static void
dw_sla_drill_down_init (DwSlaDrillDown *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  dw_ticket_pages_set_row_func (self->tickets, make_row);
}

GtkWidget *
dw_sla_drill_down_new (void)
{
  return g_object_new (DW_TYPE_SLA_DRILL_DOWN, NULL);
}

void
dw_sla_drill_down_load (DwSlaDrillDown *self,
                        DwClient       *client,
                        const char     *query,
                        const char     *title)
{
  g_autofree char *path = NULL;

  g_return_if_fail (DW_IS_SLA_DRILL_DOWN (self));
  g_return_if_fail (DW_IS_CLIENT (client));
  g_return_if_fail (query != NULL);

  gtk_label_set_label (self->title_label, title != NULL ? title : "");
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  path = g_strconcat ("/api/v1/sla/compliance/tickets?", query, NULL);
  dw_ticket_pages_load (self->tickets, client, path);
}

DwTicketPages *
dw_sla_drill_down_get_tickets (DwSlaDrillDown *self)
{
  g_return_val_if_fail (DW_IS_SLA_DRILL_DOWN (self), NULL);
  return self->tickets;
}
