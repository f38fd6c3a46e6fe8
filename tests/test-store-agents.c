/* test-store-agents.c: the named operations of the agents' domain (store/dw-store-agents.h),
 * without HTTP: the facts reader's, the figures' reads, each agent now, a lead's moves.
 *
 * Every test runs once per backend (tests/dw-test-store.h), under /store/<backend>/agents/.
 */
#include "config.h"

#include <string.h>

#include "dw-store.h"
#include "store/dw-store-agents.h"
#include "dw-test-store.h"

typedef DwTestStoreFixture Fixture;

/* Team 7 (Returns) with agents Li (11, capacity 3, online since 100), Bai (13) and disabled
 * Wang (12), lead Zhou (14); team 8 (Billing) empty.  Tickets of Li: 31 open (team 7, at
 * risk), 32 new (team 8), 33 pending, 34 solved; 35 of Bai, open. */
static const char seed_sql[] =
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (7, 'Returns', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (8, 'Billing', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO users (id, username, display_name, role, capacity, presence, presence_since, "
  "created_at) VALUES (11, 'li', 'Li', 'agent', 3, 'online', 100, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, disabled, "
  "created_at) VALUES (12, 'wang', 'Wang', 'agent', 0, 1, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (13, 'bai', 'Bai', 'agent', 0, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (14, 'zhou', 'Zhou', 'lead', 0, 0);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 11, 0);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 12, 0);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 13, 0);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 14, 1);"
  "INSERT INTO tickets (id, subject, channel, status, team_id, assignee_id, sla_state, "
  "created_at, updated_at, version) VALUES (31, 'a', 'email', 'open', 7, 11, 'at-risk', 10, 50, 3);"
  "INSERT INTO tickets (id, subject, channel, status, team_id, assignee_id, created_at, "
  "updated_at, version) VALUES (32, 'b', 'email', 'new', 8, 11, 10, 40, 1);"
  "INSERT INTO tickets (id, subject, channel, status, team_id, assignee_id, created_at, "
  "updated_at) VALUES (33, 'c', 'email', 'pending', 7, 11, 10, 30);"
  "INSERT INTO tickets (id, subject, channel, status, team_id, assignee_id, created_at, "
  "updated_at) VALUES (34, 'd', 'email', 'solved', 7, 11, 10, 20);"
  "INSERT INTO tickets (id, subject, channel, status, team_id, assignee_id, created_at, "
  "updated_at) VALUES (35, 'e', 'email', 'open', 7, 13, 10, 60);"
  "INSERT INTO comments (ticket_id, author_kind, author_id, public, body, created_at) "
  "VALUES (34, 'agent', 11, 1, 'x', 15);"
  "INSERT INTO comments (ticket_id, author_kind, author_id, public, body, created_at) "
  "VALUES (34, 'agent', 11, 0, 'note', 16);"
  "INSERT INTO comments (ticket_id, author_kind, author_id, public, body, created_at) "
  "VALUES (34, 'agent', 11, 1, 'y', 25);"
  "INSERT INTO audit (id, at, actor_id, entity, entity_id, action, field, before, after) "
  "VALUES (101, 10, NULL, 'ticket', 34, 'created', NULL, NULL, NULL);"
  "INSERT INTO audit (id, at, actor_id, entity, entity_id, action, field, before, after) "
  "VALUES (102, 11, 14, 'team', 7, 'updated', 'name', '\"R\"', '\"Returns\"');"
  "INSERT INTO audit (id, at, actor_id, entity, entity_id, action, field, before, after) "
  "VALUES (103, 12, 14, 'user', 11, 'updated', 'capacity', '5', '3');"
  "INSERT INTO audit (id, at, actor_id, entity, entity_id, action, field, before, after) "
  "VALUES (104, 13, 14, 'user', 11, 'updated', 'presence', '\"away\"', '\"online\"');"
  "INSERT INTO audit (id, at, actor_id, entity, entity_id, action, field, before, after) "
  "VALUES (105, 20, 11, 'ticket', 34, 'updated', 'status', '\"open\"', '\"solved\"');"
  "INSERT INTO presence_log (id, user_id, presence, at) VALUES (1, 11, 'online', 50);"
  "INSERT INTO presence_log (id, user_id, presence, at) VALUES (2, 11, 'away', 150);"
  "INSERT INTO presence_log (id, user_id, presence, at) VALUES (3, 11, 'online', 150);"
  "INSERT INTO presence_log (id, user_id, presence, at) VALUES (4, 11, 'offline', 300);";

/* Facts: the reader's operations */

static gboolean
collect_audit (const DwStoreAuditRow  *row,
               gpointer                data,
               GError                **error)
{
  g_string_append_printf (data, "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT
                          ":%" G_GINT64_FORMAT ":%s:%s:%s:%s:%d;", row->id, row->at,
                          row->actor_id, row->entity_id, row->action, row->field,
                          row->before != NULL ? row->before : "NULL",
                          row->after != NULL ? row->after : "NULL", row->is_capacity);
  return TRUE;
}

static gboolean
stop_after_first (const DwStoreAuditRow  *row,
                  gpointer                data,
                  GError                **error)
{
  (*(int *) data)++;
  return FALSE;
}

static gboolean
fail_at_first (const DwStoreAuditRow  *row,
               gpointer                data,
               GError                **error)
{
  g_set_error_literal (error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED, "stop");
  return FALSE;
}

static void
test_audit_read (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) rows = g_string_new (NULL);
  int n = 0;


  /* tickets' rows and users' capacity, by id; not the team's nor the presence */
  g_assert_true (dw_store_agent_audit_read (fixture->store, 0, collect_audit, rows, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rows->str, ==,
                   "101:10:0:34:created::NULL:NULL:0;"
                   "103:12:14:11:updated:capacity:5:3:1;"
                   "105:20:11:34:updated:status:\"open\":\"solved\":0;");

  /* after the cursor only */
  g_string_truncate (rows, 0);
  g_assert_true (dw_store_agent_audit_read (fixture->store, 103, collect_audit, rows, &error));
  g_assert_cmpstr (rows->str, ==, "105:20:11:34:updated:status:\"open\":\"solved\":0;");
  g_string_truncate (rows, 0);
  g_assert_true (dw_store_agent_audit_read (fixture->store, 105, collect_audit, rows, &error));
  g_assert_cmpstr (rows->str, ==, "");

  /* the callback stops the read, or fails it */
  g_assert_true (dw_store_agent_audit_read (fixture->store, 0, stop_after_first, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 1);
  g_assert_false (dw_store_agent_audit_read (fixture->store, 0, fail_at_first, NULL, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_FAILED);
}

static void
test_watermark (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 mark = -1;


  g_assert_true (dw_store_agent_facts_watermark (fixture->store, &mark, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mark, ==, 0);
  g_assert_true (dw_store_agent_facts_set_watermark (fixture->store, 103, &error));
  g_assert_true (dw_store_agent_facts_set_watermark (fixture->store, 105, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_agent_facts_watermark (fixture->store, &mark, &error));
  g_assert_cmpint (mark, ==, 105);

  /* clear forgets the facts and the watermark */
  g_assert_true (dw_store_agent_load_insert (fixture->store, 105, 20, 11, 7, 34, -1, &error));
  g_assert_true (dw_store_agent_capacity_put (fixture->store, 103, 11, 12, 5, 3, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_agent_facts_clear (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_agent_facts_watermark (fixture->store, &mark, &error));
  g_assert_cmpint (mark, ==, 0);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM agent_facts"), ==, 0);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM agent_capacity"), ==,
                   0);
}

static void
test_fact_tickets (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DwStoreFactTicket ticket = { .created_at = 10, .team_id = 7, .assignee_id = 11,
                               .solver_id = 0, .active = TRUE };
  DwStoreFactTicket back = { .active = TRUE };


  /* not read yet: FALSE without an error, left as it was */
  g_assert_false (dw_store_agent_fact_ticket_get (fixture->store, 34, &back, &error));
  g_assert_no_error (error);
  g_assert_true (back.active);
  g_assert_cmpint (back.created_at, ==, 0);

  g_assert_true (dw_store_agent_fact_ticket_put (fixture->store, 34, &ticket, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_agent_fact_ticket_get (fixture->store, 34, &back, &error));
  g_assert_cmpint (back.created_at, ==, 10);
  g_assert_cmpint (back.team_id, ==, 7);
  g_assert_cmpint (back.assignee_id, ==, 11);
  g_assert_cmpint (back.solver_id, ==, 0);
  g_assert_true (back.active);

  /* overwritten; ids 0 stored as NULL */
  ticket = (DwStoreFactTicket) { .created_at = 10, .team_id = 0, .assignee_id = 0,
                                 .solver_id = 11, .active = FALSE };
  g_assert_true (dw_store_agent_fact_ticket_put (fixture->store, 34, &ticket, &error));
  g_assert_true (dw_store_agent_fact_ticket_get (fixture->store, 34, &back, &error));
  g_assert_cmpint (back.team_id, ==, 0);
  g_assert_cmpint (back.assignee_id, ==, 0);
  g_assert_cmpint (back.solver_id, ==, 11);
  g_assert_false (back.active);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM agent_fact_tickets "
                                                     "WHERE team_id IS NULL"), ==, 1);
}

static void
append_fact (const DwStoreAgentFactRow *row,
             gpointer                   data)
{
  g_ptr_array_add (data, g_strdup_printf ("%" G_GINT64_FORMAT ":%s:%s:%" G_GINT64_FORMAT ":%"
                                          G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                                          row->user_id, row->kind, row->target,
                                          row->calendar_seconds, row->business_seconds,
                                          row->replies, row->at));
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char **) a, *(char **) b);
}

static void
test_facts (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) facts = g_ptr_array_new_with_free_func (g_free);
  DwStoreAgentFact solved = { .audit_id = 105, .at = 20, .user_id = 11, .team_id = 7,
                              .ticket_id = 34, .kind = "solved", .timed = TRUE,
                              .calendar_seconds = 10, .business_seconds = 4, .replies = 2 };
  DwStoreAgentFact met = { .audit_id = 106, .at = 21, .user_id = 11, .team_id = 7,
                           .ticket_id = 34, .kind = "sla-met", .target = "resolution",
                           .replies = -1 };
  DwStoreAgentFact other = { .audit_id = 107, .at = 22, .user_id = 11, .team_id = 8,
                             .ticket_id = 32, .kind = "assigned", .replies = -1 };
  DwStoreAgentFact bad = { .audit_id = 108, .at = 22, .user_id = 11, .team_id = 7,
                           .ticket_id = 32, .kind = "nonsense", .replies = -1 };


  g_assert_true (dw_store_agent_fact_insert (fixture->store, &solved, &error));
  g_assert_true (dw_store_agent_fact_insert (fixture->store, &met, &error));
  g_assert_true (dw_store_agent_fact_insert (fixture->store, &other, &error));
  g_assert_true (dw_store_agent_load_insert (fixture->store, 105, 20, 11, 7, 34, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM agent_facts WHERE "
                                                     "kind = 'sla-met' AND calendar_seconds IS NULL "
                                                     "AND replies IS NULL"), ==, 1);

  /* a kind the table does not know */
  g_assert_false (dw_store_agent_fact_insert (fixture->store, &bad, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* the team's window: NULLs as 0 and "", the load too (it is a fact of the team) */
  g_assert_true (dw_store_agent_facts_in_window (fixture->store, 7, 20, 22, append_fact, facts,
                                                 &error));
  g_assert_no_error (error);
  g_ptr_array_sort (facts, compare_strings);
  g_assert_cmpuint (facts->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (facts, 0), ==, "11:load::0:0:0:20");
  g_assert_cmpstr (g_ptr_array_index (facts, 1), ==, "11:sla-met:resolution:0:0:0:21");
  g_assert_cmpstr (g_ptr_array_index (facts, 2), ==, "11:solved::10:4:2:20");

  /* [from, to): 21 excluded at its end; the empty case */
  g_ptr_array_set_size (facts, 0);
  g_assert_true (dw_store_agent_facts_in_window (fixture->store, 7, 0, 21, append_fact, facts,
                                                 &error));
  g_assert_cmpuint (facts->len, ==, 2);
  g_ptr_array_set_size (facts, 0);
  g_assert_true (dw_store_agent_facts_in_window (fixture->store, 8, 0, 22, append_fact, facts,
                                                 &error));
  g_assert_cmpuint (facts->len, ==, 0);
}

static void
test_replies_capacity (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;


  /* public replies of that agent up to the time, the note not counted */
  g_assert_cmpint (dw_store_agent_replies_count (fixture->store, 34, 11, 20), ==, 1);
  g_assert_cmpint (dw_store_agent_replies_count (fixture->store, 34, 11, 25), ==, 2);
  g_assert_cmpint (dw_store_agent_replies_count (fixture->store, 34, 13, 25), ==, 0);
  g_assert_cmpint (dw_store_agent_replies_count (fixture->store, 99, 11, 25), ==, 0);

  /* the same audit row again replaces its change */
  g_assert_true (dw_store_agent_capacity_put (fixture->store, 103, 11, 12, 5, 4, &error));
  g_assert_true (dw_store_agent_capacity_put (fixture->store, 103, 11, 12, 5, 3, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM agent_capacity"), ==,
                   1);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT after FROM agent_capacity"), ==, 3);
}

/* Figures */

static void
append_member (gint64      user_id,
               const char *display_name,
               gpointer    data)
{
  g_string_append_printf (data, "%" G_GINT64_FORMAT ":%s;", user_id, display_name);
}

static void
test_team (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) members = g_string_new (NULL);
  gint64 calendar_id = 0;


  g_assert_true (dw_store_agent_team_calendar (fixture->store, 7, &calendar_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (calendar_id, ==, dw_test_store_int (fixture->desk,
                                                       "SELECT min (id) FROM calendars"));
  g_assert_false (dw_store_agent_team_calendar (fixture->store, 99, &calendar_id, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* agents only (the disabled too), by name */
  g_assert_true (dw_store_agent_members (fixture->store, 7, 0, append_member, members, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (members->str, ==, "13:Bai;11:Li;12:Wang;");
  g_string_truncate (members, 0);
  g_assert_true (dw_store_agent_members (fixture->store, 7, 11, append_member, members, &error));
  g_assert_cmpstr (members->str, ==, "11:Li;");
  g_string_truncate (members, 0);
  g_assert_true (dw_store_agent_members (fixture->store, 8, 0, append_member, members, &error));
  g_assert_cmpstr (members->str, ==, "");
}

static void
append_survey (gint64   solver_id,
               int      value,
               gint64   at,
               gpointer data)
{
  g_ptr_array_add (data, g_strdup_printf ("%" G_GINT64_FORMAT ":%d:%" G_GINT64_FORMAT, solver_id,
                                          value, at));
}

static void
test_surveys (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  DwStoreFactTicket solved = { .created_at = 10, .team_id = 7, .assignee_id = 11,
                               .solver_id = 11, .active = FALSE };


  g_assert_true (dw_store_agent_fact_ticket_put (fixture->store, 34, &solved, &error));
  g_assert_true (dw_store_agent_fact_ticket_put (fixture->store, 33, &solved, &error));
  g_assert_no_error (error);
  dw_test_store_exec (fixture->desk,
    "INSERT INTO surveys (ticket_id, issued_at, expires_at, answered_at, rating) "
    "VALUES (34, 20, 1000, 30, 5);"
    "INSERT INTO surveys (ticket_id, issued_at, expires_at, answered_at, rating, voided_at) "
    "VALUES (34, 21, 1000, 31, 1, 40);"
    "INSERT INTO surveys (ticket_id, issued_at, expires_at) VALUES (33, 22, 1000);");

  /* answers not voided in the window */
  g_assert_true (dw_store_agent_survey_answers (fixture->store, 7, 0, 100, append_survey, rows,
                                                &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (rows, 0), ==, "11:5:30");

  /* issued, answered or not (the voided one was issued too) */
  g_ptr_array_set_size (rows, 0);
  g_assert_true (dw_store_agent_surveys_issued (fixture->store, 7, 0, 100, append_survey, rows,
                                                &error));
  g_assert_no_error (error);
  g_ptr_array_sort (rows, compare_strings);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (rows, 0), ==, "11:0:22");
  g_assert_cmpstr (g_ptr_array_index (rows, 1), ==, "11:1:20");
  g_assert_cmpstr (g_ptr_array_index (rows, 2), ==, "11:1:21");

  /* the empty case */
  g_ptr_array_set_size (rows, 0);
  g_assert_true (dw_store_agent_surveys_issued (fixture->store, 8, 0, 100, append_survey, rows,
                                                &error));
  g_assert_cmpuint (rows->len, ==, 0);
}

static void
append_mark (gint64                at,
             DwStoreAgentMarkKind  kind,
             int                   value,
             gpointer              data)
{
  g_string_append_printf (data, "%" G_GINT64_FORMAT ":%d:%d;", at, kind, value);
}

static void
test_time_marks (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) marks = g_string_new (NULL);
  DwStoreAgentTimeStart start;


  g_assert_true (dw_store_agent_load_insert (fixture->store, 201, 60, 11, 7, 31, +1, &error));
  g_assert_true (dw_store_agent_load_insert (fixture->store, 202, 120, 11, 7, 33, +1, &error));
  g_assert_true (dw_store_agent_load_insert (fixture->store, 203, 200, 11, 7, 31, -1, &error));
  g_assert_true (dw_store_agent_capacity_put (fixture->store, 204, 11, 180, 5, 3, &error));
  g_assert_no_error (error);

  /* at 100: online since 50, one ticket, and the capacity before the change after it */
  g_assert_true (dw_store_agent_time_marks (fixture->store, 11, 100, 250, &start, append_mark,
                                            marks, &error));
  g_assert_no_error (error);
  g_assert_true (start.online);
  g_assert_cmpint (start.load, ==, 1);
  g_assert_cmpint (start.capacity, ==, 5);
  /* presence by (at, id), then load, then capacity */
  g_assert_cmpstr (marks->str, ==, "150:0:0;150:0:1;120:1:1;200:1:-1;180:2:3;");

  /* after every change: the last change says; nothing in the window */
  g_string_truncate (marks, 0);
  g_assert_true (dw_store_agent_time_marks (fixture->store, 11, 400, 500, &start, append_mark,
                                            marks, &error));
  g_assert_false (start.online);
  g_assert_cmpint (start.load, ==, 1);
  g_assert_cmpint (start.capacity, ==, 3);
  g_assert_cmpstr (marks->str, ==, "");

  /* an agent with no history: offline, no load, its capacity */
  g_assert_true (dw_store_agent_time_marks (fixture->store, 13, 0, 500, &start, append_mark,
                                            marks, &error));
  g_assert_false (start.online);
  g_assert_cmpint (start.load, ==, 0);
  g_assert_cmpint (start.capacity, ==, 5);
  g_assert_cmpstr (marks->str, ==, "");
}

/* Each agent now, and a lead's moves */

static void
append_status (const DwStoreAgentStatus *row,
               gpointer                  data)
{
  g_string_append_printf (data, "%" G_GINT64_FORMAT ":%s:%s:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT
                          ":%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%"
                          G_GINT64_FORMAT ":%" G_GINT64_FORMAT ";", row->user_id,
                          row->display_name, row->presence, row->presence_since, row->capacity,
                          row->load, row->oldest_waiting_since, row->oldest_waiting_ticket_id,
                          row->at_risk, row->breached);
}

static void
test_status (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) rows = g_string_new (NULL);


  /* enabled agents by name; Li's load counts every active ticket, its oldest waiting the
   * open or new one updated first */
  g_assert_true (dw_store_agent_status (fixture->store, 7, 0, append_status, rows, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rows->str, ==,
                   "13:Bai:offline:0:5:1:60:35:0:0;"
                   "11:Li:online:100:3:3:40:32:1:0;");
  g_string_truncate (rows, 0);
  g_assert_true (dw_store_agent_status (fixture->store, 7, 13, append_status, rows, &error));
  g_assert_cmpstr (rows->str, ==, "13:Bai:offline:0:5:1:60:35:0:0;");

  /* nobody waiting: 0 and 0 */
  dw_test_store_exec (fixture->desk, "UPDATE tickets SET status = 'pending' WHERE id = 35");
  g_string_truncate (rows, 0);
  g_assert_true (dw_store_agent_status (fixture->store, 7, 13, append_status, rows, &error));
  g_assert_cmpstr (rows->str, ==, "13:Bai:offline:0:5:1:0:0:0:0;");
  g_string_truncate (rows, 0);
  g_assert_true (dw_store_agent_status (fixture->store, 8, 0, append_status, rows, &error));
  g_assert_cmpstr (rows->str, ==, "");

  /* a breach still running (a breached target not met) counts; one met late does not */
  dw_test_store_exec (fixture->desk,
    "UPDATE tickets SET sla_state = 'breached', sla = '[{\"target\":\"first-response\","
    "\"state\":\"met\",\"met_at\":\"2026-01-01T00:00:00Z\"},{\"target\":\"resolution\","
    "\"state\":\"breached\",\"met_at\":null}]' WHERE id = 33;"
    "UPDATE tickets SET sla_state = 'breached', sla = '[{\"target\":\"resolution\","
    "\"state\":\"breached\",\"met_at\":\"2026-01-01T00:00:00Z\"}]' WHERE id = 32;");
  g_string_truncate (rows, 0);
  g_assert_true (dw_store_agent_status (fixture->store, 7, 11, append_status, rows, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rows->str, ==, "11:Li:online:100:3:3:40:32:1:1;");
}

static char *
pairs_text (GArray *pairs)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < pairs->len; i++)
    g_string_append_printf (text, "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ";",
                            ((gint64 *) pairs->data)[2 * i], ((gint64 *) pairs->data)[2 * i + 1]);
  return g_string_free (text, FALSE);
}

static void
test_tickets_move (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) waiting = NULL;
  g_autoptr(GArray) at_risk = NULL;
  g_autoptr(GArray) team = NULL;
  g_autoptr(GArray) none = NULL;
  g_autofree char *text = NULL;


  waiting = dw_store_agent_tickets (fixture->store, 11, DW_STORE_AGENT_TICKETS_WAITING, 0, &error);
  g_assert_no_error (error);
  text = pairs_text (waiting);
  g_assert_cmpstr (text, ==, "31:3;32:1;");
  g_clear_pointer (&text, g_free);
  at_risk = dw_store_agent_tickets (fixture->store, 11, DW_STORE_AGENT_TICKETS_AT_RISK, 0, &error);
  text = pairs_text (at_risk);
  g_assert_cmpstr (text, ==, "31:3;");
  g_clear_pointer (&text, g_free);
  /* with a running breach too */
  dw_test_store_exec (fixture->desk,
    "UPDATE tickets SET sla_state = 'breached', sla = '[{\"target\":\"resolution\","
    "\"state\":\"breached\"}]' WHERE id = 33");
  g_clear_pointer (&at_risk, g_array_unref);
  at_risk = dw_store_agent_tickets (fixture->store, 11, DW_STORE_AGENT_TICKETS_AT_RISK, 0, &error);
  g_assert_no_error (error);
  text = pairs_text (at_risk);
  g_assert_cmpstr (text, ==, "31:3;33:1;");
  g_clear_pointer (&text, g_free);
  team = dw_store_agent_tickets (fixture->store, 11, DW_STORE_AGENT_TICKETS_TEAM_WAITING, 8,
                                 &error);
  text = pairs_text (team);
  g_assert_cmpstr (text, ==, "32:1;");
  none = dw_store_agent_tickets (fixture->store, 12, DW_STORE_AGENT_TICKETS_WAITING, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);

  g_assert_true (dw_store_agent_move (fixture->store, 11, 7, 8, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM team_members WHERE "
                                                     "user_id = 11 AND team_id = 8 AND is_lead = 0"),
                   ==, 1);
  g_assert_cmpint (dw_test_store_int (fixture->desk, "SELECT count (*) FROM team_members WHERE "
                                                     "user_id = 11 AND team_id = 7"), ==, 0);

  /* into a team it is in already (Bai to 7 from 8, where it is not): a constraint */
  g_assert_false (dw_store_agent_move (fixture->store, 13, 8, 7, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
}

static void
append_ticket (JsonObject *ticket,
               gpointer    data)
{
  g_string_append_printf (data, "%" G_GINT64_FORMAT ";", json_object_get_int_member (ticket, "id"));
  json_object_unref (ticket);
}

static void
test_drill (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autoptr(GArray) teams = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 team8 = 8;
  DwStoreAgentFact fact = { .audit_id = 300, .user_id = 11, .team_id = 7, .kind = "assigned",
                            .replies = -1 };
  DwStoreAgentDrill drill = { .user_id = 11, .team_id = 7, .kind = "assigned", .from = 0,
                              .to = 1000, .limit = 10, .viewer_all = TRUE };

  /* the tickets' objects come from the tickets' operations */

  for (gint64 id = 31; id <= 35; id++)
    {
      fact.ticket_id = id;
      fact.at = 100 + id;
      g_assert_true (dw_store_agent_fact_insert (fixture->store, &fact, &error));
    }
  fact.kind = "sla-met";
  fact.target = "resolution";
  fact.ticket_id = 34;
  g_assert_true (dw_store_agent_fact_insert (fixture->store, &fact, &error));
  g_assert_no_error (error);
  /* ticket 32 of team 8 for a viewer who is not its assignee */
  dw_test_store_exec (fixture->desk, "UPDATE tickets SET assignee_id = 13 WHERE id = 32");

  /* newest first, at most the limit, before the cursor */
  g_assert_true (dw_store_agent_drill (fixture->store, &drill, append_ticket, ids, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ids->str, ==, "35;34;33;32;31;");
  g_string_truncate (ids, 0);
  drill.limit = 2;
  drill.before_id = 34;
  g_assert_true (dw_store_agent_drill (fixture->store, &drill, append_ticket, ids, &error));
  g_assert_cmpstr (ids->str, ==, "33;32;");

  /* a window, a target */
  g_string_truncate (ids, 0);
  drill = (DwStoreAgentDrill) { .user_id = 11, .team_id = 7, .kind = "assigned", .from = 133,
                                .to = 135, .limit = 10, .viewer_all = TRUE };
  g_assert_true (dw_store_agent_drill (fixture->store, &drill, append_ticket, ids, &error));
  g_assert_cmpstr (ids->str, ==, "34;33;");
  g_string_truncate (ids, 0);
  drill = (DwStoreAgentDrill) { .user_id = 11, .team_id = 7, .kind = "sla-met",
                                .target = "resolution", .from = 0, .to = 1000, .limit = 10,
                                .viewer_all = TRUE };
  g_assert_true (dw_store_agent_drill (fixture->store, &drill, append_ticket, ids, &error));
  g_assert_cmpstr (ids->str, ==, "34;");
  g_string_truncate (ids, 0);
  drill.target = "first-response";
  g_assert_true (dw_store_agent_drill (fixture->store, &drill, append_ticket, ids, &error));
  g_assert_cmpstr (ids->str, ==, "");

  /* what the viewer sees: its own tickets (Bai: 32, 35), and those of its teams' (a lead of 8) */
  drill = (DwStoreAgentDrill) { .user_id = 11, .team_id = 7, .kind = "assigned", .from = 0,
                                .to = 1000, .limit = 10, .viewer_id = 13 };
  g_assert_true (dw_store_agent_drill (fixture->store, &drill, append_ticket, ids, &error));
  g_assert_cmpstr (ids->str, ==, "35;32;");
  g_string_truncate (ids, 0);
  g_array_append_val (teams, team8);
  drill.viewer_id = 14;
  drill.viewer_team_ids = teams;
  g_assert_true (dw_store_agent_drill (fixture->store, &drill, append_ticket, ids, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ids->str, ==, "32;");
}

int
main (int   argc,
      char *argv[])
{
  static const DwTestStoreCase tests[] = {
    { "audit-read", test_audit_read },
    { "watermark", test_watermark },
    { "fact-tickets", test_fact_tickets },
    { "facts", test_facts },
    { "replies-capacity", test_replies_capacity },
    { "team", test_team },
    { "surveys", test_surveys },
    { "time-marks", test_time_marks },
    { "status", test_status },
    { "tickets-move", test_tickets_move },
    { "drill", test_drill },
  };

  g_test_init (&argc, &argv, NULL);

  dw_test_store_add_cases ("/store", "agents", seed_sql, tests, G_N_ELEMENTS (tests));
  return g_test_run ();
}
