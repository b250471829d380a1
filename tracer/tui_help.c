/*
 * tui_help.c: the help overlay (?): every key of the tracer, in a box over
 * the screen; any key closes it. The keys themselves are tui.c's and the
 * panes'; this list is what the user reads.
 */
#include "tui_impl.h"

#include <string.h>

static const char *const keys[][2] = {
	{"space", "play / pause (one event at a time; pauses at marks)"},
	{". l Right", "one event forward"},
	{"h Left", "one event back"},
	{"] [", "next / previous step"},
	{"} {", "next / previous mark (the counters restart there)"},
	{"n N", "next / previous query (search hit after a search)"},
	{"g G Home End", "start / end (live: G follows the newest again)"},
	{"+ = -", "faster / slower"},
	{"/", "search what the rows say, SQL, phases (Enter, Esc)"},
	{"Tab S-Tab", "focus the next / previous column, then the panes"},
	{"j k Up Down", "move the selection (scroll the focused pane)"},
	{"PgUp PgDn", "move the selection a page"},
	{"Enter", "detail of the selected event: SQL, parameters, time..."},
	{"c", "the code each variant stands for, the line highlighted"},
	{"a", "the lesson's pair / all the variants"},
	{"Esc", "close the panes, then clear the search"},
	{"mouse", "the wheel scrolls, a click selects"},
	{"?", "this help"},
	{"q", "quit"},
};

void tui_help_draw(struct tui *t)
{
	int n = (int)(sizeof(keys) / sizeof(keys[0]));
	int w = t->w - 4 < 76 ? t->w - 4 : 76;
	int h = n + 4 < t->h - 2 ? n + 4 : t->h - 2;
	int y0 = (t->h - h) / 2, x0 = (t->w - w) / 2;

	for (int y = y0; y < y0 + h; y++)
		mvhline(y, x0, ' ', w);
	attron(A_BOLD);
	tui_box(t, y0, x0, h, w);
	tui_put(y0, x0 + 2, " keys (any key closes this) ", w - 4);
	attroff(A_BOLD);
	for (int i = 0; i < n && i + 2 < h - 1; i++) {
		attron(A_BOLD);
		tui_put(y0 + 2 + i, x0 + 2, keys[i][0], 14);
		attroff(A_BOLD);
		tui_put(y0 + 2 + i, x0 + 17, keys[i][1], w - 19);
	}
}
