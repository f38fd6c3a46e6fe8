/* dw-desk-surveys.h: customer satisfaction (CSAT) surveys.
 *
 * A rating an agent could set would not be a rating: only the customer, through the one-time
 * survey link its ticket's solving issues, rates a ticket.  The link's token is
 * "dws_" + the survey's id + a keyed BLAKE2b MAC of it under the desk's secret (settings
 * "survey_secret", made on first use), so no token is stored and none can be guessed.  A survey
 * is answered once, within 7 days; an admin may void an answer with a reason.  Every step is
 * audited on the ticket and the ticket's csat / csat_comment follow the answer.
 */
#pragma once

#include "dw-desk.h"

G_BEGIN_DECLS

#define DW_SURVEY_LIFETIME (7 * 86400)

/* The ticket's latest survey with its link's token: for the intake integration that sends it
 * (admins, or the system). */
JsonObject *dw_desk_get_survey    (DwDesk       *self,
                                   DwPrincipal  *actor,
                                   gint64        ticket_id,
                                   GError      **error);

/* {rating*: 1–5, comment}: the customer's answer.  DW_DESK_ERROR_NOT_FOUND for a token that is
 * not one, GONE once expired (or replaced by a later survey of the ticket), CONFLICT when
 * already answered. */
JsonObject *dw_desk_answer_survey (DwDesk       *self,
                                   const char   *token,
                                   JsonObject   *fields,
                                   GError      **error);

/* {reason*}: an admin voids the ticket's answered survey; the ticket's rating goes. */
JsonObject *dw_desk_void_survey   (DwDesk       *self,
                                   DwPrincipal  *actor,
                                   gint64        ticket_id,
                                   JsonObject   *fields,
                                   GError      **error);

G_END_DECLS
