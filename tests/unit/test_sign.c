/*
 * test_sign.c: random bytes, base64 (both alphabets, padded or not),
 * signed and timestamped messages, constant-time comparison (sign.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sign.h"

#define MAX_LEN 70

/* An independent reference: OpenSSL's standard, padded base64. */
static char *reference_b64(const unsigned char *data, size_t len, int url, int padded)
{
	char *out = malloc(len / 3 * 4 + 8);

	assert_non_null(out);
	int n = EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	assert_true(n >= 0);
	out[n] = '\0';
	for (char *p = out; *p; p++) {
		if (url && *p == '+')
			*p = '-';
		else if (url && *p == '/')
			*p = '_';
	}
	if (!padded) {
		char *eq = strchr(out, '=');
		if (eq)
			*eq = '\0';
	}
	return out;
}

/* Three inputs per length: random bytes, and bytes that encode to '+'/'-' and '/'/'_'. */
static void fill_input(unsigned char *data, size_t len, int kind)
{
	static const unsigned char plus[3] = {0xfb, 0xef, 0xbe}; /* "++++" */

	if (kind == 0) {
		assert_int_equal(random_bytes(data, len), 0);
	} else if (kind == 1) {
		for (size_t i = 0; i < len; i++)
			data[i] = plus[i % 3];
	} else {
		memset(data, 0xff, len); /* "////" */
	}
}

static void check_decodes_to(const char *text, const unsigned char *want, size_t len)
{
	size_t got_len = (size_t)-1;
	unsigned char *got = b64_decode(text, &got_len);

	if (!got)
		fail_msg("b64_decode(\"%s\") refused valid text (%zu bytes)", text, len);
	assert_int_equal(got_len, len);
	if (len)
		assert_memory_equal(got, want, len);
	free(got);
}

static void assert_decode_refused(const char *text)
{
	size_t len = 12345;
	unsigned char *got = b64_decode(text, &len);

	if (got) {
		free(got);
		fail_msg("b64_decode(\"%s\") accepted invalid text", text);
	}
}

/* ------------------------------------------------------------ random_bytes */

static void test_random_bytes_fills_and_differs(void **state)
{
	(void)state;
	unsigned char a[64], b[64], zero[64] = {0};

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	assert_int_equal(random_bytes(a, sizeof(a)), 0);
	assert_int_equal(random_bytes(b, sizeof(b)), 0);
	assert_memory_not_equal(a, zero, sizeof(a));
	assert_memory_not_equal(b, zero, sizeof(b));
	assert_memory_not_equal(a, b, sizeof(a));
}

static void test_random_bytes_spread(void **state)
{
	(void)state;
	unsigned char buf[8192];
	int seen[256] = {0}, distinct = 0;

	assert_int_equal(random_bytes(buf, sizeof(buf)), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		seen[buf[i]]++;
	for (int v = 0; v < 256; v++)
		distinct += seen[v] > 0;
	/* 8192 uniform bytes miss a given value with probability ~1e-14 */
	assert_int_equal(distinct, 256);
}

static void test_random_bytes_zero_length(void **state)
{
	(void)state;
	unsigned char guard = 0xa5;

	assert_int_equal(random_bytes(&guard, 0), 0);
	assert_int_equal(guard, 0xa5);
}

/* ------------------------------------------------------------ base64 */

static void test_b64url_encode_matches_reference(void **state)
{
	(void)state;
	unsigned char data[MAX_LEN];

	for (int kind = 0; kind < 3; kind++) {
		for (size_t len = 0; len <= MAX_LEN; len++) {
			fill_input(data, len, kind);
			char *want = reference_b64(data, len, 1, 1);
			char *got = b64url_encode(data, len);
			assert_non_null(got);
			if (strcmp(got, want) != 0)
				fail_msg("b64url_encode of %zu bytes (kind %d): got \"%s\", want \"%s\"",
					 len, kind, got, want);
			assert_int_equal(strlen(got), (len + 2) / 3 * 4);
			assert_null(strpbrk(got, "+/"));
			free(got);
			free(want);
		}
	}
}

static void test_b64_round_trip_url_padded(void **state)
{
	(void)state;
	unsigned char data[MAX_LEN];

	for (int kind = 0; kind < 3; kind++) {
		for (size_t len = 0; len <= MAX_LEN; len++) {
			fill_input(data, len, kind);
			char *text = b64url_encode(data, len);
			check_decodes_to(text, data, len);
			free(text);
		}
	}
}

static void test_b64_round_trip_url_unpadded(void **state)
{
	(void)state;
	unsigned char data[MAX_LEN];

	for (int kind = 0; kind < 3; kind++) {
		for (size_t len = 0; len <= MAX_LEN; len++) {
			fill_input(data, len, kind);
			char *text = reference_b64(data, len, 1, 0);
			assert_null(strchr(text, '='));
			check_decodes_to(text, data, len);
			free(text);
		}
	}
}

static void test_b64_round_trip_standard_padded(void **state)
{
	(void)state;
	unsigned char data[MAX_LEN];

	for (int kind = 0; kind < 3; kind++) {
		for (size_t len = 0; len <= MAX_LEN; len++) {
			fill_input(data, len, kind);
			char *text = reference_b64(data, len, 0, 1);
			check_decodes_to(text, data, len);
			free(text);
		}
	}
}

static void test_b64_round_trip_standard_unpadded(void **state)
{
	(void)state;
	unsigned char data[MAX_LEN];

	for (int kind = 0; kind < 3; kind++) {
		for (size_t len = 0; len <= MAX_LEN; len++) {
			fill_input(data, len, kind);
			char *text = reference_b64(data, len, 0, 0);
			check_decodes_to(text, data, len);
			free(text);
		}
	}
}

static void test_b64_decode_known_values(void **state)
{
	(void)state;
	check_decodes_to("", (const unsigned char *)"", 0);
	check_decodes_to("Zg==", (const unsigned char *)"f", 1);
	check_decodes_to("Zg", (const unsigned char *)"f", 1);
	check_decodes_to("Zm8=", (const unsigned char *)"fo", 2);
	check_decodes_to("Zm8", (const unsigned char *)"fo", 2);
	check_decodes_to("Zm9v", (const unsigned char *)"foo", 3);
	check_decodes_to("Zm9vYmFy", (const unsigned char *)"foobar", 6);
	check_decodes_to("++++", (const unsigned char *)"\xfb\xef\xbe", 3);
	check_decodes_to("----", (const unsigned char *)"\xfb\xef\xbe", 3);
	check_decodes_to("////", (const unsigned char *)"\xff\xff\xff", 3);
	check_decodes_to("____", (const unsigned char *)"\xff\xff\xff", 3);
}

static void test_b64_decode_rejects_characters_outside_alphabet(void **state)
{
	(void)state;
	static const char bad[] = {' ', '*', '.', '!', '~', '\n', '\t', '"', '\\', '%', '#',
				   '=', (char)0x80, (char)0xc3, (char)0xff};
	const char *valid = "Zm9vYmFy"; /* "foobar" */
	size_t vlen = strlen(valid);
	char text[32];

	for (size_t b = 0; b < sizeof(bad); b++) {
		/* replace each position (a '=' at the very end would be padding: skip that) */
		for (size_t pos = 0; pos < vlen; pos++) {
			if (bad[b] == '=' && pos >= vlen - 2)
				continue;
			memcpy(text, valid, vlen + 1);
			text[pos] = bad[b];
			assert_decode_refused(text);
		}
		/* and insert it at the start, middle and end */
		snprintf(text, sizeof(text), "%c%s", bad[b], valid);
		assert_decode_refused(text);
		snprintf(text, sizeof(text), "Zm9v%cYmFy", bad[b]);
		assert_decode_refused(text);
		if (bad[b] != '=') {
			snprintf(text, sizeof(text), "%s%c", valid, bad[b]);
			assert_decode_refused(text);
		}
	}
}

static void test_b64_decode_rejects_impossible_lengths(void **state)
{
	(void)state;
	/* one character left over can never encode a byte */
	assert_decode_refused("A");
	assert_decode_refused("AAAAA");
	assert_decode_refused("AAAAAAAAA");
	assert_decode_refused("A=");
	assert_decode_refused("A==");
	/* padding that does not complete a group of four */
	assert_decode_refused("AA=");
	assert_decode_refused("AAA==");
	assert_decode_refused("AAAA=");
	assert_decode_refused("AAAA==");
	assert_decode_refused("=");
	assert_decode_refused("==");
	assert_decode_refused("===");
	assert_decode_refused("A===");
	assert_decode_refused("AA===");
	assert_decode_refused("Zg==Zg==");
}

/* ------------------------------------------------------------ signing */

static void make_signer(struct signer *s, unsigned char seed)
{
	for (int i = 0; i < SIGN_KEY_LEN; i++)
		s->key[i] = (unsigned char)(seed + i * 7);
}

static void test_sign_round_trip(void **state)
{
	(void)state;
	struct signer s;
	const unsigned char binary[] = {0, 1, 2, 0xff, 0, '.', '=', 0x80};
	const char *texts[] = {"", "x", "hello world", "{\"user_token\":\"abc\"}"};
	const time_t now = 1700000000;

	make_signer(&s, 3);
	for (size_t i = 0; i < 4; i++) {
		size_t len = strlen(texts[i]);
		char *signed_text = sign_message(&s, "test", texts[i], len, now);
		assert_non_null(signed_text);
		/* PAYLOAD.ISSUED.SIGNATURE, safe for cookies and attributes */
		const char *d1 = strchr(signed_text, '.');
		assert_non_null(d1);
		const char *d2 = strchr(d1 + 1, '.');
		assert_non_null(d2);
		assert_null(strchr(d2 + 1, '.'));
		assert_int_equal(strncmp(d1 + 1, "1700000000.", 11), 0);
		assert_null(strpbrk(signed_text, " ;,\"'<>&\\+/"));

		size_t got_len = 999;
		time_t issued = 0;
		unsigned char *got =
			sign_verify(&s, "test", signed_text, now + 5, 0, &got_len, &issued);
		assert_non_null(got);
		assert_int_equal(got_len, len);
		assert_memory_equal(got, texts[i], len);
		assert_int_equal(got[len], '\0');
		assert_int_equal(issued, now);
		free(got);
		free(signed_text);
	}

	char *signed_bin = sign_message(&s, "bin", binary, sizeof(binary), now);
	size_t got_len = 0;
	unsigned char *got = sign_verify(&s, "bin", signed_bin, now, 60, &got_len, NULL);
	assert_non_null(got);
	assert_int_equal(got_len, sizeof(binary));
	assert_memory_equal(got, binary, sizeof(binary));
	free(got);
	free(signed_bin);
}

/* The signature is HMAC-SHA256 of "PURPOSE\nPAYLOAD.ISSUED", whatever the
 * signer keeps between calls: checked against OpenSSL's one-shot HMAC, for
 * two keys used in turn (a context kept for one key must not sign for the other) */
static void test_sign_is_hmac_sha256(void **state)
{
	(void)state;
	struct signer a, b;

	make_signer(&a, 5);
	make_signer(&b, 6);
	for (int round = 0; round < 4; round++) {
		struct signer *s = round % 2 ? &b : &a;
		char *text = sign_message(s, "purpose", "data", 4, 1700000000 + round);
		const char *d2 = strrchr(text, '.');
		assert_non_null(d2);
		char msg[256];
		int n = snprintf(msg, sizeof(msg), "purpose\n%.*s", (int)(d2 - text), text);
		unsigned char want[EVP_MAX_MD_SIZE];
		unsigned int wantlen = 0;
		assert_non_null(HMAC(EVP_sha256(), s->key, SIGN_KEY_LEN, (const unsigned char *)msg, (size_t)n,
				     want, &wantlen));
		char *want_b64 = b64url_encode(want, wantlen);
		assert_string_equal(d2 + 1, want_b64);
		free(want_b64);
		size_t len = 0;
		unsigned char *back = sign_verify(s, "purpose", text, 1700000000 + round, 0, &len, NULL);
		assert_non_null(back);
		free(back);
		assert_null(sign_verify(round % 2 ? &a : &b, "purpose", text, 1700000000 + round, 0, &len, NULL));
		free(text);
	}
}

static void test_sign_tampered_payload_rejected(void **state)
{
	(void)state;
	struct signer s;
	const time_t now = 1700000000;

	make_signer(&s, 9);
	char *text = sign_message(&s, "p", "payload bytes", 13, now);
	size_t plen = (size_t)(strchr(text, '.') - text);
	assert_true(plen > 0);
	for (size_t i = 0; i < plen; i++) {
		char *t = strdup(text);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		size_t len = 0;
		unsigned char *got = sign_verify(&s, "p", t, now, 0, &len, NULL);
		if (got)
			fail_msg("payload changed at %zu accepted: %s", i, t);
		free(t);
	}
	/* a different payload with the original issued time and signature */
	char *other = sign_message(&s, "p", "other bytes!!", 13, now);
	const char *rest = strchr(text, '.');
	size_t olen = (size_t)(strchr(other, '.') - other);
	char *spliced = malloc(olen + strlen(rest) + 1);
	memcpy(spliced, other, olen);
	strcpy(spliced + olen, rest);
	size_t len = 0;
	assert_null(sign_verify(&s, "p", spliced, now, 0, &len, NULL));
	free(spliced);
	free(other);
	free(text);
}

static void test_sign_tampered_signature_rejected(void **state)
{
	(void)state;
	struct signer s;
	const time_t now = 1700000000;
	size_t len = 0;

	make_signer(&s, 11);
	char *text = sign_message(&s, "p", "data", 4, now);
	char *sig = strrchr(text, '.') + 1;
	size_t siglen = strlen(sig);
	assert_true(siglen > 0);
	for (size_t i = 0; i < siglen; i++) {
		char *t = strdup(text);
		char *ts = strrchr(t, '.') + 1;
		ts[i] = ts[i] == 'A' ? 'B' : 'A';
		unsigned char *got = sign_verify(&s, "p", t, now, 0, &len, NULL);
		if (got)
			fail_msg("signature changed at %zu accepted: %s", i, t);
		free(t);
	}
	/* truncated and extended signatures, and an empty one */
	char *t = strdup(text);
	t[strlen(t) - 1] = '\0';
	assert_null(sign_verify(&s, "p", t, now, 0, &len, NULL));
	free(t);
	t = malloc(strlen(text) + 2);
	sprintf(t, "%sA", text);
	assert_null(sign_verify(&s, "p", t, now, 0, &len, NULL));
	free(t);
	t = strdup(text);
	strrchr(t, '.')[1] = '\0';
	assert_null(sign_verify(&s, "p", t, now, 0, &len, NULL));
	free(t);
	/* the issued time is signed too */
	t = strdup(text);
	char *d1 = strchr(t, '.');
	d1[1] = d1[1] == '1' ? '2' : '1';
	assert_null(sign_verify(&s, "p", t, now, 0, &len, NULL));
	free(t);
	free(text);
}

static void test_sign_other_purpose_or_key_rejected(void **state)
{
	(void)state;
	struct signer s, other;
	const time_t now = 1700000000;
	size_t len = 0;

	make_signer(&s, 1);
	make_signer(&other, 1);
	other.key[SIGN_KEY_LEN - 1] ^= 1;
	char *text = sign_message(&s, "session cookie", "x", 1, now);
	unsigned char *ok = sign_verify(&s, "session cookie", text, now, 0, &len, NULL);
	assert_non_null(ok);
	free(ok);
	assert_null(sign_verify(&s, "remember-me cookie", text, now, 0, &len, NULL));
	assert_null(sign_verify(&s, "session cookie\n", text, now, 0, &len, NULL));
	assert_null(sign_verify(&s, "session cooki", text, now, 0, &len, NULL));
	assert_null(sign_verify(&s, "", text, now, 0, &len, NULL));
	assert_null(sign_verify(&other, "session cookie", text, now, 0, &len, NULL));
	free(text);
}

static void test_sign_max_age(void **state)
{
	(void)state;
	struct signer s;
	const time_t at = 1700000000;
	size_t len = 0;
	time_t issued = 0;

	make_signer(&s, 5);
	char *text = sign_message(&s, "p", "abc", 3, at);
	unsigned char *got = sign_verify(&s, "p", text, at + 100, 100, &len, &issued);
	assert_non_null(got); /* exactly max_age old: still valid */
	assert_int_equal(issued, at);
	free(got);
	got = sign_verify(&s, "p", text, at + 99, 100, &len, NULL);
	assert_non_null(got);
	free(got);
	assert_null(sign_verify(&s, "p", text, at + 101, 100, &len, NULL));
	assert_null(sign_verify(&s, "p", text, at + 100000, 100, &len, NULL));
	assert_null(sign_verify(&s, "p", text, at + 2, 1, &len, NULL));
	/* from the future: a minute of clock skew is forgiven, no more */
	got = sign_verify(&s, "p", text, at - 60, 100, &len, NULL);
	assert_non_null(got);
	free(got);
	assert_null(sign_verify(&s, "p", text, at - 61, 100, &len, NULL));
	free(text);
}

static void test_sign_max_age_zero_is_no_limit(void **state)
{
	(void)state;
	struct signer s;
	const time_t at = 1000;
	size_t len = 0;

	make_signer(&s, 6);
	char *text = sign_message(&s, "p", "abc", 3, at);
	unsigned char *got = sign_verify(&s, "p", text, at + 20L * 365 * 24 * 3600, 0, &len, NULL);
	assert_non_null(got);
	assert_int_equal(len, 3);
	assert_memory_equal(got, "abc", 3);
	free(got);
	/* the same age with a limit is refused */
	assert_null(sign_verify(&s, "p", text, at + 20L * 365 * 24 * 3600, 3600, &len, NULL));
	free(text);
}

static void test_sign_malformed_text_rejected(void **state)
{
	(void)state;
	struct signer s;
	const time_t now = 1700000000;
	size_t len = 0;
	char buf[512];

	make_signer(&s, 7);
	char *text = sign_message(&s, "p", "abc", 3, now);
	const char *d1 = strchr(text, '.');
	const char *d2 = strrchr(text, '.');

	assert_null(sign_verify(&s, "p", "", now, 0, &len, NULL));
	assert_null(sign_verify(&s, "p", "nodots", now, 0, &len, NULL));
	assert_null(sign_verify(&s, "p", "one.dot", now, 0, &len, NULL));
	assert_null(sign_verify(&s, "p", "t.h.r.ee", now, 0, &len, NULL));
	assert_null(sign_verify(&s, "p", "...", now, 0, &len, NULL));
	assert_null(sign_verify(&s, "p", "..", now, 0, &len, NULL));
	/* 0 dots: the valid text with its dots removed */
	snprintf(buf, sizeof(buf), "%.*s%.*s%s", (int)(d1 - text), text, (int)(d2 - d1 - 1), d1 + 1,
		 d2 + 1);
	assert_null(strchr(buf, '.'));
	assert_null(sign_verify(&s, "p", buf, now, 0, &len, NULL));
	/* 1 dot: the signature dropped */
	snprintf(buf, sizeof(buf), "%.*s", (int)(d2 - text), text);
	assert_null(sign_verify(&s, "p", buf, now, 0, &len, NULL));
	/* 3 dots: an extra part after or before */
	snprintf(buf, sizeof(buf), "%s.", text);
	assert_null(sign_verify(&s, "p", buf, now, 0, &len, NULL));
	snprintf(buf, sizeof(buf), "%s.x", text);
	assert_null(sign_verify(&s, "p", buf, now, 0, &len, NULL));
	snprintf(buf, sizeof(buf), ".%s", text);
	assert_null(sign_verify(&s, "p", buf, now, 0, &len, NULL));
	free(text);
}

/* ------------------------------------------------------------ secure_equal */

static void test_secure_equal(void **state)
{
	(void)state;
	unsigned char a[48], b[48];

	assert_int_equal(random_bytes(a, sizeof(a)), 0);
	memcpy(b, a, sizeof(a));
	assert_true(secure_equal(a, b, sizeof(a)));
	for (size_t i = 0; i < sizeof(a); i++) {
		b[i] ^= 0x01;
		assert_false(secure_equal(a, b, sizeof(a)));
		b[i] ^= 0x81;
		assert_false(secure_equal(a, b, sizeof(a)));
		b[i] ^= 0x80;
		assert_true(secure_equal(a, b, sizeof(a)));
	}
	/* only LEN bytes are compared */
	b[sizeof(b) - 1] ^= 0xff;
	assert_true(secure_equal(a, b, sizeof(a) - 1));
	assert_false(secure_equal(a, b, sizeof(a)));
	assert_true(secure_equal("abc", "xyz", 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_bytes_fills_and_differs),
		cmocka_unit_test(test_random_bytes_spread),
		cmocka_unit_test(test_random_bytes_zero_length),
		cmocka_unit_test(test_b64url_encode_matches_reference),
		cmocka_unit_test(test_b64_round_trip_url_padded),
		cmocka_unit_test(test_b64_round_trip_url_unpadded),
		cmocka_unit_test(test_b64_round_trip_standard_padded),
		cmocka_unit_test(test_b64_round_trip_standard_unpadded),
		cmocka_unit_test(test_b64_decode_known_values),
		cmocka_unit_test(test_b64_decode_rejects_characters_outside_alphabet),
		cmocka_unit_test(test_b64_decode_rejects_impossible_lengths),
		cmocka_unit_test(test_sign_round_trip),
		cmocka_unit_test(test_sign_is_hmac_sha256),
		cmocka_unit_test(test_sign_tampered_payload_rejected),
		cmocka_unit_test(test_sign_tampered_signature_rejected),
		cmocka_unit_test(test_sign_other_purpose_or_key_rejected),
		cmocka_unit_test(test_sign_max_age),
		cmocka_unit_test(test_sign_max_age_zero_is_no_limit),
		cmocka_unit_test(test_sign_malformed_text_rejected),
		cmocka_unit_test(test_secure_equal),
	};

	return cmocka_run_group_tests_name("sign: random bytes, base64, signed messages", tests,
					   NULL, NULL);
}
