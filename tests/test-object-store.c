/* Unit tests of DwObjectStore: order, lookup, and exact items-changed. */
#include "dw-object-store.h"

/* A minimal item: an id and a label that updates change. */
#define TEST_TYPE_ITEM (test_item_get_type ())
G_DECLARE_FINAL_TYPE (TestItem, test_item, TEST, ITEM, GObject)

struct _TestItem
{
  GObject  parent_instance;
  gint64   id;
  char    *label;
  guint    updates;
};

G_DEFINE_FINAL_TYPE (TestItem, test_item, G_TYPE_OBJECT)

static void
test_item_finalize (GObject *object)
{
  g_free (TEST_ITEM (object)->label);
  G_OBJECT_CLASS (test_item_parent_class)->finalize (object);
}

static void
test_item_class_init (TestItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_item_finalize;
}

static void
test_item_init (TestItem *self)
{
}

static TestItem *
test_item_new (gint64      id,
               const char *label)
{
  TestItem *item = g_object_new (TEST_TYPE_ITEM, NULL);

  item->id = id;
  item->label = g_strdup (label);
  return item;
}

static gint64
item_id (gpointer item)
{
  return TEST_ITEM (item)->id;
}

static gpointer
item_create (gpointer data,
             gpointer user_data)
{
  const char *label = data;
  gint64 id = g_ascii_strtoll (label, NULL, 10);

  return test_item_new (id, label);
}

static void
item_update (gpointer item,
             gpointer data,
             gpointer user_data)
{
  TestItem *self = item;

  g_free (self->label);
  self->label = g_strdup (data);
  self->updates++;
}

/* Records each items-changed and replays it on a shadow array of the ids, checking at every
 * emission that the model reads exactly as the replay says (the consistency a GtkListView
 * relies on). */
typedef struct
{
  GArray *shadow;     /* gint64 ids */
  guint   emissions;
  guint   removed;
  guint   added;
} Recorder;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Recorder   *rec)
{
  rec->emissions++;
  rec->removed += removed;
  rec->added += added;

  g_assert_cmpuint (position + removed, <=, rec->shadow->len);
  g_array_remove_range (rec->shadow, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(TestItem) item = g_list_model_get_item (model, position + i);

      g_assert_nonnull (item);
      g_array_insert_val (rec->shadow, position + i, item->id);
    }

  g_assert_cmpuint (rec->shadow->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < rec->shadow->len; i++)
    {
      g_autoptr(TestItem) item = g_list_model_get_item (model, i);

      g_assert_cmpint (item->id, ==, g_array_index (rec->shadow, gint64, i));
    }
}

static void
recorder_reset (Recorder *rec)
{
  rec->emissions = rec->removed = rec->added = 0;
}

static void
assert_ids (DwObjectStore *store,
            const gint64  *ids,
            guint          n)
{
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TestItem) item = g_list_model_get_item (G_LIST_MODEL (store), i);

      g_assert_cmpint (item->id, ==, ids[i]);
    }
}

static DwObjectStore *
new_store (Recorder *rec)
{
  DwObjectStore *store = dw_object_store_new (TEST_TYPE_ITEM, item_id);

  rec->shadow = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_signal_connect (store, "items-changed", G_CALLBACK (items_changed_cb), rec);
  return store;
}

static void
test_add_remove (void)
{
  Recorder rec = { 0 };
  g_autoptr(DwObjectStore) store = new_store (&rec);
  const gint64 expected[] = { 3, 5, 7, 9 };
  guint position = 0;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (store)) == TEST_TYPE_ITEM);

  for (guint i = 0; i < 4; i++)
    {
      static const gint64 order[] = { 7, 3, 9, 5 };
      g_autoptr(TestItem) item = test_item_new (order[i], NULL);

      dw_object_store_add (store, item);
    }
  assert_ids (store, expected, 4);
  g_assert_cmpuint (rec.emissions, ==, 4);
  g_assert_cmpuint (rec.added, ==, 4);

  g_assert_true (dw_object_store_find (store, 7, &position));
  g_assert_cmpuint (position, ==, 2);
  g_assert_false (dw_object_store_find (store, 8, &position));
  g_assert_cmpint (item_id (dw_object_store_lookup (store, 9)), ==, 9);
  g_assert_null (dw_object_store_lookup (store, 1));
  g_assert_null (dw_object_store_lookup (store, 10));
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (store), 4));

  recorder_reset (&rec);
  g_assert_true (dw_object_store_remove (store, 5));
  g_assert_false (dw_object_store_remove (store, 5));
  g_assert_cmpuint (rec.emissions, ==, 1);
  g_assert_cmpuint (rec.removed, ==, 1);

  dw_object_store_remove_all (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_array_unref (rec.shadow);
}

static void
test_reconcile (void)
{
  Recorder rec = { 0 };
  g_autoptr(DwObjectStore) store = new_store (&rec);
  gint64 ids[100];
  gpointer labels[100];
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  TestItem *kept;

  /* First load, given in reverse order: one emission for everything. */
  for (guint i = 0; i < 100; i++)
    {
      ids[i] = 2 * (100 - i);      /* 200, 198, …, 2 */
      labels[i] = g_strdup_printf ("%" G_GINT64_FORMAT, ids[i]);
      g_ptr_array_add (strings, labels[i]);
    }
  dw_object_store_reconcile (store, ids, labels, 100, TRUE, item_create, item_update, NULL);
  g_assert_cmpuint (rec.emissions, ==, 1);
  g_assert_cmpuint (rec.added, ==, 100);
  {
    g_autoptr(TestItem) first = g_list_model_get_item (G_LIST_MODEL (store), 0);

    g_assert_cmpint (first->id, ==, 2);
  }

  kept = dw_object_store_lookup (store, 100);

  /* Resync: 10 and 12 gone, 11 and 13 new, 201 new at the end, the rest kept. */
  {
    g_autoptr(GArray) new_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr(GPtrArray) new_labels = g_ptr_array_new ();
    const gint64 expected_head[] = { 2, 4, 6, 8, 11, 13, 14 };

    for (gint64 id = 2; id <= 200; id += 2)
      if (id != 10 && id != 12)
        g_array_append_val (new_ids, id);
    g_array_append_vals (new_ids, (gint64[]) { 11, 13, 201 }, 3);
    for (guint i = 0; i < new_ids->len; i++)
      {
        char *label = g_strdup_printf ("%" G_GINT64_FORMAT, g_array_index (new_ids, gint64, i));

        g_ptr_array_add (strings, label);
        g_ptr_array_add (new_labels, label);
      }

    recorder_reset (&rec);
    dw_object_store_reconcile (store, (gint64 *) (gpointer) new_ids->data, new_labels->pdata,
                               new_ids->len, TRUE, item_create, item_update, NULL);

    /* One run removed (10, 12), one run added (11, 13), one added at the end. */
    g_assert_cmpuint (rec.removed, ==, 2);
    g_assert_cmpuint (rec.added, ==, 3);
    g_assert_cmpuint (rec.emissions, ==, 2);  /* 10…13 as one stretch, 201 */
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 101);
    for (guint i = 0; i < G_N_ELEMENTS (expected_head); i++)
      {
        g_autoptr(TestItem) item = g_list_model_get_item (G_LIST_MODEL (store), i);

        g_assert_cmpint (item->id, ==, expected_head[i]);
      }
  }

  /* Kept objects are the same instances, updated in place. */
  g_assert_true (dw_object_store_lookup (store, 100) == (gpointer) kept);
  g_assert_cmpuint (kept->updates, ==, 1);

  /* Additions only: nothing removed even though the batch lacks most ids. */
  {
    gint64 some[] = { 3, 4 };
    gpointer some_labels[] = { "3", "4" };

    recorder_reset (&rec);
    dw_object_store_reconcile (store, some, some_labels, 2, FALSE, item_create, item_update, NULL);
    g_assert_cmpuint (rec.removed, ==, 0);
    g_assert_cmpuint (rec.added, ==, 1);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 102);
  }

  g_array_unref (rec.shadow);
}

static void
test_duplicates (void)
{
  Recorder rec = { 0 };
  g_autoptr(DwObjectStore) store = new_store (&rec);
  gint64 ids[] = { 5, 1, 5 };
  gpointer labels[] = { "5 first", "1", "5 last" };
  TestItem *item;

  dw_object_store_reconcile (store, ids, labels, 3, TRUE, item_create, item_update, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
  item = dw_object_store_lookup (store, 5);
  g_assert_cmpstr (item->label, ==, "5 last");
  g_array_unref (rec.shadow);
}

static void
test_signal_updates (void)
{
  Recorder rec = { 0 };
  g_autoptr(DwObjectStore) store = new_store (&rec);
  g_autoptr(TestItem) a = test_item_new (1, NULL);
  g_autoptr(TestItem) b = test_item_new (2, NULL);
  g_autoptr(TestItem) stranger = test_item_new (2, NULL);

  dw_object_store_add (store, a);
  dw_object_store_add (store, b);
  recorder_reset (&rec);

  dw_object_store_item_updated (store, b);
  g_assert_cmpuint (rec.emissions, ==, 0);

  dw_object_store_set_signal_updates (store, TRUE);
  dw_object_store_item_updated (store, b);
  g_assert_cmpuint (rec.emissions, ==, 1);
  g_assert_cmpuint (rec.removed, ==, 1);
  g_assert_cmpuint (rec.added, ==, 1);

  /* Not the store's object with that id: nothing to report. */
  dw_object_store_item_updated (store, stranger);
  g_assert_cmpuint (rec.emissions, ==, 1);
  g_array_unref (rec.shadow);
}

static void
test_large (void)
{
  g_autoptr(DwObjectStore) store = dw_object_store_new (TEST_TYPE_ITEM, item_id);
  g_autofree gint64 *ids = g_new (gint64, 100000);
  g_autofree gpointer *data = g_new (gpointer, 100000);
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  guint position = 0;

  for (guint i = 0; i < 100000; i++)
    {
      ids[i] = i + 1;
      data[i] = g_strdup_printf ("%u", i + 1);
      g_ptr_array_add (strings, data[i]);
    }

  dw_object_store_reconcile (store, ids, data, 100000, TRUE, item_create, item_update, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 100000);
  g_assert_true (dw_object_store_find (store, 54321, &position));
  g_assert_cmpuint (position, ==, 54320);
  g_assert_true (dw_object_store_remove (store, 1));
  g_assert_true (dw_object_store_find (store, 54321, &position));
  g_assert_cmpuint (position, ==, 54319);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/object-store/add-remove", test_add_remove);
  g_test_add_func ("/object-store/reconcile", test_reconcile);
  g_test_add_func ("/object-store/duplicates", test_duplicates);
  g_test_add_func ("/object-store/signal-updates", test_signal_updates);
  g_test_add_func ("/object-store/large", test_large);
  return g_test_run ();
}
