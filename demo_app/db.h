/*
 * db.h: lvdemo's SQLite connection, and the statement wrapper that gives
 * every executed statement its trace context (params, caller, phase).
 *
 * repo.query events come from SQLite's own trace hook (sqlite3_trace_v2),
 * never from counters: each statement SQLite executes is reported exactly
 * once, when SQLite says it finished. The wrapper only tells the hook what
 * SQLite cannot: the bound values (blobs shown by size) and the C caller.
 *
 * Rule: every db_call_begin is matched by db_call_end (which resets the
 * statement) before the function that began it returns, so that a
 * statement's event lands in the phase that ran it.
 */
#ifndef LVDEMO_DB_H
#define LVDEMO_DB_H

#include <stdint.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "trace.h"

struct db_call {
	struct db *db;
	sqlite3_stmt *st;
	const char *file; /* basename of the caller's source file */
	int line;
	const char *func;
	cJSON *params; /* array, one item per bound parameter */
	long rows;     /* rows returned so far */
	uint64_t start_us;
	struct db_call *next;
};

struct db {
	sqlite3 *sql;
	struct trace *trace;
	struct db_call *active; /* calls between begin and end, innermost first */
	long statements;	/* statements SQLite reported as executed */
	long finalized_runs;	/* runs of statements already finalized */
	/* the last statement failed for want of storage (read-only, I/O, full,
	 * gone): the caller answers 503, not 500; each kind is said once */
	int unwritable;
	char unwritable_why[200];
	unsigned said; /* bit per SQLite primary result code already said on stderr */
};

/*
 * Open PATH (created when missing) in WAL mode with a busy timeout and
 * foreign keys on, with the trace hook installed, and create the schema.
 * Returns 0, or -1 with a message in ERR.
 */
int db_open(struct db *db, const char *path, struct trace *trace, char *err, size_t errlen);
void db_close(struct db *db);

/* A statement prepared once for the life of the connection; NULL on error (logged). */
sqlite3_stmt *db_prepare(struct db *db, const char *sql);

#define db_call_begin(db, call, st) db_call_begin_at(db, call, st, __FILE__, __LINE__, __func__)
void db_call_begin_at(struct db *db, struct db_call *call, sqlite3_stmt *st, const char *file,
		      int line, const char *func);
void db_bind_text(struct db_call *call, int idx, const char *text);
void db_bind_blob(struct db_call *call, int idx, const void *data, int len);
void db_bind_int64(struct db_call *call, int idx, long long v);
void db_bind_null(struct db_call *call, int idx);
/* sqlite3_step, counting rows. Returns SQLITE_ROW, SQLITE_DONE or an error code. */
int db_step(struct db_call *call);
/* Reset the statement (its event is emitted by now) and forget the call. */
void db_call_end(struct db_call *call);

/*
 * Run SQL (one statement, no parameters) to completion through the wrapper.
 * Returns 0, or -1 with SQLite's message in ERR (may be NULL).
 */
#define db_exec(db, sql, err, errlen) db_exec_at(db, sql, err, errlen, __FILE__, __LINE__, __func__)
int db_exec_at(struct db *db, const char *sql, char *err, size_t errlen, const char *file,
	       int line, const char *func);

/*
 * How many statement executions SQLite itself counted (SQLITE_STMTSTATUS_RUN
 * over every statement, finalized ones included): an independent check of
 * the number of repo.query events.
 */
long db_statements_run(struct db *db);

/* The main table of SQL: the name after the first FROM, INTO or UPDATE; NULL when none. */
int db_sql_source(const char *sql, char *out, size_t outlen);

#endif
