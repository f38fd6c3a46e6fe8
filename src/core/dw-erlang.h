/* dw-erlang.h: how many agents an interval needs.
 *
 * Live channels (chat, phone, WeChat) are queues where a customer waits on a line: Erlang C gives
 * the probability of waiting and the service level for N agents.  Ticket channels (e-mail, web
 * form, app) are worked from a backlog: the workload model gives the agents that keep up at a
 * target occupancy.
 *
 * Erlang C is computed through the Erlang B recursion
 *   B(0) = 1,  B(n) = A·B(n−1) / (n + A·B(n−1))
 *   C(N) = N·B(N) / (N − A·(1 − B(N)))
 * which stays within [0, 1] at every step, so it is exact and stable for thousands of agents
 * where the textbook form (A^N / N!) overflows a double past N ≈ 170.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double intensity;      /* traffic in Erlangs: arrivals × handle time ÷ interval */
  guint  agents;         /* the fewest meeting both the service level and the occupancy cap */
  guint  scheduled;      /* agents ÷ (1 − shrinkage), rounded up */
  double service_level;  /* share answered within the target time, with `agents` */
  double asa;            /* average speed of answer, seconds */
  double p_wait;         /* probability that a contact waits at all (Erlang C) */
  double occupancy;      /* intensity ÷ agents */
} DwStaffing;

/* Probability that a contact waits, for @agents serving @intensity Erlangs; 1 when the
 * agents cannot keep up (agents ≤ intensity). */
double   dw_erlang_c                (guint   agents,
                                     double  intensity);

/* The service level (share answered within @target_time seconds) and the average speed of
 * answer of @agents, for @intensity Erlangs of contacts each handled in @aht seconds. */
double   dw_erlang_service_level    (guint   agents,
                                     double  intensity,
                                     double  aht,
                                     double  target_time);
double   dw_erlang_asa              (guint   agents,
                                     double  intensity,
                                     double  aht);

/* Required agents for a live channel: @arrivals in @interval seconds, each handled in @aht
 * seconds, @target_sl of them answered within @target_time seconds, no agent busier than
 * @max_occupancy, @shrinkage of paid time away from the queue.  FALSE with a G_IO_ERROR_INVALID_ARGUMENT
 * message naming the argument when one is out of range. */
gboolean dw_erlang_required         (double      arrivals,
                                     double      interval,
                                     double      aht,
                                     double      target_sl,
                                     double      target_time,
                                     double      shrinkage,
                                     double      max_occupancy,
                                     DwStaffing *out,
                                     GError    **error);

/* Required agents for a ticket channel: the workload (arrivals × aht ÷ interval) at
 * @target_occupancy, then shrinkage.  service_level, asa and p_wait are not defined there
 * and are set to -1. */
gboolean dw_workload_required       (double      arrivals,
                                     double      interval,
                                     double      aht,
                                     double      target_occupancy,
                                     double      shrinkage,
                                     DwStaffing *out,
                                     GError    **error);

G_END_DECLS
