/*
 * test_db.c: the SQLite connection and its trace hook (db.h), through the
 * Accounts queries (accounts.h): one repo.query line per statement, with its
 * source table, bound parameters (blobs by size only), caller and rows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "accounts.h"
#include "db.h"
#include "sign.h"
#include "trace.h"

#define FAKE_HASH "$2b$04$abcdefghijklmnopqrstuu1234567890123456789012345678901"

struct fixture {
	char dir[64];
	char db_path[128];
	char trace_path[128];
	struct trace *trace;
	struct db db;
	struct accounts acc;
	int nqueries; /* repo.query lines checked so far */
};

static int remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	return rmdir(dir);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char err[512];

	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/lvdemo-test-db-XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->db_path, sizeof(fx->db_path), "%s/lvdemo.db", fx->dir);
	snprintf(fx->trace_path, sizeof(fx->trace_path), "%s/trace.jsonl", fx->dir);
	fx->trace = trace_open(fx->trace_path, "lvdemo", NULL, err, sizeof(err));
	if (!fx->trace) {
		fprintf(stderr, "trace_open: %s\n", err);
		goto fail;
	}
	if (db_open(&fx->db, fx->db_path, fx->trace, err, sizeof(err)) < 0) {
		fprintf(stderr, "db_open: %s\n", err);
		goto fail;
	}
	*state = fx;
	return 0;
fail:
	trace_close(fx->trace);
	remove_dir(fx->dir);
	free(fx);
	return -1;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	db_close(&fx->db);
	trace_close(fx->trace);
	int rc = remove_dir(fx->dir);
	free(fx);
	return rc;
}

/* Every repo.query line of the trace so far, as a new cJSON array. */
static cJSON *read_queries(const char *path)
{
	char err[512] = "";
	struct trace_reader *r = trace_reader_open(path, err, sizeof(err));
	struct trace_event ev;
	cJSON *all = cJSON_CreateArray();
	int rc;

	if (!r)
		fail_msg("trace_reader_open: %s", err);
	while ((rc = trace_reader_next(r, &ev, err, sizeof(err))) == 1) {
		if (strcmp(ev.event, "repo.query") == 0)
			cJSON_AddItemToArray(all, cJSON_Duplicate(ev.json, 1));
		trace_event_release(&ev);
	}
	trace_reader_close(r);
	if (rc != 0)
		fail_msg("reading the trace: %s", err);
	return all;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	size_t cap = 0, n = 0, got;

	assert_non_null(fp);
	do {
		if (n + 4096 > cap) {
			cap = (cap + 4096) * 2;
			data = realloc(data, cap);
			assert_non_null(data);
		}
		got = fread(data + n, 1, cap - n - 1, fp);
		n += got;
	} while (got > 0);
	fclose(fp);
	data[n] = '\0';
	*len = n;
	return data;
}

static const char *str_of(const cJSON *q, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, name);
	if (!cJSON_IsString(v))
		fail_msg("repo.query has no string '%s'", name);
	return v->valuestring;
}

static double num_of(const cJSON *q, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, name);
	if (!cJSON_IsNumber(v))
		fail_msg("repo.query has no number '%s'", name);
	return v->valuedouble;
}

/* CALLER must be "FILE:LINE FUNC". */
static void check_caller(const cJSON *q, const char *file, const char *func)
{
	const char *caller = str_of(q, "caller");
	size_t flen = strlen(file);
	char *end = NULL;

	if (strncmp(caller, file, flen) != 0 || caller[flen] != ':')
		fail_msg("caller \"%s\" does not begin with \"%s:\"", caller, file);
	long line = strtol(caller + flen + 1, &end, 10);
	if (line <= 0 || *end != ' ' || strcmp(end + 1, func) != 0)
		fail_msg("caller \"%s\" is not \"%s:LINE %s\"", caller, file, func);
}

/*
 * The statements run since the last call produced exactly one repo.query
 * line, and the connection counted as many statements as the trace has
 * lines. Returns that line (owned by *ALL, which the caller deletes).
 */
static const cJSON *one_new_query(struct fixture *fx, cJSON **all)
{
	*all = read_queries(fx->trace_path);
	int n = cJSON_GetArraySize(*all);
	if (n != fx->nqueries + 1)
		fail_msg("%d repo.query line(s) for one statement", n - fx->nqueries);
	assert_int_equal(fx->db.statements, n);
	fx->nqueries = n;
	return cJSON_GetArrayItem(*all, n - 1);
}

static void check_query(const cJSON *q, const char *source, const char *func, long rows)
{
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(q, "source");
	if (!cJSON_IsString(src) || strcmp(src->valuestring, source) != 0)
		fail_msg("source of \"%s\" is not \"%s\"", str_of(q, "sql"), source);
	check_caller(q, "accounts.c", func);
	assert_int_equal((long)num_of(q, "rows"), rows);
	assert_true(num_of(q, "total_us") >= 0);
	assert_non_null(str_of(q, "sql"));
	assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(q, "params")));
}

static const cJSON *param(const cJSON *q, int i)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(q, "params"), i);
}

static int nparams(const cJSON *q)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(q, "params"));
}

static void assert_bytes_absent(const char *hay, size_t haylen, const void *needle, size_t n,
				const char *what)
{
	if (memmem(hay, haylen, needle, n))
		fail_msg("the trace holds the %s", what);
}

/* The token must not appear in the trace raw, in hex or in base64. */
static void assert_secret_absent(const char *trace_path, const unsigned char *secret, size_t n)
{
	size_t len = 0;
	char *text = read_file(trace_path, &len);
	char hex[2 * 64 + 1];

	assert_true(n <= 64);
	assert_bytes_absent(text, len, secret, n, "raw secret");
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", secret[i]);
	assert_bytes_absent(text, len, hex, 2 * n, "secret in hex");
	for (size_t i = 0; i < 2 * n; i++)
		if (hex[i] >= 'a')
			hex[i] = (char)(hex[i] - 'a' + 'A');
	assert_bytes_absent(text, len, hex, 2 * n, "secret in HEX");
	char *b64 = b64url_encode(secret, n);
	/* compare a 20-character stretch: padding and alphabet aside */
	assert_bytes_absent(text, len, b64, 20, "secret in base64url");
	for (char *p = b64; *p; p++)
		*p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
	assert_bytes_absent(text, len, b64, 20, "secret in base64");
	free(b64);
	free(text);
}

/* ------------------------------------------------------------ tests */

static void test_open_traces_setup_statements(void **state)
{
	struct fixture *fx = *state;
	cJSON *all = read_queries(fx->trace_path);
	int n = cJSON_GetArraySize(all);

	/* three PRAGMAs and the schema's CREATE statements */
	assert_true(n >= 4);
	assert_int_equal(fx->db.statements, n);
	for (int i = 0; i < n; i++) {
		const cJSON *q = cJSON_GetArrayItem(all, i);
		assert_string_equal(str_of(q, "phase"), "startup");
		check_caller(q, "db.c", "db_open");
		assert_int_equal(nparams(q), 0);
	}
	assert_non_null(strstr(str_of(cJSON_GetArrayItem(all, 0), "sql"), "journal_mode"));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(all, 0),
								  "source")));
	cJSON_Delete(all);

	/* preparing statements runs none */
	assert_int_equal(accounts_init(&fx->acc, &fx->db), 0);
	all = read_queries(fx->trace_path);
	assert_int_equal(cJSON_GetArraySize(all), n);
	assert_int_equal(fx->db.statements, n);
	cJSON_Delete(all);
}

static void test_accounts_statements_traced(void **state)
{
	struct fixture *fx = *state;
	cJSON *all;
	const cJSON *q;
	long long id = 0;
	unsigned char token[USER_TOKEN_LEN];

	assert_int_equal(accounts_init(&fx->acc, &fx->db), 0);
	all = read_queries(fx->trace_path);
	fx->nqueries = cJSON_GetArraySize(all);
	cJSON_Delete(all);

	/* insert a user */
	assert_int_equal(accounts_insert_user(&fx->acc, "alice@example.com", FAKE_HASH, &id), 0);
	assert_true(id > 0);
	q = one_new_query(fx, &all);
	check_query(q, "users", "accounts_insert_user", 1);
	assert_non_null(strstr(str_of(q, "sql"), "INSERT INTO users"));
	assert_int_equal(nparams(q), 2);
	assert_string_equal(param(q, 0)->valuestring, "alice@example.com");
	assert_string_equal(param(q, 1)->valuestring, FAKE_HASH);
	assert_string_equal(str_of(q, "phase"), "startup");
	assert_string_equal(str_of(q, "conn"), "app");
	cJSON_Delete(all);

	/* a session token for that user */
	assert_int_equal(accounts_generate_session_token(&fx->acc, id, token), 0);
	q = one_new_query(fx, &all);
	check_query(q, "users_tokens", "accounts_generate_session_token", 1);
	assert_int_equal(nparams(q), 2);
	assert_true(cJSON_IsNumber(param(q, 0)));
	assert_int_equal((long long)param(q, 0)->valuedouble, id);
	assert_true(cJSON_IsString(param(q, 1)));
	assert_string_equal(param(q, 1)->valuestring, "<32 bytes>");
	cJSON_Delete(all);

	/* the user, found by the token (a JOIN whose source is users_tokens) */
	struct user *u = accounts_get_user_by_session_token(&fx->acc, token);
	assert_non_null(u);
	assert_int_equal(u->id, id);
	assert_string_equal(u->email, "alice@example.com");
	assert_string_equal(u->hashed_password, FAKE_HASH);
	assert_true(strlen(u->inserted_at) >= 19);
	user_free(u);
	q = one_new_query(fx, &all);
	check_query(q, "users_tokens", "accounts_get_user_by_session_token", 1);
	assert_non_null(strstr(str_of(q, "sql"), "JOIN users"));
	assert_int_equal(nparams(q), 1);
	assert_string_equal(param(q, 0)->valuestring, "<32 bytes>");
	cJSON_Delete(all);

	/* log out */
	assert_int_equal(accounts_delete_session_token(&fx->acc, token), 0);
	q = one_new_query(fx, &all);
	check_query(q, "users_tokens", "accounts_delete_session_token", 1);
	assert_non_null(strstr(str_of(q, "sql"), "DELETE FROM users_tokens"));
	assert_int_equal(nparams(q), 1);
	assert_string_equal(param(q, 0)->valuestring, "<32 bytes>");
	cJSON_Delete(all);

	/* the deleted token finds nobody */
	assert_null(accounts_get_user_by_session_token(&fx->acc, token));
	q = one_new_query(fx, &all);
	check_query(q, "users_tokens", "accounts_get_user_by_session_token", 0);
	assert_string_equal(param(q, 0)->valuestring, "<32 bytes>");
	cJSON_Delete(all);

	/* deleting it again changes nothing */
	assert_int_equal(accounts_delete_session_token(&fx->acc, token), 0);
	q = one_new_query(fx, &all);
	check_query(q, "users_tokens", "accounts_delete_session_token", 0);
	cJSON_Delete(all);

	assert_secret_absent(fx->trace_path, token, USER_TOKEN_LEN);
}

static void test_email_queries_traced(void **state)
{
	struct fixture *fx = *state;
	cJSON *all;
	const cJSON *q;
	long long id = 0, id2 = 0;

	assert_int_equal(accounts_init(&fx->acc, &fx->db), 0);
	all = read_queries(fx->trace_path);
	fx->nqueries = cJSON_GetArraySize(all);
	cJSON_Delete(all);

	assert_int_equal(accounts_email_taken(&fx->acc, "bob@example.com"), 0);
	q = one_new_query(fx, &all);
	check_query(q, "users", "accounts_email_taken", 0);
	cJSON_Delete(all);

	assert_int_equal(accounts_insert_user(&fx->acc, "bob@example.com", FAKE_HASH, &id), 0);
	q = one_new_query(fx, &all);
	check_query(q, "users", "accounts_insert_user", 1);
	cJSON_Delete(all);

	/* emails compare without case */
	assert_int_equal(accounts_email_taken(&fx->acc, "BOB@example.com"), 1);
	q = one_new_query(fx, &all);
	check_query(q, "users", "accounts_email_taken", 1);
	assert_string_equal(param(q, 0)->valuestring, "BOB@example.com");
	cJSON_Delete(all);

	struct user *u = accounts_get_user_by_email(&fx->acc, "Bob@Example.com");
	assert_non_null(u);
	assert_int_equal(u->id, id);
	assert_string_equal(u->email, "bob@example.com");
	user_free(u);
	q = one_new_query(fx, &all);
	check_query(q, "users", "accounts_get_user_by_email", 1);
	cJSON_Delete(all);

	assert_null(accounts_get_user_by_email(&fx->acc, "carol@example.com"));
	q = one_new_query(fx, &all);
	check_query(q, "users", "accounts_get_user_by_email", 0);
	cJSON_Delete(all);

	/* a second insert of the same email loses: taken, one line, no row changed */
	assert_int_equal(accounts_insert_user(&fx->acc, "BOB@EXAMPLE.COM", FAKE_HASH, &id2),
			 ACCOUNTS_TAKEN);
	q = one_new_query(fx, &all);
	check_query(q, "users", "accounts_insert_user", 0);
	cJSON_Delete(all);
}

static void test_query_phase_and_conn_from_context(void **state)
{
	struct fixture *fx = *state;
	struct trace_context ctx;
	cJSON *all;
	const cJSON *q;
	long long id = 0;
	unsigned char token[USER_TOKEN_LEN];

	assert_int_equal(accounts_init(&fx->acc, &fx->db), 0);
	assert_int_equal(accounts_insert_user(&fx->acc, "dan@example.com", FAKE_HASH, &id), 0);
	assert_int_equal(accounts_generate_session_token(&fx->acc, id, token), 0);
	all = read_queries(fx->trace_path);
	fx->nqueries = cJSON_GetArraySize(all);
	cJSON_Delete(all);

	trace_context_init(&ctx, "http", 9);
	snprintf(ctx.variant, sizeof(ctx.variant), "%s", "A");
	trace_set_context(fx->trace, &ctx);
	assert_int_equal(trace_span_start(fx->trace, "plug", "fetch_current_user", NULL), 0);
	struct user *u = accounts_get_user_by_session_token(&fx->acc, token);
	assert_int_equal(trace_span_stop(fx->trace, NULL), 0);
	trace_set_context(fx->trace, NULL);
	assert_non_null(u);
	user_free(u);

	q = one_new_query(fx, &all);
	check_query(q, "users_tokens", "accounts_get_user_by_session_token", 1);
	assert_string_equal(str_of(q, "conn"), "http:9");
	assert_string_equal(str_of(q, "variant"), "A");
	assert_string_equal(str_of(q, "phase"), "fetch_current_user");
	cJSON_Delete(all);
}

static void test_token_older_than_60_days_not_found(void **state)
{
	struct fixture *fx = *state;
	long long id = 0;
	unsigned char token[USER_TOKEN_LEN];
	char sql[256], err[256] = "";
	cJSON *all;
	const cJSON *q;

	assert_int_equal(SESSION_VALIDITY_DAYS, 60);
	assert_int_equal(accounts_init(&fx->acc, &fx->db), 0);
	assert_int_equal(accounts_insert_user(&fx->acc, "old@example.com", FAKE_HASH, &id), 0);
	assert_int_equal(accounts_generate_session_token(&fx->acc, id, token), 0);
	struct user *u = accounts_get_user_by_session_token(&fx->acc, token);
	assert_non_null(u);
	user_free(u);
	all = read_queries(fx->trace_path);
	fx->nqueries = cJSON_GetArraySize(all);
	cJSON_Delete(all);

	/* 59 days old: still valid */
	snprintf(sql, sizeof(sql),
		 "UPDATE users_tokens SET inserted_at = datetime('now', '-59 days') WHERE user_id = %lld",
		 id);
	assert_int_equal(db_exec(&fx->db, sql, err, sizeof(err)), 0);
	q = one_new_query(fx, &all);
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(q, "source");
	assert_true(cJSON_IsString(src));
	assert_string_equal(src->valuestring, "users_tokens");
	check_caller(q, "test_db.c", "test_token_older_than_60_days_not_found");
	assert_int_equal((long)num_of(q, "rows"), 1);
	cJSON_Delete(all);
	u = accounts_get_user_by_session_token(&fx->acc, token);
	assert_non_null(u);
	assert_int_equal(u->id, id);
	user_free(u);
	q = one_new_query(fx, &all);
	cJSON_Delete(all);

	/* 61 days old: gone */
	snprintf(sql, sizeof(sql),
		 "UPDATE users_tokens SET inserted_at = datetime('now', '-61 days') WHERE user_id = %lld",
		 id);
	assert_int_equal(db_exec(&fx->db, sql, err, sizeof(err)), 0);
	q = one_new_query(fx, &all);
	cJSON_Delete(all);
	assert_null(accounts_get_user_by_session_token(&fx->acc, token));
	q = one_new_query(fx, &all);
	check_query(q, "users_tokens", "accounts_get_user_by_session_token", 0);
	cJSON_Delete(all);

	/* a new token of the same user is found */
	unsigned char fresh[USER_TOKEN_LEN];
	assert_int_equal(accounts_generate_session_token(&fx->acc, id, fresh), 0);
	assert_memory_not_equal(fresh, token, USER_TOKEN_LEN);
	u = accounts_get_user_by_session_token(&fx->acc, fresh);
	assert_non_null(u);
	user_free(u);
	assert_null(accounts_get_user_by_session_token(&fx->acc, token));
}

static void test_db_exec_error(void **state)
{
	struct fixture *fx = *state;
	char err[256] = "";
	long before = fx->db.statements;

	assert_int_equal(db_exec(&fx->db, "SELECT * FROM no_such_table", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no_such_table"));
	assert_int_equal(fx->db.statements, before); /* never ran */
	err[0] = '\0';
	assert_int_equal(db_exec(&fx->db, "INSERT INTO users (email) VALUES ('x')", err,
				 sizeof(err)),
			 -1);
	assert_true(err[0] != '\0');
	assert_int_equal(db_exec(&fx->db, "SELECT 1", NULL, 0), 0);
}

static void test_load_secret_traced_by_size(void **state)
{
	struct fixture *fx = *state;
	unsigned char key[SIGN_KEY_LEN], again[SIGN_KEY_LEN];
	cJSON *all;

	assert_int_equal(accounts_init(&fx->acc, &fx->db), 0);
	all = read_queries(fx->trace_path);
	int n0 = cJSON_GetArraySize(all);
	cJSON_Delete(all);

	assert_int_equal(accounts_load_secret(&fx->acc, key, SIGN_KEY_LEN), 0);
	all = read_queries(fx->trace_path);
	assert_int_equal(cJSON_GetArraySize(all), n0 + 2); /* looked for, then stored */
	assert_int_equal(fx->db.statements, n0 + 2);
	const cJSON *get = cJSON_GetArrayItem(all, n0), *put = cJSON_GetArrayItem(all, n0 + 1);
	check_query(get, "lvdemo_secrets", "accounts_load_secret", 0);
	check_query(put, "lvdemo_secrets", "accounts_load_secret", 1);
	assert_string_equal(param(put, 0)->valuestring, "secret_key_base");
	assert_string_equal(param(put, 1)->valuestring, "<64 bytes>");
	cJSON_Delete(all);

	assert_int_equal(accounts_load_secret(&fx->acc, again, SIGN_KEY_LEN), 0);
	assert_memory_equal(again, key, SIGN_KEY_LEN);
	all = read_queries(fx->trace_path);
	assert_int_equal(cJSON_GetArraySize(all), n0 + 3);
	check_query(cJSON_GetArrayItem(all, n0 + 2), "lvdemo_secrets", "accounts_load_secret", 1);
	cJSON_Delete(all);
	assert_secret_absent(fx->trace_path, key, SIGN_KEY_LEN);
}

/* ------------------------------------------------------------ db_sql_source */

static void expect_source(const char *sql, const char *want)
{
	char out[64];

	memset(out, '#', sizeof(out));
	int rc = db_sql_source(sql, out, sizeof(out));
	if (!want) {
		if (rc != -1)
			fail_msg("db_sql_source(\"%s\") gave \"%s\", want none", sql, out);
		return;
	}
	if (rc != 0)
		fail_msg("db_sql_source(\"%s\") found nothing, want \"%s\"", sql, want);
	if (strcmp(out, want) != 0)
		fail_msg("db_sql_source(\"%s\") gave \"%s\", want \"%s\"", sql, out, want);
}

static void test_db_sql_source(void **state)
{
	(void)state;
	expect_source("SELECT id, email FROM users WHERE id = ?1", "users");
	expect_source("SELECT * FROM x", "x");
	expect_source("select u.id from  users_tokens AS t JOIN users AS u ON u.id = t.user_id",
		      "users_tokens");
	expect_source("INSERT INTO y (a, b) VALUES (1, 2)", "y");
	expect_source("INSERT OR IGNORE INTO y2 VALUES (1)", "y2");
	expect_source("REPLACE INTO y3 VALUES (1)", "y3");
	expect_source("UPDATE z SET a = 1", "z");
	expect_source("update\n\tz_9\nset a = 1", "z_9");
	expect_source("DELETE FROM w WHERE id = 3", "w");
	expect_source("SELECT fromage, into_x, updated_at FROM cheese", "cheese");
	expect_source("SELECT 1 FROM t WHERE a = 'x from y'", "t");
	expect_source("PRAGMA journal_mode = WAL", NULL);
	expect_source("PRAGMA foreign_keys = ON", NULL);
	expect_source("SELECT 1", NULL);
	expect_source("BEGIN", NULL);
	expect_source("", NULL);
	expect_source("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, updated_at TEXT,"
		      " u INTEGER REFERENCES users(id) ON DELETE CASCADE)",
		      NULL);
	expect_source("SELECT * FROM", NULL);

	/* a name that does not fit is refused */
	char small[4];
	assert_int_equal(db_sql_source("SELECT * FROM abc", small, sizeof(small)), 0);
	assert_string_equal(small, "abc");
	assert_int_equal(db_sql_source("SELECT * FROM abcd", small, sizeof(small)), -1);
}

/*
 * An identifier that begins with '_' (or a digit) is one word: it once was
 * split and its tail read as a keyword ("SELECT _from FROM t" gave "FROM").
 */
static void test_db_sql_source_underscore_identifier(void **state)
{
	(void)state;
	expect_source("SELECT _from FROM t", "t");
	expect_source("SELECT _into, a FROM t2", "t2");
}

/*
 * SQLite's "UPDATE OR <conflict>" form names the table after the conflict
 * clause: it once gave the keyword after OR ("OR").
 */
static void test_db_sql_source_update_or_conflict(void **state)
{
	(void)state;
	expect_source("UPDATE OR IGNORE z SET a = 1", "z");
	expect_source("UPDATE OR REPLACE z SET a = 1", "z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_traces_setup_statements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accounts_statements_traced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_email_queries_traced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_phase_and_conn_from_context, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_token_older_than_60_days_not_found, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_db_exec_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_secret_traced_by_size, setup, teardown),
		cmocka_unit_test(test_db_sql_source),
		cmocka_unit_test(test_db_sql_source_underscore_identifier),
		cmocka_unit_test(test_db_sql_source_update_or_conflict),
	};

	return cmocka_run_group_tests_name("db: SQLite connection, accounts and repo.query trace",
					   tests, NULL, NULL);
}
