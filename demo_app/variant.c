/*
 * variant.c: the table of variants. What a variant's choices mean in mount
 * is live_view.c's business; this file only states them.
 */
#include "variant.h"

#include <string.h>

#include "util.h"

const struct variant variants[] = {
	{"assign", "mount calls assign(socket, :current_user, ...): a query on every mount", 0,
	 MOUNT_ASSIGN},
	{"assign_new", "mount calls assign_new: the dead mount reuses conn.assigns", 0,
	 MOUNT_ASSIGN_NEW},
	{"on_mount", "a live_session on_mount hook does the assign_new (Phoenix 1.7)", 1,
	 MOUNT_ASSIGN_NEW},
	{"on_mount_assign", "the hook AND a naive assign in mount: the user loaded twice", 1,
	 MOUNT_ASSIGN},
};
const size_t variant_count = ARRAY_LEN(variants);

const struct variant *variant_find(const char *name, size_t len)
{
	for (size_t i = 0; i < variant_count; i++)
		if (strlen(variants[i].name) == len && strncmp(variants[i].name, name, len) == 0)
			return &variants[i];
	return NULL;
}
