/*
 * tui_detail.c: the detail pane (Enter): the selected event in full, read
 * from its line in the model: the SQL whole, its parameters, rows and time,
 * the phase, the caller, the conn and variant, and every other member; for
 * a span, its end (duration, status). j / k scroll it when it has focus.
 */
#include "tui_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view_text.h"

#define DETAIL_MAX_LINES 400

struct lines {
	char *text[DETAIL_MAX_LINES];
	int n;
	int w;
};

static void add_wrapped(const char *s, size_t n, void *arg)
{
	struct lines *l = arg;
	if (l->n == DETAIL_MAX_LINES)
		return;
	char *copy = malloc(n + 1);
	if (!copy)
		return;
	memcpy(copy, s, n);
	copy[n] = '\0';
	l->text[l->n++] = copy;
}

/* "KEY: VALUE", wrapped, continuation lines indented. */
static void add_member(struct lines *l, const char *key, const char *value)
{
	size_t n = strlen(key) + strlen(value) + 4;
	char *line = malloc(n);
	if (!line)
		return;
	snprintf(line, n, "%s: %s", key, value);
	view_wrap(line, l->w, add_wrapped, l);
	free(line);
}

static void add_json(struct lines *l, const cJSON *item, const char *prefix)
{
	char key[96];
	char *value = cJSON_IsString(item) ? NULL : cJSON_PrintUnformatted(item);
	snprintf(key, sizeof(key), "%s%s", prefix, item->string ? item->string : "?");
	add_member(l, key, value ? value : cJSON_IsString(item) ? item->valuestring : "?");
	free(value);
}

static int own_member(const char *k)
{
	static const char *const own[] = {"seq", "t_us", "event", "conn", "variant", "src_seq", "sql"};
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (strcmp(k, own[i]) == 0)
			return 1;
	return 0;
}

static void build(struct tui *t, struct lines *l, uint32_t ev)
{
	struct model *m = t->m;
	const struct model_event *e = model_event(m, ev);
	cJSON *j = model_event_json(m, ev);
	char head[512], label[1024];

	view_label(m, ev, label, sizeof(label), VL_TIMES);
	if (e->kind != TK_REPO_QUERY) /* a query's row is its SQL, shown whole below */
		add_member(l, "row", label);
	const cJSON *seq = cJSON_GetObjectItemCaseSensitive(j, "seq");
	snprintf(head, sizeof(head), "%s  (line seq %.0f, at %.3f ms)", trace_kind_name(e->kind)[0]
				? trace_kind_name(e->kind)
				: model_string(m, e->subject),
		 cJSON_IsNumber(seq) ? seq->valuedouble : 0, (double)e->t_us / 1000.0);
	add_member(l, "event", head);
	snprintf(head, sizeof(head), "%s  variant %s  step %u", model_conn(m, e->conn),
		 e->variant == MODEL_NO_VARIANT ? "(none)" : model_variant(m, e->variant),
		 model_step(m, e->step) ? model_step(m, e->step)->number : 0);
	add_member(l, "conn", head);
	/* what a query is about first, in this order; then the rest as they come */
	static const char *const first[] = {"params", "rows", "total_us", "phase", "caller"};
	const cJSON *sql = cJSON_GetObjectItemCaseSensitive(j, "sql");
	if (cJSON_IsString(sql))
		add_member(l, "sql", sql->valuestring);
	const cJSON *item;
	for (size_t k = 0; k < sizeof(first) / sizeof(first[0]); k++)
		if ((item = cJSON_GetObjectItemCaseSensitive(j, first[k])))
			add_json(l, item, "");
	cJSON_ArrayForEach(item, j) {
		int shown = 0;
		for (size_t k = 0; k < sizeof(first) / sizeof(first[0]); k++)
			shown |= item->string && strcmp(item->string, first[k]) == 0;
		if (item->string && !own_member(item->string) && !shown)
			add_json(l, item, "");
	}
	if (e->pair != MODEL_NONE) {
		cJSON *stop = model_event_json(m, e->pair);
		cJSON_ArrayForEach(item, stop)
			if (item->string && !own_member(item->string) && strcmp(item->string, "phase") != 0 &&
			    !cJSON_GetObjectItemCaseSensitive(j, item->string))
				add_json(l, item, "end: ");
		cJSON_Delete(stop);
	}
	cJSON_Delete(j);
}

void tui_detail_draw(struct tui *t)
{
	int y = t->pane_y + t->code_h, h = t->pane_h - t->code_h;
	struct lines l = {.n = 0, .w = t->w - 4};
	uint32_t ev = model_selected_event(t->m);

	if (h < 2)
		return;
	attron(t->focus == TF_DETAIL ? A_BOLD : A_DIM);
	tui_hline(t, y, 0, t->w);
	tui_put(y, 2, " detail (Enter closes, Tab focuses, j/k scroll) ", t->w - 4);
	attroff(t->focus == TF_DETAIL ? A_BOLD : A_DIM);
	if (ev == MODEL_NONE) {
		tui_put(y + 1, 2, "no event on this row: select one with j/k or Tab", t->w - 4);
		return;
	}
	build(t, &l, ev);
	if (t->detail_scroll > l.n - 1)
		t->detail_scroll = l.n > 0 ? l.n - 1 : 0;
	for (int i = 0; i + 1 < h && t->detail_scroll + i < l.n; i++) {
		const char *s = l.text[t->detail_scroll + i];
		const char *colon = strstr(s, ": ");
		if (colon && colon - s < 16 && !memchr(s, ' ', (size_t)(colon - s))) {
			attron(A_BOLD);
			mvaddnstr(y + 1 + i, 2, s, (int)(colon - s) + 1);
			attroff(A_BOLD);
			tui_put(y + 1 + i, 2 + (int)(colon - s) + 1, colon + 1, t->w - 4 - (int)(colon - s) - 1);
		} else {
			tui_put(y + 1 + i, 2, s, t->w - 4);
		}
	}
	for (int i = 0; i < l.n; i++)
		free(l.text[i]);
}

int tui_detail_key(struct tui *t, int key)
{
	switch (key) {
	case 'j':
	case KEY_DOWN:
		t->detail_scroll++;
		return TUI_HANDLED;
	case 'k':
	case KEY_UP:
		if (t->detail_scroll > 0)
			t->detail_scroll--;
		return TUI_HANDLED;
	default:
		return TUI_UNHANDLED;
	}
}
