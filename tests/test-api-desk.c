/* API tests: the desk must not drift — capacity holds on every assignment path unless a lead
 * overrides it (audited), and the tickets of an agent who went offline go back to the queue
 * after the team's grace. */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "dw-test-server.h"

/* A request to @prefix followed by @id (when not 0), with a printf-style JSON body. */
static DwTestResponse *
requestf (DwTestServer *s,
          const char   *method,
          const char   *token,
          const char   *prefix,
          gint64        id,
          const char   *json_format,
          ...) G_GNUC_PRINTF (6, 7);

static DwTestResponse *
requestf (DwTestServer *s,
          const char   *method,
          const char   *token,
          const char   *prefix,
          gint64        id,
          const char   *json_format,
          ...)
{
  g_autofree char *path = NULL;
  g_autofree char *json = NULL;
  va_list args;

  path = id > 0 ? g_strdup_printf ("%s%" G_GINT64_FORMAT, prefix, id) : g_strdup (prefix);
  va_start (args, json_format);
  json = g_strdup_vprintf (json_format, args);
  va_end (args);

  return dw_test_server_json (s, method, path, token, *json != '\0' ? json : NULL);
}

static JsonObject *
take_object (DwTestResponse *r,
             guint           status)
{
  dw_test_assert_status (r, status);
  return json_object_ref (dw_test_response_object (r));
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

static void
set_presence (DwTestServer *s,
              const char   *token,
              gint64        user_id,
              const char   *presence)
{
  g_autoptr(DwTestResponse) r = NULL;

  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/presence", user_id);
  g_autofree char *body = g_strdup_printf ("{\"presence\": \"%s\"}", presence);

  r = dw_test_server_json (s, "PUT", path, token, body);
  dw_test_assert_status (r, 200);
}

static gint64
int_or_zero (JsonObject *o,
             const char *member)
{
  JsonNode *node = json_object_get_member (o, member);

  return node == NULL || JSON_NODE_HOLDS_NULL (node) ? 0 : json_node_get_int (node);
}

static gint64
id_of (JsonObject *o)
{
  return json_object_get_int_member (o, "id");
}

static gboolean
audit_has (DwTestServer *s,
           gint64        ticket_id,
           const char   *action,
           const char   *reason_part)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/audit", ticket_id);
  g_autoptr(DwTestResponse) r = dw_test_server_json (s, "GET", path, s->admin_token, NULL);
  JsonArray *items;

  dw_test_assert_status (r, 200);
  items = dw_test_response_items (r);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *a = json_array_get_object_element (items, i);
      const char *reason = json_object_get_string_member_with_default (a, "reason", NULL);

      if (g_strcmp0 (json_object_get_string_member (a, "action"), action) == 0
          && (reason_part == NULL || (reason != NULL && strstr (reason, reason_part) != NULL)))
        return TRUE;
    }

  return FALSE;
}

static gint64
open_tickets (DwTestServer *s,
              gint64        user_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, user_id);
  g_autoptr(DwTestResponse) r = dw_test_server_json (s, "GET", path, s->admin_token, NULL);

  dw_test_assert_status (r, 200);
  return json_object_get_int_member (dw_test_response_object (r), "open_tickets");
}

static void
set_grace (DwTestServer *s,
           gint64        team_id,
           int           minutes)
{
  g_autoptr(DwTestResponse) r = NULL;

  r = requestf (s, "PATCH", s->admin_token, "/api/v1/teams/", team_id,
                "{\"offline_grace_minutes\": %d}", minutes);
  dw_test_assert_status (r, 200);
  g_assert_cmpint (json_object_get_int_member (dw_test_response_object (r),
                                   "offline_grace_minutes"), ==, minutes);
}

/* Capacity */

static void
test_capacity (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  g_autoptr(JsonObject) waiting = NULL;
  g_autoptr(JsonObject) t = NULL;
  g_autoptr(DwTestResponse) r = NULL;

  /* Capacity 2: routing fills it and stops. */
  set_presence (s, s->agent_token, s->agent_id, "online");
  a = create_ticket (s, s->admin_token, "{\"subject\": \"快递一\", \"channel\": \"web\"}");
  b = create_ticket (s, s->admin_token, "{\"subject\": \"快递二\", \"channel\": \"web\"}");
  waiting = create_ticket (s, s->admin_token, "{\"subject\": \"快递三\", \"channel\": \"web\"}");
  g_assert_cmpint (int_or_zero (a, "assignee_id"), ==, s->agent_id);
  g_assert_cmpint (int_or_zero (b, "assignee_id"), ==, s->agent_id);
  g_assert_cmpint (int_or_zero (waiting, "assignee_id"), ==, 0);

  /* A lead's reassignment by hand is refused over capacity, with a problem... */
  r = requestf (s, "PATCH", s->lead_token, "/api/v1/tickets/", id_of (waiting),
                "{\"version\": 1, \"assignee_id\": %" G_GINT64_FORMAT "}",
                s->agent_id);
  dw_test_assert_problem (r, 409, "over-capacity");
  g_assert_nonnull (strstr (json_object_get_string_member (dw_test_response_object (r), "detail"),
                "2 of 2"));
  g_clear_pointer (&r, dw_test_response_free);
  t = get_ticket (s, id_of (waiting));
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (t, "version"), ==, 1);
  g_assert_cmpint (open_tickets (s, s->agent_id), ==, 2);

  /* ...and so is an assignment on intake. */
  r = requestf (s, "POST", s->admin_token, "/api/v1/tickets", 0,
                "{\"subject\": \"快递四\", \"channel\": \"web\", "
                "\"assignee_id\": %" G_GINT64_FORMAT "}", s->agent_id);
  dw_test_assert_problem (r, 409, "over-capacity");
  g_clear_pointer (&r, dw_test_response_free);

  /* An agent cannot override (it cannot assign others anyway). */
  r = requestf (s, "POST", s->agent_token, "/api/v1/tickets", 0,
                "{\"subject\": \"快递五\", \"channel\": \"web\", "
                "\"override_capacity\": true, "
                "\"assignee_id\": %" G_GINT64_FORMAT "}", s->agent_id);
  dw_test_assert_problem (r, 403, "forbidden");
  g_clear_pointer (&r, dw_test_response_free);

  /* The override is explicit, goes through, and is audited. */
  r = requestf (s, "PATCH", s->lead_token, "/api/v1/tickets/", id_of (waiting),
                "{\"version\": 1, \"assignee_id\": %" G_GINT64_FORMAT ", "
                "\"override_capacity\": true}", s->agent_id);
  dw_test_assert_status (r, 200);
  g_assert_cmpint (int_or_zero (dw_test_response_object (r), "assignee_id"), ==, s->agent_id);
  g_clear_pointer (&r, dw_test_response_free);
  g_assert_true (audit_has (s, id_of (waiting), "capacity-override", "2 of 2"));
  g_assert_cmpint (open_tickets (s, s->agent_id), ==, 3);

  /* A non-boolean override is a validation problem. */
  r = requestf (s, "PATCH", s->lead_token, "/api/v1/tickets/", id_of (waiting),
                "{\"version\": 2, \"override_capacity\": \"yes\"}");
  dw_test_assert_problem (r, 400, "validation");
  g_clear_pointer (&r, dw_test_response_free);

  /* A solved ticket the customer writes about again is new load: its agent is still full (b
   * and the overridden one), so it goes back to the queue instead. */
  r = requestf (s, "PATCH", s->agent_token, "/api/v1/tickets/", id_of (a),
                "{\"version\": 1, \"status\": \"solved\"}");
  dw_test_assert_status (r, 200);
  g_clear_pointer (&r, dw_test_response_free);
  g_assert_cmpint (open_tickets (s, s->agent_id), ==, 2);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/comments",
                                             id_of (a));

    r = dw_test_server_json (s, "POST", path, s->admin_token,
                             "{\"body\": \"还是没收到\", \"author_kind\": \"customer\"}");
    dw_test_assert_status (r, 201);
  }
  g_clear_pointer (&t, json_object_unref);
  t = get_ticket (s, id_of (a));
  g_assert_cmpstr (json_object_get_string_member (t, "status"), ==, "open");
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, 0);
  g_assert_true (audit_has (s, id_of (a), "assigned", "back to the team queue"));
  g_assert_cmpint (open_tickets (s, s->agent_id), ==, 2);
}

/* Stranded tickets */

static void
test_offline_at_once (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) t = NULL;
  g_autoptr(DwTestResponse) r = NULL;

  /* A new team has a grace of ten minutes; bad values are refused. */
  r = requestf (s, "POST", s->admin_token, "/api/v1/teams", 0, "%s", "{\"name\": \"Presales\"}");
  dw_test_assert_status (r, 201);
  g_assert_cmpint (json_object_get_int_member (dw_test_response_object (r),
                                               "offline_grace_minutes"), ==, 10);
  g_clear_pointer (&r, dw_test_response_free);
  r = requestf (s, "PATCH", s->admin_token, "/api/v1/teams/", s->team_id,
                "{\"offline_grace_minutes\": -1}");
  dw_test_assert_problem (r, 400, "validation");
  g_clear_pointer (&r, dw_test_response_free);
  r = requestf (s, "PATCH", s->lead_token, "/api/v1/teams/", s->team_id,
                "{\"offline_grace_minutes\": 0}");
  dw_test_assert_problem (r, 403, "forbidden");
  g_clear_pointer (&r, dw_test_response_free);

  set_grace (s, s->team_id, 0);
  set_presence (s, s->agent_token, s->agent_id, "online");
  a = create_ticket (s, s->admin_token, "{\"subject\": \"快递一\", \"channel\": \"web\"}");
  g_assert_cmpint (int_or_zero (a, "assignee_id"), ==, s->agent_id);

  /* No grace: going offline hands the ticket back in the same change. */
  set_presence (s, s->agent_token, s->agent_id, "offline");
  t = get_ticket (s, id_of (a));
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (t, "version"), ==, 2);
  g_assert_true (audit_has (s, id_of (a), "handed-back", "grace of 0 minutes"));
  g_assert_cmpint (open_tickets (s, s->agent_id), ==, 0);

  /* Given by hand to the agent who is offline: its grace is long over, back it goes. */
  r = requestf (s, "PATCH", s->lead_token, "/api/v1/tickets/", id_of (a),
                "{\"version\": 2, \"assignee_id\": %" G_GINT64_FORMAT "}", s->agent_id);
  dw_test_assert_status (r, 200);
  g_clear_pointer (&r, dw_test_response_free);
  {
    gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

    for (;;)
      {
        g_clear_pointer (&t, json_object_unref);
        t = get_ticket (s, id_of (a));
        if (int_or_zero (t, "assignee_id") == 0 || g_get_monotonic_time () > deadline)
          break;
        g_usleep (50 * 1000);
      }
  }
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (t, "version"), ==, 4);
}

static void
test_offline_after_grace (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) pending = NULL;
  g_autoptr(JsonObject) t = NULL;
  g_autoptr(DwTestResponse) r = NULL;
  g_autofree char *other_token = NULL;
  const char * const fast[] = { "--speed", "120", NULL };
  gint64 other_id;
  gint64 deadline;

  /* 120 simulated seconds a second: a grace of 2 minutes is one real second. */
  dw_test_server_stop (s);
  dw_test_server_start (s, fast);
  set_grace (s, s->team_id, 2);

  set_presence (s, s->agent_token, s->agent_id, "online");
  a = create_ticket (s, s->admin_token, "{\"subject\": \"快递一\", \"channel\": \"web\"}");
  pending = create_ticket (s, s->admin_token, "{\"subject\": \"快递二\", \"channel\": \"web\"}");
  g_assert_cmpint (int_or_zero (a, "assignee_id"), ==, s->agent_id);
  g_assert_cmpint (int_or_zero (pending, "assignee_id"), ==, s->agent_id);
  r = requestf (s, "PATCH", s->agent_token, "/api/v1/tickets/", id_of (pending),
                "{\"version\": 1, \"status\": \"pending\"}");
  dw_test_assert_status (r, 200);
  g_clear_pointer (&r, dw_test_response_free);

  /* A colleague is online with room. */
  r = requestf (s, "POST", s->admin_token, "/api/v1/users", 0,
                "{\"username\": \"other\", \"display_name\": \"Other\", "
                "\"role\": \"agent\", \"password\": \"" DW_TEST_PASSWORD "\", "
                "\"teams\": [{\"id\": %" G_GINT64_FORMAT "}]}", s->team_id);
  dw_test_assert_status (r, 201);
  other_id = json_object_get_int_member (dw_test_response_object (r), "id");
  g_clear_pointer (&r, dw_test_response_free);
  other_token = dw_test_server_sign_in (s, "other", DW_TEST_PASSWORD);
  set_presence (s, other_token, other_id, "online");

  /* Offline: within the grace the ticket stays (a dropped connection is not a shift's end). */
  set_presence (s, s->agent_token, s->agent_id, "offline");
  t = get_ticket (s, id_of (a));
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, s->agent_id);
  g_clear_pointer (&t, json_object_unref);

  /* After it, the waiting ticket goes to the online colleague; the pending one stays. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  for (;;)
    {
      t = get_ticket (s, id_of (a));
      if (int_or_zero (t, "assignee_id") != s->agent_id || g_get_monotonic_time () > deadline)
        break;
      g_clear_pointer (&t, json_object_unref);
      g_usleep (50 * 1000);
    }
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, other_id);
  g_assert_true (audit_has (s, id_of (a), "handed-back", "grace of 2 minutes"));
  g_assert_true (audit_has (s, id_of (a), "assigned", "routing"));
  g_clear_pointer (&t, json_object_unref);
  t = get_ticket (s, id_of (pending));
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, s->agent_id);
  g_clear_pointer (&t, json_object_unref);

  /* The hand-back survives a restart: an agent offline before it still has its grace counted. */
  set_presence (s, other_token, other_id, "offline");
  dw_test_server_stop (s);
  dw_test_server_start (s, fast);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  for (;;)
    {
      t = get_ticket (s, id_of (a));
      if (int_or_zero (t, "assignee_id") == 0 || g_get_monotonic_time () > deadline)
        break;
      g_clear_pointer (&t, json_object_unref);
      g_usleep (50 * 1000);
    }
  g_assert_cmpint (int_or_zero (t, "assignee_id"), ==, 0);
}

/* Breach: the ticket-level definition */

static void
exec_sql (DwTestServer *s,
          const char   *sql)
{
  dw_test_server_exec (s, sql);
}

static const char *
breach_of (DwTestServer *s,
           gint64        id)
{
  g_autoptr(JsonObject) t = get_ticket (s, id);
  static char breach[16];

  g_strlcpy (breach, json_object_get_string_member (t, "breach"), sizeof breach);
  return breach;
}

static gboolean
listed (DwTestServer *s,
        const char   *query,
        gint64        id)
{
  g_autofree char *path = g_strconcat ("/api/v1/tickets?", query, NULL);
  g_autoptr(DwTestResponse) r = dw_test_server_json (s, "GET", path, s->admin_token, NULL);
  JsonArray *items;

  dw_test_assert_status (r, 200);
  items = dw_test_response_items (r);
  for (guint i = 0; i < json_array_get_length (items); i++)
    if (id_of (json_array_get_object_element (items, i)) == id)
      return TRUE;
  return FALSE;
}

static void
wait_for_breach (DwTestServer *s,
                 gint64        id,
                 const char   *breach)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!g_str_equal (breach_of (s, id), breach))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("ticket %" G_GINT64_FORMAT " never had breach %s", id, breach);
      g_usleep (50 * 1000);
    }
}

static void
comment (DwTestServer *s,
         gint64        id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/comments", id);
  g_autoptr(DwTestResponse) r = NULL;

  r = dw_test_server_json (s, "POST", path, s->agent_token,
                           "{\"body\": \"您好\", \"public\": true}");
  dw_test_assert_status (r, 201);
}

static void
set_status (DwTestServer *s,
            gint64        id,
            const char   *status)
{
  g_autoptr(JsonObject) t = get_ticket (s, id);
  g_autoptr(DwTestResponse) r = NULL;

  r = requestf (s, "PATCH", s->admin_token, "/api/v1/tickets/", id,
                "{\"version\": %" G_GINT64_FORMAT ", \"status\": \"%s\"}",
                json_object_get_int_member (t, "version"), status);
  dw_test_assert_status (r, 200);
}

static void
test_breach (void)
{
  g_autoptr(DwTestServer) s = dw_test_server_new_with_desk ();
  const char * const fast[] = { "--speed", "120", NULL };
  g_autoptr(JsonObject) late = NULL;
  g_autoptr(JsonObject) waits = NULL;

  /* Open all day; two minutes to the first reply. */
  dw_test_server_stop (s);
  exec_sql (s, "UPDATE calendars SET timezone = 'UTC', week = '[[[0,1440]],[[0,1440]],"
               "[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]],[[0,1440]]]'; "
               "INSERT INTO sla_policies (name, position, first_response_minutes, "
               "next_response_minutes, resolution_minutes, at_risk_ratio) "
               "VALUES ('Fast', 0, 2, 600, 600, 0.5)");
  dw_test_server_start (s, NULL);
  set_presence (s, s->agent_token, s->agent_id, "online");

  late = create_ticket (s, s->admin_token, "{\"subject\": \"快递一\", \"channel\": \"web\"}");
  waits = create_ticket (s, s->admin_token, "{\"subject\": \"快递二\", \"channel\": \"web\"}");
  g_assert_cmpstr (json_object_get_string_member (late, "breach"), ==, "none");
  g_assert_true (listed (s, "breach=none", id_of (late)));

  /* Now 120 simulated seconds a second: the two minutes pass in one. */
  dw_test_server_stop (s);
  dw_test_server_start (s, fast);

  /* The first reply is late: the breach runs until the reply is sent... */
  wait_for_breach (s, id_of (late), "running");
  wait_for_breach (s, id_of (waits), "running");
  g_assert_true (listed (s, "breach=running", id_of (late)));
  g_assert_false (listed (s, "breach=settled", id_of (late)));

  /* ...then it is settled: still breached as a target, no longer owed. */
  comment (s, id_of (late));
  g_assert_cmpstr (breach_of (s, id_of (late)), ==, "settled");
  g_assert_true (listed (s, "breach=settled", id_of (late)));
  g_assert_false (listed (s, "breach=running", id_of (late)));
  {
    g_autoptr(JsonObject) t = get_ticket (s, id_of (late));

    g_assert_cmpstr (json_object_get_string_member (t, "sla_state"), ==, "breached");
  }

  /* Waiting on the customer does not settle a late first reply: it is still owed. */
  set_status (s, id_of (waits), "pending");
  g_assert_cmpstr (breach_of (s, id_of (waits)), ==, "running");
  /* Solving settles it. */
  set_status (s, id_of (waits), "solved");
  g_assert_cmpstr (breach_of (s, id_of (waits)), ==, "settled");

  /* An unknown value is a validation problem. */
  {
    g_autoptr(DwTestResponse) r = dw_test_server_json (s, "GET", "/api/v1/tickets?breach=late",
                                                       s->admin_token, NULL);
    dw_test_assert_problem (r, 400, "validation");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api/desk/capacity", test_capacity);
  g_test_add_func ("/api/desk/offline-at-once", test_offline_at_once);
  g_test_add_func ("/api/desk/offline-after-grace", test_offline_after_grace);
  g_test_add_func ("/api/desk/breach", test_breach);

  return g_test_run ();
}
