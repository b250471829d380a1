/*
 * page.c: the flash, the masked CSRF token and the signed-in email that
 * every page shows, taken from the request; the templates are views.c's.
 */
#include "page.h"

#include <stdlib.h>
#include <string.h>

#include "csrf.h"

void page_put_flash(struct request *req, const char *kind, const char *msg)
{
	char **slot = strcmp(kind, "error") == 0 ? &req->flash_error : &req->flash_info;
	free(*slot);
	*slot = xstrdup(msg);
}

void page_init(struct page *page, struct request *req, const char *title, char *csrf)
{
	if (!req->session.csrf_token[0]) {
		if (csrf_new_token(req->session.csrf_token) < 0)
			req->session.csrf_token[0] = '\0';
		req->session_dirty = 1;
	}
	if (csrf_mask(req->session.csrf_token, csrf) < 0)
		csrf[0] = '\0';
	memset(page, 0, sizeof(*page));
	page->title = title;
	page->csrf_token = csrf;
	page->user_email = req->current_user ? req->current_user->email : NULL;
	page->flash_info = req->flash_info;
	page->flash_error = req->flash_error;
}

void page_render(struct request *req, int status, struct buf *html)
{
	response_html(req, status, buf_str(html));
}
