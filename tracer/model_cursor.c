/*
 * model_cursor.c: the replay cursor (the last row revealed), the selection
 * among the revealed rows, the motions the keys map to (row, step, mark,
 * query, start, end) and search. Positions are (step, row); row 0 of a
 * step is its header. Only shown steps are visited.
 */
#include "model_impl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int model_pos_cmp(struct model_pos a, struct model_pos b)
{
	if (a.step != b.step)
		return a.step < b.step ? -1 : 1;
	return a.row < b.row ? -1 : a.row > b.row;
}

/* The first / last shown step, or MODEL_NONE when no step is shown (start-up alone). */
static uint32_t first_shown(const struct model *m)
{
	for (uint32_t s = 0; s < m->nsteps; s++)
		if (model_step_shown(m, s))
			return s;
	return MODEL_NONE;
}

static uint32_t last_shown(const struct model *m)
{
	for (uint32_t s = (uint32_t)m->nsteps; s-- > 0;)
		if (model_step_shown(m, s))
			return s;
	return MODEL_NONE;
}

static uint32_t row_count(struct model *m, uint32_t s)
{
	uint32_t n = 0;
	model_rows(m, s, &n);
	return n;
}

int model_pos_next(struct model *m, struct model_pos *pos)
{
	if (model_step_shown(m, pos->step) && pos->row + 1 < row_count(m, pos->step)) {
		pos->row++;
		return 1;
	}
	for (uint32_t s = pos->step + 1; s < m->nsteps; s++)
		if (model_step_shown(m, s)) {
			pos->step = s;
			pos->row = 0;
			return 1;
		}
	return 0;
}

int model_pos_prev(struct model *m, struct model_pos *pos)
{
	if (pos->row > 0 && model_step_shown(m, pos->step)) {
		pos->row--;
		return 1;
	}
	for (uint32_t s = pos->step; s-- > 0;)
		if (model_step_shown(m, s)) {
			uint32_t n = row_count(m, s);
			pos->step = s;
			pos->row = n ? n - 1 : 0;
			return 1;
		}
	return 0;
}

struct model_pos model_cursor(const struct model *m)
{
	if (!m->cursor_set) {
		uint32_t s = first_shown(m);
		struct model_pos p = {s == MODEL_NONE ? 0 : s, 0};
		return p;
	}
	return m->cursor;
}

struct model_pos model_selection(const struct model *m)
{
	return m->cursor_set ? m->sel : model_cursor(m);
}

void model_set_cursor(struct model *m, struct model_pos pos)
{
	if (pos.step >= m->nsteps)
		pos.step = m->nsteps ? (uint32_t)m->nsteps - 1 : 0;
	uint32_t n = m->nsteps ? row_count(m, pos.step) : 0;
	if (pos.row >= n)
		pos.row = n ? n - 1 : 0;
	m->cursor = pos;
	m->sel = pos;
	m->cursor_set = 1;
}

void model_select(struct model *m, struct model_pos pos)
{
	struct model_pos cur = model_cursor(m);
	if (!m->cursor_set)
		model_set_cursor(m, cur);
	if (model_pos_cmp(pos, cur) > 0)
		pos = cur;
	m->sel = pos;
}

size_t model_selected_column(const struct model *m)
{
	return m->selcol < m->ncolumns ? m->selcol : 0;
}

void model_select_column(struct model *m, size_t c)
{
	if (c < m->ncolumns)
		m->selcol = c;
}

uint32_t model_selected_event(struct model *m)
{
	struct model_pos p = model_selection(m);
	uint32_t n = 0;
	const struct model_row *rows = model_rows(m, p.step, &n);

	if (p.row >= n)
		return MODEL_NONE;
	size_t c = model_selected_column(m);
	if (rows[p.row].ev[c] != MODEL_NONE)
		return rows[p.row].ev[c];
	for (size_t i = 0; i < m->ncolumns; i++)
		if (rows[p.row].ev[i] != MODEL_NONE)
			return rows[p.row].ev[i];
	return MODEL_NONE;
}

int model_select_move(struct model *m, int delta)
{
	struct model_pos p = model_selection(m), cur = model_cursor(m);
	int moved = 0;

	if (!m->cursor_set)
		model_set_cursor(m, cur);
	for (; delta > 0 && model_pos_cmp(p, cur) < 0 && model_pos_next(m, &p); delta--)
		moved = 1;
	for (; delta < 0 && model_pos_prev(m, &p); delta++)
		moved = 1;
	m->sel = p;
	return moved;
}

/* Move the cursor to P (the selection follows) when it differs. */
static int move_to(struct model *m, struct model_pos p)
{
	struct model_pos cur = model_cursor(m);
	if (m->cursor_set && model_pos_cmp(p, cur) == 0)
		return 0;
	model_set_cursor(m, p);
	return model_pos_cmp(p, cur) != 0;
}

int model_forward(struct model *m)
{
	struct model_pos p = model_cursor(m);
	return model_pos_next(m, &p) ? move_to(m, p) : 0;
}

int model_back(struct model *m)
{
	struct model_pos p = model_cursor(m);
	return model_pos_prev(m, &p) ? move_to(m, p) : 0;
}

/* The last row of step S. */
static struct model_pos step_end(struct model *m, uint32_t s)
{
	uint32_t n = row_count(m, s);
	return (struct model_pos){s, n ? n - 1 : 0};
}

int model_next_step(struct model *m)
{
	struct model_pos p = model_cursor(m);
	/* a step is shown whole: this one first, if it is not yet */
	if (p.step < m->nsteps && model_step_shown(m, p.step) && p.row + 1 < row_count(m, p.step))
		return move_to(m, step_end(m, p.step));
	for (uint32_t s = p.step + 1; s < m->nsteps; s++)
		if (model_step_shown(m, s))
			return move_to(m, step_end(m, s));
	return 0;
}

int model_prev_step(struct model *m)
{
	struct model_pos p = model_cursor(m);
	for (uint32_t s = p.step; s-- > 0;)
		if (model_step_shown(m, s))
			return move_to(m, step_end(m, s));
	/* the first step: back to its header */
	return p.row > 0 ? move_to(m, (struct model_pos){p.step, 0}) : 0;
}

int model_at_mark(struct model *m, struct model_pos pos)
{
	return pos.row == 0 && pos.step < m->nsteps && m->steps[pos.step].mark != NULL;
}

int model_next_mark(struct model *m)
{
	struct model_pos p = model_cursor(m);
	for (uint32_t s = p.step + 1; s < m->nsteps; s++)
		if (model_step_shown(m, s) && m->steps[s].mark)
			return move_to(m, (struct model_pos){s, 0});
	return 0;
}

int model_prev_mark(struct model *m)
{
	struct model_pos p = model_cursor(m);
	uint32_t from = p.row > 0 ? p.step + 1 : p.step;
	for (uint32_t s = from; s-- > 0;)
		if (model_step_shown(m, s) && m->steps[s].mark)
			return move_to(m, (struct model_pos){s, 0});
	return 0;
}

int model_home(struct model *m)
{
	uint32_t s = first_shown(m);
	return s == MODEL_NONE ? 0 : move_to(m, (struct model_pos){s, 0});
}

int model_end(struct model *m)
{
	uint32_t s = last_shown(m);
	if (s == MODEL_NONE)
		return 0;
	uint32_t n = row_count(m, s);
	return move_to(m, (struct model_pos){s, n ? n - 1 : 0});
}

/* 1 when a column of POS's row holds an event with FLAGS. */
static int row_has(struct model *m, struct model_pos pos, uint8_t flags)
{
	uint32_t n = 0;
	const struct model_row *rows = model_rows(m, pos.step, &n);
	if (pos.row >= n)
		return 0;
	for (size_t c = 0; c < m->ncolumns; c++) {
		uint32_t e = rows[pos.row].ev[c];
		if (e != MODEL_NONE && (m->ev[e].flags & flags))
			return 1;
	}
	return 0;
}

int model_next_query(struct model *m)
{
	struct model_pos p = model_cursor(m);
	while (model_pos_next(m, &p))
		if (row_has(m, p, ME_QUERY | ME_AVOIDED))
			return move_to(m, p);
	return 0;
}

int model_prev_query(struct model *m)
{
	struct model_pos p = model_cursor(m);
	while (model_pos_prev(m, &p))
		if (row_has(m, p, ME_QUERY | ME_AVOIDED))
			return move_to(m, p);
	return 0;
}

/* ------------------------------------------------------------ search */

int model_search_set(struct model *m, const char *text)
{
	free(m->search);
	m->search = NULL;
	m->search_len = 0;
	if (!text || !text[0])
		return 0;
	m->search = strdup(text);
	if (!m->search)
		return -1;
	for (char *p = m->search; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	m->search_len = strlen(m->search);
	m->search_escaped = strpbrk(m->search, "\"\\") != NULL;
	for (const char *p = m->search; *p; p++)
		if ((unsigned char)*p < 0x20)
			m->search_escaped = 1;
	return 0;
}

const char *model_search_text(const struct model *m)
{
	return m->search;
}

void model_search_labels(struct model *m, void (*label)(struct model *m, uint32_t i, char *buf, size_t len))
{
	m->search_label = label;
}

/* 1 when S (N bytes) contains the search text, ignoring ASCII case. */
static int contains(const struct model *m, const char *s, size_t n)
{
	size_t k = m->search_len;
	if (k == 0 || n < k)
		return 0;
	for (size_t i = 0; i + k <= n; i++) {
		if (tolower((unsigned char)s[i]) != (unsigned char)m->search[0])
			continue;
		size_t j = 1;
		while (j < k && tolower((unsigned char)s[i + j]) == (unsigned char)m->search[j])
			j++;
		if (j == k)
			return 1;
	}
	return 0;
}

static int contains_str(const struct model *m, const char *s)
{
	return s && contains(m, s, strlen(s));
}

int model_search_hit(struct model *m, uint32_t i)
{
	if (!m->search || i >= m->nev)
		return 0;
	const struct model_event *e = &m->ev[i];
	/* what the row says on screen */
	if (m->search_label) {
		char label[1024];
		m->search_label(m, i, label, sizeof(label));
		if (contains_str(m, label))
			return 1;
	}
	/* the line holds every field: most events fail here, unparsed (but
	 * for a text JSON writes escaped: a quote, a backslash) */
	if (!m->search_escaped && !contains(m, m->text + e->off, e->len))
		return 0;
	if (contains_str(m, trace_kind_name(e->kind)) || contains_str(m, model_string(m, e->phase)) ||
	    contains_str(m, model_string(m, e->subject)))
		return 1;
	if (e->kind != TK_REPO_QUERY)
		return 0;
	cJSON *j = model_event_json(m, i);
	const cJSON *sql = cJSON_GetObjectItemCaseSensitive(j, "sql");
	int hit = cJSON_IsString(sql) && contains_str(m, sql->valuestring);
	cJSON_Delete(j);
	return hit;
}

static int row_hit(struct model *m, struct model_pos pos)
{
	uint32_t n = 0;
	const struct model_row *rows = model_rows(m, pos.step, &n);
	if (pos.row >= n)
		return 0;
	for (size_t c = 0; c < m->ncolumns; c++)
		if (rows[pos.row].ev[c] != MODEL_NONE && model_search_hit(m, rows[pos.row].ev[c]))
			return 1;
	return 0;
}

int model_search_next(struct model *m)
{
	struct model_pos p = model_cursor(m);
	if (!m->search)
		return 0;
	while (model_pos_next(m, &p))
		if (row_hit(m, p))
			return move_to(m, p);
	return 0;
}

int model_search_prev(struct model *m)
{
	struct model_pos p = model_cursor(m);
	if (!m->search)
		return 0;
	while (model_pos_prev(m, &p))
		if (row_hit(m, p))
			return move_to(m, p);
	return 0;
}
