// SPDX-License-Identifier: MIT
/*
 * roots: a small table of root directories held open (O_PATH), keyed by the
 * kernel's name for them. Two ways in, each checked against the kernel's
 * (dev, inode) before use: the process's own /proc/PID/root while it lives
 * (its mounts included), or the host's mount table, for a root that lies on
 * a filesystem the host has mounted too (an image's overlay, a directory).
 * A root mounted only inside its container's mount namespace (a tmpfs, say)
 * can be reached the first way only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#include <sys/sysmacros.h>
#include "fsinfo.h"
#include "roots.h"
#include "util.h"

struct root_ent {
	struct root_key key;
	int fd;			/* -errno while unreachable */
	char *host;		/* its path on the host, or NULL */
	uint64_t used_ns;	/* last asked for */
	uint64_t tried_ns;	/* when it was last found unreachable */
};

struct roots {
	struct root_ent e[ROOTS_MAX];
	unsigned n;
	const char *proc, *mountinfo;
	int hostfd;		/* the host's root, where mountinfo's paths are; -1: "/" */
	struct roots_stats st;
};

struct roots *roots_new(const char *proc, const char *mountinfo)
{
	struct roots *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	rs->proc = proc ? proc : "/proc";
	rs->mountinfo = mountinfo ? mountinfo : "/proc/self/mountinfo";
	rs->hostfd = -1;
	return rs;
}

void roots_set_host(struct roots *rs, int hostfd)
{
	rs->hostfd = hostfd;
}

/* a directory path of the host's mount table, in the host's root (ldwatch's may be an image's) */
static int open_host_dir(const struct roots *rs, const char *host)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	if (rs->hostfd < 0)
		return open(host, (int)how.flags);
	return (int)syscall(SYS_openat2, rs->hostfd, host, &how, sizeof(how));
}

static void ent_clear(struct roots *rs, struct root_ent *r)
{
	if (r->fd >= 0) {
		close(r->fd);
		rs->st.closed++;
	}
	free(r->host);
	memset(r, 0, sizeof(*r));
	r->fd = -ENOENT;
}

void roots_free(struct roots *rs)
{
	if (!rs)
		return;
	for (unsigned i = 0; i < rs->n; i++)
		ent_clear(rs, &rs->e[i]);
	free(rs);
}

struct host_find {
	uint32_t dev;
	const char *fs_path;
	char *out;
	size_t cap, best;
	int found;
};

/* fs_path lies under m->root: this mount shows it, at m->point + the rest */
static int host_line(void *ctx, const struct mount_line *m)
{
	struct host_find *h = ctx;
	size_t n = strlen(m->root);
	const char *rest;

	if (m->dev != h->dev || strncmp(h->fs_path, m->root, n))
		return 0;
	if (n == 1)
		n = 0;	/* "/" mounted: all of it */
	rest = h->fs_path + n;
	if (*rest && *rest != '/')
		return 0;	/* "/a/bc" is not under "/a/b" */
	if (!strcmp(rest, "/"))
		rest = "";	/* the mount's own root */
	/* the deepest root wins: the fewest components resolved on the host */
	if (h->found && n <= h->best)
		return 0;
	if ((size_t)snprintf(h->out, h->cap, "%s%s", strcmp(m->point, "/") || !*rest ?
			     m->point : "", rest) >= h->cap)
		return 0;
	h->best = n;
	h->found = 1;
	return 0;
}

int roots_host_path(const char *mountinfo, uint32_t dev, const char *fs_path,
		    char *out, size_t cap)
{
	struct host_find h = { dev, fs_path, out, cap, 0, 0 };
	int err;

	if (!fs_path || fs_path[0] != '/' || strstr(fs_path, "/../") || !cap)
		return -EINVAL;
	err = fs_mountinfo_each(mountinfo, host_line, &h);
	if (err)
		return err;
	return h.found ? 0 : -ENOENT;
}

static bool is_root(int fd, const struct root_key *key)
{
	struct stat st;

	return !fstat(fd, &st) && S_ISDIR(st.st_mode) && st.st_ino == key->ino &&
	       kdev_of(st.st_dev) == key->dev;
}

static int open_root(struct roots *rs, struct root_ent *r, uint32_t pid, const char *fs_path)
{
	char path[64], host[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%u/root", rs->proc, pid);
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && !is_root(fd, &r->key)) {
		close(fd);	/* it has moved on (exec'd, chroot'ed again, pid reused) */
		fd = -1;
	}
	if (fd >= 0)
		rs->st.via_proc++;
	/* the host's mount table is trusted; the fstat check covers a race with a rename */
	if (fs_path && !roots_host_path(rs->mountinfo, r->key.dev, fs_path, host, sizeof(host))) {
		int hfd = open_host_dir(rs, host);

		if (hfd >= 0 && is_root(hfd, &r->key)) {
			r->host = strdup(host);
			if (fd < 0) {
				fd = hfd;
				hfd = -1;
				rs->st.via_host++;
			}
		}
		if (hfd >= 0)
			close(hfd);
	}
	if (fd < 0) {
		rs->st.unreachable++;
		return -ENOENT;
	}
	return fd;
}

int roots_get(struct roots *rs, const struct root_key *key, uint32_t pid,
	      const char *fs_path, uint64_t now_ns, const char **host)
{
	struct root_ent *r = NULL, *idle = NULL;
	unsigned i;

	*host = NULL;
	for (i = 0; i < rs->n; i++) {
		struct root_ent *x = &rs->e[i];

		if (!memcmp(&x->key, key, sizeof(*key))) {
			r = x;
			break;
		}
		if (!idle || x->used_ns < idle->used_ns)
			idle = x;
	}
	if (!r) {
		if (rs->n < ROOTS_MAX) {
			r = &rs->e[rs->n++];
			memset(r, 0, sizeof(*r));
		} else {
			r = idle;
			ent_clear(rs, r);
		}
		r->key = *key;
		r->fd = -ENOENT;
		r->tried_ns = 0;
	}
	r->used_ns = now_ns;
	if (r->fd < 0 && (!r->tried_ns || now_ns >= r->tried_ns + ROOTS_RETRY_NS)) {
		r->fd = open_root(rs, r, pid, fs_path);
		r->tried_ns = now_ns ? now_ns : 1;
	}
	*host = r->host;
	return r->fd;
}

void roots_expire(struct roots *rs, uint64_t now_ns)
{
	unsigned i = 0;

	while (i < rs->n) {
		struct root_ent *r = &rs->e[i];

		if (now_ns < r->used_ns + ROOTS_IDLE_NS) {
			i++;
			continue;
		}
		ent_clear(rs, r);
		rs->e[i] = rs->e[--rs->n];
	}
}

void roots_stats(const struct roots *rs, struct roots_stats *out)
{
	*out = rs->st;
	out->held = 0;
	for (unsigned i = 0; i < rs->n; i++)
		out->held += rs->e[i].fd >= 0;
}
