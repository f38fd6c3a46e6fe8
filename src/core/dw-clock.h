/* dw-clock.h: the service's notion of "now", which demos and tests can speed up.
 *
 * Simulated time runs `speed` times as fast as real time from the moment the clock was made
 * (or last re-based).  All times are Unix seconds (UTC).  Timers are set in simulated seconds
 * and fire after the matching (shorter) real delay.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DW_TYPE_CLOCK (dw_clock_get_type ())
G_DECLARE_FINAL_TYPE (DwClock, dw_clock, DW, CLOCK, GObject)

DwClock *dw_clock_new          (double    speed);
/* A clock that starts at @start (simulated Unix seconds) instead of the real time. */
DwClock *dw_clock_new_at       (gint64    start,
                                double    speed);
double   dw_clock_get_speed    (DwClock  *self);
void     dw_clock_set_speed    (DwClock  *self,
                                double    speed);
gint64   dw_clock_now          (DwClock  *self);
/* Re-bases the clock so that now reads @now_usec (simulated microseconds) and runs at @speed:
 * how the console follows the service's clock. */
void     dw_clock_set_now      (DwClock  *self,
                                gint64    now_usec,
                                double    speed);
/* Simulated now with microsecond resolution, for ordering and latency figures. */
gint64   dw_clock_now_usec     (DwClock  *self);
/* Real milliseconds until simulated time @at; 0 if it has passed. */
guint    dw_clock_real_ms_until (DwClock *self,
                                 gint64   at);
/* A GSource timeout firing once when simulated time reaches @at.  Returns the source id. */
guint    dw_clock_add_alarm    (DwClock       *self,
                                gint64         at,
                                GSourceFunc    func,
                                gpointer       data,
                                GDestroyNotify notify);

/* ISO 8601 "YYYY-MM-DDTHH:MM:SSZ" for @t, the wire format of docs/api.md. */
char    *dw_time_to_iso8601    (gint64      t);
/* Parses ISO 8601 with a zone designator; FALSE on anything else. */
gboolean dw_time_from_iso8601  (const char *str,
                                gint64     *t);

G_END_DECLS
