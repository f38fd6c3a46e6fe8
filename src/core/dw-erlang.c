/* dw-erlang.c: Erlang C and the workload model, for staffing an interval. */
#include "config.h"

#include <math.h>
#include <gio/gio.h>

#include "dw-erlang.h"

/* Ratios computed in doubles land a hair above a whole number (9 ÷ 0.9 = 10.000000000000002):
 * such a hair must not cost an extra agent. */
#define ROUNDING_SLACK 1e-9

/* Far more agents than any desk has; only reached by inputs no interval can have. */
#define MAX_AGENTS 1000000

static double
erlang_b (guint  agents,
          double intensity)
{
  double b = 1.0;

  for (guint n = 1; n <= agents; n++)
    b = intensity * b / (n + intensity * b);
  return b;
}

static double
erlang_c_from_b (guint  agents,
                 double intensity,
                 double b)
{
  if (agents == 0 || (double) agents <= intensity)
    return 1.0;
  return agents * b / (agents - intensity * (1.0 - b));
}

double
dw_erlang_c (guint  agents,
             double intensity)
{
  if (intensity <= 0)
    return 0.0;
  return erlang_c_from_b (agents, intensity, erlang_b (agents, intensity));
}

static double
service_level_from_c (guint  agents,
                      double intensity,
                      double c,
                      double aht,
                      double target_time)
{
  if (intensity <= 0)
    return 1.0;
  if ((double) agents <= intensity)
    return 0.0;
  return 1.0 - c * exp (-(agents - intensity) * target_time / aht);
}

static double
asa_from_c (guint  agents,
            double intensity,
            double c,
            double aht)
{
  if (intensity <= 0)
    return 0.0;
  if ((double) agents <= intensity)
    return INFINITY;
  return c * aht / (agents - intensity);
}

double
dw_erlang_service_level (guint  agents,
                         double intensity,
                         double aht,
                         double target_time)
{
  return service_level_from_c (agents, intensity, dw_erlang_c (agents, intensity), aht,
                               target_time);
}

double
dw_erlang_asa (guint  agents,
               double intensity,
               double aht)
{
  return asa_from_c (agents, intensity, dw_erlang_c (agents, intensity), aht);
}

static gboolean
check_range (const char *name,
             double      value,
             double      low,
             gboolean    low_open,
             double      high,
             gboolean    high_open,
             GError    **error)
{
  gboolean ok = isfinite (value)
                && (low_open ? value > low : value >= low)
                && (high_open ? value < high : value <= high);

  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "%s must be in %c%g, %g%c", name, low_open ? '(' : '[', low, high,
                 high_open ? ')' : ']');
  return ok;
}

static guint
scheduled_for (guint  agents,
               double shrinkage)
{
  return (guint) ceil (agents / (1.0 - shrinkage) - ROUNDING_SLACK);
}

gboolean
dw_erlang_required (double      arrivals,
                    double      interval,
                    double      aht,
                    double      target_sl,
                    double      target_time,
                    double      shrinkage,
                    double      max_occupancy,
                    DwStaffing *out,
                    GError    **error)
{
  double intensity;
  double b = 1.0;
  guint n;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!check_range ("arrivals", arrivals, 0, FALSE, 1e7, FALSE, error)
      || !check_range ("interval", interval, 0, TRUE, 86400, FALSE, error)
      || !check_range ("aht", aht, 0, TRUE, 86400, FALSE, error)
      /* a service level of 1 is never reached: every added agent only comes closer */
      || !check_range ("target_sl", target_sl, 0, TRUE, 1, TRUE, error)
      || !check_range ("target_time", target_time, 0, FALSE, 86400, FALSE, error)
      || !check_range ("shrinkage", shrinkage, 0, FALSE, 1, TRUE, error)
      || !check_range ("max_occupancy", max_occupancy, 0, TRUE, 1, FALSE, error))
    return FALSE;

  intensity = arrivals * aht / interval;
  *out = (DwStaffing) { .intensity = intensity };

  if (intensity <= 0)
    {
      out->service_level = 1.0;
      return TRUE;
    }

  /* Walk N upwards, carrying B(N) along so each step costs one multiplication. */
  for (n = 1; n <= MAX_AGENTS; n++)
    {
      double c, sl;

      b = intensity * b / (n + intensity * b);
      if ((double) n <= intensity || intensity / n > max_occupancy + ROUNDING_SLACK)
        continue;

      c = erlang_c_from_b (n, intensity, b);
      sl = service_level_from_c (n, intensity, c, aht, target_time);
      if (sl + ROUNDING_SLACK < target_sl)
        continue;

      out->agents = n;
      out->scheduled = scheduled_for (n, shrinkage);
      out->service_level = sl;
      out->asa = asa_from_c (n, intensity, c, aht);
      out->p_wait = c;
      out->occupancy = intensity / n;
      return TRUE;
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "no staffing up to %d agents meets the target", MAX_AGENTS);
  return FALSE;
}

gboolean
dw_workload_required (double      arrivals,
                      double      interval,
                      double      aht,
                      double      target_occupancy,
                      double      shrinkage,
                      DwStaffing *out,
                      GError    **error)
{
  double intensity;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!check_range ("arrivals", arrivals, 0, FALSE, 1e7, FALSE, error)
      || !check_range ("interval", interval, 0, TRUE, 86400, FALSE, error)
      || !check_range ("aht", aht, 0, TRUE, 86400, FALSE, error)
      || !check_range ("target_occupancy", target_occupancy, 0, TRUE, 1, FALSE, error)
      || !check_range ("shrinkage", shrinkage, 0, FALSE, 1, TRUE, error))
    return FALSE;

  intensity = arrivals * aht / interval;
  *out = (DwStaffing) {
    .intensity = intensity,
    .agents = (guint) ceil (intensity / target_occupancy - ROUNDING_SLACK),
    .service_level = -1,
    .asa = -1,
    .p_wait = -1,
  };
  out->scheduled = scheduled_for (out->agents, shrinkage);
  out->occupancy = out->agents > 0 ? intensity / out->agents : 0;
  return TRUE;
}
