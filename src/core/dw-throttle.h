/* dw-throttle.h: counting failures by key with a leaky bucket (sign-in attempts).
 *
 * Each key has a level: one failure adds one, and the level drains by one every @interval.
 * An attempt may go ahead while the level leaves room for it (at most @burst in a row, then one
 * per @interval); otherwise the throttle says how long to wait.  Since a refused attempt adds
 * nothing, the wait never grows past one interval: a key is slowed down, never locked.
 * Times are monotonic microseconds given by the caller, so tests can run them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _DwThrottle DwThrottle;

/* @max_keys bounds the memory: past it the keys updated longest ago are forgotten. */
DwThrottle *dw_throttle_new      (guint        burst,
                                  gint64       interval,
                                  guint        max_keys);
void        dw_throttle_free     (DwThrottle  *self);

/* 0 when an attempt for @key may go ahead at @now, otherwise the microseconds until it may. */
gint64      dw_throttle_get_wait (DwThrottle  *self,
                                  const char  *key,
                                  gint64       now);
/* One more failure (or attempt counted in advance) for @key. */
void        dw_throttle_add      (DwThrottle  *self,
                                  const char  *key,
                                  gint64       now);
/* Takes one back (an attempt counted in advance that succeeded). */
void        dw_throttle_remove   (DwThrottle  *self,
                                  const char  *key,
                                  gint64       now);
/* Forgets @key altogether. */
void        dw_throttle_reset    (DwThrottle  *self,
                                  const char  *key);
guint       dw_throttle_get_size (DwThrottle  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DwThrottle, dw_throttle_free)

G_END_DECLS
