/* SPDX-License-Identifier: MIT */
/*
 * roots: the root directories of processes outside the host's (containers,
 * chroots), held open so that their files are checked inside them, never
 * through the host's, and still can be once the process is gone.
 */
#ifndef LW_ROOTS_H
#define LW_ROOTS_H

#include <stddef.h>
#include <stdint.h>

#define ROOTS_MAX	64	/* roots held open; the one idle longest is closed first */
#define ROOTS_IDLE_NS	(60ull * 1000000000)	/* a root unused this long is let go */
#define ROOTS_RETRY_NS	(1ull * 1000000000)	/* an unreachable root is retried after this */

/* a root, as the kernel names it */
struct root_key {
	uint32_t mntns;		/* the mount namespace it was seen in */
	uint32_t dev;		/* the kernel's dev_t of its filesystem */
	uint64_t ino;		/* its inode */
};

struct roots_stats {
	uint64_t held;		/* roots held open now */
	uint64_t via_proc;	/* opened through /proc/PID/root */
	uint64_t via_host;	/* opened through the host's mount table */
	uint64_t unreachable;	/* could be reached neither way */
	uint64_t closed;	/* let go: idle, or to make room */
};

struct roots;

/* proc: normally "/proc"; mountinfo: the host's, normally /proc/self/mountinfo */
struct roots *roots_new(const char *proc, const char *mountinfo);
/* the host's root, in which mountinfo's paths are opened (default: "/") */
void roots_set_host(struct roots *rs, int hostfd);
void roots_free(struct roots *rs);
/*
 * An O_PATH descriptor of the root `key` of process pid, owned by rs: the one
 * held, else opened now through /proc/PID/root while the process lives, else
 * through the host's mount table from fs_path (the root's path inside its
 * filesystem, as the kernel walked it; NULL when unknown). Either way it is
 * checked to be that (dev, inode). -errno when it cannot be reached. *host is
 * the root's path on the host when there is one, else NULL.
 */
int roots_get(struct roots *rs, const struct root_key *key, uint32_t pid,
	      const char *fs_path, uint64_t now_ns, const char **host);
/* let go of roots idle for ROOTS_IDLE_NS (a held root keeps its mount busy) */
void roots_expire(struct roots *rs, uint64_t now_ns);
void roots_stats(const struct roots *rs, struct roots_stats *out);
/*
 * Where a filesystem's directory is on the host: the mount of kernel dev_t
 * `dev` whose root is the longest prefix of fs_path, plus the rest of it.
 * 0, or -ENOENT when no mount of the host shows it.
 */
int roots_host_path(const char *mountinfo, uint32_t dev, const char *fs_path,
		    char *out, size_t cap);

#endif
