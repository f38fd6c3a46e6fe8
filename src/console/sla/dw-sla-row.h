/* dw-sla-row.h: one row of the SLA board: a target at risk or breached, its countdown, the
 * ticket it belongs to and a menu of lead actions.
 */
#pragma once

#include <gtk/gtk.h>

#include "dw-sla-watch-item.h"

G_BEGIN_DECLS

#define DW_TYPE_SLA_ROW (dw_sla_row_get_type ())
G_DECLARE_FINAL_TYPE (DwSlaRow, dw_sla_row, DW, SLA_ROW, GtkWidget)

typedef struct _DwSlaBoard DwSlaBoard;

GtkWidget      *dw_sla_row_new        (DwSlaBoard     *board);
/* @item may be NULL (an unbound row). */
void            dw_sla_row_set_item   (DwSlaRow       *self,
                                       DwSlaWatchItem *item);
DwSlaWatchItem *dw_sla_row_get_item   (DwSlaRow       *self);
/* What the row says, for tests. */
const char     *dw_sla_row_get_countdown_text (DwSlaRow *self);
const char     *dw_sla_row_get_mode_text      (DwSlaRow *self);
/* Whether the row's menu offers Raise Priority (not on an Urgent ticket). */
gboolean        dw_sla_row_get_offers_raise_priority (DwSlaRow *self);

G_END_DECLS
