/*
 * accounts.c: the Accounts queries, one prepared statement each, written
 * as phx.gen.auth's Ecto queries would run them. Validation lives in
 * validate.c and password hashing in password.c.
 */
#include "accounts.h"

#include <stdlib.h>
#include <string.h>

#include "sign.h"
#include "util.h"

#define USER_COLUMNS "u.id, u.email, u.hashed_password, u.inserted_at"

int accounts_init(struct accounts *a, struct db *db)
{
	memset(a, 0, sizeof(*a));
	a->db = db;
	a->by_session_token = db_prepare(db,
		"SELECT " USER_COLUMNS " FROM users_tokens AS t"
		" JOIN users AS u ON u.id = t.user_id"
		" WHERE t.token = ?1 AND t.context = 'session'"
		" AND t.inserted_at > datetime('now', '-60 days')");
	a->by_email = db_prepare(db, "SELECT " USER_COLUMNS " FROM users AS u WHERE u.email = ?1");
	a->email_taken = db_prepare(db, "SELECT 1 FROM users AS u WHERE u.email = ?1 LIMIT 1");
	a->insert_user = db_prepare(db,
		"INSERT INTO users (email, hashed_password, inserted_at, updated_at)"
		" VALUES (?1, ?2, datetime('now'), datetime('now'))");
	a->insert_token = db_prepare(db,
		"INSERT INTO users_tokens (user_id, token, context, inserted_at)"
		" VALUES (?1, ?2, 'session', datetime('now'))");
	a->delete_token = db_prepare(db,
		"DELETE FROM users_tokens WHERE token = ?1 AND context = 'session'");
	a->age_token = db_prepare(db,
		"UPDATE users_tokens SET inserted_at = datetime(inserted_at, ?2)"
		" WHERE token = ?1 AND context = 'session'");
	a->get_secret = db_prepare(db, "SELECT value FROM lvdemo_secrets WHERE name = ?1");
	a->put_secret = db_prepare(db, "INSERT INTO lvdemo_secrets (name, value) VALUES (?1, ?2)");
	return a->by_session_token && a->by_email && a->email_taken && a->insert_user &&
			       a->insert_token && a->delete_token && a->age_token && a->get_secret &&
			       a->put_secret
		       ? 0
		       : -1;
}

void user_free(struct user *u)
{
	if (!u)
		return;
	free(u->email);
	free(u->hashed_password);
	free(u->inserted_at);
	free(u);
}

static char *column_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return xstrdup(t ? (const char *)t : "");
}

static struct user *user_from_row(sqlite3_stmt *st)
{
	struct user *u = xcalloc(1, sizeof(*u));

	u->id = sqlite3_column_int64(st, 0);
	u->email = column_text(st, 1);
	u->hashed_password = column_text(st, 2);
	u->inserted_at = column_text(st, 3);
	return u;
}

struct user *accounts_get_user_by_session_token(struct accounts *a,
						const unsigned char token[USER_TOKEN_LEN])
{
	struct db_call call;
	struct user *u = NULL;

	db_call_begin(a->db, &call, a->by_session_token);
	db_bind_blob(&call, 1, token, USER_TOKEN_LEN);
	if (db_step(&call) == SQLITE_ROW)
		u = user_from_row(call.st);
	db_call_end(&call);
	return u;
}

struct user *accounts_get_user_by_email(struct accounts *a, const char *email)
{
	struct db_call call;
	struct user *u = NULL;

	db_call_begin(a->db, &call, a->by_email);
	db_bind_text(&call, 1, email);
	if (db_step(&call) == SQLITE_ROW)
		u = user_from_row(call.st);
	db_call_end(&call);
	return u;
}

int accounts_email_taken(struct accounts *a, const char *email)
{
	struct db_call call;

	db_call_begin(a->db, &call, a->email_taken);
	db_bind_text(&call, 1, email);
	int rc = db_step(&call);
	db_call_end(&call);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int accounts_insert_user(struct accounts *a, const char *email, const char *hashed_password,
			 long long *id)
{
	struct db_call call;

	db_call_begin(a->db, &call, a->insert_user);
	db_bind_text(&call, 1, email);
	db_bind_text(&call, 2, hashed_password);
	int rc = db_step(&call);
	db_call_end(&call);
	if (rc == SQLITE_CONSTRAINT)
		return ACCOUNTS_TAKEN; /* unique_constraint(:email): lost a race */
	if (rc != SQLITE_DONE)
		return -1;
	*id = sqlite3_last_insert_rowid(a->db->sql);
	return 0;
}

int accounts_generate_session_token(struct accounts *a, long long user_id,
				    unsigned char token[USER_TOKEN_LEN])
{
	struct db_call call;

	if (random_bytes(token, USER_TOKEN_LEN) < 0)
		return -1;
	db_call_begin(a->db, &call, a->insert_token);
	db_bind_int64(&call, 1, user_id);
	db_bind_blob(&call, 2, token, USER_TOKEN_LEN);
	int rc = db_step(&call);
	db_call_end(&call);
	return rc == SQLITE_DONE ? 0 : -1;
}

int accounts_delete_session_token(struct accounts *a, const unsigned char token[USER_TOKEN_LEN])
{
	struct db_call call;

	db_call_begin(a->db, &call, a->delete_token);
	db_bind_blob(&call, 1, token, USER_TOKEN_LEN);
	int rc = db_step(&call);
	db_call_end(&call);
	return rc == SQLITE_DONE ? 0 : -1;
}

int accounts_age_session_token(struct accounts *a, const unsigned char token[USER_TOKEN_LEN], int days)
{
	struct db_call call;
	char modifier[32];

	snprintf(modifier, sizeof(modifier), "-%d days", days);
	db_call_begin(a->db, &call, a->age_token);
	db_bind_blob(&call, 1, token, USER_TOKEN_LEN);
	db_bind_text(&call, 2, modifier);
	int rc = db_step(&call);
	int changed = rc == SQLITE_DONE ? sqlite3_changes(a->db->sql) : -1;
	db_call_end(&call);
	return changed;
}

int accounts_load_secret(struct accounts *a, unsigned char *key, int len)
{
	struct db_call call;
	int found = 0;

	db_call_begin(a->db, &call, a->get_secret);
	db_bind_text(&call, 1, "secret_key_base");
	if (db_step(&call) == SQLITE_ROW && sqlite3_column_bytes(call.st, 0) == len) {
		memcpy(key, sqlite3_column_blob(call.st, 0), (size_t)len);
		found = 1;
	}
	db_call_end(&call);
	if (found)
		return 0;
	if (random_bytes(key, (size_t)len) < 0)
		return -1;
	db_call_begin(a->db, &call, a->put_secret);
	db_bind_text(&call, 1, "secret_key_base");
	db_bind_blob(&call, 2, key, len);
	int rc = db_step(&call);
	db_call_end(&call);
	return rc == SQLITE_DONE ? 0 : -1;
}
