/* dw-store-roster.h: the named operations of rosters and staffing — so far a team's staffing
 * settings, its shift templates, the shifts' writes, the agents' absences and the exports'
 * names (the rest of the domain still runs its SQL in the desk: docs/design.md "The store
 * layer").
 *
 * Rows in and out are plain C: minutes of the local day, JSON columns (breaks) as their text.
 * Inside the caller's transaction.
 */
#pragma once

#include "dw-roster-rules.h"
#include "store/dw-store-backend.h"

G_BEGIN_DECLS

/* A team's roster limits and staffing targets (the columns of teams migration 005 added). */
typedef struct
{
  gint64 min_rest_minutes;
  gint64 max_day_minutes;
  gint64 max_week_minutes;
  double target_service_level;
  gint64 target_answer_seconds;
  double max_occupancy;
  double ticket_occupancy;
  double shrinkage;
} DwStoreStaffingSettings;

/* A shift template: 08:00–16:00 is start_minute 480, end_minute 960; a night shift's end is
 * past 1440.  On insert, id is ignored. */
typedef struct
{
  gint64  id;
  gint64  team_id;
  char   *name;
  gint64  start_minute;
  gint64  end_minute;
  char   *breaks;        /* JSON [{"start_minute": m, "minutes": n}] */
} DwStoreShiftTemplate;

static inline void
dw_store_shift_template_clear (DwStoreShiftTemplate *row)
{
  g_clear_pointer (&row->name, g_free);
  g_clear_pointer (&row->breaks, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DwStoreShiftTemplate, dw_store_shift_template_clear)

/* An absence (请假); on insert, id is ignored.  Times are Unix seconds. */
typedef struct
{
  gint64  id;
  gint64  user_id;
  char   *kind;          /* "leave", "sick" or "training" */
  gint64  starts_at;
  gint64  ends_at;
  char   *note;          /* NULL stored as "" */
  gint64  created_at;    /* written by an insert; not read back */
} DwStoreAbsence;

static inline void
dw_store_absence_clear (DwStoreAbsence *row)
{
  g_clear_pointer (&row->kind, g_free);
  g_clear_pointer (&row->note, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DwStoreAbsence, dw_store_absence_clear)

/* A shift as a write gives it (borrowed).  Times are Unix seconds. */
typedef struct
{
  gint64      user_id;
  gint64      team_id;       /* an update leaves the team as it is */
  gint64      starts_at;
  gint64      ends_at;
  gint64      template_id;   /* 0: none; an update keeps the row's own (see below) */
  const char *breaks;        /* JSON [[starts_at, ends_at], …] */
  gint64      break_seconds;
} DwStoreShiftWrite;

/* A business type a team serves and the skill it needs ("" for none). */
typedef struct
{
  char *key;
  char *skill;
} DwStoreTeamNeed;

static inline void
dw_store_team_need_clear (DwStoreTeamNeed *row)
{
  g_clear_pointer (&row->key, g_free);
  g_clear_pointer (&row->skill, g_free);
}

/* An agent a team rosters. */
typedef struct
{
  gint64  user_id;
  char   *display_name;
} DwStoreTeamAgent;

static inline void
dw_store_team_agent_clear (DwStoreTeamAgent *row)
{
  g_clear_pointer (&row->display_name, g_free);
}

/* No shift is longer (the desk refuses longer ones); the reads of a time span rely on it. */
#define DW_STORE_MAX_SHIFT_SECONDS 57600

/* What the roster reads of a team. */
typedef struct
{
  gint64 calendar_id;
  gint64 min_rest_minutes;
  gint64 max_day_minutes;
  gint64 max_week_minutes;
} DwStoreRosterTeam;

/* A stored shift. */
typedef struct
{
  gint64  id;
  gint64  team_id;
  gint64  user_id;
  gint64  starts_at;
  gint64  ends_at;
  gint64  template_id;    /* 0: none */
  gint64  break_seconds;
  char   *breaks;         /* JSON [[starts_at, ends_at], …] */
} DwStoreShift;

static inline void
dw_store_shift_clear (DwStoreShift *row)
{
  g_clear_pointer (&row->breaks, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DwStoreShift, dw_store_shift_clear)

/* A roster week's row: none (a week no one wrote to since weeks had states), or its state. */
typedef enum
{
  DW_STORE_WEEK_NONE,
  DW_STORE_WEEK_DRAFT,
  DW_STORE_WEEK_PUBLISHED,
} DwStoreWeekState;

/* What dw_store_roster_name_of names. */
typedef enum
{
  DW_STORE_NAME_USER,            /* users.display_name */
  DW_STORE_NAME_TEAM,            /* teams.name */
  DW_STORE_NAME_SHIFT_TEMPLATE,  /* shift_templates.name */
} DwStoreNameOf;

struct _DwStoreRosterOps
{
  gboolean (*staffing_settings_load)   (DwStore                       *store,
                                        gint64                         team_id,
                                        DwStoreStaffingSettings       *settings,
                                        GError                       **error);
  gboolean (*staffing_settings_update) (DwStore                       *store,
                                        gint64                         team_id,
                                        const DwStoreStaffingSettings *settings,
                                        GError                       **error);
  GArray  *(*shift_template_list)      (DwStore                       *store,
                                        gint64                         team_id,
                                        GError                       **error);
  gboolean (*shift_template_load)      (DwStore                       *store,
                                        gint64                         template_id,
                                        DwStoreShiftTemplate          *row,
                                        GError                       **error);
  gint64   (*shift_template_insert)    (DwStore                       *store,
                                        const DwStoreShiftTemplate    *row,
                                        GError                       **error);
  gboolean (*shift_template_delete)    (DwStore                       *store,
                                        gint64                         template_id,
                                        GError                       **error);
  gint64   (*absence_insert)           (DwStore                       *store,
                                        const DwStoreAbsence          *row,
                                        GError                       **error);
  gboolean (*absence_load)             (DwStore                       *store,
                                        gint64                         absence_id,
                                        DwStoreAbsence                *row,
                                        GError                       **error);
  gboolean (*absence_delete)           (DwStore                       *store,
                                        gint64                         absence_id,
                                        GError                       **error);
  GArray  *(*absence_list)             (DwStore                       *store,
                                        gint64                         from,
                                        gint64                         to,
                                        gint64                         user_id,
                                        gint64                         team_id,
                                        GError                       **error);
  GArray  *(*shift_ids_overlapping)    (DwStore                       *store,
                                        gint64                         user_id,
                                        gint64                         from,
                                        gint64                         to,
                                        GError                       **error);
  gint64   (*user_first_team)          (DwStore                       *store,
                                        gint64                         user_id,
                                        GError                       **error);
  gint64   (*shift_insert)             (DwStore                       *store,
                                        const DwStoreShiftWrite       *shift,
                                        GError                       **error);
  gboolean (*shift_update)             (DwStore                       *store,
                                        gint64                         shift_id,
                                        const DwStoreShiftWrite       *shift,
                                        GError                       **error);
  gboolean (*shift_delete)             (DwStore                       *store,
                                        gint64                         shift_id,
                                        GError                       **error);
  GArray  *(*team_needs)               (DwStore                       *store,
                                        gint64                         team_id,
                                        GError                       **error);
  GStrv    (*user_skills)              (DwStore                       *store,
                                        gint64                         user_id,
                                        GError                       **error);
  GArray  *(*team_agents)              (DwStore                       *store,
                                        gint64                         team_id,
                                        GError                       **error);
  gboolean (*roster_week_publish)      (DwStore                       *store,
                                        gint64                         team_id,
                                        gint64                         week_start,
                                        gint64                         published_at,
                                        gint64                         published_by,
                                        GError                       **error);
  gboolean (*roster_team_load)         (DwStore                       *store,
                                        gint64                         team_id,
                                        DwStoreRosterTeam             *team,
                                        GError                       **error);
  gboolean (*roster_week_load)         (DwStore                       *store,
                                        gint64                         team_id,
                                        gint64                         week_start,
                                        DwStoreWeekState              *state,
                                        gint64                        *published_at,
                                        GError                       **error);
  gboolean (*roster_week_touch)        (DwStore                       *store,
                                        gint64                         team_id,
                                        gint64                         week_start,
                                        DwStoreWeekState               state,
                                        GError                       **error);
  gboolean (*team_has_shifts)          (DwStore                       *store,
                                        gint64                         team_id,
                                        gint64                         from,
                                        gint64                         to,
                                        gboolean                      *any,
                                        GError                       **error);
  gboolean (*shift_load)               (DwStore                       *store,
                                        gint64                         shift_id,
                                        DwStoreShift                  *row,
                                        GError                       **error);
  gboolean (*shift_select)             (DwStore                       *store,
                                        gint64                         from,
                                        gint64                         to,
                                        gint64                         team_id,
                                        gint64                         user_id,
                                        gboolean                     (*func) (DwStoreShift *row,
                                                                              gpointer      data),
                                        gpointer                       data,
                                        GError                       **error);
  gboolean (*user_spans)               (DwStore                       *store,
                                        gint64                         user_id,
                                        gint64                         from,
                                        gint64                         to,
                                        GArray                        *shifts,
                                        GArray                        *absences,
                                        GError                       **error);
  char    *(*name_of)                  (DwStore                       *store,
                                        DwStoreNameOf                  what,
                                        gint64                         id,
                                        GError                       **error);
};

/* Fills @settings; DW_STORE_ERROR_NOT_FOUND for an unknown team. */
static inline gboolean
dw_store_staffing_settings_load (DwStore                  *store,
                                 gint64                    team_id,
                                 DwStoreStaffingSettings  *settings,
                                 GError                  **error)
{
  return store->backend->roster->staffing_settings_load (store, team_id, settings, error);
}

/* Writes every column of @settings (the desk checked the ranges; the table's CHECKs are the
 * last word: DW_STORE_ERROR_CONSTRAINT); an unknown team is no error (no row changes). */
static inline gboolean
dw_store_staffing_settings_update (DwStore                        *store,
                                   gint64                          team_id,
                                   const DwStoreStaffingSettings  *settings,
                                   GError                        **error)
{
  return store->backend->roster->staffing_settings_update (store, team_id, settings, error);
}

/* The team's templates (DwStoreShiftTemplate, with g_array_set_clear_func) by start_minute
 * then id; empty for a team without any (or an unknown team); NULL with @error on failure. */
static inline GArray *
dw_store_shift_template_list (DwStore  *store,
                              gint64    team_id,
                              GError  **error)
{
  return store->backend->roster->shift_template_list (store, team_id, error);
}

/* Fills @row (cleared by the caller); DW_STORE_ERROR_NOT_FOUND for an unknown id. */
static inline gboolean
dw_store_shift_template_load (DwStore               *store,
                              gint64                 template_id,
                              DwStoreShiftTemplate  *row,
                              GError               **error)
{
  return store->backend->roster->shift_template_load (store, template_id, row, error);
}

/* The new template's id, or 0 with @error: DW_STORE_ERROR_CONSTRAINT when the team already
 * has a template of that name (or the team is unknown, or a CHECK fails). */
static inline gint64
dw_store_shift_template_insert (DwStore                     *store,
                                const DwStoreShiftTemplate  *row,
                                GError                     **error)
{
  return store->backend->roster->shift_template_insert (store, row, error);
}

/* Deletes the template; the shifts made from it keep their times and lose the link
 * (template_id NULL).  An unknown id is no error. */
static inline gboolean
dw_store_shift_template_delete (DwStore  *store,
                                gint64    template_id,
                                GError  **error)
{
  return store->backend->roster->shift_template_delete (store, template_id, error);
}

/* The new absence's id, or 0 with @error (DW_STORE_ERROR_CONSTRAINT for an unknown user, a
 * kind not of the three, or ends_at not after starts_at). */
static inline gint64
dw_store_absence_insert (DwStore               *store,
                         const DwStoreAbsence  *row,
                         GError               **error)
{
  return store->backend->roster->absence_insert (store, row, error);
}

/* Fills @row (cleared by the caller; created_at left 0); DW_STORE_ERROR_NOT_FOUND for an
 * unknown id. */
static inline gboolean
dw_store_absence_load (DwStore         *store,
                       gint64           absence_id,
                       DwStoreAbsence  *row,
                       GError         **error)
{
  return store->backend->roster->absence_load (store, absence_id, row, error);
}

/* An unknown id is no error. */
static inline gboolean
dw_store_absence_delete (DwStore  *store,
                         gint64    absence_id,
                         GError  **error)
{
  return store->backend->roster->absence_delete (store, absence_id, error);
}

/* The absences overlapping [@from, @to) (DwStoreAbsence, with g_array_set_clear_func) by
 * starts_at then id; of @user_id only unless 0, of members of @team_id only unless 0.
 * Empty when none; NULL with @error on failure. */
static inline GArray *
dw_store_absence_list (DwStore  *store,
                       gint64    from,
                       gint64    to,
                       gint64    user_id,
                       gint64    team_id,
                       GError  **error)
{
  return store->backend->roster->absence_list (store, from, to, user_id, team_id, error);
}

/* The ids (gint64) of @user_id's shifts overlapping [@from, @to), by starts_at then id. */
static inline GArray *
dw_store_shift_ids_overlapping (DwStore  *store,
                                gint64    user_id,
                                gint64    from,
                                gint64    to,
                                GError  **error)
{
  return store->backend->roster->shift_ids_overlapping (store, user_id, from, to, error);
}

/* The smallest id of @user_id's teams; 0 for none (or with @error on failure). */
static inline gint64
dw_store_user_first_team (DwStore  *store,
                          gint64    user_id,
                          GError  **error)
{
  return store->backend->roster->user_first_team (store, user_id, error);
}

/* The new shift's id, or 0 with @error (DW_STORE_ERROR_CONSTRAINT for an unknown user, team
 * or template, or ends_at not after starts_at).  The desk checked the roster's rules. */
static inline gint64
dw_store_shift_insert (DwStore                  *store,
                       const DwStoreShiftWrite  *shift,
                       GError                  **error)
{
  return store->backend->roster->shift_insert (store, shift, error);
}

/* Writes @shift's user, times and breaks over shift @shift_id (its team stays).  The link to
 * its template stays only while the times are still the template's (both unchanged); moved,
 * it is a shift of its own.  An unknown id is no error (no row changes). */
static inline gboolean
dw_store_shift_update (DwStore                  *store,
                       gint64                    shift_id,
                       const DwStoreShiftWrite  *shift,
                       GError                  **error)
{
  return store->backend->roster->shift_update (store, shift_id, shift, error);
}

/* An unknown id is no error. */
static inline gboolean
dw_store_shift_delete (DwStore  *store,
                       gint64    shift_id,
                       GError  **error)
{
  return store->backend->roster->shift_delete (store, shift_id, error);
}

/* The business types of @team_id with their skills (DwStoreTeamNeed, with
 * g_array_set_clear_func) by key (byte order); empty for none. */
static inline GArray *
dw_store_team_needs (DwStore  *store,
                     gint64    team_id,
                     GError  **error)
{
  return store->backend->roster->team_needs (store, team_id, error);
}

/* @user_id's skills by name (byte order): an empty vector for none, NULL with @error. */
static inline GStrv
dw_store_user_skills (DwStore  *store,
                      gint64   user_id,
                      GError **error)
{
  return store->backend->roster->user_skills (store, user_id, error);
}

/* The enabled agents of @team_id (DwStoreTeamAgent, with g_array_set_clear_func) by display
 * name (byte order) then id; empty for none. */
static inline GArray *
dw_store_team_agents (DwStore  *store,
                      gint64    team_id,
                      GError  **error)
{
  return store->backend->roster->team_agents (store, team_id, error);
}

/* Marks the week published at @published_at by @published_by (0: the service), whether or
 * not it had a row. */
static inline gboolean
dw_store_roster_week_publish (DwStore  *store,
                              gint64    team_id,
                              gint64    week_start,
                              gint64    published_at,
                              gint64    published_by,
                              GError  **error)
{
  return store->backend->roster->roster_week_publish (store, team_id, week_start, published_at,
                                                      published_by, error);
}

/* Fills @team; DW_STORE_ERROR_NOT_FOUND for an unknown team. */
static inline gboolean
dw_store_roster_team_load (DwStore            *store,
                           gint64              team_id,
                           DwStoreRosterTeam  *team,
                           GError            **error)
{
  return store->backend->roster->roster_team_load (store, team_id, team, error);
}

/* The week's row: @state DW_STORE_WEEK_NONE when there is none (@published_at 0 then, and for
 * a week never published). */
static inline gboolean
dw_store_roster_week_load (DwStore           *store,
                           gint64             team_id,
                           gint64             week_start,
                           DwStoreWeekState  *state,
                           gint64            *published_at,
                           GError           **error)
{
  return store->backend->roster->roster_week_load (store, team_id, week_start, state,
                                                   published_at, error);
}

/* Gives the week a row in @state (draft or published) unless it has one. */
static inline gboolean
dw_store_roster_week_touch (DwStore           *store,
                            gint64             team_id,
                            gint64             week_start,
                            DwStoreWeekState   state,
                            GError           **error)
{
  return store->backend->roster->roster_week_touch (store, team_id, week_start, state, error);
}

/* Whether a shift of @team_id starts in [@from, @to). */
static inline gboolean
dw_store_team_has_shifts (DwStore   *store,
                          gint64     team_id,
                          gint64     from,
                          gint64     to,
                          gboolean  *any,
                          GError   **error)
{
  return store->backend->roster->team_has_shifts (store, team_id, from, to, any, error);
}

/* Fills @row (cleared by the caller); DW_STORE_ERROR_NOT_FOUND for an unknown id. */
static inline gboolean
dw_store_shift_load (DwStore        *store,
                     gint64          shift_id,
                     DwStoreShift   *row,
                     GError        **error)
{
  return store->backend->roster->shift_load (store, shift_id, row, error);
}

/* Calls @func with each shift overlapping [@from, @to) (of @team_id unless 0, of @user_id
 * unless 0) by user, start and id; @func may take row->breaks (set it NULL), and stops the
 * stream by returning FALSE.  Shifts are at most DW_STORE_MAX_SHIFT_SECONDS long: the bound
 * lets the indexes on starts_at serve. */
static inline gboolean
dw_store_shift_select (DwStore   *store,
                       gint64     from,
                       gint64     to,
                       gint64     team_id,
                       gint64     user_id,
                       gboolean (*func) (DwStoreShift *row,
                                         gpointer      data),
                       gpointer   data,
                       GError   **error)
{
  return store->backend->roster->shift_select (store, from, to, team_id, user_id, func, data,
                                               error);
}

/* Appends to @shifts (DwShiftSpan) @user_id's shifts overlapping [@from, @to) that started
 * less than the longest shift before @from, and to @absences (DwAbsenceSpan) its absences
 * overlapping it, each by start then id: what the roster's rules weigh a shift against. */
static inline gboolean
dw_store_user_spans (DwStore  *store,
                     gint64    user_id,
                     gint64    from,
                     gint64    to,
                     GArray   *shifts,
                     GArray   *absences,
                     GError  **error)
{
  return store->backend->roster->user_spans (store, user_id, from, to, shifts, absences, error);
}

/* The display name of a user, or the name of a team or a template, for the exports; NULL
 * for an unknown id (no error: the export writes nothing for it) or with @error. */
static inline char *
dw_store_roster_name_of (DwStore        *store,
                         DwStoreNameOf   what,
                         gint64          id,
                         GError        **error)
{
  return store->backend->roster->name_of (store, what, id, error);
}

G_END_DECLS
