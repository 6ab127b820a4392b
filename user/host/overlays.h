/* SPDX-License-Identifier: MIT */
/*
 * overlays: the overlayfs mounts of the host's mount table (container images,
 * as podman, docker and containerd mount them), watched as they come and go.
 * Host facts, never verdicts: which mounts are there, and the filesystem an
 * overlay's files really lie on, which is where uprobes land.
 */
#ifndef LW_OVERLAYS_H
#define LW_OVERLAYS_H

#include <stdint.h>
#include <sys/types.h>

#define OVERLAYS_MAX	512	/* overlay mounts remembered */

struct overlays;

/* mountinfo: normally /proc/self/mountinfo */
struct overlays *overlays_new(const char *mountinfo);
void overlays_free(struct overlays *o);
/*
 * read the mount table again: fn(ctx, mount point, mount id) for each overlay
 * mount not seen before (the first read reports every one); overlays gone
 * are forgotten. 0 or -errno
 */
int overlays_scan(struct overlays *o, void (*fn)(void *ctx, const char *point, uint64_t id),
		  void *ctx);
/* is the overlay mount `id` there, as of the last scan? */
int overlays_present(const struct overlays *o, uint64_t id);
/*
 * The filesystem under the overlay whose kernel dev_t is dev, when all its
 * layers lie on it: an overlay on one filesystem reports its files' real
 * inode numbers (overlayfs.rst: "persistent st_ino"), so (real, st_ino) names
 * the layer's file, the inode uprobes bind to. 0; -ENOENT for no overlay of
 * the last scan; -EXDEV for layers on several filesystems or xino (st_ino is
 * then not the layer's own)
 */
int overlays_real_dev(const struct overlays *o, uint32_t dev, dev_t *real);
/* parse an overlay's options (as mountinfo writes them): its layers' one filesystem */
int overlays_layers_dev(const char *super, dev_t *real);

#endif
