/*
 * expect.c: checks one expect step of a scenario in one variant, from a
 * window of its trace events and what its browser saw. No I/O, no state:
 * the runner calls it as each step ends.
 */
#include "expect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "variant.h"

static const struct expect_count *count_for(const struct step *st, const char *variant)
{
	for (size_t i = 0; i < st->ncounts; i++)
		if (!st->counts[i].variant || !st->counts[i].variant[0] ||
		    strcmp(st->counts[i].variant, variant) == 0)
			return &st->counts[i];
	return NULL;
}

int expect_counts_query(const struct step *st, const struct trace_event *ev)
{
	if (strcmp(ev->event, TRACE_EV_REPO_QUERY) != 0)
		return 0;
	if (st->phase_glob && !scenario_glob_match(st->phase_glob, ev->phase ? ev->phase : ""))
		return 0;
	const char *source = trace_event_string(ev, "source");
	if (st->source && (!source || strcmp(source, st->source) != 0))
		return 0;
	return 1;
}

int expect_check(const struct step *st, const char *variant, const struct trace_event *events,
		 size_t begin, size_t end, const struct expect_seen *seen, struct expect_result *r)
{
	memset(r, 0, sizeof(*r));
	r->window_begin = begin;
	r->window_end = end;
	r->checked = 1;
	switch (st->kind) {
	case STEP_EXPECT_QUERIES: {
		const struct expect_count *want = count_for(st, variant);
		if (!want) {
			r->checked = 0;
			return 0;
		}
		r->matched = calloc(end - begin + 1, sizeof(size_t));
		if (!r->matched)
			return -1;
		for (size_t i = begin; i < end; i++)
			if (expect_counts_query(st, &events[i]))
				r->matched[r->nmatched++] = i;
		r->expected = want->n;
		r->actual = (long)r->nmatched;
		r->passed = r->expected == r->actual;
		snprintf(r->what, sizeof(r->what), "%ld quer%s", r->actual, r->actual == 1 ? "y" : "ies");
		break;
	}
	case STEP_EXPECT_STATUS:
		r->expected = st->number;
		r->actual = seen->status;
		r->passed = r->expected == r->actual;
		snprintf(r->what, sizeof(r->what), "status %ld", r->actual);
		break;
	case STEP_EXPECT_REDIRECT: {
		char *want = scenario_variant_path(st->arg1, variant);
		if (!want)
			return -1;
		const char *got = seen->location ? seen->location : "(no redirect)";
		r->passed = seen->location && strcmp(got, want) == 0;
		snprintf(r->what, sizeof(r->what), "redirect to %s, expected %s", got, want);
		free(want);
		break;
	}
	case STEP_EXPECT_JOIN:
		r->passed = strcmp(seen->join, st->arg1) == 0;
		snprintf(r->what, sizeof(r->what), "join %s, expected %s",
			 seen->join[0] ? seen->join : "(none)", st->arg1);
		break;
	case STEP_EXPECT_ASSIGN_NEW: {
		/* a variant with neither a hook nor assign_new in mount has no assign_new to check */
		const struct variant *var = variant_find(variant, strlen(variant));
		if (var && !var->on_mount_hook && var->mount_user == MOUNT_ASSIGN) {
			r->checked = 0;
			return 0;
		}
		size_t n = 0, bad = 0;
		const char *bad_from = NULL;
		for (size_t i = begin; i < end; i++) {
			const struct trace_event *ev = &events[i];
			if (strcmp(ev->event, TRACE_EV_ASSIGN_NEW) != 0)
				continue;
			const char *key = trace_event_string(ev, "key"), *view = trace_event_string(ev, "view");
			const cJSON *conn = cJSON_GetObjectItemCaseSensitive(ev->json, "connected");
			if (!key || strcmp(key, st->arg1) != 0 || (st->view && (!view || strcmp(view, st->view) != 0)))
				continue;
			if (st->connected >= 0 && cJSON_IsTrue(conn) != st->connected)
				continue;
			n++;
			const char *from = trace_event_string(ev, "from");
			if (!from || strcmp(from, st->arg2) != 0)
				bad++, bad_from = from;
		}
		r->passed = n > 0 && bad == 0;
		if (n == 0)
			snprintf(r->what, sizeof(r->what), "no matching assign_new event");
		else if (bad)
			snprintf(r->what, sizeof(r->what), "%zu of %zu assign_new events came from %s",
				 bad, n, bad_from ? bad_from : "?");
		else
			snprintf(r->what, sizeof(r->what), "%zu assign_new event(s) from %s", n, st->arg2);
		r->expected = 1;
		r->actual = r->passed;
		break;
	}
	default:
		r->checked = 0;
	}
	return 0;
}

void expect_result_release(struct expect_result *r)
{
	free(r->matched);
	memset(r, 0, sizeof(*r));
}

