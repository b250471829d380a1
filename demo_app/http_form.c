/*
 * http_form.c: urlencoded form and query parsing, and cookie lookup.
 *
 * Written here rather than taken from libwebsockets, whose helpers fall
 * short for this app (checked against lws 4.1.6):
 * - lws_spa matches field names without percent-decoding them, so a browser's
 *   "user%5Bemail%5D" never matches "user[email]"; it also returns NULL for an
 *   empty value and cuts values at 512 bytes unless told otherwise;
 * - lws_urldecode accepts a truncated escape at the end ("abc%4") silently,
 *   where a malformed body must be refused with 400;
 * - lws_http_cookie_get matches cookie names by suffix ("evil_lvdemo_key"
 *   satisfies "_lvdemo_key") and logs the whole Cookie header.
 * Bodies are read whole (at most 64 KiB) before parsing, so no streaming.
 */
#include "http_form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void form_init(struct form *f)
{
	f->fields = NULL;
	f->n = 0;
}

void form_release(struct form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->fields[i].name);
		free(f->fields[i].value);
	}
	free(f->fields);
	form_init(f);
}

void form_add(struct form *f, const char *name, const char *value)
{
	f->fields = xrealloc(f->fields, (f->n + 1) * sizeof(*f->fields));
	f->fields[f->n].name = xstrdup(name);
	f->fields[f->n].value = xstrdup(value);
	f->n++;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode S[0..LEN) into a new string; NULL with *WHY set when malformed. */
static char *decode_component(const char *s, size_t len, const char **why)
{
	char *out = xmalloc(len + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '+') {
			*o++ = ' ';
		} else if (s[i] == '%') {
			int hi = i + 1 < len ? hex_value(s[i + 1]) : -1;
			int lo = i + 2 < len ? hex_value(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				*why = "bad percent escape";
				free(out);
				return NULL;
			}
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	if (!utf8_valid(out, (size_t)(o - out))) {
		*why = "not valid UTF-8";
		free(out);
		return NULL;
	}
	return out;
}

int form_parse(struct form *f, const char *text, size_t len, char *err, size_t errlen)
{
	size_t pos = 0;

	while (pos < len) {
		const char *pair = text + pos;
		const char *amp = memchr(pair, '&', len - pos);
		size_t plen = amp ? (size_t)(amp - pair) : len - pos;
		const char *eq = memchr(pair, '=', plen);
		size_t nlen = eq ? (size_t)(eq - pair) : plen;
		const char *why = NULL;

		if (plen > 0) {
			char *name = decode_component(pair, nlen, &why);
			char *value = !name ? NULL
				      : eq  ? decode_component(eq + 1, plen - nlen - 1, &why)
					    : xstrdup("");
			if (!value) {
				free(name);
				snprintf(err, errlen, "malformed form field at byte %zu: %s", pos + 1, why);
				return -1;
			}
			f->fields = xrealloc(f->fields, (f->n + 1) * sizeof(*f->fields));
			f->fields[f->n].name = name;
			f->fields[f->n].value = value;
			f->n++;
		}
		pos += plen + 1;
	}
	return 0;
}

const char *form_get(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return f->fields[i].value;
	return NULL;
}

int cookie_get(const char *header, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	const char *p = header;

	while (p && *p) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t plen = end ? (size_t)(end - p) : strlen(p);
		if (plen > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			const char *v = p + nlen + 1;
			size_t vlen = plen - nlen - 1;
			while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
				vlen--;
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"')
				v++, vlen -= 2;
			if (vlen + 1 > outlen)
				return -1;
			memcpy(out, v, vlen);
			out[vlen] = '\0';
			return (int)vlen;
		}
		p = end;
	}
	return -1;
}
