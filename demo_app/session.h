/*
 * session.h: the cookie session (_lvdemo_key), signed with the app secret,
 * holding the keys phx.gen.auth uses, and the remember-me cookie.
 */
#ifndef LVDEMO_SESSION_H
#define LVDEMO_SESSION_H

#include <time.h>

#include "csrf.h"
#include "sign.h"

#define SESSION_COOKIE "_lvdemo_key"
#define REMEMBER_ME_COOKIE "_lvdemo_user_remember_me"
#define USER_TOKEN_LEN 32
#define REMEMBER_ME_MAX_AGE (60L * 24 * 60 * 60) /* 60 days, as the token */

struct session {
	int has_user_token;
	unsigned char user_token[USER_TOKEN_LEN];
	char *live_socket_id; /* "users_sessions:" + url-safe base64 of the token */
	char *user_return_to;
	char csrf_token[CSRF_TOKEN_LEN + 1]; /* "" when none yet */
	char *flash_info;
	char *flash_error;
};

void session_init(struct session *s);
void session_release(struct session *s);
/* Drop every key (Phoenix's clear_session), as log in and log out do. */
void session_clear(struct session *s);

/* Put a session token in (and its live_socket_id), as put_token_in_session. */
void session_put_token(struct session *s, const unsigned char token[USER_TOKEN_LEN]);
void session_set_string(char **field, const char *value);

/* The signed cookie value for S, a new string. */
char *session_encode(const struct session *s, const struct signer *signer, time_t now);

/*
 * Read a signed cookie VALUE into S (which must be freshly initialised).
 * Returns 0, or -1 when it is forged, tampered or malformed: S stays empty,
 * which is how a bad cookie is treated (logged out).
 */
int session_decode(struct session *s, const struct signer *signer, const char *value, time_t now);

/* The remember-me cookie for TOKEN, a new string; and its check (0 or -1). */
char *remember_me_encode(const struct signer *signer, const unsigned char token[USER_TOKEN_LEN],
			 time_t now);
int remember_me_decode(const struct signer *signer, const char *value, time_t now,
		       unsigned char token[USER_TOKEN_LEN]);

#endif
