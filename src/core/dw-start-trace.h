/* dw-start-trace.h: where the console's start-up goes, phase by phase.
 *
 * DW_TRACE_START=1 prints one line on stderr per phase, in milliseconds since the first mark
 * (made when the application object is created, i.e. right after main()).  Off, a mark costs
 * one branch.  Only for finding what to make faster: nothing depends on it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean dw_start_trace_enabled (void);
void     dw_start_trace         (const char *phase);

G_END_DECLS
