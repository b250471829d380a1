/*
 * scenario.h: the .scenario language (docs/scenarios.md, lvtrace-scenario(5)):
 * an instructor's script that is also a regression test. This module parses
 * and checks a file; running it is runner.c's.
 */
#ifndef LVTRACE_SCENARIO_H
#define LVTRACE_SCENARIO_H

#include <stddef.h>

enum step_kind {
	STEP_REGISTER,	      /* register EMAIL PASSWORD */
	STEP_LOGIN,	      /* login EMAIL PASSWORD */
	STEP_LOGOUT,	      /* logout */
	STEP_VISIT,	      /* visit PATH */
	STEP_CONNECT,	      /* connect */
	STEP_CLICK,	      /* click EVENT */
	STEP_PATCH,	      /* patch PATH */
	STEP_NAVIGATE,	      /* navigate PATH */
	STEP_DISCONNECT,      /* disconnect */
	STEP_RECONNECT,	      /* reconnect */
	STEP_EXPIRE_TOKEN,    /* expire-token */
	STEP_WAIT,	      /* wait MS */
	STEP_MARK,	      /* mark "label" */
	STEP_NOTE,	      /* note "text" */
	STEP_EXPECT_QUERIES,  /* expect queries [phase=GLOB] [source=TABLE] (N | V=N ...) */
	STEP_EXPECT_STATUS,   /* expect status CODE */
	STEP_EXPECT_REDIRECT, /* expect redirect PATH */
	STEP_EXPECT_JOIN,     /* expect join ok|stale|unauthorized|redirect|live_redirect */
	STEP_EXPECT_ASSIGN_NEW, /* expect assign_new KEY from=SOURCE [view=VIEW] [dead|connected] */
	STEP_KIND_COUNT
};

/* One count of an "expect queries": VARIANT "" means every variant. */
struct expect_count {
	char *variant;
	long n;
};

struct step {
	enum step_kind kind;
	int line;   /* 1-based line of the step in its file */
	int column; /* 1-based column of its first word */
	char *text; /* the whole line as written, for messages */

	/* arguments, by kind:
	 * register/login: arg1 = email, arg2 = password
	 * visit/patch/navigate: arg1 = path as written
	 * click: arg1 = event
	 * mark/note: arg1 = label or text
	 * expect redirect: arg1 = path; expect join: arg1 = result
	 * expect assign_new: arg1 = key, arg2 = from, view = VIEW or NULL */
	char *arg1;
	char *arg2;
	long number; /* wait: milliseconds; expect status: the code */

	/* expect queries */
	char *phase_glob; /* NULL: any phase */
	char *source;	  /* NULL: any table */
	struct expect_count *counts;
	size_t ncounts;

	/* expect assign_new */
	char *view;
	int connected; /* -1 either, 0 dead, 1 connected */
};

struct scenario {
	char *path; /* the file name as given */
	char *title;
	char *description; /* NULL when none */
	char **variants;   /* column order; default: assign assign_new */
	size_t nvariants;
	struct step *steps;
	size_t nsteps;
};

/*
 * Parse the file at PATH into SC. Returns 0, or -1 with ERR holding a
 * complete message: "PATH:LINE:COLUMN: what is wrong", then the line, a
 * caret under the column, and a suggestion where there is one ("did you
 * mean 'navigate'?"). Nothing in SC needs releasing after -1.
 */
int scenario_parse_file(const char *path, struct scenario *sc, char *err, size_t errlen);
/* The same for TEXT, reported as NAME. */
int scenario_parse_string(const char *name, const char *text, struct scenario *sc, char *err,
			  size_t errlen);
/*
 * The same with NAMES (NNAMES of them, at most 16) in place of
 * lvdemo's as the variants a variants line and a V=N count may name: an
 * expectation checked against the trace of an app whose variants are its
 * own (lvtrace expect).
 */
int scenario_parse_with_variants(const char *name, const char *text, const char *const *names,
				 size_t nnames, struct scenario *sc, char *err, size_t errlen);
void scenario_release(struct scenario *sc);

/* "register", "expect queries", ...: the words that start a step of KIND. */
const char *step_kind_name(enum step_kind kind);

/*
 * The path a step uses for VARIANT: "/" and "/users/..." as written, a path
 * whose first segment names a variant (or a variant's "_archive" live_session)
 * as written, any other path with the variant's prefix ("/mission" gives
 * "/assign/mission"). Returns a new string.
 */
char *scenario_variant_path(const char *path, const char *variant);

/* 1 when TEXT matches the shell-style GLOB (*, ? and [...]), else 0. */
int scenario_glob_match(const char *glob, const char *text);

#endif
