/*
 * test_pubsub.c: the endpoint's publish/subscribe (pubsub.h): a broadcast
 * reaches the subscribers of its topic and only those, a subscriber may
 * leave from inside its own call, and the trace shows the topic it is told
 * to show with the count of subscribers reached.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pubsub.h"
#include "trace.h"

struct counter {
	int calls;
	char last[32];
	struct pubsub *ps;
	struct pubsub_sub *sub; /* unsubscribed from inside its call when set */
	struct pubsub_sub *other; /* ... and this one too */
};

static void on_message(void *arg, const char *event)
{
	struct counter *c = arg;

	c->calls++;
	snprintf(c->last, sizeof(c->last), "%s", event);
	if (c->sub) {
		pubsub_unsubscribe(c->ps, c->sub);
		c->sub = NULL;
	}
	if (c->other) {
		pubsub_unsubscribe(c->ps, c->other);
		c->other = NULL;
	}
}

static void test_topics_apart(void **state)
{
	(void)state;
	struct pubsub ps;
	struct counter a = {0}, b = {0}, a2 = {0};

	pubsub_init(&ps, NULL);
	pubsub_subscribe(&ps, "users_sessions:AAA", on_message, &a);
	pubsub_subscribe(&ps, "users_sessions:BBB", on_message, &b);
	pubsub_subscribe(&ps, "users_sessions:AAA", on_message, &a2);
	assert_int_equal(pubsub_broadcast(&ps, "users_sessions:AAA", "disconnect", "t"), 2);
	assert_int_equal(a.calls, 1);
	assert_int_equal(a2.calls, 1);
	assert_int_equal(b.calls, 0);
	assert_string_equal(a.last, "disconnect");
	/* a topic is matched whole, not by prefix */
	assert_int_equal(pubsub_broadcast(&ps, "users_sessions:AA", "disconnect", "t"), 0);
	assert_int_equal(pubsub_broadcast(&ps, "users_sessions:", "disconnect", "t"), 0);
	assert_int_equal(pubsub_broadcast(&ps, "nobody", "x", "t"), 0);
	pubsub_release(&ps);
}

static void test_unsubscribe(void **state)
{
	(void)state;
	struct pubsub ps;
	struct counter a = {0}, b = {0};

	pubsub_init(&ps, NULL);
	struct pubsub_sub *sa = pubsub_subscribe(&ps, "t", on_message, &a);
	pubsub_subscribe(&ps, "t", on_message, &b);
	pubsub_unsubscribe(&ps, sa);
	pubsub_unsubscribe(&ps, NULL); /* nothing */
	assert_int_equal(pubsub_broadcast(&ps, "t", "m", "t"), 1);
	assert_int_equal(a.calls, 0);
	assert_int_equal(b.calls, 1);
	pubsub_release(&ps);
}

/* Leaving from inside the call, itself and a subscriber not called yet: each is called at most once. */
static void test_unsubscribe_while_broadcasting(void **state)
{
	(void)state;
	struct pubsub ps;
	struct counter first = {0}, second = {0}, third = {0};

	pubsub_init(&ps, NULL);
	/* the list is newest first: third is called first */
	struct pubsub_sub *s1 = pubsub_subscribe(&ps, "t", on_message, &first);
	struct pubsub_sub *s2 = pubsub_subscribe(&ps, "t", on_message, &second);
	struct pubsub_sub *s3 = pubsub_subscribe(&ps, "t", on_message, &third);
	(void)s2;
	third.ps = &ps;
	third.sub = s3;	  /* itself */
	third.other = s1; /* one that has not been called yet */
	assert_int_equal(pubsub_broadcast(&ps, "t", "disconnect", "t"), 2);
	assert_int_equal(third.calls, 1);
	assert_int_equal(second.calls, 1);
	assert_int_equal(first.calls, 0);
	assert_int_equal(pubsub_broadcast(&ps, "t", "disconnect", "t"), 1);
	assert_int_equal(third.calls, 1);
	assert_int_equal(second.calls, 2);
	pubsub_release(&ps);
}

static void test_trace_shows_the_shown_topic(void **state)
{
	(void)state;
	char path[] = "/tmp/test_pubsub.XXXXXX", err[256] = "", line[1024];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct trace *t = trace_open(path, "test", NULL, err, sizeof(err));
	assert_non_null(t);
	struct pubsub ps;
	struct counter a = {0};

	pubsub_init(&ps, t);
	pubsub_subscribe(&ps, "users_sessions:SECRET", on_message, &a);
	assert_int_equal(pubsub_broadcast(&ps, "users_sessions:SECRET", "disconnect",
					  "users_sessions:<token>"),
			 1);
	pubsub_release(&ps);
	assert_int_equal(trace_close(t), 0);

	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	int found = 0;
	while (fgets(line, sizeof(line), fp)) {
		assert_null(strstr(line, "SECRET"));
		if (strstr(line, "\"event\":\"broadcast\"")) {
			found++;
			assert_non_null(strstr(line, "\"topic\":\"users_sessions:<token>\""));
			assert_non_null(strstr(line, "\"message\":\"disconnect\""));
			assert_non_null(strstr(line, "\"sockets\":1"));
		}
	}
	fclose(fp);
	unlink(path);
	assert_int_equal(found, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_topics_apart),
		cmocka_unit_test(test_unsubscribe),
		cmocka_unit_test(test_unsubscribe_while_broadcasting),
		cmocka_unit_test(test_trace_shows_the_shown_topic),
	};
	return cmocka_run_group_tests_name("pubsub: topics, leaving, the trace", tests, NULL, NULL);
}
