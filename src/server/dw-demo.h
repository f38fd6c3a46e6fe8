/* dw-demo.h: the demo desk of `deskwatchd --demo` — a Chinese e-commerce help desk.
 *
 * dw_demo_populate() seeds an empty database: the 电商客服 calendar with the statutory holidays,
 * teams (售前咨询, 售后退换, 物流, 投诉, 质量), business types and keyword rules, SLA policies,
 * about 40 agents with skills and shifts, a lead and an admin, customers, and two weeks of
 * back-filled history ending at the clock's "now" — with open tickets whose SLA clocks are
 * running, at risk or breached, so the console has something to show at once.
 *
 * dw_demo_start_simulator() then keeps the desk alive through the real business operations
 * (dw-desk.h): customers write in following a daily curve, agents reply, solve and follow their
 * shifts, customers answer and rate.  All timers run on the service's DwClock, so `--speed`
 * speeds the simulation up.
 */
#pragma once

#include <glib.h>

#include "dw-service.h"

G_BEGIN_DECLS

/* The sign-in main.c prints for the demo ("Demo lead: USERNAME / PASSWORD"). */
#define DW_DEMO_LEAD_USERNAME "lead"
#define DW_DEMO_LEAD_PASSWORD "deskwatch-demo"

/* Seeds the desk (see above) in one transaction: everything the console's first frame shows —
 * teams, people, the roster, the tickets active now, on the service's store (SQLite or
 * PostgreSQL).  The database must be empty (dw_store_demo_is_empty()); on error nothing is
 * written.  The two weeks of past tickets (solved and closed, with their trail and surveys)
 * follow from idle once the main loop runs, in slices, each its own transaction; the setting
 * "demo_history" says "seeding" until they are all there, then "ready" (GET /api/v1/health
 * shows it). */
gboolean dw_demo_populate                (DwService  *service,
                                          GError    **error);

/* Holds the writing of the history (see dw_demo_populate()) back, or lets it go on: for tests of
 * what the service answers meanwhile. */
void     dw_demo_hold_history            (DwService  *service,
                                          gboolean    hold);

/* Starts the live traffic on the service's clock; it runs until the main loop ends. */
void     dw_demo_start_simulator         (DwService  *service);

/* Seeds the simulation's randomness (GRand) so a run can be repeated; call before
 * dw_demo_populate().  Without it the seed is $DESKWATCH_DEMO_SEED if set, else random.
 * (Repeatable as far as the clock allows: what happens also depends on when alarms fire.) */
void     dw_demo_set_seed                (guint32     seed);

/* A lively moment to start the demo's clock at (dw_clock_new_at): @now itself while the desk is
 * open (09:00–21:00 Beijing time), otherwise 10:30 or 20:00 of the same local day, so a demo
 * started at night does not open on an empty, closed desk. */
gint64   dw_demo_pick_start_time         (gint64      now);

G_END_DECLS
