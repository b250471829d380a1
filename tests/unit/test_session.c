/*
 * test_session.c: the signed session cookie and the remember-me cookie
 * (session.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "csrf.h"
#include "session.h"
#include "sign.h"

#define NOW ((time_t)1700000000)

static void make_signer(struct signer *s, unsigned char seed)
{
	for (int i = 0; i < SIGN_KEY_LEN; i++)
		s->key[i] = (unsigned char)(seed * 31 + i);
}

static void assert_session_empty(const struct session *s)
{
	unsigned char zero[USER_TOKEN_LEN] = {0};

	assert_int_equal(s->has_user_token, 0);
	assert_memory_equal(s->user_token, zero, USER_TOKEN_LEN);
	assert_null(s->live_socket_id);
	assert_null(s->user_return_to);
	assert_string_equal(s->csrf_token, "");
	assert_null(s->flash_info);
	assert_null(s->flash_error);
}

/* A session with every field set; the token is random. */
static void fill_session(struct session *s, unsigned char token[USER_TOKEN_LEN])
{
	session_init(s);
	assert_int_equal(random_bytes(token, USER_TOKEN_LEN), 0);
	session_put_token(s, token);
	session_set_string(&s->user_return_to, "/users/settings?tab=\"email\"&x=<1>");
	assert_int_equal(csrf_new_token(s->csrf_token), 0);
	session_set_string(&s->flash_info, "Welcome back! \xc3\xa9t\xc3\xa9 \xe2\x82\xac");
	session_set_string(&s->flash_error, "Invalid email or password");
}

static void test_put_token_sets_live_socket_id(void **state)
{
	(void)state;
	struct session s;
	unsigned char token[USER_TOKEN_LEN];

	session_init(&s);
	/* bytes that need the url-safe alphabet: 0xfb 0xef 0xbe is "----", 0xff.. "____" */
	for (int i = 0; i < USER_TOKEN_LEN; i++)
		token[i] = (unsigned char)(i < 15 ? "\xfb\xef\xbe"[i % 3] : 0xff);
	session_put_token(&s, token);
	assert_int_equal(s.has_user_token, 1);
	assert_memory_equal(s.user_token, token, USER_TOKEN_LEN);
	char *b64 = b64url_encode(token, USER_TOKEN_LEN);
	assert_int_equal(strlen(b64), 44);
	assert_non_null(s.live_socket_id);
	assert_int_equal(strncmp(s.live_socket_id, "users_sessions:", 15), 0);
	assert_string_equal(s.live_socket_id + 15, b64);
	assert_null(strpbrk(s.live_socket_id, "+/"));
	assert_non_null(strstr(s.live_socket_id, "-----"));
	assert_non_null(strstr(s.live_socket_id, "____"));
	free(b64);
	session_release(&s);
	assert_session_empty(&s);
}

static void test_session_round_trip_every_field(void **state)
{
	(void)state;
	struct signer key;
	struct session in, out;
	unsigned char token[USER_TOKEN_LEN];

	make_signer(&key, 1);
	fill_session(&in, token);
	char *cookie = session_encode(&in, &key, NOW);
	assert_non_null(cookie);
	assert_null(strpbrk(cookie, " ;,\"\\"));

	session_init(&out);
	assert_int_equal(session_decode(&out, &key, cookie, NOW + 3600), 0);
	assert_int_equal(out.has_user_token, 1);
	assert_memory_equal(out.user_token, token, USER_TOKEN_LEN);
	assert_non_null(out.live_socket_id);
	assert_string_equal(out.live_socket_id, in.live_socket_id);
	char *b64 = b64url_encode(token, USER_TOKEN_LEN);
	assert_int_equal(strncmp(out.live_socket_id, "users_sessions:", 15), 0);
	assert_string_equal(out.live_socket_id + 15, b64);
	free(b64);
	assert_non_null(out.user_return_to);
	assert_string_equal(out.user_return_to, in.user_return_to);
	assert_int_equal(strlen(out.csrf_token), CSRF_TOKEN_LEN);
	assert_string_equal(out.csrf_token, in.csrf_token);
	assert_non_null(out.flash_info);
	assert_string_equal(out.flash_info, in.flash_info);
	assert_non_null(out.flash_error);
	assert_string_equal(out.flash_error, in.flash_error);

	free(cookie);
	session_release(&in);
	session_release(&out);
}

static void test_session_round_trip_empty_and_partial(void **state)
{
	(void)state;
	struct signer key;
	struct session in, out;

	make_signer(&key, 2);
	session_init(&in);
	char *cookie = session_encode(&in, &key, NOW);
	session_init(&out);
	assert_int_equal(session_decode(&out, &key, cookie, NOW), 0);
	assert_session_empty(&out);
	free(cookie);

	/* only a flash and a csrf token: no user token appears from nowhere */
	session_set_string(&in.flash_info, "Logged out successfully.");
	assert_int_equal(csrf_new_token(in.csrf_token), 0);
	cookie = session_encode(&in, &key, NOW);
	assert_int_equal(session_decode(&out, &key, cookie, NOW), 0);
	assert_int_equal(out.has_user_token, 0);
	assert_null(out.live_socket_id);
	assert_null(out.user_return_to);
	assert_null(out.flash_error);
	assert_string_equal(out.flash_info, "Logged out successfully.");
	assert_string_equal(out.csrf_token, in.csrf_token);
	free(cookie);
	session_release(&in);
	session_release(&out);
}

static void test_session_other_key_rejected(void **state)
{
	(void)state;
	struct signer key, other;
	struct session in, out;
	unsigned char token[USER_TOKEN_LEN];

	make_signer(&key, 3);
	make_signer(&other, 3);
	other.key[0] ^= 0x40;
	fill_session(&in, token);
	char *cookie = session_encode(&in, &key, NOW);

	session_init(&out);
	assert_int_equal(session_decode(&out, &other, cookie, NOW), -1);
	assert_session_empty(&out);
	/* and the right key still accepts it */
	assert_int_equal(session_decode(&out, &key, cookie, NOW), 0);
	assert_int_equal(out.has_user_token, 1);
	free(cookie);
	session_release(&in);
	session_release(&out);
}

static void test_session_any_changed_byte_rejected(void **state)
{
	(void)state;
	struct signer key;
	struct session in, out;
	unsigned char token[USER_TOKEN_LEN];

	make_signer(&key, 4);
	fill_session(&in, token);
	char *cookie = session_encode(&in, &key, NOW);
	size_t n = strlen(cookie);

	for (size_t i = 0; i < n; i++) {
		for (int flip = 0; flip < 2; flip++) {
			char *t = strdup(cookie);
			t[i] = flip ? (t[i] == 'A' ? 'B' : 'A') : (char)(t[i] ^ 0x01);
			if (t[i] == cookie[i])
				t[i] = (char)(t[i] ^ 0x02);
			session_init(&out);
			int rc = session_decode(&out, &key, t, NOW);
			if (rc != -1)
				fail_msg("cookie with byte %zu changed ('%c' -> '%c') was accepted", i,
					 cookie[i], t[i]);
			assert_session_empty(&out);
			session_release(&out);
			free(t);
		}
	}
	/* truncated, and garbage */
	char *t = strdup(cookie);
	t[n - 1] = '\0';
	session_init(&out);
	assert_int_equal(session_decode(&out, &key, t, NOW), -1);
	assert_session_empty(&out);
	assert_int_equal(session_decode(&out, &key, "", NOW), -1);
	assert_session_empty(&out);
	assert_int_equal(session_decode(&out, &key, "garbage", NOW), -1);
	assert_session_empty(&out);
	free(t);
	free(cookie);
	session_release(&in);
}

static void test_session_rejects_remember_me_cookie(void **state)
{
	(void)state;
	struct signer key;
	struct session out;

	make_signer(&key, 5);
	/* a validly signed remember-me cookie is not a session */
	unsigned char token[USER_TOKEN_LEN] = {1, 2, 3};
	char *rm = remember_me_encode(&key, token, NOW);
	session_init(&out);
	assert_int_equal(session_decode(&out, &key, rm, NOW), -1);
	assert_session_empty(&out);
	free(rm);
}

static void test_remember_me_round_trip(void **state)
{
	(void)state;
	struct signer key;
	unsigned char token[USER_TOKEN_LEN], got[USER_TOKEN_LEN];

	make_signer(&key, 6);
	assert_int_equal(random_bytes(token, sizeof(token)), 0);
	char *cookie = remember_me_encode(&key, token, NOW);
	assert_non_null(cookie);
	memset(got, 0, sizeof(got));
	assert_int_equal(remember_me_decode(&key, cookie, NOW, got), 0);
	assert_memory_equal(got, token, USER_TOKEN_LEN);
	memset(got, 0, sizeof(got));
	assert_int_equal(remember_me_decode(&key, cookie, NOW + 59L * 24 * 3600, got), 0);
	assert_memory_equal(got, token, USER_TOKEN_LEN);
	free(cookie);
}

static void test_remember_me_expires_after_60_days(void **state)
{
	(void)state;
	struct signer key;
	unsigned char token[USER_TOKEN_LEN], got[USER_TOKEN_LEN];
	const long sixty_days = 60L * 24 * 60 * 60;

	assert_int_equal(REMEMBER_ME_MAX_AGE, sixty_days);
	make_signer(&key, 7);
	assert_int_equal(random_bytes(token, sizeof(token)), 0);
	char *cookie = remember_me_encode(&key, token, NOW);
	assert_int_equal(remember_me_decode(&key, cookie, NOW + sixty_days, got), 0);
	assert_memory_equal(got, token, USER_TOKEN_LEN);
	assert_int_equal(remember_me_decode(&key, cookie, NOW + sixty_days + 1, got), -1);
	assert_int_equal(remember_me_decode(&key, cookie, NOW + 61L * 24 * 3600, got), -1);
	assert_int_equal(remember_me_decode(&key, cookie, NOW + 365L * 24 * 3600, got), -1);
	free(cookie);
}

static void test_remember_me_wrong_key_or_purpose(void **state)
{
	(void)state;
	struct signer key, other;
	unsigned char token[USER_TOKEN_LEN], got[USER_TOKEN_LEN];
	struct session s;

	make_signer(&key, 8);
	make_signer(&other, 9);
	assert_int_equal(random_bytes(token, sizeof(token)), 0);
	char *cookie = remember_me_encode(&key, token, NOW);
	memset(got, 0x5a, sizeof(got));
	assert_int_equal(remember_me_decode(&other, cookie, NOW, got), -1);
	/* a session cookie is not a remember-me cookie, even with the same key */
	session_init(&s);
	session_put_token(&s, token);
	char *sess = session_encode(&s, &key, NOW);
	assert_int_equal(remember_me_decode(&key, sess, NOW, got), -1);
	/* tampered */
	cookie[3] = cookie[3] == 'A' ? 'B' : 'A';
	assert_int_equal(remember_me_decode(&key, cookie, NOW, got), -1);
	free(sess);
	session_release(&s);
	free(cookie);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_token_sets_live_socket_id),
		cmocka_unit_test(test_session_round_trip_every_field),
		cmocka_unit_test(test_session_round_trip_empty_and_partial),
		cmocka_unit_test(test_session_other_key_rejected),
		cmocka_unit_test(test_session_any_changed_byte_rejected),
		cmocka_unit_test(test_session_rejects_remember_me_cookie),
		cmocka_unit_test(test_remember_me_round_trip),
		cmocka_unit_test(test_remember_me_expires_after_60_days),
		cmocka_unit_test(test_remember_me_wrong_key_or_purpose),
	};

	return cmocka_run_group_tests_name("session: signed session and remember-me cookies",
					   tests, NULL, NULL);
}
