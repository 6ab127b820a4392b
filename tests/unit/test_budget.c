/* the correlator's total memory budget: counted, enforced by eviction, never the process at hand */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "correlate.h"
#include "story.h"

static struct corr_stats stats(void)
{
	struct corr_stats st;

	corr_stats(story.corr, &st);
	return st;
}

/* n misses of 47-byte paths */
static void misses(uint32_t pid, unsigned n)
{
	char path[256];

	for (unsigned i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/opt/app/lib/%u/glibc-hwcaps/x86-64-v3/libfoo.so", i);
		lookup(pid, LW_OP_OPENAT, path, -ENOENT);
	}
}

Test(budget, counts_what_the_table_holds)
{
	struct corr_stats before, after;

	story_begin((struct corr_ops){ 0 });
	exec_(100, "/opt/app/prog");
	before = stats();
	cr_assert_eq(before.procs, 1);
	cr_assert_gt(before.mem_bytes, 10000, "a process is ~11 KiB: %llu",
		     (unsigned long long)before.mem_bytes);
	misses(100, 10);
	after = stats();
	cr_assert_eq(after.mem_bytes, before.mem_bytes + 10 * 47);
	/* an exit takes all of it back */
	exits(100, 0);
	after = stats();
	cr_assert_eq(after.procs, 0);
	cr_assert_eq(after.mem_bytes, 0);
	story_end();
}

Test(budget, evicts_the_least_recent_never_the_one_at_hand)
{
	/* room for a few processes with their lookups (~12 KiB each) */
	const uint64_t budget = 4 * 16384;
	struct corr_stats st;

	story_begin((struct corr_ops){ .mem_budget = budget });
	for (uint32_t pid = 200; pid < 220; pid++) {
		exec_(pid, "/opt/app/prog");
		misses(pid, 20);
		st = stats();
		cr_assert_leq(st.mem_bytes, budget, "pid %u: %llu bytes held", pid,
			      (unsigned long long)st.mem_bytes);
	}
	st = stats();
	/* all alike: as many whole ones as fit, the rest evicted and counted */
	cr_assert_eq(st.procs, budget / (st.mem_bytes / st.procs));
	cr_assert_lt(st.procs, 20);
	cr_assert_eq(st.evicted, 20 - st.procs);
	/* the newest kept its whole story: its failure is still found */
	says(219, "/opt/app/prog: error while loading shared libraries: libfoo.so: cannot open "
		  "shared object file: No such file or directory\n");
	exits(219, 127);
	expect_only_finding(.kind = "missing-library", .object = "libfoo.so", .exit_code = 127,
			    .n_attempts = 20);
	story_end();
}
