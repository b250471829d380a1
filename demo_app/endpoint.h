/*
 * endpoint.h: what every request goes through before the router and every
 * response after it, as Phoenix's endpoint: endpoint.start, Plug.Static
 * (the JavaScript assets), Plug.Parsers (the form body), Plug.MethodOverride,
 * the router, and at the end Plug.Session's cookie and endpoint.stop. The
 * transport calls it with a request read from the wire.
 */
#ifndef LVDEMO_ENDPOINT_H
#define LVDEMO_ENDPOINT_H

#include "request.h"

/* endpoint.start: REQ's method, path and query (read already) are in the trace. */
void endpoint_start(struct request *req);
/* REQ is read whole (its body too): answer it, or await a job (req->job). */
void endpoint_call(struct request *req);
/* REQ's job is back: go on with it; it answers or awaits again. */
void endpoint_resume(struct request *req, struct password_job *job);
/*
 * Answer REQ with STATUS and TEXT before the router ever sees it (a bad
 * request line, a body too big); CLOSE: the connection closes after.
 */
void endpoint_refuse(struct request *req, int status, const char *text, int close);
/* The client left before REQ was answered: endpoint.stop says so. */
void endpoint_abort(struct request *req);

#endif
