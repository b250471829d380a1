/*
 * session.c: encodes the session as JSON (cJSON), signs it into the
 * _lvdemo_key cookie, and reads it back. Reading and writing the Cookie
 * and Set-Cookie headers is left to the HTTP layer.
 */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "json_get.h"

#include "util.h"

#define SESSION_PURPOSE "session cookie"
#define REMEMBER_PURPOSE "remember-me cookie"

void session_init(struct session *s)
{
	memset(s, 0, sizeof(*s));
}

void session_release(struct session *s)
{
	free(s->live_socket_id);
	free(s->user_return_to);
	free(s->flash_info);
	free(s->flash_error);
	session_init(s);
}

void session_clear(struct session *s)
{
	session_release(s);
}

void session_set_string(char **field, const char *value)
{
	free(*field);
	*field = value ? xstrdup(value) : NULL;
}

void session_put_token(struct session *s, const unsigned char token[USER_TOKEN_LEN])
{
	memcpy(s->user_token, token, USER_TOKEN_LEN);
	s->has_user_token = 1;
	char *b64 = b64url_encode(token, USER_TOKEN_LEN);
	free(s->live_socket_id);
	s->live_socket_id = xmalloc(strlen(b64) + 16);
	strcpy(s->live_socket_id, "users_sessions:");
	strcat(s->live_socket_id, b64);
	free(b64);
}

char *session_encode(const struct session *s, const struct signer *signer, time_t now)
{
	cJSON *j = cJSON_CreateObject();

	if (s->has_user_token) {
		char *tok = b64url_encode(s->user_token, USER_TOKEN_LEN);
		cJSON_AddStringToObject(j, "user_token", tok);
		free(tok);
	}
	if (s->live_socket_id)
		cJSON_AddStringToObject(j, "live_socket_id", s->live_socket_id);
	if (s->user_return_to)
		cJSON_AddStringToObject(j, "user_return_to", s->user_return_to);
	if (s->csrf_token[0])
		cJSON_AddStringToObject(j, "_csrf_token", s->csrf_token);
	if (s->flash_info)
		cJSON_AddStringToObject(j, "flash_info", s->flash_info);
	if (s->flash_error)
		cJSON_AddStringToObject(j, "flash_error", s->flash_error);
	char *text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (!text) {
		fprintf(stderr, "lvdemo: out of memory encoding the session\n");
		abort();
	}
	char *out = sign_message(signer, SESSION_PURPOSE, text, strlen(text), now);
	free(text);
	return out;
}

int session_decode(struct session *s, const struct signer *signer, const char *value, time_t now)
{
	size_t len = 0;
	unsigned char *data = sign_verify(signer, SESSION_PURPOSE, value, now, 0, &len, NULL);

	if (!data)
		return -1;
	cJSON *j = cJSON_ParseWithLength((const char *)data, len);
	free(data);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return -1;
	}
	const char *tok = json_str(j, "user_token");
	const char *csrf = json_str(j, "_csrf_token");
	if (tok) {
		size_t tlen = 0;
		unsigned char *raw = b64_decode(tok, &tlen);
		if (raw && tlen == USER_TOKEN_LEN)
			session_put_token(s, raw);
		free(raw);
	}
	if (csrf && strlen(csrf) == CSRF_TOKEN_LEN)
		strcpy(s->csrf_token, csrf);
	session_set_string(&s->user_return_to, json_str(j, "user_return_to"));
	session_set_string(&s->flash_info, json_str(j, "flash_info"));
	session_set_string(&s->flash_error, json_str(j, "flash_error"));
	cJSON_Delete(j);
	return 0;
}

char *remember_me_encode(const struct signer *signer, const unsigned char token[USER_TOKEN_LEN],
			 time_t now)
{
	return sign_message(signer, REMEMBER_PURPOSE, token, USER_TOKEN_LEN, now);
}

int remember_me_decode(const struct signer *signer, const char *value, time_t now,
		       unsigned char token[USER_TOKEN_LEN])
{
	size_t len = 0;
	unsigned char *data =
		sign_verify(signer, REMEMBER_PURPOSE, value, now, REMEMBER_ME_MAX_AGE, &len, NULL);
	int rc = data && len == USER_TOKEN_LEN ? 0 : -1;

	if (rc == 0)
		memcpy(token, data, USER_TOKEN_LEN);
	free(data);
	return rc;
}
