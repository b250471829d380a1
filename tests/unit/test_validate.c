/*
 * test_validate.c: phx.gen.auth's registration checks and their messages,
 * in their order (validate.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "validate.h"

#define E_ACUTE "\xc3\xa9" /* U+00E9, two bytes */
#define EURO "\xe2\x82\xac" /* U+20AC, three bytes */
#define GOOD_EMAIL "someone@example.com"
#define GOOD_PASSWORD "correct horse battery"

/* The messages of F must be exactly the N given ones, in that order. */
static void expect_msgs(const struct field_errors *f, const char *what, int n, ...)
{
	va_list ap;

	if (f->n != n) {
		char got[512] = "";
		for (int i = 0; i < f->n && i < VALIDATE_MAX_ERRORS; i++) {
			strcat(got, i ? ", \"" : "\"");
			strncat(got, f->msg[i], 100);
			strcat(got, "\"");
		}
		fail_msg("%s: %d message(s) expected, got %d: [%s]", what, n, f->n, got);
	}
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		const char *want = va_arg(ap, const char *);
		assert_non_null(f->msg[i]);
		assert_string_equal(f->msg[i], want);
	}
	va_end(ap);
}

/* A string of COUNT copies of UNIT, optionally after PREFIX (caller frees). */
static char *repeat(const char *prefix, const char *unit, int count)
{
	size_t plen = strlen(prefix), ulen = strlen(unit);
	char *s = malloc(plen + ulen * (size_t)count + 1);

	assert_non_null(s);
	memcpy(s, prefix, plen);
	for (int i = 0; i < count; i++)
		memcpy(s + plen + ulen * (size_t)i, unit, ulen);
	s[plen + ulen * (size_t)count] = '\0';
	return s;
}

static void check_email(const char *email, int n, const char *m1, const char *m2)
{
	struct registration_errors e;

	memset(&e, 0x7f, sizeof(e)); /* must be reset by the call */
	validate_registration(email, GOOD_PASSWORD, &e);
	if (n == 0)
		expect_msgs(&e.email, email ? email : "(null)", 0);
	else if (n == 1)
		expect_msgs(&e.email, email ? email : "(null)", 1, m1);
	else
		expect_msgs(&e.email, email ? email : "(null)", 2, m1, m2);
	expect_msgs(&e.password, "password", 0);
	assert_int_equal(validate_email_ok(&e), n == 0);
	assert_int_equal(registration_valid(&e), n == 0);
}

static void check_password(const char *password, const char *msg)
{
	struct registration_errors e;

	memset(&e, 0x7f, sizeof(e));
	validate_registration(GOOD_EMAIL, password, &e);
	expect_msgs(&e.email, "email", 0);
	if (msg)
		expect_msgs(&e.password, password ? password : "(null)", 1, msg);
	else
		expect_msgs(&e.password, password ? password : "(null)", 0);
	assert_int_equal(validate_email_ok(&e), 1);
	assert_int_equal(registration_valid(&e), msg == NULL);
}

static void test_email_blank(void **state)
{
	(void)state;
	check_email(NULL, 1, MSG_BLANK, NULL);
	check_email("", 1, MSG_BLANK, NULL);
	check_email("   ", 1, MSG_BLANK, NULL);
	check_email(" \t\r\n", 1, MSG_BLANK, NULL);
}

static void test_email_format(void **state)
{
	(void)state;
	check_email("someone.example.com", 1, MSG_EMAIL_FORMAT, NULL);
	check_email("some one@example.com", 1, MSG_EMAIL_FORMAT, NULL);
	check_email("someone@example .com", 1, MSG_EMAIL_FORMAT, NULL);
	check_email(" someone@example.com", 1, MSG_EMAIL_FORMAT, NULL);
	check_email("someone@example.com ", 1, MSG_EMAIL_FORMAT, NULL);
	check_email("someone@exa\tmple.com", 1, MSG_EMAIL_FORMAT, NULL);
	check_email("@x", 1, MSG_EMAIL_FORMAT, NULL);
	check_email("x@", 1, MSG_EMAIL_FORMAT, NULL);
	check_email("@", 1, MSG_EMAIL_FORMAT, NULL);
	check_email("@@", 1, MSG_EMAIL_FORMAT, NULL);
	check_email("x", 1, MSG_EMAIL_FORMAT, NULL);
}

static void test_email_format_ok(void **state)
{
	(void)state;
	check_email("a@b", 0, NULL, NULL);
	check_email(GOOD_EMAIL, 0, NULL, NULL);
	check_email("a@b@c", 0, NULL, NULL); /* ^[^\s]+@[^\s]+$ allows more @ */
	check_email("@a@b", 0, NULL, NULL); /* "@a" @ "b" */
	check_email("@a@", 1, MSG_EMAIL_FORMAT, NULL); /* nothing after the last @ */
	check_email("j" E_ACUTE "r" E_ACUTE "me@exampl" E_ACUTE ".fr", 0, NULL, NULL);
}

static void test_email_length(void **state)
{
	(void)state;
	/* "a@" + 158 = 160 characters: fine; 161: too long */
	char *ok = repeat("a@", "b", 158);
	char *longer = repeat("a@", "b", 159);
	assert_int_equal(strlen(ok), 160);
	assert_int_equal(strlen(longer), 161);
	check_email(ok, 0, NULL, NULL);
	check_email(longer, 1, MSG_EMAIL_LONG, NULL);
	free(ok);
	free(longer);

	/* both format and length wrong: the format message comes first */
	char *no_at = repeat("", "c", 161);
	check_email(no_at, 2, MSG_EMAIL_FORMAT, MSG_EMAIL_LONG);
	free(no_at);
	char *spaced = repeat("a b@", "c", 200);
	check_email(spaced, 2, MSG_EMAIL_FORMAT, MSG_EMAIL_LONG);
	free(spaced);
}

static void test_email_length_counts_characters(void **state)
{
	(void)state;
	/* 160 characters in 318 bytes: fine */
	char *ok = repeat("a@", E_ACUTE, 158);
	assert_int_equal(strlen(ok), 2 + 2 * 158);
	check_email(ok, 0, NULL, NULL);
	free(ok);
	/* 161 characters */
	char *longer = repeat("a@", E_ACUTE, 159);
	check_email(longer, 1, MSG_EMAIL_LONG, NULL);
	free(longer);
	/* 160 characters in 3-byte units */
	char *euro = repeat("a@", EURO, 158);
	check_email(euro, 0, NULL, NULL);
	free(euro);
	/* 100 characters (but 300 bytes) is nowhere near the limit */
	char *hundred = repeat("x@", EURO, 98);
	assert_true(strlen(hundred) > 160);
	check_email(hundred, 0, NULL, NULL);
	free(hundred);
}

static void test_password_blank(void **state)
{
	(void)state;
	check_password(NULL, MSG_BLANK);
	check_password("", MSG_BLANK);
	check_password("   ", MSG_BLANK);
	check_password("            ", MSG_BLANK); /* 12 spaces: still blank */
	check_password("\t\n\r\v\f ", MSG_BLANK);
}

static void test_password_length(void **state)
{
	(void)state;
	char *p;

	p = repeat("", "x", 1);
	check_password(p, MSG_PASSWORD_SHORT);
	free(p);
	p = repeat("", "x", 11);
	check_password(p, MSG_PASSWORD_SHORT);
	free(p);
	p = repeat("", "x", 12);
	check_password(p, NULL);
	free(p);
	p = repeat("", "x", 72);
	check_password(p, NULL);
	free(p);
	p = repeat("", "x", 73);
	check_password(p, MSG_PASSWORD_LONG);
	free(p);
	p = repeat("", "x", 500);
	check_password(p, MSG_PASSWORD_LONG);
	free(p);
	/* white space inside or around a non-blank password counts */
	check_password(" abc def ghi ", NULL);
	check_password("  abc def  ", MSG_PASSWORD_SHORT);
}

static void test_password_length_counts_characters(void **state)
{
	(void)state;
	char *p;

	/* 11 characters in 22 bytes: too short */
	p = repeat("", E_ACUTE, 11);
	check_password(p, MSG_PASSWORD_SHORT);
	free(p);
	/* 12 characters in 24 bytes: fine */
	p = repeat("", E_ACUTE, 12);
	check_password(p, NULL);
	free(p);
	/* 72 characters in 216 bytes: fine as characters */
	p = repeat("", EURO, 72);
	check_password(p, NULL);
	free(p);
	p = repeat("", EURO, 73);
	check_password(p, MSG_PASSWORD_LONG);
	free(p);
}

static void test_both_fields_reported(void **state)
{
	(void)state;
	struct registration_errors e;

	validate_registration("", "short", &e);
	expect_msgs(&e.email, "email", 1, MSG_BLANK);
	expect_msgs(&e.password, "password", 1, MSG_PASSWORD_SHORT);
	assert_false(validate_email_ok(&e));
	assert_false(registration_valid(&e));

	validate_registration(NULL, NULL, &e);
	expect_msgs(&e.email, "email", 1, MSG_BLANK);
	expect_msgs(&e.password, "password", 1, MSG_BLANK);

	validate_registration("bad", "", &e);
	expect_msgs(&e.email, "email", 1, MSG_EMAIL_FORMAT);
	expect_msgs(&e.password, "password", 1, MSG_BLANK);
}

static void test_password_bytes_only_when_all_else_valid(void **state)
{
	(void)state;
	struct registration_errors e;
	char *p = repeat("", E_ACUTE, 40); /* 40 characters, 80 bytes */

	assert_int_equal(strlen(p), 80);
	validate_registration(GOOD_EMAIL, p, &e);
	expect_msgs(&e.email, "email", 0);
	expect_msgs(&e.password, "password", 0);
	assert_true(registration_valid(&e));
	validate_password_bytes(p, &e);
	expect_msgs(&e.password, "password", 1, MSG_PASSWORD_BYTES);
	expect_msgs(&e.email, "email", 0);
	assert_false(registration_valid(&e));
	assert_true(validate_email_ok(&e));

	/* with the email invalid, the byte check is not made */
	validate_registration("nope", p, &e);
	validate_password_bytes(p, &e);
	expect_msgs(&e.email, "email", 1, MSG_EMAIL_FORMAT);
	expect_msgs(&e.password, "password", 0);

	/* with a taken email (added by the controller), neither */
	validate_registration(GOOD_EMAIL, p, &e);
	field_errors_add(&e.email, MSG_TAKEN);
	validate_password_bytes(p, &e);
	expect_msgs(&e.email, "email", 1, MSG_TAKEN);
	expect_msgs(&e.password, "password", 0);
	free(p);

	/* 73 ASCII characters: only the character message, once */
	p = repeat("", "y", 73);
	validate_registration(GOOD_EMAIL, p, &e);
	validate_password_bytes(p, &e);
	expect_msgs(&e.password, "password", 1, MSG_PASSWORD_LONG);
	free(p);
}

static void test_password_bytes_boundary(void **state)
{
	(void)state;
	struct registration_errors e;
	char *p;

	/* exactly 72 bytes: fine */
	p = repeat("", E_ACUTE, 36);
	validate_registration(GOOD_EMAIL, p, &e);
	validate_password_bytes(p, &e);
	expect_msgs(&e.password, "password", 0);
	free(p);
	p = repeat("", "z", 72);
	validate_registration(GOOD_EMAIL, p, &e);
	validate_password_bytes(p, &e);
	expect_msgs(&e.password, "password", 0);
	free(p);
	/* 73 bytes in 37 characters */
	p = repeat("z", E_ACUTE, 36);
	assert_int_equal(strlen(p), 73);
	validate_registration(GOOD_EMAIL, p, &e);
	validate_password_bytes(p, &e);
	expect_msgs(&e.password, "password", 1, MSG_PASSWORD_BYTES);
	free(p);
	/* 72 characters in 216 bytes */
	p = repeat("", EURO, 72);
	validate_registration(GOOD_EMAIL, p, &e);
	validate_password_bytes(p, &e);
	expect_msgs(&e.password, "password", 1, MSG_PASSWORD_BYTES);
	free(p);
}

static void test_validate_email_ok(void **state)
{
	(void)state;
	struct registration_errors e;

	validate_registration(GOOD_EMAIL, "", &e);
	assert_true(validate_email_ok(&e));
	assert_false(registration_valid(&e));
	validate_registration(GOOD_EMAIL, "x", &e);
	assert_true(validate_email_ok(&e));
	validate_registration("x@", GOOD_PASSWORD, &e);
	assert_false(validate_email_ok(&e));
	validate_registration("   ", GOOD_PASSWORD, &e);
	assert_false(validate_email_ok(&e));
	validate_registration(GOOD_EMAIL, GOOD_PASSWORD, &e);
	assert_true(validate_email_ok(&e));
	assert_true(registration_valid(&e));
}

static void test_is_blank_and_error_limit(void **state)
{
	(void)state;
	struct field_errors f;

	assert_true(is_blank(NULL));
	assert_true(is_blank(""));
	assert_true(is_blank(" \t\n\v\f\r"));
	assert_false(is_blank(" x "));
	assert_false(is_blank(E_ACUTE));

	memset(&f, 0, sizeof(f));
	for (int i = 0; i < VALIDATE_MAX_ERRORS + 3; i++)
		field_errors_add(&f, i % 2 ? MSG_BLANK : MSG_TAKEN);
	assert_int_equal(f.n, VALIDATE_MAX_ERRORS);
	assert_string_equal(f.msg[0], MSG_TAKEN);
	assert_string_equal(f.msg[1], MSG_BLANK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_email_blank),
		cmocka_unit_test(test_email_format),
		cmocka_unit_test(test_email_format_ok),
		cmocka_unit_test(test_email_length),
		cmocka_unit_test(test_email_length_counts_characters),
		cmocka_unit_test(test_password_blank),
		cmocka_unit_test(test_password_length),
		cmocka_unit_test(test_password_length_counts_characters),
		cmocka_unit_test(test_both_fields_reported),
		cmocka_unit_test(test_password_bytes_only_when_all_else_valid),
		cmocka_unit_test(test_password_bytes_boundary),
		cmocka_unit_test(test_validate_email_ok),
		cmocka_unit_test(test_is_blank_and_error_limit),
	};

	return cmocka_run_group_tests_name("validate: registration checks and messages", tests,
					   NULL, NULL);
}
