/*
 * util.h: what both programs share for memory and text: allocation helpers
 * that never return NULL, a growable byte buffer (pages, cookies, requests,
 * responses), HTML escaping, UTF-8 checks, the running program's own
 * directory. One copy, in libcommon, linked into lvdemo and lvtrace.
 */
#ifndef LVTRACE_COMMON_UTIL_H
#define LVTRACE_COMMON_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* These abort the program with a message when memory runs out. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * A growable byte string. It aborts when memory runs out, like x*; a
 * LIMIT (0: none) makes it refuse to grow past that many bytes instead:
 * FAILED then sticks and every add returns -1 (a body read from a peer).
 */
struct buf {
	char *data; /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
	size_t limit;
	int failed;
};

void buf_init(struct buf *b);
void buf_release(struct buf *b); /* the limit stays */
void buf_reset(struct buf *b);
/* Append; 0, or -1 when the limit is passed. */
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append V in decimal (what "%lld" prints, without printf: the hot paths' numbers). */
void buf_add_int(struct buf *b, long long v);
/* V in decimal into OUT, not NUL-terminated: its length (at most INT_TEXT_MAX). */
#define INT_TEXT_MAX 20
size_t int_to_text(char out[INT_TEXT_MAX], long long v);
/* Append S with &, <, >, " and ' escaped for HTML (and XML) text and
 * attributes; control characters XML cannot hold become '?'. */
void buf_add_html(struct buf *b, const char *s);
/* The contents as a string ("" when empty); the buffer keeps ownership. */
const char *buf_str(struct buf *b);
/* The contents handed over to the caller (a new "" when empty); the buffer is empty after. */
char *buf_take(struct buf *b);

/* 1 when S (LEN bytes) is well-formed UTF-8 without NUL bytes, else 0. */
int utf8_valid(const char *s, size_t len);
/* Number of code points in valid UTF-8 text S. */
size_t utf8_length(const char *s);
/* Bytes of the well-formed UTF-8 sequence at S (N bytes left), 0 when there is none. */
size_t utf8_seq_len(const unsigned char *s, size_t n);

/* The file name part of a path ("demo_app/db.c" gives "db.c"). */
const char *path_basename(const char *path);

/*
 * The directory the running program's binary is in (/proc/self/exe, links
 * resolved: "/usr/local/bin"), into BUF of LEN bytes: where an installed
 * program finds its files, in ../share. Returns 0, or -1 when it cannot be
 * read or does not fit (BUF is then "").
 */
int path_exe_dir(char *buf, size_t len);

#endif
