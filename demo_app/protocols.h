/*
 * protocols.h: lvdemo's transport, two libwebsockets protocols, each in its
 * own file with its per-connection (pss) and per-vhost (vhd) data. main.c
 * registers them: "live" first (lws 4.1.6 hands a WebSocket upgrade
 * without a subprotocol, and keep-alive connections between requests, to
 * the vhost's first protocol), and "http" through a mount of "/".
 */
#ifndef LVDEMO_PROTOCOLS_H
#define LVDEMO_PROTOCOLS_H

#include <libwebsockets.h>

/* HTTP: each transaction a struct request, answered by the endpoint (protocol_http.c). */
extern const struct lws_protocols protocol_http;
/* LiveView's socket, /live/websocket (protocol_live.c). */
extern const struct lws_protocols protocol_live;
/* The live trace feed, /trace, subprotocol lvtrace.v1 (protocol_feed.c). */
extern const struct lws_protocols protocol_feed;

struct app;

/*
 * The deadline of a request (protocol_http.c): armed when a connection
 * opens and when an answer is out; when it fires, the protocols' TIMER
 * callbacks ignore it for a request that has arrived whole and for a
 * WebSocket. http_deadline_expired is the first protocol's LWS_CALLBACK_TIMER
 * for a connection still reading a request line or headers: 408 when a
 * request has begun, else a plain close. Returns the callback's answer.
 */
void http_deadline_arm(struct lws *wsi, const struct app *app);
/* Ended for good: its TIMER comes once more, at once, and must be ignored (a WebSocket's). */
void http_deadline_end(struct lws *wsi);
int http_deadline_expired(struct lws *wsi, const struct app *app);
/*
 * The feed's checks of an upgrade to /trace (the subprotocol, the peer, the
 * Origin), made where lws 4.1.6 asks: in the first protocol's
 * HTTP_CONFIRM_UPGRADE, which sees every upgrade. 0 to go on, else 1 after
 * answering with a status and writing a feed.refused line.
 */
int feed_confirm(struct lws *wsi, struct app *app);

/*
 * The connections lvdemo holds (protocols.c), counted from the first
 * protocol's SERVER_NEW_CLIENT_INSTANTIATED to its WSI_DESTROY. One opened
 * beyond app->conn_cap is marked: its request or upgrade, once its headers
 * are in, is refused with 503 (conn_over_cap says whether, and says on
 * stderr, once per interval, that lvdemo is refusing).
 */
/* At accept (FILTER_NETWORK_CONNECTION): 0 to take the connection, 1 to close it at once. */
int conn_admit(struct app *app);
void conn_opened(struct lws *wsi, struct app *app);
void conn_closed(struct lws *wsi, struct app *app);
int conn_over_cap(struct lws *wsi, struct app *app);
#define CONN_REFUSED_TEXT "Service Unavailable: lvdemo serves as many connections as it can\n"

/*
 * The per-vhost data of the protocol NAME, for a callback on WSI: made
 * (SIZE bytes, zeroed) when SIZE > 0, at LWS_CALLBACK_PROTOCOL_INIT, else
 * the one made then. Found by name, not by lws_get_protocol(wsi): lws also
 * calls a protocol for a connection bound to another one (WSI_DESTROY goes
 * to the first protocol). NULL when there is none, or for the context's
 * own calls, which have no vhost.
 */
void *protocol_vhd(struct lws *wsi, const char *name, size_t size);

/*
 * The start of each protocol's callback: the per-vhost data of protocol
 * NAME for WSI, made at LWS_CALLBACK_PROTOCOL_INIT (SIZE bytes, zeroed, its
 * first member a struct app * set to the context's app). Returns it when
 * the callback goes on; else NULL with *RC the callback's answer: the init
 * done (or failed), or a call for no vhost of ours, handed to lws's default.
 */
void *protocol_enter(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		     size_t len, const char *name, size_t size, int *rc);

/*
 * Each protocol's callback: FN's answer, after the trace lines FN emitted
 * are written (the trace batches them: one write a callback, not a line,
 * and every line of a request is in the file before lws sends the answer,
 * which it does from a later WRITEABLE callback).
 */
int protocol_call(lws_callback_function *fn, struct lws *wsi, enum lws_callback_reasons reason,
		  void *user, void *in, size_t len);

#endif
