// SPDX-License-Identifier: MIT
/* correlate: per-process state, and the verdicts that turn it into findings */
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
#include "sbuf.h"

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
	char *exe;		/* when the finding is about another binary than the image */
	char *kind, *object, *needed_by, *message, *cause, *mount, *hint;
	char *symbol, *version, *elf_class, *machine, *dependency, *variable;
	const char *severity;
	int err;
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
	struct proc *hnext, *lprev, *lnext;
};

#define LOOP_MAX	256	/* container findings remembered for crash-loop counting */

struct loop {
	uint64_t key;
	char *kind, *object, *runtime, *id, *exe;
	uint64_t first_ns, last_ns;
	uint32_t count, total;
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
	int root;		/* the root files are checked in, for the process at hand */
	const char *mountinfo;	/* its mount table, NULL when unknown */
	char mi_buf[64];
	const char *root_host;	/* its root on the host; NULL: the host's own, or unknown */
	uint64_t loss_mark;	/* see corr_set_loss_mark */
};

/*
 * memmem(), written out: glibc 2.36's memmem crashed under gcc -O1 with
 * ASan's interceptor on our lines (sane arguments, checked), and this needs
 * nothing clever
 */
static void *find_bytes(const void *hay, size_t hn, const void *needle, size_t nn)
{
	const char *h = hay;

	if (!nn)
		return (void *)h;
	for (size_t i = 0; i + nn <= hn; i++)
		if (h[i] == *(const char *)needle && !memcmp(h + i, needle, nn))
			return (void *)(h + i);
	return NULL;
}

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* --- process table ------------------------------------------------------ */

static void att_clear(struct attempt *a, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free(a[i].path);
}

static void pending_clear(struct pending *pd)
{
	free(pd->exe);
	free(pd->kind);
	free(pd->object);
	free(pd->needed_by);
	free(pd->message);
	free(pd->cause);
	free(pd->mount);
	free(pd->hint);
	free(pd->symbol);
	free(pd->version);
	free(pd->elf_class);
	free(pd->machine);
	free(pd->dependency);
	free(pd->variable);
	att_clear(pd->att, pd->n_att);
	free(pd->att);
	memset(pd, 0, sizeof(*pd));
}

static void le_clear(struct ldrerr *e)
{
	free(e->objname);
	free(e->text);
	free(e->a3);
	free(e->a4);
	free(e->a5);
	memset(e, 0, sizeof(*e));
}

/* forget what the previous image did: a new exec starts a new story */
static void proc_reset_exec(struct proc *p)
{
	unsigned i;

	for (i = 0; i < p->att_n; i++)
		free(p->att[(p->att_head + i) % CORR_ATT_MAX].path);
	p->att_head = p->att_n = 0;
	p->att_bytes = 0;
	p->line_len = 0;
	for (i = 0; i < p->n_pend; i++)
		pending_clear(&p->pend[i]);
	p->n_pend = 0;
	for (i = 0; i < p->n_xf; i++)
		free(p->xf[i].path);
	p->n_xf = 0;
	for (i = 0; i < p->n_mf; i++)
		free(p->mf[i].path);
	p->n_mf = 0;
	p->n_keys = 0;
	for (i = 0; i < p->le_n; i++)
		le_clear(&p->le[i]);
	p->le_n = 0;
	for (i = 0; i < p->n_dl; i++)
		free(p->dl[i].name);
	p->n_dl = 0;
	for (i = 0; i < p->n_gp; i++)
		free(p->gp[i].path);
	p->n_gp = 0;
	free(p->goline);
	p->goline = NULL;
	for (i = 0; i < p->n_env; i++)
		free(p->env[i]);
	p->n_env = 0;
	free(p->go_cmd);
	p->go_cmd = NULL;
	p->cnf = 0;
	free(p->said);
	p->said = NULL;
	p->said_len = 0;
}

static void proc_free(struct proc *p)
{
	proc_reset_exec(p);
	free(p->root_fs);
	free(p->ctr_cgroup);
	free(p->exe);
	free(p->cwd);
	free(p);
}

static void lru_unlink(struct corr *c, struct proc *p)
{
	if (p->lprev)
		p->lprev->lnext = p->lnext;
	else
		c->lru_head = p->lnext;
	if (p->lnext)
		p->lnext->lprev = p->lprev;
	else
		c->lru_tail = p->lprev;
	p->lprev = p->lnext = NULL;
}

static void lru_push(struct corr *c, struct proc *p)
{
	p->lnext = c->lru_head;
	p->lprev = NULL;
	if (c->lru_head)
		c->lru_head->lprev = p;
	c->lru_head = p;
	if (!c->lru_tail)
		c->lru_tail = p;
}

static void proc_remove(struct corr *c, struct proc *p)
{
	struct proc **pp = &c->bucket[p->pid % HASH_BUCKETS];

	while (*pp && *pp != p)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = p->hnext;
	lru_unlink(c, p);
	if (p->n_pend)
		c->st.undecided += p->n_pend;
	proc_free(p);
	c->st.procs--;
}

static char *read_link(const char *proc, uint32_t pid, const char *what)
{
	char path[64], buf[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%u/%s", proc, pid, what);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/* the kernel's pid as /proc (ours) names it; 0 when it is not visible there */
static uint32_t proc_pid(const struct corr *c, uint32_t pid)
{
	return c->ops.local_pid ? c->ops.local_pid(c->ops.ctx, pid) : pid;
}

static struct proc *proc_find(struct corr *c, uint32_t pid)
{
	struct proc *p;

	for (p = c->bucket[pid % HASH_BUCKETS]; p; p = p->hnext)
		if (p->pid == pid)
			return p;
	return NULL;
}

/* a (pid, start) pair names a process; start 0 means "not known yet" */
static struct proc *proc_get(struct corr *c, uint32_t pid, uint64_t start_ns)
{
	struct proc *p = proc_find(c, pid);

	if (p && start_ns && p->start_ns && p->start_ns != start_ns) {
		proc_remove(c, p);	/* a reused pid: the old one's exit was missed */
		p = NULL;
	}
	if (p) {
		if (!p->start_ns)
			p->start_ns = start_ns;
		lru_unlink(c, p);
		lru_push(c, p);
		return p;
	}
	if (c->st.procs >= CORR_PROCS_MAX && c->lru_tail) {
		proc_remove(c, c->lru_tail);
		c->st.evicted++;
	}
	p = calloc(1, sizeof(*p));
	if (p)
		p->loss_mark = c->loss_mark;
	if (!p)
		return NULL;
	p->pid = pid;
	p->start_ns = start_ns;
	if (c->ops.proc && proc_pid(c, pid)) {
		/* seen mid-life: what /proc still says, best effort */
		p->exe = read_link(c->ops.proc, proc_pid(c, pid), "exe");
		p->cwd = read_link(c->ops.proc, proc_pid(c, pid), "cwd");
	}
	p->hnext = c->bucket[pid % HASH_BUCKETS];
	c->bucket[pid % HASH_BUCKETS] = p;
	lru_push(c, p);
	c->st.procs++;
	return p;
}

static void proc_note(struct proc *p, const struct lw_rec *r)
{
	p->ppid = r->ev.ppid;
	p->uid = r->ev.uid;
	memcpy(p->comm, r->ev.comm, sizeof(p->comm));
}

static void att_add(struct proc *p, const char *path, uint32_t op, int err, uint32_t mode)
{
	size_t len = strlen(path);
	struct attempt *a;

	while (p->att_n && (p->att_n == CORR_ATT_MAX || p->att_bytes + len > CORR_ATT_BYTES)) {
		a = &p->att[p->att_head];
		p->att_bytes -= strlen(a->path);
		free(a->path);
		a->path = NULL;
		p->att_head = (p->att_head + 1) % CORR_ATT_MAX;
		p->att_n--;
	}
	a = &p->att[(p->att_head + p->att_n) % CORR_ATT_MAX];
	a->path = strdup(path);
	if (!a->path)
		return;
	a->op = op;
	a->err = err;
	a->mode = mode;
	p->att_seq[(p->att_head + p->att_n) % CORR_ATT_MAX] = p->att_next++;
	p->att_n++;
	p->att_bytes += len;
}

static struct attempt *att_at(struct proc *p, unsigned i)
{
	return &p->att[(p->att_head + i) % CORR_ATT_MAX];
}

/* --- evidence ----------------------------------------------------------- */

/* files whose uprobes hear the loader: ld.so, libc, libdl, musl's loader */
bool corr_is_loader_name(const char *b)
{
	return !strncmp(b, "ld-linux", 8) || !strncmp(b, "ld-musl-", 8) ||
	       !strcmp(b, "libc.so.6") || !strcmp(b, "libdl.so.2") ||
	       (!strncmp(b, "ld-2.", 5) && strstr(b, ".so")) ||
	       (!strncmp(b, "libc-2.", 7) && strstr(b, ".so"));
}

static bool is_open_op(uint32_t op)
{
	return op == LW_OP_OPEN || op == LW_OP_OPENAT || op == LW_OP_OPENAT2;
}

/* a lookup of the library `name` (a bare name matches any directory) */
static bool att_is_for(const struct attempt *a, const char *name)
{
	if (!is_open_op(a->op) && a->op != LW_OP_MMAP)
		return false;
	if (strchr(name, '/') && name[0] == '/')
		return strcmp(a->path, name) == 0;
	return strcmp(base_name(a->path), base_name(name)) == 0;
}

/*
 * Did this process's own loader produce a line about `name`? Its lookups of
 * it, or its loader's uprobe events naming it. A process that only relays
 * another's fd 2 (podman run, ssh, tee, a CI runner) has neither, and a
 * static binary that prints a loader-like line has no loader at all.
 */
static bool own_evidence(const struct proc *p, const char *name)
{
	const char *b = base_name(name);

	if (!b[0])
		return false;
	for (unsigned i = 0; i < p->att_n; i++) {
		const struct attempt *a = &p->att[(p->att_head + i) % CORR_ATT_MAX];

		if (att_is_for(a, name) || ((is_open_op(a->op) || a->op == LW_OP_MMAP) &&
					    !strcmp(base_name(a->path), b)))
			return true;
	}
	for (unsigned i = 0; i < p->le_n; i++) {
		const struct ldrerr *e = &p->le[i];

		if ((e->objname && !strcmp(base_name(e->objname), b)) ||
		    (e->text && strstr(e->text, b)))
			return true;
	}
	return false;
}

/* a loader uprobe event formatted from `fmt_start` whose first argument is a3 */
static bool le_formatted(const struct proc *p, const char *fmt_start, const char *a3, size_t n)
{
	for (unsigned i = 0; i < p->le_n; i++) {
		const struct ldrerr *e = &p->le[i];

		if (e->op == LW_OP_DL_EXCEPTION_FMT && e->text && e->a3 &&
		    !strncmp(e->text, fmt_start, strlen(fmt_start)) &&
		    strlen(e->a3) == n && !memcmp(e->a3, a3, n))
			return true;
	}
	return false;
}

/* obj (n bytes) is this process's image, or an object it opened */
static bool own_object(const struct proc *p, const char *obj, size_t n)
{
	char name[4096];

	if (!n || n >= sizeof(name))
		return false;
	memcpy(name, obj, n);
	name[n] = '\0';
	if (p->exe && !strcmp(base_name(p->exe), base_name(name)))
		return true;
	for (unsigned i = 0; i < p->att_n; i++) {
		const struct attempt *a = &p->att[(p->att_head + i) % CORR_ATT_MAX];

		if (!a->err && att_is_for(a, name))
			return true;
	}
	return false;
}

static unsigned att_collect(struct proc *p, const char *name, unsigned since,
			    struct attempt **out)
{
	unsigned i, n = 0;
	struct attempt *v;

	*out = NULL;
	v = calloc(p->att_n ? p->att_n : 1, sizeof(*v));
	if (!v)
		return 0;
	for (i = 0; i < p->att_n; i++) {
		struct attempt *a = att_at(p, i);

		if (!att_is_for(a, name) || p->att_seq[(p->att_head + i) % CORR_ATT_MAX] < since)
			continue;
		v[n].path = strdup(a->path);
		if (!v[n].path)
			break;
		v[n].op = a->op;
		v[n].err = a->err;
		v[n].mode = a->mode;
		n++;
	}
	*out = v;
	return n;
}

static int inspect(struct corr *c, const char *path, struct elf_info *info)
{
	int fd, err;

	err = elf_open_in_root(c->root, path, &fd);
	if (err)
		return err;
	err = elf_inspect_fd(fd, 0, info);
	close(fd);
	return err;
}

static bool elf_needs(const struct elf_info *info, const char *name)
{
	for (unsigned i = 0; i < info->n_needed; i++)
		if (!strcmp(info->needed[i], name))
			return true;
	return false;
}

/* who needed `name`: the executable, else a library this exec opened */
static char *find_needer(struct corr *c, struct proc *p, const char *name)
{
	if (p->exe && !inspect(c, p->exe, &c->elf) && elf_needs(&c->elf, name))
		return strdup(p->exe);
	for (unsigned i = 0; i < p->att_n; i++) {
		struct attempt *a = att_at(p, i);

		if (a->err || !is_open_op(a->op) || !strstr(base_name(a->path), ".so"))
			continue;
		if (!inspect(c, a->path, &c->elf) && elf_needs(&c->elf, name))
			return strdup(a->path);
	}
	return NULL;
}

/*
 * The search-path entry behind a candidate: strip "/name", then the
 * glibc-hwcaps and legacy hwcaps subdirectories the loader appends.
 */
static void search_entry(const char *cand, const char *name, char *out, size_t cap)
{
	static const char *const sub[] = { "/tls", "/x86_64", "/haswell", "/avx512_1", "/i686", "/sse2" };
	size_t n = strlen(cand), k = strlen(name);
	char *g;
	bool again = true;

	if (n > k && cand[n - k - 1] == '/' && !strcmp(cand + n - k, name))
		n -= k + 1;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, cand, n);
	out[n] = '\0';
	g = strstr(out, "/glibc-hwcaps/");
	if (g && !strchr(g + strlen("/glibc-hwcaps/"), '/'))
		*g = '\0';
	while (again) {
		again = false;
		for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
			size_t l = strlen(out), s = strlen(sub[i]);

			if (l > s && !strcmp(out + l - s, sub[i])) {
				out[l - s] = '\0';
				again = true;
			}
		}
	}
}

static const char *deny_cause(struct corr *c, const char *path, uint32_t uid, int want,
			      struct stat *st, char **mount)
{
	char mnt[4096];
	int noexec = 0;

	if ((want & X_OK) && c->mountinfo &&
	    !fs_mount_of(c->mountinfo, path, mnt, sizeof(mnt), &noexec) && noexec) {
		*mount = strdup(mnt);
		return "noexec-mount";
	}
	/* another root: its mount table may be gone with it, the mount's flags are not */
	if ((want & X_OK) && c->root != c->ops.rootfd && fs_noexec_in_root(c->root, path) == 1) {
		*mount = NULL;
		return "noexec-mount";
	}
	if (!fs_stat_in_root(c->root, path, st) && fs_mode_denies(st, uid, want))
		return "file-mode";
	return fs_lsm_active() ? "security-module" : "unknown";
}

static char *deny_hint(const char *cause, const char *path, uint32_t uid, int want,
		       const struct stat *st, const char *mount)
{
	if (!strcmp(cause, "noexec-mount"))
		return xprintf("%s is on %s, which is mounted noexec: move it to a filesystem "
			       "that allows execution, or remount %s without noexec",
			       path, mount ? mount : "a mount", mount ? mount : "it");
	if (!strcmp(cause, "file-mode"))
		return xprintf("%s is not %s for uid %u (mode %04o, owner %u): fix its permissions "
			       "(chmod %s)", path, want & X_OK ? "executable" : "readable", uid,
			       (unsigned)(st->st_mode & 07777), (unsigned)st->st_uid,
			       want & X_OK ? "+x" : "o+r");
	if (!strcmp(cause, "security-module"))
		return xprintf("the mode bits of %s allow access, yet it was refused: check the "
			       "security module's audit log (AppArmor, SELinux)", path);
	return xprintf("access to %s was refused for a reason ldwatch could not determine", path);
}

/* --- findings ----------------------------------------------------------- */

static uint64_t key_of(const char *kind, const char *object)
{
	uint64_t h = 1469598103934665603ull;
	const char *s;

	for (s = kind; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	h = (h ^ 0xff) * 1099511628211ull;
	for (s = object ? object : ""; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* one finding per root cause per exec */
static bool key_seen(struct proc *p, const char *kind, const char *object)
{
	uint64_t k = key_of(kind, object);

	for (unsigned i = 0; i < p->n_keys; i++)
		if (p->keys[i] == k)
			return true;
	if (p->n_keys < KEYS_MAX)
		p->keys[p->n_keys++] = k;
	return false;
}

/* a captured variable's value, or NULL */
static const char *env_get(const struct proc *p, const char *name)
{
	size_t n = strlen(name);

	for (unsigned i = 0; i < p->n_env; i++)
		if (!strncmp(p->env[i], name, n) && p->env[i][n] == '=')
			return p->env[i] + n + 1;
	return NULL;
}

/* the go invocation a process belongs to: itself or its nearest go ancestor */
static struct proc *go_of(struct corr *c, struct proc *p)
{
	for (int i = 0; p && i < GO_DEPTH; i++) {
		if (p->go_cmd)
			return p;
		if (p->ppid == p->pid)
			break;
		p = proc_find(c, p->ppid);
	}
	return NULL;
}

/*
 * Make p's root the one files are checked in: the host's, or its own held
 * open (-errno when it cannot be reached: nothing is then checked at all,
 * rather than the host's file of the same name).
 */
static void proc_enter(struct corr *c, struct proc *p, uint64_t now_ns)
{
	c->root = c->ops.rootfd;
	c->mountinfo = c->ops.mountinfo;
	c->root_host = NULL;
	if (!p || !p->has_root)
		return;
	if (!c->roots)
		c->roots = roots_new(c->ops.proc, c->ops.mountinfo);
	c->root = c->roots ? roots_get(c->roots, &p->root, proc_pid(c, p->pid), p->root_fs, now_ns,
				       &c->root_host) : -ENOMEM;
	/* its mount points, as it names them, while it lives */
	snprintf(c->mi_buf, sizeof(c->mi_buf), "%s/%u/mountinfo",
		 c->ops.proc ? c->ops.proc : "/proc", proc_pid(c, p->pid));
	c->mountinfo = c->ops.mountinfo && proc_pid(c, p->pid) ? c->mi_buf : NULL;
}

/* the container a process lives in: its namespaces, cgroup, and the runtime's name for it */
static void on_ns(struct corr *c, struct proc *p, const struct lw_rec *r)
{
	struct lw_ns ns;

	memcpy(&ns, r->data, sizeof(ns));
	if ((ns.flags & LW_NS_ROOT) && (!p->has_root || p->root.dev != ns.root_dev ||
					p->root.ino != ns.root_ino)) {
		free(p->cwd);	/* named from the old root; the new one's is not known */
		p->cwd = NULL;
	}
	p->has_root = !!(ns.flags & LW_NS_ROOT);
	p->root.mntns = ns.mntns;
	p->root.dev = ns.root_dev;
	p->root.ino = ns.root_ino;
	free(p->root_fs);
	p->root_fs = NULL;
	if (!(r->ev.str_flags & (LW_SF_BASE_TRUNC | LW_SF_BASE_UNREACH)))
		p->root_fs = strdup(r->base[0] ? r->base : "/");
	/* hold the root now, while the process still lives */
	proc_enter(c, p, r->ev.ts_ns);
	p->in_ctr = !!(ns.flags & LW_NS_MNTNS);
	if (!p->in_ctr)
		return;
	memset(&p->ctr, 0, sizeof(p->ctr));
	p->ctr.cgroup_id = ns.cgroup_id;
	p->ctr.mntns = ns.mntns;
	p->ctr.pidns = ns.pidns;
	p->ctr.nspid = ns.nspid;
	free(p->ctr_cgroup);
	p->ctr_cgroup = NULL;
	/* the kernel read its cgroup's name at exec: the runtime may have removed it since */
	if ((ns.flags & LW_NS_CGROUP) && !(ns.flags & LW_NS_CGROUP_TRUNC))
		p->ctr_cgroup = strdup(r->full);
	p->ctr.cgroup = p->ctr_cgroup;
	/* a path cut short keeps its leaf end, which names the container */
	if ((ns.flags & LW_NS_CGROUP) && !container_from_cgroup(r->full, &p->ctr_id)) {
		p->ctr.runtime = p->ctr_id.runtime;
		p->ctr.id = p->ctr_id.id;
		p->ctr.pod_uid = p->ctr_id.pod_uid[0] ? p->ctr_id.pod_uid : NULL;
	}
}

static void on_env(struct proc *p, const struct lw_rec *r)
{
	const char *s = r->data, *end = r->data + r->data_len;
	unsigned k = 0;

	if (r->ev.op == LW_ENV_VARS) {
		for (unsigned i = 0; i < p->n_env; i++)
			free(p->env[i]);
		p->n_env = 0;
		p->env_trunc = !!(r->ev.str_flags & LW_SF_PATH_TRUNC);
	}
	while (s < end) {
		size_t n = strnlen(s, end - s);

		if (r->ev.op == LW_ENV_VARS && p->n_env < ENV_MAX && memchr(s, '=', n))
			p->env[p->n_env] = strndup(s, n), p->n_env += !!p->env[p->n_env];
		/* go's subcommand: the first argument that is not a flag */
		if (r->ev.op == LW_ENV_ARGV && k++ > 0 && n && s[0] != '-' && !p->go_cmd)
			p->go_cmd = strndup(s, n);
		s += n + 1;
	}
	if (r->ev.op == LW_ENV_ARGV && !p->go_cmd)
		p->go_cmd = strdup("");
}

static void loop_clear(struct loop *l)
{
	free(l->exe);
	free(l->kind);
	free(l->object);
	free(l->runtime);
	free(l->id);
	memset(l, 0, sizeof(*l));
}

/*
 * true when this finding was reported before and is counted instead: a
 * container's (a crash loop), or a handled warning a program gives on every
 * run (the same exe and object: ps probing libnuma)
 */
static bool loop_seen(struct corr *c, struct proc *p, const struct pending *pd, const char *exe)
{
	uint64_t k = key_of(pd->kind, pd->object) ^ (key_of(p->in_ctr ? p->ctr.id : "", "") * 31) ^
		     (key_of(exe ? exe : "", "") * 131);
	struct loop *l, *oldest = NULL;
	unsigned i;

	for (i = 0; i < c->n_loops; i++) {
		l = &c->loops[i];
		if (l->key == k) {
			l->count++;
			l->total++;
			l->last_ns = pd->ts_ns;
			c->st.repeats++;
			return true;
		}
		if (!oldest || l->last_ns < oldest->last_ns)
			oldest = l;
	}
	if (c->n_loops < LOOP_MAX) {
		l = &c->loops[c->n_loops++];
	} else {
		l = oldest;	/* the one quiet for longest; its count is reported first */
		if (l->count && c->ops.repeat) {
			struct repeat r = { l->kind, l->object, l->runtime, l->id, l->exe, l->first_ns,
					    l->last_ns, l->count, l->total };

			c->ops.repeat(c->ops.ctx, &r);
		}
		loop_clear(l);
	}
	l->key = k;
	l->kind = xstrdup(pd->kind);
	l->object = xstrdup(pd->object);
	l->runtime = p->in_ctr ? xstrdup(p->ctr.runtime) : NULL;
	l->id = p->in_ctr ? xstrdup(p->ctr.id) : NULL;
	l->exe = xstrdup(exe);
	l->first_ns = l->last_ns = pd->ts_ns;
	l->total = 1;
	return false;
}

static void report_repeats(struct corr *c)
{
	for (unsigned i = 0; i < c->n_loops; i++) {
		struct loop *l = &c->loops[i];
		struct repeat r = { l->kind, l->object, l->runtime, l->id, l->exe, l->first_ns,
				    l->last_ns, l->count, l->total };

		if (!l->count)
			continue;
		if (c->ops.repeat)
			c->ops.repeat(c->ops.ctx, &r);
		l->count = 0;
	}
}

/* --container: a process of that container (an id prefix), else none */
static bool ctr_wanted(const struct corr *c, const struct proc *p)
{
	const char *want = c->ops.container;

	return !want || (p->in_ctr && p->ctr.id && !strncmp(p->ctr.id, want, strlen(want)));
}

static void emit(struct corr *c, struct proc *p, const struct pending *pd,
		 int exit_code, int sig)
{
	struct proc *g = go_of(c, p);
	char *go_hint = NULL;
	struct finding f = {
		.kind = pd->kind,
		.severity = pd->severity,
		.ts_ns = pd->ts_ns,
		.pid = p->pid,
		.ppid = p->ppid,
		.uid = p->uid,
		.comm = p->comm,
		.exe = pd->exe ? pd->exe : p->exe,
		.cwd = p->cwd,
		.object = pd->object,
		.needed_by = pd->needed_by,
		.message = pd->message,
		.cause = pd->cause,
		.mount = pd->mount,
		.hint = pd->hint,
		.symbol = pd->symbol,
		.version = pd->version,
		.elf_class = pd->elf_class,
		.machine = pd->machine,
		.dependency = pd->dependency,
		.variable = pd->variable,
		.go_pid = g ? g->pid : 0,
		.go_cmd = g ? g->go_cmd : NULL,
		.env = (const char *const *)p->env,
		.n_env = p->n_env,
		.container = p->in_ctr ? &p->ctr : NULL,
		.err = pd->err,
		.exit_code = exit_code,
		.signal = sig,
		.attempts = pd->att,
		.n_attempts = pd->n_att,
	};

	char *obj_host = NULL, incomplete[128] = "";

	if (!ctr_wanted(c, p)) {
		c->st.filtered++;
		return;
	}
	/* why evidence may be missing, each reason once, comma-separated */
	if (c->ops.losses && c->ops.losses(c->ops.ctx) > p->loss_mark)
		strcat(incomplete, ",events-lost");
	if (p->env_trunc)
		strcat(incomplete, ",env-truncated");
	if (p->unreadable)
		strcat(incomplete, ",evidence-unreadable");
	if (p->has_root) {
		f.root = c->root_host;
		if (c->root < 0)
			strcat(incomplete, ",root-unreachable");
		else if (c->root_host && pd->object && pd->object[0] == '/')
			f.object_host = obj_host = xprintf("%s%s", c->root_host, pd->object);
	}
	f.incomplete = incomplete[0] ? incomplete + 1 : NULL;
	/* one finding per cause per exec; a go command's whole tree is one unit */
	if (!pd->kind || key_seen(g ? g : p, pd->kind, pd->object))
		goto out;
	/*
	 * a dlopen failure is an error only when the program said so on fd 2
	 * and then failed: a probe it survives, whatever its status, is a warning
	 */
	if (pd->sev_by_exit)
		f.severity = pd->reported && (exit_code > 0 || sig > 0) ? "error" : "warning";
	/* a container failing the same way again (a crash loop) is counted, not repeated */
	if (p->in_ctr && p->ctr.id && loop_seen(c, p, pd, NULL))
		goto out;
	/* so is a handled warning a program gives on every run */
	if (!strcmp(f.severity, "warning") && !(p->in_ctr && p->ctr.id) && loop_seen(c, p, pd, f.exe))
		goto out;
	/* the Go advice for Go-built binaries and go's own children, once */
	if ((p->go_bin || g) && (!strcmp(pd->kind, "missing-library") ||
				 !strcmp(pd->kind, "version-mismatch") ||
				 !strcmp(pd->kind, "missing-interpreter")) &&
	    !(pd->hint && strstr(pd->hint, "CGO_ENABLED=0"))) {
		go_hint = xprintf("%s; a Go program that does not need cgo can be built with "
				  "CGO_ENABLED=0 into a static binary that needs no shared "
				  "libraries", pd->hint ? pd->hint : "");
		f.hint = go_hint;
	}
	c->st.findings++;
	c->ops.finding(c->ops.ctx, &f);
	free(go_hint);
out:
	free(obj_host);
}

/*
 * A library the loader gave up on. The root cause beats the loader's
 * wording: a candidate refused with EACCES, or mapped from a noexec mount,
 * is the finding even when ld.so says "No such file or directory".
 */
static void diagnose_library(struct corr *c, struct proc *p, struct pending *pd,
			     const char *name, const char *errstr, unsigned since)
{
	char entry[4096], enotdir[4096] = "";
	struct stat st;
	unsigned i;

	pd->n_att = att_collect(p, name, since, &pd->att);
	for (i = 0; i < p->n_mf; i++) {
		struct mmapfail *m = &p->mf[i];
		char mnt[4096] = "";
		int noexec = m->noexec;

		if (strcmp(base_name(m->path), base_name(name)))
			continue;
		if (c->mountinfo)
			fs_mount_of(c->mountinfo, m->path, mnt, sizeof(mnt), &noexec);
		pd->kind = strdup("permission-denied");
		pd->object = strdup(m->path);
		pd->err = m->err;
		if (m->noexec) {
			pd->cause = strdup("noexec-mount");
			pd->mount = mnt[0] ? strdup(mnt) : NULL;
			pd->hint = deny_hint("noexec-mount", m->path, p->uid, X_OK, NULL,
					     mnt[0] ? mnt : "its mount");
		} else {
			pd->cause = strdup(fs_lsm_active() ? "security-module" : "unknown");
			pd->hint = deny_hint(pd->cause, m->path, p->uid, X_OK, NULL, NULL);
		}
		return;
	}
	for (i = 0; i < pd->n_att; i++) {
		struct attempt *a = &pd->att[i];
		char *mount = NULL;
		const char *cause;

		if (a->err != EACCES)
			continue;
		memset(&st, 0, sizeof(st));
		cause = deny_cause(c, a->path, p->uid, R_OK, &st, &mount);
		pd->kind = strdup("permission-denied");
		pd->object = strdup(a->path);
		pd->err = EACCES;
		pd->cause = strdup(cause);
		pd->mount = mount;
		pd->hint = deny_hint(cause, a->path, p->uid, R_OK, &st, mount);
		return;
	}
	for (i = 0; i < pd->n_att; i++) {
		struct attempt *a = &pd->att[i];

		if (a->err != ENOTDIR)
			continue;
		search_entry(a->path, base_name(name), entry, sizeof(entry));
		if (!enotdir[0])
			snprintf(enotdir, sizeof(enotdir), "%s", entry);
		/* the search path names the library file itself: that is the cause */
		if (!fs_stat_in_root(c->root, entry, &st) && S_ISREG(st.st_mode) &&
		    !strcmp(base_name(entry), base_name(name))) {
			char dir[4096];

			snprintf(dir, sizeof(dir), "%.*s", (int)(base_name(entry) - entry), entry);
			pd->kind = strdup("not-a-directory");
			pd->object = strdup(entry);
			pd->err = ENOTDIR;
			pd->hint = xprintf("%s is a file, not a directory, in the library search path "
					   "(LD_LIBRARY_PATH, RPATH or RUNPATH); name its directory %s "
					   "instead", entry, dir);
			return;
		}
	}
	if (strncmp(errstr, "cannot open shared object file", 30)) {
		pd->kind = strdup("loader-error");
		pd->object = strdup(name);
		pd->hint = xprintf("the dynamic loader refused %s: %s", name, errstr);
		return;
	}
	pd->kind = strdup("missing-library");
	pd->object = strdup(name);
	pd->err = ENOENT;
	if (!pd->needed_by)
		pd->needed_by = find_needer(c, p, name);
	if (enotdir[0])
		pd->hint = xprintf("%s was not found in any directory the loader searched, and %s "
				   "in the search path is a file, not a directory: install %s or "
				   "point LD_LIBRARY_PATH or the binary's RUNPATH at the directory "
				   "that holds it", name, enotdir, name);
	else
		pd->hint = xprintf("%s was not found in any directory the loader searched: install "
				   "the package that provides it, or add the directory that holds it "
				   "to LD_LIBRARY_PATH or the binary's RUNPATH (-Wl,-rpath)", name);
}

static struct pending *pending_new(struct proc *p, const char *line, size_t len,
				   uint64_t ts)
{
	struct pending *pd;

	if (p->n_pend == PEND_MAX)
		return NULL;
	pd = &p->pend[p->n_pend++];
	memset(pd, 0, sizeof(*pd));
	pd->severity = "error";
	pd->confirm_code = 127;
	pd->ts_ns = ts;
	pd->message = strndup(line, len);
	return pd;
}

/*
 * A line the program wrote to fd 2 after a dlopen failed: its own report of
 * it when it names the object or quotes the loader (dlerror's text). That,
 * and a failed exit, is what makes the failure an error.
 */
static void note_report(struct proc *p, const char *line, size_t len)
{
	for (unsigned i = 0; i < p->n_pend; i++) {
		struct pending *pd = &p->pend[i];
		const char *b = pd->object ? base_name(pd->object) : "";

		if (!pd->sev_by_exit || pd->reported)
			continue;
		if ((b[0] && find_bytes(line, len, b, strlen(b))) ||
		    (pd->message && pd->message[0] &&
		     find_bytes(line, len, pd->message, strlen(pd->message))))
			pd->reported = 1;
	}
}

/* keep the tail of what the process said on fd 2, for a verdict made at its exit */
static void said_add(struct proc *p, const char *line, size_t len)
{
	size_t keep;

	if (!p->said && !(p->said = malloc(SAID_MAX)))
		return;
	if (len + 1 > SAID_MAX) {
		line += len + 1 - SAID_MAX;
		len = SAID_MAX - 1;
	}
	keep = p->said_len + len + 1 > SAID_MAX ? SAID_MAX - len - 1 : p->said_len;
	memmove(p->said, p->said + p->said_len - keep, keep);
	memcpy(p->said + keep, line, len);
	p->said[keep + len] = '\n';
	p->said_len = keep + len + 1;
}

/* copy s[0..n) minus a suffix starting at `stop` (if found) */
static char *cut(const char *s, size_t n, const char *stop)
{
	const char *e = find_bytes(s, n, stop, strlen(stop));

	return strndup(s, e ? (size_t)(e - s) : n);
}

/* the last successful open of `name` since `since`: a candidate the loader read */
static const char *last_opened(struct proc *p, const char *name, unsigned since)
{
	const char *found = NULL;

	for (unsigned i = 0; i < p->att_n; i++) {
		struct attempt *a = att_at(p, i);

		if (!a->err && is_open_op(a->op) && att_is_for(a, name) &&
		    p->att_seq[(p->att_head + i) % CORR_ATT_MAX] >= since)
			found = a->path;
	}
	return found;
}

/* every candidate had the wrong class or machine: name the one refused */
static void diagnose_class(struct corr *c, struct proc *p, struct pending *pd,
			   const char *name, const char *errstr, unsigned since)
{
	const char *cand = last_opened(p, name, since);
	const char *cls = strstr(errstr, "ELFCLASS");
	const char *mach = NULL;

	pd->n_att = att_collect(p, name, since, &pd->att);
	pd->kind = strdup("wrong-elf-class");
	pd->needed_by = find_needer(c, p, name);
	pd->object = strdup(cand ? cand : name);
	if (cand && !inspect(c, cand, &c->elf) && c->elf.kind == ELF_KIND_ELF) {
		pd->elf_class = strdup(c->elf.ei_class == ELFCLASS32 ? "ELFCLASS32" :
				       c->elf.ei_class == ELFCLASS64 ? "ELFCLASS64" : "ELFCLASSNONE");
		mach = elf_machine_name(c->elf.machine);
		pd->machine = mach ? strdup(mach) : xprintf("EM_%u", c->elf.machine);
	} else if (cls) {
		pd->elf_class = strndup(cls, strcspn(cls, " \n"));
	}
	pd->hint = xprintf("%s is a %s%s%s object that this program cannot use: install %s built "
			   "for this program's architecture, or fix the search path that found "
			   "this one", cand ? cand : name, pd->elf_class ? pd->elf_class : "foreign",
			   mach ? " " : "", mach ? mach : "", base_name(name));
}

/* "PROG: OBJ: version `V' not found (required by REQ)", then exit 1 */
static void on_version_line(struct proc *p, const char *line, size_t len, const char *at,
			    uint64_t ts)
{
	const char *v = at + strlen(": version `"), *end = line + len, *q, *req, *obj;
	struct pending *pd;

	q = find_bytes(v, end - v, "' not found (required by ", 25);
	if (!q)
		return;
	req = q + 25;
	/* OBJ is what follows the last ": " before the version */
	for (obj = at; obj > line && !(obj[-1] == ' ' && obj - 1 > line && obj[-2] == ':'); obj--)
		;
	/* its own loader's words, not a relay of another process's fd 2 */
	if (!le_formatted(p, "version `", v, q - v) &&
	    !(own_object(p, obj, at - obj) &&
	      own_object(p, req, end > req && end[-1] == ')' ? (size_t)(end - 1 - req) :
			 (size_t)(end - req))))
		return;
	pd = pending_new(p, line, len, ts);
	if (!pd)
		return;
	pd->confirm_code = 1;
	pd->kind = strdup("version-mismatch");
	pd->object = strndup(obj, at - obj);
	pd->version = strndup(v, q - v);
	if (pd->object)		/* where the loader found the library that lacks it */
		pd->n_att = att_collect(p, pd->object, 0, &pd->att);
	pd->needed_by = strndup(req, end > req && end[-1] == ')' ? (size_t)(end - 1 - req) :
				(size_t)(end - req));
	pd->hint = xprintf("%s needs symbol version %s, which %s does not provide: it was built "
			   "against a newer %s than this system has; rebuild it against this "
			   "system's library (or an older base image), or install a newer one",
			   pd->needed_by, pd->version, pd->object, base_name(pd->object));
}

static void undefined_symbol(struct pending *pd, const char *obj, size_t objlen,
			     const char *sym, size_t symlen)
{
	const char *ver = find_bytes(sym, symlen, ", version ", 10);

	pd->kind = strdup("undefined-symbol");
	pd->object = strndup(obj, objlen);
	pd->symbol = strndup(sym, ver ? (size_t)(ver - sym) : symlen);
	if (ver)
		pd->version = strndup(ver + 10, symlen - (ver + 10 - sym));
	pd->hint = xprintf("%s needs %s%s%s, which no loaded library defines: the library found "
			   "at run time is older than or different from the one it was linked "
			   "against; install the matching version, or rebuild", pd->object,
			   pd->symbol, pd->version ? "@" : "", pd->version ? pd->version : "");
}

/* "PROG: symbol lookup error: OBJ: undefined symbol: SYM[, version V]", exit 127 */
static void on_symbol_line(struct proc *p, const char *line, size_t len, const char *rest,
			   uint64_t ts)
{
	const char *end = line + len, *u = find_bytes(rest, end - rest, ": undefined symbol: ", 20);
	const char *comma;
	struct pending *pd;

	if (!u)
		return;
	comma = memchr(u + 20, ',', end - (u + 20));
	if (!le_formatted(p, "undefined symbol: ", u + 20, (comma ? comma : end) - (u + 20)) &&
	    !own_object(p, rest, u - rest))
		return;		/* another process's words, relayed */
	if (!(pd = pending_new(p, line, len, ts)))
		return;
	undefined_symbol(pd, rest, u - rest, u + 20, end - (u + 20));
}

/* musl: "Error relocating OBJ: SYM: symbol not found", exit 127 */
static void on_musl_reloc_line(struct proc *p, const char *line, size_t len, uint64_t ts)
{
	const char *obj = line + 16, *end = line + len, *sep, *sym;
	struct pending *pd;

	/* musl goes on after a missing library: its symbols follow from that */
	for (unsigned i = 0; i < p->n_pend; i++)
		if (p->pend[i].kind && !strcmp(p->pend[i].kind, "missing-library"))
			return;
	sep = find_bytes(obj, end - obj, ": ", 2);
	if (!sep || !find_bytes(sep, end - sep, ": symbol not found", 18))
		return;
	sym = sep + 2;
	if (!own_object(p, obj, sep - obj))
		return;		/* another process's words, relayed */
	pd = pending_new(p, line, len, ts);
	if (pd)
		undefined_symbol(pd, obj, sep - obj,
				 sym, (const char *)find_bytes(sym, end - sym, ": symbol not found", 18) - sym);
}

/* a variable from the process, else from the go invocation it belongs to */
static const char *env_find(struct corr *c, struct proc *p, const char *name)
{
	const char *v = env_get(p, name);
	struct proc *g;

	if (v)
		return v;
	g = go_of(c, p);
	return g ? env_get(g, name) : NULL;
}

/* the latest lookup of exactly `path` */
static const struct attempt *att_last(struct proc *p, const char *path)
{
	const struct attempt *found = NULL;

	for (unsigned i = 0; i < p->att_n; i++)
		if (!strcmp(att_at(p, i)->path, path))
			found = att_at(p, i);
	return found;
}

/* lookups of path and of everything under it, in order */
static unsigned att_under(struct proc *p, const char *path, struct attempt **out)
{
	size_t n = strlen(path);
	unsigned i, k = 0;

	*out = calloc(p->att_n ? p->att_n : 1, sizeof(**out));
	if (!*out)
		return 0;
	for (i = 0; i < p->att_n; i++) {
		struct attempt *a = att_at(p, i);

		if (strncmp(a->path, path, n) || (a->path[n] && a->path[n] != '/'))
			continue;
		(*out)[k] = *a;
		(*out)[k].path = strdup(a->path);
		if ((*out)[k].path)
			k++;
	}
	return k;
}

/*
 * The go command could not use its GOROOT:
 *   "go: cannot find GOROOT directory: X" (exit 2), or
 *   "...: package P is not in GOROOT (X/src/P)" (exit 1).
 * Which path is missing or of the wrong type comes from its stat calls.
 */
static void on_goroot_line(struct corr *c, struct proc *p, const char *line, size_t len,
			   uint64_t ts)
{
	static const char nf[] = "go: cannot find GOROOT directory: ";
	static const char pk[] = " is not in GOROOT (";
	static const char gp[] = " (from $GOROOT)";
	const char *s, *end = line + len, *envroot = env_get(p, "GOROOT");
	const struct attempt *a;
	struct pending *pd;
	char *root = NULL, *missing = NULL, own[4096] = "";
	int code;

	(void)c;
	if ((s = find_bytes(line, len, nf, sizeof(nf) - 1))) {
		root = strndup(s + sizeof(nf) - 1, end - (s + sizeof(nf) - 1));
		code = 2;
	} else if ((s = find_bytes(line, len, gp, sizeof(gp) - 1))) {
		/* GOPATH mode lists where it looked: "\tGOROOT/src/fmt (from $GOROOT)" */
		const char *q = line, *src;

		while (q < s && (*q == ' ' || *q == '\t'))
			q++;
		missing = strndup(q, s - q);
		src = missing ? strstr(missing, "/src/") : NULL;
		if (!src) {
			free(missing);
			return;
		}
		root = strndup(missing, src - missing);
		code = 1;
	} else if ((s = find_bytes(line, len, pk, sizeof(pk) - 1))) {
		const char *q = s + sizeof(pk) - 1, *r = memchr(q, ')', end - q), *src;

		if (!r)
			return;
		missing = strndup(q, r - q);
		src = missing ? strstr(missing, "/src/") : NULL;
		if (!src) {
			free(missing);
			return;
		}
		root = strndup(missing, src - missing);
		code = 1;
	} else {
		return;
	}
	pd = root ? pending_new(p, line, len, ts) : NULL;
	if (!pd) {
		free(root);
		free(missing);
		return;
	}
	pd->confirm_code = code;
	pd->kind = strdup("goroot-broken");
	pd->object = root;
	if (envroot && !strcmp(envroot, root))
		pd->variable = xprintf("GOROOT=%s", envroot);
	if (p->exe && realpath(p->exe, own)) {
		/* the go binary's own installation: GOROOT/bin/go */
		for (int i = 0; i < 2 && strrchr(own, '/'); i++)
			*strrchr(own, '/') = '\0';
	}
	pd->n_att = att_under(p, root, &pd->att);
	a = att_last(p, root);
	if (a && a->err) {
		pd->cause = strdup("missing");
		pd->err = a->err;
	} else if (a && a->mode && !S_ISDIR(a->mode)) {
		pd->cause = strdup("not-a-directory");
		pd->err = ENOTDIR;
	} else {
		char src[4096];

		snprintf(src, sizeof(src), "%s/src", root);
		a = att_last(p, src);
		pd->cause = strdup(a && !a->err && a->mode && !S_ISDIR(a->mode) ?
				   "src-not-a-directory" : "no-src");
		pd->err = a && a->err ? a->err : missing ? ENOENT : 0;
	}
	pd->hint = xprintf("GOROOT %s (%s) %s: %s%s%s", root,
			   pd->variable ? "from the environment" : "from the go binary's location",
			   !strcmp(pd->cause, "missing") ? "does not exist" :
			   !strcmp(pd->cause, "not-a-directory") ? "is not a directory" :
			   !strcmp(pd->cause, "src-not-a-directory") ? "has a src that is not a directory" :
			   "has no usable src/ (not a Go installation, or a copy with dangling links)",
			   pd->variable ? "unset GOROOT" : "reinstall Go or set GOROOT",
			   own[0] ? " so that go uses its own installation, " : "",
			   own[0] ? own : "");
	free(missing);
}

/* the C linker: "ld: cannot find -lNAME: No such file or directory", exit 1 */
static void on_link_line(struct corr *c, struct proc *p, const char *line, size_t len,
			 const char *at, uint64_t ts)
{
	const char *n = at + 14, *end = line + len;
	size_t k = 0;
	struct pending *pd;
	char so[300], ar[300];

	while (n + k < end && n[k] != ':' && n[k] != ' ')
		k++;
	if (!k || k > 255 || !(pd = pending_new(p, line, len, ts)))
		return;
	pd->confirm_code = 1;
	pd->kind = strdup("link-library-not-found");
	pd->object = xprintf("-l%.*s", (int)k, n);
	pd->err = ENOENT;
	snprintf(so, sizeof(so), "lib%.*s.so", (int)k, n);
	snprintf(ar, sizeof(ar), "lib%.*s.a", (int)k, n);
	{
		struct attempt *v = calloc(p->att_n ? p->att_n : 1, sizeof(*v));
		unsigned i, m = 0;

		for (i = 0; v && i < p->att_n; i++) {
			struct attempt *a = att_at(p, i);

			if (strcmp(base_name(a->path), so) && strcmp(base_name(a->path), ar))
				continue;
			v[m] = *a;
			v[m].path = strdup(a->path);
			m += !!v[m].path;
		}
		pd->att = v;
		pd->n_att = m;
	}
	pd->hint = xprintf("the C linker found neither %s nor %s in its search path (-L "
			   "directories, then the default ones): install the package that "
			   "provides it (usually a -dev package), or fix -L in #cgo LDFLAGS%s",
			   so, ar, go_of(c, p) ?
			   "; a Go program that needs no C can build with CGO_ENABLED=0" : "");
}

/*
 * Go's own check after a plugin's dlopen succeeded:
 *   plugin.Open("NAME"): plugin was built with a different version of package PKG
 * NAME is the path as given, less a ".so" suffix. Its own evidence: it opened
 * that file (the dlopen), or its plugin.open probe named it.
 */
static void on_plugin_skew_line(struct corr *c, struct proc *p, const char *line, size_t len,
				const char *at, uint64_t ts)
{
	static const char open[] = "plugin.Open(\"";
	static const char diff[] = "\"): plugin was built with a different version of package ";
	const char *o = find_bytes(line, at - line, open, sizeof(open) - 1), *pkg, *end = line + len;
	char name[LW_PATH_MAX], buf[LW_FULL_MAX], so[LW_PATH_MAX + 4], ver[512];
	struct pending *pd;
	size_t n;
	int fd;

	if (!o)
		return;
	o += sizeof(open) - 1;
	n = at - o;
	pkg = at + sizeof(diff) - 1;
	if (!n || n >= sizeof(name) || pkg >= end)
		return;
	memcpy(name, o, n);
	name[n] = '\0';
	snprintf(so, sizeof(so), "%s.so", name);
	if (!own_evidence(p, so) && !own_evidence(p, name))
		return;		/* another process's words, relayed */
	pd = pending_new(p, line, len, ts);
	if (!pd)
		return;
	/* the file plugin.Open loaded: the name as the probe saw it, else NAME.so */
	event_resolve(p->cwd ? p->cwd : "", so, strlen(so), buf, sizeof(buf));
	for (unsigned i = 0; i < p->n_gp; i++) {
		size_t k = strlen(p->gp[i].path);

		if (!strcmp(base_name(p->gp[i].path), base_name(so)) ||
		    (k > 3 && !strncmp(p->gp[i].path, buf, k) && !strcmp(p->gp[i].path + k - 3, ".so")))
			snprintf(buf, sizeof(buf), "%s", p->gp[i].path);
	}
	pd->confirm_code = -1;
	pd->sev_by_exit = 1;
	pd->reported = 1;	/* these are the program's own words on fd 2 */
	pd->kind = strdup("go-plugin-mismatch");
	pd->object = strdup(buf);
	pd->dependency = strndup(pkg, end - pkg);
	/* the program's version of that module, from its build info (plugins record none) */
	if (pd->dependency && p->exe && !elf_open_in_root(c->root, p->exe, &fd)) {
		if (!elf_go_module_of(fd, pd->dependency, ver, sizeof(ver)))
			pd->version = strdup(ver);
		close(fd);
	}
	pd->hint = xprintf("%s and this program were built from different versions of package %s%s%s%s "
			   "(or with other Go toolchains, or other build flags): rebuild the plugin and "
			   "the program from the same sources, with the same go version and flags",
			   pd->object, pd->dependency, pd->version ? " (the program has " : "",
			   pd->version ? pd->version : "", pd->version ? ")" : "");
}

/*
 * One complete line written to fd 2. The loader's words:
 *   glibc: "PROG: error while loading shared libraries: NAME: ERRSTR"
 *          "ERROR: ld.so: object 'NAME' from SRC cannot be preloaded (WHY): ignored."
 *   musl:  "Error loading shared library NAME: ERRSTR (needed by OBJ)"
 */
static void on_line(struct corr *c, struct proc *p, const char *line, size_t len, uint64_t ts)
{
	static const char glibc[] = "error while loading shared libraries: ";
	static const char preload[] = "ERROR: ld.so: object '";
	static const char musl[] = "Error loading shared library ";
	static const char musl_reloc[] = "Error relocating ";
	static const char version[] = ": version `";
	static const char symerr[] = ": symbol lookup error: ";
	static const char skew[] = "\"): plugin was built with a different version of package ";
	const char *s;
	struct pending *pd;
	char *name = NULL, *errstr = NULL;

	if ((s = find_bytes(line, len, glibc, sizeof(glibc) - 1))) {
		size_t rest = len - (s - line) - (sizeof(glibc) - 1);

		s += sizeof(glibc) - 1;
		name = cut(s, rest, ": ");
		if (!name || strlen(name) + 2 > rest || !own_evidence(p, name))
			goto out;
		errstr = strndup(s + strlen(name) + 2, rest - strlen(name) - 2);
		pd = pending_new(p, line, len, ts);
		if (pd && errstr && !strncmp(errstr, "wrong ELF class", 15))
			diagnose_class(c, p, pd, name, errstr, 0);
		else if (pd && errstr)
			diagnose_library(c, p, pd, name, errstr, 0);
	} else if ((s = find_bytes(line, len, version, sizeof(version) - 1))) {
		on_version_line(p, line, len, s, ts);
	} else if ((s = find_bytes(line, len, symerr, sizeof(symerr) - 1))) {
		on_symbol_line(p, line, len, s + sizeof(symerr) - 1, ts);
	} else if (len > sizeof(musl_reloc) - 1 && !memcmp(line, musl_reloc, sizeof(musl_reloc) - 1)) {
		on_musl_reloc_line(p, line, len, ts);
	} else if ((s = find_bytes(line, len, skew, sizeof(skew) - 1))) {
		on_plugin_skew_line(c, p, line, len, s, ts);
	} else if (p->go_cmd && (find_bytes(line, len, "GOROOT", 6))) {
		on_goroot_line(c, p, line, len, ts);
	} else if ((s = find_bytes(line, len, "cannot find -l", 14))) {
		on_link_line(c, p, line, len, s, ts);
	} else if (find_bytes(line, len, "command not found", 17) ||
		   find_bytes(line, len, "executable file not found in $PATH", 34)) {
		p->cnf = 1;
	} else if (len > sizeof(preload) - 1 && !memcmp(line, preload, sizeof(preload) - 1)) {
		s = line + sizeof(preload) - 1;
		name = cut(s, len - (sizeof(preload) - 1), "'");
		if (!name || !own_evidence(p, name))
			goto out;
		pd = pending_new(p, line, len, ts);
		if (!pd)
			goto out;
		diagnose_library(c, p, pd, name, "cannot open shared object file", 0);
		if (pd->kind && !strcmp(pd->kind, "missing-library")) {
			free(pd->kind);
			free(pd->hint);
			pd->kind = strdup("missing-preload");
			pd->severity = "warning";
			pd->hint = xprintf("LD_PRELOAD names %s, which the loader could not load; "
					   "the program ran without it: correct the path or unset "
					   "LD_PRELOAD", name);
		}
		/* the program goes on: this is decided now, not at exit */
		emit(c, p, pd, -1, -1);
		pending_clear(pd);
		p->n_pend--;
	} else if (len > sizeof(musl) - 1 && !memcmp(line, musl, sizeof(musl) - 1)) {
		const char *nb;

		s = line + sizeof(musl) - 1;
		name = cut(s, len - (sizeof(musl) - 1), ": ");
		if (!name || strlen(name) + 2 > len - (sizeof(musl) - 1) || !own_evidence(p, name))
			goto out;
		errstr = strndup(s + strlen(name) + 2, len - (s - line) - strlen(name) - 2);
		pd = pending_new(p, line, len, ts);
		if (!pd || !errstr)
			goto out;
		nb = find_bytes(line, len, "(needed by ", 11);
		if (nb)
			pd->needed_by = cut(nb + 11, len - (nb + 11 - line), ")");
		/* musl words errors as strerror: map the lookup ones onto glibc's */
		diagnose_library(c, p, pd, name, strstr(errstr, "No such file") ?
				 "cannot open shared object file" : errstr, 0);
	}
out:
	if (find_bytes(line, len, "plugin.Open(", 12)) {
		free(p->goline);
		p->goline = strndup(line, len);
	}
	/* its own words, even to /dev/null; a report to someone only when not */
	said_add(p, line, len);
	if (!p->line_quiet)
		note_report(p, line, len);
	free(name);
	free(errstr);
}

/*
 * glibc's ld.so writes each message with one writev ending in a newline, so
 * such a record is one line even when a path inside it holds a newline;
 * musl's pieces and plain writes are joined and split at newlines.
 */
static void on_stderr(struct corr *c, struct proc *p, const struct lw_rec *r)
{
	size_t n = r->data_len;

	p->line_quiet = !!(r->ev.str_flags & LW_SF_DEVNULL);
	if (r->ev.op == LW_OP_WRITEV && p->line_len == 0 && n && r->data[n - 1] == '\n' &&
	    !(r->ev.str_flags & LW_SF_PATH_TRUNC)) {
		on_line(c, p, r->data, n - 1, r->ev.ts_ns);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char ch = r->data[i];

		if (ch == '\n') {
			on_line(c, p, p->line, p->line_len, r->ev.ts_ns);
			p->line_len = 0;
			continue;
		}
		if (p->line_len < sizeof(p->line))
			p->line[p->line_len++] = ch;
	}
}

/*
 * A failed execve whose process then failed too. ENOENT on a file that
 * exists is its interpreter missing; EACCES is the mode, the mount, or a
 * security module.
 */
static void diagnose_exec(struct corr *c, struct proc *p, const struct execfail *x,
			  uint64_t ts, int code, int sig)
{
	struct pending pd = { .exe = x->path, .severity = "error", .ts_ns = ts, .err = x->err };
	struct attempt a = { .path = x->path, .op = LW_OP_EXECVE, .err = x->err };
	struct stat st;
	char *mount = NULL;
	const char *cause, *obj = x->path;

	memset(&st, 0, sizeof(st));
	if (p->has_root && c->root < 0) {
		/* its root is out of reach: say what is known, and that it is not all */
		if (x->err != ENOENT && x->err != EACCES)
			return;
		pd.kind = "exec-failed";
		pd.hint = xprintf("%s could not be run (%s), and ldwatch could not look inside "
				  "the process's root (mounted only in its own mount namespace, with "
				  "no process left there to reach it through): the file, its "
				  "interpreter or their permissions are at fault", x->path,
				  x->err == ENOENT ? "not found" : "permission denied");
		pd.object = x->path;
		pd.att = &a;
		pd.n_att = 1;
		emit(c, p, &pd, code, sig);
		free(pd.hint);
		return;
	}
	if (fs_stat_in_root(c->root, x->path, &st) || !S_ISREG(st.st_mode)) {
		char mnt[4096];
		int noexec = 0;

		/*
		 * gone already (go run removes its build directory at once) or
		 * never there: EACCES from a noexec mount is still decided by
		 * the mount, which does not depend on winning that race
		 */
		if (x->err != EACCES || S_ISDIR(st.st_mode) || !c->mountinfo ||
		    fs_mount_of(c->mountinfo, x->path, mnt, sizeof(mnt), &noexec) || !noexec)
			return;
	}
	if (x->err == ENOENT) {
		char interp[ELF_STR_MAX + 4096];
		struct stat ist;

		if (inspect(c, x->path, &c->elf) || !c->elf.interp[0])
			return;
		if (c->elf.interp[0] == '/' || !p->cwd)
			snprintf(interp, sizeof(interp), "%s", c->elf.interp);
		else
			snprintf(interp, sizeof(interp), "%s/%s", p->cwd, c->elf.interp);
		if (fs_stat_in_root(c->root, interp, &ist) != -ENOENT)
			return;
		pd.kind = "missing-interpreter";
		pd.object = interp;
		pd.hint = c->elf.kind == ELF_KIND_SCRIPT ?
			xprintf("%s exists, but its #! interpreter %s does not: install it or fix "
				"the #! line", x->path, interp) :
			xprintf("%s exists, but its interpreter (PT_INTERP) %s does not: install "
				"that loader, rebuild the program for this system, or run it with "
				"the right one (patchelf --set-interpreter)", x->path, interp);
		pd.att = &a;
		pd.n_att = 1;
		emit(c, p, &pd, code, sig);
		free(pd.hint);
		return;
	}
	if (x->err != EACCES)
		return;
	cause = deny_cause(c, x->path, p->uid, X_OK, &st, &mount);
	if (!strcmp(cause, "unknown") || !strcmp(cause, "security-module")) {
		/* the file is fine: perhaps its interpreter is not */
		if (!inspect(c, x->path, &c->elf) && c->elf.interp[0] == '/') {
			struct stat ist;
			const char *icause;
			char *imount = NULL;

			memset(&ist, 0, sizeof(ist));
			icause = deny_cause(c, c->elf.interp, p->uid, X_OK, &ist, &imount);
			if (strcmp(icause, "unknown") && strcmp(icause, "security-module")) {
				free(mount);
				mount = imount;
				cause = icause;
				st = ist;
				obj = c->elf.interp;
			} else {
				free(imount);
			}
		}
	}
	pd.kind = "permission-denied";
	pd.object = (char *)obj;
	pd.cause = (char *)cause;
	pd.mount = mount;
	if (!strcmp(cause, "noexec-mount")) {
		/* go run/test build under GOTMPDIR, else TMPDIR: name the one at fault */
		static const char *const vars[] = { "GOTMPDIR", "TMPDIR" };

		for (unsigned k = 0; k < 2 && !pd.variable; k++) {
			const char *v = env_find(c, p, vars[k]);
			size_t n = v ? strlen(v) : 0;

			if (n && !strncmp(x->path, v, n) && (x->path[n] == '/' || v[n - 1] == '/'))
				pd.variable = xprintf("%s=%s", vars[k], v);
		}
	}
	pd.hint = deny_hint(cause, obj, p->uid, X_OK, &st, mount);
	if (pd.variable) {
		free(pd.hint);
		pd.hint = xprintf("%s is on %s, which is mounted noexec, because %s: point GOTMPDIR "
				  "(or TMPDIR) at a directory on a filesystem that allows execution",
				  obj, mount ? mount : "its mount", pd.variable);
	}
	pd.att = &a;
	pd.n_att = 1;
	emit(c, p, &pd, code, sig);
	free(pd.hint);
	free(pd.variable);
	free(mount);
}

/* "%s" only, as the loader's formats use; anything else shows as "?" */
static char *format_loader(const char *fmt, const char *const args[3])
{
	char out[1024];
	size_t n = 0;
	unsigned k = 0;

	for (const char *f = fmt; *f && n < sizeof(out) - 1; f++) {
		const char *a;

		if (*f != '%') {
			out[n++] = *f;
			continue;
		}
		f++;
		if (*f == '%') {
			out[n++] = '%';
			continue;
		}
		while (*f && !strchr("sdiuxXpczl", *f))
			f++;		/* flags and width */
		while (*f == 'l' || *f == 'z')
			f++;
		if (!*f)
			break;
		a = *f == 's' && k < 3 ? args[k] : "?";
		k++;
		while (*a && n < sizeof(out) - 1)
			out[n++] = *a++;
	}
	out[n] = '\0';
	return strdup(out);
}

static void le_add(struct proc *p, const struct lw_rec *r)
{
	struct ldrerr *e;
	unsigned op = r->ev.op;

	if (p->le_n == LE_MAX) {
		le_clear(&p->le[0]);
		memmove(&p->le[0], &p->le[1], (LE_MAX - 1) * sizeof(p->le[0]));
		memset(&p->le[LE_MAX - 1], 0, sizeof(p->le[0]));
		p->le_n--;
	}
	e = &p->le[p->le_n++];
	e->tid = r->ev.tid;
	e->op = op;
	e->seq = p->le_next++;
	e->errcode = op == LW_OP_DL_SIGNAL_ERROR || op == LW_OP_DL_SIGNAL_EXC ? r->ev.ret : 0;
	e->objname = strdup(r->str[0]);
	if (op == LW_OP_DL_EXCEPTION_FMT) {
		const char *args[3] = { r->str[2], r->str[3], r->str[4] };

		e->text = format_loader(r->str[1], args);
		e->a3 = strdup(r->str[2]);
		e->a4 = strdup(r->str[3]);
		e->a5 = strdup(r->str[4]);
	} else {
		e->text = strdup(r->str[1]);
	}
}

/* the loader error that explains a dlopen: the latest on its thread since it began */
static const struct ldrerr *le_for(struct proc *p, const struct dlop *d)
{
	const struct ldrerr *best = NULL;

	for (unsigned i = 0; i < p->le_n; i++) {
		const struct ldrerr *e = &p->le[i];

		if (e->seq >= d->le_mark && e->tid == d->tid && e->text && e->text[0])
			best = e;
	}
	return best;
}

static int le_errcode(struct proc *p, const struct dlop *d)
{
	for (unsigned i = 0; i < p->le_n; i++)
		if (p->le[i].seq >= d->le_mark && p->le[i].tid == d->tid && p->le[i].errcode)
			return p->le[i].errcode;
	return 0;
}

static void on_dlopen_ret(struct corr *c, struct proc *p, const struct lw_rec *r)
{
	const struct ldrerr *e;
	struct pending *pd;
	struct dlop *d = NULL;
	char *text;
	unsigned i;
	int code;

	for (i = 0; i < p->n_dl; i++)
		if (p->dl[i].tid == r->ev.tid)
			d = &p->dl[i];
	if (!d)
		return;		/* its entry came before ldwatch did */
	if (!d->name[0] && r->str[0][0]) {
		free(d->name);
		d->name = strdup(r->str[0]);	/* unreadable at entry, read at return */
		if (!d->name)
			goto done;
	}
	if (r->ev.ret) {
		const char *path = strchr(d->name, '/') ? NULL : last_opened(p, d->name, d->att_mark);
		char buf[LW_FULL_MAX];

		if (!path) {
			event_resolve(p->cwd ? p->cwd : "", d->name, strlen(d->name), buf, sizeof(buf));
			path = buf;
		}
		if (c->ops.load && !ctr_wanted(c, p)) {
			c->st.filtered++;
		} else if (c->ops.load) {
			struct load l = {
				.ts_ns = r->ev.ts_ns, .pid = p->pid, .ppid = p->ppid, .uid = p->uid,
				.flags = d->flags, .duration_us = r->ev.aux, .comm = p->comm,
				.exe = p->exe, .name = d->name, .path = path,
				.container = p->in_ctr ? &p->ctr : NULL,
			};

			c->st.loads++;
			c->ops.load(c->ops.ctx, &l);
		}
		goto done;
	}
	e = le_for(p, d);
	code = le_errcode(p, d);
	text = !e ? NULL : e->objname && e->objname[0] ?
		(code ? xprintf("%s: %s: %s", e->objname, e->text, strerror(code)) :
			xprintf("%s: %s", e->objname, e->text)) :
		(code ? xprintf("%s: %s", e->text, strerror(code)) : strdup(e->text));
	pd = pending_new(p, text ? text : "", text ? strlen(text) : 0, r->ev.ts_ns);
	free(text);
	if (!pd)
		goto done;
	if (!text) {
		free(pd->message);
		pd->message = NULL;
	}
	pd->confirm_code = -1;
	pd->sev_by_exit = 1;
	if (e && (!strncmp(e->text, "cannot open shared object file", 30) ||
		  !strncmp(e->text, "failed to map segment", 21))) {
		const char *want = e->objname[0] ? e->objname : d->name;

		diagnose_library(c, p, pd, want, e->text, d->att_mark);
		if (pd->kind && !strcmp(pd->kind, "missing-library")) {
			free(pd->kind);
			free(pd->object);
			free(pd->hint);
			free(pd->needed_by);
			pd->needed_by = NULL;
			pd->kind = strdup("dlopen-failed");
			pd->object = strdup(d->name);
			if (strcmp(base_name(want), base_name(d->name)))
				pd->dependency = strdup(want);
			pd->err = code ? code : ENOENT;
			pd->hint = pd->dependency ?
				xprintf("%s was found, but its dependency %s was not: install it or add "
					"its directory to the dlopened object's RUNPATH or to "
					"LD_LIBRARY_PATH", d->name, want) :
				xprintf("dlopen(\"%s\") found nothing in the directories the loader "
					"searched: install it, pass a path, or add its directory to "
					"LD_LIBRARY_PATH or the caller's RUNPATH", d->name);
		}
		goto done;
	}
	pd->kind = strdup("dlopen-failed");
	pd->object = strdup(d->name);
	pd->err = code;
	if (e && e->op == LW_OP_DL_EXCEPTION_FMT && !strncmp(e->text, "undefined symbol: ", 18)) {
		pd->symbol = strdup(e->a3);
		if (e->a4[0])
			pd->version = strdup(e->a5);
	}
	pd->n_att = att_collect(p, d->name, d->att_mark, &pd->att);
	pd->hint = xprintf("dlopen(\"%s\") failed: %s", d->name,
			   e ? e->text : "the loader said nothing ldwatch could see");
done:
	free(d->name);
	*d = p->dl[--p->n_dl];
}

/* plugin.Open without a dlopen after it: Go's realpath() failed first */
static void diagnose_goplug(struct corr *c, struct proc *p, const struct goplug *g,
			    uint64_t ts)
{
	struct pending *pd;
	struct stat st;
	int err = 0;

	for (unsigned i = 0; i < p->att_n && !err; i++) {
		struct attempt *a = att_at(p, i);

		if (a->err && !strcmp(a->path, g->path) &&
		    p->att_seq[(p->att_head + i) % CORR_ATT_MAX] >= g->att_mark)
			err = a->err;
	}
	if (!err && fs_stat_in_root(c->root, g->path, &st) == -ENOENT)
		err = ENOENT;
	pd = pending_new(p, p->goline ? p->goline : "", p->goline ? strlen(p->goline) : 0, ts);
	if (!pd)
		return;
	if (!p->goline) {
		free(pd->message);
		pd->message = NULL;
	}
	pd->confirm_code = -1;
	pd->sev_by_exit = 1;
	pd->reported = !!p->goline;	/* Go's own words about it, on fd 2 */
	pd->kind = strdup("dlopen-failed");
	pd->object = strdup(g->path);
	pd->err = err;
	pd->n_att = att_under(p, g->path, &pd->att);	/* realpath's readlink and stat */
	pd->hint = xprintf("plugin.Open could not resolve %s (Go reports only \"realpath "
			   "failed\"): %s; check the path, relative paths resolve against the "
			   "working directory", g->path,
			   err ? strerror(err) : "the path did not resolve");
}

/*
 * Go's own words when plugin.Open was not probed yet (a binary's first run):
 * plugin.Open("PATH"): realpath failed
 */
static void goplug_from_message(struct proc *p)
{
	const char *q = strstr(p->goline, "plugin.Open(\""), *e;
	char buf[LW_FULL_MAX], *path;

	if (!q || !strstr(p->goline, "\"): realpath failed"))
		return;
	q += 13;
	e = strstr(q, "\"): realpath failed");
	path = strndup(q, e - q);
	if (!path)
		return;
	event_resolve(p->cwd ? p->cwd : "", path, strlen(path), buf, sizeof(buf));
	free(path);
	p->gp[0].path = strdup(buf);
	p->gp[0].att_mark = 0;
	p->gp[0].dlopened = 0;
	if (p->gp[0].path)
		p->n_gp = 1;
}

static void on_loader(struct corr *c, struct proc *p, const struct lw_rec *r)
{
	char buf[LW_FULL_MAX];
	unsigned i;

	switch (r->ev.op) {
	case LW_OP_DL_EXCEPTION:
	case LW_OP_DL_EXCEPTION_FMT:
	case LW_OP_DL_SIGNAL_ERROR:
	case LW_OP_DL_SIGNAL_EXC:
		le_add(p, r);
		break;
	case LW_OP_DLOPEN:
	case LW_OP_DLMOPEN:
		for (i = 0; i < p->n_gp; i++)
			p->gp[i].dlopened = 1;
		for (i = 0; i < p->n_dl && p->dl[i].tid != r->ev.tid; i++)
			;
		if (i == DL_MAX)
			break;
		if (i == p->n_dl)
			p->n_dl++;
		else
			free(p->dl[i].name);
		p->dl[i] = (struct dlop){
			.tid = r->ev.tid, .flags = r->ev.flags, .name = strdup(r->str[0]),
			.att_mark = p->att_next, .le_mark = p->le_next,
		};
		if (!p->dl[i].name)
			p->n_dl--;
		break;
	case LW_OP_DLOPEN_RET:
		on_dlopen_ret(c, p, r);
		break;
	case LW_OP_GO_PLUGIN_OPEN:
		if (p->n_gp == GP_MAX)
			break;
		event_resolve(p->cwd ? p->cwd : "", r->str[0], strlen(r->str[0]), buf, sizeof(buf));
		p->gp[p->n_gp].path = strdup(buf);
		p->gp[p->n_gp].att_mark = p->att_next;
		p->gp[p->n_gp].dlopened = 0;
		if (p->gp[p->n_gp].path)
			p->n_gp++;
		break;
	}
}

/*
 * A command searched for in every PATH directory and found in none, then a
 * failed exit (a shell's 127, or Go's "executable file not found in $PATH").
 */
#define PATH_DIRS_MAX 64

static void diagnose_command(struct corr *c, struct proc *p, uint64_t ts, int code, int sig)
{
	const char *path = env_find(c, p, "PATH"), *gobin;
	const char *dirs[PATH_DIRS_MAX];
	size_t dlen[PATH_DIRS_MAX];
	unsigned nd = 0, i, j, best_n = 0;
	const char *best = NULL;
	struct pending pd = { .severity = "error", .ts_ns = ts, .err = ENOENT };
	char *dup, *save, *tok, buf[4096];
	struct attempt *v;
	struct stat st;

	if (!path || !(dup = strdup(path)))
		return;
	for (tok = strtok_r(dup, ":", &save); tok && nd < PATH_DIRS_MAX;
	     tok = strtok_r(NULL, ":", &save)) {
		dirs[nd] = path + (tok - dup);
		dlen[nd++] = strlen(tok);
	}
	/* the name with most PATH directories tried, none of them a hit */
	for (i = 0; i < p->att_n; i++) {
		struct attempt *a = att_at(p, i);
		const char *b = base_name(a->path);
		unsigned tried = 0;
		bool hit = false;

		if (a->err != ENOENT || is_open_op(a->op) || a->op == LW_OP_MMAP)
			continue;
		for (j = 0; j < nd; j++) {
			int k = snprintf(buf, sizeof(buf), "%.*s/%s", (int)dlen[j], dirs[j], b);
			const struct attempt *l;

			if (k <= 0 || (size_t)k >= sizeof(buf))
				continue;
			l = att_last(p, buf);
			tried += l && l->err == ENOENT;
			hit |= l && !l->err;
		}
		if (!hit && tried > best_n) {
			best_n = tried;
			best = b;
		}
	}
	/*
	 * its own words name it: a shell's "command not found", env's "No such
	 * file", Go's error. A PATH search that came to nothing and an exit 127
	 * alone are a relay's status (podman exec looked for crun, then passed
	 * on its container's 127) or an optional tool not found
	 */
	if (!best || best_n < (nd < 2 ? nd : 2) ||
	    !p->said || !find_bytes(p->said, p->said_len, best, strlen(best))) {
		free(dup);
		return;
	}
	v = calloc(nd ? nd : 1, sizeof(*v));
	for (j = 0; v && j < nd; j++) {
		const struct attempt *l;

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)dlen[j], dirs[j], best);
		if ((l = att_last(p, buf))) {
			v[pd.n_att] = *l;
			v[pd.n_att].path = strdup(l->path);
			pd.n_att += !!v[pd.n_att].path;
		}
	}
	pd.att = v;
	pd.kind = "command-not-found";
	pd.object = (char *)best;
	pd.variable = xprintf("PATH=%s", path);
	gobin = env_find(c, p, "GOBIN");
	if (gobin && snprintf(buf, sizeof(buf), "%s/%s", gobin, best) < (int)sizeof(buf) &&
	    !fs_stat_in_root(c->root, buf, &st))
		pd.hint = xprintf("%s is in GOBIN (%s), which is not on PATH: add %s to PATH",
				  best, gobin, gobin);
	else {
		/* the directories really searched: a script may have changed PATH */
		struct sbuf dirs;

		sbuf_init(&dirs);
		for (j = 0; j < pd.n_att; j++) {
			const char *a = pd.att[j].path;

			sbuf_printf(&dirs, "%s%.*s", j ? ", " : "", (int)(base_name(a) - 1 - a), a);
		}
		pd.hint = xprintf("%s is in none of the PATH directories searched (%s): install it, "
				  "or add the directory that holds it to PATH (for `go install`ed "
				  "tools, GOBIN or GOPATH/bin)", best, sbuf_str(&dirs));
		sbuf_free(&dirs);
	}
	emit(c, p, &pd, code, sig);
	free(pd.hint);
	free(pd.variable);
	att_clear(pd.att, pd.n_att);
	free(pd.att);
	free(dup);
}

static void on_exit_ev(struct corr *c, struct proc *p, const struct lw_rec *r)
{
	uint32_t status = r->ev.aux;
	int code = -1, sig = -1;
	unsigned i;

	if ((status & 0x7f) == 0)
		code = (status >> 8) & 0xff;
	else
		sig = status & 0x7f;
	if (p->line_len) {
		on_line(c, p, p->line, p->line_len, r->ev.ts_ns);
		p->line_len = 0;
	}
	if (!p->n_gp && p->goline)
		goplug_from_message(p);
	for (i = 0; i < p->n_gp; i++)
		if (!p->gp[i].dlopened)
			diagnose_goplug(c, p, &p->gp[i], r->ev.ts_ns);
	for (i = 0; i < p->n_pend; i++) {
		struct pending *pd = &p->pend[i];

		if (code == pd->confirm_code || pd->confirm_code == -1)
			emit(c, p, pd, code, sig);
		pending_clear(pd);
	}
	p->n_pend = 0;
	if (code != 0)
		for (i = 0; i < p->n_xf; i++)
			diagnose_exec(c, p, &p->xf[i], r->ev.ts_ns, code, sig);
	if (code == 127 || (p->cnf && code != 0))
		diagnose_command(c, p, r->ev.ts_ns, code, sig);
	proc_remove(c, p);
}

/* a syscall's result as an errno: -4095..-1 are errors, anything else is none */
static int errno_of(int32_t ret)
{
	return ret < 0 && ret >= -4095 ? -ret : 0;
}

void corr_feed(struct corr *c, const struct lw_rec *r)
{
	const struct lw_event *e = &r->ev;
	struct proc *p, *child;
	int after_ns;

	p = proc_get(c, e->pid, e->start_ns);
	if (!p)
		return;
	proc_note(p, r);
	if (e->type == LW_EV_EXEC)
		p->unreadable = 0;	/* a new story */
	if (e->str_flags & LW_SF_PATH_FAULT)
		p->unreadable = 1;
	after_ns = p->after_ns;
	p->after_ns = e->type == LW_EV_NS;
	if (e->type == LW_EV_EXEC && !after_ns)
		p->in_ctr = p->has_root = 0;	/* an exec in the host's namespaces and root */
	if (e->type != LW_EV_NS)	/* an NS record enters its new root itself */
		proc_enter(c, p, e->ts_ns);
	if (p->ignore && e->type != LW_EV_EXEC && e->type != LW_EV_FORK) {
		if (e->type == LW_EV_EXIT) {
			proc_reset_exec(p);	/* nothing of it is reported */
			proc_remove(c, p);
		}
		return;
	}
	switch (e->type) {
	case LW_EV_EXEC:
		/* a dlopen failure its old image went on from: it coped, a warning */
		for (unsigned i = 0; i < p->n_pend; i++)
			if (p->pend[i].sev_by_exit)
				emit(c, p, &p->pend[i], -1, -1);
		proc_reset_exec(p);
		free(p->exe);
		free(p->cwd);
		p->exe = strdup(r->full);
		p->cwd = r->base[0] ? strdup(r->base) : NULL;
		p->loss_mark = c->loss_mark;
		p->ignore = 0;
		p->go_bin = 0;
		if (c->ops.exec_seen && p->exe) {
			int pending = !!(e->str_flags & LW_SF_PENDING);
			int go = c->ops.exec_seen(c->ops.ctx, c->root, p->exe, e->flags,
						  (uint64_t)e->extra << 32 | e->aux, pending,
						  p->pid);

			/* not Go after all: out of scope until its next exec */
			p->ignore = pending && !go;
			p->go_bin = go == 1;
			if (pending && go >= 0 && c->ops.settle)
				c->ops.settle(c->ops.ctx, p->pid,
					      (uint64_t)e->extra << 32 | e->aux, go);
			p->image_ino = (uint64_t)e->extra << 32 | e->aux;
		}
		break;
	case LW_EV_FORK:
		child = proc_get(c, e->aux, 0);
		p = proc_find(c, e->pid);	/* the child may have evicted it */
		if (!child || !p || child == p)
			break;
		free(child->exe);
		free(child->cwd);
		child->exe = xstrdup(p->exe);
		child->cwd = xstrdup(p->cwd);
		child->ppid = p->pid;
		child->uid = p->uid;
		memcpy(child->comm, p->comm, sizeof(child->comm));
		/* forked while its parent's verdict was still pending */
		child->ignore = p->ignore;
		child->loss_mark = p->loss_mark;
		child->has_root = p->has_root;
		child->root = p->root;
		free(child->root_fs);
		child->root_fs = xstrdup(p->root_fs);
		if (p->in_ctr) {
			child->in_ctr = 1;
			child->ctr = p->ctr;
			free(child->ctr_cgroup);
			child->ctr_cgroup = xstrdup(p->ctr_cgroup);
			child->ctr_id = p->ctr_id;
			child->ctr.cgroup = child->ctr_cgroup;
			child->ctr.runtime = p->ctr.runtime;
			child->ctr.id = child->ctr_id.id[0] ? child->ctr_id.id : NULL;
			child->ctr.pod_uid = child->ctr_id.pod_uid[0] ? child->ctr_id.pod_uid : NULL;
			child->ctr.nspid = 0;	/* its own is not known until its exec */
		}
		if (p->ignore && c->ops.settle)
			c->ops.settle(c->ops.ctx, child->pid, p->image_ino, 0);
		break;
	case LW_EV_ENV:
		on_env(p, r);
		break;
	case LW_EV_NS:
		on_ns(c, p, r);
		break;
	case LW_EV_FILE:
		att_add(p, r->full, e->op, errno_of(e->ret),
			(e->str_flags & LW_SF_MODE) ? e->aux : 0);
		if (e->ret >= 0 && is_open_op(e->op) && c->ops.loader_seen &&
		    corr_is_loader_name(base_name(r->full)))
			c->ops.loader_seen(c->ops.ctx, c->root, r->full, p->pid);
		if ((e->op == LW_OP_EXECVE || e->op == LW_OP_EXECVEAT) && e->ret < 0 &&
		    p->n_xf < XF_MAX) {
			p->xf[p->n_xf].path = strdup(r->full);
			p->xf[p->n_xf].err = errno_of(e->ret);
			if (p->xf[p->n_xf].path)
				p->n_xf++;
		}
		break;
	case LW_EV_MMAP:
		att_add(p, r->full, e->op, errno_of(e->ret), 0);
		if (p->n_mf < MF_MAX && r->full[0]) {
			p->mf[p->n_mf].path = strdup(r->full);
			p->mf[p->n_mf].err = errno_of(e->ret);
			p->mf[p->n_mf].noexec = !!(e->extra & LW_MMAP_MNT_NOEXEC);
			if (p->mf[p->n_mf].path)
				p->n_mf++;
		}
		break;
	case LW_EV_STDERR:
		on_stderr(c, p, r);
		break;
	case LW_EV_LOADER:
		on_loader(c, p, r);
		break;
	case LW_EV_EXIT:
		on_exit_ev(c, p, r);
		break;
	}
}

struct corr *corr_new(const struct corr_ops *ops)
{
	struct corr *c = calloc(1, sizeof(*c));

	if (c)
		c->ops = *ops;
	return c;
}

void corr_free(struct corr *c)
{
	if (!c)
		return;
	while (c->lru_head)
		proc_remove(c, c->lru_head);
	for (unsigned i = 0; i < c->n_loops; i++)
		loop_clear(&c->loops[i]);
	roots_free(c->roots);
	free(c);
}

void corr_seed(struct corr *c, uint32_t pid, const char *cwd)
{
	struct proc *p = proc_get(c, pid, 0);

	if (p && cwd) {
		free(p->cwd);
		p->cwd = strdup(cwd);
	}
}

void corr_finish(struct corr *c)
{
	report_repeats(c);
}

void corr_tick(struct corr *c, uint64_t now_ns)
{
	if (!c->last_repeat_ns)
		c->last_repeat_ns = now_ns;
	if (now_ns >= c->last_repeat_ns + CORR_REPEAT_NS) {
		report_repeats(c);
		c->last_repeat_ns = now_ns;
	}
	if (c->roots)
		roots_expire(c->roots, now_ns);
	for (struct proc *p = c->lru_head; p; p = p->lnext) {
		unsigned i = 0;

		while (i < p->n_pend) {
			struct pending *pd = &p->pend[i];

			if (pd->confirm_code != -1 || now_ns < pd->ts_ns + CORR_LINGER_NS) {
				i++;
				continue;
			}
			proc_enter(c, p, now_ns);
			emit(c, p, pd, -1, -1);
			pending_clear(pd);
			p->pend[i] = p->pend[--p->n_pend];
			memset(&p->pend[p->n_pend], 0, sizeof(p->pend[0]));
		}
	}
}

void corr_set_loss_mark(struct corr *c, uint64_t lost)
{
	c->loss_mark = lost;
}

void corr_malformed(struct corr *c)
{
	c->st.malformed++;
}

void corr_stats(const struct corr *c, struct corr_stats *out)
{
	*out = c->st;
}
