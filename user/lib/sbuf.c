/* sbuf: a growable byte buffer, bounded, that remembers its first error */
// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

/* doubling from 64 then lands exactly on SBUF_MAX, never past it */
_Static_assert((SBUF_MAX & (SBUF_MAX - 1)) == 0 && SBUF_MAX >= 64,
	       "SBUF_MAX must be a power of two");

void sbuf_init(struct sbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void sbuf_free(struct sbuf *b)
{
	if (!b)
		return;
	free(b->p);
	sbuf_init(b);
}

void sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->p)
		b->p[0] = '\0';
}

/* room for n more bytes plus the NUL; any failure is sticky so a record
 * is never emitted with a hole in the middle */
static int reserve(struct sbuf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->err)
		return b->err;
	/* len + n + 1 > SBUF_MAX, written so it cannot overflow */
	if (n >= SBUF_MAX - b->len)
		return b->err = -E2BIG;
	if (b->len + n < b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap <= b->len + n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return b->err = -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

void sbuf_put(struct sbuf *b, const void *s, size_t n)
{
	if (reserve(b, n))
		return;
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void sbuf_putc(struct sbuf *b, char c)
{
	sbuf_put(b, &c, 1);
}

void sbuf_puts(struct sbuf *b, const char *s)
{
	sbuf_put(b, s, strlen(s));
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p ? b->p + b->len : NULL, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		b->err = errno ? -errno : -EINVAL;
	else if ((size_t)n >= b->cap - b->len && !reserve(b, n)) {
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	if (b->err) {
		/* a failed or truncated attempt may have overwritten our NUL */
		if (b->p)
			b->p[b->len] = '\0';
		return;
	}
	b->len += n;
}

const char *sbuf_str(struct sbuf *b)
{
	return b->p ? b->p : "";
}
