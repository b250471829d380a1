/*
 * tui_header.c: the top of the tracer (the scenario's title, the play
 * state and speed, "step k / n" with the step's text, the instructor's
 * note or the scenario's description, a loading error) and the status line
 * at the bottom (key hints, the search prompt, one-frame messages). Text
 * is wrapped, never cut.
 */
#include "tui_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view_text.h"

/*
 * The text under the step line: the notes in effect (the last note at or
 * before this step, with the notes written right before it: an instructor
 * often says two things before one action), else the description. A new
 * string, or NULL.
 */
static char *note_text(struct tui *t, int *is_note)
{
	struct model_pos cur = model_cursor(t->m);
	const struct model_step *st = model_step(t->m, cur.step);
	*is_note = 0;
	if (!st || st->note_step == MODEL_NONE) {
		const char *d = model_description(t->m);
		return d ? strdup(d) : NULL;
	}
	uint32_t first = st->note_step;
	while (first > 0) {
		const struct model_step *prev = model_step(t->m, first - 1);
		if (!prev || !model_step_shown(t->m, first - 1) || (!prev->note && !prev->mark))
			break;
		first--;
	}
	size_t len = 1;
	for (uint32_t s = first; s <= st->note_step; s++)
		if (model_step(t->m, s)->note)
			len += strlen(model_step(t->m, s)->note) + 1;
	char *text = malloc(len);
	if (!text)
		return NULL;
	text[0] = '\0';
	for (uint32_t s = first; s <= st->note_step; s++) {
		const char *n = model_step(t->m, s)->note;
		if (n) {
			if (text[0])
				strcat(text, " ");
			strcat(text, n);
		}
	}
	*is_note = 1;
	return text;
}

static void step_line(struct tui *t, char *buf, size_t len)
{
	struct model_pos cur = model_cursor(t->m);
	const struct model_step *st = model_step(t->m, cur.step);
	if (!st || !model_step_shown(t->m, cur.step)) {
		snprintf(buf, len, "no step yet: %s", model_loaded(t->m) ? "the trace holds lvdemo's start-up only (no page load, no join)"
									  : "loading");
		return;
	}
	const char *text = st->note ? st->verb : st->text + strspn(st->text, " \t");
	snprintf(buf, len, "step %u / %u%s  %s%s%s", st->number, model_shown_steps(t->m),
		 model_loaded(t->m) ? "" : "+", text, st->mark ? "  (the counters start here)" : "",
		 st->line ? "" : "");
}

/* The title, and the columns the play state leaves it on the bar. */
static const char *title_of(struct tui *t)
{
	return model_title(t->m) ? model_title(t->m) : model_origin(t->m);
}

#define STATE_W 26

int tui_header_height(struct tui *t)
{
	char line[1200];
	int is_note, h = tui_wrap_lines(title_of(t), t->w - STATE_W - 2);

	step_line(t, line, sizeof(line));
	h += tui_wrap_lines(line, t->w - 1);
	char *note = note_text(t, &is_note);
	if (note)
		h += tui_wrap_lines(note, t->w - 8);
	free(note);
	if (model_error(t->m))
		h += tui_wrap_lines(model_error(t->m), t->w - 14);
	else if (model_loaded(t->m) && !model_complete(t->m))
		h++;
	return h;
}

void tui_header_draw(struct tui *t)
{
	char line[1200], state[64];
	int y = t->head_y, is_note;

	/* the title bar */
	attron(tui_attr(t, TP_HEADER, A_REVERSE));
	mvhline(y, 0, ' ', t->w);
	const char *title = title_of(t);
	if (t->live) {
		snprintf(state, sizeof(state), "%s%s ", t->live_state, t->playing ? "  playing" : "");
	} else if (!model_loaded(t->m)) {
		uint64_t done, total;
		model_progress(t->m, &done, &total);
		if (total)
			snprintf(state, sizeof(state), "loading %llu%%  %s ",
				 (unsigned long long)(done * 100 / total), t->playing ? "playing" : "paused");
		else
			snprintf(state, sizeof(state), "reading...  %s ", t->playing ? "playing" : "paused");
	} else {
		snprintf(state, sizeof(state), "%s %s ", t->playing ? (t->utf8 ? "▶ playing" : "> playing")
								    : (t->utf8 ? "❚❚ paused" : "|| paused"),
			 tui_speed_name(t));
	}
	int sw = view_width(state, strlen(state));
	tui_put(y, t->w - sw, state, sw);
	/* the title wrapped in the room the state leaves, never cut */
	int tl = tui_wrap_lines(title, t->w - STATE_W - 2);
	for (int i = 1; i < tl; i++)
		mvhline(y + i, 0, ' ', t->w);
	attron(A_BOLD);
	tui_wrap(y, 1, title, t->w - STATE_W - 2, tl);
	attroff(A_BOLD);
	attroff(tui_attr(t, TP_HEADER, A_REVERSE));
	y += tl;

	/* the step */
	step_line(t, line, sizeof(line));
	attron(A_BOLD);
	y += tui_wrap(y, 1, line, t->w - 1, 50);
	attroff(A_BOLD);

	/* the note (or, before the first, the scenario's description) */
	char *note = note_text(t, &is_note);
	if (note) {
		attron(tui_attr(t, TP_NOTE, is_note ? A_BOLD : A_DIM));
		tui_put(y, 1, is_note ? "note:" : "about:", 7);
		y += tui_wrap(y, 8, note, t->w - 8, 50);
		attroff(tui_attr(t, TP_NOTE, is_note ? A_BOLD : A_DIM));
	}
	free(note);
	if (model_error(t->m)) {
		attron(tui_attr(t, TP_FAILED, A_BOLD));
		tui_put(y, 1, "trace error:", 13);
		tui_wrap(y, 14, model_error(t->m), t->w - 14, 50);
		attroff(tui_attr(t, TP_FAILED, A_BOLD));
	} else if (model_loaded(t->m) && !model_complete(t->m)) {
		attron(tui_attr(t, TP_FAILED, 0));
		tui_put(y, 1, "the trace ends without lvdemo's trace.stop: cut short, or still being written",
			t->w - 2);
		attroff(tui_attr(t, TP_FAILED, 0));
	}
}

void tui_status_draw(struct tui *t)
{
	int y = t->status_y;

	move(y, 0);
	clrtoeol();
	if (t->searching) {
		char prompt[300];
		snprintf(prompt, sizeof(prompt), "/%s", t->search);
		tui_put(y, 0, prompt, t->w - 1);
		attron(A_REVERSE);
		mvaddch(y, view_width(prompt, strlen(prompt)) < t->w - 1 ? view_width(prompt, strlen(prompt)) : t->w - 1, ' ');
		attroff(A_REVERSE);
		return;
	}
	if (t->message[0]) {
		attron(A_BOLD);
		tui_put(y, 0, t->message, t->w - 1);
		attroff(A_BOLD);
		return;
	}
	const char *search = model_search_text(t->m);
	if (search) {
		char hint[400];
		snprintf(hint, sizeof(hint), "search \"%s\": n next, N back, Esc clears   ? help  q quit", search);
		attron(A_DIM);
		tui_put(y, 0, hint, t->w - 1);
		attroff(A_DIM);
		return;
	}
	/* as many hints as fit, in this order; help and quit always */
	const char *hints[] = {
		"space play", t->utf8 ? "→/← event" : "l/h event", "] step", "n query", "/ search",
		"Enter detail", "c code", "} mark",
		model_variant_count(t->m) <= 2 ? NULL : model_columns_all(t->m) ? "a pair" : "a all",
	};
	const char *tail = "? help  q quit";
	int room = t->w - 1 - (int)strlen(tail), x = 0;
	attron(A_DIM);
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		if (!hints[i])
			continue;
		int hw = view_width(hints[i], strlen(hints[i]));
		if (x + hw + 2 > room)
			break;
		x += tui_put(y, x, hints[i], hw) + 2;
	}
	tui_put(y, x, tail, t->w - 1 - x);
	attroff(A_DIM);
}
