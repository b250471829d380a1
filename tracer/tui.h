/*
 * tui.h: the ncurses tracer: the model replayed side by side on a
 * terminal. Curses set-up and tear-down live in tui.c; each screen or pane
 * is its own tui_*.c with a draw and a key function.
 */
#ifndef LVTRACE_TUI_H
#define LVTRACE_TUI_H

#include "cmd_replay.h"
#include "model.h"

/* 1 when the terminal database knows TERM. */
int tui_term_known(const char *term);

/*
 * Run the tracer on M (opened, maybe not loaded yet: it loads as it draws)
 * until the user quits or a signal arrives. Returns the exit status.
 */
int tui_replay(struct model *m, const struct replay_options *ro);

#endif
