/*
 * trace_events.c: the table of event names behind trace_events.h, and the
 * lookup from a name to its kind. What each event carries is for the
 * writers and readers; this module only names them.
 */
#include "trace_events.h"

#include <stdio.h>
#include <string.h>

static const char *const names[TK_KIND_COUNT] = {
	[TK_OTHER] = "",
	[TK_TRACE_START] = TRACE_EV_TRACE_START,
	[TK_TRACE_STOP] = TRACE_EV_TRACE_STOP,
	[TK_TRACE_ABORT] = TRACE_EV_TRACE_ABORT,
	[TK_ENDPOINT_START] = TRACE_EV_ENDPOINT_START,
	[TK_ENDPOINT_STOP] = TRACE_EV_ENDPOINT_STOP,
	[TK_PLUG_START] = TRACE_SPAN_PLUG ".start",
	[TK_PLUG_STOP] = TRACE_SPAN_PLUG ".stop",
	[TK_CONTROLLER_START] = TRACE_SPAN_CONTROLLER ".start",
	[TK_CONTROLLER_STOP] = TRACE_SPAN_CONTROLLER ".stop",
	[TK_SESSION_FETCH] = TRACE_EV_SESSION_FETCH,
	[TK_CONN_ASSIGN] = TRACE_EV_CONN_ASSIGN,
	[TK_REDIRECT] = TRACE_EV_REDIRECT,
	[TK_REPO_QUERY] = TRACE_EV_REPO_QUERY,
	[TK_MOUNT_START] = TRACE_SPAN_MOUNT ".start",
	[TK_MOUNT_STOP] = TRACE_SPAN_MOUNT ".stop",
	[TK_ON_MOUNT_START] = TRACE_SPAN_ON_MOUNT ".start",
	[TK_ON_MOUNT_STOP] = TRACE_SPAN_ON_MOUNT ".stop",
	[TK_HANDLE_PARAMS_START] = TRACE_SPAN_HANDLE_PARAMS ".start",
	[TK_HANDLE_PARAMS_STOP] = TRACE_SPAN_HANDLE_PARAMS ".stop",
	[TK_HANDLE_EVENT_START] = TRACE_SPAN_HANDLE_EVENT ".start",
	[TK_HANDLE_EVENT_STOP] = TRACE_SPAN_HANDLE_EVENT ".stop",
	[TK_RENDER_START] = TRACE_SPAN_RENDER ".start",
	[TK_RENDER_STOP] = TRACE_SPAN_RENDER ".stop",
	[TK_ASSIGN] = TRACE_EV_ASSIGN,
	[TK_ASSIGN_NEW] = TRACE_EV_ASSIGN_NEW,
	[TK_SOCKET_CONNECT] = TRACE_EV_SOCKET_CONNECT,
	[TK_SOCKET_DISCONNECT] = TRACE_EV_SOCKET_DISCONNECT,
	[TK_SOCKET_ERROR] = TRACE_EV_SOCKET_ERROR,
	[TK_CHANNEL_JOIN] = TRACE_EV_CHANNEL_JOIN,
	[TK_CHANNEL_LEAVE] = TRACE_EV_CHANNEL_LEAVE,
	[TK_BROADCAST] = TRACE_EV_BROADCAST,
	[TK_SCENARIO_STEP] = TRACE_EV_SCENARIO_STEP,
	[TK_SCENARIO_MARK] = TRACE_EV_SCENARIO_MARK,
	[TK_SCENARIO_NOTE] = TRACE_EV_SCENARIO_NOTE,
	[TK_SCENARIO_EXPECT] = TRACE_EV_SCENARIO_EXPECT,
	[TK_SCENARIO_ERROR] = TRACE_EV_SCENARIO_ERROR,
	[TK_SCENARIO_END] = TRACE_EV_SCENARIO_END,
	[TK_SPAN] = TRACE_EV_SPAN,
};

const char *trace_kind_name(enum trace_kind kind)
{
	return (unsigned)kind < TK_KIND_COUNT ? names[kind] : "";
}

enum trace_kind trace_kind_of(const char *name, size_t len)
{
	/* about 40 names: a linear scan with a first-byte and length filter is
	 * cheaper than hashing for the readers' few distinct names per line */
	if (len == 0)
		return TK_OTHER;
	for (int k = 1; k < TK_KIND_COUNT; k++) {
		const char *n = names[k];
		if (n[0] == name[0] && strlen(n) == len && memcmp(n, name, len) == 0)
			return (enum trace_kind)k;
	}
	return TK_OTHER;
}

int trace_kind_is_stop(enum trace_kind kind)
{
	switch (kind) {
	case TK_ENDPOINT_STOP:
	case TK_PLUG_STOP:
	case TK_CONTROLLER_STOP:
	case TK_MOUNT_STOP:
	case TK_ON_MOUNT_STOP:
	case TK_HANDLE_PARAMS_STOP:
	case TK_HANDLE_EVENT_STOP:
	case TK_RENDER_STOP:
		return 1;
	default:
		return 0;
	}
}

enum trace_kind trace_kind_start_of(enum trace_kind kind)
{
	/* each .stop follows its .start in the enum */
	return trace_kind_is_stop(kind) ? (enum trace_kind)(kind - 1) : kind;
}

void trace_phase_parse(const char *phase, struct trace_phase *p)
{
	static const struct {
		const char *prefix;
		enum trace_phase_kind kind;
	} lv[] = {
		{"mount:", TP_MOUNT},
		{"handle_params:", TP_HANDLE_PARAMS},
		{"handle_event:", TP_HANDLE_EVENT},
		{"render:", TP_RENDER},
	};

	memset(p, 0, sizeof(*p));
	p->connected = -1;
	if (!phase || !phase[0])
		return;
	/* the outer part, up to the first '/', then a hook inside it */
	size_t outer = strcspn(phase, "/");
	const char *hook = phase[outer] == '/' ? strstr(phase + outer, "/on_mount:") : NULL;
	if (hook)
		snprintf(p->hook, sizeof(p->hook), "%s", hook + strlen("/on_mount:"));
	if (strcmp(phase, "startup") == 0) {
		p->kind = TP_STARTUP;
	} else if (strncmp(phase, "plug:", 5) == 0) {
		p->kind = TP_PLUG;
		snprintf(p->name, sizeof(p->name), "%.*s", (int)(outer - 5), phase + 5);
	} else if (strncmp(phase, "controller:", 11) == 0) {
		p->kind = TP_CONTROLLER;
		snprintf(p->name, sizeof(p->name), "%.*s", (int)(outer - 11), phase + 11);
	} else {
		p->kind = TP_UNKNOWN;
		for (size_t i = 0; i < sizeof(lv) / sizeof(lv[0]); i++) {
			size_t n = strlen(lv[i].prefix);
			if (strncmp(phase, lv[i].prefix, n) != 0)
				continue;
			const char *mode = phase + n;
			if (strncmp(mode, "dead:", 5) == 0)
				p->connected = 0, mode += 5;
			else if (strncmp(mode, "connected:", 10) == 0)
				p->connected = 1, mode += 10;
			else
				break;
			p->kind = lv[i].kind;
			snprintf(p->name, sizeof(p->name), "%.*s", (int)(phase + outer - mode), mode);
			break;
		}
	}
}

enum trace_group trace_phase_group(const char *phase)
{
	struct trace_phase p;
	trace_phase_parse(phase, &p);
	if (p.kind == TP_PLUG)
		return TG_PLUG;
	if (p.kind == TP_MOUNT)
		return p.connected ? TG_CONNECTED : TG_DEAD;
	return TG_OTHER;
}

static const char *const from_names[TF_COUNT] = {
	[TF_NONE] = "",
	[TF_CONN_ASSIGNS] = "conn_assigns",
	[TF_PARENT_ASSIGNS] = "parent_assigns",
	[TF_SOCKET_ASSIGNS] = "socket_assigns",
	[TF_FUNCTION] = "function",
};

const char *trace_from_name(enum trace_from from)
{
	return (unsigned)from < TF_COUNT ? from_names[from] : "";
}

enum trace_from trace_from_of(const char *name)
{
	for (int f = TF_NONE + 1; f < TF_COUNT; f++)
		if (name && strcmp(name, from_names[f]) == 0)
			return (enum trace_from)f;
	return TF_NONE;
}

const char *trace_path_unprefixed(const char *path, const char *variant)
{
	size_t n = variant ? strlen(variant) : 0;
	if (path && n && path[0] == '/' && strncmp(path + 1, variant, n) == 0 &&
	    (path[n + 1] == '/' || path[n + 1] == '\0'))
		return path[n + 1] ? path + n + 1 : "/";
	return path ? path : "";
}

int trace_path_is_asset(const char *path)
{
	if (!path)
		return 0;
	if (strncmp(path, "/assets/", 8) == 0 || strcmp(path, "/favicon.ico") == 0)
		return 1;
	/* in an app's trace any path whose last segment names a file ("/images/logo.svg",
	 * "/robots.txt"): Plug.Static's requests are traced like the others */
	size_t n = strcspn(path, "?#");
	const char *seg = path;
	for (const char *p = path; p < path + n; p++)
		if (*p == '/')
			seg = p + 1;
	const char *dot = memchr(seg, '.', (size_t)(path + n - seg));
	return dot && dot > seg && dot + 1 < path + n;
}
