/* API tests: the scope of each role (docs/api.md "Roles", "Customers", "Comments", "Stream") —
 * combined fields authorised as the state they produce, customers and their personal data,
 * who speaks as a customer, and open streams losing their authority. */
#include "config.h"

#include <sqlite3.h>

#include "dw-test-stream.h"

static gint64
id_of (JsonObject *o)
{
  return json_object_get_int_member (o, "id");
}

static gint64
int_or_zero (JsonObject *o,
             const char *member)
{
  JsonNode *node = json_object_get_member (o, member);

  return node == NULL || JSON_NODE_HOLDS_NULL (node) ? 0 : json_node_get_int (node);
}

static JsonObject *
take_object (DwTestResponse *r,
             guint           status)
{
  dw_test_assert_status (r, status);
  return json_object_ref (dw_test_response_object (r));
}

static void
set_presence (DwTestServer *s,
              const char   *token,
              gint64        user_id,
              const char   *presence)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence", user_id);
  g_autoptr(DwTestResponse) r = dw_test_server_jsonf (s, "PUT", token, path,
                                                      "{\"presence\": \"%s\"}", presence);

  dw_test_assert_status (r, 200);
}

/* PATCH /api/v1/tickets/ID with a printf-style body. */
static DwTestResponse *
patchf (DwTestServer *s,
        const char   *token,
        gint64        ticket_id,
        const char   *json_format,
        ...) G_GNUC_PRINTF (4, 5);

static DwTestResponse *
patchf (DwTestServer *s,
        const char   *token,
        gint64        ticket_id,
        const char   *json_format,
        ...)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, ticket_id);
  g_autofree char *json = NULL;
  va_list args;

  va_start (args, json_format);
  json = g_strdup_vprintf (json_format, args);
  va_end (args);

  return dw_test_server_json (s, "PATCH", path, token, json);
}

static JsonObject *
create_ticket (DwTestServer *s,
               const char   *token,
               const char   *json)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (s, "POST", "/api/v1/tickets", token, json);

  return take_object (r, 201);
}

static JsonObject *
get_ticket (DwTestServer *s,
            gint64        id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autoptr(DwTestResponse) r = dw_test_server_json (s, "GET", path, s->admin_token, NULL);

  return take_object (r, 200);
}

/* Tickets: a lead acts inside its teams, whichever fields it combines */

static void
test_lead_move_and_assign (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(JsonObject) t = NULL;
  g_autoptr(JsonObject) still = NULL;
  g_autoptr(JsonObject) theirs = NULL;
  g_autoptr(DwTestResponse) combined = NULL;
  g_autoptr(DwTestResponse) alone = NULL;
  g_autoptr(DwTestResponse) to_self = NULL;
  g_autoptr(DwTestResponse) intake = NULL;
  g_autoptr(DwTestResponse) pull = NULL;
  g_autoptr(DwTestResponse) status = NULL;
  g_autoptr(DwTestResponse) handover = NULL;

  set_presence (s, s->agent_token, s->agent_id, "online");
  set_presence (s, s->agent2_token, s->agent2_id, "online");
  t = create_ticket (s, s->admin_token, "{\"subject\": \"快递\", \"channel\": \"web\"}");
  g_assert_cmpint (int_or_zero (t, "team_id"), ==, s->team_id);
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, s->agent_id);

  /* The example: moved to the other team and assigned there in one request. */
  combined = patchf (s, s->lead_token, id_of (t),
                     "{\"version\": 1, \"team_id\": %" G_GINT64_FORMAT ", \"assignee_id\": %"
                     G_GINT64_FORMAT "}", s->other_team_id, s->agent2_id);
  dw_test_assert_problem (combined, 403, "forbidden");

  /* The same assignment alone, as before. */
  alone = patchf (s, s->lead_token, id_of (t),
                  "{\"version\": 1, \"assignee_id\": %" G_GINT64_FORMAT "}", s->agent2_id);
  dw_test_assert_problem (alone, 403, "forbidden");

  /* Nor to itself in a team that is not its own. */
  to_self = patchf (s, s->lead_token, id_of (t),
                    "{\"version\": 1, \"team_id\": %" G_GINT64_FORMAT ", \"assignee_id\": %"
                    G_GINT64_FORMAT "}", s->other_team_id, s->lead_id);
  dw_test_assert_problem (to_self, 403, "forbidden");

  /* Nothing was written. */
  still = get_ticket (s, id_of (t));
  g_assert_cmpint (int_or_zero (still, "team_id"), ==, s->team_id);
  g_assert_cmpint (int_or_zero (still, "assignee_id"), ==, s->agent_id);
  g_assert_cmpint (int_or_zero (still, "version"), ==, 1);

  /* Intake is the same: a lead opens a ticket in another team and names its agent. */
  intake = dw_test_server_jsonf (s, "POST", s->lead_token, "/api/v1/tickets",
                                 "{\"subject\": \"x\", \"channel\": \"web\", \"team_id\": %"
                                 G_GINT64_FORMAT ", \"assignee_id\": %" G_GINT64_FORMAT "}",
                                 s->other_team_id, s->agent2_id);
  dw_test_assert_problem (intake, 403, "forbidden");

  /* A ticket of the other team that the admin assigned to the lead: the lead works on it as
   * its assignee, but does not pull it into its own team. */
  theirs = create_ticket (s, s->admin_token, "{\"subject\": \"退款\", \"channel\": \"web\"}");
  g_assert_cmpint (int_or_zero (theirs, "team_id"), ==, s->other_team_id);
  {
    g_autoptr(DwTestResponse) r = NULL;

    r = patchf (s, s->admin_token, id_of (theirs),
                "{\"version\": %" G_GINT64_FORMAT ", \"assignee_id\": %" G_GINT64_FORMAT "}",
                int_or_zero (theirs, "version"), s->lead_id);
    g_clear_pointer (&theirs, json_object_unref);
    theirs = take_object (r, 200);
  }
  pull = patchf (s, s->lead_token, id_of (theirs),
                 "{\"version\": %" G_GINT64_FORMAT ", \"team_id\": %" G_GINT64_FORMAT ", "
                 "\"assignee_id\": %" G_GINT64_FORMAT "}",
                 int_or_zero (theirs, "version"), s->team_id, s->agent_id);
  dw_test_assert_problem (pull, 403, "forbidden");
  status = patchf (s, s->lead_token, id_of (theirs),
                   "{\"version\": %" G_GINT64_FORMAT ", \"status\": \"pending\"}",
                   int_or_zero (theirs, "version"));
  dw_test_assert_status (status, 200);

  /* Still allowed: handing a ticket of its team over to another team's queue. */
  handover = patchf (s, s->lead_token, id_of (t),
                     "{\"version\": 1, \"team_id\": %" G_GINT64_FORMAT ", \"assignee_id\": null}",
                     s->other_team_id);
  dw_test_assert_status (handover, 200);
  g_assert_cmpint (int_or_zero (dw_test_response_object (handover), "team_id"), ==,
                   s->other_team_id);
  g_assert_cmpint (int_or_zero (dw_test_response_object (handover), "assignee_id"), !=,
                   s->agent_id);
}

/* Comments: only the intake path speaks as a customer */

static gint64
create_customer (DwTestServer *s,
                 const char   *token,
                 const char   *json)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (s, "POST", "/api/v1/customers", token, json);

  dw_test_assert_status (r, 201);
  return id_of (dw_test_response_object (r));
}

static guint
n_comments (DwTestServer *s,
            gint64        ticket_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/comments",
                                           ticket_id);
  g_autoptr(DwTestResponse) r = dw_test_server_json (s, "GET", path, s->admin_token, NULL);

  dw_test_assert_status (r, 200);
  return json_array_get_length (dw_test_response_items (r));
}

static void
test_comment_author (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(JsonObject) t = NULL;
  g_autofree char *path = NULL;
  gint64 mine, other;
  struct { const char *who; const char *body; guint status; const char *type; } cases[] = {
    { "agent", "{\"body\": \"x\", \"author_kind\": \"customer\"}", 403, "forbidden" },
    { "agent", "{\"body\": \"x\", \"author_kind\": \"customer\", \"author_id\": OTHER}", 403,
      "forbidden" },
    { "agent", "{\"body\": \"x\", \"author_kind\": \"system\"}", 403, "forbidden" },
    { "lead", "{\"body\": \"x\", \"author_kind\": \"customer\"}", 403, "forbidden" },
    { "lead", "{\"body\": \"x\", \"author_kind\": \"system\", \"public\": false}", 403,
      "forbidden" },
    /* Intake (an admin's token) speaks for the ticket's own customer, not another. */
    { "admin", "{\"body\": \"x\", \"author_kind\": \"customer\", \"author_id\": OTHER}", 400,
      "validation" },
  };

  mine = create_customer (s, s->admin_token, "{\"name\": \"Mine\"}");
  other = create_customer (s, s->admin_token, "{\"name\": \"Other\", \"phone\": \"139\"}");
  set_presence (s, s->agent_token, s->agent_id, "online");
  {
    g_autofree char *json = g_strdup_printf ("{\"subject\": \"快递\", \"channel\": \"web\", "
                                             "\"customer_id\": %" G_GINT64_FORMAT "}", mine);

    t = create_ticket (s, s->admin_token, json);
  }
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, s->agent_id);
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/comments", id_of (t));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) body = g_string_new (cases[i].body);
      g_autofree char *other_text = g_strdup_printf ("%" G_GINT64_FORMAT, other);
      g_autoptr(DwTestResponse) r = NULL;
      const char *token = g_str_equal (cases[i].who, "agent") ? s->agent_token
                          : g_str_equal (cases[i].who, "lead") ? s->lead_token
                          : s->admin_token;

      g_string_replace (body, "OTHER", other_text, 0);
      r = dw_test_server_json (s, "POST", path, token, body->str);
      g_test_message ("%s: %s", cases[i].who, body->str);
      dw_test_assert_problem (r, cases[i].status, cases[i].type);
    }
  g_assert_cmpuint (n_comments (s, id_of (t)), ==, 0);

  /* What stays: agents write as themselves, intake as the ticket's customer. */
  {
    g_autoptr(DwTestResponse) agent = dw_test_server_json (s, "POST", path, s->agent_token,
                                                           "{\"body\": \"hello\"}");
    g_autoptr(DwTestResponse) customer = NULL;

    customer = dw_test_server_json (s, "POST", path, s->admin_token,
                                    "{\"body\": \"hi\", \"author_kind\": \"customer\"}");
    dw_test_assert_status (agent, 201);
    dw_test_assert_status (customer, 201);
    g_assert_cmpint (int_or_zero (dw_test_response_object (customer), "author_id"), ==, mine);
  }
}

/* Customers: scoped to the tickets the caller sees, written by leads, every read audited */

static DwTestResponse *
customer_request (DwTestServer *s,
                  const char   *method,
                  const char   *token,
                  gint64        customer_id,
                  const char   *json)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/customers/%" G_GINT64_FORMAT, customer_id);

  return dw_test_server_json (s, method, path, token, json);
}

static gboolean
list_has (DwTestServer *s,
          const char   *token,
          const char   *path,
          gint64        customer_id)
{
  g_autoptr(DwTestResponse) r = dw_test_server_json (s, "GET", path, token, NULL);
  JsonArray *items;

  dw_test_assert_status (r, 200);
  items = dw_test_response_items (r);
  for (guint i = 0; i < json_array_get_length (items); i++)
    if (id_of (json_array_get_object_element (items, i)) == customer_id)
      return TRUE;

  return FALSE;
}

/* Audit rows of reads of @customer_id by @actor_id, straight from the database. */
static int
n_reads (DwTestServer *s,
         gint64        customer_id,
         gint64        actor_id)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int n = -1;

  g_assert_cmpint (sqlite3_open_v2 (s->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM audit WHERE entity = 'customer' "
                                       "AND action = 'read' AND entity_id = ? AND actor_id = ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_int64 (stmt, 2, actor_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
test_customers (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(JsonObject) ta = NULL;
  g_autoptr(JsonObject) tb = NULL;
  gint64 ca, cb, recorded;

  ca = create_customer (s, s->admin_token,
                        "{\"name\": \"A Customer\", \"phone\": \"13800000001\", "
                        "\"email\": \"a@example.com\"}");
  cb = create_customer (s, s->admin_token,
                        "{\"name\": \"B Customer\", \"phone\": \"13900000002\", "
                        "\"email\": \"b@example.com\"}");
  set_presence (s, s->agent_token, s->agent_id, "online");
  set_presence (s, s->agent2_token, s->agent2_id, "online");
  {
    g_autofree char *a = g_strdup_printf ("{\"subject\": \"快递\", \"channel\": \"web\", "
                                          "\"customer_id\": %" G_GINT64_FORMAT "}", ca);
    g_autofree char *b = g_strdup_printf ("{\"subject\": \"退款\", \"channel\": \"web\", "
                                          "\"customer_id\": %" G_GINT64_FORMAT "}", cb);

    ta = create_ticket (s, s->admin_token, a);
    tb = create_ticket (s, s->admin_token, b);
  }
  g_assert_cmpint (int_or_zero (ta, "assignee_id"), ==, s->agent_id);
  g_assert_cmpint (int_or_zero (tb, "assignee_id"), ==, s->agent2_id);

  /* The agent reads the customer of its ticket, not the other team's: not by id, not in the
   * list, not by searching for its phone number. */
  {
    g_autoptr(DwTestResponse) mine = customer_request (s, "GET", s->agent_token, ca, NULL);
    g_autoptr(DwTestResponse) theirs = customer_request (s, "GET", s->agent_token, cb, NULL);

    dw_test_assert_status (mine, 200);
    dw_test_assert_problem (theirs, 404, "not-found");
  }
  g_assert_true (list_has (s, s->agent_token, "/api/v1/customers", ca));
  g_assert_false (list_has (s, s->agent_token, "/api/v1/customers", cb));
  g_assert_false (list_has (s, s->agent_token, "/api/v1/customers?q=13900000002", cb));
  g_assert_false (list_has (s, s->agent2_token, "/api/v1/customers", ca));

  /* Agents do not write customers at all, even their own ticket's. */
  {
    g_autoptr(DwTestResponse) vip = customer_request (s, "PATCH", s->agent_token, cb,
                                                      "{\"tags\": [\"vip\"]}");
    g_autoptr(DwTestResponse) own = customer_request (s, "PATCH", s->agent_token, ca,
                                                      "{\"tags\": [\"vip\"]}");
    g_autoptr(DwTestResponse) create = dw_test_server_json (s, "POST", "/api/v1/customers",
                                                            s->agent_token,
                                                            "{\"name\": \"Caller\"}");

    dw_test_assert_problem (vip, 403, "forbidden");
    dw_test_assert_problem (own, 403, "forbidden");
    dw_test_assert_problem (create, 403, "forbidden");
  }

  /* The lead: its team's customers, read and written; the other team's are not there. */
  {
    g_autoptr(DwTestResponse) read_b = customer_request (s, "GET", s->lead_token, cb, NULL);
    g_autoptr(DwTestResponse) tag_b = customer_request (s, "PATCH", s->lead_token, cb,
                                                        "{\"tags\": [\"vip\"]}");
    g_autoptr(DwTestResponse) tag_a = customer_request (s, "PATCH", s->lead_token, ca,
                                                        "{\"tags\": [\"vip\"]}");
    g_autoptr(DwTestResponse) b_now = customer_request (s, "GET", s->admin_token, cb, NULL);

    dw_test_assert_problem (read_b, 404, "not-found");
    dw_test_assert_problem (tag_b, 404, "not-found");
    dw_test_assert_status (tag_a, 200);
    dw_test_assert_status (b_now, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        dw_test_response_object (b_now), "tags")), ==, 0);
  }

  /* Linking a customer to a ticket is no way in: the ticket's customer must be one it sees. */
  {
    g_autoptr(DwTestResponse) open = NULL;
    g_autoptr(DwTestResponse) link = NULL;

    open = dw_test_server_jsonf (s, "POST", s->lead_token, "/api/v1/tickets",
                                 "{\"subject\": \"x\", \"channel\": \"phone\", "
                                 "\"customer_id\": %" G_GINT64_FORMAT "}", cb);
    dw_test_assert_problem (open, 400, "validation");
    link = patchf (s, s->agent_token, id_of (ta),
                   "{\"version\": %" G_GINT64_FORMAT ", \"customer_id\": %" G_GINT64_FORMAT "}",
                   int_or_zero (ta, "version"), cb);
    dw_test_assert_problem (link, 400, "validation");
  }

  /* A lead sees the caller it recorded itself, and opens a ticket for it. */
  recorded = create_customer (s, s->lead_token, "{\"name\": \"New caller\"}");
  {
    g_autoptr(DwTestResponse) got = customer_request (s, "GET", s->lead_token, recorded, NULL);
    g_autoptr(DwTestResponse) other_lead = customer_request (s, "GET", s->agent2_token, recorded,
                                                             NULL);
    g_autoptr(DwTestResponse) ticket = NULL;

    dw_test_assert_status (got, 200);
    dw_test_assert_problem (other_lead, 404, "not-found");
    ticket = dw_test_server_jsonf (s, "POST", s->lead_token, "/api/v1/tickets",
                                   "{\"subject\": \"x\", \"channel\": \"phone\", "
                                   "\"customer_id\": %" G_GINT64_FORMAT "}", recorded);
    dw_test_assert_status (ticket, 201);
  }

  /* Every read of personal data is in the audit trail: by id and in lists, admins too. */
  g_assert_cmpint (n_reads (s, ca, s->agent_id), >=, 2);
  g_assert_cmpint (n_reads (s, cb, s->agent_id), ==, 0);
  g_assert_cmpint (n_reads (s, cb, s->admin_id), >=, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api/scope/lead-move-and-assign", test_lead_move_and_assign);
  g_test_add_func ("/api/scope/comment-author", test_comment_author);
  g_test_add_func ("/api/scope/customers", test_customers);

  return g_test_run ();
}
