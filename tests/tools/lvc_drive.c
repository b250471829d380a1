/*
 * lvc_drive.c: a command-line front end to the client library (tracer/lv_client.h, tracer/lvc_*.c) for the
 * integration tests (t0400-client.sh). Each run is one lvc; the cookie jar
 * can live in a file between runs, like curl's. It prints what happened as
 * plain lines for the shell to compare; checking them is the test's job.
 *
 *   lvc_drive [--jar FILE] [--body FILE] [--timeout MS] URL request METHOD PATH [FORM [HEADER...]]
 *   lvc_drive URL form NAME=VALUE...
 *   lvc_drive URL csrf FILE | containers FILE
 *   lvc_drive [--jar FILE] [--origin ORIGIN|--no-origin] URL ws PATH STEP...
 *       steps: heartbeat | push TOPIC EVENT JSON | next-push MS | await-close MS | close
 *   lvc_drive [--origin ORIGIN|--no-origin] URL feed PATH SUBPROTOCOL STEP... (any JSON is a push)
 *   lvc_drive URL parallel N EMAIL-PREFIX PASSWORD
 *
 * Exit status: 0 done, 1 a request or step failed (message on stderr), 2 usage.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "lv_client.h"

struct options {
	const char *jar;
	const char *body;
	const char *origin; /* NULL: the default; "": none */
	int timeout_ms;
	const char *url;
};

static int usage(void)
{
	fputs("usage: lvc_drive [--jar FILE] [--body FILE] [--timeout MS] [--origin O|--no-origin]\n"
	      "                 URL request METHOD PATH [FORM [HEADER...]]\n"
	      "       lvc_drive URL form NAME=VALUE... | csrf FILE | containers FILE\n"
	      "       lvc_drive URL ws PATH STEP... | parallel N EMAIL-PREFIX PASSWORD\n"
	      "       lvc_drive URL feed PATH SUBPROTOCOL STEP...\n",
	      stderr);
	return 2;
}

/* ---------------------------------------------------------------- jar file */

static int jar_load(struct lvc *c, const char *path)
{
	char line[8192];
	FILE *f = fopen(path, "r");

	if (!f)
		return 0; /* no jar yet */
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		if (lvc_cookie_set(c, line, tab + 1) < 0)
			fprintf(stderr, "lvc_drive: %s: bad cookie '%s' skipped\n", path, line);
	}
	fclose(f);
	return 0;
}

static int jar_save(const struct lvc *c, const char *path)
{
	FILE *f = fopen(path, "w");
	const char *name, *value;

	if (!f) {
		perror(path);
		return -1;
	}
	for (size_t i = 0; lvc_cookie_at(c, i, &name, &value) == 0; i++)
		fprintf(f, "%s\t%s\n", name, value);
	return fclose(f);
}

/* Print "set NAME" / "deleted NAME" for each difference between the jar
 * before (copied into BEFORE) and now. */
struct jar_copy {
	size_t n;
	char **name;
	char **value;
};

static void jar_copy_take(struct jar_copy *j, const struct lvc *c)
{
	const char *name, *value;

	j->n = lvc_cookie_count(c);
	j->name = calloc(j->n + 1, sizeof(char *));
	j->value = calloc(j->n + 1, sizeof(char *));
	for (size_t i = 0; i < j->n && lvc_cookie_at(c, i, &name, &value) == 0; i++) {
		j->name[i] = strdup(name);
		j->value[i] = strdup(value);
	}
}

static void jar_copy_free(struct jar_copy *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free(j->name[i]);
		free(j->value[i]);
	}
	free(j->name);
	free(j->value);
}

static void jar_print_changes(const struct jar_copy *before, const struct lvc *c)
{
	const char *name, *value;

	for (size_t i = 0; lvc_cookie_at(c, i, &name, &value) == 0; i++) {
		size_t k = 0;
		while (k < before->n && strcmp(before->name[k], name) != 0)
			k++;
		if (k == before->n || strcmp(before->value[k], value) != 0)
			printf("cookie set %s\n", name);
	}
	for (size_t k = 0; k < before->n; k++)
		if (!lvc_cookie_get(c, before->name[k]))
			printf("cookie deleted %s\n", before->name[k]);
}

/* ---------------------------------------------------------------- commands */

static int cmd_request(struct lvc *c, const struct options *o, int argc, char **argv)
{
	struct lvc_response r;
	struct jar_copy before;
	char err[512];

	if (argc < 2)
		return usage();
	const char *form = argc > 2 && strcmp(argv[2], "-") != 0 ? argv[2] : NULL;
	const char *const *headers = argc > 3 ? (const char *const *)&argv[3] : NULL;
	jar_copy_take(&before, c);
	int rc = lvc_request(c, argv[0], argv[1], form, headers, &r, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "lvc_drive: %s\n", err);
		jar_copy_free(&before);
		return 1;
	}
	printf("status %d\n", r.status);
	printf("location %s\n", r.location ? r.location : "-");
	printf("body %zu bytes\n", r.body_len);
	jar_print_changes(&before, c);
	jar_copy_free(&before);
	FILE *f = fopen(o->body ? o->body : "body", "w");
	if (!f || fwrite(r.body, 1, r.body_len, f) != r.body_len || fclose(f) != 0) {
		perror(o->body ? o->body : "body");
		lvc_response_release(&r);
		return 1;
	}
	lvc_response_release(&r);
	return 0;
}

static int cmd_form(int argc, char **argv)
{
	char *form = NULL;

	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq)
			return usage();
		*eq = '\0';
		if (lvc_form_add(&form, argv[i], eq + 1) < 0) {
			free(form);
			return 1;
		}
	}
	printf("%s\n", form ? form : "");
	free(form);
	return 0;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		perror(path);
		return NULL;
	}
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? 2 * cap : 8192;
			char *t = realloc(s, cap);
			if (!t) {
				free(s);
				fclose(f);
				return NULL;
			}
			s = t;
		}
		size_t k = fread(s + n, 1, 4096, f);
		n += k;
		if (k < 4096)
			break;
	}
	fclose(f);
	s[n] = '\0';
	return s;
}

static int cmd_csrf(int argc, char **argv)
{
	if (argc != 1)
		return usage();
	char *html = read_file(argv[0]);
	if (!html)
		return 1;
	char *token = lvc_html_csrf_token(html);
	free(html);
	if (!token) {
		fprintf(stderr, "lvc_drive: no csrf-token meta tag in %s\n", argv[0]);
		return 1;
	}
	printf("%s\n", token);
	free(token);
	return 0;
}

static int cmd_containers(int argc, char **argv)
{
	struct lvc_container *v;
	size_t n;

	if (argc != 1)
		return usage();
	char *html = read_file(argv[0]);
	if (!html)
		return 1;
	int rc = lvc_html_containers(html, &v, &n);
	free(html);
	if (rc < 0)
		return 1;
	for (size_t i = 0; i < n; i++)
		printf("id=%s main=%d parent=%s static=%s session=%zu bytes\n", v[i].id ? v[i].id : "-",
		       v[i].main, v[i].parent_id ? v[i].parent_id : "-",
		       v[i].static_token ? "yes" : "no", strlen(v[i].session));
	lvc_containers_free(v, n);
	return 0;
}

/* Print a reply as "reply STATUS RESPONSE-JSON". */
static void print_reply(const cJSON *msg)
{
	const cJSON *payload = cJSON_GetArrayItem(msg, 4);
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(payload, "status");
	char *resp = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(payload, "response"));
	printf("reply %s %s\n", cJSON_IsString(status) ? status->valuestring : "?",
	       resp ? resp : "null");
	free(resp);
}

static int ws_step_push(struct lvc_socket *s, const char *join_ref, const char *topic,
			const char *event, cJSON *payload)
{
	char ref[16];

	if (lvc_socket_push(s, join_ref, topic, event, payload, ref) < 0) {
		fprintf(stderr, "lvc_drive: cannot push %s on %s\n", event, topic);
		return 1;
	}
	cJSON *reply = lvc_socket_await_reply(s, ref, 2000);
	if (!reply) {
		printf("no reply (%s)\n", lvc_socket_closed(s) ? "closed" : "timeout");
		return 1;
	}
	print_reply(reply);
	cJSON_Delete(reply);
	return 0;
}

/* ws PATH STEP... or, FEED set, feed PATH SUBPROTOCOL STEP... */
static int cmd_ws(struct lvc *c, const struct options *o, int argc, char **argv, int feed)
{
	char err[512];
	int status;

	if (argc < 1 + feed)
		return usage();
	struct lvc_socket *s = feed ? lvc_feed_open(c, argv[0], argv[1], o->origin, &status, err, sizeof(err))
				    : lvc_socket_open(c, argv[0], o->origin, &status, err, sizeof(err));
	argc -= feed;
	argv += feed;
	if (!s) {
		if (status)
			printf("refused %d\n", status);
		fprintf(stderr, "lvc_drive: %s\n", err);
		return 1;
	}
	printf("open\n");
	int rc = 0;
	for (int i = 1; i < argc && rc == 0; i++) {
		if (strcmp(argv[i], "heartbeat") == 0) {
			rc = ws_step_push(s, NULL, "phoenix", "heartbeat", cJSON_CreateObject());
		} else if (strcmp(argv[i], "push") == 0 && i + 3 < argc) {
			cJSON *payload = cJSON_Parse(argv[i + 3]);
			if (!payload) {
				fprintf(stderr, "lvc_drive: bad JSON payload '%s'\n", argv[i + 3]);
				rc = 2;
				break;
			}
			rc = ws_step_push(s, "1", argv[i + 1], argv[i + 2], payload);
			i += 3;
		} else if (strcmp(argv[i], "next-push") == 0 && i + 1 < argc) {
			cJSON *m = lvc_socket_next_push(s, atoi(argv[++i]));
			char *text = m ? cJSON_PrintUnformatted(m) : NULL;
			printf("push %s\n", text ? text : "none");
			free(text);
			cJSON_Delete(m);
		} else if (strcmp(argv[i], "await-close") == 0 && i + 1 < argc) {
			if (lvc_socket_await_close(s, atoi(argv[++i])) == 0)
				printf("closed %d\n", lvc_socket_close_code(s));
			else
				printf("still open\n");
		} else if (strcmp(argv[i], "close") == 0) {
			lvc_socket_close(s);
			s = NULL;
			printf("closed by us\n");
			break;
		} else {
			rc = usage();
		}
	}
	if (s && lvc_socket_malformed(s))
		printf("malformed %lu\n", lvc_socket_malformed(s));
	lvc_socket_close(s);
	return rc;
}

/* ---------------------------------------------------------------- parallel */

struct worker {
	const char *url;
	char email[128];
	const char *password;
	int ok;
	char err[512];
};

/* GET PATH and keep the page's CSRF token in *TOKEN (replacing it). */
static int get_page(struct lvc *c, const char *path, int want, char **token, char *err,
		    size_t errlen)
{
	struct lvc_response r;

	if (lvc_request(c, "GET", path, NULL, NULL, &r, err, errlen) < 0)
		return -1;
	int rc = 0;
	if (r.status != want) {
		snprintf(err, errlen, "GET %s: status %d, expected %d", path, r.status, want);
		rc = -1;
	} else if (token) {
		free(*token);
		*token = lvc_html_csrf_token(r.body);
		if (!*token) {
			snprintf(err, errlen, "GET %s: no csrf token", path);
			rc = -1;
		}
	}
	lvc_response_release(&r);
	return rc;
}

static int post_form(struct lvc *c, const char *path, const char *token, const char *const *kv,
		     const char *want_location, char *err, size_t errlen)
{
	struct lvc_response r;
	char *form = NULL;

	int bad = lvc_form_add(&form, "_csrf_token", token);
	for (; !bad && kv[0]; kv += 2)
		bad = lvc_form_add(&form, kv[0], kv[1]);
	if (bad) {
		free(form);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int rc = lvc_request(c, "POST", path, form, NULL, &r, err, errlen);
	free(form);
	if (rc < 0)
		return -1;
	if (r.status != 302 || !r.location || strcmp(r.location, want_location) != 0) {
		snprintf(err, errlen, "POST %s: status %d location %s, expected 302 to %s", path,
			 r.status, r.location ? r.location : "-", want_location);
		rc = -1;
	}
	lvc_response_release(&r);
	return rc;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	char *token = NULL;
	struct lvc *c = lvc_new(w->url, w->err, sizeof(w->err));

	if (!c)
		return NULL;
	const char *reg[] = {"user[email]", w->email, "user[password]", w->password, NULL};
	const char *login[] = {"user[email]", w->email, "user[password]", w->password, NULL};
	const char *logout[] = {"_method", "delete", NULL};
	for (int round = 0; round < 3; round++) {
		if (round == 0) {
			if (get_page(c, "/users/register", 200, &token, w->err, sizeof(w->err)) < 0 ||
			    post_form(c, "/users/register", token, reg, "/", w->err, sizeof(w->err)) < 0)
				goto out;
		} else if (get_page(c, "/users/log_in", 200, &token, w->err, sizeof(w->err)) < 0 ||
			   /* the 302 of the last round stored user_return_to */
			   post_form(c, "/users/log_in", token, login, "/assign_new/mission", w->err,
				     sizeof(w->err)) < 0) {
			goto out;
		}
		if (get_page(c, "/assign_new/mission", 200, NULL, w->err, sizeof(w->err)) < 0 ||
		    get_page(c, "/", 200, &token, w->err, sizeof(w->err)) < 0 ||
		    post_form(c, "/users/log_out", token, logout, "/", w->err, sizeof(w->err)) < 0 ||
		    get_page(c, "/assign_new/mission", 302, NULL, w->err, sizeof(w->err)) < 0)
			goto out;
	}
	w->ok = 1;
out:
	free(token);
	lvc_free(c);
	return NULL;
}

static int cmd_parallel(const struct options *o, int argc, char **argv)
{
	if (argc != 3)
		return usage();
	int n = atoi(argv[0]);
	if (n < 1 || n > 32)
		return usage();
	struct worker w[32];
	pthread_t th[32];
	for (int i = 0; i < n; i++) {
		w[i] = (struct worker){.url = o->url, .password = argv[2]};
		snprintf(w[i].email, sizeof(w[i].email), "%s%d@example.com", argv[1], i);
		if (pthread_create(&th[i], NULL, worker_run, &w[i]) != 0) {
			fprintf(stderr, "lvc_drive: cannot start thread %d\n", i);
			return 1;
		}
	}
	int bad = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		if (w[i].ok) {
			printf("%s ok\n", w[i].email);
		} else {
			fprintf(stderr, "lvc_drive: %s: %s\n", w[i].email, w[i].err);
			bad = 1;
		}
	}
	return bad;
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
	struct options o = {.timeout_ms = LVC_DEFAULT_TIMEOUT_MS};
	char err[512];
	int i = 1;

	signal(SIGPIPE, SIG_IGN);
	lws_set_log_level(LLL_ERR, NULL);
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--jar") == 0 && i + 1 < argc)
			o.jar = argv[++i];
		else if (strcmp(argv[i], "--body") == 0 && i + 1 < argc)
			o.body = argv[++i];
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
			o.timeout_ms = atoi(argv[++i]);
		else if (strcmp(argv[i], "--origin") == 0 && i + 1 < argc)
			o.origin = argv[++i];
		else if (strcmp(argv[i], "--no-origin") == 0)
			o.origin = "";
		else
			return usage();
	}
	if (argc - i < 2)
		return usage();
	o.url = argv[i];
	const char *cmd = argv[i + 1];
	int cargc = argc - i - 2;
	char **cargv = argv + i + 2;

	if (strcmp(cmd, "form") == 0)
		return cmd_form(cargc, cargv);
	if (strcmp(cmd, "csrf") == 0)
		return cmd_csrf(cargc, cargv);
	if (strcmp(cmd, "containers") == 0)
		return cmd_containers(cargc, cargv);
	if (strcmp(cmd, "parallel") == 0)
		return cmd_parallel(&o, cargc, cargv);

	struct lvc *c = lvc_new(o.url, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "lvc_drive: %s\n", err);
		return 1;
	}
	lvc_set_timeout(c, o.timeout_ms);
	if (o.jar)
		jar_load(c, o.jar);
	int rc;
	if (strcmp(cmd, "request") == 0)
		rc = cmd_request(c, &o, cargc, cargv);
	else if (strcmp(cmd, "ws") == 0)
		rc = cmd_ws(c, &o, cargc, cargv, 0);
	else if (strcmp(cmd, "feed") == 0)
		rc = cmd_ws(c, &o, cargc, cargv, 1);
	else
		rc = usage();
	if (o.jar && rc != 2 && jar_save(c, o.jar) < 0)
		rc = 1;
	lvc_free(c);
	return rc;
}
