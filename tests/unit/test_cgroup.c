/* test_cgroup.c: --cgroup resolved under a temporary directory standing in for cgroup v2 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include "capture.h"
#include "cgroup.h"

static char dir[] = "/tmp/lw-cg-XXXXXX";
static struct cgroup_root root;

static void mk(const char *sub)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	cr_assert_eq(mkdir(p, 0755), 0, "%s", p);
}

static uint64_t ino_of(const char *sub)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	cr_assert_eq(stat(p, &st), 0, "%s", p);
	return st.st_ino;
}

/* a hierarchy a/b/c, a file, and a link out of it; root is the directory, its own type */
static void setup(void)
{
	char p[256];
	struct statfs sf;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	mk("a");
	mk("a/b");
	mk("a/b/c");
	mk("with space");
	snprintf(p, sizeof(p), "%s/file", dir);
	f = fopen(p, "w");
	cr_assert_not_null(f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/out", dir);
	cr_assert_eq(symlink("/tmp", p), 0);
	snprintf(p, sizeof(p), "%s/in", dir);
	cr_assert_eq(symlink("a/b", p), 0);
	snprintf(root.path, sizeof(root.path), "%s", dir);
	cr_assert_eq(statfs(dir, &sf), 0);
	root.fs_type = sf.f_type;
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
	strcpy(dir, "/tmp/lw-cg-XXXXXX");
}

TestSuite(cgroup, .init = setup, .fini = teardown);

/* a mountinfo file in dir holding text; its path */
static const char *mountinfo(const char *text)
{
	static char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/mountinfo", dir);
	f = fopen(p, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static void resolves(const char *arg, const char *sub, uint32_t level)
{
	uint64_t id = 0;
	uint32_t lv = 99;

	cr_assert_eq(cgroup_resolve(&root, arg, &id, &lv), 0, "%s", arg);
	cr_assert_eq(id, ino_of(sub), "%s", arg);
	cr_assert_eq(lv, level, "%s", arg);
}

/* refused, and said exactly so on stderr */
static void refused(const char *arg, const char *shown)
{
	struct capture cap;
	uint64_t id = 7;
	uint32_t lv = 7;
	char *got, want[512];
	int err;

	capture_begin(&cap);
	err = cgroup_resolve(&root, arg, &id, &lv);
	got = capture_end(&cap);
	cr_assert_eq(err, -ENOENT, "%s", arg);
	snprintf(want, sizeof(want), "ldwatch: --cgroup: %s is not a cgroup under %s\n", shown, dir);
	cr_assert_str_eq(got, want);
	cr_assert_eq(id, 7);
	cr_assert_eq(lv, 7);
	free(got);
}

Test(cgroup, relative_paths_resolved_first)
{
	static const struct { const char *arg, *sub; uint32_t level; } ok[] = {
		{ "a", "a", 1 },
		{ "a/b", "a/b", 2 },
		{ "a/b/c", "a/b/c", 3 },
		{ "/a/b", "a/b", 2 },
		{ "with space", "with space", 1 },
		/* "..", "." and "//" neither lead out nor miscount the depth */
		{ "a//b/", "a/b", 2 },
		{ "./a/./b", "a/b", 2 },
		{ "a/b/c/..", "a/b", 2 },
		{ "a/../a/b/c", "a/b/c", 3 },
		/* a link inside the hierarchy counts where it leads */
		{ "in/c", "a/b/c", 3 },
	};

	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		resolves(ok[i].arg, ok[i].sub, ok[i].level);
}

Test(cgroup, the_root_itself)
{
	resolves("", ".", 0);
	resolves("/", ".", 0);
	resolves(dir, ".", 0);
}

Test(cgroup, paths_under_the_mount)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/a/b", dir);
	resolves(p, "a/b", 2);
	snprintf(p, sizeof(p), "%s/", dir);
	resolves(p, ".", 0);
}

Test(cgroup, refused_outside_or_not_a_directory)
{
	char p[256];

	refused("nope", "nope");
	refused("a/nope", "a/nope");
	refused("file", "file");
	refused("..", "..");
	refused("a/../../", "a/../../");
	refused("out", "out");
	/* the mount point's name must end at a '/' to count as the mount's */
	snprintf(p, sizeof(p), "%sx/a", dir);
	refused(p, p);
}

Test(cgroup, refused_names_are_escaped)
{
	refused("bad\nname", "bad\\x0aname");
	refused("\x1b[31m", "\\x1b[31m");
}

Test(cgroup, refused_on_another_filesystem_type)
{
	root.fs_type = CGROUP2_SUPER_MAGIC;
	refused("a", "a");
}

Test(cgroup, root_is_the_first_cgroup2_mount)
{
	struct cgroup_root r = { .fs_type = 1 };
	const char *mi = mountinfo(
		"22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
		"30 22 0:26 / /sys/fs/cgroup rw,nosuid - tmpfs tmpfs ro,mode=755\n"
		"31 30 0:27 / /sys/fs/cgroup/cpu rw,nosuid shared:9 - cgroup cgroup rw,cpu\n"
		"32 30 0:28 / /sys/fs/cgroup/unified\\040x rw,nosuid shared:10 - cgroup2 cgroup2 rw\n"
		"33 22 0:29 / /other rw - cgroup2 cgroup2 rw\n");

	cr_assert_eq(cgroup_root_find(mi, &r), 0);
	cr_assert_str_eq(r.path, "/sys/fs/cgroup/unified x");
	cr_assert_eq(r.fs_type, CGROUP2_SUPER_MAGIC);
}

Test(cgroup, no_cgroup2_mount)
{
	struct cgroup_root r;
	const char *mi = mountinfo("22 1 254:0 / / rw - ext4 /dev/vda rw\n"
				   "31 22 0:27 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n");

	cr_assert_eq(cgroup_root_find(mi, &r), -ENOENT);
	cr_assert_str_eq(r.path, "");
	cr_assert_eq(cgroup_root_find("/nonexistent/mountinfo", &r), -ENOENT);
}

Test(cgroup, from_arg_says_when_no_hierarchy_is_mounted)
{
	const char *mi = mountinfo("22 1 254:0 / / rw - ext4 /dev/vda rw\n");
	struct capture cap;
	uint64_t id = 0;
	uint32_t lv = 0;
	char *got;

	capture_begin(&cap);
	cr_assert_eq(cgroup_from_arg(mi, "a", &id, &lv), -ENOENT);
	got = capture_end(&cap);
	cr_assert_str_eq(got, "ldwatch: --cgroup: no cgroup v2 hierarchy is mounted here\n");
	free(got);
}

Test(cgroup, from_arg_checks_the_filesystem_type)
{
	char text[512];
	struct capture cap;
	uint64_t id = 0;
	uint32_t lv = 0;
	char *got, want[512];

	/* the directory is listed as cgroup2, but it is not one: refused */
	snprintf(text, sizeof(text), "40 1 0:30 / %s rw - cgroup2 cgroup2 rw\n", dir);
	capture_begin(&cap);
	cr_assert_eq(cgroup_from_arg(mountinfo(text), "a", &id, &lv), -ENOENT);
	got = capture_end(&cap);
	snprintf(want, sizeof(want), "ldwatch: --cgroup: a is not a cgroup under %s\n", dir);
	cr_assert_str_eq(got, want);
	free(got);
}
