/* dw-ticket-private.h: what the core's snapshot readers may call but dw-ticket.h does not
 * promise. */
#pragma once

#include "dw-ticket.h"

G_BEGIN_DECLS

/* A ticket's members as a reader found them; strings borrowed (copied by the constructor,
 * business_type and tags interned). */
typedef struct
{
  gint64              id;
  const char         *subject;
  const char         *body;
  DwChannel           channel;
  const char         *business_type;
  DwPriority          priority;
  DwStatus            status;
  gint64              team_id;
  gint64              assignee_id;
  gint64              customer_id;
  const char         *order_number;
  const char * const *tags;
  guint               n_tags;
  gint64              created_at;
  gint64              updated_at;
  gint64              first_response_at;
  gint64              solved_at;
  gint64              version;
  int                 escalation_level;
  gint64              sla_policy_id;
  DwSlaState          sla_state;
  gint64              next_sla_at;
  const DwSlaTargetInfo *sla;         /* n_sla of them, copied */
  guint               n_sla;
  int                 csat;
  const char         *csat_comment;
} DwTicketFields;

/* Without the GValue round trips of dw_ticket_new_from_json(): a compact snapshot's 100k
 * tickets are built this way.  The caller has checked the values (ids, enums, SLA entries, and
 * times from 1970 to 2106 and team, assignee, customer and policy ids up to 4294967295:
 * DwTicket keeps those in 32 bits). */
DwTicket *dw_ticket_new_from_fields      (const DwTicketFields *values);

/* Makes @self what @other is (ids must match), notifying only what changed, as
 * dw_ticket_update_from_json() does: how a resync reconciles a fresh snapshot's tickets. */
gboolean  dw_ticket_update_from_ticket   (DwTicket             *self,
                                          DwTicket             *other,
                                          GError              **error);

/* Told of every batch of property notifications of any ticket, whether or not the ticket has
 * "notify" handlers (GObjectClass.dispatch_properties_changed, before the "notify" signal).  One
 * observer for a list of 100k tickets instead of a "notify" handler on each: a GClosure, a
 * handler record and GObject's per-instance handler list cost ~200 bytes a ticket.  Add and
 * remove them on the main thread, where tickets notify (a snapshot's worker thread builds its
 * tickets without notifications). */
typedef void (*DwTicketObserver) (DwTicket     *ticket,
                                  guint         n_pspecs,
                                  GParamSpec  **pspecs,
                                  gpointer      user_data);

void      dw_ticket_add_observer         (DwTicketObserver      observer,
                                          gpointer              user_data);
void      dw_ticket_remove_observer      (DwTicketObserver      observer,
                                          gpointer              user_data);

G_END_DECLS
