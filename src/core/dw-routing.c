#include "dw-routing.h"

#include <stdlib.h>
#include <string.h>

#include "dw-json.h"

typedef struct
{
  char *keyword;
  char *folded;         /* normalised and case-folded keyword, what is searched for */
  char *business_type;
} Rule;

struct _DwClassifier
{
  gatomicrefcount  ref_count;
  GArray          *rules;  /* of Rule, in order: the first match wins */
};

G_DEFINE_BOXED_TYPE (DwClassifier, dw_classifier, dw_classifier_ref, dw_classifier_unref)

/* Stronger intents first: a complaint about a late parcel is a complaint, a parcel that arrived
 * broken is a quality problem, the courier of a return is a return. */
static const struct
{
  const char *business_type;
  const char *keywords[12];
} default_rules[] = {
  { "complaints", { "投诉", "差评", "举报", "12315", "complaint", "complain", NULL } },
  { "quality", { "质量", "破损", "坏了", "瑕疵", "假货", "damaged", "broken", "defect", "quality",
                 NULL } },
  { "returns", { "退款", "退货", "换货", "退钱", "refund", "return", "exchange", NULL } },
  { "logistics", { "物流", "快递", "发货", "配送", "签收", "没收到", "shipping", "delivery",
                   "tracking", "courier", NULL } },
  { "presales", { "尺码", "有货", "优惠", "发票", "价格", "多少钱", "presale", "size", "stock",
                  "discount", "coupon", "price" } },
};

/* Text made only of ASCII, CJK ideographs (U+4E00–U+9FFF), the common CJK punctuation
 * (U+3001–U+3002, U+3008–U+3011) and full-width ASCII (U+FF01–U+FF5E) folds one character at a
 * time: NFKC leaves the first three alone and maps full-width onto ASCII, case folding lowers
 * ASCII and leaves the rest, and none of them composes with a neighbour from that set.  That is
 * nearly every ticket on a Chinese desk; g_utf8_normalize() and g_utf8_casefold() were 44k
 * instructions of a create (issue 13).  NULL when the text has anything else. */
static char *
fold_text_simple (const char *text)
{
  gsize n = strlen (text);
  char *folded = g_malloc (n + 1);
  const guchar *p = (const guchar *) text;
  char *out = folded;

  while (*p != '\0')
    {
      gunichar c;

      if (*p < 0x80)
        {
          *out++ = g_ascii_tolower (*p++);
          continue;
        }

      /* Everything accepted is three bytes long. */
      if ((p[0] & 0xf0) != 0xe0 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
        break;
      c = ((gunichar) (p[0] & 0x0f) << 12) | ((gunichar) (p[1] & 0x3f) << 6) | (p[2] & 0x3f);

      if ((c >= 0x4e00 && c <= 0x9fff) || c == 0x3001 || c == 0x3002
          || (c >= 0x3008 && c <= 0x3011))
        {
          memcpy (out, p, 3);
          out += 3;
        }
      else if (c >= 0xff01 && c <= 0xff5e)
        {
          *out++ = g_ascii_tolower ((char) (c - 0xfee0));
        }
      else
        {
          break;
        }
      p += 3;
    }

  if (*p != '\0')
    {
      g_free (folded);
      return NULL;
    }

  *out = '\0';
  return folded;
}

/* NFKC folds full-width Latin and digits onto ASCII ("ＲＥＦＵＮＤ" → "REFUND"); case folding
 * then makes Latin case-insensitive and leaves Chinese as it is. */
char *
dw_routing_fold_text (const char *text)
{
  g_autofree char *normalized = NULL;
  char *folded;

  if (text == NULL)
    return g_strdup ("");

  if ((folded = fold_text_simple (text)) != NULL)
    return folded;

  normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);
  if (normalized == NULL)  /* not UTF-8: still match what can be matched */
    return g_ascii_strdown (text, -1);
  return g_utf8_casefold (normalized, -1);
}

static void
rule_clear (gpointer data)
{
  Rule *rule = data;

  g_free (rule->keyword);
  g_free (rule->folded);
  g_free (rule->business_type);
}

DwClassifier *
dw_classifier_new (void)
{
  DwClassifier *self = g_new0 (DwClassifier, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->rules = g_array_new (FALSE, TRUE, sizeof (Rule));
  g_array_set_clear_func (self->rules, rule_clear);
  return self;
}

DwClassifier *
dw_classifier_new_default (void)
{
  DwClassifier *self = dw_classifier_new ();

  for (guint i = 0; i < G_N_ELEMENTS (default_rules); i++)
    {
      for (guint j = 0; j < G_N_ELEMENTS (default_rules[i].keywords) &&
                        default_rules[i].keywords[j] != NULL; j++)
        dw_classifier_add_rule (self, default_rules[i].keywords[j], default_rules[i].business_type);
    }
  return self;
}

DwClassifier *
dw_classifier_ref (DwClassifier *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
dw_classifier_unref (DwClassifier *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_array_unref (self->rules);
      g_free (self);
    }
}

void
dw_classifier_add_rule (DwClassifier *self,
                        const char   *keyword,
                        const char   *business_type)
{
  Rule rule;

  g_return_if_fail (self != NULL);
  g_return_if_fail (keyword != NULL && *keyword != '\0');
  g_return_if_fail (business_type != NULL);

  rule.keyword = g_strdup (keyword);
  rule.folded = dw_routing_fold_text (keyword);
  rule.business_type = g_strdup (business_type);
  g_array_append_val (self->rules, rule);
}

void
dw_classifier_clear (DwClassifier *self)
{
  g_return_if_fail (self != NULL);

  g_array_set_size (self->rules, 0);
}

guint
dw_classifier_get_n_rules (DwClassifier *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->rules->len;
}

gboolean
dw_classifier_get_rule (DwClassifier *self,
                        guint         index,
                        const char  **keyword,
                        const char  **business_type)
{
  Rule *rule;

  g_return_val_if_fail (self != NULL, FALSE);

  if (index >= self->rules->len)
    return FALSE;

  rule = &g_array_index (self->rules, Rule, index);
  if (keyword != NULL)
    *keyword = rule->keyword;
  if (business_type != NULL)
    *business_type = rule->business_type;
  return TRUE;
}

gboolean
dw_classifier_load_json (DwClassifier *self,
                         JsonArray    *rules,
                         GError      **error)
{
  g_autoptr(DwClassifier) loaded = NULL;
  guint n;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (rules != NULL, FALSE);

  /* Load into a scratch classifier so that a bad rule leaves the old ones in place. */
  loaded = dw_classifier_new ();
  n = json_array_get_length (rules);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (rules, i);
      JsonObject *object;
      g_autofree char *keyword = NULL;
      g_autofree char *business_type = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_TYPE,
                       "rules[%u]: expected an object, got %s", i, dw_json_node_describe (node));
          return FALSE;
        }

      object = json_node_get_object (node);
      if (!dw_json_get_string (object, "keyword", DW_JSON_REQUIRED, &keyword, error) ||
          !dw_json_get_string (object, "business_type", DW_JSON_REQUIRED, &business_type, error))
        {
          dw_json_prefix_error (error, "rules[%u].", i);
          return FALSE;
        }

      /* An empty keyword would match every text and silently swallow the later rules. */
      if (*g_strstrip (keyword) == '\0')
        {
          g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE,
                       "rules[%u].keyword: must not be empty", i);
          return FALSE;
        }
      if (*business_type == '\0')
        {
          g_set_error (error, DW_JSON_ERROR, DW_JSON_ERROR_VALUE,
                       "rules[%u].business_type: must not be empty", i);
          return FALSE;
        }

      dw_classifier_add_rule (loaded, keyword, business_type);
    }

  /* Swap the rule arrays. */
  {
    GArray *tmp = self->rules;

    self->rules = loaded->rules;
    loaded->rules = tmp;
  }
  return TRUE;
}

JsonArray *
dw_classifier_to_json (DwClassifier *self)
{
  JsonArray *array;

  g_return_val_if_fail (self != NULL, NULL);

  array = json_array_sized_new (self->rules->len);
  for (guint i = 0; i < self->rules->len; i++)
    {
      Rule *rule = &g_array_index (self->rules, Rule, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "keyword", rule->keyword);
      json_object_set_string_member (object, "business_type", rule->business_type);
      json_array_add_object_element (array, object);
    }
  return array;
}

const char *
dw_classifier_classify_full (DwClassifier *self,
                             const char   *subject,
                             const char   *body,
                             const char  **out_keyword)
{
  g_autofree char *folded_subject = NULL;
  g_autofree char *folded_body = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (out_keyword != NULL)
    *out_keyword = NULL;

  folded_subject = dw_routing_fold_text (subject);
  folded_body = dw_routing_fold_text (body);

  /* Rule order decides, not where in the text a keyword occurs. */
  for (guint i = 0; i < self->rules->len; i++)
    {
      Rule *rule = &g_array_index (self->rules, Rule, i);

      if (strstr (folded_subject, rule->folded) != NULL ||
          strstr (folded_body, rule->folded) != NULL)
        {
          if (out_keyword != NULL)
            *out_keyword = rule->keyword;
          return rule->business_type;
        }
    }
  return NULL;
}

const char *
dw_classifier_classify (DwClassifier *self,
                        const char   *subject,
                        const char   *body)
{
  return dw_classifier_classify_full (self, subject, body, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Agent choice */

static int
free_capacity (const DwAgentCandidate *c)
{
  return c->capacity - c->open_tickets;
}

static gboolean
is_eligible (const DwAgentCandidate *c,
             gboolean                skill_required)
{
  return c->presence == DW_PRESENCE_ONLINE &&
         free_capacity (c) > 0 &&
         (!skill_required || c->skill_level > 0);
}

/* TRUE when @a beats @b. */
static gboolean
is_better (const DwAgentCandidate *a,
           const DwAgentCandidate *b)
{
  if (free_capacity (a) != free_capacity (b))
    return free_capacity (a) > free_capacity (b);
  if (a->skill_level != b->skill_level)
    return a->skill_level > b->skill_level;
  /* Spread the work: whoever waited longest since their last ticket. */
  if (a->last_assigned_at != b->last_assigned_at)
    return a->last_assigned_at < b->last_assigned_at;
  return a->user_id < b->user_id;
}

gint64
dw_routing_pick_agent_full (const DwAgentCandidate *candidates,
                            gsize                   n_candidates,
                            const char             *skill,
                            gboolean                skill_required,
                            char                  **reason_out)
{
  const DwAgentCandidate *best = NULL;
  g_autofree char *skill_words = NULL;

  g_return_val_if_fail (candidates != NULL || n_candidates == 0, 0);

  for (gsize i = 0; i < n_candidates; i++)
    {
      const DwAgentCandidate *c = &candidates[i];

      if (is_eligible (c, skill_required) && (best == NULL || is_better (c, best)))
        best = c;
    }

  if (reason_out == NULL)
    return best != NULL ? best->user_id : 0;

  skill_words = skill != NULL ? g_strdup_printf ("skill %s", skill) : g_strdup ("the needed skill");

  if (best == NULL)
    {
      if (skill_required)
        *reason_out = g_strdup_printf ("no online agent with %s and free capacity", skill_words);
      else
        *reason_out = g_strdup ("no online agent with free capacity");
      return 0;
    }

  if (best->skill_level > 0)
    *reason_out = g_strdup_printf ("online agent with %s (level %d) and the most free capacity "
                                   "(%d of %d)", skill_words, best->skill_level,
                                   free_capacity (best), best->capacity);
  else
    *reason_out = g_strdup_printf ("online agent with the most free capacity (%d of %d)",
                                   free_capacity (best), best->capacity);
  return best->user_id;
}

gint64
dw_routing_pick_agent (const DwAgentCandidate *candidates,
                       gsize                   n_candidates,
                       gboolean                skill_required,
                       char                  **reason_out)
{
  return dw_routing_pick_agent_full (candidates, n_candidates, NULL, skill_required, reason_out);
}

/* ------------------------------------------------------------------------------------------ */
/* Queue order */

int
dw_routing_compare_queued (const DwQueuedTicket *a,
                           const DwQueuedTicket *b)
{
  if (a->priority != b->priority)
    return a->priority > b->priority ? -1 : 1;
  if (!a->vip != !b->vip)
    return a->vip ? -1 : 1;
  if (a->created_at != b->created_at)
    return a->created_at < b->created_at ? -1 : 1;
  if (a->ticket_id != b->ticket_id)
    return a->ticket_id < b->ticket_id ? -1 : 1;
  return 0;
}

static int
compare_queued_cb (gconstpointer a,
                   gconstpointer b)
{
  return dw_routing_compare_queued (a, b);
}

void
dw_routing_sort_queue (DwQueuedTicket *tickets,
                       gsize           n_tickets)
{
  g_return_if_fail (tickets != NULL || n_tickets == 0);

  if (n_tickets > 1)
    qsort (tickets, n_tickets, sizeof (DwQueuedTicket), compare_queued_cb);
}

gboolean
dw_routing_tags_are_vip (const char * const *tags)
{
  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (tags[i], "vip") == 0)
        return TRUE;
    }
  return FALSE;
}
