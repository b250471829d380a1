/*
 * lvc_core.c: the client's lws context: a synchronous service loop with a
 * deadline, the one lws callback every connection goes through (HTTP
 * transactions and sockets), and lvc_new / lvc_free. What a request or a
 * socket does is lvc_http.c's and lvc_ws.c's.
 */
#include "lvc_impl.h"

static void deadline_fired(lws_sorted_usec_list_t *sul)
{
	struct lvc *c = lws_container_of(sul, struct lvc, deadline);
	c->deadline_hit = 1;
	/* lws runs ripe timers before it polls, in the same lws_service():
	 * without this wake-up it would go on to wait for socket activity */
	lws_cancel_service(c->ctx);
}

int lvc_run(struct lvc *c, int (*done)(void *), void *arg, int timeout_ms)
{
	if (done(arg))
		return 0;
	if (timeout_ms <= 0) {
		lws_service(c->ctx, -1); /* what is already there, without waiting */
		return done(arg) ? 0 : -1;
	}
	c->deadline_hit = 0;
	lws_sul_schedule(c->ctx, 0, &c->deadline, deadline_fired,
			 (lws_usec_t)timeout_ms * LWS_US_PER_MS);
	while (!done(arg) && !c->deadline_hit)
		if (lws_service(c->ctx, 0) < 0)
			break;
	lws_sul_cancel(&c->deadline);
	return done(arg) ? 0 : -1;
}

/* Let go of a wsi we no longer follow: lws closes it at its next service. */
void lvc_conn_detach(struct conn *cn)
{
	if (!cn->wsi)
		return;
	lws_set_opaque_user_data(cn->wsi, NULL);
	lws_set_timeout(cn->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
	cn->wsi = NULL;
}



/* The reason lws gives for a failed connection (IN, may be NULL), in our
 * words, written to BUF and returned. */
static const char *connection_error(const void *in, char *buf, size_t len)
{
	const char *why = in ? in : "";

	if (strcmp(why, "Unable to connect") == 0)
		snprintf(buf, len, "cannot connect (refused or unreachable)");
	else
		snprintf(buf, len, "connection failed: %s", why[0] ? why : "no reason given");
	return buf;
}

/* Finish T with the reason WHY, unless it finished already. */
void lvc_txn_fail(struct txn *t, const char *why)
{
	if (!t->done) {
		t->failed = 1;
		snprintf(t->err, sizeof(t->err), "%s", why);
	}
	t->done = 1;
}

/* Apply every Set-Cookie of the response on WSI. lws 4.1.6 keeps a repeated
 * header as a chain of fragments, each after the first starting with blanks. */
static void take_set_cookies(struct lvc *c, struct lws *wsi)
{
	for (int i = 0;; i++) {
		int n = lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_SET_COOKIE, i);
		if (n <= 0) {
			/* an empty fragment still may be followed by others */
			if (lws_hdr_copy_fragment(wsi, (char[1]){0}, 1, WSI_TOKEN_HTTP_SET_COOKIE, i) < 0)
				break;
			continue;
		}
		char *v = malloc((size_t)n + 1);
		if (!v)
			break;
		if (lws_hdr_copy_fragment(wsi, v, n + 1, WSI_TOKEN_HTTP_SET_COOKIE, i) >= 0) {
			const char *s = v;
			while (lvc_is_space(*s))
				s++;
			lvc_cookie_apply(c, s, (long long)time(NULL));
		}
		free(v);
	}
}

/* Cookie, Origin (sockets), the caller's headers and the form's. */
static int append_headers(struct conn *cn, struct lws *wsi, unsigned char **p, unsigned char *end)
{
	char *cookie = lvc_cookie_header(cn->c);
	int bad = 0;

	if (cookie)
		bad |= lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_COOKIE, (unsigned char *)cookie,
						    (int)strlen(cookie), p, end);
	free(cookie);
	if (cn->origin)
		bad |= lws_add_http_header_by_token(wsi, WSI_TOKEN_ORIGIN,
						    (const unsigned char *)cn->origin,
						    (int)strlen(cn->origin), p, end);
	for (const char *const *h = cn->extra_headers; !bad && h && *h; h++) {
		const char *colon = strchr(*h, ':');
		char name[128];
		size_t nl = (size_t)(colon - *h);
		if (nl + 2 > sizeof(name))
			return -1;
		memcpy(name, *h, nl + 1);
		name[nl + 1] = '\0';
		const char *v = colon + 1;
		while (lvc_is_space(*v))
			v++;
		bad |= lws_add_http_header_by_name(wsi, (unsigned char *)name, (const unsigned char *)v,
						   (int)strlen(v), p, end);
	}
	if (cn->kind == CONN_HTTP) {
		struct txn *t = (struct txn *)cn;
		if (t->form) {
			char len[32];
			static const char type[] = "application/x-www-form-urlencoded";
			int ln = snprintf(len, sizeof(len), "%zu", t->form_len);
			bad |= lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE,
							    (const unsigned char *)type,
							    (int)sizeof(type) - 1, p, end);
			bad |= lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH,
							    (unsigned char *)len, ln, p, end);
			if (!bad && t->form_len) {
				lws_client_http_body_pending(wsi, 1);
				lws_callback_on_writable(wsi);
			}
		}
	}
	return bad ? -1 : 0;
}

static int http_event(struct txn *t, struct lws *wsi, enum lws_callback_reasons reason, void *in,
		      size_t len)
{
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
		char why[200];
		lvc_txn_fail(t, connection_error(in, why, sizeof(why)));
		return 0;
	}

	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		if (append_headers(&t->conn, wsi, (unsigned char **)in, *(unsigned char **)in + len) < 0) {
			lvc_txn_fail(t, "request headers too large");
			return -1;
		}
		return 0;

	case LWS_CALLBACK_CLIENT_HTTP_WRITEABLE: {
		unsigned char buf[LWS_PRE + 4096];
		size_t n = t->form_len - t->form_sent;
		if (!t->form || n == 0)
			return 0;
		if (n > sizeof(buf) - LWS_PRE)
			n = sizeof(buf) - LWS_PRE;
		memcpy(buf + LWS_PRE, t->form + t->form_sent, n);
		int final = t->form_sent + n == t->form_len;
		if (final)
			lws_client_http_body_pending(wsi, 0);
		if (lws_write(wsi, buf + LWS_PRE, n, final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) !=
		    (int)n) {
			lvc_txn_fail(t, "connection broke while sending the request body");
			return -1;
		}
		t->form_sent += n;
		if (!final)
			lws_callback_on_writable(wsi);
		return 0;
	}

	case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
		t->status = (int)lws_http_client_http_response(wsi);
		free(t->location);
		t->location = lws_header_dup(wsi, WSI_TOKEN_HTTP_LOCATION);
		take_set_cookies(t->conn.c, wsi);
		if (t->head)
			t->done = 1; /* lws would wait for the Content-Length bytes */
		return 0;

	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP: {
		char buf[LWS_PRE + 16384], *p = buf + LWS_PRE;
		int n = (int)sizeof(buf) - LWS_PRE;
		if (lws_http_client_read(wsi, &p, &n) < 0) {
			if (!t->done)
				lvc_txn_fail(t, "connection lost while reading the response");
			return -1;
		}
		return 0;
	}

	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
		if (buf_add(&t->body, in, len) < 0) {
			lvc_txn_fail(t, t->body.len + len > t->body.limit ? "response body too large"
								    : "out of memory");
			return -1;
		}
		return 0;

	case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
		t->done = 1;
		return 0;

	case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
		lvc_txn_fail(t, "connection closed before the response was complete");
		return 0;

	default:
		return 0;
	}
}

static void queue_put(struct msg_queue *q, struct msg_node *m)
{
	m->next = NULL;
	*q->tail = m;
	q->tail = &m->next;
}

void lvc_queue_clear(struct msg_queue *q)
{
	while (q->head) {
		struct msg_node *m = q->head;
		q->head = m->next;
		cJSON_Delete(m->msg);
		free(m);
	}
	q->tail = &q->head;
}

/* A whole message came: queue it as a reply or a push, or count it as malformed. */
static void socket_message(struct lvc_socket *s)
{
	cJSON *msg = cJSON_ParseWithLength(s->rx.data ? s->rx.data : "", s->rx.len);
	buf_release(&s->rx);
	cJSON *ref = cJSON_GetArrayItem(msg, 1), *event = cJSON_GetArrayItem(msg, 3);
	cJSON *jref = cJSON_GetArrayItem(msg, 0);
	/* a feed takes any JSON; LiveView's socket [join_ref, ref, topic, event, payload] */
	int phoenix = cJSON_IsArray(msg) && cJSON_GetArraySize(msg) == 5 &&
		      (cJSON_IsNull(jref) || cJSON_IsString(jref)) &&
		      (cJSON_IsNull(ref) || cJSON_IsString(ref)) &&
		      cJSON_IsString(cJSON_GetArrayItem(msg, 2)) && cJSON_IsString(event);
	struct msg_node *m = (s->any_json && msg) || phoenix ? malloc(sizeof(*m)) : NULL;
	if (!m) {
		s->malformed++;
		cJSON_Delete(msg);
		return;
	}
	m->msg = msg;
	if (!s->any_json && cJSON_IsString(ref) && strcmp(event->valuestring, "phx_reply") == 0)
		queue_put(&s->replies, m);
	else
		queue_put(&s->pushes, m);
}

static int ws_event(struct lvc_socket *s, struct lws *wsi, enum lws_callback_reasons reason,
		    void *in, size_t len)
{
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (!s->established) {
			s->failed = 1;
			if (s->http_status && s->http_status != 101)
				snprintf(s->err, sizeof(s->err), "upgrade refused with HTTP %d",
					 s->http_status);
			else
				connection_error(in, s->err, sizeof(s->err));
		}
		s->closed = 1;
		return 0;

	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		if (append_headers(&s->conn, wsi, (unsigned char **)in, *(unsigned char **)in + len) < 0) {
			snprintf(s->err, sizeof(s->err), "request headers too large");
			return -1;
		}
		return 0;

	case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
		/* the upgrade's answer, 101 or a refusal */
		s->http_status = (int)lws_http_client_http_response(wsi);
		take_set_cookies(s->conn.c, wsi);
		return 0;

	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		s->established = 1;
		s->conn.origin = NULL;
		s->conn.extra_headers = NULL;
		return 0;

	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (s->closing)
			return 0;
		if (buf_add(&s->rx, in, len) < 0) {
			static const char why[] = "message too big";
			lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, (unsigned char *)why,
					 sizeof(why) - 1);
			snprintf(s->err, sizeof(s->err), "incoming %s", why);
			return -1;
		}
		if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi))
			socket_message(s);
		return 0;

	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if (s->closing) {
			lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
			return -1;
		}
		if (s->out) {
			struct out_msg *m = s->out;
			if (lws_write(wsi, m->data + LWS_PRE, m->len, LWS_WRITE_TEXT) < (int)m->len) {
				snprintf(s->err, sizeof(s->err), "cannot send a message");
				return -1;
			}
			s->out = m->next;
			if (!s->out)
				s->out_tail = &s->out;
			free(m);
			if (s->out)
				lws_callback_on_writable(wsi);
		}
		return 0;

	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE: {
		const unsigned char *b = in;
		s->close_code = len >= 2 ? (b[0] << 8) | b[1] : 1005;
		return 0;
	}

	case LWS_CALLBACK_CLIENT_CLOSED:
		s->closed = 1;
		if (!s->close_code && !s->closing)
			s->close_code = 1006;
		return 0;

	default:
		return 0;
	}
}

static int lvc_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
			size_t len)
{
	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
	case LWS_CALLBACK_CLIENT_HTTP_WRITEABLE:
	case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP:
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
	case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
	case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
	case LWS_CALLBACK_CLIENT_RECEIVE:
	case LWS_CALLBACK_CLIENT_WRITEABLE:
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
	case LWS_CALLBACK_CLIENT_CLOSED:
	case LWS_CALLBACK_WSI_DESTROY:
		break;
	default:
		return 0;
	}
	struct conn *cn = wsi ? lws_get_opaque_user_data(wsi) : NULL;
	if (!cn) {
		/* a wsi we let go of: drain what it reads, do nothing else */
		if (reason == LWS_CALLBACK_RECEIVE_CLIENT_HTTP) {
			char buf[LWS_PRE + 4096], *p = buf + LWS_PRE;
			int n = (int)sizeof(buf) - LWS_PRE;
			return lws_http_client_read(wsi, &p, &n) < 0 ? -1 : 0;
		}
		return 0;
	}
	if (reason == LWS_CALLBACK_WSI_DESTROY) {
		cn->wsi = NULL;
		if (cn->kind == CONN_HTTP) {
			lvc_txn_fail((struct txn *)cn, "connection closed before the response was complete");
		} else {
			struct lvc_socket *s = (struct lvc_socket *)cn;
			if (!s->established && !s->failed) {
				s->failed = 1;
				if (!s->err[0])
					snprintf(s->err, sizeof(s->err), "connection closed during the upgrade");
			}
			if (!s->closed && !s->close_code && !s->closing)
				s->close_code = 1006;
			s->closed = 1;
		}
		return 0;
	}
	return cn->kind == CONN_HTTP ? http_event((struct txn *)cn, wsi, reason, in, len)
				     : ws_event((struct lvc_socket *)cn, wsi, reason, in, len);
}

const struct lws_protocols lvc_protocols[] = {
	{
		.name = "lvc",
		.callback = lvc_callback,
		.per_session_data_size = 0,
		.rx_buffer_size = 0,
	},
	{.name = NULL, .callback = NULL},
};

/* No idle pings or hang-ups of our own (lws' default pings after 300 s and
 * hangs up 10 s later): a scenario decides when a socket is idle. */
const lws_retry_bo_t lvc_no_keepalive = {
	.secs_since_valid_ping = 0,
	.secs_since_valid_hangup = 0,
};



/* Split "http://HOST[:PORT][/]" into C. Returns 0 or -1 with a message. */
static int parse_base_url(struct lvc *c, const char *url, char *err, size_t errlen)
{
	const char *p, *h, *he;

	if (!url || strncasecmp(url, "http://", 7) != 0)
		goto bad;
	h = url + 7;
	if (*h == '[') {
		he = strchr(h, ']');
		if (!he)
			goto bad;
		h++;
		p = he + 1;
		for (const char *q = h; q < he; q++)
			if (!isxdigit((unsigned char)*q) && *q != ':' && *q != '.')
				goto bad;
	} else {
		he = h;
		while (isalnum((unsigned char)*he) || *he == '.' || *he == '-')
			he++;
		p = he;
	}
	if (he == h || (size_t)(he - h) >= 200)
		goto bad;
	c->port = 80;
	if (*p == ':') {
		long port = 0;
		p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		while (isdigit((unsigned char)*p) && port <= 65535)
			port = port * 10 + (*p++ - '0');
		if (port < 1 || port > 65535)
			goto bad;
		c->port = (int)port;
	}
	if (*p == '/')
		p++;
	if (*p)
		goto bad;
	snprintf(c->address, sizeof(c->address), "%.*s", (int)(he - h), h);
	int v6 = h[-1] == '[';
	if (c->port == 80)
		snprintf(c->host_header, sizeof(c->host_header), "%s%s%s", v6 ? "[" : "", c->address,
			 v6 ? "]" : "");
	else
		snprintf(c->host_header, sizeof(c->host_header), "%s%s%s:%d", v6 ? "[" : "",
			 c->address, v6 ? "]" : "", c->port);
	snprintf(c->origin, sizeof(c->origin), "http://%s", c->host_header);
	return 0;
bad:
	snprintf(err, errlen, "bad base url '%.200s': expected http://HOST[:PORT]", url ? url : "(null)");
	return -1;
}

struct lvc *lvc_new(const char *base_url, char *err, size_t errlen)
{
	struct lvc *c = calloc(1, sizeof(*c));

	if (!c) {
		snprintf(err, errlen, "cannot create a client: out of memory");
		return NULL;
	}
	if (parse_base_url(c, base_url, err, errlen) < 0) {
		free(c);
		return NULL;
	}
	c->timeout_ms = LVC_DEFAULT_TIMEOUT_MS;
	struct lws_context_creation_info info = {
		.port = CONTEXT_PORT_NO_LISTEN,
		.protocols = lvc_protocols,
		.user = c,
		.gid = -1,
		.uid = -1,
		/* one context per client: a few dozen connections at a time
		 * (each request and socket is one), not a slot per possible fd */
		.fd_limit_per_thread = 64,
		.pt_serv_buf_size = 32768,
		.max_http_header_data = 16384,
	};
	c->ctx = lws_create_context(&info);
	if (!c->ctx) {
		snprintf(err, errlen, "cannot create a client for '%s': lws_create_context failed",
			 base_url);
		free(c);
		return NULL;
	}
	return c;
}

/* METHOD is a token, PATH starts with '/' and has only visible ASCII,
 * headers are "name: value" without line breaks. */
int lvc_request_ok(const char *method, const char *path, const char *const *headers,
		      char *err, size_t errlen)
{
	if (!method || !*method || strlen(method) > 16) {
		snprintf(err, errlen, "bad method '%.20s'", method ? method : "(null)");
		return -1;
	}
	for (const char *p = method; *p; p++)
		if (!lvc_is_token_char((unsigned char)*p)) {
			snprintf(err, errlen, "bad method '%.20s'", method);
			return -1;
		}
	if (!path || path[0] != '/' || strlen(path) > 1900) {
		snprintf(err, errlen, "bad path '%.60s': it must start with '/' and be shorter than 1900 bytes",
			 path ? path : "(null)");
		return -1;
	}
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p <= 32 || *p >= 127) {
			snprintf(err, errlen, "bad path '%.60s': spaces and control characters must be percent-encoded",
				 path);
			return -1;
		}
	for (const char *const *h = headers; h && *h; h++) {
		const char *colon = strchr(*h, ':');
		if (!colon || colon == *h || strpbrk(*h, "\r\n")) {
			snprintf(err, errlen, "bad header '%.60s': expected 'name: value'", *h);
			return -1;
		}
		for (const char *p = *h; p < colon; p++)
			if (!lvc_is_token_char((unsigned char)*p)) {
				snprintf(err, errlen, "bad header name in '%.60s'", *h);
				return -1;
			}
	}
	return 0;
}

void lvc_socket_free_all(struct lvc_socket *s)
{
	while (s->out) {
		struct out_msg *m = s->out;
		s->out = m->next;
		free(m);
	}
	lvc_queue_clear(&s->replies);
	lvc_queue_clear(&s->pushes);
	buf_release(&s->rx);
	free(s);
}

void lvc_free(struct lvc *c)
{
	if (!c)
		return;
	/* lws closes the sockets' connections, calling back into them */
	lws_context_destroy(c->ctx);
	while (c->sockets) {
		struct lvc_socket *s = c->sockets;
		c->sockets = s->next;
		lvc_socket_free_all(s);
	}
	for (size_t i = 0; i < c->ncookies; i++) {
		free(c->cookies[i].name);
		free(c->cookies[i].value);
	}
	free(c->cookies);
	free(c);
}

void lvc_set_timeout(struct lvc *c, int timeout_ms)
{
	if (c)
		c->timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
}

const char *lvc_origin(const struct lvc *c)
{
	return c ? c->origin : NULL;
}

