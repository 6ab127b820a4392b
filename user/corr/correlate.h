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

#define CORR_PROCS_MAX	4096	/* processes kept; least recently seen evicted */
#define CORR_ATT_MAX	256	/* lookups kept per exec (the latest) */
#define CORR_ATT_BYTES	(64 << 10)	/* path bytes kept per exec */
#define CORR_LINE_MAX	2048	/* bytes kept of one fd-2 line */

struct attempt {
	char *path;
	uint32_t op;		/* LW_OP_* */
	int err;		/* 0: the lookup succeeded */
	uint32_t mode;		/* st_mode a successful stat returned, else 0 */
};

/* what a finding says went wrong: names in kinds.c, one per enum, as README's table */
enum lw_kind {
	LW_K_NONE,
	LW_K_MISSING_LIBRARY,
	LW_K_MISSING_PRELOAD,
	LW_K_MISSING_INTERPRETER,
	LW_K_PERMISSION_DENIED,
	LW_K_NOT_A_DIRECTORY,
	LW_K_VERSION_MISMATCH,
	LW_K_WRONG_ELF_CLASS,
	LW_K_UNDEFINED_SYMBOL,
	LW_K_DLOPEN_FAILED,
	LW_K_GO_PLUGIN_MISMATCH,
	LW_K_GOROOT_BROKEN,
	LW_K_LINK_LIBRARY_NOT_FOUND,
	LW_K_COMMAND_NOT_FOUND,
	LW_K_LOADER_ERROR,
	LW_K_EXEC_FAILED,
	LW_K__COUNT,
};

/* why, for the kinds that have one (permission-denied, goroot-broken) */
enum lw_cause {
	LW_C_NONE,
	LW_C_FILE_MODE,
	LW_C_NOEXEC_MOUNT,
	LW_C_SECURITY_MODULE,
	LW_C_UNKNOWN,
	LW_C_MISSING,
	LW_C_NOT_A_DIRECTORY,
	LW_C_SRC_NOT_A_DIRECTORY,
	LW_C_NO_SRC,
	LW_C__COUNT,
};

enum lw_severity {
	LW_SEV_ERROR,
	LW_SEV_WARNING,
};

const char *lw_kind_name(enum lw_kind k);
const char *lw_cause_name(enum lw_cause c);	/* NULL for LW_C_NONE */
const char *lw_severity_name(enum lw_severity s);

/*
 * The string fields of a verdict, listed once: struct verdict declares them,
 * verdict_clear() frees them, and a finding carries a copy.
 */
#define VERDICT_STRS(X) \
	X(exe)		/* when the finding is about another binary than the image */ \
	X(object) X(needed_by) X(message) X(mount) X(hint) \
	X(symbol) X(version) X(elf_class) X(machine) X(dependency) \
	X(variable)	/* the environment variable at fault, NAME=VALUE */

/* what one family decided: the part of a finding that is not the process's */
struct verdict {
	enum lw_kind kind;
	enum lw_cause cause;
	enum lw_severity severity;
	int err;		/* errno, 0 when none */
#define VERDICT_STR_FIELD(name) char *name;
	VERDICT_STRS(VERDICT_STR_FIELD)
#undef VERDICT_STR_FIELD
};

struct finding {
	struct verdict v;	/* v.exe is always set (the image's, unless the verdict names another) */
	uint64_t ts_ns;		/* CLOCK_MONOTONIC */
	uint32_t pid, ppid, uid;
	const char *comm, *cwd;
	uint32_t go_pid;		/* the go invocation above, 0 when none */
	const char *go_cmd;		/* its subcommand ("build", "run") */
	const char *const *env;		/* captured steering variables, NAME=VALUE */
	unsigned n_env;
	const struct ctr_ctx *container;	/* NULL for a process in the host's namespaces */
	const char *root;		/* its root directory's host path, when not the host's */
	const char *object_host;	/* the object's path on the host, when known */
	const char *incomplete;		/* why evidence may be missing, NULL when none */
	int exit_code;		/* -1 when none */
	int signal;		/* -1 when none */
	const struct attempt *attempts;
	unsigned n_attempts;
};

/* where a process outside the host's mount namespace lives */
struct ctr_ctx {
	uint64_t cgroup_id;
	uint32_t mntns, pidns, nspid;
	const char *cgroup;		/* cgroup v2 path, NULL when not found */
	const char *runtime, *id, *pod_uid;	/* NULL when not recognised */
};

/* a successful dlopen or plugin load (--loads) */
struct load {
	uint64_t ts_ns;
	uint32_t pid, ppid, uid, flags, duration_us;
	const char *comm, *exe, *name, *path;
	const struct ctr_ctx *container;	/* NULL for a process in the host's namespaces */
};

/*
 * a finding seen again, counted and reported now and then: a container's (a
 * crash loop), or a warning a program gives on every run (the same exe)
 */
struct repeat {
	enum lw_kind kind;
	const char *object, *runtime, *id;	/* runtime, id: NULL for a host's */
	const char *exe;		/* the program's, NULL for a container's */
	uint64_t first_ns, last_ns;	/* CLOCK_MONOTONIC */
	uint32_t count;			/* since the last report */
	uint32_t total;			/* in all, the first one included */
};

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
	/* records the kernel dropped so far (ring full); NULL: losses are not known */
	uint64_t (*losses)(void *ctx);
};

struct corr_stats {
	uint64_t procs;		/* processes held now */
	uint64_t evicted;	/* dropped to stay within CORR_PROCS_MAX */
	uint64_t findings;
	uint64_t undecided;	/* loader failures whose outcome never came */
	uint64_t malformed;	/* records that failed to decode */
	uint64_t loads;		/* successful dlopens seen */
	uint64_t repeats;	/* container findings folded into a repeat count */
	uint64_t filtered;	/* findings and loads of other containers (--container) */
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
