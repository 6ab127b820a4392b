// SPDX-License-Identifier: MIT
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

Test(sbuf, init_is_empty)
{
	struct sbuf b;

	memset(&b, 0xa5, sizeof(b));
	sbuf_init(&b);
	cr_assert_null(b.p);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(b.cap, 0);
	cr_assert_eq(b.err, 0);
	cr_assert_str_eq(sbuf_str(&b), "");
}

Test(sbuf, free_zeroed_and_null)
{
	struct sbuf b = { 0 };

	sbuf_free(&b);
	sbuf_free(&b);
	sbuf_free(NULL);
	cr_assert_null(b.p);
	sbuf_puts(&b, "x");
	sbuf_free(&b);
	cr_assert_null(b.p);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(b.cap, 0);
}

Test(sbuf, appends)
{
	struct sbuf b;

	sbuf_init(&b);
	sbuf_puts(&b, "pid=");
	sbuf_printf(&b, "%d", 42);
	sbuf_putc(&b, ' ');
	sbuf_put(&b, "comm=ls and more", 7);
	sbuf_puts(&b, "");
	sbuf_put(&b, NULL, 0);
	cr_assert_str_eq(sbuf_str(&b), "pid=42 comm=ls");
	cr_assert_eq(b.len, 14);
	cr_assert_eq(b.err, 0);
	sbuf_free(&b);
}

Test(sbuf, embedded_nul_counts)
{
	struct sbuf b;

	sbuf_init(&b);
	sbuf_put(&b, "a\0b", 3);
	sbuf_putc(&b, '\0');
	cr_assert_eq(b.len, 4);
	cr_assert_eq(memcmp(b.p, "a\0b\0", 5), 0);
	sbuf_free(&b);
}

Test(sbuf, reset_keeps_memory)
{
	struct sbuf b;
	char *p;
	size_t cap;

	sbuf_init(&b);
	sbuf_puts(&b, "hello");
	p = b.p;
	cap = b.cap;
	sbuf_reset(&b);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(b.p, p);
	cr_assert_eq(b.cap, cap);
	cr_assert_str_eq(sbuf_str(&b), "");
	sbuf_puts(&b, "bye");
	cr_assert_str_eq(sbuf_str(&b), "bye");
	sbuf_free(&b);
}

Test(sbuf, grows_past_several_mib)
{
	char chunk[1000];
	struct sbuf b;
	size_t i, n = 6000;

	sbuf_init(&b);
	for (i = 0; i < n; i++) {
		memset(chunk, 'a' + i % 26, sizeof(chunk));
		sbuf_put(&b, chunk, sizeof(chunk));
	}
	cr_assert_eq(b.err, 0);
	cr_assert_eq(b.len, n * sizeof(chunk));
	cr_assert_gt(b.cap, b.len);
	/* doubling from 64 */
	cr_assert_eq(b.cap, (size_t)8 << 20);
	cr_assert_eq(strlen(sbuf_str(&b)), b.len);
	for (i = 0; i < n; i++)
		cr_assert_eq(b.p[i * sizeof(chunk) + 999], 'a' + (int)(i % 26));
	sbuf_free(&b);
}

Test(sbuf, printf_long_output)
{
	struct sbuf b;
	char *big;
	size_t i;

	big = malloc(100001);
	cr_assert_not_null(big);
	memset(big, 'z', 100000);
	big[100000] = '\0';
	sbuf_init(&b);
	sbuf_puts(&b, "<");
	sbuf_printf(&b, "%s|%0*d>", big, 70000, 7);
	cr_assert_eq(b.err, 0);
	cr_assert_eq(b.len, 1 + 100000 + 1 + 70000 + 1);
	cr_assert_eq(strlen(sbuf_str(&b)), b.len);
	cr_assert_eq(b.p[0], '<');
	for (i = 1; i <= 100000; i++)
		cr_assert_eq(b.p[i], 'z');
	cr_assert_eq(b.p[100001], '|');
	cr_assert_eq(b.p[100001 + 69999], '0');
	cr_assert_str_eq(b.p + 100001 + 70000, "7>");
	/* fits without growing */
	sbuf_reset(&b);
	sbuf_printf(&b, "%s=%u", "n", 5u);
	cr_assert_str_eq(sbuf_str(&b), "n=5");
	free(big);
	sbuf_free(&b);
}

Test(sbuf, ceiling_is_e2big_and_sticky)
{
	struct sbuf b;
	char *big;

	big = calloc(1, SBUF_MAX);
	cr_assert_not_null(big);
	sbuf_init(&b);

	/* one byte is kept for the NUL */
	sbuf_put(&b, big, SBUF_MAX);
	cr_assert_eq(b.err, -E2BIG);
	cr_assert_eq(b.len, 0);
	cr_assert_str_eq(sbuf_str(&b), "");
	sbuf_puts(&b, "x");
	cr_assert_eq(b.len, 0);

	sbuf_reset(&b);
	cr_assert_eq(b.err, 0);
	memset(big, 'q', SBUF_MAX);
	sbuf_put(&b, big, SBUF_MAX - 1);
	cr_assert_eq(b.err, 0);
	cr_assert_eq(b.cap, SBUF_MAX);
	cr_assert_eq(b.p[b.len], '\0');
	sbuf_putc(&b, 'x');
	cr_assert_eq(b.err, -E2BIG);
	sbuf_printf(&b, "%d", 1);
	cr_assert_eq(b.err, -E2BIG);
	cr_assert_eq(b.len, SBUF_MAX - 1);
	cr_assert_eq(b.cap, SBUF_MAX);
	cr_assert_eq(b.p[b.len], '\0');

	free(big);
	sbuf_free(&b);
}

Test(sbuf, printf_over_ceiling_keeps_nul)
{
	struct sbuf b;

	sbuf_init(&b);
	sbuf_puts(&b, "head");
	sbuf_printf(&b, "%*s", (int)SBUF_MAX, "");
	cr_assert_eq(b.err, -E2BIG);
	cr_assert_str_eq(sbuf_str(&b), "head");
	sbuf_free(&b);
}

Test(sbuf, huge_length_does_not_overflow)
{
	struct sbuf b;

	sbuf_init(&b);
	sbuf_puts(&b, "ok");
	/* never read: rejected before any copy */
	sbuf_put(&b, "x", SIZE_MAX);
	cr_assert_eq(b.err, -E2BIG);
	cr_assert_str_eq(sbuf_str(&b), "ok");
	sbuf_free(&b);
}

Test(sbuf, error_is_sticky)
{
	struct sbuf b;

	sbuf_init(&b);
	sbuf_puts(&b, "a");
	/* as after a failed realloc */
	b.err = -ENOMEM;
	sbuf_puts(&b, "b");
	sbuf_putc(&b, 'c');
	sbuf_printf(&b, "%s", "d");
	sbuf_put(&b, "e", 1);
	cr_assert_eq(b.err, -ENOMEM);
	cr_assert_str_eq(sbuf_str(&b), "a");
	sbuf_reset(&b);
	cr_assert_eq(b.err, 0);
	sbuf_puts(&b, "f");
	cr_assert_str_eq(sbuf_str(&b), "f");
	sbuf_free(&b);
}
