// SPDX-License-Identifier: MIT
/* ldwatch: flags, signals and the event loop; nothing else lives here */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <bpf/libbpf.h>
#include "cgroup.h"
#include "cli.h"
#include "correlate.h"
#include "event.h"
#include "execache.h"
#include "output.h"
#include "loaders.h"
#include "pidns.h"
#include "probe.h"
#include "procscan.h"
#include "util.h"

#define STATS_INTERVAL_S	60	/* a stats record (final:false) this often */

struct run {
	struct corr *corr;
	struct output *out;
	struct probe *pr;
	struct pidns *pn;	/* our pid namespace against the kernel's; NULL: the same */
	struct loaders *ld;	/* loader files probed ahead: an image's as it is mounted */
	struct execache *ec;	/* each image read once: Go-built or not */
	int rootfd;
	struct lw_rec rec;
	uint64_t received;
	int ready;		/* the ready record is out: later probes are told */
	double batch_end;	/* a consume call hands the loop back after this */
	double stall_max;	/* the longest on one record or between two reads, s */
};

#define BATCH_S		0.05	/* the most one consume call keeps signals and timers waiting */
#define DRAIN_S		2.0	/* the final drain's deadline */

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
		fprintf(stderr, "ldwatch: needs root (CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN) "
			"to load its BPF programs; run it as root.\n");
		return -EPERM;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		fprintf(stderr, "ldwatch: this kernel exposes no BTF (/sys/kernel/btf/vmlinux is "
			"missing); it needs a kernel built with CONFIG_DEBUG_INFO_BTF=y.\n");
		return -ENOTSUP;
	}
	return 0;
}

/* a pid of our namespace (getpid, fork, /proc, -p) as the kernel names it; 0: gone */
static uint32_t kpid(const struct run *r, uint32_t pid)
{
	return pidns_kpid(r->pn, pid);
}

static uint32_t on_kpid(void *ctx, uint32_t pid)
{
	return kpid(ctx, pid);
}

static int on_track(void *ctx, uint32_t pid, uint32_t flags)
{
	struct run *r = ctx;

	return probe_track(r->pr, pid, flags);
}

/* processes already running: with root, root and below; else the Go toolchain's */
static int track_running(struct run *r, uint32_t root)
{
	struct procscan ps = {
		.proc = "/proc", .rootfd = r->rootfd, .self = (uint32_t)getpid(), .ec = r->ec,
		.kpid = on_kpid, .track = on_track, .ctx = r,
	};

	return procscan_track(&ps, root);
}

static double now_s(void);

static int on_event(void *ctx, void *data, size_t size)
{
	struct run *r = ctx;
	double t0 = now_s(), t1;

	r->received++;
	if (event_decode(data, size, &r->rec))
		corr_malformed(r->corr);
	else
		corr_feed(r->corr, &r->rec);
	t1 = now_s();
	if (t1 - t0 > r->stall_max)
		r->stall_max = t1 - t0;
	/*
	 * the record is consumed either way; past the batch's time the loop
	 * gets back to its signals and timers (a negative return ends this
	 * consume call, libbpf has no bounded one before 1.4), then reads on
	 */
	return t1 > r->batch_end ? -EAGAIN : 0;
}

/* read what the ring holds, for at most BATCH_S: 1 when more is waiting */
static int consume_batch(struct run *r)
{
	r->batch_end = now_s() + BATCH_S;
	return probe_consume(r->pr) == -EAGAIN;
}

/* a container's loader probed, or let go: said after ready (the ready record lists the first) */
static void on_probe_file(void *ctx, const struct probe_file *f, int attached)
{
	struct run *r = ctx;

	if (r->ready && r->out)
		output_uprobes(r->out, f->path, f->n_owners ? f->owners[0] : 0, f->syms, f->n,
			       attached);
}

/* records the kernel could not put in the ring, so far */
static uint64_t on_losses(void *ctx)
{
	struct run *r = ctx;
	struct lw_stats ks;

	return r->pr && !probe_stats(r->pr, &ks) ? ks.lost_reserve : 0;
}

/* a process the kernel names pid is alive (in our namespace's view, where that differs) */
static int pid_alive(void *ctx, uint32_t pid)
{
	struct run *r = ctx;

	if (r->pn)
		return pidns_to_local(r->pn, pid) != 0;
	return !kill((pid_t)pid, 0) || errno == EPERM;
}

static uint32_t on_local_pid(void *ctx, uint32_t pid)
{
	struct run *r = ctx;

	return pidns_to_local(r->pn, pid);
}

static void on_repeat(void *ctx, const struct repeat *r)
{
	struct run *run = ctx;

	output_repeat(run->out, r);
}

static void on_load(void *ctx, const struct load *l)
{
	struct run *r = ctx;

	output_load(r->out, l);
}

static void on_loader_seen(void *ctx, int rootfd, const char *path, uint32_t pid)
{
	struct run *r = ctx;

	probe_loader_file(r->pr, rootfd, path, rootfd == r->rootfd ? 0 : pid);
}

/* what the exe cache learns, for the probes and the kernel's exe_class map */
static void on_image_loader(void *ctx, int rootfd, const char *interp, uint32_t owner)
{
	struct run *r = ctx;

	probe_loader_file(r->pr, rootfd, interp, owner);
}

static void on_go_image(void *ctx, int fd, const char *path, uint32_t owner)
{
	struct run *r = ctx;

	probe_go_fd(r->pr, fd, path, owner);
}

static void on_verdict(void *ctx, uint32_t dev, uint64_t ino, int go)
{
	struct run *r = ctx;

	probe_classify(r->pr, dev, ino, go ? LW_EXE_GO : LW_EXE_OTHER);
}

static int on_exec_seen(void *ctx, int rootfd, const char *path, uint32_t dev, uint64_t ino,
			int pending, uint32_t pid)
{
	struct run *r = ctx;

	(void)pending;
	return execache_classify(r->ec, rootfd, path, dev, ino, rootfd == r->rootfd ? 0 : pid);
}

static int on_file_key(void *ctx, const struct stat *st, unsigned long long *dev,
		       unsigned long long *ino)
{
	struct run *r = ctx;

	return loaders_file_key(r->ld, st, dev, ino);
}

static int on_mounted(void *ctx, uint64_t id)
{
	struct run *r = ctx;

	return loaders_mounted(r->ld, id);
}

static void on_settle(void *ctx, uint32_t pid, uint64_t ino, int go)
{
	struct run *r = ctx;

	probe_settle(r->pr, pid, ino, go ? LW_PF_PENDING : LW_PF_GO | LW_PF_PENDING);
}

static void on_finding(void *ctx, const struct finding *f)
{
	struct run *r = ctx;

	output_finding(r->out, f);	/* a failure is counted and said there */
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
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
		fprintf(stderr, "ldwatch: %s: %s\n", cmd[0], strerror(errno));
		_exit(errno == ENOENT || errno == ENOTDIR ? 127 : 126);
	}
	close(p[0]);
	*gofd = p[1];
	return pid;
}

int main(int argc, char **argv)
{
	struct cli_config o = { 0 };
	struct run run = { 0 };
	struct probe *pr = NULL;
	struct probe_info info = { 0 };
	struct probe_cfg cfg = { 0 };
	struct corr_ops ops = { 0 };
	struct ready_info ri = { 0 };
	struct final_stats fs = { 0 };
	struct epoll_event ev;
	sigset_t mask, oldmask;
	int sfd = -1, efd = -1, gofd = -1, rootfd = -1, mfd = -1;
	int err = 0, child_status = -1, stop = 0, forwarded = 0, more = 0;
	double t_read = 0;
	pid_t child = 0;
	double t0, deadline = 0, next_check = 0, next_stats;
	uint64_t lost_seen = 0, cg_id = 0, loss_prev = 0;
	uint32_t cg_level = 0;

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
	if (check_privilege())
		return o.cmd ? 125 : 1;

	err = output_open(o.output, o.json, &run.out);
	if (err) {
		fprintf(stderr, "ldwatch: cannot open %s: %s\n", o.output, strerror(-err));
		return o.cmd ? 125 : 1;
	}
	rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	run.rootfd = rootfd;
	/*
	 * in a container with its own pid namespace getpid() is not the pid the
	 * kernel side sees: without the kernel's, ldwatch would watch itself
	 */
	err = pidns_open(&run.pn);
	if (err) {
		fprintf(stderr, "ldwatch: cannot read this pid namespace's pids as the kernel sees them "
			"(%s); assuming it is the host's, continuing\n", strerror(-err));
		err = 0;
	} else if (pidns_is_host(run.pn)) {
		pidns_close(run.pn);	/* both views agree: nothing to translate */
		run.pn = NULL;
	}
	ops = (struct corr_ops){
		.finding = on_finding, .load = o.loads ? on_load : NULL, .repeat = on_repeat,
		.loader_seen = on_loader_seen, .exec_seen = on_exec_seen, .settle = on_settle,
		.ctx = &run, .rootfd = rootfd,
		.mountinfo = "/proc/self/mountinfo", .proc = "/proc",
		.container = o.container, .losses = on_losses,
		.local_pid = run.pn ? on_local_pid : NULL,
	};
	run.ec = execache_new(&(struct execache_ops){
		.loader = on_image_loader, .go_image = on_go_image, .verdict = on_verdict,
		.ctx = &run,
	});
	run.corr = corr_new(&ops);
	if (rootfd < 0 || !run.ec || !run.corr) {
		err = -ENOMEM;
		fprintf(stderr, "ldwatch: cannot set up: %s\n", strerror(errno));
		goto cleanup;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &oldmask);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		err = -errno;
		fprintf(stderr, "ldwatch: signalfd: %s\n", strerror(-err));
		goto cleanup;
	}
	if (o.cmd) {
		child = start_child(o.cmd, &oldmask, &gofd);
		if (child < 0) {
			err = child;
			child = 0;
			fprintf(stderr, "ldwatch: cannot start %s: %s\n", o.cmd[0], strerror(-err));
			goto cleanup;
		}
	}

	cfg.self_tgid = kpid(&run, (uint32_t)getpid());
	if (o.cmd)
		cfg.need = LW_PF_TREE;
	else if (o.pid)
		cfg.need = o.all ? LW_PF_TREE : LW_PF_TREE | LW_PF_GO;
	else
		cfg.need = o.all ? 0 : LW_PF_GO;
	cfg.ring_bytes = o.ring_bytes ? o.ring_bytes : 16 << 20;
	/* wake the reader at a quarter full, at most 256 KiB */
	cfg.wakeup_bytes = cfg.ring_bytes / 4 < (256 << 10) ? cfg.ring_bytes / 4 : 256 << 10;
	cfg.on_event = on_event;
	cfg.ctx = &run;
	cfg.on_file = on_probe_file;
	cfg.file_key = on_file_key;
	cfg.no_uprobes = o.no_uprobes;
	cfg.cgroup_id = cg_id;
	cfg.cgroup_level = cg_level;
	err = probe_open(&cfg, &pr, &info);
	if (err) {
		fprintf(stderr, "ldwatch: cannot load and attach the BPF programs: %s\n",
			strerror(-err));
		goto cleanup;
	}
	run.pr = pr;
	run.ld = loaders_new(pr, "/proc/self/mountinfo");	/* images mounted already: known */
	loaders_discover(pr, run.pn, rootfd);
	if (info.tracefs && !strcmp(info.tracefs, "mounted-private"))
		fprintf(stderr, "ldwatch: tracefs was not mounted; mounted it in a private mount "
			"namespace to attach (the host's mounts are unchanged)\n");

	/* processes started since the table was read: a -- CMD child, a -p PID */
	if (run.pn && (o.pid || child))
		pidns_refresh(run.pn);
	if (o.pid) {
		char d[32];

		snprintf(d, sizeof(d), "/proc/%u", o.pid);
		if (access(d, F_OK) || !kpid(&run, o.pid)) {
			fprintf(stderr, "ldwatch: no process %u\n", o.pid);
			err = -ESRCH;
			goto cleanup;
		}
		track_running(&run, o.pid);
	} else if (!o.all && !o.cmd) {
		track_running(&run, 0);
	}
	if (child) {
		char cwd[PATH_MAX], exe[PATH_MAX];

		if (getcwd(cwd, sizeof(cwd)))
			corr_seed(run.corr, kpid(&run, child), cwd);
		/* cwd is free again below: it takes the resolved path */
		/* probe CMD's own binary (Go's plugin.Open) before it runs */
		if (loaders_find_command(o.cmd[0], exe, sizeof(exe)) && realpath(exe, cwd))
			execache_classify(run.ec, rootfd, cwd, 0, 0, 0);
		err = kpid(&run, child) ? probe_track(pr, kpid(&run, child), LW_PF_TREE) : -ESRCH;
		if (err || write(gofd, "g", 1) != 1) {
			fprintf(stderr, "ldwatch: cannot release %s: %s\n", o.cmd[0],
				strerror(err ? -err : errno));
			err = err ? err : -EIO;
			goto cleanup;
		}
		close(gofd);
		gofd = -1;
	}

	ri.version = LDWATCH_VERSION;
	ri.scope = o.cmd ? "command" : o.pid ? (o.all ? "pid" : "pid+go") : o.all ? "all" : "go";
	ri.tracefs = info.tracefs;
	ri.probes = info.n_progs;
	ri.pid = o.pid ? o.pid : (uint32_t)child;
	ri.files = probe_files(pr, &ri.n_files);
	output_ready(run.out, &ri);
	run.ready = 1;
	probe_go_async(pr);	/* from now on uprobes come and go off the loop */

	efd = epoll_create1(EPOLL_CLOEXEC);
	ev.events = EPOLLIN;
	ev.data.fd = sfd;
	if (efd < 0 || epoll_ctl(efd, EPOLL_CTL_ADD, sfd, &ev)) {
		err = -errno;
		goto cleanup;
	}
	ev.data.fd = probe_epoll_fd(pr);
	if (epoll_ctl(efd, EPOLL_CTL_ADD, ev.data.fd, &ev)) {
		err = -errno;
		goto cleanup;
	}
	/* the mount table changes (EPOLLPRI): a container's image being mounted */
	mfd = loaders_watch(run.ld);
	ev.events = EPOLLPRI;
	ev.data.fd = mfd;
	if (mfd < 0 || epoll_ctl(efd, EPOLL_CTL_ADD, mfd, &ev))
		lw_warn(NULL, "cannot watch the mount table (%s): a new image's first process may "
			"run before its loader is probed, continuing", strerror(mfd < 0 ? -mfd : errno));
	t0 = now_s();
	next_stats = t0 + STATS_INTERVAL_S;
	if (o.duration > 0)
		deadline = t0 + o.duration;

	while (!stop) {
		struct signalfd_siginfo si;
		/* wakeups are batched: poll the ring on a timer too; at once when a batch was cut */
		int timeout = more ? 0 : 100;
		int n;

		if (deadline) {
			double left = deadline - now_s();

			if (left <= 0)
				break;
			if (left * 1000 < timeout)
				timeout = (int)(left * 1000) + 1;
		}
		if (t_read && now_s() - t_read > run.stall_max)
			run.stall_max = now_s() - t_read;	/* the work since the last read */
		n = epoll_wait(efd, &ev, 1, timeout);
		if (n < 0 && errno != EINTR) {
			err = -errno;
			fprintf(stderr, "ldwatch: epoll_wait: %s\n", strerror(-err));
			break;
		}
		if (n == 1 && mfd >= 0 && ev.data.fd == mfd)
			loaders_rescan(run.ld);
		probe_poll(pr);	/* the worker's attaches, filed and told */
		{
			/* what a process exec'd in the batch read now may have lost is counted from here */
			uint64_t l = on_losses(&run);

			corr_set_loss_mark(run.corr, loss_prev);
			loss_prev = l;
		}
		more = consume_batch(&run);
		t_read = now_s();
		{
			struct timespec ts;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			corr_tick(run.corr, (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
		}
		if (now_s() >= next_check) {
			/* losses are said when they happen, not only in the final stats */
			struct lw_stats ks;

			next_check = now_s() + 5;
			/* a container's ld.so and libc, once no process of it is left */
			if (run.pn)
				pidns_refresh(run.pn);
			{
				struct timespec ts;

				clock_gettime(CLOCK_MONOTONIC, &ts);
				probe_release_unused(pr, pid_alive, on_mounted, &run,
						     (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
			}
			if (now_s() >= next_stats) {
				/* a periodic stats record: silence is trusted only when it is counted */
				struct final_stats ps = { .final = 0 };

				next_stats = now_s() + STATS_INTERVAL_S;
				if (!probe_stats(pr, &ps.k)) {
					corr_stats(run.corr, &ps.u);
					ps.received = run.received;
					ps.write_errors = output_write_errors(run.out);
					ps.stall_max_ms = run.stall_max * 1000;
					ps.seconds = now_s() - t0;
					output_stats(run.out, &ps);
				}
			}
			if (!probe_stats(pr, &ks) && ks.lost_reserve + ks.lost_read > lost_seen) {
				uint64_t lost = ks.lost_reserve + ks.lost_read;

				fprintf(stderr, "ldwatch: %llu records lost so far (%llu ring full, "
					"%llu unreadable), continuing\n", (unsigned long long)lost,
					(unsigned long long)ks.lost_reserve,
					(unsigned long long)ks.lost_read);
				lost_seen = lost;
			}
		}
		while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGHUP) {
				/* log rotation: the -o file is opened again */
				int e = output_reopen(run.out);

				if (e)
					fprintf(stderr, "ldwatch: reopening %s failed: %s, continuing "
						"with the old file\n", o.output, strerror(-e));
			} else if (si.ssi_signo == SIGCHLD) {
				int st;

				if (child && waitpid(child, &st, WNOHANG) == child) {
					child_status = st;
					stop = 1;
				}
				while (waitpid(-1, NULL, WNOHANG) > 0)
					;
			} else if (child && !forwarded) {
				/* CMD gets the signal; we keep watching until it is gone */
				kill(child, si.ssi_signo);
				forwarded = 1;
			} else {
				stop = 1;
			}
		}
	}
	/*
	 * the child's last records are in the ring before its parent hears of it;
	 * detach first so that the counters and the records drained agree
	 */
	fs.seconds = now_s() - t0;
	probe_detach(pr);
	{
		/* nothing is produced any more: drain what is left, within a deadline */
		double end = now_s() + DRAIN_S;

		while (consume_batch(&run) && now_s() < end)
			;
	}
	corr_finish(run.corr);
	probe_stats(pr, &fs.k);
	fs.left_unread = fs.k.events > run.received ? fs.k.events - run.received : 0;
	fs.stall_max_ms = run.stall_max * 1000;
	corr_stats(run.corr, &fs.u);
	fs.received = run.received;
	fs.write_errors = output_write_errors(run.out);
	fs.final = 1;
	output_stats(run.out, &fs);
	if (fs.left_unread)
		fprintf(stderr, "ldwatch: stopped draining after %.0f s with %llu records unread\n",
			DRAIN_S, (unsigned long long)fs.left_unread);
	if (fs.k.lost_reserve + fs.k.lost_read)
		fprintf(stderr, "ldwatch: %llu records lost in all (%llu ring full, %llu unreadable); "
			"findings that may lack evidence say \"incomplete\"\n",
			(unsigned long long)(fs.k.lost_reserve + fs.k.lost_read),
			(unsigned long long)fs.k.lost_reserve, (unsigned long long)fs.k.lost_read);
cleanup:
	probe_close(pr);	/* detach before waiting on anything else */
	if (gofd >= 0)
		close(gofd);	/* an unreleased child exits 125 */
	if (child && child_status < 0) {
		while (waitpid(child, &child_status, 0) < 0 && errno == EINTR)
			;
	}
	if (efd >= 0)
		close(efd);
	loaders_free(run.ld);
	if (sfd >= 0)
		close(sfd);
	if (rootfd >= 0)
		close(rootfd);
	corr_free(run.corr);
	execache_free(run.ec);
	pidns_close(run.pn);
	output_close(run.out);
	if (o.cmd) {
		if (err)
			return 125;
		if (WIFEXITED(child_status))
			return WEXITSTATUS(child_status);
		if (WIFSIGNALED(child_status))
			return 128 + WTERMSIG(child_status);
		return 125;
	}
	return err ? 1 : 0;
}
