/*
 * runner.h: runs a scenario against one lvdemo per variant, in parallel,
 * driving each over real HTTP and WebSocket as a browser would, reading
 * each lvdemo's trace as it grows, and checking the expectations. The
 * report (text, JUnit) is report.c's; the scenario language scenario.c's.
 */
#ifndef LVTRACE_RUNNER_H
#define LVTRACE_RUNNER_H

#include <stddef.h>
#include <sys/types.h>

#include "scenario.h"
#include "trace.h"

#define RUNNER_STEP_TIMEOUT_MS 5000

/* The outcome of one expect step in one variant. */
struct expect_result {
	int checked; /* 0: skipped (e.g. assign_new in a variant without it) */
	int passed;
	long expected;
	long actual;
	char what[256];	     /* "3 queries", "status 302", "join ok" ... */
	size_t *matched;     /* for queries: indexes of the matching events */
	size_t nmatched;
	size_t window_begin; /* the events the expectation looked at */
	size_t window_end;
};

struct variant_run {
	const char *variant;
	char url[256];
	pid_t pid;
	char db_path[512];
	char trace_path[512];

	/* the variant's trace, read as it grows */
	struct trace_event *events;
	size_t nevents;
	size_t cap;
	long long clock_us; /* its t_us 0 on the monotonic clock */

	size_t *step_begin; /* per step: first event index */
	size_t *step_end;   /* per step: one past the last */
	struct expect_result *results; /* per step */

	char error[1024]; /* a step that could not run */
	int error_step;	 /* its index, -1 when none */
};

struct run {
	const struct scenario *sc;
	struct variant_run *v;
	size_t nv;
	long long start_us; /* the run's t_us 0, monotonic */
	char tmpdir[256];
};

/*
 * Run SC with LVDEMO (path of the binary). Returns 0 when every step ran
 * (expectations may still have failed: see run->v[i].results), or -1 when
 * something stopped the run, with ERR. Every lvdemo started is stopped
 * before this returns, also on error.
 */
int runner_run(const struct scenario *sc, const char *lvdemo, struct run *run, char *err,
	       size_t errlen);
void runner_release(struct run *run);

/* Counts of expectations: checked ones that passed and failed. */
void runner_tally(const struct run *run, int *passed, int *failed);

/*
 * Write the merged trace: every variant's events with variant, a conn
 * prefixed by the variant, seq renumbered (src_seq keeps lvdemo's) and
 * t_us rebased to the run's start, grouped by step, with scenario.step,
 * scenario.mark, scenario.note and scenario.expect events. Returns 0 or -1.
 */
int runner_write_trace(const struct run *run, const char *path, char *err, size_t errlen);

/* Stop every lvdemo of the runs in progress (for a signal handler's exit path). */
void runner_kill_all(void);

#endif
