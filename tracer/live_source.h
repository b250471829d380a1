/*
 * live_source.h: a trace as it happens, for lvtrace live: lvdemo's feed
 * (ws://HOST:PORT/trace) or a growing trace file, read on a thread of its
 * own and handed on as one continuous trace through a pipe the model reads.
 * When lvdemo restarts (or the file is started again) the new trace goes
 * on after the old one: seq and t_us keep growing, the second trace.start
 * is left out, and the status says so. What it hands on can also be
 * recorded into a file that lvtrace replay opens later.
 */
#ifndef LVTRACE_LIVE_SOURCE_H
#define LVTRACE_LIVE_SOURCE_H

#include <stddef.h>

enum live_state {
	LIVE_CONNECTING,   /* no feed yet */
	LIVE_CONNECTED,	   /* reading lvdemo's feed */
	LIVE_RECONNECTING, /* the feed closed or could not be opened: trying again */
	LIVE_FOLLOWING,	   /* reading a file as it grows */
	LIVE_ENDED,	   /* stopped, or the record could not be written */
};

struct live_status {
	enum live_state state;
	unsigned restarts;	 /* new traces after the first (lvdemo restarted, file truncated) */
	unsigned long lines;	 /* handed on */
	unsigned long dropped;	 /* lines lvdemo's feed said this subscriber lost */
	unsigned long reconnects;
	int refused;	  /* lvdemo answered the feed's upgrade with a refusal (400/403): no retry */
	char detail[512]; /* why it is reconnecting, or what failed */
};

struct live_source;

/*
 * Start reading URL's feed ("http://127.0.0.1:4000"), or the file PATH when
 * FOLLOW is set. RECORD (may be NULL) is a file the handed-on trace is
 * written to as well. Returns the source, or NULL with ERR.
 */
struct live_source *live_source_start(const char *where, int follow, const char *record, char *err,
				      size_t errlen);
/* The pipe's read end, the trace text; the caller takes it (and closes it). */
int live_source_take_fd(struct live_source *s);
/* What it is doing now (any thread). */
void live_source_status(struct live_source *s, struct live_status *out);
/*
 * Stop reading and free S. Returns 0, or -1 when the record could not be
 * written whole (ERR says why).
 */
int live_source_stop(struct live_source *s, char *err, size_t errlen);

/*
 * The rules of live_source on one line, for tests and for both readers:
 * LINE (LEN bytes, JSON, no newline) becomes the line to hand on, in OUT
 * (*OUTLEN bytes, a newline at the end; the caller frees it), or is left
 * out (returns 0, *OUT NULL: a repeated trace.start, a held trace.stop, a
 * feed.dropped note counted in STATUS). Returns 1 when there is a line, 0
 * when there is none, -1 when LINE is not a JSON object.
 */
struct live_norm {
	long seq;	  /* the last seq handed on */
	long long off_us; /* added to t_us: where the current trace starts in the continuous one */
	long long last_us;
	double clock_us, pid; /* of the current trace.start */
	int started;
	char *held_stop; /* a trace.stop kept back: it ends the record if nothing follows */
};
int live_norm_line(struct live_norm *n, struct live_status *status, const char *line, size_t len,
		   char **out, size_t *outlen);
void live_norm_release(struct live_norm *n);

#endif
