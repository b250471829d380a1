/*
 * libFuzzer harness: bytes in, a response out, through the whole request
 * path (endpoint.c, router.c, the plugs, the controllers, the dead render
 * of the LiveViews) with an in-memory database holding one agent, and no
 * network. lws parses the wire in lvdemo; here the input is a request in a
 * simple text form, split by the harness:
 *
 *   METHOD SP TARGET [SP anything]      the request line ("GET /?a=b HTTP/1.1")
 *   Name: value                         headers, one a line, until an empty line
 *
 *   body                                the rest of the input
 *
 * Lines end with "\n" (a "\r" before it is dropped). TARGET is the path,
 * then "?" and the query; both are percent-decoded ('+' is a space in the
 * query) and the query is split at '&' into arguments, as lws hands them
 * to protocol_http.c, which this harness follows for the rest: the
 * headers it reads (cookie, content-type, x-csrf-token, content-length,
 * transfer-encoding), the refusals HTTP itself decides, then the endpoint.
 * Two liberties, so that mutated bodies stay bodies: a body without a
 * content-length is taken as sent (lws would refuse it, 411), and a
 * content-length longer than the body takes the body there is. A header
 * "x-fuzz-peer: remote" makes the peer a remote one (test hooks refused).
 *
 * Placeholders stand for what this run signs: @AGENT@ (the value of a
 * _lvdemo_key cookie for the logged-in agent), @GUEST@ (one without a user,
 * with the same CSRF token), @REMEMBER@ (a remember-me cookie of the
 * agent), @CSRF@ (a masked CSRF token of both sessions). Each input gets a
 * fresh database, so an input that registers or logs out is replayed alike.
 *
 * Checked: a status from 100 to 599, a response composed and no job left
 * waiting; header values without CR or LF; a redirect has a location; a
 * session cookie set decodes again; a LiveView page renders (200) only for
 * a request that carried the agent's cookie.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libwebsockets.h>

#include "endpoint.h"
#include "fuzz_app.h"
#include "live_view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { SUB_AGENT, SUB_GUEST, SUB_REMEMBER, SUB_CSRF };

static struct fuzz_app fa;

static void fuzz_app_free_at_exit(void)
{
	fuzz_app_close(&fa);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* S[0..N) percent-decoded (PLUS: '+' is a space) as a new string; NUL bytes end it. */
static char *decode(const char *s, size_t n, int plus)
{
	char *out = xmalloc(n + 1);
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			out[o++] = plus && s[i] == '+' ? ' ' : s[i];
		}
	}
	out[o] = '\0';
	return out;
}

static enum http_method method_named(const char *m, size_t n)
{
	static const char *const names[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};

	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strlen(names[i]) == n && memcmp(names[i], m, n) == 0)
			return (enum http_method)i;
	return HTTP_OTHER;
}

/* The query's arguments into REQ, as protocol_http.c's read_query: 0, -1 (not UTF-8), -2 (too long). */
static int read_query(struct request *req, const char *q, size_t qlen)
{
	struct buf out;
	int bad = 0;

	buf_init(&out);
	while (qlen > 0) {
		const char *amp = memchr(q, '&', qlen);
		size_t n = amp ? (size_t)(amp - q) : qlen;
		char *frag = decode(q, n, 1);
		q += amp ? n + 1 : n;
		qlen -= amp ? n + 1 : n;
		if (n == 0) {
			free(frag);
			continue;
		}
		if (strlen(frag) >= 2048) {
			bad = 2;
			free(frag);
			continue;
		}
		if (request_query_arg(req, &out, frag, strlen(frag)) < 0)
			bad = 1;
		free(frag);
	}
	req->query = xstrdup(buf_str(&out));
	buf_release(&out);
	return bad == 2 ? -2 : bad ? -1 : 0;
}

/* The next line of *P (up to END), without its "\r\n"; *LEN its length. NULL at the end. */
static const char *next_line(const char **p, const char *end, size_t *len)
{
	if (*p >= end)
		return NULL;
	const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));
	const char *e = nl ? nl : end;
	*p = nl ? nl + 1 : end;
	*len = (size_t)(e - s);
	if (*len > 0 && s[*len - 1] == '\r')
		(*len)--;
	return s;
}

static void set_header(char **field, const char *v, size_t n)
{
	free(*field);
	*field = xstrndup(v, n);
}

/* Parse TEXT into REQ; 0, or the status HTTP itself refuses it with (*WHY says why). */
static int request_parse(struct request *req, const char *text, size_t len, const char **why)
{
	const char *p = text, *end = text + len, *line;
	size_t n;
	int chunked = 0, bad_length = 0;

	line = next_line(&p, end, &n);
	if (!line)
		line = "", n = 0;
	const char *sp = memchr(line, ' ', n);
	req->method = method_named(line, sp ? (size_t)(sp - line) : n);
	const char *target = sp ? sp + 1 : line + n;
	size_t tlen = (size_t)(line + n - target);
	const char *sp2 = memchr(target, ' ', tlen);
	if (sp2)
		tlen = (size_t)(sp2 - target);
	const char *qmark = memchr(target, '?', tlen);
	size_t plen = qmark ? (size_t)(qmark - target) : tlen;
	req->path = plen ? decode(target, plen, 0) : xstrdup("/");
	if (!req->path[0]) {
		free(req->path);
		req->path = xstrdup("/"); /* protocol_http.c: no URI is "/" */
	}

	while ((line = next_line(&p, end, &n)) && n > 0) {
		const char *colon = memchr(line, ':', n);
		if (!colon)
			continue;
		size_t nl = (size_t)(colon - line);
		const char *v = colon + 1;
		size_t vl = n - nl - 1;
		while (vl > 0 && (*v == ' ' || *v == '\t'))
			v++, vl--;
		if (nl == 6 && strncasecmp(line, "cookie", 6) == 0)
			set_header(&req->cookie, v, vl);
		else if (nl == 12 && strncasecmp(line, "content-type", 12) == 0)
			set_header(&req->content_type, v, vl);
		else if (nl == 12 && strncasecmp(line, "x-csrf-token", 12) == 0)
			set_header(&req->csrf_header, v, vl);
		else if (nl == 11 && strncasecmp(line, "x-fuzz-peer", 11) == 0)
			req->peer_loopback = !(vl == 6 && memcmp(v, "remote", 6) == 0);
		else if (nl == 17 && strncasecmp(line, "transfer-encoding", 17) == 0)
			chunked = 1;
		else if (nl == 14 && strncasecmp(line, "content-length", 14) == 0) {
			char *cl = xstrndup(v, vl), *e = NULL;
			long cv = strtol(cl, &e, 10);
			req->content_length = e != cl && *e == '\0' && cv >= 0 ? cv : -2;
			bad_length = req->content_length == -2;
			free(cl);
		}
	}
	if (!req->cookie)
		req->cookie = xstrdup("");
	if (!req->content_type)
		req->content_type = xstrdup("");
	/* the body: the rest, or as much of it as content-length says */
	size_t blen = (size_t)(end - p);
	if (req->content_length >= 0 && (size_t)req->content_length < blen)
		blen = (size_t)req->content_length;
	buf_add(&req->body, p, blen);

	int bad_query = read_query(req, qmark ? qmark + 1 : "", qmark ? tlen - plen - 1 : 0);
	int has_body = req->method == HTTP_POST || req->method == HTTP_PUT ||
		       req->method == HTTP_PATCH || req->method == HTTP_DELETE;
	/* the order of protocol_http.c's request_start */
	if (strlen(req->path) > MAX_LINE_BYTES)
		return *why = "URI Too Long\n", 414;
	if (req->method == HTTP_OTHER)
		return *why = "Method Not Allowed\n", 405;
	if (bad_query == -2)
		return *why = "URI Too Long: a query argument is over 2 KiB\n", 414;
	if (!utf8_valid(req->path, strlen(req->path)) || bad_query)
		return *why = "Bad Request: the URL is not valid UTF-8\n", 400;
	if (bad_length)
		return *why = "Bad Request: malformed Content-Length\n", 400;
	if (req->content_length > MAX_BODY_BYTES || req->body.len > MAX_BODY_BYTES)
		return *why = "Payload Too Large\n", 413;
	if (chunked)
		return *why = "Length Required\n", 411;
	if (has_body && req->method != HTTP_DELETE && req->content_length < 0 && req->body.len > 0)
		req->content_length = (long)req->body.len; /* a body with no length: take it as sent */
	return 0;
}

static const char *header_of(const struct request *req, const char *name)
{
	for (int i = 0; i < req->nheaders; i++)
		if (strcmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

static void check_response(struct request *req, unsigned used, int live_route)
{
	if (!req->responded || req->job || req->status < 100 || req->status > 599)
		abort();
	for (int i = 0; i < req->nheaders; i++) {
		const char *name = req->headers[i].name;
		size_t n = strlen(name);
		if (n < 2 || name[n - 1] != ':' || strpbrk(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ \r\n"))
			abort(); /* lowercase, with its colon */
		if (strpbrk(req->headers[i].value, "\r\n"))
			abort(); /* a header's value never starts another header */
		if (strcmp(name, "set-cookie:") == 0 &&
		    strncmp(req->headers[i].value, SESSION_COOKIE "=", strlen(SESSION_COOKIE) + 1) == 0) {
			const char *v = req->headers[i].value + strlen(SESSION_COOKIE) + 1;
			char *value = xstrndup(v, strcspn(v, ";"));
			struct session s;
			session_init(&s);
			if (session_decode(&s, &fa.app.signer, value, time(NULL)) < 0)
				abort(); /* lvdemo reads back every session it writes */
			session_release(&s);
			free(value);
		}
	}
	if ((req->status == 301 || req->status == 302 || req->status == 303) &&
	    !header_of(req, "location:"))
		abort();
	if (live_route && req->status == 200 && !(used & (1u << SUB_AGENT | 1u << SUB_REMEMBER)))
		abort(); /* a LiveView page for someone who never logged in */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static unsigned long next_id;
	const char *why = NULL;

	if (!ready) {
		fuzz_app_open(&fa, 1);
		atexit(fuzz_app_free_at_exit);
		ready = 1;
	} else {
		fuzz_app_reset_db(&fa);
	}
	const struct fuzz_subst subst[] = {
		[SUB_AGENT] = {"@AGENT@", fa.agent_session},
		[SUB_GUEST] = {"@GUEST@", fa.guest_session},
		[SUB_REMEMBER] = {"@REMEMBER@", fa.remember_me},
		[SUB_CSRF] = {"@CSRF@", fa.csrf},
	};
	size_t len;
	unsigned used;
	char *text = fuzz_expand((const char *)data, size, subst, ARRAY_LEN(subst), &len, &used);

	struct request *req = request_new(&fa.app, ++next_id);
	req->peer_loopback = 1;
	int refused = request_parse(req, text, len, &why);
	const char *variant = request_variant(req);
	if (variant)
		snprintf(req->tctx.variant, sizeof(req->tctx.variant), "%s", variant);
	trace_set_context(fa.app.trace, &req->tctx);
	endpoint_start(req);
	if (refused) {
		endpoint_refuse(req, refused, why, 1);
	} else {
		req->dispatched = 1;
		endpoint_call(req);
		fuzz_app_await(&fa, req);
	}
	trace_set_context(fa.app.trace, NULL);

	const struct variant *v = NULL;
	int live_route = !refused && (req->method == HTTP_GET || req->method == HTTP_HEAD) &&
			 live_view_route(req->path, &v) != NULL;
	check_response(req, used, live_route);
	request_free(req);
	free(text);
	return 0;
}
