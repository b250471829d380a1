/*
 * cli.c: the helpers lvtrace's subcommands share (cli.h): usage errors,
 * finding lvdemo, scenario files and the bundled scenarios by name, and
 * the thread that turns SIGINT and SIGTERM into a flag and a stop of the
 * runs in progress.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "merge.h"
#include "model.h"
#include "report.h"
#include "tui.h"
#include "runner.h"
#include "util.h"

volatile sig_atomic_t cli_interrupted;

int cli_bad_usage(const char *what, const char *arg)
{
	fprintf(stderr, "lvtrace: %s%s%s%s (see lvtrace --help)\n", what, arg ? " '" : "",
		arg ? arg : "", arg ? "'" : "");
	return 2;
}

const char *cli_default_lvdemo(void)
{
	static char path[4200];
	char exe[4096];
	const char *env = getenv("LVDEMO");

	if (env && env[0])
		return env;
	if (path_exe_dir(exe, sizeof(exe)) == 0) {
		snprintf(path, sizeof(path), "%s/lvdemo", exe);
		return path;
	}
	return "lvdemo";
}

int cli_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append a copy of S to *FILES. */
static int add_file(char ***files, size_t *n, const char *s)
{
	char **grown = realloc(*files, (*n + 1) * sizeof(**files));
	char *copy = strdup(s);
	if (!grown || !copy) {
		free(copy);
		if (grown)
			*files = grown;
		fprintf(stderr, "lvtrace: out of memory\n");
		return -1;
	}
	*files = grown;
	(*files)[(*n)++] = copy;
	return 0;
}

int cli_collect_scenarios(const char *path, char ***files, size_t *n)
{
	struct stat sb;

	if (stat(path, &sb) < 0) {
		fprintf(stderr, "lvtrace: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode))
		return add_file(files, n, path);
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "lvtrace: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	size_t first = *n;
	struct dirent *de;
	int rc = 0;
	while (rc == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !cli_ends_with(de->d_name, ".scenario"))
			continue;
		char full[4096];
		snprintf(full, sizeof(full), "%s%s%s", path, cli_ends_with(path, "/") ? "" : "/",
			 de->d_name);
		rc = add_file(files, n, full);
	}
	closedir(d);
	qsort(*files + first, *n - first, sizeof(**files), cmp_str);
	if (*n == first)
		fprintf(stderr, "lvtrace: no .scenario files in '%s'\n", path);
	return rc;
}

/* ------------------------------------------------------------ bundled scenarios */

static int is_dir(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/*
 * Where the bundled scenarios are: BIN/../share/lvtrace/scenarios beside
 * an installed lvtrace, else the build tree's scenarios/ (as lvdemo finds
 * its assets); NULL when neither is a directory. Only the first is
 * searched: an installed tree and its build tree hold the same files.
 */
static const char *bundled_dir(void)
{
	static char dir[PATH_MAX];
	char exe[4096], installed[4200];

	if (path_exe_dir(exe, sizeof(exe)) == 0) {
		snprintf(installed, sizeof(installed), "%s/../share/lvtrace/scenarios", exe);
		if (realpath(installed, dir) && is_dir(dir))
			return dir;
	}
	/* the build tree's, for a lvtrace run from bin/ (set by the Makefile) */
	if (is_dir(LVTRACE_SCENARIOS_DIR))
		return LVTRACE_SCENARIOS_DIR;
	return NULL;
}

/* scandir's filter: the scenario files, no hidden ones */
static int is_scenario_entry(const struct dirent *de)
{
	return fnmatch("*.scenario", de->d_name, FNM_PERIOD) == 0;
}

/*
 * STEM (a file name less ".scenario") without its number prefix "NN-":
 * its short name, a pointer into STEM.
 */
static const char *short_name(const char *stem)
{
	if (fnmatch("+([0-9])-?*", stem, FNM_EXTMATCH) == 0)
		return strchr(stem, '-') + 1;
	return stem;
}

/*
 * The names of the N bundled scenarios STEMS, as one can give them, to
 * OUT: "first-visit, logged-out, ...", a stem when another has the same
 * short name ("01-twin, 02-twin").
 */
static void add_names(struct buf *out, char *const *stems, int n)
{
	for (int i = 0; i < n; i++) {
		const char *shortn = short_name(stems[i]);
		int shared = 0;
		for (int j = 0; j < n && !shared; j++)
			shared = j != i && strcmp(shortn, short_name(stems[j])) == 0;
		buf_addf(out, "%s%s", i ? ", " : "", shared ? stems[i] : shortn);
	}
}

char *cli_find_scenario(const char *arg)
{
	struct stat sb;

	if (strchr(arg, '/') || stat(arg, &sb) == 0 || errno != ENOENT)
		return xstrdup(arg); /* a file: it wins, and opening it says what is wrong */
	const char *dir = bundled_dir();
	if (!dir) {
		fprintf(stderr, "lvtrace: no scenario file or bundled scenario '%s' (no bundled scenarios: "
				"no ../share/lvtrace/scenarios beside lvtrace, no %s)\n",
			arg, LVTRACE_SCENARIOS_DIR);
		return NULL;
	}
	struct dirent **list = NULL;
	int n = scandir(dir, &list, is_scenario_entry, alphasort);
	if (n < 0) {
		fprintf(stderr, "lvtrace: cannot read the bundled scenarios in '%s': %s\n", dir, strerror(errno));
		return NULL;
	}
	/* the name given, less an optional ".scenario"; each file's stem and short name */
	size_t alen = strlen(arg);
	if (cli_ends_with(arg, ".scenario"))
		alen -= strlen(".scenario");
	char *want = xstrndup(arg, alen);
	char **stems = xcalloc((size_t)n + 1, sizeof(*stems));
	int exact = -1, first = -1, second = -1;
	for (int i = 0; i < n; i++) {
		stems[i] = xstrndup(list[i]->d_name, strlen(list[i]->d_name) - strlen(".scenario"));
		const char *shortn = short_name(stems[i]);
		if (strcmp(want, stems[i]) == 0)
			exact = i;
		else if (strcmp(want, shortn) == 0 && first < 0)
			first = i;
		else if (strcmp(want, shortn) == 0 && second < 0)
			second = i;
	}
	char *found = NULL;
	if (exact >= 0 || (first >= 0 && second < 0)) {
		const char *name = list[exact >= 0 ? exact : first]->d_name;
		struct buf path;
		buf_init(&path);
		buf_addf(&path, "%s/%s", dir, name);
		found = buf_take(&path);
	} else if (first >= 0) {
		fprintf(stderr, "lvtrace: '%s' names more than one bundled scenario: %s and %s (in %s); "
				"give its number too\n",
			arg, list[first]->d_name, list[second]->d_name, dir);
	} else {
		struct buf names;
		buf_init(&names);
		add_names(&names, stems, n);
		fprintf(stderr, "lvtrace: no scenario file or bundled scenario '%s' (bundled: %s)\n", arg,
			n ? buf_str(&names) : "none");
		buf_release(&names);
	}
	free(want);
	for (int i = 0; i < n; i++) {
		free(stems[i]);
		free(list[i]);
	}
	free(stems);
	free(list);
	return found;
}

/* ------------------------------------------------------------ signals */

static sigset_t watched;
static pthread_t watcher;
static int watching;
static volatile sig_atomic_t unwatching;

static void *watch_signals(void *arg)
{
	(void)arg;
	for (;;) {
		int sig = 0;
		if (sigwait(&watched, &sig) != 0)
			continue;
		if (unwatching)
			break; /* cli_signals_stop's own signal */
		cli_interrupted = sig;
		/* every lvdemo goes: the runs in progress fail fast and clean up */
		runner_stop();
	}
	return NULL;
}

void cli_signals_start(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (watching)
		return;
	sigemptyset(&watched);
	sigaddset(&watched, SIGINT);
	sigaddset(&watched, SIGTERM);
	sigaddset(&watched, SIGHUP); /* the terminal went away: stop the lvdemos too */
	pthread_sigmask(SIG_BLOCK, &watched, NULL);
	if (pthread_create(&watcher, NULL, watch_signals, NULL) == 0)
		watching = 1;
}

void cli_signals_stop(void)
{
	if (!watching)
		return;
	/* wake it with a signal it waits for, marked as ours; then it is joined,
	 * nothing of it left at exit */
	unwatching = 1;
	pthread_kill(watcher, SIGTERM);
	pthread_join(watcher, NULL);
	watching = 0;
}

struct model *cli_run_model(const struct run *run, const char *path, char *err, size_t errlen)
{
	char tmp[600];
	struct model *m;
	struct cli_whole w;

	if (!path) {
		snprintf(tmp, sizeof(tmp), "%s/merged.jsonl", run->tmpdir);
		path = tmp;
	}
	/* the file appears whole or not at all: a full disk leaves no half trace */
	if (cli_whole_open(&w, path) < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (runner_write_trace(run, w.part, err, errlen) < 0) {
		/* the message names the file that was asked for */
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		cli_whole_close(&w, 0);
		return NULL;
	}
	if (cli_whole_close(&w, 1) < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (!(m = model_new())) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (model_open_file(m, path, err, errlen) < 0 || model_load(m, 0, err, errlen) < 0) {
		model_free(m);
		return NULL;
	}
	return m;
}

/* ------------------------------------------------------------ loading and writing */

int cli_merge(char *const *paths, size_t n, const char *as, const char *out)
{
	char err[1024], *names_buf = NULL;
	const char *names[MERGE_MAX_TRACES] = {0};
	struct cli_whole w = {0};
	int whole = strcmp(out, "-") != 0, rc = 2;

	if (n > MERGE_MAX_TRACES) {
		fprintf(stderr, "lvtrace: %zu traces: side by side there are at most %d columns\n", n,
			MERGE_MAX_TRACES);
		return 2;
	}
	if (as) {
		if (!(names_buf = strdup(as))) {
			fprintf(stderr, "lvtrace: out of memory\n");
			return 2;
		}
		size_t k = 0;
		for (char *p = names_buf, *comma; p; p = comma ? comma + 1 : NULL, k++) {
			if ((comma = strchr(p, ',')))
				*comma = '\0';
			if (k < n)
				names[k] = *p ? p : NULL;
		}
		if (k != n) {
			fprintf(stderr, "lvtrace: --as names %zu columns, and there are %zu traces\n", k, n);
			goto out;
		}
	}
	/* the inputs are all read before a line is written: a bad one writes nothing */
	if (whole && cli_whole_open(&w, out) < 0) {
		fprintf(stderr, "lvtrace: cannot write '%s': %s\n", out, strerror(errno));
		goto out;
	}
	if (merge_traces((const char *const *)paths, n, names, whole ? w.part : out, err, sizeof(err)) < 0) {
		/* a write's failure is said of OUT, not of the file beside it that was to replace it */
		const char *part = whole ? strstr(err, w.part) : NULL;
		if (part)
			fprintf(stderr, "lvtrace: %.*s%s%s\n", (int)(part - err), err, out, part + strlen(w.part));
		else
			fprintf(stderr, "lvtrace: %s\n", err);
		if (whole)
			cli_whole_close(&w, 0);
		goto out;
	}
	if (whole && cli_whole_close(&w, 1) < 0) {
		fprintf(stderr, "lvtrace: cannot write '%s': %s\n", out, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(names_buf);
	return rc;
}

struct model *cli_load_traces(char *const *paths, size_t n, const char *as, int *status)
{
	char tmp[4200];

	if (n == 1 && !as)
		return cli_load_trace(paths[0], status);
	if ((*status = cli_merge_temp(paths, n, as, tmp, sizeof(tmp))) != 0)
		return NULL;
	struct model *m = cli_load_trace(tmp, status);
	unlink(tmp);
	return m;
}

int cli_merge_temp(char *const *paths, size_t n, const char *as, char *tmp, size_t tmplen)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(tmp, tmplen, "%s/lvtrace-merge-XXXXXX", dir);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "lvtrace: cannot create a temporary file in '%s': %s\n", dir, strerror(errno));
		return 2;
	}
	close(fd);
	int rc = cli_merge(paths, n, as, tmp);
	if (rc)
		unlink(tmp);
	return rc;
}

struct model *cli_load_trace(const char *path, int *status)
{
	char err[1024];
	struct model *m = model_new();

	*status = 2;
	if (!m) {
		fprintf(stderr, "lvtrace: out of memory\n");
		return NULL;
	}
	if (model_open_file(m, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "lvtrace: %s\n", err);
		model_free(m);
		return NULL;
	}
	int rc = model_load(m, 0, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "lvtrace: %s\n", err);
		if (cli_ends_with(path, ".scenario"))
			fprintf(stderr, "lvtrace: '%s' is a scenario, not a trace: lvtrace run %s\n", path, path);
		*status = model_event_count(m) == 0 ? 2 : 1;
		model_free(m);
		return NULL;
	}
	if (!model_complete(m))
		fprintf(stderr, "lvtrace: %s ends without lvdemo's trace.stop: cut short, or still being written\n",
			path);
	*status = 0;
	return m;
}

/* mkstemp makes a file only its owner may read: give it what a new file gets. */
static int fchmod_default(const char *path)
{
	mode_t mask = umask(0);
	umask(mask);
	return chmod(path, 0666 & ~mask);
}

int cli_whole_open(struct cli_whole *w, const char *path)
{
	struct stat sb;

	memset(w, 0, sizeof(*w));
	w->path = path;
	/* a device or a FIFO (/dev/stdout, /dev/full) is written as it is: renaming
	 * over it would replace the device with a file */
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		snprintf(w->part, sizeof(w->part), "%s", path);
		w->direct = 1;
		return 0;
	}
	if (snprintf(w->part, sizeof(w->part), "%s.XXXXXX", path) >= (int)sizeof(w->part)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = mkstemp(w->part);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

int cli_whole_close(struct cli_whole *w, int ok)
{
	if (w->direct)
		return ok ? 0 : -1;
	if (ok && (fchmod_default(w->part) == 0 && rename(w->part, w->path) == 0))
		return 0;
	int saved = errno;
	unlink(w->part);
	errno = saved;
	return -1;
}

int cli_write_output(const char *path, int (*write)(FILE *out, void *arg), void *arg)
{
	if (!path || strcmp(path, "-") == 0) {
		int rc = write(stdout, arg);
		if (fflush(stdout) == EOF || ferror(stdout))
			rc = -1;
		if (rc < 0)
			fprintf(stderr, "lvtrace: cannot write the output: %s\n", strerror(errno));
		return rc;
	}
	struct cli_whole w;
	FILE *out = NULL;
	if (cli_whole_open(&w, path) < 0 || !(out = fopen(w.part, "w"))) {
		fprintf(stderr, "lvtrace: cannot write '%s': %s\n", path, strerror(errno));
		if (w.part[0])
			cli_whole_close(&w, 0);
		return -1;
	}
	int rc = write(out, arg);
	int saved = errno;
	if (fflush(out) == EOF || (!w.direct && fsync(fileno(out)) < 0))
		rc = -1, saved = errno;
	if (fclose(out) == EOF && rc == 0)
		rc = -1, saved = errno;
	if (cli_whole_close(&w, rc == 0) < 0) {
		if (rc == 0)
			saved = errno;
		fprintf(stderr, "lvtrace: cannot write '%s': %s\n", path, strerror(saved));
		return -1;
	}
	return 0;
}

const char *cli_no_terminal(void)
{
	const char *term = getenv("TERM");
	if (!isatty(STDOUT_FILENO))
		return "standard output is not a terminal";
	if (!isatty(STDIN_FILENO))
		return "standard input is not a terminal";
	if (!term || !term[0])
		return "TERM is not set";
	if (!tui_term_known(term))
		return "the terminal type in TERM is unknown";
	return NULL;
}

int cli_junit_close(FILE *jf, struct cli_whole *w)
{
	report_junit_end(jf);
	int ok = fflush(jf) != EOF && !ferror(jf);
	if (fclose(jf) == EOF)
		ok = 0;
	if (cli_whole_close(w, ok) < 0) {
		fprintf(stderr, "lvtrace: cannot write '%s': %s\n", w->path, strerror(errno));
		return -1;
	}
	return 0;
}

int cli_stdout_flush(void)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "lvtrace: cannot write the report to standard output: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}
