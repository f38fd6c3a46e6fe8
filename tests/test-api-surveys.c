/* API tests: CSAT surveys — a rating comes from the customer's one-time link, never from the
 * desk; single use, expiry, the rate limit, voiding, the stream and the migration of ratings
 * from before surveys. */
#include "config.h"

#include <string.h>

#include "dw-test-server.h"
#include "dw-test-stream.h"

static DwTestServer *server;

static gint64
solved_ticket (const char *subject)
{
  g_autofree char *body = g_strdup_printf ("{\"subject\": \"%s\", \"channel\": \"web\", "
                                           "\"business_type\": \"logistics\", \"assignee_id\": %"
                                           G_GINT64_FORMAT "}", subject, server->agent_id);
  g_autoptr(DwTestResponse) created = dw_test_server_json (server, "POST", "/api/v1/tickets",
                                                           server->admin_token, body);
  g_autoptr(DwTestResponse) solved = NULL;
  g_autofree char *path = NULL;
  g_autofree char *patch = NULL;
  JsonObject *ticket;
  gint64 id;

  dw_test_assert_status (created, 201);
  ticket = dw_test_response_object (created);
  id = json_object_get_int_member (ticket, "id");
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  patch = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"status\": \"solved\"}",
                           json_object_get_int_member (ticket, "version"));
  solved = dw_test_server_json (server, "PATCH", path, server->lead_token, patch);
  dw_test_assert_status (solved, 200);
  return id;
}

static char *
survey_token (gint64 ticket_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/survey", ticket_id);
  g_autoptr(DwTestResponse) r = dw_test_server_json (server, "GET", path, server->admin_token, NULL);

  dw_test_assert_status (r, 200);
  return g_strdup (json_object_get_string_member (dw_test_response_object (r), "token"));
}

static DwTestResponse *
answer (const char *token,
        const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/surveys/%s", token);

  return dw_test_server_json (server, "POST", path, NULL, body);
}

static JsonObject *
get_ticket (gint64           id,
            DwTestResponse **response)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);

  *response = dw_test_server_json (server, "GET", path, server->lead_token, NULL);
  dw_test_assert_status (*response, 200);
  return dw_test_response_object (*response);
}

/* On either backend (dw_test_server_query_int, dw_test_server_exec). */
static guint
count_rows (const char *sql)
{
  return (guint) dw_test_server_query_int (server, sql);
}

static void
exec_sql (const char *sql)
{
  dw_test_server_exec (server, sql);
}

/* Nobody at the desk sets a rating: not the agent, not the lead, not an admin. */
static void
test_desk_cannot_rate (void)
{
  gint64 id = solved_ticket ("不能自评");
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autofree char *survey = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/survey", id);
  const char *tokens[] = { server->agent_token, server->lead_token, server->admin_token };

  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      g_autoptr(DwTestResponse) rate = dw_test_server_json (server, "PATCH", path, tokens[i],
                                                            "{\"version\": 2, \"csat\": 5}");
      g_autoptr(DwTestResponse) comment = dw_test_server_json (server, "PATCH", path, tokens[i],
                                                               "{\"version\": 2, "
                                                               "\"csat_comment\": \"好评\"}");

      dw_test_assert_problem (rate, 403, "forbidden");
      dw_test_assert_problem (comment, 403, "forbidden");
    }

  /* only the intake (an admin) reads the link it sends */
  {
    g_autoptr(DwTestResponse) by_agent = dw_test_server_json (server, "GET", survey,
                                                              server->agent_token, NULL);
    g_autoptr(DwTestResponse) by_lead = dw_test_server_json (server, "GET", survey,
                                                             server->lead_token, NULL);

    dw_test_assert_problem (by_agent, 403, "forbidden");
    dw_test_assert_problem (by_lead, 403, "forbidden");
  }
}

static void
test_answer_once (void)
{
  g_autoptr(DwTestStream) lead = dw_test_stream_open (server, server->lead_token, -1);
  g_autoptr(DwTestStream) admin = dw_test_stream_open (server, server->admin_token, -1);
  g_autoptr(DwTestStream) agent = dw_test_stream_open (server, server->agent_token, -1);
  gint64 id = solved_ticket ("问一下物流");
  g_autofree char *token = survey_token (id);
  g_autofree char *forged = NULL;
  g_autoptr(DwTestResponse) before = NULL;
  g_autoptr(DwTestResponse) first = NULL;
  g_autoptr(DwTestResponse) again = NULL;
  g_autoptr(DwTestResponse) fake = NULL;
  g_autoptr(DwTestResponse) after = NULL;
  gint64 version;
  JsonObject *ticket;
  guint at;

  g_assert_true (g_str_has_prefix (token, "dws_"));
  at = dw_test_stream_wait (admin, 0, "event", "survey.issued", 0);
  g_assert_cmpuint (dw_test_count_events (agent, 0, "survey.issued", 0), ==, 0);
  (void) at;

  ticket = get_ticket (id, &before);
  g_assert_true (json_object_get_null_member (ticket, "csat"));
  version = json_object_get_int_member (ticket, "version");

  first = answer (token, "{\"rating\": 5, \"comment\": \"很快就解决了 👍\"}");
  dw_test_assert_status (first, 200);
  g_assert_cmpint (json_object_get_int_member (dw_test_response_object (first), "rating"), ==, 5);
  g_assert_false (json_object_has_member (dw_test_response_object (first), "token"));

  ticket = get_ticket (id, &after);
  g_assert_cmpint (json_object_get_int_member (ticket, "csat"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (ticket, "csat_comment"), ==, "很快就解决了 👍");
  g_assert_cmpint (json_object_get_int_member (ticket, "version"), ==, version + 1);
  dw_test_stream_wait (lead, 0, "event", "ticket.updated", id);
  g_assert_cmpuint (count_rows ("SELECT count (*) FROM audit WHERE entity = 'ticket' AND "
                                "action = 'rated' AND actor_id IS NULL"), ==, 1);

  /* single use */
  again = answer (token, "{\"rating\": 1}");
  dw_test_assert_problem (again, 409, "conflict");

  /* a token of the right shape whose MAC is not the desk's names nothing */
  forged = g_strdup (token);
  forged[strlen (forged) - 1] = forged[strlen (forged) - 1] == '0' ? '1' : '0';
  fake = answer (forged, "{\"rating\": 5}");
  dw_test_assert_problem (fake, 404, "not-found");
}

static void
test_bad_answers (void)
{
  gint64 id = solved_ticket ("坏输入");
  g_autofree char *token = survey_token (id);
  const char *bodies[] = {
    "{\"rating\": 0}",
    "{\"rating\": 6}",
    "{\"rating\": \"5\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(DwTestResponse) r = answer (token, bodies[i]);

      dw_test_assert_problem (r, 400, "validation");
    }

  /* the survey is still open after bad answers */
  {
    g_autoptr(DwTestResponse) good = answer (token, "{\"rating\": 3}");

    dw_test_assert_status (good, 200);
  }
}

/* A ticket reopened by its customer and solved again gets a new survey; the old link is over.
 * Past its seven days a link is over too (the database says so, as a week would). */
static void
test_expiry (void)
{
  gint64 id = solved_ticket ("又坏了");
  g_autofree char *old = survey_token (id);
  g_autofree char *comments = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/comments", id);
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autofree char *fresh = NULL;
  g_autofree char *patch = NULL;
  g_autoptr(DwTestResponse) reopened = NULL;
  g_autoptr(DwTestResponse) current = NULL;
  g_autoptr(DwTestResponse) solved = NULL;
  g_autoptr(DwTestResponse) stale = NULL;
  g_autoptr(DwTestResponse) late = NULL;

  reopened = dw_test_server_json (server, "POST", comments, server->admin_token,
                                  "{\"body\": \"还是没收到\", \"public\": true, "
                                  "\"author_kind\": \"customer\"}");
  dw_test_assert_status (reopened, 201);
  patch = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"status\": \"solved\"}",
                           json_object_get_int_member (get_ticket (id, &current), "version"));
  solved = dw_test_server_json (server, "PATCH", path, server->lead_token, patch);
  dw_test_assert_status (solved, 200);
  fresh = survey_token (id);
  g_assert_cmpstr (fresh, !=, old);

  stale = answer (old, "{\"rating\": 1}");
  dw_test_assert_problem (stale, 410, "gone");

  dw_test_server_stop (server);
  /* a week and a second ago (SET reads the old issued_at) */
  exec_sql ("UPDATE surveys SET issued_at = issued_at - 604801, expires_at = issued_at - 1 "
            "WHERE answered_at IS NULL");
  dw_test_server_start (server, NULL);
  late = answer (fresh, "{\"rating\": 2}");
  dw_test_assert_problem (late, 410, "gone");
}

static void
test_void (void)
{
  gint64 id = solved_ticket ("刷评");
  g_autofree char *token = survey_token (id);
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/survey/void", id);
  g_autoptr(DwTestResponse) answered = answer (token, "{\"rating\": 1, \"comment\": \"spam\"}");
  g_autoptr(DwTestResponse) by_lead = NULL;
  g_autoptr(DwTestResponse) no_reason = NULL;
  g_autoptr(DwTestResponse) voided = NULL;
  g_autoptr(DwTestResponse) twice = NULL;
  g_autoptr(DwTestResponse) ticket = NULL;

  dw_test_assert_status (answered, 200);
  by_lead = dw_test_server_json (server, "POST", path, server->lead_token,
                                 "{\"reason\": \"customer confused\"}");
  dw_test_assert_problem (by_lead, 403, "forbidden");
  no_reason = dw_test_server_json (server, "POST", path, server->admin_token, "{\"reason\": \" \"}");
  dw_test_assert_problem (no_reason, 400, "validation");

  voided = dw_test_server_json (server, "POST", path, server->admin_token,
                                "{\"reason\": \"a competitor's spam, confirmed by the platform\"}");
  dw_test_assert_status (voided, 200);
  g_assert_nonnull (json_object_get_string_member (dw_test_response_object (voided), "voided_at"));
  g_assert_true (json_object_get_null_member (get_ticket (id, &ticket), "csat"));
  g_assert_cmpuint (count_rows ("SELECT count (*) FROM audit WHERE action = 'rating-voided' AND "
                                "reason = 'a competitor''s spam, confirmed by the platform'"), ==, 1);

  twice = dw_test_server_json (server, "POST", path, server->admin_token, "{\"reason\": \"again\"}");
  dw_test_assert_problem (twice, 409, "conflict");
}

/* Ratings stored before surveys (schema 5) become answered surveys when the service upgrades. */
static void
migrate_from_schema_5 (void)
{
  gint64 id = solved_ticket ("旧评分");
  /* back to schema 5: without the surveys and what later migrations added */
  g_autofree char *sql = g_strdup_printf ("DROP TABLE surveys; DROP TABLE agent_facts; "
                                          "DROP TABLE agent_fact_tickets; DROP TABLE agent_capacity; "
                                          "DELETE FROM settings WHERE key = 'agent_facts_audit_id'; "
                                          "%s; "
                                          "UPDATE tickets SET csat = 4, csat_comment = '还行' "
                                          "WHERE id = %" G_GINT64_FORMAT,
                                          /* each backend keeps its schema version its own way */
                                          dw_test_backend_is_postgresql ()
                                          ? "DELETE FROM schema_version WHERE version > 5"
                                          : "PRAGMA user_version = 5", id);
  g_autofree char *check = g_strdup_printf ("SELECT count (*) FROM surveys WHERE ticket_id = %"
                                            G_GINT64_FORMAT " AND rating = 4 AND comment = '还行' "
                                            "AND answered_at IS NOT NULL", id);

  dw_test_server_stop (server);
  exec_sql (sql);
  dw_test_server_start (server, NULL);
  g_assert_cmpuint (count_rows (check), ==, 1);
}

static void
test_migration (void)
{
  migrate_from_schema_5 ();
}


/* Every kind of bad answer is a problem, and none of them uses the survey up (on a desk of its
 * own, so that these answers do not count against the other tests' address). */
static void
test_bad_answer_shapes (void)
{
  g_autoptr(DwTestServer) desk = dw_test_server_new_with_desk ();
  g_autoptr(DwTestResponse) created = NULL, solved = NULL, survey = NULL, good = NULL, again = NULL;
  g_autofree char *path = NULL, *survey_path = NULL, *answer_path = NULL, *long_comment = NULL;
  g_autoptr(GString) comment = g_string_new (NULL);
  JsonObject *ticket;
  const struct { const char *body; guint status; const char *type; } bad[] = {
    { "{}", 400, "validation" },                                   /* no rating */
    { "{\"rating\": 4.5}", 400, "validation" },                    /* not a whole number */
    { "{\"rating\": null}", 400, "validation" },
    { "{\"rating\": 5, \"agent_id\": 3}", 400, "validation" },     /* unknown member */
    { "{\"rating\": 5, \"comment\": 5}", 400, "validation" },
    { "[5]", 400, "malformed" },                                   /* not an object */
    { "rating=5", 400, "malformed" },                              /* not JSON */
  };

  created = dw_test_server_jsonf (desk, "POST", desk->admin_token, "/api/v1/tickets",
                                  "{\"subject\": \"形状\", \"channel\": \"web\", \"business_type\": "
                                  "\"logistics\", \"assignee_id\": %" G_GINT64_FORMAT "}",
                                  desk->agent_id);
  dw_test_assert_status (created, 201);
  ticket = dw_test_response_object (created);
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, json_object_get_int_member (ticket, "id"));
  solved = dw_test_server_jsonf (desk, "PATCH", desk->lead_token, path,
                                 "{\"version\": %" G_GINT64_FORMAT ", \"status\": \"solved\"}",
                                 json_object_get_int_member (ticket, "version"));
  dw_test_assert_status (solved, 200);
  survey_path = g_strdup_printf ("%s/survey", path);
  survey = dw_test_server_json (desk, "GET", survey_path, desk->admin_token, NULL);
  dw_test_assert_status (survey, 200);
  answer_path = g_strdup_printf ("/api/v1/surveys/%s",
                                 json_object_get_string_member (dw_test_response_object (survey),
                                                                "token"));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(DwTestResponse) r = dw_test_server_json (desk, "POST", answer_path, NULL,
                                                         bad[i].body);

      g_test_message ("%s", bad[i].body);
      dw_test_assert_problem (r, bad[i].status, bad[i].type);
    }

  /* a comment one character too long (2001 Chinese characters, not bytes) */
  for (guint i = 0; i < 2001; i++)
    g_string_append (comment, "好");
  long_comment = g_strdup_printf ("{\"rating\": 5, \"comment\": \"%s\"}", comment->str);
  {
    g_autoptr(DwTestResponse) r = dw_test_server_json (desk, "POST", answer_path, NULL,
                                                       long_comment);

    dw_test_assert_problem (r, 400, "validation");
  }

  /* still open: the customer's real answer goes through, once */
  good = dw_test_server_json (desk, "POST", answer_path, NULL, "{\"rating\": 4, \"comment\": null}");
  dw_test_assert_status (good, 200);
  again = dw_test_server_json (desk, "POST", answer_path, NULL, "{\"rating\": 5}");
  dw_test_assert_problem (again, 409, "conflict");
}

/* Ten answers in a row from one address, then one every six seconds: the eleventh waits. */
static void
test_rate_limit (void)
{
  g_autoptr(DwTestServer) fresh = dw_test_server_new ();
  guint limited = 0;

  for (guint i = 0; i < 11; i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/surveys/dws_%016x%032x", i + 1, 0);
      g_autoptr(DwTestResponse) r = dw_test_server_json (fresh, "POST", path, NULL,
                                                         "{\"rating\": 5}");

      if (r->status == 429)
        {
          limited++;
          dw_test_assert_problem (r, 429, "too-many-requests");
          g_assert_nonnull (soup_message_headers_get_one (r->headers, "Retry-After"));
        }
      else
        dw_test_assert_problem (r, 404, "not-found");
    }
  g_assert_cmpuint (limited, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = dw_test_server_new_with_desk ();

  g_test_add_func ("/api/surveys/desk-cannot-rate", test_desk_cannot_rate);
  g_test_add_func ("/api/surveys/answer-once", test_answer_once);
  g_test_add_func ("/api/surveys/bad-answers", test_bad_answers);
  g_test_add_func ("/api/surveys/expiry", test_expiry);
  g_test_add_func ("/api/surveys/void", test_void);
  g_test_add_func ("/api/surveys/migration", test_migration);
  g_test_add_func ("/api/surveys/rate-limit", test_rate_limit);
  g_test_add_func ("/api/surveys/bad-answer-shapes", test_bad_answer_shapes);

  ret = g_test_run ();
  dw_test_server_free (server);
  return ret;
}
