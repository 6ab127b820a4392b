/* test_procscan.c: running processes from a fake /proc tree, and the flags they inherit */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "execache.h"
#include "ldwatch.h"
#include "procscan.h"

#define GO_DYN	"/usr/lib/go-1.19/bin/go"	/* a Go-built image with a loader */
#define PIDS	100

static char dir[] = "/tmp/lw-proc-XXXXXX";
static int rootfd = -1;

/* what the scan asked for, by pid (the kernel's) */
static struct {
	uint32_t flags[PIDS + 1000];
	unsigned calls;
	uint32_t loader_owner;
	int refuse;		/* track fails for this pid */
} got;

static void put(const char *pid, const char *name, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, pid);
	mkdir(p, 0755);
	if (!name)
		return;
	snprintf(p, sizeof(p), "%s/%s/%s", dir, pid, name);
	f = fopen(p, "w");
	cr_assert_not_null(f, "%s", p);
	fputs(text, f);
	fclose(f);
}

static void link_to(const char *pid, const char *name, const char *target)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s/%s", dir, pid, name);
	cr_assert_eq(symlink(target, p), 0, "%s", p);
}

/* one process: its stat line as the kernel writes it */
static void proc(unsigned pid, const char *comm, unsigned ppid)
{
	char name[16], text[256];

	snprintf(name, sizeof(name), "%u", pid);
	snprintf(text, sizeof(text), "%u (%s) S %u %u %u 0 -1 4194560 100 0 0 0\n", pid, comm,
		 ppid, pid, pid);
	put(name, "stat", text);
}

/*
 * 1 init
 * +- 10 go           +- 20 bash        +- 40 tool (a Go image)   +- 50 pod (another root)
 *    +- 11 my (odd) prog  +- 21 sleep      +- 41 cc                  +- 51 sh
 *       +- 12 x) S 9 (y
 */
static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	proc(1, "init", 0);
	proc(10, "go", 1);
	proc(11, "my (odd) prog", 10);
	proc(12, "x) S 9 (y", 11);
	proc(20, "bash", 1);
	proc(21, "sleep", 20);
	proc(40, "tool", 1);
	link_to("40", "exe", GO_DYN);
	link_to("40", "root", "/");
	proc(41, "cc", 40);
	proc(50, "pod", 1);
	link_to("50", "exe", GO_DYN " (deleted)");
	proc(51, "sh", 50);
	/* what a scan passes over */
	put("self", "stat", "1 (init) S 0\n");
	put("acpi", NULL, NULL);
	put("0", "stat", "0 (idle) S 0\n");
	put("60", "stat", "garbage without a comm\n");
	put("61", NULL, NULL);
	rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(rootfd, 0);
	memset(&got, 0, sizeof(got));
}

static void teardown(void)
{
	char cmd[128];

	close(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
	strcpy(dir, "/tmp/lw-proc-XXXXXX");
}

TestSuite(procscan, .init = setup, .fini = teardown);

static int on_track(void *ctx, uint32_t pid, uint32_t flags)
{
	(void)ctx;
	cr_assert_lt(pid, sizeof(got.flags) / sizeof(got.flags[0]));
	got.calls++;
	if ((int)pid == got.refuse)
		return -ENOSPC;
	got.flags[pid] = flags;
	return 0;
}

/* the kernel's names: ours + 1000, but 51 is gone */
static uint32_t on_kpid(void *ctx, uint32_t pid)
{
	(void)ctx;
	return pid == 51 ? 0 : pid + 1000;
}

static void on_loader(void *ctx, int fd, const char *interp, uint32_t owner)
{
	(void)ctx;
	(void)fd;
	(void)interp;
	got.loader_owner = owner;
}

static struct procscan scan(struct execache *ec)
{
	return (struct procscan){ .proc = dir, .rootfd = rootfd, .self = 99999, .ec = ec,
				  .track = on_track };
}

/* PID's stat read with a comm buffer of n bytes: comm and ppid as expected */
static void stat_is(const char *pid, size_t n, const char *comm, uint32_t ppid)
{
	char buf[64];
	uint32_t p = 0;

	cr_assert_leq(n, sizeof(buf));
	cr_assert_eq(procscan_read_stat(dir, pid, &p, buf, n), 0, "%s", pid);
	cr_assert_str_eq(buf, comm);
	cr_assert_eq(p, ppid);
}

Test(procscan, stat_comm_with_spaces_and_parentheses)
{
	stat_is("1", 32, "init", 0);
	stat_is("11", 32, "my (odd) prog", 10);
	/* the last ')' ends comm, whatever comm holds */
	stat_is("12", 32, "x) S 9 (y", 11);
	/* cut to the buffer */
	stat_is("11", 5, "my (", 10);
}

Test(procscan, stat_refused)
{
	uint32_t ppid = 7;
	char comm[32];

	cr_assert_eq(procscan_read_stat(dir, "60", &ppid, comm, sizeof(comm)), -EINVAL);
	cr_assert_eq(procscan_read_stat(dir, "61", &ppid, comm, sizeof(comm)), -ENOENT);
	cr_assert_eq(procscan_read_stat(dir, "62", &ppid, comm, sizeof(comm)), -ENOENT);
	put("63", "stat", "63 (no parent) S\n");
	cr_assert_eq(procscan_read_stat(dir, "63", &ppid, comm, sizeof(comm)), -EINVAL);
	put("64", "stat", "64 )reversed( S 1\n");
	cr_assert_eq(procscan_read_stat(dir, "64", &ppid, comm, sizeof(comm)), -EINVAL);
	cr_assert_eq(ppid, 7);
}

Test(procscan, go_by_name_and_descendants)
{
	struct procscan ps = scan(NULL);

	/* no exe cache: only the name "go" counts */
	cr_assert_eq(procscan_track(&ps, 0), 3);
	cr_assert_eq(got.calls, 3);
	cr_assert_eq(got.flags[10], LW_PF_GO);
	cr_assert_eq(got.flags[11], LW_PF_GO);
	cr_assert_eq(got.flags[12], LW_PF_GO);
}

Test(procscan, go_by_image_and_descendants)
{
	struct execache *ec = execache_new(&(struct execache_ops){ .loader = on_loader });
	struct procscan ps = scan(ec);

	/* 40 runs a Go image; 50's is deleted, so it is not read */
	cr_assert_eq(procscan_track(&ps, 0), 5);
	cr_assert_eq(got.flags[40], LW_PF_GO);
	cr_assert_eq(got.flags[41], LW_PF_GO);
	cr_assert_eq(got.flags[50], 0);
	cr_assert_eq(got.flags[10] & got.flags[11] & got.flags[12], LW_PF_GO);
	cr_assert_eq(got.loader_owner, 0);	/* under our own root */
	execache_free(ec);
}

Test(procscan, root_and_its_tree)
{
	struct procscan ps = scan(NULL);

	cr_assert_eq(procscan_track(&ps, 20), 5);
	cr_assert_eq(got.flags[20], LW_PF_TREE);
	cr_assert_eq(got.flags[21], LW_PF_TREE);
	cr_assert_eq(got.flags[10], LW_PF_GO);
	cr_assert_eq(got.flags[1], 0);
}

Test(procscan, both_flags_where_the_trees_meet)
{
	struct procscan ps = scan(NULL);

	cr_assert_eq(procscan_track(&ps, 11), 3);
	cr_assert_eq(got.flags[10], LW_PF_GO);
	cr_assert_eq(got.flags[11], LW_PF_TREE | LW_PF_GO);
	cr_assert_eq(got.flags[12], LW_PF_TREE | LW_PF_GO);
}

Test(procscan, self_has_no_flag_of_its_own)
{
	struct procscan ps = scan(NULL);

	ps.self = 10;
	cr_assert_eq(procscan_track(&ps, 0), 0);
	cr_assert_eq(got.calls, 0);
	/* but what its parent has reaches it, as handle_fork's would (the kernel skips it) */
	ps.self = 12;
	cr_assert_eq(procscan_track(&ps, 0), 3);
	cr_assert_eq(got.flags[12], LW_PF_GO);
}

Test(procscan, pids_as_the_kernel_names_them)
{
	struct procscan ps = scan(NULL);

	ps.kpid = on_kpid;
	/* 51 is gone in the kernel's view: not tracked */
	cr_assert_eq(procscan_track(&ps, 50), 4);
	cr_assert_eq(got.calls, 4);
	cr_assert_eq(got.flags[1050], LW_PF_TREE);
	cr_assert_eq(got.flags[1010], LW_PF_GO);
	cr_assert_eq(got.flags[50], 0);
}

Test(procscan, refused_track_is_not_counted)
{
	struct procscan ps = scan(NULL);

	got.refuse = 11;
	cr_assert_eq(procscan_track(&ps, 0), 2);
	cr_assert_eq(got.calls, 3);
	cr_assert_eq(got.flags[11], 0);
}

Test(procscan, image_under_another_root_names_its_owner)
{
	struct execache *ec = execache_new(&(struct execache_ops){ .loader = on_loader });
	struct procscan ps = scan(ec);

	/* a container's process: its root is not ours, so its loader is owned by it */
	proc(70, "ctr", 1);
	link_to("70", "exe", GO_DYN);
	link_to("70", "root", dir);
	ps.kpid = on_kpid;
	cr_assert_eq(procscan_is_go(&ps, "70"), 1);
	cr_assert_eq(got.loader_owner, 1070);
	/* no exe link, or no root link: not Go */
	cr_assert_eq(procscan_is_go(&ps, "41"), 0);
	link_to("41", "exe", GO_DYN);
	cr_assert_eq(procscan_is_go(&ps, "41"), 0);
	execache_free(ec);
}

Test(procscan, no_proc_tree)
{
	struct procscan ps = scan(NULL);

	ps.proc = "/nonexistent/proc";
	cr_assert_eq(procscan_track(&ps, 0), -ENOENT);
	cr_assert_eq(got.calls, 0);
}
