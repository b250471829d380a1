/*
 * protocols.c: what the three lws protocols share: finding their per-vhost
 * data, and counting the connections against the cap. Each protocol's
 * callback is its own file's.
 */
#include "protocols.h"

#include <stdio.h>
#include <time.h>

#include "app.h"

/* ------------------------------------------------------------ the cap */

/* what a connection's opaque user data points at: counted, or over the cap */
static char counted_mark, over_mark;

/* how often refusals are said on stderr, at most */
#define REFUSED_INTERVAL_S 10

static long long monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec;
}

void conn_opened(struct lws *wsi, struct app *app)
{
	app->conns++;
	lws_set_opaque_user_data(wsi, app->conn_cap && app->conns > app->conn_cap ? &over_mark
										  : &counted_mark);
}

void conn_closed(struct lws *wsi, struct app *app)
{
	void *mark = lws_get_opaque_user_data(wsi);

	/* WSI_DESTROY also comes for lws's own connections (the listening socket) */
	if (mark == &counted_mark || mark == &over_mark) {
		app->conns--;
		lws_set_opaque_user_data(wsi, NULL);
	}
}

/* Say, at the first refusal and then at most once an interval, that
 * lvdemo is refusing: a flood of connections must not become one of lines */
static void say_refused(struct app *app)
{
	long long now = monotonic_s();

	app->conns_refused++;
	if (!app->refused_said_s) {
		fprintf(stderr, "lvdemo: %d connections, the most it serves: refusing more with 503\n",
			app->conn_cap);
		app->conns_refused = 0;
		app->refused_said_s = now;
	} else if (now - app->refused_said_s >= REFUSED_INTERVAL_S) {
		fprintf(stderr, "lvdemo: %ld more connections refused in %lld s (at most %d served)\n",
			app->conns_refused, now - app->refused_said_s, app->conn_cap);
		app->conns_refused = 0;
		app->refused_said_s = now;
	}
}

int conn_admit(struct app *app)
{
	if (!app->conn_cap || app->conns < app->conn_cap + app->conn_room)
		return 0;
	say_refused(app);
	return 1;
}

int conn_over_cap(struct lws *wsi, struct app *app)
{
	if (lws_get_opaque_user_data(wsi) != &over_mark)
		return 0;
	say_refused(app);
	return 1;
}

/* ------------------------------------------------------------ per-vhost data */

void *protocol_enter(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		     size_t len, const char *name, size_t size, int *rc)
{
	int init = reason == LWS_CALLBACK_PROTOCOL_INIT;
	void *vhd = protocol_vhd(wsi, name, init ? size : 0);

	if (init) {
		/* a pointer to a struct is one to its first member: the app */
		if (vhd)
			*(struct app **)vhd = lws_context_user(lws_get_context(wsi));
		*rc = vhd ? 0 : -1;
		return NULL;
	}
	if (!vhd) /* not a call for a connection of this vhost */
		*rc = lws_callback_http_dummy(wsi, reason, user, in, len);
	return vhd;
}

int protocol_call(lws_callback_function *fn, struct lws *wsi, enum lws_callback_reasons reason,
		  void *user, void *in, size_t len)
{
	int rc = fn(wsi, reason, user, in, len);
	struct lws_context *ctx = wsi ? lws_get_context(wsi) : NULL;
	struct app *app = ctx ? lws_context_user(ctx) : NULL;

	if (app)
		trace_flush(app->trace);
	return rc;
}

void *protocol_vhd(struct lws *wsi, const char *name, size_t size)
{
	struct lws_vhost *vh = lws_get_vhost(wsi);
	const struct lws_protocols *self = vh ? lws_vhost_name_to_protocol(vh, name) : NULL;

	if (!self)
		return NULL;
	return size ? lws_protocol_vh_priv_zalloc(vh, self, size) : lws_protocol_vh_priv_get(vh, self);
}
