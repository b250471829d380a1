/*
 * tui.h: the ncurses tracer: the model replayed side by side on a
 * terminal. Curses set-up and tear-down live in tui.c; each screen or pane
 * is its own tui_*.c with a draw and a key function.
 */
#ifndef LVTRACE_TUI_H
#define LVTRACE_TUI_H

#include <signal.h>
#include <stdio.h>

#include "model.h"
#include "view_text.h"

/* 1 when the terminal database knows TERM. */
int tui_term_known(const char *term);

/* What lvtrace live adds to the tracer: the trace is still being written. */
struct tui_live {
	/* the source's state in a few words, for the title bar ("live", "reconnecting") */
	void (*state)(void *arg, char *buf, size_t len);
	/* news for the status line once (lvdemo restarted, lines lost), else "" */
	void (*news)(void *arg, char *buf, size_t len);
	void *arg;
};

/*
 * Run the tracer on M (opened, maybe not loaded yet: it loads as it draws)
 * until the user quits or a signal arrives: *INTERRUPTED is the number of a
 * signal the caller's watcher caught (0: none), and the tracer sets it for
 * one it caught itself. LIVE (NULL for a replay): the trace grows while it
 * is shown; the cursor follows the newest row while it is at the end (as
 * tail -f does), and the columns are every variant seen unless RO chose
 * them. Returns the exit status.
 */
int tui_replay(struct model *m, const struct view_options *ro,
	       volatile sig_atomic_t *interrupted, const struct tui_live *live);

/* The lines loaded before the first frame (the rest loads between frames): model_load's result. */
int tui_first_load(struct model *m, char *err, size_t errlen);

/*
 * For benchmarks: a session with no user, drawing on OUT as a W x H
 * terminal of type TERM. tui_headless_press handles KEY (0: none) and
 * draws one frame; it returns 2 when the key quits.
 */
struct tui;
struct tui *tui_headless_open(struct model *m, const char *term, FILE *out, int w, int h);
int tui_headless_press(struct tui *t, int key);
void tui_headless_close(struct tui *t);

#endif
