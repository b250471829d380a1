/*
 * trace_read_bench.c: how fast the trace library reads a large trace,
 * against `jq -c .` on the same file (the yardstick the tracer's loading
 * is held to). Writes a synthetic trace of realistic lines, then times
 * both in one run, so the ratio holds on a busy machine.
 *
 *   trace_read_bench [MEGABYTES]   (default 100)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "trace.h"

static const char *const templates[] = {
	"{\"event\":\"endpoint.start\",\"conn\":\"http:1\",\"variant\":\"assign_new\",\"method\":\"GET\",\"path\":\"/assign_new/mission\"}",
	"{\"event\":\"plug.start\",\"conn\":\"http:1\",\"variant\":\"assign_new\",\"plug\":\"fetch_current_user\",\"phase\":\"plug:fetch_current_user\"}",
	"{\"event\":\"repo.query\",\"conn\":\"http:1\",\"variant\":\"assign_new\",\"sql\":\"SELECT u.id, u.email, u.hashed_password, u.inserted_at FROM users_tokens AS t JOIN users AS u ON u.id = t.user_id WHERE t.token = ?1 AND t.context = 'session' AND t.inserted_at > datetime('now', '-60 days')\",\"source\":\"users_tokens\",\"params\":[\"<32 bytes>\"],\"rows\":1,\"total_us\":41,\"phase\":\"plug:fetch_current_user\",\"caller\":\"accounts.c:76 accounts_get_user_by_session_token\"}",
	"{\"event\":\"plug.stop\",\"conn\":\"http:1\",\"variant\":\"assign_new\",\"plug\":\"fetch_current_user\",\"phase\":\"plug:fetch_current_user\",\"duration_us\":100}",
	"{\"event\":\"live_view.mount.start\",\"conn\":\"http:1\",\"variant\":\"assign_new\",\"view\":\"MissionLive\",\"connected\":false,\"child\":false,\"phase\":\"mount:dead:MissionLive\"}",
	"{\"event\":\"assign_new\",\"conn\":\"http:1\",\"variant\":\"assign_new\",\"view\":\"MissionLive\",\"connected\":false,\"child\":false,\"key\":\"current_user\",\"from\":\"conn_assigns\"}",
	"{\"event\":\"endpoint.stop\",\"conn\":\"http:1\",\"variant\":\"assign_new\",\"method\":\"GET\",\"path\":\"/assign_new/mission\",\"status\":200,\"duration_us\":463}",
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long mb = argc > 1 ? atol(argv[1]) : 100;
	char path[] = "/tmp/lvtrace-bench-XXXXXX";
	char err[512];
	int fd = mkstemp(path);

	if (mb <= 0 || fd < 0) {
		fprintf(stderr, "usage: trace_read_bench [MEGABYTES]\n");
		return 2;
	}
	FILE *f = fdopen(fd, "w");
	fprintf(f, "{\"seq\":1,\"t_us\":0,\"event\":\"trace.start\",\"conn\":\"app\",\"format\":\"lvtrace\",\"version\":1,\"app\":\"bench\"}\n");
	long seq = 2, size = 0, target = mb * 1024 * 1024;
	while (size < target) {
		for (size_t i = 0; i < sizeof(templates) / sizeof(templates[0]); i++) {
			/* seq and t_us first, then the event's members */
			int n = fprintf(f, "{\"seq\":%ld,\"t_us\":%ld,%s", seq, seq * 10, templates[i] + 1);
			fputc('\n', f);
			size += n + 1;
			seq++;
		}
	}
	fclose(f);

	double t0 = now_s();
	struct trace_reader *r = trace_reader_open(path, err, sizeof(err));
	struct trace_event ev;
	long events = 0, queries = 0;
	int rc;
	while (r && (rc = trace_reader_next(r, &ev, err, sizeof(err))) > 0) {
		events++;
		if (strcmp(ev.event, "repo.query") == 0)
			queries++;
		trace_event_release(&ev);
	}
	trace_reader_close(r);
	double ours = now_s() - t0;

	double jq = -1;
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "jq -c . %s >/dev/null 2>&1", path);
	if (system("command -v jq >/dev/null 2>&1") == 0) {
		t0 = now_s();
		if (system(cmd) == 0)
			jq = now_s() - t0;
	}
	unlink(path);
	printf("trace_read: %ld MB, %ld events (%ld queries) in %.2f s: %.0f MB/s\n", mb, events,
	       queries, ours, mb / ours);
	if (jq > 0)
		printf("jq -c .:    %ld MB in %.2f s: %.0f MB/s; the reader is %.1fx jq (the tracer reads with simdjson: below)\n",
		       mb, jq, mb / jq, jq / ours);
	else
		printf("jq -c .:    not measured (jq missing)\n");
	return 0;
}
