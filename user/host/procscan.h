/* SPDX-License-Identifier: MIT */
/* procscan: the processes running when ldwatch starts, flagged as handle_fork would have */
#ifndef LW_PROCSCAN_H
#define LW_PROCSCAN_H

#include <stddef.h>
#include <stdint.h>

struct execache;

/* what a scan needs, passed to each call */
struct procscan {
	const char *proc;	/* normally /proc; a test's tree like it */
	int rootfd;		/* our root: a process under another is a container's */
	uint32_t self;		/* ldwatch's pid, as proc names it */
	struct execache *ec;	/* running images, read once: Go-built? NULL: by name only */
	/* a pid of proc as the kernel names it, 0 when gone; NULL: the same */
	uint32_t (*kpid)(void *ctx, uint32_t pid);
	/* put a process (the kernel's pid) in the tracked set with LW_PF_* flags; 0 or -errno */
	int (*track)(void *ctx, uint32_t pid, uint32_t flags);
	void *ctx;
};

/* PROC/PID/stat: the parent and comm (which may hold spaces and parentheses); 0 or -errno */
int procscan_read_stat(const char *proc, const char *pid, uint32_t *ppid, char *comm, size_t n);
/* is the image pid runs Go-built? read through its own exe and root links, never by name */
int procscan_is_go(const struct procscan *ps, const char *pid);
/*
 * track every running process that has a flag: LW_PF_TREE for root (0: none)
 * and its descendants, LW_PF_GO for those named "go" or running a Go-built
 * image and theirs; ps->self gets none of its own. How many were tracked, or -errno
 */
int procscan_track(const struct procscan *ps, uint32_t root);

#endif
