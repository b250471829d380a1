/*
 * http_form.h: application/x-www-form-urlencoded bodies and query strings,
 * and the Cookie request header.
 */
#ifndef LVDEMO_HTTP_FORM_H
#define LVDEMO_HTTP_FORM_H

#include <stddef.h>

struct form_field {
	char *name;  /* decoded, e.g. "user[email]" */
	char *value; /* decoded; "" for an empty value */
};

struct form {
	struct form_field *fields;
	size_t n;
};

void form_init(struct form *f);
void form_release(struct form *f);

/*
 * Parse LEN bytes of urlencoded text into F (appending). Names and values
 * are percent-decoded and '+' becomes a space. Returns 0, or -1 with a
 * reason in ERR for a malformed escape or text that is not UTF-8.
 */
int form_parse(struct form *f, const char *text, size_t len, char *err, size_t errlen);

/* The value of the first field named exactly NAME, or NULL when absent. */
const char *form_get(const struct form *f, const char *name);

/* Add a field (copies both strings). */
void form_add(struct form *f, const char *name, const char *value);

/*
 * Find the cookie named exactly NAME in a Cookie header value. Copies its
 * value into OUT (NUL-terminated) and returns its length, or -1 when there
 * is no such cookie or it does not fit in OUTLEN bytes.
 */
int cookie_get(const char *header, const char *name, char *out, size_t outlen);

#endif
