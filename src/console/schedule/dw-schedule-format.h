/* dw-schedule-format.h: the Schedule section's words for the service's codes (rules, day
 * kinds, absence kinds) and durations. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A roster warning ({"rule", "from", "to", …}) in words, e.g. "Only 9 h of rest before the
 * next shift (at least 11 h)". */
char       *dw_schedule_describe_warning   (JsonObject *warning,
                                            GTimeZone  *time_zone);
/* "Holiday", "Adjusted workday (调休)", "Weekend"; NULL for a plain workday. */
const char *dw_schedule_day_kind_name      (const char *kind);
/* "Leave", "Sick", "Training". */
const char *dw_schedule_absence_kind_name  (const char *kind);
/* A roster day, "Mon 14 Dec" (weekday and month names from our translations, not the C
 * library's time locale, so the console's language decides). */
char       *dw_schedule_format_day         (GDateTime  *local);
/* "7 h 30 min", "8 h", "45 min". */
char       *dw_schedule_format_minutes     (gint64      minutes);

G_END_DECLS
