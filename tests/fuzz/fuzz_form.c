/* libFuzzer harness: urlencoded bodies and Cookie headers (demo_app/http_form.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form f;
	char err[256], out[64];

	form_init(&f);
	if (form_parse(&f, (const char *)data, size, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < f.n; i++)
			if (form_get(&f, f.fields[i].name) == NULL)
				abort(); /* every parsed name is found again */
	}
	form_release(&f);

	char *header = malloc(size + 1);
	memcpy(header, data, size);
	header[size] = '\0';
	cookie_get(header, "_lvdemo_key", out, sizeof(out));
	free(header);
	return 0;
}
