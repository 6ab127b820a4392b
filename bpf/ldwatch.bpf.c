// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ldwatch kernel side: file lookups, failed PROT_EXEC mmaps, fd-2 writes and
 * the process lifecycle of tracked processes, one ring buffer to user space.
 *
 * Every syscall hook is a sys_exit tracepoint: the result decides what is
 * interesting and the arguments are still in the task's user pt_regs, so no
 * enter hook and no in-flight map are needed. An untracked process costs one
 * hash lookup and returns.
 */
#include "common.bpf.h"
#include "path.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

static __always_inline struct file *fd_file(struct task_struct *task, int fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *f = NULL;

	if (fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]))
		return NULL;
	return f;
}

/* move the walked base behind the path and account for it */
static __always_inline void pack_base(struct scratch *s, __u32 len)
{
	__u32 at = s->ev.path_len;

	len &= LW_BASE_MAX - 1;
	if (!len)
		return;
	if (bpf_probe_read_kernel(&s->data[at & (LW_PATH_MAX - 1)], len, s->base)) {
		STAT_INC(lost_read);
		return;
	}
	s->ev.base_len = len;
}

/* ".so" in the last 64 bytes of the path: a name the loader or dlopen opens */
static __always_inline bool has_so(struct scratch *s, __u32 len)
{
	__u32 start = len > 64 ? len - 64 : 0;

	for (__u32 k = 0; k < 64; k++) {
		__u32 i = start + k;

		if (i + 2 >= len)
			break;
		if (s->data[i & (LW_PATH_MAX - 1)] == '.' &&
		    s->data[(i + 1) & (LW_PATH_MAX - 1)] == 's' &&
		    s->data[(i + 2) & (LW_PATH_MAX - 1)] == 'o')
			return true;
	}
	return false;
}

/*
 * The path as the process passed it, made absolute with its cwd or dirfd.
 * With `hit`, a successful open: false when it names no library, and the
 * record is not worth sending (the daemon needs hits only for libraries:
 * misses that end in a hit, the loader files, needed_by and dlopen paths).
 */
static __always_inline bool put_user_path(struct scratch *s, const char *upath,
					  int dfd, struct task_struct *task, bool hit)
{
	int n = bpf_probe_read_user_str(s->data, LW_PATH_MAX, upath);
	__u32 blen;

	if (n <= 0) {
		STAT_INC(lost_read);
		s->ev.str_flags |= LW_SF_PATH_FAULT;
		return true;
	}
	n -= 1;
	if (n >= LW_PATH_MAX - 1)
		s->ev.str_flags |= LW_SF_PATH_TRUNC;
	s->ev.path_len = n & (LW_PATH_MAX - 1);
	if (hit && !has_so(s, s->ev.path_len))
		return false;
	if (n > 0 && s->data[0] == '/')
		return true;
	if (dfd == AT_FDCWD) {
		struct fs_struct *fs = BPF_CORE_READ(task, fs);

		blen = walk_path(s, &fs->pwd, task);
		s->ev.str_flags |= LW_SF_BASE_CWD;
	} else {
		struct file *f = fd_file(task, dfd);

		if (!f)
			return true;
		blen = walk_path(s, &f->f_path, task);
		s->ev.str_flags |= LW_SF_BASE_DIRFD;
	}
	pack_base(s, blen);
	return true;
}

/* syscall arguments at sys_exit, from the task's saved user registers */
static __always_inline struct pt_regs *user_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

/*
 * argument n, counted from 0, of the syscall in those registers. libbpf's
 * _SYSCALL readers know each arch's convention: x86_64 passes the 4th in r10,
 * not rcx; arm64's 1st is orig_x0, x0 holds the result by now.
 */
#define ARG0(r) PT_REGS_PARM1_CORE_SYSCALL(r)
#define ARG1(r) PT_REGS_PARM2_CORE_SYSCALL(r)
#define ARG2(r) PT_REGS_PARM3_CORE_SYSCALL(r)
#define ARG3(r) PT_REGS_PARM4_CORE_SYSCALL(r)
#define ARG4(r) PT_REGS_PARM5_CORE_SYSCALL(r)

/*
 * the file type of a successful stat: "exists but is not a directory" is
 * evidence; umode points at st_mode (or stx_mode) in the caller's buffer
 */
static __always_inline void put_mode(struct scratch *s, long ret, const void *umode, int size)
{
	__u32 mode = 0;

	if (ret < 0 || !umode)
		return;
	if (bpf_probe_read_user(&mode, size == 2 ? 2 : 4, umode))
		return;
	s->ev.aux = mode;
	s->ev.str_flags |= LW_SF_MODE;
}

/* the arch's own struct stat layout, from its vmlinux.h (st_mode: 24 on x86_64) */
#define STAT_MODE_OFF	__builtin_offsetof(struct stat, st_mode)
#define STAT_MODE_SZ	sizeof(((struct stat *)0)->st_mode)
#define STATX_MODE_OFF	__builtin_offsetof(struct statx, stx_mode)
#define STATX_MODE_SZ	sizeof(((struct statx *)0)->stx_mode)

static __always_inline int emit_lookup_mode(__u32 op, long ret, int dfd, const char *upath,
					    __u32 flags, const void *umode, int mode_size)
{
	struct task_struct *task;
	struct scratch *s;

	s = scratch_get();
	if (!s)
		return 0;
	task = bpf_get_current_task_btf();
	/* the path first: a hit that names no library costs no more than reading it */
	s->ev.path_len = 0;
	s->ev.base_len = 0;
	s->ev.str_flags = 0;
	if (!put_user_path(s, upath, dfd, task, ret >= 0 && (op == LW_OP_OPEN ||
			   op == LW_OP_OPENAT || op == LW_OP_OPENAT2))) {
		STAT_INC(hits_skipped);
		return 0;
	}
	fill_ids(&s->ev, LW_EV_FILE, task);
	s->ev.op = op;
	s->ev.ret = ret;
	s->ev.dfd = dfd;
	s->ev.flags = flags;
	/* fstat through newfstatat(fd, "", AT_EMPTY_PATH) is not a lookup */
	if (s->ev.path_len == 0 && (flags & AT_EMPTY_PATH) &&
	    !(s->ev.str_flags & LW_SF_PATH_FAULT))
		return 0;
	put_mode(s, ret, umode, mode_size);
	submit(s);
	return 0;
}

static __always_inline int emit_lookup(__u32 op, long ret, int dfd,
				       const char *upath, __u32 flags)
{
	return emit_lookup_mode(op, ret, dfd, upath, flags, NULL, 0);
}

/*
 * handle_open* / stat family / access / readlink: sys_exit tracepoints of
 * every syscall a loader or the go command looks files up with. musl's loader
 * uses open, glibc's openat; glibc's realpath and Go's os.Stat use the stat
 * family and readlink. Each emits (op, result, path resolved against dirfd or
 * cwd) for tracked processes.
 */
SEC("tracepoint/syscalls/sys_exit_open")
int handle_open(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r;

	TRACKED_OR_RETURN();
	r = user_regs();
	return emit_lookup(LW_OP_OPEN, ctx->ret, AT_FDCWD,
			   (const char *)ARG0(r), ARG1(r));
}

SEC("tracepoint/syscalls/sys_exit_openat")
int handle_openat(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r;

	TRACKED_OR_RETURN();
	r = user_regs();
	return emit_lookup(LW_OP_OPENAT, ctx->ret, (int)ARG0(r),
			   (const char *)ARG1(r), ARG2(r));
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int handle_openat2(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r;
	struct open_how how = {};

	TRACKED_OR_RETURN();
	r = user_regs();
	bpf_probe_read_user(&how, sizeof(how), (void *)ARG2(r));
	return emit_lookup(LW_OP_OPENAT2, ctx->ret, (int)ARG0(r),
			   (const char *)ARG1(r), (__u32)how.flags);
}

SEC("tracepoint/syscalls/sys_exit_newstat")
int handle_newstat(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r;

	TRACKED_OR_RETURN();
	r = user_regs();
	return emit_lookup_mode(LW_OP_STAT, ctx->ret, AT_FDCWD, (const char *)ARG0(r), 0,
				(const char *)ARG1(r) + STAT_MODE_OFF, STAT_MODE_SZ);
}

SEC("tracepoint/syscalls/sys_exit_newlstat")
int handle_newlstat(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r;

	TRACKED_OR_RETURN();
	r = user_regs();
	return emit_lookup_mode(LW_OP_LSTAT, ctx->ret, AT_FDCWD, (const char *)ARG0(r), 0,
				(const char *)ARG1(r) + STAT_MODE_OFF, STAT_MODE_SZ);
}

SEC("tracepoint/syscalls/sys_exit_newfstatat")
int handle_newfstatat(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r;

	TRACKED_OR_RETURN();
	r = user_regs();
	return emit_lookup_mode(LW_OP_FSTATAT, ctx->ret, (int)ARG0(r), (const char *)ARG1(r),
				ARG3(r), (const char *)ARG2(r) + STAT_MODE_OFF, STAT_MODE_SZ);
}

SEC("tracepoint/syscalls/sys_exit_statx")
int handle_statx(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r;

	TRACKED_OR_RETURN();
	r = user_regs();
	return emit_lookup_mode(LW_OP_STATX, ctx->ret, (int)ARG0(r), (const char *)ARG1(r),
				ARG2(r), (const char *)ARG4(r) + STATX_MODE_OFF, STATX_MODE_SZ);
}

SEC("tracepoint/syscalls/sys_exit_access")
int handle_access(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r;

	TRACKED_OR_RETURN();
	r = user_regs();
	return emit_lookup(LW_OP_ACCESS, ctx->ret, AT_FDCWD,
			   (const char *)ARG0(r), ARG1(r));
}

SEC("tracepoint/syscalls/sys_exit_faccessat")
int handle_faccessat(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r;

	TRACKED_OR_RETURN();
	r = user_regs();
	return emit_lookup(LW_OP_FACCESSAT, ctx->ret, (int)ARG0(r),
			   (const char *)ARG1(r), ARG2(r));
}

SEC("tracepoint/syscalls/sys_exit_faccessat2")
int handle_faccessat2(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r;

	TRACKED_OR_RETURN();
	r = user_regs();
	return emit_lookup(LW_OP_FACCESSAT2, ctx->ret, (int)ARG0(r),
			   (const char *)ARG1(r), ARG2(r));
}

SEC("tracepoint/syscalls/sys_exit_readlink")
int handle_readlink(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r;

	TRACKED_OR_RETURN();
	r = user_regs();
	return emit_lookup(LW_OP_READLINK, ctx->ret, AT_FDCWD,
			   (const char *)ARG0(r), 0);
}

SEC("tracepoint/syscalls/sys_exit_readlinkat")
int handle_readlinkat(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r;

	TRACKED_OR_RETURN();
	r = user_regs();
	return emit_lookup(LW_OP_READLINKAT, ctx->ret, (int)ARG0(r),
			   (const char *)ARG1(r), 0);
}

/* roots seen lately: the first record with a new one wakes the reader at once */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct lw_inode);
	__type(value, __u8);
} roots_seen SEC(".maps");

/*
 * Where a process outside the host's mount namespace or root lives: its
 * cgroup and namespaces, its pid as the container sees it, and its root
 * (dev, inode and path inside its filesystem), so that user space can check
 * files inside that root even once the process is gone. Host processes cost
 * two comparisons.
 */
static __always_inline void emit_ns(struct task_struct *p, struct scratch *s)
{
	__u32 mntns = BPF_CORE_READ(p, nsproxy, mnt_ns, ns.inum);
	struct dentry *root = BPF_CORE_READ(p, fs, root.dentry);
	struct lw_inode key = {
		.ino = BPF_CORE_READ(root, d_inode, i_ino),
		.dev = BPF_CORE_READ(root, d_sb, s_dev),
	};
	struct lw_ns ns = { .mntns = mntns, .root_dev = key.dev, .root_ino = key.ino };
	__u32 cg_len = 0, cg_trunc = 0;
	struct kernfs_node *kn;
	struct pid *pid;
	struct upid up = {};
	unsigned int level;
	__u8 one = 1;

	if (!s || !cfg_host_mntns)
		return;
	if (mntns != cfg_host_mntns)
		ns.flags |= LW_NS_MNTNS;
	if (key.dev != cfg_host_root_dev || key.ino != cfg_host_root_ino)
		ns.flags |= LW_NS_ROOT;
	if (!ns.flags)
		return;
	if (!bpf_map_lookup_elem(&roots_seen, &key)) {
		ns.flags |= LW_NS_NEW_ROOT;
		bpf_map_update_elem(&roots_seen, &key, &one, BPF_ANY);
	}
	pid = BPF_CORE_READ(p, thread_pid);
	level = BPF_CORE_READ(pid, level);
	ns.cgroup_id = bpf_get_current_cgroup_id();
	if (bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[level & 31]))
		STAT_INC(lost_read);
	ns.nspid = up.nr;
	ns.pidns = BPF_CORE_READ(up.ns, ns.inum);
	fill_header(&s->ev, LW_EV_NS, p);
	/*
	 * its cgroup's name, read now: a runtime removes the cgroup as soon as
	 * the container is gone, before user space could look it up by id
	 */
	kn = BPF_CORE_READ(p, cgroups, dfl_cgrp, kn);
	if (kn) {
		cg_len = walk_cgroup(kn, &cg_trunc);
		ns.flags |= LW_NS_CGROUP | (cg_trunc ? LW_NS_CGROUP_TRUNC : 0);
	}
	__builtin_memcpy(s->data, &ns, sizeof(ns));
	s->ev.path_len = (sizeof(ns) + cg_len) & (LW_PATH_MAX - 1);
	pack_base(s, walk_fs_path(s, root));
	/* a new root is read before its process can exit: user space holds it then */
	submit_now(s, ns.flags & LW_NS_NEW_ROOT);
}

/*
 * handle_execve / handle_execveat: failed execs only (success is
 * handle_exec). ENOENT on a file that exists is a missing interpreter: no
 * tracepoint carries PT_INTERP, so user space checks the file on disk.
 */
SEC("tracepoint/syscalls/sys_exit_execve")
int handle_execve(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r;

	if (ctx->ret >= 0)
		return 0;
	TRACKED_OR_RETURN();
	/* first: where it lives (a container's process may have changed root or cgroup) */
	emit_ns(bpf_get_current_task_btf(), scratch_get());
	r = user_regs();
	emit_lookup(LW_OP_EXECVE, ctx->ret, AT_FDCWD, (const char *)ARG0(r), 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int handle_execveat(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r;

	if (ctx->ret >= 0)
		return 0;
	TRACKED_OR_RETURN();
	emit_ns(bpf_get_current_task_btf(), scratch_get());
	r = user_regs();
	emit_lookup(LW_OP_EXECVEAT, ctx->ret, (int)ARG0(r), (const char *)ARG1(r), ARG4(r));
	return 0;
}

/*
 * handle_mmap: a failed mmap with PROT_EXEC. A library on a noexec mount
 * opens fine and fails here with EPERM; the record names the file behind the
 * fd and whether its mount is noexec.
 */
SEC("tracepoint/syscalls/sys_exit_mmap")
int handle_mmap(struct trace_event_raw_sys_exit *ctx)
{
	struct task_struct *task;
	struct pt_regs *r;
	struct scratch *s;
	struct file *f;
	__u32 prot;
	int fd;

	if (ctx->ret >= 0 || ctx->ret < -4095)
		return 0;
	TRACKED_OR_RETURN();
	r = user_regs();
	prot = ARG2(r);
	fd = (int)ARG4(r);
	if (!(prot & PROT_EXEC) || fd < 0)
		return 0;
	s = scratch_get();
	if (!s)
		return 0;
	task = bpf_get_current_task_btf();
	fill_header(&s->ev, LW_EV_MMAP, task);
	s->ev.op = LW_OP_MMAP;
	s->ev.ret = ctx->ret;
	s->ev.flags = prot;
	s->ev.aux = fd;
	s->ev.dfd = fd;
	f = fd_file(task, fd);
	if (f) {
		struct vfsmount *m = BPF_CORE_READ(f, f_path.mnt);

		if (BPF_CORE_READ(m, mnt_flags) & MNT_NOEXEC)
			s->ev.extra |= LW_MMAP_MNT_NOEXEC;
		s->ev.str_flags |= LW_SF_BASE_DIRFD;
		pack_base(s, walk_path(s, &f->f_path, task));
	}
	submit(s);
	return 0;
}

/*
 * handle_write / handle_writev: what a tracked process writes to fd 2, the
 * loader's own words (glibc's ld.so: one writev per message; musl: pieces).
 * Captured whatever the result, so a closed stderr still tells us.
 */
#define S_IFMT		0170000
#define S_IFCHR		0020000
#define DEV_NULL	((1 << 20) | 3)	/* the kernel's MKDEV(1, 3) */

static __always_inline struct scratch *stderr_begin(__u32 op, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct file *f = fd_file(task, 2);
	struct scratch *s;

	s = scratch_get();
	if (!s)
		return NULL;
	fill_header(&s->ev, LW_EV_STDERR, task);
	s->ev.op = op;
	s->ev.ret = ret;
	s->ev.aux = 2;
	/* 2>/dev/null: what a program says there is no report to anyone */
	if (f) {
		struct inode *ino = BPF_CORE_READ(f, f_inode);

		if ((BPF_CORE_READ(ino, i_mode) & S_IFMT) == S_IFCHR &&
		    BPF_CORE_READ(ino, i_rdev) == DEV_NULL)
			s->ev.str_flags |= LW_SF_DEVNULL;
	}
	return s;
}

SEC("tracepoint/syscalls/sys_exit_write")
int handle_write(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r;
	struct scratch *s;
	__u64 len;

	TRACKED_OR_RETURN();
	r = user_regs();
	if (ARG0(r) != 2)
		return 0;
	s = stderr_begin(LW_OP_WRITE, ctx->ret);
	if (!s)
		return 0;
	len = ARG2(r);
	if (len > LW_WRITE_MAX) {
		len = LW_WRITE_MAX;
		s->ev.str_flags |= LW_SF_PATH_TRUNC;
	}
	len &= (LW_WRITE_MAX << 1) - 1;
	if (len && bpf_probe_read_user(s->data, len, (void *)ARG1(r))) {
		STAT_INC(lost_read);
		s->ev.str_flags |= LW_SF_PATH_FAULT;
		len = 0;
	}
	s->ev.path_len = len;
	submit(s);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_writev")
int handle_writev(struct trace_event_raw_sys_exit *ctx)
{
	const struct iovec *iov;
	struct pt_regs *r;
	struct scratch *s;
	__u32 off = 0;
	int i, cnt;

	TRACKED_OR_RETURN();
	r = user_regs();
	if (ARG0(r) != 2)
		return 0;
	s = stderr_begin(LW_OP_WRITEV, ctx->ret);
	if (!s)
		return 0;
	iov = (const struct iovec *)ARG1(r);
	cnt = (int)ARG2(r);
	if (cnt > LW_IOV_MAX) {
		cnt = LW_IOV_MAX;
		s->ev.str_flags |= LW_SF_PATH_TRUNC;
	}
	for (i = 0; i < LW_IOV_MAX && i < cnt; i++) {
		struct iovec v;
		__u64 len;

		if (bpf_probe_read_user(&v, sizeof(v), &iov[i])) {
			STAT_INC(lost_read);
			s->ev.str_flags |= LW_SF_PATH_FAULT;
			break;
		}
		len = (__u64)v.iov_len;
		if (off >= LW_WRITE_MAX) {
			if (len)
				s->ev.str_flags |= LW_SF_PATH_TRUNC;
			continue;
		}
		if (len > LW_WRITE_MAX - off) {
			len = LW_WRITE_MAX - off;
			s->ev.str_flags |= LW_SF_PATH_TRUNC;
		}
		len &= (LW_WRITE_MAX << 1) - 1;
		if (!len)
			continue;
		opaque(off);
		if (bpf_probe_read_user(&s->data[off & (LW_WRITE_MAX - 1)], len, v.iov_base)) {
			STAT_INC(lost_read);
			s->ev.str_flags |= LW_SF_PATH_FAULT;
			break;
		}
		off += len;
	}
	s->ev.path_len = off;
	submit(s);
	return 0;
}

/* each executable's verdict (Go or not), once per inode; user space fills it */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct lw_inode);
	__type(value, __u32);
} exe_class SEC(".maps");

static __always_inline bool pfx(const char *s, const char *lit, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] != lit[i])
			return false;
	return true;
}

#define PFX(s, lit) pfx(s, lit, sizeof(lit) - 1)

/* the variables that steer the loader and the Go toolchain */
static __always_inline bool env_wanted(const char *v)
{
	switch (v[0]) {
	case 'G':
		return PFX(v, "GOROOT=") || PFX(v, "GOPATH=") || PFX(v, "GOBIN=") ||
		       PFX(v, "GOFLAGS=") || PFX(v, "GOTMPDIR=") || PFX(v, "GOCACHE=");
	case 'T':
		return PFX(v, "TMPDIR=");
	case 'C':
		return PFX(v, "CGO_ENABLED=");
	case 'L':
		return PFX(v, "LD_LIBRARY_PATH=") || PFX(v, "LD_PRELOAD=");
	case 'P':
		return PFX(v, "PATH=");
	}
	return false;
}

struct env_scan {
	__u64 p, end;
	__u32 off;
};

/* one environment string per bpf_loop() step: keep it if it is wanted */
static long env_step(__u32 i, struct env_scan *w)
{
	struct scratch *s;
	__u32 zero = 0, off = w->off;
	int n;

	if (w->p >= w->end || off > LW_PATH_MAX - LW_ENV_VAL_MAX)
		return 1;
	s = bpf_map_lookup_elem(&heap, &zero);
	if (!s)
		return 1;
	n = bpf_probe_read_user_str(s->base, LW_ENV_VAL_MAX, (const void *)w->p);
	if (n <= 0)
		return 1;
	w->p += n;
	if (!env_wanted(s->base))
		return 0;
	if (n == LW_ENV_VAL_MAX)
		s->ev.str_flags |= LW_SF_PATH_TRUNC;
	opaque(off);
	bpf_probe_read_kernel(&s->data[off & (LW_PATH_MAX - 1)], n & (LW_ENV_VAL_MAX * 2 - 1),
			      s->base);
	w->off = off + n;
	return 0;
}

/* the new image's steering variables and, for the go command, its argv */
static __always_inline void emit_env(struct task_struct *p, struct scratch *s, bool is_go)
{
	struct mm_struct *mm = BPF_CORE_READ(p, mm);
	struct env_scan w = {
		.p = BPF_CORE_READ(mm, env_start),
		.end = BPF_CORE_READ(mm, env_end),
	};
	__u64 len;

	fill_header(&s->ev, LW_EV_ENV, p);
	s->ev.op = LW_ENV_VARS;
	bpf_loop(LW_ENV_SCAN_MAX, env_step, &w, 0);
	s->ev.path_len = w.off & (LW_PATH_MAX - 1);
	submit(s);
	if (!is_go)
		return;
	fill_header(&s->ev, LW_EV_ENV, p);
	s->ev.op = LW_ENV_ARGV;
	w.p = BPF_CORE_READ(mm, arg_start);
	len = BPF_CORE_READ(mm, arg_end) - w.p;
	if (len > LW_ENV_VAL_MAX * 2) {
		len = LW_ENV_VAL_MAX * 2;
		s->ev.str_flags |= LW_SF_PATH_TRUNC;
	}
	len &= LW_ENV_VAL_MAX * 4 - 1;
	if (len && bpf_probe_read_user(s->data, len, (const void *)w.p)) {
		STAT_INC(lost_read);
		len = 0;
	}
	s->ev.path_len = len;
	submit(s);
}

/*
 * handle_exec: sched_process_exec, a successful exec. In the Go scope: a
 * process named "go", or one whose image the kernel already knows is Go-built
 * (exe_class), enters it; an image never classified enters it provisionally
 * (LW_PF_PENDING) so its first run loses nothing, until user space has read
 * the ELF and answered in exe_class. Emits the filename, the cwd, the image's
 * inode and the steering variables for tracked processes.
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	struct inode *ino = BPF_CORE_READ(bprm, file, f_inode);
	struct lw_inode key = {
		.ino = BPF_CORE_READ(ino, i_ino),
		.dev = BPF_CORE_READ(ino, i_sb, s_dev),
	};
	struct fs_struct *fs;
	struct scratch *s;
	bool is_go = false;
	__u32 flags = 0;
	char comm[4];
	int n;

	if (tgid == cfg_self_tgid)
		return 0;
	bpf_probe_read_kernel(comm, sizeof(comm), p->comm);
	is_go = comm[0] == 'g' && comm[1] == 'o' && comm[2] == 0;
	if (cfg_need) {
		struct lw_proc *e = bpf_map_lookup_elem(&tracked, &tgid);
		__u32 old;

		flags = e ? e->flags : 0;
		old = flags;
		/*
		 * a provisional GO (this process's old image, or inherited from a
		 * parent whose verdict was pending) says nothing about this image
		 */
		if (flags & LW_PF_PENDING)
			flags &= ~(LW_PF_GO | LW_PF_PENDING);
		if ((cfg_need & LW_PF_GO) && !(flags & LW_PF_GO)) {
			__u32 *verdict = bpf_map_lookup_elem(&exe_class, &key);

			if (is_go || (verdict && *verdict == LW_EXE_GO))
				flags |= LW_PF_GO;
			else if (!verdict)
				flags |= LW_PF_GO | LW_PF_PENDING;
		}
		if (flags != old || (flags & LW_PF_PENDING)) {
			struct lw_proc v = {
				.start_ns = leader_start(p),
				.flags = flags,
				.pend_ino = (flags & LW_PF_PENDING) ? (__u32)key.ino : 0,
			};

			if (bpf_map_update_elem(&tracked, &tgid, &v, BPF_ANY))
				STAT_INC(track_full);
			else if (!e)
				STAT_INC(tracked_new);
		}
		if (!wants(flags))
			return 0;
	}
	if (!in_cgroup())
		return 0;
	s = scratch_get();
	if (!s)
		return 0;
	/* where it lives comes first: its exe is read inside that root */
	emit_ns(p, s);
	fill_header(&s->ev, LW_EV_EXEC, p);
	if (flags & LW_PF_PENDING)
		s->ev.str_flags |= LW_SF_PENDING;
	s->ev.flags = key.dev;
	s->ev.aux = (__u32)key.ino;
	s->ev.extra = key.ino >> 32;
	n = bpf_probe_read_kernel_str(s->data, LW_PATH_MAX, BPF_CORE_READ(bprm, filename));
	if (n > 0) {
		n -= 1;
		if (n >= LW_PATH_MAX - 1)
			s->ev.str_flags |= LW_SF_PATH_TRUNC;
		s->ev.path_len = n & (LW_PATH_MAX - 1);
	} else {
		STAT_INC(lost_read);
		s->ev.str_flags |= LW_SF_PATH_FAULT;
	}
	fs = BPF_CORE_READ(p, fs);
	s->ev.str_flags |= LW_SF_BASE_CWD;
	pack_base(s, walk_path(s, &fs->pwd, p));
	submit(s);
	emit_env(p, s, is_go);
	return 0;
}

/*
 * handle_fork: sched_process_fork. A child of a tracked process inherits its
 * scope flags, pinned to the child's own start time. Threads share the tgid
 * and need nothing.
 */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	struct scratch *s;
	__u32 flags = 0;

	if (ptgid == ctgid || ptgid == cfg_self_tgid)
		return 0;
	if (cfg_need) {
		struct lw_proc *e = bpf_map_lookup_elem(&tracked, &ptgid);
		struct lw_proc v = {};

		if (!e)
			return 0;
		flags = e->flags;
		v.start_ns = BPF_CORE_READ(child, start_boottime);
		v.flags = flags;
		v.pend_ino = e->pend_ino;
		if (bpf_map_update_elem(&tracked, &ctgid, &v, BPF_ANY)) {
			STAT_INC(track_full);
			return 0;
		}
		STAT_INC(tracked_new);
		if (!wants(flags))
			return 0;
	}
	s = scratch_get();
	if (!s)
		return 0;
	fill_header(&s->ev, LW_EV_FORK, parent);
	s->ev.aux = ctgid;
	submit(s);
	return 0;
}

/*
 * handle_exit: sched_process_exit of a process's last thread (signal->live
 * has dropped to 0). Emits the wait status and forgets the process.
 */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	struct scratch *s;

	if (tgid == cfg_self_tgid)
		return 0;
	if (cfg_need) {
		struct lw_proc *e = bpf_map_lookup_elem(&tracked, &tgid);
		__u32 flags;

		if (!e || BPF_CORE_READ(p, signal, live.counter) != 0)
			return 0;
		flags = e->flags;
		bpf_map_delete_elem(&tracked, &tgid);
		if (!wants(flags))
			return 0;
	} else if (BPF_CORE_READ(p, signal, live.counter) != 0) {
		return 0;
	}
	s = scratch_get();
	if (!s)
		return 0;
	fill_header(&s->ev, LW_EV_EXIT, p);
	s->ev.aux = BPF_CORE_READ(p, exit_code);
	submit(s);
	return 0;
}
