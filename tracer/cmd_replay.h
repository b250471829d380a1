/*
 * cmd_replay.h: opening a trace in the tracer, for `lvtrace replay` and for
 * `lvtrace run`, which replays the trace it has just written.
 */
#ifndef LVTRACE_CMD_REPLAY_H
#define LVTRACE_CMD_REPLAY_H

#include "view_text.h"

/* Replay the trace at PATH: the tracer on a terminal, else the plain view. Returns the exit status. */
int replay_trace(const char *path, const struct view_options *ro);

/* The plain view's width: GIVEN when > 0, else $COLUMNS, else the terminal's, else 100. */
int replay_width(int given);

#endif
