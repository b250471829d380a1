/*
 * model_pipe.c: the model's second core. A big trace loads parse bound
 * (simdjson's two stages and taking the members out are most of a line's
 * cost, adding the event to the model the rest): while the loader adds the
 * lines of one batch, a worker thread parses the next ones. The worker only
 * reads the text and writes its own batch; the loader hands it a batch
 * whose bytes it does not touch until the batch is back (model.c never
 * moves the text while a batch is out: pipe_quiesce).
 */
#include "model_impl.h"
#include "model_json.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct batch {
	const char *text;
	size_t begin, end;
	struct pline *lines;
	size_t n, cap;
	char *arena; /* the lines' strings: never more than the batch's bytes, and a NUL each */
	size_t arena_cap;
	int failed;  /* out of memory */
};

/* Batches in a ring: the one being added, and up to PIPE_RING - 1 out. */
#define PIPE_RING 4

struct model_pipe {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake; /* the worker: a batch to parse, or quit */
	pthread_cond_t done; /* the loader: a batch is parsed */
	struct batch b[PIPE_RING];
	unsigned head;	     /* the oldest batch out */
	unsigned out;	     /* batches out: handed to the worker, not taken back */
	unsigned parsed;     /* of those, parsed (the oldest first) */
	int quit;
	struct mj *mj;	     /* the worker's own parser */
};

/* Parse every line of B; strings copied to its arena (the parser's are gone at the next line). */
static void parse_batch(struct mj *mj, struct batch *b)
{
	size_t need_arena = (b->end - b->begin) * 2 + 1;
	if (b->arena_cap < need_arena) {
		free(b->arena);
		b->arena_cap = 0;
		if (!(b->arena = malloc(need_arena))) {
			b->failed = 1;
			return;
		}
		b->arena_cap = need_arena;
	}
	size_t used = 0;
	b->n = 0;
	b->failed = 0;
	for (size_t at = b->begin; at < b->end;) {
		const char *start = b->text + at;
		const char *nl = memchr(start, '\n', b->end - at);
		size_t len = nl ? (size_t)(nl - start) : b->end - at;
		if (b->n == b->cap) {
			size_t cap = b->cap ? b->cap * 2 : 1024;
			struct pline *grown = realloc(b->lines, cap * sizeof(*grown));
			if (!grown) {
				b->failed = 1;
				return;
			}
			b->lines = grown;
			b->cap = cap;
		}
		struct pline *pl = &b->lines[b->n++];
		pl->off = at;
		pl->next = at + len + (nl ? 1 : 0);
		at = pl->next;
		if (len > 0 && start[len - 1] == '\r')
			len--;
		pl->len = len;
		if (len == 0 || mj_parse(mj, start, len) < 0) {
			pl->status = PL_SLOW;
			continue;
		}
		pl->status = PL_OK;
		mj_extract(mj, &pl->ml);
		for (int k = 0; k < MK_COUNT; k++) {
			if (pl->ml.type[k] != MJ_STRING)
				continue;
			size_t n = (size_t)pl->ml.len[k] + 1;
			memcpy(b->arena + used, pl->ml.str[k], n);
			pl->ml.str[k] = b->arena + used;
			used += n;
		}
	}
}

static void *worker(void *arg)
{
	struct model_pipe *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->quit && p->parsed == p->out)
			pthread_cond_wait(&p->wake, &p->lock);
		if (p->quit)
			break;
		struct batch *b = &p->b[(p->head + p->parsed) % PIPE_RING];
		pthread_mutex_unlock(&p->lock);
		parse_batch(p->mj, b);
		pthread_mutex_lock(&p->lock);
		p->parsed++;
		pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct model_pipe *pipe_new(void)
{
	struct model_pipe *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	if (!(p->mj = mj_new()))
		goto fail;
	if (pthread_mutex_init(&p->lock, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&p->wake, NULL) != 0) {
		pthread_mutex_destroy(&p->lock);
		goto fail;
	}
	if (pthread_cond_init(&p->done, NULL) != 0) {
		pthread_cond_destroy(&p->wake);
		pthread_mutex_destroy(&p->lock);
		goto fail;
	}
	if (pthread_create(&p->thread, NULL, worker, p) != 0) {
		pthread_cond_destroy(&p->done);
		pthread_cond_destroy(&p->wake);
		pthread_mutex_destroy(&p->lock);
		goto fail;
	}
	return p;
fail:
	mj_free(p->mj);
	free(p);
	return NULL;
}

void pipe_free(struct model_pipe *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->quit = 1;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
	for (int i = 0; i < PIPE_RING; i++) {
		free(p->b[i].lines);
		free(p->b[i].arena);
	}
	mj_free(p->mj);
	free(p);
}

int pipe_out(const struct model_pipe *p)
{
	return p && p->out > 0;
}

int pipe_room(const struct model_pipe *p)
{
	return !p || p->out < PIPE_RING - 1;
}

void pipe_start(struct model_pipe *p, const char *text, size_t begin, size_t end)
{
	pthread_mutex_lock(&p->lock);
	struct batch *b = &p->b[(p->head + p->out) % PIPE_RING];
	b->text = text;
	b->begin = begin;
	b->end = end;
	p->out++;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
}

void pipe_quiesce(struct model_pipe *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	while (p->parsed < p->out)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

int pipe_wait(struct model_pipe *p, const struct pline **lines, size_t *n)
{
	pthread_mutex_lock(&p->lock);
	while (p->parsed == 0)
		pthread_cond_wait(&p->done, &p->lock);
	struct batch *b = &p->b[p->head];
	p->head = (p->head + 1) % PIPE_RING;
	p->out--;
	p->parsed--;
	pthread_mutex_unlock(&p->lock);
	*lines = b->lines;
	*n = b->n;
	return b->failed ? -1 : 0;
}
