// SPDX-License-Identifier: MIT
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "errnames.h"

Test(errnames, common_names)
{
	cr_assert_str_eq(errno_name(1), "EPERM");
	cr_assert_str_eq(errno_name(2), "ENOENT");
	cr_assert_str_eq(errno_name(13), "EACCES");
	cr_assert_str_eq(errno_name(20), "ENOTDIR");
	cr_assert_str_eq(errno_name(40), "ELOOP");
	cr_assert_str_eq(errno_name(133), "EHWPOISON");
}

Test(errnames, unknown_is_null)
{
	cr_assert_null(errno_name(0));
	cr_assert_null(errno_name(-1));
	cr_assert_null(errno_name(-2));
	cr_assert_null(errno_name(41));
	cr_assert_null(errno_name(58));
	cr_assert_null(errno_name(134));
	cr_assert_null(errno_name(9999));
}

Test(errnames, aliases_resolve_to_canonical)
{
	cr_assert_str_eq(errno_name(EWOULDBLOCK), "EAGAIN");
	cr_assert_str_eq(errno_name(EDEADLOCK), "EDEADLK");
	cr_assert_str_eq(errno_name(ENOTSUP), "EOPNOTSUPP");
	cr_assert_eq(errno_from_name("EWOULDBLOCK"), EAGAIN);
	cr_assert_eq(errno_from_name("EDEADLOCK"), EDEADLK);
	cr_assert_eq(errno_from_name("ENOTSUP"), EOPNOTSUPP);
}

/* glibc's own table is the oracle: same names for all of 1..133 */
Test(errnames, matches_glibc)
{
	int i, n = 0;

	for (i = 1; i <= 140; i++) {
		const char *want = i <= 133 ? strerrorname_np(i) : NULL;

		if (!want) {
			cr_assert_null(errno_name(i), "%d", i);
			continue;
		}
		cr_assert_str_eq(errno_name(i), want, "%d", i);
		n++;
	}
	cr_assert_eq(n, 131);
}

Test(errnames, round_trip)
{
	int i;

	for (i = 1; i <= 133; i++)
		if (errno_name(i))
			cr_assert_eq(errno_from_name(errno_name(i)), i, "%d", i);
}

Test(errnames, from_unknown_name)
{
	cr_assert_eq(errno_from_name("ENOENT"), ENOENT);
	cr_assert_eq(errno_from_name("enoent"), 0);
	cr_assert_eq(errno_from_name("ENOEN"), 0);
	cr_assert_eq(errno_from_name(""), 0);
	cr_assert_eq(errno_from_name(NULL), 0);
}
