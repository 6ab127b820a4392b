// SPDX-License-Identifier: MIT
/* probe: load the skeleton, make tracefs reachable, attach, read counters */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "ldwatch.skel.h"
#include "loader.skel.h"
#include "elfinfo.h"
#include "probe.h"
#include "probe_internal.h"
#include "util.h"



static int tracefs_present(void)
{
	return access("/sys/kernel/tracing/events/syscalls", F_OK) == 0 ||
	       access("/sys/kernel/debug/tracing/events/syscalls", F_OK) == 0;
}

/*
 * Syscall tracepoints are attached by id, read from tracefs. Where tracefs is
 * not mounted, mount it in a private mount namespace just for the attach and
 * go back: the host's mount table never changes, and the private namespace
 * (and its tracefs mount) disappears with our reference to it.
 */
static int attach_with_tracefs(struct ldwatch_bpf *skel, const char **how)
{
	int hostns = -1, cwd = -1, err, err2;

	if (tracefs_present()) {
		*how = "present";
		return ldwatch_bpf__attach(skel);
	}
	hostns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	cwd = open(".", O_PATH | O_CLOEXEC);
	if (hostns < 0 || cwd < 0) {
		err = -errno;
		goto cleanup;
	}
	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) ||
	    mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL)) {
		err = -errno;
		lw_warn(NULL, "tracefs is not mounted and mounting it privately failed: %s",
			strerror(-err));
		setns(hostns, CLONE_NEWNS);
		fchdir(cwd);
		goto cleanup;
	}
	*how = "mounted-private";
	err = ldwatch_bpf__attach(skel);
	err2 = setns(hostns, CLONE_NEWNS) ? -errno : 0;
	if (!err2 && fchdir(cwd))
		err2 = -errno;
	if (err2) {
		lw_warn(NULL, "cannot return to the host mount namespace: %s", strerror(-err2));
		if (!err)
			err = err2;
	}
cleanup:
	if (hostns >= 0)
		close(hostns);
	if (cwd >= 0)
		close(cwd);
	return err;
}

static int count_links(struct ldwatch_bpf *skel)
{
	struct bpf_program *prog;
	int n = 0;

	bpf_object__for_each_program(prog, skel->obj)
		n++;
	/* every program has its link when attach succeeded */
	return n;
}

int probe_open(const struct probe_cfg *cfg, struct probe **pp, struct probe_info *info)
{
	struct probe *p;
	int err;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	uprobes_init(p);
	p->ncpu = libbpf_num_possible_cpus();
	if (p->ncpu <= 0) {
		err = p->ncpu ? p->ncpu : -EINVAL;
		goto fail;
	}
	p->skel = ldwatch_bpf__open();
	if (!p->skel) {
		err = -errno;
		goto fail;
	}
	p->skel->rodata->cfg_self_tgid = cfg->self_tgid;
	p->on_file = cfg->on_file;
	p->file_key = cfg->file_key;
	p->no_uprobes = cfg->no_uprobes;
	p->ctx = cfg->ctx;
	p->skel->rodata->cfg_need = cfg->need;
	p->skel->rodata->cfg_cgroup_id = cfg->cgroup_id;
	p->skel->rodata->cfg_cgroup_level = cfg->cgroup_level;
	p->skel->rodata->cfg_wakeup_bytes = cfg->wakeup_bytes;
	{
		struct stat ns;

		/* processes outside the host's mount namespace get their container context */
		if (cfg->host_mntns)
			p->skel->rodata->cfg_host_mntns = cfg->host_mntns;
		else if (!stat("/proc/self/ns/mnt", &ns))
			p->skel->rodata->cfg_host_mntns = (uint32_t)ns.st_ino;
		/* and those under another root (chroot, pivot_root) their root */
		if (!fstat(cfg->host_rootfd, &ns)) {
			p->skel->rodata->cfg_host_root_dev = kdev_of(ns.st_dev);
			p->skel->rodata->cfg_host_root_ino = ns.st_ino;
		}
	}
	err = bpf_map__set_max_entries(p->skel->maps.events, cfg->ring_bytes);
	if (err)
		goto fail;
	err = ldwatch_bpf__load(p->skel);
	if (err)
		goto fail;
	/* the loader object writes to the same ring, counters and tracked set */
	p->ldr = loader_bpf__open();
	if (!p->ldr) {
		err = -errno;
		goto fail;
	}
	p->ldr->rodata->cfg_self_tgid = cfg->self_tgid;
	p->ldr->rodata->cfg_need = cfg->need;
	p->ldr->rodata->cfg_cgroup_id = cfg->cgroup_id;
	p->ldr->rodata->cfg_cgroup_level = cfg->cgroup_level;
	p->ldr->rodata->cfg_wakeup_bytes = cfg->wakeup_bytes;
	err = bpf_map__set_max_entries(p->ldr->maps.events, cfg->ring_bytes);
	if (!err)
		err = bpf_map__reuse_fd(p->ldr->maps.events, bpf_map__fd(p->skel->maps.events));
	if (!err)
		err = bpf_map__reuse_fd(p->ldr->maps.tracked, bpf_map__fd(p->skel->maps.tracked));
	if (!err)
		err = bpf_map__reuse_fd(p->ldr->maps.stats, bpf_map__fd(p->skel->maps.stats));
	if (!err)
		err = loader_bpf__load(p->ldr);
	if (err)
		goto fail;
	err = attach_with_tracefs(p->skel, &info->tracefs);
	if (err)
		goto fail;
	info->n_progs = count_links(p->skel);
	p->rb = ring_buffer__new(bpf_map__fd(p->skel->maps.events),
				 (ring_buffer_sample_fn)cfg->on_event, cfg->ctx, NULL);
	if (!p->rb) {
		err = -errno;
		goto fail;
	}
	*pp = p;
	return 0;
fail:
	probe_close(p);
	return err;
}

void probe_close(struct probe *p)
{
	if (!p)
		return;
	uprobes_free(p);
	ring_buffer__free(p->rb);
	loader_bpf__destroy(p->ldr);
	ldwatch_bpf__destroy(p->skel);
	free(p);
}

/*
 * Releasing a tracepoint or uprobe link waits for an RCU grace period, ~60 ms
 * each here: one after the other, 30 links took 2.3 s to stop. Released
 * from threads at once, they share their grace periods.
 */
static void *destroy_link(void *link)
{
	bpf_link__destroy(link);
	return NULL;
}

void probe_destroy_links(struct bpf_link **links, unsigned n)
{
	pthread_t *t = calloc(n ? n : 1, sizeof(*t));
	unsigned i;
	char *ok = calloc(n ? n : 1, 1);

	for (i = 0; i < n; i++)
		ok[i] = t && ok && links[i] && !pthread_create(&t[i], NULL, destroy_link, links[i]);
	for (i = 0; i < n; i++) {
		if (ok && ok[i])
			pthread_join(t[i], NULL);
		else
			bpf_link__destroy(links[i]);	/* no thread: the slow way */
		links[i] = NULL;
	}
	free(t);
	free(ok);
}

void probe_detach(struct probe *p)
{
	struct bpf_link **skel_links = (struct bpf_link **)&p->skel->links, **links = NULL;
	unsigned n = 0, i, nskel = sizeof(p->skel->links) / sizeof(struct bpf_link *);

	p->detached = 1;
	/* the worker's jobs first: none of its links may outlive the counters read after this */
	uprobes_stop(p, &links, &n);
	links = realloc(links, (n + nskel) * sizeof(*links));
	if (!links) {
		for (i = 0; i < nskel; i++)
			bpf_link__destroy(skel_links[i]);	/* the slow way */
		return;
	}
	for (i = 0; i < nskel; i++) {
		links[n++] = skel_links[i];
		skel_links[i] = NULL;
	}
	probe_destroy_links(links, n);
	free(links);
}

int probe_epoll_fd(struct probe *p)
{
	return ring_buffer__epoll_fd(p->rb);
}

int probe_consume(struct probe *p)
{
	return ring_buffer__consume(p->rb);
}

int probe_track(struct probe *p, uint32_t tgid, uint32_t flags)
{
	struct lw_proc v = { .start_ns = 0, .flags = flags };
	int fd = bpf_map__fd(p->skel->maps.tracked);

	if (bpf_map_update_elem(fd, &tgid, &v, BPF_ANY))
		return -errno;
	return 0;
}

int probe_settle(struct probe *p, uint32_t tgid, uint64_t ino, uint32_t flags)
{
	int fd = bpf_map__fd(p->skel->maps.tracked);
	struct lw_proc v;

	if (bpf_map_lookup_elem(fd, &tgid, &v))
		return -errno;
	if (!(v.flags & LW_PF_PENDING) || v.pend_ino != (uint32_t)ino)
		return 0;	/* another image since: its own verdict decides */
	v.flags &= ~flags;
	v.pend_ino = 0;
	if (bpf_map_update_elem(fd, &tgid, &v, BPF_EXIST))
		return -errno;
	return 0;
}

int probe_classify(struct probe *p, uint32_t dev, uint64_t ino, uint32_t verdict)
{
	struct lw_inode key = { .ino = ino, .dev = dev };

	if (bpf_map_update_elem(bpf_map__fd(p->skel->maps.exe_class), &key, &verdict, BPF_ANY))
		return -errno;
	return 0;
}

int probe_untrack(struct probe *p, uint32_t tgid)
{
	if (bpf_map_delete_elem(bpf_map__fd(p->skel->maps.tracked), &tgid))
		return -errno;
	return 0;
}

int probe_stats(struct probe *p, struct lw_stats *out)
{
	struct lw_stats *per;
	__u32 zero = 0;
	int i;

	per = calloc(p->ncpu, sizeof(*per));
	if (!per)
		return -ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.stats), &zero, per)) {
		int err = -errno;

		free(per);
		return err;
	}
	memset(out, 0, sizeof(*out));
	for (i = 0; i < p->ncpu; i++) {
		out->events += per[i].events;
		out->lost_reserve += per[i].lost_reserve;
		out->lost_read += per[i].lost_read;
		out->track_full += per[i].track_full;
		out->tracked_new += per[i].tracked_new;
		out->hits_skipped += per[i].hits_skipped;
	}
	free(per);
	return 0;
}

/* see probe.h */
void probe_counts(struct probe *p, unsigned *tracepoints, unsigned *uprobes, unsigned *files)
{
	*tracepoints = (unsigned)count_links(p->skel);
	*uprobes = *files = 0;
	for (unsigned i = 0; i < p->n_files; i++) {
		if (!p->files[i].path)
			continue;
		(*files)++;
		*uprobes += p->files[i].n;
	}
}

/* see probe.h */
void probe_prog_stats(struct probe *p, void (*fn)(void *ctx, const char *name, uint64_t run_ns,
						 uint64_t runs), void *ctx)
{
	struct bpf_object *objs[] = { p->skel ? p->skel->obj : NULL, p->ldr ? p->ldr->obj : NULL };
	struct bpf_program *prog;

	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		if (!objs[i])
			continue;
		bpf_object__for_each_program(prog, objs[i]) {
			struct bpf_prog_info info = { 0 };
			__u32 len = sizeof(info);
			int fd = bpf_program__fd(prog);

			if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
				continue;
			fn(ctx, bpf_program__name(prog), info.run_time_ns, info.run_cnt);
		}
	}
}
