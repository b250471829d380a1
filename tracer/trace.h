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

#include "trace_events.h"

#define TRACE_FORMAT "lvtrace"
#define TRACE_VERSION 1
#define TRACE_MAX_DEPTH 16
#define TRACE_PHASE_MAX 192
/* A longer line is reported as an error rather than buffered without bound. */
#define TRACE_LINE_MAX (1024 * 1024)

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

/*
 * What the events emitted in a context recorded, counted as they are
 * emitted: the database hits by group (from each repo.query's phase), the
 * assign lines (a query each: assign always loads) and the assign_new
 * decisions by where the value came from (their "from" and "connected"
 * members; TF_FUNCTION: the function ran, its query is one of the hits).
 * lvdemo's pages show these; they cannot differ from the trace, being
 * counted from its lines.
 */
struct trace_tally {
	uint32_t queries[TG_COUNT];
	uint32_t assign[TG_COUNT];
	uint32_t assign_new[TG_COUNT][TF_COUNT];
};

struct trace_context {
	char conn[32];
	char variant[32];
	int depth;
	struct trace_span span[TRACE_MAX_DEPTH];
	struct trace_tally tally; /* since trace_context_init */
};

struct trace;

/*
 * Open a trace at PATH ("-" means stdout; NULL: no file at all, lines are
 * formatted only while a tap listens) and write its trace.start line with
 * the given app name and the extra fields in START_FIELDS (consumed, may be
 * NULL). Returns NULL with a message in ERR on failure.
 */
struct trace *trace_open(const char *path, const char *app, cJSON *start_fields,
			 char *err, size_t errlen);

/*
 * Batching on: lines wait in a buffer until trace_flush (or until it holds
 * 64 KiB), then go out in one write, whole lines or none. lvdemo flushes at
 * the end of every event-loop callback, so that a request's lines are in
 * the file before its answer is sent. Off (the default): each line is
 * written as it is emitted. Turning it off flushes.
 */
void trace_set_batching(struct trace *t, int on);
/* Write what the batch holds. 0, or -1 when it could not be (its events counted as lost). */
int trace_flush(struct trace *t);

/*
 * Flush and close. NULL is accepted. Returns 0, or -1 when any line could
 * not be written (or the final flush or close failed): errno tells why.
 */
int trace_close(struct trace *t);

/* 1 once a line could not be written (the trace is then a prefix), else 0. */
int trace_failed(const struct trace *t);

/* Microseconds on a monotonic clock (not relative to any trace). */
uint64_t trace_clock_us(void);

/* Microseconds since T was opened. */
uint64_t trace_elapsed_us(const struct trace *t);

/* Make CTX (owned by the caller, may be NULL) the context of later events. */
/*
 * A tap sees every line as it is written (LINE, LEN bytes, the newline
 * included; not NUL-terminated), the trace.start before it was set
 * excepted: trace_head gives that one. It must not emit. NULL TAP removes it.
 */
typedef void (*trace_tap_fn)(void *arg, const char *line, size_t len);
void trace_set_tap(struct trace *t, trace_tap_fn tap, void *arg);
/* The trace.start line as written (*LEN bytes, newline included), or NULL. */
const char *trace_head(const struct trace *t, size_t *len);

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
 * Emit one event with its time, conn and variant (NULL: none) given, not
 * taken from the context: for a trace made of other traces' events (the
 * merged trace of `lvtrace run`). seq is still the writer's own.
 */
int trace_emit_at(struct trace *t, uint64_t t_us, const char *event, const char *conn,
		  const char *variant, cJSON *fields);

/*
 * Emit a copy of EV, an event read from another trace, at T_US for VARIANT:
 * its own members as they are, seq the writer's with EV's kept in src_seq,
 * conn prefixed by the variant ("assign/http:3"; a conn prefixed already,
 * from a merged trace, has its prefix replaced) and src_variant EV's
 * variant when it had another. EV is not changed. The
 * merged traces of `lvtrace run` and `lvtrace merge` are written with it.
 * Returns as trace_emit.
 */
struct trace_event;
int trace_emit_copy(struct trace *t, uint64_t t_us, const struct trace_event *ev,
		    const char *variant);

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

/*
 * An incremental reader of trace text: feed it bytes as they arrive (a file
 * read in chunks, a trace another process is writing, a socket) and take
 * whole events out. It checks what every line must have, that the first
 * line is a trace.start of a version this library reads, and that seq
 * increases; what the events mean is left to the caller. The file reader,
 * the runner's tail of each lvdemo trace and live mode all use it.
 */
struct trace_scanner {
	char *name; /* for messages: the file name */
	char *buf;
	size_t len, cap, pos;
	long lineno;   /* lines consumed so far */
	long last_seq;
	int started; /* the trace.start line was seen */
};

/* Returns 0, or -1 when out of memory. */
int trace_scanner_init(struct trace_scanner *s, const char *name);
void trace_scanner_release(struct trace_scanner *s);

/* Append N bytes. Returns 0, or -1 with ERR when a line grows past TRACE_LINE_MAX or memory runs out. */
int trace_scanner_feed(struct trace_scanner *s, const void *data, size_t n, char *err, size_t errlen);

/*
 * The next whole line's event into EV (release with trace_event_release).
 * Returns 1 with an event, 0 when no whole line is buffered, -1 on a bad
 * line with "NAME:LINE:COLUMN: reason" in ERR (the line is consumed).
 */
int trace_scanner_next(struct trace_scanner *s, struct trace_event *ev, char *err, size_t errlen);

/*
 * At the end of the input: the last line when it has no newline (1), the
 * end (0), or -1: a bad last line, or no trace.start at all ("empty trace").
 */
int trace_scanner_finish(struct trace_scanner *s, struct trace_event *ev, char *err,
			 size_t errlen);

/*
 * The same checks on one line the caller split itself (LEN bytes, no
 * newline), counted as the scanner's next line: for loaders that read a
 * mapped file. Blank lines give 0 (no event); else as trace_scanner_next.
 */
int trace_scanner_line(struct trace_scanner *s, const char *line, size_t len,
		       struct trace_event *ev, char *err, size_t errlen);

/*
 * The members every line has, as a caller's own parser found them (the
 * model reads most lines with simdjson): whether each is present, the two
 * numbers, the two strings (NULL when absent or not strings).
 */
struct trace_members {
	int has_seq, has_t_us, has_event, has_conn;
	int seq_is_number, t_us_is_number;
	double seq, t_us;
	const char *event, *conn;
};

/*
 * The checks of trace_event_parse and of the order of lines for a line the
 * caller parsed itself, counted as the scanner's next line (the header must
 * have come through trace_scanner_line). Returns 1, or -1 with
 * "NAME:LINE:COLUMN: reason" in ERR.
 */
int trace_scanner_members(struct trace_scanner *s, const struct trace_members *mb, char *err,
			  size_t errlen);

/* The same rules for one line alone: 0, or -1 with "COLUMN: reason" in ERR. */
int trace_members_check(const struct trace_members *mb, char *err, size_t errlen);

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
