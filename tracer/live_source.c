/*
 * live_source.c: lvtrace live's reader thread. It takes lines from lvdemo's
 * feed (the client library's lvc_feed_open, reconnecting while lvdemo is
 * away) or from a file as it grows (inotify, a truncation or a new file at
 * the path starting a new trace), makes one continuous trace of them
 * (live_norm_line) and writes it to a pipe for the model, and to the record
 * when asked. The model and the views know nothing of where it came from.
 */
#include "live_source.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "json_get.h"
#include "lv_client.h"
#include "trace_events.h"
#include "util.h"

#define FEED_PATH "/trace"
#define FEED_SUBPROTOCOL "lvtrace.v1"
#define RETRY_MS 500
#define POLL_MS 200
#define MAX_LINE (1024 * 1024) /* the trace format's own limit */

struct live_source {
	pthread_t thread;
	int thread_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	struct live_status st; /* under MU */

	char *where;
	int follow;
	int wfd, rfd;
	FILE *rec;
	char *rec_path;
	int rec_errno; /* the first write error of the record */
	struct live_norm norm;
};

/* ------------------------------------------------------------ one line */

int live_norm_line(struct live_norm *n, struct live_status *status, const char *line, size_t len,
		   char **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	cJSON *j = cJSON_ParseWithLength(line, len);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return -1;
	}
	const char *event = json_str(j, "event");
	int rc = 0;
	if (event && strcmp(event, TRACE_EV_FEED_DROPPED) == 0) {
		status->dropped += (unsigned long)json_num(j, "count", 0);
		goto out;
	}
	if (event && strcmp(event, TRACE_EV_TRACE_START) == 0) {
		double clock = json_num(j, "clock_us", -1), pid = json_num(j, "pid", -1);
		if (n->started && clock == n->clock_us && pid == n->pid)
			goto out; /* the same lvdemo, after a reconnect: its trace goes on */
		if (n->started) {
			/* a new trace: it goes on after the last line of the old one */
			status->restarts++;
			n->off_us = n->last_us + 1;
			free(n->held_stop);
			n->held_stop = NULL;
			n->clock_us = clock;
			n->pid = pid;
			goto out;
		}
		n->started = 1;
		n->clock_us = clock;
		n->pid = pid;
	} else if (!n->started) {
		goto out; /* nothing before a trace.start */
	}
	double t = json_num(j, "t_us", 0);
	long long t_us = (long long)t + n->off_us;
	cJSON *seq = cJSON_GetObjectItemCaseSensitive(j, "seq");
	cJSON *tu = cJSON_GetObjectItemCaseSensitive(j, "t_us");
	if (cJSON_IsNumber(seq))
		cJSON_SetNumberValue(seq, (double)(n->seq + 1));
	if (cJSON_IsNumber(tu))
		cJSON_SetNumberValue(tu, (double)t_us);
	char *text = cJSON_PrintUnformatted(j);
	if (!text) {
		rc = -1;
		goto out;
	}
	size_t tl = strlen(text);
	char *buf = realloc(text, tl + 2);
	if (!buf) {
		free(text);
		rc = -1;
		goto out;
	}
	buf[tl] = '\n';
	buf[tl + 1] = '\0';
	n->seq++;
	if (t_us > n->last_us)
		n->last_us = t_us;
	if (event && (strcmp(event, TRACE_EV_TRACE_STOP) == 0 || strcmp(event, TRACE_EV_TRACE_ABORT) == 0)) {
		/* kept back: the model would take what follows (lvdemo started
		 * again) as after the end; the record ends with it */
		free(n->held_stop);
		n->held_stop = buf;
		goto out;
	}
	*out = buf;
	*outlen = tl + 1;
	rc = 1;
out:
	cJSON_Delete(j);
	return rc;
}

void live_norm_release(struct live_norm *n)
{
	free(n->held_stop);
	memset(n, 0, sizeof(*n));
}

/* ------------------------------------------------------------ the thread */

static void set_state(struct live_source *s, enum live_state state, const char *detail)
{
	pthread_mutex_lock(&s->mu);
	s->st.state = state;
	snprintf(s->st.detail, sizeof(s->st.detail), "%s", detail ? detail : "");
	pthread_mutex_unlock(&s->mu);
}

static int stopping(struct live_source *s)
{
	pthread_mutex_lock(&s->mu);
	int stop = s->stop;
	pthread_mutex_unlock(&s->mu);
	return stop;
}

/* Wait MS, or less when asked to stop. */
static void pause_ms(struct live_source *s, int ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->mu);
	if (!s->stop)
		pthread_cond_timedwait(&s->cv, &s->mu, &ts);
	pthread_mutex_unlock(&s->mu);
}

/* Write it all to the pipe, waiting while it is full (the view draws), unless asked to stop. */
static int write_all(struct live_source *s, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(s->wfd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd pf = {.fd = s->wfd, .events = POLLOUT};
			if (stopping(s))
				return -1;
			poll(&pf, 1, POLL_MS);
			continue;
		}
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One line from the source: normalized, to the pipe and the record. -1 when the reader is gone. */
static int hand_on(struct live_source *s, const char *line, size_t len)
{
	char *out;
	size_t outlen;

	pthread_mutex_lock(&s->mu);
	int rc = live_norm_line(&s->norm, &s->st, line, len, &out, &outlen);
	pthread_mutex_unlock(&s->mu);
	if (rc <= 0)
		return 0; /* left out, or not JSON: the feed's lines always are */
	if (s->rec && !s->rec_errno && fwrite(out, 1, outlen, s->rec) != outlen)
		s->rec_errno = errno ? errno : EIO;
	int gone = write_all(s, out, outlen) < 0;
	free(out);
	pthread_mutex_lock(&s->mu);
	s->st.lines++;
	pthread_mutex_unlock(&s->mu);
	return gone ? -1 : 0;
}

static void read_feed(struct live_source *s)
{
	char err[512];
	struct lvc *c = lvc_new(s->where, err, sizeof(err));

	if (!c) {
		set_state(s, LIVE_ENDED, err);
		return;
	}
	lvc_set_timeout(c, 2000);
	int first = 1;
	while (!stopping(s)) {
		int status = 0;
		struct lvc_socket *sock = lvc_feed_open(c, FEED_PATH, FEED_SUBPROTOCOL, "", &status, err,
							sizeof(err));
		if (!sock && (status == 400 || status == 403)) {
			/* lvdemo is there and says no (another machine, an Origin): asking again will not help */
			pthread_mutex_lock(&s->mu);
			s->st.refused = 1;
			pthread_mutex_unlock(&s->mu);
			set_state(s, LIVE_ENDED, err);
			break;
		}
		if (!sock) {
			set_state(s, first ? LIVE_CONNECTING : LIVE_RECONNECTING, err);
			pause_ms(s, RETRY_MS);
			continue;
		}
		if (!first) {
			pthread_mutex_lock(&s->mu);
			s->st.reconnects++;
			pthread_mutex_unlock(&s->mu);
		}
		first = 0;
		set_state(s, LIVE_CONNECTED, s->where);
		int gone = 0;
		while (!gone && !stopping(s) && !lvc_socket_closed(sock)) {
			cJSON *m = lvc_socket_next_push(sock, POLL_MS);
			if (!m)
				continue;
			char *text = cJSON_PrintUnformatted(m);
			cJSON_Delete(m);
			if (text)
				gone = hand_on(s, text, strlen(text)) < 0;
			free(text);
		}
		lvc_socket_close(sock);
		if (gone)
			break;
		set_state(s, LIVE_RECONNECTING, "lvdemo closed the feed");
	}
	lvc_free(c);
}

/* The lines of the file from OFFSET on, whole ones handed on, the rest kept in PART. */
static int read_more(struct live_source *s, int fd, struct buf *part)
{
	char chunk[65536];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		const char *p = chunk, *end = chunk + n;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			if (!nl) {
				if (part->len + (size_t)(end - p) <= MAX_LINE)
					buf_add(part, p, (size_t)(end - p));
				break;
			}
			if (part->len) {
				buf_add(part, p, (size_t)(nl - p));
				if (hand_on(s, part->data, part->len) < 0)
					return -1;
				buf_reset(part);
			} else if (hand_on(s, p, (size_t)(nl - p)) < 0) {
				return -1;
			}
			p = nl + 1;
		}
	}
	return 0;
}

static void follow_file(struct live_source *s)
{
	int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	int fd = -1, wd = -1;
	ino_t ino = 0;
	off_t offset = 0;
	struct buf part;
	char msg[300];

	buf_init(&part);
	while (!stopping(s)) {
		struct stat sb;
		if (stat(s->where, &sb) < 0) {
			snprintf(msg, sizeof(msg), "waiting for %s: %s", s->where, strerror(errno));
			set_state(s, LIVE_FOLLOWING, msg);
		} else if (fd < 0 || sb.st_ino != ino) {
			/* the first open, or a new file at the path: a new trace */
			if (fd >= 0)
				close(fd);
			fd = open(s->where, O_RDONLY | O_CLOEXEC);
			ino = sb.st_ino;
			offset = 0;
			buf_reset(&part);
			if (in >= 0) {
				if (wd >= 0)
					inotify_rm_watch(in, wd);
				wd = inotify_add_watch(in, s->where, IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB |
								     IN_MOVE_SELF | IN_DELETE_SELF);
			}
			set_state(s, LIVE_FOLLOWING, s->where);
		} else if (sb.st_size < offset) {
			/* cut short and written again: from the start */
			lseek(fd, 0, SEEK_SET);
			offset = 0;
			buf_reset(&part);
		}
		if (fd >= 0) {
			if (read_more(s, fd, &part) < 0)
				break;
			offset = lseek(fd, 0, SEEK_CUR);
		}
		/* sleep until the file changes (or a while, to notice a new file) */
		struct pollfd p = {.fd = in, .events = POLLIN};
		if (in >= 0 && poll(&p, 1, POLL_MS) > 0) {
			char ev[4096];
			while (read(in, ev, sizeof(ev)) > 0)
				;
		} else if (in < 0) {
			pause_ms(s, POLL_MS);
		}
	}
	buf_release(&part);
	if (fd >= 0)
		close(fd);
	if (in >= 0)
		close(in);
}

static void *run(void *arg)
{
	struct live_source *s = arg;
	sigset_t all;

	/* a reader that went away is an EPIPE here, not a signal */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	if (s->follow)
		follow_file(s);
	else
		read_feed(s);
	close(s->wfd);
	s->wfd = -1;
	pthread_mutex_lock(&s->mu);
	if (s->st.state != LIVE_ENDED)
		s->st.state = LIVE_ENDED;
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* ------------------------------------------------------------ the source */

struct live_source *live_source_start(const char *where, int follow, const char *record, char *err,
				      size_t errlen)
{
	struct live_source *s = xcalloc(1, sizeof(*s));
	int fds[2];

	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->where = xstrdup(where);
	s->follow = follow;
	s->wfd = s->rfd = -1;
	s->st.state = follow ? LIVE_FOLLOWING : LIVE_CONNECTING;
	if (!follow) {
		/* a URL that cannot be one is the caller's mistake, said now, not retried */
		char why[400];
		struct lvc *probe = lvc_new(where, why, sizeof(why));
		if (!probe) {
			snprintf(err, errlen, "%s", why);
			goto fail;
		}
		lvc_free(probe);
	}
	if (record) {
		s->rec = fopen(record, "w");
		if (!s->rec) {
			snprintf(err, errlen, "cannot write '%s': %s", record, strerror(errno));
			goto fail;
		}
		s->rec_path = xstrdup(record);
	}
	if (pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "cannot make a pipe: %s", strerror(errno));
		goto fail;
	}
	s->rfd = fds[0];
	s->wfd = fds[1];
	fcntl(s->wfd, F_SETFL, fcntl(s->wfd, F_GETFL) | O_NONBLOCK);
	if (pthread_create(&s->thread, NULL, run, s) != 0) {
		snprintf(err, errlen, "cannot start the reader thread");
		goto fail;
	}
	s->thread_started = 1;
	return s;
fail:
	live_source_stop(s, NULL, 0);
	return NULL;
}

int live_source_take_fd(struct live_source *s)
{
	int fd = s->rfd;
	s->rfd = -1;
	return fd;
}

void live_source_status(struct live_source *s, struct live_status *out)
{
	pthread_mutex_lock(&s->mu);
	*out = s->st;
	pthread_mutex_unlock(&s->mu);
}

int live_source_stop(struct live_source *s, char *err, size_t errlen)
{
	int rc = 0;

	if (!s)
		return 0;
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	/* a thread blocked writing to a pipe nobody reads gets EPIPE */
	if (s->rfd >= 0) {
		close(s->rfd);
		s->rfd = -1;
	}
	if (s->thread_started)
		pthread_join(s->thread, NULL);
	if (s->wfd >= 0)
		close(s->wfd);
	if (s->rec) {
		/* the record ends as a trace does: with the last lvdemo's trace.stop when
		 * the feed brought it, else with one of lvtrace live's, which says so */
		if (s->norm.held_stop && !s->rec_errno && fputs(s->norm.held_stop, s->rec) == EOF)
			s->rec_errno = errno ? errno : EIO;
		else if (!s->norm.held_stop && s->norm.started && !s->rec_errno &&
			 fprintf(s->rec,
				 "{\"seq\":%ld,\"t_us\":%lld,\"event\":\"" TRACE_EV_TRACE_STOP
				 "\",\"conn\":\"app\",\"recorded_by\":\"lvtrace live\"}\n",
				 s->norm.seq + 1, s->norm.last_us) < 0)
			s->rec_errno = errno ? errno : EIO;
		if ((fflush(s->rec) == EOF || fsync(fileno(s->rec)) < 0) && !s->rec_errno)
			s->rec_errno = errno;
		if (fclose(s->rec) == EOF && !s->rec_errno)
			s->rec_errno = errno;
		if (s->rec_errno) {
			if (err)
				snprintf(err, errlen, "cannot write '%s': %s", s->rec_path, strerror(s->rec_errno));
			rc = -1;
		}
	}
	live_norm_release(&s->norm);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s->rec_path);
	free(s->where);
	free(s);
	return rc;
}
