/*
 * cmd_expect.c: `lvtrace expect TRACE.jsonl EXPECTATION...`: query budgets
 * for any trace, page load by page load. Each EXPECTATION is what a
 * scenario's `expect queries ...` line says after `expect`, parsed by
 * scenario.c and checked by expect.c; the page loads are the model's, the
 * explanation of a failure and the JUnit report report.c's.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "expect.h"
#include "json_get.h"
#include "model.h"
#include "report.h"
#include "scenario.h"
#include "trace_events.h"
#include "util.h"
#include "variant.h"

#define EXPECT_NAME "expectation" /* what the scenario parser calls the text it reads */

/* One EXPECTATION argument, parsed. */
struct budget {
	const char *arg; /* as written */
	struct scenario sc; /* one step: its expect queries */
};

/* The page loads of one slot (a variant, or MODEL_SHARED) that --page selects. */
struct slot {
	struct model_page_load *all;
	size_t nall;
	size_t *sel; /* indexes into ALL */
	size_t nsel;
};

/*
 * Parse ARG (the Nth argument) as a scenario's "expect ARG" line, into B.
 * Returns 0, or -1 after saying on stderr what is wrong, and where in ARG.
 */
static int budget_parse(struct budget *b, const char *arg, int n, const char *const *names,
			size_t nnames)
{
	char err[4096];
	struct buf text;
	static const char prefix[] = "expect ";

	b->arg = arg;
	memset(&b->sc, 0, sizeof(b->sc));
	if (strpbrk(arg, "\r\n")) {
		fprintf(stderr, "lvtrace: expectation %d '%s': an expectation is one line\n", n, arg);
		return -1;
	}
	/* every variant of lvdemo and of the trace may be named in a V=N count */
	buf_init(&text);
	buf_adds(&text, "title \"lvtrace expect\"\nvariants");
	for (size_t i = 0; i < nnames; i++) {
		buf_adds(&text, " ");
		buf_adds(&text, names[i]);
	}
	buf_adds(&text, "\n");
	buf_adds(&text, prefix);
	buf_adds(&text, arg);
	buf_adds(&text, "\n");
	int rc = scenario_parse_with_variants(EXPECT_NAME, buf_str(&text), names, nnames, &b->sc, err,
					      sizeof(err));
	buf_release(&text);
	if (rc < 0) {
		/* "expectation:3:COL: message\n  line\n  caret[\n  did you mean ...]": the
		 * message, with the column and caret in ARG rather than in the line */
		const char *msg = err, *nl = strchr(err, '\n');
		long col = 0;
		if (strncmp(err, EXPECT_NAME ":3:", sizeof(EXPECT_NAME ":3:") - 1) == 0) {
			char *end;
			col = strtol(err + sizeof(EXPECT_NAME ":3:") - 1, &end, 10) - (long)(sizeof(prefix) - 1);
			msg = strncmp(end, ": ", 2) == 0 ? end + 2 : end;
		}
		const char *mean = strstr(err, "\n  did you mean");
		fprintf(stderr, "lvtrace: expectation %d '%s': %.*s\n", n, arg,
			(int)(nl ? nl - msg : (long)strlen(msg)), msg);
		if (col >= 1 && col <= (long)strlen(arg) + 1)
			fprintf(stderr, "  %s\n  %*s^\n", arg, (int)col - 1, "");
		if (mean)
			fprintf(stderr, "%s\n", mean + 1);
		return -1;
	}
	if (b->sc.nsteps != 1 || b->sc.steps[0].kind != STEP_EXPECT_QUERIES) {
		fprintf(stderr,
			"lvtrace: expectation %d '%s': only 'queries ...' can be checked against a trace "
			"(the others need what a browser saw: use them in a scenario)\n",
			n, arg);
		scenario_release(&b->sc);
		return -1;
	}
	return 0;
}

/*
 * lvdemo's variants, then M's that are not among them and are words a
 * scenario line can hold, into NAMES: their number.
 */
static size_t variant_names_with(struct model *m, const char **names)
{
	size_t n = 0;

	for (size_t i = 0; i < (size_t)VARIANT_COUNT; i++)
		names[n++] = variant_names[i];
	for (size_t v = 0; v < model_variant_count(m); v++) {
		const char *name = model_variant(m, v);
		int known = 0;
		for (size_t i = 0; i < n; i++)
			known |= strcmp(names[i], name) == 0;
		if (!known && variant_name_ok(name))
			names[n++] = name;
	}
	return n;
}

/* 1 when the page load P (its path with and without the variant's prefix) is PAGE (a glob). */
static int page_matches(struct model *m, const struct model_page_load *p, const char *page)
{
	if (!page)
		return 1;
	const char *sp = strchr(p->page, ' ');
	if (sp && fnmatch(page, sp + 1, 0) == 0)
		return 1;
	cJSON *j = model_event_json(m, p->request);
	int same = j && json_str(j, "path") && fnmatch(page, json_str(j, "path"), 0) == 0;
	cJSON_Delete(j);
	return same;
}

/* The how-manieth page load of its page P is in its slot (0 for the first). */
static size_t page_ordinal(const struct slot *s, size_t k)
{
	size_t n = 0;
	for (size_t i = 0; i < k; i++)
		if (strcmp(s->all[s->sel[i]].page, s->all[s->sel[k]].page) == 0)
			n++;
	return n;
}

/* The page load of slot S that is the ORD-th of PAGE, or NULL. */
static const struct model_page_load *page_nth(const struct slot *s, const char *page, size_t ord)
{
	for (size_t i = 0; i < s->nsel; i++) {
		const struct model_page_load *p = &s->all[s->sel[i]];
		if (strcmp(p->page, page) == 0 && ord-- == 0)
			return p;
	}
	return NULL;
}

/*
 * The first trace.gap (a writer telling of lines it lost) among page load
 * P's events of slot V, or right after its last (the lost lines come just
 * before the gap that tells of them), or MODEL_NONE. A gap of another
 * variant's writer (a run's trace has one per variant) is not P's.
 */
static uint32_t gap_in(struct model *m, size_t v, const struct model_page_load *p)
{
	uint32_t last = p->nev ? p->ev[p->nev - 1] : p->request;

	for (uint32_t i = p->request + 1; i <= last + 1 && i < model_event_count(m); i++) {
		const struct model_event *e = model_event(m, i);
		if (e->kind == TK_OTHER && e->subject &&
		    strcmp(model_string(m, e->subject), TRACE_EV_TRACE_GAP) == 0 &&
		    (e->variant == MODEL_NO_VARIANT || e->variant == v))
			return i;
	}
	return MODEL_NONE;
}

/*
 * Check budget B against page load K of slot V; on a failure explain it to
 * OUT. Returns 1 passed, 0 failed, -2 not checked (a V=N count that does
 * not name V), -1 out of memory.
 */
static int check_page(FILE *out, struct model *m, struct slot *slots, size_t v, size_t k,
		      const struct budget *b, int width)
{
	const struct model_page_load *p = &slots[v].all[slots[v].sel[k]];
	struct trace_event *evs = calloc(p->nev + 1, sizeof(*evs));
	size_t n = 0;
	char err[256];
	int rc = -1;

	if (!evs)
		return -1;

	/* the events as the runner gives them to expect.c: each line, read by the trace library */
	for (size_t i = 0; i < p->nev; i++) {
		size_t len;
		const char *line = model_event_line(m, p->ev[i], &len);
		if (trace_event_parse(line, len, &evs[n], err, sizeof(err)) < 0) {
			/* the model read it: a disagreement of the two readers fails the page, never passes it */
			fprintf(out, "  page load %s: its event %zu of %zu cannot be read again (%s): "
				     "not checked\n", p->page, i + 1, p->nev, err);
			rc = 0;
			goto out;
		}
		n++;
	}
	const struct step *st = &b->sc.steps[0];
	struct expect_seen seen = {.status = 0, .location = NULL, .join = ""};
	struct expect_result r;
	if (expect_check(st, v == MODEL_SHARED ? "" : model_variant(m, v), evs, 0, n, &seen, &r) < 0)
		goto out;
	if (!r.checked) {
		rc = -2;
		goto out;
	}
	/* lines lost while it was traced: its count may be short, so it holds nothing */
	uint32_t gap = gap_in(m, v, p);
	if (gap != MODEL_NONE) {
		cJSON *j = model_event_json(m, gap);
		const cJSON *lost = cJSON_GetObjectItemCaseSensitive(j, "lost");
		fprintf(out, "  page load %s: %ld events were lost while it was traced (a trace.gap "
			     "line): its count cannot be trusted, not checked\n",
			p->page, cJSON_IsNumber(lost) ? (long)lost->valuedouble : 0L);
		cJSON_Delete(j);
		rc = 0;
		expect_result_release(&r);
		goto out;
	}
	rc = r.passed;
	if (!r.passed) {
		cJSON *j = model_event_json(m, p->request);
		const cJSON *seq = cJSON_GetObjectItemCaseSensitive(j, "seq");
		fprintf(out, "  page load %s %s (trace seq %ld):\n",
			json_str(j, "method") ? json_str(j, "method") : "?",
			json_str(j, "path") ? json_str(j, "path") : "?",
			cJSON_IsNumber(seq) ? (long)seq->valuedouble : 0L);
		cJSON_Delete(j);
		/* beside it, the same page's load in every variant (the first beside the first...) */
		struct report_scope sc = {.what = "page load"};
		size_t ord = page_ordinal(&slots[v], k);
		for (size_t u = 0; u <= MODEL_SHARED; u++) {
			const struct model_page_load *q = u == v ? p : page_nth(&slots[u], p->page, ord);
			if (!q)
				continue;
			sc.ev[u] = q->ev;
			sc.n[u] = q->nev;
			sc.in[u] = 1;
		}
		report_explain_queries(out, m, v, &sc, st->phase_glob, st->source, r.expected, r.actual,
				       width, 1);
	}
	expect_result_release(&r);
out:
	for (size_t i = 0; i < n; i++)
		trace_event_release(&evs[i]);
	free(evs);
	return rc;
}

/* 1 when page PG is one of a slot's before slot V's page load I. */
static int page_seen(const struct slot *slots, size_t v, size_t i, const char *pg)
{
	for (size_t u = 0; u <= v; u++)
		for (size_t k = 0; k < (u == v ? i : slots[u].nall); k++)
			if (strcmp(slots[u].all[k].page, pg) == 0)
				return 1;
	return 0;
}

/* The pages of the trace, "GET /, GET /mission", for a selection that matched none. */
static void pages_text(struct slot *slots, char *out, size_t len)
{
	size_t off = 0;
	out[0] = '\0';
	for (size_t v = 0; v <= MODEL_SHARED; v++)
		for (size_t i = 0; i < slots[v].nall && off + 1 < len; i++) {
			const char *pg = slots[v].all[i].page;
			if (page_seen(slots, v, i, pg))
				continue;
			int k = snprintf(out + off, len - off, "%s%s", off ? ", " : "", pg);
			if (k < 0 || (size_t)k >= len - off) {
				snprintf(out + (len > 4 ? len - 4 : 0), len > 4 ? 4 : len, "...");
				return;
			}
			off += (size_t)k;
		}
}

static int expect_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{"page", required_argument, NULL, 'p'},
		{"junit", required_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *page = NULL, *junit = NULL;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'p': page = optarg; break;
		case 'j': junit = optarg; break;
		case 'h': cli_cmd_help(stdout, argv[0]); return 0;
		case ':': return cli_bad_usage("missing value for option", argv[optind - 1]);
		default: return cli_bad_usage("unknown option", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_bad_usage("expect needs a trace and at least one expectation", NULL);
	if (optind + 1 >= argc)
		return cli_bad_usage("expect needs at least one expectation after the trace, e.g. 'queries 2'",
				     argv[optind]);
	if (page && page[0] != '/')
		return cli_bad_usage("--page takes a path (or a glob of paths) starting with '/'", page);
	const char *path = argv[optind];
	size_t nb = (size_t)(argc - optind - 1);
	struct budget *bs = calloc(nb, sizeof(*bs));
	struct slot slots[MODEL_MAX_VARIANTS + 1] = {{0}};
	struct model *m = NULL;
	int status = 2, bad = 0;

	if (!bs) {
		fprintf(stderr, "lvtrace: out of memory\n");
		return 2;
	}
	int load_status;
	if (!(m = cli_load_trace(path, &load_status)))
		goto out; /* a trace that cannot be read whole checks nothing: 2 */
	/* the expectations may name the trace's variants (an app's own) as well as lvdemo's */
	const char *names[VARIANT_COUNT + MODEL_MAX_VARIANTS];
	size_t nnames = variant_names_with(m, names);
	for (size_t i = 0; i < nb; i++)
		if (budget_parse(&bs[i], argv[optind + 1 + (int)i], (int)i + 1, names, nnames) < 0)
			bad = 1;
	if (bad)
		goto out;

	size_t nsel = 0;
	for (size_t v = 0; v <= MODEL_SHARED; v++) {
		if (v < MODEL_SHARED && v >= model_variant_count(m))
			continue;
		struct slot *s = &slots[v];
		if (model_page_loads(m, (int)v, &s->all, &s->nall) < 0 ||
		    !(s->sel = calloc(s->nall + 1, sizeof(*s->sel)))) {
			fprintf(stderr, "lvtrace: out of memory\n");
			goto out;
		}
		for (size_t i = 0; i < s->nall; i++)
			if (page_matches(m, &s->all[i], page))
				s->sel[s->nsel++] = i;
		nsel += s->nsel;
	}

	FILE *jf = NULL;
	struct cli_whole jw;
	/* the report appears whole when every expectation is checked, or not at all */
	if (junit && (cli_whole_open(&jw, junit) < 0 || !(jf = fopen(jw.part, "w")))) {
		fprintf(stderr, "lvtrace: cannot write '%s': %s\n", junit, strerror(errno));
		if (jw.part[0])
			cli_whole_close(&jw, 0);
		goto out;
	}
	if (jf)
		report_junit_begin(jf, nb);
	int width = report_width(stdout);
	int npassed = 0, nfailed = 0, incomplete = 0;
	char pages[512];
	pages_text(slots, pages, sizeof(pages));
	for (size_t i = 0; i < nb; i++) {
		char *text = NULL;
		size_t tlen = 0;
		FILE *mem = open_memstream(&text, &tlen);
		if (!mem) {
			fprintf(stderr, "lvtrace: out of memory: not every expectation was checked\n");
			incomplete = 1;
			break;
		}
		size_t checked = 0, failed = 0;
		int oom = 0;
		for (size_t v = 0; v <= MODEL_SHARED && !oom; v++)
			for (size_t k = 0; k < slots[v].nsel && !oom; k++) {
				int rc = check_page(mem, m, slots, v, k, &bs[i], width);
				if (rc == -1)
					oom = 1;
				else if (rc >= 0)
					checked++, failed += rc == 0;
			}
		if (oom)
			fprintf(mem, "  out of memory: not every page load was checked\n");
		else if (nsel == 0)
			fprintf(mem, "  no page load%s%s%s in %s (its pages: %s)\n", page ? " of '" : "",
				page ? page : "", page ? "'" : "", path, pages[0] ? pages : "none");
		else if (checked == 0)
			fprintf(mem, "  no page load of a variant it names\n");
		fclose(mem);
		int ok = !oom && checked > 0 && failed == 0;
		if (ok)
			printf("ok   %s (%zu page load%s)\n", bs[i].arg, checked, checked == 1 ? "" : "s");
		else if (failed)
			printf("FAIL %s (%zu of %zu page loads)\n", bs[i].arg, failed, checked);
		else
			printf("FAIL %s\n", bs[i].arg);
		if (tlen)
			fputs(text, stdout);
		if (jf)
			report_junit_case(jf, "lvtrace.expect", bs[i].arg, bs[i].arg, 0.0, ok ? NULL : text);
		if (ok)
			npassed++;
		else
			nfailed++;
		free(text);
	}
	/* a report of what was not all checked is no report: exit 2, and no JUnit file */
	int write_failed = incomplete;
	if (jf && incomplete) {
		fclose(jf);
		cli_whole_close(&jw, 0);
	} else if (jf && cli_junit_close(jf, &jw) < 0) {
		write_failed = 1;
	}
	if (nfailed)
		printf("  replay: lvtrace replay %s\n", path);
	printf("%d passed, %d failed\n", npassed, nfailed);
	if (cli_stdout_flush() < 0)
		write_failed = 1;
	status = write_failed ? 2 : nfailed ? 1 : 0;
out:
	for (size_t v = 0; v <= MODEL_SHARED; v++) {
		model_page_loads_free(slots[v].all, slots[v].nall);
		free(slots[v].sel);
	}
	model_free(m);
	for (size_t i = 0; i < nb; i++)
		if (bs[i].sc.path)
			scenario_release(&bs[i].sc);
	free(bs);
	return status;
}

const struct cli_cmd cmd_expect_entry = {
	.name = "expect",
	.synopsis = "lvtrace expect TRACE.jsonl [--page PATH] [--junit FILE] EXPECTATION...",
	.summary = "check query budgets ('queries phase=mount:dead* 0') on every page load of a trace",
	.exec = expect_exec,
};
