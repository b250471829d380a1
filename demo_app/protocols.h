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

#endif
