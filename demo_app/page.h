/*
 * page.h: what the actions that answer with a page share (Phoenix.Controller's
 * put_flash and render): the flash, the page description a view's layout
 * reads from the request, and the rendered HTML as the response.
 */
#ifndef LVDEMO_PAGE_H
#define LVDEMO_PAGE_H

#include "request.h"
#include "views.h"

/* Set the flash of KIND ("info" or "error") to MSG for the page REQ answers with. */
void page_put_flash(struct request *req, const char *kind, const char *msg);
/*
 * Fill PAGE for a render of REQ titled TITLE; CSRF (CSRF_MASKED_MAX bytes)
 * receives a masked token, and the session gets one when it has none.
 */
void page_init(struct page *page, struct request *req, const char *title, char *csrf);
/* Answer REQ with the rendered HTML. */
void page_render(struct request *req, int status, struct buf *html);

#endif
