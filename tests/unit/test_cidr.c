/*
 * test_cidr.c: the trace feed's peer rules (cidr.h): loopback addresses in
 * every spelling, address blocks of both families with odd prefixes, and
 * text that is no address.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cidr.h"

static void test_loopback(void **state)
{
	(void)state;
	assert_true(addr_is_loopback("127.0.0.1"));
	assert_true(addr_is_loopback("127.200.3.4"));
	assert_true(addr_is_loopback("::1"));
	assert_true(addr_is_loopback("::ffff:127.0.0.1"));
	assert_false(addr_is_loopback("128.0.0.1"));
	assert_false(addr_is_loopback("10.0.0.1"));
	assert_false(addr_is_loopback("::2"));
	assert_false(addr_is_loopback("::ffff:10.0.0.1"));
	assert_false(addr_is_loopback("localhost")); /* a name, not an address */
	assert_false(addr_is_loopback(""));
	assert_false(addr_is_loopback("127.0.0.1.evil"));
}

static void test_blocks(void **state)
{
	(void)state;
	struct cidr c;

	assert_int_equal(cidr_parse("192.168.1.0/24", &c), 0);
	assert_true(cidr_contains(&c, "192.168.1.77"));
	assert_true(cidr_contains(&c, "::ffff:192.168.1.77"));
	assert_false(cidr_contains(&c, "192.168.2.1"));
	assert_false(cidr_contains(&c, "fe80::1"));
	/* a prefix that ends inside a byte */
	assert_int_equal(cidr_parse("10.0.0.0/13", &c), 0);
	assert_true(cidr_contains(&c, "10.7.255.255"));
	assert_false(cidr_contains(&c, "10.8.0.0"));
	/* one host */
	assert_int_equal(cidr_parse("172.16.5.4", &c), 0);
	assert_true(cidr_contains(&c, "172.16.5.4"));
	assert_false(cidr_contains(&c, "172.16.5.5"));
	/* IPv6, and /0 for everything of a family */
	assert_int_equal(cidr_parse("fd00::/8", &c), 0);
	assert_true(cidr_contains(&c, "fd12:3456::1"));
	assert_false(cidr_contains(&c, "fe00::1"));
	assert_false(cidr_contains(&c, "10.0.0.1"));
	assert_int_equal(cidr_parse("0.0.0.0/0", &c), 0);
	assert_true(cidr_contains(&c, "8.8.8.8"));
	assert_false(cidr_contains(&c, "not an address"));
}

static void test_bad_blocks(void **state)
{
	(void)state;
	struct cidr c;
	static const char *const bad[] = {"", "/24", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1",
					  "10.0.0.0/2x", "10.0.0/8", "fd00::/129", "example.com/8",
					  "10.0.0.0/24/1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cidr_parse(bad[i], &c), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_bad_blocks),
	};
	return cmocka_run_group_tests_name("cidr: who may read the trace feed", tests, NULL, NULL);
}
