/*
 * test_live_view.c: the LiveView container tokens (live_view.h): a session
 * token verifies into what was signed, and ages out after LiveView's two
 * weeks; a tampered or re-purposed one does not verify.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "live_view.h"
#include "sign.h"

#define SESSION_PURPOSE "live view session" /* live_view.c's */

static void make_app(struct app *app)
{
	memset(app, 0, sizeof(*app));
	for (size_t i = 0; i < SIGN_KEY_LEN; i++)
		app->signer.key[i] = (unsigned char)(i * 7 + 1);
}

/* A fresh MissionLive token of the assign_new variant, and its signed payload. */
static char *mission_token(struct app *app, unsigned char **payload, size_t *len)
{
	const struct variant *v = variant_find("assign_new", strlen("assign_new"));
	struct lv *lv = lv_new(app, live_view_find("MissionLive"), v, 0, NULL);
	lv_new_id(lv);
	lv_set_live_session(lv, 0);
	char *token = lv_session_token(lv, lv->id);
	lv_free(lv);
	assert_non_null(token);
	*payload = sign_verify(&app->signer, SESSION_PURPOSE, token, time(NULL), 0, len, NULL);
	assert_non_null(*payload);
	return token;
}

static void test_session_token_round_trip(void **state)
{
	(void)state;
	struct app app;
	struct lv_token t;
	unsigned char *payload;
	size_t len;

	make_app(&app);
	char *token = mission_token(&app, &payload, &len);
	assert_int_equal(lv_session_verify(&app, token, &t), 0);
	assert_string_equal(t.view, "MissionLive");
	assert_string_equal(t.variant, "assign_new");
	assert_string_equal(t.live_session, "assign_new");
	assert_string_equal(t.parent, "");
	assert_int_equal(strncmp(t.id, "phx-", 4), 0);
	/* one byte changed: refused */
	token[strlen(token) / 2] ^= 1;
	assert_int_equal(lv_session_verify(&app, token, &t), -1);
	free(token);
	/* the same payload signed for another purpose: refused */
	char *other = sign_message(&app.signer, "live view static", payload, len, time(NULL));
	assert_int_equal(lv_session_verify(&app, other, &t), -1);
	free(other);
	free(payload);
}

static void test_session_token_max_age(void **state)
{
	(void)state;
	struct app app;
	struct lv_token t;
	unsigned char *payload;
	size_t len;

	make_app(&app);
	free(mission_token(&app, &payload, &len));
	time_t now = time(NULL);
	char *young = sign_message(&app.signer, SESSION_PURPOSE, payload, len,
				   now - LV_TOKEN_MAX_AGE + 3600);
	char *old = sign_message(&app.signer, SESSION_PURPOSE, payload, len,
				 now - LV_TOKEN_MAX_AGE - 3600);
	assert_int_equal(lv_session_verify(&app, young, &t), 0);
	assert_int_equal(lv_session_verify(&app, old, &t), -1);
	/* LiveView's two weeks */
	assert_int_equal(LV_TOKEN_MAX_AGE, 14L * 24 * 60 * 60);
	free(young);
	free(old);
	free(payload);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_token_round_trip),
		cmocka_unit_test(test_session_token_max_age),
	};
	return cmocka_run_group_tests_name("live_view: the container tokens", tests, NULL, NULL);
}
