/* dw-enums.h: the enumerations of the Deskwatch model, shared by the service and the console.
 *
 * Each is a registered GEnum whose value nicks are exactly the strings of the JSON API
 * (docs/api.md), so one table serves the wire format, SQLite and GObject properties.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  DW_ROLE_AGENT,
  DW_ROLE_LEAD,
  DW_ROLE_ADMIN,
} DwRole;

typedef enum
{
  DW_PRESENCE_OFFLINE,
  DW_PRESENCE_AWAY,
  DW_PRESENCE_ONLINE,
} DwPresence;

typedef enum
{
  DW_CHANNEL_WEB,
  DW_CHANNEL_APP,
  DW_CHANNEL_WECHAT,
  DW_CHANNEL_WEIBO,
  DW_CHANNEL_PHONE,
  DW_CHANNEL_EMAIL,
} DwChannel;

/* Ordered: a larger value is more urgent. */
typedef enum
{
  DW_PRIORITY_LOW,
  DW_PRIORITY_NORMAL,
  DW_PRIORITY_HIGH,
  DW_PRIORITY_URGENT,
} DwPriority;

typedef enum
{
  DW_STATUS_NEW,
  DW_STATUS_OPEN,
  DW_STATUS_PENDING,
  DW_STATUS_ON_HOLD,
  DW_STATUS_SOLVED,
  DW_STATUS_CLOSED,
} DwStatus;

/* State of one SLA target, and (worst of its targets) of a ticket.
 * Ordered so that a larger value is worse for the ticket-level roll-up. */
typedef enum
{
  DW_SLA_STATE_NONE,     /* no policy applies / target not active */
  DW_SLA_STATE_MET,
  DW_SLA_STATE_PAUSED,
  DW_SLA_STATE_OK,
  DW_SLA_STATE_AT_RISK,
  DW_SLA_STATE_BREACHED,
} DwSlaState;

/* A ticket's breach, the one definition every figure counts (docs/api.md "Breach"):
 * running — a target breached and not settled yet (the late reply or resolution is still owed;
 *           the ticket is active, pending included);
 * settled — breached earlier, every breached target settled since (the late reply was sent, or
 *           the ticket was solved late);
 * none    — no target breached. */
typedef enum
{
  DW_BREACH_NONE,
  DW_BREACH_RUNNING,
  DW_BREACH_SETTLED,
} DwBreach;

typedef enum
{
  DW_SLA_TARGET_FIRST_RESPONSE,
  DW_SLA_TARGET_NEXT_RESPONSE,
  DW_SLA_TARGET_RESOLUTION,
} DwSlaTarget;

#define DW_SLA_N_TARGETS 3

typedef enum
{
  DW_AUTHOR_AGENT,
  DW_AUTHOR_CUSTOMER,
  DW_AUTHOR_SYSTEM,
} DwAuthorKind;

#define DW_TYPE_ROLE (dw_role_get_type ())
#define DW_TYPE_PRESENCE (dw_presence_get_type ())
#define DW_TYPE_CHANNEL (dw_channel_get_type ())
#define DW_TYPE_PRIORITY (dw_priority_get_type ())
#define DW_TYPE_STATUS (dw_status_get_type ())
#define DW_TYPE_SLA_STATE (dw_sla_state_get_type ())
#define DW_TYPE_SLA_TARGET (dw_sla_target_get_type ())
#define DW_TYPE_BREACH (dw_breach_get_type ())
#define DW_TYPE_AUTHOR_KIND (dw_author_kind_get_type ())

GType dw_role_get_type (void) G_GNUC_CONST;
GType dw_presence_get_type (void) G_GNUC_CONST;
GType dw_channel_get_type (void) G_GNUC_CONST;
GType dw_priority_get_type (void) G_GNUC_CONST;
GType dw_status_get_type (void) G_GNUC_CONST;
GType dw_sla_state_get_type (void) G_GNUC_CONST;
GType dw_sla_target_get_type (void) G_GNUC_CONST;
GType dw_breach_get_type (void) G_GNUC_CONST;
GType dw_author_kind_get_type (void) G_GNUC_CONST;

/* The wire string of @value (its nick), or NULL when @value is out of range. */
const char *dw_enum_to_string (GType enum_type,
                               int   value);

/* Parses the wire string @str; FALSE (and *value untouched) for NULL or an unknown string. */
gboolean    dw_enum_from_string (GType       enum_type,
                                 const char *str,
                                 int        *value);

/* Convenience wrappers for the common ones. */
#define dw_role_to_string(v) dw_enum_to_string (DW_TYPE_ROLE, (v))
#define dw_presence_to_string(v) dw_enum_to_string (DW_TYPE_PRESENCE, (v))
#define dw_channel_to_string(v) dw_enum_to_string (DW_TYPE_CHANNEL, (v))
#define dw_priority_to_string(v) dw_enum_to_string (DW_TYPE_PRIORITY, (v))
#define dw_status_to_string(v) dw_enum_to_string (DW_TYPE_STATUS, (v))
#define dw_sla_state_to_string(v) dw_enum_to_string (DW_TYPE_SLA_STATE, (v))
#define dw_sla_target_to_string(v) dw_enum_to_string (DW_TYPE_SLA_TARGET, (v))
#define dw_breach_to_string(v) dw_enum_to_string (DW_TYPE_BREACH, (v))
#define dw_author_kind_to_string(v) dw_enum_to_string (DW_TYPE_AUTHOR_KIND, (v))

/* TRUE for statuses in which a ticket still needs work (new, open, pending, on-hold). */
gboolean dw_status_is_active (DwStatus status);

G_END_DECLS
