/* dw-sla-policy.h: an SLA policy (docs/api.md "SLA policy") as a GObject for the console.
 *
 * The matching and clock maths work on the plain DwSlaRule of dw-sla.h; this is the bindable
 * view.  match_priorities and match_channels are GStrv of wire nicks, each checked against its
 * enumeration when read.  A target's minutes are 0 when the policy has no such target (null on
 * the wire).  The "escalation" object maps onto three boolean properties.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "dw-enums.h"

G_BEGIN_DECLS

#define DW_TYPE_SLA_POLICY (dw_sla_policy_get_type ())
G_DECLARE_FINAL_TYPE (DwSlaPolicy, dw_sla_policy, DW, SLA_POLICY, GObject)

/* Required: id, name, position.  Missing match lists are empty (match any), missing targets
 * are none, at_risk_ratio defaults to 0.75, escalation to raise_priority and notify_lead. */
DwSlaPolicy *dw_sla_policy_new_from_json   (JsonObject   *object,
                                            GError      **error);
JsonObject  *dw_sla_policy_to_json         (DwSlaPolicy  *self);
gboolean     dw_sla_policy_update_from_json (DwSlaPolicy *self,
                                             JsonObject  *object,
                                             GError     **error);

gint64       dw_sla_policy_get_id          (DwSlaPolicy  *self);
const char  *dw_sla_policy_get_name        (DwSlaPolicy  *self);
int          dw_sla_policy_get_position    (DwSlaPolicy  *self);
const char * const *dw_sla_policy_get_match_priorities     (DwSlaPolicy *self);
const char * const *dw_sla_policy_get_match_tags           (DwSlaPolicy *self);
const char * const *dw_sla_policy_get_match_channels       (DwSlaPolicy *self);
const char * const *dw_sla_policy_get_match_business_types (DwSlaPolicy *self);
int          dw_sla_policy_get_first_response_minutes (DwSlaPolicy *self);
int          dw_sla_policy_get_next_response_minutes  (DwSlaPolicy *self);
int          dw_sla_policy_get_resolution_minutes     (DwSlaPolicy *self);
/* The minutes of @target, 0 when the policy has none. */
int          dw_sla_policy_get_target_minutes (DwSlaPolicy *self,
                                               DwSlaTarget  target);
double       dw_sla_policy_get_at_risk_ratio   (DwSlaPolicy *self);
gboolean     dw_sla_policy_get_raise_priority  (DwSlaPolicy *self);
gboolean     dw_sla_policy_get_notify_lead     (DwSlaPolicy *self);
gboolean     dw_sla_policy_get_reassign        (DwSlaPolicy *self);

G_END_DECLS
