/*
 * run_browser.c: one variant's browser in a scenario run: forms, redirects,
 * cookies and the LiveView socket, driven through the client library (lv_client.h) as LiveView's
 * JavaScript client would. It keeps what a tab keeps (the page, the
 * LiveSocket's CSRF token and URL, the joined channels); the trace and the
 * expectations are the runner's.
 */
#include "run_browser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <libwebsockets.h>

#include "lv_client.h"
#include "util.h"


#define MAX_CHILDREN 8

struct chan {
	char topic[80];
	char join_ref[16];
	char id[64];
	char *session;
	char *static_token;
	char *html; /* what it rendered when it joined */
	int joined;
};

struct browser {
	struct lvc *c;
	char *page_html;
	char *page_path;
	int first_status;
	char *first_location;
	struct lvc_socket *sock;
	int mounts;
	int next_join_ref;
	struct chan root;
	struct chan children[MAX_CHILDREN];
	int nchildren;
	char last_join[32];
	char *live_csrf; /* what the LiveSocket was started with: the live page's token */
	char *live_path; /* the URL the root joined with */
	struct browser_wants want; /* what the current step must see in the trace */
	const char *variant;	   /* the variant this browser visits (not owned) */
	const char *db_path;	   /* its lvdemo's database (not owned) */
	char *err;		   /* where a step's error goes */
	size_t errlen;
};

static void chan_reset(struct chan *ch)
{
	free(ch->session);
	free(ch->static_token);
	free(ch->html);
	memset(ch, 0, sizeof(*ch));
}

void browser_free(struct browser *b)
{
	if (!b)
		return;
	lvc_socket_close(b->sock);
	chan_reset(&b->root);
	for (int i = 0; i < b->nchildren; i++)
		chan_reset(&b->children[i]);
	free(b->page_html);
	free(b->page_path);
	free(b->first_location);
	free(b->live_csrf);
	free(b->live_path);
	lvc_free(b->c);
	free(b);
}


/* "http://127.0.0.1:4000/x?y" and "/x?y" both give "/x?y". */
static const char *path_of(const char *url)
{
	if (strncmp(url, "http://", 7) == 0) {
		const char *slash = strchr(url + 7, '/');
		return slash ? slash : "/";
	}
	return url;
}

static int http_step(struct browser *b, const char *method, const char *path, const char *form,
		     const char *const *headers, int follow)
{
	struct lvc_response r;
	char current[1024];

	snprintf(current, sizeof(current), "%s", path);
	if (lvc_request(b->c, method, current, form, headers, &r, b->err, b->errlen) < 0)
		return -1;
	b->want.stops++;
	b->first_status = r.status;
	free(b->first_location);
	b->first_location = r.location ? xstrdup(r.location) : NULL;
	for (int hops = 0; follow && hops < 10 && r.location &&
			   (r.status == 301 || r.status == 302 || r.status == 303 || r.status == 307);
	     hops++) {
		snprintf(current, sizeof(current), "%s", path_of(r.location));
		lvc_response_release(&r);
		if (lvc_request(b->c, "GET", current, NULL, NULL, &r, b->err, b->errlen) < 0)
			return -1;
		b->want.stops++;
	}
	if (r.status == 200 && r.body) {
		free(b->page_html);
		free(b->page_path);
		b->page_html = xstrdup(r.body);
		b->page_path = xstrdup(current);
	}
	lvc_response_release(&r);
	return 0;
}

/* A form on PAGE_PATH, submitted with its CSRF token, redirects followed. */
static int form_step(struct browser *b, const char *page_path, const char *action, const char *method,
		     char *form)
{

	if (page_path && http_step(b, "GET", page_path, NULL, NULL, 1) < 0)
		return -1;
	if (!b->page_html && http_step(b, "GET", "/", NULL, NULL, 1) < 0)
		return -1;
	char *token = lvc_html_csrf_token(b->page_html);
	int rc = -1;
	if (!token) {
		snprintf(b->err, b->errlen, "the page %s has no CSRF token", b->page_path);
		return -1;
	}
	char *body = NULL;
	lvc_form_add(&body, "_csrf_token", token);
	if (method)
		lvc_form_add(&body, "_method", method);
	if (form) {
		size_t n = strlen(body) + strlen(form) + 2;
		char *both = malloc(n);
		if (both) {
			snprintf(both, n, "%s&%s", body, form);
			free(body);
			body = both;
		}
	}
	rc = http_step(b, "POST", action, body, NULL, 1);
	free(body);
	free(token);
	return rc;
}

/* The HTML of a rendered tree: statics interleaved with dynamics. */
static void tree_html(const cJSON *tree, char **out, size_t *len)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(tree, "s");
	int n = cJSON_GetArraySize(s);
	char key[24];

	for (int i = 0; i < n; i++) {
		const cJSON *st = cJSON_GetArrayItem(s, i);
		const char *text = cJSON_IsString(st) ? st->valuestring : "";
		size_t tl = strlen(text);
		char *grown = realloc(*out, *len + tl + 1);
		if (!grown)
			return;
		*out = grown;
		memcpy(*out + *len, text, tl + 1);
		*len += tl;
		if (i + 1 < n) {
			snprintf(key, sizeof(key), "%d", i);
			const cJSON *d = cJSON_GetObjectItemCaseSensitive(tree, key);
			if (cJSON_IsString(d)) {
				size_t dl = strlen(d->valuestring);
				grown = realloc(*out, *len + dl + 1);
				if (!grown)
					return;
				*out = grown;
				memcpy(*out + *len, d->valuestring, dl + 1);
				*len += dl;
			} else if (cJSON_IsObject(d)) {
				tree_html(d, out, len);
			}
		}
	}
}

static char *rendered_html(const cJSON *reply)
{
	const cJSON *payload = cJSON_GetArrayItem(reply, 4);
	const cJSON *response = cJSON_GetObjectItemCaseSensitive(payload, "response");
	const cJSON *rendered = cJSON_GetObjectItemCaseSensitive(response, "rendered");
	char *out = xstrdup("");
	size_t len = 0;

	if (cJSON_IsObject(rendered))
		tree_html(rendered, &out, &len);
	return out;
}

/* "ok", or the error reason: "stale", "unauthorized", "redirect", "live_redirect". */
static void reply_result(const cJSON *reply, char *out, size_t outlen)
{
	const cJSON *payload = cJSON_GetArrayItem(reply, 4);
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(payload, "status");
	const cJSON *response = cJSON_GetObjectItemCaseSensitive(payload, "response");
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(response, "reason");

	if (cJSON_IsString(status) && strcmp(status->valuestring, "ok") == 0)
		snprintf(out, outlen, "ok");
	else if (cJSON_IsString(reason))
		snprintf(out, outlen, "%s", reason->valuestring);
	else if (cJSON_GetObjectItemCaseSensitive(response, "redirect"))
		snprintf(out, outlen, "redirect");
	else if (cJSON_GetObjectItemCaseSensitive(response, "live_redirect"))
		snprintf(out, outlen, "live_redirect");
	else
		snprintf(out, outlen, "error");
}

static cJSON *join_params(struct browser *b, const char *csrf)
{
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "_csrf_token", csrf ? csrf : "");
	cJSON_AddNumberToObject(p, "_mounts", b->mounts);
	cJSON_AddNumberToObject(p, "_mount_attempts", 0);
	return p;
}

/* Join CH: returns 0 with b->last_join set (ok or a refusal), -1 when no reply came. */
static int join(struct browser *b, struct chan *ch, const char *url, const char *redirect,
		const char *csrf, cJSON **reply_out)
{
	char ref[16];

	snprintf(ch->join_ref, sizeof(ch->join_ref), "%d", ++b->next_join_ref);
	cJSON *payload = cJSON_CreateObject();
	if (url)
		cJSON_AddStringToObject(payload, "url", url);
	if (redirect)
		cJSON_AddStringToObject(payload, "redirect", redirect);
	cJSON_AddItemToObject(payload, "params", join_params(b, csrf));
	cJSON_AddStringToObject(payload, "session", ch->session ? ch->session : "");
	if (ch->static_token)
		cJSON_AddStringToObject(payload, "static", ch->static_token);
	else
		cJSON_AddNullToObject(payload, "static");
	cJSON_AddBoolToObject(payload, "sticky", 0);
	if (lvc_socket_push(b->sock, ch->join_ref, ch->topic, "phx_join", payload, ref) < 0) {
		snprintf(b->err, b->errlen, "cannot send the join of %s", ch->topic);
		return -1;
	}
	b->want.joins++;
	cJSON *reply = lvc_socket_await_reply(b->sock, ref, RUN_STEP_TIMEOUT_MS);
	if (!reply) {
		snprintf(b->err, b->errlen, "no reply to the join of %s%s", ch->topic,
			 lvc_socket_closed(b->sock) ? " (the server closed the socket)" : "");
		return -1;
	}
	char result[32];
	reply_result(reply, result, sizeof(result));
	ch->joined = strcmp(result, "ok") == 0;
	free(ch->html);
	ch->html = ch->joined ? rendered_html(reply) : NULL;
	if (reply_out)
		*reply_out = reply;
	else
		cJSON_Delete(reply);
	if (ch == &b->root)
		snprintf(b->last_join, sizeof(b->last_join), "%s", result);
	return 0;
}

static const struct lvc_container *find_container(const struct lvc_container *v, size_t n,
						  const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].id && strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

/* After the root joined: join each child its render holds, with the static
 * token of the dead page where it had one (as the client keeps it). */
static int join_children(struct browser *b, const char *csrf, int dead_statics)
{
	struct lvc_container *live = NULL, *dead = NULL;
	size_t nlive = 0, ndead = 0;

	for (int i = 0; i < b->nchildren; i++)
		chan_reset(&b->children[i]);
	b->nchildren = 0;
	if (!b->root.joined || !b->root.html)
		return 0;
	lvc_html_containers(b->root.html, &live, &nlive);
	if (dead_statics && b->page_html)
		lvc_html_containers(b->page_html, &dead, &ndead);
	int rc = 0;
	for (size_t i = 0; i < nlive && b->nchildren < MAX_CHILDREN; i++) {
		if (!live[i].parent_id || !live[i].id || strcmp(live[i].parent_id, b->root.id) != 0)
			continue;
		struct chan *ch = &b->children[b->nchildren++];
		snprintf(ch->id, sizeof(ch->id), "%s", live[i].id);
		snprintf(ch->topic, sizeof(ch->topic), "lv:%s", live[i].id);
		ch->session = xstrdup(live[i].session);
		const struct lvc_container *d = find_container(dead, ndead, live[i].id);
		ch->static_token = d && d->static_token ? xstrdup(d->static_token) : NULL;
		if (join(b, ch, NULL, NULL, csrf, NULL) < 0) {
			rc = -1;
			break;
		}
	}
	lvc_containers_free(live, nlive);
	lvc_containers_free(dead, ndead);
	return rc;
}

/* Open the socket with CSRF, as the page's LiveSocket does. */
static int socket_open(struct browser *b, const char *csrf)
{
	char path[512];
	int status = 0;

	if (!csrf) {
		snprintf(b->err, b->errlen, "the current page has no CSRF token to connect with");
		return -1;
	}
	char *enc = lvc_urlencode(csrf);
	snprintf(path, sizeof(path), "/live/websocket?_csrf_token=%s&_mounts=%d&vsn=2.0.0",
		 enc ? enc : "", b->mounts);
	free(enc);
	b->sock = lvc_socket_open(b->c, path, NULL, &status, b->err, b->errlen);
	return b->sock ? 0 : -1;
}

static int disconnect(struct browser *b)
{

	if (!b->sock)
		return 0;
	int was_open = !lvc_socket_closed(b->sock);
	lvc_socket_close(b->sock);
	b->sock = NULL;
	if (was_open)
		b->want.disconnects++;
	b->root.joined = 0;
	for (int i = 0; i < b->nchildren; i++)
		b->children[i].joined = 0;
	return 0;
}

static int connect_page(struct browser *b, int reconnect)
{
	char url[1200];

	if (!reconnect && !b->page_html) {
		snprintf(b->err, b->errlen, "no page to connect: visit one first");
		return -1;
	}
	if (reconnect && !b->live_csrf) {
		snprintf(b->err, b->errlen, "reconnect needs a page that was connected before");
		return -1;
	}
	if (!reconnect) {
		/* the page's root container */
		struct lvc_container *v = NULL;
		size_t n = 0;
		lvc_html_containers(b->page_html, &v, &n);
		const struct lvc_container *main = NULL;
		for (size_t i = 0; i < n && !main; i++)
			if (v[i].main && v[i].id)
				main = &v[i];
		if (!main) {
			lvc_containers_free(v, n);
			snprintf(b->err, b->errlen, "the page %s has no LiveView (data-phx-main)",
				 b->page_path);
			return -1;
		}
		chan_reset(&b->root);
		snprintf(b->root.id, sizeof(b->root.id), "%s", main->id);
		snprintf(b->root.topic, sizeof(b->root.topic), "lv:%s", main->id);
		b->root.session = xstrdup(main->session);
		b->root.static_token = main->static_token ? xstrdup(main->static_token) : NULL;
		lvc_containers_free(v, n);
		b->mounts = 0;
		/* the tab keeps this token and URL for every later reconnect */
		free(b->live_csrf);
		free(b->live_path);
		b->live_csrf = lvc_html_csrf_token(b->page_html);
		b->live_path = xstrdup(b->page_path);
		if (!b->live_csrf) {
			snprintf(b->err, b->errlen, "the page %s has no CSRF token", b->page_path);
			return -1;
		}
	} else {
		disconnect(b);
		b->mounts++;
	}
	if (socket_open(b, b->live_csrf) < 0)
		return -1;
	snprintf(url, sizeof(url), "%s%s", lvc_origin(b->c), b->live_path);
	int rc = join(b, &b->root, url, NULL, b->live_csrf, NULL);
	if (rc == 0)
		rc = join_children(b, b->live_csrf, 1);
	return rc;
}

static int leave(struct browser *b, struct chan *ch)
{
	char ref[16];

	if (!ch->joined)
		return 0;
	if (lvc_socket_push(b->sock, ch->join_ref, ch->topic, "phx_leave", NULL, ref) < 0) {
		snprintf(b->err, b->errlen, "cannot send phx_leave on %s", ch->topic);
		return -1;
	}
	cJSON *reply = lvc_socket_await_reply(b->sock, ref, RUN_STEP_TIMEOUT_MS);
	cJSON_Delete(reply);
	ch->joined = 0;
	if (!reply)
		snprintf(b->err, b->errlen, "no reply to phx_leave on %s", ch->topic);
	return reply ? 0 : -1;
}

static int navigate(struct browser *b, const char *path)
{
	char url[1200];

	if (!b->sock || !b->root.joined) {
		snprintf(b->err, b->errlen, "navigate needs a connected page: connect first");
		return -1;
	}
	for (int i = 0; i < b->nchildren; i++)
		if (leave(b, &b->children[i]) < 0)
			return -1;
	if (leave(b, &b->root) < 0)
		return -1;
	const char *csrf = b->live_csrf;
	snprintf(url, sizeof(url), "%s%s", lvc_origin(b->c), path);
	int rc = join(b, &b->root, NULL, url, csrf, NULL);
	if (rc == 0 && b->root.joined) {
		free(b->page_path);
		b->page_path = xstrdup(path);
		free(b->live_path);
		b->live_path = xstrdup(path);
		/* children of a page reached by live navigation have no dead HTML */
		rc = join_children(b, csrf, 0);
	} else if (rc == 0 && strcmp(b->last_join, "unauthorized") == 0) {
		/* another live_session: the browser loads the page over HTTP */
		disconnect(b);
		rc = http_step(b, "GET", path, NULL, NULL, 1);
		if (rc == 0)
			rc = connect_page(b, 0);
	}
	return rc;
}

/* The channel whose render has an element with phx-click="EVENT": root first. */
static struct chan *click_target(struct browser *b, const char *event)
{
	char attr[160];

	snprintf(attr, sizeof(attr), "phx-click=\"%s\"", event);
	if (b->root.joined && b->root.html && strstr(b->root.html, attr))
		return &b->root;
	for (int i = 0; i < b->nchildren; i++)
		if (b->children[i].joined && b->children[i].html && strstr(b->children[i].html, attr))
			return &b->children[i];
	return NULL;
}

/* Push EVENT on CH and check the reply is ok. */
static int push_and_check(struct browser *b, struct chan *ch, const char *event, cJSON *payload,
			  cJSON **reply_out)
{
	char ref[16], result[32];

	if (lvc_socket_push(b->sock, ch->join_ref, ch->topic, event, payload, ref) < 0) {
		snprintf(b->err, b->errlen, "cannot send %s on %s", event, ch->topic);
		return -1;
	}
	cJSON *reply = lvc_socket_await_reply(b->sock, ref, RUN_STEP_TIMEOUT_MS);
	if (!reply) {
		snprintf(b->err, b->errlen, "no reply to %s on %s", event, ch->topic);
		return -1;
	}
	reply_result(reply, result, sizeof(result));
	if (strcmp(result, "ok") != 0) {
		snprintf(b->err, b->errlen, "%s on %s was refused: %s", event, ch->topic, result);
		cJSON_Delete(reply);
		return -1;
	}
	if (reply_out)
		*reply_out = reply;
	else
		cJSON_Delete(reply);
	return 0;
}

static int click(struct browser *b, const char *event)
{
	struct chan *ch = b->sock ? click_target(b, event) : NULL;

	if (!ch) {
		snprintf(b->err, b->errlen, "no joined LiveView has phx-click=\"%s\"", event);
		return -1;
	}
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "type", "click");
	cJSON_AddStringToObject(p, "event", event);
	cJSON *value = cJSON_AddObjectToObject(p, "value");
	cJSON_AddStringToObject(value, "value", "");
	b->want.events++;
	return push_and_check(b, ch, "event", p, NULL);
}

static int patch(struct browser *b, const char *path)
{
	char url[1200];
	cJSON *reply = NULL;

	if (!b->sock || !b->root.joined) {
		snprintf(b->err, b->errlen, "patch needs a connected page: connect first");
		return -1;
	}
	snprintf(url, sizeof(url), "%s%s", lvc_origin(b->c), path);
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "url", url);
	if (push_and_check(b, &b->root, "live_patch", p, &reply) < 0)
		return -1;
	const cJSON *resp = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(reply, 4), "response");
	int redirect = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(resp, "link_redirect"));
	cJSON_Delete(reply);
	if (redirect)
		return navigate(b, path); /* another view: the client navigates */
	b->want.params++;
	free(b->page_path);
	b->page_path = xstrdup(path);
	free(b->live_path);
	b->live_path = xstrdup(path);
	return 0;
}

/* Age this browser's session token past its 60 days, through lvdemo's
 * test hook (--test-hooks): lvtrace does not reach into lvdemo's database. */
static int expire_token(struct browser *b)
{
	struct lvc_response r;

	if (lvc_request(b->c, "POST", "/test/expire-token", "", NULL, &r, b->err, b->errlen) < 0)
		return -1;
	int status = r.status;
	lvc_response_release(&r);
	b->want.stops++;
	if (status == 204)
		return 0;
	if (status == 422)
		snprintf(b->err, b->errlen, "expire-token: the browser is not logged in");
	else
		snprintf(b->err, b->errlen, "expire-token: lvdemo answered %d (is it running with --test-hooks?)",
			 status);
	return -1;
}


/* ------------------------------------------------------------ steps */

struct browser *browser_new(const char *url, const char *variant, const char *db_path, char *err,
			    size_t errlen)
{
	struct browser *b = calloc(1, sizeof(*b));

	if (!b) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	b->variant = variant;
	b->db_path = db_path;
	b->err = err;
	b->errlen = errlen;
	if (!(b->c = lvc_new(url, err, errlen))) {
		free(b);
		return NULL;
	}
	lvc_set_timeout(b->c, RUN_STEP_TIMEOUT_MS);
	return b;
}

/* After a register or login step: the form came back instead of a redirect. */
static int check_logged_in(struct browser *b, const struct step *st)
{
	if (b->first_status == 302 || b->first_status == 303)
		return 0;
	char *why = b->page_html ? lvc_html_errors(b->page_html) : NULL;
	snprintf(b->err, b->errlen, "%s did not log in (status %d): %s",
		 st->kind == STEP_REGISTER ? "register" : "login", b->first_status,
		 why && why[0] ? why : "the page gave no reason");
	free(why);
	return -1;
}

int browser_step(struct browser *b, const struct step *st, int checked, struct browser_wants *want,
		 char *err, size_t errlen)
{
	char *path = st->arg1 && st->arg1[0] == '/' ? scenario_variant_path(st->arg1, b->variant)
						    : NULL;
	int rc = 0;
	char *form = NULL;

	b->err = err;
	b->errlen = errlen;
	memset(&b->want, 0, sizeof(b->want));
	switch (st->kind) {
	case STEP_REGISTER:
	case STEP_LOGIN:
		disconnect(b); /* a full page load closes the page's socket */
		lvc_form_add(&form, "user[email]", st->arg1);
		lvc_form_add(&form, "user[password]", st->arg2);
		rc = st->kind == STEP_REGISTER
			     ? form_step(b, "/users/register", "/users/register", NULL, form)
			     : form_step(b, "/users/log_in", "/users/log_in", NULL, form);
		free(form);
		break;
	case STEP_LOGOUT: {
		int connected = b->sock && !lvc_socket_closed(b->sock);
		rc = form_step(b, NULL, "/users/log_out", "delete", NULL);
		if (rc == 0 && connected) {
			/* the broadcast closes this login's sockets: wait for ours */
			if (lvc_socket_await_close(b->sock, RUN_STEP_TIMEOUT_MS) < 0) {
				snprintf(b->err, b->errlen, "log out did not close the socket");
				rc = -1;
			} else {
				/* the server closed it: forget it as disconnect() would */
				lvc_socket_close(b->sock);
				b->sock = NULL;
				b->want.disconnects++;
				b->root.joined = 0;
				for (int i = 0; i < b->nchildren; i++)
					b->children[i].joined = 0;
			}
		}
		break;
	}
	case STEP_VISIT:
		disconnect(b); /* a full page load closes the page's socket */
		rc = http_step(b, "GET", path, NULL, NULL, 1);
		break;
	case STEP_CONNECT:
		disconnect(b);
		rc = connect_page(b, 0);
		break;
	case STEP_RECONNECT:
		rc = connect_page(b, 1);
		break;
	case STEP_DISCONNECT:
		rc = disconnect(b);
		break;
	case STEP_CLICK:
		rc = click(b, st->arg1);
		break;
	case STEP_PATCH:
		rc = patch(b, path);
		break;
	case STEP_NAVIGATE:
		rc = navigate(b, path);
		break;
	case STEP_EXPIRE_TOKEN:
		rc = expire_token(b);
		break;
	default:
		break;
	}
	if (rc == 0 && !checked && (st->kind == STEP_REGISTER || st->kind == STEP_LOGIN))
		rc = check_logged_in(b, st);
	free(path);
	*want = b->want;
	return rc;
}

void browser_seen(const struct browser *b, struct expect_seen *seen)
{
	seen->status = b->first_status;
	seen->location = b->first_location ? path_of(b->first_location) : NULL;
	seen->join = b->last_join;
}
