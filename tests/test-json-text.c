/* Core tests of the one path text and numbers take in (dw_json_check_text), the console's
 * tolerant reading of documents with unreadable items (dw_json_parse_tolerant), and the
 * writer every JSON output goes through (dw_json_to_string). */
#include "config.h"

#include <string.h>

#include "dw-clock.h"
#include "dw-json.h"

typedef struct
{
  const char *name;
  const char *text;
  DwJsonError code;
  const char *message_start;
} BadCase;

static const BadCase bad_cases[] = {
  { "lone-high-surrogate", "{\"subject\": \"a\\ud800b\"}", DW_JSON_ERROR_VALUE,
    "subject: \\uD800 is half of a surrogate pair" },
  { "lone-low-surrogate", "{\"subject\": \"a\\uDC00\"}", DW_JSON_ERROR_VALUE, "subject: \\uDC00" },
  { "reversed-pair", "{\"subject\": \"\\ude00\\ud83d\"}", DW_JSON_ERROR_VALUE, "subject: \\uDE00" },
  { "high-then-text", "{\"subject\": \"\\ud83dx\\ude00\"}", DW_JSON_ERROR_VALUE, "subject: \\uD83D" },
  { "nul-escape", "{\"role\": \"admin\\u0000\"}", DW_JSON_ERROR_VALUE,
    "role: contains \\u0000, which cannot be stored" },
  { "nul-in-key", "{\"status\\u0000x\": \"solved\"}", DW_JSON_ERROR_VALUE,
    "(a member name): contains \\u0000" },
  { "raw-unit-separator", "{\"subject\": \"x\x1fy\"}", DW_JSON_ERROR_MALFORMED,
    "subject: a raw control character (U+001F)" },
  { "raw-newline", "{\"body\": \"line\nline\"}", DW_JSON_ERROR_MALFORMED,
    "body: a raw control character (U+000A)" },
  { "raw-nul", "{\"body\": \"x\0y\"}", DW_JSON_ERROR_MALFORMED,
    "body: a raw control character (U+0000)" },
  { "bad-utf8", "{\"subject\": \"\xed\xa0\x80\"}", DW_JSON_ERROR_MALFORMED,
    "subject: not valid UTF-8" },
  { "overlong", "{\"subject\": \"\xc0\xaf\"}", DW_JSON_ERROR_MALFORMED, "subject: not valid UTF-8" },
  { "int-2^63", "{\"escalation_level\": 9223372036854775808}", DW_JSON_ERROR_VALUE,
    "escalation_level: 9223372036854775808 is out of range" },
  { "int--2^63-1", "{\"escalation_level\": -9223372036854775809}", DW_JSON_ERROR_VALUE,
    "escalation_level: -9223372036854775809 is out of range" },
  { "int-2^64", "{\"escalation_level\": 18446744073709551616}", DW_JSON_ERROR_VALUE,
    "escalation_level: 18446744073709551616 is out of range" },
  { "double-inf", "{\"at_risk_ratio\": 1e400}", DW_JSON_ERROR_VALUE,
    "at_risk_ratio: 1e400 is out of range" },
  { "nested-path", "{\"teams\": [{\"id\": 1}, {\"id\": 99999999999999999999}]}",
    DW_JSON_ERROR_VALUE, "teams[1].id: 99999999999999999999 is out of range" },
  { "array-root", "[\"ok\", \"\\u0000\"]", DW_JSON_ERROR_VALUE, "[1]: contains \\u0000" },
  { "member-twice", "{\"role\": \"agent\", \"role\": \"admin\"}", DW_JSON_ERROR_VALUE,
    "role: given twice" },
  { "member-twice-escaped", "{\"role\": \"agent\", \"r\\u006fle\": \"admin\"}",
    DW_JSON_ERROR_VALUE, "r\\u006fle: given twice" },
  { "member-twice-pair", "{\"\\ud83d\\ude00\": 1, \"😀\": 2}", DW_JSON_ERROR_VALUE,
    "😀: given twice" },
  { "member-twice-nested", "{\"teams\": [{\"id\": 1, \"is_lead\": true, \"id\": 2}]}",
    DW_JSON_ERROR_VALUE, "teams[0].id: given twice" },
};

static void
test_bad (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(GError) error = NULL;
  gsize size = g_str_equal (c->name, "raw-nul") ? 17 : strlen (c->text);

  g_assert_false (dw_json_check_text (c->text, size, &error));
  g_assert_error (error, DW_JSON_ERROR, (int) c->code);
  if (!g_str_has_prefix (error->message, c->message_start))
    g_error ("%s: \"%s\" does not start with \"%s\"", c->name, error->message, c->message_start);
}

/* Odd but valid text, and the extremes of the numbers: all kept exactly. */
static void
test_good (void)
{
  static const char *texts[] = {
    "{\"subject\": \"emoji \\ud83d\\ude00 😀 and a family 👨‍👩‍👧\"}",
    "{\"subject\": \"عربي עברית mixed LTR\"}",
    "{\"subject\": \"e\\u0301 combining a\xcc\x8a\"}",
    "{\"body\": \"tab\\tnewline\\nunit\\u001fdel\x7f\"}",
    "{\"a\": -9223372036854775808, \"b\": 9223372036854775807, \"c\": 1.7976931348623157e308,"
    " \"d\": -0, \"e\": 0.1, \"f\": 1e-400}",
    "{\"nested\": {\"deeper\": [[\"\\\\u0000 is only text here\", \"\\\"\"]]}}",
    "[]",
    "{}",
    "{\"a\": {\"id\": 1}, \"b\": {\"id\": 2}, \"c\": [{\"id\": 3}, {\"id\": 4}], \"id\": 5}",
    "{\"a\\\"\": 1, \"a\": 2, \"a\\n\": 3, \"\\/\": 4, \"/x\": 5}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;

      if (!dw_json_check_text (texts[i], strlen (texts[i]), &error))
        g_error ("%s refused: %s", texts[i], error->message);
    }

  /* The extremes really are what JSON-GLib keeps. */
  {
    g_autoptr(JsonObject) object = dw_json_object_from_string (texts[4], NULL);

    g_assert_cmpint (json_object_get_int_member (object, "a"), ==, G_MININT64);
    g_assert_cmpint (json_object_get_int_member (object, "b"), ==, G_MAXINT64);
  }
}

/* A snapshot with one unreadable ticket in the middle keeps the others. */
static void
test_tolerant_items (void)
{
  g_autoptr(GString) doc = g_string_new (NULL);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *long_subject = NULL;
  JsonObject *object;
  JsonArray *tickets;

  long_subject = g_strnfill (64 * 1024, 'x');
  g_string_append (doc, "{\"seq\": 7, \"me\": {\"id\": 1},\n \"tickets\": [");
  g_string_append (doc, "{\"id\": 1, \"subject\": \"😀 עברית e\xcc\x81\"},");
  g_string_append (doc, "{\"id\": 2, \"subject\": \"a\xed\xa0\x80\", \"tags\": [\"]\", \"{\"]},");
  g_string_append_printf (doc, "{\"id\": 3, \"subject\": \"%s\"},", long_subject);
  g_string_append (doc, "{\"id\": 4, \"tags\": [\"ok\", \"x\x1fy\"]},");
  g_string_append (doc, "{\"id\": 5, \"escalation_level\": 18446744073709551616},");
  g_string_append (doc, "{\"id\": 6}],\n \"users\": [], \"bad\": \"\\u0000\", \"last\": true}");

  root = dw_json_parse_tolerant (doc->str, doc->len, problems, &error);
  g_assert_no_error (error);
  object = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (object, "seq"), ==, 7);
  g_assert_true (json_object_get_boolean_member (object, "last"));
  g_assert_true (json_node_is_null (json_object_get_member (object, "bad")));

  tickets = json_object_get_array_member (object, "tickets");
  g_assert_cmpuint (json_array_get_length (tickets), ==, 6);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (tickets, 0),
                                                  "subject"), ==, "😀 עברית e\xcc\x81");
  g_assert_true (json_node_is_null (json_array_get_element (tickets, 1)));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (tickets, 2),
                                                  "subject"), ==, long_subject);
  g_assert_true (json_node_is_null (json_array_get_element (tickets, 3)));
  g_assert_true (json_node_is_null (json_array_get_element (tickets, 4)));
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (tickets, 5), "id"),
                   ==, 6);

  g_assert_cmpuint (problems->len, ==, 4);
  g_assert_true (g_str_has_prefix (problems->pdata[0], "tickets[1].subject: not valid UTF-8"));
  g_assert_true (g_str_has_prefix (problems->pdata[1], "tickets[3].tags[1]: a raw control"));
  g_assert_true (g_str_has_prefix (problems->pdata[2], "tickets[4].escalation_level: "));
  g_assert_true (g_str_has_prefix (problems->pdata[3], "bad: contains \\u0000"));
}

/* A stream event whose data cannot be read still tells its seq. */
static void
test_tolerant_event (void)
{
  static const char text[] = "{\"type\": \"event\", \"seq\": 42, \"event\": \"ticket.updated\", "
                             "\"data\": {\"id\": 9, \"subject\": \"\\ud800\"}}";
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = dw_json_parse_tolerant (text, strlen (text), problems, &error);
  JsonObject *frame;

  g_assert_no_error (error);
  frame = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (frame, "seq"), ==, 42);
  g_assert_cmpstr (json_object_get_string_member (frame, "event"), ==, "ticket.updated");
  g_assert_true (json_node_is_null (json_object_get_member (frame, "data")));
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_true (g_str_has_prefix (problems->pdata[0], "data.subject: \\uD800"));
}

/* What cannot be pinned on one item fails the whole document, as before. */
static void
test_tolerant_whole (void)
{
  static const char *texts[] = {
    "{\"ti\xffkets\": []}",   /* a member name of the root */
    "\"\\u0000\"",            /* a root that is no container */
    "{\"tickets\": [1, 2}",   /* not JSON */
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = dw_json_parse_tolerant (texts[i], strlen (texts[i]), problems,
                                                         &error);

      g_assert_null (root);
      g_assert_nonnull (error);
    }

  /* A clean document takes the plain path and reports nothing. */
  {
    static const char clean[] = "{\"items\": [{\"id\": 1}]}";
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(JsonNode) root = dw_json_parse_tolerant (clean, strlen (clean), problems, NULL);

    g_assert_nonnull (root);
    g_assert_cmpuint (problems->len, ==, 0);
  }
}

/* Output: control characters are escaped, so the output passes the input check. */
static void
test_to_string (void)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) back = NULL;
  gsize length = 0;

  json_object_set_string_member (object, "subject", "a\x1f" "b\x01" "c\td\x1f");
  json_object_set_string_member (object, "plain", "nothing to do 😀");
  node = json_node_init_object (json_node_alloc (), object);
  text = dw_json_to_string (node, &length);

  g_assert_cmpuint (length, ==, strlen (text));
  g_assert_nonnull (strstr (text, "a\\u001fb\\u0001c\\td\\u001f"));
  for (gsize i = 0; i < length; i++)
    g_assert_cmpuint ((guchar) text[i], >=, 0x20);
  g_assert_true (dw_json_check_text (text, length, &error));
  g_assert_no_error (error);

  back = dw_json_object_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (back, "subject"), ==,
                   "a\x1f" "b\x01" "c\td\x1f");
}

static char *
generated (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

/* A lone scalar is written without a generator: the same text json-glib writes. */
static void
test_to_string_scalars (void)
{
  static const char * const strings[] = {
    "logistics", "", "a b ~ / ' {} <a&b> =+%", "quo\"te", "back\\slash", "tab\there", "del\x7f",
    "物流", "é", NULL
  };
  static const gint64 ints[] = { 0, 1, -1, 42, G_MAXINT64, G_MININT64 };

  for (guint i = 0; strings[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), strings[i]);
      g_autofree char *expected = generated (node);
      g_autofree char *text = NULL;
      gsize length = 0;

      text = dw_json_to_string (node, &length);
      g_assert_cmpstr (text, ==, expected);
      g_assert_cmpuint (length, ==, strlen (text));
    }

  for (guint i = 0; i < G_N_ELEMENTS (ints); i++)
    {
      g_autoptr(JsonNode) node = json_node_init_int (json_node_alloc (), ints[i]);
      g_autofree char *expected = generated (node);
      g_autofree char *text = dw_json_to_string (node, NULL);

      g_assert_cmpstr (text, ==, expected);
    }

  {
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_NULL);
    g_autofree char *expected = generated (node);
    g_autofree char *text = dw_json_to_string (node, NULL);

    g_assert_cmpstr (text, ==, expected);
  }
}

/* Times as every JSON document carries them: the arithmetic from 1970 to 9999 writes what
 * GDateTime writes, and outside it GDateTime still does. */
static void
test_time_text (void)
{
  static const gint64 times[] = {
    0, 1, 59, 60, 3599, 86399, 86400, 951782400 /* 2000-02-29 */, 951868800, 1709164800,
    1735689599, 1798761600, 4107542400 /* 2100-03-01 */, 253402300799, 253402300800, -1,
    -86400, -62135596800 /* 0001-01-01 */,
  };
  guint64 seed = 0x9e3779b97f4a7c15;

  for (guint i = 0; i < G_N_ELEMENTS (times) + 20000; i++)
    {
      gint64 t;
      g_autoptr(GDateTime) dt = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *text = NULL;

      if (i < G_N_ELEMENTS (times))
        {
          t = times[i];
        }
      else
        {
          seed ^= seed << 13;
          seed ^= seed >> 7;
          seed ^= seed << 17;
          t = (gint64) (seed % G_GUINT64_CONSTANT (253402300800));
        }

      dt = g_date_time_new_from_unix_utc (t);
      expected = dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
      text = dw_time_to_iso8601 (t);
      g_assert_cmpstr (text, ==, expected);
    }
}

/* Rows from before the check go out repaired: U+FFFD for what is not UTF-8, escapes for raw
 * control characters in strings; valid text is left alone (NULL). */
static void
test_make_valid (void)
{
  static const char good[] = "{\"a\":\"😀 \\u001f\",\"b\":[1,2]}";
  static const char bad[] = "{\"s\":\"a\xed\xa0\x80" "b\x1f\",\"t\":\"\\\"\x01\"}";
  g_autofree char *fixed = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  g_assert_null (dw_json_make_valid (good, strlen (good), &length));

  fixed = dw_json_make_valid (bad, strlen (bad), &length);
  g_assert_nonnull (fixed);
  g_assert_cmpuint (length, ==, strlen (fixed));
  g_assert_cmpstr (fixed, ==, "{\"s\":\"a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "b\\u001f\","
                              "\"t\":\"\\\"\\u0001\"}");
  g_assert_true (dw_json_check_text (fixed, length, &error));
  g_assert_no_error (error);
}

/* dw_json_append_string writes a string as json-glib's generator does (dw_json_to_string): every
 * ASCII character, unicode of each UTF-8 length, the escapes. */
static void
test_append_string (void)
{
  static const char * const odd[] = {
    "", "plain", "a \"quoted\" \\ back\\slash", "tab\tnew\nline\rcr\bbs\fff", "\x01\x1f\x7f",
    "é ü ß", "退款 请尽快处理，谢谢！", "ＡＢＣ１２３", "emoji 😀 and 𝄞", "\u2028\u2029", "</script>",
    "null", "\"", "\\", "\u00a0nbsp", NULL
  };

  for (guint c = 1; c < 0x80; c++)
    {
      char text[4] = { 'a', (char) c, 'b', '\0' };
      g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);
      g_autofree char *expected = dw_json_to_string (node, NULL);
      g_autoptr(GString) out = g_string_new (NULL);

      dw_json_append_string (out, text);
      g_assert_cmpstr (out->str, ==, expected);
    }

  for (guint i = 0; odd[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), odd[i]);
      g_autofree char *expected = dw_json_to_string (node, NULL);
      g_autoptr(GString) out = g_string_new (NULL);

      dw_json_append_string (out, odd[i]);
      g_assert_cmpstr (out->str, ==, expected);
    }

  {
    g_autoptr(GString) out = g_string_new (NULL);

    dw_json_append_string (out, NULL);
    g_assert_cmpstr (out->str, ==, "null");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/json-text/check/bad/%s", bad_cases[i].name);

      g_test_add_data_func (path, &bad_cases[i], test_bad);
    }
  g_test_add_func ("/json-text/check/good", test_good);
  g_test_add_func ("/json-text/tolerant/items", test_tolerant_items);
  g_test_add_func ("/json-text/tolerant/event", test_tolerant_event);
  g_test_add_func ("/json-text/tolerant/whole", test_tolerant_whole);
  g_test_add_func ("/json-text/to-string", test_to_string);
  g_test_add_func ("/json-text/to-string/scalars", test_to_string_scalars);
  g_test_add_func ("/json-text/append-string", test_append_string);
  g_test_add_func ("/json-text/time", test_time_text);
  g_test_add_func ("/json-text/make-valid", test_make_valid);

  return g_test_run ();
}
