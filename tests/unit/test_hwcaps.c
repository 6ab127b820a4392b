#include <criterion/criterion.h>
#include <string.h>

#include "hwcaps.h"

Test(hwcaps, variants_of_a_search_directory)
{
	cr_assert(hwcaps_is_variant("/usr/lib/glibc-hwcaps/x86-64-v3/libfoo.so"));
	cr_assert(hwcaps_is_variant("/opt/lib/tls/libfoo.so"));
	cr_assert(hwcaps_is_variant("/opt/lib/tls/x86_64/libfoo.so"));
	cr_assert(hwcaps_is_variant("/opt/lib/x86_64/libfoo.so"));
	cr_assert(hwcaps_is_variant("/opt/lib/haswell/libfoo.so"));
	cr_assert(hwcaps_is_variant("/opt/lib/avx512_1/libfoo.so"));
	cr_assert_not(hwcaps_is_variant("/opt/lib/libfoo.so"));
	cr_assert_not(hwcaps_is_variant("/usr/lib/x86_64-linux-gnu/libfoo.so"));
	cr_assert_not(hwcaps_is_variant("libfoo.so"));
}

Test(hwcaps, strip_leaves_the_search_entry)
{
	char a[] = "/usr/lib/glibc-hwcaps/x86-64-v4";
	char b[] = "/opt/lib/tls/haswell/x86_64";
	char c[] = "/usr/lib/x86_64-linux-gnu";
	char d[] = "/opt/glibc-hwcaps/x86-64-v3/sub";	/* not a variant: a real subdirectory */

	hwcaps_strip(a);
	hwcaps_strip(b);
	hwcaps_strip(c);
	hwcaps_strip(d);
	cr_assert_str_eq(a, "/usr/lib");
	cr_assert_str_eq(b, "/opt/lib");
	cr_assert_str_eq(c, "/usr/lib/x86_64-linux-gnu");
	cr_assert_str_eq(d, "/opt/glibc-hwcaps/x86-64-v3/sub");
}
