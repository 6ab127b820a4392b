// SPDX-License-Identifier: MIT
/*
 * uprobes: the loader's and Go's plugin uprobes, one table entry per file.
 * Uprobes bind to an inode, so a file is known by the inode they land on:
 * an image's libc under overlayfs is its layer's file, one for every
 * container of that image. Before ready, probes are attached here and now
 * (ready lists them); after, on the worker thread, so that neither attaching
 * nor destroying ever stops the event loop from reading the ring.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>
#include "ldwatch.skel.h"
#include "util.h"
#include "loader.skel.h"
#include "elfinfo.h"
#include "probe.h"
#include "probe_internal.h"

/* attach points of one file (in), or links to destroy (out of a file let go) */
struct job {
	struct job *next;
	int destroy;
	unsigned slot, gen;
	int fd;				/* attach: our own descriptor of the file */
	unsigned n;
	struct bpf_program *prog[PROBE_SYMS_MAX];
	uint64_t off[PROBE_SYMS_MAX];
	int ret[PROBE_SYMS_MAX];
	const char *sym[PROBE_SYMS_MAX];
	struct bpf_link *links[PROBE_SYMS_MAX];
	unsigned nlinks;
	const char *names[PROBE_SYMS_MAX];	/* the symbols that did attach */
};

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

#define N_POINTS (ARRAY_SIZE(loader_points))

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
 * Offsets come from our own symbol lookup: libbpf 1.1 refuses glibc's
 * versioned twins (dlopen@GLIBC_2.2.5 and dlopen@@GLIBC_2.34, one address)
 * as an "ambiguous match". The uprobe is attached through our own
 * descriptor (/proc/self/fd/N): the kernel binds it to the real inode
 * behind it (an overlay's lower file), whatever root the file lies in.
 */
static void job_attach(struct job *j)
{
	char via[64];

	snprintf(via, sizeof(via), "/proc/self/fd/%d", j->fd);
	for (unsigned i = 0; i < j->n; i++) {
		LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = j->ret[i], .bpf_cookie = j->slot);
		struct bpf_link *link;

		link = bpf_program__attach_uprobe_opts(j->prog[i], -1, via, j->off[i], &opts);
		if (!link)
			continue;
		j->names[j->nlinks] = j->sym[i];
		j->links[j->nlinks++] = link;
	}
	close(j->fd);
	j->fd = -1;
}

static void *worker_run(void *arg)
{
	struct probe *p = arg;
	struct worker *w = &p->w;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct job *j;

		while (!w->todo && !w->stop) {
			w->idle = 1;
			pthread_cond_broadcast(&w->cv);
			pthread_cond_wait(&w->cv, &w->mu);
		}
		w->idle = 0;
		j = w->todo;
		if (!j)
			break;		/* stopping, nothing left */
		w->todo = j->next;
		if (!w->todo)
			w->todo_tail = NULL;
		pthread_mutex_unlock(&w->mu);
		if (j->destroy) {
			probe_destroy_links(j->links, j->nlinks);
			free(j);
			j = NULL;
		} else if (!w->stop) {
			job_attach(j);
		}
		pthread_mutex_lock(&w->mu);
		if (!j)
			continue;
		/* attached (or, stopping, not): back to the loop, which files or destroys them */
		j->next = NULL;
		if (w->done_tail)
			w->done_tail->next = j;
		else
			w->done = j;
		w->done_tail = j;
	}
	w->idle = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* 0 when the worker took the job; otherwise the caller does it itself */
static int worker_push(struct probe *p, struct job *j)
{
	struct worker *w = &p->w;
	int err = 0;

	pthread_mutex_lock(&w->mu);
	if (!w->started && !w->stop)
		w->started = !pthread_create(&w->thread, NULL, worker_run, p);
	if (!w->started || w->stop) {
		err = -EAGAIN;
	} else {
		j->next = NULL;
		if (w->todo_tail)
			w->todo_tail->next = j;
		else
			w->todo = j;
		w->todo_tail = j;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return err;
}

static void job_destroy_links(struct probe *p, struct bpf_link **links, unsigned n)
{
	struct job *j;

	if (!n)
		return;
	j = calloc(1, sizeof(*j));
	if (j && n <= PROBE_SYMS_MAX) {
		j->destroy = 1;
		j->fd = -1;
		memcpy(j->links, links, n * sizeof(*links));
		j->nlinks = n;
		if (p->async && !worker_push(p, j))
			return;
	}
	free(j);
	probe_destroy_links(links, n);
}

void uprobes_init(struct probe *p)
{
	pthread_mutex_init(&p->w.mu, NULL);
	pthread_cond_init(&p->w.cv, NULL);
}

/* remember a process using a file; owner 0: the host's, kept for good */
static void file_own(struct probe_file *f, uint32_t owner)
{
	unsigned k;

	f->idle_ns = 0;
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

static void file_mount(struct probe_file *f, uint64_t id)
{
	f->idle_ns = 0;
	for (unsigned k = 0; k < f->n_mounts; k++)
		if (f->mounts[k] == id)
			return;
	if (f->n_mounts < PROBE_MOUNTS_MAX)
		f->mounts[f->n_mounts++] = id;
	else
		f->mounts[id % PROBE_MOUNTS_MAX] = id;
}

/* the worker gone: its jobs' links (attached meanwhile, or to destroy), and every file's */
void uprobes_stop(struct probe *p, struct bpf_link ***links, unsigned *n)
{
	struct worker *w = &p->w;
	struct bpf_link **v = NULL;
	unsigned cap = 0, k = 0;
	struct job *j;

	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (w->started)
		pthread_join(w->thread, NULL);
	w->started = 0;
	cap = PROBE_FILES_MAX * PROBE_SYMS_MAX;
	v = calloc(cap, sizeof(*v));
	for (j = w->done; j; j = w->done) {
		w->done = j->next;
		for (unsigned i = 0; i < j->nlinks; i++) {
			if (v && k < cap)
				v[k++] = j->links[i];
			else
				bpf_link__destroy(j->links[i]);
		}
		if (j->fd >= 0)
			close(j->fd);
		free(j);
	}
	w->done_tail = NULL;
	for (unsigned i = 0; i < p->n_files; i++) {
		struct probe_file *f = &p->files[i];

		for (unsigned l = 0; l < f->n; l++) {
			if (v && k < cap)
				v[k++] = f->links[l];
			else
				bpf_link__destroy(f->links[l]);
			f->links[l] = NULL;
		}
		f->n = 0;
	}
	*links = v;
	*n = k;
}

void uprobes_free(struct probe *p)
{
	struct bpf_link **links;
	unsigned n;

	uprobes_stop(p, &links, &n);
	probe_destroy_links(links, n);
	free(links);
	for (unsigned i = 0; i < p->n_files; i++)
		free(p->files[i].path);
	p->n_files = 0;
	pthread_mutex_destroy(&p->w.mu);
	pthread_cond_destroy(&p->w.cv);
}

void probe_go_async(struct probe *p)
{
	p->async = 1;
}

/* the identity uprobes bind to: the layer's inode for an overlay's file */
static int file_id(struct probe *p, int fd, unsigned long long *dev, unsigned long long *ino)
{
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return -EINVAL;
	*dev = st.st_dev;
	*ino = st.st_ino;
	if (p->file_key)
		p->file_key(p->ctx, &st, dev, ino);
	return 0;
}

/*
 * The table entry for the inode fd is open on; *fresh when new. A slot
 * released before is reused: its index is the probes' cookie.
 */
static struct probe_file *file_slot(struct probe *p, int fd, const char *path,
				    uint32_t owner, uint64_t mount_id, int *fresh)
{
	struct probe_file *f = NULL;
	unsigned long long dev, ino;
	unsigned i, gen;

	*fresh = 0;
	if (p->detached || p->no_uprobes || file_id(p, fd, &dev, &ino))
		return NULL;
	for (i = 0; i < p->n_files; i++) {
		struct probe_file *x = &p->files[i];

		if (x->path && x->dev == dev && x->ino == ino) {
			if (mount_id)
				file_mount(x, mount_id);
			else
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
	gen = f->gen + 1;
	memset(f, 0, sizeof(*f));
	f->gen = gen;
	f->path = strdup(path);
	if (!f->path)
		return NULL;
	f->dev = dev;
	f->ino = ino;
	if (mount_id)
		file_mount(f, mount_id);
	else
		file_own(f, owner);
	*fresh = 1;
	return f;
}

/* a job's links into its file; 1 when they were filed there */
static int file_links(struct probe *p, struct job *j)
{
	struct probe_file *f = j->slot < p->n_files ? &p->files[j->slot] : NULL;

	if (!f || !f->path || f->gen != j->gen || !f->pending)
		return 0;	/* let go of (and perhaps reused) while they were attached */
	f->pending = 0;
	for (unsigned i = 0; i < j->nlinks; i++) {
		f->syms[f->n] = j->names[i];
		f->links[f->n++] = j->links[i];
	}
	if (f->n && p->on_file)
		p->on_file(p->ctx, f, 1);
	return 1;
}

/* attach a file's points: here and now before ready, on the worker after */
static int attach_file(struct probe *p, struct probe_file *f, int fd, unsigned n,
		       struct bpf_program *const *prog, const uint64_t *off, const int *ret,
		       const char *const *sym)
{
	struct job *j = calloc(1, sizeof(*j));
	unsigned i;

	if (!j)
		return -ENOMEM;
	j->slot = f - p->files;
	j->gen = f->gen;
	j->fd = -1;
	for (i = 0; i < n && j->n < PROBE_SYMS_MAX; i++) {
		if (!off[i])
			continue;
		j->prog[j->n] = prog[i];
		j->off[j->n] = off[i];
		j->ret[j->n] = ret[i];
		j->sym[j->n++] = sym[i];
	}
	if (!j->n) {
		free(j);
		return -ENOENT;
	}
	f->pending = 1;
	j->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (j->fd < 0) {
		free(j);
		f->pending = 0;
		return -errno;
	}
	if (p->async && !worker_push(p, j))
		return 0;
	job_attach(j);
	file_links(p, j);
	free(j);
	return f->n ? 0 : -ENOENT;
}

static int loader_fd(struct probe *p, int fd, const char *path, uint32_t owner, uint64_t mount_id)
{
	struct bpf_program *prog[N_POINTS];
	const char *names[N_POINTS], *syms[N_POINTS];
	uint64_t offs[N_POINTS];
	int ret[N_POINTS];
	struct probe_file *f;
	unsigned i;
	int fresh, err = -ENOENT;

	f = file_slot(p, fd, path, owner, mount_id, &fresh);
	if (!f || !fresh)
		return f ? 0 : -ENOENT;
	for (i = 0; i < N_POINTS; i++) {
		names[i] = loader_points[i].func;
		syms[i] = loader_points[i].sym;
		ret[i] = loader_points[i].ret;
		prog[i] = loader_prog(p, i);
	}
	if (!elf_func_offsets(fd, 0, names, N_POINTS, offs))
		err = attach_file(p, f, fd, N_POINTS, prog, offs, ret, syms);
	/* a loader file without glibc's error points: musl's, say so once */
	if (!strncmp(strrchr(path, '/') ? strrchr(path, '/') + 1 : path, "ld-", 3) &&
	    (err || !offs[0]))
		lw_warn(NULL, "%s%s has no glibc loader error points (musl?): failures there are "
			"read from lookups and fd 2 only", path,
			owner || mount_id ? " (in a container's root)" : "");
	return err;
}

int probe_loader_fd(struct probe *p, int fd, const char *path, uint32_t owner)
{
	return loader_fd(p, fd, path, owner, 0);
}

int probe_loader_file(struct probe *p, int rootfd, const char *path, uint32_t owner)
{
	int fd, err;

	if (elf_open_in_root(rootfd, path, &fd))
		return -ENOENT;
	err = loader_fd(p, fd, path, owner, 0);
	close(fd);
	return err;
}

int probe_loader_mount(struct probe *p, int rootfd, const char *path, uint64_t mount_id)
{
	int fd, err;

	if (!mount_id || elf_open_in_root(rootfd, path, &fd))
		return -ENOENT;
	err = loader_fd(p, fd, path, 0, mount_id);
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
	struct bpf_program *prog;
	uint64_t offs[2], off;
	struct probe_file *f;
	int fresh, ret = 0, i;

	f = file_slot(p, fd, path, owner, 0, &fresh);
	if (!f || !fresh)
		return f && (f->n || f->pending) ? 0 : -ENOENT;
	if (elf_func_offsets(fd, 0, names, 2, offs))
		return -ENOENT;
	i = offs[0] ? 0 : 1;
	prog = p->ldr->progs.handle_go_plugin_open;
	off = offs[i];
	return attach_file(p, f, fd, 1, &prog, &off, &ret, &names[i]);
}

unsigned probe_poll(struct probe *p)
{
	struct job *j, *list;
	unsigned n = 0;

	pthread_mutex_lock(&p->w.mu);
	list = p->w.done;
	p->w.done = p->w.done_tail = NULL;
	pthread_mutex_unlock(&p->w.mu);
	while ((j = list)) {
		list = j->next;
		if (!file_links(p, j))
			job_destroy_links(p, j->links, j->nlinks);
		n++;
		free(j);
	}
	return n;
}

/*
 * Files probed for processes under another root (a container's ld.so and
 * libc) are let go once no process seen using them is alive and no mount
 * they were found in is still there, after PROBE_IDLE_NS of that: a crash
 * loop or a run of short containers keeps its image's probes.
 */
unsigned probe_release_unused(struct probe *p, int (*alive)(void *ctx, uint32_t pid),
			      int (*mounted)(void *ctx, uint64_t id), void *ctx, uint64_t now_ns)
{
	unsigned files = 0;

	for (unsigned i = 0; i < p->n_files; i++) {
		struct probe_file *f = &p->files[i];
		unsigned k, j, m;

		if (!f->path || f->shared || f->pending)
			continue;
		for (k = j = 0; k < f->n_owners; k++)
			if (alive(ctx, f->owners[k]))
				f->owners[j++] = f->owners[k];
		for (k = m = 0; k < f->n_mounts; k++)
			if (mounted && mounted(ctx, f->mounts[k]))
				f->mounts[m++] = f->mounts[k];
		if (j || m) {
			f->n_owners = j;
			f->n_mounts = m;
			f->idle_ns = 0;
			continue;
		}
		/* none left: the owners stay as they were, for the report */
		if (!f->idle_ns)
			f->idle_ns = now_ns ? now_ns : 1;
		if (now_ns < f->idle_ns + PROBE_IDLE_NS)
			continue;
		if (f->n && p->on_file)
			p->on_file(p->ctx, f, 0);
		job_destroy_links(p, f->links, f->n);
		free(f->path);
		k = f->gen;
		memset(f, 0, sizeof(*f));
		f->gen = k;
		files++;
	}
	return files;
}

const struct probe_file *probe_files(const struct probe *p, unsigned *n)
{
	*n = p->n_files;
	return p->files;
}
