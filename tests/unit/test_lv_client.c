/*
 * test_lv_client.c: the parts of the client library (lv_client.h) that need
 * no server: form encoding, the cookie jar and Set-Cookie, the HTML readers,
 * base URLs and request checks. The network side is t0400-client.sh's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "lv_client.h"

#define NOW 1800000000LL /* 2027-01-15 */

/* ---------------------------------------------------------------- forms */

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decode form encoding (what lvdemo's http_form.c does), for round trips. */
static char *form_decode(const char *s)
{
	char *out = malloc(strlen(s) + 1), *q = out;
	for (; *s; s++) {
		if (*s == '+') {
			*q++ = ' ';
		} else if (*s == '%') {
			assert_true(hexval(s[1]) >= 0 && hexval(s[2]) >= 0);
			*q++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			s += 2;
		} else {
			*q++ = *s;
		}
	}
	*q = '\0';
	return out;
}

static void test_urlencode_like_a_browser(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"", ""},
		{"abcXYZ019", "abcXYZ019"},
		{"a b", "a+b"},
		{"-._*", "-._*"},
		{"~!'()", "%7E%21%27%28%29"},
		{"user[email]", "user%5Bemail%5D"},
		{"a+b@x.io", "a%2Bb%40x.io"},
		{"&=%;/?#", "%26%3D%25%3B%2F%3F%23"},
		{"\r\n\t", "%0D%0A%09"},
		{"é€", "%C3%A9%E2%82%AC"},
		{"\xff\x80", "%FF%80"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *e = lvc_urlencode(cases[i].in);
		assert_non_null(e);
		assert_string_equal(e, cases[i].out);
		free(e);
	}
	assert_null(lvc_urlencode(NULL));
}

static void test_urlencode_round_trips_every_byte(void **state)
{
	(void)state;
	char all[256];
	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	char *e = lvc_urlencode(all);
	assert_non_null(e);
	/* only unreserved characters, '+' and escapes are left */
	for (const char *p = e; *p; p++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*+%",
				       *p));
	char *d = form_decode(e);
	assert_string_equal(d, all);
	free(d);
	free(e);
}

static void test_form_add_joins_pairs(void **state)
{
	(void)state;
	char *form = NULL;

	assert_int_equal(lvc_form_add(&form, "_csrf_token", "abc-_="), 0);
	assert_string_equal(form, "_csrf_token=abc-_%3D");
	assert_int_equal(lvc_form_add(&form, "user[password]", "correct horse"), 0);
	assert_int_equal(lvc_form_add(&form, "", ""), 0);
	assert_string_equal(form, "_csrf_token=abc-_%3D&user%5Bpassword%5D=correct+horse&=");
	/* bad arguments leave the form alone */
	assert_int_equal(lvc_form_add(&form, NULL, "x"), -1);
	assert_int_equal(lvc_form_add(&form, "x", NULL), -1);
	assert_int_equal(lvc_form_add(NULL, "x", "y"), -1);
	assert_string_equal(form, "_csrf_token=abc-_%3D&user%5Bpassword%5D=correct+horse&=");
	free(form);
}

/* ---------------------------------------------------------------- jar */

static struct lvc *client(void)
{
	char err[256];
	struct lvc *c = lvc_new("http://127.0.0.1:4000", err, sizeof(err));
	if (!c)
		fail_msg("lvc_new: %s", err);
	return c;
}

static void test_jar_set_get_delete(void **state)
{
	(void)state;
	struct lvc *c = client();
	const char *name, *value;

	assert_int_equal(lvc_cookie_count(c), 0);
	assert_null(lvc_cookie_header(c));
	assert_int_equal(lvc_cookie_set(c, "_lvdemo_key", "v1"), 0);
	assert_int_equal(lvc_cookie_set(c, "other", "x.y=z"), 0);
	assert_string_equal(lvc_cookie_get(c, "_lvdemo_key"), "v1");
	/* names are exact */
	assert_null(lvc_cookie_get(c, "_LVDEMO_KEY"));
	assert_null(lvc_cookie_get(c, "_lvdemo_ke"));
	assert_null(lvc_cookie_get(c, "x_lvdemo_key"));
	/* replacing keeps the place */
	assert_int_equal(lvc_cookie_set(c, "_lvdemo_key", "v2"), 0);
	assert_int_equal(lvc_cookie_count(c), 2);
	assert_int_equal(lvc_cookie_at(c, 0, &name, &value), 0);
	assert_string_equal(name, "_lvdemo_key");
	assert_string_equal(value, "v2");
	assert_int_equal(lvc_cookie_at(c, 2, &name, &value), -1);
	char *h = lvc_cookie_header(c);
	assert_string_equal(h, "_lvdemo_key=v2; other=x.y=z");
	free(h);
	/* an empty value is a value */
	assert_int_equal(lvc_cookie_set(c, "empty", ""), 0);
	assert_string_equal(lvc_cookie_get(c, "empty"), "");
	/* NULL deletes, deleting what is not there is fine */
	assert_int_equal(lvc_cookie_set(c, "_lvdemo_key", NULL), 0);
	assert_int_equal(lvc_cookie_set(c, "never", NULL), 0);
	assert_null(lvc_cookie_get(c, "_lvdemo_key"));
	h = lvc_cookie_header(c);
	assert_string_equal(h, "other=x.y=z; empty=");
	free(h);
	lvc_free(c);
}

static void test_jar_refuses_what_would_break_the_header(void **state)
{
	(void)state;
	struct lvc *c = client();
	static const char *const bad_names[] = {"", "a b", "a;b", "a=b", "a,b", "a\r\nX: y", "é",
						"(x)", "a\tb"};
	static const char *const bad_values[] = {"a;b", "a b", "a,b", "\"q\"", "a\\b", "a\r\nX: y",
						 "\x01", "\x7f"};

	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++)
		assert_int_equal(lvc_cookie_set(c, bad_names[i], "v"), -1);
	for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++)
		assert_int_equal(lvc_cookie_set(c, "n", bad_values[i]), -1);
	assert_int_equal(lvc_cookie_set(c, NULL, "v"), -1);
	assert_int_equal(lvc_cookie_count(c), 0);
	/* NULL client */
	assert_int_equal(lvc_cookie_set(NULL, "n", "v"), -1);
	assert_null(lvc_cookie_get(NULL, "n"));
	assert_int_equal(lvc_cookie_count(NULL), 0);
	lvc_free(c);
}

static void test_set_cookie_sets_and_deletes(void **state)
{
	(void)state;
	struct lvc *c = client();

	/* lvdemo's own headers */
	assert_int_equal(lvc_cookie_apply(c, "_lvdemo_key=abc.123.x=; path=/; HttpOnly; SameSite=Lax", NOW), 1);
	assert_string_equal(lvc_cookie_get(c, "_lvdemo_key"), "abc.123.x=");
	assert_int_equal(lvc_cookie_apply(c, "_lvdemo_user_remember_me=tok; path=/; max-age=5184000; HttpOnly", NOW), 1);
	assert_string_equal(lvc_cookie_get(c, "_lvdemo_user_remember_me"), "tok");
	assert_int_equal(lvc_cookie_apply(c, "_lvdemo_user_remember_me=; path=/; max-age=0; HttpOnly", NOW), 1);
	assert_null(lvc_cookie_get(c, "_lvdemo_user_remember_me"));
	/* blanks, quotes, attribute case, no attributes */
	assert_int_equal(lvc_cookie_apply(c, "  a =  1  ; PATH=/", NOW), 1);
	assert_string_equal(lvc_cookie_get(c, "a"), "1");
	assert_int_equal(lvc_cookie_apply(c, "q=\"quoted\"", NOW), 1);
	assert_string_equal(lvc_cookie_get(c, "q"), "quoted");
	assert_int_equal(lvc_cookie_apply(c, "a=2; MAX-AGE=-1", NOW), 1);
	assert_null(lvc_cookie_get(c, "a"));
	assert_int_equal(lvc_cookie_apply(c, "a=3; Max-Age=junk", NOW), 1); /* ignored attribute */
	assert_string_equal(lvc_cookie_get(c, "a"), "3");
	lvc_free(c);
}

static void test_set_cookie_expires(void **state)
{
	(void)state;
	struct lvc *c = client();

	/* the three HTTP date formats, in the past: deleted */
	static const char *const past[] = {
		"Thu, 01 Jan 1970 00:00:00 GMT",
		"Thursday, 01-Jan-70 00:00:00 GMT",
		"Thu Jan  1 00:00:00 1970",
		"Fri, 15 Jan 2027 07:59:59 GMT", /* one second before NOW */
	};
	for (size_t i = 0; i < sizeof(past) / sizeof(past[0]); i++) {
		char h[128];
		assert_int_equal(lvc_cookie_set(c, "e", "old"), 0);
		snprintf(h, sizeof(h), "e=new; Expires=%s; Path=/", past[i]);
		assert_int_equal(lvc_cookie_apply(c, h, NOW), 1);
		if (lvc_cookie_get(c, "e"))
			fail_msg("'%s' did not delete", past[i]);
	}
	/* in the future: kept */
	assert_int_equal(lvc_cookie_apply(c, "e=f; expires=Fri, 15 Jan 2027 08:00:01 GMT", NOW), 1);
	assert_string_equal(lvc_cookie_get(c, "e"), "f");
	assert_int_equal(lvc_cookie_apply(c, "e=g; expires=Wed, 09 Jun 2100 10:18:14 GMT", NOW), 1);
	assert_string_equal(lvc_cookie_get(c, "e"), "g");
	/* Max-Age wins over Expires */
	assert_int_equal(lvc_cookie_apply(c, "e=h; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=60", NOW), 1);
	assert_string_equal(lvc_cookie_get(c, "e"), "h");
	assert_int_equal(lvc_cookie_apply(c, "e=i; max-age=0; expires=Wed, 09 Jun 2100 10:18:14 GMT", NOW), 1);
	assert_null(lvc_cookie_get(c, "e"));
	/* a date that does not parse is ignored */
	assert_int_equal(lvc_cookie_apply(c, "e=j; expires=yesterday", NOW), 1);
	assert_string_equal(lvc_cookie_get(c, "e"), "j");
	assert_int_equal(lvc_cookie_apply(c, "e=k; expires=Thu, 32 Jan 1970 00:00:00 GMT", NOW), 1);
	assert_string_equal(lvc_cookie_get(c, "e"), "k");
	assert_int_equal(lvc_cookie_apply(c, "e=l; expires=Thu, 01 Jan 1970 25:00:00 GMT", NOW), 1);
	assert_string_equal(lvc_cookie_get(c, "e"), "l");
	lvc_free(c);
}

static void test_set_cookie_malformed_is_ignored(void **state)
{
	(void)state;
	struct lvc *c = client();
	static const char *const bad[] = {
		"", ";", "noequals", "=value", " =value", "a b=1", "a=b c", "a=1,2", "a=\"x",
		"a\x01=1", "a=\x01", "é=1", "a=\"x y\"",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (lvc_cookie_apply(c, bad[i], NOW) != 0)
			fail_msg("'%s' was taken", bad[i]);
	assert_int_equal(lvc_cookie_count(c), 0);
	assert_int_equal(lvc_cookie_apply(c, NULL, NOW), 0);
	assert_int_equal(lvc_cookie_apply(NULL, "a=1", NOW), 0);
	/* a trailing ';' and empty attributes are fine */
	assert_int_equal(lvc_cookie_apply(c, "a=1;;; ;", NOW), 1);
	assert_string_equal(lvc_cookie_get(c, "a"), "1");
	lvc_free(c);
}

/* ---------------------------------------------------------------- base URL */

static void test_base_urls(void **state)
{
	(void)state;
	static const struct {
		const char *url, *origin;
	} good[] = {
		{"http://127.0.0.1:4000", "http://127.0.0.1:4000"},
		{"http://127.0.0.1:4000/", "http://127.0.0.1:4000"},
		{"HTTP://localhost", "http://localhost"},
		{"http://example.com:80", "http://example.com"},
		{"http://[::1]:8080", "http://[::1]:8080"},
	};
	static const char *const bad[] = {
		"https://127.0.0.1:4000", "http://", "http://:4000", "http://h:0", "http://h:65536",
		"http://h:99999999999999999999", "http://h:", "http://h:4x", "http://h/path",
		"http://h?q", "http://a b", "http://[::1", "http://[zz]:1", "127.0.0.1:4000", "",
	};
	char err[256];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct lvc *c = lvc_new(good[i].url, err, sizeof(err));
		if (!c)
			fail_msg("%s: %s", good[i].url, err);
		assert_string_equal(lvc_origin(c), good[i].origin);
		lvc_free(c);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		struct lvc *c = lvc_new(bad[i], err, sizeof(err));
		if (c)
			fail_msg("'%s' was accepted", bad[i]);
		assert_non_null(strstr(err, "bad base url"));
	}
	assert_null(lvc_new(NULL, err, sizeof(err)));
}

static void test_request_checks_its_arguments(void **state)
{
	(void)state;
	struct lvc *c = client();
	struct lvc_response r = {.status = 7};
	char err[256];
	const char *crlf[] = {"x-a: 1\r\nx-b: 2", NULL};
	const char *nocolon[] = {"x-a 1", NULL};
	const char *badname[] = {"x a: 1", NULL};

	/* all refused before any connection is tried */
	assert_int_equal(lvc_request(c, "GET", "no-slash", NULL, NULL, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad path"));
	assert_int_equal(r.status, 0);
	assert_int_equal(lvc_request(c, "GET", "/a b", NULL, NULL, &r, err, sizeof(err)), -1);
	assert_int_equal(lvc_request(c, "GET", "/\r\nX: y", NULL, NULL, &r, err, sizeof(err)), -1);
	assert_int_equal(lvc_request(c, "GET", NULL, NULL, NULL, &r, err, sizeof(err)), -1);
	assert_int_equal(lvc_request(c, "G T", "/", NULL, NULL, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad method"));
	assert_int_equal(lvc_request(c, "", "/", NULL, NULL, &r, err, sizeof(err)), -1);
	assert_int_equal(lvc_request(c, "GET", "/", NULL, crlf, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad header"));
	assert_int_equal(lvc_request(c, "GET", "/", NULL, nocolon, &r, err, sizeof(err)), -1);
	assert_int_equal(lvc_request(c, "GET", "/", NULL, badname, &r, err, sizeof(err)), -1);
	assert_int_equal(lvc_request(NULL, "GET", "/", NULL, NULL, &r, err, sizeof(err)), -1);
	int status = 5;
	assert_null(lvc_socket_open(c, "no-slash", NULL, &status, err, sizeof(err)));
	assert_int_equal(status, 0);
	assert_null(lvc_socket_open(c, "/live", "http://x\r\nX: y", NULL, err, sizeof(err)));
	lvc_response_release(&r);
	lvc_response_release(NULL);
	lvc_free(c);
	lvc_free(NULL);
}

static void test_null_sockets_are_safe(void **state)
{
	(void)state;
	char ref[16] = "x";

	assert_int_equal(lvc_socket_push(NULL, NULL, "phoenix", "heartbeat", cJSON_CreateObject(), ref), -1);
	assert_string_equal(ref, "");
	assert_null(lvc_socket_await_reply(NULL, "1", 10));
	assert_null(lvc_socket_next_push(NULL, 10));
	assert_int_equal(lvc_socket_await_close(NULL, 10), -1);
	assert_int_equal(lvc_socket_closed(NULL), 1);
	assert_int_equal(lvc_socket_close_code(NULL), 0);
	assert_int_equal(lvc_socket_malformed(NULL), 0);
	lvc_socket_close(NULL);
}

/* ---------------------------------------------------------------- HTML */

static void expect_token(const char *html, const char *want)
{
	char *t = lvc_html_csrf_token(html);
	if (!want) {
		if (t)
			fail_msg("found '%s' in: %s", t, html);
		return;
	}
	if (!t)
		fail_msg("no token in: %s", html);
	assert_string_equal(t, want);
	free(t);
}

static void test_csrf_token(void **state)
{
	(void)state;
	expect_token("<html><head><meta charset=\"utf-8\">\n"
		     "<meta name=\"csrf-token\" content=\"LAUgCxZR-_=\">\n</head></html>",
		     "LAUgCxZR-_=");
	expect_token("<META CONTENT='abc' NAME='csrf-token'/>", "abc");
	expect_token("<meta name=csrf-token content=abc>", "abc");
	expect_token("<meta\n\tname = \"csrf-token\"\n\tcontent = \"a&amp;b&quot;c&#39;d&lt;&gt;\">",
		     "a&b\"c'd<>");
	expect_token("<meta name=\"other\" content=\"no\"><meta name=\"csrf-token\" content=\"yes\">",
		     "yes");
	expect_token("<meta name=\"csrf-token\"><meta name=\"csrf-token\" content=\"second\">", "second");
	expect_token("<meta name=\"csrf-token\" content=\"\">", "");
	/* not in comments, scripts or text */
	expect_token("<!-- <meta name=\"csrf-token\" content=\"no\"> --><p>x</p>", NULL);
	expect_token("<script>var s = '<meta name=\"csrf-token\" content=\"no\">';</script>", NULL);
	expect_token("<SCRIPT type=module>'<meta name=csrf-token content=no>'</SCRIPT >"
		     "<meta name=csrf-token content=yes>",
		     "yes");
	expect_token("<p>&lt;meta name=\"csrf-token\" content=\"no\"&gt;</p>", NULL);
	expect_token("<metadata name=\"csrf-token\" content=\"no\">", NULL);
	expect_token("<meta name=\"CSRF-TOKEN\" content=\"no\">", NULL);
	/* broken pages: what libxml2 recovers, as a browser would; never a crash */
	expect_token("", NULL);
	expect_token("<", NULL);
	free(lvc_html_csrf_token("<meta name=\"csrf-token\" content=\"unterminated>"));
	free(lvc_html_csrf_token("<meta name=\"csrf-token\" content=\"x\""));
	expect_token("<!-- never closed <meta name=\"csrf-token\" content=\"no\">", NULL);
	expect_token("< meta name=\"csrf-token\" content=\"no\">", NULL);
	assert_null(lvc_html_csrf_token(NULL));
}

static void test_containers_in_document_order(void **state)
{
	(void)state;
	static const char html[] =
		"<main>\n"
		"<div id=\"phx-F1\" data-phx-main data-phx-session=\"SFMyNTY.g2&amp;x&quot;y\" "
		"data-phx-static=\"st&#x27;1\">\n"
		"  <p>hello</p>\n"
		"  <div id='phx-child' data-phx-session='c&#39;s' data-phx-parent-id='phx-F1'></div>\n"
		"</div>\n"
		"<script>document.write('<div id=\"fake\" data-phx-session=\"no\">')</script>\n"
		"<!-- <div id=\"gone\" data-phx-session=\"no\"> -->\n"
		"<section data-phx-session=\"&lt;no id&gt;\" data-phx-static></section>\n"
		"<div ID=up DATA-PHX-SESSION=upper DATA-PHX-MAIN=\"\"></div>\n"
		"</main>";
	struct lvc_container *v;
	size_t n;

	assert_int_equal(lvc_html_containers(html, &v, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].id, "phx-F1");
	assert_string_equal(v[0].session, "SFMyNTY.g2&x\"y");
	assert_string_equal(v[0].static_token, "st'1");
	assert_null(v[0].parent_id);
	assert_int_equal(v[0].main, 1);
	assert_string_equal(v[1].id, "phx-child");
	assert_string_equal(v[1].session, "c's");
	assert_null(v[1].static_token);
	assert_string_equal(v[1].parent_id, "phx-F1");
	assert_int_equal(v[1].main, 0);
	assert_null(v[2].id);
	assert_string_equal(v[2].session, "<no id>");
	assert_null(v[2].static_token); /* present without a value */
	assert_int_equal(v[2].main, 0);
	assert_string_equal(v[3].id, "up");
	assert_string_equal(v[3].session, "upper");
	assert_int_equal(v[3].main, 1);
	lvc_containers_free(v, n);
}

static void test_containers_none_and_broken(void **state)
{
	(void)state;
	struct lvc_container *v = (struct lvc_container *)1;
	size_t n = 9;

	assert_int_equal(lvc_html_containers("<p>no live view</p>", &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	assert_int_equal(lvc_html_containers("", &v, &n), 0);
	assert_int_equal(n, 0);
	/* the scan stops at an unterminated tag: what came before is kept */
	assert_int_equal(lvc_html_containers("<div id=a data-phx-session=s></div><div id=\"b data-phx-session=t>",
					     &v, &n),
			 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, "a");
	lvc_containers_free(v, n);
	/* a value-less session is an empty string, never NULL */
	assert_int_equal(lvc_html_containers("<div data-phx-session>", &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].session, "");
	assert_null(v[0].id);
	lvc_containers_free(v, n);
	assert_int_equal(lvc_html_containers(NULL, &v, &n), -1);
	assert_int_equal(n, 0);
	assert_null(v);
	lvc_containers_free(NULL, 0);
}

static void test_entities(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"&amp;amp;", "&amp;"},
		{"&#39;&#x27;&#X27;&apos;", "''''"},
		{"&#233;&#x20AC;&#128512;", "é€\xf0\x9f\x98\x80"},
		{"&nbsp;x", "\xc2\xa0x"}, /* HTML's named entities, all of them */
		{"&lt;&gt;&quot;", "<>\""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char html[256];
		struct lvc_container *v;
		size_t n;
		snprintf(html, sizeof(html), "<div data-phx-session=\"%s\">", cases[i].in);
		assert_int_equal(lvc_html_containers(html, &v, &n), 0);
		assert_int_equal(n, 1);
		if (strcmp(v[0].session, cases[i].out) != 0)
			fail_msg("'%s' gave '%s', expected '%s'", cases[i].in, v[0].session, cases[i].out);
		lvc_containers_free(v, n);
	}
}

/* Random bytes biased towards HTML's own characters: nothing may crash or
 * leak (the sanitizer build checks), and every container has a session. */
static void test_html_garbage(void **state)
{
	(void)state;
	static const char alphabet[] = "<>=\"' /!-&#;x9amp\nqdiv data-phx-session id main";
	static const char *const pieces[] = {"<div ", "data-phx-session=", "\"", "'", "<!--", "-->",
					     "<script>", "</script>", "&#x", "&amp;", "id=", ">",
					     "<meta name=csrf-token content=", "data-phx-main"};
	char buf[600];
	unsigned seed = 12345;

	for (int round = 0; round < 3000; round++) {
		size_t n = 0, want = (size_t)(rand_r(&seed) % 500);
		while (n < want) {
			int r = rand_r(&seed) % 10;
			if (r < 4) {
				const char *p = pieces[rand_r(&seed) % (sizeof(pieces) / sizeof(pieces[0]))];
				size_t l = strlen(p);
				if (n + l >= sizeof(buf))
					break;
				memcpy(buf + n, p, l);
				n += l;
			} else if (r < 8) {
				buf[n++] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
			} else {
				buf[n++] = (char)(1 + rand_r(&seed) % 255);
			}
		}
		buf[n] = '\0';
		struct lvc_container *v;
		size_t count;
		assert_int_equal(lvc_html_containers(buf, &v, &count), 0);
		for (size_t i = 0; i < count; i++)
			assert_non_null(v[i].session);
		lvc_containers_free(v, count);
		free(lvc_html_csrf_token(buf));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urlencode_like_a_browser),
		cmocka_unit_test(test_urlencode_round_trips_every_byte),
		cmocka_unit_test(test_form_add_joins_pairs),
		cmocka_unit_test(test_jar_set_get_delete),
		cmocka_unit_test(test_jar_refuses_what_would_break_the_header),
		cmocka_unit_test(test_set_cookie_sets_and_deletes),
		cmocka_unit_test(test_set_cookie_expires),
		cmocka_unit_test(test_set_cookie_malformed_is_ignored),
		cmocka_unit_test(test_base_urls),
		cmocka_unit_test(test_request_checks_its_arguments),
		cmocka_unit_test(test_null_sockets_are_safe),
		cmocka_unit_test(test_csrf_token),
		cmocka_unit_test(test_containers_in_document_order),
		cmocka_unit_test(test_containers_none_and_broken),
		cmocka_unit_test(test_entities),
		cmocka_unit_test(test_html_garbage),
	};

	lws_set_log_level(LLL_ERR, NULL);
	return cmocka_run_group_tests_name("lv_client: forms, cookies, HTML, arguments", tests, NULL,
					   NULL);
}
