/*
 * controllers.h: the controllers' actions, one function per route, named
 * controller_CONTROLLER_ACTION after Phoenix's modules and actions
 * (UserSessionController.new is controller_user_session_new). Each answers
 * the request or awaits a password job (request_await).
 */
#ifndef LVDEMO_CONTROLLERS_H
#define LVDEMO_CONTROLLERS_H

#include "request.h"

void controller_page_home(struct request *req);
void controller_user_registration_new(struct request *req);
void controller_user_registration_create(struct request *req);
void controller_user_session_new(struct request *req);
void controller_user_session_create(struct request *req);
void controller_user_session_delete(struct request *req);
/* POST /test/expire-token (--test-hooks, loopback only): the session's token 61 days older */
void controller_test_hooks_expire_token(struct request *req);

#endif
