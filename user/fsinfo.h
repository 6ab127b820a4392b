/* SPDX-License-Identifier: MIT */
/* fsinfo: facts about files ldwatch checks on disk, never by executing them */
#ifndef LW_FSINFO_H
#define LW_FSINFO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* mount point holding path (from mountinfo_path, normally /proc/self/mountinfo) */
int fs_mount_of(const char *mountinfo_path, const char *path, char *mnt, size_t cap,
		int *noexec);
/* is an enforcing security module (AppArmor, SELinux) active? */
int fs_lsm_active(void);
/* would uid be refused `want` (R_OK, X_OK) on a file of this mode and owner? */
int fs_mode_denies(const struct stat *st, uint32_t uid, int want);
/* stat path inside the tree of rootfd, never leaving it */
int fs_stat_in_root(int rootfd, const char *path, struct stat *st);

#endif
