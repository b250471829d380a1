/*
 * lvc_cookies.c: the client's cookie jar: Set-Cookie read as RFC 6265
 * says (attributes, Max-Age, Expires dates through strptime), the Cookie
 * header built from it.
 */
#include "lvc_impl.h"

int lvc_is_token_char(unsigned char ch)
{
	return ch > 32 && ch < 127 && !strchr("()<>@,;:\\\"/[]?={}", ch);
}

static int cookie_name_ok(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!lvc_is_token_char((unsigned char)s[i]))
			return 0;
	return 1;
}

/* RFC 6265 cookie-octet, plus what browsers accept except separators. */
static int cookie_value_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch <= 32 || ch == 127 || ch == ';' || ch == ',' || ch == '"' || ch == '\\')
			return 0;
	}
	return 1;
}

static struct cookie *cookie_find(const struct lvc *c, const char *name, size_t n)
{
	for (size_t i = 0; i < c->ncookies; i++)
		if (strlen(c->cookies[i].name) == n && memcmp(c->cookies[i].name, name, n) == 0)
			return &c->cookies[i];
	return NULL;
}

static void cookie_delete(struct lvc *c, const char *name, size_t n)
{
	struct cookie *k = cookie_find(c, name, n);
	if (!k)
		return;
	free(k->name);
	free(k->value);
	size_t i = (size_t)(k - c->cookies);
	memmove(&c->cookies[i], &c->cookies[i + 1], (c->ncookies - i - 1) * sizeof(*k));
	c->ncookies--;
}

/* Set NAME (N bytes) to VALUE (VN bytes), both already checked. */
static int cookie_store(struct lvc *c, const char *name, size_t n, const char *value, size_t vn)
{
	char *v = xstrndup(value, vn);
	if (!v)
		return -1;
	struct cookie *k = cookie_find(c, name, n);
	if (k) {
		free(k->value);
		k->value = v;
		return 0;
	}
	if (c->ncookies == c->capcookies) {
		size_t cap = c->capcookies ? 2 * c->capcookies : 8;
		struct cookie *a = realloc(c->cookies, cap * sizeof(*a));
		if (!a) {
			free(v);
			return -1;
		}
		c->cookies = a;
		c->capcookies = cap;
	}
	char *nm = xstrndup(name, n);
	if (!nm) {
		free(v);
		return -1;
	}
	c->cookies[c->ncookies++] = (struct cookie){.name = nm, .value = v};
	return 0;
}

const char *lvc_cookie_get(const struct lvc *c, const char *name)
{
	if (!c || !name)
		return NULL;
	struct cookie *k = cookie_find(c, name, strlen(name));
	return k ? k->value : NULL;
}

int lvc_cookie_set(struct lvc *c, const char *name, const char *value)
{
	if (!c || !name || !cookie_name_ok(name, strlen(name)))
		return -1;
	if (!value) {
		cookie_delete(c, name, strlen(name));
		return 0;
	}
	if (!cookie_value_ok(value, strlen(value)))
		return -1;
	return cookie_store(c, name, strlen(name), value, strlen(value));
}

size_t lvc_cookie_count(const struct lvc *c)
{
	return c ? c->ncookies : 0;
}

int lvc_cookie_at(const struct lvc *c, size_t i, const char **name, const char **value)
{
	if (!c || i >= c->ncookies)
		return -1;
	if (name)
		*name = c->cookies[i].name;
	if (value)
		*value = c->cookies[i].value;
	return 0;
}

char *lvc_cookie_header(const struct lvc *c)
{
	struct buf b = {0};

	if (!c || !c->ncookies)
		return NULL;
	for (size_t i = 0; i < c->ncookies; i++) {
		if (i)
			buf_adds(&b, "; ");
		buf_adds(&b, c->cookies[i].name);
		buf_adds(&b, "=");
		buf_adds(&b, c->cookies[i].value);
	}
	if (b.failed) {
		buf_release(&b);
		return NULL;
	}
	return buf_take(&b);
}

int lvc_is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Trim blanks around [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
	while (*n && lvc_is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && lvc_is_space((*s)[*n - 1]))
		(*n)--;
}

/*
 * An Expires date in one of the HTTP date formats: RFC 1123 ("Thu, 01 Jan
 * 1970 00:00:00 GMT"), with dashes as Netscape wrote it, RFC 850
 * ("Thursday, 01-Jan-70 ..."), asctime ("Thu Jan  1 00:00:00 1970"). Read
 * with strptime in the C locale (month names are English whatever the
 * user's locale) and timegm. Returns 0 with seconds since the epoch in
 * *OUT, or -1.
 */
static int cookie_date(const char *s, size_t n, long long *out)
{
	static const char *const formats[] = {
		"%a, %d %b %Y %H:%M:%S", "%a, %d-%b-%Y %H:%M:%S", "%A, %d-%b-%y %H:%M:%S",
		"%a %b %d %H:%M:%S %Y",
	};
	char text[128];
	int rc = -1;

	if (n >= sizeof(text))
		return -1;
	memcpy(text, s, n);
	text[n] = '\0';
	locale_t c = newlocale(LC_TIME_MASK, "C", (locale_t)0);
	if (c == (locale_t)0)
		return -1;
	locale_t before = uselocale(c);
	for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]) && rc < 0; f++) {
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		const char *end = strptime(text, formats[f], &tm);
		if (!end)
			continue;
		end += strspn(end, " ");
		/* the zone, when there is one, is GMT (RFC 7231: always) */
		if (*end && strcasecmp(end, "GMT") != 0 && strcasecmp(end, "UTC") != 0)
			continue;
		time_t t = timegm(&tm);
		if (t == (time_t)-1 && tm.tm_year != 69)
			continue;
		*out = (long long)t;
		rc = 0;
	}
	uselocale(before);
	freelocale(c);
	return rc;
}

int lvc_cookie_apply(struct lvc *c, const char *sc, long long now)
{
	if (!c || !sc)
		return 0;
	const char *semi = strchr(sc, ';');
	size_t pair_len = semi ? (size_t)(semi - sc) : strlen(sc);
	const char *eq = memchr(sc, '=', pair_len);
	if (!eq)
		return 0; /* a nameless cookie: ignored */
	const char *name = sc, *value = eq + 1;
	size_t nlen = (size_t)(eq - sc), vlen = pair_len - nlen - 1;
	trim(&name, &nlen);
	trim(&value, &vlen);
	if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
		value++;
		vlen -= 2;
	}
	if (!cookie_name_ok(name, nlen) || !cookie_value_ok(value, vlen))
		return 0;

	int have_max_age = 0, have_expires = 0;
	long long max_age = 0, expires = 0;
	const char *p = semi;
	while (p && *p) {
		p++; /* the ';' */
		const char *end = strchr(p, ';');
		size_t alen = end ? (size_t)(end - p) : strlen(p);
		const char *aeq = memchr(p, '=', alen);
		const char *an = p, *av = aeq ? aeq + 1 : p + alen;
		size_t anl = aeq ? (size_t)(aeq - p) : alen, avl = aeq ? alen - anl - 1 : 0;
		trim(&an, &anl);
		trim(&av, &avl);
		if (anl == 7 && strncasecmp(an, "max-age", 7) == 0) {
			/* a leading '-' or digits only, else the attribute is ignored */
			size_t i = av[0] == '-' ? 1 : 0;
			if (avl > i && avl - i <= 18) {
				long long v = 0;
				size_t j = i;
				while (j < avl && av[j] >= '0' && av[j] <= '9')
					v = v * 10 + (av[j++] - '0');
				if (j == avl) {
					have_max_age = 1;
					max_age = i ? -v : v;
				}
			} else if (avl > i + 18 && av[i] >= '0' && av[i] <= '9' && av[0] != '-') {
				have_max_age = 1; /* absurdly long: forever */
				max_age = 1;
			}
		} else if (anl == 7 && strncasecmp(an, "expires", 7) == 0) {
			long long t;
			if (cookie_date(av, avl, &t) == 0) {
				have_expires = 1;
				expires = t;
			}
		}
		p = end;
	}
	if ((have_max_age && max_age <= 0) || (!have_max_age && have_expires && expires <= now)) {
		cookie_delete(c, name, nlen);
		return 1;
	}
	return cookie_store(c, name, nlen, value, vlen) == 0 ? 1 : 0;
}

