/*
 * app.h: lvdemo's process state, one per process, owned by main.c: the
 * trace, the database and its accounts, the signing key, the password
 * workers, the endpoint's publish/subscribe, and the options the layers
 * above read. Nothing here knows of HTTP, sockets or libwebsockets.
 */
#ifndef LVDEMO_APP_H
#define LVDEMO_APP_H

#include "accounts.h"
#include "cidr.h"

#define APP_MAX_FEED_FROM 16
#include "db.h"
#include "password.h"
#include "pubsub.h"
#include "sign.h"
#include "trace.h"
#include "util.h"

#define LVDEMO_VERSION "0.1.0"

struct app {
	struct trace *trace;
	struct db db;
	struct accounts accounts;
	struct signer signer;
	struct password_pool *passwords;
	struct pubsub pubsub; /* Endpoint.broadcast: the log-out closes the login's sockets */
	int bcrypt_cost;
	char dummy_hash[PASSWORD_HASH_MAX]; /* checked for unknown emails */
	char url[128];
	/* check_origin: the pages' own origin, "http://HOST:PORT" (--url, else url);
	 * loopback_origin: url is on loopback, so localhost and 127.0.0.1 name it too */
	char origin[160];
	int loopback_origin;
	const char *assets_dir; /* LiveView's JavaScript client and app.js */
	int test_hooks;		/* --test-hooks: the routes a scenario runner uses */
	/* --trace-feed-from (repeatable): who else may read the trace feed */
	struct cidr feed_from[APP_MAX_FEED_FROM];
	int nfeed_from;
	int request_timeout_s; /* --request-timeout: a whole request must arrive in this many seconds */
	/* connections (protocols.c): at most conn_cap served at once (0: no cap),
	 * below the descriptor limit; the few more lws lets in get a 503 */
	int conn_cap;
	int conn_room; /* past conn_cap + conn_room a connection is closed as it is accepted */
	int conns;
	long conns_refused;	/* refused since it was last said on stderr */
	long long refused_said_s; /* when that was (monotonic seconds), 0: never */
};

#endif
