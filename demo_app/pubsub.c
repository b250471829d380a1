/*
 * pubsub.c: the subscriptions as a doubly linked list (a socket leaves in
 * one step, not by a walk past every other socket's subscription), and
 * broadcasts that survive a subscriber leaving while it is called. Who subscribes (the LiveView
 * sockets) and who broadcasts (the log-out) are the layers above.
 */
#include "pubsub.h"

#include <stdlib.h>
#include <string.h>

#include "trace.h"
#include "trace_events.h"
#include "util.h"

struct pubsub_sub {
	char *topic;
	pubsub_fn fn;
	void *arg;
	int gone; /* unsubscribed during a broadcast: freed when it ends */
	struct pubsub_sub *prev, *next;
};

void pubsub_init(struct pubsub *ps, struct trace *trace)
{
	ps->trace = trace;
	ps->subs = NULL;
	ps->depth = 0;
}

static void sub_free(struct pubsub_sub *s)
{
	free(s->topic);
	free(s);
}

void pubsub_release(struct pubsub *ps)
{
	while (ps->subs) {
		struct pubsub_sub *s = ps->subs;
		ps->subs = s->next;
		sub_free(s);
	}
}

struct pubsub_sub *pubsub_subscribe(struct pubsub *ps, const char *topic, pubsub_fn fn,
				    void *arg)
{
	struct pubsub_sub *s = xcalloc(1, sizeof(*s));

	s->topic = xstrdup(topic);
	s->fn = fn;
	s->arg = arg;
	s->next = ps->subs;
	if (ps->subs)
		ps->subs->prev = s;
	ps->subs = s;
	return s;
}

static void unlink_free(struct pubsub *ps, struct pubsub_sub *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		ps->subs = s->next;
	if (s->next)
		s->next->prev = s->prev;
	sub_free(s);
}

/* After a broadcast: free those that left during it. */
static void sweep(struct pubsub *ps)
{
	for (struct pubsub_sub *s = ps->subs, *next; s; s = next) {
		next = s->next;
		if (s->gone)
			unlink_free(ps, s);
	}
}

void pubsub_unsubscribe(struct pubsub *ps, struct pubsub_sub *sub)
{
	if (!sub)
		return;
	if (ps->depth == 0)
		unlink_free(ps, sub);
	else
		sub->gone = 1; /* a broadcast is walking the list: it frees it after */
}

int pubsub_broadcast(struct pubsub *ps, const char *topic, const char *event,
		     const char *shown_topic)
{
	int n = 0;

	ps->depth++;
	for (struct pubsub_sub *s = ps->subs; s; s = s->next) {
		if (s->gone || strcmp(s->topic, topic) != 0)
			continue;
		s->fn(s->arg, event);
		n++;
	}
	if (--ps->depth == 0)
		sweep(ps);

	/* the subscribers are the LiveView sockets: the trace format calls them so */
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "topic", shown_topic);
	cJSON_AddStringToObject(f, "message", event);
	cJSON_AddNumberToObject(f, "sockets", n);
	trace_emit(ps->trace, TRACE_EV_BROADCAST, f);
	return n;
}
