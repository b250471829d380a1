/*
 * live_channel.h: one LiveView socket and its channels, as Phoenix.Socket
 * and Phoenix.LiveView.Channel: the cookie session read at connect,
 * Phoenix Channels V2 messages [join_ref, ref, topic, event, payload],
 * heartbeats, joins (root, child, live navigation), events and patches
 * handed to the LiveView engine, and the log-out broadcast that closes the
 * socket. Frames, queues and timeouts are the transport's: it hands whole
 * messages in and takes them out through a struct live_socket_io.
 */
#ifndef LVDEMO_LIVE_CHANNEL_H
#define LVDEMO_LIVE_CHANNEL_H

#include <stddef.h>

#include "app.h"

/* What the socket asks of its transport. */
struct live_socket_io {
	/* Queue the whole message TEXT for the client. */
	void (*send)(void *conn, const char *text);
	/* Close the connection after what is queued; REASON goes in the close frame. */
	void (*close)(void *conn, const char *reason);
	void *conn;
};

struct live_socket;

/* An upgrade refused with STATUS for WHY: socket.connect says so. */
void live_socket_refused(struct app *app, unsigned long id, int status, const char *why);
/*
 * A socket that was just upgraded, numbered ID. COOKIE (the Cookie header)
 * and CSRF (the _csrf_token query argument), either may be NULL, decide
 * whether it has a session. IO is copied. Never NULL.
 */
struct live_socket *live_socket_new(struct app *app, unsigned long id, const char *cookie,
				    const char *csrf, const struct live_socket_io *io);
/* One whole text message from the client (any bytes: a bad one is traced and dropped). */
void live_socket_message(struct live_socket *s, const char *text, size_t len);
/* The transport ends the socket for WHY ("message too big"): socket.error says so. */
void live_socket_error(struct live_socket *s, const char *why);
/*
 * The connection is gone: every channel leaves and, when it had been
 * ESTABLISHED, socket.disconnect gives REASON (NULL: the connection was
 * lost) and the peer's close CODE (0: none). Frees S; NULL is fine.
 */
void live_socket_free(struct live_socket *s, int established, const char *reason, int code);

#endif
