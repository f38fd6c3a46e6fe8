/* dw-comment.h: a comment on a ticket (docs/api.md "Comment"): a public reply or an internal
 * note.  Properties are the wire members in kebab-case; "public" is a property like the others
 * (dw_comment_get_is_public() because public is a C++ keyword some bindings trip over).
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "dw-enums.h"

G_BEGIN_DECLS

#define DW_TYPE_COMMENT (dw_comment_get_type ())
G_DECLARE_FINAL_TYPE (DwComment, dw_comment, DW, COMMENT, GObject)

/* Required: id, ticket_id, author_kind, public, body, created_at; author_id may be null. */
DwComment    *dw_comment_new_from_json   (JsonObject  *object,
                                          GError     **error);
JsonObject   *dw_comment_to_json         (DwComment   *self);

gint64        dw_comment_get_id          (DwComment   *self);
gint64        dw_comment_get_ticket_id   (DwComment   *self);
DwAuthorKind  dw_comment_get_author_kind (DwComment   *self);
gint64        dw_comment_get_author_id   (DwComment   *self);  /* 0: none */
gboolean      dw_comment_get_is_public   (DwComment   *self);
const char   *dw_comment_get_body        (DwComment   *self);
gint64        dw_comment_get_created_at  (DwComment   *self);

G_END_DECLS
