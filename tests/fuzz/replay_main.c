/*
 * replay_main.c: a libFuzzer harness without libFuzzer. Linked with one
 * harness, it calls LLVMFuzzerTestOneInput once on every file of the
 * directories (or the files) it is given, in name order, so that make
 * test replays the seeds and the inputs that once crashed or hung with
 * the project's own compiler and flags (and sanitizers, under SANITIZE=1).
 *
 *   replay_fuzz_X DIR|FILE...
 *
 * Exits 0 when every input ran, 2 when a path cannot be read; an input
 * that crashes or runs past REPLAY_TIMEOUT seconds (default 30) kills it,
 * and its name is on stderr first.
 */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the sanitizers' hook, called before they end the process (absent without them) */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static const char *current; /* the input running now, for the message of its death */

static void say_current(const char *why)
{
	static const char what[] = "replay: this input failed: ";
	if (current) {
		(void)!write(2, what, sizeof(what) - 1);
		(void)!write(2, current, strlen(current));
		(void)!write(2, why, strlen(why));
	}
}

static void on_sanitizer_death(void)
{
	say_current("\n");
}

/* Say which input it was, then die of the same signal. */
static void on_fatal(int sig)
{
	say_current(sig == SIGALRM ? " (timed out)\n" : "\n");
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Run the input in PATH. Returns 0, or -1 when it cannot be read. */
static int replay_file(const char *path, unsigned timeout)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t cap = 4096, n = 0, got;
	uint8_t *data = malloc(cap);
	while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *more = realloc(data, cap *= 2);
			if (!more)
				free(data);
			data = more;
		}
	}
	int failed = ferror(f) || !data;
	fclose(f);
	if (failed) {
		fprintf(stderr, "%s: cannot read it\n", path);
		free(data);
		return -1;
	}
	/* an exact copy on the heap: a read past its end is caught under ASan */
	uint8_t *exact = malloc(n ? n : 1);
	memcpy(exact, data, n);
	free(data);
	current = path;
	alarm(timeout);
	LLVMFuzzerTestOneInput(exact, n);
	alarm(0);
	current = NULL;
	free(exact);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every regular file of DIR; *COUNT grows by their number. Returns 0 or -1. */
static int replay_dir(const char *dir, unsigned timeout, int *count)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name), rc = 0;

	if (n < 0) {
		perror(dir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(path, timeout) < 0)
				rc = -1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	const char *t = getenv("REPLAY_TIMEOUT");
	unsigned timeout = t && atoi(t) > 0 ? (unsigned)atoi(t) : 30;
	int rc = 0;

	signal(SIGABRT, on_fatal);
	signal(SIGALRM, on_fatal);
	if (__sanitizer_set_death_callback) {
		/* their own handlers report a bad access: leave them in place */
		__sanitizer_set_death_callback(on_sanitizer_death);
	} else {
		signal(SIGSEGV, on_fatal);
		signal(SIGBUS, on_fatal);
		signal(SIGFPE, on_fatal);
	}
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		int count = 0;
		if (stat(argv[i], &st) < 0) {
			perror(argv[i]);
			rc = 2;
		} else if (S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], timeout, &count) < 0)
				rc = 2;
			printf("replayed %d input%s of %s\n", count, count == 1 ? "" : "s", argv[i]);
		} else if (replay_file(argv[i], timeout) < 0) {
			rc = 2;
		} else {
			printf("replayed %s\n", argv[i]);
		}
	}
	return rc;
}
