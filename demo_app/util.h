/*
 * util.h: allocation helpers that never return NULL, and a growable byte
 * buffer used to build pages, cookies and responses.
 */
#ifndef LVDEMO_UTIL_H
#define LVDEMO_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* These abort the program with a message when memory runs out. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

struct buf {
	char *data; /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append S with &, <, >, " and ' escaped for HTML text and attributes. */
void buf_add_html(struct buf *b, const char *s);
/* The contents as a string ("" when empty); the buffer keeps ownership. */
const char *buf_str(struct buf *b);

/* 1 when S (LEN bytes) is well-formed UTF-8 without NUL bytes, else 0. */
int utf8_valid(const char *s, size_t len);
/* Number of code points in valid UTF-8 text S. */
size_t utf8_length(const char *s);

/* The file name part of a path ("demo_app/db.c" gives "db.c"). */
const char *path_basename(const char *path);

#endif
