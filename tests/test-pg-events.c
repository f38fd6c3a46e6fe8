/* Tests of the PostgreSQL backend's global event sequence (src/server/store/pg/dw-pg-events.c)
 * against a real PostgreSQL 15: several connections (instances) write events concurrently,
 * some transactions roll back, and still the seqs are 1…N without a gap, in commit order, a
 * reader following the table never sees a seq before the ones below it, and the notifications
 * arrive in commit order. */
#include "config.h"

#include "dw-pg-events.h"
#include "dw-pg-migrations.h"
#include "dw-test-pg.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

#define N_WRITERS 4
#define N_TRANSACTIONS 40

typedef struct
{
  char     *conninfo;
  gint      writers_left;
  gint      committed_events;
  gint      rolled_back;
} Shared;

typedef struct
{
  Shared *shared;
  guint   index;
} Writer;

static PGconn *
connect_or_die (const char *conninfo)
{
  g_autoptr(GError) error = NULL;
  PGconn *conn = dw_pg_connect (conninfo, &error);

  g_assert_no_error (error);
  return conn;
}

static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;
  g_autoptr(PGconn) conn = connect_or_die (writer->shared->conninfo);
  g_autoptr(GRand) rand = g_rand_new_with_seed (writer->index + 1);

  for (guint t = 0; t < N_TRANSACTIONS; t++)
    {
      g_autoptr(GError) error = NULL;
      DwPgEvent events[3];
      char *texts[3] = { NULL, NULL, NULL };
      guint n = g_rand_int_range (rand, 1, 4);
      gboolean commit = g_rand_int_range (rand, 0, 4) != 0;

      for (guint i = 0; i < n; i++)
        {
          texts[i] = g_strdup_printf ("{\"writer\":%u,\"transaction\":%u}", writer->index, t);
          events[i] = (DwPgEvent) { .at = 1000 + t, .type = "ticket.updated",
                                    .team_id = writer->index + 1, .user_id = 0,
                                    .data = texts[i] };
        }

      g_assert_true (dw_pg_exec (conn, "BEGIN", &error));
      /* The change itself, taking a little while, so the writers' transactions overlap. */
      if (g_rand_boolean (rand))
        g_assert_true (dw_pg_exec (conn, "SELECT pg_sleep (0.002)", &error));
      g_assert_cmpint (dw_pg_events_append (conn, events, n, &error), >, 0);
      g_assert_no_error (error);
      g_assert_true (dw_pg_exec (conn, commit ? "COMMIT" : "ROLLBACK", &error));
      g_assert_no_error (error);
      for (guint i = 0; i < n; i++)
        g_free (texts[i]);

      if (commit)
        g_atomic_int_add (&writer->shared->committed_events, n);
      else
        g_atomic_int_inc (&writer->shared->rolled_back);
    }

  g_atomic_int_dec_and_test (&writer->shared->writers_left);
  return NULL;
}

/* Follows the table as a stream's catch-up would (seq > cursor): what it sees must always start
 * right after its cursor, without a hole. */
static gpointer
reader_thread (gpointer data)
{
  Shared *shared = data;
  g_autoptr(PGconn) conn = connect_or_die (shared->conninfo);
  gint64 cursor = 0;
  gboolean last_pass = FALSE;

  while (!last_pass)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *since = g_strdup_printf ("%" G_GINT64_FORMAT, cursor);
      const char *params[] = { since };
      g_autoptr(PGresult) rows = NULL;

      last_pass = g_atomic_int_get (&shared->writers_left) == 0;
      rows = dw_pg_query (conn, "SELECT seq FROM events WHERE seq > $1 ORDER BY seq", 1, params,
                          &error);
      g_assert_no_error (error);
      for (int i = 0; i < PQntuples (rows); i++)
        {
          gint64 seq = g_ascii_strtoll (PQgetvalue (rows, i, 0), NULL, 10);

          g_assert_cmpint (seq, ==, cursor + 1);
          cursor = seq;
        }
    }

  return GINT_TO_POINTER ((int) cursor);
}

/* The payloads of the notifications, in the order they arrived, until @last came. */
static GArray *
collect_notifications (PGconn *listener,
                       gint64  last)
{
  GArray *seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (seqs->len == 0 || g_array_index (seqs, gint64, seqs->len - 1) < last)
    {
      struct pollfd pfd = { .fd = PQsocket (listener), .events = POLLIN };
      PGnotify *notify;

      /* The deadline guards against a hang; it is not a timing assertion. */
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      poll (&pfd, 1, 1000);
      g_assert_true (PQconsumeInput (listener));
      while ((notify = PQnotifies (listener)) != NULL)
        {
          gint64 seq = g_ascii_strtoll (notify->extra, NULL, 10);

          g_assert_cmpstr (notify->relname, ==, DW_PG_EVENTS_CHANNEL);
          g_array_append_val (seqs, seq);
          PQfreemem (notify);
        }
    }

  return seqs;
}

static void
test_commit_order (void)
{
  Shared shared = { 0 };
  Writer writers[N_WRITERS];
  GThread *threads[N_WRITERS];
  GThread *reader;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGconn) listener = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) rows = NULL;
  g_autoptr(PGresult) counter = NULL;
  g_autoptr(GArray) notified = NULL;
  g_autoptr(GHashTable) finished_xids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                              NULL);
  g_autofree char *previous_xid = NULL;
  g_autofree char *previous_commit = NULL;
  gint64 read_up_to;
  int total;

  shared.conninfo = dw_test_pg_new_database (dw_test_pg_get_shared ());
  shared.writers_left = N_WRITERS;
  conn = connect_or_die (shared.conninfo);
  g_assert_true (dw_pg_migrate (conn, NULL, &error));
  g_assert_no_error (error);

  /* Another instance, listening. */
  listener = connect_or_die (shared.conninfo);
  g_assert_true (dw_pg_events_listen (listener, &error));
  g_assert_no_error (error);

  reader = g_thread_new ("reader", reader_thread, &shared);
  for (guint i = 0; i < N_WRITERS; i++)
    {
      writers[i] = (Writer) { .shared = &shared, .index = i };
      threads[i] = g_thread_new ("writer", writer_thread, &writers[i]);
    }
  for (guint i = 0; i < N_WRITERS; i++)
    g_thread_join (threads[i]);
  read_up_to = GPOINTER_TO_INT (g_thread_join (reader));

  total = g_atomic_int_get (&shared.committed_events);
  g_assert_cmpint (g_atomic_int_get (&shared.rolled_back), >, 0);
  g_test_message ("%d events committed, %d transactions rolled back", total,
                  g_atomic_int_get (&shared.rolled_back));

  /* 1…N, no gap although transactions rolled back; the reader got to the end. */
  rows = dw_pg_query (conn, "SELECT seq, xmin::text, pg_xact_commit_timestamp (xmin) FROM events "
                      "ORDER BY seq", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (rows), ==, total);
  g_assert_cmpint (read_up_to, ==, total);
  counter = dw_pg_query (conn, "SELECT last_seq FROM event_counter", 0, NULL, &error);
  g_assert_cmpint (g_ascii_strtoll (PQgetvalue (counter, 0, 0), NULL, 10), ==, total);

  /* Seq order is commit order: each transaction's events are one block, and the blocks' commit
   * times never go back. */
  for (int i = 0; i < PQntuples (rows); i++)
    {
      const char *xid = PQgetvalue (rows, i, 1);
      const char *commit = PQgetvalue (rows, i, 2);

      g_assert_cmpint (g_ascii_strtoll (PQgetvalue (rows, i, 0), NULL, 10), ==, i + 1);
      if (previous_xid != NULL && !g_str_equal (xid, previous_xid))
        {
          g_assert_false (g_hash_table_contains (finished_xids, xid));
          g_hash_table_add (finished_xids, g_strdup (previous_xid));
          /* timestamptz text of one time zone sorts as time. */
          g_assert_cmpstr (previous_commit, <=, commit);
        }
      g_free (previous_xid);
      previous_xid = g_strdup (xid);
      g_free (previous_commit);
      previous_commit = g_strdup (commit);
    }

  /* The listener heard every committed transaction, in commit order, and no rolled-back one. */
  notified = collect_notifications (listener, total);
  g_assert_cmpuint (notified->len, ==, g_hash_table_size (finished_xids) + 1);
  for (guint i = 1; i < notified->len; i++)
    g_assert_cmpint (g_array_index (notified, gint64, i - 1), <, g_array_index (notified, gint64, i));
  g_assert_cmpint (g_array_index (notified, gint64, notified->len - 1), ==, total);

  g_free (shared.conninfo);
}

/* dw_pg_events_take_notified: the highest seq of what arrived, 0 when nothing did. */
static void
test_take_notified (void)
{
  g_autofree char *conninfo = dw_test_pg_new_database (dw_test_pg_get_shared ());
  g_autoptr(PGconn) conn = connect_or_die (conninfo);
  g_autoptr(PGconn) listener = connect_or_die (conninfo);
  g_autoptr(GError) error = NULL;
  DwPgEvent event = { .at = 1, .type = "ticket.created", .data = "{}" };
  gint64 highest = 0;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_assert_true (dw_pg_migrate (conn, NULL, &error));
  g_assert_true (dw_pg_events_listen (listener, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dw_pg_events_take_notified (listener, &error), ==, 0);

  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (dw_pg_exec (conn, "BEGIN", &error));
      g_assert_cmpint (dw_pg_events_append (conn, &event, 1, &error), ==, i + 1);
      g_assert_true (dw_pg_exec (conn, "COMMIT", &error));
      g_assert_no_error (error);
    }

  while (highest < 3)
    {
      struct pollfd pfd = { .fd = PQsocket (listener), .events = POLLIN };
      gint64 notified;

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      poll (&pfd, 1, 1000);
      /* Once: MAX() would call it twice. */
      notified = dw_pg_events_take_notified (listener, &error);
      g_assert_no_error (error);
      highest = MAX (highest, notified);
    }
  g_assert_cmpint (highest, ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pg/events/commit-order", test_commit_order);
  g_test_add_func ("/pg/events/take-notified", test_take_notified);

  return g_test_run ();
}
