// SPDX-License-Identifier: MIT
/* loaders: loader files probed before they are asked for; it only attaches, so kernel/ */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "correlate.h"
#include "loaders.h"
#include "overlays.h"
#include "pidns.h"
#include "probe.h"
#include "util.h"

struct loaders {
	struct probe *pr;
	struct overlays *ovl;	/* the host's overlay mounts (container images) */
	const char *mountinfo;
	int mifd;		/* mountinfo, polled for changes; -1 until watched */
	int live;		/* after ready: a new overlay's loaders are probed */
};

/* where an image keeps its loader: probed as soon as its overlay is mounted */
static const char *const image_loaders[] = {
#if defined(__x86_64__)
	"/lib64/ld-linux-x86-64.so.2", "/lib/ld-musl-x86_64.so.1",
	"/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6",
	"/lib/x86_64-linux-gnu/libdl.so.2", "/usr/lib/x86_64-linux-gnu/libdl.so.2",
#elif defined(__aarch64__)
	"/lib/ld-linux-aarch64.so.1", "/lib/ld-musl-aarch64.so.1",
	"/lib/aarch64-linux-gnu/libc.so.6", "/usr/lib/aarch64-linux-gnu/libc.so.6",
	"/lib/aarch64-linux-gnu/libdl.so.2", "/usr/lib/aarch64-linux-gnu/libdl.so.2",
#endif
	"/lib64/libc.so.6", "/usr/lib64/libc.so.6", "/usr/lib/libc.so.6", "/lib64/libdl.so.2",
};

/*
 * A new overlay mount is a container about to start: its image's ld.so and
 * libc are probed now, before its first process runs, so that its first
 * dlopen is heard. Files already probed (the image's layers) cost nothing.
 */
static void on_new_overlay(void *ctx, const char *point, uint64_t id)
{
	struct loaders *l = ctx;
	int fd = open(point, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(image_loaders); i++)
		probe_loader_mount(l->pr, fd, image_loaders[i], id);
	close(fd);
}

static void scan(struct loaders *l)
{
	overlays_scan(l->ovl, l->live ? on_new_overlay : NULL, l);
}

struct loaders *loaders_new(struct probe *pr, const char *mountinfo)
{
	struct loaders *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->ovl = overlays_new(mountinfo);
	if (!l->ovl) {
		free(l);
		return NULL;
	}
	l->pr = pr;
	l->mountinfo = mountinfo;
	l->mifd = -1;
	scan(l);
	return l;
}

void loaders_free(struct loaders *l)
{
	if (!l)
		return;
	if (l->mifd >= 0)
		close(l->mifd);
	overlays_free(l->ovl);
	free(l);
}

int loaders_watch(struct loaders *l)
{
	if (!l)
		return -ENOMEM;
	l->live = 1;
	/* the mount table changes (EPOLLPRI): a container's image being mounted */
	l->mifd = open(l->mountinfo, O_RDONLY | O_CLOEXEC);
	return l->mifd < 0 ? -errno : l->mifd;
}

void loaders_rescan(struct loaders *l)
{
	if (l)
		scan(l);
}

/* uprobes land on an overlay file's layer inode: name it so, and every container shares it */
int loaders_file_key(struct loaders *l, const struct stat *st, unsigned long long *dev,
		     unsigned long long *ino)
{
	dev_t real;
	int err;

	if (!l)
		return -ENOENT;
	err = overlays_real_dev(l->ovl, kdev_of(st->st_dev), &real);
	if (err == -ENOENT && l->mifd >= 0) {
		struct pollfd pf = { .fd = l->mifd, .events = POLLPRI };

		/* mounted since the last look, and the loop has not heard yet */
		if (poll(&pf, 1, 0) == 1 && (pf.revents & POLLPRI)) {
			scan(l);
			err = overlays_real_dev(l->ovl, kdev_of(st->st_dev), &real);
		}
	}
	if (err)
		return err;
	*dev = real;
	*ino = st->st_ino;
	return 0;
}

int loaders_mounted(const struct loaders *l, uint64_t id)
{
	return l && overlays_present(l->ovl, id);
}

/* as given with a '/', else the first on PATH */
int loaders_find_command(const char *cmd, char *out, size_t n)
{
	const char *path = getenv("PATH"), *p, *e;

	if (strchr(cmd, '/'))
		return snprintf(out, n, "%s", cmd) < (int)n;
	for (p = path ? path : "/usr/local/bin:/usr/bin:/bin"; *p; p = *e ? e + 1 : e) {
		e = strchrnul(p, ':');
		if ((size_t)snprintf(out, n, "%.*s/%s", (int)(e - p), e > p ? p : ".", cmd) < n &&
		    !access(out, X_OK))
			return 1;
	}
	return 0;
}

/*
 * Each file is opened through /proc/PID/map_files: the mapped inode itself,
 * so a container's file is never looked up by a name (maps shows names as
 * seen from our root, which for a container's file may be no path at all).
 */
void loaders_discover(struct probe *pr, const char *proc, struct pidns *pn, int hostfd)
{
	struct stat self_root, root;
	struct dirent *d;
	char path[320], line[4352], last[4352];
	DIR *dir;

	if (fstat(hostfd, &self_root))
		return;
	dir = opendir(proc);
	if (!dir)
		return;
	for (int pass = 0; pass < 2; pass++) {
		while ((d = pass ? readdir(dir) : NULL) || !pass) {
			const char *pid = pass ? d->d_name : "self";
			uint32_t owner = 0;
			FILE *f;

			if (pass && (d->d_name[0] < '1' || d->d_name[0] > '9'))
				continue;
			snprintf(path, sizeof(path), "%s/%s/root", proc, pid);
			if (stat(path, &root))
				goto next;
			if (root.st_dev != self_root.st_dev || root.st_ino != self_root.st_ino)
				owner = pass ? pidns_kpid(pn, (uint32_t)atoi(pid)) : 0;
			snprintf(path, sizeof(path), "%s/%s/maps", proc, pid);
			f = fopen(path, "re");
			if (!f)
				goto next;
			last[0] = '\0';
			while (fgets(line, sizeof(line), f)) {
				char *name = strchr(line, '/'), *b, *dash = strchr(line, ' ');
				int fd;

				if (!name || !dash)
					continue;
				name[strcspn(name, "\n")] = '\0';
				b = strrchr(name, '/') + 1;
				if (!corr_is_loader_name(b) || strstr(name, " (deleted)") ||
				    !strcmp(name, last))
					continue;
				snprintf(last, sizeof(last), "%s", name);
				*dash = '\0';	/* "start-end": its map_files entry */
				if ((size_t)snprintf(path, sizeof(path), "%s/%s/map_files/%.40s",
						     proc, pid, line) >= sizeof(path))
					continue;
				fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
				if (fd < 0)
					continue;
				probe_loader_fd(pr, fd, name, owner);
				close(fd);
			}
			fclose(f);
next:
			if (!pass)
				break;
		}
	}
	closedir(dir);
}
