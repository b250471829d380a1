/*
 * test_util.c: the growable string (util.h): printed appends that fit the
 * room there is, that fill it to the last byte, that need it to grow, and
 * long runs of them, always NUL-terminated and equal to what snprintf
 * makes of the same; integers in decimal without printf.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void test_addf_at_every_size(void **state)
{
	(void)state;
	char want[4096], piece[600];

	/* from an empty buffer and from one part full, pieces of every length around the room's end */
	for (size_t pre = 0; pre < 300; pre += 37) {
		for (size_t n = 0; n < 600; n += 1 + n / 16) {
			struct buf b;
			buf_init(&b);
			memset(piece, 'a' + (int)(n % 26), n);
			piece[n] = '\0';
			for (size_t i = 0; i < pre; i++)
				buf_adds(&b, "x");
			buf_addf(&b, "<%s|%zu>", piece, n);
			int len = snprintf(want, sizeof(want), "%.*s<%s|%zu>", (int)pre,
					   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
					   piece, n);
			assert_int_equal(b.len, (size_t)len);
			assert_string_equal(buf_str(&b), want);
			assert_true(b.cap > b.len);
			buf_release(&b);
		}
	}
}

static void test_addf_runs(void **state)
{
	(void)state;
	struct buf b;
	size_t len = 0;

	buf_init(&b);
	for (int i = 0; i < 5000; i++) {
		buf_addf(&b, "%d,", i);
		len += (size_t)snprintf(NULL, 0, "%d,", i);
		assert_int_equal(b.len, len);
		assert_int_equal(b.data[b.len], '\0');
	}
	assert_int_equal(strncmp(b.data, "0,1,2,3,", 8), 0);
	assert_non_null(strstr(b.data, ",4998,4999,"));
	buf_addf(&b, "%s", "");
	assert_int_equal(b.len, len);
	buf_release(&b);
}

static void test_add_int(void **state)
{
	(void)state;
	static const long long values[] = {0, 1, -1, 9, 10, -10, 1796184586, -2147483648LL,
					   9223372036854775807LL, -9223372036854775807LL - 1};
	char want[32];

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct buf b;
		buf_init(&b);
		buf_adds(&b, "x");
		buf_add_int(&b, values[i]);
		snprintf(want, sizeof(want), "x%lld", values[i]);
		assert_string_equal(buf_str(&b), want);
		buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addf_at_every_size),
		cmocka_unit_test(test_addf_runs),
		cmocka_unit_test(test_add_int),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
