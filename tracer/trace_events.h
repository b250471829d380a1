/*
 * trace_events.h: every event name of the trace format, in one place.
 *
 * Writers (lvdemo, the runner's merged trace) and readers (lvtrace's model,
 * its expectations and reports) use these names and kinds instead of bare
 * strings; docs/trace-format.md describes what each event carries.
 */
#ifndef LVTRACE_TRACE_EVENTS_H
#define LVTRACE_TRACE_EVENTS_H

#include <stddef.h>

/* The kinds of event, in the order of trace_event_names[]. */
enum trace_kind {
	TK_OTHER, /* a name this version does not know: readers keep it */
	TK_TRACE_START,
	TK_TRACE_STOP,
	TK_TRACE_ABORT,
	TK_ENDPOINT_START,
	TK_ENDPOINT_STOP,
	TK_PLUG_START,
	TK_PLUG_STOP,
	TK_CONTROLLER_START,
	TK_CONTROLLER_STOP,
	TK_SESSION_FETCH,
	TK_CONN_ASSIGN,
	TK_REDIRECT,
	TK_REPO_QUERY,
	TK_MOUNT_START,
	TK_MOUNT_STOP,
	TK_ON_MOUNT_START,
	TK_ON_MOUNT_STOP,
	TK_HANDLE_PARAMS_START,
	TK_HANDLE_PARAMS_STOP,
	TK_HANDLE_EVENT_START,
	TK_HANDLE_EVENT_STOP,
	TK_RENDER_START,
	TK_RENDER_STOP,
	TK_ASSIGN,
	TK_ASSIGN_NEW,
	TK_SOCKET_CONNECT,
	TK_SOCKET_DISCONNECT,
	TK_SOCKET_ERROR,
	TK_CHANNEL_JOIN,
	TK_CHANNEL_LEAVE,
	TK_BROADCAST,
	TK_SCENARIO_STEP,
	TK_SCENARIO_MARK,
	TK_SCENARIO_NOTE,
	TK_SCENARIO_EXPECT,
	TK_SCENARIO_ERROR,
	TK_SCENARIO_END,
	TK_SPAN,
	TK_KIND_COUNT
};

/* Event names, for writers. */
#define TRACE_EV_TRACE_START "trace.start"
#define TRACE_EV_TRACE_STOP "trace.stop"
#define TRACE_EV_TRACE_ABORT "trace.abort"
/* events the writer could not write (a full disk), counted when writing works again */
#define TRACE_EV_TRACE_GAP "trace.gap"
#define TRACE_EV_ENDPOINT_START "endpoint.start"
#define TRACE_EV_ENDPOINT_STOP "endpoint.stop"
#define TRACE_EV_SESSION_FETCH "session.fetch"
#define TRACE_EV_CONN_ASSIGN "conn.assign"
#define TRACE_EV_REDIRECT "redirect"
#define TRACE_EV_REPO_QUERY "repo.query"
#define TRACE_EV_ASSIGN "assign"
#define TRACE_EV_ASSIGN_NEW "assign_new"
#define TRACE_EV_SOCKET_CONNECT "socket.connect"
#define TRACE_EV_SOCKET_DISCONNECT "socket.disconnect"
#define TRACE_EV_SOCKET_ERROR "socket.error"
#define TRACE_EV_CHANNEL_JOIN "channel.join"
#define TRACE_EV_CHANNEL_LEAVE "channel.leave"
#define TRACE_EV_BROADCAST "broadcast"
#define TRACE_EV_SCENARIO_STEP "scenario.step"
#define TRACE_EV_SCENARIO_MARK "scenario.mark"
#define TRACE_EV_SCENARIO_NOTE "scenario.note"
#define TRACE_EV_SCENARIO_EXPECT "scenario.expect"
#define TRACE_EV_SCENARIO_ERROR "scenario.error"
#define TRACE_EV_SCENARIO_END "scenario.end"
/* a span of another tracer that no other event stands for (lvtrace import) */
#define TRACE_EV_SPAN "span"
/* lvdemo's live feed (/trace): an upgrade it refused; to a subscriber alone, the lines it lost */
#define TRACE_EV_FEED_REFUSED "feed.refused"
#define TRACE_EV_FEED_DROPPED "feed.dropped"
/* lvdemo's password workers: a job refused (the queue was full), one dropped (its client left) */
#define TRACE_EV_PASSWORD_REFUSED "password.refused"
#define TRACE_EV_PASSWORD_DROPPED "password.dropped"

/* Span prefixes (trace_span_start): the events are PREFIX.start / PREFIX.stop. */
#define TRACE_SPAN_PLUG "plug"
#define TRACE_SPAN_CONTROLLER "controller"
#define TRACE_SPAN_MOUNT "live_view.mount"
#define TRACE_SPAN_HANDLE_PARAMS "live_view.handle_params"
#define TRACE_SPAN_HANDLE_EVENT "live_view.handle_event"
#define TRACE_SPAN_RENDER "live_view.render"
#define TRACE_SPAN_ON_MOUNT "on_mount"

/* ---------------------------------------------------------------- phases */

/* What a phase name says (docs/trace-format.md, "Phases"). */
enum trace_phase_kind {
	TP_NONE,	  /* no phase */
	TP_STARTUP,	  /* "startup" */
	TP_PLUG,	  /* "plug:NAME" */
	TP_CONTROLLER,	  /* "controller:Controller.action" */
	TP_MOUNT,	  /* "mount:dead|connected:View" */
	TP_HANDLE_PARAMS, /* "handle_params:..." */
	TP_HANDLE_EVENT,  /* "handle_event:..." */
	TP_RENDER,	  /* "render:..." */
	TP_UNKNOWN,
};

struct trace_phase {
	enum trace_phase_kind kind; /* of the outermost part: a hook is inside its mount */
	int connected;		    /* LiveView phases: 1 connected, 0 dead; -1 otherwise */
	char name[96];		    /* the plug, the Controller.action, or the View */
	char hook[64];		    /* "mount_current_user" inside "…/on_mount:mount_current_user", or "" */
};

/* Read PHASE (NULL: none) into P. The one place that knows how phases are spelt. */
void trace_phase_parse(const char *phase, struct trace_phase *p);

/* Where a database hit counts in the lesson: 3 or 2 is plug + dead mount + connected mount. */
enum trace_group {
	TG_PLUG,      /* the router's plugs */
	TG_DEAD,      /* the disconnected ("dead") mount, hooks included */
	TG_CONNECTED, /* the connected mount, hooks included */
	TG_OTHER,     /* controllers, events, everything else */
	TG_COUNT
};

/* The group of a query run in PHASE (NULL: none). */
enum trace_group trace_phase_group(const char *phase);

/* Where an assign_new took its value from instead of running its function (its "from"). */
enum trace_from {
	TF_NONE,	   /* absent, or a value this version does not know */
	TF_CONN_ASSIGNS,   /* "conn_assigns": a dead root, from what the plug assigned */
	TF_PARENT_ASSIGNS, /* "parent_assigns": a child, from its parent */
	TF_SOCKET_ASSIGNS, /* "socket_assigns": the key was there already (a hook set it) */
	TF_FUNCTION,	   /* "function": nothing to take, the function ran: a query follows */
	TF_COUNT
};

/* The "from" of FROM ("" for TF_NONE); the kind named NAME (NULL too; TF_NONE when unknown). */
const char *trace_from_name(enum trace_from from);
enum trace_from trace_from_of(const char *name);

/* The name of KIND ("" for TK_OTHER and out of range). */
const char *trace_kind_name(enum trace_kind kind);

/* The kind of the event named NAME (LEN bytes, need not end in NUL): TK_OTHER when unknown. */
enum trace_kind trace_kind_of(const char *name, size_t len);

/* 1 when KIND is the .stop of a span (its .start has the same name but the suffix). */
int trace_kind_is_stop(enum trace_kind kind);

/* For a .stop kind, the kind of its .start (else KIND itself). */
enum trace_kind trace_kind_start_of(enum trace_kind kind);

/*
 * PATH without its variant's prefix: "/assign/mission" of VARIANT "assign"
 * is "/mission", so that the same page of two variants lines up. PATH
 * itself when it has no such prefix, "" for NULL. Points into PATH.
 */
const char *trace_path_unprefixed(const char *path, const char *variant);

/* 1 when PATH is a static file (/assets/..., /favicon.ico, any path whose last segment names a file): no page load of its own. */
int trace_path_is_asset(const char *path);

#endif
