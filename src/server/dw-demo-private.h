/* dw-demo-private.h: what the files of the demo (dw-demo*.c) share. */
#pragma once

#include <json-glib/json-glib.h>

#include "dw-calendar.h"
#include "dw-clock.h"
#include "dw-enums.h"
#include "store/dw-store-backend.h"

G_BEGIN_DECLS

/* China Standard Time has had no DST since 1991: local time is UTC+8 for every date the demo
 * touches, so local hours are plain arithmetic (and cheap enough for thousands of tickets). */
#define DW_DEMO_UTC_OFFSET (8 * 3600)
#define DW_DEMO_DAY (24 * 3600)
#define DW_DEMO_HISTORY_DAYS 14
/* A question the customer never answers is closed after this long (pending tickets count
 * towards an agent's load, so they must not linger). */
#define GIVE_UP_SECONDS (2 * 3600)

/* Desk hours of the 电商客服 calendar (dw_calendar_new_china_mainland (TRUE)). */
#define DW_DEMO_OPEN_MIN (9 * 60)
#define DW_DEMO_CLOSE_MIN (22 * 60)

typedef enum
{
  DW_DEMO_TYPE_PRESALES,
  DW_DEMO_TYPE_RETURNS,
  DW_DEMO_TYPE_QUALITY,
  DW_DEMO_TYPE_LOGISTICS,
  DW_DEMO_TYPE_COMPLAINTS,
  DW_DEMO_N_TYPES
} DwDemoType;

typedef enum
{
  DW_DEMO_SHIFT_EARLY,   /* 早班 08:00–16:00 */
  DW_DEMO_SHIFT_MIDDLE,  /* 中班 12:00–20:00 */
  DW_DEMO_SHIFT_LATE,    /* 晚班 14:00–22:00 */
  DW_DEMO_N_SHIFTS
} DwDemoShift;

typedef struct
{
  const char *key;          /* business_types.key, also the skill */
  const char *name;         /* business_types.name */
  int         team;         /* index into dw_demo_teams */
  double      share;        /* of arrivals */
} DwDemoTypeInfo;

typedef struct
{
  const char *name;
  const char *description;
} DwDemoTeamInfo;

typedef struct
{
  const char *username;
  const char *display_name;
} DwDemoPerson;

typedef struct
{
  const char *subject;
  const char *body;         /* "{order}" stands for the order number */
} DwDemoTemplate;

#define DW_DEMO_N_TEAMS 4
#define DW_DEMO_N_AGENTS 40

extern const DwDemoTeamInfo dw_demo_teams[DW_DEMO_N_TEAMS];
extern const DwDemoTypeInfo dw_demo_types[DW_DEMO_N_TYPES];
extern const DwDemoPerson   dw_demo_agents[DW_DEMO_N_AGENTS];

/* Randomness of the whole demo (GRand: a simulation, not a secret). */
GRand      *dw_demo_rand              (void);
double      dw_demo_uniform           (void);
int         dw_demo_int_range         (int begin,
                                       int end);
/* A draw from an exponential distribution with mean @mean. */
double      dw_demo_exponential       (double mean);
/* A draw from a lognormal distribution with median @median and shape @sigma. */
double      dw_demo_lognormal         (double median,
                                       double sigma);
/* An index drawn according to @weights (@n of them). */
guint       dw_demo_pick_weighted     (const double *weights,
                                       guint         n);

/* Local (Beijing) minutes after midnight of @t, and the local midnight of @t's day. */
int         dw_demo_local_minute      (gint64 t);
gint64      dw_demo_local_midnight    (gint64 t);

/* Arrivals per hour at instant @t (daily curve with peaks 10–11 and 20–22; weekends busier). */
double      dw_demo_arrival_rate      (gint64 t);
double      dw_demo_max_arrival_rate  (void);

/* The roster on top of the seeded shifts (dw-demo-roster.c): templates and breaks, published
 * weeks and a draft one, absences, a short afternoon in logistics, an agent who logs in late. */
gboolean    dw_demo_seed_roster       (DwStore       *store,
                                       const gint64  *team_ids,
                                       guint          n_teams,
                                       gint64         now,
                                       GError       **error);

/* The minutes of local day start/end of @shift. */
void        dw_demo_shift_hours       (DwDemoShift shift,
                                       int        *start_min,
                                       int        *end_min);

/* Texts.  Returned strings are newly allocated. */
DwDemoType  dw_demo_pick_type         (void);
const DwDemoTemplate *dw_demo_pick_template (DwDemoType type);
char       *dw_demo_fill              (const char *text,
                                       const char *order_number);
char       *dw_demo_order_number      (gint64      t);
const char *dw_demo_pick_agent_reply  (DwDemoType  type);
const char *dw_demo_pick_ask_reply    (void);
const char *dw_demo_pick_solve_reply  (void);
const char *dw_demo_pick_customer_reply (void);
const char *dw_demo_pick_note         (void);
int         dw_demo_pick_csat         (DwDemoType  type);
const char *dw_demo_pick_csat_comment (int         csat);
DwChannel   dw_demo_pick_channel      (void);
DwPriority  dw_demo_pick_priority     (DwDemoType  type,
                                       gboolean    vip);
char       *dw_demo_customer_name     (void);
char       *dw_demo_phone_number      (void);

/* History (dw-demo-history.c): two weeks of tickets ending at @now, drawn at once.  The tickets
 * still active at @now are written in the caller's transaction, with their surveys; the past ones
 * (solved or closed) are left in *@backlog, their ids below the active ones, for
 * dw_demo_backlog_write() to write later. */
typedef struct _DwDemoBacklog DwDemoBacklog;

gboolean    dw_demo_backfill          (DwStore         *store,
                                       DwCalendar      *calendar,
                                       gint64           now,
                                       DwDemoBacklog  **backlog,
                                       GError         **error);
/* Writes the next past tickets of @backlog, their comments, audit rows and surveys, in the
 * caller's transaction, until @deadline (monotonic microseconds; 0: to the end).  *@done is set
 * once all are written. */
gboolean    dw_demo_backlog_write     (DwDemoBacklog  *backlog,
                                       DwStore        *store,
                                       gint64          deadline,
                                       gboolean       *done,
                                       GError        **error);
void        dw_demo_backlog_free      (DwDemoBacklog  *backlog);

/* dw_demo_populate() without the service: the live desk seeded on @store at @now in one
 * transaction (the store must hold no desk yet: dw_store_demo_is_empty), the past left in
 * *@backlog for dw_demo_backlog_write(), each call in its own transaction, then
 * dw_demo_finish_history().  On error nothing is written and *@backlog stays NULL. */
gboolean    dw_demo_seed              (DwStore         *store,
                                       gint64           now,
                                       DwDemoBacklog  **backlog,
                                       GError         **error);
/* The history is all there: "demo_history" says "ready", the page cache is back to its size and
 * the agent facts start again from the whole trail.  Its own transaction. */
gboolean    dw_demo_finish_history    (DwStore         *store,
                                       GError         **error);
G_END_DECLS
