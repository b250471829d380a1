/*
 * live_page.h: a LiveView route over HTTP: the dead render, after the
 * router's plugs, answered as a whole page.
 */
#ifndef LVDEMO_LIVE_PAGE_H
#define LVDEMO_LIVE_PAGE_H

#include "request.h"
#include "variant.h"

struct live_view_def;

/* Run the dead lifecycle of DEF for VARIANT and answer REQ with the page (or a redirect). */
void live_page_render(struct request *req, const struct live_view_def *def,
		      const struct variant *variant);

#endif
