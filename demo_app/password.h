/*
 * password.h: bcrypt with libcrypt, and a small pool of worker threads so
 * that hashing (about 250 ms at cost 12) never runs on the event loop.
 */
#ifndef LVDEMO_PASSWORD_H
#define LVDEMO_PASSWORD_H

#include <stddef.h>

#define PASSWORD_HASH_MAX 128

/* Hash PASSWORD with a new random salt at COST (4..31) into OUT. Returns 0 or -1. */
int password_hash(const char *password, int cost, char *out, size_t outlen);

/*
 * 1 when PASSWORD matches HASH, else 0. A HASH that is not a well-formed
 * bcrypt setting is refused (never handed to another algorithm), and the
 * comparison takes constant time.
 */
int password_verify(const char *password, const char *hash);

enum password_op { PASSWORD_HASH, PASSWORD_VERIFY };

/* One job for the pool. The submitter owns it before submit and after completion. */
struct password_job {
	enum password_op op;
	char *password;		     /* owned by the job, wiped and freed with it */
	char hash[PASSWORD_HASH_MAX]; /* in for VERIFY, out for HASH */
	int cost;
	int result;   /* HASH: 0 or -1; VERIFY: 1 match, 0 no match */
	void *owner;  /* who is waiting; NULL once the owner went away */
	struct password_job *next;
};

struct password_pool;

/*
 * Start NTHREADS workers, with at most MAX_QUEUED jobs waiting for one.
 * NOTIFY(ARG) is called from a worker after each job completes (lvdemo
 * passes lws_cancel_service). NULL on failure.
 */
struct password_pool *password_pool_new(int nthreads, int max_queued, void (*notify)(void *), void *arg);
/* Stop the workers (each finishes its current job); no notify after this. */
void password_pool_stop(struct password_pool *p);
/* Stop if needed, then free the pool and every job still queued or done. */
void password_pool_free(struct password_pool *p);

/* A new job with a copy of PASSWORD. */
struct password_job *password_job_new(enum password_op op, const char *password);
void password_job_free(struct password_job *j);

/*
 * Queue a job: 0, and the pool owns it until it comes back from
 * password_pool_take_done (or password_pool_cancel gives it back); -1 when
 * MAX_QUEUED jobs already wait, and the job is still the caller's. *QUEUED
 * (when not NULL) is how many jobs wait, this one included when queued.
 */
int password_pool_submit(struct password_pool *p, struct password_job *j, int *queued);
/*
 * Take J back before a worker starts it: 1, and J is the caller's again;
 * 0 when a worker has it or it is done (it comes back as usual).
 */
int password_pool_cancel(struct password_pool *p, struct password_job *j);

/* Detach and return the list of completed jobs (NULL when none), in completion order. */
struct password_job *password_pool_take_done(struct password_pool *p);

#endif
