/*
 * db.c: the SQLite connection, its schema, and the trace hook that turns
 * every executed statement into one repo.query event. Which queries the
 * app runs is accounts.c's business.
 */
#include "db.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static const char *const schema[] = {
	"CREATE TABLE IF NOT EXISTS users ("
	" id INTEGER PRIMARY KEY,"
	" email TEXT NOT NULL COLLATE NOCASE UNIQUE,"
	" hashed_password TEXT NOT NULL,"
	" confirmed_at TEXT,"
	" inserted_at TEXT NOT NULL,"
	" updated_at TEXT NOT NULL)",
	"CREATE TABLE IF NOT EXISTS users_tokens ("
	" id INTEGER PRIMARY KEY,"
	" user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" token BLOB NOT NULL,"
	" context TEXT NOT NULL,"
	" sent_to TEXT,"
	" inserted_at TEXT NOT NULL,"
	" UNIQUE (context, token))",
	"CREATE INDEX IF NOT EXISTS users_tokens_user_id_index ON users_tokens (user_id)",
	"CREATE TABLE IF NOT EXISTS lvdemo_secrets ("
	" name TEXT PRIMARY KEY,"
	" value BLOB NOT NULL)",
};

static int is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Read the word or quoted name at *P into OUT; advance *P. Returns its length. */
static size_t read_name(const char **p, char *out, size_t outlen)
{
	const char *s = *p;
	char quote = 0;
	size_t n = 0;

	if (*s == '"' || *s == '`' || *s == '[')
		quote = *s == '[' ? ']' : *s, s++;
	while (*s && (quote ? *s != quote : is_word_char(*s))) {
		if (n + 1 < outlen)
			out[n] = *s;
		n++, s++;
	}
	if (quote && *s == quote)
		s++;
	*p = s;
	if (n + 1 > outlen)
		return 0;
	out[n] = '\0';
	return n;
}

int db_sql_source(const char *sql, char *out, size_t outlen)
{
	static const char *const keywords[] = {"FROM", "INTO", "UPDATE"};
	const char *p = sql;
	char word[16];

	while (*p) {
		if (!is_word_char(*p)) {
			p++;
			continue;
		}
		const char *start = p;
		while (is_word_char(*p))
			p++;
		size_t wlen = (size_t)(p - start);
		int update = wlen == 6 && strncasecmp(start, "UPDATE", 6) == 0;
		int match = update;
		for (size_t k = 0; k < ARRAY_LEN(keywords) && !match; k++)
			match = wlen == strlen(keywords[k]) && strncasecmp(start, keywords[k], wlen) == 0;
		if (!match)
			continue;
		while (isspace((unsigned char)*p))
			p++;
		const char *save = p;
		/* UPDATE OR IGNORE t: the conflict clause comes before the table */
		if (update && read_name(&p, word, sizeof(word)) == 2 && strcasecmp(word, "OR") == 0) {
			while (isspace((unsigned char)*p))
				p++;
			read_name(&p, word, sizeof(word));
			while (isspace((unsigned char)*p))
				p++;
		} else {
			p = save;
		}
		return read_name(&p, out, outlen) > 0 ? 0 : -1;
	}
	return -1;
}

static int is_write(const char *sql)
{
	static const char *const verbs[] = {"INSERT", "UPDATE", "DELETE", "REPLACE"};

	while (sql && isspace((unsigned char)*sql))
		sql++;
	for (size_t i = 0; sql && i < ARRAY_LEN(verbs); i++)
		if (strncasecmp(sql, verbs[i], strlen(verbs[i])) == 0)
			return 1;
	return 0;
}

static struct db_call *find_call(struct db *db, sqlite3_stmt *st)
{
	for (struct db_call *c = db->active; c; c = c->next)
		if (c->st == st)
			return c;
	return NULL;
}

static void emit_query(struct db *db, sqlite3_stmt *st, struct db_call *call)
{
	char source[64];
	char caller[160];
	const char *sql = sqlite3_sql(st);
	uint64_t now = trace_clock_us();
	cJSON *f = cJSON_CreateObject();

	cJSON_AddStringToObject(f, "sql", sql ? sql : "");
	if (sql && db_sql_source(sql, source, sizeof(source)) == 0)
		cJSON_AddStringToObject(f, "source", source);
	else
		cJSON_AddNullToObject(f, "source");
	if (call && call->params)
		cJSON_AddItemToObject(f, "params", cJSON_Duplicate(call->params, 1));
	else
		cJSON_AddItemToObject(f, "params", cJSON_CreateArray());
	/* reads report the rows they returned, writes the rows they changed,
	 * anything else (PRAGMA, BEGIN, CREATE) none: sqlite3_changes would
	 * still hold the count of the last write */
	long rows = 0;
	if (sqlite3_column_count(st) > 0)
		rows = call ? call->rows : 0;
	else if (is_write(sql))
		rows = (long)sqlite3_changes(db->sql);
	cJSON_AddNumberToObject(f, "rows", (double)rows);
	cJSON_AddNumberToObject(f, "total_us",
				call && call->start_us ? (double)(now - call->start_us) : 0.0);
	cJSON_AddStringToObject(f, "phase", trace_current_phase(db->trace));
	if (call)
		snprintf(caller, sizeof(caller), "%s:%d %s", call->file, call->line, call->func);
	else
		snprintf(caller, sizeof(caller), "?");
	cJSON_AddStringToObject(f, "caller", caller);
	db->statements++;
	trace_emit(db->trace, TRACE_EV_REPO_QUERY, f);
	if (call)
		call->start_us = 0;
}

static int trace_hook(unsigned type, void *ctx, void *p, void *x)
{
	struct db *db = ctx;
	sqlite3_stmt *st = p;
	struct db_call *call = find_call(db, st);

	if (type == SQLITE_TRACE_STMT) {
		/* trigger programs report "-- ..." lines: not statements of ours */
		const char *text = x;
		if (call && !(text && text[0] == '-' && text[1] == '-'))
			call->start_us = trace_clock_us();
	} else if (type == SQLITE_TRACE_PROFILE) {
		emit_query(db, st, call);
	}
	return 0;
}

sqlite3_stmt *db_prepare(struct db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "lvdemo: cannot prepare '%s': %s\n", sql, sqlite3_errmsg(db->sql));
		return NULL;
	}
	return st;
}

void db_call_begin_at(struct db *db, struct db_call *call, sqlite3_stmt *st, const char *file,
		      int line, const char *func)
{
	call->db = db;
	call->st = st;
	call->file = path_basename(file);
	call->line = line;
	call->func = func;
	call->params = cJSON_CreateArray();
	call->rows = 0;
	call->start_us = 0;
	call->next = db->active;
	db->active = call;
}

static void add_param(struct db_call *call, int idx, cJSON *v)
{
	/* parameters are bound in order ?1, ?2, ...: keep the array aligned */
	while (cJSON_GetArraySize(call->params) < idx - 1)
		cJSON_AddItemToArray(call->params, cJSON_CreateNull());
	if (cJSON_GetArraySize(call->params) >= idx)
		cJSON_ReplaceItemInArray(call->params, idx - 1, v);
	else
		cJSON_AddItemToArray(call->params, v);
}

void db_bind_text(struct db_call *call, int idx, const char *text)
{
	sqlite3_bind_text(call->st, idx, text, -1, SQLITE_TRANSIENT);
	add_param(call, idx, cJSON_CreateString(text));
}

void db_bind_blob(struct db_call *call, int idx, const void *data, int len)
{
	char shown[32];

	sqlite3_bind_blob(call->st, idx, data, len, SQLITE_TRANSIENT);
	snprintf(shown, sizeof(shown), "<%d bytes>", len); /* never the secret bytes */
	add_param(call, idx, cJSON_CreateString(shown));
}

void db_bind_int64(struct db_call *call, int idx, long long v)
{
	sqlite3_bind_int64(call->st, idx, v);
	add_param(call, idx, cJSON_CreateNumber((double)v));
}

void db_bind_null(struct db_call *call, int idx)
{
	sqlite3_bind_null(call->st, idx);
	add_param(call, idx, cJSON_CreateNull());
}

/* 1 for the result codes that say the storage failed, not the statement. */
static int storage_failure(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_READONLY:
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CANTOPEN:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_PERM:
		return 1;
	default:
		return 0;
	}
}

int db_step(struct db_call *call)
{
	struct db *db = call->db;
	int rc = sqlite3_step(call->st);

	if (rc == SQLITE_ROW)
		call->rows++;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		db->unwritable = 0;
	} else if (storage_failure(rc)) {
		db->unwritable = 1;
		snprintf(db->unwritable_why, sizeof(db->unwritable_why), "%s", sqlite3_errmsg(db->sql));
		unsigned bit = 1u << ((unsigned)(rc & 0xff) % 32);
		if (!(db->said & bit)) {
			/* once per kind: a class's requests must not flood the log */
			db->said |= bit;
			fprintf(stderr, "lvdemo: the database cannot be written (SQLite: %s): answering 503\n",
				db->unwritable_why);
		}
	}
	return rc;
}

void db_call_end(struct db_call *call)
{
	struct db *db = call->db;

	/* the profile event of an unfinished read fires here, still in our phase */
	sqlite3_reset(call->st);
	sqlite3_clear_bindings(call->st);
	for (struct db_call **pp = &db->active; *pp; pp = &(*pp)->next) {
		if (*pp == call) {
			*pp = call->next;
			break;
		}
	}
	cJSON_Delete(call->params);
	call->params = NULL;
}

int db_exec_at(struct db *db, const char *sql, char *err, size_t errlen, const char *file,
	       int line, const char *func)
{
	sqlite3_stmt *st = NULL;
	struct db_call call;
	int rc;

	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK) {
		if (err)
			snprintf(err, errlen, "%s", sqlite3_errmsg(db->sql));
		return -1;
	}
	db_call_begin_at(db, &call, st, file, line, func);
	while ((rc = db_step(&call)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE && err)
		snprintf(err, errlen, "%s", sqlite3_errmsg(db->sql));
	db_call_end(&call);
	db->finalized_runs += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_RUN, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int db_open(struct db *db, const char *path, struct trace *trace, char *err, size_t errlen)
{
	char why[256];

	memset(db, 0, sizeof(*db));
	db->trace = trace;
	if (sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "cannot open database '%s': %s", path,
			 db->sql ? sqlite3_errmsg(db->sql) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(db->sql, 0);
	/* a database lvdemo cannot write (a read-only file, directory or mount)
	 * is refused now, with the reason, not found out at the first log in;
	 * before the trace hook: these are not the app's statements */
	if (sqlite3_db_readonly(db->sql, "main") == 1 ||
	    sqlite3_exec(db->sql, "BEGIN IMMEDIATE; ROLLBACK", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "the database '%s' cannot be written: %s", path,
			 sqlite3_db_readonly(db->sql, "main") == 1 ? "it is read-only here"
								 : sqlite3_errmsg(db->sql));
		goto fail;
	}
	sqlite3_trace_v2(db->sql, SQLITE_TRACE_STMT | SQLITE_TRACE_PROFILE, trace_hook, db);
	sqlite3_busy_timeout(db->sql, 5000);

	static const char *const setup[] = {
		"PRAGMA journal_mode = WAL",
		"PRAGMA foreign_keys = ON",
		"PRAGMA synchronous = NORMAL",
	};
	for (size_t i = 0; i < ARRAY_LEN(setup); i++) {
		if (db_exec(db, setup[i], why, sizeof(why)) < 0) {
			snprintf(err, errlen, "cannot set up database '%s': %s", path, why);
			goto fail;
		}
	}
	for (size_t i = 0; i < ARRAY_LEN(schema); i++) {
		if (db_exec(db, schema[i], why, sizeof(why)) < 0) {
			snprintf(err, errlen, "cannot create the schema in '%s': %s", path, why);
			goto fail;
		}
	}
	return 0;
fail:
	db_close(db);
	return -1;
}

long db_statements_run(struct db *db)
{
	long runs = db->finalized_runs;

	for (sqlite3_stmt *st = db->sql ? sqlite3_next_stmt(db->sql, NULL) : NULL; st;
	     st = sqlite3_next_stmt(db->sql, st))
		runs += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_RUN, 0);
	return runs;
}

void db_close(struct db *db)
{
	if (db->sql) {
		sqlite3_stmt *st;
		while ((st = sqlite3_next_stmt(db->sql, NULL)))
			sqlite3_finalize(st);
		sqlite3_close(db->sql);
	}
	db->sql = NULL;
}
