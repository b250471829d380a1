/*
 * lvc_ws.c: a Phoenix Channels V2 socket over WebSocket: open, push,
 * replies and pushes from the server kept apart, heartbeats, close. The
 * framing is the client's own, written from the protocol, as a check on
 * lvdemo's.
 */
#include "lvc_impl.h"

static void socket_unlink(struct lvc_socket *s)
{
	for (struct lvc_socket **pp = &s->conn.c->sockets; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			return;
		}
}

static int socket_settled(void *arg)
{
	struct lvc_socket *s = arg;
	return s->established || s->failed || s->closed;
}

static struct lvc_socket *socket_open(struct lvc *c, const char *path_and_query,
				      const char *subprotocol, const char *origin, int *http_status,
				      char *err, size_t errlen)
{
	if (http_status)
		*http_status = 0;
	if (!c) {
		snprintf(err, errlen, "no client given");
		return NULL;
	}
	if (lvc_request_ok("GET", path_and_query, NULL, err, errlen) < 0)
		return NULL;
	if (origin && strpbrk(origin, "\r\n")) {
		snprintf(err, errlen, "bad origin: line breaks");
		return NULL;
	}
	struct lvc_socket *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "cannot open a socket: out of memory");
		return NULL;
	}
	s->conn = (struct conn){
		.kind = CONN_WS,
		.c = c,
		.origin = !origin ? c->origin : origin[0] ? origin : NULL,
	};
	s->rx.limit = LVC_MAX_MESSAGE_BYTES;
	s->any_json = subprotocol != NULL;
	s->out_tail = &s->out;
	s->replies.tail = &s->replies.head;
	s->pushes.tail = &s->pushes.head;
	s->next = c->sockets;
	c->sockets = s;

	struct lws_client_connect_info i = {
		.context = c->ctx,
		.address = c->address,
		.port = c->port,
		.path = path_and_query,
		.host = c->host_header,
		.ietf_version_or_minus_one = -1,
		.local_protocol_name = lvc_protocols[0].name,
		.protocol = subprotocol, /* NULL: no subprotocol header */
		.opaque_user_data = &s->conn,
		.retry_and_idle_policy = &lvc_no_keepalive,
	};
	s->conn.wsi = lws_client_connect_via_info(&i);
	if (!s->conn.wsi && !s->failed) {
		s->failed = 1;
		snprintf(s->err, sizeof(s->err), "cannot start a connection");
	}
	int timed_out = lvc_run(c, socket_settled, s, c->timeout_ms) < 0;
	s->conn.origin = NULL; /* it may point to the caller's string */
	if (timed_out || !s->established) {
		if (timed_out)
			snprintf(err, errlen, "websocket %s on %s: no upgrade within %d ms", path_and_query,
				 c->host_header, c->timeout_ms);
		else
			snprintf(err, errlen, "websocket %s on %s: %s", path_and_query, c->host_header,
				 s->err[0] ? s->err : "closed at once");
		if (http_status && s->http_status != 101)
			*http_status = s->http_status;
		lvc_conn_detach(&s->conn);
		socket_unlink(s);
		lvc_socket_free_all(s);
		return NULL;
	}
	return s;
}

struct lvc_socket *lvc_socket_open(struct lvc *c, const char *path_and_query, const char *origin,
				   int *http_status, char *err, size_t errlen)
{
	return socket_open(c, path_and_query, NULL, origin, http_status, err, errlen);
}

struct lvc_socket *lvc_feed_open(struct lvc *c, const char *path, const char *subprotocol,
				 const char *origin, int *http_status, char *err, size_t errlen)
{
	if (!subprotocol || !subprotocol[0] || strpbrk(subprotocol, "\r\n,")) {
		snprintf(err, errlen, "bad subprotocol");
		return NULL;
	}
	return socket_open(c, path, subprotocol, origin, http_status, err, errlen);
}

static int socket_sent(void *arg)
{
	struct lvc_socket *s = arg;
	return !s->out || s->closed;
}

int lvc_socket_push(struct lvc_socket *s, const char *join_ref, const char *topic,
		    const char *event, cJSON *payload, char *ref_out)
{
	char ref[16];

	if (ref_out)
		ref_out[0] = '\0';
	if (!s || !topic || !event || s->closed || s->closing || !s->conn.wsi) {
		cJSON_Delete(payload);
		return -1;
	}
	snprintf(ref, sizeof(ref), "%lu", ++s->next_ref);
	cJSON *msg = cJSON_CreateArray();
	cJSON_AddItemToArray(msg, join_ref ? cJSON_CreateString(join_ref) : cJSON_CreateNull());
	cJSON_AddItemToArray(msg, cJSON_CreateString(ref));
	cJSON_AddItemToArray(msg, cJSON_CreateString(topic));
	cJSON_AddItemToArray(msg, cJSON_CreateString(event));
	cJSON_AddItemToArray(msg, payload ? payload : cJSON_CreateObject());
	char *text = msg ? cJSON_PrintUnformatted(msg) : NULL;
	cJSON_Delete(msg);
	if (!text)
		return -1;
	size_t n = strlen(text);
	struct out_msg *m = malloc(sizeof(*m) + LWS_PRE + n);
	if (!m) {
		free(text);
		return -1;
	}
	m->next = NULL;
	m->len = n;
	memcpy(m->data + LWS_PRE, text, n);
	free(text);
	*s->out_tail = m;
	s->out_tail = &m->next;
	lws_callback_on_writable(s->conn.wsi);
	if (lvc_run(s->conn.c, socket_sent, s, s->conn.c->timeout_ms) < 0 || s->out)
		return -1;
	if (ref_out)
		snprintf(ref_out, 16, "%s", ref);
	return 0;
}

struct reply_wait {
	struct lvc_socket *s;
	const char *ref;
	cJSON *found;
};

static int reply_came(void *arg)
{
	struct reply_wait *w = arg;
	struct msg_queue *q = &w->s->replies;

	for (struct msg_node **pp = &q->head; *pp; pp = &(*pp)->next) {
		cJSON *ref = cJSON_GetArrayItem((*pp)->msg, 1);
		if (strcmp(ref->valuestring, w->ref) == 0) {
			struct msg_node *m = *pp;
			*pp = m->next;
			if (!*pp)
				q->tail = pp;
			w->found = m->msg;
			free(m);
			return 1;
		}
	}
	return w->s->closed;
}

cJSON *lvc_socket_await_reply(struct lvc_socket *s, const char *ref, int timeout_ms)
{
	struct reply_wait w = {.s = s, .ref = ref};

	if (!s || !ref)
		return NULL;
	if (reply_came(&w) && !w.found)
		return NULL; /* closed, and no such reply came before */
	if (!w.found)
		lvc_run(s->conn.c, reply_came, &w, timeout_ms);
	return w.found;
}

static int push_came(void *arg)
{
	struct lvc_socket *s = arg;
	return s->pushes.head || s->closed;
}

cJSON *lvc_socket_next_push(struct lvc_socket *s, int timeout_ms)
{
	if (!s)
		return NULL;
	if (!s->pushes.head && !s->closed)
		lvc_run(s->conn.c, push_came, s, timeout_ms);
	struct msg_node *m = s->pushes.head;
	if (!m)
		return NULL;
	s->pushes.head = m->next;
	if (!m->next)
		s->pushes.tail = &s->pushes.head;
	cJSON *msg = m->msg;
	free(m);
	return msg;
}

static int socket_gone(void *arg)
{
	return ((struct lvc_socket *)arg)->closed;
}

int lvc_socket_await_close(struct lvc_socket *s, int timeout_ms)
{
	if (!s)
		return -1;
	return lvc_run(s->conn.c, socket_gone, s, timeout_ms);
}

int lvc_socket_closed(const struct lvc_socket *s)
{
	return !s || s->closed;
}

int lvc_socket_close_code(const struct lvc_socket *s)
{
	return s ? s->close_code : 0;
}

unsigned long lvc_socket_malformed(const struct lvc_socket *s)
{
	return s ? s->malformed : 0;
}

void lvc_socket_close(struct lvc_socket *s)
{
	if (!s)
		return;
	if (!s->closed && s->conn.wsi) {
		s->closing = 1;
		lws_callback_on_writable(s->conn.wsi);
		lvc_run(s->conn.c, socket_gone, s, 1000);
	}
	lvc_conn_detach(&s->conn);
	socket_unlink(s);
	lvc_socket_free_all(s);
}

