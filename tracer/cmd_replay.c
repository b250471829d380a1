/*
 * cmd_replay.c: `lvtrace replay TRACE.jsonl` (also `lvtrace TRACE.jsonl`):
 * loads the trace into the model and opens the side-by-side tracer on a
 * terminal (tui.c), or prints the plain view (view_plain.c) when asked to,
 * or when there is no terminal to draw on. Several traces are first merged
 * into one, page load beside page load (merge.c), into a temporary file
 * that the model loads like any trace: one reader, one model, whichever
 * the input, rather than a model that knows several files.
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
#include "report.h"
#include "tui.h"
#include "view_plain.h"
#include "view_text.h"

int replay_trace(const char *path, const struct view_options *ro)
{
	char err[1024];
	struct model *m = model_new();
	int status = 0;

	if (!m) {
		fprintf(stderr, "lvtrace: out of memory\n");
		return 2;
	}
	if (model_open_file(m, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "lvtrace: %s\n", err);
		model_free(m);
		return 2;
	}
	/* "-": standard input is the trace, so it cannot be the keys too */
	const char *why = ro->plain ? NULL : strcmp(path, "-") == 0 ? "the trace comes from standard input" : cli_no_terminal();
	int plain = ro->plain || why;
	if (plain) {
		if (why)
			fprintf(stderr, "lvtrace: %s: printing the plain view (--plain)\n", why);
		int rc = model_load(m, 0, err, sizeof(err));
		if (rc < 0 && model_event_count(m) == 0) {
			fprintf(stderr, "lvtrace: %s\n", err);
			if (strlen(path) > 9 && strcmp(path + strlen(path) - 9, ".scenario") == 0)
				fprintf(stderr, "lvtrace: '%s' is a scenario, not a trace: lvtrace run %s\n", path, path);
			model_free(m);
			return 2;
		}
		if (ro->variants && model_set_columns(m, ro->variants, err, sizeof(err)) < 0) {
			fprintf(stderr, "lvtrace: %s\n", err);
			model_free(m);
			return 2;
		}
		if (ro->all)
			model_columns_default(m, 1);
		struct plain_options po = {
			.width = ro->width,
			.times = ro->times,
			.color = !view_no_color() && isatty(STDOUT_FILENO),
			.utf8 = view_utf8(),
		};
		if (view_plain(stdout, m, &po) < 0) {
			fprintf(stderr, "lvtrace: cannot write the output: %s\n", strerror(errno));
			status = 1;
		}
		if (rc < 0) {
			/* what precedes the bad line was shown; now why it stops there */
			fprintf(stderr, "lvtrace: %s\n", err);
			status = 1;
		} else if (!model_complete(m)) {
			fprintf(stderr, "lvtrace: %s ends without lvdemo's trace.stop: cut short, or still being written\n",
				path);
		}
	} else {
		status = tui_replay(m, ro, &cli_interrupted, NULL);
	}
	model_free(m);
	return status;
}

int replay_width(int given)
{
	return given > 0 ? given : report_width(stdout);
}

static int replay_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{"plain", no_argument, NULL, 'p'},
		{"variants", required_argument, NULL, 'V'},
		{"all", no_argument, NULL, 'a'},
		{"width", required_argument, NULL, 'w'},
		{"times", no_argument, NULL, 't'},
		{"as", required_argument, NULL, 'A'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct view_options ro = {0};
	const char *as = NULL;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'p': ro.plain = 1; break;
		case 'V': ro.variants = optarg; break;
		case 'a': ro.all = 1; break;
		case 'w':
			if ((ro.width = report_width_parse(optarg)) < 0)
				return cli_bad_usage("--width takes a number from 40 to 1000, not", optarg);
			break;
		case 't': ro.times = 1; break;
		case 'A': as = optarg; break;
		case 'h': cli_cmd_help(stdout, argv[0]); return 0;
		case ':': return cli_bad_usage("missing value for option", argv[optind - 1]);
		default: return cli_bad_usage("unknown option", argv[optind - 1]);
		}
	}
	if (argc - optind < 1)
		return cli_bad_usage("replay takes a trace file, or several to see side by side", NULL);
	ro.width = replay_width(ro.width);
	if (argc - optind == 1 && !as)
		return replay_trace(argv[optind], &ro);
	/* several traces: one column each, page load k of each in step k */
	char tmp[4200];
	int status = cli_merge_temp(argv + optind, (size_t)(argc - optind), as, tmp, sizeof(tmp));
	if (status)
		return status;
	if (!ro.variants)
		ro.all = 1;
	status = replay_trace(tmp, &ro);
	unlink(tmp);
	return status;
}

const struct cli_cmd cmd_replay_entry = {
	.name = "replay",
	.synopsis = "lvtrace replay TRACE.jsonl [TRACE2.jsonl...] [--as NAME,NAME] [--variants A,B] [--all]\n"
		    "                     [--plain] [--width N] [--times]",
	.summary = "replay a trace side by side (the tracer, else the plain view); several: a column each",
	.exec = replay_exec,
};
