/* Several deskwatchd instances on one PostgreSQL 15 database, in one test process: each
 * "instance" is a DwStore on a connection of its own with its DwEventLog (src/server/
 * dw-event-log.c, LISTEN on a session of its own) or its DwLeader (src/server/dw-leader.c).
 * Every log publishes every instance's events, 1…N in order, each once; one leader at a time,
 * and another takes over when the leader's session dies. */
#include "config.h"

#include "dw-event-log.h"
#include "dw-leader.h"
#include "dw-pg-events.h"
#include "dw-pg-leader.h"
#include "dw-pg-migrations.h"
#include "dw-pg-store.h"
#include "dw-sla-engine.h"
#include "dw-test-pg.h"
#include "store/dw-store-auth.h"
#include "store/dw-store-tx.h"

#define N_BACKGROUND 2
#define N_BACKGROUND_TRANSACTIONS 30
#define N_ROUNDS 60

typedef struct
{
  PGconn     *conn;
  DwStore    *store;
  DwEventLog *log;
  GArray     *published;  /* seqs, in the order "published" gave them */
  guint       access_changes;
} Instance;

static PGconn *
connect_or_die (const char *conninfo)
{
  g_autoptr(GError) error = NULL;
  PGconn *conn = dw_pg_connect (conninfo, &error);

  g_assert_no_error (error);
  return conn;
}

static char *
new_desk (void)
{
  char *conninfo = dw_test_pg_new_database (dw_test_pg_get_shared ());
  g_autoptr(PGconn) conn = connect_or_die (conninfo);
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_pg_migrate (conn, NULL, &error));
  g_assert_no_error (error);
  return conninfo;
}

static void
published_cb (DwEventLog *log,
              DwEvent    *event,
              Instance   *instance)
{
  g_array_append_val (instance->published, event->seq);
}

static void
access_changed_cb (DwEventLog *log,
                   gint64      user_id,
                   Instance   *instance)
{
  instance->access_changes++;
}

static void
instance_init (Instance   *instance,
               const char *conninfo,
               DwClock    *clock)
{
  instance->conn = connect_or_die (conninfo);
  instance->store = dw_pg_store_new (instance->conn);
  instance->log = dw_event_log_new (instance->store, clock);
  instance->published = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_signal_connect (instance->log, "published", G_CALLBACK (published_cb), instance);
  g_signal_connect (instance->log, "access-changed", G_CALLBACK (access_changed_cb), instance);
}

static void
instance_clear (Instance *instance)
{
  g_clear_object (&instance->log);
  g_clear_pointer (&instance->store, dw_store_free);
  g_clear_pointer (&instance->conn, PQfinish);
  g_clear_pointer (&instance->published, g_array_unref);
}

static gint64
committed_seq (const char *conninfo)
{
  g_autoptr(PGconn) conn = connect_or_die (conninfo);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_query (conn, "SELECT last_seq FROM event_counter", 0, NULL, &error);
  g_assert_no_error (error);
  return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @done; the deadline guards against a hang, it is not a timing
 * assertion. */
static void
wait_until (gboolean (*done) (gpointer),
            gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint wake = g_timeout_add (100, wake_cb, NULL);

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
}

typedef struct
{
  Instance *instances;
  guint     n;
  gint64    seq;
} UpTo;

static gboolean
all_published (gpointer data)
{
  UpTo *up_to = data;

  for (guint i = 0; i < up_to->n; i++)
    if (dw_event_log_get_seq (up_to->instances[i].log) < up_to->seq)
      return FALSE;
  return TRUE;
}

/* 1…@n, each once, in order. */
static void
assert_one_to_n (Instance *instance,
                 gint64    n)
{
  g_assert_cmpuint (instance->published->len, ==, n);
  for (guint i = 0; i < instance->published->len; i++)
    g_assert_cmpint (g_array_index (instance->published, gint64, i), ==, i + 1);
}

static void
write_events_on (DwStore    *store,
                 DwEventLog *log,
                 guint       n,
                 gboolean    publish)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_store_tx_begin (store, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonObject) data = json_object_new ();

      json_object_set_int_member (data, "i", i);
      g_assert_cmpint (dw_event_log_append (log, "ticket.updated", 1, 0, data, &error), >, 0);
      g_assert_no_error (error);
    }
  g_assert_true (dw_store_tx_commit (store, &error));
  g_assert_no_error (error);
  if (publish)
    dw_event_log_publish (log);
}

static void
write_events (Instance *instance,
              guint     n,
              gboolean  publish)
{
  write_events_on (instance->store, instance->log, n, publish);
}

/* Events committed on A are published by B's log in order, once; A's own once by A. */
static void
test_events_other_instance (void)
{
  g_autofree char *conninfo = new_desk ();
  g_autoptr(DwClock) clock = dw_clock_new (1.0);
  Instance instances[2] = { { 0 } };
  UpTo up_to = { instances, 2, 0 };

  instance_init (&instances[0], conninfo, clock);
  instance_init (&instances[1], conninfo, clock);

  for (guint i = 0; i < 5; i++)
    write_events (&instances[0], 1 + i % 3, TRUE);
  up_to.seq = committed_seq (conninfo);
  g_assert_cmpint (up_to.seq, ==, 1 + 2 + 3 + 1 + 2);
  /* A published its own at once, without waiting for its notification. */
  assert_one_to_n (&instances[0], up_to.seq);

  wait_until (all_published, &up_to);
  /* Its own notifications came back to A's listener too: nothing again. */
  for (guint i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
  assert_one_to_n (&instances[0], up_to.seq);
  assert_one_to_n (&instances[1], up_to.seq);

  /* B writes before it heard anything new; then A writes before its listener heard B's: each
   * publishes the other's first, read from the table (its seqs came after theirs). */
  write_events (&instances[1], 2, TRUE);
  assert_one_to_n (&instances[1], 11);
  write_events (&instances[0], 1, TRUE);
  assert_one_to_n (&instances[0], 12);
  up_to.seq = 12;
  wait_until (all_published, &up_to);
  assert_one_to_n (&instances[1], 12);

  instance_clear (&instances[0]);
  instance_clear (&instances[1]);
}

typedef struct
{
  const char *conninfo;
  guint       index;
} Background;

/* Another instance writing at the same time, with rollbacks. */
static gpointer
background_thread (gpointer data)
{
  Background *background = data;
  g_autoptr(PGconn) conn = connect_or_die (background->conninfo);
  g_autoptr(GRand) rand = g_rand_new_with_seed (100 + background->index);

  for (guint t = 0; t < N_BACKGROUND_TRANSACTIONS; t++)
    {
      g_autoptr(GError) error = NULL;
      DwPgEvent events[2] = {
        { .at = 1, .type = "ticket.updated", .data = "{}" },
        { .at = 1, .type = "ticket.updated", .data = "{}" },
      };

      g_assert_true (dw_pg_exec (conn, "BEGIN", &error));
      if (g_rand_boolean (rand))
        g_assert_true (dw_pg_exec (conn, "SELECT pg_sleep (0.003)", &error));
      g_assert_cmpint (dw_pg_events_append (conn, events, g_rand_int_range (rand, 1, 3), &error),
                       >, 0);
      g_assert_true (dw_pg_exec (conn, g_rand_int_range (rand, 0, 4) != 0 ? "COMMIT" : "ROLLBACK",
                                 &error));
      g_assert_no_error (error);
    }

  return NULL;
}

/* Writers on both instances and two more in threads, in random order, publishing late or at
 * once, with the main loop (the notifications) run at random moments: both logs publish 1…N
 * without a gap or a repeat. */
static void
test_events_concurrent (void)
{
  g_autofree char *conninfo = new_desk ();
  g_autoptr(DwClock) clock = dw_clock_new (1.0);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  Instance instances[2] = { { 0 } };
  UpTo up_to = { instances, 2, 0 };
  Background backgrounds[N_BACKGROUND];
  GThread *threads[N_BACKGROUND];
  gboolean unpublished[2] = { FALSE, FALSE };

  instance_init (&instances[0], conninfo, clock);
  instance_init (&instances[1], conninfo, clock);

  for (guint i = 0; i < N_BACKGROUND; i++)
    {
      backgrounds[i] = (Background) { conninfo, i };
      threads[i] = g_thread_new ("instance", background_thread, &backgrounds[i]);
    }

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      guint which = g_rand_int_range (rand, 0, 2);

      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0:
        case 1:
          /* A commit whose publish comes later: the other log (or our own listener) may get
           * there first. */
          if (unpublished[which])
            dw_event_log_publish (instances[which].log);
          write_events (&instances[which], g_rand_int_range (rand, 1, 4), FALSE);
          unpublished[which] = TRUE;
          break;

        case 2:
          if (unpublished[which])
            dw_event_log_publish (instances[which].log);
          unpublished[which] = FALSE;
          write_events (&instances[which], g_rand_int_range (rand, 1, 4), TRUE);
          break;

        default:
          for (guint i = g_rand_int_range (rand, 0, 4); i > 0; i--)
            g_main_context_iteration (NULL, FALSE);
          break;
        }
    }

  for (guint i = 0; i < 2; i++)
    if (unpublished[i])
      dw_event_log_publish (instances[i].log);
  for (guint i = 0; i < N_BACKGROUND; i++)
    g_thread_join (threads[i]);

  up_to.seq = committed_seq (conninfo);
  g_test_message ("%" G_GINT64_FORMAT " events", up_to.seq);
  wait_until (all_published, &up_to);
  assert_one_to_n (&instances[0], up_to.seq);
  assert_one_to_n (&instances[1], up_to.seq);

  instance_clear (&instances[0]);
  instance_clear (&instances[1]);
}


/* What a stream does before it decides on since=: B, not having heard A's commits yet, publishes
 * them at once, so a since= that A gave out is never ahead of B. */
static void
test_events_sync (void)
{
  g_autofree char *conninfo = new_desk ();
  g_autoptr(DwClock) clock = dw_clock_new (1.0);
  Instance instances[2] = { { 0 } };

  instance_init (&instances[0], conninfo, clock);
  instance_init (&instances[1], conninfo, clock);

  write_events (&instances[0], 3, TRUE);
  g_assert_cmpint (dw_event_log_get_seq (instances[1].log), ==, 0);
  g_assert_true (dw_event_log_sync (instances[1].log));
  assert_one_to_n (&instances[1], 3);
  g_assert_cmpint (dw_event_log_get_first_seq (instances[1].log), ==, 1);

  /* Its notifications, heard later, publish nothing again. */
  write_events (&instances[0], 1, TRUE);
  {
    UpTo up_to = { instances, 2, 4 };

    wait_until (all_published, &up_to);
  }
  assert_one_to_n (&instances[1], 4);

  instance_clear (&instances[0]);
  instance_clear (&instances[1]);
}

static void
terminate_listeners (const char *conninfo)
{
  g_autoptr(PGconn) conn = connect_or_die (conninfo);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;

  /* The event logs' sessions (dw-pg-instances.c names them). */
  result = dw_pg_query (conn, "SELECT pg_terminate_backend (pid) FROM pg_stat_activity "
                        "WHERE datname = current_database () "
                        "AND application_name = 'deskwatchd events'",
                        0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (result), >=, 1);
}

/* B's listening session dies (PostgreSQL restarted, the session killed): B listens again on a
 * new one within seconds and publishes what was committed meanwhile, nothing lost. */
static void
test_events_relisten (void)
{
  g_autofree char *conninfo = new_desk ();
  g_autoptr(DwClock) clock = dw_clock_new (1.0);
  Instance instances[2] = { { 0 } };
  UpTo up_to = { instances, 2, 0 };

  instance_init (&instances[0], conninfo, clock);
  instance_init (&instances[1], conninfo, clock);

  write_events (&instances[0], 2, TRUE);
  up_to.seq = 2;
  wait_until (all_published, &up_to);

  terminate_listeners (conninfo);
  write_events (&instances[0], 3, TRUE);
  up_to.seq = 5;
  wait_until (all_published, &up_to);
  write_events (&instances[0], 1, TRUE);
  up_to.seq = 6;
  wait_until (all_published, &up_to);
  assert_one_to_n (&instances[0], 6);
  assert_one_to_n (&instances[1], 6);

  instance_clear (&instances[0]);
  instance_clear (&instances[1]);
}

static gboolean
has_access_change (gpointer data)
{
  return ((Instance *) data)->access_changes > 0;
}

static gboolean
has_second_access_change (gpointer data)
{
  return ((Instance *) data)->access_changes > 1;
}

/* A user disabled on A: B's streams re-check their principals; A announced it itself and does
 * not hear its own again. */
static void
test_access_change (void)
{
  g_autofree char *conninfo = new_desk ();
  g_autoptr(DwClock) clock = dw_clock_new (1.0);
  g_autoptr(GError) error = NULL;
  Instance instances[2] = { { 0 } };
  UpTo up_to = { instances, 2, 1 };

  instance_init (&instances[0], conninfo, clock);
  instance_init (&instances[1], conninfo, clock);

  g_assert_true (dw_store_tx_begin (instances[0].store, &error));
  dw_event_log_append_access_change (instances[0].log, 42);
  g_assert_true (dw_store_tx_commit (instances[0].store, &error));
  g_assert_no_error (error);
  dw_event_log_publish (instances[0].log);
  g_assert_cmpuint (instances[0].access_changes, ==, 1);

  wait_until (has_access_change, &instances[1]);
  /* An event after it, so everything sent before it has surely arrived. */
  write_events (&instances[0], 1, TRUE);
  wait_until (all_published, &up_to);
  g_assert_cmpuint (instances[0].access_changes, ==, 1);
  g_assert_cmpuint (instances[1].access_changes, ==, 1);

  /* `deskwatchd token revoke` is another process, on a connection of its own: both hear it. */
  {
    g_autoptr(PGconn) conn = connect_or_die (conninfo);
    g_autoptr(DwStore) store = dw_pg_store_new (conn);

    g_assert_true (dw_store_token_revoke (store, 1, 1000, &error));
    g_assert_no_error (error);
  }
  wait_until (has_second_access_change, &instances[0]);
  wait_until (has_second_access_change, &instances[1]);

  instance_clear (&instances[0]);
  instance_clear (&instances[1]);
}

/* Leadership */

typedef struct
{
  PGconn      *conn;
  DwStore     *store;
  DwEventLog  *log;
  DwSlaEngine *sla;
  DwLeader    *leader;
} Candidate;

static void
candidate_init (Candidate  *candidate,
                const char *conninfo,
                DwClock    *clock)
{
  candidate->conn = connect_or_die (conninfo);
  candidate->store = dw_pg_store_new (candidate->conn);
  candidate->log = dw_event_log_new (candidate->store, clock);
  candidate->sla = dw_sla_engine_new (candidate->store, clock, candidate->log);
  candidate->leader = dw_leader_new (candidate->store);
  dw_sla_engine_set_leader (candidate->sla, candidate->leader);
  dw_event_log_set_leader (candidate->log, candidate->leader);
  dw_sla_engine_start (candidate->sla);
}

static void
candidate_clear (Candidate *candidate)
{
  g_clear_object (&candidate->sla);
  g_clear_object (&candidate->log);
  g_clear_object (&candidate->leader);
  g_clear_pointer (&candidate->store, dw_store_free);
  g_clear_pointer (&candidate->conn, PQfinish);
}

static guint
n_leaders (Candidate *candidates,
           guint      n)
{
  guint leaders = 0;

  for (guint i = 0; i < n; i++)
    {
      gboolean leads = dw_leader_get_is_leader (candidates[i].leader);

      /* The SLA engine's alarms run exactly where the leadership is. */
      g_assert_cmpint (dw_sla_engine_get_running (candidates[i].sla), ==, leads);
      leaders += leads;
    }

  /* Never two at once. */
  g_assert_cmpuint (leaders, <=, 1);
  return leaders;
}

typedef struct
{
  Candidate *candidates;
  guint      n;
  gint       must_lead;  /* -1: anyone */
} LeaderWait;

static gboolean
leader_found (gpointer data)
{
  LeaderWait *wait = data;

  if (n_leaders (wait->candidates, wait->n) != 1)
    return FALSE;
  return wait->must_lead < 0
         || dw_leader_get_is_leader (wait->candidates[wait->must_lead].leader);
}

static gboolean
stepped_down (gpointer data)
{
  return !dw_leader_get_is_leader (((Candidate *) data)->leader);
}

static void
terminate_session_of (const char *conninfo,
                      gint64      key)
{
  g_autoptr(PGconn) conn = connect_or_die (conninfo);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, key);
  const char *params[] = { text };

  /* What the server does when the leader's process dies: its session ends, the lock with it. */
  result = dw_pg_query (conn, "SELECT pg_terminate_backend (pid) FROM pg_locks "
                        "WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
                        "AND ((classid::bigint << 32) | objid::bigint) = $1::bigint",
                        1, params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (result), ==, 1);
}

static void
test_leader (void)
{
  g_autofree char *conninfo = new_desk ();
  g_autoptr(DwClock) clock = dw_clock_new (1.0);
  Candidate candidates[2] = { { 0 } };
  LeaderWait wait = { candidates, 2, -1 };
  guint leading;

  /* The first asks at once and leads at once; the second finds it taken. */
  candidate_init (&candidates[0], conninfo, clock);
  candidate_init (&candidates[1], conninfo, clock);
  g_assert_true (dw_leader_get_is_leader (candidates[0].leader));
  g_assert_false (dw_leader_get_is_leader (candidates[1].leader));
  g_assert_cmpuint (n_leaders (candidates, 2), ==, 1);

  /* The leader's session is killed: it steps down at its next round, and one of them (it may
   * be itself, on a new session) leads again, never both. */
  terminate_session_of (conninfo, DW_PG_LOCK_SLA_LEADER);
  wait_until (stepped_down, &candidates[0]);
  wait_until (leader_found, &wait);

  /* The leader goes away: the other takes over, from its timer. */
  leading = dw_leader_get_is_leader (candidates[0].leader) ? 0 : 1;
  candidate_clear (&candidates[leading]);
  {
    LeaderWait other = { &candidates[1 - leading], 1, 0 };

    wait_until (leader_found, &other);
  }

  candidate_clear (&candidates[1 - leading]);
}


static gint64
count_events (const char *conninfo)
{
  g_autoptr(PGconn) conn = connect_or_die (conninfo);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_query (conn, "SELECT count (*) FROM events", 0, NULL, &error);
  g_assert_no_error (error);
  return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}


static gint64
next_sla_at (const char *conninfo)
{
  g_autoptr(PGconn) conn = connect_or_die (conninfo);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;

  result = dw_pg_query (conn, "SELECT coalesce (next_sla_at, 0) FROM tickets WHERE id = 102",
                        0, NULL, &error);
  g_assert_no_error (error);
  return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

static gboolean
quit_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

typedef struct
{
  const char *conninfo;
  Candidate  *candidates;
} Takeover;

static gboolean
due_ticket_refreshed (gpointer data)
{
  Takeover *takeover = data;

  /* Only ever where the leadership is (n_leaders asserts it). */
  n_leaders (takeover->candidates, 2);
  return next_sla_at (takeover->conninfo) != 1;
}

/* A ticket falls due while another instance (here a bare session) holds the leadership: the
 * followers' SLA engines leave it alone; when the leader goes, one of them takes over and its
 * first alarm refreshes what fell due meanwhile. */
static void
test_sla_takeover (void)
{
  g_autofree char *conninfo = new_desk ();
  g_autoptr(DwClock) clock = dw_clock_new (1.0);
  g_autoptr(PGconn) blocker = connect_or_die (conninfo);
  g_autoptr(GError) error = NULL;
  Candidate candidates[2] = { { 0 } };
  Takeover takeover = { conninfo, candidates };
  gboolean is_leader = FALSE;
  gboolean waited = FALSE;

  g_assert_true (dw_pg_leader_try_acquire (blocker, DW_PG_LOCK_SLA_LEADER, &is_leader, &error));
  g_assert_no_error (error);
  g_assert_true (is_leader);
  g_assert_true (dw_pg_exec (blocker, "INSERT INTO tickets (id, subject, channel, created_at, "
                             "updated_at, next_sla_at) VALUES (102, 'Due', 'web', 1, 1, 1)",
                             &error));
  g_assert_no_error (error);

  candidate_init (&candidates[0], conninfo, clock);
  candidate_init (&candidates[1], conninfo, clock);
  g_assert_cmpuint (n_leaders (candidates, 2), ==, 0);

  /* A few of their rounds: nobody acts on the due ticket (not a timing assertion: the wait
   * only gives a wrong follower the chance to act). */
  g_timeout_add (2500, quit_cb, &waited);
  while (!waited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (n_leaders (candidates, 2), ==, 0);
  g_assert_cmpint (next_sla_at (conninfo), ==, 1);

  g_clear_pointer (&blocker, PQfinish);
  wait_until (due_ticket_refreshed, &takeover);
  g_assert_cmpuint (n_leaders (candidates, 2), ==, 1);

  candidate_clear (&candidates[0]);
  candidate_clear (&candidates[1]);
}

static gboolean
leader_pruned (gpointer data)
{
  return dw_event_log_get_first_seq (((Candidate *) data)->log) > 1;
}

/* Retention is singleton work: a follower's publish never prunes, the leader's does, and the
 * follower's window follows what the leader left (so it never offers a since= it cannot serve). */
static void
test_prune_on_leader (void)
{
  g_autofree char *conninfo = new_desk ();
  g_autoptr(DwClock) clock = dw_clock_new (1.0);
  Candidate candidates[2] = { { 0 } };

  candidate_init (&candidates[0], conninfo, clock);
  candidate_init (&candidates[1], conninfo, clock);
  g_assert_true (dw_leader_get_is_leader (candidates[0].leader));
  for (guint i = 0; i < 2; i++)
    dw_event_log_set_retention (candidates[i].log, 5, 0);

  /* Written on the follower: it does not prune; the leader, hearing them, does. */
  write_events_on (candidates[1].store, candidates[1].log, 20, TRUE);
  g_assert_cmpint (count_events (conninfo), ==, 20);
  g_assert_cmpint (dw_event_log_get_first_seq (candidates[1].log), ==, 1);
  wait_until (leader_pruned, &candidates[0]);
  g_assert_cmpint (dw_event_log_get_seq (candidates[0].log), ==, 20);
  g_assert_cmpint (count_events (conninfo), ==, 5);
  g_assert_cmpint (dw_event_log_get_first_seq (candidates[0].log), ==, 16);

  /* The follower's window follows before it decides on a since=. */
  write_events_on (candidates[0].store, candidates[0].log, 1, TRUE);
  g_assert_true (dw_event_log_sync (candidates[1].log));
  g_assert_cmpint (dw_event_log_get_seq (candidates[1].log), ==, 21);
  g_assert_cmpint (dw_event_log_get_first_seq (candidates[1].log), ==, 16);

  candidate_clear (&candidates[0]);
  candidate_clear (&candidates[1]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pg/instances/events/other-instance", test_events_other_instance);
  g_test_add_func ("/pg/instances/events/concurrent", test_events_concurrent);
  g_test_add_func ("/pg/instances/events/sync", test_events_sync);
  g_test_add_func ("/pg/instances/events/relisten", test_events_relisten);
  g_test_add_func ("/pg/instances/events/access-change", test_access_change);
  g_test_add_func ("/pg/instances/leader", test_leader);
  g_test_add_func ("/pg/instances/prune-on-leader", test_prune_on_leader);
  g_test_add_func ("/pg/instances/sla-takeover", test_sla_takeover);

  return g_test_run ();
}
