// SPDX-License-Identifier: MIT
/*
 * lines: what a process writes to fd 2: lines assembled, its last words kept,
 * each line routed to the family that reads it
 */
#include "corr_internal.h"

/*
 * A line the program wrote to fd 2 after a dlopen failed: its own report of
 * it when it names the object or quotes the loader (dlerror's text). That,
 * and a failed exit, is what makes the failure an error.
 */
static void note_report(struct proc *p, const char *line, size_t len)
{
	for (unsigned i = 0; i < p->n_pend; i++) {
		struct pending *pd = &p->pend[i];
		const char *b = pd->v.object ? base_name(pd->v.object) : "";

		if (!pd->sev_by_exit || pd->reported)
			continue;
		if ((b[0] && find_bytes(line, len, b, strlen(b))) ||
		    (pd->v.message && pd->v.message[0] &&
		     find_bytes(line, len, pd->v.message, strlen(pd->v.message))))
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

/*
 * One complete line written to fd 2. The loader's words:
 *   glibc: "PROG: error while loading shared libraries: NAME: ERRSTR"
 *          "ERROR: ld.so: object 'NAME' from SRC cannot be preloaded (WHY): ignored."
 *   musl:  "Error loading shared library NAME: ERRSTR (needed by OBJ)"
 */
void on_line(struct corr *c, const struct where *w, struct proc *p, const char *line, size_t len,
	     uint64_t ts)
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
	char *name = NULL, *errstr = NULL, enotdir[LIB_PATH_MAX];

	if ((s = find_bytes(line, len, glibc, sizeof(glibc) - 1))) {
		size_t rest = len - (s - line) - (sizeof(glibc) - 1);

		s += sizeof(glibc) - 1;
		name = cut(s, rest, ": ");
		if (!name || strlen(name) + 2 > rest || !own_evidence(p, name))
			goto out;
		errstr = strndup(s + strlen(name) + 2, rest - strlen(name) - 2);
		pd = pending_new(p, line, len, ts);
		if (pd && errstr && lit_skip(errstr, "wrong ELF class"))
			diagnose_class(c, w, p, pd, name, errstr, 0);
		else if (pd && errstr && !library_refused(c, w, p, pd, name, errstr, 0, enotdir))
			missing_library(c, w, p, pd, name, enotdir);
	} else if ((s = find_bytes(line, len, version, sizeof(version) - 1))) {
		on_version_line(w, p, line, len, s, ts);
	} else if ((s = find_bytes(line, len, symerr, sizeof(symerr) - 1))) {
		on_symbol_line(p, line, len, s + sizeof(symerr) - 1, ts);
	} else if (len > sizeof(musl_reloc) - 1 && !memcmp(line, musl_reloc, sizeof(musl_reloc) - 1)) {
		on_musl_reloc_line(p, line, len, ts);
	} else if ((s = find_bytes(line, len, skew, sizeof(skew) - 1))) {
		on_plugin_skew_line(w, p, line, len, s, ts);
	} else if (p->go_cmd && find_lit(line, len, "GOROOT")) {
		on_goroot_line(c, p, line, len, ts);
	} else if ((s = past_lit(line, len, "cannot find -l"))) {
		on_link_line(c, p, line, len, s, ts);
	} else if (find_lit(line, len, "command not found") ||
		   find_lit(line, len, "executable file not found in $PATH")) {
		p->cnf = 1;
	} else if (len > sizeof(preload) - 1 && !memcmp(line, preload, sizeof(preload) - 1)) {
		s = line + sizeof(preload) - 1;
		name = cut(s, len - (sizeof(preload) - 1), "'");
		if (!name || !own_evidence(p, name))
			goto out;
		pd = pending_new(p, line, len, ts);
		if (!pd)
			goto out;
		if (!library_refused(c, w, p, pd, name, "cannot open shared object file", 0, enotdir))
			missing_preload(pd, name);
		/* the program goes on: this is decided now, not at exit */
		emit(c, w, p, pd, -1, -1);
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
		nb = past_lit(line, len, "(needed by ");
		if (nb)
			pd->v.needed_by = cut(nb, len - (nb - line), ")");
		/* musl words errors as strerror: map the lookup ones onto glibc's */
		if (!library_refused(c, w, p, pd, name, strstr(errstr, "No such file") ?
				     "cannot open shared object file" : errstr, 0, enotdir))
			missing_library(c, w, p, pd, name, enotdir);
	}
out:
	if (find_lit(line, len, "plugin.Open(")) {
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
void on_stderr(struct corr *c, const struct where *w, struct proc *p, const struct lw_rec *r)
{
	size_t n = r->data_len;

	p->line_quiet = !!(r->ev.str_flags & LW_SF_DEVNULL);
	if (r->ev.op == LW_OP_WRITEV && p->line_len == 0 && n && r->data[n - 1] == '\n' &&
	    !(r->ev.str_flags & LW_SF_PATH_TRUNC)) {
		on_line(c, w, p, r->data, n - 1, r->ev.ts_ns);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char ch = r->data[i];

		if (ch == '\n') {
			on_line(c, w, p, p->line, p->line_len, r->ev.ts_ns);
			p->line_len = 0;
			continue;
		}
		if (p->line_len < sizeof(p->line))
			p->line[p->line_len++] = ch;
	}
}
