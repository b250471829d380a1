/*
 * sign.c: HMAC-SHA256 message signing with OpenSSL, random bytes, base64.
 * The signer knows nothing of sessions or tokens: callers give a purpose
 * string and bytes, and get a string back.
 */
#include "sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "util.h"

int random_bytes(void *buf, size_t len)
{
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

char *b64url_encode(const void *data, size_t len)
{
	size_t cap = (len + 2) / 3 * 4 + 2;
	char *out = xmalloc(cap);

	if (lws_b64_encode_string_url(data, (int)len, out, (int)cap) < 0)
		out[0] = '\0'; /* cannot happen: cap is enough */
	return out;
}

unsigned char *b64_decode(const char *text, size_t *outlen)
{
	size_t n = strlen(text), pad = 0;

	/*
	 * lws_b64_decode_string skips characters outside the alphabet instead
	 * of failing; signed text is checked before decoding, but other
	 * callers decode untrusted text, so check the alphabet here first.
	 * Padding is checked here and not passed on: lws miscounts the last
	 * group when it ends in "==".
	 */
	while (n > 0 && text[n - 1] == '=' && pad < 2)
		n--, pad++;
	for (size_t i = 0; i < n; i++) {
		char c = text[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '/' || c == '-' || c == '_'))
			return NULL;
	}
	if (n % 4 == 1 || (pad && (n + pad) % 4))
		return NULL;
	size_t cap = n / 4 * 3 + 8;
	unsigned char *out = xmalloc(cap);
	int got = lws_b64_decode_string_len(text, (int)n, (char *)out, (int)cap);
	if (got < 0 || (size_t)got != n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0)) {
		free(out);
		return NULL;
	}
	out[got] = '\0';
	*outlen = (size_t)got;
	return out;
}

int secure_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

/*
 * HMAC-SHA256 of the LEN bytes at MSG under KEY into MAC, its length into
 * *MACLEN: 0, or -1 when OpenSSL fails. OpenSSL 3's one-shot HMAC() looks
 * the algorithm up among its providers at every call, a tenth of a dead
 * render's time: the context keyed with the last key is kept (one a
 * thread) and copied for each message.
 */
static int hmac_sha256(const unsigned char *key, const void *msg, size_t len, unsigned char *mac,
		       size_t *maclen)
{
	static _Thread_local EVP_MAC_CTX *keyed;
	static _Thread_local unsigned char keyed_with[SIGN_KEY_LEN];

	if (!keyed || CRYPTO_memcmp(keyed_with, key, SIGN_KEY_LEN) != 0) {
		EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
		OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
				       OSSL_PARAM_construct_end()};
		EVP_MAC_CTX_free(keyed);
		keyed = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
		EVP_MAC_free(hmac);
		if (!keyed || !EVP_MAC_init(keyed, key, SIGN_KEY_LEN, params)) {
			EVP_MAC_CTX_free(keyed);
			keyed = NULL;
			return -1;
		}
		memcpy(keyed_with, key, SIGN_KEY_LEN);
	}
	EVP_MAC_CTX *c = EVP_MAC_CTX_dup(keyed);
	int ok = c && EVP_MAC_update(c, msg, len) && EVP_MAC_final(c, mac, maclen, EVP_MAX_MD_SIZE);
	EVP_MAC_CTX_free(c);
	return ok ? 0 : -1;
}

/* HMAC over "PURPOSE\nPAYLOAD.ISSUED", as url-safe base64; NULL when OpenSSL fails. */
static char *mac_of(const struct signer *s, const char *purpose, const char *signed_part,
		    size_t signed_len)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	size_t maclen = 0;
	struct buf msg;

	buf_init(&msg);
	buf_adds(&msg, purpose);
	buf_add(&msg, "\n", 1);
	buf_add(&msg, signed_part, signed_len);
	int rc = hmac_sha256(s->key, msg.data, msg.len, mac, &maclen);
	buf_release(&msg);
	return rc == 0 ? b64url_encode(mac, maclen) : NULL;
}

char *sign_message(const struct signer *s, const char *purpose, const void *data, size_t len,
		   time_t now)
{
	char *payload = b64url_encode(data, len);
	struct buf out;

	buf_init(&out);
	/* the payload is most of a token: copied, not through printf's %s */
	buf_adds(&out, payload);
	buf_adds(&out, ".");
	buf_add_int(&out, (long long)now);
	char *mac = mac_of(s, purpose, out.data, out.len);
	if (!mac) {
		/* not an input's fault but the library's: no token can be made,
		 * and none must go out unsigned */
		fputs("lvdemo: OpenSSL cannot compute HMAC-SHA256\n", stderr);
		abort();
	}
	buf_adds(&out, ".");
	buf_adds(&out, mac);
	free(mac);
	free(payload);
	return out.data;
}

unsigned char *sign_verify(const struct signer *s, const char *purpose, const char *text,
			   time_t now, long max_age, size_t *len, time_t *issued)
{
	const char *dot1 = strchr(text, '.');
	const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;

	if (!dot1 || !dot2 || strchr(dot2 + 1, '.'))
		return NULL;
	char *mac = mac_of(s, purpose, text, (size_t)(dot2 - text));
	if (!mac)
		return NULL; /* nothing is verified without its MAC */
	size_t maclen = strlen(mac);
	int ok = strlen(dot2 + 1) == maclen && secure_equal(mac, dot2 + 1, maclen);
	free(mac);
	if (!ok)
		return NULL;

	/* the text is ours from here on: only the age is left to check */
	char *end = NULL;
	long long at = strtoll(dot1 + 1, &end, 10);
	if (end != dot2 || at < 0)
		return NULL;
	if (max_age > 0 && (at > (long long)now + 60 || (long long)now - at > max_age))
		return NULL;
	char *payload = xstrndup(text, (size_t)(dot1 - text));
	unsigned char *data = b64_decode(payload, len);
	free(payload);
	if (data && issued)
		*issued = (time_t)at;
	return data;
}
