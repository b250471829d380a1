/*
 * csrf.h: CSRF tokens as Plug.CSRFProtection makes them. The session keeps
 * an unmasked token; each page gets a freshly masked copy of it, so the
 * token in the HTML differs on every render (no BREACH-style leak).
 */
#ifndef LVDEMO_CSRF_H
#define LVDEMO_CSRF_H

#include <stddef.h>

#define CSRF_TOKEN_LEN 24   /* unmasked: base64 of 18 random bytes */
#define CSRF_MASKED_MAX 64  /* masked: 32 + 24 characters, plus NUL */

/* A new unmasked session token into OUT (CSRF_TOKEN_LEN + 1 bytes). -1 if no randomness. */
int csrf_new_token(char *out);

/* A masked form of SESSION_TOKEN into OUT (CSRF_MASKED_MAX bytes). */
int csrf_mask(const char *session_token, char *out);

/* 1 when MASKED (from a form or header) unmasks to SESSION_TOKEN, else 0. */
int csrf_valid(const char *session_token, const char *masked);

#endif
