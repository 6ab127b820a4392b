/* SPDX-License-Identifier: MIT */
/*
 * probe_internal: what probe.c (the skeletons, the maps, the counters) and
 * uprobes.c (the loader and plugin uprobes, per file) share. Not for others.
 */
#ifndef LW_PROBE_INTERNAL_H
#define LW_PROBE_INTERNAL_H

#include <pthread.h>
#include "probe.h"

struct job;

/*
 * After ready, uprobes are attached and destroyed on a thread of their own:
 * the kernel serialises uprobe (un)registration under one mutex and each may
 * wait out an RCU grace period (~60 ms here), and the event loop must keep
 * reading the ring meanwhile. It takes jobs in order; attached links come
 * back in `done`, for the loop to file.
 */
struct worker {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *todo, *todo_tail, *done, *done_tail;
	int started, stop, idle;
};

struct probe {
	struct ldwatch_bpf *skel;
	struct loader_bpf *ldr;
	struct ring_buffer *rb;
	int ncpu;
	struct probe_file files[PROBE_FILES_MAX];
	unsigned n_files;
	void (*on_file)(void *ctx, const struct probe_file *f, int attached);
	int (*file_key)(void *ctx, const struct stat *st, unsigned long long *dev,
			unsigned long long *ino);
	void *ctx;
	int detached;		/* stopping: the ring is drained, nothing is attached any more */
	int no_uprobes;		/* --no-uprobes */
	int async;		/* ready is out: attach and destroy on the worker */
	struct worker w;
};

/* destroy links in parallel threads (their grace periods overlap where the kernel lets them) */
void probe_destroy_links(struct bpf_link **links, unsigned n);
/* uprobes.c: the worker and every file's links, at stop (nothing is attached after) */
void uprobes_stop(struct probe *p, struct bpf_link ***links, unsigned *n);
void uprobes_init(struct probe *p);
void uprobes_free(struct probe *p);

#endif
