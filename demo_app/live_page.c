/*
 * live_page.c: the dead render of a LiveView route, after the router's
 * plugs: the live_session hooks, mount (connected = false), handle_params
 * and render, with nested children, inside the page layout that loads
 * LiveView's own JavaScript client. Also serves that client's files.
 */
#include "live_page.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live_view.h"
#include "router.h"

void live_page_render(struct request *req, const struct live_view_def *def,
		      const struct variant *variant)
{
	struct lv *lv = lv_new(req->app, def, variant, 0, NULL);

	lv_new_id(lv);
	lv_set_live_session(lv, def->archive);
	/* mount's session is the conn's session; assign_new may read conn.assigns */
	lv->has_user_token = req->session.has_user_token;
	memcpy(lv->user_token, req->session.user_token, USER_TOKEN_LEN);
	if (req->session.live_socket_id)
		lv->live_socket_id = xstrdup(req->session.live_socket_id);
	lv->has_conn_user = 1;
	lv->conn_user = req->current_user;

	if (lv_mount(lv)) {
		response_redirect(req, lv->redirect_to);
		lv_free(lv);
		return;
	}
	lv_handle_params(lv, &req->query_params);

	struct buf container, html;
	struct page page;
	char csrf[CSRF_MASKED_MAX];
	buf_init(&container);
	buf_init(&html);
	lv_render_dead(lv, &container);
	request_page(req, &page, def->name, csrf);
	page.live = 1;
	view_layout(&html, &page, buf_str(&container));
	render(req, 200, &html);
	buf_release(&container);
	buf_release(&html);
	lv_free(lv);
}

/* ------------------------------------------------------------ assets */

static const struct {
	const char *name;
	const char *type;
} assets[] = {
	{"app.js", "text/javascript; charset=utf-8"},
	{"phoenix.mjs", "text/javascript; charset=utf-8"},
	{"phoenix_live_view.esm.js", "text/javascript; charset=utf-8"},
};

int live_page_asset(struct request *req, const char *assets_dir)
{
	const char *name = req->path + strlen("/assets/");

	for (size_t i = 0; i < ARRAY_LEN(assets); i++) {
		if (strcmp(assets[i].name, name) != 0)
			continue;
		struct buf path;
		buf_init(&path);
		buf_addf(&path, "%s/%s", assets_dir, name);
		FILE *f = fopen(buf_str(&path), "rb");
		buf_release(&path);
		if (!f) {
			response_text(req, 404, "Not Found: the asset is not installed (run make)\n");
			return 0;
		}
		struct buf body;
		char chunk[16384];
		size_t n;
		buf_init(&body);
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(&body, chunk, n);
		fclose(f);
		response_send(req, 200, assets[i].type, body.data ? body.data : "", body.len);
		response_header(req, "cache-control", "no-cache");
		buf_release(&body);
		return 0;
	}
	response_text(req, 404, "Not Found\n");
	return 0;
}
