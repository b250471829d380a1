/* libFuzzer harness: one trace line (tracer/trace_read.c). */
#include <stdint.h>
#include <stdlib.h>

#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_event ev;
	char err[256];

	if (trace_event_parse((const char *)data, size, &ev, err, sizeof(err)) == 0) {
		if (!ev.event || !ev.conn || ev.seq < 1)
			abort();
		trace_event_release(&ev);
	}
	return 0;
}
