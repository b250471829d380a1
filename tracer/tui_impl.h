/*
 * tui_impl.h: what the tracer's screens and panes share: the state of one
 * session (tui.c owns it), the layout it computed for this frame, and each
 * pane's draw and key functions (ncdu's layout: one file per pane). Key
 * functions return TUI_* flags and never draw; drawing reads the model and
 * this state only.
 */
#ifndef LVTRACE_TUI_IMPL_H
#define LVTRACE_TUI_IMPL_H

#include <curses.h>
#include <stdint.h>

#include "model.h"
#include "tui.h"

/* What a key did. */
#define TUI_UNHANDLED 0
#define TUI_HANDLED 1
#define TUI_QUIT 2

/* Colour pairs (A_* attributes alone when colour is off). */
enum tui_pair {
	TP_QUERY = 1,
	TP_AVOIDED,
	TP_PASSED,
	TP_FAILED,
	TP_NOTE,
	TP_HEADER,
	TP_STEP,
	TP_DIGITS_0, /* the counters, one pair per column */
	TP_DIGITS_1,
	TP_DIGITS_2,
	TP_DIGITS_3,
	TP_FEWER,
	TP_MORE,
};

enum tui_focus { TF_COLUMNS, TF_DETAIL, TF_CODE };

#define TUI_MAX_ROWS 512 /* screen rows remembered for the mouse */

struct tui {
	struct model *m;
	int h, w;
	int color, utf8;
	int playing;
	int speed;		/* index in the speeds */
	long long next_tick_us; /* when playing advances next */
	int help, detail, code; /* panes open */
	enum tui_focus focus;
	int detail_scroll, code_scroll;
	int searching; /* the / prompt is open */
	char search[256];
	size_t search_len;
	char message[256]; /* a note on the status line, until the next key or MESSAGE_UNTIL */
	long long message_until; /* microseconds (now_us); 0: until the next key */
	const struct tui_live *live; /* lvtrace live, else NULL */
	char live_state[32];
	struct model_pos top; /* first row on screen */
	int top_valid;

	/* the layout of this frame */
	int too_small, need_w, need_h;
	int head_y, head_h;	/* title, step, note */
	int rows_y, rows_h;	/* the columns */
	int pane_y, pane_h;	/* detail or code */
	int code_h;		/* of pane_h, the code pane's (on top) */
	int count_y, count_h;	/* the counters */
	int status_y;
	int gutter, colw, sep;
	int colx[MODEL_MAX_COLUMNS];
	/* for the mouse: what each screen row of the columns shows */
	struct model_pos rowpos[TUI_MAX_ROWS];
	int rowvalid[TUI_MAX_ROWS];
};

/* tui_util.c */
#define TUI_NSPEEDS 7
#define TUI_SPEED_1X 2
#define TUI_ROWS_PER_SECOND_1X 2.0
int tui_attr(const struct tui *t, enum tui_pair pair, int fallback);
const char *tui_speed_name(const struct tui *t);
double tui_speed(const struct tui *t); /* a factor: 1 is 1x */
/* Lines drawn with the terminal's own characters (UTF-8 box drawing, else ASCII), not ACS. */
void tui_hline(const struct tui *t, int y, int x, int n);
void tui_box(const struct tui *t, int y, int x, int h, int w);
/* Print S cut to W columns at (Y, X); returns the columns used. */
int tui_put(int y, int x, const char *s, int w);
/* TEXT wrapped to W columns from (Y, X), at most MAXLINES lines; returns the lines it needs. */
int tui_wrap(int y, int x, const char *text, int w, int maxlines);
/* Lines TEXT needs wrapped to W. */
int tui_wrap_lines(const char *text, int w);

/* tui_header.c: title, play state, the step and its note; the status line */
int tui_header_height(struct tui *t);
void tui_header_draw(struct tui *t);
void tui_status_draw(struct tui *t);

/* tui_columns.c: the rows side by side */
void tui_columns_draw(struct tui *t);
int tui_columns_key(struct tui *t, int key);
int tui_columns_click(struct tui *t, int y, int x);

/* tui_counters.c: the database hits under each column */
int tui_counters_height(const struct tui *t);
void tui_counters_draw(struct tui *t);

/* tui_detail.c: the selected event in full */
void tui_detail_draw(struct tui *t);
int tui_detail_key(struct tui *t, int key);

/* tui_code.c: the Elixir each column's variant stands for */
int tui_code_height(const struct tui *t);
void tui_code_draw(struct tui *t);
int tui_code_key(struct tui *t, int key);

/* tui_help.c: every key */
void tui_help_draw(struct tui *t);

#endif
