/*
 * cmd_live.c: `lvtrace live [URL]`: the tracer on a trace as it happens,
 * lvdemo's live feed (or, with --follow, a trace file as it grows), read by
 * live_source.c into the one model: the ncurses tracer following the
 * newest row on a terminal, else (or with --plain) a line per event as it
 * comes (view_stream.c). --record keeps what it saw as a trace to replay.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "live_source.h"
#include "model.h"
#include "tui.h"
#include "view_stream.h"
#include "view_text.h"

#define DEFAULT_URL "http://127.0.0.1:4000"

struct live_view {
	struct live_source *src;
	struct live_status last; /* what was said already */
	const char *where;
};

static const char *state_words(enum live_state s)
{
	switch (s) {
	case LIVE_CONNECTING: return "connecting";
	case LIVE_CONNECTED: return "live";
	case LIVE_RECONNECTING: return "reconnecting";
	case LIVE_FOLLOWING: return "following";
	default: return "ended";
	}
}

static void tui_state(void *arg, char *buf, size_t len)
{
	struct live_view *lv = arg;
	struct live_status st;
	live_source_status(lv->src, &st);
	snprintf(buf, len, "%s %s", st.state == LIVE_CONNECTED || st.state == LIVE_FOLLOWING ? "\u25cf" : "\u25cb",
		 st.refused ? "refused by lvdemo" : state_words(st.state));
}

/* What changed since the last call, in a sentence (or ""). */
static void news(struct live_view *lv, char *buf, size_t len)
{
	struct live_status st;
	live_source_status(lv->src, &st);
	buf[0] = '\0';
	if (st.restarts > lv->last.restarts)
		snprintf(buf, len, "lvdemo started again: its new trace goes on below");
	else if (st.dropped > lv->last.dropped)
		snprintf(buf, len, "lvdemo's feed dropped %lu lines for this view: it was reading too slowly",
			 st.dropped - lv->last.dropped);
	else if (st.state != lv->last.state && st.state == LIVE_RECONNECTING)
		snprintf(buf, len, "lost the feed (%s): reconnecting", st.detail);
	else if (st.state != lv->last.state && st.state == LIVE_CONNECTED && st.reconnects)
		snprintf(buf, len, "reconnected to %s", lv->where);
	else if (st.state == LIVE_CONNECTING && st.detail[0] && strcmp(st.detail, lv->last.detail) != 0)
		snprintf(buf, len, "cannot reach lvdemo yet (%s): trying again", st.detail);
	else if (st.state == LIVE_FOLLOWING && strncmp(st.detail, "waiting", 7) == 0 &&
		 strcmp(st.detail, lv->last.detail) != 0)
		snprintf(buf, len, "%s", st.detail);
	else if (st.state != lv->last.state && st.state == LIVE_ENDED && st.detail[0])
		snprintf(buf, len, "%s", st.detail);
	lv->last = st;
}

static void tui_news(void *arg, char *buf, size_t len)
{
	news(arg, buf, len);
}

/* The plain view: events as they come until the feed ends or a signal. */
static int live_plain(struct model *m, struct live_view *lv)
{
	struct stream_view sv = {.utf8 = view_utf8()};
	char err[1024], msg[600];

	for (;;) {
		int rc;
		while ((rc = model_load(m, 0, err, sizeof(err))) == 1 && !model_waiting(m))
			;
		if (view_stream(stdout, m, &sv) < 0) {
			fprintf(stderr, "lvtrace: cannot write the output: %s\n", strerror(errno));
			return 1;
		}
		news(lv, msg, sizeof(msg));
		if (msg[0])
			fprintf(stderr, "lvtrace: %s\n", msg);
		if (rc < 0) {
			struct live_status st;
			live_source_status(lv->src, &st);
			if (st.refused) /* said above; the trace it never got is no news */
				return 2;
			fprintf(stderr, "lvtrace: %s\n", err);
			return 1;
		}
		if (rc == 0 || cli_interrupted)
			break;
		/* nothing more now: until the source writes (or a while: its state may change) */
		struct pollfd pf = {.fd = model_fd(m), .events = POLLIN};
		poll(&pf, 1, 200);
	}
	return cli_interrupted ? 128 + cli_interrupted : 0;
}

static int live_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{"plain", no_argument, NULL, 'p'},
		{"follow", required_argument, NULL, 'f'},
		{"record", required_argument, NULL, 'r'},
		{"variants", required_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct view_options vo = {0};
	const char *follow = NULL, *record = NULL;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'p': vo.plain = 1; break;
		case 'f': follow = optarg; break;
		case 'r': record = optarg; break;
		case 'V': vo.variants = optarg; break;
		case 'h': cli_cmd_help(stdout, argv[0]); return 0;
		case ':': return cli_bad_usage("missing value for option", argv[optind - 1]);
		default: return cli_bad_usage("unknown option", argv[optind - 1]);
		}
	}
	if (argc - optind > 1)
		return cli_bad_usage("live takes one URL", argv[optind + 1]);
	if (follow && argc - optind == 1)
		return cli_bad_usage("live reads a URL or follows a file (--follow), not both", argv[optind]);
	const char *url = argc - optind == 1 ? argv[optind] : DEFAULT_URL;
	if (!follow && strncmp(url, "http://", 7) != 0)
		return cli_bad_usage("live takes an http:// URL of lvdemo, not", url);

	char err[1024];
	/* Ctrl-C and SIGTERM end the session cleanly: the record is closed whole */
	cli_signals_start();
	struct live_source *src = live_source_start(follow ? follow : url, follow != NULL, record, err,
						    sizeof(err));
	if (!src) {
		fprintf(stderr, "lvtrace: %s\n", err);
		return 2;
	}
	struct live_view lv = {.src = src, .where = follow ? follow : url};
	live_source_status(src, &lv.last);
	struct model *m = model_new();
	int status = 0;
	if (!m || model_open_fd(m, live_source_take_fd(src), follow ? follow : url, err, sizeof(err)) < 0) {
		fprintf(stderr, "lvtrace: %s\n", m ? err : "out of memory");
		status = 2;
	} else {
		model_set_nonblocking(m);
		const char *why = vo.plain ? NULL : cli_no_terminal();
		if (why)
			fprintf(stderr, "lvtrace: %s: printing each event as it comes (--plain)\n", why);
		if (vo.plain || why) {
			status = live_plain(m, &lv);
		} else {
			struct tui_live tl = {.state = tui_state, .news = tui_news, .arg = &lv};
			status = tui_replay(m, &vo, &cli_interrupted, &tl);
		}
	}
	struct live_status st;
	live_source_status(src, &st);
	if (st.refused) /* whatever the empty trace made of it */
		status = 2;
	model_free(m); /* the pipe's reader: the source sees it go */
	if (live_source_stop(src, err, sizeof(err)) < 0) {
		fprintf(stderr, "lvtrace: %s\n", err);
		if (status == 0)
			status = 1;
	}
	return status;
}

const struct cli_cmd cmd_live_entry = {
	.name = "live",
	.synopsis = "lvtrace live [URL] [--follow TRACE.jsonl] [--plain] [--record FILE] [--variants A,B]",
	.summary = "watch lvdemo as it runs: its live feed (default " DEFAULT_URL ") side by side",
	.exec = live_exec,
};
