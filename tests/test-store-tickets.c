/* test-store-tickets.c: the named operations of the store layer on tickets, without HTTP.
 *
 * The event log's and the audit trail's operations too (the create path writes both).
 *
 * Written against the op tables (store/dw-store-*.h), not against SQLite: every test runs
 * once per backend (tests/dw-test-store.h: a fresh desk, seeded with a team, users, a customer
 * and routing rules), under /store/<backend>/.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "dw-enums.h"
#include "dw-json.h"
#include "dw-store.h"
#include "store/dw-store-directory.h"
#include "store/dw-store-events.h"
#include "store/dw-store-routing.h"
#include "store/dw-store-tickets.h"
#include "store/dw-store-tx.h"
#include "store/pg/dw-pg-events.h"
#include "dw-test-store.h"

/* What the seed of every backend holds. */
typedef struct
{
  gint64 team_id;
  gint64 user_id;
  gint64 disabled_user_id;
  gint64 customer_id;
} Seed;

static const Seed seed = { 7, 11, 12, 21 };

typedef DwTestStoreFixture Fixture;

/* Plain INSERTs with their ids, read alike by both backends. */
static const char seed_sql[] =
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (7, 'Returns', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (11, 'li', 'Li', 'agent', 0, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, disabled, "
  "created_at) VALUES (12, 'wang', 'Wang', 'agent', 0, 1, 0);"
  "INSERT INTO customers (id, name, created_at) VALUES (21, 'Zhao', 0);"
  "INSERT INTO business_types (key, name, team_id) VALUES ('returns', 'Returns', 7);"
  "INSERT INTO business_types (key, name, team_id) VALUES ('orphan', 'Orphan', 7);"
  "INSERT INTO routing_rules (position, keyword, business_type) "
  "VALUES (2, 'refund', 'returns');"
  "INSERT INTO routing_rules (position, keyword, business_type) "
  "VALUES (1, '退货', 'returns');"
  "INSERT INTO settings (key, value) VALUES ('intake.default_team_id', '7');";

/* Fixture */

static gint64
insert_ticket (Fixture    *fixture,
               const char *subject)
{
  g_autoptr(GError) error = NULL;
  DwStoreTicketNew ticket = {
    .subject = subject,
    .body = "Der Karton war nass.",
    .channel = DW_CHANNEL_EMAIL,
    .business_type = "returns",
    .priority = DW_PRIORITY_HIGH,
    .team_id = seed.team_id,
    .customer_id = seed.customer_id,
    .order_number = "SO-1001",
    .tags = "[\"vip\"]",
    .created_at = 1700000000,
  };
  gint64 id = dw_store_ticket_insert (fixture->store, &ticket, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* Tests */

static void
test_insert_load (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStoreTicketRow) row = { 0 };
  g_autoptr(JsonObject) json = NULL;
  gint64 id, assignee = -1;

  id = insert_ticket (fixture, "退货：箱子湿了");
  g_assert_true (dw_store_ticket_load (fixture->store, id, &row, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (row.subject, ==, "退货：箱子湿了");
  g_assert_cmpstr (row.business_type, ==, "returns");
  g_assert_cmpint (row.priority, ==, DW_PRIORITY_HIGH);
  g_assert_cmpint (row.status, ==, DW_STATUS_NEW);
  g_assert_cmpint (row.team_id, ==, seed.team_id);
  g_assert_cmpint (row.assignee_id, ==, 0);
  g_assert_cmpint (row.customer_id, ==, seed.customer_id);
  g_assert_cmpstr (row.order_number, ==, "SO-1001");
  g_assert_cmpstr (row.tags, ==, "[\"vip\"]");
  g_assert_cmpint (row.first_response_at, ==, 0);
  g_assert_cmpint (row.solved_at, ==, 0);
  g_assert_cmpint (row.csat, ==, 0);
  g_assert_null (row.csat_comment);
  g_assert_cmpint (row.version, ==, 1);

  g_assert_true (dw_store_ticket_get_assignee (fixture->store, id, &assignee, &error));
  g_assert_no_error (error);
  g_assert_cmpint (assignee, ==, 0);

  /* The object of docs/api.md, from the same row. */
  json = dw_store_ticket_load_json (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (json, "channel"), ==, "email");
  g_assert_cmpstr (json_object_get_string_member (json, "body"), ==, "Der Karton war nass.");
  g_assert_cmpstr (json_object_get_string_member (json, "created_at"), ==,
                   "2023-11-14T22:13:20Z");
  g_assert_cmpstr (json_object_get_string_member (json, "updated_at"), ==,
                   "2023-11-14T22:13:20Z");

  /* A ticket with nothing optional: NULLs come back as 0 / NULL, tags as []. */
  {
    g_auto(DwStoreTicketRow) bare = { 0 };
    DwStoreTicketNew ticket = { .subject = "bare", .channel = DW_CHANNEL_WEB,
                                .priority = DW_PRIORITY_NORMAL, .created_at = 1 };
    gint64 bare_id = dw_store_ticket_insert (fixture->store, &ticket, &error);

    g_assert_no_error (error);
    g_assert_true (dw_store_ticket_load (fixture->store, bare_id, &bare, &error));
    g_assert_null (bare.business_type);
    g_assert_null (bare.order_number);
    g_assert_cmpint (bare.team_id, ==, 0);
    g_assert_cmpint (bare.customer_id, ==, 0);
    g_assert_cmpstr (bare.tags, ==, "[]");
  }
}

static void
test_update (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStoreTicketRow) row = { 0 };
  g_auto(DwStoreTicketRow) again = { 0 };
  g_autoptr(JsonObject) json = NULL;
  gint64 id = insert_ticket (fixture, "refund please");

  g_assert_true (dw_store_ticket_load (fixture->store, id, &row, &error));
  g_free (row.subject);
  row.subject = g_strdup ("refund, please");
  row.status = DW_STATUS_SOLVED;
  row.assignee_id = seed.user_id;
  row.first_response_at = 1700000100;
  row.solved_at = 1700000200;
  row.csat = 4;
  row.csat_comment = g_strdup ("快");
  g_clear_pointer (&row.order_number, g_free);
  g_assert_true (dw_store_ticket_update (fixture->store, id, &row, 1700000300, &error));
  g_assert_no_error (error);

  g_assert_true (dw_store_ticket_load (fixture->store, id, &again, &error));
  g_assert_cmpstr (again.subject, ==, "refund, please");
  g_assert_cmpint (again.status, ==, DW_STATUS_SOLVED);
  g_assert_cmpint (again.assignee_id, ==, seed.user_id);
  g_assert_cmpint (again.first_response_at, ==, 1700000100);
  g_assert_cmpint (again.solved_at, ==, 1700000200);
  g_assert_cmpint (again.csat, ==, 4);
  g_assert_cmpstr (again.csat_comment, ==, "快");
  g_assert_null (again.order_number);
  g_assert_cmpint (again.version, ==, 2);

  g_assert_true (dw_store_ticket_set_escalation_level (fixture->store, id, 2, &error));
  g_assert_no_error (error);
  json = dw_store_ticket_load_json (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json, "escalation_level"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json, "version"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json, "updated_at"), ==,
                   "2023-11-14T22:18:20Z");
}

/* The optimistic lock: an update of a version the row has left writes nothing. */
static void
test_update_conflict (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStoreTicketRow) row = { 0 };
  g_auto(DwStoreTicketRow) again = { 0 };
  gint64 id = insert_ticket (fixture, "twice");

  g_assert_true (dw_store_ticket_load (fixture->store, id, &row, &error));
  g_assert_true (dw_store_ticket_update (fixture->store, id, &row, 2, &error));
  g_assert_no_error (error);

  /* row.version is still 1. */
  row.priority = DW_PRIORITY_URGENT;
  g_assert_false (dw_store_ticket_update (fixture->store, id, &row, 3, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  g_assert_true (dw_store_ticket_load (fixture->store, id, &again, &error));
  g_assert_cmpint (again.version, ==, 2);
  g_assert_cmpint (again.priority, ==, DW_PRIORITY_HIGH);

  /* A ticket that is not there cannot be at any version either. */
  g_assert_false (dw_store_ticket_update (fixture->store, id + 1000, &again, 3, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONFLICT);
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStoreTicketRow) row = { 0 };
  JsonObject *json;
  gint64 assignee = 0;
  gboolean disabled = FALSE;

  g_assert_false (dw_store_ticket_load (fixture->store, 4242, &row, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_assert_null (row.subject);
  g_clear_error (&error);

  json = dw_store_ticket_load_json (fixture->store, 4242, &error);
  g_assert_null (json);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (dw_store_ticket_get_assignee (fixture->store, 4242, &assignee, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  json = dw_store_comment_load_json (fixture->store, 4242, &error);
  g_assert_null (json);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (dw_store_user_get_disabled (fixture->store, 4242, &disabled, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
}

/* A row another one must exist for, or a value out of range: DW_STORE_ERROR_CONSTRAINT, and
 * nothing written. */
static void
test_constraint (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStoreTicketRow) row = { 0 };
  DwStoreTicketNew no_team = { .subject = "lost", .channel = DW_CHANNEL_WEB,
                               .priority = DW_PRIORITY_NORMAL, .team_id = 999,
                               .created_at = 1 };
  DwStoreTicketNew no_customer = { .subject = "lost", .channel = DW_CHANNEL_WEB,
                                   .priority = DW_PRIORITY_NORMAL, .customer_id = 999,
                                   .created_at = 1 };
  DwStoreCommentNew no_ticket = { .ticket_id = 999, .author_kind = DW_AUTHOR_SYSTEM,
                                  .is_public = TRUE, .body = "hello", .created_at = 1 };
  gint64 id;

  g_assert_cmpint (dw_store_ticket_insert (fixture->store, &no_team, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  g_assert_cmpint (dw_store_ticket_insert (fixture->store, &no_customer, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  g_assert_cmpint (dw_store_comment_insert (fixture->store, &no_ticket, &error), ==, 0);
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* A rating is 1 to 5, and an assignee a user. */
  id = insert_ticket (fixture, "rated");
  g_assert_true (dw_store_ticket_load (fixture->store, id, &row, &error));
  row.csat = 9;
  g_assert_false (dw_store_ticket_update (fixture->store, id, &row, 2, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  row.csat = 0;
  row.assignee_id = 999;
  g_assert_false (dw_store_ticket_update (fixture->store, id, &row, 2, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  dw_store_ticket_row_clear (&row);
  g_assert_true (dw_store_ticket_load (fixture->store, id, &row, &error));
  g_assert_cmpint (row.version, ==, 1);
  g_assert_cmpint (row.csat, ==, 0);
  g_assert_cmpint (row.assignee_id, ==, 0);
}

static void
test_comment (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) json = NULL;
  gint64 ticket_id = insert_ticket (fixture, "with a note");
  DwStoreCommentNew comment = {
    .ticket_id = ticket_id,
    .author_kind = DW_AUTHOR_AGENT,
    .author_id = seed.user_id,
    .is_public = FALSE,
    .body = "内部备注",
    .created_at = 1700000050,
  };
  gint64 id = dw_store_comment_insert (fixture->store, &comment, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  json = dw_store_comment_load_json (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json, "ticket_id"), ==, ticket_id);
  g_assert_cmpstr (json_object_get_string_member (json, "author_kind"), ==, "agent");
  g_assert_cmpint (json_object_get_int_member (json, "author_id"), ==, seed.user_id);
  g_assert_false (json_object_get_boolean_member (json, "public"));
  g_assert_cmpstr (json_object_get_string_member (json, "body"), ==, "内部备注");
}

/* The operations run in the caller's transaction: none commits on its own. */
static void
test_in_callers_transaction (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DwStoreTicketRow) row = { 0 };
  gint64 id;

  g_assert_true (dw_test_store_begin (fixture->desk, &error));
  g_assert_no_error (error);
  id = insert_ticket (fixture, "never committed");
  dw_test_store_rollback (fixture->desk);

  g_assert_false (dw_store_ticket_load (fixture->store, id, &row, &error));
  g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
}

static void
test_routing (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rules = NULL;
  g_autofree char *team_name = NULL;
  gint64 team_id = -1;

  rules = dw_store_routing_rules_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rules->len, ==, 2);
  /* By position, not by insertion. */
  g_assert_cmpstr (g_array_index (rules, DwStoreRoutingRule, 0).keyword, ==, "退货");
  g_assert_cmpstr (g_array_index (rules, DwStoreRoutingRule, 1).keyword, ==, "refund");
  g_assert_cmpstr (g_array_index (rules, DwStoreRoutingRule, 1).business_type, ==, "returns");

  g_assert_true (dw_store_business_type_exists (fixture->store, "returns", &error));
  g_assert_false (dw_store_business_type_exists (fixture->store, "presales", &error));
  g_assert_no_error (error);

  g_assert_true (dw_store_business_type_team (fixture->store, "returns", &team_id, &team_name,
                                              &error));
  g_assert_cmpint (team_id, ==, seed.team_id);
  g_assert_cmpstr (team_name, ==, "Returns");
  g_assert_true (dw_store_business_type_team (fixture->store, "presales", &team_id, &team_name,
                                              &error));
  g_assert_cmpint (team_id, ==, 0);
  g_assert_no_error (error);

  g_assert_true (dw_store_intake_default_team (fixture->store, &team_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (team_id, ==, seed.team_id);
}

static void
test_directory (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gboolean disabled = TRUE;

  g_assert_true (dw_store_entity_exists (fixture->store, DW_STORE_ENTITY_TEAM,
                                         seed.team_id));
  g_assert_true (dw_store_entity_exists (fixture->store, DW_STORE_ENTITY_USER,
                                         seed.user_id));
  g_assert_true (dw_store_entity_exists (fixture->store, DW_STORE_ENTITY_CUSTOMER,
                                         seed.customer_id));
  g_assert_false (dw_store_entity_exists (fixture->store, DW_STORE_ENTITY_TEAM, 999));
  g_assert_false (dw_store_entity_exists (fixture->store, DW_STORE_ENTITY_USER,
                                          seed.customer_id + 1000));
  g_assert_false (dw_store_entity_exists (fixture->store, DW_STORE_ENTITY_CUSTOMER, 0));

  g_assert_true (dw_store_user_get_disabled (fixture->store, seed.user_id, &disabled,
                                             &error));
  g_assert_false (disabled);
  g_assert_true (dw_store_user_get_disabled (fixture->store, seed.disabled_user_id,
                                             &disabled, &error));
  g_assert_true (disabled);

  g_assert_true (dw_store_user_set_last_assigned (fixture->store, seed.user_id,
                                                  1700000000, &error));
  g_assert_no_error (error);
}

static void
collect_event_cb (const DwStoreEventRow *row,
                  gpointer               user_data)
{
  GString *out = user_data;

  g_string_append_printf (out, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s %" G_GINT64_FORMAT
                          " %" G_GINT64_FORMAT " %s;", row->seq, row->at, row->type,
                          row->team_id, row->user_id, row->data);
}

static void
test_events (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) read = g_string_new (NULL);
  gint64 last = -1, first = -1, first_at = -1, seq[4];

  g_assert_true (dw_store_events_bounds (fixture->store, &last, &first, &first_at, &error));
  g_assert_no_error (error);
  g_assert_cmpint (last, ==, 0);
  g_assert_cmpint (first, ==, 0);
  g_assert_cmpint (first_at, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (seq); i++)
    {
      seq[i] = dw_store_event_insert (fixture->store, 100 + i, "ticket.created",
                                      i % 2 ? seed.team_id : 0,
                                      i % 2 ? 0 : seed.user_id, "{\"id\":1}", &error);
      g_assert_no_error (error);
      g_assert_cmpint (seq[i], >, i > 0 ? seq[i - 1] : 0);
    }

  /* Between two seqs, at most a limit. */
  g_assert_true (dw_store_events_read (fixture->store, seq[0], seq[3], 2, collect_event_cb, read,
                                       &error));
  g_assert_no_error (error);
  g_assert_cmpstr (read->str, ==, "2 101 ticket.created 7 0 {\"id\":1};"
                                  "3 102 ticket.created 0 11 {\"id\":1};");

  /* Keep the last two, then everything before 200: the last seq stays known. */
  g_assert_true (dw_store_events_prune (fixture->store, seq[3], 2, 0, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_events_bounds (fixture->store, &last, &first, &first_at, &error));
  g_assert_cmpint (last, ==, seq[3]);
  g_assert_cmpint (first, ==, seq[2]);
  g_assert_cmpint (first_at, ==, 102);

  g_assert_true (dw_store_events_prune (fixture->store, seq[3], 100, 200, &error));
  g_assert_true (dw_store_events_bounds (fixture->store, &last, &first, &first_at, &error));
  g_assert_no_error (error);
  g_assert_cmpint (last, ==, seq[3]);
  g_assert_cmpint (first, ==, 0);
}

/* On PostgreSQL an event gets its seq from event_counter and is notified to the listeners
 * (dw_pg_events_append, the one way this backend writes events). */
static void
test_events_pg_sequence (void)
{
  g_autoptr(DwTestStore) desk = dw_test_store_open ("postgresql");
  g_autoptr(GError) error = NULL;
  gint64 first, second;

  g_assert_true (dw_pg_events_listen (desk->conn, &error));
  g_assert_no_error (error);

  g_assert_true (dw_test_store_begin (desk, &error));
  first = dw_store_event_insert (desk->store, 100, "ticket.created", 0, 0, "{}", &error);
  g_assert_no_error (error);
  dw_test_store_rollback (desk);

  /* A rollback gives its seq back, and says nothing. */
  g_assert_cmpint (dw_pg_events_take_notified (desk->conn, &error), ==, 0);
  g_assert_true (dw_test_store_begin (desk, &error));
  second = dw_store_event_insert (desk->store, 101, "ticket.created", 0, 0, "{}", &error);
  g_assert_no_error (error);
  g_assert_true (dw_test_store_commit (desk, &error));
  g_assert_no_error (error);

  g_assert_cmpint (second, ==, first);
  g_assert_cmpint (dw_test_store_int (desk, "SELECT last_seq FROM event_counter"), ==, second);
  g_assert_cmpint (dw_pg_events_take_notified (desk->conn, &error), ==, second);
  g_assert_no_error (error);
}

/* Through the tx ops, a transaction's events are numbered at its COMMIT: the event counter's
 * row is not locked while the transaction runs, so another connection (instance) appends and
 * commits meanwhile without waiting (its statement_timeout turns a wait into a failure), and
 * the seqs follow the commit order, not the append order.  A savepoint rolled back takes its
 * event with it. */
static void
test_events_pg_numbered_at_commit (void)
{
  g_autoptr(DwTestStore) a = dw_test_store_open ("postgresql");
  g_autoptr(GError) error = NULL;
  gint64 a_first, a_dropped, a_second, b_key, b_seq;

  {
    g_autoptr(DwTestStore) b = dw_test_store_open_second (a);

    g_assert_true (dw_store_tx_begin (a->store, &error));
    g_assert_no_error (error);
    a_first = dw_store_event_insert (a->store, 100, "ticket.created", 0, 0, "{\"a\":1}",
                                     &error);
    g_assert_no_error (error);
    g_assert_true (dw_store_tx_savepoint (a->store, &error));
    a_dropped = dw_store_event_insert (a->store, 101, "ticket.updated", 0, 0, "{\"a\":0}",
                                       &error);
    g_assert_no_error (error);
    dw_store_tx_rollback_savepoint (a->store);
    a_second = dw_store_event_insert (a->store, 102, "ticket.updated", 0, 0, "{\"a\":2}",
                                      &error);
    g_assert_no_error (error);
    g_assert_cmpint (a_first, >, 0);
    g_assert_cmpint (a_dropped, >, a_first);
    g_assert_cmpint (a_second, >, a_first);

    /* A's transaction is open: B neither waits for it nor sees its events. */
    dw_test_store_exec (b, "SET statement_timeout = '5s'");
    g_assert_true (dw_store_tx_begin (b->store, &error));
    g_assert_no_error (error);
    b_key = dw_store_event_insert (b->store, 200, "ticket.created", 0, 0, "{\"b\":1}", &error);
    g_assert_no_error (error);
    g_assert_cmpint (b_key, >, 0);
    g_assert_true (dw_store_tx_commit (b->store, &error));
    g_assert_no_error (error);
    b_seq = dw_store_event_committed_seq (b->store, b_key);
    g_assert_cmpint (b_seq, ==, 1);
    g_assert_cmpint (dw_test_store_int (b, "SELECT last_seq FROM event_counter"), ==, 1);
  }

  g_assert_true (dw_store_tx_commit (a->store, &error));
  g_assert_no_error (error);

  /* Committed second: A's two events come after B's, in A's append order. */
  g_assert_cmpint (dw_store_event_committed_seq (a->store, a_first), ==, 2);
  g_assert_cmpint (dw_store_event_committed_seq (a->store, a_second), ==, 3);
  g_assert_cmpint (dw_test_store_int (a, "SELECT last_seq FROM event_counter"), ==, 3);
  g_assert_cmpint (dw_test_store_int (a, "SELECT count (*) FROM events"), ==, 3);
  g_assert_cmpint (dw_test_store_int (a, "SELECT seq FROM events WHERE data = '{\"b\":1}'"),
                   ==, 1);
  g_assert_cmpint (dw_test_store_int (a, "SELECT seq FROM events WHERE data = '{\"a\":1}'"),
                   ==, 2);
  g_assert_cmpint (dw_test_store_int (a, "SELECT seq FROM events WHERE data = '{\"a\":2}'"),
                   ==, 3);

  /* A rollback writes nothing and takes no number. */
  g_assert_true (dw_store_tx_begin (a->store, &error));
  dw_store_event_insert (a->store, 300, "ticket.created", 0, 0, "{}", &error);
  g_assert_no_error (error);
  dw_store_tx_rollback (a->store);
  g_assert_cmpint (dw_test_store_int (a, "SELECT last_seq FROM event_counter"), ==, 3);
  g_assert_cmpint (dw_test_store_int (a, "SELECT count (*) FROM events"), ==, 3);
}

static void
test_audit (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 ticket_id = insert_ticket (fixture, "audited");
  DwStoreAuditNew audit = {
    .at = 1700000000,
    .actor_id = seed.user_id,
    .entity = "ticket",
    .entity_id = ticket_id,
    .action = "updated",
    .field = "priority",
    .before = "\"normal\"",
    .after = "\"high\"",
    .reason = "customer asked",
  };
  DwStoreAuditNew system = { .at = 1700000001, .entity = "ticket", .entity_id = ticket_id,
                             .action = "created" };

  g_assert_true (dw_store_audit_insert (fixture->store, &audit, &error));
  g_assert_no_error (error);
  g_assert_true (dw_store_audit_insert (fixture->store, &system, &error));
  g_assert_no_error (error);
}

static void
test_transaction_state (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (dw_store_in_transaction (fixture->store));
  g_assert_true (dw_test_store_begin (fixture->desk, &error));
  g_assert_true (dw_store_in_transaction (fixture->store));
  dw_test_store_rollback (fixture->desk);
  g_assert_false (dw_store_in_transaction (fixture->store));
}

/* The seed wrote ids: a row inserted without one comes after them (PostgreSQL's identities were
 * set past the seed), and the schema is the same on every backend. */
static void
test_seed (gconstpointer data)
{
  g_autoptr(DwTestStore) desk = dw_test_store_open_seeded (data, seed_sql);

  g_assert_cmpint (dw_test_store_int (desk, "SELECT count (*) FROM users"), ==, 2);
  dw_test_store_exec (desk, "INSERT INTO users (username, display_name, role, presence_since, "
                            "created_at) VALUES ('zhou', 'Zhou', 'agent', 0, 0)");
  g_assert_cmpint (dw_test_store_int (desk, "SELECT id FROM users WHERE username = 'zhou'"), ==, 13);
  dw_test_store_exec (desk, "INSERT INTO teams (name, calendar_id, created_at) "
                            "VALUES ('Logistics', (SELECT min (id) FROM calendars), 0)");
  g_assert_cmpint (dw_test_store_int (desk, "SELECT max (id) FROM teams"), ==, 8);
}

/* Tickets in every breach (none, running, settled), with NULLs, JSON and text beyond ASCII, and
 * a comment of each visibility: written alike on both backends. */
static const char json_seed_sql[] =
  "INSERT INTO tickets (id, subject, body, channel, business_type, priority, status, team_id, "
  "assignee_id, customer_id, order_number, tags, created_at, updated_at, first_response_at, "
  "solved_at, version, escalation_level, sla_state, sla, next_sla_at, csat, csat_comment) "
  "VALUES (31, '退货：箱子湿了', 'Der Karton war nass.', 'email', 'returns', 'high', 'open', 7, "
  "11, 21, 'SO-1001', '[\"vip\",\"退货\"]', 1700000000, 1700000300, 1700000100, NULL, 3, 1, "
  "'breached', '[{\"target\":\"first-response\",\"state\":\"met\",\"met_at\":\"x\"},"
  "{\"target\":\"resolution\",\"state\":\"breached\",\"met_at\":null,"
  "\"target_minutes\":60}]', 1700003600, NULL, NULL);"
  "INSERT INTO tickets (id, subject, channel, priority, status, tags, created_at, updated_at, "
  "solved_at, sla_state, sla, csat, csat_comment) "
  "VALUES (32, 'settled', 'web', 'low', 'solved', '[]', 1, 2, 3, 'breached', "
  "'[{\"target\":\"resolution\",\"state\":\"breached\",\"met_at\":\"2023-01-01T00:00:00Z\"}]', "
  "5, '好');"
  "INSERT INTO tickets (id, subject, channel, priority, status, tags, created_at, updated_at) "
  "VALUES (33, 'bare', 'chat', 'normal', 'new', '[]', 1, 1);"
  "INSERT INTO comments (id, ticket_id, author_kind, author_id, public, body, created_at) "
  "VALUES (41, 31, 'agent', 11, 0, '内部备注', 1700000050);"
  "INSERT INTO comments (id, ticket_id, author_kind, author_id, public, body, created_at) "
  "VALUES (42, 31, 'system', NULL, 1, 'hello', 1700000060);";

/* dw_store_ticket_load_json and dw_store_comment_load_json give the same object on both
 * backends, member by member, types included (SQLite's is the API's, dw-store.c's builder). */
static void
test_json_alike (void)
{
  g_autoptr(DwTestStore) sqlite = dw_test_store_open_seeded ("sqlite", seed_sql);
  g_autoptr(DwTestStore) pg = dw_test_store_open_seeded ("postgresql", seed_sql);
  const char *breach[] = { "running", "settled", "none" };

  dw_test_store_seed (sqlite, json_seed_sql);
  dw_test_store_seed (pg, json_seed_sql);

  for (gint64 id = 31; id <= 33; id++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) a = dw_store_ticket_load_json (sqlite->store, id, &error);
      g_autoptr(JsonObject) b = NULL;

      g_assert_no_error (error);
      b = dw_store_ticket_load_json (pg->store, id, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (a, "breach"), ==, breach[id - 31]);
      dw_test_store_assert_json_alike (a, b);
    }

  for (gint64 id = 41; id <= 42; id++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) a = dw_store_comment_load_json (sqlite->store, id, &error);
      g_autoptr(JsonObject) b = NULL;

      g_assert_no_error (error);
      b = dw_store_comment_load_json (pg->store, id, &error);
      g_assert_no_error (error);
      dw_test_store_assert_json_alike (a, b);
    }
}

/* load_json_text is load_json's object as dw_json_to_string() writes it, byte for byte, with
 * its keys: over many tickets with odd strings, NULLs, unicode, SLA targets and times (on
 * SQLite the text is written straight from the row, without the object). */
static void
test_json_text (Fixture       *fixture,
                gconstpointer  data)
{
  static const char * const subjects[] = {
    "plain", "退货：箱子湿了", "a \"quoted\" \\ back\\slash", "tab\tnew\nline\rcr\bbs\fff",
    "\x01\x02\x1f\x7f", "ＡＢＣ１２３ emoji 😀 𝄞", "\u2028\u2029 </script>", "null", "", "{}[],:",
  };
  static const char * const tags[] = {
    NULL, "[]", "[\"vip\"]", "[\"a\\\"b\",\"\\u001f\",\"é\",\"退货\"]", "[ \"spaced\" , \"x\" ]",
    "[\"\\u00e9\\/\"]",
  };
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  dw_test_store_seed (fixture->desk, json_seed_sql);
  for (gint64 id = 31; id <= 33; id++)
    g_array_append_val (ids, id);

  for (guint i = 0; i < G_N_ELEMENTS (subjects); i++)
    for (guint j = 0; j < G_N_ELEMENTS (tags); j++)
      {
        g_autoptr(GError) error = NULL;
        DwStoreTicketNew ticket = {
          .subject = subjects[i],
          .body = subjects[(i + j) % G_N_ELEMENTS (subjects)],
          .channel = (int) ((i + j) % 3),
          .business_type = j % 2 == 0 ? "returns" : NULL,
          .priority = (int) (j % 4),
          .team_id = i % 2 == 0 ? seed.team_id : 0,
          .customer_id = j % 3 == 0 ? seed.customer_id : 0,
          .order_number = j % 2 == 1 ? subjects[(i + 1) % G_N_ELEMENTS (subjects)] : NULL,
          .tags = tags[j],
          .created_at = 1700000000 + (gint64) (i * 86400 * 37 + j * 3607),
        };
        gint64 id = dw_store_ticket_insert (fixture->store, &ticket, &error);

        g_assert_no_error (error);
        g_array_append_val (ids, id);
      }

  /* The rest of a ticket's columns set on some of them. */
  dw_test_store_exec (fixture->desk,
    "UPDATE tickets SET assignee_id = 11, status = 'open', first_response_at = 1700000100, "
    "escalation_level = 2, sla_state = 'at-risk', next_sla_at = 1700003600, "
    "sla = '[{\"target\":\"resolution\",\"state\":\"at-risk\",\"met_at\":null,"
    "\"target_minutes\":60,\"note\":\"\\u00e9 \\\"q\\\" \\n\"}]' "
    "WHERE id % 3 = 0 AND id > 33;"
    "UPDATE tickets SET status = 'solved', solved_at = 1800000000, csat = 4, "
    "csat_comment = 'très bien \"ok\"' WHERE id % 5 = 0 AND id > 33;");

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = dw_store_ticket_load_json (fixture->store, id, &error);
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *text = NULL;
      DwStoreTicketKeys keys = { -1, -1, -1 };
      int status = -1;

      g_assert_no_error (error);
      node = json_node_init_object (json_node_alloc (), object);
      expected = dw_json_to_string (node, NULL);
      text = dw_store_ticket_load_json_text (fixture->store, id, &keys, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (text, ==, expected);

      dw_enum_from_string (DW_TYPE_STATUS, json_object_get_string_member (object, "status"),
                           &status);
      g_assert_cmpint (keys.status, ==, status);
      g_assert_cmpint (keys.team_id, ==, json_object_get_null_member (object, "team_id")
                                         ? 0 : json_object_get_int_member (object, "team_id"));
      g_assert_cmpint (keys.assignee_id, ==,
                       json_object_get_null_member (object, "assignee_id")
                       ? 0 : json_object_get_int_member (object, "assignee_id"));
    }

  {
    g_autoptr(GError) error = NULL;
    DwStoreTicketKeys keys = { 0, };

    g_assert_null (dw_store_ticket_load_json_text (fixture->store, 4242, &keys, &error));
    g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
  }
}

int
main (int   argc,
      char *argv[])
{
  static const DwTestStoreCase tests[] = {
    { "tickets/insert-load", test_insert_load },
    { "tickets/update", test_update },
    { "tickets/update-conflict", test_update_conflict },
    { "tickets/not-found", test_not_found },
    { "tickets/json-text", test_json_text },
    { "tickets/constraint", test_constraint },
    { "tickets/comment", test_comment },
    { "tickets/in-callers-transaction", test_in_callers_transaction },
    { "routing", test_routing },
    { "directory", test_directory },
    { "events", test_events },
    { "audit", test_audit },
    { "transaction-state", test_transaction_state },
  };
  int status;

  g_test_init (&argc, &argv, NULL);

  for (const char * const *backend = dw_test_store_backends (); *backend != NULL; backend++)
    {
      g_autofree char *seed_path = g_strdup_printf ("/store/%s/seed", *backend);

      g_test_add_data_func (seed_path, *backend, test_seed);
    }
  dw_test_store_add_cases ("/store", NULL, seed_sql, tests, G_N_ELEMENTS (tests));

  g_test_add_func ("/store/json-alike", test_json_alike);
  g_test_add_func ("/store/postgresql/events-sequence", test_events_pg_sequence);
  g_test_add_func ("/store/postgresql/events-numbered-at-commit",
                   test_events_pg_numbered_at_commit);

  status = g_test_run ();

  return status;
}
