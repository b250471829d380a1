/*
 * router.c: the routes, the browser pipeline's own plugs (fetch_session,
 * fetch_live_flash, protect_from_forgery, put_secure_browser_headers), and
 * the flash kept in the session across a redirect. Each plug and action
 * runs inside a traced phase; what they do is user_auth.c's,
 * controllers.c's and live_page.c's.
 */
#include "router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "controllers.h"
#include "csrf.h"
#include "live_page.h"
#include "live_view.h"
#include "page.h"
#include "user_auth.h"

typedef int (*plug_fn)(struct request *req);
typedef void (*action_fn)(struct request *req);

/* ------------------------------------------------------------ plugs */

static int plug_fetch_session(struct request *req)
{
	char value[4096];
	const char *state = "none";

	if (cookie_get(req->cookie, SESSION_COOKIE, value, sizeof(value)) >= 0) {
		if (session_decode(&req->session, &req->app->signer, value, time(NULL)) == 0) {
			state = "ok";
		} else {
			state = "invalid"; /* forged or tampered: treated as no session */
			req->session_dirty = 1;
		}
	}
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "session", state);
	trace_emit(req->app->trace, TRACE_EV_SESSION_FETCH, f);
	return 0;
}

static int plug_fetch_live_flash(struct request *req)
{
	/* the flash lives in the session until a page shows it */
	if (req->session.flash_info || req->session.flash_error) {
		req->flash_info = req->session.flash_info;
		req->flash_error = req->session.flash_error;
		req->session.flash_info = req->session.flash_error = NULL;
		req->session_dirty = 1;
	}
	return 0;
}

static int plug_protect_from_forgery(struct request *req)
{
	if (req->method == HTTP_GET || req->method == HTTP_HEAD)
		return 0;
	const char *token = form_get(&req->params, "_csrf_token");
	if (!token)
		token = req->csrf_header;
	if (csrf_valid(req->session.csrf_token, token))
		return 0;
	response_text(req, 403, "Forbidden: invalid CSRF (Cross Site Request Forgery) token\n");
	return 1;
}

static int plug_put_secure_browser_headers(struct request *req)
{
	response_header(req, "referrer-policy", "strict-origin-when-cross-origin");
	response_header(req, "x-content-type-options", "nosniff");
	response_header(req, "x-frame-options", "SAMEORIGIN");
	response_header(req, "x-permitted-cross-domain-policies", "none");
	return 0;
}

struct plug {
	const char *name;
	plug_fn run;
};

static const struct plug browser_pipeline[] = {
	{"fetch_session", plug_fetch_session},
	{"fetch_live_flash", plug_fetch_live_flash},
	{"protect_from_forgery", plug_protect_from_forgery},
	{"put_secure_browser_headers", plug_put_secure_browser_headers},
	{"fetch_current_user", plug_fetch_current_user},
};

/* ------------------------------------------------------------ routes */

/* TEST_HOOK: only with --test-hooks and from a loopback peer, else no such route */
enum scope { PUBLIC, GUESTS_ONLY, AUTHENTICATED, TEST_HOOK };

struct route {
	enum http_method method;
	const char *path; /* "/:variant/mission": first segment names a variant */
	enum scope scope;
	const char *controller;
	const char *action_name;
	action_fn action;
};

static const struct route routes[] = {
	{HTTP_GET, "/", PUBLIC, "Page", "home", controller_page_home},
	{HTTP_GET, "/users/register", GUESTS_ONLY, "UserRegistration", "new",
	 controller_user_registration_new},
	{HTTP_POST, "/users/register", GUESTS_ONLY, "UserRegistration", "create",
	 controller_user_registration_create},
	{HTTP_GET, "/users/log_in", GUESTS_ONLY, "UserSession", "new", controller_user_session_new},
	{HTTP_POST, "/users/log_in", GUESTS_ONLY, "UserSession", "create",
	 controller_user_session_create},
	{HTTP_DELETE, "/users/log_out", PUBLIC, "UserSession", "delete",
	 controller_user_session_delete},
	{HTTP_POST, "/test/expire-token", TEST_HOOK, "TestHooks", "expire_token",
	 controller_test_hooks_expire_token},
};

static int path_matches(const char *pattern, const struct request *req)
{
	static const char prefix[] = "/:variant";

	if (strncmp(pattern, prefix, sizeof(prefix) - 1) == 0) {
		const char *v = request_variant(req);
		return v && strcmp(req->path + 1 + strlen(v), pattern + sizeof(prefix) - 1) == 0;
	}
	return strcmp(pattern, req->path) == 0;
}

static const struct route *route_find(const struct request *req)
{
	enum http_method m = req->method == HTTP_HEAD ? HTTP_GET : req->method;

	for (size_t i = 0; i < ARRAY_LEN(routes); i++)
		if (routes[i].method == m && path_matches(routes[i].path, req))
			return &routes[i];
	return NULL;
}

/* Run one plug inside its phase; 1 when it halted. */
static int run_plug(struct request *req, const char *name, plug_fn fn)
{
	char phase[64];
	cJSON *f = cJSON_CreateObject();

	cJSON_AddStringToObject(f, "plug", name);
	snprintf(phase, sizeof(phase), "plug:%s", name);
	trace_span_start(req->app->trace, TRACE_SPAN_PLUG, phase, f);
	int halted = fn(req);
	f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "plug", name);
	if (halted)
		cJSON_AddBoolToObject(f, "halted", 1);
	trace_span_stop(req->app->trace, f);
	return halted;
}

/* Before any plug ran: no session is read or written, so no CSRF token. */
static void not_found(struct request *req)
{
	struct page page = {.title = "Not found", .csrf_token = ""};
	struct buf html;

	buf_init(&html);
	view_not_found(&html, &page, req->path);
	page_render(req, 404, &html);
	buf_release(&html);
}

/* ------------------------------------------------------------ dispatch */

/* fetch_live_flash's before_send: a flash set before a redirect waits in the session */
static void keep_flash(struct request *req)
{
	if (req->status >= 300 && req->status < 400 && (req->flash_info || req->flash_error)) {
		session_set_string(&req->session.flash_info, req->flash_info);
		session_set_string(&req->session.flash_error, req->flash_error);
		req->session_dirty = 1;
	}
}

static void action_done(struct request *req)
{
	if (req->job)
		return; /* still waiting: the span stays open */
	trace_span_stop(req->app->trace, NULL);
	keep_flash(req);
}

void router_dispatch(struct request *req)
{
	const struct route *r = route_find(req);
	const struct variant *variant = NULL;
	const struct live_view_def *live = NULL;

	if (!r && (req->method == HTTP_GET || req->method == HTTP_HEAD))
		live = live_view_route(req->path, &variant);

	if (r && r->scope == TEST_HOOK && (!req->app->test_hooks || !req->peer_loopback))
		r = NULL; /* a test hook is no route at all unless asked for, and only here */
	if (!r && !live) {
		/* Phoenix matches the route first: no route, no pipeline, no query */
		not_found(req);
		return;
	}
	if (r && r->scope == TEST_HOOK) {
		/* the :test_hooks pipeline: the session, nothing else (no CSRF: a tool calls it) */
		if (run_plug(req, "fetch_session", plug_fetch_session))
			goto done;
		goto action;
	}
	for (size_t i = 0; i < ARRAY_LEN(browser_pipeline); i++)
		if (run_plug(req, browser_pipeline[i].name, browser_pipeline[i].run))
			goto done;
	if (live) {
		/* live "/V/mission", MissionLive: every LiveView route needs an agent */
		if (!run_plug(req, "require_authenticated_user", plug_require_authenticated_user))
			live_page_render(req, live, variant);
		goto done;
	}
	if (r->scope == AUTHENTICATED &&
	    run_plug(req, "require_authenticated_user", plug_require_authenticated_user))
		goto done;
	if (r->scope == GUESTS_ONLY &&
	    run_plug(req, "redirect_if_user_is_authenticated", plug_redirect_if_user_is_authenticated))
		goto done;

action:;
	char phase[96];
	snprintf(phase, sizeof(phase), "controller:%s.%s", r->controller, r->action_name);
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "controller", r->controller);
	cJSON_AddStringToObject(f, "action", r->action_name);
	trace_span_start(req->app->trace, TRACE_SPAN_CONTROLLER, phase, f);
	r->action(req);
	action_done(req);
	return;
done:
	keep_flash(req);
}

void router_resume(struct request *req, struct password_job *job)
{
	resume_fn resume = req->resume;

	req->resume = NULL;
	resume(req, job);
	action_done(req);
}
