/*
 * lv_client.c: a synchronous HTTP and WebSocket client for lvdemo on
 * libwebsockets' client API, with a cookie jar, form encoding and the few
 * HTML readers a LiveView page needs. Each call services the lvc's own
 * lws_context until done or out of time. What a scenario does with the
 * pages and messages is left to the caller (lvtrace's runner, the tests).
 */
#include "lv_client.h"

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

#include "lws_header.h"
#include "util.h"

/* ================================================================ state */

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
	struct buf rx;
	struct out_msg *out;
	struct out_msg **out_tail;
	struct msg_queue replies;
	struct msg_queue pushes;
	struct lvc_socket *next; /* c->sockets */
};

/* ================================================================ service */

static void deadline_fired(lws_sorted_usec_list_t *sul)
{
	struct lvc *c = lws_container_of(sul, struct lvc, deadline);
	c->deadline_hit = 1;
	/* lws runs ripe timers before it polls, in the same lws_service():
	 * without this wake-up it would go on to wait for socket activity */
	lws_cancel_service(c->ctx);
}

/* Service C's context until DONE(ARG) holds or TIMEOUT_MS passed.
 * Returns 0 when done, -1 on timeout. */
static int lvc_run(struct lvc *c, int (*done)(void *), void *arg, int timeout_ms)
{
	if (done(arg))
		return 0;
	if (timeout_ms <= 0) {
		lws_service(c->ctx, -1); /* what is already there, without waiting */
		return done(arg) ? 0 : -1;
	}
	c->deadline_hit = 0;
	lws_sul_schedule(c->ctx, 0, &c->deadline, deadline_fired,
			 (lws_usec_t)timeout_ms * LWS_US_PER_MS);
	while (!done(arg) && !c->deadline_hit)
		if (lws_service(c->ctx, 0) < 0)
			break;
	lws_sul_cancel(&c->deadline);
	return done(arg) ? 0 : -1;
}

/* Let go of a wsi we no longer follow: lws closes it at its next service. */
static void conn_detach(struct conn *cn)
{
	if (!cn->wsi)
		return;
	lws_set_opaque_user_data(cn->wsi, NULL);
	lws_set_timeout(cn->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
	cn->wsi = NULL;
}

/* ================================================================ cookies */

static int is_token_char(unsigned char ch)
{
	return ch > 32 && ch < 127 && !strchr("()<>@,;:\\\"/[]?={}", ch);
}

static int cookie_name_ok(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_token_char((unsigned char)s[i]))
			return 0;
	return 1;
}

/* RFC 6265 cookie-octet, plus what browsers accept except separators. */
static int cookie_value_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch <= 32 || ch == 127 || ch == ';' || ch == ',' || ch == '"' || ch == '\\')
			return 0;
	}
	return 1;
}

static struct cookie *cookie_find(const struct lvc *c, const char *name, size_t n)
{
	for (size_t i = 0; i < c->ncookies; i++)
		if (strlen(c->cookies[i].name) == n && memcmp(c->cookies[i].name, name, n) == 0)
			return &c->cookies[i];
	return NULL;
}

static void cookie_delete(struct lvc *c, const char *name, size_t n)
{
	struct cookie *k = cookie_find(c, name, n);
	if (!k)
		return;
	free(k->name);
	free(k->value);
	size_t i = (size_t)(k - c->cookies);
	memmove(&c->cookies[i], &c->cookies[i + 1], (c->ncookies - i - 1) * sizeof(*k));
	c->ncookies--;
}

/* Set NAME (N bytes) to VALUE (VN bytes), both already checked. */
static int cookie_store(struct lvc *c, const char *name, size_t n, const char *value, size_t vn)
{
	char *v = xstrndup(value, vn);
	if (!v)
		return -1;
	struct cookie *k = cookie_find(c, name, n);
	if (k) {
		free(k->value);
		k->value = v;
		return 0;
	}
	if (c->ncookies == c->capcookies) {
		size_t cap = c->capcookies ? 2 * c->capcookies : 8;
		struct cookie *a = realloc(c->cookies, cap * sizeof(*a));
		if (!a) {
			free(v);
			return -1;
		}
		c->cookies = a;
		c->capcookies = cap;
	}
	char *nm = xstrndup(name, n);
	if (!nm) {
		free(v);
		return -1;
	}
	c->cookies[c->ncookies++] = (struct cookie){.name = nm, .value = v};
	return 0;
}

const char *lvc_cookie_get(const struct lvc *c, const char *name)
{
	if (!c || !name)
		return NULL;
	struct cookie *k = cookie_find(c, name, strlen(name));
	return k ? k->value : NULL;
}

int lvc_cookie_set(struct lvc *c, const char *name, const char *value)
{
	if (!c || !name || !cookie_name_ok(name, strlen(name)))
		return -1;
	if (!value) {
		cookie_delete(c, name, strlen(name));
		return 0;
	}
	if (!cookie_value_ok(value, strlen(value)))
		return -1;
	return cookie_store(c, name, strlen(name), value, strlen(value));
}

size_t lvc_cookie_count(const struct lvc *c)
{
	return c ? c->ncookies : 0;
}

int lvc_cookie_at(const struct lvc *c, size_t i, const char **name, const char **value)
{
	if (!c || i >= c->ncookies)
		return -1;
	if (name)
		*name = c->cookies[i].name;
	if (value)
		*value = c->cookies[i].value;
	return 0;
}

char *lvc_cookie_header(const struct lvc *c)
{
	struct buf b = {0};

	if (!c || !c->ncookies)
		return NULL;
	for (size_t i = 0; i < c->ncookies; i++) {
		if (i)
			buf_adds(&b, "; ");
		buf_adds(&b, c->cookies[i].name);
		buf_adds(&b, "=");
		buf_adds(&b, c->cookies[i].value);
	}
	if (b.failed) {
		buf_release(&b);
		return NULL;
	}
	return buf_take(&b);
}

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Trim blanks around [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
	while (*n && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((*s)[*n - 1]))
		(*n)--;
}

/*
 * An Expires date in one of the HTTP date formats: RFC 1123 ("Thu, 01 Jan
 * 1970 00:00:00 GMT"), with dashes as Netscape wrote it, RFC 850
 * ("Thursday, 01-Jan-70 ..."), asctime ("Thu Jan  1 00:00:00 1970"). Read
 * with strptime in the C locale (month names are English whatever the
 * user's locale) and timegm. Returns 0 with seconds since the epoch in
 * *OUT, or -1.
 */
static int cookie_date(const char *s, size_t n, long long *out)
{
	static const char *const formats[] = {
		"%a, %d %b %Y %H:%M:%S", "%a, %d-%b-%Y %H:%M:%S", "%A, %d-%b-%y %H:%M:%S",
		"%a %b %d %H:%M:%S %Y",
	};
	char text[128];
	int rc = -1;

	if (n >= sizeof(text))
		return -1;
	memcpy(text, s, n);
	text[n] = '\0';
	locale_t c = newlocale(LC_TIME_MASK, "C", (locale_t)0);
	if (c == (locale_t)0)
		return -1;
	locale_t before = uselocale(c);
	for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]) && rc < 0; f++) {
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		const char *end = strptime(text, formats[f], &tm);
		if (!end)
			continue;
		end += strspn(end, " ");
		/* the zone, when there is one, is GMT (RFC 7231: always) */
		if (*end && strcasecmp(end, "GMT") != 0 && strcasecmp(end, "UTC") != 0)
			continue;
		time_t t = timegm(&tm);
		if (t == (time_t)-1 && tm.tm_year != 69)
			continue;
		*out = (long long)t;
		rc = 0;
	}
	uselocale(before);
	freelocale(c);
	return rc;
}

int lvc_cookie_apply(struct lvc *c, const char *sc, long long now)
{
	if (!c || !sc)
		return 0;
	const char *semi = strchr(sc, ';');
	size_t pair_len = semi ? (size_t)(semi - sc) : strlen(sc);
	const char *eq = memchr(sc, '=', pair_len);
	if (!eq)
		return 0; /* a nameless cookie: ignored */
	const char *name = sc, *value = eq + 1;
	size_t nlen = (size_t)(eq - sc), vlen = pair_len - nlen - 1;
	trim(&name, &nlen);
	trim(&value, &vlen);
	if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
		value++;
		vlen -= 2;
	}
	if (!cookie_name_ok(name, nlen) || !cookie_value_ok(value, vlen))
		return 0;

	int have_max_age = 0, have_expires = 0;
	long long max_age = 0, expires = 0;
	const char *p = semi;
	while (p && *p) {
		p++; /* the ';' */
		const char *end = strchr(p, ';');
		size_t alen = end ? (size_t)(end - p) : strlen(p);
		const char *aeq = memchr(p, '=', alen);
		const char *an = p, *av = aeq ? aeq + 1 : p + alen;
		size_t anl = aeq ? (size_t)(aeq - p) : alen, avl = aeq ? alen - anl - 1 : 0;
		trim(&an, &anl);
		trim(&av, &avl);
		if (anl == 7 && strncasecmp(an, "max-age", 7) == 0) {
			/* a leading '-' or digits only, else the attribute is ignored */
			size_t i = av[0] == '-' ? 1 : 0;
			if (avl > i && avl - i <= 18) {
				long long v = 0;
				size_t j = i;
				while (j < avl && av[j] >= '0' && av[j] <= '9')
					v = v * 10 + (av[j++] - '0');
				if (j == avl) {
					have_max_age = 1;
					max_age = i ? -v : v;
				}
			} else if (avl > i + 18 && av[i] >= '0' && av[i] <= '9' && av[0] != '-') {
				have_max_age = 1; /* absurdly long: forever */
				max_age = 1;
			}
		} else if (anl == 7 && strncasecmp(an, "expires", 7) == 0) {
			long long t;
			if (cookie_date(av, avl, &t) == 0) {
				have_expires = 1;
				expires = t;
			}
		}
		p = end;
	}
	if ((have_max_age && max_age <= 0) || (!have_max_age && have_expires && expires <= now)) {
		cookie_delete(c, name, nlen);
		return 1;
	}
	return cookie_store(c, name, nlen, value, vlen) == 0 ? 1 : 0;
}

/* ================================================================ forms */

char *lvc_urlencode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!s)
		return NULL;
	size_t n = strlen(s);
	if (n > (SIZE_MAX - 1) / 3)
		return NULL;
	char *out = malloc(3 * n + 1), *q = out;
	if (!out)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) && *p < 128)
			*q++ = (char)*p;
		else if (*p == '*' || *p == '-' || *p == '.' || *p == '_')
			*q++ = (char)*p;
		else if (*p == ' ')
			*q++ = '+';
		else {
			*q++ = '%';
			*q++ = hex[*p >> 4];
			*q++ = hex[*p & 15];
		}
	}
	*q = '\0';
	return out;
}

/*
 * Not lws_urlencode: it truncates silently when the output buffer is too
 * small (the caller cannot size it without encoding first) and escapes
 * "-._*" that browsers leave alone, so the bodies would not be the ones a
 * browser posts. Encoding is the few lines above.
 */
int lvc_form_add(char **form, const char *name, const char *value)
{
	if (!form || !name || !value)
		return -1;
	char *n = lvc_urlencode(name), *v = lvc_urlencode(value);
	size_t old = *form ? strlen(*form) : 0;
	char *f = NULL;
	if (n && v)
		f = realloc(*form, old + 1 + strlen(n) + 1 + strlen(v) + 1);
	if (!f) {
		free(n);
		free(v);
		return -1;
	}
	snprintf(f + old, strlen(n) + strlen(v) + 3, "%s%s=%s", old ? "&" : "", n, v);
	*form = f;
	free(n);
	free(v);
	return 0;
}

/* ================================================================ HTML */

/*
 * Pages are read with libxml2's HTML parser (as a browser would: entities,
 * comments, scripts, broken markup) and searched with XPath. Each reader
 * parses the page it is given; none keeps a document.
 */
static htmlDocPtr html_read(const char *html)
{
	if (!html || !html[0])
		return NULL;
	return htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
			      HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
				      HTML_PARSE_NOBLANKS);
}

/* The nodes EXPR finds in DOC (the caller frees the result), or NULL. */
static xmlXPathObjectPtr html_find(htmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr xp = doc ? xmlXPathNewContext(doc) : NULL;
	xmlXPathObjectPtr found = xp ? xmlXPathEvalExpression((const xmlChar *)expr, xp) : NULL;
	xmlXPathFreeContext(xp);
	return found;
}

/* Attribute NAME of NODE as a new string, NULL when it has none. */
static char *html_attr(xmlNodePtr node, const char *name)
{
	xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
	char *copy = v ? strdup((const char *)v) : NULL;
	xmlFree(v);
	return copy;
}

char *lvc_html_csrf_token(const char *html)
{
	htmlDocPtr doc = html_read(html);
	/* the first csrf-token meta tag that has a content */
	xmlXPathObjectPtr found = html_find(doc, "//meta[@name='csrf-token'][@content]");
	char *token = NULL;

	if (found && found->nodesetval && found->nodesetval->nodeNr > 0)
		token = html_attr(found->nodesetval->nodeTab[0], "content");
	xmlXPathFreeObject(found);
	xmlFreeDoc(doc);
	return token;
}

void lvc_containers_free(struct lvc_container *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].session);
		free(v[i].static_token);
		free(v[i].parent_id);
	}
	free(v);
}

int lvc_html_containers(const char *html, struct lvc_container **out, size_t *n)
{
	struct lvc_container *v = NULL;
	size_t count = 0;

	if (out)
		*out = NULL;
	if (n)
		*n = 0;
	if (!html || !out || !n)
		return -1;
	htmlDocPtr doc = html_read(html);
	xmlXPathObjectPtr found = html_find(doc, "//*[@data-phx-session]");
	int total = found && found->nodesetval ? found->nodesetval->nodeNr : 0;
	if (total > 0 && !(v = calloc((size_t)total, sizeof(*v))))
		goto fail;
	for (int i = 0; i < total; i++) {
		xmlNodePtr node = found->nodesetval->nodeTab[i];
		struct lvc_container *k = &v[count++];
		char *main = html_attr(node, "data-phx-main");
		char *st = html_attr(node, "data-phx-static");
		*k = (struct lvc_container){
			.id = html_attr(node, "id"),
			.session = html_attr(node, "data-phx-session"),
			/* present without a value: no static token */
			.static_token = st && st[0] ? st : NULL,
			.parent_id = html_attr(node, "data-phx-parent-id"),
			.main = xmlHasProp(node, (const xmlChar *)"data-phx-main") != NULL,
		};
		if (!k->static_token)
			free(st);
		free(main);
		if (!k->session)
			goto fail;
	}
	xmlXPathFreeObject(found);
	xmlFreeDoc(doc);
	*out = v;
	*n = count;
	return 0;
fail:
	xmlXPathFreeObject(found);
	xmlFreeDoc(doc);
	lvc_containers_free(v, count);
	return -1;
}

/* ================================================================ callback */

/* The reason lws gives for a failed connection (IN, may be NULL), in our
 * words, written to BUF and returned. */
static const char *connection_error(const void *in, char *buf, size_t len)
{
	const char *why = in ? in : "";

	if (strcmp(why, "Unable to connect") == 0)
		snprintf(buf, len, "cannot connect (refused or unreachable)");
	else
		snprintf(buf, len, "connection failed: %s", why[0] ? why : "no reason given");
	return buf;
}

/* Finish T with the reason WHY, unless it finished already. */
static void txn_fail(struct txn *t, const char *why)
{
	if (!t->done) {
		t->failed = 1;
		snprintf(t->err, sizeof(t->err), "%s", why);
	}
	t->done = 1;
}

/* Apply every Set-Cookie of the response on WSI. lws 4.1.6 keeps a repeated
 * header as a chain of fragments, each after the first starting with blanks. */
static void take_set_cookies(struct lvc *c, struct lws *wsi)
{
	for (int i = 0;; i++) {
		int n = lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_SET_COOKIE, i);
		if (n <= 0) {
			/* an empty fragment still may be followed by others */
			if (lws_hdr_copy_fragment(wsi, (char[1]){0}, 1, WSI_TOKEN_HTTP_SET_COOKIE, i) < 0)
				break;
			continue;
		}
		char *v = malloc((size_t)n + 1);
		if (!v)
			break;
		if (lws_hdr_copy_fragment(wsi, v, n + 1, WSI_TOKEN_HTTP_SET_COOKIE, i) >= 0) {
			const char *s = v;
			while (is_space(*s))
				s++;
			lvc_cookie_apply(c, s, (long long)time(NULL));
		}
		free(v);
	}
}

/* Cookie, Origin (sockets), the caller's headers and the form's. */
static int append_headers(struct conn *cn, struct lws *wsi, unsigned char **p, unsigned char *end)
{
	char *cookie = lvc_cookie_header(cn->c);
	int bad = 0;

	if (cookie)
		bad |= lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_COOKIE, (unsigned char *)cookie,
						    (int)strlen(cookie), p, end);
	free(cookie);
	if (cn->origin)
		bad |= lws_add_http_header_by_token(wsi, WSI_TOKEN_ORIGIN,
						    (const unsigned char *)cn->origin,
						    (int)strlen(cn->origin), p, end);
	for (const char *const *h = cn->extra_headers; !bad && h && *h; h++) {
		const char *colon = strchr(*h, ':');
		char name[128];
		size_t nl = (size_t)(colon - *h);
		if (nl + 2 > sizeof(name))
			return -1;
		memcpy(name, *h, nl + 1);
		name[nl + 1] = '\0';
		const char *v = colon + 1;
		while (is_space(*v))
			v++;
		bad |= lws_add_http_header_by_name(wsi, (unsigned char *)name, (const unsigned char *)v,
						   (int)strlen(v), p, end);
	}
	if (cn->kind == CONN_HTTP) {
		struct txn *t = (struct txn *)cn;
		if (t->form) {
			char len[32];
			static const char type[] = "application/x-www-form-urlencoded";
			int ln = snprintf(len, sizeof(len), "%zu", t->form_len);
			bad |= lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE,
							    (const unsigned char *)type,
							    (int)sizeof(type) - 1, p, end);
			bad |= lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH,
							    (unsigned char *)len, ln, p, end);
			if (!bad && t->form_len) {
				lws_client_http_body_pending(wsi, 1);
				lws_callback_on_writable(wsi);
			}
		}
	}
	return bad ? -1 : 0;
}

static int http_event(struct txn *t, struct lws *wsi, enum lws_callback_reasons reason, void *in,
		      size_t len)
{
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
		char why[200];
		txn_fail(t, connection_error(in, why, sizeof(why)));
		return 0;
	}

	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		if (append_headers(&t->conn, wsi, (unsigned char **)in, *(unsigned char **)in + len) < 0) {
			txn_fail(t, "request headers too large");
			return -1;
		}
		return 0;

	case LWS_CALLBACK_CLIENT_HTTP_WRITEABLE: {
		unsigned char buf[LWS_PRE + 4096];
		size_t n = t->form_len - t->form_sent;
		if (!t->form || n == 0)
			return 0;
		if (n > sizeof(buf) - LWS_PRE)
			n = sizeof(buf) - LWS_PRE;
		memcpy(buf + LWS_PRE, t->form + t->form_sent, n);
		int final = t->form_sent + n == t->form_len;
		if (final)
			lws_client_http_body_pending(wsi, 0);
		if (lws_write(wsi, buf + LWS_PRE, n, final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) !=
		    (int)n) {
			txn_fail(t, "connection broke while sending the request body");
			return -1;
		}
		t->form_sent += n;
		if (!final)
			lws_callback_on_writable(wsi);
		return 0;
	}

	case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
		t->status = (int)lws_http_client_http_response(wsi);
		free(t->location);
		t->location = lws_header_dup(wsi, WSI_TOKEN_HTTP_LOCATION);
		take_set_cookies(t->conn.c, wsi);
		if (t->head)
			t->done = 1; /* lws would wait for the Content-Length bytes */
		return 0;

	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP: {
		char buf[LWS_PRE + 16384], *p = buf + LWS_PRE;
		int n = (int)sizeof(buf) - LWS_PRE;
		if (lws_http_client_read(wsi, &p, &n) < 0) {
			if (!t->done)
				txn_fail(t, "connection lost while reading the response");
			return -1;
		}
		return 0;
	}

	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
		if (buf_add(&t->body, in, len) < 0) {
			txn_fail(t, t->body.len + len > t->body.limit ? "response body too large"
								    : "out of memory");
			return -1;
		}
		return 0;

	case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
		t->done = 1;
		return 0;

	case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
		txn_fail(t, "connection closed before the response was complete");
		return 0;

	default:
		return 0;
	}
}

static void queue_put(struct msg_queue *q, struct msg_node *m)
{
	m->next = NULL;
	*q->tail = m;
	q->tail = &m->next;
}

static void queue_clear(struct msg_queue *q)
{
	while (q->head) {
		struct msg_node *m = q->head;
		q->head = m->next;
		cJSON_Delete(m->msg);
		free(m);
	}
	q->tail = &q->head;
}

/* A whole message came: queue it as a reply or a push, or count it as malformed. */
static void socket_message(struct lvc_socket *s)
{
	cJSON *msg = cJSON_ParseWithLength(s->rx.data ? s->rx.data : "", s->rx.len);
	buf_release(&s->rx);
	cJSON *ref = cJSON_GetArrayItem(msg, 1), *event = cJSON_GetArrayItem(msg, 3);
	cJSON *jref = cJSON_GetArrayItem(msg, 0);
	if (!cJSON_IsArray(msg) || cJSON_GetArraySize(msg) != 5 ||
	    !(cJSON_IsNull(jref) || cJSON_IsString(jref)) ||
	    !(cJSON_IsNull(ref) || cJSON_IsString(ref)) || !cJSON_IsString(cJSON_GetArrayItem(msg, 2)) ||
	    !cJSON_IsString(event)) {
		s->malformed++;
		cJSON_Delete(msg);
		return;
	}
	struct msg_node *m = malloc(sizeof(*m));
	if (!m) {
		s->malformed++;
		cJSON_Delete(msg);
		return;
	}
	m->msg = msg;
	if (cJSON_IsString(ref) && strcmp(event->valuestring, "phx_reply") == 0)
		queue_put(&s->replies, m);
	else
		queue_put(&s->pushes, m);
}

static int ws_event(struct lvc_socket *s, struct lws *wsi, enum lws_callback_reasons reason,
		    void *in, size_t len)
{
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (!s->established) {
			s->failed = 1;
			if (s->http_status && s->http_status != 101)
				snprintf(s->err, sizeof(s->err), "upgrade refused with HTTP %d",
					 s->http_status);
			else
				connection_error(in, s->err, sizeof(s->err));
		}
		s->closed = 1;
		return 0;

	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		if (append_headers(&s->conn, wsi, (unsigned char **)in, *(unsigned char **)in + len) < 0) {
			snprintf(s->err, sizeof(s->err), "request headers too large");
			return -1;
		}
		return 0;

	case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
		/* the upgrade's answer, 101 or a refusal */
		s->http_status = (int)lws_http_client_http_response(wsi);
		take_set_cookies(s->conn.c, wsi);
		return 0;

	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		s->established = 1;
		s->conn.origin = NULL;
		s->conn.extra_headers = NULL;
		return 0;

	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (s->closing)
			return 0;
		if (buf_add(&s->rx, in, len) < 0) {
			static const char why[] = "message too big";
			lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, (unsigned char *)why,
					 sizeof(why) - 1);
			snprintf(s->err, sizeof(s->err), "incoming %s", why);
			return -1;
		}
		if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi))
			socket_message(s);
		return 0;

	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if (s->closing) {
			lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
			return -1;
		}
		if (s->out) {
			struct out_msg *m = s->out;
			if (lws_write(wsi, m->data + LWS_PRE, m->len, LWS_WRITE_TEXT) < (int)m->len) {
				snprintf(s->err, sizeof(s->err), "cannot send a message");
				return -1;
			}
			s->out = m->next;
			if (!s->out)
				s->out_tail = &s->out;
			free(m);
			if (s->out)
				lws_callback_on_writable(wsi);
		}
		return 0;

	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE: {
		const unsigned char *b = in;
		s->close_code = len >= 2 ? (b[0] << 8) | b[1] : 1005;
		return 0;
	}

	case LWS_CALLBACK_CLIENT_CLOSED:
		s->closed = 1;
		if (!s->close_code && !s->closing)
			s->close_code = 1006;
		return 0;

	default:
		return 0;
	}
}

static int lvc_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
			size_t len)
{
	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
	case LWS_CALLBACK_CLIENT_HTTP_WRITEABLE:
	case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP:
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
	case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
	case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
	case LWS_CALLBACK_CLIENT_RECEIVE:
	case LWS_CALLBACK_CLIENT_WRITEABLE:
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
	case LWS_CALLBACK_CLIENT_CLOSED:
	case LWS_CALLBACK_WSI_DESTROY:
		break;
	default:
		return 0;
	}
	struct conn *cn = wsi ? lws_get_opaque_user_data(wsi) : NULL;
	if (!cn) {
		/* a wsi we let go of: drain what it reads, do nothing else */
		if (reason == LWS_CALLBACK_RECEIVE_CLIENT_HTTP) {
			char buf[LWS_PRE + 4096], *p = buf + LWS_PRE;
			int n = (int)sizeof(buf) - LWS_PRE;
			return lws_http_client_read(wsi, &p, &n) < 0 ? -1 : 0;
		}
		return 0;
	}
	if (reason == LWS_CALLBACK_WSI_DESTROY) {
		cn->wsi = NULL;
		if (cn->kind == CONN_HTTP) {
			txn_fail((struct txn *)cn, "connection closed before the response was complete");
		} else {
			struct lvc_socket *s = (struct lvc_socket *)cn;
			if (!s->established && !s->failed) {
				s->failed = 1;
				if (!s->err[0])
					snprintf(s->err, sizeof(s->err), "connection closed during the upgrade");
			}
			if (!s->closed && !s->close_code && !s->closing)
				s->close_code = 1006;
			s->closed = 1;
		}
		return 0;
	}
	return cn->kind == CONN_HTTP ? http_event((struct txn *)cn, wsi, reason, in, len)
				     : ws_event((struct lvc_socket *)cn, wsi, reason, in, len);
}

static const struct lws_protocols lvc_protocols[] = {
	{
		.name = "lvc",
		.callback = lvc_callback,
		.per_session_data_size = 0,
		.rx_buffer_size = 0,
	},
	{.name = NULL, .callback = NULL},
};

/* No idle pings or hang-ups of our own (lws' default pings after 300 s and
 * hangs up 10 s later): a scenario decides when a socket is idle. */
static const lws_retry_bo_t lvc_no_keepalive = {
	.secs_since_valid_ping = 0,
	.secs_since_valid_hangup = 0,
};

/* ================================================================ client */

/* Split "http://HOST[:PORT][/]" into C. Returns 0 or -1 with a message. */
static int parse_base_url(struct lvc *c, const char *url, char *err, size_t errlen)
{
	const char *p, *h, *he;

	if (!url || strncasecmp(url, "http://", 7) != 0)
		goto bad;
	h = url + 7;
	if (*h == '[') {
		he = strchr(h, ']');
		if (!he)
			goto bad;
		h++;
		p = he + 1;
		for (const char *q = h; q < he; q++)
			if (!isxdigit((unsigned char)*q) && *q != ':' && *q != '.')
				goto bad;
	} else {
		he = h;
		while (isalnum((unsigned char)*he) || *he == '.' || *he == '-')
			he++;
		p = he;
	}
	if (he == h || (size_t)(he - h) >= 200)
		goto bad;
	c->port = 80;
	if (*p == ':') {
		long port = 0;
		p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		while (isdigit((unsigned char)*p) && port <= 65535)
			port = port * 10 + (*p++ - '0');
		if (port < 1 || port > 65535)
			goto bad;
		c->port = (int)port;
	}
	if (*p == '/')
		p++;
	if (*p)
		goto bad;
	snprintf(c->address, sizeof(c->address), "%.*s", (int)(he - h), h);
	int v6 = h[-1] == '[';
	if (c->port == 80)
		snprintf(c->host_header, sizeof(c->host_header), "%s%s%s", v6 ? "[" : "", c->address,
			 v6 ? "]" : "");
	else
		snprintf(c->host_header, sizeof(c->host_header), "%s%s%s:%d", v6 ? "[" : "",
			 c->address, v6 ? "]" : "", c->port);
	snprintf(c->origin, sizeof(c->origin), "http://%s", c->host_header);
	return 0;
bad:
	snprintf(err, errlen, "bad base url '%.200s': expected http://HOST[:PORT]", url ? url : "(null)");
	return -1;
}

struct lvc *lvc_new(const char *base_url, char *err, size_t errlen)
{
	struct lvc *c = calloc(1, sizeof(*c));

	if (!c) {
		snprintf(err, errlen, "cannot create a client: out of memory");
		return NULL;
	}
	if (parse_base_url(c, base_url, err, errlen) < 0) {
		free(c);
		return NULL;
	}
	c->timeout_ms = LVC_DEFAULT_TIMEOUT_MS;
	struct lws_context_creation_info info = {
		.port = CONTEXT_PORT_NO_LISTEN,
		.protocols = lvc_protocols,
		.user = c,
		.gid = -1,
		.uid = -1,
		/* one context per client: a few dozen connections at a time
		 * (each request and socket is one), not a slot per possible fd */
		.fd_limit_per_thread = 64,
		.pt_serv_buf_size = 32768,
		.max_http_header_data = 16384,
	};
	c->ctx = lws_create_context(&info);
	if (!c->ctx) {
		snprintf(err, errlen, "cannot create a client for '%s': lws_create_context failed",
			 base_url);
		free(c);
		return NULL;
	}
	return c;
}

static void socket_free(struct lvc_socket *s);

void lvc_free(struct lvc *c)
{
	if (!c)
		return;
	/* lws closes the sockets' connections, calling back into them */
	lws_context_destroy(c->ctx);
	while (c->sockets) {
		struct lvc_socket *s = c->sockets;
		c->sockets = s->next;
		socket_free(s);
	}
	for (size_t i = 0; i < c->ncookies; i++) {
		free(c->cookies[i].name);
		free(c->cookies[i].value);
	}
	free(c->cookies);
	free(c);
}

void lvc_set_timeout(struct lvc *c, int timeout_ms)
{
	if (c)
		c->timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
}

const char *lvc_origin(const struct lvc *c)
{
	return c ? c->origin : NULL;
}

/* ================================================================ HTTP */

static int txn_done(void *arg)
{
	return ((struct txn *)arg)->done;
}

/* METHOD is a token, PATH starts with '/' and has only visible ASCII,
 * headers are "name: value" without line breaks. */
static int request_ok(const char *method, const char *path, const char *const *headers,
		      char *err, size_t errlen)
{
	if (!method || !*method || strlen(method) > 16) {
		snprintf(err, errlen, "bad method '%.20s'", method ? method : "(null)");
		return -1;
	}
	for (const char *p = method; *p; p++)
		if (!is_token_char((unsigned char)*p)) {
			snprintf(err, errlen, "bad method '%.20s'", method);
			return -1;
		}
	if (!path || path[0] != '/' || strlen(path) > 1900) {
		snprintf(err, errlen, "bad path '%.60s': it must start with '/' and be shorter than 1900 bytes",
			 path ? path : "(null)");
		return -1;
	}
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p <= 32 || *p >= 127) {
			snprintf(err, errlen, "bad path '%.60s': spaces and control characters must be percent-encoded",
				 path);
			return -1;
		}
	for (const char *const *h = headers; h && *h; h++) {
		const char *colon = strchr(*h, ':');
		if (!colon || colon == *h || strpbrk(*h, "\r\n")) {
			snprintf(err, errlen, "bad header '%.60s': expected 'name: value'", *h);
			return -1;
		}
		for (const char *p = *h; p < colon; p++)
			if (!is_token_char((unsigned char)*p)) {
				snprintf(err, errlen, "bad header name in '%.60s'", *h);
				return -1;
			}
	}
	return 0;
}

int lvc_request(struct lvc *c, const char *method, const char *path, const char *form,
		const char *const *extra_headers, struct lvc_response *out, char *err,
		size_t errlen)
{
	if (out)
		*out = (struct lvc_response){0};
	if (!c || !out) {
		snprintf(err, errlen, "no client or no response given");
		return -1;
	}
	if (request_ok(method, path, extra_headers, err, errlen) < 0)
		return -1;

	struct txn t = {
		.conn = {.kind = CONN_HTTP, .c = c, .extra_headers = extra_headers},
		.form = form,
		.form_len = form ? strlen(form) : 0,
		.head = strcmp(method, "HEAD") == 0,
		.body = {.limit = LVC_MAX_BODY_BYTES},
	};
	struct lws_client_connect_info i = {
		.context = c->ctx,
		.address = c->address,
		.port = c->port,
		.path = path,
		.host = c->host_header,
		.method = method,
		/* lws 4.1.6 hands body data only to a protocol bound by name:
		 * without this, RECEIVE_CLIENT_HTTP_READ never comes ("swallowed read") */
		.local_protocol_name = lvc_protocols[0].name,
		.ssl_connection = LCCSCF_HTTP_NO_FOLLOW_REDIRECT,
		.opaque_user_data = &t.conn,
		.retry_and_idle_policy = &lvc_no_keepalive,
	};
	t.conn.wsi = lws_client_connect_via_info(&i);
	if (!t.conn.wsi && !t.done)
		txn_fail(&t, "cannot start a connection");
	int timed_out = lvc_run(c, txn_done, &t, c->timeout_ms) < 0;
	conn_detach(&t.conn);

	if (timed_out || t.failed) {
		if (timed_out)
			snprintf(err, errlen, "%s %s on %s: no complete response within %d ms", method, path,
				 c->host_header, c->timeout_ms);
		else
			snprintf(err, errlen, "%s %s on %s: %s", method, path, c->host_header, t.err);
		free(t.location);
		buf_release(&t.body);
		return -1;
	}
	out->status = t.status;
	out->location = t.location;
	out->body_len = t.body.len;
	out->body = buf_take(&t.body);
	if (!out->body) {
		free(out->location);
		*out = (struct lvc_response){0};
		snprintf(err, errlen, "%s %s: out of memory", method, path);
		return -1;
	}
	return 0;
}

void lvc_response_release(struct lvc_response *r)
{
	if (!r)
		return;
	free(r->location);
	free(r->body);
	*r = (struct lvc_response){0};
}

/* ================================================================ WebSocket */

static void socket_free(struct lvc_socket *s)
{
	while (s->out) {
		struct out_msg *m = s->out;
		s->out = m->next;
		free(m);
	}
	queue_clear(&s->replies);
	queue_clear(&s->pushes);
	buf_release(&s->rx);
	free(s);
}

static void socket_unlink(struct lvc_socket *s)
{
	for (struct lvc_socket **pp = &s->conn.c->sockets; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			return;
		}
}

static int socket_settled(void *arg)
{
	struct lvc_socket *s = arg;
	return s->established || s->failed || s->closed;
}

struct lvc_socket *lvc_socket_open(struct lvc *c, const char *path_and_query, const char *origin,
				   int *http_status, char *err, size_t errlen)
{
	if (http_status)
		*http_status = 0;
	if (!c) {
		snprintf(err, errlen, "no client given");
		return NULL;
	}
	if (request_ok("GET", path_and_query, NULL, err, errlen) < 0)
		return NULL;
	if (origin && strpbrk(origin, "\r\n")) {
		snprintf(err, errlen, "bad origin: line breaks");
		return NULL;
	}
	struct lvc_socket *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "cannot open a socket: out of memory");
		return NULL;
	}
	s->conn = (struct conn){
		.kind = CONN_WS,
		.c = c,
		.origin = !origin ? c->origin : origin[0] ? origin : NULL,
	};
	s->rx.limit = LVC_MAX_MESSAGE_BYTES;
	s->out_tail = &s->out;
	s->replies.tail = &s->replies.head;
	s->pushes.tail = &s->pushes.head;
	s->next = c->sockets;
	c->sockets = s;

	struct lws_client_connect_info i = {
		.context = c->ctx,
		.address = c->address,
		.port = c->port,
		.path = path_and_query,
		.host = c->host_header,
		.ietf_version_or_minus_one = -1,
		.local_protocol_name = lvc_protocols[0].name, /* .protocol NULL: no subprotocol header */
		.opaque_user_data = &s->conn,
		.retry_and_idle_policy = &lvc_no_keepalive,
	};
	s->conn.wsi = lws_client_connect_via_info(&i);
	if (!s->conn.wsi && !s->failed) {
		s->failed = 1;
		snprintf(s->err, sizeof(s->err), "cannot start a connection");
	}
	int timed_out = lvc_run(c, socket_settled, s, c->timeout_ms) < 0;
	s->conn.origin = NULL; /* it may point to the caller's string */
	if (timed_out || !s->established) {
		if (timed_out)
			snprintf(err, errlen, "websocket %s on %s: no upgrade within %d ms", path_and_query,
				 c->host_header, c->timeout_ms);
		else
			snprintf(err, errlen, "websocket %s on %s: %s", path_and_query, c->host_header,
				 s->err[0] ? s->err : "closed at once");
		if (http_status && s->http_status != 101)
			*http_status = s->http_status;
		conn_detach(&s->conn);
		socket_unlink(s);
		socket_free(s);
		return NULL;
	}
	return s;
}

static int socket_sent(void *arg)
{
	struct lvc_socket *s = arg;
	return !s->out || s->closed;
}

int lvc_socket_push(struct lvc_socket *s, const char *join_ref, const char *topic,
		    const char *event, cJSON *payload, char *ref_out)
{
	char ref[16];

	if (ref_out)
		ref_out[0] = '\0';
	if (!s || !topic || !event || s->closed || s->closing || !s->conn.wsi) {
		cJSON_Delete(payload);
		return -1;
	}
	snprintf(ref, sizeof(ref), "%lu", ++s->next_ref);
	cJSON *msg = cJSON_CreateArray();
	cJSON_AddItemToArray(msg, join_ref ? cJSON_CreateString(join_ref) : cJSON_CreateNull());
	cJSON_AddItemToArray(msg, cJSON_CreateString(ref));
	cJSON_AddItemToArray(msg, cJSON_CreateString(topic));
	cJSON_AddItemToArray(msg, cJSON_CreateString(event));
	cJSON_AddItemToArray(msg, payload ? payload : cJSON_CreateObject());
	char *text = msg ? cJSON_PrintUnformatted(msg) : NULL;
	cJSON_Delete(msg);
	if (!text)
		return -1;
	size_t n = strlen(text);
	struct out_msg *m = malloc(sizeof(*m) + LWS_PRE + n);
	if (!m) {
		free(text);
		return -1;
	}
	m->next = NULL;
	m->len = n;
	memcpy(m->data + LWS_PRE, text, n);
	free(text);
	*s->out_tail = m;
	s->out_tail = &m->next;
	lws_callback_on_writable(s->conn.wsi);
	if (lvc_run(s->conn.c, socket_sent, s, s->conn.c->timeout_ms) < 0 || s->out)
		return -1;
	if (ref_out)
		snprintf(ref_out, 16, "%s", ref);
	return 0;
}

struct reply_wait {
	struct lvc_socket *s;
	const char *ref;
	cJSON *found;
};

static int reply_came(void *arg)
{
	struct reply_wait *w = arg;
	struct msg_queue *q = &w->s->replies;

	for (struct msg_node **pp = &q->head; *pp; pp = &(*pp)->next) {
		cJSON *ref = cJSON_GetArrayItem((*pp)->msg, 1);
		if (strcmp(ref->valuestring, w->ref) == 0) {
			struct msg_node *m = *pp;
			*pp = m->next;
			if (!*pp)
				q->tail = pp;
			w->found = m->msg;
			free(m);
			return 1;
		}
	}
	return w->s->closed;
}

cJSON *lvc_socket_await_reply(struct lvc_socket *s, const char *ref, int timeout_ms)
{
	struct reply_wait w = {.s = s, .ref = ref};

	if (!s || !ref)
		return NULL;
	if (reply_came(&w) && !w.found)
		return NULL; /* closed, and no such reply came before */
	if (!w.found)
		lvc_run(s->conn.c, reply_came, &w, timeout_ms);
	return w.found;
}

static int push_came(void *arg)
{
	struct lvc_socket *s = arg;
	return s->pushes.head || s->closed;
}

cJSON *lvc_socket_next_push(struct lvc_socket *s, int timeout_ms)
{
	if (!s)
		return NULL;
	if (!s->pushes.head && !s->closed)
		lvc_run(s->conn.c, push_came, s, timeout_ms);
	struct msg_node *m = s->pushes.head;
	if (!m)
		return NULL;
	s->pushes.head = m->next;
	if (!m->next)
		s->pushes.tail = &s->pushes.head;
	cJSON *msg = m->msg;
	free(m);
	return msg;
}

static int socket_gone(void *arg)
{
	return ((struct lvc_socket *)arg)->closed;
}

int lvc_socket_await_close(struct lvc_socket *s, int timeout_ms)
{
	if (!s)
		return -1;
	return lvc_run(s->conn.c, socket_gone, s, timeout_ms);
}

int lvc_socket_closed(const struct lvc_socket *s)
{
	return !s || s->closed;
}

int lvc_socket_close_code(const struct lvc_socket *s)
{
	return s ? s->close_code : 0;
}

unsigned long lvc_socket_malformed(const struct lvc_socket *s)
{
	return s ? s->malformed : 0;
}

void lvc_socket_close(struct lvc_socket *s)
{
	if (!s)
		return;
	if (!s->closed && s->conn.wsi) {
		s->closing = 1;
		lws_callback_on_writable(s->conn.wsi);
		lvc_run(s->conn.c, socket_gone, s, 1000);
	}
	conn_detach(&s->conn);
	socket_unlink(s);
	socket_free(s);
}

/* ---------------------------------------------------------------- page errors */

/* Append TEXT (white space collapsed) to *OUT, after "; " when *OUT is not empty. */
static void errors_add(char **out, size_t *len, const char *label, const char *text)
{
	size_t need = *len + strlen(label) + strlen(text) + 8;
	char *grown = realloc(*out, need);
	if (!grown)
		return;
	*out = grown;
	if (*len)
		*len += (size_t)snprintf(*out + *len, need - *len, "; ");
	if (label[0])
		*len += (size_t)snprintf(*out + *len, need - *len, "%s: ", label);
	int space = 0;
	for (const char *p = text; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f') {
			space = *len > 0;
			continue;
		}
		if (space && (*out)[*len - 1] != ' ')
			(*out)[(*len)++] = ' ';
		space = 0;
		(*out)[(*len)++] = *p;
	}
	(*out)[*len] = '\0';
}

char *lvc_html_errors(const char *html)
{
	char *out = calloc(1, 1);
	size_t len = 0;

	if (!out || !html)
		return out;
	htmlDocPtr doc = html_read(html);
	/* flash errors (class "error"), then the items of each field's error list */
	xmlXPathObjectPtr hits = html_find(
		doc, "//*[contains(concat(' ', normalize-space(@class), ' '), ' error ')]"
		     " | //ul[contains(concat(' ', normalize-space(@class), ' '), ' errors ')]/li");
	for (int i = 0; hits && hits->nodesetval && i < hits->nodesetval->nodeNr; i++) {
		xmlNodePtr node = hits->nodesetval->nodeTab[i];
		xmlChar *text = xmlNodeGetContent(node);
		char label[64] = "";
		/* a field's list follows its input: name the field by the input's id */
		for (xmlNodePtr p = node->parent ? node->parent->prev : NULL;
		     node->parent && p && xmlStrcmp(node->name, (const xmlChar *)"li") == 0; p = p->prev) {
			if (p->type != XML_ELEMENT_NODE)
				continue;
			char *id = html_attr(p, "id");
			if (id) {
				const char *u = strrchr(id, '_');
				snprintf(label, sizeof(label), "%s", u ? u + 1 : id);
				free(id);
			}
			break;
		}
		if (text)
			errors_add(&out, &len, label, (const char *)text);
		xmlFree(text);
	}
	xmlXPathFreeObject(hits);
	xmlFreeDoc(doc);
	return out;
}
