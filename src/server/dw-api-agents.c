/* dw-api-agents.c: per-agent figures of a period (dw-agent-metrics.h). */
#define G_LOG_DOMAIN "dw-api"

#include "dw-api-private.h"

#include "dw-agent-metrics.h"
#include "dw-desk-agents.h"

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

static void
status_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) items = NULL;
  const char *team = dw_api_query (req, "team_id");
  guint64 team_id;

  if (team == NULL || !g_ascii_string_to_unsigned (team, 10, 1, G_MAXINT64, &team_id, NULL))
    {
      dw_api_reply_invalid (req, "team_id: required, an id");
      return;
    }
  items = dw_desk_agents_status (req->api->desk, req->principal, (gint64) team_id, &error);
  if (items == NULL)
    {
      dw_api_reply_error (req, error);
      return;
    }
  dw_api_reply_items (req, items, FALSE, NULL);
}

typedef JsonObject *(*AgentAction) (DwDesk       *desk,
                                    DwPrincipal  *actor,
                                    gint64        user_id,
                                    JsonObject   *fields,
                                    GError      **error);

static void
act (DwApiRequest *req,
     AgentAction   action)
{
  g_autoptr(JsonObject) body = dw_api_read_object (req);
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;

  if (body == NULL)
    return;
  result = action (req->api->desk, req->principal, req->ids[0], body, &error);
  if (result == NULL)
    {
      dw_api_reply_error (req, error);
      return;
    }
  dw_api_reply_object (req, SOUP_STATUS_OK, result);
}

static void
capacity_cb (DwApiRequest *req)
{
  act (req, dw_desk_set_capacity);
}

static void
release_cb (DwApiRequest *req)
{
  act (req, dw_desk_release_tickets);
}

static void
note_cb (DwApiRequest *req)
{
  act (req, dw_desk_note_at_risk);
}

const DwApiRoute dw_api_agent_routes[] = {
  { "GET", "agents/metrics", metrics_cb, FALSE },
  { "GET", "agents/status", status_cb, FALSE },
  { "PUT", "agents/:id/capacity", capacity_cb, FALSE },
  { "POST", "agents/:id/release", release_cb, FALSE },
  { "POST", "agents/:id/note", note_cb, FALSE },
  { NULL },
};
