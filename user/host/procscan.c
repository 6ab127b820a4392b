// SPDX-License-Identifier: MIT
/* procscan: running processes from /proc, with the tracking flags they inherit */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "execache.h"
#include "ldwatch.h"
#include "procscan.h"
#include "util.h"

int procscan_read_stat(const char *proc, const char *pid, uint32_t *ppid, char *comm, size_t n)
{
	char path[PATH_MAX], buf[512], *l, *r;
	FILE *f;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s/stat", proc, pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	/* comm is whatever lies between the first '(' and the last ')' */
	l = strchr(buf, '(');
	r = strrchr(buf, ')');
	if (!l || !r || r < l || sscanf(r + 1, " %*c %u", ppid) != 1)
		return -EINVAL;
	snprintf(comm, n, "%.*s", (int)(r - l - 1), l + 1);
	return 0;
}

/*
 * a running process's image, read once: Go-built? Read through its own
 * /proc links (the image's inode itself; its root for PT_INTERP), so a
 * container's file is never looked up by name in the host's tree.
 */
int procscan_is_go(const struct procscan *ps, const char *pid)
{
	char link[PATH_MAX], exe[4096];
	struct stat st, rst, self;
	int fd, rootfd, go;
	uint32_t owner;
	ssize_t n;

	if (!ps->ec)
		return 0;
	snprintf(link, sizeof(link), "%s/%s/exe", ps->proc, pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (n <= 0)
		return 0;
	exe[n] = '\0';
	if (strstr(exe, " (deleted)"))
		return 0;
	fd = open(link, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return 0;
	snprintf(link, sizeof(link), "%s/%s/root", ps->proc, pid);
	rootfd = open(link, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || rootfd < 0 || fstat(rootfd, &rst) ||
	    fstat(ps->rootfd, &self)) {
		close(fd);
		if (rootfd >= 0)
			close(rootfd);
		return 0;
	}
	owner = 0;
	if (rst.st_dev != self.st_dev || rst.st_ino != self.st_ino)
		owner = ps->kpid ? ps->kpid(ps->ctx, (uint32_t)atoi(pid)) : (uint32_t)atoi(pid);
	go = execache_classify_fd(ps->ec, rootfd, fd, exe, kdev_of(st.st_dev), st.st_ino, owner);
	close(fd);
	close(rootfd);
	return go == 1;
}

struct proc_flags {
	uint32_t pid, ppid, flags;
};

int procscan_track(const struct procscan *ps, uint32_t root)
{
	struct proc_flags *t = NULL;
	size_t n = 0, cap = 0, i, j;
	struct dirent *d;
	int changed = 1, found = 0;
	DIR *dir;

	dir = opendir(ps->proc);
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		uint32_t ppid;
		char comm[32];

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		if (procscan_read_stat(ps->proc, d->d_name, &ppid, comm, sizeof(comm)))
			continue;
		if (n == cap) {
			void *nt = realloc(t, (cap = cap ? cap * 2 : 512) * sizeof(*t));

			if (!nt)
				break;
			t = nt;
		}
		t[n].pid = strtoul(d->d_name, NULL, 10);
		t[n].ppid = ppid;
		t[n].flags = (root && t[n].pid == root ? LW_PF_TREE : 0) |
			     (!strcmp(comm, "go") || procscan_is_go(ps, d->d_name) ? LW_PF_GO : 0);
		if (t[n].pid == ps->self)
			t[n].flags = 0;	/* none of its own (the kernel skips self_tgid anyway) */
		n++;
	}
	closedir(dir);
	/* children inherit their parent's flags, as handle_fork does */
	while (changed) {
		changed = 0;
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				if (t[j].pid == t[i].ppid && (t[j].flags & ~t[i].flags)) {
					t[i].flags |= t[j].flags;
					changed = 1;
				}
	}
	for (i = 0; i < n; i++) {
		uint32_t k;

		if (!t[i].flags)
			continue;
		k = ps->kpid ? ps->kpid(ps->ctx, t[i].pid) : t[i].pid;
		if (k && !ps->track(ps->ctx, k, t[i].flags))
			found++;
	}
	free(t);
	return found;
}
