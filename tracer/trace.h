/*
 * trace.h: the lvtrace trace format, version 1 (JSON Lines).
 *
 * One library, linked into lvdemo (which writes traces) and lvtrace (which
 * reads them). docs/trace-format.md describes the format; this header is the
 * only place that knows how a line is laid out.
 */
#ifndef LVTRACE_TRACE_H
#define LVTRACE_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cJSON.h>

#define TRACE_FORMAT "lvtrace"
#define TRACE_VERSION 1
#define TRACE_MAX_DEPTH 16
#define TRACE_PHASE_MAX 192

/* ---------------------------------------------------------------- writing */

/*
 * Where an event happens: the HTTP request or socket it belongs to, the
 * variant being served (NULL when none) and the stack of enclosing phases.
 * The owner (a request, a socket) embeds one and makes it current with
 * trace_set_context() while it runs code that may emit events.
 */
struct trace_span {
	char phase[TRACE_PHASE_MAX]; /* full phase, e.g. "mount:dead:MissionLive" */
	char event[48];		     /* span prefix, e.g. "plug" */
	uint64_t start_us;
};

struct trace_context {
	char conn[32];
	char variant[32];
	int depth;
	struct trace_span span[TRACE_MAX_DEPTH];
};

struct trace;

/*
 * Open a trace at PATH ("-" means stdout) and write its trace.start line
 * with the given app name and the extra fields in START_FIELDS (consumed,
 * may be NULL). Returns NULL with a message in ERR on failure.
 */
struct trace *trace_open(const char *path, const char *app, cJSON *start_fields,
			 char *err, size_t errlen);

/* Flush and close. NULL is accepted. */
void trace_close(struct trace *t);

/* Microseconds on a monotonic clock (not relative to any trace). */
uint64_t trace_clock_us(void);

/* Microseconds since T was opened. */
uint64_t trace_elapsed_us(const struct trace *t);

/* Make CTX (owned by the caller, may be NULL) the context of later events. */
void trace_set_context(struct trace *t, struct trace_context *ctx);
struct trace_context *trace_get_context(struct trace *t);

/* Reset CTX for a new connection id, e.g. trace_context_init(c, "http", 7). */
void trace_context_init(struct trace_context *ctx, const char *kind, unsigned long id);

/* The innermost phase of the current context, or "startup" outside any. */
const char *trace_current_phase(const struct trace *t);

/*
 * Emit one event. FIELDS (consumed, may be NULL) holds the event's own
 * members; the line gets seq, t_us, event, conn and variant first, in that
 * order. Written with one fwrite and flushed, so a crash leaves whole lines.
 * Returns 0, or -1 when the trace cannot be written (T may be NULL: no-op).
 */
int trace_emit(struct trace *t, const char *event, cJSON *fields);

/*
 * Open a span: emit "<prefix>.start" with FIELDS (consumed) plus the phase,
 * and push PHASE, composed with the enclosing one as "outer/PHASE" when the
 * context already has a phase. Returns -1 when the stack is full.
 */
int trace_span_start(struct trace *t, const char *prefix, const char *phase, cJSON *fields);

/* Close the innermost span: emit "<prefix>.stop" with duration_us and FIELDS. */
int trace_span_stop(struct trace *t, cJSON *fields);

/* ---------------------------------------------------------------- reading */

/* One parsed line of a trace. */
struct trace_event {
	cJSON *json;	   /* the whole object, owned by the event */
	long seq;
	long long t_us;
	const char *event; /* points into json */
	const char *conn;
	const char *variant; /* NULL when absent */
	const char *phase;   /* NULL when absent */
};

struct trace_reader;

/* Open a trace for reading ("-" is stdin). NULL with a message on failure. */
struct trace_reader *trace_reader_open(const char *path, char *err, size_t errlen);
void trace_reader_close(struct trace_reader *r);

/*
 * Read the next event into EV (release it with trace_event_release).
 * Returns 1 when an event was read, 0 at the end, -1 on a malformed line
 * with "FILE:LINE:COLUMN: reason" in ERR. The first line must be trace.start
 * of a version this library reads; seq must increase strictly.
 */
int trace_reader_next(struct trace_reader *r, struct trace_event *ev, char *err, size_t errlen);
void trace_event_release(struct trace_event *ev);

/* EV's member KEY as a string (NULL when absent or not a string), or a number (0 when not). */
const char *trace_event_string(const struct trace_event *ev, const char *key);
double trace_event_number(const struct trace_event *ev, const char *key);

/*
 * Parse one line (LEN bytes, no newline needed) into EV. Checks the members
 * every line has. Returns 0, or -1 with "COLUMN: reason" style text in ERR.
 */
int trace_event_parse(const char *line, size_t len, struct trace_event *ev, char *err,
		      size_t errlen);

#endif
