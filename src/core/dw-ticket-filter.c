/* dw-ticket-filter.c: local ticket filter criteria.
 *
 * dw_ticket_criteria_match() runs once per ticket on every change of criteria, over lists of
 * 100k tickets, so the criteria are kept as bit masks and a pre-folded needle, and the text
 * search tries a plain strstr() before paying for case folding.
 */
#include "config.h"

#include <string.h>

#include "dw-ticket-filter.h"

struct _DwTicketCriteria
{
  GObject            parent_instance;

  gint64             team_id;
  guint              statuses;
  guint              priorities;
  guint              channels;
  guint              sla_states;
  DwAssigneeMatch    assignee_match;
  gint64             assignee_id;

  char              *text;         /* trimmed, as typed */
  char              *text_folded;  /* NFKC + casefold of text */
  gint64             text_number;  /* "#123" / "123" → 123; 0 otherwise */

  DwCustomerNameFunc customer_name_func;
  gpointer           customer_name_data;
  GDestroyNotify     customer_name_notify;
};

G_DEFINE_FINAL_TYPE (DwTicketCriteria, dw_ticket_criteria, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

static char *
fold (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (normalized != NULL ? normalized : text, -1);
}

static gboolean
text_contains (const char *haystack,
               const char *needle,
               const char *needle_folded)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL || *haystack == '\0')
    return FALSE;
  if (strstr (haystack, needle) != NULL || strstr (haystack, needle_folded) != NULL)
    return TRUE;

  folded = fold (haystack);
  return strstr (folded, needle_folded) != NULL;
}

/* How a set of allowed values changed from @old to @new (0 meaning "all"). */
static DwCriteriaChange
mask_change (guint old,
             guint new)
{
  if (old == new)
    return DW_CRITERIA_CHANGE_NONE;
  if (new == 0)
    return DW_CRITERIA_CHANGE_LESS_STRICT;
  if (old == 0)
    return DW_CRITERIA_CHANGE_MORE_STRICT;
  if ((new & old) == new)
    return DW_CRITERIA_CHANGE_MORE_STRICT;
  if ((new & old) == old)
    return DW_CRITERIA_CHANGE_LESS_STRICT;
  return DW_CRITERIA_CHANGE_DIFFERENT;
}

/* Combines the changes of several criteria changed at once. */
static DwCriteriaChange
combine (DwCriteriaChange a,
         DwCriteriaChange b)
{
  if (a == DW_CRITERIA_CHANGE_NONE)
    return b;
  if (b == DW_CRITERIA_CHANGE_NONE || a == b)
    return a;
  return DW_CRITERIA_CHANGE_DIFFERENT;
}

static DwCriteriaChange
emit (DwTicketCriteria *self,
      DwCriteriaChange  change)
{
  if (change != DW_CRITERIA_CHANGE_NONE)
    g_signal_emit (self, signals[CHANGED], 0, (int) change);
  return change;
}

static gint64
parse_number (const char *text)
{
  const char *p = text;
  gint64 n = 0;

  if (*p == '#')
    p++;
  if (*p == '\0')
    return 0;
  for (; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p) || n > G_MAXINT64 / 10 - 10)
        return 0;
      n = n * 10 + (*p - '0');
    }
  return n;
}

/* Internal setters: change the field, say how, do not emit. */

static DwCriteriaChange
put_team_id (DwTicketCriteria *self,
             gint64            team_id)
{
  gint64 old = self->team_id;

  if (team_id < 0)
    team_id = 0;
  if (old == team_id)
    return DW_CRITERIA_CHANGE_NONE;
  self->team_id = team_id;
  if (old == 0)
    return DW_CRITERIA_CHANGE_MORE_STRICT;
  if (team_id == 0)
    return DW_CRITERIA_CHANGE_LESS_STRICT;
  return DW_CRITERIA_CHANGE_DIFFERENT;
}

static DwCriteriaChange
put_mask (guint *field,
          guint  mask)
{
  DwCriteriaChange change = mask_change (*field, mask);

  *field = mask;
  return change;
}

static DwCriteriaChange
put_assignee (DwTicketCriteria *self,
              DwAssigneeMatch   match,
              gint64            user_id)
{
  DwAssigneeMatch old = self->assignee_match;

  if (match != DW_ASSIGNEE_MATCH_USER)
    user_id = 0;
  if (old == match && self->assignee_id == user_id)
    return DW_CRITERIA_CHANGE_NONE;

  self->assignee_match = match;
  self->assignee_id = user_id;

  if (old == DW_ASSIGNEE_MATCH_ANY)
    return DW_CRITERIA_CHANGE_MORE_STRICT;
  if (match == DW_ASSIGNEE_MATCH_ANY)
    return DW_CRITERIA_CHANGE_LESS_STRICT;
  if (old == DW_ASSIGNEE_MATCH_ASSIGNED && match == DW_ASSIGNEE_MATCH_USER)
    return DW_CRITERIA_CHANGE_MORE_STRICT;
  if (old == DW_ASSIGNEE_MATCH_USER && match == DW_ASSIGNEE_MATCH_ASSIGNED)
    return DW_CRITERIA_CHANGE_LESS_STRICT;
  return DW_CRITERIA_CHANGE_DIFFERENT;
}

static DwCriteriaChange
put_text (DwTicketCriteria *self,
          const char       *text)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *old = NULL;
  DwCriteriaChange change;

  if (g_strcmp0 (trimmed, self->text != NULL ? self->text : "") == 0)
    return DW_CRITERIA_CHANGE_NONE;

  old = g_steal_pointer (&self->text);
  g_clear_pointer (&self->text_folded, g_free);
  self->text_number = 0;

  if (*trimmed != '\0')
    {
      self->text_folded = fold (trimmed);
      self->text_number = parse_number (trimmed);
      self->text = g_steal_pointer (&trimmed);
    }

  /* A longer needle containing the old one can only match fewer tickets, except that a
   * number search matches ids exactly ("12" finds #12, "123" does not). */
  if (old == NULL)
    change = DW_CRITERIA_CHANGE_MORE_STRICT;
  else if (self->text == NULL)
    change = DW_CRITERIA_CHANGE_LESS_STRICT;
  else if (parse_number (old) != 0 || self->text_number != 0)
    change = DW_CRITERIA_CHANGE_DIFFERENT;
  else if (strstr (self->text, old) != NULL)
    change = DW_CRITERIA_CHANGE_MORE_STRICT;
  else if (strstr (old, self->text) != NULL)
    change = DW_CRITERIA_CHANGE_LESS_STRICT;
  else
    change = DW_CRITERIA_CHANGE_DIFFERENT;

  return change;
}

/* Overrides */

static void
dw_ticket_criteria_finalize (GObject *object)
{
  DwTicketCriteria *self = DW_TICKET_CRITERIA (object);

  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->text_folded, g_free);
  if (self->customer_name_notify != NULL)
    self->customer_name_notify (self->customer_name_data);

  G_OBJECT_CLASS (dw_ticket_criteria_parent_class)->finalize (object);
}

static void
dw_ticket_criteria_class_init (DwTicketCriteriaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dw_ticket_criteria_finalize;

  /* "changed" (int change): a DwCriteriaChange other than NONE. */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
dw_ticket_criteria_init (DwTicketCriteria *self)
{
}

/* Public API */

DwTicketCriteria *
dw_ticket_criteria_new (void)
{
  return g_object_new (DW_TYPE_TICKET_CRITERIA, NULL);
}

gboolean
dw_ticket_criteria_match (DwTicketCriteria *self,
                          DwTicket         *ticket)
{
  gint64 assignee;

  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (self), FALSE);
  g_return_val_if_fail (DW_IS_TICKET (ticket), FALSE);

  if (self->team_id != 0 && dw_ticket_get_team_id (ticket) != self->team_id)
    return FALSE;
  if (self->statuses != 0 && !(self->statuses & DW_STATUS_MASK (dw_ticket_get_status (ticket))))
    return FALSE;
  if (self->priorities != 0 && !(self->priorities & (1u << dw_ticket_get_priority (ticket))))
    return FALSE;
  if (self->channels != 0 && !(self->channels & (1u << dw_ticket_get_channel (ticket))))
    return FALSE;
  /* The live state: "breached" means a breach still running (docs/api.md "Figures"). */
  if (self->sla_states != 0 && !(self->sla_states & (1u << dw_ticket_get_live_sla_state (ticket))))
    return FALSE;

  assignee = dw_ticket_get_assignee_id (ticket);
  switch (self->assignee_match)
    {
    case DW_ASSIGNEE_MATCH_ANY:
      break;
    case DW_ASSIGNEE_MATCH_UNASSIGNED:
      if (assignee != 0)
        return FALSE;
      break;
    case DW_ASSIGNEE_MATCH_ASSIGNED:
      if (assignee == 0)
        return FALSE;
      break;
    case DW_ASSIGNEE_MATCH_USER:
      if (assignee != self->assignee_id)
        return FALSE;
      break;
    default:
      g_assert_not_reached ();
    }

  if (self->text != NULL)
    {
      if (self->text_number != 0 && dw_ticket_get_id (ticket) == self->text_number)
        return TRUE;
      if (text_contains (dw_ticket_get_subject (ticket), self->text, self->text_folded))
        return TRUE;
      if (text_contains (dw_ticket_get_order_number (ticket), self->text, self->text_folded))
        return TRUE;
      if (self->customer_name_func != NULL && dw_ticket_get_customer_id (ticket) != 0)
        {
          const char *name = self->customer_name_func (dw_ticket_get_customer_id (ticket),
                                                       self->customer_name_data);

          if (text_contains (name, self->text, self->text_folded))
            return TRUE;
        }
      return FALSE;
    }

  return TRUE;
}

gboolean
dw_ticket_criteria_is_empty (DwTicketCriteria *self)
{
  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (self), TRUE);

  return self->team_id == 0 && self->statuses == 0 && self->priorities == 0 &&
         self->channels == 0 && self->sla_states == 0 &&
         self->assignee_match == DW_ASSIGNEE_MATCH_ANY && self->text == NULL;
}

DwCriteriaChange
dw_ticket_criteria_set_team_id (DwTicketCriteria *self,
                                gint64            team_id)
{
  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (self), DW_CRITERIA_CHANGE_NONE);

  return emit (self, put_team_id (self, team_id));
}

gint64
dw_ticket_criteria_get_team_id (DwTicketCriteria *self)
{
  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (self), 0);

  return self->team_id;
}

DwCriteriaChange
dw_ticket_criteria_set_statuses (DwTicketCriteria *self,
                                 guint             mask)
{
  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (self), DW_CRITERIA_CHANGE_NONE);

  return emit (self, put_mask (&self->statuses, mask));
}

guint
dw_ticket_criteria_get_statuses (DwTicketCriteria *self)
{
  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (self), 0);

  return self->statuses;
}

DwCriteriaChange
dw_ticket_criteria_set_priorities (DwTicketCriteria *self,
                                   guint             mask)
{
  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (self), DW_CRITERIA_CHANGE_NONE);

  return emit (self, put_mask (&self->priorities, mask));
}

guint
dw_ticket_criteria_get_priorities (DwTicketCriteria *self)
{
  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (self), 0);

  return self->priorities;
}

DwCriteriaChange
dw_ticket_criteria_set_channels (DwTicketCriteria *self,
                                 guint             mask)
{
  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (self), DW_CRITERIA_CHANGE_NONE);

  return emit (self, put_mask (&self->channels, mask));
}

guint
dw_ticket_criteria_get_channels (DwTicketCriteria *self)
{
  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (self), 0);

  return self->channels;
}

DwCriteriaChange
dw_ticket_criteria_set_sla_states (DwTicketCriteria *self,
                                   guint             mask)
{
  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (self), DW_CRITERIA_CHANGE_NONE);

  return emit (self, put_mask (&self->sla_states, mask));
}

guint
dw_ticket_criteria_get_sla_states (DwTicketCriteria *self)
{
  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (self), 0);

  return self->sla_states;
}

DwCriteriaChange
dw_ticket_criteria_set_assignee (DwTicketCriteria *self,
                                 DwAssigneeMatch   match,
                                 gint64            user_id)
{
  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (self), DW_CRITERIA_CHANGE_NONE);
  g_return_val_if_fail (match <= DW_ASSIGNEE_MATCH_USER, DW_CRITERIA_CHANGE_NONE);

  return emit (self, put_assignee (self, match, user_id));
}

DwAssigneeMatch
dw_ticket_criteria_get_assignee (DwTicketCriteria *self,
                                 gint64           *user_id)
{
  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (self), DW_ASSIGNEE_MATCH_ANY);

  if (user_id != NULL)
    *user_id = self->assignee_id;
  return self->assignee_match;
}

DwCriteriaChange
dw_ticket_criteria_set_text (DwTicketCriteria *self,
                             const char       *text)
{
  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (self), DW_CRITERIA_CHANGE_NONE);

  return emit (self, put_text (self, text));
}

const char *
dw_ticket_criteria_get_text (DwTicketCriteria *self)
{
  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (self), NULL);

  return self->text;
}

void
dw_ticket_criteria_set_customer_name_func (DwTicketCriteria  *self,
                                           DwCustomerNameFunc func,
                                           gpointer           user_data,
                                           GDestroyNotify     notify)
{
  g_return_if_fail (DW_IS_TICKET_CRITERIA (self));

  if (self->customer_name_notify != NULL)
    self->customer_name_notify (self->customer_name_data);
  self->customer_name_func = func;
  self->customer_name_data = user_data;
  self->customer_name_notify = notify;

  if (self->text != NULL)
    emit (self, DW_CRITERIA_CHANGE_DIFFERENT);
}

DwCriteriaChange
dw_ticket_criteria_assign (DwTicketCriteria *self,
                           DwTicketCriteria *other)
{
  DwCriteriaChange change = DW_CRITERIA_CHANGE_NONE;

  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (self), DW_CRITERIA_CHANGE_NONE);
  g_return_val_if_fail (DW_IS_TICKET_CRITERIA (other), DW_CRITERIA_CHANGE_NONE);

  change = combine (change, put_team_id (self, other->team_id));
  change = combine (change, put_mask (&self->statuses, other->statuses));
  change = combine (change, put_mask (&self->priorities, other->priorities));
  change = combine (change, put_mask (&self->channels, other->channels));
  change = combine (change, put_mask (&self->sla_states, other->sla_states));
  change = combine (change, put_assignee (self, other->assignee_match, other->assignee_id));
  change = combine (change, put_text (self, other->text));

  return emit (self, change);
}

DwCriteriaChange
dw_ticket_criteria_reset (DwTicketCriteria *self)
{
  g_autoptr(DwTicketCriteria) empty = dw_ticket_criteria_new ();

  return dw_ticket_criteria_assign (self, empty);
}
