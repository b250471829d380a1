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

/*
 * The events a query count looked at, per slot: a variant's index, or
 * MODEL_SHARED for the events of no variant. IN[V] says the slot is shown
 * (a column of the phase table) even with no events; WHAT names the scope
 * in the table's title ("window", "page load"; NULL: "window"). The
 * arrays are the caller's.
 */
struct report_scope {
	const uint32_t *ev[MODEL_MAX_VARIANTS + 1];
	size_t n[MODEL_MAX_VARIANTS + 1];
	int in[MODEL_MAX_VARIANTS + 1];
	const char *what;
};

/*
 * Explain a query count of slot V of SC with the filters PHASE and SOURCE
 * (NULL: any): when FAILED, "variant V: expected N queries (...), got N"
 * (ACTUAL, or what the filters count in the scope when ACTUAL < 0); the
 * queries counted (phase, caller, time, SQL); when FAILED, the scope in
 * every slot phase by phase and a hint. What `check` prints under a FAIL
 * line and `expect` too.
 */
void report_explain_queries(FILE *out, struct model *m, size_t v, const struct report_scope *sc,
			    const char *phase, const char *source, long expected, long actual, int width,
			    int failed);

/* Expectations that passed and failed in M. */
void report_tally(struct model *m, int *passed, int *failed);

/* A JUnit XML report: the header and <testsuite> of NTESTS cases, then each case, then the end. */
void report_junit_begin(FILE *out, size_t ntests);
/*
 * Append one case (escaped): CLASSNAME ("lvtrace.scenarios"), NAME (the
 * scenario's file), TITLE (the failure's message), FAILURE_TEXT (NULL: it
 * passed).
 */
void report_junit_case(FILE *out, const char *classname, const char *name, const char *title,
		       double seconds, const char *failure_text);
void report_junit_end(FILE *out);

#endif
