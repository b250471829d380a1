/*
 * test_password.c: bcrypt hashing and checking, and the worker pool
 * (password.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <crypt.h>
#include <errno.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "password.h"

#define COST 4

struct notifier {
	atomic_int count;
	sem_t done;
};

/* The pool's notify callback: runs on a worker thread. */
static void on_job_done(void *arg)
{
	struct notifier *n = arg;

	atomic_fetch_add(&n->count, 1);
	sem_post(&n->done);
}

static void notifier_init(struct notifier *n)
{
	atomic_init(&n->count, 0);
	assert_int_equal(sem_init(&n->done, 0, 0), 0);
}

/* Wait for one completion signal; a generous deadline so a bug fails instead of hanging. */
static void wait_done(struct notifier *n)
{
	struct timespec deadline;
	int rc;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 120;
	while ((rc = sem_timedwait(&n->done, &deadline)) == -1 && errno == EINTR)
		;
	if (rc != 0)
		fail_msg("no job completed within 120 s");
}

static void hash_of(const char *password, char *out)
{
	assert_int_equal(password_hash(password, COST, out, PASSWORD_HASH_MAX), 0);
}

static void test_hash_and_verify(void **state)
{
	(void)state;
	char h1[PASSWORD_HASH_MAX], h2[PASSWORD_HASH_MAX];

	hash_of("correct horse battery staple", h1);
	assert_int_equal(strncmp(h1, "$2b$04$", 7), 0);
	assert_int_equal(strlen(h1), 60);
	assert_int_equal(password_verify("correct horse battery staple", h1), 1);
	assert_int_equal(password_verify("correct horse battery stapl", h1), 0);
	assert_int_equal(password_verify("Correct horse battery staple", h1), 0);
	assert_int_equal(password_verify("", h1), 0);

	/* a new salt every time */
	hash_of("correct horse battery staple", h2);
	assert_string_not_equal(h1, h2);
	assert_int_equal(password_verify("correct horse battery staple", h2), 1);

	/* multi-byte passwords */
	hash_of("p\xc3\xa4ssw\xc3\xb6rd \xe2\x82\xac\xe2\x82\xac", h1);
	assert_int_equal(password_verify("p\xc3\xa4ssw\xc3\xb6rd \xe2\x82\xac\xe2\x82\xac", h1), 1);
	assert_int_equal(password_verify("passw\xc3\xb6rd \xe2\x82\xac\xe2\x82\xac", h1), 0);
}

static void test_hash_bad_arguments(void **state)
{
	(void)state;
	char out[PASSWORD_HASH_MAX];

	assert_int_equal(password_hash("secret password", 3, out, sizeof(out)), -1);
	assert_int_equal(password_hash("secret password", 32, out, sizeof(out)), -1);
	/* the 60-character hash does not fit in 60 bytes (no room for the NUL) */
	assert_int_equal(password_hash("secret password", COST, out, 60), -1);
	assert_int_equal(password_hash("secret password", COST, out, 61), 0);
	assert_int_equal(strlen(out), 60);
	assert_int_equal(password_verify("secret password", out), 1);
}

static void test_verify_tampered_hash(void **state)
{
	(void)state;
	char h[PASSWORD_HASH_MAX], t[PASSWORD_HASH_MAX + 2];

	hash_of("another secret!", h);
	size_t n = strlen(h);
	/* any changed character of the salt or checksum (after "$2b$04$") */
	for (size_t i = 7; i < n; i++) {
		memcpy(t, h, n + 1);
		t[i] = t[i] == 'a' ? 'b' : 'a';
		if (password_verify("another secret!", t))
			fail_msg("hash changed at %zu still verifies: %s", i, t);
	}
	/* extra or missing characters */
	snprintf(t, sizeof(t), "%sx", h);
	assert_int_equal(password_verify("another secret!", t), 0);
	memcpy(t, h, n + 1);
	t[n - 1] = '\0';
	assert_int_equal(password_verify("another secret!", t), 0);
	/* the setting alone (salt, no checksum) */
	memcpy(t, h, 29);
	t[29] = '\0';
	assert_int_equal(password_verify("another secret!", t), 0);
	/* and the original still does */
	assert_int_equal(password_verify("another secret!", h), 1);
}

static void test_verify_refuses_non_bcrypt(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"abc",
		"$1$saltsalt$qjXMvbEw8oaL.CzflDugX/",
		"ab01234567890",
		"$2b$04$",
		"$2b$",
		"$2b$04",
		"$2b$99$abcdefghijklmnopqrstuu1234567890123456789012345678901",
		"$2x$04$abcdefghijklmnopqrstuu1234567890123456789012345678901",
		"$5$rounds=1000$salt$abc",
		"$6$salt$abc",
		"*0",
		"!",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (password_verify("password", bad[i]) != 0)
			fail_msg("hash \"%s\" was accepted", bad[i]);
		if (password_verify("", bad[i]) != 0)
			fail_msg("hash \"%s\" was accepted for an empty password", bad[i]);
	}
}

/*
 * A hash made by another algorithm that DOES match the password must still
 * be refused: password_verify only ever runs bcrypt.
 */
static void test_verify_never_uses_other_algorithms(void **state)
{
	(void)state;
	static const char *const settings[] = {"ab", "$1$saltsalt$", "$5$saltsalt$",
					       "$6$saltsalt$", "_J9..salt"};
	struct crypt_data cd;
	int tried = 0;

	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		memset(&cd, 0, sizeof(cd));
		const char *h = crypt_rn("hunter2 hunter2", settings[i], &cd, sizeof(cd));
		if (!h || h[0] == '*')
			continue; /* this libcrypt lacks the algorithm */
		tried++;
		if (password_verify("hunter2 hunter2", h) != 0)
			fail_msg("a matching non-bcrypt hash \"%s\" was accepted", h);
	}
	/* libxcrypt has at least the SHA-2 methods */
	assert_true(tried >= 2);
}

static void test_pool_runs_jobs_and_notifies(void **state)
{
	(void)state;
	struct notifier n;
	char right_hash[PASSWORD_HASH_MAX];
	int owners[4];

	notifier_init(&n);
	hash_of("the right password", right_hash);
	struct password_pool *p = password_pool_new(2, 1000, on_job_done, &n);
	assert_non_null(p);

	struct password_job *jobs[4];
	jobs[0] = password_job_new(PASSWORD_HASH, "first password");
	jobs[0]->cost = COST;
	jobs[1] = password_job_new(PASSWORD_HASH, "second password");
	jobs[1]->cost = COST;
	jobs[2] = password_job_new(PASSWORD_VERIFY, "the right password");
	strcpy(jobs[2]->hash, right_hash);
	jobs[3] = password_job_new(PASSWORD_VERIFY, "the wrong password");
	strcpy(jobs[3]->hash, right_hash);
	for (int i = 0; i < 4; i++) {
		assert_non_null(jobs[i]);
		jobs[i]->owner = &owners[i];
		jobs[i]->result = -7;
		password_pool_submit(p, jobs[i], NULL);
	}

	for (int i = 0; i < 4; i++)
		wait_done(&n);
	assert_int_equal(atomic_load(&n.count), 4);

	struct password_job *done = password_pool_take_done(p);
	int seen[4] = {0}, count = 0;
	for (struct password_job *j = done; j; j = j->next) {
		count++;
		assert_true(count <= 4);
		int i = (int)((const char *)j->owner - (const char *)owners) / (int)sizeof(owners[0]);
		assert_true(i >= 0 && i < 4);
		assert_ptr_equal(j->owner, &owners[i]);
		assert_ptr_equal(j, jobs[i]);
		seen[i]++;
	}
	assert_int_equal(count, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(seen[i], 1);

	/* the results */
	assert_int_equal(jobs[0]->result, 0);
	assert_int_equal(jobs[1]->result, 0);
	assert_int_equal(strncmp(jobs[0]->hash, "$2b$04$", 7), 0);
	assert_int_equal(strncmp(jobs[1]->hash, "$2b$04$", 7), 0);
	assert_int_equal(password_verify("first password", jobs[0]->hash), 1);
	assert_int_equal(password_verify("second password", jobs[1]->hash), 1);
	assert_int_equal(password_verify("second password", jobs[0]->hash), 0);
	assert_int_equal(jobs[2]->result, 1);
	assert_int_equal(jobs[3]->result, 0);

	/* nothing more to take, and no more notifications */
	assert_null(password_pool_take_done(p));
	password_pool_free(p);
	assert_int_equal(atomic_load(&n.count), 4);
	for (int i = 0; i < 4; i++)
		password_job_free(jobs[i]);
	sem_destroy(&n.done);
}

static void test_pool_take_done_in_batches(void **state)
{
	(void)state;
	struct notifier n;

	notifier_init(&n);
	struct password_pool *p = password_pool_new(1, 1000, on_job_done, &n);
	assert_non_null(p);

	struct password_job *a = password_job_new(PASSWORD_HASH, "batch one password");
	a->cost = COST;
	password_pool_submit(p, a, NULL);
	wait_done(&n);
	struct password_job *got = password_pool_take_done(p);
	assert_ptr_equal(got, a);
	assert_null(got->next);
	assert_int_equal(got->result, 0);
	password_job_free(got);

	/* one worker runs jobs in submission order, so they complete in that order */
	struct password_job *b = password_job_new(PASSWORD_VERIFY, "x");
	strcpy(b->hash, "not a hash");
	struct password_job *c = password_job_new(PASSWORD_HASH, "batch two password");
	c->cost = COST;
	password_pool_submit(p, b, NULL);
	password_pool_submit(p, c, NULL);
	wait_done(&n);
	wait_done(&n);
	got = password_pool_take_done(p);
	assert_ptr_equal(got, b);
	assert_ptr_equal(got->next, c);
	assert_null(c->next);
	assert_int_equal(b->result, 0);
	assert_int_equal(c->result, 0);
	assert_int_equal(password_verify("batch two password", c->hash), 1);
	assert_int_equal(atomic_load(&n.count), 3);
	password_job_free(b);
	password_job_free(c);
	password_job_free(NULL);
	password_pool_free(p);
	sem_destroy(&n.done);
}

static void test_pool_free_with_queued_jobs(void **state)
{
	(void)state;
	struct notifier n;

	notifier_init(&n);
	/* no workers: every job stays queued, and password_pool_free must free them */
	struct password_pool *p = password_pool_new(0, 1000, on_job_done, &n);
	assert_non_null(p);
	for (int i = 0; i < 5; i++) {
		struct password_job *j = password_job_new(i % 2 ? PASSWORD_VERIFY : PASSWORD_HASH,
							  "queued password");
		j->cost = COST;
		password_pool_submit(p, j, NULL);
	}
	assert_null(password_pool_take_done(p));
	password_pool_stop(p);
	password_pool_free(p);
	assert_int_equal(atomic_load(&n.count), 0);
	sem_destroy(&n.done);
}

static void test_pool_bounded_queue_and_cancel(void **state)
{
	(void)state;
	struct notifier n;
	int queued = -1;

	notifier_init(&n);
	/* no workers: what is submitted stays queued, two at most */
	struct password_pool *p = password_pool_new(0, 2, on_job_done, &n);
	struct password_job *a = password_job_new(PASSWORD_VERIFY, "a"), *b = password_job_new(PASSWORD_VERIFY, "b"),
			    *c = password_job_new(PASSWORD_VERIFY, "c");
	assert_int_equal(password_pool_submit(p, a, &queued), 0);
	assert_int_equal(queued, 1);
	assert_int_equal(password_pool_submit(p, b, &queued), 0);
	assert_int_equal(queued, 2);
	/* full: refused, and still the caller's */
	assert_int_equal(password_pool_submit(p, c, &queued), -1);
	assert_int_equal(queued, 2);
	/* b taken back: room for c; taking b back twice finds nothing */
	assert_int_equal(password_pool_cancel(p, b), 1);
	assert_int_equal(password_pool_cancel(p, b), 0);
	assert_int_equal(password_pool_submit(p, c, &queued), 0);
	assert_int_equal(queued, 2);
	/* the last one taken back: the tail moves, a new job queues after a */
	assert_int_equal(password_pool_cancel(p, c), 1);
	assert_int_equal(password_pool_submit(p, b, &queued), 0);
	assert_int_equal(password_pool_cancel(p, a), 1);
	assert_int_equal(password_pool_cancel(p, b), 1);
	assert_int_equal(password_pool_submit(p, c, &queued), 0);
	assert_int_equal(queued, 1);
	password_pool_free(p); /* frees c, still queued */
	password_job_free(a);
	password_job_free(b);
	sem_destroy(&n.done);
}

static void test_pool_free_while_busy(void **state)
{
	(void)state;
	struct notifier n;

	notifier_init(&n);
	/* one worker, many jobs: free after the first completes, with some done and
	 * others queued or running; nothing leaks (see the ASan build) and no
	 * notification comes after the pool is gone */
	struct password_pool *p = password_pool_new(1, 1000, on_job_done, &n);
	assert_non_null(p);
	for (int i = 0; i < 8; i++) {
		struct password_job *j = password_job_new(PASSWORD_HASH, "busy password");
		j->cost = COST;
		password_pool_submit(p, j, NULL);
	}
	wait_done(&n);
	password_pool_free(p);
	int after = atomic_load(&n.count);
	assert_true(after >= 1 && after <= 8);
	sem_destroy(&n.done);

	/* a stopped pool keeps its completed jobs for take_done */
	notifier_init(&n);
	p = password_pool_new(1, 1000, on_job_done, &n);
	struct password_job *j = password_job_new(PASSWORD_HASH, "kept password");
	j->cost = COST;
	password_pool_submit(p, j, NULL);
	wait_done(&n);
	password_pool_stop(p);
	struct password_job *got = password_pool_take_done(p);
	assert_ptr_equal(got, j);
	assert_int_equal(got->result, 0);
	password_job_free(got);
	password_pool_free(p);
	assert_int_equal(atomic_load(&n.count), 1);
	sem_destroy(&n.done);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_and_verify),
		cmocka_unit_test(test_hash_bad_arguments),
		cmocka_unit_test(test_verify_tampered_hash),
		cmocka_unit_test(test_verify_refuses_non_bcrypt),
		cmocka_unit_test(test_verify_never_uses_other_algorithms),
		cmocka_unit_test(test_pool_runs_jobs_and_notifies),
		cmocka_unit_test(test_pool_take_done_in_batches),
		cmocka_unit_test(test_pool_free_with_queued_jobs),
		cmocka_unit_test(test_pool_bounded_queue_and_cancel),
		cmocka_unit_test(test_pool_free_while_busy),
	};

	return cmocka_run_group_tests_name("password: bcrypt and the worker pool", tests, NULL,
					   NULL);
}
