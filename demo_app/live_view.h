/*
 * live_view.h: the LiveView lifecycle, phase for phase: on_mount hooks,
 * mount, handle_params, handle_event, render; assign and assign_new with
 * the source each value came from; the signed session and static tokens;
 * rendered trees and their diffs. The transport (an HTTP request for the
 * dead render, a channel for the connected one) is the caller's.
 */
#ifndef LVDEMO_LIVE_VIEW_H
#define LVDEMO_LIVE_VIEW_H

#include <cJSON.h>

#include "accounts.h"
#include "app.h"
#include "http_form.h"
#include "trace.h"
#include "variant.h"
#include "views.h"

#define LV_MAX_DYNAMICS 16
#define LV_ID_MAX 40
#define LV_TOKEN_MAX_AGE (14L * 24 * 60 * 60) /* LiveView's two weeks */

struct lv;
struct lv_token;

/* A rendered template: static parts and the dynamic strings between them. */
struct lv_rendered {
	const char *const *statics; /* n + 1 strings, owned by the view */
	size_t n;		    /* number of dynamics */
	char *dyn[LV_MAX_DYNAMICS]; /* HTML, escaped by the view; owned */
	const char *title;	    /* page title, or NULL */
};

/*
 * What the last render sent, for diffs: a digest of each dynamic (the
 * first 16 bytes of its SHA-256), not the HTML itself (1.8 KB for a
 * MissionLive, held for the socket's life). Only equality is asked of it.
 */
#define LV_DIGEST_LEN 16
struct lv_sent {
	const char *const *statics; /* of the last render; NULL before the first */
	size_t n;
	unsigned char (*digest)[LV_DIGEST_LEN]; /* n of them, owned */
};

/* One LiveView module. Every view in lvdemo is one entry of live_views[]. */
struct live_view_def {
	const char *name;	     /* "MissionLive" */
	const char *path;	     /* route after the variant, "/mission"; NULL for a child */
	int archive;		     /* in the variant's archive live_session */
	const char *child;	     /* view rendered with live_render at page load, or NULL */
	const char *child_id;	     /* its container id */
	int child_slot;		     /* the dynamic that holds the child's container */
	void (*init)(struct lv *lv); /* the view's own part of mount */
	void (*handle_params)(struct lv *lv, const struct form *params);
	/* 0 when handled, -1 for an event the view does not know */
	int (*handle_event)(struct lv *lv, const char *event, const cJSON *value);
	void (*render)(struct lv *lv, struct lv_rendered *r);
};

extern const struct live_view_def live_views[];
extern const size_t live_view_count;

const struct live_view_def *live_view_find(const char *name);
/* The root view routed at PATH ("/assign/mission"), with its variant; NULL when none. */
const struct live_view_def *live_view_route(const char *path, const struct variant **variant);

/* A mounted LiveView (one per dead render, one per channel). */
struct lv {
	struct app *app;
	const struct live_view_def *def;
	const struct variant *variant;
	char id[LV_ID_MAX];
	char live_session[48]; /* "assign", "assign_archive"; "" for a child */
	int connected;
	int child;
	struct lv *parent; /* the parent instance, when known */

	/* the session mount receives (from the cookie or the signed token) */
	int has_user_token;
	unsigned char user_token[USER_TOKEN_LEN];
	char *live_socket_id;

	/* dead render of a root view: conn.assigns */
	int has_conn_user;
	const struct user *conn_user;
	/* connected child: keys its static token says the parent hands over */
	int static_has_current_user;

	/* assigns */
	int has_current_user;
	struct user *current_user;
	int used_parent_current_user; /* for the child's static token */
	int clue;
	int countdown;
	int flag;

	/* the count panel of a root view: this page load's hits, from the trace's
	 * tally of the events emitted since BASE (a connected view's join) */
	struct live_panel panel;
	struct trace_tally base;
	const char *const *statics_src; /* the view's statics, and them with the panel's slot */
	const char **statics_ext;

	char *redirect_to; /* set by mount when the view must not show */
	char *child_container; /* the connected child slot, rendered once */
	struct lv_sent last; /* the last render sent, for diffs */
};

struct lv *lv_new(struct app *app, const struct live_view_def *def, const struct variant *variant,
		  int connected, struct lv *parent);
void lv_free(struct lv *lv);
/* Give LV a fresh random container id ("phx-..."). */
void lv_new_id(struct lv *lv);
void lv_set_live_session(struct lv *lv, int archive);

/*
 * The lifecycle steps, each in its traced phase. lv_mount runs the
 * live_session hooks (root views only) and mount; it returns 0, or 1 when
 * the view redirected (lv->redirect_to).
 */
int lv_mount(struct lv *lv);
void lv_handle_params(struct lv *lv, const struct form *params);
int lv_handle_event(struct lv *lv, const char *event, const cJSON *value);

/*
 * The count panel. A root view's render ends with it (one more dynamic):
 * the dead render counts its HTTP request's events, plug and dead mount (its
 * children's included) and signs them into the session token; a connected
 * root gets them back from the token with lv_panel_join, which says what
 * kind of join it is. lv_panel_joined, after a connected mount, counts the
 * mount's hits; a child's are added to its parent's panel (and 1 returned:
 * the parent's render changed).
 */
void lv_panel_join(struct lv *lv, enum panel_kind kind, const struct lv_token *tok);
int lv_panel_joined(struct lv *lv);
/* The panel's change since the last render or diff ({} when none), for a server push. */
cJSON *lv_panel_diff(struct lv *lv);

/* Dead render: the whole container (children mounted and rendered too) into OUT. */
void lv_render_dead(struct lv *lv, struct buf *out);
/* Connected render: the whole tree ({"s":...}), remembered for later diffs. */
cJSON *lv_render_tree(struct lv *lv);
/* The changes since the last render ({} when none). */
cJSON *lv_render_diff(struct lv *lv);

/* ---- signed tokens ---- */
/* The data-phx-session token of LV (its session embedded), a new string. */
char *lv_session_token(const struct lv *lv, const char *root_id);
/* The data-phx-static token (the assign_new keys taken from the parent). */
char *lv_static_token(const struct lv *lv);

struct lv_token {
	char id[LV_ID_MAX];
	char view[48];
	char variant[32];
	char live_session[48]; /* "" for a child */
	char parent[LV_ID_MAX];	 /* "" for a root */
	int has_user_token;
	unsigned char user_token[USER_TOKEN_LEN];
	char live_socket_id[96];
	/* a root's page load, as its dead render counted it */
	int has_counts;
	unsigned plug, dead;
	struct live_panel_why why_dead;
};

/* Check a session token; 0 and *T filled, or -1 (tampered, expired, malformed). */
int lv_session_verify(struct app *app, const char *token, struct lv_token *t);
/* Check a static token for container ID; 0 with *has_current_user set, or -1. */
int lv_static_verify(struct app *app, const char *token, const char *id, int *has_current_user);

#endif
