// SPDX-License-Identifier: MIT
/*
 * proctable: the process table (hash, LRU, eviction), one exec's story reset,
 * fork inheritance, a process's environment and go invocation
 */
#include "corr_internal.h"

void att_clear(struct attempt *a, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free(a[i].path);
}

void le_clear(struct ldrerr *e)
{
	free(e->objname);
	free(e->text);
	free(e->a3);
	free(e->a4);
	free(e->a5);
	memset(e, 0, sizeof(*e));
}

/* forget what the previous image did: a new exec starts a new story */
void proc_reset_exec(struct proc *p)
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

/* what a process's state holds: bounded pieces, counted, never walked unbounded */
static size_t proc_mem(const struct proc *p)
{
	size_t n = sizeof(*p) + p->att_bytes + p->said_len;
	unsigned i, j;

	n += (p->exe ? strlen(p->exe) : 0) + (p->cwd ? strlen(p->cwd) : 0);
	for (i = 0; i < p->n_pend; i++)
		for (j = 0; j < p->pend[i].n_att; j++)
			n += sizeof(struct attempt) + strlen(p->pend[i].att[j].path);
	for (i = 0; i < p->le_n; i++)
		n += (p->le[i].text ? strlen(p->le[i].text) : 0) +
		     (p->le[i].objname ? strlen(p->le[i].objname) : 0);
	for (i = 0; i < p->n_env; i++)
		n += strlen(p->env[i]);
	return n;
}

/*
 * count p again, and keep the whole table within its budget: the least
 * recently seen processes go first (never p itself), counted as evicted
 */
void proc_account(struct corr *c, struct proc *p)
{
	uint64_t budget = c->ops.mem_budget ? c->ops.mem_budget : CORR_MEM_DEFAULT;
	size_t now = proc_mem(p);

	c->st.mem_bytes += now - p->mem;
	p->mem = now;
	while (c->st.mem_bytes > budget && c->lru_tail && c->lru_tail != p) {
		proc_remove(c, c->lru_tail);
		c->st.evicted++;
	}
}

void proc_remove(struct corr *c, struct proc *p)
{
	c->st.mem_bytes -= p->mem;
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
uint32_t proc_pid(const struct corr *c, uint32_t pid)
{
	return c->ops.local_pid ? c->ops.local_pid(c->ops.ctx, pid) : pid;
}

struct proc *proc_find(struct corr *c, uint32_t pid)
{
	struct proc *p;

	for (p = c->bucket[pid % HASH_BUCKETS]; p; p = p->hnext)
		if (p->pid == pid)
			return p;
	return NULL;
}

/* a (pid, start) pair names a process; start 0 means "not known yet" */
struct proc *proc_get(struct corr *c, uint32_t pid, uint64_t start_ns)
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

void proc_note(struct proc *p, const struct lw_rec *r)
{
	p->ppid = r->ev.ppid;
	p->uid = r->ev.uid;
	memcpy(p->comm, r->ev.comm, sizeof(p->comm));
}

/* a captured variable's value, or NULL */
const char *env_get(const struct proc *p, const char *name)
{
	size_t n = strlen(name);

	for (unsigned i = 0; i < p->n_env; i++)
		if (!strncmp(p->env[i], name, n) && p->env[i][n] == '=')
			return p->env[i] + n + 1;
	return NULL;
}

/* the go invocation a process belongs to: itself or its nearest go ancestor */
struct proc *go_of(struct corr *c, struct proc *p)
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

/* a variable from the process, else from the go invocation it belongs to */
const char *env_find(struct corr *c, struct proc *p, const char *name)
{
	const char *v = env_get(p, name);
	struct proc *g;

	if (v)
		return v;
	g = go_of(c, p);
	return g ? env_get(g, name) : NULL;
}
