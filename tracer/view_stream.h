/*
 * view_stream.h: a trace as it grows, one line per event as it comes (lvtrace
 * live --plain): the variant, the words of its row, and for a query the
 * variant's database hits so far. It prints what the model has loaded
 * since the last call; the model is the only thing it reads.
 */
#ifndef LVTRACE_VIEW_STREAM_H
#define LVTRACE_VIEW_STREAM_H

#include <stdio.h>

#include "model.h"

struct stream_view {
	uint32_t next;				 /* the first event not printed yet */
	uint64_t hits[MODEL_MAX_VARIANTS + 1]; /* per variant; the last: of no variant */
	uint64_t shared;			 /* queries of no variant, counted in every variant */
	int utf8;				 /* the marks as on screen (● ○), else * o */
};

/* Print the events loaded since the last call. Returns 0, or -1 when writing failed. */
int view_stream(FILE *out, struct model *m, struct stream_view *sv);

#endif
