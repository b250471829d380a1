/*
 * expect.h: a scenario's expectations, checked. Each check is a pure
 * function of the expect step, a window of one variant's trace events (from
 * the last mark to the step) and what that variant's browser saw; running
 * the scenario is the runner's, explaining a failure the report's.
 */
#ifndef LVTRACE_EXPECT_H
#define LVTRACE_EXPECT_H

#include <stddef.h>

#include "scenario.h"
#include "trace.h"

/* What a browser saw that the trace does not say. */
struct expect_seen {
	int status;	      /* the first response of the last action's last request */
	const char *location; /* its Location as a path, or NULL */
	const char *join;     /* the result of the last root join: "ok", "stale", ...; "" when none */
};

/* The outcome of one expect step in one variant. */
struct expect_result {
	int checked; /* 0: skipped (e.g. assign_new in a variant without it) */
	int passed;
	long expected;
	long actual;
	char what[256];	     /* "3 queries", "status 302", "join ok" ... */
	size_t *matched;     /* for queries: indexes of the matching events (owned) */
	size_t nmatched;
	size_t window_begin; /* the events the expectation looked at */
	size_t window_end;
};

/*
 * Check ST (an expect step) for VARIANT against EVENTS[BEGIN, END) and
 * SEEN, into R (release with expect_result_release). Returns 0, or -1 when
 * memory runs out.
 */
int expect_check(const struct step *st, const char *variant, const struct trace_event *events,
		 size_t begin, size_t end, const struct expect_seen *seen, struct expect_result *r);
void expect_result_release(struct expect_result *r);

/* 1 when EV is a repo.query that ST (an expect queries step) counts. */
int expect_counts_query(const struct step *st, const struct trace_event *ev);

#endif
