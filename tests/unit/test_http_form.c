/*
 * test_http_form.c: urlencoded form parsing and cookie lookup (http_form.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_form.h"

/* Parse TEXT (all of it) into a fresh form; returns form_parse's result. */
static int parse(struct form *f, const char *text, char *err, size_t errlen)
{
	form_init(f);
	err[0] = '\0';
	return form_parse(f, text, strlen(text), err, errlen);
}

/* TEXT must be refused with a message naming REASON. */
static void expect_refused(const char *text, const char *reason)
{
	struct form f;
	char err[256];

	int rc = parse(&f, text, err, sizeof(err));
	if (rc != -1)
		fail_msg("form_parse(\"%s\") returned %d, expected -1", text, rc);
	if (!err[0])
		fail_msg("form_parse(\"%s\") gave no message", text);
	if (!strstr(err, reason))
		fail_msg("form_parse(\"%s\"): message \"%s\" does not mention \"%s\"", text, err,
			 reason);
	form_release(&f);
	assert_int_equal(f.n, 0);
	assert_null(f.fields);
}

static void test_parse_decodes_names_and_values(void **state)
{
	(void)state;
	struct form f;
	char err[128];

	assert_int_equal(parse(&f, "user[email]=a%40b.c&user%5Bpassword%5D=x+y", err, sizeof(err)),
			 0);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.fields[0].name, "user[email]");
	assert_string_equal(f.fields[0].value, "a@b.c");
	assert_string_equal(f.fields[1].name, "user[password]");
	assert_string_equal(f.fields[1].value, "x y");
	assert_string_equal(form_get(&f, "user[email]"), "a@b.c");
	assert_string_equal(form_get(&f, "user[password]"), "x y");
	assert_null(form_get(&f, "user%5Bpassword%5D"));
	assert_null(form_get(&f, "user"));
	assert_null(form_get(&f, "user[email"));
	assert_null(form_get(&f, ""));
	form_release(&f);
	assert_int_equal(f.n, 0);
}

static void test_parse_plus_equals_and_escapes(void **state)
{
	(void)state;
	struct form f;
	char err[128];

	assert_int_equal(parse(&f, "a+b=c+d&e%2Bf=g%2b%3D%26h&k=v=w&lower=%7e%7E", err, sizeof(err)),
			 0);
	assert_int_equal(f.n, 4);
	assert_string_equal(form_get(&f, "a b"), "c d");
	assert_string_equal(form_get(&f, "e+f"), "g+=&h");
	assert_string_equal(form_get(&f, "k"), "v=w");
	assert_string_equal(form_get(&f, "lower"), "~~");
	form_release(&f);
}

static void test_parse_empty_values(void **state)
{
	(void)state;
	struct form f;
	char err[128];

	assert_int_equal(parse(&f, "a=&b", err, sizeof(err)), 0);
	assert_int_equal(f.n, 2);
	assert_non_null(form_get(&f, "a"));
	assert_string_equal(form_get(&f, "a"), "");
	assert_non_null(form_get(&f, "b"));
	assert_string_equal(form_get(&f, "b"), "");
	assert_null(form_get(&f, "c"));
	form_release(&f);

	/* empty pairs carry no field */
	assert_int_equal(parse(&f, "&&x=1&&", err, sizeof(err)), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(form_get(&f, "x"), "1");
	form_release(&f);

	assert_int_equal(parse(&f, "", err, sizeof(err)), 0);
	assert_int_equal(f.n, 0);
	assert_null(form_get(&f, ""));
	form_release(&f);
}

static void test_parse_repeated_names_first_wins(void **state)
{
	(void)state;
	struct form f;
	char err[128];

	assert_int_equal(parse(&f, "a=1&b=x&a=2&a=3", err, sizeof(err)), 0);
	assert_int_equal(f.n, 4);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_string_equal(f.fields[2].value, "2");
	assert_string_equal(f.fields[3].value, "3");
	form_release(&f);
	/* a name spelled two ways is one name once decoded */
	assert_int_equal(parse(&f, "user%5Bemail%5D=first&user[email]=second", err, sizeof(err)), 0);
	assert_string_equal(form_get(&f, "user[email]"), "first");
	form_release(&f);
}

static void test_parse_appends_and_respects_len(void **state)
{
	(void)state;
	struct form f;
	char err[128];

	form_init(&f);
	assert_int_equal(form_parse(&f, "a=1", 3, err, sizeof(err)), 0);
	assert_int_equal(form_parse(&f, "b=2&c=3", 7, err, sizeof(err)), 0);
	form_add(&f, "d", "four");
	assert_int_equal(f.n, 4);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_string_equal(form_get(&f, "c"), "3");
	assert_string_equal(form_get(&f, "d"), "four");
	form_release(&f);

	/* only LEN bytes are read: "a=12345" cut at 4 is "a=12" */
	form_init(&f);
	assert_int_equal(form_parse(&f, "a=12345&b=6", 4, err, sizeof(err)), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(form_get(&f, "a"), "12");
	form_release(&f);
	/* and an escape cut by LEN is malformed */
	form_init(&f);
	err[0] = '\0';
	assert_int_equal(form_parse(&f, "a=%41", 4, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');
	form_release(&f);
}

static void test_parse_malformed_escapes(void **state)
{
	(void)state;
	static const char *const bad[] = {
		/* in values, at the end */
		"a=%", "a=%4", "a=%zz", "a=%g0", "a=%0g", "a=x%", "a=x%4",
		/* in values, in the middle */
		"a=%&b=1", "a=%4&b=1", "a=%zz&b=1", "a=x%4y&b=1", "b=1&a=%&c=2", "a=% 4",
		/* in names */
		"%=1", "%4=1", "%zz=1", "a%=1", "a%4=1", "b=1&%zz=2", "%", "%4", "%zz",
		"x&%4", "%-1=2",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(bad[i], "percent");
}

static void test_parse_invalid_utf8(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"a=%C3%28",	       /* lead byte then no continuation */
		"a=%FF",	       /* never in UTF-8 */
		"a=%C0%AF",	       /* overlong '/' */
		"a=%E0%80%AF",	       /* overlong '/', three bytes */
		"a=%00",	       /* a NUL byte */
		"a=x%00y",
		"a=%C3",	       /* truncated */
		"a=%E2%82",	       /* truncated */
		"a=%ED%A0%80",	       /* a surrogate */
		"a=%F4%90%80%80",      /* past U+10FFFF */
		"a=%80",	       /* a lone continuation byte */
		"a=\xff",	       /* raw, not escaped */
		"a=\xc3(",
		"%C3%28=1",	       /* in names */
		"%00=1",
		"ok=1&%FF=2",
		"ok=1&b=%C0%AF&c=3",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(bad[i], "UTF-8");
}

static void test_parse_valid_multibyte(void **state)
{
	(void)state;
	struct form f;
	char err[128];

	assert_int_equal(parse(&f,
			       "e=%C3%A9&euro=%E2%82%AC&smile=%F0%9F%98%80&raw=\xc3\xa9t\xc3\xa9"
			       "&%C3%A9=name&max=%F4%8F%BF%BF",
			       err, sizeof(err)),
			 0);
	assert_int_equal(f.n, 6);
	assert_string_equal(form_get(&f, "e"), "\xc3\xa9");
	assert_string_equal(form_get(&f, "euro"), "\xe2\x82\xac");
	assert_string_equal(form_get(&f, "smile"), "\xf0\x9f\x98\x80");
	assert_string_equal(form_get(&f, "raw"), "\xc3\xa9t\xc3\xa9");
	assert_string_equal(form_get(&f, "\xc3\xa9"), "name");
	assert_string_equal(form_get(&f, "max"), "\xf4\x8f\xbf\xbf");
	form_release(&f);
}

/* ------------------------------------------------------------ cookies */

static void expect_cookie(const char *header, const char *name, const char *want)
{
	char out[64];

	memset(out, '#', sizeof(out));
	int n = cookie_get(header, name, out, sizeof(out));
	if (!want) {
		if (n != -1)
			fail_msg("cookie_get(\"%s\", \"%s\") found \"%s\"", header, name,
				 n >= 0 ? out : "?");
		return;
	}
	if (n < 0)
		fail_msg("cookie_get(\"%s\", \"%s\") found nothing, want \"%s\"", header, name, want);
	assert_int_equal(n, strlen(want));
	assert_string_equal(out, want);
}

static void test_cookie_exact_name(void **state)
{
	(void)state;
	expect_cookie("_lvdemo_key=abc", "_lvdemo_key", "abc");
	expect_cookie("evil_lvdemo_key=bad", "_lvdemo_key", NULL);
	expect_cookie("_lvdemo_keyx=bad", "_lvdemo_key", NULL);
	expect_cookie("evil_lvdemo_key=bad; _lvdemo_keyx=bad2", "_lvdemo_key", NULL);
	expect_cookie("evil_lvdemo_key=bad; _lvdemo_key=good", "_lvdemo_key", "good");
	expect_cookie("_lvdemo_keyx=bad; _lvdemo_key=good; evil_lvdemo_key=bad", "_lvdemo_key",
		      "good");
	expect_cookie("x=_lvdemo_key=evil; _lvdemo_key=good", "_lvdemo_key", "good");
	expect_cookie("x=_lvdemo_key=evil", "_lvdemo_key", NULL);
	expect_cookie("_lvdemo_key; _lvdemo_key=v", "_lvdemo_key", "v");
	expect_cookie("_LVDEMO_KEY=upper", "_lvdemo_key", NULL);
	/* the first of two wins */
	expect_cookie("_lvdemo_key=1; _lvdemo_key=2", "_lvdemo_key", "1");
	/* a longer name is not matched by a prefix of it */
	expect_cookie("_lvdemo_key=a", "_lvdemo_key_user_remember_me", NULL);
	expect_cookie("_lvdemo_key=a; _lvdemo_user_remember_me=r", "_lvdemo_user_remember_me", "r");
}

static void test_cookie_spaces_and_quotes(void **state)
{
	(void)state;
	expect_cookie("a=1 ; _lvdemo_key=v ; b=2", "_lvdemo_key", "v");
	expect_cookie("a=1;_lvdemo_key=v;b=2", "_lvdemo_key", "v");
	expect_cookie("  _lvdemo_key=v  ", "_lvdemo_key", "v");
	expect_cookie("a=1;\t_lvdemo_key=v\t;b=2", "_lvdemo_key", "v");
	expect_cookie("a=1;  ; ;_lvdemo_key=v", "_lvdemo_key", "v");
	expect_cookie("_lvdemo_key=\"quoted\"", "_lvdemo_key", "quoted");
	expect_cookie("a=1; _lvdemo_key=\"quoted\" ; b=2", "_lvdemo_key", "quoted");
	expect_cookie("_lvdemo_key=\"\"", "_lvdemo_key", "");
	expect_cookie("_lvdemo_key=; b=1", "_lvdemo_key", "");
	expect_cookie("_lvdemo_key=a.b=.c-_", "_lvdemo_key", "a.b=.c-_");
	expect_cookie("b=1; _lvdemo_key=last", "_lvdemo_key", "last");
}

static void test_cookie_missing(void **state)
{
	(void)state;
	expect_cookie("", "_lvdemo_key", NULL);
	expect_cookie(";", "_lvdemo_key", NULL);
	expect_cookie("a=1; b=2", "_lvdemo_key", NULL);
	expect_cookie("_lvdemo_key", "_lvdemo_key", NULL);
	expect_cookie("_lvdemo_ke=1", "_lvdemo_key", NULL);
}

static void test_cookie_value_too_long(void **state)
{
	(void)state;
	char out[16];

	/* 10 characters need 11 bytes */
	memset(out, '#', sizeof(out));
	assert_int_equal(cookie_get("a=1; _lvdemo_key=0123456789; b=2", "_lvdemo_key", out, 10), -1);
	assert_int_equal(out[10], '#'); /* nothing written past the buffer */
	assert_int_equal(cookie_get("a=1; _lvdemo_key=0123456789; b=2", "_lvdemo_key", out, 11),
			 10);
	assert_string_equal(out, "0123456789");
	assert_int_equal(out[11], '#');
	assert_int_equal(cookie_get("_lvdemo_key=0123456789", "_lvdemo_key", out, 1), -1);
	/* an empty value fits in one byte */
	assert_int_equal(cookie_get("_lvdemo_key=", "_lvdemo_key", out, 1), 0);
	assert_string_equal(out, "");
	/* quotes do not count */
	assert_int_equal(cookie_get("_lvdemo_key=\"0123456789\"", "_lvdemo_key", out, 11), 10);
	assert_string_equal(out, "0123456789");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_decodes_names_and_values),
		cmocka_unit_test(test_parse_plus_equals_and_escapes),
		cmocka_unit_test(test_parse_empty_values),
		cmocka_unit_test(test_parse_repeated_names_first_wins),
		cmocka_unit_test(test_parse_appends_and_respects_len),
		cmocka_unit_test(test_parse_malformed_escapes),
		cmocka_unit_test(test_parse_invalid_utf8),
		cmocka_unit_test(test_parse_valid_multibyte),
		cmocka_unit_test(test_cookie_exact_name),
		cmocka_unit_test(test_cookie_spaces_and_quotes),
		cmocka_unit_test(test_cookie_missing),
		cmocka_unit_test(test_cookie_value_too_long),
	};

	return cmocka_run_group_tests_name("http_form: urlencoded forms and cookies", tests, NULL,
					   NULL);
}
