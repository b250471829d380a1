/*
 * cidr.c: address blocks for the trace feed's peer check. The parsing of
 * addresses is inet_pton's; the prefix compare and the IPv4-mapped case
 * are the few lines here.
 */
#include "cidr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* IP as bytes: 4 for IPv4 (also when written as IPv4-mapped IPv6), 16 for IPv6; 0 when not an address. */
static int addr_bytes(const char *ip, unsigned char out[16], int *family)
{
	if (inet_pton(AF_INET, ip, out) == 1) {
		*family = AF_INET;
		return 4;
	}
	if (inet_pton(AF_INET6, ip, out) == 1) {
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (memcmp(out, mapped, 12) == 0) {
			memmove(out, out + 12, 4);
			*family = AF_INET;
			return 4;
		}
		*family = AF_INET6;
		return 16;
	}
	return 0;
}

int cidr_parse(const char *text, struct cidr *out)
{
	char addr[64];
	const char *slash = strchr(text, '/');
	size_t n = slash ? (size_t)(slash - text) : strlen(text);

	if (n == 0 || n >= sizeof(addr))
		return -1;
	memcpy(addr, text, n);
	addr[n] = '\0';
	memset(out, 0, sizeof(*out));
	int len = addr_bytes(addr, out->addr, &out->family);
	if (!len)
		return -1;
	out->prefix = len * 8;
	if (slash) {
		char *end;
		long p = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end || p < 0 || p > len * 8)
			return -1;
		out->prefix = (int)p;
	}
	return 0;
}

int cidr_contains(const struct cidr *c, const char *ip)
{
	unsigned char a[16];
	int family;

	if (!addr_bytes(ip, a, &family) || family != c->family)
		return 0;
	int whole = c->prefix / 8, rest = c->prefix % 8;
	if (memcmp(a, c->addr, (size_t)whole) != 0)
		return 0;
	if (rest) {
		unsigned char mask = (unsigned char)(0xff << (8 - rest));
		if ((a[whole] & mask) != (c->addr[whole] & mask))
			return 0;
	}
	return 1;
}

int addr_is_loopback(const char *ip)
{
	unsigned char a[16];
	int family;
	static const unsigned char one[16] = {[15] = 1};

	if (!addr_bytes(ip, a, &family))
		return 0;
	return family == AF_INET ? a[0] == 127 : memcmp(a, one, 16) == 0;
}
