/*
 * run_proc.c: the lvdemo processes of a run (started on a free port with a
 * temporary database, stopped with SIGTERM, tracked in a table so that an
 * interrupted run can stop them all) and the tail of each one's trace.
 * Driving them is run_browser.c's, the run itself runner.c's.
 */
#include "run_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------ processes */

static pthread_mutex_t pids_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t pids[64];
static size_t npids;

static void pid_add(pid_t pid)
{
	pthread_mutex_lock(&pids_lock);
	if (npids < sizeof(pids) / sizeof(pids[0]))
		pids[npids++] = pid;
	pthread_mutex_unlock(&pids_lock);
}

static void pid_remove(pid_t pid)
{
	pthread_mutex_lock(&pids_lock);
	for (size_t i = 0; i < npids; i++) {
		if (pids[i] == pid) {
			pids[i] = pids[--npids];
			break;
		}
	}
	pthread_mutex_unlock(&pids_lock);
}

void lvdemo_stop_all(void)
{
	pthread_mutex_lock(&pids_lock);
	for (size_t i = 0; i < npids; i++)
		kill(pids[i], SIGTERM);
	pthread_mutex_unlock(&pids_lock);
}

long long run_now_us(void)
{
	return (long long)trace_clock_us();
}

int lvdemo_start(struct variant_run *v, const char *lvdemo, const char *dir, char *err,
			size_t errlen)
{
	int out[2];
	char errpath[600];

	snprintf(v->db_path, sizeof(v->db_path), "%s/%s.db", dir, v->variant);
	snprintf(v->trace_path, sizeof(v->trace_path), "%s/%s.jsonl", dir, v->variant);
	snprintf(errpath, sizeof(errpath), "%s/%s.err", dir, v->variant);
	if (pipe2(out, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "cannot start lvdemo: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "cannot start lvdemo: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		return -1;
	}
	if (pid == 0) {
		/* lvtrace blocks SIGINT and SIGTERM for its watcher thread: lvdemo must not inherit that */
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		int e = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(out[1], 1);
		if (e >= 0) {
			dup2(e, 2);
			if (e > 2)
				close(e);
		}
		execl(lvdemo, lvdemo, "--host", "127.0.0.1", "--port", "0", "--db", v->db_path,
		      "--trace", v->trace_path, "--bcrypt-cost", "4", "--test-hooks", (char *)NULL);
		/* the child of a process with threads: only async-signal-safe calls */
		dprintf(2, "cannot run '%s': %s\n", lvdemo, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	v->pid = pid;
	pid_add(pid);

	char line[200];
	size_t n = 0;
	struct pollfd pfd = {.fd = out[0], .events = POLLIN};
	long long deadline = run_now_us() + 10 * 1000000LL;
	while (n < sizeof(line) - 1) {
		int left = (int)((deadline - run_now_us()) / 1000);
		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			break;
		ssize_t r = read(out[0], line + n, 1);
		if (r <= 0)
			break;
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	close(out[0]);
	const char *prefix = "lvdemo listening on ";
	if (strncmp(line, prefix, strlen(prefix)) != 0) {
		/* what it said on stderr, here: its file goes with the run's directory */
		char said[512] = "";
		int e = open(errpath, O_RDONLY | O_CLOEXEC);
		if (e >= 0) {
			off_t size = lseek(e, 0, SEEK_END);
			off_t from = size > (off_t)sizeof(said) - 1 ? size - (off_t)sizeof(said) + 1 : 0;
			ssize_t got = pread(e, said, sizeof(said) - 1, from);
			said[got > 0 ? got : 0] = '\0';
			close(e);
			for (char *c = said; *c; c++)
				if (*c == '\n')
					*c = *(c + 1) ? ' ' : '\0';
		}
		snprintf(err, errlen, "lvdemo for %s did not start: %s", v->variant,
			 said[0] ? said : line[0] ? line : "it said nothing");
		return -1;
	}
	/* the URL, then " (at most N connections)" */
	const char *url = line + strlen(prefix);
	snprintf(v->url, sizeof(v->url), "%.*s", (int)strcspn(url, " "), url);
	return 0;
}

int lvdemo_stop(struct variant_run *v)
{
	int status = 0;

	if (v->pid <= 0)
		return 0;
	/* out of the table before it is reaped: lvdemo_stop_all must never
	 * signal a pid the system has given to another process since */
	pid_remove(v->pid);
	kill(v->pid, SIGTERM);
	while (waitpid(v->pid, &status, 0) < 0 && errno == EINTR)
		;
	v->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ------------------------------------------------------------ the trace, tailed */

int tail_open(struct tail *t, const char *path, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	t->fd = open(path, O_RDONLY | O_CLOEXEC);
	t->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (trace_scanner_init(&t->scan, path) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (t->fd < 0 || t->inotify < 0 || inotify_add_watch(t->inotify, path, IN_MODIFY) < 0) {
		snprintf(err, errlen, "cannot follow '%.480s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void tail_close(struct tail *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->inotify >= 0)
		close(t->inotify);
	t->fd = t->inotify = -1;
	trace_scanner_release(&t->scan);
}

int tail_read(struct variant_run *v, struct tail *t, char *err, size_t errlen)
{
	char chunk[65536];
	ssize_t n;

	while ((n = read(t->fd, chunk, sizeof(chunk))) > 0)
		if (trace_scanner_feed(&t->scan, chunk, (size_t)n, err, errlen) < 0)
			return -1;
	for (;;) {
		if (v->nevents == v->cap) {
			size_t cap = v->cap ? v->cap * 2 : 1024;
			struct trace_event *grown = realloc(v->events, cap * sizeof(*v->events));
			if (!grown) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			v->events = grown;
			v->cap = cap;
		}
		struct trace_event *ev = &v->events[v->nevents];
		int rc = trace_scanner_next(&t->scan, ev, err, errlen);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return 0;
		if (v->nevents == 0) {
			const cJSON *c = cJSON_GetObjectItemCaseSensitive(ev->json, "clock_us");
			v->clock_us = cJSON_IsNumber(c) ? (long long)c->valuedouble : 0;
		}
		v->nevents++;
	}
}

static size_t count_events(const struct variant_run *v, size_t since, const char *event)
{
	size_t n = 0;
	for (size_t i = since; i < v->nevents; i++)
		if (strcmp(v->events[i].event, event) == 0)
			n++;
	return n;
}

int tail_wait(struct variant_run *v, struct tail *t, size_t since, const char *event,
		     size_t want, long long deadline, char *err, size_t errlen)
{
	for (;;) {
		if (tail_read(v, t, err, errlen) < 0)
			return -1;
		if (count_events(v, since, event) >= want)
			return 0;
		int left = (int)((deadline - run_now_us()) / 1000);
		if (left <= 0) {
			snprintf(err, errlen, "timed out after %d ms waiting for %zu %s event(s) in the trace",
				 RUN_STEP_TIMEOUT_MS, want, event);
			return -1;
		}
		struct pollfd pfd = {.fd = t->inotify, .events = POLLIN};
		if (poll(&pfd, 1, left) > 0) {
			char drain[4096];
			while (read(t->inotify, drain, sizeof(drain)) > 0)
				;
		}
	}
}

