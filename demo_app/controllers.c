/*
 * controllers.c: the actions of the page, registration, session and test-hook
 * controllers, each controller_CONTROLLER_ACTION as Phoenix names them.
 * Password hashing and checking go to the worker pool; the action resumes
 * on the event loop when the result is back.
 */
#include "controllers.h"

#include <stdlib.h>
#include <string.h>

#include "csrf.h"
#include "page.h"
#include "user_auth.h"
#include "validate.h"

void controller_page_home(struct request *req)
{
	struct page page;
	char csrf[CSRF_MASKED_MAX];
	struct buf html;

	buf_init(&html);
	page_init(&page, req, "Home", csrf);
	view_home(&html, &page);
	page_render(req, 200, &html);
	buf_release(&html);
}

/* ------------------------------------------------------------ registration */

static void render_register(struct request *req, const char *email,
			    const struct registration_errors *errors)
{
	struct page page;
	char csrf[CSRF_MASKED_MAX];
	struct buf html;

	buf_init(&html);
	page_init(&page, req, "Register", csrf);
	view_register(&html, &page, email, errors);
	page_render(req, 200, &html);
	buf_release(&html);
}

void controller_user_registration_new(struct request *req)
{
	render_register(req, "", NULL);
}

/* A query that failed: 503 when the database cannot be written (read-only, full, gone:
 * said once on stderr by db.c; it may come back), else 500. */
static void storage_error(struct request *req, const char *what)
{
	char text[400];
	if (req->app->db.unwritable) {
		snprintf(text, sizeof(text), "Service Unavailable: %s: the database cannot be written (%s)\n", what,
			 req->app->db.unwritable_why);
		response_header(req, "Retry-After", "30");
		response_text(req, 503, text);
	} else {
		snprintf(text, sizeof(text), "Internal Server Error: %s\n", what);
		response_text(req, 500, text);
	}
}

static void user_registration_hashed(struct request *req, struct password_job *job)
{
	struct registration_errors errors;
	unsigned char token[USER_TOKEN_LEN];
	long long id = 0;

	memset(&errors, 0, sizeof(errors));
	if (job->result < 0) {
		response_text(req, 500, "Internal Server Error: cannot hash the password\n");
		return;
	}
	int rc = accounts_insert_user(&req->app->accounts, req->stash, job->hash, &id);
	if (rc == ACCOUNTS_TAKEN) {
		field_errors_add(&errors.email, MSG_TAKEN);
		render_register(req, req->stash, &errors);
		return;
	}
	if (rc < 0 || accounts_generate_session_token(&req->app->accounts, id, token) < 0) {
		storage_error(req, "cannot create the account");
		return;
	}
	user_auth_log_in_user(req, token, 0, "Account created successfully!");
}

void controller_user_registration_create(struct request *req)
{
	const char *email = form_get(&req->params, "user[email]");
	const char *password = form_get(&req->params, "user[password]");
	struct registration_errors errors;

	validate_registration(email, password, &errors);
	if (validate_email_ok(&errors)) {
		int taken = accounts_email_taken(&req->app->accounts, email);
		if (taken < 0) {
			storage_error(req, "cannot check the email");
			return;
		}
		if (taken)
			field_errors_add(&errors.email, MSG_TAKEN);
	}
	validate_password_bytes(password, &errors);
	if (!registration_valid(&errors)) {
		render_register(req, email ? email : "", &errors);
		return;
	}
	struct password_job *job = password_job_new(PASSWORD_HASH, password);
	job->cost = req->app->bcrypt_cost;
	free(req->stash);
	req->stash = xstrdup(email);
	request_await(req, job, user_registration_hashed);
}

/* ------------------------------------------------------------ log in, log out */

static void render_log_in(struct request *req, const char *email, const char *error)
{
	struct page page;
	char csrf[CSRF_MASKED_MAX];
	struct buf html;

	buf_init(&html);
	page_init(&page, req, "Log in", csrf);
	view_log_in(&html, &page, email, error);
	page_render(req, 200, &html);
	buf_release(&html);
}

void controller_user_session_new(struct request *req)
{
	render_log_in(req, "", NULL);
}

static void user_session_checked(struct request *req, struct password_job *job)
{
	unsigned char token[USER_TOKEN_LEN];

	if (job->result != 1 || req->stash_user_id == 0) {
		/* the same answer for an unknown email and a wrong password */
		render_log_in(req, req->stash, MSG_INVALID_LOGIN);
		return;
	}
	if (accounts_generate_session_token(&req->app->accounts, req->stash_user_id, token) < 0) {
		storage_error(req, "cannot create the session");
		return;
	}
	user_auth_log_in_user(req, token, req->remember_me, "Welcome back!");
}

void controller_user_session_create(struct request *req)
{
	const char *email = form_get(&req->params, "user[email]");
	const char *password = form_get(&req->params, "user[password]");
	const char *remember = form_get(&req->params, "user[remember_me]");

	if (!email)
		email = "";
	struct user *user = accounts_get_user_by_email(&req->app->accounts, email);
	struct password_job *job = password_job_new(PASSWORD_VERIFY, password ? password : "");
	/* an unknown email is checked against the dummy hash: the same time either way */
	snprintf(job->hash, sizeof(job->hash), "%s",
		 user ? user->hashed_password : req->app->dummy_hash);
	req->stash_user_id = user ? user->id : 0;
	req->remember_me = remember && strcmp(remember, "true") == 0;
	free(req->stash);
	req->stash = xstrdup(email);
	user_free(user);
	request_await(req, job, user_session_checked);
}

void controller_user_session_delete(struct request *req)
{
	user_auth_log_out_user(req);
}

/* ------------------------------------------------------------ test hooks */

/*
 * A scenario's expire-token step: the token of this session made 61 days
 * old, so that fetch_current_user finds nobody (a token is valid 60 days).
 * Only with --test-hooks, only from loopback (router.c); the UPDATE is in
 * the trace like every statement, in its own phase.
 */
void controller_test_hooks_expire_token(struct request *req)
{
	if (!req->session.has_user_token) {
		response_text(req, 422, "not logged in: no session token to expire\n");
		return;
	}
	int n = accounts_age_session_token(&req->app->accounts, req->session.user_token, 61);
	if (n < 0)
		response_text(req, 500, "the token could not be aged\n");
	else if (n == 0)
		response_text(req, 404, "no such session token\n");
	else
		response_send(req, 204, "text/plain", "", 0);
}
