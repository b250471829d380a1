/*
 * lvc_fake_server.c: a deliberately odd HTTP and WebSocket server for the
 * client tests (t0400-client.sh). It answers what lvdemo never sends:
 * silence, truncated and chunked bodies, repeated Set-Cookie headers,
 * garbage, fragmented and malformed WebSocket messages, close codes and
 * dropped connections. One connection at a time; the request path picks the
 * behaviour. Prints "fake listening on http://127.0.0.1:PORT" when ready.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libwebsockets.h>

static int send_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	while (n) {
		ssize_t k = send(fd, s, n, MSG_NOSIGNAL);
		if (k <= 0)
			return -1;
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

static int send_str(int fd, const char *s)
{
	return send_all(fd, s, strlen(s));
}

/* Wait up to MS for the peer to close (or send something we drop). */
static void wait_for_close(int fd, int ms)
{
	char buf[4096];
	struct pollfd p = {.fd = fd, .events = POLLIN};

	while (poll(&p, 1, ms) > 0)
		if (recv(fd, buf, sizeof(buf), 0) <= 0)
			return;
}

/* Read the request head (up to the blank line) into BUF. */
static int read_head(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	struct pollfd p = {.fd = fd, .events = POLLIN};

	while (n + 1 < cap) {
		if (poll(&p, 1, 5000) <= 0)
			return -1;
		ssize_t k = recv(fd, buf + n, 1, 0); /* byte by byte: keep any frame after it */
		if (k <= 0)
			return -1;
		n++;
		buf[n] = '\0';
		if (n >= 4 && memcmp(buf + n - 4, "\r\n\r\n", 4) == 0)
			return 0;
	}
	return -1;
}

/* One WebSocket frame from the server (unmasked). */
static int ws_frame(int fd, int fin, int opcode, const void *data, size_t n)
{
	unsigned char h[10];
	size_t hl = 2;

	h[0] = (unsigned char)((fin ? 0x80 : 0) | opcode);
	if (n < 126) {
		h[1] = (unsigned char)n;
	} else if (n < 65536) {
		h[1] = 126;
		h[2] = (unsigned char)(n >> 8);
		h[3] = (unsigned char)n;
		hl = 4;
	} else {
		h[1] = 127;
		for (int i = 0; i < 8; i++)
			h[2 + i] = (unsigned char)((unsigned long long)n >> (56 - 8 * i));
		hl = 10;
	}
	return send_all(fd, h, hl) || send_all(fd, data, n) ? -1 : 0;
}

static int ws_text(int fd, const char *s)
{
	return ws_frame(fd, 1, 1, s, strlen(s));
}

/* Read one client frame (masked) into BUF; returns the payload length or -1. */
static long ws_read(int fd, char *buf, size_t cap)
{
	unsigned char h[14];
	struct pollfd p = {.fd = fd, .events = POLLIN};

	if (poll(&p, 1, 5000) <= 0 || recv(fd, h, 2, MSG_WAITALL) != 2)
		return -1;
	unsigned long long n = h[1] & 0x7f;
	if (n == 126) {
		if (recv(fd, h + 2, 2, MSG_WAITALL) != 2)
			return -1;
		n = (unsigned long long)h[2] << 8 | h[3];
	} else if (n == 127) {
		return -1;
	}
	unsigned char mask[4];
	if (!(h[1] & 0x80) || n + 1 > cap || recv(fd, mask, 4, MSG_WAITALL) != 4)
		return -1;
	if (n && recv(fd, buf, n, MSG_WAITALL) != (ssize_t)n)
		return -1;
	for (unsigned long long i = 0; i < n; i++)
		buf[i] ^= (char)mask[i & 3];
	buf[n] = '\0';
	return (long)n;
}

static int upgrade(int fd, const char *head)
{
	const char *k = strcasestr(head, "\r\nsec-websocket-key:");
	char key[128], accept[64], line[256];
	unsigned char sha[20];

	if (!k)
		return -1;
	k += strlen("\r\nsec-websocket-key:");
	while (*k == ' ')
		k++;
	size_t n = strcspn(k, "\r");
	if (n > 60)
		return -1;
	snprintf(key, sizeof(key), "%.*s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", (int)n, k);
	lws_SHA1((unsigned char *)key, strlen(key), sha);
	lws_b64_encode_string((char *)sha, 20, accept, sizeof(accept));
	snprintf(line, sizeof(line),
		 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
		 "Sec-WebSocket-Accept: %s\r\n\r\n",
		 accept);
	return send_str(fd, line);
}

/* /ws-frag: malformed messages, a fragmented reply with a ping inside, a
 * 100 KB push, then close 4001. */
static void ws_frag(int fd)
{
	char msg[4096];
	static const char bin[] = {1, 2, 3};

	if (ws_read(fd, msg, sizeof(msg)) < 0)
		return;
	/* the client's heartbeat is [null,"1","phoenix","heartbeat",{}] */
	ws_text(fd, "not json");
	ws_text(fd, "[1,2]");
	ws_text(fd, "{\"a\":1}");
	ws_text(fd, "[null,5,\"phoenix\",\"phx_reply\",{}]");
	ws_frame(fd, 1, 2, bin, sizeof(bin));
	ws_frame(fd, 0, 1, "[null,\"1\",", 10);
	ws_frame(fd, 1, 9, "ping", 4); /* a control frame between fragments */
	ws_frame(fd, 0, 0, "\"phoenix\",\"phx_reply\",", 22);
	ws_frame(fd, 1, 0, "{\"status\":\"ok\",\"response\":{\"n\":1}}]", 36);
	size_t big = 100 * 1024;
	char *p = malloc(big + 64);
	if (p) {
		int h = snprintf(p, 64, "[\"7\",null,\"lv:x\",\"diff\",{\"x\":\"");
		memset(p + h, 'x', big);
		memcpy(p + h + big, "\"}]", 4);
		ws_frame(fd, 1, 1, p, strlen(p));
		free(p);
	}
	unsigned char close[] = {0x0f, 0xa1, 'b', 'y', 'e'}; /* 4001 */
	ws_frame(fd, 1, 8, close, sizeof(close));
	wait_for_close(fd, 3000);
}

static void serve(int fd)
{
	char head[16384];

	if (read_head(fd, head, sizeof(head)) < 0)
		return;
	char path[256] = "";
	sscanf(head, "%*s %255s", path);
	int ws = strcasestr(head, "\r\nupgrade: websocket") != NULL;

	if (strcmp(path, "/hang") == 0 || strcmp(path, "/ws-hang") == 0) {
		wait_for_close(fd, 10000);
	} else if (strcmp(path, "/slow-body") == 0) {
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten..");
		wait_for_close(fd, 10000);
	} else if (strcmp(path, "/chunked") == 0) {
		send_str(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			     "5\r\nhello\r\n1\r\n \r\nb\r\nfrom chunks\r\n0\r\n\r\n");
		wait_for_close(fd, 2000);
	} else if (strcmp(path, "/big") == 0) {
		/* 350 000 bytes: the lines 000000 to 049999 */
		char line[16];
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Length: 350000\r\n\r\n");
		for (int i = 0; i < 50000; i++) {
			snprintf(line, sizeof(line), "%06d\n", i);
			if (send_str(fd, line) < 0)
				break;
		}
		wait_for_close(fd, 2000);
	} else if (strcmp(path, "/no-length") == 0) {
		send_str(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end");
	} else if (strcmp(path, "/cookies") == 0) {
		send_str(fd, "HTTP/1.1 204 No Content\r\n"
			     "Set-Cookie: a=1; Path=/; HttpOnly\r\n"
			     "Set-Cookie:b=2; Max-Age=0\r\n"
			     "set-cookie:   c=\"3\"; SameSite=Lax\r\n"
			     "Set-Cookie: d=; expires=Thu, 01 Jan 1970 00:00:00 GMT\r\n"
			     "Set-Cookie: noequals\r\n"
			     "Set-Cookie: e=5; Max-Age=60\r\n"
			     "Content-Length: 0\r\n\r\n");
		wait_for_close(fd, 2000);
	} else if (strcmp(path, "/garbage") == 0) {
		send_str(fd, "NOT HTTP AT ALL\r\n\r\n");
	} else if (strcmp(path, "/big-header") == 0) {
		send_str(fd, "HTTP/1.1 200 OK\r\nX-Big: ");
		for (int i = 0; i < 40; i++)
			send_str(fd, "0123456789012345678901234567890123456789012345678901234567890123"
				     "0123456789012345678901234567890123456789012345678901234567890123"
				     "0123456789012345678901234567890123456789012345678901234567890123"
				     "0123456789012345678901234567890123456789012345678901234567890123"
				     "0123456789012345678901234567890123456789012345678901234567890123"
				     "0123456789012345678901234567890123456789012345678901234567890123"
				     "0123456789012345678901234567890123456789012345678901234567890123"
				     "0123456789012345678901234567890123456789012345678901234567890123");
		send_str(fd, "\r\nContent-Length: 0\r\n\r\n");
		wait_for_close(fd, 2000);
	} else if (ws && strcmp(path, "/ws-not-101") == 0) {
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno");
		wait_for_close(fd, 2000);
	} else if (ws && strcmp(path, "/ws-frag") == 0) {
		if (upgrade(fd, head) == 0)
			ws_frag(fd);
	} else if (ws && strcmp(path, "/ws-drop") == 0) {
		if (upgrade(fd, head) == 0)
			ws_text(fd, "[null,null,\"lv:x\",\"bye\",{}]");
		/* and close without a close frame */
	} else if (ws && strcmp(path, "/ws-silent") == 0) {
		if (upgrade(fd, head) == 0)
			wait_for_close(fd, 10000);
	} else {
		send_str(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
		wait_for_close(fd, 2000);
	}
}

int main(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	int one = 1;

	signal(SIGPIPE, SIG_IGN);
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 16) < 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &al) < 0) {
		perror("lvc_fake_server");
		return 1;
	}
	printf("fake listening on http://127.0.0.1:%d\n", ntohs(a.sin_port));
	fflush(stdout);
	for (;;) {
		int fd = accept(ls, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			perror("lvc_fake_server: accept");
			return 1;
		}
		serve(fd);
		close(fd);
	}
}
