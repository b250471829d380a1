/*
 * report.c: the explanation of a run's failures, laid out to the
 * terminal's width, and the JUnit XML of a scenario. Running is runner.c's,
 * the summary view_summary.c's.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int report_width(FILE *out)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	if (cols && atoi(cols) >= 40)
		return atoi(cols);
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

/* ------------------------------------------------------------ failures */

static void list_queries(FILE *out, const struct variant_run *v, const struct expect_result *r,
			 int width)
{
	for (size_t k = 0; k < r->nmatched; k++) {
		const struct trace_event *ev = &v->events[r->matched[k]];
		const char *sql = trace_event_string(ev, "sql");
		const char *caller = trace_event_string(ev, "caller");
		char head[320];
		size_t same = k;
		for (size_t j = 0; j < k; j++) {
			const char *other = trace_event_string(&v->events[r->matched[j]], "sql");
			const cJSON *p1 = cJSON_GetObjectItemCaseSensitive(ev->json, "params");
			const cJSON *p2 = cJSON_GetObjectItemCaseSensitive(v->events[r->matched[j]].json, "params");
			if (sql && other && strcmp(sql, other) == 0 && cJSON_Compare(p1, p2, 1)) {
				same = j;
				break;
			}
		}
		snprintf(head, sizeof(head), "    #%-2zu %s  %s  %ldus", k + 1,
			 ev->phase ? ev->phase : "?", caller ? caller : "?", (long)trace_event_number(ev, "total_us"));
		fputs(head, out);
		if (same != k) {
			fprintf(out, "  same as #%zu\n", same + 1);
			continue;
		}
		/* the SQL on the same line when it fits well, else on its own line */
		int room = width - (int)strlen(head) - 2;
		if (sql && (int)strlen(sql) <= room) {
			fprintf(out, "  %s\n", sql);
		} else {
			fputs("\n        ", out);
			put_cut(out, sql ? sql : "", width - 8);
			fputc('\n', out);
		}
	}
}

/* Phases of the window, with the number of queries each variant made in them. */
static void phase_table(FILE *out, const struct run *run, size_t step, const struct step *st)
{
	char *phases[64];
	size_t np = 0;

	for (size_t i = 0; i < run->nv; i++) {
		const struct variant_run *v = &run->v[i];
		const struct expect_result *r = &v->results[step];
		for (size_t e = r->window_begin; e < r->window_end && e < v->nevents; e++) {
			const struct trace_event *ev = &v->events[e];
			if (strcmp(ev->event, TRACE_EV_REPO_QUERY) != 0)
				continue;
			const char *src = trace_event_string(ev, "source");
			if (st->source && (!src || strcmp(src, st->source) != 0))
				continue;
			const char *ph = ev->phase ? ev->phase : "?";
			size_t k = 0;
			while (k < np && strcmp(phases[k], ph) != 0)
				k++;
			if (k == np && np < 64)
				phases[np++] = (char *)ph;
		}
	}
	fprintf(out, "  the same window in every variant, phase by phase%s%s:\n",
		st->source ? ", source=" : "", st->source ? st->source : "");
	fprintf(out, "    %-56s", "phase");
	for (size_t i = 0; i < run->nv; i++)
		fprintf(out, " %15s", run->v[i].variant);
	fputc('\n', out);
	for (size_t k = 0; k < np; k++) {
		fprintf(out, "    %-56s", phases[k]);
		for (size_t i = 0; i < run->nv; i++) {
			const struct variant_run *v = &run->v[i];
			const struct expect_result *r = &v->results[step];
			size_t n = 0;
			for (size_t e = r->window_begin; e < r->window_end && e < v->nevents; e++) {
				const struct trace_event *ev = &v->events[e];
				const char *src = trace_event_string(ev, "source");
				if (strcmp(ev->event, TRACE_EV_REPO_QUERY) == 0 && ev->phase &&
				    strcmp(ev->phase, phases[k]) == 0 &&
				    (!st->source || (src && strcmp(src, st->source) == 0)))
					n++;
			}
			fprintf(out, " %15zu", n);
		}
		fputc('\n', out);
	}
	if (np == 0)
		fprintf(out, "    (no queries in any variant)\n");
}

/* A known pattern behind a wrong count, or NULL. */
static const char *hint_for(const struct variant_run *v, const struct expect_result *r)
{
	int plug = 0, dead_mount = 0, hook = 0, mount_after_hook = 0, child_connected = 0;

	for (size_t e = r->window_begin; e < r->window_end && e < v->nevents; e++) {
		const struct trace_event *ev = &v->events[e];
		if (strcmp(ev->event, TRACE_EV_REPO_QUERY) != 0 || !ev->phase)
			continue;
		const char *p = ev->phase;
		if (strcmp(p, "plug:fetch_current_user") == 0)
			plug = 1;
		else if (strncmp(p, "mount:dead:", 11) == 0 && !strstr(p, "/on_mount:"))
			dead_mount = 1;
		if (strstr(p, "/on_mount:"))
			hook = 1;
		else if (hook && strncmp(p, "mount:", 6) == 0)
			mount_after_hook = 1;
		if (strcmp(p, "mount:connected:CountdownLive") == 0)
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

static void explain(FILE *out, const struct run *run, size_t s, size_t vi, int width)
{
	const struct step *st = &run->sc->steps[s];
	const struct variant_run *v = &run->v[vi];
	const struct expect_result *r = &v->results[s];

	fprintf(out, "FAIL %s:%d: %s\n", run->sc->path, st->line, st->text + strspn(st->text, " \t"));
	if (st->kind != STEP_EXPECT_QUERIES) {
		fprintf(out, "  variant %s: %s\n", v->variant, r->what);
		return;
	}
	fprintf(out, "  variant %s: expected %ld quer%s", v->variant, r->expected,
		r->expected == 1 ? "y" : "ies");
	if (st->phase_glob || st->source)
		fprintf(out, " (%s%s%s%s%s)", st->phase_glob ? "phase=" : "",
			st->phase_glob ? st->phase_glob : "", st->phase_glob && st->source ? " " : "",
			st->source ? "source=" : "", st->source ? st->source : "");
	fprintf(out, ", got %ld\n", r->actual);
	list_queries(out, v, r, width);
	phase_table(out, run, s, st);
	const char *hint = hint_for(v, r);
	if (hint)
		fprintf(out, "  hint: %s\n", hint);
}

int report_failures(FILE *out, const struct run *run, int width, int verbose)
{
	int n = 0;

	for (size_t vi = 0; vi < run->nv; vi++) {
		const struct variant_run *v = &run->v[vi];
		if (v->error[0]) {
			int line = v->error_step >= 0 && (size_t)v->error_step < run->sc->nsteps
					   ? run->sc->steps[v->error_step].line
					   : 1;
			fprintf(out, "ERROR %s:%d: variant %s: %s\n", run->sc->path, line, v->variant,
				v->error);
			n++;
		}
	}
	for (size_t s = 0; s < run->sc->nsteps; s++) {
		for (size_t vi = 0; vi < run->nv; vi++) {
			const struct expect_result *r = &run->v[vi].results[s];
			if (!r->checked)
				continue;
			if (!r->passed) {
				explain(out, run, s, vi, width);
				n++;
			} else if (verbose && run->sc->steps[s].kind == STEP_EXPECT_QUERIES) {
				fprintf(out, "ok   %s:%d: %s: %s\n", run->sc->path, run->sc->steps[s].line,
					run->v[vi].variant, r->what);
				list_queries(out, &run->v[vi], r, width);
			}
		}
	}
	if (n)
		fprintf(out, "  replay: lvtrace run %s\n", run->sc->path);
	return n;
}

/* ------------------------------------------------------------ JUnit */

static void xml_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputc('?', out);
			else
				fputc(*s, out);
		}
	}
}

void report_junit_case(FILE *out, const struct run *run, double seconds, const char *failure_text)
{
	fputs("  <testcase classname=\"lvtrace.scenarios\" name=\"", out);
	xml_text(out, run->sc->path);
	fprintf(out, "\" time=\"%.3f\"", seconds);
	if (!failure_text) {
		fputs("/>\n", out);
		return;
	}
	fputs("><failure message=\"", out);
	xml_text(out, run->sc->title);
	fputs(": expectations failed\">", out);
	xml_text(out, failure_text);
	fputs("</failure></testcase>\n", out);
}
