/*
 * views.h: lvdemo's HTML pages. Every value from a user or the database
 * goes through buf_add_html; the views never touch the session or the
 * database themselves.
 */
#ifndef LVDEMO_VIEWS_H
#define LVDEMO_VIEWS_H

#include "trace_events.h"
#include "util.h"
#include "validate.h"

/* What the layout needs to know about the request. */
struct page {
	const char *title;
	const char *csrf_token; /* masked, for the meta tag and forms */
	const char *user_email; /* NULL when logged out */
	const char *flash_info;
	const char *flash_error;
	int live; /* loads LiveView's JavaScript client */
};

/* Wrap CONTENT in the layout into OUT. */
void view_layout(struct buf *out, const struct page *page, const char *content);

void view_home(struct buf *out, const struct page *page);
void view_register(struct buf *out, const struct page *page, const char *email,
		   const struct registration_errors *errors);
void view_log_in(struct buf *out, const struct page *page, const char *email, const char *error);
void view_not_found(struct buf *out, const struct page *page, const char *path);

/*
 * The count panel of a LiveView page (as django-debug-toolbar's): the
 * database hits of this page load by phase, as lvdemo's trace recorded
 * them, the assign_new decisions that spared one, the variant, and this
 * page in the other variants. The dead render shows the plug and the dead
 * mount; the connected render adds the connected mount.
 */
enum panel_kind {
	PANEL_PAGE_LOAD,	/* the HTTP GET and the page's first join */
	PANEL_RECONNECT,	/* a join again after the socket dropped: no HTTP request */
	PANEL_LIVE_NAVIGATION,	/* a join from a live navigation: no HTTP request */
};

/* What a mount phase did to load current_user: each assign a query, each
 * assign_new by where its value came from (TF_FUNCTION: it ran, a query). */
struct live_panel_why {
	unsigned assign;
	unsigned assign_new[TF_COUNT];
};

struct live_panel {
	enum panel_kind kind;
	int connected; /* the connected mount ran; else it is still to come */
	unsigned plug, dead, connected_q; /* database hits */
	struct live_panel_why why_dead, why_connected;
};

/* The panel of the page PATH ("/mission") of VARIANT into OUT. */
void view_live_panel(struct buf *out, const struct live_panel *p, const char *variant,
		     const char *path);

#endif
