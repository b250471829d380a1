/*
 * tui_header.c: the top of the tracer (the scenario's title, the play
 * state and speed, "step k / n" with the step's text, the instructor's
 * note or the scenario's description, a loading error) and the status line
 * at the bottom (key hints, the search prompt, one-frame messages). Text
 * is wrapped, never cut.
 */
#include "tui_impl.h"

#include <stdio.h>
#include <string.h>

#include "view_text.h"

/* The text under the step line: the note in effect, else the description. */
static const char *note_text(struct tui *t, int *is_note)
{
	struct model_pos cur = model_cursor(t->m);
	const struct model_step *st = model_step(t->m, cur.step);
	*is_note = 0;
	if (st && st->note_step != MODEL_NONE) {
		const struct model_step *ns = model_step(t->m, st->note_step);
		if (ns && ns->note) {
			*is_note = 1;
			return ns->note;
		}
	}
	return model_description(t->m);
}

static void step_line(struct tui *t, char *buf, size_t len)
{
	struct model_pos cur = model_cursor(t->m);
	const struct model_step *st = model_step(t->m, cur.step);
	if (!st || !model_step_shown(t->m, cur.step)) {
		snprintf(buf, len, "step 0 / %u", model_shown_steps(t->m));
		return;
	}
	const char *text = st->note ? st->verb : st->text + strspn(st->text, " \t");
	snprintf(buf, len, "step %u / %u%s  %s%s%s", st->number, model_shown_steps(t->m),
		 model_loaded(t->m) ? "" : "+", text, st->mark ? "  (the counters start here)" : "",
		 st->line ? "" : "");
}

int tui_header_height(struct tui *t)
{
	char line[1200];
	int is_note, h = 1;

	step_line(t, line, sizeof(line));
	h += tui_wrap_lines(line, t->w - 1);
	const char *note = note_text(t, &is_note);
	if (note)
		h += tui_wrap_lines(note, t->w - 8);
	if (model_error(t->m))
		h += tui_wrap_lines(model_error(t->m), t->w - 14);
	return h;
}

void tui_header_draw(struct tui *t)
{
	char line[1200], state[64];
	int y = t->head_y, is_note;

	/* the title bar */
	attron(tui_attr(t, TP_HEADER, A_REVERSE));
	mvhline(y, 0, ' ', t->w);
	const char *title = model_title(t->m) ? model_title(t->m) : "a trace lvdemo wrote";
	if (!model_loaded(t->m)) {
		uint64_t done, total;
		model_progress(t->m, &done, &total);
		snprintf(state, sizeof(state), "loading %llu%%  %s ",
			 (unsigned long long)(total ? done * 100 / total : 0), t->playing ? "playing" : "paused");
	} else {
		snprintf(state, sizeof(state), "%s %s ", t->playing ? (t->utf8 ? "▶ playing" : "> playing")
								    : (t->utf8 ? "❚❚ paused" : "|| paused"),
			 tui_speed_name(t));
	}
	int sw = view_width(state, strlen(state));
	attron(A_BOLD);
	tui_put(y, 1, title, t->w - sw - 3);
	attroff(A_BOLD);
	tui_put(y, t->w - sw, state, sw);
	attroff(tui_attr(t, TP_HEADER, A_REVERSE));
	y++;

	/* the step */
	step_line(t, line, sizeof(line));
	attron(A_BOLD);
	y += tui_wrap(y, 1, line, t->w - 1, 50);
	attroff(A_BOLD);

	/* the note (or, before the first, the scenario's description) */
	const char *note = note_text(t, &is_note);
	if (note) {
		attron(tui_attr(t, TP_NOTE, is_note ? A_BOLD : A_DIM));
		tui_put(y, 1, is_note ? "note:" : "about:", 7);
		y += tui_wrap(y, 8, note, t->w - 8, 50);
		attroff(tui_attr(t, TP_NOTE, is_note ? A_BOLD : A_DIM));
	}
	if (model_error(t->m)) {
		attron(tui_attr(t, TP_FAILED, A_BOLD));
		tui_put(y, 1, "trace error:", 13);
		tui_wrap(y, 14, model_error(t->m), t->w - 14, 50);
		attroff(tui_attr(t, TP_FAILED, A_BOLD));
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
	char hint[400];
	const char *search = model_search_text(t->m);
	if (search)
		snprintf(hint, sizeof(hint), "search \"%s\": n next, N back, Esc clears   ? help  q quit", search);
	else
		snprintf(hint, sizeof(hint),
			 "space play  %s event  ] step  } mark  n query  / search  Enter detail  c code  a %s  ? help  q quit",
			 t->utf8 ? "→/←" : "l/h", model_columns_all(t->m) ? "pair" : "all");
	attron(A_DIM);
	tui_put(y, 0, hint, t->w - 1);
	attroff(A_DIM);
}
