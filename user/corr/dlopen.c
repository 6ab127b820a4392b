// SPDX-License-Identifier: MIT
/* dlopen: loader uprobe records: dlopen calls and their errors, and Go plugin loads */
#include "corr_internal.h"

/*
 * Go's own check after a plugin's dlopen succeeded:
 *   plugin.Open("NAME"): plugin was built with a different version of package PKG
 * NAME is the path as given, less a ".so" suffix. Its own evidence: it opened
 * that file (the dlopen), or its plugin.open probe named it.
 */
void on_plugin_skew_line(const struct where *w, struct proc *p, const char *line, size_t len,
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
	pd->v.kind = LW_K_GO_PLUGIN_MISMATCH;
	pd->v.object = strdup(buf);
	pd->v.dependency = strndup(pkg, end - pkg);
	/* the program's version of that module, from its build info (plugins record none) */
	if (pd->v.dependency && p->exe && !elf_open_in_root(w->root, p->exe, &fd)) {
		if (!elf_go_module_of(fd, pd->v.dependency, ver, sizeof(ver)))
			pd->v.version = strdup(ver);
		close(fd);
	}
	pd->v.hint = xprintf("%s and this program were built from different versions of package %s%s%s%s "
			   "(or with other Go toolchains, or other build flags): rebuild the plugin and "
			   "the program from the same sources, with the same go version and flags",
			   pd->v.object, pd->v.dependency, pd->v.version ? " (the program has " : "",
			   pd->v.version ? pd->v.version : "", pd->v.version ? ")" : "");
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

/* a dlopen that found nothing: the object it was asked for, or that object's dependency */
static void dlopen_missing(struct pending *pd, const struct dlop *d, const char *want, int code)
{
	pd->v.kind = LW_K_DLOPEN_FAILED;
	pd->v.object = strdup(d->name);
	if (strcmp(base_name(want), base_name(d->name)))
		pd->v.dependency = strdup(want);
	pd->v.err = code ? code : ENOENT;
	pd->v.hint = pd->v.dependency ?
		xprintf("%s was found, but its dependency %s was not: install it or add its "
			"directory to the dlopened object's RUNPATH or to LD_LIBRARY_PATH",
			d->name, want) :
		xprintf("dlopen(\"%s\") found nothing in the directories the loader searched: "
			"install it, pass a path, or add its directory to LD_LIBRARY_PATH or the "
			"caller's RUNPATH", d->name);
}

static void on_dlopen_ret(struct corr *c, const struct where *w, struct proc *p,
			  const struct lw_rec *r)
{
	const struct ldrerr *e;
	struct pending *pd;
	struct dlop *d = NULL;
	char *text, enotdir[LIB_PATH_MAX];
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
		free(pd->v.message);
		pd->v.message = NULL;
	}
	pd->confirm_code = -1;
	pd->sev_by_exit = 1;
	if (e && (lit_skip(e->text, "cannot open shared object file") ||
		  lit_skip(e->text, "failed to map segment"))) {
		const char *want = e->objname[0] ? e->objname : d->name;

		if (!library_refused(c, w, p, pd, want, e->text, d->att_mark, enotdir))
			dlopen_missing(pd, d, want, code);
		goto done;
	}
	pd->v.kind = LW_K_DLOPEN_FAILED;
	pd->v.object = strdup(d->name);
	pd->v.err = code;
	if (e && e->op == LW_OP_DL_EXCEPTION_FMT && lit_skip(e->text, "undefined symbol: ")) {
		pd->v.symbol = strdup(e->a3);
		if (e->a4[0])
			pd->v.version = strdup(e->a5);
	}
	pd->n_att = att_collect(p, d->name, d->att_mark, &pd->att);
	pd->v.hint = xprintf("dlopen(\"%s\") failed: %s", d->name,
			   e ? e->text : "the loader said nothing ldwatch could see");
done:
	free(d->name);
	*d = p->dl[--p->n_dl];
}

/* plugin.Open without a dlopen after it: Go's realpath() failed first */
void diagnose_goplug(const struct where *w, struct proc *p, const struct goplug *g, uint64_t ts)
{
	struct pending *pd;
	struct stat st;
	int err = 0;

	for (unsigned i = 0; i < p->att_n && !err; i++) {
		struct attempt *a = att_at(p, i);

		if (a->err && !strcmp(a->path, g->path) &&
		    att_seq_at(p, i) >= g->att_mark)
			err = a->err;
	}
	if (!err && fs_stat_in_root(w->root, g->path, &st) == -ENOENT)
		err = ENOENT;
	pd = pending_new(p, p->goline ? p->goline : "", p->goline ? strlen(p->goline) : 0, ts);
	if (!pd)
		return;
	if (!p->goline) {
		free(pd->v.message);
		pd->v.message = NULL;
	}
	pd->confirm_code = -1;
	pd->sev_by_exit = 1;
	pd->reported = !!p->goline;	/* Go's own words about it, on fd 2 */
	pd->v.kind = LW_K_DLOPEN_FAILED;
	pd->v.object = strdup(g->path);
	pd->v.err = err;
	pd->n_att = att_under(p, g->path, &pd->att);	/* realpath's readlink and stat */
	pd->v.hint = xprintf("plugin.Open could not resolve %s (Go reports only \"realpath "
			   "failed\"): %s; check the path, relative paths resolve against the "
			   "working directory", g->path,
			   err ? strerror(err) : "the path did not resolve");
}

/*
 * Go's own words when plugin.Open was not probed yet (a binary's first run):
 * plugin.Open("PATH"): realpath failed
 */
void goplug_from_message(struct proc *p)
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

void on_loader(struct corr *c, const struct where *w, struct proc *p, const struct lw_rec *r)
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
		on_dlopen_ret(c, w, p, r);
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
