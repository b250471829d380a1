/*
 * view_export.h: the model written for other tools: Chrome's trace event
 * JSON (Perfetto, chrome://tracing), one CSV row per query, and a
 * self-contained HTML report. Each reads the loaded model only, as every
 * view does: nothing here parses the trace or counts on its own.
 */
#ifndef LVTRACE_VIEW_EXPORT_H
#define LVTRACE_VIEW_EXPORT_H

#include <stdio.h>

#include "model.h"

/*
 * Chrome trace event JSON: a process per variant, a thread per HTTP
 * request or socket, complete ("X") events for the lifecycle's spans and
 * its queries, nested and sorted, a counter of database hits per variant,
 * and the scenario's steps and marks as instant events. Returns 0, or -1
 * when writing failed (errno says why) or memory ran out (errno ENOMEM).
 */
int view_perfetto(FILE *out, struct model *m);

/* One row per query, RFC 4180: variant,step,phase,source,sql,total_us. Returns 0 or -1 as above. */
int view_csv(FILE *out, struct model *m);

/*
 * One HTML page that needs nothing else (no script, no network, no other
 * file): the title, the steps with their notes, the side-by-side rows of
 * the model's columns, and an SVG chart of the queries by phase per
 * variant; a print stylesheet. Every text from the trace is escaped.
 * Returns 0 or -1 as above.
 */
int view_html(FILE *out, struct model *m);

#endif
