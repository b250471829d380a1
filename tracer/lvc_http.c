/*
 * lvc_http.c: one HTTP request and its response (status, Location, body
 * within a limit, cookies taken into the jar), synchronous.
 */
#include "lvc_impl.h"

static int txn_done(void *arg)
{
	return ((struct txn *)arg)->done;
}

int lvc_request(struct lvc *c, const char *method, const char *path, const char *form,
		const char *const *extra_headers, struct lvc_response *out, char *err,
		size_t errlen)
{
	if (out)
		*out = (struct lvc_response){0};
	if (!c || !out) {
		snprintf(err, errlen, "no client or no response given");
		return -1;
	}
	if (lvc_request_ok(method, path, extra_headers, err, errlen) < 0)
		return -1;

	struct txn t = {
		.conn = {.kind = CONN_HTTP, .c = c, .extra_headers = extra_headers},
		.form = form,
		.form_len = form ? strlen(form) : 0,
		.head = strcmp(method, "HEAD") == 0,
		.body = {.limit = LVC_MAX_BODY_BYTES},
	};
	struct lws_client_connect_info i = {
		.context = c->ctx,
		.address = c->address,
		.port = c->port,
		.path = path,
		.host = c->host_header,
		.method = method,
		/* lws 4.1.6 hands body data only to a protocol bound by name:
		 * without this, RECEIVE_CLIENT_HTTP_READ never comes ("swallowed read") */
		.local_protocol_name = lvc_protocols[0].name,
		.ssl_connection = LCCSCF_HTTP_NO_FOLLOW_REDIRECT,
		.opaque_user_data = &t.conn,
		.retry_and_idle_policy = &lvc_no_keepalive,
	};
	t.conn.wsi = lws_client_connect_via_info(&i);
	if (!t.conn.wsi && !t.done)
		lvc_txn_fail(&t, "cannot start a connection");
	int timed_out = lvc_run(c, txn_done, &t, c->timeout_ms) < 0;
	lvc_conn_detach(&t.conn);

	if (timed_out || t.failed) {
		if (timed_out)
			snprintf(err, errlen, "%s %s on %s: no complete response within %d ms", method, path,
				 c->host_header, c->timeout_ms);
		else
			snprintf(err, errlen, "%s %s on %s: %s", method, path, c->host_header, t.err);
		free(t.location);
		buf_release(&t.body);
		return -1;
	}
	out->status = t.status;
	out->location = t.location;
	out->body_len = t.body.len;
	out->body = buf_take(&t.body);
	if (!out->body) {
		free(out->location);
		*out = (struct lvc_response){0};
		snprintf(err, errlen, "%s %s: out of memory", method, path);
		return -1;
	}
	return 0;
}

void lvc_response_release(struct lvc_response *r)
{
	if (!r)
		return;
	free(r->location);
	free(r->body);
	*r = (struct lvc_response){0};
}

