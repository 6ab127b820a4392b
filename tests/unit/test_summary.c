/* test_summary.c: findings grouped by root cause, counted, bounded, the biggest first */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "records.h"

static struct summary s;

static void reset(void)
{
	summary_free(&s);
}

Test(summary, groups_by_kind_object_program_and_container, .fini = reset)
{
	summary_add(&s, LW_K_MISSING_LIBRARY, LW_SEV_ERROR, "libfoo.so.1", "/usr/bin/app", NULL, 1, 10, 10);
	summary_add(&s, LW_K_MISSING_LIBRARY, LW_SEV_ERROR, "libfoo.so.1", "/usr/bin/app", NULL, 1, 30, 30);
	summary_add(&s, LW_K_MISSING_LIBRARY, LW_SEV_ERROR, "libfoo.so.1", "/usr/bin/other", NULL, 1, 20, 20);
	summary_add(&s, LW_K_MISSING_LIBRARY, LW_SEV_ERROR, "libfoo.so.1", NULL, "abc123", 1, 5, 5);
	summary_add(&s, LW_K_WRONG_ELF_CLASS, LW_SEV_ERROR, "libfoo.so.1", "/usr/bin/app", NULL, 1, 40, 40);
	/* a repeat: its count since the last report, to the same group */
	summary_add(&s, LW_K_MISSING_LIBRARY, LW_SEV_ERROR, "libfoo.so.1", NULL, "abc123", 7, 5, 90);
	cr_assert_eq(s.n, 4);
	cr_assert_eq(s.total, 12);
	cr_assert_eq(s.first_ns, 5);
	cr_assert_eq(s.last_ns, 90);
	summary_sort(&s);
	cr_assert_str_eq(s.g[0].ctr, "abc123");
	cr_assert_null(s.g[0].who);
	cr_assert_eq(s.g[0].count, 8);
	cr_assert_eq(s.g[0].first_ns, 5);
	cr_assert_eq(s.g[0].last_ns, 90);
	cr_assert_str_eq(s.g[1].who, "/usr/bin/app");
	cr_assert_eq(s.g[1].kind, LW_K_MISSING_LIBRARY);
	cr_assert_eq(s.g[1].count, 2);
	cr_assert_eq(s.g[1].first_ns, 10);
	cr_assert_eq(s.g[1].last_ns, 30);
	/* equal counts: the earlier first */
	cr_assert_str_eq(s.g[2].who, "/usr/bin/other");
	cr_assert_eq(s.g[3].kind, LW_K_WRONG_ELF_CLASS);
}

Test(summary, bounded_the_rest_counted_as_other, .fini = reset)
{
	char obj[32], big[4096];

	for (unsigned i = 0; i < SUMMARY_GROUPS_MAX + 10; i++) {
		snprintf(obj, sizeof(obj), "lib%u.so", i);
		summary_add(&s, LW_K_MISSING_LIBRARY, LW_SEV_ERROR, obj, "/app", NULL, 1, i, i);
	}
	cr_assert_eq(s.n, SUMMARY_GROUPS_MAX);
	cr_assert_eq(s.other, 10);
	cr_assert_eq(s.total, SUMMARY_GROUPS_MAX + 10);
	/* a group already there still counts */
	summary_add(&s, LW_K_MISSING_LIBRARY, LW_SEV_ERROR, "lib0.so", "/app", NULL, 2, 1, 1);
	cr_assert_eq(s.g[0].count, 3);
	cr_assert_eq(s.other, 10);
	reset();
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	summary_add(&s, LW_K_MISSING_LIBRARY, LW_SEV_ERROR, big, big, NULL, 1, 1, 1);
	cr_assert_eq(strlen(s.g[0].object), SUMMARY_STR_MAX);
	summary_add(&s, LW_K_MISSING_LIBRARY, LW_SEV_ERROR, big, big, NULL, 1, 2, 2);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.g[0].count, 2);
	/* a zero count adds nothing */
	summary_add(&s, LW_K_LOADER_ERROR, LW_SEV_ERROR, "x", NULL, NULL, 0, 1, 1);
	cr_assert_eq(s.n, 1);
}
