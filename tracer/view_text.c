/*
 * view_text.c: the words of the views (view_text.h): each event's row
 * label, read from its line in the model on demand, phase names, and
 * UTF-8 measuring, cutting and wrapping with mbrtowc and wcwidth. Layout
 * is each view's own.
 */
#define _XOPEN_SOURCE 700
#include "view_text.h"

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "json_get.h"

/* "SELECT u.id, u.email FROM users_tokens AS t JOIN ..." with its white space collapsed. */
static void squeeze(char *out, size_t len, const char *sql)
{
	size_t k = 0;
	int space = 0;
	for (const char *p = sql ? sql : ""; *p && k + 1 < len; p++) {
		if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
			space = k > 0;
			continue;
		}
		if (space && k + 2 < len)
			out[k++] = ' ';
		space = 0;
		out[k++] = *p;
	}
	out[k] = '\0';
}

const char *view_phase_name(enum trace_group p)
{
	static const char *const names[TG_COUNT] = {"plug", "dead mount", "connected mount", "other"};
	return (unsigned)p < TG_COUNT ? names[p] : "other";
}

void view_search_label(struct model *m, uint32_t i, char *buf, size_t len)
{
	view_label(m, i, buf, len, 0); /* the long words: they hold the short ones */
}

int view_indent(int depth, int colw)
{
	if (depth > 8)
		depth = 8;
	return colw < 44 ? depth : 2 * depth;
}

const char *view_glyph(enum view_style style, int utf8)
{
	switch (style) {
	case VS_QUERY: return utf8 ? "● " : "* ";
	case VS_AVOIDED: return utf8 ? "○ " : "o ";
	case VS_PASSED: return utf8 ? "✓ " : "+ ";
	case VS_FAILED: return utf8 ? "✗ " : "! ";
	default: return "";
	}
}

static const char *from_words(int from)
{
	switch (from) {
	case TF_CONN_ASSIGNS: return "from conn.assigns";
	case TF_PARENT_ASSIGNS: return "from the parent's assigns";
	case TF_SOCKET_ASSIGNS: return "already assigned";
	default: return "";
	}
}

int view_label_flags(int colw)
{
	return colw < 44 ? VL_SHORT : 0;
}

enum view_style view_label(struct model *m, uint32_t i, char *buf, size_t len, int flags)
{
	int times = flags & VL_TIMES, shrt = flags & VL_SHORT;
	const struct model_event *e = model_event(m, i);
	cJSON *j = e ? model_event_json(m, i) : NULL;
	cJSON *stop = e && e->pair != MODEL_NONE ? model_event_json(m, e->pair) : NULL;
	enum view_style style = VS_PLAIN;
	const char *mode = e && (e->flags & ME_CONNECTED) ? "connected" : "dead";
	const char *view = json_str(j, "view");
	const char *child = e && (e->flags & ME_CHILD) ? ", child" : "";
	char sql[320], dur[32] = "";

	if (!e) {
		snprintf(buf, len, "?");
		return VS_PLAIN;
	}
	if (times && stop && json_num(stop, "duration_us", -1) >= 0)
		snprintf(dur, sizeof(dur), "  %.0fus", json_num(stop, "duration_us", 0));
	switch (e->kind) {
	case TK_ENDPOINT_START: {
		double status = json_num(stop, "status", 0);
		const char *q = json_str(j, "query");
		if (status > 0)
			snprintf(buf, len, "%s %s%s%s -> %.0f%s", json_str(j, "method") ? json_str(j, "method") : "?",
				 json_str(j, "path") ? json_str(j, "path") : "?", q ? "?" : "", q ? q : "", status, dur);
		else
			snprintf(buf, len, "%s %s%s%s%s", json_str(j, "method") ? json_str(j, "method") : "?",
				 json_str(j, "path") ? json_str(j, "path") : "?", q ? "?" : "", q ? q : "",
				 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(stop, "aborted")) ? " (aborted)" : "");
		style = VS_SPAN;
		break;
	}
	case TK_PLUG_START:
		snprintf(buf, len, "plug %s%s%s", json_str(j, "plug") ? json_str(j, "plug") : "?",
			 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(stop, "halted")) ? " (halted)" : "", dur);
		style = VS_DIM;
		break;
	case TK_CONTROLLER_START: {
		struct trace_phase ph;
		trace_phase_parse(model_string(m, e->phase), &ph);
		snprintf(buf, len, "controller %s%s", ph.name[0] ? ph.name : "?", dur);
		style = VS_SPAN;
		break;
	}
	case TK_SESSION_FETCH:
		snprintf(buf, len, "session %s", json_str(j, "session") ? json_str(j, "session") : "?");
		style = VS_DIM;
		break;
	case TK_CONN_ASSIGN: {
		const cJSON *uid = cJSON_GetObjectItemCaseSensitive(j, "user_id");
		const char *key = shrt ? "" : json_str(j, "key") ? json_str(j, "key") : "?";
		if (cJSON_IsNumber(uid))
			snprintf(buf, len, "conn.assigns%s%s = user %.0f", key[0] ? "." : "", key, uid->valuedouble);
		else
			snprintf(buf, len, "conn.assigns%s%s = nil", key[0] ? "." : "", key);
		break;
	}
	case TK_REDIRECT:
		snprintf(buf, len, "redirect to %s", json_str(j, "to") ? json_str(j, "to") : "?");
		break;
	case TK_REPO_QUERY: {
		squeeze(sql, sizeof(sql), json_str(j, "sql"));
		/* a long select list says little in a row: the detail pane has it */
		char *from = strncmp(sql, "SELECT ", 7) == 0 ? strstr(sql, " FROM ") : NULL;
		if (from && from - sql > 24)
			memmove(sql + 7, "...", 3), memmove(sql + 10, from, strlen(from) + 1);
		const char *source = json_str(j, "source");
		/* the time before the SQL: a cell cuts the end of a row */
		if (times)
			snprintf(dur, sizeof(dur), " (%.0fus)", json_num(j, "total_us", 0));
		snprintf(buf, len, "%s%s%s%s", source ? source : "query", dur, ": ", sql);
		style = VS_QUERY;
		break;
	}
	case TK_MOUNT_START:
		snprintf(buf, len, "mount (%s) %s%s%s", mode, view ? view : "?", child, dur);
		style = VS_SPAN;
		break;
	case TK_ON_MOUNT_START:
		snprintf(buf, len, "on_mount %s%s", json_str(j, "hook") ? json_str(j, "hook") : "?", dur);
		style = VS_SPAN;
		break;
	case TK_HANDLE_PARAMS_START:
		snprintf(buf, len, "handle_params (%s)%s", mode, dur);
		style = VS_DIM;
		break;
	case TK_RENDER_START:
		snprintf(buf, len, "render (%s)%s", mode, dur);
		style = VS_DIM;
		break;
	case TK_HANDLE_EVENT_START: {
		/* the start has the name too (lvdemo since the live view: a start is printed
		 * before its stop comes); older traces have it on the stop alone */
		const char *name = json_str(j, "name") ? json_str(j, "name") : json_str(stop, "name");
		snprintf(buf, len, "handle_event \"%s\" (%s)%s%s", name ? name : "?", view ? view : "?",
			 cJSON_GetObjectItemCaseSensitive(stop, "error") ? ": unknown event" : "", dur);
		style = VS_SPAN;
		break;
	}
	case TK_ASSIGN:
		if (shrt)
			snprintf(buf, len, "assign: queries again");
		else
			snprintf(buf, len, "assign %s: queries again", json_str(j, "key") ? json_str(j, "key") : "?");
		break;
	case TK_ASSIGN_NEW:
		if (e->flags & ME_AVOIDED) {
			/* "no query" first: the words a narrow column must not cut */
			if (shrt)
				snprintf(buf, len, "no query: %s", from_words(e->from));
			else
				snprintf(buf, len, "no query: %s %s", json_str(j, "key") ? json_str(j, "key") : "?",
					 from_words(e->from));
			style = VS_AVOIDED;
		} else if (shrt) {
			snprintf(buf, len, "assign_new: the function runs");
		} else {
			snprintf(buf, len, "assign_new %s: the function runs", json_str(j, "key") ? json_str(j, "key") : "?");
		}
		break;
	case TK_SOCKET_CONNECT:
		if (json_str(j, "result") && strcmp(json_str(j, "result"), "refused") == 0)
			snprintf(buf, len, "socket refused: %.0f %s", json_num(j, "status", 0),
				 json_str(j, "reason") ? json_str(j, "reason") : "");
		else
			snprintf(buf, len, "socket connected (session %s)", json_str(j, "session") ? json_str(j, "session") : "?");
		style = VS_SPAN;
		break;
	case TK_CHANNEL_JOIN:
		snprintf(buf, len, "join %s -> %s", view ? view : json_str(j, "topic") ? json_str(j, "topic") : "?",
			 json_str(j, "result") ? json_str(j, "result") : "?");
		style = VS_SPAN;
		break;
	case TK_CHANNEL_LEAVE:
		snprintf(buf, len, "leave %s (%s)", view ? view : "?", json_str(j, "reason") ? json_str(j, "reason") : "?");
		break;
	case TK_SOCKET_DISCONNECT:
		snprintf(buf, len, "socket closed (%s)", json_str(j, "reason") ? json_str(j, "reason") : "?");
		break;
	case TK_SOCKET_ERROR:
		snprintf(buf, len, "socket error: %s", json_str(j, "error") ? json_str(j, "error") : "?");
		style = VS_FAILED;
		break;
	case TK_BROADCAST:
		snprintf(buf, len, "broadcast %s: %.0f socket(s)", json_str(j, "message") ? json_str(j, "message") : "?",
			 json_num(j, "sockets", 0));
		break;
	case TK_SCENARIO_EXPECT: {
		/* the step's header says what was expected: the row says how it went */
		const char *outcome = json_str(j, "outcome") ? json_str(j, "outcome") : "?";
		const char *detail = json_str(j, "detail") ? json_str(j, "detail") : "";
		int counted = cJSON_GetObjectItemCaseSensitive(j, "actual") != NULL;
		double actual = json_num(j, "actual", 0);
		if (strcmp(outcome, "failed") == 0) {
			if (counted)
				snprintf(buf, len, "%.0f quer%s, expected %.0f", actual, actual == 1 ? "y" : "ies",
					 json_num(j, "expected", 0));
			else
				snprintf(buf, len, "%s", detail[0] ? detail : "failed");
			style = VS_FAILED;
		} else if (strcmp(outcome, "passed") == 0) {
			if (counted)
				snprintf(buf, len, "%.0f quer%s, as expected", actual, actual == 1 ? "y" : "ies");
			else
				snprintf(buf, len, "%s", detail[0] ? detail : "passed");
			style = VS_PASSED;
		} else {
			snprintf(buf, len, "not checked in this variant");
			style = VS_DIM;
		}
		break;
	}
	case TK_SCENARIO_ERROR:
		snprintf(buf, len, "the step could not run: %s", json_str(j, "error") ? json_str(j, "error") : "?");
		style = VS_FAILED;
		break;
	case TK_TRACE_STOP:
		snprintf(buf, len, "lvdemo stopped: %.0f statements", json_num(j, "statements", 0));
		break;
	case TK_SPAN:
		snprintf(buf, len, "span %s", json_str(j, "name") ? json_str(j, "name") : "?");
		style = VS_DIM;
		break;
	default:
		snprintf(buf, len, "%s", json_str(j, "event") ? json_str(j, "event") : "?");
		break;
	}
	cJSON_Delete(j);
	cJSON_Delete(stop);
	return style;
}

/* ------------------------------------------------------------ UTF-8 */

int view_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* The next character of S (N bytes left): its length and display width. */
static size_t next_char(const char *s, size_t n, int *w)
{
	mbstate_t st;
	wchar_t wc;

	memset(&st, 0, sizeof(st));
	size_t k = mbrtowc(&wc, s, n, &st);
	if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
		*w = 1; /* a byte the locale cannot read takes one column */
		return 1;
	}
	int cw = wcwidth(wc);
	*w = cw < 0 ? 1 : cw;
	return k;
}

int view_width(const char *s, size_t n)
{
	int w = 0;
	for (size_t i = 0; i < n && s[i];) {
		int cw;
		i += next_char(s + i, n - i, &cw);
		w += cw;
	}
	return w;
}

size_t view_fit(const char *s, int w)
{
	size_t i = 0, n = strlen(s);
	int used = 0;
	while (i < n) {
		int cw;
		size_t k = next_char(s + i, n - i, &cw);
		if (used + cw > w)
			break;
		used += cw;
		i += k;
	}
	return i;
}

int view_wrap2(const char *text, int first_w, int w, void (*line)(const char *s, size_t n, void *arg),
	       void *arg)
{
	int lines = 0;
	const char *p = text ? text : "";

	if (w < 1)
		w = 1;
	if (first_w < 1)
		first_w = 1;
	while (*p) {
		int width = lines == 0 ? first_w : w;
		size_t n = strlen(p);
		size_t fit = view_fit(p, width);
		if (fit >= n) {
			line(p, n, arg);
			return lines + 1;
		}
		/* break at the last space that fits, else in the word */
		size_t cut = fit;
		while (cut > 0 && p[cut] != ' ')
			cut--;
		if (cut == 0)
			cut = fit ? fit : 1;
		size_t end = cut;
		while (end > 0 && p[end - 1] == ' ')
			end--;
		line(p, end, arg);
		lines++;
		p += cut;
		while (*p == ' ')
			p++;
	}
	if (lines == 0) {
		line("", 0, arg);
		lines = 1;
	}
	return lines;
}

int view_wrap(const char *text, int w, void (*line)(const char *s, size_t n, void *arg), void *arg)
{
	return view_wrap2(text, w, w, line, arg);
}

int view_no_color(void)
{
	const char *v = getenv("NO_COLOR");
	return v && v[0];
}
