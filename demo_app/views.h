/*
 * views.h: lvdemo's HTML pages. Every value from a user or the database
 * goes through buf_add_html; the views never touch the session or the
 * database themselves.
 */
#ifndef LVDEMO_VIEWS_H
#define LVDEMO_VIEWS_H

#include "util.h"
#include "validate.h"

/* What the layout needs to know about the request. */
struct page {
	const char *title;
	const char *csrf_token; /* masked, for the meta tag and forms */
	const char *user_email; /* NULL when logged out */
	const char *flash_info;
	const char *flash_error;
	int live; /* loads LiveView's JavaScript client */
};

/* Wrap CONTENT in the layout into OUT. */
void view_layout(struct buf *out, const struct page *page, const char *content);

void view_home(struct buf *out, const struct page *page);
void view_register(struct buf *out, const struct page *page, const char *email,
		   const struct registration_errors *errors);
void view_log_in(struct buf *out, const struct page *page, const char *email, const char *error);
void view_not_found(struct buf *out, const struct page *page, const char *path);

#endif
