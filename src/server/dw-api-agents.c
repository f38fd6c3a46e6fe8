/* dw-api-agents.c: per-agent figures of a period (dw-agent-metrics.h). */
#define G_LOG_DOMAIN "dw-api"

#include "dw-api-private.h"

#include "dw-agent-metrics.h"
#include "dw-desk-agents.h"
#include "store/dw-store-agents.h"

/* ?period=today|7d|30d or ?from=&to= (at most 92 days); neither: today. */
static gboolean
read_window (DwApiRequest  *req,
             const char   **period,
             gint64        *from,
             gint64        *to)
{
  const char *from_text = dw_api_query (req, "from");
  const char *to_text = dw_api_query (req, "to");

  *period = dw_api_query (req, "period");
  *from = *to = 0;
  if (*period != NULL && (from_text != NULL || to_text != NULL))
    {
      dw_api_reply_invalid (req, "period: give a period or from and to, not both");
      return FALSE;
    }
  if (*period != NULL && !g_str_equal (*period, "today") && !g_str_equal (*period, "7d")
      && !g_str_equal (*period, "30d"))
    {
      dw_api_reply_invalid (req, "period: \"%s\" is not one of today, 7d, 30d", *period);
      return FALSE;
    }
  if ((from_text != NULL) != (to_text != NULL)
      || (from_text != NULL && (!dw_time_from_iso8601 (from_text, from)
                                || !dw_time_from_iso8601 (to_text, to)
                                || *to <= *from || *to - *from > 92 * 86400)))
    {
      dw_api_reply_invalid (req, "from, to: ISO 8601 times, to after from, at most 92 days apart");
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_team (DwApiRequest *req,
           gint64       *team_id)
{
  const char *team = dw_api_query (req, "team_id");
  guint64 id;

  if (team == NULL || !g_ascii_string_to_unsigned (team, 10, 1, G_MAXINT64, &id, NULL))
    {
      dw_api_reply_invalid (req, "team_id: required, an id");
      return FALSE;
    }
  *team_id = (gint64) id;
  return TRUE;
}

static void
metrics_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  const char *period;
  const char *series;
  gint64 team_id, from, to;

  if (!read_team (req, &team_id) || !read_window (req, &period, &from, &to))
    return;

  series = dw_api_query (req, "series");
  if (series != NULL && !g_str_equal (series, "daily"))
    {
      dw_api_reply_invalid (req, "series: \"%s\" is not daily", series);
      return;
    }
  result = dw_agent_metrics (req->api->store, req->principal, team_id, period, from, to,
                             dw_clock_now (req->api->clock), series != NULL, &error);
  if (result == NULL)
    {
      dw_api_reply_error (req, error);
      return;
    }
  dw_api_reply_object (req, SOUP_STATUS_OK, result);
}

/* The tickets behind one agent's figure, as the tickets list pages them, and only those the
 * caller may see anyway: a drill-down never shows another team's ticket. */
static void
add_ticket (JsonObject *ticket,
            gpointer    data)
{
  g_ptr_array_add (data, ticket);
}

static void
tickets_cb (DwApiRequest *req)
{
  static const char * const figures[] = {
    "assigned", "first-response", "solved", "reopened", "sla-met", "sla-breached", NULL
  };
  static const char * const targets[] = {
    "first-response", "next-response", "resolution", NULL
  };
  g_autoptr(GError) error = NULL;
  DwStore *store = req->api->store;
  g_autoptr(JsonArray) items = json_array_new ();
  g_autofree char *cursor = NULL;
  const char *figure = dw_api_query (req, "figure");
  const char *target = dw_api_query (req, "target");
  const char *period;
  gint64 team_id, from, to, after_id, last_id = 0;
  guint limit, n = 0;
  gint64 user_id = req->ids[0];
  DwPrincipal *actor = req->principal;
  DwStoreAgentDrill drill;
  g_autoptr(GPtrArray) page = NULL;

  if (!read_team (req, &team_id) || !read_window (req, &period, &from, &to)
      || !dw_api_read_paging (req, &limit, &after_id))
    return;
  if (figure == NULL || !g_strv_contains (figures, figure))
    {
      dw_api_reply_invalid (req, "figure: one of assigned, first-response, solved, reopened, "
                                 "sla-met, sla-breached");
      return;
    }
  if (target != NULL && (!g_str_has_prefix (figure, "sla-") || !g_strv_contains (targets, target)))
    {
      dw_api_reply_invalid (req, "target: with sla-met or sla-breached, one of first-response, "
                                 "next-response, resolution");
      return;
    }
  if (actor->role != DW_ROLE_ADMIN && !(actor->role == DW_ROLE_LEAD
                                        && dw_principal_leads_team (actor, team_id))
      && !(actor->user_id == user_id && dw_principal_in_team (actor, team_id)))
    {
      dw_api_reply_forbidden (req, "only the team's lead, an admin or the agent itself may open "
                                   "an agent's figures");
      return;
    }
  if (!dw_agent_metrics_window (req->api->store, team_id, period, dw_clock_now (req->api->clock),
                                &from, &to, &error))
    {
      dw_api_reply_error (req, error);
      return;
    }

  /* the tickets list's visibility (dw_api_ticket_visibility) */
  drill = (DwStoreAgentDrill) {
    .user_id = user_id,
    .team_id = team_id,
    .kind = figure,
    .target = target,
    .from = from,
    .to = to,
    .before_id = after_id,
    .limit = limit + 1,
    .viewer_all = actor->role == DW_ROLE_ADMIN,
    .viewer_id = actor->user_id,
    .viewer_team_ids = actor->role == DW_ROLE_LEAD ? actor->team_ids : NULL,
  };
  page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  if (!dw_store_agent_drill (store, &drill, add_ticket, page, &error))
    {
      dw_api_reply_error (req, error);
      return;
    }
  for (guint i = 0; i < page->len; i++)
    {
      JsonObject *ticket = g_ptr_array_index (page, i);

      if (++n > limit)
        {
          cursor = dw_api_make_cursor (last_id);
          break;
        }
      last_id = json_object_get_int_member (ticket, "id");
      json_array_add_object_element (items, json_object_ref (ticket));
    }
  dw_api_reply_items (req, items, TRUE, cursor);
}

static void
status_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) items = NULL;
  gint64 team_id;

  if (!read_team (req, &team_id))
    return;
  items = dw_agents_status_read (req->store, req->principal, team_id, &error);
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

static void
presence_cb (DwApiRequest *req)
{
  act (req, dw_desk_set_agent_presence);
}

static void
move_cb (DwApiRequest *req)
{
  act (req, dw_desk_move_agent);
}

const DwApiRoute dw_api_agent_routes[] = {
  /* The metrics and the drill-down stay on the main loop: they catch the agent facts up first,
   * a write (dw-agent-metrics.h). */
  { "GET", "agents/metrics", metrics_cb, FALSE },
  { "GET", "agents/status", status_cb, FALSE, FALSE, TRUE },
  { "GET", "agents/:id/tickets", tickets_cb, FALSE },
  { "PUT", "agents/:id/capacity", capacity_cb, FALSE },
  { "POST", "agents/:id/release", release_cb, FALSE },
  { "POST", "agents/:id/note", note_cb, FALSE },
  { "PUT", "agents/:id/presence", presence_cb, FALSE },
  { "POST", "agents/:id/move", move_cb, FALSE },
  { NULL },
};
