/*
 * validate.c: registration validation, in the order phx.gen.auth 1.7 runs
 * it: validate_email (required, format, max 160), then validate_password
 * (required, 12..72 characters); the 72-byte check comes last, once
 * everything else (uniqueness included) holds.
 *
 * Lengths count Unicode code points; Ecto counts graphemes, which differ
 * only for combining sequences.
 */
#include "validate.h"

#include <string.h>

#include "util.h"

void field_errors_add(struct field_errors *f, const char *msg)
{
	if (f->n < VALIDATE_MAX_ERRORS)
		f->msg[f->n++] = msg;
}

/* The white space of PCRE's \s (without Unicode mode) */
static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int is_blank(const char *s)
{
	if (!s)
		return 1;
	for (; *s; s++)
		if (!is_space(*s))
			return 0;
	return 1;
}

/* ~r/^[^\s]+@[^\s]+$/ : no white space anywhere, an @ with something on each side */
static int email_format_ok(const char *email)
{
	size_t n = strlen(email);

	for (size_t i = 0; i < n; i++)
		if (is_space(email[i]))
			return 0;
	/* [^\s]+ is greedy and may contain '@': any '@' not first or last will do */
	for (size_t i = 1; i + 1 < n; i++)
		if (email[i] == '@')
			return 1;
	return 0;
}

void validate_registration(const char *email, const char *password, struct registration_errors *e)
{
	memset(e, 0, sizeof(*e));

	if (is_blank(email)) {
		field_errors_add(&e->email, MSG_BLANK);
	} else {
		if (!email_format_ok(email))
			field_errors_add(&e->email, MSG_EMAIL_FORMAT);
		if (utf8_length(email) > 160)
			field_errors_add(&e->email, MSG_EMAIL_LONG);
	}

	if (is_blank(password)) {
		field_errors_add(&e->password, MSG_BLANK);
	} else {
		size_t n = utf8_length(password);
		if (n < 12)
			field_errors_add(&e->password, MSG_PASSWORD_SHORT);
		else if (n > 72)
			field_errors_add(&e->password, MSG_PASSWORD_LONG);
	}
}

int validate_email_ok(const struct registration_errors *e)
{
	return e->email.n == 0;
}

void validate_password_bytes(const char *password, struct registration_errors *e)
{
	if (registration_valid(e) && password && strlen(password) > 72)
		field_errors_add(&e->password, MSG_PASSWORD_BYTES);
}

int registration_valid(const struct registration_errors *e)
{
	return e->email.n == 0 && e->password.n == 0;
}
