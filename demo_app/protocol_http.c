/*
 * protocol_http.c: the "http" lws protocol. Turns each HTTP transaction
 * into a struct request (headers, query, a body of at most 64 KiB),
 * refuses what HTTP itself rules out, hands the request to the endpoint,
 * and writes the response it composed from the WRITEABLE callback. What a
 * request does is the endpoint's and the router's.
 */
#include "protocols.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>

#include "cidr.h"
#include "endpoint.h"
#include "lws_header.h"
#include "request.h"

/* the most one write of a response carries: its headers and a page after them */
#define HTTP_WRITE_MAX 16384

/* The vhost's: the process state and the request numbers. */
struct vhd_http {
	struct app *app; /* first: protocol_enter sets it */
	unsigned long next_request_id;
};

/* One transaction at a time per connection: the request lives on the heap. */
struct pss_http {
	struct request *req;
	int headers_sent;
	size_t sent; /* bytes of the body written */
};

/* ------------------------------------------------------------ closing */

/*
 * Close after an answer that ends the connection. Closing at once with
 * unread bytes from the client (the rest of a refused body) makes the
 * kernel send a reset, which can reach the client before our answer. So:
 * send FIN after the answer, go on reading (and ignoring) what comes, and
 * close a second later (a lingering close).
 */
static void linger_close(struct lws *wsi)
{
	shutdown(lws_get_socket_fd(wsi), SHUT_WR);
	lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, 1);
}

/* ------------------------------------------------------------ deadlines */

/*
 * A whole request (request line, headers and body) must arrive within
 * app->request_timeout_s of the connection being ready for it: opened, or
 * the answer before it sent. lws's own timeouts do not give that: the
 * body's is renewed by every piece that arrives (a byte every 2 s keeps a
 * connection forever), and an expired one closes without an answer. So
 * each connection has a timer of its own (lws_set_timer_usecs: it stays
 * with the connection when lws binds it to another protocol); when it
 * fires after the request is complete, or on a WebSocket, it does nothing.
 * (It cannot be stopped: lws 4.1.6's lws_set_timer_usecs does not know the
 * LWS_SET_TIMER_USEC_CANCEL its header documents and schedules the timer
 * in the past, and moving it far away would cost a walk of lws's sorted
 * list of timers for each connection.) When it fires first the answer is 408
 * with "connection: close", as Cowboy's request_timeout answers; and, as
 * there, a connection that has not begun a request is closed without one.
 */
void http_deadline_arm(struct lws *wsi, const struct app *app)
{
	lws_set_timer_usecs(wsi, (lws_usec_t)app->request_timeout_s * LWS_US_PER_SEC);
}

/*
 * For a connection that stays (a WebSocket, held for hours) the deadline
 * fires at once instead, at the head of lws's one sorted list of timers,
 * and leaves it: a timer left to its deadline (or moved away) would stay in
 * the list, and every other timer goes in by a walk past it.
 */
void http_deadline_end(struct lws *wsi)
{
	lws_set_timer_usecs(wsi, 1);
}

static void timeout_text(const struct app *app, char *text, size_t len)
{
	snprintf(text, len, "Request Timeout: the request did not arrive whole within %d s\n",
		 app->request_timeout_s);
}

int http_deadline_expired(struct lws *wsi, const struct app *app)
{
	unsigned char buf[LWS_PRE + 512], *start = &buf[LWS_PRE], *p = start, *end = &buf[sizeof(buf) - 1];
	char text[128], *uri = NULL;
	int urilen = 0;

	/* no request line begun (an idle keep-alive connection, or nothing sent) */
	if (lws_http_get_uri_and_method(wsi, &uri, &urilen) < 0 || urilen <= 0)
		return -1;
	/* no struct request exists before the headers are in: lws writes the answer */
	timeout_text(app, text, sizeof(text));
	size_t n = strlen(text);
	if (lws_add_http_header_status(wsi, 408, &p, end) ||
	    lws_add_http_header_content_length(wsi, n, &p, end) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE,
					 (const unsigned char *)"text/plain; charset=utf-8", 25, &p, end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"connection:",
					(const unsigned char *)"close", 5, &p, end) ||
	    lws_finalize_http_header(wsi, &p, end) || (size_t)(end - p) < n)
		return -1;
	memcpy(p, text, n);
	p += n;
	if (lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP) != (int)(p - start))
		return -1;
	/* headers completed after this must not become a request */
	lws_rx_flow_control(wsi, 0);
	linger_close(wsi);
	return 0;
}

/* ------------------------------------------------------------ requests */

static int peer_is_loopback(struct lws *wsi)
{
	char ip[64] = "";

	lws_get_peer_simple(wsi, ip, sizeof(ip));
	return addr_is_loopback(ip);
}

/* The header's value, "" when absent. */
static char *header_copy(struct lws *wsi, enum lws_token_indexes h)
{
	char *s = lws_header_dup(wsi, h);
	return s ? s : xstrdup("");
}

static char *custom_header_copy(struct lws *wsi, const char *name)
{
	int nlen = (int)strlen(name);
	int n = lws_hdr_custom_length(wsi, name, nlen);

	if (n <= 0)
		return NULL;
	char *s = xmalloc((size_t)n + 1);
	if (lws_hdr_custom_copy(wsi, s, n + 1, name, nlen) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

static enum http_method method_of(int m)
{
	switch (m) {
	case LWSHUMETH_GET: return HTTP_GET;
	case LWSHUMETH_HEAD: return HTTP_HEAD;
	case LWSHUMETH_POST: return HTTP_POST;
	case LWSHUMETH_PUT: return HTTP_PUT;
	case LWSHUMETH_PATCH: return HTTP_PATCH;
	case LWSHUMETH_DELETE: return HTTP_DELETE;
	default: return HTTP_OTHER;
	}
}

/* Query arguments come from lws already split and decoded: keep them as fields,
 * and rebuild an encoded query string for user_return_to. */
static int read_query(struct request *req)
{
	char frag[2048];
	struct buf q;
	int bad = 0;

	buf_init(&q);
	for (int i = 0;; i++) {
		int flen = lws_hdr_fragment_length(req->wsi, WSI_TOKEN_HTTP_URI_ARGS, i);
		if (flen <= 0)
			break;
		if (flen >= (int)sizeof(frag)) {
			bad = 2; /* one argument longer than lvdemo takes */
			continue;
		}
		int n = lws_hdr_copy_fragment(req->wsi, frag, sizeof(frag), WSI_TOKEN_HTTP_URI_ARGS, i);
		if (n < 0)
			break;
		if (request_query_arg(req, &q, frag, (size_t)n) < 0)
			bad = 1;
	}
	req->query = xstrdup(buf_str(&q));
	buf_release(&q);
	return bad == 2 ? -2 : bad ? -1 : 0;
}

static struct request *request_read(struct lws *wsi, struct vhd_http *vhd)
{
	struct request *req = request_new(vhd->app, ++vhd->next_request_id);
	char *uri = NULL;
	int urilen = 0;

	req->wsi = wsi;
	int m = lws_http_get_uri_and_method(wsi, &uri, &urilen);
	req->method = method_of(m);
	req->path = uri && urilen > 0 ? xstrndup(uri, (size_t)urilen) : xstrdup("/");
	req->cookie = header_copy(wsi, WSI_TOKEN_HTTP_COOKIE);
	req->content_type = header_copy(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE);
	req->csrf_header = custom_header_copy(wsi, "x-csrf-token:");
	req->peer_loopback = peer_is_loopback(wsi);
	if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0) {
		char *cl = header_copy(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH), *end = NULL;
		long v = strtol(cl, &end, 10);
		req->content_length = end != cl && *end == '\0' && v >= 0 ? v : -2; /* -2: malformed */
		free(cl);
	}
	return req;
}

/*
 * While a request waits for its password job its connection is not read
 * (see answer), so lws cannot see the client leave: its timer looks, this
 * often, whether the peer has closed its end.
 */
#define HANGUP_POLL_US (100 * LWS_US_PER_MS)

/* Whether the client of WSI has closed its end (what lws would read next is EOF). */
static int client_left(struct lws *wsi)
{
	struct pollfd pfd = {.fd = lws_get_socket_fd(wsi), .events = POLLRDHUP};

	return poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/* The endpoint is done with REQ for now: wait for its job, or write its answer. */
static void answer(struct request *req)
{
	if (req->job) {
		/* read nothing more from this connection until the answer is out:
		 * a pipelined request must not replace this one while it waits */
		lws_rx_flow_control(req->wsi, 0);
		lws_set_timer_usecs(req->wsi, HANGUP_POLL_US);
	} else if (req->responded) {
		lws_callback_on_writable(req->wsi);
	}
}

/* An error decided by HTTP itself, before the endpoint ran. */
static void refuse(struct request *req, int status, const char *text, int close)
{
	endpoint_refuse(req, status, text, close);
	answer(req);
}

/* The body is complete (or there is none): over to the endpoint. */
static void request_dispatch(struct request *req)
{
	/* once: lws may report the end of a body again (bytes after it) */
	if (req->dispatched)
		return;
	req->dispatched = 1;
	/* the deadline's timer stays: it finds the request dispatched and does
	 * nothing (lws 4.1.6 cannot cancel it, see http_deadline_arm) */
	endpoint_call(req);
	answer(req);
}

static int request_start(struct lws *wsi, struct pss_http *pss, struct vhd_http *vhd)
{
	struct app *app = vhd->app;
	struct request *req = request_read(wsi, vhd);

	pss->req = req;
	pss->headers_sent = 0;
	pss->sent = 0;
	/* every event of a variant's route carries the variant, endpoint.start too */
	const char *variant = request_variant(req);
	if (variant)
		snprintf(req->tctx.variant, sizeof(req->tctx.variant), "%s", variant);
	trace_set_context(app->trace, &req->tctx);
	int bad_query = read_query(req);
	endpoint_start(req);

	/* what Phoenix's adapters allow: 8 KB of request line, 8 KB of headers */
	size_t uri_len = (size_t)lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) +
			 (size_t)lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI);
	size_t header_len = 0;
	for (int tok = 0; tok < WSI_TOKEN_COUNT; tok++) {
		int n = lws_hdr_total_length(wsi, (enum lws_token_indexes)tok);
		if (n > 0 && tok != WSI_TOKEN_GET_URI && tok != WSI_TOKEN_POST_URI)
			header_len += (size_t)n;
	}
	int has_body = req->method == HTTP_POST || req->method == HTTP_PUT ||
		       req->method == HTTP_PATCH || req->method == HTTP_DELETE;
	if (conn_over_cap(wsi, app)) {
		response_header(req, "Retry-After", "1");
		refuse(req, 503, CONN_REFUSED_TEXT, 1);
	} else if (uri_len > MAX_LINE_BYTES)
		refuse(req, 414, "URI Too Long: the limit is 8192 bytes\n", 1);
	else if (header_len > MAX_LINE_BYTES)
		refuse(req, 431, "Request Header Fields Too Large: the limit is 8192 bytes\n", 1);
	else if (req->method == HTTP_OTHER)
		refuse(req, 405, "Method Not Allowed\n", 0);
	else if (bad_query == -2)
		refuse(req, 414, "URI Too Long: a query argument is over 2 KiB\n", 0);
	else if (!utf8_valid(req->path, strlen(req->path)) || bad_query)
		refuse(req, 400, "Bad Request: the URL is not valid UTF-8\n", 0);
	else if (req->content_length == -2)
		refuse(req, 400, "Bad Request: malformed Content-Length\n", 1);
	else if (req->content_length > MAX_BODY_BYTES)
		/* decided before reading a byte of the body: close, don't drain */
		refuse(req, 413, "Payload Too Large: the limit is 65536 bytes\n", 1);
	else if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0)
		/* no chunked bodies: what follows could be read as another request */
		refuse(req, 411, "Length Required: send a Content-Length, not chunks\n", 1);
	else if (has_body && req->method != HTTP_DELETE && req->content_length < 0)
		refuse(req, 411, "Length Required\n", 1);
	else if (!has_body || req->content_length <= 0)
		request_dispatch(req);
	/* else: wait for LWS_CALLBACK_HTTP_BODY_COMPLETION */
	trace_set_context(app->trace, NULL);
	return 0;
}

/* Write the composed response: headers first, then the body in pieces. */
static int request_write(struct lws *wsi, struct pss_http *pss)
{
	struct request *req = pss->req;
	unsigned char buf[LWS_PRE + HTTP_WRITE_MAX], *start = &buf[LWS_PRE], *p = start,
		*end = &buf[sizeof(buf) - 1];
	int head_only = req->method == HTTP_HEAD;

	if (!pss->headers_sent) {
		if (lws_add_http_header_status(wsi, (unsigned)req->status, &p, end) ||
		    lws_add_http_header_content_length(wsi, req->resp.len, &p, end))
			return -1;
		for (int i = 0; i < req->nheaders; i++)
			if (lws_add_http_header_by_name(wsi, (const unsigned char *)req->headers[i].name,
							(const unsigned char *)req->headers[i].value,
							(int)strlen(req->headers[i].value), &p, end))
				return -1;
		if (req->close_after &&
		    lws_add_http_header_by_name(wsi, (const unsigned char *)"connection:",
						(const unsigned char *)"close", 5, &p, end))
			return -1;
		pss->headers_sent = 1;
		if (!head_only && req->resp.len > 0 && req->resp.len <= (size_t)(end - p) - 4) {
			/* the body fits after the headers: one write, one send (as lws's
			 * own lws_return_http_status does on HTTP/1), not a send and
			 * another pass of the event loop for the body */
			if (lws_finalize_http_header(wsi, &p, end))
				return -1;
			memcpy(p, req->resp.data, req->resp.len);
			p += req->resp.len;
			if (lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_FINAL) != (int)(p - start))
				return -1;
		} else {
			if (lws_finalize_write_http_header(wsi, start, &p, end))
				return -1;
			if (req->resp.len > 0 && !head_only) {
				lws_callback_on_writable(wsi);
				return 0;
			}
		}
	} else {
		size_t n = req->resp.len - pss->sent;
		if (n > sizeof(buf) - LWS_PRE - 1)
			n = sizeof(buf) - LWS_PRE - 1;
		memcpy(start, req->resp.data + pss->sent, n);
		int final = pss->sent + n == req->resp.len;
		if (lws_write(wsi, start, n, final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n)
			return -1;
		pss->sent += n;
		if (!final) {
			lws_callback_on_writable(wsi);
			return 0;
		}
	}
	/* the whole response is out */
	if (req->close_after) {
		linger_close(wsi);
		return 0;
	}
	/* keep-alive: the next request has its own deadline from now */
	http_deadline_arm(wsi, req->app);
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* Completed password jobs come back here, on the event loop. */
static void take_password_results(struct app *app)
{
	struct password_job *j = password_pool_take_done(app->passwords);

	while (j) {
		struct password_job *next = j->next;
		struct request *req = j->owner;
		if (!req || req->job != j) {
			password_job_free(j); /* its request went away */
		} else {
			req->job = NULL;
			lws_rx_flow_control(req->wsi, 1);
			trace_set_context(app->trace, &req->tctx);
			endpoint_resume(req, j);
			trace_set_context(app->trace, NULL);
			password_job_free(j);
			answer(req);
		}
		j = next;
	}
}

static int handle_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
			 size_t len)
{
	struct pss_http *pss = user;
	int rc;
	struct vhd_http *vhd = protocol_enter(wsi, reason, user, in, len, "http", sizeof(*vhd), &rc);

	if (!vhd)
		return rc;

	switch (reason) {

	case LWS_CALLBACK_HTTP:
		request_free(pss->req);
		pss->req = NULL;
		return request_start(wsi, pss, vhd);

	case LWS_CALLBACK_HTTP_BODY:
		if (!pss->req || pss->req->responded)
			return 0;
		if (pss->req->body.len + len > MAX_BODY_BYTES) {
			/* more than Content-Length announced: refuse and close */
			trace_set_context(vhd->app->trace, &pss->req->tctx);
			refuse(pss->req, 413, "Payload Too Large: the limit is 65536 bytes\n", 1);
			trace_set_context(vhd->app->trace, NULL);
			return 0;
		}
		buf_add(&pss->req->body, in, len);
		return 0;

	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (!pss->req || pss->req->responded)
			return 0;
		trace_set_context(vhd->app->trace, &pss->req->tctx);
		request_dispatch(pss->req);
		trace_set_context(vhd->app->trace, NULL);
		return 0;

	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (!pss || !pss->req || !pss->req->responded)
			return 0;
		return request_write(wsi, pss);

	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
	case LWS_CALLBACK_CLOSED_HTTP:
		if (pss && pss->req) {
			if (!pss->req->responded) {
				/* the client left before the answer: its password job is
				 * not worth running, and the request's span closes */
				trace_set_context(vhd->app->trace, &pss->req->tctx);
				request_drop_job(pss->req);
				endpoint_abort(pss->req);
				trace_set_context(vhd->app->trace, NULL);
			}
			request_free(pss->req);
			pss->req = NULL;
		}
		return 0;

	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		take_password_results(vhd->app);
		return 0;

	case LWS_CALLBACK_TIMER: /* the request's deadline (http_deadline_arm), or a job's wait */
		if (!pss || !pss->req)
			return http_deadline_expired(wsi, vhd->app);
		if (pss->req->job) {
			if (client_left(wsi))
				return -1; /* closed: CLOSED_HTTP drops the job */
			lws_set_timer_usecs(wsi, HANGUP_POLL_US);
			return 0;
		}
		if (!pss->req->dispatched && !pss->req->responded) {
			char text[128];
			timeout_text(vhd->app, text, sizeof(text));
			trace_set_context(vhd->app->trace, &pss->req->tctx);
			refuse(pss->req, 408, text, 1);
			trace_set_context(vhd->app->trace, NULL);
		}
		return 0;

	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* the trace's lines of this callback go out when it ends (protocol_call) */
static int callback_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
			 size_t len)
{
	return protocol_call(handle_http, wsi, reason, user, in, len);
}

const struct lws_protocols protocol_http = {
	.name = "http",
	.callback = callback_http,
	.per_session_data_size = sizeof(struct pss_http),
	/* what one send may carry: else lws 4.1.6 cuts a write to its service
	 * buffer (4096 bytes and a few), keeps the rest and sends it when the
	 * socket is next writable: two sends and another loop pass for a page */
	.tx_packet_size = HTTP_WRITE_MAX,
};
