/*
 * trace_read.c: reads a JSON Lines trace back, line by line, with cJSON.
 *
 * Checks what every line must have (seq, t_us, event, conn), that the
 * first line is a trace.start of a version it knows and that seq increases;
 * what the events mean is left to the caller.
 */
#include "trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct trace_reader {
	FILE *fp;
	int owns_fp;
	char *path;
	char *line;
	size_t cap;
	long lineno;
	long last_seq;
};

struct trace_reader *trace_reader_open(const char *path, char *err, size_t errlen)
{
	struct trace_reader *r = calloc(1, sizeof(*r));

	if (!r || !(r->path = strdup(path))) {
		snprintf(err, errlen, "cannot read '%s': out of memory", path);
		free(r);
		return NULL;
	}
	if (strcmp(path, "-") == 0) {
		r->fp = stdin;
	} else if (!(r->fp = fopen(path, "r"))) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		free(r->path);
		free(r);
		return NULL;
	} else {
		r->owns_fp = 1;
	}
	return r;
}

void trace_reader_close(struct trace_reader *r)
{
	if (!r)
		return;
	if (r->owns_fp)
		fclose(r->fp);
	free(r->line);
	free(r->path);
	free(r);
}

void trace_event_release(struct trace_event *ev)
{
	cJSON_Delete(ev->json);
	memset(ev, 0, sizeof(*ev));
}

const char *trace_event_string(const struct trace_event *ev, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ev->json, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

double trace_event_number(const struct trace_event *ev, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ev->json, key);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static int is_whole_number(const cJSON *n)
{
	return cJSON_IsNumber(n) && n->valuedouble >= 0 && n->valuedouble <= 9e15 &&
	       (double)(long long)n->valuedouble == n->valuedouble;
}

int trace_event_parse(const char *line, size_t len, struct trace_event *ev, char *err,
		      size_t errlen)
{
	const char *end = NULL;

	memset(ev, 0, sizeof(*ev));
	cJSON *j = cJSON_ParseWithLengthOpts(line, len, &end, 0);
	if (!j) {
		const char *at = cJSON_GetErrorPtr();
		size_t col = at && at >= line && at <= line + len ? (size_t)(at - line) + 1 : 1;
		snprintf(err, errlen, "%zu: not valid JSON", col);
		return -1;
	}
	/* only white space may follow the object */
	while (end && end < line + len && (*end == ' ' || *end == '\t' || *end == '\r'))
		end++;
	if (end && end < line + len) {
		snprintf(err, errlen, "%zu: text after the JSON object", (size_t)(end - line) + 1);
		goto bad;
	}
	if (!cJSON_IsObject(j)) {
		snprintf(err, errlen, "1: a trace line must be a JSON object");
		goto bad;
	}
	const cJSON *seq = cJSON_GetObjectItemCaseSensitive(j, "seq");
	const cJSON *t_us = cJSON_GetObjectItemCaseSensitive(j, "t_us");
	const cJSON *event = cJSON_GetObjectItemCaseSensitive(j, "event");
	const cJSON *conn = cJSON_GetObjectItemCaseSensitive(j, "conn");
	const char *missing = !seq ? "seq" : !t_us ? "t_us" : !event ? "event" : !conn ? "conn" : NULL;
	if (missing) {
		snprintf(err, errlen, "1: member '%s' is missing", missing);
		goto bad;
	}
	if (!is_whole_number(seq) || seq->valuedouble < 1) {
		snprintf(err, errlen, "1: 'seq' must be a whole number from 1");
		goto bad;
	}
	if (!is_whole_number(t_us)) {
		snprintf(err, errlen, "1: 't_us' must be a whole number of microseconds");
		goto bad;
	}
	if (!cJSON_IsString(event) || !event->valuestring[0] || !cJSON_IsString(conn)) {
		snprintf(err, errlen, "1: 'event' and 'conn' must be strings");
		goto bad;
	}
	const cJSON *variant = cJSON_GetObjectItemCaseSensitive(j, "variant");
	const cJSON *phase = cJSON_GetObjectItemCaseSensitive(j, "phase");
	ev->json = j;
	ev->seq = (long)seq->valuedouble;
	ev->t_us = (long long)t_us->valuedouble;
	ev->event = event->valuestring;
	ev->conn = conn->valuestring;
	ev->variant = cJSON_IsString(variant) ? variant->valuestring : NULL;
	ev->phase = cJSON_IsString(phase) ? phase->valuestring : NULL;
	return 0;
bad:
	cJSON_Delete(j);
	return -1;
}

int trace_reader_next(struct trace_reader *r, struct trace_event *ev, char *err, size_t errlen)
{
	char why[160];
	ssize_t n;

	memset(ev, 0, sizeof(*ev));
	for (;;) {
		errno = 0;
		n = getline(&r->line, &r->cap, r->fp);
		if (n < 0) {
			if (errno) {
				snprintf(err, errlen, "%s: read error: %s", r->path, strerror(errno));
				return -1;
			}
			if (r->lineno == 0) {
				snprintf(err, errlen, "%s:1:1: empty trace (no trace.start line)", r->path);
				return -1;
			}
			return 0;
		}
		r->lineno++;
		if (n > 0 && r->line[n - 1] == '\n')
			n--;
		if (n == 0 && r->lineno > 1)
			continue; /* a blank line carries no event */
		break;
	}
	if (trace_event_parse(r->line, (size_t)n, ev, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s:%ld:%s", r->path, r->lineno, why);
		return -1;
	}
	if (r->lineno == 1) {
		const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(ev->json, "format");
		const cJSON *ver = cJSON_GetObjectItemCaseSensitive(ev->json, "version");
		if (strcmp(ev->event, "trace.start") != 0 || !cJSON_IsString(fmt) ||
		    strcmp(fmt->valuestring, TRACE_FORMAT) != 0) {
			snprintf(err, errlen, "%s:1:1: not an lvtrace trace (no trace.start line)",
				 r->path);
			goto bad;
		}
		if (!cJSON_IsNumber(ver) || ver->valuedouble != TRACE_VERSION) {
			snprintf(err, errlen, "%s:1:1: trace format version %g is not supported (this is version %d)",
				 r->path, cJSON_IsNumber(ver) ? ver->valuedouble : 0.0, TRACE_VERSION);
			goto bad;
		}
	} else if (ev->seq <= r->last_seq) {
		snprintf(err, errlen, "%s:%ld:1: seq %ld does not follow %ld", r->path, r->lineno,
			 ev->seq, r->last_seq);
		goto bad;
	}
	r->last_seq = ev->seq;
	return 1;
bad:
	trace_event_release(ev);
	return -1;
}
