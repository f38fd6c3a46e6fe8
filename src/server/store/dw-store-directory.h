/* dw-store-directory.h: the named operations on the desk's people and teams that the ticket
 * paths need (the rest of dw-desk-people.c moves here with its own step of issue 14). */
#pragma once

#include "store/dw-store-backend.h"

G_BEGIN_DECLS

typedef enum
{
  DW_STORE_ENTITY_TEAM,
  DW_STORE_ENTITY_USER,
  DW_STORE_ENTITY_CUSTOMER,
  DW_STORE_ENTITY_CALENDAR,
} DwStoreEntity;

struct _DwStoreDirectoryOps
{
  gboolean (*exists)                 (DwStore        *store,
                                      DwStoreEntity   entity,
                                      gint64          id);
  gboolean (*user_get_disabled)      (DwStore        *store,
                                      gint64          user_id,
                                      gboolean       *disabled,
                                      GError        **error);
  gboolean (*user_set_last_assigned) (DwStore        *store,
                                      gint64          user_id,
                                      gint64          at,
                                      GError        **error);
};

/* TRUE when a team / user / customer / calendar with @id exists (FALSE for id ≤ 0, or on an error). */
static inline gboolean
dw_store_entity_exists (DwStore       *store,
                        DwStoreEntity  entity,
                        gint64         id)
{
  return store->backend->directory->exists (store, entity, id);
}

/* Whether user @user_id is disabled; DW_STORE_ERROR_NOT_FOUND for an unknown user. */
static inline gboolean
dw_store_user_get_disabled (DwStore   *store,
                            gint64     user_id,
                            gboolean  *disabled,
                            GError   **error)
{
  return store->backend->directory->user_get_disabled (store, user_id, disabled, error);
}

/* When @user_id last got a ticket (routing's round robin reads it). */
static inline gboolean
dw_store_user_set_last_assigned (DwStore  *store,
                                 gint64    user_id,
                                 gint64    at,
                                 GError  **error)
{
  return store->backend->directory->user_set_last_assigned (store, user_id, at, error);
}

G_END_DECLS
