/*
 * endpoint.c: the endpoint's plugs around the router: static assets, the
 * urlencoded body, the method override, and the end of every response
 * (the session cookie when the session changed, endpoint.stop). Reading
 * the wire and writing the answer are the transport's; routes are router.c's.
 */
#include "endpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "router.h"

void endpoint_start(struct request *req)
{
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "method", http_method_name(req->method));
	cJSON_AddStringToObject(f, "path", req->path);
	if (req->query && req->query[0])
		cJSON_AddStringToObject(f, "query", req->query);
	trace_emit(req->app->trace, TRACE_EV_ENDPOINT_START, f);
}

/* Plug.Session's before_send, then endpoint.stop: the response is complete. */
static void endpoint_finish(struct request *req)
{
	struct app *app = req->app;

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

void endpoint_refuse(struct request *req, int status, const char *text, int close)
{
	req->close_after = close;
	response_text(req, status, text);
	endpoint_finish(req);
}

void endpoint_abort(struct request *req)
{
	cJSON *f = cJSON_CreateObject();
	cJSON_AddBoolToObject(f, "aborted", 1);
	trace_emit(req->app->trace, TRACE_EV_ENDPOINT_STOP, f);
}

/* ------------------------------------------------------------ Plug.Static */

static const struct {
	const char *name;
	const char *type;
} assets[] = {
	{"app.js", "text/javascript; charset=utf-8"},
	{"phoenix.mjs", "text/javascript; charset=utf-8"},
	{"phoenix_live_view.esm.js", "text/javascript; charset=utf-8"},
};

/* GET /assets/NAME from the assets directory: a fixed list of files. */
static void serve_asset(struct request *req)
{
	const char *name = req->path + strlen("/assets/");

	for (size_t i = 0; i < ARRAY_LEN(assets); i++) {
		if (strcmp(assets[i].name, name) != 0)
			continue;
		struct buf path;
		buf_init(&path);
		buf_addf(&path, "%s/%s", req->app->assets_dir, name);
		FILE *f = fopen(buf_str(&path), "rb");
		buf_release(&path);
		if (!f) {
			response_text(req, 404, "Not Found: the asset is not installed (run make)\n");
			return;
		}
		struct buf body;
		char chunk[16384];
		size_t n;
		buf_init(&body);
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(&body, chunk, n);
		int failed = ferror(f);
		fclose(f);
		if (failed)
			response_text(req, 500, "Internal Server Error: cannot read the asset\n");
		else
			response_send(req, 200, assets[i].type, body.data ? body.data : "", body.len);
		response_header(req, "cache-control", "no-cache");
		buf_release(&body);
		return;
	}
	response_text(req, 404, "Not Found\n");
}

/* ------------------------------------------------------------ the request */

static int is_form_type(const char *type)
{
	static const char form[] = "application/x-www-form-urlencoded";
	return strncasecmp(type, form, sizeof(form) - 1) == 0 &&
	       (type[sizeof(form) - 1] == '\0' || type[sizeof(form) - 1] == ';' ||
		type[sizeof(form) - 1] == ' ');
}

void endpoint_call(struct request *req)
{
	char err[160];

	/* Plug.Static: assets are served before the router */
	if ((req->method == HTTP_GET || req->method == HTTP_HEAD) &&
	    strncmp(req->path, "/assets/", 8) == 0) {
		serve_asset(req);
		endpoint_finish(req);
		return;
	}
	/* Plug.Parsers */
	if (req->body.len > 0) {
		if (!is_form_type(req->content_type)) {
			endpoint_refuse(req, 415, "Unsupported Media Type: send a urlencoded form\n", 0);
			return;
		}
		if (form_parse(&req->params, req->body.data, req->body.len, err, sizeof(err)) < 0) {
			struct buf msg;
			buf_init(&msg);
			buf_addf(&msg, "Bad Request: %s\n", err);
			endpoint_refuse(req, 400, buf_str(&msg), 0);
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
	if (!req->job)
		endpoint_finish(req);
}

void endpoint_resume(struct request *req, struct password_job *job)
{
	router_resume(req, job);
	if (!req->job)
		endpoint_finish(req);
}
