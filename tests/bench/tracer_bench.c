/*
 * tracer_bench.c: the tracer's numbers for `make bench` (tests/bench/run
 * times it against jq and prints the ratios):
 *   gen OUT EVENTS TRACE...  a realistic big trace: real merged traces
 *                            repeated, seq, steps and times renumbered
 *   load FILE                every event parsed, counters and rows ready:
 *                            the seconds, and the memory beyond the file
 *   first FILE               the first frame of the tracer, headless
 *   frames FILE              CPU per frame at 200x60 after a key, p50/p99
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cJSON.h>

#include "model.h"
#include "trace.h"
#include "tui.h"

static double now(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A line of /proc/self/status in kB ("VmRSS:", "RssAnon:"). */
static long status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			kb = atol(line + strlen(key));
	if (f)
		fclose(f);
	return kb;
}

static int gen(const char *out, long want, int n, char **traces)
{
	FILE *fp = fopen(out, "w");
	long seq = 0, step_base = 0;
	double t_base = 0;
	char err[1024];

	if (!fp) {
		perror(out);
		return 1;
	}
	for (int round = 0; seq < want; round++) {
		const char *path = traces[round % n];
		struct trace_reader *r = trace_reader_open(path, err, sizeof(err));
		struct trace_event ev;
		long max_step = 0;
		double max_t = 0;
		int rc, first = 1;
		if (!r) {
			fprintf(stderr, "%s\n", err);
			fclose(fp);
			return 1;
		}
		while (seq < want && (rc = trace_reader_next(r, &ev, err, sizeof(err))) == 1) {
			if (first && round > 0) { /* one header for the whole file */
				first = 0;
				trace_event_release(&ev);
				continue;
			}
			first = 0;
			cJSON_ReplaceItemInObjectCaseSensitive(ev.json, "seq", cJSON_CreateNumber((double)++seq));
			cJSON_ReplaceItemInObjectCaseSensitive(ev.json, "t_us",
							       cJSON_CreateNumber(t_base + (double)ev.t_us));
			if (ev.t_us > max_t)
				max_t = (double)ev.t_us;
			const cJSON *st = cJSON_GetObjectItemCaseSensitive(ev.json, "step");
			if (strcmp(ev.event, TRACE_EV_SCENARIO_STEP) == 0 && cJSON_IsNumber(st)) {
				if (st->valuedouble > max_step)
					max_step = (long)st->valuedouble;
				cJSON_ReplaceItemInObjectCaseSensitive(
					ev.json, "step", cJSON_CreateNumber((double)step_base + st->valuedouble));
			}
			char *text = cJSON_PrintUnformatted(ev.json);
			if (!text || fprintf(fp, "%s\n", text) < 0) {
				fprintf(stderr, "cannot write %s\n", out);
				free(text);
				trace_event_release(&ev);
				trace_reader_close(r);
				fclose(fp);
				return 1;
			}
			free(text);
			trace_event_release(&ev);
		}
		trace_reader_close(r);
		step_base += max_step;
		t_base += max_t + 1000;
	}
	if (fclose(fp) != 0) {
		perror(out);
		return 1;
	}
	printf("%ld events in %s\n", seq, out);
	return 0;
}

static struct model *load_all(const char *path)
{
	char err[1024];
	struct model *m = model_new();
	if (!m || model_open_file(m, path, err, sizeof(err)) < 0 || model_load(m, 0, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", m ? err : "out of memory");
		exit(1);
	}
	/* the rows of every step, as a view would need them */
	for (uint32_t s = 0; s < model_step_count(m); s++) {
		uint32_t n;
		model_rows(m, s, &n);
	}
	uint64_t by[TG_COUNT];
	model_end(m);
	model_count(m, model_cursor(m), 0, by);
	return m;
}

static int load(const char *path)
{
	struct stat sb;
	long rss0 = status_kb("VmRSS:");
	double t0 = now(CLOCK_MONOTONIC);
	struct model *m = load_all(path);
	double t1 = now(CLOCK_MONOTONIC);
	long rss1 = status_kb("VmRSS:");
	stat(path, &sb);
	double extra = ((double)(rss1 - rss0) * 1024.0 - (double)sb.st_size) / (double)model_event_count(m);
	printf("load: %.3f s, %zu events, %zu steps; memory: %.0f MB = the file (%.0f MB) + %.1f bytes per event\n",
	       t1 - t0, model_event_count(m), model_step_count(m), (double)(rss1 - rss0) / 1024.0,
	       (double)sb.st_size / 1e6 * 1e6 / 1048576.0, extra);
	printf("      %.0f %% of the lines parsed on the second core\n",
	       100.0 * (double)model_lines_ahead(m) / (double)model_event_count(m));
	model_free(m);
	return 0;
}

static int first(const char *path)
{
	char err[1024];
	FILE *out = fopen("/dev/null", "w");
	double t0 = now(CLOCK_MONOTONIC);
	struct model *m = model_new();
	if (!m || model_open_file(m, path, err, sizeof(err)) < 0 || tui_first_load(m, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	struct tui *t = tui_headless_open(m, "xterm-256color", out, 200, 60);
	if (!t) {
		fprintf(stderr, "cannot open a headless terminal\n");
		return 1;
	}
	tui_headless_press(t, 0);
	double t1 = now(CLOCK_MONOTONIC);
	tui_headless_close(t);
	printf("first frame: %.1f ms\n", (t1 - t0) * 1000);
	model_free(m);
	fclose(out);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int frames(const char *path)
{
	static const int keys[] = {'l', 'l', 'n', ']', 'l', 'h', 'j', 'k', 'l', '[', 'N', '.', '}', 'l', 'n'};
	enum { PRESSES = 3000 };
	static double cpu[PRESSES];
	FILE *out = fopen("/dev/null", "w");
	struct model *m = load_all(path);
	struct tui *t = tui_headless_open(m, "xterm-256color", out, 200, 60);

	if (!t) {
		fprintf(stderr, "cannot open a headless terminal\n");
		return 1;
	}
	/* in the middle of the trace: history above, a million events around */
	struct model_pos mid = {(uint32_t)model_step_count(m) / 2, 0};
	model_set_cursor(m, mid);
	tui_headless_press(t, 0);
	for (int i = 0; i < PRESSES; i++) {
		double c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		tui_headless_press(t, keys[i % (int)(sizeof(keys) / sizeof(keys[0]))]);
		cpu[i] = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	}
	qsort(cpu, PRESSES, sizeof(cpu[0]), cmp_double);
	printf("frame at 200x60 after a key (%d keys, %zu events): CPU p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
	       PRESSES, model_event_count(m), cpu[PRESSES / 2] * 1000, cpu[PRESSES * 99 / 100] * 1000,
	       cpu[PRESSES - 1] * 1000);
	tui_headless_close(t);
	model_free(m);
	fclose(out);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], atol(argv[3]), argc - 4, argv + 4);
	if (argc == 3 && strcmp(argv[1], "load") == 0)
		return load(argv[2]);
	if (argc == 3 && strcmp(argv[1], "first") == 0)
		return first(argv[2]);
	if (argc == 3 && strcmp(argv[1], "frames") == 0)
		return frames(argv[2]);
	fprintf(stderr, "usage: tracer_bench gen OUT EVENTS TRACE... | load FILE | first FILE | frames FILE\n");
	return 2;
}
