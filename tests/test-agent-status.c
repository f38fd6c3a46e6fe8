/* Unit tests of DwAgentStatus: reading GET /agents/status items, reconciling a refetch into
 * the same objects, and the Now list's sort keys and filters.  No display, no service. */
#include "config.h"

#include "dw-agent-status.h"
#include "dw-clock.h"
#include "dw-json.h"

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

#define LI_NA "{\"user_id\": 7, \"display_name\": \"李娜\", \"presence\": \"online\", " \
  "\"presence_since\": \"2026-11-22T01:00:00Z\", \"capacity\": 5, \"load\": 3, " \
  "\"oldest_waiting_since\": \"2026-11-22T02:00:00Z\", \"oldest_waiting_ticket_id\": 41, " \
  "\"at_risk\": 1, \"breached\": 0}"
#define WANG "{\"user_id\": 9, \"display_name\": \"Wang Fang\", \"presence\": \"away\", " \
  "\"presence_since\": \"2026-11-22T03:00:00Z\", \"capacity\": 2, \"load\": 2, " \
  "\"oldest_waiting_since\": null, \"oldest_waiting_ticket_id\": null, " \
  "\"at_risk\": 0, \"breached\": 2}"
#define ZHAO "{\"user_id\": 11, \"display_name\": \"Zhao Lei\", \"presence\": \"offline\", " \
  "\"presence_since\": \"2026-11-21T10:00:00Z\", \"capacity\": 0, \"load\": 0, " \
  "\"oldest_waiting_since\": null, \"oldest_waiting_ticket_id\": null, " \
  "\"at_risk\": 0, \"breached\": 0}"

static DwAgentStatus *
agent (const char *json)
{
  g_autoptr(JsonNode) node = parse (json);
  g_autoptr(GError) error = NULL;
  DwAgentStatus *self = dw_agent_status_new_from_json (json_node_get_object (node), &error);

  g_assert_no_error (error);
  return self;
}

static void
test_parse (void)
{
  g_autoptr(DwAgentStatus) li = agent (LI_NA);
  g_autoptr(DwAgentStatus) wang = agent (WANG);
  g_autoptr(JsonNode) bad = parse ("{\"user_id\": 3, \"display_name\": \"x\", \"presence\": \"busy\", "
                                   "\"capacity\": 1, \"load\": 0}");
  g_autoptr(JsonNode) missing = parse ("{\"user_id\": 3, \"presence\": \"online\"}");
  g_autoptr(GError) error = NULL;
  gint64 since = 0;

  g_assert_cmpint (dw_agent_status_get_user_id (li), ==, 7);
  g_assert_cmpstr (dw_agent_status_get_display_name (li), ==, "李娜");
  g_assert_cmpint (dw_agent_status_get_presence (li), ==, DW_PRESENCE_ONLINE);
  g_assert_true (dw_time_from_iso8601 ("2026-11-22T01:00:00Z", &since));
  g_assert_cmpint (dw_agent_status_get_presence_since (li), ==, since);
  g_assert_cmpint (dw_agent_status_get_capacity (li), ==, 5);
  g_assert_cmpint (dw_agent_status_get_load (li), ==, 3);
  g_assert_cmpint (dw_agent_status_get_oldest_waiting_since (li), ==, since + 3600);
  g_assert_cmpint (dw_agent_status_get_oldest_waiting_ticket_id (li), ==, 41);
  g_assert_cmpint (dw_agent_status_get_at_risk (li), ==, 1);
  g_assert_cmpint (dw_agent_status_get_breached (li), ==, 0);

  g_assert_cmpint (dw_agent_status_get_presence (wang), ==, DW_PRESENCE_AWAY);
  g_assert_cmpint (dw_agent_status_get_oldest_waiting_since (wang), ==, 0);
  g_assert_cmpint (dw_agent_status_get_oldest_waiting_ticket_id (wang), ==, 0);
  g_assert_cmpint (dw_agent_status_get_breached (wang), ==, 2);

  g_assert_null (dw_agent_status_new_from_json (json_node_get_object (bad), &error));
  g_assert_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE);
  g_clear_error (&error);
  g_assert_null (dw_agent_status_new_from_json (json_node_get_object (missing), &error));
  g_assert_error (error, DW_JSON_ERROR, DW_JSON_ERROR_MISSING);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              GPtrArray  *names)
{
  g_ptr_array_add (names, (gpointer) pspec->name);
}

static void
test_update_in_place (void)
{
  g_autoptr(DwAgentStatus) li = agent (LI_NA);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(JsonNode) same = parse (LI_NA);
  g_autoptr(JsonNode) changed = parse ("{\"user_id\": 7, \"display_name\": \"李娜\", \"presence\": \"away\", "
                                       "\"presence_since\": \"2026-11-22T05:00:00Z\", \"capacity\": 5, "
                                       "\"load\": 3, \"oldest_waiting_since\": null, "
                                       "\"oldest_waiting_ticket_id\": null, \"at_risk\": 1, \"breached\": 0}");
  g_autoptr(JsonNode) other = parse (WANG);
  g_autoptr(GError) error = NULL;

  g_signal_connect (li, "notify", G_CALLBACK (count_notify), names);
  g_assert_true (dw_agent_status_update_from_json (li, json_node_get_object (same), NULL));
  g_assert_cmpuint (names->len, ==, 0);

  g_assert_true (dw_agent_status_update_from_json (li, json_node_get_object (changed), NULL));
  g_assert_cmpuint (names->len, ==, 4);
  g_assert_cmpint (dw_agent_status_get_presence (li), ==, DW_PRESENCE_AWAY);
  g_assert_cmpint (dw_agent_status_get_oldest_waiting_since (li), ==, 0);
  g_assert_cmpint (dw_agent_status_get_oldest_waiting_ticket_id (li), ==, 0);

  g_assert_false (dw_agent_status_update_from_json (li, json_node_get_object (other), &error));
  g_assert_error (error, DW_JSON_ERROR, DW_JSON_ERROR_MISMATCH);
  g_assert_cmpstr (dw_agent_status_get_display_name (li), ==, "李娜");
}

static void
count_changes_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *changes)
{
  (*changes)++;
}

/* A team's agents arrive in one change of the store, not one per agent: each change makes the
 * views above it place and bind rows again (200 times for a 200-agent team). */
static void
test_store_apply_at_once (void)
{
  g_autoptr(GListStore) store = g_list_store_new (DW_TYPE_AGENT_STATUS);
  g_autoptr(JsonNode) all = parse ("[" LI_NA ", " WANG ", " ZHAO "]");
  guint changes = 0;

  g_signal_connect (store, "items-changed", G_CALLBACK (count_changes_cb), &changes);
  g_assert_true (dw_agent_status_store_apply (store, all, NULL, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);
  g_assert_cmpuint (changes, ==, 1);

  /* Nothing new: the same objects, no change of the store. */
  g_assert_true (dw_agent_status_store_apply (store, all, NULL, NULL));
  g_assert_cmpuint (changes, ==, 1);
}

static void
test_store_apply (void)
{
  g_autoptr(GListStore) store = g_list_store_new (DW_TYPE_AGENT_STATUS);
  g_autoptr(JsonNode) first = parse ("[" LI_NA ", " WANG "]");
  g_autoptr(JsonNode) second = parse ("[" ZHAO ", {\"user_id\": 9, \"display_name\": \"Wang Fang\", "
                                      "\"presence\": \"online\", \"capacity\": 2, \"load\": 1}, "
                                      "{\"user_id\": 12}, 5]");
  g_autoptr(JsonNode) not_array = parse ("{\"items\": []}");
  g_autoptr(DwAgentStatus) wang = NULL;
  g_autoptr(GError) error = NULL;
  guint skipped = 99;

  g_assert_true (dw_agent_status_store_apply (store, first, &skipped, NULL));
  g_assert_cmpuint (skipped, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
  wang = g_list_model_get_item (G_LIST_MODEL (store), 1);
  g_assert_cmpint (dw_agent_status_get_user_id (wang), ==, 9);

  /* 李娜 leaves, Wang stays the same object with new figures, Zhao arrives; two bad items
   * are counted, not shown. */
  g_assert_true (dw_agent_status_store_apply (store, second, &skipped, NULL));
  g_assert_cmpuint (skipped, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
  {
    g_autoptr(DwAgentStatus) a = g_list_model_get_item (G_LIST_MODEL (store), 0);
    g_autoptr(DwAgentStatus) b = g_list_model_get_item (G_LIST_MODEL (store), 1);

    g_assert_true (a == wang);
    g_assert_cmpint (dw_agent_status_get_load (a), ==, 1);
    g_assert_cmpint (dw_agent_status_get_presence (a), ==, DW_PRESENCE_ONLINE);
    g_assert_cmpint (dw_agent_status_get_user_id (b), ==, 11);
  }

  g_assert_false (dw_agent_status_store_apply (store, not_array, NULL, &error));
  g_assert_error (error, DW_JSON_ERROR, DW_JSON_ERROR_TYPE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
}

static void
test_sort (void)
{
  g_autoptr(DwAgentStatus) li = agent (LI_NA);     /* online, 3/5, waits since 02:00, 1 at risk */
  g_autoptr(DwAgentStatus) wang = agent (WANG);    /* away, 2/2, nothing waiting, 2 breached */
  g_autoptr(DwAgentStatus) zhao = agent (ZHAO);    /* offline, 0/0 */

  /* Collation of the C locale puts Latin before Han. */
  g_assert_cmpint (dw_agent_status_compare (wang, zhao, DW_AGENT_SORT_NAME), <, 0);
  g_assert_cmpint (dw_agent_status_compare (li, li, DW_AGENT_SORT_NAME), ==, 0);

  g_assert_cmpint (dw_agent_status_compare (li, wang, DW_AGENT_SORT_PRESENCE), <, 0);
  g_assert_cmpint (dw_agent_status_compare (wang, zhao, DW_AGENT_SORT_PRESENCE), <, 0);

  /* 0/0 is empty, 3/5 more, 2/2 full. */
  g_assert_cmpint (dw_agent_status_compare (zhao, li, DW_AGENT_SORT_LOAD), <, 0);
  g_assert_cmpint (dw_agent_status_compare (li, wang, DW_AGENT_SORT_LOAD), <, 0);

  /* Something waiting before nothing waiting. */
  g_assert_cmpint (dw_agent_status_compare (li, wang, DW_AGENT_SORT_WAITING), <, 0);
  g_assert_cmpint (dw_agent_status_compare (zhao, li, DW_AGENT_SORT_WAITING), >, 0);

  /* Breaches before risks before nothing. */
  g_assert_cmpint (dw_agent_status_compare (wang, li, DW_AGENT_SORT_SLA), <, 0);
  g_assert_cmpint (dw_agent_status_compare (li, zhao, DW_AGENT_SORT_SLA), <, 0);
}

static void
test_filter (void)
{
  g_autoptr(DwAgentStatus) li = agent (LI_NA);
  g_autoptr(DwAgentStatus) wang = agent (WANG);

  g_assert_true (dw_agent_status_matches (li, NULL, -1));
  g_assert_true (dw_agent_status_matches (li, "", -1));
  g_assert_true (dw_agent_status_matches (li, "娜", -1));
  g_assert_false (dw_agent_status_matches (li, "wang", -1));
  g_assert_true (dw_agent_status_matches (wang, "WANG f", -1));
  g_assert_true (dw_agent_status_matches (wang, NULL, DW_PRESENCE_AWAY));
  g_assert_false (dw_agent_status_matches (wang, NULL, DW_PRESENCE_ONLINE));
  g_assert_false (dw_agent_status_matches (wang, "wang", DW_PRESENCE_OFFLINE));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agent-status/parse", test_parse);
  g_test_add_func ("/agent-status/update-in-place", test_update_in_place);
  g_test_add_func ("/agent-status/store-apply", test_store_apply);
  g_test_add_func ("/agent-status/store-apply-at-once", test_store_apply_at_once);
  g_test_add_func ("/agent-status/sort", test_sort);
  g_test_add_func ("/agent-status/filter", test_filter);

  return g_test_run ();
}
