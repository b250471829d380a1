/*
 * model_rows.c: the rows of a step, side by side. Each column lists its
 * variant's shown events of the step (a join's answer moved up to head
 * the mount it answers, so the tree reads join > mount > on_mount > query);
 * the columns are then lined up by a longest common subsequence of row
 * keys (same phase group, same kind of thing), column after column, so
 * that "dead mount" sits beside "dead mount" and a query one variant
 * avoided sits beside the query the other one ran.
 */
#include "model_impl.h"

#include <stdlib.h>
#include <string.h>

/* Past this many cells the LCS would cost too much: the columns are zipped instead. */
#define ALIGN_MAX_CELLS (4u * 1024 * 1024)

/* The key class of an event: what rows of other columns it may stand beside. */
static int key_class(const struct model_event *e)
{
	if (e->kind == TK_REPO_QUERY || (e->flags & ME_AVOIDED))
		return -1; /* a query, or the query an assign_new avoided */
	if (e->kind == TK_ASSIGN || e->kind == TK_ASSIGN_NEW)
		return -2; /* the assignment of a key */
	return e->kind;
}

static int same_key(const struct model_event *a, const struct model_event *b)
{
	int ka = key_class(a), kb = key_class(b);
	if (a->group != b->group || ka != kb)
		return 0;
	return ka == -1 || a->subject == b->subject;
}

/* Column C's shown events of step S into *OUT (*N), a join's answer before what it answers. */
static int column_events(struct model *m, uint32_t s, int v, uint32_t **out, uint32_t *n)
{
	const struct model_step *st = &m->steps[s];
	/* the variant's events and the shared ones, in trace order */
	uint32_t own = v == MODEL_SHARED ? 0 : st->nev[v]; /* the shared column: those alone */
	uint32_t total = own + st->nev[MODEL_SHARED];
	uint32_t *all = malloc((total + 1) * sizeof(*all));
	uint32_t *list = malloc((total + 1) * sizeof(*list));
	struct {
		uint32_t conn, start;
	} seg[16];
	size_t nseg = 0;

	if (!list || !all) {
		free(all);
		free(list);
		return -1;
	}
	for (uint32_t a = 0, b = 0, k = 0; k < total; k++) {
		if (b == st->nev[MODEL_SHARED] || (a < own && st->ev[v][a] < st->ev[MODEL_SHARED][b]))
			all[k] = st->ev[v][a++];
		else
			all[k] = st->ev[MODEL_SHARED][b++];
	}
	uint32_t k = 0;
	for (uint32_t i = 0; i < total; i++) {
		uint32_t e = all[i];
		const struct model_event *ev = &m->ev[e];
		if (!(ev->flags & ME_ROW))
			continue;
		size_t g = 0;
		while (g < nseg && seg[g].conn != ev->conn)
			g++;
		if (ev->kind == TK_CHANNEL_JOIN && g < nseg && seg[g].start < k) {
			/* move the answer up to the first event it answers */
			uint32_t at = seg[g].start;
			memmove(&list[at + 1], &list[at], (k - at) * sizeof(*list));
			list[at] = e;
			k++;
			seg[g] = seg[--nseg];
			/* the other sockets' open joins moved down by one */
			for (size_t o = 0; o < nseg; o++)
				if (seg[o].start >= at)
					seg[o].start++;
			continue;
		}
		list[k++] = e;
		if (ev->kind == TK_CHANNEL_JOIN || ev->kind == TK_SOCKET_CONNECT ||
		    ev->kind == TK_CHANNEL_LEAVE || ev->kind == TK_SOCKET_DISCONNECT) {
			if (g < nseg)
				seg[g] = seg[--nseg];
		} else if (ev->depth > 0 && g == nseg && nseg < 16 && m->conns &&
			   ev->conn < m->nconns && m->conns[ev->conn].ws) {
			seg[nseg].conn = ev->conn;
			seg[nseg].start = k - 1;
			nseg++;
		}
	}
	free(all);
	*out = list;
	*n = k;
	return 0;
}

/* The event that stands for row R in the columns before C. */
static uint32_t representative(const struct model_row *r, size_t c)
{
	for (size_t i = 0; i < c; i++)
		if (r->ev[i] != MODEL_NONE)
			return r->ev[i];
	return MODEL_NONE;
}

static void row_clear(struct model_row *r)
{
	for (size_t c = 0; c < MODEL_MAX_COLUMNS; c++)
		r->ev[c] = MODEL_NONE;
}

/* Merge column C's LIST (N events) into ROWS (*NROWS): a new array in *OUT. */
static int merge_column(struct model *m, const struct model_row *rows, uint32_t nrows, size_t c,
			const uint32_t *list, uint32_t n, struct model_row **out, uint32_t *nout)
{
	struct model_row *res = malloc(((size_t)nrows + n + 1) * sizeof(*res));
	uint32_t k = 0;

	if (!res)
		return -1;
	if ((uint64_t)(nrows + 1) * (n + 1) > ALIGN_MAX_CELLS) {
		/* too big to align well: side by side in order */
		for (uint32_t i = 0; i < nrows || i < n; i++) {
			if (i < nrows)
				res[k] = rows[i];
			else
				row_clear(&res[k]);
			res[k].ev[c] = i < n ? list[i] : MODEL_NONE;
			k++;
		}
		*out = res;
		*nout = k;
		return 0;
	}
	uint32_t w = n + 1;
	uint32_t *dp = calloc((size_t)(nrows + 1) * w, sizeof(*dp));
	if (!dp) {
		free(res);
		return -1;
	}
	for (uint32_t i = nrows; i-- > 0;) {
		uint32_t rep = representative(&rows[i], c);
		for (uint32_t j = n; j-- > 0;) {
			uint32_t best;
			if (rep != MODEL_NONE && same_key(&m->ev[rep], &m->ev[list[j]]))
				best = dp[(i + 1) * w + j + 1] + 1;
			else
				best = dp[(i + 1) * w + j] > dp[i * w + j + 1] ? dp[(i + 1) * w + j]
									       : dp[i * w + j + 1];
			dp[i * w + j] = best;
		}
	}
	uint32_t i = 0, j = 0;
	while (i < nrows || j < n) {
		if (i < nrows && j < n) {
			uint32_t rep = representative(&rows[i], c);
			if (rep != MODEL_NONE && same_key(&m->ev[rep], &m->ev[list[j]]) &&
			    dp[i * w + j] == dp[(i + 1) * w + j + 1] + 1) {
				res[k] = rows[i++];
				res[k++].ev[c] = list[j++];
				continue;
			}
			if (dp[(i + 1) * w + j] >= dp[i * w + j + 1]) {
				res[k++] = rows[i++];
				continue;
			}
			row_clear(&res[k]);
			res[k++].ev[c] = list[j++];
			continue;
		}
		if (i < nrows) {
			res[k++] = rows[i++];
		} else {
			row_clear(&res[k]);
			res[k++].ev[c] = list[j++];
		}
	}
	free(dp);
	*out = res;
	*nout = k;
	return 0;
}

int model_align_step(struct model *m, uint32_t s)
{
	struct model_step *st = &m->steps[s];
	struct model_row *rows = NULL;
	uint32_t nrows = 0;

	for (size_t c = 0; c < m->ncolumns; c++) {
		uint32_t *list = NULL, n = 0;
		if (column_events(m, s, m->columns[c], &list, &n) < 0)
			goto fail;
		struct model_row *merged = NULL;
		uint32_t nmerged = 0;
		int rc = merge_column(m, rows, nrows, c, list, n, &merged, &nmerged);
		free(list);
		if (rc < 0)
			goto fail;
		free(rows);
		rows = merged;
		nrows = nmerged;
	}
	/* row 0: the step's header */
	struct model_row *all = malloc(((size_t)nrows + 1) * sizeof(*all));
	if (!all)
		goto fail;
	row_clear(&all[0]);
	if (nrows)
		memcpy(all + 1, rows, nrows * sizeof(*rows));
	free(rows);
	free(st->rows);
	st->rows = all;
	st->nrows = nrows + 1;
	st->aligned = 1;
	return 0;
fail:
	free(rows);
	return -1;
}

const struct model_row *model_rows(struct model *m, uint32_t s, uint32_t *n)
{
	static const struct model_row header = {{MODEL_NONE, MODEL_NONE, MODEL_NONE, MODEL_NONE}};

	if (s >= m->nsteps) {
		*n = 0;
		return NULL;
	}
	struct model_step *st = &m->steps[s];
	if (!st->aligned && model_align_step(m, s) < 0) {
		/* out of memory: the header alone, so that views still draw */
		*n = 1;
		return &header;
	}
	*n = st->nrows;
	return st->rows;
}
