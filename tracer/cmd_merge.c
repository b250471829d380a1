/*
 * cmd_merge.c: `lvtrace merge TRACE.jsonl TRACE2.jsonl... [-o OUT] [--as
 * NAME,NAME]`: several traces written as one, a column each, page load k of
 * each in step k (merge.c), for replay, report or export to read later.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "merge.h"

static int merge_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"as", required_argument, NULL, 'A'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *output = "-", *as = NULL;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'A': as = optarg; break;
		case 'h': cli_cmd_help(stdout, argv[0]); return 0;
		case ':': return cli_bad_usage("missing value for option", argv[optind - 1]);
		default: return cli_bad_usage("unknown option", argv[optind - 1]);
		}
	}
	if (argc - optind < 1)
		return cli_bad_usage("merge takes the traces to put side by side", NULL);
	return cli_merge(argv + optind, (size_t)(argc - optind), as, output);
}

const struct cli_cmd cmd_merge_entry = {
	.name = "merge",
	.synopsis = "lvtrace merge TRACE.jsonl TRACE2.jsonl... [--as NAME,NAME] [-o TRACE.jsonl]",
	.summary = "write several traces as one, a column each, page load k of each in step k",
	.exec = merge_exec,
};
