/*
 * view_plain.h: the side-by-side view as plain text: every step with its
 * note, its rows in one column per variant, its database hits by phase,
 * and a total per mark. For CI logs, docs, screen readers and golden
 * files: without timings the output depends only on the trace.
 */
#ifndef LVTRACE_VIEW_PLAIN_H
#define LVTRACE_VIEW_PLAIN_H

#include <stdio.h>

#include "model.h"

struct plain_options {
	int width; /* columns of the output, at least 40 */
	int times; /* show durations */
	int color; /* ANSI colours */
	int utf8;  /* UTF-8 marks and rules (else ASCII) */
};

/* Print the whole (loaded) model. Returns 0, or -1 when writing failed. */
int view_plain(FILE *out, struct model *m, const struct plain_options *o);

#endif
