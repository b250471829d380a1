/*
 * view_csv.c: the model's queries as CSV for spreadsheets and pandas, one
 * row each: variant, step, phase, source, sql, total_us. The quoting is
 * RFC 4180's (a field with a comma, a quote or a line break is quoted, its
 * quotes doubled): a few lines, written here rather than pulling a library
 * in for them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "json_get.h"
#include "view_export.h"

/* FIELD, quoted when it must be, then SEP. */
static int field(FILE *out, const char *s, char sep)
{
	int rc = 0;
	if (s[strcspn(s, ",\"\r\n")]) {
		rc |= fputc('"', out) == EOF;
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				rc |= fputc('"', out) == EOF;
			rc |= fputc(*p, out) == EOF;
		}
		rc |= fputc('"', out) == EOF;
	} else {
		rc |= fputs(s, out) == EOF;
	}
	rc |= fputc(sep, out) == EOF;
	return rc ? -1 : 0;
}

int view_csv(FILE *out, struct model *m)
{
	size_t n = model_event_count(m);

	if (fputs("variant,step,phase,source,sql,total_us\r\n", out) == EOF)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		const struct model_event *e = model_event(m, i);
		if (e->kind != TK_REPO_QUERY)
			continue;
		cJSON *j = model_event_json(m, i);
		if (!j) {
			errno = ENOMEM;
			return -1;
		}
		char step[16], took[32];
		snprintf(step, sizeof(step), "%u", model_step(m, e->step)->number);
		snprintf(took, sizeof(took), "%.0f", json_num(j, "total_us", 0));
		const char *variant = e->variant == MODEL_NO_VARIANT ? "" : model_variant(m, e->variant);
		const char *source = json_str(j, "source"), *sql = json_str(j, "sql");
		int rc = field(out, variant, ',') | field(out, step, ',') |
			 field(out, model_string(m, e->phase), ',') | field(out, source ? source : "", ',') |
			 field(out, sql ? sql : "", ',') | field(out, took, '\r');
		cJSON_Delete(j);
		if (rc || fputc('\n', out) == EOF)
			return -1;
	}
	return 0;
}
