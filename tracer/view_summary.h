/*
 * view_summary.h: the run summary of `lvtrace run` (no terminal): a row
 * per step, a column per variant, and the queries from the last mark.
 */
#ifndef LVTRACE_VIEW_SUMMARY_H
#define LVTRACE_VIEW_SUMMARY_H

#include <stdio.h>

#include "model.h"

/* Print the summary of the loaded model M, laid out in WIDTH columns. Returns 0, or -1 on a write error. */
int view_summary(FILE *out, struct model *m, int width);

#endif
