/* SPDX-License-Identifier: MIT */
/*
 * loop: time N iterations of one syscall pattern and print ns/op.
 *
 *   loop MODE [N] [PATH]
 *     miss     openat(PATH) that fails with ENOENT   (default PATH /etc/ldwatch-bench-missing.so)
 *     hit      openat(PATH) that succeeds, then close (default PATH /etc/passwd)
 *     mix      one of each: a failed openat, then openat + close of an existing file
 *              (PATH is the missing one; /etc/passwd the existing one)
 *     getppid  a syscall ldwatch does not hook
 *
 * Output, one line on stdout: "MODE N NS_PER_OP ns/op".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum mode { MODE_MISS, MODE_HIT, MODE_MIX, MODE_GETPPID };

static int one_op(enum mode mode, const char *path)
{
	int fd;

	switch (mode) {
	case MODE_MISS:
		fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			fprintf(stderr, "loop: %s exists, miss needs a missing path\n", path);
			return -EEXIST;
		}
		return errno == ENOENT ? 0 : -errno;
	case MODE_HIT:
		fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			int err = -errno;

			fprintf(stderr, "loop: open %s: %s\n", path, strerror(-err));
			return err;
		}
		close(fd);
		return 0;
	case MODE_MIX:
		fd = one_op(MODE_MISS, path);
		return fd ? fd : one_op(MODE_HIT, "/etc/passwd");
	case MODE_GETPPID:
		/* raw syscall: no libc caching can turn this into a no-op */
		syscall(SYS_getppid);
		return 0;
	}
	return -EINVAL;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	enum mode mode;
	long n = 200000, i, warm;
	double t0, t1;
	char *end;
	int err;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: loop miss|hit|mix|getppid [N] [PATH]\n");
		return 2;
	}
	if (!strcmp(argv[1], "miss")) {
		mode = MODE_MISS;
		path = "/etc/ldwatch-bench-missing.so";
	} else if (!strcmp(argv[1], "hit")) {
		mode = MODE_HIT;
		path = "/etc/passwd";
	} else if (!strcmp(argv[1], "mix")) {
		mode = MODE_MIX;
		path = "/etc/ldwatch-bench-missing.so";
	} else if (!strcmp(argv[1], "getppid")) {
		mode = MODE_GETPPID;
	} else {
		fprintf(stderr, "loop: unknown mode '%s'\n", argv[1]);
		return 2;
	}
	if (argc > 2) {
		errno = 0;
		n = strtol(argv[2], &end, 10);
		if (errno || *end || n <= 0) {
			fprintf(stderr, "loop: bad N '%s'\n", argv[2]);
			return 2;
		}
	}
	if (argc > 3)
		path = argv[3];

	/* warm the dentry cache and the branch predictors; also checks the path once */
	warm = n / 100 + 1;
	for (i = 0; i < warm; i++) {
		err = one_op(mode, path);
		if (err)
			return 1;
	}

	t0 = now_ns();
	for (i = 0; i < n; i++)
		one_op(mode, path);
	t1 = now_ns();

	printf("%s %ld %.1f ns/op\n", argv[1], n, (t1 - t0) / n);
	return 0;
}
