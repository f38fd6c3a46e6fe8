/* dw-customer.h: a customer (docs/api.md "Customer") as a GObject.
 *
 * Properties are the wire members in kebab-case and notify only on change, as in dw-ticket.h.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DW_TYPE_CUSTOMER (dw_customer_get_type ())
G_DECLARE_FINAL_TYPE (DwCustomer, dw_customer, DW, CUSTOMER, GObject)

/* Required: id, name, created_at.  Unknown members are ignored. */
DwCustomer  *dw_customer_new_from_json   (JsonObject  *object,
                                          GError     **error);
JsonObject  *dw_customer_to_json         (DwCustomer  *self);
gboolean     dw_customer_update_from_json (DwCustomer *self,
                                           JsonObject *object,
                                           GError    **error);

gint64       dw_customer_get_id          (DwCustomer  *self);
const char  *dw_customer_get_name        (DwCustomer  *self);
const char  *dw_customer_get_email       (DwCustomer  *self);  /* NULL: none */
const char  *dw_customer_get_phone       (DwCustomer  *self);  /* NULL: none */
const char * const *dw_customer_get_tags (DwCustomer  *self);  /* never NULL once read */
gint64       dw_customer_get_created_at  (DwCustomer  *self);
/* Tagged "vip" (any case); also the read-only property "is-vip". */
gboolean     dw_customer_is_vip          (DwCustomer  *self);

G_END_DECLS
