/*
 * live_channel.c: a LiveView socket's session and channels: joins check
 * the signed session and static tokens and the URL, then mount the view
 * (live_view.c) and answer with its rendered tree; events and patches
 * answer with diffs. Replies and close requests go through the socket's
 * transport (struct live_socket_io); nothing here touches the wire.
 */
#include "live_channel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csrf.h"
#include "json_get.h"
#include "live_view.h"
#include "session.h"

#define MAX_CHANNELS 64 /* LiveViews joined on one socket at once */
/* The LiveView version lvdemo answers as: the client in package.json */
#define LIVEVIEW_VERSION "1.2.12"

struct live_channel {
	char topic[64];
	char *join_ref;
	struct lv *lv;
	struct live_channel *next;
};

struct live_socket {
	struct app *app;
	struct live_socket_io io;
	unsigned long id;
	/*
	 * The trace context while the socket runs code (a message, its close):
	 * one on that call's stack, made from the id, the variant and the tally
	 * kept here and put back into them after. Not one of its own for the
	 * socket's life: its 16 spans are 4 KB, and a socket between messages
	 * has none open.
	 */
	struct trace_context *ctx;
	char variant[32];
	struct trace_tally tally;
	int connect_emitted;
	const char *session_state; /* "ok", "none", "csrf_mismatch" */
	int has_session;	   /* a cookie session whose CSRF token matched */
	char *live_socket_id;
	struct pubsub_sub *sub; /* the log-out broadcast on live_socket_id */
	struct live_channel *channels;
};

static void emit_connect(struct live_socket *s);

/* S runs code that may emit: CTX, the caller's, is the current trace context. */
static void socket_enter(struct live_socket *s, struct trace_context *ctx)
{
	trace_context_init(ctx, "ws", s->id);
	memcpy(ctx->variant, s->variant, sizeof(ctx->variant));
	ctx->tally = s->tally;
	s->ctx = ctx;
	trace_set_context(s->app->trace, ctx);
}

static void socket_leave(struct live_socket *s)
{
	/* a socket's spans are a message's own: all closed by now */
	memcpy(s->variant, s->ctx->variant, sizeof(s->variant));
	s->tally = s->ctx->tally;
	s->ctx = NULL;
	trace_set_context(s->app->trace, NULL);
}

/* ------------------------------------------------------------ connect */

void live_socket_refused(struct app *app, unsigned long id, int status, const char *why)
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
}

/* Endpoint.broadcast(live_socket_id, "disconnect", %{}): this login logged out. */
static void on_broadcast(void *arg, const char *event)
{
	struct live_socket *s = arg;

	if (strcmp(event, "disconnect") != 0)
		return;
	pubsub_unsubscribe(&s->app->pubsub, s->sub); /* once: it is closing */
	s->sub = NULL;
	s->io.close(s->io.conn, "disconnect");
}

struct live_socket *live_socket_new(struct app *app, unsigned long id, const char *cookie,
				    const char *csrf, const struct live_socket_io *io)
{
	struct live_socket *s = xcalloc(1, sizeof(*s));
	char value[4096];
	struct session session;

	s->app = app;
	s->io = *io;
	s->id = id;

	/* the cookie session, read at connect; its CSRF token must match */
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
	if (s->live_socket_id)
		s->sub = pubsub_subscribe(&app->pubsub, s->live_socket_id, on_broadcast, s);
	return s;
}

/* ------------------------------------------------------------ sending */

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
		s->io.send(s->io.conn, text);
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
		snprintf(s->ctx->variant, sizeof(s->ctx->variant), "%s", ch->lv->variant->name);
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
	snprintf(s->ctx->variant, sizeof(s->ctx->variant), "%s", variant->name);
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

	/* the count panel: which join this is (LiveView's client counts its mounts), what it cost */
	if (!parent) {
		const cJSON *params = cJSON_GetObjectItemCaseSensitive(payload, "params");
		enum panel_kind kind = redirect			       ? PANEL_LIVE_NAVIGATION
				       : json_num(params, "_mounts", 0) > 0 ? PANEL_RECONNECT
									    : PANEL_PAGE_LOAD;
		lv_panel_join(lv, kind, &tok);
	}
	int parent_changed = lv_panel_joined(lv);

	cJSON *resp = cJSON_CreateObject();
	cJSON_AddItemToObject(resp, "rendered", lv_render_tree(lv));
	cJSON_AddStringToObject(resp, "liveview_version", LIVEVIEW_VERSION);
	reply(s, join_ref, ref, topic, "ok", resp);
	if (parent_changed) {
		/* the child's connected mount is the page's too: the parent's panel says so */
		struct live_channel *pc = NULL;
		for (struct live_channel *c = s->channels; c; c = c->next)
			if (c->lv == parent)
				pc = c;
		cJSON *diff = pc ? lv_panel_diff(parent) : NULL;
		if (diff && diff->child)
			send_message(s, pc->join_ref, NULL, pc->topic, "diff", diff);
		else
			cJSON_Delete(diff);
	}

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

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return -1;
		v = v * 16 + (unsigned)d;
	}
	*out = v;
	return 0;
}

/*
 * TEXT with each lone UTF-16 surrogate escape (\udc80 alone, \ud800 not
 * followed by a low one) made \ufffd, or NULL when it has none. cJSON
 * refuses the whole message for one, which leaves nothing to address an
 * error reply to; JavaScript's JSON.stringify can send them.
 */
static char *mend_surrogates(const char *text, size_t len)
{
	char *out = NULL;
	for (size_t i = 0; i + 1 < len; i++) {
		if (text[i] != '\\')
			continue;
		if (text[i + 1] != 'u' || i + 6 > len) {
			i++; /* \\, \", \n...: the next character is escaped */
			continue;
		}
		unsigned cu, lo;
		if (hex4(text + i + 2, &cu) < 0 || cu < 0xD800 || cu > 0xDFFF) {
			i += 5;
			continue;
		}
		if (cu <= 0xDBFF && i + 12 <= len && text[i + 6] == '\\' && text[i + 7] == 'u' &&
		    hex4(text + i + 8, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
			i += 11; /* a pair: fine */
			continue;
		}
		if (!out) {
			out = xmalloc(len + 1);
			memcpy(out, text, len);
			out[len] = '\0';
		}
		memcpy(out + i, "\\ufffd", 6);
		i += 5;
	}
	return out;
}

static void handle_message(struct live_socket *s, const char *text, size_t len)
{
	char *mended = mend_surrogates(text, len);
	cJSON *msg = cJSON_ParseWithLength(mended ? mended : text, len);
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
		free(mended);
		return;
	}
	const char *join_ref = cJSON_IsString(jr) ? jr->valuestring : NULL;
	const char *ref = cJSON_IsString(rf) ? rf->valuestring : NULL;
	const char *topic = tp->valuestring;
	const char *event = ev->valuestring;
	if (mended) {
		/* it parsed only mended: a malformed message with an address, so an error reply */
		free(mended);
		emit_connect(s);
		protocol_error(s, "malformed message: a lone surrogate escape in a string");
		reply_reason(s, join_ref, ref, topic, "malformed message: a lone surrogate escape");
		cJSON_Delete(msg);
		return;
	}

	if (!s->connect_emitted) {
		struct lv_token tok;
		const char *session = strcmp(event, "phx_join") == 0 ? json_str(pl, "session") : NULL;
		if (session && lv_session_verify(s->app, session, &tok) == 0)
			snprintf(s->ctx->variant, sizeof(s->ctx->variant), "%s", tok.variant);
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
			snprintf(s->ctx->variant, sizeof(s->ctx->variant), "%s",
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

void live_socket_message(struct live_socket *s, const char *text, size_t len)
{
	struct trace_context ctx;

	socket_enter(s, &ctx);
	handle_message(s, text, len);
	socket_leave(s);
}

void live_socket_error(struct live_socket *s, const char *why)
{
	struct trace_context ctx;

	socket_enter(s, &ctx);
	protocol_error(s, why);
	socket_leave(s);
}

/* ------------------------------------------------------------ life */

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

void live_socket_free(struct live_socket *s, int established, const char *reason, int code)
{
	if (!s)
		return;
	struct app *app = s->app;
	struct trace_context ctx;

	socket_enter(s, &ctx);
	if (established)
		emit_connect(s);
	while (s->channels)
		channel_remove(s, s->channels, "socket closed");
	if (established) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "reason", reason ? reason : "connection lost");
		if (code)
			cJSON_AddNumberToObject(f, "code", code);
		trace_emit(app->trace, TRACE_EV_SOCKET_DISCONNECT, f);
	}
	socket_leave(s);
	pubsub_unsubscribe(&app->pubsub, s->sub);
	free(s->live_socket_id);
	free(s);
}
