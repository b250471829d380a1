/*
 * model_impl.h: the inside of the model, shared by its three files:
 * model.c (loading, steps, counters, columns), model_rows.c (the rows that
 * line the columns up) and model_cursor.c (the cursor, motions, search).
 * Views include model.h only.
 */
#ifndef LVTRACE_MODEL_IMPL_H
#define LVTRACE_MODEL_IMPL_H

#include "model.h"
#include "model_json.h"
#include "trace.h"

#define MODEL_SPAN_DEPTH 16

/* Interned strings: ids from 1, stable pointers. */
struct strtab {
	char **str;	/* by id */
	uint32_t n, cap;
	uint32_t *slot; /* open addressing: ids, 0 empty */
	uint32_t nslot;
	char *chunk;	/* the current arena chunk */
	size_t chunk_used, chunk_cap;
	char **chunks;
	size_t nchunks;
};

/* What the loader follows per conn. */
struct conn_state {
	uint32_t open_step; /* a raw trace's request or join in progress, MODEL_NONE */
	uint32_t last_step; /* the step its last event went to */
	uint32_t stack[MODEL_SPAN_DEPTH]; /* open spans: their start events */
	uint8_t depth;
	uint16_t overflow;  /* open spans past the stack's depth */
	uint8_t ws;	    /* a socket: rows nest under its joins */
	uint8_t joining;    /* a raw join step opened by a mount, not yet answered */
};

struct model {
	/* the text, read into a buffer the model owns (mj_padding() spare bytes after it) */
	char *text;
	size_t text_len, text_cap;
	struct mj *mj;	/* the fast line parser (model_json.h); NULL: cJSON for every line */
	int in_fd;	/* still to read from, -1 when none */
	int in_done;
	int waiting;	/* the last load found no input to read yet */
	uint64_t total; /* the input's size when known */
	size_t pos;	/* the next byte to parse */
	/* a big load's lines parsed ahead by the second core (model_pipe.c) */
	struct model_pipe *pipe;
	int pipe_off;		   /* it could not be started: one core */
	const struct pline *ahead; /* the batch being added, from ahead_i */
	size_t ahead_i, ahead_n;
	size_t ahead_end;	   /* the byte after the last batch handed out */
	uint64_t lines_ahead;	   /* lines it parsed */
	struct trace_scanner scan;
	char *error;
	int loaded;
	int complete; /* a trace.stop or trace.abort was read */

	struct strtab strs;
	struct strtab conn_names; /* conns apart: their ids index conns[] */
	struct model_event *ev;
	size_t nev, evcap;

	char *variants[MODEL_MAX_VARIANTS];
	size_t nvariants;

	struct model_step *steps;
	size_t nsteps, stepcap;
	int scenario; /* the steps are a scenario's */
	int merged;   /* ... or those of `lvtrace merge`: page load k of each trace */
	int page_loads; /* model_set_page_loads: columns count their own page loads */
	int header_seen;
	char *title, *description, *scenario_path;
	char origin[96]; /* "a trace lvdemo wrote": the trace.start's app, without its version */
	uint32_t cur_step[MODEL_MAX_VARIANTS]; /* a merged trace: each variant's current step */
	uint32_t end_step;		       /* the shut-down step, MODEL_NONE */
	uint32_t latest;		       /* the step the last event went to */
	uint32_t last_note, last_mark;	       /* for the steps created next */
	uint32_t shown;			       /* steps shown */
	uint32_t *num_slot;		       /* a scenario's step numbers to steps + 1 */
	uint32_t nslots, nnumbered;
	int notes_dirty;		       /* a note or mark came after later steps */
	size_t cum_upto;		       /* steps[0, cum_upto) have .before up to date */

	struct conn_state *conns; /* by conn string id */
	uint32_t nconns;

	int columns[MODEL_MAX_COLUMNS];
	size_t ncolumns;
	int columns_user; /* chosen with model_set_columns: keep them */
	int columns_all;

	struct model_pos cursor, sel;
	size_t selcol;
	int cursor_set; /* the cursor was placed (else it follows the first shown step) */

	char *search;
	size_t search_len;
	int search_escaped; /* it has characters JSON escapes: no raw prefilter */
	void (*search_label)(struct model *m, uint32_t i, char *buf, size_t len);
};

/* model_pipe.c: lines parsed by a worker thread, a batch at a time, in the order handed out */
enum { PL_OK, PL_SLOW }; /* parsed; for the one-line path (empty, or not JSON) */
struct pline {
	size_t off, len; /* the line, without its newline (or a CR before it) */
	size_t next;	 /* the byte after its newline */
	int status;
	struct mj_line ml; /* PL_OK: its members, the strings the batch's own */
};
struct model_pipe;
struct model_pipe *pipe_new(void); /* NULL: no thread (out of memory, or refused) */
void pipe_free(struct model_pipe *p);
/* Parse TEXT[BEGIN, END) (whole lines, mj_padding() readable after) on the worker: TEXT stays put until the batch is back. */
void pipe_start(struct model_pipe *p, const char *text, size_t begin, size_t end);
int pipe_out(const struct model_pipe *p);  /* a batch is out */
int pipe_room(const struct model_pipe *p); /* another may go out */
void pipe_quiesce(struct model_pipe *p);    /* wait until those out are parsed; they stay out */
/* Take the oldest batch out back: its lines valid until the next pipe_wait. 0, or -1 out of memory. */
int pipe_wait(struct model_pipe *p, const struct pline **lines, size_t *n);

/* model.c */
void model_invalidate_rows(struct model *m);
void model_update_counts(struct model *m, uint32_t upto);

/* model_rows.c: build S's rows for the current columns. Returns 0, or -1 out of memory. */
int model_align_step(struct model *m, uint32_t s);

#endif
