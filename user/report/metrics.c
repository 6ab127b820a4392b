// SPDX-License-Identifier: MIT
/*
 * metrics: the Prometheus text exposition (format 0.0.4) on an HTTP listener
 * served by libmicrohttpd (--metrics [ADDR:]PORT, loopback by default):
 * GET /metrics, GET /healthz (503 when the ring is not being read). The
 * daemon runs in the event loop's own thread (MHD_USE_EPOLL, its epoll fd in
 * the loop's), so the numbers are read where they are kept, without locks.
 * Only GET and HEAD of those two paths are answered; anything else gets a
 * 4xx and nothing more. Built with LW_NO_METRICS (the static binary) it is
 * absent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "sbuf.h"
#include "util.h"

#ifndef LW_NO_METRICS
#include <microhttpd.h>

#define METRICS_CONN_MAX	16	/* connections at once */
#define METRICS_CONN_MEM	(16u << 10)	/* bytes a connection may hold (its request) */
#define METRICS_TIMEOUT_S	5	/* an idle connection is closed */

struct metrics {
	struct MHD_Daemon *d;
	metrics_render_fn render;
	metrics_health_fn healthy;
	void *ctx;
	struct sbuf body;
};

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type,
			     const char *text, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)text,
								 MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **req_cls)
{
	struct metrics *m = cls;
	static int first;
	const char *why = NULL;

	(void)version;
	(void)upload;
	(void)upload_size;
	/*
	 * the first call has the headers only: refuse there what is not a GET or
	 * HEAD, or carries a body, so that no body is ever read
	 */
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "GET only\n", 9);
	if (MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH) ||
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
		return reply(conn, MHD_HTTP_CONTENT_TOO_LARGE, "text/plain", "no body\n", 8);
	if (!*req_cls) {
		*req_cls = &first;
		return MHD_YES;
	}
	if (!strcmp(url, "/metrics")) {
		sbuf_reset(&m->body);
		m->render(m->ctx, &m->body);
		if (m->body.err)
			return reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "no memory\n", 10);
		return reply(conn, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
			     sbuf_str(&m->body), m->body.len);
	}
	if (!strcmp(url, "/healthz")) {
		if (m->healthy(m->ctx, &why))
			return reply(conn, MHD_HTTP_OK, "text/plain", "ok\n", 3);
		sbuf_reset(&m->body);
		sbuf_printf(&m->body, "unhealthy: %s\n", why ? why : "?");
		return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", sbuf_str(&m->body),
			     m->body.len);
	}
	return reply(conn, MHD_HTTP_NOT_FOUND, "text/plain", "/metrics or /healthz\n", 21);
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
		if (host[0] && inet_pton(AF_INET, host, &sin->sin_addr) != 1)
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
	struct sockaddr_in sin;
	struct metrics *m;
	int err = metrics_parse_addr(addr, &sin);

	if (err)
		return err;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->render = render;
	m->healthy = healthy;
	m->ctx = ctx;
	sbuf_init(&m->body);
	m->d = MHD_start_daemon(MHD_USE_EPOLL, ntohs(sin.sin_port), NULL, NULL, on_request, m,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_CONN_MAX,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)METRICS_CONN_MEM,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_TIMEOUT_S,
				MHD_OPTION_END);
	if (!m->d) {
		err = errno ? -errno : -EADDRINUSE;
		sbuf_free(&m->body);
		free(m);
		return err;
	}
	*out = m;
	return 0;
}

int metrics_fd(const struct metrics *m)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(m->d, MHD_DAEMON_INFO_EPOLL_FD);

	return i ? i->epoll_fd : -1;
}

void metrics_run(struct metrics *m)
{
	MHD_run(m->d);
}

void metrics_close(struct metrics *m)
{
	if (!m)
		return;
	MHD_stop_daemon(m->d);
	sbuf_free(&m->body);
	free(m);
}

int metrics_available(void)
{
	return 1;
}
#else
int metrics_parse_addr(const char *s, struct sockaddr_in *sin)
{
	(void)s;
	(void)sin;
	return -ENOTSUP;
}

int metrics_open(const char *addr, metrics_render_fn render, metrics_health_fn healthy, void *ctx,
		 struct metrics **out)
{
	(void)addr, (void)render, (void)healthy, (void)ctx, (void)out;
	return -ENOTSUP;
}

int metrics_fd(const struct metrics *m)
{
	(void)m;
	return -1;
}

void metrics_run(struct metrics *m)
{
	(void)m;
}

void metrics_close(struct metrics *m)
{
	(void)m;
}

int metrics_available(void)
{
	return 0;
}
#endif

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
