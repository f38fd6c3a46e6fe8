/* test-store-snapshot.c: the console's reads (store/dw-store-snapshot.h) on both backends.
 *
 * Every case opens the same seeded desk on SQLite and on PostgreSQL (tests/dw-test-store.h)
 * and asks both the same: the snapshot's objects and tickets (JSON compared member by member,
 * types included), the compact form's rows, the list's pages for each filter and cursor, a
 * ticket's comments and audit trail.  Each answer is also checked against what the seed holds,
 * so that two backends agreeing on a wrong answer fail too.
 */
#include "config.h"

#include "dw-store.h"
#include "store/dw-store-people.h"
#include "store/dw-store-snapshot.h"
#include "dw-test-store.h"

static const char seed_sql[] =
  "INSERT INTO teams (id, name, calendar_id, created_at) "
  "VALUES (7, 'Returns', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO teams (id, name, description, calendar_id, created_at) "
  "VALUES (8, 'Presales', 'Vor dem Kauf', (SELECT min (id) FROM calendars), 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (10, 'admin', 'Admin', 'admin', 0, 0);"
  "INSERT INTO users (id, username, display_name, role, presence, presence_since, created_at) "
  "VALUES (11, 'zhang', 'Zhang', 'lead', 'online', 1700000100, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (12, 'li', 'Li', 'agent', 0, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, created_at) "
  "VALUES (13, 'chen', 'Chen', 'agent', 0, 0);"
  "INSERT INTO users (id, username, display_name, role, presence_since, disabled, "
  "created_at) VALUES (14, 'wang', 'Wang', 'agent', 0, 1, 0);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 11, 1);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (7, 12, 0);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (8, 12, 0);"
  "INSERT INTO team_members (team_id, user_id, is_lead) VALUES (8, 13, 0);"
  "INSERT INTO user_skills (user_id, skill, level) VALUES (12, 'returns', 4);"
  "INSERT INTO user_skills (user_id, skill, level) VALUES (12, 'English', 2);"
  "INSERT INTO customers (id, name, created_at) VALUES (21, 'Zhao', 0);"
  "INSERT INTO business_types (key, name, team_id) VALUES ('returns', 'Returns', 7);"
  "INSERT INTO business_types (key, name, team_id) VALUES ('Damage', 'Damage', 7);"
  "INSERT INTO sla_policies (id, name, position, match_priorities, first_response_minutes, "
  "at_risk_ratio) VALUES (3, 'Urgent', 1, '[\"urgent\"]', 30, 0.8);"
  "INSERT INTO sla_policies (id, name, position, resolution_minutes) "
  "VALUES (2, 'Default', 2, 1440);"
  /* Active: 101, 102, 104, 105; solved 103, closed 106. */
  "INSERT INTO tickets (id, subject, body, channel, business_type, priority, status, team_id, "
  "assignee_id, customer_id, order_number, tags, created_at, updated_at) VALUES (101, "
  "'退货：箱子湿了', 'Der Karton war nass.', 'email', 'returns', 'high', 'new', 7, 12, 21, "
  "'SO-1', '[\"vip\",\"退货\"]', 1700000000, 1700000000);"
  "INSERT INTO tickets (id, subject, body, channel, priority, status, team_id, tags, "
  "sla_state, sla, created_at, updated_at) VALUES (102, 'Refund please', 'REFUND now', 'web', "
  "'normal', 'open', 8, '[]', 'breached', '[{\"target\":\"first_response\","
  "\"state\":\"breached\",\"target_minutes\":60,\"elapsed_seconds\":4000,"
  "\"at_risk_at\":\"2023-11-14T22:58:20Z\",\"due_at\":\"2023-11-14T23:13:20Z\","
  "\"met_at\":null,\"paused_reason\":null}]', 1700000001, 1700005000);"
  "INSERT INTO tickets (id, subject, channel, priority, status, team_id, assignee_id, tags, "
  "sla_state, sla, csat, csat_comment, solved_at, first_response_at, created_at, updated_at) "
  "VALUES (103, 'Settled', 'phone', 'low', 'solved', 7, 12, '[\"x\"]', 'breached', "
  "'[{\"target\":\"resolution\",\"state\":\"breached\",\"target_minutes\":60,"
  "\"elapsed_seconds\":9000,\"met_at\":\"2023-11-15T00:00:00Z\"}]', 4, 'ok', 1700009000, "
  "1700000500, 1700000002, 1700009000);"
  "INSERT INTO tickets (id, subject, channel, priority, status, team_id, assignee_id, tags, "
  "created_at, updated_at, next_sla_at) VALUES (104, 'Wo ist mein Paket?', 'phone', 'urgent', "
  "'pending', 7, 11, '[\"a\",\"b\",\"c\"]', 1700000003, 1700000003, 1700003600);"
  "INSERT INTO tickets (id, subject, body, channel, business_type, priority, status, team_id, "
  "assignee_id, order_number, tags, escalation_level, sla_policy_id, sla_state, sla, "
  "first_response_at, created_at, updated_at) VALUES (105, 'Rabatt 50% auf_Artikel', '', "
  "'wechat', 'Damage', 'normal', 'on-hold', 8, 13, 'SO-50%', '[\"vip\"]', 2, 3, 'ok', "
  "'[{\"target\":\"resolution\",\"state\":\"ok\",\"target_minutes\":1440,"
  "\"elapsed_seconds\":60,\"at_risk_at\":\"2023-11-15T18:00:00Z\","
  "\"due_at\":\"2023-11-15T22:13:20Z\",\"met_at\":null,\"paused_reason\":\"pending\"}]', "
  "1700000600, 1700000004, 1700000700);"
  "INSERT INTO tickets (id, subject, channel, priority, status, team_id, tags, created_at, "
  "updated_at) VALUES (106, 'Closed one', 'app', 'low', 'closed', 7, '[]', 1700000005, "
  "1700000005);"
  "INSERT INTO comments (id, ticket_id, author_kind, author_id, public, body, created_at) "
  "VALUES (31, 101, 'customer', 21, 1, 'Hallo', 1700000010);"
  "INSERT INTO comments (id, ticket_id, author_kind, author_id, public, body, created_at) "
  "VALUES (32, 101, 'system', NULL, 0, 'Routed', 1700000011);"
  "INSERT INTO audit (id, at, actor_id, entity, entity_id, action, field, before, after, reason) "
  "VALUES (41, 1700000000, NULL, 'ticket', 101, 'created', NULL, NULL, NULL, NULL);"
  "INSERT INTO audit (id, at, actor_id, entity, entity_id, action, field, before, after, reason) "
  "VALUES (42, 1700000020, 11, 'ticket', 101, 'updated', 'priority', '\"normal\"', '\"high\"', "
  "'customer is vip');"
  "INSERT INTO audit (id, at, actor_id, entity, entity_id, action) "
  "VALUES (43, 1700000030, 11, 'user', 101, 'updated');"
  "INSERT INTO settings (key, value) VALUES ('demo_history', 'ready');";

typedef struct
{
  DwTestStore *desks[2];
  guint        n_desks;
  GArray      *lead_teams;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  gint64 team = 7;

  for (const char * const *backend = dw_test_store_backends (); *backend != NULL; backend++)
    {
      fixture->desks[fixture->n_desks++] = dw_test_store_open_seeded (*backend, seed_sql);
    }
  g_assert_cmpuint (fixture->n_desks, ==, 2);
  fixture->lead_teams = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (fixture->lead_teams, team);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  for (guint i = 0; i < fixture->n_desks; i++)
    g_clear_pointer (&fixture->desks[i], dw_test_store_close);
  g_clear_pointer (&fixture->lead_teams, g_array_unref);
}

/* Member by member, the kinds of values included (an integer is not a string nor a double). */
static void
assert_same_node (JsonNode   *a,
                  JsonNode   *b,
                  const char *path)
{
  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    g_error ("%s: %s vs %s", path, json_node_type_name (a), json_node_type_name (b));

  switch (JSON_NODE_TYPE (a))
    {
    case JSON_NODE_NULL:
      break;
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (a) != json_node_get_value_type (b))
        g_error ("%s: %s vs %s", path, g_type_name (json_node_get_value_type (a)),
                 g_type_name (json_node_get_value_type (b)));
      if (!json_node_equal (a, b))
        {
          g_autofree char *ta = json_to_string (a, FALSE);
          g_autofree char *tb = json_to_string (b, FALSE);

          g_error ("%s: %s vs %s", path, ta, tb);
        }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *x = json_node_get_array (a);
        JsonArray *y = json_node_get_array (b);

        if (json_array_get_length (x) != json_array_get_length (y))
          g_error ("%s: %u vs %u elements", path, json_array_get_length (x),
                   json_array_get_length (y));
        for (guint i = 0; i < json_array_get_length (x); i++)
          {
            g_autofree char *p = g_strdup_printf ("%s[%u]", path, i);

            assert_same_node (json_array_get_element (x, i), json_array_get_element (y, i), p);
          }
      }
      break;
    case JSON_NODE_OBJECT:
      {
        JsonObject *x = json_node_get_object (a);
        JsonObject *y = json_node_get_object (b);
        JsonObjectIter iter;
        const char *key;
        JsonNode *node;

        if (json_object_get_size (x) != json_object_get_size (y))
          g_error ("%s: %u vs %u members", path, json_object_get_size (x),
                   json_object_get_size (y));
        json_object_iter_init (&iter, x);
        while (json_object_iter_next (&iter, &key, &node))
          {
            g_autofree char *p = g_strdup_printf ("%s.%s", path, key);

            if (!json_object_has_member (y, key))
              g_error ("%s: missing", p);
            assert_same_node (node, json_object_get_member (y, key), p);
          }
      }
      break;
    }
}

static void
assert_same_array (JsonArray  *a,
                   JsonArray  *b,
                   const char *path)
{
  g_autoptr(JsonNode) x = json_node_init_array (json_node_alloc (), a);
  g_autoptr(JsonNode) y = json_node_init_array (json_node_alloc (), b);

  assert_same_node (x, y, path);
}

static JsonArray *
parse_array (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

static JsonArray *
active_tickets (DwTestStore             *desk,
                const DwStoreVisibility *visibility)
{
  g_autoptr(GString) out = g_string_new ("[");
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_store_active_tickets_json (desk->store, visibility, out, &error));
  g_assert_no_error (error);
  g_string_append_c (out, ']');
  return parse_array (out->str);
}

static void
assert_ids (JsonArray    *items,
            const gint64 *ids,
            guint         n_ids)
{
  g_assert_cmpuint (json_array_get_length (items), ==, n_ids);
  for (guint i = 0; i < n_ids; i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, i), "id"),
                     ==, ids[i]);
}

/* Tests */

static void
test_snapshot_objects (Fixture       *fixture,
                       gconstpointer  data)
{
  JsonArray *answers[2][5] = { { NULL } };
  DwStoreVisibility all = { TRUE, 0, NULL };
  DwStoreVisibility lead = { FALSE, 11, fixture->lead_teams };
  DwStoreVisibility agent = { FALSE, 13, NULL };

  for (guint d = 0; d < 2; d++)
    {
      DwStore *store = fixture->desks[d]->store;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) me = NULL;
      g_autoptr(JsonObject) nobody = NULL;
      JsonObject *o;

      answers[d][0] = dw_store_teams_json (store, &error);
      g_assert_no_error (error);
      answers[d][1] = dw_store_users_json (store, &all, &error);
      g_assert_no_error (error);
      answers[d][2] = dw_store_users_json (store, &lead, &error);
      g_assert_no_error (error);
      answers[d][3] = dw_store_users_json (store, &agent, &error);
      g_assert_no_error (error);
      answers[d][4] = dw_store_sla_policies_json (store, &error);
      g_assert_no_error (error);

      /* What the seed holds. */
      assert_ids (answers[d][0], (gint64[]) { 7, 8 }, 2);
      o = json_array_get_object_element (answers[d][0], 0);
      g_assert_cmpint (json_array_get_length (json_object_get_array_member (o, "business_types")),
                       ==, 2);
      /* Byte order, as SQLite's BINARY collation. */
      g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (o,
                       "business_types"), 0), ==, "Damage");
      assert_ids (answers[d][1], (gint64[]) { 10, 11, 12, 13 }, 4);   /* not disabled 14 */
      assert_ids (answers[d][2], (gint64[]) { 11, 12 }, 2);
      assert_ids (answers[d][3], (gint64[]) { 13 }, 1);
      o = json_array_get_object_element (answers[d][1], 2);
      g_assert_cmpint (json_object_get_int_member (o, "open_tickets"), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                       json_object_get_array_member (o, "skills"), 0), "skill"), ==, "English");
      assert_ids (answers[d][4], (gint64[]) { 3, 2 }, 2);

      me = dw_store_user_load_json (store, 11, &error);
      g_assert_no_error (error);
      g_assert_true (json_object_get_boolean_member (json_array_get_object_element (
                     json_object_get_array_member (me, "teams"), 0), "is_lead"));
      nobody = dw_store_user_load_json (store, 99, &error);
      g_assert_error (error, DW_STORE_ERROR, DW_STORE_ERROR_NOT_FOUND);
      g_assert_null (nobody);
    }

  for (guint i = 0; i < G_N_ELEMENTS (answers[0]); i++)
    {
      g_autofree char *path = g_strdup_printf ("answer %u", i);

      assert_same_array (answers[0][i], answers[1][i], path);
      json_array_unref (answers[0][i]);
      json_array_unref (answers[1][i]);
    }
}

static void
test_snapshot_tickets (Fixture       *fixture,
                       gconstpointer  data)
{
  DwStoreVisibility visibilities[] = {
    { TRUE, 0, NULL },
    { FALSE, 11, fixture->lead_teams },
    { FALSE, 12, NULL },
    { FALSE, 99, NULL },
  };

  for (guint v = 0; v < G_N_ELEMENTS (visibilities); v++)
    {
      g_autoptr(JsonArray) sqlite = active_tickets (fixture->desks[0], &visibilities[v]);
      g_autoptr(JsonArray) pg = active_tickets (fixture->desks[1], &visibilities[v]);
      g_autofree char *path = g_strdup_printf ("visibility %u", v);

      assert_same_array (sqlite, pg, path);
      switch (v)
        {
        case 0: assert_ids (sqlite, (gint64[]) { 101, 102, 104, 105 }, 4); break;
        case 1: assert_ids (sqlite, (gint64[]) { 101, 104 }, 2); break;
        case 2: assert_ids (sqlite, (gint64[]) { 101 }, 1); break;
        default: assert_ids (sqlite, NULL, 0); break;
        }

      if (v == 0)
        {
          JsonObject *t102 = json_array_get_object_element (sqlite, 1);
          JsonObject *t105 = json_array_get_object_element (sqlite, 3);

          g_assert_cmpstr (json_object_get_string_member (t102, "breach"), ==, "running");
          g_assert_true (json_object_get_null_member (t102, "assignee_id"));
          g_assert_cmpstr (json_object_get_string_member (t105, "first_response_at"), ==,
                           "2023-11-14T22:23:20Z");
          g_assert_cmpint (json_object_get_int_member (t105, "escalation_level"), ==, 2);
        }
    }
}

/* The compact form's rows, written out as text (tags by index). */
typedef struct
{
  GString    *out;
  GHashTable *tags;   /* index → text, of the ticket being read */
} CompactText;

static void
append_text (GString     *out,
             const char  *name,
             DwStoreText  text)
{
  if (text.text == NULL)
    g_string_append_printf (out, " %s=null", name);
  else
    g_string_append_printf (out, " %s=\"%.*s\"", name, (int) text.length, text.text);
}

static void
compact_tag (gint64      ticket_id,
             gint64      index,
             DwStoreText value,
             gpointer    user_data)
{
  CompactText *c = user_data;

  g_hash_table_insert (c->tags, GINT_TO_POINTER ((int) index),
                       g_strndup (value.text, value.length));
}

static void
compact_ticket (const DwStoreCompactTicket *t,
                gpointer                    user_data)
{
  CompactText *c = user_data;
  GString *out = c->out;

  g_string_append_printf (out, "%" G_GINT64_FORMAT, t->id);
  append_text (out, "subject", t->subject);
  append_text (out, "body", t->body);
  append_text (out, "channel", t->channel);
  append_text (out, "business_type", t->business_type);
  append_text (out, "priority", t->priority);
  append_text (out, "status", t->status);
  g_string_append_printf (out, " team=%" G_GINT64_FORMAT " assignee=%" G_GINT64_FORMAT
                          " customer=%" G_GINT64_FORMAT, t->team_id, t->assignee_id,
                          t->customer_id);
  append_text (out, "order_number", t->order_number);
  g_string_append_printf (out, " times=%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%"
                          G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                          " version=%" G_GINT64_FORMAT " level=%d policy=%" G_GINT64_FORMAT
                          " csat=%d", t->created_at, t->updated_at, t->first_response_at,
                          t->solved_at, t->next_sla_at, t->version, t->escalation_level,
                          t->sla_policy_id, t->csat);
  append_text (out, "sla_state", t->sla_state);
  append_text (out, "csat_comment", t->csat_comment);
  append_text (out, "breach", t->breach);
  append_text (out, "tags_json", t->tags);
  append_text (out, "sla_json", t->sla);
  g_string_append (out, " tags=");
  for (guint i = 0; i < g_hash_table_size (c->tags); i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "|" : "",
                            (char *) g_hash_table_lookup (c->tags, GINT_TO_POINTER ((int) i)));
  g_string_append_c (out, '\n');
  g_hash_table_remove_all (c->tags);
}

static char *
compact_text (DwTestStore             *desk,
              const DwStoreVisibility *visibility)
{
  CompactText c = { g_string_new (NULL),
                    g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free) };
  g_autoptr(GError) error = NULL;

  g_assert_true (dw_store_active_tickets_compact (desk->store, visibility, compact_ticket,
                                                  compact_tag, &c, &error));
  g_assert_no_error (error);
  g_hash_table_unref (c.tags);
  return g_string_free (c.out, FALSE);
}

static void
test_snapshot_compact (Fixture       *fixture,
                       gconstpointer  data)
{
  DwStoreVisibility all = { TRUE, 0, NULL };
  DwStoreVisibility lead = { FALSE, 11, fixture->lead_teams };
  g_autofree char *sqlite = compact_text (fixture->desks[0], &all);
  g_autofree char *pg = compact_text (fixture->desks[1], &all);
  g_autofree char *sqlite_lead = compact_text (fixture->desks[0], &lead);
  g_autofree char *pg_lead = compact_text (fixture->desks[1], &lead);

  g_assert_cmpstr (sqlite, ==, pg);
  g_assert_cmpstr (sqlite_lead, ==, pg_lead);
  g_assert_nonnull (strstr (sqlite, "101 subject=\"退货：箱子湿了\""));
  g_assert_nonnull (strstr (sqlite, "tags=vip|退货\n"));
  g_assert_nonnull (strstr (sqlite, "tags=a|b|c\n"));
  g_assert_nonnull (strstr (sqlite, "102 subject=\"Refund please\" body=\"REFUND now\""));
  g_assert_nonnull (strstr (sqlite, "order_number=null"));
  g_assert_nonnull (strstr (sqlite, "breach=\"running\""));
  g_assert_null (strstr (sqlite, "103 "));
  g_assert_null (strstr (sqlite_lead, "102 "));
}

/* Every page of @filter on both backends: the same tickets, the same ends. */
static JsonArray *
all_pages (DwTestStore         *desk,
           DwStoreTicketFilter *filter)
{
  JsonArray *all = json_array_new ();
  gint64 before = 0;
  gboolean more;

  do
    {
      g_autoptr(JsonArray) page = json_array_new ();
      g_autoptr(GError) error = NULL;
      DwStoreTicketFilter f = *filter;

      f.before_id = before;
      g_assert_true (dw_store_ticket_list (desk->store, &f, page, &more, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (json_array_get_length (page), <=, f.limit);
      if (more)
        g_assert_cmpuint (json_array_get_length (page), ==, f.limit);
      for (guint i = 0; i < json_array_get_length (page); i++)
        {
          JsonObject *o = json_array_get_object_element (page, i);

          before = json_object_get_int_member (o, "id");
          json_array_add_object_element (all, json_object_ref (o));
        }
    }
  while (more);
  return all;
}

static void
test_list (Fixture       *fixture,
           gconstpointer  data)
{
  static const char * const open_pending[] = { "open", "pending", NULL };
  static const char * const running[] = { "running", NULL };
  static const char * const settled[] = { "settled", NULL };
  static const char * const urgent_low[] = { "urgent", "low", NULL };
  static const char * const phone[] = { "phone", NULL };
  static const char * const breached[] = { "breached", NULL };
  static const char * const types[] = { "returns", "Damage", NULL };
  const struct
  {
    DwStoreTicketFilter filter;
    gint64              ids[6];
    guint               n_ids;
  } cases[] = {
    { { .visibility = { TRUE } }, { 106, 105, 104, 103, 102, 101 }, 6 },
    { { .visibility = { FALSE, 11, fixture->lead_teams } }, { 106, 104, 103, 101 }, 4 },
    { { .visibility = { FALSE, 12 } }, { 103, 101 }, 2 },
    { { .visibility = { FALSE, 99 } }, { 0 }, 0 },
    { { .visibility = { TRUE }, .team_id = 8 }, { 105, 102 }, 2 },
    { { .visibility = { TRUE }, .assignee_id = 12 }, { 103, 101 }, 2 },
    { { .visibility = { TRUE }, .unassigned = TRUE }, { 106, 102 }, 2 },
    { { .visibility = { TRUE }, .statuses = open_pending }, { 104, 102 }, 2 },
    { { .visibility = { TRUE }, .priorities = urgent_low }, { 106, 104, 103 }, 3 },
    { { .visibility = { TRUE }, .channels = phone }, { 104, 103 }, 2 },
    { { .visibility = { TRUE }, .sla_states = breached }, { 103, 102 }, 2 },
    { { .visibility = { TRUE }, .breaches = running }, { 102 }, 1 },
    { { .visibility = { TRUE }, .breaches = settled }, { 103 }, 1 },
    { { .visibility = { TRUE }, .business_types = types }, { 105, 101 }, 2 },
    { { .visibility = { TRUE }, .q = "refund" }, { 102 }, 1 },        /* any case, as SQLite */
    { { .visibility = { TRUE }, .q = "50%" }, { 105 }, 1 },           /* literally */
    { { .visibility = { TRUE }, .q = "_" }, { 105 }, 1 },
    { { .visibility = { TRUE }, .q = "SO-" }, { 105, 101 }, 2 },      /* order number */
    { { .visibility = { TRUE }, .has_updated_since = TRUE, .updated_since = 1700000700 },
      { 105, 103, 102 }, 3 },
    { { .visibility = { TRUE }, .team_id = 7, .statuses = open_pending, .assignee_id = 11 },
      { 104 }, 1 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    for (guint limit = 1; limit <= 4; limit += 3)
      {
        DwStoreTicketFilter filter = cases[c].filter;
        g_autoptr(JsonArray) sqlite = NULL;
        g_autoptr(JsonArray) pg = NULL;
        g_autofree char *path = g_strdup_printf ("case %u, limit %u", c, limit);

        filter.limit = limit;
        sqlite = all_pages (fixture->desks[0], &filter);
        pg = all_pages (fixture->desks[1], &filter);
        g_test_message ("%s", path);
        assert_ids (sqlite, cases[c].ids, cases[c].n_ids);
        assert_same_array (sqlite, pg, path);
      }
}

/* The list's objects (built from columns) are the snapshot's (SQLite: text from SQL). */
static void
test_list_is_snapshot (Fixture       *fixture,
                       gconstpointer  data)
{
  DwStoreVisibility all = { TRUE, 0, NULL };
  static const char * const active[] = { "new", "open", "pending", "on-hold", NULL };

  for (guint d = 0; d < 2; d++)
    {
      DwStoreTicketFilter filter = { .visibility = { TRUE }, .statuses = active, .limit = 100 };
      g_autoptr(JsonArray) snapshot = active_tickets (fixture->desks[d], &all);
      g_autoptr(JsonArray) list = all_pages (fixture->desks[d], &filter);
      g_autoptr(JsonArray) reversed = json_array_new ();

      for (guint i = json_array_get_length (list); i > 0; i--)
        json_array_add_element (reversed, json_node_copy (json_array_get_element (list, i - 1)));
      assert_same_array (snapshot, reversed, fixture->desks[d]->backend);
    }
}

static void
test_comments_audit (Fixture       *fixture,
                     gconstpointer  data)
{
  JsonArray *answers[2][4];

  for (guint d = 0; d < 2; d++)
    {
      DwStore *store = fixture->desks[d]->store;
      g_autoptr(GError) error = NULL;

      answers[d][0] = dw_store_ticket_comments_json (store, 101, &error);
      g_assert_no_error (error);
      answers[d][1] = dw_store_ticket_comments_json (store, 999, &error);
      g_assert_no_error (error);
      answers[d][2] = dw_store_ticket_audit_json (store, 101, &error);
      g_assert_no_error (error);
      answers[d][3] = dw_store_ticket_audit_json (store, 999, &error);
      g_assert_no_error (error);

      assert_ids (answers[d][0], (gint64[]) { 31, 32 }, 2);
      assert_ids (answers[d][1], NULL, 0);
      assert_ids (answers[d][2], (gint64[]) { 41, 42 }, 2);   /* not the user's 43 */
      assert_ids (answers[d][3], NULL, 0);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                       answers[d][2], 1), "after"), ==, "high");
    }

  for (guint i = 0; i < G_N_ELEMENTS (answers[0]); i++)
    {
      g_autofree char *path = g_strdup_printf ("answer %u", i);

      assert_same_array (answers[0][i], answers[1][i], path);
      json_array_unref (answers[0][i]);
      json_array_unref (answers[1][i]);
    }
}

static void
test_health (Fixture       *fixture,
             gconstpointer  data)
{
  for (guint d = 0; d < 2; d++)
    {
      DwStore *store = fixture->desks[d]->store;
      g_autoptr(GError) error = NULL;
      g_autofree char *history = NULL;
      g_autofree char *none = NULL;

      g_assert_true (dw_store_ping (store));
      g_assert_true (dw_store_get_setting (store, "demo_history", &history, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (history, ==, "ready");
      g_assert_true (dw_store_get_setting (store, "no.such.key", &none, &error));
      g_assert_no_error (error);
      g_assert_null (none);
    }
}

int
main (int   argc,
      char *argv[])
{
  static const struct
  {
    const char *name;
    void      (*func) (Fixture *, gconstpointer);
  } tests[] = {
    { "/store/snapshot/objects", test_snapshot_objects },
    { "/store/snapshot/tickets", test_snapshot_tickets },
    { "/store/snapshot/compact", test_snapshot_compact },
    { "/store/snapshot/list", test_list },
    { "/store/snapshot/list-is-snapshot", test_list_is_snapshot },
    { "/store/snapshot/comments-audit", test_comments_audit },
    { "/store/snapshot/health", test_health },
  };

  g_test_init (&argc, &argv, NULL);

  for (guint t = 0; t < G_N_ELEMENTS (tests); t++)
    g_test_add_vtable (tests[t].name, sizeof (Fixture), NULL, (GTestFixtureFunc) fixture_set_up,
                       (GTestFixtureFunc) tests[t].func, (GTestFixtureFunc) fixture_tear_down);

  return g_test_run ();
}
