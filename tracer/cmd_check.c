/*
 * cmd_check.c: `lvtrace check [FILE | DIR | NAME]...`: scenarios as
 * regression tests, one line each, failures explained, TAP and JUnit
 * output. Running is runner.c's, the explanations report.c's.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "model.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"

/* The parsed scenarios (a zeroed one is one that did not parse) and their file names. */
static void release_all(struct scenario *scs, char **files, size_t nfiles)
{
	for (size_t i = 0; i < nfiles; i++) {
		if (scs[i].path)
			scenario_release(&scs[i]);
		free(files[i]);
	}
	free(scs);
	free(files);
}

static int check_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{"junit", required_argument, NULL, 'j'},
		{"verbose", no_argument, NULL, 'v'},
		{"tap", no_argument, NULL, 't'},
		{"lvdemo", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *junit = NULL, *lvdemo = cli_default_lvdemo();
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
		case 'h': cli_cmd_help(stdout, argv[0]); return 0;
		case ':': return cli_bad_usage("missing value for option", argv[optind - 1]);
		default: return cli_bad_usage("unknown option", argv[optind - 1]);
		}
	}
	int rc = 0;
	if (optind == argc)
		rc = cli_collect_scenarios("scenarios", &files, &nfiles);
	for (int i = optind; i < argc && rc == 0; i++) {
		/* a file or directory, else a bundled scenario's name */
		char *path = cli_find_scenario(argv[i]);
		rc = path ? cli_collect_scenarios(path, &files, &nfiles) : -1;
		free(path);
	}
	if (rc < 0 || nfiles == 0) {
		for (size_t i = 0; i < nfiles; i++)
			free(files[i]);
		free(files);
		return 2;
	}

	/* every file parses before anything runs */
	struct scenario *scs = calloc(nfiles, sizeof(*scs));
	if (!scs) {
		fprintf(stderr, "lvtrace: out of memory\n");
		return 2;
	}
	int parse_errors = 0;
	for (size_t i = 0; i < nfiles; i++) {
		if (scenario_parse_file(files[i], &scs[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			parse_errors++;
			memset(&scs[i], 0, sizeof(scs[i]));
		}
	}
	if (parse_errors) {
		release_all(scs, files, nfiles);
		return 2;
	}

	cli_signals_start();
	FILE *jf = NULL;
	struct cli_whole jw;
	/* the report appears whole when the run is over, or not at all */
	if (junit && (cli_whole_open(&jw, junit) < 0 || !(jf = fopen(jw.part, "w")))) {
		fprintf(stderr, "lvtrace: cannot write '%s': %s\n", junit, strerror(errno));
		if (jw.part[0])
			cli_whole_close(&jw, 0);
		release_all(scs, files, nfiles);
		return 2;
	}
	if (jf)
		report_junit_begin(jf, nfiles);
	int width = report_width(stdout);
	int npassed = 0, nfailed = 0, incomplete = 0;
	for (size_t i = 0; i < nfiles && !cli_interrupted; i++) {
		struct run run;
		long long t0 = (long long)trace_clock_us();
		char *text = NULL;
		size_t tlen = 0;
		FILE *mem = open_memstream(&text, &tlen);
		if (!mem) {
			fprintf(stderr, "lvtrace: out of memory: not every expectation was checked\n");
			incomplete = 1;
			break;
		}
		int ok = 0, passed = 0, failed = 0;
		struct model *m = NULL;
		if (runner_run(&scs[i], lvdemo, &run, err, sizeof(err)) < 0 ||
		    !(m = cli_run_model(&run, NULL, err, sizeof(err)))) {
			fprintf(mem, "ERROR %s: %s\n", scs[i].path, err);
		} else {
			/* what is said of the run is read back from its merged trace */
			report_tally(m, &passed, &failed);
			ok = report_failures(mem, m, width, verbose) == 0;
		}
		model_free(m);
		fclose(mem);
		double secs = ((long long)trace_clock_us() - t0) / 1e6;
		if (tap)
			printf("%s %zu - %s  %s (%d expectations, %.2fs)\n", ok ? "ok" : "not ok", i + 1,
			       scs[i].path, scs[i].title, passed + failed, secs);
		else
			printf("%s %s  %s (%d expectation%s, %zu variant%s, %.2fs)\n", ok ? "ok  " : "FAIL",
			       scs[i].path, scs[i].title, passed + failed, passed + failed == 1 ? "" : "s",
			       scs[i].nvariants, scs[i].nvariants == 1 ? "" : "s", secs);
		if (jf)
			report_junit_case(jf, "lvtrace.scenarios", scs[i].path, scs[i].title, secs, ok ? NULL : text);
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
	/* a report of what was not all checked is no report: exit 2, and no JUnit file */
	int write_failed = incomplete;
	if (jf && incomplete) {
		fclose(jf);
		cli_whole_close(&jw, 0);
	} else if (jf && cli_junit_close(jf, &jw) < 0) {
		write_failed = 1;
	}
	if (tap)
		printf("1..%zu\n", nfiles);
	printf("%d passed, %d failed\n", npassed, nfailed);
	if (cli_stdout_flush() < 0)
		write_failed = 1;
	release_all(scs, files, nfiles);
	if (cli_interrupted)
		return 128 + cli_interrupted;
	if (write_failed) /* a report nobody can read is no pass */
		return 2;
	return nfailed ? 1 : 0;
}

const struct cli_cmd cmd_check_entry = {
	.name = "check",
	.synopsis = "lvtrace check [FILE.scenario | DIR | NAME]... [--junit FILE] [-v] [--tap] [--lvdemo PATH]",
	.summary = "run scenarios as tests: one line each, failures explained, 'N passed, N failed'",
	.exec = check_exec,
};
