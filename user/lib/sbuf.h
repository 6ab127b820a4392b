/* SPDX-License-Identifier: MIT */
/* growable byte buffer for building output records */
#ifndef SBUF_H
#define SBUF_H

#include <stddef.h>

/* hard ceiling on cap: input is hostile and the daemon runs for weeks */
#define SBUF_MAX	((size_t)16 << 20)

struct sbuf {
	char *p;
	size_t len;
	size_t cap;
	int err;	/* sticky: -ENOMEM or -E2BIG; appends are no-ops until reset */
};

void sbuf_init(struct sbuf *b);
void sbuf_free(struct sbuf *b);
void sbuf_reset(struct sbuf *b);
void sbuf_put(struct sbuf *b, const void *s, size_t n);
void sbuf_putc(struct sbuf *b, char c);
void sbuf_puts(struct sbuf *b, const char *s);
void sbuf_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* NUL-terminated view of the contents; "" when nothing was allocated */
const char *sbuf_str(struct sbuf *b);

#endif
