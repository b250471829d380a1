/*
 * tui_counters.c: under each column, its database hits so far (from the
 * mark in effect), in block digits five rows tall when the terminal is big
 * enough to read from the back of a classroom, with the split by phase and
 * how the column compares with the first one. Counting is the model's.
 */
#include "tui_impl.h"

#include <stdio.h>
#include <string.h>

#include "view_text.h"

/* Big digits from this terminal height on: five rows of digits and three of words. */
#define BIG_MIN_HEIGHT 34

/* A 3x5 font: each row of a digit is three bits, the left one first. */
static const unsigned char font[10][5] = {
	{7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
	{7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
};

int tui_counters_height(const struct tui *t)
{
	return t->h >= BIG_MIN_HEIGHT ? 9 : 3;
}

/* Draw N in block digits at (Y, X) within W columns. Returns 0 when they do not fit. */
static int draw_digits(int y, int x, int w, unsigned long long n, int attr, int utf8)
{
	char text[32];
	snprintf(text, sizeof(text), "%llu", n);
	int len = (int)strlen(text);
	int px = len * 7 - 1 <= w ? 2 : len * 4 - 1 <= w ? 1 : 0;
	if (!px)
		return 0;
	for (int i = 0; i < len; i++) {
		int d = text[i] - '0';
		int dx = x + i * (3 * px + px / 2 + 1);
		for (int r = 0; r < 5; r++)
			for (int b = 0; b < 3; b++)
				if (font[d][r] & (4 >> b)) {
					/* full blocks where the terminal has them, else reversed spaces */
					attron(utf8 ? attr : attr | (int)A_REVERSE);
					for (int k = 0; k < px; k++)
						mvaddstr(y + r, dx + b * px + k, utf8 ? "█" : " ");
					attroff(utf8 ? attr : attr | (int)A_REVERSE);
				}
	}
	return 1;
}

static void split_text(const uint64_t by[TG_COUNT], int compact, char *buf, size_t len)
{
	static const char *const short_names[TG_COUNT] = {"plug", "dead", "connected", "other"};
	size_t k = 0;
	buf[0] = '\0';
	for (int p = 0; p < TG_COUNT && k + 1 < len; p++) {
		if (p == TG_OTHER && !by[p])
			continue;
		k += (size_t)snprintf(buf + k, len - k, "%s%s %llu", k ? (compact ? " " : "  ") : (compact ? "(" : ""),
				      compact ? short_names[p] : view_phase_name((enum trace_group)p),
				      (unsigned long long)by[p]);
	}
	if (compact && k + 2 < len)
		snprintf(buf + k, len - k, ")");
}

/* The page of a request step ("GET /assign/mission" of VARIANT: "/mission"), or its text. */
static const char *page_of(const struct model_step *st, const char *variant)
{
	const char *p = strchr(st->text, ' ');
	size_t n = strlen(variant);
	p = p ? p + 1 : st->text;
	if (p[0] == '/' && strncmp(p + 1, variant, n) == 0 && p[1 + n] == '/')
		return p + 1 + n;
	return p;
}

void tui_counters_draw(struct tui *t)
{
	struct model *m = t->m;
	size_t nc = model_column_count(m);
	struct model_pos cur = model_cursor(m);
	uint64_t by[MODEL_MAX_COLUMNS][TG_COUNT], total[MODEL_MAX_COLUMNS];
	int big = t->count_h >= 9;
	int y = t->count_y;
	char text[256];

	attron(A_DIM);
	tui_hline(t, y, 0, t->w);
	attroff(A_DIM);
	uint32_t from = model_count_from(m, cur);
	const struct model_step *fst = model_step(m, from);
	int pages = model_counts_page_loads(m, cur);
	const char *page[MODEL_MAX_COLUMNS] = {0};
	const struct model_step *pstep[MODEL_MAX_COLUMNS] = {0}; /* each column's page load */
	if (pages)
		snprintf(text, sizeof(text), " database hits of each column's page load, as the page's panel counts ");
	else if (fst && fst->mark)
		snprintf(text, sizeof(text), " database hits since mark \"%s\" ", fst->mark);
	else
		snprintf(text, sizeof(text), " database hits since the first step ");
	attron(A_BOLD);
	tui_put(y, 2, text, t->w - 4);
	attroff(A_BOLD);
	for (size_t c = 0; c < nc; c++) {
		total[c] = model_count(m, cur, c, by[c]);
		const struct model_step *ps = model_step(m, model_column_count_from(m, cur, c));
		if (pages && ps && ps->kind == MS_REQUEST) {
			pstep[c] = ps;
			page[c] = page_of(ps, model_variant(m, (size_t)model_column_variant(m, c)));
		}
	}
	for (size_t c = 0; c < nc; c++) {
		int x = t->colx[c], w = t->colw;
		int attr = tui_attr(t, (enum tui_pair)(TP_DIGITS_0 + (int)(c % 4)), A_BOLD);
		const char *name = model_variant(m, (size_t)model_column_variant(m, c));
		int line = y + 1;
		if (big) {
			attron(A_BOLD);
			int used = tui_put(line, x, name, w);
			attroff(A_BOLD);
			if (pages) {
				if (page[c])
					snprintf(text, sizeof(text), "%s (step %u)", page[c], pstep[c]->number);
				else
					snprintf(text, sizeof(text), "no page load yet");
				attron(A_DIM);
				tui_put(line, x + used + 1, text, w - used - 1);
				attroff(A_DIM);
			}
			line++;
			if (!draw_digits(line, x, w, (unsigned long long)total[c], attr, t->utf8)) {
				snprintf(text, sizeof(text), "%llu", (unsigned long long)total[c]);
				attron(attr);
				tui_put(line + 2, x, text, w);
				attroff(attr);
			}
			line += 5;
			split_text(by[c], w < 40, text, sizeof(text));
			tui_put(line++, x, text, w);
		} else {
			/* the column's name is over it: the number first, then its split */
			snprintf(text, sizeof(text), "%llu hit%s", (unsigned long long)total[c], total[c] == 1 ? "" : "s");
			attron(attr);
			int used = tui_put(line, x, text, w);
			attroff(attr);
			split_text(by[c], 1, text, sizeof(text));
			attron(A_DIM);
			tui_put(line, x + used + 1, text, w - used - 1);
			attroff(A_DIM);
			line++;
		}
		if (c > 0) {
			const char *base = model_variant(m, (size_t)model_column_variant(m, 0));
			int pair = TP_FEWER;
			if (pages && (!page[c] || !page[0] || strcmp(page[c], page[0]) != 0)) {
				/* two different pages: their counts do not compare */
				if (page[c])
					snprintf(text, sizeof(text), "%s's last page: %s", name, page[c]);
				else
					text[0] = '\0';
				attron(A_DIM);
				tui_put(line, x, text, w);
				attroff(A_DIM);
				continue;
			}
			if (total[c] < total[0])
				snprintf(text, sizeof(text), "%s: %llu fewer than %s", name,
					 (unsigned long long)(total[0] - total[c]), base);
			else if (total[c] > total[0]) {
				snprintf(text, sizeof(text), "%s: %llu more than %s", name,
					 (unsigned long long)(total[c] - total[0]), base);
				pair = TP_MORE;
			} else
				snprintf(text, sizeof(text), "as many as %s", base);
			int a = total[c] == total[0] ? (int)A_DIM : tui_attr(t, (enum tui_pair)pair, A_BOLD);
			attron(a);
			tui_put(line, x, text, w);
			attroff(a);
		}
	}
}
