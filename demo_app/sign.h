/*
 * sign.h: signed, timestamped messages (HMAC-SHA256), for cookies and
 * LiveView tokens, and the random bytes and encodings they are made of.
 */
#ifndef LVDEMO_SIGN_H
#define LVDEMO_SIGN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SIGN_KEY_LEN 64

struct signer {
	unsigned char key[SIGN_KEY_LEN];
};

/* Fill BUF with LEN cryptographically random bytes; -1 when none can be had. */
int random_bytes(void *buf, size_t len);

/* URL-safe base64 of DATA, padded, as a new string. */
char *b64url_encode(const void *data, size_t len);
/*
 * Decode base64 (either alphabet) TEXT into a new buffer; *OUTLEN gets its
 * length. Returns NULL when TEXT has a character outside the alphabet or a
 * malformed length.
 */
unsigned char *b64_decode(const char *text, size_t *outlen);

/*
 * Sign DATA for PURPOSE (a fixed name that keeps one kind of token from being
 * accepted as another) at time NOW. Returns "PAYLOAD.ISSUED.SIGNATURE", a new
 * string safe for cookies and HTML attributes.
 */
char *sign_message(const struct signer *s, const char *purpose, const void *data, size_t len,
		   time_t now);

/*
 * Check TEXT, signed for PURPOSE, at time NOW. MAX_AGE is in seconds (0: no
 * limit). Returns the payload as a new NUL-terminated buffer with its length
 * in *LEN, or NULL when the text is malformed, tampered, for another purpose
 * or expired. *ISSUED (may be NULL) gets the signing time.
 */
unsigned char *sign_verify(const struct signer *s, const char *purpose, const char *text,
			   time_t now, long max_age, size_t *len, time_t *issued);

/* Compare two byte strings in time that depends only on their length. */
int secure_equal(const void *a, const void *b, size_t len);

#endif
