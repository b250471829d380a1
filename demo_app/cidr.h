/*
 * cidr.h: addresses as the trace feed judges its peers: a loopback test,
 * and address blocks written as CIDR ("10.0.0.0/8", "fd00::/8", a bare
 * address for one host). IPv4 peers that arrive as IPv4-mapped IPv6
 * ("::ffff:10.1.2.3") are judged as IPv4.
 */
#ifndef LVDEMO_CIDR_H
#define LVDEMO_CIDR_H

struct cidr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int prefix; /* bits that must match */
};

/* Parse TEXT into *OUT: 0, or -1 when it is not ADDRESS[/PREFIX]. */
int cidr_parse(const char *text, struct cidr *out);
/* 1 when the address IP (text) is in C, else 0 (also for text that is no address). */
int cidr_contains(const struct cidr *c, const char *ip);
/* 1 when IP (text) is a loopback address: 127.0.0.0/8, ::1, or IPv4-mapped 127/8. */
int addr_is_loopback(const char *ip);

#endif
