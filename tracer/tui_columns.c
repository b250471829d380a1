/*
 * tui_columns.c: the heart of the tracer: one column per variant, the rows
 * revealed so far (up to the replay cursor) lined up step by step, a query
 * marked and coloured, an avoided query in another colour where the other
 * column has its query. The selection moves among the revealed rows; the
 * view scrolls to keep it in sight.
 */
#include "tui_impl.h"

#include <string.h>

#include "view_text.h"

/* Lines of the rows area (the first holds the column names). */
static int body_lines(const struct tui *t)
{
	int n = t->rows_h - 1;
	return n < 1 ? 1 : n > TUI_MAX_ROWS ? TUI_MAX_ROWS : n;
}

/* Keep the selection in sight: top moves only when it must. */
static void scroll_to_selection(struct tui *t)
{
	struct model *m = t->m;
	struct model_pos sel = model_selection(m), cur = model_cursor(m);
	int lines = body_lines(t);

	if (model_pos_cmp(sel, cur) > 0)
		sel = cur;
	if (!t->top_valid || model_pos_cmp(sel, t->top) < 0 || model_pos_cmp(t->top, cur) > 0) {
		/* the selection on the last line, the history above it */
		struct model_pos p = sel;
		for (int i = 1; i < lines && model_pos_prev(m, &p); i++)
			;
		t->top = p;
		t->top_valid = 1;
		return;
	}
	struct model_pos p = t->top;
	int i = 0;
	while (model_pos_cmp(p, sel) < 0 && i < lines && model_pos_next(m, &p))
		i++;
	if (i >= lines) {
		p = sel;
		for (int k = 1; k < lines && model_pos_prev(m, &p); k++)
			;
		t->top = p;
	}
}

static int style_attr(const struct tui *t, enum view_style s)
{
	switch (s) {
	case VS_QUERY: return tui_attr(t, TP_QUERY, A_BOLD);
	case VS_AVOIDED: return tui_attr(t, TP_AVOIDED, A_BOLD);
	case VS_PASSED: return tui_attr(t, TP_PASSED, 0);
	case VS_FAILED: return tui_attr(t, TP_FAILED, A_BOLD);
	case VS_DIM: return A_DIM;
	case VS_SPAN: return A_BOLD;
	default: return 0;
	}
}

static void draw_step_header(struct tui *t, int y, uint32_t s, int selected)
{
	const struct model_step *st = model_step(t->m, s);
	char text[1200];

	if (!st)
		return;
	if (st->mark)
		snprintf(text, sizeof(text), "step %u/%u  %s mark \"%s\": the counters start here ", st->number,
			 model_shown_steps(t->m), t->utf8 ? "▶" : ">", st->mark);
	else
		snprintf(text, sizeof(text), "step %u/%u  %s ", st->number, model_shown_steps(t->m),
			 st->note ? st->verb : st->text + strspn(st->text, " \t"));
	int attr = st->mark ? tui_attr(t, TP_NOTE, A_BOLD) : tui_attr(t, TP_STEP, A_BOLD);
	if (selected)
		attr |= A_REVERSE;
	attron(attr);
	int x = t->gutter;
	mvhline(y, x, t->utf8 ? ' ' : '-', t->w - x);
	int used = tui_put(y, x, t->utf8 ? "── " : "-- ", 3);
	int room = t->w - x - used;
	used += tui_put(y, x + used, text, room);
	if (view_width(text, strlen(text)) > room)
		mvaddstr(y, t->w - 1, t->utf8 ? "…" : ">");
	if (t->utf8)
		for (int i = x + used; i < t->w; i++)
			mvaddstr(y, i, "─");
	attroff(attr);
}

static void draw_cell(struct tui *t, int y, size_t c, uint32_t ev, int selected, int focused)
{
	char label[1024], cell[1200];
	struct model *m = t->m;
	int x = t->colx[c];

	if (ev == MODEL_NONE) {
		if (selected && focused) {
			attron(A_REVERSE);
			mvhline(y, x, ' ', t->colw);
			attroff(A_REVERSE);
		}
		return;
	}
	const struct model_event *e = model_event(m, ev);
	enum view_style style = view_label(m, ev, label, sizeof(label), view_label_flags(t->colw));
	snprintf(cell, sizeof(cell), "%*s%s%s", view_indent(e->depth, t->colw), "", view_glyph(style, t->utf8),
		 label);
	int attr = style_attr(t, style);
	if (model_search_text(m) && model_search_hit(m, ev))
		attr |= A_UNDERLINE;
	if (selected)
		attr |= focused ? A_REVERSE : A_BOLD;
	attron(attr);
	if (selected && focused)
		mvhline(y, x, ' ', t->colw);
	int w = tui_put(y, x, cell, t->colw);
	if (w == t->colw && view_width(cell, strlen(cell)) > t->colw)
		mvaddstr(y, x + t->colw - 1, t->utf8 ? "…" : ">");
	attroff(attr);
}

void tui_columns_draw(struct tui *t)
{
	struct model *m = t->m;
	size_t nc = model_column_count(m), selc = model_selected_column(m);
	struct model_pos sel = model_selection(m), cur = model_cursor(m);
	int lines = body_lines(t);

	/* the column names */
	for (size_t c = 0; c < nc; c++) {
		int focused = t->focus == TF_COLUMNS && c == selc;
		attron(A_BOLD | (focused ? A_UNDERLINE : 0));
		tui_put(t->rows_y, t->colx[c], model_variant(m, (size_t)model_column_variant(m, c)), t->colw);
		attroff(A_BOLD | (focused ? A_UNDERLINE : 0));
		if (c + 1 < nc) {
			attron(A_DIM);
			mvaddstr(t->rows_y, t->colx[c] + t->colw + 1, t->utf8 ? "│" : "|");
			attroff(A_DIM);
		}
	}
	if (model_variant_count(m) > nc && nc > 0) {
		/* after the last column's name, when there is room */
		char more[64];
		snprintf(more, sizeof(more), "%zu of %zu variants (a: all)", nc, model_variant_count(m));
		const char *last = model_variant(m, (size_t)model_column_variant(m, nc - 1));
		int w = (int)strlen(more), end = t->colx[nc - 1] + (int)strlen(last) + 2;
		if (t->w - w - 1 >= end) {
			attron(A_DIM);
			tui_put(t->rows_y, t->w - w - 1, more, w);
			attroff(A_DIM);
		}
	}

	for (int i = 0; i < TUI_MAX_ROWS; i++)
		t->rowvalid[i] = 0;
	if (model_step_count(m) == 0)
		return;
	scroll_to_selection(t);
	struct model_pos p = t->top;
	for (int i = 0; i < lines; i++) {
		int y = t->rows_y + 1 + i;
		int selected = model_pos_cmp(p, sel) == 0;
		t->rowpos[i] = p;
		t->rowvalid[i] = 1;
		if (model_pos_cmp(p, cur) == 0) {
			attron(A_BOLD);
			mvaddstr(y, 0, t->utf8 ? "▸" : ">");
			attroff(A_BOLD);
		}
		if (p.row == 0) {
			draw_step_header(t, y, p.step, selected);
		} else {
			uint32_t n = 0;
			const struct model_row *rows = model_rows(m, p.step, &n);
			for (size_t c = 0; c < nc && p.row < n; c++) {
				draw_cell(t, y, c, rows[p.row].ev[c], selected,
					  t->focus == TF_COLUMNS && c == selc);
				if (c + 1 < nc) {
					attron(A_DIM);
					mvaddstr(y, t->colx[c] + t->colw + 1, t->utf8 ? "│" : "|");
					attroff(A_DIM);
				}
			}
		}
		if (model_pos_cmp(p, cur) >= 0 || !model_pos_next(m, &p))
			break;
	}
}

int tui_columns_key(struct tui *t, int key)
{
	int page = body_lines(t) - 1;

	switch (key) {
	case 'j':
	case KEY_DOWN:
		model_select_move(t->m, 1);
		return TUI_HANDLED;
	case 'k':
	case KEY_UP:
		model_select_move(t->m, -1);
		return TUI_HANDLED;
	case KEY_NPAGE:
		model_select_move(t->m, page > 1 ? page : 1);
		return TUI_HANDLED;
	case KEY_PPAGE:
		model_select_move(t->m, -(page > 1 ? page : 1));
		return TUI_HANDLED;
	default:
		return TUI_UNHANDLED;
	}
}

int tui_columns_click(struct tui *t, int y, int x)
{
	int i = y - (t->rows_y + 1);
	if (i < 0 || i >= body_lines(t) || !t->rowvalid[i])
		return TUI_UNHANDLED;
	model_select(t->m, t->rowpos[i]);
	for (size_t c = 0; c < model_column_count(t->m); c++)
		if (x >= t->colx[c] && x < t->colx[c] + t->colw)
			model_select_column(t->m, c);
	t->focus = TF_COLUMNS;
	return TUI_HANDLED;
}
