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

#define CELL_MAX_LINES 6

/* One cell in lines of at most its width: the rows that explain (an avoided
 * query, an assignment, an expectation) wrapped under their label, never
 * cut; the others on one line, cut (a plug's name, a query's table and the
 * start of its SQL say what they are). */
struct cell {
	char *line[CELL_MAX_LINES];
	int n;
	enum view_style style;
};

struct wrap_cell {
	struct cell *c;
	int hang; /* spaces before the lines after the first */
};

static void cell_line(const char *s, size_t n, void *arg)
{
	struct wrap_cell *wc = arg;
	if (wc->c->n == CELL_MAX_LINES)
		return;
	int hang = wc->c->n ? wc->hang : 0;
	char *line = malloc((size_t)hang + n + 1);
	if (!line)
		return;
	memset(line, ' ', (size_t)hang);
	memcpy(line + hang, s, n);
	line[hang + (int)n] = '\0';
	wc->c->line[wc->c->n++] = line;
}

static void cell_make(struct out *w, struct model *m, uint32_t ev, int width, struct cell *c)
{
	char label[1024], cell[1200];

	c->n = 0;
	if (ev == MODEL_NONE)
		return;
	const struct model_event *e = model_event(m, ev);
	c->style = view_label(m, ev, label, sizeof(label), (w->o->times ? VL_TIMES : 0) | view_label_flags(width));
	int indent = view_indent(e->depth, width);
	const char *glyph = view_glyph(c->style, w->o->utf8);
	snprintf(cell, sizeof(cell), "%*s%s%s", indent, "", glyph, label);
	int explains = c->style == VS_AVOIDED || c->style == VS_PASSED || c->style == VS_FAILED ||
		       e->kind == TK_ASSIGN || e->kind == TK_ASSIGN_NEW;
	if (!explains) {
		size_t fit = view_fit(cell, width);
		int cut = fit < strlen(cell);
		if (cut && width > 1)
			fit = view_fit(cell, width - 1);
		if (asprintf(&c->line[0], "%.*s%s", (int)fit, cell, cut ? (w->o->utf8 ? "…" : ">") : "") >= 0)
			c->n = 1;
		return;
	}
	int hang = indent + view_width(glyph, strlen(glyph)) + 2;
	if (hang > width / 2)
		hang = width / 2;
	struct wrap_cell wc = {c, hang};
	view_wrap2(cell, width, width - hang, cell_line, &wc);
}

static void cell_free(struct cell *c)
{
	for (int i = 0; i < c->n; i++)
		free(c->line[i]);
	c->n = 0;
}

/* Line K of a cell, coloured, padded to WIDTH unless LAST. */
static void cell_put(struct out *w, const struct cell *c, int k, int width, int last)
{
	const char *s = k < c->n ? c->line[k] : "";
	const char *color = w->o->color && k < c->n ? style_color(c->style) : "";
	if (color[0])
		fputs(color, w->fp);
	fputs(s, w->fp);
	if (color[0])
		fputs(ANSI_RESET, w->fp);
	int used = view_width(s, strlen(s));
	if (!last && used < width)
		fprintf(w->fp, "%*s", width - used, "");
}

static void put_counts(struct out *w, const uint64_t by[TG_COUNT])
{
	int first = 1;
	for (int p = 0; p < TG_COUNT; p++) {
		if (!by[p])
			continue;
		fprintf(w->fp, "%s%s %llu", first ? ": " : ", ", view_phase_name((enum trace_group)p),
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
		for (int p = 0; p < TG_COUNT; p++)
			any += st->queries[model_column_variant(m, c)][p];
	if (!any)
		return;
	/* one line when the columns fit on it, else a line a column */
	char *items[MODEL_MAX_COLUMNS] = {0};
	int width = 9;
	for (size_t c = 0; c < nc; c++) {
		FILE *mem = open_memstream(&text, &tlen);
		if (!mem)
			break;
		struct out mw = *w;
		mw.fp = mem;
		int v = model_column_variant(m, c);
		uint64_t by[TG_COUNT], n = 0;
		for (int p = 0; p < TG_COUNT; p++)
			n += by[p] = st->queries[v][p];
		fprintf(mem, "%s %llu", model_variant(m, (size_t)v), (unsigned long long)n);
		if (n)
			put_counts(&mw, by);
		fclose(mem);
		items[c] = text;
		text = NULL;
		width += view_width(items[c], strlen(items[c])) + (c ? 5 : 0);
	}
	if (width <= w->o->width) {
		fputs("   hits: ", w->fp);
		for (size_t c = 0; c < nc; c++)
			fprintf(w->fp, "%s%s", c ? "  |  " : "", items[c] ? items[c] : "");
		fputc('\n', w->fp);
	} else {
		fputs("   hits:\n", w->fp);
		for (size_t c = 0; c < nc; c++)
			put_wrapped(w, "     ", "       ", items[c] ? items[c] : "");
	}
	for (size_t c = 0; c < nc; c++)
		free(items[c]);
}

/* The total of a mark's section, counted at POS (its last row). */
static void section_total(struct out *w, struct model *m, struct model_pos pos)
{
	size_t nc = model_column_count(m);
	uint64_t by[MODEL_MAX_COLUMNS][TG_COUNT], total[MODEL_MAX_COLUMNS];
	uint32_t from = model_count_from(m, pos);
	const struct model_step *fst = model_step(m, from);

	for (size_t c = 0; c < nc; c++)
		total[c] = model_count(m, pos, c, by[c]);
	char *text = NULL;
	size_t tlen = 0;
	FILE *mem = open_memstream(&text, &tlen);
	if (!mem)
		return;
	if (!fst || !fst->mark) {
		/* the set-up before the lesson's first mark: its hits, not a total */
		fputs("before the first mark:", mem);
		for (size_t c = 0; c < nc; c++)
			fprintf(mem, "  %s %llu", model_variant(m, (size_t)model_column_variant(m, c)),
				(unsigned long long)total[c]);
		fclose(mem);
		put_wrapped(w, "", "       ", text ? text : "");
		free(text);
		return;
	}
	fputs("total", mem);
	for (size_t c = 0; c < nc; c++)
		fprintf(mem, "  %s %llu", model_variant(m, (size_t)model_column_variant(m, c)),
			(unsigned long long)total[c]);
	fprintf(mem, "  (since mark \"%s\"", fst->mark);
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
	for (int p = 0; p < TG_COUNT; p++) {
		fprintf(w->fp, "  %-15s", view_phase_name((enum trace_group)p));
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
	else if (model_is_merged(m))
		fprintf(mem, "traces side by side: step k is the k-th page load of each, with its socket's join\n");
	else
		fprintf(mem, "%s: the steps are its page loads and socket joins\n", model_origin(m));
	fputs("variants in the trace:", mem);
	for (size_t i = 0; i < model_variant_count(m); i++)
		fprintf(mem, "%s %s", i ? "," : "", model_variant(m, i));
	if (model_variant_count(m) == 0)
		fputs(" none (its events name no variant)", mem);
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
		/* a note's text follows on its own line */
		char *text = NULL;
		if (asprintf(&text, "%s%s", st->note ? st->verb : st->text + strspn(st->text, " \t"),
			     st->mark ? " -- the counters start here" : "") < 0)
			return -1;
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
			struct cell cells[MODEL_MAX_COLUMNS];
			int lines = 1;
			for (size_t c = 0; c < nc; c++) {
				cell_make(&w, m, rows[r].ev[c], colw, &cells[c]);
				if (cells[c].n > lines)
					lines = cells[c].n;
				uint32_t e = rows[r].ev[c];
				if (e != MODEL_NONE && model_event(m, e)->kind == TK_SCENARIO_EXPECT) {
					if (model_event(m, e)->flags & ME_FAILED)
						failed++;
					else if (model_event(m, e)->flags & ME_PASSED)
						passed++;
				}
			}
			for (int k = 0; k < lines; k++) {
				char *row = NULL;
				size_t rlen = 0;
				struct out rw = w;
				rw.fp = open_memstream(&row, &rlen);
				if (!rw.fp)
					return -1;
				for (size_t c = 0; c < nc; c++) {
					cell_put(&rw, &cells[c], k, colw, c + 1 == nc);
					if (c + 1 < nc)
						fputs(" | ", rw.fp);
				}
				fclose(rw.fp);
				while (rlen > 0 && row[rlen - 1] == ' ')
					rlen--; /* an empty last cell leaves no blanks */
				fprintf(out, "%.*s\n", (int)rlen, row);
				free(row);
			}
			for (size_t c = 0; c < nc; c++)
				cell_free(&cells[c]);
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
