/* dw-queue-format.h: words for the model's values in the queues section.
 *
 * The enums' nicks are wire strings; these give what a team lead reads, translated.
 * Durations are rounded to what matters at a glance ("3 h 05 min", "2 d 4 h").
 */
#pragma once

#include <glib.h>

#include "dw-enums.h"

G_BEGIN_DECLS

const char *dw_priority_label   (DwPriority  priority);
const char *dw_status_label     (DwStatus    status);
const char *dw_channel_label    (DwChannel   channel);
const char *dw_sla_state_label  (DwSlaState  state);
const char *dw_sla_target_label (DwSlaTarget target);
const char *dw_presence_label   (DwPresence  presence);

/* "45 s", "12 min", "3 h 05 min", "2 d 4 h"; never negative. */
char       *dw_format_duration  (gint64      seconds);
/* How long since @since ("12 min"), "" when @since is 0. */
/* A business type in words, e.g. "logistics" → "Logistics" (transfer none). */
const char *dw_format_business_type (const char *business_type);
char       *dw_format_waiting   (gint64      since,
                                 gint64      now);
/* "in 12 min" / "12 min overdue" for a deadline @at, "" when @at is 0. */
char       *dw_format_deadline  (gint64      at,
                                 gint64      now);
/* Local date and time of @t, "" for 0. */
char       *dw_format_time      (gint64      t);
/* An SLA trouble count in the SLA board's words: "2 breached · 1 at risk", "2 breached",
 * "1 at risk"; NULL when both are 0. */
char       *dw_format_sla_trouble (guint     breached,
                                   guint     at_risk);

G_END_DECLS
