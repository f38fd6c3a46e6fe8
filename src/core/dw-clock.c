#include "dw-clock.h"

struct _DwClock
{
  GObject parent_instance;

  double  speed;
  gint64  base_real_usec;  /* monotonic time at the last re-base */
  gint64  base_sim_usec;   /* simulated wall time at the last re-base */
};

G_DEFINE_FINAL_TYPE (DwClock, dw_clock, G_TYPE_OBJECT)

static void
dw_clock_class_init (DwClockClass *klass)
{
}

static void
dw_clock_init (DwClock *self)
{
  self->speed = 1.0;
}

DwClock *
dw_clock_new_at (gint64 start,
                 double speed)
{
  DwClock *self = g_object_new (DW_TYPE_CLOCK, NULL);

  g_return_val_if_fail (speed > 0, NULL);

  self->speed = speed;
  self->base_real_usec = g_get_monotonic_time ();
  self->base_sim_usec = start * G_USEC_PER_SEC;
  return self;
}

DwClock *
dw_clock_new (double speed)
{
  DwClock *self = dw_clock_new_at (0, speed);

  /* Keep the sub-second part so that simulated and real time agree at speed 1. */
  self->base_sim_usec = g_get_real_time ();
  return self;
}

double
dw_clock_get_speed (DwClock *self)
{
  g_return_val_if_fail (DW_IS_CLOCK (self), 1.0);
  return self->speed;
}

void
dw_clock_set_speed (DwClock *self,
                    double   speed)
{
  g_return_if_fail (DW_IS_CLOCK (self));
  g_return_if_fail (speed > 0);

  /* Re-base so that time already passed keeps the old rate. */
  self->base_sim_usec = dw_clock_now_usec (self);
  self->base_real_usec = g_get_monotonic_time ();
  self->speed = speed;
}

void
dw_clock_set_now (DwClock *self,
                  gint64   now_usec,
                  double   speed)
{
  g_return_if_fail (DW_IS_CLOCK (self));
  g_return_if_fail (speed > 0);

  self->base_sim_usec = now_usec;
  self->base_real_usec = g_get_monotonic_time ();
  self->speed = speed;
}

gint64
dw_clock_now_usec (DwClock *self)
{
  gint64 real;

  g_return_val_if_fail (DW_IS_CLOCK (self), 0);

  real = g_get_monotonic_time () - self->base_real_usec;
  return self->base_sim_usec + (gint64) (real * self->speed);
}

gint64
dw_clock_now (DwClock *self)
{
  return dw_clock_now_usec (self) / G_USEC_PER_SEC;
}

guint
dw_clock_real_ms_until (DwClock *self,
                        gint64   at)
{
  gint64 sim_usec = at * G_USEC_PER_SEC - dw_clock_now_usec (self);
  double real_ms;

  if (sim_usec <= 0)
    return 0;

  real_ms = sim_usec / self->speed / 1000.0;
  /* Round up so an alarm never fires before its moment. */
  return real_ms >= G_MAXUINT ? G_MAXUINT : (guint) real_ms + 1;
}

guint
dw_clock_add_alarm (DwClock       *self,
                    gint64         at,
                    GSourceFunc    func,
                    gpointer       data,
                    GDestroyNotify notify)
{
  return g_timeout_add_full (G_PRIORITY_DEFAULT, dw_clock_real_ms_until (self, at),
                             func, data, notify);
}

char *
dw_time_to_iso8601 (gint64 t)
{
  g_autoptr(GDateTime) dt = NULL;

  /* 1970 to 9999 by arithmetic: a ticket's JSON carries several times, and GDateTime's
   * format was 5k instructions each, 10k of a create's (issue 13).  Other years as before. */
  if (t >= 0 && t <= G_GINT64_CONSTANT (253402300799))
    {
      /* Howard Hinnant's days-to-civil, for days since 1970-01-01 (never negative here). */
      gint64 days = t / 86400, secs = t % 86400;
      gint64 z = days + 719468, era = z / 146097;
      gint64 doe = z - era * 146097;
      gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
      gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
      gint64 mp = (5 * doy + 2) / 153;
      int day = (int) (doy - (153 * mp + 2) / 5 + 1);
      int month = (int) (mp < 10 ? mp + 3 : mp - 9);
      int year = (int) (yoe + era * 400 + (month <= 2));
      int hour = (int) (secs / 3600), minute = (int) (secs / 60 % 60), second = (int) (secs % 60);
      char *s = g_malloc (21);

      s[0] = '0' + year / 1000;
      s[1] = '0' + year / 100 % 10;
      s[2] = '0' + year / 10 % 10;
      s[3] = '0' + year % 10;
      s[4] = '-';
      s[5] = '0' + month / 10;
      s[6] = '0' + month % 10;
      s[7] = '-';
      s[8] = '0' + day / 10;
      s[9] = '0' + day % 10;
      s[10] = 'T';
      s[11] = '0' + hour / 10;
      s[12] = '0' + hour % 10;
      s[13] = ':';
      s[14] = '0' + minute / 10;
      s[15] = '0' + minute % 10;
      s[16] = ':';
      s[17] = '0' + second / 10;
      s[18] = '0' + second % 10;
      s[19] = 'Z';
      s[20] = '\0';
      return s;
    }

  dt = g_date_time_new_from_unix_utc (t);
  if (dt == NULL)
    return NULL;
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

gboolean
dw_time_from_iso8601 (const char *str,
                      gint64     *t)
{
  g_autoptr(GDateTime) dt = NULL;

  if (str == NULL)
    return FALSE;

  dt = g_date_time_new_from_iso8601 (str, NULL);
  if (dt == NULL)
    return FALSE;

  if (t != NULL)
    *t = g_date_time_to_unix (dt);
  return TRUE;
}
