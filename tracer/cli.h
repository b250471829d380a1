/*
 * cli.h: what lvtrace's subcommands share: the table that registers them
 * (one file each, cmd_*.c), usage errors, finding lvdemo, scenario files
 * from the command line, and the signal watcher. Each command parses its
 * own options.
 */
#ifndef LVTRACE_CLI_H
#define LVTRACE_CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#define LVTRACE_VERSION "0.2.0"

struct cli_cmd {
	const char *name;
	const char *synopsis; /* the usage lines of the command, without "usage: " */
	const char *summary;  /* one sentence for lvtrace --help */
	int (*exec)(int argc, char **argv); /* argv[0] is the command's name */
};

extern const struct cli_cmd cmd_run_entry;
extern const struct cli_cmd cmd_check_entry;
extern const struct cli_cmd cmd_expect_entry;
extern const struct cli_cmd cmd_replay_entry;
extern const struct cli_cmd cmd_export_entry;
extern const struct cli_cmd cmd_report_entry;
extern const struct cli_cmd cmd_live_entry;
extern const struct cli_cmd cmd_import_entry;
extern const struct cli_cmd cmd_merge_entry;

/* Print "lvtrace: WHAT 'ARG' (see lvtrace --help)" on stderr; returns 2. ARG may be NULL. */
int cli_bad_usage(const char *what, const char *arg);

/* The lvdemo to run: $LVDEMO, else the lvdemo next to this lvtrace, else "lvdemo". */
const char *cli_default_lvdemo(void);

/*
 * Add PATH, or every *.scenario of the directory PATH (sorted), to *FILES
 * (each a new string). Returns 0, or -1 after printing why.
 */
int cli_collect_scenarios(const char *path, char ***files, size_t *n);

/*
 * The scenario file ARG stands for, as a new string: ARG itself when it
 * exists, has a '/' or cannot be looked at (opening it says why), else the
 * bundled scenario of that name (in BIN/../share/lvtrace/scenarios beside
 * an installed lvtrace, else in the build tree's scenarios/), where a
 * number prefix "NN-" and the ".scenario" suffix are optional:
 * "first-visit", "01-first-visit" and "first-visit.scenario" all name
 * 01-first-visit.scenario. A file's whole name beats another's short one.
 * NULL after saying on stderr that no bundled scenario matched (listing
 * them) or that more than one did: a usage error, exit status 2.
 */
char *cli_find_scenario(const char *arg);

/*
 * Set when SIGINT, SIGTERM or SIGHUP arrived (the signal number), by a watcher
 * thread that also stops the scenario runs in progress (runner_stop):
 * nothing runs in a signal handler. Loops check it.
 */
extern volatile sig_atomic_t cli_interrupted;

/* Start the watcher; the signals are blocked in the calling thread and those it starts later. */
void cli_signals_start(void);
/* End that thread (at exit; the signals stay blocked). */
void cli_signals_stop(void);

/* The usage of lvtrace (every command), for --help. */
void cli_cmd_help(FILE *out, const char *name);

struct run;
struct model;
/*
 * Write RUN's merged trace at PATH (NULL: in the run's own directory) and
 * load it into a new model: what every report of a run is read from.
 * NULL with ERR when it cannot be written or read.
 */
struct model *cli_run_model(const struct run *run, const char *path, char *err, size_t errlen);

/*
 * Load the whole trace at PATH into a new model, for the commands that
 * write it out. NULL after saying why on stderr, with *STATUS 2 for a
 * missing, unreadable or empty trace and 1 for a bad line; a trace cut
 * short is loaded with a warning (*STATUS 0).
 */
struct model *cli_load_trace(const char *path, int *status);

/*
 * WRITE(OUT, ARG) to PATH: standard output for NULL or "-", else a file that
 * appears whole or not at all (written beside PATH, then renamed). Returns
 * 0, or -1 after saying on stderr why the output could not be written.
 */
int cli_write_output(const char *path, int (*write)(FILE *out, void *arg), void *arg);

/*
 * A file that appears whole or not at all: write W.PART (a temporary name
 * beside PATH), then cli_whole_close(W, OK) renames it over PATH when OK,
 * else removes it. A PATH that is a device or a FIFO is written directly.
 * Both return 0, or -1 with errno.
 */
struct cli_whole {
	const char *path;
	char part[4200];
	int direct;
};
int cli_whole_open(struct cli_whole *w, const char *path);
int cli_whole_close(struct cli_whole *w, int ok);

/* End the JUnit report JF opened through W (report_junit_end, then closed and put in place). 0, or -1 after saying why on stderr. */
int cli_junit_close(FILE *jf, struct cli_whole *w);
/* Standard output flushed: 0, or -1 after saying on stderr that the report could not be written. */
int cli_stdout_flush(void);

/*
 * The N traces of PATHS merged page load beside page load (merge.c) into a
 * new temporary file, its path in TMP (TMPLEN bytes; the caller removes
 * it), the columns named by AS ("NAME,NAME", may be NULL; an empty name
 * keeps the one the trace gives). Returns 0, or 2 after saying why on
 * stderr (a trace that cannot be read, a bad line, too many traces).
 */
int cli_merge_temp(char *const *paths, size_t n, const char *as, char *tmp, size_t tmplen);

/*
 * cli_load_trace of one trace, or of the N traces of PATHS merged by
 * cli_merge_temp (with AS), the temporary file removed once loaded.
 */
struct model *cli_load_traces(char *const *paths, size_t n, const char *as, int *status);

/* The same merge written at OUT ("-": stdout; a file appears whole or not at all). 0, or 2 as above. */
int cli_merge(char *const *paths, size_t n, const char *as, const char *out);

/* Why the ncurses tracer cannot be used here (no terminal, TERM unknown), or NULL when it can. */
const char *cli_no_terminal(void);

/* 1 when S ends with SUFFIX. */
int cli_ends_with(const char *s, const char *suffix);

#endif
