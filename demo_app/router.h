/*
 * router.h: the routes and their pipelines (Phoenix's router): the browser
 * pipeline's plugs, then the action of a route or the dead render of a
 * LiveView route. Each plug and action runs inside a traced phase.
 */
#ifndef LVDEMO_ROUTER_H
#define LVDEMO_ROUTER_H

#include "request.h"

/* Run the pipeline and the action for REQ; it responds or awaits a job (req->job). */
void router_dispatch(struct request *req);
/* Continue after REQ's job is done; it responds or awaits again. */
void router_resume(struct request *req, struct password_job *job);

#endif
