/*
 * run_browser.h: the browser of one variant in a scenario run. It drives an
 * lvdemo over real HTTP and WebSocket exactly as a browser with LiveView's
 * client would (forms with their CSRF token, redirects, the socket, joins of
 * the root and its children, events, patches, live navigation), through
 * lv_client.h. Waiting for the trace and checking expectations are the
 * runner's.
 */
#ifndef LVTRACE_RUN_BROWSER_H
#define LVTRACE_RUN_BROWSER_H

#include <stddef.h>

#include "expect.h"
#include "scenario.h"

/* How long one step may take: a page, a reply, lvdemo's start or its trace catching up. */
#define RUN_STEP_TIMEOUT_MS 5000

/* How many events of each kind a step must find in the trace before it is over. */
struct browser_wants {
	size_t stops;	    /* endpoint.stop: one per HTTP request */
	size_t joins;	    /* channel.join */
	size_t disconnects; /* socket.disconnect */
	size_t events;	    /* live_view.handle_event.stop */
	size_t params;	    /* live_view.handle_params.stop */
};

struct browser;

/*
 * A browser for the lvdemo at URL serving VARIANT, whose database is DB_PATH
 * (expire-token writes to it). The strings must outlive the browser. NULL
 * with ERR on failure.
 */
struct browser *browser_new(const char *url, const char *variant, const char *db_path, char *err,
			    size_t errlen);
void browser_free(struct browser *b);

/*
 * Run the action step ST (register, login, visit, connect, ...; other kinds
 * do nothing). Returns 0 with WANT filled, or -1 with ERR: the step could
 * not run, or a register or login step did not end logged in (with the
 * page's own message) while the scenario does not check its status itself
 * (CHECKED 0).
 */
int browser_step(struct browser *b, const struct step *st, int checked, struct browser_wants *want,
		 char *err, size_t errlen);

/* What the last step saw (the strings belong to the browser until its next step). */
void browser_seen(const struct browser *b, struct expect_seen *seen);

#endif
