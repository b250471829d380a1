/*
 * user_auth.c: phx.gen.auth's UserAuth module: the fetch_current_user,
 * require_authenticated_user and redirect_if_user_is_authenticated plugs,
 * and logging in and out. The queries themselves are accounts.c's.
 */
#include "user_auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "page.h"

#define SIGNED_IN_PATH "/"

static void emit_assign(struct request *req)
{
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "key", "current_user");
	if (req->current_user)
		cJSON_AddNumberToObject(f, "user_id", (double)req->current_user->id);
	else
		cJSON_AddNullToObject(f, "user_id");
	trace_emit(req->app->trace, TRACE_EV_CONN_ASSIGN, f);
}

int plug_fetch_current_user(struct request *req)
{
	unsigned char token[USER_TOKEN_LEN];
	char value[512];
	int have = 0;

	if (req->session.has_user_token) {
		memcpy(token, req->session.user_token, USER_TOKEN_LEN);
		have = 1;
	} else if (cookie_get(req->cookie, REMEMBER_ME_COOKIE, value, sizeof(value)) >= 0 &&
		   remember_me_decode(&req->app->signer, value, time(NULL), token) == 0) {
		/* ensure_user_token: the remember-me cookie puts the token back */
		session_put_token(&req->session, token);
		req->session_dirty = 1;
		have = 1;
	}
	user_free(req->current_user);
	req->current_user = have ? accounts_get_user_by_session_token(&req->app->accounts, token) : NULL;
	emit_assign(req);
	return 0;
}

int plug_require_authenticated_user(struct request *req)
{
	if (req->current_user)
		return 0;
	page_put_flash(req, "error", "You must log in to access this page.");
	/* maybe_store_return_to: the current path, query included; a URL too long
	 * for the cookie (browsers drop cookies over 4 KiB) is not kept */
	if (req->method == HTTP_GET && strlen(req->path) + strlen(req->query) < 1024) {
		struct buf to;
		buf_init(&to);
		buf_adds(&to, req->path);
		if (req->query[0])
			buf_addf(&to, "?%s", req->query);
		session_set_string(&req->session.user_return_to, buf_str(&to));
		buf_release(&to);
		req->session_dirty = 1;
	}
	response_redirect(req, "/users/log_in");
	return 1;
}

int plug_redirect_if_user_is_authenticated(struct request *req)
{
	if (!req->current_user)
		return 0;
	response_redirect(req, SIGNED_IN_PATH);
	return 1;
}

void user_auth_log_in_user(struct request *req, const unsigned char token[USER_TOKEN_LEN],
			   int remember_me, const char *flash)
{
	char *return_to = req->session.user_return_to ? xstrdup(req->session.user_return_to) : NULL;

	/* renew_session: nothing of the old session survives a log in */
	session_clear(&req->session);
	session_put_token(&req->session, token);
	req->session_dirty = 1;
	if (remember_me) {
		char *value = remember_me_encode(&req->app->signer, token, time(NULL));
		char attrs[96];
		snprintf(attrs, sizeof(attrs), "; path=/; max-age=%ld; HttpOnly; SameSite=Lax",
			 REMEMBER_ME_MAX_AGE);
		response_cookie(req, REMEMBER_ME_COOKIE, value, attrs);
		free(value);
	}
	if (flash)
		page_put_flash(req, "info", flash);
	response_redirect(req, return_to ? return_to : SIGNED_IN_PATH);
	free(return_to);
}

void user_auth_log_out_user(struct request *req)
{
	if (req->session.has_user_token)
		accounts_delete_session_token(&req->app->accounts, req->session.user_token);
	/* Endpoint.broadcast(live_socket_id, "disconnect", %{}): every LiveView
	 * socket of this login closes. The topic holds the token, the trace
	 * shows which topic, not which token. */
	if (req->session.live_socket_id) {
		const char *id = req->session.live_socket_id;
		const char *colon = strchr(id, ':');
		char shown[64];
		snprintf(shown, sizeof(shown), "%.*s:<token>", colon ? (int)(colon - id) : 0, id);
		pubsub_broadcast(&req->app->pubsub, id, "disconnect", shown);
	}
	session_clear(&req->session);
	req->session_dirty = 1;
	response_cookie(req, REMEMBER_ME_COOKIE, "",
			"; path=/; max-age=0; expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; "
			"SameSite=Lax");
	page_put_flash(req, "info", "Logged out successfully.");
	response_redirect(req, "/");
}
