/* libFuzzer harness: the scenario language (tracer/scenario.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario sc;
	char err[2048];
	char *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	if (scenario_parse_string("fuzz.scenario", text, &sc, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < sc.nsteps; i++)
			if (sc.steps[i].line < 1 || sc.steps[i].column < 1)
				abort();
		scenario_release(&sc);
	} else if (strncmp(err, "fuzz.scenario:", 14) != 0) {
		abort(); /* every error names the file */
	}
	free(text);
	return 0;
}
