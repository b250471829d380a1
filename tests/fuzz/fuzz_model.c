/*
 * libFuzzer harness: any bytes as a trace, into the tracer's model
 * (tracer/model*.c, both line parsers) and out through the plain view and
 * the cursor's motions: errors are fine, crashes and hangs are not. A real
 * header comes first half of the time, so that the lines after it (read
 * with simdjson) are reached.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "view_plain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char header[] =
	"{\"seq\":1,\"t_us\":0,\"event\":\"trace.start\",\"conn\":\"app\",\"format\":\"lvtrace\","
	"\"version\":1,\"scenario\":\"f.scenario\",\"title\":\"t\",\"variants\":[\"assign\",\"assign_new\"]}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct model *m = model_new();
	if (!m)
		return 0;
	int with_header = size > 0 && (data[0] & 1);
	if (with_header)
		model_feed(m, header, sizeof(header) - 1, 0, err, sizeof(err));
	/* in two pieces, as live mode would feed it */
	size_t half = size / 2;
	if (model_feed(m, (const char *)data, half, 0, err, sizeof(err)) == 0)
		model_feed(m, (const char *)data + half, size - half, 1, err, sizeof(err));
	FILE *out = fopen("/dev/null", "w");
	struct plain_options po = {.width = 60, .utf8 = 1};
	if (out) {
		view_plain(out, m, &po);
		fclose(out);
	}
	uint64_t by[TG_COUNT];
	for (int i = 0; i < 64 && model_forward(m); i++)
		model_count(m, model_cursor(m), 0, by);
	model_search_set(m, "users");
	model_search_next(m);
	model_next_query(m);
	model_end(m);
	model_prev_mark(m);
	model_free(m);
	return 0;
}
