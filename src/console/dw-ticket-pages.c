/* dw-ticket-pages.c
 *
 * Ticket rows are inserted before the status row as pages arrive.  Each load has its own
 * cancellable, so a page that comes back for a list no longer shown is dropped.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-json.h"
#include "dw-ticket-pages.h"
#include "dw-widget-util.h"

/* The API's default page: enough to fill the view, small enough to come back at once. */
#define PAGE_SIZE 50

struct _DwTicketPages
{
  GtkWidget             parent_instance;

  GtkListBox           *list;
  GtkListBoxRow        *more_row;
  GtkLabel             *more_label;

  DwTicketPagesRowFunc  row_func;
  DwClient             *client;
  GCancellable         *cancellable;
  char                 *path;       /* NULL: nothing listed */
  char                 *cursor;     /* the next page's; NULL at the end */
  GArray               *ticket_ids; /* gint64, one per ticket row, in order */
  gboolean              loading;
  gboolean              failed;
};

G_DEFINE_FINAL_TYPE (DwTicketPages, dw_ticket_pages, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BOXED,
  N_PROPS
};

enum {
  TICKET_SHOWN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
update_more_row (DwTicketPages *self)
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

static void
page_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DwTicketPages) self = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *page;
  JsonArray *items = NULL;
  g_autofree char *cursor = NULL;

  node = dw_client_request_finish (DW_CLIENT (source), result, &error);
  /* Cancelled: another list, another desk, or the view is gone; nothing of ours to touch. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node)
      || !dw_json_get_array (page = json_node_get_object (node), "items", DW_JSON_REQUIRED,
                             &items, NULL)
      || !dw_json_get_string (page, "next_cursor", DW_JSON_NULLABLE, &cursor, NULL))
    {
      if (error != NULL)
        g_message ("Tickets behind a figure: %s", error->message);
      self->failed = TRUE;
      update_more_row (self);
      return;
    }

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *element = json_array_get_element (items, i);
      gint64 id = 0;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      gtk_list_box_insert (self->list, self->row_func (json_node_get_object (element), &id),
                           (int) self->ticket_ids->len);
      g_array_append_val (self->ticket_ids, id);
    }

  g_free (self->cursor);
  self->cursor = g_steal_pointer (&cursor);
  update_more_row (self);
}

static void
load_page (DwTicketPages *self)
{
  g_autoptr(GString) path = NULL;

  if (self->client == NULL || self->path == NULL || self->loading)
    return;

  path = g_string_new (self->path);
  g_string_append_printf (path, "%climit=%d", strchr (self->path, '?') != NULL ? '&' : '?',
                          PAGE_SIZE);
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
row_activated_cb (DwTicketPages *self,
                  GtkListBoxRow *row,
                  GtkListBox    *list)
{
  int index = gtk_list_box_row_get_index (row);
  gint64 id;

  if (row == self->more_row)
    {
      /* After an error the same page again; otherwise the next one. */
      load_page (self);
      return;
    }
  if (index < 0 || (guint) index >= self->ticket_ids->len)
    return;

  id = g_array_index (self->ticket_ids, gint64, index);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-ticket", "x", id);
  g_signal_emit (self, signals[TICKET_SHOWN], 0, id);
}

static void
dw_ticket_pages_dispose (GObject *object)
{
  DwTicketPages *self = DW_TICKET_PAGES (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  dw_widget_dispose_template (GTK_WIDGET (self), DW_TYPE_TICKET_PAGES);

  G_OBJECT_CLASS (dw_ticket_pages_parent_class)->dispose (object);
}

static void
dw_ticket_pages_finalize (GObject *object)
{
  DwTicketPages *self = DW_TICKET_PAGES (object);

  g_free (self->path);
  g_free (self->cursor);
  g_array_unref (self->ticket_ids);

  G_OBJECT_CLASS (dw_ticket_pages_parent_class)->finalize (object);
}

static void
dw_ticket_pages_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DwTicketPages *self = DW_TICKET_PAGES (object);

  switch (prop_id)
    {
    case PROP_BOXED:
      g_value_set_boolean (value, gtk_widget_has_css_class (GTK_WIDGET (self->list),
                                                            "boxed-list"));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_ticket_pages_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DwTicketPages *self = DW_TICKET_PAGES (object);

  switch (prop_id)
    {
    case PROP_BOXED:
      /* Boxed in a page of its own; plain, with separators, in a popover. */
      if (g_value_get_boolean (value))
        gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->list), "boxed-list");
      gtk_list_box_set_show_separators (self->list, !g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_ticket_pages_class_init (DwTicketPagesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dw_ticket_pages_dispose;
  object_class->finalize = dw_ticket_pages_finalize;
  object_class->get_property = dw_ticket_pages_get_property;
  object_class->set_property = dw_ticket_pages_set_property;

  properties[PROP_BOXED] =
    g_param_spec_boolean ("boxed", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[TICKET_SHOWN] = g_signal_new ("ticket-shown", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/deskwatch/Deskwatch/dw-ticket-pages.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, DwTicketPages, list);
  gtk_widget_class_bind_template_child (widget_class, DwTicketPages, more_row);
  gtk_widget_class_bind_template_child (widget_class, DwTicketPages, more_label);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
}

static void
dw_ticket_pages_init (DwTicketPages *self)
{
  self->cancellable = g_cancellable_new ();
  self->ticket_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_widget_init_template (GTK_WIDGET (self));
  update_more_row (self);
}

GtkWidget *
dw_ticket_pages_new (void)
{
  return g_object_new (DW_TYPE_TICKET_PAGES, NULL);
}

void
dw_ticket_pages_set_row_func (DwTicketPages        *self,
                              DwTicketPagesRowFunc  func)
{
  g_return_if_fail (DW_IS_TICKET_PAGES (self));
  self->row_func = func;
}

void
dw_ticket_pages_clear (DwTicketPages *self)
{
  GtkWidget *child;

  g_return_if_fail (DW_IS_TICKET_PAGES (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->cursor, g_free);
  self->loading = FALSE;
  self->failed = FALSE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL
         && child != GTK_WIDGET (self->more_row))
    gtk_list_box_remove (self->list, child);
  g_array_set_size (self->ticket_ids, 0);
  update_more_row (self);
}

void
dw_ticket_pages_load (DwTicketPages *self,
                      DwClient      *client,
                      const char    *path)
{
  g_return_if_fail (DW_IS_TICKET_PAGES (self));
  g_return_if_fail (DW_IS_CLIENT (client));
  g_return_if_fail (path != NULL);
  g_return_if_fail (self->row_func != NULL);

  dw_ticket_pages_clear (self);
  g_set_object (&self->client, client);
  self->path = g_strdup (path);
  load_page (self);
}

void
dw_ticket_pages_load_more (DwTicketPages *self)
{
  g_return_if_fail (DW_IS_TICKET_PAGES (self));

  if (self->cursor != NULL && !self->failed)
    load_page (self);
}

guint
dw_ticket_pages_get_n_tickets (DwTicketPages *self)
{
  g_return_val_if_fail (DW_IS_TICKET_PAGES (self), 0);
  return self->ticket_ids->len;
}

gboolean
dw_ticket_pages_get_has_more (DwTicketPages *self)
{
  g_return_val_if_fail (DW_IS_TICKET_PAGES (self), FALSE);
  return self->cursor != NULL;
}

gboolean
dw_ticket_pages_get_loading (DwTicketPages *self)
{
  g_return_val_if_fail (DW_IS_TICKET_PAGES (self), FALSE);
  return self->loading;
}

gint64
dw_ticket_pages_get_ticket_id (DwTicketPages *self,
                               guint          i)
{
  g_return_val_if_fail (DW_IS_TICKET_PAGES (self), 0);
  return i < self->ticket_ids->len ? g_array_index (self->ticket_ids, gint64, i) : 0;
}
