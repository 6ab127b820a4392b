/* SPDX-License-Identifier: MIT */
/*
 * correlate: per-process state built from decoded events, and the verdicts:
 * a finding needs an outcome (the loader's fatal message and exit, a failed
 * execve and a failed exit), never an exit code alone.
 */
#ifndef LW_CORRELATE_H
#define LW_CORRELATE_H

#include <stdbool.h>
#include <stdint.h>
#include "event.h"
#include "records.h"

#define CORR_PROCS_MAX	4096	/* processes kept; least recently seen evicted */
#define CORR_ATT_MAX	256	/* lookups kept per exec (the latest) */
#define CORR_ATT_BYTES	(64 << 10)	/* path bytes kept per exec */
#define CORR_LINE_MAX	2048	/* bytes kept of one fd-2 line */
/*
 * the default bound on all per-process state together (the table, each
 * exec's lookups, pending findings, its last words): without it 4096
 * processes could hold 4096 * (11 KiB + 64 KiB of paths), ~300 MiB
 */
#define CORR_MEM_DEFAULT	(64ull << 20)

#define CORR_REPEAT_NS	(60ull * 1000000000)	/* how often repeats are reported */

struct corr_ops {
	void (*finding)(void *ctx, const struct finding *f);
	void (*repeat)(void *ctx, const struct repeat *r);	/* NULL: repeats are dropped, counted */
	void (*load)(void *ctx, const struct load *l);		/* NULL: no load records */
	/*
	 * a loader file (ld.so, libc) process pid opened: the caller may probe it.
	 * path is the process's own, inside rootfd (its root, held by us)
	 */
	void (*loader_seen)(void *ctx, int rootfd, const char *path, uint32_t pid);
	/*
	 * an image a tracked process exec'd (dev, ino: the kernel's key for it);
	 * returns 1 when it is Go-built, 0 when not, -1 when unknown. With `pending`, the
	 * kernel tracks the process only until it hears the answer.
	 */
	int (*exec_seen)(void *ctx, int rootfd, const char *path, uint32_t dev, uint64_t ino,
			 int pending, uint32_t pid);
	/*
	 * the kernel's pid as ldwatch's own /proc names it (0: not visible there);
	 * NULL when both agree (ldwatch runs in the host's pid namespace)
	 */
	uint32_t (*local_pid)(void *ctx, uint32_t pid);
	/* a provisional verdict settled: keep it (go) or take it out of the Go scope */
	void (*settle)(void *ctx, uint32_t pid, uint64_t ino, int go);
	void *ctx;
	int rootfd;	/* the host's root: files are checked inside it, or inside a
			 * process's own root when that is another */
	const char *mountinfo;		/* normally /proc/self/mountinfo */
	const char *proc;		/* normally /proc, for processes seen mid-life */
	const char *container;		/* --container: only its findings (an id prefix) */
	uint64_t mem_budget;	/* bytes of per-process state; 0: CORR_MEM_DEFAULT */
	/* records the kernel dropped so far (ring full); NULL: losses are not known */
	uint64_t (*losses)(void *ctx);
};


struct corr;

struct corr *corr_new(const struct corr_ops *ops);
void corr_free(struct corr *c);
void corr_feed(struct corr *c, const struct lw_rec *r);
void corr_malformed(struct corr *c);
/* a process ldwatch started itself: its cwd is known before any event */
void corr_seed(struct corr *c, uint32_t pid, const char *cwd);
void corr_stats(const struct corr *c, struct corr_stats *out);
/*
 * time passes: a failure decided at exit (a failed dlopen) in a process still
 * running CORR_LINGER_NS later is reported now, as a warning with no exit
 */
#define CORR_LINGER_NS	(10ull * 1000000000)
void corr_tick(struct corr *c, uint64_t now_ns);
/* at exit: report the repeats not reported yet */
void corr_finish(struct corr *c);
/*
 * the kernel's loss count from before the previous batch of records was read:
 * a process whose exec is read from now on and whose finding sees a higher
 * count is told its evidence may be incomplete
 */
void corr_set_loss_mark(struct corr *c, uint64_t lost);
/* a file name that carries the loader's probe points (ld.so, libc, libdl, musl) */
bool corr_is_loader_name(const char *base);

#endif
