/*
 * view_perfetto.c: the model as Chrome's trace event JSON, which
 * ui.perfetto.dev and chrome://tracing open: a process per variant, a
 * thread per conn (an HTTP request or a socket), the lifecycle's spans and
 * the queries as complete events, a database-hit counter per variant, the
 * steps and marks as instant events. The words are view_text.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "json_get.h"
#include "view_export.h"
#include "view_text.h"

/* One event of the output, before it is sorted. */
struct rec {
	int64_t ts, dur; /* µs; dur -1: not a complete event */
	uint32_t ev;	 /* the model's event */
	uint32_t pid, tid;
	char ph; /* 'X', 'i' (thread), 'I' (process: a step or a mark), 'C' */
	uint64_t hits; /* 'C': the variant's hits so far */
};

struct recs {
	struct rec *r;
	size_t n, cap;
};

static int rec_add(struct recs *rs, struct rec r)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 1024;
		struct rec *p = realloc(rs->r, cap * sizeof(*p));
		if (!p)
			return -1;
		rs->r = p;
		rs->cap = cap;
	}
	rs->r[rs->n++] = r;
	return 0;
}

/* Per process and thread, by time; an enclosing span before what it holds. */
static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->dur != y->dur)
		return x->dur > y->dur ? -1 : 1;
	return x->ev < y->ev ? -1 : x->ev > y->ev;
}

static int is_span_start(int kind)
{
	return kind == TK_ENDPOINT_START || kind == TK_PLUG_START || kind == TK_CONTROLLER_START ||
	       kind == TK_MOUNT_START || kind == TK_ON_MOUNT_START ||
	       kind == TK_HANDLE_PARAMS_START || kind == TK_HANDLE_EVENT_START ||
	       kind == TK_RENDER_START;
}

/* The process of a variant (1, 2, ...), and of events of no variant (after them). */
static uint32_t pid_of(const struct model *m, const struct model_event *e)
{
	return e->variant == MODEL_NO_VARIANT ? (uint32_t)model_variant_count(m) + 1
					      : (uint32_t)e->variant + 1;
}

/* Write the JSON text of J and a separator; J is deleted. */
static int put(FILE *out, cJSON *j, int *first)
{
	char *text = j ? cJSON_PrintUnformatted(j) : NULL;
	cJSON_Delete(j);
	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	int rc = fprintf(out, "%s\n%s", *first ? "" : ",", text) < 0 ? -1 : 0;
	free(text);
	*first = 0;
	return rc;
}

static cJSON *meta(const char *what, uint32_t pid, uint32_t tid, const char *name)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "name", what);
	cJSON_AddStringToObject(j, "ph", "M");
	cJSON_AddNumberToObject(j, "pid", pid);
	if (tid)
		cJSON_AddNumberToObject(j, "tid", tid);
	cJSON *args = cJSON_AddObjectToObject(j, "args");
	cJSON_AddStringToObject(args, "name", name);
	return j;
}

/* The name of an event's slice: the words of its row, or the step's. */
static void slice_name(struct model *m, uint32_t i, char *buf, size_t len)
{
	const struct model_event *e = model_event(m, i);
	if (e->kind == TK_SCENARIO_STEP) {
		struct model_step *st = (struct model_step *)model_step(m, e->step);
		snprintf(buf, len, "step %u: %s", st->number, st->text ? st->text : "");
		return;
	}
	view_label(m, i, buf, len, 0);
}

static cJSON *slice(struct model *m, const struct rec *r)
{
	const struct model_event *e = model_event(m, r->ev);
	char name[512];
	cJSON *j = cJSON_CreateObject();

	if (r->ph == 'C') {
		cJSON_AddStringToObject(j, "name", "database hits");
		cJSON_AddStringToObject(j, "ph", "C");
		cJSON_AddNumberToObject(j, "ts", (double)r->ts);
		cJSON_AddNumberToObject(j, "pid", r->pid);
		cJSON *args = cJSON_AddObjectToObject(j, "args");
		cJSON_AddNumberToObject(args, "hits", (double)r->hits);
		return j;
	}
	slice_name(m, r->ev, name, sizeof(name));
	cJSON_AddStringToObject(j, "name", name);
	cJSON_AddStringToObject(j, "cat", trace_kind_name(e->kind)[0] ? trace_kind_name(e->kind) : "other");
	cJSON_AddStringToObject(j, "ph", r->ph == 'X' ? "X" : "i");
	cJSON_AddNumberToObject(j, "ts", (double)r->ts);
	if (r->ph == 'X')
		cJSON_AddNumberToObject(j, "dur", (double)r->dur);
	else
		cJSON_AddStringToObject(j, "s", r->ph == 'I' ? "p" : "t");
	cJSON_AddNumberToObject(j, "pid", r->pid);
	if (r->ph != 'I')
		cJSON_AddNumberToObject(j, "tid", r->tid);
	cJSON *args = cJSON_AddObjectToObject(j, "args");
	if (e->phase)
		cJSON_AddStringToObject(args, "phase", model_string(m, e->phase));
	if (e->kind == TK_REPO_QUERY) {
		cJSON *ev = model_event_json(m, r->ev);
		static const char *const keep[] = {"sql", "source", "caller"};
		for (size_t k = 0; k < sizeof(keep) / sizeof(keep[0]); k++)
			if (json_str(ev, keep[k]))
				cJSON_AddStringToObject(args, keep[k], json_str(ev, keep[k]));
		const cJSON *rows = cJSON_GetObjectItemCaseSensitive(ev, "rows");
		if (cJSON_IsNumber(rows))
			cJSON_AddNumberToObject(args, "rows", rows->valuedouble);
		cJSON_Delete(ev);
	}
	if (e->flags & ME_AVOIDED)
		cJSON_AddBoolToObject(args, "avoided_query", 1);
	return j;
}

/* The records of the whole model; NULL-free on success. */
static int collect(struct model *m, struct recs *rs, uint32_t *maxconn)
{
	size_t n = model_event_count(m);
	int64_t last_ts = 0;
	uint32_t nconn = 0;

	for (uint32_t i = 0; i < n; i++) {
		const struct model_event *e = model_event(m, i);
		if (e->t_us > last_ts)
			last_ts = e->t_us;
		if (e->conn >= nconn)
			nconn = e->conn + 1;
	}
	*maxconn = nconn;
	/* per conn, the start of the innermost open span: a query never starts before it */
	int64_t *open_ts = calloc(nconn ? nconn : 1, sizeof(*open_ts));
	uint32_t *open_ev = calloc(nconn ? nconn : 1, sizeof(*open_ev));
	uint64_t *hits = calloc(model_variant_count(m) + 2, sizeof(*hits));
	if (!open_ts || !open_ev || !hits) {
		free(open_ts);
		free(open_ev);
		free(hits);
		errno = ENOMEM;
		return -1;
	}
	for (uint32_t c = 0; c < nconn; c++)
		open_ev[c] = MODEL_NONE;

	int rc = 0;
	for (uint32_t i = 0; i < n && rc == 0; i++) {
		const struct model_event *e = model_event(m, i);
		struct rec r = {.ts = e->t_us, .dur = -1, .ev = i, .pid = pid_of(m, e), .tid = e->conn + 1};
		int k = e->kind;
		if (trace_kind_is_stop(k) || k == TK_TRACE_START || k == TK_TRACE_STOP ||
		    k == TK_TRACE_ABORT || k == TK_SCENARIO_END || k == TK_SCENARIO_NOTE)
			continue;
		if (is_span_start(k)) {
			int64_t end = e->pair != MODEL_NONE ? model_event(m, e->pair)->t_us : last_ts;
			r.ph = 'X';
			r.dur = end > e->t_us ? end - e->t_us : 0;
			open_ts[e->conn] = e->t_us;
			open_ev[e->conn] = i;
		} else if (k == TK_REPO_QUERY) {
			cJSON *j = model_event_json(m, i);
			double took = json_num(j, "total_us", 0);
			cJSON_Delete(j);
			int64_t dur = took > 0 && took < 1e12 ? (int64_t)took : 0;
			r.ph = 'X';
			r.ts = e->t_us - dur;
			/* the statement ran inside the span it is written in */
			if (open_ev[e->conn] != MODEL_NONE && r.ts < open_ts[e->conn])
				r.ts = open_ts[e->conn];
			r.dur = e->t_us - r.ts;
			hits[r.pid]++;
			struct rec c = {.ts = e->t_us, .dur = -1, .ev = i, .pid = r.pid, .ph = 'C',
					.hits = hits[r.pid]};
			rc = rec_add(rs, c);
		} else if (k == TK_SCENARIO_STEP || k == TK_SCENARIO_MARK) {
			r.ph = 'I';
		} else {
			r.ph = 'i';
		}
		if (rc == 0)
			rc = rec_add(rs, r);
	}
	free(open_ts);
	free(open_ev);
	free(hits);
	if (rc < 0)
		errno = ENOMEM;
	return rc;
}

/* "assign/http:4: GET /assign/mission": a conn's name and its first request or join. */
static void thread_name(struct model *m, uint32_t ev, char *buf, size_t len)
{
	const struct model_event *e = model_event(m, ev);
	char label[256] = "";
	if (e->kind == TK_ENDPOINT_START || e->kind == TK_SOCKET_CONNECT || e->kind == TK_CHANNEL_JOIN)
		view_label(m, ev, label, sizeof(label), 0);
	snprintf(buf, len, "%s%s%s", model_conn(m, e->conn), label[0] ? ": " : "", label);
}

int view_perfetto(FILE *out, struct model *m)
{
	struct recs rs = {0};
	uint32_t nconn = 0;
	int first = 1, rc = 0;

	if (collect(m, &rs, &nconn) < 0) {
		free(rs.r);
		return -1;
	}
	qsort(rs.r, rs.n, sizeof(*rs.r), rec_cmp);
	if (fputs("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[", out) == EOF)
		rc = -1;

	/* names: a process per variant in the trace's order, then one for events of none */
	size_t nv = model_variant_count(m);
	for (size_t v = 0; v <= nv && rc == 0; v++) {
		const char *name = v < nv ? model_variant(m, v) : "lvdemo (no variant)";
		rc = put(out, meta("process_name", (uint32_t)v + 1, 0, name), &first);
		if (rc == 0) {
			cJSON *j = cJSON_CreateObject();
			cJSON_AddStringToObject(j, "name", "process_sort_index");
			cJSON_AddStringToObject(j, "ph", "M");
			cJSON_AddNumberToObject(j, "pid", (double)v + 1);
			cJSON_AddNumberToObject(cJSON_AddObjectToObject(j, "args"), "sort_index", (double)v);
			rc = put(out, j, &first);
		}
	}
	/* a thread per conn of each process, named once, from its first record */
	uint32_t prev_pid = 0, prev_tid = 0;
	for (size_t i = 0; i < rs.n && rc == 0; i++) {
		const struct rec *r = &rs.r[i];
		if (r->ph == 'C' || r->ph == 'I' || (r->pid == prev_pid && r->tid == prev_tid))
			continue;
		prev_pid = r->pid;
		prev_tid = r->tid;
		char name[512];
		thread_name(m, r->ev, name, sizeof(name));
		rc = put(out, meta("thread_name", r->pid, r->tid, name), &first);
	}
	for (size_t i = 0; i < rs.n && rc == 0; i++)
		rc = put(out, slice(m, &rs.r[i]), &first);
	if (rc == 0 && fputs("\n]}\n", out) == EOF)
		rc = -1;
	free(rs.r);
	return rc;
}
