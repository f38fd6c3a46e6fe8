/* Unit tests of DwAgentFigures: reading GET /agents/metrics's answer, the figures' list, the
 * comparison with the team median and its tolerance, and the CSV export. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "dw-agent-figures.h"
#include "dw-json.h"

/* Two agents as docs/api.md shows them; the second with a comma and a quote in its name, no
 * CSAT answers and no SLA outcomes. */
static const char *metrics_json =
  "{\"team_id\": 3, \"timezone\": \"Asia/Shanghai\", \"from\": \"2026-11-15T16:00:00Z\","
  " \"to\": \"2026-11-22T10:43:12Z\","
  " \"agents\": ["
  "  {\"user_id\": 17, \"display_name\": \"李娜\", \"assigned\": 41, \"solved\": 37,"
  "   \"reopened\": 2, \"reopen_rate\": 0.054,"
  "   \"first_response\": {\"count\": 40, \"median_seconds\": 380, \"p90_seconds\": 1510,"
  "                        \"median_business_seconds\": 402, \"p90_business_seconds\": 1460},"
  "   \"resolution\": {\"count\": 37, \"median_seconds\": 7200, \"p90_seconds\": 20000,"
  "                    \"median_business_seconds\": 5400, \"p90_business_seconds\": 18000},"
  "   \"replies_per_solved\": 1.84, \"one_touch\": 15, \"one_touch_share\": 0.405,"
  "   \"sla\": {\"first-response\": {\"met\": 38, \"breached\": 2, \"share\": 0.95},"
  "            \"next-response\": {\"met\": 10, \"breached\": 0, \"share\": 1},"
  "            \"resolution\": {\"met\": 30, \"breached\": 7, \"share\": 0.811}},"
  "   \"csat\": {\"responses\": 19, \"average\": 4.42, \"share_4_5\": 0.895, \"issued\": 37,"
  "            \"response_rate\": 0.514},"
  "   \"online_seconds\": 25200, \"occupancy\": 0.82, \"utilization\": 0.61,"
  "   \"daily\": [{\"date\": \"2026-11-21\", \"assigned\": 5, \"solved\": 4, \"reopened\": 0,"
  "                \"first_response_median_seconds\": 300, \"resolution_median_seconds\": null,"
  "                \"sla_share\": 1, \"csat_average\": null},"
  "               {\"date\": \"2026-11-22\", \"assigned\": 6, \"solved\": 7, \"reopened\": 1,"
  "                \"first_response_median_seconds\": 420, \"resolution_median_seconds\": 3600,"
  "                \"sla_share\": 0.9, \"csat_average\": 4.5}]},"
  "  {\"user_id\": 18, \"display_name\": \"Wang, \\\"Wei\\\"\", \"assigned\": 3, \"solved\": 0,"
  "   \"reopened\": 0, \"reopen_rate\": null,"
  "   \"first_response\": {\"count\": 1, \"median_seconds\": 90, \"p90_seconds\": 90,"
  "                        \"median_business_seconds\": 90, \"p90_business_seconds\": 90},"
  "   \"resolution\": {\"count\": 0, \"median_seconds\": null, \"p90_seconds\": null,"
  "                    \"median_business_seconds\": null, \"p90_business_seconds\": null},"
  "   \"replies_per_solved\": null, \"one_touch\": 0, \"one_touch_share\": null,"
  "   \"sla\": {\"first-response\": {\"met\": 0, \"breached\": 0, \"share\": null},"
  "            \"next-response\": {\"met\": 0, \"breached\": 0, \"share\": null},"
  "            \"resolution\": {\"met\": 0, \"breached\": 0, \"share\": null}},"
  "   \"csat\": {\"responses\": 0, \"average\": null, \"share_4_5\": null, \"issued\": 0,"
  "            \"response_rate\": null},"
  "   \"online_seconds\": 0, \"occupancy\": null, \"utilization\": null,"
  "   \"daily\": []}],"
  " \"team_median\": {\"assigned\": 3, \"solved\": 0, \"reopened\": 0, \"reopen_rate\": 0.054,"
  "   \"replies_per_solved\": 1.84, \"one_touch\": 0, \"one_touch_share\": 0.405,"
  "   \"online_seconds\": 0, \"occupancy\": 0.82, \"utilization\": 0.61,"
  "   \"first_response.median_seconds\": 90, \"first_response.median_business_seconds\": 90,"
  "   \"resolution.median_business_seconds\": 5400, \"csat.average\": 4.42}}";

static DwAgentFigures *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = dw_json_object_from_string (text, &error);
  DwAgentFigures *figures;

  g_assert_no_error (error);
  figures = dw_agent_figures_new_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_nonnull (figures);
  return figures;
}

static void
test_parse (void)
{
  g_autoptr(DwAgentFigures) figures = parse (metrics_json);
  GListModel *agents = dw_agent_figures_get_agents (figures);
  g_autoptr(DwAgentMetrics) li = NULL;
  g_autoptr(DwAgentMetrics) wang = NULL;

  g_assert_cmpint (dw_agent_figures_get_team_id (figures), ==, 3);
  g_assert_cmpstr (dw_agent_figures_get_timezone (figures), ==, "Asia/Shanghai");
  g_assert_cmpint (dw_agent_figures_get_to (figures) - dw_agent_figures_get_from (figures), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (agents), ==, 2);
  li = g_list_model_get_item (agents, 0);
  wang = g_list_model_get_item (agents, 1);
  g_assert_true (dw_agent_figures_lookup (figures, 18) == wang);
  g_assert_null (dw_agent_figures_lookup (figures, 99));

  g_assert_cmpint (dw_agent_metrics_get_user_id (li), ==, 17);
  g_assert_cmpstr (dw_agent_metrics_get_display_name (li), ==, "李娜");
  g_assert_cmpfloat (dw_agent_metrics_get_value (li, DW_AGENT_FIGURE_ASSIGNED), ==, 41);
  g_assert_cmpfloat (dw_agent_metrics_get_value (li, DW_AGENT_FIGURE_SOLVED), ==, 37);
  g_assert_cmpfloat (dw_agent_metrics_get_value (li, DW_AGENT_FIGURE_REOPEN_RATE), ==, 0.054);
  /* business time in the table, calendar time beside it */
  g_assert_cmpfloat (dw_agent_metrics_get_value (li, DW_AGENT_FIGURE_FIRST_RESPONSE), ==, 402);
  g_assert_cmpfloat (dw_agent_metrics_get_calendar_median (li, DW_AGENT_FIGURE_FIRST_RESPONSE),
                     ==, 380);
  g_assert_cmpfloat (dw_agent_metrics_get_value (li, DW_AGENT_FIGURE_RESOLUTION), ==, 5400);
  g_assert_cmpfloat (dw_agent_metrics_get_calendar_median (li, DW_AGENT_FIGURE_RESOLUTION), ==,
                     7200);
  g_assert_cmpfloat (dw_agent_metrics_get_value (li, DW_AGENT_FIGURE_REPLIES_PER_SOLVED), ==, 1.84);
  g_assert_cmpfloat (dw_agent_metrics_get_value (li, DW_AGENT_FIGURE_ONE_TOUCH_SHARE), ==, 0.405);
  /* (38 + 10 + 30) / (40 + 10 + 37) = 78 / 87, to the thousandth */
  g_assert_cmpfloat (dw_agent_metrics_get_value (li, DW_AGENT_FIGURE_SLA_SHARE), ==, 0.897);
  g_assert_cmpint (dw_agent_metrics_get_sla_met (li), ==, 78);
  g_assert_cmpint (dw_agent_metrics_get_sla_breached (li), ==, 9);
  /* the counts that open their tickets */
  g_assert_cmpint (dw_agent_metrics_get_drill_count (li, "assigned"), ==, 41);
  g_assert_cmpint (dw_agent_metrics_get_drill_count (li, "solved"), ==, 37);
  g_assert_cmpint (dw_agent_metrics_get_drill_count (li, "reopened"), ==, 2);
  g_assert_cmpint (dw_agent_metrics_get_drill_count (li, "first-response"), ==, 40);
  g_assert_cmpint (dw_agent_metrics_get_drill_count (li, "sla-met"), ==, 78);
  g_assert_cmpint (dw_agent_metrics_get_drill_count (li, "sla-breached"), ==, 9);
  g_assert_cmpint (dw_agent_metrics_get_drill_count (li, "csat"), ==, -1);
  g_assert_cmpfloat (dw_agent_metrics_get_value (li, DW_AGENT_FIGURE_CSAT), ==, 4.42);
  g_assert_cmpint (dw_agent_metrics_get_csat_responses (li), ==, 19);
  g_assert_cmpfloat (dw_agent_metrics_get_value (li, DW_AGENT_FIGURE_ONLINE), ==, 25200);
  g_assert_cmpfloat (dw_agent_metrics_get_value (li, DW_AGENT_FIGURE_OCCUPANCY), ==, 0.82);
  g_assert_cmpfloat (dw_agent_metrics_get_value (li, DW_AGENT_FIGURE_UTILIZATION), ==, 0.61);
  g_assert_true (isnan (dw_agent_metrics_get_value (li, DW_AGENT_FIGURE_ADHERENCE)));
  g_assert_false (dw_agent_figures_has_figure (figures, DW_AGENT_FIGURE_ADHERENCE));

  /* the daily series, nulls kept as gaps */
  g_assert_cmpuint (dw_agent_metrics_get_n_days (li), ==, 2);
  g_assert_cmpstr (dw_agent_metrics_get_date (li, 1), ==, "2026-11-22");
  g_assert_cmpfloat (dw_agent_metrics_get_daily (li, DW_AGENT_FIGURE_SOLVED, 1), ==, 7);
  g_assert_cmpfloat (dw_agent_metrics_get_daily (li, DW_AGENT_FIGURE_FIRST_RESPONSE, 0), ==, 300);
  g_assert_true (isnan (dw_agent_metrics_get_daily (li, DW_AGENT_FIGURE_RESOLUTION, 0)));
  g_assert_cmpfloat (dw_agent_metrics_get_daily (li, DW_AGENT_FIGURE_SLA_SHARE, 1), ==, 0.9);
  g_assert_cmpfloat (dw_agent_metrics_get_daily (li, DW_AGENT_FIGURE_CSAT, 1), ==, 4.5);
  /* no series for a figure without one */
  g_assert_true (isnan (dw_agent_metrics_get_daily (li, DW_AGENT_FIGURE_OCCUPANCY, 0)));

  /* nothing to divide by: none, not zero */
  g_assert_true (isnan (dw_agent_metrics_get_value (wang, DW_AGENT_FIGURE_REOPEN_RATE)));
  g_assert_true (isnan (dw_agent_metrics_get_value (wang, DW_AGENT_FIGURE_SLA_SHARE)));
  g_assert_true (isnan (dw_agent_metrics_get_value (wang, DW_AGENT_FIGURE_CSAT)));
  g_assert_true (isnan (dw_agent_metrics_get_value (wang, DW_AGENT_FIGURE_RESOLUTION)));
  g_assert_cmpuint (dw_agent_metrics_get_n_days (wang), ==, 0);

  /* medians: sent, and the SLA share over every kind taken here by nearest rank (one agent
   * has one) */
  g_assert_true (dw_agent_figures_has_median (figures));
  g_assert_cmpfloat (dw_agent_figures_get_median (figures, DW_AGENT_FIGURE_FIRST_RESPONSE), ==, 90);
  g_assert_cmpfloat (dw_agent_figures_get_median (figures, DW_AGENT_FIGURE_SLA_SHARE), ==, 0.897);
  g_assert_cmpfloat (dw_agent_figures_get_median (figures, DW_AGENT_FIGURE_CSAT), ==, 4.42);
}

static void
test_figure_list (void)
{
  /* each figure's direction, as the brief defines them */
  g_assert_cmpint (dw_agent_figure_info (DW_AGENT_FIGURE_FIRST_RESPONSE)->better, ==,
                   DW_FIGURE_BETTER_LOWER);
  g_assert_cmpint (dw_agent_figure_info (DW_AGENT_FIGURE_CSAT)->better, ==, DW_FIGURE_BETTER_HIGHER);
  g_assert_cmpint (dw_agent_figure_info (DW_AGENT_FIGURE_REOPEN_RATE)->better, ==,
                   DW_FIGURE_BETTER_LOWER);
  g_assert_cmpint (dw_agent_figure_info (DW_AGENT_FIGURE_ASSIGNED)->better, ==,
                   DW_FIGURE_BETTER_NEITHER);
  for (guint f = 0; f < DW_AGENT_N_FIGURES; f++)
    {
      const DwAgentFigureInfo *info = dw_agent_figure_info (f);

      g_assert_cmpint (info->figure, ==, f);
      g_assert_nonnull (info->id);
      g_assert_nonnull (info->title);
    }
  g_assert_cmpstr (dw_agent_figure_info (DW_AGENT_FIGURE_SOLVED)->drill, ==, "solved");
  g_assert_cmpstr (dw_agent_figure_info (DW_AGENT_FIGURE_FIRST_RESPONSE)->daily_key, ==,
                   "first_response_median_seconds");
}

static void
test_compare (void)
{
  g_autoptr(DwAgentFigures) figures = parse (metrics_json);
  g_autoptr(DwAgentMetrics) li = g_list_model_get_item (dw_agent_figures_get_agents (figures), 0);
  g_autoptr(DwAgentMetrics) wang = g_list_model_get_item (dw_agent_figures_get_agents (figures), 1);

  /* 402 s against 90 s: lower is better, so worse */
  g_assert_cmpint (dw_agent_figures_compare (figures, li, DW_AGENT_FIGURE_FIRST_RESPONSE), ==,
                   DW_FIGURE_COMPARISON_WORSE);
  g_assert_cmpint (dw_agent_figures_compare (figures, wang, DW_AGENT_FIGURE_FIRST_RESPONSE), ==,
                   DW_FIGURE_COMPARISON_SAME);
  /* 37 solved against 0: more is better */
  g_assert_cmpint (dw_agent_figures_compare (figures, li, DW_AGENT_FIGURE_SOLVED), ==,
                   DW_FIGURE_COMPARISON_BETTER);
  /* assigned: neither way is better */
  g_assert_cmpint (dw_agent_figures_compare (figures, li, DW_AGENT_FIGURE_ASSIGNED), ==,
                   DW_FIGURE_COMPARISON_ABOVE);
  /* no value: nothing to say */
  g_assert_cmpint (dw_agent_figures_compare (figures, wang, DW_AGENT_FIGURE_CSAT), ==,
                   DW_FIGURE_COMPARISON_NONE);

  /* the tolerance: 5 % of the median, never under the rounding shown */
  g_assert_cmpfloat (dw_agent_figure_tolerance (DW_AGENT_FIGURE_FIRST_RESPONSE, 400), ==, 20);
  g_assert_cmpfloat (dw_agent_figure_tolerance (DW_AGENT_FIGURE_FIRST_RESPONSE, 4), ==, 1);
  g_assert_cmpfloat (dw_agent_figure_tolerance (DW_AGENT_FIGURE_SLA_SHARE, 0.05), ==, 0.005);
  g_assert_cmpint (dw_agent_figure_compare (DW_AGENT_FIGURE_FIRST_RESPONSE, 420, 400), ==,
                   DW_FIGURE_COMPARISON_SAME);
  g_assert_cmpint (dw_agent_figure_compare (DW_AGENT_FIGURE_FIRST_RESPONSE, 421, 400), ==,
                   DW_FIGURE_COMPARISON_WORSE);
  g_assert_cmpint (dw_agent_figure_compare (DW_AGENT_FIGURE_FIRST_RESPONSE, 379, 400), ==,
                   DW_FIGURE_COMPARISON_BETTER);
  g_assert_cmpint (dw_agent_figure_compare (DW_AGENT_FIGURE_CSAT, 4.4, 4.2), ==,
                   DW_FIGURE_COMPARISON_SAME);
  g_assert_cmpint (dw_agent_figure_compare (DW_AGENT_FIGURE_CSAT, 4.42, 4.2), ==,
                   DW_FIGURE_COMPARISON_BETTER);
  g_assert_cmpint (dw_agent_figure_compare (DW_AGENT_FIGURE_REOPEN_RATE, 0.2, 0.1), ==,
                   DW_FIGURE_COMPARISON_WORSE);
  g_assert_cmpint (dw_agent_figure_compare (DW_AGENT_FIGURE_SOLVED, 1, 0), ==,
                   DW_FIGURE_COMPARISON_BETTER);
  g_assert_cmpint (dw_agent_figure_compare (DW_AGENT_FIGURE_SOLVED, 0, 0), ==,
                   DW_FIGURE_COMPARISON_SAME);
  g_assert_cmpint (dw_agent_figure_compare (DW_AGENT_FIGURE_ONLINE, 100, 3600), ==,
                   DW_FIGURE_COMPARISON_BELOW);
  g_assert_cmpint (dw_agent_figure_compare (DW_AGENT_FIGURE_CSAT, 4, NAN), ==,
                   DW_FIGURE_COMPARISON_NONE);
}

static void
test_agent_sees_itself (void)
{
  /* an agent's own answer: no team_median, so nothing is compared */
  g_autoptr(DwAgentFigures) figures = parse (
    "{\"team_id\": 3, \"timezone\": \"UTC\", \"from\": \"2026-11-22T00:00:00Z\","
    " \"to\": \"2026-11-22T10:00:00Z\", \"agents\": [{\"user_id\": 17, \"display_name\": \"x\","
    " \"assigned\": 1, \"solved\": 1, \"adherence\": {\"share\": 0.93}}]}");
  g_autoptr(DwAgentMetrics) me = g_list_model_get_item (dw_agent_figures_get_agents (figures), 0);
  g_autofree char *csv = NULL;

  g_assert_false (dw_agent_figures_has_median (figures));
  g_assert_cmpint (dw_agent_figures_compare (figures, me, DW_AGENT_FIGURE_SOLVED), ==,
                   DW_FIGURE_COMPARISON_NONE);
  /* adherence, once the service sends it, in either shape */
  g_assert_true (dw_agent_figures_has_figure (figures, DW_AGENT_FIGURE_ADHERENCE));
  g_assert_cmpfloat (dw_agent_metrics_get_value (me, DW_AGENT_FIGURE_ADHERENCE), ==, 0.93);
  csv = dw_agent_figures_to_csv (figures, NULL, NULL);
  g_assert_true (g_str_has_suffix (csv, ",93.0\r\n"));
  g_assert_null (strstr (csv, "Team median"));
}

static void
test_bad_input (void)
{
  static const struct { const char *json; const char *message; } cases[] = {
    { "{\"team_id\": 3}", "agents: missing" },
    { "{\"team_id\": 3, \"agents\": [1]}", "agents[0]: expected an object, got a number" },
    { "{\"team_id\": 3, \"agents\": [{\"user_id\": 1, \"solved\": \"many\"}]}",
      "agents[0].solved: expected a number, got a string" },
    { "{\"team_id\": 3, \"agents\": [{\"user_id\": 1, \"csat\": {\"average\": true}}]}",
      "agents[0].csat.average: expected a number, got a boolean" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = dw_json_object_from_string (cases[i].json, &error);
      g_autoptr(DwAgentFigures) figures = NULL;

      g_assert_no_error (error);
      figures = dw_agent_figures_new_from_json (object, &error);
      g_assert_null (figures);
      g_assert_error (error, DW_JSON_ERROR, error->code);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, cases[i].message));
    }
}

static void
test_csv (void)
{
  g_autoptr(DwAgentFigures) figures = parse (metrics_json);
  g_autofree char *csv = dw_agent_figures_to_csv (figures, NULL, NULL);
  g_auto(GStrv) columns = dw_agent_figures_csv_columns (figures);
  g_auto(GStrv) lines = NULL;
  const char *headers[] = { "坐席", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l",
                            "m", NULL };
  g_autofree char *translated = NULL;

  g_assert_cmpuint (g_strv_length (columns), ==, 14);  /* no adherence in this answer */
  g_assert_cmpstr (columns[0], ==, "agent");
  g_assert_cmpstr (columns[11], ==, "online");
  g_assert_cmpstr (columns[10], ==, "csat-responses");

  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);  /* header, two agents, median, "" */
  g_assert_cmpstr (lines[0], ==, "agent,assigned,solved,reopen-rate,first-response,resolution,"
                                 "replies-per-solved,one-touch,sla,csat,csat-responses,online,"
                                 "occupancy,utilization");
  g_assert_cmpstr (lines[1], ==, "李娜,41,37,5.4,402,5400,1.84,40.5,89.7,4.42,19,25200,82.0,61.0");
  /* RFC 4180: the comma and the quote inside a name; empty fields for none */
  g_assert_cmpstr (lines[2], ==, "\"Wang, \"\"Wei\"\"\",3,0,,90,,,,,,0,0,,");
  g_assert_cmpstr (lines[3], ==, "Team median,3,0,5.4,90,5400,1.84,40.5,89.7,4.42,,0,82.0,61.0");
  g_assert_cmpstr (lines[4], ==, "");

  translated = dw_agent_figures_to_csv (figures, headers, "团队中位数");
  g_assert_true (g_str_has_prefix (translated, "坐席,a,b,"));
  g_assert_nonnull (strstr (translated, "\r\n团队中位数,3,"));
  g_assert_true (g_utf8_validate (translated, -1, NULL));
}

/* An agent off for the whole period (not online, nothing taken or solved) is compared with
 * nobody and left out of the medians the console takes itself (SLA share over every kind);
 * one that was online with nothing solved is compared. */
static void
test_not_working (void)
{
  static const char *json =
    "{\"team_id\": 3, \"timezone\": \"Asia/Shanghai\", \"from\": null, \"to\": null,"
    " \"agents\": ["
    "  {\"user_id\": 1, \"display_name\": \"A\", \"assigned\": 4, \"solved\": 4,"
    "   \"sla\": {\"resolution\": {\"met\": 9, \"breached\": 1, \"share\": 0.9}},"
    "   \"online_seconds\": 3600},"
    "  {\"user_id\": 2, \"display_name\": \"B\", \"assigned\": 0, \"solved\": 0,"
    "   \"sla\": {\"resolution\": {\"met\": 0, \"breached\": 1, \"share\": 0}},"
    "   \"online_seconds\": 0},"
    "  {\"user_id\": 3, \"display_name\": \"C\", \"assigned\": 0, \"solved\": 0,"
    "   \"sla\": {\"resolution\": {\"met\": 0, \"breached\": 0, \"share\": null}},"
    "   \"online_seconds\": 600}],"
    " \"team_median\": {\"assigned\": 2, \"solved\": 2, \"online_seconds\": 2100}}";
  g_autoptr(DwAgentFigures) figures = parse (json);
  GListModel *agents = dw_agent_figures_get_agents (figures);
  g_autoptr(DwAgentMetrics) a = g_list_model_get_item (agents, 0);
  g_autoptr(DwAgentMetrics) b = g_list_model_get_item (agents, 1);
  g_autoptr(DwAgentMetrics) c = g_list_model_get_item (agents, 2);

  g_assert_true (dw_agent_metrics_worked (a));
  g_assert_false (dw_agent_metrics_worked (b));
  g_assert_true (dw_agent_metrics_worked (c));
  for (guint f = 0; f < DW_AGENT_N_FIGURES; f++)
    g_assert_cmpint (dw_agent_figures_compare (figures, b, f), ==, DW_FIGURE_COMPARISON_NONE);
  g_assert_cmpint (dw_agent_figures_compare (figures, c, DW_AGENT_FIGURE_SOLVED), ==,
                   DW_FIGURE_COMPARISON_WORSE);
  /* B's breached target would make the median 0 (nearest rank of 0 and 0.9). */
  g_assert_cmpfloat_with_epsilon (dw_agent_figures_get_median (figures, DW_AGENT_FIGURE_SLA_SHARE),
                                  0.9, 1e-9);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agent-figures/parse", test_parse);
  g_test_add_func ("/agent-figures/figure-list", test_figure_list);
  g_test_add_func ("/agent-figures/compare", test_compare);
  g_test_add_func ("/agent-figures/agent-sees-itself", test_agent_sees_itself);
  g_test_add_func ("/agent-figures/bad-input", test_bad_input);
  g_test_add_func ("/agent-figures/csv", test_csv);
  g_test_add_func ("/agent-figures/not-working", test_not_working);

  return g_test_run ();
}
