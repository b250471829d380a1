/*
 * cmd_export.c: `lvtrace export --perfetto|--csv TRACE.jsonl`: the loaded
 * model written for other tools (view_perfetto.c, view_csv.c), on
 * standard output or into a file with -o.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "model.h"
#include "view_export.h"

static int write_perfetto(FILE *out, void *m)
{
	return view_perfetto(out, m);
}

static int write_csv(FILE *out, void *m)
{
	return view_csv(out, m);
}

static int export_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{"perfetto", no_argument, NULL, 'P'},
		{"csv", no_argument, NULL, 'C'},
		{"output", required_argument, NULL, 'o'},
		{"as", required_argument, NULL, 'A'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int (*write)(FILE *, void *) = NULL;
	const char *output = NULL, *as = NULL;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		switch (c) {
		case 'P':
		case 'C':
			if (write)
				return cli_bad_usage("export writes one format: --perfetto or --csv, not both", NULL);
			write = c == 'P' ? write_perfetto : write_csv;
			break;
		case 'o': output = optarg; break;
		case 'A': as = optarg; break;
		case 'h': cli_cmd_help(stdout, argv[0]); return 0;
		case ':': return cli_bad_usage("missing value for option", argv[optind - 1]);
		default: return cli_bad_usage("unknown option", argv[optind - 1]);
		}
	}
	if (!write)
		return cli_bad_usage("export needs a format: --perfetto or --csv", NULL);
	if (argc - optind < 1)
		return cli_bad_usage("export takes a trace file, or several to put side by side", NULL);
	int status;
	struct model *m = cli_load_traces(argv + optind, (size_t)(argc - optind), as, &status);
	if (!m)
		return status;
	status = cli_write_output(output, write, m) < 0 ? 1 : 0;
	model_free(m);
	return status;
}

const struct cli_cmd cmd_export_entry = {
	.name = "export",
	.synopsis = "lvtrace export (--perfetto | --csv) TRACE.jsonl [TRACE2.jsonl...] [--as NAME,NAME] [-o FILE]",
	.summary = "write a trace for other tools: Perfetto's trace JSON, or CSV with a row per query",
	.exec = export_exec,
};
