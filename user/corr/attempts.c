// SPDX-License-Identifier: MIT
/*
 * attempts: the lookup ring of one exec, and the one way attempts are selected
 * for a finding
 */
#include "corr_internal.h"

void att_add(struct proc *p, const char *path, uint32_t op, int err, uint32_t mode)
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

/* where the ith kept lookup stands among all of this exec's (for `since` marks) */
unsigned att_seq_at(const struct proc *p, unsigned i)
{
	return p->att_seq[(p->att_head + i) % CORR_ATT_MAX];
}

struct attempt *att_at(const struct proc *p, unsigned i)
{
	return (struct attempt *)&p->att[(p->att_head + i) % CORR_ATT_MAX];
}

/* a lookup of the library `name` (a bare name matches any directory) */
bool att_is_for(const struct attempt *a, const char *name)
{
	if (!is_open_op(a->op) && a->op != LW_OP_MMAP)
		return false;
	if (strchr(name, '/') && name[0] == '/')
		return strcmp(a->path, name) == 0;
	return strcmp(base_name(a->path), base_name(name)) == 0;
}

/*
 * the one selection: copies of the exec's lookups that `want` keeps, from the
 * `since`th on, in order (out is the caller's to free; attempts_free)
 */
unsigned att_select(struct proc *p, att_pred want, const void *arg, unsigned since,
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

		if (att_seq_at(p, i) < since || !want(a, arg))
			continue;
		v[n] = *a;
		v[n].path = strdup(a->path);
		if (!v[n].path)
			break;
		n++;
	}
	*out = v;
	return n;
}

static bool is_for(const struct attempt *a, const void *name)
{
	return att_is_for(a, name);
}

/* lookups of the library `name` since `since` */
unsigned att_collect(struct proc *p, const char *name, unsigned since, struct attempt **out)
{
	return att_select(p, is_for, name, since, out);
}

/* the last successful open of `name` since `since`: a candidate the loader read */
const char *last_opened(struct proc *p, const char *name, unsigned since)
{
	const char *found = NULL;

	for (unsigned i = 0; i < p->att_n; i++) {
		struct attempt *a = att_at(p, i);

		if (!a->err && is_open_op(a->op) && att_is_for(a, name) &&
		    att_seq_at(p, i) >= since)
			found = a->path;
	}
	return found;
}

/* the latest lookup of exactly `path` */
const struct attempt *att_last(struct proc *p, const char *path)
{
	const struct attempt *found = NULL;

	for (unsigned i = 0; i < p->att_n; i++)
		if (!strcmp(att_at(p, i)->path, path))
			found = att_at(p, i);
	return found;
}

static bool is_under(const struct attempt *a, const void *arg)
{
	const char *path = arg;
	size_t n = strlen(path);

	return !strncmp(a->path, path, n) && (!a->path[n] || a->path[n] == '/');
}

/* lookups of path and of everything under it, in order */
unsigned att_under(struct proc *p, const char *path, struct attempt **out)
{
	return att_select(p, is_under, path, 0, out);
}
