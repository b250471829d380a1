/*
 * protocol_live.c: the "live" lws protocol, LiveView's WebSocket at
 * /live/websocket. Checks the upgrade (path, Origin, protocol version),
 * reassembles text messages of at most 1 MiB, queues replies and writes
 * them from the WRITEABLE callback, closes idle or slow sockets. What a
 * message means is live_channel.c's.
 */
#include "protocols.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "live_channel.h"
#include "lws_header.h"

#define MAX_MESSAGE_BYTES (1024 * 1024)
/*
 * lws's receive buffer, one per socket for its whole life (4 KB when not
 * given), and how much lws reads from the socket at a time: what LiveView's
 * client sends is heartbeats (about 50 bytes), events (about 150) and a
 * page's join (about 1 KB), each whole in one read. 512 bytes made lws
 * lose a client's close frame more often when the client closes at once
 * after it (socket.disconnect "connection lost", not "client closed": the
 * golden file of t0800's 08-nested-child-reconnect, which 4 KB also fails
 * now and then)
 */
#define RX_BUFFER_BYTES 2048
#define MAX_QUEUED_BYTES (8 * 1024 * 1024)
/* Phoenix's socket timeout: the client sends a heartbeat every 30 s */
#define IDLE_TIMEOUT_SECONDS 60
/* how often the idle sockets are looked for: one is closed 60 to 61 s after its last message */
#define IDLE_SWEEP_US (1 * LWS_US_PER_SEC)

struct out_message {
	unsigned char *data; /* LWS_PRE bytes of headroom, then the text */
	size_t len;
	struct out_message *next;
};

/* One upgraded connection. */
struct live_conn {
	struct lws *wsi;
	struct live_socket *sock;
	int established;
	struct out_message *out, **out_tail;
	size_t out_bytes; /* queued and not yet written */
	struct buf rx;
	int closing;
	const char *close_reason; /* a string literal */
	int peer_close_code;
	long long last_rx_s; /* established: when its last message came (monotonic) */
	/* until established, vhd->pending (next only); then vhd's idle order */
	struct live_conn *prev, *next;
};

/*
 * The upgrades confirmed and not yet established. An upgrade is confirmed
 * before lws binds the connection to this protocol (which frees the pss of
 * that moment), so the connection waits here until ESTABLISHED finds it by
 * its wsi and puts it in its pss. Only these wait here: WSI_DESTROY, which
 * comes for every connection lvdemo closes, looks among them, not among
 * all the sockets (a scan of every socket at every close of an HTTP
 * connection was 18 % of the CPU setting up 10,000 sessions).
 */
struct vhd_live {
	struct app *app; /* first: protocol_enter sets it */
	struct live_conn *pending;
	unsigned long next_id;
	/*
	 * The established sockets, the longest silent first, and the timer that
	 * closes those silent for IDLE_TIMEOUT_SECONDS. lws_set_timeout at each
	 * message did the same, but puts the connection in lws's one sorted list
	 * of timeouts by a walk from its head: past every other socket's, as the
	 * newest expires last (36 % of the CPU setting up 10,000 sessions).
	 */
	struct live_conn *oldest, *newest;
	struct lws_context *context;
	lws_sorted_usec_list_t sweep;
	int sweeping; /* the sweep is scheduled */
};

struct pss_live {
	struct live_conn *conn;
};

/* ------------------------------------------------------------ the io */

static void conn_send(void *arg, const char *text)
{
	struct live_conn *c = arg;
	size_t len = strlen(text);

	if (c->closing)
		return;
	if (c->out_bytes + len > MAX_QUEUED_BYTES) {
		/* a client that sends but never reads: let it go */
		c->closing = 1;
		c->close_reason = "too slow";
		lws_callback_on_writable(c->wsi);
		return;
	}
	struct out_message *m = xcalloc(1, sizeof(*m));
	m->data = xmalloc(LWS_PRE + len);
	memcpy(m->data + LWS_PRE, text, len);
	m->len = len;
	c->out_bytes += len;
	*c->out_tail = m;
	c->out_tail = &m->next;
	lws_callback_on_writable(c->wsi);
}

/* REASON: a string literal, kept. */
static void conn_close(void *arg, const char *reason)
{
	struct live_conn *c = arg;

	if (c->closing)
		return;
	c->closing = 1;
	c->close_reason = reason;
	lws_callback_on_writable(c->wsi);
}

/* ------------------------------------------------------------ the upgrade */

/* The query argument named exactly NAME (lws_get_urlarg_by_name matches by prefix). */
static char *query_arg(struct lws *wsi, const char *name)
{
	char frag[512];
	size_t nlen = strlen(name);

	for (int i = 0;; i++) {
		int flen = lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_URI_ARGS, i);
		if (flen <= 0)
			return NULL;
		if (flen >= (int)sizeof(frag))
			continue; /* too long to be one of ours: skip it, not the rest */
		int n = lws_hdr_copy_fragment(wsi, frag, sizeof(frag), WSI_TOKEN_HTTP_URI_ARGS, i);
		if (n < 0)
			return NULL;
		if ((size_t)n > nlen && strncmp(frag, name, nlen) == 0 && frag[nlen] == '=')
			return xstrdup(frag + nlen + 1);
	}
}

static int refuse(struct lws *wsi, struct app *app, unsigned long id, int status, const char *why)
{
	live_socket_refused(app, id, status, why);
	lws_return_http_status(wsi, (unsigned)status, why);
	return 1;
}

/* 0: the upgrade goes on (the connection waits in VHD); else answered with a status. */
/* ORIGIN is the pages' own: app->origin, or on loopback the same port under localhost,
 * 127.0.0.1 or [::1] (the names of this machine a browser may use) */
static int origin_allowed(const struct app *app, const char *origin)
{
	if (strcmp(origin, app->origin) == 0)
		return 1;
	if (!app->loopback_origin)
		return 0;
	const char *port = strrchr(app->origin + 7, ':');
	static const char *const names[] = {"http://localhost", "http://127.0.0.1", "http://[::1]"};
	for (size_t i = 0; port && i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);
		if (strncmp(origin, names[i], n) == 0 && strcmp(origin + n, port) == 0)
			return 1;
	}
	return 0;
}

static int confirm(struct lws *wsi, struct vhd_live *vhd)
{
	char *path = lws_header_dup(wsi, WSI_TOKEN_GET_URI);
	int feed = path && strcmp(path, "/trace") == 0;
	int bad_path = !path || strcmp(path, "/live/websocket") != 0;
	free(path);
	if (feed)
		return feed_confirm(wsi, vhd->app); /* lws binds it to the feed's protocol after */
	unsigned long id = ++vhd->next_id;
	if (bad_path)
		return refuse(wsi, vhd->app, id, 404, "no socket at this path");
	/* a subprotocol would make lws bind another protocol to this path */
	if (lws_hdr_total_length(wsi, WSI_TOKEN_PROTOCOL) > 0)
		return refuse(wsi, vhd->app, id, 400, "LiveView's socket takes no subprotocol");

	/* check_origin: a browser on another site must not ride the cookie. The
	 * request's own Host proves nothing (a rebound DNS name sends its own) */
	char *origin = lws_header_dup(wsi, WSI_TOKEN_ORIGIN);
	if (origin) {
		int ok = origin_allowed(vhd->app, origin);
		free(origin);
		if (!ok)
			return refuse(wsi, vhd->app, id, 403, "origin not allowed");
	}

	char *vsn = query_arg(wsi, "vsn");
	int bad_vsn = vsn && strncmp(vsn, "2.", 2) != 0;
	free(vsn);
	if (bad_vsn)
		return refuse(wsi, vhd->app, id, 400, "unsupported protocol version");

	struct live_conn *c = xcalloc(1, sizeof(*c));
	c->wsi = wsi;
	c->out_tail = &c->out;
	buf_init(&c->rx);
	char *cookie = lws_header_dup(wsi, WSI_TOKEN_HTTP_COOKIE);
	char *csrf = query_arg(wsi, "_csrf_token");
	struct live_socket_io io = {.send = conn_send, .close = conn_close, .conn = c};
	c->sock = live_socket_new(vhd->app, id, cookie, csrf, &io);
	free(cookie);
	free(csrf);
	c->next = vhd->pending;
	vhd->pending = c;
	return 0;
}

/* ------------------------------------------------------------ the connection */

/* The upgrade of WSI waiting for ESTABLISHED, taken out of VHD's list; NULL when none. */
static struct live_conn *pending_take(struct vhd_live *vhd, struct lws *wsi)
{
	for (struct live_conn **pp = &vhd->pending; *pp; pp = &(*pp)->next) {
		struct live_conn *c = *pp;
		if (c->wsi == wsi) {
			*pp = c->next;
			c->next = NULL;
			return c;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------ idle sockets */

static long long monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec;
}

static void idle_unlink(struct vhd_live *vhd, struct live_conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else if (vhd->oldest == c)
		vhd->oldest = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else if (vhd->newest == c)
		vhd->newest = c->prev;
	c->prev = c->next = NULL;
}

static void idle_sweep(lws_sorted_usec_list_t *sul)
{
	struct vhd_live *vhd = lws_container_of(sul, struct vhd_live, sweep);
	long long now = monotonic_s();

	while (vhd->oldest && now - vhd->oldest->last_rx_s >= IDLE_TIMEOUT_SECONDS) {
		struct live_conn *c = vhd->oldest;
		idle_unlink(vhd, c); /* closed once: CLOSED frees it */
		lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
	}
	vhd->sweeping = vhd->oldest != NULL;
	if (vhd->sweeping)
		lws_sul_schedule(vhd->context, 0, &vhd->sweep, idle_sweep, IDLE_SWEEP_US);
}

/* C heard from now: the newest of the idle order (C established). */
static void idle_touch(struct vhd_live *vhd, struct live_conn *c)
{
	c->last_rx_s = monotonic_s();
	if (vhd->newest == c)
		return;
	idle_unlink(vhd, c);
	c->prev = vhd->newest;
	if (vhd->newest)
		vhd->newest->next = c;
	else
		vhd->oldest = c;
	vhd->newest = c;
	if (!vhd->sweeping) {
		vhd->sweeping = 1;
		lws_sul_schedule(vhd->context, 0, &vhd->sweep, idle_sweep, IDLE_SWEEP_US);
	}
}

/* C, out of any list. */
static void conn_free(struct live_conn *c)
{
	const char *reason = c->established ? c->close_reason : NULL;

	live_socket_free(c->sock, c->established, reason, c->peer_close_code);
	while (c->out) {
		struct out_message *m = c->out;
		c->out = m->next;
		free(m->data);
		free(m);
	}
	buf_release(&c->rx);
	free(c);
}

static int conn_receive(struct vhd_live *vhd, struct live_conn *c, const void *in, size_t len)
{
	/* any message proves the client alive: close it only after a silence */
	idle_touch(vhd, c);
	if (c->rx.len + len > MAX_MESSAGE_BYTES) {
		live_socket_error(c->sock, "message too big");
		lws_close_reason(c->wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
				 (unsigned char *)"message too big", 15);
		c->close_reason = "message too big";
		return -1;
	}
	int whole = lws_is_final_fragment(c->wsi) && !lws_remaining_packet_payload(c->wsi);
	if (whole && c->rx.len == 0) {
		/* the whole message in one piece (most are): read where lws has it */
		live_socket_message(c->sock, in, len);
		return 0;
	}
	buf_add(&c->rx, in, len);
	if (!whole)
		return 0;
	live_socket_message(c->sock, buf_str(&c->rx), c->rx.len);
	/* freed, not kept: a socket is silent most of its life */
	buf_release(&c->rx);
	return 0;
}

static int conn_writeable(struct live_conn *c)
{
	if (c->out) {
		struct out_message *m = c->out;
		int n = lws_write(c->wsi, m->data + LWS_PRE, m->len, LWS_WRITE_TEXT);
		c->out_bytes -= m->len;
		c->out = m->next;
		if (!c->out)
			c->out_tail = &c->out;
		free(m->data);
		free(m);
		if (n < 0)
			return -1;
		if (c->out || c->closing)
			lws_callback_on_writable(c->wsi);
		return 0;
	}
	if (c->closing) {
		lws_close_reason(c->wsi, LWS_CLOSE_STATUS_NORMAL, (unsigned char *)c->close_reason,
				 strlen(c->close_reason));
		return -1;
	}
	return 0;
}

static int handle_live(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
			 size_t len)
{
	struct pss_live *pss = user;
	int rc;
	struct vhd_live *vhd = protocol_enter(wsi, reason, user, in, len, "live", sizeof(*vhd), &rc);

	if (!vhd)
		return rc;

	switch (reason) {

	case LWS_CALLBACK_PROTOCOL_DESTROY:
		/* lws closed every connection before: nothing should be left */
		lws_sul_cancel(&vhd->sweep);
		while (vhd->pending) {
			struct live_conn *c = vhd->pending;
			vhd->pending = c->next;
			conn_free(c);
		}
		return 0;

	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		if (conn_over_cap(wsi, vhd->app))
			return lws_return_http_status(wsi, 503, CONN_REFUSED_TEXT), 1;
		if (!in || strcmp(in, "websocket") != 0)
			return lws_return_http_status(wsi, 400, "only websocket upgrades"), 1;
		return confirm(wsi, vhd);

	case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
		/* an accepted connection, before lws takes it (this first protocol
		 * is asked): past the cap and its room, closed at once */
		return conn_admit(vhd->app);

	case LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED:
		/* every new connection comes here first: counted, and its first
		 * request's deadline */
		conn_opened(wsi, vhd->app);
		http_deadline_arm(wsi, vhd->app);
		return 0;

	case LWS_CALLBACK_TIMER:
		/* a connection reading a request line or headers (this protocol
		 * holds it until they are in): its deadline passed. Not a
		 * WebSocket's: it has no request deadline */
		if (pss && pss->conn)
			return 0;
		return http_deadline_expired(wsi, vhd->app);

	case LWS_CALLBACK_ESTABLISHED:
		http_deadline_end(wsi); /* a WebSocket has no request deadline */
		pss->conn = pending_take(vhd, wsi);
		if (!pss->conn)
			return -1;
		pss->conn->established = 1;
		vhd->context = lws_get_context(wsi);
		idle_touch(vhd, pss->conn);
		return 0;

	case LWS_CALLBACK_WSI_DESTROY: {
		/* every connection ends here, whatever protocol it was bound to */
		conn_closed(wsi, vhd->app);
		/* an upgrade that was confirmed but never established */
		struct live_conn *c = pending_take(vhd, wsi);
		if (c)
			conn_free(c);
		return 0;
	}

	case LWS_CALLBACK_RECEIVE:
		return pss && pss->conn ? conn_receive(vhd, pss->conn, in, len) : -1;

	case LWS_CALLBACK_SERVER_WRITEABLE:
		return pss && pss->conn ? conn_writeable(pss->conn) : 0;

	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (pss && pss->conn) {
			const unsigned char *p = in;
			if (len >= 2)
				pss->conn->peer_close_code = p[0] << 8 | p[1];
			if (!pss->conn->close_reason)
				pss->conn->close_reason = "client closed";
		}
		return 0;

	case LWS_CALLBACK_CLOSED:
		if (pss && pss->conn) {
			idle_unlink(vhd, pss->conn);
			conn_free(pss->conn);
		}
		if (pss)
			pss->conn = NULL;
		return 0;

	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* the trace's lines of this callback go out when it ends (protocol_call) */
static int callback_live(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
			 size_t len)
{
	return protocol_call(handle_live, wsi, reason, user, in, len);
}

const struct lws_protocols protocol_live = {
	.name = "live",
	.callback = callback_live,
	.per_session_data_size = sizeof(struct pss_live),
	.rx_buffer_size = RX_BUFFER_BYTES,
};
