/*
 * protocol_feed.c: the "lvtrace.v1" lws protocol, the live trace feed at
 * /trace: every line lvdemo writes to its trace, sent as it is written,
 * one WebSocket message each (the trace.start first), to the subscribers
 * on the instructor's machine. A subscriber that reads too slowly loses
 * lines, never the app's time: its queue is bounded, and what overflowed
 * is announced with a feed.dropped line as soon as there is room again.
 */
#include "protocols.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cidr.h"
#include "lws_header.h"

#define FEED_SUBPROTOCOL "lvtrace.v1"
#define FEED_MAX_LINES 4096		/* queued for one subscriber */
#define FEED_MAX_BYTES (4 * 1024 * 1024) /* and their bytes */

struct line {
	struct line *next;
	size_t len;
	unsigned char data[]; /* LWS_PRE bytes of headroom, then the line without its newline */
};

struct sub {
	struct lws *wsi;
	struct line *head, **tail;
	size_t lines, bytes;
	unsigned long dropped; /* lines lost since the last feed.dropped */
	struct sub *next;
};

struct vhd_feed {
	struct app *app; /* first: protocol_enter sets it */
	struct sub *subs;
	int tapped; /* the trace's tap is set (the trace opens after the protocols start) */
};

struct pss_feed {
	struct sub *sub;
};

/* ------------------------------------------------------------ who may subscribe */

/* 1 when IP may read the feed: loopback, or in --trace-feed-from. */
static int allowed(const struct app *app, const char *ip)
{
	if (addr_is_loopback(ip))
		return 1;
	for (int i = 0; i < app->nfeed_from; i++)
		if (cidr_contains(&app->feed_from[i], ip))
			return 1;
	return 0;
}

/* The host of an Origin ("http://localhost:4000" -> "localhost"), into HOST; -1 when malformed. */
static int origin_host(const char *origin, char *host, size_t len)
{
	char copy[512];
	const char *prot, *addr, *path;
	int port;

	if (strlen(origin) >= sizeof(copy))
		return -1;
	snprintf(copy, sizeof(copy), "%s", origin);
	if (lws_parse_uri(copy, &prot, &addr, &port, &path) || (strcmp(prot, "http") && strcmp(prot, "https")))
		return -1;
	snprintf(host, len, "%s", addr);
	return host[0] ? 0 : -1;
}

static int refuse(struct lws *wsi, struct app *app, const char *peer, int status, const char *why)
{
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "peer", peer);
	cJSON_AddNumberToObject(f, "status", status);
	cJSON_AddStringToObject(f, "reason", why);
	trace_emit(app->trace, TRACE_EV_FEED_REFUSED, f);
	lws_return_http_status(wsi, (unsigned)status, why);
	return 1;
}

int feed_confirm(struct lws *wsi, struct app *app)
{
	char peer[64] = "", host[256];

	lws_get_peer_simple(wsi, peer, sizeof(peer));
	char *proto = lws_header_dup(wsi, WSI_TOKEN_PROTOCOL);
	int has_proto = proto && strstr(proto, FEED_SUBPROTOCOL);
	free(proto);
	if (!has_proto)
		return refuse(wsi, app, peer, 400, "the feed speaks the subprotocol " FEED_SUBPROTOCOL);
	if (!allowed(app, peer))
		return refuse(wsi, app, peer, 403, "the feed is for this machine (see --trace-feed-from)");
	/* a page of another site must not read the feed through the browser */
	char *origin = lws_header_dup(wsi, WSI_TOKEN_ORIGIN);
	int ok = !origin || (origin_host(origin, host, sizeof(host)) == 0 &&
			     (strcmp(host, "localhost") == 0 || allowed(app, host)));
	free(origin);
	if (!ok)
		return refuse(wsi, app, peer, 403, "origin not allowed");
	return 0;
}

/* ------------------------------------------------------------ the queue */

static void queue_put(struct sub *s, const char *text, size_t len)
{
	struct line *l = malloc(sizeof(*l) + LWS_PRE + len);
	if (!l) {
		s->dropped++;
		return;
	}
	memcpy(l->data + LWS_PRE, text, len);
	l->len = len;
	l->next = NULL;
	*s->tail = l;
	s->tail = &l->next;
	s->lines++;
	s->bytes += len;
	lws_callback_on_writable(s->wsi);
}

static void queue_free(struct sub *s)
{
	while (s->head) {
		struct line *l = s->head;
		s->head = l->next;
		free(l);
	}
	s->tail = &s->head;
	s->lines = s->bytes = 0;
}

/* The lines lost since the last notice, said in one, when the queue has room for it. */
static void announce_drops(struct sub *s)
{
	if (!s->dropped || s->lines + 1 > FEED_MAX_LINES || s->bytes + 64 > FEED_MAX_BYTES)
		return;
	char note[96];
	int n = snprintf(note, sizeof(note), "{\"event\":\"" TRACE_EV_FEED_DROPPED "\",\"count\":%lu}",
			 s->dropped);
	s->dropped = 0;
	queue_put(s, note, (size_t)n);
}

/* LINE (LEN bytes with its newline) for subscriber S, or counted as lost. */
static void offer(struct sub *s, const char *line, size_t len)
{
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (s->lines + 2 > FEED_MAX_LINES || s->bytes + len + 64 > FEED_MAX_BYTES) {
		s->dropped++;
		return;
	}
	announce_drops(s);
	queue_put(s, line, len);
}

static void tap(void *arg, const char *line, size_t len)
{
	struct vhd_feed *vhd = arg;
	for (struct sub *s = vhd->subs; s; s = s->next)
		offer(s, line, len);
}

static int writeable(struct sub *s)
{
	struct line *l = s->head;
	if (!l)
		return 0;
	int n = lws_write(s->wsi, l->data + LWS_PRE, l->len, LWS_WRITE_TEXT);
	s->head = l->next;
	if (!s->head)
		s->tail = &s->head;
	s->lines--;
	s->bytes -= l->len;
	free(l);
	if (n < (int)0)
		return -1;
	/* room again: the loss is told now, not only when the app writes its next line */
	announce_drops(s);
	if (s->head)
		lws_callback_on_writable(s->wsi);
	return 0;
}

/* ------------------------------------------------------------ the protocol */

static void sub_remove(struct vhd_feed *vhd, struct sub *s)
{
	for (struct sub **pp = &vhd->subs; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	queue_free(s);
	free(s);
	if (!vhd->subs && vhd->tapped) {
		trace_set_tap(vhd->app->trace, NULL, NULL); /* nobody listens: no cost */
		vhd->tapped = 0;
	}
}

static int handle_feed(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
			 size_t len)
{
	struct pss_feed *pss = user;
	int rc;
	struct vhd_feed *vhd = protocol_enter(wsi, reason, user, in, len, FEED_SUBPROTOCOL, sizeof(*vhd), &rc);

	if (!vhd)
		return rc;

	switch (reason) {
	case LWS_CALLBACK_PROTOCOL_DESTROY:
		while (vhd->subs)
			sub_remove(vhd, vhd->subs);
		return 0;

	case LWS_CALLBACK_ESTABLISHED: {
		http_deadline_end(wsi); /* a WebSocket has no request deadline */
		struct sub *s = calloc(1, sizeof(*s));
		if (!s)
			return -1;
		s->wsi = wsi;
		s->tail = &s->head;
		size_t hlen = 0;
		const char *head = trace_head(vhd->app->trace, &hlen);
		if (head)
			offer(s, head, hlen);
		s->next = vhd->subs;
		vhd->subs = s;
		pss->sub = s;
		if (!vhd->tapped) {
			trace_set_tap(vhd->app->trace, tap, vhd);
			vhd->tapped = 1;
		}
		return 0;
	}

	case LWS_CALLBACK_SERVER_WRITEABLE:
		return pss && pss->sub ? writeable(pss->sub) : 0;

	case LWS_CALLBACK_RECEIVE:
		return 0; /* a subscriber has nothing to say */

	case LWS_CALLBACK_CLOSED:
		if (pss && pss->sub)
			sub_remove(vhd, pss->sub);
		if (pss)
			pss->sub = NULL;
		return 0;

	case LWS_CALLBACK_TIMER:
		return 0; /* the request deadline of the upgrade: a WebSocket has none */

	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* the trace's lines of this callback go out when it ends (protocol_call) */
static int callback_feed(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
			 size_t len)
{
	return protocol_call(handle_feed, wsi, reason, user, in, len);
}

const struct lws_protocols protocol_feed = {
	.name = FEED_SUBPROTOCOL,
	.callback = callback_feed,
	.per_session_data_size = sizeof(struct pss_feed),
	.rx_buffer_size = 256,
};
