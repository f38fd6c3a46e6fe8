/* dw-api-surveys.c: the customer's survey link (public), and the intake's view of a ticket's
 * survey (dw-desk-surveys.h says who may do what). */
#define G_LOG_DOMAIN "dw-api"

#include "dw-api-private.h"

#include "dw-desk-surveys.h"
#include "dw-throttle.h"

/* Anyone may answer a survey, so every answer, good or bad, is counted per address: ten in a
 * row, then one every six seconds.  A customer answers once; a guesser is slowed to a crawl on
 * top of the 128-bit MAC it would have to guess. */
#define SURVEY_BURST 10
#define SURVEY_INTERVAL (6 * G_USEC_PER_SEC)
#define SURVEY_MAX_ADDRESSES 10000

static DwThrottle *survey_throttle;

static void
answer_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *address = soup_server_message_get_remote_host (req->msg);
  gint64 now = g_get_monotonic_time ();
  gint64 wait;

  if (survey_throttle == NULL)
    survey_throttle = dw_throttle_new (SURVEY_BURST, SURVEY_INTERVAL, SURVEY_MAX_ADDRESSES);
  if (address == NULL)
    address = "";

  wait = dw_throttle_get_wait (survey_throttle, address, now);
  if (wait > 0)
    {
      g_autofree char *retry = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                (wait + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);

      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "Retry-After", retry);
      dw_problem_reply (req->msg, 429, "too-many-requests", "Too many requests",
                        "too many survey answers from this address; try again in %s s", retry);
      return;
    }
  dw_throttle_add (survey_throttle, address, now);

  body = dw_api_read_object (req);
  if (body == NULL)
    return;
  dw_api_reply_result (req, 200,
                       dw_desk_answer_survey (req->api->desk, req->key, body, &error), &error);
}

static void
get_cb (DwApiRequest *req)
{
  g_autoptr(GError) error = NULL;

  dw_api_reply_result (req, 200,
                       dw_desk_get_survey (req->api->desk, req->principal, req->ids[0], &error),
                       &error);
}

static void
void_cb (DwApiRequest *req)
{
  g_autoptr(JsonObject) body = dw_api_read_object (req);
  g_autoptr(GError) error = NULL;

  if (body == NULL)
    return;
  dw_api_reply_result (req, 200,
                       dw_desk_void_survey (req->api->desk, req->principal, req->ids[0], body,
                                            &error), &error);
}

const DwApiRoute dw_api_survey_routes[] = {
  { "POST", "surveys/:key", answer_cb, TRUE },
  { "GET", "tickets/:id/survey", get_cb, FALSE },
  { "POST", "tickets/:id/survey/void", void_cb, FALSE },
  { NULL },
};
