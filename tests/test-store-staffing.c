/* test-store-staffing.c: the staffing reads (store/dw-store-staffing.h), without HTTP.
 *
 * Written against the op table, not against SQLite: every test runs once per backend
 * (tests/dw-test-store.h: a fresh desk seeded with a team, its agents, tickets and their
 * messages, shifts, an absence and a presence log), under /store/<backend>/.
 */
#include "config.h"

#include <string.h>

#include "dw-store.h"
#include "store/dw-store-staffing.h"
#include "dw-test-store.h"

typedef DwTestStoreFixture Fixture;

/* Plain INSERTs with their ids, read alike by both backends.  Display names sort by their
 * bytes: "Bai" < "Li" < "Wang" < "an". */
static const char seed_sql[] =
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (7, 'Returns', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (8, 'Billing', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO users (id, username, display_name, role, presence, presence_since, created_at) "
  "VALUES (11, 'li', 'Li', 'agent', 'online', 0, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (12, 'wang', 'Wang', 'agent', 0, 0);"
  "INSERT INTO users (id, username, display_name, role, disabled, presence_since, created_at) "
  "VALUES (13, 'zhao', 'Zhao', 'agent', 1, 0, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (14, 'boss', 'Boss', 'admin', 0, 0);"
  "INSERT INTO users (id, username, display_name, role, presence, presence_since, created_at) "
  "VALUES (15, 'bai', 'Bai', 'agent', 'away', 0, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (16, 'an', 'an', 'agent', 0, 0);"
  "INSERT INTO team_members (team_id, user_id) VALUES (7, 11);"
  "INSERT INTO team_members (team_id, user_id) VALUES (7, 12);"
  "INSERT INTO team_members (team_id, user_id) VALUES (7, 13);"
  "INSERT INTO team_members (team_id, user_id) VALUES (7, 14);"
  "INSERT INTO team_members (team_id, user_id) VALUES (7, 15);"
  "INSERT INTO team_members (team_id, user_id) VALUES (7, 16);"
  "INSERT INTO team_members (team_id, user_id) VALUES (8, 12);"
  "INSERT INTO tickets (id, subject, channel, status, team_id, created_at, updated_at, solved_at) "
  "VALUES (51, 'a', 'phone', 'solved', 7, 1000, 5000, 5000);"
  "INSERT INTO tickets (id, subject, channel, status, team_id, created_at, updated_at, solved_at) "
  "VALUES (52, 'b', 'email', 'solved', 7, 1100, 6000, 6000);"
  "INSERT INTO tickets (id, subject, channel, status, team_id, created_at, updated_at) "
  "VALUES (53, 'c', 'phone', 'open', 7, 2900, 2900);"
  "INSERT INTO tickets (id, subject, channel, status, team_id, created_at, updated_at) "
  "VALUES (54, 'd', 'email', 'open', 7, 87400, 87400);"
  "INSERT INTO tickets (id, subject, channel, status, team_id, created_at, updated_at) "
  "VALUES (55, 'e', 'email', 'open', 7, 900, 900);"
  "INSERT INTO tickets (id, subject, channel, status, team_id, created_at, updated_at) "
  "VALUES (56, 'f', 'phone', 'open', 8, 1000, 1000);"
  "INSERT INTO comments (id, ticket_id, author_kind, author_id, public, body, created_at) "
  "VALUES (71, 51, 'agent', 11, 1, 'x', 1200);"
  "INSERT INTO comments (id, ticket_id, author_kind, public, body, created_at) "
  "VALUES (72, 51, 'customer', 1, 'q', 1100);"
  "INSERT INTO comments (id, ticket_id, author_kind, author_id, public, body, created_at) "
  "VALUES (74, 51, 'agent', 11, 0, 'note', 1300);"
  "INSERT INTO comments (id, ticket_id, author_kind, author_id, public, body, created_at) "
  "VALUES (73, 51, 'agent', 11, 1, 'y', 1300);"
  "INSERT INTO comments (id, ticket_id, author_kind, author_id, public, body, created_at) "
  "VALUES (75, 52, 'agent', 12, 1, 'z', 1500);"
  "INSERT INTO shifts (id, user_id, team_id, starts_at, ends_at, breaks) "
  "VALUES (61, 11, 7, 10000, 20000, '[[12000,12600]]');"
  "INSERT INTO shifts (id, user_id, team_id, starts_at, ends_at) VALUES (62, 12, 7, 10000, 20000);"
  "INSERT INTO shifts (id, user_id, team_id, starts_at, ends_at) VALUES (63, 15, 7, 9000, 19000);"
  "INSERT INTO shifts (id, user_id, team_id, starts_at, ends_at) VALUES (64, 11, 7, 30000, 40000);"
  "INSERT INTO shifts (id, user_id, team_id, starts_at, ends_at) VALUES (65, 11, 8, 10000, 20000);"
  "INSERT INTO absences (id, user_id, kind, starts_at, ends_at, created_at) "
  "VALUES (81, 12, 'sick', 15000, 16000, 0);"
  "INSERT INTO presence_log (id, user_id, presence, at) VALUES (1, 11, 'online', 50);"
  "INSERT INTO presence_log (id, user_id, presence, at) VALUES (2, 11, 'away', 150);"
  "INSERT INTO presence_log (id, user_id, presence, at) VALUES (3, 11, 'online', 150);"
  "INSERT INTO presence_log (id, user_id, presence, at) VALUES (4, 11, 'offline', 300);";

/* Tests */

static void
test_team (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwStoreStaffingTeam team = { 0 };

  dw_test_store_exec (fixture->desk,
                      "UPDATE teams SET target_service_level = 0.9, target_answer_seconds = 30, "
                      "max_occupancy = 0.85, ticket_occupancy = 0.7, shrinkage = 0.25 "
                      "WHERE id = 7");
  g_assert_true (dw_store_staffing_team_load (fixture->store, 7, &team, &error));
  g_assert_no_error (error);
  g_assert_cmpint (team.calendar_id, ==,
                   dw_test_store_int (fixture->desk, "SELECT min (id) FROM calendars"));
  g_assert_cmpfloat (team.target_service_level, ==, 0.9);
  g_assert_cmpint (team.target_answer_seconds, ==, 30);
  g_assert_cmpfloat (team.max_occupancy, ==, 0.85);
  g_assert_cmpfloat (team.ticket_occupancy, ==, 0.7);
  g_assert_cmpfloat (team.shrinkage, ==, 0.25);

  g_assert_false (dw_store_staffing_team_load (fixture->store, 99, &team, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
}

static void
collect_message (const DwStoreHandleTimeRow *row,
                 gpointer                    data)
{
  g_string_append_printf (data,
                          "%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " %s %d %" G_GINT64_FORMAT ";",
                          row->ticket_id, row->ticket_created_at, row->author_kind, row->public,
                          row->created_at);
}

static void
test_handle_time_rows (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) rows = g_string_new (NULL);

  /* by ticket, then time, then id (73 before 74 at 1300) */
  g_assert_true (dw_store_staffing_handle_time_rows (fixture->store, 7, 0, 10000,
                                                     collect_message, rows, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rows->str, ==,
                   "51/1000 customer 1 1100;51/1000 agent 1 1200;51/1000 agent 1 1300;"
                   "51/1000 agent 0 1300;52/1100 agent 1 1500;");

  /* solved in [from, to): 52 was solved at 6000 */
  g_string_truncate (rows, 0);
  g_assert_true (dw_store_staffing_handle_time_rows (fixture->store, 7, 5000, 6000,
                                                     collect_message, rows, &error));
  g_assert_cmpstr (rows->str, ==,
                   "51/1000 customer 1 1100;51/1000 agent 1 1200;51/1000 agent 1 1300;"
                   "51/1000 agent 0 1300;");

  /* the empty case */
  g_string_truncate (rows, 0);
  g_assert_true (dw_store_staffing_handle_time_rows (fixture->store, 8, 0, 10000,
                                                     collect_message, rows, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rows->str, ==, "");
}

typedef struct
{
  gint64 phone[4];
  gint64 email[4];
} Counts;

static void
count_arrival (guint       interval,
               const char *channel,
               gint64      count,
               gpointer    data)
{
  Counts *counts = data;

  g_assert_cmpuint (interval, <, 4);
  if (g_str_equal (channel, "phone"))
    counts->phone[interval] += count;
  else if (g_str_equal (channel, "email"))
    counts->email[interval] += count;
  else
    g_assert_not_reached ();
}

static void
test_arrivals (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Counts counts = { { 0 } };
  Counts empty = { { 0 } };

  /* [1000, 1000 + 4 · 1800): 55 is before, 54 after, 56 another team's */
  g_assert_true (dw_store_staffing_arrivals (fixture->store, 7, 1000, 1800, 4, count_arrival,
                                             &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpint (counts.phone[0], ==, 1);
  g_assert_cmpint (counts.email[0], ==, 1);
  g_assert_cmpint (counts.phone[1], ==, 1);
  g_assert_cmpint (counts.email[1], ==, 0);
  g_assert_cmpint (counts.phone[2] + counts.phone[3] + counts.email[2] + counts.email[3], ==, 0);

  /* short intervals: 51 at 1000 in the first, 52 at 1100 in the second, 53 past the end */
  memset (&counts, 0, sizeof counts);
  g_assert_true (dw_store_staffing_arrivals (fixture->store, 7, 1000, 100, 2, count_arrival,
                                             &counts, &error));
  g_assert_cmpint (counts.phone[0], ==, 1);
  g_assert_cmpint (counts.email[0], ==, 0);
  g_assert_cmpint (counts.email[1], ==, 1);
  g_assert_cmpint (counts.phone[1], ==, 0);

  /* the empty case */
  memset (&counts, 0, sizeof counts);
  g_assert_true (dw_store_staffing_arrivals (fixture->store, 8, 100000, 1800, 4, count_arrival,
                                             &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (&counts, sizeof counts, &empty, sizeof empty);
}

static void
test_first_ticket (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_cmpint (dw_store_staffing_first_ticket_at (fixture->store, 7), ==, 900);
  g_assert_cmpint (dw_store_staffing_first_ticket_at (fixture->store, 8), ==, 1000);
  g_assert_cmpint (dw_store_staffing_first_ticket_at (fixture->store, 99), ==, 0);
}

static void
collect_shift (const DwStoreStaffingShift *row,
               gpointer                    data)
{
  g_string_append_printf (data,
                          "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT " %s;",
                          row->user_id, row->starts_at, row->ends_at, row->breaks);
}

static void
test_shifts (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) rows = g_string_new (NULL);

  /* 62 has an absence in it, 64 is later, 65 another team's; by user, then start */
  g_assert_true (dw_store_staffing_shifts (fixture->store, 7, 0, 10000, 25000, collect_shift, rows,
                                           &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rows->str, ==, "11 10000-20000 [[12000,12600]];15 9000-19000 [];");

  g_string_truncate (rows, 0);
  g_assert_true (dw_store_staffing_shifts (fixture->store, 7, 15, 10000, 25000, collect_shift,
                                           rows, &error));
  g_assert_cmpstr (rows->str, ==, "15 9000-19000 [];");

  /* the absence gone, 62 counts */
  dw_test_store_exec (fixture->desk, "DELETE FROM absences");
  g_string_truncate (rows, 0);
  g_assert_true (dw_store_staffing_shifts (fixture->store, 7, 12, 0, 100000, collect_shift, rows,
                                           &error));
  g_assert_cmpstr (rows->str, ==, "12 10000-20000 [];");

  g_string_truncate (rows, 0);
  g_assert_true (dw_store_staffing_shifts (fixture->store, 7, 0, 50000, 60000, collect_shift, rows,
                                           &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rows->str, ==, "");
}

static void
collect_agent (const DwStoreStaffingAgent *row,
               gpointer                    data)
{
  g_string_append_printf (data, "%" G_GINT64_FORMAT " %s %s;", row->user_id, row->display_name,
                          row->presence);
}

static void
test_agents (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) rows = g_string_new (NULL);

  /* enabled agents only, by the bytes of their names */
  g_assert_true (dw_store_staffing_agents (fixture->store, 7, 0, collect_agent, rows, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rows->str, ==, "15 Bai away;11 Li online;12 Wang offline;16 an offline;");

  g_string_truncate (rows, 0);
  g_assert_true (dw_store_staffing_agents (fixture->store, 8, 12, collect_agent, rows, &error));
  g_assert_cmpstr (rows->str, ==, "12 Wang offline;");

  g_string_truncate (rows, 0);
  g_assert_true (dw_store_staffing_agents (fixture->store, 8, 11, collect_agent, rows, &error));
  g_assert_true (dw_store_staffing_agents (fixture->store, 99, 0, collect_agent, rows, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rows->str, ==, "");
}

static void
collect_mark (guint       index,
              gboolean    before,
              gint64      at,
              const char *presence,
              gpointer    data)
{
  if (before)
    g_string_append_printf (data, "%u before %s;", index, presence);
  else
    g_string_append_printf (data, "%u %" G_GINT64_FORMAT " %s;", index, at, presence);
}

static void
test_presence (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) rows = g_string_new (NULL);
  const gint64 users[] = { 11, 12, 11 };

  /* the last before the window: at 50; in it, by time then id */
  g_assert_true (dw_store_staffing_presence (fixture->store, users, 2, 100, 300, collect_mark,
                                             rows, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rows->str, ==, "0 before online;0 150 away;0 150 online;");

  /* of two marks at one time the last is the higher id; none before 50 */
  g_string_truncate (rows, 0);
  g_assert_true (dw_store_staffing_presence (fixture->store, users, 3, 200, 1000, collect_mark,
                                             rows, &error));
  g_assert_cmpstr (rows->str, ==, "0 before online;0 300 offline;2 before online;2 300 offline;");
  g_string_truncate (rows, 0);
  g_assert_true (dw_store_staffing_presence (fixture->store, users, 1, 0, 1000, collect_mark,
                                             rows, &error));
  g_assert_cmpstr (rows->str, ==, "0 50 online;0 150 away;0 150 online;0 300 offline;");
  g_string_truncate (rows, 0);
  g_assert_true (dw_store_staffing_presence (fixture->store, users, 1, 1000, 2000, collect_mark,
                                             rows, &error));
  g_assert_cmpstr (rows->str, ==, "0 before offline;");

  /* the empty cases */
  g_string_truncate (rows, 0);
  g_assert_true (dw_store_staffing_presence (fixture->store, users + 1, 1, 0, 1000, collect_mark,
                                             rows, &error));
  g_assert_true (dw_store_staffing_presence (fixture->store, users, 0, 0, 1000, collect_mark,
                                             rows, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rows->str, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  static const DwTestStoreCase tests[] = {
    { "staffing/team", test_team },
    { "staffing/handle-time-rows", test_handle_time_rows },
    { "staffing/arrivals", test_arrivals },
    { "staffing/first-ticket", test_first_ticket },
    { "staffing/shifts", test_shifts },
    { "staffing/agents", test_agents },
    { "staffing/presence", test_presence },
  };

  g_test_init (&argc, &argv, NULL);

  dw_test_store_add_cases ("/store", NULL, seed_sql, tests, G_N_ELEMENTS (tests));

  return g_test_run ();
}
