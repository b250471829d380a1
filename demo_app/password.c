/*
 * password.c: bcrypt hashing and checking through libxcrypt, run by worker
 * threads. The workers touch nothing but their job: no database, no
 * sockets; results go back to the event loop through the done list.
 */
#include "password.h"

#include <crypt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sign.h"
#include "util.h"

int password_hash(const char *password, int cost, char *out, size_t outlen)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	int rc = -1;

	/* NULL random bytes: libxcrypt reads them from the OS itself */
	if (!crypt_gensalt_rn("$2b$", (unsigned long)cost, NULL, 0, setting, sizeof(setting)))
		return -1;
	cd = xcalloc(1, sizeof(*cd));
	const char *h = crypt_rn(password, setting, cd, sizeof(*cd));
	if (h && h[0] == '$' && strlen(h) < outlen) {
		strcpy(out, h);
		rc = 0;
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return rc;
}

int password_verify(const char *password, const char *hash)
{
	struct crypt_data *cd;
	int ok = 0;

	/* only bcrypt, and only a setting libxcrypt calls sound: never DES */
	if (strncmp(hash, "$2b$", 4) != 0 || crypt_checksalt(hash) != CRYPT_SALT_OK)
		return 0;
	cd = xcalloc(1, sizeof(*cd));
	const char *h = crypt_rn(password, hash, cd, sizeof(*cd));
	if (h && h[0] == '$' && strlen(h) == strlen(hash))
		ok = secure_equal(h, hash, strlen(hash));
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}

struct password_pool {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct password_job *queue, **queue_tail;
	int queued, max_queued;
	struct password_job *done, **done_tail;
	int stopping;
	int nthreads;
	pthread_t *threads;
	void (*notify)(void *);
	void *arg;
};

struct password_job *password_job_new(enum password_op op, const char *password)
{
	struct password_job *j = xcalloc(1, sizeof(*j));

	j->op = op;
	j->password = xstrdup(password);
	return j;
}

void password_job_free(struct password_job *j)
{
	if (!j)
		return;
	explicit_bzero(j->password, strlen(j->password));
	free(j->password);
	free(j);
}

static void *worker(void *arg)
{
	struct password_pool *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->queue && !p->stopping)
			pthread_cond_wait(&p->wake, &p->lock);
		if (p->stopping)
			break;
		struct password_job *j = p->queue;
		p->queue = j->next;
		if (!p->queue)
			p->queue_tail = &p->queue;
		p->queued--;
		pthread_mutex_unlock(&p->lock);

		if (j->op == PASSWORD_HASH)
			j->result = password_hash(j->password, j->cost, j->hash, sizeof(j->hash));
		else
			j->result = password_verify(j->password, j->hash);

		pthread_mutex_lock(&p->lock);
		j->next = NULL;
		*p->done_tail = j;
		p->done_tail = &j->next;
		pthread_mutex_unlock(&p->lock);
		p->notify(p->arg);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct password_pool *password_pool_new(int nthreads, int max_queued, void (*notify)(void *), void *arg)
{
	struct password_pool *p = xcalloc(1, sizeof(*p));

	p->max_queued = max_queued;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	p->queue_tail = &p->queue;
	p->done_tail = &p->done;
	p->notify = notify;
	p->arg = arg;
	p->threads = xcalloc((size_t)nthreads, sizeof(*p->threads));
	for (int i = 0; i < nthreads; i++) {
		if (pthread_create(&p->threads[i], NULL, worker, p) != 0) {
			p->nthreads = i;
			password_pool_free(p);
			return NULL;
		}
	}
	p->nthreads = nthreads;
	return p;
}

static void free_list(struct password_job *j)
{
	while (j) {
		struct password_job *next = j->next;
		password_job_free(j);
		j = next;
	}
}

void password_pool_stop(struct password_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	p->nthreads = 0;
}

void password_pool_free(struct password_pool *p)
{
	if (!p)
		return;
	password_pool_stop(p);
	free_list(p->queue);
	free_list(p->done);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake);
	free(p->threads);
	free(p);
}

int password_pool_submit(struct password_pool *p, struct password_job *j, int *queued)
{
	int rc = -1;

	pthread_mutex_lock(&p->lock);
	if (p->queued < p->max_queued) {
		j->next = NULL;
		*p->queue_tail = j;
		p->queue_tail = &j->next;
		p->queued++;
		pthread_cond_signal(&p->wake);
		rc = 0;
	}
	if (queued)
		*queued = p->queued;
	pthread_mutex_unlock(&p->lock);
	return rc;
}

int password_pool_cancel(struct password_pool *p, struct password_job *j)
{
	int found = 0;

	pthread_mutex_lock(&p->lock);
	for (struct password_job **at = &p->queue; *at; at = &(*at)->next) {
		if (*at != j)
			continue;
		*at = j->next;
		if (!*at)
			p->queue_tail = at;
		p->queued--;
		j->next = NULL;
		found = 1;
		break;
	}
	pthread_mutex_unlock(&p->lock);
	return found;
}

struct password_job *password_pool_take_done(struct password_pool *p)
{
	pthread_mutex_lock(&p->lock);
	struct password_job *list = p->done;
	p->done = NULL;
	p->done_tail = &p->done;
	pthread_mutex_unlock(&p->lock);
	return list;
}
