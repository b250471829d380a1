/*
 * json_get.h: reading members of cJSON objects, for both programs: a
 * string, a number, a boolean, each with what a missing or mistyped member
 * gives. One copy of what every module that reads JSON needs.
 */
#ifndef LVTRACE_COMMON_JSON_GET_H
#define LVTRACE_COMMON_JSON_GET_H

#include <cJSON.h>

/* Member KEY of O as a string (O's own), or NULL when absent or not a string. */
const char *json_str(const cJSON *o, const char *key);
/* Member KEY of O as a number, or DFLT when absent or not a number. */
double json_num(const cJSON *o, const char *key, double dflt);
/* 1 when member KEY of O is true. */
int json_true(const cJSON *o, const char *key);

#endif
