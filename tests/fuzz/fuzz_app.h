/*
 * fuzz_app.h: an lvdemo process state (struct app) for the harnesses that
 * need one, made as main.c makes it but with nothing on the network or on
 * disk: an in-memory SQLite database with one registered agent, a trace
 * that goes to /dev/null, a random signing key, password workers at
 * bcrypt's lowest cost. It also gives the cookies and tokens a browser of
 * that agent would hold, and the placeholder expansion that lets a fixed
 * seed file carry them (they are signed with this run's key and time).
 */
#ifndef LVTRACE_FUZZ_APP_H
#define LVTRACE_FUZZ_APP_H

#include <stddef.h>

#include "app.h"
#include "csrf.h"
#include "request.h"

#define FUZZ_AGENT_EMAIL "agent@example.com"
#define FUZZ_AGENT_PASSWORD "correct horse battery"

struct fuzz_app {
	struct app app;
	char agent_hash[PASSWORD_HASH_MAX]; /* FUZZ_AGENT_PASSWORD at cost 4 */
	/* the agent's login, made anew with each database */
	unsigned char agent_token[USER_TOKEN_LEN];
	char csrf_token[CSRF_TOKEN_LEN + 1]; /* the sessions' unmasked CSRF token */
	char csrf[CSRF_MASKED_MAX];	     /* a masked copy, as a page carries it */
	char *agent_session;		     /* _lvdemo_key's value: logged in */
	char *guest_session;		     /* _lvdemo_key's value: no user, the same CSRF token */
	char *remember_me;		     /* _lvdemo_user_remember_me's value for the login */
};

/*
 * Make FA's app: WORKERS password threads (0: none, for harnesses that
 * never hash), and a database made with fuzz_app_reset_db. Aborts with a
 * message on failure: a harness without its app has nothing to test.
 */
void fuzz_app_open(struct fuzz_app *fa, int workers);
/* Drop the database and make a fresh one: the agent registered and logged in anew. */
void fuzz_app_reset_db(struct fuzz_app *fa);
/* Free what fuzz_app_open made (the replay driver's leak check wants it at exit). */
void fuzz_app_close(struct fuzz_app *fa);

/*
 * Wait for REQ's password job (req->job), resume it as the transport's
 * take_password_results does, and again while it awaits another one.
 */
void fuzz_app_await(struct fuzz_app *fa, struct request *req);

/* One placeholder: "@NAME@" in an input stands for VALUE. */
struct fuzz_subst {
	const char *name; /* with its @s: "@CSRF@" */
	const char *value;
};

/*
 * TEXT (LEN bytes, any) with every placeholder of SUBST replaced, as a new
 * NUL-terminated string (*OUTLEN: its length; a NUL byte of TEXT stays in
 * it). *USED gets a bit per placeholder that occurred (may be NULL).
 */
char *fuzz_expand(const char *text, size_t len, const struct fuzz_subst *subst, size_t n,
		  size_t *outlen, unsigned *used);

#endif
