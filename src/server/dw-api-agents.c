/* dw-api-agents.c: per-agent figures of a period (dw-agent-metrics.h). */
#define G_LOG_DOMAIN "dw-api"

#include "dw-api-private.h"

#include "dw-agent-metrics.h"

static void
metrics_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  const char *team = dw_api_query (req, "team_id");
  const char *period = dw_api_query (req, "period");
  const char *from_text = dw_api_query (req, "from");
  const char *to_text = dw_api_query (req, "to");
  gint64 from = 0, to = 0;
  guint64 team_id;

  if (team == NULL || !g_ascii_string_to_unsigned (team, 10, 1, G_MAXINT64, &team_id, NULL))
    {
      dw_api_reply_invalid (req, "team_id: required, an id");
      return;
    }
  if (period != NULL && (from_text != NULL || to_text != NULL))
    {
      dw_api_reply_invalid (req, "period: give a period or from and to, not both");
      return;
    }
  if (period != NULL && !g_str_equal (period, "today") && !g_str_equal (period, "7d")
      && !g_str_equal (period, "30d"))
    {
      dw_api_reply_invalid (req, "period: \"%s\" is not one of today, 7d, 30d", period);
      return;
    }
  if ((from_text != NULL) != (to_text != NULL)
      || (from_text != NULL && (!dw_time_from_iso8601 (from_text, &from)
                                || !dw_time_from_iso8601 (to_text, &to)
                                || to <= from || to - from > 92 * 86400)))
    {
      dw_api_reply_invalid (req, "from, to: ISO 8601 times, to after from, at most 92 days apart");
      return;
    }

  result = dw_agent_metrics (req->api->db, req->principal, (gint64) team_id, period, from, to,
                             dw_clock_now (req->api->clock), &error);
  if (result == NULL)
    {
      dw_api_reply_error (req, error);
      return;
    }
  dw_api_reply_object (req, SOUP_STATUS_OK, result);
}

const DwApiRoute dw_api_agent_routes[] = {
  { "GET", "agents/metrics", metrics_cb, FALSE },
  { NULL },
};
