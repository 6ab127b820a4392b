/* SPDX-License-Identifier: MIT */
/*
 * storm: fork + execve("/bin/true") + waitpid, N times; print execs/s.
 *
 *   storm [N]        (default 2000)
 *
 * Output, one line on stdout: "storm N EXECS_PER_S execs/s".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int exec_true(void)
{
	char *const argv[] = { "true", NULL };
	char *const envp[] = { NULL };
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execve("/bin/true", argv, envp);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return -ECHILD;
	return 0;
}

int main(int argc, char **argv)
{
	long n = 2000, i;
	double t0, t1;
	char *end;
	int err;

	if (argc > 2) {
		fprintf(stderr, "usage: storm [N]\n");
		return 2;
	}
	if (argc > 1) {
		errno = 0;
		n = strtol(argv[1], &end, 10);
		if (errno || *end || n <= 0) {
			fprintf(stderr, "storm: bad N '%s'\n", argv[1]);
			return 2;
		}
	}

	/* one untimed exec: page cache and a failing /bin/true show up here */
	err = exec_true();
	if (err) {
		fprintf(stderr, "storm: fork+exec /bin/true: %s\n", strerror(-err));
		return 1;
	}

	t0 = now_s();
	for (i = 0; i < n; i++) {
		err = exec_true();
		if (err) {
			fprintf(stderr, "storm: exec %ld: %s\n", i, strerror(-err));
			return 1;
		}
	}
	t1 = now_s();

	printf("storm %ld %.1f execs/s\n", n, n / (t1 - t0));
	return 0;
}
