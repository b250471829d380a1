/*
 * request.h: one HTTP request and the response composed for it, as data
 * (Plug's conn): what the client sent, conn.assigns and the session as the
 * plugs leave them, and the status, headers and body of the answer. The
 * transport fills it from the wire and writes the answer out; every layer
 * between reads and composes through this header alone.
 */
#ifndef LVDEMO_REQUEST_H
#define LVDEMO_REQUEST_H

#include <stdint.h>

#include "app.h"
#include "http_form.h"
#include "session.h"

#define MAX_BODY_BYTES (64 * 1024)
#define MAX_LINE_BYTES 8192 /* the request line, and the headers together (Phoenix's adapters' 8 KB) */
#define MAX_RESP_HEADERS 16

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP_OTHER };

struct lws;
struct request;
typedef void (*resume_fn)(struct request *req, struct password_job *job);

struct request {
	struct app *app;
	struct lws *wsi; /* the transport's connection: only the transport touches it */
	unsigned long id;
	struct trace_context tctx;
	uint64_t start_us;

	/* what the client sent */
	enum http_method method;
	char *path;	   /* decoded by lws, e.g. "/users/log_in" */
	char *query;	   /* "a=b&c=d" with each pair decoded, "" when none */
	char *cookie;	   /* the Cookie header, "" when none */
	char *content_type;
	char *csrf_header; /* x-csrf-token */
	long content_length; /* -1 when absent, -2 when malformed */
	int peer_loopback;   /* the peer is 127.0.0.0/8 or ::1 */
	struct buf body;
	struct form query_params; /* the query string's fields */
	struct form params;	  /* the body's fields: forms, _csrf_token, _method */
	int dispatched;		  /* handed to the endpoint (once per request) */

	/* conn.assigns and the session, as plugs leave them */
	struct session session;
	int session_dirty;
	struct user *current_user;
	char *flash_info; /* flash to show on this page */
	char *flash_error;

	/* the response, once composed */
	int status;
	struct {
		char *name; /* lowercase, with the colon: "location:" */
		char *value;
	} headers[MAX_RESP_HEADERS];
	int nheaders;
	struct buf resp;
	int close_after; /* answer with "connection: close" and hang up */
	int responded;

	/* a controller waiting for a password job */
	struct password_job *job;
	resume_fn resume;
	char *stash; /* the action's own data while it waits, e.g. the email */
	long long stash_user_id;
	int remember_me;
};

/*
 * One argument of REQ's query, as the transport decoded it: ARG (LEN bytes,
 * NUL-terminated) is "name=value" or "name", split in place. Kept in
 * req->query_params, and appended, encoded again, to ENCODED: the query
 * string user_return_to keeps. Returns 0, or -1 when it is not UTF-8 (kept
 * all the same: the caller answers 400).
 */
int request_query_arg(struct request *req, struct buf *encoded, char *arg, size_t len);

/* A new request of APP, numbered ID, with nothing read yet. Never NULL. */
struct request *request_new(struct app *app, unsigned long id);
/* Free REQ and all it owns; a job it waits for is dropped when it returns. NULL is fine. */
void request_free(struct request *req);

/* "GET", "POST", ... */
const char *http_method_name(enum http_method m);
/* The variant named by the first segment of REQ's path ("/assign/mission"), or NULL. */
const char *request_variant(const struct request *req);

/* ---- composing the response ---- */
void response_header(struct request *req, const char *name, const char *value);
/* A Set-Cookie header: NAME=VALUE followed by ATTRS ("; path=/; HttpOnly..."). */
void response_cookie(struct request *req, const char *name, const char *value, const char *attrs);
void response_send(struct request *req, int status, const char *type, const void *data, size_t len);
void response_html(struct request *req, int status, const char *html);
void response_text(struct request *req, int status, const char *text);
void response_redirect(struct request *req, const char *to);

/*
 * Hand JOB to the password workers; RESUME(REQ, JOB) runs on the event loop
 * when it is done. Until then REQ has no response and the transport reads
 * nothing more from its connection. When as many jobs as the queue holds
 * already wait, REQ is answered 503 with Retry-After instead, JOB freed
 * and a password.refused line written.
 */
void request_await(struct request *req, struct password_job *job, resume_fn resume);
/*
 * The client of REQ left while its job was queued or running: a queued one
 * is taken back unrun, a running one's result will be dropped; a
 * password.dropped line says which. Nothing when REQ waits for no job.
 */
void request_drop_job(struct request *req);

#endif
