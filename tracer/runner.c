/*
 * runner.c: runs a scenario. One lvdemo per variant (temporary database,
 * free loopback port, bcrypt cost 4), each driven by its own thread through
 * lv_client.c exactly as a browser would; each variant's trace is tailed
 * (inotify, no polling) so that a step ends when its closing events are
 * in; expectations are checked against those events. Reporting is
 * report.c's.
 */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libwebsockets.h>
#include <sqlite3.h>

#include "lv_client.h"

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

static volatile sig_atomic_t stopping;

void runner_kill_all(void)
{
	/* called from a signal path: no locks, just signals and a flag */
	stopping = 1;
	for (size_t i = 0; i < npids; i++)
		kill(pids[i], SIGTERM);
}

static long long now_us(void)
{
	return (long long)trace_clock_us();
}

/* Start lvdemo for V; read its "listening on" line (a blocking read with a limit). */
static int lvdemo_start(struct variant_run *v, const char *lvdemo, const char *dir, char *err,
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
		int e = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(out[1], 1);
		if (e >= 0) {
			dup2(e, 2);
			if (e > 2)
				close(e);
		}
		execl(lvdemo, lvdemo, "--host", "127.0.0.1", "--port", "0", "--db", v->db_path,
		      "--trace", v->trace_path, "--bcrypt-cost", "4", (char *)NULL);
		fprintf(stderr, "cannot run '%s': %s\n", lvdemo, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	v->pid = pid;
	pid_add(pid);

	char line[200];
	size_t n = 0;
	struct pollfd pfd = {.fd = out[0], .events = POLLIN};
	long long deadline = now_us() + 10 * 1000000LL;
	while (n < sizeof(line) - 1) {
		int left = (int)((deadline - now_us()) / 1000);
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
		snprintf(err, errlen, "lvdemo for %s did not start (see %.600s): '%s'", v->variant,
			 errpath, line);
		return -1;
	}
	snprintf(v->url, sizeof(v->url), "%s", line + strlen(prefix));
	return 0;
}

static int lvdemo_stop(struct variant_run *v)
{
	int status = 0;

	if (v->pid <= 0)
		return 0;
	kill(v->pid, SIGTERM);
	while (waitpid(v->pid, &status, 0) < 0 && errno == EINTR)
		;
	pid_remove(v->pid);
	v->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ------------------------------------------------------------ the trace, tailed */

struct tail {
	int fd;
	int inotify;
	char *buf;
	size_t len, cap;
};

static int tail_open(struct tail *t, const char *path, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	t->fd = open(path, O_RDONLY | O_CLOEXEC);
	t->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (t->fd < 0 || t->inotify < 0 || inotify_add_watch(t->inotify, path, IN_MODIFY) < 0) {
		snprintf(err, errlen, "cannot follow '%.480s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void tail_close(struct tail *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->inotify >= 0)
		close(t->inotify);
	free(t->buf);
}

/* Read every complete line there is now into V's events. -1 on a bad line. */
static int tail_read(struct variant_run *v, struct tail *t, char *err, size_t errlen)
{
	for (;;) {
		if (t->cap - t->len < 65536) {
			t->cap = t->cap ? t->cap * 2 : 131072;
			t->buf = realloc(t->buf, t->cap);
			if (!t->buf) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
		}
		ssize_t n = read(t->fd, t->buf + t->len, t->cap - t->len);
		if (n <= 0)
			break;
		t->len += (size_t)n;
	}
	size_t start = 0;
	char *nl;
	while ((nl = memchr(t->buf + start, '\n', t->len - start))) {
		size_t llen = (size_t)(nl - (t->buf + start));
		char why[160];
		if (v->nevents == v->cap) {
			v->cap = v->cap ? v->cap * 2 : 1024;
			v->events = realloc(v->events, v->cap * sizeof(*v->events));
			if (!v->events) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
		}
		struct trace_event *ev = &v->events[v->nevents];
		if (trace_event_parse(t->buf + start, llen, ev, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s:%zu:%s", v->trace_path, v->nevents + 1, why);
			return -1;
		}
		if (v->nevents == 0) {
			const cJSON *c = cJSON_GetObjectItemCaseSensitive(ev->json, "clock_us");
			v->clock_us = cJSON_IsNumber(c) ? (long long)c->valuedouble : 0;
		}
		v->nevents++;
		start += llen + 1;
	}
	memmove(t->buf, t->buf + start, t->len - start);
	t->len -= start;
	return 0;
}

static size_t count_events(const struct variant_run *v, size_t since, const char *event)
{
	size_t n = 0;
	for (size_t i = since; i < v->nevents; i++)
		if (strcmp(v->events[i].event, event) == 0)
			n++;
	return n;
}

/* Wait until EVENT appears WANT times from index SINCE, or the deadline passes. */
static int tail_wait(struct variant_run *v, struct tail *t, size_t since, const char *event,
		     size_t want, long long deadline, char *err, size_t errlen)
{
	for (;;) {
		if (tail_read(v, t, err, errlen) < 0)
			return -1;
		if (count_events(v, since, event) >= want)
			return 0;
		int left = (int)((deadline - now_us()) / 1000);
		if (left <= 0) {
			snprintf(err, errlen, "timed out after %d ms waiting for %zu %s event(s) in the trace",
				 RUNNER_STEP_TIMEOUT_MS, want, event);
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

/* ------------------------------------------------------------ the browser */

#define MAX_CHILDREN 8

struct chan {
	char topic[80];
	char join_ref[16];
	char id[64];
	char *session;
	char *static_token;
	char *html; /* what it rendered when it joined */
	int joined;
};

struct browser {
	struct lvc *c;
	char *page_html;
	char *page_path;
	int first_status;
	char *first_location;
	struct lvc_socket *sock;
	int mounts;
	int next_join_ref;
	struct chan root;
	struct chan children[MAX_CHILDREN];
	int nchildren;
	char last_join[32];
	char *live_csrf; /* what the LiveSocket was started with: the live page's token */
	char *live_path; /* the URL the root joined with */
	/* how many events of each kind the current step must see */
	size_t want_stops, want_joins, want_disconnects, want_events, want_params;
};

static void chan_reset(struct chan *ch)
{
	free(ch->session);
	free(ch->static_token);
	free(ch->html);
	memset(ch, 0, sizeof(*ch));
}

static void browser_free(struct browser *b)
{
	if (!b)
		return;
	lvc_socket_close(b->sock);
	chan_reset(&b->root);
	for (int i = 0; i < b->nchildren; i++)
		chan_reset(&b->children[i]);
	free(b->page_html);
	free(b->page_path);
	free(b->first_location);
	free(b->live_csrf);
	free(b->live_path);
	lvc_free(b->c);
	free(b);
}

struct ctx {
	struct variant_run *v;
	struct browser *b;
	struct tail tail;
	size_t mark;
	char *err;
	size_t errlen;
};

static char *xdup(const char *s)
{
	char *p = strdup(s ? s : "");
	if (!p) {
		fprintf(stderr, "lvtrace: out of memory\n");
		abort();
	}
	return p;
}

/* "http://127.0.0.1:4000/x?y" and "/x?y" both give "/x?y". */
static const char *path_of(const char *url)
{
	if (strncmp(url, "http://", 7) == 0) {
		const char *slash = strchr(url + 7, '/');
		return slash ? slash : "/";
	}
	return url;
}

static int http_step(struct ctx *x, const char *method, const char *path, const char *form,
		     const char *const *headers, int follow)
{
	struct lvc_response r;
	struct browser *b = x->b;
	char current[1024];

	snprintf(current, sizeof(current), "%s", path);
	if (lvc_request(b->c, method, current, form, headers, &r, x->err, x->errlen) < 0)
		return -1;
	b->want_stops++;
	b->first_status = r.status;
	free(b->first_location);
	b->first_location = r.location ? xdup(r.location) : NULL;
	for (int hops = 0; follow && hops < 10 && r.location &&
			   (r.status == 301 || r.status == 302 || r.status == 303 || r.status == 307);
	     hops++) {
		snprintf(current, sizeof(current), "%s", path_of(r.location));
		lvc_response_release(&r);
		if (lvc_request(b->c, "GET", current, NULL, NULL, &r, x->err, x->errlen) < 0)
			return -1;
		b->want_stops++;
	}
	if (r.status == 200 && r.body) {
		free(b->page_html);
		free(b->page_path);
		b->page_html = xdup(r.body);
		b->page_path = xdup(current);
	}
	lvc_response_release(&r);
	return 0;
}

/* A form on PAGE_PATH, submitted with its CSRF token, redirects followed. */
static int form_step(struct ctx *x, const char *page_path, const char *action, const char *method,
		     char *form)
{
	struct browser *b = x->b;

	if (page_path && http_step(x, "GET", page_path, NULL, NULL, 1) < 0)
		return -1;
	if (!b->page_html && http_step(x, "GET", "/", NULL, NULL, 1) < 0)
		return -1;
	char *token = lvc_html_csrf_token(b->page_html);
	int rc = -1;
	if (!token) {
		snprintf(x->err, x->errlen, "the page %s has no CSRF token", b->page_path);
		return -1;
	}
	char *body = NULL;
	lvc_form_add(&body, "_csrf_token", token);
	if (method)
		lvc_form_add(&body, "_method", method);
	if (form) {
		size_t n = strlen(body) + strlen(form) + 2;
		char *both = malloc(n);
		if (both) {
			snprintf(both, n, "%s&%s", body, form);
			free(body);
			body = both;
		}
	}
	rc = http_step(x, "POST", action, body, NULL, 1);
	free(body);
	free(token);
	return rc;
}

/* The HTML of a rendered tree: statics interleaved with dynamics. */
static void tree_html(const cJSON *tree, char **out, size_t *len)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(tree, "s");
	int n = cJSON_GetArraySize(s);
	char key[24];

	for (int i = 0; i < n; i++) {
		const cJSON *st = cJSON_GetArrayItem(s, i);
		const char *text = cJSON_IsString(st) ? st->valuestring : "";
		size_t tl = strlen(text);
		char *grown = realloc(*out, *len + tl + 1);
		if (!grown)
			return;
		*out = grown;
		memcpy(*out + *len, text, tl + 1);
		*len += tl;
		if (i + 1 < n) {
			snprintf(key, sizeof(key), "%d", i);
			const cJSON *d = cJSON_GetObjectItemCaseSensitive(tree, key);
			if (cJSON_IsString(d)) {
				size_t dl = strlen(d->valuestring);
				grown = realloc(*out, *len + dl + 1);
				if (!grown)
					return;
				*out = grown;
				memcpy(*out + *len, d->valuestring, dl + 1);
				*len += dl;
			} else if (cJSON_IsObject(d)) {
				tree_html(d, out, len);
			}
		}
	}
}

static char *rendered_html(const cJSON *reply)
{
	const cJSON *payload = cJSON_GetArrayItem(reply, 4);
	const cJSON *response = cJSON_GetObjectItemCaseSensitive(payload, "response");
	const cJSON *rendered = cJSON_GetObjectItemCaseSensitive(response, "rendered");
	char *out = xdup("");
	size_t len = 0;

	if (cJSON_IsObject(rendered))
		tree_html(rendered, &out, &len);
	return out;
}

/* "ok", or the error reason: "stale", "unauthorized", "redirect", "live_redirect". */
static void reply_result(const cJSON *reply, char *out, size_t outlen)
{
	const cJSON *payload = cJSON_GetArrayItem(reply, 4);
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(payload, "status");
	const cJSON *response = cJSON_GetObjectItemCaseSensitive(payload, "response");
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(response, "reason");

	if (cJSON_IsString(status) && strcmp(status->valuestring, "ok") == 0)
		snprintf(out, outlen, "ok");
	else if (cJSON_IsString(reason))
		snprintf(out, outlen, "%s", reason->valuestring);
	else if (cJSON_GetObjectItemCaseSensitive(response, "redirect"))
		snprintf(out, outlen, "redirect");
	else if (cJSON_GetObjectItemCaseSensitive(response, "live_redirect"))
		snprintf(out, outlen, "live_redirect");
	else
		snprintf(out, outlen, "error");
}

static cJSON *join_params(struct browser *b, const char *csrf)
{
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "_csrf_token", csrf ? csrf : "");
	cJSON_AddNumberToObject(p, "_mounts", b->mounts);
	cJSON_AddNumberToObject(p, "_mount_attempts", 0);
	return p;
}

/* Join CH: returns 0 with b->last_join set (ok or a refusal), -1 when no reply came. */
static int join(struct ctx *x, struct chan *ch, const char *url, const char *redirect,
		const char *csrf, cJSON **reply_out)
{
	struct browser *b = x->b;
	char ref[16];

	snprintf(ch->join_ref, sizeof(ch->join_ref), "%d", ++b->next_join_ref);
	cJSON *payload = cJSON_CreateObject();
	if (url)
		cJSON_AddStringToObject(payload, "url", url);
	if (redirect)
		cJSON_AddStringToObject(payload, "redirect", redirect);
	cJSON_AddItemToObject(payload, "params", join_params(b, csrf));
	cJSON_AddStringToObject(payload, "session", ch->session ? ch->session : "");
	if (ch->static_token)
		cJSON_AddStringToObject(payload, "static", ch->static_token);
	else
		cJSON_AddNullToObject(payload, "static");
	cJSON_AddBoolToObject(payload, "sticky", 0);
	if (lvc_socket_push(b->sock, ch->join_ref, ch->topic, "phx_join", payload, ref) < 0) {
		snprintf(x->err, x->errlen, "cannot send the join of %s", ch->topic);
		return -1;
	}
	b->want_joins++;
	cJSON *reply = lvc_socket_await_reply(b->sock, ref, RUNNER_STEP_TIMEOUT_MS);
	if (!reply) {
		snprintf(x->err, x->errlen, "no reply to the join of %s%s", ch->topic,
			 lvc_socket_closed(b->sock) ? " (the server closed the socket)" : "");
		return -1;
	}
	char result[32];
	reply_result(reply, result, sizeof(result));
	ch->joined = strcmp(result, "ok") == 0;
	free(ch->html);
	ch->html = ch->joined ? rendered_html(reply) : NULL;
	if (reply_out)
		*reply_out = reply;
	else
		cJSON_Delete(reply);
	if (ch == &b->root)
		snprintf(b->last_join, sizeof(b->last_join), "%s", result);
	return 0;
}

static const struct lvc_container *find_container(const struct lvc_container *v, size_t n,
						  const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].id && strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

/* After the root joined: join each child its render holds, with the static
 * token of the dead page where it had one (as the client keeps it). */
static int join_children(struct ctx *x, const char *csrf, int dead_statics)
{
	struct browser *b = x->b;
	struct lvc_container *live = NULL, *dead = NULL;
	size_t nlive = 0, ndead = 0;

	for (int i = 0; i < b->nchildren; i++)
		chan_reset(&b->children[i]);
	b->nchildren = 0;
	if (!b->root.joined || !b->root.html)
		return 0;
	lvc_html_containers(b->root.html, &live, &nlive);
	if (dead_statics && b->page_html)
		lvc_html_containers(b->page_html, &dead, &ndead);
	int rc = 0;
	for (size_t i = 0; i < nlive && b->nchildren < MAX_CHILDREN; i++) {
		if (!live[i].parent_id || !live[i].id || strcmp(live[i].parent_id, b->root.id) != 0)
			continue;
		struct chan *ch = &b->children[b->nchildren++];
		snprintf(ch->id, sizeof(ch->id), "%s", live[i].id);
		snprintf(ch->topic, sizeof(ch->topic), "lv:%s", live[i].id);
		ch->session = xdup(live[i].session);
		const struct lvc_container *d = find_container(dead, ndead, live[i].id);
		ch->static_token = d && d->static_token ? xdup(d->static_token) : NULL;
		if (join(x, ch, NULL, NULL, csrf, NULL) < 0) {
			rc = -1;
			break;
		}
	}
	lvc_containers_free(live, nlive);
	lvc_containers_free(dead, ndead);
	return rc;
}

/* Open the socket with CSRF, as the page's LiveSocket does. */
static int socket_open(struct ctx *x, const char *csrf)
{
	struct browser *b = x->b;
	char path[512];
	int status = 0;

	if (!csrf) {
		snprintf(x->err, x->errlen, "the current page has no CSRF token to connect with");
		return -1;
	}
	char *enc = lvc_urlencode(csrf);
	snprintf(path, sizeof(path), "/live/websocket?_csrf_token=%s&_mounts=%d&vsn=2.0.0",
		 enc ? enc : "", b->mounts);
	free(enc);
	b->sock = lvc_socket_open(b->c, path, NULL, &status, x->err, x->errlen);
	return b->sock ? 0 : -1;
}

static int disconnect(struct ctx *x)
{
	struct browser *b = x->b;

	if (!b->sock)
		return 0;
	int was_open = !lvc_socket_closed(b->sock);
	lvc_socket_close(b->sock);
	b->sock = NULL;
	if (was_open)
		b->want_disconnects++;
	b->root.joined = 0;
	for (int i = 0; i < b->nchildren; i++)
		b->children[i].joined = 0;
	return 0;
}

static int connect_page(struct ctx *x, int reconnect)
{
	struct browser *b = x->b;
	char url[1200];

	if (!reconnect && !b->page_html) {
		snprintf(x->err, x->errlen, "no page to connect: visit one first");
		return -1;
	}
	if (reconnect && !b->live_csrf) {
		snprintf(x->err, x->errlen, "reconnect needs a page that was connected before");
		return -1;
	}
	if (!reconnect) {
		/* the page's root container */
		struct lvc_container *v = NULL;
		size_t n = 0;
		lvc_html_containers(b->page_html, &v, &n);
		const struct lvc_container *main = NULL;
		for (size_t i = 0; i < n && !main; i++)
			if (v[i].main && v[i].id)
				main = &v[i];
		if (!main) {
			lvc_containers_free(v, n);
			snprintf(x->err, x->errlen, "the page %s has no LiveView (data-phx-main)",
				 b->page_path);
			return -1;
		}
		chan_reset(&b->root);
		snprintf(b->root.id, sizeof(b->root.id), "%s", main->id);
		snprintf(b->root.topic, sizeof(b->root.topic), "lv:%s", main->id);
		b->root.session = xdup(main->session);
		b->root.static_token = main->static_token ? xdup(main->static_token) : NULL;
		lvc_containers_free(v, n);
		b->mounts = 0;
		/* the tab keeps this token and URL for every later reconnect */
		free(b->live_csrf);
		free(b->live_path);
		b->live_csrf = lvc_html_csrf_token(b->page_html);
		b->live_path = xdup(b->page_path);
		if (!b->live_csrf) {
			snprintf(x->err, x->errlen, "the page %s has no CSRF token", b->page_path);
			return -1;
		}
	} else {
		disconnect(x);
		b->mounts++;
	}
	if (socket_open(x, b->live_csrf) < 0)
		return -1;
	snprintf(url, sizeof(url), "%s%s", lvc_origin(b->c), b->live_path);
	int rc = join(x, &b->root, url, NULL, b->live_csrf, NULL);
	if (rc == 0)
		rc = join_children(x, b->live_csrf, 1);
	return rc;
}

static int leave(struct ctx *x, struct chan *ch)
{
	char ref[16];

	if (!ch->joined)
		return 0;
	if (lvc_socket_push(x->b->sock, ch->join_ref, ch->topic, "phx_leave", NULL, ref) < 0) {
		snprintf(x->err, x->errlen, "cannot send phx_leave on %s", ch->topic);
		return -1;
	}
	cJSON *reply = lvc_socket_await_reply(x->b->sock, ref, RUNNER_STEP_TIMEOUT_MS);
	cJSON_Delete(reply);
	ch->joined = 0;
	if (!reply)
		snprintf(x->err, x->errlen, "no reply to phx_leave on %s", ch->topic);
	return reply ? 0 : -1;
}

static int navigate(struct ctx *x, const char *path)
{
	struct browser *b = x->b;
	char url[1200];

	if (!b->sock || !b->root.joined) {
		snprintf(x->err, x->errlen, "navigate needs a connected page: connect first");
		return -1;
	}
	for (int i = 0; i < b->nchildren; i++)
		if (leave(x, &b->children[i]) < 0)
			return -1;
	if (leave(x, &b->root) < 0)
		return -1;
	const char *csrf = b->live_csrf;
	snprintf(url, sizeof(url), "%s%s", lvc_origin(b->c), path);
	int rc = join(x, &b->root, NULL, url, csrf, NULL);
	if (rc == 0 && b->root.joined) {
		free(b->page_path);
		b->page_path = xdup(path);
		free(b->live_path);
		b->live_path = xdup(path);
		/* children of a page reached by live navigation have no dead HTML */
		rc = join_children(x, csrf, 0);
	} else if (rc == 0 && strcmp(b->last_join, "unauthorized") == 0) {
		/* another live_session: the browser loads the page over HTTP */
		disconnect(x);
		rc = http_step(x, "GET", path, NULL, NULL, 1);
		if (rc == 0)
			rc = connect_page(x, 0);
	}
	return rc;
}

/* The channel whose render has an element with phx-click="EVENT": root first. */
static struct chan *click_target(struct browser *b, const char *event)
{
	char attr[160];

	snprintf(attr, sizeof(attr), "phx-click=\"%s\"", event);
	if (b->root.joined && b->root.html && strstr(b->root.html, attr))
		return &b->root;
	for (int i = 0; i < b->nchildren; i++)
		if (b->children[i].joined && b->children[i].html && strstr(b->children[i].html, attr))
			return &b->children[i];
	return NULL;
}

/* Push EVENT on CH and check the reply is ok. */
static int push_and_check(struct ctx *x, struct chan *ch, const char *event, cJSON *payload,
			  cJSON **reply_out)
{
	char ref[16], result[32];

	if (lvc_socket_push(x->b->sock, ch->join_ref, ch->topic, event, payload, ref) < 0) {
		snprintf(x->err, x->errlen, "cannot send %s on %s", event, ch->topic);
		return -1;
	}
	cJSON *reply = lvc_socket_await_reply(x->b->sock, ref, RUNNER_STEP_TIMEOUT_MS);
	if (!reply) {
		snprintf(x->err, x->errlen, "no reply to %s on %s", event, ch->topic);
		return -1;
	}
	reply_result(reply, result, sizeof(result));
	if (strcmp(result, "ok") != 0) {
		snprintf(x->err, x->errlen, "%s on %s was refused: %s", event, ch->topic, result);
		cJSON_Delete(reply);
		return -1;
	}
	if (reply_out)
		*reply_out = reply;
	else
		cJSON_Delete(reply);
	return 0;
}

static int click(struct ctx *x, const char *event)
{
	struct chan *ch = x->b->sock ? click_target(x->b, event) : NULL;

	if (!ch) {
		snprintf(x->err, x->errlen, "no joined LiveView has phx-click=\"%s\"", event);
		return -1;
	}
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "type", "click");
	cJSON_AddStringToObject(p, "event", event);
	cJSON *value = cJSON_AddObjectToObject(p, "value");
	cJSON_AddStringToObject(value, "value", "");
	x->b->want_events++;
	return push_and_check(x, ch, "event", p, NULL);
}

static int patch(struct ctx *x, const char *path)
{
	struct browser *b = x->b;
	char url[1200];
	cJSON *reply = NULL;

	if (!b->sock || !b->root.joined) {
		snprintf(x->err, x->errlen, "patch needs a connected page: connect first");
		return -1;
	}
	snprintf(url, sizeof(url), "%s%s", lvc_origin(b->c), path);
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "url", url);
	if (push_and_check(x, &b->root, "live_patch", p, &reply) < 0)
		return -1;
	const cJSON *resp = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(reply, 4), "response");
	int redirect = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(resp, "link_redirect"));
	cJSON_Delete(reply);
	if (redirect)
		return navigate(x, path); /* another view: the client navigates */
	b->want_params++;
	free(b->page_path);
	b->page_path = xdup(path);
	free(b->live_path);
	b->live_path = xdup(path);
	return 0;
}

/* Move the session token of this browser's login 61 days back, in lvdemo's
 * database but outside lvdemo (so the statement is not in its trace). */
static int expire_token(struct ctx *x)
{
	const char *cookie = lvc_cookie_get(x->b->c, "_lvdemo_key");
	unsigned char token[64];
	int tlen = -1;

	if (cookie) {
		/* the session cookie is signed, not encrypted: PAYLOAD.ISSUED.MAC */
		const char *dot = strchr(cookie, '.');
		size_t plen = dot ? (size_t)(dot - cookie) : 0;
		char *payload = plen ? calloc(1, plen * 3 / 4 + 8) : NULL;
		if (payload) {
			int n = lws_b64_decode_string_len(cookie, (int)plen, payload, (int)(plen * 3 / 4 + 8));
			cJSON *j = n > 0 ? cJSON_ParseWithLength(payload, (size_t)n) : NULL;
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "user_token");
			if (cJSON_IsString(t))
				tlen = lws_b64_decode_string(t->valuestring, (char *)token, sizeof(token));
			cJSON_Delete(j);
			free(payload);
		}
	}
	if (tlen != 32) {
		snprintf(x->err, x->errlen, "expire-token: the browser is not logged in");
		return -1;
	}
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (sqlite3_open_v2(x->v->db_path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    sqlite3_busy_timeout(db, 5000) == SQLITE_OK &&
	    sqlite3_prepare_v2(db,
			       "UPDATE users_tokens SET inserted_at = datetime(inserted_at, '-61 days')"
			       " WHERE token = ?1 AND context = 'session'",
			       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_blob(st, 1, token, 32, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(db) == 1)
		rc = 0;
	else
		snprintf(x->err, x->errlen, "expire-token: cannot update '%s': %s", x->v->db_path,
			 db ? sqlite3_errmsg(db) : "cannot open");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

/* ------------------------------------------------------------ expectations */

static const struct expect_count *count_for(const struct step *st, const char *variant)
{
	for (size_t i = 0; i < st->ncounts; i++)
		if (!st->counts[i].variant || !st->counts[i].variant[0] ||
		    strcmp(st->counts[i].variant, variant) == 0)
			return &st->counts[i];
	return NULL;
}

static int matches_query(const struct step *st, const struct trace_event *ev)
{
	if (strcmp(ev->event, "repo.query") != 0)
		return 0;
	if (st->phase_glob && !scenario_glob_match(st->phase_glob, ev->phase ? ev->phase : ""))
		return 0;
	const char *source = trace_event_string(ev, "source");
	if (st->source && (!source || strcmp(source, st->source) != 0))
		return 0;
	return 1;
}

static void check_expect(struct ctx *x, const struct step *st, struct expect_result *r)
{
	struct variant_run *v = x->v;
	struct browser *b = x->b;

	r->window_begin = x->mark;
	r->window_end = v->nevents;
	r->checked = 1;
	switch (st->kind) {
	case STEP_EXPECT_QUERIES: {
		const struct expect_count *want = count_for(st, v->variant);
		if (!want) {
			r->checked = 0;
			return;
		}
		r->matched = calloc(v->nevents - x->mark + 1, sizeof(size_t));
		for (size_t i = x->mark; i < v->nevents; i++)
			if (matches_query(st, &v->events[i]) && r->matched)
				r->matched[r->nmatched++] = i;
		r->expected = want->n;
		r->actual = (long)r->nmatched;
		r->passed = r->expected == r->actual;
		snprintf(r->what, sizeof(r->what), "%ld quer%s", r->actual, r->actual == 1 ? "y" : "ies");
		break;
	}
	case STEP_EXPECT_STATUS:
		r->expected = st->number;
		r->actual = b->first_status;
		r->passed = r->expected == r->actual;
		snprintf(r->what, sizeof(r->what), "status %ld", r->actual);
		break;
	case STEP_EXPECT_REDIRECT: {
		char *want = scenario_variant_path(st->arg1, v->variant);
		const char *got = b->first_location ? path_of(b->first_location) : "(no redirect)";
		r->passed = b->first_location && strcmp(got, want) == 0;
		snprintf(r->what, sizeof(r->what), "redirect to %s, expected %s", got, want);
		free(want);
		break;
	}
	case STEP_EXPECT_JOIN:
		r->passed = strcmp(b->last_join, st->arg1) == 0;
		snprintf(r->what, sizeof(r->what), "join %s, expected %s",
			 b->last_join[0] ? b->last_join : "(none)", st->arg1);
		break;
	case STEP_EXPECT_ASSIGN_NEW: {
		if (strcmp(v->variant, "assign") == 0) {
			r->checked = 0; /* mount uses no assign_new there */
			return;
		}
		size_t n = 0, bad = 0;
		const char *bad_from = NULL;
		for (size_t i = x->mark; i < v->nevents; i++) {
			const struct trace_event *ev = &v->events[i];
			if (strcmp(ev->event, "assign_new") != 0)
				continue;
			const char *key = trace_event_string(ev, "key"), *view = trace_event_string(ev, "view");
			const cJSON *conn = cJSON_GetObjectItemCaseSensitive(ev->json, "connected");
			if (!key || strcmp(key, st->arg1) != 0 || (st->view && (!view || strcmp(view, st->view) != 0)))
				continue;
			if (st->connected >= 0 && cJSON_IsTrue(conn) != st->connected)
				continue;
			n++;
			const char *from = trace_event_string(ev, "from");
			if (!from || strcmp(from, st->arg2) != 0)
				bad++, bad_from = from;
		}
		r->passed = n > 0 && bad == 0;
		if (n == 0)
			snprintf(r->what, sizeof(r->what), "no matching assign_new event");
		else if (bad)
			snprintf(r->what, sizeof(r->what), "%zu of %zu assign_new events came from %s",
				 bad, n, bad_from ? bad_from : "?");
		else
			snprintf(r->what, sizeof(r->what), "%zu assign_new event(s) from %s", n, st->arg2);
		r->expected = 1;
		r->actual = r->passed;
		break;
	}
	default:
		r->checked = 0;
	}
}

/* ------------------------------------------------------------ steps */

static int run_step(struct ctx *x, const struct step *st, size_t index)
{
	struct browser *b = x->b;
	char *path = st->arg1 && st->arg1[0] == '/' ? scenario_variant_path(st->arg1, x->v->variant)
						    : NULL;
	int rc = 0;
	char *form = NULL;

	b->want_stops = b->want_joins = b->want_disconnects = b->want_events = b->want_params = 0;
	size_t begin = x->v->nevents;
	switch (st->kind) {
	case STEP_REGISTER:
	case STEP_LOGIN:
		disconnect(x); /* a full page load closes the page's socket */
		lvc_form_add(&form, "user[email]", st->arg1);
		lvc_form_add(&form, "user[password]", st->arg2);
		rc = st->kind == STEP_REGISTER
			     ? form_step(x, "/users/register", "/users/register", NULL, form)
			     : form_step(x, "/users/log_in", "/users/log_in", NULL, form);
		free(form);
		break;
	case STEP_LOGOUT: {
		int connected = b->sock && !lvc_socket_closed(b->sock);
		rc = form_step(x, NULL, "/users/log_out", "delete", NULL);
		if (rc == 0 && connected) {
			/* the broadcast closes this login's sockets: wait for ours */
			if (lvc_socket_await_close(b->sock, RUNNER_STEP_TIMEOUT_MS) < 0) {
				snprintf(x->err, x->errlen, "log out did not close the socket");
				rc = -1;
			} else {
				/* the server closed it: forget it as disconnect() would */
				lvc_socket_close(b->sock);
				b->sock = NULL;
				b->want_disconnects++;
				b->root.joined = 0;
				for (int i = 0; i < b->nchildren; i++)
					b->children[i].joined = 0;
			}
		}
		break;
	}
	case STEP_VISIT:
		disconnect(x); /* a full page load closes the page's socket */
		rc = http_step(x, "GET", path, NULL, NULL, 1);
		break;
	case STEP_CONNECT:
		disconnect(x);
		rc = connect_page(x, 0);
		break;
	case STEP_RECONNECT:
		rc = connect_page(x, 1);
		break;
	case STEP_DISCONNECT:
		rc = disconnect(x);
		break;
	case STEP_CLICK:
		rc = click(x, st->arg1);
		break;
	case STEP_PATCH:
		rc = patch(x, path);
		break;
	case STEP_NAVIGATE:
		rc = navigate(x, path);
		break;
	case STEP_EXPIRE_TOKEN:
		rc = expire_token(x);
		break;
	case STEP_WAIT: {
		/* the scenario asked for time to pass; in slices, so Ctrl-C ends it */
		long long until = now_us() + st->number * 1000LL;
		while (!stopping && now_us() < until) {
			long long left = until - now_us();
			struct timespec ts = {0, (left > 50000 ? 50000 : left) * 1000L};
			nanosleep(&ts, NULL);
		}
		break;
	}
	case STEP_MARK:
		break;
	default:
		break;
	}
	free(path);
	if (rc < 0)
		return -1;

	/* the step is over when its closing events are in the trace */
	long long deadline = now_us() + RUNNER_STEP_TIMEOUT_MS * 1000LL;
	static const struct {
		const char *event;
		size_t offset;
	} closing[] = {
		{"endpoint.stop", offsetof(struct browser, want_stops)},
		{"channel.join", offsetof(struct browser, want_joins)},
		{"socket.disconnect", offsetof(struct browser, want_disconnects)},
		{"live_view.handle_event.stop", offsetof(struct browser, want_events)},
		{"live_view.handle_params.stop", offsetof(struct browser, want_params)},
	};
	for (size_t i = 0; i < sizeof(closing) / sizeof(closing[0]); i++) {
		size_t want = *(size_t *)((char *)b + closing[i].offset);
		if (want && tail_wait(x->v, &x->tail, begin, closing[i].event, want, deadline, x->err,
				      x->errlen) < 0)
			return -1;
	}
	if (tail_read(x->v, &x->tail, x->err, x->errlen) < 0)
		return -1;
	if (st->kind == STEP_MARK)
		x->mark = x->v->nevents;
	if (st->kind >= STEP_EXPECT_QUERIES)
		check_expect(x, st, &x->v->results[index]);
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
	struct ctx x = {.v = v, .err = v->error, .errlen = sizeof(v->error)};

	x.tail.fd = x.tail.inotify = -1;
	if (lvdemo_start(v, a->lvdemo, a->run->tmpdir, v->error, sizeof(v->error)) < 0 ||
	    tail_open(&x.tail, v->trace_path, v->error, sizeof(v->error)) < 0 ||
	    tail_wait(v, &x.tail, 0, "trace.start", 1, now_us() + RUNNER_STEP_TIMEOUT_MS * 1000LL,
		      v->error, sizeof(v->error)) < 0) {
		v->error_step = 0;
		goto out;
	}
	x.b = calloc(1, sizeof(*x.b));
	if (!x.b || !(x.b->c = lvc_new(v->url, v->error, sizeof(v->error)))) {
		v->error_step = 0;
		goto out;
	}
	lvc_set_timeout(x.b->c, RUNNER_STEP_TIMEOUT_MS);
	/* the start-up statements are nobody's step: counts start after them */
	tail_read(v, &x.tail, v->error, sizeof(v->error));
	x.mark = v->nevents;
	for (size_t i = 0; i < sc->nsteps; i++) {
		v->step_begin[i] = v->nevents;
		if (stopping) {
			snprintf(v->error, sizeof(v->error), "interrupted");
			v->error_step = (int)i;
			v->step_end[i] = v->nevents;
			goto out;
		}
		if (run_step(&x, &sc->steps[i], i) < 0) {
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
	run->start_us = now_us();
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

void runner_tally(const struct run *run, int *passed, int *failed)
{
	*passed = *failed = 0;
	for (size_t i = 0; i < run->nv; i++)
		for (size_t s = 0; s < run->sc->nsteps; s++) {
			const struct expect_result *r = &run->v[i].results[s];
			if (!r->checked)
				continue;
			if (r->passed)
				(*passed)++;
			else
				(*failed)++;
		}
}

static void remove_tree(const char *dir)
{
	static const char *const suffixes[] = {".db", ".db-wal", ".db-shm", ".jsonl", ".err"};
	char path[600];

	if (!dir[0])
		return;
	for (size_t v = 0; v < 4; v++)
		for (size_t s = 0; s < sizeof(suffixes) / sizeof(suffixes[0]); s++) {
			snprintf(path, sizeof(path), "%s/%s%s", dir, scenario_known_variants[v], suffixes[s]);
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
			free(v->results[s].matched);
		free(v->results);
		free(v->step_begin);
		free(v->step_end);
	}
	free(run->v);
	remove_tree(run->tmpdir);
	memset(run, 0, sizeof(*run));
}

/* ------------------------------------------------------------ the merged trace */

struct merged {
	FILE *fp;
	long seq;
	int failed;
};

/* Write one line: seq, t_us, event, conn, variant first, then MEMBERS (consumed). */
static void merged_line(struct merged *m, long long t_us, const char *event, const char *conn,
			const char *variant, cJSON *members)
{
	cJSON *line = cJSON_CreateObject();
	cJSON_AddNumberToObject(line, "seq", (double)++m->seq);
	cJSON_AddNumberToObject(line, "t_us", (double)(t_us < 0 ? 0 : t_us));
	cJSON_AddStringToObject(line, "event", event);
	cJSON_AddStringToObject(line, "conn", conn);
	if (variant)
		cJSON_AddStringToObject(line, "variant", variant);
	while (members && members->child) {
		cJSON *item = cJSON_DetachItemViaPointer(members, members->child);
		if (cJSON_GetObjectItemCaseSensitive(line, item->string))
			cJSON_Delete(item);
		else
			cJSON_AddItemToObject(line, item->string, item);
	}
	cJSON_Delete(members);
	char *text = cJSON_PrintUnformatted(line);
	cJSON_Delete(line);
	if (!text || fprintf(m->fp, "%s\n", text) < 0)
		m->failed = 1;
	free(text);
}

static void merged_events(struct merged *m, const struct run *run, const struct variant_run *v,
			  size_t begin, size_t end)
{
	char conn[96];

	for (size_t i = begin; i < end && i < v->nevents; i++) {
		const struct trace_event *ev = &v->events[i];
		cJSON *copy = cJSON_Duplicate(ev->json, 1);
		static const char *const own[] = {"seq", "t_us", "event", "conn", "variant"};
		for (size_t k = 0; k < sizeof(own) / sizeof(own[0]); k++)
			cJSON_DeleteItemFromObjectCaseSensitive(copy, own[k]);
		cJSON_AddNumberToObject(copy, "src_seq", (double)ev->seq);
		snprintf(conn, sizeof(conn), "%s/%s", v->variant, ev->conn);
		merged_line(m, ev->t_us + v->clock_us - run->start_us, ev->event, conn, v->variant, copy);
	}
}

int runner_write_trace(const struct run *run, const char *path, char *err, size_t errlen)
{
	struct merged m = {0};
	const struct scenario *sc = run->sc;

	m.fp = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (!m.fp) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	cJSON *start = cJSON_CreateObject();
	cJSON_AddStringToObject(start, "format", TRACE_FORMAT);
	cJSON_AddNumberToObject(start, "version", TRACE_VERSION);
	cJSON_AddStringToObject(start, "app", "lvtrace run");
	cJSON_AddStringToObject(start, "scenario", sc->path);
	cJSON_AddStringToObject(start, "title", sc->title);
	cJSON *vs = cJSON_AddArrayToObject(start, "variants");
	for (size_t i = 0; i < run->nv; i++)
		cJSON_AddItemToArray(vs, cJSON_CreateString(run->v[i].variant));
	merged_line(&m, 0, "trace.start", "run", NULL, start);

	/* start-up: each lvdemo's events before the first step */
	for (size_t i = 0; i < run->nv; i++)
		merged_events(&m, run, &run->v[i], 0, sc->nsteps ? run->v[i].step_begin[0] : run->v[i].nevents);
	for (size_t s = 0; s < sc->nsteps; s++) {
		const struct step *st = &sc->steps[s];
		for (size_t i = 0; i < run->nv; i++) {
			const struct variant_run *v = &run->v[i];
			if (v->error_step >= 0 && (size_t)v->error_step < s)
				continue;
			long long t0 = v->step_begin[s] < v->nevents
					       ? v->events[v->step_begin[s]].t_us + v->clock_us - run->start_us
					       : 0;
			cJSON *f = cJSON_CreateObject();
			cJSON_AddNumberToObject(f, "step", (double)s + 1);
			cJSON_AddNumberToObject(f, "line", st->line);
			cJSON_AddStringToObject(f, "kind", step_kind_name(st->kind));
			cJSON_AddStringToObject(f, "text", st->text);
			merged_line(&m, t0, "scenario.step", "run", v->variant, f);
			if (st->kind == STEP_MARK || st->kind == STEP_NOTE) {
				f = cJSON_CreateObject();
				cJSON_AddNumberToObject(f, "line", st->line);
				cJSON_AddStringToObject(f, st->kind == STEP_MARK ? "label" : "text", st->arg1);
				merged_line(&m, t0, st->kind == STEP_MARK ? "scenario.mark" : "scenario.note",
					    "run", v->variant, f);
			}
			merged_events(&m, run, v, v->step_begin[s], v->step_end[s]);
			const struct expect_result *r = &v->results[s];
			if (st->kind >= STEP_EXPECT_QUERIES) {
				f = cJSON_CreateObject();
				cJSON_AddNumberToObject(f, "line", st->line);
				cJSON_AddStringToObject(f, "text", st->text);
				cJSON_AddStringToObject(f, "outcome",
							!r->checked ? "skipped" : r->passed ? "passed" : "failed");
				if (r->checked) {
					if (st->kind == STEP_EXPECT_QUERIES) {
						cJSON_AddNumberToObject(f, "expected", (double)r->expected);
						cJSON_AddNumberToObject(f, "actual", (double)r->actual);
					}
					cJSON_AddStringToObject(f, "detail", r->what);
				}
				merged_line(&m, t0, "scenario.expect", "run", v->variant, f);
			}
			if (v->error_step == (int)s) {
				f = cJSON_CreateObject();
				cJSON_AddNumberToObject(f, "line", st->line);
				cJSON_AddStringToObject(f, "error", v->error);
				merged_line(&m, t0, "scenario.error", "run", v->variant, f);
			}
		}
	}
	/* shutdown: what came after the last step (trace.stop) */
	for (size_t i = 0; i < run->nv; i++) {
		const struct variant_run *v = &run->v[i];
		size_t last = v->error_step >= 0 ? (size_t)v->error_step : sc->nsteps - 1;
		if (sc->nsteps)
			merged_events(&m, run, v, v->step_end[last], v->nevents);
	}
	int rc = m.failed || fflush(m.fp) != 0 ? -1 : 0;
	if (m.fp != stdout)
		rc = fclose(m.fp) != 0 ? -1 : rc;
	if (rc < 0)
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
	return rc;
}
