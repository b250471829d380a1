/* libFuzzer harness: signed cookies and CSRF tokens (demo_app/sign.c, session.c, csrf.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csrf.h"
#include "session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct signer signer; /* a fixed key: forging must still fail */
	struct session s;
	unsigned char token[USER_TOKEN_LEN];
	char *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	session_init(&s);
	if (session_decode(&s, &signer, text, 1800000000) == 0 && size < 20)
		abort(); /* nothing that short is a valid signature */
	session_release(&s);
	remember_me_decode(&signer, text, 1800000000, token);
	if (csrf_valid("abcdefghijklmnopqrstuvwx", text) && size != 56)
		abort();
	size_t n = 0;
	free(b64_decode(text, &n));
	free(text);
	return 0;
}
