// SPDX-License-Identifier: MIT
/*
 * summary: findings grouped by root cause (kind, object, who needed it or
 * ran it, container), counted with the first and last time, bounded: past
 * SUMMARY_GROUPS_MAX causes the rest are counted as one "other"
 */
#include <stdlib.h>
#include <string.h>
#include "records.h"

/* as kept: a string past SUMMARY_STR_MAX is its first SUMMARY_STR_MAX bytes */
static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strncmp(a, b, SUMMARY_STR_MAX));
}

static char *dup_or_null(const char *s)
{
	return s ? strndup(s, SUMMARY_STR_MAX) : NULL;
}

enum lw_severity summary_add(struct summary *s, enum lw_kind kind, enum lw_severity sev,
			     const char *object, const char *who, const char *ctr, uint64_t count,
			     uint64_t first_ns, uint64_t last_ns)
{
	struct summary_group *g = NULL;

	if (!count)
		return sev;
	s->total += count;
	if (!s->first_ns || first_ns < s->first_ns)
		s->first_ns = first_ns;
	if (last_ns > s->last_ns)
		s->last_ns = last_ns;
	for (unsigned i = 0; i < s->n && !g; i++)
		if (s->g[i].kind == kind && same(s->g[i].object, object) && same(s->g[i].who, who) &&
		    same(s->g[i].ctr, ctr))
			g = &s->g[i];
	if (!g) {
		if (s->n == SUMMARY_GROUPS_MAX) {
			s->other += count;
			return sev;
		}
		g = &s->g[s->n++];
		*g = (struct summary_group){ .kind = kind, .severity = sev, .object = dup_or_null(object),
					     .who = dup_or_null(who), .ctr = dup_or_null(ctr),
					     .first_ns = first_ns };
	}
	g->count += count;
	if (first_ns < g->first_ns)
		g->first_ns = first_ns;
	if (last_ns > g->last_ns)
		g->last_ns = last_ns;
	return g->severity;
}

static int by_count(const void *a, const void *b)
{
	const struct summary_group *x = a, *y = b;

	return x->count != y->count ? (x->count < y->count ? 1 : -1) :
	       x->first_ns < y->first_ns ? -1 : x->first_ns > y->first_ns;
}

void summary_sort(struct summary *s)
{
	qsort(s->g, s->n, sizeof(s->g[0]), by_count);
}

void summary_free(struct summary *s)
{
	for (unsigned i = 0; i < s->n; i++) {
		free(s->g[i].object);
		free(s->g[i].who);
		free(s->g[i].ctr);
	}
	memset(s, 0, sizeof(*s));
}
