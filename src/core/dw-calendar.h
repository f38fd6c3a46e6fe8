/* dw-calendar.h: a business-hours calendar (weekly hours, time zone, holidays, 调休 workdays).
 *
 * All instants are Unix seconds (UTC).  Hours are kept as local wall-clock minutes of the
 * calendar's IANA time zone, so arithmetic follows local dates and stays right across DST changes.
 *
 * Which hours apply on a local date D:
 *   - D is a holiday: closed all day;
 *   - D is an adjusted workday (调休) "as" weekday W: the weekly hours of W (even on a weekend);
 *   - otherwise the weekly hours of D's own weekday.
 * A date is never both: adding a holiday removes a workday on that date and vice versa.
 *
 * Weekdays are numbered 1 = Monday … 7 = Sunday, as in docs/api.md.  Open intervals are
 * [start_min, end_min) with 0 <= start_min < end_min <= 1440; an interval ending at 1440 joins an
 * interval starting at 0 the next day, so opening hours may run across midnight.
 *
 * Walks forward in time give up after DW_CALENDAR_MAX_CLOSED_DAYS consecutive closed days
 * (about three years): searches then answer DW_CALENDAR_FOREVER, and
 * business_seconds_between counts nothing beyond such a stretch.  next_transition of a calendar
 * open around the clock also answers DW_CALENDAR_FOREVER (it looks that many days ahead).
 * Cost is one step per local day walked, so keep ranges to what a ticket's life spans.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* 9999-12-31T23:59:59Z: "never" for a calendar that does not open again.  Still a valid wire
 * time, and far enough from G_MAXINT64 that adding to it cannot overflow. */
#define DW_CALENDAR_FOREVER G_GINT64_CONSTANT (253402300799)
#define DW_CALENDAR_MAX_CLOSED_DAYS 1100

#define DW_CALENDAR_ERROR (dw_calendar_error_quark ())

typedef enum
{
  DW_CALENDAR_ERROR_INVALID,   /* a JSON calendar does not follow docs/api.md */
  DW_CALENDAR_ERROR_ICS,       /* iCalendar text that cannot be used */
} DwCalendarError;

GQuark dw_calendar_error_quark (void);

#define DW_TYPE_CALENDAR (dw_calendar_get_type ())
G_DECLARE_FINAL_TYPE (DwCalendar, dw_calendar, DW, CALENDAR, GObject)

/* A calendar in zone @tzid (IANA name, e.g. "Asia/Shanghai") that is never open until hours are
 * added.  Returns NULL if @tzid is not a known zone. */
DwCalendar  *dw_calendar_new                 (const char  *tzid);

/* The docs/api.md "Calendar" object.  "timezone" and "week" are required; "id", "name",
 * "holidays" and "workdays" are optional; any other member is an error.  Error messages start
 * with the member's name ("week: …") so they can go straight into a 400 problem's detail. */
DwCalendar  *dw_calendar_new_from_json       (JsonObject  *object,
                                              GError     **error);
/* The docs/api.md "Calendar" object; "id" only when it is > 0.  Holidays and workdays sorted. */
JsonObject  *dw_calendar_to_json             (DwCalendar  *self);

/* Mainland China, Asia/Shanghai, with the statutory holidays and 调休 workdays of the shipped
 * data/holidays/cn-2026.ics (State Council arrangement for 2026).
 *   @every_day FALSE: office pattern, Monday–Friday 09:00–12:00 and 13:30–18:00;
 *   @every_day TRUE:  e-commerce help desk (电商客服), 09:00–22:00 every day of the week.
 * Holidays close both patterns; the adjusted workdays matter only to the office pattern. */
DwCalendar  *dw_calendar_new_china_mainland  (gboolean     every_day);

gint64       dw_calendar_get_id              (DwCalendar  *self);
void         dw_calendar_set_id              (DwCalendar  *self,
                                              gint64       id);
const char  *dw_calendar_get_name            (DwCalendar  *self);
void         dw_calendar_set_name            (DwCalendar  *self,
                                              const char  *name);
/* The IANA identifier given at construction. */
const char  *dw_calendar_get_timezone        (DwCalendar  *self);
GTimeZone   *dw_calendar_get_time_zone       (DwCalendar  *self);

/* Weekly hours.  @weekday 1 (Monday) … 7 (Sunday).  Overlapping or touching intervals merge. */
void         dw_calendar_clear_day           (DwCalendar  *self,
                                              guint        weekday);
gboolean     dw_calendar_add_interval        (DwCalendar  *self,
                                              guint        weekday,
                                              int          start_min,
                                              int          end_min);
/* Replaces the hours of weekdays @first … @last (inclusive) by one interval each. */
void         dw_calendar_set_days            (DwCalendar  *self,
                                              guint        first,
                                              guint        last,
                                              int          start_min,
                                              int          end_min);
/* The open intervals of @weekday as pairs (start, end) of ints: n_pairs * 2 values. */
const int   *dw_calendar_get_day_intervals   (DwCalendar  *self,
                                              guint        weekday,
                                              guint       *n_pairs);

/* Dates are local calendar dates of the calendar's zone. */
void         dw_calendar_add_holiday         (DwCalendar  *self,
                                              int          year,
                                              int          month,
                                              int          day);
void         dw_calendar_add_workday         (DwCalendar  *self,
                                              int          year,
                                              int          month,
                                              int          day,
                                              guint        as_weekday);
void         dw_calendar_remove_date         (DwCalendar  *self,
                                              int          year,
                                              int          month,
                                              int          day);
gboolean     dw_calendar_is_holiday          (DwCalendar  *self,
                                              int          year,
                                              int          month,
                                              int          day);
/* The weekday whose hours an adjusted workday follows, or 0 if the date is not one. */
guint        dw_calendar_get_workday_as      (DwCalendar  *self,
                                              int          year,
                                              int          month,
                                              int          day);

/* Imports holidays and adjusted workdays from iCalendar text (libical).  Only all-day VEVENTs
 * (DTSTART;VALUE=DATE) count, over [DTSTART, DTEND) (one day without DTEND/DURATION).
 * An event is a workday when CATEGORIES holds WORKDAY, or its SUMMARY says 调休, 班 or
 * "workday"; it is a holiday when CATEGORIES holds HOLIDAY, or its SUMMARY says 假, 节, 休 or
 * "holiday".  A workday follows the hours of weekday X-DESKWATCH-AS (1–7), Monday by default.
 * Other events, timed events and RRULEs are ignored.  FALSE with DW_CALENDAR_ERROR_ICS if the
 * text does not parse or holds no holiday or workday at all; nothing is changed then. */
gboolean     dw_calendar_load_ics            (DwCalendar  *self,
                                              const char  *ics_text,
                                              GError     **error);

/* Whether the calendar is open at instant @t. */
gboolean     dw_calendar_is_open             (DwCalendar  *self,
                                              gint64       t);

/* Open seconds in [@from, @to); 0 if @to <= @from. */
gint64       dw_calendar_business_seconds_between (DwCalendar *self,
                                                   gint64      from,
                                                   gint64      to);

/* The earliest instant T >= @from with business_seconds_between (@from, T) == @seconds, so
 * between (from, add (from, s)) == s for every s >= 0.  Consequences: @seconds <= 0 gives @from
 * itself (even when closed); otherwise T always lies in or at the end of an open interval, e.g.
 * one hour before closing plus one hour is the closing time, not the next opening.
 * DW_CALENDAR_FOREVER when the calendar stays closed for too long. */
gint64       dw_calendar_add_business_seconds (DwCalendar *self,
                                               gint64      from,
                                               gint64      seconds);

/* The first instant after @t at which is_open changes: the end of the open stretch containing
 * @t (across midnight when hours join), or the next opening if closed at @t.
 * DW_CALENDAR_FOREVER when there is none in sight. */
gint64       dw_calendar_next_transition     (DwCalendar  *self,
                                              gint64       t);

G_END_DECLS
