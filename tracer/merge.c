/*
 * merge.c: several traces written as one, page load beside page load, for
 * `lvtrace merge` and for replaying, reporting or exporting several traces.
 * The traces are read with the trace library's reader and the result goes
 * out through its writer (trace_emit_copy, as run_merge.c's); the model
 * then loads it like any trace, so that the data still flows one way. What
 * a page load is, is said in merge.h.
 */
#include "merge.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

#define MERGE_NAME_MAX 40

/* One input trace: its events, and the column it becomes. */
struct merge_input {
	const char *path;
	struct trace_event *ev;
	size_t nev, cap;
	const char *variant; /* its page loads' variant (into an event), NULL: none */
	char name[MERGE_NAME_MAX + 1];
	size_t *keep; /* the indexes of its events in the column, from its first page load on */
	size_t nkeep;
	size_t *load; /* per page load: its first place in keep */
	size_t nload;
};

static void input_release(struct merge_input *in)
{
	for (size_t i = 0; i < in->nev; i++)
		trace_event_release(&in->ev[i]);
	free(in->ev);
	free(in->keep);
	free(in->load);
}

static int same_variant(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* A request that is a page load (not an asset). */
static int is_page_load(const struct trace_event *ev)
{
	return strcmp(ev->event, TRACE_EV_ENDPOINT_START) == 0 &&
	       !trace_path_is_asset(trace_event_string(ev, "path"));
}

/* The trace's own bookkeeping and a run's scenario lines: the merge writes its own. */
static int is_left_out(const struct trace_event *ev)
{
	enum trace_kind k = trace_kind_of(ev->event, strlen(ev->event));
	return k == TK_TRACE_START || k == TK_TRACE_STOP || k == TK_TRACE_ABORT ||
	       (k >= TK_SCENARIO_STEP && k <= TK_SCENARIO_END);
}

/* Every event of IN->path. 0, or -1 with ERR ("FILE:LINE:COLUMN: reason" for a bad line). */
static int input_read(struct merge_input *in, char *err, size_t errlen)
{
	struct trace_reader *r = trace_reader_open(in->path, err, errlen);
	struct trace_event ev;
	int rc;

	if (!r)
		return -1;
	while ((rc = trace_reader_next(r, &ev, err, errlen)) == 1) {
		if (in->nev == in->cap) {
			size_t cap = in->cap ? in->cap * 2 : 256;
			struct trace_event *g = realloc(in->ev, cap * sizeof(*g));
			if (!g) {
				trace_event_release(&ev);
				snprintf(err, errlen, "%s: out of memory", in->path);
				rc = -1;
				break;
			}
			in->ev = g;
			in->cap = cap;
		}
		in->ev[in->nev++] = ev;
	}
	trace_reader_close(r);
	return rc < 0 ? -1 : 0;
}

/* Which variant IN's page loads carry, and which of its events are in its column. */
static int input_page_loads(struct merge_input *in, char *err, size_t errlen)
{
	int found = 0;

	/* the pages of no variant are every variant's (lvdemo's log-in and
	 * registration): a column of their own only in a trace of no variant */
	for (size_t i = 0; i < in->nev; i++) {
		const struct trace_event *ev = &in->ev[i];
		if (!is_page_load(ev))
			continue;
		found = 1;
		if (!ev->variant)
			continue;
		if (!in->variant) {
			in->variant = ev->variant;
		} else if (strcmp(in->variant, ev->variant) != 0) {
			snprintf(err, errlen,
				 "'%s' has the page loads of two variants ('%s' and '%s'): a trace beside "
				 "another is one column (replay it alone to see its variants side by side)",
				 in->path, in->variant, ev->variant);
			return -1;
		}
	}
	if (!found) {
		snprintf(err, errlen, "'%s' has no page load: no request but for assets", in->path);
		return -1;
	}
	if (!(in->keep = malloc(in->nev * sizeof(*in->keep))) ||
	    !(in->load = malloc(in->nev * sizeof(*in->load)))) {
		snprintf(err, errlen, "%s: out of memory", in->path);
		return -1;
	}
	for (size_t i = 0; i < in->nev; i++) {
		const struct trace_event *ev = &in->ev[i];
		if (!same_variant(in->variant, ev->variant) || is_left_out(ev))
			continue;
		if (is_page_load(ev))
			in->load[in->nload++] = in->nkeep;
		if (in->nload)
			in->keep[in->nkeep++] = i;
	}
	return 0;
}

/* NAME is a column's name: short, and no '/' (the conns' prefix) or ','. */
static int name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > MERGE_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (name[i] == '/' || name[i] == ',' || (unsigned char)name[i] < 0x20)
			return 0;
	return 1;
}

/* PATH's base name without .jsonl (or .json), cut to a name's length. */
static void base_name(const char *path, char *out, size_t outlen)
{
	const char *b = path_basename(path);
	if (!b[0])
		b = path; /* "dir/": the whole of it */
	size_t n = strlen(b);
	if (n > 6 && strcmp(b + n - 6, ".jsonl") == 0)
		n -= 6;
	else if (n > 5 && strcmp(b + n - 5, ".json") == 0)
		n -= 5;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, b, n);
	out[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (out[i] == '/' || out[i] == ',' || (unsigned char)out[i] < 0x20)
			out[i] = '_';
}

static int name_taken(const struct merge_input *in, size_t upto, const char *name)
{
	for (size_t i = 0; i < upto; i++)
		if (strcmp(in[i].name, name) == 0)
			return 1;
	return 0;
}

/* 1 when another input's page loads have the variant of input I too. */
static int variant_shared(const struct merge_input *in, size_t n, size_t i)
{
	for (size_t k = 0; k < n; k++)
		if (k != i && same_variant(in[k].variant, in[i].variant))
			return 1;
	return 0;
}

/* The columns' names: given, else the variant, else the file's base name. */
static int input_names(struct merge_input *in, size_t n, const char *const *names, char *err,
		       size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		const char *given = names ? names[i] : NULL;
		if (given) {
			if (!name_ok(given)) {
				snprintf(err, errlen,
					 "'%s' cannot name a column: 1 to %d characters, no '/' or ','", given,
					 MERGE_NAME_MAX);
				return -1;
			}
			snprintf(in[i].name, sizeof(in[i].name), "%s", given);
		} else if (in[i].variant && name_ok(in[i].variant) && !variant_shared(in, n, i)) {
			snprintf(in[i].name, sizeof(in[i].name), "%s", in[i].variant);
		} else {
			base_name(in[i].path, in[i].name, sizeof(in[i].name));
		}
		if (in[i].name[0] == '\0' || name_taken(in, i, in[i].name)) {
			snprintf(err, errlen, "two columns would be named '%s': name them with --as NAME,NAME",
				 in[i].name);
			return -1;
		}
	}
	return 0;
}

/* Step K's label: each column's request ("GET /mission"), the different ones joined by " | ". */
static void step_label(const struct merge_input *in, size_t n, size_t k, char *out, size_t outlen)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (k >= in[i].nload)
			continue;
		const struct trace_event *ev = &in[i].ev[in[i].keep[in[i].load[k]]];
		const char *method = trace_event_string(ev, "method");
		char one[512];
		snprintf(one, sizeof(one), "%s %s", method ? method : "?",
			 trace_path_unprefixed(trace_event_string(ev, "path"), ev->variant));
		int seen = 0;
		for (const char *p = out; (p = strstr(p, one)) != NULL; p++) {
			size_t len = strlen(one);
			if ((p == out || (p >= out + 3 && strncmp(p - 3, " | ", 3) == 0)) &&
			    (p[len] == '\0' || strncmp(p + len, " | ", 3) == 0)) {
				seen = 1;
				break;
			}
		}
		if (!seen) {
			int w = snprintf(out + used, outlen - used, "%s%s", used ? " | " : "", one);
			used = w < 0 || (size_t)w >= outlen - used ? outlen - 1 : used + (size_t)w;
		}
	}
}

/* Write the merged trace of the N inputs at OUT. */
static int write_merged(const struct merge_input *in, size_t n, const char *out, char *err,
			size_t errlen)
{
	char title[1024], label[1024];
	size_t used = 0, steps = 0;

	used = (size_t)snprintf(title, sizeof(title), "page loads side by side:");
	for (size_t i = 0; i < n && used < sizeof(title); i++)
		used += (size_t)snprintf(title + used, sizeof(title) - used, "%s %s (%s)", i ? "," : "",
					 in[i].name, in[i].path);
	cJSON *start = cJSON_CreateObject();
	cJSON_AddStringToObject(start, "title", title);
	cJSON *from = cJSON_AddArrayToObject(start, "merged_from");
	cJSON *vs = cJSON_AddArrayToObject(start, "variants");
	for (size_t i = 0; i < n; i++) {
		cJSON_AddItemToArray(from, cJSON_CreateString(in[i].path));
		cJSON_AddItemToArray(vs, cJSON_CreateString(in[i].name));
		if (in[i].nload > steps)
			steps = in[i].nload;
	}
	struct trace *t = trace_open(out, "lvtrace merge", start, err, errlen);
	if (!t)
		return -1;

	/* each step starts after the last event of the one before, in every
	 * column; within a step each column keeps its own times */
	uint64_t t0 = 0, last = 0;
	for (size_t k = 0; k < steps; k++) {
		step_label(in, n, k, label, sizeof(label));
		for (size_t i = 0; i < n; i++) {
			const struct merge_input *c = &in[i];
			if (k >= c->nload)
				continue;
			size_t from_i = c->load[k], to = k + 1 < c->nload ? c->load[k + 1] : c->nkeep;
			cJSON *f = cJSON_CreateObject();
			cJSON_AddNumberToObject(f, "step", (double)k + 1);
			cJSON_AddStringToObject(f, "kind", "visit");
			cJSON_AddStringToObject(f, "text", label);
			trace_emit_at(t, t0, TRACE_EV_SCENARIO_STEP, "merge", c->name, f);
			if (k == 0) {
				/* the counters count from the first page load on */
				f = cJSON_CreateObject();
				cJSON_AddStringToObject(f, "label", "page load 1");
				trace_emit_at(t, t0, TRACE_EV_SCENARIO_MARK, "merge", c->name, f);
			}
			long long base = c->ev[c->keep[from_i]].t_us;
			for (size_t p = from_i; p < to; p++) {
				const struct trace_event *ev = &c->ev[c->keep[p]];
				long long d = ev->t_us - base;
				uint64_t at = t0 + (d > 0 ? (uint64_t)d : 0);
				if (at > last)
					last = at;
				trace_emit_copy(t, at, ev, c->name);
			}
		}
		t0 = last + 1;
	}
	cJSON *stop = cJSON_CreateObject();
	cJSON_AddStringToObject(stop, "merged_by", "lvtrace merge");
	trace_emit_at(t, last, TRACE_EV_TRACE_STOP, "app", NULL, stop);
	if (trace_close(t) < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", out, strerror(errno));
		return -1;
	}
	return 0;
}

int merge_traces(const char *const *paths, size_t n, const char *const *names, const char *out,
		 char *err, size_t errlen)
{
	struct merge_input in[MERGE_MAX_TRACES];
	size_t nin = 0;
	int rc = -1;

	if (n == 0 || n > MERGE_MAX_TRACES) {
		snprintf(err, errlen, "%zu traces: side by side there are 1 to %d columns", n,
			 MERGE_MAX_TRACES);
		return -1;
	}
	for (; nin < n; nin++) {
		in[nin] = (struct merge_input){.path = paths[nin]};
		if (input_read(&in[nin], err, errlen) < 0 || input_page_loads(&in[nin], err, errlen) < 0) {
			nin++;
			goto out;
		}
	}
	if (input_names(in, n, names, err, errlen) < 0)
		goto out;
	rc = write_merged(in, n, out, err, errlen);
out:
	for (size_t i = 0; i < nin; i++)
		input_release(&in[i]);
	return rc;
}
