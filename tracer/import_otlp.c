/*
 * import_otlp.c: OTLP/JSON trace data into an lvtrace trace. Reads every
 * span of every line (checked: a line that is not OTLP is an error with
 * its place), links each to its parent, says what it is (an HTTP server
 * span, a LiveView callback, a database call, something else) and writes
 * the events lvdemo would have written, in time order, through the trace
 * library. What the span names and attributes are is taken from the
 * instrumentation libraries (see tests/fixtures/otlp/make-fixtures).
 */
#include "import_otlp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_get.h"

#define NO_SPAN SIZE_MAX
#define OTLP_DEPTH_MAX 256 /* spans nested deeper are refused: a loop of parents is one */

enum role {
	R_OTHER, /* kept as a span event */
	R_HTTP,	 /* an HTTP server span: a request */
	R_LIVE,	 /* a LiveView callback: <View>.mount, .handle_params, .handle_event#<event>, .render */
	R_DB,	 /* a database call: db.query.text or db.statement */
};

enum live_kind { LK_MOUNT, LK_HANDLE_PARAMS, LK_HANDLE_EVENT, LK_RENDER };

static const struct {
	const char *suffix; /* after "<View>." */
	const char *prefix; /* the event's span prefix */
	const char *phase;  /* the phase's first word */
} live_kinds[] = {
	[LK_MOUNT] = {"mount", TRACE_SPAN_MOUNT, "mount"},
	[LK_HANDLE_PARAMS] = {"handle_params", TRACE_SPAN_HANDLE_PARAMS, "handle_params"},
	[LK_HANDLE_EVENT] = {"handle_event#", TRACE_SPAN_HANDLE_EVENT, "handle_event"},
	[LK_RENDER] = {"render", TRACE_SPAN_RENDER, "render"},
};

static const char *const kind_names[] = {"unspecified", "internal", "server", "client", "producer",
					 "consumer"};

struct span {
	char trace_id[33];
	char span_id[17];
	char parent_id[17]; /* "" for a root */
	char *name;
	int kind; /* 0 to 5, as OTLP numbers them */
	uint64_t start_ns, end_ns;
	cJSON *attrs; /* the attributes as an object of plain values (owned) */
	long line;
	size_t parent; /* index, NO_SPAN for a root (or a parent not in the file) */

	enum role role;
	enum live_kind live;
	char *view;  /* R_LIVE: the view's module; handle_event: EVENT after it */
	char *event; /* R_LIVE handle_event: the event's name */
	char phase[TRACE_PHASE_MAX]; /* the phase its events carry, "" when none */
	int connected;		     /* R_LIVE: no HTTP span above it */
	char conn[32];
};

struct otlp {
	struct span *s;
	size_t n, cap;
};

/* ------------------------------------------------------------ reading */

struct reader {
	const char *name;
	long line;
	char *err;
	size_t errlen;
	char where[160]; /* "resourceSpans[0].scopeSpans[1].spans[2]" */
};

__attribute__((format(printf, 2, 3))) static int bad(struct reader *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errlen, "%s:%ld: %s%s%s", r->name, r->line, r->where, r->where[0] ? ": " : "", msg);
	return -1;
}

/* HEX (LEN digits, any case) into OUT, lower case; "" accepted when EMPTY_OK. */
static int read_id(struct reader *r, const cJSON *sp, const char *key, size_t len, int empty_ok, char *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(sp, key);
	out[0] = '\0';
	if (!v && empty_ok)
		return 0;
	if (!cJSON_IsString(v))
		return bad(r, "%s is missing or not a string", key);
	size_t n = strlen(v->valuestring);
	if (n == 0 && empty_ok)
		return 0;
	if (n != len || strspn(v->valuestring, "0123456789abcdefABCDEF") != len)
		return bad(r, "%s is not %zu hex digits", key, len);
	for (size_t i = 0; i < len; i++) {
		char c = v->valuestring[i];
		out[i] = c >= 'A' && c <= 'F' ? (char)(c - 'A' + 'a') : c;
	}
	out[len] = '\0';
	return 0;
}

/* A uint64 written as a decimal string (the JSON mapping's way) or as a number. */
static int read_u64(struct reader *r, const cJSON *sp, const char *key, uint64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(sp, key);
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1.8e19) {
		*out = (uint64_t)v->valuedouble;
		return 0;
	}
	if (!cJSON_IsString(v))
		return bad(r, "%s is missing or not a decimal string", key);
	const char *s = v->valuestring;
	size_t n = strlen(s);
	if (n == 0 || n > 20 || strspn(s, "0123456789") != n)
		return bad(r, "%s is not a decimal number: '%.40s'", key, s);
	errno = 0;
	unsigned long long x = strtoull(s, NULL, 10);
	if (errno)
		return bad(r, "%s is out of range: '%s'", key, s);
	*out = (uint64_t)x;
	return 0;
}

/* An AnyValue ({"stringValue": ...} and the others) as a plain cJSON value, or NULL when it is none. */
static cJSON *any_value(const cJSON *v, int depth)
{
	const cJSON *x;
	if (!cJSON_IsObject(v) || depth > 8)
		return NULL;
	if (cJSON_IsString(x = cJSON_GetObjectItemCaseSensitive(v, "stringValue")))
		return cJSON_CreateString(x->valuestring);
	if ((x = cJSON_GetObjectItemCaseSensitive(v, "intValue"))) {
		/* int64 is a decimal string in the JSON mapping; a number is accepted too */
		if (cJSON_IsNumber(x))
			return cJSON_CreateNumber(x->valuedouble);
		if (cJSON_IsString(x)) {
			char *end;
			errno = 0;
			long long n = strtoll(x->valuestring, &end, 10);
			if (!errno && end != x->valuestring && !*end)
				return cJSON_CreateNumber((double)n);
		}
		return NULL;
	}
	if ((x = cJSON_GetObjectItemCaseSensitive(v, "doubleValue"))) {
		if (cJSON_IsNumber(x))
			return cJSON_CreateNumber(x->valuedouble);
		/* "NaN", "Infinity": kept as written */
		return cJSON_IsString(x) ? cJSON_CreateString(x->valuestring) : NULL;
	}
	if (cJSON_IsBool(x = cJSON_GetObjectItemCaseSensitive(v, "boolValue")))
		return cJSON_CreateBool(cJSON_IsTrue(x));
	if (cJSON_IsString(x = cJSON_GetObjectItemCaseSensitive(v, "bytesValue")))
		return cJSON_CreateString(x->valuestring); /* base64, as written */
	if ((x = cJSON_GetObjectItemCaseSensitive(v, "arrayValue"))) {
		cJSON *arr = cJSON_CreateArray(), *e;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(x, "values"))
		{
			cJSON *c = any_value(e, depth + 1);
			if (c)
				cJSON_AddItemToArray(arr, c);
		}
		return arr;
	}
	if ((x = cJSON_GetObjectItemCaseSensitive(v, "kvlistValue"))) {
		cJSON *obj = cJSON_CreateObject(), *e;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(x, "values"))
		{
			const char *k = json_str(e, "key");
			cJSON *c = k ? any_value(cJSON_GetObjectItemCaseSensitive(e, "value"), depth + 1) : NULL;
			if (c)
				cJSON_AddItemToObject(obj, k, c);
		}
		return obj;
	}
	return NULL;
}

static int read_attrs(struct reader *r, const cJSON *sp, cJSON **out)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(sp, "attributes"), *kv;
	*out = cJSON_CreateObject();
	if (!*out)
		return bad(r, "out of memory");
	if (!a)
		return 0;
	if (!cJSON_IsArray(a))
		return bad(r, "attributes is not an array");
	size_t i = 0;
	cJSON_ArrayForEach(kv, a)
	{
		const char *k = json_str(kv, "key");
		if (!k)
			return bad(r, "attributes[%zu] has no string key", i);
		cJSON *v = any_value(cJSON_GetObjectItemCaseSensitive(kv, "value"), 0);
		if (v && !cJSON_GetObjectItemCaseSensitive(*out, k))
			cJSON_AddItemToObject(*out, k, v);
		else
			cJSON_Delete(v);
		i++;
	}
	return 0;
}

/* SPAN_KIND_SERVER or 2. */
static int read_kind(struct reader *r, const cJSON *sp, int *kind)
{
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(sp, "kind");
	*kind = 0;
	if (!k)
		return 0;
	if (cJSON_IsNumber(k) && k->valuedouble >= 0 && k->valuedouble <= 5 &&
	    k->valuedouble == (int)k->valuedouble) {
		*kind = (int)k->valuedouble;
		return 0;
	}
	if (cJSON_IsString(k) && strncmp(k->valuestring, "SPAN_KIND_", 10) == 0)
		for (int i = 0; i < 6; i++) {
			char want[32];
			snprintf(want, sizeof(want), "%s", kind_names[i]);
			for (char *c = want; *c; c++)
				*c = (char)(*c - 'a' + 'A');
			if (strcmp(k->valuestring + 10, want) == 0) {
				*kind = i;
				return 0;
			}
		}
	return bad(r, "kind is not a span kind (0 to 5, or SPAN_KIND_SERVER and the others)");
}

static void span_release(struct span *s)
{
	free(s->name);
	free(s->view);
	free(s->event);
	cJSON_Delete(s->attrs);
}

static int read_span(struct otlp *o, struct reader *r, const cJSON *sp)
{
	if (!cJSON_IsObject(sp))
		return bad(r, "a span is not an object");
	if (o->n == OTLP_SPANS_MAX)
		return bad(r, "more than %d spans: split the file", OTLP_SPANS_MAX);
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 256;
		struct span *g = realloc(o->s, cap * sizeof(*g));
		if (!g)
			return bad(r, "out of memory");
		o->s = g;
		o->cap = cap;
	}
	struct span *s = &o->s[o->n];
	memset(s, 0, sizeof(*s));
	s->line = r->line;
	s->parent = NO_SPAN;
	const char *name = json_str(sp, "name");
	int rc = -1;
	if (!name) {
		bad(r, "name is missing or not a string");
		goto out;
	}
	if (read_id(r, sp, "traceId", 32, 0, s->trace_id) < 0 || read_id(r, sp, "spanId", 16, 0, s->span_id) < 0 ||
	    read_id(r, sp, "parentSpanId", 16, 1, s->parent_id) < 0 || read_kind(r, sp, &s->kind) < 0 ||
	    read_u64(r, sp, "startTimeUnixNano", &s->start_ns) < 0 ||
	    read_u64(r, sp, "endTimeUnixNano", &s->end_ns) < 0 || read_attrs(r, sp, &s->attrs) < 0)
		goto out;
	if (s->end_ns < s->start_ns) {
		bad(r, "endTimeUnixNano is before startTimeUnixNano");
		goto out;
	}
	if (!(s->name = strdup(name))) {
		bad(r, "out of memory");
		goto out;
	}
	o->n++;
	return 0;
out:
	span_release(s);
	return rc;
}

/* An array member KEY of OBJ (absent: none), else an error. */
static int array_of(struct reader *r, const cJSON *obj, const char *key, const cJSON **out)
{
	*out = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (*out && !cJSON_IsArray(*out))
		return bad(r, "%s is not an array", key);
	return 0;
}

static int read_request(struct otlp *o, struct reader *r, const cJSON *req)
{
	const cJSON *rss, *rs;
	size_t i = 0;

	if (!cJSON_IsObject(req))
		return bad(r, "not an ExportTraceServiceRequest object");
	if (array_of(r, req, "resourceSpans", &rss) < 0)
		return -1;
	if (!rss)
		return bad(r, "no resourceSpans: not OTLP trace data");
	cJSON_ArrayForEach(rs, rss)
	{
		const cJSON *sss, *ss;
		size_t j = 0;
		snprintf(r->where, sizeof(r->where), "resourceSpans[%zu]", i);
		if (!cJSON_IsObject(rs))
			return bad(r, "not an object");
		if (array_of(r, rs, "scopeSpans", &sss) < 0)
			return -1;
		if (!sss && array_of(r, rs, "instrumentationLibrarySpans", &sss) < 0) /* before OTLP 0.15 */
			return -1;
		cJSON_ArrayForEach(ss, sss)
		{
			const cJSON *spans, *sp;
			size_t k = 0;
			snprintf(r->where, sizeof(r->where), "resourceSpans[%zu].scopeSpans[%zu]", i, j);
			if (!cJSON_IsObject(ss))
				return bad(r, "not an object");
			if (array_of(r, ss, "spans", &spans) < 0)
				return -1;
			cJSON_ArrayForEach(sp, spans)
			{
				snprintf(r->where, sizeof(r->where), "resourceSpans[%zu].scopeSpans[%zu].spans[%zu]", i, j, k);
				if (read_span(o, r, sp) < 0)
					return -1;
				k++;
			}
			j++;
		}
		i++;
	}
	r->where[0] = '\0';
	return 0;
}

/* The next line of IN into *BUF (without its newline), at most OTLP_LINE_MAX bytes. 1, 0 at the end, -1. */
static int read_line(FILE *in, struct reader *r, char **buf, size_t *cap, size_t *len)
{
	size_t n = 0;
	int c;
	if (!*buf) {
		/* an empty first line is a line too: it needs its NUL */
		if (!(*buf = malloc(65536)))
			return bad(r, "out of memory");
		*cap = 65536;
	}
	while ((c = getc(in)) != EOF && c != '\n') {
		if (n == OTLP_LINE_MAX)
			return bad(r, "line longer than %d bytes", OTLP_LINE_MAX);
		if (n + 1 >= *cap) {
			size_t ncap = *cap ? *cap * 2 : 65536;
			char *g = realloc(*buf, ncap);
			if (!g)
				return bad(r, "out of memory");
			*buf = g;
			*cap = ncap;
		}
		(*buf)[n++] = (char)c;
	}
	if (ferror(in))
		return bad(r, "cannot read: %s", strerror(errno));
	if (c == EOF && n == 0)
		return 0;
	if (n && (*buf)[n - 1] == '\r')
		n--;
	(*buf)[n] = '\0';
	*len = n;
	return 1;
}

/* ------------------------------------------------------------ the tree */

static int cmp_ids(const struct span *a, const struct span *b)
{
	int c = strcmp(a->trace_id, b->trace_id);
	return c ? c : strcmp(a->span_id, b->span_id);
}

static const struct otlp *sort_o; /* qsort has no argument: the one sort in progress */

static int cmp_index_ids(const void *x, const void *y)
{
	return cmp_ids(&sort_o->s[*(const size_t *)x], &sort_o->s[*(const size_t *)y]);
}

/* Link each span to its parent (by trace and span id): 0, or -1 with ERR for a loop or too deep a tree. */
static int link_parents(struct otlp *o, const char *name, char *err, size_t errlen)
{
	size_t *by = malloc((o->n + 1) * sizeof(*by));
	if (!by) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	for (size_t i = 0; i < o->n; i++)
		by[i] = i;
	sort_o = o;
	qsort(by, o->n, sizeof(*by), cmp_index_ids);
	for (size_t i = 0; i < o->n; i++) {
		struct span *s = &o->s[i];
		if (!s->parent_id[0])
			continue;
		struct span key;
		memcpy(key.trace_id, s->trace_id, sizeof(key.trace_id));
		memcpy(key.span_id, s->parent_id, sizeof(key.span_id));
		size_t lo = 0, hi = o->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = cmp_ids(&o->s[by[mid]], &key);
			if (c == 0) {
				s->parent = by[mid];
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	free(by);
	/* no loops: every span reaches a root within OTLP_DEPTH_MAX parents */
	for (size_t i = 0; i < o->n; i++) {
		size_t p = i;
		int d = 0;
		while (p != NO_SPAN && d <= OTLP_DEPTH_MAX)
			p = o->s[p].parent, d++;
		if (p != NO_SPAN) {
			snprintf(err, errlen, "%s:%ld: span %s: its parents loop, or are nested deeper than %d", name,
				 o->s[i].line, o->s[i].span_id, OTLP_DEPTH_MAX);
			return -1;
		}
	}
	return 0;
}

static const char *attr_str(const struct span *s, const char *key)
{
	return json_str(s->attrs, key);
}

/* An HTTP span of LiveView's socket: answered 101, or to its /websocket or /longpoll path. */
static int is_upgrade(const struct span *s)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(s->attrs, "http.response.status_code");
	if (!st)
		st = cJSON_GetObjectItemCaseSensitive(s->attrs, "http.status_code");
	if (cJSON_IsNumber(st) && st->valuedouble == 101)
		return 1;
	const char *path = attr_str(s, "url.path") ? attr_str(s, "url.path") : attr_str(s, "http.target");
	if (!path)
		return 0;
	size_t n = strcspn(path, "?");
	return (n >= 10 && strncmp(path + n - 10, "/websocket", 10) == 0) ||
	       (n >= 9 && strncmp(path + n - 9, "/longpoll", 9) == 0);
}

/* What span S is, from its name and attributes. 0, or -1 when out of memory. */
static int classify(struct span *s)
{
	/* opentelemetry_ecto: db.query.text (semantic conventions 1.26 on), db.statement before */
	if (attr_str(s, "db.query.text") || attr_str(s, "db.statement")) {
		s->role = R_DB;
		return 0;
	}
	/* opentelemetry_phoenix: "#{inspect(live_view)}.mount" and the others, no blank in them */
	const char *dot = NULL;
	if (!strchr(s->name, ' ') && !cJSON_GetObjectItemCaseSensitive(s->attrs, "live_view.module")) {
		for (size_t k = 0; k < sizeof(live_kinds) / sizeof(live_kinds[0]) && !dot; k++) {
			const char *suf = live_kinds[k].suffix;
			size_t sl = strlen(suf);
			for (const char *p = strchr(s->name, '.'); p; p = strchr(p + 1, '.')) {
				int hit = k == LK_HANDLE_EVENT ? strncmp(p + 1, suf, sl) == 0 && p[1 + sl]
							       : strcmp(p + 1, suf) == 0;
				if (hit && p > s->name) {
					dot = p;
					s->live = (enum live_kind)k;
					break;
				}
			}
		}
	}
	if (dot) {
		/* "MyAppWeb.UserLive.Index" is "UserLive.Index", as the Elixir handler
		 * writes it: the app's web namespace is the same on every row */
		const char *view = s->name, *first = strchr(s->name, '.');
		if (first && first < dot && first - s->name >= 3 && strncmp(first - 3, "Web", 3) == 0)
			view = first + 1;
		size_t vl = (size_t)(dot - view);
		if (vl >= 96) /* a phase's view is at most 95 bytes */
			vl = 95;
		s->role = R_LIVE;
		if (!(s->view = strndup(view, vl)))
			return -1;
		if (s->live == LK_HANDLE_EVENT && !(s->event = strdup(dot + 1 + strlen("handle_event#"))))
			return -1;
		return 0;
	}
	/* the HTTP server span of opentelemetry_cowboy or opentelemetry_bandit (renamed by
	 * opentelemetry_phoenix); the socket's upgrade is one too (bandit makes a span of every
	 * request), but no page load: its mounts are the join's, kept as a span */
	if (s->kind == 2 && (attr_str(s, "http.request.method") || attr_str(s, "http.method"))) {
		s->role = is_upgrade(s) ? R_OTHER : R_HTTP;
		return 0;
	}
	s->role = R_OTHER;
	return 0;
}

/* The nearest ancestor of S (not S) of ROLE, or NO_SPAN. */
static size_t ancestor(const struct otlp *o, size_t i, enum role role)
{
	for (size_t p = o->s[i].parent; p != NO_SPAN; p = o->s[p].parent)
		if (o->s[p].role == role)
			return p;
	return NO_SPAN;
}

/* The phase of LiveView span L: "mount:dead:View", "handle_event:connected:View". */
static void live_phase(const struct span *l, int connected, char *out, size_t len)
{
	snprintf(out, len, "%s:%s:%s", live_kinds[l->live].phase, connected ? "connected" : "dead", l->view);
}

/* ------------------------------------------------------------ writing */

/* One line to write: a span's start, its stop, or its only event. */
struct item {
	uint64_t t_ns; /* made non-decreasing within its root: the tree's order wins over skewed clocks */
	size_t root_order, pos;
	size_t span;
	int what; /* 0 start (or the one event), 1 stop */
};

static int cmp_items(const void *x, const void *y)
{
	const struct item *a = x, *b = y;
	if (a->t_ns != b->t_ns)
		return a->t_ns < b->t_ns ? -1 : 1;
	if (a->root_order != b->root_order)
		return a->root_order < b->root_order ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int cmp_index_start(const void *x, const void *y)
{
	const struct span *a = &sort_o->s[*(const size_t *)x], *b = &sort_o->s[*(const size_t *)y];
	if (a->start_ns != b->start_ns)
		return a->start_ns < b->start_ns ? -1 : 1;
	return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

struct walk {
	struct otlp *o;
	size_t *kids, *kid_at; /* children by start: kids[kid_at[i] .. kid_at[i+1]) */
	struct item *items;
	size_t nitems;
	unsigned long http, ws;
	struct { const char *view; unsigned long ws; } views[256]; /* a view's latest socket */
	size_t nviews;
};

static void ws_for(struct walk *w, const struct span *s, char *conn, size_t len)
{
	size_t k = 0;
	while (k < w->nviews && strcmp(w->views[k].view, s->view) != 0)
		k++;
	if (s->live == LK_MOUNT || k == w->nviews) {
		unsigned long id = ++w->ws;
		if (k == w->nviews && k < sizeof(w->views) / sizeof(w->views[0]))
			w->views[w->nviews++].view = s->view;
		if (k < w->nviews)
			w->views[k].ws = id;
		snprintf(conn, len, "ws:%lu", id);
		return;
	}
	snprintf(conn, len, "ws:%lu", w->views[k].ws);
}

/* The conn and phase of span I and its tree, in order; its items appended. */
static void walk_tree(struct walk *w, size_t i, size_t root_order, uint64_t *t_floor)
{
	struct span *s = &w->o->s[i];
	const struct span *par = s->parent != NO_SPAN ? &w->o->s[s->parent] : NULL;

	/* its conn: a request's own, a LiveView socket's, else its parent's */
	int has_http = s->role == R_HTTP || ancestor(w->o, i, R_HTTP) != NO_SPAN;
	if (s->role == R_HTTP)
		snprintf(s->conn, sizeof(s->conn), "http:%lu", ++w->http);
	else if (s->role == R_LIVE && !has_http && (!par || strcmp(par->conn, "app") == 0))
		ws_for(w, s, s->conn, sizeof(s->conn));
	else
		snprintf(s->conn, sizeof(s->conn), "%s", par ? par->conn : "app");

	/* its phase: the LiveView callback it is in (dead under a request), else the
	 * router's pipeline when under a request (the plug is not known: "pipeline") */
	size_t lv = s->role == R_LIVE ? i : ancestor(w->o, i, R_LIVE);
	if (lv != NO_SPAN) {
		struct span *l = &w->o->s[lv];
		l->connected = ancestor(w->o, lv, R_HTTP) == NO_SPAN;
		live_phase(l, l->connected, s->phase, sizeof(s->phase));
	} else if (has_http && s->role != R_HTTP) {
		snprintf(s->phase, sizeof(s->phase), "plug:pipeline");
	}

	uint64_t t = s->start_ns > *t_floor ? s->start_ns : *t_floor;
	*t_floor = t;
	/* a query is written when it ends, as lvdemo's SQLite hook writes it; the rest at their start */
	if (s->role != R_DB) {
		size_t pos = w->nitems++;
		w->items[pos] = (struct item){t, root_order, pos, i, 0};
	}
	for (size_t k = w->kid_at[i]; k < w->kid_at[i + 1]; k++)
		walk_tree(w, w->kids[k], root_order, t_floor);
	if (s->role == R_HTTP || s->role == R_LIVE || s->role == R_DB) {
		t = s->end_ns > *t_floor ? s->end_ns : *t_floor;
		*t_floor = t;
		size_t pos = w->nitems++;
		w->items[pos] = (struct item){t, root_order, pos, i, s->role == R_DB ? 0 : 1};
	}
}

static long long dur_us(const struct span *s)
{
	return (long long)((s->end_ns - s->start_ns) / 1000u);
}

/* The fields of item IT's event, and its name. NULL when out of memory. */
static cJSON *item_fields(const struct span *s, int stop, const char **event, char *name, size_t len,
			  struct otlp_counts *c)
{
	cJSON *f = cJSON_CreateObject();
	if (!f)
		return NULL;
	switch (s->role) {
	case R_HTTP: {
		const char *method = attr_str(s, "http.request.method") ? attr_str(s, "http.request.method")
									 : attr_str(s, "http.method");
		/* url.path (and url.query) now, http.target (path and query) before */
		const char *path = attr_str(s, "url.path"), *target = attr_str(s, "http.target");
		const char *query = attr_str(s, "url.query");
		char pbuf[2048];
		if (!path && target) {
			size_t n = strcspn(target, "?");
			snprintf(pbuf, sizeof(pbuf), "%.*s", (int)n, target);
			path = pbuf;
			if (target[n] == '?')
				query = target + n + 1;
		}
		if (!path)
			path = attr_str(s, "http.route") ? attr_str(s, "http.route") : "?";
		snprintf(name, len, "endpoint.%s", stop ? "stop" : "start");
		cJSON_AddStringToObject(f, "method", method);
		cJSON_AddStringToObject(f, "path", path);
		if (!stop && query && query[0])
			cJSON_AddStringToObject(f, "query", query);
		if (stop) {
			const cJSON *st = cJSON_GetObjectItemCaseSensitive(s->attrs, "http.response.status_code");
			if (!st)
				st = cJSON_GetObjectItemCaseSensitive(s->attrs, "http.status_code");
			if (cJSON_IsNumber(st))
				cJSON_AddNumberToObject(f, "status", st->valuedouble);
			cJSON_AddNumberToObject(f, "duration_us", (double)dur_us(s));
		} else {
			c->requests++;
		}
		break;
	}
	case R_LIVE:
		snprintf(name, len, "%s.%s", live_kinds[s->live].prefix, stop ? "stop" : "start");
		cJSON_AddStringToObject(f, "view", s->view);
		cJSON_AddBoolToObject(f, "connected", s->connected);
		cJSON_AddBoolToObject(f, "child", 0);
		cJSON_AddStringToObject(f, "phase", s->phase);
		if (s->event)
			cJSON_AddStringToObject(f, "name", s->event);
		if (stop)
			cJSON_AddNumberToObject(f, "duration_us", (double)dur_us(s));
		else
			c->live_views++;
		break;
	case R_DB: {
		const char *sql = attr_str(s, "db.query.text") ? attr_str(s, "db.query.text") : attr_str(s, "db.statement");
		/* db.collection.name now, source before */
		const char *source = attr_str(s, "db.collection.name") ? attr_str(s, "db.collection.name")
								       : attr_str(s, "source");
		snprintf(name, len, "%s", TRACE_EV_REPO_QUERY);
		cJSON_AddStringToObject(f, "sql", sql);
		if (source)
			cJSON_AddStringToObject(f, "source", source);
		else
			cJSON_AddNullToObject(f, "source");
		cJSON_AddNumberToObject(f, "total_us", (double)dur_us(s));
		if (s->phase[0])
			cJSON_AddStringToObject(f, "phase", s->phase);
		c->queries++;
		break;
	}
	default:
		snprintf(name, len, "%s", TRACE_EV_SPAN);
		cJSON_AddStringToObject(f, "name", s->name);
		cJSON_AddStringToObject(f, "kind", kind_names[s->kind]);
		cJSON_AddNumberToObject(f, "duration_us", (double)dur_us(s));
		if (s->phase[0])
			cJSON_AddStringToObject(f, "phase", s->phase);
		cJSON_AddItemToObject(f, "attributes", cJSON_Duplicate(s->attrs, 1));
		c->others++;
	}
	*event = name;
	return f;
}

int otlp_write(struct otlp *o, struct trace *t, const char *variant, struct otlp_counts *c,
	       char *err, size_t errlen)
{
	struct walk w = {.o = o};
	size_t *roots = NULL, nroots = 0, *fill = NULL;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	c->spans = o->n;
	w.kids = malloc((o->n + 1) * sizeof(*w.kids));
	w.kid_at = calloc(o->n + 2, sizeof(*w.kid_at));
	fill = calloc(o->n + 1, sizeof(*fill));
	roots = malloc((o->n + 1) * sizeof(*roots));
	w.items = malloc((2 * o->n + 1) * sizeof(*w.items));
	if (!w.kids || !w.kid_at || !fill || !roots || !w.items) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* children by parent (counted, then placed), each list by start time */
	for (size_t i = 0; i < o->n; i++)
		if (o->s[i].parent != NO_SPAN)
			w.kid_at[o->s[i].parent + 1]++;
		else
			roots[nroots++] = i;
	for (size_t i = 0; i < o->n; i++)
		w.kid_at[i + 1] += w.kid_at[i];
	for (size_t i = 0; i < o->n; i++) {
		size_t p = o->s[i].parent;
		if (p != NO_SPAN)
			w.kids[w.kid_at[p] + fill[p]++] = i;
	}
	sort_o = o;
	for (size_t i = 0; i < o->n; i++)
		qsort(w.kids + w.kid_at[i], w.kid_at[i + 1] - w.kid_at[i], sizeof(*w.kids), cmp_index_start);
	qsort(roots, nroots, sizeof(*roots), cmp_index_start);
	for (size_t r = 0; r < nroots; r++) {
		uint64_t floor = 0;
		walk_tree(&w, roots[r], r, &floor);
	}
	qsort(w.items, w.nitems, sizeof(*w.items), cmp_items);

	/* t_us 0 is the first span's start, after the trace.start line the trace library wrote */
	uint64_t t0 = w.nitems ? w.items[0].t_ns : 0, base = trace_elapsed_us(t), last = base;
	for (size_t k = 0; k < w.nitems; k++) {
		const struct span *s = &o->s[w.items[k].span];
		const char *event;
		char name[64];
		cJSON *f = item_fields(s, w.items[k].what, &event, name, sizeof(name), c);
		last = base + (w.items[k].t_ns - t0) / 1000u;
		if (!f || trace_emit_at(t, last, event, s->conn, variant, f) < 0) {
			snprintf(err, errlen, "cannot write the trace: %s", f ? strerror(errno) : "out of memory");
			goto out;
		}
	}
	cJSON *stop = cJSON_CreateObject();
	cJSON_AddNumberToObject(stop, "statements", (double)c->queries);
	cJSON_AddStringToObject(stop, "imported_by", "lvtrace import");
	if (trace_emit_at(t, last, TRACE_EV_TRACE_STOP, "app", NULL, stop) < 0) {
		snprintf(err, errlen, "cannot write the trace: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(w.kids);
	free(w.kid_at);
	free(fill);
	free(roots);
	free(w.items);
	return rc;
}

/* ------------------------------------------------------------ public */

struct otlp *otlp_read(FILE *in, const char *name, char *err, size_t errlen)
{
	struct otlp *o = calloc(1, sizeof(*o));
	struct reader r = {.name = name, .err = err, .errlen = errlen};
	char *buf = NULL;
	size_t cap = 0, len = 0;
	int got;

	if (!o) {
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	while ((r.line++, got = read_line(in, &r, &buf, &cap, &len)) > 0) {
		if (strspn(buf, " \t") == len)
			continue; /* a blank line */
		const char *end = NULL;
		cJSON *req = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
		if (!req) {
			size_t col = end && end >= buf ? (size_t)(end - buf) + 1 : 1;
			snprintf(err, errlen, "%s:%ld:%zu: not JSON (cJSON stopped here)", name, r.line, col);
			goto fail;
		}
		size_t rest = end ? strspn(end, " \t") : 0;
		if (end && end + rest < buf + len) {
			snprintf(err, errlen, "%s:%ld:%zu: more after the JSON object", name, r.line,
				 (size_t)(end + rest - buf) + 1);
			cJSON_Delete(req);
			goto fail;
		}
		r.where[0] = '\0';
		int bad_line = read_request(o, &r, req) < 0;
		cJSON_Delete(req);
		if (bad_line)
			goto fail;
	}
	if (got < 0)
		goto fail;
	if (link_parents(o, name, err, errlen) < 0)
		goto fail;
	/* what each span is, once: otlp_write reads it */
	for (size_t i = 0; i < o->n; i++)
		if (classify(&o->s[i]) < 0) {
			snprintf(err, errlen, "%s: out of memory", name);
			goto fail;
		}
	free(buf);
	return o;
fail:
	free(buf);
	otlp_free(o);
	return NULL;
}

void otlp_free(struct otlp *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++)
		span_release(&o->s[i]);
	free(o->s);
	free(o);
}
