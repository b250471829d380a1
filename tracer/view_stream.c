/*
 * view_stream.c: each new event of a growing trace on a line of its own,
 * its variant first, then the words view_text.c has for its row, indented
 * as the row would be; a query ends with the running count of its variant
 * (a query of no variant, a registration, counts in every variant, as the
 * model counts it; lvdemo's start-up statements count nowhere).
 */
#include <stdio.h>
#include <string.h>

#include "view_stream.h"
#include "view_text.h"

int view_stream(FILE *out, struct model *m, struct stream_view *sv)
{
	size_t n = model_event_count(m);
	char label[1024];

	for (; sv->next < n; sv->next++) {
		const struct model_event *e = model_event(m, sv->next);
		if (!(e->flags & ME_ROW))
			continue;
		const char *variant = e->variant == MODEL_NO_VARIANT ? "-" : model_variant(m, e->variant);
		enum view_style vs = view_label(m, sv->next, label, sizeof(label), 0);
		int rc = fprintf(out, "%-16s %*s%s%s", variant, e->depth * 2, "", view_glyph(vs, sv->utf8), label);
		/* lvdemo's start-up statements count nowhere, as in the tracer (no step has them) */
		if (rc >= 0 && (e->flags & ME_QUERY) && model_step_shown(m, e->step)) {
			uint64_t total;
			if (e->variant == MODEL_NO_VARIANT) {
				total = ++sv->shared;
				rc = fprintf(out, "   [hits: %llu in every variant]", (unsigned long long)total);
			} else {
				total = ++sv->hits[e->variant] + sv->shared;
				rc = fprintf(out, "   [hits: %s %llu]", variant, (unsigned long long)total);
			}
		}
		if (rc < 0 || fputc('\n', out) == EOF)
			return -1;
	}
	return fflush(out) == EOF ? -1 : 0;
}
