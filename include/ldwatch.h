/* SPDX-License-Identifier: MIT */
/*
 * ldwatch wire format: the records the BPF programs write to the ring buffer
 * and the counters they keep. Shared by bpf/ and user/, so it uses only
 * fixed-width kernel types and includes nothing from libc.
 */
#ifndef LDWATCH_H
#define LDWATCH_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define LW_SCHEMA_VERSION	1

/* bounds on every copy the kernel side makes */
#define LW_PATH_MAX	4096	/* path as the process passed it */
#define LW_BASE_MAX	4096	/* cwd, dirfd or fd path, as reversed components */
#define LW_NAME_MAX	255	/* one path component */
#define LW_DEPTH_MAX	48	/* components walked for one path */
#define LW_WRITE_MAX	1024	/* bytes kept of one write to fd 2 */
#define LW_IOV_MAX	16	/* iovecs read of one writev (glibc's fatal message has 10) */
#define LW_COMM_LEN	16
#define LW_LSTR_MAX	512	/* bytes kept of one loader string */
#define LW_LSTR_N	5	/* strings a loader record carries at most */

/* event types */
enum {
	LW_EV_EXEC = 1,		/* successful exec: path = filename, base = cwd */
	LW_EV_FORK = 2,		/* new process: pid = parent, aux = child tgid */
	LW_EV_EXIT = 3,		/* last thread gone: aux = wait status */
	LW_EV_FILE = 4,		/* a lookup: op, ret, dfd, path, base if path relative */
	LW_EV_MMAP = 5,		/* failed PROT_EXEC mmap: aux = fd, base = file path */
	LW_EV_STDERR = 6,	/* a write to fd 2: path = bytes written */
	LW_EV_LOADER = 7,	/* a loader uprobe: path = NUL-terminated strings, per op */
	LW_EV_ENV = 8,		/* at exec: op LW_ENV_VARS or LW_ENV_ARGV, NUL-separated */
	LW_EV_NS = 9,		/* at exec, outside the host's mount namespace or root:
				 * path = struct lw_ns, then its cgroup's path (components leaf
				 * first, each NUL-terminated, as base is); base = the root's
				 * path in its filesystem */
};

/* LW_EV_NS payload: where a process lives, for its container context */
struct lw_ns {
	__u64 cgroup_id;	/* cgroup v2 id (the kernfs inode of its cgroup) */
	__u32 mntns;		/* mount namespace inode */
	__u32 pidns;		/* pid namespace inode */
	__u32 nspid;		/* its pid as seen inside that pid namespace */
	__u32 flags;		/* LW_NS_* */
	__u32 root_dev;		/* the kernel's dev_t of the filesystem holding its root */
	__u32 __pad;
	__u64 root_ino;		/* the inode of its root directory */
};

#define LW_NS_MNTNS	0x1	/* another mount namespace than the host's */
#define LW_NS_ROOT	0x2	/* another root directory than the host's */
#define LW_NS_NEW_ROOT	0x4	/* the first record with this root (since it was last forgotten) */
#define LW_NS_CGROUP	0x8	/* its cgroup v2 path follows struct lw_ns */
#define LW_NS_CGROUP_TRUNC 0x10	/* that path was cut short (depth, length) or unreadable */
#define LW_CG_DEPTH_MAX	16	/* cgroup path components walked */

/* LW_EV_ENV ops */
#define LW_ENV_VARS	0	/* the steering variables only: "NAME=VALUE\0"... */
#define LW_ENV_ARGV	1	/* argv of a go command: "arg0\0arg1\0"... */
#define LW_ENV_VAL_MAX	512	/* bytes kept of one variable or argument */
#define LW_ENV_SCAN_MAX	512	/* environment strings looked at */
#define LW_ARGV_MAX	8	/* arguments kept */

/* lookup operations, named after their syscall */
enum {
	LW_OP_OPEN = 1,
	LW_OP_OPENAT,
	LW_OP_OPENAT2,
	LW_OP_STAT,		/* newstat */
	LW_OP_LSTAT,		/* newlstat */
	LW_OP_FSTATAT,		/* newfstatat */
	LW_OP_STATX,
	LW_OP_ACCESS,
	LW_OP_FACCESSAT,
	LW_OP_FACCESSAT2,
	LW_OP_READLINK,
	LW_OP_READLINKAT,
	LW_OP_EXECVE,
	LW_OP_EXECVEAT,
	LW_OP_MMAP,
	LW_OP_WRITE,
	LW_OP_WRITEV,
	/* loader uprobes (LW_EV_LOADER); strings in data, in this order: */
	LW_OP_DL_EXCEPTION,	/* objname, errstring */
	LW_OP_DL_EXCEPTION_FMT,	/* objname, fmt, arg3, arg4, arg5 (read as strings) */
	LW_OP_DL_SIGNAL_ERROR,	/* objname, errstring, occasion; ret = errcode */
	LW_OP_DL_SIGNAL_EXC,	/* objname, errstring, occasion; ret = errcode */
	LW_OP_DLOPEN,		/* file; flags = mode */
	LW_OP_DLMOPEN,		/* file; flags = mode */
	LW_OP_DLOPEN_RET,	/* file (read again); ret = 1 for a handle, 0 for NULL; aux = us */
	LW_OP_GO_PLUGIN_OPEN,	/* path as Go passed it */
	LW_OP__COUNT,
};

/* lw_event.str_flags */
#define LW_SF_PATH_TRUNC	0x1	/* path hit LW_PATH_MAX or was unreadable past a point */
#define LW_SF_BASE_TRUNC	0x2	/* base walk hit LW_BASE_MAX or LW_DEPTH_MAX */
#define LW_SF_BASE_CWD		0x4	/* base is the cwd */
#define LW_SF_BASE_DIRFD	0x8	/* base is the file behind dfd (or the mmap fd) */
#define LW_SF_PATH_FAULT	0x10	/* path could not be read from user memory */
#define LW_SF_BASE_UNREACH	0x20	/* base is outside the process's root (a chroot's escape) */
#define LW_SF_PENDING		0x40	/* EXEC: its image is not classified yet (Go or not) */
#define LW_SF_MODE		0x80	/* FILE: aux holds the st_mode a stat call returned */
#define LW_SF_DEVNULL		0x100	/* STDERR: fd 2 is /dev/null, the words reach nobody */

/* lw_event.extra for LW_EV_MMAP */
#define LW_MMAP_MNT_NOEXEC	0x1	/* the file's mount has MNT_NOEXEC */

/*
 * One record. The fixed part is followed by path_len bytes of path, then
 * base_len bytes of base: the components of a directory or file from the
 * leaf up to the root, each NUL-terminated (user space reverses them).
 * Neither string is NUL-terminated as a whole; lengths are exact.
 */
struct lw_event {
	__u64 ts_ns;		/* CLOCK_MONOTONIC */
	__u64 start_ns;		/* group leader's start time: (pid, start_ns) names a process */
	__u32 type;		/* LW_EV_* */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 ppid;		/* real parent's tgid */
	__u32 uid;
	__s32 ret;		/* syscall result: fd, 0 or -errno */
	__u32 op;		/* LW_OP_* */
	__s32 dfd;		/* dirfd argument, or -100 (AT_FDCWD) */
	__u32 flags;		/* open flags, access mode, mmap prot, stat flags; EXEC: exe dev */
	__u32 aux;		/* per type: child tgid, wait status, mmap fd, write fd,
				   st_mode (FILE with LW_SF_MODE), exe inode low half (EXEC) */
	__u32 extra;		/* per type: LW_MMAP_*; LW_EV_LOADER: the uprobe's cookie;
				   EXEC: exe inode high half */
	__u16 path_len;
	__u16 base_len;
	__u16 str_flags;	/* LW_SF_* */
	__u16 __pad;
	char comm[LW_COMM_LEN];
	__u32 __pad2;
	/* char data[path_len + base_len]; */
};

#define LW_EVENT_MAX	(sizeof(struct lw_event) + LW_PATH_MAX + LW_BASE_MAX)

_Static_assert(sizeof(struct lw_event) == 88, "lw_event is a wire format");

/* per-CPU counters, summed by user space */
struct lw_stats {
	__u64 events;		/* records submitted */
	__u64 lost_reserve;	/* ring buffer full: record dropped */
	__u64 lost_read;	/* a string or struct could not be read */
	__u64 track_full;	/* tracked map full: a process went untracked */
	__u64 tracked_new;	/* processes that entered the tracked set */
	__u64 hits_skipped;	/* successful opens of no library (no ".so"), not sent */
};

/* value of the tracked map, keyed by tgid */
struct lw_proc {
	__u64 start_ns;		/* 0: filled in at first sight (user-space inserts) */
	__u32 flags;		/* LW_PF_* */
	__u32 pend_ino;		/* with LW_PF_PENDING: low half of the image's inode */
};

#define LW_PF_TREE	0x1	/* below a -p PID or -- CMD root */
#define LW_PF_GO	0x2	/* inside the Go toolchain scope */
#define LW_PF_PENDING	0x4	/* in the Go scope until user space has read its image */

/*
 * An inode as the kernel names it: the key of every map keyed by file (exe_class,
 * an executable's verdict; roots_seen, a process's root). User space writes
 * exe_class keys, so the padding is zeroed and the size fixed.
 */
struct lw_inode {
	__u64 ino;
	__u32 dev;		/* the kernel's dev_t of its superblock */
	__u32 __pad;
};

_Static_assert(sizeof(struct lw_inode) == 16, "lw_inode is a map key shared with user space");

/* bpf/pids.bpf.c's output: a process's pid in ldwatch's pid namespace and the kernel's */
struct lw_pidpair {
	__u32 nspid;		/* as ldwatch's namespace sees it (getpid(), /proc) */
	__u32 tgid;		/* as the kernel sees it (the initial namespace) */
	__u32 level;		/* the depth of ldwatch's namespace: 0 is the host's */
	__u32 __pad;
};

#define LW_EXE_GO	1	/* Go-built (Go build-ID note) */
#define LW_EXE_OTHER	2

#endif /* LDWATCH_H */
