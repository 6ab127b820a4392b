// SPDX-License-Identifier: MIT
/* execfail: failed exec, permission denied, and command-not-found */
#include "corr_internal.h"

enum lw_cause deny_cause(struct corr *c, const struct where *w, const char *path, uint32_t uid,
		       int want, struct stat *st, char **mount)
{
	char mnt[4096];
	int noexec = 0, found = !fs_stat_in_root(w->root, path, st);

	/* exec refuses a directory before its mount or mode is looked at (may_open) */
	if ((want & X_OK) && found && S_ISDIR(st->st_mode))
		return LW_C_IS_A_DIRECTORY;
	if ((want & X_OK) && w->mountinfo &&
	    !fs_mount_of(w->mountinfo, path, mnt, sizeof(mnt), &noexec) && noexec) {
		*mount = strdup(mnt);
		return LW_C_NOEXEC_MOUNT;
	}
	/* another root: its mount table may be gone with it, the mount's flags are not */
	if ((want & X_OK) && w->root != c->ops.rootfd && fs_noexec_in_root(w->root, path) == 1) {
		*mount = NULL;
		return LW_C_NOEXEC_MOUNT;
	}
	if (found && fs_mode_denies(st, uid, want))
		return LW_C_FILE_MODE;
	return fs_lsm_active() ? LW_C_SECURITY_MODULE : LW_C_UNKNOWN;
}

char *deny_hint(enum lw_cause cause, const char *path, uint32_t uid, int want,
		       const struct stat *st, const char *mount)
{
	if (cause == LW_C_NOEXEC_MOUNT)
		return xprintf("%s is on %s, which is mounted noexec: move it to a filesystem "
			       "that allows execution, or remount %s without noexec",
			       path, mount ? mount : "a mount", mount ? mount : "it");
	if (cause == LW_C_FILE_MODE)
		return xprintf("%s is not %s for uid %u (mode %04o, owner %u): fix its permissions "
			       "(chmod %s)", path, want & X_OK ? "executable" : "readable", uid,
			       (unsigned)(st->st_mode & 07777), (unsigned)st->st_uid,
			       want & X_OK ? "+x" : "o+r");
	if (cause == LW_C_SECURITY_MODULE)
		return xprintf("the mode bits of %s allow access, yet it was refused: check the "
			       "security module's audit log (AppArmor, SELinux)", path);
	return xprintf("access to %s was refused for a reason ldwatch could not determine", path);
}

/* s as one shell word, quoted only when it must be */
static void sh_word(struct sbuf *b, const char *s)
{
	static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				    "0123456789/._-+,:@%=";

	if (*s && !s[strspn(s, plain)]) {
		sbuf_puts(b, s);
		return;
	}
	sbuf_putc(b, '\'');
	for (; *s; s++)
		if (*s == '\'')
			sbuf_puts(b, "'\\''");
		else
			sbuf_putc(b, *s);
	sbuf_putc(b, '\'');
}

/*
 * a script saved with CRLF line endings: binfmt_script trims only spaces
 * and tabs, so the \r stays in the interpreter's name and "sh\r" is looked
 * for. The fix is the file's, whether or not the bare name exists.
 */
static char *crlf_hint(const struct where *w, const char *script, const char *interp, bool via_env)
{
	size_t n = strlen(interp);
	struct sbuf b;
	struct stat st;
	char *bare, *hint;

	while (n && interp[n - 1] == '\r')
		n--;
	bare = strndup(interp, n);
	if (!bare)
		return NULL;
	sbuf_init(&b);
	if (via_env)
		sbuf_printf(&b, "%s has CRLF (DOS) line endings: its #! line has env look up %s "
			    "followed by a carriage return on PATH, and no command has that name; "
			    "convert it: dos2unix ", script, bare);
	else
		sbuf_printf(&b, "%s has CRLF (DOS) line endings: its #! line names %s followed by a "
			    "carriage return, and no file has that name; convert it: dos2unix ",
			    script, bare);
	sh_word(&b, script);
	/* dos2unix first: the output shows a backslash as \\ (escape.h), pasted as such */
	sbuf_puts(&b, " (or sed -i 's/\\r$//' ");
	sh_word(&b, script);
	sbuf_putc(&b, ')');
	if (bare[0] == '/' && fs_stat_in_root(w->root, bare, &st) == -ENOENT)
		sbuf_printf(&b, "; without the carriage return, %s does not exist either: install "
			    "it too, or fix the #! line", bare);
	hint = b.err ? NULL : strdup(sbuf_str(&b));
	sbuf_free(&b);
	free(bare);
	return hint;
}

/*
 * A failed execve whose process then failed too. ENOENT on a file that
 * exists is its interpreter missing; EACCES is the mode, the mount, or a
 * security module, of the file or of its interpreter, or an interpreter
 * that is a directory.
 */
void diagnose_exec(struct corr *c, const struct where *w, struct proc *p, const struct execfail *x,
		   uint64_t ts, int code, int sig)
{
	struct pending pd = {
		.v = { .exe = x->path, .severity = LW_SEV_ERROR, .err = x->err },
		.ts_ns = ts,
	};
	struct attempt a = { .path = x->path, .op = LW_OP_EXECVE, .err = x->err };
	struct stat st;
	char *mount = NULL;
	enum lw_cause cause;
	const char *obj = x->path;

	memset(&st, 0, sizeof(st));
	if (p->has_root && w->root < 0) {
		/* its root is out of reach: say what is known, and that it is not all */
		if (x->err != ENOENT && x->err != EACCES)
			return;
		pd.v.kind = LW_K_EXEC_FAILED;
		pd.v.hint = xprintf("%s could not be run (%s), and ldwatch could not look inside "
				  "the process's root (mounted only in its own mount namespace, with "
				  "no process left there to reach it through): the file, its "
				  "interpreter or their permissions are at fault", x->path,
				  x->err == ENOENT ? "not found" : "permission denied");
		pd.v.object = x->path;
		pd.att = &a;
		pd.n_att = 1;
		emit(c, w, p, &pd, code, sig);
		free(pd.v.hint);
		return;
	}
	if (fs_stat_in_root(w->root, x->path, &st) || !S_ISREG(st.st_mode)) {
		char mnt[4096];
		int noexec = 0;

		/*
		 * gone already (go run removes its build directory at once) or
		 * never there: EACCES from a noexec mount is still decided by
		 * the mount, which does not depend on winning that race
		 */
		if (x->err != EACCES || S_ISDIR(st.st_mode) || !w->mountinfo ||
		    fs_mount_of(w->mountinfo, x->path, mnt, sizeof(mnt), &noexec) || !noexec)
			return;
	}
	if (x->err == ENOENT) {
		char interp[ELF_STR_MAX + 4096];
		struct stat ist;
		size_t n;

		if (inspect(w, x->path, &c->elf) || !c->elf.interp[0])
			return;
		if (c->elf.interp[0] == '/' || !p->cwd)
			snprintf(interp, sizeof(interp), "%s", c->elf.interp);
		else
			snprintf(interp, sizeof(interp), "%s/%s", p->cwd, c->elf.interp);
		if (fs_stat_in_root(w->root, interp, &ist) != -ENOENT)
			return;
		pd.v.kind = LW_K_MISSING_INTERPRETER;
		pd.v.object = interp;
		n = strlen(c->elf.interp);
		if (c->elf.kind == ELF_KIND_SCRIPT && n > 1 && c->elf.interp[n - 1] == '\r') {
			pd.v.cause = LW_C_CRLF_LINE_ENDINGS;
			pd.v.hint = crlf_hint(w, x->path, interp, false);
		} else if (c->elf.kind == ELF_KIND_SCRIPT) {
			pd.v.hint = xprintf("%s exists, but its #! interpreter %s does not: install "
					  "it or fix the #! line", x->path, interp);
		} else {
			pd.v.hint = xprintf("%s exists, but its interpreter (PT_INTERP) %s does not: "
					  "install that loader, rebuild the program for this system, "
					  "or run it with the right one (patchelf --set-interpreter)",
					  x->path, interp);
		}
		pd.att = &a;
		pd.n_att = 1;
		emit(c, w, p, &pd, code, sig);
		free(pd.v.hint);
		return;
	}
	if (x->err != EACCES)
		return;
	cause = deny_cause(c, w, x->path, p->uid, X_OK, &st, &mount);
	if (cause == LW_C_UNKNOWN || cause == LW_C_SECURITY_MODULE) {
		/* the file is fine: perhaps its interpreter is not */
		if (!inspect(w, x->path, &c->elf) && c->elf.interp[0] == '/') {
			struct stat ist;
			enum lw_cause icause;
			char *imount = NULL;

			memset(&ist, 0, sizeof(ist));
			icause = deny_cause(c, w, c->elf.interp, p->uid, X_OK, &ist, &imount);
			if (icause != LW_C_UNKNOWN && icause != LW_C_SECURITY_MODULE) {
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
	pd.v.kind = LW_K_PERMISSION_DENIED;
	pd.v.object = (char *)obj;
	pd.v.cause = cause;
	pd.v.mount = mount;
	if (cause == LW_C_NOEXEC_MOUNT) {
		/* go run/test build under GOTMPDIR, else TMPDIR: name the one at fault */
		static const char *const vars[] = { "GOTMPDIR", "TMPDIR" };

		for (unsigned k = 0; k < 2 && !pd.v.variable; k++) {
			const char *v = env_find(c, p, vars[k]);
			size_t n = v ? strlen(v) : 0;

			if (n && !strncmp(x->path, v, n) && (x->path[n] == '/' || v[n - 1] == '/'))
				pd.v.variable = xprintf("%s=%s", vars[k], v);
		}
	}
	if (cause == LW_C_IS_A_DIRECTORY)
		/* only an interpreter gets here: the file itself is a regular one */
		pd.v.hint = c->elf.kind == ELF_KIND_SCRIPT ?
			xprintf("%s is a directory, yet %s names it as its #! interpreter: point "
				"the #! line at the interpreter program itself", obj, x->path) :
			xprintf("%s is a directory, yet %s names it as its interpreter (PT_INTERP): "
				"give the program the loader itself (patchelf --set-interpreter), "
				"or rebuild it for this system", obj, x->path);
	else
		pd.v.hint = deny_hint(cause, obj, p->uid, X_OK, &st, mount);
	if (pd.v.variable) {
		free(pd.v.hint);
		pd.v.hint = xprintf("%s is on %s, which is mounted noexec, because %s: point GOTMPDIR "
				  "(or TMPDIR) at a directory on a filesystem that allows execution",
				  obj, mount ? mount : "its mount", pd.v.variable);
	}
	pd.att = &a;
	pd.n_att = 1;
	emit(c, w, p, &pd, code, sig);
	free(pd.v.hint);
	free(pd.v.variable);
	free(mount);
}

/* the home directory of uid in the root's own /etc/passwd, into out */
static bool home_of(const struct where *w, uint32_t uid, char *out, size_t cap)
{
	char line[1024];
	bool found = false;
	FILE *f;
	int fd = fs_open_in_root(w->root, "/etc/passwd", O_RDONLY);

	if (fd < 0 || !(f = fdopen(fd, "r"))) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	while (!found && fgets(line, sizeof(line), f)) {
		char *fld[7], *t = line;
		unsigned n = 0;

		line[strcspn(line, "\n")] = '\0';
		/* name:pw:uid:gid:gecos:home:shell, empty fields kept */
		for (char *sep; n < 7 && t; t = sep ? sep + 1 : NULL) {
			sep = strchr(t, ':');
			if (sep)
				*sep = '\0';
			fld[n++] = t;
		}
		if (n == 7 && strtoul(fld[2], NULL, 10) == uid && fld[5][0] == '/')
			found = snprintf(out, cap, "%s", fld[5]) < (int)cap;
	}
	fclose(f);
	return found;
}

/*
 * where `go install` puts cmd, if it is there: GOBIN, else each GOPATH
 * entry's bin, else the default GOPATH's ($HOME/go/bin, HOME from the root's
 * passwd). Returns what to call it ("GOBIN (/x)", "GOPATH/bin (/y/bin)"),
 * with the directory in dir; NULL when cmd is in none
 */
static const char *go_bin_with(struct corr *c, const struct where *w, struct proc *p,
			       const char *cmd, char *dir, size_t cap)
{
	static char what[4200];
	const char *gobin = env_find(c, p, "GOBIN"), *gopath = env_find(c, p, "GOPATH");
	char path[4096], home[512];
	struct stat st;

	if (gobin) {
		snprintf(dir, cap, "%s", gobin);
		snprintf(what, sizeof(what), "GOBIN (%s)", gobin);
		return snprintf(path, sizeof(path), "%s/%s", gobin, cmd) < (int)sizeof(path) &&
		       !fs_stat_in_root(w->root, path, &st) ? what : NULL;
	}
	if (gopath) {
		for (const char *e = gopath; *e; e += strcspn(e, ":"), e += !!*e) {
			size_t n = strcspn(e, ":");

			if (!n || snprintf(path, sizeof(path), "%.*s/bin/%s", (int)n, e, cmd) >=
			    (int)sizeof(path) || fs_stat_in_root(w->root, path, &st))
				continue;
			snprintf(dir, cap, "%.*s/bin", (int)n, e);
			snprintf(what, sizeof(what), "GOPATH/bin (%s)", dir);
			return what;
		}
		return NULL;
	}
	if (!home_of(w, p->uid, home, sizeof(home)) ||
	    snprintf(path, sizeof(path), "%s/go/bin/%s", home, cmd) >= (int)sizeof(path) ||
	    fs_stat_in_root(w->root, path, &st))
		return NULL;
	snprintf(dir, cap, "%s/go/bin", home);
	snprintf(what, sizeof(what), "the default GOPATH's bin (%s)", dir);
	return what;
}

/*
 * A command searched for in every PATH directory and found in none, then a
 * failed exit (a shell's 127, or Go's "executable file not found in $PATH").
 * The directories are the ones its lookups went through: a script that sets
 * PATH itself (sh -c 'PATH=/opt/a:/opt/b; cmd') searched those, not the PATH
 * it had at exec.
 */
#define PATH_DIRS_MAX 64

/* directories, each a pointer and a length into a string that outlives them; 0: "/" */
struct dirs {
	const char *at[PATH_DIRS_MAX];
	size_t len[PATH_DIRS_MAX];
	unsigned n;
};

/* its own words name it: a shell's "command not found", env's "No such file", Go's error */
static bool said_names(const struct proc *p, const char *name)
{
	size_t n = strlen(name);
	char esc[256];

	if (!p->said)
		return false;
	if (find_bytes(p->said, p->said_len, name, n))
		return true;
	/* env quotes "bash\r" as 'bash\r', a backslash and an r */
	if (n > 1 && name[n - 1] == '\r' && n < sizeof(esc) - 1) {
		memcpy(esc, name, n - 1);
		memcpy(esc + n - 1, "\\r", 2);
		return find_bytes(p->said, p->said_len, esc, n + 1);
	}
	return false;
}

/* a shell's own "NAME: not found" (dash) or "NAME: command not found" (bash) */
static bool said_not_found(const struct proc *p, const char *name)
{
	char buf[320];

	if (strlen(name) > 255)
		return false;
	snprintf(buf, sizeof(buf), "%s: not found", name);
	if (said_names(p, buf))
		return true;
	snprintf(buf, sizeof(buf), "%s: command not found", name);
	return said_names(p, buf);
}

/*
 * the script whose #! line ran env (a CRLF "#!/usr/bin/env bash\r"): the
 * image this process exec'd, as it named it, when that is a #! script naming env
 */
static const char *env_script(struct corr *c, const struct where *w, struct proc *p)
{
	if (!p->exe || inspect(w, p->exe, &c->elf) || c->elf.kind != ELF_KIND_SCRIPT ||
	    strcmp(base_name(c->elf.interp), "env"))
		return NULL;
	return p->exe;
}

/* the name with most exec-time PATH directories tried, none of them a hit */
static const char *path_best(struct proc *p, const struct dirs *path)
{
	unsigned i, j, best_n = 0;
	const char *best = NULL;
	char buf[4096];

	for (i = 0; i < p->att_n; i++) {
		struct attempt *a = att_at(p, i);
		const char *b = base_name(a->path);
		unsigned tried = 0;
		bool hit = false;

		if (a->err != ENOENT || is_open_op(a->op) || a->op == LW_OP_MMAP)
			continue;
		for (j = 0; j < path->n; j++) {
			int k = snprintf(buf, sizeof(buf), "%.*s/%s", (int)path->len[j], path->at[j], b);
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
	 * a PATH search that came to nothing and an exit 127 alone are a
	 * relay's status (podman exec looked for crun, then passed on its
	 * container's 127) or an optional tool not found
	 */
	if (!best || best_n < (path->n < 2 ? path->n : 2) || !said_names(p, best))
		return NULL;
	return best;
}

/* a lookup a PATH search makes of DIR/NAME: a shell's stat, execvp's exec, an access */
static bool is_search_op(uint32_t op)
{
	return !is_open_op(op) && op != LW_OP_MMAP && op != LW_OP_READLINK &&
	       op != LW_OP_READLINKAT;
}

/*
 * the directories the process looked for name in, in order, each once: its
 * failed lookups of DIR/name (ENOENT, ENOTDIR); none when one found it.
 * *last: the position of the search's last lookup
 */
static void searched(struct proc *p, const char *name, struct dirs *d, unsigned *last)
{
	d->n = 0;
	for (unsigned i = 0; i < p->att_n; i++) {
		const struct attempt *a = att_at(p, i);
		const char *b = base_name(a->path);
		size_t len = b > a->path ? (size_t)(b - 1 - a->path) : 0;
		unsigned j;

		if (!is_search_op(a->op) || b == a->path || strcmp(b, name))
			continue;
		if (!a->err) {
			d->n = 0;
			return;
		}
		if (a->err != ENOENT && a->err != ENOTDIR)
			continue;
		*last = i;
		for (j = 0; j < d->n && (d->len[j] != len || memcmp(d->at[j], a->path, len)); j++)
			;
		if (j == d->n && d->n < PATH_DIRS_MAX) {
			d->at[d->n] = a->path;
			d->len[d->n++] = len;
		}
	}
}

/*
 * the name searched for in two directories or more (one when the shell said
 * it was not found), found in none, that the process's words name; of several, the one searched for last: bash looks
 * itself up at start (for $BASH), well before the command
 */
static const char *searched_best(struct proc *p, struct dirs *d)
{
	const char *best = NULL;
	unsigned best_last = 0;
	struct dirs t;

	for (unsigned i = 0; i < p->att_n; i++) {
		const struct attempt *a = att_at(p, i);
		const char *b = base_name(a->path);
		unsigned last = 0;

		if (!is_search_op(a->op) || (a->err != ENOENT && a->err != ENOTDIR) ||
		    (best && !strcmp(b, best)) || !said_names(p, b))
			continue;
		searched(p, b, &t, &last);
		/* one directory is enough when the shell's own words name the command */
		if ((t.n >= 2 || (t.n == 1 && said_not_found(p, b))) && (!best || last > best_last)) {
			best = b;
			best_last = last;
			*d = t;
		}
	}
	return best;
}

/*
 * the exec-time PATH explains the search when the directories searched are
 * its entries, in its order: a repeated entry once, an empty one the working
 * directory, one looked up with another error (EACCES) passed over, none
 * left out
 */
static bool path_explains(struct proc *p, const char *path, const char *name,
			  const struct dirs *seen)
{
	char dir[LIB_PATH_MAX], buf[LIB_PATH_MAX];
	const char *s, *e;
	unsigned i, j = 0;

	if (!seen->n)
		return true;
	for (s = path; s; s = *e ? e + 1 : NULL) {
		const struct attempt *l;
		size_t k;

		e = strchrnul(s, ':');
		k = event_resolve(p->cwd ? p->cwd : "", e > s ? s : ".", e > s ? (size_t)(e - s) : 1,
				  dir, sizeof(dir));
		if (k >= sizeof(dir))
			return false;
		k = k == 1 && dir[0] == '/' ? 0 : k;
		for (i = 0; i < j && (seen->len[i] != k || memcmp(seen->at[i], dir, k)); i++)
			;
		if (i < j)
			continue;
		if (j < seen->n && seen->len[j] == k && !memcmp(seen->at[j], dir, k)) {
			j++;
			continue;
		}
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)k, dir, name);
		l = att_last(p, buf);
		if (!l || l->err == ENOENT || l->err == ENOTDIR)
			return false;
	}
	return j == seen->n;
}

void diagnose_command(struct corr *c, const struct where *w, struct proc *p, uint64_t ts, int code,
		      int sig)
{
	const char *path = env_find(c, p, "PATH"), *gobin, *best, *script;
	struct dirs dirs = { .n = 0 }, seen = { .n = 0 };
	const struct dirs *from = &dirs;
	unsigned j, last = 0;
	struct pending pd = { .v = { .severity = LW_SEV_ERROR, .err = ENOENT }, .ts_ns = ts };
	char *dup = NULL, *save, *tok, buf[4096];
	struct attempt *v;

	if (path && (dup = strdup(path)))
		for (tok = strtok_r(dup, ":", &save); tok && dirs.n < PATH_DIRS_MAX;
		     tok = strtok_r(NULL, ":", &save)) {
			dirs.at[dirs.n] = path + (tok - dup);
			dirs.len[dirs.n++] = strlen(tok);
		}
	/*
	 * the exec-time PATH, as long as it explains the search; else the
	 * directories the lookups went through (a script set PATH)
	 */
	if ((best = path_best(p, &dirs)))
		searched(p, best, &seen, &last);
	if (!best || !path_explains(p, path, best, &seen)) {
		const char *b = searched_best(p, &seen);

		if (b) {
			best = b;
			from = path_explains(p, path, b, &seen) ? &dirs : &seen;
		}
	}
	if (!best) {
		free(dup);
		return;
	}
	/*
	 * a directory that holds it: the command was found, and the ENOENT its
	 * exec got came from its interpreter (dash's "exec: NAME: not found"
	 * says the same for both); diagnose_exec names that one
	 */
	for (j = 0; j < from->n; j++) {
		struct stat st;

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)from->len[j], from->at[j], best);
		if (!fs_stat_in_root(w->root, buf, &st) && S_ISREG(st.st_mode)) {
			free(dup);
			return;
		}
	}
	v = calloc(from->n ? from->n : 1, sizeof(*v));
	for (j = 0; v && j < from->n; j++) {
		const struct attempt *l;

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)from->len[j], from->at[j], best);
		if ((l = att_last(p, buf))) {
			v[pd.n_att] = *l;
			v[pd.n_att].path = strdup(l->path);
			pd.n_att += !!v[pd.n_att].path;
		}
	}
	pd.att = v;
	pd.v.kind = LW_K_COMMAND_NOT_FOUND;
	pd.v.object = (char *)best;
	if (from == &dirs) {
		pd.v.variable = xprintf("PATH=%s", path);
	} else {
		/* the PATH as searched */
		struct sbuf var;

		sbuf_init(&var);
		sbuf_puts(&var, "PATH=");
		for (j = 0; j < seen.n; j++)
			sbuf_printf(&var, "%s%.*s", j ? ":" : "", seen.len[j] ? (int)seen.len[j] : 1,
				    seen.len[j] ? seen.at[j] : "/");
		pd.v.variable = xstrdup(sbuf_str(&var));
		sbuf_free(&var);
	}
	gobin = go_bin_with(c, w, p, best, buf, sizeof(buf));
	if (best[strlen(best) - 1] == '\r' && (script = env_script(c, w, p))) {
		/* "#!/usr/bin/env bash\r": env looked for "bash\r" on PATH */
		pd.v.kind = LW_K_MISSING_INTERPRETER;
		pd.v.cause = LW_C_CRLF_LINE_ENDINGS;
		pd.v.exe = (char *)script;
		pd.v.hint = crlf_hint(w, script, best, true);
	} else if (gobin)
		pd.v.hint = xprintf("%s is in %s, which is not on PATH: add %s to PATH",
				  best, gobin, buf);
	else {
		/* the directories really searched */
		struct sbuf list;

		sbuf_init(&list);
		for (j = 0; j < pd.n_att; j++) {
			const char *a = pd.att[j].path;

			sbuf_printf(&list, "%s%.*s", j ? ", " : "", (int)(base_name(a) - 1 - a), a);
		}
		pd.v.hint = xprintf("%s is in none of the PATH directories searched (%s): install it, "
				  "or add the directory that holds it to PATH (for `go install`ed "
				  "tools, GOBIN or GOPATH/bin)", best, sbuf_str(&list));
		sbuf_free(&list);
	}
	emit(c, w, p, &pd, code, sig);
	free(pd.v.hint);
	free(pd.v.variable);
	att_clear(pd.att, pd.n_att);
	free(pd.att);
	free(dup);
}
