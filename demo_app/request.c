/*
 * request.c: the request object's life and the response API: headers,
 * cookies, bodies and redirects composed in memory. Reading the request
 * from the connection and writing the answer to it are the transport's.
 */
#include "request.h"

#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "variant.h"

struct request *request_new(struct app *app, unsigned long id)
{
	struct request *req = xcalloc(1, sizeof(*req));

	req->app = app;
	req->id = id;
	req->start_us = trace_clock_us();
	trace_context_init(&req->tctx, "http", id);
	buf_init(&req->body);
	buf_init(&req->resp);
	form_init(&req->params);
	form_init(&req->query_params);
	session_init(&req->session);
	req->content_length = -1;
	return req;
}

void request_free(struct request *req)
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

const char *http_method_name(enum http_method m)
{
	static const char *const names[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OTHER"};
	return names[m];
}

const char *request_variant(const struct request *req)
{
	const char *p = req->path + 1;
	const char *slash = strchr(p, '/');
	const struct variant *v = variant_find(p, slash ? (size_t)(slash - p) : strlen(p));
	return v ? v->name : NULL;
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

void response_cookie(struct request *req, const char *name, const char *value, const char *attrs)
{
	struct buf c;

	buf_init(&c);
	buf_addf(&c, "%s=%s%s", name, value, attrs);
	response_header(req, "set-cookie", buf_str(&c));
	buf_release(&c);
}

int request_query_arg(struct request *req, struct buf *encoded, char *arg, size_t len)
{
	char enc[3 * 2048 + 1];
	int rc = utf8_valid(arg, len) ? 0 : -1;
	char *eq = strchr(arg, '=');

	if (eq)
		*eq = '\0';
	form_add(&req->query_params, arg, eq ? eq + 1 : "");
	if (encoded->len)
		buf_add(encoded, "&", 1);
	/* lws_urlencode cuts what does not fit ENC: an argument here is under 2 KiB */
	lws_urlencode(enc, arg, (int)sizeof(enc));
	buf_adds(encoded, enc);
	if (eq) {
		lws_urlencode(enc, eq + 1, (int)sizeof(enc));
		buf_addf(encoded, "=%s", enc);
	}
	return rc;
}

static const char *job_op(const struct password_job *job)
{
	return job->op == PASSWORD_HASH ? "hash" : "verify";
}

void request_await(struct request *req, struct password_job *job, resume_fn resume)
{
	int queued = 0;

	job->owner = req;
	if (password_pool_submit(req->app->passwords, job, &queued) == 0) {
		req->job = job;
		req->resume = resume;
		return;
	}
	/* a flood of log-ins must not make every later one wait behind it */
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "op", job_op(job));
	cJSON_AddNumberToObject(f, "queued", queued);
	trace_emit(req->app->trace, TRACE_EV_PASSWORD_REFUSED, f);
	password_job_free(job);
	response_header(req, "Retry-After", "1");
	response_text(req, 503, "Service Unavailable: too many passwords are being checked, try again\n");
}

void request_drop_job(struct request *req)
{
	struct password_job *job = req->job;

	if (!job)
		return;
	int unrun = password_pool_cancel(req->app->passwords, job);
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "op", job_op(job));
	cJSON_AddBoolToObject(f, "started", !unrun);
	trace_emit(req->app->trace, TRACE_EV_PASSWORD_DROPPED, f);
	if (unrun)
		password_job_free(job);
	else
		job->owner = NULL; /* the worker's result will be dropped */
	req->job = NULL;
}
