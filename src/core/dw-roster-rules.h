/* dw-roster-rules.h: the rules a shift roster is checked against on every write.
 *
 * Hard rules refuse the write: an agent cannot work two shifts at once (overlap) nor on a day it
 * is absent (absence).  Soft rules are reported on the shift and in the week's summary and the
 * planner decides: rest between two shifts below the team's minimum, worked hours over the
 * team's daily or weekly limit, and coverage (an interval of the team's open hours where a
 * business type it handles has no one on shift with its skill).
 *
 * Days and weeks are those of the team calendar's time zone (weeks start on Monday); worked time
 * is a shift's length less its breaks.  Everything here is pure: the service hands in the rows
 * that matter and stores what comes back.
 */
#pragma once

#include <glib.h>

#include "dw-calendar.h"

G_BEGIN_DECLS

typedef enum
{
  DW_ROSTER_RULE_OVERLAP,
  DW_ROSTER_RULE_ABSENCE,
  DW_ROSTER_RULE_REST,
  DW_ROSTER_RULE_DAY_HOURS,
  DW_ROSTER_RULE_WEEK_HOURS,
  DW_ROSTER_RULE_COVERAGE,
} DwRosterRule;

typedef struct
{
  gint64 id;            /* 0 for a shift not stored yet */
  gint64 user_id;
  gint64 starts_at;
  gint64 ends_at;
  gint64 break_seconds; /* unpaid breaks inside the shift */
} DwShiftSpan;

typedef struct
{
  gint64 id;
  gint64 user_id;
  gint64 starts_at;
  gint64 ends_at;
} DwAbsenceSpan;

typedef struct
{
  GTimeZone *time_zone;   /* the team calendar's */
  gint64     min_rest;    /* seconds between the end of one shift and the start of the next */
  gint64     max_day;     /* worked seconds in one local day */
  gint64     max_week;    /* worked seconds in one local Monday-to-Sunday week */
} DwRosterLimits;

typedef struct
{
  DwRosterRule rule;
  gboolean     hard;
  gint64       other_id;  /* the other shift (overlap, rest) or the absence; 0 when none */
  gint64       value;     /* rest: the seconds of rest; hours: the worked seconds */
  gint64       limit;     /* the team's limit it was checked against */
  gint64       from;      /* the day or week (local midnight), the gap's start */
  gint64       to;
  char        *business_type;  /* coverage only */
} DwRosterViolation;

/* Wire names: "overlap", "absence", "rest", "day-hours", "week-hours", "coverage". */
const char *dw_roster_rule_to_string   (DwRosterRule rule);

/* The violations of @shift among the same agent's @others (any agent's may be passed; the
 * others are ignored, as is @shift itself by id) and @absences: an array of
 * DwRosterViolation, hard ones first, freed with g_array_unref. */
GArray     *dw_roster_check_shift      (const DwShiftSpan    *shift,
                                        const DwShiftSpan    *others,
                                        guint                 n_others,
                                        const DwAbsenceSpan  *absences,
                                        guint                 n_absences,
                                        const DwRosterLimits *limits);

/* Local midnight at the start of the day / the Monday of the week holding @at. */
gint64      dw_roster_day_start        (GTimeZone            *time_zone,
                                        gint64                at);
gint64      dw_roster_week_start       (GTimeZone            *time_zone,
                                        gint64                at);

/* "YYYY-MM-DD" as the local midnight of that date in @time_zone; FALSE for anything else. */
gboolean    dw_roster_parse_date       (GTimeZone            *time_zone,
                                        const char           *text,
                                        gint64               *midnight);
/* The local date of @at as "YYYY-MM-DD". */
char       *dw_roster_format_date      (GTimeZone            *time_zone,
                                        gint64                at);

/* A business type the team handles and the skill it needs (NULL or "": anyone will do). */
typedef struct
{
  const char *business_type;
  const char *skill;
} DwRosterNeed;

/* Skills of an agent on shift: @skills is NULL-terminated. */
typedef struct
{
  gint64              starts_at;
  gint64              ends_at;
  const char * const *skills;
} DwRosterCover;

/* Coverage gaps in [@from, @to): stretches of at least @step seconds, on @step boundaries, where
 * @calendar is open and some need's skill is held by no one whose cover spans the whole step.
 * Contiguous steps of one business type merge into one violation (rule COVERAGE, from/to). */
GArray     *dw_roster_coverage_gaps    (const DwRosterNeed   *needs,
                                        guint                 n_needs,
                                        const DwRosterCover  *covers,
                                        guint                 n_covers,
                                        DwCalendar           *calendar,
                                        gint64                from,
                                        gint64                to,
                                        gint64                step);

G_END_DECLS
