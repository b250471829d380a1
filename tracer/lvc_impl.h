/*
 * lvc_impl.h: the inside of the client library (lv_client.h), shared by
 * its files: lvc_core.c (the lws context, its service loop and callback,
 * the client), lvc_cookies.c, lvc_forms.c, lvc_html.c, lvc_http.c and
 * lvc_ws.c. Callers include lv_client.h only.
 */
#ifndef LVTRACE_LVC_IMPL_H
#define LVTRACE_LVC_IMPL_H

#include <ctype.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libwebsockets.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>

#include "lv_client.h"
#include "lws_header.h"
#include "util.h"


struct cookie {
	char *name;
	char *value;
};

struct lvc {
	struct lws_context *ctx;
	char address[256];     /* what lws connects to: "127.0.0.1", "::1" */
	int port;
	char host_header[300]; /* "127.0.0.1:4000", as a browser sends Host */
	char origin[310];      /* "http://127.0.0.1:4000" */
	int timeout_ms;
	struct cookie *cookies;
	size_t ncookies;
	size_t capcookies;
	struct lvc_socket *sockets; /* open sockets, freed by lvc_free */
	lws_sorted_usec_list_t deadline;
	int deadline_hit;
};

/* What a wsi's opaque user data points to: an HTTP transaction or a socket. */
enum conn_kind { CONN_HTTP = 1, CONN_WS };

struct conn {
	enum conn_kind kind;
	struct lvc *c;
	struct lws *wsi; /* NULL once lws destroyed it */
	const char *origin; /* during the handshake only: Origin to send, NULL for none */
	const char *const *extra_headers;
};

struct txn {
	struct conn conn;
	const char *form;
	size_t form_len;
	size_t form_sent;
	int head; /* a HEAD request: no body follows the headers */
	int done;
	int failed;
	char err[256];
	int status;
	char *location;
	struct buf body;
};

struct out_msg {
	struct out_msg *next;
	size_t len;
	unsigned char data[]; /* LWS_PRE bytes of headroom, then the text */
};

struct msg_node {
	struct msg_node *next;
	cJSON *msg;
};

struct msg_queue {
	struct msg_node *head;
	struct msg_node **tail;
};

struct lvc_socket {
	struct conn conn;
	int established;
	int failed;	 /* the upgrade did not happen */
	int closed;	 /* the connection is gone */
	int closing;	 /* we asked to close */
	int http_status; /* of the upgrade response */
	int close_code;
	char err[256];
	unsigned long next_ref;
	unsigned long malformed;
	int any_json;	 /* a feed: every JSON message is a push, not only Phoenix arrays */
	struct buf rx;
	struct out_msg *out;
	struct out_msg **out_tail;
	struct msg_queue replies;
	struct msg_queue pushes;
	struct lvc_socket *next; /* c->sockets */
};


/* ---------------------------------------------------------------- across the files */

/* lvc_core.c: the one protocol every connection uses, and no keep-alive retries */
extern const struct lws_protocols lvc_protocols[];
extern const lws_retry_bo_t lvc_no_keepalive;

/* lvc_core.c: service C's context until DONE(ARG) holds or TIMEOUT_MS passed: 0, or -1 on timeout. */
int lvc_run(struct lvc *c, int (*done)(void *), void *arg, int timeout_ms);
void lvc_conn_detach(struct conn *cn);
int lvc_is_token_char(unsigned char ch);
int lvc_is_space(char ch);
void lvc_txn_fail(struct txn *t, const char *why);
void lvc_queue_clear(struct msg_queue *q);
/* lvc_core.c: 0 when METHOD, PATH and HEADERS can go on the wire as they are, else -1 and ERR. */
int lvc_request_ok(const char *method, const char *path, const char *const *headers,
		      char *err, size_t errlen);
/* lvc_core.c: free S, its queues and buffers (it is no longer in its client's list). */
void lvc_socket_free_all(struct lvc_socket *s);

#endif
