// SPDX-License-Identifier: MIT
/* execache: an executable's Go-or-not verdict, per inode, read from the file once */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include "elfinfo.h"
#include "execache.h"

struct execache {
	struct execache_ops ops;
	struct { unsigned long long dev, ino; int go; } seen[EXECACHE_MAX];
	unsigned n;
};

struct execache *execache_new(const struct execache_ops *ops)
{
	struct execache *ec = calloc(1, sizeof(*ec));

	if (ec)
		ec->ops = *ops;
	return ec;
}

void execache_free(struct execache *ec)
{
	free(ec);
}

int execache_lookup(const struct execache *ec, uint32_t dev, uint64_t ino)
{
	for (unsigned i = 0; i < ec->n; i++)
		if (ec->seen[i].dev == dev && ec->seen[i].ino == ino)
			return ec->seen[i].go;
	return -ENOENT;
}

int execache_classify_fd(struct execache *ec, int rootfd, int fd, const char *path,
			 uint32_t dev, uint64_t ino, uint32_t owner)
{
	struct elf_info *info;
	int go = execache_lookup(ec, dev, ino);
	unsigned i;

	if (go != -ENOENT)
		return go;
	go = -1;
	info = malloc(sizeof(*info));
	if (!info)
		return 1;	/* not read, not remembered: kept in the Go scope this once */
	/* headers, PT_INTERP and the Go note sit in the first pages */
	if (!elf_inspect_fd(fd, 64 << 10, info)) {
		go = !!(info->flags & ELF_F_GO_BUILDID);
		/* its loader, looked up inside its own root */
		if (info->kind == ELF_KIND_ELF && info->interp[0] == '/' && ec->ops.loader)
			ec->ops.loader(ec->ops.ctx, rootfd, info->interp, owner);
		if (go && info->interp[0] && ec->ops.go_image)
			ec->ops.go_image(ec->ops.ctx, fd, path, owner);
	}
	free(info);
	if (go < 0)
		return -1;	/* unreadable (gone already): keep watching this once */
	if (dev || ino) {
		i = ec->n < EXECACHE_MAX ? ec->n++ : (unsigned)(ino % EXECACHE_MAX);
		ec->seen[i].dev = dev;
		ec->seen[i].ino = ino;
		ec->seen[i].go = go;
		if (ec->ops.verdict)
			ec->ops.verdict(ec->ops.ctx, dev, ino, go);
	}
	return go;
}

int execache_classify(struct execache *ec, int rootfd, const char *path, uint32_t dev,
		      uint64_t ino, uint32_t owner)
{
	int fd, go = dev || ino ? execache_lookup(ec, dev, ino) : -ENOENT;

	if (go != -ENOENT)
		return go;	/* read before: the file is not opened again */
	if (elf_open_in_root(rootfd, path, &fd))
		return -1;
	go = execache_classify_fd(ec, rootfd, fd, path, dev, ino, owner);
	close(fd);
	return go;
}
