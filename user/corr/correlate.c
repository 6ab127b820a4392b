// SPDX-License-Identifier: MIT
/*
 * correlate: the dispatcher: each decoded record to its process and to the
 * family that reads it, and the public corr_* API
 */
#include "corr_internal.h"

char *xprintf(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

/* files whose uprobes hear the loader: ld.so, libc, libdl, musl's loader */
bool corr_is_loader_name(const char *b)
{
	return lit_skip(b, "ld-linux") || lit_skip(b, "ld-musl-") ||
	       !strcmp(b, "libc.so.6") || !strcmp(b, "libdl.so.2") ||
	       (lit_skip(b, "ld-2.") && strstr(b, ".so")) ||
	       (lit_skip(b, "libc-2.") && strstr(b, ".so"));
}

bool is_open_op(uint32_t op)
{
	return op == LW_OP_OPEN || op == LW_OP_OPENAT || op == LW_OP_OPENAT2;
}

/*
 * Make p's root the one files are checked in: the host's, or its own held
 * open (-errno when it cannot be reached: nothing is then checked at all,
 * rather than the host's file of the same name).
 */
/*
 * where a process's files are: the root they are checked in (the host's, or
 * its own held root), its mount table, and that root's path on the host
 */
void where_of(struct corr *c, const struct proc *p, uint64_t now_ns, struct where *w)
{
	w->root = c->ops.rootfd;
	w->mountinfo = c->ops.mountinfo;
	w->root_host = NULL;
	if (!p || !p->has_root)
		return;
	if (!c->roots && (c->roots = roots_new(c->ops.proc, c->ops.mountinfo)))
		roots_set_host(c->roots, c->ops.rootfd);
	w->root = c->roots ? roots_get(c->roots, &p->root, proc_pid(c, p->pid), p->root_fs, now_ns,
				       &w->root_host) : -ENOMEM;
	/* its mount points, as it names them, while it lives */
	snprintf(w->mi_buf, sizeof(w->mi_buf), "%s/%u/mountinfo",
		 c->ops.proc ? c->ops.proc : "/proc", proc_pid(c, p->pid));
	w->mountinfo = c->ops.mountinfo && proc_pid(c, p->pid) ? w->mi_buf : NULL;
}

/* the container a process lives in: its namespaces, cgroup, and the runtime's name for it */
static void on_ns(struct corr *c, struct proc *p, const struct lw_rec *r)
{
	struct where w;
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
	where_of(c, p, r->ev.ts_ns, &w);
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

static void on_exit_ev(struct corr *c, const struct where *w, struct proc *p,
		       const struct lw_rec *r)
{
	uint32_t status = r->ev.aux;
	int code = -1, sig = -1;
	unsigned i;

	if ((status & 0x7f) == 0)
		code = (status >> 8) & 0xff;
	else
		sig = status & 0x7f;
	if (p->line_len) {
		on_line(c, w, p, p->line, p->line_len, r->ev.ts_ns);
		p->line_len = 0;
	}
	if (!p->n_gp && p->goline)
		goplug_from_message(p);
	for (i = 0; i < p->n_gp; i++)
		if (!p->gp[i].dlopened)
			diagnose_goplug(w, p, &p->gp[i], r->ev.ts_ns);
	for (i = 0; i < p->n_pend; i++) {
		struct pending *pd = &p->pend[i];

		if (code == pd->confirm_code || pd->confirm_code == -1)
			emit(c, w, p, pd, code, sig);
		pending_clear(pd);
	}
	p->n_pend = 0;
	if (code != 0)
		for (i = 0; i < p->n_xf; i++)
			diagnose_exec(c, w, p, &p->xf[i], r->ev.ts_ns, code, sig);
	if (code == 127 || (p->cnf && code != 0))
		diagnose_command(c, w, p, r->ev.ts_ns, code, sig);
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
	struct where w;
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
		where_of(c, p, e->ts_ns, &w);
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
				emit(c, &w, p, &p->pend[i], -1, -1);
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
			int go = c->ops.exec_seen(c->ops.ctx, w.root, p->exe, e->flags,
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
		proc_account(c, child);
		p = proc_find(c, e->pid);	/* counting the child may have evicted it */
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
			c->ops.loader_seen(c->ops.ctx, w.root, r->full, p->pid);
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
		on_stderr(c, &w, p, r);
		break;
	case LW_EV_LOADER:
		on_loader(c, &w, p, r);
		break;
	case LW_EV_EXIT:
		on_exit_ev(c, &w, p, r);
		return;	/* p is gone */
	}
	if (p)
		proc_account(c, p);
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
	struct where w;

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
			where_of(c, p, now_ns, &w);
			emit(c, &w, p, pd, -1, -1);
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
