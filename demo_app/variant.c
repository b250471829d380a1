/*
 * variant.c: the table of variants. What each does in mount is the
 * LiveView layer's; this file only names and describes them.
 */
#include "variant.h"

#include <string.h>

#include "util.h"

const struct variant variants[] = {
	{"assign", "mount calls assign(socket, :current_user, ...): a query on every mount"},
	{"assign_new", "mount calls assign_new: the dead mount reuses conn.assigns"},
	{"on_mount", "a live_session on_mount hook does the assign_new (Phoenix 1.7)"},
	{"on_mount_assign", "the hook AND a naive assign in mount: the user loaded twice"},
};
const size_t variant_count = ARRAY_LEN(variants);

const struct variant *variant_find(const char *name, size_t len)
{
	for (size_t i = 0; i < variant_count; i++)
		if (strlen(variants[i].name) == len && strncmp(variants[i].name, name, len) == 0)
			return &variants[i];
	return NULL;
}
