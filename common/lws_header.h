/*
 * lws_header.h: a header of an lws connection as a new string, for both
 * programs (lvdemo's requests, the client's responses).
 */
#ifndef LVTRACE_COMMON_LWS_HEADER_H
#define LVTRACE_COMMON_LWS_HEADER_H

#include <libwebsockets.h>

/* Header H of WSI as a new string, or NULL when it is absent (or memory ran out). */
char *lws_header_dup(struct lws *wsi, enum lws_token_indexes h);

#endif
