/*
 * model_json.h: the model's fast line parser, simdjson's DOM parser behind
 * a small C interface. It validates each line fully (as strictly as the
 * JSON grammar: cJSON lets "01", raw control characters and bad UTF-8
 * through) and reads members by name. Loading a large trace is parsing
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

/* Member KEY of the last object: a string (NUL-terminated, valid until the next parse) or NULL. */
const char *mj_str(struct mj *p, const char *key);
/* A number into *OUT: 1, or 0 when absent or not a number. */
int mj_num(struct mj *p, const char *key, double *out);
/* 1 when KEY is true. */
int mj_true(struct mj *p, const char *key);
/* 1 when KEY is present. */
int mj_has(struct mj *p, const char *key);

/* Member KEY in one look-up: whether it is there, and as a number or a string (NULL). */
struct mj_value {
	int present;
	int is_number;
	double number;
	const char *string;
};
void mj_get(struct mj *p, const char *key, struct mj_value *out);

#ifdef __cplusplus
}
#endif

#endif
