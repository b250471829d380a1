/*
 * libFuzzer harness: the LiveView session and static tokens
 * (lv_session_verify and lv_static_verify in demo_app/live_view.c, over
 * sign.c), the data-phx-session and data-phx-static a join presents.
 *
 * The first byte picks what the rest is:
 *   even: a token, as a client may send any. The key is this run's
 *         (random), so nothing written beforehand may verify, for either
 *         purpose.
 *   odd:  a payload, signed here with the key for one purpose (bit 1:
 *         static, else session) at an age (bits 2-7: 0 to 63 days). The
 *         verifier parses it (any JSON, or none); then the token must not
 *         verify for the other purpose, must not verify once it is older
 *         than LiveView's two weeks, and must not verify with any one
 *         character changed into the one the second byte gives.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "live_view.h"
#include "sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* live_view.c's purposes */
#define SESSION_PURPOSE "live view session"
#define STATIC_PURPOSE "live view static"

static struct app app; /* the verifier reads only the signer */

/* 0 when TOKEN verifies as either kind of token (for container ID), else -1. */
static int verifies(const char *token, const char *id, int want_session, struct lv_token *t)
{
	int user = 0;
	if (want_session)
		return lv_session_verify(&app, token, t);
	return lv_static_verify(&app, token, id, &user);
}

static void check_strings(const struct lv_token *t)
{
	/* every string of a verified token is terminated inside its field */
	if (!memchr(t->id, 0, sizeof(t->id)) || !memchr(t->view, 0, sizeof(t->view)) ||
	    !memchr(t->variant, 0, sizeof(t->variant)) ||
	    !memchr(t->live_session, 0, sizeof(t->live_session)) ||
	    !memchr(t->parent, 0, sizeof(t->parent)) ||
	    !memchr(t->live_socket_id, 0, sizeof(t->live_socket_id)) || !t->id[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct lv_token t;
	int user = 0;

	if (!ready) {
		if (random_bytes(app.signer.key, SIGN_KEY_LEN) < 0)
			abort();
		ready = 1;
	}
	if (size < 2)
		return 0;
	char *text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	if (!(data[0] & 1)) {
		if (lv_session_verify(&app, text, &t) == 0 ||
		    lv_static_verify(&app, text, "phx-fuzz", &user) == 0)
			abort(); /* a forgery verified */
		free(text);
		return 0;
	}

	int session = !(data[0] & 2);
	long age = (long)(data[0] >> 2) * 24 * 60 * 60;
	time_t now = time(NULL);
	/* the payload may hold NUL bytes: they are signed too */
	char *token = sign_message(&app.signer, session ? SESSION_PURPOSE : STATIC_PURPOSE, data + 1,
				   size - 1, now - age);
	/* the container id a static token is checked against: its own, when it has one */
	cJSON *j = cJSON_ParseWithLength((const char *)data + 1, size - 1);
	const cJSON *jid = cJSON_GetObjectItemCaseSensitive(j, "id");
	const char *id = cJSON_IsString(jid) ? jid->valuestring : "phx-fuzz";

	int ok = verifies(token, id, session, &t) == 0;
	if (ok && session)
		check_strings(&t);
	if (ok && age > LV_TOKEN_MAX_AGE + 60)
		abort(); /* older than two weeks, yet accepted */
	if (verifies(token, id, !session, &t) == 0)
		abort(); /* one purpose's token taken for the other */

	/* change one character: no longer ours */
	size_t n = strlen(token);
	char c = (char)data[1];
	for (size_t i = 0; i < n; i += 1 + n / 16) {
		char was = token[i];
		if (was == c || c == '\0')
			continue;
		token[i] = c;
		if (verifies(token, id, session, &t) == 0)
			abort(); /* a tampered token verified */
		token[i] = was;
	}
	cJSON_Delete(j);
	free(token);
	free(text);
	return 0;
}
