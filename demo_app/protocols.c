/*
 * protocols.c: what the two lws protocols share: finding their per-vhost
 * data. Each protocol's callback is its own file's.
 */
#include "protocols.h"

void *protocol_enter(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		     size_t len, const char *name, size_t size, int *rc)
{
	int init = reason == LWS_CALLBACK_PROTOCOL_INIT;
	void *vhd = protocol_vhd(wsi, name, init ? size : 0);

	if (init) {
		/* a pointer to a struct is one to its first member: the app */
		if (vhd)
			*(struct app **)vhd = lws_context_user(lws_get_context(wsi));
		*rc = vhd ? 0 : -1;
		return NULL;
	}
	if (!vhd) /* not a call for a connection of this vhost */
		*rc = lws_callback_http_dummy(wsi, reason, user, in, len);
	return vhd;
}

void *protocol_vhd(struct lws *wsi, const char *name, size_t size)
{
	struct lws_vhost *vh = lws_get_vhost(wsi);
	const struct lws_protocols *self = vh ? lws_vhost_name_to_protocol(vh, name) : NULL;

	if (!self)
		return NULL;
	return size ? lws_protocol_vh_priv_zalloc(vh, self, size) : lws_protocol_vh_priv_get(vh, self);
}
