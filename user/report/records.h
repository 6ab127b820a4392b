/* SPDX-License-Identifier: MIT */
/*
 * records: what ldwatch reports, as the report stage prints it: findings
 * (a verdict and the process it is about), loads, repeats, ready and stats.
 * The correlator fills them; the formatters read them; neither needs the other.
 */
#ifndef LW_RECORDS_H
#define LW_RECORDS_H

#include <stdint.h>
#include "ldwatch.h"

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

/* why, for the kinds that have one (permission-denied, goroot-broken, missing-interpreter) */
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
	LW_C_IS_A_DIRECTORY,
	LW_C_CRLF_LINE_ENDINGS,
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
	X(variable)	/* the environment variable at fault, NAME=VALUE */ \
	X(fix)		/* where the missing thing really is, and what makes the loader find it */

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
	const char *mode;	/* NULL: a live finding; "check": ldwatch check's */
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
	/* its Kubernetes pod, from the node's /var/log/pods: NULL when not found */
	const char *pod_namespace, *pod_name;
	const char *pod_container;	/* NULL when the pod's folders do not tell */
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

/*
 * findings grouped by root cause (--summary, SIGUSR1): kind, object, who
 * needed or ran it, container; a repeat's count goes to its finding's group
 */
#define SUMMARY_GROUPS_MAX	256	/* causes kept; the rest counted as other */
#define SUMMARY_STR_MAX		1024	/* bytes kept of each string */
struct summary_group {
	enum lw_kind kind;
	enum lw_severity severity;
	char *object, *who, *ctr;	/* NULL when none */
	uint64_t count, first_ns, last_ns;	/* CLOCK_MONOTONIC */
};
struct summary {
	struct summary_group g[SUMMARY_GROUPS_MAX];
	unsigned n;
	uint64_t total, other;		/* findings in all; those past the table */
	uint64_t first_ns, last_ns;
};
/* the group's severity (its first finding's), sev for a new one */
enum lw_severity summary_add(struct summary *s, enum lw_kind kind, enum lw_severity sev,
			     const char *object, const char *who, const char *ctr, uint64_t count,
			     uint64_t first_ns, uint64_t last_ns);
/* the biggest group first */
void summary_sort(struct summary *s);
void summary_free(struct summary *s);

struct corr_stats {
	uint64_t procs;		/* processes held now */
	uint64_t evicted;	/* dropped to stay within CORR_PROCS_MAX or the memory budget */
	uint64_t mem_bytes;	/* bytes of per-process state held now */
	uint64_t findings;
	uint64_t undecided;	/* loader failures whose outcome never came */
	uint64_t malformed;	/* records that failed to decode */
	uint64_t loads;		/* successful dlopens seen */
	uint64_t repeats;	/* container findings folded into a repeat count */
	uint64_t filtered;	/* findings and loads of other containers (--container) */
};

/* one file's loader uprobes, as the ready record lists them */
struct ready_file {
	const char *path;
	const char *const *syms;	/* "dlopen", "dlopen%return", ... */
	unsigned n;
};

struct ready_info {
	const char *version, *scope, *tracefs;
	int probes;
	uint32_t pid;		/* -p PID or the -- CMD child; 0 when none */
	const struct ready_file *files;	/* loader uprobes, per file */
	unsigned n_files;
};

struct final_stats {
	struct lw_stats k;	/* kernel counters, summed over CPUs */
	struct corr_stats u;	/* daemon counters */
	uint64_t received;	/* records read from the ring */
	uint64_t write_errors;	/* records that could not be written */
	uint64_t left_unread;	/* records still in the ring when the final drain's deadline passed */
	double stall_max_ms;	/* the longest the loop spent on one record or between two reads */
	double seconds;
	int final;		/* the last one, at exit */
};

#endif
