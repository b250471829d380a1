/*
 * libFuzzer harness: LiveView socket messages into the channel handler
 * (demo_app/live_channel.c and the LiveView engine under it), with an
 * in-memory database holding one logged-in agent, and no network: the
 * socket's transport records what it is asked to send or close.
 *
 * The input: one byte of mode, then the messages, separated by "\n" (at
 * most 32; each is one text WebSocket message; a message stops the rest
 * once the socket asked to close). The mode byte:
 *
 *   bits 0-3  the page: a root LiveView (mission, dossier, hq, archive) of
 *             one variant (assign, assign_new, on_mount, on_mount_assign):
 *             index = variant * 4 + view
 *   bits 4-5  the socket's session: 0 the agent's cookie with its CSRF
 *             token, 1 no cookie, 2 the agent's cookie with another CSRF
 *             token, 3 a guest's cookie (no user) with its CSRF token
 *   bits 6-7  what the socket did before the messages: 0 nothing, 1 the
 *             page's root join, 2 the root join then its child's (hq has
 *             one), 3 the root join then a phx_leave of it
 *
 * so that mutations reach past the join. The page's tokens are signed at
 * start-up with this run's key, as its dead render would sign them: in a
 * message, @SESSION@ and @STATIC@ stand for the root container's
 * data-phx-session and data-phx-static, @CHILD_SESSION@ and
 * @CHILD_STATIC@ for its child's, @URL@ for the page's URL and @CSRF@ for
 * the page's CSRF token. The root's topic is "lv:phx-fuzz", the child's
 * "lv:countdown".
 *
 * Checked: everything sent is a Phoenix V2 message [join_ref, ref, topic,
 * event, payload]; a socket without a session (no cookie, or a CSRF token
 * that does not match) never gets a rendered view.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "fuzz_app.h"
#include "live_channel.h"
#include "live_view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ROOT_ID "phx-fuzz"
#define MAX_MESSAGES 32
#define NPAGES 16

/* One root LiveView page of one variant, as its dead render leaves it. */
struct page_tokens {
	char url[320];
	char *session, *static_token;
	char *child_session, *child_static; /* NULL: no child */
};

static struct fuzz_app fa;
static struct page_tokens pages[NPAGES];
static char *agent_cookie, *guest_cookie;
static char wrong_csrf[CSRF_MASKED_MAX];

/* What the socket asked of its transport during one input. */
struct recorder {
	int no_session; /* the socket has no session: nothing may render */
	int closed;
	size_t sent;
};

static void check_sent(void *conn, const char *text)
{
	struct recorder *r = conn;
	cJSON *msg = cJSON_Parse(text);
	const cJSON *jr = cJSON_GetArrayItem(msg, 0), *rf = cJSON_GetArrayItem(msg, 1);

	r->sent++;
	if (!cJSON_IsArray(msg) || cJSON_GetArraySize(msg) != 5 ||
	    !(cJSON_IsString(jr) || cJSON_IsNull(jr)) || !(cJSON_IsString(rf) || cJSON_IsNull(rf)) ||
	    !cJSON_IsString(cJSON_GetArrayItem(msg, 2)) ||
	    !cJSON_IsString(cJSON_GetArrayItem(msg, 3)) ||
	    !cJSON_IsObject(cJSON_GetArrayItem(msg, 4)))
		abort(); /* not a Phoenix Channels V2 message */
	const cJSON *resp = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(msg, 4), "response");
	if (r->no_session && cJSON_GetObjectItemCaseSensitive(resp, "rendered"))
		abort(); /* a view rendered for a socket without a session */
	cJSON_Delete(msg);
}

static void record_close(void *conn, const char *reason)
{
	struct recorder *r = conn;

	if (!reason)
		abort();
	r->closed = 1;
}

static void fuzz_app_free_at_exit(void)
{
	for (size_t i = 0; i < NPAGES; i++) {
		free(pages[i].session);
		free(pages[i].static_token);
		free(pages[i].child_session);
		free(pages[i].child_static);
	}
	free(agent_cookie);
	free(guest_cookie);
	fuzz_app_close(&fa);
}

/* The page's tokens, as live_page.c's dead render signs them, with a fixed container id. */
static void page_make(struct page_tokens *p, const struct variant *v, const struct live_view_def *def)
{
	struct lv *lv = lv_new(&fa.app, def, v, 0, NULL);
	char *b64 = b64url_encode(fa.agent_token, USER_TOKEN_LEN);

	snprintf(p->url, sizeof(p->url), "%s/%s%s", fa.app.url, v->name, def->path);
	snprintf(lv->id, sizeof(lv->id), "%s", ROOT_ID);
	lv_set_live_session(lv, def->archive);
	lv->has_user_token = 1;
	memcpy(lv->user_token, fa.agent_token, USER_TOKEN_LEN);
	lv->live_socket_id = xmalloc(strlen(b64) + 16);
	sprintf(lv->live_socket_id, "users_sessions:%s", b64);
	free(b64);
	p->session = lv_session_token(lv, lv->id);
	p->static_token = lv_static_token(lv);
	if (def->child) {
		struct lv *child = lv_new(&fa.app, live_view_find(def->child), v, 0, lv);
		snprintf(child->id, sizeof(child->id), "%s", def->child_id);
		child->has_user_token = 1;
		memcpy(child->user_token, fa.agent_token, USER_TOKEN_LEN);
		child->live_socket_id = xstrdup(lv->live_socket_id);
		/* the dead render's child took current_user from its parent (assign_new) */
		child->used_parent_current_user = v->mount_user == MOUNT_ASSIGN_NEW;
		p->child_session = lv_session_token(child, lv->id);
		p->child_static = lv_static_token(child);
		lv_free(child);
	}
	lv_free(lv);
}

static void start(void)
{
	char other[CSRF_TOKEN_LEN + 1];
	size_t n = 0;

	fuzz_app_open(&fa, 0);
	for (size_t vi = 0; vi < variant_count; vi++)
		for (size_t i = 0, k = 0; i < live_view_count && k < 4; i++)
			if (live_views[i].path && vi * 4 + k < NPAGES)
				page_make(&pages[vi * 4 + k++], &variants[vi], &live_views[i]), n++;
	if (n != NPAGES)
		abort(); /* the mode byte's table is out of date */
	agent_cookie = xmalloc(strlen(fa.agent_session) + 32);
	sprintf(agent_cookie, "%s=%s", SESSION_COOKIE, fa.agent_session);
	guest_cookie = xmalloc(strlen(fa.guest_session) + 32);
	sprintf(guest_cookie, "%s=%s", SESSION_COOKIE, fa.guest_session);
	if (csrf_new_token(other) < 0 || csrf_mask(other, wrong_csrf) < 0)
		abort();
	atexit(fuzz_app_free_at_exit);
}

static void deliver(struct live_socket *s, struct recorder *r, const char *text)
{
	if (!r->closed)
		live_socket_message(s, text, strlen(text));
}

static void join(struct live_socket *s, struct recorder *r, const struct page_tokens *p, int child)
{
	cJSON *msg = cJSON_CreateArray(), *pl = cJSON_CreateObject();

	cJSON_AddItemToArray(msg, cJSON_CreateString(child ? "2" : "1"));
	cJSON_AddItemToArray(msg, cJSON_CreateString(child ? "2" : "1"));
	cJSON_AddItemToArray(msg, cJSON_CreateString(child ? "lv:countdown" : "lv:" ROOT_ID));
	cJSON_AddItemToArray(msg, cJSON_CreateString("phx_join"));
	if (!child)
		cJSON_AddStringToObject(pl, "url", p->url);
	cJSON *params = cJSON_AddObjectToObject(pl, "params");
	cJSON_AddStringToObject(params, "_csrf_token", fa.csrf);
	cJSON_AddNumberToObject(params, "_mounts", 0);
	cJSON_AddStringToObject(pl, "session", child ? p->child_session : p->session);
	cJSON_AddStringToObject(pl, "static", child ? p->child_static : p->static_token);
	cJSON_AddItemToArray(msg, pl);
	char *text = cJSON_PrintUnformatted(msg);
	deliver(s, r, text);
	free(text);
	cJSON_Delete(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static unsigned long next_id;

	if (!ready) {
		start();
		ready = 1;
	}
	if (size == 0)
		return 0;
	const struct page_tokens *p = &pages[data[0] & 15];
	int who = (data[0] >> 4) & 3, before = data[0] >> 6;
	struct recorder rec = {.no_session = who == 1 || who == 2};
	struct live_socket_io io = {.send = check_sent, .close = record_close, .conn = &rec};
	const char *cookie = who == 1 ? NULL : who == 3 ? guest_cookie : agent_cookie;
	const char *csrf = who == 2 ? wrong_csrf : fa.csrf;
	struct live_socket *s = live_socket_new(&fa.app, ++next_id, cookie, csrf, &io);

	if (before >= 1)
		join(s, &rec, p, 0);
	if (before == 2 && p->child_session)
		join(s, &rec, p, 1);
	if (before == 3)
		deliver(s, &rec, "[\"1\",\"3\",\"lv:" ROOT_ID "\",\"phx_leave\",{}]");

	const struct fuzz_subst subst[] = {
		{"@SESSION@", p->session},
		{"@STATIC@", p->static_token},
		{"@CHILD_SESSION@", p->child_session ? p->child_session : ""},
		{"@CHILD_STATIC@", p->child_static ? p->child_static : ""},
		{"@URL@", p->url},
		{"@CSRF@", fa.csrf},
	};
	const char *in = (const char *)data + 1, *end = (const char *)data + size;
	for (int i = 0; i < MAX_MESSAGES && in <= end && !rec.closed; i++) {
		const char *nl = memchr(in, '\n', (size_t)(end - in));
		size_t n = nl ? (size_t)(nl - in) : (size_t)(end - in);
		size_t len;
		char *text = fuzz_expand(in, n, subst, ARRAY_LEN(subst), &len, NULL);
		/* the whole frame, NUL bytes too: a text frame is not a C string */
		live_socket_message(s, text, len);
		free(text);
		if (!nl)
			break;
		in = nl + 1;
	}
	live_socket_free(s, 1, rec.closed ? "closed" : NULL, rec.closed ? 1000 : 0);
	return 0;
}
