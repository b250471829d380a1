/*
 * accounts.h: phx.gen.auth's Accounts context on SQLite: users and their
 * session tokens. Each function runs its statements through db.c, so each
 * shows up in the trace with this file as its caller.
 */
#ifndef LVDEMO_ACCOUNTS_H
#define LVDEMO_ACCOUNTS_H

#include <sqlite3.h>

#include "db.h"
#include "session.h"

#define SESSION_VALIDITY_DAYS 60

struct user {
	long long id;
	char *email;
	char *hashed_password;
	char *inserted_at;
};

struct accounts {
	struct db *db;
	sqlite3_stmt *by_session_token;
	sqlite3_stmt *by_email;
	sqlite3_stmt *email_taken;
	sqlite3_stmt *insert_user;
	sqlite3_stmt *insert_token;
	sqlite3_stmt *delete_token;
	sqlite3_stmt *age_token;
	sqlite3_stmt *get_secret;
	sqlite3_stmt *put_secret;
};

/* Prepare the statements. Returns 0 or -1. */
int accounts_init(struct accounts *a, struct db *db);

void user_free(struct user *u);

/* The user holding a valid (under 60 days) session token, or NULL. */
struct user *accounts_get_user_by_session_token(struct accounts *a,
						const unsigned char token[USER_TOKEN_LEN]);
/* The user with EMAIL (case-insensitive), or NULL. */
struct user *accounts_get_user_by_email(struct accounts *a, const char *email);
/* 1 when EMAIL is taken, 0 when free, -1 on error (unsafe_validate_unique). */
int accounts_email_taken(struct accounts *a, const char *email);

#define ACCOUNTS_TAKEN (-2)
/* Insert a user. Returns 0 with *ID set, ACCOUNTS_TAKEN, or -1. */
int accounts_insert_user(struct accounts *a, const char *email, const char *hashed_password,
			 long long *id);
/* Create a session token for USER_ID into TOKEN. Returns 0 or -1. */
int accounts_generate_session_token(struct accounts *a, long long user_id,
				    unsigned char token[USER_TOKEN_LEN]);
/* Delete a session token (log out). Returns 0 or -1. */
int accounts_delete_session_token(struct accounts *a, const unsigned char token[USER_TOKEN_LEN]);

/* The app's signing secret, read from or created in the database. Returns 0 or -1. */
/* Move a session token's inserted_at DAYS back (a test hook): the rows changed, or -1. */
int accounts_age_session_token(struct accounts *a, const unsigned char token[USER_TOKEN_LEN], int days);

int accounts_load_secret(struct accounts *a, unsigned char *key, int len);

#endif
