/* dw-api-staffing.c: staffing figures.
 *
 * GET /staffing/erlang-c is the what-if calculator: the agents a live channel needs for a
 * target service level (src/core/dw-erlang.c), from numbers the caller gives, so it reads
 * nothing of the desk and any signed-in user may ask it.
 */
#define G_LOG_DOMAIN "dw-api"

#include "dw-api-private.h"

#include <math.h>

#include "dw-erlang.h"
#include "dw-staffing.h"

/* A number from the query, @fallback when absent; on a malformed one replies 400 and
 * returns FALSE.  The range is dw-erlang's to check, so its words name the argument. */
static gboolean
query_number (DwApiRequest *req,
              const char   *name,
              gboolean      required,
              double        fallback,
              double       *out)
{
  const char *text = dw_api_query (req, name);
  char *end = NULL;
  double value;

  if (text == NULL)
    {
      if (required)
        {
          dw_api_reply_invalid (req, "%s: required", name);
          return FALSE;
        }
      *out = fallback;
      return TRUE;
    }

  value = g_ascii_strtod (text, &end);
  if (*text == '\0' || end == NULL || *end != '\0' || !isfinite (value))
    {
      dw_api_reply_invalid (req, "%s: \"%s\" is not a number", name, text);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

static void
handle_erlang_c (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  double arrivals, interval, aht, target_sl, target_time, shrinkage, max_occupancy;
  DwStaffing staffing;

  if (!query_number (req, "arrivals", TRUE, 0, &arrivals)
      || !query_number (req, "interval", FALSE, 1800, &interval)
      || !query_number (req, "aht", TRUE, 0, &aht)
      || !query_number (req, "target_sl", TRUE, 0, &target_sl)
      || !query_number (req, "target_time", TRUE, 0, &target_time)
      || !query_number (req, "shrinkage", FALSE, 0, &shrinkage)
      || !query_number (req, "max_occupancy", FALSE, 1, &max_occupancy))
    return;

  if (!dw_erlang_required (arrivals, interval, aht, target_sl, target_time, shrinkage,
                           max_occupancy, &staffing, &error))
    {
      dw_api_reply_invalid (req, "%s", error->message);
      return;
    }

  /* Rounded as a planner reads them. */
  object = json_object_new ();
  json_object_set_int_member (object, "agents", staffing.agents);
  json_object_set_int_member (object, "scheduled", staffing.scheduled);
  json_object_set_double_member (object, "service_level",
                                 round (staffing.service_level * 1e4) / 1e4);
  json_object_set_double_member (object, "asa", round (staffing.asa * 100) / 100);
  json_object_set_double_member (object, "p_wait", round (staffing.p_wait * 1e4) / 1e4);
  json_object_set_double_member (object, "occupancy", round (staffing.occupancy * 1e4) / 1e4);
  json_object_set_double_member (object, "intensity", round (staffing.intensity * 1e3) / 1e3);
  dw_api_reply_object (req, SOUP_STATUS_OK, object);
}

static gboolean
query_team (DwApiRequest *req,
            gint64       *team_id)
{
  const char *text = dw_api_query (req, "team_id");
  guint64 id;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &id, NULL))
    {
      dw_api_reply_invalid (req, "team_id: required, an id");
      return FALSE;
    }
  *team_id = (gint64) id;
  return TRUE;
}

/* The team's day by interval; the what-if overrides are optional. */
static void
handle_day (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;
  DwStaffingOverrides overrides = { -1, -1, -1, -1 };
  gint64 team_id;

  if (!query_team (req, &team_id)
      || !query_number (req, "forecast_factor", FALSE, -1, &overrides.forecast_factor)
      || !query_number (req, "aht", FALSE, -1, &overrides.aht)
      || !query_number (req, "target_sl", FALSE, -1, &overrides.target_sl)
      || !query_number (req, "target_time", FALSE, -1, &overrides.target_time))
    return;

  if ((dw_api_query (req, "forecast_factor") != NULL
       && (overrides.forecast_factor <= 0 || overrides.forecast_factor > 10))
      || (dw_api_query (req, "aht") != NULL && (overrides.aht <= 0 || overrides.aht > 86400))
      || (dw_api_query (req, "target_sl") != NULL
          && (overrides.target_sl <= 0 || overrides.target_sl >= 1))
      || (dw_api_query (req, "target_time") != NULL
          && (overrides.target_time < 0 || overrides.target_time > 86400)))
    {
      dw_api_reply_invalid (req, "forecast_factor (0, 10], aht (0, 86400], target_sl (0, 1) and "
                                 "target_time [0, 86400] when given");
      return;
    }

  dw_api_reply_result (req, SOUP_STATUS_OK,
                       dw_staffing_day (req->api->store, req->principal, team_id,
                                        dw_api_query (req, "date"), dw_clock_now (req->api->clock),
                                        &overrides, &error), &error);
}

static void
handle_adherence (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;
  gint64 team_id;

  if (!query_team (req, &team_id))
    return;
  dw_api_reply_result (req, SOUP_STATUS_OK,
                       dw_staffing_adherence (req->store, req->principal, team_id,
                                              dw_api_query (req, "date"), req->now, &error),
                       &error);
}

const DwApiRoute dw_api_staffing_routes[] = {
  { "GET", "staffing/erlang-c", handle_erlang_c, FALSE },
  /* The day stays on the main loop: its handle time is kept in a module-level cache
   * (dw-staffing.c) that is not for threads. */
  { "GET", "staffing/day", handle_day, FALSE },
  { "GET", "staffing/adherence", handle_adherence, FALSE, FALSE, TRUE },
  { NULL },
};
