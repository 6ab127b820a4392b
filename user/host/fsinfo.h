/* SPDX-License-Identifier: MIT */
/* fsinfo: facts about files ldwatch checks on disk, never by executing them */
#ifndef LW_FSINFO_H
#define LW_FSINFO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* one line of a mountinfo file, unescaped (super is left escaped: its values hold ',') */
struct mount_line {
	uint64_t id;		/* the mount's id */
	uint32_t dev;		/* the kernel's dev_t (major << 20 | minor) */
	const char *root;	/* the directory of the filesystem mounted there */
	const char *point;	/* the mount point */
	const char *opts;	/* the mount's options ("rw,noexec,...") */
	const char *fstype;	/* "ext4", "overlay", ...; "" when the line has none */
	const char *super;	/* the filesystem's own options, \ooo-escaped; "" when none */
};

/* undo mountinfo's \ooo escapes in place */
void fs_unescape(char *s);
/* call fn for each line of a mountinfo file until it returns non-zero; 0 or -errno */
int fs_mountinfo_each(const char *mountinfo_path,
		      int (*fn)(void *ctx, const struct mount_line *m), void *ctx);
/* mount point holding path (from mountinfo_path, normally /proc/self/mountinfo) */
int fs_mount_of(const char *mountinfo_path, const char *path, char *mnt, size_t cap,
		int *noexec);
/* is an enforcing security module (AppArmor, SELinux) active? */
int fs_lsm_active(void);
/* would uid be refused `want` (R_OK, X_OK) on a file of this mode and owner? */
int fs_mode_denies(const struct stat *st, uint32_t uid, int want);
/* is path inside rootfd on a noexec mount? 1, 0 or -errno (from its own mount flags) */
int fs_noexec_in_root(int rootfd, const char *path);
/* stat path inside the tree of rootfd, never leaving it */
int fs_stat_in_root(int rootfd, const char *path, struct stat *st);

/*
 * open path inside the tree of rootfd, never leaving it (O_RDONLY|O_DIRECTORY
 * for a directory to list): an fd or -errno; symlinks resolve inside the root
 */
int fs_open_in_root(int rootfd, const char *path, int flags);

#endif
