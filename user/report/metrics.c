// SPDX-License-Identifier: MIT
/*
 * metrics: the Prometheus text exposition (format 0.0.4) on an HTTP/1.1
 * listener of our own (--metrics [ADDR:]PORT, loopback by default): GET
 * /metrics, GET /healthz (503 when the ring is not being read). Its sockets
 * are in an epoll set of their own whose fd sits in the event loop's, so
 * requests are answered on the loop's thread, where the numbers are kept,
 * without locks. It answers GET and HEAD of those two paths, one request per
 * connection (Connection: close), and reads no body: anything else gets a 4xx
 * (http.c says which) and nothing more. At most METRICS_CONN_MAX connections
 * are open; one that has not finished in METRICS_TIMEOUT_S is closed. It is
 * plain sockets, so the static binary has it too.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http.h"
#include "metrics.h"
#include "sbuf.h"
#include "util.h"

#define METRICS_CONN_MAX	16	/* connections at once; more are closed at accept */
#define METRICS_TIMEOUT_S	5	/* a connection's whole life: request, answer, drain */
#define LISTENER		UINT32_MAX	/* the epoll tag of the listening socket */

enum conn_state { C_FREE, C_READ, C_WRITE, C_DRAIN };

struct conn {
	int fd;
	enum conn_state st;
	double t0;			/* accepted at */
	size_t inlen;
	char in[HTTP_HEAD_MAX];
	struct sbuf out;		/* the whole answer */
	size_t off;			/* written of it */
};

struct metrics {
	int lfd, epfd;
	metrics_render_fn render;
	metrics_health_fn healthy;
	void *ctx;
	struct sbuf body;
	struct conn c[METRICS_CONN_MAX];
};

static void conn_close(struct metrics *m, struct conn *c)
{
	epoll_ctl(m->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->st = C_FREE;
	sbuf_free(&c->out);
}

static void answer(struct conn *c, int status, const char *type, const char *body, size_t len,
		   int head)
{
	sbuf_reset(&c->out);
	sbuf_printf(&c->out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n",
		    status, http_reason(status), type, len);
	if (status == 405)
		sbuf_puts(&c->out, "Allow: GET, HEAD\r\n");
	sbuf_puts(&c->out, "Cache-Control: no-store\r\nConnection: close\r\n\r\n");
	if (!head)
		sbuf_put(&c->out, body, len);
	c->off = 0;
	c->st = C_WRITE;
}

static void answer_text(struct conn *c, int status, const char *text)
{
	answer(c, status, "text/plain; charset=utf-8", text, strlen(text), 0);
}

/* the head is in c->in: what it asks for, or why not */
static void serve(struct metrics *m, struct conn *c)
{
	struct http_req req;
	const char *why = NULL;
	int st = http_parse_head(c->in, c->inlen, &req);

	if (st) {
		char line[64];

		snprintf(line, sizeof(line), "%d %s\n", st, http_reason(st));
		answer_text(c, st, line);
		return;
	}
	if (!strcmp(req.path, "/metrics")) {
		sbuf_reset(&m->body);
		m->render(m->ctx, &m->body);
		if (m->body.err)
			answer_text(c, 500, "no memory for the exposition\n");
		else
			answer(c, 200, "text/plain; version=0.0.4; charset=utf-8", sbuf_str(&m->body),
			       m->body.len, req.head);
		return;
	}
	if (!strcmp(req.path, "/healthz")) {
		if (m->healthy(m->ctx, &why)) {
			answer(c, 200, "text/plain; charset=utf-8", "ok\n", 3, req.head);
			return;
		}
		sbuf_reset(&m->body);
		sbuf_printf(&m->body, "unhealthy: %s\n", why ? why : "?");
		answer(c, 503, "text/plain; charset=utf-8", sbuf_str(&m->body), m->body.len, req.head);
		return;
	}
	answer(c, 404, "text/plain; charset=utf-8", "/metrics or /healthz\n", 21, req.head);
}

static int watch(struct metrics *m, struct conn *c, uint32_t events, int op)
{
	struct epoll_event ev = { .events = events, .data.u32 = (uint32_t)(c - m->c) };

	return epoll_ctl(m->epfd, op, c->fd, &ev);
}

static void on_accept(struct metrics *m)
{
	for (;;) {
		int fd = accept4(m->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c = NULL;

		if (fd < 0)
			return;	/* EAGAIN, or the peer gone already */
		for (size_t i = 0; i < ARRAY_SIZE(m->c) && !c; i++)
			if (m->c[i].st == C_FREE)
				c = &m->c[i];
		if (!c) {
			close(fd);	/* full: a scraper retries, a flood gets nothing */
			continue;
		}
		c->fd = fd;
		c->st = C_READ;
		c->t0 = lw_now_s();
		c->inlen = 0;
		sbuf_init(&c->out);
		if (watch(m, c, EPOLLIN, EPOLL_CTL_ADD)) {
			close(fd);
			c->fd = -1;
			c->st = C_FREE;
		}
	}
}

static void on_read(struct metrics *m, struct conn *c)
{
	ssize_t n;

	if (c->st == C_DRAIN) {
		/* what the peer still sends after the answer, read and dropped until it closes */
		char sink[4096];

		while ((n = read(c->fd, sink, sizeof(sink))) > 0)
			;
		if (n == 0 || errno != EAGAIN)
			conn_close(m, c);
		return;
	}
	n = read(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		conn_close(m, c);
		return;
	}
	if (n < 0)
		return;
	c->inlen += (size_t)n;
	if (http_head_len(c->in, c->inlen))
		serve(m, c);
	else if (c->inlen == sizeof(c->in))
		answer_text(c, 431, "431 Request Header Fields Too Large\n");
}

static void on_write(struct metrics *m, struct conn *c)
{
	while (c->off < c->out.len) {
		ssize_t n = send(c->fd, c->out.p + c->off, c->out.len - c->off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN)
				return;
			conn_close(m, c);
			return;
		}
		c->off += (size_t)n;
	}
	/*
	 * all sent: half-close and read what is left before closing, so that
	 * unread bytes (a body we refused) do not turn the close into a reset
	 * that could cost the peer our answer
	 */
	shutdown(c->fd, SHUT_WR);
	c->st = C_DRAIN;
	watch(m, c, EPOLLIN, EPOLL_CTL_MOD);
}

static void step(struct metrics *m, struct conn *c, uint32_t events)
{
	if (c->st == C_FREE)
		return;
	if (c->st != C_WRITE && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		on_read(m, c);
	if (c->st == C_WRITE) {
		on_write(m, c);
		if (c->st == C_WRITE && watch(m, c, EPOLLOUT, EPOLL_CTL_MOD))
			conn_close(m, c);
	}
}

int metrics_parse_addr(const char *s, struct sockaddr_in *sin)
{
	const char *colon = strrchr(s, ':');
	char host[64];
	char *end;
	long port;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (colon) {
		if ((size_t)(colon - s) >= sizeof(host))
			return -EINVAL;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
		/* ":PORT" is every address, as in Prometheus' own --web.listen-address */
		if (!host[0])
			sin->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			return -EINVAL;
		s = colon + 1;
	}
	errno = 0;
	port = strtol(s, &end, 10);
	if (errno || end == s || *end || port < 1 || port > 65535)
		return -EINVAL;
	sin->sin_port = htons((uint16_t)port);
	return 0;
}

int metrics_open(const char *addr, metrics_render_fn render, metrics_health_fn healthy, void *ctx,
		 struct metrics **out)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = LISTENER };
	struct sockaddr_in sin;
	struct metrics *m;
	int one = 1, err = metrics_parse_addr(addr, &sin);

	if (err)
		return err;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->render = render;
	m->healthy = healthy;
	m->ctx = ctx;
	sbuf_init(&m->body);
	for (size_t i = 0; i < ARRAY_SIZE(m->c); i++)
		m->c[i].fd = -1;
	m->epfd = epoll_create1(EPOLL_CLOEXEC);
	m->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (m->epfd < 0 || m->lfd < 0 ||
	    setsockopt(m->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(m->lfd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(m->lfd, METRICS_CONN_MAX) ||
	    epoll_ctl(m->epfd, EPOLL_CTL_ADD, m->lfd, &ev)) {
		err = -errno;
		metrics_close(m);
		return err;
	}
	*out = m;
	return 0;
}

int metrics_fd(const struct metrics *m)
{
	return m->epfd;
}

void metrics_run(struct metrics *m)
{
	struct epoll_event ev[METRICS_CONN_MAX + 1];
	double now = lw_now_s();
	int n = epoll_wait(m->epfd, ev, (int)ARRAY_SIZE(ev), 0);

	for (int i = 0; i < n; i++) {
		if (ev[i].data.u32 == LISTENER)
			on_accept(m);
		else if (ev[i].data.u32 < ARRAY_SIZE(m->c))
			step(m, &m->c[ev[i].data.u32], ev[i].events);
	}
	for (size_t i = 0; i < ARRAY_SIZE(m->c); i++)
		if (m->c[i].st != C_FREE && now - m->c[i].t0 > METRICS_TIMEOUT_S)
			conn_close(m, &m->c[i]);
}

void metrics_close(struct metrics *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(m->c); i++)
		if (m->c[i].st != C_FREE)
			conn_close(m, &m->c[i]);
	if (m->lfd >= 0)
		close(m->lfd);
	if (m->epfd >= 0)
		close(m->epfd);
	sbuf_free(&m->body);
	free(m);
}

/* see metrics.h: the exposition's lines, as the format wants them */
void metrics_family(struct sbuf *b, const char *name, const char *type, const char *help)
{
	sbuf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void metrics_label_value(struct sbuf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			sbuf_printf(b, "\\%c", *v);
		else if (*v == '\n')
			sbuf_puts(b, "\\n");
		else
			sbuf_putc(b, *v);
	}
}
