#include <errno.h>
#include <criterion/criterion.h>
#include "event.h"
#include "story.h"

static struct raw raw;
static struct lw_rec rec;

Test(event, joins_components_leaf_first)
{
	char out[64];

	cr_assert_eq(event_join_components("lw\0tmp\0", 7, out, sizeof(out)), 7);
	cr_assert_str_eq(out, "/tmp/lw");
}

Test(event, empty_components_are_the_root)
{
	char out[8];

	cr_assert_eq(event_join_components("", 0, out, sizeof(out)), 1);
	cr_assert_str_eq(out, "/");
}

Test(event, join_reports_overflow_and_stays_terminated)
{
	char out[6];

	cr_assert_eq(event_join_components("lw\0tmp\0", 7, out, sizeof(out)), sizeof(out));
	cr_assert_eq(strlen(out) < sizeof(out), 1);
}

Test(event, resolves_relative_against_base)
{
	char out[64];

	event_resolve("/work", "./lib//libfoo.so", 16, out, sizeof(out));
	cr_assert_str_eq(out, "/work/lib/libfoo.so");
	event_resolve("/", "prog", 4, out, sizeof(out));
	cr_assert_str_eq(out, "/prog");
	/* ".." is kept: a symlink may stand before it */
	event_resolve("/a/b", "../c", 4, out, sizeof(out));
	cr_assert_str_eq(out, "/a/b/../c");
}

Test(event, absolute_path_ignores_base)
{
	char out[64];

	event_resolve("/work", "/lib/x.so", 9, out, sizeof(out));
	cr_assert_str_eq(out, "/lib/x.so");
}

Test(event, unknown_base_keeps_relative_path)
{
	char out[64];

	event_resolve("", "lib/x.so", 8, out, sizeof(out));
	cr_assert_str_eq(out, "lib/x.so");
}

Test(event, decodes_a_lookup)
{
	size_t n = raw_lookup(&raw, 42, LW_OP_OPENAT, "lib/a.so", -ENOENT, "/work/main");

	cr_assert_eq(event_decode(&raw, n, &rec), 0);
	cr_assert_eq(rec.ev.pid, 42);
	cr_assert_str_eq(rec.base, "/work/main");
	cr_assert_str_eq(rec.full, "/work/main/lib/a.so");
	cr_assert_str_eq(op_name(rec.ev.op), "openat");
}

Test(event, rejects_length_mismatch)
{
	size_t n = raw_lookup(&raw, 42, LW_OP_OPENAT, "/x", -ENOENT, NULL);

	cr_assert_eq(event_decode(&raw, n + 1, &rec), -EINVAL);
	cr_assert_eq(event_decode(&raw, n - 1, &rec), -EINVAL);
	cr_assert_eq(event_decode(&raw, sizeof(struct lw_event) - 1, &rec), -EINVAL);
}

Test(event, rejects_unknown_type_and_op)
{
	size_t n = raw_make(&raw, 99, 42, LW_OP_OPENAT, 0, "/x", 2, "", 0);

	cr_assert_eq(event_decode(&raw, n, &rec), -EINVAL);
	n = raw_lookup(&raw, 42, LW_OP__COUNT, "/x", 0, NULL);
	cr_assert_eq(event_decode(&raw, n, &rec), -EINVAL);
	cr_assert_str_eq(op_name(LW_OP__COUNT), "unknown");
}

Test(event, rejects_oversized_lengths)
{
	raw_lookup(&raw, 42, LW_OP_OPENAT, "/x", 0, NULL);
	raw.ev.path_len = LW_PATH_MAX + 1;
	cr_assert_eq(event_decode(&raw, sizeof(raw.ev) + LW_PATH_MAX + 1, &rec), -EINVAL);
}

Test(event, unterminated_comm_is_cut)
{
	size_t n = raw_exit(&raw, 42, WAIT_EXITED(0));

	memset(raw.ev.comm, 'A', sizeof(raw.ev.comm));
	cr_assert_eq(event_decode(&raw, n, &rec), 0);
	cr_assert_eq(strlen(rec.ev.comm), LW_COMM_LEN - 1);
}

Test(event, mmap_record_names_its_file)
{
	size_t n = raw_mmap(&raw, 42, "/tmp/ne/libfoo.so", -1, 0);

	cr_assert_eq(event_decode(&raw, n, &rec), 0);
	cr_assert_str_eq(rec.full, "/tmp/ne/libfoo.so");
}

/* an NS record: struct lw_ns, its cgroup's components leaf first, then the root's path */
Test(event, ns_record_carries_its_cgroup_path)
{
	struct lw_ns ns = { .cgroup_id = 77, .mntns = 5, .flags = LW_NS_MNTNS | LW_NS_CGROUP };
	size_t n = raw_ns(&raw, 9, &ns, "/libpod_parent/libpod-0123", "/merged");

	cr_assert_eq(event_decode(&raw, n, &rec), 0);
	cr_assert_str_eq(rec.full, "/libpod_parent/libpod-0123");
	cr_assert_str_eq(rec.base, "/merged");
}

/* without LW_NS_CGROUP the struct is all there is: anything after it is malformed */
Test(event, ns_record_without_cgroup_is_exact)
{
	char path[sizeof(struct lw_ns) + 4];
	struct lw_ns ns = { .flags = LW_NS_MNTNS };
	size_t n;

	n = raw_ns(&raw, 9, &ns, NULL, NULL);
	cr_assert_eq(event_decode(&raw, n, &rec), 0);
	cr_assert_str_eq(rec.full, "");
	/* the same struct with bytes after it, and cut short: built by hand */
	memcpy(path, &ns, sizeof(ns));
	memcpy(path + sizeof(ns), "abc", 4);
	n = raw_make(&raw, LW_EV_NS, 9, 0, 0, path, sizeof(path), "", 0);
	cr_assert_eq(event_decode(&raw, n, &rec), -EINVAL);
	n = raw_make(&raw, LW_EV_NS, 9, 0, 0, path, sizeof(ns) - 1, "", 0);
	cr_assert_eq(event_decode(&raw, n, &rec), -EINVAL);
}
