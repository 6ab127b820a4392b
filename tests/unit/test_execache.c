/* test_execache.c: exe verdicts on this machine's binaries: read once, remembered, evicted */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "execache.h"

#define GO_DYN	"/usr/lib/go-1.19/bin/go"	/* Go-built, with a loader */
#define GO_STATIC "/usr/lib/go-1.19/pkg/tool/linux_amd64/compile"
#define LDSO	"/lib64/ld-linux-x86-64.so.2"

/* what the cache told, in order */
struct told {
	char log[4096];
	unsigned verdicts;
};

static void on_loader(void *ctx, int rootfd, const char *interp, uint32_t owner)
{
	struct told *t = ctx;
	size_t n = strlen(t->log);

	snprintf(t->log + n, sizeof(t->log) - n, "loader %s root %d owner %u\n", interp,
		 rootfd, owner);
}

static void on_go(void *ctx, int fd, const char *path, uint32_t owner)
{
	struct told *t = ctx;
	size_t n = strlen(t->log);

	cr_assert_geq(fd, 0);
	snprintf(t->log + n, sizeof(t->log) - n, "go %s owner %u\n", path, owner);
}

static void on_verdict(void *ctx, uint32_t dev, uint64_t ino, int go)
{
	struct told *t = ctx;
	size_t n = strlen(t->log);

	t->verdicts++;
	if (t->verdicts <= 8)
		snprintf(t->log + n, sizeof(t->log) - n, "verdict %u:%llu %d\n", dev,
			 (unsigned long long)ino, go);
}

static struct told told;
static struct execache *ec;
static int rootfd = -1;

static void setup(void)
{
	struct execache_ops ops = {
		.loader = on_loader, .go_image = on_go, .verdict = on_verdict, .ctx = &told,
	};

	memset(&told, 0, sizeof(told));
	ec = execache_new(&ops);
	cr_assert_not_null(ec);
	rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(rootfd, 0);
}

static void teardown(void)
{
	execache_free(ec);
	close(rootfd);
}

TestSuite(execache, .init = setup, .fini = teardown);

static char *expect(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *expect(const char *fmt, ...)
{
	static char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

Test(execache, bin_true_is_not_go_and_names_its_loader)
{
	cr_assert_eq(execache_lookup(ec, 7, 100), -ENOENT);
	cr_assert_eq(execache_classify(ec, rootfd, "/bin/true", 7, 100, 42), 0);
	cr_assert_str_eq(told.log, expect("loader " LDSO " root %d owner 42\n"
					  "verdict 7:100 0\n", rootfd));
	cr_assert_eq(execache_lookup(ec, 7, 100), 0);
}

Test(execache, a_hit_reads_nothing_and_tells_nothing)
{
	cr_assert_eq(execache_classify(ec, rootfd, "/bin/true", 7, 100, 0), 0);
	told.log[0] = '\0';
	/* known by (dev, ino): the path is not even opened */
	cr_assert_eq(execache_classify(ec, rootfd, "/nonexistent", 7, 100, 0), 0);
	cr_assert_eq(execache_classify_fd(ec, rootfd, -1, "/nonexistent", 7, 100, 0), 0);
	cr_assert_str_eq(told.log, "");
	cr_assert_eq(told.verdicts, 1);
	/* another inode of the same device, or the same inode of another, is read */
	cr_assert_eq(execache_classify(ec, rootfd, "/bin/true", 7, 101, 0), 0);
	cr_assert_eq(execache_classify(ec, rootfd, "/bin/true", 8, 100, 0), 0);
	cr_assert_eq(told.verdicts, 3);
}

Test(execache, go_binary_with_a_loader)
{
	cr_assert_eq(execache_classify(ec, rootfd, GO_DYN, 1, 2, 0), 1);
	cr_assert_str_eq(told.log, expect("loader " LDSO " root %d owner 0\n"
					  "go " GO_DYN " owner 0\n"
					  "verdict 1:2 1\n", rootfd));
	cr_assert_eq(execache_lookup(ec, 1, 2), 1);
}

Test(execache, static_go_binary_has_no_loader_to_probe)
{
	cr_assert_eq(execache_classify(ec, rootfd, GO_STATIC, 1, 3, 5), 1);
	cr_assert_str_eq(told.log, "verdict 1:3 1\n");
}

Test(execache, by_fd)
{
	int fd = open("/bin/true", O_RDONLY | O_CLOEXEC);

	cr_assert_geq(fd, 0);
	cr_assert_eq(execache_classify_fd(ec, rootfd, fd, "/proc/1/exe", 9, 9, 3), 0);
	close(fd);
	cr_assert_str_eq(told.log, expect("loader " LDSO " root %d owner 3\n"
					  "verdict 9:9 0\n", rootfd));
}

Test(execache, no_key_is_never_remembered)
{
	cr_assert_eq(execache_classify(ec, rootfd, "/bin/true", 0, 0, 0), 0);
	cr_assert_eq(execache_classify(ec, rootfd, "/bin/true", 0, 0, 0), 0);
	/* read twice, its loader told twice, no verdict for the kernel */
	cr_assert_str_eq(told.log, expect("loader " LDSO " root %d owner 0\n"
					  "loader " LDSO " root %d owner 0\n", rootfd, rootfd));
	cr_assert_eq(execache_lookup(ec, 0, 0), -ENOENT);
}

Test(execache, unreadable_is_minus_one_and_read_again)
{
	char path[] = "/tmp/lw-exe-XXXXXX";
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(execache_classify(ec, rootfd, "/nonexistent/prog", 4, 4, 0), -1);
	/* neither ELF nor script: not read as either */
	cr_assert_eq(write(fd, "plain text\n", 11), 11);
	cr_assert_eq(execache_classify(ec, rootfd, path, 4, 5, 0), -1);
	cr_assert_eq(execache_classify_fd(ec, rootfd, rootfd, "/", 4, 6, 0), -1);
	cr_assert_str_eq(told.log, "");
	cr_assert_eq(execache_lookup(ec, 4, 4), -ENOENT);
	cr_assert_eq(execache_lookup(ec, 4, 5), -ENOENT);
	close(fd);
	unlink(path);
}

Test(execache, script_is_not_go_and_its_interpreter_is_no_loader)
{
	char path[] = "/tmp/lw-exe-XXXXXX";
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "#!/bin/sh\necho\n", 15), 15);
	close(fd);
	cr_assert_eq(execache_classify(ec, rootfd, path, 4, 7, 0), 0);
	cr_assert_str_eq(told.log, "verdict 4:7 0\n");
	unlink(path);
}

Test(execache, full_then_a_slot_by_inode)
{
	int fd = open("/bin/true", O_RDONLY | O_CLOEXEC);

	cr_assert_geq(fd, 0);
	for (uint64_t ino = 1; ino <= EXECACHE_MAX; ino++)
		cr_assert_eq(execache_classify_fd(ec, rootfd, fd, "/bin/true", 1, ino, 0), 0);
	for (uint64_t ino = 1; ino <= EXECACHE_MAX; ino++)
		cr_assert_eq(execache_lookup(ec, 1, ino), 0);
	/* full: inode 1025 takes slot 1025 % 1024 = 1, which held inode 2 */
	cr_assert_eq(execache_classify_fd(ec, rootfd, fd, "/bin/true", 1, EXECACHE_MAX + 1, 0), 0);
	close(fd);
	cr_assert_eq(execache_lookup(ec, 1, EXECACHE_MAX + 1), 0);
	cr_assert_eq(execache_lookup(ec, 1, 2), -ENOENT);
	cr_assert_eq(execache_lookup(ec, 1, 1), 0);
	cr_assert_eq(execache_lookup(ec, 1, 3), 0);
	cr_assert_eq(execache_lookup(ec, 1, EXECACHE_MAX), 0);
	cr_assert_eq(told.verdicts, EXECACHE_MAX + 1);
}

Test(execache, ops_may_be_left_out)
{
	struct execache *bare = execache_new(&(struct execache_ops){ 0 });

	cr_assert_not_null(bare);
	cr_assert_eq(execache_classify(bare, rootfd, GO_DYN, 1, 2, 0), 1);
	cr_assert_eq(execache_lookup(bare, 1, 2), 1);
	execache_free(bare);
	execache_free(NULL);
}
