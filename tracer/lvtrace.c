/*
 * lvtrace.c: the lvtrace command line: `run` (one scenario, side by side,
 * with its merged trace) and `check` (scenarios as regression tests, with
 * JUnit output). Parsing is scenario.c's, running runner.c's, printing
 * report.c's.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "report.h"
#include "runner.h"
#include "scenario.h"

#define LVTRACE_VERSION "0.1.0"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
	/* every lvdemo goes: the runs in progress fail fast and clean up */
	runner_kill_all();
}

static void usage(FILE *out)
{
	fputs("usage: lvtrace run FILE.scenario [-o TRACE.jsonl] [--lvdemo PATH]\n"
	      "       lvtrace check [FILE.scenario | DIR]... [--junit FILE] [-v] [--tap] [--lvdemo PATH]\n"
	      "       lvtrace --help | --version\n"
	      "\n"
	      "Runs LiveView lifecycle scenarios against lvdemo, one lvdemo per variant, side\n"
	      "by side, counting the database queries of each step and phase.\n"
	      "\n"
	      "  run     run one scenario, print a side-by-side summary and write the merged\n"
	      "          trace (default: NAME.trace.jsonl in the current directory)\n"
	      "  check   run scenarios (default: the scenarios/ directory) as tests: one line\n"
	      "          per scenario, an explanation of each failed expectation, and\n"
	      "          'N passed, N failed'\n"
	      "\n"
	      "  -o, --output FILE   where `run` writes the merged trace (- for stdout)\n"
	      "  --junit FILE        `check` also writes a JUnit XML report\n"
	      "  -v, --verbose       `check` lists the queries of every expectation\n"
	      "  --tap               `check` prints TAP (ok / not ok lines, # diagnostics)\n"
	      "  --lvdemo PATH       the lvdemo to run (default: $LVDEMO, else the lvdemo\n"
	      "                      next to lvtrace)\n"
	      "\n"
	      "Exit status: 0 all expectations held, 1 one failed or a step could not run,\n"
	      "2 usage or scenario syntax error. The scenario language: lvtrace-scenario(5)\n"
	      "and docs/scenarios.md.\n",
	      out);
}

static int bad_usage(const char *what, const char *arg)
{
	fprintf(stderr, "lvtrace: %s%s%s%s (see lvtrace --help)\n", what, arg ? " '" : "",
		arg ? arg : "", arg ? "'" : "");
	return 2;
}

static const char *default_lvdemo(void)
{
	static char path[4200];
	char exe[4096];
	const char *env = getenv("LVDEMO");
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (env && env[0])
		return env;
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/lvdemo", exe);
			return path;
		}
	}
	return "lvdemo";
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add PATH, or every *.scenario of the directory PATH (sorted), to FILES. */
static int collect(const char *path, char ***files, size_t *n)
{
	struct stat sb;

	if (stat(path, &sb) < 0) {
		fprintf(stderr, "lvtrace: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		*files = realloc(*files, (*n + 1) * sizeof(**files));
		(*files)[(*n)++] = strdup(path);
		return 0;
	}
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "lvtrace: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	size_t first = *n;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !ends_with(de->d_name, ".scenario"))
			continue;
		size_t len = strlen(path) + strlen(de->d_name) + 2;
		char *full = malloc(len);
		snprintf(full, len, "%s%s%s", path, ends_with(path, "/") ? "" : "/", de->d_name);
		*files = realloc(*files, (*n + 1) * sizeof(**files));
		(*files)[(*n)++] = full;
	}
	closedir(d);
	qsort(*files + first, *n - first, sizeof(**files), cmp_str);
	if (*n == first)
		fprintf(stderr, "lvtrace: no .scenario files in '%s'\n", path);
	return 0;
}

static void install_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* ------------------------------------------------------------ run */

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"lvdemo", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *output = NULL, *lvdemo = default_lvdemo();
	char err[4096], defout[1024];
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'L': lvdemo = optarg; break;
		case 'h': usage(stdout); return 0;
		case ':': return bad_usage("missing value for option", argv[optind - 1]);
		default: return bad_usage("unknown option", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return bad_usage("run takes one scenario file", NULL);
	const char *file = argv[optind];
	struct scenario sc;
	if (scenario_parse_file(file, &sc, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (!output) {
		const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
		int blen = ends_with(base, ".scenario") ? (int)(strlen(base) - 9) : (int)strlen(base);
		snprintf(defout, sizeof(defout), "%.*s.trace.jsonl", blen, base);
		output = defout;
	}
	install_signals();
	struct run run;
	int status = 0;
	if (runner_run(&sc, lvdemo, &run, err, sizeof(err)) < 0) {
		fprintf(stderr, "lvtrace: %s\n", err);
		status = 1;
	} else {
		int passed, failed;
		FILE *out = strcmp(output, "-") == 0 ? stderr : stdout;
		report_summary(out, &run, report_width(out));
		if (report_failures(out, &run, report_width(out), 0) > 0)
			status = 1;
		runner_tally(&run, &passed, &failed);
		if (runner_write_trace(&run, output, err, sizeof(err)) < 0) {
			fprintf(stderr, "lvtrace: %s\n", err);
			status = 1;
		} else if (strcmp(output, "-") != 0) {
			fprintf(out, "trace: %s (%d expectations passed, %d failed)\n", output, passed,
				failed);
		}
	}
	runner_release(&run);
	scenario_release(&sc);
	return interrupted ? 130 : status;
}

/* ------------------------------------------------------------ check */

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{"junit", required_argument, NULL, 'j'},
		{"verbose", no_argument, NULL, 'v'},
		{"tap", no_argument, NULL, 't'},
		{"lvdemo", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *junit = NULL, *lvdemo = default_lvdemo();
	int verbose = 0, tap = 0, c;
	char **files = NULL;
	size_t nfiles = 0;
	char err[4096];

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":v", opts, NULL)) != -1) {
		switch (c) {
		case 'j': junit = optarg; break;
		case 'v': verbose = 1; break;
		case 't': tap = 1; break;
		case 'L': lvdemo = optarg; break;
		case 'h': usage(stdout); return 0;
		case ':': return bad_usage("missing value for option", argv[optind - 1]);
		default: return bad_usage("unknown option", argv[optind - 1]);
		}
	}
	int rc = 0;
	if (optind == argc)
		rc = collect("scenarios", &files, &nfiles);
	for (int i = optind; i < argc && rc == 0; i++)
		rc = collect(argv[i], &files, &nfiles);
	if (rc < 0 || nfiles == 0)
		return 2;

	/* every file parses before anything runs */
	struct scenario *scs = calloc(nfiles, sizeof(*scs));
	int parse_errors = 0;
	for (size_t i = 0; i < nfiles; i++) {
		if (scenario_parse_file(files[i], &scs[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			parse_errors++;
			memset(&scs[i], 0, sizeof(scs[i]));
		}
	}
	if (parse_errors) {
		for (size_t i = 0; i < nfiles; i++) {
			if (scs[i].path)
				scenario_release(&scs[i]);
			free(files[i]);
		}
		free(scs);
		free(files);
		return 2;
	}

	install_signals();
	FILE *jf = NULL;
	if (junit && !(jf = fopen(junit, "w"))) {
		fprintf(stderr, "lvtrace: cannot write '%s': %s\n", junit, strerror(errno));
		return 2;
	}
	if (jf)
		fprintf(jf, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"lvtrace\" tests=\"%zu\">\n",
			nfiles);
	int width = report_width(stdout);
	int npassed = 0, nfailed = 0;
	for (size_t i = 0; i < nfiles && !interrupted; i++) {
		struct run run;
		long long t0 = (long long)trace_clock_us();
		char *text = NULL;
		size_t tlen = 0;
		FILE *mem = open_memstream(&text, &tlen);
		int ok = 0, passed = 0, failed = 0;
		if (runner_run(&scs[i], lvdemo, &run, err, sizeof(err)) < 0) {
			fprintf(mem, "ERROR %s: %s\n", scs[i].path, err);
		} else {
			runner_tally(&run, &passed, &failed);
			ok = report_failures(mem, &run, width, verbose) == 0;
		}
		fclose(mem);
		double secs = ((long long)trace_clock_us() - t0) / 1e6;
		if (tap)
			printf("%s %zu - %s  %s (%d expectations, %.2fs)\n", ok ? "ok" : "not ok", i + 1,
			       scs[i].path, scs[i].title, passed + failed, secs);
		else
			printf("%s %s  %s (%d expectation%s, %zu variant%s, %.2fs)\n", ok ? "ok  " : "FAIL",
			       scs[i].path, scs[i].title, passed + failed, passed + failed == 1 ? "" : "s",
			       scs[i].nvariants, scs[i].nvariants == 1 ? "" : "s", secs);
		if (jf && run.sc)
			report_junit_case(jf, &run, secs, ok ? NULL : text);
		if (tlen && tap) {
			/* TAP: the explanation as diagnostics */
			for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
				printf("# %s\n", line);
		} else if (tlen) {
			fputs(text, stdout);
		}
		if (ok)
			npassed++;
		else
			nfailed++;
		free(text);
		if (run.sc)
			runner_release(&run);
		fflush(stdout);
	}
	if (jf) {
		fputs("</testsuite>\n", jf);
		fclose(jf);
	}
	if (tap)
		printf("1..%zu\n", nfiles);
	printf("%d passed, %d failed\n", npassed, nfailed);
	for (size_t i = 0; i < nfiles; i++) {
		scenario_release(&scs[i]);
		free(files[i]);
	}
	free(scs);
	free(files);
	if (interrupted)
		return 130;
	return nfailed ? 1 : 0;
}

int main(int argc, char **argv)
{
	lws_set_log_level(LLL_ERR, NULL);
	if (argc < 2)
		return bad_usage("a command is needed: run or check", NULL);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("lvtrace %s\n", LVTRACE_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	return bad_usage("unknown command", argv[1]);
}
