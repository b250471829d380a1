/*
 * model_json.h: the model's fast line parser, simdjson's DOM parser behind
 * a small C interface. It validates each line fully (as strictly as the
 * JSON grammar: cJSON lets "01", raw control characters and bad UTF-8
 * through) and takes out the members the model reads. Loading a large trace is parsing
 * bound: this is about four times cJSON's speed (docs/tracer.md has the
 * figures). The first line and error messages still go through the trace
 * library's cJSON reader, which gives columns.
 */
#ifndef LVTRACE_MODEL_JSON_H
#define LVTRACE_MODEL_JSON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct mj;

/* A parser, reused line after line; NULL when out of memory. */
struct mj *mj_new(void);
void mj_free(struct mj *p);

/* Bytes that must be readable after any line handed to mj_parse (the mapping reserves them). */
size_t mj_padding(void);

/* Parse the object in LINE (LEN bytes, mj_padding() readable bytes after). 0, or -1 when it is not a valid JSON object. */
int mj_parse(struct mj *p, const char *line, size_t len);

/*
 * The members the model reads, taken out of the last object in one pass
 * over its members (a look-up by name is a walk of them: a line's dozen
 * look-ups cost more than its parse). The numbers first: num[] is theirs.
 */
enum mj_key {
	MK_SEQ,
	MK_T_US,
	MK_STEP,
	MK_LINE,
	MK_NUMBERS, /* the keys before it are read as numbers too */
	MK_EVENT = MK_NUMBERS,
	MK_CONN,
	MK_VARIANT,
	MK_PHASE,
	MK_SCENARIO,
	MK_TITLE,
	MK_DESCRIPTION,
	MK_KIND,
	MK_TEXT,
	MK_METHOD,
	MK_PATH,
	MK_VIEW,
	MK_CONNECTED,
	MK_CHILD,
	MK_PLUG,
	MK_KEY,
	MK_SOURCE,
	MK_FROM,
	MK_OUTCOME,
	MK_LABEL,
	MK_NAME,
	MK_APP,
	MK_SRC_VARIANT,
	MK_COUNT
};

enum mj_type { MJ_ABSENT, MJ_STRING, MJ_NUMBER, MJ_TRUE, MJ_FALSE, MJ_OTHER };

struct mj_line {
	unsigned char type[MK_COUNT]; /* enum mj_type */
	const char *str[MK_COUNT];    /* MJ_STRING: NUL-terminated, valid until the next parse */
	unsigned len[MK_COUNT];	      /* MJ_STRING: its bytes before the NUL it ends with */
	double num[MK_NUMBERS];	      /* MJ_NUMBER of the numeric keys */
};

/* The name of KEY in a trace line. */
const char *mj_key_name(enum mj_key key);
/* Fill OUT from the last object: the first of a member named twice, as a look-up finds. */
void mj_extract(struct mj *p, struct mj_line *out);

#ifdef __cplusplus
}
#endif

#endif
