/*
 * trace_write.c: writes trace events as JSON Lines with cJSON.
 *
 * Each event is one line, written with write(2) whole or not at all, so a
 * crash or a full disk leaves a valid prefix: a line that could not be
 * written whole is cut back off a file (or, on a pipe, the next line starts
 * on a line of its own), the failure is said once on stderr, and when
 * writing works again a trace.gap line says how many events were lost. Not
 * thread-safe: one thread (lvdemo's event loop) emits. What an event means
 * is left to the programs that emit it.
 */
#include "trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct trace {
	FILE *fp;
	int owns_fp;
	long seq;
	uint64_t start_us;
	struct trace_context *ctx;
	int failed;
	int fd;		    /* the trace's, written with write(2) */
	off_t good;	    /* a file: where the last whole line ends; -1 on a pipe */
	int torn;	    /* a pipe: a line went out in part, the next starts a new line */
	unsigned long lost; /* events not written since the last trace.gap */
	int writing_gap;
	int err; /* errno of the first failure */
	char *path;
	char *head;	  /* the trace.start line, newline included, for a tap's late subscribers */
	size_t head_len;
	trace_tap_fn tap; /* each line as written, to the live feed */
	void *tap_arg;
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
	if (strcmp(path, "-") == 0) {
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
	t->fd = fileno(t->fp);
	t->path = strdup(path);
	struct stat sb;
	t->good = fstat(t->fd, &sb) == 0 && S_ISREG(sb.st_mode) ? lseek(t->fd, 0, SEEK_CUR) : -1;

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
		snprintf(err, errlen, "cannot write trace '%s': %s", path, strerror(errno));
		trace_close(t);
		return NULL;
	}
	return t;
}

int trace_close(struct trace *t)
{
	if (!t)
		return 0;
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
	free(t);
	return rc;
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

static int emit_line(struct trace *t, uint64_t t_us, const char *event, const char *conn,
		     const char *variant, cJSON *fields);

/*
 * The line TEXT (LEN bytes, its newline included) whole, or not at all. On
 * a failure the part written is cut back off a file (a pipe's reader is
 * told by a newline before the next line), the event counted as lost, and
 * the first failure said on stderr. After a loss, the first line that can
 * be written is preceded by a trace.gap line with the count.
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
	if (!t->writing_gap)
		t->lost++;
	errno = saved;
	return -1;
}

/* Write one line: the members every line has, then FIELDS (consumed). */
static int emit_line(struct trace *t, uint64_t t_us, const char *event, const char *conn,
		     const char *variant, cJSON *fields)
{
	if (t->lost && !t->writing_gap) {
		/* writing works again? first what was lost, in a line of its own */
		cJSON *f = cJSON_CreateObject();
		cJSON_AddNumberToObject(f, "lost", (double)t->lost);
		t->writing_gap = 1;
		int ok = emit_line(t, t_us, TRACE_EV_TRACE_GAP, "app", NULL, f) == 0;
		t->writing_gap = 0;
		if (!ok) {
			t->lost++; /* this one too, with no seq of its own */
			cJSON_Delete(fields);
			return -1;
		}
		t->lost = 0;
	}
	cJSON *line = cJSON_CreateObject();
	if (!line) {
		cJSON_Delete(fields);
		t->failed = 1;
		return -1;
	}
	cJSON_AddNumberToObject(line, "seq", (double)++t->seq);
	cJSON_AddNumberToObject(line, "t_us", (double)t_us);
	cJSON_AddStringToObject(line, "event", event);
	cJSON_AddStringToObject(line, "conn", conn);
	if (variant && variant[0])
		cJSON_AddStringToObject(line, "variant", variant);
	while (fields && fields->child) {
		cJSON *item = cJSON_DetachItemViaPointer(fields, fields->child);
		/* the members every line has are the writer's: a field may not
		 * shadow them (a second "event" would win in most readers) */
		if (cJSON_GetObjectItemCaseSensitive(line, item->string)) {
			cJSON_Delete(item);
			continue;
		}
		cJSON_AddItemToObject(line, item->string, item);
	}
	cJSON_Delete(fields);

	char *text = cJSON_PrintUnformatted(line);
	cJSON_Delete(line);
	if (!text) {
		t->failed = 1;
		return -1;
	}
	size_t n = strlen(text);
	text[n] = '\n'; /* replaces the NUL: one write for the whole line */
	int rc = write_whole(t, text, n + 1);
	if (t->tap)
		t->tap(t->tap_arg, text, n + 1);
	if (!t->head) {
		t->head = text; /* the first line, trace.start, is kept for a tap */
		t->head_len = n + 1;
	} else {
		free(text);
	}
	return rc;
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

int trace_failed(const struct trace *t)
{
	return t ? t->failed : 0;
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
	char full[TRACE_PHASE_MAX];
	if (c->depth > 0)
		snprintf(full, sizeof(full), "%s/%s", c->span[c->depth - 1].phase, phase);
	else
		snprintf(full, sizeof(full), "%s", phase);
	memcpy(s->phase, full, sizeof(full));
	snprintf(s->event, sizeof(s->event), "%s", prefix);
	s->start_us = trace_clock_us();
	c->depth++;

	if (!fields)
		fields = cJSON_CreateObject();
	cJSON_AddStringToObject(fields, "phase", s->phase);
	snprintf(event, sizeof(event), "%s.start", prefix);
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
	snprintf(event, sizeof(event), "%s.stop", s->event);
	int rc = trace_emit(t, event, fields);
	c->depth--;
	return rc;
}
