/*
 * live_page.h: LiveView routes over HTTP (the dead render) and the static
 * JavaScript assets those pages load.
 */
#ifndef LVDEMO_LIVE_PAGE_H
#define LVDEMO_LIVE_PAGE_H

#include "app.h"
#include "variant.h"

struct live_view_def;

/* Run the dead lifecycle of DEF for VARIANT and answer REQ with the page. */
void live_page_render(struct request *req, const struct live_view_def *def,
		      const struct variant *variant);

/* Answer a GET /assets/NAME from ASSETS_DIR (a fixed list of files). */
int live_page_asset(struct request *req, const char *assets_dir);

#endif
