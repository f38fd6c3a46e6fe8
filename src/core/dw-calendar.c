/* dw-calendar.c: business-hours calendar arithmetic on local dates.
 *
 * Every computation walks local dates of the calendar's zone and turns each date's open
 * intervals into UTC with the zone's offset at that moment, so a day is as long as it really is
 * (23 or 25 hours around DST changes).  Nothing loops per minute; walks go per day and stop after
 * DW_CALENDAR_MAX_CLOSED_DAYS closed days in a row.
 */
#include "config.h"

#include <string.h>

#include <libical/ical.h>

#include "dw-calendar.h"
#include "dw-core-resources.h"

#define SECONDS_PER_DAY 86400
#define MINUTES_PER_DAY 1440

struct _DwCalendar
{
  GObject     parent_instance;

  gint64      id;
  char       *name;
  char       *tzid;
  GTimeZone  *tz;
  GArray     *week[7];     /* of int: start, end pairs, sorted and merged; [0] is Monday */
  GHashTable *holidays;    /* local day number -> itself (a set) */
  GHashTable *workdays;    /* local day number -> GUINT_TO_POINTER (as weekday 1..7) */
};

G_DEFINE_FINAL_TYPE (DwCalendar, dw_calendar, G_TYPE_OBJECT)

G_DEFINE_QUARK (dw-calendar-error-quark, dw_calendar_error)

/* Walks the UTC open intervals of consecutive local dates. */
typedef struct
{
  DwCalendar *calendar;
  gint64      day;          /* local day number being walked */
  const int  *pairs;
  guint       n_pairs;
  guint       index;
  guint       closed_days;  /* consecutive days without an interval */
  guint       days;         /* days walked */
  guint       max_days;     /* give up after this many days in all (0: no limit) */
} Walk;

/* Date helpers (proleptic Gregorian, H. Hinnant's algorithms): a day number counts days since
 * 1970-01-01, which is a Thursday. */

static gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;

  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

static gint64
days_from_civil (int y,
                 int m,
                 int d)
{
  gint64 yy = y - (m <= 2);
  gint64 era = floor_div (yy, 400);
  gint64 yoe = yy - era * 400;
  gint64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  gint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + doe - 719468;
}

static void
civil_from_days (gint64  z,
                 int    *y,
                 int    *m,
                 int    *d)
{
  gint64 era, doe, yoe, doy, mp, yy;

  z += 719468;
  era = floor_div (z, 146097);
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  yy = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = (int) (doy - (153 * mp + 2) / 5 + 1);
  *m = (int) (mp < 10 ? mp + 3 : mp - 9);
  *y = (int) (yy + (*m <= 2));
}

/* 1 = Monday … 7 = Sunday */
static guint
weekday_of_day (gint64 day)
{
  return (guint) (((day % 7) + 7 + 3) % 7) + 1;
}

static gboolean
parse_date (const char *str,
            gint64     *day)
{
  int y, m, d;
  char tail;

  if (str == NULL || strlen (str) != 10 || str[4] != '-' || str[7] != '-')
    return FALSE;
  if (sscanf (str, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return FALSE;
  if (!g_date_valid_dmy (d, m, y))
    return FALSE;

  *day = days_from_civil (y, m, d);
  return TRUE;
}

static char *
format_date (gint64 day)
{
  int y, m, d;

  civil_from_days (day, &y, &m, &d);
  return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
}

static gint64
day_of_ymd (int y,
            int m,
            int d)
{
  g_return_val_if_fail (g_date_valid_dmy (d, m, y), 0);
  return days_from_civil (y, m, d);
}

/* Zone conversions */

static gint64
local_day_of (DwCalendar *self,
              gint64      t)
{
  int interval = g_time_zone_find_interval (self->tz, G_TIME_TYPE_UNIVERSAL, t);
  gint64 local = t + g_time_zone_get_offset (self->tz, interval);

  return floor_div (local, SECONDS_PER_DAY);
}

/* Local wall time (day, minute) to UTC.  A time in a DST gap moves forward to the end of the
 * gap; an ambiguous one takes its standard-time (later) reading. */
static gint64
local_to_utc (DwCalendar *self,
              gint64      day,
              int         minute)
{
  gint64 t = day * SECONDS_PER_DAY + (gint64) minute * 60;
  int interval = g_time_zone_adjust_time (self->tz, G_TIME_TYPE_STANDARD, &t);

  return t - g_time_zone_get_offset (self->tz, interval);
}

/* The weekly hours that apply on local day @day. */
static const int *
hours_of_day (DwCalendar *self,
              gint64      day,
              guint      *n_pairs)
{
  gpointer key = GINT_TO_POINTER ((int) day);
  gpointer as;
  GArray *hours;

  if (g_hash_table_contains (self->holidays, key))
    {
      *n_pairs = 0;
      return NULL;
    }

  if (g_hash_table_lookup_extended (self->workdays, key, NULL, &as))
    hours = self->week[GPOINTER_TO_UINT (as) - 1];
  else
    hours = self->week[weekday_of_day (day) - 1];

  *n_pairs = hours->len / 2;
  return (const int *) (gpointer) hours->data;
}

static gboolean
week_is_empty (DwCalendar *self)
{
  for (guint i = 0; i < 7; i++)
    if (self->week[i]->len > 0)
      return FALSE;
  return TRUE;
}

static void
walk_init (Walk       *walk,
           DwCalendar *calendar,
           gint64      t,
           guint       max_days)
{
  memset (walk, 0, sizeof *walk);
  walk->calendar = calendar;
  walk->day = local_day_of (calendar, t);
  walk->pairs = hours_of_day (calendar, walk->day, &walk->n_pairs);
  walk->max_days = max_days;
}

/* The next open interval [*start, *end) in UTC, or FALSE once the walk gives up. */
static gboolean
walk_next (Walk   *walk,
           gint64 *start,
           gint64 *end)
{
  for (;;)
    {
      while (walk->index < walk->n_pairs)
        {
          const int *pair = &walk->pairs[walk->index * 2];

          walk->index++;
          *start = local_to_utc (walk->calendar, walk->day, pair[0]);
          *end = local_to_utc (walk->calendar, walk->day, pair[1]);
          /* Hours wholly inside a DST gap vanish. */
          if (*end > *start)
            {
              walk->closed_days = 0;
              return TRUE;
            }
        }

      if (walk->index == 0)
        walk->closed_days++;
      walk->days++;
      if (walk->closed_days > DW_CALENDAR_MAX_CLOSED_DAYS ||
          (walk->max_days > 0 && walk->days > walk->max_days))
        return FALSE;

      walk->day++;
      walk->index = 0;
      walk->pairs = hours_of_day (walk->calendar, walk->day, &walk->n_pairs);
    }
}

/* Interval lists */

static int
compare_int_pairs (gconstpointer a,
                   gconstpointer b)
{
  const int *pa = a;
  const int *pb = b;

  if (pa[0] != pb[0])
    return pa[0] < pb[0] ? -1 : 1;
  return pa[1] < pb[1] ? -1 : (pa[1] > pb[1]);
}

static void
merge_pairs (GArray *pairs)
{
  int *v = (int *) (gpointer) pairs->data;
  guint n = pairs->len / 2;
  guint out = 0;

  if (n == 0)
    return;

  qsort (v, n, 2 * sizeof (int), compare_int_pairs);
  for (guint i = 1; i < n; i++)
    {
      if (v[i * 2] <= v[out * 2 + 1])
        v[out * 2 + 1] = MAX (v[out * 2 + 1], v[i * 2 + 1]);
      else
        {
          out++;
          v[out * 2] = v[i * 2];
          v[out * 2 + 1] = v[i * 2 + 1];
        }
    }
  g_array_set_size (pairs, (out + 1) * 2);
}

/* GObject */

static void
dw_calendar_finalize (GObject *object)
{
  DwCalendar *self = (DwCalendar *) object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->tzid, g_free);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  for (guint i = 0; i < 7; i++)
    g_clear_pointer (&self->week[i], g_array_unref);
  g_clear_pointer (&self->holidays, g_hash_table_unref);
  g_clear_pointer (&self->workdays, g_hash_table_unref);

  G_OBJECT_CLASS (dw_calendar_parent_class)->finalize (object);
}

static void
dw_calendar_class_init (DwCalendarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dw_calendar_finalize;
}

static void
dw_calendar_init (DwCalendar *self)
{
  self->name = g_strdup ("");
  for (guint i = 0; i < 7; i++)
    self->week[i] = g_array_new (FALSE, FALSE, sizeof (int));
  self->holidays = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->workdays = g_hash_table_new (g_direct_hash, g_direct_equal);
}

/* Public API */

DwCalendar *
dw_calendar_new (const char *tzid)
{
  GTimeZone *tz;
  DwCalendar *self;

  g_return_val_if_fail (tzid != NULL, NULL);

  tz = g_time_zone_new_identifier (tzid);
  if (tz == NULL)
    return NULL;

  self = g_object_new (DW_TYPE_CALENDAR, NULL);
  self->tz = tz;
  self->tzid = g_strdup (tzid);
  return self;
}

gint64
dw_calendar_get_id (DwCalendar *self)
{
  g_return_val_if_fail (DW_IS_CALENDAR (self), 0);
  return self->id;
}

void
dw_calendar_set_id (DwCalendar *self,
                    gint64      id)
{
  g_return_if_fail (DW_IS_CALENDAR (self));
  self->id = id;
}

const char *
dw_calendar_get_name (DwCalendar *self)
{
  g_return_val_if_fail (DW_IS_CALENDAR (self), NULL);
  return self->name;
}

void
dw_calendar_set_name (DwCalendar *self,
                      const char *name)
{
  g_return_if_fail (DW_IS_CALENDAR (self));
  g_free (self->name);
  self->name = g_strdup (name != NULL ? name : "");
}

const char *
dw_calendar_get_timezone (DwCalendar *self)
{
  g_return_val_if_fail (DW_IS_CALENDAR (self), NULL);
  return self->tzid;
}

GTimeZone *
dw_calendar_get_time_zone (DwCalendar *self)
{
  g_return_val_if_fail (DW_IS_CALENDAR (self), NULL);
  return self->tz;
}

void
dw_calendar_clear_day (DwCalendar *self,
                       guint       weekday)
{
  g_return_if_fail (DW_IS_CALENDAR (self));
  g_return_if_fail (weekday >= 1 && weekday <= 7);

  g_array_set_size (self->week[weekday - 1], 0);
}

gboolean
dw_calendar_add_interval (DwCalendar *self,
                          guint       weekday,
                          int         start_min,
                          int         end_min)
{
  GArray *day;

  g_return_val_if_fail (DW_IS_CALENDAR (self), FALSE);
  g_return_val_if_fail (weekday >= 1 && weekday <= 7, FALSE);

  if (start_min < 0 || end_min > MINUTES_PER_DAY || start_min >= end_min)
    return FALSE;

  day = self->week[weekday - 1];
  g_array_append_val (day, start_min);
  g_array_append_val (day, end_min);
  merge_pairs (day);
  return TRUE;
}

void
dw_calendar_set_days (DwCalendar *self,
                      guint       first,
                      guint       last,
                      int         start_min,
                      int         end_min)
{
  g_return_if_fail (DW_IS_CALENDAR (self));
  g_return_if_fail (first >= 1 && first <= last && last <= 7);

  for (guint wd = first; wd <= last; wd++)
    {
      dw_calendar_clear_day (self, wd);
      dw_calendar_add_interval (self, wd, start_min, end_min);
    }
}

const int *
dw_calendar_get_day_intervals (DwCalendar *self,
                               guint       weekday,
                               guint      *n_pairs)
{
  GArray *day;

  g_return_val_if_fail (DW_IS_CALENDAR (self), NULL);
  g_return_val_if_fail (weekday >= 1 && weekday <= 7, NULL);
  g_return_val_if_fail (n_pairs != NULL, NULL);

  day = self->week[weekday - 1];
  *n_pairs = day->len / 2;
  return (const int *) (gpointer) day->data;
}

static void
add_holiday_day (DwCalendar *self,
                 gint64      day)
{
  gpointer key = GINT_TO_POINTER ((int) day);

  g_hash_table_remove (self->workdays, key);
  g_hash_table_add (self->holidays, key);
}

static void
add_workday_day (DwCalendar *self,
                 gint64      day,
                 guint       as)
{
  gpointer key = GINT_TO_POINTER ((int) day);

  g_hash_table_remove (self->holidays, key);
  g_hash_table_insert (self->workdays, key, GUINT_TO_POINTER (as));
}

void
dw_calendar_add_holiday (DwCalendar *self,
                         int         year,
                         int         month,
                         int         day)
{
  g_return_if_fail (DW_IS_CALENDAR (self));
  g_return_if_fail (g_date_valid_dmy (day, month, year));

  add_holiday_day (self, day_of_ymd (year, month, day));
}

void
dw_calendar_add_workday (DwCalendar *self,
                         int         year,
                         int         month,
                         int         day,
                         guint       as_weekday)
{
  g_return_if_fail (DW_IS_CALENDAR (self));
  g_return_if_fail (g_date_valid_dmy (day, month, year));
  g_return_if_fail (as_weekday >= 1 && as_weekday <= 7);

  add_workday_day (self, day_of_ymd (year, month, day), as_weekday);
}

void
dw_calendar_remove_date (DwCalendar *self,
                         int         year,
                         int         month,
                         int         day)
{
  gpointer key;

  g_return_if_fail (DW_IS_CALENDAR (self));
  g_return_if_fail (g_date_valid_dmy (day, month, year));

  key = GINT_TO_POINTER ((int) day_of_ymd (year, month, day));
  g_hash_table_remove (self->holidays, key);
  g_hash_table_remove (self->workdays, key);
}

gboolean
dw_calendar_is_holiday (DwCalendar *self,
                        int         year,
                        int         month,
                        int         day)
{
  g_return_val_if_fail (DW_IS_CALENDAR (self), FALSE);
  g_return_val_if_fail (g_date_valid_dmy (day, month, year), FALSE);

  return g_hash_table_contains (self->holidays,
                                GINT_TO_POINTER ((int) day_of_ymd (year, month, day)));
}

guint
dw_calendar_get_workday_as (DwCalendar *self,
                            int         year,
                            int         month,
                            int         day)
{
  g_return_val_if_fail (DW_IS_CALENDAR (self), 0);
  g_return_val_if_fail (g_date_valid_dmy (day, month, year), 0);

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->workdays,
                                                GINT_TO_POINTER ((int) day_of_ymd (year, month, day))));
}

/* Arithmetic */

gboolean
dw_calendar_is_open (DwCalendar *self,
                     gint64      t)
{
  gint64 day;
  const int *pairs;
  guint n;

  g_return_val_if_fail (DW_IS_CALENDAR (self), FALSE);

  day = local_day_of (self, t);
  pairs = hours_of_day (self, day, &n);
  for (guint i = 0; i < n; i++)
    {
      if (t >= local_to_utc (self, day, pairs[i * 2]) &&
          t < local_to_utc (self, day, pairs[i * 2 + 1]))
        return TRUE;
    }
  return FALSE;
}

gint64
dw_calendar_business_seconds_between (DwCalendar *self,
                                      gint64      from,
                                      gint64      to)
{
  Walk walk;
  gint64 start, end;
  gint64 sum = 0;

  g_return_val_if_fail (DW_IS_CALENDAR (self), 0);

  if (to <= from || week_is_empty (self))
    return 0;

  walk_init (&walk, self, from, 0);
  while (walk_next (&walk, &start, &end) && start < to)
    {
      start = MAX (start, from);
      end = MIN (end, to);
      if (end > start)
        sum += end - start;
    }
  return sum;
}

gint64
dw_calendar_add_business_seconds (DwCalendar *self,
                                  gint64      from,
                                  gint64      seconds)
{
  Walk walk;
  gint64 start, end;
  gint64 remaining = seconds;

  g_return_val_if_fail (DW_IS_CALENDAR (self), from);

  if (seconds <= 0)
    return from;
  if (week_is_empty (self))
    return DW_CALENDAR_FOREVER;

  walk_init (&walk, self, from, 0);
  while (walk_next (&walk, &start, &end))
    {
      if (end <= from)
        continue;
      start = MAX (start, from);
      if (end - start >= remaining)
        return start + remaining;
      remaining -= end - start;
    }
  return DW_CALENDAR_FOREVER;
}

gint64
dw_calendar_next_transition (DwCalendar *self,
                             gint64      t)
{
  Walk walk;
  gint64 start, end;
  gint64 open_until = 0;

  g_return_val_if_fail (DW_IS_CALENDAR (self), DW_CALENDAR_FOREVER);

  if (week_is_empty (self))
    return DW_CALENDAR_FOREVER;

  /* A calendar open around the clock never closes: stop after as many days in all. */
  walk_init (&walk, self, t, DW_CALENDAR_MAX_CLOSED_DAYS);
  while (walk_next (&walk, &start, &end))
    {
      if (open_until > 0)
        {
          /* Open at t: extend the stretch over intervals that join it. */
          if (start > open_until)
            return open_until;
          open_until = MAX (open_until, end);
        }
      else if (end <= t)
        continue;
      else if (start > t)
        return start;
      else
        open_until = end;
    }
  return DW_CALENDAR_FOREVER;
}

/* JSON */

static gboolean
read_week (DwCalendar  *self,
           JsonNode    *node,
           GError     **error)
{
  JsonArray *week;

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) != 7)
    {
      g_set_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_INVALID,
                   "week: must be an array of 7 days, Monday first");
      return FALSE;
    }

  week = json_node_get_array (node);
  for (guint wd = 0; wd < 7; wd++)
    {
      JsonNode *day_node = json_array_get_element (week, wd);
      JsonArray *day;

      if (!JSON_NODE_HOLDS_ARRAY (day_node))
        {
          g_set_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_INVALID,
                       "week: day %u must be an array of [start, end] pairs", wd + 1);
          return FALSE;
        }

      day = json_node_get_array (day_node);
      dw_calendar_clear_day (self, wd + 1);
      for (guint i = 0; i < json_array_get_length (day); i++)
        {
          JsonNode *pair_node = json_array_get_element (day, i);
          JsonArray *pair;
          JsonNode *a, *b;

          if (!JSON_NODE_HOLDS_ARRAY (pair_node) ||
              json_array_get_length (json_node_get_array (pair_node)) != 2)
            goto bad_pair;

          pair = json_node_get_array (pair_node);
          a = json_array_get_element (pair, 0);
          b = json_array_get_element (pair, 1);
          if (!JSON_NODE_HOLDS_VALUE (a) || json_node_get_value_type (a) != G_TYPE_INT64 ||
              !JSON_NODE_HOLDS_VALUE (b) || json_node_get_value_type (b) != G_TYPE_INT64)
            goto bad_pair;
          if (json_node_get_int (a) < 0 || json_node_get_int (b) > MINUTES_PER_DAY ||
              json_node_get_int (a) >= json_node_get_int (b))
            goto bad_pair;

          dw_calendar_add_interval (self, wd + 1, (int) json_node_get_int (a),
                                    (int) json_node_get_int (b));
          continue;

        bad_pair:
          g_set_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_INVALID,
                       "week: day %u interval %u must be [start, end] minutes with "
                       "0 <= start < end <= 1440", wd + 1, i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
read_holidays (DwCalendar  *self,
               JsonNode    *node,
               GError     **error)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_INVALID,
                   "holidays: must be an array of \"YYYY-MM-DD\" dates");
      return FALSE;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      gint64 day;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING ||
          !parse_date (json_node_get_string (item), &day))
        {
          g_set_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_INVALID,
                       "holidays: item %u is not a \"YYYY-MM-DD\" date", i + 1);
          return FALSE;
        }
      add_holiday_day (self, day);
    }
  return TRUE;
}

static gboolean
read_workdays (DwCalendar  *self,
               JsonNode    *node,
               GError     **error)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_INVALID,
                   "workdays: must be an array of {\"date\": \"YYYY-MM-DD\", \"as\": 1..7}");
      return FALSE;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *object;
      JsonNode *date, *as;
      gint64 day;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        goto bad_item;

      object = json_node_get_object (item);
      date = json_object_get_member (object, "date");
      as = json_object_get_member (object, "as");
      if (json_object_get_size (object) != 2 || date == NULL || as == NULL)
        goto bad_item;
      if (!JSON_NODE_HOLDS_VALUE (date) || json_node_get_value_type (date) != G_TYPE_STRING ||
          !parse_date (json_node_get_string (date), &day))
        goto bad_item;
      if (!JSON_NODE_HOLDS_VALUE (as) || json_node_get_value_type (as) != G_TYPE_INT64 ||
          json_node_get_int (as) < 1 || json_node_get_int (as) > 7)
        goto bad_item;

      add_workday_day (self, day, (guint) json_node_get_int (as));
      continue;

    bad_item:
      g_set_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_INVALID,
                   "workdays: item %u must be {\"date\": \"YYYY-MM-DD\", \"as\": 1..7}", i + 1);
      return FALSE;
    }
  return TRUE;
}

DwCalendar *
dw_calendar_new_from_json (JsonObject  *object,
                           GError     **error)
{
  static const char * const known[] = { "id", "name", "timezone", "week", "holidays",
                                        "workdays", NULL };
  g_autoptr(DwCalendar) self = NULL;
  g_autoptr(GList) members = NULL;
  JsonNode *node;
  const char *tzid;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (known, l->data))
        {
          g_set_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_INVALID,
                       "%s: unknown field", (const char *) l->data);
          return NULL;
        }
    }

  node = json_object_get_member (object, "timezone");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_INVALID,
                   "timezone: an IANA time zone name is required");
      return NULL;
    }
  tzid = json_node_get_string (node);
  self = dw_calendar_new (tzid);
  if (self == NULL)
    {
      g_set_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_INVALID,
                   "timezone: \"%s\" is not a known IANA time zone", tzid);
      return NULL;
    }

  node = json_object_get_member (object, "id");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        {
          g_set_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_INVALID,
                       "id: must be an integer");
          return NULL;
        }
      self->id = json_node_get_int (node);
    }

  node = json_object_get_member (object, "name");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_set_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_INVALID,
                       "name: must be a string");
          return NULL;
        }
      dw_calendar_set_name (self, json_node_get_string (node));
    }

  node = json_object_get_member (object, "week");
  if (node == NULL)
    {
      g_set_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_INVALID,
                   "week: is required");
      return NULL;
    }
  if (!read_week (self, node, error))
    return NULL;

  /* Workdays first, then holidays: a date listed in both ends up a holiday. */
  node = json_object_get_member (object, "workdays");
  if (node != NULL && !read_workdays (self, node, error))
    return NULL;

  node = json_object_get_member (object, "holidays");
  if (node != NULL && !read_holidays (self, node, error))
    return NULL;

  return g_steal_pointer (&self);
}

static int
compare_days (gconstpointer a,
              gconstpointer b)
{
  int da = GPOINTER_TO_INT (*(gconstpointer *) a);
  int db = GPOINTER_TO_INT (*(gconstpointer *) b);

  return (da > db) - (da < db);
}

static GPtrArray *
sorted_days (GHashTable *table)
{
  GPtrArray *days = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (days, key);
  g_ptr_array_sort (days, compare_days);
  return days;
}

JsonObject *
dw_calendar_to_json (DwCalendar *self)
{
  g_autoptr(GPtrArray) holidays = NULL;
  g_autoptr(GPtrArray) workdays = NULL;
  JsonObject *object;
  JsonArray *week;
  JsonArray *array;

  g_return_val_if_fail (DW_IS_CALENDAR (self), NULL);

  object = json_object_new ();
  if (self->id > 0)
    json_object_set_int_member (object, "id", self->id);
  json_object_set_string_member (object, "name", self->name);
  json_object_set_string_member (object, "timezone", self->tzid);

  week = json_array_new ();
  for (guint wd = 0; wd < 7; wd++)
    {
      JsonArray *day = json_array_new ();
      const int *v = (const int *) (gpointer) self->week[wd]->data;

      for (guint i = 0; i < self->week[wd]->len / 2; i++)
        {
          JsonArray *pair = json_array_sized_new (2);

          json_array_add_int_element (pair, v[i * 2]);
          json_array_add_int_element (pair, v[i * 2 + 1]);
          json_array_add_array_element (day, pair);
        }
      json_array_add_array_element (week, day);
    }
  json_object_set_array_member (object, "week", week);

  holidays = sorted_days (self->holidays);
  array = json_array_new ();
  for (guint i = 0; i < holidays->len; i++)
    {
      g_autofree char *date = format_date (GPOINTER_TO_INT (holidays->pdata[i]));

      json_array_add_string_element (array, date);
    }
  json_object_set_array_member (object, "holidays", array);

  workdays = sorted_days (self->workdays);
  array = json_array_new ();
  for (guint i = 0; i < workdays->len; i++)
    {
      g_autofree char *date = format_date (GPOINTER_TO_INT (workdays->pdata[i]));
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "date", date);
      json_object_set_int_member (item, "as",
                                  GPOINTER_TO_UINT (g_hash_table_lookup (self->workdays,
                                                                         workdays->pdata[i])));
      json_array_add_object_element (array, item);
    }
  json_object_set_array_member (object, "workdays", array);

  return object;
}

/* iCalendar */

typedef enum
{
  ICS_KIND_NONE,
  ICS_KIND_HOLIDAY,
  ICS_KIND_WORKDAY,
} IcsKind;

typedef struct
{
  gint64 first;
  gint64 last;   /* inclusive */
  IcsKind kind;
  guint as;
} IcsEntry;

/* A stretch of more than a year is surely a mistake, not a holiday. */
#define ICS_MAX_DAYS 366

static gboolean
contains_casefold (const char *haystack,
                   const char *needle)
{
  g_autofree char *h = NULL;

  if (haystack == NULL)
    return FALSE;
  h = g_utf8_casefold (haystack, -1);
  return strstr (h, needle) != NULL;
}

static IcsKind
classify_event (icalcomponent *event)
{
  const char *summary;

  for (icalproperty *p = icalcomponent_get_first_property (event, ICAL_CATEGORIES_PROPERTY);
       p != NULL;
       p = icalcomponent_get_next_property (event, ICAL_CATEGORIES_PROPERTY))
    {
      g_auto(GStrv) values = g_strsplit (icalproperty_get_categories (p) != NULL
                                         ? icalproperty_get_categories (p) : "", ",", -1);

      for (guint i = 0; values[i] != NULL; i++)
        {
          g_strstrip (values[i]);
          if (g_ascii_strcasecmp (values[i], "WORKDAY") == 0)
            return ICS_KIND_WORKDAY;
          if (g_ascii_strcasecmp (values[i], "HOLIDAY") == 0)
            return ICS_KIND_HOLIDAY;
        }
    }

  /* Workday words first: "调休" itself contains "休". */
  summary = icalcomponent_get_summary (event);
  if (contains_casefold (summary, "调休") || contains_casefold (summary, "班") ||
      contains_casefold (summary, "workday") || contains_casefold (summary, "working day"))
    return ICS_KIND_WORKDAY;
  if (contains_casefold (summary, "假") || contains_casefold (summary, "节") ||
      contains_casefold (summary, "休") || contains_casefold (summary, "holiday"))
    return ICS_KIND_HOLIDAY;
  return ICS_KIND_NONE;
}

static guint
workday_as (icalcomponent *event)
{
  for (icalproperty *p = icalcomponent_get_first_property (event, ICAL_X_PROPERTY);
       p != NULL;
       p = icalcomponent_get_next_property (event, ICAL_X_PROPERTY))
    {
      const char *name = icalproperty_get_x_name (p);
      const char *value = icalproperty_get_x (p);
      guint64 as;

      if (name != NULL && g_ascii_strcasecmp (name, "X-DESKWATCH-AS") == 0 && value != NULL &&
          g_ascii_string_to_unsigned (value, 10, 1, 7, &as, NULL))
        return (guint) as;
    }
  return 1;
}

static void
collect_event (icalcomponent *event,
               GArray        *entries)
{
  struct icaltimetype start = icalcomponent_get_dtstart (event);
  struct icaltimetype end;
  IcsEntry entry = { 0 };

  if (icaltime_is_null_time (start) || !start.is_date || !icaltime_is_valid_time (start))
    return;
  if (!g_date_valid_dmy (start.day, start.month, start.year))
    return;

  entry.kind = classify_event (event);
  if (entry.kind == ICS_KIND_NONE)
    return;

  entry.first = days_from_civil (start.year, start.month, start.day);
  entry.last = entry.first;
  end = icalcomponent_get_dtend (event);
  if (!icaltime_is_null_time (end) && g_date_valid_dmy (end.day, end.month, end.year))
    {
      /* DTEND of an all-day event is exclusive. */
      gint64 last = days_from_civil (end.year, end.month, end.day) - 1;

      if (last > entry.first && last - entry.first < ICS_MAX_DAYS)
        entry.last = last;
    }

  if (entry.kind == ICS_KIND_WORKDAY)
    entry.as = workday_as (event);

  g_array_append_val (entries, entry);
}

gboolean
dw_calendar_load_ics (DwCalendar  *self,
                      const char  *ics_text,
                      GError     **error)
{
  g_autoptr(GArray) entries = NULL;
  icalcomponent *root;

  g_return_val_if_fail (DW_IS_CALENDAR (self), FALSE);
  g_return_val_if_fail (ics_text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  root = icalparser_parse_string (ics_text);
  if (root == NULL)
    {
      g_set_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_ICS,
                   "The text is not an iCalendar file");
      return FALSE;
    }

  entries = g_array_new (FALSE, TRUE, sizeof (IcsEntry));
  if (icalcomponent_isa (root) == ICAL_VEVENT_COMPONENT)
    collect_event (root, entries);
  else
    {
      for (icalcomponent *c = icalcomponent_get_first_component (root, ICAL_VEVENT_COMPONENT);
           c != NULL;
           c = icalcomponent_get_next_component (root, ICAL_VEVENT_COMPONENT))
        collect_event (c, entries);
    }
  icalcomponent_free (root);

  if (entries->len == 0)
    {
      g_set_error (error, DW_CALENDAR_ERROR, DW_CALENDAR_ERROR_ICS,
                   "The iCalendar file holds no all-day holiday or workday events");
      return FALSE;
    }

  /* Holidays first, then workdays, so a 调休 Saturday inside a marked range stays a workday. */
  for (guint pass = 0; pass < 2; pass++)
    {
      IcsKind kind = pass == 0 ? ICS_KIND_HOLIDAY : ICS_KIND_WORKDAY;

      for (guint i = 0; i < entries->len; i++)
        {
          const IcsEntry *entry = &g_array_index (entries, IcsEntry, i);

          if (entry->kind != kind)
            continue;
          for (gint64 day = entry->first; day <= entry->last; day++)
            {
              if (kind == ICS_KIND_HOLIDAY)
                add_holiday_day (self, day);
              else
                add_workday_day (self, day, entry->as);
            }
        }
    }
  return TRUE;
}

DwCalendar *
dw_calendar_new_china_mainland (gboolean every_day)
{
  g_autoptr(GBytes) ics = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DwCalendar) self = NULL;
  g_autofree char *text = NULL;

  self = dw_calendar_new ("Asia/Shanghai");
  g_return_val_if_fail (self != NULL, NULL);

  if (every_day)
    {
      dw_calendar_set_name (self, "电商客服 09:00–22:00");
      dw_calendar_set_days (self, 1, 7, 9 * 60, 22 * 60);
    }
  else
    {
      dw_calendar_set_name (self, "中国大陆工作日");
      for (guint wd = 1; wd <= 5; wd++)
        {
          dw_calendar_add_interval (self, wd, 9 * 60, 12 * 60);
          dw_calendar_add_interval (self, wd, 13 * 60 + 30, 18 * 60);
        }
    }

  ics = g_resource_lookup_data (dw_core_get_resource (),
                                "/org/deskwatch/core/holidays/cn-2026.ics",
                                G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (ics == NULL)
    g_error ("The built-in holiday calendar is missing: %s", error->message);

  /* Resource data happens to be NUL-terminated; copy rather than rely on it. */
  text = g_strndup (g_bytes_get_data (ics, NULL), g_bytes_get_size (ics));
  if (!dw_calendar_load_ics (self, text, &error))
    g_error ("The built-in holiday calendar is broken: %s", error->message);

  return g_steal_pointer (&self);
}
