/*
 * csrf.c: masking and checking CSRF tokens. Where the token lives (the
 * session) and when it is checked (the protect_from_forgery plug) is the
 * router's business.
 */
#include "csrf.h"

#include <stdlib.h>
#include <string.h>

#include "sign.h"
#include "util.h"

/* base64url of 18 random bytes: exactly CSRF_TOKEN_LEN characters, no padding */
static int random_token(char *out)
{
	unsigned char raw[18];

	if (random_bytes(raw, sizeof(raw)) < 0)
		return -1;
	char *s = b64url_encode(raw, sizeof(raw));
	memcpy(out, s, CSRF_TOKEN_LEN);
	out[CSRF_TOKEN_LEN] = '\0';
	free(s);
	return 0;
}

int csrf_new_token(char *out)
{
	return random_token(out);
}

int csrf_mask(const char *session_token, char *out)
{
	char mask[CSRF_TOKEN_LEN + 1];
	unsigned char x[CSRF_TOKEN_LEN];

	if (strlen(session_token) != CSRF_TOKEN_LEN || random_token(mask) < 0)
		return -1;
	for (int i = 0; i < CSRF_TOKEN_LEN; i++)
		x[i] = (unsigned char)(session_token[i] ^ mask[i]);
	char *enc = b64url_encode(x, sizeof(x)); /* 32 characters */
	strcpy(out, enc);
	strcat(out, mask);
	free(enc);
	return 0;
}

int csrf_valid(const char *session_token, const char *masked)
{
	size_t n = masked ? strlen(masked) : 0;
	size_t xlen = 0;
	int ok = 0;

	if (!session_token || strlen(session_token) != CSRF_TOKEN_LEN ||
	    n != 32 + CSRF_TOKEN_LEN)
		return 0;
	char *enc = xstrndup(masked, 32);
	unsigned char *x = b64_decode(enc, &xlen);
	free(enc);
	if (x && xlen == CSRF_TOKEN_LEN) {
		const char *mask = masked + 32;
		unsigned char plain[CSRF_TOKEN_LEN];
		for (int i = 0; i < CSRF_TOKEN_LEN; i++)
			plain[i] = (unsigned char)(x[i] ^ mask[i]);
		ok = secure_equal(plain, session_token, CSRF_TOKEN_LEN);
	}
	free(x);
	return ok;
}
