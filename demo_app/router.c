/*
 * router.c: the routes, the browser pipeline's own plugs (fetch_session,
 * fetch_live_flash, protect_from_forgery, put_secure_browser_headers), and
 * the end of every request: flash, session cookie, endpoint.stop. Each
 * plug and action runs inside a traced phase.
 */
#include "router.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csrf.h"
#include "live_page.h"
#include "live_view.h"
#include "variant.h"

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
	{HTTP_GET, "/", PUBLIC, "Page", "home", page_home},
	{HTTP_GET, "/users/register", GUESTS_ONLY, "UserRegistration", "new", registration_new},
	{HTTP_POST, "/users/register", GUESTS_ONLY, "UserRegistration", "create", registration_create},
	{HTTP_GET, "/users/log_in", GUESTS_ONLY, "UserSession", "new", session_new},
	{HTTP_POST, "/users/log_in", GUESTS_ONLY, "UserSession", "create", session_create},
	{HTTP_DELETE, "/users/log_out", PUBLIC, "UserSession", "delete", session_delete},
	{HTTP_POST, "/test/expire-token", TEST_HOOK, "TestHooks", "expire_token", test_hook_expire_token},
};

const char *request_variant(const struct request *req)
{
	const char *p = req->path + 1;
	const char *slash = strchr(p, '/');
	const struct variant *v = variant_find(p, slash ? (size_t)(slash - p) : strlen(p));
	return v ? v->name : NULL;
}

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

/* ------------------------------------------------------------ helpers */

void put_flash(struct request *req, const char *kind, const char *msg)
{
	char **slot = strcmp(kind, "error") == 0 ? &req->flash_error : &req->flash_info;
	free(*slot);
	*slot = xstrdup(msg);
}

void request_page(struct request *req, struct page *page, const char *title, char *csrf)
{
	if (!req->session.csrf_token[0]) {
		if (csrf_new_token(req->session.csrf_token) < 0)
			req->session.csrf_token[0] = '\0';
		req->session_dirty = 1;
	}
	if (csrf_mask(req->session.csrf_token, csrf) < 0)
		csrf[0] = '\0';
	memset(page, 0, sizeof(*page));
	page->title = title;
	page->csrf_token = csrf;
	page->user_email = req->current_user ? req->current_user->email : NULL;
	page->flash_info = req->flash_info;
	page->flash_error = req->flash_error;
}

void render(struct request *req, int status, struct buf *html)
{
	response_html(req, status, buf_str(html));
}

/* Before any plug ran: no session is read or written, so no CSRF token. */
static void not_found(struct request *req)
{
	struct page page = {.title = "Not found", .csrf_token = ""};
	struct buf html;

	buf_init(&html);
	view_not_found(&html, &page, req->path);
	render(req, 404, &html);
	buf_release(&html);
}

/* ------------------------------------------------------------ dispatch */

static void action_done(struct request *req)
{
	if (req->job)
		return; /* still waiting: the span stays open */
	trace_span_stop(req->app->trace, NULL);
	router_finish(req);
}

void router_dispatch(struct request *req)
{
	const struct route *r = route_find(req);
	const struct variant *variant = NULL;
	const struct live_view_def *live = NULL;

	/* Plug.Static: assets are served by the endpoint, before the router */
	if ((req->method == HTTP_GET || req->method == HTTP_HEAD) &&
	    strncmp(req->path, "/assets/", 8) == 0) {
		live_page_asset(req, req->app->assets_dir);
		goto done;
	}
	if (!r && (req->method == HTTP_GET || req->method == HTTP_HEAD))
		live = live_view_route(req->path, &variant);

	if (r && r->scope == TEST_HOOK && (!req->app->test_hooks || !request_from_loopback(req)))
		r = NULL; /* a test hook is no route at all unless asked for, and only here */
	if (!r && !live) {
		/* Phoenix matches the route first: no route, no pipeline, no query */
		not_found(req);
		goto done;
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
	router_finish(req);
}

void router_resume(struct request *req, struct password_job *job)
{
	resume_fn resume = req->resume;

	req->resume = NULL;
	resume(req, job);
	action_done(req);
}

void router_finish(struct request *req)
{
	struct app *app = req->app;

	/* a flash set before a redirect survives in the session until shown */
	if (req->status >= 300 && req->status < 400 && (req->flash_info || req->flash_error)) {
		session_set_string(&req->session.flash_info, req->flash_info);
		session_set_string(&req->session.flash_error, req->flash_error);
		req->session_dirty = 1;
	}
	if (req->session_dirty) {
		char *value = session_encode(&req->session, &app->signer, time(NULL));
		response_cookie(req, SESSION_COOKIE, value, "; path=/; HttpOnly; SameSite=Lax");
		free(value);
	}
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "method", http_method_name(req->method));
	cJSON_AddStringToObject(f, "path", req->path);
	cJSON_AddNumberToObject(f, "status", req->status);
	cJSON_AddNumberToObject(f, "duration_us", (double)(trace_clock_us() - req->start_us));
	trace_emit(app->trace, TRACE_EV_ENDPOINT_STOP, f);
}
