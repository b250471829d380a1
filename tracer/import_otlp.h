/*
 * import_otlp.h: OpenTelemetry trace data (OTLP/JSON, as the Collector's
 * file exporter writes it: an ExportTraceServiceRequest object per line)
 * read into spans, and written as an lvtrace trace through the trace
 * library: the HTTP server spans as page loads, opentelemetry_phoenix's
 * LiveView spans as LiveView events, opentelemetry_ecto's database spans
 * as queries with the phase their place in the span tree gives them. The
 * command line and the whole-file output are cmd_import.c's.
 */
#ifndef LVTRACE_IMPORT_OTLP_H
#define LVTRACE_IMPORT_OTLP_H

#include <stddef.h>
#include <stdio.h>

#include "trace.h"

/* Limits on what one import reads: a bad file is refused, not allocated for. */
#define OTLP_LINE_MAX (64 * 1024 * 1024)
#define OTLP_SPANS_MAX 2000000

struct otlp;

/*
 * Read every line of IN (NAME in messages). Returns the spans, or NULL
 * with ERR: "NAME:LINE[:COLUMN]: reason" for a line that is not JSON or not
 * OTLP trace data, or a limit passed.
 */
struct otlp *otlp_read(FILE *in, const char *name, char *err, size_t errlen);
void otlp_free(struct otlp *o);

/* What otlp_write wrote. */
struct otlp_counts {
	size_t spans, requests, live_views, queries, others;
};

/*
 * Write O's spans as events of T (opened by the caller: its trace.start is
 * written), in time order, each with VARIANT (NULL: none), then a
 * trace.stop. The walk notes each span's conn and phase in O: write it
 * once. Returns 0, or -1 with ERR when T cannot be written.
 */
int otlp_write(struct otlp *o, struct trace *t, const char *variant, struct otlp_counts *c,
	       char *err, size_t errlen);

#endif
