/*
 * trace_line.c: one trace line, parsed with cJSON: the members every line
 * must have (seq, t_us, event, conn) checked, the rules for them shared
 * with callers that parse lines their own way, and member lookups. The
 * order of lines is trace_scan.c's, files trace_read.c's.
 */
#include "trace.h"

#include <string.h>

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

static int is_whole(int is_number, double d)
{
	return is_number && d >= 0 && d <= 9e15 && (double)(long long)d == d;
}

int trace_members_check(const struct trace_members *mb, char *err, size_t errlen)
{
	const char *missing = !mb->has_seq ? "seq" : !mb->has_t_us ? "t_us" : !mb->has_event ? "event"
			      : !mb->has_conn ? "conn" : NULL;
	if (missing) {
		snprintf(err, errlen, "1: member '%s' is missing", missing);
		return -1;
	}
	if (!is_whole(mb->seq_is_number, mb->seq) || mb->seq < 1) {
		snprintf(err, errlen, "1: 'seq' must be a whole number from 1");
		return -1;
	}
	if (!is_whole(mb->t_us_is_number, mb->t_us)) {
		snprintf(err, errlen, "1: 't_us' must be a whole number of microseconds");
		return -1;
	}
	if (!mb->event || !mb->event[0] || !mb->conn) {
		snprintf(err, errlen, "1: 'event' and 'conn' must be strings");
		return -1;
	}
	return 0;
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
	struct trace_members mb = {
		.has_seq = seq != NULL,
		.has_t_us = t_us != NULL,
		.has_event = event != NULL,
		.has_conn = conn != NULL,
		.seq_is_number = cJSON_IsNumber(seq),
		.t_us_is_number = cJSON_IsNumber(t_us),
		.seq = cJSON_IsNumber(seq) ? seq->valuedouble : 0,
		.t_us = cJSON_IsNumber(t_us) ? t_us->valuedouble : 0,
		.event = cJSON_IsString(event) ? event->valuestring : NULL,
		.conn = cJSON_IsString(conn) ? conn->valuestring : NULL,
	};
	if (trace_members_check(&mb, err, errlen) < 0)
		goto bad;
	const cJSON *variant = cJSON_GetObjectItemCaseSensitive(j, "variant");
	const cJSON *phase = cJSON_GetObjectItemCaseSensitive(j, "phase");
	ev->json = j;
	ev->seq = (long)mb.seq;
	ev->t_us = (long long)mb.t_us;
	ev->event = event->valuestring;
	ev->conn = conn->valuestring;
	ev->variant = cJSON_IsString(variant) ? variant->valuestring : NULL;
	ev->phase = cJSON_IsString(phase) ? phase->valuestring : NULL;
	return 0;
bad:
	cJSON_Delete(j);
	return -1;
}

