/*
 * tui_util.c: what the tracer's panes draw with: text cut to a width or
 * wrapped (view_text.c's measuring), lines and boxes in the locale's own
 * characters, colour pairs that fall back to attributes, and the play
 * speeds. Below every pane; tui.c and the panes use it, it uses neither.
 */
#include "tui_impl.h"

#include <string.h>

#include "view_text.h"

static const double speeds[TUI_NSPEEDS] = {0.25, 0.5, 1, 2, 4, 8, 16};

const char *tui_speed_name(const struct tui *t)
{
	static const char *const names[TUI_NSPEEDS] = {"0.25x", "0.5x", "1x", "2x", "4x", "8x", "16x"};
	return names[t->speed];
}

double tui_speed(const struct tui *t)
{
	return speeds[t->speed];
}

int tui_attr(const struct tui *t, enum tui_pair pair, int fallback)
{
	return t->color ? (int)COLOR_PAIR(pair) | fallback : fallback;
}

/*
 * ncurses' ACS line drawing depends on the terminal description agreeing
 * with the terminal (TERM=xterm-256color inside tmux prints "qqq"): the
 * locale's box-drawing characters are drawn as text instead.
 */
void tui_hline(const struct tui *t, int y, int x, int n)
{
	for (int i = 0; i < n; i++)
		mvaddstr(y, x + i, t->utf8 ? "─" : "-");
}

void tui_box(const struct tui *t, int y, int x, int h, int w)
{
	tui_hline(t, y, x, w);
	tui_hline(t, y + h - 1, x, w);
	for (int i = 0; i < h; i++) {
		mvaddstr(y + i, x, t->utf8 ? "│" : "|");
		mvaddstr(y + i, x + w - 1, t->utf8 ? "│" : "|");
	}
	mvaddstr(y, x, t->utf8 ? "┌" : "+");
	mvaddstr(y, x + w - 1, t->utf8 ? "┐" : "+");
	mvaddstr(y + h - 1, x, t->utf8 ? "└" : "+");
	mvaddstr(y + h - 1, x + w - 1, t->utf8 ? "┘" : "+");
}

int tui_put(int y, int x, const char *s, int w)
{
	if (w <= 0)
		return 0;
	size_t n = view_fit(s, w);
	mvaddnstr(y, x, s, (int)n);
	return view_width(s, n);
}

struct wrap_ctx {
	int y, x, maxlines, done;
};

static void wrap_line(const char *s, size_t n, void *arg)
{
	struct wrap_ctx *c = arg;
	if (c->done < c->maxlines)
		mvaddnstr(c->y + c->done, c->x, s, (int)n);
	c->done++;
}

static void count_line(const char *s, size_t n, void *arg)
{
	(void)s;
	(void)n;
	(*(int *)arg)++;
}

int tui_wrap(int y, int x, const char *text, int w, int maxlines)
{
	struct wrap_ctx c = {y, x, maxlines, 0};
	view_wrap(text, w, wrap_line, &c);
	return c.done;
}

int tui_wrap_lines(const char *text, int w)
{
	int n = 0;
	view_wrap(text, w, count_line, &n);
	return n;
}

