/*
 * live_socket.c: the /live/websocket endpoint. Checks the upgrade (path,
 * Origin, session cookie, CSRF token), reassembles text frames, parses
 * Phoenix Channels V2 messages [join_ref, ref, topic, event, payload],
 * answers heartbeats, joins LiveViews (root, child, live navigation),
 * routes events and patches to them, and closes sockets on a "disconnect"
 * broadcast. Writes happen only from the WRITEABLE callback.
 */
#include "live_socket.h"
#include "json_get.h"
#include "lws_header.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csrf.h"
#include "live_view.h"

#define MAX_MESSAGE_BYTES (1024 * 1024)
#define MAX_CHANNELS 64 /* LiveViews joined on one socket at once */
#define MAX_QUEUED_BYTES (8 * 1024 * 1024)
/* Phoenix's socket timeout: the client sends a heartbeat every 30 s */
#define IDLE_TIMEOUT_SECONDS 60
/* The LiveView version lvdemo answers as: the client in package.json */
#define LIVEVIEW_VERSION "1.2.12"

struct live_channel {
	char topic[64];
	char *join_ref;
	struct lv *lv;
	struct live_channel *next;
};

struct out_message {
	unsigned char *data; /* LWS_PRE bytes of headroom, then the text */
	size_t len;
	struct out_message *next;
};

struct live_socket {
	struct app *app;
	struct lws *wsi;
	unsigned long id;
	struct trace_context tctx;
	int established;
	int connect_emitted;
	const char *session_state; /* "ok", "none", "csrf_mismatch" */
	int has_session;	   /* a cookie session whose CSRF token matched */
	char *live_socket_id;
	struct live_channel *channels;
	struct out_message *out, **out_tail;
	size_t out_bytes; /* queued and not yet written */
	struct buf rx;
	int closing;
	const char *close_reason;
	int peer_close_code;
	struct live_socket *next; /* app->sockets */
};

static void emit_connect(struct live_socket *s);

/* ------------------------------------------------------------ upgrade */

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
	struct trace_context ctx;

	trace_context_init(&ctx, "ws", id);
	trace_set_context(app->trace, &ctx);
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "result", "refused");
	cJSON_AddNumberToObject(f, "status", status);
	cJSON_AddStringToObject(f, "reason", why);
	trace_emit(app->trace, TRACE_EV_SOCKET_CONNECT, f);
	trace_set_context(app->trace, NULL);
	lws_return_http_status(wsi, (unsigned)status, why);
	return 1;
}

int live_socket_confirm(struct lws *wsi, struct app *app, struct live_socket **out)
{
	unsigned long id = ++app->next_socket_id;
	char *path = lws_header_dup(wsi, WSI_TOKEN_GET_URI);
	int bad_path = !path || strcmp(path, "/live/websocket") != 0;
	free(path);
	if (bad_path)
		return refuse(wsi, app, id, 404, "no socket at this path");

	/* check_origin: a browser on another site must not ride the cookie */
	char *origin = lws_header_dup(wsi, WSI_TOKEN_ORIGIN);
	char *host = lws_header_dup(wsi, WSI_TOKEN_HOST);
	if (origin) {
		int ok = host && strncmp(origin, "http://", 7) == 0 && strcmp(origin + 7, host) == 0;
		free(origin);
		if (!ok) {
			free(host);
			return refuse(wsi, app, id, 403, "origin not allowed");
		}
	}
	free(host);

	char *vsn = query_arg(wsi, "vsn");
	int bad_vsn = vsn && strncmp(vsn, "2.", 2) != 0;
	free(vsn);
	if (bad_vsn)
		return refuse(wsi, app, id, 400, "unsupported protocol version");

	struct live_socket *s = xcalloc(1, sizeof(*s));
	s->app = app;
	s->wsi = wsi;
	s->id = id;
	trace_context_init(&s->tctx, "ws", id);
	s->out_tail = &s->out;
	buf_init(&s->rx);

	/* the cookie session, read at connect; its CSRF token must match */
	char *cookie = lws_header_dup(wsi, WSI_TOKEN_HTTP_COOKIE);
	char *csrf = query_arg(wsi, "_csrf_token");
	char value[4096];
	struct session session;
	session_init(&session);
	s->session_state = "none";
	if (cookie && cookie_get(cookie, SESSION_COOKIE, value, sizeof(value)) >= 0 &&
	    session_decode(&session, &app->signer, value, time(NULL)) == 0) {
		if (csrf && csrf_valid(session.csrf_token, csrf)) {
			s->has_session = 1;
			s->session_state = "ok";
			if (session.live_socket_id)
				s->live_socket_id = xstrdup(session.live_socket_id);
		} else {
			s->session_state = "csrf_mismatch";
		}
	}
	session_release(&session);
	free(cookie);
	free(csrf);

	s->next = app->sockets;
	app->sockets = s;
	*out = s;
	return 0;
}

/* ------------------------------------------------------------ sending */

static void send_text(struct live_socket *s, const char *text)
{
	size_t len = strlen(text);

	if (s->closing)
		return;
	if (s->out_bytes + len > MAX_QUEUED_BYTES) {
		/* a client that sends but never reads: let it go */
		s->closing = 1;
		s->close_reason = "too slow";
		lws_callback_on_writable(s->wsi);
		return;
	}
	struct out_message *m = xcalloc(1, sizeof(*m));
	s->out_bytes += len;

	m->data = xmalloc(LWS_PRE + len);
	memcpy(m->data + LWS_PRE, text, len);
	m->len = len;
	*s->out_tail = m;
	s->out_tail = &m->next;
	lws_callback_on_writable(s->wsi);
}

static void send_message(struct live_socket *s, const char *join_ref, const char *ref,
			 const char *topic, const char *event, cJSON *payload)
{
	cJSON *msg = cJSON_CreateArray();
	cJSON_AddItemToArray(msg, join_ref ? cJSON_CreateString(join_ref) : cJSON_CreateNull());
	cJSON_AddItemToArray(msg, ref ? cJSON_CreateString(ref) : cJSON_CreateNull());
	cJSON_AddItemToArray(msg, cJSON_CreateString(topic));
	cJSON_AddItemToArray(msg, cJSON_CreateString(event));
	cJSON_AddItemToArray(msg, payload ? payload : cJSON_CreateObject());
	char *text = cJSON_PrintUnformatted(msg);
	cJSON_Delete(msg);
	if (text)
		send_text(s, text);
	free(text);
}

/* [join_ref, ref, topic, "phx_reply", {"status": STATUS, "response": RESPONSE}] */
static void reply(struct live_socket *s, const char *join_ref, const char *ref, const char *topic,
		  const char *status, cJSON *response)
{
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "status", status);
	cJSON_AddItemToObject(p, "response", response ? response : cJSON_CreateObject());
	send_message(s, join_ref, ref, topic, "phx_reply", p);
}

static void reply_reason(struct live_socket *s, const char *join_ref, const char *ref,
			 const char *topic, const char *reason)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "reason", reason);
	reply(s, join_ref, ref, topic, "error", r);
}

int live_socket_writeable(struct live_socket *s)
{
	if (s->out) {
		struct out_message *m = s->out;
		int n = lws_write(s->wsi, m->data + LWS_PRE, m->len, LWS_WRITE_TEXT);
		s->out_bytes -= m->len;
		s->out = m->next;
		if (!s->out)
			s->out_tail = &s->out;
		free(m->data);
		free(m);
		if (n < 0)
			return -1;
		if (s->out || s->closing)
			lws_callback_on_writable(s->wsi);
		return 0;
	}
	if (s->closing) {
		lws_close_reason(s->wsi, LWS_CLOSE_STATUS_NORMAL, (unsigned char *)s->close_reason,
				 strlen(s->close_reason));
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ channels */

static struct live_channel *channel_find(struct live_socket *s, const char *topic)
{
	for (struct live_channel *c = s->channels; c; c = c->next)
		if (strcmp(c->topic, topic) == 0)
			return c;
	return NULL;
}

static void channel_remove(struct live_socket *s, struct live_channel *ch, const char *reason)
{
	for (struct live_channel **pp = &s->channels; *pp; pp = &(*pp)->next) {
		if (*pp == ch) {
			*pp = ch->next;
			break;
		}
	}
	/* children of this view lose their parent: they end with it */
	for (struct live_channel *c = s->channels; c; c = c->next)
		if (c->lv && c->lv->parent == ch->lv)
			c->lv->parent = NULL;
	if (ch->lv)
		snprintf(s->tctx.variant, sizeof(s->tctx.variant), "%s", ch->lv->variant->name);
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "topic", ch->topic);
	if (ch->lv)
		cJSON_AddStringToObject(f, "view", ch->lv->def->name);
	cJSON_AddStringToObject(f, "reason", reason);
	trace_emit(s->app->trace, TRACE_EV_CHANNEL_LEAVE, f);
	lv_free(ch->lv);
	free(ch->join_ref);
	free(ch);
}

/* Split an absolute or relative URL into its path and its parsed query. */
static int url_split(const char *url, char *path, size_t pathlen, struct form *query)
{
	const char *p = url;

	if (strncmp(p, "http://", 7) == 0 || strncmp(p, "https://", 8) == 0) {
		p = strchr(p + (p[4] == 's' ? 8 : 7), '/');
		if (!p)
			p = "/";
	}
	const char *q = strchr(p, '?');
	const char *hash = strchr(p, '#');
	size_t n = q ? (size_t)(q - p) : hash ? (size_t)(hash - p) : strlen(p);
	if (n == 0 || n >= pathlen || p[0] != '/')
		return -1;
	memcpy(path, p, n);
	path[n] = '\0';
	if (q) {
		size_t qlen = hash && hash > q ? (size_t)(hash - q - 1) : strlen(q + 1);
		char err[128];
		if (form_parse(query, q + 1, qlen, err, sizeof(err)) < 0)
			return -1;
	}
	return 0;
}

static void emit_join(struct live_socket *s, const char *topic, const char *view, const char *result)
{
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "topic", topic);
	if (view)
		cJSON_AddStringToObject(f, "view", view);
	cJSON_AddStringToObject(f, "result", result);
	trace_emit(s->app->trace, TRACE_EV_CHANNEL_JOIN, f);
}

static void join_refused(struct live_socket *s, const char *join_ref, const char *ref,
			 const char *topic, const char *view, const char *reason)
{
	reply_reason(s, join_ref, ref, topic, reason);
	emit_join(s, topic, view, reason);
}

static void channel_join(struct live_socket *s, const char *join_ref, const char *ref,
			 const char *topic, const cJSON *payload)
{
	struct lv_token tok;
	struct form query;
	char path[512];
	int static_user = 0;

	/* a second join on a topic replaces the first, as Phoenix does */
	struct live_channel *old = channel_find(s, topic);
	if (old)
		channel_remove(s, old, "rejoined");

	size_t joined = 0;
	for (struct live_channel *c = s->channels; c; c = c->next)
		joined++;
	if (joined >= MAX_CHANNELS) {
		join_refused(s, join_ref, ref, topic, NULL, "too many channels");
		return;
	}

	const char *session = json_str(payload, "session");
	const char *static_token = json_str(payload, "static");
	const char *url = json_str(payload, "url");
	const char *redirect = json_str(payload, "redirect");
	const char *id = topic + 3;

	if (!session || lv_session_verify(s->app, session, &tok) < 0 || strcmp(tok.id, id) != 0) {
		join_refused(s, join_ref, ref, topic, NULL, "stale");
		return;
	}
	const struct variant *variant = variant_find(tok.variant, strlen(tok.variant));
	const struct live_view_def *def = live_view_find(tok.view);
	if (!variant || !def) {
		join_refused(s, join_ref, ref, topic, NULL, "stale");
		return;
	}
	snprintf(s->tctx.variant, sizeof(s->tctx.variant), "%s", variant->name);
	/* no session on the socket (a CSRF token that did not match): stale */
	if (!s->has_session ||
	    (static_token && static_token[0] &&
	     lv_static_verify(s->app, static_token, id, &static_user) < 0)) {
		join_refused(s, join_ref, ref, topic, def->name, "stale");
		return;
	}

	struct lv *parent = NULL;
	form_init(&query);
	if (tok.parent[0]) {
		char ptopic[64];
		snprintf(ptopic, sizeof(ptopic), "lv:%s", tok.parent);
		struct live_channel *pc = channel_find(s, ptopic);
		if (!pc) {
			join_refused(s, join_ref, ref, topic, def->name, "stale");
			return;
		}
		parent = pc->lv;
	} else {
		const char *target = redirect ? redirect : url;
		if (!target || url_split(target, path, sizeof(path), &query) < 0) {
			form_release(&query);
			join_refused(s, join_ref, ref, topic, def->name, "stale");
			return;
		}
		if (redirect) {
			/* live navigation: the view comes from the URL, the session
			 * token is the scope: only pages of its live_session */
			const struct variant *rv = NULL;
			const struct live_view_def *rdef = live_view_route(path, &rv);
			char rsession[48] = "";
			if (rdef)
				snprintf(rsession, sizeof(rsession), "%s%s", rv->name,
					 rdef->archive ? "_archive" : "");
			if (!rdef || strcmp(rsession, tok.live_session) != 0) {
				form_release(&query);
				join_refused(s, join_ref, ref, topic, rdef ? rdef->name : NULL,
					     "unauthorized");
				return;
			}
			def = rdef;
		} else {
			/* a page's own join: its URL must be that view's route */
			const struct variant *uv = NULL;
			if (live_view_route(path, &uv) != def || uv != variant) {
				form_release(&query);
				join_refused(s, join_ref, ref, topic, def->name, "stale");
				return;
			}
		}
	}

	struct lv *lv = lv_new(s->app, def, variant, 1, parent);
	snprintf(lv->id, sizeof(lv->id), "%s", id);
	if (!parent)
		snprintf(lv->live_session, sizeof(lv->live_session), "%s", tok.live_session);
	lv->has_user_token = tok.has_user_token;
	memcpy(lv->user_token, tok.user_token, USER_TOKEN_LEN);
	if (tok.live_socket_id[0])
		lv->live_socket_id = xstrdup(tok.live_socket_id);
	lv->static_has_current_user = static_user;

	if (lv_mount(lv)) {
		cJSON *r = cJSON_CreateObject();
		cJSON *to = cJSON_AddObjectToObject(r, "redirect");
		cJSON_AddStringToObject(to, "to", lv->redirect_to);
		reply(s, join_ref, ref, topic, "error", r);
		emit_join(s, topic, def->name, "redirect");
		lv_free(lv);
		form_release(&query);
		return;
	}
	if (!parent)
		lv_handle_params(lv, &query);
	form_release(&query);

	cJSON *resp = cJSON_CreateObject();
	cJSON_AddItemToObject(resp, "rendered", lv_render_tree(lv));
	cJSON_AddStringToObject(resp, "liveview_version", LIVEVIEW_VERSION);
	reply(s, join_ref, ref, topic, "ok", resp);

	struct live_channel *ch = xcalloc(1, sizeof(*ch));
	snprintf(ch->topic, sizeof(ch->topic), "%s", topic);
	ch->join_ref = join_ref ? xstrdup(join_ref) : NULL;
	ch->lv = lv;
	ch->next = s->channels;
	s->channels = ch;
	emit_join(s, topic, def->name, "ok");
}

static void channel_event(struct live_socket *s, struct live_channel *ch, const char *ref,
			  const cJSON *payload)
{
	const char *event = json_str(payload, "event");
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(payload, "value");

	if (!event) {
		reply_reason(s, ch->join_ref, ref, ch->topic, "malformed event");
		return;
	}
	if (lv_handle_event(ch->lv, event, value) < 0) {
		reply_reason(s, ch->join_ref, ref, ch->topic, "unknown event");
		return;
	}
	cJSON *r = cJSON_CreateObject();
	cJSON_AddItemToObject(r, "diff", lv_render_diff(ch->lv));
	reply(s, ch->join_ref, ref, ch->topic, "ok", r);
}

static void channel_patch(struct live_socket *s, struct live_channel *ch, const char *ref,
			  const cJSON *payload)
{
	const char *url = json_str(payload, "url");
	struct form query;
	char path[512];
	const struct variant *v = NULL;

	form_init(&query);
	if (!url || url_split(url, path, sizeof(path), &query) < 0) {
		form_release(&query);
		reply_reason(s, ch->join_ref, ref, ch->topic, "malformed url");
		return;
	}
	const struct live_view_def *def = live_view_route(path, &v);
	if (ch->lv->child || def != ch->lv->def || v != ch->lv->variant) {
		/* another view: the client navigates instead */
		form_release(&query);
		cJSON *r = cJSON_CreateObject();
		cJSON_AddBoolToObject(r, "link_redirect", 1);
		reply(s, ch->join_ref, ref, ch->topic, "ok", r);
		return;
	}
	lv_handle_params(ch->lv, &query);
	form_release(&query);
	cJSON *r = cJSON_CreateObject();
	cJSON_AddItemToObject(r, "diff", lv_render_diff(ch->lv));
	reply(s, ch->join_ref, ref, ch->topic, "ok", r);
}

/* ------------------------------------------------------------ receiving */

static void protocol_error(struct live_socket *s, const char *why)
{
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "error", why);
	trace_emit(s->app->trace, TRACE_EV_SOCKET_ERROR, f);
}

static void handle_message(struct live_socket *s, const char *text, size_t len)
{
	cJSON *msg = cJSON_ParseWithLength(text, len);
	const cJSON *jr, *rf, *tp, *ev, *pl;

	if (!cJSON_IsArray(msg) || cJSON_GetArraySize(msg) != 5 ||
	    !((jr = cJSON_GetArrayItem(msg, 0)) && (cJSON_IsString(jr) || cJSON_IsNull(jr))) ||
	    !((rf = cJSON_GetArrayItem(msg, 1)) && (cJSON_IsString(rf) || cJSON_IsNull(rf))) ||
	    !cJSON_IsString(tp = cJSON_GetArrayItem(msg, 2)) ||
	    !cJSON_IsString(ev = cJSON_GetArrayItem(msg, 3)) ||
	    !cJSON_IsObject(pl = cJSON_GetArrayItem(msg, 4))) {
		/* nothing to address a reply to: say so in the trace, drop it */
		emit_connect(s);
		protocol_error(s, "malformed message: not [join_ref, ref, topic, event, payload]");
		cJSON_Delete(msg);
		return;
	}
	const char *join_ref = cJSON_IsString(jr) ? jr->valuestring : NULL;
	const char *ref = cJSON_IsString(rf) ? rf->valuestring : NULL;
	const char *topic = tp->valuestring;
	const char *event = ev->valuestring;

	if (!s->connect_emitted) {
		struct lv_token tok;
		const char *session = strcmp(event, "phx_join") == 0 ? json_str(pl, "session") : NULL;
		if (session && lv_session_verify(s->app, session, &tok) == 0)
			snprintf(s->tctx.variant, sizeof(s->tctx.variant), "%s", tok.variant);
		emit_connect(s);
	}

	if (strcmp(topic, "phoenix") == 0) {
		if (strcmp(event, "heartbeat") == 0)
			reply(s, NULL, ref, topic, "ok", NULL);
		else
			reply_reason(s, join_ref, ref, topic, "unknown event");
	} else if (strcmp(event, "phx_join") == 0) {
		if (strncmp(topic, "lv:", 3) != 0 || !topic[3] || strlen(topic) >= 64)
			reply_reason(s, join_ref, ref, topic, "unmatched topic");
		else
			channel_join(s, join_ref, ref, topic, pl);
	} else {
		struct live_channel *ch = channel_find(s, topic);
		if (ch && ch->lv)
			snprintf(s->tctx.variant, sizeof(s->tctx.variant), "%s",
				 ch->lv->variant->name);
		if (strcmp(event, "phx_leave") == 0) {
			/* stray leaves (unload, after an error) are answered ok too */
			reply(s, join_ref, ref, topic, "ok", NULL);
			if (ch)
				channel_remove(s, ch, "leave");
		} else if (!ch) {
			reply_reason(s, join_ref, ref, topic, "unmatched topic");
		} else if (strcmp(event, "event") == 0) {
			channel_event(s, ch, ref, pl);
		} else if (strcmp(event, "live_patch") == 0) {
			channel_patch(s, ch, ref, pl);
		} else {
			reply_reason(s, join_ref, ref, topic, "unknown event");
		}
	}
	cJSON_Delete(msg);
}

int live_socket_receive(struct live_socket *s, const void *in, size_t len)
{
	/* any message proves the client alive: close it only after a silence */
	lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, IDLE_TIMEOUT_SECONDS);
	if (s->rx.len + len > MAX_MESSAGE_BYTES) {
		trace_set_context(s->app->trace, &s->tctx);
		protocol_error(s, "message too big");
		trace_set_context(s->app->trace, NULL);
		lws_close_reason(s->wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
				 (unsigned char *)"message too big", 15);
		s->close_reason = "message too big";
		return -1;
	}
	buf_add(&s->rx, in, len);
	if (!lws_is_final_fragment(s->wsi) || lws_remaining_packet_payload(s->wsi))
		return 0;
	trace_set_context(s->app->trace, &s->tctx);
	handle_message(s, buf_str(&s->rx), s->rx.len);
	trace_set_context(s->app->trace, NULL);
	buf_reset(&s->rx);
	return 0;
}

/* ------------------------------------------------------------ life */

struct live_socket *live_socket_of(struct app *app, struct lws *wsi)
{
	for (struct live_socket *s = app->sockets; s; s = s->next)
		if (s->wsi == wsi)
			return s;
	return NULL;
}

int live_socket_is_established(const struct live_socket *s)
{
	return s->established;
}

void live_socket_established(struct live_socket *s)
{
	s->established = 1;
	lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, IDLE_TIMEOUT_SECONDS);
}

/*
 * socket.connect is written when the socket's first message arrives (or
 * when it closes without one): by then the first join tells which variant
 * the socket serves, and every event of the socket can carry it.
 */
static void emit_connect(struct live_socket *s)
{
	if (s->connect_emitted)
		return;
	s->connect_emitted = 1;
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "result", "ok");
	cJSON_AddStringToObject(f, "session", s->session_state);
	trace_emit(s->app->trace, TRACE_EV_SOCKET_CONNECT, f);
}

void live_socket_peer_close(struct live_socket *s, const void *in, size_t len)
{
	const unsigned char *p = in;
	if (len >= 2)
		s->peer_close_code = p[0] << 8 | p[1];
	if (!s->close_reason)
		s->close_reason = "client closed";
}

void live_socket_closed(struct live_socket *s)
{
	struct app *app = s->app;

	trace_set_context(app->trace, &s->tctx);
	if (s->established)
		emit_connect(s);
	while (s->channels)
		channel_remove(s, s->channels, "socket closed");
	if (s->established) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "reason", s->close_reason ? s->close_reason : "connection lost");
		if (s->peer_close_code)
			cJSON_AddNumberToObject(f, "code", s->peer_close_code);
		trace_emit(app->trace, TRACE_EV_SOCKET_DISCONNECT, f);
	}
	trace_set_context(app->trace, NULL);

	for (struct live_socket **pp = &app->sockets; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	while (s->out) {
		struct out_message *m = s->out;
		s->out = m->next;
		free(m->data);
		free(m);
	}
	buf_release(&s->rx);
	free(s->live_socket_id);
	free(s);
}

int live_socket_disconnect_all(struct app *app, const char *live_socket_id)
{
	int n = 0;

	if (!live_socket_id)
		return 0;
	for (struct live_socket *s = app->sockets; s; s = s->next) {
		if (s->closing || !s->live_socket_id || strcmp(s->live_socket_id, live_socket_id) != 0)
			continue;
		s->closing = 1;
		s->close_reason = "disconnect";
		lws_callback_on_writable(s->wsi);
		n++;
	}
	/* the topic is "users_sessions:" and the token in base64: the trace
	 * never shows a token, so it says which topic, not which token */
	cJSON *f = cJSON_CreateObject();
	const char *colon = strchr(live_socket_id, ':');
	char topic[64];
	snprintf(topic, sizeof(topic), "%.*s:<token>", colon ? (int)(colon - live_socket_id) : 0,
		 live_socket_id);
	cJSON_AddStringToObject(f, "topic", topic);
	cJSON_AddStringToObject(f, "message", "disconnect");
	cJSON_AddNumberToObject(f, "sockets", n);
	trace_emit(app->trace, TRACE_EV_BROADCAST, f);
	return n;
}
