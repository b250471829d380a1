/*
 * run_proc.h: the processes of a scenario run and the traces they write.
 * Starts and stops one lvdemo per variant (temporary database, free
 * loopback port, bcrypt cost 4), and follows each one's trace as it grows
 * (inotify, no polling) through the trace library's incremental scanner.
 */
#ifndef LVTRACE_RUN_PROC_H
#define LVTRACE_RUN_PROC_H

#include <stddef.h>

#include "runner.h"

/* Microseconds on the monotonic clock. */
long long run_now_us(void);

/*
 * Start lvdemo (the binary at LVDEMO) for V, with its database, trace and
 * stderr in DIR; wait for its "listening on" line (10 s at most) and set
 * V's url. Returns 0, or -1 with ERR (the process, if any, is left for
 * lvdemo_stop).
 */
int lvdemo_start(struct variant_run *v, const char *lvdemo, const char *dir, char *err,
		 size_t errlen);

/* Stop V's lvdemo (SIGTERM, then wait): its exit status, 128+N for signal N, 0 when none ran. */
int lvdemo_stop(struct variant_run *v);

/* SIGTERM to every lvdemo started and not yet stopped. Takes a lock: not for signal handlers. */
void lvdemo_stop_all(void);

/* A trace being written by another process, read as it grows. */
struct tail {
	int fd;
	int inotify;
	struct trace_scanner scan;
};

/* Returns 0, or -1 with ERR. T is closable with tail_close either way. */
int tail_open(struct tail *t, const char *path, char *err, size_t errlen);
void tail_close(struct tail *t);

/* Append every whole line there is now to V's events. 0, or -1 with ERR on a bad line. */
int tail_read(struct variant_run *v, struct tail *t, char *err, size_t errlen);

/*
 * Read until EVENT appears WANT times in V's events from index SINCE, or
 * DEADLINE (run_now_us) passes. 0, or -1 with ERR.
 */
int tail_wait(struct variant_run *v, struct tail *t, size_t since, const char *event, size_t want,
	      long long deadline, char *err, size_t errlen);

#endif
