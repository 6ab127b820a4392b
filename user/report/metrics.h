/* SPDX-License-Identifier: MIT */
/* metrics: Prometheus' text exposition over HTTP (a listener of our own), in the event loop's thread */
#ifndef LW_METRICS_H
#define LW_METRICS_H

#include <netinet/in.h>
#include "sbuf.h"

struct metrics;

/* the body of /metrics, appended to b */
typedef void (*metrics_render_fn)(void *ctx, struct sbuf *b);
/* 1 when healthy; else 0 and *why says what is wrong */
typedef int (*metrics_health_fn)(void *ctx, const char **why);

/* "PORT" (loopback) or "ADDR:PORT" (IPv4; ":PORT" is every address): 0 or -EINVAL */
int metrics_parse_addr(const char *s, struct sockaddr_in *sin);
/* listen on addr: 0, -EINVAL, or -errno (-EADDRINUSE) */
int metrics_open(const char *addr, metrics_render_fn render, metrics_health_fn healthy, void *ctx,
		 struct metrics **out);
/* an epoll fd to wait on; metrics_run when it is readable (and now and then, for timeouts) */
int metrics_fd(const struct metrics *m);
void metrics_run(struct metrics *m);
void metrics_close(struct metrics *m);

/* "# HELP name help" and "# TYPE name type" */
void metrics_family(struct sbuf *b, const char *name, const char *type, const char *help);
/* a label value, escaped as the format wants (\\, \", \n) */
void metrics_label_value(struct sbuf *b, const char *v);

#endif
