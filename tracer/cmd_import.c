/*
 * cmd_import.c: `lvtrace import --otlp FILE.json [-o TRACE.jsonl] [--variant
 * NAME]`: another tracer's data as an lvtrace trace, for replay, export
 * and expect. The whole input is read and checked before anything is
 * written, and a file output appears whole or not at all; reading and
 * converting OTLP is import_otlp.c's.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "import_otlp.h"
#include "trace.h"
#include "variant.h"

static int import_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{"otlp", required_argument, NULL, 'x'},
		{"output", required_argument, NULL, 'o'},
		{"variant", required_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *input = NULL, *output = NULL, *variant = NULL;
	char err[1024];
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		switch (c) {
		case 'x': input = optarg; break;
		case 'o': output = optarg; break;
		case 'V': variant = optarg; break;
		case 'h': cli_cmd_help(stdout, argv[0]); return 0;
		case ':': return cli_bad_usage("missing value for option", argv[optind - 1]);
		default: return cli_bad_usage("unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_bad_usage("unexpected argument (the input is --otlp FILE)", argv[optind]);
	if (!input)
		return cli_bad_usage("import needs its input: --otlp FILE.json", NULL);
	if (variant && !variant_name_ok(variant))
		return cli_bad_usage("--variant takes a word of up to 31 letters, digits, '_', '-' or '.'", variant);

	FILE *in = strcmp(input, "-") == 0 ? stdin : fopen(input, "r");
	struct stat sb;
	if (!in) {
		fprintf(stderr, "lvtrace: cannot open '%s': %s\n", input, strerror(errno));
		return 2;
	}
	if (fstat(fileno(in), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "lvtrace: cannot read '%s': a directory\n", input);
		fclose(in);
		return 2;
	}
	/* everything is read and checked before anything is written */
	struct otlp *o = otlp_read(in, input, err, sizeof(err));
	if (in != stdin)
		fclose(in);
	if (!o) {
		fprintf(stderr, "lvtrace: %s\n", err);
		return 2;
	}

	struct cli_whole w = {0};
	int to_stdout = !output || strcmp(output, "-") == 0;
	if (!to_stdout && cli_whole_open(&w, output) < 0) {
		fprintf(stderr, "lvtrace: cannot write '%s': %s\n", output, strerror(errno));
		otlp_free(o);
		return 2;
	}
	cJSON *head = cJSON_CreateObject();
	cJSON_AddStringToObject(head, "imported_from", "otlp");
	cJSON_AddStringToObject(head, "file", input);
	if (variant) {
		cJSON *vs = cJSON_AddArrayToObject(head, "variants");
		cJSON_AddItemToArray(vs, cJSON_CreateString(variant));
	}
	struct otlp_counts counts;
	struct trace *t = trace_open(to_stdout ? "-" : w.part, "lvtrace import", head, err, sizeof(err));
	int ok = t && otlp_write(o, t, variant, &counts, err, sizeof(err)) == 0;
	if (t && trace_close(t) < 0 && ok) {
		snprintf(err, sizeof(err), "cannot write the trace: %s", strerror(errno));
		ok = 0;
	}
	otlp_free(o);
	if (!to_stdout && cli_whole_close(&w, ok) < 0 && ok) {
		snprintf(err, sizeof(err), "cannot write '%s': %s", output, strerror(errno));
		ok = 0;
	}
	if (!ok) {
		fprintf(stderr, "lvtrace: %s\n", err);
		return 2;
	}
	fprintf(stderr, "lvtrace: %s: %zu span%s: %zu request%s, %zu LiveView callback%s, %zu quer%s, %zu other%s%s\n",
		input, counts.spans, counts.spans == 1 ? "" : "s", counts.requests, counts.requests == 1 ? "" : "s",
		counts.live_views, counts.live_views == 1 ? "" : "s", counts.queries, counts.queries == 1 ? "y" : "ies",
		counts.others, to_stdout ? "" : " into ", to_stdout ? "" : output);
	return 0;
}

const struct cli_cmd cmd_import_entry = {
	.name = "import",
	.synopsis = "lvtrace import --otlp FILE.json [-o TRACE.jsonl] [--variant NAME]",
	.summary = "make a trace of OpenTelemetry spans (OTLP/JSON): requests, LiveView callbacks, queries",
	.exec = import_exec,
};
