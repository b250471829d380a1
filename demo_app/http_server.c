/*
 * http_server.c: the libwebsockets HTTP protocol callback. Turns each HTTP
 * transaction into a struct request (headers, query, a body of at most
 * 64 KiB, decoded), hands it to the router, and writes the response it
 * composes from the WRITEABLE callback. What a route does is router.c's.
 */
#include "app.h"
#include "lws_header.h"
#include "live_socket.h"
#include "router.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* The lws per-transaction data: just a pointer, the request lives on the heap. */
struct http_pss {
	struct request *req;
	struct live_socket *sock; /* after an upgrade to /live/websocket */
};

int request_from_loopback(const struct request *req)
{
	char ip[64] = "";

	lws_get_peer_simple(req->wsi, ip, sizeof(ip));
	return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0 ||
	       strncmp(ip, "::ffff:127.", 11) == 0;
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

static void request_free(struct request *req)
{
	if (!req)
		return;
	if (req->job)
		req->job->owner = NULL; /* the pool's result will be dropped */
	free(req->path);
	free(req->query);
	free(req->cookie);
	free(req->content_type);
	free(req->csrf_header);
	buf_release(&req->body);
	form_release(&req->params);
	form_release(&req->query_params);
	session_release(&req->session);
	user_free(req->current_user);
	free(req->flash_info);
	free(req->flash_error);
	for (int i = 0; i < req->nheaders; i++) {
		free(req->headers[i].name);
		free(req->headers[i].value);
	}
	buf_release(&req->resp);
	free(req->stash);
	free(req);
}

/* ------------------------------------------------------------ responses */

void response_header(struct request *req, const char *name, const char *value)
{
	if (req->nheaders == MAX_RESP_HEADERS)
		return;
	size_t n = strlen(name);
	char *h = xmalloc(n + 2);
	for (size_t i = 0; i < n; i++)
		h[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	h[n] = ':';
	h[n + 1] = '\0';
	req->headers[req->nheaders].name = h;
	req->headers[req->nheaders].value = xstrdup(value);
	req->nheaders++;
}

void response_send(struct request *req, int status, const char *type, const void *data, size_t len)
{
	req->status = status;
	req->responded = 1;
	buf_reset(&req->resp);
	buf_add(&req->resp, data, len);
	response_header(req, "content-type", type);
}

void response_html(struct request *req, int status, const char *html)
{
	response_send(req, status, "text/html; charset=utf-8", html, strlen(html));
}

void response_text(struct request *req, int status, const char *text)
{
	response_send(req, status, "text/plain; charset=utf-8", text, strlen(text));
}

void response_redirect(struct request *req, const char *to)
{
	struct buf body;

	buf_init(&body);
	buf_adds(&body, "<html><body>You are being <a href=\"");
	buf_add_html(&body, to);
	buf_adds(&body, "\">redirected</a>.</body></html>");
	response_html(req, 302, buf_str(&body));
	buf_release(&body);
	response_header(req, "location", to);
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "to", to);
	trace_emit(req->app->trace, TRACE_EV_REDIRECT, f);
}

void request_await(struct request *req, struct password_job *job, resume_fn resume)
{
	job->owner = req;
	req->job = job;
	req->resume = resume;
	/* read nothing more from this connection until the answer is out:
	 * a pipelined request must not replace this one while it waits */
	lws_rx_flow_control(req->wsi, 0);
	password_pool_submit(req->app->passwords, job);
}

void response_cookie(struct request *req, const char *name, const char *value, const char *attrs)
{
	struct buf c;

	buf_init(&c);
	buf_addf(&c, "%s=%s%s", name, value, attrs);
	response_header(req, "set-cookie", buf_str(&c));
	buf_release(&c);
}

/* An error decided by the HTTP layer itself, before any plug ran. */
static void respond_early(struct request *req, int status, const char *text, int close)
{
	req->close_after = close;
	response_text(req, status, text);
	router_finish(req);
	lws_callback_on_writable(req->wsi);
}

/* ------------------------------------------------------------ requests */

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

const char *http_method_name(enum http_method m)
{
	static const char *const names[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OTHER"};
	return names[m];
}

/* Query arguments come from lws already split and decoded: keep them as fields,
 * and rebuild an encoded query string for user_return_to. */
static int read_query(struct request *req)
{
	char frag[2048], enc[3 * sizeof(frag)];
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
		if (!utf8_valid(frag, (size_t)n))
			bad = 1;
		char *eq = strchr(frag, '=');
		if (eq)
			*eq = '\0';
		form_add(&req->query_params, frag, eq ? eq + 1 : "");
		if (q.len)
			buf_add(&q, "&", 1);
		lws_urlencode(enc, frag, (int)sizeof(enc));
		buf_adds(&q, enc);
		if (eq) {
			lws_urlencode(enc, eq + 1, (int)sizeof(enc));
			buf_addf(&q, "=%s", enc);
		}
	}
	req->query = xstrdup(buf_str(&q));
	buf_release(&q);
	return bad == 2 ? -2 : bad ? -1 : 0;
}

static struct request *request_new(struct lws *wsi, struct app *app)
{
	struct request *req = xcalloc(1, sizeof(*req));
	char *uri = NULL;
	int urilen = 0;

	req->app = app;
	req->wsi = wsi;
	req->id = ++app->next_request_id;
	req->start_us = trace_clock_us();
	trace_context_init(&req->tctx, "http", req->id);
	buf_init(&req->body);
	buf_init(&req->resp);
	form_init(&req->params);
	form_init(&req->query_params);
	session_init(&req->session);

	int m = lws_http_get_uri_and_method(wsi, &uri, &urilen);
	req->method = method_of(m);
	req->path = uri && urilen > 0 ? xstrndup(uri, (size_t)urilen) : xstrdup("/");
	req->cookie = header_copy(wsi, WSI_TOKEN_HTTP_COOKIE);
	req->content_type = header_copy(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE);
	req->csrf_header = custom_header_copy(wsi, "x-csrf-token:");
	req->content_length = -1;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0) {
		char *cl = header_copy(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH), *end = NULL;
		long v = strtol(cl, &end, 10);
		req->content_length = end != cl && *end == '\0' && v >= 0 ? v : -2; /* -2: malformed */
		free(cl);
	}
	return req;
}

static int is_form_type(const char *type)
{
	static const char form[] = "application/x-www-form-urlencoded";
	return strncasecmp(type, form, sizeof(form) - 1) == 0 &&
	       (type[sizeof(form) - 1] == '\0' || type[sizeof(form) - 1] == ';' ||
		type[sizeof(form) - 1] == ' ');
}

/* The body is complete (or there is none): parse it and run the router. */
static void request_dispatch(struct request *req)
{
	char err[160];

	/* once: lws may report the end of a body again (bytes after it) */
	if (req->dispatched)
		return;
	req->dispatched = 1;

	if (req->body.len > 0) {
		if (!is_form_type(req->content_type)) {
			respond_early(req, 415, "Unsupported Media Type: send a urlencoded form\n", 0);
			return;
		}
		if (form_parse(&req->params, req->body.data, req->body.len, err, sizeof(err)) < 0) {
			struct buf msg;
			buf_init(&msg);
			buf_addf(&msg, "Bad Request: %s\n", err);
			respond_early(req, 400, buf_str(&msg), 0);
			buf_release(&msg);
			return;
		}
	}
	/* Plug.MethodOverride: a browser form POSTs _method=delete */
	const char *override = form_get(&req->params, "_method");
	if (req->method == HTTP_POST && override) {
		if (strcasecmp(override, "delete") == 0)
			req->method = HTTP_DELETE;
		else if (strcasecmp(override, "put") == 0)
			req->method = HTTP_PUT;
		else if (strcasecmp(override, "patch") == 0)
			req->method = HTTP_PATCH;
	}
	router_dispatch(req);
	if (req->responded)
		lws_callback_on_writable(req->wsi);
}

static int request_start(struct lws *wsi, struct http_pss *pss, struct app *app)
{
	struct request *req = request_new(wsi, app);

	pss->req = req;
	/* every event of a variant's route carries the variant, endpoint.start too */
	const char *variant = request_variant(req);
	if (variant)
		snprintf(req->tctx.variant, sizeof(req->tctx.variant), "%s", variant);
	trace_set_context(app->trace, &req->tctx);
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "method", http_method_name(req->method));
	cJSON_AddStringToObject(f, "path", req->path);
	int bad_query = read_query(req);
	if (req->query[0])
		cJSON_AddStringToObject(f, "query", req->query);
	trace_emit(app->trace, TRACE_EV_ENDPOINT_START, f);

	int has_body = req->method == HTTP_POST || req->method == HTTP_PUT ||
		       req->method == HTTP_PATCH || req->method == HTTP_DELETE;
	if (req->method == HTTP_OTHER)
		respond_early(req, 405, "Method Not Allowed\n", 0);
	else if (bad_query == -2)
		respond_early(req, 414, "URI Too Long: a query argument is over 2 KiB\n", 0);
	else if (!utf8_valid(req->path, strlen(req->path)) || bad_query)
		respond_early(req, 400, "Bad Request: the URL is not valid UTF-8\n", 0);
	else if (req->content_length == -2)
		respond_early(req, 400, "Bad Request: malformed Content-Length\n", 1);
	else if (req->content_length > MAX_BODY_BYTES)
		/* decided before reading a byte of the body: close, don't drain */
		respond_early(req, 413, "Payload Too Large: the limit is 65536 bytes\n", 1);
	else if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0)
		/* no chunked bodies: what follows could be read as another request */
		respond_early(req, 411, "Length Required: send a Content-Length, not chunks\n", 1);
	else if (has_body && req->method != HTTP_DELETE && req->content_length < 0)
		respond_early(req, 411, "Length Required\n", 1);
	else if (!has_body || req->content_length <= 0)
		request_dispatch(req);
	/* else: wait for LWS_CALLBACK_HTTP_BODY_COMPLETION */
	trace_set_context(app->trace, NULL);
	return 0;
}

/* Write the composed response: headers first, then the body in pieces. */
static int request_write(struct lws *wsi, struct request *req)
{
	unsigned char buf[LWS_PRE + 16384], *start = &buf[LWS_PRE], *p = start,
		*end = &buf[sizeof(buf) - 1];
	int head_only = req->method == HTTP_HEAD;

	if (!req->headers_sent) {
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
		if (lws_finalize_write_http_header(wsi, start, &p, end))
			return -1;
		req->headers_sent = 1;
		if (req->resp.len > 0 && !head_only) {
			lws_callback_on_writable(wsi);
			return 0;
		}
	} else {
		size_t n = req->resp.len - req->sent;
		if (n > sizeof(buf) - LWS_PRE - 1)
			n = sizeof(buf) - LWS_PRE - 1;
		memcpy(start, req->resp.data + req->sent, n);
		int final = req->sent + n == req->resp.len;
		if (lws_write(wsi, start, n, final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n)
			return -1;
		req->sent += n;
		if (!final) {
			lws_callback_on_writable(wsi);
			return 0;
		}
	}
	/* the whole response is out */
	if (req->close_after) {
		/*
		 * Closing at once with unread bytes from the client (the rest of
		 * a refused body) makes the kernel send a reset, which can reach
		 * the client before our answer. So: send FIN after the answer,
		 * read nothing more, and close a second later (a lingering close).
		 */
		shutdown(lws_get_socket_fd(wsi), SHUT_WR);
		lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, 1);
		return 0;
	}
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
			router_resume(req, j);
			trace_set_context(app->trace, NULL);
			password_job_free(j);
			if (req->responded)
				lws_callback_on_writable(req->wsi);
		}
		j = next;
	}
}

int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		  size_t len)
{
	struct http_pss *pss = user;
	struct app *app = lws_context_user(lws_get_context(wsi));

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		request_free(pss->req);
		pss->req = NULL;
		return request_start(wsi, pss, app);

	case LWS_CALLBACK_HTTP_BODY:
		if (!pss->req || pss->req->responded)
			return 0;
		if (pss->req->body.len + len > MAX_BODY_BYTES) {
			/* more than Content-Length announced: refuse and close */
			trace_set_context(app->trace, &pss->req->tctx);
			respond_early(pss->req, 413, "Payload Too Large: the limit is 65536 bytes\n", 1);
			trace_set_context(app->trace, NULL);
			return 0;
		}
		buf_add(&pss->req->body, in, len);
		return 0;

	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (!pss->req || pss->req->responded)
			return 0;
		trace_set_context(app->trace, &pss->req->tctx);
		request_dispatch(pss->req);
		trace_set_context(app->trace, NULL);
		return 0;

	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (!pss || !pss->req || !pss->req->responded)
			return 0;
		return request_write(wsi, pss->req);

	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
	case LWS_CALLBACK_CLOSED_HTTP:
		if (pss && pss->req) {
			if (!pss->req->responded) {
				/* the client left before the answer: close the request's span */
				trace_set_context(app->trace, &pss->req->tctx);
				cJSON *f = cJSON_CreateObject();
				cJSON_AddBoolToObject(f, "aborted", 1);
				trace_emit(app->trace, TRACE_EV_ENDPOINT_STOP, f);
				trace_set_context(app->trace, NULL);
			}
			request_free(pss->req);
			pss->req = NULL;
		}
		return 0;

	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		take_password_results(app);
		return 0;

	/* lws 4.1.6 hands an upgrade without a subprotocol to this default
	 * protocol whatever its path: the checks are live_socket.c's */
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: {
		/* no per-session data exists yet: the socket's state waits in the
		 * registry (app->sockets) until ESTABLISHED finds it by wsi */
		struct live_socket *s = NULL;
		if (!in || strcmp(in, "websocket") != 0)
			return lws_return_http_status(wsi, 400, "only websocket upgrades"), 1;
		return live_socket_confirm(wsi, app, &s);
	}

	case LWS_CALLBACK_ESTABLISHED:
		pss->sock = live_socket_of(app, wsi);
		if (pss->sock)
			live_socket_established(pss->sock);
		return pss->sock ? 0 : -1;

	case LWS_CALLBACK_WSI_DESTROY: {
		/* an upgrade that was confirmed but never established */
		struct live_socket *s = live_socket_of(app, wsi);
		if (s && !live_socket_is_established(s))
			live_socket_closed(s);
		return 0;
	}

	case LWS_CALLBACK_RECEIVE:
		return pss && pss->sock ? live_socket_receive(pss->sock, in, len) : -1;

	case LWS_CALLBACK_SERVER_WRITEABLE:
		return pss && pss->sock ? live_socket_writeable(pss->sock) : 0;

	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (pss && pss->sock)
			live_socket_peer_close(pss->sock, in, len);
		return 0;

	case LWS_CALLBACK_CLOSED:
		if (pss && pss->sock)
			live_socket_closed(pss->sock);
		if (pss)
			pss->sock = NULL;
		return 0;

	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

const struct lws_protocols http_protocols[] = {
	{
		.name = "http",
		.callback = http_callback,
		.per_session_data_size = sizeof(struct http_pss),
	},
	{NULL, NULL, 0, 0, 0, NULL, 0},
};
