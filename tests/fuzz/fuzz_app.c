/*
 * fuzz_app.c: the harnesses' lvdemo app (fuzz_app.h): main.c's start-up
 * without a listening socket, a file or a secret kept anywhere, and the
 * transport's one duty towards password jobs (waiting for them and
 * resuming the request) done synchronously, since no event loop runs.
 */
#include "fuzz_app.h"

#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "endpoint.h"

#ifndef LVDEMO_ASSETS_DIR
#define LVDEMO_ASSETS_DIR "build/assets"
#endif

/* posted by a worker for each job done: the harness's event loop wake-up */
static sem_t jobs_done;

static void job_done(void *arg)
{
	(void)arg;
	sem_post(&jobs_done);
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_app: %s: %s\n", what, why);
	abort();
}

void fuzz_app_open(struct fuzz_app *fa, int workers)
{
	struct app *app = &fa->app;
	char err[512];

	memset(fa, 0, sizeof(*fa));
	/* a key of this run only: no input written beforehand can carry a valid signature */
	if (random_bytes(app->signer.key, SIGN_KEY_LEN) < 0)
		die("signing key", "no random bytes");
	app->trace = trace_open("/dev/null", "lvdemo " LVDEMO_VERSION, NULL, err, sizeof(err));
	if (!app->trace)
		die("trace", err);
	pubsub_init(&app->pubsub, app->trace);
	/* the lowest cost bcrypt takes: a log in costs about a millisecond */
	app->bcrypt_cost = 4;
	if (password_hash("not a real password, only timing", app->bcrypt_cost, app->dummy_hash,
			  sizeof(app->dummy_hash)) < 0 ||
	    password_hash(FUZZ_AGENT_PASSWORD, app->bcrypt_cost, fa->agent_hash,
			  sizeof(fa->agent_hash)) < 0)
		die("bcrypt", "cannot hash");
	if (workers > 0) {
		sem_init(&jobs_done, 0, 0);
		app->passwords = password_pool_new(workers, 32, job_done, NULL);
		if (!app->passwords)
			die("password workers", "cannot start");
	}
	snprintf(app->url, sizeof(app->url), "http://127.0.0.1:4000");
	snprintf(app->origin, sizeof(app->origin), "%s", app->url);
	app->loopback_origin = 1;
	app->assets_dir = LVDEMO_ASSETS_DIR;
	app->test_hooks = 1; /* the harness says per request whether the peer is loopback */
	fuzz_app_reset_db(fa);
}

static void forget_login(struct fuzz_app *fa)
{
	free(fa->agent_session);
	free(fa->guest_session);
	free(fa->remember_me);
	fa->agent_session = fa->guest_session = fa->remember_me = NULL;
}

void fuzz_app_reset_db(struct fuzz_app *fa)
{
	struct app *app = &fa->app;
	struct session s;
	long long id = 0;
	char err[512];
	time_t now = time(NULL);

	db_close(&app->db);
	if (db_open(&app->db, ":memory:", app->trace, err, sizeof(err)) < 0)
		die("database", err);
	if (accounts_init(&app->accounts, &app->db) < 0)
		die("database", "cannot prepare the accounts' statements");
	if (accounts_insert_user(&app->accounts, FUZZ_AGENT_EMAIL, fa->agent_hash, &id) < 0 ||
	    accounts_generate_session_token(&app->accounts, id, fa->agent_token) < 0)
		die("database", "cannot register the agent");

	forget_login(fa);
	if (csrf_new_token(fa->csrf_token) < 0 || csrf_mask(fa->csrf_token, fa->csrf) < 0)
		die("csrf", "no random bytes");
	session_init(&s);
	memcpy(s.csrf_token, fa->csrf_token, sizeof(s.csrf_token));
	fa->guest_session = session_encode(&s, &app->signer, now);
	session_put_token(&s, fa->agent_token);
	fa->agent_session = session_encode(&s, &app->signer, now);
	session_release(&s);
	fa->remember_me = remember_me_encode(&app->signer, fa->agent_token, now);
}

void fuzz_app_close(struct fuzz_app *fa)
{
	struct app *app = &fa->app;

	if (app->passwords) {
		password_pool_free(app->passwords);
		sem_destroy(&jobs_done);
	}
	forget_login(fa);
	pubsub_release(&app->pubsub);
	db_close(&app->db);
	trace_close(app->trace);
	memset(fa, 0, sizeof(*fa));
}

void fuzz_app_await(struct fuzz_app *fa, struct request *req)
{
	struct app *app = &fa->app;

	while (req->job) {
		sem_wait(&jobs_done);
		struct password_job *j = password_pool_take_done(app->passwords);
		while (j) {
			struct password_job *next = j->next;
			if (j->owner == req && req->job == j) {
				req->job = NULL;
				trace_set_context(app->trace, &req->tctx);
				endpoint_resume(req, j);
				trace_set_context(app->trace, NULL);
			}
			password_job_free(j);
			j = next;
		}
	}
}

char *fuzz_expand(const char *text, size_t len, const struct fuzz_subst *subst, size_t n,
		  size_t *outlen, unsigned *used)
{
	struct buf out;
	size_t i = 0, from = 0;

	buf_init(&out);
	if (used)
		*used = 0;
	while (i < len) {
		size_t k = n;
		if (text[i] == '@') {
			for (k = 0; k < n; k++) {
				size_t nl = strlen(subst[k].name);
				if (nl <= len - i && memcmp(text + i, subst[k].name, nl) == 0)
					break;
			}
		}
		if (k == n) {
			i++;
			continue;
		}
		buf_add(&out, text + from, i - from);
		buf_adds(&out, subst[k].value);
		if (used)
			*used |= 1u << k;
		i += strlen(subst[k].name);
		from = i;
	}
	buf_add(&out, text + from, len - from);
	*outlen = out.len;
	return buf_take(&out);
}
