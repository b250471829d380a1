/*
 * test_model.c: the tracer's model (model.h) on small traces written here:
 * steps, marks and notes of a merged trace, the steps of a trace lvdemo
 * wrote itself, the alignment of rows, counters by phase from the mark,
 * the cursor's motions, search, columns, a bad line mid-file, and a big
 * file loaded on two cores into the model one core makes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"

/* ------------------------------------------------------------ writing traces */

struct text {
	char buf[65536];
	size_t len;
	long seq;
};

/* Append one line: seq first, then the members given as JSON text without braces. */
static void line(struct text *t, const char *fmt, ...)
{
	va_list ap;
	long seq = ++t->seq;
	t->len += (size_t)snprintf(t->buf + t->len, sizeof(t->buf) - t->len, "{\"seq\":%ld,\"t_us\":%ld,",
				   seq, seq * 10);
	va_start(ap, fmt);
	t->len += (size_t)vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)snprintf(t->buf + t->len, sizeof(t->buf) - t->len, "}\n");
	assert_true(t->len < sizeof(t->buf));
}

static void scenario_header(struct text *t)
{
	line(t, "\"event\":\"trace.start\",\"conn\":\"app\",\"format\":\"lvtrace\",\"version\":1,"
		"\"app\":\"lvtrace run\",\"scenario\":\"lesson.scenario\",\"title\":\"The lesson\","
		"\"description\":\"What it shows.\",\"variants\":[\"assign\",\"assign_new\"]");
}

static void step(struct text *t, const char *v, int n, const char *kind, const char *text)
{
	line(t, "\"event\":\"scenario.step\",\"conn\":\"run\",\"variant\":\"%s\",\"step\":%d,\"line\":%d,"
		"\"kind\":\"%s\",\"text\":\"%s\"",
	     v, n, n + 2, kind, text);
}

/* The plug's part of a GET of PATH by variant V on conn C: one query in fetch_current_user. */
static void get_with_plug(struct text *t, const char *v, const char *c, const char *path)
{
	line(t, "\"event\":\"endpoint.start\",\"conn\":\"%s/%s\",\"variant\":\"%s\",\"method\":\"GET\",\"path\":\"/%s%s\"",
	     v, c, v, v, path);
	line(t, "\"event\":\"plug.start\",\"conn\":\"%s/%s\",\"variant\":\"%s\",\"plug\":\"fetch_current_user\","
		"\"phase\":\"plug:fetch_current_user\"",
	     v, c, v);
	line(t, "\"event\":\"repo.query\",\"conn\":\"%s/%s\",\"variant\":\"%s\",\"sql\":\"SELECT u.id FROM users_tokens\","
		"\"source\":\"users_tokens\",\"phase\":\"plug:fetch_current_user\"",
	     v, c, v);
	line(t, "\"event\":\"conn.assign\",\"conn\":\"%s/%s\",\"variant\":\"%s\",\"key\":\"current_user\",\"user_id\":1",
	     v, c, v);
	line(t, "\"event\":\"plug.stop\",\"conn\":\"%s/%s\",\"variant\":\"%s\",\"phase\":\"plug:fetch_current_user\"",
	     v, c, v);
}

/* A mount of MissionLive (dead or connected) in variant V: assign queries, assign_new takes conn.assigns when dead. */
static void mount(struct text *t, const char *v, const char *c, int connected)
{
	const char *mode = connected ? "connected" : "dead";
	int naive = strcmp(v, "assign") == 0;
	line(t, "\"event\":\"live_view.mount.start\",\"conn\":\"%s/%s\",\"variant\":\"%s\",\"phase\":\"mount:%s:MissionLive\","
		"\"view\":\"MissionLive\",\"connected\":%s,\"child\":false",
	     v, c, v, mode, connected ? "true" : "false");
	if (naive)
		line(t, "\"event\":\"assign\",\"conn\":\"%s/%s\",\"variant\":\"%s\",\"view\":\"MissionLive\",\"connected\":%s,"
			"\"key\":\"current_user\"",
		     v, c, v, connected ? "true" : "false");
	else
		line(t, "\"event\":\"assign_new\",\"conn\":\"%s/%s\",\"variant\":\"%s\",\"view\":\"MissionLive\",\"connected\":%s,"
			"\"key\":\"current_user\",\"from\":\"%s\"",
		     v, c, v, connected ? "true" : "false", connected ? "function" : "conn_assigns");
	if (naive || connected)
		line(t, "\"event\":\"repo.query\",\"conn\":\"%s/%s\",\"variant\":\"%s\",\"sql\":\"SELECT u.id FROM users_tokens\","
			"\"source\":\"users_tokens\",\"phase\":\"mount:%s:MissionLive\"",
		     v, c, v, mode);
	line(t, "\"event\":\"live_view.mount.stop\",\"conn\":\"%s/%s\",\"variant\":\"%s\",\"phase\":\"mount:%s:MissionLive\","
		"\"view\":\"MissionLive\",\"connected\":%s",
	     v, c, v, mode, connected ? "true" : "false");
}

/* The lesson: register (2 queries), mark, note, visit (plug + dead mount), connect (join), expect. */
static void lesson(struct text *t)
{
	static const char *const vs[] = {"assign", "assign_new"};
	scenario_header(t);
	for (int i = 0; i < 2; i++) {
		step(t, vs[i], 1, "register", "register a b");
		line(t, "\"event\":\"endpoint.start\",\"conn\":\"%s/http:1\",\"variant\":\"%s\",\"method\":\"POST\",\"path\":\"/users/register\"",
		     vs[i], vs[i]);
		for (int q = 0; q < 2; q++)
			line(t, "\"event\":\"repo.query\",\"conn\":\"%s/http:1\",\"variant\":\"%s\",\"sql\":\"INSERT INTO users\","
				"\"source\":\"users\",\"phase\":\"controller:UserRegistration.create\"",
			     vs[i], vs[i]);
		line(t, "\"event\":\"endpoint.stop\",\"conn\":\"%s/http:1\",\"variant\":\"%s\",\"status\":302", vs[i], vs[i]);
	}
	for (int i = 0; i < 2; i++) {
		step(t, vs[i], 2, "mark", "mark \\\"page load\\\"");
		line(t, "\"event\":\"scenario.mark\",\"conn\":\"run\",\"variant\":\"%s\",\"label\":\"page load\"", vs[i]);
	}
	for (int i = 0; i < 2; i++) {
		step(t, vs[i], 3, "note", "note \\\"the plug, then the mount\\\"");
		line(t, "\"event\":\"scenario.note\",\"conn\":\"run\",\"variant\":\"%s\",\"text\":\"the plug, then the mount\"",
		     vs[i]);
	}
	for (int i = 0; i < 2; i++) {
		step(t, vs[i], 4, "visit", "visit /mission");
		get_with_plug(t, vs[i], "http:2", "/mission");
		mount(t, vs[i], "http:2", 0);
		line(t, "\"event\":\"endpoint.stop\",\"conn\":\"%s/http:2\",\"variant\":\"%s\",\"status\":200", vs[i], vs[i]);
	}
	for (int i = 0; i < 2; i++) {
		step(t, vs[i], 5, "connect", "connect");
		line(t, "\"event\":\"socket.connect\",\"conn\":\"%s/ws:1\",\"variant\":\"%s\",\"result\":\"ok\"", vs[i], vs[i]);
		mount(t, vs[i], "ws:1", 1);
		line(t, "\"event\":\"channel.join\",\"conn\":\"%s/ws:1\",\"variant\":\"%s\",\"view\":\"MissionLive\",\"result\":\"ok\"",
		     vs[i], vs[i]);
	}
	for (int i = 0; i < 2; i++) {
		step(t, vs[i], 6, "expect queries", "expect queries assign=3 assign_new=2");
		line(t, "\"event\":\"scenario.expect\",\"conn\":\"run\",\"variant\":\"%s\",\"text\":\"expect queries\","
			"\"outcome\":\"%s\",\"expected\":3,\"actual\":%d",
		     vs[i], i == 0 ? "passed" : "failed", i == 0 ? 3 : 2);
	}
	for (int i = 0; i < 2; i++)
		line(t, "\"event\":\"scenario.end\",\"conn\":\"run\",\"variant\":\"%s\"", vs[i]);
	line(t, "\"event\":\"trace.stop\",\"conn\":\"assign/app\",\"variant\":\"assign\",\"statements\":7");
}

static struct model *load_text(const struct text *t)
{
	char err[512];
	struct model *m = model_new();
	assert_non_null(m);
	if (model_feed(m, t->buf, t->len, 1, err, sizeof(err)) < 0)
		fail_msg("model_feed: %s", err);
	return m;
}

/* The step whose text is TEXT. */
static uint32_t step_named(struct model *m, const char *text)
{
	for (uint32_t s = 0; s < model_step_count(m); s++)
		if (strcmp(model_step(m, s)->text, text) == 0)
			return s;
	fail_msg("no step '%s'", text);
	return 0;
}

/* The row of step S whose column C holds an event of KIND (the first), or 0. */
static uint32_t row_with(struct model *m, uint32_t s, size_t c, int kind)
{
	uint32_t n = 0;
	const struct model_row *rows = model_rows(m, s, &n);
	for (uint32_t r = 1; r < n; r++)
		if (rows[r].ev[c] != MODEL_NONE && model_event(m, rows[r].ev[c])->kind == kind)
			return r;
	return 0;
}

/* ------------------------------------------------------------ tests */

static void test_scenario_steps_marks_notes(void **state)
{
	(void)state;
	struct text t = {0};
	lesson(&t);
	struct model *m = load_text(&t);

	assert_true(model_is_scenario(m));
	assert_string_equal(model_title(m), "The lesson");
	assert_string_equal(model_description(m), "What it shows.");
	assert_int_equal(model_shown_steps(m), 6);
	assert_int_equal(model_variant_count(m), 2);
	/* start-up and the end are there, hidden */
	assert_false(model_step_shown(m, 0));
	assert_false(model_step_shown(m, (uint32_t)model_step_count(m) - 1));
	uint32_t visit = step_named(m, "visit /mission");
	const struct model_step *st = model_step(m, visit);
	assert_int_equal(st->number, 4);
	assert_string_equal(st->verb, "visit");
	assert_non_null(model_step(m, st->mark_step)->mark);
	assert_string_equal(model_step(m, st->mark_step)->mark, "page load");
	assert_string_equal(model_step(m, st->note_step)->note, "the plug, then the mount");
	/* a step before the mark has none */
	assert_int_equal(model_step(m, step_named(m, "register a b"))->mark_step, MODEL_NONE);
	model_free(m);
}

static void test_avoided_query_beside_the_query(void **state)
{
	(void)state;
	struct text t = {0};
	lesson(&t);
	struct model *m = load_text(&t);
	uint32_t visit = step_named(m, "visit /mission");
	uint32_t n = 0;
	const struct model_row *rows = model_rows(m, visit, &n);

	/* column 0 is assign, 1 assign_new: the dead mount's query of assign and the
	 * assign_new that avoided it share a row */
	uint32_t found = 0;
	for (uint32_t r = 1; r < n; r++) {
		uint32_t a = rows[r].ev[0], b = rows[r].ev[1];
		if (a == MODEL_NONE || b == MODEL_NONE)
			continue;
		const struct model_event *ea = model_event(m, a), *eb = model_event(m, b);
		if (ea->kind == TK_REPO_QUERY && ea->mphase == TG_DEAD) {
			assert_int_equal(eb->kind, TK_ASSIGN_NEW);
			assert_true(eb->flags & ME_AVOIDED);
			assert_int_equal(eb->from, TF_CONN_ASSIGNS);
			found = r;
		}
	}
	assert_true(found > 0);
	/* the mount starts line up too, and the naive assign has a gap beside it */
	assert_int_equal(row_with(m, visit, 0, TK_MOUNT_START), row_with(m, visit, 1, TK_MOUNT_START));
	uint32_t ar = row_with(m, visit, 0, TK_ASSIGN);
	assert_true(ar > 0);
	assert_int_equal(rows[ar].ev[1], MODEL_NONE);
	/* and the plug's queries sit side by side */
	uint32_t q0 = 0;
	for (uint32_t r = 1; r < n && !q0; r++)
		if (rows[r].ev[0] != MODEL_NONE && model_event(m, rows[r].ev[0])->mphase == TG_PLUG &&
		    model_event(m, rows[r].ev[0])->kind == TK_REPO_QUERY)
			q0 = r;
	assert_true(q0 > 0);
	assert_int_equal(model_event(m, rows[q0].ev[1])->kind, TK_REPO_QUERY);
	model_free(m);
}

static void test_join_heads_its_mount(void **state)
{
	(void)state;
	struct text t = {0};
	lesson(&t);
	struct model *m = load_text(&t);
	uint32_t connect = step_named(m, "connect");

	uint32_t join = row_with(m, connect, 0, TK_CHANNEL_JOIN);
	uint32_t mnt = row_with(m, connect, 0, TK_MOUNT_START);
	assert_true(join > 0 && mnt > 0);
	assert_true(join < mnt);
	/* the tree: join at 0, mount under it, the query under the mount */
	uint32_t n = 0;
	const struct model_row *rows = model_rows(m, connect, &n);
	assert_int_equal(model_event(m, rows[join].ev[0])->depth, 0);
	assert_int_equal(model_event(m, rows[mnt].ev[0])->depth, 1);
	uint32_t q = row_with(m, connect, 0, TK_REPO_QUERY);
	assert_int_equal(model_event(m, rows[q].ev[0])->depth, 2);
	model_free(m);
}

static void test_counters_by_phase_from_the_mark(void **state)
{
	(void)state;
	struct text t = {0};
	lesson(&t);
	struct model *m = load_text(&t);
	uint64_t by[TG_COUNT];

	model_end(m);
	struct model_pos end = model_cursor(m);
	assert_int_equal(model_count(m, end, 0, by), 3);
	assert_int_equal(by[TG_PLUG], 1);
	assert_int_equal(by[TG_DEAD], 1);
	assert_int_equal(by[TG_CONNECTED], 1);
	assert_int_equal(by[TG_OTHER], 0);
	assert_int_equal(model_count(m, end, 1, by), 2);
	assert_int_equal(by[TG_DEAD], 0);

	/* before the mark the count runs from the first step: register's two */
	uint32_t reg = step_named(m, "register a b");
	uint32_t n = 0;
	model_rows(m, reg, &n);
	assert_int_equal(model_count(m, (struct model_pos){reg, n - 1}, 0, by), 2);
	assert_int_equal(by[TG_OTHER], 2);
	/* at the mark's header nothing is counted yet */
	uint32_t mark = step_named(m, "mark \"page load\"");
	assert_int_equal(model_count(m, (struct model_pos){mark, 0}, 0, by), 0);

	/* in the middle of the visit: up to the dead mount's query row */
	uint32_t visit = step_named(m, "visit /mission");
	const struct model_row *rows = model_rows(m, visit, &n);
	uint32_t dq = 0;
	for (uint32_t r = 1; r < n; r++)
		if (rows[r].ev[0] != MODEL_NONE && model_event(m, rows[r].ev[0])->kind == TK_REPO_QUERY &&
		    model_event(m, rows[r].ev[0])->mphase == TG_DEAD)
			dq = r;
	assert_int_equal(model_count(m, (struct model_pos){visit, dq}, 0, by), 2);
	assert_int_equal(model_count(m, (struct model_pos){visit, dq}, 1, by), 1);
	assert_int_equal(model_count(m, (struct model_pos){visit, dq - 1}, 0, by), 1);
	model_free(m);
}

static void test_cursor_motions(void **state)
{
	(void)state;
	struct text t = {0};
	lesson(&t);
	struct model *m = load_text(&t);

	/* it starts at the first shown step's header */
	struct model_pos p = model_cursor(m);
	assert_int_equal(p.step, step_named(m, "register a b"));
	assert_int_equal(p.row, 0);
	assert_true(model_forward(m));
	assert_int_equal(model_cursor(m).row, 1);
	assert_true(model_back(m));
	assert_int_equal(model_cursor(m).row, 0);
	assert_false(model_back(m)); /* nothing before the first shown step */

	/* ] shows a step whole: the rest of this one, then the next one to its end */
	assert_true(model_next_step(m));
	uint32_t reg = step_named(m, "register a b");
	uint32_t nreg = 0;
	model_rows(m, reg, &nreg);
	assert_int_equal(model_cursor(m).step, reg);
	assert_int_equal(model_cursor(m).row, nreg - 1);
	assert_true(model_next_step(m));
	assert_int_equal(model_cursor(m).step, step_named(m, "mark \"page load\""));
	assert_true(model_at_mark(m, model_cursor(m))); /* a mark step is its header alone */
	assert_false(model_next_mark(m)); /* one mark only */

	/* n: the next row with a query; the plug's, then the dead mount's (an avoided one counts) */
	assert_true(model_next_query(m));
	uint32_t visit = step_named(m, "visit /mission");
	assert_int_equal(model_cursor(m).step, visit);
	uint32_t first = model_cursor(m).row;
	assert_true(model_next_query(m));
	assert_true(model_cursor(m).row > first);
	assert_true(model_prev_query(m));
	assert_int_equal(model_cursor(m).row, first);

	/* [ hides this step: the cursor at the end of the step before */
	assert_true(model_prev_step(m));
	uint32_t note = step_named(m, "note \"the plug, then the mount\"");
	uint32_t nnote = 0;
	model_rows(m, note, &nnote);
	assert_int_equal(model_cursor(m).step, note);
	assert_int_equal(model_cursor(m).row, nnote - 1);
	assert_true(model_next_step(m));
	uint32_t nvisit = 0;
	model_rows(m, visit, &nvisit);
	assert_int_equal(model_cursor(m).step, visit);
	assert_int_equal(model_cursor(m).row, nvisit - 1);

	/* with assign_new alone, n stops at its avoided query too: the plug's, then the dead mount's */
	char err[256];
	assert_int_equal(model_set_columns(m, "assign_new", err, sizeof(err)), 0);
	model_home(m);
	assert_true(model_next_mark(m));
	assert_true(model_next_query(m));
	assert_int_equal(model_event(m, model_selected_event(m))->kind, TK_REPO_QUERY);
	assert_true(model_next_query(m));
	assert_true(model_event(m, model_selected_event(m))->flags & ME_AVOIDED);
	assert_int_equal(model_set_columns(m, "assign,assign_new", err, sizeof(err)), 0);

	/* the selection follows the cursor, and moves only among revealed rows */
	assert_true(model_end(m));
	struct model_pos end = model_cursor(m);
	assert_int_equal(model_pos_cmp(model_selection(m), end), 0);
	assert_false(model_select_move(m, 1));
	assert_true(model_select_move(m, -2));
	assert_true(model_pos_cmp(model_selection(m), end) < 0);
	assert_false(model_forward(m)); /* the end */
	assert_true(model_home(m));
	assert_int_equal(model_cursor(m).step, step_named(m, "register a b"));
	model_free(m);
}

static void test_search(void **state)
{
	(void)state;
	struct text t = {0};
	lesson(&t);
	struct model *m = load_text(&t);

	assert_null(model_search_text(m));
	model_search_set(m, "USERS_TOKENS"); /* case does not matter */
	assert_string_equal(model_search_text(m), "users_tokens");
	assert_true(model_search_next(m));
	/* the first hit is the plug's query of the visit (register's queries are INSERT INTO users) */
	uint32_t e = model_selected_event(m);
	assert_int_not_equal(e, MODEL_NONE);
	assert_int_equal(model_event(m, e)->kind, TK_REPO_QUERY);
	assert_int_equal(model_event(m, e)->mphase, TG_PLUG);
	/* N from the end: the last hit first, the connected mount's query */
	model_end(m);
	assert_true(model_search_prev(m));
	assert_int_equal(model_cursor(m).step, step_named(m, "connect"));
	assert_int_equal(model_event(m, model_selected_event(m))->mphase, TG_CONNECTED);
	assert_true(model_search_prev(m));
	assert_int_equal(model_cursor(m).step, step_named(m, "visit /mission"));
	/* phases and event names match too */
	model_search_set(m, "mount:connected");
	model_home(m);
	assert_true(model_search_next(m));
	assert_int_equal(model_cursor(m).step, step_named(m, "connect"));
	model_search_set(m, "channel.join");
	model_home(m);
	assert_true(model_search_next(m));
	assert_int_equal(model_event(m, model_selected_event(m))->kind, TK_CHANNEL_JOIN);
	/* a text that is nowhere */
	model_search_set(m, "no such thing");
	model_home(m);
	assert_false(model_search_next(m));
	model_search_set(m, "");
	assert_null(model_search_text(m));
	model_free(m);
}

static void test_columns(void **state)
{
	(void)state;
	struct text t = {0};
	char err[256];
	lesson(&t);
	struct model *m = load_text(&t);

	assert_int_equal(model_column_count(m), 2);
	assert_string_equal(model_variant(m, (size_t)model_column_variant(m, 0)), "assign");
	assert_int_equal(model_set_columns(m, "assign_new,assign", err, sizeof(err)), 0);
	assert_string_equal(model_variant(m, (size_t)model_column_variant(m, 0)), "assign_new");
	assert_int_equal(model_set_columns(m, "assign,on_mount", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no variant 'on_mount'"));
	assert_non_null(strstr(err, "assign, assign_new"));
	/* the rows follow the columns: the dead mount's query is now in column 1 */
	uint32_t visit = step_named(m, "visit /mission");
	assert_true(row_with(m, visit, 1, TK_ASSIGN) > 0);
	assert_int_equal(row_with(m, visit, 0, TK_ASSIGN), 0);
	model_free(m);
}

/* A trace lvdemo wrote itself: steps are page loads and joins, assets are not steps. */
static void test_raw_trace_steps(void **state)
{
	(void)state;
	struct text t = {0};
	line(&t, "\"event\":\"trace.start\",\"conn\":\"app\",\"format\":\"lvtrace\",\"version\":1,\"app\":\"lvdemo\"");
	line(&t, "\"event\":\"repo.query\",\"conn\":\"app\",\"sql\":\"PRAGMA x\",\"phase\":\"startup\"");
	line(&t, "\"event\":\"endpoint.start\",\"conn\":\"http:1\",\"variant\":\"assign_new\",\"method\":\"GET\",\"path\":\"/assign_new/mission\"");
	line(&t, "\"event\":\"plug.start\",\"conn\":\"http:1\",\"variant\":\"assign_new\",\"plug\":\"fetch_current_user\",\"phase\":\"plug:fetch_current_user\"");
	line(&t, "\"event\":\"repo.query\",\"conn\":\"http:1\",\"variant\":\"assign_new\",\"sql\":\"SELECT\",\"phase\":\"plug:fetch_current_user\"");
	line(&t, "\"event\":\"plug.stop\",\"conn\":\"http:1\",\"variant\":\"assign_new\",\"phase\":\"plug:fetch_current_user\"");
	line(&t, "\"event\":\"endpoint.stop\",\"conn\":\"http:1\",\"variant\":\"assign_new\",\"status\":200");
	line(&t, "\"event\":\"endpoint.start\",\"conn\":\"http:2\",\"method\":\"GET\",\"path\":\"/assets/app.js\"");
	line(&t, "\"event\":\"endpoint.stop\",\"conn\":\"http:2\",\"status\":200");
	line(&t, "\"event\":\"socket.connect\",\"conn\":\"ws:1\",\"variant\":\"assign_new\",\"result\":\"ok\"");
	line(&t, "\"event\":\"live_view.mount.start\",\"conn\":\"ws:1\",\"variant\":\"assign_new\",\"phase\":\"mount:connected:MissionLive\",\"view\":\"MissionLive\",\"connected\":true,\"child\":false");
	line(&t, "\"event\":\"repo.query\",\"conn\":\"ws:1\",\"variant\":\"assign_new\",\"sql\":\"SELECT\",\"phase\":\"mount:connected:MissionLive\"");
	line(&t, "\"event\":\"live_view.mount.stop\",\"conn\":\"ws:1\",\"variant\":\"assign_new\",\"phase\":\"mount:connected:MissionLive\",\"view\":\"MissionLive\",\"connected\":true");
	line(&t, "\"event\":\"channel.join\",\"conn\":\"ws:1\",\"variant\":\"assign_new\",\"view\":\"MissionLive\",\"topic\":\"lv:phx-1\",\"result\":\"ok\"");
	line(&t, "\"event\":\"endpoint.start\",\"conn\":\"http:3\",\"variant\":\"assign\",\"method\":\"GET\",\"path\":\"/assign/mission\"");
	line(&t, "\"event\":\"endpoint.stop\",\"conn\":\"http:3\",\"variant\":\"assign\",\"status\":200");
	/* a request of no variant: its query counts in every column */
	line(&t, "\"event\":\"endpoint.start\",\"conn\":\"http:4\",\"method\":\"POST\",\"path\":\"/users/register\"");
	line(&t, "\"event\":\"repo.query\",\"conn\":\"http:4\",\"sql\":\"INSERT INTO users\",\"phase\":\"controller:UserRegistration.create\"");
	line(&t, "\"event\":\"endpoint.stop\",\"conn\":\"http:4\",\"status\":302");
	struct model *m = load_text(&t);

	assert_false(model_is_scenario(m));
	assert_int_equal(model_shown_steps(m), 4);
	assert_string_equal(model_step(m, 1)->text, "GET /assign_new/mission");
	assert_string_equal(model_step(m, 2)->text, "join MissionLive");
	assert_string_equal(model_step(m, 3)->text, "GET /assign/mission");
	/* the join's events are the join's: connect, mount, query, mount's end, the answer */
	assert_int_equal(model_step(m, 2)->nev[model_variant_index(m, "assign_new")], 5);
	/* variants as they appear; the default pair is assign beside assign_new */
	assert_int_equal(model_variant_count(m), 2);
	assert_string_equal(model_variant(m, (size_t)model_column_variant(m, 0)), "assign");
	assert_string_equal(model_variant(m, (size_t)model_column_variant(m, 1)), "assign_new");
	/* the start-up statements are no step's and no column's */
	uint64_t by[TG_COUNT];
	model_end(m);
	assert_int_equal(model_count(m, model_cursor(m), 1, by), 3);
	assert_int_equal(by[TG_PLUG], 1);
	assert_int_equal(by[TG_CONNECTED], 1);
	assert_int_equal(by[TG_OTHER], 1);
	assert_int_equal(model_count(m, model_cursor(m), 0, by), 1);
	assert_int_equal(by[TG_OTHER], 1);
	model_free(m);
}

/* A bad line stops loading there: the events before it stay, the error names the line. */
static void test_bad_line_keeps_the_prefix(void **state)
{
	(void)state;
	struct text t = {0};
	char err[512];
	lesson(&t);
	/* cut the trace in the middle of its 20th line */
	char *p = t.buf;
	for (int i = 0; i < 19; i++)
		p = strchr(p, '\n') + 1;
	memcpy(p + 5, "@@@", 3);
	struct model *m = model_new();
	int rc = model_feed(m, t.buf, t.len, 1, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, ":20:"));
	assert_non_null(model_error(m));
	assert_int_equal(model_event_count(m), 19);
	model_free(m);

	/* a newer version is refused with its number */
	m = model_new();
	const char *newer = "{\"seq\":1,\"t_us\":0,\"event\":\"trace.start\",\"conn\":\"app\",\"format\":\"lvtrace\",\"version\":9}\n";
	assert_int_equal(model_feed(m, newer, strlen(newer), 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "version 9 is not supported"));
	model_free(m);

	/* nothing at all */
	m = model_new();
	assert_int_equal(model_feed(m, "", 0, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "empty trace"));
	model_free(m);
}

/* Fed in pieces (live mode), the model is the one loaded at once. */
static void test_feed_in_pieces(void **state)
{
	(void)state;
	struct text t = {0};
	char err[256];
	lesson(&t);
	struct model *whole = load_text(&t);
	struct model *m = model_new();

	for (size_t at = 0; at < t.len; at += 37) {
		size_t n = t.len - at < 37 ? t.len - at : 37;
		assert_int_equal(model_feed(m, t.buf + at, n, 0, err, sizeof(err)), 0);
	}
	assert_int_equal(model_feed(m, "", 0, 1, err, sizeof(err)), 0);
	assert_int_equal(model_event_count(m), model_event_count(whole));
	assert_int_equal(model_step_count(m), model_step_count(whole));
	uint64_t a[TG_COUNT], b[TG_COUNT];
	model_end(m);
	model_end(whole);
	assert_int_equal(model_count(m, model_cursor(m), 0, a), model_count(whole, model_cursor(whole), 0, b));
	model_free(m);
	model_free(whole);
}

/* Hostile shapes: steps numbered far apart, a note after later steps, spans
 * nested past the stack, two sockets joining at once, no shown step. */
static void test_hostile_shapes(void **state)
{
	(void)state;
	struct text t = {0};
	scenario_header(&t);
	step(&t, "assign", 1, "mark", "mark \\\"m\\\"");
	step(&t, "assign", 1000000000, "visit", "visit /far");
	step(&t, "assign_new", 1, "mark", "mark \\\"m\\\"");
	line(&t, "\"event\":\"scenario.mark\",\"conn\":\"run\",\"variant\":\"assign_new\",\"label\":\"m\"");
	struct model *m = load_text(&t);
	/* two steps, made as they were named; nothing for the numbers between */
	assert_int_equal(model_shown_steps(m), 2);
	assert_true(model_step_count(m) <= 3);
	/* the mark of step 1 came after step 10^9 was made: that one sees it all the same */
	uint32_t far = step_named(m, "visit /far");
	assert_int_equal(model_step(m, far)->mark_step, step_named(m, "mark \"m\""));
	model_free(m);

	/* 40 nested plugs: the spans past the stack's depth are counted, the
	 * request's own start still pairs with its stop */
	struct text h = {0};
	line(&h, "\"event\":\"trace.start\",\"conn\":\"app\",\"format\":\"lvtrace\",\"version\":1");
	line(&h, "\"event\":\"endpoint.start\",\"conn\":\"http:1\",\"variant\":\"assign\",\"method\":\"GET\",\"path\":\"/x\"");
	for (int i = 0; i < 40; i++)
		line(&h, "\"event\":\"plug.start\",\"conn\":\"http:1\",\"variant\":\"assign\",\"plug\":\"p\",\"phase\":\"plug:p\"");
	for (int i = 0; i < 40; i++)
		line(&h, "\"event\":\"plug.stop\",\"conn\":\"http:1\",\"variant\":\"assign\",\"phase\":\"plug:p\"");
	line(&h, "\"event\":\"endpoint.stop\",\"conn\":\"http:1\",\"variant\":\"assign\",\"status\":302");
	/* two sockets, their joins answered in turn */
	for (int k = 1; k <= 2; k++) {
		line(&h, "\"event\":\"live_view.mount.start\",\"conn\":\"ws:%d\",\"variant\":\"assign\",\"phase\":\"mount:connected:V%d\",\"view\":\"V%d\",\"connected\":true", k, k, k);
		line(&h, "\"event\":\"live_view.mount.stop\",\"conn\":\"ws:%d\",\"variant\":\"assign\",\"phase\":\"mount:connected:V%d\",\"view\":\"V%d\",\"connected\":true", k, k, k);
	}
	for (int k = 1; k <= 2; k++)
		line(&h, "\"event\":\"channel.join\",\"conn\":\"ws:%d\",\"variant\":\"assign\",\"view\":\"V%d\",\"result\":\"ok\"", k, k);
	/* a click on the first socket, later: it stays with that socket's step */
	line(&h, "\"event\":\"endpoint.start\",\"conn\":\"http:2\",\"variant\":\"assign\",\"method\":\"GET\",\"path\":\"/y\"");
	line(&h, "\"event\":\"endpoint.stop\",\"conn\":\"http:2\",\"variant\":\"assign\",\"status\":200");
	line(&h, "\"event\":\"live_view.handle_event.start\",\"conn\":\"ws:1\",\"variant\":\"assign\",\"phase\":\"handle_event:connected:V1\",\"view\":\"V1\",\"connected\":true");
	m = load_text(&h);
	const struct model_event *first = model_event(m, 1);
	assert_int_equal(first->kind, TK_ENDPOINT_START);
	assert_int_not_equal(first->pair, MODEL_NONE);
	assert_int_equal(model_event(m, first->pair)->kind, TK_ENDPOINT_STOP);
	uint32_t ev_click = (uint32_t)model_event_count(m) - 1;
	uint32_t mount1 = 0;
	for (uint32_t i = 0; i < model_event_count(m); i++)
		if (model_event(m, i)->kind == TK_MOUNT_START && !mount1)
			mount1 = i;
	assert_int_equal(model_event(m, ev_click)->step, model_event(m, mount1)->step);
	model_free(m);

	/* only lvdemo's start-up: nothing is shown, no motion moves into it */
	struct text u = {0};
	line(&u, "\"event\":\"trace.start\",\"conn\":\"app\",\"format\":\"lvtrace\",\"version\":1");
	line(&u, "\"event\":\"repo.query\",\"conn\":\"app\",\"sql\":\"PRAGMA x\",\"phase\":\"startup\"");
	line(&u, "\"event\":\"repo.query\",\"conn\":\"app\",\"sql\":\"PRAGMA y\",\"phase\":\"startup\"");
	m = load_text(&u);
	assert_int_equal(model_shown_steps(m), 0);
	assert_false(model_forward(m));
	assert_false(model_end(m));
	assert_false(model_next_query(m));
	assert_int_equal(model_cursor(m).row, 0);
	model_free(m);
}

/* Search finds text JSON escapes, and what a view says for a row. */
static void labeller(struct model *m, uint32_t i, char *buf, size_t len)
{
	snprintf(buf, len, "%s", model_event(m, i)->kind == TK_CONN_ASSIGN ? "the words on screen" : "");
}

static void test_search_escapes_and_labels(void **state)
{
	(void)state;
	struct text t = {0};
	lesson(&t);
	line(&t, "\"event\":\"repo.query\",\"conn\":\"assign/app\",\"variant\":\"assign\",\"sql\":\"SELECT \\\"id\\\" FROM t\",\"phase\":\"startup\"");
	struct model *m = load_text(&t);
	uint32_t q = (uint32_t)model_event_count(m) - 1;
	model_search_set(m, "\"id\"");
	assert_true(model_search_hit(m, q));
	model_search_set(m, "words on screen");
	model_home(m);
	assert_false(model_search_next(m));
	model_search_labels(m, labeller);
	assert_true(model_search_next(m));
	assert_int_equal(model_event(m, model_selected_event(m))->kind, TK_CONN_ASSIGN);
	model_free(m);
}

/* Two marks: { goes back one mark at a time, } forward. */
static void test_marks_back_and_forth(void **state)
{
	(void)state;
	struct text t = {0};
	static const char *const vs[] = {"assign", "assign_new"};
	scenario_header(&t);
	for (int i = 0; i < 2; i++) {
		step(&t, vs[i], 1, "mark", "mark \\\"first\\\"");
		line(&t, "\"event\":\"scenario.mark\",\"conn\":\"run\",\"variant\":\"%s\",\"label\":\"first\"", vs[i]);
	}
	for (int i = 0; i < 2; i++) {
		step(&t, vs[i], 2, "visit", "visit /mission");
		get_with_plug(&t, vs[i], "http:1", "/mission");
	}
	for (int i = 0; i < 2; i++) {
		step(&t, vs[i], 3, "mark", "mark \\\"second\\\"");
		line(&t, "\"event\":\"scenario.mark\",\"conn\":\"run\",\"variant\":\"%s\",\"label\":\"second\"", vs[i]);
	}
	for (int i = 0; i < 2; i++) {
		step(&t, vs[i], 4, "visit", "visit /dossier");
		get_with_plug(&t, vs[i], "http:2", "/dossier");
	}
	struct model *m = load_text(&t);
	uint32_t first = step_named(m, "mark \"first\""), second = step_named(m, "mark \"second\"");

	model_end(m);
	assert_true(model_prev_mark(m));
	assert_int_equal(model_cursor(m).step, second);
	assert_true(model_prev_mark(m));
	assert_int_equal(model_cursor(m).step, first);
	assert_false(model_prev_mark(m));
	assert_true(model_next_mark(m));
	assert_int_equal(model_cursor(m).step, second);
	/* the counters run from the latest mark behind the cursor */
	uint64_t by[TG_COUNT];
	model_end(m);
	assert_int_equal(model_count(m, model_cursor(m), 0, by), 1);
	model_free(m);
}

/* A query's phase decides its counter: handle_params and events are not mounts. */
static void test_phase_classes(void **state)
{
	(void)state;
	struct text t = {0};
	scenario_header(&t);
	step(&t, "assign", 1, "patch", "patch /mission?clue=2");
	step(&t, "assign_new", 1, "patch", "patch /mission?clue=2");
	static const char *const phases[] = {
		"plug:fetch_current_user", "mount:dead:MissionLive",
		"mount:dead:MissionLive/on_mount:mount_current_user",
		"mount:connected:MissionLive", "mount:connected:CountdownLive/on_mount:mount_current_user",
		"handle_params:connected:MissionLive", "handle_event:connected:MissionLive",
		"controller:UserSession.create",
	};
	for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++)
		line(&t, "\"event\":\"repo.query\",\"conn\":\"assign/ws:1\",\"variant\":\"assign\",\"sql\":\"SELECT 1\","
			 "\"source\":\"users\",\"phase\":\"%s\"", phases[i]);
	struct model *m = load_text(&t);
	uint64_t by[TG_COUNT];

	model_end(m);
	assert_int_equal(model_count(m, model_cursor(m), 0, by), 8);
	assert_int_equal(by[TG_PLUG], 1);
	assert_int_equal(by[TG_DEAD], 2);
	assert_int_equal(by[TG_CONNECTED], 2);
	assert_int_equal(by[TG_OTHER], 3);
	model_free(m);
}

/* Rows pair events of one phase group only: a dead mount's query never sits beside a connected one's. */
static void test_rows_keep_phase_groups_apart(void **state)
{
	(void)state;
	struct text t = {0};
	scenario_header(&t);
	step(&t, "assign", 1, "visit", "visit /mission");
	line(&t, "\"event\":\"repo.query\",\"conn\":\"assign/http:1\",\"variant\":\"assign\",\"sql\":\"SELECT 1\","
		 "\"source\":\"users_tokens\",\"phase\":\"mount:dead:MissionLive\"");
	step(&t, "assign_new", 1, "visit", "visit /mission");
	line(&t, "\"event\":\"repo.query\",\"conn\":\"assign_new/ws:1\",\"variant\":\"assign_new\",\"sql\":\"SELECT 1\","
		 "\"source\":\"users_tokens\",\"phase\":\"mount:connected:MissionLive\"");
	struct model *m = load_text(&t);
	uint32_t visit = step_named(m, "visit /mission");
	uint32_t a = row_with(m, visit, 0, TK_REPO_QUERY), b = row_with(m, visit, 1, TK_REPO_QUERY);

	assert_true(a > 0 && b > 0);
	assert_int_not_equal(a, b);
	model_free(m);
}

/* A line that is JSON but lacks a member the format requires is an error with its line. */
static void test_missing_member(void **state)
{
	(void)state;
	struct text t = {0};
	char err[512];
	scenario_header(&t);
	t.len += (size_t)snprintf(t.buf + t.len, sizeof(t.buf) - t.len,
				  "{\"seq\":2,\"event\":\"x\",\"conn\":\"app\"}\n");
	struct model *m = model_new();
	assert_int_equal(model_feed(m, t.buf, t.len, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2:"));
	assert_non_null(strstr(err, "member 't_us' is missing"));
	model_free(m);
}

/* What wrote a trace, from its trace.start's app, its version left out. */
static void test_origin(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"\"app\":\"lvdemo 0.1.0\",", "a trace lvdemo wrote"},
		{"\"app\":\"lvtrace import\",", "a trace lvtrace import wrote"},
		{"\"app\":\"lvtrace_telemetry 0.1.0\",", "a trace lvtrace_telemetry wrote"},
		{"", "a trace"},
		{"\"app\":7,", "a trace"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct text t = {0};
		line(&t, "\"event\":\"trace.start\",\"conn\":\"app\",%s\"format\":\"lvtrace\",\"version\":1", cases[i][0]);
		struct model *m = load_text(&t);
		assert_string_equal(model_origin(m), cases[i][1]);
		model_free(m);
	}
}

/* ------------------------------------------------------------ two cores */

struct big {
	char *buf;
	size_t len, cap;
	long seq;
};

static void big_add(struct big *b, const char *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->buf = realloc(b->buf, b->cap);
		assert_non_null(b->buf);
	}
	memcpy(b->buf + b->len, data, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

/* The lesson's events again and again, seq renumbered, until the text is at least MB megabytes. */
static void big_lesson(struct big *b, size_t mb)
{
	struct text t = {0};
	char head[64];
	lesson(&t);
	const char *first_nl = strchr(t.buf, '\n');
	big_add(b, t.buf, (size_t)(first_nl + 1 - t.buf)); /* the header, seq 1 */
	b->seq = 1;
	while (b->len < mb << 20) {
		for (const char *p = first_nl + 1; p < t.buf + t.len;) {
			const char *nl = strchr(p, '\n');
			const char *rest = strchr(p, ',');
			int n = snprintf(head, sizeof(head), "{\"seq\":%ld", ++b->seq);
			big_add(b, head, (size_t)n);
			big_add(b, rest, (size_t)(nl + 1 - rest));
			p = nl + 1;
		}
	}
}

static char *big_file(const struct big *b)
{
	static char path[64];
	strcpy(path, "/tmp/lvtrace-test-model.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *fp = fdopen(fd, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(b->buf, 1, b->len, fp), b->len);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* Loaded from a file (MAX lines a call, 0 all), or fed in small pieces (one core). -1 on an error, in ERR. */
static int big_load(const struct big *b, const char *path, size_t max, struct model **out, char *err,
		    size_t errlen)
{
	struct model *m = model_new();
	int rc;
	assert_non_null(m);
	*out = m;
	if (!path) {
		for (size_t at = 0; at < b->len; at += 4096)
			if (model_feed(m, b->buf + at, b->len - at < 4096 ? b->len - at : 4096, 0, err, errlen) < 0)
				return -1;
		return model_feed(m, "", 0, 1, err, errlen);
	}
	assert_int_equal(model_open_file(m, path, err, errlen), 0);
	while ((rc = model_load(m, max, err, errlen)) == 1)
		;
	return rc;
}

static void assert_same_model(struct model *a, struct model *b)
{
	assert_int_equal(model_event_count(a), model_event_count(b));
	assert_int_equal(model_step_count(a), model_step_count(b));
	for (uint32_t i = 0; i < model_event_count(a); i++) {
		const struct model_event *x = model_event(a, i), *y = model_event(b, i);
		assert_true(x->off == y->off && x->len == y->len && x->step == y->step && x->t_us == y->t_us);
		assert_true(x->phase == y->phase && x->conn == y->conn && x->subject == y->subject &&
			    x->pair == y->pair);
		assert_true(x->kind == y->kind && x->variant == y->variant && x->group == y->group &&
			    x->depth == y->depth && x->flags == y->flags && x->mphase == y->mphase &&
			    x->from == y->from);
		if (x->phase)
			assert_string_equal(model_string(a, x->phase), model_string(b, y->phase));
		if (x->subject)
			assert_string_equal(model_string(a, x->subject), model_string(b, y->subject));
	}
	uint64_t ca[TG_COUNT], cb[TG_COUNT];
	model_end(a);
	model_end(b);
	assert_int_equal(model_count(a, model_cursor(a), 0, ca), model_count(b, model_cursor(b), 0, cb));
	assert_memory_equal(ca, cb, sizeof(ca));
}

/* A big file loads on two cores into the model one core makes, in one call or a slice at a time. */
static void test_two_cores_one_model(void **state)
{
	(void)state;
	struct big b = {0};
	char err[512];
	struct model *one, *two, *sliced;

	big_lesson(&b, 4);
	/* a CR before a newline, deep in */
	char *nl = strchr(b.buf + b.len / 2, '\n');
	memmove(nl + 1, nl, b.len - (size_t)(nl - b.buf) + 1);
	*nl = '\r';
	b.len++;
	char *path = big_file(&b);
	assert_int_equal(big_load(&b, NULL, 0, &one, err, sizeof(err)), 0);
	assert_int_equal(big_load(&b, path, 0, &two, err, sizeof(err)), 0);
	assert_int_equal(big_load(&b, path, 1000, &sliced, err, sizeof(err)), 0);
	assert_int_equal(model_lines_ahead(one), 0);
	assert_true(model_lines_ahead(two) > model_event_count(two) / 2);
	assert_true(model_lines_ahead(sliced) > 0);
	assert_same_model(one, two);
	assert_same_model(one, sliced);
	model_free(one);
	model_free(two);
	model_free(sliced);
	unlink(path);
	free(b.buf);
}

/* A bad line, an overlong one, or one longer than a batch deep in a big file: what one core says. */
static void test_two_cores_bad_lines(void **state)
{
	(void)state;
	char err1[512], err2[512];
	static const char *const cuts[] = {"bad", "long", "wide"};

	for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
		struct big b = {0};
		struct model *one, *two;
		big_lesson(&b, 3);
		/* line 20001 */
		char *p = b.buf;
		for (int i = 0; i < 20000; i++)
			p = strchr(p, '\n') + 1;
		size_t at = (size_t)(p - b.buf);
		if (strcmp(cuts[c], "bad") == 0) {
			memcpy(p + 3, "@@@", 3);
		} else {
			/* a member of 1.1 MB (past the line limit) or of 600 KB (past a batch) */
			size_t n = strcmp(cuts[c], "long") == 0 ? (11u << 20) / 10 : 600u << 10;
			struct big w = {0};
			big_add(&w, b.buf, at);
			big_add(&w, "{\"seq\":20001,\"pad\":\"", 20);
			char *pad = malloc(n);
			assert_non_null(pad);
			memset(pad, 'x', n);
			big_add(&w, pad, n);
			free(pad);
			big_add(&w, "\",", 2);
			big_add(&w, strchr(p, ',') + 1, b.len - (size_t)(strchr(p, ',') + 1 - b.buf));
			free(b.buf);
			b = w;
		}
		char *path = big_file(&b);
		int rc1 = big_load(&b, NULL, 0, &one, err1, sizeof(err1));
		int rc2 = big_load(&b, path, 0, &two, err2, sizeof(err2));
		if (strcmp(cuts[c], "wide") == 0) {
			assert_int_equal(rc1, 0);
			assert_int_equal(rc2, 0);
			assert_true(model_lines_ahead(two) > 0);
			assert_same_model(one, two);
		} else {
			assert_int_equal(rc1, -1);
			assert_int_equal(rc2, -1);
			assert_true(model_lines_ahead(two) > 0);
			assert_non_null(strstr(err2, ":20001:"));
			/* the same words, after the file's name */
			assert_string_equal(strchr(err1, ':'), strchr(err2, ':'));
			assert_int_equal(model_event_count(two), 20000);
			assert_int_equal(model_event_count(one), 20000);
		}
		model_free(one);
		model_free(two);
		unlink(path);
		free(b.buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenario_steps_marks_notes),
		cmocka_unit_test(test_avoided_query_beside_the_query),
		cmocka_unit_test(test_join_heads_its_mount),
		cmocka_unit_test(test_counters_by_phase_from_the_mark),
		cmocka_unit_test(test_cursor_motions),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_raw_trace_steps),
		cmocka_unit_test(test_bad_line_keeps_the_prefix),
		cmocka_unit_test(test_feed_in_pieces),
		cmocka_unit_test(test_hostile_shapes),
		cmocka_unit_test(test_search_escapes_and_labels),
		cmocka_unit_test(test_marks_back_and_forth),
		cmocka_unit_test(test_phase_classes),
		cmocka_unit_test(test_rows_keep_phase_groups_apart),
		cmocka_unit_test(test_missing_member),
		cmocka_unit_test(test_origin),
		cmocka_unit_test(test_two_cores_one_model),
		cmocka_unit_test(test_two_cores_bad_lines),
	};

	return cmocka_run_group_tests_name("model: the tracer's one model of a trace", tests, NULL, NULL);
}
