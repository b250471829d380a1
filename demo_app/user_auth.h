/*
 * user_auth.h: phx.gen.auth's UserAuth: the plugs that load and require
 * the current user, and logging in and out. A plug returns 0 to go on, 1
 * when it halted the request with a response.
 */
#ifndef LVDEMO_USER_AUTH_H
#define LVDEMO_USER_AUTH_H

#include "request.h"

int plug_fetch_current_user(struct request *req);
int plug_require_authenticated_user(struct request *req);
int plug_redirect_if_user_is_authenticated(struct request *req);
/* Renew the session, put the new token in, remember me if asked, redirect. */
void user_auth_log_in_user(struct request *req, const unsigned char token[USER_TOKEN_LEN],
			   int remember_me, const char *flash);
/* Delete the token, close the login's LiveView sockets (a broadcast), redirect. */
void user_auth_log_out_user(struct request *req);

#endif
