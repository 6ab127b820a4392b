/* SPDX-License-Identifier: MIT */
/* execache: one verdict per executable inode, Go-built or not, read from the file once */
#ifndef LW_EXECACHE_H
#define LW_EXECACHE_H

/*
 * A file is read through an fd or a path inside a process's own root, never
 * by a name in ours; what is learnt on the way (its loader, a Go binary that
 * may open plugins) is handed to the ops, and so is the verdict, which the
 * kernel keeps to decide the next exec of that inode itself.
 */

#include <stdint.h>

#define EXECACHE_MAX	1024	/* inodes remembered; then a slot by ino % EXECACHE_MAX */

struct execache;

struct execache_ops {
	/* an ELF image's loader (PT_INTERP), a path inside rootfd; owner as in probe.h */
	void (*loader)(void *ctx, int rootfd, const char *interp, uint32_t owner);
	/* a Go-built image with a loader, so it may open plugins; fd is open on it */
	void (*go_image)(void *ctx, int fd, const char *path, uint32_t owner);
	/* the verdict on (dev, ino), the kernel's key: 1 Go-built, 0 not */
	void (*verdict)(void *ctx, uint32_t dev, uint64_t ino, int go);
	void *ctx;
};

struct execache *execache_new(const struct execache_ops *ops);
void execache_free(struct execache *ec);
/* the verdict on an image read before: 1 Go-built, 0 not; -ENOENT when not read */
int execache_lookup(const struct execache *ec, uint32_t dev, uint64_t ino);
/*
 * the verdict on the image fd is open on, named path, known to the kernel as
 * (dev, ino); read once per (dev, ino), and not remembered when both are 0.
 * 1 Go-built, 0 not, -1 when it could not be read (it is read again next time)
 */
int execache_classify_fd(struct execache *ec, int rootfd, int fd, const char *path,
			 uint32_t dev, uint64_t ino, uint32_t owner);
/* the same for a path inside rootfd (a process's root: never left); not opened when known */
int execache_classify(struct execache *ec, int rootfd, const char *path, uint32_t dev,
		      uint64_t ino, uint32_t owner);

#endif
