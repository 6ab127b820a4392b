/* SPDX-License-Identifier: MIT */
/* cgroup: a --cgroup path as the kernel names it, its cgroup v2 id and depth */
#ifndef LW_CGROUP_H
#define LW_CGROUP_H

#include <limits.h>
#include <stdint.h>

/* where cgroup v2 is mounted, and the filesystem type its directories have */
struct cgroup_root {
	char path[PATH_MAX];
	long fs_type;		/* CGROUP2_SUPER_MAGIC; a test's own directory: its type */
};

/* the first cgroup2 mount of a mountinfo file (normally /proc/self/mountinfo); 0 or -errno */
int cgroup_root_find(const char *mountinfo, struct cgroup_root *root);
/*
 * a path relative to root, or under it: its id (the directory's inode number,
 * which is the kernel's cgroup id on cgroup2) and depth below root. 0, or
 * -ENOENT when it is not a cgroup under root, said on stderr
 */
int cgroup_resolve(const struct cgroup_root *root, const char *arg, uint64_t *id,
		   uint32_t *level);
/* --cgroup PATH: the root from mountinfo, then the path under it; 0 or -ENOENT, said */
int cgroup_from_arg(const char *mountinfo, const char *arg, uint64_t *id, uint32_t *level);

#endif
