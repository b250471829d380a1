/*
 * view_summary.c: the summary `lvtrace run` prints without a terminal: one
 * row per step (its text wrapped, never cut), one column per variant (the
 * step's queries, or its expectation's outcome), and the queries counted
 * from the last mark, as the expectations count them. Read from the model
 * of the run's merged trace.
 */
#include "view_summary.h"

#include <stdlib.h>
#include <string.h>

#include "view_text.h"

struct wrap_out {
	FILE *fp;
	int indent;
	int first;
	int cells_at; /* the column where the cells start */
	const char *cells;
};

static void summary_line(const char *s, size_t n, void *arg)
{
	struct wrap_out *w = arg;
	if (w->first) {
		int used = view_width(s, n);
		if (w->cells[0])
			fprintf(w->fp, "%.*s%*s%s\n", (int)n, s,
				w->cells_at - used > 0 ? w->cells_at - used : 1, "", w->cells);
		else
			fprintf(w->fp, "%.*s\n", (int)n, s);
		w->first = 0;
	} else {
		fprintf(w->fp, "%*s%.*s\n", w->indent, "", (int)n, s);
	}
}

/* The expect or error event of variant V in step S, or MODEL_NONE. */
static uint32_t outcome_event(struct model *m, const struct model_step *st, int v, int kind)
{
	for (uint32_t i = 0; i < st->nev[v]; i++)
		if (model_event(m, st->ev[v][i])->kind == kind)
			return st->ev[v][i];
	return MODEL_NONE;
}

static void cell_for(struct model *m, const struct model_step *st, int v, int *errored, char *cell,
		     size_t len)
{
	uint32_t err = outcome_event(m, st, v, TK_SCENARIO_ERROR);
	uint32_t ex = outcome_event(m, st, v, TK_SCENARIO_EXPECT);

	if (*errored) {
		snprintf(cell, len, "-");
	} else if (err != MODEL_NONE) {
		snprintf(cell, len, "ERROR");
		*errored = 1;
	} else if (ex != MODEL_NONE) {
		cJSON *j = model_event_json(m, ex);
		const cJSON *actual = cJSON_GetObjectItemCaseSensitive(j, "actual");
		const cJSON *expected = cJSON_GetObjectItemCaseSensitive(j, "expected");
		const struct model_event *e = model_event(m, ex);
		if (e->flags & ME_FAILED)
			if (cJSON_IsNumber(actual) && cJSON_IsNumber(expected))
				snprintf(cell, len, "FAIL %.0f!=%.0f", actual->valuedouble, expected->valuedouble);
			else
				snprintf(cell, len, "FAIL");
		else if (e->flags & ME_PASSED)
			if (cJSON_IsNumber(actual))
				snprintf(cell, len, "ok %.0f", actual->valuedouble);
			else
				snprintf(cell, len, "ok");
		else
			snprintf(cell, len, "skip");
		cJSON_Delete(j);
	} else if (st->nev[v] == 0 && !st->mark && !st->note) {
		snprintf(cell, len, "-");
	} else if (st->mark || st->note) {
		cell[0] = '\0';
	} else {
		uint64_t n = 0;
		for (int p = 0; p < TG_COUNT; p++)
			n += st->queries[v][p];
		snprintf(cell, len, "%llu q", (unsigned long long)n);
	}
}

int view_summary(FILE *out, struct model *m, int width)
{
	size_t nv = model_variant_count(m);
	int col = 12;
	int errored[MODEL_MAX_VARIANTS] = {0};
	uint32_t last_mark = MODEL_NONE;

	for (size_t i = 0; i < nv; i++)
		if ((int)strlen(model_variant(m, i)) + 2 > col)
			col = (int)strlen(model_variant(m, i)) + 2;
	int text_w = width - 6 - col * (int)nv;
	if (text_w < 20)
		text_w = 20;
	fprintf(out, "%s  (%s)\n", model_title(m) ? model_title(m) : "", model_scenario(m) ? model_scenario(m) : "");
	if (model_description(m)) {
		struct wrap_out w = {.fp = out, .indent = 0, .first = 0};
		view_wrap(model_description(m), width, summary_line, &w);
	}
	fprintf(out, "%*s", 6 + text_w, "");
	for (size_t i = 0; i < nv; i++)
		fprintf(out, "%*s", col, model_variant(m, i));
	fputc('\n', out);
	for (uint32_t s = 0; s < model_step_count(m); s++) {
		if (!model_step_shown(m, s))
			continue;
		const struct model_step *st = model_step(m, s);
		char cells[512] = "", cell[64];
		size_t k = 0;
		if (st->mark)
			last_mark = s;
		for (size_t v = 0; v < nv && v < MODEL_MAX_VARIANTS; v++) {
			cell_for(m, st, (int)v, &errored[v], cell, sizeof(cell));
			k += (size_t)snprintf(cells + k, sizeof(cells) - k, "%*s", col, cell);
			if (k >= sizeof(cells)) {
				k = sizeof(cells) - 1; /* cut: what was written is all there is */
				break;
			}
		}
		while (k > 0 && cells[k - 1] == ' ')
			cells[--k] = '\0'; /* no trailing blanks */
		fprintf(out, "%4d  ", st->line);
		struct wrap_out w = {.fp = out, .indent = 6, .first = 1, .cells_at = text_w, .cells = cells};
		/* the cells are on the first line: the others have the whole width
		 * (and so has the first, when it has no cells: a note, a mark) */
		view_wrap2(st->text + strspn(st->text, " \t"), cells[0] ? text_w - 1 : width - 6, width - 6,
			   summary_line, &w);
	}
	const struct model_step *ms = last_mark != MODEL_NONE ? model_step(m, last_mark) : NULL;
	char label[300];
	if (ms)
		snprintf(label, sizeof(label), "queries since mark \"%s\"", ms->mark);
	else
		snprintf(label, sizeof(label), "queries in all the steps");
	int lw = view_width(label, strlen(label));
	fprintf(out, "%*s%s", 6 + text_w - lw > 0 ? 6 + text_w - lw : 0, "", label);
	for (size_t v = 0; v < nv && v < MODEL_MAX_VARIANTS; v++) {
		uint64_t n = 0;
		for (uint32_t s = last_mark != MODEL_NONE ? last_mark : 0; s < model_step_count(m); s++)
			if (model_step_shown(m, s))
				for (int p = 0; p < TG_COUNT; p++)
					n += model_step(m, s)->queries[v][p];
		fprintf(out, "%*llu", col, (unsigned long long)n);
	}
	fputc('\n', out);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
