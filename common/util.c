/*
 * util.c: allocation helpers, the growable buffer, HTML escaping, UTF-8
 * checks, the program's own directory, for both programs. Nothing here
 * knows about HTTP, traces or the database.
 */
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void out_of_memory(size_t n)
{
	fprintf(stderr, "%s: out of memory (asked for %zu bytes)\n", program_invocation_short_name, n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void buf_init(struct buf *b)
{
	memset(b, 0, sizeof(*b));
}

void buf_release(struct buf *b)
{
	size_t limit = b->limit;
	free(b->data);
	buf_init(b);
	b->limit = limit;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static void buf_grow(struct buf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

int buf_add(struct buf *b, const void *data, size_t len)
{
	if (b->failed)
		return -1;
	if (len > SIZE_MAX / 2 - b->len - 1 || (b->limit && b->len + len > b->limit)) {
		b->failed = 1;
		return -1;
	}
	buf_grow(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

char *buf_take(struct buf *b)
{
	char *s = b->data ? b->data : xstrdup("");
	size_t limit = b->limit;
	buf_init(b);
	b->limit = limit;
	return s;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* into the room there is: printed a second time only when that is too little
	 * (measuring first printed everything twice: half of vsnprintf's time, perf) */
	buf_grow(b, 0);
	size_t room = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		buf_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

size_t int_to_text(char out[INT_TEXT_MAX], long long v)
{
	char digits[INT_TEXT_MAX], *p = digits + sizeof(digits);
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	size_t n = (size_t)(digits + sizeof(digits) - p);
	memcpy(out, p, n);
	return n;
}

void buf_add_int(struct buf *b, long long v)
{
	char digits[INT_TEXT_MAX];
	buf_add(b, digits, int_to_text(digits, v));
}

void buf_add_html(struct buf *b, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			/* XML 1.0 has no control characters but these three */
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t' && *s != '\r')
				rep = "?";
			else
				continue;
		}
		buf_add(b, run, (size_t)(s - run));
		buf_adds(b, rep);
		run = s + 1;
	}
	buf_add(b, run, (size_t)(s - run));
}

const char *buf_str(struct buf *b)
{
	return b->data ? b->data : "";
}

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0], min;
	size_t len;

	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		len = 2, min = 0x80, c &= 0x1f;
	else if ((c & 0xf0) == 0xe0)
		len = 3, min = 0x800, c &= 0x0f;
	else if ((c & 0xf8) == 0xf0)
		len = 4, min = 0x10000, c &= 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past U+10FFFF are not UTF-8 */
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return len;
}

int utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		size_t n = *p ? utf8_seq_len(p, (size_t)(end - p)) : 0;
		if (!n)
			return 0; /* a NUL, or no well-formed sequence */
		p += n;
	}
	return 1;
}

size_t utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

const char *path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

int path_exe_dir(char *buf, size_t len)
{
	if (len == 0)
		return -1;
	buf[0] = '\0';
	ssize_t n = readlink("/proc/self/exe", buf, len);
	if (n <= 0 || (size_t)n >= len) {
		buf[0] = '\0';
		return -1;
	}
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash) {
		buf[0] = '\0';
		return -1;
	}
	/* the root directory stays "/" */
	slash[slash == buf ? 1 : 0] = '\0';
	return 0;
}
