/*
 * lv_client.h: a synchronous "browser" for lvdemo, on libwebsockets' client
 * API: plain HTTP/1.1 requests with a cookie jar, the HTML that LiveView
 * pages carry (CSRF token, LiveView containers), and a Phoenix Channels V2
 * WebSocket ([join_ref, ref, topic, event, payload] JSON arrays).
 *
 * Why libwebsockets and not libcurl: Debian 12's libcurl (7.88) is built
 * without WebSocket support, and the client must speak HTTP and the socket
 * on one cookie jar. The Phoenix framing above the WebSocket is written
 * here from the protocol, not shared with lvdemo's: it is the check on the
 * server's.
 *
 * Each struct lvc owns one lws_context and nothing is global: one lvc per
 * thread, several threads at once, is fine; one lvc must not be used by two
 * threads at once. Every call services that context until it is done or
 * its time is up, so nothing happens between calls (a socket's incoming
 * messages wait in the kernel until the next call on any of the lvc's
 * objects). lws logs through its own global log level: a program that wants
 * quiet sets lws_set_log_level() itself.
 *
 * Errors: functions return -1 or NULL and, where they take ERR, write a
 * message there that names the request and the reason ("GET / on
 * 127.0.0.1:4000: no complete response within 5000 ms"). Strings returned
 * are owned by the caller unless said otherwise.
 */
#ifndef LVTRACE_LV_CLIENT_H
#define LVTRACE_LV_CLIENT_H

#include <stddef.h>

#include <cJSON.h>

#define LVC_DEFAULT_TIMEOUT_MS 5000
#define LVC_MAX_BODY_BYTES (64u * 1024 * 1024) /* a longer response is an error */
#define LVC_MAX_MESSAGE_BYTES (16u * 1024 * 1024) /* a longer WS message closes the socket */

struct lvc;
struct lvc_socket;

/* ---------------------------------------------------------------- client */

/*
 * A client for BASE_URL, "http://HOST[:PORT]" (a trailing "/" is allowed;
 * no other path, no https). The jar starts empty. Its context has room for
 * about 60 connections at once (each open socket is one). NULL with a
 * message in ERR when the URL is not of that form or lws cannot start.
 */
struct lvc *lvc_new(const char *base_url, char *err, size_t errlen);

/* Close every socket still open (their structs are freed too) and the lws
 * context. NULL is accepted. */
void lvc_free(struct lvc *c);

/* Time limit of each later request, socket open and push (default 5000 ms,
 * at least 1). Await calls take their own. */
void lvc_set_timeout(struct lvc *c, int timeout_ms);

/* "http://HOST:PORT", what lvc_socket_open sends as Origin by default. The
 * string belongs to C. */
const char *lvc_origin(const struct lvc *c);

/* ---------------------------------------------------------------- HTTP */

struct lvc_response {
	int status;	/* e.g. 200, 302 */
	char *location; /* the Location header, NULL if none */
	char *body;	/* NUL-terminated (the NUL is not counted), never NULL on success */
	size_t body_len;
};

/*
 * One request over a new connection ("connection: close"); redirects are
 * NOT followed. The Cookie header is built from the jar, and every
 * Set-Cookie of the response is applied to it (Max-Age <= 0 or an Expires
 * in the past deletes). METHOD is a token such as "GET" or "POST"; PATH
 * starts with '/' and holds no spaces or control characters. FORM, when not
 * NULL, is sent as the body with Content-Type
 * application/x-www-form-urlencoded and its Content-Length. EXTRA_HEADERS is
 * a NULL-terminated array of "name: value" strings, or NULL.
 *
 * Returns 0 with OUT filled (release it with lvc_response_release), or -1
 * with a message (connection refused, timeout, malformed response) and OUT
 * zeroed.
 */
int lvc_request(struct lvc *c, const char *method, const char *path, const char *form,
		const char *const *extra_headers, struct lvc_response *out, char *err,
		size_t errlen);

/* Free what OUT holds and zero it. NULL is accepted. */
void lvc_response_release(struct lvc_response *r);

/* ---------------------------------------------------------------- cookie jar */

/*
 * The jar holds name=value pairs for the one server of the lvc; Domain and
 * Path attributes are ignored (every cookie goes with every request), as
 * are Secure and HttpOnly.
 */

/* The value of cookie NAME (exact, case-sensitive), or NULL. The string
 * belongs to the jar and is valid until the jar changes. */
const char *lvc_cookie_get(const struct lvc *c, const char *name);

/* Set cookie NAME to VALUE, or delete it when VALUE is NULL. Returns 0, or
 * -1 when NAME is not a cookie name or VALUE holds ';', ',', spaces or
 * control characters (the jar is unchanged then). */
int lvc_cookie_set(struct lvc *c, const char *name, const char *value);

/* Number of cookies in the jar, and the I-th of them (in the order they
 * were first set): 0 with *NAME and *VALUE pointing into the jar, or -1
 * when I is out of range. */
size_t lvc_cookie_count(const struct lvc *c);
int lvc_cookie_at(const struct lvc *c, size_t i, const char **name, const char **value);

/*
 * Apply one Set-Cookie header value to the jar, as lvc_request does.
 * NOW is the current time in seconds (for Expires). Returns 1 when the jar
 * changed (set or deleted), 0 when the header was ignored (malformed).
 */
int lvc_cookie_apply(struct lvc *c, const char *set_cookie, long long now);

/* The Cookie header value the next request sends ("a=1; b=2"), or NULL
 * when the jar is empty or out of memory. Caller frees. */
char *lvc_cookie_header(const struct lvc *c);

/* ---------------------------------------------------------------- forms */

/*
 * Percent-encode S for an application/x-www-form-urlencoded body the way a
 * browser does: ALPHA, DIGIT and "*-._" stay, a space becomes '+', every
 * other byte becomes %XX. NULL when out of memory. Caller frees.
 */
char *lvc_urlencode(const char *s);

/*
 * Append "NAME=VALUE", both encoded, to the heap string *FORM (NULL to
 * start), with a '&' before it when *FORM is not empty. Returns 0, or -1
 * when out of memory (*FORM is then unchanged).
 */
int lvc_form_add(char **form, const char *name, const char *value);

/* ---------------------------------------------------------------- HTML */

/*
 * These read HTML that lvdemo produced but trust nothing: any byte string
 * is accepted, unterminated tags and quotes end the scan, and the contents
 * of <script>, <style> and comments are skipped. Attribute values are
 * unescaped (&amp; &quot; &#39; &apos; &lt; &gt; and numeric references).
 */

/* The content of <meta name="csrf-token" content="...">, or NULL. */
char *lvc_html_csrf_token(const char *html);

struct lvc_container {
	char *id;	    /* NULL when the element has none */
	char *session;	    /* data-phx-session, never NULL */
	char *static_token; /* data-phx-static, or NULL */
	char *parent_id;    /* data-phx-parent-id, or NULL */
	int main;	    /* 1 when data-phx-main is present */
};

/*
 * Every element that has a data-phx-session attribute, in document order,
 * into a new array *OUT of *N entries (*OUT is NULL when *N is 0). Returns
 * 0, or -1 when HTML is NULL or memory runs out (*OUT NULL, *N 0).
 */
int lvc_html_containers(const char *html, struct lvc_container **out, size_t *n);
void lvc_containers_free(struct lvc_container *v, size_t n);

/*
 * The error messages a page shows (its flash errors, then each form field's,
 * as "email: has already been taken"), joined with "; ", read with
 * libxml2's HTML parser. A new string ("" when there are none), or NULL when
 * memory runs out.
 */
char *lvc_html_errors(const char *html);

/* ---------------------------------------------------------------- WebSocket */

/*
 * Open a WebSocket to PATH_AND_QUERY (e.g.
 * "/live/websocket?vsn=2.0.0&_csrf_token=..."), with the jar's cookies and
 * no subprotocol. ORIGIN: NULL sends lvc_origin(c), "" sends no Origin,
 * anything else is sent as it is. Waits for the upgrade, up to the lvc's
 * timeout. Returns the socket (the lvc owns it too: lvc_free frees it; it
 * may already be closed when the server closed it at once), or NULL with a
 * message; *HTTP_STATUS (may be NULL) is set to the server's status when
 * it answered the upgrade with something other than 101, else to 0.
 */
struct lvc_socket *lvc_socket_open(struct lvc *c, const char *path_and_query, const char *origin,
				   int *http_status, char *err, size_t errlen);

/*
 * Open a WebSocket to PATH asking for SUBPROTOCOL (lvdemo's trace feed:
 * "/trace", "lvtrace.v1"), as lvc_socket_open does otherwise. Every
 * message that is JSON, of any shape, comes out of lvc_socket_next_push.
 */
struct lvc_socket *lvc_feed_open(struct lvc *c, const char *path, const char *subprotocol,
				 const char *origin, int *http_status, char *err, size_t errlen);

/*
 * Send [JOIN_REF, REF, TOPIC, EVENT, PAYLOAD]. REF is the next value of the
 * socket's counter ("1", "2", ...), written to REF_OUT (16 bytes, may be
 * NULL); JOIN_REF NULL sends null; PAYLOAD is consumed (NULL sends {}).
 * Returns 0 once the frame is handed to the kernel, -1 when the socket is
 * closed, on timeout or out of memory.
 */
int lvc_socket_push(struct lvc_socket *s, const char *join_ref, const char *topic,
		    const char *event, cJSON *payload, char *ref_out);

/*
 * Wait up to TIMEOUT_MS for the phx_reply whose ref is REF (a reply that
 * came earlier is kept until asked for). Returns the whole message array
 * (caller cJSON_Deletes it), or NULL on timeout or when the server closed
 * the socket (lvc_socket_closed tells which).
 */
cJSON *lvc_socket_await_reply(struct lvc_socket *s, const char *ref, int timeout_ms);

/*
 * The next message whose ref is null (a server push), waiting up to
 * TIMEOUT_MS (0: only what already came). Caller cJSON_Deletes it. NULL
 * when none came.
 */
cJSON *lvc_socket_next_push(struct lvc_socket *s, int timeout_ms);

/* Wait until the server closes the socket: 0 when it did (now or before),
 * -1 on timeout. */
int lvc_socket_await_close(struct lvc_socket *s, int timeout_ms);

/* 1 once the connection is gone (closed by either side or dropped). */
int lvc_socket_closed(const struct lvc_socket *s);

/* The close code the server sent (1000, 1011, ...), 1005 when its close
 * frame had none, 1006 when the connection dropped without one, 0 while
 * open or when we closed first. */
int lvc_socket_close_code(const struct lvc_socket *s);

/* Messages that were not [join_ref, ref, topic, event, payload] arrays
 * with string topic and event (they are dropped). */
unsigned long lvc_socket_malformed(const struct lvc_socket *s);

/* Close from our side (close frame 1000, waiting up to a second for the
 * server's answer) and free. NULL is accepted. */
void lvc_socket_close(struct lvc_socket *s);

#endif
