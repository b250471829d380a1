/*
 * protocols.c: what the two lws protocols share: finding their per-vhost
 * data. Each protocol's callback is its own file's.
 */
#include "protocols.h"

void *protocol_vhd(struct lws *wsi, const char *name, size_t size)
{
	struct lws_vhost *vh = lws_get_vhost(wsi);
	const struct lws_protocols *self = vh ? lws_vhost_name_to_protocol(vh, name) : NULL;

	if (!self)
		return NULL;
	return size ? lws_protocol_vh_priv_zalloc(vh, self, size) : lws_protocol_vh_priv_get(vh, self);
}
