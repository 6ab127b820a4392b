/* SPDX-License-Identifier: MIT */
/* probe: open, load and attach the BPF side; the tracked set; counters */
#ifndef LW_PROBE_H
#define LW_PROBE_H

#include <stdint.h>
#include <sys/stat.h>
#include "ldwatch.h"

struct probe;
struct probe_file;

struct probe_cfg {
	uint32_t self_tgid;	/* ldwatch itself as the kernel names it: never watched */
	uint32_t need;		/* LW_PF_* a process needs to be tracked; 0: all */
	uint32_t ring_bytes;	/* ring buffer size, power of two */
	uint64_t wakeup_bytes;	/* pending bytes that force a wakeup */
	uint64_t cgroup_id;	/* --cgroup: only processes in it or below; 0: all */
	uint32_t cgroup_level;	/* its depth under the cgroup v2 root */
	int no_uprobes;		/* --no-uprobes: no loader or plugin probe is attached */
	/*
	 * the host: a process in another mount namespace, or under another root,
	 * gets its container context. host_mntns 0: ldwatch's own; host_rootfd:
	 * the host's root, held (ldwatch's "/" on the host; in a container, the
	 * host's init's, see session.c)
	 */
	uint32_t host_mntns;
	int host_rootfd;
	int (*on_event)(void *ctx, void *data, size_t size);
	void *ctx;
	/* a file's uprobes attached (1) or released (0); NULL: not told */
	void (*on_file)(void *ctx, const struct probe_file *f, int attached);
	/*
	 * the identity of the inode uprobes land on, for a file we opened: an
	 * overlayfs file's is its layer's (every container of an image shares
	 * it), not the overlay's. NULL: st_dev and st_ino as they are
	 */
	int (*file_key)(void *ctx, const struct stat *st, unsigned long long *dev,
			unsigned long long *ino);
};

#define PROBE_FILES_MAX	64	/* distinct files carrying loader uprobes */
#define PROBE_SYMS_MAX	8
#define PROBE_OWNERS_MAX	16	/* processes remembered using a container's file */
#define PROBE_MOUNTS_MAX	8	/* mounts (an image's overlay) a file was found in */
#define PROBE_IDLE_NS	(10ull * 1000000000)	/* a file unused this long is let go */

/* one file's uprobes: uprobes bind to an inode, so a new copy is a new file */
struct probe_file {
	char *path;
	unsigned long long dev, ino;
	unsigned n;
	const char *syms[PROBE_SYMS_MAX];	/* "dlopen", "dlopen%return", ... */
	struct bpf_link *links[PROBE_SYMS_MAX];
	int shared;		/* the host's: kept until ldwatch stops */
	uint32_t owners[PROBE_OWNERS_MAX];	/* else: processes seen using it */
	unsigned n_owners;
	uint64_t mounts[PROBE_MOUNTS_MAX];	/* and mounts it was found in (ids) */
	unsigned n_mounts;
	uint64_t idle_ns;	/* when it was first seen unused; 0 while in use */
	unsigned gen;		/* its attach job's: a slot reused meanwhile is another */
	int pending;		/* its links are being attached on the worker */
};

struct probe_info {
	int n_progs;		/* programs attached */
	const char *tracefs;	/* "present" or "mounted-private" */
};

int probe_open(const struct probe_cfg *cfg, struct probe **pp, struct probe_info *info);
void probe_close(struct probe *p);
/* stop producing: records and counters are final once drained */
void probe_detach(struct probe *p);
int probe_epoll_fd(struct probe *p);
int probe_consume(struct probe *p);
int probe_track(struct probe *p, uint32_t tgid, uint32_t flags);
int probe_untrack(struct probe *p, uint32_t tgid);
/*
 * settle a provisional Go verdict: clear `flags` of a tracked process, but
 * only while it is still pending on the image (inode) that was classified;
 * it may have exec'd another one since
 */
int probe_settle(struct probe *p, uint32_t tgid, uint64_t ino, uint32_t flags);
/* an executable's verdict (LW_EXE_*), kept in the kernel for its next exec */
int probe_classify(struct probe *p, uint32_t dev, uint64_t ino, uint32_t verdict);
int probe_stats(struct probe *p, struct lw_stats *out);
/* what is attached now: tracepoint programs, uprobes, the files they are in */
void probe_counts(struct probe *p, unsigned *tracepoints, unsigned *uprobes, unsigned *files);
/*
 * each loaded program's name, run time and run count (bpf_prog_info; the
 * kernel counts only while BPF_STATS_RUN_TIME is enabled, else 0)
 */
void probe_prog_stats(struct probe *p, void (*fn)(void *ctx, const char *name, uint64_t run_ns,
						 uint64_t runs), void *ctx);
/*
 * attach the loader probes a file has (ld.so, libc, libdl, musl's loader);
 * symbols it lacks are skipped. path is resolved inside rootfd, never
 * leaving it. owner: the process using it when rootfd is not the host's
 * root, else 0. 0 when attached or already known, -errno.
 */
int probe_loader_file(struct probe *p, int rootfd, const char *path, uint32_t owner);
/* the same for a file we opened ourselves (fd), named path */
int probe_loader_fd(struct probe *p, int fd, const char *path, uint32_t owner);
/* attach plugin.Open in a Go binary (fd, opened by us); -ENOENT when it has none */
int probe_go_fd(struct probe *p, int fd, const char *path, uint32_t owner);
/* the same for a file found in a mount (an image's overlay, id as mountinfo says) */
int probe_loader_mount(struct probe *p, int rootfd, const char *path, uint64_t mount_id);
/*
 * let go of the files under other roots that neither a live process nor a
 * mount still there uses, once unused for PROBE_IDLE_NS; how many
 */
unsigned probe_release_unused(struct probe *p, int (*alive)(void *ctx, uint32_t pid),
			      int (*mounted)(void *ctx, uint64_t id), void *ctx, uint64_t now_ns);
/* from now on attach and destroy off the caller's thread (after ready) */
void probe_go_async(struct probe *p);
/* file what the worker attached: uprobes records are told from here; how many */
unsigned probe_poll(struct probe *p);
const struct probe_file *probe_files(const struct probe *p, unsigned *n);


#endif
