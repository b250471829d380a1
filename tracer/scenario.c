/*
 * scenario.c: reads a .scenario file (docs/scenarios.md) into a struct
 * scenario, line by line, checking every word; the first error stops the
 * parse with "FILE:LINE:COLUMN: message", the line and a caret. Running the
 * steps is runner.c's; the path rule and the phase glob live here for both.
 */
#include "scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "variant.h"

#define SC_MAX_LINE 4096	   /* bytes in one line, newline excluded */
#define SC_MAX_FILE (1024 * 1024) /* a scenario is a page of text, not a data set */
#define SC_MAX_TOKENS (SC_MAX_LINE / 2 + 1)
#define SC_MAX_NAMES 16 /* variants a text may name (scenario_parse_with_variants) */
#define SC_SHOW_MAX 64	   /* bytes of a word quoted in a message */
#define SC_LONG_SHOW 64	   /* bytes of an over-long line shown under its message */
#define SC_QUERIES_MAX 1000000L /* an "expect queries" count */


/* ------------------------------------------------------------ the language */

struct parser;
struct syntax;

enum arg_type {
	ARG_TEXT,     /* a word or a string, not empty */
	ARG_ANY_TEXT, /* a word or a string, may be empty ("" as a password) */
	ARG_PATH,     /* a word starting with '/' */
	ARG_NUMBER,   /* a whole number from min to max, into the step's number */
	ARG_CHOICE,   /* one of the words in choices */
};

struct arg {
	const char *name; /* "EMAIL": in "missing EMAIL" and the usage */
	enum arg_type type;
	long min, max;		    /* ARG_NUMBER */
	const char *const *choices; /* ARG_CHOICE: NULL-terminated */
	const char *noun;	    /* ARG_CHOICE: "result" in "unknown result 'x'" */
};

/*
 * One kind of step: the words that start its line ("visit", "expect
 * queries"), its usage line, and its arguments, a fixed list read by
 * parse_fixed unless the step has its own parser.
 */
struct syntax {
	const char *name;
	const char *usage;
	int nargs;
	struct arg arg[2];
	int (*parse)(struct parser *p, const struct syntax *s);
};

static const char *const join_results[] = {"ok", "stale", "unauthorized", "redirect",
					   "live_redirect", NULL};
static const char *const assign_sources[] = {"conn_assigns", "parent_assigns", "socket_assigns",
					     "function", NULL};
static const char *const dead_connected[] = {"dead", "connected"};
static const char *const queries_options[] = {"phase", "source"};
static const char *const assign_new_options[] = {"from", "view"};

static int parse_expect_queries(struct parser *p, const struct syntax *s);
static int parse_expect_assign_new(struct parser *p, const struct syntax *s);

#define TEXT(n) {(n), ARG_TEXT, 0, 0, NULL, NULL}
#define ANY_TEXT(n) {(n), ARG_ANY_TEXT, 0, 0, NULL, NULL}
#define PATH(n) {(n), ARG_PATH, 0, 0, NULL, NULL}
#define NUMBER(n, lo, hi) {(n), ARG_NUMBER, (lo), (hi), NULL, NULL}

/* The steps of the language (docs/scenarios.md), one entry each. */
static const struct syntax steps[STEP_KIND_COUNT] = {
	[STEP_REGISTER] = {"register", "register EMAIL PASSWORD", 2,
			   {ANY_TEXT("EMAIL"), ANY_TEXT("PASSWORD")}, NULL},
	[STEP_LOGIN] = {"login", "login EMAIL PASSWORD", 2,
			{ANY_TEXT("EMAIL"), ANY_TEXT("PASSWORD")}, NULL},
	[STEP_LOGOUT] = {"logout", "logout", 0, {{0}}, NULL},
	[STEP_VISIT] = {"visit", "visit PATH", 1, {PATH("PATH")}, NULL},
	[STEP_CONNECT] = {"connect", "connect", 0, {{0}}, NULL},
	[STEP_CLICK] = {"click", "click EVENT", 1, {TEXT("EVENT")}, NULL},
	[STEP_PATCH] = {"patch", "patch PATH", 1, {PATH("PATH")}, NULL},
	[STEP_NAVIGATE] = {"navigate", "navigate PATH", 1, {PATH("PATH")}, NULL},
	[STEP_DISCONNECT] = {"disconnect", "disconnect", 0, {{0}}, NULL},
	[STEP_RECONNECT] = {"reconnect", "reconnect", 0, {{0}}, NULL},
	[STEP_EXPIRE_TOKEN] = {"expire-token", "expire-token", 0, {{0}}, NULL},
	[STEP_WAIT] = {"wait", "wait MS", 1, {NUMBER("MS", 0, 60000)}, NULL},
	[STEP_MARK] = {"mark", "mark \"LABEL\"", 1, {TEXT("LABEL")}, NULL},
	[STEP_NOTE] = {"note", "note \"TEXT\"", 1, {TEXT("TEXT")}, NULL},
	[STEP_EXPECT_QUERIES] = {"expect queries",
				 "expect queries [phase=GLOB] [source=TABLE] (N | VARIANT=N ...)",
				 0, {{0}}, parse_expect_queries},
	[STEP_EXPECT_STATUS] = {"expect status", "expect status CODE", 1,
				{NUMBER("CODE", 100, 599)}, NULL},
	[STEP_EXPECT_REDIRECT] = {"expect redirect", "expect redirect PATH", 1, {PATH("PATH")},
				  NULL},
	[STEP_EXPECT_JOIN] = {"expect join",
			      "expect join ok|stale|unauthorized|redirect|live_redirect", 1,
			      {{"RESULT", ARG_CHOICE, 0, 0, join_results, "result"}}, NULL},
	[STEP_EXPECT_ASSIGN_NEW] = {"expect assign_new",
				    "expect assign_new KEY "
				    "from=conn_assigns|parent_assigns|socket_assigns|function "
				    "[view=VIEW] [dead|connected]",
				    0, {{0}}, parse_expect_assign_new},
};

#undef TEXT
#undef ANY_TEXT
#undef PATH
#undef NUMBER

/* The lines before the steps. */
static const char *const header_words[] = {"title", "description", "variants"};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

const char *step_kind_name(enum step_kind kind)
{
	if ((int)kind < 0 || kind >= STEP_KIND_COUNT)
		return "unknown";
	return steps[kind].name;
}

/* The length of a step's first word: "expect" in "expect queries". */
static size_t first_word_len(const char *name)
{
	return strcspn(name, " ");
}

/* ------------------------------------------------------------ UTF-8 */

/* How many of the first N bytes of S to show so that at most MAX show, whole characters. */
static int show_len(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return (int)n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}

/* printf arguments for "'%.*s%s'": the word S (N bytes), shortened with "..." */
#define SHOW_FMT "'%.*s%s'"
#define SHOW(s, n) show_len((s), (n), SC_SHOW_MAX), (s), ((n) > SC_SHOW_MAX ? "..." : "")

/* ------------------------------------------------------------ the parser */

struct token {
	int col;    /* 1-based byte column of its first byte */
	int quoted; /* written as a "string" */
	char *val;  /* the value, escapes undone, in the parser's scratch */
	size_t len;
};

/* One line of the file, as written (no newline, no CR before it). */
struct src_line {
	const char *text;
	size_t len;
	int lineno;
};

struct parser {
	const char *name;
	struct scenario *sc;
	char *err;
	size_t errlen;

	struct src_line line;	   /* the line being read */
	struct src_line first;	   /* line 1, where a missing title is reported */
	struct src_line title_at;  /* the title line, where "no steps" is reported */
	int title_col;
	struct token *tok;
	size_t ntok;
	char *scratch;

	int title_line, description_line, variants_line, first_step_line;
	size_t steps_cap;
	const char *const *names; /* the variants it may name: lvdemo's, unless told others */
	size_t nnames;
	char suggestion[SC_SHOW_MAX + 32];
};

/* ------------------------------------------------------------ messages */

static void err_vadd(struct parser *p, size_t *off, const char *fmt, va_list ap)
{
	if (!p->err || *off + 1 >= p->errlen)
		return;
	int n = vsnprintf(p->err + *off, p->errlen - *off, fmt, ap);
	if (n > 0)
		*off = *off + (size_t)n < p->errlen ? *off + (size_t)n : p->errlen - 1;
}

__attribute__((format(printf, 3, 4))) static void err_add(struct parser *p, size_t *off,
							 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vadd(p, off, fmt, ap);
	va_end(ap);
}

static void err_addc(struct parser *p, size_t *off, char c)
{
	if (!p->err || *off + 1 >= p->errlen)
		return;
	p->err[(*off)++] = c;
	p->err[*off] = '\0';
}

/*
 * Show LINE's first N bytes, each character as itself except that bytes a
 * terminal must not get (control characters, NUL, broken UTF-8) show as '?'.
 * With PAD, print instead what lines a caret up under byte N: a tab for a
 * tab, one space for any other character.
 */
static void err_add_line(struct parser *p, size_t *off, const char *text, size_t n, int pad)
{
	const unsigned char *u = (const unsigned char *)text;
	size_t i = 0;

	while (i < n) {
		size_t k = u[i] >= 0x80 ? utf8_seq_len(u + i, n - i) : 1;
		if (u[i] == '\t') {
			err_addc(p, off, '\t');
		} else if (pad) {
			err_addc(p, off, ' ');
		} else if (k == 0 || u[i] < 0x20 || u[i] == 0x7f) {
			err_addc(p, off, '?');
		} else {
			for (size_t j = 0; j < k; j++)
				err_addc(p, off, (char)u[i + j]);
		}
		i += k ? k : 1;
	}
}

/*
 * Report an error at column COL of line L; SUGGEST (may be NULL) becomes a
 * "did you mean" line. Always returns -1.
 */
__attribute__((format(printf, 5, 6))) static int fail_at(struct parser *p,
							const struct src_line *l, int col,
							const char *suggest, const char *fmt, ...)
{
	size_t off = 0;
	va_list ap;

	if (!p->err || p->errlen == 0)
		return -1;
	p->err[0] = '\0';
	err_add(p, &off, "%s:%d:%d: ", p->name, l->lineno, col);
	va_start(ap, fmt);
	err_vadd(p, &off, fmt, ap);
	va_end(ap);
	err_add(p, &off, "\n  ");
	if (l->len > SC_MAX_LINE) {
		/* only "line is longer than 4096 bytes": the start, and a caret at the cut */
		size_t shown = (size_t)show_len(l->text, l->len, SC_LONG_SHOW);
		err_add_line(p, &off, l->text, shown, 0);
		err_add(p, &off, "...\n  ");
		err_add_line(p, &off, l->text, shown, 1);
	} else {
		size_t before = col > 1 ? (size_t)col - 1 : 0;
		err_add_line(p, &off, l->text, l->len, 0);
		err_add(p, &off, "\n  ");
		err_add_line(p, &off, l->text, before < l->len ? before : l->len, 1);
		for (size_t i = l->len; i < before; i++)
			err_addc(p, &off, ' ');
	}
	err_addc(p, &off, '^');
	if (suggest)
		err_add(p, &off, "\n  did you mean '%s'?", suggest);
	return -1;
}

#define FAIL(p, col, suggest, ...) fail_at((p), &(p)->line, (col), (suggest), __VA_ARGS__)

static int fail_oom(struct parser *p)
{
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "%s: out of memory", p->name);
	return -1;
}

/* The column just after the last word of the line: where a missing argument goes. */
static int end_col(const struct parser *p)
{
	const char *t = p->line.text;
	size_t i = p->line.len;
	int in_string = 0;

	/* the end of the line before any comment (the line was tokenized: it is well-formed) */
	for (size_t j = 0; j < p->line.len; j++) {
		if (in_string && t[j] == '\\') {
			j++;
		} else if (t[j] == '"') {
			in_string = !in_string;
		} else if (!in_string && t[j] == '#') {
			i = j;
			break;
		}
	}
	while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\t'))
		i--;
	return (int)i + 1;
}

/* ------------------------------------------------------------ suggestions */

/* Optimal string alignment distance (edits, with swaps of neighbours), capped. */
static size_t edit_distance(const char *a, size_t n, const char *b, size_t m)
{
	size_t rows[3][40];
	size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];

	if (m >= COUNT_OF(rows[0]))
		return (size_t)-1;
	for (size_t j = 0; j <= m; j++)
		prev[j] = j;
	for (size_t i = 1; i <= n; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t d = prev[j - 1] + cost;
			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < d)
				d = pp[j - 2] + 1;
			cur[j] = d;
		}
		size_t *t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[m];
}

/*
 * The candidate closest to WORD (N bytes) when it is close enough to be a
 * slip of the keyboard: at most 2 edits, and at most a third of the word
 * (rounded up). NULL when none is.
 */
static const char *closest(const char *word, size_t n, const char *const *cands, size_t ncands)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;

	if (n > SC_SHOW_MAX)
		return NULL;
	for (size_t i = 0; i < ncands; i++) {
		size_t d = edit_distance(word, n, cands[i], strlen(cands[i]));
		if (d > 0 && d < best_d)
			best = cands[i], best_d = d;
	}
	if (best && best_d <= 2 && best_d * 3 <= n + 2)
		return best;
	return NULL;
}

/* "did you mean 'NAME=VALUE'?" for a misspelled option name. */
static const char *suggest_option(struct parser *p, const char *name, size_t n,
				  const char *const *cands, size_t ncands, const char *value,
				  size_t vlen)
{
	const char *c = closest(name, n, cands, ncands);
	if (!c)
		return NULL;
	snprintf(p->suggestion, sizeof(p->suggestion), "%s=%.*s%s", c, SHOW(value, vlen));
	return p->suggestion;
}

static int word_in(const char *w, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(w, list[i]) == 0)
			return (int)i;
	return -1;
}

/* ------------------------------------------------------------ lines and words */

/* Check the bytes of the current line: length, NUL, UTF-8, control characters. */
static int check_bytes(struct parser *p)
{
	const unsigned char *u = (const unsigned char *)p->line.text;
	size_t n = p->line.len;

	for (size_t i = 0; i < n;) {
		if (i >= SC_MAX_LINE)
			return FAIL(p, SC_MAX_LINE + 1, NULL, "line is longer than %d bytes",
				    SC_MAX_LINE);
		if (u[i] == 0)
			return FAIL(p, (int)i + 1, NULL, "NUL byte in the file");
		if (u[i] >= 0x80) {
			size_t k = utf8_seq_len(u + i, n - i);
			if (k == 0)
				return FAIL(p, (int)i + 1, NULL, "invalid UTF-8 (byte 0x%02x)", u[i]);
			i += k;
			continue;
		}
		if ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f)
			return FAIL(p, (int)i + 1, NULL,
				    "control character 0x%02x (only tabs and spaces separate words)",
				    u[i]);
		i++;
	}
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Split the current line into words and strings; a '#' outside a string ends it. */
static int tokenize(struct parser *p)
{
	const char *t = p->line.text;
	size_t n = p->line.len, i = 0;
	char *out = p->scratch;

	p->ntok = 0;
	while (i < n) {
		if (is_blank(t[i])) {
			i++;
			continue;
		}
		if (t[i] == '#')
			break;
		struct token *tok = &p->tok[p->ntok++];
		tok->col = (int)i + 1;
		tok->val = out;
		tok->quoted = t[i] == '"';
		if (tok->quoted) {
			size_t open = i++;
			for (;;) {
				if (i >= n)
					return FAIL(p, (int)open + 1, NULL, "unterminated string");
				if (t[i] == '"') {
					i++;
					break;
				}
				if (t[i] == '\\') {
					if (i + 1 >= n)
						return FAIL(p, (int)open + 1, NULL,
							    "unterminated string");
					char e = t[i + 1];
					if (e != '"' && e != '\\') {
						size_t len = utf8_seq_len((const unsigned char *)t + i + 1,
									  n - i - 1);
						return FAIL(p, (int)i + 1, NULL,
							    "bad escape '\\%.*s' in a string: only \\\" "
							    "and \\\\ are allowed",
							    (int)(len ? len : 1), t + i + 1);
					}
					*out++ = e;
					i += 2;
					continue;
				}
				*out++ = t[i++];
			}
			if (i < n && !is_blank(t[i]) && t[i] != '#')
				return FAIL(p, (int)i + 1, NULL,
					    "a space must follow the closing quote of a string");
		} else {
			while (i < n && !is_blank(t[i]) && t[i] != '#') {
				if (t[i] == '"')
					return FAIL(p, (int)i + 1, NULL,
						    "'\"' inside a word: a string starts after a space");
				*out++ = t[i++];
			}
		}
		tok->len = (size_t)(out - tok->val);
		*out++ = '\0';
	}
	return 0;
}

/* ------------------------------------------------------------ arguments */

/* Arguments from token FIRST on: exactly NARGS, else "missing" or "extra". */
static int check_missing(struct parser *p, size_t first, int nargs, const char *const *argname,
			 const char *cmd, const char *usage)
{
	size_t have = p->ntok - first;
	if (have < (size_t)nargs)
		return FAIL(p, end_col(p), NULL, "%s: missing %s (usage: %s)", cmd, argname[have],
			    usage);
	return 0;
}

static int check_extra(struct parser *p, size_t first, int nargs, const char *cmd,
		       const char *usage)
{
	if (p->ntok - first > (size_t)nargs) {
		const struct token *x = &p->tok[first + (size_t)nargs];
		if (x->quoted)
			return FAIL(p, x->col, NULL, "%s: extra argument, a string (usage: %s)", cmd,
				    usage);
		return FAIL(p, x->col, NULL, "%s: extra argument " SHOW_FMT " (usage: %s)", cmd,
			    SHOW(x->val, x->len), usage);
	}
	return 0;
}

/* A word, not a "string": keywords, paths, numbers and options are words. */
static int need_word(struct parser *p, const struct token *t, const char *cmd, const char *what)
{
	if (t->quoted)
		return FAIL(p, t->col, NULL, "%s: %s must be a word, not a quoted string", cmd, what);
	return 0;
}

static int need_path(struct parser *p, const struct token *t, const char *cmd)
{
	if (need_word(p, t, cmd, "PATH") < 0)
		return -1;
	if (t->val[0] != '/')
		return FAIL(p, t->col, NULL, "%s: path " SHOW_FMT " must start with '/'", cmd,
			    SHOW(t->val, t->len));
	return 0;
}

/*
 * A whole number in S (N bytes) between MIN and MAX into *OUT. Returns 0,
 * -1 when it is not a number, -2 when it is out of range.
 */
static int parse_number(const char *s, size_t n, long min, long max, long *out)
{
	size_t i = 0;
	int neg = 0;
	long v = 0;
	int big = 0;

	if (n > 0 && s[0] == '-')
		neg = 1, i = 1;
	if (i == n)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (max + 9) / 10)
			big = 1;
		else
			v = v * 10 + (s[i] - '0');
	}
	if (neg)
		v = -v;
	if (big || v < min || v > max)
		return -2;
	*out = v;
	return 0;
}

static int need_number(struct parser *p, const char *cmd, const char *s, size_t n, int col,
		       long min, long max, long *out)
{
	int rc = parse_number(s, n, min, max, out);
	if (rc == -1)
		return FAIL(p, col, NULL, "%s: bad number " SHOW_FMT, cmd, SHOW(s, n));
	if (rc == -2)
		return FAIL(p, col, NULL, "%s: %.*s%s is out of range %ld..%ld", cmd, SHOW(s, n),
			    min, max);
	return 0;
}

/* Check a glob's brackets; returns the byte offset of an unclosed '[' or -1. */
static long glob_unclosed(const char *g)
{
	for (const char *s = g; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
		} else if (*s == '[') {
			const char *c = s + 1;
			if (*c == '!' || *c == '^')
				c++;
			if (*c == ']')
				c++;
			while (*c && *c != ']')
				c++;
			if (!*c)
				return (long)(s - g);
			s = c;
		}
	}
	return -1;
}

/* ------------------------------------------------------------ steps */

static struct step *new_step(struct parser *p, enum step_kind kind)
{
	struct scenario *sc = p->sc;

	if (sc->nsteps == p->steps_cap) {
		size_t cap = p->steps_cap ? p->steps_cap * 2 : 16;
		struct step *s = realloc(sc->steps, cap * sizeof(*s));
		if (!s) {
			fail_oom(p);
			return NULL;
		}
		sc->steps = s;
		p->steps_cap = cap;
	}
	struct step *st = &sc->steps[sc->nsteps++];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	st->line = p->line.lineno;
	st->column = p->tok[0].col;
	st->connected = -1;
	st->text = xstrndup(p->line.text, p->line.len);
	return st;
}

/* "a, b, c or d": the N words of LIST, for messages. */
static const char *list_text(const char *const *list, size_t n, char *out, size_t outlen)
{
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && off < outlen; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int k = snprintf(out + off, outlen - off, "%s%s", sep, list[i]);
		if (k < 0)
			break;
		off += (size_t)k;
	}
	return out;
}

static size_t choices_count(const char *const *choices)
{
	size_t n = 0;
	while (choices[n])
		n++;
	return n;
}

/* A step whose arguments are the fixed list of its syntax, after the words of its name. */
static int parse_fixed(struct parser *p, const struct syntax *s)
{
	size_t first = 1 + (s->name[first_word_len(s->name)] != '\0');
	long number = 0;
	char list[128];

	/* the arguments there are, left to right; then too few or too many */
	for (int i = 0; i < s->nargs && first + (size_t)i < p->ntok; i++) {
		const struct token *t = &p->tok[first + (size_t)i];
		const struct arg *a = &s->arg[i];
		switch (a->type) {
		case ARG_TEXT:
			if (t->len == 0)
				return FAIL(p, t->col, NULL, "%s: %s is empty", s->name, a->name);
			break;
		case ARG_ANY_TEXT:
			break;
		case ARG_PATH:
			if (need_path(p, t, s->name) < 0)
				return -1;
			break;
		case ARG_NUMBER:
			if (need_word(p, t, s->name, a->name) < 0 ||
			    need_number(p, s->name, t->val, t->len, t->col, a->min, a->max,
					&number) < 0)
				return -1;
			break;
		case ARG_CHOICE: {
			size_t n = choices_count(a->choices);
			if (need_word(p, t, s->name, a->name) < 0)
				return -1;
			if (word_in(t->val, a->choices, n) < 0)
				return FAIL(p, t->col, closest(t->val, t->len, a->choices, n),
					    "%s: unknown %s " SHOW_FMT " (%s)", s->name, a->noun,
					    SHOW(t->val, t->len),
					    list_text(a->choices, n, list, sizeof(list)));
			break;
		}
		}
	}
	const char *argname[2] = {s->arg[0].name, s->arg[1].name};
	if (check_missing(p, first, s->nargs, argname, s->name, s->usage) < 0 ||
	    check_extra(p, first, s->nargs, s->name, s->usage) < 0)
		return -1;

	struct step *st = new_step(p, (enum step_kind)(s - steps));
	if (!st)
		return -1;
	char **out[2] = {&st->arg1, &st->arg2};
	size_t nout = 0;
	for (int i = 0; i < s->nargs; i++) {
		const struct token *t = &p->tok[first + (size_t)i];
		if (s->arg[i].type == ARG_NUMBER)
			st->number = number;
		else
			*out[nout++] = xstrndup(t->val, t->len);
	}
	return 0;
}

/* Which of the scenario's variants NAME (N bytes) is, or -1. */
static int scenario_variant_index(const struct scenario *sc, const char *name, size_t n)
{
	for (size_t i = 0; i < sc->nvariants; i++)
		if (strlen(sc->variants[i]) == n && strncmp(sc->variants[i], name, n) == 0)
			return (int)i;
	return -1;
}

static int known_variant(const struct parser *p, const char *name, size_t n)
{
	for (size_t i = 0; i < p->nnames; i++)
		if (strlen(p->names[i]) == n && strncmp(p->names[i], name, n) == 0)
			return 1;
	return 0;
}

/* The scenario's variants, "assign assign_new", for messages. */
static void variants_text(const struct scenario *sc, char *out, size_t outlen)
{
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sc->nvariants && off < outlen; i++) {
		int n = snprintf(out + off, outlen - off, "%s%s", i ? " " : "", sc->variants[i]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

#define MIX_COUNTS "either one N for every variant or VARIANT=N counts, not both"

static int parse_expect_queries(struct parser *p, const struct syntax *s)
{
	const char *cmd = s->name;
	struct token *phase = NULL, *source = NULL, *bare = NULL;
	/* the tokens of the V=N counts, in the order of the scenario's variants */
	struct token *per[SC_MAX_NAMES] = {0};
	struct token *first_per = NULL;
	long bare_n = 0, per_n[SC_MAX_NAMES] = {0};
	size_t nper = 0;
	const struct scenario *sc = p->sc;

	for (size_t i = 2; i < p->ntok; i++) {
		struct token *t = &p->tok[i];
		if (t->quoted)
			return FAIL(p, t->col, NULL,
				    "%s: unexpected quoted string (usage: %s)", cmd, s->usage);
		char *eq = memchr(t->val, '=', t->len);
		if (!eq) {
			if (!(t->val[0] >= '0' && t->val[0] <= '9') && t->val[0] != '-')
				return FAIL(p, t->col, NULL,
					    "%s: unexpected " SHOW_FMT " (usage: %s)",
					    cmd, SHOW(t->val, t->len), s->usage);
			if (first_per)
				return FAIL(p, t->col, NULL, "%s: " MIX_COUNTS, cmd);
			if (bare)
				return FAIL(p, t->col, NULL,
					    "%s: a second count " SHOW_FMT
					    " (one N for every variant, or VARIANT=N for each)",
					    cmd, SHOW(t->val, t->len));
			if (need_number(p, cmd, t->val, t->len, t->col, 0, SC_QUERIES_MAX, &bare_n) <
			    0)
				return -1;
			bare = t;
			continue;
		}
		size_t nlen = (size_t)(eq - t->val);
		const char *value = eq + 1;
		size_t vlen = t->len - nlen - 1;
		int vcol = t->col + (int)nlen + 1;
		int opt = nlen == 5 && strncmp(t->val, "phase", 5) == 0	   ? 0
			  : nlen == 6 && strncmp(t->val, "source", 6) == 0 ? 1
									   : -1;
		if (opt >= 0) {
			struct token **slot = opt == 0 ? &phase : &source;
			if (*slot)
				return FAIL(p, t->col, NULL, "%s: duplicate option '%s=' (first at column %d)",
					    cmd, queries_options[opt], (*slot)->col);
			if (vlen == 0)
				return FAIL(p, vcol, NULL, "%s: empty value for '%s='", cmd,
					    queries_options[opt]);
			if (opt == 0) {
				long at = glob_unclosed(value);
				if (at >= 0)
					return FAIL(p, vcol + (int)at, NULL,
						    "%s: unclosed '[' in the phase glob", cmd);
			}
			*slot = t;
			continue;
		}
		if (!known_variant(p, t->val, nlen)) {
			const char *cands[COUNT_OF(queries_options) + SC_MAX_NAMES];
			size_t nc = 0;
			for (size_t k = 0; k < COUNT_OF(queries_options); k++)
				cands[nc++] = queries_options[k];
			for (size_t k = 0; k < p->nnames; k++)
				cands[nc++] = p->names[k];
			return FAIL(p, t->col,
				    suggest_option(p, t->val, nlen, cands, nc, value, vlen),
				    "%s: unknown option or variant " SHOW_FMT, cmd,
				    SHOW(t->val, nlen));
		}
		int vi = scenario_variant_index(sc, t->val, nlen);
		if (vi < 0) {
			char list[128];
			variants_text(sc, list, sizeof(list));
			return FAIL(p, t->col, NULL,
				    "%s: variant '%.*s' is not one of this scenario's variants (%s)",
				    cmd, (int)nlen, t->val, list);
		}
		if (bare)
			return FAIL(p, t->col, NULL, "%s: " MIX_COUNTS, cmd);
		if (per[vi])
			return FAIL(p, t->col, NULL,
				    "%s: duplicate count for variant '%s' (first at column %d)", cmd,
				    sc->variants[vi], per[vi]->col);
		if (vlen == 0)
			return FAIL(p, vcol, NULL, "%s: missing number after '%.*s='", cmd, (int)nlen,
				    t->val);
		if (need_number(p, cmd, value, vlen, vcol, 0, SC_QUERIES_MAX, &per_n[vi]) < 0)
			return -1;
		per[vi] = t;
		if (!first_per)
			first_per = t;
		nper++;
	}
	if (!bare && !first_per)
		return FAIL(p, end_col(p), NULL, "%s: missing count (usage: %s)",
			    cmd, s->usage);

	struct step *st = new_step(p, STEP_EXPECT_QUERIES);
	if (!st)
		return -1;
	if (phase)
		st->phase_glob = xstrdup(strchr(phase->val, '=') + 1);
	if (source)
		st->source = xstrdup(strchr(source->val, '=') + 1);
	size_t n = bare ? 1 : nper;
	if (!(st->counts = calloc(n, sizeof(*st->counts))))
		return fail_oom(p);
	if (bare) {
		st->ncounts = 1;
		st->counts[0].variant = xstrdup("");
		st->counts[0].n = bare_n;
		return 0;
	}
	/* in the order they were written */
	for (size_t i = 2; i < p->ntok; i++) {
		for (size_t v = 0; v < sc->nvariants; v++) {
			if (per[v] != &p->tok[i])
				continue;
			struct expect_count *c = &st->counts[st->ncounts++];
			c->n = per_n[v];
			c->variant = xstrdup(sc->variants[v]);
		}
	}
	return 0;
}

static int parse_expect_assign_new(struct parser *p, const struct syntax *s)
{
	const char *cmd = s->name;
	char list[128];
	struct token *from = NULL, *view = NULL, *state = NULL;
	int connected = -1, source = -1;

	if (p->ntok < 3)
		return FAIL(p, end_col(p), NULL, "%s: missing KEY (usage: %s)",
			    cmd, s->usage);
	struct token *key = &p->tok[2];
	if (need_word(p, key, cmd, "KEY") < 0)
		return -1;
	if (memchr(key->val, '=', key->len))
		return FAIL(p, key->col, NULL,
			    "%s: missing KEY before " SHOW_FMT " (usage: %s)", cmd,
			    SHOW(key->val, key->len), s->usage);

	for (size_t i = 3; i < p->ntok; i++) {
		struct token *t = &p->tok[i];
		if (t->quoted)
			return FAIL(p, t->col, NULL,
				    "%s: unexpected quoted string (usage: %s)",
				    cmd, s->usage);
		char *eq = memchr(t->val, '=', t->len);
		if (!eq) {
			int dc = word_in(t->val, dead_connected, COUNT_OF(dead_connected));
			if (dc < 0)
				return FAIL(p, t->col,
					    closest(t->val, t->len, dead_connected,
						    COUNT_OF(dead_connected)),
					    "%s: unexpected " SHOW_FMT " (usage: %s)",
					    cmd, SHOW(t->val, t->len), s->usage);
			if (state)
				return FAIL(p, t->col, NULL,
					    "%s: '%s' after '%s': at most one of dead|connected", cmd,
					    t->val, state->val);
			state = t;
			connected = dc;
			continue;
		}
		size_t nlen = (size_t)(eq - t->val);
		const char *value = eq + 1;
		size_t vlen = t->len - nlen - 1;
		int vcol = t->col + (int)nlen + 1;
		int opt = nlen == 4 && strncmp(t->val, "from", 4) == 0	 ? 0
			  : nlen == 4 && strncmp(t->val, "view", 4) == 0 ? 1
									 : -1;
		if (opt < 0)
			return FAIL(p, t->col,
				    suggest_option(p, t->val, nlen, assign_new_options,
						   COUNT_OF(assign_new_options), value, vlen),
				    "%s: unknown option " SHOW_FMT " (usage: %s)",
				    cmd, SHOW(t->val, t->len), s->usage);
		struct token **slot = opt == 0 ? &from : &view;
		if (*slot)
			return FAIL(p, t->col, NULL, "%s: duplicate option '%s=' (first at column %d)",
				    cmd, assign_new_options[opt], (*slot)->col);
		if (vlen == 0)
			return FAIL(p, vcol, NULL, "%s: empty value for '%s='", cmd,
				    assign_new_options[opt]);
		if (opt == 0) {
			size_t ns = choices_count(assign_sources);
			source = word_in(value, assign_sources, ns);
			if (source < 0)
				return FAIL(p, vcol, closest(value, vlen, assign_sources, ns),
					    "%s: unknown source " SHOW_FMT " (%s)", cmd,
					    SHOW(value, vlen),
					    list_text(assign_sources, ns, list, sizeof(list)));
		}
		*slot = t;
	}
	if (!from)
		return FAIL(p, end_col(p), NULL,
			    "%s: missing from=SOURCE (usage: %s)", cmd, s->usage);

	struct step *st = new_step(p, STEP_EXPECT_ASSIGN_NEW);
	if (!st)
		return -1;
	st->connected = connected;
	st->arg1 = xstrndup(key->val, key->len);
	st->arg2 = xstrdup(assign_sources[source]);
	if (view)
		st->view = xstrdup(strchr(view->val, '=') + 1);
	return 0;
}

/* ------------------------------------------------------------ header lines */

static int parse_variants(struct parser *p)
{
	static const char *const argname[] = {"VARIANT"};
	const char *usage = "variants VARIANT...";
	struct scenario *sc = p->sc;
	int seen[SC_MAX_NAMES] = {0};
	size_t order[SC_MAX_NAMES];
	char list[128];
	size_t n = 0;

	for (size_t i = 1; i < p->ntok; i++) {
		struct token *t = &p->tok[i];
		if (need_word(p, t, "variants", "VARIANT") < 0)
			return -1;
		int v = word_in(t->val, p->names, p->nnames);
		if (v < 0)
			return FAIL(p, t->col, closest(t->val, t->len, p->names, p->nnames),
				    "variants: unknown variant " SHOW_FMT " (%s)", SHOW(t->val, t->len),
				    list_text(p->names, p->nnames, list, sizeof(list)));
		if (seen[v])
			return FAIL(p, t->col, NULL, "variants: duplicate variant '%s' (first at column %d)",
				    p->names[v], seen[v]);
		seen[v] = t->col;
		order[n++] = (size_t)v;
	}
	if (check_missing(p, 1, 1, argname, "variants", usage) < 0)
		return -1;
	if (!(sc->variants = calloc(n, sizeof(*sc->variants))))
		return fail_oom(p);
	for (size_t i = 0; i < n; i++) {
		sc->variants[i] = xstrdup(p->names[order[i]]);
		sc->nvariants++;
	}
	return 0;
}

/* title "TEXT" or description "TEXT" into *OUT. */
static int parse_text_header(struct parser *p, const char *name, char **out)
{
	static const char *const argname[] = {"TEXT"};
	char usage[32];

	snprintf(usage, sizeof(usage), "%s \"TEXT\"", name);
	if (p->ntok > 1 && p->tok[1].len == 0)
		return FAIL(p, p->tok[1].col, NULL, "%s: TEXT is empty", name);
	if (check_missing(p, 1, 1, argname, name, usage) < 0 ||
	    check_extra(p, 1, 1, name, usage) < 0)
		return -1;
	*out = xstrndup(p->tok[1].val, p->tok[1].len);
	return 0;
}

static int parse_header(struct parser *p, const char *name, int *seen_line)
{
	if (p->first_step_line)
		return FAIL(p, p->tok[0].col, NULL,
			    "'%s' after the first step (line %d): title, description and "
			    "variants come first",
			    name, p->first_step_line);
	if (*seen_line)
		return FAIL(p, p->tok[0].col, NULL, "duplicate '%s' line (the first is line %d)",
			    name, *seen_line);
	*seen_line = p->line.lineno;
	if (strcmp(name, "variants") == 0)
		return parse_variants(p);
	if (strcmp(name, "title") == 0) {
		p->title_at = p->line;
		p->title_col = p->tok[0].col;
		return parse_text_header(p, name, &p->sc->title);
	}
	return parse_text_header(p, name, &p->sc->description);
}

/* ------------------------------------------------------------ lines */

static int missing_title(struct parser *p)
{
	return fail_at(p, &p->first, 1, NULL,
		       "missing title: a line 'title \"TEXT\"' must come before the first step");
}

/* Before the first step: the title must be there; the variants take their default. */
static int start_steps(struct parser *p)
{
	struct scenario *sc = p->sc;

	if (!p->title_line)
		return missing_title(p);
	p->first_step_line = p->line.lineno;
	if (sc->nvariants)
		return 0;
	if (!(sc->variants = calloc(2, sizeof(*sc->variants))))
		return fail_oom(p);
	for (size_t i = 0; i < 2; i++) {
		sc->variants[i] = xstrdup(variant_names[i]);
		sc->nvariants++;
	}
	return 0;
}

/* "did you mean" for an unknown first word: a header's, or the first word of a step. */
static const char *suggest_line_word(struct parser *p, const struct token *w)
{
	const char *cands[COUNT_OF(header_words) + STEP_KIND_COUNT];
	char words[STEP_KIND_COUNT][32];
	size_t n = 0;

	for (size_t i = 0; i < COUNT_OF(header_words); i++)
		cands[n++] = header_words[i];
	for (size_t k = 0; k < STEP_KIND_COUNT; k++) {
		snprintf(words[k], sizeof(words[k]), "%.*s", (int)first_word_len(steps[k].name),
			 steps[k].name);
		if (word_in(words[k], cands, n) < 0)
			cands[n++] = words[k];
	}
	const char *c = closest(w->val, w->len, cands, n);
	if (!c)
		return NULL;
	snprintf(p->suggestion, sizeof(p->suggestion), "%s", c);
	return p->suggestion;
}

/*
 * The expectations are the steps named "expect KIND": the second word picks
 * the entry of the table.
 */
static int parse_expect(struct parser *p)
{
	const char *kinds[STEP_KIND_COUNT];
	const struct syntax *of[STEP_KIND_COUNT];
	size_t n = 0;
	char list[128], usage[128];

	for (size_t k = 0; k < STEP_KIND_COUNT; k++) {
		if (strncmp(steps[k].name, "expect ", 7) == 0) {
			of[n] = &steps[k];
			kinds[n++] = steps[k].name + 7;
		}
	}
	if (p->ntok < 2) {
		size_t off = 0;
		for (size_t i = 0; i < n && off < sizeof(usage); i++) {
			int k = snprintf(usage + off, sizeof(usage) - off, "%s%s", i ? "|" : "",
					 kinds[i]);
			if (k < 0)
				break;
			off += (size_t)k;
		}
		return FAIL(p, end_col(p), NULL, "expect: missing KIND (usage: expect %s ...)",
			    usage);
	}
	struct token *k = &p->tok[1];
	if (need_word(p, k, "expect", "KIND") < 0)
		return -1;
	int kind = word_in(k->val, kinds, n);
	if (kind < 0)
		return FAIL(p, k->col, closest(k->val, k->len, kinds, n),
			    "unknown expectation " SHOW_FMT " (%s)", SHOW(k->val, k->len),
			    list_text(kinds, n, list, sizeof(list)));
	const struct syntax *s = of[kind];
	return s->parse ? s->parse(p, s) : parse_fixed(p, s);
}

static int parse_line(struct parser *p)
{
	struct token *w = &p->tok[0];

	if (w->quoted)
		return FAIL(p, w->col, NULL, "a line starts with a command, not a quoted string");
	if (strcmp(w->val, "title") == 0)
		return parse_header(p, "title", &p->title_line);
	if (strcmp(w->val, "description") == 0)
		return parse_header(p, "description", &p->description_line);
	if (strcmp(w->val, "variants") == 0)
		return parse_header(p, "variants", &p->variants_line);

	const struct syntax *s = NULL;
	for (size_t k = 0; k < STEP_KIND_COUNT; k++)
		if (strcmp(w->val, steps[k].name) == 0)
			s = &steps[k];
	if (!s && strcmp(w->val, "expect") != 0)
		return FAIL(p, w->col, suggest_line_word(p, w), "unknown command " SHOW_FMT,
			    SHOW(w->val, w->len));
	if (!p->first_step_line && start_steps(p) < 0)
		return -1;
	if (!s)
		return parse_expect(p);
	return s->parse ? s->parse(p, s) : parse_fixed(p, s);
}

static int only_blanks(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_blank(text[i]) && text[i] != '\n' && text[i] != '\r')
			return 0;
	return 1;
}

static int parse_text(struct parser *p, const char *text, size_t len)
{
	size_t pos = 0;
	int lineno = 0;

	p->first.text = text;
	p->first.len = 0;
	p->first.lineno = 1;
	if (only_blanks(text, len)) {
		const char *nl = memchr(text, '\n', len);
		p->first.len = nl ? (size_t)(nl - text) : len;
		if (p->first.len && text[p->first.len - 1] == '\r')
			p->first.len--;
		return fail_at(p, &p->first, 1, NULL,
			       "empty file: a scenario needs a title and at least one step");
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;

		p->line.text = text + pos;
		p->line.len = end - pos;
		p->line.lineno = ++lineno;
		/* a CRLF file reads like an LF one */
		if (p->line.len && p->line.text[p->line.len - 1] == '\r')
			p->line.len--;
		if (lineno == 1)
			p->first = p->line;
		if (check_bytes(p) < 0 || tokenize(p) < 0)
			return -1;
		if (p->ntok > 0 && parse_line(p) < 0)
			return -1;
		pos = end + 1;
	}
	if (!p->title_line)
		return missing_title(p);
	if (p->sc->nsteps == 0)
		return fail_at(p, &p->title_at, p->title_col, NULL,
			       "no steps: a scenario needs at least one step after its header");
	return 0;
}

static int parse_buffer(const char *name, const char *text, size_t len, const char *const *names,
			size_t nnames, struct scenario *sc, char *err, size_t errlen)
{
	struct parser p = {.name = name ? name : "(scenario)", .sc = sc, .err = err,
			   .errlen = errlen, .names = names, .nnames = nnames};
	int rc = -1;

	memset(sc, 0, sizeof(*sc));
	if (err && errlen)
		err[0] = '\0';
	p.tok = calloc(SC_MAX_TOKENS, sizeof(*p.tok));
	p.scratch = malloc(2 * SC_MAX_LINE + 2);
	sc->path = xstrdup(p.name);
	if (!p.tok || !p.scratch) {
		fail_oom(&p);
		goto out;
	}
	rc = parse_text(&p, text ? text : "", text ? len : 0);
out:
	free(p.tok);
	free(p.scratch);
	if (rc < 0)
		scenario_release(sc);
	return rc;
}

/* ------------------------------------------------------------ public */

int scenario_parse_string(const char *name, const char *text, struct scenario *sc, char *err,
			  size_t errlen)
{
	return parse_buffer(name, text, text ? strlen(text) : 0, variant_names, (size_t)VARIANT_COUNT,
			    sc, err, errlen);
}

int scenario_parse_with_variants(const char *name, const char *text, const char *const *names,
				 size_t nnames, struct scenario *sc, char *err, size_t errlen)
{
	if (nnames > SC_MAX_NAMES) {
		memset(sc, 0, sizeof(*sc));
		snprintf(err, errlen, "%s: more than %d variants", name ? name : "(scenario)",
			 SC_MAX_NAMES);
		return -1;
	}
	return parse_buffer(name, text, text ? strlen(text) : 0, names, nnames, sc, err, errlen);
}

int scenario_parse_file(const char *path, struct scenario *sc, char *err, size_t errlen)
{
	/* not blocking: a FIFO with no writer would hold the open forever */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat sb;
	FILE *fp = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc = -1;

	memset(sc, 0, sizeof(*sc));
	if (fd < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		/* a scenario is a file: a FIFO, a device or a directory would be read forever or not at all */
		snprintf(err, errlen, "cannot read '%s': not a regular file (%s)", path,
			 S_ISFIFO(sb.st_mode) ? "a FIFO" : S_ISDIR(sb.st_mode) ? "a directory" : "a device or socket");
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if (!(fp = fdopen(fd, "rb"))) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!(buf = malloc(SC_MAX_FILE + 1))) {
		snprintf(err, errlen, "cannot read '%s': out of memory", path);
		goto out;
	}
	len = fread(buf, 1, SC_MAX_FILE + 1, fp);
	if (ferror(fp)) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if (len > SC_MAX_FILE) {
		snprintf(err, errlen, "cannot read '%s': larger than %d bytes", path, SC_MAX_FILE);
		goto out;
	}
	/* a UTF-8 byte order mark (some Windows editors write one) is not part of the text */
	size_t skip = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	rc = parse_buffer(path, buf + skip, len - skip, variant_names, (size_t)VARIANT_COUNT, sc, err,
			  errlen);
out:
	free(buf);
	fclose(fp);
	return rc;
}

void scenario_release(struct scenario *sc)
{
	if (!sc)
		return;
	for (size_t i = 0; i < sc->nsteps; i++) {
		struct step *st = &sc->steps[i];
		free(st->text);
		free(st->arg1);
		free(st->arg2);
		free(st->phase_glob);
		free(st->source);
		for (size_t j = 0; j < st->ncounts; j++)
			free(st->counts[j].variant);
		free(st->counts);
		free(st->view);
	}
	free(sc->steps);
	for (size_t i = 0; i < sc->nvariants; i++)
		free(sc->variants[i]);
	free(sc->variants);
	free(sc->path);
	free(sc->title);
	free(sc->description);
	memset(sc, 0, sizeof(*sc));
}

/* ------------------------------------------------------------ paths */

char *scenario_variant_path(const char *path, const char *variant)
{
	const char *seg = path[0] == '/' ? path + 1 : path;
	size_t n = strcspn(seg, "/?#");
	int keep = path[0] == '/' && n == 0; /* "/", "/?x" */

	if (path[0] == '/' && n == 5 && strncmp(seg, "users", 5) == 0)
		keep = 1;
	for (size_t i = 0; path[0] == '/' && i < (size_t)VARIANT_COUNT; i++) {
		size_t vl = strlen(variant_names[i]);
		if (strncmp(seg, variant_names[i], vl) != 0)
			continue;
		if (n == vl || (n == vl + 8 && strncmp(seg + vl, "_archive", 8) == 0))
			keep = 1;
	}
	size_t plen = strlen(path), vlen = strlen(variant);
	char *out = malloc(plen + vlen + 3);
	if (!out)
		return NULL;
	if (keep)
		memcpy(out, path, plen + 1);
	else
		snprintf(out, plen + vlen + 3, "/%s%s%s", variant, path[0] == '/' ? "" : "/", path);
	return out;
}

/* ------------------------------------------------------------ globs */

int scenario_glob_match(const char *glob, const char *text)
{
	/* the shell's patterns: '*' crosses '/' and ':' (no FNM_PATHNAME), so
	 * "mount:dead*" takes the hooks inside the mount too; phase names are
	 * ASCII, so how the locale counts characters does not matter */
	return fnmatch(glob, text, 0) == 0;
}
