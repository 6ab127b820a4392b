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

struct probe {
	struct ldwatch_bpf *skel;
	struct loader_bpf *ldr;
	struct ring_buffer *rb;
	int ncpu;
	struct probe_file files[PROBE_FILES_MAX];
	unsigned n_files;
	void (*on_file)(void *ctx, const struct probe_file *f, int attached);
	void *ctx;
	int detached;		/* stopping: the ring is drained, nothing is attached any more */
	int no_uprobes;		/* --no-uprobes */
};


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
		fprintf(stderr, "ldwatch: tracefs is not mounted and mounting it privately failed: %s\n",
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
		fprintf(stderr, "ldwatch: cannot return to the host mount namespace: %s\n",
			strerror(-err2));
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
	p->skel->rodata->cfg_self_tgid = getpid();
	p->on_file = cfg->on_file;
	p->no_uprobes = cfg->no_uprobes;
	p->ctx = cfg->ctx;
	p->skel->rodata->cfg_need = cfg->need;
	p->skel->rodata->cfg_cgroup_id = cfg->cgroup_id;
	p->skel->rodata->cfg_cgroup_level = cfg->cgroup_level;
	p->skel->rodata->cfg_wakeup_bytes = cfg->wakeup_bytes;
	{
		struct stat ns;

		/* processes outside this mount namespace get their container context */
		if (!stat("/proc/self/ns/mnt", &ns))
			p->skel->rodata->cfg_host_mntns = (uint32_t)ns.st_ino;
		/* and those under another root (chroot, pivot_root) their root */
		if (!stat("/", &ns)) {
			p->skel->rodata->cfg_host_root_dev = major(ns.st_dev) << 20 | minor(ns.st_dev);
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
	p->ldr->rodata->cfg_self_tgid = getpid();
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

/* remember a process using a file; owner 0: the host's, kept for good */
static void file_own(struct probe_file *f, uint32_t owner)
{
	unsigned k;

	if (!owner) {
		f->shared = 1;
		return;
	}
	for (k = 0; k < f->n_owners; k++)
		if (f->owners[k] == owner)
			return;
	if (f->n_owners < PROBE_OWNERS_MAX)
		f->owners[f->n_owners++] = owner;
	else
		f->owners[owner % PROBE_OWNERS_MAX] = owner;	/* the newer is likelier alive */
}

static void files_release(struct probe *p)
{
	for (unsigned i = 0; i < p->n_files; i++) {
		struct probe_file *f = &p->files[i];

		for (unsigned j = 0; j < f->n; j++)
			bpf_link__destroy(f->links[j]);
		f->n = 0;
		free(f->path);
		f->path = NULL;
	}
	p->n_files = 0;
}

void probe_close(struct probe *p)
{
	if (!p)
		return;
	files_release(p);
	ring_buffer__free(p->rb);
	loader_bpf__destroy(p->ldr);
	ldwatch_bpf__destroy(p->skel);
	free(p);
}

static void *destroy_link(void *link)
{
	bpf_link__destroy(link);
	return NULL;
}

/*
 * Releasing a tracepoint or uprobe link waits for an RCU grace period, ~60 ms
 * each here: one after the other, 30 links took 2.3 s to stop. Released
 * from threads at once, they share their grace periods.
 */
static void destroy_links(struct bpf_link **links, unsigned n)
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
	struct bpf_link *links[PROBE_FILES_MAX * PROBE_SYMS_MAX + 64];
	struct bpf_link **skel_links = (struct bpf_link **)&p->skel->links;
	unsigned n = 0, i, j, nskel = sizeof(p->skel->links) / sizeof(struct bpf_link *);

	p->detached = 1;
	for (i = 0; i < p->n_files; i++)
		for (j = 0; j < p->files[i].n; j++) {
			links[n++] = p->files[i].links[j];
			p->files[i].links[j] = NULL;
		}
	for (i = 0; i < nskel && n < sizeof(links) / sizeof(links[0]); i++) {
		links[n++] = skel_links[i];
		skel_links[i] = NULL;
	}
	destroy_links(links, n);
	files_release(p);
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

/* the loader's probe points, tried on every loader file; absent ones skip */
static const struct {
	const char *sym;	/* name reported */
	const char *func;	/* symbol looked up */
	int ret;
} loader_points[] = {
	{ "_dl_exception_create", "_dl_exception_create", 0 },
	{ "_dl_exception_create_format", "_dl_exception_create_format", 0 },
	{ "_dl_signal_error", "_dl_signal_error", 0 },
	{ "_dl_signal_exception", "_dl_signal_exception", 0 },
	{ "dlopen", "dlopen", 0 },
	{ "dlopen%return", "dlopen", 1 },
	{ "dlmopen", "dlmopen", 0 },
	{ "dlmopen%return", "dlmopen", 1 },
};

static struct bpf_program *loader_prog(struct probe *p, unsigned i)
{
	struct loader_bpf *l = p->ldr;
	struct bpf_program *progs[] = {
		l->progs.handle_dl_exception, l->progs.handle_dl_exception_fmt,
		l->progs.handle_dl_signal_error, l->progs.handle_dl_signal_exc,
		l->progs.handle_dlopen, l->progs.handle_dlopen_ret,
		l->progs.handle_dlmopen, l->progs.handle_dlopen_ret,
	};

	return progs[i];
}

/*
 * The table entry for the inode fd is open on; *fresh when new. A slot
 * released before is reused: its index is the probes' cookie.
 */
static struct probe_file *file_slot(struct probe *p, int fd, const char *path,
				    uint32_t owner, int *fresh)
{
	struct probe_file *f = NULL;
	struct stat st;
	unsigned i;

	*fresh = 0;
	if (p->detached || p->no_uprobes || fstat(fd, &st) || !S_ISREG(st.st_mode))
		return NULL;
	for (i = 0; i < p->n_files; i++) {
		struct probe_file *x = &p->files[i];

		if (x->path && x->dev == st.st_dev && x->ino == st.st_ino) {
			file_own(x, owner);
			return x;
		}
		if (!x->path && !f)
			f = x;
	}
	if (!f && p->n_files < PROBE_FILES_MAX)
		f = &p->files[p->n_files++];
	if (!f)
		return NULL;
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!f->path)
		return NULL;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->shared = !owner;
	file_own(f, owner);
	*fresh = 1;
	return f;
}

/*
 * Offsets come from our own symbol lookup: libbpf 1.1 refuses glibc's
 * versioned twins (dlopen@GLIBC_2.2.5 and dlopen@@GLIBC_2.34, one address)
 * as an "ambiguous match". The uprobe is attached through our own
 * descriptor (/proc/self/fd/N): the kernel binds it to that inode, whatever
 * root the file lies in.
 */
static int attach_point(struct probe *p, struct probe_file *f, int fd, struct bpf_program *prog,
			const char *sym, uint64_t off, int ret)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts,
		    .retprobe = ret,
		    .bpf_cookie = (unsigned long long)(f - p->files));
	struct bpf_link *link;
	char via[64];

	if (f->n == PROBE_SYMS_MAX)
		return -E2BIG;
	if (!off)
		return -ENOENT;
	snprintf(via, sizeof(via), "/proc/self/fd/%d", fd);
	link = bpf_program__attach_uprobe_opts(prog, -1, via, off, &opts);
	if (!link)
		return -errno;
	f->syms[f->n] = sym;
	f->links[f->n++] = link;
	return 0;
}

#define N_POINTS (sizeof(loader_points) / sizeof(loader_points[0]))

int probe_loader_fd(struct probe *p, int fd, const char *path, uint32_t owner)
{
	const char *names[N_POINTS];
	uint64_t offs[N_POINTS];
	struct probe_file *f;
	unsigned i;
	int fresh, err = -ENOENT;

	f = file_slot(p, fd, path, owner, &fresh);
	if (!f || !fresh)
		return f ? 0 : -ENOENT;
	for (i = 0; i < N_POINTS; i++)
		names[i] = loader_points[i].func;
	if (!elf_func_offsets(fd, 0, names, N_POINTS, offs)) {
		for (i = 0; i < N_POINTS; i++)
			attach_point(p, f, fd, loader_prog(p, i), loader_points[i].sym, offs[i],
				     loader_points[i].ret);
		err = f->n ? 0 : -ENOENT;
		if (f->n && p->on_file)
			p->on_file(p->ctx, f, 1);
	}
	/* a loader file without glibc's error points: musl's, say so once */
	if ((!strncmp(strrchr(path, '/') ? strrchr(path, '/') + 1 : path, "ld-", 3)) &&
	    (!f->n || strcmp(f->syms[0], "_dl_exception_create")))
		fprintf(stderr, "ldwatch: %s%s has no glibc loader error points (musl?): failures "
			"there are read from lookups and fd 2 only\n", path,
			owner ? " (in a container's root)" : "");
	return err;
}

int probe_loader_file(struct probe *p, int rootfd, const char *path, uint32_t owner)
{
	int fd, err;

	if (elf_open_in_root(rootfd, path, &fd))
		return -ENOENT;
	err = probe_loader_fd(p, fd, path, owner);
	close(fd);
	return err;
}

int probe_go_fd(struct probe *p, int fd, const char *path, uint32_t owner)
{
	/*
	 * plugin.Open is a two-line wrapper the compiler inlines; the
	 * unexported plugin.open(name string) it calls is always there
	 */
	const char *names[2] = { "plugin.open", "plugin.Open" };
	uint64_t offs[2];
	struct probe_file *f;
	int fresh, err = -ENOENT, i;

	f = file_slot(p, fd, path, owner, &fresh);
	if (!f || !fresh)
		return f && f->n ? 0 : -ENOENT;
	if (!elf_func_offsets(fd, 0, names, 2, offs)) {
		i = offs[0] ? 0 : 1;
		err = attach_point(p, f, fd, p->ldr->progs.handle_go_plugin_open, names[i],
				   offs[i], 0);
		if (!err && p->on_file)
			p->on_file(p->ctx, f, 1);
	}
	return err;
}

/*
 * Files probed for processes under another root (a container's ld.so and
 * libc) are let go once every process seen using them has exited: a
 * container's image goes away with it, and its probes with it.
 */
unsigned probe_release_unused(struct probe *p, int (*alive)(uint32_t pid))
{
	struct bpf_link *links[PROBE_FILES_MAX * PROBE_SYMS_MAX];
	unsigned n = 0, files = 0;

	for (unsigned i = 0; i < p->n_files; i++) {
		struct probe_file *f = &p->files[i];
		unsigned k, j;

		if (!f->path || f->shared)
			continue;
		for (k = j = 0; k < f->n_owners; k++)
			if (alive(f->owners[k]))
				f->owners[j++] = f->owners[k];
		if (j) {
			f->n_owners = j;
			continue;
		}
		/* none left: the owners stay as they were, for the report */
		for (k = 0; k < f->n; k++)
			links[n++] = f->links[k];
		if (f->n && p->on_file)
			p->on_file(p->ctx, f, 0);
		free(f->path);
		memset(f, 0, sizeof(*f));
		files++;
	}
	destroy_links(links, n);
	return files;
}

const struct probe_file *probe_files(const struct probe *p, unsigned *n)
{
	*n = p->n_files;
	return p->files;
}
