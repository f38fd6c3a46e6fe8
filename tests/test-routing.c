/* Routing decisions of src/core/dw-routing.c, with expected answers worked out by hand. */
#include "dw-json.h"
#include "dw-routing.h"

/* ------------------------------------------------------------------------------------------ */
/* Classifier */

static void
test_classify_chinese (void)
{
  g_autoptr(DwClassifier) c = dw_classifier_new_default ();

  g_assert_cmpstr (dw_classifier_classify (c, "快递三天没动", NULL), ==, "logistics");
  g_assert_cmpstr (dw_classifier_classify (c, "什么时候发货", ""), ==, "logistics");
  g_assert_cmpstr (dw_classifier_classify (c, "订单问题", "显示已签收但是我没收到"), ==, "logistics");
  g_assert_cmpstr (dw_classifier_classify (c, "申请退款", NULL), ==, "returns");
  g_assert_cmpstr (dw_classifier_classify (c, "能换货吗", NULL), ==, "returns");
  g_assert_cmpstr (dw_classifier_classify (c, "杯子有瑕疵", NULL), ==, "quality");
  g_assert_cmpstr (dw_classifier_classify (c, "收到的是假货", NULL), ==, "quality");
  g_assert_cmpstr (dw_classifier_classify (c, "我要给差评", NULL), ==, "complaints");
  g_assert_cmpstr (dw_classifier_classify (c, "再不处理我打12315", NULL), ==, "complaints");
  g_assert_cmpstr (dw_classifier_classify (c, "这件有M码吗", "尺码表在哪"), ==, "presales");
  g_assert_cmpstr (dw_classifier_classify (c, "这个多少钱", NULL), ==, "presales");
  g_assert_cmpstr (dw_classifier_classify (c, "能开发票吗", NULL), ==, "presales");
}

static void
test_classify_english (void)
{
  g_autoptr(DwClassifier) c = dw_classifier_new_default ();

  g_assert_cmpstr (dw_classifier_classify (c, "Where is my delivery?", NULL), ==, "logistics");
  g_assert_cmpstr (dw_classifier_classify (c, "Order 889", "The Tracking number does not work"),
                   ==, "logistics");
  g_assert_cmpstr (dw_classifier_classify (c, "REFUND PLEASE", NULL), ==, "returns");
  /* Full-width Latin, as typed with a Chinese input method. */
  g_assert_cmpstr (dw_classifier_classify (c, "Ｒｅｆｕｎｄ", NULL), ==, "returns");
  g_assert_cmpstr (dw_classifier_classify (c, "The lid arrived Broken", NULL), ==, "quality");
  g_assert_cmpstr (dw_classifier_classify (c, "I want to complain", NULL), ==, "complaints");
  g_assert_cmpstr (dw_classifier_classify (c, "Is size XL in stock?", NULL), ==, "presales");
  g_assert_cmpstr (dw_classifier_classify (c, "Any coupon?", NULL), ==, "presales");
}

static void
test_classify_nothing (void)
{
  g_autoptr(DwClassifier) c = dw_classifier_new_default ();
  g_autoptr(DwClassifier) empty = dw_classifier_new ();
  const char *keyword = "unset";

  g_assert_null (dw_classifier_classify (c, "你好", "在吗"));
  g_assert_null (dw_classifier_classify (c, "Hello", "Anyone there?"));
  g_assert_null (dw_classifier_classify (c, NULL, NULL));
  g_assert_null (dw_classifier_classify (c, "", ""));
  g_assert_null (dw_classifier_classify_full (c, "hi", NULL, &keyword));
  g_assert_null (keyword);
  g_assert_null (dw_classifier_classify (empty, "快递 退款 投诉", NULL));
}

static void
test_classify_order (void)
{
  g_autoptr(DwClassifier) c = dw_classifier_new_default ();
  const char *keyword = NULL;

  /* A complaint about a courier is a complaint, whatever comes first in the text. */
  g_assert_cmpstr (dw_classifier_classify_full (c, "快递太慢了我要投诉", NULL, &keyword), ==,
                   "complaints");
  g_assert_cmpstr (keyword, ==, "投诉");
  g_assert_cmpstr (dw_classifier_classify (c, "投诉 快递", NULL), ==, "complaints");
  /* A parcel that arrived broken is a quality problem, not a logistics question. */
  g_assert_cmpstr (dw_classifier_classify (c, "快递送来就破损了", NULL), ==, "quality");
  /* The courier of a return belongs to the return. */
  g_assert_cmpstr (dw_classifier_classify (c, "退货的快递单号填哪里", NULL), ==, "returns");
  /* A refund not received is a refund. */
  g_assert_cmpstr (dw_classifier_classify (c, "退款还没收到", NULL), ==, "returns");
  /* Subject and body both count; the rule order still decides. */
  g_assert_cmpstr (dw_classifier_classify_full (c, "tracking?", "and I want a refund", &keyword),
                   ==, "returns");
  g_assert_cmpstr (keyword, ==, "refund");
}

static void
test_classifier_rules (void)
{
  g_autoptr(DwClassifier) c = dw_classifier_new_default ();
  g_autoptr(DwClassifier) fresh = dw_classifier_new ();
  const char *keyword = NULL, *type = NULL;

  g_assert_cmpuint (dw_classifier_get_n_rules (c), ==, 6 + 9 + 7 + 10 + 12);
  g_assert_true (dw_classifier_get_rule (c, 0, &keyword, &type));
  g_assert_cmpstr (keyword, ==, "投诉");
  g_assert_cmpstr (type, ==, "complaints");
  g_assert_false (dw_classifier_get_rule (c, 44, &keyword, &type));

  /* An added rule comes last: it loses to the built-in ones... */
  dw_classifier_add_rule (c, "急", "urgent-desk");
  g_assert_cmpstr (dw_classifier_classify (c, "急 快递", NULL), ==, "logistics");
  g_assert_cmpstr (dw_classifier_classify (c, "急急急", NULL), ==, "urgent-desk");

  /* ...and stands alone once the others are cleared. */
  dw_classifier_clear (c);
  g_assert_cmpuint (dw_classifier_get_n_rules (c), ==, 0);
  g_assert_null (dw_classifier_classify (c, "急 快递", NULL));

  dw_classifier_add_rule (fresh, "Invoice", "billing");
  g_assert_cmpstr (dw_classifier_classify (fresh, "my INVOICE", NULL), ==, "billing");
}

static JsonArray *
array_from_string (const char *text)
{
  g_autofree char *wrapped = g_strdup_printf ("{\"rules\": %s}", text);
  g_autoptr(JsonObject) object = dw_json_object_from_string (wrapped, NULL);

  g_assert_nonnull (object);
  return json_array_ref (json_object_get_array_member (object, "rules"));
}

static void
test_classifier_json (void)
{
  g_autoptr(DwClassifier) c = dw_classifier_new ();
  g_autoptr(JsonArray) good = array_from_string (
    "[{\"keyword\": \"发票\", \"business_type\": \"billing\"},"
    " {\"keyword\": \"快递\", \"business_type\": \"logistics\"}]");
  g_autoptr(JsonArray) round_trip = NULL;
  g_autoptr(GError) error = NULL;
  struct
  {
    const char *json;
    const char *message;
  } bad[] = {
    { "[{\"keyword\": \"x\", \"business_type\": \"y\"}, 3]",
      "rules[1]: expected an object, got a number" },
    { "[{\"business_type\": \"y\"}]", "rules[0].keyword: missing" },
    { "[{\"keyword\": 5, \"business_type\": \"y\"}]",
      "rules[0].keyword: expected a string, got a number" },
    { "[{\"keyword\": \"  \", \"business_type\": \"y\"}]", "rules[0].keyword: must not be empty" },
    { "[{\"keyword\": \"x\", \"business_type\": null}]",
      "rules[0].business_type: expected a string, got null" },
  };

  g_assert_true (dw_classifier_load_json (c, good, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dw_classifier_get_n_rules (c), ==, 2);
  /* Order of the array is the order of the rules. */
  g_assert_cmpstr (dw_classifier_classify (c, "快递的发票", NULL), ==, "billing");

  round_trip = dw_classifier_to_json (c);
  g_assert_cmpuint (json_array_get_length (round_trip), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (round_trip, 1),
                                                  "keyword"), ==, "快递");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonArray) rules = array_from_string (bad[i].json);
      g_autoptr(GError) bad_error = NULL;

      g_assert_false (dw_classifier_load_json (c, rules, &bad_error));
      g_assert_true (bad_error->domain == DW_JSON_ERROR);
      g_assert_cmpstr (bad_error->message, ==, bad[i].message);
      /* The rules in force are untouched. */
      g_assert_cmpuint (dw_classifier_get_n_rules (c), ==, 2);
      g_assert_cmpstr (dw_classifier_classify (c, "快递", NULL), ==, "logistics");
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Agent choice */

#define ONLINE DW_PRESENCE_ONLINE
#define AWAY DW_PRESENCE_AWAY
#define OFFLINE DW_PRESENCE_OFFLINE

/* The classifier folds text as NFKC and case folding do, also where it takes a short cut
 * (ASCII, Chinese, CJK punctuation, full-width ASCII) and around its edges. */
static void
test_fold_text (void)
{
  static const char * const texts[] = {
    "", "Refund please", "ＲＥＦＵＮＤ", "快递三天没更新 #12",
    "订单PDD20261121-000123，物流信息三天没更新了，麻烦帮查一下。",
    "【投诉】《质量》「坏了」", "Ｒｅｆｕｎｄ！～", "ｅ\xcc\x81", "e\xcc\x81", "Ａ\xcc\x8a", "ﬁle",
    "Straße", "ǅ", "\xe3\x80\x80space", "\xe3\x80\x82\xe3\x80\x81", "\xef\xbd\xa1", "\xef\xbd\x9e",
    "\xef\xbc\x80", "\xe4\xb8\x80\xe9\xbf\xbf", "\xe3\x90\x80", "\xea\xb0\x80",
    "\xef\xa4\x80", "𠀀", "😀 ok", "KELVIN \xe2\x84\xaa", "\xe2\x91\xa0", "ABC\x7f", NULL
  };
  static const char * const not_utf8[] = {
    "AB\xe4\xb8", "\xed\xa0\x80X", "\xe0\x80\x80Q", "\xc0\xafZ", NULL
  };
  g_autofree char *empty = dw_routing_fold_text (NULL);

  g_assert_cmpstr (empty, ==, "");
  for (guint k = 0; k < 2; k++)
    for (const char * const *text = k == 0 ? texts : not_utf8; *text != NULL; text++)
      {
        /* What the classifier did before it took short cuts. */
        g_autofree char *normalized = g_utf8_normalize (*text, -1, G_NORMALIZE_ALL);
        g_autofree char *expected = normalized != NULL ? g_utf8_casefold (normalized, -1)
                                                       : g_ascii_strdown (*text, -1);
        g_autofree char *folded = dw_routing_fold_text (*text);

        g_assert_cmpstr (folded, ==, expected);
      }

  /* Every character at the edges of the short cut, between Latin letters and before a
   * combining accent. */
  for (gunichar c = 0x2ff0; c < 0xa010; c += c >= 0x3050 && c < 0x9ff0 ? 37 : 1)
    {
      gunichar cs[2] = { c, c + 0xcf10 };  /* U+FF00… alongside U+3000… */

      for (guint j = 0; j < 2; j++)
        {
          char utf8[8] = { 0 };
          g_autofree char *a = NULL;
          g_autofree char *b = NULL;

          g_unichar_to_utf8 (cs[j], utf8);
          a = g_strconcat ("xK", utf8, "Y", NULL);
          b = g_strconcat (utf8, "\xcc\x81", NULL);
          for (guint m = 0; m < 2; m++)
            {
              const char *text = m == 0 ? a : b;
              g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);
              g_autofree char *expected = g_utf8_casefold (normalized, -1);
              g_autofree char *folded = dw_routing_fold_text (text);

              g_assert_cmpstr (folded, ==, expected);
            }
        }
    }
}

static void
test_pick_most_free (void)
{
  /* id, presence, capacity, open, skill level, last assigned */
  const DwAgentCandidate c[] = {
    { 1, ONLINE, 6, 4, 3, 100 },  /* 2 free */
    { 2, ONLINE, 6, 2, 4, 200 },  /* 4 free */
    { 3, ONLINE, 5, 2, 5, 50 },   /* 3 free */
  };
  g_autofree char *reason = NULL;

  g_assert_cmpint (dw_routing_pick_agent_full (c, G_N_ELEMENTS (c), "logistics", TRUE, &reason),
                   ==, 2);
  g_assert_cmpstr (reason, ==,
                   "online agent with skill logistics (level 4) and the most free capacity (4 of 6)");
  g_assert_cmpint (dw_routing_pick_agent (c, G_N_ELEMENTS (c), TRUE, NULL), ==, 2);
}

static void
test_pick_skips_unavailable (void)
{
  const DwAgentCandidate c[] = {
    { 1, OFFLINE, 10, 0, 5, 0 },  /* offline: never */
    { 2, AWAY, 10, 0, 5, 0 },     /* away: never */
    { 3, ONLINE, 5, 5, 5, 0 },    /* full */
    { 4, ONLINE, 5, 7, 5, 0 },    /* over capacity (capacity lowered meanwhile) */
    { 5, ONLINE, 0, 0, 5, 0 },    /* capacity 0: takes nothing */
    { 6, ONLINE, 3, 2, 1, 0 },    /* 1 free: the only one */
  };
  g_autofree char *reason = NULL;

  g_assert_cmpint (dw_routing_pick_agent (c, G_N_ELEMENTS (c), TRUE, &reason), ==, 6);
  g_assert_cmpstr (reason, ==,
                   "online agent with the needed skill (level 1) and the most free capacity (1 of 3)");

  g_clear_pointer (&reason, g_free);
  g_assert_cmpint (dw_routing_pick_agent_full (c, 5, "returns", TRUE, &reason), ==, 0);
  g_assert_cmpstr (reason, ==, "no online agent with skill returns and free capacity");

  g_clear_pointer (&reason, g_free);
  g_assert_cmpint (dw_routing_pick_agent (c, 5, FALSE, &reason), ==, 0);
  g_assert_cmpstr (reason, ==, "no online agent with free capacity");

  g_clear_pointer (&reason, g_free);
  g_assert_cmpint (dw_routing_pick_agent (NULL, 0, FALSE, &reason), ==, 0);
  g_assert_cmpstr (reason, ==, "no online agent with free capacity");
}

static void
test_pick_skill (void)
{
  const DwAgentCandidate c[] = {
    { 1, ONLINE, 8, 0, 0, 0 },  /* 8 free but lacks the skill */
    { 2, ONLINE, 4, 1, 2, 0 },  /* 3 free with it */
  };
  g_autofree char *reason = NULL;

  g_assert_cmpint (dw_routing_pick_agent (c, G_N_ELEMENTS (c), TRUE, NULL), ==, 2);
  /* When the business type needs no skill, capacity wins. */
  g_assert_cmpint (dw_routing_pick_agent (c, G_N_ELEMENTS (c), FALSE, &reason), ==, 1);
  g_assert_cmpstr (reason, ==, "online agent with the most free capacity (8 of 8)");
  /* Nobody with the skill. */
  g_assert_cmpint (dw_routing_pick_agent (c, 1, TRUE, NULL), ==, 0);
}

static void
test_pick_ties (void)
{
  /* All have 3 free. */
  const DwAgentCandidate by_skill[] = {
    { 1, ONLINE, 5, 2, 2, 0 },
    { 2, ONLINE, 4, 1, 4, 0 },
    { 3, ONLINE, 3, 0, 3, 0 },
  };
  const DwAgentCandidate by_last_assigned[] = {
    { 1, ONLINE, 5, 2, 4, 1000 },
    { 2, ONLINE, 4, 1, 4, 900 },
    { 3, ONLINE, 3, 0, 4, 950 },
  };
  const DwAgentCandidate never_assigned[] = {
    { 1, ONLINE, 5, 2, 4, 1000 },
    { 2, ONLINE, 4, 1, 4, 0 },
  };
  const DwAgentCandidate by_id[] = {
    { 9, ONLINE, 5, 2, 4, 500 },
    { 4, ONLINE, 4, 1, 4, 500 },
    { 7, ONLINE, 3, 0, 4, 500 },
  };

  g_assert_cmpint (dw_routing_pick_agent (by_skill, 3, TRUE, NULL), ==, 2);
  g_assert_cmpint (dw_routing_pick_agent (by_last_assigned, 3, TRUE, NULL), ==, 2);
  g_assert_cmpint (dw_routing_pick_agent (never_assigned, 2, TRUE, NULL), ==, 2);
  g_assert_cmpint (dw_routing_pick_agent (by_id, 3, TRUE, NULL), ==, 4);
}

/* ------------------------------------------------------------------------------------------ */
/* Queue order */

static void
test_queue_compare (void)
{
  const DwQueuedTicket urgent = { 50, DW_PRIORITY_URGENT, FALSE, 5000 };
  const DwQueuedTicket high_vip = { 40, DW_PRIORITY_HIGH, TRUE, 4000 };
  const DwQueuedTicket high_old = { 30, DW_PRIORITY_HIGH, FALSE, 1000 };
  const DwQueuedTicket high_new = { 20, DW_PRIORITY_HIGH, FALSE, 2000 };
  const DwQueuedTicket high_new_too = { 21, DW_PRIORITY_HIGH, FALSE, 2000 };
  const DwQueuedTicket low_vip = { 10, DW_PRIORITY_LOW, TRUE, 10 };

  g_assert_cmpint (dw_routing_compare_queued (&urgent, &high_vip), <, 0);
  g_assert_cmpint (dw_routing_compare_queued (&high_vip, &urgent), >, 0);
  /* VIP first within a priority, even when newer. */
  g_assert_cmpint (dw_routing_compare_queued (&high_vip, &high_old), <, 0);
  /* Priority beats VIP. */
  g_assert_cmpint (dw_routing_compare_queued (&high_new, &low_vip), <, 0);
  g_assert_cmpint (dw_routing_compare_queued (&high_old, &high_new), <, 0);
  g_assert_cmpint (dw_routing_compare_queued (&high_new, &high_new_too), <, 0);
  g_assert_cmpint (dw_routing_compare_queued (&high_new_too, &high_new), >, 0);
  g_assert_cmpint (dw_routing_compare_queued (&high_new, &high_new), ==, 0);
}

static void
test_queue_sort (void)
{
  DwQueuedTicket q[] = {
    { 1, DW_PRIORITY_NORMAL, FALSE, 100 },
    { 2, DW_PRIORITY_LOW, TRUE, 50 },
    { 3, DW_PRIORITY_NORMAL, TRUE, 300 },
    { 4, DW_PRIORITY_URGENT, FALSE, 400 },
    { 5, DW_PRIORITY_NORMAL, FALSE, 90 },
    { 6, DW_PRIORITY_HIGH, FALSE, 200 },
    { 7, DW_PRIORITY_NORMAL, FALSE, 90 },
  };
  const gint64 expected[] = { 4, 6, 3, 5, 7, 1, 2 };

  dw_routing_sort_queue (q, G_N_ELEMENTS (q));
  for (guint i = 0; i < G_N_ELEMENTS (q); i++)
    g_assert_cmpint (q[i].ticket_id, ==, expected[i]);
}

static void
test_vip_tags (void)
{
  const char * const vip[] = { "new", "VIP", NULL };
  const char * const not_vip[] = { "vipps", "svip-candidate", NULL };

  g_assert_true (dw_routing_tags_are_vip (vip));
  g_assert_false (dw_routing_tags_are_vip (not_vip));
  g_assert_false (dw_routing_tags_are_vip (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/routing/classify/chinese", test_classify_chinese);
  g_test_add_func ("/routing/classify/english", test_classify_english);
  g_test_add_func ("/routing/classify/nothing", test_classify_nothing);
  g_test_add_func ("/routing/classify/order", test_classify_order);
  g_test_add_func ("/routing/classify/rules", test_classifier_rules);
  g_test_add_func ("/routing/classify/json", test_classifier_json);
  g_test_add_func ("/routing/classify/fold", test_fold_text);
  g_test_add_func ("/routing/pick/most-free", test_pick_most_free);
  g_test_add_func ("/routing/pick/unavailable", test_pick_skips_unavailable);
  g_test_add_func ("/routing/pick/skill", test_pick_skill);
  g_test_add_func ("/routing/pick/ties", test_pick_ties);
  g_test_add_func ("/routing/queue/compare", test_queue_compare);
  g_test_add_func ("/routing/queue/sort", test_queue_sort);
  g_test_add_func ("/routing/vip-tags", test_vip_tags);

  return g_test_run ();
}
