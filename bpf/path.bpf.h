/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Path walks in BPF: a dentry up to the task's root (crossing mounts), a root
 * up to its superblock's root, a cgroup's kernfs node up to its hierarchy's
 * root, names leaf first. Each is one bpf_loop() step per component, bounded
 * (LW_DEPTH_MAX, LW_CG_DEPTH_MAX), so the verifier checks one step, not a depth.
 */
#ifndef LW_PATH_BPF_H
#define LW_PATH_BPF_H

#include "common.bpf.h"

/*
 * A dentry walk: component names, each NUL-terminated, into s->base; mounts
 * are crossed through mnt_mountpoint. No bpf_d_path here: it is only allowed
 * in fentry/LSM programs, which this kernel refuses.
 */
struct walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	__u32 off;
	__u16 sflags;
	__u16 done;
};

/* append one dentry's name to the walk's output; false when it cannot */
static __always_inline bool put_name(struct walk *w, struct dentry *dentry)
{
	const unsigned char *name;
	struct scratch *s;
	__u32 off = w->off;
	__u32 zero = 0;
	int n;

	if (off > LW_BASE_MAX - LW_NAME_MAX - 1) {
		w->sflags |= LW_SF_BASE_TRUNC;
		return false;
	}
	s = bpf_map_lookup_elem(&heap, &zero);
	if (!s)
		return false;
	name = BPF_CORE_READ(dentry, d_name.name);
	n = bpf_probe_read_kernel_str(&s->base[off & (LW_BASE_MAX - 1)],
				      LW_NAME_MAX + 1, name);
	if (n <= 0) {
		STAT_INC(lost_read);
		w->sflags |= LW_SF_BASE_TRUNC;
		return false;
	}
	w->off = off + n;
	return true;
}

static long walk_step(__u32 i, struct walk *w)
{
	struct dentry *dentry = w->dentry, *mnt_root, *parent;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt;

	if (dentry == w->root_dentry && vfsmnt == w->root_mnt)
		goto done;
	mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	parent = BPF_CORE_READ(dentry, d_parent);
	if (dentry == mnt_root || dentry == parent) {
		struct mount *mparent = BPF_CORE_READ(mnt, mnt_parent);

		if (dentry != mnt_root || mnt == mparent) {
			/* the namespace's root, yet not the task's root */
			w->sflags |= LW_SF_BASE_UNREACH;
			goto done;
		}
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = mparent;
		w->vfsmnt = (struct vfsmount *)((char *)mparent +
			bpf_core_field_offset(struct mount, mnt));
		return 0;
	}
	if (!put_name(w, dentry))
		goto done;
	w->dentry = parent;
	return 0;
done:
	w->done = 1;
	return 1;
}

/*
 * The root directory's path inside its own filesystem: d_parent up to the
 * superblock's root, crossing no mount. User space finds that filesystem in
 * the host's mount table, so a root that is gone can still be reached.
 */
static long fs_step(__u32 i, struct walk *w)
{
	struct dentry *dentry = w->dentry, *parent = BPF_CORE_READ(dentry, d_parent);

	if (dentry == parent || !put_name(w, dentry)) {
		w->done = 1;
		return 1;
	}
	w->dentry = parent;
	return 0;
}

/* a walk's flags onto the record; the bytes it wrote into s->base */
static __always_inline __u32 walk_end(struct scratch *s, struct walk *w)
{
	if (!w->done)
		w->sflags |= LW_SF_BASE_TRUNC;	/* deeper than LW_DEPTH_MAX */
	s->ev.str_flags |= w->sflags;
	return w->off;
}

/* start's path as the task sees it, leaf first, into s->base; its length */
static __always_inline __u32 walk_path(struct scratch *s, const struct path *start,
				       struct task_struct *task)
{
	struct walk w = {};
	struct vfsmount *vfsmnt = BPF_CORE_READ(start, mnt);

	w.dentry = BPF_CORE_READ(start, dentry);
	w.vfsmnt = vfsmnt;
	w.mnt = container_of(vfsmnt, struct mount, mnt);
	w.root_dentry = BPF_CORE_READ(task, fs, root.dentry);
	w.root_mnt = BPF_CORE_READ(task, fs, root.mnt);
	bpf_loop(LW_DEPTH_MAX, walk_step, &w, 0);
	return walk_end(s, &w);
}

/* a root directory's path inside its filesystem, leaf first, into s->base; its length */
static __always_inline __u32 walk_fs_path(struct scratch *s, struct dentry *root)
{
	struct walk w = { .dentry = root };

	bpf_loop(LW_DEPTH_MAX, fs_step, &w, 0);
	return walk_end(s, &w);
}

/* kernfs_node's parent before 6.15 (renamed __parent by "kernfs: Use RCU to access kernfs_node::parent") */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(kn->__parent))
		return BPF_CORE_READ(kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

struct cg_walk {
	struct kernfs_node *kn;
	__u32 off;		/* bytes written after struct lw_ns */
	__u32 trunc;
};

#define CG_ROOM	(LW_PATH_MAX - sizeof(struct lw_ns) - LW_NAME_MAX - 1)

/* one cgroup directory's name per step, leaf first, up to the hierarchy's root */
static long cg_step(__u32 i, struct cg_walk *w)
{
	struct kernfs_node *kn = w->kn, *parent = kn_parent(kn);
	__u32 zero = 0, off = w->off;
	struct scratch *s;
	int n;

	if (!parent)
		return 1;	/* the root: no name of its own */
	if (off > CG_ROOM) {
		w->trunc = 1;
		return 1;
	}
	s = bpf_map_lookup_elem(&heap, &zero);
	if (!s)
		return 1;
	n = bpf_probe_read_kernel_str(&s->data[(sizeof(struct lw_ns) + off) & (LW_PATH_MAX - 1)],
				      LW_NAME_MAX + 1, BPF_CORE_READ(kn, name));
	if (n <= 0) {
		STAT_INC(lost_read);
		w->trunc = 1;
		return 1;
	}
	w->off = off + n;
	w->kn = parent;
	return 0;
}

/*
 * kn's path below its hierarchy's root, leaf first, into s->data after the
 * struct lw_ns there; the bytes written. *trunc: cut short (depth, room) or
 * unreadable.
 */
static __always_inline __u32 walk_cgroup(struct kernfs_node *kn, __u32 *trunc)
{
	struct cg_walk w = { .kn = kn };

	bpf_loop(LW_CG_DEPTH_MAX, cg_step, &w, 0);
	if (kn_parent(w.kn))
		w.trunc = 1;	/* deeper than LW_CG_DEPTH_MAX */
	*trunc = w.trunc;
	return w.off;
}

#endif /* LW_PATH_BPF_H */
