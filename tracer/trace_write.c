/*
 * trace_write.c: writes trace events as JSON Lines with cJSON.
 *
 * Each event is one line, written with write(2) whole or not at all, so a
 * crash or a full disk leaves a valid prefix: a line that could not be
 * written whole is cut back off a file (or, on a pipe, the next line starts
 * on a line of its own), the failure is said once on stderr, and when
 * writing works again a trace.gap line says how many events were lost.
 * Batched (trace_set_batching), the lines gather in a buffer written by
 * trace_flush, whole lines at once, with the same promise. Not thread-safe:
 * one thread (lvdemo's event loop) emits. What an event means is left to
 * the programs that emit it.
 */
#include "trace.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* a batch is written when it grows past this, whatever the caller's flushes */
#define BATCH_FLUSH_BYTES (64 * 1024)

struct trace {
	FILE *fp; /* NULL: no file (lines are formatted only for a tap) */
	int owns_fp;
	long seq;
	uint64_t start_us;
	struct trace_context *ctx;
	int failed;
	int fd;		    /* the trace's, written with write(2) */
	off_t good;	    /* a file: where the last whole line ends; -1 on a pipe */
	int torn;	    /* a pipe: a line went out in part, the next starts a new line */
	unsigned long lost; /* events not written since the last trace.gap */
	int err; /* errno of the first failure */
	char *path;
	char *head;	  /* the trace.start line, newline included, for a tap's late subscribers */
	size_t head_len;
	trace_tap_fn tap; /* each line as written, to the live feed */
	void *tap_arg;
	int batching;	    /* lines wait in batch for trace_flush */
	char *batch;	    /* whole lines, not yet written */
	size_t batch_len, batch_cap;
	unsigned long batch_events; /* lines in batch, a trace.gap line not counted */
	int batch_has_gap;	    /* batch starts with the trace.gap line of lost */
	char *scratch;		    /* a line being formatted */
	size_t scratch_cap;
};

uint64_t trace_clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t trace_elapsed_us(const struct trace *t)
{
	return t ? trace_clock_us() - t->start_us : 0;
}

struct trace *trace_open(const char *path, const char *app, cJSON *start_fields, char *err,
			 size_t errlen)
{
	struct trace *t = calloc(1, sizeof(*t));

	if (!t) {
		snprintf(err, errlen, "cannot open trace: out of memory");
		cJSON_Delete(start_fields);
		return NULL;
	}
	if (!path) {
		t->fp = NULL;
	} else if (strcmp(path, "-") == 0) {
		t->fp = stdout;
	} else {
		t->fp = fopen(path, "w");
		t->owns_fp = 1;
		if (!t->fp) {
			snprintf(err, errlen, "cannot open trace '%s': %s", path, strerror(errno));
			cJSON_Delete(start_fields);
			free(t);
			return NULL;
		}
	}
	t->start_us = trace_clock_us();
	t->fd = t->fp ? fileno(t->fp) : -1;
	t->path = path ? strdup(path) : NULL;
	struct stat sb;
	t->good = t->fd >= 0 && fstat(t->fd, &sb) == 0 && S_ISREG(sb.st_mode) ? lseek(t->fd, 0, SEEK_CUR)
									     : -1;

	cJSON *f = start_fields ? start_fields : cJSON_CreateObject();
	cJSON *head = cJSON_CreateObject();
	cJSON_AddStringToObject(head, "format", TRACE_FORMAT);
	cJSON_AddNumberToObject(head, "version", TRACE_VERSION);
	cJSON_AddStringToObject(head, "app", app);
	/* t_us 0 on the system-wide monotonic clock: lets a reader line up
	 * several traces of one machine (lvtrace run merges them) */
	cJSON_AddNumberToObject(head, "clock_us", (double)t->start_us);
	/* head's members go first, then the caller's */
	while (f && f->child) {
		cJSON *item = cJSON_DetachItemViaPointer(f, f->child);
		cJSON_AddItemToObject(head, item->string, item);
	}
	cJSON_Delete(f);
	if (trace_emit(t, TRACE_EV_TRACE_START, head) < 0) {
		snprintf(err, errlen, "cannot write trace '%s': %s", path ? path : "", strerror(errno));
		trace_close(t);
		return NULL;
	}
	return t;
}

int trace_close(struct trace *t)
{
	if (!t)
		return 0;
	trace_flush(t);
	int rc = t->failed ? -1 : 0;
	if (t->lost)
		fprintf(stderr, "trace: %lu events were not written to '%s' in the end\n", t->lost,
			t->path ? t->path : "?");
	if (t->owns_fp && fclose(t->fp) != 0)
		rc = -1;
	if (rc < 0)
		errno = t->err ? t->err : EIO;
	free(t->path);
	free(t->head);
	free(t->batch);
	free(t->scratch);
	free(t);
	return rc;
}

void trace_set_batching(struct trace *t, int on)
{
	if (!t)
		return;
	if (!on)
		trace_flush(t);
	t->batching = on;
}

void trace_set_tap(struct trace *t, trace_tap_fn tap, void *arg)
{
	if (!t)
		return;
	t->tap = tap;
	t->tap_arg = arg;
}

const char *trace_head(const struct trace *t, size_t *len)
{
	*len = t && t->head ? t->head_len : 0;
	return t ? t->head : NULL;
}

void trace_set_context(struct trace *t, struct trace_context *ctx)
{
	if (t)
		t->ctx = ctx;
}

struct trace_context *trace_get_context(struct trace *t)
{
	return t ? t->ctx : NULL;
}

void trace_context_init(struct trace_context *ctx, const char *kind, unsigned long id)
{
	memset(ctx, 0, sizeof(*ctx));
	snprintf(ctx->conn, sizeof(ctx->conn), "%s:%lu", kind, id);
}

const char *trace_current_phase(const struct trace *t)
{
	if (!t || !t->ctx || t->ctx->depth == 0)
		return "startup";
	return t->ctx->span[t->ctx->depth - 1].phase;
}

/* LEN bytes at FD, all of them, or -1 with errno (EINTR retried). */
static int write_all_fd(int fd, const char *p, size_t len, size_t *done)
{
	*done = 0;
	while (*done < len) {
		ssize_t w = write(fd, p + *done, len - *done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		*done += (size_t)w;
	}
	return 0;
}

/*
 * The lines TEXT (LEN bytes, the last newline included) whole, or not at
 * all. On a failure the part written is cut back off a file (a pipe's
 * reader is told by a newline before the next line) and the first failure
 * said on stderr; the caller counts the events lost.
 */
static int write_whole(struct trace *t, const char *text, size_t len)
{
	size_t done = 0;

	if (t->torn && write_all_fd(t->fd, "\n", 1, &done) < 0)
		goto fail;
	t->torn = 0;
	if (write_all_fd(t->fd, text, len, &done) == 0) {
		if (t->good >= 0)
			t->good += (off_t)len;
		return 0;
	}
fail:;
	int saved = errno;
	if (t->good >= 0) {
		/* a file: back to the end of the last whole line */
		if (ftruncate(t->fd, t->good) < 0 || lseek(t->fd, t->good, SEEK_SET) < 0)
			t->good = -1, t->torn = 1;
	} else if (done > 0) {
		t->torn = 1;
	}
	if (!t->failed)
		t->err = saved, fprintf(stderr, "trace: cannot write '%s' (%s): events are lost until it can; a trace.gap "
				"line will say how many\n",
			t->path ? t->path : "?", strerror(saved));
	t->failed = 1;
	errno = saved;
	return -1;
}

/* Room for LEN more bytes at *BUF (of *CAP): 0, or -1 when there is no memory. */
static int reserve(char **buf, size_t *cap, size_t used, size_t len)
{
	if (used + len <= *cap)
		return 0;
	size_t want = *cap ? *cap : 4096;
	while (want < used + len)
		want *= 2;
	char *p = realloc(*buf, want);
	if (!p)
		return -1;
	*buf = p;
	*cap = want;
	return 0;
}

/*
 * Write the batch: its lines whole, or none of them, counted as lost (a
 * trace.gap line at its head was not written either: the loss it told of
 * stays to be told).
 */
int trace_flush(struct trace *t)
{
	if (!t || t->batch_len == 0)
		return 0;
	int rc = write_whole(t, t->batch, t->batch_len);
	if (rc == 0)
		t->lost = t->batch_has_gap ? 0 : t->lost;
	else
		t->lost += t->batch_events;
	t->batch_len = 0;
	t->batch_events = 0;
	t->batch_has_gap = 0;
	return rc;
}

/*
 * LINE (LEN bytes, its newline included), as formatted: handed to the tap,
 * kept as the head when it is the first, and written, or batched. A gap
 * line is not an event of its own.
 */
static int put_line(struct trace *t, const char *line, size_t len, int gap)
{
	if (t->tap)
		t->tap(t->tap_arg, line, len);
	if (!t->head) {
		/* the first line, trace.start, is kept for a tap's late subscribers */
		t->head = malloc(len);
		if (t->head) {
			memcpy(t->head, line, len);
			t->head_len = len;
		}
	}
	if (t->fd < 0)
		return 0;
	if (reserve(&t->batch, &t->batch_cap, t->batch_len, len) < 0) {
		t->failed = 1;
		t->lost += gap ? 0 : 1;
		return -1;
	}
	memcpy(t->batch + t->batch_len, line, len);
	t->batch_len += len;
	if (gap)
		t->batch_has_gap = 1;
	else
		t->batch_events++;
	if (!t->batching || t->batch_len >= BATCH_FLUSH_BYTES)
		return trace_flush(t);
	return 0;
}

/*
 * Whether the field C is left out of its line: the members every line has
 * are the writer's, a field may not shadow them (a second "event" would win
 * in most readers; "variant" only when the line has one), and a member
 * given twice is written once, the first. Asked while printing, without
 * lookups: a line has a handful of fields.
 */
static int field_left_out(const cJSON *fields, const cJSON *c, int has_variant)
{
	const char *k = c->string ? c->string : "";

	switch (k[0]) {
	case 's': if (strcmp(k, "seq") == 0) return 1; break;
	case 't': if (strcmp(k, "t_us") == 0) return 1; break;
	case 'e': if (strcmp(k, "event") == 0) return 1; break;
	case 'c': if (strcmp(k, "conn") == 0) return 1; break;
	case 'v': if (has_variant && strcmp(k, "variant") == 0) return 1; break;
	default: break;
	}
	for (const cJSON *b = fields->child; b != c; b = b->next)
		if (b->string && b->string[0] == k[0] && strcmp(b->string, k) == 0)
			return 1;
	return 0;
}

/* A line being formatted into t->scratch; BAD once memory ran out. */
struct out {
	struct trace *t;
	size_t len;
	int bad;
};

/* Room for N more bytes: 1, or 0 (BAD set) when memory ran out. */
static int out_room(struct out *o, size_t n)
{
	if (o->bad)
		return 0;
	if (o->len + n <= o->t->scratch_cap)
		return 1;
	if (reserve(&o->t->scratch, &o->t->scratch_cap, o->len, n) < 0) {
		o->bad = 1;
		return 0;
	}
	return 1;
}

static inline void out_add(struct out *o, const char *s, size_t n)
{
	if (o->len + n > o->t->scratch_cap && !out_room(o, n))
		return;
	if (o->bad)
		return;
	memcpy(o->t->scratch + o->len, s, n);
	o->len += n;
}

/* An integer in decimal, as cJSON prints an integral number below 1e15. */
static void out_int(struct out *o, long long v)
{
	char digits[INT_TEXT_MAX];
	out_add(o, digits, int_to_text(digits, v));
}

/* ITEM's value as cJSON prints it, by cJSON: into what is left of the
 * scratch buffer, a bigger one when that is too little. */
static void out_cjson(struct out *o, const cJSON *item)
{
	for (;;) {
		if (o->bad || reserve(&o->t->scratch, &o->t->scratch_cap, o->len, 64) < 0) {
			o->bad = 1;
			return;
		}
		char *at = o->t->scratch + o->len;
		int room = (int)(o->t->scratch_cap - o->len);
		if (cJSON_PrintPreallocated((cJSON *)item, at, room, 0)) {
			o->len += strlen(at);
			return;
		}
		if (o->t->scratch_cap > 2 * (size_t)TRACE_LINE_MAX ||
		    reserve(&o->t->scratch, &o->t->scratch_cap, 0, 2 * o->t->scratch_cap) < 0) {
			o->bad = 1;
			return;
		}
	}
}

/*
 * The length of S's first N bytes that JSON writes as they are (no control
 * character, quote, backslash, DEL or byte past ASCII, which cJSON writes
 * as \u escapes), eight bytes at a time: a line's strings are most of its
 * bytes, and a byte at a time was a twentieth of a dead render (perf).
 */
static size_t plain_prefix(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\'), d = w ^ (ones * 0x7f);
		uint64_t bad = ((w - ones * 0x20) & ~w) | w | ((q - ones) & ~q) | ((b - ones) & ~b) |
			       ((d - ones) & ~d);
		if (bad & highs)
			break; /* one of these eight: found below, a byte at a time */
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f)
			break;
	}
	return i;
}

/* S as a JSON string: as it is when JSON writes it so, else by cJSON. */
static void out_string(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (plain_prefix(s, n) == n) {
		if (!out_room(o, n + 2))
			return;
		char *at = o->t->scratch + o->len;
		at[0] = '"';
		memcpy(at + 1, s, n);
		at[n + 1] = '"';
		o->len += n + 2;
		return;
	}
	cJSON *str = cJSON_CreateString(s); /* not plain: cJSON escapes it */
	if (!str) {
		o->bad = 1;
		return;
	}
	out_cjson(o, str);
	cJSON_Delete(str);
}

/*
 * ITEM's value, byte for byte as cJSON_PrintUnformatted writes it
 * (test_trace compares the two), without cJSON for the common members:
 * an integer below 1e15 (cJSON prints a number with sprintf and reads it
 * back with sscanf: a third of a line's time, perf), a string JSON writes
 * as it is, a boolean, null. Anything else (an array, an object, a
 * fraction, a string to escape) is cJSON's.
 */
static void out_value(struct out *o, const cJSON *item)
{
	if (cJSON_IsString(item) && item->valuestring) {
		out_string(o, item->valuestring);
	} else if (cJSON_IsNumber(item) && item->valuedouble > -1e15 && item->valuedouble < 1e15 &&
		   item->valuedouble == (double)(long long)item->valuedouble &&
		   !(item->valuedouble == 0 && signbit(item->valuedouble))) { /* cJSON writes -0 */
		out_int(o, (long long)item->valuedouble);
	} else if (cJSON_IsTrue(item)) {
		out_add(o, "true", 4);
	} else if (cJSON_IsFalse(item)) {
		out_add(o, "false", 5);
	} else if (cJSON_IsNull(item)) {
		out_add(o, "null", 4);
	} else {
		out_cjson(o, item);
	}
}

/*
 * One line into t->scratch, *LEN its length with its newline: the members
 * every line has, then FIELDS (consumed by the caller). The line is not
 * built as a cJSON tree, and its members are printed as cJSON would print
 * them (out_value).
 */
static int format_line(struct trace *t, uint64_t t_us, const char *event, const char *conn,
		       const char *variant, cJSON *fields, size_t *len)
{
	int has_variant = variant && variant[0];
	struct out o = {.t = t};

	out_add(&o, "{\"seq\":", 7);
	out_int(&o, t->seq + 1);
	out_add(&o, ",\"t_us\":", 8);
	out_int(&o, (long long)t_us);
	out_add(&o, ",\"event\":", 9);
	out_string(&o, event);
	out_add(&o, ",\"conn\":", 8);
	out_string(&o, conn);
	if (has_variant) {
		out_add(&o, ",\"variant\":", 11);
		out_string(&o, variant);
	}
	for (const cJSON *c = fields ? fields->child : NULL; c; c = c->next) {
		if (field_left_out(fields, c, has_variant))
			continue;
		out_add(&o, ",", 1);
		out_string(&o, c->string ? c->string : "");
		out_add(&o, ":", 1);
		out_value(&o, c);
	}
	out_add(&o, "}\n", 2);
	if (o.bad)
		return -1;
	*len = o.len;
	return 0;
}

/*
 * An event that could not even be formatted (memory ran out): counted with
 * the lost ones, so that a trace.gap says so, and the trace fails at its
 * close. Returns -1.
 */
static int lost_one(struct trace *t)
{
	t->failed = 1;
	t->lost++;
	if (!t->err)
		t->err = ENOMEM;
	return -1;
}

/* Write one line: the members every line has, then FIELDS (consumed). */
static int emit_line(struct trace *t, uint64_t t_us, const char *event, const char *conn,
		     const char *variant, cJSON *fields)
{
	size_t len;

	if (t->fd < 0 && !t->tap && t->head) {
		/* no file and nobody listening: nothing to format */
		t->seq++;
		cJSON_Delete(fields);
		return 0;
	}
	if (t->lost && !t->batch_has_gap) {
		/* writing may work again: first what was lost, in a line of its own */
		cJSON *f = cJSON_CreateObject();
		cJSON_AddNumberToObject(f, "lost", (double)t->lost);
		int ok = format_line(t, t_us, TRACE_EV_TRACE_GAP, "app", NULL, f, &len) == 0;
		cJSON_Delete(f);
		if (ok) {
			t->seq++;
			if (put_line(t, t->scratch, len, 1) < 0 && !t->batching) {
				t->lost++; /* this one too, with no seq of its own */
				cJSON_Delete(fields);
				return -1;
			}
		}
	}
	int rc = format_line(t, t_us, event, conn, variant, fields, &len);
	cJSON_Delete(fields);
	if (rc < 0)
		return lost_one(t);
	t->seq++;
	return put_line(t, t->scratch, len, 0);
}

/* Count EVENT into the context's tally, from the members it is written with. */
static void tally(struct trace_context *c, const char *event, const cJSON *fields)
{
	if (strcmp(event, TRACE_EV_REPO_QUERY) == 0) {
		const cJSON *ph = cJSON_GetObjectItemCaseSensitive(fields, "phase");
		c->tally.queries[trace_phase_group(cJSON_IsString(ph) ? ph->valuestring : NULL)]++;
	} else if (strcmp(event, TRACE_EV_ASSIGN_NEW) == 0 || strcmp(event, TRACE_EV_ASSIGN) == 0) {
		enum trace_group g =
			cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fields, "connected")) ? TG_CONNECTED
											 : TG_DEAD;
		if (strcmp(event, TRACE_EV_ASSIGN) == 0) {
			c->tally.assign[g]++;
			return;
		}
		const cJSON *from = cJSON_GetObjectItemCaseSensitive(fields, "from");
		c->tally.assign_new[g][trace_from_of(cJSON_IsString(from) ? from->valuestring : NULL)]++;
	}
}

int trace_emit(struct trace *t, const char *event, cJSON *fields)
{
	if (!t) {
		cJSON_Delete(fields);
		return 0;
	}
	if (t->ctx)
		tally(t->ctx, event, fields);
	return emit_line(t, trace_elapsed_us(t), event, t->ctx ? t->ctx->conn : "app",
			 t->ctx ? t->ctx->variant : NULL, fields);
}

int trace_emit_at(struct trace *t, uint64_t t_us, const char *event, const char *conn,
		  const char *variant, cJSON *fields)
{
	if (!t) {
		cJSON_Delete(fields);
		return 0;
	}
	return emit_line(t, t_us, event, conn, variant, fields);
}

int trace_emit_copy(struct trace *t, uint64_t t_us, const struct trace_event *ev,
		    const char *variant)
{
	static const char *const own[] = {"seq", "t_us", "event", "conn", "variant", "src_seq", "src_variant"};
	char conn[160];

	cJSON *copy = cJSON_Duplicate(ev->json, 1);
	if (!copy)
		return lost_one(t);
	for (size_t k = 0; k < sizeof(own) / sizeof(own[0]); k++)
		cJSON_DeleteItemFromObjectCaseSensitive(copy, own[k]);
	cJSON_AddNumberToObject(copy, "src_seq", (double)ev->seq);
	if (ev->variant && strcmp(ev->variant, variant) != 0)
		cJSON_AddStringToObject(copy, "src_variant", ev->variant);
	const char *slash = strrchr(ev->conn, '/');
	snprintf(conn, sizeof(conn), "%s/%s", variant, slash ? slash + 1 : ev->conn);
	return trace_emit_at(t, t_us, ev->event, conn, variant, copy);
}

int trace_failed(const struct trace *t)
{
	return t ? t->failed : 0;
}

/* A, then B, then C into DST (CAP bytes), cut as snprintf cuts: spans are
 * made for every plug and mount, and snprintf's format parsing showed in
 * the profile of a dead render */
static void join(char *dst, size_t cap, const char *a, const char *b, const char *c)
{
	const char *parts[] = {a, b, c};
	size_t n = 0;

	for (int i = 0; i < 3; i++) {
		size_t len = strlen(parts[i]);
		if (len > cap - 1 - n)
			len = cap - 1 - n;
		memcpy(dst + n, parts[i], len);
		n += len;
	}
	dst[n] = '\0';
}

int trace_span_start(struct trace *t, const char *prefix, const char *phase, cJSON *fields)
{
	struct trace_context *c = t ? t->ctx : NULL;
	char event[64];

	if (!c) {
		cJSON_Delete(fields);
		return 0;
	}
	if (c->depth == TRACE_MAX_DEPTH) {
		cJSON_Delete(fields);
		return -1;
	}
	struct trace_span *s = &c->span[c->depth];
	if (c->depth > 0)
		join(s->phase, sizeof(s->phase), c->span[c->depth - 1].phase, "/", phase);
	else
		join(s->phase, sizeof(s->phase), phase, "", "");
	join(s->event, sizeof(s->event), prefix, "", "");
	s->start_us = trace_clock_us();
	c->depth++;

	if (!fields)
		fields = cJSON_CreateObject();
	cJSON_AddStringToObject(fields, "phase", s->phase);
	join(event, sizeof(event), prefix, ".start", "");
	return trace_emit(t, event, fields);
}

int trace_span_stop(struct trace *t, cJSON *fields)
{
	struct trace_context *c = t ? t->ctx : NULL;
	char event[64];

	if (!c || c->depth == 0) {
		cJSON_Delete(fields);
		return 0;
	}
	struct trace_span *s = &c->span[c->depth - 1];
	if (!fields)
		fields = cJSON_CreateObject();
	cJSON_AddStringToObject(fields, "phase", s->phase);
	cJSON_AddNumberToObject(fields, "duration_us", (double)(trace_clock_us() - s->start_us));
	join(event, sizeof(event), s->event, ".stop", "");
	int rc = trace_emit(t, event, fields);
	c->depth--;
	return rc;
}
