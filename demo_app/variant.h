/*
 * variant.h: the four ways of loading current_user that lvdemo compares.
 * One table, so that pages, routes and (later) LiveViews are made from data.
 */
#ifndef LVDEMO_VARIANT_H
#define LVDEMO_VARIANT_H

#include <stddef.h>

struct variant {
	const char *name;    /* route prefix and trace "variant", e.g. "assign_new" */
	const char *summary; /* one line for the landing page */
};

extern const struct variant variants[];
extern const size_t variant_count;

/* The variant named NAME (LEN bytes), or NULL. */
const struct variant *variant_find(const char *name, size_t len);

#endif
