/*
 * cmd_run.c: `lvtrace run FILE.scenario | NAME`: runs one scenario (a file,
 * else a bundled one by name) side by side, prints its summary and
 * failures, writes the merged trace; on a terminal it then opens the
 * tracer on that trace. Running is runner.c's.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_replay.h"
#include "model.h"
#include "view_summary.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"

/* The merged trace at PATH to standard output. */
static int copy_out(const char *path)
{
	FILE *in = fopen(path, "r");
	char buf[65536];
	size_t n;
	int rc = in ? 0 : -1;

	while (in && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			rc = -1;
	if (in && ferror(in))
		rc = -1;
	if (in)
		fclose(in);
	return fflush(stdout) == 0 ? rc : -1;
}

/* Run the scenario FILE and show it: run_exec's work once the options are read. */
static int run_file(const char *file, const char *output, const char *lvdemo, int no_tracer,
		    const char *variants, int all)
{
	char err[4096], defout[1024];
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
		runner_release(&run);
		scenario_release(&sc);
		return cli_interrupted ? 128 + cli_interrupted : 1;
	}
	/* the trace first: everything shown of the run is read back from it */
	char tmp[600];
	const char *path = output;
	if (strcmp(output, "-") == 0) {
		snprintf(tmp, sizeof(tmp), "%s/merged.jsonl", run.tmpdir);
		path = tmp;
	}
	struct model *m = cli_run_model(&run, path, err, sizeof(err));
	if (!m) {
		fprintf(stderr, "lvtrace: %s\n", err);
		runner_release(&run);
		scenario_release(&sc);
		return 1;
	}
	int passed, failed;
	report_tally(m, &passed, &failed);
	int tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) && strcmp(output, "-") != 0;
	FILE *out = strcmp(output, "-") == 0 ? stderr : stdout;
	if (tty && !cli_interrupted && !no_tracer) {
		/* on a terminal: the tracer on the merged trace, paused at the first step */
		struct view_options ro = {.width = replay_width(0), .variants = variants, .all = all};
		int rc = replay_trace(path, &ro);
		if (rc != 0 && rc < 128)
			status = rc;
		if (report_failures(stdout, m, report_width(stdout), 0) > 0 && status == 0)
			status = 1;
		fprintf(stdout, "trace: %s (%d expectations passed, %d failed)\n", output, passed, failed);
	} else {
		int unwritten = view_summary(out, m, report_width(out)) < 0;
		int werr = unwritten ? errno : 0;
		if (report_failures(out, m, report_width(out), 0) > 0)
			status = 1;
		if (strcmp(output, "-") == 0) {
			if (copy_out(path) < 0) {
				fprintf(stderr, "lvtrace: cannot write the trace to standard output: %s\n",
					strerror(errno));
				status = 1;
			}
		} else {
			fprintf(out, "trace: %s (%d expectations passed, %d failed)\n", output, passed, failed);
		}
		if (fflush(out) == EOF && !werr)
			werr = errno;
		if (unwritten || werr || ferror(out)) {
			/* a summary nobody can read is no pass */
			fprintf(stderr, "lvtrace: cannot write the summary: %s\n", strerror(werr ? werr : EIO));
			status = 2;
		}
	}
	model_free(m);
	runner_release(&run);
	scenario_release(&sc);
	return cli_interrupted ? 128 + cli_interrupted : status;
}

static int run_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"lvdemo", required_argument, NULL, 'L'},
		{"no-tracer", no_argument, NULL, 'n'},
		{"variants", required_argument, NULL, 'V'},
		{"all", no_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *output = NULL, *lvdemo = cli_default_lvdemo();
	int c, no_tracer = 0, all = 0;
	const char *variants = NULL;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'L': lvdemo = optarg; break;
		case 'n': no_tracer = 1; break;
		case 'V': variants = optarg; break;
		case 'a': all = 1; break;
		case 'h': cli_cmd_help(stdout, argv[0]); return 0;
		case ':': return cli_bad_usage("missing value for option", argv[optind - 1]);
		default: return cli_bad_usage("unknown option", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_bad_usage("run takes one scenario file", NULL);
	char *file = cli_find_scenario(argv[optind]);
	if (!file)
		return 2;
	int status = run_file(file, output, lvdemo, no_tracer, variants, all);
	free(file);
	return status;
}

const struct cli_cmd cmd_run_entry = {
	.name = "run",
	.synopsis = "lvtrace run FILE.scenario|NAME [-o TRACE.jsonl] [--no-tracer] [--variants A,B] [--all] [--lvdemo PATH]",
	.summary = "run one scenario side by side, write its merged trace, replay it on a terminal",
	.exec = run_exec,
};
