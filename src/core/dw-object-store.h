/* dw-object-store.h: a GListModel of objects keyed by a gint64 id, kept in id order.
 *
 * The console's lists (tickets, agents, teams) are DwObjectStores filled by DwSync.  Objects
 * are found by id in O(1) (a hash table) and their position in O(log n) (binary search over the
 * sorted ids), so applying one stream event to a list of 100k tickets costs next to nothing.
 * Changes are reported with items-changed for exactly the positions that moved; an object
 * updated in place does not move and by default is not reported (it emits notify itself).
 * Batches (a snapshot, a resync) go through dw_object_store_reconcile(), which emits one
 * items-changed per run of added or removed items, never a rebuild.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef gint64   (*DwObjectStoreIdFunc)     (gpointer item);
/* Makes a new object (transfer full) from @data, or NULL to skip it. */
typedef gpointer (*DwObjectStoreCreateFunc) (gpointer data,
                                             gpointer user_data);
/* Updates @item in place from @data. */
typedef void     (*DwObjectStoreUpdateFunc) (gpointer item,
                                             gpointer data,
                                             gpointer user_data);

#define DW_TYPE_OBJECT_STORE (dw_object_store_get_type ())
G_DECLARE_FINAL_TYPE (DwObjectStore, dw_object_store, DW, OBJECT_STORE, GObject)

/* @item_type: a GObject type; @id_func: gives an item's id (constant for the item's life). */
DwObjectStore *dw_object_store_new            (GType                    item_type,
                                               DwObjectStoreIdFunc      id_func);

/* The object with @id (transfer none), or NULL. */
gpointer       dw_object_store_lookup         (DwObjectStore           *self,
                                               gint64                   id);
/* The position of the object with @id; FALSE when absent. */
gboolean       dw_object_store_find           (DwObjectStore           *self,
                                               gint64                   id,
                                               guint                   *position);

/* Adds @item (not taken) at its place; an object with the same id is replaced. */
void           dw_object_store_add            (DwObjectStore           *self,
                                               gpointer                 item);
/* Removes the object with @id; FALSE when there was none. */
gboolean       dw_object_store_remove         (DwObjectStore           *self,
                                               gint64                   id);
void           dw_object_store_remove_all     (DwObjectStore           *self);

/* When TRUE, dw_object_store_item_updated() reports the item as items-changed (pos, 1, 1), so
 * that a GtkSortListModel/GtkFilterListModel above re-sorts or re-filters just that item.
 * Default FALSE: in-place updates are only seen through the items' notify signals. */
void           dw_object_store_set_signal_updates (DwObjectStore       *self,
                                                   gboolean             signal_updates);
gboolean       dw_object_store_get_signal_updates (DwObjectStore       *self);
/* Tells the store that @item (one of its objects) changed in place. */
void           dw_object_store_item_updated   (DwObjectStore           *self,
                                               gpointer                 item);

/* Makes the store hold exactly the @n_items entries of @data, whose ids are @ids (any order,
 * unique): existing objects with one of those ids are kept and updated with @update_func,
 * new ids get an object from @create_func, objects with other ids are removed.
 * With @remove_missing FALSE nothing is removed (a batch of additions/updates). */
void           dw_object_store_reconcile      (DwObjectStore           *self,
                                               const gint64            *ids,
                                               gpointer                *data,
                                               guint                    n_items,
                                               gboolean                 remove_missing,
                                               DwObjectStoreCreateFunc  create_func,
                                               DwObjectStoreUpdateFunc  update_func,
                                               gpointer                 user_data);

G_END_DECLS
