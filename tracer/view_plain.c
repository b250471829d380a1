/*
 * view_plain.c: the model as text (view_plain.h), step by step: the step
 * and its note (wrapped, never cut), the rows side by side (a cell cut to
 * its column), the step's database hits by phase, and a total per mark
 * with the difference between the columns. Words come from view_text.c.
 */
#include "view_plain.h"

#include <stdlib.h>
#include <string.h>

#include "view_text.h"

#define ANSI_RESET "\033[0m"

struct out {
	FILE *fp;
	const struct plain_options *o;
	const char *prefix; /* before the next wrapped line */
	const char *rest;   /* before the lines after it */
};

static const char *style_color(enum view_style s)
{
	switch (s) {
	case VS_QUERY: return "\033[1;33m";
	case VS_AVOIDED: return "\033[1;32m";
	case VS_PASSED: return "\033[32m";
	case VS_FAILED: return "\033[1;31m";
	case VS_DIM: return "\033[2m";
	case VS_SPAN: return "\033[1m";
	default: return "";
	}
}

static void wrapped_line(const char *s, size_t n, void *arg)
{
	struct out *w = arg;
	fprintf(w->fp, "%s%.*s\n", w->prefix, (int)n, s);
	w->prefix = w->rest;
}

/* TEXT wrapped to the width: the first line after FIRST, the others after PREFIX (as wide). */
static void put_wrapped(struct out *w, const char *first, const char *prefix, const char *text)
{
	struct out line = *w;
	line.prefix = first;
	line.rest = prefix;
	view_wrap2(text, w->o->width - view_width(first, strlen(first)),
		   w->o->width - view_width(prefix, strlen(prefix)), wrapped_line, &line);
}

/* One cell: indentation, mark and label, cut to W columns and padded unless LAST. */
static void put_cell(struct out *w, struct model *m, uint32_t ev, int width, int last)
{
	char label[1024], cell[1200];
	int used = 0;

	if (ev == MODEL_NONE) {
		if (!last)
			fprintf(w->fp, "%*s", width, "");
		return;
	}
	const struct model_event *e = model_event(m, ev);
	enum view_style style = view_label(m, ev, label, sizeof(label), w->o->times);
	snprintf(cell, sizeof(cell), "%*s%s%s", view_indent(e->depth, width), "", view_glyph(style, w->o->utf8),
		 label);
	size_t fit = view_fit(cell, width);
	int cut = fit < strlen(cell);
	if (cut && width > 1)
		fit = view_fit(cell, width - 1);
	if (w->o->color && style_color(style)[0])
		fputs(style_color(style), w->fp);
	fprintf(w->fp, "%.*s%s", (int)fit, cell, cut ? (w->o->utf8 ? "…" : ">") : "");
	if (w->o->color && style_color(style)[0])
		fputs(ANSI_RESET, w->fp);
	used = view_width(cell, fit) + (cut ? 1 : 0);
	if (!last && used < width)
		fprintf(w->fp, "%*s", width - used, "");
}

static void put_counts(struct out *w, const uint64_t by[MP_COUNT])
{
	int first = 1;
	for (int p = 0; p < MP_COUNT; p++) {
		if (!by[p])
			continue;
		fprintf(w->fp, "%s%s %llu", first ? ": " : ", ", view_phase_name((enum model_phase)p),
			(unsigned long long)by[p]);
		first = 0;
	}
}

/* The hits of the step S alone, per column, when any column has some. */
static void step_hits(struct out *w, struct model *m, uint32_t s)
{
	const struct model_step *st = model_step(m, s);
	size_t nc = model_column_count(m);
	uint64_t any = 0;
	char *text = NULL;
	size_t tlen = 0;

	for (size_t c = 0; c < nc; c++)
		for (int p = 0; p < MP_COUNT; p++)
			any += st->queries[model_column_variant(m, c)][p];
	if (!any)
		return;
	FILE *mem = open_memstream(&text, &tlen);
	if (!mem)
		return;
	struct out mw = *w;
	mw.fp = mem;
	for (size_t c = 0; c < nc; c++) {
		int v = model_column_variant(m, c);
		uint64_t by[MP_COUNT], n = 0;
		for (int p = 0; p < MP_COUNT; p++)
			n += by[p] = st->queries[v][p];
		fprintf(mem, "%s%s %llu", c ? "  |  " : "", model_variant(m, (size_t)v), (unsigned long long)n);
		if (n)
			put_counts(&mw, by);
	}
	fclose(mem);
	put_wrapped(w, "   hits: ", "         ", text ? text : "");
	free(text);
}
/* The total of a mark's section, counted at POS (its last row). */
static void section_total(struct out *w, struct model *m, struct model_pos pos)
{
	size_t nc = model_column_count(m);
	uint64_t by[MODEL_MAX_COLUMNS][MP_COUNT], total[MODEL_MAX_COLUMNS];
	uint32_t from = model_count_from(m, pos);
	const struct model_step *fst = model_step(m, from);

	for (size_t c = 0; c < nc; c++)
		total[c] = model_count(m, pos, c, by[c]);
	char *text = NULL;
	size_t tlen = 0;
	FILE *mem = open_memstream(&text, &tlen);
	if (!mem)
		return;
	fputs("total", mem);
	for (size_t c = 0; c < nc; c++)
		fprintf(mem, "  %s %llu", model_variant(m, (size_t)model_column_variant(m, c)),
			(unsigned long long)total[c]);
	if (fst && fst->mark)
		fprintf(mem, "  (since mark \"%s\"", fst->mark);
	else
		fprintf(mem, "  (since the first step");
	for (size_t c = 1; c < nc; c++) {
		const char *name = model_variant(m, (size_t)model_column_variant(m, c));
		const char *base = model_variant(m, (size_t)model_column_variant(m, 0));
		if (total[c] < total[0])
			fprintf(mem, "; %s: %llu fewer than %s", name,
				(unsigned long long)(total[0] - total[c]), base);
		else if (total[c] > total[0])
			fprintf(mem, "; %s: %llu more than %s", name,
				(unsigned long long)(total[c] - total[0]), base);
		else
			fprintf(mem, "; %s: as many as %s", name, base);
	}
	fputs(")", mem);
	fclose(mem);
	put_wrapped(w, "", "       ", text ? text : "");
	free(text);
	/* the split by phase, as a table: each column as wide as its variant's name */
	fprintf(w->fp, "  %-15s", "by phase");
	for (size_t c = 0; c < nc; c++)
		fprintf(w->fp, "  %s", model_variant(m, (size_t)model_column_variant(m, c)));
	fputc('\n', w->fp);
	for (int p = 0; p < MP_COUNT; p++) {
		fprintf(w->fp, "  %-15s", view_phase_name((enum model_phase)p));
		for (size_t c = 0; c < nc; c++) {
			int cw = (int)strlen(model_variant(m, (size_t)model_column_variant(m, c)));
			fprintf(w->fp, "  %*llu", cw < 3 ? 3 : cw, (unsigned long long)by[c][p]);
		}
		fputc('\n', w->fp);
	}
}

int view_plain(FILE *out, struct model *m, const struct plain_options *o)
{
	struct out w = {.fp = out, .o = o, .prefix = ""};
	size_t nc = model_column_count(m);
	int sep = 3; /* " | " */
	int colw = nc ? (o->width - sep * (int)(nc - 1)) / (int)nc : o->width;
	char line[256];

	if (model_title(m))
		put_wrapped(&w, "", "", model_title(m));
	if (model_description(m))
		put_wrapped(&w, "", "", model_description(m));
	char *head = NULL;
	size_t hlen = 0;
	FILE *mem = open_memstream(&head, &hlen);
	if (!mem)
		return -1;
	if (model_scenario(m))
		fprintf(mem, "scenario: %s\n", model_scenario(m));
	else
		fprintf(mem, "a trace lvdemo wrote: the steps are its page loads and socket joins\n");
	fputs("variants in the trace:", mem);
	for (size_t i = 0; i < model_variant_count(m); i++)
		fprintf(mem, "%s %s", i ? "," : "", model_variant(m, i));
	fputs("\nside by side:", mem);
	for (size_t c = 0; c < nc; c++)
		fprintf(mem, "%s %s", c ? "," : "", model_variant(m, (size_t)model_column_variant(m, c)));
	fclose(mem);
	for (char *l = strtok(head, "\n"); l; l = strtok(NULL, "\n"))
		put_wrapped(&w, "", "  ", l);
	free(head);

	uint32_t nsteps = (uint32_t)model_step_count(m), shown = model_shown_steps(m);
	int passed = 0, failed = 0;
	struct model_pos last = {0, 0};
	int any_step = 0;
	for (uint32_t s = 0; s < nsteps; s++) {
		if (!model_step_shown(m, s))
			continue;
		const struct model_step *st = model_step(m, s);
		if (st->mark && any_step)
			section_total(&w, m, last);
		any_step = 1;
		fputc('\n', out);
		snprintf(line, sizeof(line), "== step %u/%u", st->number, shown);
		char first[300];
		snprintf(first, sizeof(first), "%s: ", line);
		char *text = malloc(strlen(st->text) + 64);
		if (!text)
			return -1;
		/* a note's text follows on its own line */
		sprintf(text, "%s%s", st->note ? st->verb : st->text + strspn(st->text, " \t"),
			st->mark ? " -- the counters start here" : "");
		put_wrapped(&w, first, "     ", text);
		free(text);
		if (st->note)
			put_wrapped(&w, "   note: ", "         ", st->note);
		uint32_t n = 0;
		const struct model_row *rows = model_rows(m, s, &n);
		if (n > 1) {
			for (size_t c = 0; c < nc; c++) {
				const char *name = model_variant(m, (size_t)model_column_variant(m, c));
				if (c + 1 < nc)
					fprintf(out, "%-*s | ", colw, name);
				else
					fprintf(out, "%s\n", name);
			}
		}
		for (uint32_t r = 1; r < n; r++) {
			char *row = NULL;
			size_t rlen = 0;
			struct out rw = w;
			rw.fp = open_memstream(&row, &rlen);
			if (!rw.fp)
				return -1;
			for (size_t c = 0; c < nc; c++) {
				put_cell(&rw, m, rows[r].ev[c], colw, c + 1 == nc);
				if (c + 1 < nc)
					fputs(" | ", rw.fp);
				uint32_t e = rows[r].ev[c];
				if (e != MODEL_NONE && model_event(m, e)->kind == TK_SCENARIO_EXPECT) {
					if (model_event(m, e)->flags & ME_FAILED)
						failed++;
					else if (model_event(m, e)->flags & ME_PASSED)
						passed++;
				}
			}
			fclose(rw.fp);
			while (rlen > 0 && row[rlen - 1] == ' ')
				rlen--; /* an empty last cell leaves no blanks */
			fprintf(out, "%.*s\n", (int)rlen, row);
			free(row);
		}
		step_hits(&w, m, s);
		last = (struct model_pos){s, n ? n - 1 : 0};
	}
	if (any_step) {
		fputc('\n', out);
		section_total(&w, m, last);
	}
	if (passed || failed) {
		char tally[96];
		snprintf(tally, sizeof(tally), "expectations in these columns: %d passed, %d failed", passed, failed);
		put_wrapped(&w, "", "  ", tally);
	}
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}
