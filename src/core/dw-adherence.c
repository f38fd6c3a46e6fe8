/* dw-adherence.c: adherence to the roster from a presence timeline. */
#include "config.h"

#include "dw-adherence.h"

static const char * const kind_names[] = {
  [DW_ADHERENCE_LATE_START] = "late-start",
  [DW_ADHERENCE_EARLY_LEAVE] = "early-leave",
  [DW_ADHERENCE_AWAY] = "away",
  [DW_ADHERENCE_OFF_SHIFT] = "off-shift",
};

const char *
dw_adherence_kind_to_string (DwAdherenceKind kind)
{
  g_return_val_if_fail (kind <= DW_ADHERENCE_OFF_SHIFT, NULL);
  return kind_names[kind];
}

/* Presence at @t. */
static DwPresence
presence_at (DwPresence            initial,
             const DwPresenceMark *marks,
             guint                 n_marks,
             gint64                t)
{
  DwPresence p = initial;

  for (guint i = 0; i < n_marks && marks[i].at <= t; i++)
    p = marks[i].presence;
  return p;
}

static gboolean
in_break (const DwAdherenceShift *shift,
          gint64                  t)
{
  for (guint b = 0; b < shift->n_breaks; b++)
    if (shift->breaks[2 * b] <= t && t < shift->breaks[2 * b + 1])
      return TRUE;
  return FALSE;
}

static void
add_exception (GArray          *exceptions,
               DwAdherenceKind  kind,
               gint64           from,
               gint64           to,
               gint64           grace)
{
  DwAdherenceException e = { kind, from, to };

  if (to - from >= grace)
    g_array_append_val (exceptions, e);
}

static gint
compare_exceptions (gconstpointer a,
                    gconstpointer b)
{
  const DwAdherenceException *x = a, *y = b;

  return (x->from > y->from) - (x->from < y->from);
}

/* The instants where something may change: shift and break edges and presence marks. */
static GArray *
boundaries (const DwAdherenceShift *shifts,
            guint                   n_shifts,
            const DwPresenceMark   *marks,
            guint                   n_marks,
            gint64                  from,
            gint64                  until)
{
  GArray *cuts = g_array_new (FALSE, FALSE, sizeof (gint64));

#define CUT(t) G_STMT_START { gint64 _t = (t); if (_t > from && _t < until) g_array_append_val (cuts, _t); } G_STMT_END
  g_array_append_val (cuts, from);
  for (guint s = 0; s < n_shifts; s++)
    {
      CUT (shifts[s].starts_at);
      CUT (shifts[s].ends_at);
      for (guint b = 0; b < 2 * shifts[s].n_breaks; b++)
        CUT (shifts[s].breaks[b]);
    }
  for (guint m = 0; m < n_marks; m++)
    CUT (marks[m].at);
  g_array_append_val (cuts, until);
#undef CUT

  return cuts;
}

static gint
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

void
dw_adherence_compute (const DwAdherenceShift *shifts,
                      guint                   n_shifts,
                      DwPresence              initial,
                      const DwPresenceMark   *marks,
                      guint                   n_marks,
                      gint64                  from,
                      gint64                  until,
                      gint64                  grace,
                      gint64                  off_shift_grace,
                      DwAdherence            *out)
{
  g_autoptr(GArray) cuts = NULL;
  gint64 off_from = -1;

  out->scheduled = 0;
  out->adherent = 0;
  out->exceptions = g_array_new (FALSE, FALSE, sizeof (DwAdherenceException));
  if (until <= from)
    return;

  /* Per shift: scheduled and adherent time, and where it was not online. */
  for (guint s = 0; s < n_shifts; s++)
    {
      const DwAdherenceShift *shift = &shifts[s];
      gint64 start = MAX (shift->starts_at, from);
      gint64 end = MIN (shift->ends_at, until);
      gint64 first_online = -1, gap_from = -1;
      g_autoptr(GArray) gaps = g_array_new (FALSE, FALSE, sizeof (gint64));

      if (end <= start)
        continue;

      cuts = boundaries (shift, 1, marks, n_marks, start, end);
      g_array_sort (cuts, compare_int64);

      for (guint c = 0; c + 1 < cuts->len; c++)
        {
          gint64 a = g_array_index (cuts, gint64, c);
          gint64 b = g_array_index (cuts, gint64, c + 1);
          gboolean online;

          if (b <= a || in_break (shift, a))
            continue;

          online = presence_at (initial, marks, n_marks, a) == DW_PRESENCE_ONLINE;
          out->scheduled += b - a;
          if (online)
            {
              out->adherent += b - a;
              /* the stretch before the first time online is the late start, not an absence */
              if (first_online < 0)
                {
                  first_online = a;
                  gap_from = -1;
                }
              if (gap_from >= 0)
                {
                  g_array_append_val (gaps, gap_from);
                  g_array_append_val (gaps, a);
                  gap_from = -1;
                }
            }
          else if (gap_from < 0)
            gap_from = a;
        }
      g_clear_pointer (&cuts, g_array_unref);

      if (first_online < 0)
        {
          /* never online in the shift (so far): late, or absent for the whole of it */
          add_exception (out->exceptions, DW_ADHERENCE_LATE_START, start, end, grace);
          continue;
        }
      if (first_online > start)
        add_exception (out->exceptions, DW_ADHERENCE_LATE_START, start, first_online, grace);
      for (guint g = 0; g < gaps->len; g += 2)
        add_exception (out->exceptions, DW_ADHERENCE_AWAY, g_array_index (gaps, gint64, g),
                       g_array_index (gaps, gint64, g + 1), grace);
      /* an end that was not online, and the shift is over: left early */
      if (gap_from >= 0 && shift->ends_at <= until)
        add_exception (out->exceptions, DW_ADHERENCE_EARLY_LEAVE, gap_from, end, grace);
      else if (gap_from >= 0)
        add_exception (out->exceptions, DW_ADHERENCE_AWAY, gap_from, end, grace);
    }

  /* Online outside every shift. */
  cuts = boundaries (shifts, n_shifts, marks, n_marks, from, until);
  g_array_sort (cuts, compare_int64);
  for (guint c = 0; c + 1 < cuts->len; c++)
    {
      gint64 a = g_array_index (cuts, gint64, c);
      gint64 b = g_array_index (cuts, gint64, c + 1);
      gboolean on_shift = FALSE;
      gboolean off;

      if (b <= a)
        continue;
      for (guint s = 0; s < n_shifts && !on_shift; s++)
        on_shift = shifts[s].starts_at <= a && a < shifts[s].ends_at;
      off = !on_shift && presence_at (initial, marks, n_marks, a) == DW_PRESENCE_ONLINE;

      if (off && off_from < 0)
        off_from = a;
      else if (!off && off_from >= 0)
        {
          add_exception (out->exceptions, DW_ADHERENCE_OFF_SHIFT, off_from, a, off_shift_grace);
          off_from = -1;
        }
    }
  if (off_from >= 0)
    add_exception (out->exceptions, DW_ADHERENCE_OFF_SHIFT, off_from, until, off_shift_grace);

  g_array_sort (out->exceptions, compare_exceptions);
}

void
dw_adherence_clear (DwAdherence *adherence)
{
  g_clear_pointer (&adherence->exceptions, g_array_unref);
}
