/*
 * variant.h: the four ways of loading current_user that lvdemo compares.
 * One table, for both programs: lvdemo's routes, pages and LiveView
 * lifecycle read it, lvtrace's scenarios and runner too, so a variant is
 * data, not a copy of code or of its name.
 */
#ifndef LVTRACE_COMMON_VARIANT_H
#define LVTRACE_COMMON_VARIANT_H

#include <stddef.h>

/* What mount itself does with current_user. */
enum mount_user {
	MOUNT_ASSIGN,	  /* assign(socket, :current_user, get_user_by_session_token(...)) */
	MOUNT_ASSIGN_NEW, /* assign_new(socket, :current_user, fn -> ... end) */
};

struct variant {
	const char *name;    /* route prefix, live_session and trace "variant" */
	const char *summary; /* one line for the landing page */
	int on_mount_hook;   /* the live_session runs {UserAuth, :mount_current_user} */
	enum mount_user mount_user;
};

#define VARIANT_COUNT 4

extern const struct variant variants[VARIANT_COUNT];
extern const size_t variant_count; /* VARIANT_COUNT */

/* The names, in the table's order (for word lists and suggestions). */
extern const char *const *const variant_names;

/*
 * 1 when NAME can be a variant's name in a trace and a scenario's word: 1
 * to 31 letters, digits, '_', '-' or '.' (what lvtrace import --variant
 * takes, and an expectation may name).
 */
int variant_name_ok(const char *name);

/* The variant named NAME (LEN bytes), or NULL. */
const struct variant *variant_find(const char *name, size_t len);

#endif
