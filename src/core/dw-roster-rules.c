/* dw-roster-rules.c: overlap, absence, rest, hours and coverage of a shift roster. */
#include "config.h"

#include "dw-roster-rules.h"

#include <stdio.h>
#include <string.h>

static const char * const rule_names[] = {
  [DW_ROSTER_RULE_OVERLAP] = "overlap",
  [DW_ROSTER_RULE_ABSENCE] = "absence",
  [DW_ROSTER_RULE_REST] = "rest",
  [DW_ROSTER_RULE_DAY_HOURS] = "day-hours",
  [DW_ROSTER_RULE_WEEK_HOURS] = "week-hours",
  [DW_ROSTER_RULE_COVERAGE] = "coverage",
};

const char *
dw_roster_rule_to_string (DwRosterRule rule)
{
  g_return_val_if_fail (rule <= DW_ROSTER_RULE_COVERAGE, NULL);
  return rule_names[rule];
}

static void
violation_clear (gpointer data)
{
  DwRosterViolation *v = data;

  g_clear_pointer (&v->business_type, g_free);
}

static GArray *
violations_new (void)
{
  GArray *array = g_array_new (FALSE, TRUE, sizeof (DwRosterViolation));

  g_array_set_clear_func (array, violation_clear);
  return array;
}

static void
add (GArray       *violations,
     DwRosterRule  rule,
     gint64        other_id,
     gint64        value,
     gint64        limit,
     gint64        from,
     gint64        to)
{
  DwRosterViolation v = {
    .rule = rule,
    .hard = rule == DW_ROSTER_RULE_OVERLAP || rule == DW_ROSTER_RULE_ABSENCE,
    .other_id = other_id,
    .value = value,
    .limit = limit,
    .from = from,
    .to = to,
  };

  g_array_append_val (violations, v);
}

gint64
dw_roster_day_start (GTimeZone *time_zone,
                     gint64     at)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (at);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, time_zone);
  g_autoptr(GDateTime) midnight = NULL;

  midnight = g_date_time_new (time_zone, g_date_time_get_year (local),
                              g_date_time_get_month (local), g_date_time_get_day_of_month (local),
                              0, 0, 0);
  return g_date_time_to_unix (midnight);
}

gint64
dw_roster_week_start (GTimeZone *time_zone,
                      gint64     at)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (at);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, time_zone);
  g_autoptr(GDateTime) monday = g_date_time_add_days (local,
                                                      1 - g_date_time_get_day_of_week (local));

  return dw_roster_day_start (time_zone, g_date_time_to_unix (monday));
}

gboolean
dw_roster_parse_date (GTimeZone  *time_zone,
                      const char *text,
                      gint64     *midnight)
{
  g_autoptr(GDateTime) dt = NULL;
  int y, m, d;
  char tail;

  if (text == NULL || strlen (text) != 10
      || sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3
      || !g_date_valid_dmy (d, m, y))
    return FALSE;

  dt = g_date_time_new (time_zone, y, m, d, 0, 0, 0);
  if (dt == NULL)
    return FALSE;
  *midnight = g_date_time_to_unix (dt);
  return TRUE;
}

char *
dw_roster_format_date (GTimeZone *time_zone,
                       gint64     at)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (at);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, time_zone);

  return g_date_time_format (local, "%Y-%m-%d");
}

static gint64
worked (const DwShiftSpan *shift)
{
  return MAX (0, shift->ends_at - shift->starts_at - shift->break_seconds);
}

static gboolean
is_other (const DwShiftSpan *shift,
          const DwShiftSpan *other)
{
  return other->user_id == shift->user_id && (shift->id == 0 || other->id != shift->id);
}

/* Adds up the worked time of the agent's shifts that start in [@from, @to), this one included,
 * and reports it when over @limit. */
static void
check_hours (GArray               *violations,
             DwRosterRule          rule,
             const DwShiftSpan    *shift,
             const DwShiftSpan    *others,
             guint                 n_others,
             gint64                from,
             gint64                to,
             gint64                limit)
{
  gint64 total = worked (shift);

  if (limit <= 0)
    return;

  for (guint i = 0; i < n_others; i++)
    if (is_other (shift, &others[i]) && others[i].starts_at >= from && others[i].starts_at < to)
      total += worked (&others[i]);

  if (total > limit)
    add (violations, rule, 0, total, limit, from, to);
}

GArray *
dw_roster_check_shift (const DwShiftSpan    *shift,
                       const DwShiftSpan    *others,
                       guint                 n_others,
                       const DwAbsenceSpan  *absences,
                       guint                 n_absences,
                       const DwRosterLimits *limits)
{
  GArray *violations = violations_new ();
  const DwShiftSpan *before = NULL;
  const DwShiftSpan *after = NULL;
  gint64 day, week;

  g_return_val_if_fail (shift != NULL && limits != NULL && limits->time_zone != NULL, violations);

  for (guint i = 0; i < n_others; i++)
    {
      const DwShiftSpan *other = &others[i];

      if (!is_other (shift, other))
        continue;

      if (other->starts_at < shift->ends_at && shift->starts_at < other->ends_at)
        add (violations, DW_ROSTER_RULE_OVERLAP, other->id, 0, 0,
             MAX (other->starts_at, shift->starts_at), MIN (other->ends_at, shift->ends_at));
      else if (other->ends_at <= shift->starts_at)
        {
          if (before == NULL || other->ends_at > before->ends_at)
            before = other;
        }
      else if (after == NULL || other->starts_at < after->starts_at)
        after = other;
    }

  for (guint i = 0; i < n_absences; i++)
    {
      const DwAbsenceSpan *absence = &absences[i];

      if (absence->user_id == shift->user_id
          && absence->starts_at < shift->ends_at && shift->starts_at < absence->ends_at)
        add (violations, DW_ROSTER_RULE_ABSENCE, absence->id, 0, 0,
             MAX (absence->starts_at, shift->starts_at), MIN (absence->ends_at, shift->ends_at));
    }

  /* Rest is measured to the nearest shift on each side: those further off rest longer. */
  if (before != NULL && shift->starts_at - before->ends_at < limits->min_rest)
    add (violations, DW_ROSTER_RULE_REST, before->id, shift->starts_at - before->ends_at,
         limits->min_rest, before->ends_at, shift->starts_at);
  if (after != NULL && after->starts_at - shift->ends_at < limits->min_rest)
    add (violations, DW_ROSTER_RULE_REST, after->id, after->starts_at - shift->ends_at,
         limits->min_rest, shift->ends_at, after->starts_at);

  day = dw_roster_day_start (limits->time_zone, shift->starts_at);
  check_hours (violations, DW_ROSTER_RULE_DAY_HOURS, shift, others, n_others, day,
               dw_roster_day_start (limits->time_zone, day + 36 * 3600), limits->max_day);

  week = dw_roster_week_start (limits->time_zone, shift->starts_at);
  check_hours (violations, DW_ROSTER_RULE_WEEK_HOURS, shift, others, n_others, week,
               dw_roster_week_start (limits->time_zone, week + 8 * 86400), limits->max_week);

  return violations;
}

static gboolean
has_skill (const DwRosterCover *cover,
           const char          *skill)
{
  if (skill == NULL || *skill == '\0')
    return TRUE;
  return cover->skills != NULL && g_strv_contains ((const char * const *) cover->skills, skill);
}

GArray *
dw_roster_coverage_gaps (const DwRosterNeed  *needs,
                         guint                n_needs,
                         const DwRosterCover *covers,
                         guint                n_covers,
                         DwCalendar          *calendar,
                         gint64               from,
                         gint64               to,
                         gint64               step)
{
  GArray *violations = violations_new ();

  g_return_val_if_fail (DW_IS_CALENDAR (calendar) && step > 0, violations);

  for (guint n = 0; n < n_needs; n++)
    {
      gint64 gap_from = -1;
      gint64 t;

      for (t = from - from % step; t < to; t += step)
        {
          gboolean open = dw_calendar_business_seconds_between (calendar, t, t + step) == step;
          gboolean covered = FALSE;

          for (guint c = 0; c < n_covers && open && !covered; c++)
            covered = covers[c].starts_at <= t && covers[c].ends_at >= t + step
                      && has_skill (&covers[c], needs[n].skill);

          if (open && !covered)
            {
              if (gap_from < 0)
                gap_from = t;
              continue;
            }

          if (gap_from >= 0)
            {
              add (violations, DW_ROSTER_RULE_COVERAGE, 0, 0, 0, gap_from, t);
              g_array_index (violations, DwRosterViolation, violations->len - 1).business_type =
                g_strdup (needs[n].business_type);
              gap_from = -1;
            }
        }

      if (gap_from >= 0)
        {
          add (violations, DW_ROSTER_RULE_COVERAGE, 0, 0, 0, gap_from, t);
          g_array_index (violations, DwRosterViolation, violations->len - 1).business_type =
            g_strdup (needs[n].business_type);
        }
    }

  return violations;
}
