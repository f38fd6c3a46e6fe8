/* Unit tests of DwSlaWatch: which (ticket, target) rows, their order, incremental updates and
 * the 1-second tick. */
#include "config.h"

#include "dw-clock.h"
#include "dw-json.h"
#include "dw-object-store.h"
#include "dw-sla-watch.h"
#include "dw-team-stats.h"
#include "dw-user.h"

static gint64
at (int day,
    int hour,
    int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (2026, 11, day, hour, minute, 0);

  return g_date_time_to_unix (dt);
}

static char *
iso (gint64 t)
{
  g_autofree char *text = NULL;

  if (t == 0)
    return g_strdup ("null");

  text = dw_time_to_iso8601 (t);
  return g_strdup_printf ("\"%s\"", text);
}

/* One "sla" entry; due/at-risk 0 → null. */
static char *
target_json (const char *target,
             const char *state,
             int         minutes,
             gint64      elapsed,
             gint64      at_risk_at,
             gint64      due_at,
             gint64      met_at,
             const char *paused_reason)
{
  g_autofree char *a = iso (at_risk_at);
  g_autofree char *d = iso (due_at);
  g_autofree char *m = iso (met_at);

  return g_strdup_printf ("{\"target\": \"%s\", \"state\": \"%s\", \"target_minutes\": %d, "
                          "\"elapsed_seconds\": %" G_GINT64_FORMAT ", \"at_risk_at\": %s, "
                          "\"due_at\": %s, \"met_at\": %s, \"paused_reason\": %s%s%s}",
                          target, state, minutes, elapsed, a, d, m,
                          paused_reason != NULL ? "\"" : "",
                          paused_reason != NULL ? paused_reason : "null",
                          paused_reason != NULL ? "\"" : "");
}

static JsonObject *
ticket_json (gint64      id,
             gint64      team_id,
             const char *status,
             const char *sla)
{
  g_autofree char *text = g_strdup_printf ("{\"id\": %" G_GINT64_FORMAT ", \"subject\": \"T\", "
                                           "\"channel\": \"web\", \"priority\": \"normal\", "
                                           "\"status\": \"%s\", \"team_id\": %" G_GINT64_FORMAT ", "
                                           "\"created_at\": \"2026-11-23T08:00:00Z\", "
                                           "\"updated_at\": \"2026-11-23T08:00:00Z\", "
                                           "\"version\": 1, \"sla\": [%s]}",
                                           id, status, team_id, sla);
  g_autoptr(GError) error = NULL;
  JsonObject *object = dw_json_object_from_string (text, &error);

  g_assert_no_error (error);
  return object;
}

static DwTicket *
make_ticket (gint64      id,
             gint64      team_id,
             const char *status,
             const char *sla)
{
  g_autoptr(JsonObject) object = ticket_json (id, team_id, status, sla);
  g_autoptr(GError) error = NULL;
  DwTicket *ticket = dw_ticket_new_from_json (object, &error);

  g_assert_no_error (error);
  return ticket;
}

static gint64
user_id_of (gpointer item)
{
  return dw_user_get_id (item);
}

static gint64
ticket_id_of (gpointer item)
{
  return dw_ticket_get_id (item);
}

static void
add (DwObjectStore *store,
     DwTicket      *ticket)
{
  dw_object_store_add (store, ticket);
  g_object_unref (ticket);
}

/* "id/target-nick …" of the rows in order. */
static char *
describe (GListModel *model)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DwSlaWatchItem) item = g_list_model_get_item (model, i);

      g_string_append_printf (s, "%s%" G_GINT64_FORMAT "/%s", i > 0 ? " " : "",
                              dw_ticket_get_id (dw_sla_watch_item_get_ticket (item)),
                              dw_sla_target_to_string (dw_sla_watch_item_get_target (item)));
    }

  return g_string_free (s, FALSE);
}

typedef struct
{
  guint n_signals;
  guint last_position, last_removed, last_added;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->n_signals++;
  changes->last_position = position;
  changes->last_removed = removed;
  changes->last_added = added;
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *count)
{
  (*count)++;
}

static gint64
remaining_at (GListModel *model,
              guint       position)
{
  g_autoptr(DwSlaWatchItem) item = g_list_model_get_item (model, position);

  return dw_sla_watch_item_get_remaining (item);
}

static void
test_watch (void)
{
  g_autoptr(DwObjectStore) store = dw_object_store_new (DW_TYPE_TICKET, ticket_id_of);
  g_autoptr(DwCalendar) office = dw_calendar_new ("UTC");
  g_autoptr(DwCalendar) always = dw_calendar_new ("UTC");
  g_autoptr(DwSlaWatch) watch = NULL;
  g_autofree char *t1 = NULL, *t2a = NULL, *t2b = NULL, *t3 = NULL, *t4 = NULL, *t5 = NULL;
  g_autofree char *order = NULL;
  g_autofree char *both = NULL;
  GListModel *model;
  Changes changes = { 0 };
  DwSlaWatchItem *t3_item;
  guint remaining_notifies = 0, state_notifies = 0;
  gint64 now = at (23, 10, 0);

  dw_calendar_set_days (office, 1, 5, 9 * 60, 18 * 60);
  dw_calendar_set_days (always, 1, 7, 0, 1440);

  /* 1: first response at risk, due 10:05 (resolution ok: no row). */
  t1 = target_json ("first-response", "at-risk", 30, 1500, at (23, 9, 57), at (23, 10, 5), 0, NULL);
  t2a = target_json ("resolution", "ok", 480, 0, at (23, 14, 0), at (23, 17, 0), 0, NULL);
  both = g_strdup_printf ("%s, %s", t1, t2a);
  add (store, make_ticket (1, 1, "open", both));
  /* 2: first response breached 09:50, resolution at risk due 10:20: two rows. */
  g_clear_pointer (&t2a, g_free);
  t2a = target_json ("first-response", "breached", 30, 2400, at (23, 9, 42), at (23, 9, 50), 0,
                     NULL);
  t2b = target_json ("resolution", "at-risk", 60, 2400, at (23, 10, 5), at (23, 10, 20), 0, NULL);
  g_clear_pointer (&both, g_free);
  both = g_strdup_printf ("%s, %s", t2a, t2b);
  add (store, make_ticket (2, 1, "open", both));
  /* 3: team 2 (open around the clock), resolution at risk due 10:03. */
  t3 = target_json ("resolution", "at-risk", 60, 3420, at (23, 9, 50), at (23, 10, 3), 0, NULL);
  add (store, make_ticket (3, 2, "new", t3));
  /* 4: solved late: breached but settled, no row. */
  t4 = target_json ("first-response", "breached", 30, 2400, 0, 0, at (23, 9, 0), NULL);
  add (store, make_ticket (4, 1, "solved", t4));
  /* 5: breached and pending: a row whose clock stands still, 10 minutes over. */
  t5 = target_json ("resolution", "breached", 30, 2400, 0, 0, 0, "pending");
  add (store, make_ticket (5, 1, "pending", t5));

  watch = dw_sla_watch_new (G_LIST_MODEL (store), now);
  model = G_LIST_MODEL (watch);
  dw_sla_watch_set_calendar (watch, 1, office);
  dw_sla_watch_set_calendar (watch, 2, always);
  g_assert_true (g_list_model_get_item_type (model) == DW_TYPE_SLA_WATCH_ITEM);

  order = describe (model);
  g_assert_cmpstr (order, ==, "2/first-response 5/resolution 3/resolution 1/first-response "
                              "2/resolution");
  g_assert_cmpint (remaining_at (model, 0), ==, -600);
  g_assert_cmpint (remaining_at (model, 1), ==, -600);
  g_assert_cmpint (remaining_at (model, 2), ==, 180);
  g_assert_cmpint (remaining_at (model, 3), ==, 300);
  g_assert_cmpint (remaining_at (model, 4), ==, 1200);
  g_assert_cmpuint (dw_sla_watch_count_state (watch, DW_SLA_STATE_BREACHED), ==, 2);
  g_assert_cmpuint (dw_sla_watch_count_state (watch, DW_SLA_STATE_AT_RISK), ==, 3);
  /* As tickets (docs/api.md "Figures"): 2 and 5 have a breach running; 2 is not also at risk. */
  g_assert_cmpuint (dw_sla_watch_count_tickets (watch, DW_SLA_STATE_BREACHED), ==, 2);
  g_assert_cmpuint (dw_sla_watch_count_tickets (watch, DW_SLA_STATE_AT_RISK), ==, 2);
  {
    g_autoptr(DwObjectStore) users = dw_object_store_new (DW_TYPE_USER, user_id_of);
    g_autoptr(DwTeamStats) stats = dw_team_stats_new (G_LIST_MODEL (store), G_LIST_MODEL (users));
    DwTeamFigures figures;

    /* The team cards count the same tickets from the tickets' own live state. */
    dw_team_stats_get_total (stats, &figures);
    g_assert_cmpuint (figures.breached, ==, 2);
    g_assert_cmpuint (figures.at_risk, ==, 2);
  }
  {
    g_autoptr(DwSlaWatchItem) pending = g_list_model_get_item (model, 1);

    g_assert_cmpint (dw_sla_watch_item_get_mode (pending), ==, DW_SLA_COUNTDOWN_STOPPED_PENDING);
  }

  g_signal_connect (watch, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  /* In place: ticket 1's first response is met → its row goes, nothing else moves. */
  {
    g_autofree char *met = target_json ("first-response", "met", 30, 1560, 0, 0, at (23, 10, 0),
                                        NULL);
    g_autofree char *sla = g_strdup_printf ("{\"sla\": [%s]}", met);
    g_autoptr(JsonObject) update = dw_json_object_from_string (sla, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true (dw_ticket_update_from_json (dw_object_store_lookup (store, 1), update, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (changes.n_signals, ==, 1);
  g_assert_cmpuint (changes.last_position, ==, 3);
  g_assert_cmpuint (changes.last_removed, ==, 1);
  g_assert_cmpuint (changes.last_added, ==, 0);
  g_clear_pointer (&order, g_free);
  order = describe (model);
  g_assert_cmpstr (order, ==, "2/first-response 5/resolution 3/resolution 2/resolution");

  /* The tick at 10:04: everything running loses four minutes, ticket 3 breaches locally, the
   * pending one stands still; the order holds, so no items-changed. */
  t3_item = g_list_model_get_item (model, 2);
  g_object_unref (t3_item);
  g_signal_connect (t3_item, "notify::remaining", G_CALLBACK (count_cb), &remaining_notifies);
  g_signal_connect (t3_item, "notify::state", G_CALLBACK (count_cb), &state_notifies);
  changes.n_signals = 0;
  dw_sla_watch_tick (watch, at (23, 10, 4));
  g_assert_cmpuint (changes.n_signals, ==, 0);
  g_assert_cmpint (dw_sla_watch_item_get_remaining (t3_item), ==, -60);
  g_assert_cmpint (dw_sla_watch_item_get_state (t3_item), ==, DW_SLA_STATE_BREACHED);
  g_assert_cmpuint (remaining_notifies, ==, 1);
  g_assert_cmpuint (state_notifies, ==, 1);
  g_assert_cmpint (remaining_at (model, 0), ==, -840);
  g_assert_cmpint (remaining_at (model, 1), ==, -600);

  /* The same second again: nothing changes, nothing is notified. */
  dw_sla_watch_tick (watch, at (23, 10, 4));
  g_assert_cmpuint (remaining_notifies, ==, 1);

  /* 18:30: team 1's calendar closed at 18:00, team 2's runs on, so ticket 3 overtakes. */
  dw_sla_watch_tick (watch, at (23, 18, 30));
  g_assert_cmpuint (changes.n_signals, ==, 1);
  g_clear_pointer (&order, g_free);
  order = describe (model);
  g_assert_cmpstr (order, ==, "3/resolution 2/first-response 2/resolution 5/resolution");
  g_assert_cmpuint (changes.last_position, ==, 0);
  g_assert_cmpuint (changes.last_removed, ==, 4);
  g_assert_cmpint (remaining_at (model, 0), ==, 180 - (8 * 3600 + 30 * 60));
  g_assert_cmpint (remaining_at (model, 1), ==, -(600 + 8 * 3600));
  {
    g_autoptr(DwSlaWatchItem) item = g_list_model_get_item (model, 1);

    g_assert_cmpint (dw_sla_watch_item_get_mode (item), ==,
                     DW_SLA_COUNTDOWN_STOPPED_OUTSIDE_HOURS);
    g_assert_cmpint (dw_sla_watch_item_get_resumes_at (item), ==, at (24, 9, 0));
  }

  /* A new ticket arriving lands at its place; a ticket leaving the list takes its rows. */
  {
    g_autofree char *t6 = target_json ("next-response", "at-risk", 10, 500, at (23, 18, 20),
                                       at (23, 18, 40), 0, NULL);

    changes.n_signals = 0;
    add (store, make_ticket (6, 2, "open", t6));
    g_assert_cmpuint (changes.n_signals, ==, 1);
    g_assert_cmpuint (changes.last_position, ==, 4);
    g_assert_cmpuint (changes.last_added, ==, 1);
  }

  dw_object_store_remove (store, 2);
  g_clear_pointer (&order, g_free);
  order = describe (model);
  g_assert_cmpstr (order, ==, "3/resolution 5/resolution 6/next-response");

  /* Solving ticket 3 removes it. */
  dw_ticket_set_status (dw_object_store_lookup (store, 3), DW_STATUS_SOLVED);
  g_clear_pointer (&order, g_free);
  order = describe (model);
  g_assert_cmpstr (order, ==, "5/resolution 6/next-response");

  dw_object_store_remove_all (store);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
}

static void
test_finalize (void)
{
  g_autoptr(DwObjectStore) store = dw_object_store_new (DW_TYPE_TICKET, ticket_id_of);
  g_autofree char *t = target_json ("resolution", "breached", 30, 2400, 0, at (23, 9, 0), 0, NULL);
  DwSlaWatch *watch;
  DwTicket *ticket;

  add (store, make_ticket (1, 1, "open", t));
  watch = dw_sla_watch_new (G_LIST_MODEL (store), at (23, 10, 0));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (watch)), ==, 1);
  g_assert_finalize_object (watch);

  /* The watch let go of the ticket's handler: updating it now is harmless. */
  ticket = dw_object_store_lookup (store, 1);
  dw_ticket_set_status (ticket, DW_STATUS_SOLVED);
}

/* Issue 13: the watch follows 100k tickets without a "notify" handler on each (a GClosure and a
 * handler record: ~200 bytes a ticket), and still sees a ticket changed in place, in a list that
 * holds it twice too. */
static void
test_no_handler_per_ticket (void)
{
  g_autoptr(DwObjectStore) store = dw_object_store_new (DW_TYPE_TICKET, ticket_id_of);
  g_autoptr(GListStore) twice = g_list_store_new (DW_TYPE_TICKET);
  g_autofree char *ok = target_json ("resolution", "ok", 480, 60, at (23, 14, 0), at (23, 17, 0),
                                     0, NULL);
  g_autofree char *late = target_json ("resolution", "breached", 30, 2400, 0, at (23, 9, 0), 0,
                                       NULL);
  g_autofree char *sla = g_strdup_printf ("{\"sla\": [%s]}", late);
  g_autoptr(JsonObject) update = dw_json_object_from_string (sla, NULL);
  g_autoptr(DwSlaWatch) watch = NULL;
  g_autoptr(DwSlaWatch) watch_twice = NULL;
  guint notify = g_signal_lookup ("notify", G_TYPE_OBJECT);
  DwTicket *ticket;

  add (store, make_ticket (1, 1, "open", ok));
  add (store, make_ticket (2, 1, "open", ok));
  ticket = dw_object_store_lookup (store, 1);
  g_list_store_append (twice, ticket);
  g_list_store_append (twice, ticket);

  watch = dw_sla_watch_new (G_LIST_MODEL (store), at (23, 10, 0));
  watch_twice = dw_sla_watch_new (G_LIST_MODEL (twice), at (23, 10, 0));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (watch)), ==, 0);
  for (guint id = 1; id <= 2; id++)
    g_assert_false (g_signal_has_handler_pending (dw_object_store_lookup (store, id), notify, 0,
                                                  TRUE));

  /* Breached in place: a row in each watch, two where the ticket is listed twice. */
  g_assert_true (dw_ticket_update_from_json (ticket, update, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (watch)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (watch_twice)), ==, 2);

  /* Its first listing gone, the second still follows it. */
  g_list_store_remove (twice, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (watch_twice)), ==, 1);
  dw_ticket_set_status (ticket, DW_STATUS_SOLVED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (watch)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (watch_twice)), ==, 0);

  /* Another ticket, the other watch gone: still followed. */
  g_assert_finalize_object (g_steal_pointer (&watch_twice));
  g_assert_true (dw_ticket_update_from_json (dw_object_store_lookup (store, 2), update, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (watch)), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sla-watch/watch", test_watch);
  g_test_add_func ("/sla-watch/finalize", test_finalize);
  g_test_add_func ("/sla-watch/no-handler-per-ticket", test_no_handler_per_ticket);

  return g_test_run ();
}
