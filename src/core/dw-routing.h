/* dw-routing.h: the desk's routing decisions as pure functions.
 *
 * The service loads what it needs from SQLite (rules, the team's agents and their load, the
 * waiting tickets) and asks these functions; nothing here reads a clock or a database, so each
 * decision can be tested by hand-written cases.
 *
 * 1. Classification.  A DwClassifier holds ordered keyword rules (keyword → business type).  The
 *    first rule, in order, whose keyword occurs in the subject or body decides; so stronger
 *    intents go first.  The default rules are ordered complaints, quality, returns, logistics,
 *    presales: "投诉 快递三天没动" is a complaint, "快递送来就破损了" a quality problem,
 *    "退货的快递单号" a return.  Matching is on substrings after NFKC normalisation and case
 *    folding (so "REFUND", "Refund" and full-width "ＲＥＦＵＮＤ" all match "refund").
 *
 * 2. Agent choice.  Among the candidates (the members of the ticket's team), only online agents
 *    with free capacity (capacity - open_tickets > 0) — and, when the business type needs a
 *    skill, with that skill — may take the ticket.  The one with the most free capacity wins;
 *    ties go to the higher skill level, then the least recently assigned, then the lowest id.
 *
 * 3. Queue order.  When nobody is free the ticket waits unassigned in its team's queue.  Urgent
 *    and VIP tickets go first: waiting tickets are handed out highest priority first, VIP
 *    customers first within a priority, then oldest first, then lowest id.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "dw-enums.h"

G_BEGIN_DECLS

/* ------------------------------------------------------------------------------------------ */
/* Classification */

typedef struct _DwClassifier DwClassifier;

#define DW_TYPE_CLASSIFIER (dw_classifier_get_type ())
GType         dw_classifier_get_type     (void) G_GNUC_CONST;

/* A classifier without rules (classifies nothing). */
DwClassifier *dw_classifier_new          (void);
/* The built-in Chinese and English rules, in this order (first match wins):
 *   complaints: 投诉 差评 举报 12315 complaint complain
 *   quality:    质量 破损 坏了 瑕疵 假货 damaged broken defect quality
 *   returns:    退款 退货 换货 退钱 refund return exchange
 *   logistics:  物流 快递 发货 配送 签收 没收到 shipping delivery tracking courier
 *   presales:   尺码 有货 优惠 发票 价格 多少钱 presale size stock discount coupon price */
DwClassifier *dw_classifier_new_default  (void);
DwClassifier *dw_classifier_ref          (DwClassifier *self);
void          dw_classifier_unref        (DwClassifier *self);

/* Appends a rule after the existing ones (so it loses to them). */
void          dw_classifier_add_rule     (DwClassifier *self,
                                          const char   *keyword,
                                          const char   *business_type);
void          dw_classifier_clear        (DwClassifier *self);
guint         dw_classifier_get_n_rules  (DwClassifier *self);
/* The rule at @index (borrowed strings); FALSE past the end. */
gboolean      dw_classifier_get_rule     (DwClassifier *self,
                                          guint         index,
                                          const char  **keyword,
                                          const char  **business_type);

/* Replaces the rules with @rules, a JSON array [{"keyword": …, "business_type": …}, …] in
 * order.  On error (DW_JSON_ERROR, e.g. "rules[2].keyword: missing" or an empty keyword) the
 * rules are left as they were. */
gboolean      dw_classifier_load_json    (DwClassifier *self,
                                          JsonArray    *rules,
                                          GError      **error);
JsonArray    *dw_classifier_to_json      (DwClassifier *self);

/* @text as keywords are searched for in it: NFKC-normalised and case-folded (a NULL @text is
 * ""; text that is not UTF-8 only lowered in ASCII).  Free with g_free(). */
char         *dw_routing_fold_text       (const char   *text);

/* The business type of the first rule whose keyword occurs in @subject or @body (either may
 * be NULL), or NULL when none matches.  The string belongs to the classifier. */
const char   *dw_classifier_classify     (DwClassifier *self,
                                          const char   *subject,
                                          const char   *body);
/* The same, also giving the rule's keyword (borrowed) for the audit reason. */
const char   *dw_classifier_classify_full (DwClassifier *self,
                                           const char   *subject,
                                           const char   *body,
                                           const char  **out_keyword);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwClassifier, dw_classifier_unref)

/* ------------------------------------------------------------------------------------------ */
/* Agent choice */

typedef struct
{
  gint64     user_id;
  DwPresence presence;
  int        capacity;
  int        open_tickets;      /* assigned tickets still active */
  int        skill_level;       /* level of the skill the ticket needs; 0: lacks it */
  gint64     last_assigned_at;  /* Unix seconds of the last assignment; 0: never */
} DwAgentCandidate;

/* The user id of the agent to assign (see the top of this file), or 0 when nobody may take
 * the ticket.  With @skill_required FALSE the skill level only breaks ties.  @reason_out (may
 * be NULL) receives a sentence for the audit trail in either case, e.g. "online agent with
 * the needed skill (level 4) and the most free capacity (4 of 6)" or "no online agent with
 * free capacity"; free it with g_free(). */
gint64        dw_routing_pick_agent      (const DwAgentCandidate *candidates,
                                          gsize                   n_candidates,
                                          gboolean                skill_required,
                                          char                  **reason_out);
/* The same, naming @skill (may be NULL) in the reason: "online agent with skill logistics
 * (level 4) and the most free capacity (4 of 6)". */
gint64        dw_routing_pick_agent_full (const DwAgentCandidate *candidates,
                                          gsize                   n_candidates,
                                          const char             *skill,
                                          gboolean                skill_required,
                                          char                  **reason_out);

/* ------------------------------------------------------------------------------------------ */
/* Queue order */

typedef struct
{
  gint64     ticket_id;
  DwPriority priority;
  gboolean   vip;         /* the customer is tagged vip (dw_routing_tags_are_vip) */
  gint64     created_at;
} DwQueuedTicket;

/* < 0 when @a should be handed out before @b: priority descending (urgent first), then VIP
 * first, then created_at ascending (oldest first), then ticket_id ascending.  Never 0 for
 * distinct ids, so the order is total. */
int           dw_routing_compare_queued  (const DwQueuedTicket *a,
                                          const DwQueuedTicket *b);
/* Sorts @tickets in place in that order. */
void          dw_routing_sort_queue      (DwQueuedTicket       *tickets,
                                          gsize                 n_tickets);
/* Whether customer @tags (may be NULL) contain "vip", in any case. */
gboolean      dw_routing_tags_are_vip    (const char * const   *tags);

G_END_DECLS
