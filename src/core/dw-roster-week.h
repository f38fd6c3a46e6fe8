/* dw-roster-week.h: the arithmetic of a roster week as the console shows it.
 *
 * A week is named by its Monday ("2026-12-14") in the team calendar's time zone, as in the
 * API (docs/api.md, "Rosters").  These helpers place a shift in a day column, name a day's
 * hours and step between weeks; they know nothing of GTK so a unit test reaches them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The Monday ("YYYY-MM-DD") of the week holding @at in @time_zone, moved by @weeks weeks. */
char     *dw_roster_week_of          (GTimeZone   *time_zone,
                                      gint64       at,
                                      int          weeks);
/* @monday moved by @weeks weeks; NULL when @monday is not a date. */
char     *dw_roster_week_add         (const char  *monday,
                                      int          weeks);
/* The date ("YYYY-MM-DD") of day @day (0 = Monday … 6 = Sunday) of the week @monday. */
char     *dw_roster_week_date        (const char  *monday,
                                      int          day);
/* Unix time of @minutes after local midnight of day @day of the week @monday (minutes may
 * pass 1440: the next day); -1 when @monday is not a date. */
gint64    dw_roster_week_time        (GTimeZone   *time_zone,
                                      const char  *monday,
                                      int          day,
                                      int          minutes);
/* The day (0 … 6) of the week @monday on which @at falls locally, or -1 outside the week. */
int       dw_roster_week_day_of      (GTimeZone   *time_zone,
                                      const char  *monday,
                                      gint64       at);
/* Minutes after local midnight of @at. */
int       dw_roster_minute_of_day    (GTimeZone   *time_zone,
                                      gint64       at);
/* "08:00–16:00"; a span ending on a later day gets "+1" (or "+2"): "22:00–06:00 +1". */
char     *dw_roster_format_span      (GTimeZone   *time_zone,
                                      gint64       starts_at,
                                      gint64       ends_at);
/* "HH:MM" (or "H:MM") → minutes after midnight, 0 … 1439; FALSE for anything else. */
gboolean  dw_roster_parse_clock      (const char  *text,
                                      int         *minutes);

G_END_DECLS
