/*
 * libFuzzer harness: lvtrace import's OTLP/JSON reader and its writer
 * (tracer/import_otlp.c). The input is a file of export requests, a line
 * each; what reads is written as a trace with no file (the lines are
 * formatted and counted, not kept). Every error names the file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_otlp.h"
#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024];
	FILE *in = fmemopen((void *)data, size, "r");

	if (!in)
		return 0; /* fmemopen refuses an empty buffer on some libcs */
	struct otlp *o = otlp_read(in, "fuzz.json", err, sizeof(err));
	fclose(in);
	if (!o) {
		if (strncmp(err, "fuzz.json:", 10) != 0)
			abort();
		return 0;
	}
	struct trace *t = trace_open(NULL, "lvtrace import", NULL, err, sizeof(err));
	struct otlp_counts c = {0};
	if (!t)
		abort();
	if (otlp_write(o, t, "fuzz", &c, err, sizeof(err)) == 0 &&
	    c.requests + c.live_views + c.queries + c.others != c.spans)
		abort(); /* every span is one of the four */
	trace_close(t);
	otlp_free(o);
	return 0;
}
