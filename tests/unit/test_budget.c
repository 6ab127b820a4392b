/* the correlator's total memory budget: counted, enforced by eviction, never the process at hand */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "correlate.h"
#include "feed.h"

static struct raw raw;
static struct lw_rec rec;
static int findings;

static void on_finding(void *ctx, const struct finding *f)
{
	(void)ctx;
	(void)f;
	findings++;
}

static void feed_to(struct corr *c, uint32_t type, uint32_t pid, uint32_t op, int32_t ret,
		    const char *path)
{
	size_t n = raw_make(&raw, type, pid, op, ret, path, strlen(path), "w\0", 2);

	cr_assert_eq(event_decode(&raw, n, &rec), 0);
	corr_feed(c, &rec);
}

static void lookups(struct corr *c, uint32_t pid, unsigned n)
{
	char path[256];

	for (unsigned i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/opt/app/lib/%u/glibc-hwcaps/x86-64-v3/libfoo.so", i);
		feed_to(c, LW_EV_FILE, pid, LW_OP_OPENAT, -ENOENT, path);
	}
}

Test(budget, counts_what_the_table_holds)
{
	int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct corr_ops ops = { .finding = on_finding, .rootfd = rootfd };
	struct corr *c = corr_new(&ops);
	struct corr_stats st;

	feed_to(c, LW_EV_EXEC, 100, 0, 0, "/opt/app/prog");
	corr_stats(c, &st);
	cr_assert_eq(st.procs, 1);
	cr_assert_gt(st.mem_bytes, 10000, "a process is ~11 KiB: %llu", (unsigned long long)st.mem_bytes);
	lookups(c, 100, 10);
	{
		struct corr_stats after;

		corr_stats(c, &after);
		/* ten paths of 47 bytes more */
		cr_assert_eq(after.mem_bytes, st.mem_bytes + 10 * 47);
	}
	/* an exit takes all of it back */
	{
		size_t n = raw_make(&raw, LW_EV_EXIT, 100, 0, 0, "", 0, "", 0);

		cr_assert_eq(event_decode(&raw, n, &rec), 0);
		corr_feed(c, &rec);
	}
	corr_stats(c, &st);
	cr_assert_eq(st.procs, 0);
	cr_assert_eq(st.mem_bytes, 0);
	corr_free(c);
	close(rootfd);
}

Test(budget, evicts_the_least_recent_never_the_one_at_hand)
{
	int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* room for a few processes with their lookups (~12 KiB each) */
	struct corr_ops ops = { .finding = on_finding, .rootfd = rootfd, .mem_budget = 4 * 16384 };
	struct corr *c = corr_new(&ops);
	struct corr_stats st;

	findings = 0;
	for (uint32_t pid = 200; pid < 220; pid++) {
		feed_to(c, LW_EV_EXEC, pid, 0, 0, "/opt/app/prog");
		lookups(c, pid, 20);
		corr_stats(c, &st);
		cr_assert_leq(st.mem_bytes, ops.mem_budget, "pid %u: %llu bytes held", pid,
			      (unsigned long long)st.mem_bytes);
	}
	corr_stats(c, &st);
	/* all alike: as many whole ones as fit, the rest evicted and counted */
	cr_assert_eq(st.procs, ops.mem_budget / (st.mem_bytes / st.procs));
	cr_assert_lt(st.procs, 20);
	cr_assert_eq(st.evicted, 20 - st.procs);
	/* the newest kept its whole story: its failure is still found */
	feed_to(c, LW_EV_STDERR, 219, LW_OP_WRITEV, 0,
		"/opt/app/prog: error while loading shared libraries: libfoo.so: cannot open "
		"shared object file: No such file or directory\n");
	{
		size_t n = raw_make(&raw, LW_EV_EXIT, 219, 0, 0, "", 0, "", 0);

		raw.ev.aux = 127 << 8;
		cr_assert_eq(event_decode(&raw, n, &rec), 0);
		corr_feed(c, &rec);
	}
	cr_assert_eq(findings, 1);
	corr_free(c);
	close(rootfd);
}
