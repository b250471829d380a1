/*
 * report.c: the explanation of a run's failures, read from the model of
 * its merged trace (a view, like the tracer): each step that could not
 * run; each failed expectation with the queries it counted, the same window
 * in every variant phase by phase, and a hint; the replay command. And the
 * JUnit XML of a scenario. Running is runner.c's.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "json_get.h"
#include "util.h"
#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "scenario.h"

int report_width_parse(const char *s)
{
	char *end;
	errno = 0;
	long w = s ? strtol(s, &end, 10) : 0;
	if (!s || errno || *end || w < 40 || w > 1000)
		return -1;
	return (int)w;
}

int report_width(FILE *out)
{
	struct winsize ws;
	/* $COLUMNS first, as the user's own choice; then the terminal's */
	int w = report_width_parse(getenv("COLUMNS"));

	if (w > 0)
		return w;
	if (isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col > 1000 ? 1000 : ws.ws_col;
	return 100;
}

/* Print S cut to at most W columns (bytes; the text is ASCII SQL and names). */
static void put_cut(FILE *out, const char *s, int w)
{
	int n = (int)strlen(s);
	if (w < 4)
		w = 4;
	if (n <= w)
		fputs(s, out);
	else
		fprintf(out, "%.*s...", w - 3, s);
}

/* What an expect queries step counted: the filters it wrote in its event. */
struct filter {
	const char *phase;  /* glob, NULL: any */
	const char *source; /* table, NULL: any */
};

/* 1 when event I is a query FILTER counts. */
static int counted(struct model *m, uint32_t i, const struct filter *f)
{
	const struct model_event *e = model_event(m, i);
	if (e->kind != TK_REPO_QUERY)
		return 0;
	if (f->phase && !scenario_glob_match(f->phase, model_string(m, e->phase)))
		return 0;
	if (f->source) {
		cJSON *j = model_event_json(m, i);
		int same = json_str(j, "source") && strcmp(json_str(j, "source"), f->source) == 0;
		cJSON_Delete(j);
		if (!same)
			return 0;
	}
	return 1;
}

/* The events of variant V an expectation at step S looked at: from the mark in effect up to S. */
struct window {
	uint32_t *ev;
	size_t n;
};

static void window_of(struct model *m, uint32_t s, int v, struct window *w)
{
	uint32_t from = model_count_from(m, (struct model_pos){s, 0});
	size_t total = 0;

	w->ev = NULL;
	w->n = 0;
	for (uint32_t k = from; k <= s; k++)
		total += model_step(m, k)->nev[v];
	if (!total || !(w->ev = malloc(total * sizeof(*w->ev))))
		return;
	for (uint32_t k = from; k <= s; k++) {
		const struct model_step *st = model_step(m, k);
		memcpy(w->ev + w->n, st->ev[v], st->nev[v] * sizeof(*w->ev));
		w->n += st->nev[v];
	}
}

static void list_queries(FILE *out, struct model *m, const uint32_t *q, size_t n, int width)
{
	for (size_t k = 0; k < n; k++) {
		cJSON *j = model_event_json(m, q[k]);
		const char *sql = json_str(j, "sql"), *caller = json_str(j, "caller");
		const cJSON *us = cJSON_GetObjectItemCaseSensitive(j, "total_us");
		char head[320];
		size_t same = k;
		for (size_t i = 0; i < k && same == k; i++) {
			cJSON *o = model_event_json(m, q[i]);
			if (sql && json_str(o, "sql") && strcmp(sql, json_str(o, "sql")) == 0 &&
			    cJSON_Compare(cJSON_GetObjectItemCaseSensitive(j, "params"),
					  cJSON_GetObjectItemCaseSensitive(o, "params"), 1))
				same = i;
			cJSON_Delete(o);
		}
		const char *phase = model_string(m, model_event(m, q[k])->phase);
		snprintf(head, sizeof(head), "    #%-2zu %s  %s  %ldus", k + 1, phase[0] ? phase : "?",
			 caller ? caller : "?", cJSON_IsNumber(us) ? (long)us->valuedouble : 0L);
		fputs(head, out);
		if (same != k) {
			fprintf(out, "  same as #%zu\n", same + 1);
		} else if (sql && (int)strlen(sql) <= width - (int)strlen(head) - 2) {
			/* the SQL on the same line when it fits well, else on its own line */
			fprintf(out, "  %s\n", sql);
		} else {
			fputs("\n        ", out);
			put_cut(out, sql ? sql : "", width - 8);
			fputc('\n', out);
		}
		cJSON_Delete(j);
	}
}

/* The name of slot V of a scope: a variant's, or the events of none. */
static const char *slot_name(struct model *m, size_t v)
{
	return v == MODEL_SHARED ? "(no variant)" : model_variant(m, v);
}

/* Phases of the scope, with the number of queries each variant made in them. */
static void phase_table(FILE *out, struct model *m, const struct report_scope *sc, const struct filter *f)
{
	uint32_t phases[64];
	size_t np = 0;

	for (size_t v = 0; v <= MODEL_SHARED; v++) {
		if (!sc->in[v])
			continue;
		for (size_t i = 0; i < sc->n[v]; i++) {
			if (!counted(m, sc->ev[v][i], f))
				continue;
			uint32_t ph = model_event(m, sc->ev[v][i])->phase;
			size_t k = 0;
			while (k < np && phases[k] != ph)
				k++;
			if (k == np && np < 64)
				phases[np++] = ph;
		}
	}
	fprintf(out, "  the same %s in every variant, phase by phase%s%s:\n",
		sc->what ? sc->what : "window", f->source ? ", source=" : "", f->source ? f->source : "");
	fprintf(out, "    %-56s", "phase");
	for (size_t v = 0; v <= MODEL_SHARED; v++)
		if (sc->in[v])
			fprintf(out, " %15s", slot_name(m, v));
	fputc('\n', out);
	for (size_t k = 0; k < np; k++) {
		fprintf(out, "    %-56s", model_string(m, phases[k])[0] ? model_string(m, phases[k]) : "?");
		for (size_t v = 0; v <= MODEL_SHARED; v++) {
			if (!sc->in[v])
				continue;
			size_t n = 0;
			for (size_t i = 0; i < sc->n[v]; i++)
				if (model_event(m, sc->ev[v][i])->phase == phases[k] && counted(m, sc->ev[v][i], f))
					n++;
			fprintf(out, " %15zu", n);
		}
		fputc('\n', out);
	}
	if (np == 0)
		fprintf(out, "    (no queries in any variant)\n");
}

/* A known pattern behind a wrong count, or NULL. */
static const char *hint_for(struct model *m, const uint32_t *q, size_t n)
{
	int plug = 0, dead_mount = 0, hook = 0, mount_after_hook = 0, child_connected = 0;

	for (size_t k = 0; k < n; k++) {
		const struct model_event *e = model_event(m, q[k]);
		struct trace_phase p;
		trace_phase_parse(model_string(m, e->phase), &p);
		if (p.kind == TP_PLUG && strcmp(p.name, "fetch_current_user") == 0)
			plug = 1;
		else if (p.kind == TP_MOUNT && !p.connected && !p.hook[0])
			dead_mount = 1;
		if (p.hook[0])
			hook = 1;
		else if (hook && p.kind == TP_MOUNT)
			mount_after_hook = 1;
		if (p.kind == TP_MOUNT && p.connected == 1 && (e->flags & ME_CHILD))
			child_connected = 1;
	}
	if (mount_after_hook)
		return "the on_mount hook loaded the user and mount loaded it again with a naive "
		       "assign: the user is loaded twice; drop the assign from mount";
	if (plug && dead_mount)
		return "the dead mount re-queried what the fetch_current_user plug had loaded: "
		       "assign_new would reuse conn.assigns";
	if (child_connected)
		return "the nested child queried the user its parent already had: assign_new takes "
		       "it from the parent's assigns";
	return NULL;
}

void report_explain_queries(FILE *out, struct model *m, size_t v, const struct report_scope *sc,
			    const char *phase, const char *source, long expected, long actual, int width,
			    int failed)
{
	struct filter f = {phase, source};
	uint32_t *q = malloc((sc->n[v] + 1) * sizeof(*q));
	size_t nq = 0;

	for (size_t i = 0; q && i < sc->n[v]; i++)
		if (counted(m, sc->ev[v][i], &f))
			q[nq++] = sc->ev[v][i];
	if (failed) {
		if (v == MODEL_SHARED)
			fprintf(out, "  expected %ld quer%s", expected, expected == 1 ? "y" : "ies");
		else
			fprintf(out, "  variant %s: expected %ld quer%s", slot_name(m, v), expected,
				expected == 1 ? "y" : "ies");
		if (f.phase || f.source)
			fprintf(out, " (%s%s%s%s%s)", f.phase ? "phase=" : "", f.phase ? f.phase : "",
				f.phase && f.source ? " " : "", f.source ? "source=" : "", f.source ? f.source : "");
		fprintf(out, ", got %ld\n", actual >= 0 ? actual : (long)nq);
	}
	if (q)
		list_queries(out, m, q, nq, width);
	if (failed) {
		phase_table(out, m, sc, &f);
		const char *hint = q ? hint_for(m, q, nq) : NULL;
		if (hint)
			fprintf(out, "  hint: %s\n", hint);
	}
	free(q);
}

/* The expectation of step S in variant V, explained (EXPECT its scenario.expect event). */
static void explain(FILE *out, struct model *m, uint32_t s, int v, uint32_t expect, int width,
		    int failed)
{
	const struct model_step *st = model_step(m, s);
	cJSON *j = model_event_json(m, expect);
	const char *text = json_str(j, "text") ? json_str(j, "text") : st->text;
	const cJSON *expected = cJSON_GetObjectItemCaseSensitive(j, "expected");
	const cJSON *actual = cJSON_GetObjectItemCaseSensitive(j, "actual");
	const char *path = model_scenario(m) ? model_scenario(m) : "?";

	if (failed)
		fprintf(out, "FAIL %s:%d: %s\n", path, st->line, text + strspn(text, " \t"));
	else
		fprintf(out, "ok   %s:%d: %s: %s\n", path, st->line, model_variant(m, (size_t)v),
			json_str(j, "detail") ? json_str(j, "detail") : "");
	if (!cJSON_IsNumber(expected)) {
		if (failed)
			fprintf(out, "  variant %s: %s\n", model_variant(m, (size_t)v),
				json_str(j, "detail") ? json_str(j, "detail") : "failed");
		cJSON_Delete(j);
		return;
	}
	/* the window of the step in every variant: from the mark in effect up to it */
	struct report_scope sc = {.what = "window"};
	struct window w[MODEL_MAX_VARIANTS];
	size_t nv = model_variant_count(m);
	for (size_t u = 0; u < nv; u++) {
		window_of(m, s, (int)u, &w[u]);
		sc.ev[u] = w[u].ev;
		sc.n[u] = w[u].ev ? w[u].n : 0;
		sc.in[u] = 1;
	}
	report_explain_queries(out, m, (size_t)v, &sc, json_str(j, "expect_phase"),
			       json_str(j, "expect_source"), (long)expected->valuedouble,
			       cJSON_IsNumber(actual) ? (long)actual->valuedouble : -1, width, failed);
	for (size_t u = 0; u < nv; u++)
		free(w[u].ev);
	cJSON_Delete(j);
}

/* The event of KIND of variant V in step S, or MODEL_NONE. */
static uint32_t step_event(struct model *m, uint32_t s, int v, int kind)
{
	const struct model_step *st = model_step(m, s);
	for (uint32_t i = 0; i < st->nev[v]; i++)
		if (model_event(m, st->ev[v][i])->kind == kind)
			return st->ev[v][i];
	return MODEL_NONE;
}

int report_failures(FILE *out, struct model *m, int width, int verbose)
{
	size_t nv = model_variant_count(m);
	const char *path = model_scenario(m) ? model_scenario(m) : "?";
	int n = 0;

	for (size_t v = 0; v < nv; v++)
		for (uint32_t s = 0; s < model_step_count(m); s++) {
			uint32_t e = step_event(m, s, (int)v, TK_SCENARIO_ERROR);
			if (e == MODEL_NONE)
				continue;
			cJSON *j = model_event_json(m, e);
			const cJSON *line = cJSON_GetObjectItemCaseSensitive(j, "line");
			fprintf(out, "ERROR %s:%d: variant %s: %s\n", path,
				cJSON_IsNumber(line) ? (int)line->valuedouble : 1, model_variant(m, v),
				json_str(j, "error") ? json_str(j, "error") : "?");
			cJSON_Delete(j);
			n++;
		}
	for (uint32_t s = 0; s < model_step_count(m); s++) {
		if (!model_step_shown(m, s))
			continue;
		for (size_t v = 0; v < nv; v++) {
			uint32_t e = step_event(m, s, (int)v, TK_SCENARIO_EXPECT);
			if (e == MODEL_NONE)
				continue;
			const struct model_event *ev = model_event(m, e);
			if (ev->flags & ME_FAILED) {
				explain(out, m, s, (int)v, e, width, 1);
				n++;
			} else if (verbose && (ev->flags & ME_PASSED)) {
				cJSON *j = model_event_json(m, e);
				int counts = cJSON_GetObjectItemCaseSensitive(j, "expected") != NULL;
				cJSON_Delete(j);
				if (counts)
					explain(out, m, s, (int)v, e, width, 0);
			}
		}
	}
	if (n)
		fprintf(out, "  replay: lvtrace run %s\n", path);
	return n;
}

void report_tally(struct model *m, int *passed, int *failed)
{
	*passed = *failed = 0;
	for (uint32_t i = 0; i < model_event_count(m); i++) {
		const struct model_event *e = model_event(m, i);
		if (e->kind != TK_SCENARIO_EXPECT)
			continue;
		if (e->flags & ME_PASSED)
			(*passed)++;
		else if (e->flags & ME_FAILED)
			(*failed)++;
	}
}

/* ------------------------------------------------------------ JUnit */

static void xml_text(FILE *out, const char *s)
{
	struct buf b;
	buf_init(&b);
	buf_add_html(&b, s); /* HTML's escaping is XML's, control characters made '?' */
	fputs(buf_str(&b), out);
	buf_release(&b);
}

void report_junit_begin(FILE *out, size_t ntests)
{
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"lvtrace\" tests=\"%zu\">\n",
		ntests);
}

void report_junit_end(FILE *out)
{
	fputs("</testsuite>\n", out);
}

void report_junit_case(FILE *out, const char *classname, const char *name, const char *title,
		       double seconds, const char *failure_text)
{
	fputs("  <testcase classname=\"", out);
	xml_text(out, classname);
	fputs("\" name=\"", out);
	xml_text(out, name);
	fprintf(out, "\" time=\"%.3f\"", seconds);
	if (!failure_text) {
		fputs("/>\n", out);
		return;
	}
	fputs("><failure message=\"", out);
	xml_text(out, title);
	fputs(": expectations failed\">", out);
	xml_text(out, failure_text);
	fputs("</failure></testcase>\n", out);
}
