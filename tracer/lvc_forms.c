/*
 * lvc_forms.c: application/x-www-form-urlencoded bodies and URL encoding,
 * for the client's form posts.
 */
#include "lvc_impl.h"

char *lvc_urlencode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!s)
		return NULL;
	size_t n = strlen(s);
	if (n > (SIZE_MAX - 1) / 3)
		return NULL;
	char *out = malloc(3 * n + 1), *q = out;
	if (!out)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) && *p < 128)
			*q++ = (char)*p;
		else if (*p == '*' || *p == '-' || *p == '.' || *p == '_')
			*q++ = (char)*p;
		else if (*p == ' ')
			*q++ = '+';
		else {
			*q++ = '%';
			*q++ = hex[*p >> 4];
			*q++ = hex[*p & 15];
		}
	}
	*q = '\0';
	return out;
}

/*
 * Not lws_urlencode: it truncates silently when the output buffer is too
 * small (the caller cannot size it without encoding first) and escapes
 * "-._*" that browsers leave alone, so the bodies would not be the ones a
 * browser posts. Encoding is the few lines above.
 */
int lvc_form_add(char **form, const char *name, const char *value)
{
	if (!form || !name || !value)
		return -1;
	char *n = lvc_urlencode(name), *v = lvc_urlencode(value);
	size_t old = *form ? strlen(*form) : 0;
	char *f = NULL;
	if (n && v)
		f = realloc(*form, old + 1 + strlen(n) + 1 + strlen(v) + 1);
	if (!f) {
		free(n);
		free(v);
		return -1;
	}
	snprintf(f + old, strlen(n) + strlen(v) + 3, "%s%s=%s", old ? "&" : "", n, v);
	*form = f;
	free(n);
	free(v);
	return 0;
}

