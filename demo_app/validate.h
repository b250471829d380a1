/*
 * validate.h: phx.gen.auth's registration checks (User.registration_changeset),
 * with its messages, in its order. No database access: the uniqueness check
 * is the controller's, since it is a query.
 */
#ifndef LVDEMO_VALIDATE_H
#define LVDEMO_VALIDATE_H

#define VALIDATE_MAX_ERRORS 4

struct field_errors {
	int n;
	const char *msg[VALIDATE_MAX_ERRORS]; /* static strings */
};

struct registration_errors {
	struct field_errors email;
	struct field_errors password;
};

#define MSG_BLANK "can't be blank"
#define MSG_EMAIL_FORMAT "must have the @ sign and no spaces"
#define MSG_EMAIL_LONG "should be at most 160 character(s)"
#define MSG_PASSWORD_SHORT "should be at least 12 character(s)"
#define MSG_PASSWORD_LONG "should be at most 72 character(s)"
#define MSG_PASSWORD_BYTES "should be at most 72 byte(s)"
#define MSG_TAKEN "has already been taken"
#define MSG_INVALID_LOGIN "Invalid email or password"

/*
 * The checks that need no query: required, email format and length,
 * password length in characters. EMAIL and PASSWORD may be NULL (absent).
 */
void validate_registration(const char *email, const char *password, struct registration_errors *e);

/* 1 when the email has no error yet, so the uniqueness query should run. */
int validate_email_ok(const struct registration_errors *e);

/*
 * The last check, made only once all else is valid (phx.gen.auth runs it just
 * before hashing): the password must fit bcrypt's 72 bytes.
 */
void validate_password_bytes(const char *password, struct registration_errors *e);

void field_errors_add(struct field_errors *f, const char *msg);
int registration_valid(const struct registration_errors *e);

/* 1 when S is absent, empty or only white space (Ecto's validate_required). */
int is_blank(const char *s);

#endif
