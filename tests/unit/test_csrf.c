/*
 * test_csrf.c: CSRF session tokens and their masked copies (csrf.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "csrf.h"

#define URL_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#define MASKED_LEN (32 + CSRF_TOKEN_LEN)

static void new_token(char *out)
{
	memset(out, '#', CSRF_TOKEN_LEN + 1);
	assert_int_equal(csrf_new_token(out), 0);
}

static void mask(const char *token, char *out)
{
	memset(out, '#', CSRF_MASKED_MAX);
	assert_int_equal(csrf_mask(token, out), 0);
	assert_int_equal(strlen(out), MASKED_LEN);
}

static void test_new_token_length_and_alphabet(void **state)
{
	(void)state;
	char tok[CSRF_TOKEN_LEN + 1], prev[CSRF_TOKEN_LEN + 1] = "";

	for (int i = 0; i < 200; i++) {
		new_token(tok);
		assert_int_equal(strlen(tok), CSRF_TOKEN_LEN);
		assert_int_equal(strspn(tok, URL_ALPHABET), CSRF_TOKEN_LEN);
		assert_string_not_equal(tok, prev);
		memcpy(prev, tok, sizeof(tok));
	}
}

static void test_masked_length_and_alphabet(void **state)
{
	(void)state;
	char tok[CSRF_TOKEN_LEN + 1], m[CSRF_MASKED_MAX];

	new_token(tok);
	for (int i = 0; i < 50; i++) {
		mask(tok, m);
		assert_true(MASKED_LEN < CSRF_MASKED_MAX);
		assert_int_equal(strspn(m, URL_ALPHABET), MASKED_LEN);
		/* the token itself never appears in the masked copy */
		assert_null(strstr(m, tok));
	}
}

static void test_two_masks_differ_and_both_validate(void **state)
{
	(void)state;
	char tok[CSRF_TOKEN_LEN + 1], m1[CSRF_MASKED_MAX], m2[CSRF_MASKED_MAX];

	new_token(tok);
	mask(tok, m1);
	mask(tok, m2);
	assert_string_not_equal(m1, m2);
	assert_int_equal(csrf_valid(tok, m1), 1);
	assert_int_equal(csrf_valid(tok, m2), 1);
}

static void test_mask_of_other_token_fails(void **state)
{
	(void)state;
	char a[CSRF_TOKEN_LEN + 1], b[CSRF_TOKEN_LEN + 1], ma[CSRF_MASKED_MAX], mb[CSRF_MASKED_MAX];

	new_token(a);
	new_token(b);
	assert_string_not_equal(a, b);
	mask(a, ma);
	mask(b, mb);
	assert_int_equal(csrf_valid(a, ma), 1);
	assert_int_equal(csrf_valid(b, mb), 1);
	assert_int_equal(csrf_valid(a, mb), 0);
	assert_int_equal(csrf_valid(b, ma), 0);
	/* a token differing in one character */
	char c[CSRF_TOKEN_LEN + 1];
	memcpy(c, a, sizeof(c));
	c[CSRF_TOKEN_LEN - 1] = c[CSRF_TOKEN_LEN - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(csrf_valid(c, ma), 0);
	/* the unmasked token is not a masked one */
	assert_int_equal(csrf_valid(a, a), 0);
}

static void test_changed_masked_character_fails(void **state)
{
	(void)state;
	char tok[CSRF_TOKEN_LEN + 1], m[CSRF_MASKED_MAX];

	new_token(tok);
	mask(tok, m);
	for (int i = 0; i < MASKED_LEN; i++) {
		char t[CSRF_MASKED_MAX];
		memcpy(t, m, sizeof(t));
		t[i] = t[i] == 'A' ? 'Q' : 'A';
		if (csrf_valid(tok, t))
			fail_msg("masked token with character %d changed still valid: %s", i, t);
	}
}

static void test_bad_inputs_fail(void **state)
{
	(void)state;
	char tok[CSRF_TOKEN_LEN + 1], m[CSRF_MASKED_MAX], buf[256];

	new_token(tok);
	mask(tok, m);
	assert_int_equal(csrf_valid(tok, NULL), 0);
	assert_int_equal(csrf_valid(tok, ""), 0);
	/* short: one character missing, at either end */
	memcpy(buf, m, MASKED_LEN - 1);
	buf[MASKED_LEN - 1] = '\0';
	assert_int_equal(csrf_valid(tok, buf), 0);
	assert_int_equal(csrf_valid(tok, m + 1), 0);
	assert_int_equal(csrf_valid(tok, "abc"), 0);
	/* long: one character more, or the token twice */
	strcpy(buf, m);
	strcat(buf, "A");
	assert_int_equal(csrf_valid(tok, buf), 0);
	strcpy(buf, "A");
	strcat(buf, m);
	assert_int_equal(csrf_valid(tok, buf), 0);
	strcpy(buf, m);
	strcat(buf, m);
	assert_int_equal(csrf_valid(tok, buf), 0);
	/* garbage of the right length */
	memset(buf, '!', MASKED_LEN);
	buf[MASKED_LEN] = '\0';
	assert_int_equal(csrf_valid(tok, buf), 0);
	memset(buf, 'A', MASKED_LEN);
	assert_int_equal(csrf_valid(tok, buf), 0);
	memset(buf, ' ', MASKED_LEN);
	assert_int_equal(csrf_valid(tok, buf), 0);
	/* the right length but padding inside the base64 half */
	memcpy(buf, m, CSRF_MASKED_MAX);
	buf[30] = '=';
	buf[31] = '=';
	assert_int_equal(csrf_valid(tok, buf), 0);
	/* the original still validates */
	assert_int_equal(csrf_valid(tok, m), 1);
}

static void test_session_token_of_wrong_length_fails(void **state)
{
	(void)state;
	char tok[CSRF_TOKEN_LEN + 1], m[CSRF_MASKED_MAX], t[CSRF_TOKEN_LEN + 2];

	new_token(tok);
	mask(tok, m);
	assert_int_equal(csrf_valid(NULL, m), 0);
	assert_int_equal(csrf_valid("", m), 0);
	memcpy(t, tok, CSRF_TOKEN_LEN - 1);
	t[CSRF_TOKEN_LEN - 1] = '\0';
	assert_int_equal(csrf_valid(t, m), 0);
	memcpy(t, tok, CSRF_TOKEN_LEN);
	t[CSRF_TOKEN_LEN] = 'A';
	t[CSRF_TOKEN_LEN + 1] = '\0';
	assert_int_equal(csrf_valid(t, m), 0);
	/* and masking refuses such tokens */
	char out[CSRF_MASKED_MAX];
	assert_int_equal(csrf_mask(t, out), -1);
	assert_int_equal(csrf_mask("", out), -1);
	assert_int_equal(csrf_valid(tok, m), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_token_length_and_alphabet),
		cmocka_unit_test(test_masked_length_and_alphabet),
		cmocka_unit_test(test_two_masks_differ_and_both_validate),
		cmocka_unit_test(test_mask_of_other_token_fails),
		cmocka_unit_test(test_changed_masked_character_fails),
		cmocka_unit_test(test_bad_inputs_fail),
		cmocka_unit_test(test_session_token_of_wrong_length_fails),
	};

	return cmocka_run_group_tests_name("csrf: session tokens and masked tokens", tests, NULL,
					   NULL);
}
