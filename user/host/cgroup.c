// SPDX-License-Identifier: MIT
/* cgroup: --cgroup resolved against the cgroup v2 mount to the id the kernel checks */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include "cgroup.h"
#include "escape.h"
#include "fsinfo.h"
#include "sbuf.h"
#include "util.h"

static int cgroup2_line(void *ctx, const struct mount_line *m)
{
	struct cgroup_root *root = ctx;

	if (strcmp(m->fstype, "cgroup2"))
		return 0;
	snprintf(root->path, sizeof(root->path), "%s", m->point);
	return 1;	/* the first one: /sys/fs/cgroup, or .../unified on a hybrid host */
}

int cgroup_root_find(const char *mountinfo, struct cgroup_root *root)
{
	int err;

	root->path[0] = '\0';
	root->fs_type = CGROUP2_SUPER_MAGIC;
	err = fs_mountinfo_each(mountinfo, cgroup2_line, root);
	if (err)
		return err;
	return root->path[0] ? 0 : -ENOENT;
}

/* the kernel checks the id at the depth it has (bpf_get_current_ancestor_cgroup_id) */
int cgroup_resolve(const struct cgroup_root *root, const char *arg, uint64_t *id,
		   uint32_t *level)
{
	char full[8192], real[PATH_MAX];
	const char *rel = arg, *s, *cg_root = root->path;
	struct statfs sf;
	struct stat st;
	size_t n = strlen(cg_root);

	if (!strncmp(arg, cg_root, n) && (arg[n] == '/' || !arg[n]))
		rel = arg + n;
	snprintf(full, sizeof(full), "%s/%s", cg_root, rel);
	/* resolved, so "..", "." and "//" cannot lead out of the hierarchy or miscount */
	if (!realpath(full, real) || strncmp(real, cg_root, n) || (real[n] && real[n] != '/') ||
	    stat(real, &st) || !S_ISDIR(st.st_mode) || statfs(real, &sf) ||
	    sf.f_type != root->fs_type) {
		struct sbuf b;

		sbuf_init(&b);
		escape_text(&b, arg, strlen(arg));
		lw_warn("--cgroup", "%.*s is not a cgroup under %s", (int)b.len, b.p ? b.p : "",
			cg_root);
		sbuf_free(&b);
		return -ENOENT;
	}
	*id = st.st_ino;
	*level = 0;
	for (s = real + n; *s; s++)
		*level += *s == '/';
	return 0;
}

int cgroup_from_arg(const char *mountinfo, const char *arg, uint64_t *id, uint32_t *level)
{
	struct cgroup_root root;

	if (cgroup_root_find(mountinfo, &root)) {
		lw_warn("--cgroup", "no cgroup v2 hierarchy is mounted here");
		return -ENOENT;
	}
	return cgroup_resolve(&root, arg, id, level);
}
