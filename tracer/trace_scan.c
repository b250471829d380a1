/*
 * trace_scan.c: the one incremental line parser of traces. Bytes go in as
 * they arrive, whole lines come out as events, checked: the first line is a
 * trace.start of a version this library reads, seq increases. Parsing one
 * line is trace_read.c's trace_event_parse; reading files is left to the
 * callers (trace_reader, the runner's tail, live mode).
 */
#include "trace.h"

#include <stdlib.h>
#include <string.h>

int trace_scanner_init(struct trace_scanner *s, const char *name)
{
	memset(s, 0, sizeof(*s));
	s->name = strdup(name ? name : "-");
	return s->name ? 0 : -1;
}

void trace_scanner_release(struct trace_scanner *s)
{
	free(s->name);
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

int trace_scanner_feed(struct trace_scanner *s, const void *data, size_t n, char *err, size_t errlen)
{
	if (s->pos > 0 && s->pos == s->len) {
		s->pos = s->len = 0;
	} else if (s->pos > s->cap / 2) {
		/* drop what was consumed before growing */
		memmove(s->buf, s->buf + s->pos, s->len - s->pos);
		s->len -= s->pos;
		s->pos = 0;
	}
	/* the line still open after this feed must stay within the limit */
	const char *nl = n ? memrchr(data, '\n', n) : NULL;
	size_t open_line;
	if (nl) {
		open_line = n - (size_t)(nl - (const char *)data) - 1;
	} else {
		const char *bnl = s->len > s->pos ? memrchr(s->buf + s->pos, '\n', s->len - s->pos) : NULL;
		open_line = (bnl ? (size_t)(s->buf + s->len - bnl - 1) : s->len - s->pos) + n;
	}
	if (open_line > TRACE_LINE_MAX) {
		/* its number: the lines consumed, those buffered, and those in DATA */
		long line = s->lineno + 1;
		for (size_t i = s->pos; i < s->len; i++)
			line += s->buf[i] == '\n';
		for (size_t i = 0; i < n; i++)
			line += ((const char *)data)[i] == '\n';
		snprintf(err, errlen, "%s:%ld:1: line longer than %d bytes", s->name, line,
			 TRACE_LINE_MAX);
		return -1;
	}
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 65536;
		while (cap < s->len + n)
			cap *= 2;
		char *grown = realloc(s->buf, cap);
		if (!grown) {
			snprintf(err, errlen, "%s: out of memory", s->name);
			return -1;
		}
		s->buf = grown;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	return 0;
}

/* The checks that span lines: the header first, then seq in order. */
static int check_order(struct trace_scanner *s, struct trace_event *ev, char *err, size_t errlen)
{
	if (!s->started) {
		const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(ev->json, "format");
		const cJSON *ver = cJSON_GetObjectItemCaseSensitive(ev->json, "version");
		if (strcmp(ev->event, TRACE_EV_TRACE_START) != 0 || !cJSON_IsString(fmt) ||
		    strcmp(fmt->valuestring, TRACE_FORMAT) != 0) {
			snprintf(err, errlen, "%s:%ld:1: not an lvtrace trace (no trace.start line)",
				 s->name, s->lineno);
			goto bad;
		}
		if (!cJSON_IsNumber(ver) || ver->valuedouble != TRACE_VERSION) {
			snprintf(err, errlen,
				 "%s:%ld:1: trace format version %g is not supported (this is version %d)",
				 s->name, s->lineno, cJSON_IsNumber(ver) ? ver->valuedouble : 0.0,
				 TRACE_VERSION);
			goto bad;
		}
		s->started = 1;
	} else if (ev->seq <= s->last_seq) {
		snprintf(err, errlen, "%s:%ld:1: seq %ld does not follow %ld", s->name, s->lineno,
			 ev->seq, s->last_seq);
		goto bad;
	}
	s->last_seq = ev->seq;
	return 1;
bad:
	trace_event_release(ev);
	return -1;
}

int trace_scanner_line(struct trace_scanner *s, const char *line, size_t len,
		       struct trace_event *ev, char *err, size_t errlen)
{
	char why[160];

	memset(ev, 0, sizeof(*ev));
	s->lineno++;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0 && s->started)
		return 0; /* a blank line carries no event */
	if (trace_event_parse(line, len, ev, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s:%ld:%s", s->name, s->lineno, why);
		return -1;
	}
	return check_order(s, ev, err, errlen);
}

int trace_scanner_members(struct trace_scanner *s, const struct trace_members *mb, char *err,
			  size_t errlen)
{
	char why[160];

	s->lineno++;
	if (trace_members_check(mb, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s:%ld:%s", s->name, s->lineno, why);
		return -1;
	}
	if (!s->started) {
		snprintf(err, errlen, "%s:%ld:1: not an lvtrace trace (no trace.start line)", s->name,
			 s->lineno);
		return -1;
	}
	long seq = (long)mb->seq;
	if (seq <= s->last_seq) {
		snprintf(err, errlen, "%s:%ld:1: seq %ld does not follow %ld", s->name, s->lineno, seq,
			 s->last_seq);
		return -1;
	}
	s->last_seq = seq;
	return 1;
}

int trace_scanner_next(struct trace_scanner *s, struct trace_event *ev, char *err, size_t errlen)
{
	memset(ev, 0, sizeof(*ev));
	for (;;) {
		char *start = s->buf + s->pos;
		char *nl = s->len > s->pos ? memchr(start, '\n', s->len - s->pos) : NULL;
		if (!nl)
			return 0;
		s->pos += (size_t)(nl - start) + 1;
		int rc = trace_scanner_line(s, start, (size_t)(nl - start), ev, err, errlen);
		if (rc != 0)
			return rc;
	}
}

int trace_scanner_finish(struct trace_scanner *s, struct trace_event *ev, char *err,
			 size_t errlen)
{
	int rc = trace_scanner_next(s, ev, err, errlen);
	if (rc != 0)
		return rc;
	if (s->pos < s->len) {
		/* a last line without its newline: a trace cut short, or written by hand */
		char *start = s->buf + s->pos;
		size_t n = s->len - s->pos;
		s->pos = s->len;
		rc = trace_scanner_line(s, start, n, ev, err, errlen);
		if (rc != 0)
			return rc;
	}
	if (!s->started) {
		snprintf(err, errlen, "%s:1:1: empty trace (no trace.start line)", s->name);
		return -1;
	}
	return 0;
}
