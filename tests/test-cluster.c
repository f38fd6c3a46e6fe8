/* test-cluster.c: three deskwatchd instances on one PostgreSQL desk behind a real haproxy act as
 * one desk (issue 14, "Tests and benchmark").
 *
 * Every wait here is a guard against a hang (DW_TEST_WAIT_LIMIT, dw-test-cluster's two minutes),
 * never a timing assertion: the SLA case waits for one-minute targets to breach in real time,
 * because every instance keeps its own clock and --speed would give each a different "now".
 */
#include "config.h"

#include <string.h>

#include "dw-test-cluster.h"
#include "dw-test-stream.h"

#define N_INSTANCES 3

static gint64
create_ticket (DwTestServer *server,
               const char   *subject,
               gint64        team_id)
{
  g_autofree char *json = g_strdup_printf ("{\"subject\": \"%s\", \"body\": \"订单PDD20261206，"
                                           "物流三天没更新。\", \"channel\": \"app\", "
                                           "\"team_id\": %" G_GINT64_FORMAT "}", subject, team_id);
  g_autoptr(JsonObject) ticket = dw_test_api_request (server, "POST", "/api/v1/tickets", json, 201);

  return json_object_get_int_member (ticket, "id");
}

/* The desk's last event, from the table every instance serves from. */
static gint64
last_seq (DwTestCluster *cluster)
{
  return dw_test_cluster_sql_int (cluster, "SELECT last_seq FROM event_counter");
}

typedef struct
{
  DwTestStream *stream;
  gint64        seq;
} Reached;

static gboolean
stream_reached (gpointer data)
{
  Reached *r = data;

  for (guint i = r->stream->messages->len; i > 0; i--)
    {
      JsonObject *message = g_ptr_array_index (r->stream->messages, i - 1);

      if (g_strcmp0 (dw_test_message_type (message), "event") == 0)
        return dw_test_message_seq (message) >= r->seq;
    }

  g_assert_false (r->stream->closed);
  return FALSE;
}

static void
wait_reached (DwTestStream *stream,
              gint64        seq)
{
  Reached r = { stream, seq };

  dw_test_spin_until (stream_reached, &r, "the stream to reach the desk's last event");
}

/* "seq event id" for every event of @stream from message @from on, into @into (seq → text). */
static void
collect_events (DwTestStream *stream,
                guint         from,
                GHashTable   *into)
{
  for (guint i = from; i < stream->messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (stream->messages, i);
      JsonObject *data;
      gint64 seq;

      if (g_strcmp0 (dw_test_message_type (message), "event") != 0)
        continue;
      seq = dw_test_message_seq (message);
      data = json_object_get_object_member (message, "data");
      g_hash_table_insert (into, GINT_TO_POINTER ((int) seq),
                           g_strdup_printf ("%s %" G_GINT64_FORMAT,
                                            json_object_get_string_member (message, "event"),
                                            json_object_get_int_member_with_default (data, "id",
                                              json_object_get_int_member_with_default (data,
                                                "ticket_id", 0))));
    }
}

/* The same event under every seq in both. */
static void
assert_same_events (GHashTable *a,
                    GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpuint (g_hash_table_size (a), ==, g_hash_table_size (b));
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_cmpstr (value, ==, g_hash_table_lookup (b, key));
}

/* Tickets written through haproxy land on all three instances (round robin); each instance reads
 * every one, and a stale version is a 409 on another instance than the one that wrote. */
static void
test_writes (void)
{
  g_autoptr(DwTestCluster) cluster = dw_test_cluster_new (N_INSTANCES, NULL, NULL);
  DwTestServer *front = cluster->front;
  gint64 ids[3 * N_INSTANCES];
  g_autofree char *path = NULL;
  gint64 version;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *subject = g_strdup_printf ("cluster write %u", i);

      ids[i] = create_ticket (front, subject, front->team_id);
    }

  g_assert_cmpint (dw_test_cluster_sql_int (cluster, "SELECT count(*) FROM tickets"), ==,
                   G_N_ELEMENTS (ids));

  for (guint k = 0; k < N_INSTANCES; k++)
    for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
      {
        g_autofree char *get = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, ids[i]);
        g_autoptr(JsonObject) ticket = dw_test_api_request (dw_test_cluster_instance (cluster, k),
                                                            "GET", get, NULL, 200);
        g_autofree char *subject = g_strdup_printf ("cluster write %u", i);

        g_assert_cmpstr (json_object_get_string_member (ticket, "subject"), ==, subject);
      }

  /* Optimistic concurrency across instances: both start from the same version. */
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, ids[0]);
  {
    g_autoptr(JsonObject) ticket = dw_test_api_request (dw_test_cluster_instance (cluster, 0),
                                                        "GET", path, NULL, 200);
    g_autofree char *first = NULL;
    g_autofree char *second = NULL;
    g_autoptr(JsonObject) changed = NULL;
    g_autoptr(JsonObject) conflict = NULL;

    version = json_object_get_int_member (ticket, "version");
    first = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"priority\": \"high\"}",
                             version);
    second = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"priority\": \"low\"}",
                              version);
    changed = dw_test_api_request (dw_test_cluster_instance (cluster, 1), "PATCH", path, first,
                                   200);
    g_assert_cmpint (json_object_get_int_member (changed, "version"), ==, version + 1);
    conflict = dw_test_api_request (dw_test_cluster_instance (cluster, 2), "PATCH", path, second,
                                    409);
  }
}

/* Two consoles on each instance, from the beginning: each sees every event of the desk once and
 * in order, whichever instance wrote it, and all see the same event under the same seq. */
static void
test_streams (void)
{
  g_autoptr(DwTestCluster) cluster = dw_test_cluster_new (N_INSTANCES, NULL, NULL);
  g_autoptr(GPtrArray) streams = g_ptr_array_new_with_free_func ((GDestroyNotify) dw_test_stream_free);
  g_autoptr(GHashTable) reference = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  gint64 last;

  for (guint k = 0; k < N_INSTANCES; k++)
    for (guint j = 0; j < 2; j++)
      g_ptr_array_add (streams, dw_test_stream_open (dw_test_cluster_instance (cluster, k),
                                                     cluster->front->admin_token, 0));

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *subject = g_strdup_printf ("streamed %u", i);

      create_ticket (cluster->front, subject, i % 2 ? cluster->front->team_id
                                                    : cluster->front->other_team_id);
    }

  last = last_seq (cluster);
  g_assert_cmpint (last, >, 30);
  for (guint s = 0; s < streams->len; s++)
    {
      DwTestStream *stream = g_ptr_array_index (streams, s);
      g_autoptr(GHashTable) events = g_hash_table_new_full (NULL, NULL, NULL, g_free);

      wait_reached (stream, last);
      /* 1, 2, … last: nothing missed, nothing twice, in order. */
      g_assert_cmpint (dw_test_check_events (stream, 0, stream->messages->len, 0, TRUE), ==, last);
      g_assert_cmpuint (dw_test_count_events (stream, 0, "ticket.created", 0), ==, 30);
      collect_events (stream, 0, events);
      if (s == 0)
        collect_events (stream, 0, reference);
      else
        assert_same_events (reference, events);
    }
}

/* An instance dies (SIGKILL) with consoles on it and writes going on: they reconnect through
 * haproxy (so to another instance) with since= their last seq and miss nothing, repeat nothing. */
static void
test_instance_killed (void)
{
  g_autoptr(DwTestCluster) cluster = dw_test_cluster_new (N_INSTANCES, NULL, NULL);
  DwTestServer *front = cluster->front;
  g_autoptr(GPtrArray) streams = g_ptr_array_new_with_free_func ((GDestroyNotify) dw_test_stream_free);
  g_autoptr(GPtrArray) resumed = g_ptr_array_new_with_free_func ((GDestroyNotify) dw_test_stream_free);
  g_autoptr(GHashTable) reference = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  gint64 resumed_from[2];
  const guint victim = 1;
  gint64 last;

  for (guint k = 0; k < N_INSTANCES; k++)
    for (guint j = 0; j < 2; j++)
      g_ptr_array_add (streams, dw_test_stream_open (dw_test_cluster_instance (cluster, k),
                                                     front->admin_token, 0));

  for (guint i = 0; i < 10; i++)
    create_ticket (front, "before the kill", front->team_id);
  last = last_seq (cluster);
  for (guint s = 0; s < streams->len; s++)
    wait_reached (g_ptr_array_index (streams, s), last);

  /* Writes go on while the instance dies: some of these reach it before haproxy's check takes
   * it out (a refused connection is retried on another instance). */
  create_ticket (front, "just before the kill", front->team_id);
  dw_test_cluster_kill (cluster, victim);
  for (guint i = 0; i < 10; i++)
    create_ticket (front, "after the kill", front->other_team_id);

  for (guint j = 0; j < 2; j++)
    {
      DwTestStream *old = g_ptr_array_index (streams, victim * 2 + j);

      dw_test_spin_until (dw_test_stream_closed, old, "the dead instance's stream to close");
      resumed_from[j] = dw_test_check_events (old, 0, old->messages->len, 0, TRUE);
      g_ptr_array_add (resumed, dw_test_stream_open (front, front->admin_token, resumed_from[j]));
    }

  for (guint i = 0; i < 10; i++)
    create_ticket (front, "after the resumption", front->team_id);

  last = last_seq (cluster);
  for (guint s = 0; s < streams->len; s++)
    {
      DwTestStream *stream = g_ptr_array_index (streams, s);
      g_autoptr(GHashTable) events = g_hash_table_new_full (NULL, NULL, NULL, g_free);

      if (s / 2 == victim)
        continue;
      wait_reached (stream, last);
      g_assert_cmpint (dw_test_check_events (stream, 0, stream->messages->len, 0, TRUE), ==, last);
      collect_events (stream, 0, events);
      if (g_hash_table_size (reference) == 0)
        collect_events (stream, 0, reference);
      else
        assert_same_events (reference, events);
    }

  for (guint j = 0; j < 2; j++)
    {
      DwTestStream *old = g_ptr_array_index (streams, victim * 2 + j);
      DwTestStream *stream = g_ptr_array_index (resumed, j);
      g_autoptr(GHashTable) events = g_hash_table_new_full (NULL, NULL, NULL, g_free);

      wait_reached (stream, last);
      /* From right after the old stream's last event to the desk's last, without a gap. */
      g_assert_cmpint (dw_test_check_events (stream, 0, stream->messages->len, resumed_from[j],
                                             TRUE), ==, last);
      collect_events (old, 0, events);
      collect_events (stream, 0, events);
      assert_same_events (reference, events);
    }
}

/* One-minute first-response targets (24/7 UTC calendar), escalating on breach. */
#define SLA_SETUP \
  "UPDATE calendars SET timezone = 'UTC', holidays = '[]', workdays = '[]', week = " \
  "'[[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]]]';" \
  "INSERT INTO sla_policies (name, position, first_response_minutes, at_risk_ratio, escalation) " \
  "VALUES ('One minute', 1, 1, 0.5, " \
  "'{\"raise_priority\":true,\"notify_lead\":true,\"reassign\":false}')"

#define N_SLA_TICKETS 4

/* What the audit trail says of ticket @id (when a count is wrong: the log says which rows). */
static void
dump_audit (DwTestCluster *cluster,
            gint64         id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id, at, actor_id, action, field, before, after, "
                                          "reason FROM audit WHERE entity = 'ticket' "
                                          "AND entity_id = %" G_GINT64_FORMAT " ORDER BY id", id);
  PGresult *result = PQexec (cluster->sql, sql);

  for (int r = 0; r < PQntuples (result); r++)
    {
      g_autoptr(GString) row = g_string_new (NULL);

      for (int c = 0; c < PQnfields (result); c++)
        g_string_append_printf (row, "%s=%s ", PQfname (result, c),
                                PQgetisnull (result, r, c) ? "NULL" : PQgetvalue (result, r, c));
      g_test_message ("ticket %" G_GINT64_FORMAT " audit: %s", id, row->str);
    }
  PQclear (result);
}

/* The SLA leader dies; another instance takes the lock and the breaches that follow are
 * escalated by it; every breach before and after is escalated exactly once (events, audit rows,
 * escalation_level). */
static void
test_leader_killed (void)
{
  g_autoptr(DwTestCluster) cluster = dw_test_cluster_new (N_INSTANCES, SLA_SETUP, NULL);
  DwTestServer *front = cluster->front;
  g_autoptr(DwTestStream) watch = NULL;
  gint64 before[N_SLA_TICKETS], after[N_SLA_TICKETS];
  guint leader, next;

  leader = dw_test_cluster_wait_leader (cluster, -1);
  g_test_message ("instance %u leads", leader);
  /* A console on an instance that will survive, from the beginning. */
  watch = dw_test_stream_open (dw_test_cluster_instance (cluster, (leader + 1) % N_INSTANCES),
                               front->admin_token, 0);

  for (guint i = 0; i < N_SLA_TICKETS; i++)
    before[i] = create_ticket (front, "breaches under the first leader", front->team_id);
  for (guint i = 0; i < N_SLA_TICKETS; i++)
    dw_test_stream_wait (watch, 0, "event", "sla.escalated", before[i]);

  /* These breach a minute from now: after the leader is gone. */
  for (guint i = 0; i < N_SLA_TICKETS; i++)
    after[i] = create_ticket (front, "breaches under the next leader", front->team_id);
  dw_test_cluster_kill (cluster, leader);
  next = dw_test_cluster_wait_leader (cluster, (int) leader);
  g_test_message ("instance %u leads now", next);
  g_assert_cmpuint (next, !=, leader);

  for (guint i = 0; i < N_SLA_TICKETS; i++)
    dw_test_stream_wait (watch, 0, "event", "sla.escalated", after[i]);

  /* Give a second escalation every chance to show (a guard, not a timing): the engine's rounds
   * are seconds apart. */
  for (guint i = 0; i < 100; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (100 * 1000);
    }

  dw_test_check_events (watch, 0, watch->messages->len, 0, TRUE);
  for (guint i = 0; i < 2 * N_SLA_TICKETS; i++)
    {
      gint64 id = i < N_SLA_TICKETS ? before[i] : after[i - N_SLA_TICKETS];
      /* An escalation writes one audit row per field it changes (priority, escalation_level):
       * the escalation_level row is the escalation. */
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM audit WHERE entity = 'ticket' "
                                              "AND action = 'escalated' "
                                              "AND field = 'escalation_level' AND entity_id = %"
                                              G_GINT64_FORMAT, id);
      g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
      g_autoptr(JsonObject) ticket = dw_test_api_request (front, "GET", path, NULL, 200);

      g_assert_cmpuint (dw_test_count_events (watch, 0, "sla.escalated", id), ==, 1);
      if (dw_test_cluster_sql_int (cluster, sql) != 1)
        dump_audit (cluster, id);
      g_assert_cmpint (dw_test_cluster_sql_int (cluster, sql), ==, 1);
      g_assert_cmpint (json_object_get_int_member (ticket, "escalation_level"), ==, 1);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cluster/writes", test_writes);
  g_test_add_func ("/cluster/streams", test_streams);
  g_test_add_func ("/cluster/instance-killed", test_instance_killed);
  g_test_add_func ("/cluster/leader-killed", test_leader_killed);

  return g_test_run ();
}
