// SPDX-License-Identifier: MIT
/* fsinfo: mounts, security modules and permission bits, read from disk */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#include "fsinfo.h"
#include "util.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo */
void fs_unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

static int has_opt(const char *opts, const char *want)
{
	size_t n = strlen(want);

	for (const char *p = opts; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, want, n) && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

int fs_mountinfo_each(const char *mountinfo_path,
		      int (*fn)(void *ctx, const struct mount_line *m), void *ctx)
{
	char *line = NULL;
	size_t lcap = 0;
	int ret = 0;
	FILE *f;

	f = fopen(mountinfo_path, "re");
	if (!f)
		return -errno;
	while (!ret && getline(&line, &lcap, f) > 0) {
		char *fields[7] = {0}, *save = NULL, *tok;
		struct mount_line m = { .fstype = "", .super = "" };
		unsigned long long id;
		unsigned maj, min;
		int i = 0;

		line[strcspn(line, "\n")] = '\0';
		while (i < 7 && (tok = strtok_r(i ? NULL : line, " ", &save)))
			fields[i++] = tok;
		if (i < 7 || sscanf(fields[2], "%u:%u", &maj, &min) != 2 ||
		    sscanf(fields[0], "%llu", &id) != 1)
			continue;
		/* optional fields, then "-", the filesystem type, its source, its options */
		for (tok = fields[6]; tok && strcmp(tok, "-"); tok = strtok_r(NULL, " ", &save))
			;
		if (tok && (tok = strtok_r(NULL, " ", &save))) {
			fs_unescape(tok);
			m.fstype = tok;
			if (strtok_r(NULL, " ", &save) && (tok = strtok_r(NULL, " ", &save)))
				m.super = tok;
		}
		fs_unescape(fields[3]);
		fs_unescape(fields[4]);
		m.id = id;
		m.dev = kdev_make(maj, min);
		m.root = fields[3];
		m.point = fields[4];
		m.opts = fields[5];
		ret = fn(ctx, &m);
	}
	free(line);
	fclose(f);
	return ret < 0 ? ret : 0;
}

struct mount_of {
	const char *path;
	char *mnt;
	size_t cap, best;
	int *noexec, found;
};

static int mount_of_line(void *ctx, const struct mount_line *m)
{
	struct mount_of *mo = ctx;
	size_t n = strlen(m->point);

	if (strncmp(mo->path, m->point, n) != 0)
		return 0;
	if (!(n == 1 || mo->path[n] == '/' || mo->path[n] == '\0'))
		return 0;
	if (n >= mo->best && n < mo->cap) {	/* later lines stack on earlier ones */
		mo->best = n;
		memcpy(mo->mnt, m->point, n + 1);
		*mo->noexec = has_opt(m->opts, "noexec");
		mo->found = 1;
	}
	return 0;
}

/* the longest mount point that is a prefix of path, at a component boundary */
int fs_mount_of(const char *mountinfo_path, const char *path, char *mnt, size_t cap,
		int *noexec)
{
	struct mount_of mo = { path, mnt, cap, 0, noexec, 0 };
	int err = fs_mountinfo_each(mountinfo_path, mount_of_line, &mo);

	if (err)
		return err;
	return mo.found ? 0 : -ENOENT;
}

static int file_says(const char *path, const char *want)
{
	char buf[16] = "";
	FILE *f = fopen(path, "re");
	int yes;

	if (!f)
		return 0;
	yes = fgets(buf, sizeof(buf), f) && !strncmp(buf, want, strlen(want));
	fclose(f);
	return yes;
}

int fs_lsm_active(void)
{
	return file_says("/sys/module/apparmor/parameters/enabled", "Y") ||
	       file_says("/sys/fs/selinux/enforce", "1");
}

int fs_mode_denies(const struct stat *st, uint32_t uid, int want)
{
	mode_t bits;

	if (uid == 0) {
		/* root reads anything; it executes only what has some x bit */
		if (want & X_OK)
			return !(st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH));
		return 0;
	}
	if (st->st_uid == uid)
		bits = (st->st_mode >> 6) & 7;
	else
		bits = st->st_mode & 7;	/* group membership is not known here: be conservative */
	if ((want & R_OK) && !(bits & 4))
		return 1;
	if ((want & X_OK) && !(bits & 1))
		return 1;
	return 0;
}

int fs_stat_in_root(int rootfd, const char *path, struct stat *st)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd, err = 0;

	if (rootfd < 0)
		return -EBADF;	/* an unreachable root: never the host's file instead */
	fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	if (fd < 0)
		return -errno;
	if (fstat(fd, st))
		err = -errno;
	close(fd);
	return err;
}

int fs_noexec_in_root(int rootfd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	struct statvfs sv;
	int fd, ret;

	if (rootfd < 0)
		return -EBADF;
	fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	if (fd < 0)
		return -errno;
	ret = fstatvfs(fd, &sv) ? -errno : !!(sv.f_flag & ST_NOEXEC);
	close(fd);
	return ret;
}

int fs_open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)flags | O_CLOEXEC | O_NOCTTY,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	if (rootfd < 0)
		return -EBADF;
	fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}
