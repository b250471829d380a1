/*
 * cmd_report.c: `lvtrace report --html TRACE.jsonl`: one self-contained
 * page of a run (view_html.c), with every variant side by side unless
 * --variants chooses, on standard output or into a file with -o.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "model.h"
#include "view_export.h"

static int write_html(FILE *out, void *m)
{
	return view_html(out, m);
}

static int report_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{"html", no_argument, NULL, 'H'},
		{"variants", required_argument, NULL, 'V'},
		{"output", required_argument, NULL, 'o'},
		{"as", required_argument, NULL, 'A'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *output = NULL, *variants = NULL, *as = NULL;
	int html = 0, c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		switch (c) {
		case 'H': html = 1; break;
		case 'V': variants = optarg; break;
		case 'o': output = optarg; break;
		case 'A': as = optarg; break;
		case 'h': cli_cmd_help(stdout, argv[0]); return 0;
		case ':': return cli_bad_usage("missing value for option", argv[optind - 1]);
		default: return cli_bad_usage("unknown option", argv[optind - 1]);
		}
	}
	if (!html)
		return cli_bad_usage("report needs a format: --html", NULL);
	if (argc - optind < 1)
		return cli_bad_usage("report takes a trace file, or several to put side by side", NULL);
	int status;
	struct model *m = cli_load_traces(argv + optind, (size_t)(argc - optind), as, &status);
	if (!m)
		return status;
	char err[512];
	if (variants && model_set_columns(m, variants, err, sizeof(err)) < 0) {
		fprintf(stderr, "lvtrace: %s\n", err);
		model_free(m);
		return 2;
	}
	if (!variants)
		model_columns_default(m, 1);
	status = cli_write_output(output, write_html, m) < 0 ? 1 : 0;
	model_free(m);
	return status;
}

const struct cli_cmd cmd_report_entry = {
	.name = "report",
	.synopsis = "lvtrace report --html TRACE.jsonl [TRACE2.jsonl...] [--as NAME,NAME] [--variants A,B] [-o FILE]",
	.summary = "write one self-contained HTML page of a trace: steps, notes, rows, a chart",
	.exec = report_exec,
};
