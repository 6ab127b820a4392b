// SPDX-License-Identifier: MIT
/*
 * gate: the verdict gate: pending findings, dedup per exec, crash-loop and
 * repeat folding, --container, and emit
 */
#include "corr_internal.h"

void verdict_clear(struct verdict *v)
{
#define VERDICT_STR_FREE(name) free(v->name);
	VERDICT_STRS(VERDICT_STR_FREE)
#undef VERDICT_STR_FREE
	memset(v, 0, sizeof(*v));
}

void pending_clear(struct pending *pd)
{
	verdict_clear(&pd->v);
	att_clear(pd->att, pd->n_att);
	free(pd->att);
	memset(pd, 0, sizeof(*pd));
}

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
static bool key_seen(struct proc *p, enum lw_kind kind, const char *object)
{
	uint64_t k = key_of(lw_kind_name(kind), object);

	for (unsigned i = 0; i < p->n_keys; i++)
		if (p->keys[i] == k)
			return true;
	if (p->n_keys < KEYS_MAX)
		p->keys[p->n_keys++] = k;
	return false;
}

void loop_clear(struct loop *l)
{
	free(l->exe);
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
	uint64_t k = key_of(lw_kind_name(pd->v.kind), pd->v.object) ^
		     (key_of(p->in_ctr ? p->ctr.id : "", "") * 31) ^
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
	l->kind = pd->v.kind;
	l->object = xstrdup(pd->v.object);
	l->runtime = p->in_ctr ? xstrdup(p->ctr.runtime) : NULL;
	l->id = p->in_ctr ? xstrdup(p->ctr.id) : NULL;
	l->exe = xstrdup(exe);
	l->first_ns = l->last_ns = pd->ts_ns;
	l->total = 1;
	return false;
}

void report_repeats(struct corr *c)
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
bool ctr_wanted(const struct corr *c, const struct proc *p)
{
	const char *want = c->ops.container;

	return !want || (p->in_ctr && p->ctr.id && !strncmp(p->ctr.id, want, strlen(want)));
}

void emit(struct corr *c, const struct where *w, struct proc *p, const struct pending *pd,
	  int exit_code, int sig)
{
	struct proc *g = go_of(c, p);
	char *go_hint = NULL;
	struct finding f = {
		.v = pd->v,
		.ts_ns = pd->ts_ns,
		.pid = p->pid,
		.ppid = p->ppid,
		.uid = p->uid,
		.comm = p->comm,
		.cwd = p->cwd,
		.go_pid = g ? g->pid : 0,
		.go_cmd = g ? g->go_cmd : NULL,
		.env = (const char *const *)p->env,
		.n_env = p->n_env,
		.container = p->in_ctr ? &p->ctr : NULL,
		.exit_code = exit_code,
		.signal = sig,
		.attempts = pd->att,
		.n_attempts = pd->n_att,
	};
	char *obj_host = NULL, incomplete[128] = "";

	if (!f.v.exe)
		f.v.exe = p->exe;

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
		f.root = w->root_host;
		if (w->root < 0)
			strcat(incomplete, ",root-unreachable");
		else if (w->root_host && pd->v.object && pd->v.object[0] == '/')
			f.object_host = obj_host = xprintf("%s%s", w->root_host, pd->v.object);
	}
	f.incomplete = incomplete[0] ? incomplete + 1 : NULL;
	/* one finding per cause per exec; a go command's whole tree is one unit */
	if (pd->v.kind == LW_K_NONE || key_seen(g ? g : p, pd->v.kind, pd->v.object))
		goto out;
	/*
	 * a dlopen failure is an error only when the program said so on fd 2
	 * and then failed: a probe it survives, whatever its status, is a warning
	 */
	if (pd->sev_by_exit)
		f.v.severity = pd->reported && (exit_code > 0 || sig > 0) ? LW_SEV_ERROR : LW_SEV_WARNING;
	/* a container failing the same way again (a crash loop) is counted, not repeated */
	if (p->in_ctr && p->ctr.id && loop_seen(c, p, pd, NULL))
		goto out;
	/* so is a handled warning a program gives on every run */
	if (f.v.severity == LW_SEV_WARNING && !(p->in_ctr && p->ctr.id) &&
	    loop_seen(c, p, pd, f.v.exe))
		goto out;
	/* the Go advice for Go-built binaries and go's own children, once */
	if ((p->go_bin || g) && (pd->v.kind == LW_K_MISSING_LIBRARY ||
				 pd->v.kind == LW_K_VERSION_MISMATCH ||
				 pd->v.kind == LW_K_MISSING_INTERPRETER) &&
	    !(pd->v.hint && strstr(pd->v.hint, "CGO_ENABLED=0"))) {
		go_hint = xprintf("%s; a Go program that does not need cgo can be built with "
				  "CGO_ENABLED=0 into a static binary that needs no shared "
				  "libraries", pd->v.hint ? pd->v.hint : "");
		f.v.hint = go_hint;
	}
	c->st.findings++;
	c->ops.finding(c->ops.ctx, &f);
	free(go_hint);
out:
	free(obj_host);
}

struct pending *pending_new(struct proc *p, const char *line, size_t len,
				   uint64_t ts)
{
	struct pending *pd;

	if (p->n_pend == PEND_MAX)
		return NULL;
	pd = &p->pend[p->n_pend++];
	memset(pd, 0, sizeof(*pd));
	pd->v.severity = LW_SEV_ERROR;
	pd->confirm_code = 127;
	pd->ts_ns = ts;
	pd->v.message = strndup(line, len);
	return pd;
}
