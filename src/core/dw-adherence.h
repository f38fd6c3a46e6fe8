/* dw-adherence.h: how closely an agent's presence followed its roster.
 *
 * Scheduled time is a shift less its breaks.  Adherent time is scheduled time spent online
 * (away and offline are not: the agent takes no tickets then).  The exceptions name what went
 * wrong and when, each at least the grace long:
 *   - late-start: not online at the start of a shift, until it first comes online;
 *   - early-leave: gone before the end of a shift (offline or away from its last stretch online
 *     to the end);
 *   - away: a stretch within a shift, between those, when it was not online;
 *   - off-shift: online outside every shift (at least the off-shift grace).
 * Time after @until (now, for today) is not judged.
 */
#pragma once

#include <glib.h>

#include "dw-enums.h"

G_BEGIN_DECLS

typedef enum
{
  DW_ADHERENCE_LATE_START,
  DW_ADHERENCE_EARLY_LEAVE,
  DW_ADHERENCE_AWAY,
  DW_ADHERENCE_OFF_SHIFT,
} DwAdherenceKind;

typedef struct
{
  gint64        starts_at;
  gint64        ends_at;
  const gint64 *breaks;      /* pairs (start, end), n_breaks of them */
  guint         n_breaks;
} DwAdherenceShift;

/* A presence stretch: from @at until the next one's @at (the last until @until). */
typedef struct
{
  gint64     at;
  DwPresence presence;
} DwPresenceMark;

typedef struct
{
  DwAdherenceKind kind;
  gint64          from;
  gint64          to;
} DwAdherenceException;

typedef struct
{
  gint64  scheduled;   /* seconds, up to @until */
  gint64  adherent;    /* seconds of those spent online */
  GArray *exceptions;  /* of DwAdherenceException, in time order */
} DwAdherence;

const char *dw_adherence_kind_to_string (DwAdherenceKind kind);

/* @marks in time order; the presence before the first mark is @initial.  Judges [@from, @until). */
void        dw_adherence_compute       (const DwAdherenceShift *shifts,
                                        guint                   n_shifts,
                                        DwPresence              initial,
                                        const DwPresenceMark   *marks,
                                        guint                   n_marks,
                                        gint64                  from,
                                        gint64                  until,
                                        gint64                  grace,
                                        gint64                  off_shift_grace,
                                        DwAdherence            *out);
void        dw_adherence_clear         (DwAdherence            *adherence);

G_END_DECLS
