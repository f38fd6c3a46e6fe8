/* dw-sla-watch.c: at-risk and breached SLA targets of the tickets list, sorted by time left.
 *
 * `entries` mirrors the tickets list position by position (as DwTeamStats does), each entry
 * holding the ticket and its rows, so neither an items-changed of 100k tickets nor an in-place
 * update ever walks the whole list.  `by_ticket` finds a ticket's entry when the ticket
 * notifies: the watch is one DwTicketObserver (dw-ticket-private.h), not a "notify" handler on
 * each ticket, which cost 100k tickets 22 MB more (309 bytes a ticket in all, 85 now).  `items`
 * is the sorted model.
 */
#include "config.h"

#include <string.h>

#include "dw-sla-watch.h"
#include "dw-ticket-private.h"

typedef struct
{
  DwTicket       *ticket;
  DwSlaWatchItem *items[DW_SLA_N_TARGETS];
} Entry;

struct _DwSlaWatch
{
  GObject      parent_instance;

  GListModel  *tickets;
  gulong       tickets_handler;
  GPtrArray   *entries;    /* Entry *, one per position of tickets */
  GHashTable  *by_ticket;  /* DwTicket * → its Entry * */
  GPtrArray   *doubles;    /* Entry * of a ticket already in by_ticket (never from a store) */
  gboolean     observing;
  GPtrArray   *items;      /* DwSlaWatchItem *, sorted */
  GHashTable  *calendars;  /* gint64 * team id → DwCalendar * */
  gint64       now;
};

static void dw_sla_watch_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DwSlaWatch, dw_sla_watch, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      dw_sla_watch_list_model_init))

/* Helpers */

static DwCalendar *
calendar_for (DwSlaWatch *self,
              DwTicket   *ticket)
{
  gint64 team_id = dw_ticket_get_team_id (ticket);

  return g_hash_table_lookup (self->calendars, &team_id);
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  DwSlaWatchItem *ia = (DwSlaWatchItem *) a, *ib = (DwSlaWatchItem *) b;
  gint64 ra = dw_sla_watch_item_get_remaining (ia), rb = dw_sla_watch_item_get_remaining (ib);
  gint64 da = dw_sla_watch_item_get_due_at (ia), db = dw_sla_watch_item_get_due_at (ib);
  gint64 ta = dw_ticket_get_id (dw_sla_watch_item_get_ticket (ia));
  gint64 tb = dw_ticket_get_id (dw_sla_watch_item_get_ticket (ib));

  if (ra != rb)
    return ra < rb ? -1 : 1;
  /* A stopped clock (due_at 0) after a running one with the same time left. */
  if (da != db)
    return da == 0 ? 1 : db == 0 ? -1 : da < db ? -1 : 1;
  if (ta != tb)
    return ta < tb ? -1 : 1;
  return (int) dw_sla_watch_item_get_target (ia) - (int) dw_sla_watch_item_get_target (ib);
}

static int
compare_items_indirect (gconstpointer a,
                        gconstpointer b)
{
  return compare_items (*(gconstpointer *) a, *(gconstpointer *) b);
}

static guint
sorted_position (DwSlaWatch     *self,
                 DwSlaWatchItem *item)
{
  guint lo = 0, hi = self->items->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (compare_items (g_ptr_array_index (self->items, mid), item) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

static void
insert_item (DwSlaWatch     *self,
             DwSlaWatchItem *item)
{
  guint position = sorted_position (self, item);

  g_ptr_array_insert (self->items, position, g_object_ref (item));
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
}

static void
remove_item (DwSlaWatch     *self,
             DwSlaWatchItem *item)
{
  guint position;

  if (!g_ptr_array_find (self->items, item, &position))
    return;

  g_ptr_array_remove_index (self->items, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
}

/* After @item's sort key changed: moves it if it is out of place. */
static void
reposition_item (DwSlaWatch     *self,
                 DwSlaWatchItem *item)
{
  guint position, target;

  if (!g_ptr_array_find (self->items, item, &position))
    return;

  if ((position == 0
       || compare_items (g_ptr_array_index (self->items, position - 1), item) < 0)
      && (position + 1 >= self->items->len
          || compare_items (item, g_ptr_array_index (self->items, position + 1)) < 0))
    return;

  g_object_ref (item);
  g_ptr_array_remove_index (self->items, position);
  target = sorted_position (self, item);
  g_ptr_array_insert (self->items, target, item);

  if (target != position)
    {
      guint first = MIN (target, position);
      guint n = MAX (target, position) - first + 1;

      g_list_model_items_changed (G_LIST_MODEL (self), first, n, n);
    }
}

static gboolean
wants_row (DwSlaWatch            *self,
           DwTicket              *ticket,
           const DwSlaTargetInfo *info,
           DwCalendar            *calendar)
{
  DwSlaCountdown countdown;

  if (info == NULL || !dw_ticket_is_active (ticket))
    return FALSE;

  dw_sla_countdown_compute (info, dw_ticket_get_status (ticket), calendar, self->now, &countdown);
  return countdown.mode != DW_SLA_COUNTDOWN_DONE
         && (countdown.state == DW_SLA_STATE_AT_RISK || countdown.state == DW_SLA_STATE_BREACHED);
}

static void
evaluate_entry (DwSlaWatch *self,
                Entry      *entry)
{
  DwCalendar *calendar = calendar_for (self, entry->ticket);

  for (guint t = 0; t < DW_SLA_N_TARGETS; t++)
    {
      const DwSlaTargetInfo *info = dw_ticket_get_sla_target (entry->ticket, t);
      gboolean want = wants_row (self, entry->ticket, info, calendar);

      if (want && entry->items[t] == NULL)
        {
          entry->items[t] = dw_sla_watch_item_new (entry->ticket, t);
          dw_sla_watch_item_update (entry->items[t], calendar, self->now);
          insert_item (self, entry->items[t]);
        }
      else if (want)
        {
          dw_sla_watch_item_update (entry->items[t], calendar, self->now);
          reposition_item (self, entry->items[t]);
        }
      else if (entry->items[t] != NULL)
        {
          remove_item (self, entry->items[t]);
          g_clear_object (&entry->items[t]);
        }
    }
}

/* Callbacks */

/* A DwTicketObserver: any ticket's notifications, the watched ones' among them. */
static void
ticket_observed_cb (DwTicket    *ticket,
                    guint        n_pspecs,
                    GParamSpec **pspecs,
                    gpointer     data)
{
  DwSlaWatch *self = data;
  Entry *entry = g_hash_table_lookup (self->by_ticket, ticket);

  if (entry == NULL)
    return;

  for (guint i = 0; i < n_pspecs; i++)
    {
      const char *name = g_param_spec_get_name (pspecs[i]);

      if (g_str_equal (name, "sla") || g_str_equal (name, "status")
          || g_str_equal (name, "team-id"))
        {
          evaluate_entry (self, entry);
          for (guint d = 0; d < self->doubles->len; d++)
            if (((Entry *) g_ptr_array_index (self->doubles, d))->ticket == ticket)
              evaluate_entry (self, g_ptr_array_index (self->doubles, d));
          return;
        }
    }
}

static Entry *
entry_new (DwSlaWatch *self,
           DwTicket   *ticket)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->ticket = g_object_ref (ticket);
  if (g_hash_table_contains (self->by_ticket, ticket))
    g_ptr_array_add (self->doubles, entry);
  else
    g_hash_table_insert (self->by_ticket, ticket, entry);
  return entry;
}

static void
entry_free (DwSlaWatch *self,
            Entry      *entry)
{
  for (guint t = 0; t < DW_SLA_N_TARGETS; t++)
    if (entry->items[t] != NULL)
      {
        if (self != NULL)
          remove_item (self, entry->items[t]);
        g_clear_object (&entry->items[t]);
      }

  if (self != NULL && g_hash_table_lookup (self->by_ticket, entry->ticket) == entry)
    {
      g_hash_table_remove (self->by_ticket, entry->ticket);
      /* The ticket's other entry, if it is in the list twice, takes its place. */
      for (guint d = 0; d < self->doubles->len; d++)
        if (((Entry *) g_ptr_array_index (self->doubles, d))->ticket == entry->ticket)
          {
            g_hash_table_insert (self->by_ticket, entry->ticket,
                                 g_ptr_array_steal_index (self->doubles, d));
            break;
          }
    }
  else if (self != NULL)
    g_ptr_array_remove (self->doubles, entry);
  g_clear_object (&entry->ticket);
  g_free (entry);
}

static void
tickets_changed_cb (GListModel *tickets,
                    guint       position,
                    guint       removed,
                    guint       added,
                    DwSlaWatch *self)
{
  guint old_len = self->entries->len;

  g_return_if_fail (position + removed <= old_len);

  for (guint i = 0; i < removed; i++)
    entry_free (self, g_ptr_array_index (self->entries, position + i));
  if (removed > 0)
    g_ptr_array_remove_range (self->entries, position, removed);

  if (added == 0)
    return;

  /* Open a gap of @added slots at @position in one move, not one insert per ticket. */
  old_len = self->entries->len;
  g_ptr_array_set_size (self->entries, old_len + added);
  memmove (&self->entries->pdata[position + added], &self->entries->pdata[position],
           (old_len - position) * sizeof (gpointer));

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(DwTicket) ticket = g_list_model_get_item (tickets, position + i);
      Entry *entry = entry_new (self, ticket);

      self->entries->pdata[position + i] = entry;
      evaluate_entry (self, entry);
    }
}

/* GListModel */

static GType
dw_sla_watch_get_item_type (GListModel *model)
{
  return DW_TYPE_SLA_WATCH_ITEM;
}

static guint
dw_sla_watch_get_n_items (GListModel *model)
{
  return DW_SLA_WATCH (model)->items->len;
}

static gpointer
dw_sla_watch_get_item (GListModel *model,
                       guint       position)
{
  DwSlaWatch *self = DW_SLA_WATCH (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
dw_sla_watch_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = dw_sla_watch_get_item_type;
  iface->get_n_items = dw_sla_watch_get_n_items;
  iface->get_item = dw_sla_watch_get_item;
}

/* Overrides */

static void
dw_sla_watch_dispose (GObject *object)
{
  DwSlaWatch *self = DW_SLA_WATCH (object);

  if (self->tickets != NULL)
    g_clear_signal_handler (&self->tickets_handler, self->tickets);
  if (self->observing)
    {
      dw_ticket_remove_observer (ticket_observed_cb, self);
      self->observing = FALSE;
    }
  if (self->by_ticket != NULL)
    g_hash_table_remove_all (self->by_ticket);
  if (self->doubles != NULL)
    g_ptr_array_set_size (self->doubles, 0);

  if (self->entries != NULL)
    {
      for (guint i = 0; i < self->entries->len; i++)
        entry_free (NULL, g_ptr_array_index (self->entries, i));
      g_ptr_array_set_size (self->entries, 0);
    }

  g_clear_object (&self->tickets);

  G_OBJECT_CLASS (dw_sla_watch_parent_class)->dispose (object);
}

static void
dw_sla_watch_finalize (GObject *object)
{
  DwSlaWatch *self = DW_SLA_WATCH (object);

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->by_ticket, g_hash_table_unref);
  g_clear_pointer (&self->doubles, g_ptr_array_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->calendars, g_hash_table_unref);

  G_OBJECT_CLASS (dw_sla_watch_parent_class)->finalize (object);
}

static void
dw_sla_watch_class_init (DwSlaWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dw_sla_watch_dispose;
  object_class->finalize = dw_sla_watch_finalize;
}

static void
dw_sla_watch_init (DwSlaWatch *self)
{
  self->entries = g_ptr_array_new ();
  self->by_ticket = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->doubles = g_ptr_array_new ();
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->calendars = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
}

/* Public API */

DwSlaWatch *
dw_sla_watch_new (GListModel *tickets,
                  gint64      now)
{
  DwSlaWatch *self;
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (tickets), NULL);

  self = g_object_new (DW_TYPE_SLA_WATCH, NULL);
  self->tickets = g_object_ref (tickets);
  self->now = now;
  self->tickets_handler = g_signal_connect (tickets, "items-changed",
                                            G_CALLBACK (tickets_changed_cb), self);
  dw_ticket_add_observer (ticket_observed_cb, self);
  self->observing = TRUE;

  n = g_list_model_get_n_items (tickets);
  if (n > 0)
    tickets_changed_cb (tickets, 0, 0, n, self);

  return self;
}

void
dw_sla_watch_set_calendar (DwSlaWatch *self,
                           gint64      team_id,
                           DwCalendar *calendar)
{
  g_return_if_fail (DW_IS_SLA_WATCH (self));
  g_return_if_fail (calendar == NULL || DW_IS_CALENDAR (calendar));

  if (calendar != NULL)
    g_hash_table_replace (self->calendars, g_memdup2 (&team_id, sizeof team_id),
                          g_object_ref (calendar));
  else
    g_hash_table_remove (self->calendars, &team_id);

  /* Rare (sign-in, a calendar edited): a walk over the tickets is fine here. */
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (dw_ticket_get_team_id (entry->ticket) == team_id)
        evaluate_entry (self, entry);
    }
}

void
dw_sla_watch_tick (DwSlaWatch *self,
                   gint64      now)
{
  g_autoptr(GPtrArray) before = NULL;
  guint first = G_MAXUINT, last = 0;

  g_return_if_fail (DW_IS_SLA_WATCH (self));

  self->now = now;
  for (guint i = 0; i < self->items->len; i++)
    {
      DwSlaWatchItem *item = g_ptr_array_index (self->items, i);

      dw_sla_watch_item_update (item, calendar_for (self, dw_sla_watch_item_get_ticket (item)),
                                now);
    }

  for (guint i = 1; i < self->items->len && first == G_MAXUINT; i++)
    if (compare_items (g_ptr_array_index (self->items, i - 1),
                       g_ptr_array_index (self->items, i)) > 0)
      first = i - 1;

  if (first == G_MAXUINT)
    return;

  /* Borrowed pointers: a g_ptr_array_copy() would also take the unref free func. */
  before = g_ptr_array_sized_new (self->items->len);
  for (guint i = 0; i < self->items->len; i++)
    g_ptr_array_add (before, g_ptr_array_index (self->items, i));
  g_ptr_array_sort (self->items, compare_items_indirect);

  first = G_MAXUINT;
  for (guint i = 0; i < self->items->len; i++)
    if (g_ptr_array_index (self->items, i) != g_ptr_array_index (before, i))
      {
        first = MIN (first, i);
        last = i;
      }

  if (first != G_MAXUINT)
    g_list_model_items_changed (G_LIST_MODEL (self), first, last - first + 1, last - first + 1);
}

gint64
dw_sla_watch_get_now (DwSlaWatch *self)
{
  g_return_val_if_fail (DW_IS_SLA_WATCH (self), 0);
  return self->now;
}

guint
dw_sla_watch_count_state (DwSlaWatch *self,
                          DwSlaState  state)
{
  guint n = 0;

  g_return_val_if_fail (DW_IS_SLA_WATCH (self), 0);

  for (guint i = 0; i < self->items->len; i++)
    n += dw_sla_watch_item_get_state (g_ptr_array_index (self->items, i)) == state;

  return n;
}

guint
dw_sla_watch_count_tickets (DwSlaWatch *self,
                            DwSlaState  state)
{
  g_autoptr(GHashTable) worst = g_hash_table_new (g_direct_hash, g_direct_equal);
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (DW_IS_SLA_WATCH (self), 0);

  for (guint i = 0; i < self->items->len; i++)
    {
      DwSlaWatchItem *item = g_ptr_array_index (self->items, i);
      DwTicket *ticket = dw_sla_watch_item_get_ticket (item);
      DwSlaState s = dw_sla_watch_item_get_state (item);

      if ((int) s > GPOINTER_TO_INT (g_hash_table_lookup (worst, ticket)))
        g_hash_table_insert (worst, ticket, GINT_TO_POINTER (s));
    }

  g_hash_table_iter_init (&iter, worst);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += GPOINTER_TO_INT (value) == (int) state;

  return n;
}
