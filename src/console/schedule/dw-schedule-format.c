/* dw-schedule-format.c */
#include "config.h"

#include <glib/gi18n.h>

#include "dw-clock.h"
#include "dw-roster-week.h"
#include "dw-schedule-format.h"

char *
dw_schedule_format_day (GDateTime *local)
{
  const char *weekdays[] = {
    NC_("weekday", "Mon"), NC_("weekday", "Tue"), NC_("weekday", "Wed"), NC_("weekday", "Thu"),
    NC_("weekday", "Fri"), NC_("weekday", "Sat"), NC_("weekday", "Sun"),
  };
  const char *months[] = {
    NC_("month", "Jan"), NC_("month", "Feb"), NC_("month", "Mar"), NC_("month", "Apr"),
    NC_("month", "May"), NC_("month", "Jun"), NC_("month", "Jul"), NC_("month", "Aug"),
    NC_("month", "Sep"), NC_("month", "Oct"), NC_("month", "Nov"), NC_("month", "Dec"),
  };

  /* Translators: a day of the roster: weekday, day of the month, month, e.g. "Mon 14 Dec". */
  return g_strdup_printf (_("%1$s %2$d %3$s"),
                          g_dpgettext2 (NULL, "weekday",
                                        weekdays[g_date_time_get_day_of_week (local) - 1]),
                          g_date_time_get_day_of_month (local),
                          g_dpgettext2 (NULL, "month", months[g_date_time_get_month (local) - 1]));
}

char *
dw_schedule_format_minutes (gint64 minutes)
{
  if (minutes % 60 == 0)
    /* Translators: hours, e.g. "8 h". */
    return g_strdup_printf (_("%d h"), (int) (minutes / 60));
  if (minutes < 60)
    /* Translators: minutes, e.g. "45 min". */
    return g_strdup_printf (_("%d min"), (int) minutes);
  /* Translators: hours and minutes, e.g. "7 h 30 min". */
  return g_strdup_printf (_("%d h %d min"), (int) (minutes / 60), (int) (minutes % 60));
}

static gint64
time_of (JsonObject *object,
         const char *name)
{
  gint64 t = 0;
  const char *text = json_object_get_string_member_with_default (object, name, NULL);

  if (text != NULL)
    dw_time_from_iso8601 (text, &t);
  return t;
}

char *
dw_schedule_describe_warning (JsonObject *warning,
                              GTimeZone  *time_zone)
{
  const char *rule = json_object_get_string_member_with_default (warning, "rule", "");
  g_autofree char *limit = NULL;
  g_autofree char *value = NULL;

  limit = dw_schedule_format_minutes (json_object_get_int_member_with_default (warning,
                                                                              "limit_minutes", 0));
  if (g_str_equal (rule, "overlap"))
    return g_strdup (_("Overlaps another shift of the same agent"));
  if (g_str_equal (rule, "absence"))
    return g_strdup (_("The agent is absent then: move or delete this shift"));
  if (g_str_equal (rule, "rest"))
    {
      value = dw_schedule_format_minutes (json_object_get_int_member_with_default (warning,
                                                                                  "rest_minutes", 0));
      /* Translators: rest between two shifts, then the team's minimum. */
      return g_strdup_printf (_("Only %s of rest next to another shift (at least %s)"), value,
                              limit);
    }
  if (g_str_equal (rule, "day-hours"))
    {
      value = dw_schedule_format_minutes (json_object_get_int_member_with_default (warning,
                                                                                  "worked_minutes", 0));
      return g_strdup_printf (_("%s of work that day (at most %s)"), value, limit);
    }
  if (g_str_equal (rule, "week-hours"))
    {
      value = dw_schedule_format_minutes (json_object_get_int_member_with_default (warning,
                                                                                  "worked_minutes", 0));
      return g_strdup_printf (_("%s of work that week (at most %s)"), value, limit);
    }
  if (g_str_equal (rule, "coverage"))
    {
      g_autofree char *span = dw_roster_format_span (time_zone, time_of (warning, "from"),
                                                     time_of (warning, "to"));

      /* Translators: a coverage gap: the hours, then the business type nobody covers. */
      return g_strdup_printf (_("%s: no one on shift for %s"), span,
                              json_object_get_string_member_with_default (warning, "business_type",
                                                                          ""));
    }
  /* A rule added to the service later: its name is better than nothing. */
  return g_strdup (rule);
}

const char *
dw_schedule_day_kind_name (const char *kind)
{
  if (g_strcmp0 (kind, "holiday") == 0)
    return _("Holiday");
  if (g_strcmp0 (kind, "adjusted-workday") == 0)
    return _("Adjusted workday (调休)");
  if (g_strcmp0 (kind, "weekend") == 0)
    return _("Weekend");
  return NULL;
}

const char *
dw_schedule_absence_kind_name (const char *kind)
{
  if (g_strcmp0 (kind, "sick") == 0)
    return _("Sick");
  if (g_strcmp0 (kind, "training") == 0)
    return _("Training");
  return _("Leave");
}
