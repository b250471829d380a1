/*
 * view_text.h: what every view of the model says in words: the label of
 * an event's row, the names of phases, and UTF-8 text measured with
 * wcwidth, cut to a width or wrapped. The views (plain text, ncurses, the
 * run report) lay these out; none of them words an event on its own.
 */
#ifndef LVTRACE_VIEW_TEXT_H
#define LVTRACE_VIEW_TEXT_H

#include <stddef.h>

#include "model.h"

/* What the user asked a view to show (replay's and run's options). */
struct view_options {
	int plain;	      /* the plain view even on a terminal */
	const char *variants; /* "assign,assign_new": the columns, NULL for the default */
	int all;	      /* every variant (up to 4) */
	int width;	      /* of the plain view */
	int times;	      /* show durations */
};

/* How a row is drawn: plain, a database hit, an avoided hit, an outcome. */
enum view_style {
	VS_PLAIN,
	VS_DIM,	    /* spans' details: plugs, renders */
	VS_SPAN,    /* requests, mounts, joins */
	VS_QUERY,   /* a database hit */
	VS_AVOIDED, /* an assign_new that needed no query */
	VS_PASSED,
	VS_FAILED,
};

/* How view_label words a row. */
#define VL_TIMES 1 /* with durations */
#define VL_SHORT 2 /* for a narrow column: the key's name left out where the row says it */

/* The row of event I: its label (no indentation) into BUF, and its style. Returns the style. */
enum view_style view_label(struct model *m, uint32_t i, char *buf, size_t len, int flags);

/* VL_SHORT when a column COLW wide needs it. */
int view_label_flags(int colw);

/* view_label's words alone, for model_search_labels. */
void view_search_label(struct model *m, uint32_t i, char *buf, size_t len);

/* Spaces before a row at DEPTH in a column COLW wide: two a level, one when narrow. */
int view_indent(int depth, int colw);

/* The mark before a row's label: a query, an avoided query, or nothing ("" or "  "). */
const char *view_glyph(enum view_style style, int utf8);

/* The name of a counter phase: "plug", "dead mount", "connected mount", "other". */
const char *view_phase_name(enum trace_group p);

/* Display columns of the first N bytes of S (UTF-8; invalid bytes count 1). */
int view_width(const char *s, size_t n);

/* The number of bytes of S that fit in W columns. */
size_t view_fit(const char *s, int w);

/*
 * Wrap TEXT to lines of at most W columns, at spaces where it can (a word
 * longer than W is broken). Calls LINE for each, with its bytes; nothing is
 * dropped. Returns the number of lines.
 */
int view_wrap(const char *text, int w, void (*line)(const char *s, size_t n, void *arg), void *arg);
/* The same with the first line FIRST_W columns wide and the others W. */
int view_wrap2(const char *text, int first_w, int w, void (*line)(const char *s, size_t n, void *arg),
	       void *arg);

/* 1 when the locale's character set is UTF-8. */
int view_utf8(void);

/* 1 when NO_COLOR asks for no colour (set and not empty, as no-color.org says). */
int view_no_color(void);

#endif
