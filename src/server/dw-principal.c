#include "dw-principal.h"

static void
dw_principal_clear (gpointer data)
{
  DwPrincipal *self = data;

  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->team_ids, g_array_unref);
  g_clear_pointer (&self->lead_team_ids, g_array_unref);
}

DwPrincipal *
dw_principal_new (gint64      user_id,
                  const char *username,
                  DwRole      role)
{
  DwPrincipal *self = g_atomic_rc_box_new0 (DwPrincipal);

  self->user_id = user_id;
  self->username = g_strdup (username);
  self->role = role;
  self->team_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->lead_team_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  return self;
}

DwPrincipal *
dw_principal_ref (DwPrincipal *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

void
dw_principal_unref (DwPrincipal *self)
{
  g_return_if_fail (self != NULL);
  g_atomic_rc_box_release_full (self, dw_principal_clear);
}

static gboolean
id_array_contains (const GArray *ids,
                   gint64        id)
{
  if (ids == NULL || id <= 0)
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;

  return FALSE;
}

gboolean
dw_principal_in_team (const DwPrincipal *self,
                      gint64             team_id)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return id_array_contains (self->team_ids, team_id)
         || id_array_contains (self->lead_team_ids, team_id);
}

gboolean
dw_principal_leads_team (const DwPrincipal *self,
                         gint64             team_id)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return id_array_contains (self->lead_team_ids, team_id);
}

gboolean
dw_principal_can_see (const DwPrincipal *self,
                      gint64             team_id,
                      gint64             user_id)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->role == DW_ROLE_ADMIN)
    return TRUE;
  if (user_id > 0 && user_id == self->user_id)
    return TRUE;
  if (self->role == DW_ROLE_LEAD && dw_principal_in_team (self, team_id))
    return TRUE;

  return FALSE;
}

static gboolean
same_ids (const GArray *a,
          const GArray *b)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    if (!id_array_contains (b, g_array_index (a, gint64, i)))
      return FALSE;

  return TRUE;
}

gboolean
dw_principal_same_scope (const DwPrincipal *a,
                         const DwPrincipal *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->user_id == b->user_id && a->role == b->role
         && same_ids (a->team_ids, b->team_ids)
         && same_ids (a->lead_team_ids, b->lead_team_ids);
}
