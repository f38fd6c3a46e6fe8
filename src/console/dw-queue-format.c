/* dw-queue-format.c: words for the model's values in the queues section. */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-queue-format.h"

const char *
dw_priority_label (DwPriority priority)
{
  switch (priority)
    {
    case DW_PRIORITY_LOW: return C_("priority", "Low");
    case DW_PRIORITY_NORMAL: return C_("priority", "Normal");
    case DW_PRIORITY_HIGH: return C_("priority", "High");
    case DW_PRIORITY_URGENT: return C_("priority", "Urgent");
    default: return "";
    }
}

const char *
dw_status_label (DwStatus status)
{
  switch (status)
    {
    case DW_STATUS_NEW: return C_("status", "New");
    case DW_STATUS_OPEN: return C_("status", "Open");
    case DW_STATUS_PENDING: return C_("status", "Pending");
    case DW_STATUS_ON_HOLD: return C_("status", "On hold");
    case DW_STATUS_SOLVED: return C_("status", "Solved");
    case DW_STATUS_CLOSED: return C_("status", "Closed");
    default: return "";
    }
}

const char *
dw_channel_label (DwChannel channel)
{
  switch (channel)
    {
    case DW_CHANNEL_WEB: return C_("channel", "Web");
    case DW_CHANNEL_APP: return C_("channel", "App");
    case DW_CHANNEL_WECHAT: return C_("channel", "WeChat");
    case DW_CHANNEL_WEIBO: return C_("channel", "Weibo");
    case DW_CHANNEL_PHONE: return C_("channel", "Phone");
    case DW_CHANNEL_EMAIL: return C_("channel", "Email");
    default: return "";
    }
}

const char *
dw_sla_state_label (DwSlaState state)
{
  switch (state)
    {
    case DW_SLA_STATE_NONE: return C_("sla state", "No SLA");
    case DW_SLA_STATE_MET: return C_("sla state", "Met");
    case DW_SLA_STATE_PAUSED: return C_("sla state", "Paused");
    case DW_SLA_STATE_OK: return C_("sla state", "On track");
    case DW_SLA_STATE_AT_RISK: return C_("sla state", "At risk");
    case DW_SLA_STATE_BREACHED: return C_("sla state", "Breached");
    default: return "";
    }
}

const char *
dw_sla_target_label (DwSlaTarget target)
{
  switch (target)
    {
    case DW_SLA_TARGET_FIRST_RESPONSE: return _("First response");
    case DW_SLA_TARGET_NEXT_RESPONSE: return _("Next response");
    case DW_SLA_TARGET_RESOLUTION: return _("Resolution");
    default: return "";
    }
}

const char *
dw_presence_label (DwPresence presence)
{
  switch (presence)
    {
    case DW_PRESENCE_ONLINE: return C_("presence", "Online");
    case DW_PRESENCE_AWAY: return C_("presence", "Away");
    case DW_PRESENCE_OFFLINE: return C_("presence", "Offline");
    default: return "";
    }
}

const char *
dw_format_business_type (const char *business_type)
{
  /* The core classifier's types; a desk's own types are shown as they are. */
  static const struct { const char *nick; const char *label; } types[] = {
    { "presales", NC_("business type", "Pre-sales") },
    { "returns", NC_("business type", "Returns") },
    { "quality", NC_("business type", "Quality") },
    { "logistics", NC_("business type", "Logistics") },
    { "complaints", NC_("business type", "Complaint") },
  };

  if (business_type == NULL)
    return "";
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_equal (business_type, types[i].nick))
      return g_dpgettext2 (NULL, "business type", types[i].label);
  return business_type;
}

char *
dw_format_duration (gint64 seconds)
{
  gint64 minutes, hours, days;

  if (seconds < 0)
    seconds = 0;
  if (seconds < 60)
    return g_strdup_printf (_("%d s"), (int) seconds);

  minutes = seconds / 60;
  if (minutes < 60)
    return g_strdup_printf (_("%d min"), (int) minutes);

  hours = minutes / 60;
  if (hours < 24)
    return g_strdup_printf (_("%d h %02d min"), (int) hours, (int) (minutes % 60));

  days = hours / 24;
  return g_strdup_printf (_("%d d %d h"), (int) MIN (days, G_MAXINT), (int) (hours % 24));
}

char *
dw_format_waiting (gint64 since,
                   gint64 now)
{
  if (since == 0)
    return g_strdup ("");
  return dw_format_duration (now - since);
}

char *
dw_format_deadline (gint64 at,
                    gint64 now)
{
  g_autofree char *span = NULL;

  if (at == 0)
    return g_strdup ("");

  span = dw_format_duration (at >= now ? at - now : now - at);
  if (at >= now)
    /* Translators: a deadline still ahead, e.g. "in 12 min" */
    return g_strdup_printf (_("in %s"), span);
  /* Translators: a deadline that has passed, e.g. "12 min overdue" */
  return g_strdup_printf (_("%s overdue"), span);
}

char *
dw_format_time (gint64 t)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (t == 0)
    return g_strdup ("");

  utc = g_date_time_new_from_unix_utc (t);
  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  /* Translators: a date and time in the ticket detail; see g_date_time_format() */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

char *
dw_format_sla_trouble (guint breached,
                       guint at_risk)
{
  g_autofree char *b = NULL;
  g_autofree char *r = NULL;

  /* The very msgids of the SLA board's summary (dw-sla-board.c), so that a section does not
   * name a breach in words of its own: Chinese had 已违约 here and 已超时 everywhere else. */
  if (breached > 0)
    b = g_strdup_printf (g_dngettext (NULL, "%u breached", "%u breached", breached), breached);
  if (at_risk > 0)
    r = g_strdup_printf (g_dngettext (NULL, "%u at risk", "%u at risk", at_risk), at_risk);
  if (b != NULL && r != NULL)
    /* Translators: the two counts, e.g. "3 breached · 5 at risk". */
    return g_strdup_printf (_("%s · %s"), b, r);
  if (b != NULL)
    return g_steal_pointer (&b);
  return g_steal_pointer (&r);
}
