/* dw-store-staffing.h: the named operations the staffing day and adherence read
 * (src/server/dw-staffing.c): a team's targets, the handle time's replies, arrivals per
 * interval, the team's first ticket, published-roster candidates (shifts no absence touches),
 * the team's agents and their presence timeline.
 *
 * Reads only; rows are plain C, their strings borrowed for the length of the callback.
 * Inside the caller's transaction (or SQLite's statement snapshot).
 */
#pragma once

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

/* What the staffing day reads of a team. */
typedef struct
{
  gint64 calendar_id;
  double target_service_level;
  gint64 target_answer_seconds;
  double max_occupancy;
  double ticket_occupancy;
  double shrinkage;
} DwStoreStaffingTeam;

/* A message of a ticket solved in the handle time's window (borrowed). */
typedef struct
{
  gint64      ticket_id;
  gint64      ticket_created_at;
  const char *author_kind;        /* "agent", "customer", "system" */
  gboolean    public;
  gint64      created_at;
} DwStoreHandleTimeRow;

/* A shift no absence overlaps (borrowed). */
typedef struct
{
  gint64      user_id;
  gint64      starts_at;
  gint64      ends_at;
  const char *breaks;             /* JSON [[starts_at, ends_at], …] */
} DwStoreStaffingShift;

/* An enabled agent of a team (borrowed). */
typedef struct
{
  gint64      user_id;
  const char *display_name;
  const char *presence;           /* now: "online", "away", "offline" */
} DwStoreStaffingAgent;

typedef void (*DwStoreHandleTimeFunc) (const DwStoreHandleTimeRow *row,
                                       gpointer                    data);
/* @count tickets of @channel created in interval @interval of the window. */
typedef void (*DwStoreArrivalFunc)    (guint                       interval,
                                       const char                 *channel,
                                       gint64                      count,
                                       gpointer                    data);
typedef void (*DwStoreStaffingShiftFunc) (const DwStoreStaffingShift *row,
                                          gpointer                    data);
typedef void (*DwStoreStaffingAgentFunc) (const DwStoreStaffingAgent *row,
                                          gpointer                    data);
/* A mark of the presence log of the @index-th user asked for: @before for the last one before
 * the window. */
typedef void (*DwStorePresenceMarkFunc)  (guint                       index,
                                          gboolean                    before,
                                          gint64                      at,
                                          const char                 *presence,
                                          gpointer                    data);

struct _DwStoreStaffingOps
{
  gboolean (*team_load)         (DwStore *store, gint64 team_id, DwStoreStaffingTeam *team,
                                 GError **error);
  gboolean (*handle_time_rows)  (DwStore *store, gint64 team_id, gint64 from, gint64 to,
                                 DwStoreHandleTimeFunc func, gpointer data, GError **error);
  gboolean (*arrivals)          (DwStore *store, gint64 team_id, gint64 from, gint64 interval,
                                 guint n_intervals, DwStoreArrivalFunc func, gpointer data,
                                 GError **error);
  gint64   (*first_ticket_at)   (DwStore *store, gint64 team_id);
  gboolean (*shifts)            (DwStore *store, gint64 team_id, gint64 user_id, gint64 from,
                                 gint64 to, DwStoreStaffingShiftFunc func, gpointer data,
                                 GError **error);
  gboolean (*agents)            (DwStore *store, gint64 team_id, gint64 user_id,
                                 DwStoreStaffingAgentFunc func, gpointer data, GError **error);
  gboolean (*presence)          (DwStore *store, const gint64 *user_ids, guint n_users,
                                 gint64 from, gint64 to, DwStorePresenceMarkFunc func,
                                 gpointer data, GError **error);
};

/* Fills @team; DW_STORE_ERROR_NOT_FOUND for an unknown team. */
static inline gboolean
dw_store_staffing_team_load (DwStore              *store,
                             gint64                team_id,
                             DwStoreStaffingTeam  *team,
                             GError              **error)
{
  return store->backend->staffing->team_load (store, team_id, team, error);
}

/* Every message of @team_id's tickets solved in [@from, @to), by ticket id, then the
 * message's time and id. */
static inline gboolean
dw_store_staffing_handle_time_rows (DwStore                *store,
                                    gint64                  team_id,
                                    gint64                  from,
                                    gint64                  to,
                                    DwStoreHandleTimeFunc   func,
                                    gpointer                data,
                                    GError                **error)
{
  return store->backend->staffing->handle_time_rows (store, team_id, from, to, func, data, error);
}

/* @team_id's tickets created in [@from, @from + @n_intervals · @interval), counted per
 * interval ((created_at − @from) / @interval) and channel, in no particular order (an
 * interval and channel may come more than once: add the counts). */
static inline gboolean
dw_store_staffing_arrivals (DwStore             *store,
                            gint64               team_id,
                            gint64               from,
                            gint64               interval,
                            guint                n_intervals,
                            DwStoreArrivalFunc   func,
                            gpointer             data,
                            GError             **error)
{
  return store->backend->staffing->arrivals (store, team_id, from, interval, n_intervals, func,
                                             data, error);
}

/* When @team_id's first ticket was created; 0 without any (or on an error). */
static inline gint64
dw_store_staffing_first_ticket_at (DwStore *store,
                                   gint64   team_id)
{
  return store->backend->staffing->first_ticket_at (store, team_id);
}

/* @team_id's shifts (of @user_id only, 0: all) overlapping [@from, @to) that no absence of
 * their agent overlaps, by user then start.  Whether their week is published is the desk's
 * to judge. */
static inline gboolean
dw_store_staffing_shifts (DwStore                   *store,
                          gint64                     team_id,
                          gint64                     user_id,
                          gint64                     from,
                          gint64                     to,
                          DwStoreStaffingShiftFunc   func,
                          gpointer                   data,
                          GError                   **error)
{
  return store->backend->staffing->shifts (store, team_id, user_id, from, to, func, data, error);
}

/* @team_id's enabled agents (or only @user_id, 0: all), by display name (bytes) then id. */
static inline gboolean
dw_store_staffing_agents (DwStore                   *store,
                          gint64                     team_id,
                          gint64                     user_id,
                          DwStoreStaffingAgentFunc   func,
                          gpointer                   data,
                          GError                   **error)
{
  return store->backend->staffing->agents (store, team_id, user_id, func, data, error);
}

/* The presence timelines of @user_ids over [@from, @to), user after user: each user's last
 * mark logged before @from (@before TRUE; none when there is none), then its marks in the
 * window by time then id.  Two statements for all of them (the adherence of 500 agents reads
 * 1,000 timelines' worth). */
static inline gboolean
dw_store_staffing_presence (DwStore                  *store,
                            const gint64             *user_ids,
                            guint                     n_users,
                            gint64                    from,
                            gint64                    to,
                            DwStorePresenceMarkFunc   func,
                            gpointer                  data,
                            GError                  **error)
{
  return store->backend->staffing->presence (store, user_ids, n_users, from, to, func, data,
                                             error);
}

G_END_DECLS
