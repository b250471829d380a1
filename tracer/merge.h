/*
 * merge.h: several traces as one, page load beside page load (`lvtrace
 * merge`, and `replay`, `report` and `export` of several traces): each
 * trace is a column, page load k of each is step k. The model reads the
 * result like any trace.
 */
#ifndef LVTRACE_MERGE_H
#define LVTRACE_MERGE_H

#include <stddef.h>

/* The tracer shows up to this many columns side by side. */
#define MERGE_MAX_TRACES 4

/*
 * Read the N traces at PATHS with the trace library's reader and write at
 * OUT ("-": stdout) one merged trace: a column per trace, named NAMES[i]
 * when NAMES (may be NULL, or hold NULLs) gives it, else the variant its
 * page loads carry, else (no variant, or a name taken already) the file's
 * base name without .jsonl; step k holds page load k of each column (a
 * request that is not an asset, and what follows it on that variant up to
 * the next: its socket's join and connected mount), after a scenario.step
 * labelled "GET /path", the path without its variant's prefix. What is of
 * no page load (start-up, the log-in page of lvdemo, which has no variant)
 * is left out. Returns 0, or -1 with ERR: a file that cannot be read
 * ("FILE:LINE:COLUMN: reason" for a bad line), a trace with the page loads
 * of several variants, more than MERGE_MAX_TRACES or fewer than 1 traces,
 * two columns of one name, an output that cannot be written.
 */
int merge_traces(const char *const *paths, size_t n, const char *const *names, const char *out,
		 char *err, size_t errlen);

#endif
