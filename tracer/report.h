/*
 * report.h: the explanation of each failed expectation of a run, for
 * `lvtrace check` and `lvtrace run` (queries, the other variants phase by
 * phase, a hint, the replay command), and JUnit. The run's summary is a
 * view of the model (view_summary.h).
 */
#ifndef LVTRACE_REPORT_H
#define LVTRACE_REPORT_H

#include <stdio.h>

#include "runner.h"

/* The width to lay text out in: the terminal's, $COLUMNS, or 100. */
int report_width(FILE *out);

/*
 * Explain every failed expectation and every step that could not run.
 * VERBOSE lists the queries of passing expectations too. Returns the number
 * of failures explained.
 */
int report_failures(FILE *out, const struct run *run, int width, int verbose);

/* Append one scenario's result to a JUnit XML testcase list (escaped). */
void report_junit_case(FILE *out, const struct run *run, double seconds, const char *failure_text);

#endif
