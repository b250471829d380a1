/*
 * runner.h: runs a scenario against one lvdemo per variant, in parallel,
 * driving each over real HTTP and WebSocket as a browser would
 * (run_browser.c), reading each lvdemo's trace as it grows (run_proc.c),
 * checking the expectations (expect.c) and writing one merged trace
 * (run_merge.c). What is shown of a run is read back from that trace by the
 * model; the scenario language is scenario.c's.
 */
#ifndef LVTRACE_RUNNER_H
#define LVTRACE_RUNNER_H

#include <stddef.h>
#include <sys/types.h>

#include "expect.h"
#include "run_browser.h"
#include "scenario.h"
#include "trace.h"


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

/*
 * Write the merged trace at PATH ("-" for stdout) through the trace
 * library: every variant's events with variant, a conn prefixed by the
 * variant, seq renumbered (src_seq keeps lvdemo's) and t_us rebased to the
 * run's start, grouped by step, with scenario.step, scenario.mark,
 * scenario.note, scenario.expect, scenario.error and scenario.end events
 * (docs/trace-format.md). Returns 0, or -1 with ERR.
 */
int runner_write_trace(const struct run *run, const char *path, char *err, size_t errlen);

/*
 * Make the runs in progress stop soon: every lvdemo gets SIGTERM and the
 * remaining steps fail as "interrupted". For a signal-watching thread, not
 * a signal handler (it takes a lock).
 */
void runner_stop(void);

#endif
