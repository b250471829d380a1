/*
 * model.h: the one model of a trace that every view of lvtrace draws (the
 * ncurses tracer, the plain text view, the run summary and failure report,
 * and later live mode and the exports). It holds the trace's text and its
 * events indexed by step and variant; the rows that line the chosen
 * variants up side by side, phase group by phase group; the database hits
 * counted by phase; the replay cursor, the selection and search. Pure C: no
 * curses, no printing. Views read it and move its cursor; none re-parses
 * the trace or counts on its own.
 *
 * Steps: in a merged trace of `lvtrace run` they are the scenario's steps
 * (scenario.step lines); in a trace lvdemo wrote itself they are its page
 * loads and socket joins (endpoint.start, the start of a root join). The
 * events before the first step (start-up) and after the last (shut-down)
 * are kept in two hidden steps.
 */
#ifndef LVTRACE_MODEL_H
#define LVTRACE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

#define MODEL_MAX_VARIANTS 8
#define MODEL_MAX_COLUMNS 4
#define MODEL_NONE 0xffffffffu
#define MODEL_NO_VARIANT 0xff
#define MODEL_SHARED MODEL_MAX_VARIANTS /* the slot of a step's events of no variant */
#define MODEL_SHARED_NAME "all variants"  /* its column's name, when it is one */

/* How the database hits of a column are split: the trace library's enum trace_group
 * (TG_PLUG, TG_DEAD, TG_CONNECTED, TG_OTHER; TG_COUNT of them). */

/* Phase groups: rows line up by step, then by group, then event by event. */
enum model_group {
	MG_REQUEST, /* the HTTP request and its plugs, controllers */
	MG_DEAD,    /* the dead mount, handle_params, render */
	MG_SOCKET,  /* the socket */
	MG_JOIN,    /* the join and the connected mount */
	MG_OTHER,   /* events, leaves, expectations, the rest */
	MG_COUNT
};

/* Event flags. */
#define ME_ROW 0x01	     /* shown as a row of its variant's column */
#define ME_QUERY 0x02	     /* a repo.query: one database hit */
#define ME_AVOIDED 0x04	     /* an assign_new that needed no query */
#define ME_FAILED 0x08	     /* a scenario.expect that failed, a scenario.error */
#define ME_PASSED 0x10	     /* a scenario.expect that passed */
#define ME_CONNECTED 0x20    /* a LiveView event with connected: true */
#define ME_CHILD 0x40	     /* a LiveView event of a nested child */

struct model_event {
	uint64_t off;	  /* its line in the model's text */
	uint32_t len;
	uint32_t step;	  /* index in the steps */
	int64_t t_us;
	uint32_t phase;	  /* string id (model_string), 0 when none */
	uint32_t conn;	  /* conn id (model_conn) */
	uint32_t subject; /* string id: what its row is about (plug, view, key, path, name) */
	uint32_t pair;	  /* a span's start: the index of its stop; MODEL_NONE when none */
	uint16_t kind;	  /* enum trace_kind */
	uint8_t variant;  /* index in the variants, MODEL_NO_VARIANT when none */
	uint8_t group;	  /* enum model_group */
	uint8_t depth;	  /* indentation of its row in the lifecycle tree */
	uint8_t flags;	  /* ME_* */
	uint8_t mphase;	  /* enum trace_group (queries) */
	uint8_t from;	  /* enum trace_from (assign_new) */
};

enum model_step_kind {
	MS_STARTUP,  /* before the first step: hidden */
	MS_SCENARIO, /* a scenario step */
	MS_REQUEST,  /* an HTTP request of a raw trace */
	MS_JOIN,     /* a socket join of a raw trace */
	MS_END,	     /* after the last step: hidden */
};

/* One row of the side-by-side view: an event per column, or a gap. */
struct model_row {
	uint32_t ev[MODEL_MAX_COLUMNS]; /* MODEL_NONE: a gap */
};

struct model_step {
	uint8_t kind;	 /* enum model_step_kind */
	uint32_t number; /* 1, 2, ... as shown; 0 for the hidden steps */
	int line;	 /* the scenario line, 0 when none */
	char *verb;	 /* "visit", "expect queries", "GET", "join" (owned) */
	char *text;	 /* the step as written, or "GET /assign/mission" (owned) */
	char *note;	 /* a note step's text (owned, NULL) */
	char *mark;	 /* a mark step's label (owned, NULL) */
	uint32_t note_step; /* the note that applies here: the last at or before it, or MODEL_NONE */
	uint32_t mark_step; /* counters count from this step: the last mark at or before, or MODEL_NONE */
	/* the events of each variant in this step, in trace order; the last
	 * slot (MODEL_SHARED) holds those of no variant, which a trace lvdemo
	 * wrote shows in every column (a registration serves them all) */
	uint32_t *ev[MODEL_MAX_VARIANTS + 1];
	uint32_t nev[MODEL_MAX_VARIANTS + 1];
	uint32_t cap[MODEL_MAX_VARIANTS + 1];
	uint32_t queries[MODEL_MAX_VARIANTS + 1][TG_COUNT]; /* database hits in this step */
	uint32_t failed[MODEL_MAX_VARIANTS + 1];	    /* failed expectations and errors */
	uint64_t before[MODEL_MAX_VARIANTS + 1][TG_COUNT];  /* hits in all the steps before it */
	/* rows for the current columns; row 0 is the step's header */
	struct model_row *rows;
	uint32_t nrows;
	int aligned; /* 0: the rows must be (re)built */
};

/* A place in the replay: a row of a step. */
struct model_pos {
	uint32_t step;
	uint32_t row;
};

struct model;

/* A new, empty model; NULL when out of memory. */
struct model *model_new(void);
void model_free(struct model *m);

/*
 * Open the trace at PATH ("-": standard input) for loading: a regular file
 * is mapped, anything else read. Nothing is parsed yet. Returns 0, or -1
 * with ERR ("cannot open 'x': ...").
 */
int model_open_file(struct model *m, const char *path, char *err, size_t errlen);
/* The same for FD, which the model takes (it closes it); PATH names it in messages. */
int model_open_fd(struct model *m, int fd, const char *path, char *err, size_t errlen);

/*
 * Parse up to MAX_LINES more lines of what was opened (0: all). Returns 1
 * when there is more to load, 0 when the whole trace is loaded, -1 on a bad
 * line: ERR says "FILE:LINE:COLUMN: reason", the model keeps every event
 * before it, and loading stops (model_error keeps the message).
 */
int model_load(struct model *m, size_t max_lines, char *err, size_t errlen);

/*
 * Append trace text as it arrives (live mode, tests): whole lines are
 * parsed at once, the rest waits for more. FINISH 1 says the input ended.
 * Returns 0, or -1 as model_load.
 */
int model_feed(struct model *m, const char *data, size_t n, int finish, char *err, size_t errlen);

/*
 * Read a pipe or FIFO without blocking: model_load then returns 1 as soon
 * as nothing more can be read now, and model_waiting says so (a view
 * draws meanwhile, then loads again). Regular files are always read.
 */
void model_set_nonblocking(struct model *m);
int model_waiting(const struct model *m);
/* The descriptor the model reads (to poll it while waiting), -1 once it is read whole. */
int model_fd(const struct model *m);

/* The message of the error that stopped loading, or NULL. */
const char *model_error(const struct model *m);
/* 1 once the whole input is loaded (or an error stopped it). */
int model_loaded(const struct model *m);
/* 1 when the trace ended as lvdemo ends one (trace.stop or trace.abort), 0 when it was cut short or is still being written. */
int model_complete(const struct model *m);
/* Bytes loaded so far and in all (*TOTAL 0 when unknown: a pipe), for progress. */
void model_progress(const struct model *m, uint64_t *done, uint64_t *total);
/* Lines parsed on the second core so far (a big file loads on two: model_pipe.c). */
uint64_t model_lines_ahead(const struct model *m);

/* ---------------------------------------------------------------- what it holds */

/* The scenario's title, description and file, from the trace's first line (NULL when none). */
const char *model_title(const struct model *m);
/* What wrote the trace, as a phrase: "a trace lvdemo wrote", "a trace lvtrace import wrote" ("a trace" when it does not say). */
const char *model_origin(const struct model *m);
const char *model_description(const struct model *m);
const char *model_scenario(const struct model *m);
/* 1 when the steps are a scenario's, 0 for a trace lvdemo wrote itself. */
int model_is_scenario(const struct model *m);
/* 1 when the trace is several merged by `lvtrace merge`: step k is page load k of each column. */
int model_is_merged(const struct model *m);

size_t model_variant_count(const struct model *m);
const char *model_variant(const struct model *m, size_t i);
/* The index of the variant named NAME, or -1. */
int model_variant_index(const struct model *m, const char *name);

size_t model_event_count(const struct model *m);
const struct model_event *model_event(const struct model *m, uint32_t i);
/* The line of event I (not NUL-terminated: LEN bytes). */
const char *model_event_line(const struct model *m, uint32_t i, size_t *len);
/* Parse event I's line into a cJSON tree (the caller deletes it); NULL when out of memory. */
cJSON *model_event_json(const struct model *m, uint32_t i);
/* A string id's text ("" for 0). */
const char *model_string(const struct model *m, uint32_t id);
/* A conn id's name ("assign/http:4"). */
const char *model_conn(const struct model *m, uint32_t id);

/* Every step, hidden ones included: index 0 is start-up. */
size_t model_step_count(const struct model *m);
const struct model_step *model_step(struct model *m, uint32_t s);
/* 1 when step S is shown (not start-up or shut-down). */
int model_step_shown(const struct model *m, uint32_t s);
/* The number of shown steps (n in "step k / n"). */
uint32_t model_shown_steps(const struct model *m);

/* ---------------------------------------------------------------- columns and rows */

/*
 * Show the variants NAMES (comma-separated, in that order) as columns.
 * Returns 0, or -1 with ERR naming a variant the trace does not have.
 * Rows are rebuilt lazily.
 */
int model_set_columns(struct model *m, const char *names, char *err, size_t errlen);
/* Show the lesson's pair (assign beside assign_new when both are there), or all the variants (up to 4).
 * A trace with no variant yet (lvdemo's own before the first LiveView) gets one column of
 * the events of no variant, MODEL_SHARED, named MODEL_SHARED_NAME: live mode shows the log
 * in and the registration before any LiveView page. */
void model_columns_default(struct model *m, int all);
size_t model_column_count(const struct model *m);
/* The variant index of column C (MODEL_SHARED for the column of a trace with no variant). */
int model_column_variant(const struct model *m, size_t c);
/* 1 when every variant is a column. */
int model_columns_all(const struct model *m);

/* The rows of step S for the current columns (aligned on first use): *N rows, row 0 the header. */
const struct model_row *model_rows(struct model *m, uint32_t s, uint32_t *n);

/* ---------------------------------------------------------------- counters */

/*
 * Database hits of column C from the mark in effect at POS up to and
 * including POS's row, by phase (OUT[TG_COUNT]); returns the total. Before
 * any mark, counting starts at the first shown step.
 */
uint64_t model_count(struct model *m, struct model_pos pos, size_t c, uint64_t out[TG_COUNT]);
/* The step counting starts from at POS (a mark step, or the first shown step). */
uint32_t model_count_from(struct model *m, struct model_pos pos);
/*
 * The step column C counts from at POS. In a scenario's trace, or below a
 * mark, model_count_from's. In a trace lvdemo wrote itself (live mode, make
 * demo) with no mark: the column's own page load, the last HTTP request at
 * or before POS that served its variant (its joins follow it), as lvdemo's
 * page panel counts; the first shown step until there is one. Only with
 * model_set_page_loads(m, 1).
 */
uint32_t model_column_count_from(struct model *m, struct model_pos pos, size_t c);
/* 1 when the columns count from their own page loads at POS (see above). */
int model_counts_page_loads(struct model *m, struct model_pos pos);
/* Count that way (ON 1; the tracer does, live or not), or from the first step (0, the default). */
void model_set_page_loads(struct model *m, int on);

/* ---------------------------------------------------------------- page loads */

/*
 * A page load of one variant: an HTTP request (an endpoint.start that is
 * not an asset's) and every event of that variant after it up to its next
 * request: its plugs, its dead mount, the socket's join and connected
 * mount that follow, the socket's events. The unit model_count counts
 * from in a trace lvdemo wrote, in any trace (a scenario's too).
 */
struct model_page_load {
	uint32_t request; /* its endpoint.start */
	const char *page; /* its method and path without the variant's prefix: "GET /mission" */
	uint32_t *ev;	  /* its events in trace order, the request first (owned) */
	size_t nev;
};

/*
 * The page loads of slot V (a variant's index, or MODEL_SHARED: the
 * events of no variant) into *OUT (*N of them, in trace order; free with
 * model_page_loads_free). Returns 0, or -1 when out of memory.
 */
int model_page_loads(struct model *m, int v, struct model_page_load **out, size_t *n);
void model_page_loads_free(struct model_page_load *p, size_t n);

/* ---------------------------------------------------------------- cursor */

/* The replay cursor: the last row revealed. Starts at the first shown step's header. */
struct model_pos model_cursor(const struct model *m);
void model_set_cursor(struct model *m, struct model_pos pos);
/* The selected row (at or before the cursor) and column. */
struct model_pos model_selection(const struct model *m);
size_t model_selected_column(const struct model *m);
void model_select(struct model *m, struct model_pos pos);
void model_select_column(struct model *m, size_t c);
/* The event of the selected row in the selected column (else the row's first), or MODEL_NONE. */
uint32_t model_selected_event(struct model *m);

/* Motions of the cursor; each returns 1 when it moved, 0 at the end (the selection follows). */
int model_forward(struct model *m);	  /* one row */
int model_back(struct model *m);
int model_next_step(struct model *m);	  /* the end of this step, else of the next: a step shown whole */
int model_prev_step(struct model *m);	  /* the end of the previous step (the first: its header) */
int model_next_mark(struct model *m);
int model_prev_mark(struct model *m);
int model_next_query(struct model *m);	  /* the next row with a query in a column */
int model_prev_query(struct model *m);
int model_home(struct model *m);	  /* the first shown step */
int model_end(struct model *m);		  /* the last row of the last shown step */
/* 1 when POS's row is the header of a mark step. */
int model_at_mark(struct model *m, struct model_pos pos);

/* Move the selection among the revealed rows by DELTA rows (the cursor stays). */
int model_select_move(struct model *m, int delta);

/* Ordering of positions: <0, 0, >0. */
int model_pos_cmp(struct model_pos a, struct model_pos b);
/* The next / previous row of any shown step; 0 when there is none. */
int model_pos_next(struct model *m, struct model_pos *pos);
int model_pos_prev(struct model *m, struct model_pos *pos);

/* ---------------------------------------------------------------- search */

/*
 * Search the columns' events for TEXT (case-insensitive) in their SQL,
 * phase and event name. Sets the search (empty TEXT clears it); returns 0.
 */
int model_search_set(struct model *m, const char *text);
const char *model_search_text(const struct model *m);
/*
 * Let search also match the words a view shows for an event (its row's
 * label, e.g. "taken from conn.assigns"): LABEL writes them into BUF. The
 * model words nothing itself; NULL turns it off.
 */
void model_search_labels(struct model *m, void (*label)(struct model *m, uint32_t i, char *buf, size_t len));
/* 1 when event I matches the search. */
int model_search_hit(struct model *m, uint32_t i);
/* Move the cursor to the next / previous row with a hit: 1 when found. */
int model_search_next(struct model *m);
int model_search_prev(struct model *m);

#endif
