// SPDX-License-Identifier: MIT
/*
 * loadermsg: glibc's and musl's fd-2 loader messages (missing library, class,
 * version, symbol), checked against the process's own evidence
 */
#include "corr_internal.h"
#include "libfind.h"

/*
 * Did this process's own loader produce a line about `name`? Its lookups of
 * it, or its loader's uprobe events naming it. A process that only relays
 * another's fd 2 (podman run, ssh, tee, a CI runner) has neither, and a
 * static binary that prints a loader-like line has no loader at all.
 */
bool own_evidence(const struct proc *p, const char *name)
{
	const char *b = base_name(name);

	if (!b[0])
		return false;
	for (unsigned i = 0; i < p->att_n; i++) {
		const struct attempt *a = att_at(p, i);

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
		const struct attempt *a = att_at(p, i);

		if (!a->err && att_is_for(a, name))
			return true;
	}
	return false;
}

int inspect(const struct where *w, const char *path, struct elf_info *info)
{
	int fd, err;

	err = elf_open_in_root(w->root, path, &fd);
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
static char *find_needer(struct corr *c, const struct where *w, struct proc *p, const char *name)
{
	if (p->exe && !inspect(w, p->exe, &c->elf) && elf_needs(&c->elf, name))
		return strdup(p->exe);
	for (unsigned i = 0; i < p->att_n; i++) {
		struct attempt *a = att_at(p, i);

		if (a->err || !is_open_op(a->op) || !strstr(base_name(a->path), ".so"))
			continue;
		if (!inspect(w, a->path, &c->elf) && elf_needs(&c->elf, name))
			return strdup(a->path);
	}
	return NULL;
}

/*
 * The search-path entry behind a candidate: strip "/name", then the
 * glibc-hwcaps and legacy hwcaps subdirectories the loader appends.
 */
void search_entry(const char *cand, const char *name, char *out, size_t cap)
{
	size_t n = strlen(cand), k = strlen(name);

	if (n > k && cand[n - k - 1] == '/' && !strcmp(cand + n - k, name))
		n -= k + 1;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, cand, n);
	out[n] = '\0';
	hwcaps_strip(out);
}

/*
 * A library the loader gave up on. The root cause beats the loader's
 * wording: a candidate refused with EACCES, or mapped from a noexec mount,
 * is the finding even when ld.so says "No such file or directory".
 * Returns true when such a cause is the verdict (pd says it); false when the
 * library is simply not there, which each caller names in its own terms
 * (enotdir: a search entry that was a file, or "").
 */
bool library_refused(struct corr *c, const struct where *w, struct proc *p, struct pending *pd,
		     const char *name, const char *errstr, unsigned since,
		     char enotdir[LIB_PATH_MAX])
{
	char entry[LIB_PATH_MAX];
	struct stat st;
	unsigned i;

	enotdir[0] = '\0';

	pd->n_att = att_collect(p, name, since, &pd->att);
	for (i = 0; i < p->n_mf; i++) {
		struct mmapfail *m = &p->mf[i];
		char mnt[4096] = "";
		int noexec = m->noexec;

		if (strcmp(base_name(m->path), base_name(name)))
			continue;
		if (w->mountinfo)
			fs_mount_of(w->mountinfo, m->path, mnt, sizeof(mnt), &noexec);
		pd->v.kind = LW_K_PERMISSION_DENIED;
		pd->v.object = strdup(m->path);
		pd->v.err = m->err;
		if (m->noexec) {
			pd->v.cause = LW_C_NOEXEC_MOUNT;
			pd->v.mount = mnt[0] ? strdup(mnt) : NULL;
			pd->v.hint = deny_hint(LW_C_NOEXEC_MOUNT, m->path, p->uid, X_OK, NULL,
					     mnt[0] ? mnt : "its mount");
		} else {
			pd->v.cause = fs_lsm_active() ? LW_C_SECURITY_MODULE : LW_C_UNKNOWN;
			pd->v.hint = deny_hint(pd->v.cause, m->path, p->uid, X_OK, NULL, NULL);
		}
		return true;
	}
	for (i = 0; i < pd->n_att; i++) {
		struct attempt *a = &pd->att[i];
		char *mount = NULL;
		enum lw_cause cause;

		if (a->err != EACCES)
			continue;
		memset(&st, 0, sizeof(st));
		cause = deny_cause(c, w, a->path, p->uid, R_OK, &st, &mount);
		pd->v.kind = LW_K_PERMISSION_DENIED;
		pd->v.object = strdup(a->path);
		pd->v.err = EACCES;
		pd->v.cause = cause;
		pd->v.mount = mount;
		pd->v.hint = deny_hint(cause, a->path, p->uid, R_OK, &st, mount);
		return true;
	}
	for (i = 0; i < pd->n_att; i++) {
		struct attempt *a = &pd->att[i];

		if (a->err != ENOTDIR)
			continue;
		search_entry(a->path, base_name(name), entry, sizeof(entry));
		if (!enotdir[0])
			snprintf(enotdir, LIB_PATH_MAX, "%s", entry);
		/* the search path names the library file itself: that is the cause */
		if (!fs_stat_in_root(w->root, entry, &st) && S_ISREG(st.st_mode) &&
		    !strcmp(base_name(entry), base_name(name))) {
			char dir[4096];

			snprintf(dir, sizeof(dir), "%.*s", (int)(base_name(entry) - entry), entry);
			pd->v.kind = LW_K_NOT_A_DIRECTORY;
			pd->v.object = strdup(entry);
			pd->v.err = ENOTDIR;
			pd->v.hint = xprintf("%s is a file, not a directory, in the library search path "
					   "(LD_LIBRARY_PATH, RPATH or RUNPATH); name its directory %s "
					   "instead", entry, dir);
			return true;
		}
	}
	if (!lit_skip(errstr, "cannot open shared object file")) {
		pd->v.kind = LW_K_LOADER_ERROR;
		pd->v.object = strdup(name);
		pd->v.hint = xprintf("the dynamic loader refused %s: %s", name, errstr);
		return true;
	}
	return false;
}

/* a DT_NEEDED library the loader found nowhere */
void missing_library(struct corr *c, const struct where *w, struct proc *p, struct pending *pd,
		     const char *name, const char *enotdir)
{
	pd->v.kind = LW_K_MISSING_LIBRARY;
	pd->v.object = strdup(name);
	pd->v.err = ENOENT;
	if (!pd->v.needed_by)
		pd->v.needed_by = find_needer(c, w, p, name);
	/* a setuid program: the directory it was meant to come from was never searched */
	if (fix_ignored_library_path(w, p, pd, name))
		return;
	fix_missing_library(c, w, p, pd, name);
	if (enotdir[0])
		pd->v.hint = xprintf("%s was not found in any directory the loader searched, and %s "
				   "in the search path is a file, not a directory: install %s or "
				   "point LD_LIBRARY_PATH or the binary's RUNPATH at the directory "
				   "that holds it", name, enotdir, name);
	else
		pd->v.hint = xprintf("%s was not found in any directory the loader searched: install "
				   "the package that provides it, or add the directory that holds it "
				   "to LD_LIBRARY_PATH or the binary's RUNPATH (-Wl,-rpath)", name);
	fix_search_notes(c, w, p, pd, name);
}

/* an LD_PRELOAD library the loader found nowhere: the program runs without it */
void missing_preload(struct pending *pd, const char *name)
{
	pd->v.kind = LW_K_MISSING_PRELOAD;
	pd->v.severity = LW_SEV_WARNING;
	pd->v.object = strdup(name);
	pd->v.err = ENOENT;
	pd->v.hint = xprintf("LD_PRELOAD names %s, which the loader could not load; the program "
			     "ran without it: correct the path or unset LD_PRELOAD", name);
}

/* LD_LIBRARY_PATH=..., when one of its directories is where path was found */
static char *llp_naming(const struct proc *p, const char *path)
{
	const char *llp = env_get(p, "LD_LIBRARY_PATH"), *slash = path ? strrchr(path, '/') : NULL;
	size_t dn;

	if (!llp || !slash)
		return NULL;
	dn = slash - path;
	for (const char *e = llp; *e; e += strcspn(e, LLP_SEPS), e += !!*e) {
		size_t n = strcspn(e, LLP_SEPS);

		while (n > 1 && e[n - 1] == '/')
			n--;
		if (n == dn && !memcmp(e, path, n))
			return xprintf("LD_LIBRARY_PATH=%s", llp);
	}
	return NULL;
}

/* every candidate had the wrong class or machine: name the one refused */
void diagnose_class(struct corr *c, const struct where *w, struct proc *p, struct pending *pd,
		    const char *name, const char *errstr, unsigned since)
{
	const char *cand = last_opened(p, name, since);
	const char *cls = strstr(errstr, "ELFCLASS");
	const char *mach = NULL;

	pd->n_att = att_collect(p, name, since, &pd->att);
	pd->v.kind = LW_K_WRONG_ELF_CLASS;
	pd->v.needed_by = find_needer(c, w, p, name);
	pd->v.object = strdup(cand ? cand : name);
	if (cand && !inspect(w, cand, &c->elf) && c->elf.kind == ELF_KIND_ELF) {
		pd->v.elf_class = strdup(c->elf.ei_class == ELFCLASS32 ? "ELFCLASS32" :
				       c->elf.ei_class == ELFCLASS64 ? "ELFCLASS64" : "ELFCLASSNONE");
		mach = elf_machine_name(c->elf.machine);
		pd->v.machine = mach ? strdup(mach) : xprintf("EM_%u", c->elf.machine);
	} else if (cls) {
		pd->v.elf_class = strndup(cls, strcspn(cls, " \n"));
	}
	pd->v.hint = xprintf("%s is a %s%s%s object that this program cannot use: install %s built "
			   "for this program's architecture, or fix the search path that found "
			   "this one", cand ? cand : name, pd->v.elf_class ? pd->v.elf_class : "foreign",
			   mach ? " " : "", mach ? mach : "", base_name(name));
	pd->v.variable = llp_naming(p, cand);
}

/*
 * both sides of a version mismatch: what the library in this root defines
 * of the same family (GLIBC_2.38 wanted, GLIBC_2.36 the newest there)
 */
static void version_fix(const struct where *w, struct pending *pd)
{
	const char *us = pd->v.version ? strrchr(pd->v.version, '_') : NULL;
	char prefix[64], have[64];
	int fd;

	if (!us || !pd->v.object || us[1] < '0' || us[1] > '9' ||
	    (size_t)(us + 1 - pd->v.version) >= sizeof(prefix) ||
	    elf_open_in_root(w->root, pd->v.object, &fd))
		return;
	snprintf(prefix, sizeof(prefix), "%.*s", (int)(us + 1 - pd->v.version), pd->v.version);
	if (!elf_verdef_max(fd, prefix, have, sizeof(have))) {
		char newest[128];

		snprintf(newest, sizeof(newest), "%s%s", prefix, have);
		pd->v.fix = libfind_version_fix(pd->v.needed_by ? pd->v.needed_by : "the program",
						pd->v.version, pd->v.object, newest);
	}
	close(fd);
}

/* "PROG: OBJ: version `V' not found (required by REQ)", then exit 1 */
void on_version_line(const struct where *w, struct proc *p, const char *line, size_t len,
		     const char *at, uint64_t ts)
{
	const char *v = at + LIT_LEN(": version `"), *end = line + len, *q, *req, *obj;
	struct pending *pd;

	q = find_lit(v, end - v, "' not found (required by ");
	if (!q)
		return;
	req = q + LIT_LEN("' not found (required by ");
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
	pd->v.kind = LW_K_VERSION_MISMATCH;
	pd->v.object = strndup(obj, at - obj);
	pd->v.version = strndup(v, q - v);
	if (pd->v.object)		/* where the loader found the library that lacks it */
		pd->n_att = att_collect(p, pd->v.object, 0, &pd->att);
	pd->v.needed_by = strndup(req, end > req && end[-1] == ')' ? (size_t)(end - 1 - req) :
				(size_t)(end - req));
	if (pd->v.needed_by && pd->v.version && pd->v.object)
		pd->v.hint = libfind_version_hint(pd->v.needed_by, pd->v.version, pd->v.object);
	version_fix(w, pd);
}

static void undefined_symbol(struct pending *pd, const char *obj, size_t objlen,
			     const char *sym, size_t symlen)
{
	const char *ver = find_lit(sym, symlen, ", version ");

	pd->v.kind = LW_K_UNDEFINED_SYMBOL;
	pd->v.object = strndup(obj, objlen);
	pd->v.symbol = strndup(sym, ver ? (size_t)(ver - sym) : symlen);
	if (ver)
		pd->v.version = strndup(ver + LIT_LEN(", version "),
				  symlen - (ver + LIT_LEN(", version ") - sym));
	pd->v.hint = xprintf("%s needs %s%s%s, which no loaded library defines: the library found "
			   "at run time is older than or different from the one it was linked "
			   "against; install the matching version, or rebuild", pd->v.object,
			   pd->v.symbol, pd->v.version ? "@" : "", pd->v.version ? pd->v.version : "");
}

/* "PROG: symbol lookup error: OBJ: undefined symbol: SYM[, version V]", exit 127 */
void on_symbol_line(struct proc *p, const char *line, size_t len, const char *rest,
			   uint64_t ts)
{
	const char *end = line + len, *u = find_lit(rest, end - rest, ": undefined symbol: ");
	const char *sym, *comma;
	struct pending *pd;

	if (!u)
		return;
	sym = u + LIT_LEN(": undefined symbol: ");
	comma = memchr(sym, ',', end - sym);
	if (!le_formatted(p, "undefined symbol: ", sym, (comma ? comma : end) - sym) &&
	    !own_object(p, rest, u - rest))
		return;		/* another process's words, relayed */
	if (!(pd = pending_new(p, line, len, ts)))
		return;
	undefined_symbol(pd, rest, u - rest, sym, end - sym);
}

/* musl: "Error relocating OBJ: SYM: symbol not found", exit 127 */
void on_musl_reloc_line(struct proc *p, const char *line, size_t len, uint64_t ts)
{
	const char *obj = lit_prefix(line, len, "Error relocating "), *end = line + len;
	const char *sep, *sym, *nf;
	struct pending *pd;

	if (!obj)
		return;

	/* musl goes on after a missing library: its symbols follow from that */
	for (unsigned i = 0; i < p->n_pend; i++)
		if (p->pend[i].v.kind == LW_K_MISSING_LIBRARY)
			return;
	sep = find_lit(obj, end - obj, ": ");
	if (!sep || !(nf = find_lit(sep, end - sep, ": symbol not found")))
		return;
	sym = sep + 2;
	if (!own_object(p, obj, sep - obj))
		return;		/* another process's words, relayed */
	pd = pending_new(p, line, len, ts);
	if (pd)
		undefined_symbol(pd, obj, sep - obj, sym, find_lit(sym, end - sym, ": symbol not found") - sym);
}
