/* API tests: the scope of each role (docs/api.md "Roles", "Customers", "Comments", "Stream") —
 * combined fields authorised as the state they produce, customers and their personal data,
 * who speaks as a customer, and open streams losing their authority. */
#include "config.h"

#include <string.h>

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

  /* Nor does an agent take a ticket of a team it is not in. */
  {
    g_autoptr(DwTestResponse) take = NULL;

    take = dw_test_server_jsonf (s, "POST", s->agent_token, "/api/v1/tickets",
                                 "{\"subject\": \"x\", \"channel\": \"web\", \"team_id\": %"
                                 G_GINT64_FORMAT ", \"assignee_id\": %" G_GINT64_FORMAT "}",
                                 s->other_team_id, s->agent_id);
    dw_test_assert_problem (take, 403, "forbidden");
  }

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
  /* On either backend (dw_test_server_query_int). */
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM audit WHERE entity = 'customer' "
                                          "AND action = 'read' AND entity_id = %" G_GINT64_FORMAT
                                          " AND actor_id = %" G_GINT64_FORMAT, customer_id,
                                          actor_id);

  return (int) dw_test_server_query_int (s, sql);
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

/* Streams: revocation, disabling and membership changes reach open streams at once */

typedef struct
{
  gboolean  done;
  guint     status;
  GError   *error;
} Sent;

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Sent *r = data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &r->error);

  r->done = TRUE;
}

static gboolean
sent_done (gpointer data)
{
  return ((Sent *) data)->done;
}

/* A request as @token that keeps the main loop (the test's streams) running; asserts @status. */
static void
call (DwTestServer *s,
      const char   *method,
      const char   *path,
      const char   *token,
      const char   *json,
      guint         status)
{
  static SoupSession *session;
  g_autofree char *uri = g_strconcat (s->url, path + 1, NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  Sent r = { 0 };

  if (session == NULL)
    session = soup_session_new ();

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  if (json != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &r);
  dw_test_spin_until (sent_done, &r, path);
  g_assert_no_error (r.error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, status);
}

/* Signs @username in; the token, and its id in @token_id. */
static char *
sign_in (DwTestServer *s,
         const char   *username,
         gint64       *token_id)
{
  g_autofree char *json = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}",
                                           username, DW_TEST_PASSWORD);
  g_autoptr(DwTestResponse) r = dw_test_server_json (s, "POST", "/api/v1/auth/token", NULL, json);
  JsonObject *o;

  dw_test_assert_status (r, 201);
  o = dw_test_response_object (r);
  *token_id = json_object_get_int_member (o, "token_id");
  return g_strdup (json_object_get_string_member (o, "token"));
}

typedef struct
{
  DwTestStream *stream;
  const char   *event;
  gint64        id;
} Watch;

/* Done when the stream closed, or (on a service that failed to close it) when the event came. */
static gboolean
closed_or_event (gpointer data)
{
  Watch *w = data;

  return w->stream->closed || dw_test_count_events (w->stream, 0, w->event, w->id) > 0;
}

/* The agent's stream, live, with a ticket of its own; returns the ticket's id. */
static gint64
agent_ticket_on_stream (DwTestServer *s,
                        DwTestStream *stream)
{
  g_autoptr(JsonObject) t = NULL;

  set_presence (s, s->agent_token, s->agent_id, "online");
  t = dw_test_api_request (s, "POST", "/api/v1/tickets",
                           "{\"subject\": \"快递\", \"channel\": \"web\"}", 201);
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, s->agent_id);
  dw_test_stream_wait (stream, 0, "event", "ticket.created", id_of (t));
  return id_of (t);
}

/* After @stream lost its authority: an internal note on its user's ticket must not reach it,
 * and it is closed with 4001. */
static void
assert_cut_off (DwTestServer *s,
                DwTestStream *stream,
                gint64        ticket_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/comments",
                                           ticket_id);
  g_autoptr(JsonObject) note = NULL;
  Watch w = { stream, "comment.created", 0 };

  note = dw_test_api_request (s, "POST", path, "{\"body\": \"internal: VIP, refund quietly\", "
                                               "\"public\": false}", 201);
  w.id = ticket_id;
  dw_test_spin_until (closed_or_event, &w, "the stream to close");
  g_assert_cmpuint (dw_test_count_events (stream, 0, "comment.created", 0), ==, 0);
  g_assert_true (stream->closed);
  g_assert_cmpuint (stream->close_code, ==, 4001);
}

static void
test_stream_sign_out (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(DwTestStream) stream = NULL;
  g_autofree char *token = NULL;
  gint64 token_id, ticket_id;

  token = sign_in (s, "agent", &token_id);
  stream = dw_test_stream_open (s, token, -1);
  ticket_id = agent_ticket_on_stream (s, stream);

  call (s, "DELETE", "/api/v1/auth/token", token, NULL, 204);
  assert_cut_off (s, stream, ticket_id);
}

/* `deskwatchd token revoke` is another process on the same SQLite file. */
static void
test_stream_cli_revoke (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(DwTestStream) stream = NULL;
  g_autoptr(DwTestStream) other = NULL;
  g_autofree char *token = NULL;
  g_autofree char *id = NULL;
  g_autofree char *out = NULL;
  gint64 token_id, ticket_id;
  int status;

  token = sign_in (s, "agent", &token_id);
  stream = dw_test_stream_open (s, token, -1);
  other = dw_test_stream_open (s, s->agent_token, -1);  /* another sign-in of the same agent */
  ticket_id = agent_ticket_on_stream (s, stream);

  id = g_strdup_printf ("%" G_GINT64_FORMAT, token_id);
  out = dw_test_server_cli (s, NULL, &status, "token", "revoke", id, NULL);
  g_assert_cmpint (status, ==, 0);
  assert_cut_off (s, stream, ticket_id);

  /* Only that token: the agent's other session goes on. */
  dw_test_stream_wait (other, 0, "event", "comment.created", ticket_id);
  g_assert_false (other->closed);

  /* And without any event to publish, the service's own look at the database finds it. */
  {
    g_autofree char *token2 = NULL;
    g_autofree char *id2 = NULL;
    g_autofree char *out2 = NULL;
    g_autoptr(DwTestStream) quiet = NULL;
    gint64 token2_id, revoked_at;

    token2 = sign_in (s, "agent", &token2_id);
    quiet = dw_test_stream_open (s, token2, -1);
    id2 = g_strdup_printf ("%" G_GINT64_FORMAT, token2_id);
    out2 = dw_test_server_cli (s, NULL, &status, "token", "revoke", id2, NULL);
    g_assert_cmpint (status, ==, 0);
    revoked_at = g_get_monotonic_time ();
    dw_test_spin_until (dw_test_stream_closed, quiet, "the quiet stream to close");
    g_assert_cmpuint (quiet->close_code, ==, 4001);
    /* For the log only (the bound is the service's poll interval, 1 s). */
    g_test_message ("quiet stream closed %" G_GINT64_FORMAT " ms after the CLI's revoke returned",
                    (g_get_monotonic_time () - revoked_at) / 1000);
  }
}

static void
test_stream_disabled (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(DwTestStream) stream = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, s->agent_id);
  gint64 ticket_id;

  stream = dw_test_stream_open (s, s->agent_token, -1);
  ticket_id = agent_ticket_on_stream (s, stream);

  user = dw_test_api_request (s, "PATCH", path, "{\"disabled\": true}", 200);
  assert_cut_off (s, stream, ticket_id);
}

/* A lead taken out of its team stops hearing of the team at once: told to resync (4000), it
 * reloads under its new scope. */
static void
test_stream_team_removed (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(DwTestStream) stream = NULL;
  g_autoptr(DwTestStream) again = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autofree char *user_path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, s->lead_id);
  g_autofree char *presence_path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence",
                                                    s->lead_id);
  Watch w = { NULL, "user.updated", 0 };
  guint resync;
  gint64 seq;

  stream = dw_test_stream_open (s, s->lead_token, -1);
  before = dw_test_api_request (s, "POST", "/api/v1/tickets",
                                "{\"subject\": \"快递\", \"channel\": \"web\"}", 201);
  dw_test_stream_wait (stream, 0, "event", "ticket.created", id_of (before));

  user = dw_test_api_request (s, "PATCH", user_path, "{\"teams\": []}", 200);

  /* A new ticket of the team, then a change the lead does see (its own presence): were the
   * stream still scoped to the team, the ticket would come first. */
  after = dw_test_api_request (s, "POST", "/api/v1/tickets",
                               "{\"subject\": \"物流\", \"channel\": \"web\"}", 201);
  g_clear_pointer (&user, json_object_unref);
  user = dw_test_api_request (s, "PUT", presence_path, "{\"presence\": \"away\"}", 200);
  w.stream = stream;
  w.id = s->lead_id;
  dw_test_spin_until (closed_or_event, &w, "the lead's stream to close");
  g_assert_cmpuint (dw_test_count_events (stream, 0, "ticket.created", id_of (after)), ==, 0);
  g_assert_true (stream->closed);
  g_assert_cmpuint (stream->close_code, ==, 4000);

  resync = stream->messages->len - 1;
  g_assert_cmpstr (dw_test_message_type (g_ptr_array_index (stream->messages, resync)), ==,
                   "resync");
  seq = dw_test_message_seq (g_ptr_array_index (stream->messages, resync));

  /* Reconnected (after reloading): its own changes, never the team's tickets. */
  again = dw_test_stream_open (s, s->lead_token, seq);
  g_clear_pointer (&user, json_object_unref);
  user = dw_test_api_request (s, "PUT", presence_path, "{\"presence\": \"online\"}", 200);
  dw_test_stream_wait (again, 0, "event", "user.updated", s->lead_id);
  g_assert_cmpuint (dw_test_count_events (again, 0, "ticket.created", 0), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api/scope/lead-move-and-assign", test_lead_move_and_assign);
  g_test_add_func ("/api/scope/comment-author", test_comment_author);
  g_test_add_func ("/api/scope/customers", test_customers);
  g_test_add_func ("/api/scope/stream-sign-out", test_stream_sign_out);
  g_test_add_func ("/api/scope/stream-cli-revoke", test_stream_cli_revoke);
  g_test_add_func ("/api/scope/stream-disabled", test_stream_disabled);
  g_test_add_func ("/api/scope/stream-team-removed", test_stream_team_removed);

  return g_test_run ();
}
