/*
 * runner.c: runs a scenario: one thread per variant, each with its own
 * lvdemo (run_proc.c) and browser (run_browser.c). A step is over when its
 * closing events are in that lvdemo's trace; expect steps are checked
 * there (expect.c) against the events since the last mark. The merged
 * trace is run_merge.c's.
 */
#include "runner.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run_browser.h"
#include "run_proc.h"
#include "variant.h"

static atomic_int stopping;
static pthread_mutex_t stop_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cond = PTHREAD_COND_INITIALIZER;

void runner_stop(void)
{
	atomic_store(&stopping, 1);
	lvdemo_stop_all();
	pthread_mutex_lock(&stop_lock);
	pthread_cond_broadcast(&stop_cond);
	pthread_mutex_unlock(&stop_lock);
}

/* The scenario asked for time to pass: wait MS, or less when the run is stopped. */
static void wait_ms(long ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&stop_lock);
	while (!atomic_load(&stopping) &&
	       pthread_cond_timedwait(&stop_cond, &stop_lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&stop_lock);
}

struct ctx {
	struct variant_run *v;
	struct browser *b;
	struct tail tail;
	size_t mark;	       /* expectations count from here */
	struct expect_seen seen; /* what the last action step saw */
};

/* 1 when an expect status or redirect follows step I before the next action. */
static int status_checked(const struct scenario *sc, size_t i)
{
	for (size_t k = i + 1; k < sc->nsteps && sc->steps[k].kind > STEP_WAIT; k++)
		if (sc->steps[k].kind == STEP_EXPECT_STATUS || sc->steps[k].kind == STEP_EXPECT_REDIRECT)
			return 1;
	return 0;
}

static int run_step(struct ctx *x, const struct scenario *sc, size_t index)
{
	const struct step *st = &sc->steps[index];
	struct variant_run *v = x->v;
	struct browser_wants want = {0};
	size_t begin = v->nevents;

	if (st->kind == STEP_WAIT) {
		wait_ms(st->number);
	} else if (st->kind < STEP_WAIT) {
		if (browser_step(x->b, st, status_checked(sc, index), &want, v->error,
				 sizeof(v->error)) < 0)
			return -1;
		browser_seen(x->b, &x->seen);
	}

	/* the step is over when its closing events are in the trace */
	long long deadline = run_now_us() + RUN_STEP_TIMEOUT_MS * 1000LL;
	const struct {
		const char *event;
		size_t count;
	} closing[] = {
		{TRACE_EV_ENDPOINT_STOP, want.stops},
		{TRACE_EV_CHANNEL_JOIN, want.joins},
		{TRACE_EV_SOCKET_DISCONNECT, want.disconnects},
		{TRACE_SPAN_HANDLE_EVENT ".stop", want.events},
		{TRACE_SPAN_HANDLE_PARAMS ".stop", want.params},
	};
	for (size_t i = 0; i < sizeof(closing) / sizeof(closing[0]); i++)
		if (closing[i].count && tail_wait(v, &x->tail, begin, closing[i].event, closing[i].count,
						  deadline, v->error, sizeof(v->error)) < 0)
			return -1;
	if (tail_read(v, &x->tail, v->error, sizeof(v->error)) < 0)
		return -1;
	if (st->kind == STEP_MARK)
		x->mark = v->nevents;
	if (st->kind >= STEP_EXPECT_QUERIES &&
	    expect_check(st, v->variant, v->events, x->mark, v->nevents, &x->seen, &v->results[index]) < 0) {
		snprintf(v->error, sizeof(v->error), "out of memory");
		return -1;
	}
	return 0;
}

struct thread_arg {
	struct run *run;
	struct variant_run *v;
	const char *lvdemo;
};

static void *variant_thread(void *p)
{
	struct thread_arg *a = p;
	struct variant_run *v = a->v;
	const struct scenario *sc = a->run->sc;
	struct ctx x = {.v = v, .seen = {.join = ""}};

	x.tail.fd = x.tail.inotify = -1;
	if (lvdemo_start(v, a->lvdemo, a->run->tmpdir, v->error, sizeof(v->error)) < 0 ||
	    tail_open(&x.tail, v->trace_path, v->error, sizeof(v->error)) < 0 ||
	    tail_wait(v, &x.tail, 0, TRACE_EV_TRACE_START, 1,
		      run_now_us() + RUN_STEP_TIMEOUT_MS * 1000LL, v->error, sizeof(v->error)) < 0 ||
	    !(x.b = browser_new(v->url, v->variant, v->db_path, v->error, sizeof(v->error)))) {
		v->error_step = 0;
		goto out;
	}
	/* the start-up statements are nobody's step: counts start after them */
	if (tail_read(v, &x.tail, v->error, sizeof(v->error)) < 0) {
		v->error_step = 0;
		goto out;
	}
	x.mark = v->nevents;
	for (size_t i = 0; i < sc->nsteps; i++) {
		v->step_begin[i] = v->nevents;
		if (atomic_load(&stopping)) {
			snprintf(v->error, sizeof(v->error), "interrupted");
			v->error_step = (int)i;
			v->step_end[i] = v->nevents;
			goto out;
		}
		if (run_step(&x, sc, i) < 0) {
			v->error_step = (int)i;
			v->step_end[i] = v->nevents;
			goto out;
		}
		v->step_end[i] = v->nevents;
	}
out:
	browser_free(x.b);
	int status = lvdemo_stop(v);
	if (x.tail.fd >= 0) {
		/* trace.stop and anything else written while stopping */
		char ignored[160];
		tail_read(v, &x.tail, v->error[0] ? ignored : v->error,
			  v->error[0] ? sizeof(ignored) : sizeof(v->error));
	}
	tail_close(&x.tail);
	if (status != 0 && !v->error[0]) {
		snprintf(v->error, sizeof(v->error), "lvdemo for %s exited with status %d", v->variant,
			 status);
		v->error_step = (int)sc->nsteps - 1;
	}
	return NULL;
}

int runner_run(const struct scenario *sc, const char *lvdemo, struct run *run, char *err,
	       size_t errlen)
{
	memset(run, 0, sizeof(*run));
	run->sc = sc;
	run->nv = sc->nvariants;
	run->start_us = run_now_us();
	snprintf(run->tmpdir, sizeof(run->tmpdir), "%s/lvtrace.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(run->tmpdir)) {
		snprintf(err, errlen, "cannot make a temporary directory: %s", strerror(errno));
		run->tmpdir[0] = '\0';
		return -1;
	}
	run->v = calloc(run->nv, sizeof(*run->v));
	struct thread_arg *args = calloc(run->nv, sizeof(*args));
	pthread_t *threads = calloc(run->nv, sizeof(*threads));
	if (!run->v || !args || !threads) {
		free(args);
		free(threads);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < run->nv; i++) {
		struct variant_run *v = &run->v[i];
		v->variant = sc->variants[i];
		v->error_step = -1;
		v->step_begin = calloc(sc->nsteps + 1, sizeof(size_t));
		v->step_end = calloc(sc->nsteps + 1, sizeof(size_t));
		v->results = calloc(sc->nsteps + 1, sizeof(*v->results));
		if (!v->step_begin || !v->step_end || !v->results) {
			free(args);
			free(threads);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		args[i] = (struct thread_arg){run, v, lvdemo};
	}
	size_t started = 0;
	for (; started < run->nv; started++)
		if (pthread_create(&threads[started], NULL, variant_thread, &args[started]) != 0)
			break;
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(args);
	free(threads);
	if (started < run->nv) {
		snprintf(err, errlen, "cannot start a thread per variant");
		return -1;
	}
	return 0;
}

static void remove_tree(const char *dir)
{
	static const char *const suffixes[] = {".db", ".db-wal", ".db-shm", ".jsonl", ".err"};
	static const char *const files[] = {"merged.jsonl"};
	char path[600];

	if (!dir[0])
		return;
	for (size_t v = 0; v < VARIANT_COUNT; v++)
		for (size_t s = 0; s < sizeof(suffixes) / sizeof(suffixes[0]); s++) {
			snprintf(path, sizeof(path), "%s/%s%s", dir, variants[v].name, suffixes[s]);
			unlink(path);
		}
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[f]);
		unlink(path);
	}
	rmdir(dir);
}

void runner_release(struct run *run)
{
	for (size_t i = 0; run->v && i < run->nv; i++) {
		struct variant_run *v = &run->v[i];
		for (size_t e = 0; e < v->nevents; e++)
			trace_event_release(&v->events[e]);
		free(v->events);
		for (size_t s = 0; v->results && s < run->sc->nsteps; s++)
			expect_result_release(&v->results[s]);
		free(v->results);
		free(v->step_begin);
		free(v->step_end);
	}
	free(run->v);
	remove_tree(run->tmpdir);
	memset(run, 0, sizeof(*run));
}

