/*
 * lvtrace.c: lvtrace's main: the table of subcommands (each in its own
 * cmd_*.c), --help and --version. `lvtrace TRACE.jsonl` is short for
 * `lvtrace replay TRACE.jsonl`.
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <libwebsockets.h>

#include "cli.h"

static const struct cli_cmd *const commands[] = {
	&cmd_run_entry,
	&cmd_check_entry,
	&cmd_expect_entry,
	&cmd_replay_entry,
	&cmd_live_entry,
	&cmd_export_entry,
	&cmd_report_entry,
	&cmd_import_entry,
	&cmd_merge_entry,
};

static const char options_text[] =
	"\n"
	"Runs LiveView lifecycle scenarios against lvdemo, one lvdemo per variant, side\n"
	"by side, counting the database queries of each step and phase, and replays\n"
	"traces in the tracer, one column per variant. `lvtrace TRACE.jsonl` replays.\n"
	"`run` and `check` also take a bundled scenario's name: lvtrace run first-visit.\n"
	"\n"
	"  -o, --output FILE   where `run` writes the merged trace, `export`, `report` and\n"
	"                      `import` what they write (- for stdout, their default)\n"
	"  --no-tracer         `run` prints its summary even on a terminal\n"
	"  --variants A,B      the columns, in that order (run, replay, live, report)\n"
	"  --all               every variant as a column, up to four (run, replay)\n"
	"  --plain             `replay` prints the plain view even on a terminal (it\n"
	"                      does whenever there is no terminal, TERM is unset or\n"
	"                      unknown, or the trace is - for stdin); `live` prints a\n"
	"                      line per event with running counts\n"
	"  --follow TRACE      `live` follows a trace file as it grows, not the feed\n"
	"  --record FILE       `live` also writes what it saw as a trace to replay\n"
	"  --width N           the plain view's width, 40 to 1000 (default $COLUMNS,\n"
	"                      else the terminal's, else 100)\n"
	"  --times             durations in the plain view\n"
	"  --junit FILE        `check` and `expect` also write a JUnit XML report\n"
	"  -v, --verbose       `check` explains the expectations that held too, with\n"
	"                      the queries they counted\n"
	"  --tap               `check` prints TAP (ok / not ok lines, # diagnostics)\n"
	"  --page PATH         `expect` checks the page loads of PATH (a glob; /mission\n"
	"                      is /assign/mission too), not every page load\n"
	"  --lvdemo PATH       the lvdemo to run (default: $LVDEMO, else the lvdemo\n"
	"                      next to lvtrace)\n"
	"  --perfetto          `export` writes Chrome trace event JSON (ui.perfetto.dev)\n"
	"  --csv               `export` writes CSV, a row per query\n"
	"  --html              `report` writes one self-contained HTML page\n"
	"  --otlp FILE         `import` reads OpenTelemetry spans (OTLP/JSON, a request\n"
	"                      per line): HTTP, opentelemetry_phoenix's LiveView spans,\n"
	"                      opentelemetry_ecto's queries (db.query.text, db.statement)\n"
	"  --variant NAME      `import` gives every event that variant (its column)\n"
	"  --as NAME,NAME      the columns' names, a trace each (replay, merge, report,\n"
	"                      export of several traces, side by side page load by page load)\n"
	"\n"
	"`expect` takes what a scenario says after `expect`: 'queries 2',\n"
	"'queries phase=mount:dead* 0', 'queries source=users_tokens assign=3 assign_new=2'.\n"
	"\n"
	"Exit status: 0 all expectations held, 1 one failed or a step could not run,\n"
	"2 usage or scenario syntax error (expect: a bad expectation, a trace it cannot\n"
	"read; import: an input that is not OTLP, said with its line), or a summary or report that cannot be written (replay, export, report: 2 a missing, empty or unreadable trace,\n"
	"1 a bad line in it or an output that cannot be written;\n"
	"merge, and replay, export or report of several traces: 2 for a trace that is\n"
	"missing or has a bad line, more than four, two columns of one name;\n"
	"live: 0 after q, 2 a feed lvdemo refuses or a record it cannot create, 1 a\n"
	"record it cannot write); any command: 128+N after signal N.\n"
	"Manuals: lvtrace(1), lvdemo(1), lvtrace-trace(5); the scenario language:\n"
	"lvtrace-scenario(5) and docs/scenarios.md; the tracer and its exports:\n"
	"docs/tracer.md.\n";

void cli_cmd_help(FILE *out, const char *name)
{
	(void)name;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "%s %s\n", i == 0 ? "usage:" : "      ", commands[i]->synopsis);
	fputs("       lvtrace --help | --version\n\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s%s\n", commands[i]->name, commands[i]->summary);
	fputs(options_text, out);
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	lws_set_log_level(LLL_ERR, NULL);
	if (argc < 2)
		return cli_bad_usage("a command is needed: run, check, expect, replay, live, export, report, import or merge", NULL);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_cmd_help(stdout, NULL);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("lvtrace %s\n", LVTRACE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i]->name) == 0) {
			int status = commands[i]->exec(argc - 1, argv + 1);
			cli_signals_stop(); /* its signal watcher, when it started one */
			return status;
		}
	}
	/* `lvtrace TRACE.jsonl`: a file, not a command, is replayed */
	if (argv[1][0] != '-' && (strchr(argv[1], '.') || strchr(argv[1], '/')))
		return cmd_replay_entry.exec(argc, argv);
	return cli_bad_usage("unknown command", argv[1]);
}
