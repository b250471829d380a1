/*
 * variant.c: the table of variants, for both programs. What a variant's
 * choices mean in mount is lvdemo's live_view.c's business; this file only
 * states them.
 */
#include "variant.h"

#include <string.h>

#include "util.h"

/* each name once: the table and the list of names use these */
#define ASSIGN "assign"
#define ASSIGN_NEW "assign_new"
#define ON_MOUNT "on_mount"
#define ON_MOUNT_ASSIGN "on_mount_assign"

const struct variant variants[VARIANT_COUNT] = {
	{ASSIGN, "mount calls assign(socket, :current_user, ...): a query on every mount", 0,
	 MOUNT_ASSIGN},
	{ASSIGN_NEW, "mount calls assign_new: the dead mount reuses conn.assigns", 0, MOUNT_ASSIGN_NEW},
	{ON_MOUNT, "a live_session on_mount hook does the assign_new (Phoenix 1.7)", 1,
	 MOUNT_ASSIGN_NEW},
	{ON_MOUNT_ASSIGN, "the hook AND a naive assign in mount: the user loaded twice", 1,
	 MOUNT_ASSIGN},
};
const size_t variant_count = ARRAY_LEN(variants);

static const char *const names[VARIANT_COUNT] = {ASSIGN, ASSIGN_NEW, ON_MOUNT, ON_MOUNT_ASSIGN};
const char *const *const variant_names = names;

const struct variant *variant_find(const char *name, size_t len)
{
	for (size_t i = 0; i < variant_count; i++)
		if (strlen(variants[i].name) == len && strncmp(variants[i].name, name, len) == 0)
			return &variants[i];
	return NULL;
}

int variant_name_ok(const char *name)
{
	size_t n = strlen(name);
	return n > 0 && n < 32 &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == n;
}
