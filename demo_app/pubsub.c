/*
 * pubsub.c: the subscriptions as a list, and broadcasts that survive a
 * subscriber leaving while it is called. Who subscribes (the LiveView
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
	struct pubsub_sub *next;
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
	ps->subs = s;
	return s;
}

static void sweep(struct pubsub *ps)
{
	for (struct pubsub_sub **pp = &ps->subs; *pp;) {
		struct pubsub_sub *s = *pp;
		if (s->gone) {
			*pp = s->next;
			sub_free(s);
		} else {
			pp = &s->next;
		}
	}
}

void pubsub_unsubscribe(struct pubsub *ps, struct pubsub_sub *sub)
{
	if (!sub)
		return;
	sub->gone = 1;
	if (ps->depth == 0)
		sweep(ps);
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
