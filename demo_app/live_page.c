/*
 * live_page.c: the dead render of a LiveView route, after the router's
 * plugs: the live_session hooks, mount (connected = false), handle_params
 * and render, with nested children, inside the page layout that loads
 * LiveView's own JavaScript client (served by the endpoint). The connected
 * lifecycle is live_channel.c's.
 */
#include "live_page.h"

#include <string.h>

#include "csrf.h"
#include "live_view.h"
#include "page.h"

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
	page_init(&page, req, def->name, csrf);
	page.live = 1;
	view_layout(&html, &page, buf_str(&container));
	page_render(req, 200, &html);
	buf_release(&container);
	buf_release(&html);
	lv_free(lv);
}
