/*
 * test_trace.c: writing a trace (trace_open, trace_emit, spans) and reading
 * it back, and the reader's errors (trace.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "trace.h"

#define MAX_EVENTS 64

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/lvdemo-test-trace-XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/trace.jsonl", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	DIR *d = opendir(fx->dir);
	struct dirent *e;
	char p[512];

	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", fx->dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	int rc = rmdir(fx->dir);
	free(fx);
	return rc;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
	assert_int_equal(fclose(fp), 0);
}

static struct trace *open_trace(const char *path, const char *app, cJSON *fields)
{
	char err[256] = "";
	struct trace *t = trace_open(path, app, fields, err, sizeof(err));

	if (!t)
		fail_msg("trace_open(%s): %s", path, err);
	return t;
}

/* Read every event of PATH; fails the test on any reader error. */
static int read_all(const char *path, struct trace_event *ev, int max)
{
	char err[512] = "";
	struct trace_reader *r = trace_reader_open(path, err, sizeof(err));
	int n = 0, rc;

	if (!r)
		fail_msg("trace_reader_open(%s): %s", path, err);
	while ((rc = trace_reader_next(r, &ev[n], err, sizeof(err))) == 1) {
		n++;
		assert_true(n < max);
	}
	if (rc != 0)
		fail_msg("trace_reader_next(%s): %s", path, err);
	trace_reader_close(r);
	return n;
}

static void release_all(struct trace_event *ev, int n)
{
	for (int i = 0; i < n; i++)
		trace_event_release(&ev[i]);
}

static const cJSON *member(const struct trace_event *ev, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(ev->json, name);
}

static const char *string_member(const struct trace_event *ev, const char *name)
{
	const cJSON *v = member(ev, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/*
 * Read PATH expecting the reader to fail at line LINE (after LINE - 1 good
 * events); ERR gets the message, which must be "PATH:LINE:COLUMN: ...".
 * Returns the column.
 */
static long expect_reader_error(const char *path, long line, char *err, size_t errlen)
{
	struct trace_reader *r = trace_reader_open(path, err, errlen);
	struct trace_event ev;
	long good = 0, col;
	int rc;

	assert_non_null(r);
	while ((rc = trace_reader_next(r, &ev, err, errlen)) == 1) {
		trace_event_release(&ev);
		good++;
	}
	trace_reader_close(r);
	if (rc != -1)
		fail_msg("%s: reader returned %d after %ld events, expected an error at line %ld",
			 path, rc, good, line);
	assert_int_equal(good, line - 1);
	assert_null(ev.json); /* nothing to release after an error */

	char prefix[256];
	snprintf(prefix, sizeof(prefix), "%s:%ld:", path, line);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("message \"%s\" does not start with \"%s\"", err, prefix);
	char *end = NULL;
	col = strtol(err + strlen(prefix), &end, 10);
	if (end == err + strlen(prefix) || *end != ':' || col < 1)
		fail_msg("message \"%s\" has no column after \"%s\"", err, prefix);
	return col;
}

#define START_LINE "{\"seq\":1,\"t_us\":0,\"event\":\"trace.start\",\"conn\":\"app\"," \
		   "\"format\":\"lvtrace\",\"version\":1,\"app\":\"test\"}\n"

/* ------------------------------------------------------------ writing */

static void test_start_line(void **state)
{
	struct fixture *fx = *state;
	struct trace_event ev[MAX_EVENTS];
	cJSON *extra = cJSON_CreateObject();

	cJSON_AddNumberToObject(extra, "pid", 4242);
	cJSON_AddStringToObject(extra, "db", "lvdemo.db");
	struct trace *t = open_trace(fx->path, "lvdemo", extra);
	trace_close(t);

	int n = read_all(fx->path, ev, MAX_EVENTS);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].event, "trace.start");
	assert_int_equal(ev[0].seq, 1);
	assert_string_equal(ev[0].conn, "app");
	assert_null(ev[0].variant);
	assert_string_equal(string_member(&ev[0], "format"), "lvtrace");
	assert_string_equal(string_member(&ev[0], "format"), TRACE_FORMAT);
	assert_true(cJSON_IsNumber(member(&ev[0], "version")));
	assert_int_equal(member(&ev[0], "version")->valueint, 1);
	assert_int_equal(TRACE_VERSION, 1);
	assert_string_equal(string_member(&ev[0], "app"), "lvdemo");
	assert_int_equal(member(&ev[0], "pid")->valueint, 4242);
	assert_string_equal(string_member(&ev[0], "db"), "lvdemo.db");
	assert_true(cJSON_IsNumber(member(&ev[0], "t_us")));
	release_all(ev, n);

	/* and without extra fields */
	t = open_trace(fx->path, "other", NULL);
	trace_close(t);
	n = read_all(fx->path, ev, MAX_EVENTS);
	assert_int_equal(n, 1);
	assert_string_equal(string_member(&ev[0], "app"), "other");
	release_all(ev, n);
}

static void test_seq_and_members_of_every_line(void **state)
{
	struct fixture *fx = *state;
	struct trace_event ev[MAX_EVENTS];
	struct trace_context ctx;
	struct trace *t = open_trace(fx->path, "lvdemo", NULL);

	assert_int_equal(trace_emit(t, "app.ready", NULL), 0);
	trace_context_init(&ctx, "http", 3);
	trace_set_context(t, &ctx);
	assert_int_equal(trace_span_start(t, "plug", "router", NULL), 0);
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "path", "/users/log_in");
	assert_int_equal(trace_emit(t, "http.request", f), 0);
	assert_int_equal(trace_span_stop(t, NULL), 0);
	trace_set_context(t, NULL);
	assert_int_equal(trace_emit(t, "app.stop", NULL), 0);
	trace_close(t);

	int n = read_all(fx->path, ev, MAX_EVENTS);
	assert_int_equal(n, 6);
	static const char *const want[] = {"trace.start", "app.ready", "plug.start",
					   "http.request", "plug.stop", "app.stop"};
	long long last_t = 0;
	for (int i = 0; i < n; i++) {
		assert_int_equal(ev[i].seq, i + 1);
		assert_string_equal(ev[i].event, want[i]);
		/* every line has t_us, event and conn, first and in that order */
		const cJSON *c = ev[i].json->child;
		assert_string_equal(c->string, "seq");
		assert_string_equal(c->next->string, "t_us");
		assert_string_equal(c->next->next->string, "event");
		assert_string_equal(c->next->next->next->string, "conn");
		assert_true(cJSON_IsNumber(member(&ev[i], "t_us")));
		assert_true(ev[i].t_us >= last_t);
		last_t = ev[i].t_us;
		assert_non_null(ev[i].conn);
	}
	assert_string_equal(ev[1].conn, "app");
	assert_string_equal(ev[2].conn, "http:3");
	assert_string_equal(ev[3].conn, "http:3");
	assert_string_equal(string_member(&ev[3], "path"), "/users/log_in");
	assert_string_equal(ev[4].conn, "http:3");
	assert_string_equal(ev[5].conn, "app");
	release_all(ev, n);
}

static long file_lines(const char *path)
{
	FILE *fp = fopen(path, "r");
	long n = 0;
	int c;

	assert_non_null(fp);
	while ((c = fgetc(fp)) != EOF)
		n += c == '\n';
	fclose(fp);
	return n;
}

static void test_batching_writes_whole_lines_at_flush(void **state)
{
	struct fixture *fx = *state;
	struct trace_event ev[MAX_EVENTS];
	struct trace *t = open_trace(fx->path, "lvdemo", NULL);

	trace_set_batching(t, 1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(trace_emit(t, "app.tick", NULL), 0);
	/* only trace.start, written before batching */
	assert_int_equal(file_lines(fx->path), 1);
	assert_int_equal(trace_flush(t), 0);
	assert_int_equal(file_lines(fx->path), 4);
	assert_int_equal(trace_flush(t), 0); /* nothing more: a no-op */
	/* a batch past 64 KiB goes out without waiting for the flush */
	cJSON *f = cJSON_CreateObject();
	char *big = malloc(70000);
	memset(big, 'x', 69999);
	big[69999] = '\0';
	cJSON_AddStringToObject(f, "sql", big);
	free(big);
	assert_int_equal(trace_emit(t, "app.big", f), 0);
	assert_int_equal(file_lines(fx->path), 5);
	assert_int_equal(trace_emit(t, "app.last", NULL), 0);
	assert_int_equal(file_lines(fx->path), 5);
	/* closing flushes; batching off flushes too */
	trace_set_batching(t, 0);
	assert_int_equal(file_lines(fx->path), 6);
	assert_int_equal(trace_close(t), 0);
	int n = read_all(fx->path, ev, MAX_EVENTS);
	assert_int_equal(n, 6);
	for (int i = 0; i < n; i++)
		assert_int_equal(ev[i].seq, i + 1);
	assert_string_equal(ev[5].event, "app.last");
	release_all(ev, n);
}

static void test_line_members_are_the_writers(void **state)
{
	struct fixture *fx = *state;
	struct trace_event ev[MAX_EVENTS];
	struct trace_context ctx;
	struct trace *t = open_trace(fx->path, "lvdemo", NULL);

	/* a field may not shadow seq, t_us, event or conn; a member given twice is written once */
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "event", "forged");
	cJSON_AddNumberToObject(f, "seq", 99);
	cJSON_AddStringToObject(f, "key", "first");
	cJSON_AddStringToObject(f, "key", "second");
	cJSON_AddStringToObject(f, "variant", "kept: the line has none");
	assert_int_equal(trace_emit(t, "app.fields", f), 0);
	/* a conn and a variant JSON must escape still come out as JSON */
	trace_context_init(&ctx, "http", 1);
	strcpy(ctx.conn, "odd\"conn\\");
	strcpy(ctx.variant, "v\tariant");
	trace_set_context(t, &ctx);
	f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "variant", "dropped: the line has one");
	cJSON_AddNumberToObject(f, "n", 12345678901.0);
	assert_int_equal(trace_emit(t, "app.odd", f), 0);
	trace_set_context(t, NULL);
	assert_int_equal(trace_close(t), 0);

	int n = read_all(fx->path, ev, MAX_EVENTS);
	assert_int_equal(n, 3);
	assert_string_equal(ev[1].event, "app.fields");
	assert_int_equal(ev[1].seq, 2);
	assert_string_equal(string_member(&ev[1], "key"), "first");
	assert_string_equal(string_member(&ev[1], "variant"), "kept: the line has none");
	int keys = 0;
	for (const cJSON *c = ev[1].json->child; c; c = c->next)
		keys += strcmp(c->string, "key") == 0;
	assert_int_equal(keys, 1);
	assert_string_equal(ev[2].conn, "odd\"conn\\");
	assert_string_equal(string_member(&ev[2], "variant"), "v\tariant");
	assert_true(cJSON_GetObjectItemCaseSensitive(ev[2].json, "n")->valuedouble == 12345678901.0);
	release_all(ev, n);
}

/* Lines are printed as cJSON_PrintUnformatted prints the same object, byte
 * for byte, whatever the members: the writer's own printing of integers and
 * plain strings must agree with cJSON's, the rest is cJSON's. */
static void test_lines_print_as_cjson_does(void **state)
{
	struct fixture *fx = *state;
	static const double numbers[] = {0, -0.0, 1, -1, 42, 2147483647.0, 2147483648.0, -2147483649.0,
					 12345678901.0, 999999999999999.0, 1e15, -1e15, 1e20, 0.5, -3.25,
					 1.0 / 3.0, 123456.789, 1e-7};
	static const char *const strings[] = {"", "plain/path:1", "quote\"d", "back\\slash", "tab\there",
					      "new\nline", "caf\xc3\xa9", "\x01", "sql 'x' = ?",
					      /* what must be escaped at each place in eight bytes and past them */
					      "0123456\"89", "01234567\x7f9abcdef", "012345678\\", "0123456789abcde\x1f",
					      "0123456789abcdef\xe2\x82\xac", "SELECT u.id FROM users AS u WHERE u.x = ?1",
					      "0123456789abcdefghijklmnopqrstu\x20v"};
	struct trace *t = open_trace(fx->path, "lvdemo", NULL);
	cJSON *expected[64];
	int n = 0;

	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddNumberToObject(f, "n", numbers[i]);
		expected[n++] = cJSON_Duplicate(f, 1);
		assert_int_equal(trace_emit(t, "app.number", f), 0);
	}
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, strings[i], strings[i]);
		cJSON_AddBoolToObject(f, "b", (int)i % 2);
		cJSON_AddNullToObject(f, "z");
		cJSON *arr = cJSON_AddArrayToObject(f, "params");
		cJSON_AddItemToArray(arr, cJSON_CreateString(strings[i]));
		cJSON_AddItemToArray(arr, cJSON_CreateNumber(numbers[i]));
		cJSON *obj = cJSON_AddObjectToObject(f, "o");
		cJSON_AddNumberToObject(obj, "k", numbers[i + 1]);
		expected[n++] = cJSON_Duplicate(f, 1);
		assert_int_equal(trace_emit(t, "app.mixed", f), 0);
	}
	assert_int_equal(trace_close(t), 0);

	FILE *fp = fopen(fx->path, "r");
	char line[4096];
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof(line), fp)); /* trace.start */
	for (int i = 0; i < n; i++) {
		assert_non_null(fgets(line, sizeof(line), fp));
		line[strcspn(line, "\n")] = '\0';
		/* the same object, its own members first, as cJSON prints it */
		cJSON *want = cJSON_CreateObject();
		cJSON *got = cJSON_Parse(line);
		assert_non_null(got);
		cJSON_AddNumberToObject(want, "seq", i + 2);
		cJSON_AddItemToObject(want, "t_us", cJSON_Duplicate(cJSON_GetObjectItem(got, "t_us"), 1));
		cJSON_AddStringToObject(want, "event", i < (int)(sizeof(numbers) / sizeof(numbers[0])) ? "app.number" : "app.mixed");
		cJSON_AddStringToObject(want, "conn", "app");
		for (cJSON *c = expected[i]->child; c; c = c->next)
			cJSON_AddItemToObject(want, c->string, cJSON_Duplicate(c, 1));
		char *text = cJSON_PrintUnformatted(want);
		assert_string_equal(line, text);
		free(text);
		cJSON_Delete(want);
		cJSON_Delete(got);
		cJSON_Delete(expected[i]);
	}
	fclose(fp);
}

static void test_no_file_formats_only_for_a_tap(void **state)
{
	(void)state;
	char err[256];
	struct trace *t = trace_open(NULL, "lvdemo", NULL, err, sizeof(err));
	size_t len = 0;

	assert_non_null(t);
	/* the start line is there for a tap's first subscriber */
	const char *head = trace_head(t, &len);
	assert_non_null(head);
	assert_true(len > 0 && head[len - 1] == '\n');
	assert_int_equal(trace_emit(t, "app.tick", NULL), 0);
	assert_int_equal(trace_flush(t), 0);
	assert_int_equal(trace_failed(t), 0);
	assert_int_equal(trace_close(t), 0);
}

static void test_conn_and_variant_from_context(void **state)
{
	struct fixture *fx = *state;
	struct trace_event ev[MAX_EVENTS];
	struct trace_context a, b;
	struct trace *t = open_trace(fx->path, "lvdemo", NULL);

	trace_context_init(&a, "http", 7);
	trace_context_init(&b, "ws", 12);
	snprintf(b.variant, sizeof(b.variant), "%s", "B-eager");
	assert_string_equal(a.conn, "http:7");
	assert_int_equal(a.depth, 0);

	assert_null(trace_get_context(t));
	trace_set_context(t, &a);
	assert_ptr_equal(trace_get_context(t), &a);
	assert_int_equal(trace_emit(t, "one", NULL), 0);
	trace_set_context(t, &b);
	assert_int_equal(trace_emit(t, "two", NULL), 0);
	trace_set_context(t, &a);
	assert_int_equal(trace_emit(t, "three", NULL), 0);
	trace_set_context(t, NULL);
	assert_int_equal(trace_emit(t, "four", NULL), 0);
	trace_close(t);

	int n = read_all(fx->path, ev, MAX_EVENTS);
	assert_int_equal(n, 5);
	assert_string_equal(ev[1].conn, "http:7");
	assert_null(ev[1].variant);
	assert_null(member(&ev[1], "variant"));
	assert_string_equal(ev[2].conn, "ws:12");
	assert_non_null(ev[2].variant);
	assert_string_equal(ev[2].variant, "B-eager");
	/* variant comes right after conn */
	assert_string_equal(member(&ev[2], "conn")->next->string, "variant");
	assert_string_equal(ev[3].conn, "http:7");
	assert_null(ev[3].variant);
	assert_string_equal(ev[4].conn, "app");
	assert_null(ev[4].variant);
	release_all(ev, n);
}

/* A query in PHASE, as db.c writes it. */
static void emit_query(struct trace *t, const char *phase)
{
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "sql", "SELECT 1");
	cJSON_AddStringToObject(f, "phase", phase);
	assert_int_equal(trace_emit(t, TRACE_EV_REPO_QUERY, f), 0);
}

static void emit_assign_new(struct trace *t, int connected, const char *from)
{
	cJSON *f = cJSON_CreateObject();
	cJSON_AddBoolToObject(f, "connected", connected);
	cJSON_AddStringToObject(f, "from", from);
	assert_int_equal(trace_emit(t, TRACE_EV_ASSIGN_NEW, f), 0);
}

/* The tally counts what each context's lines say, and nothing of another context's. */
static void test_context_tally(void **state)
{
	struct fixture *fx = *state;
	struct trace_context a, b;
	struct trace *t = open_trace(fx->path, "lvdemo", NULL);

	trace_context_init(&a, "http", 1);
	trace_context_init(&b, "ws", 2);
	trace_set_context(t, &a);
	emit_query(t, "plug:fetch_current_user");
	emit_query(t, "mount:dead:MissionLive");
	emit_query(t, "mount:dead:CountdownLive");
	emit_query(t, "mount:connected:MissionLive/on_mount:mount_current_user");
	emit_query(t, "controller:UserSessionController.create");
	emit_assign_new(t, 0, "conn_assigns");
	emit_assign_new(t, 0, "socket_assigns");
	emit_assign_new(t, 0, "function"); /* ran its function: its query is its own line */
	emit_assign_new(t, 1, "parent_assigns");
	emit_assign_new(t, 1, "from_the_future");
	{
		cJSON *f = cJSON_CreateObject();
		cJSON_AddBoolToObject(f, "connected", 1);
		assert_int_equal(trace_emit(t, TRACE_EV_ASSIGN, f), 0);
	}
	assert_int_equal(trace_emit(t, "something.else", NULL), 0);
	trace_set_context(t, &b);
	emit_query(t, "plug:fetch_current_user");
	trace_set_context(t, NULL);
	emit_query(t, "startup"); /* no context: nobody's tally */
	trace_close(t);

	assert_int_equal(a.tally.queries[TG_PLUG], 1);
	assert_int_equal(a.tally.queries[TG_DEAD], 2);
	assert_int_equal(a.tally.queries[TG_CONNECTED], 1);
	assert_int_equal(a.tally.queries[TG_OTHER], 1);
	assert_int_equal(a.tally.assign_new[TG_DEAD][TF_CONN_ASSIGNS], 1);
	assert_int_equal(a.tally.assign_new[TG_DEAD][TF_SOCKET_ASSIGNS], 1);
	assert_int_equal(a.tally.assign_new[TG_DEAD][TF_PARENT_ASSIGNS], 0);
	assert_int_equal(a.tally.assign_new[TG_DEAD][TF_FUNCTION], 1);
	assert_int_equal(a.tally.assign_new[TG_CONNECTED][TF_PARENT_ASSIGNS], 1);
	assert_int_equal(a.tally.assign[TG_CONNECTED], 1);
	assert_int_equal(a.tally.assign[TG_DEAD], 0);
	/* a "from" this version does not know: counted as such */
	assert_int_equal(a.tally.assign_new[TG_CONNECTED][TF_NONE], 1);
	assert_int_equal(b.tally.queries[TG_PLUG], 1);
	assert_int_equal(b.tally.queries[TG_DEAD], 0);
	/* a new context starts at nothing */
	trace_context_init(&a, "http", 3);
	assert_int_equal(a.tally.queries[TG_PLUG], 0);
	assert_int_equal(a.tally.assign_new[TG_DEAD][TF_CONN_ASSIGNS], 0);
}

static void test_nested_spans_compose_phases(void **state)
{
	struct fixture *fx = *state;
	struct trace_event ev[MAX_EVENTS];
	struct trace_context ctx;
	struct trace *t = open_trace(fx->path, "lvdemo", NULL);

	trace_context_init(&ctx, "ws", 1);
	trace_set_context(t, &ctx);
	assert_string_equal(trace_current_phase(t), "startup");
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "view", "MissionLive");
	assert_int_equal(trace_span_start(t, "live", "mount:connected:MissionLive", f), 0);
	assert_string_equal(trace_current_phase(t), "mount:connected:MissionLive");
	assert_int_equal(trace_span_start(t, "plug", "fetch_current_user", NULL), 0);
	assert_string_equal(trace_current_phase(t),
			    "mount:connected:MissionLive/fetch_current_user");
	assert_int_equal(trace_span_start(t, "db", "query", NULL), 0);
	assert_string_equal(trace_current_phase(t),
			    "mount:connected:MissionLive/fetch_current_user/query");
	assert_int_equal(trace_emit(t, "inside", NULL), 0);
	assert_int_equal(trace_span_stop(t, NULL), 0);
	f = cJSON_CreateObject();
	cJSON_AddNumberToObject(f, "status", 200);
	assert_int_equal(trace_span_stop(t, f), 0);
	assert_string_equal(trace_current_phase(t), "mount:connected:MissionLive");
	assert_int_equal(trace_span_stop(t, NULL), 0);
	assert_string_equal(trace_current_phase(t), "startup");
	assert_int_equal(ctx.depth, 0);
	trace_close(t);

	int n = read_all(fx->path, ev, MAX_EVENTS);
	assert_int_equal(n, 8);
	assert_string_equal(ev[1].event, "live.start");
	assert_string_equal(ev[1].phase, "mount:connected:MissionLive");
	assert_string_equal(string_member(&ev[1], "view"), "MissionLive");
	assert_null(member(&ev[1], "duration_us"));
	assert_string_equal(ev[2].event, "plug.start");
	assert_string_equal(ev[2].phase, "mount:connected:MissionLive/fetch_current_user");
	assert_string_equal(ev[3].event, "db.start");
	assert_string_equal(ev[3].phase, "mount:connected:MissionLive/fetch_current_user/query");
	assert_string_equal(ev[4].event, "inside");
	assert_string_equal(ev[5].event, "db.stop");
	assert_string_equal(ev[5].phase, "mount:connected:MissionLive/fetch_current_user/query");
	assert_string_equal(ev[6].event, "plug.stop");
	assert_string_equal(ev[6].phase, "mount:connected:MissionLive/fetch_current_user");
	assert_int_equal(member(&ev[6], "status")->valueint, 200);
	assert_string_equal(ev[7].event, "live.stop");
	assert_string_equal(ev[7].phase, "mount:connected:MissionLive");

	/* every stop has a whole, non-negative duration; outer spans last longer */
	double d[3];
	for (int i = 0; i < 3; i++) {
		const cJSON *dur = member(&ev[5 + i], "duration_us");
		assert_true(cJSON_IsNumber(dur));
		assert_true(dur->valuedouble >= 0);
		assert_true(dur->valuedouble == (double)(long long)dur->valuedouble);
		d[i] = dur->valuedouble;
		assert_string_equal(ev[5 + i].conn, "ws:1");
	}
	assert_true(d[0] <= d[1]);
	assert_true(d[1] <= d[2]);
	/* a span cannot have lasted longer than the trace had, when it stopped */
	assert_true(d[2] <= (double)ev[7].t_us);
	release_all(ev, n);
}

static void test_span_stack_limit(void **state)
{
	struct fixture *fx = *state;
	struct trace_context ctx;
	struct trace *t = open_trace(fx->path, "lvdemo", NULL);

	trace_context_init(&ctx, "http", 1);
	trace_set_context(t, &ctx);
	for (int i = 0; i < TRACE_MAX_DEPTH; i++)
		assert_int_equal(trace_span_start(t, "s", "p", NULL), 0);
	assert_int_equal(ctx.depth, TRACE_MAX_DEPTH);
	assert_int_equal(trace_span_start(t, "s", "p", NULL), -1);
	assert_int_equal(ctx.depth, TRACE_MAX_DEPTH);
	for (int i = 0; i < TRACE_MAX_DEPTH; i++)
		assert_int_equal(trace_span_stop(t, NULL), 0);
	assert_int_equal(ctx.depth, 0);
	trace_close(t);

	struct trace_event ev[MAX_EVENTS];
	int n = read_all(fx->path, ev, MAX_EVENTS);
	assert_int_equal(n, 1 + 2 * TRACE_MAX_DEPTH);
	release_all(ev, n);
}

static void test_event_without_context_is_app(void **state)
{
	struct fixture *fx = *state;
	struct trace_event ev[MAX_EVENTS];
	struct trace *t = open_trace(fx->path, "lvdemo", NULL);

	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "listen", "127.0.0.1:4000");
	assert_int_equal(trace_emit(t, "app.listen", f), 0);
	assert_string_equal(trace_current_phase(t), "startup");
	trace_close(t);
	/* a NULL trace is a no-op */
	assert_int_equal(trace_emit(NULL, "nothing", cJSON_CreateObject()), 0);
	trace_close(NULL);

	int n = read_all(fx->path, ev, MAX_EVENTS);
	assert_int_equal(n, 2);
	assert_string_equal(ev[1].event, "app.listen");
	assert_string_equal(ev[1].conn, "app");
	assert_null(ev[1].variant);
	assert_null(ev[1].phase);
	assert_string_equal(string_member(&ev[1], "listen"), "127.0.0.1:4000");
	release_all(ev, n);
}

static void test_trace_open_failure(void **state)
{
	struct fixture *fx = *state;
	char path[256], err[256] = "";

	snprintf(path, sizeof(path), "%s/no/such/dir/trace.jsonl", fx->dir);
	assert_null(trace_open(path, "lvdemo", cJSON_CreateObject(), err, sizeof(err)));
	assert_non_null(strstr(err, path));
	err[0] = '\0';
	assert_null(trace_reader_open(path, err, sizeof(err)));
	assert_non_null(strstr(err, path));
}

/* ------------------------------------------------------------ reading errors */

static void test_reader_accepts_blank_lines_and_ends(void **state)
{
	struct fixture *fx = *state;
	struct trace_event ev[MAX_EVENTS];

	write_file(fx->path, START_LINE "\n"
			     "{\"seq\":2,\"t_us\":10,\"event\":\"a\",\"conn\":\"http:1\",\"variant\":\"A\","
			     "\"phase\":\"p\"}\r\n"
			     "\n"
			     "{\"seq\":5,\"t_us\":11,\"event\":\"b\",\"conn\":\"app\"}");
	int n = read_all(fx->path, ev, MAX_EVENTS);
	assert_int_equal(n, 3);
	assert_int_equal(ev[1].seq, 2);
	assert_int_equal(ev[1].t_us, 10);
	assert_string_equal(ev[1].variant, "A");
	assert_string_equal(ev[1].phase, "p");
	assert_int_equal(ev[2].seq, 5);
	assert_string_equal(ev[2].event, "b");
	release_all(ev, n);
}

static void test_reader_first_line_not_trace_start(void **state)
{
	struct fixture *fx = *state;
	char err[512];

	write_file(fx->path, "{\"seq\":1,\"t_us\":0,\"event\":\"http.request\",\"conn\":\"app\"}\n" START_LINE);
	expect_reader_error(fx->path, 1, err, sizeof(err));
	assert_non_null(strstr(err, "trace.start"));

	/* trace.start of another format */
	write_file(fx->path, "{\"seq\":1,\"t_us\":0,\"event\":\"trace.start\",\"conn\":\"app\","
			     "\"format\":\"other\",\"version\":1}\n");
	expect_reader_error(fx->path, 1, err, sizeof(err));
	assert_non_null(strstr(err, "lvtrace"));

	/* a version this library does not read */
	write_file(fx->path, "{\"seq\":1,\"t_us\":0,\"event\":\"trace.start\",\"conn\":\"app\","
			     "\"format\":\"lvtrace\",\"version\":2}\n");
	expect_reader_error(fx->path, 1, err, sizeof(err));
	assert_non_null(strstr(err, "version 2"));
}

static void test_reader_malformed_json(void **state)
{
	struct fixture *fx = *state;
	char err[512], text[512];
	const char *bad = "{\"seq\":2,\"t_us\":5,\"event\":\"x\",\"conn\":\"app\",!}";

	snprintf(text, sizeof(text), "%s%s\n", START_LINE, bad);
	write_file(fx->path, text);
	long col = expect_reader_error(fx->path, 2, err, sizeof(err));
	assert_non_null(strstr(err, "JSON"));
	/*
	 * The column is where the JSON goes wrong. cJSON reports a bad member
	 * name one character late (its string parser has moved past the
	 * opening character), so allow the '!' or the character after it.
	 */
	long at = (long)(strchr(bad, '!') - bad) + 1;
	if (col < at || col > at + 1)
		fail_msg("column %ld in \"%s\", the error is at column %ld", col, err, at);

	/* where cJSON locates the error exactly, the column is exact */
	static const char *const exact[] = {
		"{\"seq\":2 \"t_us\":5,\"event\":\"x\",\"conn\":\"app\"}", /* missing comma */
		"{\"seq\":2,\"t_us\":@,\"event\":\"x\",\"conn\":\"app\"}", /* bad value */
		"{\"seq\":2,\"t_us\":5,\"event\":\"x\",\"conn\":tru}",	  /* bad literal */
	};
	static const char *const marks[] = {"\"t_us\"", "@", "tru"};
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
		const char *p = strstr(exact[i], marks[i]);
		assert_non_null(p);
		snprintf(text, sizeof(text), "%s%s\n", START_LINE, exact[i]);
		write_file(fx->path, text);
		col = expect_reader_error(fx->path, 2, err, sizeof(err));
		if (col != (long)(p - exact[i]) + 1)
			fail_msg("\"%s\": column %ld in \"%s\", want %ld", exact[i], col, err,
				 (long)(p - exact[i]) + 1);
	}

	/* text after the object: the column of that text */
	const char *trailing = "{\"seq\":2,\"t_us\":5,\"event\":\"x\",\"conn\":\"app\"} junk";
	snprintf(text, sizeof(text), "%s%s\n", START_LINE, trailing);
	write_file(fx->path, text);
	col = expect_reader_error(fx->path, 2, err, sizeof(err));
	assert_int_equal(col, (long)(strstr(trailing, "junk") - trailing) + 1);

	/* a truncated line (a crash mid-write would not leave one, but a cut file may) */
	snprintf(text, sizeof(text), "%s{\"seq\":2,\"t_us\":5,\"ev\n", START_LINE);
	write_file(fx->path, text);
	expect_reader_error(fx->path, 2, err, sizeof(err));

	/* not an object */
	snprintf(text, sizeof(text), "%s[1,2,3]\n", START_LINE);
	write_file(fx->path, text);
	expect_reader_error(fx->path, 2, err, sizeof(err));
	assert_non_null(strstr(err, "object"));

	/* malformed first line */
	write_file(fx->path, "not json at all\n");
	expect_reader_error(fx->path, 1, err, sizeof(err));
}

static void test_reader_seq_must_increase(void **state)
{
	struct fixture *fx = *state;
	char err[512];

	write_file(fx->path, START_LINE
		   "{\"seq\":2,\"t_us\":1,\"event\":\"a\",\"conn\":\"app\"}\n"
		   "{\"seq\":2,\"t_us\":2,\"event\":\"b\",\"conn\":\"app\"}\n");
	expect_reader_error(fx->path, 3, err, sizeof(err));
	assert_non_null(strstr(err, "seq 2"));

	write_file(fx->path, START_LINE
		   "{\"seq\":3,\"t_us\":1,\"event\":\"a\",\"conn\":\"app\"}\n"
		   "{\"seq\":4,\"t_us\":1,\"event\":\"a\",\"conn\":\"app\"}\n"
		   "{\"seq\":2,\"t_us\":2,\"event\":\"b\",\"conn\":\"app\"}\n");
	expect_reader_error(fx->path, 4, err, sizeof(err));
	assert_non_null(strstr(err, "seq 2"));
	assert_non_null(strstr(err, "4"));

	/* seq 0 and fractional or negative seq are not whole numbers from 1 */
	write_file(fx->path, START_LINE "{\"seq\":0,\"t_us\":1,\"event\":\"a\",\"conn\":\"app\"}\n");
	expect_reader_error(fx->path, 2, err, sizeof(err));
	assert_non_null(strstr(err, "seq"));
	write_file(fx->path, START_LINE "{\"seq\":2.5,\"t_us\":1,\"event\":\"a\",\"conn\":\"app\"}\n");
	expect_reader_error(fx->path, 2, err, sizeof(err));
	assert_non_null(strstr(err, "seq"));
	write_file(fx->path, START_LINE "{\"seq\":2,\"t_us\":-1,\"event\":\"a\",\"conn\":\"app\"}\n");
	expect_reader_error(fx->path, 2, err, sizeof(err));
	assert_non_null(strstr(err, "t_us"));
}

static void test_reader_missing_members(void **state)
{
	struct fixture *fx = *state;
	char err[512], text[512];
	static const char *const lines[][2] = {
		{"{\"t_us\":1,\"event\":\"a\",\"conn\":\"app\"}", "seq"},
		{"{\"seq\":2,\"event\":\"a\",\"conn\":\"app\"}", "t_us"},
		{"{\"seq\":2,\"t_us\":1,\"conn\":\"app\"}", "event"},
		{"{\"seq\":2,\"t_us\":1,\"event\":\"a\"}", "conn"},
		{"{}", "seq"},
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		snprintf(text, sizeof(text), "%s%s\n", START_LINE, lines[i][0]);
		write_file(fx->path, text);
		expect_reader_error(fx->path, 2, err, sizeof(err));
		char quoted[32];
		snprintf(quoted, sizeof(quoted), "'%s'", lines[i][1]);
		if (!strstr(err, quoted) || !strstr(err, "missing"))
			fail_msg("\"%s\": message \"%s\" does not name %s as missing", lines[i][0],
				 err, quoted);
	}
	/* present but of the wrong type */
	snprintf(text, sizeof(text), "%s%s\n", START_LINE,
		 "{\"seq\":2,\"t_us\":1,\"event\":7,\"conn\":\"app\"}");
	write_file(fx->path, text);
	expect_reader_error(fx->path, 2, err, sizeof(err));
	assert_non_null(strstr(err, "event"));
}

static void test_reader_empty_file(void **state)
{
	struct fixture *fx = *state;
	char err[512];

	write_file(fx->path, "");
	expect_reader_error(fx->path, 1, err, sizeof(err));
	assert_non_null(strstr(err, "empty"));
	/* a lone newline: line 1 is empty, which is no trace.start either */
	write_file(fx->path, "\n");
	expect_reader_error(fx->path, 1, err, sizeof(err));
}

/* The scanner gives the same events whatever the chunks it is fed. */
static void test_scanner_any_split(void **state)
{
	(void)state;
	const char *text = START_LINE
		"{\"seq\":2,\"t_us\":5,\"event\":\"repo.query\",\"conn\":\"http:1\",\"sql\":\"SELECT 1\"}\n"
		"\n"
		"{\"seq\":3,\"t_us\":9,\"event\":\"trace.stop\",\"conn\":\"app\"}";
	size_t len = strlen(text);
	char err[256];

	for (size_t chunk = 1; chunk <= len; chunk++) {
		struct trace_scanner sc;
		struct trace_event ev;
		long seqs[4];
		int n = 0, rc;
		assert_int_equal(trace_scanner_init(&sc, "t.jsonl"), 0);
		for (size_t at = 0; at < len; at += chunk) {
			size_t k = len - at < chunk ? len - at : chunk;
			assert_int_equal(trace_scanner_feed(&sc, text + at, k, err, sizeof(err)), 0);
			while ((rc = trace_scanner_next(&sc, &ev, err, sizeof(err))) == 1) {
				assert_true(n < 4);
				seqs[n++] = ev.seq;
				trace_event_release(&ev);
			}
			assert_int_equal(rc, 0);
		}
		/* the last line has no newline: finish gives it */
		while ((rc = trace_scanner_finish(&sc, &ev, err, sizeof(err))) == 1) {
			assert_true(n < 4);
			seqs[n++] = ev.seq;
			trace_event_release(&ev);
		}
		assert_int_equal(rc, 0);
		assert_int_equal(n, 3);
		assert_int_equal(seqs[0], 1);
		assert_int_equal(seqs[1], 2);
		assert_int_equal(seqs[2], 3);
		assert_int_equal(sc.lineno, 4);
		trace_scanner_release(&sc);
	}
}

/* A line without end is an error once it passes the limit, not an unbounded buffer. */
static void test_scanner_line_limit(void **state)
{
	(void)state;
	struct trace_scanner sc;
	char err[256];
	static char block[65536];
	int rc = 0;

	memset(block, 'x', sizeof(block));
	assert_int_equal(trace_scanner_init(&sc, "big.jsonl"), 0);
	assert_int_equal(trace_scanner_feed(&sc, START_LINE, strlen(START_LINE), err, sizeof(err)), 0);
	for (int i = 0; i < 64 && rc == 0; i++)
		rc = trace_scanner_feed(&sc, block, sizeof(block), err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "big.jsonl:2:1: line longer than"));
	assert_true(sc.cap <= 2 * (TRACE_LINE_MAX + sizeof(block)));
	trace_scanner_release(&sc);
}

/* A newer version is refused with both versions named; bad lines carry their line number. */
static void test_scanner_version_and_line_numbers(void **state)
{
	(void)state;
	struct trace_scanner sc;
	struct trace_event ev;
	char err[256];
	const char *newer = "{\"seq\":1,\"t_us\":0,\"event\":\"trace.start\",\"conn\":\"app\","
			    "\"format\":\"lvtrace\",\"version\":2}\n";

	assert_int_equal(trace_scanner_init(&sc, "new.jsonl"), 0);
	assert_int_equal(trace_scanner_feed(&sc, newer, strlen(newer), err, sizeof(err)), 0);
	assert_int_equal(trace_scanner_next(&sc, &ev, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "new.jsonl:1:1: trace format version 2 is not supported (this is version 1)"));
	trace_scanner_release(&sc);

	assert_int_equal(trace_scanner_init(&sc, "bad.jsonl"), 0);
	const char *text = START_LINE "\n{\"seq\":2,\"t_us\":1,\"event\":\"x\",\"conn\":\"app\"\n";
	assert_int_equal(trace_scanner_feed(&sc, text, strlen(text), err, sizeof(err)), 0);
	assert_int_equal(trace_scanner_next(&sc, &ev, err, sizeof(err)), 1);
	trace_event_release(&ev);
	assert_int_equal(trace_scanner_next(&sc, &ev, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad.jsonl:3:"));
	trace_scanner_release(&sc);
}

/* trace_emit_at writes the given time, conn and variant; trace_close reports a failed write. */
static void test_emit_at_and_failed_close(void **state)
{
	struct fixture *fx = *state;
	char err[256];
	struct trace *t = trace_open(fx->path, "merge", NULL, err, sizeof(err));

	assert_non_null(t);
	assert_int_equal(trace_emit_at(t, 1234, "repo.query", "assign/http:3", "assign", NULL), 0);
	assert_int_equal(trace_close(t), 0);
	struct trace_reader *r = trace_reader_open(fx->path, err, sizeof(err));
	struct trace_event ev;
	assert_int_equal(trace_reader_next(r, &ev, err, sizeof(err)), 1);
	trace_event_release(&ev);
	assert_int_equal(trace_reader_next(r, &ev, err, sizeof(err)), 1);
	assert_int_equal(ev.t_us, 1234);
	assert_int_equal(ev.seq, 2);
	assert_string_equal(ev.conn, "assign/http:3");
	assert_string_equal(ev.variant, "assign");
	trace_event_release(&ev);
	trace_reader_close(r);

	/* /dev/full takes the open and fails every write */
	t = trace_open("/dev/full", "merge", NULL, err, sizeof(err));
	if (t) {
		trace_emit_at(t, 1, "x", "app", NULL, NULL);
		assert_int_equal(trace_failed(t), 1);
		assert_int_equal(trace_close(t), -1);
	}
}

/* Phase names read in one place. */
static void test_phase_parse(void **state)
{
	(void)state;
	struct trace_phase p;

	trace_phase_parse("plug:fetch_current_user", &p);
	assert_int_equal(p.kind, TP_PLUG);
	assert_string_equal(p.name, "fetch_current_user");
	assert_int_equal(p.connected, -1);
	trace_phase_parse("mount:connected:MissionLive/on_mount:mount_current_user", &p);
	assert_int_equal(p.kind, TP_MOUNT);
	assert_int_equal(p.connected, 1);
	assert_string_equal(p.name, "MissionLive");
	assert_string_equal(p.hook, "mount_current_user");
	trace_phase_parse("render:dead:CountdownLive", &p);
	assert_int_equal(p.kind, TP_RENDER);
	assert_int_equal(p.connected, 0);
	assert_string_equal(p.name, "CountdownLive");
	assert_string_equal(p.hook, "");
	trace_phase_parse("controller:UserRegistration.create", &p);
	assert_int_equal(p.kind, TP_CONTROLLER);
	assert_string_equal(p.name, "UserRegistration.create");
	trace_phase_parse("startup", &p);
	assert_int_equal(p.kind, TP_STARTUP);
	trace_phase_parse(NULL, &p);
	assert_int_equal(p.kind, TP_NONE);
	trace_phase_parse("mount:sideways:X", &p);
	assert_int_equal(p.kind, TP_UNKNOWN);
	trace_phase_parse("handle_event:connected:MissionLive", &p);
	assert_int_equal(p.kind, TP_HANDLE_EVENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_start_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_and_members_of_every_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_context_tally, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batching_writes_whole_lines_at_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_line_members_are_the_writers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lines_print_as_cjson_does, setup, teardown),
		cmocka_unit_test(test_no_file_formats_only_for_a_tap),
		cmocka_unit_test_setup_teardown(test_conn_and_variant_from_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_spans_compose_phases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_span_stack_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_without_context_is_app, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace_open_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_accepts_blank_lines_and_ends, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reader_first_line_not_trace_start, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reader_malformed_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_seq_must_increase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_missing_members, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_empty_file, setup, teardown),
		cmocka_unit_test(test_scanner_any_split),
		cmocka_unit_test(test_scanner_line_limit),
		cmocka_unit_test(test_scanner_version_and_line_numbers),
		cmocka_unit_test_setup_teardown(test_emit_at_and_failed_close, setup, teardown),
		cmocka_unit_test(test_phase_parse),
	};

	return cmocka_run_group_tests_name("trace: writing and reading lvtrace files", tests, NULL,
					   NULL);
}
