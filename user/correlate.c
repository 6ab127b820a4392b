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
#include "correlate.h"
#include "elfinfo.h"
#include "fsinfo.h"

#define HASH_BUCKETS	1024
#define PEND_MAX	4
#define XF_MAX		8
#define MF_MAX		4
#define KEYS_MAX	16

/* a finding waiting for its outcome (the exit that confirms it) */
struct pending {
	char *exe;		/* when the finding is about another binary than the image */
	char *kind, *object, *needed_by, *message, *cause, *mount, *hint;
	const char *severity;
	int err;
	int confirm_code;	/* exit code that confirms it */
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
	unsigned att_head, att_n;
	size_t att_bytes;
	char line[CORR_LINE_MAX];
	size_t line_len;
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

struct corr {
	struct corr_ops ops;
	struct proc *bucket[HASH_BUCKETS];
	struct proc *lru_head, *lru_tail;	/* head: most recently seen */
	struct corr_stats st;
	struct elf_info elf;			/* scratch, ~20 KiB */
};

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
	att_clear(pd->att, pd->n_att);
	free(pd->att);
	memset(pd, 0, sizeof(*pd));
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
}

static void proc_free(struct proc *p)
{
	proc_reset_exec(p);
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
	if (!p)
		return NULL;
	p->pid = pid;
	p->start_ns = start_ns;
	if (c->ops.proc) {
		/* seen mid-life: what /proc still says, best effort */
		p->exe = read_link(c->ops.proc, pid, "exe");
		p->cwd = read_link(c->ops.proc, pid, "cwd");
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

static void att_add(struct proc *p, const char *path, uint32_t op, int err)
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
	p->att_n++;
	p->att_bytes += len;
}

static struct attempt *att_at(struct proc *p, unsigned i)
{
	return &p->att[(p->att_head + i) % CORR_ATT_MAX];
}

/* --- evidence ----------------------------------------------------------- */

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

static unsigned att_collect(struct proc *p, const char *name, struct attempt **out)
{
	unsigned i, n = 0;
	struct attempt *v;

	*out = NULL;
	v = calloc(p->att_n ? p->att_n : 1, sizeof(*v));
	if (!v)
		return 0;
	for (i = 0; i < p->att_n; i++) {
		struct attempt *a = att_at(p, i);

		if (!att_is_for(a, name))
			continue;
		v[n].path = strdup(a->path);
		if (!v[n].path)
			break;
		v[n].op = a->op;
		v[n].err = a->err;
		n++;
	}
	*out = v;
	return n;
}

static int inspect(struct corr *c, const char *path, struct elf_info *info)
{
	int fd, err;

	err = elf_open_in_root(c->ops.rootfd, path, &fd);
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

	if ((want & X_OK) && c->ops.mountinfo &&
	    !fs_mount_of(c->ops.mountinfo, path, mnt, sizeof(mnt), &noexec) && noexec) {
		*mount = strdup(mnt);
		return "noexec-mount";
	}
	if (!fs_stat_in_root(c->ops.rootfd, path, st) && fs_mode_denies(st, uid, want))
		return "file-mode";
	return fs_lsm_active() ? "security-module" : "unknown";
}

static char *deny_hint(const char *cause, const char *path, uint32_t uid, int want,
		       const struct stat *st, const char *mount)
{
	if (!strcmp(cause, "noexec-mount"))
		return xprintf("%s is on %s, which is mounted noexec: move it to a filesystem "
			       "that allows execution, or remount %s without noexec",
			       path, mount, mount);
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

static void emit(struct corr *c, struct proc *p, const struct pending *pd,
		 int exit_code, int sig)
{
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
		.err = pd->err,
		.exit_code = exit_code,
		.signal = sig,
		.attempts = pd->att,
		.n_attempts = pd->n_att,
	};

	if (!pd->kind || key_seen(p, pd->kind, pd->object))
		return;
	c->st.findings++;
	c->ops.finding(c->ops.ctx, &f);
}

/*
 * A library the loader gave up on. The root cause beats the loader's
 * wording: a candidate refused with EACCES, or mapped from a noexec mount,
 * is the finding even when ld.so says "No such file or directory".
 */
static void diagnose_library(struct corr *c, struct proc *p, struct pending *pd,
			     const char *name, const char *errstr)
{
	char entry[4096], enotdir[4096] = "";
	struct stat st;
	unsigned i;

	pd->n_att = att_collect(p, name, &pd->att);
	for (i = 0; i < p->n_mf; i++) {
		struct mmapfail *m = &p->mf[i];
		char mnt[4096] = "";
		int noexec = m->noexec;

		if (strcmp(base_name(m->path), base_name(name)))
			continue;
		if (c->ops.mountinfo)
			fs_mount_of(c->ops.mountinfo, m->path, mnt, sizeof(mnt), &noexec);
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
		if (!fs_stat_in_root(c->ops.rootfd, entry, &st) && S_ISREG(st.st_mode) &&
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

/* copy s[0..n) minus a suffix starting at `stop` (if found) */
static char *cut(const char *s, size_t n, const char *stop)
{
	const char *e = memmem(s, n, stop, strlen(stop));

	return strndup(s, e ? (size_t)(e - s) : n);
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
	const char *s;
	struct pending *pd;
	char *name = NULL, *errstr = NULL;

	if ((s = memmem(line, len, glibc, sizeof(glibc) - 1))) {
		size_t rest = len - (s - line) - (sizeof(glibc) - 1);

		s += sizeof(glibc) - 1;
		name = cut(s, rest, ": ");
		if (!name || strlen(name) + 2 > rest)
			goto out;
		errstr = strndup(s + strlen(name) + 2, rest - strlen(name) - 2);
		pd = pending_new(p, line, len, ts);
		if (pd && errstr)
			diagnose_library(c, p, pd, name, errstr);
	} else if (len > sizeof(preload) - 1 && !memcmp(line, preload, sizeof(preload) - 1)) {
		s = line + sizeof(preload) - 1;
		name = cut(s, len - (sizeof(preload) - 1), "'");
		pd = pending_new(p, line, len, ts);
		if (!pd || !name)
			goto out;
		diagnose_library(c, p, pd, name, "cannot open shared object file");
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
		if (!name || strlen(name) + 2 > len - (sizeof(musl) - 1))
			goto out;
		errstr = strndup(s + strlen(name) + 2, len - (s - line) - strlen(name) - 2);
		pd = pending_new(p, line, len, ts);
		if (!pd || !errstr)
			goto out;
		nb = memmem(line, len, "(needed by ", 11);
		if (nb)
			pd->needed_by = cut(nb + 11, len - (nb + 11 - line), ")");
		/* musl words errors as strerror: map the lookup ones onto glibc's */
		diagnose_library(c, p, pd, name, strstr(errstr, "No such file") ?
				 "cannot open shared object file" : errstr);
	}
out:
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

	if (fs_stat_in_root(c->ops.rootfd, x->path, &st) || !S_ISREG(st.st_mode))
		return;		/* really absent, or a directory met on a PATH walk */
	if (x->err == ENOENT) {
		char interp[ELF_STR_MAX + 4096];
		struct stat ist;

		if (inspect(c, x->path, &c->elf) || !c->elf.interp[0])
			return;
		if (c->elf.interp[0] == '/' || !p->cwd)
			snprintf(interp, sizeof(interp), "%s", c->elf.interp);
		else
			snprintf(interp, sizeof(interp), "%s/%s", p->cwd, c->elf.interp);
		if (fs_stat_in_root(c->ops.rootfd, interp, &ist) != -ENOENT)
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
	pd.hint = deny_hint(cause, obj, p->uid, X_OK, &st, mount);
	pd.att = &a;
	pd.n_att = 1;
	emit(c, p, &pd, code, sig);
	free(pd.hint);
	free(mount);
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
	for (i = 0; i < p->n_pend; i++) {
		struct pending *pd = &p->pend[i];

		if (code == pd->confirm_code)
			emit(c, p, pd, code, sig);
		pending_clear(pd);
	}
	p->n_pend = 0;
	if (code != 0)
		for (i = 0; i < p->n_xf; i++)
			diagnose_exec(c, p, &p->xf[i], r->ev.ts_ns, code, sig);
	proc_remove(c, p);
}

void corr_feed(struct corr *c, const struct lw_rec *r)
{
	const struct lw_event *e = &r->ev;
	struct proc *p, *child;

	p = proc_get(c, e->pid, e->start_ns);
	if (!p)
		return;
	proc_note(p, r);
	switch (e->type) {
	case LW_EV_EXEC:
		proc_reset_exec(p);
		free(p->exe);
		free(p->cwd);
		p->exe = strdup(r->full);
		p->cwd = r->base[0] ? strdup(r->base) : NULL;
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
		break;
	case LW_EV_FILE:
		att_add(p, r->full, e->op, e->ret < 0 ? -e->ret : 0);
		if ((e->op == LW_OP_EXECVE || e->op == LW_OP_EXECVEAT) && e->ret < 0 &&
		    p->n_xf < XF_MAX) {
			p->xf[p->n_xf].path = strdup(r->full);
			p->xf[p->n_xf].err = -e->ret;
			if (p->xf[p->n_xf].path)
				p->n_xf++;
		}
		break;
	case LW_EV_MMAP:
		att_add(p, r->full, e->op, -e->ret);
		if (p->n_mf < MF_MAX && r->full[0]) {
			p->mf[p->n_mf].path = strdup(r->full);
			p->mf[p->n_mf].err = -e->ret;
			p->mf[p->n_mf].noexec = !!(e->extra & LW_MMAP_MNT_NOEXEC);
			if (p->mf[p->n_mf].path)
				p->n_mf++;
		}
		break;
	case LW_EV_STDERR:
		on_stderr(c, p, r);
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

void corr_malformed(struct corr *c)
{
	c->st.malformed++;
}

void corr_stats(const struct corr *c, struct corr_stats *out)
{
	*out = c->st;
}
