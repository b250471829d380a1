/*
 * trace_read.c: reads a JSON Lines trace back, line by line, with cJSON.
 *
 * Checks what every line must have (seq, t_us, event, conn), that the
 * first line is a trace.start of a version it knows and that seq increases;
 * what the events mean is left to the caller.
 */
#include "trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct trace_reader {
	FILE *fp;
	int owns_fp;
	int done;
	struct trace_scanner scan;
};

struct trace_reader *trace_reader_open(const char *path, char *err, size_t errlen)
{
	struct trace_reader *r = calloc(1, sizeof(*r));

	if (!r || trace_scanner_init(&r->scan, path) < 0) {
		snprintf(err, errlen, "cannot read '%s': out of memory", path);
		free(r);
		return NULL;
	}
	if (strcmp(path, "-") == 0) {
		r->fp = stdin;
	} else if (!(r->fp = fopen(path, "r"))) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		trace_scanner_release(&r->scan);
		free(r);
		return NULL;
	} else {
		r->owns_fp = 1;
	}
	return r;
}

void trace_reader_close(struct trace_reader *r)
{
	if (!r)
		return;
	if (r->owns_fp)
		fclose(r->fp);
	trace_scanner_release(&r->scan);
	free(r);
}

int trace_reader_next(struct trace_reader *r, struct trace_event *ev, char *err, size_t errlen)
{
	char chunk[65536];

	for (;;) {
		int rc = trace_scanner_next(&r->scan, ev, err, errlen);
		if (rc != 0)
			return rc;
		if (r->done)
			return 0;
		size_t n = fread(chunk, 1, sizeof(chunk), r->fp);
		if (n == 0) {
			if (ferror(r->fp)) {
				snprintf(err, errlen, "%s: read error: %s", r->scan.name, strerror(errno));
				return -1;
			}
			r->done = 1;
			return trace_scanner_finish(&r->scan, ev, err, errlen);
		}
		if (trace_scanner_feed(&r->scan, chunk, n, err, errlen) < 0)
			return -1;
	}
}
