/*
 * pubsub.h: the endpoint's publish/subscribe, as Phoenix's
 * Endpoint.broadcast: a subscriber names a topic and a function; a
 * broadcast on that topic calls each subscriber's function. One process,
 * one event loop: no locking, and a subscriber may unsubscribe itself (or
 * any other) from inside its function.
 */
#ifndef LVDEMO_PUBSUB_H
#define LVDEMO_PUBSUB_H

struct trace;

/* FN(ARG, EVENT) for a message EVENT on the subscriber's topic. */
typedef void (*pubsub_fn)(void *arg, const char *event);

struct pubsub_sub;

struct pubsub {
	struct trace *trace; /* where broadcasts are written */
	struct pubsub_sub *subs;
	int depth; /* broadcasts under way: unsubscribed entries are unlinked after */
};

void pubsub_init(struct pubsub *ps, struct trace *trace);
/* Drop every subscription still there (their owners are gone by now). */
void pubsub_release(struct pubsub *ps);

/* Subscribe FN(ARG) to TOPIC (copied). Returns the subscription, never NULL. */
struct pubsub_sub *pubsub_subscribe(struct pubsub *ps, const char *topic, pubsub_fn fn,
				    void *arg);
/* End a subscription; NULL does nothing. */
void pubsub_unsubscribe(struct pubsub *ps, struct pubsub_sub *sub);

/*
 * Send EVENT to every subscriber of TOPIC and write a "broadcast" event
 * whose topic is SHOWN_TOPIC (a topic may hold a secret the trace must not
 * show). Returns how many subscribers were called.
 */
int pubsub_broadcast(struct pubsub *ps, const char *topic, const char *event,
		     const char *shown_topic);

#endif
