#include "dw-enums.h"

G_DEFINE_ENUM_TYPE (DwRole, dw_role,
  G_DEFINE_ENUM_VALUE (DW_ROLE_AGENT, "agent"),
  G_DEFINE_ENUM_VALUE (DW_ROLE_LEAD, "lead"),
  G_DEFINE_ENUM_VALUE (DW_ROLE_ADMIN, "admin"))

G_DEFINE_ENUM_TYPE (DwPresence, dw_presence,
  G_DEFINE_ENUM_VALUE (DW_PRESENCE_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (DW_PRESENCE_AWAY, "away"),
  G_DEFINE_ENUM_VALUE (DW_PRESENCE_ONLINE, "online"))

G_DEFINE_ENUM_TYPE (DwChannel, dw_channel,
  G_DEFINE_ENUM_VALUE (DW_CHANNEL_WEB, "web"),
  G_DEFINE_ENUM_VALUE (DW_CHANNEL_APP, "app"),
  G_DEFINE_ENUM_VALUE (DW_CHANNEL_WECHAT, "wechat"),
  G_DEFINE_ENUM_VALUE (DW_CHANNEL_WEIBO, "weibo"),
  G_DEFINE_ENUM_VALUE (DW_CHANNEL_PHONE, "phone"),
  G_DEFINE_ENUM_VALUE (DW_CHANNEL_EMAIL, "email"))

G_DEFINE_ENUM_TYPE (DwPriority, dw_priority,
  G_DEFINE_ENUM_VALUE (DW_PRIORITY_LOW, "low"),
  G_DEFINE_ENUM_VALUE (DW_PRIORITY_NORMAL, "normal"),
  G_DEFINE_ENUM_VALUE (DW_PRIORITY_HIGH, "high"),
  G_DEFINE_ENUM_VALUE (DW_PRIORITY_URGENT, "urgent"))

G_DEFINE_ENUM_TYPE (DwStatus, dw_status,
  G_DEFINE_ENUM_VALUE (DW_STATUS_NEW, "new"),
  G_DEFINE_ENUM_VALUE (DW_STATUS_OPEN, "open"),
  G_DEFINE_ENUM_VALUE (DW_STATUS_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (DW_STATUS_ON_HOLD, "on-hold"),
  G_DEFINE_ENUM_VALUE (DW_STATUS_SOLVED, "solved"),
  G_DEFINE_ENUM_VALUE (DW_STATUS_CLOSED, "closed"))

G_DEFINE_ENUM_TYPE (DwSlaState, dw_sla_state,
  G_DEFINE_ENUM_VALUE (DW_SLA_STATE_NONE, "none"),
  G_DEFINE_ENUM_VALUE (DW_SLA_STATE_MET, "met"),
  G_DEFINE_ENUM_VALUE (DW_SLA_STATE_PAUSED, "paused"),
  G_DEFINE_ENUM_VALUE (DW_SLA_STATE_OK, "ok"),
  G_DEFINE_ENUM_VALUE (DW_SLA_STATE_AT_RISK, "at-risk"),
  G_DEFINE_ENUM_VALUE (DW_SLA_STATE_BREACHED, "breached"))

G_DEFINE_ENUM_TYPE (DwSlaTarget, dw_sla_target,
  G_DEFINE_ENUM_VALUE (DW_SLA_TARGET_FIRST_RESPONSE, "first-response"),
  G_DEFINE_ENUM_VALUE (DW_SLA_TARGET_NEXT_RESPONSE, "next-response"),
  G_DEFINE_ENUM_VALUE (DW_SLA_TARGET_RESOLUTION, "resolution"))

G_DEFINE_ENUM_TYPE (DwBreach, dw_breach,
  G_DEFINE_ENUM_VALUE (DW_BREACH_NONE, "none"),
  G_DEFINE_ENUM_VALUE (DW_BREACH_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (DW_BREACH_SETTLED, "settled"))

G_DEFINE_ENUM_TYPE (DwAuthorKind, dw_author_kind,
  G_DEFINE_ENUM_VALUE (DW_AUTHOR_AGENT, "agent"),
  G_DEFINE_ENUM_VALUE (DW_AUTHOR_CUSTOMER, "customer"),
  G_DEFINE_ENUM_VALUE (DW_AUTHOR_SYSTEM, "system"))

const char *
dw_enum_to_string (GType enum_type,
                   int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *ev = g_enum_get_value (klass, value);

  /* Nicks are static strings owned by the class, which is never unloaded. */
  return ev != NULL ? ev->value_nick : NULL;
}

gboolean
dw_enum_from_string (GType       enum_type,
                     const char *str,
                     int        *value)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *ev;

  if (str == NULL)
    return FALSE;

  klass = g_type_class_ref (enum_type);
  ev = g_enum_get_value_by_nick (klass, str);
  if (ev == NULL)
    return FALSE;

  if (value != NULL)
    *value = ev->value;
  return TRUE;
}

gboolean
dw_status_is_active (DwStatus status)
{
  return status == DW_STATUS_NEW || status == DW_STATUS_OPEN ||
         status == DW_STATUS_PENDING || status == DW_STATUS_ON_HOLD;
}
