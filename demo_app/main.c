/*
 * main.c: lvdemo's command line, start-up (listening socket, trace,
 * database, secret, password workers) and the event loop, and a clean
 * shutdown on SIGINT or SIGTERM with the trace flushed.
 */
#include "app.h"
#include "protocols.h"

#include <errno.h>
#include <netdb.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct options {
	const char *host;
	int port;
	const char *db_path;
	const char *trace_path;
	int bcrypt_cost;
	const char *secret_file;
	int test_hooks;
	const char *assets;
	const char *url; /* --url: the origin browsers load the pages from */
	struct cidr feed_from[APP_MAX_FEED_FROM];
	int nfeed_from;
	int request_timeout;
	int password_queue;
	int no_trace;
	int trace_given;
};

static volatile sig_atomic_t interrupted;
static struct lws_context *signal_context;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
	if (signal_context)
		lws_cancel_service(signal_context); /* a write to a pipe: safe here */
}

static void usage(FILE *out)
{
	fputs("usage: lvdemo [--host ADDR] [--port N] [--db PATH] [--trace PATH|-|--no-trace]\n"
	      "              [--bcrypt-cost N] [--secret-file PATH] [--assets DIR]\n"
	      "              [--test-hooks] [--trace-feed-from CIDR] [--url URL]\n"
	      "              [--request-timeout SECONDS] [--password-queue N]\n"
	      "\n"
	      "The lvtrace demo app: phx.gen.auth-style accounts and LiveView pages whose\n"
	      "lifecycle phases and SQL statements are written to a JSON Lines trace.\n"
	      "\n"
	      "  --host ADDR         address to listen on (default 127.0.0.1)\n"
	      "  --port N            port to listen on, 0 for any free port (default 4000)\n"
	      "  --db PATH           SQLite database, created when missing (default lvdemo.db)\n"
	      "  --trace PATH|-      where the trace goes, - for stdout (default -)\n"
	      "  --no-trace          no trace file at all (the live feed still formats lines\n"
	      "                      while someone reads it)\n"
	      "  --bcrypt-cost N     bcrypt cost for new passwords, 4 to 31 (default 12)\n"
	      "  --secret-file PATH  signing secret, created when missing (default: kept in\n"
	      "                      the database)\n"
	      "  --assets DIR        LiveView's JavaScript client and app.js (default: the\n"
	      "                      installed share/lvdemo/assets, else the build tree's)\n"
	      "  --test-hooks        the route a scenario runner uses (POST /test/expire-token:\n"
	      "                      the session's token made 61 days old), from loopback only\n"
	      "  --trace-feed-from CIDR  who else may read the live trace feed\n"
	      "                      (ws://HOST:PORT/trace, subprotocol lvtrace.v1), e.g.\n"
	      "                      192.168.1.0/24 (repeat it for more blocks, up to 16);\n"
	      "                      loopback peers always may, nobody else by default\n"
	      "  --url URL           the address browsers reach lvdemo at, http://HOST[:PORT]\n"
	      "                      (behind a proxy or a name): LiveView's socket accepts\n"
	      "                      pages of that origin only (default: the address it\n"
	      "                      listens on, and localhost for a loopback one)\n"
	      "  --request-timeout SECONDS  how long a request (line, headers and body) may\n"
	      "                      take to arrive, 1 to 3600, else 408 (default 10)\n"
	      "  --password-queue N  log-ins and registrations waiting for bcrypt, at most,\n"
	      "                      1 to 100000; more get 503 (default 32)\n"
	      "  --help              show this help\n"
	      "  --version           show the version\n"
	      "\n"
	      "Once it accepts connections it prints 'lvdemo listening on http://HOST:PORT\n"
	      "(at most N connections)' on stdout, or on stderr when the trace goes to stdout;\n"
	      "N is below the limit of open files; a few more get 503, the rest are closed.\n",
	      out);
}

/*
 * The trace of a run before, left at PATH (perhaps by a crash: the one to
 * keep), is never overwritten: a non-empty file there is renamed to
 * PATH.N, N one more than the highest kept. Returns 0, or -1 after saying
 * why it could not be kept. Devices, FIFOs and "-" are left alone.
 */
static int keep_old_trace(const char *path)
{
	struct stat sb;
	char kept[PATH_MAX + 16];

	if (strcmp(path, "-") == 0 || stat(path, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size == 0)
		return 0;
	for (unsigned n = 1; n < 100000; n++) {
		snprintf(kept, sizeof(kept), "%s.%u", path, n);
		if (access(kept, F_OK) == 0)
			continue;
		/* link, then unlink: never replaces a file that appeared meanwhile */
		if (link(path, kept) < 0) {
			if (errno == EEXIST)
				continue;
			if (rename(path, kept) < 0)
				break;
		} else if (unlink(path) < 0) {
			break;
		}
		fprintf(stderr, "lvdemo: the trace of the run before is kept as %s\n", kept);
		return 0;
	}
	fprintf(stderr, "lvdemo: cannot keep the trace of the run before (%s): %s\n", path, strerror(errno));
	return -1;
}

/* descriptors lvdemo keeps for itself, beyond its connections (stdio, the
 * database and its WAL and -shm, the trace, an asset being read, the
 * password workers, OpenSSL's random source), with room to spare */
#define FD_RESERVE 24
/* lws's own in its poll table: the listening socket and its wake-up pipe */
#define FD_LWS_OWN 2

static int bad_usage(const char *what, const char *arg)
{
	fprintf(stderr, "lvdemo: %s '%s' (see lvdemo --help)\n", what, arg);
	return 2;
}

static int parse_int(const char *s, long lo, long hi, int *out)
{
	char *end = NULL;

	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* Returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"host", required_argument, NULL, 'H'},
		{"port", required_argument, NULL, 'p'},
		{"db", required_argument, NULL, 'd'},
		{"trace", required_argument, NULL, 't'},
		{"bcrypt-cost", required_argument, NULL, 'c'},
		{"secret-file", required_argument, NULL, 's'},
		{"test-hooks", no_argument, NULL, 'T'},
		{"assets", required_argument, NULL, 'a'},
		{"trace-feed-from", required_argument, NULL, 'F'},
		{"url", required_argument, NULL, 'u'},
		{"request-timeout", required_argument, NULL, 'r'},
		{"password-queue", required_argument, NULL, 'q'},
		{"no-trace", no_argument, NULL, 'N'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int c;

	*o = (struct options){
		.host = "127.0.0.1",
		.port = 4000,
		.db_path = "lvdemo.db",
		.trace_path = "-",
		.bcrypt_cost = 12,
		.request_timeout = 10,
		.password_queue = 32,
	};
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case 'H': o->host = optarg; break;
		case 'd': o->db_path = optarg; break;
		case 't': o->trace_path = optarg; o->trace_given = 1; break;
		case 'N': o->no_trace = 1; break;
		case 's': o->secret_file = optarg; break;
		case 'T': o->test_hooks = 1; break;
		case 'a': o->assets = optarg; break;
		case 'u':
			if (strncmp(optarg, "http://", 7) != 0 || !optarg[7] || optarg[7] == '/' ||
			    strchr(optarg + 7, '/') || strchr(optarg + 7, '?') || strlen(optarg) >= 150)
				return bad_usage("--url takes http://HOST[:PORT], not", optarg);
			o->url = optarg;
			break;
		case 'F':
			if (o->nfeed_from == APP_MAX_FEED_FROM)
				return bad_usage("--trace-feed-from is given more than 16 times, at", optarg);
			if (cidr_parse(optarg, &o->feed_from[o->nfeed_from]) < 0)
				return bad_usage("--trace-feed-from takes an address block like 192.168.1.0/24, not",
						 optarg);
			o->nfeed_from++;
			break;
		case 'p':
			if (parse_int(optarg, 0, 65535, &o->port) < 0)
				return bad_usage("--port takes a number from 0 to 65535, not", optarg);
			break;
		case 'c':
			if (parse_int(optarg, 4, 31, &o->bcrypt_cost) < 0)
				return bad_usage("--bcrypt-cost takes a number from 4 to 31, not", optarg);
			break;
		case 'q':
			if (parse_int(optarg, 1, 100000, &o->password_queue) < 0)
				return bad_usage("--password-queue takes a number from 1 to 100000, not", optarg);
			break;
		case 'r':
			if (parse_int(optarg, 1, 3600, &o->request_timeout) < 0)
				return bad_usage("--request-timeout takes seconds from 1 to 3600, not", optarg);
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("lvdemo %s\n", LVDEMO_VERSION); return 0;
		case ':': return bad_usage("missing value for option", argv[optind - 1]);
		default: return bad_usage("unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return bad_usage("unexpected argument", argv[optind]);
	if (o->no_trace && o->trace_given) {
		fprintf(stderr, "lvdemo: --no-trace and --trace cannot go together (see lvdemo --help)\n");
		return 2;
	}
	if (o->no_trace)
		o->trace_path = NULL;
	else if (!o->trace_path[0])
		return bad_usage("empty value for", "--trace");
	if (!o->host[0] || !o->db_path[0])
		return bad_usage("empty value for", !o->host[0] ? "--host" : "--db");
	return -1;
}

/* Read the secret from PATH (128 hex digits), creating it when missing. */
static int load_secret_file(const char *path, unsigned char *key, char *err, size_t errlen)
{
	char hex[2 * SIGN_KEY_LEN + 2];
	int fd = open(path, O_RDONLY);

	if (fd < 0 && errno == ENOENT) {
		if (random_bytes(key, SIGN_KEY_LEN) < 0) {
			snprintf(err, errlen, "cannot create secret '%s': no random bytes", path);
			return -1;
		}
		for (int i = 0; i < SIGN_KEY_LEN; i++)
			snprintf(hex + 2 * i, 3, "%02x", key[i]);
		hex[2 * SIGN_KEY_LEN] = '\n';
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0 || write(fd, hex, 2 * SIGN_KEY_LEN + 1) != 2 * SIGN_KEY_LEN + 1) {
			snprintf(err, errlen, "cannot create secret '%s': %s", path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
		return 0;
	}
	if (fd < 0) {
		snprintf(err, errlen, "cannot open secret '%s': %s", path, strerror(errno));
		return -1;
	}
	ssize_t n = read(fd, hex, sizeof(hex));
	close(fd);
	if (n < 2 * SIGN_KEY_LEN || (n > 2 * SIGN_KEY_LEN && hex[2 * SIGN_KEY_LEN] != '\n')) {
		snprintf(err, errlen, "%s:1:1: the secret must be %d hexadecimal digits", path,
			 2 * SIGN_KEY_LEN);
		return -1;
	}
	hex[2 * SIGN_KEY_LEN] = '\0';
	/* lws 4.1.6 refuses a buffer exactly as long as the bytes ("abcd" into
	 * 2 gives -1, into 3 gives 2): one byte to spare */
	unsigned char bytes[SIGN_KEY_LEN + 1];
	if (lws_hex_to_byte_array(hex, bytes, (int)sizeof(bytes)) != SIGN_KEY_LEN) {
		/* lws says no; the column is the first character that is not hex */
		size_t col = strspn(hex, "0123456789abcdefABCDEF") + 1;
		snprintf(err, errlen, "%s:1:%zu: not a hexadecimal digit", path, col);
		return -1;
	}
	memcpy(key, bytes, SIGN_KEY_LEN);
	return 0;
}

/* The installed assets (BIN/../share/lvdemo/assets) when there are, else the build tree's. */
static const char *default_assets_dir(void)
{
	static char dir[4200];
	char exe[4096];

	if (path_exe_dir(exe, sizeof(exe)) == 0) {
		snprintf(dir, sizeof(dir), "%s/../share/lvdemo/assets", exe);
		char probe[4300];
		snprintf(probe, sizeof(probe), "%s/app.js", dir);
		if (access(probe, R_OK) == 0)
			return dir;
	}
	return LVDEMO_ASSETS_DIR;
}

/*
 * Whether HOST:PORT can be listened on, tried with a socket of our own
 * first: lws only logs its own internal errors when the bind fails, and a
 * port in use deserves one clear line. Returns 0, or -1 with errno set.
 */
static int probe_listen(const char *host, int port)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	struct addrinfo *res = NULL;
	char service[16];

	if (port == 0)
		return 0; /* any free port */
	snprintf(service, sizeof(service), "%d", port);
	int rc = getaddrinfo(host, service, &hints, &res);
	if (rc != 0) {
		errno = EADDRNOTAVAIL;
		return -1;
	}
	int fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
	int one = 1, saved = 0;
	rc = -1;
	if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0 &&
	    bind(fd, res->ai_addr, res->ai_addrlen) == 0)
		rc = 0;
	saved = errno;
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	errno = saved;
	return rc;
}

/*
 * HOST as the numeric address lws binds its listening socket to, into
 * NUMERIC; *IPV4 when it is an IPv4 one. lws 4.1.6 takes its iface as an
 * interface name or an address, but with IPv6 on (Debian's build) an IPv4
 * address is written into the IPv6 socket address as if it were an IPv4
 * one, at the flow-info bytes, and the socket listens on [::], every
 * interface: --host 127.0.0.1 served the whole network (lws_interface_to_sa
 * in lib/plat/unix/unix-sockets.c). So a name is resolved here, and an
 * IPv4 address is given to lws with its IPv6 off, which binds it as such.
 * Returns 0, or -1 when HOST is no address of this machine's resolver.
 */
static int listen_address(const char *host, char *numeric, size_t len, int *ipv4)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	struct addrinfo *res = NULL;

	if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res)
		return -1;
	int rc = getnameinfo(res->ai_addr, res->ai_addrlen, numeric, (socklen_t)len, NULL, 0,
			     NI_NUMERICHOST) == 0 ? 0 : -1;
	*ipv4 = res->ai_family == AF_INET;
	freeaddrinfo(res);
	return rc;
}

/* lws's own messages while the context starts: the caller says what went wrong, once. */
static void quiet_log(int level, const char *line)
{
	(void)level;
	(void)line;
}

static void wake_loop(void *arg)
{
	lws_cancel_service(arg);
}

int main(int argc, char **argv)
{
	struct options o;
	struct app app;
	char err[512];
	int status = 1;

	int rc = parse_options(argc, argv, &o);
	if (rc >= 0)
		return rc;

	memset(&app, 0, sizeof(app));
	app.bcrypt_cost = o.bcrypt_cost;
	app.assets_dir = o.assets ? o.assets : default_assets_dir();
	app.test_hooks = o.test_hooks;
	app.request_timeout_s = o.request_timeout;
	memcpy(app.feed_from, o.feed_from, sizeof(app.feed_from));
	app.nfeed_from = o.nfeed_from;
	lws_set_log_level(LLL_ERR, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* "live" first: see protocols.h; every HTTP request is "http"'s, by this mount */
	const struct lws_protocols protocols[] = {
		protocol_live,
		protocol_http,
		protocol_feed,
		{NULL, NULL, 0, 0, 0, NULL, 0},
	};
	static const struct lws_http_mount mount = {
		.mountpoint = "/",
		.mountpoint_len = 1,
		.origin = "http",
		.protocol = "http",
		.origin_protocol = LWSMPRO_CALLBACK,
	};
	/*
	 * No validity timer of lws's own on each WebSocket (4.1.6 gives every
	 * one a PING after 300 s, a hang-up after 310): each goes into lws's one
	 * sorted list of timers by a walk from its head past every other
	 * socket's, and stays there, so every later timer walks past them all
	 * (21 % of the CPU setting up 10,000 sessions). LiveView's socket is
	 * closed after 60 s without a heartbeat (protocol_live.c); the feed
	 * drops a subscriber that stops reading (protocol_feed.c).
	 */
	static const lws_retry_bo_t no_validity_timer = {.secs_since_valid_ping = 0,
							 .secs_since_valid_hangup = 0};
	struct lws_context_creation_info info = {
		.port = o.port,
		.protocols = protocols,
		.mounts = &mount,
		.user = &app,
		.options = LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND |
			   LWS_SERVER_OPTION_VALIDATE_UTF8,
		/* room past the 8 KB lvdemo accepts, so that a longer request line or
		 * headers get their 414 / 431 (protocol_http.c) instead of a bare close */
		.max_http_header_data = 32768,
		.keepalive_timeout = 5,
		/* lws's own timeouts close without an answer: they come after the
		 * request's deadline, which answers 408 (protocol_http.c) */
		.timeout_secs = o.request_timeout + 20 > 30 ? o.request_timeout + 20 : 30,
		.timeout_secs_ah_idle = o.request_timeout + 2,
		.retry_and_idle_policy = &no_validity_timer,
	};
	/*
	 * Connections are capped below the descriptor limit. lws accepts while
	 * its own table has room, but counts only its sockets, so the database,
	 * the trace, the assets and the workers' descriptors would let accept()
	 * fail with EMFILE first, and lws log that in a busy loop while serving
	 * nobody: lvdemo's connections stop FD_RESERVE short of the limit.
	 * Below that, lvdemo serves app.conn_cap connections; a few more (the
	 * room) are let in to be answered 503, and past those a connection is
	 * closed as it is accepted (protocols.c). Not through lws's
	 * fd_limit_per_thread: a limit below the ulimit makes lws 4.1.6 find a
	 * connection by a scan of its whole table at every event (wsi_from_fd:
	 * 18 % of the CPU setting up 10,000 sessions) instead of by its fd.
	 */
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY) {
		long limit = (long)nofile.rlim_cur - FD_RESERVE;
		if (limit < 16)
			limit = 16;
		long room = limit / 16 < 4 ? 4 : limit / 16 > 64 ? 64 : limit / 16;
		app.conn_cap = (int)(limit - FD_LWS_OWN - room);
		app.conn_room = (int)room;
	}
	if (probe_listen(o.host, o.port) < 0) {
		fprintf(stderr, "lvdemo: cannot listen on %s:%d: %s\n", o.host, o.port, strerror(errno));
		return 1;
	}
	char numeric[NI_MAXHOST];
	int ipv4 = 0;
	if (listen_address(o.host, numeric, sizeof(numeric), &ipv4) < 0) {
		fprintf(stderr, "lvdemo: cannot listen on %s:%d: not an address of this machine\n", o.host,
			o.port);
		return 1;
	}
	info.iface = numeric;
	if (ipv4)
		info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
	lws_set_log_level(LLL_ERR, quiet_log);
	struct lws_context *ctx = lws_create_context(&info);
	lws_set_log_level(LLL_ERR, lwsl_emit_stderr);
	if (!ctx) {
		fprintf(stderr, "lvdemo: cannot listen on %s:%d (address in use or not available)\n",
			o.host, o.port);
		return 1;
	}
	struct lws_vhost *vh = lws_get_vhost_by_name(ctx, "default");
	int port = vh ? lws_get_vhost_listen_port(vh) : o.port;
	/* an IPv6 address is bracketed in a URL (RFC 3986) */
	snprintf(app.url, sizeof(app.url), strchr(o.host, ':') ? "http://[%s]:%d" : "http://%s:%d", o.host,
		 port);

	cJSON *start = cJSON_CreateObject();
	cJSON_AddStringToObject(start, "url", app.url);
	/* the origin LiveView's socket accepts, as Phoenix's check_origin: the endpoint's url */
	if (o.url) {
		snprintf(app.origin, sizeof(app.origin), "%s", o.url);
	} else {
		snprintf(app.origin, sizeof(app.origin), "%s", app.url);
		app.loopback_origin = strncmp(o.host, "127.", 4) == 0 || strcmp(o.host, "::1") == 0 ||
				      strcmp(o.host, "localhost") == 0;
	}
	cJSON_AddNumberToObject(start, "pid", (double)getpid());
	cJSON_AddNumberToObject(start, "bcrypt_cost", o.bcrypt_cost);
	if (o.trace_path && keep_old_trace(o.trace_path) < 0) {
		cJSON_Delete(start);
		goto out;
	}
	app.trace = trace_open(o.trace_path, "lvdemo " LVDEMO_VERSION, start, err, sizeof(err));
	if (!app.trace) {
		fprintf(stderr, "lvdemo: %s\n", err);
		goto out;
	}
	/* written a callback at a time (protocol_call), not a line at a time */
	trace_set_batching(app.trace, 1);
	pubsub_init(&app.pubsub, app.trace);
	if (db_open(&app.db, o.db_path, app.trace, err, sizeof(err)) < 0) {
		fprintf(stderr, "lvdemo: %s\n", err);
		goto out;
	}
	if (accounts_init(&app.accounts, &app.db) < 0) {
		fprintf(stderr, "lvdemo: cannot prepare the accounts queries\n");
		goto out;
	}
	if (o.secret_file) {
		if (load_secret_file(o.secret_file, app.signer.key, err, sizeof(err)) < 0) {
			fprintf(stderr, "lvdemo: %s\n", err);
			goto out;
		}
	} else if (accounts_load_secret(&app.accounts, app.signer.key, SIGN_KEY_LEN) < 0) {
		fprintf(stderr, "lvdemo: cannot read or store the secret in '%s'\n", o.db_path);
		goto out;
	}
	if (password_hash("not a real password, only timing", o.bcrypt_cost, app.dummy_hash,
			  sizeof(app.dummy_hash)) < 0) {
		fprintf(stderr, "lvdemo: bcrypt is not available from libcrypt\n");
		goto out;
	}
	app.passwords = password_pool_new(2, o.password_queue, wake_loop, ctx);
	if (!app.passwords) {
		fprintf(stderr, "lvdemo: cannot start the password workers\n");
		goto out;
	}

	signal_context = ctx;
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	FILE *msg = o.trace_path && strcmp(o.trace_path, "-") == 0 ? stderr : stdout;
	trace_flush(app.trace); /* the start-up's lines; a failure is said by the trace */
	if (app.conn_cap)
		fprintf(msg, "lvdemo listening on %s (at most %d connections)\n", app.url, app.conn_cap);
	else
		fprintf(msg, "lvdemo listening on %s\n", app.url);
	fflush(msg);

	while (!interrupted)
		if (lws_service(ctx, 0) < 0)
			break;
	status = 0;
out:
	signal_context = NULL;
	/* workers stop first (no wake-up of a destroyed context), then the
	 * connections close and their requests let go of pending jobs */
	password_pool_stop(app.passwords);
	lws_context_destroy(ctx);
	password_pool_free(app.passwords);
	if (app.trace) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddNumberToObject(f, "statements", (double)app.db.statements);
		cJSON_AddNumberToObject(f, "sqlite_runs", (double)db_statements_run(&app.db));
		trace_emit(app.trace, status == 0 ? TRACE_EV_TRACE_STOP : TRACE_EV_TRACE_ABORT, f);
	}
	pubsub_release(&app.pubsub);
	db_close(&app.db);
	if (trace_close(app.trace) < 0) {
		/* the trace is a prefix of what happened: say so, and fail */
		fprintf(stderr, "lvdemo: cannot write the trace '%s': %s\n", o.trace_path ? o.trace_path : "",
			strerror(errno));
		status = 1;
	}
	return status;
}
