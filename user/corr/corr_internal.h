/* SPDX-License-Identifier: MIT */
/*
 * corr_internal.h: what the correlator's files share (as libbpf_internal.h
 * does for libbpf): the per-process state, the limits, and the functions one
 * family file calls in another. Not for use outside user/corr/.
 */
#ifndef LW_CORR_INTERNAL_H
#define LW_CORR_INTERNAL_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <elf.h>
#include "container.h"
#include "roots.h"
#include "correlate.h"
#include "elfinfo.h"
#include "fsinfo.h"
#include "hwcaps.h"
#include "sbuf.h"
#include "util.h"

#define HASH_BUCKETS	1024
#define PEND_MAX	4
#define XF_MAX		8
#define MF_MAX		4
#define KEYS_MAX	16
#define LE_MAX		8	/* loader errors kept per exec (the latest) */
#define DL_MAX		4	/* dlopens in flight per process (one per thread) */
#define GP_MAX		4	/* Go plugin.Open calls kept per exec */
#define ENV_MAX		12	/* steering variables kept per exec */
#define GO_DEPTH	16	/* parents walked to find the go invocation */
/* the first occurrence of a literal in s[0..n), or NULL: no lengths counted by hand */
#define find_lit(s, n, lit) ((const char *)find_bytes((s), (n), "" lit, LIT_LEN(lit)))
/* just past the first occurrence of a literal, or NULL */
#define past_lit(s, n, lit) ({ const char *hit__ = find_lit((s), (n), lit); \
			       hit__ ? hit__ + LIT_LEN(lit) : NULL; })

/* ld.so splits LD_LIBRARY_PATH at both (elf/dl-load.c, as resolve.c does) */
#define LLP_SEPS	":;"

#define LIB_PATH_MAX	4096	/* a search entry or candidate path */
#define SAID_MAX	1024	/* bytes kept of what a process wrote to fd 2 (its last words) */

/* one loader error, as its uprobe saw it */
struct ldrerr {
	uint32_t tid, op;
	int errcode;
	unsigned seq;			/* position among the exec's loader errors */
	char *objname, *text;		/* text: the formatted errstring */
	char *a3, *a5;			/* format arguments: symbol/version, version */
	char *a4;
};

/* a dlopen between its entry and its return */
struct dlop {
	uint32_t tid, flags;
	char *name;
	unsigned att_mark, le_mark;	/* attempts and loader errors before it */
};

struct goplug {
	char *path;
	unsigned att_mark;
	int dlopened;			/* a dlopen followed: it reports for itself */
};

/* a finding waiting for its outcome (the exit that confirms it) */
struct pending {
	struct verdict v;	/* what it will say: decided by one family, never rewritten */
	int confirm_code;	/* exit code that confirms it; -1: any exit */
	int sev_by_exit;	/* an error only when reported and then a failed exit */
	int reported;		/* the program wrote of it to fd 2 since (its own words) */
	uint64_t ts_ns;
	struct attempt *att;
	unsigned n_att;
};

struct execfail {
	char *path;
	int err;
};

struct mmapfail {
	char *path;
	int err;
	int noexec;
};

struct proc {
	uint32_t pid, ppid, uid;
	uint64_t start_ns;
	char comm[LW_COMM_LEN];
	char *exe, *cwd;
	struct attempt att[CORR_ATT_MAX];
	unsigned att_seq[CORR_ATT_MAX];	/* att_next at the time each was added */
	unsigned att_head, att_n, att_next;
	size_t att_bytes;
	struct ldrerr le[LE_MAX];
	unsigned le_n, le_next;
	struct dlop dl[DL_MAX];
	unsigned n_dl;
	struct goplug gp[GP_MAX];
	unsigned n_gp;
	char *goline;			/* Go's own "plugin.Open(...)" error line */
	char *env[ENV_MAX];		/* NAME=VALUE, as captured at exec */
	unsigned n_env;
	char *go_cmd;			/* a go command's subcommand; NULL for others */
	int ignore;			/* out of scope until its next exec */
	int cnf;			/* said "command not found" on fd 2 */
	char *said;			/* the last SAID_MAX bytes it wrote to fd 2, lines joined */
	size_t said_len;
	int go_bin;			/* its image is Go-built */
	uint64_t image_ino;		/* its image's inode, as the kernel saw it */
	int in_ctr;			/* outside the host's mount namespace: ctr is set */
	int has_root;			/* under another root than the host's: root is set */
	struct root_key root;
	char *root_fs;			/* that root's path inside its filesystem, or NULL */
	int after_ns;			/* its last record was LW_EV_NS */
	uint64_t loss_mark;		/* kernel losses known before its exec could be read */
	int env_trunc;			/* a captured variable was cut short in the kernel */
	int unreadable;			/* a record of this exec had a string the kernel could not read */
	struct ctr_ctx ctr;
	char *ctr_cgroup;
	struct container_id ctr_id;
	char line[CORR_LINE_MAX];
	size_t line_len;
	int line_quiet;			/* the line at hand went to /dev/null */
	struct pending pend[PEND_MAX];
	unsigned n_pend;
	struct execfail xf[XF_MAX];
	unsigned n_xf;
	struct mmapfail mf[MF_MAX];
	unsigned n_mf;
	uint64_t keys[KEYS_MAX];
	unsigned n_keys;
	size_t mem;			/* its bytes, as last counted (proc_account) */
	struct proc *hnext, *lprev, *lnext;
};

#define LOOP_MAX	256	/* container findings remembered for crash-loop counting */

struct loop {
	uint64_t key;
	enum lw_kind kind;
	char *object, *runtime, *id, *exe;
	uint64_t first_ns, last_ns;
	uint32_t count, total;
};

/* where the files of the process at hand are: see where_of(); passed, never kept */
struct where {
	int root;		/* the root its files are checked in (<0: unreachable) */
	const char *mountinfo;	/* its mount table, NULL when unknown */
	const char *root_host;	/* its root on the host; NULL: the host's own, or unknown */
	char mi_buf[64];
};

struct corr {
	struct corr_ops ops;
	struct loop loops[LOOP_MAX];
	unsigned n_loops;
	uint64_t last_repeat_ns;
	struct proc *bucket[HASH_BUCKETS];
	struct proc *lru_head, *lru_tail;	/* head: most recently seen */
	struct corr_stats st;
	struct elf_info elf;			/* scratch, ~20 KiB */
	struct roots *roots;			/* other processes' roots, held */
	uint64_t loss_mark;	/* see corr_set_loss_mark */
};


/*
 * memmem(), written out: glibc 2.36's memmem crashed under gcc -O1 with
 * ASan's interceptor on our lines (sane arguments, checked), and this needs
 * nothing clever
 */
static inline void *find_bytes(const void *hay, size_t hn, const void *needle, size_t nn)
{
	const char *h = hay;

	if (!nn)
		return (void *)h;
	for (size_t i = 0; i + nn <= hn; i++)
		if (h[i] == *(const char *)needle && !memcmp(h + i, needle, nn))
			return (void *)(h + i);
	return NULL;
}
static inline char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}
static inline const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* proctable.c */
void proc_account(struct corr *c, struct proc *p);
void att_clear(struct attempt *a, unsigned n);
void le_clear(struct ldrerr *e);
void proc_reset_exec(struct proc *p);
void proc_remove(struct corr *c, struct proc *p);
uint32_t proc_pid(const struct corr *c, uint32_t pid);
struct proc *proc_find(struct corr *c, uint32_t pid);
struct proc *proc_get(struct corr *c, uint32_t pid, uint64_t start_ns);
void proc_note(struct proc *p, const struct lw_rec *r);
const char *env_get(const struct proc *p, const char *name);
struct proc *go_of(struct corr *c, struct proc *p);
const char *env_find(struct corr *c, struct proc *p, const char *name);

/* attempts.c */
typedef bool (*att_pred)(const struct attempt *a, const void *arg);
unsigned att_select(struct proc *p, att_pred want, const void *arg, unsigned since,
		    struct attempt **out);
unsigned att_seq_at(const struct proc *p, unsigned i);
void att_add(struct proc *p, const char *path, uint32_t op, int err, uint32_t mode);
struct attempt *att_at(const struct proc *p, unsigned i);
bool att_is_for(const struct attempt *a, const char *name);
unsigned att_collect(struct proc *p, const char *name, unsigned since,
			    struct attempt **out);
const char *last_opened(struct proc *p, const char *name, unsigned since);
const struct attempt *att_last(struct proc *p, const char *path);
unsigned att_under(struct proc *p, const char *path, struct attempt **out);

/* fix.c */
bool fix_ignored_library_path(const struct where *w, struct proc *p, struct pending *pd,
			      const char *name);
void fix_missing_library(struct corr *c, const struct where *w, struct proc *p,
			 struct pending *pd, const char *name);
/* the needer's own RPATH/RUNPATH entries that could not hold name: into hint (and fix) */
void fix_search_notes(struct corr *c, const struct where *w, struct proc *p, struct pending *pd,
		      const char *name);

/* gate.c */
void verdict_clear(struct verdict *v);
void pending_clear(struct pending *pd);
void loop_clear(struct loop *l);
void report_repeats(struct corr *c);
bool ctr_wanted(const struct corr *c, const struct proc *p);
void emit(struct corr *c, const struct where *w, struct proc *p, const struct pending *pd,
	  int exit_code, int sig);
struct pending *pending_new(struct proc *p, const char *line, size_t len,
				   uint64_t ts);

/* loadermsg.c */
bool own_evidence(const struct proc *p, const char *name);
int inspect(const struct where *w, const char *path, struct elf_info *info);
bool library_refused(struct corr *c, const struct where *w, struct proc *p, struct pending *pd,
		     const char *name, const char *errstr, unsigned since,
		     char enotdir[LIB_PATH_MAX]);
void missing_library(struct corr *c, const struct where *w, struct proc *p, struct pending *pd,
		     const char *name, const char *enotdir);
void missing_preload(struct pending *pd, const char *name);
void search_entry(const char *cand, const char *name, char *out, size_t cap);
void diagnose_class(struct corr *c, const struct where *w, struct proc *p, struct pending *pd,
		    const char *name, const char *errstr, unsigned since);
void on_version_line(const struct where *w, struct proc *p, const char *line, size_t len,
		     const char *at, uint64_t ts);
void on_symbol_line(struct proc *p, const char *line, size_t len, const char *rest,
			   uint64_t ts);
void on_musl_reloc_line(struct proc *p, const char *line, size_t len, uint64_t ts);

/* lines.c */
void on_line(struct corr *c, const struct where *w, struct proc *p, const char *line, size_t len,
	     uint64_t ts);
void on_stderr(struct corr *c, const struct where *w, struct proc *p, const struct lw_rec *r);

/* dlopen.c */
void on_plugin_skew_line(const struct where *w, struct proc *p, const char *line, size_t len,
			 const char *at, uint64_t ts);
void diagnose_goplug(const struct where *w, struct proc *p, const struct goplug *g, uint64_t ts);
void goplug_from_message(struct proc *p);
void on_loader(struct corr *c, const struct where *w, struct proc *p, const struct lw_rec *r);

/* execfail.c */
enum lw_cause deny_cause(struct corr *c, const struct where *w, const char *path, uint32_t uid,
		       int want, struct stat *st, char **mount);
char *deny_hint(enum lw_cause cause, const char *path, uint32_t uid, int want,
		       const struct stat *st, const char *mount);
void diagnose_exec(struct corr *c, const struct where *w, struct proc *p, const struct execfail *x,
		   uint64_t ts, int code, int sig);
void diagnose_command(struct corr *c, const struct where *w, struct proc *p, uint64_t ts, int code,
		      int sig);

/* gotool.c */
void on_goroot_line(struct corr *c, struct proc *p, const char *line, size_t len,
			   uint64_t ts);
void on_link_line(struct corr *c, struct proc *p, const char *line, size_t len,
			 const char *at, uint64_t ts);

/* correlate.c */
void where_of(struct corr *c, const struct proc *p, uint64_t now_ns, struct where *w);
char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool is_open_op(uint32_t op);

#endif
