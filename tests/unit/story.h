/*
 * test vocabulary: a program's life told as the records the BPF side sends,
 * fed to a correlator, and the findings it reports checked as one struct.
 * raw_*() build one record; the story's verbs (exec_, lookup, says, exits,
 * ...) build, decode and feed one; expect_*() check what came out.
 */
#ifndef TEST_STORY_H
#define TEST_STORY_H

#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "correlate.h"
#include "event.h"

/* --- one record, as the kernel writes it --- */

struct raw {
	struct lw_event ev;
	char data[LW_PATH_MAX + LW_BASE_MAX];
};

#define RAW_TS_NS	5000000000ull	/* every record's time */

/* comps: the base as the kernel sends it, leaf first, NUL-separated; uid 0, ppid 1 */
static inline size_t raw_make(struct raw *r, uint32_t type, uint32_t pid, uint32_t op,
			      int32_t ret, const char *path, size_t path_len,
			      const char *comps, size_t comps_len)
{
	memset(r, 0, sizeof(*r));
	r->ev.type = type;
	r->ev.pid = pid;
	r->ev.tid = pid;
	r->ev.ppid = 1;
	r->ev.start_ns = 1000 + pid;
	r->ev.ts_ns = RAW_TS_NS;
	r->ev.op = op;
	r->ev.ret = ret;
	r->ev.dfd = -100;
	memcpy(r->ev.comm, "prog", 5);
	memcpy(r->data, path, path_len);
	memcpy(r->data + path_len, comps, comps_len);
	r->ev.path_len = path_len;
	r->ev.base_len = comps_len;
	if (comps_len)
		r->ev.str_flags |= LW_SF_BASE_CWD;
	return sizeof(r->ev) + path_len + comps_len;
}

/* a path as the kernel walks it, leaf first: "/work/main" is "main\0work\0"; "/" is none */
static inline size_t raw_comps(const char *path, char *out, size_t cap)
{
	const char *end = path ? path + strlen(path) : NULL, *p;
	size_t n = 0, len;

	while (end && end > path) {
		while (end > path && end[-1] == '/')
			end--;
		for (p = end; p > path && p[-1] != '/'; p--)
			;
		len = end - p;
		if (!len)
			break;
		cr_assert_leq(n + len + 1, cap, "components of %s: too long", path);
		memcpy(out + n, p, len);
		out[n + len] = '\0';
		n += len + 1;
		end = p;
	}
	return n;
}

/* a record whose base is a directory given as a path (NULL: none) */
static inline size_t raw_based(struct raw *r, uint32_t type, uint32_t pid, uint32_t op,
			       int32_t ret, const char *path, size_t path_len, const char *base)
{
	char comps[LW_BASE_MAX];

	return raw_make(r, type, pid, op, ret, path, path_len, comps,
			raw_comps(base, comps, sizeof(comps)));
}

/* a successful exec of path by a process in cwd */
static inline size_t raw_exec(struct raw *r, uint32_t pid, const char *path, const char *cwd)
{
	return raw_based(r, LW_EV_EXEC, pid, 0, 0, path, strlen(path), cwd);
}

/* a lookup (ret: an fd, 0 or -errno); cwd travels with it as the kernel sends it */
static inline size_t raw_lookup(struct raw *r, uint32_t pid, uint32_t op, const char *path,
				int32_t ret, const char *cwd)
{
	return raw_based(r, LW_EV_FILE, pid, op, ret, path, strlen(path), cwd);
}

/* a failed PROT_EXEC mmap of file (its path from the fd, leaf first); extra: LW_MMAP_* */
static inline size_t raw_mmap(struct raw *r, uint32_t pid, const char *file, int32_t ret,
			      uint32_t extra)
{
	size_t n = raw_based(r, LW_EV_MMAP, pid, LW_OP_MMAP, ret, "", 0, file);

	r->ev.extra = extra;
	r->ev.str_flags = LW_SF_BASE_DIRFD;
	return n;
}

/* bytes written to fd 2 with op (LW_OP_WRITE, LW_OP_WRITEV), all of them */
static inline size_t raw_write(struct raw *r, uint32_t pid, uint32_t op, const char *s)
{
	return raw_make(r, LW_EV_STDERR, pid, op, strlen(s), s, strlen(s), "", 0);
}

#define WAIT_EXITED(code)	((uint32_t)(code) << 8)	/* wait status of exit(code) */
#define WAIT_KILLED(sig)	((uint32_t)(sig))	/* wait status of a death by sig */

static inline size_t raw_exit(struct raw *r, uint32_t pid, uint32_t status)
{
	size_t n = raw_make(r, LW_EV_EXIT, pid, 0, 0, "", 0, "", 0);

	r->ev.aux = status;
	return n;
}

static inline size_t raw_fork(struct raw *r, uint32_t parent, uint32_t child)
{
	size_t n = raw_make(r, LW_EV_FORK, parent, 0, 0, "", 0, "", 0);

	r->ev.aux = child;
	return n;
}

/* a loader uprobe: its n strings packed NUL-terminated, as the BPF side does */
static inline size_t raw_loader(struct raw *r, uint32_t pid, uint32_t op, int32_t ret,
				uint32_t aux, const char *const *strs, unsigned n)
{
	char data[LW_LSTR_N * LW_LSTR_MAX];
	size_t len = 0, k;

	for (unsigned i = 0; i < n; i++) {
		k = strlen(strs[i]) + 1;
		cr_assert_leq(len + k, sizeof(data));
		memcpy(data + len, strs[i], k);
		len += k;
	}
	k = raw_make(r, LW_EV_LOADER, pid, op, ret, data, len, "", 0);
	r->ev.aux = aux;
	return k;
}

/* op LW_ENV_VARS ("NAME=VALUE\0"...) or LW_ENV_ARGV ("arg0\0"...) */
static inline size_t raw_env(struct raw *r, uint32_t pid, uint32_t op, const char *blk, size_t n)
{
	return raw_make(r, LW_EV_ENV, pid, op, 0, blk, n, "", 0);
}

/* where a process lives: ns, then its cgroup's path leaf first (NULL: none); base = its root */
static inline size_t raw_ns(struct raw *r, uint32_t pid, const struct lw_ns *ns,
			    const char *cgroup, const char *root)
{
	char path[sizeof(*ns) + LW_PATH_MAX];
	size_t n = sizeof(*ns);

	memcpy(path, ns, sizeof(*ns));
	n += raw_comps(cgroup, path + n, sizeof(path) - n);
	return raw_based(r, LW_EV_NS, pid, 0, 0, path, n, root);
}

/* --- the story: records fed to one correlator --- */

#define STORY_CWD	"/w"	/* where a process runs unless exec_in() says */
#define STORY_KEPT	8	/* findings kept for expect_*() */
#define STORY_PROCS	16	/* processes with a parent or cwd of their own */

/* a finding's fields that expect_*() compare as strings ("" matches none) */
#define STORY_STRS(X) X(kind) X(severity) X(cause) VERDICT_STRS(X) X(comm) X(cwd) X(go_cmd) \
	X(root) X(object_host) X(incomplete) X(first_attempt) \
	X(ctr_runtime) X(ctr_id) X(ctr_cgroup) X(ctr_pod_uid)
/* and as numbers */
#define STORY_INTS(X) X(err) X(exit_code) X(signal) X(n_attempts) X(pid) X(ppid) X(uid) X(go_pid)

/* what the finding callback was given, copied: its pointers die with the call */
struct got {
#define STORY_STR_FIELD(name) char *name;
#define STORY_INT_FIELD(name) int name;
	STORY_STRS(STORY_STR_FIELD)
	STORY_INTS(STORY_INT_FIELD)
};

static struct story {
	struct corr *corr;
	int rootfd;			/* "/", the correlator's root */
	uint32_t uid;			/* stamped on every record */
	struct {
		uint32_t pid, ppid;
		const char *cwd;
	} procs[STORY_PROCS];		/* the ones forks() or exec_in() named */
	unsigned n_procs;
	struct raw raw;
	struct lw_rec rec;
	struct got found[STORY_KEPT];
	unsigned n_found;		/* all the correlator reported, kept or not */
} story;

static inline char *story_dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static inline void story_finding(void *ctx, const struct finding *f)
{
	const struct ctr_ctx *ctr = f->container;
	struct got *g;

	(void)ctx;
	if (story.n_found++ >= STORY_KEPT)
		return;
	g = &story.found[story.n_found - 1];
	g->kind = story_dup(lw_kind_name(f->v.kind));
	g->severity = story_dup(lw_severity_name(f->v.severity));
	g->cause = story_dup(lw_cause_name(f->v.cause));
#define STORY_COPY_VERDICT(name) g->name = story_dup(f->v.name);
	VERDICT_STRS(STORY_COPY_VERDICT)
	g->comm = story_dup(f->comm);
	g->cwd = story_dup(f->cwd);
	g->go_cmd = story_dup(f->go_cmd);
	g->root = story_dup(f->root);
	g->object_host = story_dup(f->object_host);
	g->incomplete = story_dup(f->incomplete);
	g->first_attempt = story_dup(f->n_attempts ? f->attempts[0].path : NULL);
	g->ctr_runtime = story_dup(ctr ? ctr->runtime : NULL);
	g->ctr_id = story_dup(ctr ? ctr->id : NULL);
	g->ctr_cgroup = story_dup(ctr ? ctr->cgroup : NULL);
	g->ctr_pod_uid = story_dup(ctr ? ctr->pod_uid : NULL);
	g->err = f->v.err;
	g->exit_code = f->exit_code;
	g->signal = f->signal;
	g->n_attempts = f->n_attempts;
	g->pid = f->pid;
	g->ppid = f->ppid;
	g->uid = f->uid;
	g->go_pid = f->go_pid;
}

static inline void story_forget(void)
{
	for (unsigned i = 0; i < story.n_found && i < STORY_KEPT; i++) {
#define STORY_FREE(name) free(story.found[i].name);
		STORY_STRS(STORY_FREE)
	}
	memset(story.found, 0, sizeof(story.found));
	story.n_found = 0;
}

/* a correlator with ops (findings to the story unless ops.finding says), on the story's root */
static inline void story_corr_new(struct corr_ops ops)
{
	if (!ops.finding)
		ops.finding = story_finding;
	ops.rootfd = story.rootfd;
	story.corr = corr_new(&ops);
	cr_assert_not_null(story.corr);
}

/* a story told to a correlator with ops, "/" as its root */
static inline void story_begin(struct corr_ops ops)
{
	story.uid = 0;
	story.n_procs = 0;
	story.rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(story.rootfd, 0);
	story_corr_new(ops);
}

/* a new correlator with other ops, the findings so far forgotten */
static inline void story_restart(struct corr_ops ops)
{
	corr_free(story.corr);
	story_forget();
	story_corr_new(ops);
}

static inline void story_end(void)
{
	corr_free(story.corr);
	story.corr = NULL;
	close(story.rootfd);
	story_forget();
}

/* the entry for pid, made when asked to */
static inline unsigned story_proc(uint32_t pid, int make)
{
	unsigned i;

	for (i = 0; i < story.n_procs; i++)
		if (story.procs[i].pid == pid)
			return i;
	if (!make)
		return STORY_PROCS;
	cr_assert_lt(story.n_procs, STORY_PROCS, "more processes than the story holds");
	story.procs[i].pid = pid;
	story.procs[i].ppid = 1;
	story.procs[i].cwd = STORY_CWD;
	story.n_procs++;
	return i;
}

static inline uint32_t story_ppid(uint32_t pid)
{
	unsigned i = story_proc(pid, 0);

	return i < STORY_PROCS ? story.procs[i].ppid : 1;
}

static inline const char *story_cwd(uint32_t pid)
{
	unsigned i = story_proc(pid, 0);

	return i < STORY_PROCS ? story.procs[i].cwd : STORY_CWD;
}

/* the record of n bytes in story.raw, stamped with its process's uid and parent, fed */
static inline void story_feed(size_t n)
{
	story.raw.ev.uid = story.uid;
	story.raw.ev.ppid = story_ppid(story.raw.ev.pid);
	cr_assert_eq(event_decode(&story.raw, n, &story.rec), 0, "a record the story built");
	corr_feed(story.corr, &story.rec);
}

/* pid exec'd path, in its cwd (STORY_CWD, its parent's, or the one exec_in() gave) */
static inline void exec_(uint32_t pid, const char *path)
{
	story_feed(raw_exec(&story.raw, pid, path, story_cwd(pid)));
}

/* pid exec'd path in cwd, where it runs from now on */
static inline void exec_in(uint32_t pid, const char *path, const char *cwd)
{
	story.procs[story_proc(pid, 1)].cwd = cwd;
	exec_(pid, path);
}

/* pid's lookup of path by op: ret an fd, 0 or -errno */
static inline void lookup(uint32_t pid, uint32_t op, const char *path, int32_t ret)
{
	story_feed(raw_lookup(&story.raw, pid, op, path, ret, story_cwd(pid)));
}

/* pid's stat of path found a file of st_mode mode */
static inline void stat_finds(uint32_t pid, const char *path, uint32_t mode)
{
	size_t n = raw_lookup(&story.raw, pid, LW_OP_FSTATAT, path, 0, story_cwd(pid));

	story.raw.ev.str_flags |= LW_SF_MODE;
	story.raw.ev.aux = mode;
	story_feed(n);
}

/* pid's PROT_EXEC mmap of file failed with ret; extra: LW_MMAP_* */
static inline void mmap_fails(uint32_t pid, const char *file, int32_t ret, uint32_t extra)
{
	story_feed(raw_mmap(&story.raw, pid, file, ret, extra));
}

/* pid wrote s to fd 2 (writev, as the loaders do) */
static inline void says(uint32_t pid, const char *s)
{
	story_feed(raw_write(&story.raw, pid, LW_OP_WRITEV, s));
}

/* pid wrote s to fd 2 with write(2), as dash does its words in pieces */
static inline void writes(uint32_t pid, const char *s)
{
	story_feed(raw_write(&story.raw, pid, LW_OP_WRITE, s));
}

/* pid wrote s to fd 2, which is /dev/null: the words reach nobody */
static inline void says_to_null(uint32_t pid, const char *s)
{
	size_t n = raw_write(&story.raw, pid, LW_OP_WRITE, s);

	story.raw.ev.str_flags |= LW_SF_DEVNULL;
	story_feed(n);
}

static inline void exits(uint32_t pid, int code)
{
	story_feed(raw_exit(&story.raw, pid, WAIT_EXITED(code)));
}

static inline void killed(uint32_t pid, int sig)
{
	story_feed(raw_exit(&story.raw, pid, WAIT_KILLED(sig)));
}

/* the exit of a process the story never saw start, that got pid after the one it told of */
static inline void reused_pid_exits(uint32_t pid, int code)
{
	size_t n = raw_exit(&story.raw, pid, WAIT_EXITED(code));

	story.raw.ev.start_ns = 999999;
	story_feed(n);
}

/* parent forked child: the child's records name parent, and it runs where parent does */
static inline void forks(uint32_t parent, uint32_t child)
{
	const char *cwd = story_cwd(parent);
	unsigned i = story_proc(child, 1);

	story.procs[i].ppid = parent;
	story.procs[i].cwd = cwd;
	story_feed(raw_fork(&story.raw, parent, child));
}

/* the environment (LW_ENV_VARS) or a go command's argv (LW_ENV_ARGV) at exec, as literals */
#define env_(pid, lit)	story_feed(raw_env(&story.raw, (pid), LW_ENV_VARS, lit, sizeof(lit) - 1))
#define argv_(pid, lit)	story_feed(raw_env(&story.raw, (pid), LW_ENV_ARGV, lit, sizeof(lit) - 1))

/* pid lives in other namespaces (flags: LW_NS_*), in cgroup (a path; NULL: none sent) */
static inline void ns_(uint32_t pid, uint32_t flags, const char *cgroup)
{
	struct lw_ns ns = { .cgroup_id = 4242, .mntns = 4026532999u, .pidns = 4026533000u,
			    .nspid = 1, .flags = flags };

	story_feed(raw_ns(&story.raw, pid, &ns, cgroup, NULL));
}

/* the loader's uprobes, with the strings each one reads (ldwatch.h) */
static inline void story_loader(uint32_t pid, uint32_t op, int32_t ret, uint32_t aux,
				const char *const *strs, unsigned n)
{
	story_feed(raw_loader(&story.raw, pid, op, ret, aux, strs, n));
}

static inline void dlopen_(uint32_t pid, const char *file)
{
	story_loader(pid, LW_OP_DLOPEN, 0, 0, &file, 1);
}

/* dlopen returned NULL after us microseconds */
static inline void dlopen_null(uint32_t pid, uint32_t us)
{
	story_loader(pid, LW_OP_DLOPEN_RET, 0, us, NULL, 0);
}

/* dlopen returned a handle after us microseconds */
static inline void dlopen_handle(uint32_t pid, uint32_t us)
{
	story_loader(pid, LW_OP_DLOPEN_RET, 1, us, NULL, 0);
}

static inline void dl_exception(uint32_t pid, const char *obj, const char *text)
{
	const char *s[] = { obj, text };

	story_loader(pid, LW_OP_DL_EXCEPTION, 0, 0, s, 2);
}

static inline void dl_exception_fmt(uint32_t pid, const char *obj, const char *fmt,
				    const char *a3, const char *a4, const char *a5)
{
	const char *s[] = { obj, fmt, a3, a4, a5 };

	story_loader(pid, LW_OP_DL_EXCEPTION_FMT, 0, 0, s, 5);
}

/* ld.so's own re-raise (glibc 2.37+), with the errno */
static inline void dl_signal_exc(uint32_t pid, int err, const char *obj, const char *text,
				 const char *occasion)
{
	const char *s[] = { obj, text, occasion };

	story_loader(pid, LW_OP_DL_SIGNAL_EXC, err, 0, s, 3);
}

/* the same, its strings unreadable to the kernel */
static inline void dl_signal_exc_unreadable(uint32_t pid, int err)
{
	const char *s[] = { "", "", "" };
	size_t n = raw_loader(&story.raw, pid, LW_OP_DL_SIGNAL_EXC, err, 0, s, 3);

	story.raw.ev.str_flags |= LW_SF_PATH_FAULT;
	story_feed(n);
}

/* Go's plugin.Open(path), path as Go passed it */
static inline void go_plugin_open(uint32_t pid, const char *path)
{
	story_loader(pid, LW_OP_GO_PLUGIN_OPEN, 0, 0, &path, 1);
}

/* ns after the story's records were sent */
static inline void time_passes(uint64_t ns)
{
	corr_tick(story.corr, RAW_TS_NS + ns);
}

/* --- what the correlator reported --- */

#define STORY_ANY	INT_MIN		/* a number not checked */

/*
 * a finding wanted: every string set and every number not STORY_ANY is
 * checked; "" wants none. hint_has, hint_lacks, hint_once: words the hint
 * holds, does not hold, holds exactly once.
 */
struct want {
#define STORY_WANT_STR(name) const char *name;
	STORY_STRS(STORY_WANT_STR)
	STORY_INTS(STORY_INT_FIELD)
	const char *hint_has, *hint_lacks, *hint_once;
};

/* s quoted, its newlines and other bytes outside ASCII's printable ones escaped */
static inline void story_quote(FILE *m, const char *s)
{
	fputc('"', m);
	for (; *s; s++) {
		if (*s == '\n')
			fputs("\\n", m);
		else if (*s == '"' || *s == '\\')
			fprintf(m, "\\%c", *s);
		else if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			fprintf(m, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, m);
	}
	fputc('"', m);
}

static inline unsigned story_count_hint(const char *hint, const char *words)
{
	unsigned n = 0;

	for (const char *p = hint; (p = strstr(p, words)); p++)
		n++;
	return n;
}

/* each way finding i is not w, one line each; how many */
static inline unsigned story_diff(FILE *m, unsigned i, const struct want *w)
{
	const struct got *g;
	const char *hint;
	unsigned bad = 0;

	if (i >= story.n_found || i >= STORY_KEPT) {
		fprintf(m, "  no finding %u: %u reported\n", i, story.n_found);
		return 1;
	}
	g = &story.found[i];
	hint = g->hint ? g->hint : "";
#define STORY_DIFF_STR(name) \
	if (w->name && strcmp(w->name, g->name ? g->name : "")) { \
		fputs("  ." #name " = ", m); \
		story_quote(m, g->name ? g->name : ""); \
		fputs(", wanted ", m); \
		story_quote(m, w->name); \
		fputc('\n', m); \
		bad++; \
	}
	STORY_STRS(STORY_DIFF_STR)
#define STORY_DIFF_INT(name) \
	if (w->name != STORY_ANY && w->name != g->name) { \
		fprintf(m, "  ." #name " = %d, wanted %d\n", g->name, w->name); \
		bad++; \
	}
	STORY_INTS(STORY_DIFF_INT)
	if (w->hint_has && !strstr(hint, w->hint_has))
		fprintf(m, "  .hint lacks \"%s\"\n", w->hint_has), bad++;
	if (w->hint_lacks && strstr(hint, w->hint_lacks))
		fprintf(m, "  .hint holds \"%s\"\n", w->hint_lacks), bad++;
	if (w->hint_once && story_count_hint(hint, w->hint_once) != 1)
		fprintf(m, "  .hint holds \"%s\" %u times, wanted once\n", w->hint_once,
			story_count_hint(hint, w->hint_once)), bad++;
	if (bad && (w->hint_has || w->hint_lacks || w->hint_once)) {
		fputs("  (.hint = ", m);
		story_quote(m, hint);
		fputs(")\n", m);
	}
	return bad;
}

/* the findings reported, one line each */
static inline void story_list(FILE *m)
{
	for (unsigned i = 0; i < story.n_found && i < STORY_KEPT; i++) {
		const struct got *g = &story.found[i];

		fprintf(m, "  [%u] %s %s ", i, g->kind, g->severity);
		story_quote(m, g->object ? g->object : "");
		fprintf(m, " exe %s exit %d\n", g->exe ? g->exe : "-", g->exit_code);
	}
	if (story.n_found > STORY_KEPT)
		fprintf(m, "  ... and %u more\n", story.n_found - STORY_KEPT);
}

/*
 * what is wrong with the findings, as one message (NULL: nothing): the count
 * unless n is STORY_ANY, finding i unless w is NULL, every mismatch at once
 */
static inline char *story_check(int n, unsigned i, const struct want *w)
{
	char *msg = NULL;
	size_t len = 0;
	unsigned bad = 0;
	FILE *m = open_memstream(&msg, &len);

	cr_assert_not_null(m);
	if (n != STORY_ANY && story.n_found != (unsigned)n) {
		fprintf(m, "  %u findings reported, wanted %d\n", story.n_found, n);
		bad++;
	}
	if (w)
		bad += story_diff(m, i, w);
	if (bad && story.n_found)
		fputs("reported:\n", m), story_list(m);
	fclose(m);
	if (bad)
		return msg;
	free(msg);
	return NULL;
}

/* the fields of a want, numbers STORY_ANY unless given (override-init is the point) */
#define STORY_INT_ANY(name) .name = STORY_ANY,
#define STORY_WANT(...) (&(const struct want){ STORY_INTS(STORY_INT_ANY) __VA_ARGS__ })
#define STORY_EXPECT(what, n, i, w) do { \
	_Pragma("GCC diagnostic push") \
	_Pragma("GCC diagnostic ignored \"-Woverride-init\"") \
	char *msg_ = story_check((n), (i), (w)); \
	_Pragma("GCC diagnostic pop") \
	cr_assert(!msg_, "%s:\n%s", (what), msg_ ? msg_ : ""); \
} while (0)

/* the correlator reported n findings */
#define expect_findings(n)	STORY_EXPECT("not the findings wanted", (n), 0, NULL)
#define expect_no_finding()	expect_findings(0)
/* finding i is the one described: expect_finding(0, .kind = "missing-library", .err = ENOENT) */
#define expect_finding(i, ...) \
	STORY_EXPECT("finding " #i " is not the one wanted", STORY_ANY, (i), STORY_WANT(__VA_ARGS__))
/* it reported one finding, the one described */
#define expect_only_finding(...) \
	STORY_EXPECT("not the one finding wanted", 1, 0, STORY_WANT(__VA_ARGS__))

#endif
