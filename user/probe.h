/* SPDX-License-Identifier: MIT */
/* probe: open, load and attach the BPF side; the tracked set; counters */
#ifndef LW_PROBE_H
#define LW_PROBE_H

#include <stdint.h>
#include "ldwatch.h"

struct probe;
struct probe_file;

struct probe_cfg {
	uint32_t need;		/* LW_PF_* a process needs to be tracked; 0: all */
	uint32_t ring_bytes;	/* ring buffer size, power of two */
	uint64_t wakeup_bytes;	/* pending bytes that force a wakeup */
	uint64_t cgroup_id;	/* --cgroup: only processes in it or below; 0: all */
	uint32_t cgroup_level;	/* its depth under the cgroup v2 root */
	int no_uprobes;		/* --no-uprobes: no loader or plugin probe is attached */
	int (*on_event)(void *ctx, void *data, size_t size);
	void *ctx;
	/* a file's uprobes attached (1) or released (0); NULL: not told */
	void (*on_file)(void *ctx, const struct probe_file *f, int attached);
};

#define PROBE_FILES_MAX	64	/* distinct files carrying loader uprobes */
#define PROBE_SYMS_MAX	8
#define PROBE_OWNERS_MAX	16	/* processes remembered using a container's file */

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
/* let go of the files under other roots that no live process uses; how many */
unsigned probe_release_unused(struct probe *p, int (*alive)(uint32_t pid));
const struct probe_file *probe_files(const struct probe *p, unsigned *n);


#endif
