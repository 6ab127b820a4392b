#include <criterion/criterion.h>

#include "util.h"

Test(util, array_size)
{
	int a[7];
	const char *b[] = { "x", "y" };

	cr_assert_eq(ARRAY_SIZE(a), 7);
	cr_assert_eq(ARRAY_SIZE(b), 2);
}

Test(util, lit_prefix_match_and_miss)
{
	const char s[] = "error while loading shared libraries: x";
	const char *p = lit_prefix(s, strlen(s), "error while loading shared libraries: ");

	cr_assert_not_null(p);
	cr_assert_str_eq(p, "x");
	cr_assert_null(lit_prefix(s, strlen(s), "error while loading shared libraries; "));
	/* shorter than the literal: never read past n */
	cr_assert_null(lit_prefix(s, 5, "error while"));
	cr_assert_eq(lit_prefix(s, 5, "error"), s + 5);
	cr_assert_str_eq(lit_skip("GLIBC_2.38", "GLIBC_"), "2.38");
}

Test(util, kdev_round_trip)
{
	cr_assert_eq(kdev_of(makedev(8, 1)), (8u << 20) | 1);
	cr_assert_eq(kdev_of(makedev(0, 300)), 300u);
	cr_assert_eq(kdev_make(1, 3), (1u << 20) | 3);
	cr_assert_eq(kdev_make(259, 70000), (259u << 20) | 70000);
}
