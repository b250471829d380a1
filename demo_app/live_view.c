/*
 * live_view.c: the LiveView lifecycle engine. Runs hooks, mount,
 * handle_params, handle_event and render for a view of live_views[] in
 * the variant's way, traces each phase, tells where every assign_new value
 * came from, signs and checks the container tokens, and renders trees and
 * diffs. Transports (dead render over HTTP, channels over WebSocket) call
 * it: see live_page.c and live_channel.c.
 */
#include "live_view.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "json_get.h"
#include "sign.h"

#define SESSION_TOKEN_PURPOSE "live view session"
#define STATIC_TOKEN_PURPOSE "live view static"

const struct live_view_def *live_view_find(const char *name)
{
	for (size_t i = 0; i < live_view_count; i++)
		if (strcmp(live_views[i].name, name) == 0)
			return &live_views[i];
	return NULL;
}

const struct live_view_def *live_view_route(const char *path, const struct variant **variant)
{
	if (path[0] != '/')
		return NULL;
	const char *rest = strchr(path + 1, '/');
	if (!rest)
		return NULL;
	const struct variant *v = variant_find(path + 1, (size_t)(rest - path - 1));
	if (!v)
		return NULL;
	for (size_t i = 0; i < live_view_count; i++) {
		if (live_views[i].path && strcmp(live_views[i].path, rest) == 0) {
			*variant = v;
			return &live_views[i];
		}
	}
	return NULL;
}

/* ------------------------------------------------------------ instances */

struct lv *lv_new(struct app *app, const struct live_view_def *def, const struct variant *variant,
		  int connected, struct lv *parent)
{
	struct lv *lv = xcalloc(1, sizeof(*lv));

	lv->app = app;
	lv->def = def;
	lv->variant = variant;
	lv->connected = connected;
	lv->child = parent != NULL;
	lv->parent = parent;
	/* a dead render counts its whole HTTP request (the plugs before it too);
	 * a connected view what its socket does from its join on */
	struct trace_context *ctx = trace_get_context(app->trace);
	if (connected && ctx)
		lv->base = ctx->tally;
	return lv;
}

static void rendered_release(struct lv_rendered *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->dyn[i]);
	memset(r, 0, sizeof(*r));
}

static void digest_of(const char *html, unsigned char out[LV_DIGEST_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(html, strlen(html), md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen < LV_DIGEST_LEN)
		memset(md, 0, LV_DIGEST_LEN); /* cannot happen; then equal to nothing sent */
	memcpy(out, md, LV_DIGEST_LEN);
}

/* R becomes what LV last sent: its digests kept, R released. */
static void sent_keep(struct lv *lv, struct lv_rendered *r)
{
	free(lv->last.digest);
	lv->last.statics = r->statics;
	lv->last.n = r->n;
	lv->last.digest = r->n ? xcalloc(r->n, LV_DIGEST_LEN) : NULL;
	for (size_t i = 0; i < r->n; i++)
		digest_of(r->dyn[i], lv->last.digest[i]);
	rendered_release(r);
}

void lv_free(struct lv *lv)
{
	if (!lv)
		return;
	user_free(lv->current_user);
	free(lv->live_socket_id);
	free(lv->redirect_to);
	free(lv->child_container);
	free(lv->last.digest);
	free(lv->statics_ext);
	free(lv);
}

void lv_new_id(struct lv *lv)
{
	unsigned char raw[9];

	if (random_bytes(raw, sizeof(raw)) < 0)
		memset(raw, 0, sizeof(raw));
	char *b = b64url_encode(raw, sizeof(raw));
	snprintf(lv->id, sizeof(lv->id), "phx-%s", b);
	free(b);
}

void lv_set_live_session(struct lv *lv, int archive)
{
	snprintf(lv->live_session, sizeof(lv->live_session), "%s%s", lv->variant->name,
		 archive ? "_archive" : "");
}

static struct user *user_dup(const struct user *u)
{
	if (!u)
		return NULL;
	struct user *c = xcalloc(1, sizeof(*c));
	c->id = u->id;
	c->email = xstrdup(u->email);
	c->hashed_password = xstrdup(u->hashed_password);
	c->inserted_at = xstrdup(u->inserted_at);
	return c;
}

/* ------------------------------------------------------------ tracing */

static cJSON *lv_fields(const struct lv *lv)
{
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "view", lv->def->name);
	cJSON_AddBoolToObject(f, "connected", lv->connected);
	cJSON_AddBoolToObject(f, "child", lv->child);
	return f;
}

/* Open the span of a callback: event PREFIX.start, phase "KIND:dead|connected:View";
 * EXTRA (consumed, may be NULL) adds members to the start. */
static void lv_span_start_with(struct lv *lv, const char *prefix, const char *kind, cJSON *extra)
{
	char phase[96];
	cJSON *f = lv_fields(lv);

	snprintf(phase, sizeof(phase), "%s:%s:%s", kind, lv->connected ? "connected" : "dead",
		 lv->def->name);
	if (extra) {
		cJSON *item;
		while ((item = extra->child)) {
			cJSON_DetachItemViaPointer(extra, item);
			cJSON_AddItemToObject(f, item->string, item);
		}
		cJSON_Delete(extra);
	}
	trace_span_start(lv->app->trace, prefix, phase, f);
}

static void lv_span_start(struct lv *lv, const char *prefix, const char *kind)
{
	lv_span_start_with(lv, prefix, kind, NULL);
}

static void lv_span_stop(struct lv *lv, cJSON *extra)
{
	cJSON *f = lv_fields(lv);
	while (extra && extra->child) {
		cJSON *item = cJSON_DetachItemViaPointer(extra, extra->child);
		cJSON_AddItemToObject(f, item->string, item);
	}
	cJSON_Delete(extra);
	trace_span_stop(lv->app->trace, f);
}

/* ------------------------------------------------------------ assigns */

/* The function mount passes to assign_new: Accounts.get_user_by_session_token. */
static struct user *load_current_user(struct lv *lv)
{
	if (!lv->has_user_token)
		return NULL; /* no token in the session: no query */
	return accounts_get_user_by_session_token(&lv->app->accounts, lv->user_token);
}

static void put_current_user(struct lv *lv, struct user *u)
{
	user_free(lv->current_user);
	lv->current_user = u;
	lv->has_current_user = 1;
}

/* assign(socket, :current_user, get_user_by_session_token(token)): always a query */
static void lv_assign_current_user(struct lv *lv)
{
	cJSON *f = lv_fields(lv);
	cJSON_AddStringToObject(f, "key", "current_user");
	trace_emit(lv->app->trace, TRACE_EV_ASSIGN, f);
	put_current_user(lv, load_current_user(lv));
}

/*
 * assign_new(socket, :current_user, fn -> ... end), as LiveView decides:
 * a key already assigned stays; a dead root takes conn.assigns (nil too);
 * a dead child takes the parent's assigns; a connected child takes the keys
 * its static token lists from its parent; anything else runs the function.
 */
static void lv_assign_new_current_user(struct lv *lv)
{
	const char *from;
	const struct user *shared = NULL;

	if (lv->has_current_user)
		from = "socket_assigns";
	else if (!lv->connected && !lv->child && lv->has_conn_user)
		from = "conn_assigns", shared = lv->conn_user;
	else if (!lv->connected && lv->child && lv->parent && lv->parent->has_current_user)
		from = "parent_assigns", shared = lv->parent->current_user;
	else if (lv->connected && lv->child && lv->static_has_current_user && lv->parent &&
		 lv->parent->has_current_user)
		from = "parent_assigns", shared = lv->parent->current_user;
	else
		from = "function";

	/* the decision first, then what it costs: the function's query follows */
	cJSON *f = lv_fields(lv);
	cJSON_AddStringToObject(f, "key", "current_user");
	cJSON_AddStringToObject(f, "from", from);
	trace_emit(lv->app->trace, TRACE_EV_ASSIGN_NEW, f);

	if (strcmp(from, "function") == 0)
		put_current_user(lv, load_current_user(lv));
	else if (strcmp(from, "socket_assigns") != 0)
		put_current_user(lv, user_dup(shared));
	if (!lv->connected && lv->child && shared)
		lv->used_parent_current_user = 1;
}

/* ------------------------------------------------------------ lifecycle */

int lv_mount(struct lv *lv)
{
	lv_span_start(lv, TRACE_SPAN_MOUNT, "mount");
	/* live_session hooks run for routed (root) views only, never for children */
	if (!lv->child && lv->variant->on_mount_hook) {
		cJSON *f = lv_fields(lv);
		cJSON_AddStringToObject(f, "hook", "mount_current_user");
		trace_span_start(lv->app->trace, TRACE_SPAN_ON_MOUNT, "on_mount:mount_current_user", f);
		lv_assign_new_current_user(lv);
		f = lv_fields(lv);
		cJSON_AddStringToObject(f, "hook", "mount_current_user");
		trace_span_stop(lv->app->trace, f);
	}
	if (lv->variant->mount_user == MOUNT_ASSIGN)
		lv_assign_current_user(lv);
	else
		lv_assign_new_current_user(lv);
	if (lv->def->init)
		lv->def->init(lv);

	/* every page of the mission needs an agent: the user is gone, so log in */
	cJSON *extra = cJSON_CreateObject();
	if (!lv->current_user) {
		free(lv->redirect_to);
		lv->redirect_to = xstrdup("/users/log_in");
		cJSON_AddStringToObject(extra, "redirect", lv->redirect_to);
	}
	lv_span_stop(lv, extra);
	return lv->redirect_to ? 1 : 0;
}

void lv_handle_params(struct lv *lv, const struct form *params)
{
	lv_span_start(lv, TRACE_SPAN_HANDLE_PARAMS, "handle_params");
	if (lv->def->handle_params)
		lv->def->handle_params(lv, params);
	lv_span_stop(lv, NULL);
}

int lv_handle_event(struct lv *lv, const char *event, const cJSON *value)
{
	/* the name on the start too: a live view prints the start before the stop comes */
	cJSON *name = cJSON_CreateObject();
	cJSON_AddStringToObject(name, "name", event);
	lv_span_start_with(lv, TRACE_SPAN_HANDLE_EVENT, "handle_event", name);
	int rc = lv->def->handle_event ? lv->def->handle_event(lv, event, value) : -1;
	cJSON *extra = cJSON_CreateObject();
	/* "name", not "event": every line's own "event" member cannot be shadowed */
	cJSON_AddStringToObject(extra, "name", event);
	if (rc < 0)
		cJSON_AddStringToObject(extra, "error", "unknown event");
	lv_span_stop(lv, extra);
	return rc;
}

/* ------------------------------------------------------------ the count panel */

/* What the current context's events recorded since LV's base. */
static struct trace_tally tally_since(const struct lv *lv)
{
	struct trace_context *ctx = trace_get_context(lv->app->trace);
	struct trace_tally d = {0};

	if (!ctx)
		return d;
	for (int g = 0; g < TG_COUNT; g++) {
		d.queries[g] = ctx->tally.queries[g] - lv->base.queries[g];
		d.assign[g] = ctx->tally.assign[g] - lv->base.assign[g];
		for (int f = 0; f < TF_COUNT; f++)
			d.assign_new[g][f] = ctx->tally.assign_new[g][f] - lv->base.assign_new[g][f];
	}
	return d;
}

/* The dead render's count: its request's plugs and dead mounts (children's too). */
static void panel_dead(struct lv *lv)
{
	struct trace_tally t = tally_since(lv);

	lv->panel.kind = PANEL_PAGE_LOAD;
	lv->panel.plug = t.queries[TG_PLUG];
	lv->panel.dead = t.queries[TG_DEAD];
	lv->panel.why_dead.assign = t.assign[TG_DEAD];
	for (int f = 0; f < TF_COUNT; f++)
		lv->panel.why_dead.assign_new[f] = t.assign_new[TG_DEAD][f];
}

void lv_panel_join(struct lv *lv, enum panel_kind kind, const struct lv_token *tok)
{
	/* a page's own join without its page load's count: a token from before counts */
	lv->panel.kind = kind == PANEL_PAGE_LOAD && !tok->has_counts ? PANEL_RECONNECT : kind;
	if (lv->panel.kind == PANEL_PAGE_LOAD) {
		lv->panel.plug = tok->plug;
		lv->panel.dead = tok->dead;
		lv->panel.why_dead = tok->why_dead;
	}
}

int lv_panel_joined(struct lv *lv)
{
	struct trace_tally t = tally_since(lv);
	struct live_panel *p = lv->parent ? &lv->parent->panel : &lv->panel;

	p->connected = 1;
	p->connected_q += t.queries[TG_CONNECTED];
	p->why_connected.assign += t.assign[TG_CONNECTED];
	for (int f = 0; f < TF_COUNT; f++)
		p->why_connected.assign_new[f] += t.assign_new[TG_CONNECTED][f];
	return lv->parent != NULL;
}

/* LV's panel as HTML (a new string). */
static char *panel_html(const struct lv *lv)
{
	struct buf html;
	buf_init(&html);
	view_live_panel(&html, &lv->panel, lv->variant->name, lv->def->path ? lv->def->path : "");
	return html.data ? html.data : xstrdup("");
}

/* A root's panel, as the last dynamic of R (its statics given one more slot). */
static void panel_slot(struct lv *lv, struct lv_rendered *r)
{
	if (lv->child || r->n + 1 > LV_MAX_DYNAMICS)
		return;
	if (lv->statics_src != r->statics) {
		free(lv->statics_ext);
		lv->statics_ext = xcalloc(r->n + 2, sizeof(*lv->statics_ext));
		for (size_t i = 0; i <= r->n; i++)
			lv->statics_ext[i] = r->statics[i];
		lv->statics_ext[r->n + 1] = "";
		lv->statics_src = r->statics;
	}
	r->statics = lv->statics_ext;
	r->dyn[r->n++] = panel_html(lv);
}

static void lv_render(struct lv *lv, struct lv_rendered *r)
{
	memset(r, 0, sizeof(*r));
	lv_span_start(lv, TRACE_SPAN_RENDER, "render");
	lv->def->render(lv, r);
	for (size_t i = 0; i < r->n; i++)
		if (!r->dyn[i])
			r->dyn[i] = xstrdup("");
	lv_span_stop(lv, NULL);
}

static void container_open(struct buf *out, const struct lv *lv, const char *session,
			   const char *static_token)
{
	buf_adds(out, "<div id=\"");
	buf_add_html(out, lv->id);
	buf_adds(out, "\"");
	if (!lv->child)
		buf_adds(out, " data-phx-main");
	buf_adds(out, " data-phx-session=\"");
	buf_add_html(out, session);
	buf_adds(out, "\"");
	if (static_token) {
		buf_adds(out, " data-phx-static=\"");
		buf_add_html(out, static_token);
		buf_adds(out, "\"");
	}
	if (lv->child) {
		buf_adds(out, " data-phx-parent-id=\"");
		buf_add_html(out, lv->parent->id);
		buf_adds(out, "\"");
	}
	buf_adds(out, ">");
}

/* The child LV renders with live_render, sharing LV's session. */
static struct lv *child_new(struct lv *lv, int connected)
{
	const struct live_view_def *cdef = live_view_find(lv->def->child);
	struct lv *child = lv_new(lv->app, cdef, lv->variant, connected, lv);

	snprintf(child->id, sizeof(child->id), "%s", lv->def->child_id);
	child->has_user_token = lv->has_user_token;
	memcpy(child->user_token, lv->user_token, USER_TOKEN_LEN);
	if (lv->live_socket_id)
		child->live_socket_id = xstrdup(lv->live_socket_id);
	return child;
}

static const char *root_id_of(const struct lv *lv)
{
	while (lv->parent)
		lv = lv->parent;
	return lv->id;
}

void lv_render_dead(struct lv *lv, struct buf *out)
{
	struct lv_rendered r;

	lv_render(lv, &r);
	if (lv->def->child) {
		/* live_render at page load: the child mounts (dead) with its own phases */
		struct lv *child = child_new(lv, 0);
		struct buf html;
		buf_init(&html);
		if (lv_mount(child) == 0)
			lv_render_dead(child, &html);
		free(r.dyn[lv->def->child_slot]);
		r.dyn[lv->def->child_slot] = xstrdup(buf_str(&html));
		buf_release(&html);
		lv_free(child);
	}
	/* the panel last: after the children's dead mounts, before the token that carries it */
	if (!lv->child) {
		panel_dead(lv);
		panel_slot(lv, &r);
	}
	char *session = lv_session_token(lv, root_id_of(lv));
	char *static_token = lv_static_token(lv);
	container_open(out, lv, session, static_token);
	for (size_t i = 0; i < r.n; i++) {
		buf_adds(out, r.statics[i]);
		buf_adds(out, r.dyn[i]);
	}
	buf_adds(out, r.statics[r.n]);
	buf_adds(out, "</div>");
	free(session);
	free(static_token);
	rendered_release(&r);
}

/* The connected child slot: the container again, with a session and no content. */
static const char *connected_child_slot(struct lv *lv)
{
	if (!lv->child_container) {
		struct lv *child = child_new(lv, 1);
		char *session = lv_session_token(child, root_id_of(lv));
		struct buf html;
		buf_init(&html);
		container_open(&html, child, session, NULL);
		buf_adds(&html, "</div>");
		lv->child_container = html.data;
		free(session);
		lv_free(child);
	}
	return lv->child_container;
}

/* A connected render: the child slot holds the child's empty container. */
static void lv_render_connected(struct lv *lv, struct lv_rendered *r)
{
	lv_render(lv, r);
	if (lv->def->child) {
		free(r->dyn[lv->def->child_slot]);
		r->dyn[lv->def->child_slot] = xstrdup(connected_child_slot(lv));
	}
	panel_slot(lv, r);
}

cJSON *lv_render_tree(struct lv *lv)
{
	struct lv_rendered r;
	char key[24];

	lv_render_connected(lv, &r);
	cJSON *tree = cJSON_CreateObject();
	cJSON *s = cJSON_AddArrayToObject(tree, "s");
	for (size_t i = 0; i <= r.n; i++)
		cJSON_AddItemToArray(s, cJSON_CreateString(r.statics[i]));
	for (size_t i = 0; i < r.n; i++) {
		snprintf(key, sizeof(key), "%zu", i);
		cJSON_AddStringToObject(tree, key, r.dyn[i]);
	}
	if (r.title)
		cJSON_AddStringToObject(tree, "t", r.title);
	sent_keep(lv, &r);
	return tree;
}

cJSON *lv_render_diff(struct lv *lv)
{
	struct lv_rendered r;
	char key[24];

	lv_render_connected(lv, &r);
	cJSON *diff = cJSON_CreateObject();
	for (size_t i = 0; i < r.n; i++) {
		unsigned char d[LV_DIGEST_LEN];
		digest_of(r.dyn[i], d);
		if (i < lv->last.n && memcmp(d, lv->last.digest[i], LV_DIGEST_LEN) == 0)
			continue;
		snprintf(key, sizeof(key), "%zu", i);
		cJSON_AddStringToObject(diff, key, r.dyn[i]);
	}
	sent_keep(lv, &r);
	return diff;
}

cJSON *lv_panel_diff(struct lv *lv)
{
	cJSON *diff = cJSON_CreateObject();
	if (lv->child || lv->last.n == 0 || lv->last.statics != lv->statics_ext)
		return diff;
	/* the panel is lvdemo's, not the view's: no render of the view, no render span */
	char *html = panel_html(lv);
	size_t k = lv->last.n - 1;
	unsigned char d[LV_DIGEST_LEN];
	digest_of(html, d);
	if (memcmp(d, lv->last.digest[k], LV_DIGEST_LEN) != 0) {
		char key[24];
		snprintf(key, sizeof(key), "%zu", k);
		cJSON_AddStringToObject(diff, key, html);
		memcpy(lv->last.digest[k], d, LV_DIGEST_LEN);
	}
	free(html);
	return diff;
}

/* ------------------------------------------------------------ tokens */

char *lv_session_token(const struct lv *lv, const char *root_id)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "id", lv->id);
	cJSON_AddStringToObject(j, "view", lv->def->name);
	cJSON_AddStringToObject(j, "variant", lv->variant->name);
	if (lv->child)
		cJSON_AddNullToObject(j, "live_session");
	else
		cJSON_AddStringToObject(j, "live_session", lv->live_session);
	if (lv->child)
		cJSON_AddStringToObject(j, "parent", lv->parent->id);
	else
		cJSON_AddNullToObject(j, "parent");
	cJSON_AddStringToObject(j, "root", root_id);
	/* the session mount will receive, as LiveView signs it into the page */
	cJSON *s = cJSON_AddObjectToObject(j, "session");
	if (lv->has_user_token) {
		char *tok = b64url_encode(lv->user_token, USER_TOKEN_LEN);
		cJSON_AddStringToObject(s, "user_token", tok);
		free(tok);
	}
	if (lv->live_socket_id)
		cJSON_AddStringToObject(s, "live_socket_id", lv->live_socket_id);
	/* a root's dead render: what its page load cost so far, for the connected panel */
	if (!lv->child && !lv->connected) {
		cJSON *c = cJSON_AddObjectToObject(j, "counts");
		cJSON_AddNumberToObject(c, "plug", lv->panel.plug);
		cJSON_AddNumberToObject(c, "dead", lv->panel.dead);
		cJSON_AddNumberToObject(c, "assign", lv->panel.why_dead.assign);
		cJSON *r = cJSON_AddObjectToObject(c, "assign_new");
		for (int f = TF_NONE + 1; f < TF_COUNT; f++)
			if (lv->panel.why_dead.assign_new[f])
				cJSON_AddNumberToObject(r, trace_from_name((enum trace_from)f),
							lv->panel.why_dead.assign_new[f]);
	}
	char *text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	char *token = sign_message(&lv->app->signer, SESSION_TOKEN_PURPOSE, text, strlen(text),
				   time(NULL));
	free(text);
	return token;
}

char *lv_static_token(const struct lv *lv)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "id", lv->id);
	cJSON *keys = cJSON_AddArrayToObject(j, "assign_new");
	if (lv->used_parent_current_user)
		cJSON_AddItemToArray(keys, cJSON_CreateString("current_user"));
	char *text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	char *token = sign_message(&lv->app->signer, STATIC_TOKEN_PURPOSE, text, strlen(text),
				   time(NULL));
	free(text);
	return token;
}

static int copy_member(const cJSON *j, const char *key, char *out, size_t outlen, int nullable)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	if (nullable && (!v || cJSON_IsNull(v))) {
		out[0] = '\0';
		return 0;
	}
	if (!cJSON_IsString(v) || strlen(v->valuestring) >= outlen || !v->valuestring[0])
		return -1;
	strcpy(out, v->valuestring);
	return 0;
}

/* A count signed into a token (0 when absent: a token is ours, but of another version maybe). */
static unsigned count_of(const cJSON *o, const char *key)
{
	double v = json_num(o, key, 0);
	return v >= 0 && v < 1e6 ? (unsigned)v : 0;
}

static cJSON *verify_json(struct app *app, const char *purpose, const char *token)
{
	size_t len = 0;
	unsigned char *data = token ? sign_verify(&app->signer, purpose, token, time(NULL),
						  LV_TOKEN_MAX_AGE, &len, NULL)
				    : NULL;
	if (!data)
		return NULL;
	cJSON *j = cJSON_ParseWithLength((const char *)data, len);
	free(data);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

int lv_session_verify(struct app *app, const char *token, struct lv_token *t)
{
	cJSON *j = verify_json(app, SESSION_TOKEN_PURPOSE, token);
	int rc = -1;

	memset(t, 0, sizeof(*t));
	if (!j)
		return -1;
	if (copy_member(j, "id", t->id, sizeof(t->id), 0) < 0 ||
	    copy_member(j, "view", t->view, sizeof(t->view), 0) < 0 ||
	    copy_member(j, "variant", t->variant, sizeof(t->variant), 0) < 0 ||
	    copy_member(j, "live_session", t->live_session, sizeof(t->live_session), 1) < 0 ||
	    copy_member(j, "parent", t->parent, sizeof(t->parent), 1) < 0)
		goto out;
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "session");
	if (!cJSON_IsObject(s))
		goto out;
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(s, "user_token");
	if (cJSON_IsString(tok)) {
		size_t n = 0;
		unsigned char *raw = b64_decode(tok->valuestring, &n);
		if (raw && n == USER_TOKEN_LEN) {
			memcpy(t->user_token, raw, USER_TOKEN_LEN);
			t->has_user_token = 1;
		}
		free(raw);
	}
	copy_member(s, "live_socket_id", t->live_socket_id, sizeof(t->live_socket_id), 1);
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "counts");
	if (cJSON_IsObject(c)) {
		t->has_counts = 1;
		t->plug = count_of(c, "plug");
		t->dead = count_of(c, "dead");
		t->why_dead.assign = count_of(c, "assign");
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(c, "assign_new");
		for (int f = TF_NONE + 1; f < TF_COUNT; f++)
			t->why_dead.assign_new[f] = count_of(r, trace_from_name((enum trace_from)f));
	}
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

int lv_static_verify(struct app *app, const char *token, const char *id, int *has_current_user)
{
	cJSON *j = verify_json(app, STATIC_TOKEN_PURPOSE, token);
	char tid[LV_ID_MAX];
	int rc = -1;

	*has_current_user = 0;
	if (!j)
		return -1;
	if (copy_member(j, "id", tid, sizeof(tid), 0) == 0 && strcmp(tid, id) == 0) {
		const cJSON *keys = cJSON_GetObjectItemCaseSensitive(j, "assign_new");
		const cJSON *k;
		cJSON_ArrayForEach(k, keys) {
			if (cJSON_IsString(k) && strcmp(k->valuestring, "current_user") == 0)
				*has_current_user = 1;
		}
		rc = cJSON_IsArray(keys) ? 0 : -1;
	}
	cJSON_Delete(j);
	return rc;
}
