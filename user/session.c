// SPDX-License-Identifier: MIT
/* session: the probes, the correlator, the sink and the host facts of one watch, wired */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include "kubepods.h"
#include "cli.h"
#include "correlate.h"
#include "event.h"
#include "execache.h"
#include "loaders.h"
#include "metrics.h"
#include "journal.h"
#include "output.h"
#include "pidns.h"
#include "probe.h"
#include "procscan.h"
#include "session.h"
#include "session_internal.h"
#include "util.h"

#define MOUNTINFO	"/proc/self/mountinfo"
#define PROC_OWN	"/proc"	/* ldwatch's own view: its pid namespace's names */
#define BATCH_S		0.05	/* the most one consume call keeps signals and timers waiting */
#define DRAIN_S		2.0	/* the final drain's deadline */


/* ---- the ring's records, to the correlator ---- */

static int on_event(void *ctx, void *data, size_t size)
{
	struct session *s = ctx;
	double t0 = lw_now_s(), t1;

	s->received++;
	if (event_decode(data, size, &s->rec))
		corr_malformed(s->corr);
	else
		corr_feed(s->corr, &s->rec);
	t1 = lw_now_s();
	if (t1 - t0 > s->stall_max)
		s->stall_max = t1 - t0;
	/*
	 * the record is consumed either way; past the batch's time the loop
	 * gets back to its signals and timers (a negative return ends this
	 * consume call, libbpf has no bounded one before 1.4), then reads on
	 */
	return t1 > s->batch_end ? -EAGAIN : 0;
}

/* read what the ring holds, for at most BATCH_S: 1 when more is waiting */
static int consume_batch(struct session *s)
{
	s->batch_end = lw_now_s() + BATCH_S;
	return probe_consume(s->pr) == -EAGAIN;
}

/* ---- what the correlator decides, to the sink ---- */

/* a Kubernetes container's pod, named from the node's log folders: k, or c filled from it */
static const struct ctr_ctx *with_pod(const struct session *s, const struct ctr_ctx *k,
				      struct ctr_ctx *c, struct kube_pod *kp)
{
	if (!k || !k->pod_uid || kube_pod_lookup(s->pod_logs, k->pod_uid, k->id, kp))
		return k;
	*c = *k;
	c->pod_namespace = kp->ns;
	c->pod_name = kp->name;
	c->pod_container = kp->container[0] ? kp->container : NULL;
	return c;
}

static void on_finding(void *ctx, const struct finding *f)
{
	struct session *s = ctx;
	struct finding g = *f;
	struct ctr_ctx c;
	struct kube_pod kp;

	g.container = with_pod(s, f->container, &c, &kp);
	output_finding(s->out, &g);	/* a failure is counted and said there */
}

static void on_repeat(void *ctx, const struct repeat *r)
{
	struct session *s = ctx;

	output_repeat(s->out, r);
}

static void on_load(void *ctx, const struct load *l)
{
	struct session *s = ctx;
	struct load m = *l;
	struct ctr_ctx c;
	struct kube_pod kp;

	m.container = with_pod(s, l->container, &c, &kp);
	output_load(s->out, &m);
}

/* a container's loader probed, or let go: said after ready (the ready record lists the first) */
static void on_probe_file(void *ctx, const struct probe_file *f, int attached)
{
	struct session *s = ctx;

	if (s->ready && s->out)
		output_uprobes(s->out, f->path, f->n_owners ? f->owners[0] : 0, f->syms, f->n,
			       attached);
}

/* ---- what the correlator asks, of the probes and the host ---- */

/* records the kernel could not put in the ring, so far */
static uint64_t on_losses(void *ctx)
{
	struct session *s = ctx;
	struct lw_stats ks;

	return s->pr && !probe_stats(s->pr, &ks) ? ks.lost_reserve : 0;
}

static uint32_t on_local_pid(void *ctx, uint32_t pid)
{
	struct session *s = ctx;

	return pidns_to_local(s->pn, pid);
}

static void on_loader_seen(void *ctx, int rootfd, const char *path, uint32_t pid)
{
	struct session *s = ctx;

	probe_loader_file(s->pr, rootfd, path, rootfd == s->rootfd ? 0 : pid);
}

static int on_exec_seen(void *ctx, int rootfd, const char *path, uint32_t dev, uint64_t ino,
			int pending, uint32_t pid)
{
	struct session *s = ctx;

	(void)pending;
	return execache_classify(s->ec, rootfd, path, dev, ino, rootfd == s->rootfd ? 0 : pid);
}

static void on_settle(void *ctx, uint32_t pid, uint64_t ino, int go)
{
	struct session *s = ctx;

	probe_settle(s->pr, pid, ino, go ? LW_PF_PENDING : LW_PF_GO | LW_PF_PENDING);
}

/* ---- what the exe cache learns, for the probes and the kernel's exe_class map ---- */

static void on_image_loader(void *ctx, int rootfd, const char *interp, uint32_t owner)
{
	struct session *s = ctx;

	probe_loader_file(s->pr, rootfd, interp, owner);
}

static void on_go_image(void *ctx, int fd, const char *path, uint32_t owner)
{
	struct session *s = ctx;

	probe_go_fd(s->pr, fd, path, owner);
}

static void on_verdict(void *ctx, uint32_t dev, uint64_t ino, int go)
{
	struct session *s = ctx;

	probe_classify(s->pr, dev, ino, go ? LW_EXE_GO : LW_EXE_OTHER);
}

/* ---- what the probes ask ---- */

static int on_file_key(void *ctx, const struct stat *st, unsigned long long *dev,
		       unsigned long long *ino)
{
	struct session *s = ctx;

	return loaders_file_key(s->ld, st, dev, ino);
}

/* a process the kernel names pid is alive (in our namespace's view, where that differs) */
static int on_alive(void *ctx, uint32_t pid)
{
	struct session *s = ctx;

	char d[PATH_MAX];

	if (s->proc_pn)
		return pidns_to_local(s->pn, pid) != 0;
	if (strcmp(s->proc, PROC_OWN)) {
		snprintf(d, sizeof(d), "%s/%u", s->proc, pid);
		return !access(d, F_OK);
	}
	return !kill((pid_t)pid, 0) || errno == EPERM;
}

static int on_mounted(void *ctx, uint64_t id)
{
	struct session *s = ctx;

	return loaders_mounted(s->ld, id);
}

/* ---- what the /proc scan asks ---- */

static uint32_t on_kpid(void *ctx, uint32_t pid)
{
	struct session *s = ctx;

	return pidns_kpid(s->proc_pn, pid);
}

static int on_track(void *ctx, uint32_t pid, uint32_t flags)
{
	struct session *s = ctx;

	return probe_track(s->pr, pid, flags);
}

/* ---- the steps main takes ---- */

/* DIR is a procfs of the kernel's own pid namespace: its self is ldwatch's kernel pid */
static int check_host_proc(const char *dir, uint32_t self_kpid)
{
	char path[PATH_MAX], link[32];
	struct statfs sf;
	ssize_t n;

	if (statfs(dir, &sf) || sf.f_type != PROC_SUPER_MAGIC) {
		lw_warn(NULL, "--host-proc %s: not a procfs (mount the host's: -v /proc:%s:ro)", dir, dir);
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "%s/self", dir);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	if (n <= 0 || strtoul(link, NULL, 10) != self_kpid) {
		lw_warn(NULL, "--host-proc %s: a procfs of another pid namespace (its self is %s, "
			"the kernel's pid of ldwatch is %u): mount the host's /proc there", dir,
			n > 0 ? link : "unreadable", self_kpid);
		return -EINVAL;
	}
	return 0;
}

/*
 * Where processes are read, and what "the host" is. On the host, ldwatch's
 * own /proc, root and mount table. In a container that sees the host's pids
 * (--pid=host, or --host-proc DIR), the host is that proc's pid 1 (or 2): its root,
 * its mount namespace and table, so that a host process is not taken for a
 * container's and its files are looked up in the host's root, not the
 * image's. In a pid namespace of its own without --host-proc, processes
 * outside it are still seen, but cannot be read by pid.
 */
static int host_view(struct session *s, const struct cli_config *o)
{
	char path[PATH_MAX];
	struct stat own, init;
	const char *init_pid;
	int fd;

	s->proc = PROC_OWN;
	s->proc_pn = s->pn;
	s->self_kpid = pidns_kpid(s->pn, (uint32_t)getpid());
	s->mountinfo = MOUNTINFO;
	s->pod_logs = o->pod_logs ? o->pod_logs : "/var/log/pods";
	if (o->host_proc) {
		if (check_host_proc(o->host_proc, s->self_kpid))
			return -EINVAL;
		s->proc = o->host_proc;
		s->proc_pn = NULL;
	} else if (s->pn) {
		lw_warn(NULL, "running in a pid namespace of its own: processes outside it are "
			"watched, but cannot be read by pid (their root and what needed a "
			"library may be missing); give the host's /proc with --host-proc DIR");
		return 0;
	}
	/*
	 * the host's init; where it cannot be read (it is not dumpable, or in
	 * another user namespace), kthreadd, pid 2: a kernel thread, whose root
	 * and mount namespace are the kernel's first
	 */
	for (init_pid = "1"; ; init_pid = "2") {
		snprintf(path, sizeof(path), "%s/%s/ns/mnt", s->proc, init_pid);
		if (!stat(path, &init))
			break;
		if (!strcmp(init_pid, "2"))
			return 0;	/* neither can be read: ours stands for the host's */
	}
	if (stat("/proc/self/ns/mnt", &own) || own.st_ino == init.st_ino)
		return 0;	/* on the host: ours is the host's */
	snprintf(path, sizeof(path), "%s/%s/root", s->proc, init_pid);
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		lw_warn(NULL, "cannot open the host's root %s: %s; processes are checked in "
			"ldwatch's own", path, strerror(errno));
		return 0;
	}
	close(s->rootfd);
	s->rootfd = fd;
	s->host_mntns = (uint32_t)init.st_ino;
	snprintf(s->mi_path, sizeof(s->mi_path), "%s/%s/mountinfo", s->proc, init_pid);
	s->mountinfo = s->mi_path;
	return 0;
}

int session_open(const struct cli_config *o, struct session **out)
{
	struct session *s = calloc(1, sizeof(*s));
	struct corr_ops ops;
	int err;

	*out = s;
	if (!s) {
		lw_warn(NULL, "cannot set up: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	s->rootfd = s->mfd = s->mxfd = s->stats_fd = -1;
	s->output = o->output;
	s->summary = o->summary;
	err = output_open(o->output, o->json, &s->out);
	if (err) {
		lw_warn(NULL, "cannot open %s: %s", o->output, strerror(-err));
		return err;
	}
	output_set_color(s->out, output_color_wanted(s->out, o->color));
	output_set_journal(s->out, o->journal);
	if (o->metrics) {
		err = session_metrics_open(s, o->metrics);
		if (err) {
			lw_warn(NULL, "--metrics %s: %s", o->metrics, strerror(-err));
			return err;
		}
	}
	s->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	/*
	 * in a container with its own pid namespace getpid() is not the pid the
	 * kernel side sees: without the kernel's, ldwatch would watch itself
	 */
	err = pidns_open(&s->pn);
	if (err) {
		lw_warn(NULL, "cannot read this pid namespace's pids as the kernel sees them (%s); "
			"assuming it is the host's, continuing", strerror(-err));
	} else if (pidns_is_host(s->pn)) {
		pidns_close(s->pn);	/* both views agree: nothing to translate */
		s->pn = NULL;
	}
	err = host_view(s, o);
	if (err)
		return err;
	ops = (struct corr_ops){
		.finding = on_finding, .load = o->loads ? on_load : NULL, .repeat = on_repeat,
		.loader_seen = on_loader_seen, .exec_seen = on_exec_seen, .settle = on_settle,
		.ctx = s, .rootfd = s->rootfd,
		.mountinfo = s->mountinfo, .proc = s->proc,
		.container = o->container, .losses = on_losses, .mem_budget = o->max_memory,
		.local_pid = s->proc_pn ? on_local_pid : NULL,
	};
	s->ec = execache_new(&(struct execache_ops){
		.loader = on_image_loader, .go_image = on_go_image, .verdict = on_verdict,
		.ctx = s,
	});
	s->corr = corr_new(&ops);
	if (s->rootfd < 0 || !s->ec || !s->corr) {
		lw_warn(NULL, "cannot set up: %s", strerror(errno));
		return -ENOMEM;
	}
	return 0;
}

int session_attach(struct session *s, const struct cli_config *o, uint64_t cg_id,
		   uint32_t cg_level)
{
	struct probe_cfg cfg = {
		.self_tgid = s->self_kpid,
		.host_mntns = s->host_mntns, .host_rootfd = s->rootfd,
		.ring_bytes = o->ring_bytes ? o->ring_bytes : 16 << 20,
		.cgroup_id = cg_id, .cgroup_level = cg_level, .no_uprobes = o->no_uprobes,
		.on_event = on_event, .on_file = on_probe_file, .file_key = on_file_key, .ctx = s,
	};
	int err;

	if (o->cmd)
		cfg.need = LW_PF_TREE;
	else if (o->pid)
		cfg.need = o->all ? LW_PF_TREE : LW_PF_TREE | LW_PF_GO;
	else
		cfg.need = o->all ? 0 : LW_PF_GO;
	/* wake the reader at a quarter full, at most 256 KiB */
	cfg.wakeup_bytes = cfg.ring_bytes / 4 < (256 << 10) ? cfg.ring_bytes / 4 : 256 << 10;
	err = probe_open(&cfg, &s->pr, &s->info);
	if (err) {
		lw_warn(NULL, "cannot load and attach the BPF programs: %s", strerror(-err));
		return err;
	}
	s->ld = loaders_new(s->pr, s->mountinfo);	/* the images mounted already: known, not probed */
	loaders_discover(s->pr, s->proc, s->proc_pn, s->rootfd);
	if (s->info.tracefs && !strcmp(s->info.tracefs, "mounted-private"))
		lw_warn(NULL, "tracefs was not mounted; mounted it in a private mount namespace to "
			"attach (the host's mounts are unchanged)");
	return 0;
}

/* processes already running: with root, root and below; and the Go toolchain's */
static void track_running(struct session *s, uint32_t root)
{
	struct procscan ps = {
		.proc = s->proc, .rootfd = s->rootfd, .ec = s->ec,
		.self = s->proc_pn ? (uint32_t)getpid() : s->self_kpid,
		.kpid = s->proc_pn ? on_kpid : NULL, .track = on_track, .ctx = s,
	};

	/* root is a pid of ours: in the kernel's names when proc is in those */
	procscan_track(&ps, s->proc_pn || !root ? root : pidns_kpid(s->pn, root));
}

int session_track(struct session *s, const struct cli_config *o, pid_t child)
{
	char d[32];

	/* processes started since the table was read: a -- CMD child, a -p PID */
	if (s->pn && (o->pid || child))
		pidns_refresh(s->pn);
	if (!o->pid) {
		if (!o->all && !o->cmd)
			track_running(s, 0);
		return 0;
	}
	snprintf(d, sizeof(d), "/proc/%u", o->pid);
	if (access(d, F_OK) || !pidns_kpid(s->pn, o->pid)) {
		lw_warn(NULL, "no process %u", o->pid);
		return -ESRCH;
	}
	track_running(s, o->pid);
	return 0;
}

int session_track_child(struct session *s, pid_t child, const char *cmd)
{
	char cwd[PATH_MAX], exe[PATH_MAX], real[PATH_MAX];
	uint32_t pid = pidns_kpid(s->pn, (uint32_t)child);

	if (getcwd(cwd, sizeof(cwd)))
		corr_seed(s->corr, pid, cwd);
	/* probe CMD's own binary (Go's plugin.Open) before it runs */
	if (loaders_find_command(cmd, exe, sizeof(exe)) && realpath(exe, real))
		execache_classify(s->ec, s->rootfd, real, 0, 0, 0);
	return pid ? probe_track(s->pr, pid, LW_PF_TREE) : -ESRCH;
}

void session_ready(struct session *s, const struct cli_config *o, pid_t child)
{
	struct ready_info ri = {
		.version = LDWATCH_VERSION,
		.scope = o->cmd ? "command" : o->pid ? (o->all ? "pid" : "pid+go") :
			 o->all ? "all" : "go",
		.tracefs = s->info.tracefs,
		.probes = s->info.n_progs,
		.pid = o->pid ? o->pid : (uint32_t)child,
	};

	struct ready_file files[PROBE_FILES_MAX];
	const struct probe_file *pf = probe_files(s->pr, &ri.n_files);

	for (unsigned i = 0; i < ri.n_files && i < PROBE_FILES_MAX; i++)
		files[i] = (struct ready_file){ pf[i].path, pf[i].syms, pf[i].n };
	ri.files = files;
	output_ready(s->out, &ri);
	journal_notify_ready(ri.probes);	/* Type=notify: every probe is attached */
	s->ready = 1;
	probe_go_async(s->pr);	/* from now on uprobes come and go off the loop */
}

int session_watch(struct session *s, int efd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = probe_epoll_fd(s->pr) };

	if (epoll_ctl(efd, EPOLL_CTL_ADD, ev.data.fd, &ev))
		return -errno;
	/* the mount table changes (EPOLLPRI): a container's image being mounted */
	s->mfd = loaders_watch(s->ld);
	ev.events = EPOLLPRI;
	ev.data.fd = s->mfd;
	if (s->mfd < 0 || epoll_ctl(efd, EPOLL_CTL_ADD, s->mfd, &ev))
		lw_warn(NULL, "cannot watch the mount table (%s): a new image's first process may "
			"run before its loader is probed, continuing",
			strerror(s->mfd < 0 ? -s->mfd : errno));
	ev.events = EPOLLIN;
	ev.data.fd = s->mxfd;
	if (s->mxfd >= 0 && epoll_ctl(efd, EPOLL_CTL_ADD, s->mxfd, &ev))
		return -errno;
	return 0;
}

void session_waits(struct session *s)
{
	if (s->t_read && lw_now_s() - s->t_read > s->stall_max)
		s->stall_max = lw_now_s() - s->t_read;	/* the work since the last read */
}

int session_pump(struct session *s, int fd)
{
	uint64_t l;
	int more;

	if (fd >= 0 && fd == s->mfd)
		loaders_rescan(s->ld);
	probe_poll(s->pr);	/* the worker's attaches, filed and told */
	/* what a process exec'd in the batch read now may have lost is counted from here */
	l = on_losses(s);
	corr_set_loss_mark(s->corr, s->loss_prev);
	s->loss_prev = l;
	more = consume_batch(s);
	s->t_read = lw_now_s();
	corr_tick(s->corr, lw_now_ns());
	/* its requests, and its connections' timeouts, on the loop's own thread */
	if (s->metrics)
		metrics_run(s->metrics);
	return more;
}

void session_housekeep(struct session *s)
{
	/* a container's ld.so and libc, once no process of it is left */
	if (s->pn)
		pidns_refresh(s->pn);
	probe_release_unused(s->pr, on_alive, on_mounted, s, lw_now_ns());
}

void session_warn_losses(struct session *s)
{
	struct lw_stats ks;
	uint64_t lost;

	if (probe_stats(s->pr, &ks))
		return;
	lost = ks.lost_reserve + ks.lost_read;
	if (lost <= s->lost_seen)
		return;
	lw_warn(NULL, "%llu records lost so far (%llu ring full, %llu unreadable), continuing",
		(unsigned long long)lost, (unsigned long long)ks.lost_reserve,
		(unsigned long long)ks.lost_read);
	s->lost_seen = lost;
}

int session_stats(struct session *s, int final, double seconds, struct final_stats *out)
{
	struct final_stats fs = { .final = final, .seconds = seconds };
	int err = probe_stats(s->pr, &fs.k);

	/* silence is trusted only when it is counted: no periodic record without the counters */
	if (err && !final)
		return err;
	/* at the end the kernel has counted every record it sent */
	if (final && fs.k.events > s->received)
		fs.left_unread = fs.k.events - s->received;
	fs.stall_max_ms = s->stall_max * 1000;
	corr_stats(s->corr, &fs.u);
	fs.received = s->received;
	fs.write_errors = output_write_errors(s->out);
	if (out)
		*out = fs;
	return output_stats(s->out, &fs);
}

void session_reopen(struct session *s)
{
	int err = output_reopen(s->out);

	if (err)
		lw_warn(NULL, "reopening %s failed: %s, continuing with the old file", s->output,
			strerror(-err));
}

void session_summary(struct session *s)
{
	output_summary(s->out);
}

void session_finish(struct session *s, double seconds)
{
	struct final_stats fs;
	uint64_t lost;
	double end;

	/*
	 * the child's last records are in the ring before its parent hears of it;
	 * detach first so that the counters and the records drained agree
	 */
	journal_notify_stopping();
	probe_detach(s->pr);
	/* nothing is produced any more: drain what is left, within a deadline */
	end = lw_now_s() + DRAIN_S;
	while (consume_batch(s) && lw_now_s() < end)
		;
	corr_finish(s->corr);
	if (s->summary)
		output_summary(s->out);
	session_stats(s, 1, seconds, &fs);
	if (fs.left_unread)
		lw_warn(NULL, "stopped draining after %.0f s with %llu records unread", DRAIN_S,
			(unsigned long long)fs.left_unread);
	lost = fs.k.lost_reserve + fs.k.lost_read;
	if (lost)
		lw_warn(NULL, "%llu records lost in all (%llu ring full, %llu unreadable); findings "
			"that may lack evidence say \"incomplete\"", (unsigned long long)lost,
			(unsigned long long)fs.k.lost_reserve, (unsigned long long)fs.k.lost_read);
}

void session_close(struct session *s)
{
	if (!s)
		return;
	session_metrics_close(s);
	probe_close(s->pr);
	loaders_free(s->ld);
	if (s->rootfd >= 0)
		close(s->rootfd);
	corr_free(s->corr);
	execache_free(s->ec);
	pidns_close(s->pn);
	output_close(s->out);
	free(s);
}
