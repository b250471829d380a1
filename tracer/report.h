/*
 * report.h: the explanation of each failed expectation of a run, read from
 * the model of its merged trace, for `lvtrace check` and `lvtrace run`
 * (the queries it counted, the same window in every variant phase by
 * phase, a hint, the replay command), the tally, and JUnit. The summary is
 * view_summary.h's.
 */
#ifndef LVTRACE_REPORT_H
#define LVTRACE_REPORT_H

#include <stdio.h>

#include "model.h"

/* The width to lay text out in: $COLUMNS, else OUT's terminal's, else 100 (40 to 1000). */
int report_width(FILE *out);
/* A width as written (40 to 1000), or -1. */
int report_width_parse(const char *s);

/*
 * Explain every failed expectation and every step that could not run in
 * the (loaded) model M. VERBOSE lists the queries of passing count
 * expectations too. Returns the number of failures explained.
 */
int report_failures(FILE *out, struct model *m, int width, int verbose);

/* Expectations that passed and failed in M. */
void report_tally(struct model *m, int *passed, int *failed);

/* Append one scenario's result to a JUnit XML testcase list (escaped). */
void report_junit_case(FILE *out, const char *path, const char *title, double seconds,
		       const char *failure_text);

#endif
