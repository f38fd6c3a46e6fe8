/* dw-object-store.c: a GListModel of objects keyed by id, in id order.
 *
 * The index is the model itself: one array of (id, object) entries sorted by id, searched by
 * bisection.  That gives O(log n) lookup of both object and position without a second
 * structure to keep in step, and bulk insertion/removal of runs with one memmove each.
 */
#include "config.h"

#include <stdlib.h>

#include "dw-object-store.h"

typedef struct
{
  gint64   id;
  gpointer item;
} Entry;

typedef struct
{
  gint64   id;
  gpointer data;
  guint    order;   /* position in the caller's array, to keep the last of duplicate ids */
} Incoming;

struct _DwObjectStore
{
  GObject              parent_instance;

  GType                item_type;
  DwObjectStoreIdFunc  id_func;
  GArray              *entries;   /* Entry, sorted by id, ids unique */
  gboolean             signal_updates;
};

static void dw_object_store_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DwObjectStore, dw_object_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      dw_object_store_list_model_init))

enum {
  PROP_0,
  PROP_ITEM_TYPE,
  PROP_N_ITEMS,
  PROP_SIGNAL_UPDATES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define ENTRY(self, i) (&g_array_index ((self)->entries, Entry, (i)))

/* The position of @id, or where it would be inserted (with *found FALSE). */
static guint
bisect (DwObjectStore *self,
        gint64         id,
        gboolean      *found)
{
  guint lo = 0;
  guint hi = self->entries->len;

  /* New tickets have the largest id: appending is the common case. */
  if (hi > 0 && ENTRY (self, hi - 1)->id < id)
    {
      *found = FALSE;
      return hi;
    }

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      gint64 mid_id = ENTRY (self, mid)->id;

      if (mid_id < id)
        lo = mid + 1;
      else if (mid_id > id)
        hi = mid;
      else
        {
          *found = TRUE;
          return mid;
        }
    }

  *found = FALSE;
  return lo;
}

static void
entry_clear (gpointer data)
{
  Entry *entry = data;

  g_clear_object (&entry->item);
}

static void
emit_changed (DwObjectStore *self,
              guint          position,
              guint          removed,
              guint          added)
{
  if (removed == 0 && added == 0)
    return;

  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static int
incoming_compare (const void *a,
                  const void *b)
{
  const Incoming *x = a;
  const Incoming *y = b;

  if (x->id != y->id)
    return x->id < y->id ? -1 : 1;
  return x->order < y->order ? -1 : (x->order > y->order);
}

/* GListModel */

static GType
dw_object_store_get_item_type (GListModel *model)
{
  return DW_OBJECT_STORE (model)->item_type;
}

static guint
dw_object_store_get_n_items (GListModel *model)
{
  return DW_OBJECT_STORE (model)->entries->len;
}

static gpointer
dw_object_store_get_item (GListModel *model,
                          guint       position)
{
  DwObjectStore *self = DW_OBJECT_STORE (model);

  if (position >= self->entries->len)
    return NULL;
  return g_object_ref (ENTRY (self, position)->item);
}

static void
dw_object_store_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = dw_object_store_get_item_type;
  iface->get_n_items = dw_object_store_get_n_items;
  iface->get_item = dw_object_store_get_item;
}

/* GObject */

static void
dw_object_store_finalize (GObject *object)
{
  DwObjectStore *self = (DwObjectStore *) object;

  g_clear_pointer (&self->entries, g_array_unref);

  G_OBJECT_CLASS (dw_object_store_parent_class)->finalize (object);
}

static void
dw_object_store_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DwObjectStore *self = DW_OBJECT_STORE (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, self->item_type);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->entries->len);
      break;

    case PROP_SIGNAL_UPDATES:
      g_value_set_boolean (value, self->signal_updates);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_object_store_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DwObjectStore *self = DW_OBJECT_STORE (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      self->item_type = g_value_get_gtype (value);
      break;

    case PROP_SIGNAL_UPDATES:
      dw_object_store_set_signal_updates (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dw_object_store_class_init (DwObjectStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dw_object_store_finalize;
  object_class->get_property = dw_object_store_get_property;
  object_class->set_property = dw_object_store_set_property;

  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", NULL, NULL,
                        G_TYPE_OBJECT,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_SIGNAL_UPDATES] =
    g_param_spec_boolean ("signal-updates", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dw_object_store_init (DwObjectStore *self)
{
  self->item_type = G_TYPE_OBJECT;
  self->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_array_set_clear_func (self->entries, entry_clear);
}

/* Public API */

DwObjectStore *
dw_object_store_new (GType               item_type,
                     DwObjectStoreIdFunc id_func)
{
  DwObjectStore *self;

  g_return_val_if_fail (g_type_is_a (item_type, G_TYPE_OBJECT), NULL);
  g_return_val_if_fail (id_func != NULL, NULL);

  self = g_object_new (DW_TYPE_OBJECT_STORE, "item-type", item_type, NULL);
  self->id_func = id_func;
  return self;
}

gpointer
dw_object_store_lookup (DwObjectStore *self,
                        gint64         id)
{
  gboolean found;
  guint position;

  g_return_val_if_fail (DW_IS_OBJECT_STORE (self), NULL);

  position = bisect (self, id, &found);
  return found ? ENTRY (self, position)->item : NULL;
}

gboolean
dw_object_store_find (DwObjectStore *self,
                      gint64         id,
                      guint         *position)
{
  gboolean found;
  guint pos;

  g_return_val_if_fail (DW_IS_OBJECT_STORE (self), FALSE);

  pos = bisect (self, id, &found);
  if (found && position != NULL)
    *position = pos;
  return found;
}

void
dw_object_store_add (DwObjectStore *self,
                     gpointer       item)
{
  Entry entry;
  gboolean found;
  guint position;

  g_return_if_fail (DW_IS_OBJECT_STORE (self));
  g_return_if_fail (g_type_is_a (G_OBJECT_TYPE (item), self->item_type));

  entry.id = self->id_func (item);
  entry.item = g_object_ref (item);
  position = bisect (self, entry.id, &found);

  if (found)
    {
      Entry *old = ENTRY (self, position);
      gpointer old_item = old->item;

      old->item = entry.item;
      g_object_unref (old_item);
      emit_changed (self, position, 1, 1);
      return;
    }

  g_array_insert_val (self->entries, position, entry);
  emit_changed (self, position, 0, 1);
}

gboolean
dw_object_store_remove (DwObjectStore *self,
                        gint64         id)
{
  gboolean found;
  guint position;

  g_return_val_if_fail (DW_IS_OBJECT_STORE (self), FALSE);

  position = bisect (self, id, &found);
  if (!found)
    return FALSE;

  g_array_remove_index (self->entries, position);
  emit_changed (self, position, 1, 0);
  return TRUE;
}

void
dw_object_store_remove_all (DwObjectStore *self)
{
  guint n;

  g_return_if_fail (DW_IS_OBJECT_STORE (self));

  n = self->entries->len;
  g_array_set_size (self->entries, 0);
  emit_changed (self, 0, n, 0);
}

void
dw_object_store_set_signal_updates (DwObjectStore *self,
                                    gboolean       signal_updates)
{
  g_return_if_fail (DW_IS_OBJECT_STORE (self));

  signal_updates = !!signal_updates;
  if (self->signal_updates == signal_updates)
    return;
  self->signal_updates = signal_updates;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNAL_UPDATES]);
}

gboolean
dw_object_store_get_signal_updates (DwObjectStore *self)
{
  g_return_val_if_fail (DW_IS_OBJECT_STORE (self), FALSE);
  return self->signal_updates;
}

void
dw_object_store_item_updated (DwObjectStore *self,
                              gpointer       item)
{
  gboolean found;
  guint position;

  g_return_if_fail (DW_IS_OBJECT_STORE (self));

  if (!self->signal_updates)
    return;

  position = bisect (self, self->id_func (item), &found);
  if (found && ENTRY (self, position)->item == item)
    g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
}

void
dw_object_store_reconcile (DwObjectStore           *self,
                           const gint64            *ids,
                           gpointer                *data,
                           guint                    n_items,
                           gboolean                 remove_missing,
                           DwObjectStoreCreateFunc  create_func,
                           DwObjectStoreUpdateFunc  update_func,
                           gpointer                 user_data)
{
  g_autofree Incoming *in = NULL;
  g_autoptr(GArray) run = NULL;
  guint n = 0;
  guint i = 0;
  guint j = 0;
  guint seg_pos = 0;
  guint seg_removed = 0;
  guint seg_added = 0;

  g_return_if_fail (DW_IS_OBJECT_STORE (self));
  g_return_if_fail (n_items == 0 || (ids != NULL && data != NULL));
  g_return_if_fail (create_func != NULL);
  g_return_if_fail (update_func != NULL);

  in = g_new (Incoming, MAX (n_items, 1));
  for (guint k = 0; k < n_items; k++)
    {
      in[k].id = ids[k];
      in[k].data = data[k];
      in[k].order = k;
    }
  qsort (in, n_items, sizeof (Incoming), incoming_compare);

  /* Of duplicate ids the last one given wins. */
  for (guint k = 0; k < n_items; k++)
    {
      if (n > 0 && in[n - 1].id == in[k].id)
        in[n - 1] = in[k];
      else
        in[n++] = in[k];
    }

  run = g_array_new (FALSE, FALSE, sizeof (Entry));

  /* One forward merge of two sorted sequences.  Removals and insertions are applied as they
   * come; a stretch of them between two kept objects is reported as one items-changed once
   * the stretch ends, so every emission describes the model exactly as a handler reads it:
   * final up to the stretch's end, old after it. */
  while (i < self->entries->len || j < n)
    {
      if (i < self->entries->len && (j >= n || ENTRY (self, i)->id < in[j].id))
        {
          guint start = i;

          while (i < self->entries->len && (j >= n || ENTRY (self, i)->id < in[j].id))
            i++;
          if (remove_missing)
            {
              if (seg_removed == 0 && seg_added == 0)
                seg_pos = start;
              g_array_remove_range (self->entries, start, i - start);
              seg_removed += i - start;
              i = start;
            }
          else
            {
              emit_changed (self, seg_pos, seg_removed, seg_added);
              seg_removed = seg_added = 0;
            }
        }
      else if (j < n && (i >= self->entries->len || in[j].id < ENTRY (self, i)->id))
        {
          g_array_set_size (run, 0);
          while (j < n && (i >= self->entries->len || in[j].id < ENTRY (self, i)->id))
            {
              gpointer item = create_func (in[j].data, user_data);

              if (item != NULL)
                {
                  Entry entry = { in[j].id, item };

                  g_warn_if_fail (self->id_func (item) == in[j].id);
                  g_array_append_val (run, entry);
                }
              j++;
            }
          if (run->len > 0)
            {
              if (seg_removed == 0 && seg_added == 0)
                seg_pos = i;
              g_array_insert_vals (self->entries, i, run->data, run->len);
              seg_added += run->len;
              i += run->len;
            }
        }
      else
        {
          gpointer item = ENTRY (self, i)->item;

          emit_changed (self, seg_pos, seg_removed, seg_added);
          seg_removed = seg_added = 0;

          update_func (item, in[j].data, user_data);
          dw_object_store_item_updated (self, item);
          i++;
          j++;
        }
    }

  emit_changed (self, seg_pos, seg_removed, seg_added);
}
