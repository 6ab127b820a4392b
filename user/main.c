// SPDX-License-Identifier: MIT
/* ldwatch: flags, privileges, the -- CMD child, signals, the event loop (stages: session.c) */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <bpf/libbpf.h>
#include "cgroup.h"
#include "check.h"
#include "cli.h"
#include "session.h"
#include "util.h"

#define STATS_INTERVAL_S	60	/* a stats record (final:false) this often */
#define HOUSEKEEP_S		5	/* probes let go, losses said, this often */

static int verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* effective capability bit from /proc/self/status */
static int has_cap(int cap)
{
	char line[256];
	unsigned long long eff = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return (eff >> cap) & 1;
}

static int check_privilege(void)
{
	/* CAP_BPF 39, CAP_PERFMON 38, CAP_SYS_ADMIN 21 */
	if (!has_cap(21) || !has_cap(38) || !has_cap(39)) {
		lw_warn(NULL, "needs root (CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN) to load its BPF "
			"programs; run it as root.");
		return -EPERM;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		lw_warn(NULL, "this kernel exposes no BTF (/sys/kernel/btf/vmlinux is missing); it "
			"needs a kernel built with CONFIG_DEBUG_INFO_BTF=y.");
		return -ENOTSUP;
	}
	return 0;
}

/* the -- CMD child: waits until every probe is attached, then becomes CMD */
static pid_t start_child(char **cmd, const sigset_t *oldmask, int *gofd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char go;

		close(p[1]);
		sigprocmask(SIG_SETMASK, oldmask, NULL);
		if (read(p[0], &go, 1) != 1)
			_exit(125);
		execvp(cmd[0], cmd);
		lw_warn(NULL, "%s: %s", cmd[0], strerror(errno));
		_exit(errno == ENOENT || errno == ENOTDIR ? 127 : 126);
	}
	close(p[0]);
	*gofd = p[1];
	return pid;
}

/* the signals read now: 1 when the loop is to stop */
static int on_signals(int sfd, struct session *s, pid_t child, int *child_status,
		      int *forwarded)
{
	struct signalfd_siginfo si;
	int stop = 0, st;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			session_reopen(s);	/* log rotation: the -o file is opened again */
		} else if (si.ssi_signo == SIGUSR1) {
			session_summary(s);
		} else if (si.ssi_signo == SIGCHLD) {
			if (child && waitpid(child, &st, WNOHANG) == child) {
				*child_status = st;
				stop = 1;
			}
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
		} else if (child && !*forwarded) {
			/* CMD gets the signal; we keep watching until it is gone */
			kill(child, si.ssi_signo);
			*forwarded = 1;
		} else {
			stop = 1;
		}
	}
	return stop;
}

/* with -- CMD, CMD's status (125 when ldwatch failed); else 1 on failure */
static int exit_status(const struct cli_config *o, int err, int child_status)
{
	if (!o->cmd)
		return err ? 1 : 0;
	if (err)
		return 125;
	if (WIFEXITED(child_status))
		return WEXITSTATUS(child_status);
	if (WIFSIGNALED(child_status))
		return 128 + WTERMSIG(child_status);
	return 125;
}

int main(int argc, char **argv)
{
	struct cli_config o = { 0 };
	struct session *s = NULL;
	struct epoll_event ev;
	sigset_t mask, oldmask;
	int sfd = -1, efd = -1, gofd = -1;
	int err, child_status = -1, stop = 0, forwarded = 0, more = 0;
	double t0, deadline = 0, next_check = 0, next_stats;
	uint64_t cg_id = 0;
	uint32_t cg_level = 0;
	pid_t child = 0;

	/* `ldwatch check FILE...`: the static pre-flight, nothing loaded into the kernel */
	if (argc > 1 && !strcmp(argv[1], "check"))
		return check_main(argc - 1, argv + 1);
	err = cli_parse(argc, argv, &o);
	if (err == CLI_HELP) {
		cli_usage(stdout);
		return 0;
	}
	if (err == CLI_VERSION) {
		printf("ldwatch %s\n", LDWATCH_VERSION);
		return 0;
	}
	if (err)
		return 2;
	verbose = o.verbose;
	if (o.cgroup && cgroup_from_arg("/proc/self/mountinfo", o.cgroup, &cg_id, &cg_level))
		return 2;
	libbpf_set_print(libbpf_print);
	err = check_privilege();
	if (err)
		return exit_status(&o, err, -1);

	err = session_open(&o, &s);
	if (err)
		goto cleanup;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, &oldmask);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		err = -errno;
		lw_warn(NULL, "signalfd: %s", strerror(-err));
		goto cleanup;
	}
	if (o.cmd) {
		child = start_child(o.cmd, &oldmask, &gofd);
		if (child < 0) {
			err = child;
			child = 0;
			lw_warn(NULL, "cannot start %s: %s", o.cmd[0], strerror(-err));
			goto cleanup;
		}
	}

	err = session_attach(s, &o, cg_id, cg_level);
	if (!err)
		err = session_track(s, &o, child);
	if (err)
		goto cleanup;
	if (child) {
		/* CMD runs once it is tracked */
		err = session_track_child(s, child, o.cmd[0]);
		if (err || write(gofd, "g", 1) != 1) {
			lw_warn(NULL, "cannot release %s: %s", o.cmd[0], strerror(err ? -err : errno));
			err = err ? err : -EIO;
			goto cleanup;
		}
		close(gofd);
		gofd = -1;
	}
	session_ready(s, &o, child);

	efd = epoll_create1(EPOLL_CLOEXEC);
	ev.events = EPOLLIN;
	ev.data.fd = sfd;
	if (efd < 0 || epoll_ctl(efd, EPOLL_CTL_ADD, sfd, &ev)) {
		err = -errno;
		goto cleanup;
	}
	err = session_watch(s, efd);
	if (err)
		goto cleanup;
	t0 = lw_now_s();
	next_stats = t0 + STATS_INTERVAL_S;
	if (o.duration > 0)
		deadline = t0 + o.duration;

	while (!stop) {
		/* wakeups are batched: poll the ring on a timer too; at once when a batch was cut */
		int timeout = more ? 0 : 100;
		int n;

		if (deadline) {
			double left = deadline - lw_now_s();

			if (left <= 0)
				break;
			if (left * 1000 < timeout)
				timeout = (int)(left * 1000) + 1;
		}
		session_waits(s);
		n = epoll_wait(efd, &ev, 1, timeout);
		if (n < 0 && errno != EINTR) {
			err = -errno;
			lw_warn(NULL, "epoll_wait: %s", strerror(-err));
			break;
		}
		more = session_pump(s, n == 1 ? ev.data.fd : -1);
		if (lw_now_s() >= next_check) {
			next_check = lw_now_s() + HOUSEKEEP_S;
			session_housekeep(s);
			if (lw_now_s() >= next_stats) {
				/* a periodic stats record: silence is trusted only when it is counted */
				next_stats = lw_now_s() + STATS_INTERVAL_S;
				session_stats(s, 0, lw_now_s() - t0, NULL);
			}
			/* losses are said when they happen, not only in the final stats */
			session_warn_losses(s);
		}
		if (on_signals(sfd, s, child, &child_status, &forwarded))
			stop = 1;
	}
	session_finish(s, lw_now_s() - t0);
cleanup:
	session_close(s);	/* detach before waiting on anything else */
	if (gofd >= 0)
		close(gofd);	/* an unreleased child exits 125 */
	if (child && child_status < 0) {
		while (waitpid(child, &child_status, 0) < 0 && errno == EINTR)
			;
	}
	if (efd >= 0)
		close(efd);
	if (sfd >= 0)
		close(sfd);
	return exit_status(&o, err, child_status);
}
