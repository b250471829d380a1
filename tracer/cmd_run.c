/*
 * cmd_run.c: `lvtrace run FILE.scenario`: runs one scenario side by side,
 * prints its summary and failures, writes the merged trace; on a terminal
 * it then opens the tracer on that trace. Running is runner.c's.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"

static int run_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"lvdemo", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *output = NULL, *lvdemo = cli_default_lvdemo();
	char err[4096], defout[1024];
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'L': lvdemo = optarg; break;
		case 'h': cli_cmd_help(stdout, argv[0]); return 0;
		case ':': return cli_bad_usage("missing value for option", argv[optind - 1]);
		default: return cli_bad_usage("unknown option", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_bad_usage("run takes one scenario file", NULL);
	const char *file = argv[optind];
	struct scenario sc;
	if (scenario_parse_file(file, &sc, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (!output) {
		const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
		int blen = cli_ends_with(base, ".scenario") ? (int)(strlen(base) - 9) : (int)strlen(base);
		snprintf(defout, sizeof(defout), "%.*s.trace.jsonl", blen, base);
		output = defout;
	}
	cli_signals_start();
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
	return cli_interrupted ? 130 : status;
}

const struct cli_cmd cmd_run_entry = {
	.name = "run",
	.synopsis = "lvtrace run FILE.scenario [-o TRACE.jsonl] [--lvdemo PATH]",
	.summary = "run one scenario side by side, print its summary and write the merged trace",
	.exec = run_exec,
};
