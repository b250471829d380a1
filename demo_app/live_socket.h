/*
 * live_socket.h: LiveView's WebSocket endpoint, /live/websocket, speaking
 * Phoenix Channels V2 as LiveView's own JavaScript client does. The
 * lifecycle of each joined view is live_view.c's.
 */
#ifndef LVDEMO_LIVE_SOCKET_H
#define LVDEMO_LIVE_SOCKET_H

#include <stddef.h>

#include <libwebsockets.h>

#include "app.h"

struct live_socket;

/*
 * LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: check path, Origin, cookie session and
 * CSRF token while the headers are still there. Returns 0 with *OUT set to
 * the new socket's state (kept in app->sockets), or non-zero after
 * answering with an HTTP status.
 */
int live_socket_confirm(struct lws *wsi, struct app *app, struct live_socket **out);
/* The socket state of WSI, or NULL. */
struct live_socket *live_socket_of(struct app *app, struct lws *wsi);
int live_socket_is_established(const struct live_socket *s);
void live_socket_established(struct live_socket *s);
/* A piece of a frame: returns 0, or -1 to close the connection. */
int live_socket_receive(struct live_socket *s, const void *in, size_t len);
int live_socket_writeable(struct live_socket *s);
void live_socket_peer_close(struct live_socket *s, const void *in, size_t len);
/* The connection is gone: trace it and free S. */
void live_socket_closed(struct live_socket *s);

/*
 * Endpoint.broadcast(live_socket_id, "disconnect", %{}): close every socket
 * opened with that live_socket_id. Returns how many.
 */
int live_socket_disconnect_all(struct app *app, const char *live_socket_id);

#endif
