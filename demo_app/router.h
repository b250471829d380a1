/*
 * router.h: what the router, the plugs (user_auth.c) and the controllers
 * (controllers.c) share. A plug returns 0 to go on, 1 when it halted the
 * request with a response.
 */
#ifndef LVDEMO_ROUTER_H
#define LVDEMO_ROUTER_H

#include "app.h"
#include "views.h"

typedef int (*plug_fn)(struct request *req);
typedef void (*action_fn)(struct request *req);

/* ---- user_auth.c: phx.gen.auth's UserAuth ---- */
int plug_fetch_current_user(struct request *req);
int plug_require_authenticated_user(struct request *req);
int plug_redirect_if_user_is_authenticated(struct request *req);
/* Renew the session, put the new token in, remember me if asked, redirect. */
void user_auth_log_in_user(struct request *req, const unsigned char token[USER_TOKEN_LEN],
			   int remember_me, const char *flash);
void user_auth_log_out_user(struct request *req);

/* ---- controllers.c ---- */
void page_home(struct request *req);
void registration_new(struct request *req);
void registration_create(struct request *req);
void session_new(struct request *req);
void session_create(struct request *req);
void session_delete(struct request *req);
/* POST /test/expire-token (--test-hooks, loopback only): the session's token 61 days older */
void test_hook_expire_token(struct request *req);

/* ---- router.c helpers for the above ---- */
void put_flash(struct request *req, const char *kind, const char *msg);
/* Fill PAGE for a render; CSRF (CSRF_MASKED_MAX bytes) receives a masked token. */
void request_page(struct request *req, struct page *page, const char *title, char *csrf);
/* Take the rendered HTML as the response body. */
void render(struct request *req, int status, struct buf *html);
/* The variant named by the first path segment, or NULL. */
const char *request_variant(const struct request *req);

#endif
