/* dw-sla-drill-down.c
 *
 * The list ends with one status row ("Loading…", "Show More", an error to retry, "No
 * tickets."); ticket rows are inserted before it as pages arrive.  Each load has its own
 * cancellable, so a page that comes back for a figure no longer shown is dropped.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-enums.h"
#include "dw-json.h"
#include "dw-queue-format.h"
#include "dw-sla-drill-down.h"

/* The API's default page: enough to fill the popover, small enough to come back at once. */
#define PAGE_SIZE 50

struct _DwSlaDrillDown
{
  GtkPopover         parent_instance;

  GtkLabel          *title_label;
  GtkScrolledWindow *scroller;
  GtkListBox        *list;
  GtkListBoxRow     *more_row;
  GtkLabel          *more_label;

  DwClient          *client;
  GCancellable      *cancellable;
  char              *query;
  char              *cursor;     /* the next page's; NULL at the end */
  GArray            *ticket_ids; /* gint64, one per ticket row, in order */
  gboolean           loading;
  gboolean           failed;
};

G_DEFINE_FINAL_TYPE (DwSlaDrillDown, dw_sla_drill_down, GTK_TYPE_POPOVER)

static void
update_more_row (DwSlaDrillDown *self)
{
  const char *text = NULL;
  gboolean activatable = FALSE;

  if (self->loading)
    {
      text = _("Loading…");
    }
  else if (self->failed)
    {
      text = _("The tickets could not be loaded. Try again");
      activatable = TRUE;
    }
  else if (self->cursor != NULL)
    {
      text = _("Show More");
      activatable = TRUE;
    }
  else if (self->ticket_ids->len == 0)
    {
      text = _("No tickets.");
    }

  gtk_widget_set_visible (GTK_WIDGET (self->more_row), text != NULL);
  gtk_label_set_label (self->more_label, text != NULL ? text : "");
  gtk_list_box_row_set_activatable (self->more_row, activatable);
}

static GtkWidget *
make_row (JsonObject *item)
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
page_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DwSlaDrillDown) self = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *page;
  JsonArray *items = NULL;
  g_autofree char *cursor = NULL;

  node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  /* Cancelled: another figure, another desk, or the popover is gone; nothing of ours to touch. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      self->failed = TRUE;
      update_more_row (self);
      return;
    }

  page = json_node_get_object (node);
  if (!dw_json_get_array (page, "items", DW_JSON_REQUIRED, &items, NULL)
      || !dw_json_get_string (page, "next_cursor", DW_JSON_NULLABLE, &cursor, NULL))
    {
      self->failed = TRUE;
      update_more_row (self);
      return;
    }

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *element = json_array_get_element (items, i);
      JsonObject *item;
      gint64 id = 0;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      item = json_node_get_object (element);
      dw_json_get_int64 (item, "ticket_id", DW_JSON_OPTIONAL, &id, NULL);
      gtk_list_box_insert (self->list, make_row (item), (int) self->ticket_ids->len);
      g_array_append_val (self->ticket_ids, id);
    }

  g_free (self->cursor);
  self->cursor = g_steal_pointer (&cursor);
  update_more_row (self);
}

static void
load_page (DwSlaDrillDown *self)
{
  g_autoptr(GString) path = NULL;

  if (self->client == NULL || self->query == NULL || self->loading)
    return;

  path = g_string_new ("/api/v1/sla/compliance/tickets?");
  g_string_append_printf (path, "%s&limit=%d", self->query, PAGE_SIZE);
  if (self->cursor != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (self->cursor, NULL, FALSE);

      g_string_append_printf (path, "&cursor=%s", escaped);
    }

  self->loading = TRUE;
  self->failed = FALSE;
  update_more_row (self);
  dw_client_request_async (self->client, "GET", path->str, NULL, self->cancellable, page_cb,
                           g_object_ref (self));
}

static void
row_activated_cb (DwSlaDrillDown *self,
                  GtkListBoxRow  *row,
                  GtkListBox     *list)
{
  int index = gtk_list_box_row_get_index (row);

  if (row == self->more_row)
    {
      /* After an error the same page again; otherwise the next one. */
      load_page (self);
      return;
    }
  if (index < 0 || (guint) index >= self->ticket_ids->len)
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-ticket", "x",
                              g_array_index (self->ticket_ids, gint64, index));
  gtk_popover_popdown (GTK_POPOVER (self));
}

static void
edge_reached_cb (DwSlaDrillDown    *self,
                 GtkPositionType    position,
                 GtkScrolledWindow *scroller)
{
  if (position == GTK_POS_BOTTOM)
    dw_sla_drill_down_load_more (self);
}

static void
dw_sla_drill_down_dispose (GObject *object)
{
  DwSlaDrillDown *self = DW_SLA_DRILL_DOWN (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_SLA_DRILL_DOWN);

  G_OBJECT_CLASS (dw_sla_drill_down_parent_class)->dispose (object);
}

static void
dw_sla_drill_down_finalize (GObject *object)
{
  DwSlaDrillDown *self = DW_SLA_DRILL_DOWN (object);

  g_free (self->query);
  g_free (self->cursor);
  g_array_unref (self->ticket_ids);

  G_OBJECT_CLASS (dw_sla_drill_down_parent_class)->finalize (object);
}

static void
dw_sla_drill_down_class_init (DwSlaDrillDownClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_sla_drill_down_dispose;
  object_class->finalize = dw_sla_drill_down_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/sla/dw-sla-drill-down.ui");
  gtk_widget_class_bind_template_child (widget_class, DwSlaDrillDown, title_label);
  gtk_widget_class_bind_template_child (widget_class, DwSlaDrillDown, scroller);
  gtk_widget_class_bind_template_child (widget_class, DwSlaDrillDown, list);
  gtk_widget_class_bind_template_child (widget_class, DwSlaDrillDown, more_row);
  gtk_widget_class_bind_template_child (widget_class, DwSlaDrillDown, more_label);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, edge_reached_cb);
}

static void
dw_sla_drill_down_init (DwSlaDrillDown *self)
{
  self->cancellable = g_cancellable_new ();
  self->ticket_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_widget_init_template (GTK_WIDGET (self));
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
  GtkWidget *child;

  g_return_if_fail (DW_IS_SLA_DRILL_DOWN (self));
  g_return_if_fail (DW_IS_CLIENT (client));
  g_return_if_fail (query != NULL);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->client, client);
  g_free (self->query);
  self->query = g_strdup (query);
  g_clear_pointer (&self->cursor, g_free);
  self->loading = FALSE;
  self->failed = FALSE;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL
         && child != GTK_WIDGET (self->more_row))
    gtk_list_box_remove (self->list, child);
  g_array_set_size (self->ticket_ids, 0);

  gtk_label_set_label (self->title_label, title != NULL ? title : "");
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  load_page (self);
}

void
dw_sla_drill_down_load_more (DwSlaDrillDown *self)
{
  g_return_if_fail (DW_IS_SLA_DRILL_DOWN (self));

  if (self->cursor != NULL && !self->failed)
    load_page (self);
}

guint
dw_sla_drill_down_get_n_tickets (DwSlaDrillDown *self)
{
  g_return_val_if_fail (DW_IS_SLA_DRILL_DOWN (self), 0);
  return self->ticket_ids->len;
}

gboolean
dw_sla_drill_down_get_has_more (DwSlaDrillDown *self)
{
  g_return_val_if_fail (DW_IS_SLA_DRILL_DOWN (self), FALSE);
  return self->cursor != NULL;
}

gboolean
dw_sla_drill_down_get_loading (DwSlaDrillDown *self)
{
  g_return_val_if_fail (DW_IS_SLA_DRILL_DOWN (self), FALSE);
  return self->loading;
}

gint64
dw_sla_drill_down_get_ticket_id (DwSlaDrillDown *self,
                                 guint           i)
{
  g_return_val_if_fail (DW_IS_SLA_DRILL_DOWN (self), 0);
  return i < self->ticket_ids->len ? g_array_index (self->ticket_ids, gint64, i) : 0;
}
