/*
 * app.h: lvdemo's shared state (one per process, owned by main.c) and the
 * request object that the HTTP layer hands to the router and controllers.
 */
#ifndef LVDEMO_APP_H
#define LVDEMO_APP_H

#include <stdint.h>

#include <libwebsockets.h>

#include "accounts.h"
#include "db.h"
#include "http_form.h"
#include "password.h"
#include "session.h"
#include "trace.h"
#include "util.h"

#define LVDEMO_VERSION "0.1.0"
#define MAX_BODY_BYTES (64 * 1024)
#define MAX_RESP_HEADERS 16

struct app {
	struct lws_context *lws;
	struct trace *trace;
	struct db db;
	struct accounts accounts;
	struct signer signer;
	struct password_pool *passwords;
	int bcrypt_cost;
	char dummy_hash[PASSWORD_HASH_MAX]; /* checked for unknown emails */
	char url[128];
	const char *assets_dir; /* LiveView's JavaScript client and app.js */
	int test_hooks;		/* --test-hooks: the routes a scenario runner uses */
	struct live_socket *sockets; /* every open LiveView socket (live_socket.c) */
	unsigned long next_socket_id;
	unsigned long next_request_id;
};

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP_OTHER };

struct request;
typedef void (*resume_fn)(struct request *req, struct password_job *job);

struct request {
	struct app *app;
	struct lws *wsi;
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
	long content_length; /* -1 when absent */
	struct buf body;
	struct form query_params; /* the query string's fields */
	struct form params;	  /* the body's fields: forms, _csrf_token, _method */
	int dispatched;		  /* handed to the router (once per request) */

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
	int close_after;
	int responded;
	int headers_sent;
	size_t sent;

	/* a controller waiting for a password job */
	struct password_job *job;
	resume_fn resume;
	char *stash; /* the action's own data while it waits, e.g. the email */
	long long stash_user_id;
	int remember_me;
};

/* ---- responses (http_server.c) ---- */
void response_header(struct request *req, const char *name, const char *value);
/* A Set-Cookie header: NAME=VALUE followed by ATTRS ("; path=/; HttpOnly..."). */
void response_cookie(struct request *req, const char *name, const char *value, const char *attrs);
/* "GET", "POST", ... */
const char *http_method_name(enum http_method m);
/* A copy of request header H, or NULL when absent. */
/* 1 when the request's peer is a loopback address (127.0.0.0/8, ::1). */
int request_from_loopback(const struct request *req);
void response_send(struct request *req, int status, const char *type, const void *data, size_t len);
void response_html(struct request *req, int status, const char *html);
void response_text(struct request *req, int status, const char *text);
void response_redirect(struct request *req, const char *to);
/* Queue a password job; RESUME runs on the event loop when it is done. */
void request_await(struct request *req, struct password_job *job, resume_fn resume);

/* ---- the router (router.c) ---- */
/* Run the pipeline and the action for REQ; responds or awaits a job. */
void router_dispatch(struct request *req);
/* Continue after a job; responds or awaits again. */
void router_resume(struct request *req, struct password_job *job);
/* Finish a composed response: session cookie, flash, endpoint.stop. */
void router_finish(struct request *req);

/* ---- the lws protocol (http_server.c) ---- */
int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		  size_t len);
/* The one protocol lvdemo serves (HTTP, and LiveView's socket after an upgrade). */
extern const struct lws_protocols http_protocols[];

#endif
