/* SPDX-License-Identifier: MIT */
/* loaders: the loader files that get uprobes before any process asks for them */
#ifndef LW_LOADERS_H
#define LW_LOADERS_H

/*
 * Those mapped when ldwatch starts, a container image's as soon as its
 * overlay is mounted, and the inode an overlay's file is probed on. All it
 * does is attach probes, so it sits with probe.c in kernel/; what it decides
 * from are host facts (/proc maps, the mount table through overlays.h).
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct loaders;
struct pidns;
struct probe;

/*
 * the overlay mounts of mountinfo (normally /proc/self/mountinfo), read now:
 * the images mounted already are known, not probed. NULL when out of memory;
 * every call below takes NULL as "no overlay is known"
 */
struct loaders *loaders_new(struct probe *pr, const char *mountinfo);
void loaders_free(struct loaders *l);
/*
 * From now on (after ready) a new overlay's loaders are probed as it is
 * mounted: the mount table's fd, to poll for EPOLLPRI and hand to
 * loaders_rescan; owned by l. -errno when it cannot be watched
 */
int loaders_watch(struct loaders *l);
/* the mount table changed: new overlays are probed, gone ones forgotten */
void loaders_rescan(struct loaders *l);
/* for probe_cfg.file_key: an overlay's file is known by its layer's inode; -ENOENT when not */
int loaders_file_key(struct loaders *l, const struct stat *st, unsigned long long *dev,
		     unsigned long long *ino);
/* for probe_release_unused: is overlay mount id still there? */
int loaders_mounted(const struct loaders *l, uint64_t id);

/*
 * the loader files in use now, ours first, then every process's in proc;
 * pn names pids as the kernel does (NULL: the same), hostfd is our root
 */
void loaders_discover(struct probe *pr, const char *proc, struct pidns *pn, int hostfd);
/* where execvp would find cmd: 1 with its path in out, else 0 */
int loaders_find_command(const char *cmd, char *out, size_t n);

#endif
