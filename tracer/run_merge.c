/*
 * run_merge.c: the merged trace of a run: every variant's events, step by
 * step, with the scenario's own events (scenario.step, .mark, .note,
 * .expect, .error, .end), written through the trace library's writer. The
 * run itself is runner.c's; reading the trace back is the model's.
 */
#include "runner.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* V's events [BEGIN, END): seq, t_us, conn and variant are the merged trace's. */
static void merged_events(struct trace *t, const struct run *run, const struct variant_run *v,
			  size_t begin, size_t end)
{
	for (size_t i = begin; i < end && i < v->nevents; i++) {
		const struct trace_event *ev = &v->events[i];
		long long t_us = ev->t_us + v->clock_us - run->start_us;
		trace_emit_copy(t, t_us < 0 ? 0 : (uint64_t)t_us, ev, v->variant);
	}
}

/* The scenario's events of step S for V, before (AFTER 0) or after (1) its own events. */
static void step_events(struct trace *t, const struct run *run, const struct variant_run *v,
			size_t s, uint64_t t0, int after)
{
	const struct step *st = &run->sc->steps[s];
	cJSON *f;

	if (!after) {
		f = cJSON_CreateObject();
		cJSON_AddNumberToObject(f, "step", (double)s + 1);
		cJSON_AddNumberToObject(f, "line", st->line);
		cJSON_AddStringToObject(f, "kind", step_kind_name(st->kind));
		cJSON_AddStringToObject(f, "text", st->text);
		trace_emit_at(t, t0, TRACE_EV_SCENARIO_STEP, "run", v->variant, f);
		if (st->kind == STEP_MARK || st->kind == STEP_NOTE) {
			f = cJSON_CreateObject();
			cJSON_AddNumberToObject(f, "line", st->line);
			cJSON_AddStringToObject(f, st->kind == STEP_MARK ? "label" : "text", st->arg1);
			trace_emit_at(t, t0, st->kind == STEP_MARK ? TRACE_EV_SCENARIO_MARK : TRACE_EV_SCENARIO_NOTE,
				      "run", v->variant, f);
		}
		return;
	}
	const struct expect_result *r = &v->results[s];
	if (st->kind >= STEP_EXPECT_QUERIES) {
		f = cJSON_CreateObject();
		cJSON_AddNumberToObject(f, "line", st->line);
		cJSON_AddStringToObject(f, "text", st->text);
		cJSON_AddStringToObject(f, "outcome", !r->checked ? "skipped" : r->passed ? "passed" : "failed");
		/* what the count looked at, for the reports read from this trace */
		if (st->phase_glob)
			cJSON_AddStringToObject(f, "expect_phase", st->phase_glob);
		if (st->source)
			cJSON_AddStringToObject(f, "expect_source", st->source);
		if (r->checked) {
			if (st->kind == STEP_EXPECT_QUERIES) {
				cJSON_AddNumberToObject(f, "expected", (double)r->expected);
				cJSON_AddNumberToObject(f, "actual", (double)r->actual);
			}
			cJSON_AddStringToObject(f, "detail", r->what);
		}
		trace_emit_at(t, t0, TRACE_EV_SCENARIO_EXPECT, "run", v->variant, f);
	}
	if (v->error_step == (int)s) {
		f = cJSON_CreateObject();
		cJSON_AddNumberToObject(f, "line", st->line);
		cJSON_AddStringToObject(f, "error", v->error);
		trace_emit_at(t, t0, TRACE_EV_SCENARIO_ERROR, "run", v->variant, f);
	}
}

int runner_write_trace(const struct run *run, const char *path, char *err, size_t errlen)
{
	const struct scenario *sc = run->sc;

	cJSON *start = cJSON_CreateObject();
	cJSON_AddStringToObject(start, "scenario", sc->path);
	cJSON_AddStringToObject(start, "title", sc->title);
	if (sc->description)
		cJSON_AddStringToObject(start, "description", sc->description);
	cJSON *vs = cJSON_AddArrayToObject(start, "variants");
	for (size_t i = 0; i < run->nv; i++)
		cJSON_AddItemToArray(vs, cJSON_CreateString(run->v[i].variant));
	struct trace *t = trace_open(path, "lvtrace run", start, err, errlen);
	if (!t)
		return -1;

	/* start-up: each lvdemo's events before the first step */
	for (size_t i = 0; i < run->nv; i++)
		merged_events(t, run, &run->v[i], 0,
			      sc->nsteps ? run->v[i].step_begin[0] : run->v[i].nevents);
	for (size_t s = 0; s < sc->nsteps; s++) {
		for (size_t i = 0; i < run->nv; i++) {
			const struct variant_run *v = &run->v[i];
			if (v->error_step >= 0 && (size_t)v->error_step < s)
				continue;
			long long t0 = v->step_begin[s] < v->nevents
					       ? v->events[v->step_begin[s]].t_us + v->clock_us - run->start_us
					       : 0;
			uint64_t t0u = t0 < 0 ? 0 : (uint64_t)t0;
			step_events(t, run, v, s, t0u, 0);
			merged_events(t, run, v, v->step_begin[s], v->step_end[s]);
			step_events(t, run, v, s, t0u, 1);
		}
	}
	/* shut-down: what came after the last step (channel.leave, trace.stop) */
	for (size_t i = 0; i < run->nv && sc->nsteps; i++) {
		const struct variant_run *v = &run->v[i];
		size_t last = v->error_step >= 0 ? (size_t)v->error_step : sc->nsteps - 1;
		size_t from = v->step_end[last];
		long long t0 = from < v->nevents ? v->events[from].t_us + v->clock_us - run->start_us : 0;
		trace_emit_at(t, t0 < 0 ? 0 : (uint64_t)t0, TRACE_EV_SCENARIO_END, "run", v->variant, NULL);
		merged_events(t, run, v, from, v->nevents);
	}
	if (trace_close(t) < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
