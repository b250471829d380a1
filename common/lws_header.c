/*
 * lws_header.c: an lws header copied out (lws_header.h). lws gives the
 * length and the copy; this owns the allocation.
 */
#include "lws_header.h"

#include <stdlib.h>

#include "util.h"

char *lws_header_dup(struct lws *wsi, enum lws_token_indexes h)
{
	int n = lws_hdr_total_length(wsi, h);

	if (n <= 0)
		return NULL;
	char *s = xmalloc((size_t)n + 1);
	if (lws_hdr_copy(wsi, s, n + 1, h) < 0) {
		free(s);
		return NULL;
	}
	return s;
}
